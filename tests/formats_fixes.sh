#!/bin/bash
# formats_fixes.sh — convert, export and the TMX reader end to end: --skip-bad resumes after
# malformed XML (or fails saying the rest was not read), two-column output of a multilingual
# TMX, the source language's <tuv> first, a file size limit (SIGXFSZ), Word's line breaks in
# TSV/JSONL, and the messages of usage mistakes.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-formats-fixes.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1
py=/usr/bin/python3
HDR='<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/><body>'

# --- 1. --skip-bad and malformed XML ----------------------------------------------------------
cat >amp.tmx <<EOF
$HDR
<tu><tuv xml:lang="en"><seg>one</seg></tuv><tuv xml:lang="ar"><seg>واحد</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>two & three</seg></tuv><tuv xml:lang="ar"><seg>اثنان</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>three</seg></tuv><tuv xml:lang="ar"><seg>ثلاثة</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>four</seg></tuv><tuv xml:lang="ar"><seg>أربعة</seg></tuv></tu>
</body></tmx>
EOF
$J import --skip-bad --tm me amp.tmx 2>err
check "import --skip-bad: a bare & skips its unit only (exit 0, 3 read, 1 skipped)" \
    '[ $? -eq 0 ] && grep -q "amp.tmx: 3 units read, 3 added, 0 merged, 1 skipped" err'
check "... the report names the error and where reading went on" \
    'grep -q "amp.tmx:4:33: .* skipped to the next <tu> at 5:1" err'
$J convert --skip-bad amp.tmx out.tsv 2>err
check "convert --skip-bad: the units after the error are written" \
    '[ $? -eq 0 ] && [ "$(cut -f1 out.tsv | tr "\n" ,)" = "one,three,four," ] &&
     grep -q "1 bad unit skipped, 3 written" err'
$J convert amp.tmx out2.tsv 2>err
check "... without --skip-bad the error fails the command" '[ $? -eq 1 ] && [ ! -e out2.tsv ]'

