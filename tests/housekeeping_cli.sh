#!/bin/bash
# housekeeping_cli.sh — bulk housekeeping: `jisr export` and `jisr delete` by filter (--prop,
# --changed-since, --changed-before, as query's; delete's -s/-t as export's), the units each
# selects by tuid (boundaries: a unit exactly at a date; prop values of one type alternatives,
# types ANDed), delete's dry run, its --all guard, ids and filters refused together, bad dates
# naming the option, and the memory unchanged (byte-identical export) after a refused delete
# and consistent after a done one (query, concord, stats).
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-housekeeping-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cd "$T" || exit 1
export JISR_NO_PROGRESS=1

# u1 exactly at 2024-03-01 (changed), u2 a second before it, u3 created only (never changed:
# its creation date is its date), u4 long before, u5 without props, u6 en/fr only
cat >hk.tmx <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu tuid="u1" changedate="20240301T000000Z"><prop type="client">acme</prop><prop type="domain">legal</prop><tuv xml:lang="en"><seg>Open the file</seg></tuv><tuv xml:lang="ar"><seg>افتح الملف</seg></tuv></tu>
<tu tuid="u2" changedate="20240229T235959Z"><prop type="client">acme</prop><prop type="domain">med</prop><tuv xml:lang="en"><seg>Save the report</seg></tuv><tuv xml:lang="ar"><seg>احفظ التقرير</seg></tuv></tu>
<tu tuid="u3" creationdate="20240315T120000Z"><prop type="client">beta</prop><prop type="domain">legal</prop><tuv xml:lang="en"><seg>Print the contract</seg></tuv><tuv xml:lang="ar"><seg>اطبع العقد</seg></tuv></tu>
<tu tuid="u4" changedate="20230101T000000Z"><prop type="client">gamma</prop><tuv xml:lang="en"><seg>Close the window</seg></tuv><tuv xml:lang="ar"><seg>أغلق النافذة</seg></tuv></tu>
<tu tuid="u5" changedate="20240601T000000Z"><tuv xml:lang="en"><seg>Delete the draft</seg></tuv><tuv xml:lang="ar"><seg>احذف المسودة</seg></tuv></tu>
<tu tuid="u6" changedate="20240310T000000Z"><prop type="client">acme</prop><tuv xml:lang="en"><seg>Export the table</seg></tuv><tuv xml:lang="fr"><seg>Exporter le tableau</seg></tuv></tu>
</body></tmx>
EOF
$J import -q --tm m hk.tmx || { echo "FAIL import of the fixture"; exit 1; }
tuids() { grep -o 'tuid="[^"]*"' "$1" | sed 's/tuid="\(.*\)"/\1/' | tr '\n' ' '; }
units() { $J stats --tm "$1" --json 2>/dev/null | sed -n 's/.*"units":\([0-9]*\).*/\1/p'; }
# export FILTERS... → the tuids written ("ERR<status>" when it fails)
sel() {
    $J export --tm m -o sel.tmx "$@" 2>sel.err || { echo "ERR$?"; return; }
    tuids sel.tmx
}
$J export --tm m -o all.tmx 2>/dev/null
test "$(tuids all.tmx)" = "u1 u2 u3 u4 u5 u6 " || { echo "FAIL the fixture's six units"; exit 1; }

# 1. export by filter
check "export --prop: the units with that prop" test "$(sel --prop client=acme)" = "u1 u2 u6 "
check "export --prop twice, one type: alternatives" \
    test "$(sel --prop client=acme --prop client=beta)" = "u1 u2 u3 u6 "
check "export --prop of two types: both must match" \
    test "$(sel --prop client=acme --prop domain=legal)" = "u1 "
check "export --prop: alternatives of one type ANDed with another type" \
    test "$(sel --prop client=beta --prop domain=legal --prop client=gamma)" = "u3 "
check "export --prop: a value no unit has selects none" test "$(sel --prop client=nobody)" = ""
check "export --changed-since: a unit exactly at DATE is in, a second before is out" \
    test "$(sel --changed-since 2024-03-01)" = "u1 u3 u5 u6 "
check "export --changed-since: a unit never changed counts from its creation" \
    test "$(sel --changed-since 20240315T120000Z)" = "u3 u5 "
check "export --changed-before: strictly before (a unit exactly at DATE is out)" \
    test "$(sel --changed-before 2024-03-01)" = "u2 u4 "
check "export --changed-before: a second later takes it" \
    test "$(sel --changed-before 20240301T000001Z)" = "u1 u2 u4 "
