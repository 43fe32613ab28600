/*
 * test_api_tm.c — the public API as a caller uses it, on the defects a tester found with the
 * installed library: removing a memory that is open (in this process, in another), closing a
 * handle with an iterator or an import still open, *out on errors, bad arguments (a NULL
 * array with a count, unknown flags or formats), ladders with a score outside 0..1 or an empty
 * bead, and the corpus filter's NaN score and zero max_chars.
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "align/align.h"
#include "corpus/corpus.h"
#include "test_tm_dir.h"

static jisr_tm *open_write(const char *dir)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE;
    assert_int_equal(jisr_tm_open(&tm, dir, &o), 0);
    return tm;
}

static uint64_t units_of(const char *dir)
{
    jisr_tm *tm = NULL;
    assert_int_equal(jisr_tm_open(&tm, dir, NULL), 0);
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    uint64_t n = st.units;
    jisr_tm_stats_free(&st);
    jisr_tm_close(tm);
    return n;
}

static int exists(const char *dir, const char *file)
{
    char p[512];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, file);
    return stat(p, &sb) == 0;
}

/* rm_repro.c: a new memory open in this process is not removed; the import into the open
 * handle is kept; once closed (and still empty), the memory is removed. */
static void test_remove_open_here(void **state)
{
    (void)state;
    char dir[64];
    tmdir_make(dir, sizeof dir, "api-rm");
    jisr_tm *tm = open_write(dir);
    assert_int_equal(jisr_tm_remove(dir), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "open"));
    assert_true(exists(dir, "data.mdb"));
    /* a read-only handle of this process counts too (one handle at a time: jisr_tm_open
     * refuses a second one of a memory open in this process) */
    jisr_tm *ro = NULL;
    jisr_tm_close(tm);
    assert_int_equal(jisr_tm_open(&ro, dir, NULL), 0);
    assert_int_equal(jisr_tm_remove(dir), JISR_EINVAL);
    jisr_tm_close(ro);
    /* closed and empty: removed, directory and all */
    assert_int_equal(jisr_tm_remove(dir), 0);
    struct stat sb;
    assert_int_equal(stat(dir, &sb), -1);
    assert_int_equal(jisr_tm_remove(dir), JISR_ENOTFOUND);
    assert_int_equal(jisr_tm_remove(NULL), JISR_EINVAL);

    /* the import into a handle that stayed open while remove was refused is all there */
    tmdir_make(dir, sizeof dir, "api-rm2");
    tm = open_write(dir);
    assert_int_equal(jisr_tm_remove(dir), JISR_EINVAL);
    jisr_tm_import *imp = NULL;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "en", "Hello world", "ar", "مرحبا بالعالم");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_close(tm);
    assert_int_equal(units_of(dir), 1);
    assert_int_equal(jisr_tm_remove(dir), JISR_EINVAL); /* not empty */
    assert_int_equal(units_of(dir), 1);
    tmdir_remove(dir);
}

/* `jisr import` in two processes: A created the memory and failed, B imports into it; A's
 * jisr_tm_remove while B has it open must leave B's units. The child plays B: it opens the
 * memory, imports, tells the parent, and closes only when told. */
static void test_remove_open_elsewhere(void **state)
{
    (void)state;
    char dir[64];
    tmdir_make(dir, sizeof dir, "api-rmx");
    jisr_tm_close(open_write(dir)); /* A made it, empty */
    int up[2], down[2];
    assert_int_equal(pipe(up), 0);
    assert_int_equal(pipe(down), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(up[0]);
        close(down[1]);
        jisr_tm *tm = NULL;
        jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
        o.flags = JISR_TM_WRITE;
        int bad = jisr_tm_open(&tm, dir, &o) < 0;
        char c = 'x';
        if (!bad) {
            /* opened, nothing stored yet: the parent's remove comes now */
            c = 'o';
            bad |= write(up[1], &c, 1) != 1 || read(down[0], &c, 1) != 1;
            jisr_tm_import *imp = NULL;
            jisr_unit u;
            jisr_unit_init(&u);
            bad |= jisr_unit_add_variant(&u, "en", "Hello", 5, NULL) < 0 ||
                   jisr_unit_add_variant(&u, "ar", "مرحبا", strlen("مرحبا"), NULL) < 0 ||
                   jisr_tm_import_begin(tm, NULL, &imp) < 0 || jisr_tm_import_add(imp, &u) < 0;
            bad |= jisr_tm_import_end(imp, 1) < 0;
            jisr_unit_clear(&u);
            jisr_tm_close(tm);
        }
        c = bad ? 'x' : 'd';
        bad |= write(up[1], &c, 1) != 1;
        _exit(bad);
    }
    close(up[1]);
    close(down[0]);
    char c = 0;
    assert_int_equal(read(up[0], &c, 1), 1);
    assert_int_equal(c, 'o');
    /* empty, but open in the child */
    assert_int_equal(jisr_tm_remove(dir), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "open"));
    assert_int_equal(write(down[1], "g", 1), 1);
    assert_int_equal(read(up[0], &c, 1), 1);
    assert_int_equal(c, 'd');
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(up[0]);
    close(down[1]);
    assert_int_equal(units_of(dir), 1); /* the child's unit is there */
    tmdir_remove(dir);
}

