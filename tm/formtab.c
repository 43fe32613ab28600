/*
 * formtab.c — in-memory tables of the stored forms of short texts (docs/matching.md §4.5, "Form
 * tables", session 10).
 *
 * The scan of a length (short.c, Lemma 8) reads every stored form of one (language, length) by
 * an LMDB cursor and decodes its UTF-8 for Myers' lanes: about 700 instructions a form, most of
 * them the cursor step and the decoding. A handle that asks for it (jisr_tm_warm) keeps, for the
 * committed state it was built from, a copy of every stored form: per (language, length) the
 * ids and the code points as dense symbols (one global alphabet), in groups of TM_FT_G forms
 * laid out column by column so that a query's match masks are one lookup per symbol and the
 * lanes score a whole group at once (short.c). The tables are keyed by the read transaction's id
 * (mdb_txn_id: equal ids, equal data) and used only by a query whose transaction has that id and
 * whose forms' record stands at the next id (Lemma 8, checked at the build in the same state): a
 * table holds exactly the forms the cursor would read. Built once (jisr_tm_warm, or by a builder
 * thread that the first query finding them older than its state starts — that query, and the
 * others until they are built, go on without them), immutable, reference-counted, freed when
 * replaced and no longer used, or at close.
 */
#include <stdlib.h>
#include <string.h>

#include "tm/formtab.h"
#include "util/utf8.h"
#include "util/util.h"
#include "util/util_int.h"

static void ftab_free(tm_ftab *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nlang; i++)
        for (size_t l = 0; l < 256; l++) {
            free(f->lang[i].len[l].id);
            free(f->lang[i].len[l].sym);
            free(f->lang[i].len[l].sig);
        }
    for (size_t i = 0; i < f->nlang; i++) {
        free(f->lang[i].cls);
        free(f->lang[i].loc);
    }
    free(f->lang);
    free(f->hk);
    free(f->hv);
    free(f);
}

static inline size_t cp_hash(uint32_t cp, size_t cap)
{
    return (size_t)((cp * 2654435761u) & (cap - 1));
}

uint16_t tm_ftab_sym(const tm_ftab *f, uint32_t cp)
{
    if (!f->hcap)
        return 0;
    for (size_t h = cp_hash(cp, f->hcap);; h = (h + 1) & (f->hcap - 1)) {
        if (f->hk[h] == cp + 1)
            return f->hv[h];
        if (!f->hk[h])
            return 0;
    }
}

/* The symbol of cp, added when new: > 0, 0 when the alphabet is full (65,535 symbols), <0 out of
 * memory. */
static int sym_add(tm_ftab *f, uint32_t cp)
{
    if (2 * (f->nsym + 1) > f->hcap) { /* keep the load at most a half */
        size_t cap = f->hcap ? 2 * f->hcap : 1024;
        uint32_t *hk = calloc(cap, sizeof *hk);
        uint16_t *hv = calloc(cap, sizeof *hv);
        if (!hk || !hv) {
            free(hk);
            free(hv);
            return jisr_oom(cap * 6);
        }
        for (size_t i = 0; i < f->hcap; i++)
            if (f->hk[i]) {
                size_t h = cp_hash(f->hk[i] - 1, cap);
                while (hk[h])
                    h = (h + 1) & (cap - 1);
                hk[h] = f->hk[i];
                hv[h] = f->hv[i];
            }
        free(f->hk);
        free(f->hv);
        f->hk = hk;
        f->hv = hv;
        f->hcap = cap;
    }
    size_t h = cp_hash(cp, f->hcap);
    while (f->hk[h] && f->hk[h] != cp + 1)
        h = (h + 1) & (f->hcap - 1);
    if (f->hk[h])
        return f->hv[h];
    if (f->nsym >= 65535)
        return 0;
    f->hk[h] = cp + 1;
    f->hv[h] = (uint16_t)f->nsym;
    return (int)f->nsym++;
}

