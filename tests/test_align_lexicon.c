/*
 * test_align_lexicon.c — trained lexicons: training on a small self-written corpus, the text
 * form written, read and written again byte for byte (plain and gzip), the same bytes from two
 * trainings, the reader's errors, the aligner using a trained table (an omission that lengths
 * alone misplace is found through it, in both directions), the shipped lexicon, and that model 2
 * gives a document the same alignment whatever the aligner saw before (clear vs a fresh one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align/align.h"

static char *data_path(const char *name)
{
    static char path[4][4096];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/align/%s", JISR_TEST_DATA, name);
    return path[k];
}

static jisr_lexicon *train_fixture(void)
{
    jisr_lexicon_train_opts o = JISR_LEXICON_TRAIN_OPTS_INIT;
    jisr_lexicon_trainer *tr = NULL;
    assert_int_equal(jisr_lexicon_trainer_new(&tr, &o), 0);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TSV;
    uint64_t n = 0;
    assert_int_equal(jisr_lexicon_trainer_add_file(tr, data_path("lexicon-corpus.tsv"), &ro, &n),
                     0);
    assert_int_equal(n, 60);
    uint64_t taken, skipped;
    jisr_lexicon_trainer_counts(tr, &taken, &skipped);
    assert_int_equal(taken, 60);
    assert_int_equal(skipped, 0);
    jisr_lexicon *lx = NULL;
    assert_int_equal(jisr_lexicon_trainer_finish(tr, &lx), 0);
    jisr_lexicon_trainer_free(tr);
    return lx;
}

static void test_train_and_formats(void **state)
{
    (void)state;
    jisr_lexicon *lx = train_fixture();
    assert_true(jisr_lexicon_size(lx) > 20);
    assert_string_equal(jisr_lexicon_lang(lx, 0), "ar");
    assert_string_equal(jisr_lexicon_lang(lx, 1), "en");
    jisr_buf a = {0}, b = {0}, c = {0};
    assert_int_equal(jisr_lexicon_format(lx, &a), 0);
    assert_non_null(strstr(a.data, "# jisr lexicon 1\n# langs ar en\n"));
    /* the noun the corpus pairs most consistently: كتاب / book both ways */
    assert_int_equal(jisr_lexicon_lookup(lx, "الكتاب", strlen("الكتاب"), &c), 0);
    const char *hit = strstr(c.data, "كتاب\tbook\t");
    assert_non_null(hit);
    double p1 = 0, p2 = 0;
    assert_int_equal(sscanf(hit + strlen("كتاب\tbook\t"), "%lf\t%lf", &p1, &p2), 2);
    assert_true(p1 >= 0.5 && p2 >= 0.5);
    jisr_buf_reset(&c);
    assert_int_equal(jisr_lexicon_lookup(lx, "xyzzy", 5, &c), 0);
    assert_string_equal(c.data, "# xyzzy: not in the lexicon\n");
    /* read back from memory and from files, plain and gzip: the same text */
    jisr_lexicon *back = NULL;
    assert_int_equal(jisr_lexicon_read_memory(&back, a.data, a.len, "mem"), 0);
    assert_int_equal(jisr_lexicon_format(back, &b), 0);
    assert_string_equal(a.data, b.data);
    jisr_lexicon_free(back);
    char dir[] = "/tmp/jisr-lex-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *names[] = {"l.txt", "l.gz"};
    for (int k = 0; k < 2; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        assert_int_equal(jisr_lexicon_write(lx, path, NULL), 0);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        unsigned char magic[2] = {0};
        assert_int_equal(fread(magic, 1, 2, f), 2);
        fclose(f);
        assert_int_equal(magic[0] == 0x1f && magic[1] == 0x8b, k == 1); /* .gz is gzip */
        assert_int_equal(jisr_lexicon_read(&back, path), 0);
        jisr_buf_reset(&b);
        assert_int_equal(jisr_lexicon_format(back, &b), 0);
        assert_string_equal(a.data, b.data);
        jisr_lexicon_free(back);
        unlink(path);
    }
    rmdir(dir);
    /* a second training on the same pairs: the same bytes */
    jisr_lexicon *again = train_fixture();
    jisr_buf_reset(&b);
    assert_int_equal(jisr_lexicon_format(again, &b), 0);
    assert_string_equal(a.data, b.data);
    jisr_lexicon_free(again);
    jisr_buf_free(&a);
    jisr_buf_free(&b);
    jisr_buf_free(&c);
    jisr_lexicon_free(lx);
}