/* jisr_tm_close with an iterator open: the handle stays until the iterator is closed (no
 * crash in tm_txn_abort); with an import open: its units are committed at jisr_tm_import_end
 * (no use after free on the writer thread). */
static void test_close_with_iter_and_import(void **state)
{
    (void)state;
    char dir[64];
    tmdir_make(dir, sizeof dir, "api-close");
    jisr_tm *tm = open_write(dir);
    jisr_tm_import *imp = NULL;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "en", "One", "ar", "واحد");
    jisr_tm_close(tm); /* import still open */
    add_pair(imp, "en", "Two", "ar", "اثنان");
    assert_int_equal(jisr_tm_import_commit(imp), 0);
    add_pair(imp, "en", "Three", "ar", "ثلاثة");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0); /* closes the handle */
    assert_int_equal(units_of(dir), 3);

    assert_int_equal(jisr_tm_open(&tm, dir, NULL), 0);
    jisr_tm_iter *it = NULL, *it2 = NULL;
    assert_int_equal(jisr_tm_iter_open(tm, &it), 0);
    assert_int_equal(jisr_tm_iter_open(tm, &it2), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    uint64_t id;
    assert_int_equal(jisr_tm_iter_next(it, &id, &u), 1);
    jisr_tm_close(tm); /* two iterators open */
    assert_int_equal(jisr_tm_iter_next(it, &id, &u), 1);
    jisr_tm_iter_close(it);
    assert_int_equal(jisr_tm_iter_next(it2, &id, &u), 1);
    jisr_tm_iter_close(it2); /* the last: closes the handle */
    jisr_unit_clear(&u);
    /* closed for real: the directory's lock is gone, and the memory can be opened again */
    assert_int_equal(units_of(dir), 3);
    tmdir_remove(dir);
}

/* A memory of one unit, "Hello world" / "مرحبا بالعالم", in dir. */
static void one_unit(char *dir, size_t n, const char *name)
{
    tmdir_make(dir, n, name);
    jisr_tm *tm = open_write(dir);
    jisr_tm_import *imp = NULL;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "en", "Hello world", "ar", "مرحبا بالعالم");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_close(tm);
}

/* On error *out is NULL (docs/api.md). */
static void test_import_begin_out(void **state)
{
    (void)state;
    char dir[64];
    one_unit(dir, sizeof dir, "api-imp");
    jisr_tm *ro = NULL;
    assert_int_equal(jisr_tm_open(&ro, dir, NULL), 0);
    jisr_tm_import *imp = (jisr_tm_import *)(uintptr_t)1; /* stale */
    assert_int_equal(jisr_tm_import_begin(ro, NULL, &imp), JISR_EREADONLY);
    assert_null(imp);
    imp = (jisr_tm_import *)(uintptr_t)1;
    assert_int_equal(jisr_tm_import_begin(NULL, NULL, &imp), JISR_EINVAL);
    assert_null(imp);
    jisr_tm_close(ro);
    tmdir_remove(dir);
}

static void test_iter_open_null(void **state)
{
    (void)state;
    jisr_tm_iter *it = (jisr_tm_iter *)(uintptr_t)1;
    assert_int_equal(jisr_tm_iter_open(NULL, &it), JISR_EINVAL);
    assert_null(it);
}

/* props NULL with nprops 3 (a crash in query_setup), unknown flag bits (accepted silently) */
static void test_query_bad_opts(void **state)
{
    (void)state;
    char dir[64];
    one_unit(dir, sizeof dir, "api-q");
    jisr_tm *ro = NULL;
    assert_int_equal(jisr_tm_open(&ro, dir, NULL), 0);
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(ro, "Hello world", &qo, &m), 0);
    assert_int_equal(m.n, 1);
    jisr_tm_matches_free(&m);
    qo.props = NULL;
    qo.nprops = 3;
    assert_int_equal(jisr_tm_query(ro, "Hello world", &qo, &m), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "prop"));
    assert_int_equal(m.n, 0);
    qo.nprops = 0;
    qo.flags = 1u << 7;
    assert_int_equal(jisr_tm_query(ro, "Hello world", &qo, &m), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "flags"));
    qo.flags = JISR_TM_EXHAUSTIVE | JISR_TM_NO_DIFF;
    assert_int_equal(jisr_tm_query(ro, "Hello world", &qo, &m), 0);
    assert_int_equal(m.n, 1);
    jisr_tm_matches_free(&m);
    jisr_tm_close(ro);
    tmdir_remove(dir);
}

