/*
 * short.c — the character score of short texts and its exact candidate search (issue 12 §5,
 * docs/matching.md §2.6 and §4.5).
 *
 * A text's character form is the normalised forms of its tokens (§1: case, harakat, letter
 * forms, typography, accelerators folded), tags left out, one space where the surface has a gap
 * between two tokens. A text is short when its form has 1 to lim code points (the memory's
 * limit: 64 in memories written before limits, 128 by default, 2 … 255 as set). For a
 * short query and a short unit the score is the larger of the word score and the character
 * score ⌊100·(L − d)/L⌋ − TM_SHORT_PEN (at most 99), d the Levenshtein distance of the two forms
 * over code points, L the longer form's length; the score a match gets counts case (the forms
 * with each letter written in capitals a symbol of its own, tm_short_case_score), which is at
 * most the folded score, so every bound below, computed on folded forms, bounds it too.
 *
 * The index: a short text's form is filed in `post` under one term per (code point, occurrence)
 * — the k-th 'e' of the form is its own term — in the bucket byte of its length ℓ. A unit
 * whose character score reaches m shares with the query at least need(ℓ) = ⌈(m + P)·L/100⌉ of
 * these terms (the bag bound d ≥ L − shared), and lies in the length window where
 * min(lq, ℓ) ≥ need(ℓ); pairs of adjacent code points are indexed the same way (Lemma 6: at
 * higher bars a unit must share L − 1 − 2·dmax of them; Lemma 7: it keeps one of any set of the
 * query's single pairs that takes more than dmax edits to break). tm_short_pass reads, length by
 * length from the query's own outwards, the rarest terms' postings (a prefix), counts the others
 * where cheap, and scores the units that can still reach the bar of Lemma 3, which rises as it
 * goes. Deleting units leaves their postings (lazy, as for the word terms); import and reindex
 * write them with the word terms.
 *
 * The scan (Lemma 8): a short text's form is stored under (language, length) and id, and a
 * record in `post` says up to which unit id every unit has its forms (and how many forms each
 * length has). Where it stands at the memory's next id, a length whose counting would leave many
 * candidates is instead walked whole by one cursor and scored four forms at a time (Myers in four
 * lanes: AVX2, or four scalar lanes).
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "tm/formtab.h"
#include "tm/match_int.h"
#include "util/utf8.h"
#include "util/util_int.h"

#define TM_SHORTKEY 0x73686f7274636821ULL

static inline uint32_t utf8_cp(const unsigned char *s, size_t n, size_t *i)
{
    size_t len;
    int32_t c = jisr_utf8_decode(s, n, *i, &len);
    *i += len ? len : 1;
    return c < 0 ? 0xFFFD : (uint32_t)c;
}

/* A letter (ASCII without ICU) */
static inline int is_letter(uint32_t c)
{
    return c < 0x80 ? (c | 0x20) - 'a' < 26 : u_isalpha((UChar32)c) != 0;
}

/* Marks the letters of cp[0..n) (one token's normalised form) whose letters in the surface
 * s[0..sn) are written in upper or title case, pairing the two's letters in order; a token whose
 * letters do not pair one to one (a folding that changed their number) is left as it is.
 * Returns whether any letter was marked. */
static int mark_case(const unsigned char *s, size_t sn, uint32_t *cp, size_t n)
{
    uint8_t up[TM_SHORT_CAP];
    size_t k = 0;
    int any = 0;
    for (size_t i = 0; i < sn;) {
        uint32_t c = s[i] < 0x80 ? s[i++] : utf8_cp(s, sn, &i);
        if (!is_letter(c))
            continue;
        if (k == TM_SHORT_CAP) /* more letters than a form can hold: not this form's */
            return 0;
        up[k] = c < 0x80 ? c < 'a' : (u_isupper((UChar32)c) || u_istitle((UChar32)c));
        any |= up[k++];
    }
    if (!any)
        return 0;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        j += is_letter(cp[i]);
    if (j != k)
        return 0;
    j = 0;
    for (size_t i = 0; i < n; i++)
        if (is_letter(cp[i]) && up[j++])
            cp[i] |= TM_SHORT_UPPER;
    return 1;
}

/* The character form of t into cp; with text (what t was tokenized from), case kept as
 * mark_case marks it, *marked telling whether it marked any letter. */
static size_t form_of(const tm_toks *t, const char *text, uint32_t *cp, size_t lim, int *marked)
{
    size_t n = 0;
    int gap = 0, any = 0;
    uint32_t prev_end = 0;
    *marked = 0; /* and 0 when the text is not short */
    int mk = 0;
    for (size_t i = 0; i < t->n; i++) {
        const tm_tok *x = &t->v[i];
        if (i > 0 && x->start > prev_end)
            gap = 1;
        prev_end = x->end;
        if (x->kind == TM_TAG)
            continue;
        if (any && gap) {
            if (n == lim)
                return 0;
            cp[n++] = ' ';
        }
        gap = 0;
        any = 1;
        const unsigned char *s = (const unsigned char *)t->nb.data + x->no;
        size_t from = n;
        for (size_t j = 0; j < x->nl;) {
            if (n == lim)
                return 0;
            cp[n++] = utf8_cp(s, x->nl, &j);
        }
        if (text && mark_case((const unsigned char *)text + x->start, x->end - x->start, cp + from,
                              n - from))
            mk = 1;
    }
    *marked = mk;
    return n;
}

size_t tm_short_form(const tm_toks *t, uint32_t *cp, size_t lim)
{
    int marked;
    return form_of(t, NULL, cp, lim, &marked);
}

size_t tm_short_form_cased(const tm_toks *t, const char *text, uint32_t *cp, size_t lim,
                           int *marked)
{
    return form_of(t, text, cp, lim, marked);
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

size_t tm_short_keys(const tm_toks *t, uint64_t lh, uint64_t *keys, size_t lim)
{
    uint32_t cp[TM_SHORT_CAP];
    uint64_t terms[2 * TM_SHORT_CAP];
    size_t n = tm_short_form(t, cp, lim), nt = form_terms(cp, n, terms);
    for (size_t i = 0; i < nt; i++)
        keys[i] = tm_post_key(lh, terms[i], (unsigned)n);
    return nt;
}

static inline uint32_t slot_of(uint32_t cp)
{
    return (cp * 2654435761u) >> 23; /* 0..511 */
}

static const uint64_t no_mask[TM_SHORT_W];

/* The query's match masks of code point cp (all zero when the query has none): word w holds
 * positions 64·w … 64·w + 63. */
static inline const uint64_t *peq_of(const tm_shortq *q, uint32_t cp)
{
    if (cp < 128) /* the common blocks by a table (shortq_masks) */
        return q->slot_lo[cp] ? q->hm[q->slot_lo[cp] - 1] : no_mask;
    if (cp - 0x600 < 256)
        return q->slot_ar[cp - 0x600] ? q->hm[q->slot_ar[cp - 0x600] - 1] : no_mask;
    for (uint32_t h = slot_of(cp);; h = (h + 1) & 511) {
        if (q->hk[h] == cp + 1)
            return q->hm[h];
        if (!q->hk[h])
            return no_mask;
    }
}

/* The forms' entries in `post`: a term of their own (docs/matching.md §4.5). */
#define TM_FORMTERM 0x666f726d73212121ULL

static size_t utf8_put(unsigned char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | c >> 6);
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | c >> 12);
        o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | c >> 18);
    o[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

size_t tm_short_form_val(const tm_toks *t, uint64_t lh, uint64_t *pkey, unsigned char *val,
                         size_t lim)
{
    uint32_t cp[TM_SHORT_CAP];
    size_t n = tm_short_form(t, cp, lim), len = 0;
    for (size_t i = 0; i < n; i++)
        len += utf8_put(val + len, cp[i]);
    *pkey = tm_post_key(lh, TM_FORMTERM, (unsigned)n);
    return len;
}

static void form_key(unsigned char key[12], uint64_t pkey, uint32_t id)
{
    jisr_be_put(key, pkey, 8);
    jisr_be_put(key + 8, id, 4);
}

int tm_short_form_put(tm_txn *t, MDB_dbi post, uint64_t pkey, uint32_t id, const void *val,
                      size_t n)
{
    unsigned char key[12];
    form_key(key, pkey, id);
    MDB_val k = {12, key}, v = {n, (void *)val};
    return tm_put(t, post, &k, &v, 0, "writing a short text's form");
}

/* The forms' record (tm_int.h, docs/matching.md §4.5): key a term of its own with id 0 (no
 * posting chunk or form has id 0); value: next id (8 bytes), then per language its forms' key
 * prefix (8) and 256 counts (4 each), all big-endian. */
#define TM_FORMSREC 0x666f726d73636e74ULL
#define FORMREC_LANG (8 + 4 * 256)

static void formrec_key(unsigned char key[12])
{
    form_key(key, tm_post_key(0, TM_FORMSREC, 0), 0);
}

uint64_t tm_short_formrec_prefix(void)
{
    return tm_post_key(0, TM_FORMSREC, 0);
}

/* The counts of language prefix pfx in fc (added, all zero, when absent): its index, or <0. */
static int fc_slot(tm_formcounts *fc, uint64_t pfx)
{
    size_t i = 0;
    while (i < fc->n && fc->v[i].pfx != pfx)
        i++;
    if (i == fc->n) {
        int rc = JISR_GROW(fc->v, fc->cap, fc->n + 1);
        if (rc < 0)
            return rc;
        memset(&fc->v[i], 0, sizeof fc->v[i]);
        fc->v[i].pfx = pfx;
        fc->n++;
    }
    return (int)i;
}

int tm_formcounts_add(tm_formcounts *fc, uint64_t pkey)
{
    int i = fc_slot(fc, pkey & ~(uint64_t)0xFF);
    if (i < 0)
        return i;
    fc->v[i].n[pkey & 0xFF]++;
    return 0;
}

void tm_formcounts_free(tm_formcounts *fc)
{
    free(fc->v);
    memset(fc, 0, sizeof *fc);
}

/* One language's counts in the record (at p: its prefix, then 256 counts) into n. */
static void formrec_counts(const unsigned char *p, uint32_t n[256])
{
    for (size_t l = 0; l < 256; l++)
        n[l] = (uint32_t)jisr_be_get(p + 8 + 4 * l, 4);
}

/* The record in v: its next id, and its languages' counts appended to fc (when fc). 0, 1 when
 * it does not parse, or <0 (out of memory). */
static int formrec_parse(const MDB_val *v, uint64_t *next, tm_formcounts *fc)
{
    const unsigned char *p = v->mv_data;
    if (v->mv_size < 8 || (v->mv_size - 8) % FORMREC_LANG)
        return 1;
    *next = jisr_be_get(p, 8);
    for (size_t o = 8; fc && o < v->mv_size; o += FORMREC_LANG) {
        int rc = JISR_GROW(fc->v, fc->cap, fc->n + 1);
        if (rc < 0)
            return rc;
        tm_formcount *f = &fc->v[fc->n++];
        f->pfx = jisr_be_get(p + o, 8);
        formrec_counts(p + o, f->n);
    }
    return 0;
}

int tm_short_formrec_get(tm_txn *t, MDB_dbi post, uint64_t *next, tm_formcounts *fc)
{
    unsigned char key[12];
    formrec_key(key);
    MDB_val k = {12, key}, v;
    if (!tm_get(t, post, &k, &v, "reading the forms' record"))
        return t->rc < 0 ? t->rc : 0;
    int rc = formrec_parse(&v, next, fc);
    return rc < 0 ? rc : rc == 0;
}

int tm_short_forms_commit(tm_txn *t, MDB_dbi post, const tm_formcounts *fc, uint64_t from_id,
                          uint64_t next_id, int fresh)
{
    unsigned char key[12];
    formrec_key(key);
    MDB_val k = {12, key}, v;
    tm_formcounts all = {0};
    uint64_t at = 0;
    int rc = 0;
    if (tm_get(t, post, &k, &v, "reading the forms' record")) {
        if ((rc = formrec_parse(&v, &at, &all)) != 0 || at != from_id)
            goto done; /* stale (a unit may lack its form) or damaged: left as it is */
    } else if (t->rc || !fresh)
        goto done;
    for (size_t i = 0; i < fc->n && rc == 0; i++) {
        int j = fc_slot(&all, fc->v[i].pfx);
        if (j < 0) {
            rc = j;
            break;
        }
        for (size_t l = 0; l < 256; l++)
            all.v[j].n[l] += fc->v[i].n[l];
    }
    size_t n = 8 + all.n * FORMREC_LANG;
    unsigned char *buf = rc == 0 ? malloc(n) : NULL;
    if (!buf) {
        rc = rc < 0 ? rc : jisr_oom(n);
        goto done;
    }
    jisr_be_put(buf, next_id, 8);
    for (size_t i = 0; i < all.n; i++) {
        unsigned char *o = buf + 8 + i * FORMREC_LANG;
        jisr_be_put(o, all.v[i].pfx, 8);
        for (size_t l = 0; l < 256; l++)
            jisr_be_put(o + 8 + 4 * l, all.v[i].n[l], 4);
    }
    v.mv_size = n;
    v.mv_data = buf;
    tm_put(t, post, &k, &v, 0, "writing the forms' record");
    free(buf);
done:
    tm_formcounts_free(&all);
    if (rc < 0)
        tm_txn_set(t, rc);
    return t->rc;
}

/* Levenshtein distance of the query's form (prepared: c->sh.hk, hm) and b[0..bn), by Myers'
 * bit-parallel method: one machine word when the query has at most 64 code points, else blocks
 * of 64 (Myers 1999 §4, Hyyrö 2003: each block's horizontal delta at its last row carried into
 * the next as its first row's; row 0's delta is +1 at every column). */
static uint32_t myers(const tm_shortq *q, const uint32_t *b, size_t bn)
{
    uint32_t d = (uint32_t)q->n;
    if (q->n <= 64) {
        uint64_t pv = ~(uint64_t)0, mv = 0, hi = (uint64_t)1 << (q->n - 1);
        size_t dw = q->n;
        for (size_t j = 0; j < bn; j++)
            tm_myers_step(peq_of(q, b[j])[0], &pv, &mv, hi, &dw);
        return (uint32_t)dw;
    }
    size_t nw = (q->n + 63) / 64;
    uint64_t pv[TM_SHORT_W], mv[TM_SHORT_W], hi = (uint64_t)1 << ((q->n - 1) & 63);
    for (size_t w = 0; w < nw; w++) {
        pv[w] = ~(uint64_t)0;
        mv[w] = 0;
    }
    for (size_t j = 0; j < bn; j++) {
        const uint64_t *eqv = peq_of(q, b[j]);
        int hin = 1; /* row 0: D[0][j] = j */
        for (size_t w = 0; w < nw; w++) {
            uint64_t eq = eqv[w], p = pv[w], m = mv[w];
            uint64_t xv = eq | m;
            if (hin < 0)
                eq |= 1;
            uint64_t xh = (((eq & p) + p) ^ p) | eq;
            uint64_t ph = m | ~(xh | p);
            uint64_t mh = p & xh;
            uint64_t top = w + 1 < nw ? (uint64_t)1 << 63 : hi;
            int hout = (ph & top) ? 1 : (mh & top) ? -1 : 0;
            ph <<= 1;
            mh <<= 1;
            if (hin < 0)
                mh |= 1;
            else if (hin > 0)
                ph |= 1;
            pv[w] = mh | ~(xv | ph);
            mv[w] = ph & xv;
            hin = hout;
        }
        d = (uint32_t)((int)d + hin);
    }
    return d;
}

/* The query's masks from q->cp[0..q->n): one slot per distinct code point (at most 255 of 512:
 * a free slot ends a probe). */
static void shortq_masks(tm_shortq *q)
{
    memset(q->hk, 0, sizeof q->hk);
    memset(q->slot_lo, 0, sizeof q->slot_lo);
    memset(q->slot_ar, 0, sizeof q->slot_ar);
    for (size_t i = 0; i < q->n; i++) {
        uint32_t c = q->cp[i], h = slot_of(c);
        while (q->hk[h] && q->hk[h] != c + 1)
            h = (h + 1) & 511;
        if (!q->hk[h]) {
            q->hk[h] = c + 1;
            memset(q->hm[h], 0, sizeof q->hm[h]);
            if (c < 128)
                q->slot_lo[c] = (uint16_t)(h + 1);
            else if (c - 0x600 < 256)
                q->slot_ar[c - 0x600] = (uint16_t)(h + 1);
        }
        q->hm[h][i / 64] |= (uint64_t)1 << (i % 64);
    }
    for (size_t c = 0; c < 128; c++)
        q->eq_lo[c] = q->slot_lo[c] ? q->hm[q->slot_lo[c] - 1][0] : 0;
    for (size_t c = 0; c < 256; c++)
        q->eq_ar[c] = q->slot_ar[c] ? q->hm[q->slot_ar[c] - 1][0] : 0;
}

uint32_t tm_short_lev(const uint32_t *a, size_t an, const uint32_t *b, size_t bn)
{
    if (!an)
        return (uint32_t)bn;
    tm_shortq *q = calloc(1, sizeof *q);
    if (!q)
        return UINT32_MAX;
    q->n = an > TM_SHORT_CAP ? TM_SHORT_CAP : an;
    memcpy(q->cp, a, q->n * sizeof *a);
    shortq_masks(q);
    uint32_t d = myers(q, b, bn);
    free(q);
    return d;
}

int tm_short_query(jisr_tm_ctx *c)
{
    tm_shortq *q = &c->sh;
    int on;
    q->n = q->lim = 0;
    q->formrec = -1;                     /* the forms' record: read by the query's first pass */
    for (size_t i = 0; i < q->ncsl; i++) /* the last query's character scores */
        if (q->csl[i] < q->acccap)
            q->csv[q->csl[i]] = 0;
    q->ncsl = 0;
    if (tm_chars_get(&c->t, &on) < 0)
        return c->t.rc;
    if (!on) /* off (the default): word scores only, exactly as without this module */
        return 0;
    q->lim = (size_t)on;
    /* the form with case kept, once: the folded form is it with the marks taken off */
    uint32_t cp[TM_SHORT_CAP];
    int marked;
    q->n = form_of(&c->q, c->text, cp, q->lim, &marked);
    for (size_t i = 0; i < q->n; i++)
        q->cp[i] = cp[i] & ~TM_SHORT_UPPER;
    shortq_masks(q);
    q->cased = 0;
    if (marked) { /* a letter in upper or title case: the masks of the form with case kept */
        if (!q->kept && !(q->kept = malloc(sizeof *q->kept)))
            return jisr_oom(sizeof *q->kept);
        q->kept->n = q->n;
        memcpy(q->kept->cp, cp, q->n * sizeof *cp);
        shortq_masks(q->kept);
        q->cased = 1;
    }
    return 0;
}

/* The character score of two forms whose longer has L code points, at distance d (every
 * scan and lane computes it here). */
static int char_score(size_t L, uint64_t d)
{
    int s = (int)((100 * (L - (d > L ? L : d))) / L);
    return (s > 99 ? 99 : s) - TM_SHORT_PEN;
}

/* The character score of the query and the form cp[0..n) (−1 when n = 0). */
static int cp_score(const tm_shortq *q, const uint32_t *cp, size_t n)
{
    if (!n)
        return -1;
    return char_score(q->n > n ? q->n : n, myers(q, cp, n));
}

/* The character score of a stored form (its UTF-8 v[0..n)): −2 when it is not a form of
 * length l (damage: the caller computes the score from the unit instead). */
static int stored_score(const tm_shortq *q, const unsigned char *v, size_t n, size_t l)
{
    if (q->n <= 64) { /* one machine word: the form decoded as Myers reads it (myers above) */
        uint64_t pv = ~(uint64_t)0, mv = 0, hi = (uint64_t)1 << (q->n - 1);
        size_t d = q->n;
        size_t k = 0;
        for (size_t i = 0; i < n; k++) {
            uint32_t c = v[i];
            if (c < 0x80)
                i++;
            else
                c = utf8_cp(v, n, &i);
            tm_myers_step(peq_of(q, c)[0], &pv, &mv, hi, &d);
        }
        if (k != l) /* l ≤ the limit, so a form longer than it is caught too */
            return -2;
        return char_score(q->n > k ? q->n : k, d);
    }
    uint32_t cp[TM_SHORT_CAP];
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (k == q->lim)
            return -2;
        cp[k++] = utf8_cp(v, n, &i);
    }
    return k == l ? cp_score(q, cp, k) : -2;
}

