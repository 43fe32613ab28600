/*
 * normalize.c — normalisation for matching (never for output).
 *
 * The full pipeline is: UTF-8 → UTF-16, then NFKC (unorm2 NFKC instance), full case folding
 * (u_strFoldCase) or both at once (the NFKC_Casefold instance, which is NFKC(fold(NFKC(x))) and
 * also drops default-ignorable code points such as ZWJ/ZWNJ and the bidi marks), then the Arabic
 * code-point rules (txt_arabic_map), then back to UTF-8.
 *
 * That path costs two conversions and an ICU call per string, and the translation memory runs
 * it several times per unit. Most text is ASCII, Arabic and Latin: for those the normaliser
 * works code point by code point, so a table built once from ICU itself gives the same answer
 * without ICU. The table covers U+0000–U+2FFF: an entry is the single BMP code point a character
 * normalises to (or "deleted"), and is only filled when the character has a normalisation
 * boundary before it under the instance in use and maps to a starter, so that
 * normalize(xy) = normalize(x)normalize(y) holds. Anything else (a combining mark that survives,
 * a multi-code-point mapping, a character above the table, invalid UTF-8) sends the whole string
 * through ICU. Harakat that the flags drop anyway are skipped in the fast path, except U+0653–
 * U+0655, which compose with a preceding alef/waw/ya (ا + ٔ → أ): those are dropped only when the
 * starter before them has no decomposition and composes with none of them (mark_dropped: the
 * Persian ezafe هٔ), else the string meets ICU.
 *
 * Default-ignorable code points (ZWNJ in Persian and in Arabic typed on a Persian keyboard, the
 * soft hyphen of Word and PDFs, ZWJ, U+200B, U+2060, U+FEFF, the bidi marks, the variation
 * selectors …; 4,174 in ICU 72) are read too. NFKC_Casefold maps each to nothing, so no boundary
 * is before one (e, ZWNJ, U+0301 composes to é) and the rule above would send the string to ICU,
 * as it did until session 39 (30 % of the strings of a Persian catalogue). But ICU's result
 * is the composition of the string's full decomposition, which is the concatenation of its code
 * points' decompositions, Z's empty: normalize(xZy) = normalize(xy) for any x and y. In the fast
 * path every other code point of the string has a boundary before it (or is a dropped haraka, or
 * private use), else the string goes to ICU anyway, so normalize(xy) is still the concatenation
 * and Z's share of it is nothing: the table entry of a code point that normalises to nothing is
 * "deleted" whatever its boundaries, and a default-ignorable code point above the table is
 * deleted under NFKC_Casefold too. A string where something composes across Z still goes to ICU,
 * by the code point after Z. NFKC alone and folding alone keep them: below the table the entry
 * is the code point itself (inert), above it a BMP one is kept when it is inert under NFKC (not
 * U+3164 and U+FFA0, which NFKC maps to a Hangul jamo) and unchanged by folding.
 * tests/test_text_normalize.c checks that both paths agree (over every default-ignorable code
 * point in Latin, Arabic and Persian words and numbers, for each flag set the callers use) and
 * which strings stay off ICU.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "text/text.h"
#include "text/text_int.h"

int txt_norm_force_icu;

#define TABLE_MAX 0x3000
#define T_SLOW 0xFFFF
#define T_DELETE 0xFFFE
/* jisr_norm_cp (text.h) reads the same table entries */
_Static_assert(T_SLOW == 0xFFFF && T_DELETE == 0xFFFE, "jisr_norm_cp's table codes");

enum { MODE_NFKC, MODE_FOLD, MODE_NFKC_FOLD, MODE_COUNT };

