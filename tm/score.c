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
#include "util/utf8.h"

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

/* ---- ranking ------------------------------------------------------------------------------ */

static int grow_u32(uint32_t **v, size_t *cap, size_t n)
{
    return jisr_grow((void **)v, cap, n, sizeof **v);
}

/* the code points of t's normalised forms joined by spaces (tags left out) into *out */
static int norm_cps(const tm_toks *t, uint32_t **out, size_t *cap, size_t *n)
{
    *n = 0;
    int rc = grow_u32(out, cap, t->nb.len + t->n + 1);
    if (rc < 0)
        return rc;
    const unsigned char *nb = (const unsigned char *)t->nb.data;
    for (size_t k = 0; k < t->n; k++) {
        const tm_tok *x = &t->v[k];
        if (x->kind == TM_TAG)
            continue;
        if (*n)
            (*out)[(*n)++] = ' ';
        for (size_t i = x->no; i < x->no + x->nl;) {
            size_t len;
            int32_t cp = jisr_utf8_decode(nb, x->no + x->nl, i, &len);
            (*out)[(*n)++] = cp < 0 ? 0xFFFD : (uint32_t)cp;
            i += len;
        }
    }
    return 0;
}

double tm_char_sim(jisr_tm_ctx *c, const tm_toks *a, const tm_toks *b)
{
    size_t la, lb;
    if (norm_cps(a, &c->ca, &c->cacap, &la) < 0 || norm_cps(b, &c->cb, &c->cbcap, &lb) < 0)
        return 0; /* out of memory: the tie falls to the next keys */
    size_t mx = la > lb ? la : lb;
    if (!mx)
        return 1;
    if (grow_u32(&c->crow, &c->crowcap, 2 * (lb + 1)) < 0)
        return 0;
    uint32_t *prev = c->crow, *cur = c->crow + lb + 1;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (uint32_t)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (uint32_t)i;
        uint32_t ai = c->ca[i - 1];
        for (size_t j = 1; j <= lb; j++) {
            uint32_t v = prev[j - 1] + (ai != c->cb[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
        }
        uint32_t *t = prev;
        prev = cur;
        cur = t;
    }
    return 1.0 - (double)prev[lb] / (double)mx;
}

/* the character similarity of a listed entry, its source fetched and tokenized again */
static int entry_csim(jisr_tm_ctx *c, tm_top *e)
{
    if (e->csim >= 0)
        return 0;
    unsigned int id = e->id;
    MDB_val uk = {sizeof id, &id}, ud;
    if (!tm_get(&c->t, c->tm->units, &uk, &ud, "reading a unit"))
        return c->t.rc ? c->t.rc : tm_txn_corrupt(&c->t, "reading a unit");
    int rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec2);
    if (rc < 0)
        return rc;
    int si = tm_rec_find(&c->rec2, c->o->srclang);
    if (si < 0)
        return tm_txn_corrupt(&c->t, "reading a unit");
    if ((rc = tm_tokenize(c->rec2.var[si].text.p, c->rec2.var[si].text.n, &c->m2)) < 0)
        return rc;
    e->csim = tm_char_sim(c, &c->q, &c->m2);
    return 0;
}

/* Does candidate a (whose tokens are c->m) rank before entry b? */
static int better(jisr_tm_ctx *c, tm_top *a, tm_top *b, int *rc)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->check != b->check)
        return a->check < b->check;
    if (a->csim < 0)
        a->csim = tm_char_sim(c, &c->q, &c->m);
    if ((*rc = entry_csim(c, b)) < 0)
        return 0;
    if (a->csim != b->csim)
        return a->csim > b->csim;
    if (a->changed != b->changed)
        return a->changed > b->changed;
    if (a->usage != b->usage)
        return a->usage > b->usage;
    if (a->sim != b->sim)
        return a->sim > b->sim;
    return a->id < b->id;
}

static int offer(jisr_tm_ctx *c, tm_top *e)
{
    size_t max = c->o->max_results;
    size_t pos = c->nbest;
    int rc = 0;
    while (pos > 0 && better(c, e, &c->best[pos - 1], &rc))
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

int tm_filter_ok(const jisr_tm_ctx *c)
{
    const jisr_tm_query_opts *o = c->o;
    if (c->since != INT64_MIN) {
        int64_t t = c->rec.changed != INT64_MIN ? c->rec.changed : c->rec.created;
        if (t == INT64_MIN || t < c->since)
            return 0;
    }
    for (size_t i = 0; i < o->nprops; i++) {
        const char *type = o->props[i].type ? o->props[i].type : "";
        int first = 1;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(o->props[k].type ? o->props[k].type : "", type) != 0;
        if (!first) /* the values of one type were tried together */
            continue;
        int ok = 0;
        for (size_t j = i; j < o->nprops && !ok; j++)
            if (strcmp(o->props[j].type ? o->props[j].type : "", type) == 0)
                ok = tm_rec_has_prop(&c->rec, type, o->props[j].value ? o->props[j].value : "");
        if (!ok)
            return 0;
    }
    return 1;
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
    if (si < 0 || ti < 0 || si == ti || !tm_filter_ok(c))
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
        /* Lemma 4: what the cheap pairs can save, 100 per shared heavy token and 20 per light
         * token of the query that the unit can match, must reach min % of W */
        uint32_t lm = wm > TM_W_WORD * sv->nheavy ? (wm - TM_W_WORD * sv->nheavy) / TM_W_SMALL : 0;
        uint32_t lx = c->q.nlight < lm ? c->q.nlight : lm;
        uint64_t x = (uint64_t)TM_W_WORD * cub + (uint64_t)TM_W_SMALL * lx;
        if (100 * x < (uint64_t)min * w)
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
    /* placeables (placeable.c): points off for tag differences and for numbers whose agreement
     * class changes; the final score is at most the raw one, so every filter above stays exact */
    tm_top e = {0};
    e.csim = -1;
    if (c->has_qtags) {
        if ((rc = tm_place_tags(&c->pl, &c->rec, sv, 0)) < 0)
            return rc;
        size_t diff =
            tm_tags_map(c->qtags.t, c->qtags.n, c->pl.tl[0].t, c->pl.tl[0].n, NULL, 0, NULL, NULL);
        s -= (int)(JISR_TM_TAG_PENALTY * (diff < 100 ? diff : 100));
    }
    if (c->q.nheavy > c->q.nwords) { /* the query has numbers */
        const tm_rvar *tv = &c->rec.var[ti];
        if ((rc = tm_match_numbers(&c->pl, c->text, &c->q, sv->text.p, &c->m, tv->text.p,
                                   tv->text.n, c->o->tgtlang, NULL, NULL, NULL)) < 0)
            return rc;
        if (c->pl.state == JISR_TM_NUMBERS_PLACED && c->pl.nchange) {
            s -= (int)(JISR_TM_AGREE_PENALTY * (c->pl.nchange < 50 ? c->pl.nchange : 50));
            e.check = 1;
        }
    }
    if (s < 0)
        s = 0;
    if (s < min)
        return 0;
    uint32_t ww = wq > c->m.w100 ? wq : c->m.w100;
    e.score = s;
    e.sim = ww ? 1.0 - (double)d / ww : 1.0;
    e.changed = c->rec.changed != INT64_MIN ? c->rec.changed : c->rec.created;
    e.usage = c->rec.usage;
    e.id = id;
    return offer(c, &e);
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
