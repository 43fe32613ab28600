/*
 * test_text_normalize.c — jisr_text_normalize against tests/data/text/normalize_cases.tsv (every
 * rule, alone and combined), and the table fast path against the ICU path on real corpora and on
 * random strings built from the code points where they could disagree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

#include "test_text_util.h"
#include "text/text.h"
#include "text/text_int.h"

static const struct {
    const char *name;
    unsigned flag;
} FLAG_NAMES[] = {
    {"NONE", 0},
    {"NFKC", JISR_NORM_NFKC},
    {"CASEFOLD", JISR_NORM_CASEFOLD},
    {"HARAKAT", JISR_NORM_HARAKAT},
    {"TATWEEL", JISR_NORM_TATWEEL},
    {"ALEF", JISR_NORM_ALEF},
    {"YA", JISR_NORM_YA},
    {"TAMARBUTA", JISR_NORM_TAMARBUTA},
    {"DIGITS", JISR_NORM_DIGITS},
    {"PUNCT", JISR_NORM_PUNCT},
    {"MATCH", JISR_NORM_MATCH},
};

static int parse_flags(const char *s, unsigned *flags)
{
    *flags = 0;
    while (*s) {
        size_t n = strcspn(s, "|");
        int found = 0;
        for (size_t i = 0; i < sizeof FLAG_NAMES / sizeof FLAG_NAMES[0]; i++)
            if (strlen(FLAG_NAMES[i].name) == n && strncmp(FLAG_NAMES[i].name, s, n) == 0) {
                *flags |= FLAG_NAMES[i].flag;
                found = 1;
            }
        if (!found)
            return -1;
        s += n;
        if (*s == '|')
            s++;
    }
    return 0;
}

/* Normalises through the fast path and through ICU; both results must agree. */
static int norm_both(const char *s, size_t n, unsigned flags, jisr_buf *out)
{
    jisr_buf icu = {0};
    jisr_buf_reset(out);
    txt_norm_force_icu = 0;
    int rc = jisr_text_normalize(s, n, flags, out);
    txt_norm_force_icu = 1;
    int rc2 = jisr_text_normalize(s, n, flags, &icu);
    txt_norm_force_icu = 0;
    int same = rc == 0 && rc2 == 0 && out->len == icu.len &&
               (out->len == 0 || memcmp(out->data, icu.data, out->len) == 0);
    if (!same)
        fprintf(stderr, "fast/ICU differ (flags %#x): [%.*s] vs [%.*s] for [%.*s]\n", flags,
                (int)out->len, out->data ? out->data : "", (int)icu.len, icu.data ? icu.data : "",
                (int)n, s);
    jisr_buf_free(&icu);
    return same ? 0 : -1;
}

static void test_case_file(void **state)
{
    (void)state;
    size_t n;
    char *buf = tu_read_file(JISR_TEST_DATA "/text/normalize_cases.tsv", &n);
    assert_non_null(buf);
    char *cur = buf, *line;
    int lineno = 0, cases = 0, bad = 0;
    unsigned seen = 0;
    jisr_buf out = {0};
    while ((line = tu_next_line(&cur, &lineno))) {
        char *f[4];
        int nf = tu_split(line, f, 4);
        unsigned flags;
        size_t in_len, exp_len;
        if (nf < 3 || parse_flags(f[1], &flags) < 0) {
            fprintf(stderr, "normalize_cases.tsv:%d: malformed line\n", lineno);
            bad++;
            continue;
        }
        char *in = tu_unescape(f[0], strlen(f[0]), &in_len);
        char *exp = tu_unescape(f[2], strlen(f[2]), &exp_len);
        assert_non_null(in);
        assert_non_null(exp);
        cases++;
        seen |= flags;
        if (norm_both(in, in_len, flags, &out) < 0 || out.len != exp_len ||
            memcmp(out.data, exp, exp_len) != 0) {
            fprintf(stderr, "normalize_cases.tsv:%d: %s [%s]: got [%.*s], want [%s]\n", lineno,
                    f[1], f[0], (int)out.len, out.data, f[2]);
            bad++;
        }
        free(in);
        free(exp);
    }
    printf("normalize cases: %d, failed: %d\n", cases, bad);
    jisr_buf_free(&out);
    free(buf);
    assert_int_equal(bad, 0);
    assert_true(cases >= 60);
    assert_int_equal(seen, JISR_NORM_MATCH | JISR_NORM_TAMARBUTA); /* every flag has cases */
}

