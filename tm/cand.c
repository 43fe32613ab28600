/*
 * cand.c — candidate search: which units are scored. The index path reads, length bucket by
 * length bucket, the postings of a subset of the query's terms chosen so that a unit sharing
 * none of them cannot reach the threshold (prefix filtering), tightens each candidate's upper
 * bound on the heavy tokens it shares with the query through the other terms' postings, and
 * scores the survivors exactly (score.c). Filters (proved in docs/matching.md):
 *   length  100·|Wq − Wm| ≤ (100 − min)·max(Wq, Wm)     → index buckets [min·Wq/100, 100·Wq/min]
 *   count   10000·(max(Hq, Hm) − C) ≤ (100 − min)·max(Wq, Wm), H = words + numbers,
 *           C = heavy tokens shared (words by key, numbers as one class: indexed by count)
 * so within a length bucket whose largest length is Wb a unit can only match if it shares at
 * least minC = Hq − ⌊(100−min)·max(Wq, Wb) / 10000⌋ heavy tokens with the query; by the
 * pigeonhole principle it then contains one of any set of terms whose counts add up to more than
 * Hq − minC (prefix filtering; the set with the fewest ids is chosen). Once the top list is full,
 * min is raised to its last score in all of the above (Lemma 3): a unit below it cannot enter the
 * list, and buckets nearest the query's length come first so that this happens early. The
 * exhaustive path (the oracle the index is tested against) scores every unit.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"

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
#define PREFIX_SLACK 2

typedef struct qterm {
    uint64_t hk;
    uint32_t cq;   /* occurrences in the query */
    uint64_t df;   /* ids in the bucket being read */
    size_t c0, nc; /* its chunks of that bucket in the shared chunk array */
    uint64_t est;  /* df in the last bucket that read its chunks (order of the next buckets) */
    int in_s;      /* chosen for the prefix (choose_prefix) */
} qterm;

int tm_scan_all(jisr_tm_ctx *c)
{
    tm_cur cur;
    MDB_val k, d;
    if (tm_cur_open(&cur, &c->t, c->tm->units) < 0)
        return c->t.rc;
    for (int f = tm_cur_get(&cur, &k, &d, MDB_FIRST, "scanning the units"); f && !c->late;
         f = tm_cur_get(&cur, &k, &d, MDB_NEXT, "scanning the units")) {
        unsigned int id;
        if (k.mv_size != sizeof id) {
            tm_txn_corrupt(&c->t, "scanning the units");
            break;
        }
        memcpy(&id, k.mv_data, sizeof id);
        if (tm_txn_set(&c->t, tm_rec_decode(d.mv_data, d.mv_size, &c->rec)) < 0 ||
            tm_txn_set(&c->t, tm_score_rec(c, id, UINT32_MAX)) < 0)
            break;
        if ((id & 1023) == 0)
            tm_late(c);
    }
    tm_cur_close(&cur);
    return c->t.rc;
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

/* survivors by decreasing shared count, then id (qsort_r: the counters are the context's) */
static int cmp_by_acc(const void *a, const void *b, void *arg)
{
    const uint32_t *acc = arg;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (acc[x] != acc[y])
        return acc[x] > acc[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Make the context's per-id accumulator cover id (new counters zero). */
static int acc_reserve(jisr_tm_ctx *c, uint32_t id)
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
    tm_cur cur;
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
    int rc;
    if ((rc = JISR_GROW(x->from, x->fromcap, nt * w)) < 0 ||
        (rc = JISR_GROW(x->cost, x->costcap, w)) < 0)
        return rc;
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
    int rc = tm_post_chunks(&x->cur, tm_post_key(x->lh, t->hk, b), b, &x->ch, &x->nch, &x->chcap,
                            &t->df);
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
 * are counted in a dense per-id array (c->acc, all zero between calls) instead of sorting
 * postings: the work is linear in the ids read. Only this bucket's chunks are read, after the
 * buckets nearer the query's length, whose matches may have raised the bar (eff_min). */
static int bucket_pass(jisr_tm_ctx *c, qidx *x, unsigned b)
{
    qterm *t = x->t;
    size_t nt = x->nt, nids = 0, ntouch = 0;
    uint32_t wq = c->q.w100, hq = c->q.nheavy;
    int min = tm_eff_min(c), rc = 0;
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
        return tm_scan_all(c);
    /* candidates: the prefix terms' postings, acc = Σ cq of the terms present */
    uint32_t *touched = x->touched;
    for (size_t i = 0; i < ns; i++) {
        nids = 0;
        if ((rc = term_ids(x, &t[i], &nids)) < 0)
            goto done;
        if ((rc = JISR_GROW(x->touched, x->tcap, ntouch + nids)) < 0)
            goto done;
        touched = x->touched;
        const uint32_t *ids = x->ids;
        if (nids && (rc = acc_reserve(c, ids[nids - 1])) < 0) /* ids ascend: one realloc */
            goto done;
        for (size_t k = 0; k < nids; k++) {
            uint32_t id = ids[k];
            /* the counters are read at random over the whole id range: ask for them early */
            if (k + PREFETCH < nids && ids[k + PREFETCH] < c->acccap)
                ACC_PREFETCH(&c->acc[ids[k + PREFETCH]]);
            if ((rc = acc_reserve(c, id)) < 0) /* a corrupt, unsorted list */
                goto done;
            if (c->acc[id] == 0)
                touched[ntouch++] = id;
            c->acc[id] += t[i].cq;
        }
    }
    size_t alive = 0;
    for (size_t k = 0; k < ntouch; k++) {
        uint32_t id = touched[k];
        if ((int64_t)c->acc[id] + rest >= minc)
            touched[alive++] = id;
        else
            c->acc[id] = 0;
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
            if (k + PREFETCH < nids && ids[k + PREFETCH] < c->acccap)
                ACC_PREFETCH(&c->acc[ids[k + PREFETCH]]);
            if (ids[k] < c->acccap && c->acc[ids[k]])
                c->acc[ids[k]] += t[ri].cq;
        }
        rest -= t[ri].cq;
        alive = 0;
        for (size_t k = 0; k < ntouch; k++) {
            uint32_t id = touched[k];
            if ((int64_t)c->acc[id] + rest >= minc)
                touched[alive++] = id;
            else
                c->acc[id] = 0;
        }
        ntouch = alive;
    }
    /* exact scoring of the survivors, most shared terms first (good matches fill the top list
     * early and raise its bar); rest = Σ cq of the terms not verified. Once the bar has risen,
     * minc rises with it, and since acc only falls along the list, the first survivor below it
     * ends the bucket. */
    if (ntouch > 1)
        qsort_r(touched, ntouch, sizeof *touched, cmp_by_acc, c->acc);
    for (size_t k = 0; k < ntouch && rc == 0; k++) {
        unsigned int id = touched[k];
        int m2 = tm_eff_min(c);
        if (m2 != min) {
            min = m2;
            minc = bucket_minc(wq, hq, min, b);
        }
        if ((int64_t)c->acc[id] + rest < minc)
            break;
        uint32_t cub = c->acc[id] + (uint32_t)rest;
        MDB_val uk = {sizeof id, &id}, ud;
        if (!tm_get(&c->t, c->tm->units, &uk, &ud, "reading a unit")) {
            if ((rc = c->t.rc) < 0)
                break;
            continue; /* deleted: its postings are removed lazily */
        }
        if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec)) < 0 ||
            (rc = tm_score_rec(c, id, cub)) < 0 || (rc = tm_late(c) ? 1 : 0) != 0)
            break;
    }
