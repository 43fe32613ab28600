#!/usr/bin/python3
"""serve_strict_params.py — every `/v1/` route of `jisr serve` refuses a name it does not know,
on a real server on a loopback port (two memories, a and b, and a token):

  - for each route and method of docs/serve.md's `/v1/` table, a query parameter the route does
    not know is a 400 `bad_request` naming it, whose list of the names the route takes is the
    list the table documents (read from docs/serve.md here: neither can drift from the other),
    and the same for a key of a POST's JSON body (POST /v1/query, POST /v1/delete);
  - every name the table documents is taken: the request with it answers 200;
  - what a misspelt name did before (2026-12-07): `min_score=100` answered the matches from 70,
    `DELETE /v1/units/N?tmm=b` deleted unit N of the first memory, an import with `skip-bad=1`
    imported; now nothing happens but the 400 (the unit is still there, the memory as it was);
  - the check comes before the token's (a write with an unknown parameter is a 400 without it);
  - the page's own requests (serve/page/page.js: its `api(…)` calls) send only names their
    routes take (the browser tests, serve_page*.py, run them);
  - what stays lenient, on purpose: the tmserver/amaGama routes (/tmserver/, /api/v1/: CAT tools
    send parameters of their own), a tmserver unit body's extra keys, the page and its files,
    and a CORS preflight (OPTIONS), which is answered whatever its target's parameters.
"""
import json
import os
import re
import shutil
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import SOURCE_DIR, Checks, Server, make_tsv, run, tmpdir  # noqa: E402

C = Checks()
TOKEN = "test-token-0b7e3c5d9a1f2468ace0"
AUTH = {"Authorization": "Bearer " + TOKEN}
UNKNOWN = "zz_unknown"

# a value each documented name is sent with (the route's base request besides), and what it
# needs beside it
VALUES = {
    "q": "the house", "source": "en", "target": "ar", "min": "50", "max": "3",
    "exhaustive": "1", "tm": "a", "prop": "client=acme", "changed_since": "2020-01-01",
    "changed_before": "2100-01-01", "tags": "none", "format": "json", "lang": "en",
    "width": "20", "skip_bad": "1",
}
PATH_VALUES = {"/v1/import": {"format": "tsv"}}  # format is an import's file format there
BODY_VALUES = {
    "texts": ["the house"], "q": "the house", "source": "en", "target": "ar", "min": 50,
    "max": 3, "exhaustive": True, "tm": "a", "props": ["client=acme"],
    "changed_since": "2020-01-01", "tags": "none", "format": "json",
}


def documented():
    """docs/serve.md's /v1/ table: {(method, path): (query names, body keys or None)}"""
    doc = open(os.path.join(SOURCE_DIR, "docs", "serve.md"), encoding="utf-8").read()
    sec = doc[doc.index("## jisr's API: `/v1/`"):]
    sec = sec[:sec.index("\n\n", sec.index("| request |"))]
    routes = {}
    for row in sec.splitlines():
        if not row.startswith("| `"):
            continue
        cell = re.split(r"(?<!\\)\|", row)[1]
        spans = re.findall(r"`([^`]*)`", cell)
        methods = re.findall(r"\b(GET|POST|PUT|DELETE)\b", cell)
        where = next(s for s in spans if "/v1/" in s)
        path = re.search(r"(/v1/[a-z{}/]*)", where).group(1)
        names = set(re.findall(r"[?&\[]([a-z_]+)=", where))
        body = next((s for s in spans if s.startswith("{")), None)
        keys = set(re.findall(r'"([a-z_]+)"', body)) if body else None
        for m in methods:
            routes[(m, path)] = (names, keys)
    return routes


def takes(message):
    """the names a 400's message says the route takes ("… (ROUTE takes a, b: note)")"""
    m = re.search(r" takes ([^:)]*)(?::[^)]*)?\)$", message)
    if not m:
        return None
    return set() if m.group(1) == "none" else set(m.group(1).split(", "))


def message(b):
    try:
        e = json.loads(b)["error"]
        return e["code"], e["message"]
    except Exception:
        return None, ""


def unit_ids(s, word):
    st, h, b = s.request("GET", "/v1/concord?q=%s&lang=en&tm=a&max=100" % word)
    return [x["id"] for x in json.loads(b)["hits"]] if st == 200 else []


