/*
 * place_int.h — private to tm/: placeables. Numbers (their value as written in any digit system,
 * their grammatical agreement class in a language, the pairing of a stored source's numbers with
 * its target's) and inline tags (their kind, and the mapping of a stored target's tags onto the
 * query's by order and type). docs/matching.md §2 explains the rules; place.c and tagmap.c
 * implement them; tests/test_tm_place.c covers every class boundary.
 */
#ifndef JISR_TM_PLACE_INT_H
#define JISR_TM_PLACE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* ---- numbers (place.c) ------------------------------------------------------------------ */

#define TM_NUM_MAXDIGITS 64

/** A number token as written. Separators: U+066B is a decimal separator and U+066C a group
 * separator wherever they appear; '.' and ',' are read as an English or Arabic text writes them
 * (',' groups digits by three, '.' is the decimal point), and the other way round when the
 * text's order shows it ("1.234,5": the last of the two is the decimal separator; "1.234.567":
 * repeated dots group by three). A token that has no single value this way (a version "1.2.3",
 * a list "1,2,3", a date "11.05.2015") is not a value (TM_NUM_TEXT). A sign written before
 * the first digit ('-', '+' or U+2212 MINUS SIGN: placeable.c decides which characters before a
 * number are its sign) is part of the number: kept in sign, not in val. */
typedef struct tm_num {
    int value;                          /* 1: val holds the value; 0: TM_NUM_TEXT */
    char val[2 * TM_NUM_MAXDIGITS + 2]; /* ASCII digits, '.' before the fraction, no grouping;
                                         * leading zeros kept as written (TM_NUM_TEXT: the
                                         * digits and separators as written, ASCII) */
    int toolong;   /* more than TM_NUM_MAXDIGITS digits: no value, val empty, never substituted */
    uint64_t hash; /* with toolong: of the surface (tells two such numbers apart) */
    unsigned nint, nfrac; /* digits before and after the decimal separator */
    uint32_t zero;        /* the digit system: code point of its zero */
    uint32_t dsep, gsep;  /* the decimal and group separators written, or 0 */
    int code;             /* a format code ("%s", tm_code_len): val is its surface without
                           * glibc's I flag, value 0; equal only to the same code */
    unsigned loc;         /* a code with the I flag (the locale's digits: "%Id"): where it was
                           * in val (≥ 1), else 0 */
    unsigned flags_at;    /* a code: where its flags begin in val (after "%", "%N$", "%(n)") */
    uint32_t sign;        /* the sign written before the digits ('-', '+', U+2212), or 0 */
} tm_num;

/** A sign's meaning: '-' for '-' and U+2212 (the same sign written two ways), '+', or 0. Two
 * numbers are the same as written only with signs of the same meaning. */
static inline uint32_t tm_sign_class(uint32_t sign)
{
    return sign == 0x2212 ? '-' : sign;
}

/** The length in bytes of a sign as written (UTF-8), 0 for none. */
static inline size_t tm_sign_len(uint32_t sign)
{
    return sign == 0x2212 ? 3 : sign ? 1 : 0;
}

/** A format code token's surface s[0..n) (at most TM_CODE_MAX bytes) as a tm_num. A target's
 * code with glibc's I flag ("%Id", as Arabic catalogues write a source's "%d") pairs with the
 * source's code without it, and a query's numeric code written in its place takes the flag. */
void tm_num_code(const char *s, size_t n, tm_num *out);

/** Parse s[0..n), a number token's surface (digits of one or several systems, separators),
 * with its sign when s starts with one: '-', '+' or U+2212 right before a digit (out->sign).
 * Returns 0 (out->value tells whether it has a value), JISR_EINVAL when s has no digit. */
int tm_num_parse(const char *s, size_t n, tm_num *out);

/** Agreement classes: CLDR's plural categories, which are the classes the grammar of the
 * language distinguishes after a number (Arabic: 0, 1, 2, 3–10, 11–99 and everything else —
 * 100, 1000, 101, 102 … — by the last two digits; English: 1 and other). */
typedef enum tm_plural {
    TM_PL_ZERO,
    TM_PL_ONE,
    TM_PL_TWO,
    TM_PL_FEW,
    TM_PL_MANY,
    TM_PL_OTHER,
    TM_PL_NONE /* not a value: no class */
} tm_plural;

