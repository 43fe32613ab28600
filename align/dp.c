/*
 * dp.c — the banded dynamic programme that turns bead costs into a ladder.
 *
 * Cells (i, j) mean "the first i source and j target sentences are aligned"; a bead of shape
 * (a, b) moves from (i-a, j-b) to (i, j). Only a band of cells is evaluated: each row i keeps a
 * range [lo[i], hi[i]] of columns, stored back to back, so time and memory are linear in the
 * document length for a fixed width. The first band follows the diagonal of the grid; when the
 * best path comes within reach of the band's edge (the true path may lie outside), the band is
 * re-centred on that path with twice the width and the DP runs again, until the path stays
 * inside or the band covers the grid. Small grids are done whole in one pass.
 *
 * Scores: the cheapest path says nothing about how sure it is. With a temperature, costs become
 * probabilities (exp(-cost / T), normalised over paths) and a forward-backward pass over the
 * cells within a few sentences of the path gives each of its beads the probability mass of the
 * paths through it; paths that stray further carry negligible mass, which keeps this pass to a
 * handful of cells per row.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

const unsigned char al_bead_shape[AL_NSHAPES][2] = {
    {1, 1}, {1, 0}, {0, 1}, {2, 1}, {1, 2}, {2, 2}, {3, 1}, {1, 3}, {2, 0},
    {0, 2}, {3, 0}, {0, 3}, {4, 0}, {0, 4}, {5, 0}, {0, 5}, {6, 0}, {0, 6},
};

static _Thread_local al_dp_stats dp_stats;

const al_dp_stats *al_dp_stats_last(void)
{
    return &dp_stats;
}

#define FULL_GRID_CELLS ((size_t)1 << 8)
#define DEFAULT_BAND 8
#define NO_BACK 255
#define POST_REACH 1         /* sentences either side of the path that the posteriors look at */
#define SHAPE_MAX AL_GAP_MAX /* the most sentences a side of a shape */

typedef struct band {
    size_t *lo, *hi, *off; /* per row 0..ns; off[ns+1] = cells */
} band;

static size_t zmax(size_t a, size_t b)
{
    return a > b ? a : b;
}

static size_t zmin(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Columns counted without the target's outliers (so that the band, and what the model
 * computes over it, do not move when an outlier is inserted): col(j) = j less the outliers
 * before it; first[c] and last[c] = the first and last j of column c. NULL: the identity. */
typedef struct colmap {
    const size_t *nout; /* target outliers among the first j, j = 0..nt */
    size_t *first, *last;
    size_t n; /* columns without outliers */
} colmap;

static size_t col_of(const colmap *cm, size_t j)
{
    return cm ? j - cm->nout[j] : j;
}

/* Widens [lo, hi] per row by w columns (outliers not counted), clamps to the grid and computes
 * offsets. */
static size_t band_finish(band *bd, size_t ns, size_t nt, size_t w, const colmap *cm)
{
    size_t cells = 0;
    for (size_t i = 0; i <= ns; i++) {
        if (cm) {
            size_t cl = col_of(cm, bd->lo[i]), ch = col_of(cm, zmin(nt, bd->hi[i]));
            bd->lo[i] = cm->first[cl > w ? cl - w : 0];
            bd->hi[i] = cm->last[zmin(cm->n, ch + w)];
        } else {
            bd->lo[i] = bd->lo[i] > w ? bd->lo[i] - w : 0;
            bd->hi[i] = zmin(nt, bd->hi[i] + w);
        }
        if (bd->hi[i] < bd->lo[i])
            bd->hi[i] = bd->lo[i];
        bd->off[i] = cells;
        cells += bd->hi[i] - bd->lo[i] + 1;
    }
    bd->off[ns + 1] = cells;
    return cells;
}

/* Each row's columns between the path cells (end first in pi/pj) that bound it. */
static void band_from_path(band *bd, size_t ns, const size_t *pi, const size_t *pj, size_t np)
{
    for (size_t r = 0; r <= ns; r++) {
        bd->lo[r] = SIZE_MAX;
        bd->hi[r] = 0;
    }
    for (size_t k = np; k-- > 1;) { /* path runs end first: k is the earlier cell */
        size_t i0 = pi[k], j0 = pj[k], i1 = pi[k - 1], j1 = pj[k - 1];
        for (size_t r = i0; r <= i1; r++) {
            bd->lo[r] = zmin(bd->lo[r], j0);
            bd->hi[r] = zmax(bd->hi[r], j1);
        }
    }
    if (np == 1) {
        bd->lo[0] = 0;
        bd->hi[0] = 0;
    }
}