class Route:
    """a route's base request (it answers 200) with one name set or added"""

    def __init__(self, s, method, path):
        self.s, self.method, self.path = s, method, path

    def target(self, params):
        return self.path + ("?" + urllib.parse.urlencode(params) if params else "")

    def base_params(self):
        return {
            "/v1/query": {"q": "the house", "source": "en", "target": "ar"},
            "/v1/concord": {"q": "house", "lang": "en"},
            "/v1/import": {"format": "tsv", "source": "en", "target": "ar"},
            "/v1/export": {"source": "en"},
        }.get(self.path, {}) if self.method != "POST" or self.path == "/v1/import" else {}

    def base_body(self):
        if self.path == "/v1/query" and self.method == "POST":
            return {"q": "the house", "source": "en", "target": "ar"}
        if self.path == "/v1/delete":
            return {"ids": [unit_ids(self.s, "delete")[0]]}
        return None

    def send(self, params=None, body=None, auth=True):
        path = self.path
        if "{id}" in path:
            ids = unit_ids(self.s, "delete") if self.method == "DELETE" else [1]
            path = path.replace("{id}", str(ids[0]))
        target = path + ("?" + urllib.parse.urlencode(params) if params else "")
        data = None
        if self.path == "/v1/import":
            data = "delete me %d\tاحذفني\n" % len(target)
            data = data.encode()
        elif body is not None:
            data = json.dumps(body).encode()
        hs = dict(AUTH) if auth else {}
        if data is not None:
            hs["Content-Type"] = "application/json"
        return self.s.request(self.method, target, data, hs)


def check_route(s, method, path, names, keys, accepted):
    r = Route(s, method, path)
    what = "%s %s" % (method, path)
    params = dict(r.base_params())
    params[UNKNOWN] = "1"
    st, h, b = r.send(params, r.base_body())
    code, msg = message(b)
    C.ok("%s?%s=1: 400 naming it" % (what, UNKNOWN),
         st == 400 and code == "bad_request" and "unknown parameter '%s'" % UNKNOWN in msg,
         (st, b[:300]))
    got = takes(msg)
    C.ok("%s: the parameters it says it takes are those documented (%s)"
         % (what, ", ".join(sorted(names)) or "none"), got == names, (got, names, msg))
    accepted[(method, path)] = (got, None)
    for n in sorted(names):
        p = dict(r.base_params())
        p[n] = PATH_VALUES.get(path, {}).get(n, VALUES[n])
        if n == "target":
            p.setdefault("source", "en")
        st, h, b = r.send(p, r.base_body())
        C.ok("%s takes %s=%s: 200" % (what, n, p[n]), st == 200, (st, b[:300]))
    if keys is None:
        return
    body = r.base_body()
    body[UNKNOWN] = 1
    st, h, b = r.send(r.base_params(), body)
    code, msg = message(b)
    C.ok('%s {"%s":1}: 400 naming it' % (what, UNKNOWN),
         st == 400 and code == "bad_request" and 'unknown key "%s"' % UNKNOWN in msg,
         (st, b[:300]))
    got = takes(msg)
    C.ok("%s: the body keys it says it takes are those documented (%s)"
         % (what, ", ".join(sorted(keys))), got == keys, (got, keys, msg))
    accepted[(method, path)] = (accepted[(method, path)][0], got)
    for k in sorted(keys):
        body = r.base_body()
        if k in BODY_VALUES:
            body[k] = BODY_VALUES[k]
        if k == "texts":
            body.pop("q")
        st, h, b = r.send(r.base_params(), body)
        C.ok('%s takes "%s": 200' % (what, k), st == 200, (st, b[:300]))


