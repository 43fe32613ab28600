#!/bin/bash
# docalign_bible.sh — `jisr docalign` on the Bible clean/test chapters of ../shared: each chapter
# a file, Arabic and English in two folders under shuffled names (no name tells the pair), 20 %
# of the chapters present on one side only (half Arabic-only, half English-only). Asserts
# precision >= 0.99 and recall >= 0.98 of the pairs found (exits 77 without ../shared).
# Also: the list feeds `jisr align --batch`, and a mixed folder is split by script.
set -u
J=${JISR_BINARY:?}
S=${JISR_SHARED_DATA:?}/bible-ar-en/align/clean
[ -f "$S/test.list" ] || { echo "no ../shared: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-docalign.XXXXXX)
trap 'rm -rf "$T"' EXIT
/usr/bin/python3 "$JISR_SOURCE_DIR/tests/bible_folders.py" "$S" test "$T" || exit 1
fails=0
cd "$T"
"$J" docalign -s ar -t en -p ar en >pairs.list 2>err
rc=$?
[ $rc -eq 0 ] || { echo "not ok - docalign exit $rc: $(cat err)"; exit 1; }
read -r P R NP NT < <(awk -F'\t' 'NR==FNR { t[$1] = $2; n++; next }
    /^#/ { next } { np++; if (t[$2] == $3) ok++ }
    END { printf "%.4f %.4f %d %d\n", np ? ok / np : 0, n ? ok / n : 0, np, n }' truth pairs.list)
echo "docalign Bible clean/test: $NP pairs made, $NT true: precision $P recall $R"
awk -v p="$P" -v r="$R" 'BEGIN { exit !(p >= 0.99 && r >= 0.98) }' &&
    echo "ok - precision >= 0.99 and recall >= 0.98" || { echo "not ok - P/R below target"; fails=1; }
grep -q '^# unpaired source' pairs.list && grep -q '^# unpaired target' pairs.list &&
    echo "ok - unpaired documents listed" || { echo "not ok - unpaired not listed"; fails=1; }
grep -q 'pairs; 1[0-9] source documents and 1[0-9] target documents unpaired' err &&
    echo "ok - summary on stderr" || { echo "not ok - summary: $(cat err)"; fails=1; }
# the list is a --batch LIST (4th field: the score, ignored by align)
head -5 pairs.list | grep -v '^#' > few.list
"$J" align -p -f ladder --batch few.list --out-dir out >/dev/null 2>&1 && [ "$(ls out | wc -l)" -ge 1 ] &&
    echo "ok - the list feeds jisr align --batch" || { echo "not ok - align --batch on the list"; fails=1; }
# one mixed folder, sides by script; names as given
mkdir mixed && cp ar/* en/* mixed/
"$J" docalign -p mixed >mixed.list 2>/dev/null
cmp -s <(grep -v '^#' pairs.list | cut -f4) <(grep -v '^#' mixed.list | cut -f4) &&
    echo "ok - a mixed folder pairs the same" || { echo "not ok - mixed folder differs"; fails=1; }
# -o writes atomically with absolute paths
"$J" docalign -p -o abs.list ar en 2>/dev/null && grep -v '^#' abs.list | head -1 | grep -q "	/" &&
    echo "ok - -o writes absolute paths" || { echo "not ok - -o"; fails=1; }
# 20 Arabic chapters and 20 English ones that translate none of them: each pair the margin
# makes is aligned and dropped (52 pairs in 6 such runs before), the documents listed unpaired
mkdir -p un/ar un/en
ls ar | head -20 | while read -r f; do cp "ar/$f" un/ar/; done
awk -F'\t' 'NR <= 20 { print $1 }' truth | sed 's|^ar/||' >un/taken
awk -F'\t' 'NR > 40 && NR <= 60 { print $2 }' truth | while read -r f; do cp "$f" un/en/; done
# the English chosen must not be the translation of an Arabic one taken
awk -F'\t' 'NR==FNR { a[$1] = 1; next } ($1 in a) { print $2 }' <(ls un/ar | sed 's|^|ar/|') truth |
    sed 's|^en/||' | while read -r f; do rm -f "un/en/$f"; done
"$J" docalign -s ar -t en -p un/ar -- un/en >un.list 2>un.err
[ "$(grep -vc '^#' un.list)" -le 1 ] && grep -q '^# unpaired source' un.list &&
    echo "ok - a collection without translations: no pairs" ||
    { echo "not ok - unrelated collection: $(grep -vc '^#' un.list) pairs"; fails=1; }
exit $fails
