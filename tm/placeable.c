/*
 * placeable.c — what a match does with the query's numbers and tags (docs/matching.md §2.2,
 * §2.3): the matcher's side of place.c (numbers, agreement classes) and tagmap.c (tag mapping).
 *
 * Numbers. When the query and the stored source differ only in numbers, the source's numbers are
 * paired with the target's by position and value (tm_num_pair) and the query's numbers written
 * into the target in its style; a pairing the target does not settle is not guessed. A sign
 * written right before a number ("-5", "+5", "−5"; not "A-5" or "3-5") is part of it here,
 * though the tokenizer and the score see a punctuation token. Each substituted number whose
 * agreement class in the target language changes (Arabic 2 → 11: the counted noun goes from the
 * dual to the accusative singular) is reported with its position and costs
 * JISR_TM_AGREE_PENALTY points, so such a match is never 100 and never outranks one that
 * needs no change (score.c also ranks it after an equal score without one).
 *
 * Tags. The query's tags (jisr_tm_query_opts.tags) and the stored source's are compared by kind
 * in text order: each one without a counterpart costs JISR_TM_TAG_PENALTY points. The target is
 * returned with the query's tags in place of its stored ones (tm_tags_map); a stored tag with no
 * counterpart is left out (and a space beside it where it stood between two, or at an end) and
 * reported, a query tag that none became is reported for the translator to place.
 *
 * In a fuzzy match (the texts differ in more than numbers, §2.2) numbers and format codes are
 * paired by position, each among its own kind, and substituted the same way; where a kind cannot
 * be paired and a stored value may be stale, nothing is substituted and the match says so. Such
 * a match is no placeable (JISR_TM_DIFFER_MORE): the renderings say what became of its numbers
 * only. Number tokens that count nothing — a day beside a month name, a year in a date, a
 * percentage — have no agreement to check.
 *
 * Copied tokens and accelerators (§2.3a). A token the stored target repeats from its source
 * (an alphanumeric code, a size, an ellipsis) that the query writes otherwise takes the query's
 * form when which target token is which cannot be wrong; a query without an accelerator marker gets
 * a target without one. Neither changes a score.
 *
 * Numbers and tags are computed twice for a match that makes the list: the penalty when it is
 * scored (score.c, exactly as --exhaustive would), the texts when it is rendered (diff.c).
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "tm/match_int.h"
#include "tm/place_int.h"
#include "util/utf8.h"

/* The tokens of the target text tt[0..tn) in p->tt, tokenized once for the steps of one match
 * that read the same text (the caller's buffer, unchanged while p->ttp points to it). */
static int place_target(tm_place *p, const char *tt, size_t tn)
{
    if (p->ttp == tt && p->ttn == tn)
        return 0;
    p->ttp = NULL;
    int rc = p->nttags ? tm_toks_glue_cstr(&p->tt, p->ttags, p->nttags) : 0;
    if (rc < 0 || (rc = tm_tokenize(tt, tn, &p->tt)) < 0)
        return rc;
    p->ttp = tt;
    p->ttn = tn;
    return 0;
}

/* ---- signs -------------------------------------------------------------------------------- */

/* The text s before byte i is where a number's sign stands: its start, or after white space (as
 * the tokenizer reads it) or an opening bracket or quote; format characters and tag placeholders
 * in between do not count. After a letter, a digit or other punctuation it is a hyphen or a dash:
 * "A-5", the range "3-5", "x-5" */
static int sign_position(const char *s, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;
    while (i > 0) {
        size_t b = i - 1, len;
        while (b > 0 && i - b < 4 && (u[b] & 0xC0) == 0x80)
            b--;
        int32_t c = jisr_utf8_decode(u, i, b, &len);
        if (c < 0 || b + len != i)
            return 0;
        int type = u_charType(c);
        if ((c >= 0xE000 && c <= 0xF8FF) || type == U_FORMAT_CHAR) {
            i = b;
            continue;
        }
        return c <= ' ' || c == 0x7F || c == '"' || c == '\'' || type == U_SPACE_SEPARATOR ||
               type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR ||
               type == U_CONTROL_CHAR || type == U_START_PUNCTUATION ||
               type == U_INITIAL_PUNCTUATION;
    }
    return 1;
}

/* Token k of t (text s) is the sign of the number token after it: '-', '+' or U+2212 written
 * right before its first digit (not a format code's), in a sign's position (sign_position).
 * Returns the sign, 0 when it is none. The tokenizer keeps it a punctuation token (the score
 * counts it as one); the placeables read it as part of its number (docs/matching.md §2.2). */
static uint32_t sign_at(const char *s, const tm_toks *t, size_t k)
{
    if (k + 1 >= t->n)
        return 0;
    const tm_tok *a = &t->v[k], *b = &t->v[k + 1];
    if (a->kind != TM_PUNCT || b->kind != TM_NUMBER || b->code || a->end != b->start)
        return 0;
    size_t len;
    int32_t c = jisr_utf8_decode((const unsigned char *)s, a->end, a->start, &len);
    if ((c != '-' && c != '+' && c != 0x2212) || a->start + len != a->end)
        return 0;
    return sign_position(s, a->start) ? (uint32_t)c : 0;
}

/* ---- numbers ------------------------------------------------------------------------------ */

