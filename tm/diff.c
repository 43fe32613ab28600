/*
 * diff.c — rendering a match for the user: the stored source as a word diff against the query
 * ([-query only-]{+match only+}, near-equal tokens plain), and number placeables (the query's
 * numbers put into the stored target when the texts differ only in numbers).
 *
 * The diff comes from an optimal alignment of the two token sequences under the matcher's costs.
 * Up to TM_DIFF_FULL_CELLS cells it is the back-trace of the full DP matrix (preferring, from the
 * end, a substitution, then a query token dropped, then a match token added). Beyond, the matrix
 * would cost memory proportional to the product of the lengths (6 GB for two texts of 40,000
 * words), so Hirschberg's divide and conquer finds an optimal alignment in linear space and
 * twice the time: the forward distances to the query's middle row and the backward ones from
 * its end meet at the column an optimal path crosses; each half is aligned the same way, and
 * small pieces by the full matrix. Its choice among equally good alignments may differ from the
 * full back-trace's; the score never does (it comes from score.c).
 */
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"

/* Alignments of up to this many DP cells keep the full matrix (16 MiB): every query of ordinary
 * length, whose diffs therefore never depend on the method. */
#define TM_DIFF_FULL_CELLS ((size_t)1 << 22)
/* Hirschberg's pieces at most this big are finished by the full matrix. */
#define TM_DIFF_LEAF_CELLS ((size_t)1 << 16)

/* One step of an alignment: 'E'qual/near, 'S'ubstitute, 'D'elete (a query token), 'I'nsert (a
 * match token); qi/mi give the token indexes. */
typedef struct step {
    char op;
    uint32_t qi, mi;
} step;

typedef struct steps {
    step *v;
    size_t n, cap;
} steps;

static step make_step(const tm_tok *q, const tm_tok *m, size_t i, size_t j)
{
    uint32_t sc = tm_sub_cost(&q[i], &m[j]);
    int near = sc == 0 || q[i].hn == m[j].hn ||
               (q[i].kind == TM_WORD && q[i].hk == m[j].hk && m[j].kind == TM_WORD);
    return (step){near ? 'E' : 'S', (uint32_t)i, (uint32_t)j};
}

/* The full DP matrix of q[qa, qa + n) against m[ma, ma + mn) and its back-trace, appended to out
 * in order. */
static int align_full(const tm_tok *q, size_t qa, size_t n, const tm_tok *m, size_t ma, size_t mn,
                      steps *out)
{
    uint32_t *dp = malloc((n + 1) * (mn + 1) * sizeof *dp);
    int rc = JISR_GROW(out->v, out->cap, out->n + n + mn + 1);
    if (!dp || rc < 0) {
        free(dp);
        return rc < 0 ? rc : jisr_oom((n + 1) * (mn + 1) * sizeof *dp);
    }
    const tm_tok *qv = q + qa, *mv = m + ma;
#define DP(i, j) dp[(i) * (mn + 1) + (j)]
    DP(0, 0) = 0;
    for (size_t j = 1; j <= mn; j++)
        DP(0, j) = DP(0, j - 1) + tm_tok_w(&mv[j - 1]);
    for (size_t i = 1; i <= n; i++) {
        DP(i, 0) = DP(i - 1, 0) + tm_tok_w(&qv[i - 1]);
        for (size_t j = 1; j <= mn; j++) {
            uint32_t a = DP(i - 1, j - 1) + tm_sub_cost(&qv[i - 1], &mv[j - 1]);
            uint32_t b = DP(i - 1, j) + tm_tok_w(&qv[i - 1]);
            uint32_t c = DP(i, j - 1) + tm_tok_w(&mv[j - 1]);
            uint32_t v = a < b ? a : b;
            DP(i, j) = v < c ? v : c;
        }
    }
    step *s = out->v + out->n;
    size_t i = n, j = mn, k = 0;
    while (i > 0 || j > 0) {
        if (i > 0 && j > 0 && DP(i, j) == DP(i - 1, j - 1) + tm_sub_cost(&qv[i - 1], &mv[j - 1])) {
            s[k++] = make_step(q, m, qa + i - 1, ma + j - 1);
            i--;
            j--;
        } else if (i > 0 && DP(i, j) == DP(i - 1, j) + tm_tok_w(&qv[i - 1])) {
            s[k++] = (step){'D', (uint32_t)(qa + i - 1), (uint32_t)(ma + j)};
            i--;
        } else {
            s[k++] = (step){'I', (uint32_t)(qa + i), (uint32_t)(ma + j - 1)};
            j--;
        }
    }
#undef DP
    free(dp);
    for (size_t a = 0, b = k ? k - 1 : 0; a < b; a++, b--) {
        step t = s[a];
        s[a] = s[b];
        s[b] = t;
    }
    out->n += k;
    return 0;
}

