#!/usr/bin/python3
"""calibration_cv.py — is a new calibration of the aligner's score better than the shipped one?

Reads the feature dumps `bench_align --dump FILE` writes (one line per scored pair: right 0/1,
then the eight features cost.c's calibrated() reads: 1, the posterior's log-odds, merge (not
1-1), length cost, lexical log-likelihood ratio, sentences in the bead, a merge next to an
unaligned sentence, the bead's own model-1 score), one dump per fold (e.g. one per Gospel of
noisy/dev), and compares, leaving each fold out in turn (fitted on the others, measured on it):

  shipped   the weights given with --weights (align/aligner.c's .cal, eight of them)
  first6    the same with the last two weights at 0 (the map of jisr before session 5)
  terms     the first six shipped weights as they are and the last two refitted (how the
            last two were chosen)
  full      a logistic refit of all eight weights
  full6     a logistic refit of the first six (the last two at 0)
  platt     a refit of the intercept and the posterior's log-odds only
  isotonic  a monotone map (pool-adjacent-violators) on top of the shipped score

It prints the held-out log-loss and ECE of each, and the per-bin table (tenths; pairs, share
right with its 95 % Wilson interval, mean score) of the held-out predictions of the shipped
weights and of the best refit. The first six shipped weights were fitted on all of noisy/dev,
so "shipped", "first6" and "terms" have an in-sample advantage over the full refits. Needs
numpy. Decide on dev folds only.

    for b in Matthew Mark Luke John; do
        grep -- "-$b-" DATA/bible-ar-en/align/noisy/dev.list > SD/bible-ar-en/align/noisy/dev-$b.list
        JISR_SHARED_DATA=SD build/bench/bench_align --sets noisy/dev-$b --models 2 \\
            --no-outlier --no-synthetic --quiet --dump /tmp/dump-$b.txt
    done
    /usr/bin/python3 bench/calibration_cv.py \\
        --weights=-0.6340,0.4487,-1.7525,-0.0780,0.1054,0.4296,-0.9495,0.8298 \\
        /tmp/dump-Matthew.txt /tmp/dump-Mark.txt /tmp/dump-Luke.txt /tmp/dump-John.txt

The monotone maps on top of the logistic score (align/calmap.c, one per mode and direction):
with --maps and one dump of the four runs of noisy/dev (its columns after the features: the
logistic score, per document 0/1, en-ar 0/1, book, document), for each run the per-bin table
(tenths: pairs, share right, mean score, share - centre) of the logistic score alone, of the
map fitted on the whole run (in-sample: what align/calmap.c holds) and of maps fitted on three
Gospels and applied to the fourth (held out), with ECE and log-loss:

    build/bench/bench_align --sets noisy/dev --models 2 --no-outlier --no-synthetic --quiet \\
        --dump /tmp/dev.dump
    /usr/bin/python3 bench/calibration_cv.py --maps /tmp/dev.dump
"""
import sys

import numpy as np


def sig(z):
    return 1 / (1 + np.exp(-z))


def load(path):
    a = np.loadtxt(path, ndmin=2)
    a = a[a[:, 0] >= 0]
    return a[:, 1:9], a[:, 0]


def fit(X, y, cols, l2=1e-3, offset=None):
    Xs = X[:, cols]
    off = np.zeros(len(y)) if offset is None else offset
    w = np.zeros(len(cols))
    for _ in range(60):
        p = sig(off + Xs @ w)
        g = Xs.T @ (p - y) + l2 * w
        H = (Xs * (p * (1 - p))[:, None]).T @ Xs + l2 * np.eye(len(cols))
        w -= np.linalg.solve(H, g)
    full = np.zeros(X.shape[1])
    full[cols] = w
    return full


def pav(x, y):
    o = np.argsort(x)
    st = []
    for xi, yi in zip(x[o], y[o].astype(float)):
        st.append([yi, 1.0, xi])
        while len(st) > 1 and st[-2][0] / st[-2][1] > st[-1][0] / st[-1][1]:
            a, c = st.pop(), st.pop()
            st.append([a[0] + c[0], a[1] + c[1], a[2]])
    return np.array([b[2] for b in st]), np.array([b[0] / b[1] for b in st])


def iso_apply(m, p):
    ends, vals = m
    return vals[np.clip(np.searchsorted(ends, p), 0, len(vals) - 1)]


def bins(p):
    return np.minimum((p * 10).astype(int), 9)


def ece(p, y):
    b = bins(p)
    return sum(abs(y[b == k].mean() - p[b == k].mean()) * (b == k).sum() for k in range(10)
               if (b == k).any()) / len(y)


def nll(p, y):
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def wilson(k, n, z=1.96):
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return c - h, c + h


