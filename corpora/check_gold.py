#!/usr/bin/env python3
"""Check a vecalign-style gold ladder against its two one-sentence-per-line files.

Usage: check_gold.py GOLD SRC.sent TGT.sent
Verifies: every line is a bead `[i,...]:[k,...]` (0-based, an optional `:score` is allowed),
indices inside each bead are consecutive, beads are in order, and together they cover every
line of both files exactly once; the .sent files have no blank lines.  Exit 0 when all hold.
"""
import re
import sys


def read_sent(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.endswith("\n"):
        sys.exit(f"{path}: missing final newline")
    lines = text[:-1].split("\n")
    for n, line in enumerate(lines):
        if not line.strip():
            sys.exit(f"{path}:{n + 1}: blank line")
        if line != line.strip():
            sys.exit(f"{path}:{n + 1}: leading or trailing white space")
    return lines


def idx(s):
    return [int(x) for x in s.split(",")] if s.strip() else []


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    gold, src, tgt = sys.argv[1:]
    ns, nt = len(read_sent(src)), len(read_sent(tgt))
    bead_re = re.compile(r"^\[([0-9,]*)\]:\[([0-9,]*)\](?::[0-9.eE+-]+)?$")
    next_s = next_t = 0
    kinds = {}
    with open(gold, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = bead_re.match(line.rstrip("\n"))
            if not m:
                sys.exit(f"{gold}:{n}: not a bead: {line!r}")
            s, t = idx(m.group(1)), idx(m.group(2))
            if not s and not t:
                sys.exit(f"{gold}:{n}: empty bead")
            if s and s != list(range(next_s, next_s + len(s))):
                sys.exit(f"{gold}:{n}: source indices {s}, expected to start at {next_s}")
            if t and t != list(range(next_t, next_t + len(t))):
                sys.exit(f"{gold}:{n}: target indices {t}, expected to start at {next_t}")
            next_s += len(s)
            next_t += len(t)
            k = f"{len(s)}-{len(t)}"
            kinds[k] = kinds.get(k, 0) + 1
    if next_s != ns or next_t != nt:
        sys.exit(f"{gold}: covers {next_s}/{ns} source and {next_t}/{nt} target lines")
    print(f"{gold}: ok, {ns} source + {nt} target sentences, beads "
          + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
