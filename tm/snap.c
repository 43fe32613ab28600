/*
 * snap.c — the read snapshot's directory (JISR_TM_SNAPSHOT): for a long-lived handle (a server),
 * an in-memory directory of one committed state of the memory, which the queries of that state
 * read instead of descending LMDB's B-trees (on a large map nearly every descent is a chain of
 * cache and TLB misses).
 *
 * The directory holds one read transaction open, which pins the state's pages (pointers into the
 * map stay valid), and, built by one sequential cursor walk per database, an array of (key,
 * value) pointers for `units`, `post` and `vocab` (DUPSORT: one entry per key and duplicate), in
 * LMDB's order, with a hash from a key's group (post: the 7-byte term hash; vocab: the key; units:
 * the id, through a dense array) to the group's first entry. A read transaction whose LMDB id is
 * the directory's sees the same state, and its cursors answer the operations the query path uses
 * (SET, SET_KEY, SET_RANGE, NEXT, GET_BOTH, GET_BOTH_RANGE, NEXT_DUP, GET_CURRENT) from the
 * arrays with LMDB's semantics; any other operation first puts the LMDB cursor where the
 * directory's stands (replaying a failed move, so that LMDB's end-of-data state is the same)
 * and asks LMDB (test_tm_snap compares random sequences of operations with LMDB's). One case is
 * not the same: a move right after a seek that found nothing, whose answer from LMDB depends on
 * the page its cursor stood on before the seek (LMDB leaves the position undefined; the seek is
 * replayed on the LMDB cursor, wherever it stood). No caller moves after a failed seek. A seek
 * whose group the directory does not hold and which it cannot answer exactly (a range seek) goes to
 * LMDB. Values are still checked against the file (tm_cur_get).
 *
 * Life: the handle owns the current directory (one reference) and each read transaction that
 * began while it was current holds another (taken and released with the transaction's count in
 * txn.c's hold/unhold, under the handle's mutex). A builder thread polls the last committed
 * transaction id; a directory of an older state is retired at once (its read transaction ends
 * when its last reader does, so that LMDB may reuse the pages it pinned), and a new one is built
 * once the memory has been quiet for a second, and for 1.5 times the spacing of the last two
 * commits (an import's batches: a long import does not rebuild between them). The
 * builder counts as an open transaction while it builds; the directory itself does not, and a
 * change of the map size (txn.c map_set) drops it once no transaction is open, before LMDB maps
 * the file anew.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tm/tm_int.h"

#define POLL_MS 200
#define QUIET_MS 1000

static uint64_t mix(uint64_t x)
{
    x *= 0x9E3779B97F4A7C15ULL;
    return x ^ (x >> 29);
}

static uint64_t prefix_of(const tm_dirdb *d, const void *key)
{
    uint64_t pk = 0;
    memcpy(&pk, key, d->plen);
    return pk;
}

/* the group of key's first plen bytes, or NULL */
static const tm_snapslot *group(const tm_dirdb *d, const void *key)
{
    if (!d->slot)
        return NULL;
    uint64_t pk = prefix_of(d, key);
    for (size_t i = mix(pk) & d->mask;; i = (i + 1) & d->mask) {
        const tm_snapslot *s = &d->slot[i];
        if (!s->n)
            return NULL;
        if (s->pk == pk)
            return s;
    }
}

/* units: the entry of id + 1 in a dense array (0: no such unit) */
typedef struct {
    uint32_t first, n;
} span;

static int find_group(const tm_dirdb *d, const void *key, span *g, const uint32_t *dense,
                      size_t ndense)
{
    if (dense) {
        uint32_t id;
        memcpy(&id, key, 4);
        if (id >= ndense || !dense[id])
            return 0;
        g->first = dense[id] - 1;
        g->n = 1;
        return 1;
    }
    const tm_snapslot *s = group(d, key);
    if (!s)
        return 0;
    g->first = s->first;
    g->n = s->n;
    return 1;
}

/* the dense array of units is kept beside the database (tm_dirdb has no room for it) */
typedef struct tm_dirx {
    uint32_t *dense;
    size_t ndense;
} tm_dirx;

/* ---- build ------------------------------------------------------------------------------ */

/* the bytes of the map the file holds (as txn.c's file_window): a key or value outside them is
 * a damaged memory, which the directory leaves to LMDB (and the checks of tm_cur_get) */
typedef struct {
    const char *lo, *hi;
} window;

static int inside(const window *w, const MDB_val *v)
{
    const char *p = v->mv_data;
    return !w->lo || (p >= w->lo && p <= w->hi && v->mv_size <= (size_t)(w->hi - p));
}