def page_requests():
    """the page's api(…) calls: [(method, path, query names, body keys)]"""
    js = open(os.path.join(SOURCE_DIR, "serve", "page", "page.js"), encoding="utf-8").read()
    calls = []
    for m in re.finditer(r"\bapi\(", js):
        depth, i = 1, m.end()
        while depth and i < len(js):
            depth += {"(": 1, ")": -1}.get(js[i], 0)
            i += 1
        arg = js[m.end():i - 1]
        lit = re.search(r'"(/v1/[^"]*)"', arg)
        if not lit:
            continue
        path = lit.group(1).split("?")[0]
        path = "/v1/units/{id}" if path.startswith("/v1/units/") else path
        names = set(re.findall(r'[?&]([a-z_]+)=', arg))
        if lit.group(1).endswith("?"):  # "/v1/concord?" + p: p = new URLSearchParams({…})
            var = re.search(r'"\s*\+\s*(\w+)', arg[lit.end() - 1:]).group(1)
            obj = re.search(r"const %s = new URLSearchParams\(\{([^}]*)\}\)" % var, js).group(1)
            names |= set(re.findall(r"(\w+):", obj))
        keys = None
        body = re.search(r"JSON\.stringify\(\{([^}]*)\}\)", arg)
        if body:
            keys = set(re.findall(r"(\w+):", body.group(1)))
        method = "POST" if re.search(r'method:\s*"POST"', arg) else "GET"
        calls.append((method, path, names, keys))
    return calls


