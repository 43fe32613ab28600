/*
 * score.c — the score of a candidate: D = the weighted Levenshtein distance between the query's
 * and the source's token sequences (costs in tm_int.h), W = the larger of the two weighted
 * lengths, score = floor(100·(W − D)/W), capped at 99 unless the texts are identical; and the
 * top list the scored candidates are offered to (best first; ties: the unrounded similarity, then
 * the lower id).
 *
 * The distance keeps two rows (linear space) and stops as soon as no alignment can stay within
 * the distance the threshold allows: every path crosses every row, so a row's minimum is a lower
 * bound. Before tokenizing a candidate its stored lengths are checked against the length and
 * count lemmas (docs/matching.md §4), exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"
#include "tm/unitfilter.h"
#include "util/utf8.h"

/* ---- compounds ------------------------------------------------------------------------------ */

uint64_t tm_key_lengths(const tm_toks *t)
{
    uint64_t m = 0;
    for (size_t k = 0; k < t->n; k++)
        if (t->v[k].kind == TM_WORD)
            m |= (uint64_t)1 << (t->v[k].kl < 63 ? t->v[k].kl : 63);
    return m;
}

static uint64_t join_hash(const tm_tok *a, const tm_tok *b)
{
    char buf[256];
    if (a->kl + b->kl > sizeof buf)
        return 0;
    memcpy(buf, a->kp, a->kl);
    memcpy(buf + a->kl, b->kp, b->kl);
    return tm_hash(buf, a->kl + b->kl, TM_WORD);
}

static int is_hyphen(const tm_toks *t, const tm_tok *x)
{
    return x->kind == TM_PUNCT && x->nl == 1 && t->nb.data[x->no] == '-';
}

int tm_joins_of(const tm_toks *t, uint64_t lenmask, tm_joins *j)
{
    j->any = 0;
    if (t->n < 2)
        return 0;
    int rc = JISR_GROW(j->j2, j->cap, t->n);
    if (rc < 0 || (rc = JISR_GROW(j->j3, j->cap3, t->n)) < 0)
        return rc;
    for (size_t k = 0; k < t->n; k++) {
        const tm_tok *a = &t->v[k];
        j->j2[k] = j->j3[k] = 0;
        if (a->kind != TM_WORD)
            continue;
        if (k + 1 < t->n && t->v[k + 1].kind == TM_WORD) {
            uint32_t l = a->kl + t->v[k + 1].kl;
            if ((lenmask & ((uint64_t)1 << (l < 63 ? l : 63))) && tm_compound_ok(a, &t->v[k + 1]))
                j->any |= (j->j2[k] = join_hash(a, &t->v[k + 1])) != 0;
        }
        if (k + 2 < t->n && t->v[k + 2].kind == TM_WORD && is_hyphen(t, &t->v[k + 1])) {
            uint32_t l = a->kl + t->v[k + 2].kl;
            if ((lenmask & ((uint64_t)1 << (l < 63 ? l : 63))) && tm_compound_ok(a, &t->v[k + 2]))
                j->any |= (j->j3[k] = join_hash(a, &t->v[k + 2])) != 0;
        }
    }
    return 0;
}

/* Does a join of j (the compound sites of one text) equal the key of a word of t, the other
 * text? Else no compound step can apply between the two in that direction. */
static int join_in(const tm_joins *j, size_t jn, const tm_toks *t)
{
    if (!j || !j->any)
        return 0;
    for (size_t k = 0; k < jn; k++)
        for (int z = 0; z < 2; z++) {
            uint64_t h = z ? j->j3[k] : j->j2[k];
            for (size_t i = 0; h && i < t->n; i++)
                if (t->v[i].kind == TM_WORD && t->v[i].hk == h)
                    return 1;
        }
    return 0;
}

/* The distance without compound sites, pruned by what the rest of the texts must still cost:
 * from cell (i, j) every alignment costs at least |Sq(i) − Sm(j)|, the difference of the weights
 * of the two suffixes (a step changes that difference by at most its cost: a substitution costs
 * at least the difference of the two weights, an insertion or deletion exactly its weight). A
 * cell whose value plus that bound exceeds maxd lies on no alignment within maxd: it is dropped
 * (BAND_INF), and a row is computed only from the first cell the row above kept to one past its
 * last, then rightwards while insertions keep a cell. Every cell of an alignment within maxd
 * keeps its exact value, so the result is the distance when it is at most maxd, else > maxd
 * (Ukkonen's cut-off with the weights' bound; about half the cells at min 75). row: scratch of
 * 3 × (m->n + 1) values. */
#define BAND_INF 0x3FFFFFFFu
static uint32_t distance_band(jisr_tm_ctx *c, const tm_toks *qt, const tm_toks *mt, uint32_t maxd,
                              uint32_t *row)
{
    const tm_tok *q = qt->v, *m = mt->v;
    size_t n = qt->n, mn = mt->n;
    uint32_t *prev = row, *cur = row + (mn + 1), *sm = row + 2 * (mn + 1);
    /* sm[j]: the weight of m's tokens j..mn−1 */
    sm[mn] = 0;
    for (size_t j = mn; j-- > 0;)
        sm[j] = sm[j + 1] + tm_tok_w(&m[j]);
    uint32_t wq = 0;
    for (size_t i = 0; i < n; i++)
        wq += tm_tok_w(&q[i]);
    /* row 0, insertions only: value + bound does not fall along it, so it keeps a prefix */
    size_t f = 0, e = 0;
    for (size_t j = 0; j <= mn; j++) {
        uint32_t d = sm[0] - sm[j], s = wq > sm[j] ? wq - sm[j] : sm[j] - wq;
        if ((uint64_t)d + s > maxd) {
            if (j == 0) /* Lemma 1: |Wq − Wm| > maxd */
                return maxd + 1;
            break;
        }
        prev[j] = d;
        e = j;
    }
    if (e + 1 <= mn)
        prev[e + 1] = BAND_INF;
    uint32_t sq = wq; /* the weight of the query's tokens i..n−1 */
    for (size_t i = 1; i <= n; i++) {
        const tm_tok *qi = &q[i - 1];
        uint32_t w = tm_tok_w(qi);
        sq -= w;
        size_t a = f, hi = e + 1 <= mn ? e + 1 : mn;
        size_t nf = SIZE_MAX, ne = 0;
        uint32_t left = BAND_INF; /* cur[j − 1] */
        size_t j = a;
        if (j == 0) { /* deletions only */
            uint32_t v = prev[0] + w, s = sq > sm[0] ? sq - sm[0] : sm[0] - sq;
            if (prev[0] >= BAND_INF || (uint64_t)v + s > maxd)
                v = BAND_INF;
            else
                nf = ne = 0;
            cur[0] = left = v;
            j = 1;
        } else {
            cur[j - 1] = BAND_INF;
        }
        for (; j <= hi; j++) {
            const tm_tok *mj = &m[j - 1];
            uint32_t x = prev[j - 1] + tm_sub_cost(qi, mj);
            uint32_t y = prev[j] + w;
            uint32_t z = left + tm_tok_w(mj);
            uint32_t v = x < y ? x : y;
            v = v < z ? v : z;
            uint32_t s = sq > sm[j] ? sq - sm[j] : sm[j] - sq;
            if ((uint64_t)v + s > maxd) {
                v = BAND_INF;
            } else {
                if (nf == SIZE_MAX)
                    nf = j;
                ne = j;
            }
            cur[j] = left = v;
        }
        for (; j <= mn && left < BAND_INF; j++) { /* beyond the row above: insertions only */
            uint32_t v = left + tm_tok_w(&m[j - 1]);
            uint32_t s = sq > sm[j] ? sq - sm[j] : sm[j] - sq;
            if ((uint64_t)v + s > maxd)
                v = BAND_INF;
            else
                ne = j;
            cur[j] = left = v;
        }
        if (nf == SIZE_MAX || ((i & 63) == 0 && c && tm_late(c)))
            return maxd + 1;
        if (ne + 1 <= mn)
            cur[ne + 1] = BAND_INF;
        f = nf;
        e = ne;
        uint32_t *t = prev;
        prev = cur;
        cur = t;
    }
    return e == mn && prev[mn] < BAND_INF ? prev[mn] : maxd + 1;
}

