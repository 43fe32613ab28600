#!/usr/bin/python3
"""bench_dask.py — documents/s and aligned pairs/s of contrib/dask/jisr_dask.py on 10,000
document pairs: one `jisr align --batch -` process against a LocalCluster of 2 worker processes
(127.0.0.1), with peak memory (the jisr processes, the Dask workers, the driver). The document
pairs are the Bible chapters of ../shared (clean and noisy, dev and test: 520 pairs) repeated
under new ids up to the count. Prints one line per run and the ratio; never fails. The machine
has 2 cores shared with others: expect noise.

  /usr/bin/python3 bench/bench_dask.py JISR_BINARY [SHARED_DATA] [DOCUMENTS]
"""
import json
import os
import subprocess
import sys
import tempfile

jisr = os.path.abspath(sys.argv[1])
shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), '..',
                                                           '..', 'shared', 'data')
want = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
base = os.path.join(shared, 'bible-ar-en', 'align')
docs = []
for kind in ('clean', 'noisy'):
    for s in ('dev', 'test'):
        lst = os.path.join(base, kind, s + '.list')
        if not os.path.exists(lst):
            print('bench_dask: %s not found (../shared absent?)' % lst)
            sys.exit(0)
        for l in open(lst):
            i, a, e = l.rstrip('\n').split('\t')[:3]
            d = os.path.dirname(lst)
            docs.append((i, open(os.path.join(d, a), encoding='utf-8').read().splitlines(),
                         open(os.path.join(d, e), encoding='utf-8').read().splitlines()))
driver = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'contrib', 'dask',
                      'jisr_dask.py')
with tempfile.TemporaryDirectory(prefix='jisr-bench-dask-') as t:
    inp = os.path.join(t, 'pairs.jsonl')
    with open(inp, 'w', encoding='utf-8') as f:
        for k in range(want):
            i, a, e = docs[k % len(docs)]
            f.write(json.dumps({'id': '%s#%d' % (i, k), 'src': a, 'tgt': e},
                               ensure_ascii=False) + '\n')
    print('bench_dask: %d document pairs (%d distinct Bible chapters), jisr align --batch - '
          '--chunk 1' % (want, len(docs)))
    res = {}
    for mode, extra in (('one process', ['--single']),
                        ('Dask, 2 workers', ['--workers', '2', '--partitions', '8'])):
        out = os.path.join(t, 'out.jsonl')
        st = os.path.join(t, 'stats.json')
        subprocess.run([sys.executable, driver, '--jisr', jisr, '-i', inp, '-o', out,
                        '--stats', st] + extra, check=True)
        s = json.load(open(st))
        res[mode] = s
        print('%-16s %6.1f s  %7.1f documents/s  %8.1f pairs/s  peak RSS: jisr %d MiB, '
              'worker %s MiB, driver %d MiB' %
              (mode, s['seconds'], s['documents_per_s'], s['pairs_per_s'],
               s['jisr_peak_rss_kib'] // 1024,
               s.get('worker_peak_rss_kib', 0) // 1024 if 'worker_peak_rss_kib' in s else '-',
               s['driver_peak_rss_kib'] // 1024))
    a, b = res['one process'], res['Dask, 2 workers']
    print('speed-up of the 2-worker cluster: %.2fx (same output: %s)' %
          (b['documents_per_s'] / a['documents_per_s'] if a['documents_per_s'] else 0,
           'pairs %d vs %d' % (a['pairs'], b['pairs'])))