/* Do q and s (texts qt and st) differ only in numbers (tags aside; a number's sign is part of
 * it), and in at least one? *kinds: JISR_TM_DIFFER_* of those that differ (numbers, format
 * codes) */
static int numbers_only(const char *qt, const tm_toks *q, const char *st, const tm_toks *s,
                        int *kinds)
{
    size_t i = 0, j = 0, ndiff = 0;
    *kinds = 0;
    for (;;) {
        while (i < q->n && q->v[i].kind == TM_TAG)
            i++;
        while (j < s->n && s->v[j].kind == TM_TAG)
            j++;
        if (i == q->n || j == s->n)
            break;
        uint32_t qs = tm_sign_class(sign_at(qt, q, i)), ss = tm_sign_class(sign_at(st, s, j));
        i += qs != 0; /* the number after the sign */
        j += ss != 0;
        const tm_tok *a = &q->v[i++], *b = &s->v[j++];
        if (a->kind != b->kind)
            return 0;
        if (a->kind == TM_NUMBER && a->code != b->code)
            return 0; /* a format code and a number: not a placeable */
        if (a->kind == TM_NUMBER && (a->hn != b->hn || qs != ss)) {
            ndiff++;
            *kinds |= a->code ? JISR_TM_DIFFER_CODES : JISR_TM_DIFFER_NUMBERS;
        } else if (a->kind != TM_NUMBER && a->hn != b->hn &&
                   !(a->affix == TM_AFFIX_ORDINAL && b->affix == TM_AFFIX_ORDINAL)) {
            return 0; /* an ordinal suffix is its number's: "1st" / "2nd" differ in a number */
        }
    }
    while (i < q->n && q->v[i].kind == TM_TAG)
        i++;
    while (j < s->n && s->v[j].kind == TM_TAG)
        j++;
    return i == q->n && j == s->n && ndiff > 0;
}

static int grow_nums(tm_num **v, size_t *cap, size_t n)
{
    if (n <= *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < n)
        c *= 2;
    tm_num *nv = realloc(*v, c * sizeof *nv);
    if (!nv)
        return jisr_oom(c * sizeof *nv);
    *v = nv;
    *cap = c;
    return 0;
}

/* the numbers of t (text s) parsed into v, each with its sign */
static int parse_numbers(const char *s, const tm_toks *t, tm_num **v, size_t *cap, size_t *n)
{
    *n = 0;
    for (size_t k = 0; k < t->n; k++) {
        if (t->v[k].kind != TM_NUMBER)
            continue;
        int rc = grow_nums(v, cap, *n + 1);
        if (rc < 0)
            return rc;
        size_t from = k > 0 && sign_at(s, t, k - 1) ? t->v[k - 1].start : t->v[k].start;
        if (t->v[k].code)
            tm_num_code(s + t->v[k].start, t->v[k].end - t->v[k].start, &(*v)[*n]);
        else if (tm_num_parse(s + from, t->v[k].end - from, &(*v)[*n]) < 0) {
            memset(&(*v)[*n], 0, sizeof **v); /* a number token always has a digit */
            (*v)[*n].val[0] = '?';
        }
        (*n)++;
    }
    return 0;
}

/* Number token t of text s is an argument's index in braces, not a count: no agreement to
 * check. "{0}", "{1,number}", "{2:N2}" are codes (tm_code_len) since tokenizer version 4; what
 * is left is an ICU plural's or select's index ("{0, plural, one {#} …}") */
static int brace_index(const char *s, size_t n, const tm_tok *t)
{
    return t->start > 0 && s[t->start - 1] == '{' && t->end < n &&
           (s[t->end] == '}' || s[t->end] == ',' || s[t->end] == ':');
}

/* ---- numbers that count nothing ----------------------------------------------------------- */

/* Words that name a month: English (capitalised, as dates write them: "may" is a verb), and
 * Arabic in both systems — the Syriac names of the Levant and Iraq, the ones from the Latin of
 * Egypt and the Gulf, and the UN's pairs of both ("كانون الثاني/يناير", each half a word here)
 * with their common spellings. A two-word name ("كانون الثاني") is known by its first word. */
static const char *const month_words[] = {
    "January",   "February", "March",    "April",    "May",    "June",   "July",   "August",
    "September", "October",  "November", "December", "Jan",    "Feb",    "Mar",    "Apr",
    "Jun",       "Jul",      "Aug",      "Sep",      "Sept",   "Oct",    "Nov",    "Dec",
    "كانون",     "شباط",     "آذار",     "اذار",     "نيسان",  "أيار",   "ايار",   "حزيران",
    "تموز",      "آب",       "أيلول",    "ايلول",    "تشرين",  "يناير",  "فبراير", "مارس",
    "أبريل",     "إبريل",    "ابريل",    "مايو",     "يونيو",  "يونيه",  "يوليو",  "يوليه",
    "أغسطس",     "اغسطس",    "سبتمبر",   "أكتوبر",   "اكتوبر", "نوفمبر", "ديسمبر"};

static int tok_is(const char *s, const tm_tok *t, const char *w)
{
    size_t n = strlen(w);
    return t->end - t->start == n && memcmp(s + t->start, w, n) == 0;
}

