#!/bin/bash
# tmxfix_defects.sh — convert, export and the TMX/JSONL readers end to end: language pairs whose
# tags are prefixes of one another (en, en-GB), the header's srclang as the units' default,
# JSONL keys the reader does not know, inline markup checked against TMX 1.4's DTD (and every TMX
# written valid against it, checked with xmllint when present), one report per bad unit, Moses
# output without -s/-t, a prop's o-encoding, and language options.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-tmxfix.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1
export JISR_TM_NOSYNC=1
SHARED=${JISR_SHARED_DATA:-}
DTD=
for d in "$SHARED/tmx/schemas/tmx14.dtd" "${JISR_SOURCE_DIR:-}/tests/data/formats/tmx14.dtd"; do
    [ -f "$d" ] && DTD=$d && break
done
have_xmllint=0
command -v xmllint >/dev/null 2>&1 && [ -n "$DTD" ] && have_xmllint=1
valid() { xmllint --noout --nonet --dtdvalid "$DTD" "$1" 2>/dev/null; }
HDR='<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>
<body>'

# --- 1. a pair of tags that are prefixes of one another -------------------------------------
cat >gb.tmx <<EOF
$HDR
<tu><tuv xml:lang="en-GB"><seg>colour</seg></tuv><tuv xml:lang="en"><seg>color generic</seg></tuv><tuv xml:lang="en-US"><seg>color</seg></tuv></tu>
<tu><tuv xml:lang="en-GB"><seg>only GB</seg></tuv><tuv xml:lang="ar"><seg>عربي</seg></tuv></tu>
</body></tmx>
EOF
$J import -q --tm m1 gb.tmx 2>/dev/null
$J export --tm m1 -s en -t en-GB -f tsv -o - >o1 2>e1
check "export -s en -t en-GB: the exact en is the source, en-GB the target" \
    '[ $? -eq 0 ] && [ "$(cat o1)" = "$(printf "color generic\tcolour")" ]'
check "... the unit with en-GB only is left out and counted" \
    'grep -q "1 without both en and en-GB left out" e1'
$J export --tm m1 -s en -t en-US -f tsv -o - >o2 2>/dev/null
check "export -s en -t en-US: the source is the exact en, not en-GB" \
    '[ "$(cat o2)" = "$(printf "color generic\tcolor")" ]'
$J export --tm m1 -s en -t en-GB -o o3.tmx 2>/dev/null
check "export -s en -t en-GB as TMX: no unit of one <tuv>, the en-GB-only unit left out" \
    '[ "$(grep -c "<tu " o3.tmx)" = 1 ] && ! grep -q "only GB" o3.tmx &&
     [ "$(grep -c "<tuv" o3.tmx)" = 3 ]'
check "... its first <tuv> is the exact en" \
    '[ "$(grep -o "xml:lang=\"[^\"]*\"" o3.tmx | head -1)" = "xml:lang=\"en\"" ]'
$J convert -s en -t en-GB gb.tmx -T tsv - >o4 2>e4
check "convert -s en -t en-GB: the same pair, the other unit counted" \
    '[ "$(cat o4)" = "$(printf "color generic\tcolour")" ] && grep -q "1 unit without both en and en-GB left out" e4'
$J convert -s en -t en gb.tmx -T tsv - >/dev/null 2>e5
check "convert -s en -t en: a usage error (exit 2)" '[ $? -eq 2 ] && grep -q "same language" e5'
$J export --tm m1 -s en -t EN -o o6.tsv 2>e6
check "export -s en -t EN: a usage error (exit 2), nothing written" \
    '[ $? -eq 2 ] && grep -q "same language" e6 && [ ! -e o6.tsv ]'

# --- 2. the header's srclang is the units' default ---------------------------------------------
cat >h.tmx <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext">
<note>header note</note><prop type="x-domain">legal</prop></header>
<body>
<tu><tuv xml:lang="en"><seg>Hello</seg></tuv><tuv xml:lang="ar"><seg>مرحبا</seg></tuv></tu>
<tu srclang="ar"><tuv xml:lang="en"><seg>Bye</seg></tuv><tuv xml:lang="ar"><seg>وداعا</seg></tuv></tu>
<tu><tuv xml:lang="fr"><seg>Salut</seg></tuv><tuv xml:lang="ar"><seg>سلام</seg></tuv></tu>
</body></tmx>
EOF
$J import -q --tm m2 h.tmx 2>/dev/null && $J export --tm m2 -o h-out.tmx 2>/dev/null
check "import: a <tu> without srclang takes the header's; its own srclang stays" \
    '[ "$(grep -o "<tu [^>]*>" h-out.tmx | grep -o "srclang=\"[a-z]*\"" | tr "\n" ,)" = "srclang=\"en\",srclang=\"ar\"," ]'
