/*
 * short.c — the character score of short texts and its exact candidate search (issue 12 §5,
 * docs/matching.md §2.6 and §4.5).
 *
 * A text's character form is the normalised forms of its tokens (§1: case, harakat, letter
 * forms, typography, accelerators folded), tags left out, one space where the surface has a gap
 * between two tokens. A text is short when its form has 1 to TM_SHORT_MAXCP code points. For a
 * short query and a short unit the score is the larger of the word score and the character
 * score ⌊100·(L − d)/L⌋ − TM_SHORT_PEN (at most 99), d the Levenshtein distance of the two forms
 * over code points, L the longer form's length.
 *
 * The index: a short text's form is filed in `post` under one term per (code point, occurrence)
 * — the k-th 'e' of the form is its own term — in the bucket byte of its length ℓ. A unit
 * whose character score reaches m shares with the query at least need(ℓ) = ⌈(m + P)·L/100⌉ of
 * these terms (the bag bound d ≥ L − shared), and lies in the length window where
 * min(lq, ℓ) ≥ need(ℓ). tm_short_pass reads, length by length from the query's own outwards,
 * every query term's postings, counts, and scores the units that reach need (most shared first,
 * the bar of Lemma 3 rising as it goes). Deleting units leaves their postings (lazy, as for the
 * word terms); import and reindex write them with the word terms.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"
#include "util/utf8.h"

#define TM_SHORTKEY 0x73686f7274636821ULL

static inline uint32_t utf8_cp(const unsigned char *s, size_t n, size_t *i)
{
    size_t len;
    int32_t c = jisr_utf8_decode(s, n, *i, &len);
    *i += len ? len : 1;
    return c < 0 ? 0xFFFD : (uint32_t)c;
}

size_t tm_short_form(const tm_toks *t, uint32_t *cp)
{
    size_t n = 0;
    int gap = 0, any = 0;
    uint32_t prev_end = 0;
    for (size_t i = 0; i < t->n; i++) {
        const tm_tok *x = &t->v[i];
        if (i > 0 && x->start > prev_end)
            gap = 1;
        prev_end = x->end;
        if (x->kind == TM_TAG)
            continue;
        if (any && gap) {
            if (n == TM_SHORT_MAXCP)
                return 0;
            cp[n++] = ' ';
        }
        gap = 0;
        any = 1;
        const unsigned char *s = (const unsigned char *)t->nb.data + x->no;
        for (size_t j = 0; j < x->nl;) {
            if (n == TM_SHORT_MAXCP)
                return 0;
            cp[n++] = utf8_cp(s, x->nl, &j);
        }
    }
    return n;
}

/* The term of the k-th (from 1) occurrence of code point c. */
static uint64_t char_term(uint32_t c, uint32_t k)
{
    uint32_t v[2] = {c, k};
    return tm_hash(v, sizeof v, TM_SHORTKEY);
}

/* The term of the k-th occurrence of the pair (c, e). */
static uint64_t pair_term(uint32_t c, uint32_t e, uint32_t k)
{
    uint32_t v[3] = {c, e, k};
    return tm_hash(v, sizeof v, TM_SHORTKEY + 1);
}

/* The terms of a form, each (code point, occurrence) once, into terms[0..n), and each (pair of
 * adjacent code points, occurrence) once into terms[n..2n − 1): 2n − 1 terms. */
static size_t form_terms(const uint32_t *cp, size_t n, uint64_t *terms)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t k = 1;
        for (size_t j = 0; j < i; j++)
            k += cp[j] == cp[i];
        terms[i] = char_term(cp[i], k);
    }
    for (size_t i = 0; i + 1 < n; i++) {
        uint32_t k = 1;
        for (size_t j = 0; j < i; j++)
            k += cp[j] == cp[i] && cp[j + 1] == cp[i + 1];
        terms[n + i] = pair_term(cp[i], cp[i + 1], k);
    }
    return n ? 2 * n - 1 : 0;
}

