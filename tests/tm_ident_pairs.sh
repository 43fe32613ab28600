#!/bin/bash
# tm_ident_pairs.sh — a pair exported from a multilingual memory and imported back is the units
# it came from (docs/matching.md §2.5, session 37): `jisr export -s ar -t en` of a memory whose
# units also hold French writes the ar and en variants only; importing that file (or the JSONL,
# an XLIFF file of the pair, a convert round trip) must merge every unit into the one it came
# from, not store each again. A pair whose target was changed is a new unit; a pair that two units hold
# merges into the first; a unit with more variants than the stored one is a new unit (the
# stored one is not extended); a reindex keeps all of it.
set -u
J=${JISR_BINARY:?}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-ident-pairs-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
export JISR_NO_PROGRESS=1
cd "$T" || exit 1
tu() { # LANG TEXT ... : one <tu>
    local s="<tu>"
    while [ $# -gt 1 ]; do
        s+="<tuv xml:lang=\"$1\"><seg>$2</seg></tuv>"
        shift 2
    done
    printf '%s\n' "$s</tu>"
}
{
    printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
        '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>'
    tu ar 'احفظ الملف' en 'Save the file' fr 'Enregistrer le fichier'
    tu ar 'افتح <bpt i="1" x="1">&lt;b0&gt;</bpt>الملف<ept i="1">&lt;/b0&gt;</ept>' \
        en 'Open <bpt i="1" x="1">&lt;b0&gt;</bpt>the file<ept i="1">&lt;/b0&gt;</ept>' \
        fr 'Ouvrir <bpt i="1" x="1">&lt;b0&gt;</bpt>le fichier<ept i="1">&lt;/b0&gt;</ept>'
    tu en 'Close' ar 'أغلق' fr 'Fermer'
    tu ar 'احفظ الملف' en 'Save the file' de 'Datei speichern'
    tu ar 'خروج' en 'Exit'
    printf '%s\n' '</body></tmx>'
} >multi.tmx
$J import -q --tm m multi.tmx
$J export --tm m -o before.tmx 2>/dev/null
$J export --tm m -s ar -t en -o pair.tmx 2>/dev/null
$J import --tm m pair.tmx 2>err
check "the ar-en pair export imported back: every unit merged (5 read, 0 added, 5 merged)" \
    grep -q "pair.tmx: 5 units read, 0 added, 5 merged" err
check "... 5 units still" test "$($J stats --tm m --json | jq .units)" = 5
$J export --tm m -o after.tmx 2>/dev/null
check "... the export byte for byte as before" cmp -s before.tmx after.tmx
$J export --tm m -s en -t fr -o en-fr.jsonl 2>/dev/null
$J import --tm m en-fr.jsonl 2>err
check "the en-fr JSONL export imported back: merged (3 read, 0 added, 3 merged)" \
    grep -q "en-fr.jsonl: 3 units read, 0 added, 3 merged" err
$J export --tm m -o after.tmx 2>/dev/null
check "... the export byte for byte as before" cmp -s before.tmx after.tmx
$J export --tm m -s ar -t fr -o ar-fr.tmx 2>/dev/null
$J convert ar-fr.tmx ar-fr.jsonl 2>/dev/null && $J convert ar-fr.jsonl ar-fr-back.tmx
$J import --tm m ar-fr-back.tmx 2>err
check "ar-fr through convert (TMX, JSONL, TMX): merged (3 read, 0 added, 3 merged)" \
    grep -q "ar-fr-back.tmx: 3 units read, 0 added, 3 merged" err
cat >fr.xlf <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file source-language="en" target-language="fr" datatype="plaintext" original="ui.rc"><body>
<trans-unit id="1"><source>Close</source><target>Fermer</target></trans-unit>
<trans-unit id="2"><source>Save the file</source><target>Enregistrer le fichier</target></trans-unit>
</body></file></xliff>
X
$J import --tm m fr.xlf 2>err
check "an en-fr XLIFF of two of the units: merged (2 read, 0 added, 2 merged)" \
    grep -q "fr.xlf: 2 units read, 0 added, 2 merged" err
sed 's/Save the file/Save the file!/' pair.tmx >changed.tmx
$J import --tm m changed.tmx 2>err
check "a pair whose English changed: that unit new (5 read, 1 added, 4 merged)" \
    grep -q "changed.tmx: 5 units read, 1 added, 4 merged" err
check "... 6 units" test "$($J stats --tm m --json | jq .units)" = 6
# the pair 'احفظ الملف'/'Save the file' is in units 1 and 4: it merges into 1 (its usage count)
{
    printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
        '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>' \
        '<tu usagecount="9"><tuv xml:lang="en"><seg>Save the file</seg></tuv><tuv xml:lang="ar"><seg>احفظ الملف</seg></tuv></tu>' \
        '</body></tmx>'
} >used.tmx
$J import -q --tm m used.tmx
$J export --tm m -f jsonl -s en -t ar -o - 2>/dev/null |
    jq -c 'select(.variants[0].text == "Save the file") | .meta.usagecount' >uc
check "a pair two units hold merges into the first (in id order: used 9 times, then once)" \
    test "$(tr '\n' ' ' <uc)" = '9 1 '
# the other way round: ar-en stored, then ar-en-fr: a new unit, the stored one as it was
{
    printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
        '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>'
    tu ar 'خروج' en 'Exit' fr 'Quitter'
    printf '%s\n' '</body></tmx>'
} >more.tmx
$J import --tm m more.tmx 2>err
check "a unit with more variants than the stored one is a new unit (1 added)" \
    grep -q "more.tmx: 1 unit read, 1 added, 0 merged" err
$J export --tm m -o before.tmx 2>/dev/null
$J reindex -q --tm m
$J export --tm m -o after.tmx 2>/dev/null
check "reindexed: the export byte for byte as before" cmp -s before.tmx after.tmx
$J import --tm m pair.tmx 2>err
check "... and the pair export still merges (5 read, 0 added, 5 merged)" \
    grep -q "pair.tmx: 5 units read, 0 added, 5 merged" err
echo "$fails failed"
[ "$fails" -eq 0 ]
