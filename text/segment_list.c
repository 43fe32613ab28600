/*
 * segment_list.c — numbered and bulleted list items inside one paragraph (called by segment.c;
 * uses only the inline helpers of segment_int.h, never segment.c).
 *
 * "1. First item 2. Second item" has no sentence-final punctuation before "2.", and "12. Then"
 * looks exactly like "2. The" to a regular expression: what tells them apart is counting (1, 2,
 * 3 … a, b, c … أ, ب, ج …), which SRX cannot express. A marker is accepted when it starts the
 * paragraph, follows a bullet, continues an accepted marker of the same kind by one, or is a
 * first value (1, a, أ) that a successor follows later in the paragraph. An accepted marker gets
 * a forced boundary before it (unless it starts the paragraph) and a forced non-boundary right
 * after it, whatever the SRX rules say.
 */
#include <stdlib.h>
#include <string.h>

#include "text/segment_int.h"
#include "text/text.h"

enum { K_DIGIT, K_LOWER, K_UPPER, K_ARABIC, K_NKINDS };

typedef struct marker {
    size_t start; /* bullet or enumerator start */
    size_t end;   /* after the enumerator's "." / ")" (0 = bullet only) */
    int kind;     /* K_* or -1 for a bare bullet */
    int value;
    int bullet;
    int at_start;
    int accepted;
} marker;

/* Arabic letters in alphabetical (hijāʾī) and abjad order. */
static const int ar_alpha[] = {0x0627, 0x0628, 0x062A, 0x062B, 0x062C, 0x062D, 0x062E,
                               0x062F, 0x0630, 0x0631, 0x0632, 0x0633, 0x0634, 0x0635,
                               0x0636, 0x0637, 0x0638, 0x0639, 0x063A, 0x0641, 0x0642,
                               0x0643, 0x0644, 0x0645, 0x0646, 0x0647, 0x0648, 0x064A};
static const int ar_abjad[] = {0x0627, 0x0628, 0x062C, 0x062F, 0x0647, 0x0648, 0x0632,
                               0x062D, 0x0637, 0x064A, 0x0643, 0x0644, 0x0645, 0x0646,
                               0x0633, 0x0639, 0x0641, 0x0635, 0x0642, 0x0631, 0x0634,
                               0x062A, 0x062B, 0x062E, 0x0630, 0x0636, 0x0638, 0x063A};
#define NAR (sizeof ar_alpha / sizeof ar_alpha[0])

static int ar_index(const int *tab, int c)
{
    for (size_t i = 0; i < NAR; i++)
        if (tab[i] == c)
            return (int)i;
    return -1;
}

static int ar_fold(int c)
{
    if (c == 0x0623 || c == 0x0625 || c == 0x0622) /* أ إ آ → ا */
        return 0x0627;
    if (c == 0x0629) /* ة */
        return 0x0647;
    if (c == 0x0649) /* ى */
        return 0x064A;
    return c;
}

static int successor(int kind, int prev, int v)
{
    if (kind != K_ARABIC)
        return v == prev + 1;
    int a = ar_index(ar_alpha, prev), b = ar_index(ar_alpha, v);
    if (a >= 0 && b == a + 1)
        return 1;
    a = ar_index(ar_abjad, prev);
    b = ar_index(ar_abjad, v);
    return a >= 0 && b == a + 1;
}

static int first_value(int kind, int v)
{
    switch (kind) {
    case K_DIGIT:
        return v == 1;
    case K_LOWER:
    case K_UPPER:
        return v == 0;
    default:
        return v == 0x0627;
    }
}

static int is_bullet(int c)
{
    switch (c) {
    case 0x2022: /* • */
    case 0x2023: /* ‣ */
    case 0x2043: /* ⁃ */
    case 0x25AA: /* ▪ */
    case 0x25CF: /* ● */
    case 0x25E6: /* ◦ */
    case 0x25A0: /* ■ */
    case 0x25C6: /* ◆ */
    case 0x25BA: /* ► */
    case 0x27A2: /* ➢ */
        return 1;
    }
    return 0;
}

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 0x0660 && c <= 0x0669)
        return c - 0x0660;
    if (c >= 0x06F0 && c <= 0x06F9)
        return c - 0x06F0;
    return -1;
}

static int is_arabic_letter(int c)
{
    return (c >= 0x0621 && c <= 0x063A) || (c >= 0x0641 && c <= 0x064A);
}

/* Parse an enumerator at s[i]: digits / one letter, then ".)" ")" "." (or "-" after digits),
 * then white space. Returns the end offset (after the punctuation) or 0. */