/* Weighted edit distance with a cut-off: returns a value > maxd as soon as no alignment can
 * stay within maxd, or when the query's deadline passes (checked every 64 rows: only long texts
 * get there). Besides substituting, dropping and adding tokens, an alignment may take one word
 * for two adjacent ones (or two around a hyphen) whose keys make its key, for TM_C_COMPOUND:
 * such a step reaches back up to three rows, so the bound is the least minimum of the last three
 * rows (every later path passes through one of them). When no compound step can apply (no join
 * of either text is a word of the other) it is distance_band. */
uint32_t tm_distance(jisr_tm_ctx *c, const tm_toks *qt, const tm_joins *jq, const tm_toks *mt,
                     const tm_joins *jm, uint32_t maxd, uint32_t *row)
{
    const tm_tok *q = qt->v, *m = mt->v;
    size_t n = qt->n, mn = mt->n;
    int comp = (jq && jq->any) || (jm && jm->any);
    if (comp) /* sites, but can a compound step apply at all? */
        comp = join_in(jm, mt->n, qt) || join_in(jq, qt->n, mt);
    if (!comp && maxd < BAND_INF / 4)
        return distance_band(c, qt, mt, maxd, row);
    uint32_t *r[4];
    for (int k = 0; k < 4; k++)
        r[k] = row + (size_t)k * (mn + 1);
    r[1][0] = 0;
    for (size_t j = 1; j <= mn; j++)
        r[1][j] = r[1][j - 1] + tm_tok_w(&m[j - 1]);
    uint32_t min1 = 0, min2 = 0; /* the minima of rows i − 1 and i − 2 */
    /* The match's join keys (few: only where a query word is as long), so that a row whose query
     * word is none of them, and which ends no query join, takes the plain loop: the compound
     * steps below could not apply in it. */
    uint64_t mjk[16];
    size_t nmjk = 0;
    int mjall = 0; /* too many to list: every word row takes the compound loop */
    for (size_t j = 0; comp && jm && jm->any && j < mn && !mjall; j++)
        for (int z = 0; z < 2; z++) {
            uint64_t h = z ? jm->j3[j] : jm->j2[j];
            if (h && nmjk < sizeof mjk / sizeof *mjk)
                mjk[nmjk++] = h;
            else if (h)
                mjall = 1;
        }
    for (size_t i = 1; i <= n; i++) {
        uint32_t *cur = r[0], *prev = r[1];
        const tm_tok *qi = &q[i - 1];
        uint32_t wq = tm_tok_w(qi);
        cur[0] = prev[0] + wq;
        uint32_t rmin = cur[0];
        int rowcomp = 0;
        if (comp) {
            rowcomp = (i >= 2 && jq && jq->j2[i - 2]) || (i >= 3 && jq && jq->j3[i - 3]);
            if (!rowcomp && qi->kind == TM_WORD)
                for (size_t z = 0; z < nmjk && !rowcomp; z++)
                    rowcomp = mjk[z] == qi->hk;
            rowcomp |= mjall && qi->kind == TM_WORD;
        }
        if (!rowcomp) {
            for (size_t j = 1; j <= mn; j++) {
                uint32_t a = prev[j - 1] + tm_sub_cost(qi, &m[j - 1]);
                uint32_t b = prev[j] + wq;
                uint32_t cc = cur[j - 1] + tm_tok_w(&m[j - 1]);
                uint32_t v = a < b ? a : b;
                v = v < cc ? v : cc;
                cur[j] = v;
                if (v < rmin)
                    rmin = v;
            }
        } else {
            uint64_t qj2 = i >= 2 && jq ? jq->j2[i - 2] : 0, qj3 = i >= 3 && jq ? jq->j3[i - 3] : 0;
            for (size_t j = 1; j <= mn; j++) {
                const tm_tok *mj = &m[j - 1];
                uint32_t a = prev[j - 1] + tm_sub_cost(qi, mj);
                uint32_t b = prev[j] + wq;
                uint32_t cc = cur[j - 1] + tm_tok_w(mj);
                uint32_t v = a < b ? a : b;
                v = v < cc ? v : cc;
                if (jm && qi->kind == TM_WORD) { /* one query word, two of the match's */
                    if (j >= 2 && jm->j2[j - 2] == qi->hk && jm->j2[j - 2] &&
                        prev[j - 2] + TM_C_COMPOUND < v)
                        v = prev[j - 2] + TM_C_COMPOUND;
                    if (j >= 3 && jm->j3[j - 3] == qi->hk && jm->j3[j - 3] &&
                        prev[j - 3] + TM_C_COMPOUND < v)
                        v = prev[j - 3] + TM_C_COMPOUND;
                }
                if (mj->kind == TM_WORD) { /* two query words, one of the match's */
                    if (qj2 && qj2 == mj->hk && r[2][j - 1] + TM_C_COMPOUND < v)
                        v = r[2][j - 1] + TM_C_COMPOUND;
                    if (qj3 && qj3 == mj->hk && r[3][j - 1] + TM_C_COMPOUND < v)
                        v = r[3][j - 1] + TM_C_COMPOUND;
                }
                cur[j] = v;
                if (v < rmin)
                    rmin = v;
            }
        }
        uint32_t lb = rmin;
        if (comp) {
            lb = lb < min1 ? lb : min1;
            lb = lb < min2 ? lb : min2;
        }
        if (lb > maxd || ((i & 63) == 0 && c && tm_late(c)))
            return maxd + 1;
        min2 = min1;
        min1 = rmin;
        uint32_t *t = r[3];
        r[3] = r[2];
        r[2] = r[1];
        r[1] = cur;
        r[0] = t;
    }
    return r[1][mn];
}

