#!/bin/bash
# formats_lifefix.sh — defects a tester found in the life of a memory (each check failed before
# its fix): an XLIFF without a target language stores nothing under "und" (a warning asks for
# -t); TSV and Moses output write a <ph> format code as its code and count what they lose; XLIFF
# notes and XLIFF 2.0 <originalData> are read; TSV import warns when \t \n \r turn into control
# characters; -s ar -t en sets each <tu>'s srclang.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-formats-lifefix.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1
export JISR_NO_PROGRESS=1
HDR='<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/><body>'

# --- 1. XLIFF without target-language (translate-toolkit's po2xliff) ---------------------------
cat >no-trg.xlf <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.1" version="1.1">
  <file original="apt.po" source-language="en-US" datatype="plaintext">
    <body>
      <trans-unit xml:space="preserve" id="3" approved="yes"><source>Open file</source>
        <target state="translated">افتح الملف</target>
      </trans-unit>
    </body>
  </file>
</xliff>
EOF
$J import --tm m1 no-trg.xlf 2>err
check "XLIFF without target-language: nothing stored under und (the unit skipped, exit 0)" \
    '[ $? -eq 0 ] && grep -q "no-trg.xlf: 1 unit read, 0 added, 0 merged, 1 skipped" err &&
     ! $J stats --tm m1 | grep -q und'
check "... a warning names the file and line and asks for -t" \
    'grep -q "no-trg.xlf:5:1: the XLIFF file names no target language (target-language on <file>) and none was given: 1 target not read.*-t/--target" err'
$J import -q --tm m2 -t ar no-trg.xlf 2>err
check "... with -t ar it is stored as en-US and ar" \
    '[ $? -eq 0 ] && $J stats --tm m2 | grep -q "languages:  ar 1, en-US 1"'
$J convert no-trg.xlf out.jsonl 2>err
check "... convert writes no \"und\" variant either, and warns" \
    '[ $? -eq 0 ] && ! grep -q "\"und\"" out.jsonl && grep -q "names no target language" err'
$J segment no-trg.xlf >seg.out 2>err
check "... and segment still reads its source side (the doc layer shares the reader)" \
    '[ $? -eq 0 ] && [ "$(cat seg.out)" = "Open file" ] && [ ! -s err ]'
cat >v2.xlf <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en">
 <file id="f1"><unit id="u1"><segment><source>Close</source><target>أغلق</target></segment></unit></file>
</xliff>
EOF
$J import --tm m3 v2.xlf 2>err
check "XLIFF 2.0 without trgLang: likewise, naming trgLang" \
    '[ $? -eq 0 ] && grep -q "trgLang on <xliff>" err && ! $J stats --tm m3 | grep -q und'

# --- 2. TSV/Moses output: a <ph> format code is its code; what is lost is counted ---------------
cat >ph.tmx <<EOF
$HDR
<tu><tuv xml:lang="en"><seg>Delete <ph x="1">{0}</ph> files from <ph x="2">%s</ph>?</seg></tuv><tuv xml:lang="ar"><seg>حذف <ph x="1">{0}</ph> ملفات من <ph x="2">%s</ph>؟</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Line<ph>&lt;br/&gt;</ph>two <bpt i="1">&lt;b&gt;</bpt>bold<ept i="1">&lt;/b&gt;</ept></seg></tuv><tuv xml:lang="ar"><seg>سطر<ph>&lt;br/&gt;</ph>اثنان</seg></tuv></tu>
<tu><note>dev note</note><prop type="x-domain">ui</prop><tuv xml:lang="en"><seg>Copy &amp; paste</seg></tuv><tuv xml:lang="ar"><seg>نسخ ولصق</seg></tuv></tu>
</body></tmx>
EOF
$J convert ph.tmx out.tsv 2>err
check "convert to TSV: {0} and %s kept as the codes" \
    '[ $? -eq 0 ] && [ "$(head -1 out.tsv)" = "$(printf "Delete {0} files from %%s?\tحذف {0} ملفات من %%s؟")" ]'
check "... one warning counts the unit that lost tags, one the unit that lost a note and prop" \
    'grep -q "out.tsv: 1 unit lost inline tags that TSV cannot carry" err &&
     grep -q "out.tsv: 1 unit lost props or notes that TSV cannot carry" err && [ "$(wc -l <err)" = 2 ]'
$J convert -s en -t ar ph.tmx out.en 2>err
check "convert to Moses: the codes kept, the losses counted" \
    '[ $? -eq 0 ] && [ "$(head -1 out.en)" = "Delete {0} files from %s?" ] && grep -q "Moses cannot carry" err'
$J convert ph.tmx out.jsonl 2>err
check "JSONL keeps everything: no warning" '[ $? -eq 0 ] && [ ! -s err ]'
$J import -q --tm m4 ph.tmx
$J export --tm m4 -s en -t ar -o ex.tsv 2>err
check "export to TSV: the codes kept" \
    '[ $? -eq 0 ] && [ "$(head -1 ex.tsv)" = "$(printf "Delete {0} files from %%s?\tحذف {0} ملفات من %%s؟")" ]'
check "... and the losses counted" \
    'grep -q "ex.tsv: 1 unit lost inline tags" err && grep -q "ex.tsv: 1 unit lost props or notes" err'
$J export --tm m4 -o ex.tmx 2>err
check "export to TMX: no loss warning" '[ $? -eq 0 ] && ! grep -q "lost" err'

