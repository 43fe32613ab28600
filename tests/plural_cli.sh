#!/bin/bash
# plural_cli.sh — the counts in the human messages agree with their nouns (util/plural.h): a
# one-unit and a two-unit TMX through import, export, stats, reindex, delete and convert say
# "1 unit" and "2 units" (never "1 units"); docalign, corpus, lexicon, align-eval, query's batch
# summary and serve's start-up lines likewise ("1 pair", "1 document", "1 entry"/"entries",
# "1 query", "1 I/O thread", "1 character"), and the first line of a docalign list (a comment for
# people). Otherwise only messages on standard error: --json, the TSV and the rows of the list
# files keep their form.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-plural-XXXXXX)
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$T"' EXIT
export JISR_NO_PROGRESS=1
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1

cat >one.tmx <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu tuid="a1"><tuv xml:lang="en"><seg>The river is long.</seg></tuv><tuv xml:lang="ar"><seg>النهر طويل.</seg></tuv></tu>
</body></tmx>
EOF
cat >two.tmx <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu tuid="b1"><tuv xml:lang="en"><seg>Open the file.</seg></tuv><tuv xml:lang="ar"><seg>افتح الملف.</seg></tuv></tu>
<tu tuid="b2"><tuv xml:lang="en"><seg>Save the report.</seg></tuv><tuv xml:lang="ar"><seg>احفظ التقرير.</seg></tuv></tu>
</body></tmx>
EOF

# import
"$J" import --tm m1 one.tmx 2>imp1.err
check "import: '1 unit read'" '[ $? -eq 0 ] && grep -q "^one.tmx: 1 unit read, 1 added, 0 merged, 0 skipped (" imp1.err'
"$J" import --tm m2 two.tmx 2>imp2.err
check "import: '2 units read'" '[ $? -eq 0 ] && grep -q "^two.tmx: 2 units read, 2 added, 0 merged, 0 skipped (" imp2.err'

# export (the summary names the output file)
"$J" export --tm m1 -o e1.tmx 2>exp1.err
check "export: '1 unit exported'" '[ $? -eq 0 ] && [ "$(cat exp1.err)" = "e1.tmx: 1 unit exported" ]'
"$J" export --tm m2 -o e2.tmx 2>exp2.err
check "export: '2 units exported'" '[ $? -eq 0 ] && [ "$(cat exp2.err)" = "e2.tmx: 2 units exported" ]'
"$J" export --tm m2 -s en -t fr -o e0.tsv 2>exp0.err
check "export: '0 units exported, 2 without both …'" \
    'grep -q "^e0.tsv: 0 units exported, 2 without both en and fr left out$" exp0.err'

# stats: a label and its number ("units: 1"), the JSON unchanged
"$J" stats --tm m1 >st1.out 2>&1
check "stats: 'units: 1' (no '1 units')" 'grep -q "^units: *1$" st1.out && ! grep -q "1 units" st1.out'
"$J" stats --tm m2 >st2.out 2>&1
check "stats: 'units: 2'" 'grep -q "^units: *2$" st2.out'
check "stats --json: the key is still units" '[ "$("$J" stats --tm m1 --json | jq .units)" = 1 ]'

# reindex
"$J" reindex --tm m1 2>ri1.err
check "reindex: '1 unit reindexed'" '[ $? -eq 0 ] && grep -q "^m1: 1 unit reindexed with ICU" ri1.err'
"$J" reindex --tm m2 2>ri2.err
check "reindex: '2 units reindexed'" '[ $? -eq 0 ] && grep -q "^m2: 2 units reindexed with ICU" ri2.err'

# convert: the warnings count the units left out; a usage error counts the arguments
"$J" convert -s en -t fr one.tmx c1.tsv 2>cv1.err
check "convert: '1 unit without both en and fr left out'" \
    'grep -q "^jisr: warning: 1 unit without both en and fr left out$" cv1.err'
"$J" convert -s en -t fr two.tmx c2.tsv 2>cv2.err
check "convert: '2 units without both en and fr left out'" \
    'grep -q "^jisr: warning: 2 units without both en and fr left out$" cv2.err'
