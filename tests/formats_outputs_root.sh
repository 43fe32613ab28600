#!/bin/bash
# formats_outputs_root.sh — the root-only cases of issue 11 A: a device node at the output path
# is written in place (root replacing /dev/null with a regular file would break the system), a
# link planted by another user in a folder root writes into is not followed, and a file owned by
# another user keeps its owner, group and mode when root overwrites it. Skipped (77) unless root.
set -u
[ "$(id -u)" -eq 0 ] || exit 77
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-outputs-root.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1

printf 'نص\tText\n' >r.tsv
nobody=$(id -u nobody 2>/dev/null || echo 65534)
nogroup=$(getent group nogroup | cut -d: -f3)
nogroup=${nogroup:-65534}

mknod nulldev c 1 3
$J convert -s ar -t en r.tsv nulldev -T tmx 2>err
check "a device node at OUT is written in place, not replaced" '[ $? -eq 0 ] && [ -c nulldev ]'
$J segment -o nulldev <<<"One. Two." 2>err
check "segment -o a device node: still a device" '[ $? -eq 0 ] && [ -c nulldev ]'

# a folder root writes into, holding a link another user made
mkdir outdir
chmod 1777 outdir
echo 'root:secret' >precious
chmod 600 precious
ln -s "$T/precious" outdir/doc1.tsv
chown -h "$nobody" outdir/doc1.tsv
$J convert -s ar -t en r.tsv outdir/doc1.tsv 2>err
check "another user's link in an output folder: refused, its target untouched" \
    '[ $? -eq 1 ] && [ "$(cat precious)" = root:secret ] && [ -L outdir/doc1.tsv ]'

# another user's file keeps owner, group and mode when root overwrites it
echo old >owned.tmx
chown "$nobody:$nogroup" owned.tmx
chmod 640 owned.tmx
$J convert -s ar -t en r.tsv owned.tmx
check "overwriting another user's file keeps owner, group and mode" \
    '[ $? -eq 0 ] && [ "$(stat -c %u:%g:%a owned.tmx)" = "$nobody:$nogroup:640" ] && grep -q "<seg>Text</seg>" owned.tmx'

tap_end
