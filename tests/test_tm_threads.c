/* test_tm_threads.c — one memory handle shared by many threads while an import commits through
 * it: 8 threads run thousands of mixed calls (fuzzy queries with different options and in both
 * directions, through a context of their own or the handle's pool; concordance; stats; units by
 * id; iteration) while a ninth imports batches of near-duplicates of the memory's units through
 * the same handle. Every answer must equal the answer of a sequential run over one of the
 * committed states — the memory before the import, or after its first k batches (built the same
 * way, one memory each, without threads) — and each thread's answers must go through those
 * states in order (a call starts a read transaction after the previous one ended, so it never
 * sees an older state). The concurrent run is made twice: through LMDB, and with the read
 * snapshot's directory (JISR_TM_SNAPSHOT: rebuilt by its thread between the import's commits,
 * dropped when the import grows the map). Runs under ThreadSanitizer in CI (label "threads"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tm/tm.h"

#include "test_tm_pairs.h"

/* checks in code that runs on the threads (cmocka's assertions may only fail on the main one) */
#define TCHECK(x)                                                                                  \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #x,              \
                    jisr_error_last()->msg);                                                       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define NTHREADS 8
#define BATCHES 5       /* batches of the concurrent import: states 0 … BATCHES */
#define BATCH_UNITS 120 /* units per batch */
/* calls per thread at least (more while the import runs); JISR_TEST_CALLS sets it (the
 * ThreadSanitizer build, ~10 times slower, makes fewer) */
static size_t g_min_calls = 2000;

typedef tm_test_pair pair;

static pair *g_base, *g_new;
static size_t g_nbase, g_nnew;

static void load_pairs(void)
{
    g_nbase = tm_test_pairs_load(JISR_TEST_DATA "/tm/ar-en.tsv", &g_base, 400);
    /* the import's units: near-duplicates of base units (a word appended, a number put in),
     * so that they enter the answers of queries made from the base */
    g_nnew = BATCHES * BATCH_UNITS;
    g_new = calloc(g_nnew, sizeof *g_new);
    for (size_t i = 0; i < g_nnew; i++) {
        const pair *b = &g_base[(i * 7) % g_nbase];
        char ar[4096], en[4096];
        if (i % 3 == 0) {
            snprintf(ar, sizeof ar, "%s إضافي", b->ar);
            snprintf(en, sizeof en, "%s again", b->en);
        } else if (i % 3 == 1) {
            snprintf(ar, sizeof ar, "%s %zu", b->ar, i);
            snprintf(en, sizeof en, "%s %zu", b->en, i);
        } else {
            snprintf(ar, sizeof ar, "جديد %s", b->ar);
            snprintf(en, sizeof en, "New: %s", b->en);
        }
        g_new[i].ar = strdup(ar);
        g_new[i].en = strdup(en);
    }
}

static void add_pair(jisr_tm_import *imp, const pair *p)
{
    jisr_unit u;
    jisr_unit_init(&u);
    TCHECK(jisr_unit_add_variant(&u, "ar", p->ar, strlen(p->ar), NULL) == 0);
    TCHECK(jisr_unit_add_variant(&u, "en", p->en, strlen(p->en), NULL) == 0);
    /* a fixed date: absent, the import would stamp the time of the run */
    u.meta.creationdate = strdup("20200101T000000Z");
    TCHECK(jisr_tm_import_add(imp, &u) == 0);
    jisr_unit_clear(&u);
}

/* ---- the calls ------------------------------------------------------------------------------ */

enum { C_QUERY, C_CONCORD, C_STATS, C_GET, C_ITER };

typedef struct call {
    int kind;
    char text[1024];
    jisr_tm_query_opts qo;
    const char *lang;
    uint64_t id;
} call;

static call *g_calls;
static size_t g_ncalls;

