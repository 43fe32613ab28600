#!/bin/bash
# tm_reliability.sh — what a memory must survive:
#  1. an import killed with SIGKILL at a random moment: the memory opens and holds exactly the
#     units of the committed batches (the first K units of the file, K a multiple of the batch),
#     and importing the file again completes it;
#  2. queries while another process imports: every query answers correctly;
#  3. a read-only memory (a user without write permission; LMDB cannot write its lock file) can be
#     queried, and an import into it fails cleanly without changing it;
#  4. a truncated or corrupted TMX changes nothing;
#  5. several concurrent imports (with a tiny initial map, so they also race to grow it) never
#     corrupt the memory: every unit is there exactly once, duplicates merged.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-tm-rel-XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
units() { $J stats --tm "$1" --json | jq .units; }
# gen FIRST LAST: distinct units (every unit has its own words w<i>, ب<i>)
gen() {
    awk -v a="$1" -v b="$2" 'BEGIN{for(i=a;i<=b;i++) printf "الوحدة رقم %d عن البند ب%d والموضوع م%d.\tUnit number %d about item w%d and topic t%d.\n", i, i*7, i%97, i, i*7, i%97}'
}
ms() { echo $(($(date +%s%N) / 1000000)); }
# the volume: N units in the file killed (40,000, in 20 batches of B), Q in each concurrent
# import (12,000); fewer by JISR_TEST_SCALE (checks.sh): 10,000 (20 batches of 500) and 3,000 at
# 25, the map still grown many times (the import the queries overlap, §2, keeps its 40,000)
N=$(scaled 40000)
Q=$(scaled 12000)

# ---- 1. SIGKILL ------------------------------------------------------------------------------
B=$((N / 20))
gen 1 "$N" >"$T/big.tsv"
t0=$(ms)
$J import --tm "$T/full" -s ar -t en --batch $B -q "$T/big.tsv"
dur=$(($(ms) - t0))
echo "full import: ${dur} ms"
RANDOM=$$
for round in 1 2 3; do
    rm -rf "$T/k"
    delay=$((dur * (25 + RANDOM % 70) / 100))
    $J import --tm "$T/k" -s ar -t en --batch $B -v "$T/big.tsv" 2>"$T/klog" &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if [ ! -f "$T/k/data.mdb" ]; then
        echo "ok   round $round: killed before the memory existed"
        continue
    fi
    u=$(units "$T/k")
    check "round $round (${delay} ms): the killed memory opens" test -n "$u"
    logged=$(grep -o 'committed: [0-9]* added' "$T/klog" | tail -1 | awk '{print $2}')
    logged=${logged:-0}
    echo "     round $round: $u units stored, $logged logged as committed"
    check "round $round: whole batches only" test $((u % B)) -eq 0 -o "$u" -eq "$N"
    check "round $round: the committed batches (logged $logged)" test "$u" -eq "$logged" -o "$u" -eq $((logged + B))
    $J export --tm "$T/k" -s ar -t en -o "$T/k.tsv" 2>/dev/null
    head -n "$u" "$T/big.tsv" >"$T/expect.tsv"
    check "round $round: exactly the first $u units of the file" cmp -s "$T/k.tsv" "$T/expect.tsv"
    $J import --tm "$T/k" -s ar -t en -q "$T/big.tsv"
    check "round $round: a second import completes it" test "$(units "$T/k")" -eq "$N"
done

# ---- 2. queries while another process imports -----------------------------------------------
# (40,000 units whatever JISR_TEST_SCALE says: the queries must overlap the import, and 10,000
# imported under ASan in about 0.4 s, before the fifth query started)
N2=40000
gen 1 "$N2" >"$T/big2.tsv"
gen 100001 101000 >"$T/small.tsv"
$J import --tm "$T/c" -s ar -t en -q "$T/small.tsv"
$J import --tm "$T/c" -s ar -t en --batch 250 -q "$T/big2.tsv" &
pid=$!
ok=0
bad=0
during=0
while kill -0 $pid 2>/dev/null || [ $((ok + bad)) -lt 20 ]; do
    kill -0 $pid 2>/dev/null && during=$((during + 1))
    i=$((100001 + RANDOM % 1000))
    q="الوحدة رقم $i عن البند ب$((i * 7)) والموضوع م$((i % 97))."
    got=$($J query --tm "$T/c" -s ar -t en --json -n 1 "$q" | jq -r '.matches[0].target + " " + (.matches[0].score|tostring)')
    if [ "$got" = "Unit number $i about item w$((i * 7)) and topic t$((i % 97)). 100" ]; then
        ok=$((ok + 1))
    else
        bad=$((bad + 1))
        echo "     wrong answer during import: $got"
    fi
done
wait $pid
check "import beside the readers succeeds" test $? -eq 0
echo "     $ok queries answered, $during started while the import ran"
check "every query during the import was right" test "$bad" -eq 0 -a "$ok" -ge 20
check "queries overlapped the import" test "$during" -ge 5
check "all units after the import" test "$(units "$T/c")" -eq $((N2 + 1000))

