/*
 * cost.c — the cost of a bead and the confidence of an aligned pair.
 *
 * The lexical evidence of a bead is a log-likelihood ratio, token by token: a token the
 * lexicon knows either finds a translation on the other side of the bead or not; p1 is the
 * chance that it does in a true translation (estimated from the first pass), p0 the chance
 * that it does in unrelated sentences (from the other side's document frequencies; for a bead
 * with k sentences on the other side, 1 - (1 - p0)^k). Matches of rare words weigh much,
 * matches of words found everywhere nothing. Because neighbouring sentences share vocabulary,
 * a bead pays, for each extra sentence it merges, the mean gain its sentences get from the
 * sentences around them (the "neighbour discount"); otherwise merges would collect chance
 * matches. The coverage of every sentence pair in the DP band is computed once per band in
 * O(target tokens) with stamp arrays and position masks; a bead sums its pairs, clamping each
 * sentence at its own maximum so that a word matched in two sentences is not counted twice.
 *
 * Bead cost = Gale–Church length cost (character ratio c and variance s2 of the document) +
 * bead prior − lex_weight × log-likelihood ratio; an unaligned sentence costs its prior.
 *
 * Model 2 also has beads of one sentence against 4..bead_max (6) of the other side (session 36):
 * Arabic prose runs a paragraph into one sentence joined with «و» and commas, which the English
 * splits into four or five. Their lone sentence is weighed against its k partners with the
 * chance 1 - (1 - p0)^k for k up to 6 (not capped at 3, which over-credited chance matches), the
 * coverage of the band reaches as far as the longest bead (its 4..6-partner entries, which only
 * long beads read, computed a row at a time when first asked for), the neighbour discount keeps
 * being taken over the cells of 1..3-sentence beads (so no other bead's cost moves), and a long
 * bead whose length cost exceeds long_len_max is not weighed at all (speed). On the long-sentence
 * dev sets (bench_align --sets clean/dev+long-ar, bench/make_longsent.py) strict F1 went from
 * about 0.68 to 0.95-0.99; the existing Bible dev and test sets align as before.
 *
 * Model 2 (jisr 0.2) bounds what one sentence can do: the length cost of a bead is capped and
 * a sentence's lexical evidence has a floor, so a 20,000-character line costs what an
 * unaligned sentence costs and no more; a run of unaligned sentences costs gap_extend per
 * sentence after the first (an affine gap, so an omitted passage stays unaligned instead of
 * being spread over merges), less again before the first and after the last pair (a heading or
 * a closing line on one side only). The first or last pair of a document pays edge_nolex more
 * when not one known token of it finds a translation in it (though both sides hold known
 * tokens) and its lengths disagree: at an edge, one-sided material (a dateline) next to a
 * sentence that has lost its partner is likelier than such a pair, and without this the pair's
 * discounted evidence (4.5) undercut the two gaps (3.0 + 6.5). On noisy/dev every first or last
 * pair that is right has matched tokens. Paragraph boundaries of plain-text input are soft anchors
 * (merging across one, or starting a paragraph on one side only, costs a little). The score of
 * a pair is calibrated: the posterior of the bead over the paths near the best one, mapped by a
 * logistic fit on the Bible noisy/dev set to the probability that the pair is right.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "align/aligner_int.h"

typedef struct cctx {
    jisr_aligner *a;
    al_doc *d;
    double c, s2;
    int lexical, v2;
    int reach;       /* the most sentences a side of an aligned bead: 3, or model 2's bead_max */
    double *sc, *tc; /* prefix sums of characters (ns+1, nt+1) */
    /* per sentence and partner count k = 1..reach: the most its matched tokens can gain, and
     * the log-likelihood ratio when nothing matches */
    double (*ws)[AL_KMAX], (*wt)[AL_KMAX];
    double (*us)[AL_KMAX], (*ut)[AL_KMAX];
    /* per sentence: the mean gain it gets from the other side's sentences in the band, what a
     * merged-in neighbour adds by chance (neighbouring verses share their vocabulary) */
    double *bgs, *bgt, *bgn;
    /* sentence-pair coverage in the band: row s spans t in [clo[s], clo[s]+cn[s]) at coff[s],
     * reach floats a pair (partner counts k = 1..reach: the DP's inner loop reads them, so no
     * more than the model uses) */
    size_t *clo, *cn, *coff;
    float *ms, *mt; /* k = 1..3 (CK floats a pair) */
    size_t ccap;    /* floats ms and mt hold */
    int kn;         /* the reach of the pass prepared (3 while long beads wait) */
    /* k = 4..kn: only a long bead reads them (a 1-k bead the lone source sentence's row, a k-1
     * bead the lone target sentence's column), so they are computed a row at a time when first
     * asked for, into LROWS rows of LK floats a pair that the DP's order of rows reuses */
    struct lrows *lr;
    size_t cov_floats;         /* floats of coverage held after the band last prepared */
    const unsigned char *outl; /* model 2, a document with outliers: d->outl, else NULL */
    const size_t *nout;        /* and then prefix counts of outliers (source ns+1, target nt+1) */
} cctx;

