#!/bin/bash
# corpcli_fixes.sh — `jisr docalign` and `jisr corpus` on what an input folder may hold besides
# documents, and their messages:
#   - a bilingual file (an earlier corpus TSV, anyone's TMX or JSONL) is skipped with the reason,
#     not read as an Arabic document that becomes every English document's best candidate
#     (before: 0 pairs of 12 with the shared Bible chapters), while English quoting Arabic words
#     and Arabic quoting English terms still count; corpora jisr wrote are skipped by their bytes
#   - a file reached twice (a symbolic or hard link) is read once, the other name skipped
#   - in a -o list a skipped link is named by its own absolute path, not its target's
#   - sides the wrong way round with --by-position: a warning
#   - an output naming a document: the path in the message, exit 1 for both commands
#   - --max-chars 0 and --doc-min-score 0 (which meant the defaults): usage errors
#   - the doc layer's warnings once per file; the progress bar's last counts drawn; the
#     directories made for the corpus removed after SIGTERM/SIGHUP
# The parts with more than 16 documents use ../shared's Bible chapters (skipped without them).
set -u
J=${JISR_BINARY:?}
D=${JISR_TEST_DATA:?}/doc
A=${JISR_TEST_DATA:?}/align
S=${JISR_SHARED_DATA:-/nonexistent}/bible-ar-en/align/clean
T=$(mktemp -d /tmp/jisr-corpcli.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
export JISR_NO_PROGRESS=1
cd "$T" || exit 1
P=$(pwd -P)
pairs() { grep -vc '^#' "$1"; }

# --- 1. bilingual files and corpora jisr wrote ----------------------------------------------
mkdir -p sm/ar sm/en
cp "$A/luke15.ar" sm/ar/luke.txt && cp "$A/luke15.en" sm/en/luke.txt
paste "$A/luke15.ar" "$A/luke15.en" >sm/old.tsv
"$J" docalign sm >l1 2>e1; [ $? -eq 0 ] && [ "$(pairs l1)" -eq 1 ] &&
    grep -q $'^# skipped\tsm/old.tsv\tholds both Arabic and Latin text: a bilingual file or a previous corpus?' l1 &&
    grep -q 'sm/old.tsv: skipped: holds both Arabic and Latin' e1 &&
    ok "a bilingual TSV among the documents: skipped with the reason" || bad "bilingual TSV: $(cat l1 e1)"
# monolingual documents quoting the other script still count
mkdir -p mono
awk 'NR % 4 == 0 { $0 = $0 " (in Arabic: الابن الضال)" } { print }' "$A/luke15.en" >mono/en.txt
awk 'NR % 3 == 0 { $0 = $0 " (the Prodigal Son, Luke 15)" } { print }' "$A/luke15.ar" >mono/ar.txt
"$J" docalign mono >l2 2>e2; [ "$(pairs l2)" -eq 1 ] && ! grep -q '^# skipped' l2 &&
    ok "English with Arabic words and Arabic with English terms still pair" || bad "mono: $(cat l2 e2)"
# corpora jisr wrote (corpus, convert, export), under any name: skipped by their first bytes
mkdir -p jw/ar jw/en jw/old
cp "$A/luke15.ar" jw/ar/luke.txt && cp "$A/luke15.en" jw/en/luke.txt
"$J" corpus -o c.tmx sm/ar sm/en 2>/dev/null && "$J" corpus -o c.jsonl sm/ar sm/en 2>/dev/null &&
    "$J" convert c.tmx jw/old/conv.jsonl 2>/dev/null && "$J" convert c.jsonl jw/old/conv.tmx 2>/dev/null &&
    "$J" import --tm tm c.tmx 2>/dev/null && "$J" export --tm tm -o jw/old/exp.tmx 2>/dev/null &&
    cp c.tmx jw/old/a.tmx && cp c.jsonl jw/old/b.jsonl && paste "$A/luke15.ar" "$A/luke15.en" >t.tsv &&
    "$J" convert t.tsv jw/old/tsv.jsonl 2>/dev/null || bad "making jisr's corpora"
"$J" docalign jw >l3 2>e3; [ "$(pairs l3)" -eq 1 ] &&
    grep -q $'^# skipped\tjw/old/a.tmx\ta TMX corpus jisr wrote, not a document (not read)' l3 &&
    grep -q $'^# skipped\tjw/old/b.jsonl\ta JSONL corpus jisr wrote' l3 &&
    grep -q $'^# skipped\tjw/old/conv.jsonl\ta JSONL corpus jisr wrote' l3 &&
    grep -q $'^# skipped\tjw/old/conv.tmx\ta TMX corpus jisr wrote' l3 &&
    grep -q $'^# skipped\tjw/old/exp.tmx\ta TMX corpus jisr wrote' l3 &&
    grep -q $'^# skipped\tjw/old/tsv.jsonl\ta JSONL corpus jisr wrote' l3 &&
    ok "TMX and JSONL corpora jisr wrote: skipped" || bad "jisr's corpora: $(cat l3)"
# a TMX of another tool: bilingual
sed 's/creationtool="jisr"/creationtool="okapi"/' c.tmx >jw/old/a.tmx && rm jw/old/b.jsonl jw/old/conv.* jw/old/exp.tmx jw/old/tsv.jsonl
"$J" docalign jw >l3b 2>/dev/null; [ "$(pairs l3b)" -eq 1 ] &&
    grep -q $'^# skipped\tjw/old/a.tmx\tholds both Arabic and Latin' l3b && ok "another tool's TMX: skipped as bilingual" ||
    bad "foreign tmx: $(cat l3b)"
if [ -f "$S/test.list" ]; then
    mkdir -p sk/ar sk/en sk/old
    for c in $(cut -f1 "$S/test.list" | head -12); do cp "$S/test/$c.ar" "sk/ar/$c.txt" && cp "$S/test/$c.en" "sk/en/$c.txt"; done
    "$J" corpus -p -o old.tsv sk 2>/dev/null && cp old.tsv sk/old/corpus.tsv
    "$J" docalign -p sk >l4 2>/dev/null; [ "$(pairs l4)" -eq 12 ] && grep -q $'^# skipped\tsk/old/corpus.tsv\tholds both' l4 &&
        ok "docalign: 12 pairs with an earlier corpus TSV in the folder (before: 0)" || bad "docalign sk: $(head -5 l4)"
    "$J" corpus -p -o new.tsv --report-json new.json sk 2>/dev/null && [ "$(jq .totals.pairs new.json)" -eq 12 ] &&
        [ "$(jq .totals.skipped new.json)" -eq 1 ] && ok "corpus: 12 pairs, the TSV skipped (before: 1 pair)" ||
        bad "corpus sk: $(jq -c .totals new.json)"
else
    echo "ok - # SKIP no ../shared: the 24-document bilingual case"
fi

# --- 2, 3. links ------------------------------------------------------------------------------
mkdir -p sl/ar sl/en sl/links
cp "$A/luke15.ar" sl/ar/luke.txt && cp "$A/luke15.en" sl/en/luke.txt
ln -s ../ar/luke.txt sl/links/alias.txt && ln -s ../en sl/links/endir && ln sl/en/luke.txt sl/links/hard.txt
"$J" docalign sl >l5 2>e5; [ "$(pairs l5)" -eq 1 ] && grep -q '^# jisr docalign: 1 source document and 1 target document, 1 pair,' l5 &&
    grep -q $'^# skipped\tsl/links/alias.txt\tthe same file as sl/ar/luke.txt$' l5 &&
    grep -q $'^# skipped\tsl/links/hard.txt\tthe same file as sl/en/luke.txt$' l5 &&
    grep -q 'sl/links/alias.txt: skipped: the same file as sl/ar/luke.txt' e5 &&
    ok "a file reached through a symbolic or hard link is read once" || bad "links: $(cat l5)"
"$J" corpus -o sl.tsv --report-json sl.json sl 2>/dev/null && [ "$(jq .totals.pairs sl.json)" -eq 1 ] &&
    [ "$(jq .totals.skipped sl.json)" -eq 3 ] && [ "$(jq .totals.kept sl.json)" -eq "$(wc -l <sl.tsv)" ] &&
    ok "corpus: one pair, the links skipped" || bad "corpus links: $(jq -c .totals sl.json)"
"$J" docalign sl/ar sl/links/alias.txt sl/en >l5b 2>/dev/null && [ "$(pairs l5b)" -eq 1 ] &&
    grep -q $'^# skipped\tsl/links/alias.txt\tthe same file as sl/ar/luke.txt' l5b &&
    ok "the same file given again as an input: read once" || bad "given twice: $(cat l5b)"
"$J" docalign sl -o abs.list 2>/dev/null &&
    grep -q "^# skipped	$P/sl/links/endir	a symbolic link to a directory (not followed)" abs.list &&
    grep -q "^# skipped	$P/sl/links/alias.txt	the same file as $P/sl/ar/luke.txt$" abs.list &&
    ok "-o list: a link named by its own absolute path (before: its target's)" || bad "absolute link names: $(cat abs.list)"

# --- 4. sides the wrong way round ---------------------------------------------------------------
"$J" docalign --by-position sl/en -- sl/ar >/dev/null 2>e6
grep -q 'sl/en: the source documents are in Latin script, not Arabic (source language ar): are the sides swapped?' e6 &&
    grep -q 'sl/ar: the target documents are in Arabic script, not Latin (target language en)' e6 &&
    ok "docalign --by-position, sides swapped: warned" || bad "swapped docalign: $(cat e6)"
"$J" corpus --by-position -o bp.tsv sl/en -- sl/ar 2>e6b; grep -q 'are the sides swapped?' e6b &&
    ok "corpus --by-position, sides swapped: warned" || bad "swapped corpus: $(cat e6b)"
"$J" docalign --by-position sl/ar -- sl/en >l6c 2>e6c; [ "$(pairs l6c)" -eq 1 ] && ! grep -q swapped e6c &&
    ok "--by-position the right way round: no warning" || bad "by position: $(cat e6c)"

# --- 5. an output naming a document -------------------------------------------------------------
cp sl/en/luke.txt keep.txt
"$J" docalign sl -o sl/en/luke.txt 2>e7; r1=$?
"$J" corpus -o x.tsv -r sl/en/luke.txt sl 2>e7b; r2=$?
[ $r1 -eq 1 ] && [ $r2 -eq 1 ] && grep -q "^jisr: sl/en/luke.txt: is one of this command's outputs" e7 &&
    grep -q "^jisr: sl/en/luke.txt: is one of this command's outputs" e7b && cmp -s keep.txt sl/en/luke.txt &&
    ok "an output naming a document: the path named, exit 1 in both commands" || bad "output = document: $r1 $r2 $(cat e7 e7b)"
"$J" docalign -s fr -t en sl 2>e7c; r1=$?
"$J" corpus -s fr -t en -o y.tsv sl 2>e7d; r2=$?
[ $r1 -eq 2 ] && [ $r2 -eq 2 ] && grep -q 'one script' e7c && grep -q 'one script' e7d &&
    ok "languages of one script without sides: usage error in both commands" || bad "one script: $r1 $r2"

# --- 6. numbers that meant the defaults ---------------------------------------------------------
for o in "--max-chars 0" "--doc-min-score 0"; do
    # shellcheck disable=SC2086
    "$J" corpus sm/ar sm/en -o z.tsv $o 2>e8; [ $? -eq 2 ] && [ ! -e z.tsv ] && grep -q "bad value '0' for ${o%% *}" e8 &&
        ok "corpus $o: usage error (before: the default)" || bad "corpus $o: $(cat e8)"
done
"$J" corpus sm/ar sm/en -o z.tsv --report-json z.json --max-chars 1 --min-chars 0 2>/dev/null &&
    [ "$(jq .totals.dropped[\"too-long\"] z.json)" -eq "$(jq .totals.candidates z.json)" ] &&
    ok "--max-chars 1 drops every pair as too long" || bad "--max-chars 1"

# --- 10. warnings once, progress, directories after a signal ------------------------------------
mkdir -p enc && cp "$D/plain.ar.cp1256.txt" enc/a.txt && cp "$D/plain.en.txt" enc/b.txt
"$J" corpus -o enc.tsv enc 2>e9; [ "$(grep -c 'read as windows-1256' e9)" -eq 1 ] &&
    ok "corpus: the encoding warning once (before: twice)" || bad "corpus warnings: $(cat e9)"
if [ -f "$S/test.list" ]; then
    mkdir -p encbig/ar encbig/en
    for c in $(cut -f1 "$S/test.list" | head -9); do cp "$S/test/$c.ar" "encbig/ar/$c.txt" && cp "$S/test/$c.en" "encbig/en/$c.txt"; done
    cp enc/a.txt enc/b.txt encbig/
    "$J" docalign -p encbig >l9 2>e9b; [ "$(grep -c 'read as windows-1256' e9b)" -eq 1 ] && grep -q $'^a\tencbig/a.txt\tencbig/b.txt' l9 &&
        ok "docalign of 20 documents: the encoding warning once (before: twice)" || bad "docalign warnings: $(cat e9b)"
fi
if command -v script >/dev/null && [ -d sk ]; then
    # chunks of one pair each align in well under 0.1 s: the last count came too soon after
    # the one before and was not drawn
    script -qc "env -u JISR_NO_PROGRESS '$J' corpus -p --chunk 1 -o pg.tsv sk/ar sk/en" /dev/null >pg.out 2>&1
    tr '\r' '\n' <pg.out | grep -aq 'aligning  \[#*\] 12/12' && tr '\r' '\n' <pg.out | grep -aq 'reading   \[#*\] 24/24' &&
        ok "progress: the last counts are drawn" || bad "progress: $(tr '\r' '\n' <pg.out | cat -v)"
else
    echo "ok - # SKIP no script(1) or no ../shared: progress"
fi
mkfifo fifo
for sig in TERM HUP; do
    "$J" corpus -o kout/sub/c.tmx -r kout/r.html sm fifo 2>/dev/null &
    pid=$!
    for _ in $(seq 100); do ls kout/sub/c.tmx.tmp.* >/dev/null 2>&1 && break; sleep 0.1; done
    kill -$sig $pid
    wait $pid 2>/dev/null
    r=$?
    [ $r -gt 128 ] && [ ! -e kout ] && ok "SIG$sig during the run: the directories made are removed" ||
        bad "SIG$sig: exit $r, left: $(find kout 2>&1)"
    rm -rf kout
done
exit $fails
