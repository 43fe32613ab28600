#!/bin/bash
# align_cli.sh — `jisr align` and `jisr align-eval` end to end: help and exit codes, every output
# format (ladder, tsv, jsonl, tmx validated against the TMX DTD and imported into a memory,
# html), --min-score, batch over a list, the JSONL filter (--batch -), plain-text input through
# the segmenter, and align-eval on hand-computed and bundled gold ladders.
set -u
J=${JISR_BINARY:?}
D=${JISR_TEST_DATA:?}/align
SRC=${JISR_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
DTD=${JISR_TEST_DATA}/formats/tmx14.dtd
T=$(mktemp -d /tmp/jisr-align-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
export JISR_NO_PROGRESS=1
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

f1() { "$J" align-eval --json "$1" "$2" | sed 's/.*"f1_strict":\([0-9.]*\).*/\1/'; }

# --- help and usage ----------------------------------------------------------------------------
"$J" align --help >"$T/help" 2>&1
check "align --help exits 0 with examples" '[ $? -eq 0 ] && grep -q "Examples:" "$T/help"'
"$J" help align | cmp -s - "$T/help"
check "jisr help align = --help" '[ $? -eq 0 ]'
"$J" align-eval --help >"$T/help2" 2>&1
check "align-eval --help exits 0" '[ $? -eq 0 ] && grep -q "score.py" "$T/help2"'
"$J" align only-one.txt 2>"$T/err"
check "one file: exit 2" '[ $? -eq 2 ] && grep -q "Try .jisr help align" "$T/err"'
"$J" align -f pdf a b 2>/dev/null
check "unknown format: exit 2" '[ $? -eq 2 ]'
"$J" align --min-score 2 a b 2>/dev/null
check "--min-score out of range: exit 2" '[ $? -eq 2 ]'
"$J" align --batch list.tsv 2>/dev/null
check "--batch LIST without --out-dir: exit 2" '[ $? -eq 2 ]'
"$J" align --batch - -o x 2>/dev/null </dev/null
check "--batch - with -o: exit 2" '[ $? -eq 2 ]'
"$J" align-eval a 2>/dev/null
check "align-eval with one file: exit 2" '[ $? -eq 2 ]'
"$J" align -p "$T/missing.ar" "$D/numbers.en" 2>"$T/err"
check "missing input: exit 1, jisr: prefix" '[ $? -eq 1 ] && grep -q "^jisr: .*missing.ar" "$T/err"'
printf '[0]:[0]\n[1]:[1\n' >"$T/broken.ladder"
"$J" align-eval "$D/numbers.gold" "$T/broken.ladder" 2>"$T/err"
check "malformed ladder: exit 1 with FILE:LINE:COL" \
    '[ $? -eq 1 ] && grep -q "broken.ladder:2:7:" "$T/err"'

# --- align-eval on hand-computed ladders (see test_align.c for the arithmetic) ------------------
printf '[0]:[0]\n[1]:[1,2]\n[2]:[]\n[3,4]:[3]\n' >"$T/g"
printf '[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n[3]:[3]\n[4]:[]\n' >"$T/t"
"$J" align-eval "$T/g" "$T/t" >"$T/ev"
check "align-eval table: P 0.3333/0.6667, R 0.3333/1, F1 0.3333/0.8" \
    'grep -q "precision    0.3333   0.6667" "$T/ev" && grep -q "recall       0.3333   1.0000" "$T/ev" && grep -q "F1           0.3333   0.8000" "$T/ev"'

# --- ladder ----------------------------------------------------------------------------------
"$J" align -s ar -t en -p "$D/numbers.ar" "$D/numbers.en" >"$T/n.ladder"
check "ladder is the default format" 'grep -q "^\[0\]:\[0\]:[01]\.[0-9]*$" "$T/n.ladder"'
check "numbers document: strict F1 1 (1-2, 0-1 and 1-0 beads found)" \
    '[ "$(f1 "$D/numbers.gold" "$T/n.ladder")" = "1.000000" ]'
"$J" align -p -o "$T/out.ladder" "$D/numbers.ar" "$D/numbers.en"
check "-o FILE.ladder writes the same ladder" 'cmp -s "$T/out.ladder" "$T/n.ladder"'
"$J" align -p --length-only "$D/numbers.ar" "$D/numbers.en" >"$T/gc.ladder"
check "length only misses what the anchors find" \
    '[ "$(f1 "$D/numbers.gold" "$T/gc.ladder")" != "1.000000" ]'

# --- tsv / jsonl ------------------------------------------------------------------------------
"$J" align -p -f tsv "$D/numbers.ar" "$D/numbers.en" >"$T/n.tsv"
check "tsv: one line per aligned pair (6)" '[ "$(wc -l <"$T/n.tsv")" -eq 6 ]'
check "tsv: three fields per line" '[ -z "$(awk -F"\t" "NF != 3" "$T/n.tsv")" ]'
check "tsv: the 1-2 bead joins two target sentences" \
    'sed -n 3p "$T/n.tsv" | grep -q "by 2004. The board met 12 times"'
# a threshold between the lowest and the highest score drops the pairs under it, keeps the rest
lo=$(cut -f3 "$T/n.tsv" | sort -n | head -1)
hi=$(cut -f3 "$T/n.tsv" | sort -n | tail -1)
mid=$(awk -v a="$lo" -v b="$hi" 'BEGIN{printf "%.4f", (a + b) / 2}')
below=$(awk -F'\t' -v m="$mid" '$3 < m' "$T/n.tsv" | wc -l)
"$J" align -p -f tsv --min-score "$mid" "$D/numbers.ar" "$D/numbers.en" >"$T/min.tsv"
check "--min-score drops the pairs under it and keeps the rest" \
    '[ "$(wc -l <"$T/min.tsv")" -eq $((6 - below)) ] && [ -z "$(awk -F"\t" -v m="$mid" "\$3 < m" "$T/min.tsv")" ]'
"$J" align -p -f tsv --min-score 1 "$D/numbers.ar" "$D/numbers.en" >"$T/min1.tsv"
check "--min-score 1 keeps only pairs scored 1" '[ -z "$(awk -F"\t" "\$3 < 1" "$T/min1.tsv")" ]'
"$J" align -p -o "$T/n.jsonl" "$D/numbers.ar" "$D/numbers.en"
check "jsonl from the -o extension: 6 objects" '[ "$(wc -l <"$T/n.jsonl")" -eq 6 ]'
if command -v python3 >/dev/null; then
    check "jsonl: valid JSON with source/target/score/src_idx/tgt_idx" \
        'python3 -c "
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert all(set(r) >= {\"srclang\", \"tgtlang\", \"source\", \"target\", \"score\", \"src_idx\", \"tgt_idx\"} for r in rows)
assert rows[2][\"src_idx\"] == [2] and rows[2][\"tgt_idx\"] == [2, 3], rows[2]
assert rows[0][\"srclang\"] == \"ar\" and 0 <= rows[0][\"score\"] <= 1
" "$T/n.jsonl"'
fi

# --- tmx: valid and importable ----------------------------------------------------------------
"$J" align -p -f tmx -o "$T/n.tmx" "$D/numbers.ar" "$D/numbers.en"
check "tmx written" '[ -s "$T/n.tmx" ] && [ "$(grep -c "<tu>" "$T/n.tmx")" -eq 6 ]'
if command -v xmllint >/dev/null && [ -f "$DTD" ]; then
    check "tmx validates against the TMX 1.4 DTD" \
        '[ -z "$(xmllint --noout --nonet --dtdvalid "$DTD" "$T/n.tmx" 2>&1)" ]'
fi
"$J" import --tm "$T/tm" -q "$T/n.tmx" 2>"$T/err"
check "jisr import reads the tmx" '[ $? -eq 0 ]'
"$J" stats --tm "$T/tm" --json >"$T/stats" 2>/dev/null
check "the memory holds the 6 pairs" 'grep -q "\"units\":6" "$T/stats"'
"$J" import --tm "$T/tm2" -q "$T/n.tsv" -s ar -t en 2>/dev/null
check "jisr import reads the tsv" '[ $? -eq 0 ]'
"$J" import --tm "$T/tm3" -q "$T/n.jsonl" 2>/dev/null
check "jisr import reads the jsonl" '[ $? -eq 0 ]'

# --- html -------------------------------------------------------------------------------------
printf 'الجملة <b>الأولى</b> & ١.\nالجملة الثانية ٢.\n' >"$T/h.ar"
printf 'The <b>first</b> sentence & 1.\nAn extra line.\nThe second sentence 2.\n' >"$T/h.en"
"$J" align -p -f html "$T/h.ar" "$T/h.en" >"$T/h.html"
check "html: a complete page" 'grep -q "<!DOCTYPE html>" "$T/h.html" && grep -q "</html>" "$T/h.html"'
check "html: Arabic cells are right-to-left" 'grep -q "lang=\"ar\" dir=\"rtl\"" "$T/h.html"'
check "html: text is escaped" \
    'grep -q "&lt;b&gt;first&lt;/b&gt; sentence &amp; 1." "$T/h.html" && ! grep -q "<b>first" "$T/h.html"'
"$J" align -p -f html "$D/numbers.ar" "$D/numbers.en" >"$T/n.html"
check "html: unaligned sentences are shown (the 0-1 and the 1-0)" \
    '[ "$(grep -c "class=\"un\"" "$T/n.html")" -eq 2 ] && grep "class=\"un\"" "$T/n.html" | grep -q "A new director"'
check "html: pairs coloured by confidence" 'grep -Eq "class=\"(hi|mid|lo)" "$T/h.html"'
# the colours follow the calibrated score, the one -f ladder prints: green from 0.9, yellow from
# 0.5, red below, grey unaligned (the numbers document gives green and yellow rows; the lexicon
# document without its lexicon and dictionary, its English side led by an unrelated line, red and
# yellow ones)
classes() { grep -o '<tr class="[a-z]*' "$1" | sed 's/.*"//' | tr '\n' ' '; }
expected() {
    awk -F: '{ if ($1 == "[]" || $2 == "[]") c = "un"; else if ($3 >= 0.9) c = "hi";
               else if ($3 >= 0.5) c = "mid"; else c = "lo"; printf "%s ", c }' "$1"
}
"$J" align -p "$D/numbers.ar" "$D/numbers.en" >"$T/n.lad"
{ head -n 1 "$D/numbers.en" && cat "$D/lexdoc.en"; } >"$T/x.en"
"$J" align -p --no-lexicon --no-dict -f html "$D/lexdoc.ar" "$T/x.en" >"$T/x.html"
"$J" align -p --no-lexicon --no-dict "$D/lexdoc.ar" "$T/x.en" >"$T/x.lad"
check "html: row colours follow the score (green, yellow, red, grey)" \
    '[ "$(classes "$T/n.html")" = "$(expected "$T/n.lad")" ] &&
     [ "$(classes "$T/x.html")" = "$(expected "$T/x.lad")" ] &&
     classes "$T/n.html" | grep -q "hi .*mid" && classes "$T/x.html" | grep -q "lo .*mid"'

# --- batch over a list ------------------------------------------------------------------------
mkdir -p "$T/docs"
cp "$D/numbers.ar" "$D/numbers.en" "$T/docs/"
cp "$D/numbers.gold" "$T/docs/copy.gold"
printf 'numbers\tdocs/numbers.ar\tdocs/numbers.en\t%s\textra\ncopy\tdocs/numbers.ar\tdocs/numbers.en\tdocs/copy.gold\n' \
    "$D/numbers.gold" >"$T/list"
(cd / && "$J" align -p --batch "$T/list" --out-dir "$T/out")
check "batch: exit 0, one ladder per document" \
    '[ $? -eq 0 ] && [ -s "$T/out/numbers.ladder" ] && [ -s "$T/out/copy.ladder" ]'
"$J" align-eval --list "$T/list" --dir "$T/out" >"$T/ev"
check "align-eval --list sums both documents" 'grep -q "^2 documents" "$T/ev" && grep -q "F1           1.0000" "$T/ev"'
"$J" align -p -f html --batch "$T/list" --out-dir "$T/outh"
check "batch: -f html writes ID.html" '[ -s "$T/outh/numbers.html" ] && [ -s "$T/outh/copy.html" ]'
printf 'x\tdocs/none.ar\tdocs/none.en\n' >"$T/badlist"
"$J" align -p --batch "$T/badlist" --out-dir "$T/out" 2>"$T/err"
check "batch: a missing document fails with exit 1" '[ $? -eq 1 ] && grep -q "none.ar" "$T/err"'
printf 'x\tonly-two\n' >"$T/shortlist"
"$J" align -p --batch "$T/shortlist" --out-dir "$T/out" 2>"$T/err"
check "batch: a short row is an error naming the line" '[ $? -eq 1 ] && grep -q "shortlist:1:" "$T/err"'

# --- output folders, repeated ids, dictionary bounds, models --------------------------------
(cd / && "$J" align -p --batch "$T/list" --out-dir "$T/deep/er/out")
check "--out-dir creates missing parent folders" '[ $? -eq 0 ] && [ -s "$T/deep/er/out/numbers.ladder" ]'
printf 'x\tdocs/numbers.ar\tdocs/numbers.en\ny\tdocs/numbers.ar\tdocs/numbers.en\nx\tdocs/numbers.ar\tdocs/numbers.en\n' >"$T/duplist"
"$J" align -p --batch "$T/duplist" --out-dir "$T/dupout" 2>"$T/err"
check "--batch LIST: a repeated id is refused naming both lines, nothing written" \
    '[ $? -eq 1 ] && grep -q "duplist:3:1: .*\"x\" is repeated (first on line 1)" "$T/err" && [ ! -e "$T/dupout" ]'
printf 'ok\tdocs/numbers.ar\tdocs/numbers.en\n../up\tdocs/numbers.ar\tdocs/numbers.en\n' >"$T/uplist"
"$J" align -p --batch "$T/uplist" --out-dir "$T/upout" 2>"$T/err"
check "--batch LIST: an id with / or .. is refused" '[ $? -eq 1 ] && grep -q "uplist:2:1:" "$T/err"'
printf '{"id":"a","src":["x"],"tgt":["y"]}\n{"id":"b","src":["x"],"tgt":["y"]}\n{"id":"a","src":["x"],"tgt":["y"]}\n' |
    "$J" align -p --batch - >/dev/null 2>"$T/err"
check "--batch -: a repeated id is refused naming both lines" \
    '[ $? -eq 1 ] && grep -q "<stdin>:3:1: .*\"a\" is repeated (first on line 1)" "$T/err"'
"$J" align -p --dict /dev/zero "$D/numbers.ar" "$D/numbers.en" >/dev/null 2>"$T/err"
check "--dict /dev/zero: refused as binary, naming the file" '[ $? -eq 1 ] && grep -q "^jisr: /dev/zero:.*binary" "$T/err"'
"$J" align -p --model 1 "$D/numbers.ar" "$D/numbers.en" >"$T/m1.ladder"
check "--model 1 (jisr 0.1's model) still aligns the numbers document" \
    '[ $? -eq 0 ] && [ "$(f1 "$D/numbers.gold" "$T/m1.ladder")" = "1.000000" ]'
# outputs through the safe writer (issue 11, item 1): a link is not followed, an input not replaced
echo PRECIOUS >"$T/victim"
ln -s "$T/victim" "$T/link.tsv"
"$J" align -p -f tsv -o "$T/link.tsv" "$D/numbers.ar" "$D/numbers.en" 2>"$T/err"
check "-o through a symbolic link: refused, its target untouched" \
    '[ $? -eq 1 ] && grep -q "symbolic link" "$T/err" && [ "$(cat "$T/victim")" = PRECIOUS ]'
mkdir -p "$T/linkdir"
ln -s "$T/victim" "$T/linkdir/numbers.tsv"
"$J" align -p -f tsv --batch "$T/list" --out-dir "$T/linkdir" 2>"$T/err"
check "--out-dir holding a link at an output name: refused, its target untouched" \
    '[ $? -eq 1 ] && [ "$(cat "$T/victim")" = PRECIOUS ]'
cp "$D/numbers.en" "$T/in.en"
"$J" align -p -f tsv -o "$T/in.en" "$D/numbers.ar" "$T/in.en" 2>"$T/err"
check "-o naming an input: refused, the input unchanged" \
    '[ $? -eq 1 ] && cmp -s "$T/in.en" "$D/numbers.en"'
"$J" align -p --model 3 a b 2>/dev/null
check "--model 3: exit 2" '[ $? -eq 2 ]'
"$J" align -p --lexicon "$T/missing.lex" "$D/numbers.ar" "$D/numbers.en" 2>"$T/err" >/dev/null
check "--lexicon missing: exit 1 naming it" '[ $? -eq 1 ] && grep -q "missing.lex" "$T/err"'

# --- the JSONL filter -------------------------------------------------------------------------
python_arr() { awk 'BEGIN{printf "["} {gsub(/\\/,"\\\\"); gsub(/"/,"\\\""); printf "%s\"%s\"", (NR>1?",":""), $0} END{printf "]"}' "$1"; }
{
    printf '{"id":"num","src":%s,"tgt":%s}\n' "$(python_arr "$D/numbers.ar")" "$(python_arr "$D/numbers.en")"
    printf '\n{"source":"واحد ١.\\nاثنان ٢.","target":"One 1.\\nTwo 2."}\n'
} >"$T/in.jsonl"
"$J" align -p --batch - <"$T/in.jsonl" >"$T/out.jsonl"
check "--batch -: exit 0, every pair of both documents" \
    '[ $? -eq 0 ] && [ "$(grep -c "\"id\":\"num\"" "$T/out.jsonl")" -eq 6 ] && [ "$(grep -c "\"id\":\"3\"" "$T/out.jsonl")" -eq 2 ]'
noscore() { sed -e 's/^{"id":"num",/{/' -e 's/"score":[0-9.]*,//' "$@"; }
check "--batch -: same pairs as the single-document run" \
    '[ "$(grep "\"id\":\"num\"" "$T/out.jsonl" | noscore | md5sum)" = "$(noscore "$T/n.jsonl" | md5sum)" ]'
"$J" align -p --batch - --chunk 1 <"$T/in.jsonl" >"$T/out1.jsonl"
check "--chunk 1 streams document by document" '[ "$(wc -l <"$T/out1.jsonl")" -eq 8 ]'
printf '{"id":7,"src":"الجملة الأولى فيها ١٢ كلمة. والثانية فيها ٣٤!\\n\\nفقرة ثانية عن ٥٦ شيئا.","tgt":"The first sentence has 12 words. The second has 34!\\n\\nA second paragraph about 56 things."}\n' |
    "$J" align --batch - >"$T/seg.jsonl"
check "--batch - segments string documents (3 sentences a side, integer id)" \
    '[ "$(grep -c "\"id\":\"7\"" "$T/seg.jsonl")" -eq 3 ] && grep -q "\"src_idx\":\[2\],\"tgt_idx\":\[2\]" "$T/seg.jsonl"'
printf '{"id":"a","src":"x"}\n' | "$J" align --batch - >/dev/null 2>"$T/err"
check "--batch -: a line without tgt is an error on line 1" '[ $? -eq 1 ] && grep -q "<stdin>:1:" "$T/err"'
printf '{"id": nope}\n' | "$J" align --batch - >/dev/null 2>"$T/err"
check "--batch -: bad JSON is an error" '[ $? -eq 1 ] && grep -q "<stdin>:1:" "$T/err"'

# --- plain text through the segmenter, and the bundled corpora --------------------------------
if [ -f "$SRC/corpora/ar-article.txt" ] && [ -f "$SRC/corpora/article.gold" ]; then
    "$J" align -s ar -t en "$SRC/corpora/ar-article.txt" "$SRC/corpora/en-article.txt" >"$T/art.ladder"
    check "plain text is segmented and aligned" \
        '[ $? -eq 0 ] && [ "$(grep -c . "$T/art.ladder")" -ge 10 ]'
    "$J" align -s ar -t en -p "$SRC/corpora/article.ar.sent" "$SRC/corpora/article.en.sent" >"$T/a.ladder"
    check "seed article (ar->en): strict F1 >= 0.9" \
        'awk "BEGIN{exit !($(f1 "$SRC/corpora/article.gold" "$T/a.ladder") >= 0.9)}"'
    "$J" align -s en -t ar -p "$SRC/corpora/guide.en.sent" "$SRC/corpora/guide.ar.sent" >"$T/g.ladder"
    check "guide (en->ar): strict F1 >= 0.9" \
        'awk "BEGIN{exit !($(f1 "$SRC/corpora/guide.gold" "$T/g.ladder") >= 0.9)}"'
fi


# blank lines read with --lines are empty sentences: never paired with a real one
printf 'مرحبا.\n\n' >"$T/e1.ar"; printf 'Hello.\nThe end.\n' >"$T/e1.en"
"$J" align -p -f tsv -m 0 "$T/e1.ar" "$T/e1.en" >"$T/e1.tsv" 2>/dev/null
check "--lines: an empty source line is not paired" '[ $? -eq 0 ] && ! grep -q "^	" "$T/e1.tsv" && [ "$(wc -l <"$T/e1.tsv")" -eq 1 ]'
printf '\n\n\n' >"$T/e2.ar"; printf 'Press statement\nThe Council met.\nThe end.\n' >"$T/e2.en"
"$J" align -p -f ladder "$T/e2.ar" "$T/e2.en" >"$T/e2.lad" 2>/dev/null
check "--lines: blank lines against text: no aligned bead" '[ $? -eq 0 ] && ! grep -q "^\[[0-9][0-9]*\]:\[[0-9]" "$T/e2.lad"'
printf '{"src":"a\\u0000b","tgt":"y"}\n' | "$J" align --batch - >/dev/null 2>"$T/nul.err"
check "--batch -: a NUL escape is an error in plain words" '[ $? -eq 1 ] && grep -q "<stdin>:1:.*NUL) is not allowed" "$T/nul.err" && ! grep -q JSON_ALLOW_NUL "$T/nul.err"'
printf 'مرحبا.\n' >"$T/x.ar"; printf 'Hello.\n' >"$T/x.en"
"$J" align -p "$T/x.ar" "$T/x.en" -o "$T/out.TMX" 2>/dev/null
check "-o out.TMX: the format from an upper-case extension" '[ $? -eq 0 ] && grep -q "<tmx" "$T/out.TMX"'
# a document against an unrelated one: no pair kept at 0.5, and a warning naming the document;
# against its translation, every pair kept and no warning
"$J" align -p -f tsv -m 0.5 "$D/luke15.ar" "$D/acts27.en" >"$T/un.tsv" 2>"$T/un.err"
check "unrelated documents: exit 0, no pair at 0.5, a warning" '[ $? -eq 0 ] && [ ! -s "$T/un.tsv" ] && grep -q "^jisr: warning: .*luke15.ar: 0 of the source.s 22 sentences are in pairs scoring 0.5 or more: the two documents may not translate each other" "$T/un.err"'
"$J" align -p -f tsv -m 0.5 "$D/luke15.ar" "$D/luke15.en" >"$T/rel.tsv" 2>"$T/rel.err"
check "a translation: 22 pairs at 0.5, no warning" '[ $? -eq 0 ] && [ "$(wc -l <"$T/rel.tsv")" -eq 22 ] && [ ! -s "$T/rel.err" ]'
# a side with no sentence; a side in the other script (swapped files, or English twice)
: >"$T/empty.en"
"$J" align -p "$D/luke15.ar" "$T/empty.en" >/dev/null 2>"$T/w1.err"
check "an empty target: exit 0 and a warning" '[ $? -eq 0 ] && grep -q "luke15.ar: the target has no sentence: nothing to align" "$T/w1.err"'
"$J" align -p "$D/luke15.en" "$D/luke15.ar" >/dev/null 2>"$T/w2.err"
check "swapped files: each side named as in the other script" '[ $? -eq 0 ] && grep -q "the source text is in Latin script, not Arabic (-s ar): are the files swapped" "$T/w2.err" && grep -q "the target text is in Arabic script, not en (-t en)" "$T/w2.err"'
"$J" align -p "$D/luke15.en" "$D/luke15.en" >/dev/null 2>"$T/w3.err"
check "English twice with -s ar: a warning" '[ $? -eq 0 ] && grep -q "the source text is in Latin script" "$T/w3.err"'
printf 'id1\t%s\t%s\n' "$D/luke15.ar" "$D/acts27.en" >"$T/un.list"
"$J" align -p --batch "$T/un.list" -d "$T/undir" 2>"$T/unb.err"
check "--batch: the warning names the document id" '[ $? -eq 0 ] && grep -q "^jisr: warning: id1: 0 of" "$T/unb.err"'
# one verse a line without full stops, read as plain text (not -p): each line is a sentence
# (the segmenter sees that the lines were not wrapped), so the chapter aligns as with -p
sed 's/[.:!؟«»]//g' "$D/luke15.ar" >"$T/np.ar"
"$J" align -f tsv -m 0.5 "$T/np.ar" "$D/luke15.en" >"$T/np.tsv" 2>"$T/np.err"
check "verse lines without -p: 22 pairs at 0.5, no warning" '[ $? -eq 0 ] && [ "$(wc -l <"$T/np.tsv")" -ge 21 ] && [ ! -s "$T/np.err" ]'
# the Arabic on one line without full stops: one sentence against 32; warned, with the -p hint
tr '\n' ' ' <"$T/np.ar" >"$T/one.ar"
"$J" align -f tsv -m 0.5 "$T/one.ar" "$D/luke15.en" >"$T/one.tsv" 2>"$T/one.err"
check "one long sentence against many: both warnings" '[ $? -eq 0 ] && grep -q "0 of the target.s [0-9]* sentences are in pairs" "$T/one.err" && grep -q "if each line of the files is one sentence, -p" "$T/one.err"'
tap_end
