#!/usr/bin/python3
"""jisr_dask.py — sentence alignment of document pairs on a Dask cluster.

Reads JSON Lines document pairs ({"id":…,"src":TEXT or [sentences],"tgt":…}, the input of
`jisr align --batch -`) with dask.bag, pipes each partition through `jisr align --batch -` in a
subprocess on the worker, which writes the partition's aligned pairs (the JSONL `jisr align`
writes, each with its document's "id") to a file beside the output (so the output directory must
be shared with the workers on a real cluster); the driver joins the files, in partition order,
into one output file committed atomically. Nothing large travels through the scheduler.

The output does not depend on how the input is partitioned: every document is aligned on its own
(`--chunk 1`: nothing the aligner learns from one document reaches another), with a fixed
dictionary or lexicon when one is given (--dict FILE is passed to every worker), and a line
without an "id" is given its line number in the input as one by the driver, before the input is
split (the id `jisr align --batch FILE` gives it; a partition's own process would count from 1
again). So 1 partition or 100, one process or a cluster, give the same set of lines; only their
order may differ, and the driver writes them sorted by document id and pair position with --sort.
A document id given twice is an error, as it is for jisr.

The input is cut by the driver into partitions of about equal bytes at line boundaries
(--partitions K, or by default 3 per worker, each of at least 16 KiB: a jisr process loads its
dictionary first, so a tiny partition costs more than it aligns); each worker reads its byte range
of the numbered copy. Lines are passed to jisr byte for byte (no decoding: text that is not UTF-8
reaches jisr, which refuses it, or with `-- --lenient` replaces it), and jisr's messages about a
line are given back with the input's name and its line number in the input (a partition's process
sees "<stdin>" and its own line numbers), without a traceback, with jisr's exit status.
Interrupted (SIGINT, SIGTERM, SIGHUP), the driver removes its working directory and the temporary
output, says so on one line and dies of the signal (as jisr does).

The output is written as jisr writes its own: to a temporary beside it, renamed over it at the end
(nothing is written when the run fails), with the mode of the file it replaces, or for a new file
0666 minus the umask. An output (or --stats) that is the input, by any name, is refused (exit 2).

Usage:
  /usr/bin/python3 contrib/dask/jisr_dask.py --jisr build/jisr -i pairs.jsonl -o aligned.jsonl
      [--scheduler tcp://HOST:8786 | --workers N | --single] [--partitions K]
      [--sort] [--stats FILE.json] [-- EXTRA jisr align OPTIONS]

  --scheduler ADDR  run on an existing cluster (dask-scheduler / dask-worker, or any
                    deployment: Kubernetes, SLURM via dask-jobqueue …); `jisr` must be
                    installed at the same path (--jisr) on every worker
  --workers N       start a LocalCluster of N worker processes bound to 127.0.0.1 (default 2)
                    and stop it at the end
  --single          no Dask: one `jisr align --batch -` process over the whole input (the
                    reference the cluster's output is compared with)
"""
import argparse
import bisect
import errno
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import warnings

MIN_PART_BYTES = 16 * 1024  # a default partition at least this large
PARTS_PER_WORKER = 3

STDIN_POS = re.compile(r'<stdin>:(\d+)')


def align_range(numbered, start, end, first_line, name, jisr, extra, path):
    """Align the document pairs of bytes [start, end) of the numbered input (its lines from
    first_line on) into path, streamed: the output never sits in memory. Returns (documents,
    pairs, peak RSS of the jisr process in KiB, None) or, when jisr fails, (…, (exit status,
    its message with each "<stdin>:LINE" made "NAME:LINE", a line of the input name))."""
    with open(numbered, 'rb') as f:
        f.seek(start)
        data = f.read(end - start)
    ndocs = sum(1 for l in data.split(b'\n') if l.strip())
    cmd = [jisr, 'align', '--batch', '-', '--chunk', '1'] + list(extra)
    with open(path, 'wb') as out, tempfile.TemporaryFile() as err:
        p = subprocess.run(cmd, input=data, stdout=out, stderr=err, check=False)
        err.seek(0)
        msg = err.read().decode('utf-8', 'replace').strip()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if p.returncode != 0:
        msg = STDIN_POS.sub(lambda m: '%s:%d' % (name, first_line + int(m.group(1)) - 1), msg)
        return ndocs, 0, peak, (p.returncode, msg)
    with open(path, 'rb') as f:
        npairs = sum(1 for _ in f)
    return ndocs, npairs, peak, None