static void make_calls(void)
{
    static const int mins[] = {50, 70, 85, 95};
    static const size_t ns[] = {1, 3, 5, 10};
    g_calls = calloc(4000, sizeof *g_calls);
    size_t n = 0;
    for (size_t i = 0; i < 300 && n + 8 < 4000; i++) {
        const pair *b = &g_base[(i * 13) % g_nbase];
        for (int dir = 0; dir < 2; dir++) {
            call *c = &g_calls[n++];
            c->kind = C_QUERY;
            jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
            qo.srclang = dir ? "en" : "ar";
            qo.tgtlang = dir ? "ar" : "en";
            qo.min_score = mins[(i + (size_t)dir) % 4];
            qo.max_results = ns[(i / 2 + (size_t)dir) % 4];
            if (i % 17 == 0)
                qo.flags = JISR_TM_EXHAUSTIVE;
            c->qo = qo;
            const char *src = dir ? b->en : b->ar;
            if (i % 3 == 1) /* a word of the import's near-duplicates: their answers change */
                snprintf(c->text, sizeof c->text, "%s %s", src, dir ? "again" : "إضافي");
            else
                snprintf(c->text, sizeof c->text, "%s", src);
        }
        if (i % 4 == 0) {
            call *c = &g_calls[n++];
            c->kind = C_CONCORD;
            c->lang = i % 8 ? "en" : "ar";
            snprintf(c->text, sizeof c->text, "%s",
                     i % 8 ? (i % 16 ? "again" : "draft resolution")
                           : (i % 16 ? "إضافي" : "مشروع القرار"));
        }
        if (i % 5 == 0) {
            call *c = &g_calls[n++];
            c->kind = C_GET;
            c->id = 1 + (i * 11) % (g_nbase + g_nnew + 20); /* some exist only later, or never */
        }
        if (i % 25 == 0)
            g_calls[n++].kind = C_STATS;
        if (i % 60 == 0)
            g_calls[n++].kind = C_ITER;
    }
    g_ncalls = n;
}

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

/* The answer of one call as a string (malloc'd): everything the call returns. */
static char *run_call(jisr_tm *tm, jisr_tm_ctx *ctx, const call *c)
{
    jisr_buf b = {0};
    int rc = 0;
    if (c->kind == C_QUERY) {
        jisr_tm_matches m;
        rc = ctx ? jisr_tm_ctx_query(ctx, c->text, &c->qo, &m)
                 : jisr_tm_query(tm, c->text, &c->qo, &m);
        TCHECK(rc == 0);
        TCHECK(jisr_tm_matches_json(&b, c->text, &m) == 0);
        for (size_t i = 0; i < m.n; i++) /* what the JSON leaves out */
            jisr_buf_printf(&b, "|%.6f|%s", m.v[i].similarity, m.v[i].diff);
        jisr_tm_matches_free(&m);
    } else if (c->kind == C_CONCORD) {
        jisr_tm_hits h;
        rc = ctx ? jisr_tm_ctx_concord(ctx, c->lang, c->text, 50, &h)
                 : jisr_tm_concord(tm, c->lang, c->text, 50, &h);
        TCHECK(rc == 0);
        TCHECK(jisr_tm_hits_json(&b, c->lang, c->text, &h, 20) == 0);
        jisr_tm_hits_free(&h);
    } else if (c->kind == C_STATS) {
        jisr_tm_stats st;
        TCHECK(jisr_tm_stats_get(tm, &st) == 0);
        jisr_buf_printf(&b, "%llu %llu", (unsigned long long)st.units,
                        (unsigned long long)st.next_id);
        for (size_t i = 0; i < st.nlangs; i++)
            jisr_buf_printf(&b, " %s=%llu", st.langs[i].lang,
                            (unsigned long long)st.langs[i].units);
        jisr_tm_stats_free(&st);
    } else if (c->kind == C_GET) {
        jisr_unit u;
        jisr_unit_init(&u);
        rc = jisr_tm_get(tm, c->id, &u);
        if (rc == JISR_ENOTFOUND)
            jisr_buf_puts(&b, "absent");
        else {
            TCHECK(rc == 0);
            TCHECK(jisr_tm_unit_json(&b, c->id, &u) == 0);
        }
        jisr_unit_clear(&u);
    } else {
        jisr_tm_iter *it;
        jisr_unit u;
        jisr_unit_init(&u);
        TCHECK(jisr_tm_iter_open(tm, &it) == 0);
        uint64_t id, n = 0, h = 1469598103934665603ULL;
        jisr_buf one = {0};
        while ((rc = jisr_tm_iter_next(it, &id, &u)) == 1) {
            jisr_buf_reset(&one);
            jisr_tm_unit_json(&one, id, &u);
            h = fnv(one.data, one.len, h);
            n++;
        }
        TCHECK(rc == 0);
        jisr_tm_iter_close(it);
        jisr_unit_clear(&u);
        jisr_buf_free(&one);
        jisr_buf_printf(&b, "%llu %016llx", (unsigned long long)n, (unsigned long long)h);
    }
    if (!b.data)
        jisr_buf_puts(&b, "");
    return b.data;
}

