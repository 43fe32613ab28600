/*
 * segment.c — sentence segmentation: ICU's sentence break iterator refined by SRX 2.0 rules.
 *
 * ICU (UAX #29) proposes boundaries; SRX rules read
 * from jisr's built-in text/data/jisr.srx (or a translator's file) confirm or veto them and may
 * add boundaries after terminal punctuation that ICU let pass (". lower-case"). Rules are only
 * asked at candidate positions — ICU boundaries, the ends of runs of terminal punctuation and
 * closing quotes/brackets, and after any character that ends a break="yes" rule — never at every
 * byte, which is what keeps the segmenter close to raw ICU speed. Candidates are canonical: the
 * offset right after the last non-space character, so "Mr.|  Smith" and "Mr.  |Smith" are one
 * candidate; a rule is tried at that offset and at the next non-space one.
 *
 * Decisions, strongest first: a blank line inside the text, or a line break the writer made
 * (below); list markers (segment_list.c: counting "1. 2. 3." or "a) b)" is beyond regular
 * expressions); the first SRX rule that matches; otherwise ICU's own answer.
 *
 * Single newlines: ICU would break after each one, but wrapped text is common in the files
 * translators get, so a newline is white space unless the lines around it show that the writer
 * broke the line there (line_breaks below): in text wrapped at some width W every line but the
 * last is at most W long and would have been longer than W with the next line's first word, so
 * lines that break that rule are either a file of one sentence, verse or string per line (many
 * of them: every newline is a boundary) or a heading or a short line in wrapped text (a few:
 * those newlines are boundaries). Arabic verse-per-line text without full stops was one
 * sentence per paragraph before.
 *
 * The paragraph is converted once to UTF-16 with maps between the two offset systems: ICU's
 * break and regex engines take their fast paths on UTF-16 (a UTF-8 UText made the rules several
 * times slower), and the API stays UTF-8 with byte offsets. Each rule's regex runs only when the
 * characters around the candidate pass its filters (segment_rules.c), so a typical ". " is
 * checked with one or two look-behinds, not all of them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uregex.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "jisr_data_jisr_srx.h"
#include "text/segment_int.h"
#include "text/text.h"

/* A rule sees at most this many UTF-16 units of the paragraph on each side of a candidate
 * boundary, so its verdict there never depends on text further away: neither on the length of
 * the paragraph nor on what a pattern that scans ahead (".*x") would find far off, and a rule
 * that runs out of ICU's time limit does so whatever the paragraph holds beyond the window. */
#define SEG_RULE_WINDOW 1024

struct jisr_segmenter {
    char *lang;
    jisr_warn_fn warn;
    void *warn_ctx;
    UBreakIterator *bi;
    seg_ruleset rs;
    unsigned long gen;
    /* the paragraph in UTF-16 (ICU's regex and break engines run fastest on it); an invalid
     * byte b becomes the lone surrogate U+DC00+b so that every UTF-16 unit knows how many bytes
     * it stands for, and offsets are converted by walking (pos8, pos16) forward */
    UChar *u16;
    size_t cap16;
    int32_t *nl; /* UTF-16 indices of '\n' and '\r', hidden from ICU while it runs */
    UChar *nl_char;
    size_t nnl, capnl, capnlc;
    int32_t *lbrk; /* UTF-16 indices of the '\n' that end a line the writer broke (lines.c) */
    size_t nlbrk, caplbrk;
    int32_t *lw; /* line analysis scratch: lengths, then "would the next word fit" widths */
    size_t caplw;
    size_t pos8;
    int32_t pos16;
    int32_t n16;
    seg_cands cands;
    seg_cand *tmp; /* merge buffer */
    size_t tmp_cap;
    unsigned char ascii_trig[128];
    unsigned char ascii_any[128]; /* trigger, newline, or white space when all_ends */
    unsigned char *trig;          /* 2 bits per BMP code point: 0 unknown, 1 no, 2 yes */
    const unsigned char *text;
    size_t len;
};

/* ---- candidates --------------------------------------------------------------------------- */

static void merge2(const seg_cand *a, size_t na, const seg_cand *b, size_t nb, seg_cand *out)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb)
        out[k++] = b[j].pos < a[i].pos ? b[j++] : a[i++];
    while (i < na)
        out[k++] = a[i++];
    while (j < nb)
        out[k++] = b[j++];
}

