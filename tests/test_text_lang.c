/*
 * test_text_lang.c — BCP 47 tag comparison and the Arabic/English script guess (text/lang.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