/* The forms of (prefix pfx | l), walked by cursor cur, into *out: 0 (out->n = 0 when the length
 * holds a form that does not decode to l code points or an id at or above next: the scan by the
 * cursor serves that length), <0 an error (in t, or out of memory). */
static int build_len(tm_ftab *f, tm_cur *cur, uint64_t pfx, size_t l, uint64_t next, uint32_t hint,
                     tm_ftlen *out)
{
    unsigned char key[12];
    jisr_be_put(key, pfx | l, 8);
    jisr_be_put(key + 8, 1, 4);
    MDB_val k = {12, key}, v;
    size_t n = 0, idcap = 0, symcap = 0;
    uint32_t *id = NULL;
    uint16_t *sym = NULL;
    int rc = 0, bad = 0;
    if (hint && (rc = JISR_GROW(id, idcap, hint)) < 0)
        return rc;
    for (int got = tm_cur_get(cur, &k, &v, MDB_SET_RANGE, "reading a short text's form"); got;
         got = tm_cur_get(cur, &k, &v, MDB_NEXT, "reading a short text's form")) {
        if (k.mv_size != 12 || memcmp(k.mv_data, key, 8) != 0)
            break;
        uint64_t x = jisr_be_get((const unsigned char *)k.mv_data + 8, 4);
        if (x >= next) {
            bad = 1;
            break;
        }
        if ((rc = JISR_GROW(id, idcap, n + 1)) < 0)
            break;
        size_t g = n / TM_FT_G, lane = n % TM_FT_G;
        if (lane == 0) {
            size_t need = (g + 1) * l * TM_FT_G;
            if ((rc = JISR_GROW(sym, symcap, need)) < 0)
                break;
            memset(sym + g * l * TM_FT_G, 0, l * TM_FT_G * sizeof *sym);
        }
        uint16_t *col = sym + g * l * TM_FT_G + lane;
        const unsigned char *p = v.mv_data;
        size_t j = 0;
        for (size_t i = 0; i < v.mv_size;) {
            size_t len;
            int32_t c = jisr_utf8_decode(p, v.mv_size, i, &len);
            i += len ? len : 1;
            if (j == l) {
                j++;
                break;
            }
            int s = sym_add(f, c < 0 ? 0xFFFD : (uint32_t)c);
            if (s <= 0) {
                rc = s;
                bad = s == 0;
                break;
            }
            col[j++ * TM_FT_G] = (uint16_t)s;
        }
        if (rc < 0 || bad)
            break;
        if (j != l) { /* not a form of length l: damage, left to the cursor's scan */
            bad = 1;
            break;
        }
        id[n++] = (uint32_t)x;
    }
    if (rc == 0 && cur->t->rc < 0)
        rc = cur->t->rc;
    if (rc < 0 || bad || !n) {
        free(id);
        free(sym);
        return rc < 0 ? rc : 0;
    }
    out->n = (uint32_t)n;
    out->id = id;
    out->sym = sym;
    f->nforms += n;
    f->bytes += idcap * sizeof *id + symcap * sizeof *sym;
    return 0;
}

static int cmp_freq(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b; /* (frequency << 16 | symbol): the frequent first */
    return *x < *y ? 1 : *x > *y ? -1 : 0;
}

/* The symbols' numbering and classes of language g and every signature of its forms
 * (formtab.h; docs/matching.md §4.5, Lemma 9): the symbols by falling frequency in the
 * language's forms, numbered in that order (its tables' symbols rewritten so), each into the
 * class of the least occurrences so far (so that the most frequent have a class each, and the
 * classes about equal shares of the rest). Any numbering and any assignment keep the scores and
 * Lemma 9 exact; this one makes the signatures' bound tight where it matters, on the frequent
 * code points, and the lanes' masks of most columns a lookup in 64 (short.c). 0, <0 out of
 * memory. */
