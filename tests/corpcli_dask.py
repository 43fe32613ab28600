"""corpcli_dask.py — contrib/dask/jisr_dask.py on bad input and when stopped:
  - text that is not UTF-8 reaches jisr as bytes: with `-- --lenient` it is aligned (U+FFFD), in
    --single and in Dask mode (before: UnicodeDecodeError in the driver); without, jisr's own
    error comes through
  - jisr's errors name the input and its line, not the partition's "<stdin>" and line, with no
    traceback, exit 1 (before: "<stdin>:1:22" in a RuntimeError traceback)
  - with --workers 2 and no --partitions, the input is cut into several partitions by bytes
    (before: one, as dask.bag.read_text gives one per file)
  - SIGTERM and SIGINT: the working directory beside the output is removed, one line on stderr,
    no traceback (before: SIGTERM left .jisr-dask-XXXX/, SIGINT printed a traceback)
The input is built from the bundled corpora/. Exits 77 when Dask is not installed."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from dask_common import driver, jisr, sentences

docs = []
for name in ('article', 'guide'):
    ar, en = sentences(name)
    for size in (4, 6, 9, 12):
        for start in range(0, max(1, min(len(ar), len(en)) - size), size):
            docs.append((ar[start:start + size], en[start:start + size]))

fails = 0


def check(ok, what, detail=''):
    global fails
    print('%s - %s%s' % ('ok' if ok else 'not ok', what, '' if ok else ': ' + detail))
    fails += not ok


def write(path, lines):
    with open(path, 'wb') as f:
        for l in lines:
            f.write(l + b'\n')


def doc(k, i=None):
    o = {'src': docs[i % len(docs) if i is not None else k % len(docs)][0],
         'tgt': docs[i % len(docs) if i is not None else k % len(docs)][1]}
    if k % 2:
        o['id'] = 'd%d' % k
    return json.dumps(o, ensure_ascii=False).encode('utf-8')


def run(args, **kw):
    return subprocess.run([sys.executable, driver, '--jisr', jisr] + args, stderr=subprocess.PIPE,
                          timeout=600, **kw)


with tempfile.TemporaryDirectory(prefix='jisr-corpcli-dask-') as t:
    # invalid UTF-8 on line 2 (a windows-1256 byte in the Arabic text)
    lines = [doc(k) for k in range(60)]
    lines[1] = lines[1].replace('\u0627'.encode('utf-8'), b'\xc7', 1)
    inv = os.path.join(t, 'inv.jsonl')
    write(inv, lines)
    size = os.path.getsize(inv)
    for mode in (['--single'], ['--workers', '2']):
        out = os.path.join(t, 'inv-%s.jsonl' % mode[0][2:])
        stats = os.path.join(t, 'stats-%s.json' % mode[0][2:])
        r = run(['-i', inv, '-o', out, '--stats', stats] + mode + ['--', '--lenient'])
        got = open(out, 'rb').read().decode('utf-8') if os.path.exists(out) else ''
        check(r.returncode == 0 and '\ufffd' in got and b'Traceback' not in r.stderr,
              '%s -- --lenient: invalid UTF-8 aligned with U+FFFD' % mode[0],
              'exit %d: %s' % (r.returncode, r.stderr.decode('utf-8', 'replace')[-600:]))
        if mode[0] == '--workers' and r.returncode == 0:
            st = json.load(open(stats))
            check(2 <= st['partitions'] <= 6,
                  '--workers 2, no --partitions, %d KiB: %d partitions' % (size // 1024,
                                                                          st['partitions']),
                  'partitions %d' % st['partitions'])
        r = run(['-i', inv, '-o', out + '.strict'] + mode)
        e = r.stderr.decode('utf-8', 'replace')
        check(r.returncode == 1 and 'jisr_dask: %s:2:' % inv in e and 'invalid UTF-8' in e and
              'Traceback' not in e and '<stdin>' not in e and not os.path.exists(out + '.strict'),
              '%s without --lenient: jisr\'s error, naming the input\'s line 2' % mode[0],
              'exit %d: %s' % (r.returncode, e[-600:]))
    # bad JSON on line 52 of 60, in the last of 3 partitions; line 10 has no id (one is added)
    lines = [doc(k) for k in range(60)]
    lines[51] = b'{"id":"x","src":"\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7","tgt":"Hello" "x"}'
    bad = os.path.join(t, 'bad.jsonl')
    write(bad, lines)
    want = 'jisr_dask: %s:52:' % bad
    # and a worker of another run, killed, left its scratch directory in $TMPDIR/dask-worker-space
    # (as the SIGTERM case below does): a worker that purges it says so on stderr, at INFO
    stale_tmp = os.path.join(t, 'tmp')
    os.makedirs(os.path.join(stale_tmp, 'dask-worker-space', 'worker-stale'))
    open(os.path.join(stale_tmp, 'dask-worker-space', 'worker-stale.dirlock'), 'w').close()
    for mode in (['--single'], ['--workers', '2', '--partitions', '3']):
        r = run(['-i', bad, '-o', os.path.join(t, 'bad.out')] + mode,
                env=dict(os.environ, TMPDIR=stale_tmp))
        e = r.stderr.decode('utf-8', 'replace')
        check(r.returncode == 1 and e.startswith(want) and 'Traceback' not in e and
              '<stdin>' not in e and len(e.strip().splitlines()) == 1,
              '%s: bad JSON reported as %s…, exit 1, no traceback' % (mode[0], want),
              'exit %d: %s' % (r.returncode, e[-600:]))
    # stopped by a signal: nothing left beside the output, one line, no traceback
    many = os.path.join(t, 'many.jsonl')
    write(many, [doc(k) for k in range(1500)])
    cases = [(['--single'], signal.SIGTERM), (['--single'], signal.SIGINT),
             (['--workers', '2'], signal.SIGTERM)]
    for mode, sig in cases:
        od = os.path.join(t, 'sig')
        os.makedirs(od, exist_ok=True)
        p = subprocess.Popen([sys.executable, driver, '--jisr', jisr, '-i', many, '-o',
                              os.path.join(od, 'out.jsonl')] + mode, stderr=subprocess.PIPE)
        started = False
        for _ in range(600):
            if any(n.startswith('.jisr-dask-') for n in os.listdir(od)) or p.poll() is not None:
                started = p.poll() is None
                break
            time.sleep(0.05)
        time.sleep(2 if mode[0] == '--workers' else 0.5)
        p.send_signal(sig)
        e = p.communicate(timeout=300)[1].decode('utf-8', 'replace')
        left = os.listdir(od)
        check(started and p.returncode == -sig and not left and 'Traceback' not in e and
              len(e.strip().splitlines()) == 1 and 'interrupted' in e,
              '%s, %s: killed by it, nothing left, one line' % (mode[0],
                                                               signal.Signals(sig).name),
              'started %s, exit %s, left %s: %s' % (started, p.returncode, left, e[-600:]))

# The shutdown race: when the cluster closes, a worker whose last heartbeat reaches the scheduler
# after it was forgotten logs "Scheduler was unaware of this worker … Shutting down." at ERROR on
# our stderr (seen in about 1 run of 6 of the bad-JSON check above on a loaded machine, which then
# printed two lines). The driver drops that one message in its workers; made to happen here, in
# the workers of a LocalCluster set up as the driver sets its own up. Another ERROR still shows.
quiet = r"""
import logging, sys
sys.path.insert(0, sys.argv[1])
import jisr_dask
from dask.distributed import Client, LocalCluster
def log(msg):
    logging.getLogger('distributed.worker').error(msg)
if __name__ == '__main__':
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host='127.0.0.1',
                           dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    client.register_worker_callbacks(jisr_dask.quiet_worker_shutdown)
    client.run(log, "Scheduler was unaware of this worker 'tcp://x'. Shutting down.")
    client.run(log, 'jisr-test: another error')
    client.close()
    cluster.close()
"""
with tempfile.TemporaryDirectory(prefix='jisr-corpcli-dask-') as t:
    script = os.path.join(t, 'quiet.py')
    with open(script, 'w') as f:
        f.write(quiet)
    r = subprocess.run([sys.executable, script, os.path.dirname(driver)], stderr=subprocess.PIPE,
                       timeout=300, env=dict(os.environ, TMPDIR=t))
    e = r.stderr.decode('utf-8', 'replace')
    check(r.returncode == 0 and 'Scheduler was unaware' not in e and
          e.count('jisr-test: another error') == 2,
          'workers drop the shutdown race\'s message, not another error',
          'exit %d: %s' % (r.returncode, e[-600:]))
sys.exit(1 if fails else 0)
