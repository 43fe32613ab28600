/*
 * test_text_tokenize.c — jisr_tokenizer_run against tests/data/text/tokenize_cases.tsv (kinds and
 * exact byte spans), plus invariants on real corpora: tokens are ordered, disjoint, inside the
 * string, and cover every character that is not white space.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "test_text_util.h"
#include "text/text.h"
#include "text/text_int.h"

static const char *const KIND[] = {"?", "WORD", "NUMBER", "URL", "EMAIL", "TAG", "PUNCT", "SYMBOL"};

static int kind_of(const char *s, size_t n)
{
    for (int k = 1; k <= JISR_TOK_SYMBOL; k++)
        if (strlen(KIND[k]) == n && strncmp(KIND[k], s, n) == 0)
            return k;
    return -1;
}

static void dump(const char *in, const jisr_tokens *t)
{
    for (size_t i = 0; i < t->n; i++)
        fprintf(stderr, "    %s [%zu,%zu) '%.*s'\n", KIND[t->v[i].kind], t->v[i].start, t->v[i].end,
                (int)(t->v[i].end - t->v[i].start), in + t->v[i].start);
}

/* Checks one case; returns 0 when the tokens match the expectation exactly. */
static int check_case(jisr_tokenizer *tk, const char *in, size_t in_len, char *exp, int lineno)
{
    jisr_tokens t = {0};
    int rc = jisr_tokenizer_run(tk, in, in_len, &t);
    int bad = rc != 0;
    size_t i = 0, from = 0;
    for (char *item = strtok(exp, " "); item && !bad; item = strtok(NULL, " ")) {
        char *colon = strchr(item, ':');
        size_t tlen;
        if (!colon) {
            bad = 1;
            break;
        }
        int kind = kind_of(item, (size_t)(colon - item));
        char *text = tu_unescape(colon + 1, strlen(colon + 1), &tlen);
        const char *pos = NULL;
        for (size_t k = from; text && tlen && k + tlen <= in_len; k++)
            if (memcmp(in + k, text, tlen) == 0) {
                pos = in + k;
                break;
            }
        if (kind < 0 || !pos || i >= t.n) {
            bad = 1;
        } else {
            size_t a = (size_t)(pos - in);
            if ((int)t.v[i].kind != kind || t.v[i].start != a || t.v[i].end != a + tlen) {
                fprintf(stderr, "  token %zu: want %s [%zu,%zu)\n", i, KIND[kind], a, a + tlen);
                bad = 1;
            }
            from = a + tlen;
        }
        free(text);
        i++;
    }
    if (!bad && i != t.n)
        bad = 1;
    if (bad) {
        fprintf(stderr, "tokenize_cases.tsv:%d: mismatch, got %zu tokens:\n", lineno, t.n);
        dump(in, &t);
    }
    jisr_tokens_free(&t);
    return bad;
}

static void test_case_file(void **state)
{
    (void)state;
    size_t n;
    char *buf = tu_read_file(JISR_TEST_DATA "/text/tokenize_cases.tsv", &n);
    assert_non_null(buf);
    jisr_tokenizer *tk;
    assert_int_equal(jisr_tokenizer_new(&tk), 0);
    char *cur = buf, *line;
    int lineno = 0, cases = 0, bad = 0;
    while ((line = tu_next_line(&cur, &lineno))) {
        char *f[3];
        if (tu_split(line, f, 3) < 2) {
            fprintf(stderr, "tokenize_cases.tsv:%d: malformed\n", lineno);
            bad++;
            continue;
        }
        size_t in_len = 0;
        char *in = tu_unescape(f[0], strlen(f[0]), &in_len);
        assert_non_null(in);
        for (int force = 0; force < 2; force++) {
            txt_tok_force_icu = force;
            char *exp = strdup(f[1]);
            bad += check_case(tk, in, in_len, exp, lineno);
            free(exp);
        }
        txt_tok_force_icu = 0;
        cases++;
        free(in);
    }
    printf("tokenize cases: %d, failed: %d\n", cases, bad);
    jisr_tokenizer_free(tk);
    free(buf);
    assert_int_equal(bad, 0);
    assert_true(cases >= 30);
}

