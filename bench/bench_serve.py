#!/usr/bin/python3
"""bench_serve.py — load benchmark of `jisr serve` (prints figures, never passes or fails).

Loopback only, bounded in count and time (every load run has a fixed duration; the whole run
prints its plan first), and it stops every process it starts.

  1. a memory of N units (default 1,000,000) and bench_tm's 1,000 queries, made by bench_tm
     (reused when WORK already holds them);
  2. tmserver GETs of the bench's near/far mix (ar→en and en→ar, quoted as Weblate does) from
     wrk at 1, 8, 32 and 128 connections: requests/s, p50, p99, errors;
 2b. head-of-line: the mix from wrk at 8 connections alone, then while two other clients
     (127.0.0.2 and .3) keep expensive reads in flight (1,000-character texts at
     min_similarity=0, each up to --query-timeout): what the cheap queries' latency and rate
     become;
  3. the same queries in-process (bench_serve_inproc: jisr_tm_query on 1 and 2 threads), so the
     HTTP overhead can be read off;
  4. English-source queries beside translate-toolkit's tmserver loaded with the same units;
  5. memory (RSS) of the server over a long run at 32 connections (default 5 minutes);
  6. an import of 100,000 units posted while wrk queries: requests/s and errors before/during
     (6 and 7 write into a copy of the memory, removed after: the memory stays at N units);
  7. a streamed upload of 1 GiB of TSV (chunked, generated as it is sent) whose last line is bad:
     the server's RSS sampled all along (the body must never sit in memory), 422 at the end and
     the memory unchanged (a strict import of a bad body stores nothing).
wrk and the server share the machine's cores: the figures are those of one box doing both.

Usage: bench/bench_serve.py [--build DIR] [--work DIR] [--units N] [--duration S]
                            [--rss-minutes M] [--skip-ttk] [--skip-rss] [--skip-import]
                            [--upload-mib N] [--skip-upload] [--skip-hol] [--hol-heavy N]
                            [--threads N] [--query-threads N] [--compare DIR]
--compare DIR: a second build (the code before a change, say) whose server runs beside the
first; sections 2 and 2b measure both, one run after the other for each row.
"""
import argparse
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

PY = "/usr/bin/python3"
# One handle takes queries from several threads at once (the tm library's query contexts).
SERIAL_LIBRARY = False
HERE = os.path.dirname(os.path.abspath(__file__))


