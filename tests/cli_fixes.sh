#!/bin/bash
# cli_fixes.sh — defects of the CLI and import found by testing (each check failed before its
# fix): a batch from standard input goes on past a line that cannot be asked (too many tokens, a
# NUL byte), answering it in its place and naming its line; usagecount="0" stays 0 (and merges add
# up); --tm DIR:-3 / DIR:abc are usage errors; a file given as a memory, a directory given to
# import, '-' given twice, a concordance phrase of no words, query -s L -t L: each said as what it
# is; stats prints language tags in their conventional case (en-GB); lexicon train on a one-file
# .txt corpus explains the Moses guess by name and suggests -f tsv.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-cli-fixes-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cd "$T" || exit 1
export JISR_NO_PROGRESS=1

printf '%s\t%s\n' "Open the file" "افتح الملف" "Save the file" "احفظ الملف" >m.tsv
$J import -q --tm m -s en -t ar m.tsv

# 1. one bad line does not end a batch: 3 lines, the middle one of 100001 tokens (or with a NUL
# byte) → 3 answers, the middle one an "error" in its place, the line named, exit 1 at the end
/usr/bin/python3 -c 'import sys; sys.stdout.write("Open the file\n" + "a " * 100001 + "\nSave the file\n")' >long.txt
$J query --tm m -s en -t ar --json <long.txt >long.out 2>long.err
rc=$?
check "batch: a query of too many tokens: exit 1 at the end" test $rc -eq 1
check "batch: three answers for three lines" test "$(wc -l <long.out)" -eq 3
check "batch: the lines around it answered" \
    test "$(jq -r '.matches[0].target // "-"' long.out | sed -n '1p;3p' | tr '\n' '|')" = "افتح الملف|احفظ الملف|"
check "batch: the long one refused in its place (JSON error)" \
    sh -c "sed -n 2p long.out | jq -se 'length == 1 and (.[0].error | test(\"100001 tokens\")) and .[0].matches == []' >/dev/null"
check "batch: the message names <stdin>:LINE" grep -q '^jisr: <stdin>:2: a query of 100001 tokens' long.err
check "batch: the summary counts it" grep -q '^jisr: 1 query not asked' long.err
printf 'Open the file\nOpen\0the file\nSave the file\n' >nul.txt
$J query --tm m -s en -t ar --json <nul.txt >nul.out 2>nul.err
rc=$?
check "batch: a NUL byte: exit 1, three answers" test "$rc-$(wc -l <nul.out)" = "1-3"
check "batch: the NUL line refused in its place" \
    sh -c "sed -n 2p nul.out | jq -se 'length == 1 and (.[0].error | test(\"NUL byte\")) and .[0].query == \"\"' >/dev/null && sed -n 3p nul.out | jq -se '.[0].matches[0].score == 100' >/dev/null"
check "batch: the NUL byte named by <stdin>:LINE:COL" grep -q '^jisr: <stdin>:2:5: NUL byte' nul.err
$J query --tm m -s en -t ar <nul.txt >nult.out 2>/dev/null
check "batch: text: (not asked: …) in its place, the next line answered" \
    sh -c "grep -q '(not asked: NUL byte' nult.out && grep -q '= احفظ الملف' nult.out"
# (one argument is at most 128 KiB: 100001 commas, a token each)
$J query --tm m -s en -t ar "$(/usr/bin/python3 -c 'print("," * 100001, end="")')" 'Save the file' >args.out 2>args.err
rc=$?
check "arguments: a query of too many tokens: the next one answered, exit 1" \
    sh -c "[ $rc -eq 1 ] && grep -q '(not asked: a query of 100001 tokens' args.out && grep -q '= احفظ الملف' args.out && grep -q '^jisr: query 1: a query of 100001' args.err"
check "query --help documents the exit status" sh -c "$J query --help | grep -q '^Exit status: 0 every query asked'"