def main():
    T = tmpdir("jisr-serve-strict-")
    try:
        pairs = [("the house", "البيت"), ("the big house", "البيت الكبير")]
        pairs += [("delete me %d" % i, "احذفني %d" % i) for i in range(40)]
        make_tsv(os.path.join(T, "a.tsv"), pairs)
        make_tsv(os.path.join(T, "b.tsv"), [("the house is red", "البيت أحمر")])
        run("import", "--tm", os.path.join(T, "a"), "-s", "en", "-t", "ar", "-q",
            os.path.join(T, "a.tsv"))
        run("import", "--tm", os.path.join(T, "b"), "-s", "en", "-t", "ar", "-q",
            os.path.join(T, "b.tsv"))
        with open(os.path.join(T, "token"), "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(os.path.join(T, "token"), 0o600)
        routes = documented()
        C.ok("docs/serve.md documents the /v1/ routes (%d route and method pairs)" % len(routes),
             len(routes) >= 12 and ("GET", "/v1/query") in routes, sorted(routes))
        with Server(T, ["--tm", os.path.join(T, "a"), "--tm", os.path.join(T, "b"),
                        "--token-file", os.path.join(T, "token")]) as s:
            accepted = {}
            for (method, path), (names, keys) in sorted(routes.items()):
                check_route(s, method, path, names, keys, accepted)
            harm(s)
            lenient(s)
            for method, path, names, keys in page_requests():
                q, k = accepted.get((method, path), (None, None))
                C.ok("the page's %s %s sends only parameters it takes (%s)"
                     % (method, path, ", ".join(sorted(names)) or "none"),
                     q is not None and names <= q, (names, q))
                if keys is not None:
                    C.ok("the page's %s %s sends only body keys it takes (%s)"
                         % (method, path, ", ".join(sorted(keys))),
                         k is not None and keys <= k, (keys, k))
            C.ok("the page's requests were found (5 api calls)", len(page_requests()) == 5,
                 page_requests())
    finally:
        shutil.rmtree(T, ignore_errors=True)
    return C.done()


def harm(s):
    """what a misspelt name did before: now nothing but the 400"""
    st, h, b = s.request("GET", "/v1/query?q=the%20house&source=en&target=ar&min_score=100")
    C.ok("GET /v1/query min_score=100: 400 naming it, not the matches from 70",
         st == 400 and "'min_score'" in message(b)[1], (st, b[:300]))
    st, h, b = s.request("POST", "/v1/query", json.dumps(
        {"q": "the house", "source": "en", "target": "ar", "min_score": 100}).encode())
    C.ok('POST /v1/query {"min_score":100}: 400 naming it',
         st == 400 and 'unknown key "min_score"' in message(b)[1], (st, b[:300]))
    st, h, b = s.request("GET", "/v1/query?q=the%20house&source=en&target=ar"
                         "&changed_before=2000-01-01")
    C.ok("GET /v1/query changed_before (an export filter): 400 naming it",
         st == 400 and "'changed_before'" in message(b)[1], (st, b[:300]))
    victim = unit_ids(s, "delete")[0]
    st, h, b = s.request("DELETE", "/v1/units/%d?tmm=b" % victim, None, AUTH)
    st2, _, _ = s.request("GET", "/v1/units/%d" % victim)
    C.ok("DELETE /v1/units/N?tmm=b: 400 naming tmm, unit N of the first memory still there",
         st == 400 and "'tmm'" in message(b)[1] and st2 == 200, (st, b[:300], st2))
    st0, _, b0 = s.request("GET", "/v1/stats?tm=a")
    st, h, b = s.request("POST", "/v1/import?format=tsv&source=en&target=ar&skip-bad=1",
                         "a new unit\tوحدة جديدة\n".encode(), AUTH)
    _, _, b1 = s.request("GET", "/v1/stats?tm=a")
    C.ok("POST /v1/import skip-bad=1: 400 naming it, nothing imported",
         st == 400 and "'skip-bad'" in message(b)[1] and
         json.loads(b0)["units"] == json.loads(b1)["units"], (st, b[:300]))
    st, h, b = s.request("POST", "/v1/import?format=tsv&source=en&target=ar&skip-bad=1",
                         "a new unit\tوحدة جديدة\n".encode())
    C.ok("an unknown parameter of a write without the token: 400 (before the token's 401)",
         st == 400 and "'skip-bad'" in message(b)[1], (st, b[:300]))
    st, h, b = s.request("HEAD", "/v1/query?q=the%20house&source=en&target=ar&min_score=1")
    C.ok("HEAD /v1/query with min_score: 400", st == 400, st)
    # a parameter given twice: only prop repeats (a second min= was ignored, the first answered)
    st, h, b = s.request("GET", "/v1/query?q=the%20house&source=en&target=ar&min=100&min=30")
    C.ok("GET /v1/query min=100&min=30: 400 'given twice', not the matches from 100",
         st == 400 and "'min' given twice" in message(b)[1], (st, b[:300]))
    st, h, b = s.request("GET", "/v1/export?tm=a&tm=b")
    C.ok("GET /v1/export tm=a&tm=b: 400 'given twice'",
         st == 400 and "'tm' given twice" in message(b)[1], (st, b[:300]))
    st, h, b = s.request("GET", "/v1/query?q=the%20house&source=en&target=ar"
                         "&prop=x-a=1&prop=x-a=2")
    C.ok("GET /v1/query with prop twice: taken (prop repeats)", st == 200, (st, b[:300]))


def lenient(s):
    """the routes of other clients take what they are sent"""
    st, h, b = s.request("GET", "/tmserver/en/ar/unit/the%20house?min_similarity=70&foo=1"
                         "&max_candidates=3&project=x")
    C.ok("tmserver lookup with extra parameters: 200 with the match",
         st == 200 and any(m["target"] == "البيت" for m in json.loads(b)), (st, b[:300]))
    st, h, b = s.request("GET", "/api/v1/en/ar/unit/?source=the%20house&foo=1")
    C.ok("/api/v1/ lookup with extra parameters: 200", st == 200 and json.loads(b), (st, b[:300]))
    st, h, b = s.request("GET", "/tmserver/languages/?foo=1")
    C.ok("tmserver languages/ with an extra parameter: 200", st == 200, (st, b[:300]))
    st, h, b = s.request("PUT", "/tmserver/en/ar/unit/a%20red%20door", json.dumps(
        {"source": "a red door", "target": "باب أحمر", "context": "", "extra": 1}).encode(),
        dict(AUTH, **{"Content-Type": "application/json"}))
    C.ok("tmserver unit write with an extra body key: 200", st == 200, (st, b[:300]))
    st, h, b = s.request("GET", "/?lang=ar&utm_source=x")
    C.ok("the page with parameters: 200", st == 200 and b"<html" in b, (st, b[:100]))
    st, h, b = s.request("GET", "/page.js?v=2")
    C.ok("the page's script with a parameter: 200", st == 200, st)
    st, h, b = s.request("OPTIONS", "/v1/query?q=x&%s=1" % UNKNOWN,
                         headers={"Origin": "http://localhost",
                                  "Access-Control-Request-Method": "GET"})
    C.ok("a CORS preflight of a target with an unknown parameter: 204 (the request gets the 400)",
         st == 204, (st, b[:200]))


if __name__ == "__main__":
    try:
        code = main()
    except Exception:
        import traceback
        traceback.print_exc()
        code = 1
    sys.exit(code)