size_t tm_short_keys(const tm_toks *t, uint64_t lh, uint64_t *keys)
{
    uint32_t cp[TM_SHORT_MAXCP];
    uint64_t terms[2 * TM_SHORT_MAXCP];
    size_t n = tm_short_form(t, cp), nt = form_terms(cp, n, terms);
    for (size_t i = 0; i < nt; i++)
        keys[i] = tm_post_key(lh, terms[i], (unsigned)n);
    return nt;
}

/* Levenshtein distance of the query's form (prepared: c->sh.peq) and b[0..bn), by Myers'
 * bit-parallel method (the query has at most 64 code points). */
static uint32_t myers(const tm_shortq *q, const uint32_t *b, size_t bn)
{
    uint64_t pv = ~(uint64_t)0, mv = 0, hi = (uint64_t)1 << (q->n - 1);
    uint32_t d = (uint32_t)q->n;
    for (size_t j = 0; j < bn; j++) {
        uint64_t eq = 0;
        for (size_t k = 0; k < q->nd; k++)
            if (q->dc[k] == b[j]) {
                eq = q->dm[k];
                break;
            }
        uint64_t xv = eq | mv;
        uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
        uint64_t ph = mv | ~(xh | pv);
        uint64_t mh = pv & xh;
        if (ph & hi)
            d++;
        else if (mh & hi)
            d--;
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
    }
    return d;
}

int tm_short_query(jisr_tm_ctx *c)
{
    tm_shortq *q = &c->sh;
    int on;
    q->n = q->nd = 0;
    if (tm_chars_get(&c->t, &on) < 0)
        return c->t.rc;
    if (!on) /* off (the default): word scores only, exactly as without this module */
        return 0;
    q->n = tm_short_form(&c->q, q->cp);
    for (size_t i = 0; i < q->n; i++) {
        size_t k = 0;
        while (k < q->nd && q->dc[k] != q->cp[i])
            k++;
        if (k == q->nd) {
            q->dc[k] = q->cp[i];
            q->dm[k] = 0;
            q->nd++;
        }
        q->dm[k] |= (uint64_t)1 << i;
    }
    return 0;
}

int tm_short_score(const jisr_tm_ctx *c, const tm_toks *m)
{
    const tm_shortq *q = &c->sh;
    if (!q->n)
        return -1;
    uint32_t cp[TM_SHORT_MAXCP];
    size_t n = tm_short_form(m, cp);
    if (!n)
        return -1;
    uint32_t d = myers(q, cp, n);
    size_t l = q->n > n ? q->n : n;
    int s = (int)((100 * (l - (d > l ? l : d))) / l);
    return (s > 99 ? 99 : s) - TM_SHORT_PEN;
}

/* The fewest shared code point terms a unit of form length l needs to reach m (Lemma 5,
 * docs/matching.md §4.5). */
static size_t need_of(size_t lq, size_t l, int m)
{
    size_t L = lq > l ? lq : l;
    return ((size_t)(m + TM_SHORT_PEN) * L + 99) / 100;
}

/* The fewest shared pair terms (Lemma 6: L − 1 − 2·dmax, dmax = L − need_of), 0 when that bound
 * says nothing. */
static size_t need2_of(size_t lq, size_t l, int m)
{
    size_t L = lq > l ? lq : l, dmax = L - need_of(lq, l, m);
    return L - 1 > 2 * dmax ? L - 1 - 2 * dmax : 0;
}

static int acc_grow(jisr_tm_ctx *c, uint32_t id)
{
    if (id < c->acccap)
        return 0;
    size_t old = c->acccap;
    int rc = JISR_GROW(c->acc, c->acccap, (size_t)id + 4096);
    if (rc < 0)
        return rc;
    memset(c->acc + old, 0, (c->acccap - old) * sizeof *c->acc);
    return 0;
}