check "... a unit without a variant of that language gets none" \
    '[ "$(grep -c "<tu " h-out.tmx)" = 3 ] && ! grep -o "<tu [^>]*>" h-out.tmx | sed -n 3p | grep -q srclang'
$J convert h.tmx h.jsonl 2>e7
check "convert TMX -> JSONL: each unit keeps its direction" \
    '[ "$(grep -c "\"srclang\":\"en\"" h.jsonl)-$(grep -c "\"srclang\":\"ar\"" h.jsonl)" = 1-1 ]'
check "... a warning says the header's props and notes are not carried" \
    'grep -q "h.tmx: the header.s 1 prop and 1 note are not carried into the JSONL output" e7'
$J convert h.jsonl back.tmx 2>/dev/null
check "JSONL -> TMX: the header says srclang=\"*all*\" (not und), the units their own" \
    'grep -q "<header [^>]*srclang=\"\*all\*\"" back.tmx && ! grep -q "\"und\"" back.tmx &&
     grep -q "<tu srclang=\"en\">" back.tmx'
$J convert h.tmx h2.tmx 2>e8
check "TMX -> TMX: the header's props and notes carried, no warning" \
    'grep -q "<prop type=\"x-domain\">legal</prop>" h2.tmx && [ ! -s e8 ]'

# --- 3. JSONL keys the reader does not know --------------------------------------------------
cat >k.jsonl <<'EOF'
{"variants":[{"lang":"en","text":"Hi","txt":"x","meta":{"note":"n","changedat":"2020"}},{"lang":"ar","text":"أهلا"}],"prop":1}
{"variants":[{"lang":"en","text":"Ho","txt":"y"},{"lang":"ar","text":"هو"}]}
EOF
$J convert k.jsonl k.tmx 2>e9
check "JSONL: unknown keys are warnings, the file converts (exit 0)" '[ $? -eq 0 ] && [ -s k.tmx ]'
check "... each named with FILE:LINE:COL" \
    'grep -q "^jisr: warning: k.jsonl:1:39: unknown key \"txt\" in a variant" e9 &&
     grep -q "k.jsonl:1:57: unknown key \"note\" in a variant.s \"meta\"" e9 &&
     grep -q "k.jsonl:1:68: unknown key \"changedat\"" e9 && grep -q "k.jsonl:1:[0-9]*: unknown key \"prop\" in a unit" e9'
check "... once per key per file" '[ "$(grep -c "\"txt\"" e9)" = 1 ]'
printf '{"id":"d1","srclang":"en","tgtlang":"ar","source":"a","target":"ب","score":0.9,"src_idx":[0],"tgt_idx":[0]}\n' >al.jsonl
$J convert al.jsonl al.tsv 2>e10
check "JSONL: the aligner's own keys are not reported" '[ $? -eq 0 ] && [ ! -s e10 ]'

# --- 4. inline markup against TMX 1.4's DTD ----------------------------------------------------
cat >inl.tmx <<EOF
$HDR
<tu><tuv xml:lang="en"><seg>A <ph>x<ph>y</ph></ph></seg></tuv><tuv xml:lang="ar"><seg>أ</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>B <ut>x<hi>y</hi></ut></seg></tuv><tuv xml:lang="ar"><seg>ب</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>C <bpt>x</bpt>y<ept i="1">z</ept></seg></tuv><tuv xml:lang="ar"><seg>ج</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>D <it>x</it></seg></tuv><tuv xml:lang="ar"><seg>د</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>E <ph foo="1">x</ph></seg></tuv><tuv xml:lang="ar"><seg>ه</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>F <it pos="middle">x</it></seg></tuv><tuv xml:lang="ar"><seg>و</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>G <ph xmlns:q="urn:x" x="1">x</ph></seg></tuv><tuv xml:lang="ar"><seg>ز</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>H <hi><sub>x</sub></hi></seg></tuv><tuv xml:lang="ar"><seg>ح</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>I <bpt i="1">[</bpt>ok<ept i="1">]</ept> <ph x="2" assoc="p" type="t">{0}</ph> <hi x="3" type="b">b <it pos="begin">&lt;</it></hi> <ut x="4">u<sub datatype="html" type="t">s <ph>p</ph></sub></ut></seg></tuv><tuv xml:lang="ar"><seg>ط</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>K <ph xml:lang="en">x</ph></seg></tuv><tuv xml:lang="ar"><seg>ك</seg></tuv></tu>
<tu><tuv xml:lang="en us!"><seg>L</seg></tuv><tuv xml:lang="ar"><seg>ل</seg></tuv></tu>
</body></tmx>
EOF
$J import --tm m3 inl.tmx 2>e11
check "import: <ph> inside <ph> fails the import (exit 1) at its '<'" \
    '[ $? -eq 1 ] && grep -q "^jisr: inl.tmx:4:36: unexpected element <ph> inside <ph>" e11'
