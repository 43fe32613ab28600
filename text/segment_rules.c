/*
 * segment_rules.c — compiles SRX rules into ICU regular expressions that are cheap to ask
 * "does this rule match at byte offset p?".
 *
 * An SRX rule matches at p when its beforebreak matches text ending at p and its afterbreak
 * matches text starting at p. Each rule becomes one pattern (?<=B)(?=A) run with lookingAt at
 * p, so ICU walks back at most B's longest match instead of scanning the paragraph; rules whose
 * beforebreak has no bounded length (ICU refuses such look-behinds) fall back to searching a
 * window of the text cut at p with (?:B)\z. Most rules never run at all: the last single-character
 * atom of B and the first of A (e.g. "\." and "\s") are kept as filters whose membership is
 * asked of ICU once per code point and cached, so a rule is skipped unless the characters
 * around p could match it. Rules with no such filter still work, only more slowly.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uregex.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "text/segment_int.h"
#include "text/text.h"

#define SEG_REGEX_TIME_LIMIT 200

/* ---- a tiny scanner of ICU regex syntax at nesting depth 0 ------------------------------- */

typedef struct atom_span {
    size_t s, e; /* the atom, without its quantifier */
    int lit;     /* matches exactly one code point */
    int opt;     /* its quantifier allows zero repetitions */
    int group;   /* a plain group whose content may be scanned in turn */
    int quant;   /* has any quantifier */
} atom_span;

static size_t u8len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* Skip a [...] class starting at p[i] == '['; returns the index after it or 0 if unterminated. */
static size_t skip_class(const char *p, size_t n, size_t i)
{
    int depth = 0;
    size_t j = i;
    while (j < n) {
        if (p[j] == '\\') {
            j += 2;
            continue;
        }
        if (p[j] == '[') {
            depth++;
            j++;
            if (j < n && p[j] == '^')
                j++;
            continue;
        }
        if (p[j] == ']') {
            depth--;
            j++;
            if (depth == 0)
                return j;
            continue;
        }
        j++;
    }
    return 0;
}

