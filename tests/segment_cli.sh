#!/bin/bash
# segment_cli.sh — end-to-end tests of `jisr segment`: stdout, stderr and exit code for good
# input, every output format, and bad input (empty, binary, invalid UTF-8, huge line without a
# newline, unreadable paths, bad SRX, bad usage).
set -u
J=${JISR_BINARY:?JISR_BINARY not set}
SRC=${JISR_SOURCE_DIR:-$(dirname "$0")/..}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
n=0

# run NAME EXPECTED_RC CMD... : runs CMD, keeps stdout in $T/out and stderr in $T/err
run() {
    local name=$1 want=$2
    shift 2
    n=$((n + 1))
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL $name: exit $rc, want $want"
        sed 's/^/  stderr: /' "$T/err" | head -5
        fails=$((fails + 1))
        return 1
    fi
    return 0
}
fail() {
    echo "FAIL $1"
    fails=$((fails + 1))
}
same() { # same NAME FILE EXPECTED_TEXT
    if ! printf '%s' "$3" | cmp -s - "$2"; then
        fail "$1: output differs"
        printf '%s' "$3" | diff - "$2" | head -20 | sed 's/^/  /'
    fi
}
lacks() { # lacks NAME FILE REGEX
    ! grep -Eq -- "$3" "$2" || fail "$1: $2 has /$3/"
}
has() { # has NAME FILE REGEX
    grep -Eq -- "$3" "$2" || {
        fail "$1: $2 lacks /$3/"
        sed 's/^/  /' "$2" | head -5
    }
}
empty() { [ -s "$2" ] && { fail "$1: $2 not empty"; sed 's/^/  /' "$2" | head -5; }; }

# --- good input: text and jsonl -------------------------------------------------------------
printf 'Dr. Smith came. He left!\nStill the same paragraph.\n\n\nقال د. أحمد: «وصلنا.» ثم غادر؟! نعم.\n' >"$T/a.txt"
if run text 0 "$J" segment "$T/a.txt"; then
    same text "$T/out" $'Dr. Smith came.\nHe left!\nStill the same paragraph.\n\nقال د. أحمد: «وصلنا.»\nثم غادر؟!\nنعم.\n'
    empty text "$T/err"
fi
if run jsonl 0 "$J" segment --format jsonl "$T/a.txt"; then
    same jsonl "$T/out" '{"paragraph":1,"start":0,"end":15,"text":"Dr. Smith came."}
{"paragraph":1,"start":16,"end":24,"text":"He left!"}
{"paragraph":1,"start":25,"end":50,"text":"Still the same paragraph."}
{"paragraph":2,"start":53,"end":89,"text":"قال د. أحمد: «وصلنا.»"}
{"paragraph":2,"start":90,"end":106,"text":"ثم غادر؟!"}
{"paragraph":2,"start":107,"end":114,"text":"نعم."}
'
    # offsets really point into the input
    while IFS=$'\t' read -r s e t; do
        got=$(head -c "$e" "$T/a.txt" | tail -c "$((e - s))")
        [ "$got" = "$t" ] || fail "jsonl offsets: [$s,$e) is '$got', want '$t'"
    done < <(sed -E 's/.*"start":([0-9]+),"end":([0-9]+),"text":"(.*)"}/\1\t\2\t\3/' "$T/out")
fi
# stdin, with no FILE and with -
run stdin 0 "$J" segment <"$T/a.txt" && cmp -s "$T/out" <("$J" segment "$T/a.txt") ||
    fail "stdin output differs from file output"
run stdin-dash 0 "$J" segment -l auto - <"$T/a.txt" && cmp -s "$T/out" <("$J" segment "$T/a.txt") ||
    fail "'-' output differs from file output"