static size_t walk(MDB_cursor *cur, tm_snapent *e, size_t cap, unsigned ks, const window *w,
                   int *bad)
{
    MDB_val k, v;
    size_t n = 0;
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        if (k.mv_size != ks || n == cap || v.mv_size > UINT32_MAX || !inside(w, &k) ||
            !inside(w, &v)) {
            *bad = 1;
            break;
        }
        e[n].k = k.mv_data;
        e[n].v = v.mv_data;
        e[n].ks = (uint32_t)k.mv_size;
        e[n].vs = (uint32_t)v.mv_size;
        n++;
    }
    return n;
}

static TM_NOINLINE size_t guarded_walk(MDB_cursor *cur, tm_snapent *e, size_t cap, unsigned ks,
                                       const window *w, int *bad)
{
    size_t n;
    TM_GUARDED(n, walk(cur, e, cap, ks, w, bad));
    if (tm_guard_hit) {
        tm_guard_hit = 0;
        *bad = 1;
    }
    return n;
}

/* the key's bytes after its group's, big-endian (at most 8) */
static uint64_t be_tail(const tm_dirdb *d, const void *key)
{
    const unsigned char *p = (const unsigned char *)key + d->plen;
    uint64_t x = 0;
    for (unsigned i = d->plen; i < d->ks; i++)
        x = x << 8 | *p++;
    return x;
}

/* the key's first plen bytes, big-endian */
static uint64_t be_head(const tm_dirdb *d, const void *key)
{
    const unsigned char *p = key;
    uint64_t x = 0;
    for (unsigned i = 0; i < d->plen; i++)
        x = x << 8 | p[i];
    return x;
}

/* a value's first 8 bytes, big-endian, zero-padded: values whose prefixes differ compare as
 * these do under LMDB's default order (memcmp, then the shorter first) */
static uint64_t be_prefix(const void *v, size_t n)
{
    const unsigned char *p = v;
    uint64_t x = 0;
    for (unsigned i = 0; i < 8; i++)
        x = x << 8 | (i < n ? p[i] : 0);
    return x;
}

/* the least id count of a chunk whose ids the directory holds decoded (JISR_TM_SNAP_POOL: 0
 * none, n the chunks of n ids or more; for measurements) */
static uint32_t pool_min(void)
{
    const char *e = getenv("JISR_TM_SNAP_POOL");
    if (!e || !*e)
        return 1;
    long v = atol(e);
    return v <= 0 ? UINT32_MAX : (uint32_t)v;
}

/* post: each chunk's id count (0: an entry that is not a chunk, left to LMDB's walk, which
 * reports it), and the chunks' ids decoded, each checked whole and ascending (one that is not
 * stays out: the query decodes its value, as without a directory, and reports the damage): the
 * deltas of a chunk whose ids are at most 65,535 apart in d16 (two bytes an id: most chunks of a
 * large memory), after its last id (two more), the ids of any other in pool. -1 only when the
 * counts have no memory; ids that do not fit are left out. */
static int build_post(size_t *bytes, tm_dirdb *d)
{
    if (!(d->cnt = malloc(d->n * sizeof *d->cnt)))
        return -1;
    *bytes += d->n * sizeof *d->cnt;
    uint32_t min = pool_min();
    size_t total = 0;
    for (size_t i = 0; i < d->n; i++) {
        MDB_val k = {d->e[i].ks, (void *)d->e[i].k}, v = {d->e[i].vs, (void *)d->e[i].v};
        int64_t c = tm_post_count(&k, &v);
        d->cnt[i] = c < 0 ? 0 : (uint32_t)c;
        if (c > 0 && (uint32_t)c >= min)
            total += (size_t)c;
    }
    size_t room = total + 2 * (size_t)d->n; /* each chunk's deltas after its last id */
    if (total == 0 || total >= TM_SNAP_D16 || !(d->d16 = malloc(room * sizeof *d->d16)) ||
        !(d->poff = malloc(d->n * sizeof *d->poff))) {
        free(d->d16);
        d->d16 = NULL;
        return 0;
    }
    uint32_t *ids = NULL;
    size_t idcap = 0, pcap = 0;
    for (size_t i = 0; i < d->n; i++) {
        uint32_t c = d->cnt[i];
        d->poff[i] = TM_SNAP_NOPOOL;
        if (!c || c < min || JISR_GROW(ids, idcap, c) < 0)
            continue;
        MDB_val k = {d->e[i].ks, (void *)d->e[i].k}, v = {d->e[i].vs, (void *)d->e[i].v};
        if (tm_post_decode_to(&k, &v, ids, c) != (int64_t)c)
            continue;
        /* the deltas written where the chunk would go in d16 (room is left for them) and kept
         * when they all fit 16 bits (gap: a bound of the largest) */
        uint16_t *o = d->d16 + d->nd16;
        uint32_t gap = 0, down = 0;
        for (uint32_t j = 1; j < c; j++) {
            uint32_t g = ids[j] - ids[j - 1];
            down |= ids[j] < ids[j - 1];
            gap |= g;
            o[j + 1] = (uint16_t)g;
        }
        if (down)
            continue;
        if (gap <= 0xFFFF && d->nd16 + c + 1 < TM_SNAP_D16) {
            o[0] = (uint16_t)ids[c - 1];
            o[1] = (uint16_t)(ids[c - 1] >> 16);
            d->poff[i] = (uint32_t)(d->nd16 + 2) | TM_SNAP_D16;
            d->nd16 += c + 1;
        } else if (JISR_GROW(d->pool, pcap, d->npool + c) == 0) {
            memcpy(d->pool + d->npool, ids, (size_t)c * sizeof *ids);
            d->poff[i] = (uint32_t)d->npool;
            d->npool += c;
        }
    }
    free(ids);
    /* give back what the bounds took beyond the ids held */
    uint16_t *d16 = realloc(d->d16, (d->nd16 ? d->nd16 : 1) * sizeof *d16);
    if (d16)
        d->d16 = d16;
    uint32_t *pool = d->npool ? realloc(d->pool, d->npool * sizeof *pool) : NULL;
    if (pool || !d->npool) {
        if (!d->npool)
            free(d->pool);
        d->pool = pool;
    }
    *bytes += d->nd16 * sizeof *d->d16 + d->npool * sizeof *d->pool + d->n * sizeof *d->poff;
    return 0;
}