"$J" convert one.tmx 2>cv3.err
check "convert: 'got 1 argument'" '[ $? -eq 2 ] && grep -q "expected IN and OUT, got 1 argument$" cv3.err'

# delete (a dry run, then the units themselves)
"$J" delete --tm m2 -n 1 2 2>dd2.err
check "delete -n: '2 units would be deleted'" '[ "$(cat dd2.err)" = "2 units would be deleted (dry run: none deleted)" ]'
"$J" delete --tm m1 -n 1 2>dd1.err
check "delete -n: '1 unit would be deleted'" '[ "$(cat dd1.err)" = "1 unit would be deleted (dry run: none deleted)" ]'
"$J" delete --tm m1 1 2>del1.err
check "delete: '1 unit deleted'" '[ $? -eq 0 ] && [ "$(cat del1.err)" = "1 unit deleted" ]'
"$J" delete --tm m2 1 2 2>del2.err
check "delete: '2 units deleted'" '[ $? -eq 0 ] && [ "$(cat del2.err)" = "2 units deleted" ]'

# lexicon train: sentence pairs, entries
"$J" lexicon train -o l1.gz one.tmx 2>lx1.err
check "lexicon: 'from 1 sentence pair'" 'grep -q "entries from 1 sentence pair (0 left out, 0 refused units skipped)" lx1.err'
"$J" lexicon train -o l2.gz two.tmx 2>lx2.err
check "lexicon: 'from 2 sentence pairs'" 'grep -q "entries from 2 sentence pairs (0 left out" lx2.err'

# query: a batch's lines that cannot be asked (a query of more than 100,000 tokens)
long=$(/usr/bin/python3 -c 'print("a " * 100001)')
"$J" import -q --tm m3 two.tmx
printf 'Open the file\n%s\n' "$long" | "$J" query --tm m3 -s en -t ar --json >/dev/null 2>q1.err
check "query: '1 query not asked'" 'grep -q "^jisr: 1 query not asked (above)" q1.err'
printf '%s\n%s\nOpen the file\n' "$long" "$long" | "$J" query --tm m3 -s en -t ar --json >/dev/null 2>q2.err
check "query: '2 queries not asked'" 'grep -q "^jisr: 2 queries not asked (above)" q2.err'

# docalign and corpus: documents and pairs
printf 'The river is long. It flows to the sea.\n' >r.en.txt
printf 'النهر طويل. يجري إلى البحر.\n' >r.ar.txt
printf 'Open the file and save the report.\n' >f.en.txt
printf 'افتح الملف واحفظ التقرير.\n' >f.ar.txt
"$J" docalign -s ar -t en r.ar.txt r.en.txt f.en.txt >da1.list 2>da1.err
check "docalign: '1 pair; 0 source documents and 1 target document unpaired'" \
    'grep -q "^jisr: 1 pair; 0 source documents and 1 target document unpaired$" da1.err'
"$J" docalign -s ar -t en r.ar.txt r.en.txt f.ar.txt f.en.txt >da2.list 2>da2.err
check "docalign: '2 pairs; 0 source documents and 0 target documents unpaired'" \
    'grep -q "^jisr: 2 pairs; 0 source documents and 0 target documents unpaired$" da2.err'
# the list's first line (a comment for people, written by corpus/pairing.c): "1 pairs" and "1
# source and 1 target documents" until session 36
"$J" docalign -s ar -t en r.ar.txt r.en.txt f.en.txt -o da1.out 2>/dev/null
check "docalign -o LIST: '# … 1 source document and 2 target documents, 1 pair, …'" \
    '[ "$(head -n 1 da1.out)" = "# jisr docalign: 1 source document and 2 target documents, 1 pair, 0 and 1 unpaired, 0 skipped" ]'
