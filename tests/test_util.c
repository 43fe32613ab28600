/* test_util.c — error detail formatting and the growable buffer, including JSON escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/util.h"

static void test_error_format(void **state)
{
    char out[256];
    (void)state;
    int rc = jisr_error_set(JISR_EPARSE, "a.tmx", 3, 14, "unexpected </%s>", "tuv");
    assert_int_equal(rc, JISR_EPARSE);
    jisr_error_format(out, sizeof out);
    assert_string_equal(out, "a.tmx:3:14: unexpected </tuv>");
    jisr_error_set(JISR_EIO, "b.txt", 0, 0, "cannot open");
    jisr_error_format(out, sizeof out);
    assert_string_equal(out, "b.txt: cannot open");
    jisr_error_set(JISR_ENOMEM, NULL, 0, 0, NULL);
    jisr_error_format(out, sizeof out);
    assert_string_equal(out, "out of memory");
    assert_int_equal(jisr_error_last()->code, JISR_ENOMEM);
    jisr_error_clear();
    assert_int_equal(jisr_error_last()->code, 0);
    assert_string_equal(jisr_strerror(JISR_ESCHEMA), "unsupported memory schema");
    assert_string_equal(jisr_strerror(-9999), "unknown error");
}

static void test_buf(void **state)
{
    jisr_buf b = {0};
    (void)state;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(jisr_buf_printf(&b, "%d,", i), 0);
    assert_int_equal(strlen(b.data), b.len);
    assert_memory_equal(b.data, "0,1,2,", 6);
    assert_memory_equal(b.data + b.len - 4, "999,", 4);
    jisr_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    jisr_buf_free(&b);
    jisr_buf_free(&b); /* idempotent */
}

static void test_json_string(void **state)
{
    jisr_buf b = {0};
    (void)state;
    const char in[] = "a\"b\\c\nd\te\x01 مرحبا";
    assert_int_equal(jisr_buf_json_string(&b, in, sizeof in - 1), 0);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001 مرحبا\"");
    jisr_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_json_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
