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
 *
 * Lines matter too. Paragraph numbers in reports rarely start at 1 ("31. The Committee …",
 * "III. Recommendations"), and a bare "31." is never a sentence of its own, so an enumerator
 * (digits, a letter, or a Roman numeral of two or more letters, which is only taken here) at the
 * start of a line is also accepted when the line before it ends a sentence (. ! ? ؟ : ;, closing
 * quotes allowed) or the newline is already a boundary (a blank line, or a line break the writer
 * made: segment.c's SEG_F_BLANK candidates). It then only gets the non-boundary after it: whether
 * the newline before it is a boundary stays the newline's business. A line that ends in a word
 * may be wrapped prose whose sentence ends with the number ("born in\n1970. Then"), so it does
 * not count. Plain-text bullets ("-", "*", "–", "—" and a space) are bullets only at the start of
 * a line ("well - known" and "5 - 3" are not lists), and only when they start the text, follow a
 * line that ends a sentence or a boundary, or start more than one line (a list).
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
    int bullet;   /* the code point of a bullet (0 = none) */
    int plain;    /* a plain-text bullet ("-", "*", "–", "—"): needs the context of its line */
    int roman;    /* value as a Roman numeral ("II", "iv", and the letters I V X i v x), or 0 */
    int rupper;   /* that numeral is in upper case */
    int at_start; /* starts the paragraph */
    int line;     /* first on its line */
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

/* Bullets of plain text: hyphen, asterisk, en dash, em dash. Inside a line they are dashes and
 * signs ("well - known", "5 - 3"), so they count only at the start of one. */
static int is_plain_bullet(int c)
{
    return c == '-' || c == '*' || c == 0x2013 || c == 0x2014;
}

static int plain_index(int c)
{
    return c == '-' ? 0 : c == '*' ? 1 : c == 0x2013 ? 2 : 3;
}

static int is_newline(int c)
{
    return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* Is s[i] the first non-blank character of its line (or of the text, which starts at first)? */
static int at_line_start(const unsigned char *s, size_t first, size_t i)
{
    while (i > first) {
        size_t st;
        int c = seg_u8_prev(s, i, &st);
        if (is_newline(c))
            return 1;
        if (!seg_is_space(c))
            return 0;
        i = st;
    }
    return 1;
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

/* The punctuation that ends an enumerator at s[j] (".)" ")" "." or, when dash is set, "-"), then
 * white space and something other than a digit ("3. 5" and "1. )" are not list items): the end
 * offset after the punctuation, or 0. */
static size_t enum_tail(const unsigned char *s, size_t n, size_t j, int dash)
{
    size_t l;
    if (j >= n)
        return 0;
    if (s[j] == '.' && j + 1 < n && s[j + 1] == ')')
        j += 2;
    else if (s[j] == '.' || s[j] == ')')
        j += 1;
    else if (s[j] == '-' && dash)
        j += 1;
    else
        return 0;
    if (j >= n || !seg_is_space(seg_u8_next(s, n, j, &l)))
        return 0;
    size_t k = j;
    while (k < n && seg_is_space(seg_u8_next(s, n, k, &l)))
        k += l;
    if (k >= n || digit_value(seg_u8_next(s, n, k, &l)) >= 0)
        return 0;
    return j;
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
    return enum_tail(s, n, j, *kind != K_LOWER && *kind != K_UPPER);
}

/* Value of the Roman digit c in the case of upper (0 when c is not one). */
static int roman_digit(int c, int upper)
{
    static const char dig[] = "IVXLCDM";
    static const int val[] = {1, 5, 10, 50, 100, 500, 1000};
    for (int k = 0; k < 7; k++)
        if (c == (upper ? dig[k] : dig[k] + 'a' - 'A'))
            return val[k];
    return 0;
}

/* A Roman numeral of two to eight letters at s[i] ("II", "XIV", "iv"; single letters are parsed
 * as letters), written the standard way (the value written back gives the same letters, so
 * "IIII" and "IC" are not numerals); lower case only with i, v and x ("mix" and "did" are
 * words). Followed by enum_tail: returns its end offset, or 0. */
static size_t parse_roman(const unsigned char *s, size_t n, size_t i, int *value)
{
    int upper = s[i] >= 'A' && s[i] <= 'Z';
    size_t j = i;
    while (j < n && j - i < 9 && roman_digit(s[j], upper) &&
           (upper || s[j] == 'i' || s[j] == 'v' || s[j] == 'x'))
        j++;
    size_t len = j - i;
    if (len < 2 || len > 8)
        return 0;
    int v = 0;
    for (size_t k = i; k < j; k++) {
        int d = roman_digit(s[k], upper);
        v += k + 1 < j && d < roman_digit(s[k + 1], upper) ? -d : d;
    }
    int v0 = v;
    /* write v back the standard way and compare */
    static const int vals[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    static const char *const syms[] = {"M",  "CM", "D",  "CD", "C",  "XC", "L",
                                       "XL", "X",  "IX", "V",  "IV", "I"};
    char w[24];
    size_t wl = 0;
    for (int k = 0; k < 13 && v > 0; k++)
        while (v >= vals[k] && wl + 2 < sizeof w) {
            for (const char *p = syms[k]; *p; p++)
                w[wl++] = upper ? *p : (char)(*p + 'a' - 'A');
            v -= vals[k];
        }
    if (v != 0 || v0 > 3999 || wl != len || memcmp(w, s + i, len) != 0)
        return 0;
    *value = v0;
    return enum_tail(s, n, j, 0);
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

static int is_closing(int c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x00BB || c == 0x2019 ||
           c == 0x201D || c == 0x203A;
}

/* The mark that ends the text before the line that starts at i, closing quotes and brackets
 * aside, when it is one that ends a sentence or introduces a list (. ! ? ؟ ۔ … : ; ؛); else 0. */
static int line_end_mark(const unsigned char *s, size_t first, size_t i)
{
    size_t k = back_space(s, i), st;
    int c = -1;
    while (k > first) {
        c = seg_u8_prev(s, k, &st);
        if (!is_closing(c))
            break;
        k = st;
    }
    if (k <= first)
        return 0;
    switch (c) {
    case '.':
    case '!':
    case '?':
    case ':':
    case ';':
    case 0x061B: /* ؛ */
    case 0x061F: /* ؟ */
    case 0x06D4: /* ۔ */
    case 0x2026: /* … */
        return c;
    }
    return 0;
}

/* Marks after which neither ICU nor the rules break, although a numbered line after them starts
 * a new segment ("as follows:\n37. In …"). After a period the rules decide: the line may end in
 * an abbreviation ("Mr.\nA. de Zayas"). */
static int is_list_intro(int c)
{
    return c == ':' || c == ';' || c == 0x061B;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The positions of the boundaries that segment.c has already fixed at newlines (SEG_F_BLANK:
 * blank lines and line breaks the writer made), sorted; *out is NULL when there are none. */
static int blank_positions(const seg_cands *c, size_t **out, size_t *nout)
{
    size_t nb = 0, cap = 0;
    size_t *v = NULL;
    int rc;
    for (size_t k = 0; k < c->n; k++) {
        if (!(c->v[k].flags & SEG_F_BLANK))
            continue;
        if ((rc = JISR_GROW(v, cap, nb + 1)) < 0) {
            free(v);
            return rc;
        }
        v[nb++] = c->v[k].pos;
    }
    if (nb > 1)
        qsort(v, nb, sizeof *v, cmp_size);
    *out = v;
    *nout = nb;
    return 0;
}

static int is_blank_at(const size_t *v, size_t nv, size_t pos)
{
    return nv && bsearch(&pos, v, nv, sizeof *v, cmp_size) != NULL;
}

static int push_marker(marker **m, size_t *nm, size_t *cap, const marker *mk)
{
    int rc;
    if ((rc = JISR_GROW(*m, *cap, *nm + 1)) < 0)
        return rc;
    (*m)[(*nm)++] = *mk;
    return 0;
}

/* A bullet at s[i] (after white space or at first): one of is_bullet's anywhere, a plain-text one
 * only at the start of a line and before a space or tab. Returns the code point or 0; *len gets
 * its length. */
static int bullet_at(const unsigned char *s, size_t n, size_t first, size_t i, size_t *len)
{
    size_t st;
    if (i > first && !SEG_IS_SPACE(s[i - 1] < 0x80 ? s[i - 1] : seg_u8_prev(s, i, &st)))
        return 0;
    int c = seg_u8_next(s, n, i, len);
    if (is_bullet(c))
        return c;
    if (!is_plain_bullet(c) || i + *len >= n || (s[i + *len] != ' ' && s[i + *len] != '\t'))
        return 0;
    return at_line_start(s, first, i) ? c : 0;
}

/* Find the markers of the paragraph, in order. */
static int scan_markers(const unsigned char *s, size_t n, size_t first, marker **m, size_t *nm)
{
    size_t cap = 0;
    int rc = 0;
    size_t l;
    /* Markers end in '.', ')' or '-' or are bullets, which are '-', '*' or start with byte 0xE2:
     * look only at those bytes and walk back to the start of their token. */
    for (size_t i = first; i < n; i++) {
        unsigned char b = s[i];
        if (b != '.' && b != ')' && b != '-' && b != '*' && b != 0xE2)
            continue;
        marker mk = {0};
        mk.kind = -1;
        int kind, value;
        int bc = b == '.' || b == ')' ? 0 : bullet_at(s, n, first, i, &l);
        if (bc) {
            mk.start = i;
            mk.bullet = bc;
            mk.plain = is_plain_bullet(bc);
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
            mk.line = mk.plain || at_line_start(s, first, i);
            if ((rc = push_marker(m, nm, &cap, &mk)) < 0)
                return rc;
            i = (e ? e : i + l) - 1;
            continue;
        }
        if (b == 0xE2 || b == '*')
            continue;
        size_t ws = token_start(s, first, i);
        if (ws == (size_t)-1 || ws == i)
            continue;
        size_t e = parse_enum(s, n, ws, &kind, &value);
        int line = at_line_start(s, first, ws);
        if (e && (kind == K_LOWER || kind == K_UPPER))
            mk.roman = roman_digit(s[ws], kind == K_UPPER) * (strchr("IVXivx", s[ws]) != NULL);
        else if (!e && line && (e = parse_roman(s, n, ws, &value)) != 0) {
            mk.roman = value;
            kind = -1;
        }
        if (!e || e <= i)
            continue;
        mk.rupper = s[ws] >= 'A' && s[ws] <= 'Z';
        mk.start = ws;
        mk.kind = kind;
        mk.value = value;
        mk.end = e;
        mk.at_start = ws == first;
        mk.line = line;
        if ((rc = push_marker(m, nm, &cap, &mk)) < 0)
            return rc;
        i = e - 1;
    }
    return 0;
}

/* The mark before the line of a marker that starts one (line_end_mark), or '\n' when that line
 * break is a boundary already (blank: the sorted SEG_F_BLANK positions); 0 when the marker is not
 * first on its line or its line may continue the sentence of the one before. */
static int line_context(const unsigned char *s, size_t first, const marker *mk, const size_t *blank,
                        size_t nblank)
{
    if (!mk->line || mk->at_start)
        return 0;
    if (is_blank_at(blank, nblank, back_space(s, mk->start)))
        return '\n';
    return line_end_mark(s, first, mk->start);
}

int seg_list_pass(const char *text, size_t n, seg_cands *cands)
{
    const unsigned char *s = (const unsigned char *)text;
    marker *m = NULL;
    size_t nm = 0;
    size_t *blank = NULL, nblank = 0;
    int rc = 0;
    size_t l;
    size_t first = 0;
    while (first < n && seg_is_space(seg_u8_next(s, n, first, &l)))
        first += l;
    if ((rc = scan_markers(s, n, first, &m, &nm)) < 0 ||
        (rc = blank_positions(cands, &blank, &nblank)) < 0) {
        free(m);
        return rc;
    }
    int have[K_NKINDS] = {0};
    int last[K_NKINDS] = {0};
    int have_r[2] = {0}, last_r[2] = {0}; /* Roman numerals, lower and upper case */
    size_t nplain[4] = {0};
    for (size_t i = 0; i < nm; i++)
        if (m[i].plain)
            nplain[plain_index(m[i].bullet)]++;
    for (size_t i = 0; i < nm; i++) {
        marker *mk = &m[i];
        int acc = mk->at_start || (mk->bullet && !mk->plain);
        if (!acc && mk->kind >= 0 && have[mk->kind] &&
            successor(mk->kind, last[mk->kind], mk->value))
            acc = 1;
        if (!acc && mk->kind >= 0 && first_value(mk->kind, mk->value)) {
            for (size_t k = i + 1; k < nm && !acc; k++)
                if (m[k].kind == mk->kind && successor(mk->kind, mk->value, m[k].value))
                    acc = 1;
        }
        /* "i) … ii) …", "I. … II. …" at the starts of lines (inside a line, "v." is "versus") */
        if (!acc && mk->roman && mk->line && have_r[mk->rupper] &&
            mk->roman == last_r[mk->rupper] + 1)
            acc = 1;
        if (!acc && mk->plain) /* a list: another line starts with the same bullet */
            acc = nplain[plain_index(mk->bullet)] > 1;
        /* a paragraph number or heading at the start of a line keeps its text; the line break
         * before it decides on its own whether it is a boundary, unless it follows a colon */
        int keep_line = 0;
        if (!acc) {
            int ctx = line_context(s, first, mk, blank, nblank);
            acc = ctx != 0;
            keep_line = acc && !mk->plain && !is_list_intro(ctx);
        }
        if (!acc)
            continue;
        mk->accepted = 1;
        if (mk->kind >= 0) {
            have[mk->kind] = 1;
            last[mk->kind] = mk->value;
        }
        if (mk->roman) {
            have_r[mk->rupper] = 1;
            last_r[mk->rupper] = mk->roman;
        }
        if (!mk->at_start && !keep_line &&
            (rc = seg_cands_push(cands, back_space(s, mk->start), SEG_F_FORCE_YES)) < 0)
            break;
        if (mk->end && (rc = seg_cands_push(cands, mk->end, SEG_F_FORCE_NO)) < 0)
            break;
    }
    free(blank);
    free(m);
    return rc;
}
