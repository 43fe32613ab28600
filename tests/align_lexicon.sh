#!/usr/bin/env bash
# align_lexicon.sh — `jisr lexicon` and the aligner's use of trained lexicons end to end: train
# on a small self-written corpus (tests/data/align/lexicon-corpus.tsv), the same bytes twice,
# `show`, the train -> file -> align round trip (an omission that lengths alone misplace is found
# through the table), training from a memory (--tm, for `lexicon train` and `align`), usage and
# input errors.
set -u
J=${JISR_BINARY:?}
D=${JISR_TEST_DATA:?}/align
T=$(mktemp -d /tmp/jisr-align-lex.XXXXXX)
trap 'rm -rf "$T"' EXIT
export JISR_NO_PROGRESS=1
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

f1() { "$J" align-eval --json "$1" "$2" | sed 's/.*"f1_strict":\([0-9.]*\).*/\1/'; }

"$J" lexicon --help >"$T/help" 2>&1
check "lexicon --help exits 0 with examples" '[ $? -eq 0 ] && grep -q "Examples:" "$T/help"'
"$J" lexicon train -o "$T/l.gz" -f tsv "$D/lexicon-corpus.tsv" 2>"$T/err"
check "train: exit 0 and a summary" '[ $? -eq 0 ] && grep -q "entries from 60 sentence pairs (0 left out, 0 refused units skipped)" "$T/err"'
check "train: a gzip file" '[ "$(head -c2 "$T/l.gz" | od -An -tx1 | tr -d " ")" = "1f8b" ]'
"$J" lexicon train -q -o "$T/l2.gz" -f tsv "$D/lexicon-corpus.tsv" 2>"$T/err"
check "train twice: the same bytes, -q quiet" 'cmp -s "$T/l.gz" "$T/l2.gz" && [ ! -s "$T/err" ]'
"$J" lexicon train -q -o "$T/l.txt" -f tsv "$D/lexicon-corpus.tsv"
check "train: plain text without .gz" 'head -1 "$T/l.txt" | grep -q "^# jisr lexicon 1$"'
"$J" lexicon show "$T/l.gz" book الشمس >"$T/show"
check "show: entries of a word of either language" \
    'grep -q "^كتاب	book	" "$T/show" && grep -q "^شمس	sun	" "$T/show"'
"$J" lexicon show "$T/l.gz" >"$T/info"
check "show: a summary" 'grep -q "^languages: ar en" "$T/info" && grep -q "^training pairs: 60" "$T/info"'

# the round trip: train -> file -> align
"$J" align -p --no-lexicon --no-dict "$D/lexdoc.ar" "$D/lexdoc.en" >"$T/a.ladder"
"$J" align -p --no-lexicon --no-dict --lexicon "$T/l.gz" "$D/lexdoc.ar" "$D/lexdoc.en" >"$T/b.ladder"
check "lengths alone misplace the omitted sentence" \
    'awk "BEGIN{exit !($(f1 "$D/lexdoc.gold" "$T/a.ladder") < 0.9)}"'
check "align --lexicon FILE finds it" '[ "$(f1 "$D/lexdoc.gold" "$T/b.ladder")" = "1.000000" ]'
"$J" align -p --no-lexicon --no-dict --lexicon "$T/l.gz" -s en -t ar "$D/lexdoc.en" "$D/lexdoc.ar" >"$T/c.ladder"
check "the same lexicon serves en->ar (the pairs around the gap found)" \
    'grep -q "^\[0\]:\[0\]:" "$T/c.ladder" && grep -q "^\[2\]:\[3\]:" "$T/c.ladder" && grep -q "^\[4\]:\[5\]:" "$T/c.ladder"'

# from a memory
"$J" import --tm "$T/tm" -q -s ar -t en "$D/lexicon-corpus.tsv" 2>/dev/null
"$J" lexicon train -q --tm "$T/tm" -o "$T/tm.lex"
units=$("$J" stats --tm "$T/tm" --json | sed 's/.*"units":\([0-9]*\).*/\1/')
check "train --tm DIR: every unit of the memory (the 60 rows hold $units distinct units)" \
    '[ "$units" -gt 40 ] && grep -q "^# pairs $units\$" "$T/tm.lex"'
"$J" align -p --no-lexicon --no-dict --tm "$T/tm" "$D/lexdoc.ar" "$D/lexdoc.en" >"$T/d.ladder"
check "align --tm DIR: the memory teaches the aligner" '[ "$(f1 "$D/lexdoc.gold" "$T/d.ladder")" = "1.000000" ]'

# errors
"$J" lexicon train -f tsv "$D/lexicon-corpus.tsv" 2>"$T/err"
check "train without -o: exit 2" '[ $? -eq 2 ] && grep -q "needs -o FILE" "$T/err"'
"$J" lexicon train -o "$T/x.gz" 2>"$T/err"
check "train without a corpus: exit 2" '[ $? -eq 2 ]'
"$J" lexicon train -o "$T/x.gz" -f pdf a 2>"$T/err"
check "train -f pdf: exit 2" '[ $? -eq 2 ]'
"$J" lexicon train -o "$T/x.gz" "$T/none.tmx" 2>"$T/err"
check "train on a missing file: exit 1 naming it" '[ $? -eq 1 ] && grep -q "none.tmx" "$T/err" && [ ! -e "$T/x.gz" ]'
printf '<tmx version="1.4"><header srclang="ar"/><body><tu>\n' >"$T/bad.tmx"
"$J" lexicon train -o "$T/x.gz" "$T/bad.tmx" 2>"$T/err"
check "train on a broken TMX: exit 1 with FILE:LINE" '[ $? -eq 1 ] && grep -q "bad.tmx:[0-9]*:" "$T/err"'
cp "$D/lexicon-corpus.tsv" "$T/corpus.tsv"
"$J" lexicon train -f tsv -o "$T/corpus.tsv" "$T/corpus.tsv" 2>"$T/err"
check "train -o naming a corpus: refused, the corpus unchanged" \
    '[ $? -eq 1 ] && cmp -s "$T/corpus.tsv" "$D/lexicon-corpus.tsv"'
ln -s "$T/corpus.tsv" "$T/lex.link"
"$J" lexicon train -q -f tsv -o "$T/lex.link" "$D/lexicon-corpus.tsv" 2>"$T/err"
check "train -o through a symbolic link: refused" '[ $? -eq 1 ] && grep -q "symbolic link" "$T/err"'
"$J" lexicon show "$D/numbers.ar" 2>"$T/err"
check "show on a file that is not a lexicon: exit 1" '[ $? -eq 1 ] && grep -q "numbers.ar:1:1: not a jisr lexicon" "$T/err"'
"$J" lexicon frob 2>/dev/null
check "unknown subcommand: exit 2" '[ $? -eq 2 ]'

tap_end