/* One row of the DP: cur from prev for query token qt against the match tokens mv[0..mn) (in
 * the order given: the backward rows pass the reversed tokens). */
static inline void dp_step(const tm_tok *qt, const tm_tok *const *mv, size_t mn,
                           const uint32_t *prev, uint32_t *cur)
{
    uint32_t wq = tm_tok_w(qt);
    cur[0] = prev[0] + wq;
    for (size_t j = 1; j <= mn; j++) {
        const tm_tok *mt = mv[j - 1];
        uint32_t a = prev[j - 1] + tm_sub_cost(qt, mt);
        uint32_t b = prev[j] + wq;
        uint32_t cc = cur[j - 1] + tm_tok_w(mt);
        uint32_t v = a < b ? a : b;
        cur[j] = v < cc ? v : cc;
    }
}

/* The last row of the DP of q[qa, qb) against m[ma, mb): row[j] = the distance of q[qa, qb) and
 * m[ma, ma + j). rev: of the reversed sequences (row[j] = the distance of q[qa, qb) and
 * m[mb − j, mb)). tmp holds as many values as row, mp as many token pointers. */
static void dp_row(jisr_tm_ctx *c, const tm_tok *q, size_t qa, size_t qb, const tm_tok *m,
                   size_t ma, size_t mb, int rev, uint32_t *row, uint32_t *tmp, const tm_tok **mp)
{
    size_t mn = mb - ma;
    for (size_t j = 0; j < mn; j++)
        mp[j] = rev ? &m[mb - 1 - j] : &m[ma + j];
    uint32_t *prev = row, *cur = tmp;
    prev[0] = 0;
    for (size_t j = 1; j <= mn; j++)
        prev[j] = prev[j - 1] + tm_tok_w(mp[j - 1]);
    for (size_t i = 1; i <= qb - qa; i++) {
        dp_step(&q[rev ? qb - i : qa + i - 1], mp, mn, prev, cur);
        uint32_t *t = prev;
        prev = cur;
        cur = t;
        if ((i & 63) == 0 && tm_late(c))
            break; /* the caller sees c->late */
    }
    if (prev != row)
        memcpy(row, prev, (mn + 1) * sizeof *row);
}

/* Hirschberg: an optimal alignment of q[qa, qb) and m[ma, mb) appended to out. f, g and tmp hold
 * |m| + 1 values each, mp |m| token pointers. */
static int hirschberg(jisr_tm_ctx *c, const tm_tok *q, size_t qa, size_t qb, const tm_tok *m,
                      size_t ma, size_t mb, uint32_t *f, uint32_t *g, uint32_t *tmp,
                      const tm_tok **mp, steps *out)
{
    size_t n = qb - qa, mn = mb - ma;
    if (c->late)
        return 0;
    if (n <= 2 || (n + 1) * (mn + 1) <= TM_DIFF_LEAF_CELLS)
        return align_full(q, qa, n, m, ma, mn, out);
    size_t mid = qa + n / 2;
    dp_row(c, q, qa, mid, m, ma, mb, 0, f, tmp, mp);
    dp_row(c, q, mid, qb, m, ma, mb, 1, g, tmp, mp);
    if (c->late)
        return 0;
    /* the column where an optimal path crosses the middle row: f[k] + g[mn − k] is least */
    size_t best = 0;
    uint64_t bv = UINT64_MAX;
    for (size_t k = 0; k <= mn; k++) {
        uint64_t v = (uint64_t)f[k] + g[mn - k];
        if (v < bv) {
            bv = v;
            best = k;
        }
    }
    int rc = hirschberg(c, q, qa, mid, m, ma, ma + best, f, g, tmp, mp, out);
    if (rc == 0)
        rc = hirschberg(c, q, mid, qb, m, ma + best, mb, f, g, tmp, mp, out);
    return rc;
}

/* An optimal alignment of the query's tokens with the match's, in order (force: Hirschberg's
 * whatever the size, for tests). */
