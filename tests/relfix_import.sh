#!/bin/bash
# relfix_import.sh — what the text line reader (util/lines.c) and the gzip reader of lexicons and
# dictionaries (align/dict.c) say about input they cannot read as it stands:
#  1. columns of FILE:LINE:COL count characters (code points), as JSON's and the docs' do;
#  2. UTF-16 without a byte-order mark and windows-1256 are named, with the iconv command;
#  3. a carriage return alone — old Mac line ends, or a stray one in an LF file — is refused with
#     its position, so that it never ends up inside a stored text (CR LF stays a line end);
#  4. a .gz lexicon or a .dict.dz cut short or damaged is an error, never read in part;
#  5. `jisr help import` and `jisr help lexicon` say what the commands do.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-relfix-import-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
cd "$T" || exit 1
export JISR_NO_PROGRESS=1
units() { $J stats --tm "$1" --json 2>/dev/null | sed -n 's/.*"units":\([0-9]*\).*/\1/p'; }

# ---- 1. columns in characters ----------------------------------------------------------------
printf 'كتاب\tcaf\xe9\n' >latin1.tsv
$J import --tm e1 latin1.tsv 2>err1
check "1: Latin-1 byte after Arabic: exit 1" test $? -eq 1
check "1: column 9 (characters), not 13 (bytes)" grep -q '^jisr: latin1.tsv:1:9: invalid UTF-8 (byte 0xE9)' err1
printf 'كتاب\tx\0y\n' >nul.tsv
$J import --tm e2 -s ar -t en nul.tsv 2>err2
check "1: a NUL byte after Arabic: column 7 (characters)" grep -q '^jisr: nul.tsv:1:7: NUL byte' err2
printf 'كتاب\tbook\nكتاب جديد\n' >onecol.tsv
$J import --tm e2b -s ar -t en onecol.tsv 2>err2b
check "1: a line without a tab: the column after its 9 characters, 10 (not 18 bytes)" \
    grep -q '^jisr: onecol.tsv:2:10: expected two tab-separated columns' err2b

# ---- 2. UTF-16 without a BOM, windows-1256 ---------------------------------------------------
printf 'مرحبا بالعالم\tHello world\nكتاب جديد\tA new book\n' >ar.tsv
iconv -f UTF-8 -t UTF-16LE ar.tsv >u16le.tsv
$J import --tm e3 u16le.tsv 2>err3
check "2: UTF-16LE without a BOM: exit 1" test $? -eq 1
check "2: ... named, with the iconv command" \
    grep -q 'u16le.tsv:1:[0-9]*: .*looks like UTF-16LE without a byte-order mark.*iconv -f UTF-16LE -t UTF-8 u16le.tsv > u16le.utf8.tsv' err3
iconv -f UTF-8 -t UTF-16BE ar.tsv >u16be.tsv
$J import --tm e4 u16be.tsv 2>err4
check "2: UTF-16BE without a BOM, named" grep -q 'looks like UTF-16BE.*iconv -f UTF-16BE' err4
iconv -f UTF-8 -t CP1256 ar.tsv >cp.tsv
$J import --tm e5 cp.tsv 2>err5
check "2: windows-1256: exit 1" test $? -eq 1
check "2: ... named, with the iconv command" \
    grep -q "^jisr: cp.tsv:1:1: invalid UTF-8 (byte 0xE3): the file looks like windows-1256 (Arabic), not UTF-8: convert it first, e.g. iconv -f CP1256 -t UTF-8 cp.tsv > cp.utf8.tsv" err5
$J import --tm e6 -f tsv - <cp.tsv 2>err6
check "2: ... from standard input too" grep -q '<stdin>:1:1: .*windows-1256.*iconv -f CP1256 -t UTF-8' err6
check "2: a Latin-1 file is not called windows-1256" sh -c '! grep -q 1256 err1'

# ---- 3. carriage returns ---------------------------------------------------------------------
printf 'مرحبا بالعالم\tHello world\rالدورة التاسعة والستون\tSixty-ninth session\rكتاب جديد\tA new book\r' >cr_only.tsv
$J import --tm crt -s ar -t en cr_only.tsv 2>err7
rc=$?
check "3: CR-only line ends: exit 1" test $rc -eq 1
check "3: ... FILE:1:COL (characters) naming old Mac line ends and the tr command" \
    grep -q "^jisr: cr_only.tsv:1:26: carriage return without line feed (old Mac line ends?).*tr '\\\\r' '\\\\n' < cr_only.tsv > cr_only.lf.tsv" err7
n=$(units crt)
check "3: ... nothing stored" test "${n:-0}" = 0
$J import --tm crt2 cr_only.tsv 2>err8
check "3: without -s/-t the same message, not 'cannot tell the languages apart'" \
    sh -c "grep -q 'cr_only.tsv:1:26: carriage return without line feed' err8 && ! grep -q 'apart' err8"
printf 'مرحبا بالعالم\tHello world\nالدورة التاسعة\rوالستون\tSixty-ninth session\n' >cr_mid.tsv
$J import --tm crm cr_mid.tsv 2>err9
check "3: a CR inside a line of an LF file: exit 1 at 2:15" \
    sh -c "[ $? -eq 1 ] && grep -q '^jisr: cr_mid.tsv:2:15: carriage return inside a line' err9"
$J import --tm crm --skip-bad cr_mid.tsv 2>err10
rc=$?
n=$(units crm)
check "3: --skip-bad skips that line, keeps the other" \
    sh -c "[ $rc -eq 0 ] && [ '$n' = 1 ] && grep -q 'cr_mid.tsv:2:15: .*(skipped)' err10"
