/* test_util.c — error detail formatting and the growable buffer, including JSON escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "util/util_int.h"

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

static void test_grow(void **state)
{
    (void)state;
    uint32_t *v = NULL;
    size_t cap = 0;
    for (uint32_t i = 0; i < 5000; i++) {
        assert_int_equal(JISR_GROW(v, cap, (size_t)i + 1), 0);
        assert_true(cap >= (size_t)i + 1);
        v[i] = i * 7;
    }
    for (uint32_t i = 0; i < 5000; i++)
        assert_int_equal(v[i], i * 7);
    size_t before = cap;
    assert_int_equal(JISR_GROW(v, cap, 10), 0); /* never shrinks */
    assert_int_equal(cap, before);
    /* a size that cannot be represented fails cleanly and leaves the array as it was */
    jisr_error_clear();
    assert_int_equal(JISR_GROW(v, cap, SIZE_MAX / 2), JISR_ENOMEM);
    assert_int_equal(cap, before);
    assert_int_equal(v[4999], 4999u * 7);
    assert_int_equal(jisr_error_last()->code, JISR_ENOMEM);
    assert_string_equal(jisr_error_last()->msg, "out of memory");
    free(v);
    assert_int_equal(jisr_oom(42), JISR_ENOMEM);
    assert_string_equal(jisr_error_last()->msg, "out of memory (42 bytes)");
}

static void test_be(void **state)
{
    (void)state;
    unsigned char b[8];
    jisr_be_put(b, 0x0102030405060708ULL, 8);
    assert_int_equal(b[0], 1);
    assert_int_equal(b[7], 8);
    assert_true(jisr_be_get(b, 8) == 0x0102030405060708ULL);
    jisr_be_put(b, 0xABCDEF, 3);
    assert_int_equal(b[0], 0xAB);
    assert_int_equal(jisr_be_get(b, 3), 0xABCDEF);
    /* byte order is numeric order */
    unsigned char x[4], y[4];
    jisr_be_put(x, 255, 4);
    jisr_be_put(y, 256, 4);
    assert_true(memcmp(x, y, 4) < 0);
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
        cmocka_unit_test(test_error_format), cmocka_unit_test(test_grow),
        cmocka_unit_test(test_be),           cmocka_unit_test(test_buf),
        cmocka_unit_test(test_json_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
