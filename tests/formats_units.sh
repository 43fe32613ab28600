#!/bin/bash
# formats_units.sh — issue 11 B: what goes in must come out. One set of limits and checks in the
# unit model and the line reader, the same for every reader (TSV, Moses, JSONL, TMX), so that a
# file jisr accepts can always be written, and a file jisr writes can always be read back.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-units.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1
py=/usr/bin/python3

# --- 11. an over-long line is skipped whole: its tail is never read as a record ------------------
# 16 MiB + 1 bytes of junk (one byte over the line limit), then a valid unit on the same line
$py - <<'PY'
pad = b"x" * ((16 << 20) + 1)
tail_json = '{"source":"hidden tail","target":"ذيل مخفي"}'.encode()
good = lambda i: ('{"source":"good %d","target":"جيد %d"}\n' % (i, i)).encode()
with open("evil.jsonl", "wb") as f:
    f.write(good(1) + pad + tail_json + b"\n" + good(2))
with open("evil.tsv", "wb") as f:
    f.write("good 1\tجيد 1\n".encode() + pad + "hidden tail\tذيل مخفي\n".encode() + "good 2\tجيد 2\n".encode())
PY
$J import --tm tmJ --skip-bad -s en -t ar evil.jsonl 2>err
rc=$?
$J export --tm tmJ -s en -t ar -o J.tsv 2>/dev/null
check "JSONL --skip-bad: the over-long line is reported (line 2) and skipped" \
    '[ $rc -eq 0 ] && grep -q "evil.jsonl:2:1: line longer than" err'
check "... the unit hidden at its end is not imported, both good ones are" \
    '! grep -q "hidden tail" J.tsv && [ "$(wc -l <J.tsv)" = 2 ]'
$J import --tm tmT --skip-bad -s en -t ar evil.tsv 2>err
rc=$?
$J export --tm tmT -s en -t ar -o T.tsv 2>/dev/null
check "TSV --skip-bad: the same line is skipped, not fatal" \
    '[ $rc -eq 0 ] && grep -q "evil.tsv:2:1: line longer than" err && [ "$(wc -l <T.tsv)" = 2 ] && ! grep -q "hidden tail" T.tsv'
$J convert -s en -t ar evil.tsv strict.tmx 2>err
check "... and without --skip-bad it fails, naming line 2, writing nothing" \
    '[ $? -eq 1 ] && grep -q "evil.tsv:2:1:" err && [ ! -e strict.tmx ]'
rm -f evil.jsonl evil.tsv

# --- 10. NUL bytes never silently truncate a field -------------------------------------------
printf 'abc\0def\tHello\0world\nok\tfine\n' >nul.tsv
$J convert -s ar -t en nul.tsv nul.jsonl 2>err
check "TSV with NUL: exit 1 naming line and column, nothing written" \
    '[ $? -eq 1 ] && grep -q "nul.tsv:1:4: NUL byte" err && [ ! -e nul.jsonl ]'
$J convert --skip-bad -s ar -t en nul.tsv nul.jsonl 2>err
check "... --skip-bad skips that line only" '[ $? -eq 0 ] && [ "$(wc -l <nul.jsonl)" = 1 ] && grep -q fine nul.jsonl'
printf 'one\0two\nthree\n' >m.en
printf 'واحد\nثلاثة\n' >m.ar
$J convert -s en -t ar m.en m.tsv 2>err
check "Moses with NUL: exit 1 naming the file and line" '[ $? -eq 1 ] && grep -q "m.en:1:4: NUL byte" err'
$J import --tm tmN -s ar -t en nul.tsv 2>err
check "import of a TSV with NUL: exit 1, nothing stored" '[ $? -eq 1 ] && grep -q "nul.tsv:1:4:" err'

# --- 7. control characters: U+000B/U+000C become line feeds, the others are refused at import --
printf 'سطر\x0bجديد\tline\x0bbreak\nنص\ttext\n' >vt.tsv
$J import --tm tmV -s ar -t en vt.tsv 2>err
$J export --tm tmV -o vt.tmx 2>err
check "U+000B (Word's line break) imported as a line feed: the memory exports" \
    '[ $? -eq 0 ] && [ "$(xmllint --nonet --xpath "count(//tu)" vt.tmx)" = 2 ] && grep -q "^break</seg>" vt.tmx'