static void test_appends(void **state)
{
    (void)state;
    jisr_buf out = {0};
    assert_int_equal(jisr_buf_puts(&out, "x|"), 0);
    assert_int_equal(jisr_text_normalize("ABC", 3, JISR_NORM_MATCH, &out), 0);
    assert_string_equal(out.data, "x|abc");
    /* the ICU fallback appends too */
    assert_int_equal(jisr_text_normalize("|\xEF\xAC\x81", 4, JISR_NORM_MATCH, &out), 0);
    assert_string_equal(out.data, "x|abc|fi");
    assert_int_equal(jisr_text_normalize(NULL, 0, JISR_NORM_MATCH, &out), 0);
    assert_string_equal(out.data, "x|abc|fi");
    jisr_buf_free(&out);
}

/* The Arabic per cent sign is folded with the Arabic comma, semicolon and question mark (PUNCT),
 * by the table and by the ICU path alike; alone it is kept. */
static void test_arabic_percent(void **state)
{
    (void)state;
    jisr_buf out = {0};
    assert_int_equal(norm_both("\xD9\xA2\xD9\xA0\xD9\xAA \xD8\x9F", 9, JISR_NORM_MATCH, &out), 0);
    assert_string_equal(out.data, "20% ?");
    assert_int_equal(norm_both("20\xD9\xAA", 4, JISR_NORM_PUNCT, &out), 0);
    assert_string_equal(out.data, "20%");
    assert_int_equal(norm_both("20\xD9\xAA", 4, JISR_NORM_DIGITS, &out), 0);
    assert_string_equal(out.data, "20\xD9\xAA");
    jisr_buf_free(&out);
}

/* Dropping a mark before normalisation is only sound when it composes with nothing: the fast
 * path relies on that for every dropped mark except U+0653–U+0655. */
static void test_dropped_marks_never_compose(void **state)
{
    (void)state;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    assert_false(U_FAILURE(st));
    int composing = 0;
    for (UChar32 m = 0x064B; m <= 0x06ED; m++) {
        if (txt_arabic_map(m, JISR_NORM_HARAKAT) >= 0)
            continue;
        for (UChar32 base = 0; base < 0x30000; base++) {
            if (unorm2_composePair(nfc, base, m) >= 0) {
                if (m < 0x0653 || m > 0x0655) {
                    fprintf(stderr, "U+%04X + U+%04X composes\n", (unsigned)base, (unsigned)m);
                    assert_true(0);
                }
                composing++;
            }
        }
    }
    assert_true(composing >= 7); /* ا و ي ه ۂ ے + hamza/madda */
}

static const unsigned COMBOS[] = {
    0,
    JISR_NORM_NFKC,
    JISR_NORM_CASEFOLD,
    JISR_NORM_NFKC | JISR_NORM_CASEFOLD,
    JISR_NORM_HARAKAT,
    JISR_NORM_NFKC | JISR_NORM_HARAKAT,
    JISR_NORM_CASEFOLD | JISR_NORM_HARAKAT | JISR_NORM_ALEF,
    JISR_NORM_MATCH,
    JISR_NORM_MATCH | JISR_NORM_TAMARBUTA,
};
#define NCOMBOS (sizeof COMBOS / sizeof COMBOS[0])

static int corpus_diff(const char *path, size_t *lines)
{
    size_t n;
    char *buf = tu_read_file(path, &n);
    if (!buf)
        return -1;
    jisr_buf out = {0};
    int bad = 0;
    char *p = buf, *end = buf + n;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        for (size_t c = 0; c < NCOMBOS; c++)
            if (norm_both(p, len, COMBOS[c], &out) < 0)
                bad++;
        (*lines)++;
        p += len + 1;
    }
    jisr_buf_free(&out);
    free(buf);
    return bad;
}

