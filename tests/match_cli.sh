#!/bin/bash
# match_cli.sh — `jisr query` end to end for issue 12: several memories with penalties (each match
# names its memory, hand-computed scores), --prop and --changed-since against --exhaustive, numbers
# paired by position ("Page 2 of 2"), agreement checks in JSON and text, tags (--tags tmx|braces,
# target_tagged, --format tmx well-formed and re-importable), identical-only merging at import,
# --tables (the form tables of the character search: the same answers built or not, at once or
# after some queries, with one memory or two), and usage errors.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-match-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

printf '%s\t%s\n' "Save the file" "احفظ الملف" "Open the file" "افتح الملف" \
    "Page 2 of 2" "الصفحة 2 من 2" "I bought 5 books" "اشتريت 5 كتب" >"$T/project.tsv"
printf '%s\t%s\n' "Save the file" "احفظ ملفك" "Save the files" "احفظ الملفات" >"$T/ref.tsv"
$J import --tm "$T/P" -s en -t ar -q "$T/project.tsv"
$J import --tm "$T/R" -s en -t ar -q "$T/ref.tsv"

# several memories: the reference one's penalty subtracted, each match names its memory
$J query --tm "$T/P" --tm "$T/R:10" -s en -t ar --min 50 --json 'Save the file' >"$T/m.json"
check "multi: exit 0" test $? -eq 0
check "multi: project first, 100" test "$(jq -c '.matches[0] | [.score, .memory]' "$T/m.json")" = "[100,\"$T/P\"]"
check "multi: reference 100 - 10" test "$(jq -c '.matches[1] | [.score, .memory, .target]' "$T/m.json")" = "[90,\"$T/R\",\"احفظ ملفك\"]"
# "Save the files" against "Save the file": one near word (file/files: 20) of W = 300 → 93, - 10
check "multi: near word in the reference, 93 - 10" test "$(jq -c '.matches[2] | [.score, .target]' "$T/m.json")" = '[83,"احفظ الملفات"]'
check "multi: ranked" jq -e '[.matches[].score] as $s | $s == ($s | sort | reverse)' "$T/m.json" >/dev/null
$J query --tm "$T/P" --tm "$T/R:60" -s en -t ar --min 50 --json 'Save the file' >"$T/m2.json"
check "multi: a penalty below --min drops the memory" test "$(jq '[.matches[] | select(.memory | endswith("/R"))] | length' "$T/m2.json")" -eq 0
$J query --tm "$T/P" --tm "$T/R:5" -s en -t ar 'Save the file' >"$T/m.txt"
check "multi: text names the memory and its penalty" grep -qF "[$T/R, memory penalty 5]" "$T/m.txt"
check "multi: a memory without penalty: its name alone" grep -qF "   [$T/P]" "$T/m.txt"
check "multi: JSON memory_penalty" test "$(jq -c '[.matches[:3][] | [.memory, .memory_penalty]]' "$T/m.json")" = "[[\"$T/P\",null],[\"$T/R\",10],[\"$T/R\",10]]"
# one memory with a penalty: the score has it taken off, and says so (text and JSON)
$J query --tm "$T/P:10" -s en -t ar 'Save the file' >"$T/m1.txt"
check "one memory: the penalty in text" grep -qF "احفظ الملف   [memory penalty 10]" "$T/m1.txt"
$J query --tm "$T/P:10" -s en -t ar --json 'Save the file' >"$T/m1.json"
check "one memory: the penalty in JSON" test "$(jq -c '.matches[0] | [.score, .memory_penalty, .penalty]' "$T/m1.json")" = '[90,10,null]'
$J query --tm "$T/P" -s en -t ar 'Save the file' >"$T/m1.txt"
check "one memory, no penalty: nothing said" grep -q "احفظ الملف$" "$T/m1.txt"
ln -s P "$T/Plink"
for two in "$T/P:5 $T/R $T/P/" "$T/R $T/Plink $T/P"; do
    set -- $two
    args=()
    for d in "$@"; do args+=(--tm "$d"); done
    $J query "${args[@]}" -s en -t ar 'Save the file' >"$T/out" 2>"$T/err"
    check "multi: the same memory twice ($two) is a usage error, nothing printed" test $?-"$(wc -c <"$T/out")" = 2-0
    check "multi: the message says so" grep -q "are the same memory" "$T/err"
done