/* Token k of t (text s) is a word naming a month, written as dates write it (the English names
 * also in capitals: "MAY") */
static int month_at(const char *s, const tm_toks *t, long k)
{
    if (k < 0 || (size_t)k >= t->n || t->v[k].kind != TM_WORD)
        return 0;
    const tm_tok *x = &t->v[k];
    for (size_t i = 0; i < sizeof month_words / sizeof *month_words; i++) {
        const char *w = month_words[i];
        size_t n = strlen(w);
        if ((unsigned char)w[0] >= 0x80) {
            if (tok_is(s, x, w))
                return 1;
            continue;
        }
        if (x->end - x->start != n || s[x->start] != w[0])
            continue;
        size_t c = 1; /* the rest as written, or all in capitals */
        while (c < n && s[x->start + c] == w[c])
            c++;
        if (c == n)
            return 1;
        for (c = 1; c < n && s[x->start + c] == w[c] - 32; c++)
            ;
        if (c == n)
            return 1;
    }
    return 0;
}

/* Number token j of t (text s) counts nothing, so no noun agrees with it (docs/matching.md
 * §2.2): a day next to a month name ("2 January", "January 2", "2 كانون الثاني/يناير"), a year
 * of four digits in a date (the month name before it, a day and punctuation between: "May 2015",
 * "1 May, 2015", "أيار/مايو 2015"), or a percentage ("10%", "10 per cent", "10 percent", "10 في
 * المائة", "10 بالمائة", "١٠٪"). Without it a date or a rate was flagged for agreement and lost
 * JISR_TM_AGREE_PENALTY points, which reordered real UN matches that differ only in a date. */
static int counts_nothing(const char *s, const tm_toks *t, size_t j)
{
    const tm_tok *x = &t->v[j];
    size_t digits = 0; /* code points: the digits of any system, separators too */
    for (size_t i = x->start; i < x->end; i++)
        digits += ((unsigned char)s[i] & 0xC0) != 0x80;
    if (digits <= 2 && (month_at(s, t, (long)j + 1) || month_at(s, t, (long)j - 1)))
        return 1;
    if (digits == 4) {
        long k = (long)j - 1;
        for (int skip = 0; k >= 0 && skip < 3 && t->v[k].kind != TM_WORD; skip++)
            k--; /* "1 May, 2015": the day and the comma; "أيار/مايو 2015" */
        if (month_at(s, t, k))
            return 1;
    }
    if (j + 1 < t->n) {
        const tm_tok *y = &t->v[j + 1];
        const tm_tok *z = j + 2 < t->n ? &t->v[j + 2] : NULL;
        if (tok_is(s, y, "%") || tok_is(s, y, "٪") || tok_is(s, y, "percent") ||
            tok_is(s, y, "بالمائة") || tok_is(s, y, "بالمئة") ||
            (z && tok_is(s, y, "per") && tok_is(s, z, "cent")) ||
            (z && tok_is(s, y, "في") && (tok_is(s, z, "المائة") || tok_is(s, z, "المئة"))))
            return 1;
    }
    return 0;
}

/* Token j of t is a number glued to an English ordinal suffix ("1st", "7407th", tok.c): that
 * suffix's token, else NULL */
static const tm_tok *ordinal_after(const tm_toks *t, size_t j)
{
    return j + 1 < t->n && t->v[j + 1].affix == TM_AFFIX_ORDINAL ? &t->v[j + 1] : NULL;
}

/* The k-th number of t is glued to an English ordinal suffix */
static int nth_ordinal(const tm_toks *t, size_t k)
{
    for (size_t j = 0; j < t->n; j++)
        if (t->v[j].kind == TM_NUMBER && k-- == 0)
            return ordinal_after(t, j) != NULL;
    return 0;
}

/* x can take an English ordinal suffix: a whole number without a sign */
static int ordinal_ok(const tm_num *x)
{
    return x->value && !x->code && !x->sign && !strchr(x->val, '.');
}

/* Append the English ordinal suffix of whole number x (1st 2nd 3rd 4th … 11th 12th 13th … 21st),
 * in upper case when the suffix it replaces, old[0..n), starts with a capital. */
static int put_ordinal(const tm_num *x, const char *old, size_t n, jisr_buf *out)
{
    size_t l = strlen(x->val);
    char d = l ? x->val[l - 1] : '0', t = l > 1 ? x->val[l - 2] : '0';
    const char *sfx = t == '1' ? "th" : d == '1' ? "st" : d == '2' ? "nd" : d == '3' ? "rd" : "th";
    char w[3] = {sfx[0], sfx[1], '\0'};
    if (n && old[0] >= 'A' && old[0] <= 'Z')
        w[0] = (char)(w[0] - 32), w[1] = (char)(w[1] - 32);
    return jisr_buf_append(out, w, 2);
}

/* Two parsed numbers are the same as written: the same value (or text, or code) and sign */
static int num_same(const tm_num *a, const tm_num *b)
{
    if (a->code != b->code || a->value != b->value || a->toolong != b->toolong)
        return 0;
    if (a->toolong)
        return a->hash == b->hash;
    return tm_sign_class(a->sign) == tm_sign_class(b->sign) && strcmp(a->val, b->val) == 0;
}