static void test_fast_path_equals_icu_on_corpora(void **state)
{
    (void)state;
    const char *files[] = {
        "/un-ar-en/UNv1.0.testset.ar", "/un-ar-en/UNv1.0.testset.en",
        "/tatoeba-ar-en/ara.txt",      "/bible-ar-en/vocalized-svd-kjv/Psalms.ar-en.tsv",
        "/seed/ar-article.txt",
    };
    size_t lines = 0;
    int found = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s%s",
                 getenv("JISR_SHARED_DATA") ? getenv("JISR_SHARED_DATA") : JISR_SHARED_DATA,
                 files[i]);
        int bad = corpus_diff(path, &lines);
        if (bad < 0)
            continue;
        found++;
        assert_int_equal(bad, 0);
    }
    if (!found)
        skip();
    printf("fast path = ICU path on %zu corpus lines x %zu flag sets\n", lines, NCOMBOS);
}

/* Random strings over the code points where a per-character table could go wrong: starters that
 * compose, marks that reorder, ligatures, default ignorables, case specials, invalid bytes. */
static void test_fast_path_equals_icu_random(void **state)
{
    (void)state;
    static const char *const atoms[] = {
        "a",
        "Z",
        " ",
        ".",
        "1",
        "\xC3\x9F",
        "\xC3\x89",
        "\xC2\xA0",
        "\xC2\xBD",
        "\xC4\xB0",
        "\xCE\xA3",
        "\xCF\x82",
        "\xD8\xA7",
        "\xD9\x88",
        "\xD9\x8A",
        "\xDB\x92",
        "\xDB\x81",
        "\xD8\xA3",
        "\xD9\x80",
        "\xD9\x8B",
        "\xD9\x8E",
        "\xD9\x91",
        "\xD9\x93",
        "\xD9\x94",
        "\xD9\x95",
        "\xD9\xB0",
        "\xDB\x96",
        "\xDB\xA5",
        "\xD9\xA3",
        "\xDB\xB5",
        "\xD9\xAB",
        "\xD8\x8C",
        "\xD8\x9F",
        "\xCC\x81",
        "\xCC\x88",
        "\xE2\x80\x8C",
        "\xE2\x80\x8F",
        "\xD8\x9C",
        "\xC2\xAD",
        "\xEF\xAC\x81",
        "\xEF\xBB\xBB",
        "\xEF\xB1\xA0",
        "\xEE\x80\x80",
        "\xE1\x84\x80",
        "\xE1\x85\xA1",
        "\xED\x95\x9C",
        "\xF0\x9D\x90\x80",
        "\xFF",
        "\xD9",
        "\xE2\x84\xAA",
        "\xE1\xBA\x9E",
        "\xC7\x85",
        "\xCD\x85",
        "\xCE\x90",
    };
    const size_t natoms = sizeof atoms / sizeof atoms[0];
    unsigned long seed = 12345;
    jisr_buf out = {0};
    char s[256];
    int bad = 0;
    for (int iter = 0; iter < 30000; iter++) {
        size_t len = 0;
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        int atoms_n = (int)((seed >> 33) % 12) + 1;
        for (int k = 0; k < atoms_n; k++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            const char *a = atoms[(seed >> 33) % natoms];
            memcpy(s + len, a, strlen(a));
            len += strlen(a);
        }
        unsigned flags = (unsigned)(seed >> 20) & 0x1FF;
        if (norm_both(s, len, flags, &out) < 0)
            bad++;
    }
    jisr_buf_free(&out);
    assert_int_equal(bad, 0);
}

/* ---- default-ignorable code points (ZWNJ, ZWJ, soft hyphen, U+200B, U+2060, U+FEFF, bidi marks,
 * variation selectors …): the table path reads them as ICU does ------------------------------ */

/* the flag sets jisr_text_normalize's callers use, and the other modes */
static const unsigned DI_SETS[] = {
    JISR_NORM_MATCH,                                 /* corpus filter, docalign, lexicon */
    JISR_NORM_MATCH | JISR_NORM_TAMARBUTA,           /* the translation memory (tm/tok.c) */
    JISR_NORM_MATCH & ~(unsigned)JISR_NORM_CASEFOLD, /* the aligner's tokens */
    JISR_NORM_CASEFOLD,                              /* the aligner's lexicon keys */
    JISR_NORM_DIGITS,                                /* docalign's numbers */
    JISR_NORM_NFKC | JISR_NORM_CASEFOLD,
    JISR_NORM_NFKC,
    0,
};
#define NDI_SETS (sizeof DI_SETS / sizeof DI_SETS[0])

