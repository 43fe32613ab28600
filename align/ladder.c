/*
 * ladder.c — the vecalign ladder format and its strict/lax scores.
 *
 * A bead keeps its two sides as ranges, not index lists: every aligner writes consecutive
 * indices, and ranges make equality and overlap tests O(1). The parser therefore rejects a
 * side whose indices are not consecutive instead of silently scoring something else.
 *
 * Scoring follows vecalign's score.py (Thompson & Koehn 2019) to the letter: beads are sets
 * (duplicates count once, beads empty on both sides are dropped); a test bead is a strict hit
 * when it equals a gold bead, and a lax hit when one of its source sentences belongs to a gold
 * bead that also holds one of its target sentences; recall is the same computation with gold
 * and test swapped over the beads that have sentences on both sides. Counts are summed over
 * documents before dividing, which is why the API exposes counts and a separate finish step.
 */
#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

#define JISR_LADDER_MAX_INDEX 100000000u

int jisr_ladder_push(jisr_ladder *l, size_t src, size_t nsrc, size_t tgt, size_t ntgt, double score)
{
    if (!l)
        return jisr_null_arg("jisr_ladder_push", "l");
    int rc = JISR_GROW(l->v, l->cap, l->n + 1);
    if (rc < 0)
        return rc;
    jisr_bead *b = &l->v[l->n++];
    b->src = src;
    b->nsrc = nsrc;
    b->tgt = tgt;
    b->ntgt = ntgt;
    b->score = score;
    return 0;
}