/* How often x occurs among v[0..n) */
static size_t num_count(const tm_num *v, size_t n, const tm_num *x)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += num_same(&v[i], x);
    return k;
}

/* The index of the word token nearest before (dir -1) or after (+1) number token k of t, or -1 */
static long near_word(const tm_toks *t, size_t k, int dir)
{
    for (long j = (long)k + dir; j >= 0 && (size_t)j < t->n; j += dir)
        if (t->v[j].kind == TM_WORD)
            return j;
    return -1;
}

static int same_word(const tm_toks *a, long i, const tm_toks *b, long j)
{
    if (i < 0 || j < 0)
        return i < 0 && j < 0;
    const tm_tok *x = &a->v[i], *y = &b->v[j];
    return x->nl == y->nl && memcmp(a->nb.data + x->no, b->nb.data + y->no, x->nl) == 0;
}

/* In a match that differs in words too, number tokens qk of q and sk of s stand in the same
 * place only when the word before them or the word after them is the same ("bought 12 books" /
 * "bought 11 new books"); "UTF-8 invalid" / "NEC SK-1300" pairs nothing. A format code needs no
 * such anchor: a format string's codes are its arguments, in order. */
static int same_place(const tm_toks *q, size_t qk, const tm_toks *s, size_t sk)
{
    return same_word(q, near_word(q, qk, -1), s, near_word(s, sk, -1)) ||
           same_word(q, near_word(q, qk, 1), s, near_word(s, sk, 1));
}

/* The token index of the number tokens of t, in order, into *v (p's scratch) */
static int number_toks(const tm_toks *t, size_t **v, size_t *cap, size_t *n)
{
    *n = 0;
    for (size_t k = 0; k < t->n; k++)
        if (t->v[k].kind == TM_NUMBER) {
            int rc = JISR_GROW(*v, *cap, *n + 1);
            if (rc < 0)
                return rc;
            (*v)[(*n)++] = k;
        }
    return 0;
}

/* Texts that differ in more than numbers (a fuzzy match; docs/matching.md §2.2), their numbers
 * and format codes parsed in p->qn[0..nq) and p->sn[0..ns): what becomes of the target's.
 * Numbers and codes are paired each among their own kind, by position, when query and source
 * have as many of that kind (numbers also each in the same place, same_place): p->qn then holds
 * the query's number or code for each source one, and 1 is returned when one of them changes
 * (*kinds: which kinds, JISR_TM_DIFFER_*). A kind that cannot be paired so is trusted only if
 * each of its source values is still in the query (as often): else JISR_TM_NUMBERS_AMBIGUOUS
 * (2) and *kinds the kinds that change or may be stale — a number or a code of the target may
 * be stale and which query value replaces it is not known, so nothing is substituted. 0:
 * nothing to do. A stale format code is the worse of the two (a "%d" given a string crashes a
 * C program), so it gets the same promise as a number. */
#define FUZZY_MAX_NUMBERS 64
static int fuzzy_numbers(tm_place *p, const tm_toks *q, const tm_toks *s, size_t nq, size_t ns,
                         int *kinds)
{
    size_t nqk, nsk;
    int rc = number_toks(q, &p->qk, &p->qkcap, &nqk);
    if (rc < 0 || (rc = number_toks(s, &p->sk, &p->skcap, &nsk)) < 0)
        return rc;
    if (nqk != nq || nsk != ns || (rc = grow_nums(&p->fq, &p->fqcap, ns + 1)) < 0)
        return rc < 0 ? rc : 0; /* cannot happen: parse_numbers read the same tokens */
    int changed = 0, stale = 0;
    for (int code = 0; code < 2; code++) {
        int bit = code ? JISR_TM_DIFFER_CODES : JISR_TM_DIFFER_NUMBERS;
        size_t cq = 0, cs = 0;
        for (size_t i = 0; i < nq; i++)
            cq += p->qn[i].code == code;
        for (size_t i = 0; i < ns; i++)
            cs += p->sn[i].code == code;
        int pairs = cq == cs && cs <= FUZZY_MAX_NUMBERS;
        for (size_t i = 0, j = 0; pairs && i < ns; i++) {
            if (p->sn[i].code != code)
                continue;
            while (p->qn[j].code != code)
                j++;
            pairs = code || same_place(q, p->qk[j], s, p->sk[i]);
            p->fq[i] = p->qn[j++];
            if (pairs && !num_same(&p->fq[i], &p->sn[i]))
                changed |= bit;
        }
        if (pairs)
            continue;
        for (size_t i = 0; i < ns; i++)
            if (p->sn[i].code == code) {
                p->fq[i] = p->sn[i];
                if (num_count(p->sn, ns, &p->sn[i]) > num_count(p->qn, nq, &p->sn[i]))
                    stale |= bit;
            }
    }
    if (stale) {
        *kinds = stale | changed;
        return 2;
    }
    *kinds = changed;
    if (!changed)
        return 0;
    if ((rc = grow_nums(&p->qn, &p->qncap, ns)) < 0)
        return rc;
    memcpy(p->qn, p->fq, ns * sizeof *p->qn);
    return 1;
}

