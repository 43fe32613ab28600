/*
 * test_text_wordbreak.c — baseline of the layer the tokenizer stands on: ICU's word break
 * iterator, driven exactly as the tokenizer drives it (UTF-8 UText, byte offsets), against the
 * Unicode 15.0 conformance file WordBreakTest.txt (ICU 72 implements Unicode 15.0). ICU tailors
 * the default rules in a few places (it treats '@' as a letter and ':' as not MidLetter), so
 * every case where it differs must involve one of those characters; all others must agree.
 * Skips when ../shared/data is absent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "test_text_util.h"

static void test_conformance(void **state)
{
    (void)state;
    char path[1024];
    const char *root = getenv("JISR_SHARED_DATA") ? getenv("JISR_SHARED_DATA") : JISR_SHARED_DATA;
    snprintf(path, sizeof path, "%s/segmentation/uax29/WordBreakTest.txt", root);
    size_t n;
    char *buf = tu_read_file(path, &n);
    if (!buf)
        skip();
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    assert_false(U_FAILURE(st));
    UText ut = UTEXT_INITIALIZER;
    char *cur = buf, *line;
    int lineno = 0, cases = 0, pass = 0, tailored = 0, bad = 0;
    while ((line = tu_next_line(&cur, &lineno))) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char s[256];
        size_t len = 0;
        int want[64], nwant = 0, has_tailored = 0;
        for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
            if (strcmp(tok, "\xC3\xB7") == 0) { /* ÷ */
                want[nwant++] = (int)len;
            } else if (strcmp(tok, "\xC3\x97") != 0) { /* not × : a code point */
                unsigned long c = strtoul(tok, NULL, 16);
                has_tailored |= c == '@' || c == ':' || c == 0xFE55 || c == 0xFF1A;
                len += tu_put_utf8(s + len, c);
            }
        }
        if (len == 0)
            continue;
        cases++;
        utext_openUTF8(&ut, s, (int64_t)len, &st);
        ubrk_setUText(bi, &ut, &st);
        assert_false(U_FAILURE(st));
        int got[64], ngot = 0;
        for (int32_t b = ubrk_first(bi); b != UBRK_DONE && ngot < 64; b = ubrk_next(bi))
            got[ngot++] = b;
        int same = ngot == nwant && memcmp(got, want, sizeof got[0] * (size_t)ngot) == 0;
        if (same) {
            pass++;
        } else if (has_tailored) {
            tailored++;
        } else {
            if (bad++ < 10)
                fprintf(stderr, "WordBreakTest.txt:%d: ICU differs\n", lineno);
        }
    }
    printf("WordBreakTest: %d cases, ICU agrees on %d, %d differ by ICU's tailoring, %d "
           "otherwise\n",
           cases, pass, tailored, bad);
    utext_close(&ut);
    ubrk_close(bi);
    free(buf);
    assert_true(cases > 1800);
    assert_int_equal(bad, 0);
}

int main(void)
{
    char path[1024];
    const char *root = getenv("JISR_SHARED_DATA") ? getenv("JISR_SHARED_DATA") : JISR_SHARED_DATA;
    snprintf(path, sizeof path, "%s/segmentation/uax29/WordBreakTest.txt", root);
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("skipped: %s not found\n", path);
        return 77;
    }
    fclose(f);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