void jisr_ladder_free(jisr_ladder *l)
{
    if (!l)
        return;
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* ---- parsing ------------------------------------------------------------------------------ */

typedef struct lparser {
    const char *p, *end, *line_start, *name;
    unsigned long line;
} lparser;

static int lp_error(const lparser *lp, const char *msg)
{
    return jisr_error_set(JISR_EPARSE, lp->name, lp->line,
                          (unsigned long)(lp->p - lp->line_start) + 1, "%s", msg);
}

static void lp_space(lparser *lp)
{
    while (lp->p < lp->end && (*lp->p == ' ' || *lp->p == '\t' || *lp->p == '\r'))
        lp->p++;
}

/* One side: "[" [n ("," n)*] "]" with consecutive indices. */
static int lp_side(lparser *lp, size_t *start, size_t *count)
{
    lp_space(lp);
    if (lp->p >= lp->end || *lp->p != '[')
        return lp_error(lp, "expected '['");
    lp->p++;
    size_t n = 0, first = 0, prev = 0;
    lp_space(lp);
    if (lp->p < lp->end && *lp->p == ']') {
        lp->p++;
        *start = 0;
        *count = 0;
        return 0;
    }
    for (;;) {
        lp_space(lp);
        if (lp->p >= lp->end || !isdigit((unsigned char)*lp->p))
            return lp_error(lp, "expected a sentence index");
        size_t v = 0;
        const char *num = lp->p;
        while (lp->p < lp->end && isdigit((unsigned char)*lp->p)) {
            v = v * 10 + (size_t)(*lp->p - '0');
            /* a document of more than 100 million sentences is not a document: refusing it
             * keeps the evaluator's per-sentence tables bounded on hostile ladders */
            if (v > JISR_LADDER_MAX_INDEX)
                return lp_error(lp, "sentence index too large (at most 100000000)");
            lp->p++;
        }
        if (n == 0)
            first = v;
        else if (v != prev + 1) {
            lp->p = num;
            return lp_error(lp, "indices of a bead side must be consecutive and increasing");
        }
        prev = v;
        n++;
        lp_space(lp);
        if (lp->p < lp->end && *lp->p == ',') {
            lp->p++;
            continue;
        }
        if (lp->p < lp->end && *lp->p == ']') {
            lp->p++;
            break;
        }
        return lp_error(lp, "expected ',' or ']'");
    }
    *start = first;
    *count = n;
    return 0;
}

/* One line of a ladder (without its line end): a bead appended to out, or nothing for a blank
 * line. */
static int parse_line(jisr_ladder *out, const char *line, size_t len, const char *name,
                      unsigned long lineno)
{
    lparser l1 = {line, line + len, line, name, lineno};
    int rc;
    lp_space(&l1);
    if (l1.p >= l1.end)
        return 0;
    size_t s, ns, t, nt;
    double score = 0;
    if ((rc = lp_side(&l1, &s, &ns)) < 0)
        return rc;
    lp_space(&l1);
    if (l1.p >= l1.end || *l1.p != ':')
        return lp_error(&l1, "expected ':' between the two sides");
    l1.p++;
    if ((rc = lp_side(&l1, &t, &nt)) < 0)
        return rc;
    lp_space(&l1);
    if (l1.p < l1.end && *l1.p == ':') {
        l1.p++;
        lp_space(&l1);
        char num[64];
        size_t k = 0;
        const char *at = l1.p;
        while (l1.p < l1.end && k + 1 < sizeof num && !isspace((unsigned char)*l1.p))
            num[k++] = *l1.p++;
        num[k] = '\0';
        char *e = NULL;
        errno = 0;
        score = strtod(num, &e);
        if (k == 0 || *e != '\0' || errno) {
            l1.p = at;
            return lp_error(&l1, "bad score");
        }
        if (!isfinite(score) || score < 0) { /* a probability (jisr) or a cost (vecalign) */
            l1.p = at;
            return lp_error(&l1, "a score is a number from 0 (jisr writes a probability, "
                                 "vecalign a cost)");
        }
        lp_space(&l1);
    }
    if (l1.p < l1.end)
        return lp_error(&l1, "unexpected text after the bead");
    if (ns == 0 && nt == 0)
        return 0; /* a bead without a sentence: nothing, as vecalign's score.py skips it */
    return jisr_ladder_push(out, s, ns, t, nt, score);
}

/* Every line of a reader (the library's line reader, over memory or a file). */
static int parse_lines(jisr_ladder *out, jisr_lines *lr, const char *name)
{
    out->n = 0;
    const char *line;
    size_t len;
    int rc;
    while ((rc = jisr_lines_next(lr, &line, &len)) > 0)
        if ((rc = parse_line(out, line, len, name, jisr_lines_lineno(lr))) < 0)
            return rc;
    return rc;
}

int jisr_ladder_parse(jisr_ladder *out, const char *text, size_t len, const char *name)
{
    jisr_lines *lr = NULL;
    if (!out)
        return jisr_null_arg("jisr_ladder_parse", "out");
    if (!text && len) /* NULL and 0 is an empty ladder */
        return jisr_null_arg("jisr_ladder_parse", "text");
    name = name ? name : "(ladder)";
    int rc = jisr_lines_open_memory(&lr, text, len, name, JISR_LINES_KEEP_CR);
    if (rc == 0)
        rc = parse_lines(out, lr, name);
    jisr_lines_close(lr);
    return rc;
}

int jisr_ladder_read(jisr_ladder *out, const char *path)
{
    jisr_lines *lr = NULL;
    if (!out || !path)
        return jisr_null_arg("jisr_ladder_read", out ? "path" : "out");
    int rc = jisr_lines_open(&lr, path, JISR_LINES_KEEP_CR);
    if (rc == 0)
        rc = parse_lines(out, lr, path);
    jisr_lines_close(lr);
    return rc;
}

static int put_side(jisr_buf *out, size_t start, size_t n)
{
    int rc = jisr_buf_putc(out, '[');
    for (size_t k = 0; rc == 0 && k < n; k++)
        rc = jisr_buf_printf(out, k ? ",%zu" : "%zu", start + k);
    return rc < 0 ? rc : jisr_buf_putc(out, ']');
}

int jisr_ladder_format(jisr_buf *out, const jisr_ladder *l, int with_scores)
{
    int rc = 0;
    if (!out || !l)
        return jisr_null_arg("jisr_ladder_format", out ? "l" : "out");
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const jisr_bead *b = &l->v[i];
        if ((rc = put_side(out, b->src, b->nsrc)) < 0 || (rc = jisr_buf_putc(out, ':')) < 0 ||
            (rc = put_side(out, b->tgt, b->ntgt)) < 0)
            break;
        if (with_scores)
            rc = jisr_buf_printf(out, ":%.4f", b->score);
        if (rc == 0)
            rc = jisr_buf_putc(out, '\n');
    }
    return rc;
}

/* ---- scoring ------------------------------------------------------------------------------ */

static int bead_cmp(const void *a, const void *b)
{
    const jisr_bead *x = a, *y = b;
    size_t kx[4] = {x->nsrc ? x->src : 0, x->nsrc, x->ntgt ? x->tgt : 0, x->ntgt};
    size_t ky[4] = {y->nsrc ? y->src : 0, y->nsrc, y->ntgt ? y->tgt : 0, y->ntgt};
    for (int i = 0; i < 4; i++)
        if (kx[i] != ky[i])
            return kx[i] < ky[i] ? -1 : 1;
    return 0;
}

/* Copies the beads passing the filter, sorted and de-duplicated (score.py turns them into a
 * set). need_both: keep only beads with sentences on both sides; else drop only empty ones. */
static int bead_set(const jisr_ladder *l, int need_both, jisr_bead **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!l || l->n == 0)
        return 0;
    jisr_bead *v = malloc(l->n * sizeof *v);
    if (!v)
        return jisr_oom(0);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        jisr_bead b = l->v[i];
        if (need_both ? (b.nsrc == 0 || b.ntgt == 0) : (b.nsrc == 0 && b.ntgt == 0))
            continue;
        if (b.nsrc == 0)
            b.src = 0;
        if (b.ntgt == 0)
            b.tgt = 0;
        b.score = 0;
        v[k++] = b;
    }
    if (k)
        qsort(v, k, sizeof *v, bead_cmp);
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (m == 0 || bead_cmp(&v[m - 1], &v[i]) != 0)
            v[m++] = v[i];
    *out = v;
    *n = m;
    return 0;
}

