#!/usr/bin/python3
"""serve_weblate.py — a real client's code path: Weblate's tmserver machinery
(weblate/machinery/tmserver.py with the URL builder of weblate/machinery/base.py), rewritten
here with the Python standard library the way Weblate writes it:

  - language codes mapped with code.replace("-", "_").lower();
  - the languages list from GET {url}/languages/ (the trailing slash from a "" part), every
    (source, target) pair of the two lists supported;
  - a suggestion URL "/".join([url] + [quote(part, b"") for part in parts]) with the text cut to
    500 characters, "\\r" replaced by a space, and encoded to UTF-8 before quoting;
  - results whose int(quality) is below the threshold (75) dropped.

Its answers on a memory are compared with `jisr query --json --min 75 -n 5` on the same memory
(same targets, same qualities, same order), for Arabic and English texts with / + % ? # in
them, near and exact matches, a 700-character text (cut by the client), "\\r", and pt-BR.
"""
import json
import os
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import Checks, Server, make_tsv, run, tmpdir  # noqa: E402

C = Checks()
T = tmpdir("jisr-serve-weblate-")
THRESHOLD = 75  # weblate.machinery.base.MACHINERY_DEFAULT_THRESHOLD


class WeblateTMServer:
    """The code path of Weblate's TMServerTranslation, standard library only."""
    name = "tmserver"

    def __init__(self, url):
        self.settings = {"url": url}
        self.supported_languages = self.download_languages()

    @property
    def api_base_url(self):
        base = self.settings["url"]
        if base.endswith("/"):
            base = base.rstrip("/")
        return base

    def get_api_url(self, *parts):
        return "/".join([self.api_base_url] +
                        [urllib.parse.quote(part, b"") for part in parts])

    def map_language_code(self, code):
        return code.replace("-", "_").lower()

    def request(self, url):
        with urllib.request.urlopen(url, timeout=30) as r:
            return json.loads(r.read())

    def download_languages(self):
        try:
            data = self.request(self.get_api_url("languages", ""))
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return []
            raise
        return [(src, tgt) for src in data["sourceLanguages"] for tgt in data["targetLanguages"]]

    def is_supported(self, source_language, target_language):
        if not self.supported_languages:
            return True
        return (source_language, target_language) in self.supported_languages

    def download_translations(self, source_language, target_language, text,
                              threshold=THRESHOLD):
        url = self.get_api_url(self.map_language_code(source_language),
                               self.map_language_code(target_language), "unit",
                               text[:500].replace("\r", " ").encode())
        for line in self.request(url):
            quality = int(line["quality"])
            if quality < threshold:
                continue
            yield {"text": line["target"], "quality": quality, "service": self.name,
                   "source": line["source"]}


def jisr_query(mem, text, sl, tl):
    _, out, _ = run("query", "--tm", mem, "-s", sl, "-t", tl, "--json", "--min", "75", "-n", "5",
                    text[:500].replace("\r", " "))
    return [(m["target"], m["score"], m["source"]) for m in json.loads(out)["matches"]]


