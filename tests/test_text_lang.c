/*
 * test_text_lang.c — BCP 47 tag comparison and the Arabic/English script guess (text/lang.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "text/text.h"

static void test_equal_and_matches(void **state)
{
    (void)state;
    assert_true(jisr_lang_equal("ar-SA", "AR_sa"));
    assert_true(jisr_lang_equal("en", "EN"));
    assert_false(jisr_lang_equal("en", "en-US"));
    assert_false(jisr_lang_equal(NULL, "en"));
    assert_true(jisr_lang_matches("ar-SA", "ar"));
    assert_true(jisr_lang_matches("AR_eg", "ar"));
    assert_true(jisr_lang_matches("ar", "ar"));
    assert_false(jisr_lang_matches("arz", "ar")); /* Egyptian Arabic is another language tag */
    assert_false(jisr_lang_matches("a", "ar"));
    assert_false(jisr_lang_matches("en-US", "en-GB"));
    assert_true(jisr_lang_matches("en-US-x-foo", "en-us"));
    assert_false(jisr_lang_matches(NULL, "ar"));
}

/* BCP 47's conventional case (the memory keeps tags lower-cased; stats and the server show
 * them so) */
static void test_case(void **state)
{
    (void)state;
    static const char *const c[][2] = {{"en-gb", "en-GB"},
                                       {"AR_eg", "ar_EG"},
                                       {"zh-hant-tw", "zh-Hant-TW"},
                                       {"sr-latn-rs-u-ca-gregory", "sr-Latn-RS-u-ca-gregory"},
                                       {"x-abcd-ef", "x-abcd-ef"},
                                       {"es-419", "es-419"},
                                       {"EN", "en"},
                                       {"", ""}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char t[64];
        snprintf(t, sizeof t, "%s", c[i][0]);
        jisr_lang_case(t);
        assert_string_equal(t, c[i][1]);
    }
}

static void guess(const char *s, const char *want)
{
    assert_string_equal(jisr_text_guess_lang(s, strlen(s)), want);
}

static void test_guess(void **state)
{
    (void)state;
    guess("The General Assembly adopted the resolution.", "en");
    guess("اعتمدت الجمعية العامة القرار.", "ar");
    guess("قال Dr. Smith إن الاجتماع سيعقد غداً في نيويورك", "ar");
    guess("The word كتاب means book in English", "en");
    guess("1234 5678 !!", "und");
    guess("", "und");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_and_matches),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