/* no ids: nothing deleted, and no memcpy from NULL (UBSan, in the sanitizer build) */
static void test_delete_no_ids(void **state)
{
    (void)state;
    char dir[64];
    one_unit(dir, sizeof dir, "api-del");
    jisr_tm *tm = open_write(dir);
    assert_int_equal(jisr_tm_delete(tm, NULL, 0), 0);
    assert_int_equal(jisr_tm_delete(tm, NULL, 2), JISR_EINVAL);
    assert_int_equal(jisr_tm_delete(NULL, NULL, 0), JISR_EINVAL);
    jisr_tm_close(tm);
    assert_int_equal(units_of(dir), 1);
    tmdir_remove(dir);
}

/* an unknown format number is the caller's error, not "Moses text has two files" */
static void test_import_unknown_format(void **state)
{
    (void)state;
    char dir[64];
    tmdir_make(dir, sizeof dir, "api-fmt");
    jisr_tm *tm = open_write(dir);
    static const char tsv[] = "Hi\tمرحبا\n";
    jisr_tm_file_opts fo;
    memset(&fo, 0, sizeof fo);
    jisr_read_opts rd = JISR_READ_OPTS_INIT;
    fo.read = rd;
    fo.read.srclang = "en";
    fo.read.tgtlang = "ar";
    fo.read.format = (jisr_format)42;
    jisr_tm_import_stats st;
    assert_int_equal(jisr_tm_import_buffer(tm, "b.tsv", tsv, sizeof tsv - 1, &fo, &st),
                     JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "format"));
    fo.read.format = JISR_FMT_TSV;
    assert_int_equal(jisr_tm_import_buffer(tm, "b.tsv", tsv, sizeof tsv - 1, &fo, &st), 0);
    assert_int_equal(st.added, 1);
    /* a reindex's character search setting is one of the three */
    jisr_tm_reindex_opts ro = JISR_TM_REINDEX_OPTS_INIT;
    ro.chars = 7;
    assert_int_equal(jisr_tm_reindex(tm, &ro), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "chars 7"));
    jisr_tm_close(tm);
    tmdir_remove(dir);
}

static void test_filter_nan_score(void **state)
{
    (void)state;
    jisr_filter *f = NULL;
    jisr_filter_opts o = JISR_FILTER_OPTS_INIT;
    o.min_score = 0;
    assert_int_equal(jisr_filter_new(&f, "en", "ar", &o), 0);
    const char *en = "The committee adopted the report.", *ar = "واعتمدت اللجنة التقرير.";
    assert_int_equal(jisr_filter_check(f, en, strlen(en), ar, strlen(ar), NAN), JISR_DROP_SCORE);
    assert_int_equal(jisr_filter_check(f, en, strlen(en), ar, strlen(ar), 0.9), JISR_DROP_N);
    jisr_filter_free(f);
}

static void test_filter_zero_max_chars(void **state)
{
    (void)state;
    jisr_filter *f = NULL;
    jisr_filter_opts o = JISR_FILTER_OPTS_INIT;
    o.max_chars = 0; /* a zero field means the default (2000) */
    assert_int_equal(jisr_filter_new(&f, "en", "ar", &o), 0);
    const char *en = "The committee adopted the report.", *ar = "واعتمدت اللجنة التقرير.";
    assert_int_equal(jisr_filter_check(f, en, strlen(en), ar, strlen(ar), 0.9), JISR_DROP_N);
    jisr_filter_free(f);
}

int main(int argc, char **argv)
{
    if (argc > 1) /* one test (or a pattern) by name */
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remove_open_here),
        cmocka_unit_test(test_remove_open_elsewhere),
        cmocka_unit_test(test_close_with_iter_and_import),
        cmocka_unit_test(test_import_begin_out),
        cmocka_unit_test(test_iter_open_null),
        cmocka_unit_test(test_query_bad_opts),
        cmocka_unit_test(test_delete_no_ids),
        cmocka_unit_test(test_import_unknown_format),
        cmocka_unit_test(test_filter_nan_score),
        cmocka_unit_test(test_filter_zero_max_chars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