int tm_match_numbers(tm_place *p, const char *qt, const tm_toks *q, const char *st,
                     const tm_toks *s, const char *tt, size_t tn, const char *tgtlang,
                     jisr_buf *out, jisr_tm_agree **agree, size_t *nagree)
{
    p->state = JISR_TM_NUMBERS_SAME;
    p->nchange = 0;
    if (nagree)
        *nagree = 0;
    int only = numbers_only(qt, q, st, s, &p->kinds);
    if (!only && (q->nheavy == q->nwords || s->nheavy == s->nwords))
        return 0; /* one of the two has no number: the diff shows what the other adds */
    size_t nq, ns, nt;
    int rc = parse_numbers(qt, q, &p->qn, &p->qncap, &nq);
    if (rc < 0 || (rc = parse_numbers(st, s, &p->sn, &p->sncap, &ns)) < 0)
        return rc;
    if (!only) {
        int kinds, f = fuzzy_numbers(p, q, s, nq, ns, &kinds);
        if (f <= 0)
            return f;
        /* what was substituted, or is not, in a match that is not a placeable (§2.2) */
        p->kinds = kinds | JISR_TM_DIFFER_MORE;
        if (f == 2) {
            p->state = JISR_TM_NUMBERS_AMBIGUOUS;
            return 0;
        }
        nq = ns;
    }
    if (nq != ns) /* cannot happen: numbers_only pairs them */
        return 0;
    p->ttp = NULL; /* also called while scoring, on texts whose buffers are reused */
    if ((rc = tm_tokenize(tt, tn, &p->tt)) < 0 ||
        (rc = parse_numbers(tt, &p->tt, &p->tnum, &p->tncap, &nt)) < 0)
        return rc;
    if ((rc = JISR_GROW(p->t2q, p->t2qcap, nt + 1)) < 0)
        return rc;
    int pr = tm_num_pair(p->sn, p->qn, ns, p->tnum, nt, p->t2q);
    if (pr == TM_PAIR_MISSING) {
        p->state = JISR_TM_NUMBERS_MISSING;
        return 0;
    }
    if (pr == TM_PAIR_AMBIGUOUS) {
        p->state = JISR_TM_NUMBERS_AMBIGUOUS;
        return 0;
    }
    /* a number too long to hold (TM_NUM_MAXDIGITS) cannot be written into the target, nor a
     * sign before a target number where it would read as a hyphen or a dash ("3-5") */
    for (size_t j = 0, k = 0; j < p->tt.n; j++)
        if (p->tt.v[j].kind == TM_NUMBER) {
            int qi = p->t2q[k++];
            if (qi >= 0 &&
                (p->qn[qi].toolong || p->tnum[k - 1].toolong ||
                 (p->qn[qi].sign && !p->tnum[k - 1].sign && !sign_position(tt, p->tt.v[j].start)) ||
                 (ordinal_after(&p->tt, j) && !ordinal_ok(&p->qn[qi])))) {
                p->state = JISR_TM_NUMBERS_AMBIGUOUS;
                return 0;
            }
        }
    p->state = JISR_TM_NUMBERS_PLACED;
    /* the target with the query's numbers, and which of them change class */
    size_t pos = 0, k = 0;
    for (size_t j = 0; j < p->tt.n; j++) {
        const tm_tok *tok = &p->tt.v[j];
        if (tok->kind != TM_NUMBER)
            continue;
        int qi = p->t2q[k++];
        if (qi < 0)
            continue;
        int from = tm_num_plural(tgtlang, &p->tnum[k - 1]);
        int to = tm_num_plural(tgtlang, &p->qn[qi]);
        /* an ordinal counts nothing: "1st" / "الجلسة 1" asked "2nd" is no dual */
        const tm_tok *ord = ordinal_after(&p->tt, j);
        int change = from >= 0 && to >= 0 && from != TM_PL_NONE && to != TM_PL_NONE && from != to &&
                     !brace_index(tt, tn, tok) && !ord && !nth_ordinal(q, (size_t)qi) &&
                     !counts_nothing(tt, &p->tt, j);
        p->nchange += change;
        if (!out)
            continue;
        /* the target's number with its sign, if any, becomes the query's with its own */
        size_t start = tok->start - tm_sign_len(p->tnum[k - 1].sign);
        if ((rc = jisr_buf_append(out, tt + pos, start - pos)) < 0)
            return rc;
        size_t at = out->len;
        if ((rc = tm_num_render(&p->qn[qi], &p->tnum[k - 1], tt + start, tok->end - start, out)) <
            0)
            return rc;
        pos = tok->end;
        if (ord) { /* the suffix of the new number: 1st → 2nd, not 2st */
            if ((rc = put_ordinal(&p->qn[qi], tt + ord->start, ord->end - ord->start, out)) < 0)
                return rc;
            pos = ord->end;
        }
        if (change && agree) {
            jisr_tm_agree *na = realloc(*agree, (*nagree + 1) * sizeof *na);
            if (!na)
                return jisr_oom((*nagree + 1) * sizeof *na);
            *agree = na;
            jisr_tm_agree *a = &na[(*nagree)++];
            a->start = at;
            a->end = out->len;
            snprintf(a->from, sizeof a->from, "%s", tm_plural_name(from));
            snprintf(a->to, sizeof a->to, "%s", tm_plural_name(to));
        }
    }
    if (out && (rc = jisr_buf_append(out, tt + pos, tn - pos)) < 0)
        return rc;
    if (out && !out->data && (rc = jisr_buf_puts(out, "")) < 0)
        return rc;
    return 0;
}

