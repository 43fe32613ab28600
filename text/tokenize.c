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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "text/text.h"
#include "text/text_int.h"

int jisr_text_tok_force_icu;

struct jisr_tokenizer {
    UBreakIterator *bi;
    UText ut;
};

int jisr_tokenizer_new(jisr_tokenizer **out)
{
    *out = NULL;
    jisr_tokenizer *tk = calloc(1, sizeof *tk);
    if (!tk)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    UText init = UTEXT_INITIALIZER;
    tk->ut = init;
    UErrorCode st = U_ZERO_ERROR;
    tk->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    if (U_FAILURE(st)) {
        free(tk);
        return jisr_error_set(JISR_EICU, NULL, 0, 0, "cannot open ICU word break iterator: %s",
                              u_errorName(st));
    }
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
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        jisr_token *v = realloc(out->v, cap * sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        out->v = v;
        out->cap = cap;
    }
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

static jisr_tok_kind classify_other(const unsigned char *s, size_t *a, size_t b)
{
    size_t i = *a;
    while (i < b) {
        UChar32 c;
        size_t k = i;
        U8_NEXT(s, k, b, c);
        if (c < 0 || !u_isUWhiteSpace(c)) {
            *a = i;
            if (c >= 0xE000 && c <= 0xF8FF)
                return JISR_TOK_TAG;
            if (c >= 0 && u_ispunct(c))
                return JISR_TOK_PUNCT;
            return JISR_TOK_SYMBOL;
        }
        i = k;
    }
    return 0; /* only white space */
}

static int is_arabic_letter(UChar32 c)
{
    return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) || c == 0x06D5 ||
           (c >= 0x06FA && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F);
}

/* ICU keeps letters and digits together (UAX #29 WB9/WB10), right for "A4" or "MP3" but not for
 * Arabic, where a one-letter conjunction or preposition is written joined to the number that
 * follows (و١٬٢٣٤ "and 1,234", ب2015 "in 2015") and a unit or era letter may follow it
 * (٢٠١٥م). A token made of Arabic letters and digits is cut where they meet. */
static int add_mixed(jisr_tokens *out, const unsigned char *s, size_t a, size_t b,
                     jisr_tok_kind kind)
{
    if (kind == JISR_TOK_NUMBER) {
        /* ICU gives "MP3", "A4", "3rd" number status; with a letter in it, it is a word */
        for (size_t i = a; i < b;) {
            UChar32 c;
            U8_NEXT(s, i, b, c);
            if (u_isalpha(c) && !is_arabic_letter(c)) {
                kind = JISR_TOK_WORD;
                break;
            }
        }
    }
    if (s[a] < 0xD8 || s[a] > 0xDD) {
        /* neither starts nor ends with an Arabic letter: nothing to split */
        if (b - a < 3 || s[b - 2] < 0xD8 || s[b - 2] > 0xDD)
            return add_token(out, s, a, b, kind);
    }
    size_t i = a, piece = a;
    int cur = 0; /* 1 letter run, 2 digit run */
    while (i < b) {
        size_t k = i;
        UChar32 c;
        U8_NEXT(s, k, b, c);
        int cls = u_isdigit(c) ? 2 : is_arabic_letter(c) ? 1 : 0;
        if (cls == 0) {
            if (cur == 2 && is_sep(s, i, k)) {
                i = k; /* separator inside the number */
                continue;
            }
            if (u_getIntPropertyValue(c, UCHAR_WORD_BREAK) == U_WB_EXTEND ||
                u_getIntPropertyValue(c, UCHAR_WORD_BREAK) == U_WB_FORMAT) {
                i = k; /* harakat, ZWNJ … stay with what they follow */
                continue;
            }
            return add_token(out, s, a, b, kind); /* Latin or other: keep ICU's token */
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
        int32_t status = ubrk_getRuleStatus(tk->bi);
        size_t a = lo + (size_t)prev, b = lo + (size_t)next;
        prev = next;
        jisr_tok_kind kind;
        if (status >= UBRK_WORD_NUMBER) {
            kind = status >= UBRK_WORD_LETTER ? JISR_TOK_WORD : JISR_TOK_NUMBER;
            if (kind == JISR_TOK_WORD && s[a] < 0x80 && s[b - 1] < 0x80)
                rc = add_token(out, s, a, b, kind);
            else
                rc = add_mixed(out, s, a, b, kind);
        } else if ((kind = classify_other(s, &a, b))) {
            rc = add_token(out, s, a, b, kind);
        } else {
            continue;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static unsigned char g_special[256] = {['@'] = 1, [':'] = 1, ['.'] = 1};

int jisr_tokenizer_run(jisr_tokenizer *tk, const char *str, size_t n, jisr_tokens *out)
{
    int rc;
    out->n = 0;
    if (!tk || (!str && n))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tokenizer_run: bad argument");
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
        if (a > lo && (rc = run_icu(tk, s, lo, a, out)) < 0)
            return rc;
        if ((rc = push(out, a, b, kind)) < 0)
            return rc;
        lo = b;
        i = b - 1;
    }
    if (lo < n && (rc = run_icu(tk, s, lo, n, out)) < 0)
        return rc;
    return 0;
}
