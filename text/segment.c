/*
 * segment.c — sentence segmentation: ICU's sentence break iterator refined by SRX 2.0 rules.
 *
 * ICU (UAX #29, over a UTF-8 UText so offsets are bytes) proposes boundaries; SRX rules read
 * from jisr's built-in text/data/jisr.srx (or a translator's file) confirm or veto them and may
 * add boundaries after terminal punctuation that ICU let pass (". lower-case"). Rules are only
 * asked at candidate positions — ICU boundaries, the ends of runs of terminal punctuation and
 * closing quotes/brackets, and after any character that ends a break="yes" rule — never at every
 * byte, which is what keeps the segmenter close to raw ICU speed. Candidates are canonical: the
 * offset right after the last non-space character, so "Mr.|  Smith" and "Mr.  |Smith" are one
 * candidate; a rule is tried at that offset and at the next non-space one.
 *
 * Decisions, strongest first: a blank line inside the text; list markers (segment_list.c:
 * counting "1. 2. 3." or "a) b)" is beyond regular expressions); the first SRX rule that
 * matches; otherwise ICU's own answer. Single newlines are white space, not boundaries (ICU
 * would break after each one; wrapped text is common in the files translators get).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uregex.h>
#include <unicode/utext.h>

#include "jisr_data_jisr_srx.h"
#include "text/segment_int.h"
#include "text/text.h"

#define SEG_WINDOW_BYTES 1024

struct jisr_segmenter {
    char *lang;
    UBreakIterator *bi;
    UText *ut_icu; /* over the text (or its newline-free copy) for the break iterator */
    UText *ut_re;  /* over the text for the rules */
    UText *ut_cut; /* over the text cut at p (window-mode rules) */
    seg_ruleset rs;
    unsigned long gen;
    char *scratch;
    size_t scratch_cap;
    seg_cands cands;
    unsigned char ascii_trig[128];
    unsigned char *trig; /* 2 bits per BMP code point: 0 unknown, 1 no, 2 yes */
    const unsigned char *text;
    size_t len;
};

/* ---- UTF-8 -------------------------------------------------------------------------------- */

