#!/bin/bash
# formats_ttk.sh — TMX written by jisr, read by translate-toolkit (Debian's 3.8 has no tmx2po):
# (1) pretranslate fills a PO template from the memory, (2) translate.storage.tmx parses every
# file jisr writes (compliance kit, own flavours, the client memory) with the unit count that
# libxml2's DOM gives for the input. translate-toolkit takes a unit's first <tuv> as source.
set -u
J=${JISR_BINARY:?}
D=${JISR_TEST_DATA:?}/formats
command -v pretranslate >/dev/null && command -v txt2po >/dev/null &&
    /usr/bin/python3 -c 'import translate.storage.tmx' 2>/dev/null || {
    echo "skip: translate-toolkit not installed"
    exit 77
}
T=$(mktemp -d /tmp/jisr-ttk.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0

$J convert -s en -t ar "$D/omegat/memory.tmx" "$T/mem.tmx" 2>/dev/null || exit 1
$J convert -s en -t ar "$T/mem.tmx" "$T/expected.tsv" || exit 1
cp "$D/omegat/source/doc.txt" "$T/src.txt"
(cd "$T" && txt2po -P src.txt src.pot >/dev/null 2>&1 &&
    pretranslate --tm=mem.tmx -s 70 -t src.pot src.pot out.po >/dev/null 2>&1) ||
    { echo "not ok - txt2po/pretranslate failed"; exit 1; }
# msgid/msgstr pairs of the PO, one "source<TAB>target" line each
/usr/bin/python3 - "$T/out.po" >"$T/got.tsv" <<'EOF'
import sys
from translate.storage import po
for u in po.pofile.parsefile(sys.argv[1]).units:
    if u.source and u.target:
        print(u.source + "\t" + u.target)
EOF
if sort "$T/expected.tsv" | cmp -s - <(sort "$T/got.tsv"); then
    echo "ok - pretranslate filled all $(wc -l <"$T/got.tsv") entries from the jisr memory"
else
    echo "not ok - pretranslate output differs"
    diff <(sort "$T/expected.tsv") <(sort "$T/got.tsv")
    fails=1
fi

# one Python process parses every file (its start-up dominates otherwise)
: >"$T/list"
for f in "$D"/*.tmx "$D"/compliance-kit/*.tmx "$D"/okapi/*.tmx; do
    b=$(basename "$f" .tmx)
    $J convert "$f" "$T/$b.tmx" 2>/dev/null || { echo "not ok - convert $b"; fails=1; continue; }
    printf '%s\t%s\n' "$T/$b.tmx" "$(xmllint --nonet --xpath 'count(//tu)' "$f" 2>/dev/null)" >>"$T/list"
done
/usr/bin/python3 - "$T/list" <<'EOF'
import sys
from translate.storage import tmx
bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    path, want = line.rstrip("\n").split("\t")
    try:
        got = len(tmx.tmxfile.parsefile(path).units)
    except Exception as e:  # a parse failure is a test failure, reported with its reason
        got = "error: %s" % e
    name = path.rsplit("/", 1)[-1]
    if str(got) == want:
        print("ok - translate-toolkit parses %s from jisr: %s units" % (name, got))
    else:
        print("not ok - %s: translate-toolkit %s, input has %s units" % (name, got, want))
        bad = 1
sys.exit(bad)
EOF
[ $? -eq 0 ] || fails=1
exit $fails