# 2. usagecount="0" is kept as 0, and merging adds counts (0 + 0 = 0, 0 + 3 = 3)
H='<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>'
tu() { printf '<tu usagecount="%s"><tuv xml:lang="en"><seg>%s</seg></tuv><tuv xml:lang="ar"><seg>س</seg></tuv></tu>' "$1" "$2"; }
{ echo "$H"; tu 0 Quit; tu 0 Open; tu 0 Open; tu 0 Close; tu 3 Close; tu 2 Undo; echo '</body></tmx>'; } >uc.tmx
$J import -q --tm uc uc.tmx
$J export --tm uc -s en -t ar -o uc.jsonl 2>/dev/null
check "usagecount 0: kept as 0, merges add up (Quit 0, Open 0, Close 3, Undo 2)" \
    test "$(jq -r '"\(.variants[0].text // .source // "?")=\(.meta.usagecount // .usagecount)"' uc.jsonl 2>/dev/null | sort | tr '\n' ' ')" = "Close=3 Open=0 Quit=0 Undo=2 "
$J export --tm uc -o uc.out.tmx 2>/dev/null
check "usagecount 0: a TMX round trip keeps it" test "$(grep -c 'usagecount="0"' uc.out.tmx)" -eq 2

# 3. --tm DIR:PENALTY: a penalty attempt is a usage error naming the range; a path with ':' is
# still a path
for a in m:-3 m:abc m:1.5 m:+5 m:101; do
    $J query --tm "$a" -s en -t ar 'Open the file' >/dev/null 2>pen.err
    check "--tm $a: usage error (2) naming 0 to 100" sh -c "[ $? -eq 2 ] && grep -q 'from 0 to 100' pen.err"
done
timeout 20 $J serve --tm m:-3 --listen 127.0.0.1:0 >/dev/null 2>pen.err
check "serve --tm m:-3: the same usage error (2)" sh -c "[ $? -eq 2 ] && grep -q 'from 0 to 100' pen.err"
$J query --tm m:7 -s en -t ar --json 'Open the file' >pen.json 2>/dev/null
check "--tm m:7: a penalty" test "$(jq '.matches[0].score' pen.json)" = 93
mkdir -p 'odd:name'
cp m/* 'odd:name/'
$J query --tm 'odd:name' -s en -t ar --json 'Open the file' >odd.json 2>/dev/null
check "--tm a path holding ':' is still a path" test "$(jq '.matches[0].score' odd.json)" = 100

# 4. a file as the memory, a directory to import
: >plain
$J stats --tm plain 2>st.err
check "stats --tm FILE: exit 1, 'not a directory'" sh -c "[ $? -eq 1 ] && grep -q 'plain: not a directory' st.err && ! grep -q 'import something first' st.err"
mkdir dir
$J import --tm m4 dir 2>im.err
check "import DIR: usage error saying it is a directory" sh -c "[ $? -eq 2 ] && grep -q \"'dir' is a directory\" im.err && [ ! -e m4 ]"

# 5. a concordance phrase of no words: a usage error (2), as no phrase
$J concord --tm m ':' 2>co.err
check "concord ':': usage error (2)" sh -c "[ $? -eq 2 ] && grep -q 'no words or numbers' co.err"

# 6. standard input given twice
printf 'x\ty\n' | $J import --tm m6 -f tsv -s en -t ar - - 2>dd.err
check "import - -: usage error (2), nothing imported" sh -c "[ $? -eq 2 ] && grep -q 'given twice' dd.err && [ ! -e m6 ]"

# 7. query -s L -t L: a usage error, as export's
$J query --tm m -s en -t en 'Open the file' >/dev/null 2>same.err
check "query -s en -t en: usage error (2)" sh -c "[ $? -eq 2 ] && grep -q 'the same language' same.err"
$J export --tm m -s en -t EN -o x.tsv 2>/dev/null
check "export -s en -t EN: the same usage error" test $? -eq 2

# 8. stats: language tags in their conventional case
printf '%s\t%s\n' "Colour" "لون" >gb.tsv
$J import -q --tm gb -s en-gb -t ar gb.tsv
check "stats: en-GB, not en-gb (text)" sh -c "$J stats --tm gb | grep -q 'en-GB 1'"
check "stats: en-GB, not en-gb (JSON)" sh -c "$J stats --tm gb --json | jq -e '.languages[\"en-GB\"] == 1' >/dev/null"

# 9. lexicon train on a one-file .txt corpus (Tatoeba's): auto reads .txt as Moses, so the
# missing FILE.en is explained, with -f tsv suggested, as a usage error
printf '%s\t%s\tCC-BY 2.0\n' "Hi." "مرحبًا." "Run!" "اركض!" >ara.txt
$J lexicon train -q -o x.lex ara.txt 2>lex.err
rc=$?
check "lexicon train ara.txt: usage error (exit 2)" test $rc -eq 2
check "... explains the Moses guess and suggests -f tsv" \
    grep -q "'ara.txt' is read as Moses two-file text by its name, so its en side would be 'ara.en', which does not exist.*-f tsv" lex.err
check "... and -f tsv trains on it" $J lexicon train -q -o x.lex -f tsv ara.txt

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