/* gap_cost for a document with outliers: those of the run cost open each, apart from the run;
 * the rest is costed as if they were absent */
static double gap_cost_outl(const al_gap *g, size_t ns, size_t nt, size_t i, size_t j, size_t na,
                            size_t nb)
{
    size_t k = na + nb, n = na ? ns : nt, end = na ? i : j, oi = na ? j : i, on = na ? nt : ns;
    const size_t *no = g->nout[na ? 0 : 1], *nother = g->nout[na ? 1 : 0];
    size_t o = no[end] - no[end - k];
    double outl = g->open[na ? 0 : 1] * (double)o;
    if (o == k)
        return outl;
    k -= o;
    n -= no[n];
    end -= no[end];
    on -= nother[on];
    oi -= nother[oi];
    int edge = oi == 0 || oi == on;
    edge = edge && (end <= g->edge_max || end - k + g->edge_max >= n);
    return outl + (edge ? g->edge_open + g->edge_extend * (double)(k - 1)
                        : g->open[na ? 0 : 1] + g->extend * (double)(k - 1));
}

static inline double gap_cost(const al_gap *g, size_t ns, size_t nt, size_t i, size_t j, size_t na,
                              size_t nb)
{
    if (g->nout[0])
        return gap_cost_outl(g, ns, nt, i, j, na, nb);
    size_t k = na + nb, n = na ? ns : nt, end = na ? i : j;
    int edge = na ? (j == 0 || j == nt) : (i == 0 || i == ns);
    edge = edge && (end <= g->edge_max || end - k + g->edge_max >= n);
    return edge ? g->edge_open + g->edge_extend * (double)(k - 1)
                : g->open[na ? 0 : 1] + g->extend * (double)(k - 1);
}

/* The cost of shape (a, b) ending at (i, j): gaps computed here when the model says how */
static inline double shape_cost(const al_gap *g, al_cost_fn cost, void *ctx, size_t ns, size_t nt,
                                size_t i, size_t j, size_t a, size_t b)
{
    if (g && (a == 0 || b == 0))
        return gap_cost(g, ns, nt, i, j, a, b);
    return cost(ctx, i, j, (int)a, (int)b, NULL);
}

/* The cost of every unaligned shape away from the edges of a document without outliers,
 * computed once (gap_cost's arithmetic, so the same numbers); NAN for the others. */
static void gap_plain(const al_gap *g, int nsh, double *out)
{
    for (int t = 0; t < nsh; t++) {
        size_t a = al_bead_shape[t][0], b = al_bead_shape[t][1];
        out[t] = g && !g->nout[0] && (a == 0 || b == 0)
                     ? g->open[a ? 0 : 1] + g->extend * (double)(a + b - 1)
                     : NAN;
    }
}

/* shape_cost with gap_plain's numbers where they apply: a source-only run is at an edge only in
 * the first or last column, a target-only run only in the first or last row */
static inline double shape_cost_fast(const double *plain, const al_gap *g, al_cost_fn cost,
                                     void *ctx, size_t ns, size_t nt, size_t i, size_t j, int t)
{
    size_t a = al_bead_shape[t][0], b = al_bead_shape[t][1];
    if (plain[t] == plain[t] && (a ? j != 0 && j != nt : i != 0 && i != ns))
        return plain[t];
    return shape_cost(g, cost, ctx, ns, nt, i, j, a, b);
}

/* log(sum(exp(v[0..n)))), -inf for none */
static double logsum(const double *v, int n)
{
    if (n == 0)
        return -INFINITY;
    double m = v[0];
    for (int k = 1; k < n; k++)
        if (v[k] > m)
            m = v[k];
    double s = 0;
    for (int k = 0; k < n; k++)
        s += v[k] == m ? 1.0 : exp(v[k] - m); /* exp(0) is 1 exactly */
    return m + log(s);
}

/* Forward-backward over the cells within POST_REACH sentences of the path: post[k] = the
 * probability of the k-th bead of the path (start first, unaligned runs counted once). */
