/* test_tm_place.c — placeables: numbers as written (digit systems, separators), their agreement
 * classes at every class boundary in Arabic and English in both directions, how a query's number
 * is written in the target's style, the pairing of a source's numbers with its target's (by
 * position and value; ambiguous and missing cases), and the mapping of inline tags by order and
 * kind (i and x attributes, identical markup, unmappable tags). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/place_int.h"
#include "tm/tm_int.h"

static tm_num num(const char *s)
{
    tm_num x;
    assert_int_equal(tm_num_parse(s, strlen(s), &x), 0);
    return x;
}

static void test_parse(void **state)
{
    (void)state;
    tm_num x = num("1,234.5");
    assert_true(x.value);
    assert_string_equal(x.val, "1234.5");
    assert_int_equal(x.nint, 4);
    assert_int_equal(x.nfrac, 1);
    assert_int_equal(x.gsep, ',');
    assert_int_equal(x.dsep, '.');
    assert_int_equal(x.zero, '0');
    x = num("١٢٫٥"); /* Arabic-Indic digits, Arabic decimal separator */
    assert_true(x.value);
    assert_string_equal(x.val, "12.5");
    assert_int_equal(x.zero, 0x0660);
    assert_int_equal(x.dsep, 0x066B);
    x = num("۱۲۳۴"); /* Persian (Extended Arabic-Indic) digits */
    assert_true(x.value);
    assert_string_equal(x.val, "1234");
    assert_int_equal(x.zero, 0x06F0);
    x = num("١٬٢٣٤٬٥٦٧");
    assert_string_equal(x.val, "1234567");
    assert_int_equal(x.gsep, 0x066C);
    x = num("2,5"); /* one comma, not three digits after it: a decimal comma */
    assert_true(x.value);
    assert_string_equal(x.val, "2.5");
    x = num("1.234.567"); /* repeated dots group by three */
    assert_true(x.value);
    assert_string_equal(x.val, "1234567");
    x = num("1.234,5"); /* both: the last one is the decimal separator */
    assert_true(x.value);
    assert_string_equal(x.val, "1234.5");
    x = num("1,234,567.89");
    assert_string_equal(x.val, "1234567.89");
    /* no single value: a version, a list, a date */
    assert_false(num("1.2.3").value);
    assert_string_equal(num("1.2.3").val, "1.2.3");
    assert_false(num("1,2,3").value);
    assert_false(num("11.05.2015").value);
    assert_false(num("12,34,567").value);
    x = num("007");
    assert_string_equal(x.val, "007");
    tm_num y;
    assert_int_equal(tm_num_parse("abc", 3, &y), JISR_EINVAL);
}

static int cls(const char *lang, const char *s)
{
    tm_num x = num(s);
    int c = tm_num_plural(lang, &x);
    assert_true(c >= 0);
    return c;
}

