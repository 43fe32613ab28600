/*
 * tokenize.c — word tokens with byte spans.
 *
 * ICU's word break iterator (UAX #29 plus ICU's tailoring) decides what a word is, in every
 * script: it runs directly over the UTF-8 input through a UText, so its boundaries are byte
 * offsets, and one iterator is kept per tokenizer and re-pointed with ubrk_setUText (opening one
 * costs far more than a sentence). Before ICU sees the text, a byte scan finds the spans UAX #29
 * would cut up: URLs (scheme://…, www.…) and e-mail addresses; ICU then runs on the gaps between
 * them. Afterwards, a number, one separator (, . U+066B U+066C) and a number that touch are merged,
 * so 1,234.5 / ٣٫٥ / 7,7 / ١٬٢٣٤ are one token whatever ICU decides about a digit system. Each
 * private-use code point (U+E000–U+F8FF, the inline-tag placeholders of the formats layer) is its
 * own token, which ICU already guarantees (they are Word_Break=Other); they are only labelled.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "text/text.h"
#include "text/text_int.h"

int txt_tok_force_icu;

static pthread_once_t g_class_once;
static void init_classes(void);

struct jisr_tokenizer {
    UBreakIterator *bi;
    UText ut;
};

int jisr_tokenizer_new(jisr_tokenizer **out)
{
    if (!out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tokenizer_new: out is NULL");
    *out = NULL;
    jisr_tokenizer *tk = calloc(1, sizeof *tk);
    if (!tk)
        return jisr_oom(0);
    UText init = UTEXT_INITIALIZER;
    tk->ut = init;
    UErrorCode st = U_ZERO_ERROR;
    tk->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    if (U_FAILURE(st)) {
        free(tk);
        return jisr_error_set(JISR_EICU, NULL, 0, 0, "cannot open ICU word break iterator: %s",
                              u_errorName(st));
    }
    pthread_once(&g_class_once, init_classes);
    *out = tk;
    return 0;
}

void jisr_tokenizer_free(jisr_tokenizer *tk)
{
    if (!tk)
        return;
    ubrk_close(tk->bi);
    utext_close(&tk->ut);
    free(tk);
}

void jisr_tokens_free(jisr_tokens *t)
{
    if (!t)
        return;
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

static int push(jisr_tokens *out, size_t start, size_t end, jisr_tok_kind kind)
{
    int rc;
    if ((rc = JISR_GROW(out->v, out->cap, out->n + 1)) < 0)
        return rc;
    out->v[out->n].start = start;
    out->v[out->n].end = end;
    out->v[out->n].kind = kind;
    out->n++;
    return 0;
}

/* ---- URLs and e-mail addresses ------------------------------------------------------------- */

