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

# old_index SRC DST VERSION: a copy of memory SRC at DST whose index records tokenizer VERSION
# (as a jisr before a tokenizer change left it: stale until `jisr reindex`); 77 when lmdb-utils'
# mdb_load is missing. The meta key "tokenizer" holds a big-endian u64.
old_index() {
    command -v mdb_load >/dev/null || return 77
    cp -r "$1" "$2" || return 1
    printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 746f6b656e697a6572\n %016x\nDATA=END\n' \
        "$3" >"$2.meta.dump" || return 1
    mdb_load -s meta -f "$2.meta.dump" "$2"
}

# scaled N (tests/scale.sh): N scaled by JISR_TEST_SCALE
. "$(dirname "${BASH_SOURCE[0]}")/scale.sh"
