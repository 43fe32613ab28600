#!/usr/bin/python3
"""eval_l10n.py — how useful jisr's best fuzzy match is on real software localisation, beside
translate-toolkit's matcher, at every threshold from 30 to 90.

Data: the Arabic gettext catalogues installed on a Debian system (/usr/share/locale/ar/LC_MESSAGES,
read through `msgunfmt`). Each catalogue is one program's English strings with their Arabic
translations. Catalogues that are copies of each other (iso_639 and iso_639-2, …) form one group.

Task: a translator localises program P with a memory of every *other* group's translations
(leave one group out). Each distinct English string of P is a query; the reference is P's own
Arabic translation. For each query each tool proposes its best match (top 1) if its score reaches
the threshold M; the proposal is judged by chrF (character 6-gram F-score, beta 2, whitespace
ignored, as sacrebleu's sentence chrF) against the reference.

Honest split: the catalogues are divided once into `dev` and `test` by a fixed hash of their
names (crc32 parity). Everything in jisr that is tuned (costs, thresholds) is tuned on `dev`;
`test` is reported. `--part all` runs both.

Per threshold M, for each tool: answered = queries whose top-1 scores ≥ M; chrF(answered) = mean
chrF of those proposals; useful = mean over all queries of chrF (0 when unanswered); and, on the
queries both tools answer, the mean chrF of each (head to head); and jisr@k, the mean chrF of
jisr's k best-scored proposals where k is translate-toolkit's answered count (how well jisr's
score ranks its proposals: the chrF its answers would have if its bar answered exactly as often as
translate-toolkit; proposals tied at the k-th score count by their mean). The same figures are given for
the "fuzzy" queries, whose English text is not in the memory verbatim (exact matches are easy
for both tools).

The top-1 of either tool does not depend on the threshold (jisr ranks by score, similarity, …;
translate-toolkit keeps its best candidate), so one run at the lowest threshold gives every
higher one; `--check-thresholds` re-runs both at a few thresholds to confirm it.

translate-toolkit (Debian `translate-toolkit`): `translate.search.match.matcher` with
max_candidates=1, min_similarity=M and max_length=1000 (its default, 70 characters, would never
propose a longer string), i.e. character Levenshtein over raw strings: 100 − 100·dist/len(longer).

Usage:
  bench/eval_l10n/eval_l10n.py [--build build] [--work /tmp/jisr-eval-l10n] [--part dev|test|all]
                               [--min 30] [--detail FILE.tsv] [--check-thresholds]
"""

import argparse
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zlib

MO_DIR = "/usr/share/locale/ar/LC_MESSAGES"


# ---- data ----------------------------------------------------------------------------------


def load_catalogue(path):
    """(source, target) pairs of a .mo file: no header, no plural forms, no empty or fuzzy ones."""
    from translate.storage import po

    text = subprocess.run(["msgunfmt", path], check=True, capture_output=True).stdout
    store = po.pofile.parsestring(text)
    out = []
    for u in store.units:
        if u.isheader() or u.hasplural() or u.isfuzzy():
            continue
        s, t = str(u.source), str(u.target)
        if s and t:
            out.append((s, t))
    return out


def load_all(mo_dir):
    cats = {}
    for name in sorted(os.listdir(mo_dir)):
        if name.endswith(".mo"):
            pairs = load_catalogue(os.path.join(mo_dir, name))
            if pairs:
                cats[name[:-3]] = pairs
    # catalogues that are (nearly) copies of each other form one group: ≥ 90 % of the smaller
    # one's pairs in the larger
    names = sorted(cats)
    parent = {n: n for n in names}

    def find(n):
        while parent[n] != n:
            n = parent[n]
        return n

    sets = {n: set(cats[n]) for n in names}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            small, big = (a, b) if len(sets[a]) <= len(sets[b]) else (b, a)
            if len(sets[small] & sets[big]) >= 0.9 * len(sets[small]):
                parent[find(b)] = find(a)
    groups = collections.defaultdict(list)
    for n in names:
        groups[find(n)].append(n)
    return cats, {n: find(n) for n in names}, groups


def part_of(group):
    return "dev" if zlib.crc32(group.encode()) % 2 == 0 else "test"


