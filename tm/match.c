/*
 * match.c — fuzzy matching: the token-level weighted edit distance, candidate generation from
 * the inverted index with filters that cannot drop a match ≥ min, exhaustive scoring (the
 * oracle), number placeables and the word diff shown to the user.
 *
 * Score: D = weighted Levenshtein distance between the query's and the source's token sequences
 * (costs in tm_int.h), W = the larger of the two weighted lengths, score = floor(100·(W − D)/W),
 * capped at 99 unless the texts are identical. Filters (proved in docs/matching.md):
 *   length  100·|Wq − Wm| ≤ (100 − min)·max(Wq, Wm)     → index buckets [min·Wq/100, 100·Wq/min]
 *   count   10000·(max(Hq, Hm) − C) ≤ (100 − min)·max(Wq, Wm), H = words + numbers,
 *           C = heavy tokens shared (words by key, numbers as one class: indexed by count)
 * so within a length bucket whose largest length is Wb a unit can only match if it shares at
 * least minC = Hq − ⌊(100−min)·max(Wq, Wb) / 10000⌋ heavy tokens with the query; by the
 * pigeonhole principle it then contains one of any set of terms whose counts add up to more than
 * Hq − minC (prefix filtering; the set with the fewest ids is chosen). Candidates come from those
 * terms' postings, bucket by bucket; the other terms' postings tighten each candidate's upper
 * bound on C until few are left, and every survivor is scored exactly. Once the top list is
 * full, min is raised to its last score in all of the above (Lemma 3): a unit below it cannot
 * enter the list, and buckets nearest the query's length come first so that this happens early.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "tm/tm_int.h"

#define BIG 100
#define PREFETCH 16 /* ids ahead whose counter is prefetched (GCC and Clang) */
#if defined(__GNUC__)
#define ACC_PREFETCH(p) __builtin_prefetch(p)
#else
#define ACC_PREFETCH(p) ((void)0)
#endif
/* Costs measured on a 1M-unit memory (bench_tm), in ids decoded and checked: fetching and
 * checking a candidate costs ~75, scoring one ~130. Verification reads a term while its list
 * is at most VERIFY_RATIO ids per survivor (32 beat 16 and 64 there); a bucket after the first
 * walks PREFIX_SLACK more term counts than the prefix needs, to leave the prefix a choice. */
#define VERIFY_RATIO 32
#define PREFIX_SLACK 2 /* cost of anything involving a word or number that is not a near-match */

static inline uint32_t tok_w(const tm_tok *t)
{
    return (t->kind == TM_WORD || t->kind == TM_NUMBER) ? TM_W_WORD : TM_W_SMALL;
}

static inline uint32_t sub_cost(const tm_tok *a, const tm_tok *b)
{
    if (a->kind != b->kind) {
        uint32_t wa = tok_w(a), wb = tok_w(b);
        return wa > wb ? wa : wb;
    }
    if (a->hs == b->hs)
        return 0;
    if (a->hn == b->hn)
        return TM_C_NORM;
    switch (a->kind) {
    case TM_WORD:
        return a->hk == b->hk ? TM_C_CLITIC : BIG;
    case TM_NUMBER:
        return TM_C_NUMBER;
    case TM_PUNCT:
        return TM_C_PUNCT;
    default:
        return TM_C_TAG;
    }
}

/* Weighted edit distance with a cut-off: returns a value > maxd as soon as no alignment can
 * stay within maxd (every path crosses every row, so a row minimum is a lower bound). */