static int score_of(uint32_t d, uint32_t wq, uint32_t wm, int identical)
{
    uint32_t w = wq > wm ? wq : wm;
    if (!w)
        return identical ? 100 : 0;
    if (identical && d == 0)
        return 100;
    int s = (int)((100ull * (w - (d > w ? w : d))) / w);
    return s > 99 ? 99 : s;
}

/* Reading C: the points k code substitutions take off a match of distance d, as text (the
 * query's nc codes, and the unit's, counted as the words they are there: §2.3b) */
static int code_sub_points(uint32_t d, uint32_t wq, uint32_t wm, size_t nc, size_t k)
{
    uint64_t w = (uint64_t)(wq > wm ? wq : wm) + (uint64_t)nc * TM_W_WORD;
    uint64_t d0 = d < w ? d : w, d1 = d + (uint64_t)k * TM_C_NUMBER;
    d1 = d1 < w ? d1 : w;
    return (int)(100 * (w - d0) / w - 100 * (w - d1) / w);
}

/* The code placeholders among tags t[0..n) (a <ph> holding one format code: tm_ph_code) */
static size_t ph_codes(const tm_tag *t, size_t n)
{
    size_t k = 0, off, len;
    for (size_t i = 0; i < n; i++)
        k += t[i].kind == TM_TAG_PH && tm_ph_code(t[i].xml, t[i].n, &off, &len);
    return k;
}

/* The format codes t writes as text */
static size_t text_codes(const tm_toks *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        k += t->v[i].code != 0;
    return k;
}

/* §2.3: the score of a match of distance d when kq code placeholders of the query and km of the
 * unit, each without a partner (a code placeholder of the other side, or a code the other side
 * writes as text), count as the words their codes are as text: each a word missing from the
 * other side, in the distance and in its own side's length. A tag weighs nothing, so until
 * then "Click Save to keep files." scored 99 against "Click Save to keep <ph>%s</ph> files." and
 * proposed a target with a %s the query has no argument for (83 with the %s as text). */
static int ph_text_score(uint32_t d, uint32_t wq, uint32_t wm, size_t kq, size_t km)
{
    uint64_t dd = d + (uint64_t)(kq + km) * TM_W_WORD, q = wq + (uint64_t)kq * TM_W_WORD,
             m = wm + (uint64_t)km * TM_W_WORD, w = q > m ? q : m;
    if (!w)
        return 0;
    return (int)(100 * (w - (dd > w ? w : dd)) / w);
}

static int trimmed_equal(const char *a, size_t an, const char *b, size_t bn)
{
    while (an && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r'))
        a++, an--;
    while (an && (a[an - 1] == ' ' || a[an - 1] == '\t' || a[an - 1] == '\n' || a[an - 1] == '\r'))
        an--;
    while (bn && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))
        b++, bn--;
    while (bn && (b[bn - 1] == ' ' || b[bn - 1] == '\t' || b[bn - 1] == '\n' || b[bn - 1] == '\r'))
        bn--;
    return an == bn && memcmp(a, b, an) == 0;
}

/* The next code point of s[*i..n) that is not a tag placeholder or white space, *i past it
 * (a byte that is not UTF-8 as 0x110000 + the byte); *gap: white space came before it. -1 at
 * the end. */
static int32_t next_visible(const unsigned char *s, size_t n, size_t *i, int *gap)
{
    *gap = 0;
    while (*i < n) {
        size_t len;
        int32_t c = jisr_utf8_decode(s, n, *i, &len);
        if (c < 0)
            c = 0x110000 + s[*i];
        *i += len;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            *gap = 1;
        else if (c < (int32_t)JISR_TAG_BASE || c >= (int32_t)(JISR_TAG_BASE + JISR_TAG_MAX))
            return c;
    }
    return -1;
}

/* The two texts are the same once tag placeholders are left out and white space runs are one
 * space (at the ends none): a tagged query and a unit that differ only in their tags */
static int same_but_tags(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (int first = 1;; first = 0) {
        int spa, spb;
        int32_t ca = next_visible((const unsigned char *)a, an, &i, &spa);
        int32_t cb = next_visible((const unsigned char *)b, bn, &j, &spb);
        if (ca != cb)
            return 0;
        if (ca < 0)
            return 1;             /* both at their ends (trailing gaps do not count) */
        if (spa != spb && !first) /* (leading gaps do not count) */
            return 0;
    }
}

static int ensure_row(jisr_tm_ctx *c, size_t mn)
{
    return JISR_GROW(c->row, c->rowcap, 4 * (mn + 1) + 64);
}

/* ---- ranking ------------------------------------------------------------------------------ */

static int grow_u32(uint32_t **v, size_t *cap, size_t n)
{
    return jisr_grow((void **)v, cap, n, sizeof **v);
}

/* the code points of s[0..n), tag placeholders left out */
static int text_cps(const char *s, size_t n, uint32_t **out, size_t *cap, size_t *count)
{
    *count = 0;
    int rc = grow_u32(out, cap, n + 1);
    if (rc < 0)
        return rc;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len;
        int32_t cp = jisr_utf8_decode(u, n, i, &len);
        i += len;
        if (cp >= (int32_t)JISR_TAG_BASE && cp < (int32_t)(JISR_TAG_BASE + JISR_TAG_MAX))
            continue;
        (*out)[(*count)++] = cp < 0 ? 0xFFFD : (uint32_t)cp;
    }
    return 0;
}

/* The query's match vectors for Myers' bit-parallel edit distance (Hyyrö's blocks of 64):
 * for each distinct code point of the query, one bit per position, in c->qb blocks; found
 * through a small open-addressing table. Built once per query, on the first tie. */
