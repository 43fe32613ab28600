/*
 * anchors.c — sentence pairs the model is sure of before the DP: what its band may follow.
 *
 * The DP searches a band around the diagonal of the grid and widens it where the best path
 * comes near its edge. A path that is wrong all along the diagonal need not come near it: when
 * a section of a tenth to a third of a document is moved (translations reorder sections), the
 * monotone part of the true alignment lies that many sentences off the diagonal, and the whole
 * document came out misaligned. Anchors are found without the band: for each source sentence,
 * the target sentences sharing a rare token with it that the lexicon, the dictionary or the
 * anchors of aligner.c translate (a word, a name or a number in at most ANCHOR_DF sentences of
 * each side of the document) are scored by the evidence of those tokens (their weight w, the
 * log-likelihood ratio a match gains, cost.c); a pair is a candidate when it has at least
 * ANCHOR_MIN and, for both its sentences, it is within ANCHOR_MARGIN of their best pair and at
 * most ANCHOR_TIES pairs are (one, unless a passage is repeated in the document: a sentence
 * then has two equal partners, and the chain chooses). The anchors are the heaviest monotone
 * chain of the candidates (a longest increasing subsequence weighted by evidence, O(n log n)
 * with a Fenwick tree of prefix maxima): a moved section's candidates lose to the others', as
 * its pairs must in a monotone alignment. dp.c searches along the chain when it leaves the
 * diagonal band, and keeps the cheaper of the two paths. Tuned on Bible clean/dev chapters
 * with 10-40 % of the English moved (dev only): right pairs of the monotone part 0.59 → 0.995
 * with a third moved to the end.
 */
#include <stdlib.h>
#include <string.h>

#include "align/aligner_int.h"

#define ANCHOR_DF 3       /* most sentences of a side a token of an anchor may occur in */
#define ANCHOR_MIN 8.0    /* least evidence of an anchor (two or three rare words, a number) */
#define ANCHOR_MARGIN 1.5 /* a sentence's best pair over the pairs that compete with it */
#define ANCHOR_TIES 2     /* the most pairs of a sentence within that margin of its best */

typedef struct anc_ctx {
    uint32_t *stamp, *sdf, *tdf, *toff, gen; /* per id, valid when stamp[id] == gen */
} anc_ctx;

/* Document frequencies of the ids the anchors may use, per side, and the target sentences of
 * each (post[toff[id] .. toff[id] + tdf[id])). */
static int postings(jisr_aligner *a, const al_doc *d, anc_ctx *c, uint32_t **post)
{
    size_t ns = d->ns, nt = d->nt, total = 0;
    uint32_t g = c->gen;
    for (size_t k = 0; k < ns + nt; k++) {
        if (d->outl && d->outl[k])
            continue;
        for (uint32_t p = d->off[k]; p < d->off[k + 1]; p++) {
            uint32_t id = d->ids[p];
            if (k < ns ? !a->tr[id].n : !a->tknown[id])
                continue;
            if (c->stamp[id] != g) {
                c->stamp[id] = g;
                c->sdf[id] = c->tdf[id] = 0;
            }
            if (k < ns)
                c->sdf[id]++;
            else {
                c->tdf[id]++;
                total++;
            }
        }
    }
    /* offsets: each id's first posting, counted again while filling */
    size_t at = 0;
    for (size_t t = 0; t < nt; t++) {
        if (d->outl && d->outl[ns + t])
            continue;
        for (uint32_t p = d->off[ns + t]; p < d->off[ns + t + 1]; p++) {
            uint32_t id = d->ids[p];
            if (c->stamp[id] == g && c->tdf[id] && c->toff[id] == UINT32_MAX) {
                c->toff[id] = (uint32_t)at;
                at += c->tdf[id];
                c->tdf[id] = 0; /* refilled below */
            }
        }
    }
    *post = malloc((total + 1) * sizeof **post);
    if (!*post)
        return jisr_oom(0);
    for (size_t t = 0; t < nt; t++) {
        if (d->outl && d->outl[ns + t])
            continue;
        for (uint32_t p = d->off[ns + t]; p < d->off[ns + t + 1]; p++) {
            uint32_t id = d->ids[p];
            if (c->stamp[id] == g && c->toff[id] != UINT32_MAX) {
                /* a sentence's ids are distinct (model 2); model 1's may repeat */
                uint32_t n = c->tdf[id];
                if (n == 0 || (*post)[c->toff[id] + n - 1] != t)
                    (*post)[c->toff[id] + c->tdf[id]++] = (uint32_t)t;
            }
        }
    }
    return 0;
}

/* Fenwick tree of prefix maxima over target positions: (value, chain end). */
typedef struct fen {
    double *v;
    size_t *at;
    size_t n;
} fen;

static void fen_put(fen *f, size_t i, double v, size_t at)
{
    for (i++; i <= f->n; i += i & (~i + 1))
        if (v > f->v[i]) {
            f->v[i] = v;
            f->at[i] = at;
        }
}

/* The best (value, chain end) over positions < i. */
static double fen_best(const fen *f, size_t i, size_t *at)
{
    double best = 0;
    *at = SIZE_MAX;
    for (; i > 0; i -= i & (~i + 1))
        if (f->v[i] > best) {
            best = f->v[i];
            *at = f->at[i];
        }
    return best;
}

typedef struct cand {
    size_t s, t;
    double w;
} cand;

