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
 * is at most VERIFY_RATIO ids per survivor (32 beat 16 and 64 there, when every id was stored
 * and probed; since verification only tests each id against the survivors' bits, 64 beats 32,
 * 48, 96 and 128 on bench_serve's mix: session 8); a bucket after the first walks PREFIX_SLACK
 * more term counts than the prefix needs, to leave the prefix a choice. */
#define VERIFY_RATIO 64
#define PREFIX_SLACK 2

/* A query term and its group: the term's own key and the keys that pair with it cheaply in a
 * unit (its near words, its compound parts, its joins with a neighbour: docs/matching.md §4.1),
 * x->mem[m0, m0 + nm) — a unit containing any of them counts the term as shared. */
typedef struct qterm {
    uint64_t hk;
    size_t m0, nm;
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
    size_t seen = 0;
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
        /* the deadline every 64 units scanned (~0.1 ms), as the scorer checks every 64 rows:
         * not every 1,024th id, which took ~1 ms, far more on a slow build or a niced query
         * thread, and none at all across a run of deleted ids */
        if ((++seen & 63) == 0)
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

/* The terms by est (byest) or df, then key: an insertion sort, since the terms are few and
 * mostly in order already (the order of the bucket before). */
static void sort_terms(qterm *t, size_t n, int byest)
{
    for (size_t i = 1; i < n; i++) {
        if ((byest ? cmp_qterm_est : cmp_qterm)(&t[i - 1], &t[i]) <= 0)
            continue;
        qterm v = t[i];
        size_t j = i;
        while (j > 0 && (byest ? cmp_qterm_est : cmp_qterm)(&t[j - 1], &v) > 0) {
            t[j] = t[j - 1];
            j--;
        }
        t[j] = v;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The per-id accumulator of shared terms: a byte per id when the query's terms count at most
 * ACC8_MAX in all (the sum of the counts bounds every counter; bit 7 is the light flag), which
 * is a quarter of the memory to touch at random, else 32 bits per id. All zero between calls. */
#define ACC8_MAX 63

static inline uint32_t acc_get(const jisr_tm_ctx *c, int narrow, uint32_t id)
{
    return narrow ? c->acc8[id] : c->acc[id];
}

static inline void acc_put(jisr_tm_ctx *c, int narrow, uint32_t id, uint32_t v)
{
    if (narrow)
        c->acc8[id] = (uint8_t)v;
    else
        c->acc[id] = v;
}

static inline size_t acc_cap(const jisr_tm_ctx *c, int narrow)
{
    return narrow ? c->acc8cap : c->acccap;
}

/* Make the context's per-id accumulator (of the width narrow says) cover id (new counters
 * zero). */
static int acc_reserve(jisr_tm_ctx *c, int narrow, uint32_t id)
{
    if (id < acc_cap(c, narrow))
        return 0;
    if (id >= c->id_limit) /* a damaged chunk: never a counter array of gigabytes for it */
        return tm_post_bad_id(&c->t, id, c->id_limit);
    if (narrow)
        return jisr_grow_zeroed((void **)&c->acc8, &c->acc8cap, (size_t)c->id_limit + 4096, 1);
    return jisr_grow_zeroed((void **)&c->acc, &c->acccap, (size_t)c->id_limit + 4096,
                            sizeof *c->acc);
}

/* Lemma 1: the buckets that can hold a unit scoring ≥ min. A compound step covers one word on
 * one side and two (220 with a hyphen) on the other for TM_C_COMPOUND, so with k compound sites
 * in the query D ≥ |Wq − Wm| − k·(220 − TM_C_COMPOUND − 100) (docs/matching.md §4.1). */
#define COMP_SLACK (220 - TM_C_COMPOUND - 100)
static void bucket_window(uint32_t wq, int min, uint32_t k, unsigned *lo, unsigned *hi)
{
    uint64_t slack = (uint64_t)COMP_SLACK * k, l = ((uint64_t)min * wq) / 100;
    *lo = tm_bucket((uint32_t)(l > slack ? l - slack : 0));
    uint64_t h = (100ull * (wq + slack)) / (unsigned)min;
    *hi = tm_bucket((uint32_t)(h < UINT32_MAX ? h : UINT32_MAX));
}

/* The fewest heavy tokens a unit of bucket b must share with the query to score ≥ min
 * (non-decreasing in min; may be ≤ 0: no shared heavy token needed). Two exact bounds, the larger
 * taken (docs/matching.md §4, §4.1):
 *   Lemma 2  D ≥ 100·(Hq − C): C ≥ Hq − ⌊(100 − min)·W/10000⌋ for the longest W the bucket and
 *            the length window allow;
 *   Lemma 4  W − D ≤ X = 100·C + 20·Lq (what the cheap pairs save): C ≥ ⌈(min·W − 2000·Lq)/10000⌉
 *            for the shortest W of the bucket, W ≥ Wq. Above the query's own length it grows
 *            with the bucket, where Lemma 2 falls; without punctuation it is ≥ 1 at any min. */
static int64_t bucket_minc(uint32_t wq, uint32_t hq, uint32_t lq, uint32_t ks, int min, unsigned b)
{
    uint64_t wmax = (100ull * wq) / (unsigned)min;
    uint64_t bw = tm_bucket_max(b);
    uint64_t maxw = bw < wmax ? bw : wmax;
    if (maxw < wq)
        maxw = wq;
    int64_t l2 = (int64_t)hq - (int64_t)(((uint64_t)(100 - min) * maxw) / 10000);
    uint64_t wlo = tm_bucket_min(b);
    if (wlo < wq)
        wlo = wq;
    int64_t num = (int64_t)((uint64_t)min * wlo) - 2000 * (int64_t)lq;
    int64_t l4;
    if (num <= 0) {
        l4 = -((-num) / 10000);
    } else if (!ks) {
        l4 = (num + 9999) / 10000;
    } else { /* the least C with 100·C + 120·min(C, ks) ≥ num / 100 */
        int64_t need = (num + 99) / 100;
        l4 = need <= 220 * (int64_t)ks ? (need + 219) / 220
                                       : (int64_t)ks + (need - 220 * (int64_t)ks + 99) / 100;
    }
    return l2 > l4 ? l2 : l4;
}

/* acc flag of a candidate found through the light-share term only (it shares no heavy term) */
#define ACC_LIGHT(narrow) ((narrow) ? 0x80u : 0x80000000u)
#define ACC_N(v, narrow) ((v) & ~ACC_LIGHT(narrow))

typedef struct gtok {
    uint64_t hk;
    uint32_t pos;
} gtok;

/* scratch of building the groups */
typedef struct gbuild {
    uint64_t *v;         /* keys collected for one word */
    unsigned char *pair; /* 1: v[i] and v[i + 1] are a split's parts */
    size_t n, cap, pcap;
} gbuild;

/* the member lists of the query's tokens (head[pos] chains through next[]) */
typedef struct xlist {
    uint64_t *key;
    unsigned char *pair; /* 1: this key and the next one form an AND pair (a split) */
    int32_t *next, *head;
    size_t n, cap;
} xlist;

/* Scratch of the index path: kept on the query context (c->qx) from one query to the next, so
 * that a thread's queries allocate nothing once its arrays have grown (tm_indexed resets the
 * counts; every array is written before it is read). */
typedef struct tm_qidx {
    tm_cur cur;
    uint64_t lh;
    qterm *t;
    size_t nt, tcapg;
    tm_chunk *ch;
    size_t nch, chcap;
    uint32_t *ids, *touched;
    size_t idcap, tcap;
    /* the survivors of the bucket being verified: one bit per id (all zero between buckets), so
     * that verification stores only the ids of a list that are survivors (term_ids' marked form) */
    uint64_t *smark;
    size_t smarkcap; /* in ids (a multiple of 64) */
    uint64_t *skey;  /* the survivors' sort keys */
    size_t skeycap;
    uint64_t *mem; /* the groups' keys */
    size_t nmem, memcap;
    unsigned char *mand; /* mand[i]: mem[i] and mem[i + 1] count only together (a split) */
    size_t *mc0, *mnc;   /* each key's chunks in ch */
    size_t mauxcap;
    uint32_t *pa, *pb; /* an AND pair's two lists */
    size_t pacap, pbcap;
    jisr_tm_ctx *c;
    uint64_t *cost; /* choose_prefix's scratch */
    uint32_t *from;
    size_t costcap, fromcap;
    int est_known; /* a bucket has been read: qterm.est holds counts seen */
    int narrow;    /* the terms count at most ACC8_MAX: the byte counters (c->acc8) */
    /* The chunks of a group's key over all buckets, read with one seek the first time a bucket
     * asks for it when it has at most KEY_CHUNKS (a rare key: most near words and compound
     * parts), so that the other buckets and passes of the query need no seek of their own
     * (most of them find nothing). mst[m]: 0 not read yet, 1 in kc[kc0[m], + kcn[m]), 2 more
     * chunks than that (read per bucket). Only the groups' keys (m < nkeys) are kept. */
    tm_chunk *kc;
    size_t nkc, kccap, nkeys;
    unsigned klo, khi; /* the buckets of the query's window at min: all a pass can read */
    size_t *kc0, *kcn;
    unsigned char *mst;
    size_t kc0cap, kcncap, mstcap;
    /* build_groups' */
    gtok *gt;
    uint64_t *term;
    size_t gtcap, termcap, headcap;
    xlist xl;
    gbuild g;
} qidx;

#define KEY_CHUNKS 16

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

/* bits (one per id, all zero between uses) covering id top: *capids counts ids */
static int bits_grow(uint64_t **bits, size_t *capids, uint32_t top)
{
    if (top < *capids)
        return 0;
    size_t oldw = *capids / 64, neww = (size_t)top / 64 + 1, cap = oldw;
    if (JISR_GROW(*bits, cap, neww) < 0)
        return JISR_ENOMEM;
    memset(*bits + oldw, 0, (cap - oldw) * sizeof **bits);
    *capids = cap * 64;
    return 0;
}

/* the same, covering every id in v[0..n) */
static int bits_reserve(uint64_t **bits, size_t *capids, const uint32_t *v, size_t n)
{
    uint32_t top = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > top)
            top = v[i];
    return bits_grow(bits, capids, top);
}

/* room for n keys in the keys' side arrays */
static int grow_aux(qidx *x, size_t n)
{
    if (n <= x->mauxcap)
        return 0;
    size_t cap = x->mauxcap ? x->mauxcap : 64;
    while (cap < n)
        cap *= 2;
    unsigned char *a = realloc(x->mand, cap);
    if (!a)
        return jisr_oom(cap);
    x->mand = a;
    size_t *b = realloc(x->mc0, cap * sizeof *b);
    if (!b)
        return jisr_oom(cap * sizeof *b);
    x->mc0 = b;
    if (!(b = realloc(x->mnc, cap * sizeof *b)))
        return jisr_oom(cap * sizeof *b);
    x->mnc = b;
    x->mauxcap = cap;
    return 0;
}

/* The chunks of cache entry e in the query's window, appended to x->kc. */
static int key_serve(qidx *x, const tm_kcache *e)
{
    for (uint32_t i = 0; i < e->n; i++) {
        if (e->ch[i].bucket < x->klo || e->ch[i].bucket > x->khi)
            continue;
        int rc = JISR_GROW(x->kc, x->kccap, x->nkc + 1);
        if (rc < 0)
            return rc;
        x->kc[x->nkc++] = e->ch[i];
    }
    return 0;
}

/* A group key's chunks of the query's window [klo, khi], appended to x->kc: 0 when those are all
 * of them, 1 when there are more than KEY_CHUNKS (the caller drops what was appended), negative
 * on an error — tm_post_chunks_max over the window, through the context's cache of keys (four
 * ways a set): an entry read over a window that holds this one, in the same committed state, has
 * the same chunks. A key found to have more in some window is read bucket by bucket in every
 * window after (1 without a read: either way is exact, and re-reading sixteen chunks of a common
 * key to learn it again cost more than the seeks it could save). */
static int key_window(qidx *x, uint64_t key)
{
    jisr_tm_ctx *c = x->c;
    tm_kcache *set = NULL, *e = NULL;
    if (c->kcache || (c->kcache = calloc(TM_KCACHE, sizeof *c->kcache)) != NULL) {
        uint64_t h = (key ^ (x->lh * 0xC2B2AE3D27D4EB4FULL)) * 0x9E3779B97F4A7C15ULL;
        set = &c->kcache[((h >> 40) % (TM_KCACHE / 4)) * 4];
        for (int w = 0; w < 4 && !e; w++)
            if (set[w].valid && set[w].key == key && set[w].lh == x->lh)
                e = &set[w];
    }
    if (e && e->more) /* a common key: read bucket by bucket, whatever the window */
        return 1;
    if (e && e->lo <= x->klo && e->hi >= x->khi)
        return key_serve(x, e);
    size_t n0 = x->nkc;
    unsigned lo = x->klo, hi = x->khi;
    if (e && !e->more) { /* the key again in another window: read both, to serve either later */
        lo = e->lo < lo ? e->lo : lo;
        hi = e->hi > hi ? e->hi : hi;
    }
    int rc = tm_post_chunks_max(&x->cur, tm_post_key(x->lh, key, lo), hi, KEY_CHUNKS, &x->kc,
                                &x->nkc, &x->kccap);
    if (rc == 1 && (lo != x->klo || hi != x->khi)) { /* too many together: this window alone */
        x->nkc = n0;
        lo = x->klo;
        hi = x->khi;
        rc = tm_post_chunks_max(&x->cur, tm_post_key(x->lh, key, lo), hi, KEY_CHUNKS, &x->kc,
                                &x->nkc, &x->kccap);
    }
    if (rc < 0 || !set || lo > 0xFF || hi > 0xFF)
        return rc;
    if (!e) { /* an empty way, else the next in turn */
        for (int w = 0; w < 4 && !e; w++)
            if (!set[w].valid)
                e = &set[w];
        if (!e)
            e = &set[c->kturn++ & 3];
    }
    size_t n = rc == 0 ? x->nkc - n0 : 0;
    e->valid = 0;
    if (n > e->cap) {
        tm_chunk *v = realloc(e->ch, n * sizeof *v);
        if (!v)
            return rc; /* not kept */
        e->ch = v;
        e->cap = (uint32_t)n;
        size_t i = (size_t)(e - c->kcache);
        c->kheld[i / 64] |= (uint64_t)1 << (i % 64);
    }
    if (n)
        memcpy(e->ch, x->kc + n0, n * sizeof *e->ch);
    e->n = (uint32_t)n;
    e->more = rc == 1;
    e->key = key;
    e->lh = x->lh;
    e->lo = (unsigned char)lo;
    e->hi = (unsigned char)hi;
    e->valid = 1;
    if (rc == 0 && (lo != x->klo || hi != x->khi)) { /* hand out this window's chunks */
        x->nkc = n0;
        return key_serve(x, e);
    }
    return rc;
}

/* Collect term t's chunks of bucket b (appended to x->ch; each key's range in mc0/mnc), its df
 * (for an AND pair, the smaller of the two), and remember that df as the estimate for the next
 * buckets. */
static int walk_term(qidx *x, qterm *t, unsigned b)
{
    t->c0 = x->nch;
    t->df = 0;
    int rc = 0;
    uint64_t pair_df = 0;
    for (size_t k = 0; k < t->nm && rc == 0; k++) { /* every key of the group, one after another */
        size_t m = t->m0 + k;
        uint64_t df = 0;
        x->mc0[m] = x->nch;
        int keyed = m < x->nkeys && b >= x->klo && b <= x->khi;
        if (keyed && x->mst[m] == 0) {
            size_t k0 = x->nkc;
            rc = key_window(x, x->mem[m]);
            if (rc < 0)
                break;
            x->kc0[m] = k0;
            x->kcn[m] = x->nkc - k0;
            x->mst[m] = rc == 0 ? 1 : 2;
            if (rc) /* a common key: read bucket by bucket */
                x->nkc = k0;
            rc = 0;
        }
        if (keyed && x->mst[m] == 1) { /* the same chunks as a walk of bucket b */
            for (size_t i = x->kc0[m]; i < x->kc0[m] + x->kcn[m] && rc == 0; i++) {
                if (x->kc[i].bucket != b)
                    continue;
                if ((rc = JISR_GROW(x->ch, x->chcap, x->nch + 1)) == 0) {
                    x->ch[x->nch++] = x->kc[i];
                    df += x->kc[i].count;
                }
            }
        } else {
            rc = tm_post_chunks(&x->cur, tm_post_key(x->lh, x->mem[m], b), b, &x->ch, &x->nch,
                                &x->chcap, &df);
        }
        x->mnc[m] = x->nch - x->mc0[m];
        if (x->mand[m]) /* the first of an AND pair */
            pair_df = df;
        else if (m > t->m0 && x->mand[m - 1])
            t->df += df < pair_df ? df : pair_df;
        else
            t->df += df;
    }
    t->nc = x->nch - t->c0;
    t->est = t->df;
    return rc;
}

/* the ids of chunks x->ch[c0, c0 + nc) appended to *ids; with marked, only those of the
 * survivors (x->smark) */
static int decode_range(qidx *x, size_t c0, size_t nc, uint32_t **ids, size_t *n, size_t *cap,
                        int marked)
{
    for (size_t k = 0; k < nc; k++) {
        const tm_chunk *h = &x->ch[c0 + k];
        int rc = marked ? tm_chunk_ids_marked(h, x->smark, x->smarkcap, ids, n, cap)
                        : tm_chunk_ids(h, ids, n, cap);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ids of term t's chunks (all of one bucket), appended to x->ids: the union of its keys' lists,
 * an AND pair contributing the ids in both of its lists (sorted lists: a merge) */
static int term_ids_w(qidx *x, const qterm *t, size_t *n, int marked)
{
    size_t n0 = *n;
    int rc = 0, multi = 0;
    for (size_t k = 0; k < t->nm && rc == 0; k++) {
        size_t m = t->m0 + k;
        if (!x->mand[m]) {
            rc = decode_range(x, x->mc0[m], x->mnc[m], &x->ids, n, &x->idcap, marked);
            multi += 1;
            continue;
        }
        size_t na = 0, nb = 0;
        if ((rc = decode_range(x, x->mc0[m], x->mnc[m], &x->pa, &na, &x->pacap, marked)) < 0 ||
            (rc = decode_range(x, x->mc0[m + 1], x->mnc[m + 1], &x->pb, &nb, &x->pbcap, marked)) <
                0 ||
            (rc = JISR_GROW(x->ids, x->idcap, *n + (na < nb ? na : nb) + 1)) < 0)
            break;
        for (size_t i = 0, j = 0; i < na && j < nb;) {
            if (x->pa[i] < x->pb[j])
                i++;
            else if (x->pa[i] > x->pb[j])
                j++;
            else {
                x->ids[(*n)++] = x->pa[i];
                i++;
                j++;
            }
        }
        multi += 2;
        k++; /* the pair's second key */
    }
    if (rc == 0 && multi > 1 && *n - n0 > 1) { /* a unit with two keys of the group counts once */
        jisr_tm_ctx *c = x->c;
        uint32_t *v = x->ids + n0;
        size_t m = *n - n0, w = 0;
        /* marks: one bit per id, all zero between groups (an eighth of a megabyte for a million
         * units, which stays in the cache where a word per id did not), grown as ids need */
        uint64_t *mk = c->mark;
        for (size_t i = 0; i < m; i++) {
            if (v[i] >= c->markcap) {
                if ((rc = bits_grow(&c->mark, &c->markcap, v[i])) < 0)
                    return rc;
                mk = c->mark;
            }
            uint64_t bit = (uint64_t)1 << (v[i] & 63);
            if (!(mk[v[i] >> 6] & bit)) {
                mk[v[i] >> 6] |= bit;
                v[w++] = v[i];
            }
        }
        for (size_t i = 0; i < w; i++) /* leave the marks all zero */
            mk[v[i] >> 6] = 0;
        *n = n0 + w;
    }
    return rc;
}

static int term_ids(qidx *x, const qterm *t, size_t *n)
{
    return term_ids_w(x, t, n, 0);
}

/* term_ids restricted to the survivors of the bucket (their bits in x->smark): the same ids as
 * term_ids followed by a test of each, without storing the others (an AND pair intersects its
 * two lists' survivors, which is the survivors of its intersection) */
static int term_hits(qidx *x, const qterm *t, size_t *n)
{
    return term_ids_w(x, t, n, 1);
}

int tm_unit_rec(jisr_tm_ctx *c, uint32_t id, MDB_val *ud)
{
    uint64_t tag = (uint64_t)c->qserial << 32 | id;
    size_t slot = id % TM_RCACHE;
    if (c->trtag && c->trtag[slot] == tag) {
        *ud = c->trec[slot];
        return 0;
    }
    /* through one cursor for the whole query: LMDB looks on the cursor's leaf page first, so
     * an id near the one read before (a bucket's survivors of equal count ascend) needs no
     * descent from the root, and no cursor is set up for each read as mdb_get does */
    if (!c->ucur.c && tm_cur_open(&c->ucur, &c->t, c->tm->units) < 0)
        return c->t.rc;
    MDB_val uk = {sizeof id, &id};
    if (!tm_cur_get(&c->ucur, &uk, ud, MDB_SET_KEY, "reading a unit"))
        return c->t.rc < 0 ? c->t.rc : 1;
    if (!c->trtag) {
        c->trec = malloc(TM_RCACHE * sizeof *c->trec);
        c->trtag = calloc(TM_RCACHE, sizeof *c->trtag);
        if (!c->trec || !c->trtag) { /* no room: read again when asked again */
            free(c->trec);
            free(c->trtag);
            c->trec = NULL;
            c->trtag = NULL;
            return 0;
        }
    }
    c->trec[slot] = *ud;
    c->trtag[slot] = tag;
    return 0;
}

/* Candidates of one length bucket: prefix filter, bound tightening, exact scoring. Shared terms
 * are counted in a dense per-id array (c->acc, all zero between calls) instead of sorting
 * postings: the work is linear in the ids read. Only this bucket's chunks are read, after the
 * buckets nearer the query's length, whose matches may have raised the bar (eff_min). */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif
static ALWAYS_INLINE int bucket_pass_w(jisr_tm_ctx *c, qidx *x, unsigned b, const int narrow)
{
    qterm *t = x->t;
    size_t nt = x->nt, nids = 0, ntouch = 0;
    uint32_t wq = c->q.w100, hq = c->q.nheavy, lq = c->q.nlight;
    int min = tm_eff_min(c), rc = 0, smarked = 0;
    int64_t minc = bucket_minc(wq, hq, lq, c->ksplit, min, b);
    if (minc > (int64_t)hq) /* more shared words than the query has: nothing here can match */
        return 0;
    /* minc ≤ 0: a unit may match by punctuation alone. The heavy terms then find every unit
     * sharing one of them (the prefix covers them all), and the light-share postings the units
     * whose punctuation is at least min % of their length, the only others that can match. */
    int light = minc <= 0;
    int64_t minch = light ? 1 : minc;
    size_t need = hq ? (size_t)((int64_t)hq - minch + 1) : 0, nw = 0, covered = 0;
    /* Which terms are rare here is known only by walking their chunks, and the common ones
     * (most of the chunks) are seldom read. The first bucket walks every term; later ones walk
     * the terms in the order of their counts in the buckets seen so far until the prefix can be
     * chosen with some choice left, and the rest only when verification reaches them. Any
     * order is exact: it only decides which lists are read. */
    x->nch = 0;
    if (x->est_known)
        sort_terms(t, nt, 1);
    while (nw < nt && (!x->est_known || covered < need + PREFIX_SLACK)) {
        if ((rc = walk_term(x, &t[nw], b)) < 0)
            return rc;
        covered += t[nw++].cq;
    }
    x->est_known = 1;
    sort_terms(t, nw, 0);
    /* prefix: terms whose counts add up to hq − minc + 1, so that the rest cannot reach minc
     * on their own */
    size_t ns = 0;
    if ((rc = choose_prefix(x, nw, need, &ns)) < 0)
        return rc;
    int64_t rest = hq;
    for (size_t i = 0; i < ns; i++)
        rest -= t[i].cq;
    if (rest >= minch) /* cannot happen: the prefix covers hq − minc + 1 */
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
        if (nids && (rc = acc_reserve(c, narrow, ids[nids - 1])) < 0) /* ids ascend: one realloc */
            goto done;
        /* the counters in locals: a byte store may alias anything, and the context's fields
         * would be read again after each one */
        size_t cap = acc_cap(c, narrow);
        uint8_t *a8 = c->acc8;
        uint32_t *a32 = c->acc, cq = t[i].cq;
        for (size_t k = 0; k < nids; k++) {
            uint32_t id = ids[k];
            /* the counters are read at random over the whole id range: ask for them early */
            if (k + PREFETCH < nids) {
                uint32_t f = ids[k + PREFETCH];
                if (f < cap)
                    ACC_PREFETCH(narrow ? (const void *)&a8[f] : (const void *)&a32[f]);
            }
            if (id >= cap) { /* beyond the counters: a corrupt, unsorted list */
                if ((rc = acc_reserve(c, narrow, id)) < 0)
                    goto done;
                cap = acc_cap(c, narrow);
                a8 = c->acc8;
                a32 = c->acc;
            }
            uint32_t v = narrow ? a8[id] : a32[id];
            /* without a branch: whether a counter was zero is as good as random */
            touched[ntouch] = id;
            ntouch += v == 0;
            if (narrow)
                a8[id] = (uint8_t)(v + cq);
            else
                a32[id] = v + cq;
        }
    }
    if (light) { /* the units that may match by punctuation: light share ≥ min/100 */
        for (unsigned band = (unsigned)min / 10; band <= 10; band++) {
            qterm lt = {0};
            uint64_t lk = tm_light_term(band);
            lt.hk = lk;
            lt.nm = 1;
            size_t m0 = x->nmem;
            if ((rc = JISR_GROW(x->mem, x->memcap, m0 + 1)) < 0)
                goto done;
            x->mem[m0] = lk;
            if ((rc = grow_aux(x, m0 + 1)) < 0)
                goto done;
            x->mand[m0] = 0;
            lt.m0 = m0;
            size_t c0 = x->nch;
            if ((rc = walk_term(x, &lt, b)) < 0)
                goto done;
            nids = 0;
            if ((rc = term_ids(x, &lt, &nids)) < 0)
                goto done;
            x->nch = c0;
            x->nmem = m0;
            if ((rc = JISR_GROW(x->touched, x->tcap, ntouch + nids)) < 0)
                goto done;
            touched = x->touched;
            for (size_t k = 0; k < nids; k++) {
                uint32_t id = x->ids[k];
                if (id >= acc_cap(c, narrow) && (rc = acc_reserve(c, narrow, id)) < 0)
                    goto done;
                if (acc_get(c, narrow, id) == 0) {
                    touched[ntouch++] = id;
                    acc_put(c, narrow, id, ACC_LIGHT(narrow));
                }
            }
        }
    }
    size_t alive = 0;
    for (size_t k = 0; k < ntouch; k++) {
        uint32_t id = touched[k];
        if ((int64_t)ACC_N(acc_get(c, narrow, id), narrow) + rest >= minc)
            touched[alive++] = id;
        else
            acc_put(c, narrow, id, 0);
    }
    ntouch = alive;
    /* the other terms, rarest first, tighten the bound while that is cheaper than scoring; the
     * survivors (acc ≠ 0) have their bits in x->smark, so a list is decoded without storing the
     * ids of non-survivors, most of them */
    for (size_t ri = ns; ri < nt && ntouch > 0; ri++) {
        if (ri == nw && (rc = walk_term(x, &t[nw++], b)) < 0)
            goto done;
        if (t[ri].df > VERIFY_RATIO * ntouch + 64)
            break;
        if (!smarked) {
            if ((rc = bits_reserve(&x->smark, &x->smarkcap, touched, ntouch)) < 0)
                goto done;
            for (size_t k = 0; k < ntouch; k++)
                x->smark[touched[k] >> 6] |= (uint64_t)1 << (touched[k] & 63);
            smarked = 1;
        }
        nids = 0;
        if ((rc = term_hits(x, &t[ri], &nids)) < 0)
            goto done;
        const uint32_t *ids = x->ids;
        for (size_t k = 0; k < nids; k++) /* survivors: acc ≠ 0 */
            acc_put(c, narrow, ids[k], acc_get(c, narrow, ids[k]) + t[ri].cq);
        rest -= t[ri].cq;
        alive = 0;
        for (size_t k = 0; k < ntouch; k++) {
            uint32_t id = touched[k];
            if ((int64_t)ACC_N(acc_get(c, narrow, id), narrow) + rest >= minc) {
                touched[alive++] = id;
            } else {
                acc_put(c, narrow, id, 0);
                x->smark[id >> 6] &= ~((uint64_t)1 << (id & 63));
            }
        }
        ntouch = alive;
    }
    /* exact scoring of the survivors, most shared terms first (good matches fill the top list
     * early and raise its bar); rest = Σ cq of the terms not verified. Once the bar has risen,
     * minc rises with it, and since acc only falls along the list, the first survivor below it
     * ends the bucket. */
    if (ntouch > 1) { /* as keys (~count, id): one comparison of integers */
        if ((rc = JISR_GROW(x->skey, x->skeycap, ntouch)) < 0)
            goto done;
        uint64_t *sk = x->skey;
        for (size_t k = 0; k < ntouch; k++)
            sk[k] = (uint64_t)(0x7fffffffu - ACC_N(acc_get(c, narrow, touched[k]), narrow)) << 32 |
                    touched[k];
        if (ntouch <= 32) {
            for (size_t i = 1; i < ntouch; i++) {
                uint64_t v = sk[i];
                size_t j = i;
                for (; j > 0 && sk[j - 1] > v; j--)
                    sk[j] = sk[j - 1];
                sk[j] = v;
            }
        } else {
            qsort(sk, ntouch, sizeof *sk, cmp_u64);
        }
        for (size_t k = 0; k < ntouch; k++)
            touched[k] = (uint32_t)sk[k];
    }
    for (size_t k = 0; k < ntouch && rc == 0; k++) {
        unsigned int id = touched[k];
        int m2 = tm_eff_min(c);
        if (m2 != min) {
            min = m2;
            minc = bucket_minc(wq, hq, lq, c->ksplit, min, b);
        }
        if ((int64_t)ACC_N(acc_get(c, narrow, id), narrow) + rest < minc)
            break;
        uint32_t cub = ACC_N(acc_get(c, narrow, id), narrow) + (uint32_t)rest;
        /* the next units' records, fetched while this one is scored: with the snapshot's
         * directory the reads of a unit cost cache and TLB misses, not LMDB's descents */
        tm_snap_units_ahead(&c->t, touched, k, ntouch);
        MDB_val ud;
        if ((rc = tm_unit_rec(c, id, &ud)) != 0) {
            if (rc < 0)
                break;
            rc = 0;
            continue; /* deleted: its postings are removed lazily */
        }
        if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec)) < 0 ||
            (rc = tm_score_rec(c, id, cub)) < 0 || (rc = tm_late(c) ? 1 : 0) != 0)
            break;
    }
done:
    for (size_t k = 0; k < ntouch; k++) /* leave the accumulator all zero */
        acc_put(c, narrow, touched[k], 0);
    for (size_t k = 0; smarked && k < ntouch; k++) /* and the survivors' bits */
        x->smark[touched[k] >> 6] = 0;
    return rc < 0 ? tm_txn_set(&c->t, rc) : 0;
}

static int bucket_pass(jisr_tm_ctx *c, qidx *x, unsigned b)
{
    return x->narrow ? bucket_pass_w(c, x, b, 1) : bucket_pass_w(c, x, b, 0);
}

/* ---- the query's groups ------------------------------------------------------------------- */

static int cmp_gtok(const void *a, const void *b)
{
    const gtok *x = a, *y = b;
    if (x->hk != y->hk)
        return x->hk < y->hk ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int collect_near(void *ctx, const char *w, size_t n, uint32_t cost)
{
    (void)cost;
    gbuild *g = ctx;
    int rc = JISR_GROW(g->v, g->cap, g->n + 1);
    if (rc < 0 || (rc = JISR_GROW(g->pair, g->pcap, g->n + 1)) < 0)
        return rc;
    g->pair[g->n] = 0;
    g->v[g->n++] = tm_hash(w, n, TM_WORD);
    return 0;
}

/* the key bytes of a and b joined, in buf (256 bytes): their length, or 0 when too long */
static size_t joined(const tm_tok *a, const tm_tok *b, char *buf)
{
    if (a->kl + b->kl > 256)
        return 0;
    memcpy(buf, a->kp, a->kl);
    memcpy(buf + a->kl, b->kp, b->kl);
    return a->kl + b->kl;
}

/* Add key k to the member list of token pos. */
static int xadd(xlist *l, uint32_t pos, uint64_t k, int pair)
{
    size_t old = l->cap;
    int rc = JISR_GROW(l->key, l->cap, l->n + 1);
    if (rc < 0)
        return rc;
    size_t cap = l->cap;
    if (cap != old || !l->next || !l->pair) { /* the side arrays follow the keys' capacity */
        int32_t *nx = realloc(l->next, cap * sizeof *nx);
        if (!nx)
            return jisr_oom(cap * sizeof *nx);
        l->next = nx;
        unsigned char *np = realloc(l->pair, cap);
        if (!np)
            return jisr_oom(cap);
        l->pair = np;
    }
    l->pair[l->n] = (unsigned char)pair;
    l->key[l->n] = k;
    l->next[l->n] = l->head[pos];
    l->head[pos] = (int32_t)l->n++;
    return 0;
}

/* The query's terms and their groups (docs/matching.md §4.1, §4.2): each word occurrence and
 * number position as the index has them, with, for a word, the keys of its near words in the
 * vocabulary, the parts of a split of it into two vocabulary words, and the joins of it with a
 * neighbour that are vocabulary words. Sets c->ksplit and c->kcomp. */
/* Is this word in the vocabulary? Through a small cache on the context: the same words come
 * back query after query (valid while no write has committed: the read transaction's id). */
static int vocab_has(jisr_tm_ctx *c, tm_cur *vc, uint64_t lh, const char *w, size_t n)
{
    if (!vc->c)
        return 0;
    uint64_t h = tm_hash(w, n, lh), tag = h | 1;
    tm_vcache *e = &c->vcache[h % TM_VCACHE];
    if (e->tag == tag)
        return e->has;
    int r = tm_vocab_has(vc, lh, w, n);
    if (r >= 0) {
        e->tag = tag;
        e->has = (unsigned char)r;
        c->vcache_used = 1;
    }
    return r;
}

/* The keys of the near words of w, appended to g (through the context's cache; g->n on entry
 * is 0). */
static int near_keys(jisr_tm_ctx *c, tm_cur *vc, uint64_t lh, const char *w, size_t n, gbuild *g)
{
    if (!c->ncache && !(c->ncache = calloc(TM_NCACHE, sizeof *c->ncache)))
        return tm_vocab_near(vc, lh, w, n, collect_near, g); /* no room: no cache */
    uint64_t h = tm_hash(w, n, lh ^ 0x6E656172ULL), tag = h | 1;
    tm_ncache *e = &c->ncache[h % TM_NCACHE];
    if (e->tag == tag) {
        int rc = JISR_GROW(g->v, g->cap, e->n + 1);
        if (rc < 0 || (rc = JISR_GROW(g->pair, g->pcap, e->n + 1)) < 0)
            return rc;
        if (e->n) {
            memcpy(g->v, e->key, e->n * sizeof *g->v);
            memset(g->pair, 0, e->n);
        }
        g->n = e->n;
        return 0;
    }
    int rc = tm_vocab_near(vc, lh, w, n, collect_near, g);
    if (rc < 0)
        return rc;
    e->tag = 0;
    if (g->n <= TM_NCACHE_KEYS && JISR_GROW(e->key, e->cap, g->n + 1) == 0) {
        size_t i = h % TM_NCACHE;
        c->nheld[i / 64] |= (uint64_t)1 << (i % 64);
        e->tag = tag;
        e->n = g->n;
        if (g->n)
            memcpy(e->key, g->v, g->n * sizeof *g->v);
    }
    return 0;
}

static int build_groups(jisr_tm_ctx *c, qidx *x)
{
    const tm_toks *q = &c->q;
    size_t n = q->n;
    int rc = 0;
    tm_cur vc = {.t = &c->t};
    if (c->tm->vocab && (rc = tm_cur_open(&vc, &c->t, c->tm->vocab)) < 0)
        return rc;
    size_t txid = mdb_txn_id(c->t.txn);
    unsigned long snap = c->t.snap ? c->t.snap->serial : 0;
    if (txid != c->vcache_txn || c->tm->map_gen != c->vcache_gen || snap != c->vcache_snap) {
        /* another state of the memory, the map moved, or another directory (the chunks' decoded
         * ids are its own): forget what was looked up */
        if (c->vcache_used) /* (a new context's is zero: its pages are not touched) */
            memset(c->vcache, 0, sizeof c->vcache);
        c->vcache_used = 0;
        if (c->ncache)
            for (size_t i = 0; i < TM_NCACHE; i++)
                c->ncache[i].tag = 0;
        if (c->kcache) /* its chunks point into the pages of the state before */
            for (size_t i = 0; i < TM_KCACHE; i++)
                c->kcache[i].valid = 0;
        c->vcache_txn = txid;
        c->vcache_gen = c->tm->map_gen;
        c->vcache_snap = snap;
    }
    if ((rc = JISR_GROW(x->gt, x->gtcap, n + 1)) < 0 ||
        (rc = JISR_GROW(x->term, x->termcap, n + 1)) < 0 ||
        (rc = JISR_GROW(x->xl.head, x->headcap, n + 1)) < 0)
        goto done;
    gtok *gt = x->gt;
    uint64_t *term = x->term;
    xlist *xl = &x->xl;
    gbuild *g = &x->g;
    xl->n = 0;
    g->n = 0;
    c->ksplit = c->kcomp = 0;
    c->lcs.nsplit = 0;
    c->lcs.ready = 0;
    /* The compound steps the distance must try: a unit's two words can only make a query word
     * that splits into two vocabulary words, and a query join only a vocabulary word. The
     * exhaustive path tries them all, with the same results (every unit word is in the
     * vocabulary); here only those, and most candidates take the distance's plain loop. */
    uint64_t split_lens = 0;
    for (size_t k = 0; k < n && c->qj.any; k++) {
        if (!c->qj.j2[k] && !c->qj.j3[k])
            continue;
        char jb[256];
        size_t other = c->qj.j2[k] ? k + 1 : k + 2;
        size_t jl = joined(&q->v[k], &q->v[other], jb);
        int h = jl ? vocab_has(c, &vc, x->lh, jb, jl) : 0;
        if (h < 0) {
            rc = c->t.rc ? c->t.rc : JISR_EDB;
            goto done;
        }
        if (!h)
            c->qj.j2[k] = c->qj.j3[k] = 0;
    }
    size_t nw = 0, nnum = 0;
    for (size_t k = 0; k < n; k++) {
        xl->head[k] = -1;
        term[k] = 0;
        if (q->v[k].kind == TM_WORD)
            gt[nw++] = (gtok){q->v[k].hk, (uint32_t)k};
        else if (q->v[k].kind == TM_NUMBER)
            term[k] = tm_num_term(nnum++);
    }
    /* occurrence terms, and per distinct key its near words and splits (once) */
    qsort(gt, nw, sizeof *gt, cmp_gtok);
    for (size_t i = 0; i < nw && rc == 0;) {
        size_t j = i;
        while (j < nw && gt[j].hk == gt[i].hk)
            j++;
        for (size_t k = i; k < j; k++)
            term[gt[k].pos] = tm_occ_term(gt[i].hk, k - i);
        const tm_tok *w = &q->v[gt[i].pos];
        g->n = 0;
        if (vc.c && (rc = near_keys(c, &vc, x->lh, w->kp, w->kl, g)) < 0)
            break;
        /* splits into two vocabulary words of at least two code points each */
        int split = 0;
        const unsigned char *kb = (const unsigned char *)w->kp;
        for (size_t p = 1; p + 1 < w->kl && rc == 0; p++) {
            if ((kb[p] & 0xC0) == 0x80)
                continue; /* inside a code point */
            size_t cl = 0, cr = 0;
            for (size_t z = 0; z < p; z++)
                cl += (kb[z] & 0xC0) != 0x80;
            for (size_t z = p; z < w->kl; z++)
                cr += (kb[z] & 0xC0) != 0x80;
            if (cl < 2 || cr < 2 || cl + cr < 5 || cl + cr > TM_NEAR_MAXCP)
                continue;
            int hx = vocab_has(c, &vc, x->lh, w->kp, p);
            int hy = hx > 0 ? vocab_has(c, &vc, x->lh, w->kp + p, w->kl - p) : hx;
            if (hx < 0 || hy < 0) {
                rc = c->t.rc ? c->t.rc : JISR_EDB;
                break;
            }
            if (hx && hy) { /* the two parts count only together: an AND pair */
                split = 1;
                if ((rc = JISR_GROW(g->v, g->cap, g->n + 2)) < 0)
                    break;
                if ((rc = JISR_GROW(g->pair, g->pcap, g->n + 2)) < 0)
                    break;
                g->pair[g->n] = 1;
                g->v[g->n++] = tm_hash(w->kp, p, TM_WORD);
                g->pair[g->n] = 0;
                g->v[g->n++] = tm_hash(w->kp + p, w->kl - p, TM_WORD);
                for (size_t z = i; z < j && rc == 0; z++) { /* for the order-aware filter */
                    tm_lcs *l = &c->lcs;
                    if ((rc = jisr_grow((void **)&l->split, &l->splitcap, l->nsplit + 2,
                                        sizeof *l->split)) < 0)
                        break;
                    l->split[l->nsplit].key = g->v[g->n - 2];
                    l->split[l->nsplit++].pos = gt[z].pos;
                    l->split[l->nsplit].key = g->v[g->n - 1];
                    l->split[l->nsplit++].pos = gt[z].pos;
                }
            }
        }
        if (split)
            split_lens |= (uint64_t)1 << (w->kl < 63 ? w->kl : 63);
        for (size_t k = i; k < j && rc == 0; k++) {
            c->ksplit += (uint32_t)split;
            for (size_t z = g->n; z-- > 0 && rc == 0;) /* in order: xadd prepends */
                rc = xadd(xl, gt[k].pos, g->v[z], g->pair[z]);
        }
        i = j;
    }
    /* joins of neighbours (or of two words around a hyphen) that are vocabulary words */
    char buf[256];
    for (size_t k = 0; k + 1 < n && rc == 0; k++) {
        const tm_tok *a = &q->v[k];
        if (a->kind != TM_WORD)
            continue;
        size_t other = SIZE_MAX;
        if (q->v[k + 1].kind == TM_WORD)
            other = k + 1;
        else if (k + 2 < n && q->v[k + 2].kind == TM_WORD && q->v[k + 1].kind == TM_PUNCT &&
                 q->v[k + 1].nl == 1 && q->nb.data[q->v[k + 1].no] == '-')
            other = k + 2;
        if (other == SIZE_MAX)
            continue;
        size_t jl = tm_compound_ok(a, &q->v[other]) ? joined(a, &q->v[other], buf) : 0;
        int h = jl ? vocab_has(c, &vc, x->lh, buf, jl) : 0;
        if (h < 0) {
            rc = c->t.rc ? c->t.rc : JISR_EDB;
            break;
        }
        if (h) {
            uint64_t jk = tm_hash(buf, jl, TM_WORD);
            c->kcomp++;
            /* to the group of every occurrence of either word, not only of these two: a unit
             * holding the join holds one separate occurrence fewer of each, so the distance may
             * pair the join with these two and a later occurrence of the word with the unit's
             * last separate one, whose occurrence term is that of an earlier one (§4.2); a key
             * twice in a group is harmless (a unit counts once per group, term_ids) */
            for (size_t z = 0; z < n && rc == 0; z++)
                if (q->v[z].kind == TM_WORD &&
                    (q->v[z].hk == a->hk || q->v[z].hk == q->v[other].hk))
                    rc = xadd(xl, (uint32_t)z, jk, 0);
        }
    }
    c->kcomp += c->ksplit;
    if (rc < 0)
        goto done;
    c->qlens = split_lens;
    c->qj.any = 0;
    for (size_t k = 0; n >= 2 && k < n; k++)
        c->qj.any |= c->qj.j2[k] != 0 || c->qj.j3[k] != 0;
    /* the groups: one per term; a term repeated (capped occurrences, numbers from the 8th)
     * counts several times and unites its tokens' keys */
    if ((rc = JISR_GROW(x->t, x->tcapg, n + 1)) < 0)
        goto done;
    x->nt = 0;
    x->nmem = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        if (!term[k])
            continue;
        qterm *t = NULL;
        for (size_t i = 0; i < x->nt; i++)
            if (x->t[i].hk == term[k]) {
                t = &x->t[i];
                break;
            }
        if (!t) {
            t = &x->t[x->nt++];
            memset(t, 0, sizeof *t);
            t->hk = term[k];
            if ((rc = JISR_GROW(x->mem, x->memcap, x->nmem + 1)) < 0 ||
                (rc = grow_aux(x, x->nmem + 1)) < 0)
                break;
            t->m0 = x->nmem;
            x->mand[x->nmem] = 0;
            x->mem[x->nmem++] = term[k];
            t->nm = 1;
        } else if (t->m0 + t->nm != x->nmem) { /* keep its keys together: move them to the end */
            if ((rc = JISR_GROW(x->mem, x->memcap, x->nmem + t->nm)) < 0 ||
                (rc = grow_aux(x, x->nmem + t->nm)) < 0)
                break;
            memmove(x->mem + x->nmem, x->mem + t->m0, t->nm * sizeof *x->mem);
            memmove(x->mand + x->nmem, x->mand + t->m0, t->nm);
            t->m0 = x->nmem;
            x->nmem += t->nm;
        }
        t->cq++;
        for (int32_t e = xl->head[k]; e >= 0 && rc == 0; e = xl->next[e]) {
            int pair = xl->pair[e] && xl->next[e] >= 0;
            size_t len = pair ? 2 : 1;
            uint64_t k1 = xl->key[e], k2 = pair ? xl->key[xl->next[e]] : 0;
            int dup = 0;
            for (size_t z = 0; z < t->nm && !dup; z++) /* the same single key, or pair */
                dup = x->mem[t->m0 + z] == k1 && x->mand[t->m0 + z] == pair &&
                      (!pair || (z + 1 < t->nm && x->mem[t->m0 + z + 1] == k2));
            if (pair)
                e = xl->next[e];
            if (dup)
                continue;
            if ((rc = JISR_GROW(x->mem, x->memcap, x->nmem + len)) < 0 ||
                (rc = grow_aux(x, x->nmem + len)) < 0)
                break;
            x->mand[x->nmem] = (unsigned char)pair;
            x->mem[x->nmem++] = k1;
            if (pair) {
                x->mand[x->nmem] = 0;
                x->mem[x->nmem++] = k2;
            }
            t->nm += len;
        }
    }
done:
    tm_cur_close(&vc);
    return rc;
}

/* A query that needed more than QIDX_KEEP bytes of one of the largest arrays (a common term of
 * a huge memory, a very long query) gives them back: a pooled context keeps no more. */
#define QIDX_KEEP ((size_t)4 << 20)
#define QIDX_TRIM(p, cap)                                                                          \
    do {                                                                                           \
        if ((cap) * sizeof *(p) > QIDX_KEEP) {                                                     \
            free(p);                                                                               \
            (p) = NULL;                                                                            \
            (cap) = 0;                                                                             \
        }                                                                                          \
    } while (0)

static void qidx_trim(qidx *x)
{
    QIDX_TRIM(x->ids, x->idcap);
    QIDX_TRIM(x->touched, x->tcap);
    QIDX_TRIM(x->skey, x->skeycap);
    QIDX_TRIM(x->pa, x->pacap);
    QIDX_TRIM(x->pb, x->pbcap);
    QIDX_TRIM(x->ch, x->chcap);
    QIDX_TRIM(x->kc, x->kccap);
    QIDX_TRIM(x->from, x->fromcap);
}

void tm_qidx_free(struct tm_qidx *x)
{
    if (!x)
        return;
    free(x->t);
    free(x->mem);
    free(x->mand);
    free(x->mc0);
    free(x->mnc);
    free(x->pa);
    free(x->pb);
    free(x->ch);
    free(x->ids);
    free(x->touched);
    free(x->smark);
    free(x->skey);
    free(x->cost);
    free(x->from);
    free(x->kc);
    free(x->kc0);
    free(x->kcn);
    free(x->mst);
    free(x->gt);
    free(x->term);
    free(x->xl.key);
    free(x->xl.pair);
    free(x->xl.next);
    free(x->xl.head);
    free(x->g.v);
    free(x->g.pair);
    free(x);
}

int tm_indexed(jisr_tm_ctx *c)
{
    int min = c->o->min_score;
    uint32_t wq = c->q.w100, hq = c->q.nheavy;
    if (min <= 0)
        return tm_scan_all(c);
    if (tm_meta_get_u64(&c->t, "next_id", &c->id_limit) < 0)
        return c->t.rc;
    /* Every import records next_id (at least 2 once a unit is stored; ids are 32-bit): not
     * recorded means no unit was ever stored, so no posting may name one (1: any id read is
     * damage); above 2^32 it is damage itself. Never "no limit": the character search sizes its
     * per-id arrays by it. */
    if (!c->id_limit)
        c->id_limit = 1;
    else if (c->id_limit > (uint64_t)UINT32_MAX + 1)
        return tm_txn_corrupt(&c->t, "reading the memory's next unit id");
    if (!c->qx && !(c->qx = calloc(1, sizeof *c->qx)))
        return jisr_oom(sizeof *c->qx);
    qidx *x = c->qx; /* its arrays as the last query left them, its counts reset */
    x->cur = (tm_cur){0};
    x->nt = x->nch = x->nmem = x->nkc = x->nkeys = 0;
    x->klo = x->khi = 0;
    x->est_known = x->narrow = 0;
    x->c = c;
    x->lh = tm_lang_hash(c->o->srclang);
    int rc = build_groups(c, x);
    if (rc < 0)
        goto done;
    if ((rc = tm_lcs_prepare(c)) < 0)
        goto done;
    uint64_t sumcq = 0; /* bounds every counter of bucket_pass */
    for (size_t i = 0; i < x->nt; i++)
        sumcq += x->t[i].cq;
    x->narrow = sumcq <= ACC8_MAX;
    x->nkeys = x->nmem;
    if ((rc = JISR_GROW(x->kc0, x->kc0cap, x->nkeys + 1)) < 0 ||
        (rc = JISR_GROW(x->kcn, x->kcncap, x->nkeys + 1)) < 0 ||
        (rc = JISR_GROW(x->mst, x->mstcap, x->nkeys + 1)) < 0)
        goto done;
    memset(x->mst, 0, x->nkeys + 1);
    /* Below 10 a unit whose punctuation is under a tenth of it may match by punctuation alone
     * (Lemma 4), and such units have no light-share term: only scoring every unit is exact.
     * From 10 up the index always serves. So such a query takes the passes down to 10 with the
     * index, and scores every unit only when they leave its list open (scan_last). */
    unsigned lo, hi;
    bucket_window(wq, min, c->kcomp, &lo, &hi);
    x->klo = lo; /* the window only narrows as the bar rises */
    x->khi = hi;
    int scan_last = 0;
    for (unsigned b = lo; min < 10 && b <= hi && !scan_last; b++)
        scan_last = bucket_minc(wq, hq, c->q.nlight, c->ksplit, min, b) <= 0;
    if ((rc = tm_cur_open(&x->cur, &c->t, c->tm->post)) < 0)
        goto done;
    /* the query's own length first, then outwards (longer, then shorter): the best matches come
     * early, and once they fill the top list the window narrows to the buckets that can still
     * hold a unit tying its last score (eff_min only grows, so a bucket left out stays out) */
    unsigned b0 = tm_bucket(wq);
    /* Passes at falling thresholds (90, 70, 50, 40, then min): a pass at t finds every unit scoring
     * t or more, so once the list is full with its last score at least t, no unit left unscored
     * (all below t) can enter it, and the lower passes are not needed. The good matches of a query
     * often lie in a bucket far from its own length, found late by a single pass at a low min
     * after many poorer units were scored under its bar; a higher pass finds them first. The
     * pass at 40 serves a text that is half of one unit and half of another: its best matches
     * score about 45-50, one or two of them reach 50, and without it the pass at min (30) scored
     * thousands of units under a bar of 30 before the list filled (docs/matching.md §4.4). A
     * short query in a memory whose character search is on (c->sh.n) leaves the passes at 90 and
     * 40 out: there each pass repeats the character search, whose postings cost more than the
     * word walk, and those passes seldom end such a query (the stopping rule holds for any
     * thresholds); one whose matches reach 90 is found by the pass at 70 in its own length
     * first, and the bar rises there. A query below 10 that the index cannot serve at its min
     * (scan_last) takes the passes down to 30, 20 and 10, and only then scores every unit not
     * listed (tm_scan_all, at min): a list full at 10 or above ends it as any pass does. */
    static const int passes[] = {90, 70, 50, 40, 0}, low[] = {90, 70, 50, 40, 30, 20, 10, -1};
    const int *pv = scan_last ? low : passes;
    size_t npv = scan_last ? sizeof low / sizeof low[0] : sizeof passes / sizeof passes[0];
    for (size_t p = 0; p < npv && rc == 0 && !c->late; p++) {
        if (pv[p] > 0 && (pv[p] <= min || ((pv[p] == 40 || pv[p] == 90) && c->sh.n)))
            continue;
        if (pv[p] < 0) { /* every unit not listed yet, at min (Lemma 4 needs a bar of 10) */
            c->pass_min = 0;
            rc = tm_scan_all(c);
            break;
        }
        c->pass_min = pv[p];
        for (unsigned d = 0; rc == 0 && !c->late; d++) {
            bucket_window(wq, tm_eff_min(c), c->kcomp, &lo, &hi);
            int up = b0 + d <= hi, down = d > 0 && d <= b0 && b0 - d >= lo;
            if (!up && !down)
                break;
            if (up)
                rc = bucket_pass(c, x, b0 + d);
            if (rc == 0 && d > 0) {
                bucket_window(wq, tm_eff_min(c), c->kcomp, &lo, &hi);
                if (d <= b0 && b0 - d >= lo)
                    rc = bucket_pass(c, x, b0 - d);
            }
        }
        if (rc == 0 && !c->late) /* short texts: the character search at the same bar (§4.5) */
            rc = tm_short_pass(c);
        if (c->nbest == c->o->max_results && c->best[c->nbest - 1].score >= tm_eff_min(c))
            break; /* full at this pass's threshold: the rest are below it */
        c->repass = c->nbest > 0;
    }
    c->pass_min = 0;
    c->repass = 0;
done:
    tm_cur_close(&x->cur);
    qidx_trim(x);
    return rc;
}
