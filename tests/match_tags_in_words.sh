#!/bin/bash
# match_tags_in_words.sh — a tag between two letters (tokenizer version 6, docs/matching.md §1.4)
# through the command line: an OmegaT memory whose accelerator keys are underlined inside words
# ("Choose <u0>S</u0>ave", "اختر <u0>ح</u0>فظ") and a DOCX-like link that starts after the
# conjunction و ("و<a0>سياسة</a0>") answers the plain words at 99 (a tag difference only; 33 and
# 67 on tokenizer 5, where the tag cut the word) and the same tags at 100; concordance finds the
# word, in both languages; a number glued to its proclitic after such a tag stays a number
# (substituted); a line break (<br0/>, a <ph>) between two words still parts them; and
# a memory indexed with tokenizer 5 is reported stale until `jisr reindex`.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-tags-in-words-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
V=$(awk '/#define TM_TOK_VERSION/ { getline; print $1; exit }' "$(dirname "${BASH_SOURCE[0]}")/../tm/tm_int.h")
cat >"$T/om.tmx" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="OmegaT" creationtoolversion="3.6" segtype="sentence" o-tmf="OmegaT TMX" adminlang="EN-US" srclang="en" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="en"><seg>Choose &lt;u0&gt;S&lt;/u0&gt;ave</seg></tuv><tuv xml:lang="ar"><seg>اختر &lt;u0&gt;ح&lt;/u0&gt;فظ</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>First line&lt;br0/&gt;second line.</seg></tuv><tuv xml:lang="ar"><seg>السطر الأول&lt;br0/&gt;السطر الثاني.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Read the privacy policy</seg></tuv><tuv xml:lang="ar"><seg>اقرأ و&lt;a0&gt;سياسة&lt;/a0&gt; الخصوصية</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Read the policy of 2015</seg></tuv><tuv xml:lang="ar"><seg>اقرأ سياسة عام و&lt;a0&gt;الـ2015&lt;/a0&gt;</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Open the A&lt;b0&gt;B&lt;/b0&gt;C file</seg></tuv><tuv xml:lang="ar"><seg>افتح ملف A&lt;b0&gt;B&lt;/b0&gt;C</seg></tuv></tu>
</body></tmx>
EOF
$J import --tm "$T/m" -q "$T/om.tmx" || exit 1
q() { # QUERY SRC TGT [options]: the best match as [id, score, target]
    local text=$1 s=$2 t=$3
    shift 3
    $J query --tm "$T/m" -s "$s" -t "$t" --min 0 -n 1 --json "$@" -- "$text" 2>/dev/null |
        jq -c '.matches[0] | [.id, .score, .target]'
}
check "the accelerator inside a word: Choose Save answers 99" \
    test "$(q 'Choose Save' en ar)" = '[1,99,"اختر حفظ"]'
check "... and in Arabic" test "$(q 'اختر حفظ' ar en)" = '[1,99,"Choose Save"]'
check "a link after the conjunction: اقرأ وسياسة الخصوصية answers 99" \
    test "$(q 'اقرأ وسياسة الخصوصية' ar en)" = '[3,99,"Read the privacy policy"]'
check "a run with digits keeps its tags as boundaries: و<a0>الـ2015 is still the year, substituted" \
    test "$($J query --tm "$T/m" -s ar -t en --min 0 -n 1 --json -- 'اقرأ سياسة عام والـ2016' | jq -c '.matches[0] | [.id, .target]')" = \
    '[4,"Read the policy of 2016"]'
# a word with tags inside that the target repeats: a plain query's other case does not overwrite
# it (its tags would go); a tagged query's word, tags and all, does (copied, §2.3a)
check "a plain query keeps the target's word with its tags inside (not copied)" \
    test "$($J query --tm "$T/m" -s en -t ar --min 0 -n 1 --json -- 'Open the abc file' | jq -c '.matches[0] | [.id, .score, .copied, .target_tagged]')" = \
    '[5,99,null,"افتح ملف A<bpt i=\"1\">&lt;b0&gt;</bpt>B<ept i=\"1\">&lt;/b0&gt;</ept>C"]'
check "a tagged query's word is copied into the target with its tags" \
    test "$($J query --tm "$T/m" -s en -t ar --min 0 -n 1 --json --tags tmx -- 'Open the a<bpt i="1">&lt;b&gt;</bpt>b<ept i="1">&lt;/b&gt;</ept>c file' | jq -c '.matches[0] | [.id, .copied, .target_tagged]')" = \
    '[5,1,"افتح ملف a<bpt i=\"1\">&lt;b&gt;</bpt>b<ept i=\"1\">&lt;/b&gt;</ept>c"]'
tagged='Choose <bpt i="1">&lt;b&gt;</bpt>S<ept i="1">&lt;/b&gt;</ept>ave'
check "the same tags around the same letter (other codes): 100" \
    test "$(q "$tagged" en ar --tags tmx | jq -c '.[:2]')" = '[1,100]'
check "... its target carries the query's tags around the same Arabic letter" \
    test "$($J query --tm "$T/m" -s en -t ar --json --tags tmx -- "$tagged" | jq -r '.matches[0].target_tagged')" = \
    'اختر <bpt i="1">&lt;b&gt;</bpt>ح<ept i="1">&lt;/b&gt;</ept>فظ'
check "a line break still parts two words: First line second line. answers 99" \
    test "$(q 'First line second line.' en ar | jq -c '.[:2]')" = '[2,99]'
cc() { # LANG PHRASE: the hits as [id, match]
    $J concord --tm "$T/m" -l "$1" --json -- "$2" | jq -c '[.hits[] | [.id, .match]]'
}
check "concordance finds Save inside its tags" test "$(cc en Save)" = '[[1,"Save"]]'
check "concordance finds حفظ" test "$(cc ar حفظ)" = '[[1,"حفظ"]]'
check "concordance finds سياسة after و and its tag" test "$(cc ar سياسة)" = '[[3,"وسياسة"],[4,"سياسة"]]'
check "concordance: the parted words are two, apart as a reader sees them" test "$(cc en 'line second')" = '[[2,"line second"]]'
# ---- a memory indexed with tokenizer 5 (as the jisr before this change left it) ------------------
old_index "$T/m" "$T/old" 5
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 77 ] && exit 1
if [ $rc -eq 0 ]; then
    $J stats --tm "$T/old" >/dev/null 2>"$T/err"
    check "old memory: stale, reindex asked" grep -q "warning: .*tokenizer 5.*jisr reindex --tm" "$T/err"
    $J reindex --tm "$T/old" -q
    check "old memory: reindexed to tokenizer $V" test "$($J stats --tm "$T/old" --json 2>"$T/err2" | jq -c '[.index.tokenizer, .index.stale]')" = "[$V,false]"
    check "old memory: answers as a new one" \
        test "$($J query --tm "$T/old" -s en -t ar --json 'Choose Save' | jq -c '.matches[0] | [.score, .target]')" = '[99,"اختر حفظ"]'
else
    echo "mdb_load (lmdb-utils) missing: the old memory's checks skipped"
fi
echo "$fails failed"
[ "$fails" -eq 0 ]