static int ftab_sigs(tm_ftab *f, tm_ftlang *g)
{
    size_t ns = f->nsym;
    uint64_t *fr = calloc(ns, sizeof *fr);
    if (!fr || !(g->cls = calloc(ns, 1)) || !(g->loc = calloc(ns, sizeof *g->loc))) {
        free(fr);
        return jisr_oom(ns * 11);
    }
    f->bytes += ns * 3;
    for (size_t l = 1; l < 256; l++) {
        const tm_ftlen *t = &g->len[l];
        size_t nsy = (size_t)(t->n + TM_FT_G - 1) / TM_FT_G * l * TM_FT_G;
        for (size_t k = 0; k < nsy; k++)
            fr[t->sym[k]]++;
    }
    fr[0] = 0; /* the padding: 0 in every numbering, no class needed (its count is never read) */
    for (size_t y = 0; y < ns; y++)
        fr[y] = fr[y] << 16 | y;
    qsort(fr + 1, ns - 1, sizeof *fr, cmp_freq);
    for (size_t i = 1; i < ns; i++)
        g->loc[fr[i] & 0xFFFF] = (uint16_t)i;
    for (size_t l = 1; l < 256; l++) {
        tm_ftlen *t = &g->len[l];
        size_t nsy = (size_t)(t->n + TM_FT_G - 1) / TM_FT_G * l * TM_FT_G;
        for (size_t k = 0; k < nsy; k++)
            t->sym[k] = g->loc[t->sym[k]];
    }
    uint64_t mass[TM_FT_NCLS] = {0};
    for (size_t i = 1; i < ns; i++) {
        size_t b = 0;
        for (size_t c = 1; c < TM_FT_NCLS; c++)
            if (mass[c] < mass[b])
                b = c;
        g->cls[i] = (uint8_t)b;
        mass[b] += (fr[i] >> 16) + 1;
    }
    free(fr);
    for (size_t l = 1; l < 256; l++) {
        tm_ftlen *t = &g->len[l];
        if (!t->n)
            continue;
        size_t ng = (t->n + TM_FT_G - 1) / TM_FT_G;
        if (!(t->sig = calloc(ng * TM_FT_G, TM_FT_SIGB)))
            return jisr_oom(ng * TM_FT_G * TM_FT_SIGB);
        f->bytes += ng * TM_FT_G * TM_FT_SIGB;
        for (size_t k = 0; k < t->n; k++) {
            uint8_t cnt[TM_FT_NCLS] = {0};
            const uint16_t *col = t->sym + k / TM_FT_G * l * TM_FT_G + k % TM_FT_G;
            for (size_t j = 0; j < l; j++) {
                uint8_t *c = &cnt[g->cls[col[j * TM_FT_G]]];
                *c += *c < 15;
            }
            uint8_t *sg = t->sig + k * TM_FT_SIGB;
            for (size_t b = 0; b < TM_FT_SIGB; b++)
                sg[b] = (uint8_t)(cnt[b] | cnt[b + TM_FT_SIGB] << 4);
        }
    }
    return 0;
}

/* The tables of t's committed state into *out (usable only when the forms' record stands at the
 * next id). */
size_t tm_ftab_nbuild;