# numbers: the second 2 changes, never the first
$J query --tm "$T/P" -s en -t ar --json 'Page 2 of 3' >"$T/n.json"
check "numbers by position" test "$(jq -r '.matches[0].target' "$T/n.json")" = "الصفحة 2 من 3"
check "placeable" test "$(jq '.matches[0].placeable' "$T/n.json")" = true
# agreement: 5 (3-10) → 11 (11-99) in Arabic
$J query --tm "$T/P" -s en -t ar --json 'I bought 11 books' >"$T/a.json"
check "agreement check" test "$(jq -r '.matches[0].agreement' "$T/a.json")" = check
check "agreement position" test "$(jq -c '.matches[0].agreement_numbers[0] | [.number, .from, .to]' "$T/a.json")" = '["11","few","many"]'
check "agreement never 100" test "$(jq '.matches[0].score < 100' "$T/a.json")" = true
$J query --tm "$T/P" -s en -t ar 'I bought 11 books' >"$T/a.txt"
check "agreement mark in text" grep -qF '[check agreement: 11 (few -> many)]' "$T/a.txt"

# filters: the same results with the index and --exhaustive
cat >"$T/props.tmx" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>
<body>
<tu changedate="20200101T000000Z"><prop type="x-project">alpha</prop><tuv xml:lang="en"><seg>Print the page now</seg></tuv><tuv xml:lang="ar"><seg>اطبع الصفحة الآن</seg></tuv></tu>
<tu changedate="20240601T000000Z"><prop type="x-project">beta</prop><tuv xml:lang="en"><seg>Print the pages now</seg></tuv><tuv xml:lang="ar"><seg>اطبع الصفحات الآن</seg></tuv></tu>
<tu changedate="20250101T000000Z"><prop type="x-project">alpha</prop><tuv xml:lang="en"><seg>Print this page now</seg></tuv><tuv xml:lang="ar"><seg>اطبع هذه الصفحة الآن</seg></tuv></tu>
</body></tmx>
EOF
$J import --tm "$T/F" -q "$T/props.tmx"
for ex in "" --exhaustive; do
    check "--prop $ex" test "$($J query --tm "$T/F" -s en -t ar --min 30 --prop x-project=alpha $ex --json 'Print the page now' | jq -c '[.matches[].id]')" = '[1,3]'
    check "--changed-since $ex" test "$($J query --tm "$T/F" -s en -t ar --min 30 --changed-since 2024-01-01 $ex --json 'Print the page now' | jq -c '[.matches[].id]')" = '[2,3]'
done
for d in yesterday 2024-13-01 2023-02-29 2024-04-31 2024-1-01 20240601T25; do
    $J query --tm "$T/F" -s en -t ar --changed-since "$d" 'x' >"$T/out" 2>"$T/err"
    check "--changed-since $d: a usage error (exit 2), nothing printed" test $?-"$(wc -c <"$T/out")" = 2-0
    check "--changed-since $d: the message names it" grep -q "needs a date: .*'$d'" "$T/err"
done
check "--changed-since 29 February of a leap year, and TMX's form (Z)" test "$($J query --tm "$T/F" -s en -t ar --min 30 --changed-since 2024-02-29 --json 'Print the page now' | jq -c '[.matches[].id]')-$($J query --tm "$T/F" -s en -t ar --min 30 --changed-since 20240601T000000Z --json 'Print the page now' | jq -c '[.matches[].id]')-$($J query --tm "$T/F" -s en -t ar --min 30 --changed-since 20240601T000001Z --json 'Print the page now' | jq -c '[.matches[].id]')" = '[2,3]-[2,3]-[3]'

