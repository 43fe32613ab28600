#!/usr/bin/python3
"""serve_page_bidi.py — the search page shows Arabic lines holding tags and codes in the order
they are written, in headless Chromium (as serve_browser.py; skipped without chromium,
chromium-driver, python3-selenium), on a memory imported from a TMX of Arabic units with
<bpt>/<ept> and <ph> among Arabic words, a link around a Latin word, and plain texts that write
codes themselves (<b>, </b>, %1, {0}):

  - every line carries the dir of its language: rtl for ar, for an Arabic variety (arz) and for
    a language written in Arabic script (ms-Arab), ltr for en and ug-Latn, auto for a language
    the page cannot place (und, whose Arabic text then reads right to left); a Details value (a
    note) dir auto;
  - a tag's code (code.tag) is an isolated left-to-right run (computed unicode-bidi isolate,
    direction ltr), and so is a code written in a plain text (bdi.code), in the query results
    (the match, its source's diff), the Concordance (context, translations, tagged lines) and
    Details;
  - measured on the page (getBoundingClientRect of a Range over each character): in an Arabic
    line an opening tag written before a word stands to its right and the closing one to its
    left; inside a code "<" is left of "b", "/" left of "b", "%" left of "1" (the bidi
    algorithm unaided mirrors and reorders them: "</b>" shown "<b/>", "%1" shown "1%"); the
    status line's copied Arabic text keeps its "</b>" at its (left) end; the language's label
    of an Arabic translation is not glued to its text;
  - nothing the page copies changes: the clipboard holds the plain text, the status line's text
    and every line's text are the characters they were.
Screenshots in $JISR_ARTEFACTS/serve_page_bidi/.
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import (ARTEFACTS, Checks, page_sections,  # noqa: E402
                          page_loaded, page_status, run, selenium_or_skip, tmpdir)

(webdriver, Service, By, Keys, WebDriverWait, TimeoutException, CHROMIUM,
 DRIVER) = selenium_or_skip()

C = Checks()
T = tmpdir("jisr-serve-page-bidi-")
SHOTS = os.path.join(ARTEFACTS or T, "serve_page_bidi")
os.makedirs(SHOTS, exist_ok=True)

BOLD_AR = 'انقر <bpt i="1">&lt;b&gt;</bpt>حفظ<ept i="1">&lt;/b&gt;</ept> الآن'
# (tuid, {lang: <seg> content}, a note of the unit or None)
UNITS = [
    ("bold", {"en": 'Click <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> now',
              "ar": BOLD_AR}, "ملاحظة: احفظ {0} أولا"),
    ("link", {"en": 'Open <bpt i="1">&lt;a href="x"&gt;</bpt>README<ept i="1">&lt;/a&gt;</ept> '
                    'first',
              "ar": 'افتح <bpt i="1">&lt;a href="x"&gt;</bpt>README<ept i="1">&lt;/a&gt;</ept> '
                    'أولا'}, None),
    ("page", {"en": 'Page <ph x="1">{0}</ph> of <ph x="2">{1}</ph> here',
              "ar": 'الصفحة <ph x="1">{0}</ph> من <ph x="2">{1}</ph> هنا'}, None),
    # plain texts that write codes themselves (no inline tags)
    ("plain", {"en": "Delete %1 files in &lt;b&gt;bold&lt;/b&gt;",
               "ar": "احذف %1 من الملفات &lt;b&gt;غامق&lt;/b&gt;"}, None),
    ("langs", {"en": "Unknown script words",
               "und": 'كلمات <ph x="1">{1}</ph> مجهولة',
               "arz": "كلام %1 مصري",
               "ms-Arab": "چاري %1 جاوي",
               "ug-Latn": "Uyghurche %1 söz"}, None),
]
PLAIN_AR = "احذف %1 من الملفات <b>غامق</b>"
PLAIN_EN = "Delete %1 files in <b>bold</b>"

# Page-side helpers: the characters of a line found through its text nodes (whatever elements
# hold them), each measured by a Range over it alone
HELPERS = r"""
window.__bidi = {
  chars(root, needle, nth) {
    const nodes = [], w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let all = "", n;
    while ((n = w.nextNode())) { nodes.push([n, all.length]); all += n.nodeValue; }
    let at = -1;
    for (let k = 0; k <= (nth || 0); k++) { at = all.indexOf(needle, at + 1); if (at < 0) return null; }
    const out = [];
    for (let i = at; i < at + needle.length; i++) {
      let j = nodes.length - 1;
      while (nodes[j][1] > i) j--;
      const r = document.createRange();
      r.setStart(nodes[j][0], i - nodes[j][1]);
      r.setEnd(nodes[j][0], i - nodes[j][1] + 1);
      const b = r.getBoundingClientRect();
      out.push({c: all[i], left: b.left, right: b.right, top: b.top});
    }
    return out;
  },
  span(root, needle, nth) {
    const cs = this.chars(root, needle, nth);
    if (!cs) return null;
    return {left: Math.min(...cs.map((c) => c.left)), right: Math.max(...cs.map((c) => c.right))};
  },
  style(e) {
    const s = getComputedStyle(e);
    return {tag: e.localName, cls: e.className, text: e.textContent, ub: s.unicodeBidi, dir: s.direction};
  },
};
"""


def write_tmx(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
                'adminlang="en" srclang="en" datatype="html"/><body>\n')
        for key, segs, note in UNITS:
            f.write('<tu tuid="%s">' % key)
            if note:
                f.write("<note>%s</note>" % note)
            for lang, seg in segs.items():
                f.write('<tuv xml:lang="%s"><seg>%s</seg></tuv>' % (lang, seg))
            f.write("</tu>\n")
        f.write("</body></tmx>\n")


def make_memory(tmp):
    tmx = os.path.join(tmp, "bidi.tmx")
    write_tmx(tmx)
    mem = os.path.join(tmp, "bidi")
    run("import", "--tm", mem, "-q", tmx)
    return mem


def js(drv, script, *args):
    if not drv.execute_script("return !!window.__bidi"):
        drv.execute_script(HELPERS)
    return drv.execute_script(script, *args)


def chars(drv, root, needle, nth=0):
    return js(drv, "return window.__bidi.chars(arguments[0], arguments[1], arguments[2])",
              root, needle, nth)


def span(drv, root, needle, nth=0):
    return js(drv, "return window.__bidi.span(arguments[0], arguments[1], arguments[2])",
              root, needle, nth)


def left_to_right(cs):
    """the characters measured stand left to right in the order they are written"""
    return cs is not None and all(a["left"] < b["left"] for a, b in zip(cs, cs[1:]))


MIRROR = str.maketrans("<>(){}[]", "><)(}{][")


def shown(cs):
    """the characters as they stand on the screen, left to right (for a message); a run laid out
    right to left draws its brackets mirrored (an unisolated "</b>" reads "<b/>")"""
    if not cs:
        return None
    s = "".join(c["c"] for c in sorted(cs, key=lambda c: c["left"]))
    if all(a["left"] > b["left"] for a, b in zip(cs, cs[1:])):
        s = s.translate(MIRROR)
    return s


def isolated(drv, root, selector):
    """(every element root holds matching selector is an isolated ltr run, their styles)"""
    st = js(drv, "return [...arguments[0].querySelectorAll(arguments[1])]"
                 ".map((e) => window.__bidi.style(e))", root, selector)
    return bool(st) and all(s["ub"] == "isolate" and s["dir"] == "ltr" for s in st), st


def line_dir(drv, p):
    return (p.get_attribute("dir"), js(drv, "return getComputedStyle(arguments[0]).direction", p))


def codes_in_order(drv, p, where, needles):
    """each code written in the line reads left to right (measured), an isolated ltr run"""
    got = {n: shown(chars(drv, p, n)) for n in needles}
    C.ok(where + ": " + ", ".join(needles) + " read left to right (each character measured)",
         all(left_to_right(chars(drv, p, n)) for n in needles), got)


def search(drv, text):
    q = drv.find_element(By.ID, "q")
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(Keys.DELETE)
    q.send_keys(text, Keys.ENTER)
    WebDriverWait(drv, 15).until(lambda d: page_status(d) not in ("", "Searching…"))
    return drv.find_elements(By.CSS_SELECTOR, "#results > li")


def clipboard_on(drv, url):
    """let the page write the clipboard and the test read it (Chromium's own clipboard)"""
    try:
        drv.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": url.rstrip("/"),
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    except Exception as e:  # noqa: BLE001
        print("# clipboard permissions not granted: %r" % e)


def clipboard(drv):
    return drv.execute_async_script(
        "const done = arguments[0];"
        "navigator.clipboard.readText().then(done, (e) => done('ERROR ' + e));")


def copy(drv, li, words):
    drv.execute_script("navigator.clipboard.writeText('')")
    li.find_element(By.CSS_SELECTOR, "button.copy").click()
    WebDriverWait(drv, 15).until(lambda d: words in page_status(d))
    return clipboard(drv)


def hit(items, sel, words):
    for li in items:
        if any(words in p.text for p in li.find_elements(By.CSS_SELECTOR, sel)):
            return li
    return None


def tagged_ar(drv, p, where, word, opening, closing):
    """an Arabic line holding opening + word + closing: its dir, its codes isolated, the opening
    code right of the word, the closing one left of it, each code's characters in order"""
    C.ok(where + ": the line's dir is rtl (attribute and computed)",
         line_dir(drv, p) == ("rtl", "rtl") and p.get_attribute("lang") == "ar", line_dir(drv, p))
    ok, st = isolated(drv, p, "code.tag")
    C.ok(where + ": each tag's code an isolated ltr run (unicode-bidi isolate, direction ltr)",
         ok and [s["text"] for s in st] == [opening, closing], st)
    w, o, c = span(drv, p, word), span(drv, p, opening), span(drv, p, closing)
    C.ok(where + ": %s, written before %s, stands to its right; %s to its left"
         % (opening, word, closing),
         w and o and c and o["left"] >= w["right"] - 0.5 and c["right"] <= w["left"] + 0.5,
         (o, w, c))
    codes_in_order(drv, p, where, [opening, closing])


def concordance(drv, url):
    page_loaded(drv, url)
    clipboard_on(drv, url)
    drv.find_element(By.ID, "tab-concord").click()
    items = search(drv, "Click")
    drv.save_screenshot(os.path.join(SHOTS, "1-concordance-bold.png"))
    li = items[0] if items else None
    lines = li.find_elements(By.CSS_SELECTOR, ".tagged") if li else []
    C.ok("concordance 'Click': one hit, its text and its translation with their tags",
         len(items) == 1 and len(lines) == 2, [i.text for i in items])
    if len(lines) == 2:
        C.ok("concordance: the English tagged line ltr, its codes isolated ltr runs",
             line_dir(drv, lines[0]) == ("ltr", "ltr") and isolated(drv, lines[0], "code.tag")[0],
             (line_dir(drv, lines[0]), isolated(drv, lines[0], "code.tag")))
        tagged_ar(drv, lines[1], "concordance, tagged ar line", "حفظ", "<b>", "</b>")
        C.ok("concordance: the tagged lines' text as before",
             js(drv, "return arguments[0].textContent", lines[1]) ==
             "with its tagsانقر <b>حفظ</b> الآن"
             and js(drv, "return arguments[0].textContent", lines[0]) ==
             "with its tagsClick <b>Save</b> now",
             [js(drv, "return arguments[0].textContent", p) for p in lines])
    tr = li.find_element(By.CSS_SELECTOR, ".tr") if li else None
    if tr:
        lab = js(drv, "return arguments[0].querySelector('.lang').getBoundingClientRect().left", tr)
        first = chars(drv, tr, "انقر")
        C.ok("concordance: an Arabic translation's label 'ar' stands apart from its text (>= 4 px)",
             line_dir(drv, tr) == ("rtl", "rtl") and first and
             lab - max(c["right"] for c in first) >= 4,
             (lab, first and max(c["right"] for c in first)))
        copied = copy(drv, li, "Copied")
        C.ok("concordance: Copy copies the plain translation; the status says it, as before",
             copied == "انقر حفظ الآن" and
             page_status(drv) == "Copied without its tags: انقر حفظ الآن", (copied, page_status(drv)))

    items = search(drv, "Open")
    li = items[0] if items else None
    lines = li.find_elements(By.CSS_SELECTOR, ".tagged") if li else []
    if C.ok("concordance 'Open': its Arabic tagged line", len(lines) == 2, [i.text for i in items]):
        tagged_ar(drv, lines[1], "concordance, a link around a Latin word in an ar line", "README",
                  '<a href="x">', "</a>")

    items = search(drv, "Page")
    li = items[0] if items else None
    lines = li.find_elements(By.CSS_SELECTOR, ".tagged") if li else []
    if C.ok("concordance 'Page': its Arabic tagged line", len(lines) == 2, [i.text for i in items]):
        p = lines[1]
        ok, st = isolated(drv, p, "code.tag")
        w0, w1 = span(drv, p, "الصفحة"), span(drv, p, "من")
        c0, c1 = span(drv, p, "{0}"), span(drv, p, "{1}")
        C.ok("concordance, placeholders in an ar line: isolated ltr runs, {0} left of the word "
             "before it and right of the one after it, {1} left of من",
             ok and w0 and w1 and c0 and c1 and c0["right"] <= w0["left"] + 0.5 and
             c0["left"] >= w1["right"] - 0.5 and c1["right"] <= w1["left"] + 0.5,
             (st, w0, c0, w1, c1))
        codes_in_order(drv, p, "concordance, placeholders in an ar line", ["{0}", "{1}"])

    items = search(drv, "Delete")
    drv.save_screenshot(os.path.join(SHOTS, "2-concordance-plain.png"))
    li = items[0] if items else None
    tr = li.find_element(By.CSS_SELECTOR, ".tr") if li else None
    if C.ok("concordance 'Delete': a plain hit, its Arabic translation",
            tr is not None and not li.find_elements(By.CSS_SELECTOR, ".tagged"),
            [i.text for i in items]):
        ok, st = isolated(drv, tr, "bdi.code")
        C.ok("concordance: codes written in a plain Arabic translation are isolated ltr runs",
             ok and [s["text"] for s in st] == ["%1", "<b>", "</b>"], st)
        codes_in_order(drv, tr, "concordance, a plain ar translation", ["%1", "<b>", "</b>"])
        ok, st = isolated(drv, li.find_element(By.CSS_SELECTOR, ".kwic"), "bdi.code")
        C.ok("concordance: codes in the (English) context isolated too, its text as before",
             ok and [s["text"] for s in st] == ["%1", "<b>", "</b>"] and
             js(drv, "return arguments[0].textContent",
                li.find_element(By.CSS_SELECTOR, ".kwic")) == PLAIN_EN, st)
        C.ok("concordance: the plain translation's text as before",
             js(drv, "return arguments[0].textContent", tr) == "ar" + PLAIN_AR,
             js(drv, "return arguments[0].textContent", tr))
        copied = copy(drv, li, "غامق")
        st = drv.find_element(By.ID, "status")
        C.ok("concordance: Copy of a plain text holding codes copies it as it is; the status "
             "says it as before",
             copied == PLAIN_AR and page_status(drv) == "Copied: " + PLAIN_AR and
             js(drv, "return arguments[0].textContent", st) == "Copied: " + PLAIN_AR,
             (copied, page_status(drv)))
        w, c = span(drv, st, "غامق"), span(drv, st, "</b>")
        C.ok("concordance: in the status line, the copied Arabic text's closing </b> stays at "
             "its end, left of غامق, and reads left to right",
             w and c and c["right"] <= w["left"] + 0.5 and left_to_right(chars(drv, st, "</b>")),
             (w, c, shown(chars(drv, st, "</b>"))))

    items = search(drv, "Unknown")
    drv.save_screenshot(os.path.join(SHOTS, "3-concordance-langs.png"))
    li = items[0] if items else None
    trs = {t.get_attribute("lang"): t for t in li.find_elements(By.CSS_SELECTOR, ".tr")} if li else {}
    if C.ok("concordance 'Unknown': translations into und, arz, ms-Arab, ug-Latn",
            set(trs) == {"und", "arz", "ms-Arab", "ug-Latn"}, sorted(trs)):
        C.ok("concordance: a translation into und is dir auto (its Arabic text: rtl), into arz "
             "(Egyptian Arabic) rtl",
             line_dir(drv, trs["und"]) == ("auto", "rtl") and
             line_dir(drv, trs["arz"]) == ("rtl", "rtl"),
             (line_dir(drv, trs["und"]), line_dir(drv, trs["arz"])))
        tg = li.find_elements(By.CSS_SELECTOR, ".tagged[lang=und]")
        C.ok("concordance: the und translation's tagged line dir auto (rtl), {1} an isolated "
             "ltr run",
             tg and line_dir(drv, tg[0]) == ("auto", "rtl") and isolated(drv, tg[0], "code.tag")[0],
             tg and (line_dir(drv, tg[0]), isolated(drv, tg[0], "code.tag")))
        codes_in_order(drv, trs["arz"], "concordance, an arz translation", ["%1"])


def open_details(drv, li):
    li.find_element(By.CSS_SELECTOR, "a.details").click()
    WebDriverWait(drv, 15).until(lambda d: d.find_element(By.ID, "details").is_displayed())
    return drv.find_element(By.ID, "dbody")


def close_details(drv):
    drv.find_element(By.ID, "dclose").click()
    WebDriverWait(drv, 15).until(lambda d: not d.find_element(By.ID, "details").is_displayed())


def details(drv, url):
    page_loaded(drv, url)
    drv.find_element(By.ID, "tab-concord").click()
    body = open_details(drv, search(drv, "Click")[0])
    drv.save_screenshot(os.path.join(SHOTS, "4-details.png"))
    tagged = {p.get_attribute("lang"): p for p in body.find_elements(By.CSS_SELECTOR, ".tagged")}
    if C.ok("Details: both variants with their tags", set(tagged) == {"en", "ar"}, sorted(tagged)):
        tagged_ar(drv, tagged["ar"], "Details, tagged ar line", "حفظ", "<b>", "</b>")
        C.ok("Details: the English tagged line ltr", line_dir(drv, tagged["en"]) == ("ltr", "ltr"),
             line_dir(drv, tagged["en"]))
    notes = [dd for dd in body.find_elements(By.CSS_SELECTOR, "dd") if "ملاحظة" in dd.text]
    if C.ok("Details: the unit's Arabic note shown, as it is",
            len(notes) == 1 and js(drv, "return arguments[0].textContent", notes[0]) ==
            "ملاحظة: احفظ {0} أولا",
            [dd.text for dd in body.find_elements(By.CSS_SELECTOR, "dd")]):
        C.ok("Details: a value's dir is its text's (dir auto: the Arabic note rtl), its {0} an "
             "isolated ltr run",
             line_dir(drv, notes[0]) == ("auto", "rtl") and isolated(drv, notes[0], "bdi.code")[0],
             (line_dir(drv, notes[0]), isolated(drv, notes[0], "bdi.code")))
    close_details(drv)
    body = open_details(drv, search(drv, "Delete")[0])
    ps = {p.get_attribute("lang"): p for p in body.find_elements(By.CSS_SELECTOR, "p[lang]")}
    if C.ok("Details of a plain unit: its two texts", set(ps) == {"en", "ar"}, sorted(ps)):
        C.ok("Details: the plain Arabic text holding codes: rtl, as it is, its codes isolated",
             line_dir(drv, ps["ar"]) == ("rtl", "rtl") and
             js(drv, "return arguments[0].textContent", ps["ar"]) == PLAIN_AR and
             isolated(drv, ps["ar"], "bdi.code")[0], isolated(drv, ps["ar"], "bdi.code"))
        codes_in_order(drv, ps["ar"], "Details, a plain ar text", ["%1", "<b>", "</b>"])
    close_details(drv)
    body = open_details(drv, search(drv, "Unknown")[0])
    drv.save_screenshot(os.path.join(SHOTS, "5-details-langs.png"))
    ps = {p.get_attribute("lang"): p for p in body.find_elements(By.CSS_SELECTOR, "p[lang]")
          if "tagged" not in (p.get_attribute("class") or "")}
    if C.ok("Details of the unit in five languages: its texts",
            set(ps) == {"en", "und", "arz", "ms-Arab", "ug-Latn"}, sorted(ps)):
        C.ok("Details: und dir auto (its Arabic text rtl), arz rtl, en ltr",
             line_dir(drv, ps["und"]) == ("auto", "rtl") and
             line_dir(drv, ps["arz"]) == ("rtl", "rtl") and line_dir(drv, ps["en"]) == ("ltr", "ltr"),
             {k: line_dir(drv, p) for k, p in ps.items()})
        C.ok("Details: a script subtag gives the dir (ms-Arab, Jawi: rtl; ug-Latn: ltr)",
             line_dir(drv, ps["ms-Arab"]) == ("rtl", "rtl") and
             line_dir(drv, ps["ug-Latn"]) == ("ltr", "ltr"),
             {k: line_dir(drv, p) for k, p in ps.items()})
    close_details(drv)


def fuzzy(drv, url):
    page_loaded(drv, url, "en", "ar")
    clipboard_on(drv, url)
    items = search(drv, "Click Save now")
    drv.save_screenshot(os.path.join(SHOTS, "6-query-tags.png"))
    li = items[0] if items else None
    lines = li.find_elements(By.CSS_SELECTOR, ".tagged") if li else []
    if C.ok("query en → ar 'Click Save now': the match's tagged target shown", len(lines) == 1,
            [i.text for i in items]):
        tagged_ar(drv, lines[0], "query, tagged target", "حفظ", "<b>", "</b>")
        copied = copy(drv, li, "Copied")
        C.ok("query: Copy copies the plain target, the status as before",
             copied == "انقر حفظ الآن" and
             page_status(drv) == "Copied without its tags: انقر حفظ الآن",
             (copied, page_status(drv)))
    items = search(drv, PLAIN_EN)
    li = items[0] if items else None
    tgt = li.find_element(By.CSS_SELECTOR, ".tgt") if li else None
    if C.ok("query en → ar of the plain text: its match", tgt is not None, [i.text for i in items]):
        C.ok("query: the target holding codes rtl, as it is, its codes isolated ltr runs",
             line_dir(drv, tgt) == ("rtl", "rtl") and
             js(drv, "return arguments[0].textContent", tgt) == PLAIN_AR and
             isolated(drv, tgt, "bdi.code")[0], isolated(drv, tgt, "bdi.code"))
        codes_in_order(drv, tgt, "query, a plain ar target", ["%1", "<b>", "</b>"])
        copied = copy(drv, li, "غامق")
        C.ok("query: Copy copies the target as it is", copied == PLAIN_AR, copied)
    page_loaded(drv, url, "ar", "en")
    items = search(drv, PLAIN_AR.replace("غامق", "عريض"))
    drv.save_screenshot(os.path.join(SHOTS, "7-query-ar-source.png"))
    li = items[0] if items else None
    src = li.find_element(By.CSS_SELECTOR, ".src") if li else None
    if C.ok("query ar → en of the plain text, a word changed: its match and diff",
            src is not None and src.find_elements(By.CSS_SELECTOR, "del, ins"),
            [i.text for i in items]):
        C.ok("query: the Arabic source's diff rtl, its codes isolated ltr runs",
             line_dir(drv, src) == ("rtl", "rtl") and isolated(drv, src, "bdi.code")[0],
             isolated(drv, src, "bdi.code"))
        codes_in_order(drv, src, "query, the ar source's diff", ["%1", "</b>"])


def main():
    return page_sections(C, T, make_memory(T), (concordance, details, fuzzy))


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(T, ignore_errors=True)
