#!/usr/bin/env bash
# align_default_lexicon.sh — the lexicon jisr ships (align/data/lexicon-ar-en.gz) is trained
# again from ../shared/data by align/data/make-lexicon.sh and must come out byte for byte the
# same (exit 77 = skipped without ../shared).
set -u
J=${JISR_BINARY:?}
SRC=${JISR_SOURCE_DIR:?}
DATA=${JISR_SHARED_DATA:-$SRC/../shared/data}
[ -f "$DATA/tatoeba-ar-en/ara.txt" ] || { echo "no $DATA: skipped"; exit 77; }
T=$(mktemp -d /tmp/jisr-default-lex.XXXXXX)
trap 'rm -rf "$T"' EXIT
export JISR_NO_PROGRESS=1
sh "$SRC/align/data/make-lexicon.sh" "$J" "$DATA" "$T/lexicon-ar-en.gz" || exit 1
if cmp "$T/lexicon-ar-en.gz" "$SRC/align/data/lexicon-ar-en.gz"; then
    echo "ok 1 - the shipped lexicon is reproduced byte for byte"
    echo "1..1"
else
    echo "not ok 1 - the shipped lexicon differs from a new training"
    echo "1..1"
    exit 1
fi