/* The candidates come as three runs, each already in order (the scan, ICU, list items):
 * merge them instead of sorting. */
static int merge_runs(jisr_segmenter *s, size_t run1, size_t run2)
{
    seg_cands *c = &s->cands;
    if (c->n < 2)
        return 0;
    int rc;
    if ((rc = JISR_GROW(s->tmp, s->tmp_cap, c->n)) < 0)
        return rc;
    merge2(c->v, run1, c->v + run1, run2 - run1, s->tmp);
    merge2(s->tmp, run2, c->v + run2, c->n - run2, c->v + 0);
    /* the second merge writes into c->v while reading run 3 from it: safe, the output index
     * k = i + j never passes the next unread element run2 + j */
    return 0;
}

/* Back over white space: the canonical form of a boundary. */
static size_t canon(const unsigned char *s, size_t i)
{
    while (i > 0) {
        size_t st;
        int c = seg_u8_prev(s, i, &st);
        if (!seg_is_space(c))
            break;
        i = st;
    }
    return i;
}

static size_t skip_space(const unsigned char *s, size_t n, size_t i)
{
    while (i < n) {
        size_t l;
        int c = seg_u8_next(s, n, i, &l);
        if (!seg_is_space(c))
            break;
        i += l;
    }
    return i;
}

static int is_terminal(int c)
{
    switch (c) {
    case '.':
    case '!':
    case '?':
    case 0x061F: /* ؟ */
    case 0x06D4: /* ۔ */
    case 0x2026: /* … */
    case 0x203C: /* ‼ */
    case 0x203D: /* ‽ */
    case 0x2047:
    case 0x2048:
    case 0x2049:
    case 0x3002:
    case 0xFF01:
    case 0xFF0E:
    case 0xFF1F:
    case 0xFF61:
        return 1;
    }
    return 0;
}

static int is_closer(int c)
{
    if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}')
        return 1;
    if (c < 0x80)
        return 0;
    int t = u_charType(c);
    return t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION || c == 0x00BB || c == 0x203A;
}

static int trig_compute(jisr_segmenter *s, int c)
{
    if (is_terminal(c))
        return 1;
    for (size_t k = 0; k < s->rs.nyes; k++)
        if (seg_atom_has(&s->rs.atoms[s->rs.yes_atoms[k]], c))
            return 1;
    return 0;
}

static int is_trigger(jisr_segmenter *s, int c)
{
    if (c < 0)
        return 0;
    if (c < 0x80)
        return s->ascii_trig[c];
    if (c > 0xFFFF)
        return trig_compute(s, c);
    unsigned v = (s->trig[c >> 2] >> ((c & 3) * 2)) & 3;
    if (v)
        return v == 2;
    int yes = trig_compute(s, c);
    s->trig[c >> 2] |= (unsigned char)((yes ? 2u : 1u) << ((c & 3) * 2));
    return yes;
}

/* Convert the paragraph to UTF-16: U+FFFD is not used for invalid bytes because the offsets
 * are recovered by length: an invalid byte b becomes the lone surrogate U+DC00+b (b ≥ 0x80),
 * which well-formed UTF-8 can never produce. */
static int to_utf16(jisr_segmenter *s, const unsigned char *t, size_t len)
{
    int rc; /* UTF-16 never has more units than UTF-8 has bytes */
    if ((rc = JISR_GROW(s->u16, s->cap16, len + 1)) < 0)
        return rc;
    UChar *u = s->u16;
    int32_t k = 0;
    for (size_t i = 0; i < len;) {
        unsigned b = t[i];
        if (b < 0x80) {
            u[k++] = (UChar)b;
            i++;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF && i + 1 < len && (t[i + 1] & 0xC0) == 0x80) {
            u[k++] = (UChar)(((b & 0x1F) << 6) | (t[i + 1] & 0x3F));
            i += 2;
            continue;
        }
        size_t l = 1;
        int c = seg_u8_next(t, len, i, &l);
        if (c < 0) {
            u[k++] = (UChar)(0xDC00 + b);
        } else if (c <= 0xFFFF) {
            u[k++] = (UChar)c;
        } else {
            u[k++] = (UChar)(0xD7C0 + (c >> 10));
            u[k++] = (UChar)(0xDC00 | (c & 0x3FF));
        }
        i += l;
    }
    s->n16 = k;
    s->pos8 = 0;
    s->pos16 = 0;
    return 0;
}