/* ---- copied tokens ------------------------------------------------------------------------ */

/* Texts longer than this (source and target tokens) are left as they are: the checks below
 * compare tokens pairwise. */
#define TM_COPY_MAX_TOKENS 4096

static int surf_eq(const char *a, const tm_tok *x, const char *b, const tm_tok *y)
{
    return x->end - x->start == y->end - y->start &&
           memcmp(a + x->start, b + y->start, x->end - x->start) == 0;
}

static int has_digit(const char *s, const tm_tok *t)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = t->start; i < t->end;) {
        size_t len;
        int32_t c = jisr_utf8_decode(u, t->end, i, &len);
        if (c >= 0 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER)
            return 1;
        i += len ? len : 1;
    }
    return 0;
}

/* Token t of s is one of the Arabic signs the match form folds to a Latin one (، ؛ ؟ ٪ → , ; ? %,
 * JISR_NORM_PUNCT) */
static int arabic_sign(const char *s, const tm_tok *t)
{
    const unsigned char *u = (const unsigned char *)s + t->start;
    return t->end - t->start == 2 &&
           ((u[0] == 0xD8 && (u[1] == 0x8C || u[1] == 0x9B || u[1] == 0x9F)) ||
            (u[0] == 0xD9 && u[1] == 0xAA));
}

/* Source token b, paired with query token a, is one a copy follows: another surface, and the
 * same token but for typography, case or accelerators (same normal form), or two codes with
 * digits ("you4" / "you6", "9x11" / "9×12"). Numbers and format codes are tm_match_numbers's
 * (paired by position in a fuzzy match too, and marked when they cannot be: §2.2), tags
 * tagmap's. Not an Arabic sign against its Latin fold (، / ,): the script of a sign is the target
 * language's, so an English target keeps its "," and "%" whatever the Arabic query writes. */
static int copy_pair(const char *qt, const tm_tok *a, const char *st, const tm_tok *b)
{
    if (a->kind != b->kind || b->kind == TM_NUMBER || b->kind == TM_TAG || surf_eq(qt, a, st, b))
        return 0;
    if (b->kind == TM_PUNCT && arabic_sign(qt, a) != arabic_sign(st, b))
        return 0;
    return a->hn == b->hn || (b->kind == TM_WORD && has_digit(st, b) && has_digit(qt, a));
}

/* Target token y is the source's x repeated: the same kind and normal form */
static int repeats(const tm_tok *y, const tm_tok *x)
{
    return y->kind == x->kind && y->hn == x->hn;
}

int tm_copies_possible(tm_place *p, const char *qt, const tm_toks *q, const char *st,
                       const tm_toks *s, const char *tt, size_t tn)
{
    p->ttp = NULL;
    if (s->n + q->n > TM_COPY_MAX_TOKENS)
        return 0;
    int rc = place_target(p, tt, tn);
    if (rc < 0)
        return rc;
    if (p->tt.n + s->n > TM_COPY_MAX_TOKENS)
        return 0;
    for (size_t i = 0; i < s->n; i++) {
        const tm_tok *b = &s->v[i];
        if (b->kind == TM_NUMBER || b->kind == TM_TAG || sign_at(st, s, i))
            continue; /* a number's sign is its number's */
        size_t j = 0, k = 0;
        while (j < p->tt.n && (p->tt.v[j].hn != b->hn || sign_at(tt, &p->tt, j)))
            j++;
        if (j == p->tt.n)
            continue; /* the target does not repeat it */
        while (k < q->n && !surf_eq(qt, &q->v[k], st, b))
            k++;
        if (k == q->n)
            return 1; /* repeated, and the query writes it otherwise or not at all */
    }
    return 0;
}

/* Whether token t of text s holds a placeholder (a word with tags inside, tok.c): such a target
 * word is not overwritten by a query word without them, which would drop its formatting. */
static int tags_in(const char *s, const tm_tok *t)
{
    for (size_t i = t->start; i + 3 <= t->end; i++)
        if (tm_pua_lead(s + i))
            return 1;
    return 0;
}

