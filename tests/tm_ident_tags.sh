#!/bin/bash
# tm_ident_tags.sh — identity sees through the numbering of inline tags (tokenizer 7,
# docs/matching.md §2.5), through the command line: the same segment whose tags another tool
# numbered otherwise (i and x) is merged into the stored unit, which keeps its own markup; the
# same texts with another element or native code are other units; a memory that records
# tokenizer 6 is reported stale until `jisr reindex`, then merges as a new one.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-ident-tags-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
export JISR_NO_PROGRESS=1
V=$(awk '/#define TM_TOK_VERSION/ { getline; print $1; exit }' "$(dirname "${BASH_SOURCE[0]}")/../tm/tm_int.h")
tmx() { # FILE SEG_EN SEG_AR
    printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
        '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>' \
        "<tu><tuv xml:lang=\"en\"><seg>$2</seg></tuv><tuv xml:lang=\"ar\"><seg>$3</seg></tuv></tu>" \
        '</body></tmx>' >"$T/$1"
}
# OmegaT's project memory numbering, and the same segment as another tool numbers it
tmx a.tmx 'Click <bpt i="1" x="1">&lt;b0&gt;</bpt>Save<ept i="1">&lt;/b0&gt;</ept> now<ph x="2">&lt;br/&gt;</ph>' \
    'انقر <bpt i="1" x="1">&lt;b0&gt;</bpt>حفظ<ept i="1">&lt;/b0&gt;</ept> الآن<ph x="2">&lt;br/&gt;</ph>'
tmx b.tmx 'Click <bpt i="4" x="7">&lt;b0&gt;</bpt>Save<ept i="4">&lt;/b0&gt;</ept> now<ph x="8">&lt;br/&gt;</ph>' \
    'انقر <bpt i="4" x="7">&lt;b0&gt;</bpt>حفظ<ept i="4">&lt;/b0&gt;</ept> الآن<ph x="8">&lt;br/&gt;</ph>'
# another element around the same code; another native code
tmx c.tmx 'Click <bpt i="1" x="1">&lt;b0&gt;</bpt>Save<ept i="1">&lt;/b0&gt;</ept> now<it pos="begin" x="2">&lt;br/&gt;</it>' \
    'انقر <bpt i="1" x="1">&lt;b0&gt;</bpt>حفظ<ept i="1">&lt;/b0&gt;</ept> الآن<it pos="begin" x="2">&lt;br/&gt;</it>'
tmx d.tmx 'Click <bpt i="4" x="7">&lt;i0&gt;</bpt>Save<ept i="4">&lt;/i0&gt;</ept> now<ph x="8">&lt;br/&gt;</ph>' \
    'انقر <bpt i="4" x="7">&lt;i0&gt;</bpt>حفظ<ept i="4">&lt;/i0&gt;</ept> الآن<ph x="8">&lt;br/&gt;</ph>'
cd "$T" || exit 1
$J import --tm m a.tmx 2>/dev/null
$J import --tm m b.tmx 2>err
check "the same segment numbered otherwise is merged (1 merged)" \
    grep -q "b.tmx: 1 unit read, 0 added, 1 merged" err
check "... one unit stored" test "$($J stats --tm m --json | jq .units)" = 1
check "... which keeps the first unit's markup" \
    test "$($J query --tm m -s en -t ar --json -- 'Click Save now' | jq -r '.matches[0].source_tagged')" = \
    'Click <bpt i="1" x="1">&lt;b0&gt;</bpt>Save<ept i="1">&lt;/b0&gt;</ept> now<ph x="2">&lt;br/&gt;</ph>'
$J import --tm m c.tmx d.tmx 2>err
check "another element (<it> for <ph>) or another native code (<i0> for <b0>): two more units" \
    eval 'grep -q "c.tmx: 1 unit read, 1 added, 0 merged" err && grep -q "d.tmx: 1 unit read, 1 added, 0 merged" err'
# ---- a memory that records tokenizer 6 -----------------------------------------------------------
rm -rf m1 && $J import -q --tm m1 b.tmx
old_index m1 old 6
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 77 ] && exit 1
if [ $rc -eq 0 ]; then
    $J stats --tm old >/dev/null 2>err
    check "tokenizer 6: stale, reindex asked" grep -q "warning: .*tokenizer 6.*jisr reindex --tm" err
    $J reindex --tm old -q
    check "reindexed: tokenizer $V, not stale" \
        test "$($J stats --tm old --json 2>/dev/null | jq -c '[.index.tokenizer, .index.stale]')" = "[$V,false]"
    $J import --tm old a.tmx 2>err
    check "... and the segment numbered otherwise merges" grep -q "a.tmx: 1 unit read, 0 added, 1 merged" err
else
    echo "mdb_load (lmdb-utils) missing: the old memory's checks skipped"
fi
echo "$fails failed"
[ "$fails" -eq 0 ]