/* What a bead's cost is made of (for the score). */
typedef struct bead_parts {
    double lencost, llr, cost;
} bead_parts;

#define CK 3                    /* partner counts of ms and mt: 1..3 */
#define LK (AL_KMAX - CK)       /* and of a row of long ones: 4..AL_KMAX */
#define LROWS (AL_LONG_MAX + 2) /* a cell reads rows i-AL_LONG_MAX..i-1: one to spare */
struct lrows {
    size_t row[LROWS]; /* the source sentence each slot holds, SIZE_MAX for none */
    float *ms, *mt;    /* slot r at r * width * LK */
    size_t width;      /* the widest row of the band prepared */
};

/* the most bytes of coverage held at once in this thread's last al_align_doc */
static _Thread_local size_t cov_peak;

#define EDGE_MAX 3     /* sentences at either end of a side that may be one-sided material */
#define BLANK_SPAN 1e9 /* a bead that would span a blank line: never chosen */

static void cover_row(const cctx *x, size_t s, int q0, int q1, float *oms, float *omt, size_t l3,
                      size_t h3);

/* Row s of the coverage with k = q + 1 partners: the gains of the matched tokens of s (side 0)
 * or of t (side 1) for t in [clo[s], clo[s] + cn[s]), at *stride floats a column. */
static inline const float *cov_row(const cctx *x, size_t s, int q, int side, size_t *stride)
{
    if (q < CK) {
        *stride = CK;
        return (side ? x->mt : x->ms) + x->coff[s] * CK + (size_t)q;
    }
    struct lrows *lr = x->lr;
    size_t r = s % LROWS;
    if (lr->row[r] != s) {
        cover_row(x, s, CK, x->reach, lr->ms + r * lr->width * LK, lr->mt + r * lr->width * LK, 0,
                  0);
        lr->row[r] = s;
    }
    *stride = LK;
    return (side ? lr->mt : lr->ms) + r * lr->width * LK + (size_t)(q - CK);
}

/* Coverage of sentence pair (s, t) with k = q + 1 partners (side as for cov_row). */
static inline float cov_at(const cctx *x, size_t s, size_t t, int q, int side)
{
    if (t < x->clo[s] || t >= x->clo[s] + x->cn[s])
        return 0;
    size_t stride;
    const float *r = cov_row(x, s, q, side, &stride);
    return r[(t - x->clo[s]) * stride];
}

/* The target sentences [*l, *h) that a bead of up to reach sentences a side covering source
 * sentence s may use in the band. */
static void band_row(size_t s, size_t ns, size_t nt, const size_t *lo, const size_t *hi,
                     size_t reach, size_t *l, size_t *h)
{
    *l = SIZE_MAX;
    *h = 0;
    for (size_t i = s + 1; i <= s + reach && i <= ns; i++) {
        if (lo[i] < *l)
            *l = lo[i];
        if (hi[i] > *h)
            *h = hi[i];
    }
    *l = *l > reach ? *l - reach : 0;
    if (*h > nt)
        *h = nt;
    if (*h < *l)
        *h = *l;
}

/* The coverage of row s of the band for partner counts k = q0+1..q1 (q1 - q0 floats a pair into
 * oms and omt, from the row's first column); for q0 = 0 also the neighbours' mean gains (bgs[s],
 * and bgt, bgn summed), over the columns [l3, h3) of 1..3-sentence beads. */