/* Bytes of UTF-8 that the UTF-16 unit(s) at u[k] stand for; *units receives 1 or 2. */
static inline size_t u16_bytes(const UChar *u, int32_t n16, int32_t k, int32_t *units)
{
    unsigned c = u[k];
    *units = 1;
    if (c < 0x80)
        return 1;
    if (c < 0x800)
        return 2;
    if (U16_IS_LEAD(c) && k + 1 < n16 && U16_IS_TRAIL(u[k + 1])) {
        *units = 2;
        return 4;
    }
    if (c >= 0xDC80 && c <= 0xDCFF)
        return 1; /* an invalid byte */
    return 3;
}

/* UTF-16 index of byte offset p (a character boundary). Calls come in increasing order of p
 * within a paragraph, so the cursor only walks forward; it restarts from 0 otherwise. */
static int32_t to16(jisr_segmenter *s, size_t p)
{
    if (p < s->pos8) {
        s->pos8 = 0;
        s->pos16 = 0;
    }
    while (s->pos8 < p && s->pos16 < s->n16) {
        int32_t units;
        s->pos8 += u16_bytes(s->u16, s->n16, s->pos16, &units);
        s->pos16 += units;
    }
    return s->pos16;
}

/* ---- rules -------------------------------------------------------------------------------- */

/* The cheap part: can the characters around p match the rule's edge atoms at all? */
static int rule_may_match(jisr_segmenter *s, seg_rule *r, size_t p)
{
    const unsigned char *t = s->text;
    if (r->last_b >= 0) {
        if (p == 0)
            return 0;
        size_t st;
        if (!seg_atom_has(&s->rs.atoms[r->last_b], seg_u8_prev(t, p, &st)))
            return 0;
    }
    if (r->first_a >= 0) {
        if (p >= s->len)
            return 0;
        size_t l;
        if (!seg_atom_has(&s->rs.atoms[r->first_a], seg_u8_next(t, s->len, p, &l)))
            return 0;
    }
    if (r->suf_bits) {
        int hit = 0;
        for (int k = 0; k < r->nsuf_len && !hit; k++) {
            size_t L = r->suf_len[k];
            if (L <= p) {
                unsigned h = seg_suffix_hash(t + p - L, L);
                hit = (r->suf_bits[h >> 3] >> (h & 7)) & 1;
            }
        }
        if (!hit)
            return 0;
    }
    if (r->nmore_b) {
        size_t i = p, st;
        seg_u8_prev(t, i, &st);
        for (int k = 0; k < r->nmore_b; k++) {
            i = st;
            if (i == 0 || !seg_atom_has(&s->rs.atoms[r->more_b[k]], seg_u8_prev(t, i, &st)))
                return 0;
        }
    }
    if (r->nmore_a) {
        size_t i = p, l;
        seg_u8_next(t, s->len, i, &l);
        for (int k = 0; k < r->nmore_a; k++) {
            i += l;
            if (i >= s->len ||
                !seg_atom_has(&s->rs.atoms[r->more_a[k]], seg_u8_next(t, s->len, i, &l)))
                return 0;
        }
    }
    return 1;
}

/* Whether an ICU match call succeeded; a rule that ran out of ICU's time or stack limit counts
 * as not matching, and is reported once. */
static int regex_ok(jisr_segmenter *s, seg_rule *r, UErrorCode st, size_t p)
{
    if (U_SUCCESS(st))
        return 1;
    if (!r->warned && s->warn && (st == U_REGEX_TIME_OUT || st == U_REGEX_STACK_OVERFLOW)) {
        r->warned = 1;
        jisr_error w;
        memset(&w, 0, sizeof w);
        w.code = JISR_ETOOBIG;
        snprintf(w.file, sizeof w.file, "%s", s->rs.file ? s->rs.file : "");
        w.line = r->line;
        w.col = r->col;
        snprintf(w.msg, sizeof w.msg,
                 "this SRX rule ran out of ICU's regular-expression %s limit (first at byte %zu "
                 "of a paragraph) and counts as not matching wherever it does: simplify it "
                 "(nested repetition such as (a+)+ backtracks without end)",
                 st == U_REGEX_TIME_OUT ? "time" : "stack", p);
        s->warn(s->warn_ctx, &w);
    }
    return 0;
}