# tags: the query's tags in the target, TMX inline markup in and out
cat >"$T/tags.tmx" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>
<body><tu><tuv xml:lang="en"><seg>Click <bpt i="1">&lt;b&gt;</bpt>here<ept i="1">&lt;/b&gt;</ept> to open</seg></tuv>
<tuv xml:lang="ar"><seg>انقر <bpt i="1">&lt;b&gt;</bpt>هنا<ept i="1">&lt;/b&gt;</ept> للفتح</seg></tuv></tu></body></tmx>
EOF
$J import --tm "$T/G" -q "$T/tags.tmx"
q='Click <bpt i="3">&lt;i&gt;</bpt>here<ept i="3">&lt;/i&gt;</ept> to open'
$J query --tm "$T/G" -s en -t ar --tags tmx --json "$q" >"$T/t.json"
check "tags: 100 with the same kinds" test "$(jq '.matches[0].score' "$T/t.json")" = 100
check "tags: plain target" test "$(jq -r '.matches[0].target' "$T/t.json")" = "انقر هنا للفتح"
check "tags: the query's tags in the target" test "$(jq -r '.matches[0].target_tagged' "$T/t.json")" = 'انقر <bpt i="3">&lt;i&gt;</bpt>هنا<ept i="3">&lt;/i&gt;</ept> للفتح'
$J query --tm "$T/G" -s en -t ar --tags tmx --json 'Click here to open' >"$T/t2.json"
check "tags: a tag difference costs a point each" test "$(jq -c '.matches[0] | [.score, .tag_difference, (.unmapped_tags | length)]' "$T/t2.json")" = '[98,2,2]'
$J query --tm "$T/G" -s en -t ar --tags tmx --format tmx "$q" >"$T/out.tmx"
check "--format tmx: exit 0" test $? -eq 0
check "--format tmx: well-formed" xmllint --noout --nonet "$T/out.tmx"
check "--format tmx: a true pair, the stored target with its own tags" \
    grep -qF '<seg>انقر <bpt i="1">&lt;b&gt;</bpt>هنا<ept i="1">&lt;/b&gt;</ept> للفتح</seg>' "$T/out.tmx"
check "--format tmx: the proposal (the query's tags) as x-jisr-proposal" \
    grep -qF '<prop type="x-jisr-proposal">انقر &lt;bpt i="3"&gt;&amp;lt;i&amp;gt;&lt;/bpt&gt;هنا' "$T/out.tmx"
# a fuzzy match's proposal beside the stored source planted the query's number under a 100 %
# match in OmegaT (tm/auto) and in a memory that imported the file
printf 'The printer has 250 sheets of paper left.\tتبقى في الطابعة 250 ورقة.\n' >"$T/pr.tsv"
$J import --tm "$T/PR" -q -s en -t ar "$T/pr.tsv"
$J query --tm "$T/PR" -s en -t ar --format tmx 'The printer has 300 sheets of paper left.' >"$T/pr.tmx"
check "--format tmx: the stored source keeps its stored translation (250 with 250)" \
    grep -qF '<seg>تبقى في الطابعة 250 ورقة.</seg>' "$T/pr.tmx"
check "--format tmx: the query's number only in the proposal" \
    test "$(grep -c '300' "$T/pr.tmx")" = 2  # x-jisr-query and x-jisr-proposal
# a UTF-8 byte-order mark before the first query on standard input (Notepad, Excel) is not part
# of it: kept, it made the identical text a 99
printf '\357\273\277The printer has 250 sheets of paper left.\n' |
    $J query --tm "$T/PR" -s en -t ar --json >"$T/bom.json"
check "query on stdin: a UTF-8 BOM is no part of the first query (100)" \
    test "$(jq -c '[.query, .matches[0].score]' "$T/bom.json")" = '["The printer has 250 sheets of paper left.",100]'
# UTF-16 with its byte-order mark (Notepad's "Unicode") is said as such and stops the batch (it was
# "UTF-16LE without a byte-order mark", one refusal a line)
printf 'The printer\nhas\n' | iconv -t UTF-16 >"$T/q16.txt"
$J query --tm "$T/PR" -s en -t ar <"$T/q16.txt" >"$T/q16.out" 2>"$T/q16.err"
check "query on stdin: UTF-16 with a BOM named, the batch stopped (exit 1)" \
    test $? = 1 -a "$(grep -c 'UTF-16LE (it starts with a UTF-16 byte-order mark)' "$T/q16.err")" = 1
check "query on stdin: UTF-16 with a BOM: no query asked" grep -q 'no query was asked' "$T/q16.err"
# --omegat-shortcuts rewrites TMX inline elements: with text or JSON output it did nothing, silently
$J query --tm "$T/PR" -s en -t ar --omegat-shortcuts 'The printer' >/dev/null 2>"$T/os.err"
check "query --omegat-shortcuts without --format tmx: a usage error" \
    test $? = 2 -a "$(grep -c 'is for --format tmx' "$T/os.err")" = 1
