#!/bin/bash
# formats_omegat_tags.sh — OmegaT's own memories (project_save.tmx, its "OmegaT" TMX export) hold
# the formatting tags of a segment as text shortcuts: <seg>&lt;b0&gt;file&lt;/b0&gt;</seg>. In a
# TMX whose creationtool is OmegaT jisr reads them as inline tags (bpt/ept, ph, it holding the
# shortcut), so that the matcher does not count them as words and the export writes TMX markup.
# The first part needs only jisr; the second gives jisr's export to a real OmegaT (3.6, headless
# console mode) and is skipped (77, once the first part has passed) when java or OmegaT is
# missing. Scores on the old code (shortcuts as text): 58, 41 and 25 for the untagged queries
# below, 56 for the tagged one (now 99, 99, 99, 100).
# Writing them back: TSV and Moses output write a tag holding a shortcut as the shortcut
# (<b0>file</b0>; they dropped it when tags came in, "Open the file now."), and TMX output with
# --omegat-shortcuts (export, convert, query --format tmx) as escaped text, as OmegaT's own
# memories do, which OmegaT's default settings (level 1: what inline elements hold is dropped)
# match exactly: checked with the real OmegaT, every tagged segment filled.
set -u
J=${JISR_BINARY:?}
D=${JISR_TEST_DATA:?}/formats/omegat_tags
T=$(mktemp -d /tmp/jisr-omegat-tags.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1

# the score of the best match of query $2 in memory $1 (further arguments: query options)
score() {
    local tm=$1 q=$2
    shift 2
    $J query --tm "$tm" -s en -t ar --min 0 -n 1 --json "$@" -- "$q" |
        grep -o '"score":[0-9]*' | head -1 | cut -d: -f2
}

# --- jisr alone ------------------------------------------------------------------------------------
$J import -q --tm om "$D/project_save.tmx" 2>err
check "project_save.tmx (creationtool OmegaT) imports" '[ $? -eq 0 ] && [ ! -s err ]'
s=$(score om "Open the file now.")
check "the untagged sentence scores as a tag difference only: $s (was 58)" '[ "${s:-0}" -ge 99 ]'
s=$(score om "Click here to continue.")
check "two tag pairs: $s (was 41)" '[ "${s:-0}" -ge 99 ]'
s=$(score om "Save")
check "a segment that is one pair around a word: $s (was 25)" '[ "${s:-0}" -ge 99 ]'
s=$(score om 'Open the <bpt i="1">&lt;b0&gt;</bpt>file<ept i="1">&lt;/b0&gt;</ept> now.' --tags tmx)
check "the tagged form (--tags tmx) is an exact match: $s (was 56)" '[ "${s:-0}" = 100 ]'
$J query --tm om -s en -t ar --min 0 -n 1 --json --tags tmx \
    'Open the <bpt i="1">&lt;b0&gt;</bpt>file<ept i="1">&lt;/b0&gt;</ept> now.' >q.json
check "... whose proposed target carries the tags around the translated word" \
    "grep -qF '\"target_tagged\":\"افتح <bpt i=\\\"1\\\">&lt;b0&gt;</bpt>الملف<ept i=\\\"1\\\">&lt;/b0&gt;</ept> الآن.\"' q.json"

$J export --tm om -s en -t ar -o om.tmx 2>/dev/null
check "export: a pair is a <bpt>/<ept> holding the shortcuts" \
    "grep -qF '<seg>Open the <bpt i=\"1\">&lt;b0&gt;</bpt>file<ept i=\"1\">&lt;/b0&gt;</ept> now.</seg>' om.tmx"
check "export: nested pairs take their own i, and one without its closing tag (<br2>) is an <it>" \
    "grep -qF '<seg>Press <bpt i=\"1\">&lt;b0&gt;</bpt><bpt i=\"2\">&lt;i1&gt;</bpt>Save<ept i=\"2\">&lt;/i1&gt;</ept><ept i=\"1\">&lt;/b0&gt;</ept> twice<it pos=\"begin\">&lt;br2&gt;</it>to keep it.</seg>' om.tmx"
check "export: no shortcut is left as text" '! grep -qF "&lt;b0&gt;file" om.tmx'
$J import -q --tm back om.tmx && $J export --tm back -s en -t ar -o back.tmx 2>/dev/null
check "the export imports again unchanged" 'diff <(grep "<seg>" om.tmx) <(grep "<seg>" back.tmx)'

# the same file from another tool: text stays text
$J import -q --tm other "$D/not_omegat.tmx"
s=$(score other "Open the file now.")
check "creationtool Okapi: the shortcuts stay words ($s)" '[ "${s:-100}" -lt 90 ]'
$J export --tm other -s en -t ar -o other.tmx 2>/dev/null
check "... and text in its export" \
    "grep -qF '<seg>Open the &lt;b0&gt;file&lt;/b0&gt; now.</seg>' other.tmx && ! grep -q '<bpt' other.tmx"
$J import -q --tm forced --omegat-tags "$D/not_omegat.tmx"
check "--omegat-tags reads them as tags whatever the creationtool" \
    '[ "$(score forced "Open the file now.")" -ge 99 ]'
$J import -q --tm kept --no-omegat-tags "$D/project_save.tmx"
$J export --tm kept -s en -t ar -o kept.tmx 2>/dev/null
check "--no-omegat-tags keeps OmegaT's as text" \
    "grep -qF '<seg>Open the &lt;b0&gt;file&lt;/b0&gt; now.</seg>' kept.tmx"
$J convert --no-omegat-tags -s en -t ar "$D/project_save.tmx" text.tsv 2>/dev/null
check "convert to TSV with --no-omegat-tags: the shortcuts are text" \
    "grep -qxF \$'Open the <b0>file</b0> now.\\tافتح <b0>الملف</b0> الآن.' text.tsv"

# --- plain-text outputs write a tag holding a shortcut as the shortcut -------------------------
# (the old code dropped them: "Open the file now." — what OmegaT's project_save.tmx had as text
# came out as nothing)
$J convert -s en -t ar "$D/project_save.tmx" plain.tsv 2>err
check "convert to TSV: each tag holding a shortcut is the shortcut again, as OmegaT has it" \
    '[ $? -eq 0 ] && cmp -s plain.tsv text.tsv'
check "... and no tag is counted as lost" '[ ! -s err ]'
$J convert -s en -t ar "$D/project_save.tmx" plain.en 2>err
check "convert to Moses: likewise, nested pairs and the <it> too" \
    '[ $? -eq 0 ] && [ ! -s err ] &&
     grep -qxF "Press <b0><i1>Save</i1></b0> twice<br2>to keep it." plain.en &&
     grep -qxF "اضغط <b0><i1>حفظ</i1></b0> مرتين<br2>للاحتفاظ به." plain.ar &&
     [ "$(cut -f1 text.tsv)" = "$(cat plain.en)" ]'
$J export --tm om -s en -t ar -o ex.tsv 2>err
check "export to TSV from the memory: likewise, no loss counted" \
    'cmp -s ex.tsv text.tsv && ! grep -q "lost inline tags" err'
# only a tag whose whole content is one shortcut (the reader's strict pattern) is one
cat >mixed.tmx <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="en"><seg>A<ph x="1">&lt;x1/&gt;</ph>B <bpt i="1">&lt;b&gt;</bpt>bold<ept i="1">&lt;/b&gt;</ept> <it pos="end">&#60;/g2&#62;</it>C<ph>&lt;b0&gt;x</ph><ph>{0}</ph></seg></tuv><tuv xml:lang="ar"><seg>أ<ph x="1">&lt;x1/&gt;</ph>ب</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg><bpt i="1">&lt;b0&gt;</bpt>Save<ept i="1">&lt;/b0&gt;</ept></seg></tuv><tuv xml:lang="ar"><seg><bpt i="1">&lt;b0&gt;</bpt>حفظ<ept i="1">&lt;/b0&gt;</ept></seg></tuv></tu>
</body></tmx>
EOF2
$J convert mixed.tmx mixed.tsv 2>err
check "a TMX of another tool: <x1/> in a <ph>, </g2> (a character reference) in an <it> kept; <b> (no digit), a <ph> holding more than a shortcut dropped; {0} kept" \
    "[ \"\$(head -1 mixed.tsv)\" = \$'A<x1/>B bold </g2>C{0}\\tأ<x1/>ب' ] &&
     grep -qxF \$'<b0>Save</b0>\\t<b0>حفظ</b0>' mixed.tsv"
check "... and the unit with tags that are not shortcuts alone is counted as losing some" \
    'grep -q "mixed.tsv: 1 unit lost inline tags that TSV cannot carry" err'
$J convert --no-omegat-tags mixed.tmx mixed2.tsv 2>/dev/null
check "... --no-omegat-tags (reading) does not change what the writer does with tags" \
    'cmp -s mixed.tsv mixed2.tsv'

# --- TMX for OmegaT: --omegat-shortcuts writes them as text -----------------------------------
DTD=$JISR_TEST_DATA/formats/tmx14.dtd
valid() { out=$(xmllint --noout --nonet --dtdvalid "$DTD" "$1" 2>&1) && [ -z "$out" ]; }
$J export --tm om -s en -t ar --omegat-shortcuts -o sc.tmx 2>/dev/null
check "export --omegat-shortcuts: the shortcuts as escaped text, as in OmegaT's project_save.tmx" \
    "grep -qF '<seg>Open the &lt;b0&gt;file&lt;/b0&gt; now.</seg>' sc.tmx &&
     grep -qF '<seg>Press &lt;b0&gt;&lt;i1&gt;Save&lt;/i1&gt;&lt;/b0&gt; twice&lt;br2&gt;to keep it.</seg>' sc.tmx &&
     grep -qF '<seg>&lt;b0&gt;حفظ&lt;/b0&gt;</seg>' sc.tmx && ! grep -qE '<(bpt|ept|it|ph)' sc.tmx"
check "... every segment as OmegaT wrote it" \
    'diff <(grep -o "<seg>.*</seg>" "$D/project_save.tmx") <(grep -o "<seg>.*</seg>" sc.tmx)'
check "... and the file is valid TMX 1.4b (tmx14.dtd)" 'valid sc.tmx'
check "the default export is unchanged (elements) and valid" \
    "grep -qF '<seg>Open the <bpt i=\"1\">&lt;b0&gt;</bpt>file' om.tmx && valid om.tmx"
$J import -q --tm sc --omegat-tags sc.tmx && $J export --tm sc -s en -t ar -o sc-back.tmx 2>/dev/null
check "... imported again with --omegat-tags, the same tags as before" \
    'diff <(grep "<seg>" om.tmx) <(grep "<seg>" sc-back.tmx)'
$J convert --omegat-shortcuts -s en -t ar "$D/project_save.tmx" csc.tmx 2>/dev/null
check "convert --omegat-shortcuts: likewise" \
    'diff <(grep "<seg>" sc.tmx) <(grep "<seg>" csc.tmx) && valid csc.tmx'
$J import -q --tm mx mixed.tmx && $J export --tm mx -s en -t ar --omegat-shortcuts -o mx.tmx 2>/dev/null
check "... only the tags holding a shortcut become text: the others stay elements, valid" \
    "grep -qF '<seg>A&lt;x1/&gt;B <bpt i=\"1\">&lt;b&gt;</bpt>bold<ept i=\"1\">&lt;/b&gt;</ept> &lt;/g2&gt;C<ph>&lt;b0&gt;x</ph><ph>{0}</ph></seg>' mx.tmx &&
     valid mx.tmx"
$J query --tm om -s en -t ar --min 0 -n 1 --format tmx --omegat-shortcuts "Open the file now." >q.tmx
check "query --format tmx --omegat-shortcuts: the match's segments with text shortcuts" \
    "grep -qF '<seg>Open the &lt;b0&gt;file&lt;/b0&gt; now.</seg>' q.tmx &&
     grep -qF '<seg>افتح &lt;b0&gt;الملف&lt;/b0&gt; الآن.</seg>' q.tmx && valid q.tmx"
$J query --tm om -s en -t ar --min 0 -n 1 --format tmx "Open the file now." >q0.tmx
check "... without it, elements" "grep -qF '<seg>Open the <bpt i=\"1\">' q0.tmx"

# --- jisr reads its own --omegat-shortcuts output back as it wrote it ----------------------------
# (the old code read that file's shortcuts as text, its creationtool being jisr: imported into
# the memory it came from, every unit with a shortcut was added a second time, as words)
check "--omegat-shortcuts marks the header (x-jisr-omegat-shortcuts), valid" \
    'grep -qF "<prop type=\"x-jisr-omegat-shortcuts\">" sc.tmx && valid sc.tmx'
$J import --tm om sc.tmx 2>err
check "export --omegat-shortcuts imported into the memory it came from: every unit merged" \
    'grep -q "sc.tmx: 5 units read, 0 added, 5 merged" err'
$J import -q --tm scfresh sc.tmx && $J export --tm scfresh -s en -t ar -o scfresh.tmx 2>/dev/null
check "... into a fresh memory: the same tags as the memory it came from" \
    'diff <(grep "<seg>" om.tmx) <(grep "<seg>" scfresh.tmx)'
check "... and the untagged sentence scores as a tag difference only there" \
    '[ "$(score scfresh "Open the file now.")" -ge 99 ]'
$J import -q --tm sctext --no-omegat-tags sc.tmx && $J export --tm sctext -s en -t ar -o sctext.tmx 2>/dev/null
check "... --no-omegat-tags keeps them as text, as for OmegaT's own file" \
    "grep -qF '<seg>Open the &lt;b0&gt;file&lt;/b0&gt; now.</seg>' sctext.tmx"
$J convert sc.tmx sc-el.tmx 2>err && $J convert -s en -t ar sc.tmx sc.jsonl 2>>err
check "convert without --omegat-shortcuts: elements again, the marker not carried, no header warning" \
    "grep -qF '<seg>Open the <bpt i=\"1\">&lt;b0&gt;</bpt>file' sc-el.tmx && ! grep -q x-jisr-omegat sc-el.tmx &&
     [ ! -s err ] && valid sc-el.tmx"
$J import -q --tm qm q.tmx && $J export --tm qm -s en -t ar -o qm.tmx 2>/dev/null
check "query --format tmx --omegat-shortcuts: its pair is read back with its tags" \
    "grep -qF '<seg>Open the <bpt i=\"1\">&lt;b0&gt;</bpt>file<ept i=\"1\">&lt;/b0&gt;</ept> now.</seg>' qm.tmx"

# --- a real OmegaT loads jisr's export ---------------------------------------------------------
JAR=/usr/share/omegat/OmegaT.jar
if ! command -v java >/dev/null || [ ! -f "$JAR" ]; then
    echo "# skip: java or OmegaT not installed"
    [ "$fails" -eq 0 ] && exit 77
    tap_end
    exit
fi
P=$T/project
mkdir -p "$P/source" "$P/target" "$P/tm/auto" "$P/glossary" "$P/omegat" "$P/dictionary"
cp "$JISR_TEST_DATA/formats/omegat/omegat.project" "$P/"
cp "$D/doc.html" "$P/source/"
# OmegaT reads another tool's TMX at "level 1" by default, dropping what is inside inline
# elements; its preference ext_tmx_show_level2 rebuilds a shortcut from a <bpt>/<ept>/<it>/<ph>:
# the first letter of its content and a number of its own
mkdir -p "$T/h1/.omegat" "$T/h2/.omegat"
cat >"$T/h2/.omegat/omegat.prefs" <<'EOF'
<?xml version="1.0" encoding="UTF-8" ?>
<omegat>
  <preference version="1.0">
    <ext_tmx_show_level2>true</ext_tmx_show_level2>
  </preference>
</omegat>
EOF
omegat() { # $1: HOME, $2: the memory for tm/auto; the target's <p> lines on stdout
    rm -f "$P/tm/auto/"* "$P/target/"*
    cp "$2" "$P/tm/auto/jisr.tmx"
    HOME=$1 java -Djava.awt.headless=true -Duser.home="$1" -jar "$JAR" "$P" \
        --mode=console-translate >"$T/omegat.log" 2>&1 || echo "OmegaT exit $?"
    grep -q "Reading TMX file .*jisr.tmx" "$T/omegat.log" &&
        grep -q "TMXR_INFO_READING_COMPLETE" "$T/omegat.log" || echo "OmegaT did not read the memory"
    ! grep -E "TF_TM_LOAD_ERROR|TMXR_WARNING|TMXR_ERROR|TMX_ERROR|SEVERE|Exception" "$T/omegat.log" ||
        echo "OmegaT reported a problem"
    grep "<p>" "$P/target/doc.html"
}
omegat "$T/h2" om.tmx >out2
check "OmegaT (level 2) loads jisr's export without a warning" '! grep -q "^OmegaT" out2'
check "... and fills the segment with one pair, formatting in place" \
    'grep -qxF "<p>افتح <b>الملف</b> الآن.</p>" out2'
check "... and the one with two pairs" 'grep -qxF "<p>انقر <i>هنا</i> <b>للمتابعة</b>.</p>" out2'
check "... the sentence absent from the memory stays in English" \
    'grep -qxF "<p>Plain sentence here.</p>" out2'
# what OmegaT cannot do (recorded, not failed): <it>&lt;br2&gt;</it> becomes <b2> in OmegaT,
# the first letter only, so the segment with <br> is no exact match; at level 1 (OmegaT's
# default) no tagged segment is
grep -qF "<p>Press <b><i>Save</i></b> twice<br>to keep it.</p>" out2 &&
    echo "# OmegaT level 2: the segment with the multi-letter shortcut <br2> is not filled"
omegat "$T/h1" om.tmx >out1
grep -qxF "<p>Open the <b>file</b> now.</p>" out1 &&
    echo "# OmegaT's default (level 1): tagged segments of jisr's export are not filled"
# the memory imported with --no-omegat-tags keeps the shortcuts as text, which OmegaT's default
# reads as they stand: every segment is filled
omegat "$T/h1" kept.tmx >out3
check "--no-omegat-tags: OmegaT's default fills every segment of the export" \
    '! grep -q "^OmegaT" out3 && grep -qxF "<p>اضغط <b><i>حفظ</i></b> مرتين<br>للاحتفاظ به.</p>" out3 &&
     grep -qxF "<p>افتح <b>الملف</b> الآن.</p>" out3'
# the memory imported as OmegaT's (tags), exported with --omegat-shortcuts: OmegaT's default
# settings (level 1, an empty HOME) fill every tagged segment, as from its own project_save.tmx
omegat "$T/h1" sc.tmx >out4
check "export --omegat-shortcuts: OmegaT's default loads it without a warning" \
    '! grep -q "^OmegaT" out4'
check "... and fills the segment with one pair" 'grep -qxF "<p>افتح <b>الملف</b> الآن.</p>" out4'
check "... the one with two pairs" 'grep -qxF "<p>انقر <i>هنا</i> <b>للمتابعة</b>.</p>" out4'
check "... the one with nested pairs and <br2> (which level 2 cannot fill)" \
    'grep -qxF "<p>اضغط <b><i>حفظ</i></b> مرتين<br>للاحتفاظ به.</p>" out4'
check "... the sentence absent from the memory stays in English" \
    'grep -qxF "<p>Plain sentence here.</p>" out4'
[ "$fails" -eq 0 ] || tail -30 "$T/omegat.log"
tap_end
