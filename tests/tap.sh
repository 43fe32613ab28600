# tap.sh — sourced by the shell tests that report in TAP: "ok N - …" and "not ok N - …" as they
# go, "1..N" at the end.
#   ok DESCRIPTION / bad DESCRIPTION   one passed / failed check
#   check DESCRIPTION 'CONDITION'      evaluates CONDITION (right after the command it judges, so
#                                      $? there is that command's status)
#   tap_end                            the plan line; last command of the script: its status is 0
#                                      only when no check failed
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
tap_end() {
    echo "1..$n"
    [ "$fails" -eq 0 ]
}
