"""relfix_readers.py — LMDB's reader table while a server keeps a memory open.

A process killed inside a read transaction keeps its slot in lock.mdb's reader table for as long
as any other process has the environment open (LMDB frees such slots only when it rebuilds the
table, when nobody else has it open). Against a real `jisr serve`:
  1. a helper that takes every free slot of the table (read transactions through liblmdb, with
     ctypes) and is SIGKILLed: `jisr stats` still works, and so do the server's /v1/stats,
     /v1/query, /tmserver and /v1/concord (they used to fail: MDB_READERS_FULL, and a 404 "the
     memory holds no source text");
  2. `jisr export` killed while it streams (SIGKILL while it waits on a full pipe) and imports
     after it: no dead process is left in the table (its slot pinned the snapshot's pages: the
     file grew at every import);
  3. a table full of live readers (a helper that made it with 4 slots): the server answers the
     database's error, a 500 naming it, never a 404 "the memory holds no … text".
Run as `relfix_readers.py --hold DIR MAXREADERS`, the file is that helper: it opens DIR (with
MAXREADERS slots when it makes the table, 0: LMDB's default), prints "open", and for each line
"fill" on stdin begins read transactions until the table is full and prints how many it began.
"""
import ctypes
import ctypes.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

MDB_RDONLY = 0x20000
MDB_NOTLS = 0x200000


def hold(path, maxreaders):
    lib = ctypes.CDLL(ctypes.util.find_library("lmdb") or "liblmdb.so.0")
    env = ctypes.c_void_p()
    if lib.mdb_env_create(ctypes.byref(env)):
        sys.exit(2)
    lib.mdb_env_set_maxdbs(env, ctypes.c_uint(8))
    if maxreaders:
        lib.mdb_env_set_maxreaders(env, ctypes.c_uint(maxreaders))
    rc = lib.mdb_env_open(env, path.encode(), ctypes.c_uint(MDB_RDONLY | MDB_NOTLS),
                          ctypes.c_int(0o664))
    if rc:
        print("mdb_env_open: %d" % rc, flush=True)
        sys.exit(2)
    print("open", flush=True)
    txns = []
    for line in sys.stdin:
        if line.strip() != "fill":
            continue
        n = 0
        while n < 5000:
            t = ctypes.c_void_p()
            if lib.mdb_txn_begin(env, None, ctypes.c_uint(MDB_RDONLY), ctypes.byref(t)):
                break
            txns.append(t)
            n += 1
        print(n, flush=True)
    sys.exit(0)


if len(sys.argv) == 4 and sys.argv[1] == "--hold":
    hold(sys.argv[2], int(sys.argv[3]))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import JISR, Checks, Server, run  # noqa: E402

if not shutil.which("mdb_stat"):
    print("mdb_stat (lmdb-utils) missing: skipped")
    sys.exit(77)

c = Checks()
tmp = tempfile.mkdtemp(prefix="jisr-relfix-readers-")


def helper(path, maxreaders=0):
    p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--hold", path,
                          str(maxreaders)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    line = p.stdout.readline().strip()
    if line != "open":
        p.kill()
        raise RuntimeError("the helper did not open %s: %s" % (path, line))
    return p


def fill(p):
    p.stdin.write("fill\n")
    p.stdin.flush()
    return int(p.stdout.readline())


def kill9(p):
    p.send_signal(signal.SIGKILL)
    p.wait()


def readers(path):
    """The pids in the memory's reader table: (live, dead)."""
    out = subprocess.run(["mdb_stat", "-r", path], capture_output=True, text=True).stdout
    live, dead = 0, 0
    for line in out.splitlines():
        f = line.split()
        if len(f) < 3 or not f[0].isdigit():
            continue
        try:
            os.kill(int(f[0]), 0)
            live += 1
        except ProcessLookupError:
            dead += 1
        except PermissionError:
            live += 1
    return live, dead


def units(first, last):
    return "".join("الوحدة رقم %d عن البند ب%d والموضوع م%d.\tUnit number %d about item w%d "
                   "and topic t%d.\n" % (i, i * 7, i % 97, i, i * 7, i % 97)
                   for i in range(first, last + 1))


def q(s):
    return urllib.parse.quote(s, safe="")


TEXT = "Unit number 12 about item w84 and topic t12."


def answers(srv, what):
    """The four reads a client makes: each must be a 200."""
    st, j = srv.get_json("/v1/stats")
    c.ok("%s: /v1/stats answers 200" % what, st == 200, (st, j))
    st, j = srv.get_json("/v1/query?q=%s&source=en&target=ar" % q(TEXT))
    c.ok("%s: /v1/query answers 200 with matches" % what,
         st == 200 and j and j.get("matches"), (st, j))
    st, h, b = srv.request("GET", "/tmserver/en/ar/unit/%s" % q(TEXT))
    c.ok("%s: /tmserver answers 200" % what, st == 200, (st, b[:300]))
    st, j = srv.get_json("/v1/concord?q=%s&lang=en" % q("item"))
    c.ok("%s: /v1/concord answers 200" % what, st == 200, (st, j))


