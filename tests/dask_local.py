"""dask_local.py — contrib/dask/jisr_dask.py on a LocalCluster of 2 worker processes bound to
127.0.0.1 must give, as a set of lines, exactly what one `jisr align --batch -` process gives on
the same input, for several partitionings. The input is built from the bundled corpora/ (no
../shared needed): documents cut from the Arabic and English guide and article. The cluster is
started and stopped by the driver itself (a context that closes it even on failure); the whole
test is bounded by a timeout. Exits 77 when Dask is not installed."""
import json
import os
import subprocess
import sys
import tempfile

jisr = os.environ['JISR_BINARY']
src = os.environ['JISR_SOURCE_DIR']
try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
except ImportError:
    print('python3-dask / python3-distributed not installed: skipped')
    sys.exit(77)

driver = os.path.join(src, 'contrib', 'dask', 'jisr_dask.py')
corpora = os.path.join(src, 'corpora')
pairs = []
for name in ('article', 'guide'):
    ar = open(os.path.join(corpora, name + '.ar.sent'), encoding='utf-8').read().splitlines()
    en = open(os.path.join(corpora, name + '.en.sent'), encoding='utf-8').read().splitlines()
    # documents of different sizes and offsets, so partitions differ in content
    for k, size in enumerate((4, 6, 9, 12, 15, 20)):
        for start in range(0, max(1, min(len(ar), len(en)) - size), size + k):
            pairs.append({'id': '%s-%d-%d' % (name, size, start),
                          'src': ar[start:start + size], 'tgt': en[start:start + size]})
    # and one as plain text to be segmented by jisr
    pairs.append({'id': name + '-text', 'src': ' '.join(ar[:10]), 'tgt': ' '.join(en[:10])})

fails = 0
with tempfile.TemporaryDirectory(prefix='jisr-dask-') as t:
    inp = os.path.join(t, 'pairs.jsonl')
    with open(inp, 'w', encoding='utf-8') as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + '\n')
    ref = subprocess.run([jisr, 'align', '--batch', '-', '--chunk', '1'], stdin=open(inp, 'rb'),
                         stdout=subprocess.PIPE, check=True, timeout=300).stdout
    ref_lines = sorted(ref.decode('utf-8').splitlines())
    print('%d document pairs, %d aligned pairs from one process' % (len(pairs), len(ref_lines)))
    for parts in (2, 3, 7):
        out = os.path.join(t, 'out%d.jsonl' % parts)
        stats = os.path.join(t, 'stats%d.json' % parts)
        r = subprocess.run([sys.executable, driver, '--jisr', jisr, '-i', inp, '-o', out,
                            '--workers', '2', '--partitions', str(parts), '--stats', stats],
                           timeout=600)
        if r.returncode != 0:
            print('not ok - driver with %d partitions failed (%d)' % (parts, r.returncode))
            fails += 1
            continue
        got = sorted(open(out, encoding='utf-8').read().splitlines())
        st = json.load(open(stats))
        if got == ref_lines and st['workers'] == 2 and st['partitions'] == parts:
            print('ok - %d partitions on 2 workers: the same %d lines as one process'
                  % (parts, len(got)))
        else:
            print('not ok - %d partitions: %d lines, %d differ from one process (workers %s)'
                  % (parts, len(got), len(set(got) ^ set(ref_lines)), st['workers']))
            fails += 1
    # --single is the reference too, and --sort orders by document
    out = os.path.join(t, 'single.jsonl')
    subprocess.run([sys.executable, driver, '--jisr', jisr, '-i', inp, '-o', out, '--single',
                    '--sort'], check=True, timeout=300)
    got = open(out, encoding='utf-8').read().splitlines()
    ids = [json.loads(l)['id'] for l in got]
    if sorted(got) == ref_lines and ids == sorted(ids):
        print('ok - --single --sort: the same lines, sorted by document')
    else:
        print('not ok - --single --sort')
        fails += 1
    # a failing jisr (bad option) is an error of the driver, not an empty output
    r = subprocess.run([sys.executable, driver, '--jisr', jisr, '-i', inp, '-o',
                        os.path.join(t, 'bad.jsonl'), '--single', '--', '--no-such-option'],
                       stderr=subprocess.PIPE, timeout=300)
    if r.returncode != 0 and not os.path.exists(os.path.join(t, 'bad.jsonl')):
        print('ok - a failing jisr fails the driver and writes nothing')
    else:
        print('not ok - failing jisr')
        fails += 1
sys.exit(1 if fails else 0)