"$J" docalign -s ar -t en r.ar.txt r.en.txt f.ar.txt f.en.txt -o da2.out 2>/dev/null
check "docalign -o LIST: '# … 2 source documents and 2 target documents, 2 pairs, …'" \
    '[ "$(head -n 1 da2.out)" = "# jisr docalign: 2 source documents and 2 target documents, 2 pairs, 0 and 0 unpaired, 0 skipped" ]'
"$J" docalign -s ar -t en r.ar.txt f.en.txt -o da0.out 2>/dev/null
check "docalign -o LIST: '# … 1 source document and 1 target document, 0 pairs, …'" \
    'head -n 1 da0.out | grep -q "^# jisr docalign: 1 source document and 1 target document, 0 pairs, 1 and 1 unpaired"'
"$J" corpus -s ar -t en -o k1.tmx f.ar.txt f.en.txt 2>co1.err
check "corpus: '2 documents …, 1 pair of documents, 1 aligned pair'" \
    'grep -q "^jisr: 2 documents (0 skipped), 1 pair of documents, 1 aligned pair: 1 kept, 0 dropped" co1.err'
"$J" corpus -s ar -t en -o k2.tmx r.ar.txt r.en.txt f.ar.txt f.en.txt 2>co2.err
check "corpus: '4 documents …, 2 pairs of documents, 3 aligned pairs'" \
    'grep -q "^jisr: 4 documents (0 skipped), 2 pairs of documents, 3 aligned pairs: 3 kept" co2.err'

# align-eval: one document of one bead
"$J" align -s ar -t en -p -f ladder -o f.ladder f.ar.txt f.en.txt 2>/dev/null
"$J" align-eval f.ladder f.ladder >ae.out 2>&1
check "align-eval: '1 document, 1 test bead, 1 gold bead'" \
    'grep -q "^1 document, 1 test bead, 1 gold bead (without 0-1/1-0)$" ae.out'

# serve: the start-up lines (one memory, one thread of each kind, a one-character token)
printf 'x\n' >tok && chmod 600 tok
"$J" serve --tm m3 --listen 127.0.0.1:0 --threads 1 --query-threads 1 --token-file tok \
    --ready-file rdy -q 2>srv.err &
SRV=$!
for _ in $(seq 100); do [ -s rdy ] && break; sleep 0.1; done
kill "$SRV" 2>/dev/null
wait "$SRV" 2>/dev/null
SRV=
check "serve: '(1 memory, 1 I/O thread, 1 query thread and 1 for expensive queries'" \
    'grep -q "listening on http://127.0.0.1:[0-9]* (1 memory, 1 I/O thread, 1 query thread and 1 for expensive queries" srv.err'
check "serve: 'the token has 1 character;'" 'grep -q "warning: the token has 1 character;" srv.err'

# the align report (HTML), a Moses pair of unequal files, stats' index line
printf 'النهر طويل.\n' >h.ar && printf 'The river is long.\n' >h.en
"$J" align -s ar -t en -f html -o h.html h.ar h.en 2>align.err
check "align -f html: '1 source and 1 target sentence: 1 pair, 0 unaligned sentences, 0 pairs'" \
    'grep -q "1 source and 1 target sentence: 1 pair, 0 unaligned sentences, 0 pairs below" h.html'
printf 'one\n' >u.en && printf 'واحد\nاثنان\n' >u.ar
"$J" convert -s en -t ar --in2 u.ar u.en u.tmx 2>moses.err
check "convert (Moses, unequal files): 'ends after 1 line'" 'grep -q "ends after 1 line but" moses.err'
"$J" stats --tm m1 >stats1.out 2>&1
check "stats: 'posting chunk' agrees with its count" \
    'grep -Eq "^index: +(1 posting chunk|([02-9]|[0-9]{2,}) posting chunks)$" stats1.out'

# nowhere a count of 1 with a plural noun
check "no message says '1 units', '1 pairs', '1 documents' …" \
    '! grep -E "(^|[^0-9.,])1 (units|pairs|documents|entries|queries|threads|memories|beads|sentences|batches|warnings|characters|arguments|lines|chunks)\b" *.err ae.out h.html stats1.out'

tap_end
