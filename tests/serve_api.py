#!/usr/bin/python3
"""serve_api.py — `jisr serve` end to end: every route, status and error on a real server on a
loopback port, against real LMDB memories.

  - tmserver/amaGama (/tmserver and /api/v1): Arabic and English texts with / + % ? # in them,
    sent the way Weblate quotes them, and as ?source=; defaults, caps, bad parameters; the 404
    of an unknown pair; languages; writes with no token, a wrong one and the right one; store;
  - /v1/: info, query (GET and POST with several texts, the same JSON as `jisr query --json`),
    concordance (= `jisr concord --json`), stats, languages, units by id, delete, streamed
    import (TSV, TMX, JSONL; strict and skip-bad; a bad or truncated file changes nothing),
    streamed export (valid TMX, the memory's units);
  - the JSON error shape and status of every failure; limits (URI, headers, bodies, bad
    encodings, methods); nothing served from the file system; the page and its headers;
  - --read-only, --private, --cors, the request log and --quiet, several memories with
    penalties, connections per client, idle and request timeouts, slow clients vs threads.
"""
import json
import os
import shutil
import socket
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import (Checks, Server, make_tsv, raw, request, run, tmpdir,  # noqa: E402
                          weblate_quote)

C = Checks()
T = tmpdir("jisr-serve-api-")
TOKEN = "test-token-6f1d2a9b47c3e8055aa1"

SPECIAL = [
    ("الصفحة 3/4 + الملحق 50% ؟ البند #7", "Page 3/4 + annex 50%? Item #7"),
    ("و/أو أ+ب بنسبة ١٠٠٪ لماذا؟ #وسم", "and/or a+b at 100% why? #tag"),
    ("النص %2F و %20 يبقى كما كُتب", "Literal %2F and %20 stay as typed"),
    ("سؤال؟ جواب! & < > \" '", "Question? Answer! & < > \" '"),
]


def err_shape(body):
    try:
        j = json.loads(body)
        e = j["error"]
        return isinstance(e["code"], str) and isinstance(e["message"], str) and e["message"]
    except Exception:
        return False


def status_of(srv, method, target, body=None, headers=None):
    st, h, b = srv.request(method, target, body, headers)
    return st, h, b


