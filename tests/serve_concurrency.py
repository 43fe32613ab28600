#!/usr/bin/python3
"""serve_concurrency.py — `jisr serve` under concurrent load (labelled `threads`: the
ThreadSanitizer build runs it too): 8 client threads send mixed reads (tmserver queries, POST
/v1/query, concordance, units, stats, languages) while other threads import through the server,
write units and stores, delete and stream an export. Every read of the original units must give
the same answer as a sequential run before the load (the imported units use words of their own,
so they cannot enter those results), every request must succeed (units and stores are written
while an import runs, between its commits), and the server must stop cleanly — under
ThreadSanitizer with no report.
"""
import json
import os
import random
import shutil
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import Checks, Server, make_tsv, run, tmpdir, weblate_quote  # noqa: E402

C = Checks()
T = tmpdir("jisr-serve-conc-")
TOKEN = "concurrency-token-8a1f03b2c4d5e6"
AUTH = {"Authorization": "Bearer " + TOKEN}
CALLS = int(os.environ.get("JISR_SERVE_CALLS", "150"))


def main():
    base = [tuple(l.rstrip("\n").split("\t")) for l in
            open(os.path.join(os.environ["JISR_TEST_DATA"], "tm", "ar-en.tsv"), encoding="utf-8")]
    make_tsv(os.path.join(T, "u.tsv"), base)
    mem = os.path.join(T, "m")
    run("import", "--tm", mem, "-s", "ar", "-t", "en", "-q", os.path.join(T, "u.tsv"))
    with open(os.path.join(T, "token"), "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(os.path.join(T, "token"), 0o600)

    with Server(T, ["--tm", mem, "--token-file", os.path.join(T, "token"), "--threads", "4",
                    "--quiet"]) as s:
        # the expected answers, one request at a time
        reqs = []
        for ar, en in base[::5]:
            reqs.append(("GET", "/tmserver/ar/en/unit/" + weblate_quote(ar), None))
            reqs.append(("GET", "/api/v1/en/ar/unit/" + weblate_quote(en[:-1] + " x"), None))
        for ar, en in base[::37]:
            reqs.append(("POST", "/v1/query", json.dumps(
                {"texts": [ar, ar[:-3]], "source": "ar", "target": "en", "min": 60}).encode()))
            reqs.append(("GET", "/v1/concord?" + urllib.parse.urlencode(
                {"q": " ".join(en.split()[1:3]), "lang": "en", "max": 20}), None))
        for uid in range(1, 301, 29):
            reqs.append(("GET", "/v1/units/%d" % uid, None))
        expected = {}
        for m, t, b in reqs:
            st, _, body = s.request(m, t, b)
            expected[(m, t, b)] = (st, body)
        C.ok("%d distinct reads answered sequentially" % len(reqs),
             all(v[0] == 200 for v in expected.values()))

        errors, mismatches, done = [], [], {"reads": 0, "writes": 0, "busy": 0}
        lock = threading.Lock()

        def reader(seed):
            rnd = random.Random(seed)
            for _ in range(CALLS):
                key = rnd.choice(reqs)
                st, _, body = s.request(*key)
                with lock:
                    done["reads"] += 1
                    if (st, body) != expected[key]:
                        mismatches.append((key[1][:80], st, body[:120], expected[key][1][:120]))
                for t in ("/v1/stats", "/v1/languages"):
                    if rnd.random() < 0.05:
                        st, _, _ = s.request("GET", t)
                        if st != 200:
                            with lock:
                                errors.append((t, st))

        def importer():
            for k in range(3):
                body = "".join("قزززا %d قططط %d\tzzimport %d qqword %d\n" % (i, k, i, k)
                               for i in range(8000)).encode()
                st, _, b = s.request("POST", "/v1/import?format=tsv&source=ar&target=en", body,
                                     AUTH)
                with lock:
                    done["writes"] += 1
                    if st == 503:
                        done["busy"] += 1
                    elif st != 200:
                        errors.append(("import", st, b[:200]))

        def writer():
            for i in range(40):
                u = json.dumps({"source": "zzwrite unit %d" % i, "target": "ززكتابة %d" % i})
                st, _, b = s.request("PUT", "/tmserver/en/ar/unit/x", u.encode(), AUTH)
                if i % 10 == 0:
                    lst = json.dumps([{"source": "zzstore %d %d" % (i, j),
                                       "target": "ززتخزين %d %d" % (i, j)} for j in range(50)])
                    st2, _, b2 = s.request("POST", "/tmserver/en/ar/store/", lst.encode(), AUTH)
                else:
                    st2 = 200
                with lock:
                    done["writes"] += 2
                    for code, what in ((st, "put"), (st2, "store")):
                        if code == 503:
                            done["busy"] += 1
                        elif code != 200:
                            errors.append((what, code))

        exports = []

        def exporter():
            for _ in range(3):
                st, h, b = s.request("GET", "/v1/export")
                try:
                    n = len(ET.fromstring(b).findall("./body/tu"))
                except ET.ParseError:
                    n = -1
                exports.append((st, n))

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
        threads += [threading.Thread(target=f) for f in (importer, writer, exporter)]
        t0 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        dt = time.time() - t0
        C.ok("%d concurrent reads in %.1f s: every answer equals the sequential one" %
             (done["reads"], dt), not mismatches, mismatches[:3])
        C.ok("%d writes alongside, imports included: none refused or failed (units and stores "
             "do not wait for an import)" % done["writes"], not errors and done["busy"] == 0,
             (errors[:5], done["busy"]))
        C.ok("3 exports streamed during the load, each well-formed TMX",
             len(exports) == 3 and all(st == 200 and n >= 300 for st, n in exports), exports)
        st, stats = s.get_json("/v1/stats")
        C.ok("the memory holds the original units and what was written",
             st == 200 and stats["units"] >= 300, stats)
        code = s.stop()
        log = s.log_text()
        C.ok("the server stops cleanly (exit 0)", code == 0, (code, log[-2000:]))
        C.ok("no ThreadSanitizer or AddressSanitizer report",
             "ThreadSanitizer" not in log and "AddressSanitizer" not in log, log[-3000:])
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
