/*
 * aligner.c — the sentence aligner's passes: documents in, ladders out.
 *
 * A document pair is kept as token ids (tokens.c) and character counts. jisr_aligner_run builds
 * the lexicon of the batch (dictionary pairs whose headword occurs in it — dictload.c —,
 * trained lexicons, names found by transliteration — names.c —, and anchors: numbers and ? !
 * quotes translate to themselves), weighs every token by how much a match of it tells (cost.c),
 * aligns every document (a first pass), trains an IBM Model 1 table on the confident 1-1 beads
 * of that pass (model1.c), re-estimates the weights, the chance that a known token finds its
 * translation, and the length statistics, and aligns again. Learning from the whole batch is
 * what makes a batch better than one document alone; the trained lexicons are what make one
 * document nearly as good.
 *
 * Model 2's length statistics resist outliers: the first pass uses each document's ratio of
 * characters with every sentence capped at four times its side's typical length (the upper
 * quartile, typical_chars), shrunk toward the lexicons' ratio (prior_n beads' worth); the
 * second pass uses the ratio of the document's
 * confident 1-1 beads, shrunk toward the batch's, and the variance of those beads (a median,
 * so wrong pairs do not inflate it), shrunk toward the lexicons'. One 20,000-character line
 * moves none of them. The weights were tuned on the Bible noisy/dev and clean/dev sets only.
 */
#include <math.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "align/aligner_int.h"
#include "text/text.h"

static const al_params default_params = {
    .lex_weight = 0.3,
    .skip_cost = 0.0,
    /* 1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1, 1-3, (runs of unaligned sentences: al_gap), 1-4, 4-1,
     * 1-5, 5-1, 1-6, 6-1 (the same whichever side is Arabic: priors by direction from the dev
     * counts gained in one direction what they lost in the other, README "Long sentences") */
    .prior = {0.12, 6.5, 6.5, 4.3, 3.0, 10.0, 9.5, 7.5, [AL_NGAPSHAPES] = 8.0, 8.0, 9.0, 9.0, 10.5,
              10.5},
    .p1_default = 0.5,
    .anchor_weight = 8.0,
    .punct_weight = 4.0,
    .nb_discount = 0.7,
    .m1_min_score = 0.5,
    .m1_min_t = 0.25,
    .s2_default = 12.0,
    .gap_extend = 4.0,
    .edge_open = 3.0,
    .edge_extend = 0.5,
    .len_cap = 12.0,
    .llr_floor = -20.0,
    .edge_nolex = 6.5,
    .edge_nolex_len = 1.0,
    .para_cross = 2.0,
    .para_mismatch = 1.0,
    .lex_min_p = 0.2,
    .prior_n = 20,
    .post_temp = 1.0,
    .cal = {-0.6340, 0.4487, -1.7525, -0.0780, 0.1054, 0.4296, -0.9495, 0.8298},
    .calmap = 1,
    .bead_max = AL_LONG_MAX,
    .long_len_max = 8.0,
};

/* jisr 0.1's weights, model 1 */
static const al_params model1_params = {
    .lex_weight = 0.2,
    .skip_cost = 0.0,
    .prior = {0.12, 6.5, 6.5, 3.1, 3.1, 10.0, 6.0, 6.0},
    .p1_default = 0.5,
    .anchor_weight = 8.0,
    .punct_weight = 4.0,
    .nb_discount = 0.7,
    .m1_min_score = 0.5,
    .m1_min_t = 0.25,
    .s2_default = 12.0,
    .bead_max = 3,
};

al_params *al_aligner_params(jisr_aligner *a)
{
    return &a->params;
}

/* ---- per-id arrays ------------------------------------------------------------------------ */

int al_ensure_ids(jisr_aligner *a)
{
    uint32_t need = a->tk.voc.n;
    if (need <= a->idcap)
        return 0;
    uint32_t cap = a->idcap ? a->idcap : 4096;
    while (cap < need)
        cap *= 2;
#define GROW(field)                                                                                \
    do {                                                                                           \
        void *p_ = realloc(a->field, (size_t)cap * sizeof *a->field);                              \
        if (!p_)                                                                                   \
            return jisr_oom(0);                                                                    \
        a->field = p_;                                                                             \
        memset(a->field + a->idcap, 0, (size_t)(cap - a->idcap) * sizeof *a->field);               \
    } while (0)
    GROW(df);
    GROW(w);
    GROW(u);
    GROW(dft);
    GROW(tr);
    GROW(tknown);
    GROW(stamp_s);
    GROW(stamp_t);
    GROW(mask);
    GROW(anc_stamp);
    GROW(anc_sdf);
    GROW(anc_tdf);
    GROW(anc_toff);
#undef GROW
    a->idcap = cap;
    return 0;
}

int al_tr_add(jisr_aligner *a, uint32_t f, uint32_t e)
{
    al_trlist *t = &a->tr[f];
    for (uint32_t k = 0; k < t->n; k++)
        if (t->v[k] == e)
            return 0;
    if (t->n >= AL_TR_MAX)
        return 0;
    int rc = JISR_GROW(t->v, t->cap, (size_t)t->n + 1);
    if (rc < 0)
        return rc;
    t->v[t->n++] = e;
    return 0;
}