def tsv_escape(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def tsv_unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


# ---- chrF ----------------------------------------------------------------------------------


def chrf(hyp, ref, order=6, beta=2.0):
    """Sentence chrF (0–100): character n-gram F-beta, n = 1..6 averaged over the orders where
    either side has n-grams, whitespace removed (sacrebleu's default)."""
    h = "".join(hyp.split())
    r = "".join(ref.split())
    if h == r:
        return 100.0
    total, orders = 0.0, 0
    b2 = beta * beta
    for n in range(1, order + 1):
        hc = collections.Counter(h[i : i + n] for i in range(len(h) - n + 1))
        rc = collections.Counter(r[i : i + n] for i in range(len(r) - n + 1))
        if not hc and not rc:
            continue
        orders += 1
        if not hc or not rc:
            continue
        m = sum((hc & rc).values())
        if m == 0:
            continue
        p = m / sum(hc.values())
        rr = m / sum(rc.values())
        total += (1 + b2) * p * rr / (b2 * p + rr)
    return 100.0 * total / orders if orders else 0.0


# ---- the two tools -------------------------------------------------------------------------


def run_jisr(build, memdir, memtsv, queries, min_score, exhaustive=False, chars=None):
    """[(score, target, source, microseconds)] per query (score -1: none)."""
    if os.path.exists(memdir):
        shutil.rmtree(memdir)
    opt = "--chars" if chars is None else f"--chars={chars}"
    subprocess.run(
        [os.path.join(build, "jisr"), "import", "--tm", memdir, opt, "-s", "en", "-t", "ar", "-q", memtsv],
        check=True,
    )
    args = [os.path.join(build, "bench", "bench_l10n"), memdir, "en", "ar", str(min_score), "1"]
    if exhaustive:
        args.append("exhaustive")
    inp = "".join(tsv_escape(q) + "\n" for q in queries)
    out = subprocess.run(args, input=inp.encode(), check=True, capture_output=True).stdout
    res = [None] * len(queries)
    for line in out.decode().split("\n"):
        if not line:
            continue
        f = line.split("\t")
        i, score = int(f[0]), int(f[1])
        if res[i] is None:
            res[i] = (score, tsv_unescape(f[3]), tsv_unescape(f[4]), float(f[5]))
    return res


class TTK:
    def __init__(self, pairs, min_score):
        from translate.search import match
        from translate.storage import po

        store = po.pofile()
        for s, t in pairs:
            u = store.addsourceunit(s)
            u.target = t
        self.m = match.matcher(store, max_candidates=1, min_similarity=min_score, max_length=1000)

    def query(self, text):
        t0 = time.perf_counter()
        r = self.m.matches(text)
        us = (time.perf_counter() - t0) * 1e6
        if not r:
            return (-1, "", "", us)
        notes = r[0].getnotes()
        score = int(notes.split()[-1].rstrip("%"))
        return (score, str(r[0].target), str(r[0].source), us)


def run_ttk(pairs, queries, min_score, cache):
    if cache and os.path.exists(cache):
        with open(cache) as f:
            data = json.load(f)
        if data.get("min") == min_score and data.get("queries") == queries:
            return [tuple(x) for x in data["res"]]
    t = TTK(pairs, min_score)
    res = [t.query(q) for q in queries]
    if cache:
        with open(cache + ".tmp", "w") as f:
            json.dump({"min": min_score, "queries": queries, "res": res}, f)
        os.replace(cache + ".tmp", cache)
    return res


# ---- report --------------------------------------------------------------------------------


def pct(v, p):
    if not v:
        return 0.0
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]


def chrf_of_best(rows, k):
    """Mean chrF of jisr's k best-scored proposals (k = translate-toolkit's answered count): what
    jisr's answers would be worth if its bar were moved to answer exactly as often. The proposals
    tied at the k-th score enter by their mean (no order among equal scores is assumed)."""
    if k <= 0:
        return 0.0
    js = sorted((r for r in rows if r["jscore"] >= 0), key=lambda r: -r["jscore"])
    k = min(k, len(js))
    if k == 0:
        return 0.0
    edge = js[k - 1]["jscore"]
    above = [r["jchrf"] for r in js if r["jscore"] > edge]
    tied = [r["jchrf"] for r in js if r["jscore"] == edge]
    return (sum(above) + (k - len(above)) * statistics.mean(tied)) / k