static int posteriors(size_t ns, size_t nt, int nsh, double temp, const al_gap *gap,
                      const colmap *cm, al_cost_fn cost, void *ctx, const size_t *pi,
                      const size_t *pj, size_t np, double *post)
{
    band nb = {0};
    float *C = NULL;
    double *F = NULL, *Bk = NULL;
    int rc = 0;
    nb.lo = malloc((ns + 1) * sizeof *nb.lo);
    nb.hi = malloc((ns + 1) * sizeof *nb.hi);
    nb.off = malloc((ns + 2) * sizeof *nb.off);
    if (!nb.lo || !nb.hi || !nb.off)
        goto nomem;
    band_from_path(&nb, ns, pi, pj, np);
    /* each row also spans the path's columns in the rows near it (nb.off as scratch) */
    for (size_t r = 0; r <= ns; r++)
        nb.off[r] = nb.hi[r];
    for (size_t r = 0; r <= ns; r++) {
        size_t q1 = zmin(ns, r + POST_REACH);
        for (size_t q = r > POST_REACH ? r - POST_REACH : 0; q <= q1; q++)
            nb.hi[r] = zmax(nb.hi[r], nb.off[q]);
    }
    for (size_t r = 0; r <= ns; r++)
        nb.off[r] = nb.lo[r];
    for (size_t r = 0; r <= ns; r++) {
        size_t q1 = zmin(ns, r + POST_REACH);
        for (size_t q = r > POST_REACH ? r - POST_REACH : 0; q <= q1; q++)
            nb.lo[r] = zmin(nb.lo[r], nb.off[q]);
    }
    size_t cells = band_finish(&nb, ns, nt, POST_REACH, cm);
    C = malloc(cells * (size_t)nsh * sizeof *C);
    F = malloc(cells * sizeof *F);
    Bk = malloc(cells * sizeof *Bk);
    if (!C || !F || !Bk)
        goto nomem;
    double term[AL_NSHAPES], plain[AL_NSHAPES];
    gap_plain(gap, nsh, plain);
    for (size_t i = 0; i <= ns; i++)
        for (size_t j = nb.lo[i]; j <= nb.hi[i]; j++) {
            size_t k = nb.off[i] + (j - nb.lo[i]);
            int nterm = 0;
            for (int t = 0; t < nsh; t++) {
                size_t a = al_bead_shape[t][0], b = al_bead_shape[t][1];
                C[k * (size_t)nsh + (size_t)t] = NAN;
                if (a > i || b > j)
                    continue;
                size_t qi = i - a, qj = j - b;
                if (qj < nb.lo[qi] || qj > nb.hi[qi])
                    continue;
                double c = shape_cost_fast(plain, gap, cost, ctx, ns, nt, i, j, t) / temp;
                C[k * (size_t)nsh + (size_t)t] = (float)c;
                double fq = F[nb.off[qi] + (qj - nb.lo[qi])];
                if (fq != -INFINITY)
                    term[nterm++] = fq - c;
            }
            F[k] = i == 0 && j == 0 ? 0 : logsum(term, nterm);
        }
    for (size_t i = ns + 1; i-- > 0;)
        for (size_t j = nb.hi[i] + 1; j-- > nb.lo[i];) {
            size_t k = nb.off[i] + (j - nb.lo[i]);
            int nterm = 0;
            for (int t = 0; t < nsh; t++) {
                size_t a = al_bead_shape[t][0], b = al_bead_shape[t][1];
                size_t ni = i + a, nj = j + b;
                if (ni > ns || nj > nt || nj < nb.lo[ni] || nj > nb.hi[ni])
                    continue;
                size_t kn = nb.off[ni] + (nj - nb.lo[ni]);
                float c = C[kn * (size_t)nsh + (size_t)t];
                if (c != c || Bk[kn] == -INFINITY) /* NaN: not a move of the band */
                    continue;
                term[nterm++] = Bk[kn] - c;
            }
            Bk[k] = i == ns && j == nt ? 0 : logsum(term, nterm);
        }
    double z = F[nb.off[ns] + (nt - nb.lo[ns])];
    size_t nb_out = 0;
    for (size_t k = np; k-- > 1;) {
        size_t i0 = pi[k], j0 = pj[k], i1 = pi[k - 1], j1 = pj[k - 1];
        int t = 0;
        while (t < nsh && (al_bead_shape[t][0] != i1 - i0 || al_bead_shape[t][1] != j1 - j0))
            t++;
        size_t kq = nb.off[i0] + (j0 - nb.lo[i0]), kp = nb.off[i1] + (j1 - nb.lo[i1]);
        double p = 0;
        if (t < nsh && z != -INFINITY) {
            double c = C[kp * (size_t)nsh + (size_t)t];
            p = exp(F[kq] - c + Bk[kp] - z);
            if (!(p >= 0))
                p = 0;
            if (p > 1)
                p = 1;
        }
        post[nb_out++] = p;
    }
    goto done;
nomem:
    rc = jisr_oom(0);
done:
    free(nb.lo);
    free(nb.hi);
    free(nb.off);
    free(C);
    free(F);
    free(Bk);
    return rc;
}

