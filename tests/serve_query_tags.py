#!/usr/bin/python3
"""serve_query_tags.py — `/v1/query` with `jisr query`'s --tags and --format on a real server on a
loopback port, against a real LMDB memory of units with inline tags (bpt/ept, ph, {N}) and one {0} as text.

  - tags=tmx and tags=braces, Arabic and English queries, GET and POST: the JSON equals `jisr
    query --tags … --json` on the same memory with the same options (every field, the tagged
    texts, unmapped and missing tags; only the server's "diff" and "diff_ops" are extra);
  - format=tmx: byte for byte `jisr query --format tmx` (GET one text, POST several), served as
    application/x-tmx+xml, valid against the TMX 1.4 DTD (xmllint, warnings counted as failures);
    format=text: `jisr query`'s text;
  - a plain query's codes against the unit's <ph> placeholders, through a tmserver route;
  - malformed markup: 400 with the JSON error naming the text and the column; bad tags=/format=
    values: 400; a tagged text of more than 1,000 characters besides its tags: 400 (never cut
    inside a tag), the same text plain: cut as before, 200.
"""
import json
import os
import shutil
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import Checks, Server, run, tmpdir, weblate_quote  # noqa: E402

C = Checks()
T = tmpdir("jisr-serve-tags-")
DTD = os.path.join(os.environ.get("JISR_TEST_DATA", ""), "formats", "tmx14.dtd")

UNITS = [
    ('Click <bpt i="1">&lt;b&gt;</bpt>here<ept i="1">&lt;/b&gt;</ept> to open the file',
     'انقر <bpt i="1">&lt;b&gt;</bpt>هنا<ept i="1">&lt;/b&gt;</ept> لفتح الملف'),
    ('Page <ph x="1">{0}</ph> of <ph x="2">{1}</ph>',
     'الصفحة <ph x="1">{0}</ph> من <ph x="2">{1}</ph>'),
    ('Save <ph x="1">&lt;br/&gt;</ph>the document now',
     'احفظ <ph x="1">&lt;br/&gt;</ph>المستند الآن'),
    ('Press <bpt i="1">&lt;kbd&gt;</bpt>Enter<ept i="1">&lt;/kbd&gt;</ept> to confirm the '
     '<ph x="2">&lt;img/&gt;</ph>change',
     'اضغط <bpt i="1">&lt;kbd&gt;</bpt>Enter<ept i="1">&lt;/kbd&gt;</ept> لتأكيد '
     '<ph x="2">&lt;img/&gt;</ph>التغيير'),
    ("Open the settings window", "افتح نافذة الإعدادات"),
    ("Delete {0} files", "حذف {0} من الملفات"),  # the placeholder as text, as from PO
]

# (source, target, tags, texts): Arabic and English queries, tags mapped, missing, extra
QUERIES = [
    ("en", "ar", "tmx", [
        'Click <bpt i="3">&lt;i&gt;</bpt>here<ept i="3">&lt;/i&gt;</ept> to open the file',
        "Click here to open the file",
        'Save <ph x="9">&lt;br/&gt;</ph>the document today',
        'Press <bpt i="5">&lt;kbd&gt;</bpt>Esc<ept i="5">&lt;/kbd&gt;</ept> to confirm the change',
        'Open the <ph x="1">&lt;b/&gt;</ph>settings window &amp; more',
    ]),
    ("ar", "en", "tmx", [
        'انقر <bpt i="2">&lt;u&gt;</bpt>هنا<ept i="2">&lt;/u&gt;</ept> لفتح الملف',
        'احفظ <ph x="4">&lt;br/&gt;</ph>المستند',
        'اضغط <bpt i="1">&lt;kbd&gt;</bpt>Enter<ept i="1">&lt;/kbd&gt;</ept> لتأكيد التغيير',
        "افتح نافذة الإعدادات",
    ]),
    ("en", "ar", "braces", ["Page {0} of {1}", "Page {1} of {0} now", "Click {0}here{1} to open the file",
                            "Delete {1} files"]),
    ("ar", "en", "braces", ["الصفحة {0} من {1}", "احفظ {0}المستند الآن"]),
]
MIN = 40


def err_shape(body):
    try:
        e = json.loads(body)["error"]
        return isinstance(e["code"], str) and isinstance(e["message"], str) and e["message"]
    except Exception:
        return False


def cli(mem, sl, tl, tags, texts, fmt):
    args = ["query", "--tm", mem, "-s", sl, "-t", tl, "--min", str(MIN), "--tags", tags,
            "--format", fmt]
    return run(*(args + ["--"] + texts))[1]


