# checks.sh — sourced by the shell tests that judge commands directly:
#   check DESCRIPTION COMMAND…   runs COMMAND; prints "ok   DESCRIPTION" when it succeeds, else
#                                "FAIL DESCRIPTION" and counts the failure in $fails
# The script ends with its own summary and exits non-zero when $fails is not 0.
fails=0
check() {
    local d=$1
    shift
    if "$@"; then echo "ok   $d"; else echo "FAIL $d"; fails=$((fails + 1)); fi
}