# answers that cannot be written (a full disk: /dev/full) are a failure, not a success
if [ -w /dev/full ]; then
    $J query --tm "$T/PR" -s en -t ar 'The printer has 250 sheets of paper left.' >/dev/full 2>"$T/full.err"
    check "query into a full disk: exit 1, said" \
        test $? = 1 -a "$(grep -c 'writing to standard output: No space left on device' "$T/full.err")" = 1
fi
$J import --tm "$T/G2" -q "$T/out.tmx"
check "--format tmx: re-importable" test "$($J stats --tm "$T/G2" --json | jq .units)" -eq 1
$J query --tm "$T/G" -s en -t ar --tags braces --json 'Click {0}here{1} to open' >"$T/t3.json"
# {0} and {1} are <ph> codes, the stored ones a <bpt>/<ept> pair: none maps, all are said
check "--tags braces: placeholders as tags" test "$(jq -c '.matches[0] | [.tag_difference, .missing_tags, (.unmapped_tags | length)]' "$T/t3.json")" = '[4,[0,1],2]'
$J query --tm "$T/G" -s en -t ar --tags tmx 'Click <b>here' 2>"$T/err"
check "--tags tmx: bad markup is an error" test $? -eq 1
# one bad query among others: said with its line, the others still answered, one answer a query
printf 'Click here to open\nClick <b>here\nClick here to open\n' |
    $J query --tm "$T/G" -s en -t ar --tags tmx --json >"$T/bad.json" 2>"$T/err"
check "--tags tmx: a bad line among good ones: exit 1" test $? -eq 1
check "--tags tmx: the bad line named" grep -q '^jisr: <stdin>:2: the query is not TMX' "$T/err"
check "--tags tmx: three answers, the second an error" test "$(jq -c '[(.matches | length), (.error != null)]' "$T/bad.json" | tr -d '\n')" = '[1,false][0,true][1,false]'

# -f tmx: a query that is not UTF-8 is written with U+FFFD, as the other outputs show it
printf 'Click here to open\xff\nClick here to open\n' | $J query --tm "$T/G" -s en -t ar --format tmx >"$T/u.tmx" 2>"$T/err"
check "-f tmx: a query not UTF-8: exit 0, both answered" test $?-"$(grep -c '<tu>' "$T/u.tmx")" = 0-2
check "-f tmx: U+FFFD in its prop" grep -qF $'<prop type="x-jisr-query">Click here to open\xef\xbf\xbd</prop>' "$T/u.tmx"

# reading C (a plain query's codes against <ph> codes): a code written other than stored is said
cat >"$T/ph.tmx" <<'EOF2'
<?xml version="1.0"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body><tu><tuv xml:lang="en"><seg>Delete <ph x="1">%s</ph> files now</seg></tuv><tuv xml:lang="ar"><seg>احذف <ph x="1">%s</ph> ملفات الآن</seg></tuv></tu></body></tmx>
EOF2
$J import --tm "$T/PH" -q "$T/ph.tmx"
check "reading C: %d for %s placeable, differs in codes" test "$($J query --tm "$T/PH" -s en -t ar --json 'Delete %d files now' | jq -c '.matches[0] | [.target, .placeable, .stored_target, .differs_in]')" = '["احذف %d ملفات الآن",true,"احذف %s ملفات الآن",["codes"]]'
check "reading C: the text mark" test "$($J query --tm "$T/PH" -s en -t ar 'Delete %d files now' | grep -c '\[codes substituted\]')" -eq 1
check "reading C: other words too: said, not placeable" test "$($J query --tm "$T/PH" -s en -t ar --min 50 --json 'Delete %d old files now' | jq -c '.matches[0] | [.target, .placeable, .differs_in]')" = '["احذف %d ملفات الآن",null,["codes"]]'
check "reading C: other words too: the text mark" test "$($J query --tm "$T/PH" -s en -t ar --min 50 'Delete %d old files now' | grep -c '\[codes written as in the query\]')" -eq 1
check "reading C: the same code: nothing said" test "$($J query --tm "$T/PH" -s en -t ar --json 'Delete %s files now' | jq -c '.matches[0] | [.placeable, .differs_in]')" = '[null,null]'

# the import merges only identical units
printf '%s\t%s\n' "Page" "الصفحة" "page" "صفحة" "Left margin:" "الهامش الأيسر:" "Left margin: " "الهامش الأيسر: " "Page" "الصفحة" >"$T/dup.tsv"
$J import --tm "$T/D" -s en -t ar -q "$T/dup.tsv"
check "identical only: 4 units of 5" test "$($J stats --tm "$T/D" --json | jq .units)" -eq 4
check "page answers صفحة at 100" test "$($J query --tm "$T/D" -s en -t ar --json page | jq -c '.matches[0] | [.score, .target]')" = '[100,"صفحة"]'