static int align_with(jisr_tm_ctx *c, const tm_toks *q, const tm_toks *m, steps *out, int force)
{
    out->n = 0;
    if (!force && (q->n + 1) * (m->n + 1) <= TM_DIFF_FULL_CELLS)
        return align_full(q->v, 0, q->n, m->v, 0, m->n, out);
    uint32_t *buf = malloc(3 * (m->n + 1) * sizeof *buf);
    const tm_tok **mp = malloc((m->n + 1) * sizeof *mp);
    if (!buf || !mp) {
        free(buf);
        free(mp);
        return jisr_oom(3 * (m->n + 1) * sizeof *buf);
    }
    int rc = hirschberg(c, q->v, 0, q->n, m->v, 0, m->n, buf, buf + m->n + 1, buf + 2 * (m->n + 1),
                        mp, out);
    free(buf);
    free(mp);
    return rc;
}

static int align(jisr_tm_ctx *c, const tm_toks *q, const tm_toks *m, steps *out)
{
    return align_with(c, q, m, out, 0);
}

int tm_align_cost(const tm_toks *q, const tm_toks *m, int hirschberg, uint32_t *cost)
{
    jisr_tm_ctx c;
    memset(&c, 0, sizeof c);
    steps s = {0};
    int rc = align_with(&c, q, m, &s, hirschberg);
    uint32_t sum = 0;
    size_t qi = 0, mi = 0;
    for (size_t k = 0; rc == 0 && k < s.n; k++) { /* every token once, in order */
        const step *st = &s.v[k];
        if (st->op == 'D') {
            rc = st->qi == qi ? 0 : JISR_EINVAL;
            sum += tm_tok_w(&q->v[qi++]);
        } else if (st->op == 'I') {
            rc = st->mi == mi ? 0 : JISR_EINVAL;
            sum += tm_tok_w(&m->v[mi++]);
        } else {
            rc = st->qi == qi && st->mi == mi ? 0 : JISR_EINVAL;
            sum += tm_sub_cost(&q->v[qi++], &m->v[mi++]);
        }
    }
    if (rc == 0 && (qi != q->n || mi != m->n))
        rc = JISR_EINVAL;
    free(s.v);
    *cost = sum;
    return rc;
}

/* The format code held by tag token t of text s (its markup by placeholder index), if a code
 * placeholder: reading C's diff shows a pair whose codes differ */
static int tag_code(const char *s, const tm_tok *t, const tm_taglist *l, const char **code,
                    size_t *len)
{
    size_t pl;
    if (!l || t->kind != TM_TAG)
        return 0;
    long k = tm_placeholder_at(s, t->end, t->start, l->nmarkup, &pl);
    if (k < 0 || t->start + pl != t->end)
        return 0;
    const tm_str *x = &l->markup[k];
    size_t off;
    if (!x->p || !tm_ph_code(x->p, x->n, &off, len))
        return 0;
    *code = x->p + off;
    return 1;
}

/* Whether b ends with a space, the tags' placeholders after it aside (they show as nothing). */
static int ends_spaced(const jisr_buf *b)
{
    size_t n = b->len;
    while (n >= 3 && tm_pua_lead(b->data + n - 3))
        n -= 3;
    return n > 0 && b->data[n - 1] == ' ';
}

/* The word diff; with ql and ml (the query's tags, reading C's codes as tags among them, and the
 * source's), a code placeholder aligned with one holding another code shows as a substitution,
 * the query's code written as text ([-{1}-]{+ placeholder +}). A tag in one text only is not
 * marked (tags are not words), unless it holds a code (mtags: the source's tags, and ql) */