check "export --changed-since and --changed-before: the range [since, before)" \
    test "$(sel --changed-since 20240229T235959Z --changed-before 2024-03-15)" = "u1 u2 u6 "
check "export: dates and props together" \
    test "$(sel --changed-since 2024-01-01 --prop domain=legal)" = "u1 u3 "
check "export: filters with -s/-t (u6 has no ar)" \
    test "$(sel --prop client=acme -s en -t ar)" = "u1 u2 "
$J export --tm m -o sum.tmx --prop client=acme -s en -t ar 2>sum.err
check "export: the summary counts the units written and those the filters left out" \
    grep -q '^sum.tmx: 2 units exported, 3 left out by the filters, 1 without both en and ar left out$' sum.err
$J export --tm m -o - --changed-before 2024-01-01 -s en -t ar -f tsv >sel.tsv 2>sel.err
check "export: filters to TSV on standard output, the summary on stderr" \
    test "$(cut -f1 sel.tsv | tr '\n' '|')-$(head -1 sel.err)" = \
    "Close the window|--: 1 unit exported, 5 left out by the filters"
$J export --tm m -o bad.tmx --changed-before 2024-02-30 2>bad.err
check "export: a bad date is a usage error naming the option, nothing written" \
    test $?-"$(head -1 bad.err)"-"$(ls bad.tmx 2>/dev/null)" = "2-jisr export: --changed-before needs a date: YYYY-MM-DD or YYYYMMDDThhmmssZ, not '2024-02-30'-"
$J export --tm m -o bad.tmx --prop client 2>bad.err
check "export: --prop without '=' is a usage error" \
    test $?-"$(head -1 bad.err)" = "2-jisr export: --prop needs TYPE=VALUE"

# 2. delete by filter, refused and dry runs: the memory byte-identical after each
unchanged() { $J export --tm m -o now.tmx 2>/dev/null && cmp -s all.tmx now.tmx; }
$J delete --tm m -n -v --prop client=acme >dry.out 2>dry.err; st=$?
check "delete -n: exit 0, the ids on stdout, the count on stderr, nothing deleted" \
    eval 'test $st-"$(tr "\n" " " <dry.out)"-"$(cat dry.err)" = "0-1 2 6 -3 units would be deleted (dry run: none deleted)" && unchanged'
$J delete --tm m --dry-run --changed-since 2024-03-01 --changed-before 2024-03-15 >dry.out 2>dry.err
check "delete --dry-run: date range counted (u1 at the boundary, u6), no ids without -v" \
    eval 'test -z "$(cat dry.out)" && test "$(cat dry.err)" = "2 units would be deleted (dry run: none deleted)" && unchanged'
$J delete --tm m --prop client=acme 3 2>mix.err; st=$?
check "delete: ids with filters is a usage error, nothing deleted" \
    eval 'test $st-"$(head -1 mix.err)" = "2-jisr delete: ids and filters (--prop) do not mix: give ids, or filters without ids" && unchanged'
$J delete --tm m -s en 2>every.err; st=$?
check "delete: filters matching every unit need --all (exit 2, the count said, nothing deleted)" \
    eval 'test $st-"$(head -1 every.err)" = "2-jisr delete: the filters match every unit of the memory (6): nothing deleted; give --all to delete them all" && unchanged'
$J delete --tm m --changed-since 2000-01-01 -n 2>every.err; st=$?
check "delete -n: says that every unit would need --all" \
    eval 'test $st-"$(cat every.err)" = "0-6 units would be deleted (dry run: none deleted); every unit of the memory: the delete needs --all" && unchanged'
$J delete --tm m --changed-since 2024-02-31 2>bad.err; st=$?
check "delete: a bad date is a usage error naming the option, nothing deleted" \
    eval 'test $st-"$(head -1 bad.err)" = "2-jisr delete: --changed-since needs a date: YYYY-MM-DD or YYYYMMDDThhmmssZ, not '"'"'2024-02-31'"'"'" && unchanged'
$J delete --tm m --prop client=nobody 2>none.err; st=$?
check "delete: filters that match nothing: exit 0, '0 units deleted'" \
    eval 'test $st-"$(cat none.err)" = "0-0 units deleted" && unchanged'
$J delete --tm m -t ar 2>bad.err; st=$?
check "delete: -t needs -s (usage), nothing deleted" \
    eval 'test $st-"$(head -1 bad.err)" = "2-jisr delete: -t needs -s" && unchanged'

