/*
 * test_align_out.c — the aligner's TMX output when a pair holds a character XML cannot carry:
 * the error names the pair in the ladder's terms (before: "unit N", counting only the units
 * written), and standard output gets the whole TMX or nothing (before: a TMX cut after its
 * header, the run failing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "align/align.h"
#include "text/text.h"

static void fill(jisr_sentences *s, const char *const *v, size_t n)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(jisr_sentences_push(s, v[i], strlen(v[i])), 0);
}

static void test_tmx_bad_pair(void **state)
{
    (void)state;
    const char *a[] = {"نص سليم.", "نص \x06 فيه رمز.", "نص آخر."};
    const char *e[] = {"A clean text.", "A text with a code.", "Another text."};
    jisr_sentences src, tgt;
    fill(&src, a, 3);
    fill(&tgt, e, 3);
    jisr_ladder l = {0};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(jisr_ladder_push(&l, i, 1, i, 1, 0.9), 0);
    jisr_align_out o = JISR_ALIGN_OUT_INIT;
    o.format = JISR_ALIGN_TMX;
    jisr_buf b = {0};
    int rc = jisr_align_render(&b, &o, &src, &tgt, &l);
    assert_true(rc < 0);
    const char *msg = jisr_error_last()->msg;
    assert_non_null(strstr(msg, "source sentence 1 and target sentence 1"));
    assert_null(strstr(msg, "unit 2"));

    /* standard output: nothing, rather than a TMX cut short */
    char path[] = "/tmp/jisr-alignout.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(1);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, 1), 1);
    rc = jisr_align_write("-", &o, &src, &tgt, &l);
    fflush(stdout);
    assert_int_equal(dup2(saved, 1), 1);
    close(saved);
    assert_true(rc < 0);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    assert_int_equal(size, 0);

    /* without the pair: the whole TMX */
    l.v[1].score = 0.1;
    o.min_score = 0.5;
    jisr_buf_reset(&b);
    assert_int_equal(jisr_align_render(&b, &o, &src, &tgt, &l), 0);
    assert_non_null(strstr(b.data, "</tmx>"));
    jisr_buf_free(&b);
    jisr_ladder_free(&l);
    jisr_sentences_free(&src);
    jisr_sentences_free(&tgt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tmx_bad_pair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
