/*
 * test_text_stem.c — jisr_stemmer_* against tests/data/text/stem_cases.tsv: expected Snowball
 * stems for Arabic and English words and groups of inflected forms that must share one stem;
 * plus language selection and the borrowed-result rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_text_util.h"
#include "text/text.h"

/* Stem of the normalised word, copied into out. */
static void stem_of(jisr_stemmer *st, const char *w, char *out, size_t outsz)
{
    jisr_buf nb = {0};
    assert_int_equal(jisr_text_normalize(w, strlen(w), JISR_NORM_MATCH, &nb), 0);
    size_t n;
    const char *r = jisr_stemmer_stem(st, nb.data, nb.len, &n);
    assert_non_null(r);
    assert_true(n < outsz);
    memcpy(out, r, n);
    out[n] = '\0';
    jisr_buf_free(&nb);
}

static void test_case_file(void **state)
{
    (void)state;
    size_t n;
    char *buf = tu_read_file(JISR_TEST_DATA "/text/stem_cases.tsv", &n);
    assert_non_null(buf);
    char *cur = buf, *line;
    int lineno = 0, cases = 0, bad = 0, ar = 0, en = 0;
    while ((line = tu_next_line(&cur, &lineno))) {
        char *f[4];
        if (tu_split(line, f, 4) < 3) {
            fprintf(stderr, "stem_cases.tsv:%d: malformed\n", lineno);
            bad++;
            continue;
        }
        jisr_stemmer *st;
        assert_int_equal(jisr_stemmer_new(&st, f[0]), 0);
        ar += jisr_lang_matches(f[0], "ar");
        en += jisr_lang_matches(f[0], "en");
        char got[256], first[256];
        cases++;
        if (strcmp(f[1], "=") != 0) {
            stem_of(st, f[1], got, sizeof got);
            if (strcmp(got, f[2]) != 0) {
                fprintf(stderr, "stem_cases.tsv:%d: %s → %s, want %s\n", lineno, f[1], got, f[2]);
                bad++;
            }
        } else {
            int k = 0;
            for (char *w = strtok(f[2], " "); w; w = strtok(NULL, " "), k++) {
                stem_of(st, w, got, sizeof got);
                if (k == 0) {
                    strcpy(first, got);
                } else if (strcmp(got, first) != 0) {
                    fprintf(stderr, "stem_cases.tsv:%d: %s → %s, not %s\n", lineno, w, got, first);
                    bad++;
                }
            }
            assert_true(k >= 2);
        }
        jisr_stemmer_free(st);
    }
    printf("stem cases: %d (ar %d, en %d), failed: %d\n", cases, ar, en, bad);
    free(buf);
    assert_int_equal(bad, 0);
    assert_true(ar >= 8 && en >= 8);
}

static void test_languages(void **state)
{
    (void)state;
    jisr_stemmer *st = (jisr_stemmer *)1;
    assert_int_equal(jisr_stemmer_new(&st, "fr"), JISR_ENOTFOUND);
    assert_null(st);
    assert_int_equal(jisr_stemmer_new(&st, "arz"), JISR_ENOTFOUND); /* not "ar" + subtag */
    assert_int_equal(jisr_stemmer_new(&st, "EN_us"), 0);
    size_t n;
    const char *r = jisr_stemmer_stem(st, "cats", 4, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(r, "cat", 3);
    /* the word need not be NUL-terminated: only n bytes are read */
    r = jisr_stemmer_stem(st, "dogsXXXX", 4, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(r, "dog", 3);
    r = jisr_stemmer_stem(st, "", 0, &n);
    assert_non_null(r);
    assert_int_equal(n, 0);
    jisr_stemmer_free(st);
    jisr_stemmer_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_file),
        cmocka_unit_test(test_languages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