static int cmp_acc(const void *a, const void *b, void *arg)
{
    const uint32_t *acc = arg;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (acc[x] != acc[y])
        return acc[x] > acc[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* A query term in one length: its chunks in the scan's chunk array, and their ids. */
typedef struct sterm {
    size_t c0, nc;
    uint64_t df;
} sterm;

typedef struct sscan {
    tm_cur cur;
    uint64_t lh;
    uint64_t terms[2 * TM_SHORT_MAXCP];
    sterm st[2 * TM_SHORT_MAXCP];
    tm_chunk *ch;
    size_t nch, chcap;
    uint32_t *ids, *touched;
    size_t nids, idcap, ntouch, tcap;
} sscan;

static int cmp_sterm(const void *a, const void *b)
{
    const sterm *x = a, *y = b;
    return x->df < y->df ? -1 : x->df > y->df;
}

/* Verification reads a term's postings while they are at most VERIFY_IDS per candidate (else
 * fetching the candidates is cheaper). */
#define VERIFY_IDS 32

static int decode_term(sscan *s, const sterm *t)
{
    s->nids = 0;
    int rc = 0;
    for (size_t k = 0; k < t->nc && rc == 0; k++)
        rc = tm_post_decode(&s->ch[t->c0 + k].k, &s->ch[t->c0 + k].v, &s->ids, &s->nids, &s->idcap);
    return rc;
}

/* The unit in c->rec (id): its character score when its source is short, else −1. */
static int unit_char_score(jisr_tm_ctx *c, int *cs)
{
    *cs = -1;
    int si = tm_rec_find(&c->rec, c->o->srclang);
    if (si < 0)
        return 0;
    const tm_rvar *sv = &c->rec.var[si];
    int rc = tm_tokenize(sv->text.p, sv->text.n, &c->m);
    if (rc < 0)
        return rc;
    *cs = tm_short_score(c, &c->m);
    return 0;
}

/* One form length l (docs/matching.md §4.5): prefix filtering over the query's terms — a unit
 * sharing need terms holds one of any lq − need + 1 of them, so the rarest that many give every
 * candidate —, the other terms counted where cheap, then the candidates most shared first: a
 * unit whose character score is below the bar is left (the word walk of the same pass has
 * offered it if its word score reaches the bar), the others scored in full. */
static int scan_len(jisr_tm_ctx *c, sscan *s, size_t l)
{
    size_t lq = c->sh.n;
    int rc = 0;
    s->ntouch = 0;
    s->nch = 0;
    /* the pair terms when their bound holds (Lemma 6: higher bars), else the code points' */
    int pairs = need2_of(lq, l, tm_eff_min(c)) > 0;
    size_t nq = pairs ? lq - 1 : lq;
    const uint64_t *terms = pairs ? s->terms + lq : s->terms;
    size_t need = pairs ? need2_of(lq, l, tm_eff_min(c)) : need_of(lq, l, tm_eff_min(c));
    if (need > nq) /* more shared pairs than the query has: nothing of this length reaches m */
        return 0;
    for (size_t i = 0; i < nq && rc == 0; i++) {
        s->st[i].c0 = s->nch;
        s->st[i].df = 0;
        rc = tm_post_chunks(&s->cur, tm_post_key(s->lh, terms[i], (unsigned)l), (unsigned)l, &s->ch,
                            &s->nch, &s->chcap, &s->st[i].df);
        s->st[i].nc = s->nch - s->st[i].c0;
    }
    if (rc < 0)
        return rc;
    qsort(s->st, nq, sizeof *s->st, cmp_sterm);
    size_t np = nq - need + 1, i = 0; /* need ≤ nq inside the window */
    for (; i < np && rc == 0; i++) {
        if ((rc = decode_term(s, &s->st[i])) < 0 ||
            (rc = JISR_GROW(s->touched, s->tcap, s->ntouch + s->nids)) < 0)
            break;
        for (size_t k = 0; k < s->nids; k++) {
            uint32_t id = s->ids[k];
            if (id >= c->id_limit) { /* a damaged chunk: never a counter for it */
                rc = tm_txn_corrupt(&c->t, "reading the index");
                break;
            }
            if ((rc = acc_grow(c, id)) < 0)
                break;
            if (!c->acc[id]++)
                s->touched[s->ntouch++] = id;
        }
    }
    for (; i < nq && rc == 0 && s->st[i].df <= VERIFY_IDS * (uint64_t)s->ntouch; i++) {
        if ((rc = decode_term(s, &s->st[i])) < 0)
            break;
        for (size_t k = 0; k < s->nids; k++) {
            uint32_t id = s->ids[k];
            if (id < c->acccap && c->acc[id])
                c->acc[id]++;
        }
    }
    size_t rest = nq - i; /* terms not counted: each may still be shared */
    size_t alive = 0;
    for (size_t k = 0; k < s->ntouch; k++) {
        uint32_t id = s->touched[k];
        if (rc == 0 && c->acc[id] + rest >= need)
            s->touched[alive++] = id;
        else
            c->acc[id] = 0;
    }
    if (alive > 1)
        qsort_r(s->touched, alive, sizeof *s->touched, cmp_acc, c->acc);
    for (size_t k = 0; rc == 0 && k < alive; k++) {
        uint32_t id = s->touched[k];
        int m = tm_eff_min(c);
        if (c->acc[id] + rest < (pairs ? need2_of(lq, l, m) : need_of(lq, l, m)))
            break; /* sorted by shared count: no later one reaches the bar either */
        int listed = 0;
        for (size_t b = 0; b < c->nbest && !listed; b++)
            listed = c->best[b].id == id;
        if (listed) /* offered already by the word walk of this pass */
            continue;
        MDB_val uk = {sizeof id, &id}, ud;
        if (!tm_get(&c->t, c->tm->units, &uk, &ud, "reading a unit")) {
            if ((rc = c->t.rc) < 0)
                break;
            continue; /* deleted: its postings are removed lazily */
        }
        int cs;
        if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec)) < 0 ||
            (rc = unit_char_score(c, &cs)) < 0)
            break;
        if (cs < m) /* its word score, if it reaches m, was offered by the word walk */
            continue;
        if ((rc = tm_score_rec(c, id, UINT32_MAX)) < 0 || (rc = tm_late(c) ? 1 : 0) != 0)
            break;
    }
    for (size_t j = 0; j < alive; j++) /* leave the accumulator all zero */
        c->acc[s->touched[j]] = 0;
    return rc;
}

