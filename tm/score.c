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

/* Weighted edit distance with a cut-off: returns a value > maxd as soon as no alignment can
 * stay within maxd (every path crosses every row, so a row minimum is a lower bound), or when
 * the query's deadline passes (checked every 64 rows: only long texts get there). */
static uint32_t distance(jisr_tm_ctx *c, const tm_tok *q, size_t n, const tm_tok *m, size_t mn,
                         uint32_t maxd, uint32_t *row)
{
    uint32_t *prev = row, *cur = row + mn + 1;
    prev[0] = 0;
    for (size_t j = 1; j <= mn; j++)
        prev[j] = prev[j - 1] + tm_tok_w(&m[j - 1]);
    for (size_t i = 1; i <= n; i++) {
        uint32_t wq = tm_tok_w(&q[i - 1]);
        cur[0] = prev[0] + wq;
        uint32_t rmin = cur[0];
        for (size_t j = 1; j <= mn; j++) {
            uint32_t a = prev[j - 1] + tm_sub_cost(&q[i - 1], &m[j - 1]);
            uint32_t b = prev[j] + wq;
            uint32_t cc = cur[j - 1] + tm_tok_w(&m[j - 1]);
            uint32_t v = a < b ? a : b;
            v = v < cc ? v : cc;
            cur[j] = v;
            if (v < rmin)
                rmin = v;
        }
        if (rmin > maxd || ((i & 63) == 0 && c && tm_late(c)))
            return maxd + 1;
        uint32_t *t = prev;
        prev = cur;
        cur = t;
    }
    return prev[mn];
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

static int ensure_row(jisr_tm_ctx *c, size_t mn)
{
    return JISR_GROW(c->row, c->rowcap, 2 * (mn + 1) + 64);
}

static void offer(jisr_tm_ctx *c, int score, double sim, uint32_t id)
{
    size_t max = c->o->max_results;
    size_t pos = c->nbest;
    while (pos > 0) {
        const tm_top *t = &c->best[pos - 1];
        int better = score > t->score || (score == t->score && sim > t->sim) ||
                     (score == t->score && sim == t->sim && id < t->id);
        if (!better)
            break;
        pos--;
    }
    if (pos >= max)
        return;
    size_t n = c->nbest < max ? c->nbest + 1 : max;
    memmove(&c->best[pos + 1], &c->best[pos], (n - 1 - pos) * sizeof *c->best);
    c->best[pos].score = score;
    c->best[pos].sim = sim;
    c->best[pos].id = id;
    c->nbest = n;
}

/* maximum distance that still gives a score ≥ min against a unit of weight wm */
static uint32_t max_dist(int min, uint32_t wq, uint32_t wm)
{
    uint32_t w = wq > wm ? wq : wm;
    return (uint32_t)(((uint64_t)(100 - min) * w) / 100);
}

int tm_score_rec(jisr_tm_ctx *c, uint32_t id, uint32_t cub)
{
    int si = tm_rec_find(&c->rec, c->o->srclang);
    int ti = tm_rec_find(&c->rec, c->o->tgtlang);
    if (si < 0 || ti < 0 || si == ti)
        return 0;
    const tm_rvar *sv = &c->rec.var[si];
    /* once the top list is full, a unit must at least tie its last score (top-k pruning: the
     * results stay exactly those of scoring everything) */
    int min = tm_eff_min(c);
    uint32_t wq = c->q.w100, wm = sv->w100, w = wq > wm ? wq : wm;
    if (cub != UINT32_MAX) {
        /* exact filters on the stored lengths before tokenizing (docs/matching.md) */
        uint32_t d = wq > wm ? wq - wm : wm - wq;
        if (100ull * d > (uint64_t)(100 - min) * w)
            return 0;
        uint32_t nmax = c->q.nheavy > sv->nheavy ? c->q.nheavy : sv->nheavy;
        if (nmax > cub && 10000ull * (nmax - cub) > (uint64_t)(100 - min) * w)
            return 0;
    }
    int rc = tm_tokenize(sv->text.p, sv->text.n, &c->m);
    if (rc < 0)
        return rc;
    if ((rc = ensure_row(c, c->m.n)) < 0)
        return rc;
    c->scored++;
    uint32_t maxd = max_dist(min, wq, c->m.w100);
    uint32_t d = distance(c, c->q.v, c->q.n, c->m.v, c->m.n, maxd, c->row);
    if (d > maxd)
        return 0;
    int ident = d == 0 && trimmed_equal(c->text, c->tlen, sv->text.p, sv->text.n);
    int s = score_of(d, wq, c->m.w100, ident);
    if (s < min)
        return 0;
    uint32_t ww = wq > c->m.w100 ? wq : c->m.w100;
    offer(c, s, ww ? 1.0 - (double)d / ww : 1.0, id);
    return 0;
}
/* The score a unit must reach to change the result: min, or, once the top list is full, the
 * score of its last entry (a unit that ties it may still enter by similarity or id, one below
 * it cannot). It only grows during a query, and every filter below is monotone in it, so using
 * it instead of min drops only units that could not have entered the list (matching.md §4). */
int tm_eff_min(const jisr_tm_ctx *c)
{
    int min = c->o->min_score;
    if (c->nbest == c->o->max_results && c->best[c->nbest - 1].score > min)
        min = c->best[c->nbest - 1].score;
    return min;
}

int jisr_tm_score_texts(const char *a, const char *b, int *score)
{
    tm_toks x = {0}, y = {0};
    uint32_t *row = NULL;
    int rc = tm_tokenize(a, strlen(a), &x);
    if (rc == 0)
        rc = tm_tokenize(b, strlen(b), &y);
    if (rc == 0 && !(row = malloc(2 * (y.n + 1) * sizeof *row)))
        rc = jisr_oom(2 * (y.n + 1) * sizeof *row);
    if (rc == 0) {
        uint32_t d = distance(NULL, x.v, x.n, y.v, y.n, UINT32_MAX - 1, row);
        *score = score_of(d, x.w100, y.w100, d == 0 && trimmed_equal(a, strlen(a), b, strlen(b)));
    }
    free(row);
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