# 3. delete by filter: exactly those units, the others byte-identical; index consistent
cp -r m m2
$J delete --tm m --prop client=acme --prop domain=legal --prop domain=med -v >del.out 2>del.err
check "delete by filter: exit 0, the ids deleted listed, the summary" \
    test $?-"$(tr '\n' ' ' <del.out)"-"$(cat del.err)" = "0-1 2 -2 units deleted"
$J export --tm m -o after.tmx 2>/dev/null
check "delete by filter: exactly those units gone, the others as they were" \
    python3 -c 'import re,sys
def tus(p):
    return {re.search(r"tuid=\"(\w+)\"", b).group(1): b
            for b in re.findall(r"<tu .*?</tu>", open(p).read(), re.S)}
a, b = tus(sys.argv[1]), tus(sys.argv[2])
assert sorted(a) == ["u1", "u2", "u3", "u4", "u5", "u6"], sorted(a)
assert sorted(b) == ["u3", "u4", "u5", "u6"], sorted(b)
assert all(a[k] == b[k] for k in b)' all.tmx after.tmx
check "delete by filter: stats count the units left" test "$(units m)" = 4
$J query --tm m -s en -t ar --json 'Open the file' 'Print the contract' >q.json 2>/dev/null
check "delete by filter: query no longer finds a deleted unit, finds one left" \
    test "$(sed -n 's/.*"matches":\[\]}$/none/p; s/.*"matches":\[{"score":100,.*/100/p' q.json | tr '\n' ' ')" = "none 100 "
$J concord --tm m -l en --json 'the report' >c.json 2>/dev/null
check "delete by filter: concord no longer finds a deleted unit" grep -q '"hits":\[\]' c.json
$J delete --tm m --changed-before 2024-01-01 2>del.err; st=$?
check "delete --changed-before: the unit before the date (u4)" \
    eval 'test $st-"$(cat del.err)" = "0-1 unit deleted" && $J export --tm m -o now.tmx 2>/dev/null && test "$(tuids now.tmx)" = "u3 u5 u6 "'
$J delete --tm m -s en -t ar --changed-since 2024-03-01 -n -v >dry.out 2>/dev/null
check "delete -s/-t: units with both languages only (u6 has no ar)" \
    test "$(tr '\n' ' ' <dry.out)" = "3 5 "
# --all: every unit, the memory empty and consistent
$J delete --tm m2 --changed-since 2000-01-01 --all 2>all.err; st=$?
check "delete --all: the filters may match every unit" \
    eval 'test $st-"$(cat all.err)" = "0-6 units deleted" && test "$(units m2)" = 0'
$J export --tm m2 -o empty.tmx 2>/dev/null
check "delete --all: nothing left to export" test "$(tuids empty.tmx)" = ""
$J query --tm m2 -s en -t ar --json 'Close the window' >q.json 2>/dev/null
check "delete --all: query finds nothing" grep -q '"matches":\[\]' q.json

# a signal while the delete's transaction is being committed (tests/commit_signal.c: sent right
# after its meta page is written, the commit durable): the library ends the commit, and the
# message says it is committed (until session 36 it said "nothing deleted", the units gone).
# Deterministic: the signal comes from inside the commit. To the process and to the committing
# thread
if [ -n "${JISR_COMMIT_SIGNAL_SHIM:-}" ] && [ -f "$JISR_COMMIT_SIGNAL_SHIM" ]; then
    printf 'One\tواحد\nTwo\tاثنان\nThree\tثلاثة\nFour\tأربعة\n' >sig.tsv
    for self in 0 1; do
        rm -rf msig
        $J import -q --tm msig -s en -t ar sig.tsv
        env LD_PRELOAD="$JISR_COMMIT_SIGNAL_SHIM" JISR_COMMIT_SIGNAL_AT=1 JISR_COMMIT_SIGNAL_SELF=$self \
            ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
            $J delete --tm msig 1 2 3 2>sig.err
        rcs=$?
        check "SIGTERM ($([ $self = 1 ] && echo "to the committing thread" || echo "to the process")) during the delete's commit: exit 143, 'it is committed', 1 unit left" \
            sh -c "[ $rcs -eq 143 ] && grep -q 'interrupted while the delete was being committed: it is committed' sig.err &&
                   ! grep -q 'nothing deleted' sig.err && [ '$(units msig)' = 1 ]"
    done
else
    echo "ok - # SKIP no commit_signal shim (JISR_COMMIT_SIGNAL_SHIM)"
fi

echo "$fails failure(s)"
test "$fails" -eq 0
