/*
 * dp.c — the banded dynamic programme that turns bead costs into a ladder.
 *
 * Cells (i, j) mean "the first i source and j target sentences are aligned"; a bead of shape
 * (a, b) moves from (i-a, j-b) to (i, j). Only a band of cells is evaluated: each row i keeps a
 * range [lo[i], hi[i]] of columns, stored back to back, so time and memory are linear in the
 * document length for a fixed width. The first band follows the diagonal of the grid; when the
 * best path comes within reach of the band's edge (the true path may lie outside), the band is
 * re-centred on that path and the DP runs again, until the path stays inside or the band covers
 * the grid. Only the rows where the path touched an edge, and the rows near them, widen, and on
 * that side only: a long document whose sentence counts drift apart (plain text segmented
 * differently on the two sides) used to double the whole band pass after pass, 2 GB for 50,000
 * lines; jisr 0.1's model keeps that (widen_all). When the model's anchors (pairs it is sure of,
 * anchors.c) lie off the diagonal, a search along them is made too and the cheaper path kept:
 * a wrong path along the diagonal (a section moved: equal counts, the true path 10-30 % of the
 * document away) never comes near the band's edge. Small grids are done whole in one pass.
 * Model 2's long beads (1-4 .. 6-1) sit out the passes after a first whose path touched the
 * edge, until the path keeps clear of it; one pass in that band then tries them (search_band).
 * That last pass is the one pass such a search makes more than one of short beads alone (the
 * passes before it are as many): it cannot be saved without trying the long beads in passes
 * that are not the last, or guessing which is. It starts from the pass before's table: a cell
 * keeps that pass's best short bead unless one of its short beads starts at a cell this pass
 * made cheaper, so it tries the long beads at every cell and the short ones again only there.
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
    {1, 1}, {1, 0}, {0, 1}, {2, 1}, {1, 2}, {2, 2}, {3, 1}, {1, 3}, {2, 0}, {0, 2}, {3, 0}, {0, 3},
    {4, 0}, {0, 4}, {5, 0}, {0, 5}, {6, 0}, {0, 6}, {1, 4}, {4, 1}, {1, 5}, {5, 1}, {1, 6}, {6, 1},
};

int al_nshapes(int bead_max)
{
    if (bead_max < 3)
        bead_max = 3;
    if (bead_max > AL_LONG_MAX)
        bead_max = AL_LONG_MAX;
    return AL_NGAPSHAPES + 2 * (bead_max - 3);
}

static _Thread_local al_dp_stats dp_stats;

const al_dp_stats *al_dp_stats_last(void)
{
    return &dp_stats;
}

#define FULL_GRID_CELLS ((size_t)1 << 8)
#define DEFAULT_BAND 8
#define NO_BACK 255
#define CHANGED 0x80         /* in B, a search's last pass (search_band): the cell's D went down */
#define POST_REACH 1         /* sentences either side of the path that the posteriors look at */
#define SHAPE_MAX AL_GAP_MAX /* the most sentences a side of a shape */
#define TOUCH 2              /* a path this near its band's edge may want to leave the band */
#define LOCAL_PASSES 12      /* passes that widen locally; then the whole band doubles */
#define GROW 2.0             /* a touched edge of a row widens this many times */
#define TAPER (1.0 / 11)     /* and rows around it, by this much less each row further away */
#define ANCHORS_OFF 3        /* anchors off the diagonal band that start a search along them */
#define ANCHORS_ON_PATH 0.9  /* a diagonal path through this share of them: no second search */
#define DIAG_PASSES 3        /* passes of the diagonal's search that check the anchors' */
_Static_assert(AL_LONG_MAX <= SHAPE_MAX, "a long bead reaches further up than the DP looks");
_Static_assert(AL_NSHAPES < CHANGED, "a shape's index holds no CHANGED bit");

/* The most sentences a side of the aligned beads among the first nsh shapes. */
static int shapes_reach(int nsh)
{
    return nsh > AL_NGAPSHAPES ? 3 + (nsh - AL_NGAPSHAPES + 1) / 2 : 3;
}

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