int tm_short_score(const jisr_tm_ctx *c, const tm_toks *m)
{
    const tm_shortq *q = &c->sh;
    if (!q->n)
        return -1;
    uint32_t cp[TM_SHORT_CAP];
    return cp_score(q, cp, tm_short_form(m, cp, q->lim));
}

int tm_short_case_score(const jisr_tm_ctx *c, const tm_toks *m, const char *mtext, int cs)
{
    const tm_shortq *q = &c->sh;
    uint32_t cp[TM_SHORT_CAP];
    int marked;
    size_t n = form_of(m, mtext, cp, q->lim, &marked);
    if (!n || (!q->cased && !marked)) /* no letter in upper case: nothing to count */
        return cs;
    /* marking only splits equal code points, so the distance with case kept is at least the
     * folded one and k ≤ cs */
    int k = cp_score(q->cased ? q->kept : q, cp, n);
    return k >= cs ? cs : cs - (TM_SHORT_CASE * (cs - k)) / 100;
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

/* The per-id arrays (one byte each: a count of at most 255 terms of one kind, a score + 2) cover
 * every id below the query's id limit, checked against it as they are read. */
static int acc_ready(jisr_tm_ctx *c)
{
    tm_shortq *q = &c->sh;
    if (c->id_limit <= q->acccap)
        return 0;
    /* acc, csv and acc2 (a byte per id each) and live (a bit per id) in one zeroed block, so
     * that a context's first query takes a few page faults for them, not one per 4 KiB
     * (jisr_alloc_zeroed's huge pages); what the old block held is kept. A capacity of a
     * multiple of 64: live starts 8-aligned and ends on a whole word. */
    size_t old = q->acccap, n = ((size_t)c->id_limit + 4096 + 63) / 64 * 64;
    uint8_t *b = jisr_alloc_zeroed(3 * n + n / 8);
    if (!b)
        return JISR_ENOMEM; /* (recorded) */
    if (old) {
        memcpy(b, q->acc, old);
        memcpy(b + n, q->csv, old);
        memcpy(b + 2 * n, q->acc2, old);
        memcpy(b + 3 * n, q->live, old / 8);
    }
    free(q->acc);
    q->acc = b;
    q->csv = b + n;
    q->acc2 = b + 2 * n;
    q->live = (uint64_t *)(void *)(b + 3 * n);
    q->acccap = n;
    return 0;
}

/* The candidates' bits (tm_shortq.live): a term's ids are mostly not candidates, and the bits
 * (an eighth of the counters' bytes) stay in a core's cache where the counters do not. */
static inline void live_set(uint64_t *b, uint32_t id)
{
    b[id >> 6] |= (uint64_t)1 << (id & 63);
}

static inline void live_clr(uint64_t *b, uint32_t id)
{
    b[id >> 6] &= ~((uint64_t)1 << (id & 63));
}

/* Candidate id dropped or done: its counters and bit back to zero. */
static inline void cand_clear(tm_shortq *q, uint32_t id)
{
    q->acc[id] = q->acc2[id] = 0;
    live_clr(q->live, id);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* A query term in one length: its chunks in the scan's chunk array, and their ids. */
typedef struct sterm {
    size_t c0, nc;
    uint64_t df;
    int pos; /* a pair term of the query's only such pair: its position, else −1 */
} sterm;

typedef struct sscan {
    tm_cur cur, fcur;  /* postings; forms */
    uint64_t lh, fkey; /* the language's hash, its forms' key prefix without the length */
    uint64_t terms[2 * TM_SHORT_CAP];
    uint64_t single[TM_SHORT_W]; /* bit i: the query's pair at i occurs once in it */
    sterm st[2 * TM_SHORT_CAP], st2[TM_SHORT_CAP], tmp[TM_SHORT_CAP];
    size_t wlo, whi; /* the pass's length window when it began (it only narrows) */
    size_t tc0[2 * TM_SHORT_CAP], tcn[2 * TM_SHORT_CAP]; /* each term's chunks in it */
    uint8_t tgot[2 * TM_SHORT_CAP];                      /* … once read */
    tm_chunk *ch;
    size_t nch, chcap;
    uint32_t *ids, *touched, *sorted;
    size_t nids, idcap, ntouch, tcap, scap;
    uint64_t eq[4 * 256]; /* four forms' columns, lane by lane: eq[4·j + lane] */
    int ftw;              /* 1: the handle keeps form tables (formtab.c), 2: asked for them */
    tm_ftab *ft;          /* … those of this state, once asked, or NULL */
    uint64_t *eq64;       /* with ft: the query's masks by symbol (ft->nsym of them) */
    uint64_t *eq64t;      /* … the same aligned to bit 63 (the AVX2 lanes: FT_STEP) */
    uint32_t *eq32;       /* … in 16 or 32 bits aligned to the top bit (a query of ≤ 32) */
    /* … the query's code points by class of the tables' symbols (formtab.h): class b in byte
     * b, as the low 4 bits of the forms' signatures hold it, class b + TM_FT_SIGB in byte
     * TM_FT_SIGB + b; its code points no stored form has are in none */
    uint8_t qcls[TM_FT_NCLS];
} sscan;

/* touched[0..n) in ascending order: a radix sort of 11, 11 and 10 bits (three counting passes,
 * where a comparison sort of the tens of thousands of candidates of a low bar cost more than
 * scoring many of them), the qsort for a few. */
static int sort_ids(sscan *s, size_t n)
{
    if (n < 256) {
        qsort(s->touched, n, sizeof *s->touched, cmp_u32);
        return 0;
    }
    int rc = JISR_GROW(s->sorted, s->scap, n);
    if (rc < 0)
        return rc;
    uint32_t *a = s->touched, *b = s->sorted, cnt[2048];
    uint32_t all = 0;
    for (size_t i = 0; i < n; i++)
        all |= a[i];
    for (int sh = 0; sh < 32; sh += 11) {
        if (!(all >> sh)) /* every id below 2^sh: sorted */
            break;
        memset(cnt, 0, sizeof cnt);
        for (size_t i = 0; i < n; i++)
            cnt[a[i] >> sh & 2047]++;
        for (uint32_t d = 0, sum = 0; d < 2048; d++) {
            uint32_t t = cnt[d];
            cnt[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            b[cnt[a[i] >> sh & 2047]++] = a[i];
        uint32_t *t = a;
        a = b;
        b = t;
    }
    if (a != s->touched) { /* an odd number of passes: the order is in the other array */
        s->sorted = s->touched;
        s->touched = a;
        size_t c = s->scap;
        s->scap = s->tcap;
        s->tcap = c;
    }
    return 0;
}

static int cmp_sterm(const void *a, const void *b)
{
    const sterm *x = a, *y = b;
    return x->df < y->df ? -1 : x->df > y->df;
}

/* Verification reads a term's postings while they are at most VERIFY_IDS per candidate still
 * alive (else fetching the candidates is cheaper: a fetch, its tokens and form cost about as
 * much as decoding and counting a few hundred ids; 64 measured best of 4/32/64/512 on the short
 * profile at 1M units, docs/matching.md §7.1). */
#define VERIFY_IDS 64

static int decode_term(sscan *s, const sterm *t)
{
    s->nids = 0;
    int rc = 0;
    for (size_t k = 0; k < t->nc && rc == 0; k++)
        rc = tm_chunk_ids(&s->ch[t->c0 + k], &s->ids, &s->nids, &s->idcap);
    return rc;
}

/* The per-id counters are read and written at random over a megabyte a million units: a loop
 * over a list of ids asks for the counter this many ids ahead before it needs it. */
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 16
#endif

/* Term t's ids that are candidates (their bits in c->sh.live) counted in cnt. */
static int count_term(jisr_tm_ctx *c, sscan *s, const sterm *t, uint8_t *cnt)
{
    int rc = 0;
    for (size_t k = 0; k < t->nc && rc == 0; k++)
        rc = tm_chunk_count(&s->ch[t->c0 + k], c->sh.live, c->id_limit, cnt, &s->ids, &s->idcap);
    return rc;
}

/* The chunks of the query's term ti (s->terms[ti]) in length l, into st (c0, nc, df): at its
 * first use in the pass, the term's chunks of every length of the window are read by one walk
 * (a term's lengths are adjacent keys: one seek instead of one a length), then those of l are
 * found by their bucket (the chunks are in key order: by bucket, then first id). */
static int term_chunks(sscan *s, size_t ti, size_t l, sterm *st)
{
    int rc = 0;
    st->df = 0;
    if (l < s->wlo || l > s->whi) { /* not expected (the window only narrows): read l alone */
        st->c0 = s->nch;
        rc = tm_post_chunks(&s->cur, tm_post_key(s->lh, s->terms[ti], (unsigned)l), (unsigned)l,
                            &s->ch, &s->nch, &s->chcap, &st->df);
        st->nc = s->nch - st->c0;
        return rc;
    }
    if (!s->tgot[ti]) {
        uint64_t df;
        s->tc0[ti] = s->nch;
        rc = tm_post_chunks(&s->cur, tm_post_key(s->lh, s->terms[ti], (unsigned)s->wlo),
                            (unsigned)s->whi, &s->ch, &s->nch, &s->chcap, &df);
        if (rc < 0)
            return rc;
        s->tcn[ti] = s->nch - s->tc0[ti];
        s->tgot[ti] = 1;
    }
    size_t a = s->tc0[ti], b = a + s->tcn[ti], end = b;
    while (a < b) { /* the first chunk of a bucket ≥ l */
        size_t mid = a + (b - a) / 2;
        if (s->ch[mid].bucket < l)
            a = mid + 1;
        else
            b = mid;
    }
    st->c0 = a;
    for (b = a; b < end && s->ch[b].bucket == l; b++)
        st->df += s->ch[b].count;
    st->nc = b - a;
    return 0;
}

/* The form of unit id under the key prefix pfx (one length) into *v: 1, or 0 when there is none
 * (or on an error, in the transaction). By one cursor, the ids of a length in ascending order:
 * LMDB searches the cursor's page first, so a near id costs no descent of the tree. */
static int form_get(sscan *s, uint64_t pfx, uint32_t id, MDB_val *v)
{
    unsigned char key[12];
    form_key(key, pfx, id);
    MDB_val k = {12, key};
    return tm_cur_get(&s->fcur, &k, v, MDB_SET_KEY, "reading a short text's form");
}

/* Keep unit id's character score for the later passes of this query. */
static int cs_keep(jisr_tm_ctx *c, uint32_t id, int cs)
{
    int rc = JISR_GROW(c->sh.csl, c->sh.cslcap, c->sh.ncsl + 1);
    if (rc < 0)
        return rc;
    c->sh.csl[c->sh.ncsl++] = id;
    c->sh.csv[id] = (uint8_t)(cs + 2); /* −1 (not short) .. 99 */
    return 0;
}

/* The unit in c->rec (id): its character score when its source is short, else −1. */
static int unit_char_score(jisr_tm_ctx *c, int *cs)
{
    *cs = -1;
    int si = tm_rec_find(&c->rec, c->o->srclang);
    if (si < 0 || !tm_rec_first_of_primary(&c->rec, (uint32_t)si))
        return 0; /* only the first variant of a language has a character score (score.c) */
    const tm_rvar *sv = &c->rec.var[si];
    int rc = tm_tokenize_rvar(&c->rec, sv, &c->m);
    if (rc < 0)
        return rc;
    *cs = tm_short_score(c, &c->m);
    return 0;
}

/* The fewest edits that break every pair at the positions of mask: an edit breaks at most the
 * two pairs around one code point (a substitution or deletion of it; an insertion breaks one),
 * so the leftmost pair p not broken yet and p + 1 take one edit (greedy stabbing, optimal). */
static size_t edits_to_break(const uint64_t *mask, size_t nw)
{
    size_t k = 0;
    int carry = 0; /* the last edit also broke bit 0 of the next word */
    for (size_t w = 0; w < nw; w++) {
        uint64_t m = mask[w];
        if (carry)
            m &= ~(uint64_t)1;
        carry = 0;
        while (m) {
            int p = __builtin_ctzll(m);
            m &= ~((uint64_t)3 << p); /* p = 63: the bit beyond is in the next word */
            carry = p == 63;
            k++;
        }
    }
    return k;
}

size_t tm_short_edits_to_break(uint64_t mask)
{
    return edits_to_break(&mask, 1);
}

size_t tm_short_edits_to_break_n(const uint64_t *mask, size_t nw)
{
    return edits_to_break(mask, nw);
}

/* The location-based prefix (Lemma 7, docs/matching.md §4.5): a unit within dmax = L − need
 * edits of the query keeps intact one of any set of the query's single pairs that takes more
 * than dmax edits to break, and so holds its term. The rarest pair terms that raise the edits
 * needed are taken until it exceeds dmax; when that set has fewer ids than the counting
 * prefix's np rarest terms, it is moved to the front of st and its size returned, else np. */
static size_t located_prefix(sscan *s, size_t nq, size_t np, size_t L, size_t need)
{
    size_t dmax = L - need, k = 0, e = 0;
    uint64_t mask[TM_SHORT_W] = {0}, ids = 0, cnt = 0;
    for (size_t j = 0; j < np; j++)
        cnt += s->st[j].df;
    size_t pick[2 * TM_SHORT_CAP];
    for (size_t j = 0; j < nq && e <= dmax && ids < cnt; j++) {
        if (s->st[j].pos < 0)
            continue;
        int p = s->st[j].pos;
        uint64_t bit = (uint64_t)1 << (p % 64);
        mask[p / 64] |= bit;
        size_t e2 = edits_to_break(mask, TM_SHORT_W);
        if (e2 > e) {
            e = e2;
            pick[k++] = j;
            ids += s->st[j].df;
        } else
            mask[p / 64] &= ~bit;
    }
    if (e <= dmax || ids >= cnt)
        return np;
    /* the picked terms first, then the others, each part rarest first */
    size_t n = 0, a = 0;
    for (size_t j = 0; j < nq; j++) {
        if (a < k && pick[a] == j) {
            a++;
            continue;
        }
        s->tmp[n++] = s->st[j];
    }
    for (size_t j = 0; j < k; j++) /* pick[j] ≥ j, and above every slot written before */
        s->st[j] = s->st[pick[j]];
    memcpy(s->st + k, s->tmp, n * sizeof *s->st);
    tm_short_nlocated++;
    return k;
}

/* The bag bound runs where the pair terms left at least tm_short_bag_min candidates (below, their
 * forms cost less than the code point terms' postings; measured of 1/256/2048 on the short profile
 * at 1M units, docs/matching.md §7.1). */
size_t tm_short_bag_min = 2048;
_Thread_local size_t tm_short_nlocated;

/* The bag bound (Lemma 5) on the candidates touched[0..*alive) that the pair terms found in
 * length l: the query's code point terms, rarest first, counted into acc2 while a term has at
 * most VERIFY_IDS ids per candidate still alive; after each, a candidate whose count plus the
 * terms not counted yet is below need is dropped. *rest2: the terms not counted. */
static int bag_check(jisr_tm_ctx *c, sscan *s, size_t l, size_t *alive, size_t *rest2)
{
    size_t lq = c->sh.n, need = need_of(lq, l, tm_eff_min(c)), j = 0, nc = 0;
    uint8_t *acc2 = c->sh.acc2;
    int rc = 0;
    for (size_t i = 0; i < lq && rc == 0; i++)
        rc = term_chunks(s, i, l, &s->st2[i]);
    *rest2 = lq;
    if (rc < 0)
        return rc;
    qsort(s->st2, lq, sizeof *s->st2, cmp_sterm);
    /* counting can drop a candidate only when the terms left uncounted are fewer than need */
    while (nc < lq && s->st2[nc].df <= VERIFY_IDS * (uint64_t)*alive)
        nc++;
    if (lq - nc >= need)
        return 0;
    for (; j < nc && *alive && s->st2[j].df <= VERIFY_IDS * (uint64_t)*alive; j++) {
        if ((rc = count_term(c, s, &s->st2[j], acc2)) < 0)
            break;
        size_t left = lq - j - 1, a = 0;
        if (left >= need) /* every count is 0 or more: none is dropped yet */
            continue;
        for (size_t k = 0; k < *alive; k++) {
            uint32_t id = s->touched[k];
            if (k + PREFETCH_AHEAD < *alive)
                __builtin_prefetch(acc2 + s->touched[k + PREFETCH_AHEAD], 1);
            if (acc2[id] + left >= need)
                s->touched[a++] = id;
            else
                cand_clear(&c->sh, id);
        }
        *alive = a;
    }
    *rest2 = lq - j;
    return rc;
}

/* ---- the scan of a length's stored forms (docs/matching.md §4.5, Lemma 8) ------------------ */

/* The scan is taken for a length (measured on the short profile at 1M units, docs/matching.md
 * §7.1: 100 / 150 / 200 % and 0 / 4 / 8 / 16) when the code point terms' prefix holds at least
 * twice as many ids as the length has forms (before decoding them; pair terms' prefixes filter
 * far more, so only the second rule serves them), or when the candidates left after counting
 * are at least a quarter of the forms (a form read by its key costs several scanned ones). */
size_t tm_short_scan_pct = 200, tm_short_scan_alive = 4;
/* From the form tables (with the signatures of Lemma 9, at each pass's own bar), a scanned form
 * costs less than a counted id: the scan at a prefix of 5 % of the length's forms (20 / 10 / 5 /
 * 2 / 1 % measured on the bench's 400 short queries and checked on the next 400 it generates,
 * docs/matching.md §7.1, session 12; 20 % before the passes scanned at their own bars). */
size_t tm_short_tab_pct = 5, tm_short_tab_alive = 4;
int tm_short_lanes, tm_short_ftab, tm_short_ftsig = 1, tm_short_novpop;
_Thread_local size_t tm_short_nscan, tm_short_nscanned, tm_short_ntab, tm_short_nsig,
    tm_short_ntabc, tm_short_n512, tm_short_ngather, tm_short_ngath, tm_short_nlanes;
/* Gathered: the passing forms of a group where at most 12 of 16 passed (session 22: 8, 12 and
 * 16 within 2 % of each other on the bench's 400 short queries and the next 400 it makes, at
 * --min 30, 50 and 70, AVX2 and AVX-512 lanes; 4 slower; 0 slower by 20–37 %). */
unsigned tm_short_gather_max = 12;

/* Myers' distance (tm_myers_step) of the query (at most 64 code points: one word, sh = its last
 * position) against four forms of the same length l at once, eq[4·j + lane] the query's mask of
 * lane's j-th code point, into d. Once every lane's distance at column j less what the l − j − 1
 * columns left can take off exceeds dcut (the last row's horizontal deltas are at least −1), the
 * lanes stop and report dcut + 1: none reaches the scores wanted. The portable lanes and the AVX2
 * ones compute the same values. */
static void lanes_port(const uint64_t *eq, size_t l, unsigned sh, uint64_t d0, uint64_t dcut,
                       uint64_t d[4])
{
    uint64_t pv[4], mv[4], hi = (uint64_t)1 << sh;
    size_t dd[4];
    for (int k = 0; k < 4; k++) {
        pv[k] = ~(uint64_t)0;
        mv[k] = 0;
        dd[k] = d0;
    }
    for (size_t j = 0; j < l; j++) {
        for (int k = 0; k < 4; k++)
            tm_myers_step(eq[4 * j + k], &pv[k], &mv[k], hi, &dd[k]);
        if ((j & 7) == 7) {
            uint64_t left = l - j - 1;
            if (dd[0] > dcut + left && dd[1] > dcut + left && dd[2] > dcut + left &&
                dd[3] > dcut + left) {
                for (int k = 0; k < 4; k++)
                    dd[k] = dcut + 1;
                break;
            }
        }
    }
    for (int k = 0; k < 4; k++)
        d[k] = dd[k];
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define TM_LANES_AVX2 1
__attribute__((target("avx2"))) static void lanes_avx2(const uint64_t *eq, size_t l, unsigned sh,
                                                       uint64_t d0, uint64_t dcut, uint64_t d[4])
{
    const __m256i one = _mm256_set1_epi64x(1), ones = _mm256_set1_epi64x(-1);
    const __m128i cnt = _mm_cvtsi32_si128((int)sh);
    __m256i pv = ones, mv = _mm256_setzero_si256(), dd = _mm256_set1_epi64x((long long)d0);
    for (size_t j = 0; j < l; j++) {
        __m256i e = _mm256_loadu_si256((const __m256i *)(eq + 4 * j));
        __m256i xv = _mm256_or_si256(e, mv);
        __m256i xh =
            _mm256_or_si256(_mm256_xor_si256(_mm256_add_epi64(_mm256_and_si256(e, pv), pv), pv), e);
        __m256i ph = _mm256_or_si256(mv, _mm256_andnot_si256(_mm256_or_si256(xh, pv), ones));
        __m256i mh = _mm256_and_si256(pv, xh);
        dd = _mm256_add_epi64(dd, _mm256_and_si256(_mm256_srl_epi64(ph, cnt), one));
        dd = _mm256_sub_epi64(dd, _mm256_and_si256(_mm256_srl_epi64(mh, cnt), one));
        ph = _mm256_or_si256(_mm256_slli_epi64(ph, 1), one);
        mh = _mm256_slli_epi64(mh, 1);
        pv = _mm256_or_si256(mh, _mm256_andnot_si256(_mm256_or_si256(xv, ph), ones));
        mv = _mm256_and_si256(ph, xv);
        if ((j & 7) == 7) { /* (distances are small: signed compare is exact) */
            __m256i lim = _mm256_set1_epi64x((long long)(dcut + (l - j - 1)));
            if (_mm256_movemask_epi8(_mm256_cmpgt_epi64(dd, lim)) == -1) {
                dd = _mm256_set1_epi64x((long long)(dcut + 1));
                break;
            }
        }
    }
    _mm256_storeu_si256((__m256i *)d, dd);
}
#endif

int tm_short_has_avx2(void)
{
#ifdef TM_LANES_AVX2
    return __builtin_cpu_supports("avx2") != 0;
#else
    return 0;
#endif
}

int tm_short_has_avx512(void)
{
#ifdef TM_LANES_AVX2
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}

int tm_short_has_vpop(void)
{
#ifdef TM_LANES_AVX2
    return tm_short_has_avx512() && __builtin_cpu_supports("avx512vpopcntdq");
#else
    return 0;
#endif
}

#ifdef TM_LANES_AVX2
/* the AVX2 lanes: forced (tm_short_lanes 2, or 3: the AVX-512 lanes of the form tables with the
 * AVX2 ones elsewhere), or by default where the CPU has them (1: portable) */
static int use_avx2(void)
{
    return tm_short_lanes >= 2 || (tm_short_lanes == 0 && tm_short_has_avx2());
}

/* the AVX-512 lanes of the form tables: forced (3), or by default where the CPU has them */
static int use_avx512(void)
{
    return tm_short_lanes == 3 || (tm_short_lanes == 0 && tm_short_has_avx512());
}

/* their early stop on the diagonal (vpopcnt): where the CPU has AVX512_VPOPCNTDQ, unless
 * tm_short_novpop (tests: the other bound) */
static int use_vpop(void)
{
    return !tm_short_novpop && tm_short_has_vpop();
}
#endif

typedef void (*lanes_fn)(const uint64_t *, size_t, unsigned, uint64_t, uint64_t, uint64_t *);

static lanes_fn lanes_pick(void)
{
#ifdef TM_LANES_AVX2
    /* (asked each time: no state shared between threads; libgcc's constructor detected it) */
    if (use_avx2())
        return lanes_avx2;
#endif
    return lanes_port;
}

/* The form tables' lanes (formtab.c): Myers as above against the TM_FT_G forms of one group
 * (sym: column by column, TM_FT_G symbols each), the query's masks by symbol in eqs (64 bits) or
 * eq32 (32 bits, a query of at most 32 code points), into d; the same early stop as the lanes
 * above (every lane past dcut + the columns left: dcut + 1 for all). Portable: one scalar lane
 * after another, column by column; AVX2: eight 32-bit or four 64-bit lanes a vector, the masks
 * gathered. All compute the same values. */
static void ft_port(const uint16_t *sym, size_t l, const uint64_t *eqs, const uint32_t *eq32,
                    unsigned sh, uint64_t d0, uint64_t dcut, unsigned pass, uint32_t d[TM_FT_G])
{
    (void)eq32;
    (void)pass;
    uint64_t pv[TM_FT_G], mv[TM_FT_G], hi = (uint64_t)1 << sh;
    size_t dd[TM_FT_G];
    for (int k = 0; k < TM_FT_G; k++) {
        pv[k] = ~(uint64_t)0;
        mv[k] = 0;
        dd[k] = d0;
    }
    for (size_t j = 0; j < l; j++) {
        const uint16_t *col = sym + TM_FT_G * j;
        for (int k = 0; k < TM_FT_G; k++)
            tm_myers_step(eqs[col[k]], &pv[k], &mv[k], hi, &dd[k]);
        if ((j & 7) == 7) {
            uint64_t left = l - j - 1;
            int all = 1;
            for (int k = 0; k < TM_FT_G && all; k++)
                all = dd[k] > dcut + left;
            if (all) {
                for (int k = 0; k < TM_FT_G; k++)
                    dd[k] = dcut + 1;
                break;
            }
        }
    }
    for (int k = 0; k < TM_FT_G; k++)
        d[k] = (uint32_t)dd[k];
}

#ifdef TM_LANES_AVX2
/* one column of Myers in the lanes of W bits (16, 32 or 64): e the masks, pv/mv the state (the
 * column's vertical deltas). The query's masks are aligned to the lanes' top bit (its code point
 * i at bit W − lq + i: sscan.eq64t, eq32), and the first row's +1 enters at bit W − lq (bot).
 * Below that bit the masks are 0: (e & pv) is 0 there, so the addition carries nothing into the
 * pattern, mh is 0 there, and the bit that ph's shift brings in is replaced by bot's — the
 * pattern's bits are those of the lanes aligned at bit 0, whatever the bits below hold. The
 * lanes keep no distance: row r's after column c is D[r][c] = c + the deltas of rows 1 … r
 * (D[0][c] = c), read only at the early stop's tests and at the end (vsum: session 19, four
 * instructions a step fewer than keeping the last row's, the bench's 400 at 50 −3 to −6 %). */
#define FT_STEP(W, e, pv, mv)                                                                      \
    do {                                                                                           \
        __m256i xv_ = _mm256_or_si256(e, mv);                                                      \
        __m256i xh_ = _mm256_or_si256(                                                             \
            _mm256_xor_si256(_mm256_add_epi##W(_mm256_and_si256(e, pv), pv), pv), e);              \
        __m256i ph_ = _mm256_or_si256(mv, _mm256_andnot_si256(_mm256_or_si256(xh_, pv), ones));    \
        __m256i mh_ = _mm256_and_si256(pv, xh_);                                                   \
        ph_ = _mm256_or_si256(_mm256_slli_epi##W(ph_, 1), bot);                                    \
        mh_ = _mm256_slli_epi##W(mh_, 1);                                                          \
        pv = _mm256_or_si256(mh_, _mm256_andnot_si256(_mm256_or_si256(xv_, ph_), ones));           \
        mv = _mm256_and_si256(ph_, xv_);                                                           \
    } while (0)

/* Bits set in each byte of x (a table of nibbles). */
__attribute__((target("avx2"))) static inline __m256i pc8(__m256i x)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256i lo = _mm256_and_si256(x, m4), hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), m4);
    return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

/* Each lane's sum of its vertical deltas over the rows in m: pv's bits less mv's (they never
 * share a bit, so a byte's difference is within ±8), in lanes of 16, 32 or 64 bits. */
__attribute__((target("avx2"))) static inline __m256i vsum16(__m256i pv, __m256i mv, __m256i m)
{
    __m256i b = _mm256_sub_epi8(pc8(_mm256_and_si256(pv, m)), pc8(_mm256_and_si256(mv, m)));
    return _mm256_maddubs_epi16(_mm256_set1_epi8(1), b);
}

__attribute__((target("avx2"))) static inline __m256i vsum32(__m256i pv, __m256i mv, __m256i m)
{
    return _mm256_madd_epi16(vsum16(pv, mv, m), _mm256_set1_epi16(1));
}

__attribute__((target("avx2"))) static inline __m256i vsum64(__m256i pv, __m256i mv, __m256i m)
{
    __m256i z = _mm256_setzero_si256();
    return _mm256_sub_epi64(_mm256_sad_epu8(pc8(_mm256_and_si256(pv, m)), z),
                            _mm256_sad_epu8(pc8(_mm256_and_si256(mv, m)), z));
}

/* The early stop after column c of l, left = l − c to go: a lower bound on each lane's final
 * distance. Distances never fall along a diagonal (D[i+1][j+1] ≥ D[i][j], Ukkonen 1985), so the
 * final D[lq][l] is at least D[r][c], r = lq − left, on the diagonal through it: c plus the
 * deltas of rows 1 … r (session 18). When r < 0 (left > lq), the last row's bound D[lq][c] − left
 * (a column lowers it by at most 1). STOP_ROWS: the rows to sum (rows: the query's lq, the
 * lanes' top bits, less rows r + 1 … lq, the top left of them, by a right shift of ones);
 * stop_lim: a lane is past the cut dcut when its sum over them exceeds this. */
static inline long long stop_lim(uint64_t dcut, size_t c, size_t left, size_t lq)
{
    return (long long)dcut - (long long)c + (left > lq ? (long long)left : 0);
}

#define STOP_ROWS(W, rows, left, lq)                                                               \
    ((left) <= (lq)                                                                                \
         ? _mm256_and_si256(rows, _mm256_srl_epi##W(_mm256_set1_epi32(-1),                         \
                                                    _mm_cvtsi64_si128((long long)(left))))         \
         : (rows))

/* The masks of eight symbols (32-bit indices ix) from eq32[0..31] held in four vectors (a
 * permute picks by index bits 0–2; bits 3 and 4 choose among the four by blends on the sign
 * bit) where every index is below 32, else by a gather (a column with a symbol of 32 or more in
 * the language's numbering by frequency, formtab.c): a gather of eight costs several times as
 * much on the processors measured (session 16). */
__attribute__((target("avx2"))) static inline __m256i masks32(__m256i ix, const uint32_t *eq32,
                                                              const __m256i t[4])
{
    if (_mm256_movemask_epi8(_mm256_cmpgt_epi32(ix, _mm256_set1_epi32(31)))) {
        tm_short_ngather++;
        return _mm256_i32gather_epi32((const int *)eq32, ix, 4);
    }
    __m256 s3 = _mm256_castsi256_ps(_mm256_slli_epi32(ix, 28));
    __m256 s4 = _mm256_castsi256_ps(_mm256_slli_epi32(ix, 27));
    __m256 a = _mm256_blendv_ps(_mm256_castsi256_ps(_mm256_permutevar8x32_epi32(t[0], ix)),
                                _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(t[1], ix)), s3);
    __m256 b = _mm256_blendv_ps(_mm256_castsi256_ps(_mm256_permutevar8x32_epi32(t[2], ix)),
                                _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(t[3], ix)), s3);
    return _mm256_castps_si256(_mm256_blendv_ps(a, b, s4));
}

/* eq32[0..31] into the four vectors masks32 looks up */
__attribute__((target("avx2"))) static inline void lut32_load(const uint32_t *eq32, __m256i t[4])
{
    for (int k = 0; k < 4; k++)
        t[k] = _mm256_loadu_si256((const __m256i *)(eq32 + 8 * k));
}

__attribute__((target("avx2"))) static void ft_avx2_16(const uint16_t *sym, size_t l,
                                                       const uint64_t *eqs, const uint32_t *eq32,
                                                       unsigned sh, uint64_t d0, uint64_t dcut,
                                                       unsigned pass, uint32_t d[TM_FT_G])
{
    (void)pass;
    (void)eqs; /* a query of at most 16 code points: sixteen 16-bit lanes */
    (void)d0;  /* (lq: D[lq][0], which the deltas give) */
    const size_t lq = (size_t)sh + 1;
    const __m256i bot = _mm256_set1_epi16((short)(1u << (15 - sh))), ones = _mm256_set1_epi16(-1);
    const __m256i rows = _mm256_slli_epi16(ones, (int)(16 - lq));
    __m256i pv = ones, mv = _mm256_setzero_si256();
    for (size_t j = 0; j < l; j++) {
        const uint16_t *col = sym + TM_FT_G * j;
        __m256i i0 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)col));
        __m256i i1 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(col + 8)));
        __m256i e0 = _mm256_i32gather_epi32((const int *)eq32, i0, 4);
        __m256i e1 = _mm256_i32gather_epi32((const int *)eq32, i1, 4);
        /* (masks below 2^16: the signed pack keeps them; its 128-bit halves put back in order) */
        __m256i e = _mm256_permute4x64_epi64(_mm256_packus_epi32(e0, e1), 0xD8);
        FT_STEP(16, e, pv, mv);
        if ((j & 7) == 7) {
            size_t left = l - j - 1;
            __m256i lim = _mm256_set1_epi16((short)stop_lim(dcut, j + 1, left, lq));
            __m256i sum = vsum16(pv, mv, STOP_ROWS(16, rows, left, lq));
            if (_mm256_movemask_epi8(_mm256_cmpgt_epi16(sum, lim)) == -1) {
                __m256i out = _mm256_set1_epi32((int)(dcut + 1));
                _mm256_storeu_si256((__m256i *)d, out);
                _mm256_storeu_si256((__m256i *)(d + 8), out);
                return;
            }
        }
    }
    __m256i dd = _mm256_add_epi16(vsum16(pv, mv, rows), _mm256_set1_epi16((short)l));
    _mm256_storeu_si256((__m256i *)d, _mm256_cvtepu16_epi32(_mm256_castsi256_si128(dd)));
    _mm256_storeu_si256((__m256i *)(d + 8), _mm256_cvtepu16_epi32(_mm256_extracti128_si256(dd, 1)));
}

