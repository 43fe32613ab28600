#!/bin/bash
# alignio_fixes.sh — what `jisr align`, `docalign`, `corpus` and `segment` read and write, from a
# corpus engineer's report:
#   - a document given as a pipe (bash's <(cmd)) or a FIFO is read once, whole: before, one
#     without -p lost its first 64 KiB (exit 0), a small one came out empty, and a FIFO hung;
#     corpus and docalign (which read a document again) and a legacy-encoded -p input too
#   - -s/-t are checked and written as BCP 47 (ar_SA → ar-SA): before, `align -s 'ar;x'` wrote a
#     TMX that jisr could not import
#   - a control character in a pair bound for TMX: FILE:LINE named, nothing written (before:
#     "unit N" and a truncated TMX on stdout); --skip-bad leaves the pair out
#   - an unknown -o extension is a usage error (before: a ladder under any name)
#   - Arabic naming English UI terms is an Arabic document (before: skipped as bilingual, or put
#     on the English side, and align warned "are the files swapped?"); --keep-mixed reads a
#     bilingual-looking file
set -u
J=${JISR_BINARY:?}
A=${JISR_TEST_DATA:?}/align
D=${JISR_TEST_DATA:?}/doc
T=$(mktemp -d /tmp/jisr-alignio.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
export JISR_NO_PROGRESS=1
cd "$T" || exit 1

# --- 1. pipes and FIFOs ------------------------------------------------------------------------
# 30 copies of Luke 15 (a blank line every 5 verses): 130 KiB of Arabic, 74 KiB of English
for i in $(seq 1 30); do awk -v i="$i" '{ print i ". " $0 } NR % 5 == 0 { print "" }' "$A/luke15.ar"; done >big.ar
for i in $(seq 1 30); do awk -v i="$i" '{ print i ". " $0 } NR % 5 == 0 { print "" }' "$A/luke15.en"; done >big.en
# through a FIFO: the writer in the background, bounded in time
fifo_run() { # fifo_run FILE CMD... : CMD reads fifo f, fed with FILE
    rm -f f && mkfifo f || return 1
    timeout 60 sh -c 'cat "$1" >f' sh "$1" &
    local w=$! rc
    shift
    timeout 60 "$@"
    rc=$?
    kill "$w" 2>/dev/null
    wait "$w" 2>/dev/null
    rm -f f
    return $rc
}
for p in "" "-p"; do
    "$J" align $p big.ar big.en >file.l 2>/dev/null
    "$J" align $p big.ar <(cat big.en) >pipe.l 2>/dev/null; r1=$?
    fifo_run big.en "$J" align $p big.ar f >fifo.l 2>/dev/null; r2=$?
    "$J" align $p <(cat big.ar) <(cat big.en) >pipe2.l 2>/dev/null
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ -s file.l ] && cmp -s file.l pipe.l && cmp -s file.l fifo.l &&
        cmp -s file.l pipe2.l && ok "align ${p:-(text)}: a pipe and a FIFO give the file's ladder" ||
        bad "align ${p:-(text)} through a pipe/FIFO: rc $r1 $r2, $(wc -l <file.l) vs $(wc -l <pipe.l) / $(wc -l <fifo.l) beads"
done
"$J" align "$A/luke15.ar" "$A/luke15.en" >file.l 2>/dev/null
"$J" align "$A/luke15.ar" <(cat "$A/luke15.en") >pipe.l 2>e1
cmp -s file.l pipe.l && ! grep -q 'no sentence' e1 && ok "align: a small piped file is read (before: empty)" ||
    bad "small pipe: $(cat e1)"
# a legacy encoding through a pipe with -p: the text reader fails, the doc layer reads it again
"$J" align -p "$D/plain.ar.cp1256.txt" "$D/plain.en.txt" >file.l 2>/dev/null
"$J" align -p <(cat "$D/plain.ar.cp1256.txt") "$D/plain.en.txt" >pipe.l 2>e2; r=$?
[ $r -eq 0 ] && cmp -s file.l pipe.l && grep -q 'windows-1256' e2 &&
    ok "align -p: a windows-1256 pipe is read whole, once" || bad "cp1256 pipe: rc $r $(cat e2)"