static void cover_row(const cctx *x, size_t s, int q0, int q1, float *oms, float *omt, size_t l3,
                      size_t h3)
{
    jisr_aligner *a = x->a;
    const al_doc *d = x->d;
    const uint32_t *ids = d->ids;
    size_t nq = (size_t)(q1 - q0);
    double rowsum = 0, rown = 0;
    uint32_t gs = ++a->gen_s;
    const uint32_t *sb = ids + d->off[s], *se = ids + d->off[s + 1];
    /* target ids that translate some token of s; for sentences of up to 64 tokens, also
     * which positions they translate, so a cell costs O(target tokens) */
    int masks = se - sb <= 64;
    for (const uint32_t *p = sb; p < se; p++) {
        const al_trlist *tl = &a->tr[*p];
        uint64_t bit = masks ? (uint64_t)1 << (p - sb) : 0;
        for (uint32_t k = 0; k < tl->n; k++) {
            uint32_t e = tl->v[k];
            if (a->stamp_s[e] != gs) {
                a->stamp_s[e] = gs;
                a->mask[e] = 0;
            }
            a->mask[e] |= bit;
        }
    }
    for (size_t t = x->clo[s]; t < x->clo[s] + x->cn[s]; t++) {
        uint32_t gt = ++a->gen_t;
        const uint32_t *tb = ids + d->off[d->ns + t], *te = ids + d->off[d->ns + t + 1];
        double mt[AL_KMAX] = {0}, ms[AL_KMAX] = {0};
        uint64_t hit = 0;
        for (const uint32_t *p = tb; p < te; p++) {
            a->stamp_t[*p] = gt;
            if (a->stamp_s[*p] == gs) {
                for (int q = q0; q < q1; q++)
                    mt[q] += a->w[*p][q];
                hit |= a->mask[*p];
            }
        }
        if (masks) {
            for (; hit; hit &= hit - 1) {
                const float *w = a->w[sb[__builtin_ctzll(hit)]];
                for (int q = q0; q < q1; q++)
                    ms[q] += w[q];
            }
        } else {
            for (const uint32_t *p = sb; p < se; p++) {
                const al_trlist *tl = &a->tr[*p];
                for (uint32_t k = 0; k < tl->n; k++)
                    if (a->stamp_t[tl->v[k]] == gt) {
                        for (int q = q0; q < q1; q++)
                            ms[q] += a->w[*p][q];
                        break;
                    }
            }
        }
        size_t k = t - x->clo[s];
        /* an outlier holds words of everything: its matches with a sentence that is not
         * one are chance and count for neither (two outliers may still match) */
        int chance = x->outl && x->outl[s] != x->outl[d->ns + t];
        for (int q = q0; q < q1; q++) {
            oms[k * nq + (size_t)(q - q0)] = chance ? 0.0f : (float)ms[q];
            omt[k * nq + (size_t)(q - q0)] = chance ? 0.0f : (float)mt[q];
        }
        /* outliers match everything by chance: not part of what a neighbour brings */
        if (q0 > 0 || (d->outl && (d->outl[s] || d->outl[d->ns + t])) || t < l3 || t >= h3)
            continue;
        rowsum += ms[0];
        rown++;
        x->bgt[t] += mt[0];
        x->bgn[t] += 1;
    }
    if (q0 == 0)
        x->bgs[s] = d->outl   ? (rown > 0 ? rowsum / rown : 0)
                    : h3 > l3 ? rowsum / (double)(h3 - l3)
                              : 0;
}

/* Coverage of every sentence pair that a bead of a band cell may use: k = 1..3 here, k = 4..
 * when a long bead first asks (cov_at). */
static int band_prepare(void *ctx, size_t ns, const size_t *lo, const size_t *hi, int preach)
{
    cctx *x = ctx;
    if (!x->lexical)
        return 0;
    al_doc *d = x->d;
    int nk = preach < 3 ? 3 : preach > x->reach ? x->reach : preach;
    size_t total = 0, reach = (size_t)nk, width = 0;
    x->kn = nk;
    for (size_t s = 0; s < ns; s++) {
        size_t l, h;
        band_row(s, ns, d->nt, lo, hi, reach, &l, &h);
        x->clo[s] = l;
        x->cn[s] = h - l;
        x->coff[s] = total;
        total += x->cn[s];
        if (x->cn[s] > width)
            width = x->cn[s];
    }
    if (total * CK > x->ccap) {
        float *ms = realloc(x->ms, total * CK * sizeof *ms);
        if (!ms)
            return jisr_oom(0);
        x->ms = ms;
        float *mt = realloc(x->mt, total * CK * sizeof *mt);
        if (!mt)
            return jisr_oom(0);
        x->mt = mt;
        x->ccap = total * CK;
    }
    struct lrows *lr = x->lr;
    for (int r = 0; r < LROWS; r++)
        lr->row[r] = SIZE_MAX;
    if (x->reach > CK && width > lr->width) {
        float *ms = realloc(lr->ms, LROWS * width * LK * sizeof *ms);
        if (!ms)
            return jisr_oom(0);
        lr->ms = ms;
        float *mt = realloc(lr->mt, LROWS * width * LK * sizeof *mt);
        if (!mt)
            return jisr_oom(0);
        lr->mt = mt;
        lr->width = width;
    }
    x->cov_floats = 2 * (x->ccap + LROWS * lr->width * LK);
    if (x->cov_floats * sizeof(float) > cov_peak)
        cov_peak = x->cov_floats * sizeof(float);
    AL_ZERO(x->bgt, d->nt);
    AL_ZERO(x->bgn, d->nt);
    for (size_t s = 0; s < ns; s++) {
        /* the neighbours' mean gain is taken over the cells of 1..3-sentence beads (jisr 0.2's
         * band): longer beads use more cells, not another discount */
        size_t l3 = x->clo[s], h3 = x->clo[s] + x->cn[s];
        if (reach != 3)
            band_row(s, ns, d->nt, lo, hi, 3, &l3, &h3);
        cover_row(x, s, 0, CK, x->ms + x->coff[s] * CK, x->mt + x->coff[s] * CK, l3, h3);
    }
    for (size_t t = 0; t < d->nt; t++)
        x->bgt[t] = x->bgn[t] > 0 ? x->bgt[t] / x->bgn[t] : 0;
    return 0;
}

