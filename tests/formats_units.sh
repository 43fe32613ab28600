#!/bin/bash
# formats_units.sh — issue 11 B: what goes in must come out. One set of limits and checks in the
# unit model and the line reader, the same for every reader (TSV, Moses, JSONL, TMX), so that a
# file jisr accepts can always be written, and a file jisr writes can always be read back.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-units.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
py=/usr/bin/python3

# --- 11. an over-long line is skipped whole: its tail is never read as a record ------------------
# 16 MiB + 1 bytes of junk (one byte over the line limit), then a valid unit on the same line
$py - <<'PY'
pad = b"x" * ((16 << 20) + 1)
tail_json = '{"source":"hidden tail","target":"ذيل مخفي"}'.encode()
good = lambda i: ('{"source":"good %d","target":"جيد %d"}\n' % (i, i)).encode()
with open("evil.jsonl", "wb") as f:
    f.write(good(1) + pad + tail_json + b"\n" + good(2))
with open("evil.tsv", "wb") as f:
    f.write("good 1\tجيد 1\n".encode() + pad + "hidden tail\tذيل مخفي\n".encode() + "good 2\tجيد 2\n".encode())
PY
$J import --tm tmJ --skip-bad -s en -t ar evil.jsonl 2>err
rc=$?
$J export --tm tmJ -s en -t ar -o J.tsv 2>/dev/null
check "JSONL --skip-bad: the over-long line is reported (line 2) and skipped" \
    '[ $rc -eq 0 ] && grep -q "evil.jsonl:2:1: line longer than" err'
check "... the unit hidden at its end is not imported, both good ones are" \
    '! grep -q "hidden tail" J.tsv && [ "$(wc -l <J.tsv)" = 2 ]'
$J import --tm tmT --skip-bad -s en -t ar evil.tsv 2>err
rc=$?
$J export --tm tmT -s en -t ar -o T.tsv 2>/dev/null
check "TSV --skip-bad: the same line is skipped, not fatal" \
    '[ $rc -eq 0 ] && grep -q "evil.tsv:2:1: line longer than" err && [ "$(wc -l <T.tsv)" = 2 ] && ! grep -q "hidden tail" T.tsv'
$J convert -s en -t ar evil.tsv strict.tmx 2>err
check "... and without --skip-bad it fails, naming line 2, writing nothing" \
    '[ $? -eq 1 ] && grep -q "evil.tsv:2:1:" err && [ ! -e strict.tmx ]'
rm -f evil.jsonl evil.tsv

# --- 10. NUL bytes never silently truncate a field -------------------------------------------
printf 'abc\0def\tHello\0world\nok\tfine\n' >nul.tsv
$J convert -s ar -t en nul.tsv nul.jsonl 2>err
check "TSV with NUL: exit 1 naming line and column, nothing written" \
    '[ $? -eq 1 ] && grep -q "nul.tsv:1:4: NUL byte" err && [ ! -e nul.jsonl ]'
$J convert --skip-bad -s ar -t en nul.tsv nul.jsonl 2>err
check "... --skip-bad skips that line only" '[ $? -eq 0 ] && [ "$(wc -l <nul.jsonl)" = 1 ] && grep -q fine nul.jsonl'
printf 'one\0two\nthree\n' >m.en
printf 'واحد\nثلاثة\n' >m.ar
$J convert -s en -t ar m.en m.tsv 2>err
check "Moses with NUL: exit 1 naming the file and line" '[ $? -eq 1 ] && grep -q "m.en:1:4: NUL byte" err'
$J import --tm tmN -s ar -t en nul.tsv 2>err
check "import of a TSV with NUL: exit 1, nothing stored" '[ $? -eq 1 ] && grep -q "nul.tsv:1:4:" err'

echo "1..$n"
[ $fails -eq 0 ]
