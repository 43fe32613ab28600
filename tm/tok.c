/*
 * tok.c — the matcher's tokens: words, numbers, punctuation and inline-tag placeholders, each
 * with three 64-bit hashes (surface, normalised form, key).
 *
 * Why not the text layer's ICU word-break tokenizer: the index stores hashes of these tokens, so
 * token boundaries must never change between the jisr that wrote a memory and the one reading it
 * (ICU's break rules change between versions), and the matcher re-tokenizes every candidate, so
 * this must cost well under a microsecond per sentence. Boundaries here are simple and stable:
 * a word is a run of letters, marks and digits (with an apostrophe between letters); a run of
 * digits with '.', ',', U+066B or U+066C between digits is a number, and so is the number of such
 * a run that is a number glued to an Arabic proclitic or to a unit, era or ordinal suffix ("و2",
 * "5kg", "7407th"), its affixes punctuation tokens; every other visible code point is one
 * punctuation token; U+E000–U+F8FF is an inline tag. Character classes come from
 * ICU's u_charType (a table lookup, no conversion).
 *
 * The normalised form is the text layer's jisr_text_normalize with JISR_NORM_MATCH plus the
 * ta-marbuta fold (ة → ه), so alef/ya/ta-marbuta/diacritic/case/digit variants normalise alike.
 * The key of an Arabic word additionally strips proclitics (docs/matching.md): a conjunction و/ف,
 * then a preposition ب/ك/ل, then the article ال (or لل = ل + ال), each only when at least three
 * letters remain (four for a bare preposition), so و+البيت, بالبيت, للبيت and بيت share a key.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "text/text.h"
#include "tm/tm_int.h"
#include "util/utf8.h"

#define TM_NORM_FLAGS (JISR_NORM_MATCH | JISR_NORM_TAMARBUTA)

enum { C_SPACE, C_LETTER, C_DIGIT, C_PUNCT, C_TAG, C_FORMAT };

uint64_t tm_hash(const void *p, size_t n, uint64_t seed)
{
    /* eight bytes per step (tokens are short), little-endian (x86 and ARM: the native order of
     * LMDB's own files, which are not portable across byte orders either) */
    const unsigned char *s = p;
    uint64_t h = seed ^ (n * 0x9E3779B97F4A7C15ULL), v;
    while (n >= 8) {
        memcpy(&v, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap64(v);
#endif
        h = (h ^ v) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    v = 0; /* the last 1-7 bytes, as a little-endian load would read them (a memcpy of a
            * variable length is a library call, and most tokens are shorter than 8 bytes) */
    switch (n) {
    case 7:
        v |= (uint64_t)s[6] << 48; /* fall through */
    case 6:
        v |= (uint64_t)s[5] << 40; /* fall through */
    case 5:
        v |= (uint64_t)s[4] << 32; /* fall through */
    case 4:
        v |= (uint64_t)s[3] << 24; /* fall through */
    case 3:
        v |= (uint64_t)s[2] << 16; /* fall through */
    case 2:
        v |= (uint64_t)s[1] << 8; /* fall through */
    case 1:
        v |= s[0];
    }
    h = (h ^ v ^ ((uint64_t)n << 56)) * 0x94d049bb133111ebULL;
    /* final avalanche (splitmix64) so that the low and high bits are both usable */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

void tm_lang_primary(const char *lang, char *out, size_t outsz)
{
    size_t i = 0;
    if (!lang)
        lang = "und";
    for (; lang[i] && lang[i] != '-' && lang[i] != '_' && i + 1 < outsz; i++) {
        char c = lang[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[i] = '\0';
}

uint64_t tm_lang_hash(const char *lang)
{
    char p[16];
    tm_lang_primary(lang, p, sizeof p);
    return tm_hash(p, strlen(p), 0x6c616e67ULL);
}

#define BUCKET_TABLE 4096
static uint8_t g_bucket[BUCKET_TABLE]; /* bucket of a length in words */
static uint32_t g_bucket_min[257];     /* smallest length in words of each bucket */
static pthread_once_t g_bucket_once = PTHREAD_ONCE_INIT;

static void bucket_init(void)
{
    unsigned b = 0;
    double edge = 16.0;
    for (unsigned w = 0; w < BUCKET_TABLE; w++) {
        if (w < 16) {
            b = w;
        } else {
            if (w == 16)
                b = 16;
            while (b < 255 && (double)w >= edge * 1.125) {
                edge *= 1.125;
                b++;
            }
        }
        g_bucket[w] = (uint8_t)b;
    }
    for (unsigned k = 0; k < 257; k++)
        g_bucket_min[k] = UINT32_MAX / 100;
    for (unsigned w = BUCKET_TABLE; w-- > 0;)
        g_bucket_min[g_bucket[w]] = w;
}

unsigned tm_bucket(uint32_t w100)
{
    pthread_once(&g_bucket_once, bucket_init);
    uint32_t w = w100 / 100;
    return w < BUCKET_TABLE ? g_bucket[w] : g_bucket[BUCKET_TABLE - 1];
}

uint32_t tm_bucket_max(unsigned b)
{
    pthread_once(&g_bucket_once, bucket_init);
    if (b >= g_bucket[BUCKET_TABLE - 1])
        return UINT32_MAX;
    return g_bucket_min[b + 1] * 100 - 1;
}

uint32_t tm_bucket_min(unsigned b)
{
    pthread_once(&g_bucket_once, bucket_init);
    return b == 0 ? 0 : g_bucket_min[b] * 100;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sort the n word keys at v and give each repetition its occurrence term. */
static void occurrence_terms(uint64_t *v, size_t n)
{
    if (n < 2)
        return;
    if (n < 24) { /* insertion sort: a sentence has a few dozen words */
        for (size_t i = 1; i < n; i++) {
            uint64_t x = v[i];
            size_t j = i;
            while (j > 0 && v[j - 1] > x) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
    } else {
        qsort(v, n, sizeof *v, cmp_u64);
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i])
            j++;
        for (size_t k = i + 1; k < j; k++)
            v[k] = tm_occ_term(v[i], k - i);
        i = j;
    }
}

size_t tm_index_terms(const tm_toks *t, uint64_t *terms)
{
    size_t nt = 0, nnum = 0;
    for (size_t k = 0; k < t->n; k++)
        if (t->v[k].kind == TM_WORD)
            terms[nt++] = t->v[k].hk;
    occurrence_terms(terms, nt);
    for (size_t k = 0; k < t->n; k++)
        if (t->v[k].kind == TM_NUMBER)
            terms[nt++] = tm_num_term(nnum++);
    unsigned band = tm_light_band(t->nheavy, t->w100);
    if (band)
        terms[nt++] = tm_light_term(band);
    return nt;
}

/* Tag numbering for identity: the values of the i and x attributes of one variant's tags, each
 * named by the order of its first appearance (1, 2, …; i and x counted apart). An
 * open-addressing table: a tag of 1 MiB may hold ~10^5 of them (inline elements inside <sub>). */
typedef struct ident_label_e {
    const char *v;
    size_t n;
    uint64_t h;
    unsigned x, label;
} ident_label_e;

typedef struct ident_labels {
    ident_label_e *e;
    size_t n, cap;
    uint32_t *slot; /* index + 1 into e, 0 empty; nslot a power of two, at most half full */
    size_t nslot;
    unsigned count[2];
} ident_labels;

static int ident_label(ident_labels *ls, unsigned x, const char *v, size_t n, unsigned *out)
{
    uint64_t h = tm_hash(v, n, 0x69786c6162ULL + x);
    if (2 * (ls->n + 1) > ls->nslot) { /* grow and re-file */
        size_t ns = ls->nslot ? 2 * ls->nslot : 64;
        uint32_t *sl = calloc(ns, sizeof *sl);
        if (!sl)
            return JISR_ENOMEM;
        for (size_t k = 0; k < ls->n; k++) {
            size_t s = (size_t)ls->e[k].h & (ns - 1);
            while (sl[s])
                s = (s + 1) & (ns - 1);
            sl[s] = (uint32_t)(k + 1);
        }
        free(ls->slot);
        ls->slot = sl;
        ls->nslot = ns;
    }
    size_t s = (size_t)h & (ls->nslot - 1);
    for (; ls->slot[s]; s = (s + 1) & (ls->nslot - 1)) {
        const ident_label_e *e = &ls->e[ls->slot[s] - 1];
        if (e->h == h && e->x == x && e->n == n && memcmp(e->v, v, n) == 0) {
            *out = e->label;
            return 0;
        }
    }
    if (JISR_GROW(ls->e, ls->cap, ls->n + 1) < 0)
        return JISR_ENOMEM;
    ls->e[ls->n] = (ident_label_e){v, n, h, x, ++ls->count[x]};
    ls->slot[s] = (uint32_t)++ls->n;
    *out = ls->count[x];
    return 0;
}

static int ident_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The tag t[0, n) with the value of every i and x attribute of its start tags (the element's
 * own and those of elements inside it, a <sub>'s) replaced by its label, into b (reset first).
 * Anything else — names, other attributes, native code, text — is copied as it is; bytes that
 * do not read as a start tag's attribute are copied too, so any input has a form. */
static int ident_canon(const char *t, size_t n, ident_labels *ls, jisr_buf *b)
{
    jisr_buf_reset(b);
    size_t copied = 0, p = 0;
    while (p < n) {
        if (t[p] != '<' || p + 1 >= n || t[p + 1] == '/' || t[p + 1] == '!' || t[p + 1] == '?') {
            p++;
            continue;
        }
        p++; /* a start tag: its name, then attributes up to '>' */
        while (p < n && !ident_space(t[p]) && t[p] != '>' && t[p] != '/' && t[p] != '<')
            p++;
        for (;;) {
            while (p < n && ident_space(t[p]))
                p++;
            size_t a = p;
            while (p < n && !ident_space(t[p]) && t[p] != '=' && t[p] != '>' && t[p] != '/' &&
                   t[p] != '<')
                p++;
            size_t an = p - a;
            while (p < n && ident_space(t[p]))
                p++;
            if (an == 0 || p >= n || t[p] != '=')
                break;
            p++;
            while (p < n && ident_space(t[p]))
                p++;
            if (p >= n || (t[p] != '"' && t[p] != '\''))
                break;
            char q = t[p++];
            size_t v = p;
            while (p < n && t[p] != q && t[p] != '<')
                p++;
            if (p >= n || t[p] != q)
                break;
            if (an == 1 && (t[a] == 'i' || t[a] == 'x')) {
                unsigned k;
                int rc = ident_label(ls, t[a] == 'x', t + v, p - v, &k);
                if (rc < 0 || jisr_buf_append(b, t + copied, v - copied) < 0 ||
                    jisr_buf_printf(b, "%u", k) < 0)
                    return rc < 0 ? rc : JISR_ENOMEM;
                copied = p;
            }
            p++; /* the closing quote */
        }
    }
    if (copied && jisr_buf_append(b, t + copied, n - copied) < 0)
        return JISR_ENOMEM;
    return copied ? 1 : 0;
}

int tm_ident_hash(const char *text, size_t n, const char *const *tags, const size_t *tag_n,
                  size_t ntags, uint64_t *out)
{
    uint64_t h = tm_hash(text, n, 0x6964656e74ULL);
    ident_labels ls = {0};
    jisr_buf b = {0};
    int rc = 0;
    for (size_t i = 0; i < ntags; i++) {
        const char *t = tags[i] ? tags[i] : "";
        size_t tn = tag_n ? tag_n[i] : strlen(t);
        /* a tag whose numbering is already canonical (1, 2, … in order) hashes as its bytes:
         * the identity of every unit so numbered is what it was before tokenizer 7 */
        if ((rc = ident_canon(t, tn, &ls, &b)) < 0)
            break;
        if (rc > 0) {
            t = b.data;
            tn = b.len;
        }
        h = tm_hash(&h, sizeof h, tm_hash(t, tn, i + 1));
    }
    free(ls.e);
    free(ls.slot);
    jisr_buf_free(&b);
    if (rc < 0)
        return rc;
    *out = h;
    return 0;
}

uint64_t tm_toks_text_hash(const tm_toks *t)
{
    uint64_t h = 0x74657874ULL;
    for (size_t i = 0; i < t->n; i++) {
        h ^= t->v[i].hn + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
        h *= 0x100000001b3ULL;
    }
    return tm_hash(&h, sizeof h, t->n);
}

/* Decode one UTF-8 code point at s[i..n); invalid bytes decode as U+FFFD of length 1. */
static inline uint32_t utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned b = s[*i];
    if (b < 0x80)
        return s[(*i)++];
    if (b >= 0xC2 && b <= 0xDF && *i + 1 < n && (s[*i + 1] & 0xC0) == 0x80) {
        /* two bytes: Arabic, Latin with accents, combining marks */
        uint32_t cp = ((b & 0x1Fu) << 6) | (s[*i + 1] & 0x3Fu);
        *i += 2;
        return cp;
    }
    size_t len;
    int32_t c = jisr_utf8_decode(s, n, *i, &len);
    *i += len;
    return c < 0 ? 0xFFFD : (uint32_t)c;
}

static int char_class_icu(uint32_t c);

/* Classes of U+0000–U+07FF (ASCII, Latin, combining marks, Greek, Cyrillic, Hebrew, Arabic)
 * from a table filled once by the general rule below, so the table agrees with it exactly. */
#define CLASS_TABLE 0x800
static uint8_t g_class[CLASS_TABLE];
static pthread_once_t g_class_once = PTHREAD_ONCE_INIT;

static void class_init(void)
{
    for (uint32_t c = 0; c < CLASS_TABLE; c++)
        g_class[c] = (uint8_t)char_class_icu(c);
}

static inline int char_class(uint32_t c)
{
    return c < CLASS_TABLE ? g_class[c] : char_class_icu(c);
}

static int char_class_icu(uint32_t c)
{
    if (c == 0x00D7) /* ×: the letter x of "10×11" (= 10x11), folded to x */
        return C_LETTER;
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return C_LETTER;
        if (c >= '0' && c <= '9')
            return C_DIGIT;
        if (c <= ' ' || c == 0x7F)
            return C_SPACE;
        return C_PUNCT;
    }
    if (c >= 0xE000 && c <= 0xF8FF)
        return C_TAG;
    switch (u_charType((UChar32)c)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_OTHER_NUMBER:
    case U_LETTER_NUMBER:
        return C_LETTER;
    case U_DECIMAL_DIGIT_NUMBER:
        return C_DIGIT;
    case U_SPACE_SEPARATOR:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
    case U_CONTROL_CHAR:
        return C_SPACE;
    case U_FORMAT_CHAR:
        return C_FORMAT;
    default:
        return C_PUNCT;
    }
}

static int is_num_sep(uint32_t c)
{
    return c == '.' || c == ',' || c == 0x066B || c == 0x066C;
}

static int is_apostrophe(uint32_t c)
{
    return c == '\'' || c == 0x2019;
}

/* ---- format codes ----------------------------------------------------------------------- */

static inline int a_letter(unsigned c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline int a_digit(unsigned c)
{
    return c >= '0' && c <= '9';
}

/* skip the run of s[j..lim) whose bytes are in set */
static inline size_t skip_set(const unsigned char *s, size_t j, size_t lim, const char *set)
{
    while (j < lim && s[j] && strchr(set, s[j]))
        j++;
    return j;
}

static inline size_t skip_digits(const unsigned char *s, size_t j, size_t lim)
{
    while (j < lim && a_digit(s[j]))
        j++;
    return j;
}

/* The end of a conversion whose flags (from the set flags) start at s[j]: past its conversion
 * letter, or 0 */
static size_t conv_end(const unsigned char *s, size_t j, size_t lim, const char *flags)
{
    size_t k = skip_set(s, j, lim, flags);
    if (k < lim && s[k] == '*') { /* width from an argument, maybe positional */
        k++;
        size_t m = skip_digits(s, k, lim);
        if (m > k && m < lim && s[m] == '$')
            k = m + 1;
    } else {
        k = skip_digits(s, k, lim);
    }
    if (k < lim && s[k] == '.') { /* precision */
        k++;
        if (k < lim && s[k] == '*')
            k++;
        else
            k = skip_digits(s, k, lim);
    }
    size_t m = skip_set(s, k, lim, "hlLqjzt"); /* length modifiers */
    if (m - k > 2)
        return 0;
    if (m < lim && (a_letter(s[m]) || s[m] == '@'))
        return m + 1;     /* as printf reads it: "%dx%d" is two codes, and so "50%off" has "%o" */
    return m > k ? m : 0; /* the last of them the conversion: strftime's "%l:%M", "%h" */
}

size_t tm_code_prefix(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t j = 1, k = 2;
    if (n > 1 && s[j] == '(') { /* Python: %(name)s */
        while (k < n && (a_letter(s[k]) || a_digit(s[k]) || s[k] == '_'))
            k++;
        return k > 2 && k < n && s[k] == ')' ? k + 1 : 1;
    }
    k = skip_digits(s, j, n);
    return k > j && k < n && s[k] == '$' ? k + 1 : 1; /* positional: %1$s */
}

static inline int a_name(unsigned c)
{
    return a_letter(c) || a_digit(c) || c == '_' || c == '.';
}

/* A placeholder in braces at s[i] == '{', within s[i..lim): its length, or 0.
 * "{{name}}" / "{{ user.name }}" (Mustache, i18next, Angular, Jinja): a name between "{{" and
 * "}}", spaces around it allowed. "{name}", "{0}", "{}" (Python's format, .NET, Java's
 * MessageFormat, ICU's simple arguments, Rust): a name of ASCII letters, digits, '_' and '.' (or
 * none), then optionally a format after ',', ':' or '!' ("{0:N2}", "{1,number}", "{:.2f}",
 * "{0!r}") of printable ASCII with no brace in it, then '}'. Not "{ a }", "{{" alone, nor an ICU
 * plural ("{n, plural, one {#} …}": a brace inside). */
static size_t brace_end(const unsigned char *s, size_t i, size_t lim)
{
    size_t k = i + 1;
    if (k < lim && s[k] == '{') {
        k = skip_set(s, k + 1, lim, " ");
        size_t b = k;
        while (k < lim && a_name(s[k]))
            k++;
        if (k == b)
            return 0;
        k = skip_set(s, k, lim, " ");
        return k + 1 < lim && s[k] == '}' && s[k + 1] == '}' ? k + 2 : 0;
    }
    while (k < lim && a_name(s[k]))
        k++;
    if (k < lim && (s[k] == ',' || s[k] == ':' || s[k] == '!'))
        while (k < lim && s[k] >= ' ' && s[k] <= '~' && s[k] != '}' && s[k] != '{')
            k++;
    return k < lim && s[k] == '}' ? k + 1 : 0;
}

size_t tm_code_len(const char *str, size_t n, size_t i)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t lim = n - i > TM_CODE_MAX ? i + TM_CODE_MAX : n, j = i + 1;
    if (i >= n || j >= lim)
        return 0;
    if (s[i] == '{' || ((s[i] == '$' || s[i] == '%') && s[j] == '{')) { /* "${name}", "%{name}" */
        size_t e = brace_end(s, s[i] == '{' ? i : j, lim);
        return e ? e - i : 0;
    }
    if (s[i] != '%')
        return 0;
    j = i + tm_code_prefix(str + i, lim - i);
    if (j == i + 1 && s[j] != '0' && a_digit(s[j])) { /* Qt: %1 … %99 */
        size_t k = skip_digits(s, j, lim);            /* k < lim unless the text ends there */
        if (k - j <= 2 &&
            (k >= n || !(a_letter(s[k]) || a_digit(s[k]) || (s[k] && strchr("$.*'", s[k])))))
            return k - i;
    }
    /* flags: glibc's I (the locale's digits, "%Id" in Arabic catalogues) unless it is the
     * conversion itself (strftime's "%I"); not ' ' ("50% done") */
    size_t e = conv_end(s, j, lim, "-+#0'I");
    if (!e)
        e = conv_end(s, j, lim, "-+#0'");
    return e ? e - i : 0;
}

/* Typographic variants folded in the normal form (the surface keeps them: a byte difference
 * still costs TM_C_NORM): quotes, apostrophes, dashes, and × as the letter x. Every target is
 * ASCII, so folding never lengthens a text. */
static inline int32_t tm_fold(int32_t c)
{
    if (c < 0xAB)
        return c;
    switch (c) {
    case 0x2018: /* ‘ ’ ‛ ′ ʼ */
    case 0x2019:
    case 0x201B:
    case 0x2032:
    case 0x02BC:
        return '\'';
    case 0x201C: /* “ ” „ ‟ « » */
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x00AB:
    case 0x00BB:
        return '"';
    case 0x2010: /* ‐ ‑ ‒ – — ― − */
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
        return '-';
    case 0x00D7:
        return 'x';
    default:
        return c;
    }
}

/* tm_fold over out->data[from, len), in place */
static void fold_tail(jisr_buf *out, size_t from)
{
    unsigned char *p = (unsigned char *)out->data;
    size_t i = from, o = from;
    int any = 0;
    for (size_t k = from; k < out->len; k++)
        if (p[k] >= 0xC2) {
            any = 1;
            break;
        }
    if (!any)
        return;
    while (i < out->len) {
        size_t len;
        int32_t c = jisr_utf8_decode(p, out->len, i, &len);
        int32_t f = c >= 0 ? tm_fold(c) : c;
        if (f != c) {
            p[o++] = (unsigned char)f;
        } else {
            memmove(p + o, p + i, len);
            o += len;
        }
        i += len;
    }
    out->len = o;
    p[o] = 0;
}

int tm_tok_norm(const char *s, size_t n, jisr_buf *out)
{
    size_t i;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            break;
    if (i == n) { /* ASCII: NFKC is the identity and case folding is tolower */
        int rc = jisr_buf_reserve(out, n);
        if (rc < 0)
            return rc;
        for (i = 0; i < n; i++) {
            char c = s[i];
            out->data[out->len + i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        out->len += n;
        out->data[out->len] = '\0';
        return 0;
    }
    size_t from = out->len;
    int rc = jisr_text_normalize(s, n, TM_NORM_FLAGS, out);
    if (rc == 0)
        fold_tail(out, from);
    return rc;
}

/* Arabic letters as their two UTF-8 bytes (all in U+0600–U+06FF). */
#define AR(c) (0xD800u | (((c) >> 6) << 8) | 0x80u | ((c)&0x3Fu))

static unsigned ar_at(const unsigned char *p, size_t len, size_t k)
{
    /* k-th two-byte code point of an all-Arabic string, or 0 */
    if (2 * k + 1 >= len)
        return 0;
    return ((unsigned)p[2 * k] << 8) | p[2 * k + 1];
}

/* Strip proclitics from a normalised Arabic word; returns the offset of the key in p. */
static size_t strip_clitics(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i += 2) /* only plain two-byte Arabic letters take part */
        if (p[i] < 0xD8 || p[i] > 0xDB || i + 1 >= len)
            return 0;
    size_t L = len / 2, k = 0;
    unsigned c = ar_at(p, len, k);
    if ((c == AR(0x0648u) || c == AR(0x0641u)) && L - k - 1 >= 3) /* و ف */
        k++;
    c = ar_at(p, len, k);
    unsigned c1 = ar_at(p, len, k + 1), c2;
    if (c == AR(0x0644u) && c1 == AR(0x0644u) && L - k - 2 >= 3) { /* لل = ل + ال */
        return 2 * (k + 2);
    }
    if ((c == AR(0x0628u) || c == AR(0x0643u) || c == AR(0x0644u))) { /* ب ك ل */
        c2 = ar_at(p, len, k + 2);
        if (c1 == AR(0x0627u) && c2 == AR(0x0644u) && L - k - 3 >= 3) /* + ال */
            return 2 * (k + 3);
        if (L - k - 1 >= 4)
            return 2 * (k + 1);
        return 2 * k;
    }
    if (c == AR(0x0627u) && c1 == AR(0x0644u) && L - k - 2 >= 3) /* ال */
        return 2 * (k + 2);
    return 2 * k;
}

/* The first n ≤ 8 bytes of s as a little-endian integer (the rest zero); avail: the bytes that
 * may be read from s (the buffer's allocation), one load when there are eight. */
static inline uint64_t load_le(const unsigned char *s, size_t n, size_t avail)
{
    uint64_t v = 0;
    if (avail >= 8) {
        memcpy(&v, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap64(v);
#endif
        return n >= 8 ? v : v & (((uint64_t)1 << (8 * n)) - 1);
    }
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)s[i] << (8 * i);
    return v;
}

/* A token's signatures (tm_tok.sp, ss): only ever compared with other tokens' (a shared one lets
 * the distance try the near cost, which checks the signatures byte for byte, and the order-aware
 * filter count a possible pair), never stored, so any function of the signature's bytes does,
 * as long as it is never 0 (no signature). The vocabulary's own (tm_key_sigs, stored) costs a
 * full hash of each; this one a multiplication of the bytes as one or two words. */
static inline uint32_t sig_mix(const unsigned char *s, size_t n, size_t avail)
{
    if (n > 16)
        return (uint32_t)tm_hash(s, n, 0x70726566ULL) | 1;
    uint64_t a = load_le(s, n < 8 ? n : 8, avail);
    uint64_t b = n > 8 ? load_le(s + 8, n - 8, avail - 8) : 0;
    uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + n) * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 31;
    return (uint32_t)(h ^ (h >> 32)) | 1;
}

/* the signatures of key k[0..n), avail ≥ n bytes readable from k */
static inline void tok_sigs(const unsigned char *k, size_t n, size_t avail, uint32_t *sp,
                            uint32_t *ss)
{
    size_t i = 0, c = 3; /* the first three code points (all of a shorter key) */
    while (i < n && c) {
        i++;
        while (i < n && (k[i] & 0xC0) == 0x80)
            i++;
        c--;
    }
    *sp = sig_mix(k, i, avail);
    size_t j = n;
    c = 3; /* the last three */
    while (j > 0 && c) {
        j--;
        while (j > 0 && (k[j] & 0xC0) == 0x80)
            j--;
        c--;
    }
    *ss = sig_mix(k + j, n - j, avail - j);
}

/* Room for one more token, out of the tokenizer's loop (it runs a few times per text). */
static TM_NOINLINE int toks_grow(tm_toks *t)
{
    return JISR_GROW(t->v, t->cap, t->n + 1);
}

/* Append a token of s[start..end) whose normal form is nz[0..nzl): its hashes (the normalised
 * one from the surface when the normal form is empty) and the text's counts. */
static int emit_tok(tm_toks *t, const char *s, size_t start, size_t end, uint32_t kind,
                    const char *nz, size_t nzl)
{
    if (t->n == t->cap && toks_grow(t) < 0)
        return JISR_ENOMEM;
    tm_tok *k = &t->v[t->n];
    k->start = (uint32_t)start;
    k->end = (uint32_t)end;
    k->kind = kind;
    size_t len = end - start;
    if (t->flags & TM_TOKS_NO_SURFACE) {
        k->hs = 0;
        k->hn = tm_hash(nzl ? nz : s + start, nzl ? nzl : len, kind);
    } else {
        k->hs = tm_hash(s + start, len, kind);
        /* most tokens are their own normal form (lower-case words, digits, punctuation,
         * Arabic without harakat): then the normalised hash is the surface hash */
        if (!nzl || (nzl == len && memcmp(nz, s + start, len) == 0))
            k->hn = k->hs;
        else
            k->hn = tm_hash(nz, nzl, kind);
    }
    k->hk = k->hn;
    k->no = k->ko = nzl ? (uint32_t)(nz - t->nb.data) : 0;
    k->nl = (uint32_t)nzl;
    k->sp = k->ss = 0;
    k->kl = 0;
    k->code = 0;
    k->affix = TM_AFFIX_NONE;
    k->kp = NULL;
    if (kind == TM_WORD && nzl) {
        size_t off = strip_clitics((const unsigned char *)nz, nzl);
        if (off)
            k->hk = tm_hash(nz + off, nzl - off, kind);
        k->ko += (uint32_t)off;
        k->kl = (uint32_t)(nzl - off);
        const char *kb = nz + off; /* in t->nb: readable to its allocation's end */
        tok_sigs((const unsigned char *)kb, nzl - off, (size_t)(t->nb.data + t->nb.cap - kb),
                 &k->sp, &k->ss);
    }
    if (kind == TM_WORD)
        t->nwords++;
    if (kind == TM_WORD || kind == TM_NUMBER) {
        t->nheavy++;
        t->w100 += TM_W_WORD;
    } else if (kind == TM_TAG) {
        t->ntags++;
        t->w100 += TM_W_TAG;
    } else {
        t->nlight++;
        t->w100 += TM_W_SMALL;
    }
    t->n++;
    return 0;
}

/* A token of s[start..end) whose normal form is that of src[0..srcn) (the surface, or the surface
 * without accelerator markers), appended to t->nb. */
static int push_tok(tm_toks *t, const char *s, size_t start, size_t end, uint32_t kind,
                    const char *src, size_t srcn)
{
    size_t off = t->nb.len;
    int rc = tm_tok_norm(src, srcn, &t->nb);
    if (rc < 0)
        return rc;
    if (!t->nb.data && (rc = jisr_buf_reserve(&t->nb, 1)) < 0)
        return rc;
    return emit_tok(t, s, start, end, kind, t->nb.data + off, t->nb.len - off);
}

/* A run of two or more dots, and the ellipsis (whose NFKC form it is): one token "...". */
static int push_dots(tm_toks *t, const char *s, size_t start, size_t end)
{
    size_t off = t->nb.len;
    int rc = jisr_buf_append(&t->nb, "...", 3);
    if (rc < 0)
        return rc;
    return emit_tok(t, s, start, end, TM_PUNCT, t->nb.data + off, 3);
}

/* A format code s[start..start + len): a NUMBER token whose normal form is its surface (so
 * "%S" and "%s", "%X" and "%x" stay apart). */
static int push_code(tm_toks *t, const char *s, size_t start, size_t len)
{
    size_t off = t->nb.len;
    int rc = jisr_buf_append(&t->nb, s + start, len);
    if (rc < 0 || (rc = emit_tok(t, s, start, start + len, TM_NUMBER, t->nb.data + off, len)) < 0)
        return rc;
    t->v[t->n - 1].code = 1;
    return 0;
}

/* An accelerator marker at s[i] ('_' or '&', the caller checked): one followed by a letter, at
 * the start of a word or inside one, is part of the word and absent from its normal form
 * ("_Open", "Con_nect", "&File"). */
static inline int marker_before_letter(const unsigned char *s, size_t n, size_t i)
{
    if (i + 1 >= n)
        return 0;
    size_t j = i + 1;
    uint32_t d = s[j] < 0x80 ? s[j] : utf8_next(s, n, &j);
    return char_class(d) == C_LETTER;
}

/* ---- tags inside a word ----------------------------------------------------------------
 * A CAT tool keeps formatting that starts or ends inside a word as a tag there: "<b>S</b>ave",
 * OmegaT's "<u0>S</u0>ave" (the accelerator key underlined), Word's "Sa<i>v</i>e" or the
 * spelling marks of a DOCX. The word is still "Save": its letters on both sides of such a tag
 * are one word, without the tag in its normal form or its surface (the tag costs what a tag
 * costs, score.c, never a word). Only a <bpt>, <ept> or <it> between two letters does this, or a
 * <ph> that holds a soft hyphen or a word-break opportunity ("Soft<ph>&lt;w:softHyphen/&gt;</ph>
 * ware", jisr_tag_break); a <ph> (an image, a field) and any tag that holds a line break
 * ("line<br/>second") stay boundaries, and so does any tag next to a digit, a space or
 * punctuation, and any tag in a run that is a number glued to affixes
 * once its tags are out (numbers keep spans of their own for substitution: "و<a0>الـ2015" is the
 * number 2015 after its proclitic). */
int tm_glue_start(tm_toks *t, size_t n)
{
    t->nglue = 0;
    t->gb.len = 0;
    if (n > JISR_TAG_MAX)
        n = JISR_TAG_MAX;
    int rc = jisr_buf_reserve(&t->gb, n + 1);
    if (rc < 0)
        return rc;
    memset(t->gb.data, 0, n);
    return 0;
}

int tm_tag_glues_read(const char *m, size_t n)
{
    size_t l = n >= 4 && (memcmp(m, "<bpt", 4) == 0 || memcmp(m, "<ept", 4) == 0) ? 4
               : n >= 3 && memcmp(m, "<it", 3) == 0                               ? 3
                                                                                  : 0;
    if (l && n > l && (m[l] == '>' || m[l] == ' ' || m[l] == '\t' || m[l] == '\n' || m[l] == '\r'))
        return jisr_tag_break(m, n) != JISR_TAG_LINE; /* (OmegaT's <it>&lt;br2&gt;</it>) */
    /* a <ph> or <ut> only when it holds a soft hyphen or a word-break opportunity */
    return n >= 4 && m[0] == '<' && (m[1] == 'p' || m[1] == 'u') &&
           jisr_tag_break(m, n) == JISR_TAG_SOFT;
}

/* The answers of tm_tag_glues_read for the markups seen last, per thread: reading a tag's markup
 * (jisr_tag_break decodes its content) cost ~1,000 instructions, and every candidate a query
 * scores reads its tags again (tm_tokenize_rvar), while a memory's tags are a few markups
 * repeated ("<bpt i="1">&lt;b&gt;</bpt>"): 3 % of a query's instructions at --min 30 on the tagged
 * profile of bench_match (docs/matching.md §7.1). An entry is the whole markup, compared byte for
 * byte, so an answer is the same as reading it; a markup of fewer than 8 or more than TM_GLUE_KEY
 * bytes is read each time. 32 sets of four entries (16 KiB a thread). */
enum { TM_GLUE_SETS = 32, TM_GLUE_WAYS = 4, TM_GLUE_KEY = 126 };
typedef struct glue_ent {
    uint8_t n; /* the markup's length; 0: empty */
    uint8_t glues;
    char m[TM_GLUE_KEY];
} glue_ent;
static _Thread_local glue_ent g_glue[TM_GLUE_SETS][TM_GLUE_WAYS];

static inline uint64_t load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t mix64(uint64_t h) /* MurmurHash3's finalizer */
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 33);
}

int tm_tag_glues(const char *m, size_t n)
{
    if (n < 8 || n > TM_GLUE_KEY)
        return tm_tag_glues_read(m, n);
    /* the set: the markup's first, middle and last 8 bytes and its length */
    uint64_t h = mix64(load8(m) ^ mix64(load8(m + n / 2 - 4)) ^ mix64(load8(m + n - 8) + n));
    glue_ent *e = g_glue[h % TM_GLUE_SETS];
    for (int w = 0; w < TM_GLUE_WAYS; w++)
        if (e[w].n == n && memcmp(e[w].m, m, n) == 0)
            return e[w].glues;
    int g = tm_tag_glues_read(m, n);
    memmove(e + 1, e, (TM_GLUE_WAYS - 1) * sizeof *e); /* the newest first, the oldest out */
    e[0].n = (uint8_t)n;
    e[0].glues = (uint8_t)g;
    memcpy(e[0].m, m, n);
    return g;
}

void tm_glue_set(tm_toks *t, size_t k)
{
    t->gb.data[k] = 1;
    if (k + 1 > t->nglue)
        t->nglue = k + 1;
}

int tm_toks_glue(tm_toks *t, const tm_str *markup, size_t n)
{
    int rc = tm_glue_start(t, n);
    for (size_t k = 0; rc == 0 && k < n && k < JISR_TAG_MAX; k++)
        if (markup[k].p && tm_tag_glues(markup[k].p, markup[k].n))
            tm_glue_set(t, k);
    return rc;
}

int tm_toks_glue_cstr(tm_toks *t, char *const *tags, size_t n)
{
    int rc = tm_glue_start(t, n);
    for (size_t k = 0; rc == 0 && k < n && k < JISR_TAG_MAX; k++)
        if (tags[k] && tm_tag_glues(tags[k], strlen(tags[k])))
            tm_glue_set(t, k);
    return rc;
}

/* c is a tag that joins letters (tm_toks_glue named it) */
static inline int tag_glues(const tm_toks *t, uint32_t c)
{
    return c >= JISR_TAG_BASE && c - JISR_TAG_BASE < t->nglue && t->gb.data[c - JISR_TAG_BASE];
}

/* After a letter, at s[i]: the end of the last of a run of joining tags (format characters
 * among them and after them aside: ZWNJ, ZWJ, a soft hyphen) followed by a letter, else 0. */
static size_t glued_tags(const tm_toks *t, const unsigned char *s, size_t n, size_t i)
{
    size_t j = i, last = 0;
    while (j < n) {
        size_t k = j;
        uint32_t c = utf8_next(s, n, &k);
        if (tag_glues(t, c))
            last = k;
        else if (char_class(c) != C_FORMAT)
            return last && char_class(c) == C_LETTER ? last : 0;
        j = k;
    }
    return 0;
}

/* The last token's surface hash without the tags inside it (its accelerator markers kept), so
 * that "S<tag>ave" and "Save" differ only by the tag's penalty, not by a surface variant. */
static int surface_without_tags(tm_toks *t, const unsigned char *s, size_t start, size_t end)
{
    tm_tok *k = &t->v[t->n - 1];
    if (t->flags & TM_TOKS_NO_SURFACE)
        return 0;
    jisr_buf_reset(&t->kb);
    for (size_t i = start; i < end;) {
        size_t j = i;
        if (!tag_glues(t, utf8_next(s, end, &j))) {
            int rc = jisr_buf_append(&t->kb, s + i, j - i);
            if (rc < 0)
                return rc;
        }
        i = j;
    }
    k->hs = tm_hash(t->kb.data, t->kb.len, k->kind);
    return 0;
}

/* ---- numbers glued to affixes ------------------------------------------------------------
 * A run of letters and digits is a word, but a number glued to an Arabic proclitic ("و2",
 * "بـ5", "الـ70", "لـ2015") or to a suffix ("7407th", "5kg", "١٩٣٩م", "١٤٤١هـ") is that
 * number, a token of kind number that substitution and agreement see, and its affixes
 * (tm_tok.affix; affix_kind): "البنود 1 و2 و3" has the numbers of "Items 1, 2 and 3", and 7400th
 * against 7407th is a number substituted, not a near word with a stale number.
 * Only these affixes, read on the surface as written (docs/matching.md §1.3); a code that starts
 * with a letter or has digits after its letters ("A0x2", "H2O", "mp3", "x86", "10x11",
 * "ISO9001", "v2", "0x1F") stays a word. */

#define TM_TATWEEL 0x0640u

/* the code point U+0600–U+06FF written in two bytes at s[i] (within end), or 0 */
static inline uint32_t ar_cp(const unsigned char *s, size_t i, size_t end)
{
    if (i + 1 < end && s[i] >= 0xD8 && s[i] <= 0xDB && (s[i + 1] & 0xC0) == 0x80)
        return ((s[i] & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
    return 0;
}

/* The end of the proclitics s[start..end) starts with, and of the tatweels after them: a
 * conjunction و/ف, then a preposition ب/ك/ل, then the article ال, or لل (= ل + ال), as
 * strip_clitics reads them in a word; start when there is none. */
static size_t proclitics_end(const unsigned char *s, size_t start, size_t end)
{
    size_t i = start;
    uint32_t c = ar_cp(s, i, end);
    if (c == 0x0648 || c == 0x0641) /* و ف */
        c = ar_cp(s, i += 2, end);
    if (c == 0x0644 && ar_cp(s, i + 2, end) == 0x0644) { /* لل */
        i += 4;
    } else {
        if (c == 0x0628 || c == 0x0643 || c == 0x0644) /* ب ك ل */
            c = ar_cp(s, i += 2, end);
        if (c == 0x0627 && ar_cp(s, i + 2, end) == 0x0644) /* ال */
            i += 4;
    }
    if (i == start)
        return start;
    while (ar_cp(s, i, end) == TM_TATWEEL)
        i += 2;
    return i;
}

/* the end of the number at s[i..end) (digits with separators between them), i when none */
static size_t digits_end(const unsigned char *s, size_t i, size_t end)
{
    size_t last = i;
    int any = 0;
    while (i < end) {
        size_t j = i;
        uint32_t c = utf8_next(s, end, &j);
        if (char_class(c) == C_DIGIT) {
            last = j;
            any = 1;
        } else if (!(any && last == i && is_num_sep(c))) { /* a separator right after a digit */
            break;
        }
        i = j;
    }
    return last;
}

/* The affix kind of the suffix s[i..end) after a number: an English ordinal suffix (st, nd,
 * rd, th), a unit (kg, km, px, ms, GB, x …: ASCII letters in any case, or ×; not a lone "m" or
 * "g": model names end so, "KB-16M", "5G"), an Arabic era
 * (م, هـ) or unit (كم, كغ, كجم, سم, مم), tatweels after its first letter left out;
 * TM_AFFIX_NONE for anything else. */
static int suffix_kind(const unsigned char *s, size_t i, size_t end)
{
    static const char *const ordinals[] = {"st", "nd", "rd", "th"};
    static const char *const units[] = {"kg", "mg", "km", "cm", "mm",  "px",  "pt",  "em",  "ms",
                                        "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "x"};
    /* Arabic ones as their letters' code points (at most three), 0-terminated */
    static const uint16_t arabic[][4] = {{0x0645},
                                         {0x0647},
                                         {0x0643, 0x0645},
                                         {0x0643, 0x063A},
                                         {0x0643, 0x062C, 0x0645},
                                         {0x0633, 0x0645},
                                         {0x0645, 0x0645}};
    size_t n = end - i;
    if (n == 2 && s[i] == 0xC3 && s[i + 1] == 0x97) /* × */
        return TM_AFFIX_SUFFIX;
    if (a_letter(s[i])) {
        char low[4];
        if (n > 3)
            return TM_AFFIX_NONE;
        for (size_t k = 0; k < n; k++) {
            if (!a_letter(s[i + k]))
                return TM_AFFIX_NONE;
            low[k] = (char)(s[i + k] | 0x20);
        }
        low[n] = '\0';
        for (size_t k = 0; k < sizeof ordinals / sizeof *ordinals; k++)
            if (strcmp(low, ordinals[k]) == 0)
                return TM_AFFIX_ORDINAL;
        for (size_t k = 0; k < sizeof units / sizeof *units; k++)
            if (strcmp(low, units[k]) == 0)
                return TM_AFFIX_SUFFIX;
        return TM_AFFIX_NONE;
    }
    uint16_t cp[4] = {0};
    size_t m = 0;
    for (; i < end; i += 2) {
        uint32_t c = ar_cp(s, i, end);
        if (c == TM_TATWEEL && m > 0)
            continue;
        if (!c || m == 3)
            return TM_AFFIX_NONE;
        cp[m++] = (uint16_t)c;
    }
    for (size_t k = 0; k < sizeof arabic / sizeof *arabic; k++)
        if (memcmp(cp, arabic[k], sizeof cp) == 0)
            return TM_AFFIX_SUFFIX;
    return TM_AFFIX_NONE;
}

/* The token kind of a suffix: a unit or an era is a word (glued or not: "5kg" is "5 kg", "١٩٣٩م"
 * "١٩٣٩ م"); an ordinal suffix, like a proclitic, is its number's and weighs what punctuation
 * does */
static inline uint32_t affix_kind(int sk)
{
    return sk == TM_AFFIX_SUFFIX ? TM_WORD : TM_PUNCT;
}

/* s[start..end), a run of letters and digits with a letter in it: 1 when it is a number glued
 * to affixes, with the number's span [*d0, *d1) and the suffix's kind *sk (TM_AFFIX_NONE when
 * it has none); 0 when it is a word */
static int glued_number(const unsigned char *s, size_t start, size_t end, size_t *d0, size_t *d1,
                        int *sk)
{
    size_t p = proclitics_end(s, start, end), e = digits_end(s, p, end);
    if (e == p || (p == start && e == end))
        return 0;
    *sk = e < end ? suffix_kind(s, e, end) : TM_AFFIX_NONE;
    if (e < end && *sk == TM_AFFIX_NONE)
        return 0;
    *d0 = p;
    *d1 = e;
    return 1;
}

/* ---- one pass --------------------------------------------------------------------------
 * tm_tokenize_ref below reads each code point to find the boundaries, then normalises every token
 * on its own (a call into the text layer per token: its setup cost more than the work for
 * tokens of a few letters). Here each code point is classified and normalised as it is read, by
 * the text layer's per-code-point table (jisr_norm_cp), and a token's normal form is the slice
 * of the text's normalised bytes it produced; the text layer guarantees the two agree when no
 * code point needs ICU. Any code point that does (but a default-ignorable one, which the normal
 * form deletes wherever it stands: ignorable), or invalid UTF-8, sends the whole text to
 * tm_tokenize_ref. A word with joining tags inside is read here too, as tm_tokenize_ref reads it
 * (glued_word; until session 37 such a text went to tm_tokenize_ref: a fifth of the texts of
 * bench_match's tagged profile). tests/test_tm.c compares both on every test text and on random
 * strings. */

/* the next code point at s[*i] (advancing *i), or -1 for invalid UTF-8 */
static inline int32_t cp_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned b = s[*i];
    if (b < 0x80) {
        (*i)++;
        return (int32_t)b;
    }
    if (b >= 0xC2 && b <= 0xDF && *i + 1 < n && (s[*i + 1] & 0xC0) == 0x80) {
        int32_t cp = (int32_t)(((b & 0x1Fu) << 6) | (s[*i + 1] & 0x3Fu));
        *i += 2;
        return cp;
    }
    size_t len;
    int32_t c = jisr_utf8_decode(s, n, *i, &len);
    *i += len;
    return c;
}

/* c, which the text layer's table says needs ICU in context: 1 when the normal form deletes it
 * wherever it stands, a default-ignorable code point (ZWNJ, ZWJ, a soft hyphen, U+200B, U+2060,
 * U+FEFF, the bidi marks, a variation selector …: NFKC_Casefold deletes exactly these, checked
 * over every code point in test_tm). The table cannot say so on its own: deleting one lets the
 * code points on either side compose (e, ZWNJ, U+0301 normalises to é), so no boundary is before
 * or after it. Here every other code point of the token has a boundary before it (else the text
 * went to tm_tokenize_ref), and normalize(x Z y) = normalize(x y), so the token's normal form is
 * still the concatenation of its code points' with Z's empty: Persian's and Arabic's words with
 * a ZWNJ inside, English's with a soft hyphen from Word or a PDF are read here as tm_tokenize_ref
 * reads them through ICU (until session 38 such a text went whole to tm_tokenize_ref). Out of
 * line: reached on this rare path only. */
static TM_NOINLINE int ignorable(uint32_t c)
{
    return u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

/* append the normal form of c to o: the new end, or NULL when c needs ICU */
static inline char *norm_put(const jisr_norm_cps *h, uint32_t c, char *o)
{
    int v = jisr_norm_cp(h, c);
    if (v >= 0)
        v = tm_fold(v);
    if (v >= 0x80) {
        if (v < 0x800) {
            *o++ = (char)(0xC0 | (v >> 6));
        } else {
            *o++ = (char)(0xE0 | (v >> 12));
            *o++ = (char)(0x80 | ((v >> 6) & 0x3F));
        }
        *o++ = (char)(0x80 | (v & 0x3F));
    } else if (v >= 0) {
        *o++ = (char)v;
    } else if (v == JISR_NORM_CP_SLOW) {
        return ignorable(c) ? o : NULL; /* deleted, or the text goes to tm_tokenize_ref */
    }
    return o;
}

/* The commonest code points inside a word, looked up in one table each, built from char_class
 * and jisr_norm_cp (so they cannot disagree with the general path): ASCII letters and digits
 * (entry: the normalised byte, bit 7 set for a letter; 0 = take the general path) and U+0600–
 * U+06FF (class, normal form in UTF-8). */
typedef struct ar_ent {
    uint8_t ok; /* 1: a letter, digit or format character that normalises without ICU */
    uint8_t cls, len;
    char out[3];
} ar_ent;
static uint8_t g_ascii_run[128];
static ar_ent g_ar_run[256];
static pthread_once_t g_run_once = PTHREAD_ONCE_INIT;

static void run_init(void)
{
    jisr_norm_cps h;
    pthread_once(&g_class_once, class_init);
    if (jisr_text_norm_cps(TM_NORM_FLAGS, &h) != 0)
        return; /* the tables stay empty: every code point takes the general path */
    for (uint32_t b = 0; b < 128; b++) {
        int cls = char_class(b), v = jisr_norm_cp(&h, b);
        if ((cls == C_LETTER || cls == C_DIGIT) && v > 0 && v < 0x80)
            g_ascii_run[b] = (uint8_t)(v | (cls == C_LETTER ? 0x80 : 0));
    }
    for (uint32_t k = 0; k < 256; k++) {
        uint32_t c = 0x600 + k;
        int cls = char_class(c), v = jisr_norm_cp(&h, c);
        ar_ent *e = &g_ar_run[k];
        if ((cls != C_LETTER && cls != C_DIGIT && cls != C_FORMAT) || v == JISR_NORM_CP_SLOW)
            continue;
        e->ok = 1;
        e->cls = (uint8_t)cls;
        if (v != JISR_NORM_CP_DELETED)
            e->len = (uint8_t)(norm_put(&h, c, e->out) - e->out);
    }
}

/* the length of the normal form of s[i..end) (*len), code point by code point; 0 when one of them
 * needs ICU */
static int norm_span(const jisr_norm_cps *h, const unsigned char *s, size_t i, size_t end,
                     size_t *len)
{
    char tmp[4];
    *len = 0;
    while (i < end) {
        int32_t c = cp_next(s, end, &i);
        char *e;
        if (c < 0 || !(e = norm_put(h, (uint32_t)c, tmp)))
            return 0;
        *len += (size_t)(e - tmp);
    }
    return 1;
}

/* The tokens of the glued number s[start..end) whose number is s[d0..d1) (glued_number), its
 * normal form nz[0..nzl) of which the first np bytes are the prefix's and the last ns the
 * suffix's: the prefix, the number, the suffix. */
static int emit_glued(tm_toks *t, const char *s, size_t start, size_t d0, size_t d1, size_t end,
                      int sk, const char *nz, size_t nzl, size_t np, size_t ns)
{
    int rc;
    if (d0 > start) {
        if ((rc = emit_tok(t, s, start, d0, TM_PUNCT, nz, np)) < 0)
            return rc;
        t->v[t->n - 1].affix = TM_AFFIX_PREFIX;
    }
    if ((rc = emit_tok(t, s, d0, d1, TM_NUMBER, nz + np, nzl - np - ns)) < 0)
        return rc;
    if (end > d1) {
        if ((rc = emit_tok(t, s, d1, end, affix_kind(sk), nz + nzl - ns, ns)) < 0)
            return rc;
        t->v[t->n - 1].affix = (uint16_t)sk;
    }
    return 0;
}

/* a run with letters and digits: glued_number reads no other (tokenize_fused's seen) */
#define RUN_MIXED ((1u << C_LETTER) | (1u << C_DIGIT))
/* more of seen: the run has an accelerator marker, tags inside (kept in seen, the loop's
 * registers are few) */
#define RUN_MARK (1u << 8)
#define RUN_GLUED (1u << 9)

/* t->kb: the word s[start..end) as tm_tokenize_ref collects it when it has tags inside and no
 * accelerator marker, its surface without each run of joining tags (from the tag after a letter to
 * the end of the run's last tag, glued_tags: format characters between its tags out, those after
 * it kept), for glued_number to read as tm_tokenize_ref does. */
static int raw_without_tags(tm_toks *t, const unsigned char *s, size_t n, size_t start, size_t end)
{
    jisr_buf_reset(&t->kb);
    for (size_t i = start; i < end;) {
        size_t j = i, g;
        if (char_class(utf8_next(s, n, &j)) == C_TAG && (g = glued_tags(t, s, n, i)) > i) {
            i = g;
            continue;
        }
        int rc = jisr_buf_append(&t->kb, s + i, j - i);
        if (rc < 0)
            return rc;
        i = j;
    }
    return 0;
}

/* The word s[start..end) with tags inside (RUN_GLUED in seen), its normal form nz[0..nzl): 0 when
 * it is emitted, a word with its surface hash read without the tags; 1 when it is a number glued
 * to affixes once its tags are out, which tm_tokenize_ref reads again with its tags as boundaries
 * ("5k<b>g</b>", "و<a0>الـ2015"), and so must the caller; <0 on error. Out of tokenize_fused's
 * loop, whose registers are few. */
static TM_NOINLINE int glued_word(tm_toks *out, const char *str, size_t n, size_t start, size_t end,
                                  unsigned seen, const char *nz, size_t nzl)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t d0, d1;
    int rc, sk;
    if ((seen & (RUN_MARK | 1u << C_DIGIT)) == 1u << C_DIGIT) {
        if ((rc = raw_without_tags(out, s, n, start, end)) < 0)
            return rc;
        if (glued_number((const unsigned char *)out->kb.data, 0, out->kb.len, &d0, &d1, &sk))
            return 1;
    }
    if ((rc = emit_tok(out, str, start, end, TM_WORD, nz, nzl)) < 0 ||
        (rc = surface_without_tags(out, s, start, end)) < 0)
        return rc;
    return 0;
}

/* 1 when done; 0 when the text needs tm_tokenize_ref; <0 on error */
static int tokenize_fused(const char *str, size_t n, tm_toks *out, const jisr_norm_cps *h)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, noglue = 0; /* tags before noglue part words, as in tm_tokenize_ref */
    int rc;
    out->n = 0;
    out->nwords = 0;
    out->nheavy = 0;
    out->nlight = 0;
    out->ntags = 0;
    out->w100 = 0;
    jisr_buf_reset(&out->nb);
    /* a code point normalises to one BMP code point at most: 3 bytes per input byte bound it */
    if (n > (SIZE_MAX - 16) / 3)
        return 0;
    if ((rc = jisr_buf_reserve(&out->nb, 3 * n + 8)) < 0)
        return rc;
    char *nb = out->nb.data, *o = nb;
    while (i < n) {
        size_t start = i;
        int32_t c = cp_next(s, n, &i);
        if (c < 0)
            return 0;
        int cls = char_class((uint32_t)c);
        if (cls == C_SPACE || cls == C_FORMAT)
            continue;
        char *nz = o;
        size_t cl;
        if (tm_code_start((uint32_t)c) && (cl = tm_code_len(str, n, start)) > 0) {
            /* a format code or placeholder */
            memcpy(o, str + start, cl); /* within the reservation */
            o += cl;
            i = start + cl;
            if ((rc = emit_tok(out, str, start, i, TM_NUMBER, nz, cl)) < 0)
                return rc;
            out->v[out->n - 1].code = 1;
            continue;
        }
        int marker = (c == '_' || c == '&') && marker_before_letter(s, n, start);
        if (c == '.' && i < n && s[i] == '.') { /* a run of dots */
            while (i < n && s[i] == '.')
                i++;
            memcpy(o, "...", 3); /* within the reservation: two input bytes at least */
            o += 3;
            if ((rc = emit_tok(out, str, start, i, TM_PUNCT, nz, 3)) < 0)
                return rc;
            continue;
        }
        if (marker)
            cls = C_LETTER; /* starts a word, writes nothing */
        else if (!(o = norm_put(h, (uint32_t)c, o)))
            return 0;
        if (cls == C_TAG || cls == C_PUNCT) {
            if ((rc = emit_tok(out, str, start, i, cls == C_TAG ? TM_TAG : TM_PUNCT, nz,
                               (size_t)(o - nz))) < 0)
                return rc;
            continue;
        }
        /* a run of letters/digits, as tm_tokenize_ref */
        unsigned seen = 1u << cls | (marker ? RUN_MARK : 0); /* bit C_LETTER, C_DIGIT … */
        int prev = cls;
        size_t end = i;
        while (i < n) {
            unsigned b0 = s[i];
            if (b0 < 0x80) { /* an ASCII letter or digit */
                unsigned e = g_ascii_run[b0];
                if (e) {
                    *o++ = (char)(e & 0x7F);
                    prev = (e & 0x80) ? C_LETTER : C_DIGIT;
                    seen |= 1u << prev;
                    end = ++i;
                    continue;
                }
            } else if (b0 >= 0xD8 && b0 <= 0xDB && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
                const ar_ent *e = &g_ar_run[((b0 - 0xD8) << 6) | (s[i + 1] & 0x3Fu)];
                if (e->ok) {              /* an Arabic letter, mark or digit */
                    memcpy(o, e->out, 3); /* within the reservation: 3 bytes per input byte */
                    o += e->len;
                    if (e->cls != C_FORMAT) {
                        prev = e->cls;
                        seen |= 1u << prev;
                    }
                    i += 2;
                    end = i;
                    continue;
                }
            }
            size_t j = i;
            int32_t d = cp_next(s, n, &j);
            if (d < 0)
                return 0;
            int dc = char_class((uint32_t)d);
            if (dc == C_LETTER || dc == C_DIGIT || dc == C_FORMAT) {
                seen |= 1u << dc;
                if (dc != C_FORMAT)
                    prev = dc;
                if (!(o = norm_put(h, (uint32_t)d, o)))
                    return 0;
                i = j;
                end = j;
                continue;
            }
            if ((d == '_' || d == '&') && prev == C_LETTER && marker_before_letter(s, n, i)) {
                seen |= RUN_MARK;
                i = j; /* an accelerator marker inside the word */
                continue;
            }
            size_t g;
            if (dc == C_TAG && prev == C_LETTER && out->nglue && i >= noglue &&
                (g = glued_tags(out, s, n, i))) {
                seen |= RUN_GLUED; /* tags inside the word: not in its normal form or surface */
                i = g;
                continue;
            }
            if ((is_num_sep((uint32_t)d) && prev == C_DIGIT) ||
                (is_apostrophe((uint32_t)d) && prev == C_LETTER)) {
                size_t m = j;
                if (m < n) {
                    int32_t e = cp_next(s, n, &m);
                    if (e < 0)
                        return 0;
                    int ec = char_class((uint32_t)e);
                    if ((is_num_sep((uint32_t)d) && ec == C_DIGIT) ||
                        (is_apostrophe((uint32_t)d) && ec == C_LETTER)) {
                        if (!(o = norm_put(h, (uint32_t)d, o)))
                            return 0;
                        i = j;
                        continue;
                    }
                }
            }
            break;
        }
        size_t d0, d1, np, ns;
        int sk;
        /* most runs are words of letters alone: one test, then emit_tok */
        if (seen & (RUN_GLUED | 1u << C_DIGIT)) {
            if (seen & RUN_GLUED) {
                if ((rc = glued_word(out, str, n, start, end, seen, nz, (size_t)(o - nz))) < 0)
                    return rc;
                if (rc) { /* read again with its tags as boundaries */
                    noglue = end;
                    i = start;
                    o = nz;
                }
                continue;
            }
            if ((seen & RUN_MIXED) == RUN_MIXED && glued_number(s, start, end, &d0, &d1, &sk)) {
                if (!norm_span(h, s, start, d0, &np) || !norm_span(h, s, d1, end, &ns))
                    return 0;
                if ((rc = emit_glued(out, str, start, d0, d1, end, sk, nz, (size_t)(o - nz), np,
                                     ns)) < 0)
                    return rc;
                continue;
            }
        }
        if ((rc = emit_tok(out, str, start, end, (seen & (1u << C_LETTER)) ? TM_WORD : TM_NUMBER,
                           nz, (size_t)(o - nz))) < 0)
            return rc;
    }
    out->nb.len = (size_t)(o - nb);
    *o = '\0';
    return 1;
}

/* the tokens' key pointers, once nb no longer moves */
static void set_keys(tm_toks *t)
{
    for (size_t k = 0; k < t->n; k++)
        t->v[k].kp = t->nb.data ? t->nb.data + t->v[k].ko : "";
}

int tm_tokenize_fused(const char *str, size_t n, tm_toks *out)
{
    jisr_norm_cps h;
    pthread_once(&g_class_once, class_init);
    pthread_once(&g_run_once, run_init);
    int rc = jisr_text_norm_cps(TM_NORM_FLAGS, &h);
    rc = rc != 0 ? (rc < 0 ? rc : 0) : tokenize_fused(str, n, out, &h);
    if (rc == 1)
        set_keys(out);
    return rc;
}

int tm_tokenize(const char *str, size_t n, tm_toks *out)
{
    int rc = tm_tokenize_fused(str, n, out);
    if (rc == 0)
        rc = tm_tokenize_ref(str, n, out);
    out->nglue = 0; /* the glue was this text's */
    return rc < 0 ? rc : 0;
}

int tm_tokenize_ref(const char *str, size_t n, tm_toks *out)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, noglue = 0; /* tags before noglue part words: a run read again (below) */
    int rc;
    pthread_once(&g_class_once, class_init);
    out->n = 0;
    out->nwords = 0;
    out->nheavy = 0;
    out->nlight = 0;
    out->ntags = 0;
    out->w100 = 0;
    jisr_buf_reset(&out->nb);
    while (i < n) {
        size_t start = i;
        uint32_t c = utf8_next(s, n, &i);
        int cls = char_class(c);
        if (cls == C_SPACE || cls == C_FORMAT)
            continue;
        size_t cl;
        if (tm_code_start((uint32_t)c) && (cl = tm_code_len(str, n, start)) > 0) {
            if ((rc = push_code(out, str, start, cl)) < 0)
                return rc;
            i = start + cl;
            continue;
        }
        if (c == '.' && i < n && s[i] == '.') {
            while (i < n && s[i] == '.')
                i++;
            if ((rc = push_dots(out, str, start, i)) < 0)
                return rc;
            continue;
        }
        int marker = (c == '_' || c == '&') && marker_before_letter(s, n, start);
        if (cls == C_TAG && !marker) {
            if ((rc = push_tok(out, str, start, i, TM_TAG, str + start, i - start)) < 0)
                return rc;
            continue;
        }
        if (cls == C_PUNCT && !marker) {
            if ((rc = push_tok(out, str, start, i, TM_PUNCT, str + start, i - start)) < 0)
                return rc;
            continue;
        }
        /* a run of letters/digits; with accelerator markers, its surface without them is
         * collected in kb and normalised instead */
        int has_letter = cls == C_LETTER, has_digit = cls == C_DIGIT;
        int prev = marker ? C_LETTER : cls;
        size_t end = i, nmarkers = marker, nglued = 0;
        jisr_buf_reset(&out->kb);
        if (!marker && (rc = jisr_buf_append(&out->kb, s + start, i - start)) < 0)
            return rc;
        while (i < n) {
            size_t j = i;
            uint32_t d = utf8_next(s, n, &j);
            int dc = char_class(d);
            if (dc == C_LETTER || dc == C_DIGIT || dc == C_FORMAT) {
                has_letter |= dc == C_LETTER;
                has_digit |= dc == C_DIGIT;
                if (dc != C_FORMAT)
                    prev = dc;
                if ((rc = jisr_buf_append(&out->kb, s + i, j - i)) < 0)
                    return rc;
                i = j;
                end = j;
                continue;
            }
            if ((d == '_' || d == '&') && prev == C_LETTER && marker_before_letter(s, n, i)) {
                nmarkers++;
                i = j;
                continue;
            }
            size_t g;
            if (dc == C_TAG && prev == C_LETTER && out->nglue && i >= noglue &&
                (g = glued_tags(out, s, n, i))) {
                nglued++; /* tags inside the word: neither its normal form nor its surface */
                i = g;
                continue;
            }
            if ((is_num_sep(d) && prev == C_DIGIT) || (is_apostrophe(d) && prev == C_LETTER)) {
                size_t m = j;
                if (m < n) {
                    uint32_t e = utf8_next(s, n, &m);
                    int ec = char_class(e);
                    if ((is_num_sep(d) && ec == C_DIGIT) || (is_apostrophe(d) && ec == C_LETTER)) {
                        if ((rc = jisr_buf_append(&out->kb, s + i, j - i)) < 0)
                            return rc;
                        i = j;
                        continue;
                    }
                }
            }
            break;
        }
        size_t d0, d1;
        int sk;
        if (nglued && has_digit && !nmarkers &&
            glued_number((const unsigned char *)out->kb.data, 0, out->kb.len, &d0, &d1, &sk)) {
            /* a number glued to affixes once its tags are out ("و<a0>الـ2015", "5k<b>g</b>"):
             * the run is read with its tags as boundaries, as before version 6, so that the
             * number keeps a span of its own for substitution (a code word such as
             * "A<b>B</b>C1x2" stays one word) */
            noglue = end;
            i = start;
            continue;
        }
        if (has_letter && has_digit && !nmarkers && !nglued &&
            glued_number(s, start, end, &d0, &d1, &sk)) {
            if (d0 > start) { /* each part normalised on its own, as the one-pass path does */
                if ((rc = push_tok(out, str, start, d0, TM_PUNCT, str + start, d0 - start)) < 0)
                    return rc;
                out->v[out->n - 1].affix = TM_AFFIX_PREFIX;
            }
            if ((rc = push_tok(out, str, d0, d1, TM_NUMBER, str + d0, d1 - d0)) < 0)
                return rc;
            if (end > d1) {
                if ((rc = push_tok(out, str, d1, end, affix_kind(sk), str + d1, end - d1)) < 0)
                    return rc;
                out->v[out->n - 1].affix = (uint16_t)sk;
            }
            continue;
        }
        const char *src = nmarkers || nglued ? out->kb.data : str + start;
        size_t srcn = nmarkers || nglued ? out->kb.len : end - start;
        if ((rc = push_tok(out, str, start, end, has_letter ? TM_WORD : TM_NUMBER, src, srcn)) < 0)
            return rc;
        if (nglued && (rc = surface_without_tags(out, s, start, end)) < 0)
            return rc;
    }
    set_keys(out);
    return 0;
}

void tm_toks_free(tm_toks *t)
{
    if (!t)
        return;
    free(t->v);
    jisr_buf_free(&t->nb);
    jisr_buf_free(&t->kb);
    jisr_buf_free(&t->gb);
    memset(t, 0, sizeof *t);
}