static void expect_read_error(const char *text, int code, unsigned long line)
{
    jisr_lexicon *lx = NULL;
    assert_int_equal(jisr_lexicon_read_memory(&lx, text, strlen(text), "bad.lex"), code);
    assert_null(lx);
    assert_string_equal(jisr_error_last()->file, "bad.lex");
    if (line)
        assert_int_equal(jisr_error_last()->line, line);
}

static void test_read_errors(void **state)
{
    (void)state;
    const char *head = "# jisr lexicon 1\n# langs ar en\n# tokens 1\n";
    char buf[512];
    expect_read_error("كتاب\tbook\t0.5\t0.5\n", JISR_EPARSE, 1);
    expect_read_error("# jisr lexicon 9\n", JISR_EUNSUPPORTED, 1);
    expect_read_error("# jisr lexicon 1\n# langs ar en\n# tokens 99\n", JISR_EUNSUPPORTED, 3);
    snprintf(buf, sizeof buf, "%sكتاب\tbook\t1.5\t0.5\n", head);
    expect_read_error(buf, JISR_EPARSE, 4);
    assert_int_equal(jisr_error_last()->col, 15); /* the third field */
    snprintf(buf, sizeof buf, "%sكتاب\tbook\t0.5\n", head);
    expect_read_error(buf, JISR_EPARSE, 4);
    snprintf(buf, sizeof buf, "%sكتاب\tbook\t0.5\t0.5\textra\n", head);
    expect_read_error(buf, JISR_EPARSE, 4);
    snprintf(buf, sizeof buf, "%s\tbook\t0.5\t0.5\n", head);
    expect_read_error(buf, JISR_EPARSE, 4);
    expect_read_error("# jisr lexicon 1\nكتاب\tbook\t0.5\t0.5\n", JISR_EPARSE, 0); /* no langs */
    jisr_lexicon *lx = NULL;
    static const char zeros[100] = {0};
    assert_int_equal(jisr_lexicon_read_memory(&lx, zeros, sizeof zeros, "zeros"), JISR_EPARSE);
    assert_int_equal(jisr_lexicon_read(&lx, "/nonexistent/x.gz"), JISR_EIO);
    /* notes and blank lines are allowed; entries out of order are sorted on reading */
    snprintf(buf, sizeof buf, "%s# a note\n\nماء\twater\t0.9\t0.8\nباب\tdoor\t0.7\t0.6\n", head);
    assert_int_equal(jisr_lexicon_read_memory(&lx, buf, strlen(buf), "ok"), 0);
    assert_int_equal(jisr_lexicon_size(lx), 2);
    jisr_buf b = {0};
    assert_int_equal(jisr_lexicon_lookup(lx, "water", 5, &b), 0);
    assert_string_equal(b.data, "ماء\twater\t0.9000\t0.8000\n");
    jisr_buf_free(&b);
    jisr_lexicon_free(lx);
}

static size_t read_lines(const char *name, char ***out)
{
    FILE *f = fopen(data_path(name), "r");
    assert_non_null(f);
    char line[4096];
    size_t n = 0;
    *out = NULL;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        *out = realloc(*out, (n + 1) * sizeof **out);
        (*out)[n++] = strdup(line);
    }
    fclose(f);
    return n;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* strict F1 of aligning lexdoc (an omission in the middle of sentences of equal length) */
