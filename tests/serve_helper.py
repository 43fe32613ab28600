"""serve_helper.py — what the `jisr serve` tests share (Python standard library only).

Server(...) starts `jisr serve` on a free loopback port (port 0 and --ready-file, so there is no
race for a port; its url is the ready file's, without a trailing '/': url + "/v1/…") and stops it — every test stops every process it starts, also on failure
(use it as a context manager). request() sends one request with the target exactly as given
(http.client, no re-encoding). Checks prints "ok"/"FAIL" lines and gives the exit status.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

JISR = os.environ.get("JISR_BINARY", "jisr")
TEST_DATA = os.environ.get("JISR_TEST_DATA", "")
SOURCE_DIR = os.environ.get("JISR_SOURCE_DIR", "")
ARTEFACTS = os.environ.get("JISR_ARTEFACTS", "")


class Checks:
    def __init__(self):
        self.fails = 0
        self.n = 0

    def ok(self, desc, cond, detail=""):
        self.n += 1
        if cond:
            print("ok   " + desc, flush=True)
        else:
            self.fails += 1
            print("FAIL " + desc + (": " + str(detail) if detail != "" else ""), flush=True)
        return cond

    def section(self, part, *args):
        """Run part(*args), one part of a test's checks: one that stops (an element missing, a
        wait that times out) is a failed check, and the next part still runs."""
        try:
            part(*args)
        except Exception as e:  # noqa: BLE001
            self.ok(part.__name__ + ": ran to its end", False, repr(e).split("\\n")[0][:300])

    def done(self):
        # every server a Server started and stopped: a sanitizer's report goes to its log (the
        # server's stderr), which the test's directory takes away with it
        for srv in SERVERS:  # a server that died (a sanitizer's halt) was not stopped
            srv.stop()
        self.ok("no sanitizer report in the logs of the %d servers started" % len(SERVERS),
                not SANITIZER_REPORTS, "\n".join(SANITIZER_REPORTS)[:6000])
        print("%d checks, %d failed" % (self.n, self.fails), flush=True)
        return 1 if self.fails else 0


def run(*args, stdin=None, check=True):
    """Run jisr with args; returns (status, stdout, stderr) as text."""
    p = subprocess.run([JISR] + list(args), input=stdin, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError("jisr %s failed: %s" % (" ".join(args), p.stderr))
    return p.returncode, p.stdout, p.stderr


# what the servers' logs held of ThreadSanitizer, AddressSanitizer or UBSan (Checks.done)
SANITIZER_REPORTS = []
SERVERS = []
_SANITIZER = re.compile(r"WARNING: ThreadSanitizer|ERROR: AddressSanitizer|"
                        r"ERROR: LeakSanitizer|runtime error: ")


class Server:
    def __init__(self, tmp, args, name="server", env=None):
        SERVERS.append(self)
        self.tmp = tmp
        self.ready = os.path.join(tmp, name + ".ready")
        self.logpath = os.path.join(tmp, name + ".log")
        if os.path.exists(self.ready):
            os.unlink(self.ready)
        cmd = [JISR, "serve", "--listen", "127.0.0.1:0", "--ready-file", self.ready] + list(args)
        self.log = open(self.logpath, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env if env else os.environ.copy())
        deadline = time.time() + 30
        self.url = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            if os.path.exists(self.ready):
                with open(self.ready) as f:
                    u = f.read().strip()
                if u:
                    self.url = u
                    break
            time.sleep(0.02)
        if not self.url:
            self.stop()
            raise RuntimeError("the server did not start:\n" + self.log_text())
        p = urllib.parse.urlparse(self.url)
        self.host, self.port = p.hostname, p.port

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, timeout=60):
        """Stop the server; returns its exit status (killed after timeout: -9)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()
            try:
                text = self.log_text()
            except OSError:  # its directory removed
                text = ""
            m = _SANITIZER.search(text)
            if m:
                SANITIZER_REPORTS.append("%s: %s" % (self.logpath,
                                                     text[m.start():m.start() + 3000]))
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()  # its log scanned also when it has exited by itself
        return False

    def request(self, method, target, body=None, headers=None, timeout=60, source=None):
        return request(self.host, self.port, method, target, body, headers, timeout, source)

    def get_json(self, target, headers=None):
        st, h, b = self.request("GET", target, headers=headers)
        return st, (json.loads(b) if b else None)


