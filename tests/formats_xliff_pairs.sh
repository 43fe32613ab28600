#!/bin/bash
# formats_xliff_pairs.sh — XLIFF 1.2's <bx/> and <ex/> (the begin and end of a paired code whose
# content is not in the segment) end to end: imported, the pair inside a word joins it as a
# <bpt>/<ept> does (docs/matching.md §1.4: "Choose <bx/>S<ex/>ave" answers "Choose Save" at 99,
# concordance finds Save; until session 35 both were <ph>s, which part a word: 67, no hit);
# `convert` and `export` write a <bpt>/<ept> pair (an <it> for a half without its partner), valid
# TMX 1.4b (tmx14.dtd) whose pairs another memory reads as such.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-xliff-pairs-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
export JISR_NO_PROGRESS=1
DTD=${JISR_TEST_DATA:?}/formats/tmx14.dtd
cat >"$T/ui.xlf" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file source-language="en" target-language="ar" datatype="plaintext" original="ui.rc"><body>
<trans-unit id="1"><source>Choose <bx id="1" rid="u"/>S<ex id="2" rid="u"/>ave</source><target>اختر <bx id="1" rid="u"/>ح<ex id="2" rid="u"/>فظ</target></trans-unit>
<trans-unit id="2"><source>Open the <bx id="3"/>file<ex id="3"/> now</source><target>افتح <bx id="3"/>الملف<ex id="3"/> الآن</target></trans-unit>
<trans-unit id="3"><source>Re<ex id="8"/>load all</source><target>أعد<ex id="8"/> تحميل الكل</target></trans-unit>
</body></file></xliff>
X
$J import --tm "$T/m" -q "$T/ui.xlf" || exit 1
q() { # QUERY SRC TGT: the best match as [id, score, target]
    $J query --tm "$T/m" -s "$2" -t "$3" --min 0 -n 1 --json -- "$1" 2>/dev/null |
        jq -c '.matches[0] | [.id, .score, .target]'
}
check "a <bx/>/<ex/> pair inside a word joins it: Choose Save answers 99" \
    test "$(q 'Choose Save' en ar)" = '[1,99,"اختر حفظ"]'
check "... and in Arabic: اختر حفظ answers 99" test "$(q 'اختر حفظ' ar en)" = '[1,99,"Choose Save"]'
check "an <ex/> without its <bx/> inside a word (an <it>) joins it too: Reload all answers 99" \
    test "$(q 'Reload all' en ar)" = '[3,99,"أعد تحميل الكل"]'
check "concordance finds Save inside the pair" \
    test "$($J concord --tm "$T/m" -l en --json -- Save | jq -c '[.hits[] | [.id, .match]]')" = '[[1,"Save"]]'
check "the query's target carries the stored pair as <bpt>/<ept> (--tags tmx, the same codes: 100)" \
    test "$($J query --tm "$T/m" -s en -t ar --json --tags tmx -- \
        'Choose <bpt i="1">&lt;bx id="1" rid="u"/&gt;</bpt>S<ept i="1">&lt;ex id="2" rid="u"/&gt;</ept>ave' |
        jq -c '.matches[0] | [.score, .target_tagged]')" = \
    '[100,"اختر <bpt i=\"1\">&lt;bx id=\"1\" rid=\"u\"/&gt;</bpt>ح<ept i=\"1\">&lt;ex id=\"2\" rid=\"u\"/&gt;</ept>فظ"]'
$J export --tm "$T/m" -s en -t ar -o "$T/e.tmx" 2>"$T/err"
check "export: exit 0" test $? -eq 0
check "export writes the pair as <bpt>/<ept> with the same i, the native codes kept" \
    grep -q 'Choose <bpt i="\([0-9]*\)">&lt;bx id="1" rid="u"/&gt;</bpt>S<ept i="\1">&lt;ex id="2" rid="u"/&gt;</ept>ave' "$T/e.tmx"
check "... no <ph> anywhere" test "$(grep -c '<ph' "$T/e.tmx")" = 0
check "... a lone <ex/> as <it pos=\"end\">" grep -q 'Re<it pos="end">&lt;ex id="8"/&gt;</it>load all' "$T/e.tmx"
valid() { out=$(xmllint --noout --nonet --dtdvalid "$DTD" "$1" 2>&1) && [ -z "$out" ]; }
if command -v xmllint >/dev/null; then
    check "the export is valid TMX 1.4b (tmx14.dtd)" valid "$T/e.tmx"
    $J convert "$T/ui.xlf" "$T/c.tmx" 2>"$T/err"
    check "convert XLIFF → TMX: valid TMX 1.4b, the pair as <bpt>/<ept>" \
        eval 'valid "$T/c.tmx" && grep -q "<bpt i=" "$T/c.tmx" && grep -q "<ept i=" "$T/c.tmx" && ! grep -q "<ph" "$T/c.tmx"'
else
    echo "xmllint missing: the DTD checks skipped"
fi
$J import --tm "$T/m2" -q "$T/e.tmx" 2>"$T/err"
check "the export imports into a new memory, where the pair still joins the word (99)" \
    eval '[ $? -eq 0 ] && [ "$($J query --tm "$T/m2" -s en -t ar --json -- "Choose Save" | jq -c ".matches[0] | [.score, .target]")" = "[99,\"اختر حفظ\"]" ]'
echo "$fails failed"
[ "$fails" -eq 0 ]
