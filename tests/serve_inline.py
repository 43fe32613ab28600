#!/usr/bin/python3
"""serve_inline.py — lookups answered on the I/O thread (--inline-ms), and what GET /v1/ counts
of them.

A lookup (a tmserver GET, a GET /v1/query; cheap: not exhaustive, a minimum of 25 or more) is
first tried on the I/O thread that read it, its query given --inline-ms; one that runs out of it
is run again from the start on a query thread. Checked, on real servers over one memory:
  1. the answers are the same, byte for byte (status, body, the headers a client reads), with
     every lookup on the I/O thread (--inline-ms 100) and with none (the default): JSON, TMX
     and text, a text cut at 1,000 characters, tags, max_candidates, errors;
  2. GET /v1/ counts them: "reads":{"inline":N,"queued":M,"over_budget":K} — every lookup tried
     on the I/O thread with --inline-ms 100 (answered there, or over budget and queued), every
     one queued without the option (off by default); expensive reads (min_similarity below 25,
     exhaustive), POST /v1/query and /v1/concord are always queued, never tried;
  3. a lookup that runs out of its time on the I/O thread (--inline-ms 1, a lookup that scores
     every unit of a memory whose units all share its words: 38 ms from a client in a release
     build, 1.7 s under ThreadSanitizer; the one check here that needs a lookup to take longer
     than something, by a factor of 30 at least) is
     answered 200 from a query thread, the same answer, counted over_budget and queued;
  4. --inline-ms takes 0 to 100.
"""
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import Checks, Server, make_tsv, run, tmpdir, weblate_quote  # noqa: E402

C = Checks()
T = tmpdir("jisr-serve-inline-")
WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
         "rho sigma tau upsilon phi chi psi omega north south east west river mountain valley "
         "forest harbour bridge tower market garden library window").split()


def text(i, n=9):
    return " ".join(WORDS[(i * (k + 3) + k * k) % len(WORDS)] for k in range(n)) + " %d" % i


def answer(s, target):
    """What a client reads of an answer: status, body and the headers that carry meaning."""
    st, h, b = s.request("GET", target)
    keep = {k: h[k] for k in ("content-type", "x-jisr-text-cut", "cache-control", "retry-after")
            if k in h}
    return st, keep, b


def reads(s):
    st, info = s.get_json("/v1/")
    return (info or {}).get("reads") if st == 200 else None


def delta(after, before):
    return {k: after[k] - before[k] for k in after} if after and before else None


def lookups():
    long_text = " ".join(text(i) for i in range(40))  # ~2,500 characters: cut at 1,000
    q = weblate_quote
    out = []
    for i in (3, 77, 1500):
        out.append("/tmserver/en/ar/unit/" + q(text(i)))  # identical (100)
        out.append("/tmserver/en/ar/unit/" + q(text(i) + " extra words") +
                   "?min_similarity=50&max_candidates=12")
        out.append("/v1/query?source=en&target=ar&q=" + q(text(i) + " river"))
        out.append("/v1/query?source=en&target=ar&min=40&max=20&format=text&q=" + q(text(i)))
        out.append("/v1/query?source=en&target=ar&format=tmx&q=" + q(text(i)))
    out += [
        "/tmserver/en/ar/unit/" + q(long_text),  # X-Jisr-Text-Cut, 100 capped at 99
        "/v1/query?source=en&target=ar&q=" + q(long_text),
        "/v1/query?source=en&target=ar&tags=tmx&q=" + q("<bpt i='1'>&lt;b&gt;</bpt>" + text(5) +
                                                         "<ept i='1'>&lt;/b&gt;</ept>"),
        "/tmserver/ar/en/unit/" + q("نص رقم 12"),
        "/tmserver/en/ar/unit/" + q("nothing like any stored text qqq zzz"),  # no match: []
        "/tmserver/en/fr/unit/" + q(text(4)),  # a language the memory lacks: 404
        "/tmserver/en/ar/unit/" + q(text(4)) + "?max_candidates=x",  # 400
        "/v1/query?source=en&target=ar&tags=tmx&q=" + q("<bpt i='1'>unclosed"),  # 400
        "/v1/query?source=en&target=ar&min=100&q=" + q(text(9)),
    ]
    return out


