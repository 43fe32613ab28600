#!/bin/bash
# tm_corrupt.sh — a damaged data.mdb: every memory command (stats query concord export delete
# import reindex) must answer with a clear message naming the damage, exit 1 and never crash
# (no SIGBUS/SIGSEGV/SIGABRT), never say "unknown error", and a failed write must leave the file
# as it was. Damage: truncated to half, truncated inside the meta pages, emptied, pages zeroed,
# the magic overwritten, another application's LMDB environment, and random bytes written
# after the meta pages (many trials: there, a command may also succeed when it never reads the
# damaged page, but it must not crash).
set -u
J=${JISR_BINARY:?}
command -v mdb_load >/dev/null || { echo "mdb_load (lmdb-utils) missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-tm-corrupt-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
# a sanitizer build is ~10 times slower: fewer random trials there
TRIALS=40
ldd "$J" 2>/dev/null | grep -q 'libasan\|libtsan' && TRIALS=12
awk 'BEGIN{for(i=1;i<=3000;i++) printf "الوحدة رقم %d عن البند ب%d.\tUnit number %d about item w%d.\n", i, i*7, i, i*7}' >"$T/big.tsv"
head -n 3 "$T/big.tsv" >"$T/small.tsv"
$J import --tm "$T/m" -s ar -t en -q "$T/big.tsv" || exit 1
size=$(stat -c %s "$T/m/data.mdb")

# run COMMAND… on memory $T/d: sets rc and err
cmds=(stats query concord export delete import reindex)
run() {
    local c=$1 d=$T/d
    case $c in
    stats) args=(stats --tm "$d") ;;
    query) args=(query --tm "$d" -s en -t ar "Unit number 5 about item w35.") ;;
    concord) args=(concord --tm "$d" -l en "item") ;;
    export) args=(export --tm "$d" -o "$T/x.tmx") ;;
    delete) args=(delete --tm "$d" 5) ;;
    import) args=(import --tm "$d" -s ar -t en "$T/small.tsv") ;;
    reindex) args=(reindex --tm "$d") ;;
    esac
    timeout 60 "$J" "${args[@]}" >/dev/null 2>"$T/err"
    rc=$?
    err= # (read, not $(head …): no process for it; the random trials run 280 commands)
    read -r -d '' -n 600 err <"$T/err"
}
fresh() { rm -rf "$T/d" && cp -r "$T/m" "$T/d"; }

# damage KIND PATTERN: every command fails with a message matching PATTERN, the file unchanged
damage() {
    local kind=$1 pat=$2 c before
    for c in "${cmds[@]}"; do
        fresh
        "damage_$kind"
        before=$(md5sum <"$T/d/data.mdb")
        run "$c"
        check "$kind: $c exits 1 (got $rc)" test "$rc" -eq 1
        check "$kind: $c says '$pat'" grep -q -- "$pat" "$T/err"
        check "$kind: $c names data.mdb or the memory" grep -q "^jisr: $T/d" "$T/err"
        check "$kind: $c never 'unknown error'" test -z "$(grep -i 'unknown error' "$T/err")"
        check "$kind: $c leaves data.mdb as it was" test "$(md5sum <"$T/d/data.mdb")" = "$before"
        [ "$rc" -eq 1 ] || echo "     stderr: $err"
    done
}
damage_half() { truncate -s $((size / 2)) "$T/d/data.mdb"; }
damage_meta() { truncate -s 6000 "$T/d/data.mdb"; }
damage_magic() {
    printf '\xde\xad\xbe\xef' | dd of="$T/d/data.mdb" bs=1 seek=16 conv=notrunc 2>/dev/null
    printf '\xde\xad\xbe\xef' | dd of="$T/d/data.mdb" bs=1 seek=4112 conv=notrunc 2>/dev/null
}
damage_zero() { dd if=/dev/zero of="$T/d/data.mdb" bs=4096 seek=20 count=60 conv=notrunc 2>/dev/null; }
damage_foreign() {
    rm -rf "$T/d" && mkdir "$T/d"
    printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n key1\n value1\n key2\n value2\nDATA=END\n' |
        mdb_load -s other "$T/d"
}

damage half "truncated"
damage meta "not an LMDB file\|truncated"
damage magic "not an LMDB file"
damage foreign "not a jisr translation memory"
# zeroed pages: a command that never reads them may succeed; one that does reports the damage
for c in "${cmds[@]}"; do
    fresh
    damage_zero
    run "$c"
    check "zeroed pages: $c does not crash (exit $rc)" test "$rc" -le 1
    [ "$rc" -eq 1 ] && check "zeroed pages: $c says damaged" grep -q "damaged" "$T/err"
