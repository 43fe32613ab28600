#!/bin/bash
# corpus_cli.sh — `jisr docalign` and `jisr corpus` on the bundled document fixtures (no
# ../shared): formats mixed in one folder, sides by script, a file skipped with its reason, a
# PDF without pdftotext, usage errors, help, and XLIFF through `jisr import`.
set -u
J=${JISR_BINARY:?}
D=${JISR_TEST_DATA:?}/doc
T=$(mktemp -d /tmp/jisr-corpus-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
export JISR_NO_PROGRESS=1
mkdir -p "$T/in/sub"
cp "$D"/report.ar.docx "$D"/report.en.odt "$T/in/"
cp "$D"/plain.ar.cp1256.txt "$T/in/sub/a.txt"
cp "$D"/plain.en.txt "$T/in/sub/b"
printf '\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old word file' >"$T/in/old.doc"
cd "$T"
"$J" docalign in >pairs.list 2>err
[ $? -eq 0 ] && ok "docalign exit 0" || bad "docalign: $(cat err)"
[ "$(grep -vc '^#' pairs.list)" -eq 2 ] && ok "two pairs in a mixed folder" || bad "pairs: $(cat pairs.list)"
grep -q $'in/report.ar.docx\tin/report.en.odt' pairs.list && grep -q $'in/sub/a.txt\tin/sub/b' pairs.list &&
    ok "DOCX pairs with ODT, windows-1256 text with UTF-8 text" || bad "wrong pairs: $(cat pairs.list)"
grep -q 'not UTF-8: read as windows-1256' err && ok "detected encoding: warning" || bad "encoding warning: $(cat err)"
grep -q '^# skipped	in/old.doc	.*Word 97-2003' pairs.list && grep -q 'old.doc: skipped' err &&
    ok ".doc skipped with the reason" || bad "skip reason: $(cat pairs.list err)"
# the PDF without pdftotext: skipped with a clear message, the rest goes on
cp "$D/report.ar.pdf" in/
JISR_PDFTOTEXT=/nonexistent/pdftotext "$J" docalign in >p2.list 2>err2
[ $? -eq 0 ] && grep -q 'report.ar.pdf: skipped: .*pdftotext is not installed.*poppler-utils' err2 &&
    ok "PDF without pdftotext: skipped, message" || bad "pdf skip: $(cat err2)"
rm in/report.ar.pdf
# corpus on the same folder
"$J" corpus -o c.tsv -r c.json in 2>cerr
[ $? -eq 0 ] && ok "corpus exit 0" || bad "corpus: $(cat cerr)"
[ "$(jq .totals.pairs c.json)" -eq 2 ] && [ "$(jq .totals.kept c.json)" -eq "$(wc -l <c.tsv)" ] &&
    ok "corpus report: 2 document pairs, kept = lines" || bad "corpus report: $(jq -c .totals c.json)"
grep -q $'48,250' c.tsv && ok "numbers survive" || bad "content"
[ "$(jq '.skipped | length' c.json)" -eq 1 ] && ok "skipped file in the report" || bad "skipped"
# usage errors and help
"$J" corpus in 2>/dev/null; [ $? -eq 2 ] && ok "corpus without -o: exit 2" || bad "no -o"
"$J" docalign --from bogus in 2>/dev/null; [ $? -eq 2 ] && ok "bad --from: exit 2" || bad "--from"
"$J" docalign -s fr -t en in 2>e3; [ $? -eq 2 ] && grep -q 'one script' e3 &&
    ok "same-script languages need sides" || bad "same script: $(cat e3)"
"$J" docalign nowhere 2>e4; [ $? -eq 1 ] && grep -q 'nowhere' e4 && ok "missing input: exit 1" || bad "missing"
"$J" help docalign | grep -q 'Examples:' && "$J" corpus --help | grep -q 'near-duplicate' &&
    ok "help" || bad "help"
# XLIFF straight into a memory
"$J" import --tm tm "$D/report.en.xlf" 2>ierr && grep -q '5 added' ierr &&
    "$J" query --tm tm -s en -t ar "A new children's room opened in March." | grep -q 'افتتحت قاعة' &&
    ok "jisr import file.xlf" || bad "import xlf: $(cat ierr)"
"$J" convert "$D/report.en.xliff" x.tmx 2>/dev/null && grep -q '<bpt i=' x.tmx && ok "convert XLIFF 2.0 to TMX" || bad "convert xliff"
# one document on each side: a translation pairs, an unrelated text does not
"$J" docalign "$D/report.ar.pdf" "$D/report.en.html" 2>/dev/null | grep -q $'^report\t' &&
    ok "1x1: the PDF pairs with its HTML translation" || bad "1x1 translation"
"$J" docalign "$D/plain.ar.txt" "$D/report.en.html" 2>/dev/null | grep -q '^# unpaired source' &&
    ok "1x1: an unrelated text stays unpaired" || bad "1x1 unrelated"
# a small collection (16 documents or fewer) is checked by aligning every pair: a chapter and its
# translation pair as a 1x1 (before: score 0.03, unpaired); unrelated documents do not, where
# before plain.ar.txt paired report.en.html at 1.0 and Luke 15 paired Acts 27
A=${JISR_TEST_DATA}/align
mkdir -p sm && cp "$A/luke15.ar" sm/luke.ar.txt && cp "$A/acts27.en" sm/acts.en.txt &&
    cp "$D/plain.ar.txt" "$D/report.en.html" sm/
"$J" docalign -p "$A/luke15.ar" "$A/luke15.en" >sm1.list 2>/dev/null &&
    awk -F'\t' '$1 == "luke15" && $2 ~ /luke15.ar$/ && $3 ~ /luke15.en$/ && $4 >= 0.9' sm1.list | grep -q . &&
    ok "1x1: a Bible chapter pairs with its translation" || bad "1x1 chapter: $(cat sm1.list)"
"$J" docalign -p sm >sm2.list 2>/dev/null && ! grep -v '^#' sm2.list | grep -q . &&
    [ "$(grep -c '^# unpaired' sm2.list)" -eq 4 ] &&
    ok "2x2 unrelated: no pair" || bad "2x2 unrelated: $(cat sm2.list)"
cp "$A/luke15.en" sm/luke.en.txt
"$J" docalign -p sm >sm3.list 2>/dev/null && [ "$(grep -vc '^#' sm3.list)" -eq 1 ] &&
    grep -q $'^luke\tsm/luke.ar.txt\tsm/luke.en.txt\t' sm3.list &&
    ok "2x3: only the translation pairs" || bad "2x3: $(cat sm3.list)"
# documents straight into segment and align
"$J" segment "$D/report.en.docx" >seg.txt 2>/dev/null && grep -qx 'The library lent more than 9,400 books.' seg.txt &&
    ! grep -q 'not shown' seg.txt && ok "segment a DOCX" || bad "segment docx"
"$J" segment -f jsonl --from html <"$D/report.ar.html" | grep -q '"kind":"list-item"' &&
    ok "segment HTML from standard input (--from)" || bad "segment --from html"
"$J" align "$D/report.ar.docx" "$D/report.en.docx" -f tmx -o r.tmx 2>/dev/null &&
    xmllint --noout --nonet --dtdvalid "$JISR_TEST_DATA/formats/tmx14.dtd" r.tmx 2>/dev/null &&
    [ "$(grep -c '<tu>' r.tmx)" -ge 15 ] && grep -q 'The room holds forty children.' r.tmx &&
    ok "jisr align report.ar.docx report.en.docx -f tmx -o report.tmx" || bad "align docx"
# align: plain text in a legacy encoding is detected (with a warning), --encoding forces one,
# --from forces a format; -p keeps one sentence per line
"$J" align -f tsv "$D/plain.ar.cp1256.txt" "$D/plain.en.txt" >a1.tsv 2>a1.err &&
    "$J" align -f tsv "$D/plain.ar.txt" "$D/plain.en.txt" >a0.tsv 2>/dev/null && cmp -s a0.tsv a1.tsv &&
    grep -q 'not UTF-8: read as windows-1256' a1.err &&
    ok "align windows-1256 text: detected, the alignment of the UTF-8 copy" || bad "align cp1256: $(cat a1.err)"
"$J" align -f tsv --encoding ISO-8859-6 "$D/plain.ar.iso-8859-6.txt" "$D/plain.en.txt" >a2.tsv 2>a2.err &&
    cmp -s a0.tsv a2.tsv && ! grep -q warning a2.err &&
    ok "align --encoding ISO-8859-6" || bad "align --encoding: $(cat a2.err)"
cp "$D/report.ar.html" ar.data && cp "$D/report.en.html" en.data
"$J" align -f tsv --from html ar.data en.data >a3.tsv 2>/dev/null &&
    "$J" align -f tsv "$D/report.ar.html" "$D/report.en.html" >a4.tsv 2>/dev/null && cmp -s a3.tsv a4.tsv &&
    [ -s a3.tsv ] && ok "align --from html" || bad "align --from html"
"$J" align -p -f ladder "$D/plain.ar.cp1256.txt" "$D/plain.en.txt" >a5.lad 2>/dev/null &&
    [ "$(grep -c . a5.lad)" -ge 4 ] && ok "align -p of a windows-1256 file" || bad "align -p cp1256"
"$J" align --from bogus a b 2>a6.err; [ $? -eq 2 ] && grep -q "unknown document format 'bogus'" a6.err &&
    ok "align --from: usage error" || bad "align --from bogus"
"$J" align --lenient -f tsv "$D/plain.ar.cp1256.txt" "$D/plain.en.txt" >/dev/null 2>a7.err &&
    ! grep -q 'read as windows-1256' a7.err && ok "align --lenient keeps U+FFFD, no detection" || bad "lenient: $(cat a7.err)"
# a TSV dictionary with a line longer than 4 KiB (a long comment) is read whole, not split
{ printf '# '; head -c 6000 /dev/zero | tr '\0' 'x'; printf '\nمكتبة\tlibrary\n'; } >long.dict
"$J" docalign --dict long.dict "$D/report.ar.docx" "$D/report.en.odt" >ld.list 2>ld.err &&
    ! grep -q 'expected source<TAB>target' ld.err && ok "docalign --dict with a 6 KB line" || bad "long dict line: $(cat ld.err)"
# --- one short Arabic and one English document: outputs, numbers, names, folders --------------
mkdir -p "$T/fx/in" && cd "$T/fx"
printf 'اجتمع مجلس الأمن يوم 5 أيار/مايو 2015 لمناقشة الوضع في سوريا. وقرر تمديد الولاية.\n' >in/a.txt
printf 'The Security Council met on 5 May 2015 to discuss the situation in Syria. It decided to extend the mandate.\n' >in/b.txt
cp in/a.txt a.keep
tmps() { find . -name '*.tmp.*' | grep -c .; }
# two outputs naming one file, by any path: a usage error before any work, nothing written
"$J" corpus -o c.tmx -r c.tmx in 2>e1; [ $? -eq 2 ] && [ ! -e c.tmx ] && grep -q -- "-o c.tmx and -r c.tmx name the same file" e1 &&
    ok "corpus -r naming the corpus: usage error, nothing written" || bad "-r = -o: $(cat e1; ls)"
"$J" corpus -o n4.jsonl --report-json n4.jsonl in 2>/dev/null; [ $? -eq 2 ] && [ ! -e n4.jsonl ] &&
    ok "corpus --report-json naming the corpus: usage error" || bad "--report-json = -o"
printf 'old corpus\n' >k.tmx
mkdir d && ln -s . ld
for r in ./k.tmx d/../k.tmx ld/k.tmx; do
    "$J" corpus -o k.tmx -r "$r" in 2>/dev/null; [ $? -eq 2 ] && [ "$(cat k.tmx)" = "old corpus" ] &&
        ok "corpus -o k.tmx -r $r: the same file, refused, old corpus kept" || bad "-r $r: $(head -c 80 k.tmx)"
done
"$J" corpus -o new.tmx -r ld/d/../new.tmx in 2>/dev/null; [ $? -eq 2 ] && [ ! -e new.tmx ] &&
    ok "corpus: a report naming the corpus-to-be through a linked directory is refused" || bad "ld/d/../new.tmx"
"$J" corpus -f moses -o m/train -r m/x/../train.en in 2>e1b; [ $? -eq 2 ] && [ ! -e m ] && grep -q 'm/train.en' e1b &&
    ok "corpus -f moses: a report naming OUT.<tgt> is refused" || bad "moses name check: $(cat e1b)"
# a report that cannot be written: an error before any work, nothing written
for r in /nonexistent/r.html in/a.txt d rl.html; do
    [ "$r" = rl.html ] && ln -sf nowhere.html rl.html
    "$J" corpus -o d.tmx -r "$r" in 2>e2; [ $? -eq 1 ] && [ ! -e d.tmx ] && grep -q "$r" e2 && ! grep -q 'documents' e2 &&
        ok "corpus -r $r: refused before any work, no corpus" || bad "-r $r: $(cat e2; ls)"
done
cmp -s in/a.txt a.keep && ok "the input named as report is untouched" || bad "input overwritten"
mkdir -p in2/sub && cp in/a.txt in/b.txt in2/ && printf 'old report\n' >in2/sub/old.html
"$J" corpus -o d.tmx -r in2/sub/old.html in2 2>e2b; [ $? -eq 1 ] && [ ! -e d.tmx ] && [ "$(cat in2/sub/old.html)" = "old report" ] &&
    grep -q "in2/sub/old.html: is one of this command's outputs, and not a report" e2b &&
    ok "corpus: a report path naming a document deep in an input folder is refused" || bad "deep report: $(cat e2b)"
# a report or list an earlier run left in an input folder: skipped, not read, replaced; the run
# succeeds (before: the second run failed)
mkdir -p in5 && cp in/a.txt in/b.txt in5/
"$J" corpus -o d5.tmx -r in5/r.html --report-json in5/r.json in5 2>/dev/null &&
    "$J" corpus -o d5.tmx -r in5/r.html --report-json in5/r.json in5 2>e5b &&
    grep -q 'in5/r.html: skipped: one of this command.s outputs (not read)' e5b &&
    [ "$(jq '.totals.pairs' in5/r.json)" -eq 1 ] && [ "$(jq '.totals.skipped' in5/r.json)" -eq 2 ] &&
    ok "corpus twice with its reports in the input folder" || bad "rerun with reports inside: $(cat e5b)"
"$J" docalign -o in5/p.list in5 2>/dev/null && "$J" docalign -o in5/p.list in5 2>e5c &&
    grep -q $'^# skipped\t.*in5/p.list\tone of this command.s outputs (not read)' in5/p.list &&
    [ "$(grep -vc '^#' in5/p.list)" -eq 1 ] && ok "docalign twice with its list in the input folder" ||
    bad "docalign rerun: $(cat e5c in5/p.list)"
"$J" docalign -o /nonexistent/dir/p.list in5 2>e5d; [ $? -eq 1 ] && grep -q '/nonexistent/dir' e5d &&
    ! grep -q 'pairs;' e5d && ok "docalign -o into a missing directory: refused before pairing" || bad "docalign -o early: $(cat e5d)"
"$J" corpus -o d.tmx -r d.html --report-json d.json --dict /nonexistent/dict in 2>/dev/null
[ $? -eq 1 ] && [ ! -e d.tmx ] && [ ! -e d.html ] && [ ! -e d.json ] && [ "$(tmps)" -eq 0 ] &&
    ok "corpus failing after the reports were opened: no corpus, no report" || bad "failed run left: $(ls)"
mkdir in3 && cp in/a.txt in/b.txt in3/
"$J" corpus -o d.tmx --report-json in3/r.json in3 2>/dev/null && [ "$(jq '.totals.skipped' in3/r.json)" -eq 0 ] &&
    [ "$(jq '.totals.pairs' in3/r.json)" -eq 1 ] && [ "$(tmps)" -eq 0 ] &&
    ok "corpus: a new report in an input folder, its temporary not read as a document" || bad "report in input: $(cat in3/r.json)"
rm -f d.tmx
# names with a tab or a line break: docalign skips them (a list cannot hold them); corpus reads them
mkdir wn && cp in/a.txt "wn/a	tab.txt" && cp in/a.txt "wn/c
nl.txt" && cp in/b.txt wn/b.txt
"$J" docalign wn >wn.list 2>e3; [ $? -eq 0 ] && ! grep -v '^#' wn.list | grep -q . &&
    grep -q '^# skipped	wn/a\\ttab.txt	.*tab or a line break' wn.list && grep -q '^# skipped	wn/c\\nnl.txt	' wn.list &&
    [ "$(wc -l <wn.list)" -eq 5 ] && grep -q 'wn/a\\ttab.txt: skipped: .*tab or a line break' e3 &&
    ok "docalign: a name with a tab or a newline is skipped with the reason" || bad "tab name: $(cat wn.list e3)"
"$J" align --batch wn.list --out-dir wo -f tsv 2>/dev/null && ok "align --batch reads that list" || bad "align --batch wn.list"
"$J" corpus -o wn.tsv --report-json wn.json wn 2>/dev/null && [ "$(jq .totals.pairs wn.json)" -eq 1 ] &&
    [ "$(jq .totals.skipped wn.json)" -eq 0 ] && ok "corpus reads a name with a tab" || bad "corpus tab name"
# nan and inf: usage errors
for o in "--min-score nan" "--min-script nan" "--ratio nan:nan" "--doc-min-score nan" "--min-score inf" \
    "--ratio 0.5:inf" "--max-chars inf" "--min-chars 1e999" "--chunk nan"; do
    # shellcheck disable=SC2086
    "$J" corpus $o -o e.tsv --report-json e.json in 2>/dev/null; [ $? -eq 2 ] && [ ! -e e.tsv ] && [ ! -e e.json ] &&
        ok "corpus $o: usage error" || bad "corpus $o"
done
"$J" docalign -m nan in >/dev/null 2>&1; [ $? -eq 2 ] && ok "docalign -m nan: usage error" || bad "docalign -m nan"
"$J" docalign -m inf in >/dev/null 2>&1; [ $? -eq 2 ] && ok "docalign -m inf: usage error" || bad "docalign -m inf"
# messages name the option, not its value
"$J" corpus --min-chars -1 -o z.tmx in 2>e5; grep -q "bad value '-1' for --min-chars" e5 && ok "message names --min-chars" || bad "$(cat e5)"
"$J" corpus --min-script 2 -o z.tmx in 2>e5; grep -q "bad value '2' for --min-script" e5 && ok "message names --min-script" || bad "$(cat e5)"
"$J" corpus --doc-min-score 1.5 -o z.tmx in 2>e5; grep -q "bad value '1.5' for --doc-min-score (" e5 && ok "message names --doc-min-score" || bad "$(cat e5)"
"$J" docalign -m 2 in 2>e5; grep -q "bad value '2' for --min-score" e5 && ok "docalign message names --min-score" || bad "$(cat e5)"
# a Moses prefix in a directory that does not exist yet: made (and removed again when the run fails)
"$J" corpus -f moses -o out/train in 2>e6; [ $? -eq 0 ] && [ -s out/train.ar ] && [ -s out/train.en ] &&
    ok "corpus -f moses -o out/train: out/ made" || bad "moses out/: $(cat e6)"
"$J" corpus -f moses -o out2/x/train --dict /nonexistent/dict in 2>/dev/null; [ $? -eq 1 ] && [ ! -e out2 ] &&
    ok "a failed run removes the directories it made" || bad "out2 left"
# what a folder holds that is not a file to read: skipped with the reason
mkdir in4 && cp in/a.txt in/b.txt in4/ && ln -s /nonexistent/x.txt in4/dangling.txt
"$J" docalign in4 >l7 2>e7; [ $? -eq 0 ] && grep -q '^# skipped	in4/dangling.txt	a broken symbolic link' l7 &&
    grep -q 'in4/dangling.txt: skipped: a broken symbolic link' e7 && grep -q '1 skipped' l7 &&
    ok "docalign lists a dangling symbolic link as skipped" || bad "dangling docalign: $(cat l7 e7)"
"$J" corpus -o s.tsv --report-json s.json in4 2>e7; [ $? -eq 0 ] &&
    [ "$(jq -r '.skipped[0].why' s.json)" = "a broken symbolic link (to /nonexistent/x.txt)" ] &&
    grep -q 'in4/dangling.txt: skipped: a broken symbolic link' e7 && grep -q '(1 skipped)' e7 &&
    ok "corpus lists a dangling symbolic link as skipped" || bad "dangling corpus: $(cat e7)"
# docalign -o LIST: every path absolute, the skipped ones too (before: a broken link's relative)
P=$(pwd -P)
"$J" docalign -o abs.list in4 2>/dev/null && grep -q "^# skipped	$P/in4/dangling.txt	a broken symbolic link" abs.list &&
    grep -q "^a	$P/in4/a.txt	$P/in4/b.txt	" abs.list && ok "docalign -o: a skipped file's path is absolute too" ||
    bad "absolute skipped: $(cat abs.list)"
(cd in4 && "$J" docalign -o ../abs2.list . 2>/dev/null) && grep -q "^# skipped	$P/in4/dangling.txt	" abs2.list &&
    ok "docalign -o from inside the folder: absolute skipped path" || bad "absolute skipped (.): $(cat abs2.list)"
# options after the inputs, as the README and the help write them (before: -o read as an input)
mkdir -p ar-site en-site && cp in/a.txt ar-site/ && cp in/b.txt en-site/
"$J" docalign -s ar -t en ar-site/ en-site/ -o pairs.list 2>e8 && [ "$(grep -vc '^#' pairs.list)" -eq 1 ] &&
    ok "docalign -s ar -t en ar-site/ en-site/ -o pairs.list" || bad "docalign -o after inputs: $(cat e8)"
"$J" corpus -s ar -t en ar-site/ en-site/ -o corpus.tmx -r report.html 2>e8 && grep -q "<tu[ >]" corpus.tmx &&
    grep -q '<title>jisr corpus report</title>' report.html &&
    ok "corpus -s ar -t en ar-site/ en-site/ -o corpus.tmx -r report.html" || bad "corpus -o after inputs: $(cat e8)"
"$J" corpus ar-site/ --min-score 0 en-site/ -f tsv -o mid.tsv 2>e8 && [ -s mid.tsv ] &&
    ok "corpus: options among the inputs" || bad "corpus options among inputs: $(cat e8)"
# "--" still ends the sources; after it everything is a target, a file named "-o" too
cp in/b.txt ./-o
"$J" docalign in/a.txt -o dd.list -- -o 2>e8 && grep -q "^a	$P/in/a.txt	$P/-o	" dd.list &&
    ok "docalign SRC -o LIST -- -o: the file named -o is the target" || bad "-- -o: $(cat e8 dd.list)"
"$J" docalign -o dd2.list in/a.txt -- ./-o 2>e8 && grep -q "	$P/-o	" dd2.list &&
    ok "docalign -- ./-o" || bad "-- ./-o: $(cat e8 dd2.list)"
"$J" corpus -o dd.tsv in/a.txt --report-json dd.json -- -o 2>e8 && [ "$(jq .totals.pairs dd.json)" -eq 1 ] &&
    ok "corpus SRC --report-json R -- -o" || bad "corpus -- -o: $(cat e8)"
# by position: "--" after options that follow the sources; English on both sides pairs only so
printf 'The council met on 5 May 2015.\n' >s1.txt && printf 'The council met on 5 May 2015.\n' >t1.txt
"$J" docalign -s en s1.txt -t en-GB -m 0.01 -- t1.txt >bp.list 2>e8 && grep -q "^s1	s1.txt	t1.txt	" bp.list &&
    ok "docalign SRC -t L -- TGT: sides by position" || bad "by position: $(cat e8 bp.list)"
# "--" as an option's value is no separator
"$J" docalign -s en -t en-GB -o -- s1.txt 2>e8; [ $? -eq 2 ] && grep -q 'one script' e8 && [ ! -e -- ] &&
    ok "docalign -o -- : '--' is the value, not the separator" || bad "-o --: $(cat e8)"
rm -f -- -- ./-o
[ "$(tmps)" -eq 0 ] && ok "no temporary left" || bad "temporaries: $(find . -name '*.tmp.*')"
exit $fails
