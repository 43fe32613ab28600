#!/bin/bash
# corpus_bible.sh — `jisr corpus` end to end on the Bible clean/test chapters (files under
# random names, 20 % distractors on one side only): the strict F1 of the pairs it writes,
# scored against the verse gold, must be within 0.01 of aligning the known pairs directly
# (`jisr align --batch` on the true list, scored the same way: aligned pairs only). Also the
# report (JSON and HTML) and the output formats. Exits 77 without ../shared.
set -u
J=${JISR_BINARY:?}
S=${JISR_SHARED_DATA:?}/bible-ar-en/align/clean
[ -f "$S/test.list" ] || { echo "no ../shared: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-corpus.XXXXXX)
trap 'rm -rf "$T"' EXIT
/usr/bin/python3 "$JISR_SOURCE_DIR/tests/bible_folders.py" "$S" test "$T" || exit 1
cd "$T"
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
JISR_NO_PROGRESS=1 "$J" corpus -p -o out.jsonl -r report.html --report-json report.json ar en 2>err
rc=$?
[ $rc -eq 0 ] && ok "corpus exit 0" || { bad "corpus exit $rc: $(cat err)"; exit 1; }
"$J" align -p -f jsonl --batch truth.list --out-dir direct >/dev/null 2>&1 || bad "direct align"
# both scored the same way: every written pair is a test bead of its chapter
/usr/bin/python3 - <<'PY' >scores || exit 1
import json, glob, os
truth = {}
for l in open('truth'):
    a, e, c = l.rstrip('\n').split('\t')
    truth[os.path.basename(a).split('.')[0]] = c
def idx(v):
    return '[' + ','.join(str(x) for x in v) + ']'
os.makedirs('via-corpus', exist_ok=True)
os.makedirs('via-align', exist_ok=True)
beads = {}
for l in open('out.jsonl'):
    u = json.loads(l)
    props = {p['type']: p['value'] for p in u['meta']['props']}
    chap = truth.get(props['x-document'])
    if chap is None:
        chap = 'WRONG-' + props['x-document']  # a wrong document pair: all its beads miss
    beads.setdefault(chap, []).append('[%s]:[%s]' % (props['x-source-sentences'],
                                                     props['x-target-sentences']))
for c in truth.values():
    open('via-corpus/%s.ladder' % c, 'w').write('\n'.join(beads.get(c, [])) + '\n')
    d = ['%s:%s' % (idx(o['src_idx']), idx(o['tgt_idx'])) for o in
         (json.loads(x) for x in open('direct/%s.jsonl' % c))]
    open('via-align/%s.ladder' % c, 'w').write('\n'.join(d) + '\n')
wrong = sum(len(v) for k, v in beads.items() if k.startswith('WRONG-'))
print(wrong)
PY
wrong=$(cat scores)
"$J" align-eval --json --list truth.list --dir via-corpus >c.json
"$J" align-eval --json --list truth.list --dir via-align >d.json
fc=$(jq -e .f1_strict c.json) || bad "align-eval of the corpus output"
fd=$(jq -e .f1_strict d.json) || bad "align-eval of the direct alignment"
echo "strict F1: corpus $fc, direct alignment of the known pairs $fd; pairs from wrong document pairs: $wrong"
awk -v a="$fc" -v b="$fd" 'BEGIN { a += 0; b += 0; d = a - b; if (d < 0) d = -d
    exit !(a > 0.5 && d <= 0.01) }' &&
    ok "corpus F1 within 0.01 of direct alignment" || bad "F1 $fc vs $fd"
# the report
jq -e '.totals.pairs > 100 and .totals.kept > 1000 and (.unpaired | length) >= 30 and
       (.totals.dropped | has("near-duplicate")) and (.samples.kept | length) == 5' report.json >/dev/null &&
    ok "JSON report: totals, unpaired, reasons, samples" || bad "JSON report"
kept=$(jq .totals.kept report.json)
[ "$(wc -l <out.jsonl)" -eq "$kept" ] && ok "kept = lines written" || bad "kept $kept != $(wc -l <out.jsonl)"
grep -q '<h2>Pairs dropped, by reason</h2>' report.html && grep -q 'dir="rtl"' report.html &&
    grep -q 'Documents not paired' report.html && ok "HTML report" || bad "HTML report"
grep -q 'kept, .* dropped' err && ok "summary on stderr" || bad "summary: $(cat err)"
# other outputs: Moses prefix, TMX valid against the DTD, TSV
mkdir -p mo
JISR_NO_PROGRESS=1 "$J" corpus -p -f moses -o mo/train ar en 2>/dev/null &&
    [ "$(wc -l <mo/train.ar)" -eq "$kept" ] && [ "$(wc -l <mo/train.en)" -eq "$kept" ] &&
    ok "Moses prefix: train.ar and train.en" || bad "Moses output"
JISR_NO_PROGRESS=1 "$J" corpus -p -o out.tmx ar en 2>/dev/null &&
    xmllint --noout --nonet --dtdvalid "$JISR_TEST_DATA/formats/tmx14.dtd" out.tmx 2>/dev/null &&
    ok "TMX output valid TMX 1.4" || bad "TMX output"
# the output may not be an input, and a failure leaves no file
first=$(ls ar | head -1)
cp "ar/$first" keep
JISR_NO_PROGRESS=1 "$J" corpus -p -o "ar/$first" -f tsv ar en 2>/dev/null
[ $? -ne 0 ] && cmp -s keep "ar/$first" && ok "output over an input refused" || bad "output over input"
JISR_NO_PROGRESS=1 "$J" corpus -p -o x.doc ar en 2>/dev/null
[ $? -eq 2 ] && ok "unknown output format: usage error" || bad "bad format exit"
exit $fails