static int peq_build(jisr_tm_ctx *c)
{
    size_t m = c->qm, nb = (m + 63) / 64, cap = 16;
    while (cap < 2 * m + 2)
        cap *= 2;
    if (jisr_grow((void **)&c->ptab, &c->ptabcap, cap, sizeof *c->ptab) < 0 ||
        jisr_grow((void **)&c->peq, &c->peqcap, (m + 1) * nb, sizeof *c->peq) < 0)
        return JISR_ENOMEM;
    for (size_t i = 0; i < cap; i++)
        c->ptab[i].row = UINT32_MAX;
    memset(c->pdir, 0, sizeof c->pdir);
    c->ptabmask = cap - 1;
    c->qb = nb;
    size_t rows = 0;
    for (size_t i = 0; i < m; i++) {
        uint32_t cp = c->qcp[i];
        size_t h = (cp * 0x9E3779B1u) & c->ptabmask;
        while (c->ptab[h].row != UINT32_MAX && c->ptab[h].cp != cp)
            h = (h + 1) & c->ptabmask;
        if (c->ptab[h].row == UINT32_MAX) {
            c->ptab[h].cp = cp;
            c->ptab[h].row = (uint32_t)rows++;
            memset(c->peq + (size_t)c->ptab[h].row * nb, 0, nb * sizeof *c->peq);
            if (cp < TM_PDIR)
                c->pdir[cp] = (uint16_t)(c->ptab[h].row + 1);
        }
        c->peq[(size_t)c->ptab[h].row * nb + i / 64] |= (uint64_t)1 << (i % 64);
    }
    c->peq_ready = 1;
    return 0;
}

static const uint64_t *peq_of(const jisr_tm_ctx *c, uint32_t cp)
{
    if (cp < TM_PDIR)
        return c->pdir[cp] ? c->peq + (size_t)(c->pdir[cp] - 1) * c->qb : NULL;
    size_t h = (cp * 0x9E3779B1u) & c->ptabmask;
    while (c->ptab[h].row != UINT32_MAX) {
        if (c->ptab[h].cp == cp)
            return c->peq + (size_t)c->ptab[h].row * c->qb;
        h = (h + 1) & c->ptabmask;
    }
    return NULL;
}

/* Levenshtein distance of the query's code points against b[0..n), bit-parallel: O(n·m/64). */
static size_t myers(jisr_tm_ctx *c, const uint32_t *b, size_t n)
{
    size_t m = c->qm, nb = c->qb;
    if (!m)
        return n;
    if (jisr_grow((void **)&c->pv, &c->pvcap, 2 * nb, sizeof *c->pv) < 0)
        return SIZE_MAX;
    uint64_t *P = c->pv, *M = c->pv + nb;
    for (size_t k = 0; k < nb; k++) {
        P[k] = ~(uint64_t)0;
        M[k] = 0;
    }
    uint64_t last = (uint64_t)1 << ((m - 1) % 64);
    size_t score = m;
    if (nb == 1) { /* one block: the top row's carry is always +1 */
        uint64_t Pv = ~(uint64_t)0, Mv = 0;
        for (size_t j = 0; j < n; j++) {
            const uint64_t *eq = peq_of(c, b[j]);
            uint64_t Eq = eq ? eq[0] : 0;
            uint64_t Xv = Eq | Mv, Xh = (((Eq & Pv) + Pv) ^ Pv) | Eq;
            uint64_t Ph = Mv | ~(Xh | Pv), Mh = Pv & Xh;
            score += (Ph & last) != 0;
            score -= (Mh & last) != 0;
            Ph = (Ph << 1) | 1;
            Mh <<= 1;
            Pv = Mh | ~(Xv | Ph);
            Mv = Ph & Xv;
        }
        return score;
    }
    for (size_t j = 0; j < n; j++) {
        const uint64_t *eq = peq_of(c, b[j]);
        /* the horizontal delta carried into each block as two bits (+1, −1); the top row
         * counts up (D[0][j] = j): +1 into the first */
        uint64_t hp = 1, hn = 0;
        size_t k = 0;
        for (; k + 1 < nb; k++) {
            uint64_t Eq = eq ? eq[k] : 0, Pv = P[k], Mv = M[k];
            uint64_t Xv = Eq | Mv;
            Eq |= hn;
            uint64_t Xh = (((Eq & Pv) + Pv) ^ Pv) | Eq;
            uint64_t Ph = Mv | ~(Xh | Pv), Mh = Pv & Xh;
            uint64_t op = Ph >> 63, on = Mh >> 63;
            Ph = (Ph << 1) | hp;
            Mh = (Mh << 1) | hn;
            P[k] = Mh | ~(Xv | Ph);
            M[k] = Ph & Xv;
            hp = op;
            hn = on;
        }
        uint64_t Eq = eq ? eq[k] : 0, Pv = P[k], Mv = M[k];
        uint64_t Xv = Eq | Mv;
        Eq |= hn;
        uint64_t Xh = (((Eq & Pv) + Pv) ^ Pv) | Eq;
        uint64_t Ph = Mv | ~(Xh | Pv), Mh = Pv & Xh;
        score += (Ph & last) != 0;
        score -= (Mh & last) != 0;
        Ph = (Ph << 1) | hp;
        Mh = (Mh << 1) | hn;
        P[k] = Mh | ~(Xv | Ph);
        M[k] = Ph & Xv;
    }
    return score;
}

/* The longest common run of code points of the query and c->cb[0..lb) (0 when either is longer
 * than 256: the tie then falls to the next keys). */
static int common_run(const jisr_tm_ctx *c, size_t lb)
{
    size_t la = c->qm, best = 0;
    if (la > 256 || lb > 256)
        return 0;
    uint16_t row[257] = {0};
    for (size_t i = 1; i <= la; i++) {
        uint16_t diag = 0;
        for (size_t j = 1; j <= lb; j++) {
            uint16_t up = row[j];
            row[j] = c->qcp[i - 1] == c->cb[j - 1] ? (uint16_t)(diag + 1) : 0;
            if (row[j] > best)
                best = row[j];
            diag = up;
        }
    }
    return (int)best;
}

double tm_char_keys(jisr_tm_ctx *c, const char *bt, size_t bn, int *run)
{
    size_t lb;
    *run = 0;
    if (!c->peq_ready) { /* the query's side, once per query */
        if (text_cps(c->text, c->tlen, &c->qcp, &c->qcpcap, &c->qm) < 0 || peq_build(c) < 0)
            return 0; /* out of memory: the tie falls to the next keys */
    }
    if (text_cps(bt, bn, &c->cb, &c->cbcap, &lb) < 0)
        return 0;
    size_t mx = c->qm > lb ? c->qm : lb;
    if (!mx)
        return 1;
    size_t d = myers(c, c->cb, lb);
    if (c->sh.lim) /* the character search is on: the shared run ranks ties (below) */
        *run = common_run(c, lb);
    return d == SIZE_MAX ? 0 : 1.0 - (double)d / (double)mx;
}