"$J" align "$D/report.ar.docx" "$D/report.en.docx" >file.l 2>/dev/null
"$J" align <(cat "$D/report.ar.docx") <(cat "$D/report.en.docx") >pipe.l 2>/dev/null
cmp -s file.l pipe.l && ok "align: DOCX through pipes" || bad "docx pipes"
"$J" segment big.ar >s1 2>/dev/null
"$J" segment <(cat big.ar) >s2 2>/dev/null
fifo_run big.ar "$J" segment f >s3 2>/dev/null
cmp -s s1 s2 && cmp -s s1 s3 && ok "segment: a pipe and a FIFO give the file's sentences" ||
    bad "segment pipe: $(wc -l <s1) vs $(wc -l <s2) / $(wc -l <s3)"
mkdir -p dp/ar && cp big.ar dp/ar/luke.txt
"$J" docalign dp/ar/luke.txt <(cat big.en) >dl 2>/dev/null
[ "$(grep -vc '^#' dl)" -eq 1 ] && ok "docalign: a piped document pairs" || bad "docalign pipe: $(cat dl)"
"$J" corpus -o file.tsv dp/ar/luke.txt big.en 2>/dev/null
"$J" corpus -o pipe.tsv dp/ar/luke.txt <(cat big.en) 2>/dev/null
fifo_run big.en "$J" corpus -o fifo.tsv dp/ar/luke.txt f 2>/dev/null
[ -s file.tsv ] && cmp -s file.tsv pipe.tsv && cmp -s file.tsv fifo.tsv &&
    ok "corpus: a pipe and a FIFO give the file's corpus (read twice: kept in memory)" ||
    bad "corpus pipe: $(cat file.tsv pipe.tsv fifo.tsv 2>/dev/null | wc -l) lines in the three"