/* Skip a (...) group starting at p[i] == '('; returns the index after it or 0. */
static size_t skip_group(const char *p, size_t n, size_t i)
{
    int depth = 0;
    size_t j = i;
    while (j < n) {
        char c = p[j];
        if (c == '\\') {
            j += 2;
        } else if (c == '[') {
            size_t k = skip_class(p, n, j);
            if (!k)
                return 0;
            j = k;
        } else if (c == '(') {
            depth++;
            j++;
        } else if (c == ')') {
            depth--;
            j++;
            if (depth == 0)
                return j;
        } else {
            j++;
        }
    }
    return 0;
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Walks the top level of pat; reports the first and last atoms. Returns -1 when the pattern is
 * outside what the scanner understands (alternation, inline flags, \Q, …). */
#define SEG_EDGE 4
typedef struct atom_edges {
    atom_span head[SEG_EDGE]; /* the first atoms */
    atom_span tail[SEG_EDGE]; /* tail[0] is the last atom, tail[1] the one before … */
    int count;
} atom_edges;

static int scan_atoms(const char *p, size_t n, atom_span *first, atom_span *last, atom_edges *ed)
{
    size_t i = 0;
    int count = 0;
    while (i < n) {
        atom_span a = {i, i, 1, 0, 0, 0};
        char c = p[i];
        if (c == '\\') {
            if (i + 1 >= n)
                return -1;
            char d = p[i + 1];
            size_t j = i + 2;
            if (d == 'p' || d == 'P' || d == 'N' || (d == 'x' && j < n && p[j] == '{')) {
                if (j < n && p[j] == '{') {
                    while (j < n && p[j] != '}')
                        j++;
                    if (j >= n)
                        return -1;
                    j++;
                } else {
                    j++;
                }
            } else if (d == 'x') {
                while (j < n && j < i + 4 && is_hex(p[j]))
                    j++;
            } else if (d == 'u') {
                j = i + 6;
            } else if (d == 'U') {
                j = i + 10;
            } else if (d == '0') {
                while (j < n && j < i + 5 && p[j] >= '0' && p[j] <= '7')
                    j++;
            } else if (d == 'c') {
                j = i + 3;
            } else if (d == 'Q' || d == 'E') {
                return -1;
            } else if (strchr("bBAzZGXRk", d) || (d >= '1' && d <= '9')) {
                a.lit = 0;
                if (d == 'k') {
                    while (j < n && p[j] != '>')
                        j++;
                    j++;
                }
                while (d >= '1' && d <= '9' && j < n && p[j] >= '0' && p[j] <= '9')
                    j++;
            } else {
                j = i + 1 + u8len((unsigned char)d);
            }
            if (j > n)
                return -1;
            i = j;
        } else if (c == '[') {
            size_t j = skip_class(p, n, i);
            if (!j)
                return -1;
            i = j;
        } else if (c == '(') {
            if (i + 2 < n && p[i + 1] == '?' && (strchr("imsxw-#", p[i + 2]) != NULL))
                return -1; /* inline flags or comments change how later atoms match */
            size_t j = skip_group(p, n, i);
            if (!j)
                return -1;
            a.lit = 0;
            /* (?:…), (…), (?>…) and named groups consume text; look-arounds do not */
            a.group = p[i + 1] != '?' || p[i + 2] == ':' || p[i + 2] == '>' ||
                      (p[i + 2] == '<' && i + 3 < n && p[i + 3] != '=' && p[i + 3] != '!');
            i = j;
        } else if (c == '|' || c == ')') {
            return -1;
        } else if (c == '^' || c == '$') {
            a.lit = 0;
            i++;
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
            return -1;
        } else {
            i += u8len((unsigned char)c);
            if (i > n)
                return -1;
        }
        a.e = i;
        /* quantifier */
        if (i < n) {
            if (p[i] == '*' || p[i] == '?') {
                a.opt = 1;
                i++;
            } else if (p[i] == '+') {
                i++;
            } else if (p[i] == '{') {
                size_t j = i + 1;
                if (j >= n || p[j] < '0' || p[j] > '9')
                    return -1;
                unsigned long lo = 0;
                while (j < n && p[j] >= '0' && p[j] <= '9')
                    lo = lo * 10 + (unsigned long)(p[j++] - '0');
                while (j < n && p[j] != '}')
                    j++;
                if (j >= n)
                    return -1;
                a.opt = lo == 0;
                i = j + 1;
            }
            if (a.e != i && i < n && (p[i] == '?' || p[i] == '+'))
                i++;
        }
        a.quant = a.e != i;
        if (count == 0)
            *first = a;
        *last = a;
        if (ed) {
            if (count < SEG_EDGE)
                ed->head[count] = a;
            memmove(&ed->tail[1], &ed->tail[0], (SEG_EDGE - 1) * sizeof ed->tail[0]);
            ed->tail[0] = a;
            ed->count = count + 1;
        }
        count++;
    }
    return count;
}

/* The content of a group atom: skip "(", "(?:", "(?>" or "(?<name>". */
static void group_content(const char *p, const atom_span *a, size_t *s, size_t *e)
{
    size_t i = a->s + 1;
    if (p[i] == '?') {
        i++;
        if (p[i] == '<') {
            while (i < a->e && p[i] != '>')
                i++;
        }
        i++;
    }
    *s = i;
    *e = a->e - 1;
}

/* First (want_last 0) or last atom of p[s..e), descending into plain groups. */
static int edge_atom(const char *p, size_t s, size_t e, int want_last, size_t *os, size_t *oe,
                     int depth)
{
    atom_span f, l;
    if (depth > 8 || scan_atoms(p + s, e - s, &f, &l, NULL) <= 0)
        return 0;
    atom_span a = want_last ? l : f;
    if (a.opt)
        return 0;
    if (a.lit) {
        *os = s + a.s;
        *oe = s + a.e;
        return 1;
    }
    if (!a.group)
        return 0;
    size_t cs, ce;
    group_content(p + s, &a, &cs, &ce);
    return edge_atom(p, s + cs, s + ce, want_last, os, oe, depth + 1);
}

int seg_regex_first_atom(const char *pat, size_t *s, size_t *e)
{
    return edge_atom(pat, 0, strlen(pat), 0, s, e, 0);
}

int seg_regex_last_atom(const char *pat, size_t *s, size_t *e)
{
    return edge_atom(pat, 0, strlen(pat), 1, s, e, 0);
}

/* Further single-character atoms next to the edge one: with "\\p{Lu}\\." the character two
 * before the boundary must be upper case. Atoms are taken while each matches exactly once;
 * the last one taken may repeat (it still covers the next character). Fills spans for the
 * atoms after the first (index 1..); returns how many, 0 to SEG_EDGE - 1. */
static int more_atoms(const char *pat, int from_end, size_t *s, size_t *e)
{
    atom_edges ed;
    atom_span f, l;
    memset(&ed, 0, sizeof ed);
    int n = scan_atoms(pat, strlen(pat), &f, &l, &ed);
    if (n < 2)
        return 0;
    atom_span *v = from_end ? ed.tail : ed.head;
    if (!v[0].lit || v[0].quant)
        return 0;
    int k = 0;
    for (int i = 1; i < SEG_EDGE && i < n; i++) {
        if (!v[i].lit || v[i].opt)
            break;
        s[k] = v[i].s;
        e[k] = v[i].e;
        k++;
        if (v[i].quant)
            break;
    }
    return k;
}

/* ---- literal suffixes ------------------------------------------------------------------ */

unsigned seg_suffix_hash(const unsigned char *s, size_t n)
{
    unsigned h = 2166136261u ^ (unsigned)n;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 16777619u;
    return (h ^ (h >> 16)) & 0xFFFF;
}

/* Append the literal text of p[s..e) to out; returns 0 when it is not plain literal text. */
static int literal_text(const char *p, size_t s, size_t e, jisr_buf *out)
{
    for (size_t i = s; i < e; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\\') {
            if (i + 1 >= e)
                return 0;
            unsigned char d = (unsigned char)p[++i];
            if (d >= 0x80 || (d >= '0' && d <= '9') || ((d | 0x20) >= 'a' && (d | 0x20) <= 'z'))
                return 0;
            jisr_buf_putc(out, (char)d);
        } else if (strchr("^$.|?*+()[]{}", c) && c) {
            return 0;
        } else {
            jisr_buf_putc(out, (char)c);
        }
    }
    return 1;
}