done
fresh
damage_zero
run export
check "zeroed pages: export reads them and reports the damage" grep -q "the memory is damaged" "$T/err"

# an empty data.mdb: a clear message (it used to say "Bad file descriptor"); import makes a new
# memory of it, which loses nothing
for c in stats query concord export delete reindex; do
    fresh
    : >"$T/d/data.mdb"
    run "$c"
    check "empty: $c exits 1" test "$rc" -eq 1
    check "empty: $c says empty" grep -q "empty (0 bytes)" "$T/err"
done
fresh
: >"$T/d/data.mdb"
run import
check "empty: import makes a new memory of it" test "$rc" -eq 0
check "empty: which then holds the new units" test "$($J stats --tm "$T/d" --json | jq .units)" -eq 3

# another application's environment is never written into (item 16)
fresh
damage_foreign
before=$(mdb_dump -a "$T/d" | md5sum)
run import
check "foreign: import refused" test "$rc" -eq 1
check "foreign: another application's" grep -q "another application" "$T/err"
check "foreign: the environment unchanged" test "$(mdb_dump -a "$T/d" | md5sum)" = "$before"

# A posting that names a unit far beyond the memory's last id (a well-formed chunk: count 2,
# delta 2^30), in every chunk of the index: the word walk (and, with --chars, the character
# search) must report the damage at once rather than zero a counter array of gigabytes for it;
# 'jisr reindex' rebuilds the index from the units and the memory answers again.
head -n 300 "$T/big.tsv" >"$T/300.tsv"
for chars in "" --chars; do
    rm -rf "$T/p"
    $J import --tm "$T/p" $chars -s ar -t en -q "$T/300.tsv" || exit 1
    mdb_dump -s post "$T/p" | awk '/^HEADER=END/ { print; body = 1; n = 0; next }
        !body || /^DATA=END/ { print; next }
        { n++; print (n % 2 == 0 ? " 028080808004" : $0) }' >"$T/post.dump"
    mdb_load -s post -f "$T/post.dump" "$T/p" 2>/dev/null
    check "id beyond the last ($chars): the index was rewritten" \
        test "$(mdb_dump -s post "$T/p" | grep -c '^ 028080808004$')" -gt 100
    for min in 75 30; do
        timeout 60 "$J" query --tm "$T/p" -s en -t ar --min $min "Unit number 5 about item w35." \
            >/dev/null 2>"$T/err"
        rc=$?
        check "id beyond the last ($chars, --min $min): query exits 1 (got $rc)" test "$rc" -eq 1
        check "id beyond the last ($chars, --min $min): says the memory is damaged" \
            grep -q "reading the index: the memory is damaged (a posting names unit" "$T/err"
        check "id beyond the last ($chars, --min $min): names the file and the fix" \
            grep -q "^jisr: $T/p/data.mdb: .*'jisr reindex' rebuilds" "$T/err"
    done
    "$J" reindex --tm "$T/p" -q 2>/dev/null
    check "id beyond the last ($chars): reindex repairs it" \
        test "$("$J" query --tm "$T/p" -s en -t ar --json "Unit number 5 about item w35." |
            jq '.matches[0].score')" = 100
done

# meta's next unit id damaged (zeroed, or beyond 32 bits) in a memory with the character search
# on: the per-id arrays are sized by it, so a query must report the damage, never write past
# them (the code of 8ff972f crashed: SIGSEGV, "corrupted size vs. prev_size")
printf 'Button number %d\tزر رقم %d\n' $(seq 1 6000 | awk '{print $1, $1}') >"$T/short.tsv"
for v in '\00\00\00\00\00\00\00\00' '\7f\ff\ff\ff\ff\ff\ff\f0'; do
    rm -rf "$T/p"
    $J import --tm "$T/p" --chars -s en -t ar -q "$T/short.tsv" || exit 1
    printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n next_id\n %s\nDATA=END\n' "$v" >"$T/meta.dump"
    mdb_load -s meta -f "$T/meta.dump" "$T/p" 2>/dev/null
    for q in "Button number 5999" "Buton nmber 599"; do
        timeout 60 "$J" query --tm "$T/p" -s en -t ar --min 30 "$q" >/dev/null 2>"$T/err"
        rc=$?
        check "next_id $v, '$q': query exits 1 (got $rc)" test "$rc" -eq 1
        check "next_id $v, '$q': says the memory is damaged" grep -q "the memory is damaged" "$T/err"
    done
done