# --tables: the character search's form tables change the speed, never the answers. Queries: the
# fixture's texts with a typo (two letters swapped, a letter dropped), in both directions.
DATA=${JISR_TEST_DATA:?}/tm
$J import --tm "$T/C" --chars -s ar -t en -q "$DATA/ar-en.tsv"
sed -n '1,150p' "$DATA/ar-en.tsv" | sed 's/\.$/ (2)./' >"$T/c2.tsv"
$J import --tm "$T/C2" --chars -s ar -t en -q "$T/c2.tsv"
cut -f2 "$DATA/ar-en.tsv" | awk 'NR % 5 == 0' | sed -E 's/(.)(.)(.)/\1\3\2/; s/e//' >"$T/qen"
cut -f1 "$DATA/ar-en.tsv" | awk 'NR % 5 == 0' | sed -E 's/ال//2' >"$T/qar"
check "--tables: queries" test "$(wc -l <"$T/qen")" -eq 60
for w in off on auto; do
    for m in 30 60; do
        $J query --tm "$T/C" --tables $w -s en -t ar --min $m --json <"$T/qen" >"$T/ten-$w-$m" &&
            $J query --tm "$T/C" --tables $w -s ar -t en --min $m --json <"$T/qar" >"$T/tar-$w-$m" &&
            $J query --tm "$T/C" --tm "$T/C2:5" --tables $w -s en -t ar --min $m --json <"$T/qen" >"$T/t2-$w-$m"
        check "--tables $w --min $m: exit 0" test $? -eq 0
    done
done
for m in 30 60; do
    $J query --tm "$T/C" --exhaustive -s en -t ar --min $m --json <"$T/qen" >"$T/ten-x-$m"
    $J query --tm "$T/C" --exhaustive -s ar -t en --min $m --json <"$T/qar" >"$T/tar-x-$m"
    check "--min $m: the queries find matches" test "$(jq -s '[.[] | select(.matches | length > 0)] | length' "$T/ten-x-$m")" -ge 30
    for w in off on auto; do
        check "--tables $w --min $m en: as --exhaustive" cmp -s "$T/ten-$w-$m" "$T/ten-x-$m"
        check "--tables $w --min $m ar: as --exhaustive" cmp -s "$T/tar-$w-$m" "$T/tar-x-$m"
        check "--tables $w --min $m two memories: as off" cmp -s "$T/t2-$w-$m" "$T/t2-off-$m"
    done
done
check "--tables: two memories answer from both" test "$(jq -s '[.[].matches[].memory] | unique | length' "$T/t2-on-30")" -eq 2
# a memory without the character search: nothing to build, the same answers
$J query --tm "$T/P" --tables on -s en -t ar --json 'Save the fil' >"$T/np-on"
$J query --tm "$T/P" --tables off -s en -t ar --json 'Save the fil' >"$T/np-off"
check "--tables on without --chars: the same answers" cmp -s "$T/np-on" "$T/np-off"

# usage errors
$J query --tm "$T/P" -s en -t ar --tables sometimes x 2>"$T/err"
check "--tables unknown: usage error" test $? -eq 2
check "--tables unknown: the message" grep -qF -- "--tables is auto, on or off" "$T/err"
$J query --tm "$T/P:101" -s en -t ar x 2>/dev/null
check "penalty over 100: usage error" test $? -eq 2
$J query --tm "$T/P" -s en -t ar --prop nonsense x 2>/dev/null
check "--prop without =: usage error" test $? -eq 2
$J query --tm "$T/P" -s en -t ar --format yaml x 2>/dev/null
check "--format unknown: usage error" test $? -eq 2

# a number's sign is part of the number (docs/matching.md §2.2): the query's sign goes into the
# target, or out of it, and the match says so; the score is what a punctuation token costs
printf '%s\t%s\n' "The temperature fell to 5 degrees." "انخفضت درجة الحرارة إلى 5 درجات." \
    "The balance is -20 dollars." "الرصيد -20 دولارا." "pages 3-6" "الصفحات 3-6" >"$T/neg.tsv"
