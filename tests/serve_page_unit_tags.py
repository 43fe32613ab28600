#!/usr/bin/python3
"""serve_page_unit_tags.py — the search page shows a stored unit's inline tags (the
"text_tagged" of /v1/concord and /v1/units/{id}) in headless Chromium (as serve_browser.py;
skipped without chromium, chromium-driver, python3-selenium), on the memory of
serve_unit_tags.py:

  - Concordance: a hit whose unit holds tags is marked "tags" (the query results' badge), its
    text and its translation shown with their tags below the plain ones (the tags' own codes,
    <b>, set apart); a hit without tags is not marked; Copy copies the plain translation and
    says it left the tags out;
  - Details: each variant holding tags marked "tags" and shown with its tags; a variant without
    tags as before;
  - nothing the server sends is HTML: a stored text "<img src=x onerror=…>" (plain, in a tagged
    text, inside a <ph>) is shown as text — no <img> in the page, its onerror never run.
Screenshots in $JISR_ARTEFACTS/serve_page_unit_tags/.
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import (ARTEFACTS, Checks, page_sections,  # noqa: E402
                          page_loaded, page_status, selenium_or_skip, tmpdir)
from serve_unit_tags import make_memory  # noqa: E402

(webdriver, Service, By, Keys, WebDriverWait, TimeoutException, CHROMIUM,
 DRIVER) = selenium_or_skip()

C = Checks()
T = tmpdir("jisr-serve-page-unit-tags-")
SHOTS = os.path.join(ARTEFACTS or T, "serve_page_unit_tags")
os.makedirs(SHOTS, exist_ok=True)
IMG = "<img src=x onerror=window.__jisrXss="


def search(drv, text):
    q = drv.find_element(By.ID, "q")
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(Keys.DELETE)
    q.send_keys(text, Keys.ENTER)
    WebDriverWait(drv, 15).until(lambda d: page_status(d) not in ("", "Searching…"))
    return drv.find_elements(By.CSS_SELECTOR, "#results > li")


def no_injection(drv, where):
    imgs = drv.execute_script("return document.querySelectorAll('img').length")
    ran = drv.execute_script("return window.__jisrXss === undefined ? null : window.__jisrXss")
    C.ok(where + ": no <img> made from stored text, no onerror run", imgs == 0 and ran is None,
         (imgs, ran))


def hit_with(items, words):
    for li in items:
        if words in li.find_element(By.CSS_SELECTOR, ".kwic").text:
            return li
    return None


def codes(p):
    return [c.text for c in p.find_elements(By.CSS_SELECTOR, "code.tag")]


def concordance(drv, url):
    page_loaded(drv, url)
    drv.find_element(By.ID, "tab-concord").click()
    items = search(drv, "Close")
    drv.save_screenshot(os.path.join(SHOTS, "1-concordance.png"))
    C.ok("concordance 'Close': four hits", len(items) == 4, (len(items), page_status(drv)))
    bold = hit_with(items, "Save & Close")
    badge = bold.find_elements(By.CSS_SELECTOR, ".head .tags") if bold else []
    C.ok("concordance: a hit holding tags marked 'tags', as a query result is",
         badge and badge[0].text == "tags" and "Copy" in (badge[0].get_attribute("title") or ""),
         bold.text if bold else [i.text for i in items])
    tagged = bold.find_elements(By.CSS_SELECTOR, ".tagged") if bold else []
    C.ok("concordance: the hit's text and its translation shown with their tags, the codes "
         "set apart",
         len(tagged) == 2 and codes(tagged[0]) == ["<b>", "</b>"] and
         "Save & Close" in tagged[0].text and "if 1 < 2 > 0" in tagged[0].text and
         tagged[1].get_attribute("lang") == "ar" and codes(tagged[1]) == ["<b>", "</b>"] and
         "حفظ وإغلاق" in tagged[1].text, [t.text for t in tagged])
    C.ok("concordance: the context stays plain (the match marked in it)",
         bold and bold.find_element(By.CSS_SELECTOR, ".kwic mark").text == "Close" and
         not bold.find_elements(By.CSS_SELECTOR, ".kwic code"), bold.text if bold else None)
    plain = hit_with(items, "Plain")
    C.ok("concordance: a hit without tags not marked, no tagged form",
         plain is not None and not plain.find_elements(By.CSS_SELECTOR, ".tags, .tagged"),
         plain.text if plain else None)
    C.ok("concordance: a stored '<img …>' shown as text",
         plain is not None and IMG + "1>" in plain.find_element(By.CSS_SELECTOR, ".kwic").text,
         plain.text if plain else None)
    inject = hit_with(items, "door")
    tagged = inject.find_elements(By.CSS_SELECTOR, ".tagged") if inject else []
    C.ok("concordance: '<img …>' in a tagged text and inside a <ph> shown as text",
         tagged and IMG + "2>" in tagged[0].text and
         codes(tagged[0]) == [IMG + "3>", "<i>"], [t.text for t in tagged])
    no_injection(drv, "concordance")
    if bold:
        bold.find_element(By.CSS_SELECTOR, "button.copy").click()
        WebDriverWait(drv, 15).until(lambda d: "Copied" in page_status(d))
    C.ok("concordance: Copy copies the plain translation and says it left the tags out",
         page_status(drv) == "Copied without its tags: انقر حفظ وإغلاق الآن", page_status(drv))
    if plain:
        plain.find_element(By.CSS_SELECTOR, "button.copy").click()
        WebDriverWait(drv, 15).until(lambda d: "غامق" in page_status(d))
    C.ok("concordance: Copy of a translation without tags as before",
         page_status(drv) == "Copied: نص عادي <b>غامق</b>", page_status(drv))


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
    items = search(drv, "Close")
    body = open_details(drv, hit_with(items, "Save & Close"))
    drv.save_screenshot(os.path.join(SHOTS, "2-details.png"))
    heads = body.find_elements(By.CSS_SELECTOR, "h3")
    C.ok("Details: each variant holding tags marked 'tags'",
         [h.text for h in heads] == ["en tags", "ar tags"] and
         all(h.find_elements(By.CSS_SELECTOR, ".note.tags") for h in heads),
         [h.text for h in heads])
    tagged = body.find_elements(By.CSS_SELECTOR, ".tagged")
    C.ok("Details: each variant shown with its tags, below its plain text",
         len(tagged) == 2 and codes(tagged[0]) == ["<b>", "</b>"] and
         tagged[0].get_attribute("lang") == "en" and "Save & Close" in tagged[0].text and
         codes(tagged[1]) == ["<b>", "</b>"] and tagged[1].get_attribute("dir") == "rtl",
         [t.text for t in tagged])
    C.ok("Details: the plain texts as before",
         "Click Save & Close if 1 < 2 > 0" in body.text and "انقر حفظ وإغلاق الآن" in body.text,
         body.text)
    close_details(drv)
    body = open_details(drv, hit_with(items, "door"))
    drv.save_screenshot(os.path.join(SHOTS, "3-details-injection.png"))
    tagged = body.find_elements(By.CSS_SELECTOR, ".tagged")
    C.ok("Details: '<img …>' in the text and inside a <ph> shown as text",
         len(tagged) == 2 and IMG + "2>" in tagged[0].text and
         codes(tagged[0]) == [IMG + "3>", "<i>"] and
         codes(tagged[1]) == [IMG + "3>"] and IMG + "2>" in body.text, body.text)
    no_injection(drv, "Details of a tagged unit")
    close_details(drv)
    body = open_details(drv, hit_with(items, "Plain"))
    C.ok("Details: a unit without tags as before (no mark, no tagged form, '<img …>' as text)",
         not body.find_elements(By.CSS_SELECTOR, ".tags, .tagged") and
         [h.text for h in body.find_elements(By.CSS_SELECTOR, "h3")] == ["en", "ar"] and
         IMG + "1>" in body.text, body.text)
    no_injection(drv, "Details of a unit without tags")
    close_details(drv)
    # the same through the unit's own address (#unit/NAME/ID), the code unit
    drv.execute_script("location.hash = arguments[0]", "#unit/tagged/2")
    WebDriverWait(drv, 15).until(lambda d: d.find_element(By.ID, "details").is_displayed())
    tagged = drv.find_elements(By.CSS_SELECTOR, "#dbody .tagged")
    C.ok("Details by address: a <ph> holding {0} shown as its code",
         len(tagged) == 2 and codes(tagged[0]) == ["{0}"] and "files now" in tagged[0].text,
         [t.text for t in tagged])
    close_details(drv)


def main():
    return page_sections(C, T, make_memory(T), (concordance, details))


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(T, ignore_errors=True)
