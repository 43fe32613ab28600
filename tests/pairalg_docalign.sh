#!/bin/bash
# pairalg_docalign.sh — how `jisr docalign` pairs a collection of more than 16 documents (the
# document aligner's margin, corpus/docalign.c) where it used to lose whole documents silently:
# text-identical copies on a side (they defeated each other's margin: 4 copies a side never
# paired), a translation without blank lines between its paragraphs (one paragraph against 12:
# the paragraph-count ratio counted against it), and a true pair hidden behind near-identical
# neighbours (1 Thessalonians 1 beside 2 Thessalonians 1: left over on both sides, paired by
# the second pass). One text file per Bible chapter of ../shared, 4 verses a paragraph (exits 77
# without ../shared).
set -u
J=${JISR_BINARY:?}
B=${JISR_SHARED_DATA:?}/bible-ar-en
[ -f "$B/en/04-John.tsv" ] || { echo "no ../shared: skipped"; exit 77; }
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
T=$(mktemp -d /tmp/jisr-pairalg.XXXXXX)
trap 'rm -rf "$T"' EXIT
export JISR_NO_PROGRESS=1
cd "$T"
# the chapters of Mark, John and Ephesians to 2 Thessalonians as big/{ar,en}/BOOK-CHAPTER.txt
/usr/bin/python3 - "$B" <<'EOF' || exit 1
import os, sys
D = sys.argv[1]
for lang in ('ar', 'en'):
    os.makedirs('big/' + lang)
    for f in sorted(os.listdir(os.path.join(D, lang))):
        if not f[:2] in ('02', '04', '10', '11', '12', '13', '14'):
            continue
        ch = {}
        for l in open(os.path.join(D, lang, f), encoding='utf-8'):
            c, v, t = l.rstrip('\n').split('\t', 2)
            ch.setdefault(c, []).append(t)
        for c, vs in ch.items():
            with open('big/%s/%s-%03d.txt' % (lang, f[:-4], int(c)), 'w', encoding='utf-8') as o:
                o.write('\n\n'.join(' '.join(vs[i:i + 4]) for i in range(0, len(vs), 4)) + '\n')
EOF
rows() { grep -vc '^#' "$1"; }
# 1. copies: 10 Mark chapters a side and 4 copies a side of John 1 (byte-identical files)
mkdir -p dupq/ar dupq/en
for i in 001 002 003 004 005 006 007 008 009 010; do
    cp big/ar/02-Mark-$i.txt dupq/ar/
    cp big/en/02-Mark-$i.txt dupq/en/
done
for k in 1 2 3 4; do
    cp big/ar/04-John-001.txt dupq/ar/John1_copy$k.txt
    cp big/en/04-John-001.txt dupq/en/John1_copy$k.txt
done
"$J" docalign -s ar -t en dupq/ar dupq/en >dupq.list 2>dupq.err
check "4 copies a side: 14 pairs" [ "$(rows dupq.list)" -eq 14 ]
check "each copy paired with the copy of its rank on the other side" \
    [ "$(grep -c $'\tdupq/ar/John1_copy\\([1-4]\\).txt\tdupq/en/John1_copy\\1.txt\t' dupq.list)" -eq 4 ]
check "the 10 other chapters still paired" \
    [ "$(grep -c $'\tdupq/ar/02-Mark-\\([0-9]*\\).txt\tdupq/en/02-Mark-\\1.txt\t' dupq.list)" -eq 10 ]
# one copy more on one side: 3 Arabic copies and 2 English ones, the third Arabic one unpaired
# with its text's partner as its best candidate
mkdir -p dup3/ar dup3/en
cp dupq/ar/02-* dup3/ar/ && cp dupq/en/02-* dup3/en/
cp dupq/ar/John1_copy[123].txt dup3/ar/ && cp dupq/en/John1_copy[12].txt dup3/en/
"$J" docalign -s ar -t en dup3/ar dup3/en >dup3.list 2>/dev/null
check "3 copies against 2: 12 pairs" [ "$(rows dup3.list)" -eq 12 ]
check "the third copy unpaired, its text's partner its best candidate" grep -q \
    $'^# unpaired source\tdup3/ar/John1_copy3.txt\tbest candidate dup3/en/John1_copy1.txt 0\\.9' dup3.list
# 4 copies of a whole collection: every copy paired within its copy
mkdir -p all4/ar all4/en
for k in 1 2 3 4; do cp -r dupq/ar all4/ar/c$k && cp -r dupq/en all4/en/c$k; done
"$J" docalign -s ar -t en all4/ar all4/en >all4.list 2>/dev/null
check "4 copies of 14 chapters a side: 56 pairs, each within its copy and chapter" \
    [ "$(grep -c $'\tall4/ar/\\([^\t]*\\)\tall4/en/\\1\t' all4.list)" -eq 56 ]
# 2. a translation whose paragraphs have no blank lines between them (hard-wrapped, as
# pdftotext writes): one paragraph against 12
mkdir pq
for i in 001 002 003 004 005 006 007 008 009 010; do
    cp big/ar/04-John-$i.txt pq/j$i.ar.txt
    cp big/en/04-John-$i.txt pq/j$i.en.txt
done
fold -s -w 90 big/en/04-John-005.txt | grep -v '^$' >pq/j005.en.txt
"$J" docalign -s ar -t en pq >pq.list 2>/dev/null
check "a hard-wrapped translation (1 paragraph against 12) is paired" \
    grep -q $'\tpq/j005.ar.txt\tpq/j005.en.txt\t0\\.9' pq.list
check "and the 9 others: 10 pairs, all right" \
    [ "$(grep -c $'\tpq/\\(j0[0-9]*\\).ar.txt\tpq/\\1.en.txt\t' pq.list)" -eq 10 ]
# 3. Ephesians to 2 Thessalonians (22 chapters a side): 1 Thessalonians 1 has near-identical
# neighbours (2 Thessalonians 1) and was the one pair left over
mkdir -p th/ar th/en
cp big/ar/1[0-4]-* th/ar/ && cp big/en/1[0-4]-* th/en/
"$J" docalign -s ar -t en th/ar th/en >th.list 2>/dev/null
check "1 Thessalonians 1 paired with its translation" \
    grep -q $'\tth/ar/13-1_Thessalonians-001.txt\tth/en/13-1_Thessalonians-001.txt\t' th.list
check "22 pairs, all right" [ "$(grep -c $'\tth/ar/\\([^\t]*\\)\tth/en/\\1\t' th.list)" -eq 22 ]
# the second pass pairs nothing in a collection without translations (Mark and John 1-4 in
# Arabic, Ephesians to 1 Thessalonians in English): the pairs it proposes are checked, dropped
mkdir -p un/ar un/en
cp big/ar/02-Mark-* big/ar/04-John-00[1-4].txt un/ar/
ls big/en | grep '^1[0-4]-' | head -20 | while read -r f; do cp "big/en/$f" un/en/; done
"$J" docalign -s ar -t en un/ar un/en >un.list 2>/dev/null
check "20 Arabic and 20 unrelated English chapters: no pair" \
    [ "$(ls un/ar | wc -l)+$(rows un.list)" = "20+0" ]
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