/* every Arabic boundary, in ASCII, Arabic-Indic and Persian digits */
static void test_arabic_classes(void **state)
{
    (void)state;
    static const struct {
        const char *ascii, *indic, *persian;
        int c;
    } cases[] = {
        {"0", "٠", "۰", TM_PL_ZERO},
        {"1", "١", "۱", TM_PL_ONE},
        {"2", "٢", "۲", TM_PL_TWO},
        {"3", "٣", "۳", TM_PL_FEW},
        {"10", "١٠", "۱۰", TM_PL_FEW},
        {"11", "١١", "۱۱", TM_PL_MANY},
        {"99", "٩٩", "۹۹", TM_PL_MANY},
        {"100", "١٠٠", "۱۰۰", TM_PL_OTHER},
        {"101", "١٠١", "۱۰۱", TM_PL_OTHER},
        {"102", "١٠٢", "۱۰۲", TM_PL_OTHER},
        {"103", "١٠٣", "۱۰۳", TM_PL_FEW},
        {"110", "١١٠", "۱۱۰", TM_PL_FEW},
        {"111", "١١١", "۱۱۱", TM_PL_MANY},
        {"199", "١٩٩", "۱۹۹", TM_PL_MANY},
        {"200", "٢٠٠", "۲۰۰", TM_PL_OTHER},
        {"1000", "١٠٠٠", "۱۰۰۰", TM_PL_OTHER},
        {"1003", "١٠٠٣", "۱۰۰۳", TM_PL_FEW},
        {"1011", "١٠١١", "۱۰۱۱", TM_PL_MANY},
        {"1000000", "١٠٠٠٠٠٠", "۱۰۰۰۰۰۰", TM_PL_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(cls("ar", cases[i].ascii), cases[i].c);
        assert_int_equal(cls("ar-EG", cases[i].indic), cases[i].c);
        assert_int_equal(cls("AR", cases[i].persian), cases[i].c);
    }
    /* a compound number by its last part, however long */
    assert_int_equal(cls("ar", "12345678901234567890"), TM_PL_MANY);
    assert_int_equal(cls("ar", "12345678901234567803"), TM_PL_FEW);
    /* separators group digits and never change the value's class */
    assert_int_equal(cls("ar", "1,000"), TM_PL_OTHER);
    assert_int_equal(cls("ar", "1,011"), TM_PL_MANY);
    assert_int_equal(cls("ar", "١٬٠٠٣"), TM_PL_FEW);
    /* decimals as written: CLDR's n, so 2.0 is two and 2.5 other */
    assert_int_equal(cls("ar", "2.5"), TM_PL_OTHER);
    assert_int_equal(cls("ar", "١٫٥"), TM_PL_OTHER);
    assert_int_equal(cls("ar", "2.0"), TM_PL_TWO);
    assert_int_equal(cls("ar", "0.5"), TM_PL_OTHER);
    /* not a value: no class */
    tm_num v = num("1.2.3");
    assert_int_equal(tm_num_plural("ar", &v), TM_PL_NONE);
}

static void test_english_classes(void **state)
{
    (void)state;
    assert_int_equal(cls("en", "1"), TM_PL_ONE);
    assert_int_equal(cls("en-GB", "١"), TM_PL_ONE); /* any digit system */
    assert_int_equal(cls("en", "۱"), TM_PL_ONE);
    assert_int_equal(cls("en", "0"), TM_PL_OTHER);
    assert_int_equal(cls("en", "2"), TM_PL_OTHER);
    assert_int_equal(cls("en", "11"), TM_PL_OTHER);
    assert_int_equal(cls("en", "21"), TM_PL_OTHER);
    assert_int_equal(cls("en", "101"), TM_PL_OTHER);
    assert_int_equal(cls("en", "1,001"), TM_PL_OTHER);
    assert_int_equal(cls("en", "1.0"), TM_PL_OTHER); /* visible fraction digits */
    assert_int_equal(cls("en", "1.5"), TM_PL_OTHER);
    assert_int_equal(cls("en", "01"), TM_PL_ONE);
}

/* A substitution from one number to another changes the class exactly at the boundaries, in both
 * directions: every pair (a, b) of neighbours across a boundary differs, and so does (b, a). */
static void test_boundaries_both_ways(void **state)
{
    (void)state;
    static const char *const ar[][2] = {{"0", "1"},     {"1", "2"},     {"2", "3"},
                                        {"10", "11"},   {"99", "100"},  {"102", "103"},
                                        {"110", "111"}, {"199", "200"}, {"1002", "1003"}};
    for (size_t i = 0; i < sizeof ar / sizeof ar[0]; i++) {
        assert_int_not_equal(cls("ar", ar[i][0]), cls("ar", ar[i][1]));
        assert_int_not_equal(cls("ar", ar[i][1]), cls("ar", ar[i][0]));
    }
    /* within a class nothing changes */
    static const char *const same[][2] = {{"3", "10"},    {"11", "99"},   {"100", "102"},
                                          {"103", "110"}, {"111", "199"}, {"200", "1000"}};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        assert_int_equal(cls("ar", same[i][0]), cls("ar", same[i][1]));
    assert_int_not_equal(cls("en", "1"), cls("en", "2"));
    assert_int_not_equal(cls("en", "2"), cls("en", "1"));
    assert_int_not_equal(cls("en", "0"), cls("en", "1"));
    assert_int_equal(cls("en", "2"), cls("en", "11"));
    assert_int_equal(cls("en", "0"), cls("en", "5"));
}

static char *render(const char *x, const char *like)
{
    tm_num a = num(x), l;
    if (like)
        l = num(like);
    jisr_buf b = {0};
    assert_int_equal(tm_num_render(&a, like ? &l : NULL, like, like ? strlen(like) : 0, &b), 0);
    return b.data;
}

static void test_render(void **state)
{
    (void)state;
    char *s;
    s = render("12.5", "٣");
    assert_string_equal(s, "١٢٫٥");
    free(s);
    s = render("1,500", "٢٠٠"); /* the target shows no grouping: the query's */
    assert_string_equal(s, "١٬٥٠٠");
    free(s);
    s = render("1500", "٢٬٠٠٠"); /* the target groups */
    assert_string_equal(s, "١٬٥٠٠");
    free(s);
    s = render("1,500", "2000"); /* the target writes thousands ungrouped */
    assert_string_equal(s, "1500");
    free(s);
    s = render("١٥", "7");
    assert_string_equal(s, "15");
    free(s);
    s = render("۲۵", "٣");
    assert_string_equal(s, "٢٥");
    free(s);
    s = render("1.2.3", "٤");
    assert_string_equal(s, "١٫٢٫٣");
    free(s);
    s = render("3", NULL);
    assert_string_equal(s, "3");
    free(s);
}

/* src/qry/tgt as space-separated numbers; expect t2q or an error code */
static int pair(const char *src, const char *qry, const char *tgt, int *t2q, size_t *nt)
{
    tm_num s[16], q[16], t[16];
    size_t ns = 0, nq = 0;
    char buf[256];
    char *save, *w;
    snprintf(buf, sizeof buf, "%s", src);
    for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        s[ns++] = num(w);
    snprintf(buf, sizeof buf, "%s", qry);
    for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        q[nq++] = num(w);
    assert_int_equal(ns, nq);
    *nt = 0;
    snprintf(buf, sizeof buf, "%s", tgt);
    for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        t[(*nt)++] = num(w);
    return tm_num_pair(s, q, ns, t, *nt, t2q);
}

static void test_pairing(void **state)
{
    (void)state;
    int t2q[16];
    size_t nt;
    /* "Page 2 of 2" / "الصفحة 2 من 2" asked as "Page 2 of 3": the second 2 changes */
    assert_int_equal(pair("2 2", "2 3", "2 2", t2q, &nt), TM_PAIR_OK);
    assert_int_equal(t2q[0], -1);
    assert_int_equal(t2q[1], 1);
    /* the same in Arabic-Indic digits in the target */
    assert_int_equal(pair("2 2", "3 2", "٢ ٢", t2q, &nt), TM_PAIR_OK);
    assert_int_equal(t2q[0], 0);
    assert_int_equal(t2q[1], -1);
    /* all occurrences change alike: every target occurrence, whatever the count */
    assert_int_equal(pair("2 2", "3 3", "2", t2q, &nt), TM_PAIR_OK);
    assert_int_equal(t2q[0], 0);
    /* the target's order differs from the source's for a value with mixed fates: ambiguous */
    assert_int_equal(pair("2 5 2", "2 5 3", "2 2 5", t2q, &nt), TM_PAIR_AMBIGUOUS);
    /* the counts differ: ambiguous */
    assert_int_equal(pair("2 2", "2 3", "2", t2q, &nt), TM_PAIR_AMBIGUOUS);
    /* a changed value missing from the target */
    assert_int_equal(pair("7 2", "8 2", "2", t2q, &nt), TM_PAIR_MISSING);
    /* numbers of the target's own and reordered distinct values are fine */
    assert_int_equal(pair("5 10", "6 12", "10 2015 5", t2q, &nt), TM_PAIR_OK);
    assert_int_equal(t2q[0], 1);
    assert_int_equal(t2q[1], -1);
    assert_int_equal(t2q[2], 0);
    /* a number left out of the translation does not make the order ambiguous */
    assert_int_equal(pair("2 9 2", "2 9 3", "2 2", t2q, &nt), TM_PAIR_OK);
    assert_int_equal(t2q[1], 2);
    /* values compare as written: 1,000 is 1000 */
    assert_int_equal(pair("1,000", "2,000", "١٠٠٠", t2q, &nt), TM_PAIR_OK);
    assert_int_equal(t2q[0], 0);
}

static tm_tag tag(const char *xml)
{
    tm_tag t;
    tm_tag_parse(xml, strlen(xml), &t);
    return t;
}

static void test_tag_parse(void **state)
{
    (void)state;
    tm_tag t = tag("<bpt i=\"3\" x=\"7\" type=\"bold\">&lt;b&gt;</bpt>");
    assert_int_equal(t.kind, TM_TAG_BPT);
    assert_int_equal(t.i, 3);
    assert_int_equal(t.x, 7);
    t = tag("<ept i='3'>&lt;/b&gt;</ept>");
    assert_int_equal(t.kind, TM_TAG_EPT);
    assert_int_equal(t.i, 3);
    assert_int_equal(t.x, -1);
    assert_int_equal(tag("<ph x=\"1\">{1}</ph>").kind, TM_TAG_PH);
    assert_int_equal(tag("<ph/>").kind, TM_TAG_PH);
    assert_int_equal(tag("<it pos=\"begin\">&lt;i&gt;</it>").kind, TM_TAG_IT_OPEN);
    assert_int_equal(tag("<it pos=\"end\">&lt;/i&gt;</it>").kind, TM_TAG_IT_CLOSE);
    assert_int_equal(tag("<ut>x</ut>").kind, TM_TAG_UT);
    assert_int_equal(tag("<hi type=\"b\">").kind, TM_TAG_HI_OPEN);
    assert_int_equal(tag("</hi>").kind, TM_TAG_HI_CLOSE);
    assert_int_equal(tag("&#xE001;").kind, TM_TAG_CHAR);
    assert_int_equal(tag("<sub>x</sub>").kind, TM_TAG_OTHER);
    /* an attribute whose name ends another's is not it */
    assert_int_equal(tag("<bpt xi=\"4\">a</bpt>").i, -1);
}

static void test_tag_map(void **state)
{
    (void)state;
    int t2q[8];
    unsigned char used[8];
    /* query: <b>Click</b> here {1}; source the same with other ids; target reorders */
    tm_tag q[] = {tag("<bpt i=\"1\">&lt;b&gt;</bpt>"), tag("<ept i=\"1\">&lt;/b&gt;</ept>"),
                  tag("<ph>{1}</ph>")};
    tm_tag s[] = {tag("<bpt i=\"5\">&lt;strong&gt;</bpt>"),
                  tag("<ept i=\"5\">&lt;/strong&gt;</ept>"), tag("<ph>{0}</ph>")};
    tm_tag t[] = {tag("<ph>{0}</ph>"), tag("<bpt i=\"5\">&lt;strong&gt;</bpt>"),
                  tag("<ept i=\"5\">&lt;/strong&gt;</ept>")};
    assert_int_equal(tm_tags_map(q, 3, s, 3, t, 3, t2q, used), 0);
    assert_int_equal(t2q[0], 2);
    assert_int_equal(t2q[1], 0);
    assert_int_equal(t2q[2], 1);
    assert_true(used[0] && used[1] && used[2]);
    /* nested codes closed in the other order: epts follow their bpts through i */
    tm_tag q2[] = {tag("<bpt i=\"1\">b</bpt>"), tag("<bpt i=\"2\">i</bpt>"),
                   tag("<ept i=\"2\">/i</ept>"), tag("<ept i=\"1\">/b</ept>")};
    tm_tag s2[] = {tag("<bpt i=\"8\">B</bpt>"), tag("<bpt i=\"9\">I</bpt>"),
                   tag("<ept i=\"9\">/I</ept>"), tag("<ept i=\"8\">/B</ept>")};
    /* the translation nests them the other way round: <i><b>…</b></i> */
    tm_tag t2[] = {tag("<bpt i=\"9\">I</bpt>"), tag("<bpt i=\"8\">B</bpt>"),
                   tag("<ept i=\"8\">/B</ept>"), tag("<ept i=\"9\">/I</ept>")};
    assert_int_equal(tm_tags_map(q2, 4, s2, 4, t2, 4, t2q, used), 0);
    assert_int_equal(t2q[0], 1); /* target <i> is the query's second bpt */
    assert_int_equal(t2q[1], 0);
    assert_int_equal(t2q[2], 3); /* closes the query's <b> */
    assert_int_equal(t2q[3], 2);
    /* x attributes pair target and source across kinds' order */
    tm_tag s3[] = {tag("<ph x=\"1\">A</ph>"), tag("<ph x=\"2\">B</ph>")};
    tm_tag t3[] = {tag("<ph x=\"2\">b</ph>"), tag("<ph x=\"1\">a</ph>")};
    tm_tag q3[] = {tag("<ph>1</ph>"), tag("<ph>2</ph>")};
    assert_int_equal(tm_tags_map(q3, 2, s3, 2, t3, 2, t2q, used), 0);
    assert_int_equal(t2q[0], 1);
    assert_int_equal(t2q[1], 0);
    /* the query lacks a tag the source has: the target's copy cannot be mapped, and the query's
     * extra <ph> is used by nobody; the difference counts both */
    tm_tag q4[] = {tag("<bpt i=\"1\">b</bpt>"), tag("<ept i=\"1\">/b</ept>"), tag("<ph>x</ph>")};
    tm_tag s4[] = {tag("<bpt i=\"1\">b</bpt>"), tag("<ept i=\"1\">/b</ept>"),
                   tag("<it pos=\"begin\">i</it>")};
    tm_tag t4[] = {tag("<it pos=\"begin\">i</it>"), tag("<bpt i=\"1\">b</bpt>"),
                   tag("<ept i=\"1\">/b</ept>")};
    assert_int_equal(tm_tags_map(q4, 3, s4, 3, t4, 3, t2q, used), 2);
    assert_int_equal(t2q[0], -1);
    assert_int_equal(t2q[1], 0);
    assert_int_equal(t2q[2], 1);
    assert_false(used[2]);
    /* a target tag of identical markup is preferred over order */
    tm_tag s5[] = {tag("<ph>{1}</ph>"), tag("<ph>{2}</ph>")};
    tm_tag t5[] = {tag("<ph>{2}</ph>"), tag("<ph>{1}</ph>")};
    assert_int_equal(tm_tags_map(q3, 2, s5, 2, t5, 2, t2q, used), 0);
    assert_int_equal(t2q[0], 1);
    assert_int_equal(t2q[1], 0);
    /* no tags at all */
    assert_int_equal(tm_tags_map(NULL, 0, NULL, 0, NULL, 0, t2q, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),           cmocka_unit_test(test_arabic_classes),
        cmocka_unit_test(test_english_classes), cmocka_unit_test(test_boundaries_both_ways),
        cmocka_unit_test(test_render),          cmocka_unit_test(test_pairing),
        cmocka_unit_test(test_tag_parse),       cmocka_unit_test(test_tag_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