/* Sixteen 32-bit lanes in two vectors of eight, each its own chain: the eight forms from column
 * pointer a (the first vector) and those from b (the second), each column TM_FT_G symbols on —
 * the two halves of one group (ft_avx2_32), or the passing halves of two groups of the same length
 * (scan_table) —, their distances into da and db; the early stop when all sixteen are past. */
__attribute__((target("avx2"))) static void ft32_two(const uint16_t *a, const uint16_t *b, size_t l,
                                                     const uint32_t *eq32, unsigned sh,
                                                     uint64_t dcut, uint32_t *da, uint32_t *db)
{
    const size_t lq = (size_t)sh + 1;
    const __m256i bot = _mm256_set1_epi32((int)(1u << (31 - sh))), ones = _mm256_set1_epi32(-1);
    const __m256i rows = _mm256_slli_epi32(ones, (int)(32 - lq));
    __m256i t[4];
    lut32_load(eq32, t);
    __m256i pv0 = ones, pv1 = ones, mv0 = _mm256_setzero_si256(), mv1 = mv0;
    for (size_t j = 0; j < l; j++) {
        __m256i i0 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(a + TM_FT_G * j)));
        __m256i i1 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(b + TM_FT_G * j)));
        __m256i e0 = masks32(i0, eq32, t), e1 = masks32(i1, eq32, t);
        FT_STEP(32, e0, pv0, mv0);
        FT_STEP(32, e1, pv1, mv1);
        if ((j & 7) == 7) {
            size_t left = l - j - 1;
            __m256i m = STOP_ROWS(32, rows, left, lq);
            __m256i lim = _mm256_set1_epi32((int)stop_lim(dcut, j + 1, left, lq));
            if ((_mm256_movemask_epi8(_mm256_cmpgt_epi32(vsum32(pv0, mv0, m), lim)) &
                 _mm256_movemask_epi8(_mm256_cmpgt_epi32(vsum32(pv1, mv1, m), lim))) == -1) {
                __m256i out = _mm256_set1_epi32((int)(dcut + 1));
                _mm256_storeu_si256((__m256i *)da, out);
                _mm256_storeu_si256((__m256i *)db, out);
                return;
            }
        }
    }
    __m256i lc = _mm256_set1_epi32((int)l);
    _mm256_storeu_si256((__m256i *)da, _mm256_add_epi32(vsum32(pv0, mv0, rows), lc));
    _mm256_storeu_si256((__m256i *)db, _mm256_add_epi32(vsum32(pv1, mv1, rows), lc));
}