/* the directory of one database; 0, or -1 when it cannot have one (left empty: LMDB answers) */
static int build_db(size_t *bytes, MDB_txn *txn, MDB_dbi dbi, unsigned ks, unsigned plen,
                    const window *w, tm_dirdb *d, tm_dirx *x, int post)
{
    unsigned flags;
    MDB_stat st;
    MDB_cursor *cur;
    memset(d, 0, sizeof *d);
    d->dbi = dbi;
    if (mdb_dbi_flags(txn, dbi, &flags) != 0 || mdb_stat(txn, dbi, &st) != 0)
        return -1;
    d->dup = (flags & MDB_DUPSORT) != 0;
    if (flags & (MDB_INTEGERKEY | MDB_REVERSEKEY))
        plen = ks; /* not in byte order: only whole keys form groups */
    d->ks = ks;
    d->plen = plen;
    size_t cap = st.ms_entries;
    if (cap == 0 || cap > UINT32_MAX - 1)
        return -1;
    if (!(d->e = malloc(cap * sizeof *d->e)))
        return -1;
    if (mdb_cursor_open(txn, dbi, &cur) != 0)
        return -1;
    int bad = 0;
    d->n = guarded_walk(cur, d->e, cap, ks, w, &bad);
    mdb_cursor_close(cur);
    if (bad || d->n != cap)
        return -1;
    *bytes += d->n * sizeof *d->e;
    if (!x && (d->dup ? !(flags & (MDB_INTEGERDUP | MDB_REVERSEDUP | MDB_DUPFIXED))
                      : plen < ks && ks - plen <= 8)) {
        if (!(d->sk = malloc(d->n * sizeof *d->sk)))
            return -1;
        for (size_t i = 0; i < d->n; i++)
            d->sk[i] = d->dup ? be_prefix(d->e[i].v, d->e[i].vs) : be_tail(d, d->e[i].k);
        *bytes += d->n * sizeof *d->sk;
    }
    if (post && build_post(bytes, d) < 0)
        return -1;
    if (x) { /* units, keyed by a native 32-bit id in ascending order */
        uint32_t max = 0;
        memcpy(&max, d->e[d->n - 1].k, 4);
        if ((size_t)max > 4 * d->n + 4096 || !(x->dense = calloc((size_t)max + 1, 4)))
            return -1;
        x->ndense = (size_t)max + 1;
        for (size_t i = 0; i < d->n; i++) {
            uint32_t id;
            memcpy(&id, d->e[i].k, 4);
            x->dense[id] = (uint32_t)i + 1;
        }
        *bytes += x->ndense * 4;
        return 0;
    }
    size_t ng = 0;
    for (size_t i = 0; i < d->n; i++)
        ng += i == 0 || memcmp(d->e[i].k, d->e[i - 1].k, plen) != 0;
    size_t size = 1024;
    while (size < ng + ng / 2)
        size *= 2;
    if (!(d->slot = calloc(size, sizeof *d->slot)))
        return -1;
    d->mask = size - 1;
    *bytes += size * sizeof *d->slot;
    int ordered = !(flags & (MDB_INTEGERKEY | MDB_REVERSEKEY));
    if (ordered) {
        if (!(d->gk = malloc(ng * sizeof *d->gk)) || !(d->gf = malloc(ng * sizeof *d->gf)))
            return -1;
        *bytes += ng * (sizeof *d->gk + sizeof *d->gf);
    }
    for (size_t i = 0; i < d->n;) {
        size_t j = i + 1;
        while (j < d->n && memcmp(d->e[j].k, d->e[i].k, plen) == 0)
            j++;
        uint64_t pk = prefix_of(d, d->e[i].k);
        size_t h = mix(pk) & d->mask;
        while (d->slot[h].n) {
            if (d->slot[h].pk == pk)
                return -1; /* a group that is not contiguous: the order is not bytewise */
            h = (h + 1) & d->mask;
        }
        d->slot[h].pk = pk;
        d->slot[h].first = (uint32_t)i;
        d->slot[h].n = (uint32_t)(j - i);
        if (ordered) {
            d->gk[d->ng] = be_head(d, d->e[i].k);
            d->gf[d->ng++] = (uint32_t)i;
        }
        i = j;
    }
    return 0;
}