int tm_match_copies(tm_place *p, const char *qt, const tm_toks *q, const char *st, const tm_toks *s,
                    const int32_t *s2q, const char *tt, size_t tn, jisr_buf *out, size_t *ncopied)
{
    *ncopied = 0;
    if (s->n + q->n > TM_COPY_MAX_TOKENS)
        return 0;
    int rc = place_target(p, tt, tn);
    if (rc < 0)
        return rc;
    const tm_toks *t = &p->tt;
    if (t->n + s->n > TM_COPY_MAX_TOKENS)
        return 0;
    if ((rc = JISR_GROW(p->t2q, p->t2qcap, t->n + 1)) < 0)
        return rc;
    int *rep = p->t2q; /* the query token target token j becomes, or -1 */
    for (size_t j = 0; j < t->n; j++)
        rep[j] = -1;
    for (size_t i = 0; i < s->n; i++) {
        if (s2q[i] < 0)
            continue;
        const tm_tok *b = &s->v[i], *a = &q->v[s2q[i]];
        /* a number's sign is tm_match_numbers's, with its number */
        if (!copy_pair(qt, a, st, b) || sign_at(st, s, i) || sign_at(qt, q, (size_t)s2q[i]))
            continue;
        /* every occurrence of it in the source changes alike, and the target repeats it as
         * often: which target occurrence is which does not matter then */
        size_t ns = 0, nt = 0;
        int alike = 1;
        for (size_t i2 = 0; i2 < s->n && alike; i2++) {
            if (s->v[i2].hn != b->hn || sign_at(st, s, i2))
                continue;
            ns++;
            alike = s2q[i2] >= 0 && surf_eq(qt, &q->v[s2q[i2]], qt, a);
        }
        for (size_t j = 0; j < t->n; j++)
            nt += repeats(&t->v[j], b) && !sign_at(tt, t, j);
        if (!alike || nt != ns)
            continue;
        for (size_t j = 0; j < t->n; j++)
            if (rep[j] < 0 && repeats(&t->v[j], b) && !sign_at(tt, t, j) &&
                !surf_eq(tt, &t->v[j], qt, a) && !(tags_in(tt, &t->v[j]) && !tags_in(qt, a))) {
                rep[j] = s2q[i];
                (*ncopied)++;
            }
    }
    if (!*ncopied)
        return 0;
    size_t pos = 0;
    for (size_t j = 0; j < t->n; j++) {
        if (rep[j] < 0)
            continue;
        const tm_tok *a = &q->v[rep[j]], *y = &t->v[j];
        if ((rc = jisr_buf_append(out, tt + pos, y->start - pos)) < 0)
            return rc;
        if ((rc = jisr_buf_append(out, qt + a->start, a->end - a->start)) < 0)
            return rc;
        pos = y->end;
    }
    return jisr_buf_append(out, tt + pos, tn - pos);
}

/* ---- accelerators ------------------------------------------------------------------------- */

/* The accelerator markers of token t of text s: a '_' or '&' inside a word token is one (the
 * tokenizer takes them into a word only as markers, tok.c). */
static size_t tok_markers(const char *s, const tm_tok *t)
{
    size_t n = 0;
    if (t->kind == TM_WORD)
        for (size_t i = t->start; i < t->end; i++)
            n += s[i] == '_' || s[i] == '&';
    return n;
}

static size_t markers(const char *s, const tm_toks *t)
{
    size_t n = 0;
    for (size_t k = 0; k < t->n; k++)
        n += tok_markers(s, &t->v[k]);
    return n;
}

int tm_match_accel(tm_place *p, const char *qt, const tm_toks *q, const char *st, const tm_toks *s,
                   const char *tt, size_t tn, jisr_buf *out, int *state)
{
    *state = JISR_TM_ACCEL_SAME;
    size_t qm = markers(qt, q), sm = markers(st, s);
    if (!qm && !sm)
        return 0;
    int rc = place_target(p, tt, tn);
    if (rc < 0)
        return rc;
    const tm_toks *t = &p->tt;
    size_t tmk = markers(tt, t);
    if (qm && !sm && !tmk) {
        *state = JISR_TM_ACCEL_MISSING;
        return 0;
    }
    if (tmk != sm || (qm && qm != sm))
        return 0;
    /* the query's style: one marker character throughout ("_Open" against "&Open") */
    char style = 0;
    if (qm) {
        for (size_t k = 0; k < q->n; k++)
            for (size_t i = q->v[k].start; tok_markers(qt, &q->v[k]) && i < q->v[k].end; i++)
                if (qt[i] == '_' || qt[i] == '&') {
                    if (style && style != qt[i])
                        return 0;
                    style = qt[i];
                }
        size_t same = 0;
        for (size_t k = 0; k < t->n; k++)
            for (size_t i = t->v[k].start; tok_markers(tt, &t->v[k]) && i < t->v[k].end; i++)
                same += tt[i] == style;
        if (same == tmk)
            return 0;
    }
    /* an identifier the target repeats as written ("Num_Lock") has no accelerator */
    for (size_t i = 0; i < s->n; i++)
        if (tok_markers(st, &s->v[i]))
            for (size_t j = 0; j < t->n; j++)
                if (surf_eq(st, &s->v[i], tt, &t->v[j]))
                    return 0;
    /* each marker taken out, or written in the query's style */
    size_t pos = 0;
    for (size_t k = 0; k < t->n; k++) {
        if (!tok_markers(tt, &t->v[k]))
            continue;
        for (size_t i = t->v[k].start; i < t->v[k].end; i++)
            if (tt[i] == '_' || tt[i] == '&') {
                if ((rc = jisr_buf_append(out, tt + pos, i - pos)) < 0 ||
                    (style && (rc = jisr_buf_append(out, &style, 1)) < 0))
                    return rc;
                pos = i + 1;
            }
    }
    if ((rc = jisr_buf_append(out, tt + pos, tn - pos)) < 0)
        return rc;
    *state = style ? JISR_TM_ACCEL_STYLED : JISR_TM_ACCEL_REMOVED;
    return 0;
}

/* ---- tags --------------------------------------------------------------------------------- */

