#!/bin/bash
# tm_chars.sh — the character search of short texts is opt-in per memory (docs/matching.md §2.6):
#  1. a plain import leaves it off: stats says so, a character-only match (Transfer/Trnasfre,
#     0 by words) is not returned, indexed or --exhaustive;
#  2. import --chars on a new memory turns it on: stats says so, the match is returned;
#  3. import --chars on a memory with units where it is off: exit 1, a message naming
#     'jisr reindex --chars on', the memory unchanged;
#  4. reindex --chars on / off: the answers and the index of each state, round trip; a bad value
#     is a usage error;
#  5. reindex --chars on killed at random moments: the memory as it was (off, same index) or
#     the whole change, never half of one;
#  6. the limit (docs/matching.md §2.6): 128 by default, --chars=N on import, stats shows it; a
#     text of 65-128 characters matches by characters at 128 and not at 64; a memory written
#     before limits (meta chars = 1, made here with mdb_dump/mdb_load) keeps 64, answering as one
#     imported with --chars=64, until a reindex moves it to 128; reindex --chars N sets N, a
#     plain reindex or --chars on keeps it; bad limits are usage errors.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-tm-chars-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
ms() { echo $(($(date +%s%N) / 1000000)); }
N=20000
ldd "$J" 2>/dev/null | grep -q 'libasan\|libtsan' && N=5000
{
    printf 'Trnasfre\tنقل\nBookmarks\tالعلامات\nOpen a Copy\tافتح نسخة\nSave as...\tحفظ باسم...\n'
    awk -v n=$N 'BEGIN{for(i=1;i<=n;i++) printf "Item %d w%d\tالبند %d\n", i, i*7, i}'
} >"$T/ui.tsv"
chars() { $J stats --tm "$1" --json 2>/dev/null | jq -c '.index.chars'; }
keys() { $J stats --tm "$1" --json 2>/dev/null | jq -c '.index_keys'; }
has_trnasfre() { # $1 memory, $2 extra option: prints yes when Transfer finds Trnasfre at 30
    $J query --tm "$1" -s en -t ar --min 30 -n 50 --json $2 "Transfer" 2>/dev/null |
        jq -r '[.. | objects | select(.source? == "Trnasfre")] | if length > 0 then "yes" else "no" end'
}
# ask MEMORY MIN [--exhaustive] QUERY…: [id, score] of each query's matches, a line each; the
# queries from standard input, one process (--tables off: each read from LMDB, as a query given
# alone is; a process per query cost more than the queries, above all under ASan)
ask() {
    local m=$1 min=$2 ex=$3
    shift 3
    printf '%s\n' "$@" |
        $J query --tm "$m" -s en -t ar --min "$min" -n 5 --json --tables off $ex 2>/dev/null |
        jq -c '[.matches[]? | [.id, .score]]'
}
answers() {
    for m in 30 50 70; do
        ask "$1" $m "" "Transfer" "Bookmark" "Open Copy" "Save as" "Item 77 w539"
        ask "$1" $m --exhaustive "Transfer" "Bookmark" "Open Copy" "Save as" "Item 77 w539"
    done
}

# ---- 1. off by default ------------------------------------------------------------------------
$J import --tm "$T/off" -q "$T/ui.tsv" -s en -t ar || exit 1
check "a plain import: off" test "$(chars "$T/off")" = false
check "stats text says off" sh -c "$J stats --tm '$T/off' | grep -q '^characters: off'"
check "off: no character-only match (index)" test "$(has_trnasfre "$T/off" "")" = no
check "off: no character-only match (--exhaustive)" test "$(has_trnasfre "$T/off" --exhaustive)" = no
off_keys=$(keys "$T/off")
off_answers=$(answers "$T/off")

# ---- 2. import --chars on a new memory ----------------------------------------------------------
$J import --tm "$T/on" --chars -q "$T/ui.tsv" -s en -t ar
check "import --chars on a new memory succeeds" test $? -eq 0
check "import --chars: on" test "$(chars "$T/on")" = true
check "stats text says on" sh -c "$J stats --tm '$T/on' | grep -q '^characters: on'"
check "on: the character-only match (index)" test "$(has_trnasfre "$T/on" "")" = yes
check "on: the character-only match (--exhaustive)" test "$(has_trnasfre "$T/on" --exhaustive)" = yes
on_keys=$(keys "$T/on")
on_answers=$(answers "$T/on")
check "on: more index keys ($on_keys > $off_keys)" test "$on_keys" -gt "$off_keys"
check "on: other answers" test "$on_answers" != "$off_answers"
printf 'Trnasfre\tنقل\n' >"$T/one.tsv"
$J import --tm "$T/on" --chars -q "$T/one.tsv" -s en -t ar
check "import --chars into a memory where it is on: fine" test $? -eq 0