static int ftab_build(tm_txn *t, tm_ftab **out)
{
    __atomic_fetch_add(&tm_ftab_nbuild, 1, __ATOMIC_RELAXED);
    double t0 = jisr_now();
    tm_ftab *f = calloc(1, sizeof *f);
    if (!f)
        return jisr_oom(sizeof *f);
    f->txnid = mdb_txn_id(t->txn);
    f->nsym = 1; /* 0: the padding */
    uint64_t next = 0, rnext = 0;
    tm_formcounts fc = {0};
    int rc = tm_meta_get_u64(t, "next_id", &next);
    if (rc == 0)
        rc = tm_short_formrec_get(t, t->tm->post, &rnext, &fc);
    if (rc <= 0 || !next || rnext != next || next > (uint64_t)UINT32_MAX + 1)
        goto done; /* no record, or one below the next id: not usable (Lemma 8) */
    if (!(f->lang = calloc(fc.n ? fc.n : 1, sizeof *f->lang))) {
        rc = jisr_oom(fc.n * sizeof *f->lang);
        goto done;
    }
    tm_cur cur;
    if ((rc = tm_cur_open(&cur, t, t->tm->post)) < 0)
        goto done;
    for (size_t i = 0; i < fc.n && rc == 0; i++) {
        tm_ftlang *g = &f->lang[f->nlang++];
        g->fkey = fc.v[i].pfx;
        for (size_t l = 1; l < 256 && rc == 0; l++)
            if (fc.v[i].n[l])
                rc = build_len(f, &cur, g->fkey, l, next, fc.v[i].n[l], &g->len[l]);
    }
    tm_cur_close(&cur);
    for (size_t i = 0; i < f->nlang && rc == 0; i++)
        rc = ftab_sigs(f, &f->lang[i]);
    f->usable = rc == 0;
    rc = rc > 0 ? 0 : rc;
done:
    tm_formcounts_free(&fc);
    if (rc < 0) {
        ftab_free(f);
        return rc;
    }
    f->bytes += f->hcap * 6 + f->nlang * sizeof *f->lang;
    f->secs = jisr_now() - t0;
    *out = f;
    return 0;
}

const tm_ftlang *tm_ftab_lang(const tm_ftab *f, uint64_t fkey)
{
    for (size_t i = 0; i < f->nlang; i++)
        if (f->lang[i].fkey == fkey)
            return &f->lang[i];
    return NULL;
}

const tm_ftlen *tm_ftab_len(const tm_ftab *f, uint64_t fkey, size_t l)
{
    for (size_t i = 0; i < f->nlang; i++)
        if (f->lang[i].fkey == fkey)
            return f->lang[i].len[l].n ? &f->lang[i].len[l] : NULL;
    return NULL;
}

/* Make nf the handle's tables unless they are of a later state; the one replaced is freed when
 * no query uses it (else by its last tm_ftab_put). Under the cache's lock. */
static void ftab_install(struct tm_ftcache *x, tm_ftab *nf)
{
    tm_ftab *old = x->cur;
    if (old && old->txnid > nf->txnid) {
        ftab_free(nf);
        return;
    }
    x->cur = nf;
    if (old && !old->refs)
        ftab_free(old);
}

int tm_ftab_kept(jisr_tm *tm)
{
    return __atomic_load_n(&tm->ftc, __ATOMIC_ACQUIRE) != NULL;
}

int tm_ftab_sync;

/* The builder thread: the tables of the last committed state, from its own read transaction,
 * installed unless newer ones were meanwhile. */
static void *ftab_builder(void *arg)
{
    jisr_tm *tm = arg;
    struct tm_ftcache *x = tm->ftc;
    tm_txn t;
    tm_ftab *nf = NULL;
    int rc = tm_txn_begin(&t, tm, 0);
    if (rc == 0) {
        rc = ftab_build(&t, &nf);
        tm_txn_abort(&t);
    }
    if (rc < 0) /* (no tables: the queries go on without them, and ask again) */
        jisr_error_clear();
    pthread_mutex_lock(&x->mu);
    x->building = 0;
    if (nf)
        ftab_install(x, nf);
    pthread_mutex_unlock(&x->mu);
    return NULL;
}