long tm_placeholder_at(const char *s, size_t n, size_t i, size_t ntags, size_t *len)
{
    unsigned char c = (unsigned char)s[i];
    *len = 1;
    if (c != 0xEE && c != 0xEF)
        return -1;
    int32_t cp = jisr_utf8_decode((const unsigned char *)s, n, i, len);
    if (cp < (int32_t)JISR_TAG_BASE || cp >= (int32_t)(JISR_TAG_BASE + JISR_TAG_MAX))
        return -1;
    long k = cp - (int32_t)JISR_TAG_BASE;
    return (size_t)k < ntags ? k : -1;
}

int tm_text_tags(const char *s, size_t n, const tm_str *markup, size_t nmarkup, tm_tag **out,
                 size_t *cap, size_t *nout, uint32_t **idx, size_t *idxcap)
{
    *nout = 0;
    for (size_t i = 0; i < n;) {
        size_t len;
        long k = tm_placeholder_at(s, n, i, nmarkup, &len);
        if (k >= 0) {
            int rc = JISR_GROW(*out, *cap, *nout + 1);
            if (rc < 0 || (rc = JISR_GROW(*idx, *idxcap, *nout + 1)) < 0)
                return rc;
            tm_tag_parse(markup[k].p ? markup[k].p : "", markup[k].n, &(*out)[*nout]);
            (*idx)[*nout] = (uint32_t)k;
            (*nout)++;
        }
        i += len;
    }
    return 0;
}

int tm_place_tags(tm_place *p, const tm_rec *r, const tm_rvar *v, int which)
{
    tm_taglist *l = &p->tl[which];
    l->nmarkup = 0;
    if (v->ntags) {
        int rc = JISR_GROW(l->markup, l->mcap, v->ntags);
        if (rc < 0 || (rc = tm_rvar_tags(r, v, l->markup, v->ntags)) < 0)
            return rc;
        l->nmarkup = (size_t)rc;
    }
    return tm_text_tags(v->text.p, v->text.n, l->markup, l->nmarkup, &l->t, &l->cap, &l->n, &l->idx,
                        &l->idxcap);
}

int tm_map_target(tm_place *p, const char *tt, size_t tn, const tm_taglist *q, jisr_buf *out,
                  jisr_tm_match *m)
{
    const tm_taglist *s = &p->tl[0], *t = &p->tl[1];
    int rc = JISR_GROW(p->t2q, p->t2qcap, t->n + 1);
    unsigned char *used = calloc(q->n + 1, 1);
    if (rc < 0 || !used) {
        free(used);
        return rc < 0 ? rc : jisr_oom(q->n + 1);
    }
    m->tag_diff = tm_tags_map(q->t, q->n, s->t, s->n, t->t, t->n, p->t2q, used, NULL);
    /* the target text, each stored placeholder replaced by the query's it maps to */
    size_t k = 0, run = 0;
    for (size_t i = 0; i < tn;) {
        size_t len;
        long ph = tm_placeholder_at(tt, tn, i, t->nmarkup, &len);
        if (ph >= 0) {
            if ((rc = jisr_buf_append(out, tt + run, i - run)) < 0)
                goto done;
            int qi = k < t->n ? p->t2q[k] : -1;
            k++;
            if (qi >= 0) {
                uint32_t cp = JISR_TAG_BASE + q->idx[qi];
                char u[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                             (char)(0x80 | (cp & 0x3F))};
                if ((rc = jisr_buf_append(out, u, 3)) < 0)
                    goto done;
            } else { /* reported, left out */
                char **nu = realloc(m->unmapped, (m->nunmapped + 1) * sizeof *nu);
                if (!nu) {
                    rc = jisr_oom(0);
                    goto done;
                }
                m->unmapped = nu;
                const tm_str *x = &t->markup[ph];
                if (!(nu[m->nunmapped] = x->p ? jisr_strndup(x->p, x->n) : jisr_strdup(""))) {
                    rc = jisr_oom(x->n);
                    goto done;
                }
                m->nunmapped++;
                /* no double space where it stood between two, and none left at an end */
                int before = out->len == 0 || out->data[out->len - 1] == ' ';
                if (before && i + len < tn && tt[i + len] == ' ') {
                    run = i + len + 1;
                    i = run;
                    continue;
                }
                if (out->len && out->data[out->len - 1] == ' ' && i + len == tn)
                    out->len--;
            }
            run = i + len;
        }
        i += len;
    }
    if ((rc = jisr_buf_append(out, tt + run, tn - run)) < 0)
        goto done;
    for (size_t j = 0; j < q->n; j++) {
        if (used[j])
            continue;
        size_t *nm = realloc(m->missing, (m->nmissing + 1) * sizeof *nm);
        if (!nm) {
            rc = jisr_oom(0);
            goto done;
        }
        m->missing = nm;
        nm[m->nmissing++] = q->idx[j];
    }
done:
    free(used);
    return rc;
}

void tm_place_free(tm_place *p)
{
    tm_toks_free(&p->tt);
    free(p->qn);
    free(p->sn);
    free(p->tnum);
    free(p->t2q);
    free(p->fq);
    free(p->qk);
    free(p->sk);
    for (size_t k = 0; k < sizeof p->tl / sizeof p->tl[0]; k++) {
        free(p->tl[k].t);
        free(p->tl[k].idx);
        free(p->tl[k].markup);
    }
    memset(p, 0, sizeof *p);
}