def main():
    base = [tuple(l.rstrip("\n").split("\t")) for l in
            open(os.path.join(os.environ["JISR_TEST_DATA"], "tm", "ar-en.tsv"), encoding="utf-8")]
    special = [
        ("الصفحة 3/4 + الملحق 50% ؟ البند #7", "Page 3/4 + annex 50%? Item #7"),
        ("و/أو أ+ب بنسبة ١٠٠٪ لماذا؟ #وسم", "and/or a+b at 100% why? #tag"),
        ("استعلام a&b=c;d؟ (نعم)", "Query a&b=c;d? (yes)"),
    ]
    long_en = " ".join("Paragraph %d of the long report describes item %d in detail." % (i, i * 3)
                       for i in range(12))
    long_ar = " ".join("الفقرة %d من التقرير الطويل تصف البند %d بالتفصيل." % (i, i * 3)
                       for i in range(12))
    assert len(long_en) > 700
    make_tsv(os.path.join(T, "u.tsv"), base + special + [(long_ar, long_en)])
    mem = os.path.join(T, "m")
    run("import", "--tm", mem, "-s", "ar", "-t", "en", "-q", os.path.join(T, "u.tsv"))
    make_tsv(os.path.join(T, "pt.tsv"), [("Save the file", "Salvar o arquivo"),
                                         ("Open the file", "Abrir o arquivo")])
    run("import", "--tm", mem, "-s", "en", "-t", "pt-BR", "-q", os.path.join(T, "pt.tsv"))

    with Server(T, ["--tm", mem]) as s:
        w = WeblateTMServer(s.url + "/tmserver")
        C.ok("languages: (ar, en), (en, ar), (en, pt_br) supported",
             w.is_supported("ar", "en") and w.is_supported("en", "ar") and
             w.is_supported("en", "pt_br"), w.supported_languages)
        C.ok("(fr, en) not supported", not w.is_supported("fr", "en"))
        w2 = WeblateTMServer(s.url + "/api/v1/")
        C.ok("the /api/v1 base URL (with a trailing slash) works too",
             w2.supported_languages == w.supported_languages)

        texts = []
        for i, (ar, en) in enumerate(base[::11]):
            texts.append(("ar", "en", ar))
            texts.append(("en", "ar", en))
            words = en.split()
            words[len(words) // 2] = "something"
            texts.append(("en", "ar", " ".join(words)))
            aw = ar.split()
            texts.append(("ar", "en", " ".join(aw[:-1])))
        for ar, en in special:
            texts += [("ar", "en", ar), ("en", "ar", en), ("en", "ar", en.replace(" ", "\r", 1))]
        texts += [("en", "ar", long_en), ("ar", "en", long_ar), ("en", "pt-BR", "Save a file"),
                  ("en", "ar", "zzqq nothing like it"), ("ar", "en", "لا شيء يشبه هذا إطلاقا")]
        same, nonempty, exact = 0, 0, 0
        for sl, tl, text in texts:
            got = [(r["text"], r["quality"], r["source"])
                   for r in w.download_translations(sl, tl, text)]
            want = jisr_query(mem, text, sl, tl)
            if got == want:
                same += 1
            else:
                print("  differs: %s→%s %r\n    weblate: %r\n    jisr:    %r" %
                      (sl, tl, text[:80], got[:3], want[:3]))
            nonempty += bool(got)
            exact += bool(got) and got[0][1] == 100
        C.ok("Weblate's client = jisr query on %d texts (%d with suggestions, %d exact)" %
             (len(texts), nonempty, exact), same == len(texts) and nonempty > len(texts) // 2,
             (same, len(texts)))
        # the texts with / + % ? # come back whole: exact suggestions of the stored units
        for ar, en in special:
            r = list(w.download_translations("en", "ar", en))
            C.ok("Weblate, English %r → %r at 100" % (en, ar),
                 r and r[0]["quality"] == 100 and r[0]["source"] == en and r[0]["text"] == ar, r)
            r = list(w.download_translations("ar", "en", ar))
            C.ok("Weblate, Arabic %r → %r at 100" % (ar, en),
                 r and r[0]["quality"] == 100 and r[0]["source"] == ar and r[0]["text"] == en, r)
        r = list(w.download_translations("en", "pt-BR", "Save the file"))
        C.ok("pt-BR (Weblate sends pt_br)", r and r[0]["text"] == "Salvar o arquivo", r)
        try:
            list(w.download_translations("fr", "en", "Bonjour"))
            C.ok("an unsupported pair raises (HTTP 404)", False)
        except urllib.error.HTTPError as e:
            C.ok("an unsupported pair raises (HTTP 404)", e.code == 404, e.code)
    shutil.rmtree(T, ignore_errors=True)
    return C.done()


if __name__ == "__main__":
    try:
        code = main()
    except Exception:
        import traceback
        traceback.print_exc()
        code = 1
    sys.exit(code)