def log(*a):
    print(*a, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_http(url, timeout=600):
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return True
        except urllib.error.HTTPError:
            return True
        except Exception:
            time.sleep(0.2)
    return False


def quote(s):
    return urllib.parse.quote(s.encode(), safe=b"")


def lua_script(path, targets):
    with open(path, "w", encoding="utf-8") as f:
        f.write("local paths = {\n")
        for t in targets:
            f.write('  "%s",\n' % t)
        f.write("}\nlocal i = 0\n")
        f.write("init = function(args) i = math.random(#paths) end\n")
        f.write("request = function()\n  i = i + 1\n  if i > #paths then i = 1 end\n"
                "  return wrk.format(\"GET\", paths[i])\nend\n")


def to_ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    x = float(m.group(1))
    return {"us": x / 1000, "ms": x, "s": x * 1000}[m.group(2)]


def proc_cpu(pid):
    """CPU seconds (user + system) a process has used so far."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def children_cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def wrk(url, script, conns, secs, timeout="10s", server=None):
    threads = min(2, conns)
    s0, w0 = (proc_cpu(server) if server else 0.0), children_cpu()
    p = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % secs, "--latency",
                        "--timeout", timeout, "-s", script, url],
                       capture_output=True, text=True, timeout=secs + 120)
    out = p.stdout
    r = {"conns": conns, "rps": 0.0, "p50": None, "p99": None, "max": None, "errors": 0,
         "requests": 0,
         "srv_cpu_us": None, "wrk_cpu_us": None, "load": os.getloadavg()[0]}
    s1, w1 = (proc_cpu(server) if server else 0.0), children_cpu()
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        r["rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in", out)
    if m:
        r["requests"] = int(m.group(1))
    for pct, key in (("50%", "p50"), ("99%", "p99")):
        m = re.search(r"^\s+" + pct + r"\s+([\d.]+\w+)", out, re.M)
        if m:
            r[key] = to_ms(m.group(1))
    m = re.search(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+\w+)", out, re.M)
    if m:
        r["max"] = to_ms(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r["errors"] += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        r["errors"] += sum(int(x) for x in m.groups())
    if p.returncode != 0 or not r["requests"]:
        log("  wrk failed:", out[-500:], p.stderr[-500:])
    elif server:
        r["srv_cpu_us"] = (s1 - s0) * 1e6 / r["requests"]
        r["wrk_cpu_us"] = (w1 - w0) * 1e6 / r["requests"]
    return r


def fmt(r):
    cap = 2e6 / r["srv_cpu_us"] if r.get("srv_cpu_us") else 0
    return "%6d %10.0f %9s %9s %8d %12s %12s %14s %6.1f" % (
        r["conns"], r["rps"], "%.2f" % r["p50"] if r["p50"] is not None else "-",
        "%.2f" % r["p99"] if r["p99"] is not None else "-", r["errors"],
        "%.0f" % r["srv_cpu_us"] if r.get("srv_cpu_us") else "-",
        "%.0f" % r["wrk_cpu_us"] if r.get("wrk_cpu_us") else "-", "%.0f" % cap if cap else "-",
        r.get("load", 0))


class Proc:
    """A child process stopped on exit whatever happens."""
    live = []

    def __init__(self, cmd, logpath, **kw):
        self.log = open(logpath, "wb")
        self.p = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, **kw)
        Proc.live.append(self)

    def rss_kib(self, field="VmRSS"):
        """VmRSS (all resident pages, the memory's mapped file included) or RssAnon (the
        process's own allocations: what a leak would grow)."""
        try:
            with open("/proc/%d/status" % self.p.pid) as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(60)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()
        if self in Proc.live:
            Proc.live.remove(self)
        return self.p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--work", default="/tmp/jisr-bench-serve")
    ap.add_argument("--units", type=int, default=1000000)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--rss-minutes", type=float, default=5)
    ap.add_argument("--threads", type=int, default=0, help="server I/O threads (0: one per core)")
    ap.add_argument("--query-threads", type=int, default=0,
                    help="server query threads (0: the server's default, two per core)")
    ap.add_argument("--skip-hol", action="store_true", help="no head-of-line runs (section 2b)")
    ap.add_argument("--hol-heavy", type=int, default=4,
                    help="expensive reads kept in flight by the other client of section 2b")
    ap.add_argument("--compare", metavar="DIR",
                    help="a second build measured beside --build in sections 2 and 2b")
    ap.add_argument("--skip-ttk", action="store_true")
    ap.add_argument("--skip-rss", action="store_true")
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-ttk-full", action="store_true",
                    help="translate-toolkit only on the small memories of --ttk-sizes (its store of "
                    "the full memory takes long to build)")
    ap.add_argument("--ttk-sizes", default="5000,50000",
                    help="memory sizes of the small side-by-side with translate-toolkit")
    ap.add_argument("--skip-http", action="store_true", help="no wrk runs of section 2")
    ap.add_argument("--skip-inproc", action="store_true", help="no in-process runs (section 3)")
    ap.add_argument("--conns", default="1,8,32,128",
                    help="connection counts of section 2 (32 is needed for the targets)")
    ap.add_argument("--upload-mib", type=int, default=1024,
                    help="size of the streamed upload of section 7, MiB")
    ap.add_argument("--skip-upload", action="store_true", help="no streamed upload (section 7)")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="the server with --no-snapshot and the in-process runs with "
                    "JISR_TM_SNAP=0: LMDB only, without the read snapshot's directory")
    a = ap.parse_args()
    jisr = os.path.join(a.build, "jisr")
    bench_tm = os.path.join(a.build, "bench", "bench_tm")
    inproc = os.path.join(a.build, "bench", "bench_serve_inproc")
    if not shutil.which("wrk"):
        log("wrk is not installed (apt-get install wrk): nothing measured")
        return 0
    os.makedirs(a.work, exist_ok=True)
    mem = os.path.join(a.work, "tm")
    qfile = os.path.join(a.work, "queries.tsv")
    cores = os.cpu_count()
    log("jisr serve load benchmark: %d units, wrk runs of %d s at 1, 8, 32, 128 connections, "
        "%d cores shared by wrk and the server (load average now %.1f)" %
        (a.units, a.duration, cores, os.getloadavg()[0]))

    # 1. the memory and the queries
    if not os.path.exists(os.path.join(mem, "data.mdb")) or not os.path.exists(qfile):
        log("\nbuilding the memory with bench_tm (%d units) ..." % a.units)
        subprocess.run([bench_tm, str(a.units), a.work, "0"], check=True,
                       env=dict(os.environ, JISR_BENCH_QUERIES=qfile),
                       stdout=open(os.path.join(a.work, "bench_tm.out"), "w"))
    queries = []
    # bench_tm's far queries join two halves cut at a byte midpoint, which can split an Arabic
    # letter: the broken bytes are dropped here (an HTTP client can only send UTF-8)
    for line in open(qfile, encoding="utf-8", errors="ignore"):
        sl, kind, text = line.rstrip("\n").split("\t", 2)
        if kind in ("near", "far"):
            queries.append((sl, "en" if sl == "ar" else "ar", kind, text))
    nq = len(queries)
    log("queries: %d of bench_tm's (near and far; %d ar→en, %d en→ar)" %
        (nq, sum(q[0] == "ar" for q in queries), sum(q[0] == "en" for q in queries)))
    mixq = os.path.join(a.work, "mix.tsv")
    with open(mixq, "w", encoding="utf-8") as f:
        for sl, tl, kind, text in queries:
            f.write("%s\t%s\t%s\n" % (sl, kind, text))
    enq = os.path.join(a.work, "en.tsv")
    with open(enq, "w", encoding="utf-8") as f:
        for sl, tl, kind, text in queries:
            if sl == "en":
                f.write("%s\t%s\t%s\n" % (sl, kind, text))
    mix_lua = os.path.join(a.work, "mix.lua")
    lua_script(mix_lua, ["/tmserver/%s/%s/unit/%s" % (sl, tl, quote(t)) for sl, tl, _, t in queries])
    en_lua = os.path.join(a.work, "en.lua")
    lua_script(en_lua, ["/tmserver/en/ar/unit/%s" % quote(t) for sl, tl, _, t in queries
                        if sl == "en"])

    token = os.path.join(a.work, "token")
    with open(token, "w") as f:
        f.write("bench-token-%d-0123456789abcdef\n" % os.getpid())
    os.chmod(token, 0o600)

    def serve_args(binary, port):
        args = [binary, "serve", "--tm", mem, "--listen", "127.0.0.1:%d" % port, "--quiet",
                "--token-file", token, "--max-connections-per-client", "1024"]
        # every connection of wrk comes from one address: the per-client bounds are raised
        # together (a server from before the query threads has no --query-queue)
        help_text = subprocess.run([binary, "serve", "--help"], capture_output=True,
                                   text=True).stdout
        if "--query-queue" in help_text:
            args += ["--query-queue", "1024"]
        if a.threads:
            args += ["--threads", str(a.threads)]
        if a.query_threads and "--query-threads" in help_text:
            args += ["--query-threads", str(a.query_threads)]
        if a.no_snapshot:
            args += ["--no-snapshot"]
        return args
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    args = serve_args(jisr, port)
    srv = Proc(args, os.path.join(a.work, "serve.log"))
    # the build to compare with: its own server, idle while the first one is measured
    others = []
    if a.compare:
        port2 = free_port()
        srv2 = Proc(serve_args(os.path.join(a.compare, "jisr"), port2),
                    os.path.join(a.work, "serve-compare.log"))
        others.append((srv2, "http://127.0.0.1:%d" % port2))
    label = {url: os.path.basename(os.path.normpath(a.build))}
    for o in others:
        label[o[1]] = os.path.basename(os.path.normpath(a.compare))
    try:
        for u in [url] + [o[1] for o in others]:
            if not wait_http(u + "/v1/"):
                log("the server did not start")
                return 1
            # warm the page cache: every query once
            for sl, tl, _, t in queries[:200]:
                urllib.request.urlopen(u + "/tmserver/%s/%s/unit/%s" % (sl, tl, quote(t))).read()

        # 2. HTTP
        log("\n2. tmserver queries over HTTP (near/far mix), jisr serve, wrk -d%ds:" % a.duration)
        log("  (server CPU: the server's user+system time per request; capacity: 2 cores divided by"
            " it,\n   what 2 cores of its own would serve — a busy machine inflates the wall-clock"
            " figures, not these)")
        log("%6s %10s %9s %9s %8s %12s %12s %14s %6s" % ("conns", "req/s", "p50 ms", "p99 ms",
                                                          "errors", "srv CPU us", "wrk CPU us",
                                                          "capacity r/s", "load"))
        log("  (load: the 1-minute load average at the end of the run, wrk and the server included)")
        http = {}
        conns = sorted(set(int(x) for x in a.conns.split(",") if x) | {32})
        for c in conns:
            if a.skip_http:
                http[c] = {"conns": c, "rps": 0, "p50": None, "p99": None, "errors": 0}
                continue
            http[c] = wrk(url, mix_lua, c, a.duration, server=srv.p.pid)
            log(fmt(http[c]) + ("   " + label[url] if others else ""))
            for s2, u2 in others:
                log(fmt(wrk(u2, mix_lua, c, a.duration, server=s2.p.pid)) + "   " + label[u2])

        # 2b. head-of-line blocking
        if not a.skip_hol:
            for u in [url] + [o[1] for o in others]:
                hol_side(a, u, mix_lua, queries, label[u] if others else "")
        for s2, _ in others:
            s2.stop()

        # 3. in-process
        log("\n3. the same queries in-process (jisr_tm_query, min 75, 5 matches, %d s):" %
            a.duration)
        inp = {}
        for th in (() if a.skip_inproc else (1, cores)):
            env = dict(os.environ)
            if a.no_snapshot:
                env["JISR_TM_SNAP"] = "0"
            if SERIAL_LIBRARY:
                env["JISR_BENCH_SERIAL"] = "1"
            p = subprocess.run([inproc, mem, mixq, str(a.duration), str(th)], capture_output=True,
                               text=True, env=env)
            try:
                inp[th] = json.loads(p.stdout)
            except ValueError:
                log("  in-process run failed:", p.stderr[-300:])
                continue
            log("  %d thread%s: %8.0f queries/s   p50 %.3f ms   p99 %.3f ms   CPU %.0f us/query "
                "(capacity of 2 cores: %.0f/s)" %
                (th, "s" if th > 1 else "", inp[th]["rps"], inp[th]["p50_ms"], inp[th]["p99_ms"],
                 inp[th].get("cpu_us", 0), 2e6 / inp[th]["cpu_us"] if inp[th].get("cpu_us") else 0))
        best_inp = max((v["rps"] for v in inp.values()), default=0)
        if best_inp:
            log("  HTTP at 32 connections / best in-process = %.2f  (p50 %.3f ms vs %.3f ms)" %
                (http[32]["rps"] / best_inp, http[32]["p50"] or 0,
                 inp.get(1, {}).get("p50_ms", 0)))
        # the server runs one query thread per core: its fair in-process peer is the run on as
        # many threads (two threads on two cores cost more CPU a query than one: they share the
        # caches), the 1-thread run is the query's own cost
        for th in sorted(inp):
            if inp[th].get("cpu_us") and http[32].get("srv_cpu_us"):
                log("  HTTP overhead in CPU: %.0f us per request over HTTP vs %.0f us in-process "
                    "on %d thread%s (+%.0f us)" % (http[32]["srv_cpu_us"], inp[th]["cpu_us"], th,
                                                   "s" if th > 1 else "",
                                                   http[32]["srv_cpu_us"] - inp[th]["cpu_us"]))
        log("  targets: >= 5,000 req/s at 32 connections (%s on this machine; %s by CPU time: "
            "2 cores / %s us = %s req/s), p99 <= 20 ms at 32 (%s on this machine)" %
            ("met" if http[32]["rps"] >= 5000 else "NOT met",
             "met" if http[32].get("srv_cpu_us") and 2e6 / http[32]["srv_cpu_us"] >= 5000
             else "NOT met", "%.0f" % http[32]["srv_cpu_us"] if http[32].get("srv_cpu_us")
             else "-", "%.0f" % (2e6 / http[32]["srv_cpu_us"]) if http[32].get("srv_cpu_us")
             else "-", "met" if (http[32]["p99"] or 1e9) <= 20 else "NOT met"))

        # 4. translate-toolkit
        if not a.skip_ttk and shutil.which("tmserver"):
            if not a.skip_ttk_full:
                ttk_side(a, jisr, mem, url, en_lua, enq)
            for n in (int(x) for x in a.ttk_sizes.split(",") if x):
                ttk_small(a, jisr, en_lua, enq, n)

        # 5. memory over a long run
        if not a.skip_rss:
            secs = int(a.rss_minutes * 60)
            log("\n5. server memory over %d s at 32 connections (VmRSS every 10 s):" % secs)
            samples = []
            done = threading.Event()

            def sample():
                t0 = time.time()
                while not done.is_set():
                    samples.append((time.time() - t0, srv.rss_kib(), srv.rss_kib("RssAnon")))
                    done.wait(10)
            th = threading.Thread(target=sample)
            th.start()
            r = wrk(url, mix_lua, 32, secs)
            done.set()
            th.join()
            samples.append((secs, srv.rss_kib(), srv.rss_kib("RssAnon")))
            log("  VmRSS   " + " ".join("%.0f" % (x[1] / 1024) for x in samples) + "  MiB")
            log("  RssAnon " + " ".join("%.1f" % (x[2] / 1024) for x in samples) + "  MiB")
            first = samples[1] if len(samples) > 2 else samples[0]
            log("  %.0f req/s, p99 %.2f ms, %d errors; VmRSS (mapped memory file included) "
                "after 10 s %.1f MiB, at the end %.1f MiB; RssAnon (the server's own heap) "
                "after 10 s %.1f MiB, at the end %.1f MiB, max %.1f MiB" %
                (r["rps"], r["p99"] or 0, r["errors"], first[1] / 1024, samples[-1][1] / 1024,
                 first[2] / 1024, samples[-1][2] / 1024, max(x[2] for x in samples) / 1024))

    finally:
        code = srv.stop()
        log("\nserver stopped (exit %s)" % code)

    # 6 and 7 write: into a copy of the memory (the server stopped, its file copied), so that
    # the memory of sections 2-5 stays at a.units units for the next run
    if a.skip_import and a.skip_upload:
        return 0
    wmem = os.path.join(a.work, "tm-writes")
    shutil.rmtree(wmem, ignore_errors=True)
    os.makedirs(wmem)
    t0 = time.time()
    shutil.copyfile(os.path.join(mem, "data.mdb"), os.path.join(wmem, "data.mdb"))
    log("\n(sections 6-7 write into a copy of the memory, %s, made in %.1f s and removed after)"
        % (wmem, time.time() - t0))
    args[args.index(mem)] = wmem
    srv = Proc(args, os.path.join(a.work, "serve-writes.log"))
    try:
        if not wait_http(url + "/v1/"):
            log("the server on the copy did not start")
            return 1
        for sl, tl, _, t in queries[:200]:  # warm, as above
            urllib.request.urlopen(url + "/tmserver/%s/%s/unit/%s" % (sl, tl, quote(t))).read()
        # 6. an import while querying
        if not a.skip_import:
            import_side(a, url, token, mix_lua)

        # 7. a 1 GiB upload, streamed
        if not a.skip_upload:
            upload_side(a, srv, url, token)
    finally:
        code = srv.stop()
        log("\nserver on the copy stopped (exit %s)" % code)
        shutil.rmtree(wmem, ignore_errors=True)
    return 0