done:
    for (size_t k = 0; k < ntouch; k++) /* leave the accumulator all zero */
        c->acc[touched[k]] = 0;
    return rc < 0 ? tm_txn_set(&c->t, rc) : 0;
}

int tm_indexed(jisr_tm_ctx *c)
{
    int min = c->o->min_score;
    uint32_t wq = c->q.w100, hq = c->q.nheavy;
    if (min <= 0)
        return tm_scan_all(c);
    /* the length window, and per bucket the fewest heavy tokens a match must share */
    unsigned lo, hi;
    bucket_window(wq, min, &lo, &hi);
    for (unsigned b = lo; b <= hi; b++)
        if (bucket_minc(wq, hq, min, b) <= 0) /* no shared word needed: only a full scan is exact */
            return tm_scan_all(c);
    qidx x = {0};
    x.lh = tm_lang_hash(c->o->srclang);
    int rc = 0;
    uint64_t *hks = malloc((hq + 1) * sizeof *hks);
    x.t = calloc(hq + 1, sizeof *x.t);
    if (!hks || !x.t) {
        rc = jisr_oom((hq + 1) * sizeof *x.t);
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
    if ((rc = tm_cur_open(&x.cur, &c->t, c->tm->post)) < 0)
        goto done;
    /* the query's own length first, then outwards (longer, then shorter): the best matches come
     * early, and once they fill the top list the window narrows to the buckets that can still
     * hold a unit tying its last score (eff_min only grows, so a bucket left out stays out) */
    unsigned b0 = tm_bucket(wq);
    for (unsigned d = 0; rc == 0 && !c->late; d++) {
        bucket_window(wq, tm_eff_min(c), &lo, &hi);
        int up = b0 + d <= hi, down = d > 0 && d <= b0 && b0 - d >= lo;
        if (!up && !down)
            break;
        if (up)
            rc = bucket_pass(c, &x, b0 + d);
        if (rc == 0 && d > 0) {
            bucket_window(wq, tm_eff_min(c), &lo, &hi);
            if (d <= b0 && b0 - d >= lo)
                rc = bucket_pass(c, &x, b0 - d);
        }
    }
done:
    tm_cur_close(&x.cur);
    free(hks);
    free(x.t);
    free(x.ch);
    free(x.ids);
    free(x.touched);
    free(x.cost);
    free(x.from);
    return rc;
}