def no_diff(obj):
    return dict(obj, matches=[{k: v for k, v in m.items() if k not in ("diff", "diff_ops")}
                              for m in obj["matches"]])


def dtd_valid(path):
    """xmllint against the TMX 1.4 DTD, warnings counted as failures (as tests/formats_cli.sh)."""
    p = subprocess.run(["xmllint", "--noout", "--nonet", "--dtdvalid", DTD, path],
                       capture_output=True, text=True)
    return p.returncode == 0 and p.stdout == "" and p.stderr == "", p.stderr[:500]


def main():
    if not os.path.exists(DTD) or not shutil.which("xmllint"):
        print("SKIP: no TMX DTD or no xmllint")
        return 77
    tmx = os.path.join(T, "tags.tmx")
    with open(tmx, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
                'adminlang="en" srclang="en" datatype="plaintext"/><body>\n')
        for en, ar in UNITS:
            f.write('<tu><tuv xml:lang="en"><seg>%s</seg></tuv><tuv xml:lang="ar"><seg>%s</seg>'
                    '</tuv></tu>\n' % (en, ar))
        f.write("</body></tmx>\n")
    mem = os.path.join(T, "tagged")
    run("import", "--tm", mem, "-q", tmx)

    with Server(T, ["--tm", mem]) as s:
        same_json(s, mem)
        same_tmx(s, mem)
        same_text(s, mem)
        errors(s)
        C.ok("SIGTERM: exit status 0", s.stop() == 0)
    shutil.rmtree(T, ignore_errors=True)
    return C.done()


def get(s, params):
    return s.request("GET", "/v1/query?" + urllib.parse.urlencode(params))


def post(s, body):
    return s.request("POST", "/v1/query", json.dumps(body).encode(),
                     {"Content-Type": "application/json"})


def same_json(s, mem):
    for sl, tl, tags, texts in QUERIES:
        want = [json.loads(l) for l in cli(mem, sl, tl, tags, texts, "json").splitlines()]
        C.ok("%s→%s tags=%s: jisr query finds tagged matches" % (sl, tl, tags),
             len(want) == len(texts) and all(w["matches"] for w in want[:2]), want)
        # GET, one text at a time (tm= names the one memory: no "memory" field, as the CLI)
        for text, w in zip(texts, want):
            st, h, b = get(s, {"q": text, "source": sl, "target": tl, "min": MIN, "tags": tags,
                               "tm": "tagged"})
            got = json.loads(b) if st == 200 else None
            C.ok("GET %s→%s tags=%s %r = jisr query --tags %s --json" % (sl, tl, tags, text, tags),
                 st == 200 and no_diff(got) == w, (st, b[:600], w))
        # POST, all texts in one request
        st, h, b = post(s, {"texts": texts, "source": sl, "target": tl, "min": MIN, "tags": tags,
                            "tm": "tagged"})
        got = json.loads(b)["results"] if st == 200 else None
        C.ok("POST %s→%s tags=%s, %d texts = jisr query --json" % (sl, tl, tags, len(texts)),
             st == 200 and [no_diff(g) for g in got] == want, (st, b[:600], want))
    # what the tags do, seen through the server
    st, h, b = get(s, {"q": QUERIES[0][3][0], "source": "en", "target": "ar", "tags": "tmx"})
    m = json.loads(b)["matches"][0]
    C.ok("tags=tmx: the query's tags in target_tagged, score 100",
         m["score"] == 100 and m["target_tagged"] == 'انقر <bpt i="3">&lt;i&gt;</bpt>هنا'
         '<ept i="3">&lt;/i&gt;</ept> لفتح الملف' and m["target"] == "انقر هنا لفتح الملف", m)
    st, h, b = get(s, {"q": QUERIES[0][3][1], "source": "en", "target": "ar", "tags": "tmx"})
    m = json.loads(b)["matches"][0]
    C.ok("tags=tmx, a query without tags: the stored ones reported unmapped and cost points",
         m["score"] < 100 and len(m["unmapped_tags"]) == 2 and m["tag_difference"] == 2 and
         m["target_tagged"] == "انقر هنا لفتح الملف", m)
    st, h, b = get(s, {"q": QUERIES[0][3][1], "source": "en", "target": "ar"})
    m2 = json.loads(b)["matches"][0]
    C.ok("without tags=: a plain query as before (the stored tags kept, none reported unmapped)",
         m2["score"] > m["score"] and "unmapped_tags" not in m2 and
         "<bpt" in m2["target_tagged"], m2)
    st, h, b = get(s, {"q": "Page {0} of {1}", "source": "en", "target": "ar", "tags": "braces"})
    m = json.loads(b)["matches"][0]
    C.ok("tags=braces: {0} {1} carried into the target",
         m["target_tagged"] == 'الصفحة <ph x="0">{0}</ph> من <ph x="1">{1}</ph>', m)
    st, h, b = get(s, {"q": "Page {2} of {1}", "source": "en", "target": "ar", "tags": "braces"})
    m = json.loads(b)["matches"][0]
    C.ok("tags=braces: a {2} tag for the unit's <ph>{0}</ph> costs what {2} for {0} costs as text "
         "(95), the tags paired, the query's in the target",
         m["score"] == 95 and m["source"] == "Page {0} of {1}" and
         m["target_tagged"] == 'الصفحة <ph x="2">{2}</ph> من <ph x="1">{1}</ph>', m)
    st, h, b = get(s, {"q": "Delete {1} files", "source": "en", "target": "ar", "tags": "braces"})
    m = json.loads(b)["matches"][0]
    C.ok("tags=braces: a {1} tag matches the {0} a unit holds as text, a point off, the code "
         "turned back into the query's tag",
         m["score"] == 92 and m["tag_difference"] == 1 and m["stored_target"] == "حذف {0} من الملفات"
         and m["target_tagged"] == 'حذف <ph x="1">{1}</ph> من الملفات', m)
    # the other way round, as a tmserver client asks: plain codes, the unit's {0} {1} as <ph>
    st, h, b = s.request("GET", "/tmserver/en/ar/unit/" + weblate_quote("Page {2} of {1}"))
    res = json.loads(b) if st == 200 else None
    C.ok("tmserver, plain 'Page {2} of {1}': the unit's <ph> placeholders paired with its codes, "
         "a point off each and {2} for {0} what it costs as text (95), the codes in the target",
         st == 200 and res and res[0]["source"] == "Page {0} of {1}" and
         res[0]["target"] == "الصفحة {2} من {1}" and res[0]["quality"] == 93, (st, b[:300]))
    st, h, b = s.request("GET", "/tmserver/en/ar/unit/" + weblate_quote("Page {0} of {1}"))
    res = json.loads(b) if st == 200 else None
    C.ok("tmserver, plain 'Page {0} of {1}': the same codes, a point off each",
         st == 200 and res and res[0]["target"] == "الصفحة {0} من {1}" and
         res[0]["quality"] == 98, (st, b[:300]))