/* When B ends with a group of literal alternatives followed by literal characters
 * ("\\b(?:Dr|Mrs)\\."), record every literal suffix it can end with. */
static int literal_suffixes(seg_rule *r, const char *pat)
{
    atom_edges ed;
    atom_span f, l;
    memset(&ed, 0, sizeof ed);
    int n = scan_atoms(pat, strlen(pat), &f, &l, &ed);
    if (n <= 0)
        return 0;
    jisr_buf trail = {0};
    int i = 0;
    for (; i < SEG_EDGE && i < n; i++) {
        atom_span *a = &ed.tail[i];
        if (a->quant || !a->lit)
            break;
        jisr_buf one = {0};
        int ok = literal_text(pat, a->s, a->e, &one);
        if (ok) {
            jisr_buf_append(&one, trail.data, trail.len);
            jisr_buf_reset(&trail);
            jisr_buf_append(&trail, one.data, one.len);
        }
        jisr_buf_free(&one);
        if (!ok)
            break;
    }
    int done = 0;
    if (i < SEG_EDGE && i < n && ed.tail[i].group && !ed.tail[i].quant && trail.len) {
        size_t cs = ed.tail[i].s + 1, ce = ed.tail[i].e - 1;
        if (pat[cs] == '?' && pat[cs + 1] == ':')
            cs += 2;
        else if (pat[cs] == '?')
            cs = ce; /* other group kinds: give up below */
        unsigned char *bits = calloc(65536 / 8, 1);
        int ok = bits != NULL && cs < ce;
        int nl = 0;
        unsigned char lens[16];
        size_t b = cs;
        for (size_t k = cs; ok && k <= ce; k++) {
            if (k < ce && pat[k] == '\\') {
                k++;
                continue;
            }
            if (k < ce && pat[k] != '|')
                continue;
            jisr_buf lit = {0};
            ok = literal_text(pat, b, k, &lit) && lit.len > 0;
            if (ok) {
                jisr_buf_append(&lit, trail.data, trail.len);
                ok = lit.len < 256;
            }
            if (ok) {
                int j = 0;
                while (j < nl && lens[j] != lit.len)
                    j++;
                if (j == nl) {
                    if (nl == 16)
                        ok = 0;
                    else
                        lens[nl++] = (unsigned char)lit.len;
                }
                unsigned h = seg_suffix_hash((const unsigned char *)lit.data, lit.len);
                bits[h >> 3] |= (unsigned char)(1u << (h & 7));
            }
            jisr_buf_free(&lit);
            b = k + 1;
        }
        if (ok) {
            r->suf_bits = bits;
            memcpy(r->suf_len, lens, (size_t)nl);
            r->nsuf_len = nl;
            done = 1;
        } else {
            free(bits);
        }
    }
    jisr_buf_free(&trail);
    return done;
}

