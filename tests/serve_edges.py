#!/usr/bin/python3
"""serve_edges.py — `jisr serve` where an exploratory test found it wrong, on a real server on a
loopback port (port 0 and --ready-file, as every serve test):

  - /v1/concord over every memory served (each hit naming its memory), ?tm= one of them, the
    total hit limit over all of them;
  - JSONL imports without languages, on the server (/v1/import) and the CLI (jisr import): an
    error naming the line, never units stored under "und";
  - a tmserver unit or store whose units are all skipped says so ("skipped");
  - the token file: a first line of any length up to 4096 bytes taken whole (never a prefix),
    a longer one, a blank first line and a directory refused at start with their reason;
  - POST /v1/query beyond its time: the configured limit in the message;
  - "diff_ops", the word diff as runs, right where the stored text holds "[-" and "{+" itself,
    and for markup pasted into a query against a stored text with <bpt>/<ept>: the runs give
    back the query and the stored text exactly, no empty run;
  - a text longer than 1,000 characters: cut, and said (X-Jisr-Text-Cut, "text_cut" per
    text), never 100 ("identical") for its first 1,000 characters (/v1/query GET and POST, the
    tmserver route), nothing at a minimum of 100; a concordance phrase cut says it too;
  - the protocol: Transfer-Encoding other than chunked (501 at once), the absolute form of a
    request target (its host checked as Host is), a tmserver text with more slashes than the
    path has segments, source = target on /v1/query and /v1/export (400), and the messages of
    a format not imported, a changed_since that is not a date and a --listen host name;
    the export's header in BCP 47 case; a body in a Content-Encoding (gzip): 415 naming it.
"""
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import (JISR, Checks, Server, make_tsv, run, tmpdir,  # noqa: E402
                          weblate_quote)

C = Checks()
T = tmpdir("jisr-serve-edges-")
TOKEN = "edge-token-5d1c0e7a92b4f3816c2d"
WDIFF = "wdiff shows [-removed-] and {+added+} words"


def token_file(name, text, mode=0o600):
    p = os.path.join(T, name)
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)
    return p