def same_tmx(s, mem):
    for sl, tl, tags, texts in QUERIES:
        want = cli(mem, sl, tl, tags, texts, "tmx").encode()
        st, h, b = post(s, {"texts": texts, "source": sl, "target": tl, "min": MIN, "tags": tags,
                            "format": "tmx", "tm": "tagged"})
        C.ok("POST format=tmx %s→%s tags=%s = jisr query --format tmx (byte for byte)" %
             (sl, tl, tags), st == 200 and b == want, (st, b[:800], want[:800]))
        C.ok("format=tmx: Content-Type application/x-tmx+xml; charset=utf-8, no-store",
             h.get("content-type") == "application/x-tmx+xml; charset=utf-8" and
             h.get("cache-control") == "no-store", h)
        path = os.path.join(T, "q-%s-%s-%s.tmx" % (sl, tl, tags))
        with open(path, "wb") as f:
            f.write(b)
        ok, why = dtd_valid(path)
        C.ok("format=tmx %s→%s tags=%s: valid against the TMX 1.4 DTD" % (sl, tl, tags), ok, why)
        ntu = b.count(b"<tu>")
        nmatch = sum(len(json.loads(l)["matches"])
                     for l in cli(mem, sl, tl, tags, texts, "json").splitlines())
        C.ok("format=tmx %s→%s tags=%s: one <tu> per match (%d)" % (sl, tl, tags, nmatch),
             ntu == nmatch and ntu > 0, (ntu, nmatch))
        text = texts[0]
        st, h, b = get(s, {"q": text, "source": sl, "target": tl, "min": MIN, "tags": tags,
                           "format": "tmx", "tm": "tagged"})
        C.ok("GET format=tmx %s→%s %r = jisr query --format tmx" % (sl, tl, text),
             st == 200 and b == cli(mem, sl, tl, tags, [text], "tmx").encode(), (st, b[:500]))
    # the inline elements as TMX elements in the answer, and the memory named without tm=
    st, h, b = get(s, {"q": QUERIES[0][3][0], "source": "en", "target": "ar", "tags": "tmx",
                       "format": "tmx"})
    C.ok("format=tmx: the stored target with its own tags (a true pair), the query's tags in "
         "x-jisr-proposal",
         '<seg>انقر <bpt i="1">&lt;b&gt;</bpt>هنا<ept i="1">&lt;/b&gt;</ept>'.encode() in b and
         '<prop type="x-jisr-proposal">انقر &lt;bpt i="3"&gt;&amp;lt;i&amp;gt;&lt;/bpt&gt;'
         'هنا'.encode() in b, b[:800])
    C.ok("format=tmx without tm=: the memory as x-jisr-memory, as \"memory\" in JSON",
         b'<prop type="x-jisr-memory">tagged</prop>' in b, b[:800])
    # no match: an empty but valid document
    st, h, b = get(s, {"q": "zzqq xxyy", "source": "en", "target": "ar", "format": "tmx"})
    path = os.path.join(T, "empty.tmx")
    with open(path, "wb") as f:
        f.write(b)
    C.ok("format=tmx with no match: 200, no <tu>, valid", st == 200 and b"<tu>" not in b and
         dtd_valid(path)[0], (st, b))