URegularExpression *seg_regex_open(const char *pat, int32_t len, uint32_t flags, UParseError *pe,
                                   UErrorCode *st)
{
    UText *ut = utext_openUTF8(NULL, pat, len, st);
    if (U_FAILURE(*st))
        return NULL;
    URegularExpression *re = uregex_openUText(ut, flags, pe, st);
    utext_close(ut);
    if (U_FAILURE(*st) && re) {
        uregex_close(re);
        re = NULL;
    }
    return re;
}

/* ---- atoms ------------------------------------------------------------------------------ */

int seg_atom_has(seg_atom *a, int c)
{
    if (c < 0)
        return 1;
    if (c <= 0xFFFF && a->cache) {
        unsigned v = (a->cache[c >> 2] >> ((c & 3) * 2)) & 3;
        if (v)
            return v == 2;
    }
    UChar buf[2];
    int32_t len = 0;
    UBool err = 0;
    U16_APPEND((UChar *)buf, len, 2, (UChar32)c, err);
    if (err)
        return 1;
    UErrorCode st = U_ZERO_ERROR;
    uregex_setText(a->re, buf, len, &st);
    int yes = U_FAILURE(st) ? 1 : (uregex_matches(a->re, 0, &st) != 0);
    if (U_FAILURE(st))
        yes = 1;
    if (c <= 0xFFFF && a->cache)
        a->cache[c >> 2] |= (unsigned char)((yes ? 2u : 1u) << ((c & 3) * 2));
    return yes;
}

static int atom_add(seg_ruleset *rs, const char *pat, size_t s, size_t e)
{
    for (size_t i = 0; i < rs->natoms; i++)
        if (strlen(rs->atoms[i].text) == e - s && memcmp(rs->atoms[i].text, pat + s, e - s) == 0)
            return (int)i;
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    URegularExpression *re = seg_regex_open(pat + s, (int32_t)(e - s), 0, &pe, &st);
    if (U_FAILURE(st))
        return -1; /* no filter: the whole rule still decides */
    if (JISR_GROW(rs->atoms, rs->capatoms, rs->natoms + 1) < 0) {
        uregex_close(re);
        return -1;
    }
    seg_atom *a = &rs->atoms[rs->natoms];
    a->text = jisr_strndup(pat + s, e - s);
    a->cache = calloc(65536 / 4, 1);
    a->re = re;
    if (!a->text || !a->cache) {
        free(a->text);
        free(a->cache);
        uregex_close(re);
        return -1;
    }
    return (int)rs->natoms++;
}

