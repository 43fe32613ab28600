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
exit $fails
