#!/usr/bin/python3
"""serve_deploy.py — what README and docs/serve.md tell an administrator to do, done for real:

  - docs/jisr-serve.service: systemd-analyze verify accepts it without a warning (the binary
    path pointed at the build), and its ExecStart — options, the credential's token file — starts
    this jisr, which answers and takes a write with that token;
  - several read-only servers on copies of one memory: `mdb_copy -c` of the memory while its
    writer serves and takes writes, a `--read-only` server on the copy answers every query as the
    writer does, refuses writes (403), and does not see what the writer stores after the copy.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import (JISR, SOURCE_DIR, TEST_DATA, Checks, Server, make_tsv, run,  # noqa: E402
                          tmpdir, weblate_quote)

C = Checks()
T = tmpdir("jisr-serve-deploy-")
TOKEN = "deploy-token-5d1c0e7f9a2b4c6d8e0f"


def unit_file():
    """The unit's text, and its ExecStart as a list of arguments after the binary (line
    continuations joined)."""
    text = open(os.path.join(SOURCE_DIR, "docs", "jisr-serve.service"), encoding="utf-8").read()
    m = re.search(r"^ExecStart=((?:.*\\\n)*.*)$", text, re.M)
    argv = shlex.split(m.group(1).replace("\\\n", " "))
    return text, argv


def systemd_unit(mem):
    text, argv = unit_file()
    C.ok("the unit runs 'jisr serve'", os.path.basename(argv[0]) == "jisr" and argv[1] == "serve",
         argv)
    if shutil.which("systemd-analyze"):
        path = os.path.join(T, "jisr-serve.service")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("ExecStart=" + argv[0], "ExecStart=" + os.path.abspath(JISR)))
        p = subprocess.run(["systemd-analyze", "verify", "--man=no", path], capture_output=True,
                           text=True, timeout=60)
        C.ok("systemd-analyze verify: no error, no warning", p.returncode == 0 and
             not p.stderr.strip() and not p.stdout.strip(), (p.returncode, p.stdout, p.stderr))
    else:
        print("note: systemd-analyze not installed, the unit's syntax is not checked")
    # ExecStart as systemd would run it: ${CREDENTIALS_DIRECTORY} and the state directory ours,
    # the port a free one
    cred = os.path.join(T, "credentials")
    os.makedirs(cred, exist_ok=True)
    with open(os.path.join(cred, "token"), "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(os.path.join(cred, "token"), 0o600)
    args = []
    for a in argv[2:]:
        a = a.replace("${CREDENTIALS_DIRECTORY}", cred).replace("/var/lib/jisr/tm", mem)
        args.append("127.0.0.1:0" if re.match(r"^127\.0\.0\.1:\d+$", a) else a)
    C.ok("ExecStart names the memory, the credential's token and loopback",
         mem in args and os.path.join(cred, "token") in args and "127.0.0.1:0" in args, args)
    with Server(T, args, "unit") as s:
        st, langs = s.get_json("/tmserver/languages/")
        C.ok("the unit's command line serves the memory", st == 200 and
             "ar" in langs["sourceLanguages"], (st, langs))
        st, _, b = s.request("PUT", "/tmserver/en/ar/unit/x",
                             json.dumps({"source": "Written through the unit's server",
                                         "target": "كتب عبر خادم الوحدة"}).encode(),
                             {"Authorization": "Bearer " + TOKEN})
        C.ok("... and takes a write with the credential's token", st == 200 and
             json.loads(b)["added"] == 1, (st, b))
        C.ok("... and stops on SIGTERM (KillSignal) with exit 0", s.stop() == 0)


def copies(mem, base):
    """docs/serve.md, 'When one machine is not enough'."""
    tokf = os.path.join(T, "token")
    with open(tokf, "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(tokf, 0o600)
    auth = {"Authorization": "Bearer " + TOKEN}
    copy = os.path.join(T, "copy")
    texts = [(sl, tl, t) for ar, en in base[::17] for sl, tl, t in
             (("ar", "en", ar), ("en", "ar", en), ("en", "ar", en + " again"))]

    def answers(s):
        out = []
        for sl, tl, t in texts:
            st, _, b = s.request("GET", "/tmserver/%s/%s/unit/%s?min_similarity=50" %
                                 (sl, tl, weblate_quote(t)))
            out.append((st, json.loads(b) if st == 200 else b))
        return out
    with Server(T, ["--tm", mem, "--token-file", tokf], "writer") as w:
        st, _, b = w.request("POST", "/tmserver/en/ar/store/", json.dumps(
            [{"source": "Stored before the copy %d" % i, "target": "خزن قبل النسخ %d" % i}
             for i in range(20)]).encode(), auth)
        C.ok("the writer stores 20 units", st == 200 and json.loads(b)["added"] == 20, (st, b))
        os.makedirs(copy)
        p = subprocess.run(["mdb_copy", "-c", mem, copy], capture_output=True, text=True)
        C.ok("mdb_copy -c of the served memory while its server runs", p.returncode == 0,
             p.stderr)
        size = os.path.getsize(os.path.join(mem, "data.mdb"))
        csize = os.path.getsize(os.path.join(copy, "data.mdb"))
        C.ok("the copy is compacted (%d ≤ %d bytes)" % (csize, size), 0 < csize <= size)
        st, _, b = w.request("PUT", "/tmserver/en/ar/unit/x", json.dumps(
            {"source": "Stored after the copy", "target": "خزن بعد النسخ"}).encode(), auth)
        C.ok("the writer goes on writing", st == 200, (st, b))
        want = answers(w)
        after = "/tmserver/en/ar/unit/" + weblate_quote("Stored after the copy")
        before = "/tmserver/en/ar/unit/" + weblate_quote("Stored before the copy 7")
        C.ok("the writer finds the unit written after the copy",
             json.loads(w.request("GET", after)[2])[:1] and
             json.loads(w.request("GET", after)[2])[0]["quality"] == 100)
        readers = [Server(T, ["--tm", copy, "--read-only"], "reader%d" % i) for i in range(2)]
        try:
            for i, r in enumerate(readers):
                got = answers(r)
                C.ok("reader %d on the copy: the writer's answers to %d queries" %
                     (i, len(texts)), got == want and all(st == 200 for st, _ in got) and
                     sum(1 for _, x in got if x) > len(texts) // 2,
                     [(t, g, x) for t, g, x in zip(texts, got, want) if g != x][:3])
                st, _, b = r.request("GET", before)
                C.ok("reader %d: what was stored before the copy is there" % i,
                     st == 200 and json.loads(b)[0]["quality"] == 100, b[:200])
                st, _, b = r.request("GET", after)
                C.ok("reader %d: what was stored after the copy is not (yet)" % i,
                     st == 200 and all(m["quality"] < 100 for m in json.loads(b)), b[:200])
                st, _, b = r.request("PUT", "/tmserver/en/ar/unit/y", json.dumps(
                    {"source": "y", "target": "ي"}).encode(), auth)
                C.ok("reader %d refuses writes: 403 read_only" % i, st == 403 and
                     json.loads(b)["error"]["code"] == "read_only", (st, b))
        finally:
            for r in readers:
                C.ok("reader stops with exit 0", r.stop() == 0)


def main():
    if not SOURCE_DIR or not shutil.which("mdb_copy"):
        print("skip: JISR_SOURCE_DIR unset or mdb_copy (lmdb-utils) not installed")
        return 77
    base = [tuple(l.rstrip("\n").split("\t")) for l in
            open(os.path.join(TEST_DATA, "tm", "ar-en.tsv"), encoding="utf-8")]
    make_tsv(os.path.join(T, "u.tsv"), base)
    mem = os.path.join(T, "m")
    run("import", "--tm", mem, "-s", "ar", "-t", "en", "-q", os.path.join(T, "u.tsv"))
    systemd_unit(mem)
    copies(mem, base)
    shutil.rmtree(T, ignore_errors=True)
    return C.done()


if __name__ == "__main__":
    try:
        code = main()
    except Exception:
        import traceback
        traceback.print_exc()
        code = 1
    sys.exit(code)