/* -log P(|Z| >= z) for a standard normal Z, the Gale–Church length cost: tabulated (the DP
 * asks for it eight times per cell), capped at P = 1e-12. */
#define LC_STEPS 64
#define LC_MAX 8
static double lc_table[LC_MAX * LC_STEPS + 2];
static pthread_once_t lc_once = PTHREAD_ONCE_INIT;

static void lc_init(void)
{
    for (int k = 0; k <= LC_MAX * LC_STEPS + 1; k++) {
        double p = erfc((double)k / LC_STEPS / 1.4142135623730951);
        lc_table[k] = p > 1e-12 ? -log(p) : 27.6;
    }
}

static double length_cost(double z)
{
    if (!(z < LC_MAX)) /* NaN too */
        return 27.6;
    double f = z * LC_STEPS;
    int k = (int)f;
    return lc_table[k] + (f - k) * (lc_table[k + 1] - lc_table[k]);
}

/* The index of a shape (up to 6 sentences a side) in al_bead_shape: a table, since the DP asks
 * for it for every bead it tries */
static const signed char aligned_type[7][7] = {
    {-1, 2, 9, 11, 13, 15, 17},  {1, 0, 4, 7, 18, 20, 22},     {8, 3, 5, -1, -1, -1, -1},
    {10, 6, -1, -1, -1, -1, -1}, {12, 19, -1, -1, -1, -1, -1}, {14, 21, -1, -1, -1, -1, -1},
    {16, 23, -1, -1, -1, -1, -1}};

static inline int bead_type(int na, int nb)
{
    if (na <= 6 && nb <= 6 && aligned_type[na][nb] >= 0)
        return aligned_type[na][nb];
    int type = 0;
    while (type < AL_NSHAPES && (al_bead_shape[type][0] != na || al_bead_shape[type][1] != nb))
        type++;
    return type;
}

/* Whether the aligned bead ending at (i, j) is the first or the last pair of every path
 * through it: nothing but unaligned sentences (and outliers) before it on one side, or after it
 * on one side. */
static int at_edge(const cctx *x, size_t i, size_t j, int na, int nb)
{
    size_t i0 = i - (size_t)na, j0 = j - (size_t)nb, ns = x->d->ns, nt = x->d->nt;
    if (!x->nout)
        return i0 == 0 || j0 == 0 || i == ns || j == nt;
    const size_t *os = x->nout, *ot = x->nout + ns + 1; /* outliers are not there */
    return os[i0] == i0 || ot[j0] == j0 || os[ns] - os[i] == ns - i || ot[nt] - ot[j] == nt - j;
}

/* The index of the weights of a sentence with n partners (k = n, at most reach). */
static inline int kidx(const cctx *x, int n)
{
    return (n > x->reach ? x->reach : n) - 1;
}

/* Whether no sentence of the bead finds a translation of one of its known tokens in the other
 * side of the bead, though both sides hold known tokens (asked of edge beads only: the DP's
 * inner loop does without it). */
static int no_support(const cctx *x, size_t i, size_t j, int na, int nb)
{
    int kb = kidx(x, nb), ka = kidx(x, na);
    int known = 0;
    for (size_t s = i - (size_t)na; s < i; s++) {
        known |= x->ws[s][kb] > 0;
        for (size_t t = j - (size_t)nb; t < j; t++) {
            if (cov_at(x, s, t, kb, 0) > 0 || cov_at(x, s, t, ka, 1) > 0)
                return 0;
        }
    }
    for (size_t t = j - (size_t)nb; t < j; t++)
        known |= (x->wt[t][ka] > 0) << 1;
    return known == 3;
}