# meta's next unit id below the last unit (zeroed, 5 of 6,000): an import must say so and
# change nothing (MDB_APPEND refused it with a bare "key exists"); reindex repairs the id
printf 'Save file\tاحفظ الملف\n' >"$T/one.tsv"
for v in '\00\00\00\00\00\00\00\00' '\00\00\00\00\00\00\00\05' '\7f\ff\ff\ff\ff\ff\ff\f0'; do
    rm -rf "$T/p"
    $J import --tm "$T/p" -s en -t ar -q "$T/short.tsv" || exit 1
    printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n next_id\n %s\nDATA=END\n' "$v" >"$T/meta.dump"
    mdb_load -s meta -f "$T/meta.dump" "$T/p" 2>/dev/null
    before=$(mdb_dump -s units "$T/p" | md5sum)
    "$J" import --tm "$T/p" -s en -t ar -q "$T/one.tsv" 2>"$T/err"
    rc=$?
    if [ "$v" = '\7f\ff\ff\ff\ff\ff\ff\f0' ]; then
        check "next_id $v: import exits 1 (got $rc)" test "$rc" -eq 1
        check "next_id $v: says the memory is full" grep -q "memory is full" "$T/err"
    else
        check "next_id $v: import exits 1 (got $rc)" test "$rc" -eq 1
        check "next_id $v: import says the id is damaged and how to repair it" \
            grep -q "the memory is damaged (its next unit id is [05], but unit 6000 is stored); 'jisr reindex' repairs it" "$T/err"
    fi
    check "next_id $v: the units are as before" test "$(mdb_dump -s units "$T/p" | md5sum)" = "$before"
    "$J" reindex --tm "$T/p" -q 2>/dev/null
    check "next_id $v: reindex sets it above the last unit" \
        test "$("$J" stats --tm "$T/p" --json | jq .next_id)" = 6001
    "$J" import --tm "$T/p" -s en -t ar -q "$T/one.tsv"
    check "next_id $v: then the import adds unit 6001" \
        test "$("$J" query --tm "$T/p" -s en -t ar --json "Save file" | jq '.matches[0].id')" = 6001
    check "next_id $v: and a query answers" \
        test "$("$J" query --tm "$T/p" -s en -t ar --json "Button number 5999" | jq '.matches[0].score')" = 100
done

# random bytes after the meta pages: never a crash, never "unknown error"
crashes=0
unknown=0
failed=0
runs=0
RANDOM=4242
mkdir -p "$T/d"
for trial in $(seq 1 "$TRIALS"); do
    for c in "${cmds[@]}"; do
        # eight (offset, byte) pairs
        pokes=()
        for k in 1 2 3 4 5 6 7 8; do
            off=$((8192 + (RANDOM * 32768 + RANDOM) % (size - 8192)))
            pokes+=("$off" $((RANDOM % 256)))
        done
        # a fresh copy of the memory (what fresh does) with the pokes in it, by one process: the
        # rm, cp and perl of each of the 280 trials cost about as much as the commands under test
        # (a dd per byte more still; perl starts in a fraction of python's time)
        perl -e 'my ($m, $d) = splice(@ARGV, 0, 2);
            opendir(my $h, $d) or die "$d: $!"; unlink map { "$d/$_" } grep { !/^\.\.?$/ } readdir $h;
            for my $n ("lock.mdb", "data.mdb") {
                open(my $i, "<:raw", "$m/$n") or die "$!"; local $/; my $b = <$i>; close $i;
                if ($n eq "data.mdb") {
                    while (my ($o, $v) = splice(@ARGV, 0, 2)) { substr($b, $o, 1) = chr($v) } }
                open(my $o, ">:raw", "$d/$n") or die "$!"; print $o $b; close($o) or die "$!" }' \
            "$T/m" "$T/d" "${pokes[@]}" || exit 1
        run "$c"
        runs=$((runs + 1))
        if [ "$rc" -gt 1 ]; then
            crashes=$((crashes + 1))
            echo "     trial $trial: $c exit $rc: $err"
        fi
        [ "$rc" -eq 1 ] && failed=$((failed + 1))
        all=
        read -r -d '' all <"$T/err"
        [[ ${all,,} == *"unknown error"* ]] && unknown=$((unknown + 1))
    done
done
echo "     random bytes: $runs runs, $failed reported the damage, $crashes crashed"
check "random bytes: no crash in $runs runs" test "$crashes" -eq 0
check "random bytes: never 'unknown error'" test "$unknown" -eq 0
check "random bytes: the damage is seen" test "$failed" -ge $((TRIALS / 2))

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