/* Tokens ordered, disjoint, in bounds, non-empty, not starting with white space, and every
 * character outside white space inside exactly one token. */
static int check_invariants(const char *s, size_t n, const jisr_tokens *t)
{
    size_t prev = 0;
    for (size_t i = 0; i < t->n; i++) {
        const jisr_token *k = &t->v[i];
        if (k->start < prev || k->end <= k->start || k->end > n || k->kind < JISR_TOK_WORD ||
            k->kind > JISR_TOK_SYMBOL)
            return -1;
        /* the gap before the token is white space only */
        for (size_t j = prev; j < k->start;) {
            UChar32 c;
            U8_NEXT(s, j, k->start, c);
            if (c >= 0 && !u_isUWhiteSpace(c))
                return -1;
        }
        UChar32 c;
        size_t j = k->start;
        U8_NEXT(s, j, k->end, c);
        if (c >= 0 && u_isUWhiteSpace(c))
            return -1;
        prev = k->end;
    }
    for (size_t j = prev; j < n;) {
        UChar32 c;
        U8_NEXT(s, j, n, c);
        if (c >= 0 && !u_isUWhiteSpace(c))
            return -1;
    }
    return 0;
}

static void test_invariants_on_corpora(void **state)
{
    (void)state;
    const char *files[] = {"/un-ar-en/UNv1.0.devset.ar", "/un-ar-en/UNv1.0.devset.en",
                           "/tatoeba-ar-en/ara.txt", "/seed/ar-article.txt"};
    jisr_tokenizer *tk;
    assert_int_equal(jisr_tokenizer_new(&tk), 0);
    jisr_tokens t = {0}, u = {0};
    size_t lines = 0, tokens = 0;
    int found = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[1024];
        const char *root =
            getenv("JISR_SHARED_DATA") ? getenv("JISR_SHARED_DATA") : JISR_SHARED_DATA;
        snprintf(path, sizeof path, "%s%s", root, files[f]);
        size_t n;
        char *buf = tu_read_file(path, &n);
        if (!buf)
            continue;
        found++;
        char *p = buf, *end = buf + n;
        while (p < end) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            assert_int_equal(jisr_tokenizer_run(tk, p, len, &t), 0);
            if (check_invariants(p, len, &t) != 0) {
                fprintf(stderr, "invariant broken on: %.*s\n", (int)len, p);
                dump(p, &t);
                fail();
            }
            /* the fast path and ICU agree */
            txt_tok_force_icu = 1;
            assert_int_equal(jisr_tokenizer_run(tk, p, len, &u), 0);
            txt_tok_force_icu = 0;
            int same = u.n == t.n;
            for (size_t i = 0; same && i < t.n; i++)
                same = u.v[i].start == t.v[i].start && u.v[i].end == t.v[i].end &&
                       u.v[i].kind == t.v[i].kind;
            if (!same) {
                fprintf(stderr, "fast path and ICU differ on: %.*s\nfast:\n", (int)len, p);
                dump(p, &t);
                fprintf(stderr, "ICU:\n");
                dump(p, &u);
                fail();
            }
            tokens += t.n;
            lines++;
            p += len + 1;
        }
        free(buf);
    }
    jisr_tokens_free(&t);
    jisr_tokens_free(&u);
    jisr_tokenizer_free(tk);
    if (!found)
        skip();
    printf("%zu lines, %zu tokens: invariants hold\n", lines, tokens);
}