# --- 3. XLIFF notes and XLIFF 2.0 originalData -------------------------------------------------
cat >notes20.xlf <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ar">
 <file id="f1">
  <notes><note>file note, not a unit's</note></notes>
  <unit id="u1">
   <notes><note>a note</note></notes>
   <originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data><data id="d3">%d</data></originalData>
   <segment state="final">
    <source>Press <pc id="1" dataRefStart="d1" dataRefEnd="d2">OK</pc> <ph id="2" dataRef="d3"/> times.</source>
    <target>اضغط <pc id="1" dataRefStart="d1" dataRefEnd="d2">موافق</pc> <ph id="2" dataRef="d3"/> مرات.</target>
   </segment>
  </unit>
  <unit id="u2">
   <segment>
    <source>Value: <ph id="1" equiv="{0}"/> items</source>
    <target>القيمة: <ph id="1" equiv="{0}"/> عناصر</target>
   </segment>
  </unit>
 </file>
</xliff>
EOF
$J convert notes20.xlf n20.tmx 2>err
check "XLIFF 2.0: the unit's note kept, the file's not" \
    '[ $? -eq 0 ] && [ "$(grep -c "<note>" n20.tmx)" = 1 ] && grep -q "<note>a note</note>" n20.tmx'
check "... <pc dataRefStart/End> holds the native code <b> … </b>" \
    'grep -q "Press <bpt i=\"1\">&lt;b&gt;</bpt>OK<ept i=\"1\">&lt;/b&gt;</ept> <ph>%d</ph> times." n20.tmx'
check "... <ph equiv=\"{0}\"/> holds {0}" 'grep -q "Value: <ph>{0}</ph> items" n20.tmx'
$J import -q --tm m5 notes20.xlf
$J query --tm m5 "Value: {0} items" >q.out 2>&1
check "... so the query written as the developer wrote it finds it (was 68, under 70)" \
    'grep -Eq "^ +(99|100) " q.out && grep -q "= القيمة: {0} عناصر" q.out'
cat >notes12.xlf <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="a" source-language="en" target-language="ar" datatype="plaintext"><body>
  <trans-unit id="1"><source>Save</source><target>احفظ</target>
   <note from="dev" xml:lang="en">Toolbar button</note><note>second</note></trans-unit>
  <trans-unit id="2"><source>Quit</source><target>خروج</target></trans-unit>
 </body></file>
</xliff>
EOF
$J convert notes12.xlf n12.jsonl 2>err
check "XLIFF 1.2: a trans-unit's notes kept on its unit only (with xml:lang)" \
    '[ $? -eq 0 ] && [ "$(head -1 n12.jsonl | grep -o "\"notes\"" | wc -l)" = 1 ] &&
     head -1 n12.jsonl | grep -q "Toolbar button" && head -1 n12.jsonl | grep -q "second" &&
     head -1 n12.jsonl | grep -q "\"lang\":\"en\"" && ! sed -n 2p n12.jsonl | grep -q notes'

# --- 4. TSV import: \t \n \r read as control characters are warned about once -----------------
printf 'Save to C:\\new\\temp folder\tاحفظ في C:\\new\\temp\nOpen\tافتح\nA\\tB\tأ\\tب\n' >bs.tsv
$J convert -s en -t ar bs.tsv bs.jsonl 2>err
check "TSV: a Windows path's \\n warned about once, at FILE:LINE:COL" \
    '[ $? -eq 0 ] && [ "$(grep -c "read as a" err)" = 1 ] && grep -q "bs.tsv:1:11: \\\\n read as a line feed" err'
printf 'Path C:\\\\new\tمسار C:\\\\new\n' >ok.tsv
$J convert -s en -t ar ok.tsv ok.jsonl 2>err
check "... a written \\\\ (jisr's own TSV) is no warning" '[ $? -eq 0 ] && [ ! -s err ] && grep -q "C:\\\\\\\\new" ok.jsonl'
$J import --tm m6 -s en -t ar bs.tsv 2>err
check "... import warns too" 'grep -q "bs.tsv:1:11: .* read as a line feed" err'

# --- 5. export/convert -s ar -t en of units read with en as their source: each <tu srclang>
# follows (a <tu>'s srclang overrides the header's, so it said en while ar came first) --------
printf '%s<tu srclang="en"><tuv xml:lang="en"><seg>Open the file</seg></tuv><tuv xml:lang="ar"><seg>افتح الملف</seg></tuv></tu><tu><tuv xml:lang="en"><seg>Close</seg></tuv><tuv xml:lang="ar"><seg>أغلق</seg></tuv></tu></body></tmx>\n' "$HDR" >src.tmx
$J convert -s ar -t en src.tmx rev.tmx 2>err
check "convert -s ar: every <tu srclang> is ar, as the header's" \
    '[ $? -eq 0 ] && grep -q "<header .*srclang=\"ar\"" rev.tmx && ! grep -q "<tu srclang=\"en\"" rev.tmx &&
     [ "$(grep -c "<tu srclang=\"ar\"" rev.tmx)" = 2 ] && xmllint --noout --nonet rev.tmx'
$J import -q --tm m7 src.tmx && $J export --tm m7 -s ar -t en -o rev2.tmx 2>err
check "export -s ar: the same" \
    '[ $? -eq 0 ] && ! grep -q "<tu srclang=\"en\"" rev2.tmx && [ "$(grep -c "<tu srclang=\"ar\"" rev2.tmx)" = 2 ]'

tap_end
