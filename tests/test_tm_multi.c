/*
 * test_tm_multi.c — several memories with penalties (tm/multi.c): jisr_tm_query_multi against
 * an oracle built from --exhaustive queries of each memory alone (every match, penalty
 * subtracted by hand, ranked as the matcher ranks (score, agreement, character similarity, change,
 * usage, similarity), then memory → id, cut at the threshold and at n), over three overlapping
 * memories, both directions, several thresholds, sizes and penalties.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/formats.h"
#include "tm/tm.h"

static char g_dir[256];
static char *g_ar[400], *g_en[400];
static size_t g_n;

static void load(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tm/ar-en.tsv", JISR_TEST_DATA);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    ssize_t k;
    while (g_n < 400 && (k = getline(&line, &cap, f)) > 0) {
        while (k && (line[k - 1] == '\n' || line[k - 1] == '\r'))
            line[--k] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        g_ar[g_n] = strdup(line);
        g_en[g_n] = strdup(tab + 1);
        g_n++;
    }
    free(line);
    fclose(f);
}

/* memory k holds lines [lo, hi) */
static jisr_tm *make(int k, size_t lo, size_t hi)
{
    char d[300];
    snprintf(d, sizeof d, "%s/m%d", g_dir, k);
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE | JISR_TM_NOSYNC;
    jisr_tm *tm;
    assert_int_equal(jisr_tm_open(&tm, d, &o), 0);
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    for (size_t i = lo; i < hi && i < g_n; i++) {
        jisr_unit_clear(&u);
        jisr_unit_add_variant(&u, "ar", g_ar[i], strlen(g_ar[i]), NULL);
        jisr_unit_add_variant(&u, "en", g_en[i], strlen(g_en[i]), NULL);
        assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    }
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    return tm;
}

static int rank_cmp(const void *pa, const void *pb)
{
    const jisr_tm_match *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    /* the matcher's own tie keys (tm/multi.c) */
    if ((a->nagree > 0) != (b->nagree > 0))
        return a->nagree ? 1 : -1;
    if (a->char_similarity != b->char_similarity)
        return a->char_similarity > b->char_similarity ? -1 : 1;
    if (a->shared_run != b->shared_run)
        return a->shared_run > b->shared_run ? -1 : 1;
    if (a->changed != b->changed)
        return a->changed > b->changed ? -1 : 1;
    if (a->usage != b->usage)
        return a->usage > b->usage ? -1 : 1;
    if (a->similarity != b->similarity)
        return a->similarity > b->similarity ? -1 : 1;
    if (a->memory != b->memory)
        return a->memory < b->memory ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static void test_multi_exact(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/jisr-test-multi-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    load();
    assert_true(g_n >= 200);
    jisr_tm *tm[3] = {make(0, 0, 150), make(1, 100, 300), make(2, 0, 300)};
    static const int pens[][3] = {{0, 0, 0}, {0, 5, 15}, {20, 0, 3}, {0, 100, 50}};
    static const int mins[] = {40, 70, 90};
    static const size_t ns[] = {1, 3, 10};
    size_t checks = 0, nonempty = 0;
    for (size_t qi = 0; qi < g_n; qi += 7) {
        for (int dir = 0; dir < 2; dir++) {
            const char *text = dir ? g_en[qi] : g_ar[qi];
            jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
            o.srclang = dir ? "en" : "ar";
            o.tgtlang = dir ? "ar" : "en";
            /* every match of every memory, unpenalised, from the oracle */
            jisr_tm_matches all[3];
            for (int k = 0; k < 3; k++) {
                jisr_tm_query_opts e = o;
                e.flags = JISR_TM_EXHAUSTIVE;
                e.min_score = 0;
                e.max_results = 100000;
                assert_int_equal(jisr_tm_query(tm[k], text, &e, &all[k]), 0);
            }
            for (size_t pi = 0; pi < sizeof pens / sizeof pens[0]; pi++)
                for (size_t mi = 0; mi < 3; mi++)
                    for (size_t ni = 0; ni < 3; ni++) {
                        jisr_tm_source src[3];
                        for (int k = 0; k < 3; k++) {
                            src[k].tm = tm[k];
                            src[k].penalty = pens[pi][k];
                        }
                        o.min_score = mins[mi];
                        o.max_results = ns[ni];
                        jisr_tm_matches got;
                        assert_int_equal(jisr_tm_query_multi(src, 3, text, &o, &got), 0);
                        /* the expectation */
                        jisr_tm_match want[1000];
                        size_t nw = 0;
                        for (int k = 0; k < 3; k++)
                            for (size_t i = 0; i < all[k].n && nw < 1000; i++) {
                                jisr_tm_match x = all[k].v[i];
                                x.score -= pens[pi][k];
                                x.similarity -= pens[pi][k] / 100.0;
                                x.memory = (size_t)k;
                                if (x.score >= mins[mi])
                                    want[nw++] = x;
                            }
                        qsort(want, nw, sizeof *want, rank_cmp);
                        if (nw > ns[ni])
                            nw = ns[ni];
                        if (got.n != nw)
                            fail_msg("query %zu dir %d pen %zu min %d n %zu: %zu matches, "
                                     "expected %zu",
                                     qi, dir, pi, mins[mi], ns[ni], got.n, nw);
                        for (size_t i = 0; i < nw; i++) {
                            assert_int_equal(got.v[i].memory, want[i].memory);
                            assert_int_equal(got.v[i].id, want[i].id);
                            assert_int_equal(got.v[i].score, want[i].score);
                            assert_string_equal(got.v[i].target, want[i].target);
                        }
                        nonempty += nw > 0;
                        checks++;
                        jisr_tm_matches_free(&got);
                    }
            for (int k = 0; k < 3; k++)
                jisr_tm_matches_free(&all[k]);
        }
    }
    printf("%zu multi-memory queries equal to the oracle (%zu with matches)\n", checks, nonempty);
    assert_true(nonempty > checks / 3);

    /* errors: a penalty out of range, no handle */
    jisr_tm_source bad[1] = {{tm[0], 101}};
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.srclang = "ar";
    o.tgtlang = "en";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query_multi(bad, 1, "x", &o, &m), JISR_EINVAL);
    bad[0].tm = NULL;
    bad[0].penalty = 0;
    assert_int_equal(jisr_tm_query_multi(bad, 1, "x", &o, &m), JISR_EINVAL);
    assert_int_equal(jisr_tm_query_multi(NULL, 0, "x", &o, &m), 0);
    assert_int_equal(m.n, 0);

    for (int k = 0; k < 3; k++)
        jisr_tm_close(tm[k]);
    for (size_t i = 0; i < g_n; i++) {
        free(g_ar[i]);
        free(g_en[i]);
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_multi_exact)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
