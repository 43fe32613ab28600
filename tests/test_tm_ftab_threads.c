/* test_tm_ftab_threads.c — the form tables of short texts (tm/formtab.c, jisr_tm_warm) under
 * threads: one handle with the character search on and its tables built, 4 threads querying it
 * with the scan of every length forced (so every scanned form comes from a table, or from the
 * cursor while the tables are stale and another thread rebuilds them), while a fifth imports
 * batches through the same handle — each commit makes the tables stale, and the next query
 * rebuilds them. The imported units (digits only) can reach no query's bar, so every answer must
 * equal the one computed before, without threads and without tables. Runs under
 * ThreadSanitizer in CI (label "threads"). */
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

#include "test_tm_dir.h"
#include "tm/formtab.h"
#include "tm/match_int.h"
#include "tm/tm.h"

#define NTHREADS 4
#define NUNITS 800
#define NQ 60
#define BATCHES 4

static const char *const words[] = {"file",  "open", "save",  "close",  "print", "copy",
                                    "paste", "edit", "view",  "help",   "new",   "folder",
                                    "name",  "page", "order", "show",   "hide",  "zoom",
                                    "undo",  "redo", "find",  "select", "all",   "none"};
static char g_units[NUNITS][96], g_q[NQ][96], g_exp[NQ][256];
static char g_dir[256];

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* the ids and scores of q at --min 50, -n 3 */
static int answer(jisr_tm *tm, const char *q, char *out, size_t cap)
{
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.srclang = "en";
    o.tgtlang = "ar";
    o.min_score = 50;
    o.max_results = 3;
    jisr_tm_matches m;
    int rc = jisr_tm_query(tm, q, &o, &m);
    if (rc < 0)
        return rc;
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < m.n && k + 32 < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%llu:%d ", (unsigned long long)m.v[i].id,
                              m.v[i].score);
    jisr_tm_matches_free(&m);
    return 0;
}

typedef struct warg {
    jisr_tm *tm;
    int idx;
    volatile int *done;
    size_t calls, bad, tab;
} warg;

static void *worker(void *p)
{
    warg *w = p;
    uint64_t x = 0x9E3779B97F4A7C15ULL * (uint64_t)(w->idx + 1);
    char got[256];
    while (w->calls < 150 || !__atomic_load_n(w->done, __ATOMIC_ACQUIRE)) {
        size_t i = (size_t)(rnd(&x) % NQ);
        tm_short_ntab = 0;
        if (answer(w->tm, g_q[i], got, sizeof got) < 0 || strcmp(got, g_exp[i]) != 0) {
            fprintf(stderr, "thread %d, query '%s': got '%s', expected '%s'\n", w->idx, g_q[i], got,
                    g_exp[i]);
            w->bad++;
        }
        w->tab += tm_short_ntab;
        w->calls++;
    }
    return NULL;
}

typedef struct iarg {
    jisr_tm *tm;
    volatile int done;
} iarg;

static int on_commit(void *ctx, const jisr_tm_import_stats *st)
{
    (void)ctx;
    (void)st;
    struct timespec ts = {0, 20 * 1000000L}; /* let the queries see each state a while */
    nanosleep(&ts, NULL);
    return 0;
}

static void *importer(void *p)
{
    iarg *a = p;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = 50;
    io.on_commit = on_commit;
    jisr_tm_import *imp;
    if (jisr_tm_import_begin(a->tm, &io, &imp) == 0) {
        char en[64];
        for (int i = 0; i < BATCHES * 50; i++) { /* digits: no query's bar is reached */
            snprintf(en, sizeof en, "%d %d", 100000 + i * 7, 9000 + i);
            add_pair(imp, "en", en, "ar", "رقم");
        }
        if (jisr_tm_import_end(imp, 1) < 0)
            fprintf(stderr, "import: %s\n", jisr_error_last()->msg);
    }
    __atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void test_ftab_threads(void **state)
{
    (void)state;
    tmdir_make(g_dir, sizeof g_dir, "ftab");
    jisr_tm *tm;
    jisr_tm_open_opts oo = JISR_TM_OPEN_OPTS_INIT;
    oo.flags = JISR_TM_WRITE | JISR_TM_NOSYNC;
    assert_int_equal(jisr_tm_open(&tm, g_dir, &oo), 0);
    assert_int_equal(jisr_tm_set_chars(tm, 1), 0);
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    uint64_t x = 0x51ED2701A3C4F0B9ULL;
    for (int i = 0; i < NUNITS; i++) {
        size_t n = 1 + rnd(&x) % 4, o = 0;
        for (size_t k = 0; k < n; k++)
            o += (size_t)snprintf(g_units[i] + o, sizeof g_units[i] - o, "%s%s", k ? " " : "",
                                  words[rnd(&x) % (sizeof words / sizeof words[0])]);
        char ar[32];
        snprintf(ar, sizeof ar, "وحدة %d", i);
        add_pair(imp, "en", g_units[i], "ar", ar);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    tm_short_scan_pct = 0; /* every length of every window scanned */
    tm_short_ftab = -1;    /* the expected answers: by the cursor, one thread */
    for (int i = 0; i < NQ; i++) {
        memcpy(g_q[i], g_units[(i * 13) % NUNITS], sizeof g_q[i]);
        size_t l = strlen(g_q[i]);
        g_q[i][(size_t)i % l] = (char)('a' + (i * 5) % 26); /* one letter changed */
        assert_int_equal(answer(tm, g_q[i], g_exp[i], sizeof g_exp[i]), 0);
    }
    tm_short_ftab = 0;
    jisr_tm_warm_stats st;
    assert_int_equal(jisr_tm_warm(tm, &st), 0);
    assert_int_equal(st.usable, 1);
    size_t forms0 = st.forms; /* (units with the same text merge) */
    assert_true(forms0 > NUNITS);
    size_t built = __atomic_load_n(&tm_ftab_nbuild, __ATOMIC_RELAXED);
    iarg ia = {tm, 0};
    warg w[NTHREADS];
    pthread_t th[NTHREADS], it;
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (warg){tm, i, &ia.done, 0, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
    }
    assert_int_equal(pthread_create(&it, NULL, importer, &ia), 0);
    pthread_join(it, NULL);
    size_t calls = 0, bad = 0, tab = 0;
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        calls += w[i].calls;
        bad += w[i].bad;
        tab += w[i].tab;
    }
    fprintf(stderr,
            "%zu queries on %d threads during an import, %zu forms from tables, %zu wrong\n", calls,
            NTHREADS, tab, bad);
    tm_ftab_wait(tm); /* (a builder thread the queries started) */
    built = __atomic_load_n(&tm_ftab_nbuild, __ATOMIC_RELAXED) - built;
    fprintf(stderr, "the tables rebuilt %zu times by the queries\n", built);
    assert_int_equal(bad, 0);
    assert_true(tab > 0);
    assert_true(built >= 1); /* stale tables were rebuilt while the threads ran */
    /* the final state: the tables rebuilt for it hold every form */
    assert_int_equal(jisr_tm_warm(tm, &st), 0);
    assert_int_equal(st.usable, 1);
    assert_int_equal(st.forms, forms0 + 2 * BATCHES * 50);
    tm_short_scan_pct = 200;
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ftab_threads)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