/* Does rule r match at p? It sees the paragraph's UTF-16 units [w0, w1): the whole paragraph
 * when it fits in SEG_RULE_WINDOW, else SEG_RULE_WINDOW units on each side of p. */
static int rule_at(jisr_segmenter *s, seg_rule *r, size_t p)
{
    if (!rule_may_match(s, r, p))
        return 0;
    UErrorCode st = U_ZERO_ERROR;
    int32_t p16 = to16(s, p);
    int whole = s->n16 <= SEG_RULE_WINDOW;
    int32_t w0 = 0, w1 = s->n16;
    if (!whole) {
        w0 = p16 > SEG_RULE_WINDOW ? p16 - SEG_RULE_WINDOW : 0;
        w1 = s->n16 - p16 > SEG_RULE_WINDOW ? p16 + SEG_RULE_WINDOW : s->n16;
        if (w0 > 0 && U16_IS_TRAIL(s->u16[w0]) && w0 < p16)
            w0++; /* never half a surrogate pair */
        if (w1 < s->n16 && U16_IS_LEAD(s->u16[w1 - 1]) && w1 > p16)
            w1--;
    }
    if (r->mode == SEG_LOOKBEHIND) {
        if (!whole) {
            uregex_setText(r->re, s->u16 + w0, w1 - w0, &st);
            r->gen = (unsigned long)-1;
        } else if (r->gen != s->gen) {
            uregex_setText(r->re, s->u16, s->n16, &st);
            r->gen = s->gen;
        }
        UBool m = uregex_lookingAt(r->re, p16 - w0, &st);
        return regex_ok(s, r, st, p) && m;
    }
    /* window mode: B must end exactly at p (the text is cut there) */
    uregex_setText(r->re_b, s->u16 + w0, p16 - w0, &st);
    UBool m = uregex_find(r->re_b, 0, &st);
    if (!regex_ok(s, r, st, p) || !m)
        return 0;
    if (!whole) {
        uregex_setText(r->re_a, s->u16 + w0, w1 - w0, &st);
        r->gen = (unsigned long)-1;
    } else if (r->gen != s->gen) {
        uregex_setText(r->re_a, s->u16, s->n16, &st);
        r->gen = s->gen;
    }
    m = uregex_lookingAt(r->re_a, p16 - w0, &st);
    return regex_ok(s, r, st, p) && m;
}

/* -1: no rule matched; otherwise the break value of the first rule that matched. */
static int rules_decide(jisr_segmenter *s, size_t p, size_t q, int dflt)
{
    /* the first matching rule decides, so when no rule that would change the default can
     * match here, nothing needs to be evaluated */
    size_t i = 0;
    for (; i < s->rs.n; i++) {
        seg_rule *r = &s->rs.v[i];
        if (r->brk != dflt && (rule_may_match(s, r, p) || (q != p && rule_may_match(s, r, q))))
            break;
    }
    if (i == s->rs.n)
        return dflt;
    for (size_t k = 0; k < s->rs.n; k++) {
        seg_rule *r = &s->rs.v[k];
        if (rule_at(s, r, p) || (q != p && rule_at(s, r, q)))
            return r->brk;
    }
    return -1;
}

/* ---- public API ----------------------------------------------------------------------------- */

void jisr_spans_free(jisr_spans *sp)
{
    if (!sp)
        return;
    free(sp->v);
    sp->v = NULL;
    sp->n = sp->cap = 0;
}

static int spans_push(jisr_spans *sp, size_t a, size_t b)
{
    int rc;
    if ((rc = JISR_GROW(sp->v, sp->cap, sp->n + 1)) < 0)
        return rc;
    sp->v[sp->n].start = a;
    sp->v[sp->n].end = b;
    sp->n++;
    return 0;
}

