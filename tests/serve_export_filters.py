#!/usr/bin/python3
"""serve_export_filters.py — `GET /v1/export` takes `jisr export`'s filters, on a real server on a
loopback port and a real LMDB memory imported from a TMX written here (units with props of the
<tu>, change and creation dates, one without dates, two without Arabic):

  - prop=TYPE=VALUE (repeatable): values of one type are alternatives, different types must all
    match (`jisr export --prop`);
  - changed_since (on or after: a unit changed exactly at the date is kept) and changed_before
    (strictly before: that unit is left out); a unit never changed is dated by its creation (one
    imported without dates: by the import's time, now) (`--changed-since`, `--changed-before`);
  - the filters combined with source/target;
  - a date that is not one, or a prop without '=', is a 400 naming the parameter, as /v1/query's;
  - every answer's body is what `jisr export` writes with the same filters (the header's
    creationdate aside), the source's variant first (source=fr: the French before the English).

Before the server read them (2026-12-07), /v1/export ignored these parameters and answered 200
with every unit of the memory.
"""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_helper import Checks, Server, run, tmpdir  # noqa: E402

# (tuid, props of the <tu>, changedate, creationdate, {lang: text})
UNITS = [
    ("at", [("client", "acme"), ("domain", "legal")], "20240301T000000Z", "20230101T000000Z",
     {"en": "The contract starts today", "ar": "يبدأ العقد اليوم"}),
    ("before", [("client", "acme"), ("domain", "finance")], "20240229T235959Z", None,
     {"en": "The invoice is due", "ar": "الفاتورة مستحقة"}),
    ("created", [("client", "globex"), ("domain", "legal")], None, "20240315T120000Z",
     {"en": "Sign the agreement", "ar": "وقّع الاتفاقية"}),
    ("noprops", [], "20240401T000000Z", None,
     {"en": "Open the window", "ar": "افتح النافذة"}),
    ("imported", [("client", "acme")], None, None,
     {"en": "Close the door", "ar": "أغلق الباب"}),
    ("french", [("client", "acme"), ("domain", "legal")], "20240310T000000Z", None,
     {"en": "The court is closed", "fr": "Le tribunal est fermé"}),
    ("initech", [("client", "initech"), ("domain", "legal")], "20240305T000000Z", None,
     {"en": "The law applies", "ar": "ينطبق القانون"}),
    ("frglobex", [("client", "globex")], None, None,
     {"en": "The shop is open", "fr": "Le magasin est ouvert"}),
]
ALL = {u[0] for u in UNITS}


def write_tmx(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
                'adminlang="en" srclang="*all*" datatype="plaintext"/><body>\n')
        for tuid, props, changed, created, texts in UNITS:
            attrs = ' tuid="%s"' % tuid
            if changed:
                attrs += ' changedate="%s"' % changed
            if created:
                attrs += ' creationdate="%s"' % created
            f.write("<tu%s>" % attrs)
            for t, v in props:
                f.write('<prop type="%s">%s</prop>' % (t, v))
            for lang, text in texts.items():
                f.write('<tuv xml:lang="%s"><seg>%s</seg></tuv>' % (lang, text))
            f.write("</tu>\n")
        f.write("</body></tmx>\n")


def tuids(doc):
    return set(re.findall(r'<tu\b[^>]*\btuid="([^"]*)"', doc))


def normalize(doc):
    """the TMX without its header's dates (the time it was written)"""
    return re.sub(r'(<header\b[^>]*?)\s+(?:creationdate|changedate)="[^"]*"', r"\1", doc)


