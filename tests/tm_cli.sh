#!/bin/bash
# tm_cli.sh — the memory commands end to end: import (TSV, TMX, JSONL, duplicates, default
# directory), query (JSON shape, stdin, both directions, word diff, placeables), concord, export
# (TMX valid and re-importable), stats, delete, exit codes and error messages.
set -u
J=${JISR_BINARY:?}
DATA=${JISR_TEST_DATA:?}/tm
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-tm-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
jqe() { jq -e "$@" >/dev/null; }
N=$(wc -l <"$DATA/ar-en.tsv")

# import: TSV with column languages
$J import --tm "$T/m" -s ar -t en "$DATA/ar-en.tsv" 2>"$T/err"
check "import exits 0" test $? -eq 0
check "import summary" grep -q "$N units read" "$T/err"
units=$($J stats --tm "$T/m" --json | jq .units)
merged=$(grep -o '[0-9]* merged' "$T/err" | cut -d' ' -f1)
check "stats units = read - merged ($units)" test "$units" -eq $((N - merged))
check "stats languages" test "$($J stats --tm "$T/m" --json | jq -c '.languages')" = "{\"ar\":$units,\"en\":$units}"
check "stats size on disk" test "$($J stats --tm "$T/m" --json | jq '.disk_bytes > 0')" = true