/* score.py's _precision over bead sets: hits and misses of test against gold. */
static int precision_counts(const jisr_bead *gold, size_t ng, const jisr_bead *test, size_t nt,
                            uint64_t out[4])
{
    /* per source sentence, the gold beads holding it (CSR arrays) */
    size_t maxs = 0;
    for (size_t i = 0; i < ng; i++)
        if (gold[i].nsrc && gold[i].src + gold[i].nsrc > maxs)
            maxs = gold[i].src + gold[i].nsrc;
    size_t *start = calloc(maxs + 2, sizeof *start);
    size_t total = 0;
    for (size_t i = 0; i < ng; i++)
        total += gold[i].nsrc;
    size_t *idx = malloc((total ? total : 1) * sizeof *idx);
    if (!start || !idx) {
        free(start);
        free(idx);
        return jisr_oom(0);
    }
    for (size_t i = 0; i < ng; i++)
        for (size_t s = gold[i].src; s < gold[i].src + gold[i].nsrc; s++)
            start[s + 2]++;
    for (size_t s = 2; s < maxs + 2; s++)
        start[s] += start[s - 1];
    for (size_t i = 0; i < ng; i++)
        for (size_t s = gold[i].src; s < gold[i].src + gold[i].nsrc; s++)
            idx[start[s + 1]++] = i;
    /* now the gold beads of sentence s are idx[start[s] .. start[s+1]) */
    for (size_t i = 0; i < nt; i++) {
        const jisr_bead *b = &test[i];
        if (ng && bsearch(b, gold, ng, sizeof *gold, bead_cmp)) { /* no gold: NULL base */
            out[0]++;
            out[2]++;
            continue;
        }
        out[1]++;
        int lax = 0;
        for (size_t s = b->src; !lax && s < b->src + b->nsrc && s < maxs; s++)
            for (size_t k = start[s]; !lax && k < start[s + 1]; k++) {
                const jisr_bead *g = &gold[idx[k]];
                if (g->ntgt && b->ntgt && g->tgt < b->tgt + b->ntgt && b->tgt < g->tgt + g->ntgt)
                    lax = 1;
            }
        out[lax ? 2 : 3]++;
    }
    free(start);
    free(idx);
    return 0;
}

int jisr_align_score_add(jisr_align_counts *c, const jisr_ladder *gold, const jisr_ladder *test)
{
    jisr_bead *g = NULL, *t = NULL, *g2 = NULL, *t2 = NULL;
    size_t ng, nt, ng2, nt2;
    uint64_t p[4] = {0}, r[4] = {0};
    int rc;
    if (!c) /* a NULL ladder is one without beads (bead_set) */
        return jisr_null_arg("jisr_align_score_add", "c");
    if ((rc = bead_set(gold, 0, &g, &ng)) < 0 || (rc = bead_set(test, 0, &t, &nt)) < 0 ||
        (rc = bead_set(gold, 1, &g2, &ng2)) < 0 || (rc = bead_set(test, 1, &t2, &nt2)) < 0)
        goto done;
    if ((rc = precision_counts(g, ng, t, nt, p)) < 0 ||
        (rc = precision_counts(t2, nt2, g2, ng2, r)) < 0)
        goto done;
    c->p_strict_hit += p[0];
    c->p_strict_miss += p[1];
    c->p_lax_hit += p[2];
    c->p_lax_miss += p[3];
    c->r_strict_hit += r[0];
    c->r_strict_miss += r[1];
    c->r_lax_hit += r[2];
    c->r_lax_miss += r[3];
done:
    free(g);
    free(t);
    free(g2);
    free(t2);
    return rc;
}

static double ratio(uint64_t hit, uint64_t miss)
{
    return hit + miss ? (double)hit / (double)(hit + miss) : 0.0;
}

static double f1(double p, double r)
{
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

void jisr_align_score_finish(const jisr_align_counts *c, jisr_align_scores *out)
{
    static const jisr_align_counts none; /* no counts: every score 0 */
    if (!out)
        return;
    if (!c)
        c = &none;
    out->p_strict = ratio(c->p_strict_hit, c->p_strict_miss);
    out->p_lax = ratio(c->p_lax_hit, c->p_lax_miss);
    out->r_strict = ratio(c->r_strict_hit, c->r_strict_miss);
    out->r_lax = ratio(c->r_lax_hit, c->r_lax_miss);
    out->f_strict = f1(out->p_strict, out->r_strict);
    out->f_lax = f1(out->p_lax, out->r_lax);
}