static uint32_t distance(const tm_tok *q, size_t n, const tm_tok *m, size_t mn, uint32_t maxd,
                         uint32_t *row)
{
    uint32_t *prev = row, *cur = row + mn + 1;
    prev[0] = 0;
    for (size_t j = 1; j <= mn; j++)
        prev[j] = prev[j - 1] + tok_w(&m[j - 1]);
    for (size_t i = 1; i <= n; i++) {
        uint32_t wq = tok_w(&q[i - 1]);
        cur[0] = prev[0] + wq;
        uint32_t rmin = cur[0];
        for (size_t j = 1; j <= mn; j++) {
            uint32_t a = prev[j - 1] + sub_cost(&q[i - 1], &m[j - 1]);
            uint32_t b = prev[j] + wq;
            uint32_t c = cur[j - 1] + tok_w(&m[j - 1]);
            uint32_t v = a < b ? a : b;
            v = v < c ? v : c;
            cur[j] = v;
            if (v < rmin)
                rmin = v;
        }
        if (rmin > maxd)
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

/* ---- postings --------------------------------------------------------------------------- */

/* tm_get_varint for the deltas of a chunk, inlined since they are decoded by the million; a
 * delta needs at most 5 bytes (ids are 32-bit), so a longer one is corruption */
static inline const unsigned char *get_delta(const unsigned char *p, const unsigned char *end,
                                             uint32_t *d)
{
    uint32_t x = 0;
    for (unsigned shift = 0; p < end && shift < 35; shift += 7) {
        unsigned c = *p++;
        x |= (uint32_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *d = x;
            return p;
        }
    }
    return NULL;
}

int tm_post_decode(const MDB_val *k, const MDB_val *v, uint32_t **ids, size_t *n, size_t *cap)
{
    const unsigned char *p = v->mv_data, *end = p + v->mv_size;
    uint64_t cnt;
    uint32_t d, id = (uint32_t)jisr_be_get((const unsigned char *)k->mv_data + 8, 4);
    p = tm_get_varint(p, end, &cnt);
    if (!p || cnt == 0 || cnt > v->mv_size * 8)
        return jisr_error_set(JISR_EDB, NULL, 0, 0, "corrupt index chunk");
    if (*n + cnt > *cap) {
        size_t c = *cap ? *cap : 256;
        while (c < *n + cnt)
            c *= 2;
        uint32_t *nv = realloc(*ids, c * sizeof *nv);
        if (!nv)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        *ids = nv;
        *cap = c;
    }
    uint32_t *out = *ids + *n;
    *out++ = id;
    for (uint64_t i = 1; i < cnt; i++) {
        if (!(p = get_delta(p, end, &d)))
            return jisr_error_set(JISR_EDB, NULL, 0, 0, "corrupt index chunk");
        id += d;
        *out++ = id;
    }
    *n += cnt;
    return 0;
}

typedef struct qterm {
    uint64_t hk;
    uint32_t cq;   /* occurrences in the query */
    uint64_t df;   /* ids in the bucket being read */
    size_t c0, nc; /* its chunks of that bucket in the shared chunk array */
    uint64_t est;  /* df in the last bucket that read its chunks (order of the next buckets) */
    int in_s;      /* chosen for the prefix (choose_prefix) */
} qterm;

typedef struct top {
    int score;
    double sim;
    uint32_t id;
} top;

/* scratch of one query */
typedef struct qctx {
    jisr_tm *tm;
    MDB_txn *txn;
    const jisr_tm_query_opts *o;
    const char *text;
    size_t tlen;
    tm_toks q, m;
    uint32_t *row;
    size_t rowcap;
    top *best;
    size_t nbest;
    uint64_t scored;
    tm_rec rec;
} qctx;

static int ensure_row(qctx *c, size_t mn)
{
    if (2 * (mn + 1) <= c->rowcap)
        return 0;
    size_t cap = 2 * (mn + 1) + 64;
    uint32_t *r = realloc(c->row, cap * sizeof *r);
    if (!r)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    c->row = r;
    c->rowcap = cap;
    return 0;
}

static void offer(qctx *c, int score, double sim, uint32_t id)
{
    size_t max = c->o->max_results;
    size_t pos = c->nbest;
    while (pos > 0) {
        const top *t = &c->best[pos - 1];
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

/* Score one record (already decoded in c->rec) against the query. */
static int score_rec(qctx *c, uint32_t id, uint32_t cub)
{
    int si = tm_rec_find(&c->rec, c->o->srclang);
    int ti = tm_rec_find(&c->rec, c->o->tgtlang);
    if (si < 0 || ti < 0 || si == ti)
        return 0;
    const tm_rvar *sv = &c->rec.var[si];
    /* once the top list is full, a unit must at least tie its last score (top-k pruning: the
     * results stay exactly those of scoring everything) */
    int min = c->o->min_score;
    if (c->nbest == c->o->max_results && c->best[c->nbest - 1].score > min)
        min = c->best[c->nbest - 1].score;
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
    uint32_t d = distance(c->q.v, c->q.n, c->m.v, c->m.n, maxd, c->row);
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

static int scan_all(qctx *c)
{
    MDB_cursor *cur;
    MDB_val k, d;
    int rc = mdb_cursor_open(c->txn, c->tm->units, &cur);
    if (rc)
        return tm_db_error(rc, "scanning the units");
    for (rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
        unsigned int id;
        memcpy(&id, k.mv_data, sizeof id);
        int r2 = tm_rec_decode(d.mv_data, d.mv_size, &c->rec);
        if (r2 == 0)
            r2 = score_rec(c, id, UINT32_MAX);
        if (r2 < 0) {
            mdb_cursor_close(cur);
            return r2;
        }
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : tm_db_error(rc, "scanning the units");
}

static int cmp_qterm(const void *a, const void *b)
{
    const qterm *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? -1 : 1;
    return x->hk < y->hk ? -1 : x->hk > y->hk;
}

static int cmp_qterm_est(const void *a, const void *b)
{
    const qterm *x = a, *y = b;
    if (x->est != y->est)
        return x->est < y->est ? -1 : 1;
    return x->hk < y->hk ? -1 : x->hk > y->hk;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Collect the chunks of one term in buckets lo..hi (contiguous keys: same upper 56 bits). */
int tm_term_chunks(MDB_cursor *cur, uint64_t pkey_lo, unsigned hi, tm_chunk **ch, size_t *n,
                   size_t *cap, uint64_t *df)
{
    unsigned char key[12];
    jisr_be_put(key, pkey_lo, 8);
    memset(key + 8, 0, 4);
    MDB_val k = {12, key}, v;
    uint64_t prefix = pkey_lo >> 8;
    *df = 0;
    int rc;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 12)
            break;
        uint64_t kk = jisr_be_get(k.mv_data, 8);
        if ((kk >> 8) != prefix || (kk & 0xFF) > hi)
            break;
        uint64_t cnt;
        const unsigned char *p = v.mv_data;
        if (!tm_get_varint(p, p + v.mv_size, &cnt))
            return jisr_error_set(JISR_EDB, NULL, 0, 0, "corrupt index chunk");
        *df += cnt;
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 64;
            tm_chunk *nc = realloc(*ch, c * sizeof *nc);
            if (!nc)
                return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            *ch = nc;
            *cap = c;
        }
        (*ch)[*n].k = k;
        (*ch)[*n].v = v;
        (*ch)[*n].count = (uint32_t)cnt;
        (*ch)[*n].bucket = (unsigned)(kk & 0xFF);
        (*n)++;
    }
    if (rc && rc != MDB_NOTFOUND)
        return tm_db_error(rc, "reading the index");
    return 0;
}

static _Thread_local const uint32_t *g_acc_sort;

static int cmp_by_acc(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (g_acc_sort[x] != g_acc_sort[y])
        return g_acc_sort[x] > g_acc_sort[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Make the handle's per-id accumulator cover id. */
static int acc_reserve(jisr_tm *tm, uint32_t id)
{
    if (id < tm->acccap)
        return 0;
    size_t cap = tm->acccap ? tm->acccap : 4096;
    while (cap <= id)
        cap *= 2;
    uint32_t *a = realloc(tm->acc, cap * sizeof *a);
    if (!a)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    memset(a + tm->acccap, 0, (cap - tm->acccap) * sizeof *a);
    tm->acc = a;
    tm->acccap = cap;
    return 0;
}

/* The score a unit must reach to change the result: min, or, once the top list is full, the
 * score of its last entry (a unit that ties it may still enter by similarity or id, one below
 * it cannot). It only grows during a query, and every filter below is monotone in it, so using
 * it instead of min drops only units that could not have entered the list (matching.md §4). */
static int eff_min(const qctx *c)
{
    int min = c->o->min_score;
    if (c->nbest == c->o->max_results && c->best[c->nbest - 1].score > min)
        min = c->best[c->nbest - 1].score;
    return min;
}

/* Lemma 1: the buckets that can hold a unit scoring ≥ min */
static void bucket_window(uint32_t wq, int min, unsigned *lo, unsigned *hi)
{
    *lo = tm_bucket((uint32_t)(((uint64_t)min * wq) / 100));
    *hi = tm_bucket((uint32_t)((100ull * wq) / (unsigned)min));
}

/* Lemma 2: the fewest heavy tokens a unit of bucket b must share with the query to score
 * ≥ min (non-decreasing in min) */
static int64_t bucket_minc(uint32_t wq, uint32_t hq, int min, unsigned b)
{
    uint64_t wmax = (100ull * wq) / (unsigned)min;
    uint64_t bw = tm_bucket_max(b);
    uint64_t maxw = bw < wmax ? bw : wmax;
    if (maxw < wq)
        maxw = wq;
    return (int64_t)hq - (int64_t)(((uint64_t)(100 - min) * maxw) / 10000);
}

/* scratch of the index path of one query */
typedef struct qidx {
    MDB_cursor *cur;
    uint64_t lh;
    qterm *t;
    size_t nt;
    tm_chunk *ch;
    size_t nch, chcap;
    uint32_t *ids, *touched;
    size_t idcap, tcap;
    uint64_t *cost; /* choose_prefix's scratch */
    uint32_t *from;
    size_t costcap, fromcap;
    int est_known; /* a bucket has been read: qterm.est holds counts seen */
} qidx;

/* Prefix filtering is exact with any set S of terms whose query counts add up to at least need
 * = hq − minc + 1: a unit sharing none of them shares at most minc − 1 heavy tokens. Taking the
 * rarest terms first can overshoot (a word counted 3 times covers 3 for the price of one list);
 * the cheapest S, in ids to read, is a covering knapsack over the counts, solved by dynamic
 * programming with the count capped at need. x->t is sorted by df on entry; S is moved to the
 * front, both parts staying in df order, and *ns = |S|. */
static int choose_prefix(qidx *x, size_t nt, size_t need, size_t *ns)
{
    qterm *t = x->t;
    size_t w = need + 1;
    if (nt * w > (1u << 18)) { /* a huge query: the rarest terms first, also exact */
        size_t got = 0, k = 0;
        while (k < nt && got < need)
            got += t[k++].cq;
        *ns = k;
        return 0;
    }
    if (nt * w > x->fromcap) {
        uint32_t *f = realloc(x->from, nt * w * sizeof *f);
        if (!f)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        x->from = f;
        x->fromcap = nt * w;
    }
    if (w > x->costcap) {
        uint64_t *cs = realloc(x->cost, w * sizeof *cs);
        if (!cs)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        x->cost = cs;
        x->costcap = w;
    }
    /* cost[j]: fewest ids giving a count of j (need: at least need) with the terms so far;
     * from[i·w + j]: the count term i was added to when it set cost[j], UINT32_MAX if not */
    uint64_t *cost = x->cost;
    uint32_t *from = x->from;
    cost[0] = 0;
    for (size_t j = 1; j < w; j++)
        cost[j] = UINT64_MAX;
    for (size_t i = 0; i < nt; i++) {
        uint32_t *fi = from + i * w;
        for (size_t j = 0; j < w; j++)
            fi[j] = UINT32_MAX;
        for (size_t j = need + 1; j-- > 0;) { /* downwards: each term is taken at most once */
            if (cost[j] == UINT64_MAX)
                continue;
            size_t jj = j + t[i].cq < need ? j + t[i].cq : need;
            if (cost[j] + t[i].df < cost[jj]) {
                cost[jj] = cost[j] + t[i].df;
                fi[jj] = (uint32_t)j;
            }
        }
    }
    /* walk back from need to mark S, then move it to the front (stable) */
    size_t j = need;
    for (size_t i = nt; i-- > 0;) {
        uint32_t f = from[i * w + j];
        t[i].in_s = f != UINT32_MAX;
        if (t[i].in_s)
            j = f;
    }
    size_t k = 0;
    for (size_t i = 0; i < nt; i++)
        if (t[i].in_s) {
            qterm q = t[i];
            memmove(&t[k + 1], &t[k], (i - k) * sizeof *t);
            t[k++] = q;
        }
    *ns = k;
    return 0;
}

/* Collect term t's chunks of bucket b (appended to x->ch), its exact df, and remember that df
 * as the estimate for the next buckets. */
static int walk_term(qidx *x, qterm *t, unsigned b)
{
    t->c0 = x->nch;
    int rc =
        tm_term_chunks(x->cur, tm_post_key(x->lh, t->hk, b), b, &x->ch, &x->nch, &x->chcap, &t->df);
    t->nc = x->nch - t->c0;
    t->est = t->df;
    return rc;
}

/* ids of term t's chunks (all of one bucket), appended to x->ids */
static int term_ids(qidx *x, const qterm *t, size_t *n)
{
    for (size_t k = 0; k < t->nc; k++) {
        const tm_chunk *h = &x->ch[t->c0 + k];
        int rc = tm_post_decode(&h->k, &h->v, &x->ids, n, &x->idcap);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Candidates of one length bucket: prefix filter, bound tightening, exact scoring. Shared terms
 * are counted in a dense per-id array (tm->acc, all zero between calls) instead of sorting
 * postings: the work is linear in the ids read. Only this bucket's chunks are read, after the
 * buckets nearer the query's length, whose matches may have raised the bar (eff_min). */
static int bucket_pass(qctx *c, qidx *x, unsigned b)
{
    jisr_tm *tm = c->tm;
    qterm *t = x->t;
    size_t nt = x->nt, nids = 0, ntouch = 0;
    uint32_t wq = c->q.w100, hq = c->q.nheavy;
    int min = eff_min(c), rc = 0;
    int64_t minc = bucket_minc(wq, hq, min, b);
    size_t need = (size_t)((int64_t)hq - minc + 1), nw = 0, covered = 0;
    /* Which terms are rare here is known only by walking their chunks, and the common ones
     * (most of the chunks) are seldom read. The first bucket walks every term; later ones walk
     * the terms in the order of their counts in the buckets seen so far until the prefix can be
     * chosen with some choice left, and the rest only when verification reaches them. Any
     * order is exact: it only decides which lists are read. */
    x->nch = 0;
    if (x->est_known)
        qsort(t, nt, sizeof *t, cmp_qterm_est);
    while (nw < nt && (!x->est_known || covered < need + PREFIX_SLACK)) {
        if ((rc = walk_term(x, &t[nw], b)) < 0)
            return rc;
        covered += t[nw++].cq;
    }
    x->est_known = 1;
    qsort(t, nw, sizeof *t, cmp_qterm);
    /* prefix: terms whose counts add up to hq − minc + 1, so that the rest cannot reach minc
     * on their own */
    size_t ns = 0;
    if ((rc = choose_prefix(x, nw, need, &ns)) < 0)
        return rc;
    int64_t rest = hq;
    for (size_t i = 0; i < ns; i++)
        rest -= t[i].cq;
    if (rest >= minc) /* cannot happen: the prefix covers hq − minc + 1 */
        return scan_all(c);
    /* candidates: the prefix terms' postings, acc = Σ cq of the terms present */
    uint32_t *touched = x->touched;
    for (size_t i = 0; i < ns; i++) {
        nids = 0;
        if ((rc = term_ids(x, &t[i], &nids)) < 0)
            goto done;
        if (ntouch + nids > x->tcap) {
            size_t cap = x->tcap ? x->tcap : 256;
            while (cap < ntouch + nids)
                cap *= 2;
            uint32_t *nv = realloc(touched, cap * sizeof *nv);
            if (!nv) {
                rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                goto done;
            }
            x->touched = touched = nv;
            x->tcap = cap;
        }
        const uint32_t *ids = x->ids;
        if (nids && (rc = acc_reserve(tm, ids[nids - 1])) < 0) /* ids ascend: one realloc */
            goto done;
        for (size_t k = 0; k < nids; k++) {
            uint32_t id = ids[k];
            /* the counters are read at random over the whole id range: ask for them early */
            if (k + PREFETCH < nids && ids[k + PREFETCH] < tm->acccap)
                ACC_PREFETCH(&tm->acc[ids[k + PREFETCH]]);
            if ((rc = acc_reserve(tm, id)) < 0) /* a corrupt, unsorted list */
                goto done;
            if (tm->acc[id] == 0)
                touched[ntouch++] = id;
            tm->acc[id] += t[i].cq;
        }
    }
    size_t alive = 0;
    for (size_t k = 0; k < ntouch; k++) {
        uint32_t id = touched[k];
        if ((int64_t)tm->acc[id] + rest >= minc)
            touched[alive++] = id;
        else
            tm->acc[id] = 0;
    }
    ntouch = alive;
    /* the other terms, rarest first, tighten the bound while that is cheaper than scoring */
    for (size_t ri = ns; ri < nt && ntouch > 0; ri++) {
        if (ri == nw && (rc = walk_term(x, &t[nw++], b)) < 0)
            goto done;
        if (t[ri].df > VERIFY_RATIO * ntouch + 64)
            break;
        nids = 0;
        if ((rc = term_ids(x, &t[ri], &nids)) < 0)
            goto done;
        const uint32_t *ids = x->ids;
        for (size_t k = 0; k < nids; k++) {
            if (k + PREFETCH < nids && ids[k + PREFETCH] < tm->acccap)
                ACC_PREFETCH(&tm->acc[ids[k + PREFETCH]]);
            if (ids[k] < tm->acccap && tm->acc[ids[k]])
                tm->acc[ids[k]] += t[ri].cq;
        }
        rest -= t[ri].cq;
        alive = 0;
        for (size_t k = 0; k < ntouch; k++) {
            uint32_t id = touched[k];
            if ((int64_t)tm->acc[id] + rest >= minc)
                touched[alive++] = id;
            else
                tm->acc[id] = 0;
        }
        ntouch = alive;
    }
    /* exact scoring of the survivors, most shared terms first (good matches fill the top list
     * early and raise its bar); rest = Σ cq of the terms not verified. Once the bar has risen,
     * minc rises with it, and since acc only falls along the list, the first survivor below it
     * ends the bucket. */
    g_acc_sort = tm->acc;
    if (ntouch > 1)
        qsort(touched, ntouch, sizeof *touched, cmp_by_acc);
    for (size_t k = 0; k < ntouch && rc == 0; k++) {
        unsigned int id = touched[k];
        int m2 = eff_min(c);
        if (m2 != min) {
            min = m2;
            minc = bucket_minc(wq, hq, min, b);
        }
        if ((int64_t)tm->acc[id] + rest < minc)
            break;
        uint32_t cub = tm->acc[id] + (uint32_t)rest;
        MDB_val uk = {sizeof id, &id}, ud;
        int r2 = mdb_get(c->txn, tm->units, &uk, &ud);
        if (r2 == MDB_NOTFOUND) /* deleted: its postings are removed lazily */
            continue;
        if (r2) {
            rc = tm_db_error(r2, "reading a unit");
            break;
        }
        if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec)) < 0)
            break;
        rc = score_rec(c, id, cub);
    }
done:
    for (size_t k = 0; k < ntouch; k++) /* leave the accumulator all zero */
        tm->acc[touched[k]] = 0;
    return rc;
}

static int indexed(qctx *c)
{
    int min = c->o->min_score;
    uint32_t wq = c->q.w100, hq = c->q.nheavy;
    if (min <= 0)
        return scan_all(c);
    /* the length window, and per bucket the fewest heavy tokens a match must share */
    unsigned lo, hi;
    bucket_window(wq, min, &lo, &hi);
    for (unsigned b = lo; b <= hi; b++)
        if (bucket_minc(wq, hq, min, b) <= 0) /* no shared word needed: only a full scan is exact */
            return scan_all(c);
    qidx x = {0};
    x.lh = tm_lang_hash(c->o->srclang);
    int rc = 0;
    uint64_t *hks = malloc((hq + 1) * sizeof *hks);
    x.t = calloc(hq + 1, sizeof *x.t);
    if (!hks || !x.t) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t nh = 0, nnum = 0;
    for (size_t i = 0; i < c->q.n; i++)
        if (c->q.v[i].kind == TM_WORD)
            hks[nh++] = c->q.v[i].hk;
        else if (c->q.v[i].kind == TM_NUMBER)
            hks[nh++] = tm_num_term(nnum++);
    qsort(hks, nh, sizeof *hks, cmp_u64);
    for (size_t i = 0; i < nh; i++) {
        if (x.nt && x.t[x.nt - 1].hk == hks[i]) {
            x.t[x.nt - 1].cq++;
            continue;
        }
        x.t[x.nt].hk = hks[i];
        x.t[x.nt].cq = 1;
        x.nt++;
    }
    if ((rc = mdb_cursor_open(c->txn, c->tm->post, &x.cur)) != 0) {
        rc = tm_db_error(rc, "reading the index");
        goto done;
    }
    /* the query's own length first, then outwards (longer, then shorter): the best matches come
     * early, and once they fill the top list the window narrows to the buckets that can still
     * hold a unit tying its last score (eff_min only grows, so a bucket left out stays out) */
    unsigned b0 = tm_bucket(wq);
    for (unsigned d = 0; rc == 0; d++) {
        bucket_window(wq, eff_min(c), &lo, &hi);
        int up = b0 + d <= hi, down = d > 0 && d <= b0 && b0 - d >= lo;
        if (!up && !down)
            break;
        if (up)
            rc = bucket_pass(c, &x, b0 + d);
        if (rc == 0 && d > 0) {
            bucket_window(wq, eff_min(c), &lo, &hi);
            if (d <= b0 && b0 - d >= lo)
                rc = bucket_pass(c, &x, b0 - d);
        }
    }
done:
    if (x.cur)
        mdb_cursor_close(x.cur);
    free(hks);
    free(x.t);
    free(x.ch);
    free(x.ids);
    free(x.touched);
    free(x.cost);
    free(x.from);
    return rc;
}

/* ---- results: diff and placeables --------------------------------------------------------- */

/* Full DP matrix and backtrace: ops[k] for each step, 'E'qual/near, 'S'ubstitute, 'D'elete
 * (query token), 'I'nsert (match token); qi/mi give the token indexes. */
typedef struct step {
    char op;
    uint32_t qi, mi;
} step;

static int align(const tm_toks *q, const tm_toks *m, step **out, size_t *nout)
{
    size_t n = q->n, mn = m->n;
    uint32_t *dp = malloc((n + 1) * (mn + 1) * sizeof *dp);
    step *s = malloc((n + mn + 1) * sizeof *s);
    if (!dp || !s) {
        free(dp);
        free(s);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
#define DP(i, j) dp[(i) * (mn + 1) + (j)]
    DP(0, 0) = 0;
    for (size_t j = 1; j <= mn; j++)
        DP(0, j) = DP(0, j - 1) + tok_w(&m->v[j - 1]);
    for (size_t i = 1; i <= n; i++) {
        DP(i, 0) = DP(i - 1, 0) + tok_w(&q->v[i - 1]);
        for (size_t j = 1; j <= mn; j++) {
            uint32_t a = DP(i - 1, j - 1) + sub_cost(&q->v[i - 1], &m->v[j - 1]);
            uint32_t b = DP(i - 1, j) + tok_w(&q->v[i - 1]);
            uint32_t c = DP(i, j - 1) + tok_w(&m->v[j - 1]);
            uint32_t v = a < b ? a : b;
            DP(i, j) = v < c ? v : c;
        }
    }
    size_t i = n, j = mn, k = 0;
    while (i > 0 || j > 0) {
        if (i > 0 && j > 0 && DP(i, j) == DP(i - 1, j - 1) + sub_cost(&q->v[i - 1], &m->v[j - 1])) {
            uint32_t sc = sub_cost(&q->v[i - 1], &m->v[j - 1]);
            int near = sc == 0 || q->v[i - 1].hn == m->v[j - 1].hn ||
                       (q->v[i - 1].kind == TM_WORD && q->v[i - 1].hk == m->v[j - 1].hk &&
                        m->v[j - 1].kind == TM_WORD);
            s[k++] = (step){near ? 'E' : 'S', (uint32_t)(i - 1), (uint32_t)(j - 1)};
            i--;
            j--;
        } else if (i > 0 && DP(i, j) == DP(i - 1, j) + tok_w(&q->v[i - 1])) {
            s[k++] = (step){'D', (uint32_t)(i - 1), (uint32_t)j};
            i--;
        } else {
            s[k++] = (step){'I', (uint32_t)i, (uint32_t)(j - 1)};
            j--;
        }
    }
#undef DP
    free(dp);
    for (size_t a = 0, b = k ? k - 1 : 0; a < b; a++, b--) {
        step t = s[a];
        s[a] = s[b];
        s[b] = t;
    }
    *out = s;
    *nout = k;
    return 0;
}

static char *make_diff(const char *qt, const tm_toks *q, const char *mt, size_t mlen,
                       const tm_toks *m, const step *s, size_t ns)
{
    jisr_buf b = {0};
    size_t pos = 0; /* bytes of the match text already copied */
    for (size_t k = 0; k < ns; k++) {
        const step *st = &s[k];
        if (st->op == 'D') {
            const tm_tok *t = &q->v[st->qi];
            if (b.len && b.data[b.len - 1] != ' ')
                jisr_buf_putc(&b, ' ');
            jisr_buf_puts(&b, "[-");
            jisr_buf_append(&b, qt + t->start, t->end - t->start);
            jisr_buf_puts(&b, "-]");
            continue;
        }
        const tm_tok *t = &m->v[st->mi];
        jisr_buf_append(&b, mt + pos, t->start - pos); /* the gap before the token */
        if (st->op == 'S') {
            const tm_tok *a = &q->v[st->qi];
            jisr_buf_puts(&b, "[-");
            jisr_buf_append(&b, qt + a->start, a->end - a->start);
            jisr_buf_puts(&b, "-]{+");
        } else if (st->op == 'I') {
            jisr_buf_puts(&b, "{+");
        }
        jisr_buf_append(&b, mt + t->start, t->end - t->start);
        if (st->op != 'E')
            jisr_buf_puts(&b, "+}");
        pos = t->end;
    }
    jisr_buf_append(&b, mt + pos, mlen - pos);
    if (!b.data)
        return jisr_strdup("");
    return b.data;
}

/* digit system of a number token's surface: 0 ASCII, 0x0660 Arabic-Indic, 0x06F0 Eastern */
static unsigned digit_base(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)s[i + 1];
        if (a == 0xD9 && b >= 0xA0 && b <= 0xA9)
            return 0x0660;
        if (a == 0xDB && b >= 0xB0 && b <= 0xB9)
            return 0x06F0;
    }
    return 0;
}

/* does s contain U+066B (b2 = 0xAB) or U+066C (0xAC)? */
static int has_pair(const char *s, size_t n, unsigned b2)
{
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)s[i] == 0xD9 && (unsigned char)s[i + 1] == b2)
            return 1;
    return 0;
}

static void put_cp(jisr_buf *b, unsigned cp)
{
    char u[3] = {(char)(0xC0 | (cp >> 6)), (char)(0x80 | (cp & 0x3F)), 0};
    jisr_buf_append(b, u, 2);
}

/* the query number (normalised ASCII form) written in the target's digit system */
static void render_number(jisr_buf *b, const char *norm, size_t n, const char *tsurf, size_t tn)
{
    unsigned base = digit_base(tsurf, tn);
    int has_dsep = has_pair(tsurf, tn, 0xAB), has_gsep = has_pair(tsurf, tn, 0xAC);
    for (size_t i = 0; i < n; i++) {
        char c = norm[i];
        if (base && c >= '0' && c <= '9')
            put_cp(b, base + (unsigned)(c - '0'));
        else if (c == '.' && has_dsep)
            put_cp(b, 0x066B);
        else if (c == ',' && has_gsep)
            put_cp(b, 0x066C);
        else
            jisr_buf_putc(b, c);
    }
}

/* When query and source differ only in numbers, substitute the query's numbers for the source's
 * in the target. Returns 1 with *out (malloc'd) when done, 0 when not applicable. */
static int placeable(const char *qt, const tm_toks *q, const char *st_, const tm_toks *s,
                     const char *tt, size_t tlen, char **out)
{
    if (q->n != s->n)
        return 0;
    size_t ndiff = 0;
    for (size_t i = 0; i < q->n; i++) {
        if (q->v[i].kind != s->v[i].kind)
            return 0;
        if (q->v[i].kind != TM_NUMBER) {
            if (q->v[i].hn != s->v[i].hn)
                return 0;
        } else if (q->v[i].hn != s->v[i].hn) {
            ndiff++;
        }
    }
    if (!ndiff)
        return 0;
    tm_toks t = {0};
    jisr_buf a = {0}, nb = {0}, res = {0};
    int ok = 0;
    size_t *used = calloc(q->n + 1, sizeof *used);
    if (!used || tm_tokenize(tt, tlen, &t) < 0)
        goto done;
    size_t pos = 0, done_n = 0;
    for (size_t k = 0; k < t.n; k++) {
        if (t.v[k].kind != TM_NUMBER)
            continue;
        for (size_t i = 0; i < s->n; i++) {
            if (used[i] || s->v[i].kind != TM_NUMBER || q->v[i].hn == s->v[i].hn)
                continue;
            if (s->v[i].hn != t.v[k].hn) /* the same number in another digit system matches */
                continue;
            used[i] = 1;
            done_n++;
            jisr_buf_append(&res, tt + pos, t.v[k].start - pos);
            jisr_buf_reset(&nb);
            if (tm_tok_norm(qt + q->v[i].start, q->v[i].end - q->v[i].start, &nb) < 0)
                goto done;
            render_number(&res, nb.data, nb.len, tt + t.v[k].start, t.v[k].end - t.v[k].start);
            pos = t.v[k].end;
            break;
        }
    }
    if (done_n != ndiff)
        goto done;
    jisr_buf_append(&res, tt + pos, tlen - pos);
    if (!res.data)
        goto done;
    *out = res.data;
    res.data = NULL;
    ok = 1;
done:
    (void)st_;
    free(used);
    tm_toks_free(&t);
    jisr_buf_free(&a);
    jisr_buf_free(&nb);
    jisr_buf_free(&res);
    return ok;
}

static int fill_match(qctx *c, const top *b, jisr_tm_match *m)
{
    unsigned int id = b->id;
    MDB_val uk = {sizeof id, &id}, ud;
    int rc = mdb_get(c->txn, c->tm->units, &uk, &ud);
    if (rc)
        return tm_db_error(rc, "reading a unit");
    if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec)) < 0)
        return rc;
    const tm_rvar *sv = &c->rec.var[tm_rec_find(&c->rec, c->o->srclang)];
    const tm_rvar *tv = &c->rec.var[tm_rec_find(&c->rec, c->o->tgtlang)];
    m->score = b->score;
    m->similarity = b->sim;
    m->id = id;
    m->source = jisr_strndup(sv->text.p, sv->text.n);
    m->target_orig = jisr_strndup(tv->text.p, tv->text.n);
    if (!m->source || !m->target_orig)
        return JISR_ENOMEM;
    if ((rc = tm_tokenize(m->source, sv->text.n, &c->m)) < 0)
        return rc;
    step *s = NULL;
    size_t ns = 0;
    if ((rc = align(&c->q, &c->m, &s, &ns)) < 0)
        return rc;
    m->diff = make_diff(c->text, &c->q, m->source, sv->text.n, &c->m, s, ns);
    free(s);
    char *sub = NULL;
    if (placeable(c->text, &c->q, m->source, &c->m, m->target_orig, tv->text.n, &sub)) {
        m->target = sub;
        m->placeable = 1;
    } else {
        m->target = jisr_strdup(m->target_orig);
    }
    return m->diff && m->target ? 0 : JISR_ENOMEM;
}