# -l picks the rule set: English knows "Yahoo! in" goes on, Arabic rules let ICU break there;
# Arabic abbreviations hold in a paragraph read as English too (mixed text)
printf 'She shouted Yahoo! in the morning.\n' >"$T/yahoo.txt"
run lang-ar 0 "$J" segment -l ar "$T/yahoo.txt" && has lang-ar "$T/out" '^in the morning\.$'
run lang-en 0 "$J" segment -l en "$T/yahoo.txt" && has lang-en "$T/out" '^She shouted Yahoo! in the morning\.$'
run lang-auto 0 "$J" segment "$T/yahoo.txt" && has lang-auto "$T/out" '^She shouted Yahoo! in the morning\.$'
run lang-en-ar 0 "$J" segment -l en "$T/a.txt" && lacks lang-en-ar "$T/out" '^قال د\.$'
# two files: jsonl names them, text separates them like paragraphs
printf 'One. Two.' >"$T/b.txt"
if run two-files 0 "$J" segment --format jsonl "$T/b.txt" "$T/b.txt"; then
    [ "$(grep -c '"file":' "$T/out")" = 4 ] || fail "two-files: want a file field on 4 lines"
fi
run two-files-text 0 "$J" segment "$T/b.txt" "$T/b.txt" && same two-files-text "$T/out" $'One.\nTwo.\n\nOne.\nTwo.\n'
# UTF-16 with a BOM: same sentences; offsets into the UTF-8 decoding
printf 'Dr. Smith. Hi.\n\nقال د. أحمد. نعم.' >"$T/u8.txt"
iconv -f UTF-8 -t UTF-16 "$T/u8.txt" >"$T/u16.txt"
run utf16 0 "$J" segment --format jsonl "$T/u16.txt" && cmp -s "$T/out" <("$J" segment --format jsonl "$T/u8.txt") ||
    fail "utf16: output differs from the UTF-8 file's"
# the bundled corpora: every non-empty line of the guide splits exactly as its .sent file
if [ -f "$SRC/corpora/en-guide.txt" ]; then
    for p in en:guide.en ar:guide.ar; do
        l=${p%%:*}
        run "corpus-$l" 0 "$J" segment -l "$l" "$SRC/corpora/$l-guide.txt" &&
            grep -v '^$' "$T/out" | cmp -s - "$SRC/corpora/${p#*:}.sent" || fail "corpus $p differs"
    done
fi

# --- bad input ------------------------------------------------------------------------------
: >"$T/empty.txt"
run empty 0 "$J" segment "$T/empty.txt" && { empty empty "$T/out"; empty empty "$T/err"; }
printf '\n\n  \n' >"$T/blank.txt"
run blank 0 "$J" segment "$T/blank.txt" && empty blank "$T/out"
head -c 3000 /dev/urandom >"$T/bin.dat"
printf 'ELF\0\1\2' >>"$T/bin.dat"
run binary 1 "$J" segment "$T/bin.dat" && has binary "$T/err" "^jisr: $T/bin.dat:[0-9]+:[0-9]+: .*byte offset [0-9]+"
printf 'Hello. World \xff\xfe bad.\nline2 \xc3 x.' >"$T/bad.txt"
run invalid-utf8 1 "$J" segment "$T/bad.txt" &&
    has invalid-utf8 "$T/err" "^jisr: $T/bad.txt:1:14: invalid UTF-8 at byte offset 13"
if run lenient 0 "$J" segment --lenient "$T/bad.txt"; then
    same lenient "$T/out" $'Hello.\nWorld \xef\xbf\xbd\xef\xbf\xbd bad. line2 \xef\xbf\xbd x.\n'
    has lenient "$T/err" "^jisr: warning: .*replaced 3 invalid"
fi
run missing 1 "$J" segment "$T/nope.txt" && has missing "$T/err" "^jisr: $T/nope.txt: cannot open: No such file"
run directory 1 "$J" segment "$T" && has directory "$T/err" "^jisr: $T: .*[Ii]s a directory"
if [ "$(id -u)" != 0 ]; then
    printf 'x.' >"$T/secret.txt"
    chmod 000 "$T/secret.txt"
    run unreadable 1 "$J" segment "$T/secret.txt" && has unreadable "$T/err" "Permission denied"