$J import --skip-bad --tm m4 inl.tmx 2>e12
check "import --skip-bad: each DTD-invalid unit is skipped, named at its place" \
    'grep -q "inl.tmx:5:36: unexpected element <hi> inside <ut>" e12 &&
     grep -q "inl.tmx:6:31: <bpt> without its required attribute i" e12 &&
     grep -q "inl.tmx:7:31: <it> without its required attribute pos" e12 &&
     grep -q "inl.tmx:8:35: attribute foo is not allowed on <ph>" e12 &&
     grep -q "inl.tmx:9:35: <it pos=\"middle\">: pos must be begin or end" e12 &&
     grep -q "inl.tmx:10:31: a namespace declaration on <ph>" e12 &&
     grep -q "inl.tmx:11:35: unexpected element <sub> inside <hi>" e12 &&
     grep -q "inl.tmx:13:35: attribute xml:lang is not allowed on <ph>" e12'
check "... a <tuv> whose xml:lang is not a language tag: refused at the attribute" \
    'grep -q "inl.tmx:14:10: <tuv xml:lang=\"en us!\">: not a language tag" e12'
check "... the valid unit is imported (1 read, 10 skipped)" \
    'grep -q "inl.tmx: 1 unit read, 1 added, 0 merged, 10 skipped" e12'
$J export --tm m4 -o inl-out.tmx 2>/dev/null
check "... the rich valid unit comes back whole" \
    'grep -q "<ut x=\"4\">u<sub datatype=\"html\" type=\"t\">s <ph>p</ph></sub></ut>" inl-out.tmx'
$J convert --skip-bad inl.tmx inl-conv.tmx 2>e13
check "convert --skip-bad: the same 10 units skipped" 'grep -q "10 bad units skipped, 1 written" e13'
printf '{"variants":[{"lang":"en","text":"x \\ue000","tags":["<ph foo=\\"1\\"/>"]},{"lang":"ar","text":"س"}]}\n{"variants":[{"lang":"en","text":"y \\ue000","tags":["<ut><hi>b</hi></ut>"]},{"lang":"ar","text":"ص"}]}\n{"variants":[{"lang":"en","text":"z \\ue000","tags":["<it pos=\\"end\\">x</it>"]},{"lang":"ar","text":"ع"}]}\n' >t.jsonl
$J convert --skip-bad t.jsonl t.tmx 2>e14
check "JSONL tags: the same model (undeclared attribute, <hi> in <ut>: refused, the rest kept)" \
    'grep -q "t.jsonl:1:1: .*attribute foo\|t.jsonl:1:1: .*foo" e14 && grep -q "t.jsonl:2:1: .*<hi> inside <ut>" e14 &&
     grep -q "2 bad units skipped, 1 written" e14'
if [ "$have_xmllint" = 1 ]; then
    check "xmllint: the exports and conversions above are valid against tmx14.dtd" \
        'valid inl-out.tmx && valid inl-conv.tmx && valid t.tmx && valid o3.tmx && valid h-out.tmx && valid back.tmx && valid k.tmx'
else
    ok "# SKIP xmllint or tmx14.dtd absent"
fi
if [ -f "$SHARED/tmx/omegat-tests/invalid.tmx" ]; then
    $J convert "$SHARED/tmx/omegat-tests/invalid.tmx" inv.tmx 2>e15
    check "OmegaT's invalid.tmx: an <ept> before its <bpt> and a second <bpt i=1> are warned about" \
        'grep -q "invalid.tmx:12:11: <ept i=\"1\"> closes no open <bpt i=\"1\">" e15 &&
         grep -q "invalid.tmx:15:11: a second <bpt i=\"1\">" e15'
fi
# every TMX file of ../shared that imports imports still and exports valid
if [ "$have_xmllint" = 1 ] && [ -d "$SHARED/tmx" ]; then
    nf=0 nbad=0
    while IFS= read -r f; do
        nf=$((nf + 1))
        rm -rf ms
        if ! $J import -q --tm ms "$f" 2>/dev/null; then
            echo "# does not import: $f"
            nbad=$((nbad + 1))
            continue
        fi
        $J export --tm ms -o ms.tmx 2>/dev/null && valid ms.tmx || {
            echo "# export not valid: $f"
            nbad=$((nbad + 1))
        }
    done < <(find "$SHARED/tmx" -name '*.tmx' | sort)
    check "all $nf TMX files of ../shared import and export valid against tmx14.dtd" '[ "$nbad" = 0 ] && [ "$nf" -gt 0 ]'