# --- 2. language tags --------------------------------------------------------------------------
"$J" align -p -s ar_sa -t en_us "$A/luke15.ar" "$A/luke15.en" -f tmx -o t.tmx 2>/dev/null &&
    grep -q 'srclang="ar-SA"' t.tmx && grep -q 'xml:lang="ar-SA"' t.tmx && grep -q 'xml:lang="en-US"' t.tmx &&
    ! grep -q '_' <(grep -o 'lang="[^"]*"' t.tmx) && "$J" import --tm tm t.tmx >/dev/null 2>&1 &&
    ok "align -s ar_sa -t en_us: ar-SA and en-US in the TMX, which imports" || bad "ar_SA: $(grep -m3 -o 'lang="[^"]*"' t.tmx)"
"$J" align -p -s ar_SA "$A/luke15.ar" "$A/luke15.en" -f jsonl 2>/dev/null | head -1 | grep -q '"srclang":"ar-SA"' &&
    ok "align -f jsonl: srclang ar-SA" || bad "jsonl tag"
"$J" align -p -s 'ar;x' "$A/luke15.ar" "$A/luke15.en" -f tmx -o t2.tmx 2>e3; r=$?
[ $r -eq 2 ] && grep -q "'ar;x' is not a language tag" e3 && [ ! -e t2.tmx ] &&
    ok "align -s 'ar;x': usage error, nothing written" || bad "align ar;x: rc $r $(cat e3)"
"$J" align -p -t 'en us' "$A/luke15.ar" "$A/luke15.en" >/dev/null 2>e4; r=$?
[ $r -eq 2 ] && grep -q -- "-t 'en us'" e4 && ok "align -t 'en us': usage error" || bad "align en us: rc $r"
"$J" corpus -s ar_SA -o c.tmx dp/ar/luke.txt big.en 2>/dev/null && grep -q 'xml:lang="ar-SA"' c.tmx &&
    ok "corpus -s ar_SA: ar-SA in the corpus" || bad "corpus ar_SA: $(grep -m2 -o 'lang="[^"]*"' c.tmx)"
"$J" corpus -t 'en us' -o c2.tmx dp/ar/luke.txt big.en 2>/dev/null; r1=$?
"$J" docalign -s 'ar;x' dp/ar/luke.txt big.en >/dev/null 2>&1; r2=$?
[ $r1 -eq 2 ] && [ $r2 -eq 2 ] && [ ! -e c2.tmx ] && ok "corpus -t and docalign -s with a bad tag: usage errors" ||
    bad "corpus/docalign bad tag: $r1 $r2"

# --- 3. TMX and control characters -------------------------------------------------------------
awk 'NR == 5 { sub(/ /, " \006") } { print }' "$A/luke15.ar" >ctl.ar
"$J" align -p ctl.ar "$A/luke15.en" -f tmx >out.tmx 2>e5; r=$?
[ $r -eq 1 ] && [ ! -s out.tmx ] && grep -q 'ctl.ar:5: the source sentence holds U+0006' e5 &&
    grep -q -- '--skip-bad' e5 && ok "tmx: a control character is an error naming ctl.ar:5; nothing on stdout" ||
    bad "control character: rc $r, $(wc -c <out.tmx) bytes, $(cat e5)"
"$J" align -p ctl.ar "$A/luke15.en" -f tmx -o o.tmx 2>/dev/null; r=$?
[ $r -eq 1 ] && [ ! -e o.tmx ] && ok "tmx -o: nothing written" || bad "tmx -o: rc $r"
"$J" align -p "$A/luke15.ar" "$A/luke15.en" -f tmx -o all.tmx 2>/dev/null
"$J" align -p --skip-bad ctl.ar "$A/luke15.en" -f tmx -o skip.tmx 2>e6; r=$?
n1=$(grep -c '<tu>' all.tmx); n2=$(grep -c '<tu>' skip.tmx 2>/dev/null)
[ $r -eq 0 ] && [ "$n2" -eq $((n1 - 1)) ] && grep -q 'ctl.ar:5: .*left out' e6 &&
    /usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' skip.tmx &&
    ok "tmx --skip-bad: the pair left out ($n1 → $n2 units), named; the TMX well-formed" ||
    bad "--skip-bad: rc $r, $n1 → $n2, $(cat e6)"
# in plain text: the line of the sentence inside its paragraph; the target side
awk 'NR == 7 { sub(/ /, " \001") } { print } NR % 3 == 0 { print "" }' "$A/luke15.en" >ctl.en
"$J" align "$A/luke15.ar" ctl.en -f tmx >/dev/null 2>e7; r=$?
line=$(grep -n $'\001' ctl.en | cut -d: -f1)
[ $r -eq 1 ] && grep -q "ctl.en:$line: the target sentence holds U+0001" e7 &&
    ok "tmx: the target's line in a paragraph (ctl.en:$line)" || bad "target line $line: $(cat e7)"
"$J" align -p ctl.ar "$A/luke15.en" -f tsv >/dev/null 2>&1 && ok "tsv carries the control character" ||
    bad "tsv control character"
printf 'luke\t%s\t%s\n' "$T/ctl.ar" "$A/luke15.en" >b.list
"$J" align -p --batch b.list --out-dir bo -f tmx 2>e8; r=$?
[ $r -eq 1 ] && grep -q "$T/ctl.ar:5:" e8 && ok "tmx --batch: the file and line named" || bad "batch tmx: $(cat e8)"

# --- 4. the output's extension -----------------------------------------------------------------
"$J" align -p "$A/luke15.ar" "$A/luke15.en" -o out.moses 2>e9; r=$?
[ $r -eq 2 ] && [ ! -e out.moses ] && grep -q "give -f" e9 && ok "-o out.moses: usage error" ||
    bad "out.moses: rc $r $(cat e9)"
"$J" align -p "$A/luke15.ar" "$A/luke15.en" -o out 2>/dev/null && grep -q '^\[0\]:\[0\]:' out &&
    "$J" align -p "$A/luke15.ar" "$A/luke15.en" -o out.TSV 2>/dev/null && grep -q $'\t' out.TSV &&
    "$J" align -p "$A/luke15.ar" "$A/luke15.en" -f tsv -o out.moses 2>/dev/null &&
    ok "-o without an extension: a ladder; .TSV: tsv; -f with any name" || bad "extensions"

# --- 5. Arabic naming English terms ------------------------------------------------------------
mkdir -p mx/ar mx/en
cat >mx/ar/guide.txt <<'EOF'
لتغيير إعدادات الشبكة في جهازك، افتح تطبيق Settings من قائمة البدء ثم اختر Network and Internet.
إذا لم يظهر الخيار المطلوب، فانقر على Advanced network settings في أسفل الصفحة.
عند استمرار المشكلة، اكتب الأمر ipconfig /flushdns في نافذة Command Prompt ثم اضغط مفتاح الإدخال.
يمكنك أيضا إعادة تشغيل Windows Explorer من خلال Task Manager دون الحاجة إلى إعادة تشغيل الجهاز بالكامل.
قبل تثبيت البرنامج، تأكد من تثبيت حزمة Microsoft Visual C++ Redistributable على جهازك.
EOF
cat >mx/en/guide.txt <<'EOF'
To change the network settings on your device, open the Settings app from the Start menu and then choose Network and Internet.
If the option you need does not appear, click Advanced network settings at the bottom of the page.
If the problem persists, type the command ipconfig /flushdns in the Command Prompt window and press Enter.
You can also restart Windows Explorer from Task Manager without restarting the whole device.
Before installing the program, make sure the Microsoft Visual C++ Redistributable package is installed on your device.
EOF
cat >tech.ar <<'EOF'
افتح Settings ثم اختر Network and Internet.
انقر على Advanced network settings.
اكتب الأمر ipconfig /flushdns في Command Prompt.
أعد تشغيل Windows Explorer من Task Manager.
ثبّت Microsoft Visual C++ Redistributable.
EOF
cat >tech.en <<'EOF'
Open Settings and then choose Network and Internet.
Click Advanced network settings.
Type the command ipconfig /flushdns in Command Prompt.
Restart Windows Explorer from Task Manager.
Install Microsoft Visual C++ Redistributable.
EOF
cp "$A/luke15.ar" mx/ar/luke.txt && cp "$A/luke15.en" mx/en/luke.txt
"$J" docalign -p mx >l1 2>e10
[ "$(grep -vc '^#' l1)" -eq 2 ] && ! grep -q '^# skipped' l1 && grep -q $'^guide\t' l1 &&
    ok "docalign: Arabic with 36 % Latin letters pairs (before: skipped as bilingual)" || bad "guide: $(cat l1 e10)"
cp tech.ar mx/ar/guide.txt && cp tech.en mx/en/guide.txt
"$J" docalign -p mx >l2 2>/dev/null
[ "$(grep -vc '^#' l2)" -eq 2 ] && grep -q $'^guide\tmx/ar/guide.txt\tmx/en/guide.txt' l2 &&
    ok "docalign: Arabic with 77 % Latin letters is on the Arabic side (before: the English one)" ||
    bad "tech: $(cat l2)"
"$J" align -p tech.ar tech.en >/dev/null 2>e11
! grep -q 'swapped' e11 && ok "align: no 'are the files swapped?' for Arabic naming English terms" ||
    bad "align swapped: $(cat e11)"
"$J" align -p tech.en tech.ar >/dev/null 2>e12
grep -q 'the source text is in Latin script, not Arabic' e12 && ok "align: swapped files still warned of" ||
    bad "swapped: $(cat e12)"
paste "$A/luke15.ar" "$A/luke15.en" >mx/old.tsv
"$J" docalign -p mx >l3 2>/dev/null
grep -q $'^# skipped\tmx/old.tsv\tholds both Arabic and Latin text: a bilingual file' l3 &&
    grep -q 'keep-mixed' l3 && ok "docalign: a bilingual TSV still skipped, the override named" || bad "tsv: $(cat l3)"
"$J" docalign -p --keep-mixed mx >l4 2>/dev/null
! grep -q '^# skipped' l4 && grep -q 'mx/old.tsv' l4 && [ "$(grep -vc '^#' l4)" -eq 2 ] &&
    ok "docalign --keep-mixed: the TSV read as a document" || bad "keep-mixed: $(cat l4)"

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