printf 'ok\tfine\nbell\x07here\tx\n' >bel.tsv
$J import --tm tmB -s en -t ar bel.tsv 2>err
check "other C0 controls: import refuses the file, naming line and character" \
    '[ $? -eq 1 ] && grep -q "bel.tsv:2:1: the en text holds the control character U+0007 (character 5)" err'
check "... and the memory stays as it was (nothing stored)" '! $J stats --tm tmB 2>/dev/null | grep -q "units: *[1-9]"'
$J import --tm tmB --skip-bad -s en -t ar bel.tsv 2>err
check "... with --skip-bad the other unit is stored" '[ $? -eq 0 ] && $J stats --tm tmB | grep -q "units: *1"'
printf '{"source":"a\\u0001b","target":"x"}\n{"source":"page\\u000cbreak","target":"y"}\n' >ctl.jsonl
$J convert -s en -t ar --skip-bad ctl.jsonl ctl.tmx 2>err
check "JSONL: U+0001 refused (line 1), U+000C mapped: the TMX is valid" \
    '[ $? -eq 0 ] && grep -q "ctl.jsonl:1:1: the en text holds the control character U+0001" err && xmllint --noout --nonet ctl.tmx && grep -q "^break</seg>" ctl.tmx'

# --- 8. one set of limits: no reader accepts what another refuses ------------------------------
$py - <<'PY'
big = "x" * ((1 << 20) + 10)
with open("long.tsv", "w") as f:
    f.write("short\tقصير\n" + big + "\tطويل\n")
with open("long.jsonl", "w") as f:
    f.write('{"source":"%s","target":"t"}\n' % big)
# 17 variants of 1,000,000 bytes: each within the segment limit, together a JSONL line > 16 MiB
seg = "y" * 1000000
tuvs = "".join('<tuv xml:lang="x%d"><seg>%s</seg></tuv>' % (i, seg) for i in range(17))
with open("wide.tmx", "w") as f:
    f.write('<?xml version="1.0"?><tmx version="1.4"><header srclang="x0"/><body>'
            '<tu><tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="ar"><seg>ب</seg></tuv></tu>'
            '<tu>%s</tu></body></tmx>\n' % tuvs)
PY
$J convert -s en -t ar long.tsv long.tmx 2>err
check "a TSV segment over 1 MiB is refused as TMX/JSONL readers refuse it (line 2), nothing written" \
    '[ $? -eq 1 ] && grep -q "long.tsv:2:1: the en text is longer than 1 MiB" err && [ ! -e long.tmx ]'
$J convert --skip-bad -s en -t ar long.tsv long.tmx 2>err && $J convert long.tmx back.tsv -s en -t ar
check "... --skip-bad: what was written reads back" '[ $? -eq 0 ] && [ "$(wc -l <back.tsv)" = 1 ]'
$J convert -s en -t ar long.jsonl long2.tmx 2>err
check "JSONL pair form: the same limit" '[ $? -eq 1 ] && grep -q "long.jsonl:1:1: the en text is longer than 1 MiB" err'
$J convert wide.tmx wide.jsonl 2>err
check "a unit that would make a JSONL line over 16 MiB is refused by the writer" \
    '[ $? -eq 1 ] && grep -q "would be a JSONL line of 16 MiB, longer than the 16 MiB a reader accepts" err && [ ! -e wide.jsonl ]'
$J convert --skip-bad wide.tmx wide.jsonl 2>err && $J convert wide.jsonl wide-back.tsv -s en -t ar
check "... --skip-bad writes the rest, which reads back" '[ $? -eq 0 ] && [ "$(wc -l <wide-back.tsv)" = 1 ]'
rm -f long.* wide.* long2.tmx

# --- 9. private-use characters are never dropped and never taken for tags ----------------------
APPLE=$(printf '\xef\xa3\xbf') # U+F8FF, the Apple logo
BULLET=$(printf '\xef\x80\xb7') # U+F0B7, Word's Symbol-font bullet
E000=$(printf '\xee\x80\x80')   # U+E000, the first placeholder code point
printf 'Apple \xef\xa3\xbf logo\tشعار \xef\xa3\xbf\n' >pua.tsv
$J convert -s en -t ar pua.tsv pua.tmx && $J convert pua.tmx pua.jsonl
check "TSV -> TMX -> JSONL keeps U+F8FF as itself (no placeholder, no tag)" \
    '[ $? -eq 0 ] && grep -q "Apple $APPLE logo" pua.jsonl && ! grep -q tags pua.jsonl'