else
    ok "# SKIP ../shared/data/tmx or xmllint absent"
fi

# --- 5. one bad unit is reported and counted once ---------------------------------------------
printf '%s\n<tu><tuv xml:lang="en"><seg>One</seg></tuv><tuv xml:lang="ar"><seg>واحد</seg></tuv></tu>\n<tu><tuv xml:lang="en"><seg>Two <b>x</seg></tuv><tuv xml:lang="ar"><seg>اثنان</seg></tuv></tu>\n<tu><tuv xml:lang="en"><seg>Three</seg></tuv><tuv xml:lang="ar"><seg>ثلاثة</seg></tuv></tu>\n</body></tmx>\n' "$HDR" >bad.tmx
$J import --skip-bad --tm m5 bad.tmx 2>e16
check "import --skip-bad: an unexpected element and the tag mismatch it causes: one unit skipped" \
    'grep -q "bad.tmx: 2 units read, 2 added, 0 merged, 1 skipped" e16 && [ "$(grep -c "(skipped)" e16)" = 1 ] &&
     grep -q "bad.tmx:5:33: unexpected element <b>" e16'
$J convert --skip-bad -s en -t ar bad.tmx bad.tsv 2>e17
check "convert --skip-bad: likewise (1 bad unit, 2 written)" \
    'grep -q "1 bad unit skipped, 2 written" e17 && [ "$(grep -c "(skipped)" e17)" = 1 ]'

# --- 6. Moses output without -s/-t -------------------------------------------------------------
printf '{"variants":[{"lang":"ar","text":"مرحبا"},{"lang":"en","text":"Hello"}]}\n{"variants":[{"lang":"en","text":"Bye"},{"lang":"ar","text":"وداعا"}]}\n' >rt.jsonl
$J convert rt.jsonl back.en 2>e18
check "convert rt.jsonl back.en: OUT's extension is the source, back.ar the target" \
    '[ $? -eq 0 ] && [ "$(cat back.en)" = "$(printf "Hello\nBye")" ] && [ "$(cat back.ar)" = "$(printf "مرحبا\nوداعا")" ]'
: >empty.jsonl
$J convert empty.jsonl e.en 2>e19
check "... no unit to take the target language from: a failure that says to give -t or --out2" \
    '[ $? -eq 1 ] && grep -q "give -t LANG .* or --out2 FILE" e19 && [ ! -e e.en ]'
$J convert --out2 e.other empty.jsonl e.en 2>/dev/null
check "... with --out2: two empty files" '[ $? -eq 0 ] && [ -e e.en ] && [ -e e.other ]'

# --- 7. the o-encoding of a prop or note ---------------------------------------------------------
printf '%s\n<tu><prop type="x" o-encoding="iso-8859-1">v</prop><note o-encoding="iso-8859-1">n</note><tuv xml:lang="en"><seg>P</seg></tuv><tuv xml:lang="ar"><seg>ب</seg></tuv></tu>\n</body></tmx>\n' "$HDR" >oe.tmx
$J convert oe.tmx oe.jsonl 2>e20
check "a prop's o-encoding, which the unit model does not keep: one warning at it" \
    '[ $? -eq 0 ] && [ "$(grep -c "o-encoding" e20)" = 1 ] && grep -q "oe.tmx:4:20: o-encoding of a <prop> is not kept" e20'
check "... the help says so" '$J convert --help | grep -q "o-encoding of a <prop> or <note> is not kept"'

# --- 8. language options ---------------------------------------------------------------------------
$J export --tm m1 -s 'e n' -o x.tmx 2>e21
check "export -s 'e n': a usage error naming -s" '[ $? -eq 2 ] && grep -q "^jisr export: -s .e n. is not a language tag" e21'
$J export --tm m1 -s en -t 'a"<&b' -o x.tmx 2>e22
check "export -t 'a\"<&b': a usage error naming -t" '[ $? -eq 2 ] && grep -q "^jisr export: -t .* is not a language tag" e22'
$J convert -s 'en_US' -t 'ar-' gb.tmx x.tsv 2>e23
check "convert -t 'ar-': a usage error naming -t (en_US is a tag)" '[ $? -eq 2 ] && grep -q -- "-t .ar-. is not a language tag" e23'

tap_end