# (query string, `jisr export` options, the tuids expected)
CASES = [
    ("prop=client=acme&prop=client=globex",
     ["--prop", "client=acme", "--prop", "client=globex"],
     {"at", "before", "created", "imported", "french", "frglobex"}),
    ("prop=client=acme&prop=domain=legal",
     ["--prop", "client=acme", "--prop", "domain=legal"],
     {"at", "french"}),
    ("prop=domain=legal&prop=client=globex&prop=client=initech",
     ["--prop", "domain=legal", "--prop", "client=globex", "--prop", "client=initech"],
     {"created", "initech"}),
    ("changed_since=2024-03-01",
     ["--changed-since", "2024-03-01"],
     {"at", "created", "noprops", "french", "initech", "imported", "frglobex"}),
    ("changed_since=20240301T000001Z",
     ["--changed-since", "20240301T000001Z"],
     {"created", "noprops", "french", "initech", "imported", "frglobex"}),
    ("changed_before=2024-03-01",
     ["--changed-before", "2024-03-01"],
     {"before"}),
    ("changed_since=2024-03-01&changed_before=2024-03-15T12:00:00Z",
     ["--changed-since", "2024-03-01", "--changed-before", "2024-03-15T12:00:00Z"],
     {"at", "french", "initech"}),
    ("source=en&target=ar&prop=client=acme&changed_since=2024-03-01",
     ["-s", "en", "-t", "ar", "--prop", "client=acme", "--changed-since", "2024-03-01"],
     {"at", "imported"}),
    ("source=ar&target=en&prop=client=acme&changed_before=2024-03-10",
     ["-s", "ar", "-t", "en", "--prop", "client=acme", "--changed-before", "2024-03-10"],
     {"at", "before"}),
    ("source=en&target=ar&prop=domain=legal",
     ["-s", "en", "-t", "ar", "--prop", "domain=legal"],
     {"at", "created", "initech"}),
    ("source=fr&prop=client=acme",
     ["-s", "fr", "--prop", "client=acme"],
     {"french"}),
    ("prop=client=nobody",
     ["--prop", "client=nobody"],
     set()),
]

# (query string, the parameter the 400 must name)
BAD = [
    ("changed_since=2024-02-30", "changed_since"),
    ("changed_since=yesterday", "changed_since"),
    ("changed_before=2024-13-01", "changed_before"),
    ("source=en&target=ar&changed_before=03/01/2024", "changed_before"),
    ("prop=client", "prop"),
    ("prop==acme", "prop"),
]


def main():
    C = Checks()
    T = tmpdir("jisr-serve-export-filters-")
    try:
        tmx = os.path.join(T, "units.tmx")
        write_tmx(tmx)
        mem = os.path.join(T, "tm")
        run("import", "--tm", mem, "-q", tmx)
        out = os.path.join(T, "cli.tmx")
        run("export", "--tm", mem, "-o", out)
        with open(out, encoding="utf-8") as f:
            if tuids(f.read()) != ALL:  # a precondition, not a check of the server
                raise RuntimeError("jisr export does not give back every unit with its tuid")
        with Server(T, ["--tm", mem]) as s:
            for qs, opts, want in CASES:
                st, h, b = s.request("GET", "/v1/export?" + qs)
                doc = b.decode("utf-8", "replace")
                C.ok("%s: 200, the units %s" % (qs, sorted(want)),
                     st == 200 and tuids(doc) == want, (st, sorted(tuids(doc)), doc[:300]))
                run("export", "--tm", mem, "-o", out, *opts)
                with open(out, encoding="utf-8", newline="") as f:
                    cli = f.read()
                C.ok("%s: the body is jisr export %s's" % (qs, " ".join(opts)),
                     normalize(doc) == normalize(cli) and tuids(cli) == want,
                     (normalize(doc)[:400], normalize(cli)[:400]))
            for qs, name in BAD:
                st, h, b = s.request("GET", "/v1/export?" + qs)
                C.ok("%s: 400 naming %s" % (qs, name),
                     st == 400 and b'"bad_request"' in b and (name + ":").encode() in b,
                     (st, b[:300]))
            # a parameter export does not know (the CLI's spelling) is refused, not ignored:
            # it exported the whole memory
            st, h, b = s.request("GET", "/v1/export?source=en&target=ar&changed-since=2024-03-01")
            C.ok("changed-since (the CLI's spelling): 400 naming it, not the whole memory",
                 st == 400 and b"unknown parameter 'changed-since'" in b, (st, b[:300]))
            # the limit of /v1/query's prop filters
            qs = "&".join("prop=client=c%d" % i for i in range(17))
            st, h, b = s.request("GET", "/v1/export?" + qs)
            C.ok("17 prop filters: 400 (at most 16)",
                 st == 400 and b"at most 16 prop filters" in b, (st, b[:300]))
    finally:
        shutil.rmtree(T, ignore_errors=True)
    return C.done()


if __name__ == "__main__":
    sys.exit(main())