/* the units' dense array lives after the snapshot, in one allocation with it */
typedef struct {
    tm_snap s;
    tm_dirx ux;
} snap_full;

static const tm_dirx *snap_ux(const tm_snap *s)
{
    return &((const snap_full *)s)->ux;
}

void tm_snap_free(tm_snap *s)
{
    if (!s)
        return;
    if (s->txn)
        mdb_txn_abort(s->txn);
    for (int i = 0; i < TM_SNAP_DBS; i++) {
        free(s->db[i].e);
        free(s->db[i].slot);
        free(s->db[i].sk);
        free(s->db[i].gk);
        free(s->db[i].gf);
        free(s->db[i].cnt);
        free(s->db[i].pool);
        free(s->db[i].d16);
        free(s->db[i].poff);
    }
    free(((snap_full *)s)->ux.dense);
    free(s);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* a directory of the last committed state, or NULL; the caller counts as an open transaction */
static tm_snap *snap_build(jisr_tm *tm)
{
    double t0 = now_ms();
    snap_full *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    tm_snap *s = &f->s;
    if (mdb_txn_begin(tm->env, NULL, MDB_RDONLY, &s->txn) != 0) {
        s->txn = NULL;
        tm_snap_free(s);
        return NULL;
    }
    s->txnid = mdb_txn_id(s->txn);
    window w = {NULL, NULL};
    struct stat sb;
    int fd;
    if (tm->map_base && mdb_env_get_fd(tm->env, &fd) == 0 && fstat(fd, &sb) == 0) {
        w.lo = tm->map_base;
        w.hi =
            tm->map_base + ((uint64_t)sb.st_size < tm->map_len ? (size_t)sb.st_size : tm->map_len);
    }
    /* a database that cannot have a directory is left empty (ks 0): LMDB answers for it */
    static const struct {
        unsigned ks, plen;
    } shape[TM_SNAP_DBS] = {{4, 4}, {12, 7}, {8, 8}};
    MDB_dbi dbi[TM_SNAP_DBS] = {tm->units, tm->post, tm->vocab};
    for (int i = 0; i < TM_SNAP_DBS; i++) {
        tm_dirdb *d = &s->db[i];
        tm_dirx *x = i == 0 ? &f->ux : NULL;
        size_t bytes = 0;
        if (i == 2 && !tm->vocab)
            continue;
        int brc = build_db(&bytes, s->txn, dbi[i], shape[i].ks, shape[i].plen, &w, d, x, i == 1);
        if (brc == 0) {
            s->bytes += bytes;
            continue;
        }
        free(d->e);
        free(d->slot);
        free(d->sk);
        free(d->gk);
        free(d->gf);
        free(d->cnt);
        free(d->pool);
        free(d->d16);
        free(d->poff);
        memset(d, 0, sizeof *d);
        if (x) {
            free(x->dense);
            memset(x, 0, sizeof *x);
        }
    }
    s->ndb = TM_SNAP_DBS;
    s->refs = 1;
    s->build_ms = now_ms() - t0;
    return s;
}

const tm_dirdb *tm_snap_db(const tm_txn *t, MDB_dbi dbi)
{
    const tm_snap *s = t->snap;
    for (int i = 0; i < s->ndb; i++)
        if (s->db[i].ks && s->db[i].dbi == dbi)
            return &s->db[i];
    return NULL;
}

/* ---- references ------------------------------------------------------------------------- */

tm_snap *tm_snap_ref_locked(jisr_tm *tm)
{
    tm_snap *s = tm->snap;
    if (s)
        s->refs++;
    return s;
}

tm_snap *tm_snap_unref_locked(tm_snap *s)
{
    return s && --s->refs == 0 ? s : NULL;
}

tm_snap *tm_snap_release_locked(jisr_tm *tm, tm_snap *s)
{
    s = tm_snap_unref_locked(s);
    if (s && tm->snap_thr_on) {
        s->next_dead = tm->snap_dead;
        tm->snap_dead = s;
        pthread_cond_broadcast(&tm->snap_cv);
        return NULL;
    }
    return s;
}

/* the retired directories handed to the builder (their transactions end) */
static void free_dead(tm_snap *d)
{
    while (d) {
        tm_snap *next = d->next_dead;
        tm_snap_free(d);
        d = next;
    }
}

void tm_snap_drop_locked(jisr_tm *tm)
{
    tm_snap *s = tm->snap;
    tm->snap = NULL;
    /* no transaction is open: this was the last reference; and every directory's transaction
     * ends before the map changes, the retired ones' too */
    tm_snap_free(tm_snap_unref_locked(s));
    free_dead(tm->snap_dead);
    tm->snap_dead = NULL;
}

/* ---- the builder ------------------------------------------------------------------------ */

/* Free directories (their read transactions end) outside the handle's mutex, counted meanwhile
 * as an open transaction, so that a change of the map size (txn.c map_set, which waits for no
 * transaction to be open) never overlaps the end of one: LMDB's mdb_env_set_mapsize wants no
 * transaction of the process active. Called and returns with tm->mu held. */
static void free_outside(jisr_tm *tm, tm_snap *d)
{
    if (!d)
        return;
    tm->active++;
    pthread_mutex_unlock(&tm->mu);
    free_dead(d);
    pthread_mutex_lock(&tm->mu);
    if (--tm->active == 0 && tm->growing)
        pthread_cond_broadcast(&tm->cv);
}

static void *builder(void *arg)
{
    jisr_tm *tm = arg;
    size_t seen = 0;
    double seen_at = 0, gap = 0;
    pthread_mutex_lock(&tm->mu);
    while (!tm->snap_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += POLL_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&tm->snap_cv, &tm->mu, &ts);
        if (tm->snap_dead) {
            tm_snap *d = tm->snap_dead;
            tm->snap_dead = NULL;
            free_outside(tm, d);
        }
        if (tm->snap_stop)
            break;
        if (tm->growing)
            continue;
        /* the map is not changing (map_set holds mu while it does) */
        MDB_envinfo info;
        if (mdb_env_info(tm->env, &info) != 0)
            continue;
        size_t last = info.me_last_txnid;
        if (tm->snap && tm->snap->txnid == last)
            continue;
        if (tm->snap) { /* stale: retire it, so that its pages are freed with its last reader */
            tm_snap *old = tm->snap;
            tm->snap = NULL;
            old = tm_snap_unref_locked(old);
            if (old)
                old->next_dead = NULL;
            free_outside(tm, old);
        }
        double t = now_ms();
        if (last != seen) {
            /* commits in a row (an import's batches): wait for a quiet time longer than
             * their spacing, so that an import does not rebuild between batches */
            gap = seen && t - seen_at < 60000 ? t - seen_at : 0;
            seen = last;
            seen_at = t;
            continue;
        }
        double quiet = tm->snap_quiet_ms, spaced = 1.5 * gap;
        if (t - seen_at < (spaced > quiet ? spaced : quiet) || tm->growing)
            continue;
        tm->active++; /* the build's transaction, as txn.c's hold does */
        pthread_mutex_unlock(&tm->mu);
        tm_snap *s = snap_build(tm);
        pthread_mutex_lock(&tm->mu);
        if (--tm->active == 0 && tm->growing)
            pthread_cond_broadcast(&tm->cv);
        if (s && !tm->snap) {
            tm->snap = s;
            s->serial = ++tm->snap_builds;
            s = NULL;
        }
        if (s)
            s->next_dead = NULL;
        free_outside(tm, s);
    }
    pthread_mutex_unlock(&tm->mu);
    return NULL;
}

