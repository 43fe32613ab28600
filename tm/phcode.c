/*
 * phcode.c — placeholders written as tags or as text (docs/matching.md §2.3b).
 *
 * A CAT tool sends "Delete {1} files" with its {1} as an inline tag (<ph x="1">{1}</ph>); a
 * memory built from PO or TSV files holds "Delete {0} files" with the {0} as text, a format
 * code (tm/tok.c). A tag weighs nothing and a code weighs a word, so compared as they are the two
 * differ by a word and a tag. A query whose declared tags include <ph> elements holding exactly
 * one format code is therefore asked twice:
 *
 *   A  as it is (those placeholders are tags: stored units holding them as tags match), and
 *   B  with each of them written as its code (stored units holding them as text match).
 *
 * Every match of B pays JISR_TM_TAG_PENALTY for each placeholder read as text (a tag on one side
 * only, as §2.3 counts it), so a unit identical to the query in all but that representation
 * scores 99, never 100. B's proposed target is turned back into the query's tag space: the
 * codes it carries (placed there as codes are, by position and value) become the query's tags
 * again, its other tags take their original numbers, and a placeholder whose code the target
 * does not show exactly as often as the query has it is reported missing.
 *
 * A unit is listed once, with the better of its two matches in the matcher's ranking (A on an
 * equal footing). Exact: each pass is exact (index or --exhaustive alike) and ranks by the
 * same keys; B's penalty is a constant for the query, so it keeps B's order (B runs at the
 * threshold raised by it); so a unit of the merged top N is in the top N of the pass that gives
 * its better match, as in jisr_tm_query_multi.
 */
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"
#include "util/utf8.h"

int tm_ph_code(const char *xml, size_t n, size_t *off, size_t *len)
{
    if (n < 9 || memcmp(xml, "<ph", 3) != 0 ||
        !(xml[3] == '>' || xml[3] == ' ' || xml[3] == '\t' || xml[3] == '\n' || xml[3] == '\r'))
        return 0;
    size_t i = 3;
    char quote = 0;
    for (; i < n; i++) { /* the start tag's end, outside attribute values */
        if (quote) {
            if (xml[i] == quote)
                quote = 0;
        } else if (xml[i] == '"' || xml[i] == '\'') {
            quote = xml[i];
        } else if (xml[i] == '>') {
            break;
        }
    }
    if (i >= n || xml[i - 1] == '/' || n - i - 1 < 5 || memcmp(xml + n - 5, "</ph>", 5) != 0)
        return 0;
    size_t o = i + 1, l = n - 5 - o;
    for (size_t k = o; k < o + l; k++)
        if (xml[k] == '<' || xml[k] == '&')
            return 0;
    if (l == 0 || !tm_code_start((unsigned char)xml[o]) || tm_code_len(xml + o, l, 0) != l)
        return 0;
    *off = o;
    *len = l;
    return 1;
}

/* placeholder k (< ntags) of text s at i, or -1; *len its bytes */
static long ph_at(const char *s, size_t n, size_t i, size_t ntags, size_t *len)
{
    *len = 1;
    unsigned char c = (unsigned char)s[i];
    if (c != 0xEE && c != 0xEF)
        return -1;
    int32_t cp = jisr_utf8_decode((const unsigned char *)s, n, i, len);
    if (cp < (int32_t)JISR_TAG_BASE || (size_t)(cp - (int32_t)JISR_TAG_BASE) >= ntags)
        return -1;
    return cp - (int32_t)JISR_TAG_BASE;
}

static int put_ph(jisr_buf *b, size_t k)
{
    uint32_t cp = JISR_TAG_BASE + (uint32_t)k;
    char u[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                 (char)(0x80 | (cp & 0x3F))};
    return jisr_buf_append(b, u, 3);
}

/* The query's code placeholders, and its reading B. */
typedef struct phq {
    const char *const *tags;
    size_t ntags;
    size_t *co, *cl;    /* per tag: its code's span in its markup (cl 0: not a code) */
    size_t *bnum;       /* per tag that is not a code: its number in B */
    size_t *orig;       /* per tag of B: its number in the query */
    const char **btags; /* B's tags */
    size_t nb;          /* B's tags */
    size_t *seq;        /* the code placeholders in the query's text order */
    size_t nseq;
    jisr_buf btext; /* B's text */
} phq;

static void phq_free(phq *p)
{
    free(p->co);
    free(p->cl);
    free(p->bnum);
    free(p->orig);
    free(p->btags);
    free(p->seq);
    jisr_buf_free(&p->btext);
}