static double lexdoc_f1(const jisr_lexicon *lx, int reverse)
{
    char **ar, **en;
    size_t na = read_lines("lexdoc.ar", &ar), ne = read_lines("lexdoc.en", &en);
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    o.flags = JISR_ALIGN_NO_DICT | JISR_ALIGN_NO_LEXICON;
    o.srclang = reverse ? "en" : "ar";
    o.tgtlang = reverse ? "ar" : "en";
    jisr_aligner *a = NULL;
    assert_int_equal(jisr_aligner_new(&a, &o), 0);
    if (lx)
        assert_int_equal(jisr_aligner_add_lexicon(a, lx), 0);
    jisr_ladder l = {0}, g = {0}, gs = {0};
    if (reverse)
        assert_int_equal(
            jisr_aligner_align(a, (const char *const *)en, ne, (const char *const *)ar, na, &l), 0);
    else
        assert_int_equal(
            jisr_aligner_align(a, (const char *const *)ar, na, (const char *const *)en, ne, &l), 0);
    assert_int_equal(jisr_ladder_read(&g, data_path("lexdoc.gold")), 0);
    for (size_t k = 0; k < g.n; k++)
        jisr_ladder_push(&gs, g.v[k].tgt, g.v[k].ntgt, g.v[k].src, g.v[k].nsrc, 0);
    jisr_align_counts c = {0};
    assert_int_equal(jisr_align_score_add(&c, reverse ? &gs : &g, &l), 0);
    jisr_align_scores sc;
    jisr_align_score_finish(&c, &sc);
    jisr_ladder_free(&l);
    jisr_ladder_free(&g);
    jisr_ladder_free(&gs);
    jisr_aligner_free(a);
    free_lines(ar, na);
    free_lines(en, ne);
    return sc.f_strict;
}

static void test_lexicon_aligns(void **state)
{
    (void)state;
    jisr_lexicon *lx = train_fixture();
    /* lengths alone put the missing sentence in the wrong place; the table finds it. Used the
     * other way round it finds the four pairs (and merges the sentence with no partner, whose
     * words' translations occur nowhere, into a neighbour) */
    assert_true(lexdoc_f1(NULL, 0) < 0.9);
    assert_float_equal(lexdoc_f1(lx, 0), 1.0, 1e-9);
    assert_true(lexdoc_f1(NULL, 1) < 0.8);
    assert_true(lexdoc_f1(lx, 1) >= 0.8);
    /* a lexicon of other languages is refused */
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    o.srclang = "fr";
    o.tgtlang = "en";
    jisr_aligner *a = NULL;
    assert_int_equal(jisr_aligner_new(&a, &o), 0);
    assert_int_equal(jisr_aligner_add_lexicon(a, lx), JISR_EINVAL);
    jisr_aligner_free(a);
    jisr_lexicon_free(lx);
}

static void test_default_lexicon(void **state)
{
    (void)state;
    const jisr_lexicon *lx = NULL, *again = NULL;
    assert_int_equal(jisr_lexicon_default(&lx, "ar", "en"), 0);
    assert_non_null(lx);
    assert_true(jisr_lexicon_size(lx) > 10000);
    assert_int_equal(jisr_lexicon_default(&again, "en-GB", "ar-SA"), 0);
    assert_ptr_equal(lx, again); /* shared, read once */
    assert_int_equal(jisr_lexicon_default(&again, "fr", "en"), JISR_ENOTFOUND);
    jisr_buf b = {0};
    assert_int_equal(jisr_lexicon_lookup(lx, "كتاب", strlen("كتاب"), &b), 0);
    assert_non_null(strstr(b.data, "كتاب\tbook\t"));
    jisr_buf_free(&b);
}