def same_text(s, mem):
    for sl, tl, tags, texts in QUERIES[:2]:
        want = cli(mem, sl, tl, tags, texts, "text").encode()
        st, h, b = post(s, {"texts": texts, "source": sl, "target": tl, "min": MIN, "tags": tags,
                            "format": "text", "tm": "tagged"})
        C.ok("POST format=text %s→%s = jisr query's text" % (sl, tl),
             st == 200 and b == want and h.get("content-type") == "text/plain; charset=utf-8",
             (st, h, b[:500], want[:500]))


def errors(s):
    # malformed markup: 400, the JSON error naming the text and the column
    st, h, b = get(s, {"q": "Click <b>here", "source": "en", "target": "ar", "tags": "tmx"})
    msg = json.loads(b)["error"]["message"] if err_shape(b) else ""
    C.ok("GET tags=tmx with <b>: 400 naming q and column 7",
         st == 400 and "q (tags=tmx)" in msg and "column 7" in msg, (st, b))
    st, h, b = post(s, {"texts": ["Click here", "انقر <x>هنا"], "source": "ar", "target": "en",
                        "tags": "tmx"})
    msg = json.loads(b)["error"]["message"] if err_shape(b) else ""
    C.ok("POST tags=tmx, an Arabic text with <x>: 400 naming texts[1] and column 6 (characters)",
         st == 400 and "texts[1]" in msg and "column 6" in msg, (st, b))
    st, h, b = post(s, {"q": 'a <bpt i="1">x</bpt>b<ept i="2">', "source": "en", "target": "ar",
                        "tags": "tmx", "format": "tmx"})
    C.ok("POST format=tmx with a malformed text: 400 JSON, no TMX", st == 400 and err_shape(b) and
         h.get("content-type", "").startswith("application/json"), (st, h, b))
    st, h, b = get(s, {"q": "a &bogus; b", "source": "en", "target": "ar", "tags": "tmx"})
    C.ok("tags=tmx: an entity is refused (no entities), 400", st == 400 and err_shape(b), (st, b))
    # bad values
    for params in ({"tags": "html"}, {"format": "xml"}, {"tags": ""}, {"format": "TMX"}):
        p = dict({"q": "x", "source": "en", "target": "ar"}, **params)
        st, h, b = get(s, p)
        C.ok("GET %s: 400" % params, st == 400 and err_shape(b), (st, b))
    for body in ({"tags": 1}, {"tags": "xml"}, {"format": ["tmx"]}, {"format": "csv"}):
        st, h, b = post(s, dict({"q": "x", "source": "en", "target": "ar"}, **body))
        C.ok("POST %s: 400" % body, st == 400 and err_shape(b), (st, b))
    # a tagged text is never cut (a cut could split a tag): more than 1,000 characters besides
    # its tags is a 400; the plain text of the same length is cut as before
    long_text = "<ph x=\"1\">&lt;b/&gt;</ph>" + " ".join(["word"] * 220)
    st, h, b = post(s, {"q": long_text, "source": "en", "target": "ar", "tags": "tmx"})
    C.ok("a tagged text of 1,100 characters: 400 saying it is not cut", st == 400 and
         err_shape(b) and "1000" in json.loads(b)["error"]["message"], (st, b))
    st, h, b = post(s, {"q": long_text, "source": "en", "target": "ar"})
    C.ok("the same text plain: 200, cut", st == 200, (st, b[:200]))
    short = "<ph x=\"1\">&lt;b/&gt;</ph>" * 60 + " ".join(["word"] * 150)
    st, h, b = post(s, {"q": short, "source": "en", "target": "ar", "tags": "tmx"})
    C.ok("a text of 750 characters and 60 tags (2,000 with markup): 200", st == 200, (st, b[:300]))


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(T, ignore_errors=True)
