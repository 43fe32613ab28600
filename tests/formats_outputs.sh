#!/bin/bash
# formats_outputs.sh — issue 11 A (items 1-4, 6): every file a command writes goes through one
# safe writer. Symbolic links are refused (their target untouched), FIFOs and /dev/stdout are
# written in place, an existing file keeps its permissions, no output replaces an input (by any
# name) or another output, and SIGTERM/SIGINT leave no temporary file behind. The root-only
# cases (device nodes, another user's link and file) are in formats_outputs_root.sh.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-outputs.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1
no_temps() { ! ls -a | grep -q '\.tmp\.'; }

printf 'نص\tText\n' >r.tsv
printf 'Hello there. How are you?\n' >s.txt

# --- 1. symbolic links are never followed -----------------------------------------------------
echo PRECIOUS >victim
ln -s victim out.tsv
$J convert -s ar -t en r.tsv out.tsv 2>err
check "convert to a symlink: exit 1, says so" '[ $? -eq 1 ] && grep -q "out.tsv: is a symbolic link" err'
check "... the link's target is untouched" '[ "$(cat victim)" = PRECIOUS ] && [ -L out.tsv ]'
ln -s victim out.tmx
$J convert -s ar -t en r.tsv out.tmx 2>err
check "convert to a symlink (TMX): refused, target untouched" \
    '[ $? -eq 1 ] && [ "$(cat victim)" = PRECIOUS ] && [ -L out.tmx ]'
ln -s victim seg.txt
$J segment -o seg.txt s.txt 2>err
check "segment -o a symlink: refused, target untouched" \
    '[ $? -eq 1 ] && [ "$(cat victim)" = PRECIOUS ] && [ -L seg.txt ]'
ln -s does-not-exist-yet dangling.tsv
$J convert -s ar -t en r.tsv dangling.tsv 2>err
check "a dangling link: refused, nothing created at its target" \
    '[ $? -eq 1 ] && [ ! -e does-not-exist-yet ]'
check "no temporary left by the refusals" 'no_temps'

# --- 2. special files are written in place -----------------------------------------------------
mkfifo pipe.tmx
timeout 20 cat pipe.tmx >got.tmx &
reader=$!
$J convert -s ar -t en r.tsv pipe.tmx -T tmx 2>err
rc=$?
wait $reader
check "convert into a FIFO: exit 0, the reader gets the TMX" \
    '[ $rc -eq 0 ] && grep -q "<seg>Text</seg>" got.tmx'
check "... and the FIFO is still a FIFO" '[ -p pipe.tmx ]'
# (never a system path such as /dev/stdout or /dev/null here: a jisr that replaced special files
# would break the machine running the test; /dev/fd/N lives in /proc, where nothing can be
# created, and a private device node is in formats_outputs_root.sh)
$J convert -s ar -t en r.tsv /dev/fd/1 -T tsv >stdout.tsv 2>err
check "/dev/fd/1 redirected to a file: written in place" \
    '[ $? -eq 0 ] && [ "$(cat stdout.tsv)" = "$(cat r.tsv)" ]'

# --- 3. an existing file keeps its permissions -------------------------------------------------
echo s >priv.tmx
chmod 600 priv.tmx
$J convert -s ar -t en r.tsv priv.tmx
check "overwritten 0600 file stays 0600" '[ $? -eq 0 ] && [ "$(stat -c %a priv.tmx)" = 600 ]'
echo s >seg-priv.txt
chmod 640 seg-priv.txt
$J segment -o seg-priv.txt s.txt
check "segment -o keeps 0640" '[ $? -eq 0 ] && [ "$(stat -c %a seg-priv.txt)" = 640 ] && [ "$(wc -l <seg-priv.txt)" = 2 ]'
(umask 027 && $J convert -s ar -t en r.tsv fresh.tmx)
check "a new file gets 0666 minus the umask" '[ "$(stat -c %a fresh.tmx)" = 640 ]'