double tm_char_sim(jisr_tm_ctx *c, const char *bt, size_t bn)
{
    int run;
    return tm_char_keys(c, bt, bn, &run);
}

/* the character similarity of a listed entry from its source text (code points only: no
 * tokenizing, which the similarity does not use), fetched again when not kept */
static int entry_csim(jisr_tm_ctx *c, tm_top *e)
{
    if (e->csim >= 0)
        return 0;
    if (e->txt) {
        e->csim = tm_char_keys(c, e->txt, e->tn, &e->lcsub);
        return 0;
    }
    MDB_val ud;
    int rc = tm_unit_rec(c, e->id, &ud);
    if (rc != 0)
        return rc < 0 ? rc : tm_txn_corrupt(&c->t, "reading a unit");
    rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec2);
    if (rc < 0)
        return rc;
    int si = e->si;
    if ((uint32_t)si >= c->rec2.nvar)
        return tm_txn_corrupt(&c->t, "reading a unit");
    e->csim = tm_char_keys(c, c->rec2.var[si].text.p, c->rec2.var[si].text.n, &e->lcsub);
    return 0;
}

/* Does candidate a (of text mt[0..mtn)) rank before entry b? */
static int better(jisr_tm_ctx *c, const char *mt, size_t mtn, tm_top *a, tm_top *b, int *rc)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->check != b->check)
        return a->check < b->check;
    /* the keys are those of the text alone: a candidate with an entry's very text (a unit stored
     * twice, its near-duplicates) takes the entry's, computed once */
    if (a->csim < 0 && b->csim >= 0 && b->txt && b->tn == mtn && memcmp(b->txt, mt, mtn) == 0) {
        a->csim = b->csim;
        a->lcsub = b->lcsub;
    }
    if (a->csim < 0)
        a->csim = tm_char_keys(c, mt, mtn, &a->lcsub);
    if (b->csim < 0 && b->txt && b->tn == mtn && memcmp(b->txt, mt, mtn) == 0) {
        b->csim = a->csim;
        b->lcsub = a->lcsub;
    }
    if ((*rc = entry_csim(c, b)) < 0)
        return 0;
    if (a->csim != b->csim)
        return a->csim > b->csim;
    /* in a memory whose character search is on: the longer run shared with the query (Tajik
     * before Tibetan); 0 for both otherwise, the ranking of the word score alone unchanged */
    if (a->lcsub != b->lcsub)
        return a->lcsub > b->lcsub;
    if (a->changed != b->changed)
        return a->changed > b->changed;
    if (a->usage != b->usage)
        return a->usage > b->usage;
    if (a->sim != b->sim)
        return a->sim > b->sim;
    return a->id < b->id;
}

static int offer(jisr_tm_ctx *c, const char *mt, size_t mtn, tm_top *e)
{
    e->txt = mt;
    e->tn = mtn;
    size_t max = c->o->max_results;
    size_t pos = c->nbest;
    int rc = 0;
    while (pos > 0 && better(c, mt, mtn, e, &c->best[pos - 1], &rc))
        pos--;
    if (rc < 0)
        return rc;
    if (pos >= max)
        return 0;
    size_t n = c->nbest < max ? c->nbest + 1 : max;
    memmove(&c->best[pos + 1], &c->best[pos], (n - 1 - pos) * sizeof *c->best);
    c->best[pos] = *e;
    c->nbest = n;
    return 0;
}

static int rec_has_prop(const void *rec, const char *type, const char *value)
{
    return tm_rec_has_prop(rec, type, value);
}

/* the decision jisr_tm_unit_filter makes on a jisr_unit (unitfilter.c), on the stored record */
int tm_filter_ok(const jisr_tm_ctx *c)
{
    const jisr_tm_query_opts *o = c->o;
    if (!o->nprops && c->since == INT64_MIN) /* every scored unit comes here: no filter, no call */
        return 1;
    return tm_unit_filter_test(o->props, o->nprops, c->since, INT64_MAX, c->rec.changed,
                               c->rec.created, rec_has_prop, &c->rec);
}

/* ---- the order-aware filter ------------------------------------------------------------------
 * Every cheap pair of an alignment pairs a query heavy token with a unit token that has its key,
 * shares a signature with it (near words do), is a number like it or is one of its split parts;
 * and the pairs of an alignment keep the order of both texts. So the query heavy tokens that save
 * anything in any alignment are at most L, the longest common subsequence of the two under that
 * "could pair" relation — Lemma 4 with L for C, order taken into account. L comes from Hyyrö's
 * bit-parallel LCS over the query's heavy positions (multiword: a carry between the words), one
 * step per unit token. A join of two query words into one unit word pairs two query words with
 * one token, which an LCS counts once: the filter is not used for queries with joins. */

static uint64_t lcs_key_p(uint32_t sig)
{
    return (uint64_t)sig | ((uint64_t)1 << 62);
}

static uint64_t lcs_key_s(uint32_t sig)
{
    return (uint64_t)sig | ((uint64_t)2 << 62);
}

/* the mask row of key (creating it when add), or NULL */
static uint64_t *lcs_row(tm_lcs *l, uint64_t key, int add)
{
    if (!key)
        key = 1;
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ULL >> 32) & l->tabmask;
    while (l->tab[h].key) {
        if (l->tab[h].key == key)
            return l->masks + (size_t)l->tab[h].row * l->nw;
        h = (h + 1) & l->tabmask;
    }
    if (!add)
        return NULL;
    l->tab[h].key = key;
    l->tab[h].row = (uint32_t)l->nrows;
    uint64_t *r = l->masks + l->nrows++ * l->nw;
    memset(r, 0, l->nw * sizeof *r);
    return r;
}