/* Whether the table path must take a string whose only code point outside ASCII, Arabic and
 * Latin is the default-ignorable c, under flags; worked out from ICU alone: NFKC_Casefold deletes
 * c, NFKC keeps it when it is inert, folding keeps it; a supplementary one is kept (by the modes
 * that keep it) only through ICU, the table path's results being BMP code points. */
static int di_expect_fast(UChar32 c, unsigned flags)
{
    static const UNormalizer2 *nfkc;
    UErrorCode st = U_ZERO_ERROR;
    if (!nfkc)
        nfkc = unorm2_getNFKCInstance(&st);
    int nf = (flags & JISR_NORM_NFKC) != 0, cf = (flags & JISR_NORM_CASEFOLD) != 0;
    if (nf && cf)
        return 1;
    if (!nf && !cf)
        return 1;
    if (c > 0xFFFF)
        return 0;
    return nf ? unorm2_isInert(nfkc, c) : 1;
}

/* tmpl with each '|' replaced by the code point c (taken out when c < 0) into o: its length */
static size_t di_fill(char *o, const char *tmpl, UChar32 c)
{
    size_t n = 0;
    for (const char *p = tmpl; *p; p++) {
        if (*p == '|') {
            if (c >= 0)
                n += tu_put_utf8(o + n, (unsigned long)c);
        } else {
            o[n++] = *p;
        }
    }
    return n;
}

/* Every default-ignorable code point of the ICU version, inside Latin, Arabic and Persian words,
 * numbers (ASCII, Arabic-Indic, Persian digits), beside harakat, tatweel, a tag placeholder and
 * punctuation, doubled, at either end: for each flag set the table path gives ICU's bytes, and
 * (the part the table path did not do before session 39) it does not send the string to ICU. */