static void test_invalid_utf8_and_reuse(void **state)
{
    (void)state;
    jisr_tokenizer *tk;
    assert_int_equal(jisr_tokenizer_new(&tk), 0);
    jisr_tokens t = {0};
    const char bad[] = "ab\xFF\xC3 cd\xE2\x82";
    assert_int_equal(jisr_tokenizer_run(tk, bad, sizeof bad - 1, &t), 0);
    assert_true(t.n >= 2);
    assert_int_equal(t.v[0].start, 0);
    assert_int_equal(t.v[0].kind, JISR_TOK_WORD);
    for (size_t i = 0; i < t.n; i++)
        assert_true(t.v[i].end <= sizeof bad - 1);
    /* the same token list is reset by the next run */
    assert_int_equal(jisr_tokenizer_run(tk, "one two", 7, &t), 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.v[1].start, 4);
    assert_int_equal(t.v[1].end, 7);
    assert_int_equal(jisr_tokenizer_run(tk, "", 0, &t), 0);
    assert_int_equal(t.n, 0);
    /* many tokens: the list grows */
    char big[30001];
    for (int i = 0; i < 10000; i++)
        memcpy(big + 3 * i, "ab ", 3);
    assert_int_equal(jisr_tokenizer_run(tk, big, 30000, &t), 0);
    assert_int_equal(t.n, 10000);
    assert_int_equal(t.v[9999].start, 29997);
    jisr_tokens_free(&t);
    jisr_tokens_free(&t); /* idempotent */
    jisr_tokenizer_free(tk);
    jisr_tokenizer_free(NULL);
}

/* Runs the fast path and ICU on s; returns 0 when the tokens are identical. */
static int same_both_ways(jisr_tokenizer *tk, const char *s, size_t n, jisr_tokens *t,
                          jisr_tokens *u)
{
    txt_tok_force_icu = 0;
    if (jisr_tokenizer_run(tk, s, n, t) != 0)
        return -1;
    txt_tok_force_icu = 1;
    int rc = jisr_tokenizer_run(tk, s, n, u);
    txt_tok_force_icu = 0;
    if (rc != 0 || t->n != u->n)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].start != u->v[i].start || t->v[i].end != u->v[i].end ||
            t->v[i].kind != u->v[i].kind)
            return -1;
    return 0;
}

/* Every pair of characters from a wide alphabet, every triple from a narrower one, and random
 * strings: the fast path must agree with ICU on all of them. */