static uint16_t g_table[MODE_COUNT][TABLE_MAX];
static const UNormalizer2 *g_nfkc, *g_nfkc_cf;
static int g_init_status; /* 0 ok, else JISR_EICU */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
arabic_map(int c, unsigned flags)
{
    if (c < 0x060C || c > 0x06FD)
        return c;
    if ((c >= 0x062A && c <= 0x063A) || (c >= 0x0641 && c <= 0x0648))
        return c; /* most Arabic letters: nothing to do */
    if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED))
        return (flags & JISR_NORM_HARAKAT) ? -1 : c;
    switch (c) {
    case 0x0640:
        return (flags & JISR_NORM_TATWEEL) ? -1 : c;
    case 0x0622:
    case 0x0623:
    case 0x0625:
    case 0x0671:
        return (flags & JISR_NORM_ALEF) ? 0x0627 : c;
    case 0x0649:
        return (flags & JISR_NORM_YA) ? 0x064A : c;
    case 0x0629:
        return (flags & JISR_NORM_TAMARBUTA) ? 0x0647 : c;
    case 0x066B:
        return (flags & JISR_NORM_DIGITS) ? '.' : c;
    case 0x066C:
        return (flags & JISR_NORM_DIGITS) ? ',' : c;
    case 0x060C:
        return (flags & JISR_NORM_PUNCT) ? ',' : c;
    case 0x061B:
        return (flags & JISR_NORM_PUNCT) ? ';' : c;
    case 0x061F:
        return (flags & JISR_NORM_PUNCT) ? '?' : c;
    case 0x066A: /* ARABIC PERCENT SIGN: "20٪" is "20%" (NFKC keeps it) */
        return (flags & JISR_NORM_PUNCT) ? '%' : c;
    default:
        break;
    }
    if (flags & JISR_NORM_DIGITS) {
        if (c >= 0x0660 && c <= 0x0669)
            return '0' + (c - 0x0660);
        if (c >= 0x06F0 && c <= 0x06F9)
            return '0' + (c - 0x06F0);
    }
    return c;
}

int txt_arabic_map(int c, unsigned flags)
{
    return arabic_map(c, flags);
}

/* One table entry: what c becomes under the mode, or T_SLOW when it needs ICU in context. */
static uint16_t table_entry(int mode, UChar32 c)
{
    if (c >= 0xD800 && c <= 0xDFFF)
        return T_SLOW;
    UChar in[2] = {(UChar)c, 0}, res[8];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n;
    if (mode == MODE_FOLD) {
        n = u_strFoldCase(res, 8, in, 1, U_FOLD_CASE_DEFAULT, &st);
    } else {
        const UNormalizer2 *nz = mode == MODE_NFKC ? g_nfkc : g_nfkc_cf;
        if (!unorm2_hasBoundaryBefore(nz, c)) {
            /* default-ignorable under NFKC_Casefold: mapped to nothing, deleted in any context */
            if (!u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
                return T_SLOW;
            n = unorm2_normalize(nz, in, 1, res, 8, &st);
            return U_SUCCESS(st) && n == 0 ? T_DELETE : T_SLOW;
        }
        n = unorm2_normalize(nz, in, 1, res, 8, &st);
    }
    if (U_FAILURE(st))
        return T_SLOW;
    if (n == 0)
        return T_DELETE;
    if (n != 1 || U16_IS_SURROGATE(res[0]) || res[0] >= T_DELETE)
        return T_SLOW;
    if (mode != MODE_FOLD && u_getCombiningClass(res[0]) != 0)
        return T_SLOW;
    return res[0];
}

static void init_tables(void)
{
    UErrorCode st = U_ZERO_ERROR;
    g_nfkc = unorm2_getNFKCInstance(&st);
    if (U_SUCCESS(st))
        g_nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        g_init_status = JISR_EICU;
        return;
    }
    for (int m = 0; m < MODE_COUNT; m++)
        for (UChar32 c = 0; c < TABLE_MAX; c++)
            g_table[m][c] = table_entry(m, c);
}

static int ensure_init(void)
{
    pthread_once(&g_once, init_tables);
    if (g_init_status)
        return jisr_error_set(g_init_status, NULL, 0, 0, "ICU normaliser unavailable");
    return 0;
}

static int norm_mode(unsigned flags)
{
    if ((flags & JISR_NORM_NFKC) && (flags & JISR_NORM_CASEFOLD))
        return MODE_NFKC_FOLD;
    if (flags & JISR_NORM_NFKC)
        return MODE_NFKC;
    if (flags & JISR_NORM_CASEFOLD)
        return MODE_FOLD;
    return -1;
}