int tm_short_pass(jisr_tm_ctx *c)
{
    size_t lq = c->sh.n;
    if (!lq)
        return 0;
    sscan s;
    memset(&s, 0, sizeof s);
    s.lh = tm_lang_hash(c->o->srclang);
    form_terms(c->sh.cp, lq, s.terms);
    int rc = tm_cur_open(&s.cur, &c->t, c->tm->post);
    if (rc < 0)
        return rc;
    /* the query's own length first, then outwards: the window only narrows as the bar rises,
     * and on either side a length out of it stays out (need grows with L above lq; below, the
     * shorter length falls while need stays) */
    int up = 1, down = 1;
    for (size_t d = 0; rc == 0 && (up || down) && !c->late; d++) {
        size_t l = lq + d;
        if (up) {
            if (l > TM_SHORT_MAXCP || lq < need_of(lq, l, tm_eff_min(c)))
                up = 0;
            else
                rc = scan_len(c, &s, l);
        }
        if (rc == 0 && down && d > 0) {
            if (d >= lq || lq - d < need_of(lq, lq - d, tm_eff_min(c)))
                down = 0;
            else
                rc = scan_len(c, &s, lq - d);
        }
        if (d == 0)
            down = 1;
    }
    tm_cur_close(&s.cur);
    free(s.ch);
    free(s.ids);
    free(s.touched);
    return rc < 0 ? tm_txn_set(&c->t, rc) : 0;
}