/* ---- compiling ---------------------------------------------------------------------------- */

static int has_xflag(const char *p)
{
    for (const char *q = strstr(p, "(?"); q; q = strstr(q + 2, "(?")) {
        if (q > p && q[-1] == '\\')
            continue;
        for (const char *f = q + 2; *f && *f != ')' && *f != ':'; f++)
            if (*f == 'x')
                return 1;
    }
    return 0;
}

static int check_regex(const char *pat, const char *file, unsigned long line, unsigned long col,
                       const char *what)
{
    if (strstr(pat, "\\Q"))
        return jisr_error_set(JISR_EPARSE, file, line, col,
                              "%s: \\Q...\\E quoting is not supported in SRX rules", what);
    if (has_xflag(pat))
        return jisr_error_set(JISR_EPARSE, file, line, col,
                              "%s: the (?x) free-spacing flag is not supported in SRX rules", what);
    if (!pat[0])
        return 0; /* empty: matches at any position (SRX 2.0), though ICU refuses "" */
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe = {0}; /* ICU leaves it unset when it fails before parsing (out of memory) */
    URegularExpression *re = seg_regex_open(pat, -1, 0, &pe, &st);
    if (U_FAILURE(st))
        return jisr_error_set(JISR_EPARSE, file, line, col,
                              "%s: bad regular expression (%s at pattern line %d, offset %d): %s",
                              what, u_errorName(st), (int)pe.line, (int)pe.offset, pat);
    uregex_close(re);
    return 0;
}

