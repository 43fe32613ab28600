/*
 * near.c — near words: what substituting one word for another costs when their keys differ
 * (docs/matching.md §2.1, §4.2).
 *
 * A word that differs at all used to cost a whole word, so "Metrics" against "Metric", or
 * "Albanian" against "Albania", counted as much as two unrelated words. Now two words are *near*
 * when their keys (normalised, proclitics stripped) share a signature — their first three or
 * their last three code points, or the whole key when shorter — and their Levenshtein distance
 * over code points is at most TM_NEAR_NUM/TM_NEAR_DEN of the longer key (for keys shorter than
 * TM_NEAR_SHORT code points, only when one extends the other: File/Files, Save/Saved, but not
 * them/then or unto/into, which are other words); a near substitution
 * costs ⌈100 · distance / longer length⌉, at least TM_C_NEAR_MIN. Anything else costs a word.
 *
 * Why the signatures: the near relation must be findable through an index, or the matcher could
 * only be exact by scoring every unit. Two near keys share a signature by definition, so the
 * vocabulary filed under signatures (the "vocab" database: vocab.c) lists every near word of a
 * query word among the keys of its two signatures. The relation depends on the two keys alone,
 * so the oracle (--exhaustive) and the index agree by construction. Keys longer than
 * TM_NEAR_MAXCP code points are never near anything (their distance would cost more than the
 * lookup saves, and LMDB's duplicate values are bounded).
 *
 * The distance is Myers' bit-parallel Levenshtein in one machine word (keys have at most 48 code
 * points), with the query word prepared once (tm_nearq) for the hundreds of vocabulary words a
 * lookup compares it with; the value is that of the plain dynamic programme.
 */
#include <string.h>

#include "tm/match_int.h"

/* the byte length of the first k code points of s[0..n) (all of s when it has fewer) */
static size_t head_bytes(const unsigned char *s, size_t n, size_t k)
{
    size_t i = 0;
    while (i < n && k) {
        i++;
        while (i < n && (s[i] & 0xC0) == 0x80)
            i++;
        k--;
    }
    return i;
}

/* the byte offset of the last k code points of s[0..n) (0 when it has fewer) */
static size_t tail_start(const unsigned char *s, size_t n, size_t k)
{
    size_t i = n;
    while (i > 0 && k) {
        i--;
        while (i > 0 && (s[i] & 0xC0) == 0x80)
            i--;
        k--;
    }
    return i;
}

void tm_key_sigs(const char *key, size_t n, tm_sig *p, tm_sig *s)
{
    const unsigned char *k = (const unsigned char *)key;
    p->n = (uint32_t)head_bytes(k, n, 3);
    p->off = 0;
    s->off = (uint32_t)tail_start(k, n, 3);
    s->n = (uint32_t)(n - s->off);
    p->h = (uint32_t)tm_hash(k, p->n, 0x70726566ULL);
    s->h = (uint32_t)tm_hash(k + s->off, s->n, 0x70726566ULL); /* one namespace: "abc" is both */
}

/* code points of s[0..n) into out (at most max; returns the count, or max + 1 when longer) */
static size_t cps(const unsigned char *s, size_t n, uint32_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (k == max)
            return max + 1;
        unsigned c = s[i];
        size_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + l > n)
            l = 1;
        uint32_t cp = c;
        if (l == 2)
            cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
        else if (l == 3)
            cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
        else if (l == 4)
            cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
                 (s[i + 3] & 0x3Fu);
        out[k++] = cp;
        i += l;
    }
    return k;
}

void tm_nearq_init(tm_nearq *q, const char *a, size_t an)
{
    const unsigned char *x = (const unsigned char *)a;
    q->k = x;
    q->n = an;
    q->pa = head_bytes(x, an, 3);
    q->sa = tail_start(x, an, 3);
    q->la = cps(x, an, q->A, TM_NEAR_MAXCP);
    q->ncp = 0;
    q->tab = 0;
    for (size_t i = 0; i < q->la && q->la <= TM_NEAR_MAXCP; i++) {
        size_t j = 0;
        while (j < q->ncp && q->cp[j] != q->A[i])
            j++;
        if (j == q->ncp) {
            q->cp[q->ncp] = q->A[i];
            q->eq[q->ncp++] = 0;
        }
        q->eq[j] |= (uint64_t)1 << i;
    }
}

