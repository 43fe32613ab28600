#!/bin/bash
# cli_dashdash.sh — `--` ends the options of every command (as getopt has it), so that a file, a
# text or an id whose name starts with '-' can be given after it; and a file named '-x' given
# without `--` is said as such rather than as a wrong option. Before:
#   - `lexicon train -o L -- -c.tsv` ignored the corpora after `--` ("train needs at least one
#     CORPUS"), and `lexicon show -- L` read a file named "--" (nor did it know -h);
#   - align, align-eval, corpus, docalign, lexicon and segment named the wrong word for an
#     unknown short option read from a file name ('-a.ar' → "unknown option '--by-position'",
#     the word before it; `segment -l en -e.en` → "unknown option 'en'").
set -u
J=${JISR_BINARY:?}
A=${JISR_TEST_DATA:?}/align
T=$(mktemp -d /tmp/jisr-dashdash.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
export JISR_NO_PROGRESS=1
cd "$T" || exit 1
cp "$A/luke15.ar" ./-a.ar
cp "$A/luke15.en" ./-e.en
cp "$A/luke15.ar" ./-pa.ar
printf 'Hello world\tمرحبا بالعالم\nOpen the file\tافتح الملف\nSave the file\tاحفظ الملف\n' >./-u.tsv

# --- 1. every command reads what follows `--` as operands -----------------------------------------
"$J" segment -l en -o seg.txt -- -e.en
check "segment -- -e.en" '[ $? -eq 0 ] && [ "$(grep -c . seg.txt)" -gt 10 ]'
"$J" align -p -f ladder -o ./-g.ladder -- -a.ar -e.en
check "align -- -a.ar -e.en (and -o ./-g.ladder)" '[ $? -eq 0 ] && [ -s ./-g.ladder ]'
"$J" align-eval -- -g.ladder -g.ladder >ev.txt
check "align-eval -- -g.ladder -g.ladder" '[ $? -eq 0 ] && grep -q "1.0000" ev.txt'
"$J" import -q --tm m -s en -t ar -- -u.tsv
check "import -- -u.tsv" '[ $? -eq 0 ] && "$J" stats --tm m | grep -q "units: *3"'
"$J" query --tm m -s en -t ar -- "-Open the file" >q.txt
check "query -- TEXT: a text starting with '-' is asked" \
    '[ $? -eq 0 ] && grep -q "query: -Open the file" q.txt && grep -q "افتح الملف" q.txt'
"$J" concord --tm m -l en -- file >cc.txt
check "concord -- PHRASE" '[ $? -eq 0 ] && grep -q "\[file\]" cc.txt'
"$J" convert -s en -t ar -- -u.tsv -c.tmx
check "convert -- -u.tsv -c.tmx" '[ $? -eq 0 ] && [ "$(grep -c "<tu>" ./-c.tmx)" -eq 3 ]'
"$J" lexicon train -q -s en -t ar -o ./-l.tsv -- -u.tsv -c.tmx 2>lt.err
check "lexicon train -o L -- -u.tsv -c.tmx: both corpora read" \
    '[ $? -eq 0 ] && [ -s ./-l.tsv ] && "$J" lexicon show ./-l.tsv | grep -q "^training pairs: 6$"'
"$J" lexicon show -- -l.tsv >ls.txt 2>ls.err
check "lexicon show -- -l.tsv" '[ $? -eq 0 ] && grep -q "^languages: en ar" ls.txt'
"$J" lexicon show -- -l.tsv -x >lw.txt
check "lexicon show -- FILE WORD: a word starting with '-' is looked up" \
    '[ $? -eq 0 ] && grep -q "^# -x: not in the lexicon" lw.txt'
"$J" lexicon show -h >lh.txt
check "lexicon show -h: the help" '[ $? -eq 0 ] && grep -q "lexicon show FILE" lh.txt'
"$J" lexicon show -Z x 2>lz.err
check "lexicon show -Z: a usage error naming -Z" '[ $? -eq 2 ] && grep -q "unknown option '"'"'-Z'"'"'" lz.err'
"$J" docalign -s ar -t en --by-position ./-a.ar -- -e.en >pairs.list
check "docalign SRC -- -e.en" '[ $? -eq 0 ] && grep -q "	-e.en	" pairs.list'
"$J" corpus -p -o c.tmx --by-position ./-a.ar -- -e.en 2>/dev/null
check "corpus SRC -- -e.en" '[ $? -eq 0 ] && [ "$(grep -c "<tu " c.tmx)" -gt 10 ]'
"$J" delete --tm m -n -- -1 2>del.err
check "delete -- -1: said as not an id (exit 2), not as an option" \
    '[ $? -eq 2 ] && grep -q "'"'"'-1'"'"' is not a unit id" del.err'
for c in stats reindex; do
    "$J" $c --tm m -- -x 2>ex.err
    check "$c -- -x: an unexpected argument" '[ $? -eq 2 ] && grep -q "unexpected argument '"'"'-x'"'"'" ex.err'
done

# --- 2. a file named -x given without `--`: the option named right, and the way out ---------------
hint() { grep -q "unknown option '$2' (in '$3': a file whose name starts with '-' goes after '--', or as './$3')" "$1"; }
"$J" segment -l en -e.en 2>e1
check "segment -l en -e.en: unknown option '-e', in the file '-e.en'" '[ $? -eq 2 ] && hint e1 -e -e.en'
"$J" corpus -p -o c2.tmx --by-position -a.ar -- -e.en 2>e2
check "corpus … --by-position -a.ar: '-a', not '--by-position'" '[ $? -eq 2 ] && hint e2 -a -a.ar && [ ! -e c2.tmx ]'
"$J" docalign -s ar -t en -pa.ar 2>e3
check "docalign -pa.ar (p a known option): '-a'" '[ $? -eq 2 ] && hint e3 -a -pa.ar'
"$J" lexicon train -s en -t ar -o lx.tsv -u.tsv 2>e4
check "lexicon train -o lx.tsv -u.tsv: '-u', not 'lx.tsv'" '[ $? -eq 2 ] && hint e4 -u -u.tsv'
"$J" align -p -a.ar -e.en 2>e5
check "align -a.ar: '-a'" '[ $? -eq 2 ] && hint e5 -a -a.ar'
"$J" align-eval -g.ladder x 2>e6
check "align-eval -g.ladder: '-g'" '[ $? -eq 2 ] && hint e6 -g -g.ladder'
"$J" import --tm m2 -u.tsv 2>e7
check "import -u.tsv: '-u', and the way out" '[ $? -eq 2 ] && hint e7 -u -u.tsv'
"$J" segment -Q 2>e8
check "no such file: the option alone" '[ $? -eq 2 ] && grep -qx "jisr segment: unknown option '"'"'-Q'"'"'" e8'
tap_end