$J import --tm "$T/S" -s en -t ar -q "$T/neg.tsv"
$J query --tm "$T/S" -s en -t ar --json 'The temperature fell to -5 degrees.' \
    'The balance is 20 dollars.' 'pages 3-5' >"$T/s.json"
check "signs: exit 0" test $? -eq 0
check "signs: -5 into the target" test "$(jq -sc '.[0].matches[0] | [.score, .placeable, .target]' "$T/s.json")" = '[96,true,"انخفضت درجة الحرارة إلى -5 درجات."]'
check "signs: the sign out of the target" test "$(jq -sc '.[1].matches[0] | [.score, .placeable, .target]' "$T/s.json")" = '[96,true,"الرصيد 20 دولارا."]'
check "signs: a range has none" test "$(jq -sc '.[2].matches[0] | [.placeable, .target]' "$T/s.json")" = '[true,"الصفحات 3-5"]'
$J query --tm "$T/S" -s en -t ar 'The balance is 20 dollars.' >"$T/s.txt"
check "signs: text marks the substitution" grep -qF "الرصيد 20 دولارا.   [numbers substituted]" "$T/s.txt"

# concordance: numbers and format codes are part of the phrase, by value (5 = ٥); a number alone
# can be searched (docs/matching.md §6)
printf '%s\t%s\n' "Article 5 of the Convention applies." "تنطبق المادة ٥ من الاتفاقية." \
    "Article of the Convention" "مادة من الاتفاقية" "Delete %d files?" "حذف %d ملفات؟" \
    "Article 6 of the Convention" "المادة 6 من الاتفاقية" >"$T/conc.tsv"
$J import --tm "$T/CONC" -s en -t ar -q "$T/conc.tsv"
$J concord --tm "$T/CONC" -l en --json 'Article 5 of the Convention' >"$T/c.json"
check "concord: the number is part of the phrase" test "$(jq -c '[.hits[].id]' "$T/c.json")" = '[1]'
$J concord --tm "$T/CONC" -l en --json 'Delete %d files' >"$T/c.json"
check "concord: a format code is part of the phrase" test "$(jq -c '[.hits[] | [.id, .match]]' "$T/c.json")" = '[[3,"Delete %d files"]]'
$J concord --tm "$T/CONC" -l en --json 'Delete %s files' >"$T/c.json"
check "concord: another code is another phrase" test "$(jq '.hits | length' "$T/c.json")" -eq 0
$J concord --tm "$T/CONC" -l ar --json '5' >"$T/c.json"
check "concord: a number alone, by value (5 finds ٥)" test "$(jq -c '[.hits[] | [.id, .match]]' "$T/c.json")" = '[[1,"٥"]]'
$J concord --tm "$T/CONC" -l en --json -n 1 '%d' >"$T/c.json"
check "concord: a code alone" test "$(jq -c '[[.hits[].id], .truncated]' "$T/c.json")" = '[[3],false]'
$J concord --tm "$T/CONC" -l en -w 0 'Convention' >"$T/out"
check "concord -w 0: no context, no ..." test "$(grep -c '\.\.\.' "$T/out")" -eq 0
$J concord --tm "$T/CONC" -l en '...' 2>"$T/err"
check "concord: punctuation alone is refused" grep -qF "no words or numbers" "$T/err"

# the Arabic per cent sign is % to the match (as ، ؛ ؟ are , ; ?): the texts differ only in a
# number; an English target keeps its own signs (the query's Arabic ones are not copied)
printf '%s\t%s\n' "كان النمو 15% في عام 2015." "Growth was 15% in 2015." \
    "كيف حالك, يا صديقي؟" "How are you, my friend?" >"$T/pct.tsv"
$J import --tm "$T/PCT" -s ar -t en -q "$T/pct.tsv"
$J query --tm "$T/PCT" -s ar -t en --json 'كان النمو 20٪ في عام 2015.' 'كيف حالك، يا صديقي؟' >"$T/p.json"
check "٪ is %: the number substituted" test "$(jq -sc '.[0].matches[0] | [.score, .placeable, .target]' "$T/p.json")" = '[96,true,"Growth was 20% in 2015."]'
check "، is not copied into English" test "$(jq -sc '.[1].matches[0] | [.score, .target, .copied]' "$T/p.json")" = '[99,"How are you, my friend?",null]'

