#!/bin/bash
# formats_xliff_roundtrip.sh — one memory unit per segment whichever way it travels (session 36).
#
# 1. Native code is stored in one spelling whatever read it (fmt_tag_canon: the TMX reader's),
#    so XLIFF → memory → TMX → the same memory merges instead of adding a second unit, and so do
#    the converse paths (a TMX, the TMX `convert` writes, a JSONL, then the XLIFF). Until session
#    36 the XLIFF reader stored a '"' inside native code as &quot; (the TMX reader: '"') and a
#    carriage return (&#13;) as a bare CR (which the exported TMX gave back as a line feed), and
#    a JSONL's tags were stored as written: each round trip ended with two units.
# 2. XLIFF 2.0 <sc/>/<ec/> whose partner is not in the segment, or marked isolated="yes", are
#    <it pos="begin|end">, as TMX 1.4b wants (a <bpt> and its <ept> in one segment); they were
#    <bpt>/<ept> halves. The export and `convert` are valid against tmx14.dtd.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-xliff-roundtrip-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cd "$T" || exit 1
export JISR_NO_PROGRESS=1
# tmx14.dtd from ../shared (tmx/schemas), else the tests' copy of it (the same file)
DTD=${JISR_SHARED_DATA:-/nonexistent}/tmx/schemas/tmx14.dtd
[ -f "$DTD" ] || DTD=${JISR_TEST_DATA:-/nonexistent}/formats/tmx14.dtd
valid() { out=$(xmllint --noout --nonet --dtdvalid "$DTD" "$1" 2>&1) && [ -z "$out" ]; }
can_validate() { command -v xmllint >/dev/null && [ -f "$DTD" ]; }
units() { $J stats --tm "$1" | sed -n 's/^units: *//p'; }

