/*
 * segment_int.h — private to the sentence segmenter (text/segment*.c, text/srx*.c) and its
 * tests: the parsed SRX document, the compiled rule set and the list-item pass.
 */
#ifndef JISR_SEGMENT_INT_H
#define JISR_SEGMENT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "util/utf8.h"
#include "util/util_int.h"

#include <unicode/uregex.h>
#include <unicode/utext.h>

/* ---- SRX 2.0 document (srx.c) ------------------------------------------------------------ */

typedef struct srx_rule {
    int brk;      /* 1 = break="yes", 0 = break="no" */
    char *before; /* UTF-8 regex text, "" when the element is absent */
    char *after;
    unsigned long line, col;               /* of the <rule> element */
    unsigned long before_line, before_col; /* of <beforebreak> (or the rule when absent) */
    unsigned long after_line, after_col;
} srx_rule;

typedef struct srx_langrule {
    char *name;
    srx_rule *rules;
    size_t n, cap;
    unsigned long line, col;
} srx_langrule;

typedef struct srx_map {
    char *pattern; /* languagepattern (a regex matched against the whole language code) */
    char *rulename;
    unsigned long line, col;
} srx_map;

typedef struct srx_doc {
    char *name; /* file name for messages */
    int cascade;
    srx_langrule *langs;
    size_t nlangs, caplangs;
    srx_map *maps;
    size_t nmaps, capmaps;
    unsigned long maprules_line, maprules_col;
} srx_doc;

/** Parse an SRX 1.0/2.0 document (libxml2 reader, no network, no DTD, no entity expansion).
 * Errors (JISR_EPARSE) name file, line and column. *out is freed with seg_srx_free. */
int seg_srx_parse(srx_doc **out, const char *buf, size_t len, const char *name);
void seg_srx_free(srx_doc *d);

/** The rules that apply to lang, in order: all matching maps when cascade="yes", the first
 * matching map otherwise. *out is a malloc'd array of borrowed pointers into d (free() it).
 * JISR_ENOTFOUND when no map matches; JISR_EPARSE when a languagepattern is not a valid regex
 * or a map names a rule set that does not exist. */
int seg_srx_select(const srx_doc *d, const char *lang, const srx_rule ***out, size_t *n);

/* ---- compiled rules (segment_rules.c) ---------------------------------------------------- */

/** Compile a UTF-8 pattern (len -1 = NUL-terminated); ICU copies it. */
URegularExpression *seg_regex_open(const char *pat, int32_t len, uint32_t flags, UParseError *pe,
                                   UErrorCode *st);

/** One code point class taken from the first atom of an afterbreak or the last atom of a
 * beforebreak: a cheap filter that says when the full rule cannot match. Membership is asked of
 * ICU itself (the atom compiled as a regex) and cached per BMP code point. */
typedef struct seg_atom {
    char *text;
    URegularExpression *re;
    unsigned char *cache; /* 2 bits per BMP code point: 0 unknown, 1 no, 2 yes */
} seg_atom;

enum { SEG_LOOKBEHIND = 0, SEG_WINDOW = 1 };

typedef struct seg_rule {
    int brk;
    int mode;                 /* SEG_LOOKBEHIND: re = (?<=B)(?=A) at p; SEG_WINDOW: see below */
    URegularExpression *re;   /* lookbehind mode */
    URegularExpression *re_b; /* window mode: (?:B)\z on the text cut at p */
    URegularExpression *re_a; /* window mode: A, lookingAt p */
    int last_b;               /* index into the atom table or -1 (no filter) */
    int first_a;              /* index or -1 */
    int more_b[3], nmore_b;   /* atoms for the characters before last_b's (p-2, p-3 …) */
    int more_a[3], nmore_a;   /* atoms for the characters after first_a's */
    /* beforebreak ends with one of a set of literal strings ("Dr." "Mrs." …): their byte
     * lengths and a hash bitmap of (length, bytes); NULL when B is not of that form */
    unsigned char *suf_bits;
    unsigned char suf_len[16];
    int nsuf_len;
    int a_empty;             /* afterbreak can match the empty string at the end of text */
    unsigned long gen;       /* paragraph generation whose text is set in re / re_a */
    unsigned long line, col; /* of the <rule> in the SRX file (for warnings) */
    int warned;              /* its time-limit warning has been given */
} seg_rule;