/* A code point at or above the table (U+3000), not private use, under a mode: what it becomes
 * (a BMP code point), T_DELETE, or T_SLOW (ICU in context). Only the default-ignorable ones are
 * read here: NFKC_Casefold deletes them (U+FEFF, the variation selectors, the tags …), NFKC and
 * folding leave a BMP one alone when it is inert (U+FEFF, U+FE00–U+FE0F; not U+3164 or U+FFA0,
 * which NFKC maps to a Hangul jamo). Out of line: CJK, emoji and the like reach it and then go to
 * ICU anyway. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint32_t
above_table(int mode, uint32_t c)
{
    if (!u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
        return T_SLOW;
    if (mode == MODE_NFKC_FOLD)
        return T_DELETE;
    if (c > 0xFFFF)
        return T_SLOW;
    if (mode == MODE_NFKC)
        return unorm2_isInert(g_nfkc, (UChar32)c) ? c : T_SLOW;
    UChar in[1] = {(UChar)c}, res[4];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = u_strFoldCase(res, 4, in, 1, U_FOLD_CASE_DEFAULT, &st);
    return U_SUCCESS(st) && n == 1 && res[0] == c ? c : T_SLOW;
}

static inline char *put_utf8(char *o, uint32_t c)
{
    size_t i = 0;
    U8_APPEND_UNSAFE(o, i, c);
    return o + i;
}

/* Decode one well-formed UTF-8 sequence at p (< end). Returns its length, or 0 if ill-formed. */
static inline int get_utf8(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    unsigned b = p[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b < 0xC2)
        return 0;
    if (b < 0xE0) {
        if (end - p < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((b & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        return 2;
    }
    if (b < 0xF0) {
        if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((b == 0xE0 && p[1] < 0xA0) || (b == 0xED && p[1] > 0x9F))
            return 0;
        *cp = ((b & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        return 3;
    }
    if (b < 0xF5) {
        if (end - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((b == 0xF0 && p[1] < 0x90) || (b == 0xF4 && p[1] > 0x8F))
            return 0;
        *cp = ((b & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        return 4;
    }
    return 0;
}

/* Final mappings of U+0000–U+07FF (ASCII, Latin, Greek, Cyrillic, Hebrew, Arabic) for one
 * combination of mode and flags: the table entry followed by the Arabic rules, with the dropped
 * harakat folded in. Built on first use of a combination and kept for the life of the process
 * (a few KiB each; programs use a handful of combinations). */
#define MAP2_MAX 0x800
typedef struct {
    uint16_t m[MAP2_MAX];
} map2;
static map2 *_Atomic g_map2[MODE_COUNT + 1][512];
static pthread_mutex_t g_map2_lock = PTHREAD_MUTEX_INITIALIZER;

static const map2 *get_map2(int mode, unsigned flags)
{
    unsigned f = flags & 0x1FF;
    map2 *m = atomic_load_explicit(&g_map2[mode + 1][f], memory_order_acquire);
    if (m)
        return m;
    pthread_mutex_lock(&g_map2_lock);
    m = atomic_load_explicit(&g_map2[mode + 1][f], memory_order_relaxed);
    if (!m && (m = malloc(sizeof *m)) != NULL) {
        unsigned arabic_flags = flags & ~(unsigned)(JISR_NORM_NFKC | JISR_NORM_CASEFOLD);
        for (int c = 0; c < MAP2_MAX; c++) {
            int t = c;
            if (c >= 0x064B && c <= 0x06ED && (flags & JISR_NORM_HARAKAT) &&
                (c < 0x0653 || c > 0x0655) && arabic_map(c, arabic_flags) < 0) {
                m->m[c] = T_DELETE;
                continue;
            }
            if (mode >= 0)
                t = g_table[mode][c];
            if (t == T_SLOW || t == T_DELETE) {
                m->m[c] = (uint16_t)t;
                continue;
            }
            t = arabic_map(t, arabic_flags);
            m->m[c] = t < 0 ? T_DELETE : (uint16_t)t;
        }
        atomic_store_explicit(&g_map2[mode + 1][f], m, memory_order_release);
    }
    pthread_mutex_unlock(&g_map2_lock);
    return m;
}

/* The 2-byte code point q that ends at after, which the table calls slow: 1 when it is one of
 * U+0653–U+0655 (madda, hamza above, hamza below), under NFKC or NFKC_Casefold with the harakat
 * dropped, and composes with nothing, so that it is dropped as the other harakat are (Persian
 * writes the ezafe as heh + hamza above, هٔ, which NFC leaves as it is: 610 of the 7,020 strings of
 * a Persian catalogue), 0 when it may compose (ا + ٔ → أ) and the string needs ICU. It can only
 * compose with the last starter before it: the code points between are harakat dropped here (marks
 * that compose with nothing: test_dropped_marks_never_compose; a mark of this kind dropped before
 * it did not compose either) and code points the normalisation deletes (nothing, in any context:
 * see the top). Every code point before q was read by normalize_fast, so the starter has a table
 * entry, its whole normal form, a single starter s. When s has no decomposition, the starter's own
 * decomposition is s (a composition's result has one), and ICU composes the mark with it exactly
 * when s + mark has a primary composite (unorm2_composePair; a mark between them can only block it,
 * and then the string goes to ICU, which is merely slower). When s has one, the mark may go before
 * its marks and compose with its base (آ, hamza below is إ under NFKC): ICU. Out of line: rare. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
mark_dropped(const unsigned char *s, const unsigned char *after, unsigned flags)
{
    const unsigned char *q = after - 2;
    uint32_t mark = (q[0] & 0x1Fu) << 6 | (q[1] & 0x3Fu);
    int mode = norm_mode(flags);
    if (mark < 0x0653 || mark > 0x0655 || !(flags & JISR_NORM_HARAKAT) ||
        (mode != MODE_NFKC && mode != MODE_NFKC_FOLD))
        return 0;
    while (q > s) {
        const unsigned char *r = q - 1;
        while (r > s && (*r & 0xC0) == 0x80)
            r--;
        uint32_t c;
        if (get_utf8(r, q, &c) != (int)(q - r))
            return 0;
        q = r;
        if (c >= 0x064B && c <= 0x06ED && arabic_map((int)c, JISR_NORM_HARAKAT) < 0 &&
            u_getCombiningClass((UChar32)c) != 0)
            continue; /* a dropped haraka */
        uint32_t t = c < TABLE_MAX                ? g_table[mode][c]
                     : c >= 0xE000 && c <= 0xF8FF ? c
                                                  : above_table(mode, c);
        if (t == T_DELETE)
            continue;
        if (t == T_SLOW)
            return 0;
        const UNormalizer2 *nz = mode == MODE_NFKC ? g_nfkc : g_nfkc_cf;
        UChar d[8];
        UErrorCode st = U_ZERO_ERROR;
        if (unorm2_getRawDecomposition(nz, (UChar32)t, d, 8, &st) >= 0 || U_FAILURE(st))
            return 0; /* آ is ا + madda: a hamza below goes before the madda and composes */
        return unorm2_composePair(nz, (UChar32)t, (UChar32)mark) < 0;
    }
    return 1; /* nothing before it to compose with */
}

/* Fast path (inlined into its two callers' try_fast: it runs once per word). Returns 1 when done
 * (output appended), 0 when the string needs ICU (out->len is restored by the caller). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
normalize_fast(const unsigned char *s, size_t n, unsigned flags, int mode, jisr_buf *out)
{
    const unsigned char *p = s, *end = s + n;
    char *o = out->data + out->len;
    const uint16_t *tab = mode >= 0 ? g_table[mode] : NULL;
    unsigned arabic_flags = flags & ~(unsigned)(JISR_NORM_NFKC | JISR_NORM_CASEFOLD);
    const map2 *m2 = get_map2(mode, flags);
    if (!m2)
        return 0;
    while (p < end) {
        unsigned b = *p;
        if (b < 0x80) {
            /* ASCII maps to ASCII (NFKC leaves it alone, folding lower-cases it) */
            unsigned v = m2->m[b];
            p++;
            if (v < 0x80) {
                *o++ = (char)v;
                continue;
            }
            if (v == T_SLOW)
                return 0;
            if (v != T_DELETE)
                o = put_utf8(o, v);
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF && p + 1 < end && (p[1] & 0xC0) == 0x80) {
            unsigned v = m2->m[(b & 0x1F) << 6 | (p[1] & 0x3F)];
            p += 2;
            if (v == T_SLOW) {
                if (mark_dropped(s, p, flags))
                    continue;
                return 0;
            }
            if (v - 0x80 < 0x800 - 0x80) { /* the common case: Arabic stays Arabic */
                o[0] = (char)(0xC0 | (v >> 6));
                o[1] = (char)(0x80 | (v & 0x3F));
                o += 2;
            } else if (v != T_DELETE) {
                o = put_utf8(o, v);
            }
            continue;
        }
        uint32_t c;
        int len = get_utf8(p, end, &c);
        if (len == 0)
            return 0;
        p += len;
        if (c >= 0x064B && c <= 0x06ED && (flags & JISR_NORM_HARAKAT) &&
            (c < 0x0653 || c > 0x0655)) {
            if (arabic_map((int)c, arabic_flags) < 0)
                continue;
        }
        if (tab) {
            if (c < TABLE_MAX) {
                uint16_t t = tab[c];
                if (t == T_SLOW)
                    return 0;
                if (t == T_DELETE)
                    continue;
                c = t;
            } else if (c < 0xE000 || c > 0xF8FF) { /* private use is inert: tag placeholders */
                uint32_t t = above_table(norm_mode(flags), c);
                if (t == T_SLOW)
                    return 0;
                if (t == T_DELETE)
                    continue;
                c = t;
            }
        }
        int m = arabic_map((int)c, arabic_flags);
        if (m < 0)
            continue;
        o = put_utf8(o, (uint32_t)m);
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    return 1;
}

/* ICU path: UTF-8 → UTF-16 → normaliser/folding → Arabic rules → UTF-8. */
static int normalize_icu(const char *s, size_t n, unsigned flags, int mode, jisr_buf *out)
{
    UChar stack_a[512], stack_b[512];
    UChar *a = stack_a, *b = stack_b;
    int32_t cap_a = 512, cap_b = 512, len_a, len_b;
    int rc = 0;
    if (n > INT32_MAX / 4)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "string too long to normalise");

    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8WithSub(a, cap_a, &len_a, s, (int32_t)n, 0xFFFD, NULL, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        cap_a = len_a + 1;
        if (!(a = malloc((size_t)cap_a * sizeof *a))) {
            rc = jisr_oom(0);
            goto done;
        }
        st = U_ZERO_ERROR;
        u_strFromUTF8WithSub(a, cap_a, &len_a, s, (int32_t)n, 0xFFFD, NULL, &st);
    }
    if (U_FAILURE(st))
        goto icu_fail;

    UChar *cur = a;
    int32_t len = len_a;
    if (mode >= 0) {
        for (int attempt = 0; attempt < 2; attempt++) {
            st = U_ZERO_ERROR;
            if (mode == MODE_FOLD)
                len_b = u_strFoldCase(b, cap_b, a, len_a, U_FOLD_CASE_DEFAULT, &st);
            else
                len_b = unorm2_normalize(mode == MODE_NFKC ? g_nfkc : g_nfkc_cf, a, len_a, b, cap_b,
                                         &st);
            if (st != U_BUFFER_OVERFLOW_ERROR)
                break;
            cap_b = len_b + 1;
            if (!(b = malloc((size_t)cap_b * sizeof *b))) {
                rc = jisr_oom(0);
                goto done;
            }
        }
        if (U_FAILURE(st))
            goto icu_fail;
        cur = b;
        len = len_b;
    }

    /* Arabic rules map BMP code points to BMP code points or drop them: done in place */
    unsigned arabic_flags = flags & ~(unsigned)(JISR_NORM_NFKC | JISR_NORM_CASEFOLD);
    int32_t w = 0;
    for (int32_t i = 0; i < len; i++) {
        int m = arabic_map(cur[i], arabic_flags);
        if (m >= 0)
            cur[w++] = (UChar)m;
    }
    len = w;

    if ((rc = jisr_buf_reserve(out, (size_t)len * 3 + 1)) < 0)
        goto done;
    int32_t outlen = 0;
    st = U_ZERO_ERROR;
    u_strToUTF8WithSub(out->data + out->len, (int32_t)(out->cap - out->len), &outlen, cur, len,
                       0xFFFD, NULL, &st);
    if (U_FAILURE(st))
        goto icu_fail;
    out->len += (size_t)outlen;
    out->data[out->len] = '\0';
    goto done;

icu_fail:
    rc = jisr_error_set(JISR_EICU, NULL, 0, 0, "normalisation failed: %s", u_errorName(st));
done:
    if (a != stack_a)
        free(a);
    if (b != stack_b)
        free(b);
    return rc;
}

int jisr_text_norm_cps(unsigned flags, jisr_norm_cps *h)
{
    if (!h)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_text_norm_cps: h is NULL");
    int rc = ensure_init();
    if (rc < 0)
        return rc;
    if (txt_norm_force_icu) /* tests: every string through ICU */
        return 1;
    const map2 *m2 = get_map2(norm_mode(flags), flags);
    if (!m2)
        return jisr_oom(0);
    h->m2 = m2->m;
    h->flags = flags;
    return 0;
}

/* c >= U+0800: as normalize_fast's general branch */
int jisr_norm_cp_above(const jisr_norm_cps *h, uint32_t c)
{
    if (!h) /* no table: the slow path (ICU), always right */
        return JISR_NORM_CP_SLOW;
    int mode = norm_mode(h->flags);
    unsigned arabic_flags = h->flags & ~(unsigned)(JISR_NORM_NFKC | JISR_NORM_CASEFOLD);
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || txt_norm_force_icu)
        return JISR_NORM_CP_SLOW;
    if (mode >= 0) {
        if (c < TABLE_MAX) {
            uint16_t t = g_table[mode][c];
            if (t == T_SLOW)
                return JISR_NORM_CP_SLOW;
            if (t == T_DELETE)
                return JISR_NORM_CP_DELETED;
            c = t;
        } else if (c < 0xE000 || c > 0xF8FF) {
            uint32_t t = above_table(mode, c);
            if (t == T_SLOW)
                return JISR_NORM_CP_SLOW;
            if (t == T_DELETE)
                return JISR_NORM_CP_DELETED;
            c = t;
        }
    }
    int m = arabic_map((int)c, arabic_flags);
    return m < 0 ? JISR_NORM_CP_DELETED : m;
}

/* s, n, out checked and the tables built (inlined: jisr_text_normalize is called per word) */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
try_fast(const char *s, size_t n, unsigned flags, jisr_buf *out)
{
    int rc;
    size_t start = out->len;
    /* each input code point yields at most one BMP code point: at most 1.5x the bytes */
    if ((rc = jisr_buf_reserve(out, n + n / 2 + 4)) < 0)
        return rc;
    if (normalize_fast((const unsigned char *)s, n, flags, norm_mode(flags), out))
        return 1;
    out->len = start;
    if (out->data)
        out->data[start] = '\0';
    return 0;
}

int txt_normalize_fast(const char *s, size_t n, unsigned flags, jisr_buf *out)
{
    int rc;
    if (!out || (!s && n))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "txt_normalize_fast: %s is NULL",
                              out ? "s" : "out");
    if ((rc = ensure_init()) < 0)
        return rc;
    return try_fast(s, n, flags, out);
}

int jisr_text_normalize(const char *s, size_t n, unsigned flags, jisr_buf *out)
{
    int rc;
    if (!out || (!s && n))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_text_normalize: %s is NULL",
                              out ? "s" : "out");
    if ((rc = ensure_init()) < 0)
        return rc;
    if (!txt_norm_force_icu && (rc = try_fast(s, n, flags, out)) != 0)
        return rc < 0 ? rc : 0;
    return normalize_icu(s, n, flags, norm_mode(flags), out);
}
