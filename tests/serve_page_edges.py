#!/usr/bin/python3
"""serve_page_edges.py — the search page where an exploratory test found it wrong, in headless
Chromium (as serve_browser.py; skipped without chromium, chromium-driver, python3-selenium):

  - a stored text holding wdiff's own markers ("[-removed-]", "{+added+}"), matched at 100%:
    shown as it is, nothing struck out or marked inserted (the page reads "diff_ops");
  - a fuzzy match still shows its deletions and insertions;
  - with two memories, the concordance tab finds a phrase only the second one holds, and
    names that memory.
Screenshots in $JISR_ARTEFACTS/serve_page_edges/.
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import (ARTEFACTS, Checks, Server, make_tsv, run,  # noqa: E402
                          selenium_or_skip, tmpdir)

(webdriver, Service, By, Keys, WebDriverWait, TimeoutException, CHROMIUM,
 DRIVER) = selenium_or_skip()

C = Checks()
T = tmpdir("jisr-serve-page-edges-")
SHOTS = os.path.join(ARTEFACTS or T, "serve_page_edges")
os.makedirs(SHOTS, exist_ok=True)
WDIFF = "wdiff shows [-removed-] and {+added+} words"


def search(drv, text, until):
    q = drv.find_element(By.ID, "q")
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(Keys.DELETE)
    q.send_keys(text, Keys.ENTER)
    WebDriverWait(drv, 15).until(lambda d: until(d.find_element(By.ID, "status").text))
    return drv.find_elements(By.CSS_SELECTOR, "#results > li")


def main():
    ma, mb = os.path.join(T, "ma"), os.path.join(T, "mb")
    make_tsv(os.path.join(T, "a.tsv"), [(WDIFF, "نص فيه علامات"),
                                        ("the house is red", "البيت أحمر")])
    make_tsv(os.path.join(T, "b.tsv"), [("the black cat sleeps", "القطة السوداء تنام")])
    run("import", "--tm", ma, "-s", "en", "-t", "ar", "-q", os.path.join(T, "a.tsv"))
    run("import", "--tm", mb, "-s", "en", "-t", "ar", "-q", os.path.join(T, "b.tsv"))
    profile = tempfile.mkdtemp(prefix="jisr-chromium-", dir=T)
    with Server(T, ["--tm", ma, "--tm", mb + ":10"]) as s:
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
                  "--window-size=1200,900", "--lang=en"):
            opts.add_argument(a)
        drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
        try:
            drv.get(s.url)
            WebDriverWait(drv, 15).until(
                lambda d: d.find_element(By.ID, "sl").get_attribute("value") != "")
            drv.execute_script("document.getElementById('sl').value = 'en';"
                               "document.getElementById('tl').value = 'ar';")
            items = search(drv, WDIFF, lambda t: "match" in t)
            src = items[0].find_element(By.CSS_SELECTOR, ".src") if items else None
            C.ok("a 100% match holding [-…-] and {+…+}: its text as stored, nothing marked",
                 src is not None and src.text == WDIFF and
                 not src.find_elements(By.CSS_SELECTOR, "del, ins"),
                 src.get_attribute("innerHTML") if src else items)
            drv.save_screenshot(os.path.join(SHOTS, "1-markers.png"))
            items = search(drv, "the house is blue", lambda t: "match" in t)
            src = items[0].find_element(By.CSS_SELECTOR, ".src") if items else None
            C.ok("a fuzzy match: its deletion and insertion marked",
                 src is not None and
                 [e.text for e in src.find_elements(By.CSS_SELECTOR, "del")] == ["blue"] and
                 [e.text for e in src.find_elements(By.CSS_SELECTOR, "ins")] == ["red"],
                 src.get_attribute("innerHTML") if src else items)
            drv.find_element(By.ID, "tab-concord").click()
            items = search(drv, "black cat", lambda t: t != "" and "Searching" not in t)
            C.ok("concordance: a phrase only the second memory holds, that memory named",
                 len(items) == 1 and "the black cat sleeps" in items[0].text and
                 items[0].find_elements(By.CSS_SELECTOR, ".mem") and
                 items[0].find_element(By.CSS_SELECTOR, ".mem").text == "mb",
                 [i.text for i in items] or drv.find_element(By.ID, "status").text)
            drv.save_screenshot(os.path.join(SHOTS, "2-concordance.png"))
        finally:
            drv.quit()
    shutil.rmtree(T, ignore_errors=True)
    return C.done()


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(T, ignore_errors=True)