/* (every lane scored: a lane whose form failed the signatures ends past the cut, Lemma 9; a
 * group of which one half passed does not come here, scan_table pairs such halves) */
__attribute__((target("avx2"))) static void ft_avx2_32(const uint16_t *sym, size_t l,
                                                       const uint64_t *eqs, const uint32_t *eq32,
                                                       unsigned sh, uint64_t d0, uint64_t dcut,
                                                       unsigned pass, uint32_t d[TM_FT_G])
{
    (void)eqs;
    (void)d0;
    (void)pass;
    ft32_two(sym, sym + 8, l, eq32, sh, dcut, d, d + 8);
}

/* Eight of the group's lanes (from lane h: 0 or 8) in two vectors of four 64-bit lanes, kept
 * in registers, with their own early stop. */
__attribute__((target("avx2"))) static inline void ft64_half(const uint16_t *sym, size_t l,
                                                             const uint64_t *eqs, unsigned sh,
                                                             uint64_t dcut, size_t h, uint32_t *d)
{
    const size_t lq = (size_t)sh + 1;
    const __m256i bot = _mm256_set1_epi64x((long long)((uint64_t)1 << (63 - sh)));
    const __m256i ones = _mm256_set1_epi64x(-1);
    const __m256i rows = _mm256_slli_epi64(ones, (int)(64 - lq));
    __m256i pv0 = ones, pv1 = ones, mv0 = _mm256_setzero_si256(), mv1 = mv0;
    for (size_t j = 0; j < l; j++) {
        __m256i ix =
            _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(sym + TM_FT_G * j + h)));
        __m256i e0 = _mm256_i32gather_epi64((const long long *)eqs, _mm256_castsi256_si128(ix), 8);
        __m256i e1 =
            _mm256_i32gather_epi64((const long long *)eqs, _mm256_extracti128_si256(ix, 1), 8);
        FT_STEP(64, e0, pv0, mv0);
        FT_STEP(64, e1, pv1, mv1);
        if ((j & 7) == 7) {
            size_t left = l - j - 1;
            __m256i m = STOP_ROWS(64, rows, left, lq);
            __m256i lim = _mm256_set1_epi64x(stop_lim(dcut, j + 1, left, lq));
            if ((_mm256_movemask_epi8(_mm256_cmpgt_epi64(vsum64(pv0, mv0, m), lim)) &
                 _mm256_movemask_epi8(_mm256_cmpgt_epi64(vsum64(pv1, mv1, m), lim))) == -1) {
                for (int i = 0; i < 8; i++)
                    d[h + (size_t)i] = (uint32_t)(dcut + 1);
                return;
            }
        }
    }
    uint64_t t[8];
    __m256i lc = _mm256_set1_epi64x((long long)l);
    _mm256_storeu_si256((__m256i *)t, _mm256_add_epi64(vsum64(pv0, mv0, rows), lc));
    _mm256_storeu_si256((__m256i *)(t + 4), _mm256_add_epi64(vsum64(pv1, mv1, rows), lc));
    for (int i = 0; i < 8; i++)
        d[h + (size_t)i] = (uint32_t)t[i];
}