int tm_lcs_prepare(jisr_tm_ctx *c)
{
    tm_lcs *l = &c->lcs;
    const tm_toks *q = &c->q;
    l->ready = 1;
    l->usable = q->nheavy > 0 && c->kcomp == c->ksplit; /* no joins */
    if (!l->usable)
        return 0;
    l->nw = (q->nheavy + 63) / 64;
    size_t keys = 3 * (size_t)q->nheavy + l->nsplit + 2, cap = 16;
    while (cap < 2 * keys)
        cap *= 2;
    if (jisr_grow((void **)&l->tab, &l->tabcap, cap, sizeof *l->tab) < 0 ||
        jisr_grow((void **)&l->masks, &l->maskcap, (keys + 1) * l->nw, sizeof *l->masks) < 0 ||
        jisr_grow((void **)&l->v, &l->vcap, l->nw, sizeof *l->v) < 0 ||
        jisr_grow((void **)&l->t, &l->tcap, l->nw, sizeof *l->t) < 0)
        return JISR_ENOMEM;
    memset(l->tab, 0, cap * sizeof *l->tab);
    l->tabmask = cap - 1;
    l->nrows = 1; /* row 0: the numbers */
    memset(l->masks, 0, l->nw * sizeof *l->masks);
    uint32_t *hpos = malloc((q->n + 1) * sizeof *hpos); /* token → heavy position */
    if (!hpos)
        return jisr_oom((q->n + 1) * sizeof *hpos);
    size_t hi = 0;
    for (size_t k = 0; k < q->n; k++) {
        const tm_tok *t = &q->v[k];
        hpos[k] = (uint32_t)hi;
        if (t->kind != TM_WORD && t->kind != TM_NUMBER)
            continue;
        uint64_t bit = (uint64_t)1 << (hi % 64);
        size_t w = hi / 64;
        if (t->kind == TM_NUMBER) {
            l->masks[w] |= bit;
        } else {
            lcs_row(l, t->hk, 1)[w] |= bit;
            if (t->sp) /* a near word shares one of these */
                lcs_row(l, lcs_key_p(t->sp), 1)[w] |= bit;
            if (t->ss)
                lcs_row(l, lcs_key_s(t->ss), 1)[w] |= bit;
        }
        hi++;
    }
    for (size_t k = 0; k < l->nsplit; k++) {
        size_t p = hpos[l->split[k].pos];
        lcs_row(l, l->split[k].key, 1)[p / 64] |= (uint64_t)1 << (p % 64);
    }
    free(hpos);
    return 0;
}

/* L: the most query heavy tokens that can save in an alignment with the tokens of m */
static size_t lcs_bound(jisr_tm_ctx *c, const tm_toks *m)
{
    tm_lcs *l = &c->lcs;
    size_t nw = l->nw, hq = c->q.nheavy;
    uint64_t *V = l->v, *M = l->t;
    for (size_t w = 0; w < nw; w++)
        V[w] = ~(uint64_t)0;
    for (size_t k = 0; k < m->n; k++) {
        const tm_tok *t = &m->v[k];
        if (t->kind != TM_WORD && t->kind != TM_NUMBER)
            continue;
        const uint64_t *r[4] = {NULL, NULL, NULL, NULL};
        if (t->kind == TM_NUMBER) {
            r[0] = l->masks;
        } else {
            r[0] = lcs_row(l, t->hk, 0);
            if (t->sp)
                r[1] = lcs_row(l, lcs_key_p(t->sp), 0);
            if (t->ss)
                r[2] = lcs_row(l, lcs_key_s(t->ss), 0);
        }
        int any = 0;
        for (size_t w = 0; w < nw; w++) {
            uint64_t x = 0;
            for (int z = 0; z < 3; z++)
                if (r[z])
                    x |= r[z][w];
            M[w] = x;
            any |= x != 0;
        }
        if (!any)
            continue;
        /* V = (V + (V & M)) | (V & ~M), the addition carried across the words */
        uint64_t carry = 0;
        for (size_t w = 0; w < nw; w++) {
            uint64_t u = V[w] & M[w], s1 = V[w] + u, s2 = s1 + carry;
            uint64_t nc = (s1 < V[w]) | (s2 < s1);
            V[w] = s2 | (V[w] & ~M[w]);
            carry = nc;
        }
    }
    size_t zeros = 0;
    for (size_t w = 0; w < nw; w++) {
        uint64_t v = V[w];
        if (w + 1 == nw && hq % 64)
            v |= ~(uint64_t)0 << (hq % 64); /* bits beyond the query count as ones */
        zeros += (size_t)__builtin_popcountll(~v);
    }
    return zeros;
}

/* The tokens of candidate id from an earlier pass of this query (*mt; NULL when not kept), or,
 * in a pass that a lower one may follow, tokenized into a kept slot (*mt). */
static int cached_toks(jisr_tm_ctx *c, uint32_t id, const tm_rvar *sv, tm_toks **mt)
{
    *mt = NULL;
    uint64_t tag = (uint64_t)c->qserial << 32 | id;
    if (!c->tc) {
        if (!c->pass_min) /* the last pass: nothing to keep */
            return 0;
        c->tc = calloc(TM_TCACHE, sizeof *c->tc);
        c->tctag = calloc(TM_TCACHE, sizeof *c->tctag);
        if (!c->tc || !c->tctag) {
            free(c->tc);
            free(c->tctag);
            c->tc = NULL;
            c->tctag = NULL;
            return 0; /* no room: tokenized as usual */
        }
    }
    size_t slot = id % TM_TCACHE;
    if (c->tctag[slot] == tag) {
        *mt = &c->tc[slot];
        return 0;
    }
    if (!c->pass_min)
        return 0;
    c->tctag[slot] = 0;
    int rc = tm_tokenize_rvar(&c->rec, sv, &c->tc[slot]);
    if (rc < 0)
        return rc;
    c->tctag[slot] = tag;
    *mt = &c->tc[slot];
    return 0;
}

const tm_toks *tm_kept_toks(const jisr_tm_ctx *c, uint32_t id)
{
    size_t slot = id % TM_TCACHE;
    if (!c->tc || c->tctag[slot] != ((uint64_t)c->qserial << 32 | id))
        return NULL;
    return &c->tc[slot];
}

/* The unit's tokens (*mt): kept from an earlier pass or into a kept slot (an indexed candidate,
 * cub set), else tokenized into the context's scratch c->m. */
static int unit_toks(jisr_tm_ctx *c, uint32_t id, const tm_rvar *sv, uint32_t cub, tm_toks **mt)
{
    int rc = cub != UINT32_MAX ? cached_toks(c, id, sv, mt) : (*mt = NULL, 0);
    if (rc == 0 && !*mt) {
        *mt = &c->m;
        rc = tm_tokenize_rvar(&c->rec, sv, *mt);
    }
    return rc;
}

/* maximum distance that still gives a score ≥ min against a unit of weight wm */
static uint32_t max_dist(int min, uint32_t wq, uint32_t wm)
{
    uint32_t w = wq > wm ? wq : wm;
    return (uint32_t)(((uint64_t)(100 - min) * w) / 100);
}

/* Variant si of the unit in c->rec (id) as the source, ti as the target: 1 and its entry in *out
 * when it reaches the bar, else 0 (or an error). cub: as for tm_score_rec. */
