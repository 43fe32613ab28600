#!/bin/bash
# serve_ready_file.sh — `jisr serve --ready-file F` as a script uses it: start the server on port
# 0, wait for F, and send requests to "$(cat F)/v1/…".
#   - F holds one line, the URL without a trailing '/', and "$(cat F)/v1/stats" and a query work
#     with curl (the URL ended in '/' until 2026-12-07: "//v1/stats" was a 404); a doubled
#     leading slash is taken as the path it doubles, for scripts written against that;
#   - F is written as every output of jisr (util/outfile.c): a temporary beside it renamed over
#     it, so an F left by an earlier run is replaced, never rewritten in place (a hard link to
#     it keeps the old content; fopen "w" wrote through it), and no temporary is left;
#   - F is removed when the server stops, unless it holds another address by then;
#   - a symbolic link at F is never followed: the server says so on stderr, names F and exits 1
#     (a script waiting for F would otherwise wait forever), the link's target untouched; a
#     dangling link creates nothing; an F that cannot be written (no such directory) is the
#     same exit 1; and none of them has said "listening" (it was logged before F was written,
#     so a log watcher took a server that then exited for one that was up);
#   - "listening" is logged once F is written: F a FIFO (written in place, as every output of
#     jisr), the line comes only after a reader took the URL; and the server stops at once with
#     it (the check of F at the stop opened the FIFO to read it and waited for a writer); a FIFO
#     no one reads: the server says it waits, and SIGTERM stops it, exit 1 (it waited in open(2)
#     with the signal blocked: only SIGKILL stopped it).
# Every server is stopped by the script (bounded waits; the trap kills what is left).
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-ready.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
command -v curl >/dev/null || { echo "skip: curl not installed"; exit 77; }
cd "$T" || exit 1

printf 'the house\tالبيت\nthe big house\tالبيت الكبير\n' >units.tsv
"$J" import --tm m -s en -t ar -q units.tsv || exit 1

