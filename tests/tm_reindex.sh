#!/bin/bash
# tm_reindex.sh — `jisr reindex` on a memory whose index records another tokenizer version
# (written into it with LMDB's own mdb_load, as an older jisr would have left it):
#  1. every command warns once that the index is stale, and stats says so;
#  2. reindex killed with SIGKILL at random moments, again and again (8 to 16 times): the memory opens, its old
#     index answers queries exactly as before, nothing changed (versions, units, export);
#  3. a reindex left to finish records this jisr's versions, no warning any more, the same
#     answers (the tokenizer did not really change) and the same units.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
command -v mdb_load >/dev/null || { echo "mdb_load (lmdb-utils) missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-tm-reindex-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
# this jisr's tokenizer version (TM_TOK_VERSION)
V=$(awk '/#define TM_TOK_VERSION/ { getline; print $1; exit }' "$(dirname "${BASH_SOURCE[0]}")/../tm/tm_int.h")
ms() { echo $(($(date +%s%N) / 1000000)); }
# a sanitizer build is ~10 times slower: a smaller memory there
N=40000
ldd "$J" 2>/dev/null | grep -q 'libasan\|libtsan' && N=10000
awk -v n=$N 'BEGIN{for(i=1;i<=n;i++) printf "الوحدة رقم %d عن البند ب%d والموضوع م%d.\tUnit number %d about item w%d and topic t%d.\n", i, i*7, i%97, i, i*7, i%97}' >"$T/big.tsv"
$J import --tm "$T/m" -s ar -t en -q "$T/big.tsv" || exit 1
# tokenizer version 0 in meta, as if another jisr had built the index
printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 746f6b656e697a6572\n 0000000000000000\nDATA=END\n' >"$T/meta.dump"
mdb_load -s meta -f "$T/meta.dump" "$T/m" || exit 1

queries() { # the answers to a few queries, both directions
    for i in 7 4242 $((N - 1)); do
        $J query --tm "$T/m" -s ar -t en --json -n 3 "الوحدة رقم $i عن البند ب$((i * 7)) والموضوع م$((i % 97))." 2>/dev/null
        $J query --tm "$T/m" -s en -t ar --json -n 3 --min 60 "Unit number $i about topic t$((i % 97))." 2>/dev/null
    done
    $J concord --tm "$T/m" -l en --json -n 20 "item w700" 2>/dev/null
}
state() { # what must not change while a reindex is killed (memory $1, default $T/m)
    local d=${1:-$T/m}
    $J stats --tm "$d" --json 2>/dev/null | jq -c '[.units, .next_id, .languages, .index.tokenizer, .index.stale]'
    $J export --tm "$d" -o - 2>/dev/null | md5sum
}

# ---- 1. the stale index is reported -----------------------------------------------------------
$J stats --tm "$T/m" >/dev/null 2>"$T/err"
check "stale: a warning" grep -q "warning: .*tokenizer 0.*jisr reindex --tm" "$T/err"
check "stale: once" test "$(grep -c warning "$T/err")" -eq 1
check "stale: stats --json says so" test "$($J stats --tm "$T/m" --json 2>/dev/null | jq .index.stale)" = true
before_q=$(queries)
before_s=$(state)
check "stale: queries still answer" test "$(echo "$before_q" | head -1 | jq '.matches[0].score')" = 100

# ---- 2. killed reindexes leave the old index --------------------------------------------------
cp -r "$T/m" "$T/probe"
t0=$(ms)
$J reindex --tm "$T/probe" -q
dur=$(($(ms) - t0))
after_s=$(state "$T/probe")
rm -rf "$T/probe"
echo "     a full reindex: ${dur} ms"
RANDOM=$$
midway=0
round=0
# Eight rounds, more (up to 16) until three were killed midway: on a loaded machine a reindex may
# run faster than the probe did, and a kill meant for its middle comes after its commit. Such a
# round also shortens the estimate, so that the next kills come earlier.
while [ $round -lt 8 ] || { [ $midway -lt 3 ] && [ $round -lt 16 ]; }; do
    round=$((round + 1))
    delay=$((dur * (5 + RANDOM % 90) / 100))
    $J reindex --tm "$T/m" -q 2>/dev/null &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    now=$(state)
    if [ "$now" = "$after_s" ]; then
        # the kill came after the commit: a whole reindex, never half of one
        echo "     round $round (${delay} ms): the reindex had committed"
        check "round $round: the new index answers as the old one did" test "$(queries)" = "$before_q"
        mdb_load -s meta -f "$T/meta.dump" "$T/m" # stale again for the next round
        [ "$delay" -gt 0 ] && dur=$delay
        continue
    fi
    midway=$((midway + 1))
    check "round $round (${delay} ms): killed midway, the memory as it was" test "$now" = "$before_s"
    check "round $round: the old index answers as before" test "$(queries)" = "$before_q"
done
check "reindexes were killed midway ($midway of $round)" test "$midway" -ge 3

# ---- 3. a finished reindex ----------------------------------------------------------------------
$J reindex --tm "$T/m" 2>"$T/err"
check "reindex succeeds" test $? -eq 0
check "reindex reports the versions" grep -q "$N units reindexed with ICU .*tokenizer $V" "$T/err"
$J stats --tm "$T/m" --json >"$T/st.json" 2>"$T/err"
check "no warning any more" test ! -s "$T/err"
check "stats: not stale, tokenizer $V" test "$(jq -c '[.index.stale, .index.tokenizer]' "$T/st.json")" = "[false,$V]"
check "the same answers" test "$(queries)" = "$before_q"
check "the same units" test "$($J export --tm "$T/m" -o - 2>/dev/null | md5sum)" = "$(echo "$before_s" | tail -1)"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