tm_ftab *tm_ftab_get(jisr_tm *tm, tm_txn *t)
{
    struct tm_ftcache *x = __atomic_load_n(&tm->ftc, __ATOMIC_ACQUIRE);
    if (!x || !t->txn)
        return NULL;
    size_t id = mdb_txn_id(t->txn);
    pthread_mutex_lock(&x->mu);
    tm_ftab *f = x->cur;
    if (f && f->txnid == id) {
        if (f->usable)
            f->refs++;
        else
            f = NULL;
        pthread_mutex_unlock(&x->mu);
        return f;
    }
    if (x->building || (f && f->txnid > id)) { /* another thread builds; or an older state */
        pthread_mutex_unlock(&x->mu);
        return NULL;
    }
    x->building = 1;
    if (!tm_ftab_sync) { /* off the query's path: a builder thread (the last one has ended) */
        if (x->thr_on)
            pthread_join(x->thr, NULL);
        x->thr_on = pthread_create(&x->thr, NULL, ftab_builder, tm) == 0;
        if (!x->thr_on)
            x->building = 0;
        pthread_mutex_unlock(&x->mu);
        return NULL;
    }
    pthread_mutex_unlock(&x->mu);
    tm_ftab *nf = NULL;
    int rc = ftab_build(t, &nf);
    if (rc < 0 && t->rc == 0) /* out of memory: the query goes on without the tables */
        jisr_error_clear();
    pthread_mutex_lock(&x->mu);
    x->building = 0;
    f = NULL;
    if (nf) {
        ftab_install(x, nf);
        if (x->cur == nf && nf->usable) {
            nf->refs++;
            f = nf;
        }
    }
    pthread_mutex_unlock(&x->mu);
    return f;
}

void tm_ftab_wait(jisr_tm *tm)
{
    struct tm_ftcache *x = __atomic_load_n(&tm->ftc, __ATOMIC_ACQUIRE);
    if (!x)
        return;
    pthread_mutex_lock(&x->mu);
    int on = x->thr_on;
    pthread_t th = x->thr;
    x->thr_on = 0;
    pthread_mutex_unlock(&x->mu);
    if (on)
        pthread_join(th, NULL);
}

void tm_ftab_put(jisr_tm *tm, tm_ftab *f)
{
    if (!f)
        return;
    struct tm_ftcache *x = tm->ftc;
    pthread_mutex_lock(&x->mu);
    if (!--f->refs && f != x->cur)
        ftab_free(f);
    pthread_mutex_unlock(&x->mu);
}

void tm_ftab_close(jisr_tm *tm)
{
    struct tm_ftcache *x = tm->ftc;
    if (!x)
        return;
    tm_ftab_wait(tm); /* (a builder thread uses the handle) */
    ftab_free(x->cur);
    pthread_mutex_destroy(&x->mu);
    free(x);
    tm->ftc = NULL;
}

int jisr_tm_warm(jisr_tm *tm, jisr_tm_warm_stats *st)
{
    if (st)
        memset(st, 0, sizeof *st);
    if (!tm)
        return tm_null_arg("jisr_tm_warm", "tm");
    pthread_mutex_lock(&tm->mu);
    struct tm_ftcache *x = tm->ftc;
    if (!x && (x = calloc(1, sizeof *x)) != NULL) {
        pthread_mutex_init(&x->mu, NULL);
        __atomic_store_n(&tm->ftc, x, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&tm->mu);
    if (!x)
        return jisr_oom(sizeof *x);
    tm_txn t;
    int rc = tm_txn_begin(&t, tm, 0);
    if (rc < 0)
        return rc;
    tm_ftab *f = NULL;
    pthread_mutex_lock(&x->mu);
    size_t id = mdb_txn_id(t.txn);
    int have = x->cur && x->cur->txnid >= id;
    pthread_mutex_unlock(&x->mu);
    if (!have) {
        if ((rc = ftab_build(&t, &f)) == 0) {
            pthread_mutex_lock(&x->mu);
            ftab_install(x, f);
            pthread_mutex_unlock(&x->mu);
        }
    }
    tm_txn_abort(&t);
    if (rc < 0)
        return rc;
    if (st) {
        pthread_mutex_lock(&x->mu);
        if (x->cur) {
            st->usable = x->cur->usable;
            st->forms = x->cur->nforms;
            st->bytes = x->cur->bytes;
            st->seconds = x->cur->secs;
        }
        pthread_mutex_unlock(&x->mu);
    }
    return 0;
}
