#!/usr/bin/env python3
"""make_longsent.py — long-sentence alignment sets from the Bible clean sets.

Arabic prose (news especially) often runs a paragraph as one sentence joined with «و» and
commas, which the English translation splits into three, four, five sentences. These sets imitate
it: in every chapter of bible-ar-en/align/clean/{dev,test}, at 30 % of the positions a run of 2..6
consecutive verses of one side (Arabic for ar-*, English for en-*) becomes one sentence (its parts
joined by a space without their final full stops, but the last's); the other side keeps one verse
a line. The gold beads are then 1-1 .. 1-6 (ar-*) or 1-1 .. 6-1 (en-*).

    bench/make_longsent.py OUT            # OUT/{ar,en}-{dev,test}/ID.{ar,en,gold} and set.list
    for id in $(cut -f1 OUT/ar-dev/set.list); do
        jisr align -p -s ar -t en -f ladder -o L/$id.ladder OUT/ar-dev/$id.ar OUT/ar-dev/$id.en
    done
    jisr align-eval --list OUT/ar-dev/set.list --dir L

Reads $JISR_SHARED_DATA (default ../shared/data, as bench_align). Fixed seeds (ar 1, en 2), so
the sets are the same on every machine; do not commit them. Tune on the dev sets only.
bench_align's variants clean/dev+long-ar and clean/dev+long-en make sets of the same kind in
memory (another random generator, so not the same runs).
"""
import os
import random
import sys

SEEDS = {'ar': 1, 'en': 2}
KMAX, FRAC = 6, 0.3


def make(src, out, side, kmax=KMAX, frac=FRAC, seed=1):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    ids = sorted(f[:-5] for f in os.listdir(src) if f.endswith('.gold'))
    rows = []
    for i in ids:
        ar = open(f'{src}/{i}.ar', encoding='utf-8').read().split('\n')
        en = open(f'{src}/{i}.en', encoding='utf-8').read().split('\n')
        if ar and ar[-1] == '':
            ar.pop()
        if en and en[-1] == '':
            en.pop()
        assert len(ar) == len(en), i  # the clean sets: every verse 1-1
        merged_side = ar if side == 'ar' else en
        other = en if side == 'ar' else ar
        n = len(ar)
        k = 0
        new, gold = [], []
        while k < n:
            m = 1
            if rng.random() < frac:
                m = rng.randint(2, kmax)
            m = min(m, n - k)
            sent = ' '.join(s.rstrip('.').rstrip() if j < m - 1 else s
                            for j, s in enumerate(merged_side[k:k + m]))
            new.append(sent)
            gold.append((len(new) - 1, list(range(k, k + m))))
            k += m
        if side == 'ar':
            A, E = new, other
            g = ['[%d]:[%s]' % (a, ','.join(map(str, es))) for a, es in gold]
        else:
            A, E = other, new
            g = ['[%s]:[%d]' % (','.join(map(str, es)), a) for a, es in gold]
        for ext, lines in (('ar', A), ('en', E), ('gold', g)):
            with open(f'{out}/{i}.{ext}', 'w', encoding='utf-8') as f:
                f.write('\n'.join(lines) + '\n')
        rows.append(f'{i}\t{i}.ar\t{i}.en\t{i}.gold')
    with open(f'{out}/set.list', 'w', encoding='utf-8') as f:
        f.write('\n'.join(rows) + '\n')


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: make_longsent.py OUTDIR')
    shared = os.environ.get('JISR_SHARED_DATA', '../shared/data')
    base = f'{shared}/bible-ar-en/align/clean'
    if not os.path.isdir(base):
        sys.exit(f'make_longsent.py: {base}: not found (set JISR_SHARED_DATA)')
    for side in ('ar', 'en'):
        for split in ('dev', 'test'):
            make(f'{base}/{split}', f'{sys.argv[1]}/{side}-{split}', side, seed=SEEDS[side])


if __name__ == '__main__':
    main()
