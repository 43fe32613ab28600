#!/usr/bin/python3
"""serve_browser.py — the search page in a real browser: headless Chromium through Selenium
(Debian's chromium, chromium-driver, python3-selenium), driven with the keyboard only.

  - the language pair comes from the memory's languages (ar → en first);
  - an Arabic query typed into the box, Enter: matches with the source right-to-left and the
    English target left-to-right in the same list, a word diff against the query;
  - Tab to "Copy" and Enter: the target is copied; Tab to "Details", Enter: the unit's
    languages, texts and dates in a dialog, Escape closes it;
  - the concordance tab reached with Shift+Tab and an arrow key, an Arabic phrase: keyword in
    context, right-to-left, its translation left-to-right;
  - the pair swapped (English → Arabic): left-to-right sources, right-to-left targets;
  - a phone-sized window: no horizontal scrolling;
  - no error in the browser's console (the strict Content-Security-Policy is kept).
Screenshots of each step are saved in $JISR_ARTEFACTS/serve_browser/.
"""
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import (ARTEFACTS, Checks, Server, headless_chromium, make_tsv,  # noqa: E402
                          run, selenium_or_skip, tmpdir)

(webdriver, Service, By, Keys, WebDriverWait, TimeoutException, CHROMIUM,
 DRIVER) = selenium_or_skip()

C = Checks()
T = tmpdir("jisr-serve-browser-")
SHOTS = os.path.join(ARTEFACTS or T, "serve_browser")
os.makedirs(SHOTS, exist_ok=True)


def main():
    base = [tuple(l.rstrip("\n").split("\t")) for l in
            open(os.path.join(os.environ["JISR_TEST_DATA"], "tm", "ar-en.tsv"), encoding="utf-8")]
    make_tsv(os.path.join(T, "u.tsv"), base)
    mem = os.path.join(T, "m")
    run("import", "--tm", mem, "-s", "ar", "-t", "en", "-q", os.path.join(T, "u.tsv"))
    with open(os.path.join(T, "noted.tmx"), "w", encoding="utf-8") as f:
        f.write("""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence"
 o-tmf="t" adminlang="en" srclang="ar" datatype="plaintext"/><body>
<tu creationdate="20240102T030405Z" changedate="20250607T080910Z" usagecount="3">
<prop type="x-project">Demo project</prop><note>Checked by the reviewer</note>
<tuv xml:lang="ar"><seg>وثيقة مراجعة بعناية فائقة للمشروع</seg></tuv>
<tuv xml:lang="en"><seg>A document reviewed with great care for the project</seg></tuv></tu>
<tu><tuv xml:lang="ar"><seg>حجم الورق A4 للطباعة على الوجهين</seg></tuv>
<tuv xml:lang="en"><seg>Paper size A4 for printing on both sides</seg></tuv></tu>
<tu><tuv xml:lang="ar"><seg>لديك 1 رسالة جديدة في صندوق الوارد</seg></tuv>
<tuv xml:lang="en"><seg>You have 1 new message in your inbox</seg></tuv></tu>
</body></tmx>
""")
    run("import", "--tm", mem, "-q", os.path.join(T, "noted.tmx"))
    ar, en = base[16]  # المجلس رفضت جدول الأعمال في الفقرة ٢٠.
    ar_query = " ".join(ar.split()[:-1]) + " ٢١."  # the last word changed
    profile = tempfile.mkdtemp(prefix="jisr-chromium-", dir=T)

    with Server(T, ["--tm", mem]) as s:
        drv = headless_chromium(profile, browser_log=True)
        try:
            browse(drv, s, ar, en, ar_query)
        finally:
            drv.quit()
    shutil.rmtree(T, ignore_errors=True)
    return C.done()


def active(drv):
    return drv.switch_to.active_element


def keys(drv, *k):
    active(drv).send_keys(*k)


def wait(drv, cond, t=15):
    return WebDriverWait(drv, t).until(lambda d: cond(d))


def waited(drv, cond, t=15):
    """wait() as a check: True when cond held within t seconds, False when it never did."""
    try:
        wait(drv, cond, t)
        return True
    except TimeoutException:
        return False


def shot(drv, name):
    path = os.path.join(SHOTS, name + ".png")
    drv.save_screenshot(path)
    print("  screenshot " + path)


def tab_to(drv, pred, limit=40, back=False):
    """Press Tab (Shift+Tab) until the focused element satisfies pred."""
    for _ in range(limit):
        if pred(active(drv)):
            return True
        keys(drv, (Keys.SHIFT + Keys.TAB) if back else Keys.TAB)
    return pred(active(drv))


def first_match(drv, text, until):
    """Search for text from the box (emptied first) until the results show until; the first
    match's element, its translation and its notes."""
    q = drv.find_element(By.ID, "q")
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(Keys.DELETE)
    keys(drv, text, Keys.ENTER)
    wait(drv, lambda d: until in d.find_element(By.ID, "results").text)
    first = drv.find_element(By.CSS_SELECTOR, "#results > li")
    return (first, first.find_element(By.CSS_SELECTOR, ".tgt").text,
            [e.text for e in first.find_elements(By.CSS_SELECTOR, ".head .note")])


