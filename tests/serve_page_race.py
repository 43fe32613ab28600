#!/usr/bin/python3
"""serve_page_race.py — the search page shows only the latest search's answer, in headless
Chromium (as serve_browser.py; skipped without chromium, chromium-driver, python3-selenium).

A tester's answers came back out of order (a slow link, a proxy, a query waiting for a query
thread): the list showed an earlier sentence's match under the later sentence, and a fuzzy answer
filled the Concordance tab after a switch to it. Here the page's window.fetch is wrapped so that
the answer of a search for "Printer" comes back 1.5 s late (whatever the request's form: the text
in the URL or in a POST body), then:

  - "Download Printer Driver", then at once "Connecting to %s": when the late answer has come
    back, the list still shows the match of "Connecting to %s" only;
  - "Download Printer Driver", then the Concordance tab: when the late answer has come back, the
    tab shows no fuzzy match and its status no match count.
Screenshots in $JISR_ARTEFACTS/serve_page_race/.
"""
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
T = tmpdir("jisr-serve-page-race-")
SHOTS = os.path.join(ARTEFACTS or T, "serve_page_race")
os.makedirs(SHOTS, exist_ok=True)

# every request whose URL or body names "Printer" is answered 1.5 s late (its promise, resolved
# or rejected, held back); window.__late counts those that have come back
SLOW_FETCH = """
window.__late = 0;
const f = window.fetch;
window.fetch = async (u, o) => {
  const slow = String(u).includes("Printer") ||
               (o && typeof o.body === "string" && o.body.includes("Printer"));
  const p = f(u, o).then((r) => ({ r: r }), (e) => ({ e: e }));
  if (!slow) { const x = await p; if (x.e) throw x.e; return x.r; }
  await new Promise((z) => setTimeout(z, 1500));
  const x = await p;
  window.__late++;
  if (x.e) throw x.e;
  return x.r;
};
"""


def search(drv, text):
    q = drv.find_element(By.ID, "q")
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(Keys.DELETE)
    q.send_keys(text, Keys.ENTER)


def after_late(drv, n):
    """Wait until n late answers have come back, and a little more for the page to use them."""
    WebDriverWait(drv, 15).until(lambda d: d.execute_script("return window.__late") >= n)
    time.sleep(0.3)


def shown(drv):
    return [li.text for li in drv.find_elements(By.CSS_SELECTOR, "#results > li")]


def main():
    mem = os.path.join(T, "m")
    make_tsv(os.path.join(T, "u.tsv"), [("Download Printer Driver", "تنزيل برنامج تشغيل الطابعة"),
                                        ("Connecting to %s", "الاتصال بـ%s")])
    run("import", "--tm", mem, "-s", "en", "-t", "ar", "-q", os.path.join(T, "u.tsv"))
    profile = tempfile.mkdtemp(prefix="jisr-chromium-", dir=T)
    with Server(T, ["--tm", mem]) as s:
        drv = headless_chromium(profile)
        try:
            drv.get(s.url)
            WebDriverWait(drv, 15).until(
                lambda d: d.find_element(By.ID, "sl").get_attribute("value") != "")
            drv.execute_script("document.getElementById('sl').value = 'en';"
                               "document.getElementById('tl').value = 'ar';"
                               "document.getElementById('sl').dispatchEvent(new Event('change'));")
            drv.execute_script(SLOW_FETCH)

            # two searches, the first one's answer back last
            search(drv, "Download Printer Driver")
            time.sleep(0.2)
            search(drv, "Connecting to %s")
            WebDriverWait(drv, 15).until(lambda d: "الاتصال" in d.find_element(By.ID, "results").text)
            after_late(drv, 1)
            items = shown(drv)
            C.ok("an earlier search's late answer does not replace the latest one's",
                 len(items) == 1 and "Connecting to %s" in items[0] and
                 "Printer" not in items[0] and
                 drv.find_element(By.ID, "status").text == "1 match",
                 (items, drv.find_element(By.ID, "status").text))
            drv.save_screenshot(os.path.join(SHOTS, "1-two-searches.png"))

            # a search, then the Concordance tab before its answer
            search(drv, "Download Printer Driver")
            time.sleep(0.2)
            drv.find_element(By.ID, "tab-concord").click()
            after_late(drv, 2)
            items = shown(drv)
            C.ok("a fuzzy answer that comes back after a switch to the Concordance tab is not "
                 "shown there",
                 drv.find_element(By.ID, "tab-concord").get_attribute("aria-selected") == "true"
                 and items == [] and "match" not in drv.find_element(By.ID, "status").text,
                 (items, drv.find_element(By.ID, "status").text))
            drv.save_screenshot(os.path.join(SHOTS, "2-tab-switch.png"))

            # the page still works: a concordance search in that tab
            search(drv, "Connecting")
            WebDriverWait(drv, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results .kwic"))
            C.ok("then a concordance search in that tab shows its hit",
                 "Connecting to %s" in drv.find_element(By.ID, "results").text,
                 shown(drv))
        finally:
            drv.quit()
    shutil.rmtree(T, ignore_errors=True)
    return C.done()


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(T, ignore_errors=True)
