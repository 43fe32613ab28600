#!/bin/sh
# make-lexicon.sh JISR DATA OUT — train the lexicon jisr ships (align/data/lexicon-ar-en.gz) from
# the free parallel text in DATA (../shared/data) that no evaluation of jisr uses, with the jisr
# binary JISR. The same inputs give the same file, byte for byte
# (tests/align_default_lexicon.sh checks).
#
# Units a reader refuses (a verse of the vocalised Psalms holds a control character, U+0006) are
# left out. Taken: the vocalised Old Testament books (Genesis, Ruth, Esther, Psalms, Jonah; Arabic
# with KJV and with WEB), Tatoeba, and the UN corpus's dev set. Never taken: the Bible's dev chapters
# (the Gospels, align/clean|noisy/dev, nor the vocalised Matthew and John) -- the aligner's
# calibration is measured on noisy/dev, and a table that has seen those verses makes every dev figure
# optimistic --, the Bible's test chapters (Acts to Revelation, so neither the vocalised Acts, Romans
# nor Philemon), the UN test set.
set -eu
J=$1
D=$2
OUT=$3
V=$D/bible-ar-en/vocalized-svd-kjv
export LC_ALL=C
for f in "$V/Gen.ar-en.tsv" "$D/tatoeba-ar-en/ara.txt" "$D/un-ar-en/UNv1.0.devset.ar"; do
    [ -f "$f" ] || { echo "make-lexicon.sh: $f missing" >&2; exit 77; }
done
# the vocalised books: columns ref, Arabic, KJV, WEB and a header line
{
    for b in Gen Ruth Esth Ps Jonah; do
        tail -n +2 "$V/$b.ar-en.tsv" | cut -f2,3
        tail -n +2 "$V/$b.ar-en.tsv" | cut -f2,4
    done
} | "$J" lexicon train -q --skip-bad -s ar -t en -o "$OUT" \
    -f tsv - "$D/tatoeba-ar-en/ara.txt" \
    -f moses "$D/un-ar-en/UNv1.0.devset.ar"