def quiet_worker_shutdown(dask_worker):
    """Run in each worker of our LocalCluster (client.register_worker_callbacks, so also in one
    its nanny restarts): drop the one message the shutdown race prints on our stderr. When the
    cluster closes, the scheduler can forget a worker before the worker's last heartbeat; the
    worker then logs "Scheduler was unaware of this worker … Shutting down." at ERROR while it
    is shutting down anyway. It told our user nothing and broke "one line on stderr" on errors
    (tests/corpcli_dask.py saw it in about 1 run of 6 on a loaded machine)."""
    import logging

    class Quiet(logging.Filter):
        def filter(self, record):
            return 'Scheduler was unaware of this worker' not in record.getMessage()

    logging.getLogger('distributed.worker').addFilter(Quiet())


def report_failure(failure):
    """jisr's message of a failed partition as the driver's own: raises JisrError."""
    code, msg = failure
    # "jisr: warning: …" lines before the error are kept; the error is the last line
    lines = [l[len('jisr: '):] if l.startswith('jisr: ') else l
             for l in msg.splitlines() if l.strip()]
    raise JisrError(code, '\n'.join('jisr_dask: %s' % l for l in lines) or
                    'jisr_dask: jisr align failed (exit %d)' % code)


class UsageError(Exception):
    """A usage error: reported with exit status 2, as jisr reports its own."""


class InputError(Exception):
    """An input jisr would refuse as a whole: exit status 1."""


class JisrError(Exception):
    """jisr align failed on a partition: its message (named after the input) and exit status."""

    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


class Interrupted(BaseException):
    """A signal asked the driver to stop (raised by the handler, so that clean-ups run)."""

    def __init__(self, sig):
        super().__init__(sig)
        self.sig = sig


_signalled = None  # the first signal received: Interrupted raised where Python swallows it
# (a weakref or import-lock callback prints "Exception ignored" and goes on) must not let the
# run commit its output, so the commit checks this too


def on_signal(sig, frame):
    global _signalled
    if _signalled is None:
        _signalled = sig
    raise Interrupted(sig)


def check_signalled():
    if _signalled is not None:
        raise Interrupted(_signalled)


def on_unraisable(u, default=sys.unraisablehook):
    """Interrupted raised where it cannot propagate: no traceback, and the signal is raised again
    so that the handler runs at the next point where it can."""
    if isinstance(u.exc_value, Interrupted):
        signal.raise_signal(u.exc_value.sig)
        return
    default(u)


def with_ids(path):
    """The input's lines (bytes, split at line feeds only, as jisr splits them), each JSON object
    without an "id" given its line number as one, written into the line before its closing brace
    (the rest of it kept byte for byte, at the same columns, so jisr still sees whatever else is
    wrong with it, and says where); an id given twice raises InputError (`jisr align --batch
    FILE` refuses it too, but a partition's process sees only its own ids)."""
    first = {}  # id -> line it was first given on
    with open(path, 'rb') as f:
        for n, raw in enumerate(f, 1):
            text = raw.decode('utf-8', 'surrogateescape')
            start = len(text) - len(text.lstrip(' \t\r'))
            pairs = None
            if text[start:start + 1] == '{':
                try:
                    pairs = json.loads(text, object_pairs_hook=lambda kv: kv)
                except ValueError:
                    pairs = None  # not JSON: left to jisr, which says where
            if pairs is None:
                yield raw
                continue
            ids = [v for k, v in pairs if k == 'id']
            if not ids:
                close = text.rindex('}')  # valid JSON: the object's last character
                fill = '%s"id":%d' % (',' if pairs else '', n)
                raw = (text[:close] + fill + text[close:]).encode('utf-8', 'surrogateescape')
                ids = [n]
            v = ids[0]
            if isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)):
                key = str(v)
                if key in first:
                    raise InputError('%s:%d:1: document id "%s" is repeated (first on line %d)'
                                     % (path, n, key, first[key]))
                first[key] = n
            yield raw


def check_names(args):
    """Refuse an output (or --stats) that names the input or the other output, by any name (a
    symbolic or hard link, ./x): it would be replaced before, or after, it is read."""
    names = [('-i', args.input), ('-o', args.output)]
    if args.stats:
        names.append(('--stats', args.stats))
    for i, (fa, a) in enumerate(names):
        for fb, b in names[i + 1:]:
            try:
                same = os.path.samefile(a, b)
            except OSError:
                same = os.path.abspath(a) == os.path.abspath(b)
            if same:
                what = ("is this command's input: it would be overwritten" if fa == '-i'
                        else 'and %s %s name the same file' % (fa, a))
                raise UsageError('%s %s %s (choose another output file)' % (fb, b, what))