static size_t parse_enum(const unsigned char *s, size_t n, size_t i, int *kind, int *value)
{
    size_t l;
    int c = seg_u8_next(s, n, i, &l);
    size_t j = i;
    if (digit_value(c) >= 0) {
        int v = 0, nd = 0;
        while (j < n && nd < 4) {
            c = seg_u8_next(s, n, j, &l);
            int d = digit_value(c);
            if (d < 0)
                break;
            v = v * 10 + d;
            nd++;
            j += l;
        }
        if (nd > 3)
            return 0;
        *kind = K_DIGIT;
        *value = v;
    } else if (c >= 'a' && c <= 'z') {
        *kind = K_LOWER;
        *value = c - 'a';
        j += 1;
    } else if (c >= 'A' && c <= 'Z') {
        *kind = K_UPPER;
        *value = c - 'A';
        j += 1;
    } else if (is_arabic_letter(c)) {
        *kind = K_ARABIC;
        *value = ar_fold(c);
        j += l;
    } else {
        return 0;
    }
    if (j >= n)
        return 0;
    if (s[j] == '.' && j + 1 < n && s[j + 1] == ')')
        j += 2;
    else if (s[j] == '.' || s[j] == ')')
        j += 1;
    else if (s[j] == '-' && *kind != K_LOWER && *kind != K_UPPER)
        j += 1;
    else
        return 0;
    if (j >= n)
        return 0;
    c = seg_u8_next(s, n, j, &l);
    if (!seg_is_space(c))
        return 0;
    /* "3. 5" and "1. )" are not list items */
    size_t k = j;
    while (k < n && seg_is_space(seg_u8_next(s, n, k, &l)))
        k += l;
    if (k >= n)
        return 0;
    c = seg_u8_next(s, n, k, &l);
    if (digit_value(c) >= 0)
        return 0;
    return j;
}

static size_t back_space(const unsigned char *s, size_t i)
{
    while (i > 0) {
        size_t st;
        if (!seg_is_space(seg_u8_prev(s, i, &st)))
            break;
        i = st;
    }
    return i;
}

/* Start of the white-space-delimited token that ends at i (at most 16 bytes back), or
 * (size_t)-1. */
static size_t token_start(const unsigned char *s, size_t first, size_t i)
{
    size_t k = i;
    while (k > first) {
        size_t st = k - 1;
        int c = s[st] < 0x80 ? s[st] : seg_u8_prev(s, k, &st);
        if (SEG_IS_SPACE(c))
            break;
        k = st;
        if (i - k > 16)
            return (size_t)-1;
    }
    return k;
}

static int push_marker(marker **m, size_t *nm, size_t *cap, const marker *mk)
{
    int rc;
    if ((rc = JISR_GROW(*m, *cap, *nm + 1)) < 0)
        return rc;
    (*m)[(*nm)++] = *mk;
    return 0;
}

int seg_list_pass(const char *text, size_t n, seg_cands *cands)
{
    const unsigned char *s = (const unsigned char *)text;
    marker *m = NULL;
    size_t nm = 0, cap = 0;
    int rc = 0;
    size_t l;
    size_t first = 0;
    while (first < n && seg_is_space(seg_u8_next(s, n, first, &l)))
        first += l;
    /* Markers end in '.', ')' or '-' (or are bullets, all of which start with byte 0xE2): look
     * only at those bytes and walk back to the start of their token. */
    for (size_t i = first; i < n; i++) {
        unsigned char b = s[i];
        if (b != '.' && b != ')' && b != '-' && b != 0xE2)
            continue;
        marker mk = {0};
        mk.kind = -1;
        int kind, value;
        if (b == 0xE2) {
            size_t st;
            if (i > first && !SEG_IS_SPACE(s[i - 1] < 0x80 ? s[i - 1] : seg_u8_prev(s, i, &st)))
                continue;
            if (!is_bullet(seg_u8_next(s, n, i, &l)))
                continue;
            mk.start = i;
            mk.bullet = 1;
            size_t j = i + l;
            while (j < n && (s[j] == ' ' || s[j] == '\t'))
                j++;
            size_t e = j < n ? parse_enum(s, n, j, &kind, &value) : 0;
            if (e) {
                mk.kind = kind;
                mk.value = value;
                mk.end = e;
            }
            mk.at_start = i == first;
            if ((rc = push_marker(&m, &nm, &cap, &mk)) < 0)
                break;
            i = (e ? e : i + l) - 1;
            continue;
        }
        size_t ws = token_start(s, first, i);
        if (ws == (size_t)-1 || ws == i)
            continue;
        size_t e = parse_enum(s, n, ws, &kind, &value);
        if (!e || e <= i)
            continue;
        mk.start = ws;
        mk.kind = kind;
        mk.value = value;
        mk.end = e;
        mk.at_start = ws == first;
        if ((rc = push_marker(&m, &nm, &cap, &mk)) < 0)
            break;
        i = e - 1;
    }
    if (rc < 0) {
        free(m);
        return rc;
    }
    int have[K_NKINDS] = {0};
    int last[K_NKINDS] = {0};
    for (size_t i = 0; i < nm; i++) {
        marker *mk = &m[i];
        int acc = mk->at_start || mk->bullet;
        if (!acc && mk->kind >= 0 && have[mk->kind] &&
            successor(mk->kind, last[mk->kind], mk->value))
            acc = 1;
        if (!acc && mk->kind >= 0 && first_value(mk->kind, mk->value)) {
            for (size_t k = i + 1; k < nm && !acc; k++)
                if (m[k].kind == mk->kind && successor(mk->kind, mk->value, m[k].value))
                    acc = 1;
        }
        if (!acc)
            continue;
        mk->accepted = 1;
        if (mk->kind >= 0) {
            have[mk->kind] = 1;
            last[mk->kind] = mk->value;
        }
        if (!mk->at_start &&
            (rc = seg_cands_push(cands, back_space(s, mk->start), SEG_F_FORCE_YES)) < 0)
            break;
        if (mk->end && (rc = seg_cands_push(cands, mk->end, SEG_F_FORCE_NO)) < 0)
            break;
    }
    free(m);
    return rc;
}