static int is_alnum(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Characters a URL may contain (RFC 3986 plus '%'); non-ASCII ends a URL. */
static int is_url_char(unsigned c)
{
    if (c <= 0x20 || c >= 0x7F)
        return 0;
    return !strchr("<>\"{}|\\^`", (int)c);
}

/* End of the URL whose body starts at i: URL characters, minus trailing punctuation and
 * unbalanced closing brackets. */
static size_t url_end(const unsigned char *s, size_t n, size_t i)
{
    size_t e = i;
    while (e < n && is_url_char(s[e]))
        e++;
    for (;;) {
        if (e <= i)
            break;
        unsigned c = s[e - 1];
        if (strchr(".,;:!?'*", (int)c)) {
            e--;
            continue;
        }
        if (c == ')' || c == ']') {
            unsigned open = c == ')' ? '(' : '[';
            long depth = 0;
            for (size_t k = i; k < e; k++)
                depth += s[k] == open ? 1 : s[k] == c ? -1 : 0;
            if (depth < 0) {
                e--;
                continue;
            }
        }
        break;
    }
    return e;
}

/* A host name "label.label…" starting at i: returns its end (0 when it has no dot between
 * alphanumeric labels). The last label needs two letters. */
static size_t host_end(const unsigned char *s, size_t n, size_t i)
{
    size_t e = i;
    while (e < n && (is_alnum(s[e]) || s[e] == '.' || s[e] == '-'))
        e++;
    while (e > i && (s[e - 1] == '.' || s[e - 1] == '-'))
        e--;
    size_t dot = 0;
    for (size_t k = i; k < e; k++)
        if (s[k] == '.')
            dot = k;
    if (dot == 0 || dot == i || !is_alnum(s[dot - 1]) || e - dot < 3)
        return 0;
    for (size_t k = dot + 1; k < e; k++)
        if (!((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z'))
            return 0;
    return e;
}

/* Looks at the special character at s[i]; on a match sets [*a, *b) and returns its kind. */
static jisr_tok_kind special_at(const unsigned char *s, size_t n, size_t i, size_t lo, size_t *a,
                                size_t *b)
{
    unsigned c = s[i];
    if (c == ':') {
        if (i + 3 > n || s[i + 1] != '/' || s[i + 2] != '/')
            return 0;
        size_t k = i;
        while (k > lo &&
               (is_alnum(s[k - 1]) || s[k - 1] == '+' || s[k - 1] == '-' || s[k - 1] == '.'))
            k--;
        while (k < i && !((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z'))
            k++;
        if (i - k < 2 || i - k > 16)
            return 0;
        size_t e = url_end(s, n, i + 3);
        if (e <= i + 3)
            return 0;
        *a = k;
        *b = e;
        return JISR_TOK_URL;
    }
    if (c == '.') {
        /* "www." at the start of a word */
        if (i < lo + 3 || (s[i - 1] | 0x20) != 'w' || (s[i - 2] | 0x20) != 'w' ||
            (s[i - 3] | 0x20) != 'w')
            return 0;
        if (i > lo + 3) {
            unsigned p = s[i - 4];
            if (is_alnum(p) || p == '.' || p == '-' || p == '_' || p == '@' || p == '/')
                return 0;
        }
        if (!host_end(s, n, i + 1))
            return 0;
        *a = i - 3;
        *b = url_end(s, n, i + 1);
        return JISR_TOK_URL;
    }
    if (c == '@') {
        size_t k = i;
        while (k > lo && (is_alnum(s[k - 1]) || strchr("._%+-", s[k - 1])))
            k--;
        while (k < i && s[k] == '.')
            k++;
        if (k == i || s[i - 1] == '.')
            return 0;
        size_t e = host_end(s, n, i + 1);
        if (!e)
            return 0;
        *a = k;
        *b = e;
        return JISR_TOK_EMAIL;
    }
    return 0;
}

/* ---- ICU segments ------------------------------------------------------------------------- */

static int is_sep(const unsigned char *s, size_t a, size_t b)
{
    if (b - a == 1)
        return s[a] == ',' || s[a] == '.';
    /* U+066B ARABIC DECIMAL SEPARATOR, U+066C ARABIC THOUSANDS SEPARATOR */
    return b - a == 2 && s[a] == 0xD9 && (s[a + 1] == 0xAB || s[a + 1] == 0xAC);
}

/* Adds a token; a NUMBER that follows NUMBER + separator without a gap joins them. */
static int add_token(jisr_tokens *out, const unsigned char *s, size_t a, size_t b,
                     jisr_tok_kind kind)
{
    if (kind == JISR_TOK_NUMBER && out->n >= 2) {
        jisr_token *sep = &out->v[out->n - 1], *num = &out->v[out->n - 2];
        if (num->kind == JISR_TOK_NUMBER && num->end == sep->start && sep->end == a &&
            sep->kind == JISR_TOK_PUNCT && is_sep(s, sep->start, sep->end)) {
            num->end = b;
            out->n--;
            return 0;
        }
    }
    return push(out, a, b, kind);
}

static int is_arabic_letter(UChar32 c)
{
    return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) || c == 0x06D5 ||
           (c >= 0x06FA && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F);
}

static int is_letter(UChar32 c)
{
    if (c < 0x80)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return u_isalpha(c);
}

static int is_digit(UChar32 c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return u_isdigit(c);
}

/* character properties for token kinds (P_OTHER_LETTER: a letter outside the Arabic script) */
enum { P_LETTER = 1, P_DIGIT = 2, P_ARABIC = 4, P_SPACE = 8, P_PUNCT = 16, P_OTHER_LETTER = 32 };

static unsigned props_slow(UChar32 c)
{
    unsigned p = 0;
    if (is_digit(c))
        p |= P_DIGIT;
    else if (is_letter(c))
        p |= P_LETTER | (is_arabic_letter(c) ? P_ARABIC : P_OTHER_LETTER);
    if (u_isUWhiteSpace(c))
        p |= P_SPACE;
    if (u_ispunct(c))
        p |= P_PUNCT;
    return p;
}

#define CLASS_MAX 0x3000
/* per code point below CLASS_MAX: props_slow() << 8 | word-break class of the fast path */
static uint16_t g_info[CLASS_MAX];

static inline unsigned props(UChar32 c)
{
    return c >= 0 && c < CLASS_MAX ? g_info[c] >> 8 : props_slow(c);
}

/* ICU keeps letters and digits together (UAX #29 WB9/WB10), right for "A4" or "MP3" but not for
 * Arabic, where a one-letter conjunction or preposition is written joined to the number that
 * follows (و١٬٢٣٤ "and 1,234", ب2015 "in 2015") and a unit or era letter may follow it
 * (٢٠١٥م). A word made only of Arabic letters, digits and marks is cut where letters and digits
 * meet. */
static int add_arabic_mixed(jisr_tokens *out, const unsigned char *s, size_t a, size_t b)
{
    size_t i = a, piece = a;
    int cur = 0; /* 1 letter run, 2 digit run */
    while (i < b) {
        size_t k = i;
        UChar32 c;
        U8_NEXT(s, k, b, c);
        unsigned p = props(c);
        int cls = (p & P_DIGIT) ? 2 : (p & P_ARABIC) ? 1 : 0;
        if (cls == 0) {
            i = k; /* a mark, ZWNJ, a separator: stays with what it follows */
            continue;
        }
        if (cur && cls != cur) {
            int rc = add_token(out, s, piece, i, cur == 2 ? JISR_TOK_NUMBER : JISR_TOK_WORD);
            if (rc < 0)
                return rc;
            piece = i;
        }
        cur = cls;
        i = k;
    }
    return add_token(out, s, piece, b, cur == 2 ? JISR_TOK_NUMBER : JISR_TOK_WORD);
}

/* The kind of a segment from the properties of its first character and of all its characters. */
static int emit_known(jisr_tokens *out, const unsigned char *s, size_t a, size_t b, unsigned first,
                      unsigned all)
{
    if ((all & P_LETTER) && (all & P_DIGIT) && !(all & P_OTHER_LETTER))
        return add_arabic_mixed(out, s, a, b);
    if (all & P_LETTER)
        return add_token(out, s, a, b, JISR_TOK_WORD);
    if (all & P_DIGIT)
        return add_token(out, s, a, b, JISR_TOK_NUMBER);
    return add_token(out, s, a, b, (first & P_PUNCT) ? JISR_TOK_PUNCT : JISR_TOK_SYMBOL);
}

/* Turns one word-break segment [a, b) into a token, or none for white space. The kind depends on
 * the content only, never on ICU's rule status, so the fast path and ICU agree whenever their
 * boundaries do: a private-use code point is a TAG; with letters it is a WORD (ICU gives "MP3"
 * number status), with digits only a NUMBER; otherwise PUNCT or SYMBOL by its first character. */
static int emit(jisr_tokens *out, const unsigned char *s, size_t a, size_t b)
{
    UChar32 c;
    size_t k;
    unsigned p;
    for (;;) { /* white space, and marks ICU attached to it, are skipped */
        if (a >= b)
            return 0;
        k = a;
        U8_NEXT(s, k, b, c);
        p = props(c);
        if (c < 0 || !(p & P_SPACE))
            break;
        a = k;
    }
    if (c >= 0xE000 && c <= 0xF8FF)
        return add_token(out, s, a, b, JISR_TOK_TAG);
    unsigned first = c >= 0 ? p : 0, all = 0;
    for (size_t i = a; i < b;) {
        if (s[i] < 0x80) {
            p = g_info[s[i++]] >> 8;
        } else {
            U8_NEXT(s, i, b, c);
            p = c >= 0 ? props(c) : 0;
        }
        all |= p;
    }
    return emit_known(out, s, a, b, first, all);
}

static int run_icu(jisr_tokenizer *tk, const unsigned char *s, size_t lo, size_t hi,
                   jisr_tokens *out)
{
    UErrorCode st = U_ZERO_ERROR;
    utext_openUTF8(&tk->ut, (const char *)s + lo, (int64_t)(hi - lo), &st);
    if (U_SUCCESS(st))
        ubrk_setUText(tk->bi, &tk->ut, &st);
    if (U_FAILURE(st))
        return jisr_error_set(JISR_EICU, NULL, 0, 0, "word break iterator: %s", u_errorName(st));
    int32_t prev = ubrk_first(tk->bi), next;
    int rc;
    while ((next = ubrk_next(tk->bi)) != UBRK_DONE) {
        if ((rc = emit(out, s, lo + (size_t)prev, lo + (size_t)next)) < 0)
            return rc;
        prev = next;
    }
    return 0;
}

/* ---- fast path ---------------------------------------------------------------------------- *
 * UAX #29 word boundaries re-implemented for the characters whose Word_Break value is one of the
 * simple classes below (taken from ICU's own property data at start-up), which covers ASCII,
 * Latin, Greek, Cyrillic, Arabic and common punctuation. Anything else (Hebrew, Katakana, emoji,
 * regional indicators, Thai and other dictionary scripts, Hangul, ideographs, code points above
 * U+2FFF other than private use, invalid UTF-8) sends the stretch to ICU. ICU's tailorings of
 * the default rules that matter here are applied: '@' is a letter and ':' is not MidLetter.
 * tests/test_text_tokenize.c and the fuzz target check that boundaries equal ICU's. */

enum {
    C_OTHER,
    C_CR,
    C_LF,
    C_NEWLINE,
    C_LETTER,
    C_NUMERIC,
    C_MIDLETTER,
    C_MIDNUM,
    C_MIDNUMLET,
    C_SQUOTE,
    C_EXTNUMLET,
    C_EXTEND, /* Extend and Format */
    C_WSEG,
    C_BAIL,
};

static pthread_once_t g_class_once = PTHREAD_ONCE_INIT;

static void init_classes(void)
{
    for (UChar32 c = 0; c < CLASS_MAX; c++) {
        int cls;
        switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
        case U_WB_OTHER:
        case U_WB_DOUBLE_QUOTE: /* only special next to Hebrew letters, which bail */
            cls = C_OTHER;
            break;
        case U_WB_CR:
            cls = C_CR;
            break;
        case U_WB_LF:
            cls = C_LF;
            break;
        case U_WB_NEWLINE:
            cls = C_NEWLINE;
            break;
        case U_WB_ALETTER:
            cls = C_LETTER;
            break;
        case U_WB_NUMERIC:
            cls = C_NUMERIC;
            break;
        case U_WB_MIDLETTER:
            cls = C_MIDLETTER;
            break;
        case U_WB_MIDNUM:
            cls = C_MIDNUM;
            break;
        case U_WB_MIDNUMLET:
            cls = C_MIDNUMLET;
            break;
        case U_WB_SINGLE_QUOTE:
            cls = C_SQUOTE;
            break;
        case U_WB_EXTENDNUMLET:
            cls = C_EXTNUMLET;
            break;
        case U_WB_EXTEND:
        case U_WB_FORMAT:
            cls = C_EXTEND;
            break;
        case U_WB_WSEGSPACE:
            cls = C_WSEG;
            break;
        default:
            cls = C_BAIL;
            break;
        }
        if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
            u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC) ||
            u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT ||
            (c >= 0x1100 && c <= 0x11FF) || (c >= 0xD800 && c <= 0xDFFF))
            cls = C_BAIL;
        if (c == '@')
            cls = C_LETTER;
        else if (c == ':')
            cls = C_OTHER;
        g_info[c] = (uint16_t)(props_slow(c) << 8 | (unsigned)cls);
    }
}

/* Class (low byte) and properties (high byte) of the code point at s[i], and its end; C_BAIL
 * for anything the fast path leaves to ICU. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline unsigned
cp_info(const unsigned char *s, size_t i, size_t hi, size_t *next)
{
    unsigned b = s[i];
    if (b < 0x80) {
        *next = i + 1;
        return g_info[b];
    }
    if (b >= 0xC2 && b <= 0xDF && i + 1 < hi && (s[i + 1] & 0xC0) == 0x80) {
        *next = i + 2; /* two-byte sequences (Latin, Greek, Cyrillic, Arabic) decoded inline */
        return g_info[(b & 0x1F) << 6 | (s[i + 1] & 0x3F)];
    }
    UChar32 c;
    size_t k = i;
    U8_NEXT(s, k, hi, c);
    *next = k;
    if (c < 0)
        return C_BAIL;
    if (c < CLASS_MAX)
        return g_info[c];
    if (c >= 0xE000 && c <= 0xF8FF)
        return C_OTHER; /* private use: no property */
    return C_BAIL;
}

/* A cursor over code points with the one at pos already classified, so that looking ahead for
 * Extend characters (WB4) and deciding the next unit decode each character once. */
typedef struct {
    size_t pos;    /* code point at pos … */
    size_t next;   /* … ends here */
    unsigned info; /* and has this class and these properties (valid when pos < hi) */
} cursor;

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
cur_load(const unsigned char *s, size_t hi, cursor *c)
{
    if (c->pos < hi)
        c->info = cp_info(s, c->pos, hi, &c->next);
}

/* Consumes one unit per WB4: a character and the Extend/Format characters after it (none after
 * CR, LF, Newline). Returns its class and ORs the properties of its characters into *acc. A
 * character that must go to ICU is reported when its own unit is read. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
unit_next(const unsigned char *s, size_t hi, cursor *c, unsigned *acc)
{
    int cls = (int)(c->info & 0xFF);
    if (cls == C_BAIL)
        return C_BAIL;
    unsigned p = c->info >> 8;
    c->pos = c->next;
    cur_load(s, hi, c);
    if (cls == C_EXTEND)
        cls = C_OTHER; /* an Extend that has nothing to attach to */
    if (cls != C_CR && cls != C_LF && cls != C_NEWLINE) {
        while (c->pos < hi && (c->info & 0xFF) == C_EXTEND) {
            p |= c->info >> 8;
            c->pos = c->next;
            cur_load(s, hi, c);
        }
    }
    *acc |= p;
    return cls;
}