/* The cost of an aligned bead (both sides non-empty) and its parts. */
static void aligned_cost(const cctx *x, size_t i, size_t j, int na, int nb, bead_parts *out)
{
    const al_params *P = &x->a->params;
    double prior = P->prior[bead_type(na, nb)];
    double ls = x->sc[i] - x->sc[i - (size_t)na], lt = x->tc[j] - x->tc[j - (size_t)nb];
    double m = (ls + lt / x->c) / 2 + 1;
    double delta = fabs(lt - x->c * ls) / sqrt(x->s2 * m);
    double lencost = length_cost(delta);
    if (x->v2 && lencost > P->len_cap) {
        /* a length difference says less the larger it is (paraphrase, notes, numbering), so
         * its cost is capped — unless an outlier takes part: it pays in full */
        int outl = 0;
        for (size_t s = i - (size_t)na; x->outl && s < i && !outl; s++)
            outl = x->outl[s];
        for (size_t t = j - (size_t)nb; x->outl && t < j && !outl; t++)
            outl = x->outl[x->d->ns + t];
        if (!outl)
            lencost = P->len_cap;
    }
    double cost = lencost + prior;
    double llr = 0;
    if (x->lexical) {
        int kb = kidx(x, nb), ka = kidx(x, na);
        /* what a merged-in neighbour brings by chance, per unit of bgs / bgt */
        double dis_s = P->nb_discount * (nb - 1), dis_t = P->nb_discount * (na - 1);
        for (size_t s = i - (size_t)na; s < i; s++) {
            double acc = 0;
            size_t stride, l = x->clo[s], n = x->cn[s];
            const float *r = n ? cov_row(x, s, kb, 0, &stride) : NULL;
            for (size_t t = j - (size_t)nb; t < j; t++) /* t - l wraps round for t < l */
                acc += t - l < n ? r[(t - l) * stride] : 0.0f;
            double e = x->us[s][kb] + (acc < x->ws[s][kb] ? acc : x->ws[s][kb]) - dis_s * x->bgs[s];
            if (x->v2 && e < P->llr_floor)
                e = P->llr_floor;
            llr += e;
        }
        for (size_t t = j - (size_t)nb; t < j; t++) {
            double acc = 0;
            for (size_t s = i - (size_t)na; s < i; s++)
                acc += cov_at(x, s, t, ka, 1);
            double e = x->ut[t][ka] + (acc < x->wt[t][ka] ? acc : x->wt[t][ka]) - dis_t * x->bgt[t];
            if (x->v2 && e < P->llr_floor)
                e = P->llr_floor;
            llr += e;
        }
        cost -= P->lex_weight * llr;
        if (x->v2 && lencost >= P->edge_nolex_len && at_edge(x, i, j, na, nb) &&
            no_support(x, i, j, na, nb))
            cost += P->edge_nolex;
    }
    if (x->d->brk && (na > 1 || nb > 1)) {
        /* a bead never spans a blank line (aligner.c took them out) */
        const unsigned char *bs = x->d->brk, *bt = x->d->brk + x->d->ns;
        for (size_t s = i - (size_t)na + 1; s < i; s++)
            cost += bs[s] ? BLANK_SPAN : 0;
        for (size_t t = j - (size_t)nb + 1; t < j; t++)
            cost += bt[t] ? BLANK_SPAN : 0;
    }
    if (x->v2 && x->d->para) {
        /* paragraph boundaries are soft anchors */
        const unsigned char *ps = x->d->para, *pt = x->d->para + x->d->ns;
        int cross = 0;
        for (size_t s = i - (size_t)na + 1; s < i; s++)
            cross += ps[s];
        for (size_t t = j - (size_t)nb + 1; t < j; t++)
            cross += pt[t];
        cost += P->para_cross * cross;
        if (ps[i - (size_t)na] != pt[j - (size_t)nb])
            cost += P->para_mismatch;
    }
    out->lencost = lencost;
    out->llr = llr;
    out->cost = cost;
}