# --- 4. no output over an input, or over another output ----------------------------------------
cp r.tsv keep.tsv
$J convert -s ar -t en keep.tsv o2.ar --out2 keep.tsv 2>err
check "--out2 naming the input: exit 1, input intact" \
    '[ $? -eq 1 ] && cmp -s keep.tsv r.tsv && grep -q "keep.tsv: is one of this command.s inputs" err'
check "... and nothing written" '[ ! -e o2.ar ]'
$J convert -s ar -t en keep.tsv o3.ar --out2 o3.ar 2>err
check "--out2 equal to OUT: exit 1" '[ $? -eq 1 ] && grep -q "already one of this command.s outputs" err && [ ! -e o3.ar ]'
ln keep.tsv alias.tsv
$J convert -s ar -t en -T tsv keep.tsv alias.tsv 2>err
check "a hard link of the input as OUT: refused" '[ $? -eq 1 ] && cmp -s keep.tsv r.tsv'
cp r.tsv same.tsv
$J convert -s ar -t en -f tsv -T tmx - same.tsv <same.tsv 2>err
check "OUT = the file standard input is redirected from: refused" '[ $? -eq 1 ] && cmp -s same.tsv r.tsv'
printf 'Line one.\n' >en.en
printf 'سطر.\n' >en.ar
cp en.ar en-copy.ar
$J convert -s en -t ar -T tsv en.en en.ar 2>err
check "Moses input's derived target file as OUT: refused" '[ $? -eq 1 ] && cmp -s en.ar en-copy.ar'
$J segment -o s.txt s.txt 2>err
check "segment -o its own input: refused" '[ $? -eq 1 ] && [ "$(cat s.txt)" = "Hello there. How are you?" ]'
$J import --tm tm -q -s ar -t en r.tsv
cp tm/data.mdb data.copy
$J export --tm tm -f tmx -o tm/data.mdb 2>err
check "export over the memory's own data.mdb: refused, memory intact" \
    '[ $? -eq 1 ] && cmp -s tm/data.mdb data.copy && $J stats --tm tm >/dev/null'
check "no temporary left" 'no_temps'

# --- 6. a signal leaves no temporary file ------------------------------------------------------
# job control on: a non-interactive shell would otherwise start background jobs with SIGINT
# ignored (and jisr rightly leaves an ignored signal ignored)
set -m
for sig in TERM INT; do
    rm -f in.fifo
    mkfifo in.fifo
    # the input stays open: convert has opened its output and waits for more units
    (printf 'a\tb\n'; exec sleep 30) >in.fifo &
    feeder=$!
    $J convert -s en -t ar -f tsv in.fifo big.tmx 2>/dev/null &
    pid=$!
    for _ in $(seq 100); do ls big.tmx.tmp.* >/dev/null 2>&1 && break; sleep 0.05; done
    had=$(ls big.tmx.tmp.* 2>/dev/null | wc -l)
    kill -$sig $pid
    wait $pid
    rc=$?
    kill $feeder 2>/dev/null
    wait $feeder 2>/dev/null
    check "SIG$sig during convert: the temporary existed, is gone, no output, died of the signal" \
        '[ "$had" = 1 ] && no_temps && [ ! -e big.tmx ] && [ $rc -gt 128 ]'
done
rm -f in.fifo
mkfifo in.fifo
(printf 'Sentence one. Sentence two.\n'; exec sleep 30) >in.fifo &
feeder=$!
$J segment -o seg-out.txt in.fifo 2>/dev/null &
pid=$!
for _ in $(seq 100); do ls seg-out.txt.tmp.* >/dev/null 2>&1 && break; sleep 0.05; done
had=$(ls seg-out.txt.tmp.* 2>/dev/null | wc -l)
kill -TERM $pid
wait $pid
kill $feeder 2>/dev/null
wait $feeder 2>/dev/null
check "SIGTERM during segment -o: no temporary left" '[ "$had" = 1 ] && no_temps && [ ! -e seg-out.txt ]'

tap_end