def main():
    base = [tuple(l.rstrip("\n").split("\t")) for l in
            open(os.path.join(os.environ["JISR_TEST_DATA"], "tm", "ar-en.tsv"), encoding="utf-8")]
    make_tsv(os.path.join(T, "units.tsv"), base + SPECIAL)
    mem = os.path.join(T, "m")
    run("import", "--tm", mem, "-s", "ar", "-t", "en", "-q", os.path.join(T, "units.tsv"))
    with open(os.path.join(T, "token"), "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(os.path.join(T, "token"), 0o600)
    auth = {"Authorization": "Bearer " + TOKEN}

    with Server(T, ["--tm", mem, "--token-file", os.path.join(T, "token")]) as s:
        tmserver(s, base, mem, auth)
        v1(s, base, mem, auth)
        limits(s, auth)
        page(s)
        log = s.log_text()
        code = s.stop()
        C.ok("SIGTERM: exit status 0", code == 0, (code, s.log_text()[-4000:]))
        lines = [l for l in log.splitlines() if " /" in l and "us" in l]
        C.ok("one log line per request (method, path, status, microseconds)",
             any(" GET /tmserver/en/ar/unit/" in l and l.split()[-2] == "200" and
                 l.split()[-1].endswith("us") for l in lines), log[-2000:])
        C.ok("the log escapes the path (no raw non-ASCII)",
             all(all(0x20 < ord(ch) < 0x7f or ch == " " for ch in l) for l in lines))

    read_only(mem, auth)
    private(mem, auth)
    cors(mem)
    quiet(mem)
    snapshot(base, mem)
    several(base, mem)
    connections(mem)
    integrator(mem, auth)
    stopping(mem, auth)
    shutil.rmtree(T, ignore_errors=True)
    return C.done()


def tm_query(mem, text, sl, tl, mn=75, n=5):
    _, out, _ = run("query", "--tm", mem, "-s", sl, "-t", tl, "--json", "--min", str(mn),
                    "-n", str(n), text)
    return json.loads(out)


def tmserver(s, base, mem, auth):
    st, langs = s.get_json("/tmserver/languages/")
    C.ok("languages: 200 and both lists", st == 200 and sorted(langs["sourceLanguages"]) ==
         ["ar", "en"] and sorted(langs["targetLanguages"]) == ["ar", "en"], langs)
    st, langs2 = s.get_json("/api/v1/languages/")
    C.ok("languages under /api/v1 too", st == 200 and langs2 == langs)

    for ar, en in SPECIAL:
        for sl, tl, src, tgt in (("en", "ar", en, ar), ("ar", "en", ar, en)):
            for prefix in ("/tmserver", "/api/v1"):
                st, h, b = s.request("GET", "%s/%s/%s/unit/%s" % (prefix, sl, tl, weblate_quote(src)))
                res = json.loads(b) if st == 200 else None
                C.ok("%s %s→%s %r: exact match, quality 100" % (prefix, sl, tl, src),
                     st == 200 and res and res[0]["source"] == src and res[0]["target"] == tgt and
                     res[0]["quality"] == 100, (st, b[:300]))
            C.ok("content type application/json; charset=utf-8",
                 h.get("content-type") == "application/json; charset=utf-8", h)
            # ?source= (form encoding: '+' is a space there, %2B a plus)
            q = urllib.parse.urlencode({"source": src})
            st, h, b = s.request("GET", "/tmserver/%s/%s/unit/?%s" % (sl, tl, q))
            res = json.loads(b) if st == 200 else None
            C.ok("unit/?source= %r" % src, st == 200 and res and res[0]["source"] == src and
                 res[0]["target"] == tgt, (st, b[:200]))

    # '+' in the path is a plus, not a space
    st, _, b = s.request("GET", "/tmserver/en/ar/unit/" + weblate_quote("and/or a") + "+" +
                         weblate_quote("b at 100% why? #tag"))
    res = json.loads(b)
    C.ok("raw '+' in the path is a plus", st == 200 and res and res[0]["quality"] == 100, b[:200])
    # an unencoded '/' (a careless client): the rest of the path is the text
    st, _, b = s.request("GET", "/tmserver/en/ar/unit/and/or%20a+b%20at%20100%25%20why%3F%20%23tag")
    res = json.loads(b)
    C.ok("unencoded '/' in the text", st == 200 and res and res[0]["quality"] == 100, b[:200])

    # the same answers as `jisr query` (min 75, 5 candidates by default)
    same = True
    for ar, en in base[::23]:
        for sl, tl, text in (("ar", "en", ar), ("en", "ar", en)):
            text = text[:-1] + " extra"  # not exact: fuzzy matches
            st, _, b = s.request("GET", "/tmserver/%s/%s/unit/%s" % (sl, tl, weblate_quote(text)))
            got = json.loads(b)
            want = tm_query(mem, text, sl, tl)["matches"]
            if st != 200 or [(g["target"], g["quality"]) for g in got] != \
                    [(w["target"], w["score"]) for w in want]:
                same = False
                print("  differs:", text, got, want)
    C.ok("tmserver answers = jisr query --json --min 75 -n 5", same)
    # every result has the four fields, quality 0–100, best first
    st, _, b = s.request("GET", "/tmserver/en/ar/unit/%s?min_similarity=30&max_candidates=30" %
                         weblate_quote(base[5][1]))
    res = json.loads(b)
    C.ok("result fields source/target/quality/rank",
         st == 200 and res and all(set(r) == {"source", "target", "quality", "rank"} and
                                   0 <= r["quality"] <= 100 for r in res))
    C.ok("best first", [r["quality"] for r in res] == sorted((r["quality"] for r in res),
                                                              reverse=True))
    C.ok("min_similarity=30 gives more than the default",
         len(res) > len(json.loads(s.request("GET", "/tmserver/en/ar/unit/%s" %
                                             weblate_quote(base[5][1]))[2])))
    st, _, b = s.request("GET", "/tmserver/en/ar/unit/%s?min_similarity=0&max_candidates=1000" %
                         weblate_quote("the"))
    C.ok("max_candidates capped at 30", st == 200 and len(json.loads(b)) == 30, len(json.loads(b)))
    st, _, b = s.request("GET", "/tmserver/en/ar/unit/%s?min_similarity=0&max_candidates=2" %
                         weblate_quote("the"))
    C.ok("max_candidates=2", st == 200 and len(json.loads(b)) == 2)
    st, _, b = s.request("GET", "/tmserver/en/ar/unit/zzqqxx%20yyvvkk")
    C.ok("no match: [] with 200", st == 200 and json.loads(b) == [], (st, b))
    for q in ("min_similarity=abc", "min_similarity=101", "max_candidates=0", "max_candidates=x"):
        st, _, b = s.request("GET", "/tmserver/en/ar/unit/x?" + q)
        C.ok("bad parameter %s: 400 + JSON error" % q, st == 400 and err_shape(b), (st, b))
    # language pairs
    st, _, b = s.request("GET", "/tmserver/fr/ar/unit/bonjour")
    C.ok("unknown source language: 404", st == 404 and err_shape(b), (st, b))
    st, _, b = s.request("GET", "/tmserver/en/de/unit/hello")
    C.ok("unknown target language: 404", st == 404 and err_shape(b), (st, b))
    st, _, b = s.request("GET", "/tmserver/en/en/unit/hello")
    C.ok("same language twice: 404", st == 404 and err_shape(b), (st, b))
    st, _, b = s.request("GET", "/tmserver/EN_us/AR/unit/" + weblate_quote(SPECIAL[0][1]))
    C.ok("codes compared as BCP 47 (EN_us → en, AR → ar)",
         st == 200 and json.loads(b) and json.loads(b)[0]["quality"] == 100, (st, b[:200]))
    st, _, b = s.request("GET", "/tmserver/e%20n/ar/unit/x")
    C.ok("malformed language code: 400", st == 400 and err_shape(b), (st, b))
    st, _, b = s.request("GET", "/tmserver/en/ar/unit/")
    C.ok("no text: 400", st == 400 and err_shape(b), (st, b))
    # writes
    unit = json.dumps({"source": "A brand new sentence / with + signs?",
                       "target": "جملة جديدة تماما / بعلامات + ؟", "context": "ctx"}).encode()
    path = "/tmserver/en/ar/unit/" + weblate_quote("A brand new sentence / with + signs?")
    st, h, b = s.request("PUT", path, unit)
    C.ok("write without token: 401 + WWW-Authenticate", st == 401 and err_shape(b) and
         "bearer" in h.get("www-authenticate", "").lower(), (st, h))
    st, _, b = s.request("PUT", path, unit, {"Authorization": "Bearer wrong-token"})
    C.ok("write with a wrong token: 401", st == 401 and err_shape(b), (st, b))
    st, _, b = s.request("PUT", path, unit, {"Authorization": "Basic " + TOKEN})
    C.ok("write with another scheme: 401", st == 401, st)
    st, _, b = s.request("GET", path)
    C.ok("nothing written without the token", st == 200 and json.loads(b) == [] or
         json.loads(b)[0]["quality"] < 100, b[:200])
    st, _, b = s.request("PUT", path, unit, auth)
    C.ok("PUT with the token: 200", st == 200 and json.loads(b)["added"] == 1, (st, b))
    st, _, b = s.request("GET", path)
    res = json.loads(b)
    C.ok("the written unit is found", res and res[0]["quality"] == 100 and
         res[0]["target"] == "جملة جديدة تماما / بعلامات + ؟", b[:300])
    # a private-use character of the user's own (U+F8FF, a Word symbol) is text, not a tag
    pua = json.dumps({"source": "Press the \uf8ff key twice", "target": "اضغط مفتاح \uf8ff مرتين"}).encode()
    ppath = "/tmserver/en/ar/unit/" + weblate_quote("Press the \uf8ff key twice")
    st, _, b = s.request("PUT", ppath, pua, auth)
    st, _, b = s.request("GET", ppath)
    res = json.loads(b) if st == 200 else []
    C.ok("a private-use character is kept in source and target", res and
         res[0]["source"] == "Press the \uf8ff key twice" and
         res[0]["target"] == "اضغط مفتاح \uf8ff مرتين", b[:300])
    st, _, b = s.request("POST", path, unit, auth)
    C.ok("POST the same unit: merged", st == 200 and json.loads(b)["merged"] == 1, (st, b))
    store = json.dumps([{"source": "Store one %d" % i, "target": "مخزن واحد %d" % i}
                        for i in range(50)]).encode()
    st, _, b = s.request("POST", "/tmserver/en/ar/store/", store, auth)
    C.ok("store of 50: 200, 50 added", st == 200 and json.loads(b)["added"] == 50, (st, b))
    bad_store = json.dumps([{"source": "ok", "target": "نعم"}, {"source": "no target"}]).encode()
    before = stats_units(s)
    st, _, b = s.request("POST", "/api/v1/en/ar/store/", bad_store, auth)
    C.ok("store with a bad item: 400, nothing stored", st == 400 and err_shape(b) and
         stats_units(s) == before, (st, b))
    st, _, b = s.request("PUT", path, b"{not json", auth)
    C.ok("invalid JSON body: 400", st == 400 and err_shape(b), (st, b))
    st, _, b = s.request("PUT", path, json.dumps({"source": "x"}).encode(), auth)
    C.ok("body without target: 400", st == 400 and err_shape(b), (st, b))
    st, _, b = s.request("PUT", path, b"x" * (65 * 1024), auth)
    C.ok("unit body above 64 KiB: 413", st == 413 and err_shape(b), (st, b))
    st, h, b = s.request("DELETE", path, None, auth)
    C.ok("DELETE on a tmserver unit: 405 with Allow", st == 405 and "GET" in h.get("allow", ""),
         (st, h))


def stats_units(s):
    return s.get_json("/v1/stats")[1]["units"]


def v1(s, base, mem, auth):
    st, info = s.get_json("/v1/")
    C.ok("/v1/: name, version, memories, limits", st == 200 and info["name"] == "jisr" and
         info["memories"][0]["name"] == "m" and info["limits"]["text_chars"] == 1000, info)
    # query: the same JSON as jisr query --json
    for sl, tl, text in (("ar", "en", SPECIAL[0][0]), ("en", "ar", SPECIAL[1][1]),
                         ("en", "ar", base[40][1] + " again")):
        st, got = s.get_json("/v1/query?" + urllib.parse.urlencode(
            {"q": text, "source": sl, "target": tl, "min": 60, "max": 7}))
        want = tm_query(mem, text, sl, tl, 60, 7)
        strip = [{k: m[k] for k in ("score", "source", "target", "id")} for m in got["matches"]]
        C.ok("/v1/query %s→%s = jisr query --json" % (sl, tl),
             st == 200 and got["query"] == want["query"] and
             strip == [{k: m[k] for k in ("score", "source", "target", "id")}
                       for m in want["matches"]], (got, want))
    st, got = s.get_json("/v1/query?" + urllib.parse.urlencode(
        {"q": base[3][0], "source": "ar", "target": "en", "exhaustive": "1", "max": 3}))
    C.ok("/v1/query exhaustive", st == 200 and got["matches"][0]["score"] == 100)
    body = json.dumps({"texts": [SPECIAL[0][1], SPECIAL[1][1], "zzqq nothing"],
                       "source": "en", "target": "ar", "min": 80}).encode()
    st, _, b = s.request("POST", "/v1/query", body, {"Content-Type": "application/json"})
    res = json.loads(b)["results"] if st == 200 else []
    C.ok("POST /v1/query: one result per text, in order",
         len(res) == 3 and res[0]["matches"][0]["target"] == SPECIAL[0][0] and
         res[1]["matches"][0]["target"] == SPECIAL[1][0] and res[2]["matches"] == [], b[:300])
    for q, want in (("source=en&target=ar", 400), ("q=x&target=ar", 400),
                    ("q=x&source=en&target=xx", 404), ("q=x&source=en&target=ar&min=-1", 400),
                    ("q=x&source=en&target=ar&max=0", 400),
                    ("q=x&source=en&target=ar&exhaustive=maybe", 400),
                    ("q=x&source=en&target=ar&tm=nosuch", 404)):
        st, _, b = s.request("GET", "/v1/query?" + q)
        C.ok("/v1/query?%s: %d" % (q, want), st == want and err_shape(b), (st, b))
    st, _, b = s.request("POST", "/v1/query", b'{"texts":[]}')
    C.ok("POST /v1/query with no texts: 400", st == 400 and err_shape(b), (st, b))
    st, _, b = s.request("POST", "/v1/query", b"x" * (1024 * 1024 + 1))
    C.ok("POST /v1/query above 1 MiB: 413", st == 413, st)
    # concordance = jisr concord --json
    st, got = s.get_json("/v1/concord?" + urllib.parse.urlencode({"q": "annex 50%", "lang": "en"}))
    _, out, _ = run("concord", "--tm", mem, "-l", "en", "--json", "annex 50%")
    C.ok("/v1/concord = jisr concord --json", st == 200 and got == json.loads(out), (got, out))
    st, got = s.get_json("/v1/concord?" + urllib.parse.urlencode({"q": "الملحق", "lang": "ar",
                                                                  "max": 1}))
    C.ok("/v1/concord Arabic, max=1", st == 200 and len(got["hits"]) == 1)
    st, _, b = s.request("GET", "/v1/concord?lang=en")
    C.ok("/v1/concord without q: 400", st == 400 and err_shape(b))
    # stats
    st, got = s.get_json("/v1/stats")
    _, out, _ = run("stats", "--tm", mem, "--json")
    want = json.loads(out)
    C.ok("/v1/stats = jisr stats --json (units, languages)", st == 200 and
         got["units"] == want["units"] and got["languages"] == want["languages"], (got, want))
    st, got = s.get_json("/v1/languages")
    C.ok("/v1/languages", st == 200 and sorted(got["languages"]) == ["ar", "en"], got)
    # units by id
    qid = s.get_json("/v1/query?" + urllib.parse.urlencode(
        {"q": SPECIAL[2][1], "source": "en", "target": "ar"}))[1]["matches"][0]["id"]
    st, got = s.get_json("/v1/units/%d" % qid)
    C.ok("/v1/units/ID: the unit with its variants", st == 200 and got["id"] == qid and
         {v["lang"]: v["text"] for v in got["variants"]} == {"ar": SPECIAL[2][0],
                                                             "en": SPECIAL[2][1]}, got)
    st, _, b = s.request("GET", "/v1/units/999999")
    C.ok("/v1/units/999999: 404", st == 404 and err_shape(b), (st, b))
    st, _, b = s.request("DELETE", "/v1/units/%d" % qid)
    C.ok("DELETE without token: 401", st == 401 and err_shape(b))
    st, _, b = s.request("DELETE", "/v1/units/%d" % qid, None, auth)
    C.ok("DELETE with token: 200", st == 200 and json.loads(b)["deleted"] == 1, (st, b))
    st, _, b = s.request("GET", "/v1/units/%d" % qid)
    C.ok("deleted unit: 404", st == 404)
    n0 = stats_units(s)
    st, _, b = s.request("POST", "/v1/delete", json.dumps({"ids": [1, 999999]}).encode(), auth)
    C.ok("delete with a missing id: 404, nothing deleted", st == 404 and err_shape(b) and
         stats_units(s) == n0, (st, b))
    st, _, b = s.request("POST", "/v1/delete",
                         json.dumps({"ids": [1, 2], "props": ["client=x"]}).encode(), auth)
    C.ok("delete with a key it does not know (props): 400 naming it, nothing deleted",
         st == 400 and b'unknown key \\"props\\"' in b and stats_units(s) == n0, (st, b))
    st, _, b = s.request("POST", "/v1/delete", json.dumps({"ids": [1, 2]}).encode(), auth)
    C.ok("delete 2 ids: 200", st == 200 and stats_units(s) == n0 - 2, (st, b))
    st, _, b = s.request("POST", "/v1/delete", b'{"ids":"x"}', auth)
    C.ok("delete with a bad body: 400", st == 400 and err_shape(b))
    # import: TSV, TMX, JSONL; strict and skip-bad
    n0 = stats_units(s)
    tsv = "".join("جملة مستوردة رقم %d\tImported sentence number %d\n" % (i, i)
                  for i in range(300)).encode()
    st, _, b = s.request("POST", "/v1/import?format=tsv&source=ar&target=en", tsv)
    C.ok("import without token: 401", st == 401)
    st, _, b = s.request("POST", "/v1/import?format=tsv&source=ar&target=en", tsv, auth)
    res = json.loads(b) if st == 200 else {}
    C.ok("import TSV: 300 read and added", st == 200 and res.get("read") == 300 and
         res.get("added") == 300 and stats_units(s) == n0 + 300, (st, b))
    st, got = s.get_json("/v1/query?" + urllib.parse.urlencode(
        {"q": "Imported sentence number 17", "source": "en", "target": "ar"}))
    C.ok("imported units answer queries", got["matches"][0]["target"] == "جملة مستوردة رقم 17")
    _, tmx, _ = run("export", "--tm", mem, "-s", "ar", "-t", "en", "-o", "-")
    tmx = tmx.encode()
    n0 = stats_units(s)
    st, _, b = s.request("PUT", "/v1/import", tmx,
                         dict(auth, **{"Content-Type": "application/x-tmx+xml"}))
    res = json.loads(b) if st == 200 else {}
    C.ok("import TMX by Content-Type: all merged (already there)",
         st == 200 and res.get("merged") == res.get("read") and stats_units(s) == n0, (st, b[:300]))
    jl = "".join(json.dumps({"variants": [{"lang": "ar", "text": "سطر %d" % i},
                                          {"lang": "en", "text": "JSONL line %d" % i}]},
                            ensure_ascii=False) + "\n" for i in range(20)).encode()
    st, _, b = s.request("POST", "/v1/import", jl,
                         dict(auth, **{"Content-Type": "application/jsonl"}))
    C.ok("import JSONL: 20 added", st == 200 and json.loads(b)["added"] == 20, (st, b))
    n0 = stats_units(s)
    bad = ("good one\tجيد\n" + "bad line without tab\n" + "good two\tجيد اثنان\n").encode()
    st, _, b = s.request("POST", "/v1/import?format=tsv&source=en&target=ar", bad, auth)
    C.ok("strict import of a bad TSV: 422 naming line 2, nothing stored",
         st == 422 and err_shape(b) and ":2:" in json.loads(b)["error"]["message"] and
         stats_units(s) == n0, (st, b))
    st, _, b = s.request("POST", "/v1/import?format=tsv&source=en&target=ar&skip_bad=1", bad, auth)
    res = json.loads(b) if st == 200 else {}
    C.ok("skip-bad import: 2 added, the bad line reported",
         st == 200 and res.get("added") == 2 and res.get("bad_count") == 1 and
         res["bad"][0]["line"] == 2 and stats_units(s) == n0 + 2, (st, b))
    n0 = stats_units(s)
    st, _, b = s.request("POST", "/v1/import?format=tmx", tmx[:len(tmx) * 2 // 3], auth)
    C.ok("truncated TMX upload: 422, nothing imported", st == 422 and err_shape(b) and
         stats_units(s) == n0, (st, b))
    st, _, b = s.request("POST", "/v1/import", tsv, auth)
    C.ok("import of an unnamed format: 415", st == 415 and err_shape(b), (st, b))
    st, _, b = s.request("POST", "/v1/import?format=moses", tsv, auth)
    C.ok("import format moses: 415", st == 415, st)
    # jisr query's filters: --prop TYPE=VALUE and --changed-since
    tus = "".join(
        '<tu changedate="%s"><prop type="x-domain">%s</prop><prop type="x-client">%s</prop>'
        '<tuv xml:lang="en"><seg>Filtered sentence about the %s report</seg></tuv>'
        '<tuv xml:lang="ar"><seg>جملة مصفاة عن تقرير %s</seg></tuv></tu>' %
        (date, dom, cli, word, word) for date, dom, cli, word in (
            ("20200105T100000Z", "legal", "acme", "annual"),
            ("20240105T100000Z", "legal", "globex", "yearly"),
            ("20250105T100000Z", "medical", "acme", "monthly"),
            ("20250305T100000Z", "finance", "acme", "weekly")))
    ftmx = ('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
            'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" '
            'datatype="plaintext"/><body>%s</body></tmx>' % tus).encode()
    st, _, b = s.request("POST", "/v1/import?format=tmx", ftmx, auth)
    C.ok("import of 4 units with props and dates", st == 200 and json.loads(b)["added"] == 4,
         (st, b))
    ftext = "Filtered sentence about the quarterly report"
    for props, since in (([], None), (["x-domain=legal"], None),
                         (["x-domain=legal", "x-domain=finance"], None),
                         (["x-domain=legal", "x-client=acme"], None), ([], "2025-01-01"),
                         (["x-client=acme"], "20250201T000000Z"), (["x-domain=none"], None)):
        args = ["query", "--tm", mem, "-s", "en", "-t", "ar", "--json", "--min", "50"]
        for p_ in props:
            args += ["--prop", p_]
        if since:
            args += ["--changed-since", since]
        want = json.loads(run(*(args + [ftext]))[1])
        params = [("q", ftext), ("source", "en"), ("target", "ar"), ("min", "50")] + \
            [("prop", p_) for p_ in props] + ([("changed_since", since)] if since else [])
        st, got = s.get_json("/v1/query?" + urllib.parse.urlencode(params))
        body = {"q": ftext, "source": "en", "target": "ar", "min": 50, "props": props}
        if since:
            body["changed_since"] = since
        st2, _, b2 = s.request("POST", "/v1/query", json.dumps(body).encode())
        got2 = json.loads(b2)["results"][0] if st2 == 200 else None
        ids = [m["id"] for m in want["matches"]]
        C.ok("/v1/query filters %s %s = jisr query (%d matches)" % (props, since or "", len(ids)),
             st == 200 and st2 == 200 and [m["id"] for m in got["matches"]] == ids and
             [m["id"] for m in got2["matches"]] == ids and
             [{k: m[k] for k in w} for m, w in zip(got["matches"], want["matches"])] ==
             want["matches"],
             (got, got2, want))
    C.ok("the filters select: legal 2, legal+acme 1, since 2025 2, none 0", [
        len(s.get_json("/v1/query?" + urllib.parse.urlencode(
            [("q", ftext), ("source", "en"), ("target", "ar"), ("min", "50")] + x))[1]["matches"])
        for x in ([("prop", "x-domain=legal")],
                  [("prop", "x-domain=legal"), ("prop", "x-client=acme")],
                  [("changed_since", "2025-01-01")], [("prop", "x-domain=none")])] == [2, 1, 2, 0])
    # a variant's (<tuv>) own attributes and notes: kept and shown beside its text
    vtmx = ('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
            'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" '
            'datatype="plaintext"/><body><tu><tuv xml:lang="en"><seg>Variant notes travel</seg>'
            '</tuv><tuv xml:lang="ar" changeid="lina" changedate="20240305T101500Z"><note>checked'
            '</note><seg>ملاحظات النسخ تنتقل</seg></tuv></tu></body></tmx>').encode()
    st, _, b = s.request("POST", "/v1/import?format=tmx", vtmx, auth)
    vid = s.get_json("/v1/query?" + urllib.parse.urlencode(
        {"q": "Variant notes travel", "source": "en", "target": "ar"}))[1]["matches"][0]["id"]
    st, got = s.get_json("/v1/units/%d" % vid)
    var = {v["lang"]: v for v in got.get("variants", [])}
    C.ok("/v1/units/ID: a variant's changeid and note beside its text, the unit dated by it",
         st == 200 and var["ar"].get("changeid") == "lina" and var["ar"].get("notes") == ["checked"]
         and "notes" not in var["en"] and got.get("changedate") == "20240305T101500Z", got)
    for q_, what in (("&prop=novalue", "a prop without '='"), ("&prop=%3Dx", "a prop without type"),
                     ("&changed_since=yesterday", "a bad date"),
                     ("&changed_since=2023-02-29", "a day not in its month")):
        st, _, b = s.request("GET", "/v1/query?q=x&source=en&target=ar" + q_)
        C.ok("/v1/query with %s: 400" % what, st == 400 and err_shape(b), (st, b))
    st, _, b = s.request("POST", "/v1/query", json.dumps(
        {"q": "x", "source": "en", "target": "ar", "props": "x-domain=legal"}).encode())
    C.ok("POST /v1/query with props not a list: 400", st == 400 and err_shape(b), (st, b))
    # export: streamed TMX of the memory
    st, h, b = s.request("GET", "/v1/export")
    ok = st == 200 and h.get("content-type", "").startswith("application/x-tmx+xml") and \
        "attachment" in h.get("content-disposition", "") and \
        h.get("transfer-encoding") == "chunked"
    try:
        root = ET.fromstring(b)
        ntu = len(root.findall("./body/tu"))
    except ET.ParseError as e:
        ntu = -1
        print(" ", e)
    C.ok("export: chunked TMX, well-formed, every unit", ok and ntu == stats_units(s), (st, h, ntu))
    st, h, b = s.request("GET", "/v1/export?source=en&target=ar")
    root = ET.fromstring(b)
    C.ok("export of a pair: header srclang en", root.find("header").get("srclang") == "en")
    st, _, b = s.request("GET", "/v1/export?target=ar")
    C.ok("export target without source: 400", st == 400 and err_shape(b))
    st, _, b = s.request("GET", "/v1/export?tm=nosuch")
    C.ok("export of an unknown memory: 404", st == 404 and err_shape(b))


def limits(s, auth):
    st, _, b = s.request("GET", "/v1/query?q=" + "a" * 17000 + "&source=en&target=ar")
    C.ok("request target above 16 KiB: 414", st == 414 and err_shape(b), (st, b[:200]))
    st, _, b = s.request("GET", "/v1/stats", headers={"X-Big": "y" * 17000})
    C.ok("headers above 16 KiB: 431 headers_too_large", st == 431 and err_shape(b) and
         json.loads(b)["error"]["code"] == "headers_too_large", (st, b[:200]))
    st, _, b = s.request("GET", "/v1/stats", headers={"X-Huge": "y" * 70000})
    C.ok("headers above the connection's memory: refused (431)", st == 431, st)
    # what libmicrohttpd answers itself (docs/serve.md, Errors: no hook lets the server answer
    # these): a Content-Length that is no number, or above 2^64 - 1, is a 400 or 413 and the
    # connection closed; the server goes on
    for value, status in (("abc", b"400"), ("-1", b"400"), ("+5", b"400"), ("5 5", b"400"),
                          ("", b"400"), ("99999999999999999999999", b"413")):
        out = raw(s.host, s.port, b"POST /v1/query HTTP/1.1\r\nHost: localhost\r\n"
                  b"Content-Length: " + value.encode() + b"\r\n\r\n", timeout=10)
        st2, _, b2 = s.request("GET", "/v1/stats")
        C.ok("Content-Length %r: %s from libmicrohttpd, the connection closed; the server goes on"
             % (value, status.decode()), out.startswith(b"HTTP/1.1 " + status + b" ") and
             b"Connection: close" in out and st2 == 200, (out[:300], st2))
    C.ok("... and the log says why", "libmicrohttpd: Failed to parse `Content-Length'" in
         s.log_text() and "libmicrohttpd: Too large value of 'Content-Length'" in s.log_text(),
         s.log_text()[-1500:])
    for target, what in (("/tmserver/en/ar/unit/%zz", "bad %-escape"),
                         ("/tmserver/en/ar/unit/%00x", "NUL"),
                         ("/tmserver/en/ar/unit/%FF%FE", "not UTF-8"),
                         ("/tmserver/en/ar/unit/a#b", "raw #")):
        st, _, b = s.request("GET", target)
        C.ok("%s: 400" % what, st == 400 and err_shape(b), (st, b))
    for target in ("/../../etc/passwd", "/etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                   "/page.js/../../../etc/passwd", "/serve/page/index.html", "/favicon.ico"):
        st, _, b = s.request("GET", target)
        C.ok("nothing from the file system: %s 404" % target, st == 404 and b"root:" not in b)
    st, h, b = s.request("PATCH", "/v1/stats")
    C.ok("PATCH: 405 with Allow", st == 405 and "GET" in h.get("allow", "") and err_shape(b))
    st, h, b = s.request("HEAD", "/v1/stats")
    C.ok("HEAD: 200 without a body", st == 200 and b == b"")
    st, h, b = s.request("OPTIONS", "/v1/query")
    C.ok("OPTIONS: 204 with Allow, no CORS headers without --cors",
         st == 204 and "POST" in h.get("allow", "") and
         "access-control-allow-origin" not in h, (st, h))
    st, h, b = s.request("GET", "/v1/stats", headers={"Origin": "https://evil.example"})
    C.ok("no CORS header without --cors", "access-control-allow-origin" not in h)
    st, _, b = s.request("POST", "/tmserver/en/ar/store/", b"[" + b'{"source":"a","target":"b"},' *
                         600000 + b"]", auth)
    C.ok("store body above 16 MiB: 413", st == 413, st)
    # chunked body beyond a route's limit: the connection is closed
    s_ = socket.create_connection((s.host, s.port), timeout=10)
    s_.sendall(b"POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    closed = False
    try:
        for _ in range(40):
            s_.sendall(b"10000\r\n" + b"x" * 0x10000 + b"\r\n")
    except (BrokenPipeError, ConnectionResetError):
        closed = True
    if not closed:
        try:
            closed = s_.recv(100) in (b"",) or True
        except (ConnectionResetError, socket.timeout):
            closed = True
    s_.close()
    C.ok("chunked body above the route's limit: connection closed", closed)
    st, _, _ = s.request("GET", "/v1/stats")
    C.ok("the server still answers", st == 200)


def page(s):
    st, h, b = s.request("GET", "/")
    C.ok("GET /: the page, text/html", st == 200 and h.get("content-type", "").startswith(
        "text/html") and b"<html" in b.lower(), (st, h))
    csp = h.get("content-security-policy", "")
    C.ok("the page has a strict CSP", "default-src 'none'" in csp and "script-src 'self'" in csp,
         csp)
    C.ok("nosniff", h.get("x-content-type-options") == "nosniff")
    for name, ctype in (("page.js", "text/javascript"), ("page.css", "text/css")):
        st, h, b = s.request("GET", "/" + name)
        C.ok("GET /%s" % name, st == 200 and h.get("content-type", "").startswith(ctype) and
             len(b) > 100, (st, h))
    total = sum(len(s.request("GET", p)[2]) for p in ("/", "/page.js", "/page.css"))
    C.ok("the page is a few KB (%d bytes)" % total, 2000 < total < 40000, total)


def read_only(mem, auth):
    with open(os.path.join(T, "token")) as f:
        pass
    before = json.loads(run("stats", "--tm", mem, "--json")[1])["units"]
    with Server(T, ["--tm", mem, "--read-only", "--token-file", os.path.join(T, "token")],
                "ro") as s:
        for method, target, body in (
                ("PUT", "/tmserver/en/ar/unit/x", b'{"source":"x","target":"y"}'),
                ("POST", "/tmserver/en/ar/store/", b'[{"source":"x","target":"y"}]'),
                ("POST", "/v1/import?format=tsv&source=en&target=ar", b"a\tb\n"),
                ("POST", "/v1/delete", b'{"ids":[5]}'), ("DELETE", "/v1/units/5", None)):
            st, _, b = s.request(method, target, body, auth)
            C.ok("--read-only: %s %s refused with 403 even with the token" % (method, target),
                 st == 403 and json.loads(b)["error"]["code"] == "read_only", (st, b))
        st, _, b = s.request("GET", "/tmserver/en/ar/unit/" + weblate_quote(SPECIAL[0][1]))
        C.ok("--read-only: reads work", st == 200 and json.loads(b)[0]["quality"] == 100)
        C.ok("--read-only: exit 0", s.stop() == 0)
    after = json.loads(run("stats", "--tm", mem, "--json")[1])["units"]
    C.ok("--read-only: the memory is unchanged", before == after)
    # no token file: no writes at all
    with Server(T, ["--tm", mem], "notoken") as s:
        st, _, b = s.request("PUT", "/tmserver/en/ar/unit/x", b'{"source":"x","target":"y"}',
                             auth)
        C.ok("without --token-file writes are refused (403)",
             st == 403 and json.loads(b)["error"]["code"] == "writes_disabled", (st, b))
        st, info = s.get_json("/v1/")
        C.ok("without --token-file /v1/ says no memory takes writes",
             st == 200 and not any(m["writes"] for m in info["memories"]) and
             info["writes"] is False, info)


def private(mem, auth):
    with Server(T, ["--tm", mem, "--private", "--token-file", os.path.join(T, "token")],
                "private") as s:
        st, _, b = s.request("GET", "/tmserver/en/ar/unit/x")
        C.ok("--private: a read without the token is 401", st == 401 and err_shape(b))
        st, _, b = s.request("GET", "/tmserver/en/ar/unit/" + weblate_quote(SPECIAL[0][1]), None,
                             auth)
        C.ok("--private: with the token it works", st == 200 and json.loads(b))
        st, _, b = s.request("GET", "/")
        C.ok("--private: the page itself (no data) loads", st == 200)
        st, _, b = s.request("GET", "/v1/stats", None, {"Authorization": "Bearer nope"})
        C.ok("--private: a wrong token is 401", st == 401)
    code, _, err = run("serve", "--tm", mem, "--private", check=False)
    C.ok("--private without --token-file: refused at start", code != 0 and "--private" in err)


def cors(mem):
    with Server(T, ["--tm", mem, "--cors", "https://cat.example"], "cors") as s:
        st, h, b = s.request("GET", "/v1/stats", headers={"Origin": "https://cat.example"})
        C.ok("--cors: Access-Control-Allow-Origin for the origin",
             h.get("access-control-allow-origin") == "https://cat.example", h)
        st, h, b = s.request("GET", "/v1/stats", headers={"Origin": "https://evil.example"})
        C.ok("--cors: not for another origin", "access-control-allow-origin" not in h)
        st, h, b = s.request("OPTIONS", "/v1/query", headers={
            "Origin": "https://cat.example", "Access-Control-Request-Method": "POST"})
        C.ok("--cors: preflight 204 with methods and headers",
             st == 204 and "POST" in h.get("access-control-allow-methods", "") and
             "Authorization" in h.get("access-control-allow-headers", ""), (st, h))


def quiet(mem):
    with Server(T, ["--tm", mem, "--quiet"], "quiet") as s:
        for _ in range(3):
            s.request("GET", "/v1/stats")
        s.stop()
        log = s.log_text()
        C.ok("--quiet: no request lines", "/v1/stats" not in log and "listening on" in log, log)


def snapshot(base, mem):
    """The read snapshot's directory (default) and --no-snapshot: the same answers; the startup
    line says which."""
    got = {}
    for name, extra in (("snap", []), ("nosnap", ["--no-snapshot"])):
        with Server(T, ["--tm", mem] + extra, name) as s:
            got[name] = []
            for ar, en in base[:60:7]:
                for q, sl, tl in ((ar, "ar", "en"), (en + " x", "en", "ar")):
                    st, b = s.get_json("/tmserver/%s/%s/unit/%s?min_similarity=60" %
                                       (sl, tl, weblate_quote(q)))
                    got[name].append((st, b))
            st, sts = s.get_json("/v1/stats")
            sn = sts.get("snapshot", {}) if isinstance(sts, dict) else {}
            if extra:
                C.ok("--no-snapshot: /v1/stats says no directory (current false, 0 bytes)",
                     st == 200 and sn.get("current") is False and sn.get("bytes") == 0 and
                     sn.get("reads") == 0, sts)
            else:
                C.ok("/v1/stats gives the directory (current, its size, its state's txnid, "
                     "reads through it)",
                     st == 200 and sn.get("current") is True and sn.get("bytes", 0) > 0 and
                     sn.get("txnid", 0) > 0 and sn.get("builds", 0) >= 1 and
                     sn.get("reads", 0) > 0, sts)
            s.stop()
            log = s.log_text()
        C.ok("--no-snapshot: the startup line says which" if extra else
             "the startup line gives the snapshot directory's size",
             ("no snapshot directory" in log) if extra else ("snapshot directories" in log), log)
    C.ok("the same answers with and without the snapshot directory",
         got["snap"] == got["nosnap"] and any(b for _, b in got["snap"]), got["snap"][:2])


def several(base, mem):
    """--tm A --tm B:10: matches merged with B's scores lowered by 10, each naming its memory."""
    b_tsv = os.path.join(T, "b.tsv")
    make_tsv(b_tsv, [(a + " ب", e + " b") for a, e in base[:100]] + SPECIAL[:1])
    memb = os.path.join(T, "b")
    run("import", "--tm", memb, "-s", "ar", "-t", "en", "-q", b_tsv)
    with Server(T, ["--tm", mem, "--tm", memb + ":10"], "multi") as s:
        st, info = s.get_json("/v1/")
        C.ok("two memories listed with their penalties",
             [(m["name"], m["penalty"]) for m in info["memories"]] == [("m", 0), ("b", 10)], info)
        ok = True
        for ar, en in base[:100:9]:
            text = en + " b"
            st, b = s.get_json("/tmserver/en/ar/unit/%s?min_similarity=50&max_candidates=8" %
                               weblate_quote(text))
            st2, v = s.get_json("/v1/query?" + urllib.parse.urlencode(
                {"q": text, "source": "en", "target": "ar", "min": 50, "max": 8}))
            # expectation from each memory alone
            want = []
            for k, (d, pen) in enumerate(((mem, 0), (memb, 10))):
                for m in tm_query(d, text, "en", "ar", 0, 1000)["matches"]:
                    if m["score"] - pen >= 50:
                        want.append((m["score"] - pen, k, m["id"], m["target"]))
            want.sort(key=lambda x: (-x[0], x[1], x[2]))
            got = [(m["score"], ["m", "b"].index(m["memory"]), m["id"], m["target"])
                   for m in v["matches"]]
            # within one score the order is the unrounded similarity, which the JSON does not
            # show: compare each score's matches as a set (the last group may be cut at max)
            def by_score(xs):
                d = {}
                for x in xs:
                    d.setdefault(x[0], set()).add(x[1:])
                return d
            gw, gg = by_score(want), by_score(got)
            scores = [x[0] for x in got]
            good = st == 200 and st2 == 200 and len(got) == min(8, len(want)) and \
                scores == sorted(scores, reverse=True) and \
                scores == [x[0] for x in want[:len(got)]] and \
                all(gg[sc] == gw[sc] if sc != scores[-1] else gg[sc] <= gw[sc] for sc in gg) and \
                [(m["target"], m["quality"]) for m in b] == [(x[3], x[0]) for x in got]
            if not good:
                ok = False
                print("  differs:", text, got, want[:8])
        C.ok("several memories: merged ranking with penalties (tmserver and /v1)", ok)
        st, b = s.get_json("/tmserver/en/ar/unit/" + weblate_quote(SPECIAL[0][1]))
        C.ok("the same unit in both: the project memory's 100 first, the penalised 90 after",
             [m["quality"] for m in b[:2]] == [100, 90], b)
        st, v = s.get_json("/v1/stats?tm=b")
        C.ok("/v1/stats?tm=b: that memory's statistics", st == 200 and
             v["path"].endswith("/b") and v["units"] == 101, v)
        st, v = s.get_json("/v1/stats")
        C.ok("/v1/stats: each memory under its name", st == 200 and
             [(x["name"], x["penalty"], x["stats"]["units"]) for x in v["memories"]] ==
             [("m", 0, v["memories"][0]["stats"]["units"]), ("b", 10, 101)] and
             v["units"] == sum(x["stats"]["units"] for x in v["memories"]), v)
    code, _, err = run("serve", "--tm", mem, "--tm", mem, "--listen", "127.0.0.1:0", check=False)
    C.ok("the same memory twice: refused", code != 0 and "twice" in err, err)
    code, _, err = run("serve", "--tm", mem + ":101", check=False)
    C.ok("a penalty above 100: usage error", code == 2, err)


def keep_alive(s):
    # a keep-alive client sends request after request on one connection (HTTP/1.1): answers,
    # refusals and errors of bodiless requests alike; a body refused before it was read closes
    import http.client
    conn = http.client.HTTPConnection(s.host, s.port, timeout=10)
    conn.connect()
    sock = conn.sock
    seen = []
    for target in ["/tmserver/en/ar/unit/" + weblate_quote(SPECIAL[0][1]), "/no/such/page",
                   "/v1/stats", "/tmserver/xx/yy/unit/a", "/api/v1/languages/"]:
        conn.request("GET", target)
        r = conn.getresponse()
        r.read()
        seen.append((r.status, r.getheader("Connection"), conn.sock is sock))
    C.ok("keep-alive: five GETs (200, 404, 200, 404, 200) on one connection, none closed",
         [x[0] for x in seen] == [200, 404, 200, 404, 200] and
         all(x[1] != "close" and x[2] for x in seen), seen)
    conn.request("POST", "/tmserver/en/ar/store/", body=b"[]" + b" " * 10,
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    C.ok("a write refused before its body (no token) closes the connection",
         r.status in (401, 403) and r.getheader("Connection") == "close",
         (r.status, r.getheader("Connection")))
    conn.close()


def integrator(mem, auth):
    """The defects an integrator found (each check fails without its fix)."""
    m2 = os.path.join(T, "integ")
    make_tsv(os.path.join(T, "integ.tsv"), [("افتح الملف", "Open the file"),
                                            ("احفظ الملف", "Save the file")])
    run("import", "--tm", m2, "-s", "ar", "-t", "en", "-q", os.path.join(T, "integ.tsv"))
    tok = os.path.join(T, "token")
    with Server(T, ["--tm", m2, "--token-file", tok, "--cors", "*", "--max-upload", "100"],
                "integ") as s:
        # 1. tmserver writes are checked as every reader checks a unit (422 encoding)
        for ch in ("\\u001b", "\\u0002", "\\uffff"):
            body = ('{"source":"Press %s now","target":"اضغط"}' % ch).encode()
            st, _, b = s.request("PUT", "/tmserver/en/ar/unit/x", body, auth)
            C.ok("tmserver unit with %s: 422 encoding" % ch,
                 st == 422 and json.loads(b)["error"]["code"] == "encoding", (st, b))
        st, _, b = s.request("POST", "/tmserver/en/ar/store/",
                             '[{"source":"a\\u0007b","target":"ج"}]'.encode(), auth)
        C.ok("tmserver store with U+0007: 422 naming the item and the character",
             st == 422 and "item 0" in json.loads(b)["error"]["message"] and
             "U+0007" in json.loads(b)["error"]["message"], (st, b))
        st, _, b = s.request("PUT", "/tmserver/en/ar/unit/x",
                             '{"source":"Word\\u000bbreak","target":"ج"}'.encode(), auth)
        C.ok("U+000B (Word's line break) is stored as a line feed, as jisr import does",
             st == 200 and json.loads(b)["added"] == 1, (st, b))
        # 2. HEAD of a streamed route: no body, no chunk framing
        out = raw(s.host, s.port, b"HEAD /v1/export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5)
        head, _, rest = out.partition(b"\r\n\r\n")
        C.ok("HEAD /v1/export: headers only (no chunked framing, no body)",
             head.split(b" ")[1] == b"200" and rest == b"" and
             b"chunked" not in head.lower(), out[:400])
        # 4. Host: DNS rebinding
        def with_host(h):
            return raw(s.host, s.port, b"GET /v1/export HTTP/1.1\r\nHost: " + h.encode() +
                       b"\r\nConnection: close\r\n\r\n", 5)
        out = with_host("evil.example")
        C.ok("Host evil.example on a loopback server: 421 misdirected_request",
             out.startswith(b"HTTP/1.1 421") and b'"misdirected_request"' in out, out[:300])
        for h in ("localhost", "localhost:%d" % s.port, "127.0.0.1:%d" % s.port, "[::1]:80",
                  "LOCALHOST"):
            out = with_host(h)
            C.ok("Host %s is answered" % h, out.startswith(b"HTTP/1.1 200"), out[:200])
        out = raw(s.host, s.port, b"GET /v1/languages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Host: evil.example\r\n\r\n", 5, whole=True)
        C.ok("two Host headers: 400", out.startswith(b"HTTP/1.1 400"), out[:200])
        out = raw(s.host, s.port, b"GET /v1/languages HTTP/1.1\r\n\r\n", 5, whole=True)
        C.ok("HTTP/1.1 without Host: 400", out.startswith(b"HTTP/1.1 400") and
             b'"bad_request"' in out, out[:300])
        out = raw(s.host, s.port, b"GET /v1/languages HTTP/1.0\r\n\r\n", 5)
        C.ok("HTTP/1.0 without Host: answered", out.split(b" ")[1:2] == [b"200"], out[:200])
        # 5. deleted counts each unit once
        st, _, b = s.request("GET", "/v1/units/2")
        st, _, b = s.request("POST", "/v1/delete", b'{"ids":[2,2,2]}', auth)
        C.ok("delete [2,2,2]: deleted 1", st == 200 and json.loads(b) == {"deleted": 1}, (st, b))
        # 9. en_us falls back to en: the same language as en
        st, _, b = s.request("GET", "/tmserver/en_us/en/unit/Open%20the%20file")
        C.ok("tmserver en_us → en: 404 (the same language)", st == 404, (st, b))
        # 10. documented codes, no library internals
        for tgt in ("/v1/concord?q=%20&lang=en", "/v1/query?q=a&source=en&target=ar&"
                    "changed_since=2026-02-30"):
            st, _, b = s.request("GET", tgt)
            C.ok("%s: 400 bad_request" % tgt, st == 400 and
                 json.loads(b)["error"]["code"] == "bad_request", (st, b))
        st, _, b = s.request("POST", "/v1/import?format=tsv", b"a\tb\n", auth)
        msg = json.loads(b)["error"]["message"]
        C.ok("TSV import without source/target: 400 bad_request naming the parameters",
             st == 400 and json.loads(b)["error"]["code"] == "bad_request" and
             "source=" in msg and "-s" not in msg, (st, b))
        st, _, b = s.request("POST", "/v1/query",
                             b'{"q":"a\\u0000b","source":"en","target":"ar"}')
        C.ok("a NUL in JSON: 400 without jansson's flag name",
             st == 400 and "JSON_ALLOW_NUL" not in b.decode(), (st, b))
        st, _, b = s.request("GET", "/v1/query?q=%3C!DOCTYPE%20x%3E&source=en&target=ar&tags=tmx")
        C.ok("tags=tmx with a DOCTYPE: 400 without libxml2's 'internal error'",
             st == 400 and "internal error" not in b.decode(), (st, b))
        st, _, b = s.request("GET", "/tmserver/en/ar/unit/Open?max_candidates=" + "9" * 30)
        C.ok("max_candidates of 30 digits is lowered to 30 (200)", st == 200, (st, b))
        # 11. the method is escaped in the log
        raw(s.host, s.port, b"G\x1b[31mET /v1/languages HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5,
            whole=True)
        # 12. CORS: the headers a page may read
        st, h, _ = s.request("GET", "/v1/languages", headers={"Origin": "https://cat.example"})
        C.ok("--cors: Access-Control-Expose-Headers names X-Jisr-Text-Cut and Retry-After",
             "X-Jisr-Text-Cut" in h.get("access-control-expose-headers", "") and
             "Retry-After" in h.get("access-control-expose-headers", ""), h)
        # 13. /v1/import with one language twice
        st, _, b = s.request("POST", "/v1/import?format=tsv&source=en&target=en", b"a\tb\n", auth)
        C.ok("import source=en&target=en: 400", st == 400, (st, b))
        # 14. the request line has its own limit: a 16,300-byte target is not a 431
        st, _, b = s.request("GET", "/v1/query?source=en&target=ar&q=" + "a" * 16250)
        C.ok("a 16,300-byte target with small headers: not 431 (%d)" % st, st not in (414, 431),
             (st, b[:200]))
        # 15. a chunked body over the limit gets its 413
        x = socket.create_connection((s.host, s.port), timeout=10)
        x.sendall(b"POST /v1/import?format=tsv&source=ar&target=en HTTP/1.1\r\n"
                  b"Host: 127.0.0.1\r\nAuthorization: " + auth["Authorization"].encode() +
                  b"\r\nTransfer-Encoding: chunked\r\n\r\n" +
                  b"".join(b"%x\r\n%s\r\n" % (66, b"a" * 30 + b"\t" + b"b" * 34 + b"\n")
                           for _ in range(10)) + b"0\r\n\r\n")
        out = b""
        try:
            while True:
                k = x.recv(65536)
                if not k:
                    break
                out += k
                if b'"too_big"' in out:
                    break
        except (ConnectionResetError, socket.timeout):
            pass
        x.close()
        C.ok("chunked 660-byte import with --max-upload 100: 413 too_big sent",
             out.startswith(b"HTTP/1.1 413") and b'"too_big"' in out, out[:300])
        time.sleep(0.3)
        log = s.log_text()
        C.ok("the log escapes the method", "\x1b" not in log and "G%1B[31mET" in log, log[-800:])
        # 1 (export). a unit the TMX writer refuses is never dropped silently: the export is cut


def stopping(mem, auth):
    """SIGHUP stops cleanly; queries in flight end at the grace period with a real 503; a
    mistyped --tm is refused unless --create."""
    import signal
    with Server(T, ["--tm", mem], "hup") as s:
        code = s.stop(signal.SIGHUP)
        C.ok("SIGHUP: a clean stop, exit status 0", code == 0 and "stopped" in s.log_text(),
             (code, s.log_text()[-500:]))
    missing = os.path.join(T, "no-such-memory")
    code, _, err = run("serve", "--tm", missing, "--listen", "127.0.0.1:0", check=False)
    C.ok("--tm of a directory without a memory: refused, --create named",
         code == 1 and "--create" in err and not os.path.exists(os.path.join(missing, "data.mdb")),
         (code, err))
    with Server(T, ["--tm", missing, "--create"], "create") as s:
        st, _, _ = s.request("GET", "/v1/stats")
        C.ok("--create makes the new memory", st == 200, st)
    with Server(T, ["--tm", mem, "--grace", "2", "--query-timeout", "60000"], "grace") as s:
        texts = [" ".join("annex %d of the report on the committee's work page %d" % (i, k)
                          for k in range(12)) for i in range(1000)]

        def batch(texts):
            return json.dumps({"texts": texts, "source": "en", "target": "ar",
                               "exhaustive": True, "min": 0}).encode()
        body = batch(texts)
        # the 1,000 queries' time, from a tenth of them (queries of one shape: the whole batch,
        # only to time it, cost the most of this test)
        t0 = time.time()
        st, _, _ = s.request("POST", "/v1/query", batch(texts[:100]))
        whole = 10 * (time.time() - t0)
        res = {}

        def ask():
            try:
                res["r"] = s.request("POST", "/v1/query", body, timeout=30)
            except Exception as e:  # noqa: BLE001
                res["r"] = (None, {}, str(e).encode())
        th = threading.Thread(target=ask)
        th.start()
        time.sleep(0.5)
        t0 = time.time()
        s.proc.send_signal(signal.SIGTERM)
        s.proc.wait(30)
        dt = time.time() - t0
        th.join(30)
        st, h, b = res.get("r", (None, {}, b""))
        if whole < 4:  # (3 s when they were timed whole: a margin for the estimate)
            C.ok("(the 1,000 queries take about %.1f s: too fast to test the grace period)" %
                 whole, True)
        else:
            C.ok("SIGTERM during about %.1f s of queries, --grace 2: exits in %.1f s" % (whole, dt),
                 dt < 3.5, dt)
            C.ok("the query in flight gets a real 503 stopping", st == 503 and
                 json.loads(b)["error"]["code"] == "stopping", (st, b[:200]))


def connections(mem):
    with Server(T, ["--tm", mem, "--token-file", os.path.join(T, "token")], "ka") as s:
        keep_alive(s)
    # per-client connection limit
    with Server(T, ["--tm", mem, "--max-connections-per-client", "3"], "conn") as s:
        socks = [socket.create_connection((s.host, s.port), timeout=5) for _ in range(3)]
        time.sleep(0.3)
        extra = socket.create_connection((s.host, s.port), timeout=5)
        extra.sendall(b"GET /v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            got = extra.recv(100)
        except (ConnectionResetError, socket.timeout):
            got = b""
        C.ok("a 4th connection from one client (limit 3) is refused", got == b"", got)
        extra.close()
        for x in socks:
            x.close()
        time.sleep(0.3)
        st, _, _ = s.request("GET", "/v1/stats")
        C.ok("after they close, connections are accepted again", st == 200)
    # slow clients hold connections, never threads; idle ones are cut
    with Server(T, ["--tm", mem, "--threads", "1", "--idle-timeout", "2", "--request-timeout",
                    "3"], "slow") as s:
        slow = []
        for _ in range(60):
            x = socket.create_connection((s.host, s.port), timeout=10)
            x.sendall(b"GET /v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(x)
        t0 = time.time()
        st, _, _ = s.request("GET", "/tmserver/en/ar/unit/" + weblate_quote(SPECIAL[0][1]))
        dt = time.time() - t0
        C.ok("60 slow clients on 1 thread: a query still answers at once (%.3f s)" % dt,
             st == 200 and dt < 1.0, (st, dt))
        time.sleep(3.5)
        closed = 0
        for x in slow:
            try:
                x.settimeout(0.5)
                got = x.recv(100)
                closed += got == b"" or got.startswith(b"HTTP/1.1 408")
            except (ConnectionResetError, BrokenPipeError):
                closed += 1
            except socket.timeout:
                pass
            x.close()
        C.ok("idle slow clients are disconnected after --idle-timeout (%d of 60)" % closed,
             closed == 60, closed)
        # a body trickling in within the idle timeout but beyond the request time
        x = socket.create_connection((s.host, s.port), timeout=10)
        x.sendall(b"POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n")
        t0 = time.time()
        cut = False
        try:
            for _ in range(20):
                x.sendall(b"x")
                time.sleep(0.5)
                if time.time() - t0 > 8:
                    break
        except (BrokenPipeError, ConnectionResetError):
            cut = True
        if not cut:
            try:
                x.settimeout(1)
                cut = x.recv(100) == b""
            except (ConnectionResetError, socket.timeout):
                cut = True
        dt = time.time() - t0
        x.close()
        C.ok("a body trickling in is cut at --request-timeout (%.1f s)" % dt, cut and dt < 8, dt)
        # headers trickling in, a byte a second (within the idle timeout): a 408 at the
        # request time (libmicrohttpd's own timeout is an idle one)
        x = socket.create_connection((s.host, s.port), timeout=10)
        x.sendall(b"GET /v1/languages HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        t0 = time.time()
        got = b""
        x.settimeout(1)
        try:
            for _ in range(12):
                x.sendall(b"X")
                try:
                    k = x.recv(4096)
                    if not k:
                        break
                    got += k
                except socket.timeout:
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        dt = time.time() - t0
        x.close()
        C.ok("headers trickling in get a 408 at --request-timeout (%.1f s)" % dt,
             dt < 6 and got.startswith(b"HTTP/1.1 408") and b'"request_timeout"' in got,
             (dt, got[:200]))


if __name__ == "__main__":
    try:
        code = main()
    except Exception:
        import traceback
        traceback.print_exc()
        code = 1
    sys.exit(code)