/* (the 64-bit lanes in two halves of eight: a half none of whose forms passed the signatures
 * is not scored — its distances are reported past the cut) */
__attribute__((target("avx2"))) static void ft_avx2_64(const uint16_t *sym, size_t l,
                                                       const uint64_t *eqs, const uint32_t *eq32,
                                                       unsigned sh, uint64_t d0, uint64_t dcut,
                                                       unsigned pass, uint32_t d[TM_FT_G])
{
    (void)eq32;
    (void)d0;
    for (size_t h = 0; h < TM_FT_G; h += 8) {
        if (pass >> h & 0xFF)
            ft64_half(sym, l, eqs, sh, dcut, h, d);
        else
            for (size_t i = h; i < h + 8; i++)
                d[i] = (uint32_t)(dcut + 1);
    }
}

/* AVX-512 (session 15; chosen at run time where the processor has AVX-512F): the 32-bit lanes
 * of a group as one vector of 16, the 64-bit lanes as two vectors of eight, and the step's logic
 * in ternary operations (vpternlog) — the same values as FT_STEP, with a chain of six dependent
 * operations a column instead of eleven, and half the instructions. Imm8 of a ternary operation
 * f(A, B, C): f(0xF0, 0xCC, 0xAA); 0xBE = (A ^ B) | C, 0xF1 = A | ~(B | C), 0xA8 = (A | B) & C.
 * ph's shifted bit and bot: pv = mh' | ~(xv | ph' | bot), mv = (ph' | bot) & xv. */
#define FT_STEP512(W, e, pv, mv, dd, keep)                                                         \
    do {                                                                                           \
        __m512i xv_ = _mm512_or_si512(e, mv);                                                      \
        __m512i s_ = _mm512_add_epi##W(_mm512_and_si512(e, pv), pv);                               \
        __m512i xh_ = _mm512_ternarylogic_epi64(s_, pv, e, 0xBE);                                  \
        __m512i ph_ = _mm512_ternarylogic_epi64(mv, xh_, pv, 0xF1);                                \
        __m512i mh_ = _mm512_and_si512(pv, xh_);                                                   \
        if (keep) {                                                                                \
            dd = _mm512_add_epi##W(dd, _mm512_srli_epi##W(ph_, W - 1));                            \
            dd = _mm512_sub_epi##W(dd, _mm512_srli_epi##W(mh_, W - 1));                            \
        }                                                                                          \
        __m512i sl_ = _mm512_slli_epi##W(ph_, 1);                                                  \
        pv = _mm512_ternarylogic_epi64(_mm512_slli_epi##W(mh_, 1), _mm512_or_si512(xv_, bot), sl_, \
                                       0xF1);                                                      \
        mv = _mm512_ternarylogic_epi64(sl_, bot, xv_, 0xA8);                                       \
    } while (0)

/* The masks of 16 symbols (32-bit indices ix, each below 64) from a table of 64 held in four
 * vectors: two two-source permutes (index bits 0–4) and bit 5 choosing between them — where
 * the processor's gathers cost several times as much (a gather of 16 was half of these lanes'
 * time, perf). */
__attribute__((target("avx512f"))) static inline __m512i lut64(__m512i ix, __m512i t0, __m512i t1,
                                                               __m512i t2, __m512i t3)
{
    __m512i a = _mm512_permutex2var_epi32(t0, ix, t1), b = _mm512_permutex2var_epi32(t2, ix, t3);
    return _mm512_mask_blend_epi32(_mm512_test_epi32_mask(ix, _mm512_set1_epi32(32)), a, b);
}

/* Each lane's sum of its vertical deltas over the rows in m (vsum32, vsum64), by vpopcnt. */
__attribute__((target("avx512f,avx512vpopcntdq"))) static inline __m512i
vsum512_32(__m512i pv, __m512i mv, __m512i m)
{
    return _mm512_sub_epi32(_mm512_popcnt_epi32(_mm512_and_si512(pv, m)),
                            _mm512_popcnt_epi32(_mm512_and_si512(mv, m)));
}

__attribute__((target("avx512f,avx512vpopcntdq"))) static inline __m512i
vsum512_64(__m512i pv, __m512i mv, __m512i m)
{
    return _mm512_sub_epi64(_mm512_popcnt_epi64(_mm512_and_si512(pv, m)),
                            _mm512_popcnt_epi64(_mm512_and_si512(mv, m)));
}

/* STOP_ROWS of the AVX2 lanes, in lanes of W bits of 512 */
#define STOP_ROWS512(W, rows, ones, left, lq)                                                      \
    ((left) <= (lq)                                                                                \
         ? _mm512_and_si512(rows, _mm512_srl_epi##W(ones, _mm_cvtsi64_si128((long long)(left))))   \
         : (rows))

/* (every lane scored: a lane whose form failed the signatures ends past the cut, Lemma 9, so
 * the lanes within it are those of ft_avx2_32). A column whose symbols are all below 64 (the
 * tables number each language's symbols by falling frequency, formtab.c) takes its masks from
 * eq32[0..63] by lut64, any other by a gather. With pop (session 19: where the processor has
 * AVX512_VPOPCNTDQ) the lanes keep no distance and stop on the diagonal through the final cell,
 * as the AVX2 lanes do (FT_STEP, stop_lim), the vertical deltas counted by vpopcnt; without,
 * they keep the last row's distance dd and stop by its bound dd − left. */
__attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) static inline void
ft512_32_run(const uint16_t *sym, size_t l, const uint32_t *eq32, unsigned sh, uint64_t d0,
             uint64_t dcut, int pop, uint32_t d[TM_FT_G])
{
    const __m512i bot = _mm512_set1_epi32((int)(1u << (31 - sh))), big = _mm512_set1_epi32(63);
    const __m512i t0 = _mm512_loadu_si512(eq32), t1 = _mm512_loadu_si512(eq32 + 16);
    const __m512i t2 = _mm512_loadu_si512(eq32 + 32), t3 = _mm512_loadu_si512(eq32 + 48);
    const size_t lq = (size_t)sh + 1;
    const __m512i ones = _mm512_set1_epi32(-1), rows = _mm512_slli_epi32(ones, (unsigned)(32 - lq));
    __m512i pv = ones, mv = _mm512_setzero_si512();
    __m512i dd = _mm512_set1_epi32((int)d0); /* (without pop: the last row's distance) */
    for (size_t j = 0; j < l; j++) {
        __m512i ix =
            _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(sym + TM_FT_G * j)));
        __m512i e;
        if (_mm512_cmpgt_epu32_mask(ix, big)) {
            e = _mm512_i32gather_epi32(ix, (const int *)eq32, 4);
            tm_short_ngather++;
        } else
            e = lut64(ix, t0, t1, t2, t3);
        FT_STEP512(32, e, pv, mv, dd, !pop);
        if ((j & 7) == 7) {
            size_t left = l - j - 1;
            __mmask16 past;
            if (pop) { /* as the AVX2 lanes: the deltas over STOP_ROWS against stop_lim */
                __m512i m = STOP_ROWS512(32, rows, ones, left, lq);
                past = _mm512_cmpgt_epi32_mask(
                    vsum512_32(pv, mv, m), _mm512_set1_epi32((int)stop_lim(dcut, j + 1, left, lq)));
            } else
                past = _mm512_cmpgt_epi32_mask(dd, _mm512_set1_epi32((int)(dcut + left)));
            if (past == 0xFFFF) {
                dd = _mm512_set1_epi32((int)(dcut + 1));
                goto done;
            }
        }
    }
    if (pop)
        dd = _mm512_add_epi32(vsum512_32(pv, mv, rows), _mm512_set1_epi32((int)l));
done:
    _mm512_storeu_si512((void *)d, dd);
}

/* The run without the popcounts (a processor without AVX512_VPOPCNTDQ): with pop 0 they are
 * dead code and no such instruction is emitted — the target only lets the run inline. */
__attribute__((target("avx512f,avx512vpopcntdq"))) static void
ft_512_32(const uint16_t *sym, size_t l, const uint64_t *eqs, const uint32_t *eq32, unsigned sh,
          uint64_t d0, uint64_t dcut, unsigned pass, uint32_t d[TM_FT_G])
{
    (void)eqs;
    (void)pass;
    ft512_32_run(sym, l, eq32, sh, d0, dcut, 0, d);
}

__attribute__((target("avx512f,avx512vpopcntdq"))) static void
ft_512_32p(const uint16_t *sym, size_t l, const uint64_t *eqs, const uint32_t *eq32, unsigned sh,
           uint64_t d0, uint64_t dcut, unsigned pass, uint32_t d[TM_FT_G])
{
    (void)eqs;
    (void)pass;
    ft512_32_run(sym, l, eq32, sh, d0, dcut, 1, d);
}

/* The 64-bit lanes: the masks' low and high 32 bits by lut64 from eq32[0..63] and
 * eq32[64..127] (ft_masks), interleaved into two vectors of eight 64-bit lanes — A: lanes 0, 1,
 * 4, 5, 8, 9, 12, 13 of the group, B: the others — each its own chain; a column with a symbol
 * of 64 or more gathers the same lanes from eqs. A set none of whose forms passed the signatures
 * is not scored (its distances reported past the cut, as ft_avx2_64's halves). */
static const int ft_sets[16] = {0, 1, 4, 5, 8, 9, 12, 13, /* A */ 2, 3, 6, 7, 10, 11, 14, 15};

__attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) static inline void
ft512_64_run(const uint16_t *sym, size_t l, const uint64_t *eqs, const uint32_t *eq32, unsigned sh,
             uint64_t d0, uint64_t dcut, int doa, int dob, int pop, uint32_t d[TM_FT_G])
{
    const __m512i bot = _mm512_set1_epi64((long long)((uint64_t)1 << (63 - sh)));
    const __m512i big = _mm512_set1_epi32(63);
    const __m512i l0 = _mm512_loadu_si512(eq32), l1 = _mm512_loadu_si512(eq32 + 16);
    const __m512i l2 = _mm512_loadu_si512(eq32 + 32), l3 = _mm512_loadu_si512(eq32 + 48);
    const __m512i h0 = _mm512_loadu_si512(eq32 + 64), h1 = _mm512_loadu_si512(eq32 + 80);
    const __m512i h2 = _mm512_loadu_si512(eq32 + 96), h3 = _mm512_loadu_si512(eq32 + 112);
    /* (the sets' lanes as indices; a permute's upper eight results are not used) */
    const __m512i pa = _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)ft_sets));
    const __m512i pb = _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)(ft_sets + 8)));
    /* (a set not scored starts far past every limit, so that it never holds back the stop) */
    const long long far = (long long)(dcut + l + 1);
    const size_t lq = (size_t)sh + 1;
    const __m512i ones = _mm512_set1_epi64(-1), rows = _mm512_slli_epi64(ones, (unsigned)(64 - lq));
    __m512i pv0 = ones, pv1 = pv0, mv0 = _mm512_setzero_si512(), mv1 = mv0;
    /* (without pop: the last row's distances) */
    __m512i dd0 = _mm512_set1_epi64(doa ? (long long)d0 : far);
    __m512i dd1 = _mm512_set1_epi64(dob ? (long long)d0 : far);
    for (size_t j = 0; j < l; j++) {
        __m512i ix =
            _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(sym + TM_FT_G * j)));
        __m512i e0, e1;
        if (_mm512_cmpgt_epu32_mask(ix, big)) {
            e0 = _mm512_i32gather_epi64(_mm512_castsi512_si256(_mm512_permutexvar_epi32(pa, ix)),
                                        (const long long *)eqs, 8);
            e1 = _mm512_i32gather_epi64(_mm512_castsi512_si256(_mm512_permutexvar_epi32(pb, ix)),
                                        (const long long *)eqs, 8);
            tm_short_ngather++;
        } else {
            __m512i lo = lut64(ix, l0, l1, l2, l3), hi = lut64(ix, h0, h1, h2, h3);
            e0 = _mm512_unpacklo_epi32(lo, hi); /* (in each 128 bits: lanes 4k, 4k + 1) */
            e1 = _mm512_unpackhi_epi32(lo, hi); /* (lanes 4k + 2, 4k + 3) */
        }
        if (doa)
            FT_STEP512(64, e0, pv0, mv0, dd0, !pop);
        if (dob)
            FT_STEP512(64, e1, pv1, mv1, dd1, !pop);
        if ((j & 7) == 7) { /* (the bound of ft512_32_run; a set not scored never holds it back) */
            size_t left = l - j - 1;
            __mmask8 pa0, pb1;
            if (pop) {
                __m512i m = STOP_ROWS512(64, rows, ones, left, lq);
                __m512i lim = _mm512_set1_epi64(stop_lim(dcut, j + 1, left, lq));
                pa0 = doa ? _mm512_cmpgt_epi64_mask(vsum512_64(pv0, mv0, m), lim) : 0xFF;
                pb1 = dob ? _mm512_cmpgt_epi64_mask(vsum512_64(pv1, mv1, m), lim) : 0xFF;
            } else {
                __m512i lim = _mm512_set1_epi64((long long)(dcut + left));
                pa0 = _mm512_cmpgt_epi64_mask(dd0, lim);
                pb1 = _mm512_cmpgt_epi64_mask(dd1, lim);
            }
            if ((pa0 & pb1) == 0xFF) {
                dd0 = dd1 = _mm512_set1_epi64((long long)(dcut + 1));
                goto done;
            }
        }
    }
    if (pop) {
        __m512i lc = _mm512_set1_epi64((long long)l);
        dd0 = _mm512_add_epi64(vsum512_64(pv0, mv0, rows), lc);
        dd1 = _mm512_add_epi64(vsum512_64(pv1, mv1, rows), lc);
    }
done:;
    uint64_t ta[8], tb[8];
    _mm512_storeu_si512((void *)ta, dd0);
    _mm512_storeu_si512((void *)tb, dd1);
    for (int i = 0; i < 8; i++) {
        d[ft_sets[i]] = doa ? (uint32_t)ta[i] : (uint32_t)(dcut + 1);
        d[ft_sets[8 + i]] = dob ? (uint32_t)tb[i] : (uint32_t)(dcut + 1);
    }
}

/* the sets to score (a set none of whose forms passed: not scored), each case its own inlined
 * run */
__attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) static inline void
ft512_64_sets(const uint16_t *sym, size_t l, const uint64_t *eqs, const uint32_t *eq32, unsigned sh,
              uint64_t d0, uint64_t dcut, unsigned pass, int pop, uint32_t d[TM_FT_G])
{
    int a = (pass & 0x3333) != 0, b = (pass & 0xCCCC) != 0;
    if (a && b)
        ft512_64_run(sym, l, eqs, eq32, sh, d0, dcut, 1, 1, pop, d);
    else if (a)
        ft512_64_run(sym, l, eqs, eq32, sh, d0, dcut, 1, 0, pop, d);
    else
        ft512_64_run(sym, l, eqs, eq32, sh, d0, dcut, 0, 1, pop, d);
}

/* (without the popcounts: as ft_512_32) */
__attribute__((target("avx512f,avx512vpopcntdq"))) static void
ft_512_64(const uint16_t *sym, size_t l, const uint64_t *eqs, const uint32_t *eq32, unsigned sh,
          uint64_t d0, uint64_t dcut, unsigned pass, uint32_t d[TM_FT_G])
{
    ft512_64_sets(sym, l, eqs, eq32, sh, d0, dcut, pass, 0, d);
}

__attribute__((target("avx512f,avx512vpopcntdq"))) static void
ft_512_64p(const uint16_t *sym, size_t l, const uint64_t *eqs, const uint32_t *eq32, unsigned sh,
           uint64_t d0, uint64_t dcut, unsigned pass, uint32_t d[TM_FT_G])
{
    ft512_64_sets(sym, l, eqs, eq32, sh, d0, dcut, pass, 1, d);
}
#endif

typedef void (*ft_fn)(const uint16_t *, size_t, const uint64_t *, const uint32_t *, unsigned,
                      uint64_t, uint64_t, unsigned, uint32_t *);

static ft_fn ft_pick(size_t lq)
{
#ifdef TM_LANES_AVX2
    if (use_avx512() && lq > 16) { /* (a query of at most 16 code points: the 16-bit lanes) */
        if (use_vpop())
            return lq <= 32 ? ft_512_32p : ft_512_64p;
        return lq <= 32 ? ft_512_32 : ft_512_64;
    }
    if (use_avx2())
        return lq <= 16 ? ft_avx2_16 : lq <= 32 ? ft_avx2_32 : ft_avx2_64;
#endif
    (void)lq;
    return ft_port;
}

/* The signatures' bound (docs/matching.md §4.5, Lemma 9) for the TM_FT_G forms of one group
 * (sg: their signatures, formtab.h) against the query's counts by class q (sscan.qcls): bit k of
 * the result set when form k may share need code points with the query — its count of a class,
 * or any number when 15 (a count of 15 or more), at most the query's, summed over the classes,
 * is at least need. Portable and AVX2: the same values. */
static unsigned sig_port(const uint8_t *sg, const uint8_t *q, size_t need)
{
    unsigned pass = 0;
    for (size_t k = 0; k < TM_FT_G; k++, sg += TM_FT_SIGB) {
        size_t sh = 0;
        for (size_t b = 0; b < TM_FT_SIGB; b++) {
            unsigned lo = sg[b] & 15, hi = sg[b] >> 4;
            sh += lo == 15 || lo > q[b] ? q[b] : lo;
            sh += hi == 15 || hi > q[b + TM_FT_SIGB] ? q[b + TM_FT_SIGB] : hi;
        }
        pass |= (unsigned)(sh >= need) << k;
    }
    return pass;
}

#ifdef TM_LANES_AVX2
/* (sat 0: every count of the query is at most 15, so a stored 15 needs no care — min(15, q) is
 * q — and is left as it is) */
__attribute__((target("avx2"))) static inline unsigned
sig_avx2_do(const uint8_t *sg, const uint8_t *q, size_t need, int sat)
{
    const __m256i m15 = _mm256_set1_epi8(15), zero = _mm256_setzero_si256();
    const __m256i ql = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)q));
    const __m256i qh =
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(q + TM_FT_SIGB)));
    const __m256i lim = _mm256_set1_epi64x((long long)need - 1);
    unsigned pass = 0;
    for (int i = 0; i < TM_FT_G / 2; i++) { /* two forms a vector */
        __m256i v = _mm256_loadu_si256((const __m256i *)(sg + 2 * TM_FT_SIGB * i));
        __m256i lo = _mm256_and_si256(v, m15);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m15);
        if (sat) { /* 15: any number (255) */
            lo = _mm256_or_si256(lo, _mm256_cmpeq_epi8(lo, m15));
            hi = _mm256_or_si256(hi, _mm256_cmpeq_epi8(hi, m15));
        }
        /* (a form's sum over all its classes is at most lq ≤ 64: bytes hold any part of it) */
        __m256i sm = _mm256_add_epi8(_mm256_min_epu8(lo, ql), _mm256_min_epu8(hi, qh));
        sm = _mm256_add_epi8(sm, _mm256_srli_si256(sm, 8));
        __m256i sd = _mm256_sad_epu8(sm, zero); /* each form's sum: 64-bit lanes 0 and 2 */
        int mm = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(sd, lim)));
        pass |= (unsigned)((mm & 1) | (mm >> 1 & 2)) << (2 * i);
    }
    return pass;
}

__attribute__((target("avx2"))) static unsigned sig_avx2(const uint8_t *sg, const uint8_t *q,
                                                         size_t need)
{
    return sig_avx2_do(sg, q, need, 1);
}

__attribute__((target("avx2"))) static unsigned sig_avx2_nosat(const uint8_t *sg, const uint8_t *q,
                                                               size_t need)
{
    return sig_avx2_do(sg, q, need, 0);
}

/* The lanes d[0..TM_FT_G) within dcut, as bits. */
__attribute__((target("avx2"))) static unsigned within_avx2(const uint32_t *d, uint64_t dcut)
{
    __m256i lim = _mm256_set1_epi32((int)dcut); /* (distances are small: signed is exact) */
    __m256i a = _mm256_cmpgt_epi32(_mm256_loadu_si256((const __m256i *)d), lim);
    __m256i b = _mm256_cmpgt_epi32(_mm256_loadu_si256((const __m256i *)(d + 8)), lim);
    unsigned out = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(a)) |
                   (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(b)) << 8;
    return ~out & 0xFFFF;
}
#endif

static unsigned within_port(const uint32_t *d, uint64_t dcut)
{
    unsigned out = 0;
    for (size_t k = 0; k < TM_FT_G; k++)
        out |= (unsigned)(d[k] <= dcut) << k;
    return out;
}

typedef unsigned (*sig_fn)(const uint8_t *, const uint8_t *, size_t);

static sig_fn sig_pick(int sat)
{
#ifdef TM_LANES_AVX2
    if (use_avx2())
        return sat ? sig_avx2 : sig_avx2_nosat;
#endif
    (void)sat;
    return sig_port;
}

typedef unsigned (*within_fn)(const uint32_t *, uint64_t);

static within_fn within_pick(void)
{
#ifdef TM_LANES_AVX2
    if (use_avx2())
        return within_avx2;
#endif
    return within_port;
}

/* A stored form v[0..n) into lane column masks (stride 4): its number of code points (≠ l: not
 * a form of length l, damage). ASCII and the Arabic block by direct tables. */
static size_t lane_fill(const tm_shortq *q, const unsigned char *v, size_t n, size_t l,
                        uint64_t *eq)
{
    if (n == l) { /* as many bytes as code points: ASCII, unless damaged; eight at a time */
        uint64_t any = 0;
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, v + i, 8);
            any |= w;
            eq[4 * i] = q->eq_lo[v[i] & 0x7F];
            eq[4 * i + 4] = q->eq_lo[v[i + 1] & 0x7F];
            eq[4 * i + 8] = q->eq_lo[v[i + 2] & 0x7F];
            eq[4 * i + 12] = q->eq_lo[v[i + 3] & 0x7F];
            eq[4 * i + 16] = q->eq_lo[v[i + 4] & 0x7F];
            eq[4 * i + 20] = q->eq_lo[v[i + 5] & 0x7F];
            eq[4 * i + 24] = q->eq_lo[v[i + 6] & 0x7F];
            eq[4 * i + 28] = q->eq_lo[v[i + 7] & 0x7F];
        }
        for (; i < n; i++) {
            any |= v[i];
            eq[4 * i] = q->eq_lo[v[i] & 0x7F];
        }
        if (!(any & 0x8080808080808080ULL))
            return n;
    }
    size_t k = 0;
    for (size_t i = 0; i < n && k <= l;) {
        uint32_t c = v[i];
        uint64_t e;
        if (c < 0x80) {
            e = q->eq_lo[c];
            i++;
        } else if (c >= 0xC2 && c < 0xE0 && i + 1 < n && (v[i + 1] & 0xC0) == 0x80) {
            uint32_t cp = (c & 0x1F) << 6 | (v[i + 1] & 0x3F); /* two bytes: Arabic by a table */
            e = cp - 0x600 < 256 ? q->eq_ar[cp - 0x600] : peq_of(q, cp)[0];
            i += 2;
        } else
            e = peq_of(q, utf8_cp(v, n, &i))[0];
        if (k < l)
            eq[4 * k] = e;
        k++;
    }
    return k;
}

/* Unit id of a scanned length, character score cs (−2: its stored form is not one of this
 * length: from its record): scored in full when cs reaches the bar and it is not listed yet;
 * skipped when its record is gone (deleted). 1 when the deadline passed. */