$J export --tm crm -o crm.tmx 2>/dev/null
ncr=$(($(tr -dc '\r' <crm.tmx | wc -c) + $(grep -c '&#13;' crm.tmx)))
check "3: no CR in the stored texts" test "$ncr" = 0
printf 'مرحبا بالعالم\tHello world\r\nكتاب جديد\tA new book\r\n' >crlf.tsv
$J import --tm crlf crlf.tsv 2>err11
rc=$?
n=$(units crlf)
check "3: CR LF line ends import as before" sh -c "[ $rc -eq 0 ] && [ '$n' = 2 ]"
printf 'مرحبا بالعالم\tHello world\r' >one.tsv
$J import --tm one -s ar -t en one.tsv 2>err12
rc=$?
n=$(units one)
check "3: one line ending in CR at the end of the file imports" sh -c "[ $rc -eq 0 ] && [ '$n' = 1 ]"
printf '{"ar":"مرحبا","en":"Hello"}\r{"ar":"كتاب","en":"Book"}\r' >cr.jsonl
$J import --tm crj cr.jsonl 2>err13
check "3: JSONL with CR-only line ends: exit 1, line 1" \
    sh -c "[ $? -eq 1 ] && grep -q 'cr.jsonl:1:[0-9]*: carriage return without line feed' err13"

# ---- 4. a cut or damaged gzip file -----------------------------------------------------------
for i in $(seq 1 400); do
    printf 'الكتاب رقم %d في البيت الكبير رقم %d\tThe book number %d in the big house number %d\n' $i $((i * 3)) $i $((i * 3))
    printf 'ذهب الرجل %d إلى المدينة %d\tThe man %d went to the city %d\n' $i $((i % 17)) $i $((i % 17))
done >train.tsv
$J lexicon train -q -o full.lex.gz -f tsv train.tsv 2>errl
check "4: a lexicon trains" test -s full.lex.gz
size=$(stat -c %s full.lex.gz)
head -c $((size / 2)) full.lex.gz >cut.lex.gz
$J lexicon show cut.lex.gz >out14 2>err14
check "4: lexicon show of a cut .gz: exit 1" test $? -eq 1
check "4: ... 'corrupt or truncated gzip data', nothing printed" \
    sh -c "grep -q '^jisr: cut.lex.gz: corrupt or truncated gzip data' err14 && [ ! -s out14 ]"
$J lexicon show full.lex.gz >/dev/null 2>&1
check "4: the whole file still reads" test $? -eq 0
printf 'الكتاب في البيت.\n' >d.ar
printf 'The book is in the house.\n' >d.en
$J align -s ar -t en --lexicon cut.lex.gz d.ar d.en >/dev/null 2>err15
check "4: align --lexicon with a cut .gz: exit 1, named" \
    sh -c "[ $? -eq 1 ] && grep -q 'cut.lex.gz: corrupt or truncated gzip data' err15"
# damaged in the middle (not cut): the same error
python3 -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read())
for k in range(len(b) // 3, len(b) // 3 + 64):
    b[k] ^= 0x5A
open(sys.argv[2], "wb").write(b)' full.lex.gz bad.lex.gz
$J lexicon show bad.lex.gz >/dev/null 2>err16
check "4: a damaged .gz: exit 1, 'corrupt or truncated gzip data'" \
    sh -c "[ $? -eq 1 ] && grep -q 'bad.lex.gz: corrupt or truncated gzip data' err16"
# a dictd dictionary whose .dict.dz is cut short
python3 - <<'EOF'
import base64
digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
def b64(v):
    s = ""
    while True:
        s = digits[v % 64] + s
        v //= 64
        if not v:
            return s
data, idx = b"", []
for i in range(3000):
    e = ("كتاب%d\nbook number %d, a volume of the library shelf %d\n" % (i, i, i * 7)).encode()
    idx.append("كتاب%d\t%s\t%s\n" % (i, b64(len(data)), b64(len(e))))
    data += e
open("dd.index", "w").writelines(idx)
open("dd.dict", "wb").write(data)
EOF
gzip -9 -c dd.dict >dd.dict.full.gz
head -c $(($(stat -c %s dd.dict.full.gz) / 2)) dd.dict.full.gz >dd.dict.dz
rm dd.dict
$J align -s ar -t en --dict dd.index d.ar d.en >/dev/null 2>err17
check "4: align --dict with a cut .dict.dz: exit 1, named" \
    sh -c "[ $? -eq 1 ] && grep -q 'dd.dict.dz: corrupt or truncated gzip data' err17"
mv dd.dict.full.gz dd.dict.dz
$J align -s ar -t en --dict dd.index d.ar d.en >/dev/null 2>err18
check "4: ... the whole one reads" test $? -eq 0

# ---- 5. the helps ----------------------------------------------------------------------------
$J help import >hi
check "5: help import: exit 1 after committed batches is told" \
    sh -c "tr '\n' ' ' <hi | grep -q 'unless its storing failed after some batches were committed'"
check "5: help import: the line ends and encodings" \
    sh -c "tr '\n' ' ' <hi | grep -q 'carriage return without line feed' && grep -q 'windows-1256' hi"
$J help lexicon >hl
check "5: help lexicon: the header only without WORD" \
    sh -c "tr '\n' ' ' <hl | grep -q 'without WORD, print the header of a lexicon'"
$J lexicon show full.lex.gz >h1
$J lexicon show full.lex.gz book >h2
check "5: ... which is what show does" sh -c "grep -q '^entries:' h1 && ! grep -q '^entries:' h2"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