# start LISTEN F [ARGS…]: a server in the background, its stderr in log
start() {
    local listen=$1 f=$2
    shift 2
    "$J" serve --tm m --listen "$listen" --ready-file "$f" "$@" >log 2>&1 &
    PID=$!
}
# wait_file F: until F holds a line (30 s at most, or the server gone)
wait_file() {
    for _ in $(seq 300); do
        [ -s "$1" ] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# wait_exit: the server's exit status, or 124 when it is still running after 20 s (killed)
wait_exit() {
    local rc
    for _ in $(seq 200); do
        if ! kill -0 "$PID" 2>/dev/null; then
            wait "$PID"
            rc=$?
            PID=
            return $rc
        fi
        sleep 0.1
    done
    kill -9 "$PID"
    wait "$PID" 2>/dev/null
    PID=
    return 124
}
stop() {
    kill -TERM "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    PID=
}
code() { curl -s -g -o /dev/null -w '%{http_code}' --max-time 20 "$1"; }

# --- 1. the URL, as a script uses it ------------------------------------------------------------
mkdir d1
start 127.0.0.1:0 d1/ready
wait_file d1/ready
check "F appears once the server listens" '[ $? -eq 0 ]'
check "F is one line: http://127.0.0.1:PORT, no trailing '/'" \
    '[ "$(wc -l <d1/ready)" -eq 1 ] && grep -Eqx "http://127\.0\.0\.1:[0-9]+" d1/ready'
check 'curl "$(cat F)/v1/stats": 200' '[ "$(code "$(cat d1/ready)/v1/stats")" = 200 ]'
got=$(curl -s --max-time 20 "$(cat d1/ready)/v1/query?q=the%20house&source=en&target=ar")
check 'curl "$(cat F)/v1/query?…": the match' 'printf %s "$got" | grep -q "البيت"'
check 'a doubled leading slash ("$(cat F)//v1/stats", an address ending in /): 200' \
    '[ "$(code "$(cat d1/ready)//v1/stats")" = 200 ]'
check 'the page at "$(cat F)": 200' '[ "$(code "$(cat d1/ready)")" = 200 ]'
check "no temporary file left beside F" '[ "$(ls -A d1)" = ready ]'
stop
check "F is gone once the server has stopped (no address of a server that is gone)" '[ ! -e d1/ready ]'
start 127.0.0.1:0 d1/ready
wait_file d1/ready
echo "http://127.0.0.1:2" >d1/other && mv d1/other d1/ready # another server took the name
stop
check "... but an F another server has written since stays" \
    '[ "$(cat d1/ready 2>/dev/null)" = "http://127.0.0.1:2" ]'
rm -f d1/ready

# --- 2. an F left by an earlier run is replaced, not rewritten in place ------------------------
mkdir d2
echo "http://127.0.0.1:1" >d2/ready
ln d2/ready earlier # a second name of the old file: an in-place write shows through it
start 127.0.0.1:0 d2/ready
for _ in $(seq 300); do ! grep -q ':1$' d2/ready && break; sleep 0.1; done
check "the old F is replaced by the new URL" 'grep -Eqx "http://127\.0\.0\.1:[0-9]+" d2/ready'
check "... by a new file: the old one (another name of it) is untouched" \
    '[ "$(cat earlier)" = "http://127.0.0.1:1" ] && [ ! d2/ready -ef earlier ]'
check "... which works" '[ "$(code "$(cat d2/ready)/v1/")" = 200 ]'
stop

# --- 3. never through a symbolic link; a file that cannot be written stops the server ----------
echo PRECIOUS >victim
ln -s victim link.ready
start 127.0.0.1:0 link.ready
wait_exit
check "F a symbolic link: the server exits 1" '[ $? -eq 1 ]'
check "... saying so on stderr, naming F" \
    'grep -q "ready file" log && grep -q "link.ready: is a symbolic link" log'
check "... the link's target untouched, the link still a link" \
    '[ "$(cat victim)" = PRECIOUS ] && [ -L link.ready ]'
check "... and never said it was listening" '! grep -q "listening" log'
ln -s not-there dangling.ready
start 127.0.0.1:0 dangling.ready
wait_exit
check "F a dangling link: exit 1, nothing created where it points, no 'listening'" \
    '[ $? -eq 1 ] && [ ! -e not-there ] && [ -L dangling.ready ] && ! grep -q "listening" log'
start 127.0.0.1:0 no/such/dir/ready
wait_exit
check "F in a directory that does not exist: exit 1, naming F, no 'listening'" \
    '[ $? -eq 1 ] && grep -q "no/such/dir/ready" log && ! grep -q "listening" log'
check "no temporary file left by the refusals" '! ls -A | grep -q "\.tmp\."'
"$J" serve --tm m --listen 127.0.0.1:0 --ready-file '' >log 2>&1
check "--ready-file '': a usage error (exit 2), before listening" \
    '[ $? -eq 2 ] && grep -q "ready-file needs a file name" log && ! grep -q "listening" log'

# --- 4. "listening" once F is written: F a FIFO, read by a script ------------------------------
mkfifo fifo.ready
start 127.0.0.1:0 fifo.ready
# the server is up to F's write well within 3 s (it waits there for a reader)
for _ in $(seq 30); do grep -q "listening" log && break; sleep 0.1; done
check "F a FIFO: no 'listening' line while no one has read F" '! grep -q "listening" log'
url=$(timeout 20 cat fifo.ready)
check "... the URL read from it" '[[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+$ ]]'
for _ in $(seq 100); do grep -q "listening" log && break; sleep 0.1; done
check "... then 'listening on' that URL, and it answers" \
    'grep -q "listening on $url " log && [ "$(code "$url/v1/stats")" = 200 ]'
kill -TERM "$PID" 2>/dev/null
wait_exit
check "... and SIGTERM stops it at once, the FIFO left as it is" '[ $? -eq 0 ] && [ -p fifo.ready ]'
# a FIFO no one ever reads: SIGTERM stops the server (until session 36 it sat in open(2) for a
# reader with SIGTERM blocked for its sigtimedwait, and only SIGKILL ended it), exit 1, saying
# it was never ready. The server says it waits (10 s at most for that line; the old one never
# said it, and got its SIGTERM once that time was up, well past its open)
mkfifo unread.ready
start 127.0.0.1:0 unread.ready
for _ in $(seq 100); do grep -q "waiting for a reader" log && break; sleep 0.1; done
check "F a FIFO no one reads: the server says it waits for a reader of F" \
    'grep -q "waiting for a reader of the ready file unread.ready (a FIFO)" log'
kill -TERM "$PID" 2>/dev/null
wait_exit
check "... SIGTERM stops it (within 20 s), exit 1" '[ $? -eq 1 ]'
check "... saying it was never ready, naming F; no 'listening'; the FIFO left as it is" \
    'grep -q "SIGTERM before anyone read the ready file unread.ready (a FIFO): the server was never ready" log &&
     ! grep -q "listening" log && [ -p unread.ready ]'

# --- 5. IPv6: http://[::1]:PORT, as curl takes it ------------------------------------------------
if /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' \
    2>/dev/null; then
    mkdir d4
    start '[::1]:0' d4/ready
    wait_file d4/ready
    check "IPv6: F is http://[::1]:PORT, no trailing '/'" \
        'grep -Eqx "http://\[::1\]:[0-9]+" d4/ready'
    check 'IPv6: curl "$(cat F)/v1/stats": 200' '[ "$(code "$(cat d4/ready)/v1/stats")" = 200 ]'
    stop
fi
tap_end
