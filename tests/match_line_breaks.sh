#!/bin/bash
# match_line_breaks.sh — what an inline tag draws (jisr_tag_break, tokenizer version 7,
# docs/matching.md §1.4) through the command line, on a TMX as Trados, memoQ and Word-based tools
# write it:
# - a line break held in a <ph> between two words (<br/>, <w:br/>, type="lb") is a line feed in
#   the plain text — query's JSON, the TSV export, concordance — not two words glued together
#   ("First linesecond line." before), and one line of the text layouts shows it as a space;
# - a line break in an isolated tag between two letters (OmegaT's <it>&lt;br2&gt;</it>) parts
#   the words, as a <ph> does (it joined them on tokenizer 6: "linesecond" one word);
# - a soft hyphen held in a <ph> (Word's <w:softHyphen/>, HTML's <wbr>) is inside its word:
#   "Software update" answers 99 (33 before, "Soft ware update").
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-line-breaks-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cat >"$T/lb.tmx" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" datatype="html"/>
<body>
<tu><tuv xml:lang="en"><seg>First line<ph x="1">&lt;br/&gt;</ph>second line.</seg></tuv><tuv xml:lang="ar"><seg>السطر الأول<ph x="1">&lt;br/&gt;</ph>السطر الثاني.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Soft<ph x="1">&lt;w:softHyphen/&gt;</ph>ware update</seg></tuv><tuv xml:lang="ar"><seg>تحديث البرنامج</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Press the<it pos="begin">&lt;br2&gt;</it>button now</seg></tuv><tuv xml:lang="ar"><seg>اضغط الزر<it pos="begin">&lt;br2&gt;</it>الآن</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Name: <ph type="lb"/>address</seg></tuv><tuv xml:lang="ar"><seg>الاسم:<ph type="lb"/>العنوان</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Inter<ph>&lt;wbr&gt;</ph>nationalization settings</seg></tuv><tuv xml:lang="ar"><seg>إعدادات التدويل</seg></tuv></tu>
</body></tmx>
EOF
$J import --tm "$T/m" -q "$T/lb.tmx" || exit 1
q() { # QUERY SRC TGT: the best match as [id, score, source, target] (JSON's plain texts)
    $J query --tm "$T/m" -s "$2" -t "$3" --min 0 -n 1 --json -- "$1" 2>/dev/null |
        jq -c '.matches[0] | [.id, .score, .source, .target]'
}
check "a <br/> between two words: a line feed in the plain source and target" \
    test "$(q 'First line second line.' en ar)" = '[1,99,"First line\nsecond line.","السطر الأول\nالسطر الثاني."]'
check "... the text layout shows it as a space on one line" \
    grep -qx '  *= السطر الأول السطر الثاني\.' <($J query --tm "$T/m" -s en -t ar -- 'First line second line.')
check "... and still two words: the glued query is another word" \
    test "$(q 'First linesecond line.' en ar | jq -c '.[1] < 90')" = true
check "a type=\"lb\" <ph/> after a space draws nothing more (one space, not two)" \
    test "$(q 'Name: address' en ar)" = '[4,99,"Name: address","الاسم:\nالعنوان"]'
check "a soft hyphen (<w:softHyphen/>) is inside its word: Software update answers 99" \
    test "$(q 'Software update' en ar)" = '[2,99,"Software update","تحديث البرنامج"]'
check "... and <wbr> too" \
    test "$(q 'Internationalization settings' en ar | jq -c '.[:2]')" = '[5,99]'
check "OmegaT's <it>&lt;br2&gt;</it> between two letters parts the words (not one word)" \
    test "$(q 'Press the button now' en ar)" = '[3,99,"Press the\nbutton now","اضغط الزر\nالآن"]'
check "concordance finds the word after the break, at its offsets in the plain text" \
    test "$($J concord --tm "$T/m" -l en --json second | jq -c '.hits[] | [.id, .text, .start, .end, .left, .match] ')" = \
    '[1,"First line second line.",11,17,"First line ","second"]'
check "concordance finds the word inside the soft hyphen" \
    test "$($J concord --tm "$T/m" -l en --json Software | jq -c '[.hits[] | [.id, .match]]')" = '[[2,"Software"]]'
$J export --tm "$T/m" -f tsv -s en -t ar -o "$T/out.tsv" 2>"$T/export.err"
check "the TSV export writes the line break as \\n between the two words" \
    grep -qF 'First line\nsecond line.' "$T/out.tsv"
check "... and does not count it as a lost tag (2 units lose a soft hyphen)" \
    grep -q "2 units lost inline tags" "$T/export.err"
# the plain text read back: the line feed is text now, the words still two
$J import --tm "$T/m2" -q -s en -t ar "$T/out.tsv"
check "the TSV read back answers the plain query as the tagged unit did (99: a line feed for a space)" \
    test "$($J query --tm "$T/m2" -s en -t ar --min 0 -n 1 --json -- 'First line second line.' | jq -c '.matches[0] | [.score, .target]')" = \
    '[99,"السطر الأول\nالسطر الثاني."]'
echo "$fails failed"
[ "$fails" -eq 0 ]