def table(label, p, y):
    print(label)
    print("  bin       pairs  right  [95 % interval]  mean   right-centre")
    b = bins(p)
    for k in range(10):
        m = b == k
        n = int(m.sum())
        if not n:
            print(f"  {k / 10:.1f}-{(k + 1) / 10:.1f} {0:7d}")
            continue
        r = y[m].mean()
        lo, hi = wilson(y[m].sum(), n)
        print(f"  {k / 10:.1f}-{(k + 1) / 10:.1f} {n:7d}  {r:.3f}  [{lo:.3f}, {hi:.3f}]  "
              f"{p[m].mean():.3f}  {r - (k + 0.5) / 10:+.3f}")
    print(f"  ECE {ece(p, y):.4f}, {len(y)} pairs")


CLIP = (0.02, 0.998)  # bench_align.c's CALMAP_LO, CALMAP_HI


def pav_knots(x, y):
    """bench_align --fit's map: pool-adjacent-violators, values clipped, knots at block ends"""
    o = np.argsort(x, kind="stable")
    st = []
    for xi, yi in zip(x[o], y[o].astype(float)):
        st.append([yi, 1.0, xi, xi])
        while len(st) > 1 and st[-2][0] / st[-2][1] >= st[-1][0] / st[-1][1]:
            a, c = st.pop(), st.pop()
            st.append([a[0] + c[0], a[1] + c[1], c[2], a[3]])
    kx, ky = [], []
    for r, n, lo, hi in st:
        v = min(max(r / n, CLIP[0]), CLIP[1])
        kx += [lo] if hi == lo else [lo, hi]
        ky += [v] if hi == lo else [v, v]
    return np.array(kx), np.array(ky)


def maps(path):
    a = np.loadtxt(path, ndmin=2)
    a = a[a[:, 0] >= 0]
    y, p = a[:, 0], a[:, 9]
    perdoc, en, book = a[:, 10].astype(int), a[:, 11].astype(int), a[:, 12].astype(int)
    for pd in (1, 0):
        for d in (0, 1):
            m = (perdoc == pd) & (en == d)
            if not m.any():
                continue
            label = f"{'en-ar' if d else 'ar-en'} {'per document' if pd else 'batch'}"
            ins = np.interp(p[m], *pav_knots(p[m], y[m]))
            held = np.empty(m.sum())
            for b in np.unique(book[m]):
                tr, te = m & (book != b), book[m] == b
                held[te] = np.interp(p[m][te], *pav_knots(p[tr], y[tr]))
            for name, q in (("logistic score alone", p[m]), ("map, in-sample", ins),
                            ("map, held out (leave one book out)", held)):
                table(f"{label}: {name}, log-loss {nll(q, y[m]):.4f}", q, y[m])
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "--maps":
        return maps(argv[1])
    w0 = None
    paths = []
    for a in argv:
        if a.startswith("--weights="):
            w0 = np.array([float(v) for v in a.split("=", 1)[1].split(",")])
        else:
            paths.append(a)
    if w0 is None or len(w0) != 8 or len(paths) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    folds = [load(p) for p in paths]
    w6 = w0.copy()
    w6[6:] = 0
    variants = {"shipped": None, "first6": "first6", "terms": "terms",
                "full": list(range(8)), "full6": list(range(6)), "platt": [0, 1],
                "isotonic": "iso"}
    held = {}
    for name, cols in variants.items():
        P, Y = [], []
        for k, (X, y) in enumerate(folds):
            Xtr = np.vstack([f[0] for i, f in enumerate(folds) if i != k])
            ytr = np.concatenate([f[1] for i, f in enumerate(folds) if i != k])
            if cols is None:
                p = sig(X @ w0)
            elif cols == "first6":
                p = sig(X @ w6)
            elif cols == "terms":
                w = w6 + fit(Xtr, ytr, [6, 7], offset=Xtr @ w6)
                p = sig(X @ w)
            elif cols == "iso":
                p = iso_apply(pav(sig(Xtr @ w0), ytr), sig(X @ w0))
            else:
                p = sig(X @ fit(Xtr, ytr, cols))
            P.append(p)
            Y.append(y)
        held[name] = (np.concatenate(P), np.concatenate(Y))
        p, y = held[name]
        print(f"{name:9s} held-out log-loss {nll(p, y):.5f}  ECE {ece(p, y):.4f}")
    best = min((n for n in variants if n != "shipped"), key=lambda n: nll(*held[n]))
    table("shipped weights, held-out folds:", *held["shipped"])
    table(f"best refit ({best}), held-out folds:", *held[best])
    X = np.vstack([f[0] for f in folds])
    y = np.concatenate([f[1] for f in folds])
    print("full refit on all folds:", " ".join(f"{v:.4f}" for v in fit(X, y, list(range(8)))))
    print("last two refitted on all folds:",
          " ".join(f"{v:.4f}" for v in fit(X, y, [6, 7], offset=X @ w6)[6:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