def serve_exit(*args):
    """`jisr serve ARGS` that is to stop at start: (status, stderr); one still running after 20
    s (it started after all) is stopped and reported as status None."""
    p = subprocess.Popen([JISR, "serve"] + list(args), stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    try:
        _, err = p.communicate(timeout=20)
        return p.returncode, err
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        return None, err


def raw(srv, data, timeout=10):
    """Raw bytes on a fresh connection: (seconds, status line, whole answer)."""
    s = socket.create_connection((srv.host, srv.port), timeout=timeout)
    t0 = time.time()
    out = b""
    try:
        s.sendall(data)
        while True:
            k = s.recv(65536)
            if not k:
                break
            out += k
    except (socket.timeout, ConnectionResetError):
        pass
    finally:
        s.close()
    return time.time() - t0, out.split(b"\r\n", 1)[0], out


def main():
    ma, mb = os.path.join(T, "ma"), os.path.join(T, "mb")
    make_tsv(os.path.join(T, "a.tsv"), [("البيت الكبير", "the big house"),
                                        ("القطة البيضاء", "the white cat"),
                                        ("نص", WDIFF), ("البيت أحمر", "the house is red")])
    make_tsv(os.path.join(T, "b.tsv"), [("القطة السوداء تنام", "the black cat sleeps"),
                                        ("القطة الرمادية", "the grey cat")])
    run("import", "--tm", ma, "-s", "ar", "-t", "en", "-q", os.path.join(T, "a.tsv"))
    run("import", "--tm", mb, "-s", "ar", "-t", "en", "-q", os.path.join(T, "b.tsv"))
    tok = token_file("token", TOKEN + "\n")
    auth = {"Authorization": "Bearer " + TOKEN}
    with Server(T, ["--tm", ma, "--tm", mb + ":10", "--token-file", tok]) as s:
        concordance(s)
        diff_ops(s)
        protocol(s)
        skipped(s, auth)
        jsonl_server(s, auth)
        new_language(s, mb)
    cut_and_markup()
    jsonl_cli()
    token_files()
    query_timeout()
    concord_timeout()
    listen_message()
    shutil.rmtree(T, ignore_errors=True)
    return C.done()


def concordance(s):
    q = lambda **kw: s.get_json("/v1/concord?" + urllib.parse.urlencode(kw))  # noqa: E731
    st, v = q(q="black cat", lang="en")
    C.ok("concord: a phrase only the second memory holds is found there, named",
         st == 200 and [(h["text"], h.get("memory")) for h in v["hits"]] ==
         [("the black cat sleeps", "mb")] and v["truncated"] is False, v)
    st, v = q(q="cat", lang="en")
    C.ok("concord: every memory's hits, the memories in order, each in id order",
         st == 200 and [(h.get("memory"), h["text"]) for h in v["hits"]] ==
         [("ma", "the white cat"), ("mb", "the black cat sleeps"), ("mb", "the grey cat")], v)
    st, v = q(q="cat", lang="en", max=2)
    C.ok("concord: max is the total over the memories, truncated said",
         st == 200 and len(v["hits"]) == 2 and v["truncated"] is True, v)
    st, v = q(q="cat", lang="en", max=3)
    C.ok("concord: max equal to the hits: not truncated",
         st == 200 and len(v["hits"]) == 3 and v["truncated"] is False, v)
    st, v = q(q="black cat", lang="en", tm="ma")
    C.ok("concord ?tm=ma: that memory only", st == 200 and v["hits"] == [], v)
    st, v = q(q="black cat", lang="en", tm="1")
    C.ok("concord ?tm=1: the second memory",
         st == 200 and [h.get("memory") for h in v["hits"]] == ["mb"], v)


def diff_ops(s):
    def query(text, mn=30, source=None):
        st, v = s.get_json("/v1/query?" + urllib.parse.urlencode(
            {"q": text, "source": "en", "target": "ar", "min": mn, "tm": "ma", "max": 10}))
        ms = [m for m in v.get("matches", []) if source in (None, m["source"])]
        return st, ms[0] if ms else v
    st, m = query(WDIFF, 100)
    C.ok("diff_ops: a stored text holding [-…-] and {+…+} is text, not a diff",
         st == 200 and m["score"] == 100 and m.get("diff_ops") == [["=", WDIFF]] and
         m["diff"] == WDIFF, m)
    st, m = query("the big house is blue", source="the house is red")
    C.ok("diff_ops: deletions, insertions and equal runs (the old diff string kept)",
         st == 200 and m.get("diff_ops") == [["=", "the "], ["-", "big"], ["=", " house is "],
                                         ["-", "blue"], ["+", "red"]] and
         m["diff"] == "the [-big-] house is [-blue-]{+red+}", m)
    st, m = query("wdiff shows and words", source=WDIFF)
    ins = "".join(t for op, t in m.get("diff_ops", []) if op != "-")
    C.ok("diff_ops: the stored text's markers inside an insertion stay its text",
         st == 200 and ins == WDIFF and ["+", "[-removed-]"] in m.get("diff_ops"), m)


LONG = ("The committee reviewed the report on the implementation of the programme and noted the "
        "progress made in the areas of education, health and water. " * 7)[:1000]
REVERSED = LONG + " However, the committee rejected the report and decided not to continue."
TAGGED_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t"
 adminlang="en" srclang="en" datatype="html"/><body>
<tu><tuv xml:lang="en"><seg>Click <bpt i="1" x="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> to keep your changes.</seg></tuv>
<tuv xml:lang="ar"><seg>انقر <bpt i="1" x="1">&lt;b&gt;</bpt>حفظ<ept i="1">&lt;/b&gt;</ept> للاحتفاظ بتغييراتك.</seg></tuv></tu>
</body></tmx>
"""


def cut_and_markup():
    mem = os.path.join(T, "mcut")
    make_tsv(os.path.join(T, "cut.tsv"), [(LONG, "استعرضت اللجنة التقرير المتعلق بتنفيذ البرنامج."),
                                          ("a short sentence here", "جملة قصيرة هنا")])
    with open(os.path.join(T, "tagged.tmx"), "w", encoding="utf-8") as f:
        f.write(TAGGED_TMX)
    run("import", "--tm", mem, "-s", "en", "-t", "ar", "-q", os.path.join(T, "cut.tsv"))
    run("import", "--tm", mem, "-q", os.path.join(T, "tagged.tmx"))
    _, cli, _ = run("query", "--tm", mem, "-s", "en", "-t", "ar", "--format", "json", REVERSED)
    with Server(T, ["--tm", mem], "cut") as s:
        def get(text, **kw):
            kw.update(q=text, source="en", target="ar")
            st, h, b = s.request("GET", "/v1/query?" + urllib.parse.urlencode(kw))
            return st, h, json.loads(b)
        st, h, v = get(REVERSED)
        scores = [m["score"] for m in v.get("matches", [])]
        C.ok("GET /v1/query, 1,086 characters: X-Jisr-Text-Cut: 1000 and \"text_cut\": 1000",
             st == 200 and h.get("x-jisr-text-cut") == "1000" and v.get("text_cut") == 1000 and
             len(v["query"]) == 1000, (st, h.get("x-jisr-text-cut"), v.get("text_cut")))
        C.ok("GET /v1/query, a text cut: its first 1,000 characters' twin is 99, not 100 "
             "(the CLI, which does not cut: %s)" % [m["score"] for m in json.loads(cli)["matches"]],
             scores == [99], scores)
        st, h, v = get(REVERSED, min=100)
        C.ok("GET /v1/query, a text cut, min=100: nothing is identical to it",
             st == 200 and v["matches"] == [] and h.get("x-jisr-text-cut") == "1000", (st, v))
        st, h, v = get(LONG)
        C.ok("GET /v1/query, 1,000 characters: not cut, 100, no header or field",
             st == 200 and "x-jisr-text-cut" not in h and "text_cut" not in v and
             [m["score"] for m in v["matches"]] == [100], (h.get("x-jisr-text-cut"), v.get("text_cut")))
        body = json.dumps({"texts": ["a short sentence here", REVERSED], "source": "en",
                           "target": "ar"}).encode()
        st, h, b = s.request("POST", "/v1/query", body, {"Content-Type": "application/json"})
        r = json.loads(b).get("results", [{}, {}])
        C.ok("POST /v1/query: the header, and \"text_cut\" on the text cut only",
             st == 200 and h.get("x-jisr-text-cut") == "1000" and "text_cut" not in r[0] and
             r[1].get("text_cut") == 1000 and [m["score"] for m in r[0]["matches"]] == [100] and
             [m["score"] for m in r[1]["matches"]] == [99], (st, h.get("x-jisr-text-cut"), b[:300]))
        st, h, b = s.request("GET", "/tmserver/en/ar/unit/?" +
                             urllib.parse.urlencode({"source": REVERSED}))
        C.ok("tmserver, a text cut: X-Jisr-Text-Cut and quality 99, not 100",
             st == 200 and h.get("x-jisr-text-cut") == "1000" and
             [m["quality"] for m in json.loads(b)] == [99], (st, b[:200]))
        st, h, b = s.request("GET", "/tmserver/en/ar/unit/?" + urllib.parse.urlencode(
            {"source": REVERSED, "min_similarity": 100}))
        C.ok("tmserver, a text cut, min_similarity=100: []", st == 200 and json.loads(b) == [], b)
        st, h, b = s.request("GET", "/v1/concord?" + urllib.parse.urlencode(
            {"q": "word " * 250, "lang": "en"}))
        C.ok("concord, a phrase of 1,250 characters: cut, and said",
             st == 200 and h.get("x-jisr-text-cut") == "1000" and
             len(json.loads(b)["phrase"]) == 1000, (st, h.get("x-jisr-text-cut")))

        # markup pasted into the query; the unit stored with <bpt>/<ept>
        for q in ("Click <b>Save</b> to keep your changes.", "Click<b>Save</b> to keep your changes."):
            st, h, v = get(q, min=0)
            ops = v["matches"][0].get("diff_ops", []) if st == 200 and v["matches"] else []
            query_side = "".join(t for op, t in ops if op != "+")
            stored_side = "".join(t for op, t in ops if op != "-")
            C.ok("diff_ops of %r against a stored <bpt>/<ept>: the query and the stored text "
                 "exactly, no empty run" % q,
                 ops and query_side == q and stored_side == "Click Save to keep your changes." and
                 all(t for _, t in ops), ops)


def protocol(s):
    t, line, out = raw(s, b"POST /v1/query HTTP/1.1\r\nHost: localhost\r\n"
                          b"Transfer-Encoding: gzip, chunked\r\n\r\n")
    C.ok("Transfer-Encoding gzip, chunked: 501 at once",
         line.startswith(b"HTTP/1.1 501") and t < 5 and b"Transfer-Encoding" in out, (t, out))
    # request smuggling (RFC 9112 6.3): two readings of where the body ends are a 400, and the
    # connection closes, so that what follows is never read as a second request
    for name, framing in (("two Content-Length", b"Content-Length: 2\r\nContent-Length: 48\r\n"),
                          ("Content-Length and chunked",
                           b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n")):
        t, line, out = raw(s, b"POST /v1/query HTTP/1.1\r\nHost: localhost\r\n" + framing +
                           b"\r\n{}GET /v1/stats HTTP/1.1\r\nHost: localhost\r\n\r\n", timeout=8)
        C.ok("%s: 400, the connection closed, the smuggled request not served" % name,
             line.startswith(b"HTTP/1.1 400") and out.count(b"HTTP/1.1 ") == 1 and
             b'"units"' not in out and t < 7, (t, out[:600]))
    _, line, out = raw(s, b"GET http://localhost/v1/ HTTP/1.1\r\nHost: localhost\r\n"
                          b"Connection: close\r\n\r\n")
    C.ok("absolute-form target: taken (its path)",
         line.startswith(b"HTTP/1.1 200") and b'"name":"jisr"' in out, out[:300])
    _, line, out = raw(s, ("GET http://127.0.0.1:%d/v1/query?q=the%%20big%%20house&source=en&"
                           "target=ar HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" %
                           s.port).encode())
    C.ok("absolute-form target with a port and a query",
         line.startswith(b"HTTP/1.1 200") and b'"score":100' in out, out[:300])
    _, line, out = raw(s, b"GET http://evil.example/v1/ HTTP/1.1\r\nHost: localhost\r\n"
                          b"Connection: close\r\n\r\n")
    C.ok("absolute-form target naming another host: 421 (Host ignored, RFC 9112 3.2.2)",
         line.startswith(b"HTTP/1.1 421"), out[:300])
    _, line, _ = raw(s, b"GET ftp://localhost/v1/ HTTP/1.1\r\nHost: localhost\r\n"
                        b"Connection: close\r\n\r\n")
    C.ok("absolute-form target of another scheme: 400", line.startswith(b"HTTP/1.1 400"), line)
    text = "the big house" + "/x" * 70
    st, h, b = s.request("GET", "/tmserver/en/ar/unit/%s%s?min_similarity=0" %
                         (weblate_quote("the big house"), "/x" * 70))
    C.ok("tmserver: 70 unencoded slashes are the text's (not 'too many path segments')",
         st == 200 and isinstance(json.loads(b), list), (st, b[:200], len(text)))
    for q in ("q=x&source=en&target=en", "q=x&source=en&target=en_US",
              "q=x&source=en_us&target=en"):
        st, v = s.get_json("/v1/query?" + q)
        C.ok("/v1/query %s: 400 naming the problem" % q,
             st == 400 and "same language" in v["error"]["message"], v)
    st, h, b = s.request("GET", "/v1/export?source=en&target=en")
    C.ok("/v1/export source=target: 400", st == 400 and b"language pair" in b, (st, b[:200]))
    st, h, b = s.request("GET", "/v1/export?source=ar_EG")
    C.ok("/v1/export: the header's srclang in BCP 47 case",
         st == 200 and b'srclang="ar-EG"' in b, b[:400])
    st, v = s.get_json("/v1/query?q=x&source=en&target=ar&changed_since=yesterday")
    C.ok("changed_since: the message lists ISO 8601 with a zone",
         st == 400 and "ISO 8601" in v["error"]["message"] and "+02:00" in v["error"]["message"],
         v)
    st, h, b = s.request("POST", "/v1/import?format=xliff", b"<xliff/>",
                         {"Authorization": "Bearer " + TOKEN})
    C.ok("/v1/import?format=xliff: 415 saying which formats are taken",
         st == 415 and b"format=xliff" in b and b"TMX, TSV or JSONL" in b, b)
    # a body in a content coding: until session 36 read as it came, a gzipped TMX was a 422 "no
    # <tmx> root element: empty or not XML"; now 415 naming the coding, Accept-Encoding: identity,
    # nothing stored. "identity" is no coding: taken
    tmx = ('<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body><tu>'
           '<tuv xml:lang="en"><seg>gzip sent</seg></tuv><tuv xml:lang="ar"><seg>مضغوط</seg>'
           '</tuv></tu></body></tmx>').encode()
    before = s.get_json("/v1/stats?tm=ma")[1]["units"]
    st, h, b = s.request("POST", "/v1/import?format=tmx", gzip.compress(tmx),
                         {"Authorization": "Bearer " + TOKEN, "Content-Encoding": "gzip"})
    C.ok("/v1/import with Content-Encoding: gzip: 415 naming it, Accept-Encoding: identity",
         st == 415 and b"Content-Encoding 'gzip' is not supported" in b and
         h.get("accept-encoding") == "identity", (st, b[:300], h))
    st, h, b = s.request("POST", "/v1/query", gzip.compress(b'{"q":"the big house","source":"en",'
                                                            b'"target":"ar"}'),
                         {"Content-Encoding": "gzip"})
    C.ok("POST /v1/query with Content-Encoding: gzip: 415 (not 'not JSON')",
         st == 415 and b"Content-Encoding" in b, (st, b[:300]))
    st, h, b = s.request("POST", "/v1/import?format=tmx", tmx,
                         {"Authorization": "Bearer " + TOKEN, "Content-Encoding": " Identity"})
    after = s.get_json("/v1/stats?tm=ma")[1]["units"]
    C.ok("Content-Encoding: identity: taken; the gzipped import stored nothing",
         st == 200 and json.loads(b)["added"] == 1 and after == before + 1, (st, b[:300], before,
                                                                             after))


def new_language(s, mem):
    """A language another process imports while the server runs is known at once (the cached
    list of languages is read again on a miss), not a 404 for up to a second."""
    st, _ = s.get_json("/tmserver/languages/")
    make_tsv(os.path.join(T, "sv.tsv"), [("Hej världen", "مرحبا يا عالم")])
    run("import", "--tm", mem, "-s", "sv", "-t", "ar", "-q", os.path.join(T, "sv.tsv"))
    t0 = time.time()
    while True:  # (the old cache answered 404 for up to a second after the list was read)
        time.sleep(0.06)
        st, v = s.get_json("/tmserver/sv/ar/unit/" + weblate_quote("Hej världen"))
        if st == 200 or time.time() - t0 > 0.5:
            break
    C.ok("a language imported by another process: answered at once (not a 404)",
         st == 200 and v and v[0]["source"] == "Hej världen", (st, v, time.time() - t0))


def skipped(s, auth):
    st, h, b = s.request("PUT", "/tmserver/en/ar/unit/%20%20",
                         json.dumps({"source": "   ", "target": "x"}).encode(), auth)
    C.ok("tmserver unit of spaces: skipped 1",
         st == 200 and json.loads(b) == {"added": 0, "merged": 0, "skipped": 1}, b)
    st, h, b = s.request("POST", "/tmserver/en/ar/store/",
                         json.dumps([{"source": " ", "target": "x"},
                                     {"source": "\t", "target": "y"}]).encode(), auth)
    C.ok("tmserver store of units all skipped: skipped 2",
         st == 200 and json.loads(b) == {"added": 0, "merged": 0, "skipped": 2}, b)
    st, h, b = s.request("POST", "/tmserver/en/ar/store/",
                         json.dumps([{"source": "a fresh unit", "target": "وحدة جديدة"},
                                     {"source": " ", "target": "x"}]).encode(), auth)
    C.ok("tmserver store: added and skipped counted together",
         st == 200 and json.loads(b) == {"added": 1, "merged": 0, "skipped": 1}, b)
    # an import's warnings (what jisr import prints and goes on: a <bpt> without its <ept>, a
    # date it cannot read) are in the reply, with their positions
    tmx = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
           'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" '
           'datatype="plaintext"/><body>\n<tu creationdate="yesterday"><tuv xml:lang="en"><seg>'
           'a <bpt i="1">&lt;b&gt;</bpt>warned unit</seg></tuv><tuv xml:lang="ar"><seg>وحدة '
           'منبهة</seg></tuv></tu>\n</body></tmx>\n').encode()
    st, h, b = s.request("POST", "/v1/import?format=tmx", tmx, auth)
    v = json.loads(b) if st == 200 else {}
    C.ok("/v1/import: the reader's warnings in the reply, with line and column",
         st == 200 and v.get("added") == 1 and v.get("warning_count", 0) >= 2 and
         len(v["warnings"]) == v["warning_count"] and
         all(w["line"] == 3 and w["message"] for w in v["warnings"]), (st, b[:600]))


def jsonl_server(s, auth):
    def imp(body, q=""):
        st, h, b = s.request("POST", "/v1/import?format=jsonl" + q, body.encode(), auth)
        return st, json.loads(b)
    st, v = imp('{"source":"hello world","target":"مرحبا بالعالم"}\n')
    C.ok("/v1/import JSONL without languages: refused, naming the line",
         st == 422 and ":1:" in v["error"]["message"] and
         "srclang" in v["error"]["message"], (st, v))
    st, v = imp('{"source":"a","target":"ب","srclang":"en","tgtlang":"ar"}\n'
                '{"source":"hello there","target":"أهلا"}\n')
    C.ok("/v1/import JSONL: a line without languages among lines with them: that line",
         st == 422 and ":2:" in v["error"]["message"], (st, v))
    st, v = imp('{"source":"x","target":"س","srclang":"en"}\n')
    C.ok("/v1/import JSONL: a line with only srclang: no target language",
         st == 422 and "tgtlang" in v["error"]["message"], (st, v))
    st, langs = s.get_json("/tmserver/languages/")
    C.ok("no unit stored under 'und'", "und" not in langs["sourceLanguages"], langs)
    st, v = imp('{"source":"good evening","target":"مساء الخير"}\n', "&source=en&target=ar")
    C.ok("/v1/import JSONL with source= and target=: imported", st == 200 and v["added"] == 1, v)
    st, v = imp('{"source":"good night","target":"تصبح على خير","srclang":"en","tgtlang":"ar"}\n')
    C.ok("/v1/import JSONL whose lines give the languages: imported",
         st == 200 and v["added"] == 1, v)
    st, v = imp('{"source":"bad","target":"x"}\n{"source":"fine","target":"جيد",'
                '"srclang":"en","tgtlang":"ar"}\n', "&skip_bad=1")
    C.ok("/v1/import JSONL skip_bad=1: the line without languages reported, the rest kept",
         st == 200 and v["added"] == 1 and v["bad_count"] == 1 and v["bad"][0]["line"] == 1 and
         v["skipped"] == 1, v)
    # a unit the memory refuses (a language tag over 63 bytes), not the reader: counted once
    long_tag = "en-" + "-".join(["abcdefgh"] * 8)
    st, v = imp('{"source":"odd","target":"غريب","srclang":"%s","tgtlang":"ar"}\n'
                '{"source":"fine again","target":"جيد مرة أخرى","srclang":"en","tgtlang":"ar"}\n'
                % long_tag, "&skip_bad=1")
    C.ok("/v1/import skip_bad=1: a unit the memory refuses is skipped once (skipped 1, bad 1)",
         st == 200 and v["added"] == 1 and v["bad_count"] == 1 and v["skipped"] == 1, v)


def jsonl_cli():
    p = os.path.join(T, "x.jsonl")
    with open(p, "w", encoding="utf-8") as f:
        f.write('{"source":"a","target":"b"}\n')
    m = os.path.join(T, "cli")
    code, _, err = run("import", "--tm", m, "-q", p, check=False)
    C.ok("jisr import x.jsonl without languages: an error naming FILE:LINE",
         code != 0 and "x.jsonl:1:" in err and "srclang" in err, (code, err))
    with open(p, "w", encoding="utf-8") as f:
        f.write('{"source":"a b","target":"أ ب","srclang":"en","tgtlang":"ar"}\n'
                '{"source":"c d","target":"ج د"}\n')
    code, _, err = run("import", "--tm", m, "-q", p, check=False)
    C.ok("jisr import: the line without languages named (line 2)",
         code != 0 and "x.jsonl:2:" in err, (code, err))
    code, _, err = run("import", "--tm", m, "-q", "-s", "en", "-t", "ar", p, check=False)
    _, out, _ = run("stats", "--tm", m, "--json")
    langs = json.loads(out).get("languages", {})
    C.ok("jisr import -s -t x.jsonl: imported under those languages",
         code == 0 and "und" not in langs and len(langs) == 2, (code, err, out))


def token_files():
    long_tok = "L" * 2000
    p = token_file("long", long_tok + "\n")
    with Server(T, ["--tm", os.path.join(T, "ma"), "--token-file", p], "long") as s:
        body = json.dumps({"source": "long token", "target": "رمز طويل"}).encode()
        st1, _, _ = s.request("PUT", "/tmserver/en/ar/unit/x", body,
                              {"Authorization": "Bearer " + long_tok[:1023]})
        st2, _, _ = s.request("PUT", "/tmserver/en/ar/unit/x", body,
                              {"Authorization": "Bearer " + long_tok})
        C.ok("a 2000-character token: taken whole, its 1023-character prefix refused",
             st1 == 401 and st2 == 200, (st1, st2))
    for name, text, want in (("huge", "H" * 5000 + "\n", "longer than 4096"),
                             ("blank", "\n" + TOKEN + "\n", "first line is blank"),
                             ("spaces", "   \n", "first line is blank"),
                             ("empty", "", "empty")):
        p = token_file(name, text)
        code, err = serve_exit("--tm", os.path.join(T, "ma"), "--listen", "127.0.0.1:0",
                               "--token-file", p)
        C.ok("token file %s: exit 1 saying %r" % (name, want), code == 1 and want in err,
             (code, err))
    d = os.path.join(T, "tokdir")
    os.mkdir(d, 0o700)
    code, err = serve_exit("--tm", os.path.join(T, "ma"), "--listen", "127.0.0.1:0",
                           "--token-file", d)
    C.ok("a directory as --token-file: said so", code == 1 and "is a directory" in err and
         "other users" not in err, (code, err))


def query_timeout():
    # a memory large enough that exhaustive queries take more than 1 ms each
    big = os.path.join(T, "big")
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    make_tsv(os.path.join(T, "big.tsv"),
             [(" ".join(words[(i * k) % 10] for k in range(1, 9)) + " %d" % i,
               "نص %d" % i) for i in range(3000)])
    run("import", "--tm", big, "-s", "en", "-t", "ar", "-q", os.path.join(T, "big.tsv"))
    with Server(T, ["--tm", big, "--query-timeout", "20"], "timeout") as s:
        body = json.dumps({"texts": ["alpha beta gamma delta epsilon zeta %d" % i
                                     for i in range(200)],
                           "source": "en", "target": "ar", "exhaustive": True, "min": 0}).encode()
        st, h, b = s.request("POST", "/v1/query", body, {"Content-Type": "application/json"})
        v = json.loads(b)
        C.ok("POST /v1/query beyond its time: 503 naming the configured limit",
             st == 503 and "the limit of 20 ms (--query-timeout)" in v["error"]["message"],
             (st, b[:300]))


def concord_timeout():
    # a concordance search is bounded by --query-timeout too: "valley the" never occurs, and
    # every unit holds "valley", so the search reads every unit (it had no limit at all)
    mem = os.path.join(T, "concord")
    make_tsv(os.path.join(T, "concord.tsv"),
             [("the river %d crosses the valley %d near the bridge" % (i, 7 * i), "النهر %d" % i)
              for i in range(40000)])
    run("import", "--tm", mem, "-s", "en", "-t", "ar", "-q", os.path.join(T, "concord.tsv"))
    with Server(T, ["--tm", mem, "--query-timeout", "10"], "concord-timeout") as s:
        st, h, b = s.request("GET", "/v1/concord?lang=en&q=valley%20the")
        v = json.loads(b)
        C.ok("GET /v1/concord beyond its time: 503 naming the configured limit",
             st == 503 and "concordance search took longer than the limit of 10 ms "
             "(--query-timeout)" in v["error"]["message"], (st, b[:300]))
    with Server(T, ["--tm", mem], "concord-in-time") as s:  # the default limit, 5 s
        st, h, b = s.request("GET", "/v1/concord?lang=en&q=crosses%20the%20valley&max=5")
        v = json.loads(b) if st == 200 else {}
        C.ok("GET /v1/concord within its time: 200, 5 hits, truncated",
             st == 200 and len(v.get("hits", [])) == 5 and v.get("truncated") is True,
             (st, b[:300]))


def listen_message():
    code, err = serve_exit("--tm", os.path.join(T, "ma"), "--listen", "myhost:23407")
    C.ok("--listen myhost:PORT: says only IP literals and localhost are taken",
         code == 1 and "localhost" in err and "IP" in err, (code, err))


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(T, ignore_errors=True)