int al_dp(size_t ns, size_t nt, const al_dp_opts *opts, al_band_fn prepare, al_cost_fn cost,
          void *ctx, jisr_ladder *out)
{
    out->n = 0;
    memset(&dp_stats, 0, sizeof dp_stats);
    int rc = 0;
    band bd = {0};
    double *D = NULL, *post = NULL;
    unsigned char *B = NULL;
    size_t *pi = NULL, *pj = NULL; /* path cells, end first */
    size_t np = 0;
    int nsh = opts && opts->nshapes > 0 ? opts->nshapes : AL_NBEADS;
    if (nsh > AL_NSHAPES)
        nsh = AL_NSHAPES;
    double temp = opts ? opts->temp : 0;
    const al_gap *gap_opts = opts ? opts->gap : NULL;
    colmap cmap = {0}, *cm = NULL; /* before any goto done: freed there */
    double plain[AL_NSHAPES];
    gap_plain(gap_opts, nsh, plain);
    bd.lo = malloc((ns + 1) * sizeof *bd.lo);
    bd.hi = malloc((ns + 1) * sizeof *bd.hi);
    bd.off = malloc((ns + 2) * sizeof *bd.off);
    pi = malloc((ns + nt + 2) * sizeof *pi);
    pj = malloc((ns + nt + 2) * sizeof *pj);
    if (!bd.lo || !bd.hi || !bd.off || !pi || !pj) {
        rc = jisr_oom(0);
        goto done;
    }
    /* outliers (gap_opts->nout) take no part in the band's geometry: rows and columns are
     * counted without them */
    const size_t *nos = gap_opts ? gap_opts->nout[0] : NULL;
    size_t ns1 = ns, nt1 = nt;
    if (nos && gap_opts->nout[1]) {
        cmap.nout = gap_opts->nout[1];
        cmap.n = nt - cmap.nout[nt];
        cmap.first = malloc((cmap.n + 1) * sizeof *cmap.first);
        cmap.last = malloc((cmap.n + 1) * sizeof *cmap.last);
        if (!cmap.first || !cmap.last) {
            rc = jisr_oom(0);
            goto done;
        }
        for (size_t j = nt + 1; j-- > 0;)
            cmap.first[j - cmap.nout[j]] = j;
        for (size_t j = 0; j <= nt; j++)
            cmap.last[j - cmap.nout[j]] = j;
        cm = &cmap;
        ns1 = ns - nos[ns];
        nt1 = cmap.n;
    }
    size_t w = opts ? opts->band : 0;
    if (w == 0)
        w = (ns1 + 1) * (nt1 + 1) <= FULL_GRID_CELLS ? zmax(ns1, nt1) : DEFAULT_BAND;
    /* the first band: the diagonal, each row spanning from its centre to the next row's */
    for (size_t i = 0; i <= ns; i++) {
        size_t i1 = nos ? i - nos[i] : i;
        size_t c0 = ns1 ? (size_t)((double)i1 * (double)nt1 / (double)ns1) : 0;
        size_t c1 = ns1 ? (size_t)((double)(i1 + 1) * (double)nt1 / (double)ns1 + 0.999) : nt1;
        c0 = zmin(c0, nt1);
        c1 = zmin(zmax(c1, c0), nt1);
        bd.lo[i] = i1 == 0 ? 0 : cm ? cm->first[c0] : c0;
        bd.hi[i] = cm ? cm->last[c1] : c1;
    }
    for (int pass = 1;; pass++) {
        size_t cells = band_finish(&bd, ns, nt, w, cm);
        free(D);
        free(B);
        D = malloc(cells * sizeof *D);
        B = malloc(cells);
        if (!D || !B) {
            rc = jisr_oom(cells * (sizeof *D + 1));
            goto done;
        }
        if (prepare && (rc = prepare(ctx, ns, bd.lo, bd.hi)) < 0)
            goto done;
        dp_stats.cells = cells;
        dp_stats.passes = pass;
        dp_stats.band = w;
        for (size_t i = 0; i <= ns; i++) {
            /* the rows a move may come from, a = 0..SHAPE_MAX rows up: their columns (none
             * above row 0) and where their cells start in D */
            size_t rlo[SHAPE_MAX + 1], rhi[SHAPE_MAX + 1], rbase[SHAPE_MAX + 1];
            for (size_t a = 0; a <= SHAPE_MAX; a++) {
                rlo[a] = a <= i ? bd.lo[i - a] : SIZE_MAX;
                rhi[a] = a <= i ? bd.hi[i - a] : 0;
                rbase[a] = a <= i ? bd.off[i - a] - bd.lo[i - a] : 0; /* + column: the cell */
            }
            for (size_t j = bd.lo[i]; j <= bd.hi[i]; j++) {
                size_t k = bd.off[i] + (j - bd.lo[i]);
                double best = DBL_MAX;
                unsigned char bb = NO_BACK;
                if (i == 0 && j == 0)
                    best = 0;
                for (int t = 0; t < nsh; t++) {
                    size_t a = al_bead_shape[t][0], b = al_bead_shape[t][1];
                    if (b > j)
                        continue;
                    size_t qj = j - b;
                    if (qj < rlo[a] || qj > rhi[a])
                        continue;
                    double d = D[rbase[a] + qj];
                    if (d == DBL_MAX)
                        continue;
                    d += shape_cost_fast(plain, gap_opts, cost, ctx, ns, nt, i, j, t);
                    if (d < best) {
                        best = d;
                        bb = (unsigned char)t;
                    }
                }
                D[k] = best;
                B[k] = bb;
            }
        }
        int full = bd.lo[ns] == 0 && bd.hi[0] == nt;
        for (size_t i = 0; full && i <= ns; i++)
            full = bd.lo[i] == 0 && bd.hi[i] == nt;
        int reached = nt >= bd.lo[ns] && D[bd.off[ns] + (nt - bd.lo[ns])] != DBL_MAX;
        int touches = !reached;
        np = 0;
        if (reached) {
            size_t i = ns, j = nt;
            pi[np] = i;
            pj[np++] = j;
            while (i || j) {
                unsigned char t = B[bd.off[i] + (j - bd.lo[i])];
                if (t == NO_BACK) { /* cannot happen once reached; be safe */
                    touches = 1;
                    break;
                }
                i -= al_bead_shape[t][0];
                j -= al_bead_shape[t][1];
                pi[np] = i;
                pj[np++] = j;
                if (!cm) {
                    if ((j <= bd.lo[i] + 2 && bd.lo[i] > 0) || (j + 2 >= bd.hi[i] && bd.hi[i] < nt))
                        touches = 1;
                    continue;
                }
                size_t cj = col_of(cm, j), clo = col_of(cm, bd.lo[i]), chi = col_of(cm, bd.hi[i]);
                if ((cj <= clo + 2 && clo > 0) || (cj + 2 >= chi && chi < nt1))
                    touches = 1;
            }
        }
        if (full || !touches)
            break;
        /* re-centre on the path and double the width; not reached: keep the (already
         * widened) band, the next pass widens it again */
        if (reached)
            band_from_path(&bd, ns, pi, pj, np);
        w *= 2;
    }
    if (temp > 0 && np > 1) {
        if (!(post = malloc(np * sizeof *post))) {
            rc = jisr_oom(0);
            goto done;
        }
        if ((rc = posteriors(ns, nt, nsh, temp, opts->gap, cm, cost, ctx, pi, pj, np, post)) < 0)
            goto done;
    }
    /* the path, start first, as beads with their scores; a run of unaligned sentences becomes
     * one bead per sentence */
    for (size_t k = np, b = 0; k-- > 1; b++) {
        size_t i0 = pi[k], j0 = pj[k], i1 = pi[k - 1], j1 = pj[k - 1];
        size_t na = i1 - i0, nbt = j1 - j0;
        if ((na == 0 || nbt == 0) && na + nbt > 1) {
            for (size_t s = 0; rc == 0 && s < na; s++)
                rc = jisr_ladder_push(out, i0 + s, 1, j0, 0, 0);
            for (size_t s = 0; rc == 0 && s < nbt; s++)
                rc = jisr_ladder_push(out, i0, 0, j0 + s, 1, 0);
            if (rc < 0)
                goto done;
            continue;
        }
        double score = 0; /* an unaligned sentence scores 0 */
        if (na && nbt)
            cost(ctx, i1, j1, (int)na, (int)nbt, &score);
        if ((rc = jisr_ladder_push(out, i0, na, j0, nbt, score)) < 0)
            goto done;
        if (post && opts->post)
            opts->post[out->n - 1] = post[b];
    }
done:
    free(cmap.first);
    free(cmap.last);
    free(bd.lo);
    free(bd.hi);
    free(bd.off);
    free(D);
    free(B);
    free(pi);
    free(pj);
    free(post);
    return rc;
}
