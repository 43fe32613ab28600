#!/bin/bash
# formats_omegat.sh — a TMX written by `jisr convert` is loaded by OmegaT (headless console
# mode) from the project's tm/auto/ folder. OmegaT exits 0 even when it rejects a memory, so the
# verdict comes from its log (no TMX load error or reader warning) and from target/, which must
# hold every target of the memory (taken from jisr's own TSV export of the same units) while
# the sentence that is not in the memory stays untranslated.
set -u
J=${JISR_BINARY:?}
D=${JISR_TEST_DATA:?}/formats
JAR=/usr/share/omegat/OmegaT.jar
command -v java >/dev/null && [ -f "$JAR" ] || {
    echo "skip: java or OmegaT not installed"
    exit 77
}
T=$(mktemp -d /tmp/jisr-omegat.XXXXXX)
trap 'rm -rf "$T"' EXIT
P=$T/project
mkdir -p "$P/source" "$P/target" "$P/tm/auto" "$P/glossary" "$P/omegat" "$P/dictionary"
cp "$D/omegat/omegat.project" "$P/"
cp "$D/omegat/source/doc.txt" "$P/source/"
fails=0

$J convert -s en -t ar "$D/omegat/memory.tmx" "$P/tm/auto/jisr.tmx" 2>"$T/err" ||
    { echo "not ok - jisr convert: $(cat "$T/err")"; exit 1; }
# units without both languages are left out (c5 is fr/ar only)
grep -q "1 unit without both en and ar left out" "$T/err" || { echo "not ok - filter message"; fails=1; }
$J convert -s en -t ar "$P/tm/auto/jisr.tmx" "$T/expected.tsv" || exit 1
[ "$(wc -l <"$T/expected.tsv")" -eq 4 ] || { echo "not ok - expected 4 pairs"; fails=1; }

HOME=$T java -Djava.awt.headless=true -Duser.home="$T" -jar "$JAR" "$P" --mode=console-translate \
    >"$T/omegat.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
    echo "not ok - OmegaT exit $rc"
    tail -20 "$T/omegat.log"
    exit 1
fi
if ! grep -q "Reading TMX file .*jisr.tmx" "$T/omegat.log" ||
    ! grep -q "TMXR_INFO_READING_COMPLETE" "$T/omegat.log"; then
    echo "not ok - OmegaT did not read the memory"
    fails=1
fi
if grep -E "TF_TM_LOAD_ERROR|TMXR_WARNING|TMXR_ERROR|SEVERE|Exception" "$T/omegat.log"; then
    echo "not ok - OmegaT reported a problem with the memory"
    fails=1
else
    echo "ok - OmegaT loaded the jisr TMX without warnings"
fi
out=$P/target/doc.txt
[ -f "$out" ] || { echo "not ok - no target/doc.txt"; exit 1; }
while IFS=$'\t' read -r src tgt; do
    if grep -qxF -- "$tgt" "$out"; then
        echo "ok - translated: $src -> $tgt"
    else
        echo "not ok - target lacks '$tgt' (for '$src')"
        fails=1
    fi
done <"$T/expected.tsv"
if grep -qxF "This line is not in the memory" "$out"; then
    echo "ok - the sentence absent from the memory stays in English"
else
    echo "not ok - untranslated sentence missing"
    fails=1
fi
[ $fails -eq 0 ] || { cat "$out"; tail -30 "$T/omegat.log"; }
exit $fails