static int score_var(jisr_tm_ctx *c, uint32_t id, uint32_t cub, int si, int ti, tm_top *out)
{
    const tm_rvar *sv = &c->rec.var[si];
    if (c->codes_as_tags && sv->ntags < c->qtags.n) /* too few tags to hold the query's codes */
        return 0;
    /* once the top list is full, a unit must at least tie its last score (top-k pruning: the
     * results stay exactly those of scoring everything) */
    int min = tm_eff_min(c);
    uint32_t wq = c->q.w100, wm = sv->w100, w = wq > wm ? wq : wm;
    int rc = 0, cs = -1;
    tm_toks *mt = NULL;
    /* A short query's score is the larger of the word score and the unit's character score
     * (short.c). The filters below bound the word score only, and a unit of the word walk (cub
     * set) need not pass them for its character score: this pass's character search, after the
     * walk (tm_indexed), offers every unit whose character score reaches the bar then — at least
     * min, which only rises. So the walk computes the character score of the units the filters
     * keep, after them, and never tokenizes the others. */
    if (cub != UINT32_MAX) {
        /* exact filters on the stored lengths before tokenizing (docs/matching.md §4, §4.1); a
         * compound site of the query loosens Lemma 1 by 105 and lets a split save two of the
         * unit's words (and a hyphen) for one shared query word */
        uint32_t d = wq > wm ? wq - wm : wm - wq, slack = 105 * c->kcomp;
        d = d > slack ? d - slack : 0;
        if (100ull * d > (uint64_t)(100 - min) * w)
            return 0;
        uint32_t ks = cub < c->ksplit ? cub : c->ksplit;
        uint32_t hm = sv->nheavy > ks ? sv->nheavy - ks : 0;
        uint32_t nmax = c->q.nheavy > hm ? c->q.nheavy : hm;
        if (nmax > cub && 10000ull * (nmax - cub) > (uint64_t)(100 - min) * w)
            return 0;
        /* Lemma 4: what the cheap pairs can save, 100 per shared heavy token and 20 per light
         * token of the query that the unit can match, must reach min % of W */
        uint32_t lm = wm > TM_W_WORD * sv->nheavy ? (wm - TM_W_WORD * sv->nheavy) / TM_W_SMALL : 0;
        uint32_t lx = c->q.nlight < lm ? c->q.nlight : lm;
        uint64_t x = (uint64_t)TM_W_WORD * cub + 120ull * ks + (uint64_t)TM_W_SMALL * lx;
        if (100 * x < (uint64_t)min * w)
            return 0;
    }
    if ((rc = unit_toks(c, id, sv, cub, &mt)) < 0)
        return rc;
    if ((rc = ensure_row(c, mt->n)) < 0)
        return rc;
    if (cub != UINT32_MAX && c->lcs.usable) { /* Lemma 4 with the order-aware L (above) */
        uint32_t wm2 = mt->w100, ww = wq > wm2 ? wq : wm2, lm2 = mt->nlight;
        size_t L = lcs_bound(c, mt);
        uint32_t ks = (uint32_t)L < c->ksplit ? (uint32_t)L : c->ksplit;
        uint64_t x = (uint64_t)TM_W_WORD * L + 120ull * ks +
                     (uint64_t)TM_W_SMALL * (c->q.nlight < lm2 ? c->q.nlight : lm2);
        if (100 * x < (uint64_t)min * ww)
            return 0;
    }
    /* a short query: the unit's character score (short.c), which only the first variant of a
     * language has (the one whose characters the index holds) */
    if (c->sh.n && tm_rec_first_of_primary(&c->rec, (uint32_t)si))
        cs = tm_short_score(c, mt);
    c->scored++; /* units whose distance is computed */
    /* the candidate's compound sites, only where a query word is as long as the join */
    if ((rc = tm_joins_of(mt, c->qlens, &c->mj)) < 0)
        return rc;
    /* the whole distance when the character score reaches min (it ranks ties, §2) */
    uint32_t maxd = cs >= min ? UINT32_MAX - 1 : max_dist(min, wq, mt->w100);
    uint32_t d = tm_distance(c, &c->q, &c->qj, mt, &c->mj, maxd, c->row);
    if (d > maxd)
        return 0;
    int ident = d == 0 && trimmed_equal(c->text, c->tlen, sv->text.p, sv->text.n);
    int s = score_of(d, wq, mt->w100, ident);
    /* a tagged query and a unit differing only in their tags: 100 less the tag penalties below,
     * so one tag difference costs its one point (at most 99 all the same, not being identical) */
    int tags_only =
        !ident && d == 0 && c->has_qtags && same_but_tags(c->text, c->tlen, sv->text.p, sv->text.n);
    if (tags_only)
        s = 100;
    /* a short query and unit: the larger of the word score and the character score, case
     * counted (at most cs: marking case only splits equal symbols) */
    if (cs > s && (cs = tm_short_case_score(c, mt, sv->text.p, cs)) > s)
        s = cs;
    if (s < min)
        return 0;
    /* placeables (placeable.c): points off for tag differences and for numbers whose agreement
     * class changes; the final score is at most the raw one, so every filter above stays exact */
    tm_top e = {0};
    e.csim = -1;
    if (c->has_qtags) {
        if ((rc = tm_place_tags(&c->pl, &c->rec, sv, 0)) < 0)
            return rc;
        size_t diff;
        if (c->codes_as_tags) { /* as many code placeholders as the query has codes, or none */
            size_t nc = c->qtags.n, k;
            if (!tm_code_pairs(&c->pl.tl[0], &c->qtags, &k))
                return 0;
            diff = nc;
            /* a pair whose codes differ costs what a code substituted for another costs as
             * text (TM_C_NUMBER), in points over the length with the codes counted as the
             * words they are as text: so C scores as reading B does the other way round */
            if (k > 0)
                s -= code_sub_points(d, wq, mt->w100, nc, k);
        } else {
            /* a pair of code placeholders whose codes differ costs what a code substituted for
             * another costs as text, as in reading C (§2.3); one without a partner what its
             * code costs as text (ph_text_score); other tags' contents are not compared */
            tm_tag_cmp tc;
            diff = tm_tags_map(c->qtags.t, c->qtags.n, c->pl.tl[0].t, c->pl.tl[0].n, NULL, 0, NULL,
                               NULL, &tc);
            size_t qn = c->qtags.n, un = c->pl.tl[0].n, pairs = (qn + un - diff) / 2;
            size_t qc = ph_codes(c->qtags.t, qn), uc = ph_codes(c->pl.tl[0].t, un);
            if (qc > tc.codes || uc > tc.codes) {
                /* what may stand for such a code on the other side: a code written as text, or
                 * a tag left without a partner (a CAT tool writes the same bold as a <bpt> pair
                 * or as "{0}" … "{1}") */
                size_t oq = text_codes(&c->q) + (qn - pairs), om = text_codes(mt) + (un - pairs);
                size_t kq = qc - tc.codes > om ? qc - tc.codes - om : 0;
                size_t km = uc - tc.codes > oq ? uc - tc.codes - oq : 0;
                int st = kq || km ? ph_text_score(d, wq, mt->w100, kq, km) : s;
                s = st < s ? st : s;
            }
            if (tc.codes_differ > 0)
                s -= code_sub_points(d, wq, mt->w100, tc.codes, tc.codes_differ);
        }
        s -= (int)(JISR_TM_TAG_PENALTY * (diff < 100 ? diff : 100));
    } else if (sv->ntags) {
        /* a plain query: the unit's code placeholders that no code of the query's text stands
         * for count as the words their codes are as text (§2.3; its other tags weigh nothing) */
        if ((rc = tm_place_tags(&c->pl, &c->rec, sv, 0)) < 0)
            return rc;
        size_t uc = ph_codes(c->pl.tl[0].t, c->pl.tl[0].n), xq = uc ? text_codes(&c->q) : 0;
        if (uc > xq) {
            int st = ph_text_score(d, wq, mt->w100, 0, uc - xq);
            s = st < s ? st : s;
        }
    }
    if (c->q.nheavy > c->q.nwords) { /* the query has numbers */
        const tm_rvar *tv = &c->rec.var[ti];
        if ((rc = tm_match_numbers(&c->pl, c->text, &c->q, sv->text.p, mt, tv->text.p, tv->text.n,
                                   c->o->tgtlang, NULL, NULL, NULL)) < 0)
            return rc;
        if (c->pl.state == JISR_TM_NUMBERS_PLACED && c->pl.nchange) {
            s -= (int)(JISR_TM_AGREE_PENALTY * (c->pl.nchange < 50 ? c->pl.nchange : 50));
            e.check = 1;
        }
    }
    if (tags_only && s > 99)
        s = 99; /* tags moved, or their contents differ: not identical */
    if (s < 0)
        s = 0;
    if (s < min)
        return 0;
    uint32_t ww = wq > mt->w100 ? wq : mt->w100;
    e.score = s;
    e.sim = ww ? 1.0 - (double)d / ww : 1.0;
    e.changed = c->rec.changed != INT64_MIN ? c->rec.changed : c->rec.created;
    e.usage = c->rec.usage;
    e.id = id;
    e.si = (uint16_t)si;
    e.ti = (uint16_t)ti;
    e.txt = sv->text.p;
    e.tn = sv->text.n;
    *out = e;
    return 1;
}