def open_new(outdir, target):
    """A temporary beside target, created as open(2) creates a file (0666 minus the umask,
    as the kernel applies it: umask(2) is process-wide and would race with Dask's threads),
    and 0600 while it is written. Returns (fd, path, the mode to give it at the end): that of
    the file it replaces, if any."""
    for _ in range(100):
        tmp = os.path.join(outdir, '.jisr-dask-out-%s' % uuid.uuid4().hex)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW |
                         os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise OSError(errno.EEXIST, 'cannot make a temporary file', outdir)
    mode = os.fstat(fd).st_mode & 0o777
    os.fchmod(fd, 0o600)
    try:
        st = os.stat(target)
        if os.path.isfile(target):
            mode = st.st_mode & 0o7777
    except OSError:
        pass
    return fd, tmp, mode


def sort_key(line):
    o = json.loads(line)
    return (str(o.get('id', '')), o.get('src_idx', [0])[:1], o.get('tgt_idx', [0])[:1])


def number_input(src, dst):
    """Write the input with ids (with_ids) to dst; returns the byte offset of every line's start
    in it, and its size last."""
    offsets = [0]
    with open(dst, 'wb') as f:
        for raw in with_ids(src):
            f.write(raw)
            offsets.append(offsets[-1] + len(raw))
    return offsets


def partition(offsets, k):
    """k ranges (start, end, first line) of about equal bytes at line boundaries (fewer when
    there are fewer lines), none empty."""
    nlines, size = len(offsets) - 1, offsets[-1]
    k = max(1, min(k, nlines))
    cuts = [0]
    for i in range(1, k):
        c = bisect.bisect_left(offsets, size * i / k, cuts[-1] + 1, nlines - (k - i) + 1)
        cuts.append(min(max(c, cuts[-1] + 1), nlines - (k - i)))
    cuts.append(nlines)
    return [(offsets[a], offsets[b], a + 1) for a, b in zip(cuts, cuts[1:])]


