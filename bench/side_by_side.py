#!/usr/bin/env python3
"""side_by_side.py — issue 10's proof: the command line's cost for segment, TMX read, align,
import and query, builds side by side in one run.

    /usr/bin/python3 bench/side_by_side.py [--data DIR] [--work DIR] [--rounds N] [--no-callgrind]
                                           NAME=JISR[:LIBDIR] NAME=JISR[:LIBDIR] ...

(LIBDIR: where that build's libjisr.so.0.MINOR is, for a copy of a binary whose RUNPATH names
another folder; it goes into LD_LIBRARY_PATH of that build's runs only.)

The first build is the reference: every other column is given as a ratio to it. Two measures:

* callgrind instruction counts (all threads; deterministic, so meaningful on a shared, noisy
  machine), for the whole process and net of the process's start-up (the same command on
  empty input: dynamic loading and library constructors, which grow with the libraries the
  binary links, not with the work);
* wall clock and CPU time (user + system) of runs interleaved build by build, round after
  round (so that load changes hit every build alike), medians, with the load average before
  and after.

Inputs, modest so that callgrind finishes in minutes: the first 2,000 lines of the UN dev set
(English and Arabic) as paragraphs of ten lines (segment); its 4,000 pairs as TSV (import) and
as TMX written by the reference (convert TMX -> TSV); Matthew's 28 chapters of the Bible
'noisy' dev set, presegmented (align: with '--model 1' for builds that have it, which
reproduces jisr 0.1's aligner, and with their default model); 300 lines of the UN test set
queried against the memory each build imported itself. Prints figures, never fails on them.
"""
import argparse, os, resource, shutil, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("builds", nargs="+")
ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/data"))
ap.add_argument("--work")
ap.add_argument("--rounds", type=int, default=15)
ap.add_argument("--no-callgrind", action="store_true")
a = ap.parse_args()
builds, envs = [], {}
for b in a.builds:
    name, _, path = b.partition("=")
    path, _, libdir = path.partition(":")
    builds.append((name, os.path.abspath(path)))
    envs[os.path.abspath(path)] = dict(os.environ)
    if libdir:
        envs[os.path.abspath(path)]["LD_LIBRARY_PATH"] = os.path.abspath(libdir)
D = a.data
if not os.path.exists(os.path.join(D, "un-ar-en/UNv1.0.devset.en")):
    print("no shared data at", D, file=sys.stderr)
    sys.exit(77)
W = a.work or tempfile.mkdtemp(prefix="jisr-sbs-")
os.makedirs(W, exist_ok=True)
os.chdir(W)

def lines(p, n=None):
    with open(p, encoding="utf-8") as f:
        v = f.read().split("\n")
    if v and v[-1] == "":
        v.pop()
    return v[:n] if n else v

for lang in ("en", "ar"):
    v = lines(f"{D}/un-ar-en/UNv1.0.devset.{lang}", 2000)
    with open(f"seg.{lang}", "w", encoding="utf-8") as f:
        for i, l in enumerate(v, 1):
            f.write(l + "\n" + ("\n" if i % 10 == 0 else ""))
with open("un.tsv", "w", encoding="utf-8") as f:
    for e, r in zip(lines(f"{D}/un-ar-en/UNv1.0.devset.en"), lines(f"{D}/un-ar-en/UNv1.0.devset.ar")):
        f.write(e + "\t" + r + "\n")
AL = f"{D}/bible-ar-en/align/noisy/dev"
for side in ("ar", "en"):
    with open(f"al.{side}", "wb") as f:
        for n in sorted(x for x in os.listdir(AL) if x.startswith("01-Matthew-") and x.endswith("." + side)):
            f.write(open(os.path.join(AL, n), "rb").read())
with open("q.en", "w", encoding="utf-8") as f:
    f.write("\n".join(lines(f"{D}/un-ar-en/UNv1.0.testset.en", 300)) + "\n")
open("empty.txt", "w").close()
open("empty.tsv", "w").close()
ref = builds[0][1]
subprocess.run([ref, "convert", "-s", "en", "-t", "ar", "un.tsv", "un.tmx"], check=True, stderr=subprocess.DEVNULL,
               env=envs[ref])

def has_model(j):
    return "--model" in subprocess.run([j, "align", "--help"], capture_output=True, text=True, env=envs[j]).stdout

for name, j in builds:
    shutil.rmtree(f"tm.{name}", ignore_errors=True)
    subprocess.run([j, "import", "--tm", f"tm.{name}", "-s", "en", "-t", "ar", "un.tsv"], check=True,
                   stderr=subprocess.DEVNULL, env=envs[j])

# operation: (label, args(name) -> argv tail, stdin file, prepare(name), start-up argv tail)
def imp_prep(name):
    shutil.rmtree(f"tmi.{name}", ignore_errors=True)