static double bead_cost(void *ctx, size_t i, size_t j, int na, int nb, double *score)
{
    cctx *x = ctx;
    const al_params *P = &x->a->params;
    if (na == 0 || nb == 0) {
        if (score)
            *score = 0;
        /* skipping empty sentences costs nothing (aligner.c takes blank lines out first) */
        if (na ? x->sc[i] == x->sc[i - (size_t)na] : x->tc[j] == x->tc[j - (size_t)nb])
            return 0;
        if (!x->v2)
            return P->prior[bead_type(na, nb)] + P->skip_cost * (na + nb);
        /* an affine gap, cheaper before the first and after the last pair when it holds one of
         * the first or last EDGE_MAX sentences of its side (a heading, a dateline, a credit:
         * not a whole document) */
        size_t n = na ? x->d->ns : x->d->nt, end = na ? i : j, len = (size_t)(na + nb);
        int edge = na ? (j == 0 || j == x->d->nt) : (i == 0 || i == x->d->ns);
        edge = edge && (end <= EDGE_MAX || end - len + EDGE_MAX >= n);
        double open = edge ? P->edge_open : P->prior[na ? 1 : 2];
        double ext = edge ? P->edge_extend : P->gap_extend;
        return open + ext * (na + nb - 1);
    }
    /* a side of nothing but empty sentences (blank lines read with --lines) pairs with
     * nothing: such a bead is never chosen */
    if (x->sc[i] == x->sc[i - (size_t)na] || x->tc[j] == x->tc[j - (size_t)nb]) {
        if (score)
            *score = 0;
        return 1e9;
    }
    if (na > 3 || nb > 3) {
        /* a long bead (1-4 .. 1-6) whose lengths disagree is never the right one, and costs
         * the most to weigh: it is not tried */
        double ls = x->sc[i] - x->sc[i - (size_t)na], lt = x->tc[j] - x->tc[j - (size_t)nb];
        double m = (ls + lt / x->c) / 2 + 1;
        if (length_cost(fabs(lt - x->c * ls) / sqrt(x->s2 * m)) > P->long_len_max) {
            if (score)
                *score = 0;
            return 1e9;
        }
    }
    bead_parts bp;
    aligned_cost(x, i, j, na, nb, &bp);
    if (score) {
        double pl = exp(-bp.lencost); /* two-tailed P(a length difference this large) */
        double s = x->lexical ? sqrt(pl) / (1 + exp(-bp.llr)) : pl;
        *score = s < 0 ? 0 : s > 1 ? 1 : s;
    }
    return bp.cost;
}

/* The calibrated probability that an aligned bead is right: a monotone map (calmap.c, one per
 * mode and direction) of a logistic function of the posterior's log-odds, the bead's shape and
 * its length and lexical evidence, whether a merge (a bead of more than one sentence on a side)
 * sits next to an unaligned sentence (where the DP weighs a merge against a pair and a gap, the
 * merge is wrong more often than its posterior says), and the bead's own score of model 1
 * (length and lexical evidence as probabilities, which saturate where the linear terms do
 * not). The weights and the maps were fitted on the Bible noisy/dev set (bench_align --fit and
 * --dump, bench/calibration_cv.py; the weights chosen by leave-one-Gospel-out
 * cross-validation). result->v[k] is the bead, post its posterior. */
void (*al_feature_hook)(void *ctx, const double *x, int n, double p);
void *al_feature_ctx;

static double calibrated(const cctx *x, const jisr_ladder *result, size_t k, double post,
                         double *llr)
{
    const double *w = x->a->params.cal;
    const jisr_bead *b = &result->v[k];
    bead_parts bp;
    aligned_cost(x, b->src + b->nsrc, b->tgt + b->ntgt, (int)b->nsrc, (int)b->ntgt, &bp);
    double p = fmin(fmax(post, 1e-6), 1 - 1e-6);
    int merge = b->nsrc != 1 || b->ntgt != 1;
    int gap_next = (k > 0 && (!b[-1].nsrc || !b[-1].ntgt)) ||
                   (k + 1 < result->n && (!b[1].nsrc || !b[1].ntgt));
    double pl = exp(-bp.lencost);
    double own = x->lexical ? sqrt(pl) / (1 + exp(-bp.llr)) : pl;
    *llr = bp.llr;
    double f[AL_NCAL] = {1,
                         log(p / (1 - p)),
                         merge,
                         bp.lencost,
                         fmax(-10, fmin(10, bp.llr)),
                         (double)(b->nsrc + b->ntgt),
                         merge && gap_next,
                         own};
    double z = 0;
    for (int q = 0; q < AL_NCAL; q++)
        z += w[q] * f[q];
    double s = 1 / (1 + exp(-z));
    if (al_feature_hook)
        al_feature_hook(al_feature_ctx, f, AL_NCAL, s);
    if (!x->a->params.calmap)
        return s;
    int batch = x->a->ndocs > 1, en = jisr_lang_matches(x->a->opts.srclang, "en");
    return al_calmap_apply(&al_calmaps[batch][en], s);
}

