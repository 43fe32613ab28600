/*
 * phcode.c — placeholders written as tags or as text (docs/matching.md §2.3b).
 *
 * A CAT tool sends "Delete {1} files" with its {1} as an inline tag (<ph x="1">{1}</ph>); a
 * memory built from PO or TSV files holds "Delete {0} files" with the {0} as text, a format
 * code (tm/tok.c). A tag weighs nothing and a code weighs a word, so compared as they are the two
 * differ by a word and a tag. And the other way round: a tmserver client asks "Delete {1}
 * files" as plain text of a memory imported from a CAT tool's TMX with the {0} as a tag.
 *
 * A query whose declared tags include <ph> elements holding exactly one format code is asked
 *   A  as it is (those placeholders are tags: stored units holding them as tags match), and
 *   B  with each of them written as its code (stored units holding them as text match).
 * Every match of B pays JISR_TM_TAG_PENALTY for each placeholder read as text (a tag on one side
 * only, as §2.3 counts it), so a unit identical to the query in all but that representation
 * scores 99, never 100. B's proposed target is turned back into the query's tag space: the
 * codes it carries (placed there as codes are, by position and value) become the query's tags
 * again, its other tags take their original numbers, and a placeholder whose code the target
 * does not show exactly as often as the query has it is reported missing.
 *
 * A plain query with format codes is asked
 *   A  as it is, and
 *   C  with each code as a <ph> tag holding it (codes_as_tags): a unit matches in C only when the
 *      code placeholders of its source are exactly as many as the query's codes (score.c); they
 *      pair in order, each costs JISR_TM_TAG_PENALTY, the unit's other tags are free and stay in
 *      its target as a plain query keeps them, and each target code placeholder paired through
 *      the source with a query code is written as that code (tm_codes_target).
 *
 * A unit is listed once, with the better of its two matches in the matcher's ranking (A on an
 * equal footing). Exact: each pass is exact (index or --exhaustive alike: C's condition is a
 * property of the unit, as a filter is) and ranks by the same keys; B's penalty is a constant
 * for the query, so it keeps B's order (B runs at the threshold raised by it); so a unit of the
 * merged top N is in the top N of the pass that gives its better match, as in
 * jisr_tm_query_multi.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"

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
        long k = tm_placeholder_at(text, tn, i, n, &len);
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

/* placed codes by their offset in the target: g_at is phq_back's at[] (thread-local, as queries
 * run on several threads; qsort has no context argument in C11) */
static _Thread_local const size_t *g_at;

