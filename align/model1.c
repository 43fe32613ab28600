/*
 * model1.c — IBM Model 1 (with an empty word) trained by EM, for two users: the aligner, which
 * bootstraps a table from the confident 1-1 beads of its first pass and adds its strong entries
 * to the lexicon for the second pass, and the lexicon trainer (lexicon.c), which trains both
 * directions over a corpus.
 *
 * The (source, target) co-occurrences of every training pair are interned once into dense pair
 * indices; the EM iterations then walk flat index matrices instead of hashing (the reverse
 * direction walks the same matrix by columns). Sums run in a fixed order, so a table is the same
 * on every run. The aligner's training data is capped, so memory stays bounded on any input; its
 * table only has to catch the frequent words that the dictionary and lexicons miss (spellings,
 * inflections the stemmer leaves apart, names).
 */
#include <stdlib.h>
#include <string.h>

#include "align/aligner_int.h"

#define M1_MAX_PAIRS 40000
#define M1_ITERS 5
#define M1_ITERS_V2 4 /* model 2: a fifth iteration changed nothing measurable on dev */
#define M1_MAX_LEN 30 /* longer training sentences cost most and teach least */
#define M1_MIN_COOC 2

typedef struct phash {
    uint64_t *key;
    uint32_t *val;
    size_t nslot, n;
} phash;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* to at least want slots (a power of two, at least twice the last) */
static int ph_grow(phash *h, size_t want)
{
    size_t ns = h->nslot ? h->nslot * 2 : 1 << 16;
    while (ns < want)
        ns *= 2;
    uint64_t *key = malloc(ns * sizeof *key);
    uint32_t *val = malloc(ns * sizeof *val);
    if (!key || !val) {
        free(key);
        free(val);
        return -1;
    }
    memset(key, 0xff, ns * sizeof *key);
    for (size_t i = 0; i < h->nslot; i++)
        if (h->key[i] != UINT64_MAX)
            for (size_t k = mix(h->key[i]) & (ns - 1);; k = (k + 1) & (ns - 1))
                if (key[k] == UINT64_MAX) {
                    key[k] = h->key[i];
                    val[k] = h->val[i];
                    break;
                }
    free(h->key);
    free(h->val);
    h->key = key;
    h->val = val;
    h->nslot = ns;
    return 0;
}

/* index of key, adding it with value h->n when absent; UINT32_MAX on allocation failure */
static uint32_t ph_get(phash *h, uint64_t key)
{
    if ((h->n + 1) * 2 > h->nslot && ph_grow(h, 0) < 0)
        return UINT32_MAX;
    for (size_t k = mix(key) & (h->nslot - 1);; k = (k + 1) & (h->nslot - 1)) {
        if (h->key[k] == key)
            return h->val[k];
        if (h->key[k] == UINT64_MAX) {
            h->key[k] = key;
            h->val[k] = (uint32_t)h->n;
            return (uint32_t)h->n++;
        }
    }
}

/* Train on pairs[0..np) over ids below nid (nid itself is the empty word). The reverse
 * direction t(f|e) is trained too when both. */