typedef struct seg_ruleset {
    seg_rule *v;
    size_t n;
    seg_atom *atoms;
    size_t natoms, capatoms;
    int all_ends;   /* a break="yes" rule with no last-atom filter: every word end is a candidate */
    int *yes_atoms; /* last atoms of break="yes" rules (trigger characters) */
    size_t nyes;
    char *file; /* the SRX file's name (for warnings) */
} seg_ruleset;

/** Compile the rules (names in messages are file/line/col of each rule). */
int seg_ruleset_compile(seg_ruleset *rs, const srx_rule *const *rules, size_t n, const char *file);
void seg_ruleset_free(seg_ruleset *rs);

/** Hash of a candidate literal suffix (used by the compiled-rule filter). */
unsigned seg_suffix_hash(const unsigned char *s, size_t n);

/** Does atom a contain code point c? (c < 0: unknown, answers yes.) */
int seg_atom_has(seg_atom *a, int c);

/** Exposed for tests: the first/last top-level single-character atom of an ICU regex, as a byte
 * span [*s, *e) of pattern; returns 0 when there is none (empty, optional, group, alternation,
 * flags...). */
int seg_regex_first_atom(const char *pat, size_t *s, size_t *e);
int seg_regex_last_atom(const char *pat, size_t *s, size_t *e);

/* ---- list items (segment_list.c) ---------------------------------------------------------- */

enum { SEG_F_ICU = 1, SEG_F_FORCE_YES = 2, SEG_F_FORCE_NO = 4, SEG_F_BLANK = 8 };

typedef struct seg_cand {
    size_t pos;
    unsigned flags;
} seg_cand;

typedef struct seg_cands {
    seg_cand *v;
    size_t n, cap;
} seg_cands;

/** Append a candidate (inline: the scan pushes one per terminal mark). */
static inline int seg_cands_push(seg_cands *c, size_t pos, unsigned flags)
{
    int rc;
    if ((rc = JISR_GROW(c->v, c->cap, c->n + 1)) < 0)
        return rc;
    c->v[c->n].pos = pos;
    c->v[c->n].flags = flags;
    c->n++;
    return 0;
}

/** Find list markers ("1.", "2)", "a.", "١.", "ii)", bullets …) that begin a paragraph, follow a
 * bullet or continue a numbered sequence; push a forced break before each and a forced no-break
 * after each. Paragraph numbers and headings at the start of a line ("31.", "III.") after a line
 * that ends a sentence, or after a line break that c already holds as a boundary (SEG_F_BLANK:
 * push those before calling), get only the no-break after them. */
int seg_list_pass(const char *s, size_t n, seg_cands *c);

/* ---- UTF-8 helpers (inline: both the segmenter and the list pass walk text with them; the
 * segmenter calls the list pass, and nothing here calls back) ---------------------------------- */

/** Decode the code point at s[i] (i < n); *len receives its length (1 for an invalid byte,
 * which decodes as -1). */
static inline int seg_u8_next(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    return (int)jisr_utf8_decode(s, n, i, len);
}

/** Decode the code point ending at s[i] (i > 0); *start receives its first byte. */
static inline int seg_u8_prev(const unsigned char *s, size_t i, size_t *start)
{
    size_t j = i - 1;
    size_t back = 0;
    while (j > 0 && back < 3 && (s[j] & 0xC0) == 0x80) {
        j--;
        back++;
    }
    size_t len;
    int c = seg_u8_next(s, i, j, &len);
    if (c >= 0 && j + len == i) {
        *start = j;
        return c;
    }
    *start = i - 1;
    return -1;
}

/** White space as the segmenter counts it (Unicode Zs, tab … CR, NEL, LS, PS). */
static inline int seg_is_space(int c)
{
    if (c < 0x80)
        return c == ' ' || (c >= 0x09 && c <= 0x0D);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}
#define SEG_IS_SPACE(c) ((c) < 0x80 ? (c) == ' ' || ((c) >= 0x09 && (c) <= 0x0D) : seg_is_space(c))

#endif