static int scan_one(jisr_tm_ctx *c, uint32_t id, int cs)
{
    int rc, fetched = 0;
    MDB_val uk = {sizeof id, &id}, ud;
    if (cs == -2) {
        if (!tm_get(&c->t, c->tm->units, &uk, &ud, "reading a unit"))
            return c->t.rc < 0 ? c->t.rc : 0; /* deleted */
        if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec)) < 0 ||
            (rc = unit_char_score(c, &cs)) < 0)
            return rc;
        fetched = 1;
    }
    if (cs < tm_eff_min(c)) /* its word score, if it reaches the bar, was offered by the walk */
        return 0;
    for (size_t b = 0; b < c->nbest; b++)
        if (c->best[b].id == id) /* offered already by the word walk of this pass */
            return 0;
    if (!fetched) {
        if (!tm_get(&c->t, c->tm->units, &uk, &ud, "reading a unit"))
            return c->t.rc < 0 ? c->t.rc : 0; /* deleted: its form is removed lazily */
        if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec)) < 0)
            return rc;
    }
    if ((rc = tm_score_rec(c, id, UINT32_MAX)) < 0)
        return rc;
    return tm_late(c) ? 1 : 0;
}

/* n (1–4) forms of length l in s->eq, their ids and whether each is not of length l (bad). */
static int scan_lanes(jisr_tm_ctx *c, sscan *s, size_t l, size_t n, const uint32_t *id,
                      const uint8_t *bad, lanes_fn lanes)
{
    tm_shortq *q = &c->sh;
    size_t lq = q->n, L = lq > l ? lq : l;
    int m = tm_eff_min(c);
    uint64_t d[4], dcut = L - need_of(lq, l, m < 0 ? 0 : m);
    lanes(s->eq, l, (unsigned)(lq - 1), lq, dcut, d);
    tm_short_nscanned += n;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        int cs = bad[k] ? -2 : char_score(L, d[k]);
        if (cs >= m || cs == -2)
            rc = scan_one(c, id[k], cs);
    }
    return rc;
}

/* The query's masks by symbol of the pass's form tables (s->eq64, s->eq32): 0, <0 out of
 * memory. */
static int ft_masks(const tm_shortq *q, sscan *s)
{
    if (s->eq64)
        return 0;
    /* (at least 128: the AVX-512 lanes read eq32[0..127]) */
    size_t n = s->ft->nsym > 128 ? s->ft->nsym : 128;
    if (!(s->eq64 = calloc(n, sizeof *s->eq64)) || !(s->eq64t = calloc(n, sizeof *s->eq64t)) ||
        !(s->eq32 = calloc(n, sizeof *s->eq32)))
        return jisr_oom(n * 20);
    /* (the symbols of the query's language: its tables number them, formtab.h) */
    const tm_ftlang *g = tm_ftab_lang(s->ft, s->fkey);
    if (!g)
        return 0;                             /* (no table of the language: none is read) */
    size_t lq = q->n, w = lq <= 16 ? 16 : 32; /* (eq32: the 16- or the 32-bit lanes) */
    for (size_t h = 0; h < 512; h++) {
        uint16_t y = q->hk[h] ? g->loc[tm_ftab_sym(s->ft, q->hk[h] - 1)] : 0;
        if (y) { /* (a code point no stored form has keeps no mask: it matches nothing) */
            s->eq64[y] = q->hm[h][0];
            s->eq64t[y] = q->hm[h][0] << (64 - lq);
            if (lq <= 32)
                s->eq32[y] = (uint32_t)(q->hm[h][0] << (w - lq));
            else if (y < 64) { /* (the AVX-512 lanes: low and high halves of eq64t) */
                s->eq32[y] = (uint32_t)s->eq64t[y];
                s->eq32[64 + y] = (uint32_t)(s->eq64t[y] >> 32);
            }
        }
    }
    for (size_t i = 0; i < q->n; i++) {
        uint16_t y = g->loc[tm_ftab_sym(s->ft, q->cp[i])];
        if (y)
            s->qcls[g->cls[y]]++; /* (byte c: class c, of the low or the high 4 bits) */
    }
    return 0;
}

/* The forms of table t from index i0 whose lanes are set in `in` (lane k: form i0 + k, its
 * distance d[k] within the cut; lanes past the table's last form are padding), handed to
 * scan_one, which takes those whose score reaches the bar of now. */
static int tab_found(jisr_tm_ctx *c, const tm_ftlen *t, size_t L, size_t i0, unsigned in,
                     const uint32_t *d)
{
    int rc = 0;
    for (; in && rc == 0; in &= in - 1) {
        size_t k = (size_t)__builtin_ctz(in);
        if (i0 + k >= t->n)
            break;
        rc = scan_one(c, t->id[i0 + k], char_score(L, d[k]));
    }
    return rc;
}

/* Groups whose signatures are read ahead of the one scored, and its passing symbols prefetched
 * (session 22, in one process with a switch, the bench's 400 short queries and the next 400,
 * the sum of each query's best of three: 1 → 8 groups −6 to −9 % at --min 30 and 50, AVX2 and
 * AVX-512 lanes; 6 and 12 within 2 % of 8). At most 15 (the ring of 16 in scan_table). */
#define TM_FT_AHEAD 8

/* The forms that passed the signatures in groups where few did (tm_short_gather_max), gathered
 * into a group of their own in the tables' layout (formtab.h: column by column, TM_FT_G symbols
 * each) and scored TM_FT_G at a time: at[k] is lane k's form, its index in the table. */
typedef struct ftstage {
    uint16_t sym[256 * TM_FT_G]; /* (a form is at most 255 code points: tm_ftlang.len) */
    uint32_t at[TM_FT_G];
    unsigned n;
} ftstage;

/* One group of the tables' layout (sym: n forms in it, pass the lanes to score) run by fn at the
 * cut dcut into d, and counted (tests). */
static void ft_run(const tm_shortq *q, const sscan *s, ft_fn fn, const uint16_t *sym, size_t l,
                   size_t n, unsigned pass, uint64_t dcut, uint32_t d[TM_FT_G])
{
    tm_short_nlanes += TM_FT_G;
#ifdef TM_LANES_AVX2
    if (fn == ft_512_32 || fn == ft_512_64 || fn == ft_512_32p || fn == ft_512_64p)
        tm_short_n512 += n;
#endif
    fn(sym, l, fn == ft_port ? s->eq64 : s->eq64t, s->eq32, (unsigned)(q->n - 1), q->n, dcut, pass,
       d);
}

/* Lanes of the stage st scored by fn at the cut of now, those within it handed to scan_one. */
static int stage_flush(jisr_tm_ctx *c, sscan *s, size_t l, const tm_ftlen *t, ftstage *st, ft_fn fn)
{
    size_t lq = c->sh.n, L = lq > l ? lq : l;
    int m = tm_eff_min(c), rc = 0;
    uint64_t dcut = L - need_of(lq, l, m < 0 ? 0 : m);
    uint32_t d[TM_FT_G];
    unsigned n = st->n;
    st->n = 0;
    /* (lanes n … TM_FT_G − 1 hold an earlier stage's symbols or zeros: any symbol is an index
     * the masks have; their distances are not read) */
    ft_run(&c->sh, s, fn, st->sym, l, n, n >= TM_FT_G ? 0xFFFFu : (1u << n) - 1, dcut, d);
    for (unsigned k = 0; k < n && rc == 0; k++)
        if (d[k] <= dcut)
            rc = scan_one(c, t->id[st->at[k]], char_score(L, d[k]));
    return rc;
}

/* Length l from its form table t (formtab.c): the groups of TM_FT_G forms scored by the lanes,
 * each form reaching the bar handed to scan_one as the cursor's scan does. 1 when the deadline
 * passed. A group of which at most tm_short_gather_max forms passed the signatures (Lemma 9:
 * the others are past the cut) has those gathered into a stage, scored when it holds TM_FT_G
 * (session 22: on the short profile at --min 50, most groups that passed had one or two forms
 * that did; the lanes computed six times the forms that could match, docs/matching.md §4.5). A
 * staged form is scored at the cut of the moment its stage is: the bar only rises, and a form
 * past it could not enter (scan_one), so the forms offered are those of the group's own time
 * that can still enter. */
static int scan_table(jisr_tm_ctx *c, sscan *s, size_t l, const tm_ftlen *t)
{
    tm_shortq *q = &c->sh;
    size_t lq = q->n, L = lq > l ? lq : l, ng = (t->n + TM_FT_G - 1) / TM_FT_G;
    int rc = ft_masks(q, s);
    if (rc < 0)
        return rc;
    ft_fn fn = ft_pick(lq);
    int sat = 0; /* a count of the query above 15: a stored 15 stands for any number */
    for (size_t b = 0; b < TM_FT_NCLS; b++)
        sat |= s->qcls[b] > 15;
    sig_fn sf = tm_short_ftsig && t->sig ? sig_pick(sat) : NULL;
    within_fn wf = within_pick();
    uint32_t d[TM_FT_G];
    ftstage st;
    st.n = 0;
    memset(st.sym, 0, l * TM_FT_G * sizeof *st.sym);
    /* The signatures of the group TM_FT_AHEAD on are read ahead, at the bar of that moment,
     * and the symbols of a group that passes asked for (prefetch) while this one is scored: the
     * lanes otherwise wait on their loads (perf; session 15: 7–13 % of the bench's CPU at --min
     * 30 and 50, docs/matching.md §7.1; one group ahead until session 22, when gathering made a
     * group's work too short to hide them). A group then uses that reading (pr, at the need
     * pn) when the bar has not moved since, else reads its signatures again: the same pass
     * either way. */
    unsigned pr[16];
    size_t pn[16], done = 0; /* (groups [0, done) read ahead) */
    for (size_t g = 0; g < ng && rc == 0; g++) {
        if (g && (g & 255) == 0 && tm_late(c)) {
            rc = 1;
            break;
        }
        int m = tm_eff_min(c);
        size_t need = need_of(lq, l, m < 0 ? 0 : m);
        uint64_t dcut = L - need;
        size_t n = t->n - g * TM_FT_G < TM_FT_G ? t->n - g * TM_FT_G : TM_FT_G;
        tm_short_nscanned += n;
        tm_short_ntab += n;
        /* Lemma 9: no form of the group can share need code points (the padding's empty
         * signatures share none) */
        unsigned pass = 0xFFFF;
        if (sf) {
            size_t hi = g + 1 + TM_FT_AHEAD < ng ? g + 1 + TM_FT_AHEAD : ng;
            for (; done < hi; done++) {
                unsigned pp = sf(t->sig + done * TM_FT_G * TM_FT_SIGB, s->qcls, need);
                pr[done % 16] = pp;
                pn[done % 16] = need;
                if (pp && done > g) {
                    const char *p = (const char *)(t->sym + done * l * TM_FT_G);
                    for (size_t b = 0; b < l * TM_FT_G * sizeof *t->sym; b += 64)
                        __builtin_prefetch(p + b);
                }
            }
            pass = pn[g % 16] == need ? pr[g % 16]
                                      : sf(t->sig + g * TM_FT_G * TM_FT_SIGB, s->qcls, need);
        }
        if (!pass) {
            tm_short_nsig += n;
            continue;
        }
        const uint16_t *gs = t->sym + g * l * TM_FT_G;
        if (sf && (unsigned)__builtin_popcount(pass) <= tm_short_gather_max) {
            for (unsigned in = pass; in && rc == 0; in &= in - 1) {
                unsigned k = (unsigned)__builtin_ctz(in);
                if (g * TM_FT_G + k >= t->n)
                    break; /* (padding) */
                for (size_t j = 0; j < l; j++)
                    st.sym[j * TM_FT_G + st.n] = gs[j * TM_FT_G + k];
                st.at[st.n++] = (uint32_t)(g * TM_FT_G + k);
                tm_short_ngath++;
                if (st.n == TM_FT_G)
                    rc = stage_flush(c, s, l, t, &st, fn);
            }
            continue;
        }
        ft_run(q, s, fn, gs, l, n, pass, dcut, d);
        /* the lanes within the cut (d ≤ dcut exactly when the score reaches m) */
        rc = tab_found(c, t, L, g * TM_FT_G, wf(d, dcut), d);
    }
    if (st.n && rc == 0) /* the last stage, not full */
        rc = stage_flush(c, s, l, t, &st, fn);
    return rc;
}

/* The form tables of the pass's state (s->ft), asked for once a pass, when the handle keeps
 * them: NULL when they are older than the state (a builder thread is started; the query never
 * waits for it). */
static int pass_tables(jisr_tm_ctx *c, sscan *s)
{
    if (s->ftw == 1) {
        s->ftw = 2;
        s->ft = tm_ftab_get(c->tm, &c->t);
        if (c->t.rc < 0)
            return c->t.rc;
    }
    return 0;
}

/* Unit id's character score from its form in table t (length l; the query of at most 64 code
 * points, its masks by symbol in s->eq64), as stored_score computes it from the stored form:
 * −2 when id has no form of length l. The candidates come in ascending id order, so the
 * search gallops from *pos, where the last one left it. */
static int tab_score(const tm_shortq *q, const sscan *s, const tm_ftlen *t, size_t l, uint32_t id,
                     size_t *pos)
{
    const uint32_t *v = t->id;
    size_t n = t->n, lo = *pos, hi = lo, step = 1;
    while (hi < n && v[hi] < id) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    lo = jisr_lower_u32(v, lo, hi < n ? hi : n, id);
    *pos = lo;
    if (lo == n || v[lo] != id)
        return -2;
    const uint16_t *sy = t->sym + (lo / TM_FT_G) * l * TM_FT_G + lo % TM_FT_G;
    uint64_t pv = ~(uint64_t)0, mv = 0, top = (uint64_t)1 << (q->n - 1);
    size_t d = q->n, L = q->n > l ? q->n : l;
    for (size_t j = 0; j < l; j++)
        tm_myers_step(s->eq64[sy[j * TM_FT_G]], &pv, &mv, top, &d);
    return char_score(L, d);
}

/* Length l by its stored forms (docs/matching.md §4.5, Lemma 8): every form of the length,
 * from the form table of the pass's state, else walked by one cursor, scored four at a time.
 * Each pass scans at its own bar (forms are not kept for a later pass: its scan at the query's
 * lower min would cost what the later pass's does, for every query, most of which end at the
 * first pass). */