def default_partitions(size, workers):
    """PARTS_PER_WORKER a worker, each of at least MIN_PART_BYTES."""
    return max(1, min(PARTS_PER_WORKER * max(1, workers), -(-size // MIN_PART_BYTES)))


def run(args, extra):
    t0 = time.time()
    stats = {'mode': 'single' if args.single else 'dask'}
    outdir = os.path.dirname(os.path.abspath(args.output))
    work = tempfile.mkdtemp(prefix='.jisr-dask-', dir=outdir)  # shared with the workers
    parts = []
    try:
        # ids before the split, into a copy the workers read (the directory is shared)
        numbered = os.path.join(work, 'input.jsonl')
        offsets = number_input(args.input, numbered)
        if args.single:
            path = os.path.join(work, 'part-0.jsonl')
            ndocs, npairs, peak, failed = align_range(numbered, 0, offsets[-1], 1, args.input,
                                                      args.jisr, extra, path)
            if failed:
                report_failure(failed)
            parts = [path]
            stats.update(partitions=1, workers=1, jisr_peak_rss_kib=peak)
        else:
            # killed, the local cluster's processes leave semaphores that multiprocessing's
            # resource tracker (another interpreter, which reads this) warns of on our stderr
            os.environ.setdefault('PYTHONWARNINGS', 'ignore:resource_tracker:UserWarning')
            import dask.bag as db
            from dask.distributed import Client, LocalCluster
            # the scheduler's HTTP routes (no dashboard) move to another port when another
            # cluster holds 8787: nothing for our user to act on
            warnings.filterwarnings('ignore', message=r'Port \d+ is already in use',
                                    category=UserWarning)
            cluster = None
            if args.scheduler:
                client = Client(args.scheduler)
            else:
                # the workers' scratch space in our own directory, not the shared
                # $TMPDIR/dask-worker-space: there, a worker of another run killed before it
                # could clean up left a directory whose purge a new worker announces on our
                # stderr ("Found stale lock file and directory …, purging", at INFO, past
                # silence_logs), and ours goes with `work` however this run ends
                cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                       processes=True, host='127.0.0.1', dashboard_address=None,
                                       silence_logs=40,
                                       local_directory=os.path.join(work, 'dask'))
                client = Client(cluster)
                client.register_worker_callbacks(quiet_worker_shutdown)
            try:
                nworkers = len(client.scheduler_info()['workers']) or args.workers
                ranges = partition(offsets, args.partitions or
                                   default_partitions(offsets[-1], nworkers))
                bag = db.from_sequence(ranges, npartitions=len(ranges))
                jisr, xa, name = args.jisr, list(extra), args.input

                def part(items):
                    out = []
                    for start, end, first in items:
                        path = os.path.join(work, 'part-%s.jsonl' % uuid.uuid4().hex)
                        out.append((path,) + align_range(numbered, start, end, first, name,
                                                         jisr, xa, path))
                    return out

                res = bag.map_partitions(part).compute()
                for r in res:  # in partition order: the first failure in the input
                    if r[4]:
                        report_failure(r[4])
                parts = [r[0] for r in res]
                ndocs = sum(r[1] for r in res)
                npairs = sum(r[2] for r in res)
                stats.update(partitions=bag.npartitions,
                             workers=len(client.scheduler_info()['workers']),
                             jisr_peak_rss_kib=max([r[3] for r in res] or [0]),
                             worker_peak_rss_kib=max(client.run(
                                 lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
                                 .values()))
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()
        # one output file, committed atomically
        check_signalled()
        fd, tmp, mode = open_new(outdir, args.output)
        try:
            with os.fdopen(fd, 'wb') as out:
                if args.sort:
                    lines = []
                    for pth in parts:
                        with open(pth, 'rb') as f:
                            lines.extend(l.rstrip(b'\n') for l in f)
                    lines.sort(key=sort_key)
                    out.write(b''.join(l + b'\n' for l in lines))
                else:
                    for pth in parts:
                        with open(pth, 'rb') as f:
                            shutil.copyfileobj(f, out)
                os.fchmod(out.fileno(), mode)
            check_signalled()
            os.replace(tmp, args.output)
        except BaseException:
            os.unlink(tmp)
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    secs = time.time() - t0
    stats.update(documents=ndocs, pairs=npairs, seconds=round(secs, 3),
                 documents_per_s=round(ndocs / secs, 1) if secs else 0,
                 pairs_per_s=round(npairs / secs, 1) if secs else 0,
                 driver_peak_rss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    if args.stats:
        with open(args.stats, 'w') as f:
            json.dump(stats, f)
    print('jisr_dask: %(documents)d documents, %(pairs)d pairs in %(seconds).1f s' % stats,
          file=sys.stderr)
    return 0


def main(argv):
    extra = []
    if '--' in argv:
        k = argv.index('--')
        argv, extra = argv[:k], argv[k + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--jisr', default='jisr', help='the jisr program (same path on workers)')
    ap.add_argument('-i', '--input', required=True, help='JSONL document pairs')
    ap.add_argument('-o', '--output', required=True, help='aligned pairs, JSONL')
    g = ap.add_mutually_exclusive_group()
    g.add_argument('--scheduler', help='address of a running Dask scheduler')
    g.add_argument('--single', action='store_true', help='one process, no Dask')
    ap.add_argument('--workers', type=int, default=2, help='LocalCluster worker processes')
    ap.add_argument('--partitions', type=int, default=0, help='repartition the input')
    ap.add_argument('--sort', action='store_true', help='sort the output by document')
    ap.add_argument('--stats', help='write timings and peak memory as JSON')
    args = ap.parse_args(argv)
    args.jisr = os.path.abspath(args.jisr) if os.sep in args.jisr else args.jisr
    if args.partitions < 0 or args.workers < 1:
        print('jisr_dask: --partitions must be 0 (the default) or more, --workers 1 or more',
              file=sys.stderr)
        return 2
    sys.unraisablehook = on_unraisable
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, on_signal)
    try:
        check_names(args)
        return run(args, extra)
    except UsageError as e:
        print('jisr_dask: %s' % e, file=sys.stderr)
        return 2
    except InputError as e:
        print('jisr_dask: %s' % e, file=sys.stderr)
        return 1
    except JisrError as e:
        print(e, file=sys.stderr)
        return 2 if e.code == 2 else 1
    except Interrupted as e:
        print('jisr_dask: interrupted (%s): nothing written' % signal.Signals(e.sig).name,
              file=sys.stderr)
        sys.stderr.flush()
        # die of the signal, as jisr does, so that whoever started us sees it
        signal.signal(e.sig, signal.SIG_DFL)
        os.kill(os.getpid(), e.sig)
        return 128 + e.sig
    except OSError as e:
        print('jisr_dask: %s%s' % (e.filename + ': ' if e.filename else '', e.strerror or e),
              file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