int jisr_tm_query(jisr_tm *tm, const char *text, const jisr_tm_query_opts *opts,
                  jisr_tm_matches *out)
{
    jisr_tm_query_opts def = JISR_TM_QUERY_OPTS_INIT;
    memset(out, 0, sizeof *out);
    if (!opts)
        opts = &def;
    if (!opts->srclang || !opts->tgtlang)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "source and target languages are needed");
    if (opts->min_score < 0 || opts->min_score > 100)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "minimum score must be 0-100");
    if (opts->max_results == 0)
        return 0;
    qctx *c = calloc(1, sizeof *c);
    if (!c)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    c->tm = tm;
    c->o = opts;
    c->text = text;
    c->tlen = strlen(text);
    int rc = tm_tokenize(text, c->tlen, &c->q);
    if (rc < 0)
        goto done;
    if (c->q.n == 0)
        goto done;
    c->best = calloc(opts->max_results + 1, sizeof *c->best);
    if (!c->best) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if ((rc = tm_txn_read(tm, &c->txn)) < 0)
        goto done;
    rc = (opts->flags & JISR_TM_EXHAUSTIVE) ? scan_all(c) : indexed(c);
    if (rc < 0)
        goto done;
    out->candidates = c->scored;
    if (c->nbest) {
        out->v = calloc(c->nbest, sizeof *out->v);
        if (!out->v) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < c->nbest; i++) {
            out->n = i + 1;
            if ((rc = fill_match(c, &c->best[i], &out->v[i])) < 0)
                goto done;
        }
    }
done:
    if (c->txn)
        mdb_txn_abort(c->txn);
    if (rc < 0)
        jisr_tm_matches_free(out);
    tm_toks_free(&c->q);
    tm_toks_free(&c->m);
    free(c->row);
    free(c->best);
    free(c);
    return rc;
}

void jisr_tm_matches_free(jisr_tm_matches *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].source);
        free(m->v[i].target);
        free(m->v[i].target_orig);
        free(m->v[i].diff);
    }
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

int jisr_tm_score_texts(const char *a, const char *b, int *score)
{
    tm_toks x = {0}, y = {0};
    uint32_t *row = NULL;
    int rc = tm_tokenize(a, strlen(a), &x);
    if (rc == 0)
        rc = tm_tokenize(b, strlen(b), &y);
    if (rc == 0 && !(row = malloc(2 * (y.n + 1) * sizeof *row)))
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == 0) {
        uint32_t d = distance(x.v, x.n, y.v, y.n, UINT32_MAX - 1, row);
        *score = score_of(d, x.w100, y.w100, d == 0 && trimmed_equal(a, strlen(a), b, strlen(b)));
    }
    free(row);
    tm_toks_free(&x);
    tm_toks_free(&y);
    return rc;
}