$J convert pua.jsonl pua2.jsonl && cmp -s pua.jsonl pua2.jsonl
check "JSONL -> JSONL: identical" '[ $? -eq 0 ]'
printf '<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>A <ph x="1"/> \xef\x80\xb7 &#xE000;</seg></tuv><tuv xml:lang="ar"><seg>ب \xef\x80\xb7</seg></tuv></tu></body></tmx>\n' >mix.tmx
$J convert mix.tmx mix.jsonl && $J convert mix.jsonl mix2.tmx && $J convert mix2.tmx mix2.jsonl && cmp -s mix.jsonl mix2.jsonl
check "tags and private-use characters together: TMX -> JSONL -> TMX -> JSONL is identical" '[ $? -eq 0 ]'
check "... the Word bullet U+F0B7 stays itself; U+E000, which would be read as tag 0, is held by a character reference" \
    'grep -q "$BULLET" mix.jsonl && grep -q "&#xE000;" mix.jsonl && grep -q "&#xE000;" mix2.tmx'
$J convert -s en -t ar mix.tmx mix.tsv
check "... and plain text (TSV) gives every character back" \
    '[ $? -eq 0 ] && grep -q "^A  $BULLET $E000" mix.tsv'

# --- 13. TSV without -s/-t: the languages come from the script, or the command asks for them --
printf 'ذهب الطالب إلى المدرسة\tThe student went to school\nدرس الرياضيات\tHe studied mathematics\n' >arent.tsv
$J import --tm tmL arent.tsv 2>err
check "import of an ar/en TSV without -s/-t stores ar and en, not und" \
    '[ $? -eq 0 ] && $J stats --tm tmL | grep -q "ar 2, en 2"'
printf 'Bonjour\tHello\n' >fren.tsv
$J import --tm tmF fren.tsv 2>err
check "... a pair the script cannot tell apart: refused, asking for -s and -t" \
    '[ $? -eq 1 ] && grep -q "give them (-s/--source, -t/--target)" err'
check "--help of import and convert say what happens" \
    '$J import --help | grep -q "Arabic = ar, Latin = en" && $J convert --help | grep -q "Arabic"'

# --- 21. TMX: attributes are bounded before libxml2 sees them ---------------------------------
$py - <<'PY'
attrs = " ".join('a%d="x"' % i for i in range(200000))
head = '<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en"/><body>\n'
ok = '<tu tuid="1"><tuv xml:lang="en"><seg>ok</seg></tuv><tuv xml:lang="ar"><seg>نعم</seg></tuv></tu>\n'
with open("attrs.tmx", "w") as f:
    f.write(head + ok + "  <tu %s><tuv xml:lang=\"en\"><seg>x</seg></tuv></tu>\n</body></tmx>\n" % attrs)
with open("bigattr.tmx", "w") as f:
    f.write(head + ok + '  <tu creationid="%s"><tuv xml:lang="en"><seg>x</seg></tuv></tu>\n</body></tmx>\n' % ("y" * (10 << 20)))
with open("attr70k.tmx", "w") as f:
    f.write(head + ok + '  <tu creationid="%s"><tuv xml:lang="en"><seg>x</seg></tuv><tuv xml:lang="ar"><seg>س</seg></tuv></tu>\n</body></tmx>\n' % ("z" * (70 << 10)))
PY
timeout 300 $J convert attrs.tmx attrs.jsonl 2>err
check "200,000 attributes on one element: refused at once, naming its line and column" \
    '[ $? -eq 1 ] && grep -q "attrs.tmx:4:3: an element with more than 256 attributes" err'
timeout 300 $J convert --skip-bad attrs.tmx attrs.jsonl 2>err
check "... with --skip-bad the units before it are kept" '[ $? -eq 0 ] && [ "$(wc -l <attrs.jsonl)" = 1 ]'
timeout 300 $J convert bigattr.tmx big.jsonl 2>err
check "a 10 MB attribute: a clear limit, not libxml2's \"Huge input lookup\"" \
    '[ $? -eq 1 ] && grep -q "bigattr.tmx:4:3: an attribute value of more than 384 KiB" err'
$J convert --skip-bad attr70k.tmx a70.jsonl 2>err
check "an attribute over 64 KiB (the unit model's limit): that unit is skipped, the other kept" \
    '[ $? -eq 0 ] && grep -q "attr70k.tmx:4:3: an attribute value longer than 64 KiB" err && [ "$(wc -l <a70.jsonl)" = 1 ]'
rm -f attrs.* bigattr.* big.jsonl attr70k.tmx

tap_end