static void test_trainer_units(void **state)
{
    (void)state;
    jisr_lexicon_train_opts o = JISR_LEXICON_TRAIN_OPTS_INIT;
    jisr_lexicon_trainer *tr = NULL;
    assert_int_equal(jisr_lexicon_trainer_new(&tr, &o), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    /* tagged variants in either order */
    assert_int_equal(jisr_unit_add_variant(&u, "en-US", "The book.", 9, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "الكتاب.", strlen("الكتاب."), NULL), 0);
    assert_int_equal(jisr_lexicon_trainer_add_unit(tr, &u), 1);
    /* undetermined languages (TSV read without -s/-t): by script */
    jisr_unit_clear(&u);
    assert_int_equal(jisr_unit_add_variant(&u, "und", "The house.", 10, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "und", "البيت.", strlen("البيت."), NULL), 0);
    assert_int_equal(jisr_lexicon_trainer_add_unit(tr, &u), 1);
    /* no Arabic: nothing taken */
    jisr_unit_clear(&u);
    assert_int_equal(jisr_unit_add_variant(&u, "fr", "La maison.", 10, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "en", "The house.", 10, NULL), 0);
    assert_int_equal(jisr_lexicon_trainer_add_unit(tr, &u), 0);
    jisr_unit_clear(&u);
    uint64_t taken = 0;
    jisr_lexicon_trainer_counts(tr, &taken, NULL);
    assert_int_equal(taken, 2);
    jisr_lexicon_trainer_free(tr);
    /* nothing to learn from */
    assert_int_equal(jisr_lexicon_trainer_new(&tr, &o), 0);
    jisr_lexicon *lx = NULL;
    assert_int_equal(jisr_lexicon_trainer_finish(tr, &lx), JISR_EINVAL);
    assert_null(lx);
    jisr_lexicon_trainer_free(tr);
    o.tgtlang = "ar";
    assert_int_equal(jisr_lexicon_trainer_new(&tr, &o), JISR_EINVAL); /* ar-ar */
}

static void ladder_text(const jisr_ladder *l, jisr_buf *b)
{
    jisr_buf_reset(b);
    jisr_ladder_format(b, l, 1);
}

static void test_history_independent(void **state)
{
    (void)state;
    /* model 2: a document gets the same alignment and scores from an aligner that has aligned
     * other documents before (per-document mode) as from a fresh one */
    const char *docs[][2] = {{"numbers.ar", "numbers.en"}, {"lexdoc.ar", "lexdoc.en"}};
    jisr_aligner *shared = NULL;
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    assert_int_equal(jisr_aligner_new(&shared, &o), 0);
    jisr_buf x = {0}, y = {0};
    for (int round = 0; round < 2; round++)
        for (size_t d = 0; d < 2; d++) {
            char **s, **t;
            size_t ns = read_lines(docs[d][0], &s), nt = read_lines(docs[d][1], &t);
            jisr_aligner *fresh = NULL;
            assert_int_equal(jisr_aligner_new(&fresh, &o), 0);
            jisr_ladder l1 = {0}, l2 = {0};
            assert_int_equal(jisr_aligner_align(shared, (const char *const *)s, ns,
                                                (const char *const *)t, nt, &l1),
                             0);
            assert_int_equal(jisr_aligner_align(fresh, (const char *const *)s, ns,
                                                (const char *const *)t, nt, &l2),
                             0);
            ladder_text(&l1, &x);
            ladder_text(&l2, &y);
            assert_string_equal(x.data, y.data);
            jisr_ladder_free(&l1);
            jisr_ladder_free(&l2);
            jisr_aligner_free(fresh);
            free_lines(s, ns);
            free_lines(t, nt);
        }
    jisr_buf_free(&x);
    jisr_buf_free(&y);
    jisr_aligner_free(shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_and_formats), cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_lexicon_aligns),    cmocka_unit_test(test_default_lexicon),
        cmocka_unit_test(test_trainer_units),     cmocka_unit_test(test_history_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
