#!/bin/bash
# lazy_libs.sh — libmicrohttpd and libzip are loaded when a command needs them, not by every
# jisr command (serve/mhd_load.c, doc/zip_load.c):
#   - neither jisr nor libjisr.so has them (or GnuTLS, libcrypto, which they pull in) among its
#     NEEDED libraries, nor among what the dynamic loader loads to start jisr (ldd);
#   - `jisr serve` loads libmicrohttpd and serves; a DOCX and an ODT are read (libzip);
#   - a library that cannot be loaded (a file that is not one, or a library with the SONAME that
#     lacks a function, first in LD_LIBRARY_PATH) is an error naming the library and its SONAME,
#     exit 1: `jisr serve` before it opens the memory, the DOCX read naming the file; and every
#     other command still works with it there (jisr would not start at all when it linked them).
# Environment: JISR_BINARY, JISR_LIBJISR (libjisr.so), JISR_MHD_SONAME, JISR_ZIP_SONAME, CC.
set -u
J=${JISR_BINARY:?}
L=${JISR_LIBJISR:?}
MHD=${JISR_MHD_SONAME:?}
ZIP=${JISR_ZIP_SONAME:?}
D=${JISR_TEST_DATA:?}/doc
CC=${CC:-cc}
T=$(mktemp -d /tmp/jisr-lazy.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1

lazy='libmicrohttpd|libgnutls|libzip|libcrypto'
for f in "$J" "$L"; do
    needed=$(readelf -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd' ')
    check "$(basename "$f") NEEDs none of $lazy (it NEEDs: $needed)" \
        '[ -n "$needed" ] && ! printf "%s\n" $needed | grep -qE "^($lazy)"'
done
loaded=$(ldd "$J" | awk '{print $1}' | paste -sd' ')
check "jisr starts without loading any of them (ldd: $(echo $loaded | wc -w) libraries)" \
    '[ -n "$loaded" ] && ! printf "%s\n" $loaded | grep -qE "^($lazy)"'

# what needs them works
"$J" segment "$D/report.en.docx" >docx.txt 2>docx.err
check "jisr segment report.en.docx (libzip loaded on the read)" \
    '[ $? -eq 0 ] && grep -qx "The library lent more than 9,400 books." docx.txt || { cat docx.err; false; }'
"$J" segment "$D/report.ar.odt" >odt.txt 2>odt.err
check "jisr segment report.ar.odt" '[ $? -eq 0 ] && [ -s odt.txt ] || { cat odt.err; false; }'
printf 'the house\tالبيت\nthe big house\tالبيت الكبير\n' >units.tsv
"$J" import --tm m -s en -t ar -q units.tsv
check "a memory to serve" '[ $? -eq 0 ]'

# serve_up [ENV…]: jisr serve on a free port in the background; 0 once its ready file is written
serve_up() {
    rm -f ready
    env "$@" "$J" serve --tm m --listen 127.0.0.1:0 --ready-file ready --quiet >serve.log 2>&1 &
    PID=$!
    for _ in $(seq 300); do
        [ -s ready ] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# serve_exit: the server's exit status (SIGTERM first if it still runs; 124 if it does not stop)
serve_exit() {
    kill -TERM "$PID" 2>/dev/null
    for _ in $(seq 300); do
        if ! kill -0 "$PID" 2>/dev/null; then
            wait "$PID"
            local rc=$?
            PID=
            return $rc
        fi
        sleep 0.1
    done
    kill -9 "$PID"
    PID=
    return 124
}
serve_up
check "jisr serve loads $MHD and listens" '[ $? -eq 0 ] || { cat serve.log; false; }'
if command -v curl >/dev/null; then
    body=$(curl -sS --max-time 20 "$(cat ready)/tmserver/en/ar/unit/the%20house")
    check "... and answers a tmserver lookup ($body)" 'printf "%s" "$body" | grep -q "البيت"'
fi
serve_exit
check "... and stops, exit 0" '[ $? -eq 0 ] || { cat serve.log; false; }'

# unloadable: a file that is not a library, then a library with the SONAME but none of the
# functions, first in LD_LIBRARY_PATH
mkdir -p notlib stub
echo 'not a library' >"notlib/$MHD"
echo 'not a library' >"notlib/$ZIP"
echo 'int jisr_stub;' >stub.c
$CC -shared -fPIC -Wl,-soname,"$MHD" stub.c -o "stub/$MHD" &&
    $CC -shared -fPIC -Wl,-soname,"$ZIP" stub.c -o "stub/$ZIP"
check "stub libraries $MHD and $ZIP built" '[ $? -eq 0 ]'
for dir in notlib stub; do
    if [ "$dir" = notlib ]; then
        why="cannot load libmicrohttpd ($MHD): "
        whyz="cannot load libzip ($ZIP): "
    else
        why="$MHD has no function MHD_"
        whyz="$ZIP has no function zip_"
    fi
    serve_up LD_LIBRARY_PATH="$T/$dir"
    check "$dir: jisr serve exits without listening" '[ $? -ne 0 ]'
    serve_exit
    rc=$?
    check "... exit 1, saying \"$(head -1 serve.log)\"" \
        '[ $rc -eq 1 ] && [ "$(wc -l <serve.log)" -eq 1 ] && grep -qF "jisr serve: $why" serve.log'
    check "... before opening the memory (no listening line, nothing about it)" \
        '! grep -qE "listening|memor" serve.log'
    LD_LIBRARY_PATH="$T/$dir" "$J" segment "$D/report.en.docx" >x.txt 2>x.err
    rc=$?
    check "$dir: reading a DOCX is exit 1 naming the file and the library: \"$(head -1 x.err)\"" \
        '[ $rc -eq 1 ] && [ ! -s x.txt ] && grep -qF "report.en.docx" x.err && grep -qF "$whyz" x.err && grep -q "DOCX and ODT" x.err'
    LD_LIBRARY_PATH="$T/$dir" "$J" segment "$D/report.ar.odt" >x.txt 2>x.err
    rc=$?
    check "$dir: ... and an ODT: \"$(head -1 x.err)\"" \
        '[ $rc -eq 1 ] && grep -qF "report.ar.odt" x.err && grep -qF "$whyz" x.err'
    # everything else works with the unloadable libraries there
    LD_LIBRARY_PATH="$T/$dir" "$J" --version >v.out 2>v.err
    check "$dir: jisr --version works ($(head -1 v.out))" '[ $? -eq 0 ] && grep -q "^jisr " v.out'
    LD_LIBRARY_PATH="$T/$dir" "$J" segment "$D/plain.en.txt" >p.txt 2>p.err
    check "$dir: jisr segment of a text file works" '[ $? -eq 0 ] && [ -s p.txt ] || { cat p.err; false; }'
    LD_LIBRARY_PATH="$T/$dir" "$J" query --tm m -s en -t ar 'the house' >q.txt 2>q.err
    check "$dir: jisr query works" '[ $? -eq 0 ] && grep -q "البيت" q.txt || { cat q.err; false; }'
done

tap_end
