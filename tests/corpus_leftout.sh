#!/bin/bash
# corpus_leftout.sh — a sentence pair an output format cannot carry, as a corpus engineer meets it
# (a control character such as U+0006 in a document bound for TMX):
#   - `jisr corpus` leaves the pair out as before, but no longer silently: a warning names the
#     sentence's FILE:LINE (its line inside its paragraph too), the side and the character; the
#     summary counts the pairs left out; the JSON and HTML reports count and list them (kept +
#     dropped + left out = aligned); a TSV output keeps the pair (TSV carries the character)
#   - `corpus --skip-bad` (align's option for what corpus always does) is a usage error that
#     says so, not an unknown option
#   - `align --skip-bad` with an output format other than tmx (tsv, jsonl, ladder, html, or
#     --batch -'s JSONL), where it does nothing, says so in a warning instead of being ignored
set -u
J=${JISR_BINARY:?}
A=${JISR_TEST_DATA:?}/align
T=$(mktemp -d /tmp/jisr-leftout.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
export JISR_NO_PROGRESS=1
cd "$T" || exit 1

# --- 1. one line a sentence (-p): the source side ----------------------------------------------
awk 'NR == 5 { sub(/ /, " \006") } { print }' "$A/luke15.ar" >ctl.ar
"$J" corpus -p -o c.tmx -r rep.json ctl.ar "$A/luke15.en" 2>e1
check "corpus -p: exit 0, the TMX written" '[ $? -eq 0 ] && [ -s c.tmx ]'
check "a warning names the sentence: ctl.ar:5, the source side, U+0006, left out" \
    'grep -q "^jisr: warning: ctl.ar:5: the source sentence holds U+0006 (character [0-9]*), which TMX cannot carry: its pair is left out" e1'
check "the summary counts it: '1 pair left out (TMX cannot carry it)'" \
    'grep -q "22 aligned pairs: 21 kept, 0 dropped, 1 pair left out (TMX cannot carry it)" e1'
check "the TMX holds the 21 others and is well-formed" \
    '[ "$(grep -c "<tu " c.tmx)" -eq 21 ] &&
     /usr/bin/python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" c.tmx'
check "the JSON report: totals.unwritable 1, kept + dropped + unwritable = candidates, the place listed" \
    '/usr/bin/python3 - rep.json <<"EOF"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
assert t["unwritable"] == 1, t
assert t["kept"] + sum(t["dropped"].values()) + t["unwritable"] == t["candidates"], t
assert r["documents"][0]["unwritable"] == 1, r["documents"]
u = r["unwritable"]
assert len(u) == 1 and u[0]["place"] == "ctl.ar:5" and "U+0006" in u[0]["why"], u
assert not any("\x06" in s["source"] for s in r["samples"]["kept"]), "a kept sample left out"
EOF'

# --- 2. paragraphs: the target side, on the second line of its paragraph -----------------------
awk 'NR == 8 { sub(/ /, " \001") } { print } NR % 3 == 0 { print "" }' "$A/luke15.en" >ctl.en
awk '{ print } NR % 3 == 0 { print "" }' "$A/luke15.ar" >para.ar
line=$(grep -n $'\001' ctl.en | cut -d: -f1)
"$J" corpus -o c2.tmx -r rep2.html para.ar ctl.en 2>e2
check "paragraphs: the target sentence's own line named (ctl.en:$line, inside its paragraph)" \
    '[ $? -eq 0 ] && grep -q "^jisr: warning: ctl.en:$line: the target sentence holds U+0001" e2'
check "the HTML report lists it" \
    'grep -q "Pairs left out: the output cannot carry them" rep2.html && grep -q "ctl.en:$line" rep2.html'
"$J" corpus -o c2.tsv para.ar ctl.en 2>e3
check "a TSV output keeps the pair (no warning, nothing left out)" \
    '[ $? -eq 0 ] && [ "$(grep -c $'"'"'\001'"'"' c2.tsv)" -eq 1 ] && ! grep -q "left out" e3'

# --- 3. --skip-bad -------------------------------------------------------------------------------
"$J" corpus --skip-bad -p -o c4.tmx ctl.ar "$A/luke15.en" 2>e4
check "corpus --skip-bad: a usage error saying corpus always leaves such pairs out, naming them" \
    '[ $? -eq 2 ] && grep -q "corpus always leaves out a pair its output cannot carry" e4 && [ ! -e c4.tmx ]'
for f in tsv jsonl ladder html; do
    "$J" align -p --skip-bad -f $f ctl.ar "$A/luke15.en" >o.$f 2>e5
    check "align --skip-bad -f $f: a warning that it does nothing, the pairs written" \
        '[ $? -eq 0 ] && grep -q -- "--skip-bad does nothing here: it goes with -f tmx only ($f writes every pair" e5 && [ -s o.$f ]'
done
"$J" align -p --skip-bad -o o2.tsv ctl.ar "$A/luke15.en" 2>e6
check "align --skip-bad -o o2.tsv (the format from the name): the warning, the TSV written" \
    '[ $? -eq 0 ] && [ -s o2.tsv ] && grep -q -- "--skip-bad does nothing here" e6'
printf '{"id":"d1","src":"مرحبا.","tgt":"Hello."}\n' | "$J" align --skip-bad --batch - >/dev/null 2>e7
check "align --skip-bad --batch -: the warning (its JSONL carries every character)" \
    '[ $? -eq 0 ] && grep -q -- "--skip-bad does nothing here" e7'
"$J" align -p --skip-bad -f tmx -o o.tmx ctl.ar "$A/luke15.en" 2>e8
check "align --skip-bad -f tmx: as before, the pair left out and named" \
    '[ $? -eq 0 ] && grep -q "ctl.ar:5: .*left out" e8 && [ -s o.tmx ]'
tap_end