OPS = [
    ("segment en", lambda n, m: ["segment", "-l", "en", "seg.en"], None, None, ["segment", "-l", "en", "empty.txt"]),
    ("segment ar", lambda n, m: ["segment", "-l", "ar", "seg.ar"], None, None, ["segment", "-l", "ar", "empty.txt"]),
    ("TMX read", lambda n, m: ["convert", "-s", "en", "-t", "ar", "un.tmx", f"c.{n}.tsv"], None, None,
     ["convert", "-s", "en", "-t", "ar", "empty.tsv", "e.tsv"]),
    ("align model 1", lambda n, m: ["align"] + (["--model", "1"] if m else []) + ["-p", "al.ar", "al.en", "-f", "tsv", "-o", f"al1.{n}.tsv"],
     None, None, None),
    ("align default", lambda n, m: ["align", "-p", "al.ar", "al.en", "-f", "tsv", "-o", f"ald.{n}.tsv"], None, None, None),
    ("import", lambda n, m: ["import", "--tm", f"tmi.{n}", "-s", "en", "-t", "ar", "un.tsv"], None, imp_prep,
     ["convert", "-s", "en", "-t", "ar", "empty.tsv", "e.tsv"]),
    ("query", lambda n, m: ["query", "--tm", f"tm.{n}", "-s", "en", "-t", "ar"], "q.en", None,
     ["query", "--tm", "tm.{name}", "-s", "en", "-t", "ar"]),
]
models = {n: has_model(j) for n, j in builds}

def run(j, argv, stdin):
    with open(stdin or os.devnull, "rb") as fi:
        subprocess.run([j] + argv, stdin=fi, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=envs[j])

def ir(name, j, argv, stdin):
    out = f"cg.{name}.{len(os.listdir('.'))}.out"
    with open(stdin or os.devnull, "rb") as fi:
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", j] + argv, stdin=fi,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=envs[j])
    t = 0
    for l in open(out):
        if l.startswith("totals:") or l.startswith("summary:"):
            t = max(t, int(l.split()[1]))
    return t

def fmt_ratio(x, r):
    return "%+7.2f%%" % ((x / r - 1) * 100) if r else "   n/a"

print("builds:", ", ".join(f"{n}={j}" for n, j in builds))
print("work:", W)
if not a.no_callgrind:
    print("\ncallgrind instructions (millions; 'net' = minus the same command on empty input)")
    hdr = "%-15s" % "operation" + "".join("%11s" % n for n, _ in builds) + "".join("%17s" % (n + "/" + builds[0][0]) for n, _ in builds[1:])
    print(hdr + "   (whole process | net)")
    for label, args, stdin, prep, start in OPS:
        tot, net = [], []
        for n, j in builds:
            if prep:
                prep(n)
            x = ir(n, j, args(n, models[n]), stdin)
            s = 0
            if start:
                s = ir(n, j, [t.replace("{name}", n) for t in start], None)
            else:  # align: start-up measured on the segment command
                s = ir(n, j, ["segment", "-l", "en", "empty.txt"], None)
            tot.append(x)
            net.append(x - s)
        line = "%-15s" % label + "".join("%11.1f" % (x / 1e6) for x in tot)
        line += "".join("  %7s|%7s" % (fmt_ratio(tot[i], tot[0]), fmt_ratio(net[i], net[0])) for i in range(1, len(builds)))
        print(line, flush=True)
    for n, j in builds[1:]:
        if models[n]:
            same = open(f"al1.{n}.tsv", "rb").read() == open(f"al1.{builds[0][0]}.tsv", "rb").read()
            print(f"align --model 1 of {n}: output {'identical to' if same else 'DIFFERENT from'} {builds[0][0]}'s")

print("\nwall clock and CPU, %d interleaved rounds, medians (ms); load average before: %s" %
      (a.rounds, open("/proc/loadavg").read().split()[:3]))
res = {}
for r in range(a.rounds + 1):
    for label, args, stdin, prep, start in OPS:
        for n, j in builds:
            if prep:
                prep(n)
            t0 = time.perf_counter()
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            run(j, args(n, models[n]), stdin)
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t1 = time.perf_counter()
            if r:  # round 0 warms the caches
                res.setdefault((label, n), []).append(
                    (t1 - t0, (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)))
print("load average after:", open("/proc/loadavg").read().split()[:3])
print("%-15s" % "operation" + "".join("%18s" % (n + " wall|cpu") for n, _ in builds) + "".join("%14s" % ("cpu " + n + "/" + builds[0][0]) for n, _ in builds[1:]))
for label, *_ in OPS:
    w = [statistics.median(x[0] for x in res[(label, n)]) * 1e3 for n, _ in builds]
    c = [statistics.median(x[1] for x in res[(label, n)]) * 1e3 for n, _ in builds]
    print("%-15s" % label + "".join("%9.1f|%8.1f" % (w[i], c[i]) for i in range(len(builds))) +
          "".join("%14s" % fmt_ratio(c[i], c[0]) for i in range(1, len(builds))))
