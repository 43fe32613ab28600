#!/usr/bin/python3
"""serve_unit_tags.py — a stored unit's inline tags in `/v1/units/{id}`, `/v1/concord` and
`jisr concord --json`, on a real server on a loopback port and a real LMDB memory imported from
a TMX of units with <bpt>/<ept>, <ph> (one holding {0}), <it>, & and < in their text, a carriage
return (&#13;) and units without tags:

  - each variant of /v1/units/{id} that holds inline tags has "text_tagged": its TMX segment
    content, byte for byte what `jisr export` writes inside its <seg> (& < > escaped, the tags'
    markup as stored, a carriage return as &#13;); "text" stays the plain text;
  - a concordance hit (and each translation of it) holding tags has "text_tagged" too; "start"
    and "end" still index the plain "text";
  - units without tags: no "text_tagged" anywhere, their JSON as before;
  - `jisr concord --json` gives the same object as /v1/concord (one memory), and with several
    memories each hit keeps its "text_tagged" beside its "memory";
  - /v1/query's source_tagged, written by the same code, gives a carriage return as &#13; too.

serve_page_unit_tags.py checks the search page's side (Details and Concordance) in Chromium.
"""
import json
import os
import re
import shutil
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import Checks, Server, run, tmpdir  # noqa: E402

# (key, English <seg> content, Arabic <seg> content), as TMX segment content; export writes the
# same markup back, so these are the "text_tagged" expected of a variant with tags
UNITS = [
    ("bold", 'Click <bpt i="1">&lt;b&gt;</bpt>Save &amp; Close<ept i="1">&lt;/b&gt;</ept> '
             'if 1 &lt; 2 &gt; 0',
     'انقر <bpt i="1">&lt;b&gt;</bpt>حفظ وإغلاق<ept i="1">&lt;/b&gt;</ept> الآن'),
    ("code", 'Delete <ph x="1">{0}</ph> files now', 'حذف <ph x="1">{0}</ph> من الملفات'),
    ("plain", "Plain &lt;img src=x onerror=window.__jisrXss=1&gt; Close text &amp; more",
     "نص عادي &lt;b&gt;غامق&lt;/b&gt;"),
    ("inject", 'Close the &lt;img src=x onerror=window.__jisrXss=2&gt; door '
               '<ph x="1">&lt;img src=x onerror=window.__jisrXss=3&gt;</ph>'
               '<it pos="begin">&lt;i&gt;</it>now',
     'أغلق الباب <ph x="1">&lt;img src=x onerror=window.__jisrXss=3&gt;</ph> الآن'),
    ("cr", 'First line&#13;\nClose it <ph x="1">&lt;br/&gt;</ph>', "السطر الأول"),
]
TAGGED = {"bold", "code", "inject", "cr"}  # the units with tags in English
TAGGED_AR = {"bold", "code", "inject"}


def write_tmx(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
                'adminlang="en" srclang="en" datatype="html"/><body>\n')
        for key, en, ar in UNITS:
            f.write('<tu tuid="%s"><tuv xml:lang="en"><seg>%s</seg></tuv><tuv xml:lang="ar">'
                    '<seg>%s</seg></tuv></tu>\n' % (key, en, ar))
        f.write("</body></tmx>\n")


def make_memory(tmp, name="tagged"):
    """a memory of UNITS (imported from a TMX); returns its directory"""
    tmx = os.path.join(tmp, name + ".tmx")
    write_tmx(tmx)
    mem = os.path.join(tmp, name)
    run("import", "--tm", mem, "-q", tmx)
    return mem


def exported_segs(tmp, mem):
    """{tuid: {lang: <seg> content}} as `jisr export` writes them"""
    out = os.path.join(tmp, "export.tmx")
    run("export", "--tm", mem, "-o", out)
    with open(out, encoding="utf-8", newline="") as f:
        doc = f.read()
    segs = {}
    for tu in re.findall(r"<tu\b.*?</tu>", doc, re.S):
        tuid = re.search(r'tuid="([^"]*)"', tu).group(1)
        segs[tuid] = {lang: seg for lang, seg in
                      re.findall(r'<tuv xml:lang="([^"]+)"[^>]*>.*?<seg>(.*?)</seg>', tu, re.S)}
    return segs


C = Checks()
T = None


def get(s, target):
    st, h, b = s.request("GET", target)
    return st, (json.loads(b) if st == 200 else b)


def concord(s, q, lang, extra=""):
    return get(s, "/v1/concord?" + urllib.parse.urlencode({"q": q, "lang": lang}) + extra)