static char *make_diff(const char *qt, const tm_toks *q, const char *mt, size_t mlen,
                       const tm_toks *m, const step *s, size_t ns, const tm_taglist *ql,
                       const tm_taglist *ml, const tm_taglist *mtags)
{
    jisr_buf b = {0};
    size_t pos = 0; /* bytes of the match text already copied */
    int spaced = 0; /* the last thing written is a query-only token a space followed */
    int owed = 0;   /* the same, the token deleted against a stored tag */
    const char *qc, *mc;
    size_t qn, mn;
    for (size_t k = 0; k < ns; k++) {
        const step *st = &s[k];
        if (st->op == 'D') {
            const tm_tok *t = &q->v[st->qi];
            /* tags are not words: a tag only the query has is not shown (the match's line
             * says what became of it); a code placeholder is (it is text to the reader) */
            if (t->kind == TM_TAG && !tag_code(qt, t, ql, &qc, &qn))
                continue;
            /* a space before it where the query has one ("end[-.-]", "the [-big-] end"), unless
             * one is there before the tags last written (they show as nothing) */
            if (b.len && !ends_spaced(&b) &&
                (t->start == 0 || qt[t->start - 1] == ' ' || qt[t->start - 1] == '\t' ||
                 qt[t->start - 1] == '\n'))
                jisr_buf_putc(&b, ' ');
            jisr_buf_puts(&b, "[-");
            jisr_buf_append(&b, qt + t->start, t->end - t->start);
            jisr_buf_puts(&b, "-]");
            spaced = qt[t->end] == ' ' || qt[t->end] == '\t' || qt[t->end] == '\n';
            owed = 0; /* its own space came before it */
            continue;
        }
        const tm_tok *t = &m->v[st->mi];
        jisr_buf_append(&b, mt + pos, t->start - pos); /* the gap before the token */
        if ((spaced || (owed && st->op == 'S')) && t->start == pos && b.len && !ends_spaced(&b))
            jisr_buf_putc(&b, ' '); /* "[-a-] file", not "[-a-]file" */
        spaced = owed = 0;
        if (st->op == 'I' && t->kind == TM_TAG && !tag_code(mt, t, mtags, &mc, &mn)) {
            jisr_buf_append(&b, mt + t->start, t->end - t->start); /* a tag: not marked */
            pos = t->end;
            continue;
        }
        if (st->op != 'I' && tag_code(qt, &q->v[st->qi], ql, &qc, &qn) &&
            tag_code(mt, t, ml, &mc, &mn) && (qn != mn || memcmp(qc, mc, qn) != 0)) {
            jisr_buf_puts(&b, "[-");
            jisr_buf_append(&b, qc, qn);
            jisr_buf_puts(&b, "-]{+");
            jisr_buf_append(&b, mt + t->start, t->end - t->start);
            jisr_buf_puts(&b, "+}");
            pos = t->end;
            continue;
        }
        if (st->op == 'S' && t->kind == TM_TAG && q->v[st->qi].kind != TM_TAG &&
            !tag_code(mt, t, mtags, &mc, &mn)) {
            /* a query token against a stored tag (a substitution costs what the deletion costs,
             * the tag weighing nothing): the token deleted, the tag unmarked as a tag in one
             * text only is, and the space after the token owed to a substitution next ("Choose
             * [-S-] [-ave-]{+Save+}" against "Choose <u0>S</u0>ave"; it was "[-S-]{+ +}[-ave-]",
             * which the API's runs read as the deletion of "Save"). Only there: the API's runs
             * read the library's spaces before a deletion only (serve/diffops.c) */
            const tm_tok *a = &q->v[st->qi];
            jisr_buf_puts(&b, "[-");
            jisr_buf_append(&b, qt + a->start, a->end - a->start);
            jisr_buf_puts(&b, "-]");
            jisr_buf_append(&b, mt + t->start, t->end - t->start);
            owed = qt[a->end] == ' ' || qt[a->end] == '\t' || qt[a->end] == '\n';
            pos = t->end;
            continue;
        }
        if (st->op == 'S') {
            const tm_tok *a = &q->v[st->qi];
            jisr_buf_puts(&b, "[-");
            jisr_buf_append(&b, qt + a->start, a->end - a->start);
            jisr_buf_puts(&b, "-]{+");
        } else if (st->op == 'I') {
            jisr_buf_puts(&b, "{+");
        }
        jisr_buf_append(&b, mt + t->start, t->end - t->start);
        if (st->op != 'E')
            jisr_buf_puts(&b, "+}");
        pos = t->end;
    }
    jisr_buf_append(&b, mt + pos, mlen - pos);
    if (!b.data)
        return jisr_strdup("");
    return b.data;
}

/* copies of n markup strings */
static int copy_tags(char ***out, size_t *nout, const tm_str *v, size_t n)
{
    *nout = 0;
    if (!n)
        return 0;
    if (!(*out = calloc(n, sizeof **out)))
        return jisr_oom(n * sizeof **out);
    for (size_t k = 0; k < n; k++) {
        if (!((*out)[k] = v[k].p ? jisr_strndup(v[k].p, v[k].n) : jisr_strdup("")))
            return jisr_oom(v[k].n);
        *nout = k + 1;
    }
    return 0;
}