/* ---- documents ---------------------------------------------------------------------------- */

static int dcmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* A side's typical sentence length: its upper quartile. Not the median: a side that is half a
 * list (country names, a table's rows, headings) has a median of a few characters, which made
 * every real sentence an outlier and capped the rest to a third of their length, so the first
 * pass misaligned and the lexical evidence came out against the right pairs (session 27: UN dev
 * documents with 40 names appended to the English side, right pairs scoring 0.5 or more 612 ->
 * 867 of 949; the Bible dev sets' F1 and calibration unchanged). */
static double typical_chars(const double *v, size_t n, double *scratch)
{
    if (n == 0)
        return 0;
    if (scratch != v)
        memcpy(scratch, v, n * sizeof *v);
    qsort(scratch, n, sizeof *scratch, dcmp);
    return scratch[n * 3 / 4];
}

/* Model 2: sentences over six times their side's typical length (and 50 characters more) are
 * outliers — a table flattened to one line, a glossary glued to the last verse — whose words
 * would otherwise count in every statistic of the document (document frequencies, names, what a
 * neighbour brings by chance). */
static int mark_outliers(al_doc *d)
{
    double *scratch = malloc((d->ns + d->nt + 1) * sizeof *scratch);
    free(d->outl);
    d->outl = calloc(d->ns + d->nt + 1, 1);
    if (!scratch || !d->outl) {
        free(scratch);
        return jisr_oom(0);
    }
    double ms = 6 * typical_chars(d->chars, d->ns, scratch) + 50;
    double mt = 6 * typical_chars(d->chars + d->ns, d->nt, scratch) + 50;
    for (size_t s = 0; s < d->ns + d->nt; s++)
        d->outl[s] = d->chars[s] > (s < d->ns ? ms : mt);
    free(scratch);
    return 0;
}

static void free_doc(al_doc *d)
{
    free(d->off);
    free(d->chars);
    free(d->ids);
    free(d->para);
    free(d->outl);
    free(d->orig);
    free(d->brk);
    jisr_ladder_free(&d->result);
    jisr_ladder_free(&d->full);
}

/* Blank lines out of the document (see al_doc): the sentences without a character and without
 * a token are dropped from d (its counts, offsets, lengths, paragraph starts and, in tk->ids, its
 * tokens; capoff, when not NULL, follows), their places kept in d->orig and d->brk. A blank line
 * is a paragraph boundary: when both sides have one between two sentences (as `jisr segment`
 * writes them) and the input had no paragraphs of its own, they become d->para, the soft
 * anchors of cost.c. Returns 0 or JISR_ENOMEM. */
static int drop_blank_lines(al_tk *tk, al_doc *d, size_t *capoff)
{
    size_t n = d->ns + d->nt, kept = 0;
    for (size_t k = 0; k < n; k++)
        kept += d->chars[k] > 0 || d->off[k + 1] > d->off[k];
    if (kept == n)
        return 0;
    d->orig = malloc((kept + 1) * sizeof *d->orig);
    d->brk = calloc(kept + 1, 1);
    if (!d->orig || !d->brk)
        return jisr_oom(0);
    d->ns0 = d->ns;
    d->nt0 = d->nt;
    size_t w = 0, wid = 0, ns = 0, breaks[2] = {0, 0};
    int pending = 0; /* a blank line since the last sentence of this side */
    for (size_t k = 0; k < n; k++) {
        int side = k >= d->ns;
        if (k == d->ns)
            pending = 0;
        size_t b = d->off[k], e = d->off[k + 1];
        if (d->chars[k] == 0 && e == b) {
            /* a blank line between two sentences of its side (not before the first) */
            pending = w > (side ? ns : 0);
            continue;
        }
        d->orig[w] = side ? k - d->ns : k;
        d->brk[w] = (unsigned char)pending;
        breaks[side] += (size_t)pending;
        pending = 0;
        d->chars[w] = d->chars[k];
        if (d->para)
            d->para[w] = d->para[k];
        if (capoff)
            capoff[w] = capoff[k];
        d->off[w] = (uint32_t)wid;
        if (e > b) /* tk->ids is NULL while no sentence has had a token */
            memmove(tk->ids + wid, tk->ids + b, (e - b) * sizeof *tk->ids);
        wid += e - b;
        w++;
        if (!side)
            ns = w;
    }
    if (capoff)
        capoff[w] = capoff[n];
    d->off[w] = (uint32_t)wid;
    tk->nids = wid;
    d->nt = w - ns;
    d->ns = ns;
    if (!d->para && breaks[0] && breaks[1]) {
        /* paragraphs from the blank lines, on both sides: as the segmenter's */
        if (!(d->para = malloc(w + 1)))
            return jisr_oom(0);
        for (size_t k = 0; k < w; k++)
            d->para[k] = k == 0 || k == d->ns || d->brk[k];
    } else if (d->para) {
        for (size_t k = 0; k < w; k++)
            d->para[k] |= d->brk[k];
        d->para[0] = 1; /* the first sentences left start their side's first paragraph */
        if (d->nt)
            d->para[d->ns] = 1;
    }
    return 0;
}

/* d->full: the result in input lines, each blank line a bead of its own, [i]:[] or []:[j], in
 * its place (before the bead after it on its side). */
static int put_back_blank_lines(al_doc *d)
{
    jisr_ladder *out = &d->full;
    const size_t *os = d->orig, *ot = d->orig + d->ns;
    size_t ps = 0, pt = 0; /* the next input line of each side */
    int rc = 0;
    out->n = 0;
    for (size_t k = 0; rc == 0 && k <= d->result.n; k++) {
        const jisr_bead *b = k < d->result.n ? &d->result.v[k] : NULL;
        /* where the bead starts in the input (the end for the final blank lines) */
        size_t s0 = !b ? d->ns0 : b->src < d->ns ? os[b->src] : d->ns0;
        size_t t0 = !b ? d->nt0 : b->tgt < d->nt ? ot[b->tgt] : d->nt0;
        while (rc == 0 && ps < s0)
            rc = jisr_ladder_push(out, ps++, 1, pt, 0, 0);
        while (rc == 0 && pt < t0)
            rc = jisr_ladder_push(out, ps, 0, pt++, 1, 0);
        if (!b || rc < 0)
            break;
        size_t ls = b->nsrc ? os[b->src + b->nsrc - 1] + 1 - s0 : 0;
        size_t lt = b->ntgt ? ot[b->tgt + b->ntgt - 1] + 1 - t0 : 0;
        rc = jisr_ladder_push(out, s0, ls, t0, lt, b->score);
        ps = s0 + ls;
        pt = t0 + lt;
    }
    return rc;
}

static int add_doc(jisr_aligner *a, const char *const *src, size_t nsrc, const char *const *tgt,
                   size_t ntgt, const jisr_sentences *ps, const jisr_sentences *pt, size_t *doc)
{
    int rc = JISR_GROW(a->docs, a->capdocs, a->ndocs + 1);
    if (rc < 0)
        return rc;
    al_doc *d = &a->docs[a->ndocs];
    memset(d, 0, sizeof *d);
    d->ns = nsrc;
    d->nt = ntgt;
    d->off = malloc((nsrc + ntgt + 1) * sizeof *d->off);
    d->chars = malloc((nsrc + ntgt + 1) * sizeof *d->chars);
    if (ps && pt && ps->has_para && pt->has_para)
        d->para = malloc(nsrc + ntgt + 1);
    if (!d->off || !d->chars || (ps && pt && ps->has_para && pt->has_para && !d->para)) {
        free(d->off);
        free(d->chars);
        free(d->para);
        return jisr_oom(0);
    }
    if (d->para)
        for (size_t k = 0; k < nsrc + ntgt; k++) {
            const jisr_sentences *s = k < nsrc ? ps : pt;
            size_t i = k < nsrc ? k : k - nsrc;
            d->para[k] = i == 0 || s->para[i] != s->para[i - 1];
        }
    al_tk *tk = &a->tk;
    if (!a->vocab0_set) {
        a->vocab0 = tk->voc.n;
        a->vocab0_set = 1;
    }
    tk->nids = 0;
    tk->ncaps = 0;
    size_t *capoff = NULL; /* model 2: where each sentence's capitalisation starts in tk->caps */
    if (a->model >= 2 && !(capoff = malloc((nsrc + ntgt + 1) * sizeof *capoff)))
        rc = jisr_oom(0);
    for (size_t k = 0; rc == 0 && k < nsrc + ntgt; k++) {
        const char *s = k < nsrc ? src[k] : tgt[k - nsrc];
        d->off[k] = (uint32_t)tk->nids;
        if (capoff)
            capoff[k] = tk->ncaps;
        if ((rc = al_tk_sentence(tk, k < nsrc ? 'S' : 'T', s ? s : "", s ? strlen(s) : 0,
                                 capoff ? 2 : 1, &d->chars[k])) < 0)
            break;
        if (a->model >= 2) {
            /* model 2: a word is evidence once per sentence, however often it is repeated
             * (a line that repeats the document would otherwise match everything many times) */
            if ((rc = al_ensure_ids(a)) < 0)
                break;
            uint32_t g = ++a->gen_s;
            size_t w = d->off[k];
            for (size_t q = d->off[k]; q < tk->nids; q++)
                if (a->stamp_s[tk->ids[q]] != g) {
                    a->stamp_s[tk->ids[q]] = g;
                    tk->ids[w++] = tk->ids[q];
                }
            tk->nids = w;
        }
    }
    d->off[nsrc + ntgt] = (uint32_t)tk->nids;
    if (capoff)
        capoff[nsrc + ntgt] = tk->ncaps;
    if (rc == 0 && a->model >= 2) /* model 1 keeps jisr 0.1's alignments */
        rc = drop_blank_lines(tk, d, capoff);
    size_t nkept = d->ns + d->nt;
    if (rc == 0 && capoff) {
        /* outliers are known once the document is: their capitalisation is not counted */
        if ((rc = mark_outliers(d)) == 0)
            for (size_t k = 0; k < nkept; k++)
                for (size_t q = capoff[k]; !d->outl[k] && q < capoff[k + 1]; q++) {
                    uint32_t id = tk->caps[q] >> 2;
                    if (tk->caps[q] & 1)
                        tk->capn[id]++;
                    else
                        tk->lown[id]++;
                }
    }
    free(capoff);
    if (rc == 0 && !(d->ids = malloc((tk->nids ? tk->nids : 1) * sizeof *d->ids)))
        rc = jisr_oom(0);
    if (rc < 0) {
        free_doc(d);
        return rc;
    }
    if (tk->nids) /* documents without a single token leave tk->ids NULL */
        memcpy(d->ids, tk->ids, tk->nids * sizeof *d->ids);
    if (doc)
        *doc = a->ndocs;
    a->ndocs++;
    return 0;
}

/* The arguments of fn (jisr_aligner_add or _align) that add_doc would follow: the aligner, and
 * each side's n sentences (a NULL array of none is an empty side). 0, or JISR_EINVAL naming the
 * NULL one ("src[3] is NULL"). */
static int check_doc_args(const char *fn, const jisr_aligner *a, const char *const *src,
                          size_t nsrc, const char *const *tgt, size_t ntgt)
{
    if (!a)
        return jisr_null_arg(fn, "a");
    for (int side = 0; side < 2; side++) {
        const char *const *v = side ? tgt : src;
        size_t n = side ? ntgt : nsrc;
        const char *name = side ? "tgt" : "src";
        if (!v && n)
            return jisr_null_arg(fn, name);
        for (size_t i = 0; i < n; i++)
            if (!v[i])
                return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "%s: %s[%zu] is NULL", fn, name, i);
    }
    return 0;
}

int jisr_aligner_add(jisr_aligner *a, const char *const *src, size_t nsrc, const char *const *tgt,
                     size_t ntgt, size_t *doc)
{
    int rc = check_doc_args("jisr_aligner_add", a, src, nsrc, tgt, ntgt);
    if (rc < 0)
        return rc;
    return add_doc(a, src, nsrc, tgt, ntgt, NULL, NULL, doc);
}

int jisr_aligner_add_sentences(jisr_aligner *a, const jisr_sentences *src,
                               const jisr_sentences *tgt, size_t *doc)
{
    if (!a || !src || !tgt)
        return jisr_null_arg("jisr_aligner_add_sentences", !a ? "a" : !src ? "src" : "tgt");
    return add_doc(a, (const char *const *)src->v, src->n, (const char *const *)tgt->v, tgt->n, src,
                   tgt, doc);
}

size_t jisr_aligner_count(const jisr_aligner *a)
{
    return a ? a->ndocs : 0;
}

const jisr_ladder *jisr_aligner_result(const jisr_aligner *a, size_t doc)
{
    if (!a || doc >= a->ndocs || !a->ran)
        return NULL;
    return a->docs[doc].orig ? &a->docs[doc].full : &a->docs[doc].result;
}

/* ---- length statistics --------------------------------------------------------------------- */

static int outlier_bead(const al_doc *d, const jisr_bead *b)
{
    if (!d->outl || b->nsrc + b->ntgt != 1)
        return 0;
    return b->nsrc ? d->outl[b->src] : d->outl[d->ns + b->tgt];
}

/* Gale–Church variance from the 1-1 beads of a pass that sit between two other 1-1 beads (the
 * default when too few): the median of the squared normalised differences over the median of
 * a chi-square with one degree of freedom (0.455), so the wrong pairs of the pass do not
 * inflate it. *out = the variance; *count (may be NULL) = beads it rests on. Returns 0 or
 * JISR_ENOMEM (the samples could not all be kept: no estimate from part of them). */
static int estimate_s2(const jisr_aligner *a, double *out, size_t *count)
{
    size_t n = 0, cap = 0;
    double *v = NULL;
    for (size_t k = 0; k < a->ndocs; k++) {
        const al_doc *d = &a->docs[k];
        double c = d->c;
        if (a->model < 2) {
            double ls = 0, lt = 0;
            for (size_t s = 0; s < d->ns; s++)
                ls += d->chars[s];
            for (size_t t = 0; t < d->nt; t++)
                lt += d->chars[d->ns + t];
            c = ls > 0 && lt > 0 ? lt / ls : 1;
        }
        for (size_t b = 1; b + 1 < d->result.n; b++) {
            const jisr_bead *bd = &d->result.v[b];
            /* the neighbours, passing over an outlier left alone (model 2) */
            const jisr_bead *pv = bd - 1, *nx = bd + 1;
            while (pv > d->result.v && outlier_bead(d, pv))
                pv--;
            while (nx + 1 < d->result.v + d->result.n && outlier_bead(d, nx))
                nx++;
            if (bd->nsrc != 1 || bd->ntgt != 1 || pv->nsrc != 1 || pv->ntgt != 1 || nx->nsrc != 1 ||
                nx->ntgt != 1)
                continue;
            int rc = JISR_GROW(v, cap, n + 1);
            if (rc < 0) {
                free(v);
                return rc;
            }
            double x = d->chars[bd->src], y = d->chars[d->ns + bd->tgt];
            double m = (x + y / c) / 2 + 1;
            v[n++] = (y - c * x) * (y - c * x) / m;
        }
    }
    double s2 = a->params.s2_default;
    if (n >= 20) {
        qsort(v, n, sizeof *v, dcmp);
        s2 = v[n / 2] / 0.455;
        if (s2 < 0.5)
            s2 = 0.5;
    }
    free(v);
    *out = s2;
    if (count)
        *count = n < 20 ? 0 : n;
    return 0;
}

/* The lexicons' length variance, as if s2_default came from LEX_S2_PAIRS more training pairs
 * (a table trained on a few dozen pairs of one pattern would make lengths a tyrant). */
#define LEX_S2_PAIRS 500.0
static double lex_variance(const jisr_aligner *a)
{
    if (!(a->lex_s2 > 0))
        return a->params.s2_default;
    return (a->lex_weight_sum * a->lex_s2 + LEX_S2_PAIRS * a->params.s2_default) /
           (a->lex_weight_sum + LEX_S2_PAIRS);
}

/* Geometric mean of two ratios weighted by the beads behind them. */
static double shrink(double c1, double n1, double c0, double n0)
{
    if (!(c1 > 0) || n1 <= 0)
        return c0 > 0 ? c0 : 1;
    if (!(c0 > 0) || n0 <= 0)
        return c1;
    return exp((n1 * log(c1) + n0 * log(c0)) / (n1 + n0));
}

/* Model 2, before the first pass: each document's ratio of capped character counts, shrunk
 * toward the lexicons' ratio or, without one, the batch's. */
static int lengths_pass1(jisr_aligner *a)
{
    size_t most = 0;
    for (size_t k = 0; k < a->ndocs; k++)
        if (a->docs[k].ns + a->docs[k].nt > most)
            most = a->docs[k].ns + a->docs[k].nt;
    double *scratch = malloc((most + 1) * sizeof *scratch);
    if (!scratch)
        return jisr_oom(0);
    double bs = 0, bt = 0;
    for (size_t k = 0; k < a->ndocs; k++) {
        al_doc *d = &a->docs[k];
        /* the typical lengths of the sentences that are not outliers: one more line moves none */
        size_t m = 0;
        for (size_t s = 0; s < d->ns; s++)
            if (!d->outl[s])
                scratch[m++] = d->chars[s];
        double caps = 4 * typical_chars(scratch, m, scratch) + 10;
        m = 0;
        for (size_t t = 0; t < d->nt; t++)
            if (!d->outl[d->ns + t])
                scratch[m++] = d->chars[d->ns + t];
        double capt = 4 * typical_chars(scratch, m, scratch) + 10;
        double ls = 0, lt = 0, ns = 0, nt = 0;
        for (size_t s = 0; s < d->ns; s++)
            if (!d->outl[s]) {
                ls += fmin(d->chars[s], caps);
                ns++;
            }
        for (size_t t = 0; t < d->nt; t++)
            if (!d->outl[d->ns + t]) {
                lt += fmin(d->chars[d->ns + t], capt);
                nt++;
            }
        d->c = ls > 0 && lt > 0 ? lt / ls : 0;
        d->s2 = ns < nt ? ns : nt; /* scratch: beads' worth */
        bs += ls;
        bt += lt;
    }
    free(scratch);
    double prior = a->lex_ratio > 0 ? a->lex_ratio : bs > 0 && bt > 0 ? bt / bs : 1;
    double s2 = lex_variance(a);
    for (size_t k = 0; k < a->ndocs; k++) {
        al_doc *d = &a->docs[k];
        d->c = shrink(d->c, d->s2, prior, a->params.prior_n);
        d->s2 = s2;
    }
    return 0;
}

/* Model 2, after the first pass: the ratio of each document's confident 1-1 beads, shrunk
 * toward the batch's (itself shrunk toward the lexicons'); the variance of the batch's 1-1
 * beads shrunk toward the lexicons'. */
static int lengths_pass2(jisr_aligner *a)
{
    double bx = 0, by = 0, bn = 0;
    for (size_t k = 0; k < a->ndocs; k++) {
        const al_doc *d = &a->docs[k];
        for (size_t b = 0; b < d->result.n; b++) {
            const jisr_bead *bd = &d->result.v[b];
            if (bd->nsrc != 1 || bd->ntgt != 1 || bd->score < 0.5)
                continue;
            bx += d->chars[bd->src];
            by += d->chars[d->ns + bd->tgt];
            bn++;
        }
    }
    double n0 = a->params.prior_n;
    double cb = shrink(bx > 0 ? by / bx : 0, bn, a->lex_ratio, a->lex_ratio > 0 ? n0 : 0);
    for (size_t k = 0; k < a->ndocs; k++) {
        al_doc *d = &a->docs[k];
        double x = 0, y = 0, n = 0;
        for (size_t b = 0; b < d->result.n; b++) {
            const jisr_bead *bd = &d->result.v[b];
            if (bd->nsrc != 1 || bd->ntgt != 1 || bd->score < 0.5)
                continue;
            x += d->chars[bd->src];
            y += d->chars[d->ns + bd->tgt];
            n++;
        }
        if (n > 0 && x > 0)
            d->c = shrink(y / x, n, cb, n0);
        else
            d->c = cb > 0 ? cb : d->c;
    }
    size_t ns2 = 0;
    double s2;
    int rc = estimate_s2(a, &s2, &ns2);
    if (rc < 0)
        return rc;
    double s2p = lex_variance(a);
    if ((double)ns2 + n0 > 0)
        s2 = ((double)ns2 * s2 + n0 * s2p) / ((double)ns2 + n0);
    else
        s2 = s2p;
    for (size_t k = 0; k < a->ndocs; k++)
        a->docs[k].s2 = s2;
    return 0;
}

/* ---- weights ------------------------------------------------------------------------------- */

/* Document frequencies per side. */
static void count_df(jisr_aligner *a)
{
    AL_ZERO(a->df, a->tk.voc.n);
    AL_ZERO(a->dft, a->tk.voc.n);
    a->nsents = a->nsentt = 0;
    for (size_t k = 0; k < a->ndocs; k++) {
        al_doc *d = &a->docs[k];
        for (size_t s = 0; s < d->ns + d->nt; s++) {
            if (d->outl && d->outl[s])
                continue;
            *(s < d->ns ? &a->nsents : &a->nsentt) += 1;
            uint32_t g = ++a->gen_t;
            uint32_t *df = s < d->ns ? a->df : a->dft;
            for (uint32_t p = d->off[s]; p < d->off[s + 1]; p++) {
                uint32_t id = d->ids[p];
                if (a->stamp_t[id] != g) {
                    a->stamp_t[id] = g;
                    df[id]++;
                }
            }
        }
    }
}

int al_bead_reach(const jisr_aligner *a)
{
    int m = a->model >= 2 ? (int)a->params.bead_max : 3;
    return m < 3 ? 3 : m > AL_KMAX ? AL_KMAX : m;
}

static void token_llr(jisr_aligner *a, uint32_t id, double p0, double p1)
{
    int kmax = al_bead_reach(a); /* partner counts up to the most sentences a side of a bead */
    for (int k = 1; k <= kmax; k++) {
        /* the chance of a match somewhere in k unrelated sentences */
        double pk = 1 - pow(1 - p0, k);
        if (pk < 1e-4)
            pk = 1e-4;
        if (pk > 0.99)
            pk = 0.99;
        if (p1 <= pk) { /* matches everywhere: no evidence either way */
            a->w[id][k - 1] = 0;
            a->u[id][k - 1] = 0;
            continue;
        }
        a->u[id][k - 1] = (float)log((1 - p1) / (1 - pk));
        a->w[id][k - 1] = (float)(log(p1 / pk) - a->u[id][k - 1]);
    }
}

/* The evidence a token gives: its chance p0 of finding a translation in an unrelated sentence
 * (from the other side's document frequencies) against p1 = that chance in its translation. */
static int compute_weights(jisr_aligner *a)
{
    double ns = (double)a->nsents + 1, nt = (double)a->nsentt + 1;
    AL_ZERO(a->tknown, a->tk.voc.n);
    double *q = malloc(a->tk.voc.n * sizeof *q); /* P(no source sentence word translates to id) */
    if (!q)
        return jisr_oom(0);
    for (uint32_t id = 0; id < a->tk.voc.n; id++)
        q[id] = 1;
    for (uint32_t f = 0; f < a->tk.voc.n; f++) {
        const al_trlist *tl = &a->tr[f];
        double qf = 1;
        /* a word of earlier documents (kept in the vocabulary across jisr_aligner_clear) says
         * nothing about these: without this, a document's alignment would depend on the
         * documents aligned before it in the same process (and a Dask run on partitioning).
         * Model 1 keeps jisr 0.1's behaviour (which sets tknown from such words). */
        if (a->model >= 2 && !a->df[f] && a->tk.kind[f] == 'S')
            continue;
        for (uint32_t k = 0; k < tl->n; k++) {
            uint32_t e = tl->v[k];
            a->tknown[e] = 1;
            qf *= 1 - a->dft[e] / nt;
            q[e] *= 1 - a->df[f] / ns;
        }
        if (tl->n) {
            token_llr(a, f, 1 - qf, a->p1s);
            if (a->tk.kind[f] == 'N' || a->tk.kind[f] == 'P') {
                /* numbers are rare, exact and reliable; ? ! and quotes less so (translations
                 * add and drop quotation marks) */
                float m = (float)(a->tk.kind[f] == 'N' ? a->params.anchor_weight
                                                       : a->params.punct_weight);
                for (int k = 0; k < AL_KMAX; k++) {
                    a->w[f][k] *= m;
                    a->u[f][k] *= m;
                }
            }
        }
    }
    for (uint32_t e = 0; e < a->tk.voc.n; e++)
        if (a->tknown[e]) {
            if (a->tr[e].n && (a->tk.kind[e] == 'N' || a->tk.kind[e] == 'P')) {
                /* shared ids: one weight serves both sides; use the source view */
                continue;
            }
            token_llr(a, e, 1 - q[e], a->p1t);
        }
    free(q);
    return 0;
}

/* P(a known token finds its translation) in the confident 1-1 beads of the last pass. */
static void estimate_p1(jisr_aligner *a)
{
    double ks = 0, ms = 0, kt = 0, mt = 0;
    for (size_t k = 0; k < a->ndocs; k++) {
        const al_doc *d = &a->docs[k];
        for (size_t b = 0; b < d->result.n; b++) {
            const jisr_bead *bd = &d->result.v[b];
            if (bd->nsrc != 1 || bd->ntgt != 1 || bd->score < 0.5)
                continue;
            const uint32_t *sb = d->ids + d->off[bd->src], *se = d->ids + d->off[bd->src + 1];
            const uint32_t *tb = d->ids + d->off[d->ns + bd->tgt];
            const uint32_t *te = d->ids + d->off[d->ns + bd->tgt + 1];
            uint32_t gs = ++a->gen_s, gt = ++a->gen_t;
            for (const uint32_t *p = sb; p < se; p++)
                for (uint32_t m = 0; m < a->tr[*p].n; m++)
                    a->stamp_s[a->tr[*p].v[m]] = gs;
            for (const uint32_t *p = tb; p < te; p++) {
                a->stamp_t[*p] = gt;
                if (a->tknown[*p]) {
                    kt++;
                    mt += a->stamp_s[*p] == gs;
                }
            }
            for (const uint32_t *p = sb; p < se; p++) {
                if (!a->tr[*p].n)
                    continue;
                ks++;
                for (uint32_t m = 0; m < a->tr[*p].n; m++)
                    if (a->stamp_t[a->tr[*p].v[m]] == gt) {
                        ms++;
                        break;
                    }
            }
        }
    }
    /* kept inside (0, 1): at 1 an unmatched token would be infinitely unlikely */
    if (ks >= 50)
        a->p1s = fmin(0.95, fmax(0.05, ms / ks));
    if (kt >= 50)
        a->p1t = fmin(0.95, fmax(0.05, mt / kt));
}

/* Rebuilds every translation list from the lexicons, the dictionary pairs and the anchors. A
 * trained lexicon's pair counts only when both words occur in the batch (a word no sentence of
 * the other side could match would only add noise) and one of its probabilities is high
 * enough; it comes before the dictionary, its estimates being the better ones. */
static int base_lexicon(jisr_aligner *a)
{
    for (uint32_t id = 0; id < a->tk.voc.n; id++)
        a->tr[id].n = 0;
    int rc = 0;
    if (a->model >= 2)
        rc = al_lexicon_pairs(a);
    /* model 2: like a lexicon's, a dictionary pair counts when both words occur (so that what
     * earlier batches expanded does not change this one) */
    if (!(a->opts.flags & JISR_ALIGN_NO_DICT))
        for (size_t k = 0; rc == 0 && k < a->ndpairs; k++) {
            uint32_t f = a->dpairs[2 * k], e = a->dpairs[2 * k + 1];
            if (a->model < 2 || (a->df[f] && a->dft[e]))
                rc = al_tr_add(a, f, e);
        }
    if (!(a->opts.flags & JISR_ALIGN_NO_ANCHORS))
        for (uint32_t id = 0; rc == 0 && id < a->tk.voc.n; id++)
            if (a->tk.kind[id] == 'N' || a->tk.kind[id] == 'P')
                rc = al_tr_add(a, id, id);
    return rc;
}

int jisr_aligner_run(jisr_aligner *a)
{
    if (!a)
        return jisr_null_arg("jisr_aligner_run", "a");
    int rc = 0;
    int lexical = !(a->opts.flags & JISR_ALIGN_NO_LEXICAL);
    if ((rc = al_ensure_ids(a)) < 0)
        return rc;
    count_df(a);
    a->p1s = a->p1t = a->params.p1_default;
    if (lexical && !(a->opts.flags & JISR_ALIGN_NO_DICT) && (rc = al_dict_expand(a, 0)) < 0)
        return rc;
    if (lexical) {
        if ((rc = base_lexicon(a)) < 0)
            return rc;
        if (!(a->opts.flags & JISR_ALIGN_NO_ANCHORS) && (rc = al_names(a)) < 0)
            return rc;
        if ((rc = compute_weights(a)) < 0)
            return rc;
    }
    if (a->model >= 2 && (rc = lengths_pass1(a)) < 0)
        return rc;
    for (size_t k = 0; k < a->ndocs; k++)
        if ((rc = al_align_doc(a, &a->docs[k], a->params.s2_default, lexical, 1)) < 0)
            return rc;
    double s2 = 0;
    if ((rc = a->model >= 2 ? lengths_pass2(a) : estimate_s2(a, &s2, NULL)) < 0)
        return rc;
    /* a third pass (a table retrained on the second) measured no better on dev */
    for (int pass = 2; pass <= 2; pass++) {
        if (lexical) {
            if (!(a->opts.flags & JISR_ALIGN_NO_BOOTSTRAP) && (rc = al_model1(a)) < 0)
                return rc;
            if ((rc = compute_weights(a)) < 0) /* tknown for the new table */
                return rc;
            estimate_p1(a);
            if ((rc = compute_weights(a)) < 0)
                return rc;
        }
        for (size_t k = 0; k < a->ndocs; k++)
            if ((rc = al_align_doc(a, &a->docs[k], s2, lexical, 2)) < 0)
                return rc;
    }
    for (size_t k = 0; k < a->ndocs; k++)
        if (a->docs[k].orig && (rc = put_back_blank_lines(&a->docs[k])) < 0)
            return rc;
    a->ran = 1;
    return 0;
}

/* ---- life cycle --------------------------------------------------------------------------- */

int jisr_aligner_new(jisr_aligner **out, const jisr_align_opts *opts)
{
    if (!out)
        return jisr_null_arg("jisr_aligner_new", "out");
    *out = NULL;
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    if (opts && opts->version == 1) /* version 1 ends before model */
        memcpy(&o, opts, offsetof(jisr_align_opts, model));
    else if (opts && opts->version == JISR_ALIGN_OPTS_VERSION)
        o = *opts;
    else if (opts)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_align_opts: unknown version %u",
                              opts->version);
    o.version = JISR_ALIGN_OPTS_VERSION;
    if (o.model < 0 || o.model > JISR_ALIGN_MODEL_LATEST)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no aligner model %d (1 to %d)", o.model,
                              JISR_ALIGN_MODEL_LATEST);
    jisr_aligner *a = calloc(1, sizeof *a);
    if (!a)
        return jisr_oom(0);
    a->opts = o;
    a->model = o.model ? o.model : JISR_ALIGN_MODEL_LATEST;
    a->params = a->model == 1 ? model1_params : default_params;
    int rc;
    if ((rc = al_tk_init(&a->tk, o.srclang, o.tgtlang)) < 0)
        goto fail;
    a->tk.norm_chars = a->model >= 2;
    a->tk.old_numbers = a->model < 2;
    a->opts.srclang = a->tk.srclang;
    a->opts.tgtlang = a->tk.tgtlang;
    a->opts.dict_path = NULL;
    if (!(o.flags & (JISR_ALIGN_NO_DICT | JISR_ALIGN_NO_LEXICAL))) {
        const char *path = o.dict_path ? o.dict_path : jisr_dict_default_path();
        if (path && (rc = al_load_dict(a, path)) < 0)
            goto fail;
    }
    if (a->model >= 2 && !(o.flags & (JISR_ALIGN_NO_LEXICON | JISR_ALIGN_NO_LEXICAL))) {
        const jisr_lexicon *lx = NULL;
        rc = jisr_lexicon_default(&lx, a->tk.srclang, a->tk.tgtlang);
        if (rc == 0)
            rc = jisr_aligner_add_lexicon(a, lx);
        if (rc == JISR_ENOTFOUND) { /* no lexicon for this pair */
            jisr_error_clear();
            rc = 0;
        }
        if (rc < 0)
            goto fail;
    }
    *out = a;
    return 0;