def plain_part(text, start, end):
    """text[start:end] with start/end in bytes of its UTF-8 (as the JSON says)"""
    return text.encode()[start:end].decode()


def units(s, segs, ids):
    for key, en, ar in UNITS:
        st, u = get(s, "/v1/units/%d" % ids[key])
        if not C.ok("/v1/units/%d (%s): 200" % (ids[key], key), st == 200, u):
            continue
        v = {x["lang"]: x for x in u["variants"]}
        for lang, tagged in (("en", key in TAGGED), ("ar", key in TAGGED_AR)):
            if tagged:
                C.ok("/v1/units (%s) %s: text_tagged is what jisr export writes in <seg>, text "
                     "stays plain" % (key, lang), v[lang].get("text_tagged") == segs[key][lang] and
                     "<bpt" not in v[lang]["text"] and "<ph" not in v[lang]["text"] and
                     "&lt;" not in v[lang]["text"], (v[lang], segs[key][lang]))
            else:
                C.ok("/v1/units (%s) %s: no tags, no text_tagged" % (key, lang),
                     "text_tagged" not in v[lang], v[lang])
    # exactly, by hand (the export could be wrong the same way)
    st, u = get(s, "/v1/units/%d" % ids["bold"])
    en = [x for x in u["variants"] if x["lang"] == "en"][0]
    C.ok("/v1/units: <bpt>/<ept> as stored, & < > escaped in the text",
         en.get("text_tagged") == 'Click <bpt i="1">&lt;b&gt;</bpt>Save &amp; Close'
                              '<ept i="1">&lt;/b&gt;</ept> if 1 &lt; 2 &gt; 0' and
         en["text"] == "Click Save & Close if 1 < 2 > 0", en)
    st, u = get(s, "/v1/units/%d" % ids["code"])
    C.ok("/v1/units: a <ph> holding {0}",
         [x.get("text_tagged") for x in u["variants"]] ==
         ['Delete <ph x="1">{0}</ph> files now', 'حذف <ph x="1">{0}</ph> من الملفات'], u)
    C.ok("/v1/units: the plain text shows the code a <ph> holds, as concordance and queries do "
         "(it was 'Delete  files now')",
         [x.get("text") for x in u["variants"]] == ["Delete {0} files now", "حذف {0} من الملفات"],
         u)
    st, u = get(s, "/v1/units/%d" % ids["cr"])
    en = [x for x in u["variants"] if x["lang"] == "en"][0]
    C.ok("/v1/units: a carriage return as &#13; (as export writes it; XML reads a bare one as \\n)",
         en.get("text_tagged") == 'First line&#13;\nClose it <ph x="1">&lt;br/&gt;</ph>' and
         en["text"] == "First line\r\nClose it ", en)
    st, u = get(s, "/v1/units/%d" % ids["plain"])
    C.ok("/v1/units: a unit without tags as before (id, tuid, dates, plain texts only)",
         set(u) <= {"id", "tuid", "usagecount", "creationdate", "variants"} and
         u["variants"] == [{"lang": "en", "text": "Plain <img src=x onerror=window.__jisrXss=1> "
                                                  "Close text & more"},
                           {"lang": "ar", "text": "نص عادي <b>غامق</b>"}], u)