/* Widens [lo, hi] of each row i by wlo[i] columns below and whi[i] above (outliers not
 * counted), clamps to the grid and computes offsets (bd->off may be wlo or whi: read first). */
static size_t band_finish(band *bd, size_t ns, size_t nt, const size_t *wlo, const size_t *whi,
                          const colmap *cm)
{
    size_t cells = 0;
    for (size_t i = 0; i <= ns; i++) {
        size_t wl = wlo[i], wh = whi[i];
        if (cm) {
            size_t cl = col_of(cm, bd->lo[i]), ch = col_of(cm, zmin(nt, bd->hi[i]));
            bd->lo[i] = cm->first[cl > wl ? cl - wl : 0];
            bd->hi[i] = cm->last[zmin(cm->n, ch + wh)];
        } else {
            bd->lo[i] = bd->lo[i] > wl ? bd->lo[i] - wl : 0;
            bd->hi[i] = zmin(nt, bd->hi[i] + wh);
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
    for (size_t r = 0; r <= ns; r++)
        nb.off[r] = POST_REACH; /* the widths, before band_finish makes them offsets */
    size_t cells = band_finish(&nb, ns, nt, nb.off, nb.off, cm);
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

/* What one band search needs: the grid, the model and the geometry without outliers. */
typedef struct search {
    size_t ns, nt, ns1, nt1;
    int nsh;
    const al_gap *gap;
    const colmap *cm;
    const size_t *nos; /* source outliers among the first i, or NULL */
    int widen_all;     /* al_dp_opts */
    double plain[AL_NSHAPES];
    al_band_fn prepare;
    al_cost_fn cost;
    void *ctx;
} search;

/* The result of one: the path (end first), its cost, the band of its last pass and the widths. */
typedef struct found {
    band bd;
    size_t *wr; /* 2 (ns + 1) widths: below the path, above it */
    size_t *pi, *pj, np;
    double total;
    int passes, converged;
    size_t cells, wmax;
} found;

static int found_alloc(found *f, size_t ns, size_t nt)
{
    f->bd.lo = malloc((ns + 1) * sizeof *f->bd.lo);
    f->bd.hi = malloc((ns + 1) * sizeof *f->bd.hi);
    f->bd.off = malloc((ns + 2) * sizeof *f->bd.off);
    f->wr = malloc(2 * (ns + 1) * sizeof *f->wr);
    f->pi = malloc((ns + nt + 2) * sizeof *f->pi);
    f->pj = malloc((ns + nt + 2) * sizeof *f->pj);
    return f->bd.lo && f->bd.hi && f->bd.off && f->wr && f->pi && f->pj ? 0 : jisr_oom(0);
}

static void found_free(found *f)
{
    free(f->bd.lo);
    free(f->bd.hi);
    free(f->bd.off);
    free(f->wr);
    free(f->pi);
    free(f->pj);
    memset(f, 0, sizeof *f);
}

/* Row i's columns from its centre to the next row's, given in rows and columns counted without
 * outliers: cen[i1] (i1 = 0..ns1) the centre of reduced row i1, real; lo1/hi1 extra reduced
 * columns a row must span (SIZE_MAX/0: none). */
static void band_from_centres(band *bd, const search *S, const double *cen, const size_t *lo1,
                              const size_t *hi1)
{
    const colmap *cm = S->cm;
    for (size_t i = 0; i <= S->ns; i++) {
        size_t i1 = S->nos ? i - S->nos[i] : i;
        size_t c0 = (size_t)cen[i1];
        size_t c1 = i1 < S->ns1 ? (size_t)ceil(cen[i1 + 1]) : S->nt1;
        if (lo1 && lo1[i1] < c0)
            c0 = lo1[i1];
        if (hi1 && hi1[i1] != SIZE_MAX && hi1[i1] > c1)
            c1 = hi1[i1];
        c0 = zmin(c0, S->nt1);
        c1 = zmin(zmax(c1, c0), S->nt1);
        bd->lo[i] = i1 == 0 ? 0 : cm ? cm->first[c0] : c0;
        bd->hi[i] = cm ? cm->last[c1] : c1;
    }
}

/* The first band along the anchors (s, t) (aligned pairs the model is sure of, increasing):
 * the centres are linear between them, from (0, 0) to (ns, nt), counted without outliers as
 * the diagonal is; each anchor's cells are inside. Returns 0 or JISR_ENOMEM. */
static int band_from_anchors(band *bd, const search *S, const size_t *anc, size_t na)
{
    size_t n1 = S->ns1;
    double *cen = malloc((n1 + 1) * sizeof *cen);
    size_t *lo1 = malloc((n1 + 1) * sizeof *lo1), *hi1 = malloc((n1 + 1) * sizeof *hi1);
    size_t(*pt)[2] = malloc((2 * na + 2) * sizeof *pt);
    if (!cen || !lo1 || !hi1 || !pt) {
        free(cen);
        free(lo1);
        free(hi1);
        free(pt);
        return jisr_oom(0);
    }
    size_t np = 0;
    pt[np][0] = pt[np][1] = 0;
    np++;
    for (size_t k = 0; k < na; k++) {
        size_t s = anc[2 * k], t = anc[2 * k + 1];
        if (s >= S->ns || t >= S->nt)
            continue;
        size_t rs = S->nos ? s - S->nos[s] : s, rt = col_of(S->cm, t);
        if (rs < pt[np - 1][0] || rt < pt[np - 1][1] || rs + 1 > n1 || rt + 1 > S->nt1)
            continue; /* not after the last one */
        pt[np][0] = rs;
        pt[np++][1] = rt;
        pt[np][0] = rs + 1;
        pt[np++][1] = rt + 1;
    }
    pt[np][0] = n1;
    pt[np++][1] = S->nt1;
    for (size_t x = 0; x <= n1; x++) {
        lo1[x] = SIZE_MAX;
        hi1[x] = SIZE_MAX;
        cen[x] = (double)S->nt1;
    }
    for (size_t k = 0; k + 1 < np; k++) {
        size_t x0 = pt[k][0], x1 = pt[k + 1][0], y0 = pt[k][1], y1 = pt[k + 1][1];
        for (size_t x = x0; x < x1; x++)
            cen[x] = (double)y0 + (double)(x - x0) * (double)(y1 - y0) / (double)(x1 - x0);
    }
    for (size_t k = 0; k < np; k++) { /* points on one row (a jump of columns) stay inside */
        size_t x = pt[k][0];
        lo1[x] = zmin(lo1[x], pt[k][1]);
        hi1[x] = hi1[x] == SIZE_MAX ? pt[k][1] : zmax(hi1[x], pt[k][1]);
    }
    band_from_centres(bd, S, cen, lo1, hi1);
    free(cen);
    free(lo1);
    free(hi1);
    free(pt);
    return 0;
}

/* The diagonal of the grid (rows and columns counted without outliers). */
static void band_diagonal(band *bd, const search *S)
{
    const colmap *cm = S->cm;
    size_t ns1 = S->ns1, nt1 = S->nt1;
    for (size_t i = 0; i <= S->ns; i++) {
        size_t i1 = S->nos ? i - S->nos[i] : i;
        size_t c0 = ns1 ? (size_t)((double)i1 * (double)nt1 / (double)ns1) : 0;
        size_t c1 = ns1 ? (size_t)((double)(i1 + 1) * (double)nt1 / (double)ns1 + 0.999) : nt1;
        c0 = zmin(c0, nt1);
        c1 = zmin(zmax(c1, c0), nt1);
        bd->lo[i] = i1 == 0 ? 0 : cm ? cm->first[c0] : c0;
        bd->hi[i] = cm ? cm->last[c1] : c1;
    }
}

/* The widths of one side of the band (below or above the path) for the next pass: env[i] is
 * the width row i asks for (twice its width where the path came within TOUCH of that edge, else
 * 0); the rows around a touched one widen too, less the further they are (by TAPER a row), so
 * that a path that needs to leave the band somewhere gets room there, on that side, and nowhere
 * else: time and memory stay linear in the document. env is scratch. */
static void widen_locally(size_t *wr, double *env, size_t ns)
{
    double f = 0;
    for (size_t i = 0; i <= ns; i++) {
        f = fmax(f - TAPER, env[i]);
        env[i] = f;
    }
    f = 0;
    for (size_t i = ns + 1; i-- > 0;) {
        f = fmax(f - TAPER, env[i]);
        if (f > (double)wr[i])
            wr[i] = (size_t)ceil(f);
    }
}

/* The banded search from the band in f->bd (rows' spans before widening) with the widths
 * f->wr (below the span of row i: wr[i], above it: wr[ns + 1 + i]): passes until the best path
 * keeps clear of the band's edges, the band is the whole grid or max_passes (0: no limit) are
 * done; after each, the band is re-centred on the path and widened where the path touched its
 * edge. f receives the path, its cost, whether it converged and the band of the last pass. */
static int search_band(const search *S, found *f, int max_passes)
{
    size_t ns = S->ns, nt = S->nt;
    const colmap *cm = S->cm;
    double *D = NULL, *env = malloc(2 * (ns + 1) * sizeof *env); /* below, above */
    unsigned char *B = NULL;
    band *bd = &f->bd;
    int rc = env ? 0 : jisr_oom(0);
    f->np = 0;
    f->total = DBL_MAX;
    /* the first pass tries every shape (most documents are done then); when its path touched
     * the band's edge, the long beads (nsh > AL_NGAPSHAPES) wait until the short ones' path
     * keeps clear of it: a wrong path in a band still far from the true one takes long beads
     * instead of touching the edge, and the band took longer to get there (not in a search of
     * limited passes: its cost is compared with another's) */
    int nsh = S->nsh, wait = max_passes == 0 && S->nsh > AL_NGAPSHAPES, again = 0;
    for (int pass = 1; rc == 0; pass++) {
        /* the band as it is (again: the last pass's, already finished), or widened */
        int last = again;
        size_t cells = again ? bd->off[ns + 1] : band_finish(bd, ns, nt, f->wr, f->wr + ns + 1, cm);
        again = 0;
        /* a pass's own D and B; the last pass's start as copies of the pass before's (kept in
         * place, they left the allocator's heap such that the synthetic document's peak RSS
         * went from 45 to 51 MiB) */
        double *D0 = last ? D : NULL;
        unsigned char *B0 = last ? B : NULL;
        if (!last) {
            free(D);
            free(B);
        }
        D = malloc(cells * sizeof *D);
        B = malloc(cells);
        if (last && D && B) {
            memcpy(D, D0, cells * sizeof *D);
            memcpy(B, B0, cells);
        }
        free(D0);
        free(B0);
        if (!D || !B) {
            rc = jisr_oom(cells * (sizeof *D + 1));
            break;
        }
        if (S->prepare && (rc = S->prepare(S->ctx, ns, bd->lo, bd->hi, shapes_reach(nsh))) < 0)
            break;
        f->cells = cells;
        f->passes = pass;
        dp_stats.work += cells;
        for (size_t i = 0; i <= ns; i++) {
            /* the rows a move may come from, a = 0..SHAPE_MAX rows up: their columns (none
             * above row 0) and where their cells start in D */
            size_t rlo[SHAPE_MAX + 1], rhi[SHAPE_MAX + 1], rbase[SHAPE_MAX + 1];
            for (size_t a = 0; a <= SHAPE_MAX; a++) {
                rlo[a] = a <= i ? bd->lo[i - a] : SIZE_MAX;
                rhi[a] = a <= i ? bd->hi[i - a] : 0;
                rbase[a] = a <= i ? bd->off[i - a] - bd->lo[i - a] : 0; /* + column: the cell */
            }
            for (size_t j = bd->lo[i]; j <= bd->hi[i]; j++) {
                size_t k = bd->off[i] + (j - bd->lo[i]);
                double best = DBL_MAX;
                unsigned char bb = NO_BACK;
                int t0 = 0;
                if (last) {
                    /* the pass of every shape after the short beads' pass in this band: a cell
                     * none of whose short moves comes from a cell this pass changed keeps that
                     * pass's best short move (the same costs from the same values, in the same
                     * order); only the long beads are tried */
                    int dirty = 0;
                    for (int t = 0; t < AL_NGAPSHAPES && !dirty; t++) {
                        size_t a = al_bead_shape[t][0], b = al_bead_shape[t][1];
                        size_t qj = j - b;
                        dirty = b <= j && qj >= rlo[a] && qj <= rhi[a] &&
                                B[rbase[a] + qj] != NO_BACK && (B[rbase[a] + qj] & CHANGED);
                    }
                    if (!dirty) {
                        best = D[k];
                        bb = B[k];
                        t0 = AL_NGAPSHAPES;
                    }
                }
                if (i == 0 && j == 0)
                    best = 0;
                for (int t = t0; t < nsh; t++) {
                    size_t a = al_bead_shape[t][0], b = al_bead_shape[t][1];
                    if (b > j)
                        continue;
                    size_t qj = j - b;
                    if (qj < rlo[a] || qj > rhi[a])
                        continue;
                    double d = D[rbase[a] + qj];
                    if (d == DBL_MAX)
                        continue;
                    d += shape_cost_fast(S->plain, S->gap, S->cost, S->ctx, ns, nt, i, j, t);
                    if (d < best) {
                        best = d;
                        bb = (unsigned char)t;
                    }
                }
                if (last && best != D[k] && bb != NO_BACK)
                    bb |= CHANGED;
                D[k] = best;
                B[k] = bb;
            }
        }
        for (size_t k = 0; last && k < cells; k++)
            if (B[k] != NO_BACK)
                B[k] &= (unsigned char)~CHANGED;
        int full = 1;
        for (size_t i = 0; full && i <= ns; i++)
            full = bd->lo[i] == 0 && bd->hi[i] == nt;
        int reached = nt >= bd->lo[ns] && D[bd->off[ns] + (nt - bd->lo[ns])] != DBL_MAX;
        int touches = !reached;
        for (size_t i = 0; i < 2 * (ns + 1); i++)
            env[i] = 0;
        f->np = 0;
        if (reached) {
            size_t i = ns, j = nt;
            f->total = D[bd->off[ns] + (nt - bd->lo[ns])];
            f->pi[f->np] = i;
            f->pj[f->np++] = j;
            while (i || j) {
                unsigned char t = B[bd->off[i] + (j - bd->lo[i])];
                if (t == NO_BACK) { /* cannot happen once reached; be safe */
                    touches = reached = 0;
                    f->np = 0;
                    f->total = DBL_MAX;
                    break;
                }
                i -= al_bead_shape[t][0];
                j -= al_bead_shape[t][1];
                f->pi[f->np] = i;
                f->pj[f->np++] = j;
                size_t cj = col_of(cm, j), clo = col_of(cm, bd->lo[i]), chi = col_of(cm, bd->hi[i]);
                size_t cn = cm ? S->nt1 : nt;
                if (cj <= clo + TOUCH && clo > 0) {
                    touches = 1;
                    env[i] = GROW * (double)f->wr[i];
                }
                if (cj + TOUCH >= chi && chi < cn) {
                    touches = 1;
                    env[ns + 1 + i] = GROW * (double)f->wr[ns + 1 + i];
                }
            }
        }
        f->converged = full || !touches;
        if (f->converged && nsh < S->nsh) {
            /* then every shape, in the same band: the costs of a model depend on the band
             * (cost.c: the neighbour discount), and a search whose early paths took no long
             * bead makes the passes and the last band it made before long beads waited */
            nsh = S->nsh;
            f->converged = 0;
            again = 1;
            continue;
        }
        if (f->converged || pass == max_passes)
            break;
        if (wait) {
            nsh = AL_NGAPSHAPES;
            wait = 0;
        }
        if (reached && pass < LOCAL_PASSES && !S->widen_all) {
            /* re-centre on the path; widen where it touched */
            band_from_path(bd, ns, f->pi, f->pj, f->np);
            widen_locally(f->wr, env, ns);
            widen_locally(f->wr + ns + 1, env + ns + 1, ns);
        } else {
            /* not reached (keep the already widened band: the next pass widens it again), or
             * too many passes: the whole band doubles */
            if (reached)
                band_from_path(bd, ns, f->pi, f->pj, f->np);
            for (size_t i = 0; i < 2 * (ns + 1); i++)
                f->wr[i] *= 2;
        }
    }
    f->wmax = 0;
    for (size_t i = 0; i < 2 * (ns + 1); i++)
        f->wmax = zmax(f->wmax, f->wr[i]);
    free(D);
    free(B);
    free(env);
    return rc;
}

/* The share of the anchors that lie in a bead of the path (end first). */
static double anchors_on_path(const found *f, const size_t *anc, size_t na)
{
    size_t on = 0, a = 0;
    for (size_t k = f->np; k-- > 1 && a < na;) {
        size_t i0 = f->pi[k], j0 = f->pj[k], i1 = f->pi[k - 1], j1 = f->pj[k - 1];
        while (a < na && anc[2 * a] < i1) {
            on += anc[2 * a] >= i0 && anc[2 * a + 1] >= j0 && anc[2 * a + 1] < j1;
            a++;
        }
    }
    return na ? (double)on / (double)na : 1;
}

/* Whether ANCHORS_OFF anchors lie off the diagonal band of half-width w (counted without
 * outliers): one may be wrong, a section moved or a drift makes many. */
static int anchors_off_diagonal(const search *S, const size_t *anc, size_t na, size_t w)
{
    size_t off = 0;
    for (size_t k = 0; k < na && off < ANCHORS_OFF; k++) {
        size_t s = anc[2 * k], t = anc[2 * k + 1];
        if (s >= S->ns || t >= S->nt)
            continue;
        double rs = (double)(S->nos ? s - S->nos[s] : s), rt = (double)col_of(S->cm, t);
        double d = S->ns1 ? rs * (double)S->nt1 / (double)S->ns1 : 0;
        off += fabs(rt - d) + TOUCH > (double)w;
    }
    return off >= ANCHORS_OFF;
}

int al_dp(size_t ns, size_t nt, const al_dp_opts *opts, al_band_fn prepare, al_cost_fn cost,
          void *ctx, jisr_ladder *out)
{
    out->n = 0;
    memset(&dp_stats, 0, sizeof dp_stats);
    int rc = 0;
    double *post = NULL;
    found fd = {0}, fa = {0}, *best = &fd;
    search S = {0};
    S.ns = ns;
    S.nt = nt;
    S.nsh = opts && opts->nshapes > 0 ? opts->nshapes : AL_NBEADS;
    if (S.nsh > AL_NSHAPES)
        S.nsh = AL_NSHAPES;
    S.gap = opts ? opts->gap : NULL;
    S.widen_all = opts && opts->widen_all;
    S.prepare = prepare;
    S.cost = cost;
    S.ctx = ctx;
    double temp = opts ? opts->temp : 0;
    colmap cmap = {0}; /* before any goto done: freed there */
    gap_plain(S.gap, S.nsh, S.plain);
    if ((rc = found_alloc(&fd, ns, nt)) < 0)
        goto done;
    /* outliers (gap->nout) take no part in the band's geometry: rows and columns are counted
     * without them */
    S.nos = S.gap ? S.gap->nout[0] : NULL;
    S.ns1 = ns;
    S.nt1 = nt;
    if (S.nos && S.gap->nout[1]) {
        cmap.nout = S.gap->nout[1];
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
        S.cm = &cmap;
        S.ns1 = ns - S.nos[ns];
        S.nt1 = cmap.n;
    }
    size_t w = opts ? opts->band : 0;
    if (w == 0)
        w = (S.ns1 + 1) * (S.nt1 + 1) <= FULL_GRID_CELLS ? zmax(S.ns1, S.nt1) : DEFAULT_BAND;
    /* Anchors (pairs the model is sure of) off the diagonal: the true path may be far from it
     * (a section moved, a long passage missing, sentence counts drifting apart over a long
     * document) where the search along the diagonal never looks, since a wrong path need not
     * come near the band's edge, or gets there only after many passes. The search along the
     * diagonal then stops after DIAG_PASSES passes; unless it has found a path through nearly
     * all the anchors by then, a search starts along the anchors, and when the diagonal's path
     * so far is the cheaper one (the anchors may mislead) its search goes on to its end. The
     * cheaper path is kept: both are paths of the same costs. */
    const size_t *anc = opts ? opts->anchor : NULL;
    size_t na = anc ? opts->nanchor : 0;
    int along = na && anchors_off_diagonal(&S, anc, na, w);
    /* the first band: the diagonal, each row spanning from its centre to the next row's */
    band_diagonal(&fd.bd, &S);
    for (size_t i = 0; i < 2 * (ns + 1); i++)
        fd.wr[i] = w;
    if ((rc = search_band(&S, &fd, along ? DIAG_PASSES : 0)) < 0)
        goto done;
    dp_stats.searches = 1;
    if (along && (!fd.converged || anchors_on_path(&fd, anc, na) < ANCHORS_ON_PATH)) {
        if ((rc = found_alloc(&fa, ns, nt)) < 0 ||
            (rc = band_from_anchors(&fa.bd, &S, anc, na)) < 0)
            goto done;
        for (size_t i = 0; i < 2 * (ns + 1); i++)
            fa.wr[i] = w;
        if ((rc = search_band(&S, &fa, 0)) < 0)
            goto done;
        dp_stats.searches = 2;
        if (!fd.converged && fd.total < fa.total) {
            band_diagonal(&fd.bd, &S);
            for (size_t i = 0; i < 2 * (ns + 1); i++)
                fd.wr[i] = w;
            if ((rc = search_band(&S, &fd, 0)) < 0)
                goto done;
        }
        if (fa.np && fa.total < fd.total) {
            best = &fa;
            dp_stats.anchored = 1;
        }
        /* the model's band data for the path kept */
        if (prepare && (rc = prepare(ctx, ns, best->bd.lo, best->bd.hi, shapes_reach(S.nsh))) < 0)
            goto done;
    }
    dp_stats.cells = best->cells;
    dp_stats.passes = best->passes;
    dp_stats.band = best->wmax;
    const size_t *pi = best->pi, *pj = best->pj;
    size_t np = best->np;
    if (temp > 0 && np > 1) {
        if (!(post = malloc(np * sizeof *post))) {
            rc = jisr_oom(0);
            goto done;
        }
        if ((rc = posteriors(ns, nt, S.nsh, temp, opts->gap, S.cm, cost, ctx, pi, pj, np, post)) <
            0)
            goto done;
    }
    /* the path, start first, as beads with their scores; a run of unaligned sentences becomes
     * one bead per sentence */
    for (size_t k = np, b = 0; k-- > 1; b++) {
        size_t i0 = pi[k], j0 = pj[k], i1 = pi[k - 1], j1 = pj[k - 1];
        size_t na_ = i1 - i0, nbt = j1 - j0;
        if ((na_ == 0 || nbt == 0) && na_ + nbt > 1) {
            for (size_t s = 0; rc == 0 && s < na_; s++)
                rc = jisr_ladder_push(out, i0 + s, 1, j0, 0, 0);
            for (size_t s = 0; rc == 0 && s < nbt; s++)
                rc = jisr_ladder_push(out, i0, 0, j0 + s, 1, 0);
            if (rc < 0)
                goto done;
            continue;
        }
        double score = 0; /* an unaligned sentence scores 0 */
        if (na_ && nbt)
            cost(ctx, i1, j1, (int)na_, (int)nbt, &score);
        if ((rc = jisr_ladder_push(out, i0, na_, j0, nbt, score)) < 0)
            goto done;
        if (post && opts->post)
            opts->post[out->n - 1] = post[b];
    }
done:
    free(cmap.first);
    free(cmap.last);
    found_free(&fd);
    found_free(&fa);
    free(post);
    return rc;
}