int tm_score_rec(jisr_tm_ctx *c, uint32_t id, uint32_t cub)
{
    int si = tm_rec_find(&c->rec, c->o->srclang);
    if (si < 0 || !tm_filter_ok(c))
        return 0;
    /* a unit with two variants of the source's language (en-US and en-GB) is in the index under
     * both, so a walk may come to it twice: it is scored whole the first time (every variant, no
     * filter on cub, which counts the terms of both) and skipped once listed */
    int multi = c->rec.nvar > 2 && tm_rec_nprimary(&c->rec, c->o->srclang) > 1; /* 2: one each */
    for (size_t k = 0; (c->repass || multi) && k < c->nbest; k++)               /* listed already */
        if (c->best[k].id == id)
            return 0;
    tm_top e, top;
    int rc, have = 0;
    if (!multi) {
        int ti = tm_rec_target(&c->rec, c->o->tgtlang, si);
        if (ti < 0)
            return 0;
        rc = score_var(c, id, cub, si, ti, &e);
        return rc > 0 ? offer(c, e.txt, e.tn, &e) : rc;
    }
    /* the best-scoring source variant counts (ranked as the top list ranks: on a tie the first) */
    for (; si >= 0; si = tm_rec_find_from(&c->rec, c->o->srclang, si + 1)) {
        int ti = tm_rec_target(&c->rec, c->o->tgtlang, si);
        if (ti < 0)
            continue;
        int got = score_var(c, id, UINT32_MAX, si, ti, &e);
        if (got <= 0) {
            if (got < 0)
                return got;
            continue;
        }
        rc = 0;
        if (!have || better(c, e.txt, e.tn, &e, &top, &rc)) {
            top = e;
            have = 1;
        }
        if (rc < 0)
            return rc;
    }
    return have ? offer(c, top.txt, top.tn, &top) : 0;
}
/* The score a unit must reach to change the result: min, or, once the top list is full, the
 * score of its last entry (a unit that ties it may still enter by similarity or id, one below
 * it cannot). It only grows during a query, and every filter below is monotone in it, so using
 * it instead of min drops only units that could not have entered the list (matching.md §4). */
int tm_eff_min(const jisr_tm_ctx *c)
{
    int min = c->o->min_score > c->pass_min ? c->o->min_score : c->pass_min;
    if (c->nbest == c->o->max_results && c->best[c->nbest - 1].score > min)
        min = c->best[c->nbest - 1].score;
    return min;
}

int jisr_tm_score_texts(const char *a, const char *b, int *score)
{
    tm_toks x = {0}, y = {0};
    uint32_t *row = NULL;
    tm_joins jx = {0}, jy = {0};
    if (!a || !b || !score)
        return tm_null_arg("jisr_tm_score_texts", !a ? "a" : !b ? "b" : "score");
    int rc = tm_tokenize(a, strlen(a), &x);
    if (rc == 0)
        rc = tm_tokenize(b, strlen(b), &y);
    if (rc == 0)
        rc = tm_joins_of(&x, ~(uint64_t)0, &jx);
    if (rc == 0)
        rc = tm_joins_of(&y, ~(uint64_t)0, &jy);
    if (rc == 0 && !(row = malloc(4 * (y.n + 1) * sizeof *row)))
        rc = jisr_oom(4 * (y.n + 1) * sizeof *row);
    if (rc == 0) {
        uint32_t d = tm_distance(NULL, &x, &jx, &y, &jy, UINT32_MAX - 1, row);
        *score = score_of(d, x.w100, y.w100, d == 0 && trimmed_equal(a, strlen(a), b, strlen(b)));
    }
    free(row);
    free(jx.j2);
    free(jx.j3);
    free(jy.j2);
    free(jy.j3);
    tm_toks_free(&x);
    tm_toks_free(&y);
    return rc;
}

int tm_late(jisr_tm_ctx *c)
{
    if (!c->late && c->deadline > 0 && jisr_now() > c->deadline)
        c->late = 1;
    return c->late;
}
