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
import errno
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid


def align_to_file(lines, jisr, extra, path):
    """Align the document pairs of one partition into path (streamed: the output never sits in
    memory); returns (documents, pairs, peak RSS of the jisr process in KiB)."""
    data = ''.join(l if l.endswith('\n') else l + '\n' for l in lines if l.strip())
    ndocs = sum(1 for l in lines if l.strip())
    cmd = [jisr, 'align', '--batch', '-', '--chunk', '1'] + list(extra)
    with open(path, 'wb') as out, tempfile.TemporaryFile() as err:
        p = subprocess.run(cmd, input=data.encode('utf-8'), stdout=out, stderr=err, check=False)
        err.seek(0)
        msg = err.read().decode('utf-8', 'replace').strip()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if p.returncode != 0:
        raise RuntimeError('jisr align failed (exit %d): %s' % (p.returncode, msg))
    with open(path, 'rb') as f:
        npairs = sum(1 for _ in f)
    return ndocs, npairs, peak


class UsageError(Exception):
    """A usage error: reported with exit status 2, as jisr reports its own."""


class InputError(Exception):
    """An input jisr would refuse as a whole: exit status 1."""


def with_ids(path):
    """The input's lines (bytes, split at line feeds only, as jisr splits them), each JSON object
    without an "id" given its line number as one, written into the line (the rest of it kept
    byte for byte, so jisr still sees whatever else is wrong with it); an id given twice raises
    InputError (`jisr align --batch FILE` refuses it too, but a partition's process sees only
    its own ids)."""
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
                fill = '"id":%d%s' % (n, ',' if pairs else '')
                raw = (text[:start + 1] + fill + text[start + 1:]).encode('utf-8',
                                                                         'surrogateescape')
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


def run(args, extra):
    t0 = time.time()
    stats = {'mode': 'single' if args.single else 'dask'}
    outdir = os.path.dirname(os.path.abspath(args.output))
    work = tempfile.mkdtemp(prefix='.jisr-dask-', dir=outdir)  # shared with the workers
    parts = []
    try:
        if args.single:
            lines = [l.decode('utf-8') for l in with_ids(args.input)]
            path = os.path.join(work, 'part-0.jsonl')
            ndocs, npairs, peak = align_to_file(lines, args.jisr, extra, path)
            parts = [path]
            stats.update(partitions=1, workers=1, jisr_peak_rss_kib=peak)
        else:
            # ids before the split, into a copy the workers read (the directory is shared)
            numbered = os.path.join(work, 'input.jsonl')
            with open(numbered, 'wb') as f:
                f.writelines(with_ids(args.input))
            import dask.bag as db
            from dask.distributed import Client, LocalCluster
            cluster = None
            if args.scheduler:
                client = Client(args.scheduler)
            else:
                cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                       processes=True, host='127.0.0.1', dashboard_address=None,
                                       silence_logs=40)
                client = Client(cluster)
            try:
                bag = db.read_text(numbered, encoding='utf-8')
                if args.partitions:
                    bag = bag.repartition(npartitions=args.partitions)
                jisr, xa = args.jisr, list(extra)

                def part(lines):
                    path = os.path.join(work, 'part-%s.jsonl' % uuid.uuid4().hex)
                    return [(path,) + align_to_file(list(lines), jisr, xa, path)]

                res = bag.map_partitions(part).compute()
                parts = [r[0] for r in res]  # in partition order
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
        fd, tmp, mode = open_new(outdir, args.output)
        try:
            with os.fdopen(fd, 'wb') as out:
                if args.sort:
                    lines = []
                    for pth in parts:
                        with open(pth, encoding='utf-8') as f:
                            lines.extend(l.rstrip('\n') for l in f)
                    lines.sort(key=sort_key)
                    out.write(''.join(l + '\n' for l in lines).encode('utf-8'))
                else:
                    for pth in parts:
                        with open(pth, 'rb') as f:
                            shutil.copyfileobj(f, out)
                os.fchmod(out.fileno(), mode)
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
    try:
        check_names(args)
        return run(args, extra)
    except UsageError as e:
        print('jisr_dask: %s' % e, file=sys.stderr)
        return 2
    except InputError as e:
        print('jisr_dask: %s' % e, file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