/* The heaviest chain of c[0..n) (s and t increasing; c sorted by s, one per s) into out. */
static int heaviest_chain(cand *c, size_t n, size_t nt, size_t **out, size_t *nout)
{
    fen f = {calloc(nt + 1, sizeof *f.v), calloc(nt + 1, sizeof *f.at), nt};
    double *val = malloc((n + 1) * sizeof *val);
    size_t *prev = malloc((n + 1) * sizeof *prev);
    int rc = f.v && f.at && val && prev ? 0 : jisr_oom(0);
    size_t end = SIZE_MAX;
    double top = 0;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        val[k] = c[k].w + fen_best(&f, c[k].t, &prev[k]);
        fen_put(&f, c[k].t, val[k], k);
        if (val[k] > top) {
            top = val[k];
            end = k;
        }
    }
    size_t m = 0;
    for (size_t k = end; rc == 0 && k != SIZE_MAX; k = prev[k])
        m++;
    *nout = 0;
    if (rc == 0 && m && !(*out = malloc(2 * m * sizeof **out)))
        rc = jisr_oom(0);
    if (rc == 0) {
        *nout = m;
        for (size_t k = end; k != SIZE_MAX; k = prev[k]) {
            m--;
            (*out)[2 * m] = c[k].s;
            (*out)[2 * m + 1] = c[k].t;
        }
    }
    free(f.v);
    free(f.at);
    free(val);
    free(prev);
    return rc;
}

int al_anchors(jisr_aligner *a, const al_doc *d, size_t **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    size_t ns = d->ns, nt = d->nt;
    if (!ns || !nt)
        return 0;
    int rc = al_ensure_ids(a);
    if (rc < 0)
        return rc;
    anc_ctx c = {a->anc_stamp, a->anc_sdf, a->anc_tdf, a->anc_toff, ++a->anc_gen};
    uint32_t *post = NULL;
    /* toff of the ids of this document start unset */
    for (size_t k = 0; k < d->off[ns + nt]; k++)
        c.toff[d->ids[k]] = UINT32_MAX;
    double *acc = calloc(nt, sizeof *acc);
    double(*top)[ANCHOR_TIES + 1] = calloc(nt, sizeof *top); /* a target's best scores */
    size_t *touched = malloc(nt * sizeof *touched);
    uint32_t *seen = calloc(nt, sizeof *seen);
    cand *cv = malloc(ns * ANCHOR_TIES * sizeof *cv);
    size_t ncv = 0;
    if (!acc || !top || !touched || !seen || !cv)
        rc = jisr_oom(0);
    if (rc == 0)
        rc = postings(a, d, &c, &post);
    uint32_t fgen = 0;
    for (size_t s = 0; rc == 0 && s < ns; s++) {
        if (d->outl && d->outl[s])
            continue;
        size_t nto = 0;
        for (uint32_t p = d->off[s]; p < d->off[s + 1]; p++) {
            uint32_t f = d->ids[p];
            if (!a->tr[f].n || c.stamp[f] != c.gen || c.sdf[f] > ANCHOR_DF || !(a->w[f][0] > 0))
                continue;
            double w = a->w[f][0];
            fgen++; /* a token counts once per target sentence, whatever it matches there */
            for (uint32_t q = 0; q < a->tr[f].n; q++) {
                uint32_t e = a->tr[f].v[q];
                if (c.stamp[e] != c.gen || c.toff[e] == UINT32_MAX || c.tdf[e] > ANCHOR_DF)
                    continue;
                for (uint32_t r = 0; r < c.tdf[e]; r++) {
                    size_t t = post[c.toff[e] + r];
                    if (seen[t] == fgen)
                        continue;
                    seen[t] = fgen;
                    if (acc[t] == 0)
                        touched[nto++] = t;
                    acc[t] += w;
                }
            }
        }
        double b1 = 0;
        for (size_t k = 0; k < nto; k++) {
            size_t t = touched[k];
            double v = acc[t];
            b1 = v > b1 ? v : b1;
            /* the target's best scores, kept in decreasing order */
            for (int q = 0; q <= ANCHOR_TIES; q++)
                if (v > top[t][q]) {
                    double x = top[t][q];
                    top[t][q] = v;
                    v = x;
                }
        }
        /* the targets near the best: candidates when few (a passage repeated in the document
         * makes two equal ones, and the chain chooses) */
        size_t near = 0, first = ncv;
        for (size_t k = 0; k < nto; k++)
            near += acc[touched[k]] * ANCHOR_MARGIN > b1;
        for (size_t k = 0; k < nto; k++) {
            size_t t = touched[k];
            double v = acc[t];
            acc[t] = 0;
            if (near > ANCHOR_TIES || v < ANCHOR_MIN || !(v * ANCHOR_MARGIN > b1))
                continue;
            /* a sentence's candidates by decreasing t: one never chains onto another */
            size_t q = ncv++;
            for (; q > first && cv[q - 1].t < t; q--)
                cv[q] = cv[q - 1];
            cv[q] = (cand){s, t, v};
        }
    }
    /* and near the best of their target too, among few */
    size_t m = 0;
    for (size_t k = 0; rc == 0 && k < ncv; k++) {
        const double *tp = top[cv[k].t];
        int near = 0;
        for (int q = 0; q <= ANCHOR_TIES; q++)
            near += tp[q] * ANCHOR_MARGIN > tp[0];
        if (near <= ANCHOR_TIES && cv[k].w * ANCHOR_MARGIN > tp[0])
            cv[m++] = cv[k];
    }
    if (rc == 0 && m)
        rc = heaviest_chain(cv, m, nt, out, nout);
    free(post);
    free(acc);
    free(top);
    free(touched);
    free(seen);
    free(cv);
    return rc;
}