def summarise(rows, thresholds):
    """rows: dicts with jscore, jchrf, tscore, tchrf, fuzzy."""
    table = []
    for m in thresholds:
        line = {"min": m}
        for subset in ("all", "fuzzy"):
            rs = [r for r in rows if subset == "all" or r["fuzzy"]]
            n = len(rs)
            for tool in ("j", "t"):
                ans = [r for r in rs if r[tool + "score"] >= m]
                line[subset, tool, "answered"] = len(ans)
                line[subset, tool, "chrf"] = statistics.mean(r[tool + "chrf"] for r in ans) if ans else 0.0
                line[subset, tool, "useful"] = sum(r[tool + "chrf"] for r in ans) / n if n else 0.0
            both = [r for r in rs if r["jscore"] >= m and r["tscore"] >= m]
            line[subset, "both"] = len(both)
            line[subset, "j", "h2h"] = statistics.mean(r["jchrf"] for r in both) if both else 0.0
            line[subset, "t", "h2h"] = statistics.mean(r["tchrf"] for r in both) if both else 0.0
            line[subset, "n"] = n
            line[subset, "j", "atk"] = chrf_of_best(rs, line[subset, "t", "answered"])
        table.append(line)
    return table


def print_table(table, subset, title):
    n = table[0][subset, "n"]
    print(f"\n{title} ({n} queries)")
    print(
        f"  {'min':>3} | {'answered jisr':>14} {'ttk':>14} | {'chrF answered jisr':>18} {'ttk':>6} |"
        f" {'useful jisr':>11} {'ttk':>6} | {'both':>5} {'h2h jisr':>8} {'ttk':>6} | {'jisr@k':>6}"
    )
    for l in table:
        if l["min"] % 10:
            continue
        aj, at = l[subset, "j", "answered"], l[subset, "t", "answered"]
        print(
            f"  {l['min']:>3} | {aj:>6} {100*aj/n:5.1f} % {at:>6} {100*at/n:5.1f} % |"
            f" {l[subset,'j','chrf']:>18.1f} {l[subset,'t','chrf']:>6.1f} |"
            f" {l[subset,'j','useful']:>11.1f} {l[subset,'t','useful']:>6.1f} |"
            f" {l[subset,'both']:>5} {l[subset,'j','h2h']:>8.1f} {l[subset,'t','h2h']:>6.1f} |"
            f" {l[subset,'j','atk']:>6.1f}"
        )
    worse_ans = [l["min"] for l in table if l[subset, "j", "answered"] < l[subset, "t", "answered"]]
    worse_chrf = [l["min"] for l in table if l[subset, "j", "chrf"] < l[subset, "t", "chrf"]]
    worse_h2h = [l["min"] for l in table if l[subset, "j", "h2h"] < l[subset, "t", "h2h"]]
    worse_atk = [l["min"] for l in table if l[subset, "j", "atk"] < l[subset, "t", "chrf"]]
    rng = f"{table[0]['min']}-{table[-1]['min']}"
    print(f"  every min {rng}: jisr answers at least as often: "
          f"{'yes' if not worse_ans else 'no, at ' + ','.join(map(str, worse_ans))}")
    print(f"  every min {rng}: jisr's answers at least as close (chrF answered): "
          f"{'yes' if not worse_chrf else 'no, at ' + ','.join(map(str, worse_chrf))}")
    print(f"  every min {rng}: head to head at least as close: "
          f"{'yes' if not worse_h2h else 'no, at ' + ','.join(map(str, worse_h2h))}")
    print(f"  every min {rng}: jisr's best k (k = ttk's answered count; jisr@k) at least as close: "
          f"{'yes' if not worse_atk else 'no, at ' + ','.join(map(str, worse_atk))}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--build", default=os.path.join(here, "..", "..", "build"))
    ap.add_argument("--work", default="/tmp/jisr-eval-l10n")
    ap.add_argument("--part", default="dev", choices=["dev", "test", "all"])
    ap.add_argument("--mo-dir", default=MO_DIR)
    ap.add_argument("--min", type=int, default=30)
    ap.add_argument("--detail", help="write every query's proposals to this TSV")
    ap.add_argument("--check-thresholds", action="store_true")
    ap.add_argument("--exhaustive", action="store_true", help="jisr with --exhaustive")
    ap.add_argument("--chars", help="the memory's character limit (jisr import --chars=N; "
                    "default: jisr's, 128)")
    a = ap.parse_args()
    if not os.path.isdir(a.mo_dir):
        print(f"eval_l10n: no catalogues in {a.mo_dir}", file=sys.stderr)
        return 77
    os.makedirs(a.work, exist_ok=True)
    cats, group_of, groups = load_all(a.mo_dir)
    print(f"catalogues: {len(cats)} in {len(groups)} groups, {sum(map(len, cats.values()))} pairs")
    for g in sorted(groups):
        print(f"  {part_of(g):4} {g:24} {' '.join(groups[g])}: {sum(len(cats[n]) for n in groups[g])} pairs")
    rows = []
    jt, tt = [], []
    detail = open(a.detail, "w") if a.detail else None
    if detail:
        detail.write("catalogue\tquery\treference\tjscore\tjsource\tjtarget\tjchrf\t"
                     "tscore\ttsource\tttarget\ttchrf\n")
    for q in sorted(cats):
        g = group_of[q]
        if a.part != "all" and part_of(g) != a.part:
            continue
        if groups[g][0] != q:  # one catalogue of a group asks, its copies are left out
            continue
        mem = []
        seen = set()
        for n in sorted(cats):
            if group_of[n] == g:
                continue
            for p in cats[n]:
                if p not in seen:
                    seen.add(p)
                    mem.append(p)
        memsrc = {s for s, _ in mem}
        ref = {}
        for s, t in cats[q]:
            ref.setdefault(s, t)
        queries = list(ref)
        memtsv = os.path.join(a.work, f"mem-{q}.tsv")
        with open(memtsv, "w") as f:
            for s, t in mem:
                f.write(tsv_escape(s) + "\t" + tsv_escape(t) + "\n")
        t0 = time.time()
        jr = run_jisr(a.build, os.path.join(a.work, f"tm-{q}"), memtsv, queries, a.min, a.exhaustive, a.chars)
        t1 = time.time()
        tr = run_ttk(mem, queries, a.min, os.path.join(a.work, f"ttk-{q}-{a.min}.json"))
        t2 = time.time()
        print(f"  {q}: {len(queries)} queries against {len(mem)} units; jisr {t1-t0:.1f} s, "
              f"ttk {t2-t1:.1f} s", file=sys.stderr)
        for i, s in enumerate(queries):
            j, t = jr[i], tr[i]
            jc = chrf(j[1], ref[s]) if j[0] >= 0 else 0.0
            tc = chrf(t[1], ref[s]) if t[0] >= 0 else 0.0
            jt.append(j[3])
            tt.append(t[3])
            rows.append({"jscore": j[0], "jchrf": jc, "tscore": t[0], "tchrf": tc,
                         "fuzzy": s not in memsrc})
            if detail:
                detail.write("\t".join([q, tsv_escape(s), tsv_escape(ref[s]), str(j[0]), tsv_escape(j[2]),
                                        tsv_escape(j[1]), f"{jc:.1f}", str(t[0]), tsv_escape(t[2]),
                                        tsv_escape(t[1]), f"{tc:.1f}"]) + "\n")
        if a.check_thresholds:
            for m in (50, 70, 90):
                jm = run_jisr(a.build, os.path.join(a.work, f"tm-{q}"), memtsv, queries, m, chars=a.chars)
                tm_ = run_ttk(mem, queries, m, None)
                for i in range(len(queries)):
                    jx = jr[i] if jr[i][0] >= m else (-1,)
                    tx = tr[i] if tr[i][0] >= m else (-1,)
                    if jm[i][:3] != jx[:3] and not (jm[i][0] == jx[0] == -1):
                        print(f"    jisr min {m} differs on {queries[i]!r}: {jm[i][:3]} vs {jx[:3]}")
                    if tm_[i][:3] != tx[:3] and not (tm_[i][0] == tx[0] == -1):
                        print(f"    ttk min {m} differs on {queries[i]!r}: {tm_[i][:3]} vs {tx[:3]}")
    if detail:
        detail.close()
    table = summarise(rows, list(range(max(a.min, 30), 91)))
    print(f"\npart: {a.part}; top-1 proposals judged by chrF against the program's own translation")
    print_table(table, "all", "all queries")
    print_table(table, "fuzzy", "fuzzy queries (English text not in the memory verbatim)")
    print(f"\nquery time per query (ms): jisr p50 {pct(jt, .5)/1000:.3f} p99 {pct(jt, .99)/1000:.3f}"
          f" max {max(jt)/1000:.3f}; ttk p50 {pct(tt, .5)/1000:.3f} p99 {pct(tt, .99)/1000:.3f}"
          f" max {max(tt)/1000:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