def browse(drv, s, ar, en, ar_query):
    drv.get(s.url)
    wait(drv, lambda d: d.find_element(By.ID, "sl").get_attribute("value") != "")
    sl = drv.find_element(By.ID, "sl").get_attribute("value")
    tl = drv.find_element(By.ID, "tl").get_attribute("value")
    opts = [o.get_attribute("value") for o in drv.find_elements(By.CSS_SELECTOR, "#sl option")]
    C.ok("the pair from the memory's languages: ar → en (of %s)" % opts,
         (sl, tl) == ("ar", "en") and sorted(opts) == ["ar", "en"], (sl, tl, opts))
    C.ok("the search box starts focused", active(drv).get_attribute("id") == "q")
    C.ok("the search box is right-to-left for Arabic",
         drv.find_element(By.ID, "q").get_attribute("dir") == "rtl")

    # an Arabic query, typed, Enter
    keys(drv, ar_query, Keys.ENTER)
    wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#results > li"))
    first = drv.find_element(By.CSS_SELECTOR, "#results > li")
    src = first.find_element(By.CSS_SELECTOR, ".src")
    tgt = first.find_element(By.CSS_SELECTOR, ".tgt")
    C.ok("Arabic match: source dir=rtl", src.get_attribute("dir") == "rtl")
    C.ok("English target in the same list: dir=ltr", tgt.get_attribute("dir") == "ltr")
    C.ok("rendered right-to-left (computed direction)",
         drv.execute_script("return getComputedStyle(arguments[0]).direction", src) == "rtl")
    want = en.replace("20.", "21.")  # numbers carried over from the query
    C.ok("the target is the stored translation, the query's number carried over",
         tgt.text == want, tgt.text)
    C.ok("a score is shown", first.find_element(By.CSS_SELECTOR, ".score").text.endswith("%"))
    C.ok("the match says the query's number was carried over",
         [e.text for e in first.find_elements(By.CSS_SELECTOR, ".head .note")] ==
         ["numbers carried over"], first.find_element(By.CSS_SELECTOR, ".head").text)
    C.ok("the diff marks what differs from the query",
         first.find_elements(By.CSS_SELECTOR, ".src del") and
         first.find_elements(By.CSS_SELECTOR, ".src ins"))
    shot(drv, "1-fuzzy-arabic")

    # Tab to Copy, Enter
    C.ok("Tab reaches the first Copy button",
         tab_to(drv, lambda e: e.get_attribute("class") == "copy"))
    keys(drv, Keys.ENTER)
    wait(drv, lambda d: "Copied" in d.find_element(By.ID, "status").text)
    C.ok("Enter on Copy copies the target", want in drv.find_element(By.ID, "status").text,
         drv.find_element(By.ID, "status").text)
    # Tab to Details, Enter, Escape
    C.ok("Tab reaches the Details link", tab_to(drv, lambda e: "details" in
                                                (e.get_attribute("class") or "")))
    keys(drv, Keys.ENTER)
    wait(drv, lambda d: d.find_element(By.ID, "details").get_attribute("open") is not None)
    body = drv.find_element(By.ID, "dbody")
    C.ok("details: both variants with their text and direction",
         [h.text for h in body.find_elements(By.TAG_NAME, "h3")] == ["ar", "en"] and
         body.find_element(By.CSS_SELECTOR, "p[dir=rtl]").text == ar and
         body.find_element(By.CSS_SELECTOR, "p[dir=ltr]").text == en, body.text)
    C.ok("details: the creation date", "creationdate" in body.text, body.text)
    C.ok("details: the dialog takes the focus", active(drv).get_attribute("id") == "dclose")
    shot(drv, "2-details")
    keys(drv, Keys.ESCAPE)
    C.ok("Escape closes the details",
         waited(drv, lambda d: d.find_element(By.ID, "details").get_attribute("open") is None))

    # a unit with a prop, a note and dates: all in its details
    keys(drv, "/")
    q = drv.find_element(By.ID, "q")
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(Keys.DELETE)
    keys(drv, "وثيقة مراجعة بعناية فائقة", Keys.ENTER)
    wait(drv, lambda d: "reviewed" in d.find_element(By.ID, "results").text)
    tab_to(drv, lambda e: "details" in (e.get_attribute("class") or ""))
    keys(drv, Keys.ENTER)
    wait(drv, lambda d: d.find_element(By.ID, "details").get_attribute("open") is not None)
    body = drv.find_element(By.ID, "dbody").text
    C.ok("details: props, notes, dates and usage count",
         "Demo project" in body and "Checked by the reviewer" in body and
         "20250607T080910Z" in body and "usagecount" in body and "3" in body, body)
    shot(drv, "2b-details-props-notes")
    keys(drv, Keys.ESCAPE)
    wait(drv, lambda d: d.find_element(By.ID, "details").get_attribute("open") is None)

    # a substituted number that needs another form of the words around it (1 → 3: message →
    # messages): the page says so, as the text output and the JSON do
    keys(drv, "/")
    first, tgt, notes = first_match(drv, "لديك 3 رسالة جديدة في صندوق الوارد", "inbox")
    C.ok("agreement: the number carried over and a warning to check the words around it",
         tgt == "You have 3 new message in your inbox" and
         notes == ["numbers carried over", "check agreement: 3 (one → other)"] and
         len(first.find_elements(By.CSS_SELECTOR, ".head .note.warn")) == 1, notes)
    shot(drv, "2c-agreement")

    # a token the translation repeats from its source (a paper size), written as the query does
    _, tgt, notes = first_match(drv, "حجم الورق A5 للطباعة على الوجهين", "both sides")
    C.ok("a copied token: A5 in the translation, and the page says so",
         tgt == "Paper size A5 for printing on both sides" and notes == ["1 token as in the query"],
         (tgt, notes))

    # concordance, with the keyboard only: "/" back to the box, Shift+Tab to the tabs, →
    keys(drv, "/")
    C.ok("'/' goes back to the search box", active(drv).get_attribute("id") == "q")
    C.ok("Shift+Tab reaches the tabs", tab_to(drv, lambda e: e.get_attribute("role") == "tab",
                                              back=True))
    keys(drv, Keys.ARROW_RIGHT)
    C.ok("→ selects the concordance tab",
         drv.find_element(By.ID, "tab-concord").get_attribute("aria-selected") == "true" and
         active(drv).get_attribute("id") == "tab-concord")
    C.ok("concordance: one language, no target or threshold shown",
         not drv.find_element(By.ID, "tl").is_displayed() and
         not drv.find_element(By.ID, "min").is_displayed())
    C.ok("Tab goes on to the search box", tab_to(drv, lambda e: e.get_attribute("id") == "q"))
    q = drv.find_element(By.ID, "q")
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(Keys.DELETE)
    keys(drv, "جدول الأعمال", Keys.ENTER)
    wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .kwic"))
    hit = drv.find_element(By.CSS_SELECTOR, "#results > li")
    kw = hit.find_element(By.CSS_SELECTOR, ".kwic")
    C.ok("concordance: the Arabic line is rtl, the phrase marked",
         kw.get_attribute("dir") == "rtl" and
         kw.find_element(By.TAG_NAME, "mark").text.replace("ـ", "") == "جدول الأعمال",
         kw.text)
    tr = hit.find_element(By.CSS_SELECTOR, ".tr")
    C.ok("concordance: the translation is ltr", tr.get_attribute("dir") == "ltr" and
         "agenda" in tr.text, tr.text)
    shot(drv, "3-concordance")

    # back to fuzzy, swap the pair with the keyboard, an English query
    keys(drv, Keys.SHIFT + Keys.TAB)
    tab_to(drv, lambda e: e.get_attribute("role") == "tab", back=True)
    keys(drv, Keys.ARROW_LEFT)
    C.ok("← back to fuzzy matches",
         drv.find_element(By.ID, "tab-fuzzy").get_attribute("aria-selected") == "true")
    C.ok("Tab reaches the swap button", tab_to(drv, lambda e: e.get_attribute("id") == "swap"))
    keys(drv, Keys.ENTER)
    C.ok("the pair is now en → ar",
         (drv.find_element(By.ID, "sl").get_attribute("value"),
          drv.find_element(By.ID, "tl").get_attribute("value")) == ("en", "ar"))
    keys(drv, "/")
    q = drv.find_element(By.ID, "q")
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(Keys.DELETE)
    keys(drv, en.replace("council", "councils"), Keys.ENTER)
    wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#results > li .tgt[dir=rtl]"))
    first = drv.find_element(By.CSS_SELECTOR, "#results > li")
    C.ok("English → Arabic: source ltr, target rtl",
         first.find_element(By.CSS_SELECTOR, ".src").get_attribute("dir") == "ltr" and
         first.find_element(By.CSS_SELECTOR, ".tgt").get_attribute("dir") == "rtl")
    shot(drv, "4-english-arabic")

    # a unit's details have an address: opened directly, they show at once
    drv.get(s.url + "/#unit/m/17")
    wait(drv, lambda d: d.find_element(By.ID, "details").get_attribute("open") is not None)
    C.ok("#unit/m/17 opens that unit's details",
         drv.find_element(By.ID, "dtitle").text.startswith("Unit #17") and
         ar in drv.find_element(By.ID, "dbody").text, drv.find_element(By.ID, "dbody").text)
    keys(drv, Keys.ESCAPE)

    # a phone-sized window
    drv.set_window_size(390, 844)
    drv.get(s.url)
    wait(drv, lambda d: d.find_element(By.ID, "sl").get_attribute("value") != "")
    keys(drv, ar_query, Keys.ENTER)
    wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, "#results > li"))
    sw, iw = drv.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    C.ok("phone-sized (390 px): no horizontal scrolling (%d ≤ %d)" % (sw, iw), sw <= iw)
    shot(drv, "5-phone")

    errors = [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]
    C.ok("no errors in the browser console (CSP kept)", not errors, errors)


if __name__ == "__main__":
    try:
        code = main()
    except Exception:
        import traceback
        traceback.print_exc()
        code = 1
    sys.exit(code)