/* ---- the sequential reference: one memory per committed state ------------------------------- */

static char g_root[256];

static void state_dir(char *out, size_t n, const char *what, int k)
{
    snprintf(out, n, "%s/%s%d", g_root, what, k);
}

static void rm_memory(const char *d)
{
    char p[600];
    snprintf(p, sizeof p, "%s/data.mdb", d);
    unlink(p);
    snprintf(p, sizeof p, "%s/lock.mdb", d);
    unlink(p);
    rmdir(d);
}

static jisr_tm *open_new(const char *dir)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE | JISR_TM_NOSYNC;
    assert_int_equal(jisr_tm_open(&tm, dir, &o), 0);
    return tm;
}

/* with the read snapshot's directory, and a map small enough that the import grows it while
 * the queries read through the directory (a map change must drop it first, without waiting for
 * it as for a transaction) */
static jisr_tm *open_snap(const char *dir)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE | JISR_TM_NOSYNC | JISR_TM_SNAPSHOT;
    o.initial_mapsize = 256 << 10;
    assert_int_equal(jisr_tm_open(&tm, dir, &o), 0);
    return tm;
}

static void import_base(jisr_tm *tm)
{
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    for (size_t i = 0; i < g_nbase; i++)
        add_pair(imp, &g_base[i]);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
}

/* the import of batches 0 … k-1 (k = BATCHES: all), committed batch by batch */
typedef struct imp_arg {
    jisr_tm *tm;
    int batches;
    int sleep_ms; /* after each commit, so that the queries see each state for a while */
    int committed;
    int stop; /* set by the main thread: the workers may stop (after their calls at least) */
} imp_arg;