def hol_side(a, url, mix_lua, queries, name=""):
    """Cheap tmserver queries (the mix, wrk at 8 connections) alone, then while two other client
    addresses keep a.hol_heavy expensive reads in flight: 1,000-character texts at
    min_similarity=0 (seconds each on the bench's memory; cut at --query-timeout, a 503)."""
    texts = [t for sl, tl, kind, t in queries if sl == "en" and kind == "near"]
    longs = []
    for i in range(max(1, a.hol_heavy)):
        words, n, k = [], 0, 0
        while n < 1000 and texts:
            t = texts[(i * 17 + k) % len(texts)]
            words.append(t)
            n += len(t) + 1
            k += 1
        longs.append(" ".join(words)[:1000])
    host, port = url.split("//")[1].split(":")
    log("\n2b. head-of-line%s: the mix from wrk at 8 connections alone, then while two other "
        "clients (127.0.0.2, .3) keep %d expensive reads in flight (1,000-character texts, "
        "min_similarity=0):" % (" (" + name + ")" if name else "", a.hol_heavy))
    alone = wrk(url, mix_lua, 8, a.duration)
    stop, got, lock = threading.Event(), {}, threading.Lock()

    def heavy(i):
        target = "/tmserver/en/ar/unit/%s?min_similarity=0" % quote(longs[i % len(longs)])
        while not stop.is_set():
            c = http.client.HTTPConnection(host, int(port), timeout=120,
                                           source_address=("127.0.0.%d" % (2 + i % 2), 0))
            try:
                c.request("GET", target)
                r = c.getresponse()
                r.read()
                st = r.status
            except OSError as e:
                st = type(e).__name__
            finally:
                c.close()
            with lock:
                got[st] = got.get(st, 0) + 1
    ths = [threading.Thread(target=heavy, args=(i,)) for i in range(a.hol_heavy)]
    for t in ths:
        t.start()
    time.sleep(1)
    during = wrk(url, mix_lua, 8, a.duration)
    stop.set()
    for t in ths:
        t.join()
    log("%26s %10s %9s %9s %9s %8s" % ("", "req/s", "p50 ms", "p99 ms", "max ms", "errors"))
    for name, r in (("alone", alone), ("beside expensive reads", during)):
        log("%26s %10.0f %9s %9s %9s %8d" % (name, r["rps"], "%.2f" % (r["p50"] or 0),
                                             "%.2f" % (r["p99"] or 0), "%.0f" % (r["max"] or 0),
                                             r["errors"]))
    log("  the expensive reads answered: %s" % ", ".join("%s × %d" % (k, v)
                                                      for k, v in sorted(got.items(), key=str)))