# a language the memory lacks is said on stderr with the languages it holds; a region variant
# falls back to its language (en-US asked of a memory in en), as memoQ does
$J query --tm "$T/P" -s fr -t ar 'Save the file' >"$T/out" 2>"$T/err"
check "lang: a missing language still answers (rc 0)" test $? -eq 0
check "lang: a missing language is said" grep -qF "the memory has no fr variants: nothing can match (it holds ar, en)" "$T/err"
$J query --tm "$T/P" -s en-US -t ar --json 'Save the file' >"$T/out" 2>"$T/err"
check "lang: en-US falls back to en" test "$(jq -c '.matches[0] | [.score, .target]' "$T/out")" = '[100,"احفظ الملف"]'
check "lang: the fallback is said" grep -qF "the memory has no en-US variants: en used" "$T/err"
$J query --tm "$T/P" -s en -t ar 'Save the file' >"$T/out" 2>"$T/err"
check "lang: a held language, nothing said" test ! -s "$T/err"
$J concord --tm "$T/P" -l fr file >"$T/out" 2>"$T/err"
check "lang: concord says so too" grep -qF "jisr concord: the memory has no fr variants" "$T/err"
$J concord --tm "$T/P" -l en-GB --json file >"$T/out" 2>/dev/null
check "lang: concord falls back from en-GB to en" test "$(jq '.hits | length' "$T/out")" -eq 2

# TMX pairs <ept> with <bpt>: a query with a lone one is refused as bad markup (rc 1, the other
# queries still answered), never carried into the translation unpaired
$J query --tm "$T/P" -s en -t ar --tags tmx --json 'Save <ept i="2">&lt;/b&gt;</ept>the file' \
    'Save the file' >"$T/out" 2>"$T/err"
check "lone ept: rc 1" test $? -eq 1
check "lone ept: said" grep -qF '<ept i="2"> has no <bpt i="2"> before it' "$T/err"
check "lone ept: an error in its place, the next query answered" test "$(jq -sc '[.[0].matches, (.[0].error | length > 0), .[1].matches[0].score]' "$T/out")" = '[[],true,100]'
$J query --tm "$T/P" -s en -t ar --tags tmx 'Save <bpt i="1">&lt;b&gt;</bpt>the file' >/dev/null 2>"$T/err"
check "lone bpt: refused" grep -qF '<bpt i="1"> has no <ept i="1"> after it' "$T/err"
$J query --tm "$T/P" -s en -t ar --tags tmx 'Save <bpt i="1">&lt;b&gt;</bpt>the<ept i="1">&lt;/b&gt;</ept> file' >/dev/null
check "paired bpt/ept: asked" test $? -eq 0

# a fuzzy match's numbers are substituted where they stand in the same place (the word before or
# after them the same); elsewhere they are marked, never substituted into a code ("UTF-8")
printf '%s\t%s\n' "UTF-8 invalid" "UTF-8 غير سليم" "I bought 12 books." "اشتريت 12 كتابًا." >"$T/fz.tsv"
$J import --tm "$T/FZ" -s en -t ar -q "$T/fz.tsv"
$J query --tm "$T/FZ" -s en -t ar 'I bought 11 new books.' >"$T/fz.txt"
check "fuzzy numbers: substituted in place" grep -qF "اشتريت 11 كتابًا.   [numbers substituted]" "$T/fz.txt"
$J query --tm "$T/FZ" -s en -t ar --min 10 --json 'NEC SK-1300 is invalid' >"$T/fz.json"
check "fuzzy numbers: another place, marked, not substituted" test "$(jq -c '[.matches[] | select(.id == 1) | [.target, .numbers]]' "$T/fz.json")" = '[["UTF-8 غير سليم","ambiguous"]]'

# concord --json: start/end index "text" as printed, whose tags' placeholders are gone (or are
# their codes: a <ph> holding {0}), not the internal text (before: "to keep" at 17..24 of
# "Click Save to keep 3 files.", three 3-byte placeholders counted)
tmxh='<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
printf '%s\n<tu><tuv xml:lang="en"><seg>Click <bpt i="1" x="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> to keep 3 files.</seg></tuv><tuv xml:lang="ar"><seg>انقر <bpt i="1" x="1">&lt;b&gt;</bpt>حفظ<ept i="1">&lt;/b&gt;</ept> للاحتفاظ بـ 3 ملفات.</seg></tuv></tu>\n<tu><tuv xml:lang="en"><seg>Delete <ph x="1">{0}</ph> <bpt i="1" x="2">&lt;i&gt;</bpt>old<ept i="1">&lt;/i&gt;</ept> files to keep space</seg></tuv><tuv xml:lang="ar"><seg>احذف <ph x="1">{0}</ph> ملفات قديمة</seg></tuv></tu>\n</body></tmx>\n' "$tmxh" >"$T/tagged.tmx"
$J import --tm "$T/CC" -q "$T/tagged.tmx"
$J concord --tm "$T/CC" --json "to keep" >"$T/cc.json"
check "concord --json: start/end index the printed text (tags in the way)" \
    test "$(/usr/bin/python3 -c '