static int scan_bucket(jisr_tm_ctx *c, sscan *s, size_t l)
{
    tm_shortq *q = &c->sh;
    int rc = 0;
    tm_short_nscan++;
    if ((rc = pass_tables(c, s)) < 0)
        return rc;
    const tm_ftlen *tab = s->ft ? tm_ftab_len(s->ft, s->fkey, l) : NULL;
    if (tab) /* the form table of this state: the same forms, without the cursor */
        return scan_table(c, s, l, tab);
    lanes_fn lanes = lanes_pick();
    unsigned char key[12];
    form_key(key, s->fkey | l, 1);
    MDB_val k = {12, key}, v;
    uint32_t id[4];
    uint8_t bad[4];
    size_t n = 0, seen = 0;
    for (int f = tm_cur_get(&s->fcur, &k, &v, MDB_SET_RANGE, "reading a short text's form"); f;
         f = tm_cur_get(&s->fcur, &k, &v, MDB_NEXT, "reading a short text's form")) {
        if (k.mv_size != 12 || memcmp(k.mv_data, key, 8) != 0)
            break; /* the next length's, or another key's */
        uint32_t x = (uint32_t)jisr_be_get((const unsigned char *)k.mv_data + 8, 4);
        if (x >= c->id_limit) {
            rc = tm_post_bad_id(&c->t, x, c->id_limit);
            break;
        }
        id[n] = x;
        bad[n] = lane_fill(q, v.mv_data, v.mv_size, l, s->eq + n) != l;
        if (++n == 4) {
            if ((rc = scan_lanes(c, s, l, n, id, bad, lanes)) != 0)
                break;
            n = 0;
        }
        if ((++seen & 4095) == 0 && tm_late(c)) {
            rc = 1;
            break;
        }
    }
    if (rc == 0 && c->t.rc < 0)
        rc = c->t.rc;
    if (rc == 0 && n) /* the last, partial batch (its other lanes hold stale columns) */
        rc = scan_lanes(c, s, l, n, id, bad, lanes);
    return rc;
}

/* The forms' record, once a query (its passes share its transaction): whether it stands at the
 * query's next id (then c->sh.formrec = 1, and c->sh.nform the forms by length of the language
 * whose forms' key prefix is fkey), else c->sh.formrec = 0. */
static int formrec_read(jisr_tm_ctx *c, uint64_t fkey)
{
    tm_shortq *q = &c->sh;
    unsigned char key[12];
    formrec_key(key);
    MDB_val k = {12, key}, v;
    uint64_t next;
    q->formrec = 0;
    memset(q->nform, 0, sizeof q->nform);
    if (!tm_get(&c->t, c->tm->post, &k, &v, "reading the forms' record"))
        return c->t.rc < 0 ? c->t.rc : 0;
    if (formrec_parse(&v, &next, NULL) != 0 || next != c->id_limit)
        return 0;
    const unsigned char *p = v.mv_data;
    for (size_t o = 8; o < v.mv_size; o += FORMREC_LANG)
        if (jisr_be_get(p + o, 8) == fkey)
            formrec_counts(p + o, q->nform);
    q->formrec = 1;
    return 0;
}

/* One form length l (docs/matching.md §4.5): prefix filtering over the query's terms — a unit
 * sharing need terms holds one of any lq − need + 1 of them, so the rarest that many give every
 * candidate (with pairs, Lemma 7's set when cheaper) —, the other terms counted where cheap (and
 * the code points' bag bound on many pair-found candidates), then the candidates in id order: a
 * unit whose character score is below the bar is left (the word walk of the same pass has
 * offered it if its word score reaches the bar), the others scored in full. */
static int scan_len(jisr_tm_ctx *c, sscan *s, size_t l)
{
    size_t lq = c->sh.n;
    uint8_t *acc = c->sh.acc;
    int rc = 0;
    s->ntouch = 0;
    /* the pair terms when their bound holds (Lemma 6: higher bars), else the code points' */
    int pairs = need2_of(lq, l, tm_eff_min(c)) > 0;
    size_t nq = pairs ? lq - 1 : lq;
    size_t t0 = pairs ? lq : 0; /* the kind's first term in s->terms */
    size_t need = pairs ? need2_of(lq, l, tm_eff_min(c)) : need_of(lq, l, tm_eff_min(c));
    if (need > nq) /* more shared pairs than the query has: nothing of this length reaches m */
        return 0;
    for (size_t i = 0; i < nq && rc == 0; i++) {
        rc = term_chunks(s, t0 + i, l, &s->st[i]);
        s->st[i].pos = pairs && (s->single[i / 64] >> (i % 64) & 1) ? (int)i : -1;
    }
    if (rc < 0)
        return rc;
    qsort(s->st, nq, sizeof *s->st, cmp_sterm);
    size_t np = nq - need + 1, i = 0; /* need ≤ nq inside the window */
    if (pairs)
        np = located_prefix(s, nq, np, lq > l ? lq : l, need_of(lq, l, tm_eff_min(c)));
    /* the scan, where the prefix's ids are a large share of the length's forms (by the cursor:
     * for the code points only, as pairs and counting filter far more; from the form tables, a
     * scanned form costing about as little as a counted id, for either kind) */
    if (c->sh.formrec > 0 && (!pairs || tm_short_scan_pct == 0 || s->ftw)) {
        uint64_t pids = 0;
        for (size_t j = 0; j < np; j++)
            pids += s->st[j].df;
        size_t pct = s->ftw ? tm_short_tab_pct : tm_short_scan_pct;
        if (tm_short_scan_pct == 0 || 100 * pids >= pct * (uint64_t)c->sh.nform[l])
            return scan_bucket(c, s, l);
    }
    for (; i < np && rc == 0; i++) {
        if ((rc = decode_term(s, &s->st[i])) < 0 ||
            (rc = JISR_GROW(s->touched, s->tcap, s->ntouch + s->nids)) < 0)
            break;
        for (size_t k = 0; k < s->nids; k++) {
            uint32_t id = s->ids[k];
            if (k + PREFETCH_AHEAD < s->nids) /* (a counter at random: its line asked early) */
                __builtin_prefetch(acc + s->ids[k + PREFETCH_AHEAD], 1);
            if (id >= c->id_limit) { /* a damaged chunk: never a counter for it */
                rc = tm_post_bad_id(&c->t, id, c->id_limit);
                break;
            }
            if (!acc[id]++) {
                s->touched[s->ntouch++] = id;
                live_set(c->sh.live, id);
            }
        }
    }
    /* verification: the other terms, rarest first, while they cost at most VERIFY_IDS ids per
     * candidate still alive; after each, a candidate whose count plus the terms not counted yet
     * is below need is dropped (an upper bound on what it shares) */
    size_t alive = s->ntouch;
    for (; i < nq && rc == 0 && s->st[i].df <= VERIFY_IDS * (uint64_t)alive; i++) {
        if ((rc = count_term(c, s, &s->st[i], acc)) < 0)
            break;
        size_t left = nq - i - 1, a = 0;
        if (left + 1 >= need) /* every candidate has a count of 1 or more: none is dropped yet */
            continue;
        for (size_t k = 0; k < alive; k++) {
            uint32_t id = s->touched[k];
            if (k + PREFETCH_AHEAD < alive)
                __builtin_prefetch(acc + s->touched[k + PREFETCH_AHEAD], 1);
            if (acc[id] + left >= need)
                s->touched[a++] = id;
            else
                cand_clear(&c->sh, id);
        }
        alive = a;
    }
    size_t rest = nq - i; /* terms not counted: each may still be shared */
    /* where pairs found the candidates, the code points' bag bound (Lemma 5) holds too, and
     * at middle bars it is the stronger: the rarest code point terms are counted likewise */
    size_t rest2 = c->sh.n; /* none counted */
    if (rc == 0 && pairs && alive >= tm_short_bag_min)
        rc = bag_check(c, s, l, &alive, &rest2);
    if (rc < 0) {
        for (size_t k = 0; k < alive; k++)
            cand_clear(&c->sh, s->touched[k]);
        alive = 0;
    }
    /* many candidates left: the scan reads the length's forms cheaper than their seeks */
    size_t sal = s->ftw ? tm_short_tab_alive : tm_short_scan_alive;
    if (rc == 0 && c->sh.formrec > 0 && sal && (uint64_t)alive * sal >= c->sh.nform[l]) {
        for (size_t j = 0; j < alive; j++)
            cand_clear(&c->sh, s->touched[j]);
        return scan_bucket(c, s, l);
    }
    /* in id order: the forms are read by one cursor moving forward (form_get), or found in the
     * form table of this state and length (a search in its ids instead of one in the index's
     * keys, and the form's symbols instead of its UTF-8: the same score) */
    if (rc == 0 && alive > 1) /* (on an error the loop below is skipped, the one after it runs) */
        rc = sort_ids(s, alive);
    const tm_ftlen *tab = NULL;
    size_t tpos = 0;
    if (rc == 0 && alive && lq <= 64 && (rc = pass_tables(c, s)) == 0 && s->ft &&
        (tab = tm_ftab_len(s->ft, s->fkey, l)) != NULL)
        rc = ft_masks(&c->sh, s);
    for (size_t k = 0; rc == 0 && k < alive; k++) {
        uint32_t id = s->touched[k];
        int m = tm_eff_min(c);
        if (acc[id] + rest < (pairs ? need2_of(lq, l, m) : need_of(lq, l, m)))
            continue; /* the bar rose above what it can share */
        if (pairs && c->sh.acc2[id] + rest2 < need_of(lq, l, m))
            continue; /* fewer shared code points than the bar needs (Lemma 5) */
        uint8_t known = c->sh.csv[id];
        if (known && known - 2 < m) /* its character score, from an earlier pass */
            continue;
        int listed = 0;
        for (size_t b = 0; b < c->nbest && !listed; b++)
            listed = c->best[b].id == id;
        if (listed) /* offered already by the word walk of this pass */
            continue;
        /* its character score: from its stored form (§4.5), else (a memory written before the
         * forms were stored) from its record */
        int cs = known ? known - 2 : -2;
        if (!known) {
            MDB_val fv;
            if (tab) {
                cs = tab_score(&c->sh, s, tab, l, id, &tpos);
                tm_short_ntabc++;
            } else if (form_get(s, s->fkey | l, id, &fv)) {
                cs = stored_score(&c->sh, fv.mv_data, fv.mv_size, l);
            } else if ((rc = c->t.rc) < 0)
                break;
            if (cs > -2 && cs < m) {
                if ((rc = cs_keep(c, id, cs)) < 0)
                    break;
                continue; /* its word score, if it reaches m, was offered by the word walk */
            }
        }
        MDB_val uk = {sizeof id, &id}, ud;
        if (!tm_get(&c->t, c->tm->units, &uk, &ud, "reading a unit")) {
            if ((rc = c->t.rc) < 0)
                break;
            continue; /* deleted: its postings are removed lazily */
        }
        if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec)) < 0)
            break;
        if (cs == -2 && (rc = unit_char_score(c, &cs)) < 0)
            break;
        if (!known && (rc = cs_keep(c, id, cs)) < 0)
            break;
        if (cs < m) /* its word score, if it reaches m, was offered by the word walk */
            continue;
        if ((rc = tm_score_rec(c, id, UINT32_MAX)) < 0 || (rc = tm_late(c) ? 1 : 0) != 0)
            break;
    }
    for (size_t j = 0; j < alive; j++) /* leave the accumulators all zero */
        cand_clear(&c->sh, s->touched[j]);
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
    s.fkey = tm_post_key(s.lh, TM_FORMTERM, 0);
    form_terms(c->sh.cp, lq, s.terms);
    for (size_t i = 0; i + 1 < lq; i++) {
        size_t k = 0;
        for (size_t j = 0; j + 1 < lq; j++)
            k += c->sh.cp[j] == c->sh.cp[i] && c->sh.cp[j + 1] == c->sh.cp[i + 1];
        if (k == 1)
            s.single[i / 64] |= (uint64_t)1 << (i % 64);
    }
    int rc = acc_ready(c);
    if (rc == 0)
        rc = tm_cur_open(&s.cur, &c->t, c->tm->post);
    if (rc == 0)
        rc = tm_cur_open(&s.fcur, &c->t, c->tm->post);
    if (rc == 0 && c->sh.formrec < 0) { /* the query's first pass */
        c->sh.formrec = 0;
        if (lq <= 64 && tm_short_scan_pct != SIZE_MAX)
            rc = formrec_read(c, s.fkey);
    }
    if (c->sh.formrec > 0 && tm_short_ftab >= 0 && tm_ftab_kept(c->tm))
        s.ftw = 1; /* the scan's rules assume the tables (a query taking the cursor while
                    * another thread rebuilds them is slower, never different) */
    if (rc < 0)
        return tm_txn_set(&c->t, rc);
    /* the query's own length first, then outwards: the window only narrows as the bar rises,
     * and on either side a length out of it stays out (need grows with L above lq; below, the
     * shorter length falls while need stays) */
    int up = 1, down = 1, m = tm_eff_min(c);
    s.wlo = s.whi = lq;
    while (s.whi < c->sh.lim && lq >= need_of(lq, s.whi + 1, m))
        s.whi++;
    while (s.wlo > 1 && s.wlo - 1 >= need_of(lq, s.wlo - 1, m))
        s.wlo--;
    for (size_t d = 0; rc == 0 && (up || down) && !c->late; d++) {
        size_t l = lq + d;
        if (up) {
            if (l > c->sh.lim || lq < need_of(lq, l, tm_eff_min(c)))
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
    tm_cur_close(&s.fcur);
    tm_ftab_put(c->tm, s.ft);
    free(s.eq64);
    free(s.eq64t);
    free(s.eq32);
    free(s.ch);
    free(s.ids);
    free(s.touched);
    free(s.sorted);
    return rc < 0 ? tm_txn_set(&c->t, rc) : 0;
}