#define WORD_CLASSES (1u << C_LETTER | 1u << C_NUMERIC | 1u << C_EXTNUMLET)

/* Returns 1 when [lo, hi) was tokenized, 0 when ICU must do it (out->n restored). */
static int run_fast(const unsigned char *s, size_t lo, size_t hi, jisr_tokens *out, int *rc)
{
    size_t n0 = out->n;
    cursor c = {.pos = lo};
    cur_load(s, hi, &c);
    *rc = 0;
    while (c.pos < hi) {
        size_t a = c.pos, first_end = c.next;
        unsigned all = 0, first = c.info >> 8;
        int cls = unit_next(s, hi, &c, &all);
        if (cls == C_BAIL)
            goto bail;
        if (cls == C_LETTER || cls == C_NUMERIC || cls == C_EXTNUMLET) {
            int last = cls;
            while (c.pos < hi) {
                /* a run of ASCII letters and digits with ASCII after each: no mark can attach */
                size_t q = c.pos;
                while (q + 1 < hi && s[q] < 0x80 && s[q + 1] < 0x80) {
                    unsigned inf = g_info[s[q]];
                    if (!((1u << (inf & 0xFF)) & WORD_CLASSES))
                        break;
                    all |= inf >> 8;
                    last = (int)(inf & 0xFF);
                    q++;
                }
                if (q != c.pos) {
                    c.pos = q;
                    cur_load(s, hi, &c);
                }
                cursor c2 = c;
                unsigned p2 = 0, p3 = 0;
                int k2 = unit_next(s, hi, &c2, &p2);
                if (k2 == C_BAIL)
                    goto bail;
                if (k2 == C_LETTER || k2 == C_NUMERIC || k2 == C_EXTNUMLET) {
                    last = k2; /* WB5, WB8, WB9, WB10, WB13a, WB13b */
                    all |= p2;
                    c = c2;
                    continue;
                }
                int mid_letter = k2 == C_MIDLETTER || k2 == C_MIDNUMLET || k2 == C_SQUOTE;
                int mid_num = k2 == C_MIDNUM || k2 == C_MIDNUMLET || k2 == C_SQUOTE;
                if ((last == C_LETTER && mid_letter) || (last == C_NUMERIC && mid_num)) {
                    if (c2.pos >= hi)
                        break;
                    int k3 = unit_next(s, hi, &c2, &p3);
                    if (k3 == C_BAIL)
                        goto bail;
                    if (k3 == last) { /* WB6/WB7, WB11/WB12 */
                        all |= p2 | p3;
                        c = c2;
                        continue;
                    }
                }
                break;
            }
        } else if (cls == C_CR) {
            if (c.pos < hi && s[c.pos] == '\n') { /* WB3 */
                c.pos++;
                cur_load(s, hi, &c);
            }
        } else if (cls == C_WSEG && c.pos == first_end) {
            /* WB3d joins spaces; it comes before WB4, so a space that took marks joins none */
            while (c.pos < hi && (c.info & 0xFF) == C_WSEG) {
                size_t end = c.next;
                unit_next(s, hi, &c, &all);
                if (c.pos != end)
                    break; /* this space took marks: it ends the run */
            }
        }
        size_t i = c.pos;
        if ((first & P_SPACE) || s[a] == 0xEE || (s[a] == 0xEF && s[a + 1] <= 0xA3))
            *rc = emit(out, s, a, i); /* white space, or a tag (U+E000–U+F8FF) */
        else
            *rc = emit_known(out, s, a, i, first, all);
        if (*rc < 0)
            return 1;
    }
    return 1;
bail:
    out->n = n0;
    return 0;
}