/* Local support (session 27). The calibration above assumes what the DP assumes: that the two
 * documents translate each other. Aligning a document with an unrelated one (a misfiled
 * translation), or one whose second half translates something else, still finds a path, and
 * its pairs scored like pairs of a translation: on the dev sets (Bible noisy/dev chapters with
 * another chapter's English, UN dev pseudo-documents of 40 lines with other 40 lines), two
 * thirds of those wrong pairs scored 0.5 or more. What tells them apart is the neighbourhood:
 * in a translation nearly every pair has lexical evidence for it (a log-likelihood ratio above
 * SUPPORT_LLR), in unrelated text few do. So a pair's score is multiplied by a gate of the
 * share of supported pairs among the SUPPORT_N aligned pairs around it (a window shifted, not
 * cut, at the ends): 1 from SUPPORT_HI up, falling linearly to SUPPORT_FLOOR at SUPPORT_LO. A
 * document with fewer pairs fills the window with its unaligned sentences (unsupported), then
 * with pairs supported at SUPPORT_PRIOR (a short document: little evidence, little change; one
 * unsupported pair alone keeps 0.96 of its score). Only with a
 * lexicon or a dictionary, which is what makes the evidence mean something. Chosen on those
 * dev sets: pairs of unrelated text scoring 0.5 or more 2,047 → 13, of half-translated
 * chapters 607 → 121 (right ones 2,433 → 2,418), translations unchanged (no pair of the
 * parallel dev documents falls below 0.5). Applied after the monotone map, so bench_align --fit
 * fits what it did before. */
#define SUPPORT_N 11
#define SUPPORT_LLR 1.0
#define SUPPORT_PRIOR 0.7
#define SUPPORT_LO 0.30
#define SUPPORT_HI 0.65
#define SUPPORT_FLOOR 0.02

/* llr[0..m): the lexical evidence of the ladder's aligned beads, in order; nmin: the sentences
 * of the document's shorter side. With fewer than SUPPORT_N pairs, the window is the pairs, then
 * the shorter side's sentences left unaligned (unsupported: a document of 60 sentences a side of
 * which 7 pair is not a short document), then the prior. */
static void support_gate(jisr_ladder *r, const double *llr, size_t m, size_t nmin)
{
    size_t i = 0, sup_all = 0;
    for (size_t k = 0; k < m; k++)
        sup_all += llr[k] > SUPPORT_LLR;
    for (size_t k = 0; k < r->n; k++) {
        jisr_bead *b = &r->v[k];
        if (!b->nsrc || !b->ntgt)
            continue;
        double frac;
        if (m >= SUPPORT_N) {
            size_t lo = i > SUPPORT_N / 2 ? i - SUPPORT_N / 2 : 0, sup = 0;
            if (lo > m - SUPPORT_N)
                lo = m - SUPPORT_N;
            for (size_t q = lo; q < lo + SUPPORT_N; q++)
                sup += llr[q] > SUPPORT_LLR;
            frac = (double)sup / SUPPORT_N;
        } else {
            size_t known = nmin < SUPPORT_N ? (nmin > m ? nmin : m) : SUPPORT_N;
            frac = (sup_all + (double)(SUPPORT_N - known) * SUPPORT_PRIOR) / SUPPORT_N;
        }
        double g = (frac - SUPPORT_LO) / (SUPPORT_HI - SUPPORT_LO);
        b->score *= g >= 1 ? 1 : g <= SUPPORT_FLOOR ? SUPPORT_FLOOR : g;
        i++;
    }
}

size_t al_cov_bytes_last(void)
{
    return cov_peak;
}