static int emit(jisr_segmenter *s, jisr_spans *out, size_t a, size_t b)
{
    a = skip_space(s->text, b, a);
    b = canon(s->text, b);
    if (b <= a)
        return 0;
    return spans_push(out, a, b);
}

void jisr_segmenter_set_warn(jisr_segmenter *s, jisr_warn_fn fn, void *ctx)
{
    if (!s)
        return;
    s->warn = fn;
    s->warn_ctx = ctx;
}

void jisr_segmenter_free(jisr_segmenter *s)
{
    if (!s)
        return;
    if (s->bi)
        ubrk_close(s->bi);
    seg_ruleset_free(&s->rs);
    free(s->u16);
    free(s->nl);
    free(s->nl_char);
    free(s->lbrk);
    free(s->lw);

    free(s->cands.v);
    free(s->tmp);
    free(s->trig);
    free(s->lang);
    free(s);
}

int jisr_segmenter_new_srx_memory(jisr_segmenter **out, const char *lang, const char *srx,
                                  size_t srx_len, const char *name)
{
    if (!out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_segmenter_new_srx_memory: out is NULL");
    *out = NULL;
    if (!lang || !*lang)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "segmenter: no language given (lang is %s)",
                              lang ? "empty" : "NULL");
    if (!srx)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "segmenter: no SRX rules given (srx is NULL)");
    jisr_segmenter *s = calloc(1, sizeof *s);
    if (!s)
        return jisr_oom(0);
    srx_doc *doc = NULL;
    const srx_rule **rules = NULL;
    size_t nrules = 0;
    int rc;
    s->lang = jisr_strdup(lang);
    s->trig = calloc(65536 / 4, 1);
    if (!s->lang || !s->trig) {
        rc = jisr_oom(0);
        goto done;
    }
    if ((rc = seg_srx_parse(&doc, srx, srx_len, name)) < 0 ||
        (rc = seg_srx_select(doc, lang, &rules, &nrules)) < 0 ||
        (rc = seg_ruleset_compile(&s->rs, rules, nrules, doc->name)) < 0)
        goto done;
    for (int c = 0; c < 128; c++) {
        s->ascii_trig[c] = (unsigned char)trig_compute(s, c);
        s->ascii_any[c] = (unsigned char)(s->ascii_trig[c] || c == '\n' || c == '\r' ||
                                          (s->rs.all_ends && SEG_IS_SPACE(c)));
    }

    char loc[64];
    size_t k = 0;
    for (; lang[k] && k + 1 < sizeof loc; k++)
        loc[k] = lang[k] == '-' ? '_' : lang[k];
    loc[k] = '\0';
    UErrorCode st = U_ZERO_ERROR;
    s->bi = ubrk_open(UBRK_SENTENCE, loc, NULL, 0, &st);
    if (U_FAILURE(st)) {
        rc = jisr_error_set(JISR_EICU, NULL, 0, 0, "cannot open the ICU sentence iterator: %s",
                            u_errorName(st));
        goto done;
    }
    rc = 0;
done:
    free(rules);
    seg_srx_free(doc);
    if (rc < 0) {
        jisr_segmenter_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int jisr_segmenter_new(jisr_segmenter **out, const char *lang, const char *srx_path)
{
    if (!out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_segmenter_new: out is NULL");
    *out = NULL;
    if (!srx_path)
        return jisr_segmenter_new_srx_memory(out, lang, (const char *)jisr_data_jisr_srx,
                                             (size_t)jisr_data_jisr_srx_len, "jisr.srx (built-in)");
    jisr_buf b = {0};
    FILE *f = fopen(srx_path, "rb");
    if (!f)
        return jisr_error_set(JISR_EIO, srx_path, 0, 0, "cannot open SRX file: %s",
                              strerror(errno));
    char chunk[65536];
    size_t got;
    int rc = 0;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + got > (64u << 20)) {
            rc = jisr_error_set(JISR_ETOOBIG, srx_path, 0, 0, "SRX file larger than 64 MiB");
            break;
        }
        if ((rc = jisr_buf_append(&b, chunk, got)) < 0)
            break;
    }
    if (rc == 0 && ferror(f))
        rc = jisr_error_set(JISR_EIO, srx_path, 0, 0, "cannot read SRX file: %s", strerror(errno));
    fclose(f);
    if (rc == 0)
        rc = jisr_segmenter_new_srx_memory(out, lang, b.data ? b.data : "", b.len, srx_path);
    jisr_buf_free(&b);
    return rc;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

static int u16_space(UChar c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x80 && seg_is_space(c));
}