int al_m1_train(const al_m1pair *pairs, size_t np, uint32_t nid, int iters, int both,
                al_m1table *out, void (*progress)(void *, const char *, double), void *ctx)
{
    int rc = 0;
    phash h = {0};
    uint32_t *mat = NULL, *nulle = NULL;
    double *cnt = NULL, *tot = NULL;
    size_t nmat = 0, nnull = 0;
    const uint32_t null_id = nid;
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < np; k++) {
        nmat += (size_t)pairs[k].ne * (pairs[k].nf + 1);
        nnull += pairs[k].nf;
    }
    if (!(mat = malloc((nmat ? nmat : 1) * sizeof *mat)))
        goto nomem;
    if (both && !(nulle = malloc((nnull ? nnull : 1) * sizeof *nulle)))
        goto nomem;
    /* size the pair table for about a third of the cells being distinct pairs, in one step
     * (growing to it by doubling rehashed every step) */
    if (nmat / 2 > 0 && ph_grow(&h, nmat / 2) < 0)
        goto nomem;
    size_t at = 0, atn = 0;
    for (size_t k = 0; k < np; k++) {
        const al_m1pair *p = &pairs[k];
        uint32_t *m = mat + at;
        for (uint32_t j = 0; j < p->ne; j++)
            for (uint32_t i = 0; i <= p->nf; i++) {
                uint32_t f = i < p->nf ? p->f[i] : null_id;
                uint32_t ix = ph_get(&h, (uint64_t)f << 32 | p->e[j]);
                if (ix == UINT32_MAX)
                    goto nomem;
                m[(size_t)j * (p->nf + 1) + i] = ix;
            }
        at += (size_t)p->ne * (p->nf + 1);
        for (uint32_t i = 0; both && i < p->nf; i++) {
            uint32_t ix = ph_get(&h, (uint64_t)p->f[i] << 32 | null_id);
            if (ix == UINT32_MAX)
                goto nomem;
            nulle[atn++] = ix;
        }
    }
    out->n = h.n;
    out->pf = malloc((h.n ? h.n : 1) * sizeof *out->pf);
    out->pe = malloc((h.n ? h.n : 1) * sizeof *out->pe);
    out->cooc = calloc(h.n ? h.n : 1, sizeof *out->cooc);
    out->tfe = malloc((h.n ? h.n : 1) * sizeof *out->tfe);
    if (both)
        out->tef = malloc((h.n ? h.n : 1) * sizeof *out->tef);
    cnt = malloc((h.n ? h.n : 1) * sizeof *cnt);
    tot = malloc(((size_t)null_id + 1) * sizeof *tot);
    if (!out->pf || !out->pe || !out->cooc || !out->tfe || (both && !out->tef) || !cnt || !tot)
        goto nomem;
    for (size_t i = 0; i < h.nslot; i++)
        if (h.key[i] != UINT64_MAX) {
            out->pf[h.val[i]] = (uint32_t)(h.key[i] >> 32);
            out->pe[h.val[i]] = (uint32_t)h.key[i];
        }
    for (size_t x = 0; x < nmat; x++) /* co-occurrence counts */
        out->cooc[mat[x]]++;
    for (int dir = 0; dir < (both ? 2 : 1); dir++) {
        double *t = dir ? out->tef : out->tfe;
        for (size_t i = 0; i < h.n; i++)
            t[i] = 1.0;
        for (int it = 0; it < iters; it++) {
            if (progress)
                progress(ctx, dir ? "EM, target to source" : "EM, source to target",
                         (double)it / iters);
            memset(cnt, 0, h.n * sizeof *cnt);
            memset(tot, 0, ((size_t)null_id + 1) * sizeof *tot);
            const uint32_t *m = mat, *mn = nulle;
            for (size_t k = 0; k < np; k++) {
                const al_m1pair *p = &pairs[k];
                size_t w = p->nf + 1;
                if (dir == 0) {
                    for (uint32_t j = 0; j < p->ne; j++, m += w) {
                        double z = 0;
                        for (uint32_t i = 0; i <= p->nf; i++)
                            z += t[m[i]];
                        if (z <= 0)
                            continue;
                        for (uint32_t i = 0; i <= p->nf; i++)
                            cnt[m[i]] += t[m[i]] / z;
                    }
                } else {
                    /* t(f|e): each source word is explained by a target word or the empty one */
                    for (uint32_t i = 0; i < p->nf; i++) {
                        double z = t[mn[i]];
                        for (uint32_t j = 0; j < p->ne; j++)
                            z += t[m[(size_t)j * w + i]];
                        if (z <= 0)
                            continue;
                        cnt[mn[i]] += t[mn[i]] / z;
                        for (uint32_t j = 0; j < p->ne; j++)
                            cnt[m[(size_t)j * w + i]] += t[m[(size_t)j * w + i]] / z;
                    }
                    m += (size_t)p->ne * w;
                    mn += p->nf;
                }
            }
            /* normalise over the explained words of each explaining word */
            const uint32_t *given = dir ? out->pe : out->pf;
            for (size_t i = 0; i < h.n; i++)
                tot[given[i]] += cnt[i];
            for (size_t i = 0; i < h.n; i++)
                t[i] = tot[given[i]] > 0 ? cnt[i] / tot[given[i]] : 0;
        }
    }
    goto done;
nomem:
    rc = jisr_oom(0);
    al_m1table_free(out);
done:
    free(h.key);
    free(h.val);
    free(mat);
    free(nulle);
    free(cnt);
    free(tot);
    return rc;
}

void al_m1table_free(al_m1table *t)
{
    free(t->pf);
    free(t->pe);
    free(t->cooc);
    free(t->tfe);
    free(t->tef);
    memset(t, 0, sizeof *t);
}

int al_model1(jisr_aligner *a)
{
    int rc = 0;
    al_m1pair *pairs = NULL;
    size_t np = 0, cap = 0;
    al_m1table tab = {0};
    for (size_t k = 0; k < a->ndocs && np < M1_MAX_PAIRS; k++) {
        const al_doc *d = &a->docs[k];
        for (size_t b = 0; b < d->result.n && np < M1_MAX_PAIRS; b++) {
            const jisr_bead *bd = &d->result.v[b];
            if (bd->nsrc != 1 || bd->ntgt != 1 || bd->score < a->params.m1_min_score)
                continue;
            uint32_t f0 = d->off[bd->src], f1 = d->off[bd->src + 1];
            uint32_t e0 = d->off[d->ns + bd->tgt], e1 = d->off[d->ns + bd->tgt + 1];
            if (f1 == f0 || e1 == e0 || f1 - f0 > M1_MAX_LEN || e1 - e0 > M1_MAX_LEN)
                continue;
            if ((rc = JISR_GROW(pairs, cap, np + 1)) < 0)
                goto done;
            al_m1pair *p = &pairs[np++];
            p->f = d->ids + f0;
            p->nf = f1 - f0;
            p->e = d->ids + e0;
            p->ne = e1 - e0;
        }
    }
    if (np < 10)
        goto done;
    const uint32_t null_id = a->tk.voc.n;
    if ((rc = al_m1_train(pairs, np, null_id, a->model >= 2 ? M1_ITERS_V2 : M1_ITERS, 0, &tab, NULL,
                          NULL)) < 0)
        goto done;
    for (size_t i = 0; rc == 0 && i < tab.n; i++) {
        uint32_t f = tab.pf[i], e = tab.pe[i];
        if (f == null_id || a->tk.kind[f] != 'S' || a->tk.kind[e] != 'T')
            continue;
        if (tab.tfe[i] >= a->params.m1_min_t && tab.cooc[i] >= M1_MIN_COOC)
            rc = al_tr_add(a, f, e);
    }
done:
    free(pairs);
    al_m1table_free(&tab);
    return rc;
}