fi
# a 200 MB line without a newline: refused after a bounded read, memory stays small
asan=0
if nm "$J" 2>/dev/null | grep -q __asan_init || ldd "$J" 2>/dev/null | grep -q libasan; then asan=1; fi
n=$((n + 1))
(
    if [ $asan = 0 ]; then ulimit -v 400000; fi
    head -c 200000000 /dev/zero | tr '\0' 'a' | "$J" segment >"$T/out" 2>"$T/err"
    exit "${PIPESTATUS[2]}"
)
rc=$?
[ $rc = 1 ] || fail "huge line: exit $rc, want 1"
has huge-line "$T/err" '^jisr: <stdin>:1: line is longer than the limit'
if [ -x /usr/bin/time ]; then
    head -c 200000000 /dev/zero | tr '\0' 'a' | /usr/bin/time -f '%M' -o "$T/rss" "$J" segment >/dev/null 2>&1
    rss=$(tail -1 "$T/rss")
    limit=$((asan ? 600000 : 100000))
    [ "$rss" -lt $limit ] || fail "huge line: peak RSS ${rss} KiB, want < $limit"
    echo "huge line: peak RSS ${rss} KiB"
fi
# bad SRX: file:line:col
printf '<srx>\n<body><languagerules><languagerule languagerulename="a">\n<rule><beforebreak>[a-</beforebreak></rule>\n</languagerule></languagerules><maprules><languagemap languagepattern=".*" languagerulename="a"/></maprules></body></srx>\n' >"$T/bad.srx"
run bad-srx 1 "$J" segment --srx "$T/bad.srx" "$T/a.txt" &&
    has bad-srx "$T/err" "^jisr: $T/bad.srx:3:7: beforebreak: bad regular expression"
printf '<srx><body>' >"$T/trunc.srx"
run bad-xml 1 "$J" segment --srx "$T/trunc.srx" "$T/a.txt" && has bad-xml "$T/err" "^jisr: $T/trunc.srx:1:[0-9]+: bad XML"
# libxml2's own messages (encoding errors) never reach stderr: one line, from jisr
printf '<?xml version="1.0" encoding="ISO-2022-JP"?>\n<srx><body>\033$B\377\376</body></srx>\n' >"$T/enc.srx"
if run bad-encoding 1 "$J" segment --srx "$T/enc.srx" "$T/a.txt"; then
    has bad-encoding "$T/err" "^jisr: $T/enc.srx:2:[0-9]+: bad XML"
    [ "$(wc -l <"$T/err")" = 1 ] || fail "bad-encoding: stderr has $(wc -l <"$T/err") lines, want 1"
fi
run missing-srx 1 "$J" segment --srx "$T/none.srx" "$T/a.txt" && has missing-srx "$T/err" "^jisr: $T/none.srx: cannot open SRX file"
# a user's SRX file replaces the built-in rules
printf '<srx><header cascade="no"/><body><languagerules><languagerule languagerulename="a"><rule break="yes"><beforebreak>;</beforebreak><afterbreak>\\s</afterbreak></rule></languagerule></languagerules><maprules><languagemap languagepattern=".*" languagerulename="a"/></maprules></body></srx>' >"$T/semi.srx"
printf 'One; two. Dr. Who.' >"$T/semi.txt"
run user-srx 0 "$J" segment -l en --srx "$T/semi.srx" "$T/semi.txt" && same user-srx "$T/out" $'One;\ntwo.\nDr.\nWho.\n'
# a rule that runs out of ICU's regex time limit is named in a warning (issue 11 item 21), and a
# rule's verdict does not depend on text far from the boundary
printf '<srx version="2.0"><header cascade="no"/><body><languagerules>\n<languagerule languagerulename="a">\n<rule break="no"><beforebreak>Dr\\.</beforebreak><afterbreak>\\s(?:.*(?:x+x+)+y|[A-Z])</afterbreak></rule>\n</languagerule></languagerules><maprules><languagemap languagepattern=".*" languagerulename="a"/></maprules></body></srx>' >"$T/slow.srx"
printf 'Dr. Smith xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx went home.\n' >"$T/slow.txt"
run srx-time-limit 0 "$J" segment -l en --srx "$T/slow.srx" "$T/slow.txt" &&
    has srx-time-limit "$T/err" "^jisr: warning: $T/slow.srx:3:1: this SRX rule ran out of ICU's regular-expression time limit"
{ printf 'Dr. Smith went home.'; for i in $(seq 600); do printf ' word'; done; printf ' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'; } >"$T/far.txt"
if run srx-far 0 "$J" segment -l en --srx "$T/slow.srx" "$T/far.txt"; then
    empty srx-far "$T/err"
    has srx-far "$T/out" '^Dr\. Smith went home\.'