static URegularExpression *compile_join(const char *a, const char *b, const char *c, const char *d,
                                        const char *e, UErrorCode *st)
{
    jisr_buf buf = {0};
    if (jisr_buf_puts(&buf, a) < 0 || jisr_buf_puts(&buf, b) < 0 || jisr_buf_puts(&buf, c) < 0 ||
        jisr_buf_puts(&buf, d) < 0 || jisr_buf_puts(&buf, e) < 0) {
        jisr_buf_free(&buf);
        *st = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    UParseError pe;
    URegularExpression *re = seg_regex_open(buf.data, (int32_t)buf.len, 0, &pe, st);
    jisr_buf_free(&buf);
    return re;
}

int seg_ruleset_compile(seg_ruleset *rs, const srx_rule *const *rules, size_t n, const char *file)
{
    memset(rs, 0, sizeof *rs);
    int rc = 0;
    rs->v = calloc(n ? n : 1, sizeof *rs->v);
    rs->yes_atoms = calloc(n ? n : 1, sizeof *rs->yes_atoms);
    rs->file = jisr_strdup(file ? file : "");
    if (!rs->v || !rs->yes_atoms || !rs->file) {
        rc = jisr_oom(0);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const srx_rule *sr = rules[i];
        seg_rule *r = &rs->v[rs->n];
        r->brk = sr->brk;
        r->gen = (unsigned long)-1;
        r->line = sr->line;
        r->col = sr->col;
        UErrorCode st = U_ZERO_ERROR;
        if (strstr(sr->before, "\\Q") || strstr(sr->after, "\\Q") || has_xflag(sr->before) ||
            has_xflag(sr->after))
            st = U_REGEX_RULE_SYNTAX; /* refused by check_regex below */
        else if (sr->before[0])
            r->re = compile_join("(?<=", sr->before, ")(?=", sr->after, ")", &st);
        else
            r->re = compile_join("(?=", sr->after, ")", "", "", &st);
        /* the joined pattern failed: find out which part is at fault (a readable message with
         * its position) before falling back to window mode */
        if (U_FAILURE(st) &&
            ((rc = check_regex(sr->before, file, sr->before_line, sr->before_col, "beforebreak")) <
                 0 ||
             (rc = check_regex(sr->after, file, sr->after_line, sr->after_col, "afterbreak")) < 0))
            goto fail;
        if (U_FAILURE(st)) {
            /* unbounded look-behind: search a window instead */
            if (r->re)
                uregex_close(r->re);
            r->re = NULL;
            st = U_ZERO_ERROR;
            r->mode = SEG_WINDOW;
            r->re_b = compile_join("(?:", sr->before, ")\\z", "", "", &st);
            const char *what = "beforebreak";
            /* an empty afterbreak matches anywhere: "(?:)" is the empty pattern ICU accepts */
            if (U_SUCCESS(st)) {
                what = "afterbreak";
                r->re_a = compile_join("(?:", sr->after, ")", "", "", &st);
            }
            if (U_FAILURE(st)) {
                rc = jisr_error_set(JISR_EPARSE, file, sr->line, sr->col,
                                    "%s: rule cannot be compiled (%s)", what, u_errorName(st));
                rs->n++;
                goto fail;
            }
        }
        /* a translator's pattern may backtrack catastrophically ((a+)+b): bound every match
         * (ICU counts match steps, so the bound is deterministic; its unit is roughly a
         * millisecond). A match that runs out counts as no match there, and the segmenter
         * reports the rule once through its warning callback */
        UErrorCode lst = U_ZERO_ERROR;
        if (r->re)
            uregex_setTimeLimit(r->re, SEG_REGEX_TIME_LIMIT, &lst);
        if (r->re_b)
            uregex_setTimeLimit(r->re_b, SEG_REGEX_TIME_LIMIT, &lst);
        if (r->re_a)
            uregex_setTimeLimit(r->re_a, SEG_REGEX_TIME_LIMIT, &lst);
        size_t s, e;
        r->last_b = sr->before[0] && seg_regex_last_atom(sr->before, &s, &e)
                        ? atom_add(rs, sr->before, s, e)
                        : -1;
        r->first_a = sr->after[0] && seg_regex_first_atom(sr->after, &s, &e)
                         ? atom_add(rs, sr->after, s, e)
                         : -1;
        literal_suffixes(r, sr->before);
        size_t ms[SEG_EDGE], me[SEG_EDGE];
        int k = r->last_b >= 0 ? more_atoms(sr->before, 1, ms, me) : 0;
        for (int j = 0;
             j < k && (r->more_b[r->nmore_b] = atom_add(rs, sr->before, ms[j], me[j])) >= 0; j++)
            r->nmore_b++;
        k = r->first_a >= 0 ? more_atoms(sr->after, 0, ms, me) : 0;
        for (int j = 0;
             j < k && (r->more_a[r->nmore_a] = atom_add(rs, sr->after, ms[j], me[j])) >= 0; j++)
            r->nmore_a++;
        if (r->brk) {
            if (r->last_b < 0)
                rs->all_ends = 1;
            else
                rs->yes_atoms[rs->nyes++] = r->last_b;
        }
        rs->n++;
    }
    return 0;
fail:
    seg_ruleset_free(rs);
    return rc;
}

void seg_ruleset_free(seg_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->v[i].re)
            uregex_close(rs->v[i].re);
        if (rs->v[i].re_b)
            uregex_close(rs->v[i].re_b);
        if (rs->v[i].re_a)
            uregex_close(rs->v[i].re_a);
        free(rs->v[i].suf_bits);
    }
    free(rs->v);
    for (size_t i = 0; i < rs->natoms; i++) {
        uregex_close(rs->atoms[i].re);
        free(rs->atoms[i].text);
        free(rs->atoms[i].cache);
    }
    free(rs->atoms);
    free(rs->yes_atoms);
    free(rs->file);
    memset(rs, 0, sizeof *rs);
}