try:
    tsv = os.path.join(tmp, "u.tsv")
    with open(tsv, "w") as f:
        f.write(units(1, 3000))
    m = os.path.join(tmp, "m")
    run("import", "--tm", m, "-s", "ar", "-t", "en", "-q", tsv)

    # ---- 1. a killed process that held every free slot -------------------------------------
    with Server(tmp, ["--tm", m, "--quiet"]) as srv:
        st, j = srv.get_json("/v1/stats")
        c.ok("the server answers before", st == 200, (st, j))
        h = helper(m)
        n = fill(h)
        c.ok("the helper filled the reader table (%d slots)" % n, n >= 100, n)
        kill9(h)
        live, dead = readers(m)
        c.ok("its %d slots are left behind, dead (mdb_stat -r)" % dead, dead >= 100,
             (live, dead))
        rc, out, err = run("stats", "--tm", m, check=False)
        c.ok("jisr stats works with the table full of dead readers", rc == 0, err)
        c.ok("and frees their slots", readers(m)[1] == 0, readers(m))
        # again, the server alone this time: it frees them itself when the table is full
        h = helper(m)
        n = fill(h)
        kill9(h)
        c.ok("filled and killed again (%d slots)" % n, readers(m)[1] >= 100, readers(m))
        answers(srv, "table full of dead readers")
        c.ok("the server freed the dead readers' slots", readers(m)[1] == 0, readers(m))

    # ---- 2. jisr export killed while it streams, then imports -------------------------------
    m = os.path.join(tmp, "e")
    run("import", "--tm", m, "-s", "ar", "-t", "en", "-q", tsv)
    with Server(tmp, ["--tm", m, "--quiet"], name="server-e") as srv:
        size0 = os.path.getsize(os.path.join(m, "data.mdb"))
        for i in range(4):
            p = subprocess.Popen([JISR, "export", "--tm", m, "-o", "-"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            p.stdout.read(1)
            time.sleep(0.3)  # the pipe fills: it waits in write(), inside its read transaction
            kill9(p)
            p.stdout.close()
        rc, out, err = run("import", "--tm", m, "-s", "ar", "-t", "en", "-q", tsv, check=False)
        c.ok("an import after killed exports works", rc == 0, err)
        for i in range(4):
            run("import", "--tm", m, "-s", "ar", "-t", "en", "-q", tsv, check=False)
        live, dead = readers(m)
        c.ok("no killed export is left in the reader table", dead == 0, (live, dead))
        size1 = os.path.getsize(os.path.join(m, "data.mdb"))
        # the same imports into a memory nobody else has open: how much they grow it anyway
        ctl = os.path.join(tmp, "ctl")
        for i in range(6):
            run("import", "--tm", ctl, "-s", "ar", "-t", "en", "-q", tsv)
        size2 = os.path.getsize(os.path.join(ctl, "data.mdb"))
        print("data.mdb: %d bytes before, %d after 5 imports (%d without killed readers)"
              % (size0, size1, size2), flush=True)
        c.ok("killed readers do not make imports grow the memory (%d bytes, %d without them)"
             % (size1, size2), size1 <= size2 * 1.25, (size1, size2))
        answers(srv, "after killed exports")
        c.ok("the server is still running", srv.proc.poll() is None, srv.log_text())

    # ---- 3. a table full of live readers: the database's error, not a 404 --------------------
    m2 = os.path.join(tmp, "m2")
    run("import", "--tm", m2, "-s", "ar", "-t", "en", "-q", tsv)
    os.unlink(os.path.join(m2, "lock.mdb"))  # made anew by the helper, with 4 slots
    h = helper(m2, 4)
    try:
        with Server(tmp, ["--tm", m2, "--quiet"], name="server2") as srv:
            st, j = srv.get_json("/v1/stats")
            c.ok("second server answers", st == 200, (st, j))
            n = fill(h)
            c.ok("live readers took the free slots (%d)" % n, n >= 1, n)
            time.sleep(1.2)  # the server's cache of the memory's languages expires
            for target in ("/v1/query?q=%s&source=en&target=ar" % q("Unit number 12"),
                           "/tmserver/en/ar/unit/%s" % q("Unit number 12"),
                           "/v1/concord?q=%s&lang=en" % q("item")):
                st, hd, b = srv.request("GET", target)
                body = b.decode("utf-8", "replace")
                c.ok("%s: a 500/503, not a 404" % target.split("?")[0][:20], st in (500, 503),
                     (st, body))
                c.ok("%s: names the database's error" % target.split("?")[0][:20],
                     "too many readers" in body and "holds no" not in body, body)
            kill9(h)
            h = None
            answers(srv, "live readers gone")
    finally:
        if h:
            kill9(h)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(c.done())