fi

# --- single newlines: wrapped text joins, lines the writer broke are boundaries -----------------
# one verse a line without full stops (Arabic Bibles, subtitles, string lists) was one sentence
printf 'وفي ذلك اليوم خرج الناس إلى الحقول\nوكان المطر غزيرا\nفلما رأوا ذلك رجعوا إلى بيوتهم وأغلقوا الأبواب وجلسوا ينتظرون أن يهدأ الطقس ويعود الصفاء إلى السماء\nوقال بعضهم لبعض\nلننتظر حتى الصباح\nوفي الصباح أشرقت الشمس على المدينة كلها\nفخرج الأطفال يلعبون في الشوارع\nوذهب الرجال إلى أعمالهم في السوق والمزارع البعيدة وراء النهر الكبير الذي يمر بالمدينة من الشرق\nوبقيت النساء في البيوت\nوكان ذلك يوما هادئا\nثم جاء المساء\nونام الجميع\n' >"$T/verses.txt"
run verse-lines 0 "$J" segment -l ar "$T/verses.txt" && [ "$(wc -l <"$T/out")" = 12 ] ||
    fail "verse-lines: $(wc -l <"$T/out") sentences, want 12"
# the same words wrapped at 40 columns (by characters) and at 60 by fmt: one paragraph, joined
tr '\n' ' ' <"$T/verses.txt" | sed 's/ $/./' >"$T/joined.txt"
"$J" segment -l ar "$T/joined.txt" >"$T/joined.out"
/usr/bin/python3 -c "import sys,textwrap; print('\n'.join(textwrap.wrap(open(sys.argv[1]).read(), 40)))" "$T/joined.txt" >"$T/wrap40.txt"
run wrapped-chars 0 "$J" segment -l ar "$T/wrap40.txt" && cmp -s "$T/out" "$T/joined.out" || fail "wrapped-chars: differs from the unwrapped text"
printf 'The ministers said in a joint statement that, over five years of military and civilian engagement in liberating Iraq and northeast Syria from the grip of the group, it had lost its hold over nearly all of its territory. The coalition must preserve its unity of purpose.\n' >"$T/en1.txt"
"$J" segment -l en "$T/en1.txt" >"$T/en1.out"
fmt -w 60 "$T/en1.txt" >"$T/en60.txt"
run wrapped-fmt 0 "$J" segment -l en "$T/en60.txt" && cmp -s "$T/out" "$T/en1.out" || fail "wrapped-fmt: differs from the unwrapped text"
# a heading line above wrapped text is its own segment; the wrapped lines stay joined
printf 'Introduction\nThe report, which was written over the course of several months by\nthe committee, says that the results were good and that the next steps\nare clear. It also says more.\n' >"$T/head.txt"
run heading 0 "$J" segment -l en "$T/head.txt" &&
    same heading "$T/out" $'Introduction\nThe report, which was written over the course of several months by the committee, says that the results were good and that the next steps are clear.\nIt also says more.\n'
# a line that starts with closing punctuation is never a sentence of its own
printf 'first verse of the chapter here\nsecond verse that is a good deal longer than the first one\n. and a third\n' >"$T/close.txt"
run closing-line 0 "$J" segment -l en "$T/close.txt" && lacks closing-line "$T/out" '^\.'