static int on_commit(void *ctx, const jisr_tm_import_stats *st)
{
    imp_arg *a = ctx;
    __atomic_store_n(&a->committed, (int)st->batches, __ATOMIC_RELEASE);
    if (a->sleep_ms) {
        struct timespec ts = {0, (long)a->sleep_ms * 1000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void *import_main(void *arg)
{
    imp_arg *a = arg;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = BATCH_UNITS;
    io.on_commit = on_commit;
    io.ctx = a;
    jisr_tm_import *imp;
    TCHECK(jisr_tm_import_begin(a->tm, &io, &imp) == 0);
    for (size_t i = 0; i < (size_t)a->batches * BATCH_UNITS; i++)
        add_pair(imp, &g_new[i]);
    TCHECK(jisr_tm_import_end(imp, 1) == 0);
    return NULL;
}

/* ---- the threads ------------------------------------------------------------------------------
 */

typedef struct worker {
    pthread_t th;
    int idx;
    jisr_tm *tm;
    imp_arg *imp;
    pthread_barrier_t *start;
    size_t n;
    size_t *which; /* call index of each answer */
    char **got;
    size_t cap;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    jisr_tm_ctx *ctx = NULL;
    if (w->idx % 2 == 0) /* half keep a context, half use the handle's pool */
        TCHECK(jisr_tm_ctx_new(w->tm, &ctx) == 0);
    pthread_barrier_wait(w->start);
    uint64_t x = 0x9E3779B97F4A7C15ULL * (uint64_t)(w->idx + 1);
    while (w->n < g_min_calls || !__atomic_load_n(&w->imp->stop, __ATOMIC_ACQUIRE)) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t ci = (size_t)(x % g_ncalls);
        if (w->n == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 4096;
            w->which = realloc(w->which, w->cap * sizeof *w->which);
            w->got = realloc(w->got, w->cap * sizeof *w->got);
        }
        w->which[w->n] = ci;
        w->got[w->n] = run_call(w->tm, ctx, &g_calls[ci]);
        w->n++;
    }
    jisr_tm_ctx_free(ctx);
    return NULL;
}

/* the concurrent run: one handle (with the read snapshot's directory when snap), 8 threads of
 * calls, an import through the same handle; every answer must be one of exp's */
static void concurrent(char **exp, uint64_t final_units, int snap)
{
    char dir[512];
    state_dir(dir, sizeof dir, "shared", snap);
    jisr_tm *tm = snap ? open_snap(dir) : open_new(dir);
    import_base(tm);
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    uint64_t map0 = st.map_bytes;
    jisr_tm_stats_free(&st);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, NTHREADS + 1);
    imp_arg ia = {tm, BATCHES, 15, 0, 0};
    worker w[NTHREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < NTHREADS; i++) {
        w[i].idx = i;
        w[i].tm = tm;
        w[i].imp = &ia;
        w[i].start = &start;
        assert_int_equal(pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
    }
    pthread_t it;
    jisr_tm_snapshot sn0;
    jisr_tm_snapshot_info(tm, &sn0);
    uint64_t builds0 = sn0.builds; /* the directories built before the import */
    pthread_barrier_wait(&start);
    assert_int_equal(pthread_create(&it, NULL, import_main, &ia), 0);
    pthread_join(it, NULL);
    if (snap) {
        /* the calls go on until the builder has rebuilt the directory after the import's commits
         * and at least 100 calls have read through it: however loaded the machine, the checks
         * below then hold (bounded: 60 s each, after which they fail) */
        jisr_tm_snapshot sn;
        uint64_t reads0 = 0;
        for (int ms = 0; ms < 60000; ms += 5) {
            if (jisr_tm_snapshot_info(tm, &sn) && sn.builds > builds0) {
                reads0 = sn.reads;
                break;
            }
            nanosleep(&(struct timespec){0, 5000000L}, NULL);
        }
        for (int ms = 0; ms < 60000 && sn.builds > builds0; ms += 5) {
            jisr_tm_snapshot_info(tm, &sn);
            if (sn.reads >= reads0 + 100)
                break;
            nanosleep(&(struct timespec){0, 5000000L}, NULL);
        }
    }
    __atomic_store_n(&ia.stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(w[i].th, NULL);
    pthread_barrier_destroy(&start);

    /* every answer is that of a committed state, each thread's states in order */
    size_t total = 0, seen[BATCHES + 1] = {0};
    for (int i = 0; i < NTHREADS; i++) {
        int lo = 0; /* the earliest state this thread can still be in */
        for (size_t a = 0; a < w[i].n; a++) {
            size_t c = w[i].which[a];
            int k = lo;
            while (k <= BATCHES && strcmp(exp[c * (BATCHES + 1) + (size_t)k], w[i].got[a]) != 0)
                k++;
            if (k > BATCHES) {
                fprintf(stderr,
                        "thread %d, answer %zu (call %zu, kind %d, '%s'): no state from %d "
                        "on gives it:\n  got %s\n",
                        i, a, c, g_calls[c].kind, g_calls[c].text, lo, w[i].got[a]);
                for (int s = 0; s <= BATCHES; s++)
                    fprintf(stderr, "  state %d: %s\n", s, exp[c * (BATCHES + 1) + (size_t)s]);
            }
            assert_true(k <= BATCHES);
            lo = k; /* the first state from lo on that gives this answer */
            seen[lo]++;
            free(w[i].got[a]);
        }
        total += w[i].n;
        free(w[i].which);
        free(w[i].got);
    }
    fprintf(stderr,
            "%zu answers, all of a committed state; calls made in states 0-%d (at least):", total,
            BATCHES);
    int states = 0;
    for (int k = 0; k <= BATCHES; k++) {
        fprintf(stderr, " %zu", seen[k]);
        states += seen[k] > 0;
    }
    fprintf(stderr, "\n");
    assert_true(total >= (size_t)NTHREADS * g_min_calls);
    assert_true(states >= 2); /* the calls did overlap the import */
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_int_equal(st.units, final_units);
    if (snap) {
        jisr_tm_snapshot sn;
        jisr_tm_snapshot_info(tm, &sn);
        fprintf(stderr,
                "with the directory: map %llu -> %llu bytes, %llu builds, %llu reads "
                "through one\n",
                (unsigned long long)map0, (unsigned long long)st.map_bytes,
                (unsigned long long)sn.builds, (unsigned long long)sn.reads);
        assert_true(st.map_bytes > map0); /* the map grew while the directory was read */
        assert_true(sn.builds > builds0); /* rebuilt after the import's commits */
        assert_true(sn.reads >= 100);
    }
    jisr_tm_stats_free(&st);
    jisr_tm_close(tm);
    rm_memory(dir);
}

static void test_threads(void **state)
{
    (void)state;
    const char *calls = getenv("JISR_TEST_CALLS");
    if (calls && atoi(calls) > 0)
        g_min_calls = (size_t)atoi(calls);
    snprintf(g_root, sizeof g_root, "/tmp/jisr-test-threads-XXXXXX");
    assert_non_null(mkdtemp(g_root));
    load_pairs();
    make_calls();
    /* expected answers: exp[c * (BATCHES + 1) + k] in state k */
    char **exp = calloc(g_ncalls * (BATCHES + 1), sizeof *exp);
    uint64_t final_units = 0;
    for (int k = 0; k <= BATCHES; k++) {
        char dir[512];
        state_dir(dir, sizeof dir, "state", k);
        jisr_tm *tm = open_new(dir);
        import_base(tm);
        imp_arg a = {tm, k, 0, 0, 0};
        import_main(&a);
        for (size_t c = 0; c < g_ncalls; c++)
            exp[c * (BATCHES + 1) + (size_t)k] = run_call(tm, NULL, &g_calls[c]);
        jisr_tm_stats st;
        assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
        final_units = st.units;
        jisr_tm_stats_free(&st);
        jisr_tm_close(tm);
        rm_memory(dir);
    }
    size_t changing = 0; /* calls whose answer the import changes */
    for (size_t c = 0; c < g_ncalls; c++)
        for (int k = 1; k <= BATCHES; k++)
            if (strcmp(exp[c * (BATCHES + 1)], exp[c * (BATCHES + 1) + (size_t)k]) != 0) {
                changing++;
                break;
            }
    fprintf(stderr, "%zu calls, %zu of them answered differently as the import goes on\n", g_ncalls,
            changing);
    assert_true(changing * 4 >= g_ncalls); /* the test would be weak otherwise */

    concurrent(exp, final_units, 0);
    /* again with the directory: the builder rebuilds between the import's commits (no quiet
     * time), and the import grows the map */
    setenv("JISR_TM_SNAP_QUIET_MS", "0", 1);
    concurrent(exp, final_units, 1);
    rmdir(g_root);
    for (size_t i = 0; i < g_ncalls * (BATCHES + 1); i++)
        free(exp[i]);
    free(exp);
    for (size_t i = 0; i < g_nbase; i++) {
        free(g_base[i].ar);
        free(g_base[i].en);
    }
    for (size_t i = 0; i < g_nnew; i++) {
        free(g_new[i].ar);
        free(g_new[i].en);
    }
    free(g_base);
    free(g_new);
    free(g_calls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_threads)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