import json, sys
for h in json.load(open(sys.argv[1]))["hits"]:
    b = h["text"].encode()
    print(h["start"], h["end"], b[h["start"]:h["end"]].decode() == h["match"] == "to keep",
          b[:h["start"]].decode() == h["left"])' "$T/cc.json" | tr '\n' ' ')" = '11 18 True True 21 28 True True '

# two variants of one language in a unit (en-US + en-GB, ar-SA + ar-EG, as Trados and memoQ
# export them): each is searchable (before: only the first of a language was indexed, and naming
# the second's tag dropped the whole unit); -t ar takes the first ar variant; export keeps both
printf '%s\n<tu><tuv xml:lang="en-US"><seg>Open the color document</seg></tuv><tuv xml:lang="en-GB"><seg>Open the colour document</seg></tuv><tuv xml:lang="ar"><seg>افتح المستند الملون</seg></tuv></tu>\n<tu><tuv xml:lang="en"><seg>Save the document</seg></tuv><tuv xml:lang="ar-SA"><seg>احفظ المستند</seg></tuv><tuv xml:lang="ar-EG"><seg>خزّن الوثيقة</seg></tuv></tu>\n</body></tmx>\n' "$tmxh" >"$T/multi.tmx"
$J import --tm "$T/MV" "$T/multi.tmx" 2>"$T/mv.err"
check "variants: import counts every variant" \
    test "$($J stats --tm "$T/MV" | grep languages | tr -s ' ')" = 'languages: ar 1, ar-EG 1, ar-SA 1, en 1, en-GB 1, en-US 1'
mvq() { $J query --tm "$T/MV" --json "$@" | jq -r '[.matches[0] | .score, .source, .target] | join("|")'; }
check "variants: -s en-GB finds the en-GB text" test "$(mvq -s en-GB -t ar 'Open the colour document')" = '100|Open the colour document|افتح المستند الملون'
check "variants: -s en-GB, the en-US text: the en-GB variant, fuzzy" test "$(mvq -s en-GB -t ar 'Open the color document')" = '95|Open the colour document|افتح المستند الملون'
check "variants: -s en, the best of en-US and en-GB" test "$(mvq -s en -t ar 'Open the colour document')" = '100|Open the colour document|افتح المستند الملون'
check "variants: -t en-GB gives the en-GB text" test "$(mvq -s ar -t en-GB 'افتح المستند الملون')" = '100|افتح المستند الملون|Open the colour document'
check "variants: -t ar-EG gives the ar-EG text" test "$(mvq -s en -t ar-EG 'Save the document')" = '100|Save the document|خزّن الوثيقة'
check "variants: -t ar gives the first ar variant" test "$(mvq -s en -t ar 'Save the document')" = '100|Save the document|احفظ المستند'
check "variants: -s ar-EG finds the ar-EG text" test "$(mvq -s ar-EG -t en 'خزّن الوثيقة')" = '100|خزّن الوثيقة|Save the document'
check "variants: the index agrees with --exhaustive" \
    test "$(mvq -s en-GB -t ar 'Open the colour document')-$(mvq -s ar -t en-GB 'افتح المستند الملون')" = \
    "$(mvq --exhaustive -s en-GB -t ar 'Open the colour document')-$(mvq --exhaustive -s ar -t en-GB 'افتح المستند الملون')"
check "variants: concordance finds a phrase in a second variant" \
    test "$($J concord --tm "$T/MV" --json colour | jq -r '.hits | length')-$($J concord --tm "$T/MV" -l ar --json 'الوثيقة' | jq -r '.hits[0].text')" = '1-خزّن الوثيقة'
$J export --tm "$T/MV" -o "$T/mv.tmx" 2>/dev/null
check "variants: export keeps every variant" test "$(grep -c '<tuv' "$T/mv.tmx")" = 6

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