static void test_default_ignorables(void **state)
{
    (void)state;
    static const char *const ctx[] = {
        "Ab|cd",
        "ZW|NJ|x",
        "|word|",
        "||co-op||",
        "\xD9\x83|\xD8\xAA\xD8\xA7\xD8\xA8",                         /* ك|تاب */
        "\xD8\xA7\xD9\x84|\xD9\x83\xD8\xAA\xD8\xA7\xD8\xA8",         /* ال|كتاب */
        "\xD9\x85\xDB\x8C|\xD8\xAE\xD9\x88\xD8\xA7\xD9\x87\xD9\x85", /* می|خواهم */
        "\xDA\xA9\xD8\xAA\xD8\xA7\xD8\xA8|\xD9\x87\xD8\xA7",         /* کتاب|ها */
        "\xDA\xAF\xDA\x86|\xD9\xBE\xDA\x98",                         /* گچ|پژ */
        "\xD9\x83\xD9\x8E|\xD8\xAA\xD9\x8E\xD8\xA8\xD9\x8E",         /* كَ|تَبَ (harakat) */
        "\xD8\xA3|\xD8\xAD\xD9\x80|\xD9\x85\xD8\xAF \xD8\xA5\xD9\x84\xD9\x89|", /* أ|حـ|مد إلى| */
        "12|34 1,|5|00.5",
        "\xD9\xA1\xD9\xA2|\xD9\xA3\xD9\xAB|\xD9\xA5", /* ١٢|٣٫|٥ */
        "\xDB\xB1\xDB\xB2|\xDB\xB3\xDB\xB4",          /* ۱۲|۳۴ */
        "Op|\xEE\x80\x80"
        "en \xEE\x80\x81|file",         /* tag placeholders */
        "\xD8\x9F|\xD8\x8C|\xD9\xAA|?", /* ؟|،|٪|? */
        "\xC3\x89|COLE \xCE\xA3|x",     /* É|COLE Σ|x */
    };
    const size_t nctx = sizeof ctx / sizeof *ctx;
    jisr_buf out = {0}, fast = {0}, icu = {0};
    char buf[256];
    size_t ndi = 0, checks = 0, not_fast = 0, bad = 0;
    size_t not_fast_set[NDI_SETS] = {0};
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *cf = unorm2_getNFKCCasefoldInstance(&st);
    assert_false(U_FAILURE(st));
    for (UChar32 c = 0; c <= 0x10FFFF; c++) {
        if (!u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
            continue;
        ndi++;
        /* what the table path relies on: NFKC_Casefold maps each one to nothing */
        UChar in[2], res[8];
        int32_t il = 0;
        U16_APPEND_UNSAFE(in, il, c);
        st = U_ZERO_ERROR;
        assert_int_equal(unorm2_normalize(cf, in, il, res, 8, &st), 0);
        for (size_t k = 0; k < nctx; k++) {
            size_t n = di_fill(buf, ctx[k], c), n0 = di_fill(buf + 128, ctx[k], -1);
            for (size_t f = 0; f < NDI_SETS; f++) {
                /* (the text without it, under flags that keep harakat, may need ICU anyway) */
                jisr_buf_reset(&fast);
                int base_fast = txt_normalize_fast(buf + 128, n0, DI_SETS[f], &fast) == 1;
                checks++;
                if (norm_both(buf, n, DI_SETS[f], &out) < 0)
                    bad++;
                jisr_buf_reset(&fast);
                int r = txt_normalize_fast(buf, n, DI_SETS[f], &fast);
                assert_true(r >= 0);
                if (r == 1 && (fast.len != out.len || memcmp(fast.data, out.data, out.len) != 0))
                    bad++;
                if (r == 0 && base_fast && di_expect_fast(c, DI_SETS[f])) {
                    if (not_fast < 5)
                        fprintf(stderr, "U+%04X in [%s], flags %#x: not on the table path\n",
                                (unsigned)c, ctx[k], DI_SETS[f]);
                    not_fast++;
                    not_fast_set[f]++;
                }
            }
        }
    }
    fprintf(stderr,
            "%zu default-ignorable code points x %zu texts x %zu flag sets: %zu checks, %zu "
            "differ from ICU, %zu should be on the table path and are not (",
            ndi, nctx, NDI_SETS, checks, bad, not_fast);
    for (size_t f = 0; f < NDI_SETS; f++)
        fprintf(stderr, "%s%#x: %zu", f ? ", " : "", DI_SETS[f], not_fast_set[f]);
    fprintf(stderr, ")\n");
    assert_true(ndi >= 4000); /* 4,174 in ICU 72 */
    assert_int_equal(bad, 0);
    assert_int_equal(not_fast, 0);

    /* Where code points on either side of one compose once it is gone (e ZWNJ U+0301 is é, alef
     * ZWJ hamza above is أ, U+06D5 and hamza above ۀ, a Hangul L and V jamo with a soft hyphen
     * between are one syllable) ICU composes them under NFKC_Casefold: those strings stay on the
     * ICU path. */
    static const char *const compose[] = {
        "caf"
        "e|\xCC\x81",
        "\xD8\xA7|\xD9\x94",
        "\xDB\x95|\xD9\x94",
        "\xE1\x84\x80|\xE1\x85\xA1",
        "\xD9\x88|\xD9\x94\xD9\x8E",
    };
    static const UChar32 zs[] = {0x200C, 0x200D, 0x00AD, 0x200B, 0x2060,
                                 0xFEFF, 0x200F, 0x061C, 0xFE0F, 0xE0001};
    for (size_t k = 0; k < sizeof compose / sizeof *compose; k++)
        for (size_t z = 0; z < sizeof zs / sizeof *zs; z++) {
            size_t n = di_fill(buf, compose[k], zs[z]), n0 = di_fill(buf + 128, compose[k], -1);
            const char *p = buf + 128;
            for (unsigned f = 0; f < 2; f++) {
                unsigned flags = f ? JISR_NORM_MATCH : JISR_NORM_NFKC | JISR_NORM_CASEFOLD;
                assert_int_equal(norm_both(buf, n, flags, &out), 0);
                /* deleting it is what ICU does: the string without it normalises the same */
                jisr_buf_reset(&icu);
                txt_norm_force_icu = 1;
                assert_int_equal(jisr_text_normalize(p, n0, flags, &icu), 0);
                txt_norm_force_icu = 0;
                assert_int_equal(icu.len, out.len);
                assert_memory_equal(icu.data, out.data, out.len);
                jisr_buf_reset(&fast);
                assert_int_equal(txt_normalize_fast(buf, n, flags, &fast), 0);
                assert_int_equal(fast.len, 0);
            }
        }
    jisr_buf_free(&out);
    jisr_buf_free(&fast);
    jisr_buf_free(&icu);
}

/* U+0653–U+0655 (madda, hamza above, hamza below) after each code point of the table, alone,
 * doubled, after harakat, a default-ignorable code point or a tatweel, under the flag sets that
 * drop harakat: equal to ICU; right after a starter without a decomposition, on the table path
 * when ICU cannot compose the mark with it (the Persian ezafe هٔ, which NFC keeps as two code
 * points), to ICU when it can (ا + ٔ is أ). */
static void test_hamza_marks(void **state)
{
    (void)state;
    static const unsigned sets[] = {
        JISR_NORM_MATCH,
        JISR_NORM_MATCH | JISR_NORM_TAMARBUTA,
        JISR_NORM_MATCH & ~(unsigned)JISR_NORM_CASEFOLD,
        JISR_NORM_NFKC | JISR_NORM_HARAKAT,
    };
    static const char *const ctx[] = {
        "|", "|x", "||", "\xD9\x8E|", "|\xD9\x8E ", "\xE2\x80\x8C|", "\xD9\x80|", " |",
    };
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st), *nfkc = unorm2_getNFKCInstance(&st);
    assert_false(U_FAILURE(st));
    jisr_buf out = {0}, fast = {0};
    char buf[64], base[8];
    size_t checks = 0, bad = 0, on_table = 0, composing = 0, missed = 0;
    for (UChar32 b = 0x20; b < 0x3000; b++) {
        if (b >= 0xD800 && b <= 0xDFFF)
            continue;
        size_t bl = tu_put_utf8(base, (unsigned long)b);
        /* its NFKC form: the mark can only compose with it, or with its base when it has a
         * decomposition (آ is ا + madda: hamza below goes before the madda) */
        UChar in[2] = {(UChar)b, 0}, t[8], d[8];
        st = U_ZERO_ERROR;
        int32_t tl = unorm2_normalize(nfkc, in, 1, t, 8, &st);
        int lone = tl == 1 && unorm2_getRawDecomposition(nfc, t[0], d, 8, &st) < 0;
        for (UChar32 m = 0x0653; m <= 0x0655; m++)
            for (size_t k = 0; k < sizeof ctx / sizeof *ctx; k++) {
                /* the base, then the context with '|' the mark */
                memcpy(buf, base, bl);
                size_t n = bl + di_fill(buf + bl, ctx[k], m);
                for (size_t f = 0; f < sizeof sets / sizeof *sets; f++) {
                    checks++;
                    if (norm_both(buf, n, sets[f], &out) < 0)
                        bad++;
                    /* the base alone on the table path, and the mark right after it composing
                     * with nothing (NFC's pairs: the normalisers compose with the same) */
                    jisr_buf_reset(&fast);
                    if (txt_normalize_fast(base, bl, sets[f], &fast) != 1 || k > 2)
                        continue;
                    jisr_buf_reset(&fast);
                    int r = txt_normalize_fast(buf, n, sets[f], &fast);
                    on_table += r == 1;
                    if (!lone) {
                        missed += r != 0; /* a decomposition: to ICU */
                    } else if (unorm2_composePair(nfc, t[0], m) >= 0) {
                        composing++;
                        if (r != 0)
                            bad++;
                    } else if (r != 1) {
                        if (missed < 5)
                            fprintf(stderr, "U+%04X U+%04X (flags %#x): sent to ICU\n", (unsigned)b,
                                    (unsigned)m, sets[f]);
                        missed++;
                    }
                }
            }
    }
    fprintf(stderr,
            "%zu texts with a madda or hamza mark: %zu differ from ICU, %zu on the table path, "
            "%zu should be and are not; %zu where it composes\n",
            checks, bad, on_table, missed, composing);
    assert_int_equal(bad, 0);
    assert_int_equal(missed, 0);
    assert_true(composing > 0);
    /* Persian: the ezafe on heh, with a ZWNJ in the word before */
    static const char persian[] = "\xD8\xA8\xD8\xB1\xD9\x86\xD8\xA7\xD9\x85\xD9\x87\xD9\x94 "
                                  "\xD9\x86\xD8\xB5\xD8\xA8 \xD9\x85\xDB\x8C\xE2\x80\x8C"
                                  "\xD8\xAE\xD9\x88\xD8\xA7\xD9\x87\xDB\x8C\xD8\xAF";
    for (size_t f = 0; f < sizeof sets / sizeof *sets; f++) {
        assert_int_equal(norm_both(persian, strlen(persian), sets[f], &out), 0);
        jisr_buf_reset(&fast);
        assert_int_equal(txt_normalize_fast(persian, strlen(persian), sets[f], &fast), 1);
        if (f == 0) /* MATCH: the ezafe and the ZWNJ are gone */
            assert_string_equal(out.data, "\xD8\xA8\xD8\xB1\xD9\x86\xD8\xA7\xD9\x85\xD9\x87 "
                                          "\xD9\x86\xD8\xB5\xD8\xA8 \xD9\x85\xDB\x8C\xD8\xAE"
                                          "\xD9\x88\xD8\xA7\xD9\x87\xDB\x8C\xD8\xAF");
    }
    jisr_buf_free(&out);
    jisr_buf_free(&fast);
}