# one stray AT&T at unit 11 of 100,000 (no ';' anywhere after it: libxml2 alone would hold the
# rest of the file and fail with "Huge input lookup")
$py - <<'PY'
with open("big.tmx", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/><body>\n')
    for i in range(100000):
        t = "AT&T %d" % i if i == 10 else "unit %d" % i
        f.write('<tu><tuv xml:lang="en"><seg>%s</seg></tuv><tuv xml:lang="ar"><seg>وحدة %d</seg></tuv></tu>\n' % (t, i))
    f.write("</body></tmx>\n")
PY
timeout 120 $J convert --skip-bad big.tmx big.tsv 2>err
check "AT&T at unit 11 of 100,000: 99,999 written" \
    '[ $? -eq 0 ] && [ "$(wc -l <big.tsv)" = 99999 ] && grep -q "1 bad unit skipped, 99999 written" err'
check "... the error says what is wrong with the '&'" \
    'grep -q "big.tmx:13:31: .&. starts no entity or character reference" err'
timeout 120 $J convert -f tmx --skip-bad - big2.tsv <big.tmx 2>/dev/null
check "... the same from standard input" '[ $? -eq 0 ] && cmp -s big.tsv big2.tsv'

# every other unit malformed, 200,000 units: the work stays linear
$py - <<'PY'
with open("half.tmx", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/><body>\n')
    for i in range(200000):
        t = "a < b %d" % i if i % 2 else "unit %d" % i
        f.write('<tu><tuv xml:lang="en"><seg>%s</seg></tuv><tuv xml:lang="ar"><seg>وحدة</seg></tuv></tu>\n' % t)
    f.write("</body></tmx>\n")
PY
timeout 60 $J convert --skip-bad half.tmx half.tsv 2>err
check "100,000 malformed units of 200,000: the others written, each reported, within 60 s" \
    '[ $? -eq 0 ] && [ "$(wc -l <half.tsv)" = 100000 ] && [ "$(grep -c "(skipped)" err)" = 100000 ]'

# another encoding: no resume; the command fails, saying that the rest was not read
sed 's/encoding="UTF-8"/encoding="ISO-8859-1"/; s/واحد/uno/; s/اثنان/dos/; s/ثلاثة/tres/; s/أربعة/cuatro/' \
    amp.tmx >latin.tmx
$J convert --skip-bad latin.tmx latin.tsv 2>err
check "ISO-8859-1 TMX, --skip-bad: exit 1, the rest of the file was not read, nothing written" \
    '[ $? -eq 1 ] && grep -q "latin.tmx:4:33: .*the rest of the file was not read" err && [ ! -e latin.tsv ]'
$J import --skip-bad --tm latin-tm latin.tmx 2>err
check "... import: exit 1, and no memory is left behind" '[ $? -eq 1 ] && [ ! -e latin-tm ]'
cat >bad.xlf <<'EOF'
<?xml version="1.0"?>
<xliff version="1.2"><file source-language="en" target-language="ar" datatype="plaintext" original="x"><body>
<trans-unit id="1"><source>one</source><target>واحد</target></trans-unit>
<trans-unit id="2"><source>two & three</source><target>اثنان</target></trans-unit>
</body></file></xliff>
EOF
$J convert --skip-bad bad.xlf bad.tsv 2>err
check "XLIFF, --skip-bad: malformed XML fails, saying that the rest was not read" \
    '[ $? -eq 1 ] && grep -q "bad.xlf:4:.*the rest of the file was not read" err'

# --- 2. two columns from a multilingual TMX ----------------------------------------------------
cat >multi.tmx <<EOF
${HDR/srclang=\"en\"/srclang=\"*all*\"}
<tu><tuv xml:lang="en"><seg>Hello</seg></tuv><tuv xml:lang="en"><seg>Hi</seg></tuv><tuv xml:lang="ar"><seg>مرحبا</seg></tuv><tuv xml:lang="ar"><seg>أهلا</seg></tuv></tu>
</body></tmx>
EOF
cat >mix.tmx <<EOF
$HDR
<tu><tuv xml:lang="en"><seg>one</seg></tuv><tuv xml:lang="ar"><seg>واحد</seg></tuv></tu>
<tu><tuv xml:lang="ar"><seg>اثنان</seg></tuv><tuv xml:lang="en"><seg>two</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>three</seg></tuv><tuv xml:lang="fr"><seg>trois</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>four</seg></tuv><tuv xml:lang="fr"><seg>quatre</seg></tuv><tuv xml:lang="ar"><seg>أربعة</seg></tuv></tu>
</body></tmx>
EOF
$J convert multi.tmx - -T tsv >out 2>err
check "convert to TSV without -s/-t: en, en, ar, ar is an error naming the unit, not Hello/Hi" \
    '[ $? -eq 1 ] && ! grep -q Hi out && grep -q "multi.tmx:3:1: the unit.s variants are en, en, ar, ar" err &&
     grep -q "give -s and -t" err'
$J convert mix.tmx mix.tsv 2>err
check "... en/ar then en/fr: an error at the en/fr unit, nothing written" \
    '[ $? -eq 1 ] && grep -q "mix.tmx:5:1: the unit.s variants are en, fr" err && [ ! -e mix.tsv ]'
head -4 mix.tmx >ok.tmx
echo '</body></tmx>' >>ok.tmx
$J convert ok.tmx ok.tsv 2>err
check "... en/ar and ar/en: both written source first" \
    '[ $? -eq 0 ] && [ "$(cat ok.tsv)" = "$(printf "one\tواحد\ntwo\tاثنان")" ]'
$J convert -s en -t ar mix.tmx mix.tsv 2>err
check "... with -s en -t ar: the en/ar units, the others left out and counted" \
    '[ $? -eq 0 ] && [ "$(cut -f1 mix.tsv | tr "\n" ,)" = "one,two,four," ] &&
     grep -q "1 unit without both en and ar left out" err'
$J convert -s en -t ar multi.tmx - -T tsv >out 2>err
check "... two variants of each: the first written, the unit counted" \
    '[ "$(cat out)" = "$(printf "Hello\tمرحبا")" ] &&
     grep -q "1 unit with more than one variant of en or ar" err'
$J import -q --tm mm multi.tmx
$J export --tm mm -s en -t ar -o m.tsv 2>err
check "export -f tsv of a unit with two en and two ar: counted in the summary" \
    'grep -q "m.tsv: 1 unit exported, 1 with more than one en or ar variant" err'
$J help export >help
check "jisr help export says TSV and JSONL need -s and -t" 'grep -q "TSV and JSONL output need -s and -t" help'

# --- 3. the -s language's <tuv> first ----------------------------------------------------------
printf 'Hello\tمرحبا\n' >ea.tsv
$J import -q --tm ea -s en -t ar ea.tsv
$J export --tm ea -s ar -t en -o ar-en.tmx
check "export -s ar -t en: header srclang ar and the ar <tuv> first" \
    'grep -q "srclang=\"ar\"" ar-en.tmx &&
     [ "$(grep -o "xml:lang=\"[a-z]*\"" ar-en.tmx | tr "\n" ,)" = "xml:lang=\"ar\",xml:lang=\"en\"," ]'
$J convert -s ar -t en ea.tsv - -T tmx 2>/dev/null | grep -o 'xml:lang="[a-z]*"' >order
check "... convert -s ar -t en likewise" '[ "$(tr "\n" , <order)" = "xml:lang=\"ar\",xml:lang=\"en\"," ]'

# --- 4. a file size limit: an error naming the file, never a kill or a temporary left ----------
echo old >keep.tmx
(ulimit -f 200; $J convert -s en -t ar big.tsv keep.tmx 2>err)
rc=$?
check "ulimit -f: convert exits 1 (not SIGXFSZ), 'File too large' naming the file" \
    '[ $rc -eq 1 ] && grep -q "keep.tmx: write failed: File too large" err'
check "... the old file kept, no temporary left" '[ "$(cat keep.tmx)" = old ] && [ -z "$(ls | grep "keep.tmx.tmp")" ]'
$J import -q --tm bigtm -s en -t ar big.tsv
(ulimit -f 200; $J export --tm bigtm -o keep.tmx 2>err)
rc=$?
check "... export likewise" \
    '[ $rc -eq 1 ] && grep -q "keep.tmx: write failed: File too large" err &&
     [ "$(cat keep.tmx)" = old ] && [ -z "$(ls | grep "keep.tmx.tmp")" ]'

# --- 5. U+000B and U+000C in TSV and JSONL: read as line feeds, with a warning ---------------
printf 'vt\vhere\tع\n' >vt.tsv
$J convert vt.tsv vt.jsonl 2>err
check "TSV with U+000B: a warning naming the line, the text otherwise unchanged" \
    '[ $? -eq 0 ] && grep -q "vt.tsv:1:1: the en text holds U+000B" err && grep -q "\"vt\\\\nhere\"" vt.jsonl'
printf '{"source":"x\\u000cy","target":"ع","srclang":"en","tgtlang":"ar"}\n' >ff.jsonl
$J convert ff.jsonl ff.tsv 2>err
check "JSONL with U+000C: a warning" '[ $? -eq 0 ] && grep -q "ff.jsonl:1:1: the en text holds U+000C" err'

# --- 6. messages ---------------------------------------------------------------------------------
cp amp.tmx in.tmx
$J convert in.tmx in.tmx 2>err1
rc1=$?
$J convert in.tmx ./in.tmx 2>err2
rc2=$?
ln in.tmx hard.tmx
$J convert in.tmx hard.tmx 2>err3
rc3=$?
check "OUT = IN by name, ./name or hard link: the same exit status (1) and message" \
    '[ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && [ $rc3 -eq 1 ] && grep -q "is one of this command.s inputs" err1'
$J convert amp.tmx o.xyz 2>err
check "an unknown extension (.xyz): cannot tell the format, use --to (exit 2)" \
    '[ $? -eq 2 ] && grep -q "cannot tell the format of .o.xyz.; use --to" err'
$J convert -s en -t ar amp.tmx o.ara --skip-bad 2>/dev/null
check "... a three-letter ISO 639 code (.ara) is still Moses" '[ $? -eq 0 ] && [ -s o.ara ] && [ -s o.ar ]'
$py -c 'import sys; sys.stdout.buffer.write(open("amp.tmx").read().split("\n", 1)[1].encode("utf-16-le"))' >le.tmx
$J convert le.tmx le.tsv 2>err
check "UTF-16LE without BOM or declaration: the message says so" \
    '[ $? -eq 1 ] && grep -q "looks like UTF-16LE without a byte-order mark" err'
printf 'one\tواحد\ntwo\tاثنان\nthree\tثلاثة\n' >c.tsv
$J import -q --tm cor -s en -t ar c.tsv
if command -v mdb_dump >/dev/null && command -v mdb_load >/dev/null; then
    # "one" and "three" made "o\1e" and "t\1\2e": units 1 and 3 cannot be written
    mdb_dump -s units cor | sed 's/046f6e65/046f0165/; s/0674687265/0674010265/' >u.dump
    mdb_load -s units -f u.dump cor 2>/dev/null
    $J export --tm cor -o cor.tmx --skip-bad 2>err
    check "export of unwritable units: each named once, by its id" \
        'grep -q "^jisr: unit 1: a segment holds" err && grep -q "^jisr: unit 3: a segment holds" err &&
         ! grep -q "unit 2" err && grep -q "1 unit exported, 2 skipped" err'
else
    ok "# SKIP mdb_dump/mdb_load not installed"
fi

# a usagecount that is not a count: left out with a warning at the attribute; beyond a long's
# range: the largest, with a warning (before: -5 and abc became 1 silently, 5abc 5)
H='<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>'
for u in -5 abc 5abc 99999999999999999999 ' 7 '; do
    printf '%s<tu usagecount="%s"><tuv xml:lang="en"><seg>x</seg></tuv><tuv xml:lang="ar"><seg>س</seg></tuv></tu></body></tmx>\n' "$H" "$u" >"$T/uc.tmx"
    "$J" convert "$T/uc.tmx" "$T/uc.out.tmx" 2>"$T/uc.err"
    case "$u" in
    ' 7 ') check "usagecount=\" 7 \": read as 7, no warning" '[ $? -eq 0 ] && grep -q "usagecount=\"7\"" "$T/uc.out.tmx" && ! grep -q usagecount "$T/uc.err"' ;;
    9*) check "usagecount=\"$u\": the largest count, a warning" '[ $? -eq 0 ] && grep -q "uc.tmx:1:73: usagecount=\"$u\" of the <tu> is more than 9223372036854775807" "$T/uc.err" && grep -q "usagecount=\"9223372036854775807\"" "$T/uc.out.tmx"' ;;
    *) check "usagecount=\"$u\": left out with a warning at the attribute" '[ $? -eq 0 ] && grep -q "uc.tmx:1:73: usagecount=\"$u\" of the <tu> is not a count" "$T/uc.err" && ! grep -q usagecount= "$T/uc.out.tmx"' ;;
    esac
done
printf '{"meta":{"usagecount":-3},"variants":[{"lang":"en","text":"a"},{"lang":"ar","text":"ب"}]}\n' >"$T/uc.jsonl"
"$J" convert "$T/uc.jsonl" "$T/uc2.tmx" 2>"$T/uc2.err"
check "JSONL: a negative usagecount is left out with a warning" '[ $? -eq 0 ] && grep -q "uc.jsonl:1:1: \"usagecount\" of the unit is not a count" "$T/uc2.err"'

tap_end
