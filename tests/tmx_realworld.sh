#!/bin/bash
# tmx_realworld.sh — real-world TMX files in a memory's life: (1) a reference the XML parser
# refuses in a real file (the compliance kit's ExportTest1A.tmx with 'a & b' or '&#1;' put in a
# segment): FILE:LINE:COL at its '&' and jisr's own words, whichever of libxml2's two paths
# reports it (they gave "xmlParseEntityRef: no name" three columns on, and "xmlParseCharRef:
# invalid xmlChar value 1" after the ';'), the memory left as it was; (2) every TMX file of
# ../shared/data/tmx (Okapi, the compliance kit, OmegaT, MateCat; skipped when absent):
# imported, exported (valid against tmx14.dtd), the export imported into the same memory (no
# unit added: identity is byte-exact variants) and into a fresh one (the same export), and the
# --omegat-shortcuts export likewise (the old code read its shortcuts back as text: OmegaT's
# project_save.tmx, whose shortcuts jisr reads as tags, got a second copy of every unit with
# one; a file whose shortcut tags carry attributes of their own, x="1", loses them as text and
# is only counted: an OmegaT shortcut, "<a1>", has no room for them, see --omegat-shortcuts in
# jisr.1).
set -u
J=${JISR_BINARY:?}
D=${JISR_TEST_DATA:?}/formats
T=$(mktemp -d /tmp/jisr-tmx-realworld.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
. "$(dirname "${BASH_SOURCE[0]}")/scale.sh"
cd "$T" || exit 1
export JISR_TM_NOSYNC=1
DTD=$D/tmx14.dtd
valid() { # a written TMX must validate with no message at all
    local out
    out=$(xmllint --noout --nonet --dtdvalid "$DTD" "$1" 2>&1) && [ -z "$out" ]
}
nohdr() { grep -v '<header ' "$1"; } # the header's creation date is the export's

# --- 1. a refused reference in a real file ---------------------------------------------------
printf 'Seed sentence\tجملة\n' >seed.tsv
$J import -q --tm m -s en -t ar seed.tsv && $J export --tm m -o before.tmx 2>/dev/null
sed '16s|<seg>|<seg>a \& b|' "$D/compliance-kit/ExportTest1A.tmx" >amp.tmx
sed '16s|<seg>|<seg>\&#1;|' "$D/compliance-kit/ExportTest1A.tmx" >cref.tmx
$J import --tm m amp.tmx 2>err
check "'a & b' in ExportTest1A.tmx: exit 1 at the '&' (16:33), in jisr's words" \
    '[ $? -eq 1 ] && grep -qx "jisr: amp.tmx:16:33: .&. starts no entity or character reference (a .&. in text is written &amp;)" err'
$J import --tm m cref.tmx 2>err
check "'&#1;': exit 1 at its '&' (16:31), naming the character" \
    '[ $? -eq 1 ] && grep -qx "jisr: cref.tmx:16:31: a character reference to U+0001, a character XML 1.0 does not allow (nor TMX)" err'
$J export --tm m -o after.tmx 2>/dev/null
check "... the memory is as before" 'diff <(nohdr before.tmx) <(nohdr after.tmx)'
$J convert --skip-bad cref.tmx x.tmx 2>err
check "--skip-bad: the unit named at the same place and skipped" \
    'grep -q "cref.tmx:16:31: a character reference to U+0001" err && grep -q "1 bad unit skipped, 3 written" err'

# --- 2. the shared real-world files ---------------------------------------------------------
S=${JISR_SHARED_DATA:-}/tmx
if [ ! -d "$S" ] || ! command -v xmllint >/dev/null; then
    ok "# SKIP ../shared/data/tmx or xmllint absent"
    tap_end
    exit
fi
# every file in the release run; an even JISR_TEST_SCALE share of them under ASan (CI's ASan
# stage: at 25, 16 of 61 files, ~37 s instead of ~147 s), the same files each time
mapfile -t files < <(find "$S" -name '*.tmx' | sort)
want=$(scaled ${#files[@]})
nf=0 nlossy=0 idx=0
for f in "${files[@]}"; do
    idx=$((idx + 1))
    [ $(((idx - 1) * want / ${#files[@]})) -ne $((idx * want / ${#files[@]})) ] || continue
    b=$(basename "$f" .tmx)
    nf=$((nf + 1))
    rm -rf a f1 f2
    if ! $J import -q --tm a "$f" 2>err; then
        bad "$b: import failed: $(head -c 200 err)"
        continue
    fi
    $J export --tm a -o e.tmx 2>/dev/null && valid e.tmx || bad "$b: export not valid"
    # no unit added: the import's own summary says so (an import only adds or merges units; two
    # "jisr stats" before and after it said the same, at two more processes per file)
    $J import --tm a e.tmx 2>err && $J export --tm a -o e2.tmx 2>/dev/null
    grep -Eq '^e\.tmx: [0-9]+ units? read, 0 added, ' err && diff -q <(nohdr e.tmx) <(nohdr e2.tmx) >/dev/null ||
        bad "$b: its export imported into the same memory changed it"
    $J import -q --tm f1 e.tmx && $J export --tm f1 -o e3.tmx 2>/dev/null
    diff -q <(nohdr e.tmx) <(nohdr e3.tmx) >/dev/null || bad "$b: its export in a fresh memory differs"
    $J export --tm a --omegat-shortcuts -o sc.tmx 2>/dev/null && valid sc.tmx || bad "$b: --omegat-shortcuts export not valid"
    # a tag holding a shortcut and more attributes than the reader gives one (x="1", type) loses
    # them as text, as in OmegaT's own memories: such a unit comes back as another
    if grep -Eq '<(bpt|ept|it|ph|ut) [^>]*(x|type|assoc)="[^"]*"[^>]*>&lt;/?[A-Za-z]+[0-9]+/?&gt;<' e.tmx; then
        echo "# $b: a shortcut tag with attributes of its own: --omegat-shortcuts round trip not exact (known)"
        nlossy=$((nlossy + 1))
        continue
    fi
    $J import -q --tm a sc.tmx && $J export --tm a -o e4.tmx 2>/dev/null
    diff -q <(nohdr e.tmx) <(nohdr e4.tmx) >/dev/null || bad "$b: its --omegat-shortcuts export imported into the same memory changed it"
    $J import -q --tm f2 sc.tmx && $J export --tm f2 -o e5.tmx 2>/dev/null
    diff -q <(nohdr e.tmx) <(nohdr e5.tmx) >/dev/null || bad "$b: its --omegat-shortcuts export in a fresh memory differs"
done
check "$nf of ${#files[@]} real-world TMX files: exports valid, imported again (same memory, fresh memory, also with --omegat-shortcuts) unchanged" \
    '[ "$fails" -eq 0 ] && [ "${#files[@]}" -ge 50 ] && [ "$nf" -eq "$want" ] && [ "$nlossy" -le 3 ]'
tap_end