/* Random strings of Persian, Arabic and Latin letters, digits, harakat, spaces and default-
 * ignorable code points: all of them on the table path under the matching flags and equal to
 * ICU under every flag set; and mixed with code points that need ICU (a combining acute, hamza
 * above, a Hangul jamo, a ligature, CJK, a supplementary letter, invalid bytes), equal to ICU. */
static void test_default_ignorables_random(void **state)
{
    (void)state;
    static const char *const easy[] = {
        "a",
        "Z",
        "e",
        " ",
        "1",
        "-",
        "'",
        "\xC3\xA9",
        "\xCE\xA3",
        "\xD8\xA7",
        "\xD9\x84",
        "\xD9\x83",
        "\xD8\xA3",
        "\xD9\x89",
        "\xD8\xA9",
        "\xD9\x80",
        "\xD9\x8E",
        "\xD9\x91",
        "\xD9\xA3",
        "\xDB\xB5",
        "\xD8\x8C",
        "\xD9\x87",
        "\xDB\x8C",
        "\xDA\xA9",
        "\xDA\xAF",
        "\xD9\xBE",
        "\xDA\x86",
        "\xDA\x98",
        "\xEE\x80\x80",
        "\xD9\x87\xD9\x94", /* the Persian ezafe: heh, hamza above */
        /* default-ignorable (from EASY_DI on) */
        "\xE2\x80\x8C",
        "\xE2\x80\x8C",
        "\xE2\x80\x8D",
        "\xC2\xAD",
        "\xC2\xAD",
        "\xE2\x80\x8B",
        "\xE2\x81\xA0",
        "\xEF\xBB\xBF",
        "\xE2\x80\x8E",
        "\xE2\x80\x8F",
        "\xD8\x9C",
        "\xE2\x80\xAA",
        "\xE2\x80\xAC",
        "\xE2\x81\xA6",
        "\xE2\x81\xA9",
        "\xEF\xB8\x8F",
        "\xE1\xA0\x8B",
        "\xCD\x8F",
        "\xF3\xA0\x80\x81",
        "\xF3\xA0\x84\x80",
        "\xE1\x85\x9F",
    };
    static const char *const hard[] = {
        "\xC3\x9F", /* ß: "ss" when folded */
        "\xCC\x81",     "\xD9\x94",     "\xD9\x93",     "\xE1\x84\x80",
        "\xE1\x85\xA1", "\xEF\xAC\x81", "\xE4\xB8\xAD", "\xF0\x9D\x90\x80",
        "\xFF",         "\xE2\x80\xA6", "\xE3\x85\xA4",
    };
    enum { EASY_DI = 30 };
    const size_t ne = sizeof easy / sizeof *easy, nh = sizeof hard / sizeof *hard;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    jisr_buf out = {0}, fast = {0};
    char s[512];
    size_t strings = 0, on_table = 0, with_di = 0, bad = 0, missed = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int mixed = (x >> 60) < 4, atoms_n = (int)((x >> 33) % 24) + 1, di = 0;
        for (int k = 0; k < atoms_n; k++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t r = (size_t)(x >> 33);
            const char *a = mixed && r % 5 == 0 ? hard[(r / 5) % nh] : easy[r % ne];
            di |= !mixed && r % ne >= EASY_DI;
            memcpy(s + len, a, strlen(a));
            len += strlen(a);
        }
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned flags = (x >> 40) % 3 == 0 ? (unsigned)(x >> 20) & 0x1FF : DI_SETS[(x >> 20) % 2];
        strings++;
        if (norm_both(s, len, flags, &out) < 0)
            bad++;
        jisr_buf_reset(&fast);
        int r = txt_normalize_fast(s, len, flags, &fast);
        on_table += r == 1;
        if (!mixed && di && (flags == DI_SETS[0] || flags == DI_SETS[1])) {
            with_di++;
            missed += r != 1;
        }
    }
    fprintf(stderr,
            "%zu random strings: %zu differ from ICU, %zu on the table path; %zu with a "
            "default-ignorable code point under the matching flags, %zu of them sent to ICU\n",
            strings, bad, on_table, with_di, missed);
    assert_int_equal(bad, 0);
    assert_true(with_di > 1000);
    assert_int_equal(missed, 0);
    jisr_buf_free(&out);
    jisr_buf_free(&fast);
}