void tm_nearq_init_tab(tm_nearq *q, const char *a, size_t an)
{
    tm_nearq_init(q, a, an);
    memset(q->asc, 0, sizeof q->asc);
    memset(q->ar, 0, sizeof q->ar);
    for (size_t k = 0; k < q->ncp; k++) {
        if (q->cp[k] < 128)
            q->asc[q->cp[k]] = q->eq[k];
        else if (q->cp[k] - 0x600u < 256)
            q->ar[q->cp[k] - 0x600u] = q->eq[k];
    }
    q->tab = 1;
}

/* Levenshtein distance of q's code points (1 to 63 of them) against B[0..lb): Myers' bit-parallel
 * algorithm in one machine word (Hyyrö's form, the top row counting up: D[0][j] = j) */
static size_t near_myers(const tm_nearq *q, const uint32_t *B, size_t lb)
{
    size_t m = q->la, score = m;
    uint64_t P = ~(uint64_t)0, M = 0, last = (uint64_t)1 << (m - 1);
    for (size_t j = 0; j < lb; j++) {
        uint64_t Eq = 0;
        if (q->tab && B[j] < 128)
            Eq = q->asc[B[j]];
        else if (q->tab && B[j] - 0x600u < 256)
            Eq = q->ar[B[j] - 0x600u];
        else
            for (size_t k = 0; k < q->ncp; k++)
                if (q->cp[k] == B[j]) {
                    Eq = q->eq[k];
                    break;
                }
        tm_myers_step(Eq, &P, &M, last, &score);
    }
    return score;
}

uint32_t tm_near_cost_q(const tm_nearq *q, const char *b, size_t bn)
{
    const unsigned char *x = q->k, *y = (const unsigned char *)b;
    size_t an = q->n;
    /* a shared signature, byte for byte */
    size_t pa = q->pa, pb = head_bytes(y, bn, 3);
    size_t sa = q->sa, sb = tail_start(y, bn, 3);
    int share = (pa == pb && memcmp(x, y, pa) == 0) ||
                (an - sa == bn - sb && memcmp(x + sa, y + sb, an - sa) == 0);
    if (!share)
        return TM_BIG;
    uint32_t B[TM_NEAR_MAXCP];
    const uint32_t *A = q->A;
    size_t la = q->la, lb = cps(y, bn, B, TM_NEAR_MAXCP);
    if (la > TM_NEAR_MAXCP || lb > TM_NEAR_MAXCP || la < TM_NEAR_MINCP || lb < TM_NEAR_MINCP)
        return TM_BIG;
    size_t mx = la > lb ? la : lb;
    size_t maxd = (mx * TM_NEAR_NUM) / TM_NEAR_DEN;
    if (mx < TM_NEAR_SHORT) { /* short words: only one that extends the other (File/Files) */
        size_t mn = la < lb ? la : lb;
        if (memcmp(A, B, mn * sizeof *A) != 0 || mx - mn > maxd)
            return TM_BIG;
        uint32_t c = (uint32_t)((100 * (mx - mn) + mx - 1) / mx);
        return c < TM_C_NEAR_MIN ? TM_C_NEAR_MIN : c;
    }
    if ((la > lb ? la - lb : lb - la) > maxd)
        return TM_BIG;
    size_t d = near_myers(q, B, lb);
    if (d > maxd || d == 0) /* d == 0: the same key (the caller compares hashes first) */
        return d ? TM_BIG : TM_C_NEAR_MIN;
    uint32_t c = (uint32_t)((100 * d + mx - 1) / mx);
    return c < TM_C_NEAR_MIN ? TM_C_NEAR_MIN : c;
}

uint32_t tm_near_cost(const char *a, size_t an, const char *b, size_t bn)
{
    tm_nearq q;
    tm_nearq_init(&q, a, an);
    return tm_near_cost_q(&q, b, bn);
}