def same_answers(mem):
    targets = lookups()
    with Server(T, ["--tm", mem, "--read-only", "--quiet", "--inline-ms", "100"], "inl") as si, \
            Server(T, ["--tm", mem, "--read-only", "--quiet"], "q") as sq:  # the default: off
        for t in targets:  # once to warm the caches (the counts below are of the second round)
            answer(si, t)
            answer(sq, t)
        ri0, rq0 = reads(si), reads(sq)
        got_i = [answer(si, t) for t in targets]
        got_q = [answer(sq, t) for t in targets]
        diff = [(t[:80], a[0], b[0], a[2][:120], b[2][:120])
                for t, a, b in zip(targets, got_i, got_q) if a != b]
        statuses = sorted(set(a[0] for a in got_i))
        C.ok("%d lookups: the same answers (status, body, headers) on the I/O thread as on a "
             "query thread (statuses %s)" % (len(targets), statuses), not diff and
             statuses == [200, 400, 404], diff[:3])
        C.ok("... the answers are real ones: matches, a cut text, TMX, text",
             sum(a[0] == 200 and b"rank" in a[2] for a in got_i) >= 6 and
             any("x-jisr-text-cut" in a[1] for a in got_i) and
             any(a[1].get("content-type", "").startswith("application/x-tmx+xml")
                 for a in got_i) and
             any(a[1].get("content-type", "").startswith("text/plain") for a in got_i),
             [(a[0], a[1]) for a in got_i][:6])
        n = len(targets)
        ri, rq = delta(reads(si), ri0), delta(reads(sq), rq0)
        # each is tried on the I/O thread (one request at a time: no other client waits); those
        # that took over 100 ms there (a slow sanitizer build on a busy machine) are run again
        # on a query thread: counted over_budget and queued
        C.ok("GET /v1/ counts them: all %d tried on the I/O thread with --inline-ms 100, %d "
             "answered there (%s)" % (n, (ri or {}).get("inline", -1), ri),
             ri is not None and ri["inline"] + ri["over_budget"] == n and
             ri["queued"] == ri["over_budget"] and ri["inline"] >= 1, ri)
        C.ok("... and %d queued without --inline-ms: off by default (%s)" % (n, rq),
             rq == {"inline": 0, "queued": n, "over_budget": 0}, rq)
        # reads that are never tried inline: expensive ones, batches, concordances
        t = "/tmserver/en/ar/unit/" + weblate_quote(text(8))
        others = [("GET", t + "?min_similarity=10", None),
                  ("GET", "/v1/query?source=en&target=ar&exhaustive=1&q=" +
                   weblate_quote(text(8)), None),
                  ("POST", "/v1/query", json.dumps({"q": text(8), "source": "en",
                                                    "target": "ar"}).encode()),
                  ("GET", "/v1/concord?q=river&lang=en", None)]
        r0 = reads(si)
        sts = [si.request(m, u, b)[0] for m, u, b in others]
        ri2 = delta(reads(si), r0)
        C.ok("expensive lookups, a POST and a concordance go to a query thread, never tried on "
             "the I/O thread (%s)" % ri2,
             sts == [200] * 4 and ri2 == {"inline": 0, "queued": 4, "over_budget": 0},
             (sts, ri2))


def over_budget(mem_same):
    # every unit shares the query's words: the lookup scores all of them (min 25 is cheap)
    target = "/tmserver/en/ar/unit/" + weblate_quote(
        "river mountain valley forest harbour bridge tower market garden") + \
        "?min_similarity=25&max_candidates=30"
    with Server(T, ["--tm", mem_same, "--read-only", "--quiet", "--inline-ms", "0"], "q2") as sq:
        t0 = time.time()
        ref = answer(sq, target)
        took = time.time() - t0
    with Server(T, ["--tm", mem_same, "--read-only", "--quiet", "--inline-ms", "1"], "ob") as so:
        got = answer(so, target)
        r = reads(so)
    C.ok("a lookup that scores every one of 20,000 units (%.0f ms from a client): 200 with 30 "
         "matches" % (took * 1000), ref[0] == 200 and len(json.loads(ref[2])) == 30, ref[:2])
    C.ok("... past --inline-ms 1 on the I/O thread it is run again on a query thread: the same "
         "answer", got == ref, (got[0], got[2][:200], ref[2][:200]))
    C.ok("... counted over_budget and queued (%s)" % r,
         r == {"inline": 0, "queued": 1, "over_budget": 1}, r)


def option(mem):
    for bad in ("101", "-1", "x"):
        code, _, err = run("serve", "--tm", mem, "--inline-ms", bad, check=False)
        C.ok("--inline-ms %s: a usage error (exit 2)" % bad,
             code == 2 and "--inline-ms needs a number from 0 to 100" in err, (code, err))


def main():
    mem = os.path.join(T, "m")
    make_tsv(os.path.join(T, "u.tsv"), [(text(i), "نص رقم %d" % i) for i in range(3000)])
    run("import", "--tm", mem, "-s", "en", "-t", "ar", "-q", os.path.join(T, "u.tsv"))
    same = os.path.join(T, "same")
    base = "river mountain valley forest harbour bridge tower market garden"
    make_tsv(os.path.join(T, "s.tsv"),
             [("%s %s %d" % (base, WORDS[i % 24], i), "نص %d" % i) for i in range(20000)])
    run("import", "--tm", same, "-s", "en", "-t", "ar", "-q", os.path.join(T, "s.tsv"))
    C.section(same_answers, mem)
    C.section(over_budget, same)
    C.section(option, mem)
    return C.done()


if __name__ == "__main__":
    try:
        code = main()
    except Exception:
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        shutil.rmtree(T, ignore_errors=True)
    sys.exit(code)