# --- 1. native code in every spelling a reader meets --------------------------------------------
# XLIFF 1.2: a quote in an attribute of the native code (1), an apostrophe and a '>' written as
# &gt; and as '>' (2), character references and CDATA (3), a line break and a carriage return
# (&#13;) inside the code (4), <g>/<x/>/<bx/>/<ex/> whose own markup becomes the native code (5)
cat >a.xlf <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file source-language="en" target-language="ar" datatype="html" original="p.html"><body>
<trans-unit id="1"><source>See <bpt id="1">&lt;a href="x.html" title='say "hi"'&gt;</bpt>the page<ept id="1">&lt;/a&gt;</ept> now</source><target>انظر <bpt id="1">&lt;a href="x.html" title='say "hi"'&gt;</bpt>الصفحة<ept id="1">&lt;/a&gt;</ept> الآن</target></trans-unit>
<trans-unit id="2"><source>Tom<ph id="2">&lt;span class='it&apos;s'>&gt;</ph>s book</source><target>كتاب<ph id="2">&lt;span class='it&apos;s'>&gt;</ph> توم</target></trans-unit>
<trans-unit id="3"><source>Logo <ph id="3"><![CDATA[<img src="a.png" alt="&"/>]]></ph> and <ph id="4">&#60;br&#x20;/&#62;&#160;</ph> end</source><target>الشعار <ph id="3"><![CDATA[<img src="a.png" alt="&"/>]]></ph> و <ph id="4">&#60;br&#x20;/&#62;&#160;</ph> النهاية</target></trans-unit>
<trans-unit id="4"><source>Two <ph id="5">{\line
&#13;}</ph> lines</source><target>سطران <ph id="5">{\line
&#13;}</ph> هنا</target></trans-unit>
<trans-unit id="5"><source>Bold <g id="1" ctype="x-html-b" css-style="font: &quot;Arial&quot;">text</g><x id="2" ctype="image"/> and <bx id="3"/>Sa<ex id="4"/>ve</source><target>نص <g id="1" ctype="x-html-b" css-style="font: &quot;Arial&quot;">عريض</g><x id="2" ctype="image"/> و<bx id="3"/>حف<ex id="4"/>ظ</target></trans-unit>
</body></file></xliff>
X
# XLIFF 2.0: native code from <originalData> (a quote, an apostrophe), a <ph> equiv with a quote,
# <pc> whose own markup is the code
cat >b.xlf <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="ar">
<file id="f1">
<unit id="u1"><originalData><data id="d1">&lt;a href="y.html" title='x'&gt;</data><data id="d2">&lt;/a&gt;</data><data id="d3">&lt;img alt="a &amp; b"/&gt;</data></originalData>
<segment><source>Open <pc id="1" dataRefStart="d1" dataRefEnd="d2">the file</pc><ph id="2" dataRef="d3"/> now</source><target>افتح <pc id="1" dataRefStart="d1" dataRefEnd="d2">الملف</pc><ph id="2" dataRef="d3"/> الآن</target></segment></unit>
<unit id="u2"><segment><source>Hello <ph id="1" equiv="&quot;{0}&quot;"/> and <pc id="2" type="fmt" subType="xlf:b">bold</pc></source><target>مرحبا <ph id="1" equiv="&quot;{0}&quot;"/> و <pc id="2" type="fmt" subType="xlf:b">عريض</pc></target></segment></unit>
</file></xliff>
X
$J import -q --tm m a.xlf b.xlf 2>err
check "import of the two XLIFF files: 7 units" eval '[ $? -eq 0 ] && [ "$(units m)" = 7 ]'
$J export --tm m -o e.tmx 2>err
check "export: exit 0" test $? -eq 0
check "the export holds the native code as the TMX reader spells it: quotes as they are" \
    grep -qF "See <bpt i=\"50\">&lt;a href=\"x.html\" title='say \"hi\"'&gt;</bpt>" e.tmx
check "... no &quot; around native code (only the one <g>'s own attribute value holds, as &amp;quot;)" \
    eval '[ "$(grep -o "&quot;" e.tmx | wc -l)" = 0 ] && [ "$(grep -o "&amp;quot;" e.tmx | wc -l)" = 4 ]'
check "... an apostrophe and '>' as TMX writes them ('>' as &gt;)" \
    grep -qF "Tom<ph>&lt;span class='it's'&gt;&gt;</ph>s book" e.tmx
NBSP=$(printf '\302\240')
check "... CDATA and character references as the characters they are" \
    grep -qF "Logo <ph>&lt;img src=\"a.png\" alt=\"&amp;\"/&gt;</ph> and <ph>&lt;br /&gt;$NBSP</ph> end" e.tmx
check "... a carriage return inside native code as &#13; (a bare CR would come back a line feed)" \
    grep -qF '}</ph> lines' e.tmx
check "... ... and it is there" eval 'grep -A1 "Two <ph>" e.tmx | grep -qF "&#13;}</ph> lines"'
if can_validate; then
    check "the export is valid TMX 1.4b (tmx14.dtd)" valid e.tmx
else
    echo "xmllint or tmx14.dtd missing: the DTD checks skipped"
fi
$J import --tm m e.tmx 2>err
check "XLIFF → memory → TMX → the same memory: every unit merges (7 units, 0 added)" \
    eval '[ $? -eq 0 ] && [ "$(units m)" = 7 ] && grep -q "e.tmx: 7 units read, 0 added, 7 merged" err'
$J convert a.xlf a.tmx 2>err && $J convert b.xlf b.tmx 2>>err
check "convert XLIFF → TMX: exit 0" test $? -eq 0
if can_validate; then
    check "... both valid TMX 1.4b" eval 'valid a.tmx && valid b.tmx'
fi
$J import --tm m a.tmx b.tmx 2>err
check "... the converted TMX merges into the memory the XLIFF went into (7 units)" \
    eval '[ $? -eq 0 ] && [ "$(units m)" = 7 ]'
# the converse: the TMX first (as another tool spells the same codes: &quot;, single quotes,
# spaces in tags, CDATA), then the XLIFF
cat >other.tmx <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="other" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" datatype="html"/><body>
<tu><tuv xml:lang="en"><seg>See <bpt i='1' >&lt;a href=&quot;x.html&quot; title=&apos;say &quot;hi&quot;&apos;&gt;</bpt>the page<ept i="1">&lt;/a></ept> now</seg></tuv><tuv xml:lang="ar"><seg>انظر <bpt i="1">&lt;a href=&quot;x.html&quot; title=&apos;say &quot;hi&quot;&apos;&gt;</bpt>الصفحة<ept i="1">&lt;/a&gt;</ept> الآن</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Logo <ph><![CDATA[<img src="a.png" alt="&"/>]]></ph> and <ph>&lt;br /&gt;&#xA0;</ph> end</seg></tuv><tuv xml:lang="ar"><seg>الشعار <ph>&lt;img src=&quot;a.png&quot; alt=&quot;&amp;&quot;/&gt;</ph> و <ph>&lt;br /&gt;&#160;</ph> النهاية</seg></tuv></tu>
</body></tmx>
X
$J import -q --tm n other.tmx 2>err
check "the converse: another tool's TMX first (2 units)" eval '[ $? -eq 0 ] && [ "$(units n)" = 2 ]'
$J import --tm n a.xlf 2>err
check "... then the XLIFF: its two units merge (5 units: 3 added, 2 merged)" \
    eval '[ $? -eq 0 ] && [ "$(units n)" = 5 ] && grep -q "a.xlf: 5 units read, 3 added, 2 merged" err'
# a JSONL whose tags spell the codes otherwise (a script's own export), into the first memory
printf '%s\n' '{"tuid":"1","srclang":"en","variants":[{"lang":"en","text":"See \ue000the page\ue001 now","tags":["<bpt i='"'"'1'"'"'>&lt;a href=&quot;x.html&quot; title=&#39;say &#x22;hi&#x22;&#39;&gt;</bpt>","<ept i=\"1\">&lt;/a&gt;</ept >"]},{"lang":"ar","text":"انظر \ue000الصفحة\ue001 الآن","tags":["<bpt\ti=\"1\">&lt;a href=\"x.html\" title='"'"'say &quot;hi&quot;'"'"'&gt;</bpt>","<ept i=\"1\"><![CDATA[</a>]]></ept>"]}]}' >c.jsonl
$J import --tm m c.jsonl 2>err
check "a JSONL spelling the same codes otherwise merges too (7 units)" \
    eval '[ $? -eq 0 ] && [ "$(units m)" = 7 ] && grep -q "c.jsonl: 1 unit read, 0 added, 1 merged" err'
$J convert c.jsonl c.tmx 2>err
check "... and convert writes its tags in the one spelling" \
    grep -qF '<seg>See <bpt i="1">&lt;a href="x.html" title='"'"'say "hi"'"'"'&gt;</bpt>the page<ept i="1">&lt;/a&gt;</ept> now</seg>' c.tmx

# --- 2. XLIFF 2.0 codes whose partner is not in the segment -------------------------------------
cat >iso.xlf <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="ar">
<file id="f1">
<unit id="u1"><originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>
<segment><source>Bold <sc id="1" dataRef="d1"/>starts here.</source><target>يبدأ <sc id="1" dataRef="d1"/>العريض هنا.</target></segment>
<segment><source>It ends<ec startRef="1" dataRef="d2"/> here.</source><target>وينتهي<ec startRef="1" dataRef="d2"/> هنا.</target></segment>
</unit>
<unit id="u2"><segment><source>A <sc id="5" isolated="yes"/>lone<ec id="6" isolated="yes"/> code</source><target>رمز <sc id="5" isolated="yes"/>وحيد<ec id="6" isolated="yes"/> هنا</target></segment></unit>
<unit id="u3"><segment><source>Choose <sc id="7"/>S<ec startRef="7"/>ave</source><target>اختر <sc id="7"/>ح<ec startRef="7"/>فظ</target></segment></unit>
<unit id="u4"><segment><source>Say <pc id="1">hi</pc> <sm id="m1" type="comment" value="x"/>to<em startRef="m1"/> all</source><target>قل <pc id="1">مرحبا</pc> <mrk id="m2" type="term">للجميع</mrk></target></segment></unit>
</file></xliff>
X
$J convert iso.xlf iso.tmx 2>err
check "convert XLIFF 2.0 → TMX: exit 0" test $? -eq 0
check "an <sc/> whose <ec/> is in the next segment: <it pos=\"begin\"> holding its data" \
    grep -qF '<seg>Bold <it pos="begin">&lt;b&gt;</it>starts here.</seg>' iso.tmx
check "... its <ec/>: <it pos=\"end\">" grep -qF '<seg>It ends<it pos="end">&lt;/b&gt;</it> here.</seg>' iso.tmx
check "isolated=\"yes\" <sc/> and <ec/>: <it pos=\"begin\"> and <it pos=\"end\">" \
    grep -qF '<seg>A <it pos="begin">&lt;sc id="5" isolated="yes"/&gt;</it>lone<it pos="end">&lt;ec id="6" isolated="yes"/&gt;</it> code</seg>' iso.tmx
check "an <sc/>/<ec/> pair in one segment stays a <bpt>/<ept> pair with one i" \
    grep -qF '<seg>Choose <bpt i="1055">&lt;sc id="7"/&gt;</bpt>S<ept i="1055">&lt;ec startRef="7"/&gt;</ept>ave</seg>' iso.tmx
check "<pc> is a <bpt>/<ept> pair; <sm/>/<em/> and <mrk> keep their text, drop their markup" \
    eval 'grep -qF "<seg>Say <bpt i=\"1\">&lt;pc id=\"1\"&gt;</bpt>hi<ept i=\"1\">&lt;/pc&gt;</ept> to all</seg>" iso.tmx &&
          grep -qF "<seg>قل <bpt i=\"1\">&lt;pc id=\"1\"&gt;</bpt>مرحبا<ept i=\"1\">&lt;/pc&gt;</ept> للجميع</seg>" iso.tmx'
if can_validate; then
    check "... valid TMX 1.4b (tmx14.dtd)" valid iso.tmx
fi
$J import --tm i iso.tmx 2>err
check "the TMX reads back without a warning of a <bpt>/<ept> that does not pair" \
    eval '[ $? -eq 0 ] && ! grep -q "bpt\|ept" err'
$J import -q --tm k iso.xlf 2>err && $J export --tm k -o k.tmx 2>>err
check "import + export of the XLIFF: the same <it>s, no half pair" \
    eval '[ $? -eq 0 ] && [ "$(grep -o "<it pos=" k.tmx | wc -l)" = 8 ] && [ "$(grep -o "<bpt" k.tmx | wc -l)" = "$(grep -o "<ept" k.tmx | wc -l)" ]'
if can_validate; then
    check "... valid TMX 1.4b (tmx14.dtd)" valid k.tmx
fi
$J import --tm k k.tmx 2>err
check "... and it merges back into the memory (5 units, 0 added)" \
    eval '[ $? -eq 0 ] && [ "$(units k)" = 5 ] && grep -q "k.tmx: 5 units read, 0 added, 5 merged" err'
echo "$fails failed"
[ "$fails" -eq 0 ]