int tm_snap_start(jisr_tm *tm)
{
    const char *e = getenv("JISR_TM_SNAP");
    if (e && strcmp(e, "0") == 0)
        return 0;
    pthread_cond_init(&tm->snap_cv, NULL);
    tm->snap_on = 1;
    const char *q = getenv("JISR_TM_SNAP_QUIET_MS"); /* for tests */
    tm->snap_quiet_ms = q && *q ? (unsigned)atoi(q) : QUIET_MS;
    /* the first directory now (no other thread uses the handle yet) */
    tm->active++;
    tm_snap *s = snap_build(tm);
    tm->active--;
    pthread_mutex_lock(&tm->mu);
    tm->snap = s;
    if (s)
        s->serial = ++tm->snap_builds;
    pthread_mutex_unlock(&tm->mu);
    if (pthread_create(&tm->snap_thr, NULL, builder, tm) == 0)
        tm->snap_thr_on = 1;
    return 0;
}

void tm_snap_stop(jisr_tm *tm)
{
    if (!tm->snap_on)
        return;
    pthread_mutex_lock(&tm->mu);
    tm->snap_stop = 1;
    pthread_cond_broadcast(&tm->snap_cv);
    pthread_mutex_unlock(&tm->mu);
    if (tm->snap_thr_on)
        pthread_join(tm->snap_thr, NULL);
    pthread_mutex_lock(&tm->mu);
    tm->snap_thr_on = 0;
    tm_snap *s = tm->snap, *d = tm->snap_dead;
    tm->snap = NULL;
    tm->snap_dead = NULL;
    s = tm_snap_unref_locked(s);
    pthread_mutex_unlock(&tm->mu);
    tm_snap_free(s);
    free_dead(d);
    pthread_cond_destroy(&tm->snap_cv);
    tm->snap_on = 0;
}