def hits(s, mem, ids):
    st, r = concord(s, "Close", "en")
    byid = {h["id"]: h for h in r["hits"]} if st == 200 else {}
    C.ok("/v1/concord 'Close': the four units holding it",
         set(byid) == {ids["bold"], ids["plain"], ids["inject"], ids["cr"]}, r)
    h = byid.get(ids["bold"], {})
    C.ok("/v1/concord: a hit with tags has text_tagged (TMX segment content)",
         h.get("text_tagged") == UNITS[0][1], h)
    C.ok("/v1/concord: … and its translation too",
         [t.get("text_tagged") for t in h.get("translations", [])] == [UNITS[0][2]], h)
    C.ok("/v1/concord: start/end still index the plain text",
         h.get("text") == "Click Save & Close if 1 < 2 > 0" and
         plain_part(h["text"], h["start"], h["end"]) == "Close" == h["match"], h)
    h = byid.get(ids["inject"], {})
    C.ok("/v1/concord: markup-like text escaped, <ph> and <it> as stored",
         h.get("text_tagged") == UNITS[3][1] and
         plain_part(h["text"], h["start"], h["end"]) == "Close", h)
    h = byid.get(ids["cr"], {})
    C.ok("/v1/concord: the tagged text as stored (line ends kept, &#13;), the plain on one line",
         h.get("text_tagged") == 'First line&#13;\nClose it <ph x="1">&lt;br/&gt;</ph>' and
         h.get("text") == "First line  Close it " and
         [t.get("text_tagged") for t in h["translations"]] == [None], h)
    h = byid.get(ids["plain"], {})
    C.ok("/v1/concord: a hit without tags: no text_tagged, in the hit or its translations",
         h and "text_tagged" not in h and
         all("text_tagged" not in t for t in h["translations"]) and
         h["text"] == "Plain <img src=x onerror=window.__jisrXss=1> Close text & more", h)
    st, r = concord(s, "files", "en")
    h = r["hits"][0] if st == 200 and r["hits"] else {}
    C.ok("/v1/concord: a <ph> holding {0} (the plain text shows the code)",
         h.get("text_tagged") == 'Delete <ph x="1">{0}</ph> files now' and
         h["text"] == "Delete {0} files now" and
         plain_part(h["text"], h["start"], h["end"]) == "files" and
         h["translations"][0].get("text_tagged") == 'حذف <ph x="1">{0}</ph> من الملفات', h)
    st, r = concord(s, "حفظ", "ar")
    h = r["hits"][0] if st == 200 and r["hits"] else {}
    C.ok("/v1/concord in Arabic: the Arabic text and the English translation tagged",
         h.get("text_tagged") == UNITS[0][2] and
         h["translations"][0].get("text_tagged") == UNITS[0][1] and
         plain_part(h["text"], h["start"], h["end"]) == "حفظ", h)
    # the CLI writes the same object (the library's, tm/json.c)
    for q, lang in (("Close", "en"), ("files", "en"), ("حفظ", "ar"), ("door", "en")):
        cli = json.loads(run("concord", "--tm", mem, "-l", lang, "--json", "-w", "40", q)[1])
        st, r = concord(s, q, lang, "&width=40")
        C.ok("jisr concord --json %r: text_tagged on its tagged hits, the same object as "
             "/v1/concord" % q, any("text_tagged" in h for h in cli["hits"]) and st == 200 and
             cli == r, (cli, r))


def query(s):
    """/v1/query's source_tagged is written by the same code: a carriage return as &#13; too"""
    st, r = get(s, "/v1/query?" + urllib.parse.urlencode(
        {"q": "First line\r\nClose it", "source": "en", "target": "ar", "min": 50}))
    m = r["matches"][0] if st == 200 and r["matches"] else {}
    C.ok("/v1/query: source_tagged writes a carriage return as &#13; (as export does)",
         m.get("source_tagged") == 'First line&#13;\nClose it <ph x="1">&lt;br/&gt;</ph>', m)


def several(tmp, mem):
    """two memories: the concordance over both, each hit naming its memory, tags kept"""
    other = os.path.join(tmp, "other")
    plain = os.path.join(tmp, "other.tsv")
    with open(plain, "w", encoding="utf-8") as f:
        f.write("Close the window\tأغلق النافذة\n")
    run("import", "--tm", other, "-s", "en", "-t", "ar", "-q", plain)
    with Server(tmp, ["--tm", mem, "--tm", other], "two") as s:
        st, r = concord(s, "Close", "en")
        got = {(h["memory"], "text_tagged" in h) for h in r["hits"]} if st == 200 else set()
        C.ok("/v1/concord over two memories: tagged hits keep text_tagged beside memory, the "
             "other memory's plain hit has none",
             ("tagged", True) in got and ("other", False) in got and ("tagged", False) in got, r)
        h = [h for h in r["hits"] if h.get("memory") == "tagged" and h.get("text_tagged")]
        C.ok("/v1/concord over two memories: the tagged text exact",
             h and h[0]["text_tagged"] in (UNITS[0][1], UNITS[3][1], UNITS[4][1]), r)


def main():
    global T
    T = tmpdir("jisr-serve-unit-tags-")
    mem = make_memory(T)
    segs = exported_segs(T, mem)
    C.ok("jisr export: every unit written (by tuid)", set(segs) == {k for k, _, _ in UNITS}, segs)
    with Server(T, ["--tm", mem]) as s:
        ids = {}
        for key, _, _ in UNITS:  # the ids, by tuid: units 1… in the file's order
            for i in range(1, len(UNITS) + 1):
                st, u = get(s, "/v1/units/%d" % i)
                if st == 200 and u.get("tuid") == key:
                    ids[key] = i
        if C.ok("every unit found by its tuid", len(ids) == len(UNITS), ids):
            units(s, segs, ids)
            hits(s, mem, ids)
            query(s)
        C.ok("SIGTERM: exit status 0", s.stop() == 0)
    several(T, mem)
    return C.done()


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        if T:
            shutil.rmtree(T, ignore_errors=True)