/* The width of u[a, z) on screen, roughly: characters, without combining marks (harakat) and
 * format characters, which take no room where the line was wrapped. */
static int32_t width(const UChar *u, int32_t a, int32_t z)
{
    int32_t w = 0;
    for (int32_t k = a; k < z; k++) {
        UChar c = u[k];
        if (c < 0x300 || U16_IS_TRAIL(c))
            w += !U16_IS_TRAIL(c);
        else {
            int8_t t = u_charType(c);
            w += t != U_NON_SPACING_MARK && t != U_ENCLOSING_MARK && t != U_FORMAT_CHAR;
        }
    }
    return w;
}

/* A line that starts with what ends or continues a sentence (". , ; : ! ? ، ؛ ؟ ) ] } » ” ’ …")
 * does not start a sentence: the newline before it is never taken as the writer's. */
static int closes(UChar c)
{
    return (c < 0x80 && strchr(".,;:!?)]}", c) && c) || c == 0x060C || c == 0x061B || c == 0x061F ||
           c == 0x00BB || c == 0x201D || c == 0x2019 || c == 0x2026;
}

/* Which inner newlines of the paragraph end a line that its writer broke, into s->lbrk (in
 * order; the count in s->nlbrk).
 *
 * For every non-blank line: len, its width without trailing white space; for every one
 * followed by another non-blank line also v = len + 1 + the next line's first word. Text wrapped
 * greedily at a width W has every len <= W and every v > W; other wrapping (fmt's, a word
 * processor's justified lines, a person's) leaves lines a little shorter, so only v <= 0.85 W
 * counts against wrapping at W (and a line ending in a hyphen is taken as wrapped). The W with the
 * fewest violations (lines longer than W, or v <= 0.85 W) is found by a sweep over the sorted
 * lengths. With few violations (at most 1 + a quarter of the inner lines: a URL too long to wrap, a
 * heading, text wrapped by bytes, not characters) the paragraph is wrapped, and a newline is a
 * boundary only after a line that is clearly short (v <= W / 2: a heading); otherwise every newline
 * between non-blank lines is one. Tuned on the Bible dev chapters, as files of one verse a line and
 * as paragraphs of 20-120 words wrapped at 30, 60 and 100 characters (Python's textwrap) and bytes
 * (fmt): 178 of 178 files segmented a verse a line (148 before); 9 of 1,068 wrapped files segmented
 * otherwise than unwrapped (8 before: words textwrap broke at their hyphen; the new one is
 * vocalised Arabic wrapped by bytes). Test chapters, measured once: 342 of 342 (253 before); 24 of
 * 2,052 (23). */