/** The agreement class of x in language lang (BCP 47; the primary subtag decides), from ICU's
 * plural rules applied to the number as written (visible fraction digits count: English "1"
 * is ONE, "1.0" OTHER), by its absolute value (its sign does not count: "-1" is ONE). A language
 * ICU does not know gets the root rules (everything OTHER). Thread-safe (the rules are opened once
 * per language and shared). <0 on ICU failure. */
int tm_num_plural(const char *lang, const tm_num *x);
const char *tm_plural_name(int cls);

/** Append x's value written like the number `like` (its digit system, and U+066B/U+066C when it
 * used them); like NULL: ASCII. x's sign goes before it: like's own sign character when like has
 * a sign of the same meaning (U+2212 for a query's '-'), else x's; none when x has none. */
int tm_num_render(const tm_num *x, const tm_num *like, const char *like_s, size_t like_n,
                  jisr_buf *out);

/* ---- number pairing (place.c) ----------------------------------------------------------- */

enum {
    TM_PAIR_OK = 0,        /* every changed number has its place in the target */
    TM_PAIR_MISSING = 1,   /* a changed number's value is not in the target */
    TM_PAIR_AMBIGUOUS = 2, /* a value occurs several times with different fates and the target
                            * does not show it in the source's order and count */
};

/** Pair the numbers of a stored source with those of its target, given the query's numbers:
 * src[i] is the i-th number of the source, qry[i] the query's number at the same place (the
 * caller has checked that the two texts differ only in numbers), tgt[] the target's numbers.
 * Every source value that changes is looked for in the target: when all its occurrences change
 * alike, every target occurrence of the value takes the new one; when they do not, the value's
 * occurrences in the target are paired with the source's in order, which is only trusted when
 * the target has them in the same count and the target's numbers drawn from the source's values
 * come in the source's order — otherwise the pairing is ambiguous. t2q[j] receives, for each
 * target number j, the index of the query number it becomes, or -1 when it stays. */
int tm_num_pair(const tm_num *src, const tm_num *qry, size_t n, const tm_num *tgt, size_t nt,
                int *t2q);

/* ---- inline tags (tagmap.c) -------------------------------------------------------------- */

typedef enum tm_tag_kind {
    TM_TAG_BPT = 1, /* <bpt>: opening of a paired code */
    TM_TAG_EPT,     /* <ept>: its closing */
    TM_TAG_PH,      /* <ph>: a standalone code */
    TM_TAG_IT_OPEN, /* <it pos="begin"> */
    TM_TAG_IT_CLOSE,
    TM_TAG_UT,       /* <ut> (TMX 1.1–1.4 deprecated) */
    TM_TAG_HI_OPEN,  /* "<hi …>": the start of a highlighted span */
    TM_TAG_HI_CLOSE, /* "</hi>" */
    TM_TAG_OTHER,    /* <sub> or anything else */
    TM_TAG_CHAR,     /* a literal private-use character ("&#xE001;"), not markup */
} tm_tag_kind;

typedef struct tm_tag {
    const char *xml; /* the element's XML (borrowed) */
    size_t n;
    int kind;  /* tm_tag_kind */
    long i, x; /* the i and x attributes, -1 when absent */
} tm_tag;

/** Classify one tag's XML (as formats.h keeps it) and read its i and x attributes. */
void tm_tag_parse(const char *xml, size_t n, tm_tag *out);

/** Map the tags of a stored target onto the query's, through the stored source: the query's and
 * the source's tags are paired by order within each kind (an <ept> follows its <bpt> through the
 * i attributes when both sides have them); each target tag is paired with a source tag by the
 * x attribute when both carry it, else by identical XML, else by order within its kind (an <ept>
 * through its <bpt>). All arrays are in text order. t2q[j] = the query tag target tag j becomes,
 * or -1 (no counterpart: reported to the user). q_used[k] (may be NULL) = 1 when some target tag
 * becomes query tag k. Returns the tag difference between query and source: the number of tags
 * of either that have no partner of their kind in the other. With cmp, also the paired query
 * and source tags that are both code placeholders, and how many of those hold different codes
 * (docs/matching.md §2.3: other tags' contents are not compared). */
typedef struct tm_tag_cmp {
    size_t codes;        /* pairs of code placeholders (<ph>{0}</ph>, <ph>%s</ph>: tm_ph_code) */
    size_t codes_differ; /* of those, pairs whose codes differ */
} tm_tag_cmp;
size_t tm_tags_map(const tm_tag *q, size_t nq, const tm_tag *s, size_t ns, const tm_tag *t,
                   size_t nt, int *t2q, unsigned char *q_used, tm_tag_cmp *cmp);

#endif