static void test_fast_path_equals_icu_exhaustive(void **state)
{
    (void)state;
    static const unsigned extra[] = {
        0x00A0, 0x00A9, 0x00AA, 0x00AB, 0x00AD, 0x00B5,  0x00B7,  0x00BB, 0x00C9, 0x00DF, 0x00E9,
        0x0300, 0x0301, 0x0345, 0x0387, 0x03A3, 0x03C2,  0x0410,  0x0430, 0x05D0, 0x05F3, 0x05F4,
        0x0600, 0x0605, 0x060C, 0x060D, 0x061B, 0x061C,  0x061F,  0x0621, 0x0623, 0x0627, 0x0628,
        0x0640, 0x064A, 0x064B, 0x064E, 0x0651, 0x0654,  0x0660,  0x0665, 0x066A, 0x066B, 0x066C,
        0x066D, 0x0670, 0x0671, 0x06CC, 0x06D4, 0x06D6,  0x06DD,  0x06E5, 0x06F0, 0x06F5, 0x0E01,
        0x1100, 0x200B, 0x200C, 0x200D, 0x200E, 0x2018,  0x2019,  0x201C, 0x2024, 0x2026, 0x2028,
        0x202F, 0x2060, 0x2122, 0x2E80, 0x3000, 0x3042,  0x30A2,  0x4E00, 0xE000, 0xE001, 0xF8FF,
        0xFB01, 0xFE55, 0xFEFF, 0xFF1A, 0xFF21, 0x1F600, 0x1F1E6,
    };
    char alpha[256][5];
    size_t alen[256], na = 0;
    for (unsigned c = 1; c < 0x80; c++) {
        alpha[na][0] = (char)c;
        alen[na++] = 1;
    }
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++, na++)
        alen[na] = tu_put_utf8(alpha[na], extra[i]);
    alpha[na][0] = (char)0xFF; /* invalid byte */
    alen[na++] = 1;

    jisr_tokenizer *tk;
    assert_int_equal(jisr_tokenizer_new(&tk), 0);
    jisr_tokens t = {0}, u = {0};
    char s[64];
    int bad = 0;
    size_t checked = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < na; j++) {
            memcpy(s, alpha[i], alen[i]);
            memcpy(s + alen[i], alpha[j], alen[j]);
            size_t n = alen[i] + alen[j];
            checked++;
            if (same_both_ways(tk, s, n, &t, &u) != 0 && bad++ < 10)
                fprintf(stderr, "differ on pair U+%.*s\n", (int)n, s);
        }
    /* triples over classes: letter, digit, each separator kind, mark, space, quote, tag … */
    static const char *const narrow[] = {
        "a",
        "Z",
        "1",
        "\xD9\xA3",
        "\xD8\xA8",
        ".",
        ",",
        ";",
        ":",
        "'",
        "\xE2\x80\x99",
        "_",
        "@",
        " ",
        "\t",
        "\r",
        "\n",
        "-",
        "/",
        "\xD9\x8E",
        "\xC2\xAD",
        "\xD9\xAB",
        "\xD9\xAC",
        "\xD8\x8C",
        "\xC2\xB7",
        "\xEE\x80\x80",
        "\"",
        "%",
        "\xD9\x80",
        "\xC3\xA9",
    };
    const size_t nn = sizeof narrow / sizeof narrow[0];
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nn; j++)
            for (size_t k = 0; k < nn; k++)
                for (size_t l = 0; l < nn; l += 3) {
                    int n = snprintf(s, sizeof s, "%s%s%s%s", narrow[i], narrow[j], narrow[k],
                                     narrow[l]);
                    checked++;
                    if (same_both_ways(tk, s, (size_t)n, &t, &u) != 0 && bad++ < 10)
                        fprintf(stderr, "differ on [%s]\n", s);
                }
    unsigned long seed = 42;
    for (int iter = 0; iter < 100000; iter++) {
        size_t n = 0;
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        int len = (int)((seed >> 33) % 10) + 1;
        for (int k = 0; k < len; k++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            size_t pick = (seed >> 33) % (na + nn);
            const char *p = pick < na ? alpha[pick] : narrow[pick - na];
            size_t pl = pick < na ? alen[pick] : strlen(p);
            memcpy(s + n, p, pl);
            n += pl;
        }
        checked++;
        if (same_both_ways(tk, s, n, &t, &u) != 0 && bad++ < 10)
            fprintf(stderr, "differ on [%.*s]\n", (int)n, s);
    }
    printf("fast path = ICU on %zu strings (%d differ)\n", checked, bad);
    jisr_tokens_free(&t);
    jisr_tokens_free(&u);
    jisr_tokenizer_free(tk);
    assert_int_equal(bad, 0);
}

/* One case with its spans written out by hand, independent of the case-file driver. */
static void test_explicit_spans(void **state)
{
    (void)state;
    const char *s = "\xD9\x82\xD8\xA7\xD9\x84 Dr. \xD9\xA3\xD9\xAB\xD9\xA5 x@y.org";
    const struct {
        size_t a, b;
        jisr_tok_kind k;
    } want[] = {{0, 6, JISR_TOK_WORD},
                {7, 9, JISR_TOK_WORD},
                {9, 10, JISR_TOK_PUNCT},
                {11, 17, JISR_TOK_NUMBER},
                {18, 25, JISR_TOK_EMAIL}};
    jisr_tokenizer *tk;
    assert_int_equal(jisr_tokenizer_new(&tk), 0);
    jisr_tokens t = {0};
    for (int force = 0; force < 2; force++) {
        txt_tok_force_icu = force;
        assert_int_equal(jisr_tokenizer_run(tk, s, strlen(s), &t), 0);
        assert_int_equal(t.n, 5);
        for (size_t i = 0; i < 5; i++) {
            assert_int_equal(t.v[i].start, want[i].a);
            assert_int_equal(t.v[i].end, want[i].b);
            assert_int_equal(t.v[i].kind, want[i].k);
        }
    }
    txt_tok_force_icu = 0;
    jisr_tokens_free(&t);
    jisr_tokenizer_free(tk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_file),
        cmocka_unit_test(test_explicit_spans),
        cmocka_unit_test(test_invariants_on_corpora),
        cmocka_unit_test(test_invalid_utf8_and_reuse),
        cmocka_unit_test(test_fast_path_equals_icu_exhaustive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