# ---- 3. read-only memory -------------------------------------------------------------------
cp -r "$T/c" "$T/ro"
chmod 755 "$T/ro"
chmod 644 "$T/ro"/*
before=$(md5sum "$T/ro"/* | md5sum)
if [ "$(id -u)" = 0 ]; then
    RUN="setpriv --reuid=65534 --regid=65534 --clear-groups"
    $RUN true 2>/dev/null || RUN="runuser -u nobody --"
else
    chmod 555 "$T/ro"
    chmod 444 "$T/ro"/*
    RUN=""
fi
q="الوحدة رقم 100500 عن البند ب703500 والموضوع م$((100500 % 97))."
out=$($RUN $J query --tm "$T/ro" -s ar -t en --json "$q")
check "query of a read-only memory succeeds" test $? -eq 0
check "and answers" test "$(echo "$out" | jq -r '.matches[0].target')" = "Unit number 100500 about item w703500 and topic t$((100500 % 97))."
$RUN $J stats --tm "$T/ro" >/dev/null
check "stats of a read-only memory" test $? -eq 0
$RUN $J concord --tm "$T/ro" -l en "item w703500" | grep -q 100500
check "concord of a read-only memory" test $? -eq 0
$RUN $J import --tm "$T/ro" -s ar -t en "$T/small.tsv" 2>"$T/roerr"
check "import into a read-only memory fails" test $? -eq 1
check "with a clear message" grep -qi "read-only\|permission" "$T/roerr"
check "read-only memory unchanged" test "$(md5sum "$T/ro"/* | md5sum)" = "$before"

# ---- 4. truncated or corrupted TMX changes nothing -------------------------------------------
$J export --tm "$T/full" -o "$T/all.tmx" 2>/dev/null
gen 200001 201000 >"$T/other.tsv"
$J import --tm "$T/t" -s ar -t en -q "$T/other.tsv"
$J export --tm "$T/t" -o "$T/before.tmx" 2>/dev/null
size=$(stat -c %s "$T/all.tmx")
head -c $((size * 2 / 3)) "$T/all.tmx" >"$T/trunc.tmx"
lines=$(wc -l <"$T/all.tmx")
awk -v n=$((lines * 3 / 4)) 'NR==n && !done && /<\/seg>/ {sub(/<\/seg>/, "</sgx>"); done=1} NR>n && !done && /<\/seg>/ {sub(/<\/seg>/, "</sgx>"); done=1} {print}' "$T/all.tmx" >"$T/corrupt.tmx"
printf '\xff\xfe\x00garbage' | cat "$T/all.tmx" - >"$T/tail.tmx"
for f in trunc corrupt tail; do
    $J import --tm "$T/t" "$T/$f.tmx" 2>"$T/err"
    check "$f TMX: import fails" test $? -eq 1
    check "$f TMX: error names FILE:LINE" grep -q "^jisr: .*$f.tmx:[0-9]" "$T/err"
    $J export --tm "$T/t" -o "$T/after.tmx" 2>/dev/null
    check "$f TMX: memory unchanged" cmp -s "$T/before.tmx" "$T/after.tmx"
done
$J import --tm "$T/t2" "$T/trunc.tmx" 2>/dev/null
check "truncated TMX into a new memory: import fails" test $? -eq 1
check "truncated TMX: no memory left behind where there was none" test ! -e "$T/t2"

# ---- 5. concurrent imports ----------------------------------------------------------------
gen 1 "$Q" >"$T/a.tsv"
gen $((Q + 1)) $((2 * Q)) >"$T/b.tsv"
gen $((2 * Q + 1)) $((3 * Q)) >"$T/cc.tsv"
gen $((Q / 2 + 1)) $((Q / 2 + Q)) >"$T/d.tsv" # overlaps a and b
pids=""
for f in a b cc d; do
    JISR_TM_MAPSIZE=65536 $J import --tm "$T/p" -s ar -t en --batch 1000 -q "$T/$f.tsv" 2>"$T/p-$f.err" &
    pids="$pids $!"
done
st=0
for p in $pids; do wait "$p" || st=1; done
check "four concurrent imports succeed" test $st -eq 0
cat "$T"/p-*.err
check "every unit once" test "$(units "$T/p")" -eq $((3 * Q))
$J export --tm "$T/p" -s ar -t en -o "$T/p.tsv" 2>/dev/null
sort "$T/p.tsv" >"$T/p.sorted"
cat "$T/a.tsv" "$T/b.tsv" "$T/cc.tsv" | sort >"$T/abc.sorted"
check "exactly the union of the files" cmp -s "$T/p.sorted" "$T/abc.sorted"
$J export --tm "$T/p" -o "$T/p.tmx" 2>/dev/null
check "overlapping units merged (usage stays 1)" test "$(grep -c 'usagecount="1"' "$T/p.tmx")" -eq $((3 * Q))
check "exported TMX well-formed" xmllint --noout --nonet "$T/p.tmx"
x=$((5 * Q / 2)) # (30,000)
q="الوحدة رقم $x عن البند ب$((x * 7)) والموضوع م$((x % 97))."
check "query after concurrent imports" test "$($J query --tm "$T/p" -s ar -t en --json "$q" | jq '.matches[0].score')" = 100

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