# query: exact line, both directions, JSON shape
line=$(sed -n 17p "$DATA/ar-en.tsv")
ar=${line%%$'\t'*}
en=${line#*$'\t'}
$J query --tm "$T/m" -s ar -t en --json "$ar" >"$T/q.json"
check "query exits 0" test $? -eq 0
check "json keys" test "$(jq -c '[keys, (.matches[0]|keys)]' "$T/q.json")" = '[["matches","query","srclang","tgtlang"],["id","score","source","target"]]'
check "json direction" test "$(jq -r '.srclang + ">" + .tgtlang' "$T/q.json")" = "ar>en"
check "exact match scores 100" test "$(jq '.matches[0].score' "$T/q.json")" = 100
check "exact match target" test "$(jq -r '.matches[0].target' "$T/q.json")" = "$en"
check "query echoed" test "$(jq -r '.query' "$T/q.json")" = "$ar"
check "best first" jqe '[.matches[].score] as $s | $s == ($s | sort | reverse)' "$T/q.json"
$J query --tm "$T/m" -s en -t ar --json "$en" >"$T/q2.json"
check "en->ar exact" test "$(jq -r '.matches[0].target' "$T/q2.json")" = "$ar"
check "--min respected" jqe '[.matches[].score] | all(. >= 70)' "$T/q2.json"
check "-n respected" test "$($J query --tm "$T/m" -s en -t ar --json -n 2 --min 30 "$en" | jq '.matches|length')" -le 2
# stdin: one object per line
printf '%s\n%s\nno such sentence anywhere zzz\n' "$en" "$en" | $J query --tm "$T/m" -s en -t ar --json >"$T/q3.json"
check "stdin: one object per line" test "$(wc -l <"$T/q3.json")" -eq 3
check "no match: empty list" test "$(sed -n 3p "$T/q3.json" | jq '.matches|length')" -eq 0
# text mode: a word diff against the query
q4="${en/The /The big }"
$J query --tm "$T/m" -s en -t ar "$q4" >"$T/q4.txt"
check "text diff marks the extra word" grep -qF '[-big-]' "$T/q4.txt"
# placeable: change the number of a unit with a number
nline=$(grep -m1 -P '\t.* on [0-9]+ May [0-9]+\.$' "$DATA/ar-en.tsv")
nen=${nline#*$'\t'}
day=$(echo "$nen" | grep -oP 'on \K[0-9]+')
nq=${nen/on $day May/on 29 May}
[ "$day" = 29 ] && nq=${nen/on $day May/on 28 May}
$J query --tm "$T/m" -s en -t ar --json "$nq" >"$T/q5.json"
check "placeable marked" test "$(jq '.matches[0].placeable' "$T/q5.json")" = true
check "placeable keeps the stored target" test "$(jq -r '.matches[0].stored_target' "$T/q5.json")" = "${nline%%$'\t'*}"
check "placeable substitutes the number" jqe '.matches[0].target != .matches[0].stored_target' "$T/q5.json"
# the text output's mark names what was substituted (or not): numbers, codes or both
printf 'Delete {0} files\tاحذف {0} ملفات\nCopy {0} of 3 items\tنسخ {0} من 3 عناصر\nMove 2 of 2\tانقل 2 من 2\nRemove {0} or {0} items\tأزل {0} عناصر\nSend {0} to {1}\tأرسل {0}\n' >"$T/codes.tsv"
$J import --tm "$T/codes" -s en -t ar -q "$T/codes.tsv"
mark() { $J query --tm "$T/codes" -n 1 "$1" | grep -o '\[[a-z ]*substituted[^]]*\]' | head -1; }
check "mark: a code substituted" test "$(mark 'Delete {1} files')" = "[codes substituted]"
check "mark: a number substituted" test "$(mark 'Move 2 of 3')" = "[numbers substituted]"
check "mark: both" test "$(mark 'Copy {1} of 5 items')" = "[numbers and codes substituted]"
check "mark: codes not substituted (which is which is ambiguous)" \
    test "$(mark 'Remove {1} or {2} items')" = "[codes not substituted: which is which is ambiguous]"
check "mark: a code not substituted (not in the translation)" \
    test "$(mark 'Send {0} to {2}')" = "[codes not substituted: not in the translation]"
dif() { $J query --tm "$T/codes" -n 1 --json "$1" | jq -c '.matches[0].differs_in'; }
check "JSON differs_in: codes, numbers, both, absent" \
    test "$(dif 'Delete {1} files') $(dif 'Move 2 of 3') $(dif 'Copy {1} of 5 items') $(dif 'Delete {0} files')" = \
    '["codes"] ["numbers"] ["numbers","codes"] null'
check "JSON differs_in also when not substituted" test "$(dif 'Send {0} to {2}')" = '["codes"]'

# concord
$J concord --tm "$T/m" -l en --json "draft resolution" >"$T/c.json"
hits=$(jq '.hits|length' "$T/c.json")
expect=$(grep -ci $'\t.*draft resolution' "$DATA/ar-en.tsv")
check "concord finds every unit with the phrase ($hits/$expect)" test "$hits" -ge 1 -a "$hits" -le "$expect"
check "concord match span" jqe '.hits | all(.match | ascii_downcase == "draft resolution")' "$T/c.json"
$J concord --tm "$T/m" -l en "draft resolution" | grep -q '\[draft resolution\]'
check "concord text KWIC" test $? -eq 0

# export TMX, validate, re-import: same units
$J export --tm "$T/m" -o "$T/e.tmx" 2>/dev/null
check "export exits 0" test $? -eq 0
check "export is well-formed XML" xmllint --noout --nonet "$T/e.tmx"
check "export has every unit" test "$(grep -c '<tu[ >]' "$T/e.tmx")" -eq "$units"
$J import --tm "$T/m2" "$T/e.tmx" 2>/dev/null
check "re-import of the export" test "$($J stats --tm "$T/m2" --json | jq .units)" -eq "$units"
$J export --tm "$T/m2" -s en -t ar -o "$T/e2.tsv" 2>/dev/null
$J export --tm "$T/m" -s en -t ar -o "$T/e1.tsv" 2>/dev/null
check "round trip keeps the texts" cmp -s "$T/e1.tsv" "$T/e2.tsv"
# duplicates: importing the same file again adds nothing and leaves the usage counts (the same
# unit read twice was not used twice)
$J import --tm "$T/m2" "$T/e.tmx" 2>"$T/err2"
check "second import merges everything" grep -q "0 added, $units merged" "$T/err2"
check "units unchanged" test "$($J stats --tm "$T/m2" --json | jq .units)" -eq "$units"
$J export --tm "$T/m2" -o "$T/e3.tmx" 2>/dev/null
check "usage counts unchanged" test "$(grep -c 'usagecount="1"' "$T/e3.tmx")" -ge "$units"
# JSONL import
$J convert "$DATA/ar-en.tsv" "$T/x.jsonl" -s ar -t en 2>/dev/null &&
    $J import --tm "$T/m3" "$T/x.jsonl" 2>/dev/null
check "JSONL import" test "$($J stats --tm "$T/m3" --json | jq .units)" -eq "$units"

# standard input, and a bad line: strict changes nothing, --skip-bad keeps the good units
head -n 40 "$DATA/ar-en.tsv" | $J import --tm "$T/m4" -f tsv -s ar -t en - 2>/dev/null
check "import from standard input" test "$($J stats --tm "$T/m4" --json | jq .units)" -eq 40
head -n 5 "$T/x.jsonl" >"$T/bad.jsonl"
echo '{"variants": [' >>"$T/bad.jsonl"
sed -n 6,10p "$T/x.jsonl" >>"$T/bad.jsonl"
$J export --tm "$T/m4" -o "$T/m4-before.tmx" 2>/dev/null
$J import --tm "$T/m4" "$T/bad.jsonl" 2>"$T/err5"
check "bad JSONL: strict import fails" test $? -eq 1
check "bad JSONL: error names FILE:LINE:COL" grep -q "bad.jsonl:6:[0-9]" "$T/err5"
$J export --tm "$T/m4" -o "$T/m4-after.tmx" 2>/dev/null
check "bad JSONL: memory unchanged" cmp -s "$T/m4-before.tmx" "$T/m4-after.tmx"
$J import --tm "$T/m5" --skip-bad "$T/bad.jsonl" 2>"$T/err6"
check "--skip-bad keeps the 10 good units" test "$($J stats --tm "$T/m5" --json | jq .units)" -eq 10
check "--skip-bad reports the bad one" grep -q "bad.jsonl:6:.*skipped" "$T/err6"

# delete
$J delete --tm "$T/m" 1 2>/dev/null
check "delete exits 0" test $? -eq 0
check "one unit fewer" test "$($J stats --tm "$T/m" --json | jq .units)" -eq $((units - 1))
$J delete --tm "$T/m" 2 999999 2>"$T/err3"
check "delete of a missing id fails" test $? -eq 1
check "and deletes nothing" test "$($J stats --tm "$T/m" --json | jq .units)" -eq $((units - 1))
check "delete names the id" grep -q "999999" "$T/err3"

# default memory directory
HOME=$T/home XDG_DATA_HOME= JISR_TM= $J import -s ar -t en "$DATA/ar-en.tsv" 2>/dev/null
check "default memory under ~/.local/share/jisr" test -f "$T/home/.local/share/jisr/tm/data.mdb"
XDG_DATA_HOME=$T/xdg JISR_TM= $J import -s ar -t en "$DATA/ar-en.tsv" 2>/dev/null
check "default memory under \$XDG_DATA_HOME/jisr" test -f "$T/xdg/jisr/tm/data.mdb"
JISR_TM=$T/m XDG_DATA_HOME= $J stats >/dev/null
check "JISR_TM picks the memory" test $? -eq 0

# the languages left out: the memory's other one, or each query's by its script (stdin mixes
# both directions; the answers equal those asked with -s/-t)
$J query --tm "$T/m" --json "$ar" >"$T/d1.json"
check "no -s/-t: an Arabic query is asked ar->en" test "$(jq -r '.srclang + ">" + .tgtlang + " " + .matches[0].target' "$T/d1.json")" = "ar>en $en"
check "no -s/-t: the same answer as with them" test "$(jq -c .matches "$T/d1.json")" = "$(jq -c .matches "$T/q.json")"
printf '%s\n%s\n2015\n' "$en" "$ar" | $J query --tm "$T/m" --json >"$T/d2.json"
check "no -s/-t on stdin: each line by its script" test "$(jq -r '.srclang' "$T/d2.json" | tr '\n' ' ')" = "en ar en "
check "no -s/-t: en->ar answer" test "$(sed -n 1p "$T/d2.json" | jq -c .matches)" = "$(jq -c .matches "$T/q2.json")"
check "-s alone: -t is the other language, -s en-US as the memory holds it (en)" test "$($J query --tm "$T/m" -s en-US --json "$en" 2>/dev/null | jq -r '.srclang + ">" + .tgtlang')" = "en>ar"
check "-t alone: -s is the other language" test "$($J query --tm "$T/m" -t ar --json "$en" | jq -r '.srclang + " " + .matches[0].target')" = "en $ar"
check "no -s/-t, TMX: header srclang *all*" test "$($J query --tm "$T/m" -f tmx "$en" | grep -c 'srclang="\*all\*"')" -eq 1
check "no -l: concord by the phrase's script" test "$($J concord --tm "$T/m" --json "draft resolution" | jq -r .lang)" = en
$J import -q --tm "$T/three" -s en -t fr "$DATA/ar-en.tsv" 2>/dev/null
$J query --tm "$T/m" --tm "$T/three" "x" 2>"$T/err5"
check "no -s/-t on three languages: a usage error" test $? -eq 2
check "… naming them" grep -q "needed: the memories hold ar, en, fr" "$T/err5"
$J query --tm "$T/m" -s fr "x" 2>"$T/err6"
check "-s fr on an ar/en memory: -t needed, languages named" test $? -eq 2 -a -n "$(grep 'holds ar, en' "$T/err6")"
$J concord --tm "$T/three" "draft resolution" 2>/dev/null
check "no -l where the script names no one language: a usage error" test $? -eq 2
printf 'فایل را ذخیره کن\tSave the file\n' >"$T/fa.tsv"
$J import -q --tm "$T/fa" -s fa-IR -t en-GB "$T/fa.tsv" 2>/dev/null
check "no -s/-t on a fa-IR/en-GB memory: Persian asked fa->en" test "$($J query --tm "$T/fa" --json 'فایل را ذخیره کن' | jq -r '.srclang + ">" + .tgtlang + " " + .matches[0].target')" = "fa>en Save the file"
check "… English asked en->fa" test "$($J query --tm "$T/fa" --json 'Save the file' | jq -r '.srclang + ">" + .tgtlang + " " + .matches[0].target')" = "en>fa فایل را ذخیره کن"

# errors and usage
$J query --tm "$T/nothing" -s ar -t en "x" 2>"$T/err4"
check "missing memory fails" test $? -eq 1
check "missing memory message" grep -q "^jisr: .*nothing.*no translation memory" "$T/err4"
$J import --tm "$T/m" "$T/does-not-exist.tmx" 2>/dev/null
check "missing input fails" test $? -eq 1
$J query --help | grep -q "exhaustive"
check "query --help" test $? -eq 0
$J help import | grep -q "skip-bad"
check "help import" test $? -eq 0

# a duplicate's props and notes join the stored unit's (they were dropped): once each, in order
tmx_head='<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" datatype="plaintext"/><body>'
tu_tail='<tuv xml:lang="en"><seg>Save the file</seg></tuv><tuv xml:lang="ar"><seg>احفظ الملف</seg></tuv></tu>'
printf '%s<tu usagecount="2" tuid="t1"><prop type="x-project">alpha</prop><note>first note</note>%s</body></tmx>\n' \
    "$tmx_head" "$tu_tail" >"$T/dup1.tmx"
printf '%s<tu usagecount="3"><prop type="x-project">beta</prop><prop type="x-project">alpha</prop><prop type="x-client">alpha</prop><note>first note</note><note>second note</note><note>second note</note><note xml:lang="ar">first note</note>%s</body></tmx>\n' \
    "$tmx_head" "$tu_tail" >"$T/dup2.tmx"
$J import --tm "$T/dup" -q "$T/dup1.tmx" && $J import --tm "$T/dup" -q "$T/dup2.tmx" &&
    $J export --tm "$T/dup" -o "$T/dup.out.tmx"
check "duplicate merged: one unit, the larger usage count (of 2 and 3)" \
    test "$(grep -c '<tu ' "$T/dup.out.tmx")-$(grep -o 'usagecount="[0-9]*"' "$T/dup.out.tmx")" = '1-usagecount="3"'
check "duplicate merged: its props and notes added once each, after the stored unit's" \
    test "$(grep -E '<(prop|note)' "$T/dup.out.tmx" | sed 's/^ *//' | tr -d '\n')" = \
    '<note>first note</note><note>second note</note><note xml:lang="ar">first note</note><prop type="x-project">alpha</prop><prop type="x-project">beta</prop><prop type="x-client">alpha</prop>'
check "duplicate merged: the stored unit's tuid kept" grep -q 'tuid="t1"' "$T/dup.out.tmx"
$J import --tm "$T/dup" -q "$T/dup1.tmx" && $J export --tm "$T/dup" -o "$T/dup.out2.tmx"
check "a duplicate bringing nothing new changes nothing" \
    test "$(grep -E '<(prop|note)' "$T/dup.out2.tmx" | tr -d ' \n')-$(grep -o 'usagecount="[0-9]*"' "$T/dup.out2.tmx")" = \
    "$(grep -E '<(prop|note)' "$T/dup.out.tmx" | tr -d ' \n')-usagecount=\"3\""

# a variant's (<tuv>) attributes, props and notes are kept (OmegaT writes its dates and ids
# there), the unit takes its dates from them when the <tu> has none, and a duplicate's variant
# notes join the same variant (matched by language and text, in any order)
printf '%s<tu><tuv xml:lang="en" creationid="src"><prop type="x-ctx">menu</prop><seg>Open the file</seg></tuv><tuv xml:lang="ar" changeid="lina" changedate="20240305T101500Z" creationid="lina" creationdate="20240301T090000Z"><note>checked by Omar</note><seg>افتح الملف</seg></tuv></tu></body></tmx>\n' \
    "$tmx_head" >"$T/tuv1.tmx"
printf '%s<tu><tuv xml:lang="ar" changeid="sami"><note>checked by Omar</note><note>second look</note><seg>افتح الملف</seg></tuv><tuv xml:lang="en"><seg>Open the file</seg></tuv></tu></body></tmx>\n' \
    "$tmx_head" >"$T/tuv2.tmx"
$J import --tm "$T/tuv" -q "$T/tuv1.tmx" && $J export --tm "$T/tuv" -o "$T/tuv.out.tmx"
tuvs() { grep -vE '^ *(<seg|</|<\?xml|<tmx|<header|<body)' "$1" | sed 's/^ *//' | tr -d '\n'; }
check "a variant's attributes, prop and note exported with it; the unit dated by its variants" \
    test "$(tuvs "$T/tuv.out.tmx")" = '<tu srclang="en" creationdate="20240301T090000Z" changedate="20240305T101500Z" usagecount="1"><tuv xml:lang="en" creationid="src"><prop type="x-ctx">menu</prop><tuv xml:lang="ar" creationdate="20240301T090000Z" creationid="lina" changedate="20240305T101500Z" changeid="lina"><note>checked by Omar</note>'
check "--changed-since sees the variant's change date (after it: nothing)" \
    test "$($J query --tm "$T/tuv" -s en -t ar --changed-since 20240306 --format json 'Open the file' | jq '.matches | length')-$($J query --tm "$T/tuv" -s en -t ar --changed-since 20240305 --format json 'Open the file' | jq '.matches | length')" = 0-1
$J import --tm "$T/tuv" -q "$T/tuv2.tmx" && $J reindex --tm "$T/tuv" --chars on 2>/dev/null &&
    $J export --tm "$T/tuv" -o "$T/tuv.out2.tmx"
check "a duplicate's variant note joins its variant (stored attributes kept), through a reindex" \
    test "$(tuvs "$T/tuv.out2.tmx")" = '<tu srclang="en" creationdate="20240301T090000Z" changedate="20240305T101500Z" usagecount="1"><tuv xml:lang="en" creationid="src"><prop type="x-ctx">menu</prop><tuv xml:lang="ar" creationdate="20240301T090000Z" creationid="lina" changedate="20240305T101500Z" changeid="lina"><note>checked by Omar</note><note>second look</note>'
$J export --tm "$T/tuv" -o "$T/tuv.out3.tmx" && $J import --tm "$T/tuv3" -q "$T/tuv.out3.tmx" &&
    $J export --tm "$T/tuv3" -o "$T/tuv.out4.tmx"
check "an exported memory re-imports to the same TMX" cmp -s "$T/tuv.out3.tmx" "$T/tuv.out4.tmx"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