static int line_breaks(jisr_segmenter *s)
{
    const UChar *u = s->u16;
    int32_t n = s->n16;
    s->nlbrk = 0;
    size_t nlines = 1;
    for (int32_t k = 0; k < n; k++)
        nlines += u[k] == '\n';
    if (nlines == 1)
        return 0;
    int rc;
    if ((rc = JISR_GROW(s->lw, s->caplw, 3 * nlines)) < 0 ||
        (rc = JISR_GROW(s->lbrk, s->caplbrk, nlines)) < 0)
        return rc;
    /* lens: every non-blank line's length; vs: each inner newline's v, in order (INT32_MAX after
     * a hyphen); sv: vs sorted; s->lbrk: the inner newlines' indices, filtered at the end */
    int32_t *lens = s->lw, *vs = s->lw + nlines, *sv = s->lw + 2 * nlines;
    size_t nl = 0, ninner = 0;
    int32_t prev_len = -1, prev_nl = -1;
    int prev_hyphen = 0;
    for (int32_t st = 0; st <= n;) {
        int32_t e = st;
        while (e < n && u[e] != '\n')
            e++;
        int32_t a = st, z = e;
        while (a < z && u16_space(u[a]))
            a++;
        while (z > a && u16_space(u[z - 1]))
            z--;
        if (a < z) {
            int32_t w = a;
            while (w < z && !u16_space(u[w]))
                w++;
            if (prev_len >= 0) {
                vs[ninner] =
                    prev_hyphen || closes(u[a]) ? INT32_MAX : prev_len + 1 + width(u, a, w);
                s->lbrk[ninner++] = prev_nl;
            }
            lens[nl++] = prev_len = width(u, st, z);
            prev_hyphen = u[z - 1] == '-' || u[z - 1] == 0x00AD;
        } else
            prev_len = -1; /* a blank line: a boundary already */
        prev_nl = e;
        st = e + 1;
    }
    if (ninner == 0)
        return 0;
    memcpy(sv, vs, ninner * sizeof *sv);
    qsort(lens, nl, sizeof *lens, cmp_i32);
    qsort(sv, ninner, sizeof *sv, cmp_i32);
    /* sweep W over the distinct lengths: longer = lines above W, early = v <= W; ties go to the
     * smaller W (fewer boundaries, the old behaviour) */
    size_t best = SIZE_MAX, j = 0;
    int32_t W = lens[nl - 1];
    for (size_t i = 0; i < nl; i++) {
        if (i + 1 < nl && lens[i + 1] == lens[i])
            continue;
        while (j < ninner && (int64_t)sv[j] * 20 <= (int64_t)lens[i] * 17)
            j++;
        size_t viol = (nl - 1 - i) + j;
        if (viol < best) {
            best = viol;
            W = lens[i];
        }
    }
    int wrapped = best <= 1 + ninner / 4;
    size_t k = 0;
    for (size_t i = 0; i < ninner; i++)
        if (!wrapped || (vs[i] != INT32_MAX && (int64_t)vs[i] * 2 <= (int64_t)W))
            s->lbrk[k++] = s->lbrk[i];
    s->nlbrk = k;
    return 0;
}

