/*
 * model1.c — a translation table bootstrapped from the input: IBM Model 1 (with a NULL word)
 * trained by EM on the confident 1-1 beads of the first pass, its strong entries added to the
 * lexicon for the second pass.
 *
 * The (source, target) co-occurrences of every training pair are interned once into dense pair
 * indices; the EM iterations then walk flat index matrices instead of hashing. Training data
 * is capped, so memory stays bounded on any input; the table only has to catch the frequent
 * words that the dictionary misses (spellings, inflections the stemmer leaves apart, names).
 */
#include <stdlib.h>
#include <string.h>

#include "align/aligner_int.h"

#define M1_MAX_PAIRS 40000
#define M1_ITERS 5
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

static int ph_grow(phash *h)
{
    size_t ns = h->nslot ? h->nslot * 2 : 1 << 16;
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
    if ((h->n + 1) * 2 > h->nslot && ph_grow(h) < 0)
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

typedef struct m1pair {
    const uint32_t *f, *e;
    uint32_t nf, ne;
    size_t mat; /* offset of the ne × (nf+1) index matrix */
} m1pair;

int jisr_al_model1(jisr_aligner *a)
{
    int rc = 0;
    m1pair *pairs = NULL;
    size_t np = 0, cap = 0;
    phash h = {0};
    uint32_t *mat = NULL, *pf = NULL, *pe = NULL, *cooc = NULL;
    size_t nmat = 0, capmat = 0;
    double *t = NULL, *cnt = NULL, *tot = NULL;
    const uint32_t null_id = a->voc.n;

    for (size_t k = 0; k < a->ndocs && np < M1_MAX_PAIRS; k++) {
        const jisr_adoc *d = &a->docs[k];
        for (size_t b = 0; b < d->result.n && np < M1_MAX_PAIRS; b++) {
            const jisr_bead *bd = &d->result.v[b];
            if (bd->nsrc != 1 || bd->ntgt != 1 || bd->score < a->params.m1_min_score)
                continue;
            uint32_t f0 = d->off[bd->src], f1 = d->off[bd->src + 1];
            uint32_t e0 = d->off[d->ns + bd->tgt], e1 = d->off[d->ns + bd->tgt + 1];
            if (f1 == f0 || e1 == e0 || f1 - f0 > M1_MAX_LEN || e1 - e0 > M1_MAX_LEN)
                continue;
            if (np == cap) {
                size_t c = cap ? cap * 2 : 1024;
                m1pair *p = realloc(pairs, c * sizeof *p);
                if (!p)
                    goto nomem;
                pairs = p;
                cap = c;
            }
            m1pair *p = &pairs[np++];
            p->f = d->ids + f0;
            p->nf = f1 - f0;
            p->e = d->ids + e0;
            p->ne = e1 - e0;
            p->mat = nmat;
            nmat += (size_t)p->ne * (p->nf + 1);
        }
    }
    if (np < 10)
        goto done;
    capmat = nmat;
    if (!(mat = malloc(capmat * sizeof *mat)))
        goto nomem;
    /* size the pair table for about a third of the cells being distinct pairs */
    while (h.nslot < nmat / 2)
        if (ph_grow(&h) < 0)
            goto nomem;
    for (size_t k = 0; k < np; k++) {
        m1pair *p = &pairs[k];
        uint32_t *m = mat + p->mat;
        for (uint32_t j = 0; j < p->ne; j++)
            for (uint32_t i = 0; i <= p->nf; i++) {
                uint32_t f = i < p->nf ? p->f[i] : null_id;
                uint32_t ix = ph_get(&h, (uint64_t)f << 32 | p->e[j]);
                if (ix == UINT32_MAX)
                    goto nomem;
                m[(size_t)j * (p->nf + 1) + i] = ix;
            }
    }
    pf = malloc(h.n * sizeof *pf);
    pe = malloc(h.n * sizeof *pe);
    cooc = calloc(h.n, sizeof *cooc);
    t = malloc(h.n * sizeof *t);
    cnt = malloc(h.n * sizeof *cnt);
    tot = malloc(((size_t)null_id + 1) * sizeof *tot);
    if (!pf || !pe || !cooc || !t || !cnt || !tot)
        goto nomem;
    for (size_t i = 0; i < h.nslot; i++)
        if (h.key[i] != UINT64_MAX) {
            pf[h.val[i]] = (uint32_t)(h.key[i] >> 32);
            pe[h.val[i]] = (uint32_t)h.key[i];
        }
    for (size_t k = 0; k < np; k++) { /* co-occurrence counts */
        m1pair *p = &pairs[k];
        for (size_t x = 0; x < (size_t)p->ne * (p->nf + 1); x++)
            cooc[mat[p->mat + x]]++;
    }
    for (size_t i = 0; i < h.n; i++)
        t[i] = 1.0;
    for (int it = 0; it < M1_ITERS; it++) {
        memset(cnt, 0, h.n * sizeof *cnt);
        memset(tot, 0, ((size_t)null_id + 1) * sizeof *tot);
        for (size_t k = 0; k < np; k++) {
            m1pair *p = &pairs[k];
            const uint32_t *m = mat + p->mat;
            for (uint32_t j = 0; j < p->ne; j++, m += p->nf + 1) {
                double z = 0;
                for (uint32_t i = 0; i <= p->nf; i++)
                    z += t[m[i]];
                if (z <= 0)
                    continue;
                for (uint32_t i = 0; i <= p->nf; i++)
                    cnt[m[i]] += t[m[i]] / z;
            }
        }
        for (size_t i = 0; i < h.n; i++)
            tot[pf[i]] += cnt[i];
        for (size_t i = 0; i < h.n; i++)
            t[i] = tot[pf[i]] > 0 ? cnt[i] / tot[pf[i]] : 0;
    }
    for (size_t i = 0; rc == 0 && i < h.n; i++) {
        uint32_t f = pf[i], e = pe[i];
        if (f == null_id || a->kind[f] != 'S' || a->kind[e] != 'T')
            continue;
        if (t[i] >= a->params.m1_min_t && cooc[i] >= M1_MIN_COOC)
            rc = jisr_al_tr_add(a, f, e);
    }
    goto done;
nomem:
    rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
done:
    free(pairs);
    free(h.key);
    free(h.val);
    free(mat);
    free(pf);
    free(pe);
    free(cooc);
    free(t);
    free(cnt);
    free(tot);
    return rc;
}