static int cmp_at(const void *a, const void *b)
{
    size_t x = g_at[*(const size_t *)a], y = g_at[*(const size_t *)b];
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
    size_t nmiss = 0, ncode = 0;
    for (size_t i = 0; i < tt->n; i++) /* the target's code tokens, in place at the front */
        if (tt->v[i].code)
            tt->v[ncode++] = tt->v[i];
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
        for (size_t i = 0; i < ncode; i++) {
            const tm_tok *x = &tt->v[i];
            if (x->end - x->start == cl && memcmp(t + x->start, code, cl) == 0) {
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
    size_t *ord = malloc((p->nseq + 1) * sizeof *ord), no = 0, next = 0;
    if (!ord) {
        free(at);
        free(missing);
        return jisr_oom((p->nseq + 1) * sizeof *ord);
    }
    for (size_t a = 0; a < p->nseq; a++)
        if (at[a] != SIZE_MAX)
            ord[no++] = a;
    g_at = at;
    qsort(ord, no, sizeof *ord, cmp_at); /* the placed codes in target order */
    for (size_t i = 0; i < tn && rc >= 0;) {
        size_t len = 0;
        if (next < no && at[ord[next]] == i) {
            len = p->cl[p->seq[ord[next]]];
            rc = put_ph(&out, p->seq[ord[next++]]);
        }
        if (len == 0) {
            long k = tm_placeholder_at(t, tn, i, p->nb, &len);
            rc = k >= 0 ? put_ph(&out, p->orig[k]) : jisr_buf_append(&out, t + i, len);
        }
        i += len;
    }
    /* an agreement span (a number: never inside a code) moves by what the codes before it
     * became (a placeholder is 3 bytes) */
    for (size_t g = 0; g < m->nagree; g++) {
        size_t s0 = m->agree[g].start, d = 0, sub = 0;
        for (size_t j = 0; j < no && at[ord[j]] < s0; j++) {
            d += 3;
            sub += p->cl[p->seq[ord[j]]];
        }
        m->agree[g].start = s0 + d - sub;
        m->agree[g].end = m->agree[g].end + d - sub;
    }
    free(ord);
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

/* ---- reading C: a plain query's codes as tags ------------------------------------------------ */

int tm_code_pairs(const tm_taglist *l, const tm_taglist *q, size_t *differ)
{
    size_t j = 0, lo, ll, qo, ql;
    *differ = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!tm_ph_code(l->t[i].xml, l->t[i].n, &lo, &ll))
            continue;
        if (j == q->n || !tm_ph_code(q->t[j].xml, q->t[j].n, &qo, &ql))
            return 0; /* more code placeholders than the query has codes */
        *differ += ll != ql || memcmp(l->t[i].xml + lo, q->t[j].xml + qo, ll) != 0;
        j++;
    }
    return j == q->n;
}

int tm_codes_target(tm_place *p, const char *tt, size_t tn, const tm_taglist *q, jisr_buf *out,
                    size_t *changed)
{
    *changed = 0;
    const tm_taglist *sl = &p->tl[0], *tl = &p->tl[1];
    size_t n = sl->n + tl->n + tl->nmarkup + 1, ns = 0, nt = 0, off, len;
    tm_tag *sc = malloc(n * sizeof *sc), *tc = malloc(n * sizeof *tc);
    size_t *tpos = malloc(n * sizeof *tpos);
    int *t2q = malloc(n * sizeof *t2q);
    const char **repl = calloc(n, sizeof *repl); /* per target markup index: the code to write */
    size_t *repl_n = calloc(n, sizeof *repl_n);
    int rc = 0;
    if (!sc || !tc || !tpos || !t2q || !repl || !repl_n) {
        rc = jisr_oom(n * sizeof *sc);
        goto done;
    }
    for (size_t j = 0; j < sl->n; j++)
        if (tm_ph_code(sl->t[j].xml, sl->t[j].n, &off, &len))
            sc[ns++] = sl->t[j];
    for (size_t j = 0; j < tl->n; j++)
        if (tm_ph_code(tl->t[j].xml, tl->t[j].n, &off, &len)) {
            tpos[nt] = tl->idx[j];
            tc[nt++] = tl->t[j];
        }
    tm_tags_map(q->t, q->n, sc, ns, tc, nt, t2q, NULL, NULL);
    for (size_t j = 0; j < nt; j++)
        if (t2q[j] >= 0 && tpos[j] < n &&
            tm_ph_code(q->t[t2q[j]].xml, q->t[t2q[j]].n, &off, &len)) {
            repl[tpos[j]] = q->t[t2q[j]].xml + off;
            repl_n[tpos[j]] = len;
        }
    for (size_t i = 0; i < tn && rc >= 0;) {
        size_t l;
        long k = tm_placeholder_at(tt, tn, i, tl->nmarkup, &l);
        rc = k >= 0 && repl[k] ? jisr_buf_append(out, repl[k], repl_n[k])
                               : jisr_buf_append(out, tt + i, l);
        if (k >= 0 && repl[k]) { /* a code written other than the stored one */
            const tm_str *st = &tl->markup[k];
            *changed += !(st->p && tm_ph_code(st->p, st->n, &off, &len) && len == repl_n[k] &&
                          memcmp(st->p + off, repl[k], len) == 0);
        }
        i += l;
    }
done:
    free(sc);
    free(tc);
    free(tpos);
    free(t2q);
    free(repl);
    free(repl_n);
    return rc;
}

/* Reading C of plain query text: its format codes (none holding '<' or '&', which a <ph>'s
 * content would have to escape) as <ph> tags. 1 when it has some (*tags, *ntags, out set), 0 when
 * it has none or holds a private-use character of the tags' range (which would be taken for a
 * tag), <0 error. */
static int phc_make(const char *text, jisr_buf *out, char ***tags, size_t *ntags)
{
    *tags = NULL;
    *ntags = 0;
    size_t tn = strlen(text);
    for (size_t i = 0; i + 2 < tn; i++)
        if (tm_pua_lead(text + i))
            return 0;
    tm_toks t = {0};
    int rc = tm_tokenize(text, tn, &t);
    size_t n = 0, cap = 0, at = 0;
    for (size_t k = 0; k < t.n && rc >= 0; k++) {
        const tm_tok *x = &t.v[k];
        if (!x->code || memchr(text + x->start, '<', x->end - x->start) ||
            memchr(text + x->start, '&', x->end - x->start) || n + 1 >= JISR_TAG_MAX)
            continue;
        jisr_buf m = {0};
        if ((rc = JISR_GROW(*tags, cap, n + 1)) < 0 ||
            (rc = jisr_buf_printf(&m, "<ph>%.*s</ph>", (int)(x->end - x->start), text + x->start)) <
                0 ||
            (rc = jisr_buf_append(out, text + at, x->start - at)) < 0 ||
            (rc = put_ph(out, n)) < 0) {
            jisr_buf_free(&m);
            break;
        }
        (*tags)[n++] = m.data;
        at = x->end;
    }
    tm_toks_free(&t);
    *ntags = n;
    if (rc >= 0 && n && (rc = jisr_buf_append(out, text + at, tn - at)) >= 0 &&
        jisr_buf_putc(out, 0) < 0)
        rc = JISR_ENOMEM;
    if (rc >= 0 && n)
        out->len--;
    return rc < 0 ? rc : n > 0;
}

static void free_tags(char **tags, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free(tags[k]);
    free(tags);
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

/* The threshold of a second reading once A has answered: a match scoring under A's last one
 * when A's list is full cannot enter the merged list (each of A's units ranks above it, and a
 * unit of A's own matches elsewhere only if better), so it need not be found. */
int tm_phcode_floor = 1;

static int floor_of(const jisr_tm_matches *a, const jisr_tm_query_opts *o)
{
    int f = o->min_score;
    if (tm_phcode_floor && a->n >= o->max_results && a->n && a->v[a->n - 1].score > f)
        f = a->v[a->n - 1].score;
    return f;
}

/* The second reading's limit: what is left of o's since t0 (none: none), or JISR_EINTERRUPTED */
static int time_left(const jisr_tm_query_opts *o, double t0, unsigned *ms)
{
    if (!o->timeout_ms)
        return 0;
    double left = o->timeout_ms - (jisr_now() - t0) * 1000.0;
    if (left < 1)
        return jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                              "the query took longer than its limit of %u ms", o->timeout_ms);
    *ms = (unsigned)left;
    return 0;
}

/* A and reading C (a plain query with codes), merged */
static int query_codes_as_tags(jisr_tm_ctx *c, const char *text, const jisr_tm_query_opts *o,
                               jisr_tm_matches *out)
{
    jisr_buf ct = {0};
    char **tags = NULL;
    size_t ntags = 0;
    int rc = phc_make(text, &ct, &tags, &ntags);
    if (rc <= 0) {
        jisr_buf_free(&ct);
        free_tags(tags, ntags);
        return rc < 0 ? rc : tm_ctx_query_one(c, text, o, out);
    }
    double t0 = jisr_now();
    jisr_tm_matches b = {NULL, 0, 0};
    if ((rc = tm_ctx_query_one(c, text, o, out)) < 0 || o->max_results == 0)
        goto done;
    /* only a memory that holds such placeholders (meta "phcodes", set by the import and the
     * reindex) has units C can match: elsewhere C finds nothing, at the cost of a walk whose
     * list never fills */
    tm_txn mt;
    uint64_t has = 0;
    if ((rc = tm_txn_begin(&mt, c->tm, 0)) < 0)
        goto done;
    rc = tm_meta_get_u64(&mt, "phcodes", &has);
    tm_txn_abort(&mt);
    if (rc < 0 || !has)
        goto done;
    jisr_tm_query_opts oc = *o;
    oc.tags = (const char *const *)tags;
    oc.ntags = ntags;
    oc.min_score = floor_of(out, o);
    if ((rc = time_left(o, t0, &oc.timeout_ms)) < 0)
        goto done;
    c->codes_as_tags = 1;
    atomic_fetch_add_explicit(&tm_phcode_cruns, 1, memory_order_relaxed);
    rc = tm_ctx_query_one(c, ct.data, &oc, &b);
    c->codes_as_tags = 0;
    if (rc < 0)
        goto done;
    out->candidates += b.candidates;
    rc = merge(out, &b, o->max_results);
done:
    jisr_tm_matches_free(&b);
    jisr_buf_free(&ct);
    free_tags(tags, ntags);
    if (rc < 0)
        jisr_tm_matches_free(out);
    return rc < 0 ? rc : 0;
}

int tm_phcode_plain = 1;
atomic_ulong tm_phcode_cruns;

int tm_query_phcodes(jisr_tm_ctx *c, const char *text, const jisr_tm_query_opts *o,
                     jisr_tm_matches *out)
{
    memset(out, 0, sizeof *out);
    if (c)
        c->codes_as_tags = 0;
    /* (bad options: reading A, asked first, reports them) */
    if (tm_phcode_plain && c && o && !o->tags && text)
        return query_codes_as_tags(c, text, o, out);
    if (!c || !o || !o->tags || !o->ntags || !text)
        return tm_ctx_query_one(c, text, o, out);
    phq p;
    int rc = phq_make(&p, text, o);
    if (rc <= 0) {
        phq_free(&p);
        return rc < 0 ? rc : tm_ctx_query_one(c, text, o, out);
    }
    double t0 = jisr_now();
    jisr_tm_matches b = {NULL, 0, 0};
    tm_toks tt = {0};
    if ((rc = tm_ctx_query_one(c, text, o, out)) < 0 || o->max_results == 0)
        goto done;
    jisr_tm_query_opts ob = *o;
    ob.min_score = floor_of(out, o) + (int)p.nseq * JISR_TM_TAG_PENALTY;
    if (ob.min_score > 100)
        goto done;
    ob.tags = p.btags;
    ob.ntags = p.nb;
    if ((rc = time_left(o, t0, &ob.timeout_ms)) < 0)
        goto done;
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