def import_side(a, url, token, mix_lua):
    n = 100000
    run = "r%d" % int(time.time())  # new units each run (not merged into earlier ones)
    body = "".join("وحدة حمل رقم %d عن الموضوع م%d والبند ب%d %s\tLoad unit %d on topic t%d and "
                   "item w%d %s\n" % (i, i % 997, i * 13, run, i, i % 997, i * 13, run)
                   for i in range(n)).encode()
    tok = open(token).read().strip()
    log("\n6. POST /v1/import of %d units (%.1f MiB TSV) while wrk queries at 8 connections:" %
        (n, len(body) / 1048576))
    before = wrk(url, mix_lua, 8, 10)
    res = {}

    def post():
        t0 = time.time()
        req = urllib.request.Request(url + "/v1/import?format=tsv&source=ar&target=en",
                                     data=body, method="POST",
                                     headers={"Authorization": "Bearer " + tok})
        try:
            res["body"] = urllib.request.urlopen(req, timeout=600).read().decode()
        except urllib.error.HTTPError as e:
            res["body"] = "HTTP %d %s" % (e.code, e.read()[:200])
        res["secs"] = time.time() - t0
    th = threading.Thread(target=post)
    t0 = time.time()
    th.start()
    during = wrk(url, mix_lua, 8, 10)
    th.join()
    log("  import: %.1f s, %s" % (res.get("secs", 0), res.get("body", "")[:160]))
    log("%20s %10s %9s %9s %8s" % ("", "req/s", "p50 ms", "p99 ms", "errors"))
    for name, r in (("before the import", before), ("during the import", during)):
        log("%20s %10.0f %9s %9s %8d" % (name, r["rps"], "%.2f" % (r["p50"] or 0),
                                         "%.2f" % (r["p99"] or 0), r["errors"]))