int al_align_doc(jisr_aligner *a, al_doc *d, double s2, int lexical, int pass)
{
    cctx x = {0};
    struct lrows lrows = {{0}, NULL, NULL, 0};
    x.lr = &lrows;
    cov_peak = 0;
    pthread_once(&lc_once, lc_init); /* the table length_cost reads */
    x.a = a;
    x.d = d;
    x.s2 = s2;
    x.lexical = lexical;
    x.v2 = a->model >= 2;
    x.reach = al_bead_reach(a);
    int nshapes = x.v2 ? al_nshapes(x.reach) : AL_NBEADS;
    size_t ns = d->ns, nt = d->nt;
    int rc = 0;
    double *post = NULL;
    size_t *nout = NULL; /* prefix counts of outliers, source then target */
    size_t *anchors = NULL;
    x.sc = malloc((ns + 1) * sizeof *x.sc);
    x.tc = malloc((nt + 1) * sizeof *x.tc);
    x.ws = malloc((ns + 1) * sizeof *x.ws);
    x.wt = malloc((nt + 1) * sizeof *x.wt);
    x.us = malloc((ns + 1) * sizeof *x.us);
    x.ut = malloc((nt + 1) * sizeof *x.ut);
    x.clo = malloc((ns + 1) * sizeof *x.clo);
    x.cn = malloc((ns + 1) * sizeof *x.cn);
    x.coff = malloc((ns + 1) * sizeof *x.coff);
    x.bgs = calloc(ns + 1, sizeof *x.bgs);
    x.bgt = calloc(nt + 1, sizeof *x.bgt);
    x.bgn = calloc(nt + 1, sizeof *x.bgn);
    if (x.v2)
        post = malloc((ns + nt + 1) * sizeof *post);
    if (!x.sc || !x.tc || !x.ws || !x.wt || !x.us || !x.ut || !x.clo || !x.cn || !x.coff ||
        !x.bgs || !x.bgt || !x.bgn || (x.v2 && !post)) {
        rc = jisr_oom(0);
        goto done;
    }
    x.sc[0] = x.tc[0] = 0;
    for (size_t k = 0; k < ns; k++)
        x.sc[k + 1] = x.sc[k] + d->chars[k];
    for (size_t k = 0; k < nt; k++)
        x.tc[k + 1] = x.tc[k] + d->chars[ns + k];
    if (x.v2) {
        x.c = d->c;
        x.s2 = d->s2;
    } else
        x.c = x.sc[ns] > 0 && x.tc[nt] > 0 ? x.tc[nt] / x.sc[ns] : 1.0;
    for (size_t k = 0; k < ns + nt; k++) {
        double W[AL_KMAX] = {0}, U[AL_KMAX] = {0};
        for (uint32_t p = d->off[k]; p < d->off[k + 1]; p++) {
            uint32_t id = d->ids[p];
            if (k < ns ? a->tr[id].n > 0 : a->tknown[id])
                for (int q = 0; q < x.reach; q++) {
                    W[q] += a->w[id][q];
                    U[q] += a->u[id][q];
                }
        }
        for (int q = 0; q < x.reach; q++) {
            if (k < ns) {
                x.ws[k][q] = W[q];
                x.us[k][q] = U[q];
            } else {
                x.wt[k - ns][q] = W[q];
                x.ut[k - ns][q] = U[q];
            }
        }
    }
    const al_params *P = &a->params;
    al_gap gap = {{P->prior[1], P->prior[2]},
                  P->gap_extend,
                  P->edge_open,
                  P->edge_extend,
                  EDGE_MAX,
                  {NULL, NULL}};
    size_t nouts = 0;
    for (size_t k = 0; x.v2 && d->outl && k < ns + nt; k++)
        nouts += d->outl[k];
    x.outl = nouts ? d->outl : NULL;
    if (nouts) {
        /* outliers are transparent to unaligned runs and the band (al_gap); a document without
         * any keeps the plain arithmetic */
        if (!(nout = malloc((ns + nt + 2) * sizeof *nout))) {
            rc = jisr_oom(0);
            goto done;
        }
        nout[0] = nout[ns + 1] = 0;
        for (size_t k = 0; k < ns; k++)
            nout[k + 1] = nout[k] + d->outl[k];
        for (size_t k = 0; k < nt; k++)
            nout[ns + 2 + k] = nout[ns + 1 + k] + d->outl[ns + k];
        gap.nout[0] = nout;
        gap.nout[1] = nout + ns + 1;
        x.nout = nout;
    }
    /* model 1 keeps jisr 0.1's band: widened whole */
    al_dp_opts o = {a->opts.band, nshapes, 0, post, x.v2 ? &gap : NULL, NULL, 0, !x.v2};
    if (x.v2 && pass == 2)
        o.temp = a->params.post_temp;
    /* model 2: the pairs it is sure of, which the band may follow (anchors.c); not with a band
     * the user chose */
    if (x.v2 && lexical && !a->opts.band && (rc = al_anchors(a, d, &anchors, &o.nanchor)) < 0)
        goto done;
    o.anchor = anchors;
    rc = al_dp(ns, nt, &o, band_prepare, bead_cost, &x, &d->result);
    if (rc == 0 && o.temp > 0) {
        /* post[k] is read before post[m] (m <= k) is written: post[0..m) then holds the
         * lexical evidence of the aligned beads, for the gate */
        size_t m = 0;
        for (size_t k = 0; k < d->result.n; k++) {
            jisr_bead *b = &d->result.v[k];
            if (b->nsrc && b->ntgt) {
                double llr;
                b->score = calibrated(&x, &d->result, k, post[k], &llr);
                post[m++] = llr;
            }
        }
        if (lexical && (a->nlex > 0 || a->ndpairs > 0))
            support_gate(&d->result, post, m, ns < nt ? ns : nt);
    }
done:
    free(x.sc);
    free(x.tc);
    free(x.ws);
    free(x.wt);
    free(x.us);
    free(x.ut);
    free(x.clo);
    free(x.cn);
    free(x.coff);
    free(x.bgs);
    free(x.bgt);
    free(x.bgn);
    free(x.ms);
    free(x.mt);
    free(lrows.ms);
    free(lrows.mt);
    free(post);
    free(nout);
    free(anchors);
    return rc;
}