int tm_fill_match(jisr_tm_ctx *c, const tm_top *b, jisr_tm_match *m)
{
    unsigned int id = b->id;
    MDB_val ud;
    int rc = tm_unit_rec(c, id, &ud);
    if (rc != 0)
        return rc < 0 ? rc : tm_txn_corrupt(&c->t, "reading a unit");
    rc = tm_rec_decode(ud.mv_data, ud.mv_size, &c->rec);
    if (rc < 0)
        return tm_txn_set(&c->t, rc);
    int si = b->si, ti = b->ti; /* the variants it was scored with */
    if ((uint32_t)si >= c->rec.nvar || (uint32_t)ti >= c->rec.nvar)
        return tm_txn_corrupt(&c->t, "reading a unit");
    const tm_rvar *sv = &c->rec.var[si], *tv = &c->rec.var[ti];
    m->score = b->score;
    m->similarity = b->sim;
    m->id = id;
    m->source = jisr_strndup(sv->text.p, sv->text.n);
    m->target_orig = jisr_strndup(tv->text.p, tv->text.n);
    if (!m->source || !m->target_orig)
        return JISR_ENOMEM;
    /* the source's tokens serve the diff, copied tokens, accelerators and numbers */
    int nodiff = (c->o->flags & JISR_TM_NO_DIFF) != 0;
    const tm_toks *mt = &c->m, *kept = tm_kept_toks(c, id);
    if (kept) /* scoring kept them (the same text's tokens) */
        mt = kept;
    else if ((sv->ntags && (rc = tm_toks_glue_rvar(&c->m, &c->rec, sv)) < 0) ||
             (rc = tm_tokenize(m->source, sv->text.n, &c->m)) < 0)
        return rc;
    /* the source's tags: the diff shows reading C's code pairs with them, the target's follow */
    if ((rc = tm_place_tags(&c->pl, &c->rec, sv, 0)) < 0)
        return rc;
    steps s = {0}; /* the alignment: the diff's, and copied tokens' when they need it */
    if (!nodiff) {
        if ((rc = align(c, &c->q, mt, &s)) < 0) {
            free(s.v);
            return rc;
        }
        if (c->late) {
            free(s.v);
            return 0; /* the caller reports the deadline */
        }
        int qtags = c->codes_as_tags || c->has_qtags; /* reading C, or a tagged query */
        m->diff = make_diff(c->text, &c->q, m->source, sv->text.n, mt, s.v, s.n,
                            qtags ? &c->qtags : NULL, qtags ? &c->pl.tl[0] : NULL, &c->pl.tl[0]);
        if (!m->diff) {
            free(s.v);
            return JISR_ENOMEM;
        }
    }
    m->changed = b->changed;
    m->usage = b->usage;
    m->shared_run = b->lcsub;
    m->char_similarity =
        b->csim >= 0 ? b->csim : tm_char_keys(c, m->source, sv->text.n, &m->shared_run);
    /* tags first (the query's in place of the stored ones), then copied tokens and
     * accelerators, then numbers on that text: the agreement positions are then those of the
     * final target */
    jisr_buf t1 = {0}, t2 = {0}, t3 = {0}, t4 = {0};
    int32_t *s2q = NULL;
    size_t codes_changed = 0, codes_differ = 0; /* reading C: codes written other than stored */
    const char *tt = m->target_orig;
    size_t tn = tv->text.n;
    if ((rc = tm_place_tags(&c->pl, &c->rec, tv, 1)) < 0 ||
        (rc = copy_tags(&m->source_tags, &m->nsource_tags, c->pl.tl[0].markup,
                        c->pl.tl[0].nmarkup)) < 0 ||
        (rc = copy_tags(&m->stored_tags, &m->nstored_tags, c->pl.tl[1].markup,
                        c->pl.tl[1].nmarkup)) < 0)
        goto done;
    if (c->codes_as_tags) { /* the stored tags kept, the paired code placeholders as codes */
        if ((rc = tm_codes_target(&c->pl, tt, tn, &c->qtags, &t1, &codes_changed)) < 0 ||
            (rc = copy_tags(&m->tags, &m->ntags, c->pl.tl[1].markup, c->pl.tl[1].nmarkup)) < 0)
            goto done;
        if (!t1.data && (rc = jisr_buf_puts(&t1, "")) < 0)
            goto done;
        tt = t1.data;
        tn = t1.len;
        m->tag_diff = c->qtags.n;
        tm_code_pairs(&c->pl.tl[0], &c->qtags, &codes_differ);
    } else if (c->has_qtags) {
        if ((rc = tm_map_target(&c->pl, tt, tn, &c->qtags, &t1, m)) < 0 ||
            (rc = copy_tags(&m->tags, &m->ntags, c->qtags.markup, c->qtags.nmarkup)) < 0)
            goto done;
        if (!t1.data && (rc = jisr_buf_puts(&t1, "")) < 0)
            goto done;
        tt = t1.data;
        tn = t1.len;
    } else if ((rc = copy_tags(&m->tags, &m->ntags, c->pl.tl[1].markup, c->pl.tl[1].nmarkup)) < 0) {
        goto done;
    }
    /* the target's words with tags inside read as the source's do (copies, accelerators) */
    c->pl.ttags = m->tags;
    c->pl.nttags = m->ntags;
    if ((rc = tm_copies_possible(&c->pl, c->text, &c->q, m->source, mt, tt, tn)) < 0)
        goto done;
    if (rc == 1) {
        if (nodiff && ((rc = align(c, &c->q, mt, &s)) < 0 || c->late))
            goto done; /* c->late: the caller reports the deadline */
        if (!(s2q = malloc((mt->n + 1) * sizeof *s2q))) {
            rc = jisr_oom((mt->n + 1) * sizeof *s2q);
            goto done;
        }
        for (size_t k = 0; k < mt->n; k++)
            s2q[k] = -1;
        for (size_t k = 0; k < s.n; k++)
            if (s.v[k].op == 'E' || s.v[k].op == 'S')
                s2q[s.v[k].mi] = (int32_t)s.v[k].qi;
        if ((rc = tm_match_copies(&c->pl, c->text, &c->q, m->source, mt, s2q, tt, tn, &t3,
                                  &m->copied)) < 0)
            goto done;
        if (m->copied) {
            tt = t3.data;
            tn = t3.len;
        }
    }
    if ((rc = tm_match_accel(&c->pl, c->text, &c->q, m->source, mt, tt, tn, &t4, &m->accelerator)) <
        0)
        goto done;
    if (m->accelerator == JISR_TM_ACCEL_REMOVED || m->accelerator == JISR_TM_ACCEL_STYLED) {
        if (!t4.data && (rc = jisr_buf_puts(&t4, "")) < 0)
            goto done;
        tt = t4.data;
        tn = t4.len;
    }
    if ((rc = tm_match_numbers(&c->pl, c->text, &c->q, m->source, mt, tt, tn, c->o->tgtlang, &t2,
                               &m->agree, &m->nagree)) < 0)
        goto done;
    m->numbers = c->pl.state;
    m->differ = m->numbers == JISR_TM_NUMBERS_SAME ? 0 : c->pl.kinds;
    /* a fuzzy match (JISR_TM_DIFFER_MORE) carries the query's numbers too, but is no placeable */
    m->placeable = m->numbers == JISR_TM_NUMBERS_PLACED && !(m->differ & JISR_TM_DIFFER_MORE);
    m->penalty = (int)(JISR_TM_TAG_PENALTY * m->tag_diff + JISR_TM_AGREE_PENALTY * m->nagree);
    if (m->numbers == JISR_TM_NUMBERS_PLACED) {
        m->target = t2.data;
        t2.data = NULL;
    } else {
        m->target = jisr_strndup(tt, tn);
    }
    /* reading C: the query's codes written in the translation in place of stored ones are a
     * substitution too, as the same codes stored as text would be (§2.3b): placeable when the
     * texts differ in nothing else (no word distance), else only said (differs_in); a differing
     * code the translation does not hold was not substituted */
    if (codes_differ && m->numbers != JISR_TM_NUMBERS_AMBIGUOUS &&
        m->numbers != JISR_TM_NUMBERS_MISSING) {
        m->differ |= JISR_TM_DIFFER_CODES;
        if (!codes_changed) {
            m->numbers = JISR_TM_NUMBERS_MISSING;
        } else if (m->similarity >= 1.0) {
            if (!m->placeable) {
                m->numbers = JISR_TM_NUMBERS_PLACED;
                m->placeable = 1;
            }
        }
    }
    rc = m->target ? 0 : jisr_oom(tn);
done:
    c->pl.ttp = NULL; /* the texts go; their tokens must not be taken for another's */
    c->pl.nttags = 0;
    free(s.v);
    free(s2q);
    jisr_buf_free(&t1);
    jisr_buf_free(&t2);
    jisr_buf_free(&t3);
    jisr_buf_free(&t4);
    return rc;
}