/* 1 when the query has code placeholders in its text (p filled), 0 when not, <0 error */
static int phq_make(phq *p, const char *text, const jisr_tm_query_opts *o)
{
    memset(p, 0, sizeof *p);
    p->tags = o->tags;
    p->ntags = o->ntags;
    size_t n = o->ntags, any = 0;
    p->co = calloc(n, sizeof *p->co);
    p->cl = calloc(n, sizeof *p->cl);
    p->bnum = calloc(n, sizeof *p->bnum);
    p->orig = calloc(n, sizeof *p->orig);
    p->btags = calloc(n ? n : 1, sizeof *p->btags);
    p->seq = calloc(n, sizeof *p->seq);
    if (!p->co || !p->cl || !p->bnum || !p->orig || !p->btags || !p->seq)
        return jisr_oom(n * 6 * sizeof(size_t));
    for (size_t k = 0; k < n; k++) {
        const char *t = o->tags[k] ? o->tags[k] : "";
        if (tm_ph_code(t, strlen(t), &p->co[k], &p->cl[k]))
            any = 1;
        else
            p->cl[k] = 0;
    }
    if (!any)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (!p->cl[k]) {
            p->bnum[k] = p->nb;
            p->orig[p->nb] = k;
            p->btags[p->nb++] = o->tags[k];
        }
    size_t tn = strlen(text);
    unsigned char *seen = calloc(n, 1);
    if (!seen)
        return jisr_oom(n);
    for (size_t i = 0; i < tn;) {
        size_t len;
        long k = ph_at(text, tn, i, n, &len);
        int rc;
        if (k >= 0 && p->cl[k] && seen[k]++) {
            free(seen); /* a placeholder written twice: no sound pairing; asked as it is */
            return 0;
        } else if (k >= 0 && p->cl[k]) {
            p->seq[p->nseq++] = (size_t)k;
            rc = jisr_buf_append(&p->btext, o->tags[k] + p->co[k], p->cl[k]);
        } else if (k >= 0) {
            rc = put_ph(&p->btext, p->bnum[k]);
        } else {
            rc = jisr_buf_append(&p->btext, text + i, len);
        }
        if (rc < 0) {
            free(seen);
            return rc;
        }
        i += len;
    }
    free(seen);
    if (jisr_buf_putc(&p->btext, 0) < 0)
        return JISR_ENOMEM;
    p->btext.len--;
    return p->nseq > 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Match m of reading B, in the query's tags: target, tags, missing, penalty. */
static int phq_back(const phq *p, jisr_tm_match *m, tm_toks *tt)
{
    const char *t = m->target ? m->target : "";
    size_t tn = strlen(t);
    int rc = tm_tokenize(t, tn, tt);
    if (rc < 0)
        return rc;
    /* each code placeholder of the query: the target's code tokens written as its code, taken
     * in order, when the target shows that code exactly as often as the query's placeholders do */
    size_t *at = calloc(p->nseq, sizeof *at); /* byte offset in t, or SIZE_MAX: missing */
    size_t *missing = calloc(p->nseq + m->nmissing + 1, sizeof *missing);
    if (!at || !missing) {
        free(at);
        free(missing);
        return jisr_oom(p->nseq * sizeof *at);
    }
    size_t nmiss = 0;
    for (size_t a = 0; a < p->nseq; a++) {
        size_t k = p->seq[a];
        const char *code = p->tags[k] + p->co[k];
        size_t cl = p->cl[k], nq = 0, rank = 0, nt = 0;
        for (size_t b = 0; b < p->nseq; b++) {
            size_t j = p->seq[b];
            if (p->cl[j] == cl && memcmp(p->tags[j] + p->co[j], code, cl) == 0) {
                if (b < a)
                    rank++;
                nq++;
            }
        }
        at[a] = SIZE_MAX;
        for (size_t i = 0; i < tt->n; i++) {
            const tm_tok *x = &tt->v[i];
            if (x->code && x->end - x->start == cl && memcmp(t + x->start, code, cl) == 0) {
                if (nt == rank)
                    at[a] = x->start;
                nt++;
            }
        }
        if (nt != nq)
            at[a] = SIZE_MAX;
        if (at[a] == SIZE_MAX)
            missing[nmiss++] = k;
    }
    for (size_t i = 0; i < m->nmissing; i++)
        missing[nmiss++] = p->orig[m->missing[i]];
    qsort(missing, nmiss, sizeof *missing, cmp_size);
    /* the target rewritten: codes to placeholders, B's placeholders to the query's numbers; the
     * agreement spans follow */
    jisr_buf out = {0};
    for (size_t i = 0; i < tn && rc >= 0;) {
        size_t len = 0;
        for (size_t a = 0; a < p->nseq; a++)
            if (at[a] == i) {
                len = p->cl[p->seq[a]];
                rc = put_ph(&out, p->seq[a]);
                break;
            }
        if (len == 0) {
            long k = ph_at(t, tn, i, p->nb, &len);
            rc = k >= 0 ? put_ph(&out, p->orig[k]) : jisr_buf_append(&out, t + i, len);
        }
        i += len;
    }
    /* an agreement span (a number: never inside a code) moves by what the codes before it
     * became (a placeholder is 3 bytes) */
    for (size_t g = 0; g < m->nagree; g++) {
        size_t s0 = m->agree[g].start, d = 0, sub = 0;
        for (size_t a = 0; a < p->nseq; a++)
            if (at[a] != SIZE_MAX && at[a] < s0) {
                d += 3;
                sub += p->cl[p->seq[a]];
            }
        m->agree[g].start = s0 + d - sub;
        m->agree[g].end = m->agree[g].end + d - sub;
    }
    free(at);
    if (rc >= 0 && jisr_buf_putc(&out, 0) < 0)
        rc = JISR_ENOMEM;
    if (rc < 0) {
        jisr_buf_free(&out);
        free(missing);
        return rc;
    }
    free(m->target);
    m->target = out.data;
    free(m->missing);
    m->missing = missing;
    m->nmissing = nmiss;
    for (size_t k = 0; k < m->ntags; k++)
        free(m->tags[k]);
    free(m->tags);
    m->ntags = 0;
    m->tags = calloc(p->ntags ? p->ntags : 1, sizeof *m->tags);
    if (!m->tags)
        return jisr_oom(p->ntags * sizeof *m->tags);
    for (size_t k = 0; k < p->ntags; k++) {
        const char *x = p->tags[k] ? p->tags[k] : "";
        if (!(m->tags[k] = strdup(x)))
            return jisr_oom(strlen(x) + 1);
        m->ntags = k + 1;
    }
    m->score -= (int)p->nseq * JISR_TM_TAG_PENALTY;
    m->penalty += (int)p->nseq * JISR_TM_TAG_PENALTY;
    m->tag_diff += p->nseq;
    m->similarity -= (double)p->nseq * JISR_TM_TAG_PENALTY / 100.0;
    return 0;
}

typedef struct idpos {
    uint64_t id;
    size_t i;
} idpos;

static int cmp_idpos(const void *a, const void *b)
{
    uint64_t x = ((const idpos *)a)->id, y = ((const idpos *)b)->id;
    return x < y ? -1 : x > y;
}

/* B's matches (in the query's tags) into out (A's): a unit listed by both keeps the better one */
static int merge(jisr_tm_matches *out, jisr_tm_matches *b, size_t max)
{
    size_t na = out->n;
    idpos *ix = malloc((na ? na : 1) * sizeof *ix);
    jisr_tm_match *v = realloc(out->v, (na + b->n ? na + b->n : 1) * sizeof *v);
    if (!ix || !v) {
        free(ix);
        if (v)
            out->v = v;
        return jisr_oom((na + b->n) * sizeof *v);
    }
    out->v = v;
    for (size_t i = 0; i < na; i++)
        ix[i] = (idpos){v[i].id, i};
    qsort(ix, na, sizeof *ix, cmp_idpos);
    for (size_t j = 0; j < b->n; j++) {
        idpos key = {b->v[j].id, 0};
        idpos *hit = na ? bsearch(&key, ix, na, sizeof *ix, cmp_idpos) : NULL;
        if (!hit) {
            v[out->n++] = b->v[j];
        } else if (tm_match_rank_cmp(&b->v[j], &v[hit->i]) < 0) {
            tm_match_clear(&v[hit->i]);
            v[hit->i] = b->v[j];
        } else {
            tm_match_clear(&b->v[j]);
        }
    }
    b->n = 0; /* every match of b now belongs to out or was freed */
    free(ix);
    if (out->n)
        qsort(v, out->n, sizeof *v, tm_match_rank_cmp);
    for (; out->n > max; out->n--)
        tm_match_clear(&v[out->n - 1]);
    return 0;
}

int tm_query_phcodes(jisr_tm_ctx *c, const char *text, const jisr_tm_query_opts *o,
                     jisr_tm_matches *out)
{
    memset(out, 0, sizeof *out);
    phq p;
    int rc = o && o->tags && o->ntags && text ? phq_make(&p, text, o) : 0;
    if (rc <= 0) {
        if (o && o->tags && o->ntags && text)
            phq_free(&p);
        return rc < 0 ? rc : tm_ctx_query_one(c, text, o, out);
    }
    double t0 = jisr_now();
    jisr_tm_matches b = {NULL, 0, 0};
    tm_toks tt = {0};
    int minb = o->min_score + (int)p.nseq * JISR_TM_TAG_PENALTY;
    if ((rc = tm_ctx_query_one(c, text, o, out)) < 0 || minb > 100 || o->max_results == 0)
        goto done;
    jisr_tm_query_opts ob = *o;
    ob.min_score = minb;
    ob.tags = p.btags;
    ob.ntags = p.nb;
    if (o->timeout_ms) {
        double left = o->timeout_ms - (jisr_now() - t0) * 1000.0;
        if (left < 1) {
            rc = jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                                "the query took longer than its limit of %u ms", o->timeout_ms);
            goto done;
        }
        ob.timeout_ms = (unsigned)left;
    }
    if ((rc = tm_ctx_query_one(c, p.btext.data, &ob, &b)) < 0)
        goto done;
    out->candidates += b.candidates;
    for (size_t i = 0; i < b.n && rc >= 0; i++)
        rc = phq_back(&p, &b.v[i], &tt);
    if (rc >= 0)
        rc = merge(out, &b, o->max_results);
done:
    tm_toks_free(&tt);
    jisr_tm_matches_free(&b);
    phq_free(&p);
    if (rc < 0)
        jisr_tm_matches_free(out);
    return rc < 0 ? rc : 0;
}