/* Several threads normalising at once, each with its own flag sets, while the per-flags tables
 * are being built: every result equals the ICU path's. */
static const char *const THREAD_TEXT =
    "\xD8\xA3\xD9\x8E\xD9\x87\xD9\x92\xD9\x84\xD8\xA7\xD9\x8B \xD8\xA5\xD9\x84\xD9\x89 "
    "\xD9\xA3\xD9\xAB\xD9\xA5 \xD8\x9F Hello WORLD \xC3\x89"
    "cole \xEF\xAC\x81";

static char *g_expect[0x200];

static void *norm_thread(void *arg)
{
    unsigned base = (unsigned)(uintptr_t)arg;
    jisr_buf a = {0};
    long bad = 0;
    for (unsigned i = 0; i < 2000; i++) {
        unsigned flags = (base * 37 + i * 11) & 0x1FF;
        jisr_buf_reset(&a);
        if (jisr_text_normalize(THREAD_TEXT, strlen(THREAD_TEXT), flags, &a) != 0 ||
            strcmp(a.data, g_expect[flags]) != 0)
            bad++;
    }
    jisr_buf_free(&a);
    return (void *)bad;
}

static void test_threads(void **state)
{
    (void)state;
    jisr_buf out = {0};
    txt_norm_force_icu = 1; /* expected results from ICU, before any thread starts */
    for (unsigned flags = 0; flags < 0x200; flags++) {
        jisr_buf_reset(&out);
        assert_int_equal(jisr_text_normalize(THREAD_TEXT, strlen(THREAD_TEXT), flags, &out), 0);
        g_expect[flags] = strdup(out.data);
    }
    txt_norm_force_icu = 0;
    pthread_t th[4];
    for (uintptr_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, norm_thread, (void *)i), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        assert_int_equal(pthread_join(th[i], &r), 0);
        assert_null(r);
    }
    for (unsigned flags = 0; flags < 0x200; flags++)
        free(g_expect[flags]);
    jisr_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_file),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_arabic_percent),
        cmocka_unit_test(test_dropped_marks_never_compose),
        cmocka_unit_test(test_fast_path_equals_icu_on_corpora),
        cmocka_unit_test(test_fast_path_equals_icu_random),
        cmocka_unit_test(test_default_ignorables),
        cmocka_unit_test(test_default_ignorables_random),
        cmocka_unit_test(test_hamza_marks),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