fail:
    jisr_aligner_free(a);
    return rc;
}

void jisr_aligner_clear(jisr_aligner *a)
{
    if (!a)
        return;
    for (size_t k = 0; k < a->ndocs; k++)
        free_doc(&a->docs[k]);
    a->ndocs = 0;
    a->ran = 0;
    al_tk_new_run(&a->tk);
}

void jisr_aligner_free(jisr_aligner *a)
{
    if (!a)
        return;
    jisr_aligner_clear(a);
    free(a->docs);
    for (uint32_t id = 0; a->tr && id < a->idcap; id++)
        free(a->tr[id].v);
    free(a->df);
    free(a->w);
    free(a->u);
    free(a->dft);
    free(a->tr);
    free(a->tknown);
    free(a->stamp_s);
    free(a->stamp_t);
    free(a->mask);
    free(a->anc_stamp);
    free(a->anc_sdf);
    free(a->anc_tdf);
    free(a->anc_toff);
    free(a->dpairs);
    free(a->dent);
    jisr_buf_free(&a->ddefs);
    al_names_free(a);
    al_tk_free(&a->tk);
    free(a);
}

int jisr_aligner_align(jisr_aligner *a, const char *const *src, size_t nsrc, const char *const *tgt,
                       size_t ntgt, jisr_ladder *out)
{
    int rc = check_doc_args("jisr_aligner_align", a, src, nsrc, tgt, ntgt);
    if (rc == 0 && !out)
        rc = jisr_null_arg("jisr_aligner_align", "out");
    if (rc < 0) /* before the clear: the aligner keeps what it had */
        return rc;
    jisr_aligner_clear(a);
    if ((rc = jisr_aligner_add(a, src, nsrc, tgt, ntgt, NULL)) < 0 ||
        (rc = jisr_aligner_run(a)) < 0)
        return rc;
    const jisr_ladder *l = jisr_aligner_result(a, 0);
    out->n = 0;
    for (size_t k = 0; rc == 0 && k < l->n; k++)
        rc = jisr_ladder_push(out, l->v[k].src, l->v[k].nsrc, l->v[k].tgt, l->v[k].ntgt,
                              l->v[k].score);
    return rc;
}