# ---- 3. import --chars where it is off --------------------------------------------------------
before=$($J export --tm "$T/off" -o - 2>/dev/null | md5sum)
$J import --tm "$T/off" --chars -q "$T/one.tsv" -s en -t ar 2>"$T/err"
check "import --chars into a memory where it is off: exit 1" test $? -eq 1
cat "$T/err"
check "the error names reindex --chars on" grep -q "jisr reindex --tm .* --chars on" "$T/err"
check "that memory unchanged" test "$($J export --tm "$T/off" -o - 2>/dev/null | md5sum)" = "$before"
check "still off" test "$(chars "$T/off")" = false

# ---- 4. reindex --chars on / off -----------------------------------------------------------------
cp -r "$T/off" "$T/rx"
$J reindex --tm "$T/rx" --chars on 2>"$T/err"
check "reindex --chars on" test $? -eq 0
check "it says so" grep -q "character search on" "$T/err"
check "now on, the index of an import with --chars" test "$(chars "$T/rx") $(keys "$T/rx")" = "true $on_keys"
check "the answers of the memory imported with --chars" test "$(answers "$T/rx")" = "$on_answers"
$J reindex --tm "$T/rx" -q
check "a plain reindex keeps it on" test "$(chars "$T/rx") $(keys "$T/rx")" = "true $on_keys"
$J reindex --tm "$T/rx" --chars off -q
check "reindex --chars off: off, the index of a plain import" test "$(chars "$T/rx") $(keys "$T/rx")" = "false $off_keys"
check "the answers of the plain import again" test "$(answers "$T/rx")" = "$off_answers"
$J reindex --tm "$T/rx" --chars maybe 2>/dev/null
check "--chars maybe: usage error" test $? -eq 2
check "--help mentions --chars (reindex)" sh -c "$J reindex --help | grep -q -- '--chars on|off'"
check "--help mentions --chars (import)" sh -c "$J import --help | grep -q -- '--chars'"

# ---- 5. a killed reindex --chars on leaves the old state -----------------------------------------
cp -r "$T/off" "$T/probe"
t0=$(ms)
$J reindex --tm "$T/probe" --chars on -q
dur=$(($(ms) - t0))
rm -rf "$T/probe"
echo "     a reindex --chars on: ${dur} ms"
RANDOM=$$
midway=0
for round in 1 2 3 4 5 6; do
    cp -r "$T/off" "$T/k"
    delay=$((dur * (5 + RANDOM % 65) / 100))
    $J reindex --tm "$T/k" --chars on -q 2>/dev/null &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    now="$(chars "$T/k") $(keys "$T/k")"
    if [ "$now" = "true $on_keys" ]; then
        echo "     round $round (${delay} ms): the reindex had committed"
        rm -rf "$T/k"
        continue
    fi
    midway=$((midway + 1))
    check "round $round (${delay} ms): killed midway, off and the old index" test "$now" = "false $off_keys"
    check "round $round: the old answers" test "$(answers "$T/k")" = "$off_answers"
    rm -rf "$T/k"
done
check "reindexes were killed midway ($midway of 6)" test "$midway" -ge 2