def upload_side(a, srv, url, token):
    """POST /v1/import of a.upload_mib MiB of TSV, chunked, generated while it is sent; the last
    line has no tab, so the strict import fails at the very end (422) after parsing the whole
    body, and stores nothing. The server's VmRSS and RssAnon are sampled every 0.5 s."""
    tok = open(token).read().strip()
    total = a.upload_mib << 20
    units0 = json.loads(urllib.request.urlopen(url + "/v1/stats").read())["units"]
    log("\n7. a streamed upload of %d MiB of TSV (chunked; the last line bad, so a strict import "
        "parses all of it and stores nothing):" % a.upload_mib)
    host, port = url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=600)
    s.sendall(("POST /v1/import?format=tsv&source=ar&target=en HTTP/1.1\r\nHost: x\r\n"
               "Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n" % tok).encode())
    samples, done = [], threading.Event()

    def sample():
        while not done.is_set():
            samples.append((srv.rss_kib(), srv.rss_kib("RssAnon")))
            done.wait(0.5)
    th = threading.Thread(target=sample)
    rss0, anon0 = srv.rss_kib(), srv.rss_kib("RssAnon")
    th.start()
    t0, sent, i = time.time(), 0, 0
    try:
        while sent < total:
            lines = []
            for _ in range(8000):
                lines.append("وحدة رفع كبيرة رقم %d عن البند ب%d والموضوع م%d\tBig upload unit "
                             "number %d about item w%d and topic t%d\n" %
                             (i, i * 7, i % 991, i, i * 7, i % 991))
                i += 1
            block = "".join(lines).encode()
            s.sendall(b"%x\r\n%s\r\n" % (len(block), block))
            sent += len(block)
        tail = "the last line has no tab\n".encode()
        s.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(tail), tail))
        sent += len(tail)
        t_sent = time.time() - t0
        s.settimeout(600)
        resp = b""
        while b"\r\n\r\n" not in resp or not resp.rstrip().endswith(b"}"):
            k = s.recv(65536)
            if not k:
                break
            resp += k
    except OSError as e:
        resp = ("client error: %s" % e).encode()
        t_sent = time.time() - t0
    finally:
        s.close()
    secs = time.time() - t0
    done.set()
    th.join()
    samples.append((srv.rss_kib(), srv.rss_kib("RssAnon")))
    units1 = json.loads(urllib.request.urlopen(url + "/v1/stats").read())["units"]
    status = resp.split(b"\r\n", 1)[0].decode(errors="replace")
    body = resp.partition(b"\r\n\r\n")[2].decode(errors="replace")
    log("  %.0f MiB (%d lines) sent in %.1f s (%.0f MiB/s), answered after %.1f s: %s %s" %
        (sent / 1048576, i + 1, t_sent, sent / 1048576 / max(t_sent, 1e-9), secs, status,
         body[:200]))
    log("  server VmRSS before %.0f MiB, max %.0f MiB; RssAnon (its own heap) before %.1f MiB, "
        "max %.1f MiB, after %.1f MiB (%d samples)" %
        (rss0 / 1024, max(x[0] for x in samples) / 1024, anon0 / 1024,
         max(x[1] for x in samples) / 1024, samples[-1][1] / 1024, len(samples)))
    log("  units before %d, after %d (%s)" % (units0, units1,
                                               "unchanged" if units0 == units1 else "CHANGED"))