# --- usage ------------------------------------------------------------------------------------
run help 0 "$J" segment --help && has help "$T/out" '^Usage: jisr segment' && has help "$T/out" 'Examples'
run help-cmd 0 "$J" help segment && has help-cmd "$T/out" '^Usage: jisr segment'
run bad-option 2 "$J" segment --bogus && has bad-option "$T/err" "Try 'jisr help segment'"
run bad-format 2 "$J" segment --format xml "$T/a.txt" && has bad-format "$T/err" "bad format 'xml'"
run bad-lang 2 "$J" segment -l 'a b' "$T/a.txt" && has bad-lang "$T/err" "bad language"
run no-arg 2 "$J" segment --srx
# -l without --srx: only languages jisr has rules for ("english" was read as a tag with no rules)
run lang-name 2 "$J" segment -l english "$T/a.txt" && has lang-name "$T/err" "no built-in rules for language 'english' \(English is 'en'\)"
run lang-other 2 "$J" segment -l fr "$T/a.txt" && has lang-other "$T/err" "give --srx FILE"
run lang-region 0 "$J" segment -l en-US "$T/yahoo.txt" && has lang-region "$T/out" '^She shouted Yahoo! in the morning\.$'
run lang-639-2 0 "$J" segment -l eng "$T/yahoo.txt" && has lang-639-2 "$T/out" '^She shouted Yahoo! in the morning\.$'
run lang-ara 0 "$J" segment -l ara_EG "$T/yahoo.txt" && has lang-ara "$T/out" '^in the morning\.$'
run lang-srx 0 "$J" segment -l fr --srx "$T/semi.srx" "$T/semi.txt"

# --- SRX: an empty <afterbreak> matches anywhere, also after an unbounded beforebreak ----------
cat >"$T/empty-after.srx" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
<header segmentsubflows="yes" cascade="no"/>
<body><languagerules><languagerule languagerulename="Default">
<rule break="yes"><beforebreak>[.!?]+</beforebreak><afterbreak></afterbreak></rule>
</languagerule></languagerules>
<maprules><languagemap languagepattern=".*" languagerulename="Default"/></maprules>
</body></srx>
XML
printf 'One. Two!! Three?\n' >"$T/three.txt"
run srx-empty-after 0 "$J" segment --srx "$T/empty-after.srx" -l en "$T/three.txt" && same srx-empty-after "$T/out" $'One.\nTwo!!\nThree?\n'
# Okapi's shipped rule files (on Okapi's own sample sentences), when the shared data is here:
# "U.K. not" goes on, "U.S. Is" breaks (its no-break rule wants no capital after), and "。"
# breaks with nothing after it (an unbounded beforebreak, an empty afterbreak)
OKAPI=$SRC/../shared/data/segmentation/okapi-trados
[ -d "$OKAPI" ] || OKAPI=/work/shared/data/segmentation/okapi-trados
if [ -f "$OKAPI/defaultSegmentation.srx" ]; then
    printf 'Mr. Holmes is from the U.K. not the U.S. Is Dr. Watson from there too? Yes: both are. \xe6\x97\xa5\xe6\x9c\xac\xe3\x80\x82\xe6\xac\xa1\xe3\x80\x82\n' >"$T/okapi.txt"
    run okapi-default 0 "$J" segment --srx "$OKAPI/defaultSegmentation.srx" -l en "$T/okapi.txt" &&
        same okapi-default "$T/out" $'Mr. Holmes is from the U.K. not the U.S.\nIs Dr. Watson from there too?\nYes: both are.\n\xe6\x97\xa5\xe6\x9c\xac\xe3\x80\x82\n\xe6\xac\xa1\xe3\x80\x82\n'
    run okapi-trados 0 "$J" segment --srx "$OKAPI/tradosSegmentation.srx" -l en "$T/okapi.txt"
fi

# --- jsonl offsets with a UTF-8 BOM: counted after the removed BOM (as --help and the man page say)
printf '\xef\xbb\xbfOne. Two.\n' >"$T/bom.txt"
run jsonl-bom 0 "$J" segment -l en --format jsonl "$T/bom.txt" &&
    has jsonl-bom "$T/out" '"start":5,"end":9,"text":"Two\."'

echo "$n checks, $fails failed"
[ $fails = 0 ]
