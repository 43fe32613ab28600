"""dask_local.py — contrib/dask/jisr_dask.py on a LocalCluster of 2 worker processes bound to
127.0.0.1 must give, as a set of lines, exactly what one `jisr align --batch -` process gives on
the same input, for several partitionings. The input is built from the bundled corpora/ (no
../shared needed): documents cut from the Arabic and English guide and article. The cluster is
started and stopped by the driver itself (a context that closes it even on failure); the whole
test is bounded by a timeout. Exits 77 when Dask is not installed.

Some documents have no "id" (jisr numbers them by line) and a blank line sits among them: their
ids must be the input's line numbers whatever the partitioning (before: 1..k again in every
partition). The output is refused when it is the input (by any name), and is created with the
umask's mode (before: 0600 always), or the mode of the file it replaces."""
import json
import os
import subprocess
import sys
import tempfile

from dask_common import driver, jisr, sentences

pairs = []
for name in ('article', 'guide'):
    ar, en = sentences(name)
    # documents of different sizes and offsets, so partitions differ in content
    for k, size in enumerate((4, 6, 9, 12, 15, 20)):
        for start in range(0, max(1, min(len(ar), len(en)) - size), size + k):
            pairs.append({'id': '%s-%d-%d' % (name, size, start),
                          'src': ar[start:start + size], 'tgt': en[start:start + size]})
    # and one as plain text to be segmented by jisr
    pairs.append({'id': name + '-text', 'src': ' '.join(ar[:10]), 'tgt': ' '.join(en[:10])})
# every third document without an id: jisr gives it its line number
for k, p in enumerate(pairs):
    if k % 3 == 1:
        del p['id']

fails = 0
with tempfile.TemporaryDirectory(prefix='jisr-dask-') as t:
    inp = os.path.join(t, 'pairs.jsonl')
    with open(inp, 'w', encoding='utf-8') as f:
        for k, p in enumerate(pairs):
            f.write(json.dumps(p, ensure_ascii=False) + '\n')
            if k == 10:
                f.write('\n')  # a blank line counts as a line
    ref = subprocess.run([jisr, 'align', '--batch', '-', '--chunk', '1'], stdin=open(inp, 'rb'),
                         stdout=subprocess.PIPE, check=True, timeout=300).stdout
    ref_lines = sorted(ref.decode('utf-8').splitlines())
    ref_ids = set(json.loads(l)['id'] for l in ref_lines)
    want_ids = set(p.get('id', str(k + 1 if k <= 10 else k + 2)) for k, p in enumerate(pairs))
    if ref_ids != want_ids:
        print('not ok - the reference should hold every document, some by line number')
        fails += 1
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
    # the output (or --stats) naming the input, by any name: refused, exit 2, the input kept
    before = open(inp, 'rb').read()
    os.symlink(inp, os.path.join(t, 'link.jsonl'))
    os.link(inp, os.path.join(t, 'hard.jsonl'))
    for name, flag in (('pairs.jsonl', '-o'), ('link.jsonl', '-o'), ('hard.jsonl', '-o'),
                       ('./link.jsonl', '--stats')):
        argv = ['-o', os.path.join(t, 'x.jsonl'), '--stats', os.path.join(t, name)] \
            if flag == '--stats' else ['-o', os.path.join(t, name)]
        r = subprocess.run([sys.executable, driver, '--jisr', jisr, '-i', inp, '--single'] + argv,
                           stderr=subprocess.PIPE, timeout=300, cwd=t)
        if (r.returncode == 2 and open(inp, 'rb').read() == before and
                b'overwritten' in r.stderr and not os.path.exists(os.path.join(t, 'x.jsonl'))):
            print('ok - %s %s (the input): refused, exit 2, input kept' % (flag, name))
        else:
            print('not ok - %s %s: exit %d, input %s: %s'
                  % (flag, name, r.returncode,
                     'kept' if open(inp, 'rb').read() == before else 'REPLACED',
                     r.stderr.decode('utf-8', 'replace').strip()))
            fails += 1
    # the output's mode: 0666 minus the umask for a new file, the old mode for one replaced
    small = os.path.join(t, 'small.jsonl')
    with open(small, 'w', encoding='utf-8') as f:
        f.write(json.dumps(pairs[0], ensure_ascii=False) + '\n')
    for umask, old, want in ((0o022, None, 0o644), (0o002, None, 0o664), (0o077, 0o640, 0o640)):
        out = os.path.join(t, 'mode-%o.jsonl' % umask)
        if old is not None:
            open(out, 'w').close()
            os.chmod(out, old)
        r = subprocess.run([sys.executable, driver, '--jisr', jisr, '-i', small, '-o', out,
                            '--single'], preexec_fn=lambda u=umask: os.umask(u),
                           stderr=subprocess.DEVNULL, timeout=300)
        mode = os.stat(out).st_mode & 0o7777 if os.path.exists(out) else None
        if r.returncode == 0 and mode == want and os.path.getsize(out) > 0:
            print('ok - umask %03o%s: output mode %03o' % (
                umask, ', replacing a %03o file' % old if old is not None else '', want))
        else:
            print('not ok - umask %03o: exit %d, mode %s, want %03o'
                  % (umask, r.returncode, '%03o' % mode if mode is not None else '-', want))
            fails += 1
    # an id given twice (explicitly, or as another line's number) is an error, as for jisr
    dup = os.path.join(t, 'dup.jsonl')
    with open(dup, 'w', encoding='utf-8') as f:
        f.write(json.dumps({'id': 2, 'src': 'أ', 'tgt': 'a'}) + '\n')
        f.write(json.dumps({'src': 'ب', 'tgt': 'b'}) + '\n')
    r = subprocess.run([sys.executable, driver, '--jisr', jisr, '-i', dup, '-o',
                        os.path.join(t, 'dup.out'), '--single'], stderr=subprocess.PIPE,
                       timeout=300)
    if (r.returncode == 1 and b'dup.jsonl:2:1: document id "2" is repeated (first on line 1)'
            in r.stderr and not os.path.exists(os.path.join(t, 'dup.out'))):
        print('ok - a repeated document id: an error, nothing written')
    else:
        print('not ok - repeated id: exit %d: %s' % (r.returncode, r.stderr.decode()))
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