def ttk_sequential(turl, enq, budget):
    """translate-toolkit's tmserver, one connection, the English queries in order, each given
    up to 120 s, for at most budget seconds: it scores the candidates of its full-text index in
    Python, which takes long on a large memory."""
    texts = [t.rstrip("\n").split("\t", 2)[2] for t in open(enq, encoding="utf-8")]
    lat, t_all = [], time.time()
    for t in texts:
        if time.time() - t_all > budget:
            break
        t0 = time.time()
        try:
            urllib.request.urlopen(turl + "/tmserver/en/ar/unit/" + quote(t), timeout=120).read()
            lat.append(time.time() - t0)
        except Exception as e:
            log("  translate-toolkit: no answer (%s) after %.0f s, %d queries answered before" %
                (type(e).__name__, time.time() - t0, len(lat)))
            break
    if lat:
        srt = sorted(lat)
        log("%6d %10.2f %9.0f %9.0f %8s   translate-toolkit tmserver (%d queries, one at a time)" %
            (1, len(lat) / sum(lat), srt[len(srt) // 2] * 1000, srt[-1] * 1000, "-", len(lat)))
    return lat


def ttk_db(jisr, tsv, db):
    """translate-toolkit's store of the pairs of tsv (en TAB ar), as its tmserver imports them."""
    t0 = time.time()
    subprocess.run([PY, "-c", """
import sys
from translate.storage import tmdb
d = tmdb.TMDB(sys.argv[1] + ".tmp")
batch = []
for line in open(sys.argv[2], encoding="utf-8"):
    f = line.rstrip("\\n").split("\\t")
    if len(f) == 2:
        batch.append({"source": f[0], "target": f[1], "context": ""})
    if len(batch) == 50000:
        d.add_list(batch, "en", "ar")
        batch = []
d.add_list(batch, "en", "ar")
""", db, tsv], check=True)
    os.rename(db + ".tmp", db)
    log("  translate-toolkit store built in %.0f s" % (time.time() - t0))


def ttk_small(a, jisr, en_lua, enq, n):
    """Both servers on the first n units (the bench's base pairs, which its near/far queries
    come from), where translate-toolkit answers in seconds rather than minutes."""
    work = os.path.join(a.work, "small%d" % n)
    os.makedirs(work, exist_ok=True)
    tsv, mem, db = os.path.join(work, "en-ar.tsv"), os.path.join(work, "tm"), \
        os.path.join(work, "ttk.db")
    log("\n4b. the same English queries on the first %d units: jisr serve beside "
        "translate-toolkit" % n)
    full = os.path.join(a.work, "en-ar.tsv")
    if not os.path.exists(full):
        subprocess.run([jisr, "export", "--tm", os.path.join(a.work, "tm"), "-s", "en", "-t", "ar",
                        "-o", full], check=True, capture_output=True)
    if not os.path.exists(db):
        with open(full, encoding="utf-8") as src, \
                open(tsv, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= n:
                    break
                dst.write(line)
        shutil.rmtree(mem, ignore_errors=True)
        subprocess.run([jisr, "import", "--tm", mem, "-s", "en", "-t", "ar", "-q", tsv],
                       check=True)
        ttk_db(jisr, tsv, db)
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    srv = Proc([jisr, "serve", "--tm", mem, "--listen", "127.0.0.1:%d" % port, "--quiet"],
               os.path.join(work, "serve.log"))
    try:
        wait_http(url + "/v1/")
        log("%6s %10s %9s %9s %8s" % ("conns", "req/s", "p50 ms", "p99 ms", "errors"))
        for c in (1, 8):
            log(fmt(wrk(url, en_lua, c, a.duration)) + "   jisr serve")
    finally:
        srv.stop()
    port = free_port()
    turl = "http://127.0.0.1:%d" % port
    ttk = Proc(["tmserver", "-d", db, "-b", "127.0.0.1", "-p", str(port), "--max-candidates", "5",
                "--min-similarity", "75"], os.path.join(work, "ttk.log"))
    try:
        if wait_http(turl + "/tmserver/en/ar/unit/x"):
            ttk_sequential(turl, enq, max(120, 8 * a.duration))
    finally:
        ttk.stop()


def ttk_side(a, jisr, mem, url, en_lua, enq):
    db = os.path.join(a.work, "ttk.db")
    tsv = os.path.join(a.work, "en-ar.tsv")
    log("\n4. English-source queries: jisr serve beside translate-toolkit's tmserver (same "
        "units)")
    if not os.path.exists(db):
        subprocess.run([jisr, "export", "--tm", mem, "-s", "en", "-t", "ar", "-o", tsv],
                       check=True, capture_output=True)
        ttk_db(jisr, tsv, db)
    # jisr first (translate-toolkit goes on computing answers wrk gave up on, which would
    # steal the cores from a run after it)
    log("%6s %10s %9s %9s %8s" % ("conns", "req/s", "p50 ms", "p99 ms", "errors"))
    for c in (1, 8, 32):
        log(fmt(wrk(url, en_lua, c, a.duration)) + "   jisr serve")
    port = free_port()
    turl = "http://127.0.0.1:%d" % port
    ttk = Proc(["tmserver", "-d", db, "-b", "127.0.0.1", "-p", str(port), "--max-candidates", "5",
                "--min-similarity", "75"], os.path.join(a.work, "ttk.log"))
    try:
        if not wait_http(turl + "/tmserver/en/ar/unit/x"):
            log("  translate-toolkit's tmserver did not start")
            return
        ttk_sequential(turl, enq, max(120, 8 * a.duration))
    finally:
        ttk.stop()


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        for p in list(Proc.live):
            p.stop()
    sys.exit(rc)