# ---- 6. the limit ---------------------------------------------------------------------------------
limit() { $J stats --tm "$1" --json 2>/dev/null | jq -c '.index.chars_max'; }
{
    printf 'Could not open the selected file: permission denied by the operating sistem\tتعذر فتح الملف\n'
    printf 'Trnasfre\tنقل\n'
    awk 'BEGIN{for(i=1;i<=300;i++) printf "Item %d w%d\tالبند %d\n", i, i*7, i}'
} >"$T/long.tsv"
LQ="Could not opne teh selected fiel: permision denied by the operatingsystem" # 88 by characters, 58 by words
has_long() { # $1 memory, $2 extra option: yes when the 75-character query finds its near twin
    $J query --tm "$1" -s en -t ar --min 80 -n 5 --json $2 "$LQ" 2>/dev/null |
        jq -r '[.matches[]? | select(.source | startswith("Could not open"))] | if length > 0 then "yes" else "no" end'
}
long_answers() { # by the index, then --exhaustive, at each --min
    for m in 30 60 90; do
        ask "$1" $m "" "$LQ" "Transfer" "Item 77 w539"
        ask "$1" $m --exhaustive "$LQ" "Transfer" "Item 77 w539"
    done
}
agree() { # the index's answers are --exhaustive's (three of each at each --min)
    local a
    a=$(long_answers "$1")
    [ "$(printf '%s\n' "$a" | wc -l)" -eq 18 ] &&
        printf '%s\n' "$a" | paste - - - - - - | awk -F'\t' '$1 $2 $3 != $4 $5 $6 { bad = 1 } END { exit bad }'
}
$J import --tm "$T/l128" --chars -q "$T/long.tsv" -s en -t ar
check "import --chars: limit 128" test "$(limit "$T/l128")" = 128
check "stats text shows the limit" sh -c "$J stats --tm '$T/l128' | grep -q '^characters: on, limit 128'"
check "128: a 75-character text matches by characters (index)" test "$(has_long "$T/l128" "")" = yes
check "128: ... and --exhaustive" test "$(has_long "$T/l128" --exhaustive)" = yes
$J import --tm "$T/l64" --chars=64 -q "$T/long.tsv" -s en -t ar
check "import --chars=64: limit 64" test "$(limit "$T/l64")" = 64
check "128: index = --exhaustive" agree "$T/l128"
check "64: index = --exhaustive" agree "$T/l64"
check "64: the 75-character text does not (index)" test "$(has_long "$T/l64" "")" = no
check "64: ... nor --exhaustive" test "$(has_long "$T/l64" --exhaustive)" = no
check "off: limit 0 in JSON" test "$(limit "$T/off")" = 0
$J import --tm "$T/l128" --chars=200 -q "$T/one.tsv" -s en -t ar 2>"$T/err"
check "import --chars=200 into a memory at 128: exit 1" test $? -eq 1
check "the error names reindex --chars 200" grep -q "jisr reindex --tm .* --chars 200" "$T/err"
$J import --tm "$T/l128" --chars -q "$T/one.tsv" -s en -t ar
check "plain --chars into a memory at 128: fine" test $? -eq 0
for bad in 0 1 256 x; do
    $J import --tm "$T/bad" --chars=$bad -q "$T/one.tsv" -s en -t ar 2>/dev/null
    check "import --chars=$bad: usage error" test $? -eq 2
    $J reindex --tm "$T/l64" --chars $bad 2>/dev/null
    check "reindex --chars $bad: usage error" test $? -eq 2
done
check "still 64 after the refused reindexes" test "$(limit "$T/l64")" = 64
# a memory written before limits: the same index as --chars=64, its meta value 1
cp -r "$T/l64" "$T/old"
mdb_dump -s meta "$T/old" >"$T/meta.dump" || exit 1
awk 'prev == " 6368617273" { print " 0000000000000001"; prev = ""; next } { print; prev = $0 }' "$T/meta.dump" >"$T/meta2.dump"
check "the dump had the setting 64" grep -qx " 0000000000000040" "$T/meta.dump"
mdb_load -s meta -f "$T/meta2.dump" "$T/old" || exit 1
check "an old memory (meta 1): limit 64" test "$(limit "$T/old")" = 64
check "an old memory answers as one at 64" test "$(long_answers "$T/old")" = "$(long_answers "$T/l64")"
$J import --tm "$T/old" --chars -q "$T/one.tsv" -s en -t ar
check "plain --chars into an old memory: fine, still 64" test "$? $(limit "$T/old")" = "0 64"
$J reindex --tm "$T/old" -q
check "a plain reindex moves an old memory to 128" test "$(limit "$T/old")" = 128
check "then the 75-character text matches" test "$(has_long "$T/old" "")" = yes
$J reindex --tm "$T/l64" -q
check "a plain reindex keeps a limit that was set (64)" test "$(limit "$T/l64")" = 64
$J reindex --tm "$T/l64" --chars 100 2>"$T/err"
check "reindex --chars 100: 100" test "$? $(limit "$T/l64")" = "0 100"
check "it says so" grep -q "character search on, limit 100" "$T/err"
check "100: the 75-character text matches (index)" test "$(has_long "$T/l64" "")" = yes
check "100: index = --exhaustive" agree "$T/l64"
$J reindex --tm "$T/l64" --chars on -q
check "reindex --chars on keeps 100" test "$(limit "$T/l64")" = 100
$J reindex --tm "$T/l64" --chars off -q
check "reindex --chars off: 0" test "$(limit "$T/l64")" = 0
$J reindex --tm "$T/l64" --chars on -q
check "then --chars on: 128" test "$(limit "$T/l64")" = 128
check "--help mentions --chars N (reindex)" sh -c "$J reindex --help | grep -q -- '--chars on|off|N'"
check "--help mentions --chars=N (import)" sh -c "$J import --help | grep -q -- '--chars\[=N\]'"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