int seg_u8_next(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    unsigned c = s[i];
    *len = 1;
    if (c < 0x80)
        return (int)c;
    size_t need;
    unsigned cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return -1;
    }
    if (i + need >= n)
        return -1;
    for (size_t k = 1; k <= need; k++) {
        unsigned d = s[i + k];
        if ((d & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *len = need + 1;
    return (int)cp;
}

int seg_u8_prev(const unsigned char *s, size_t i, size_t *start)
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

int seg_is_space(int c)
{
    if (c < 0x80)
        return c == ' ' || (c >= 0x09 && c <= 0x0D);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* ---- candidates --------------------------------------------------------------------------- */

int seg_cands_push(seg_cands *c, size_t pos, unsigned flags)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        seg_cand *v = realloc(c->v, nc * sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        c->v = v;
        c->cap = nc;
    }
    c->v[c->n].pos = pos;
    c->v[c->n].flags = flags;
    c->n++;
    return 0;
}

static int cand_cmp(const void *a, const void *b)
{
    const seg_cand *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
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

/* ---- rules -------------------------------------------------------------------------------- */

static int rule_at(jisr_segmenter *s, seg_rule *r, size_t p)
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
    UErrorCode st = U_ZERO_ERROR;
    if (r->mode == SEG_LOOKBEHIND) {
        if (r->gen != s->gen) {
            uregex_setUText(r->re, s->ut_re, &st);
            r->gen = s->gen;
        }
        UBool m = uregex_lookingAt64(r->re, (int64_t)p, &st);
        return U_SUCCESS(st) && m;
    }
    /* window mode: B must end exactly at p; it sees at most SEG_WINDOW_BYTES before p */
    s->ut_cut = utext_openUTF8(s->ut_cut, (const char *)t, (int64_t)p, &st);
    uregex_setUText(r->re_b, s->ut_cut, &st);
    size_t from = p > SEG_WINDOW_BYTES ? p - SEG_WINDOW_BYTES : 0;
    while (from < p && (t[from] & 0xC0) == 0x80)
        from++;
    uregex_setRegion64(r->re_b, (int64_t)from, (int64_t)p, &st);
    uregex_useTransparentBounds(r->re_b, 1, &st);
    uregex_useAnchoringBounds(r->re_b, 0, &st);
    UBool m = uregex_findNext(r->re_b, &st);
    if (U_FAILURE(st) || !m)
        return 0;
    if (r->gen != s->gen) {
        uregex_setUText(r->re_a, s->ut_re, &st);
        r->gen = s->gen;
    }
    m = uregex_lookingAt64(r->re_a, (int64_t)p, &st);
    return U_SUCCESS(st) && m;
}

/* -1: no rule matched; otherwise the break value of the first rule that matched. */
static int rules_decide(jisr_segmenter *s, size_t p, size_t q)
{
    for (size_t i = 0; i < s->rs.n; i++) {
        seg_rule *r = &s->rs.v[i];
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
    if (sp->n == sp->cap) {
        size_t nc = sp->cap ? sp->cap * 2 : 16;
        jisr_span *v = realloc(sp->v, nc * sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        sp->v = v;
        sp->cap = nc;
    }
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

void jisr_segmenter_free(jisr_segmenter *s)
{
    if (!s)
        return;
    if (s->bi)
        ubrk_close(s->bi);
    utext_close(s->ut_icu);
    utext_close(s->ut_re);
    utext_close(s->ut_cut);
    seg_ruleset_free(&s->rs);
    free(s->scratch);
    free(s->cands.v);
    free(s->trig);
    free(s->lang);
    free(s);
}

int jisr_segmenter_new_srx_memory(jisr_segmenter **out, const char *lang, const char *srx,
                                  size_t srx_len, const char *name)
{
    *out = NULL;
    if (!lang || !*lang)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "segmenter: no language given");
    if (!srx)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "segmenter: no SRX rules given");
    jisr_segmenter *s = calloc(1, sizeof *s);
    if (!s)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    srx_doc *doc = NULL;
    const srx_rule **rules = NULL;
    size_t nrules = 0;
    int rc;
    s->lang = jisr_strdup(lang);
    s->trig = calloc(65536 / 4, 1);
    if (!s->lang || !s->trig) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if ((rc = srx_doc_parse(&doc, srx, srx_len, name)) < 0 ||
        (rc = srx_doc_select(doc, lang, &rules, &nrules)) < 0 ||
        (rc = seg_ruleset_compile(&s->rs, rules, nrules, doc->name)) < 0)
        goto done;
    for (int c = 0; c < 128; c++)
        s->ascii_trig[c] = (unsigned char)trig_compute(s, c);

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
    srx_doc_free(doc);
    if (rc < 0) {
        jisr_segmenter_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int jisr_segmenter_new(jisr_segmenter **out, const char *lang, const char *srx_path)
{
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

int jisr_segmenter_split(jisr_segmenter *s, const char *text, size_t len, jisr_spans *out)
{
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
    s->ut_re = utext_openUTF8(s->ut_re, text, (int64_t)len, &st);
    if (U_FAILURE(st))
        return jisr_error_set(JISR_EICU, NULL, 0, 0, "utext_openUTF8: %s", u_errorName(st));

    /* 1. one pass over the bytes: newlines, blank lines, trigger characters */
    int has_nl = 0;
    int all_ends = s->rs.all_ends;
    int prev_space = 1;
    for (size_t i = 0; i < len;) {
        size_t l = 1;
        int c = t[i] < 0x80 ? t[i] : seg_u8_next(t, len, i, &l);
        if (c == '\n' || c == '\r') {
            has_nl = 1;
            if (c == '\n') {
                size_t j = i + 1;
                while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r' || t[j] == '\f' ||
                                   t[j] == '\v'))
                    j++;
                if (j < len && t[j] == '\n' &&
                    (rc = seg_cands_push(&s->cands, canon(t, i), SEG_F_BLANK)) < 0)
                    return rc;
            }
        }
        if (is_trigger(s, c)) {
            size_t j = i + l;
            while (j < len) {
                size_t l2 = 1;
                int d = t[j] < 0x80 ? t[j] : seg_u8_next(t, len, j, &l2);
                if (!(is_trigger(s, d) || is_closer(d)) || seg_is_space(d))
                    break;
                j += l2;
            }
            if ((rc = seg_cands_push(&s->cands, canon(t, j), 0)) < 0)
                return rc;
            prev_space = 0;
            i = j;
            continue;
        }
        int sp = seg_is_space(c);
        if (all_ends && sp && !prev_space && (rc = seg_cands_push(&s->cands, i, 0)) < 0)
            return rc;
        prev_space = sp;
        i += l;
    }

    /* 2. ICU's boundaries, on a copy where newlines are spaces */
    const char *icu_text = text;
    if (has_nl) {
        if (s->scratch_cap < len) {
            char *p = realloc(s->scratch, len);
            if (!p)
                return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            s->scratch = p;
            s->scratch_cap = len;
        }
        memcpy(s->scratch, text, len);
        for (size_t i = 0; i < len; i++)
            if (s->scratch[i] == '\n' || s->scratch[i] == '\r')
                s->scratch[i] = ' ';
        icu_text = s->scratch;
    }
    s->ut_icu = utext_openUTF8(s->ut_icu, icu_text, (int64_t)len, &st);
    ubrk_setUText(s->bi, s->ut_icu, &st);
    if (U_FAILURE(st))
        return jisr_error_set(JISR_EICU, NULL, 0, 0, "ubrk_setUText: %s", u_errorName(st));
    for (int32_t b = ubrk_next(s->bi); b != UBRK_DONE; b = ubrk_next(s->bi)) {
        if ((size_t)b >= len)
            break;
        if ((rc = seg_cands_push(&s->cands, canon(t, (size_t)b), SEG_F_ICU)) < 0)
            return rc;
    }

    /* 3. list markers */
    if ((rc = seg_list_pass(text, len, &s->cands)) < 0)
        return rc;

    /* 4. decide */
    qsort(s->cands.v, s->cands.n, sizeof *s->cands.v, cand_cmp);
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
            brk = rules_decide(s, p, q);
            if (brk < 0)
                brk = (f & SEG_F_ICU) != 0;
        }
        if (brk) {
            if ((rc = emit(s, out, start, p)) < 0)
                return rc;
            start = q;
        }
    }
    return emit(s, out, start, len);
}