int jisr_tm_snapshot_info(jisr_tm *tm, jisr_tm_snapshot *out)
{
    if (!out)
        return tm_null_arg("jisr_tm_snapshot_info", "out");
    memset(out, 0, sizeof *out);
    if (!tm)
        return tm_null_arg("jisr_tm_snapshot_info", "tm");
    pthread_mutex_lock(&tm->mu);
    int on = tm->snap != NULL;
    if (on) {
        out->bytes = tm->snap->bytes;
        out->build_ms = tm->snap->build_ms;
        out->txnid = tm->snap->txnid;
    }
    out->reads = tm->snap_reads;
    out->builds = tm->snap_builds;
    pthread_mutex_unlock(&tm->mu);
    return on;
}

/* ---- reads ------------------------------------------------------------------------------ */

static const uint32_t *dense_of(const tm_cur *c, size_t *nd)
{
    const tm_snap *s = c->t->snap;
    if (c->d != &s->db[0]) {
        *nd = 0;
        return NULL;
    }
    const tm_dirx *x = snap_ux(s);
    *nd = x->ndense;
    return x->dense;
}

/* the first entry of [g.first, g.first + g.n) whose key is at or above k (keys compared by the
 * database's order) */
static size_t key_lower(const tm_txn *t, const tm_dirdb *d, span g, const MDB_val *k)
{
    size_t lo = g.first, hi = (size_t)g.first + g.n;
    if (d->sk) { /* the same length and group: the tails decide */
        uint64_t x = be_tail(d, k->mv_data);
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (d->sk[mid] < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        MDB_val ek = {d->e[mid].ks, (void *)d->e[mid].k};
        if (mdb_cmp(t->txn, d->dbi, &ek, k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* the first entry of the first group above key's (a group the directory does not hold), or
 * n when there is none */
static size_t next_group(const tm_dirdb *d, const void *key)
{
    uint64_t x = be_head(d, key);
    size_t lo = 0, hi = d->ng;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->gk[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->ng ? d->gf[lo] : d->n;
}

/* the same over the duplicates of one key */
static size_t dup_lower(const tm_txn *t, const tm_dirdb *d, span g, const MDB_val *v)
{
    size_t lo = g.first, hi = (size_t)g.first + g.n;
    uint64_t x = d->sk ? be_prefix(v->mv_data, v->mv_size) : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        MDB_val ev = {d->e[mid].vs, (void *)d->e[mid].v};
        if (d->sk && d->sk[mid] != x ? d->sk[mid] < x : mdb_dcmp(t->txn, d->dbi, &ev, v) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* whether entry p (from key_lower) of group g holds key k */
static int same_key(const tm_dirdb *d, span g, size_t p, const MDB_val *k)
{
    if (p >= (size_t)g.first + g.n)
        return 0;
    if (d->plen == d->ks) /* the group is the key */
        return 1;
    if (d->sk)
        return d->sk[p] == be_tail(d, k->mv_data);
    return memcmp(d->e[p].k, k->mv_data, d->ks) == 0;
}

static void put(const tm_snapent *e, MDB_val *k, MDB_val *v)
{
    if (k) {
        k->mv_data = (void *)e->k;
        k->mv_size = e->ks;
    }
    if (v) {
        v->mv_data = (void *)e->v;
        v->mv_size = e->vs;
    }
}

#define ASK 1 /* from dir_op: not the directory's to answer (never an LMDB code) */

/* a seek that found nothing: kept to be replayed on LMDB before a move; ASK when it does not
 * fit (LMDB answers it now) */
static int lost(tm_cur *c, MDB_cursor_op op, const MDB_val *k, const MDB_val *v)
{
    if (k->mv_size > sizeof c->lkey || (v && v->mv_size > sizeof c->ldata))
        return ASK;
    c->lop = op;
    memcpy(c->lkey, k->mv_data, k->mv_size);
    c->lks = k->mv_size;
    c->lds = v ? v->mv_size : 0;
    if (v)
        memcpy(c->ldata, v->mv_data, v->mv_size);
    c->st = TM_CS_LOST;
    return MDB_NOTFOUND;
}

static int at(tm_cur *c, size_t pos, MDB_val *k, MDB_val *v)
{
    c->st = TM_CS_AT;
    c->pos = pos;
    put(&c->d->e[pos], k, v);
    return 0;
}

/* the directory's answer (0 or MDB_NOTFOUND), or ASK: LMDB must answer */
static int dir_op(tm_cur *c, MDB_val *k, MDB_val *v, MDB_cursor_op op)
{
    const tm_dirdb *d = c->d;
    const tm_txn *t = c->t;
    span g;
    size_t nd, p;
    const uint32_t *dense;
    switch (op) {
    case MDB_SET:
    case MDB_SET_KEY:
        if (!k || k->mv_size != d->ks)
            return ASK;
        dense = dense_of(c, &nd);
        if (!find_group(d, k->mv_data, &g, dense, nd))
            return lost(c, op, k, NULL);
        p = d->plen == d->ks ? g.first : key_lower(t, d, g, k);
        if (!same_key(d, g, p, k))
            return lost(c, op, k, NULL);
        return at(c, p, op == MDB_SET_KEY ? k : NULL, v);
    case MDB_SET_RANGE:
        if (!k || k->mv_size != d->ks)
            return ASK;
        dense = dense_of(c, &nd);
        if (find_group(d, k->mv_data, &g, dense, nd))
            p = d->plen == d->ks ? g.first : key_lower(t, d, g, k);
        else if (d->gk)
            p = next_group(d, k->mv_data);
        else
            return ASK;
        if (p >= d->n)
            return ASK; /* past the last key: LMDB's state at the end */
        return at(c, p, k, v);
    case MDB_GET_BOTH:
    case MDB_GET_BOTH_RANGE:
        if (!d->dup || d->plen != d->ks || !k || !v || k->mv_size != d->ks)
            return ASK;
        if (!find_group(d, k->mv_data, &g, NULL, 0))
            return lost(c, op, k, v);
        p = dup_lower(t, d, g, v);
        if (p >= (size_t)g.first + g.n)
            return lost(c, op, k, v);
        if (op == MDB_GET_BOTH) {
            MDB_val ev = {d->e[p].vs, (void *)d->e[p].v};
            if (mdb_dcmp(t->txn, d->dbi, &ev, v) != 0)
                return lost(c, op, k, v);
        }
        return at(c, p, NULL, v);
    case MDB_NEXT:
        if (c->st != TM_CS_AT)
            return ASK;
        if (c->pos + 1 >= d->n) {
            c->st = TM_CS_EOF;
            c->eop = op;
            return MDB_NOTFOUND;
        }
        return at(c, c->pos + 1, k, v);
    case MDB_NEXT_DUP:
        if (c->st != TM_CS_AT || !d->dup)
            return ASK;
        if (c->pos + 1 >= d->n || (d->e[c->pos + 1].k != d->e[c->pos].k &&
                                   memcmp(d->e[c->pos + 1].k, d->e[c->pos].k, d->ks) != 0)) {
            c->st = TM_CS_EOF;
            c->eop = op;
            return MDB_NOTFOUND;
        }
        return at(c, c->pos + 1, k, v);
    case MDB_GET_CURRENT:
        if (c->st != TM_CS_AT)
            return ASK;
        put(&d->e[c->pos], k, v);
        return 0;
    default:
        return ASK;
    }
}

/* put the LMDB cursor where the directory's stands */
static int sync_lmdb(tm_cur *c)
{
    const tm_dirdb *d = c->d;
    MDB_val k, v;
    int rc = 0;
    switch (c->st) {
    case TM_CS_AT:
    case TM_CS_EOF: {
        const tm_snapent *e = &d->e[c->pos];
        k.mv_data = (void *)e->k;
        k.mv_size = e->ks;
        v.mv_data = (void *)e->v;
        v.mv_size = e->vs;
        if (d->dup) {
            MDB_val kk = k, vv = v;
            rc = mdb_cursor_get(c->c, &kk, &vv, MDB_GET_BOTH);
        } else {
            rc = mdb_cursor_get(c->c, &k, &v, MDB_SET);
        }
        if (rc == MDB_NOTFOUND)
            rc = MDB_CORRUPTED; /* the directory and its own state disagree */
        if (rc == 0 && c->st == TM_CS_EOF) {
            rc = mdb_cursor_get(c->c, &k, &v, (MDB_cursor_op)c->eop);
            rc = rc == MDB_NOTFOUND ? 0 : rc ? rc : MDB_CORRUPTED;
        }
        break;
    }
    case TM_CS_LOST:
        k.mv_data = c->lkey;
        k.mv_size = c->lks;
        v.mv_data = c->ldata;
        v.mv_size = c->lds;
        rc = mdb_cursor_get(c->c, &k, &v, c->lop);
        rc = rc == MDB_NOTFOUND ? 0 : rc;
        break;
    default:
        break;
    }
    c->st = TM_CS_LMDB;
    return rc;
}

static int absolute(MDB_cursor_op op)
{
    return op == MDB_FIRST || op == MDB_LAST || op == MDB_SET || op == MDB_SET_KEY ||
           op == MDB_SET_RANGE || op == MDB_GET_BOTH || op == MDB_GET_BOTH_RANGE;
}

static int synced_op(tm_cur *c, MDB_val *k, MDB_val *v, MDB_cursor_op op)
{
    int rc = c->d && !absolute(op) ? sync_lmdb(c) : 0;
    return rc ? rc : mdb_cursor_get(c->c, k, v, op);
}

static TM_NOINLINE int lmdb_op(tm_cur *c, MDB_val *k, MDB_val *v, MDB_cursor_op op)
{
    int rc;
    TM_GUARDED(rc, synced_op(c, k, v, op));
    if (c->d)
        c->st = TM_CS_LMDB;
    return rc;
}

int tm_cur_op(tm_cur *c, MDB_val *k, MDB_val *v, MDB_cursor_op op)
{
    if (c->d) {
        int r = dir_op(c, k, v, op);
        if (r != ASK)
            return r;
    }
    return lmdb_op(c, k, v, op);
}

int tm_snap_seek_range(tm_cur *c, const MDB_val *k, size_t *pos, size_t *gend)
{
    const tm_dirdb *d = c->d;
    span g;
    size_t nd, p, end;
    const uint32_t *dense;
    if (k->mv_size != d->ks)
        return ASK;
    dense = dense_of(c, &nd);
    if (find_group(d, k->mv_data, &g, dense, nd)) {
        p = d->plen == d->ks ? g.first : key_lower(c->t, d, g, k);
        end = (size_t)g.first + g.n;
    } else if (d->gk) {
        p = end = next_group(d, k->mv_data);
    } else {
        return ASK;
    }
    if (p >= d->n)
        return ASK; /* past the last key: LMDB's state at the end */
    if (p > end)
        end = p;
    c->st = TM_CS_AT;
    c->pos = p;
    *pos = p;
    *gend = end;
    return 0;
}

void tm_snap_cur_at(tm_cur *c, size_t pos)
{
    if (pos < c->d->n) {
        c->st = TM_CS_AT;
        c->pos = pos;
    } else { /* a NEXT from the last entry found nothing */
        c->st = TM_CS_EOF;
        c->pos = c->d->n - 1;
        c->eop = MDB_NEXT;
    }
}

int tm_snap_get(const tm_txn *t, const tm_dirdb *d, const MDB_val *k, MDB_val *v)
{
    span g;
    size_t nd = 0, p;
    const uint32_t *dense = NULL;
    if (k->mv_size != d->ks)
        return ASK;
    if (d == &t->snap->db[0]) {
        const tm_dirx *x = snap_ux(t->snap);
        dense = x->dense;
        nd = x->ndense;
    }
    if (!find_group(d, k->mv_data, &g, dense, nd))
        return MDB_NOTFOUND;
    p = d->plen == d->ks ? g.first : key_lower(t, d, g, k);
    if (!same_key(d, g, p, k))
        return MDB_NOTFOUND;
    put(&d->e[p], NULL, v);
    return 0;
}

void tm_snap_units_ahead(const tm_txn *t, const uint32_t *ids, size_t k, size_t n)
{
    const tm_snap *s = t->snap;
    if (!s)
        return;
    const tm_dirx *x = snap_ux(s);
    const tm_dirdb *d = &s->db[0];
    if (!x->dense) /* (no directory of the units) */
        return;
    /* a unit's read is three dependent loads: its dense slot, its entry, its record; each call
     * prefetches the first for the unit three ahead, the second two ahead (its slot fetched a
     * call ago), the third one ahead (its entry fetched a call ago) */
    uint32_t p;
    if (k + 3 < n && ids[k + 3] < x->ndense)
        __builtin_prefetch(&x->dense[ids[k + 3]]);
    if (k + 2 < n && ids[k + 2] < x->ndense && (p = x->dense[ids[k + 2]]) != 0)
        __builtin_prefetch(&d->e[p - 1]);
    if (k + 1 < n && ids[k + 1] < x->ndense && (p = x->dense[ids[k + 1]]) != 0) {
        const char *v = d->e[p - 1].v; /* (a prefetch never faults, wherever v points) */
        __builtin_prefetch(v);
        __builtin_prefetch(v + 64);
    }
}