def request(host, port, method, target, body=None, headers=None, timeout=60, source=None):
    """One request on a fresh connection; returns (status, headers dict lower-cased, body).
    source: the client's address (another loopback address, 127.0.0.2, is another client to
    the server's per-client limits)."""
    c = http.client.HTTPConnection(host, port, timeout=timeout,
                                   source_address=(source, 0) if source else None)
    try:
        c.putrequest(method, target, skip_accept_encoding=True)
        hs = dict(headers or {})
        if body is not None and "Content-Length" not in hs:
            hs["Content-Length"] = str(len(body))
        for k, v in hs.items():
            c.putheader(k, v)
        c.endheaders()
        if body is not None:
            try:  # a server that answers early (401, 413) may close before the body is sent
                c.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def raw(host, port, data, timeout=10, whole=False):
    """Send raw bytes on a fresh connection; returns what came back until the server closes —
    or, with whole, once one whole response has come (its headers and the Content-Length bytes
    of its body), rather than waiting out the timeout on a connection the server keeps alive."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while not (whole and response_complete(out)):
            try:
                k = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not k:
                break
            out += k
        return out
    finally:
        s.close()


def response_complete(out):
    """Whether out holds a whole HTTP response with a Content-Length (not one chunked)."""
    head, sep, body = out.partition(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:[ \t]*(\d+)[ \t]*\r?$", head) if sep else None
    return m is not None and len(body) >= int(m.group(1))


def weblate_quote(part):
    """How Weblate's machinery builds a URL segment: quote(part, safe="")."""
    if isinstance(part, str):
        part = part.encode()
    return urllib.parse.quote(part, safe=b"")


def make_tsv(path, pairs):
    with open(path, "w", encoding="utf-8") as f:
        for a, b in pairs:
            f.write(a + "\t" + b + "\n")


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def selenium_or_skip():
    """Selenium's modules (webdriver, Service, By, Keys, WebDriverWait, TimeoutException) and
    chromium's and chromedriver's paths, or exit 77 (ctest's skip) when any is missing."""
    import shutil
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    try:
        from selenium import webdriver
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        webdriver = None
    if not webdriver or not chromium or not os.path.exists(driver):
        print("skip: chromium, chromium-driver or python3-selenium not installed")
        sys.exit(77)
    return (webdriver, Service, By, Keys, WebDriverWait, TimeoutException, chromium, driver)


def headless_chromium(profile, browser_log=False):
    """A headless Chromium driven by Selenium, its profile in the directory profile (the
    browser's console log kept when browser_log); selenium_or_skip() first."""
    webdriver, Service, _, _, _, _, chromium, driver = selenium_or_skip()
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
              "--window-size=1200,900", "--lang=en"):
        opts.add_argument(a)
    if browser_log:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=opts)


def page_loaded(drv, url, sl="en", tl="ar"):
    """Open the search page at url, wait until it has read the languages, and choose sl → tl."""
    _, _, by, _, wait, _, _, _ = selenium_or_skip()
    drv.get(url)
    wait(drv, 15).until(lambda d: d.find_element(by.ID, "sl").get_attribute("value") != "")
    drv.execute_script("document.getElementById('sl').value = arguments[0];"
                       "document.getElementById('tl').value = arguments[1];"
                       "document.getElementById('sl').dispatchEvent(new Event('change'));", sl, tl)


def page_sections(checks, tmp, mem, parts):
    """Serve memory mem, open the search page in a headless Chromium and run each part
    (part(drv, url)) as a section of checks; the browser and the server are stopped whatever
    happens. Returns checks.done()."""
    profile = tempfile.mkdtemp(prefix="jisr-chromium-", dir=tmp)
    with Server(tmp, ["--tm", mem]) as s:
        drv = headless_chromium(profile)
        try:
            for part in parts:
                checks.section(part, drv, s.url)
        finally:
            drv.quit()
    return checks.done()


def page_status(drv):
    """The search page's status line."""
    _, _, by, _, _, _, _, _ = selenium_or_skip()
    return drv.find_element(by.ID, "status").text