static int run_gap(jisr_tokenizer *tk, const unsigned char *s, size_t lo, size_t hi,
                   jisr_tokens *out)
{
    int rc;
    if (!txt_tok_force_icu && run_fast(s, lo, hi, out, &rc))
        return rc;
    return run_icu(tk, s, lo, hi, out);
}

static unsigned char g_special[256] = {['@'] = 1, [':'] = 1, ['.'] = 1};

int jisr_tokenizer_run(jisr_tokenizer *tk, const char *str, size_t n, jisr_tokens *out)
{
    int rc;
    if (!tk || (!str && n) || !out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tokenizer_run: %s is NULL",
                              !tk    ? "tk"
                              : !out ? "out"
                                     : "s");
    out->n = 0;
    if (n > INT32_MAX)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "string too long to tokenize");
    const unsigned char *s = (const unsigned char *)str;
    size_t lo = 0; /* start of the stretch not yet tokenized */
    for (size_t i = 0; i < n; i++) {
        if (!g_special[s[i]])
            continue;
        size_t a, b;
        jisr_tok_kind kind = special_at(s, n, i, lo, &a, &b);
        if (!kind)
            continue;
        if (a > lo && (rc = run_gap(tk, s, lo, a, out)) < 0)
            return rc;
        if ((rc = push(out, a, b, kind)) < 0)
            return rc;
        lo = b;
        i = b - 1;
    }
    if (lo < n && (rc = run_gap(tk, s, lo, n, out)) < 0)
        return rc;
    return 0;
}