int jisr_segmenter_split(jisr_segmenter *s, const char *text, size_t len, jisr_spans *out)
{
    if (!s || !out || (!text && len))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_segmenter_split: %s is NULL",
                              !s     ? "seg"
                              : !out ? "out"
                                     : "text");
    out->n = 0;
    if (len == 0)
        return 0;
    if (len > (size_t)INT32_MAX)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "paragraph larger than 2 GiB");
    const unsigned char *t = (const unsigned char *)text;
    s->text = t;
    s->len = len;
    s->gen++;
    s->cands.n = 0;
    int rc;
    UErrorCode st = U_ZERO_ERROR;
    if ((rc = to_utf16(s, t, len)) < 0)
        return rc;

    if ((rc = line_breaks(s)) < 0)
        return rc;

    /* 1. one pass over the (already decoded) text: newlines, blank lines, lines broken by their
     * writer, trigger characters; b follows k as the byte offset */
    int all_ends = s->rs.all_ends;
    s->nnl = 0;
    size_t ilb = 0;
    int prev_space = 1;
    const UChar *u = s->u16;
    int32_t n16 = s->n16;
    size_t b = 0;
    for (int32_t k = 0; k < n16;) {
        int c = u[k];
        if (c < 0x80) {
            if (!s->ascii_any[c]) {
                prev_space = 0;
                k++;
                b++;
                continue;
            }
        } else if (c < 0xD800 && !all_ends) {
            unsigned v = (s->trig[c >> 2] >> ((c & 3) * 2)) & 3;
            if (v == 1) {
                k++;
                b += c < 0x800 ? 2 : 3;
                continue;
            }
        }
        int32_t kl;
        size_t bl = u16_bytes(u, n16, k, &kl);
        if (kl == 2)
            c = U16_GET_SUPPLEMENTARY(c, u[k + 1]);
        if (c == '\n' || c == '\r') {
            if ((rc = JISR_GROW(s->nl, s->capnl, s->nnl + 1)) < 0 ||
                (rc = JISR_GROW(s->nl_char, s->capnlc, s->nnl + 1)) < 0)
                return rc;
            s->nl[s->nnl] = k;
            s->nl_char[s->nnl++] = (UChar)c;
            if (c == '\n') {
                int32_t j = k + 1;
                while (j < n16 && (u[j] == ' ' || u[j] == '\t' || u[j] == '\r' || u[j] == '\f' ||
                                   u[j] == '\v'))
                    j++;
                int brk = j < n16 && u[j] == '\n';
                while (ilb < s->nlbrk && s->lbrk[ilb] < k)
                    ilb++;
                if (ilb < s->nlbrk && s->lbrk[ilb] == k) {
                    brk = 1;
                    ilb++;
                }
                if (brk && (rc = seg_cands_push(&s->cands, canon(t, b), SEG_F_BLANK)) < 0)
                    return rc;
            }
        }
        if (c < 0x80 ? s->ascii_trig[c] : is_trigger(s, c)) {
            int32_t j = k + kl;
            size_t jb = b + bl;
            while (j < n16) {
                int d = u[j];
                int32_t dl;
                size_t dbl = u16_bytes(u, n16, j, &dl);
                if (dl == 2)
                    d = U16_GET_SUPPLEMENTARY(d, u[j + 1]);
                if (!(d < 0x80 ? s->ascii_trig[d] || is_closer(d)
                               : is_trigger(s, d) || is_closer(d)) ||
                    SEG_IS_SPACE(d))
                    break;
                j += dl;
                jb += dbl;
            }
            if ((rc = seg_cands_push(&s->cands, canon(t, jb), 0)) < 0)
                return rc;
            prev_space = 0;
            k = j;
            b = jb;
            continue;
        }
        if (all_ends) {
            int sp = SEG_IS_SPACE(c);
            if (sp && !prev_space && (rc = seg_cands_push(&s->cands, b, 0)) < 0)
                return rc;
            prev_space = sp;
        }
        k += kl;
        b += bl;
    }

    size_t run1 = s->cands.n;

    /* 2. ICU's boundaries, with newlines turned into spaces for the time being */
    for (size_t i = 0; i < s->nnl; i++)
        s->u16[s->nl[i]] = ' ';
    ubrk_setText(s->bi, s->u16, n16, &st);
    if (U_FAILURE(st))
        return jisr_error_set(JISR_EICU, NULL, 0, 0, "ubrk_setText: %s", u_errorName(st));
    int32_t k16 = 0;
    size_t k8 = 0;
    for (int32_t bk = ubrk_next(s->bi); bk != UBRK_DONE; bk = ubrk_next(s->bi)) {
        if (bk >= n16)
            break;
        while (k16 < bk) {
            unsigned c = s->u16[k16];
            if (c < 0x80) {
                k8++;
                k16++;
            } else if (c < 0x800) {
                k8 += 2;
                k16++;
            } else {
                int32_t units;
                k8 += u16_bytes(s->u16, n16, k16, &units);
                k16 += units;
            }
        }
        if ((rc = seg_cands_push(&s->cands, canon(t, k8), SEG_F_ICU)) < 0)
            return rc;
    }
    for (size_t i = 0; i < s->nnl; i++) /* the rules see the newlines again */
        s->u16[s->nl[i]] = s->nl_char[i];

    size_t run2 = s->cands.n;

    /* 3. list markers */
    if ((rc = seg_list_pass(text, len, &s->cands)) < 0)
        return rc;

    /* 4. decide */
    if ((rc = merge_runs(s, run1, run2)) < 0)
        return rc;
    size_t start = 0;
    for (size_t i = 0; i < s->cands.n;) {
        size_t p = s->cands.v[i].pos;
        unsigned f = 0;
        while (i < s->cands.n && s->cands.v[i].pos == p)
            f |= s->cands.v[i++].flags;
        if (p == 0 || p <= start)
            continue;
        size_t q = skip_space(t, len, p);
        if (q >= len)
            continue;
        int brk;
        if (f & SEG_F_BLANK)
            brk = 1;
        else if (f & SEG_F_FORCE_NO)
            brk = 0;
        else if (f & SEG_F_FORCE_YES)
            brk = 1;
        else {
            int dflt = (f & SEG_F_ICU) != 0;
            brk = rules_decide(s, p, q, dflt);
            if (brk < 0)
                brk = dflt;
        }
        if (brk) {
            if ((rc = emit(s, out, start, p)) < 0)
                return rc;
            start = q;
        }
    }
    return emit(s, out, start, len);
}
