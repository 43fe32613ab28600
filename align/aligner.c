/*
 * aligner.c — the sentence aligner: sentences → token ids → bead costs → banded DP → ladder.
 *
 * Each sentence is kept only as its character count (for the Gale–Church length cost) and a
 * list of token ids: stems of words (text layer normalisation + Snowball), numbers in ASCII
 * digits (the normaliser folds every digit system) and the anchors ? ! and quotes. Numbers
 * and anchors carry the same id on both sides, so they translate to themselves.
 *
 * The lexical evidence of a bead is a log-likelihood ratio, token by token: a token the
 * lexicon knows either finds a translation on the other side of the bead or not; p1 is the
 * chance that it does in a true translation (estimated from the first pass), p0 the chance
 * that it does in unrelated sentences (from the other side's document frequencies; for a bead
 * with k sentences on the other side, 1 - (1 - p0)^k). Matches of rare words weigh much,
 * matches of words found everywhere nothing. Because neighbouring sentences share vocabulary,
 * a bead pays, for each extra sentence it merges, the mean gain its sentences get from the
 * sentences around them (the "neighbour discount"); otherwise merges would collect chance
 * matches. Translations come from a bilingual dictionary (lexicon.c), names matched through
 * ICU transliteration (names.c), numbers and ? ! quotes (anchors, weighted up) and a table
 * learnt from the input itself (model1.c): a first pass aligns everything, an IBM Model 1 is
 * trained on its confident 1-1 beads, and a second pass uses all of it. The coverage of every
 * sentence pair in the DP band is computed once per band in O(target tokens) with stamp arrays
 * and position masks; a bead sums its pairs, clamping each sentence at its own maximum so that
 * a word matched in two sentences is not counted twice.
 *
 * Bead cost = Gale–Church length cost (character ratio from the document, variance from the
 * first pass) + bead prior − lex_weight × log-likelihood ratio; an unaligned sentence costs
 * its prior (+ skip_cost). The weights were tuned on the Bible noisy/dev set only.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "align/aligner_int.h"
#include "text/text.h"

/* Zero n elements of an array that stays NULL while it is empty (empty documents, no tokens). */
#define ZERO(p, n)                                                                                 \
    do {                                                                                           \
        if ((n) > 0)                                                                               \
            memset((p), 0, (size_t)(n) * sizeof *(p));                                             \
    } while (0)

static const jisr_align_params default_params = {
    .lex_weight = 0.2,
    .skip_cost = 0.0,
    /* 1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1, 1-3: -log of Gale and Church's bead frequencies */
    .prior = {0.12, 6.5, 6.5, 3.1, 3.1, 10.0, 6.0, 6.0},
    .p1_default = 0.5,
    .anchor_weight = 8.0,
    .punct_weight = 4.0,
    .nb_discount = 0.7,
    .m1_min_score = 0.5,
    .m1_min_t = 0.25,
    .s2_default = 12.0,
};

jisr_align_params *jisr_aligner_params(jisr_aligner *a)
{
    return &a->params;
}

/* ---- per-id arrays ------------------------------------------------------------------------ */

int jisr_al_ensure_ids(jisr_aligner *a)
{
    uint32_t need = a->voc.n;
    if (need <= a->idcap)
        return 0;
    uint32_t cap = a->idcap ? a->idcap : 4096;
    while (cap < need)
        cap *= 2;
#define GROW(field)                                                                                \
    do {                                                                                           \
        void *p_ = realloc(a->field, (size_t)cap * sizeof *a->field);                              \
        if (!p_)                                                                                   \
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");                       \
        a->field = p_;                                                                             \
        memset(a->field + a->idcap, 0, (size_t)(cap - a->idcap) * sizeof *a->field);               \
    } while (0)
    GROW(kind);
    GROW(df);
    GROW(capn);
    GROW(lown);
    GROW(w);
    GROW(u);
    GROW(dft);
    GROW(tr);
    GROW(tknown);
    GROW(surf);
    GROW(surf_gen);
    GROW(stamp_s);
    GROW(stamp_t);
    GROW(mask);
#undef GROW
    a->idcap = cap;
    return 0;
}

uint32_t jisr_al_intern(jisr_aligner *a, char kind, const char *s, size_t n)
{
    char tmp[256];
    if (n + 1 > sizeof tmp)
        n = sizeof tmp - 1; /* very long tokens: the prefix is as good an identity */
    tmp[0] = kind;
    memcpy(tmp + 1, s, n);
    uint32_t id = jisr_vocab_intern(&a->voc, tmp, n + 1);
    if (id == UINT32_MAX) {
        jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        return id;
    }
    if (jisr_al_ensure_ids(a) < 0)
        return UINT32_MAX;
    a->kind[id] = (unsigned char)kind;
    return id;
}

int jisr_al_tr_add(jisr_aligner *a, uint32_t f, uint32_t e)
{
    jisr_trlist *t = &a->tr[f];
    for (uint32_t k = 0; k < t->n; k++)
        if (t->v[k] == e)
            return 0;
    if (t->n >= JISR_TR_MAX)
        return 0;
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 4;
        uint32_t *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = e;
    return 0;
}

/* ---- tokens ------------------------------------------------------------------------------- */

static int is_quote(const char *s, size_t n)
{
    static const char *const q[] = {"\"",           "\xc2\xab",     "\xc2\xbb",
                                    "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e"};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (n == strlen(q[i]) && memcmp(s, q[i], n) == 0)
            return 1;
    return 0;
}

/* Memo of surface forms: side + word bytes → id (UINT32_MAX when absent). */
uint32_t jisr_al_memo_get(jisr_aligner *a, char side, const char *w, size_t n)
{
    char tmp[256];
    if (n + 1 > sizeof tmp)
        return UINT32_MAX;
    tmp[0] = side;
    memcpy(tmp + 1, w, n);
    uint32_t k = jisr_vocab_find(&a->memo, tmp, n + 1);
    return k == UINT32_MAX ? k : a->memo_id[k];
}

int jisr_al_memo_put(jisr_aligner *a, char side, const char *w, size_t n, uint32_t id)
{
    char tmp[256];
    if (n + 1 > sizeof tmp)
        return 0;
    tmp[0] = side;
    memcpy(tmp + 1, w, n);
    uint32_t k = jisr_vocab_intern(&a->memo, tmp, n + 1);
    if (k == UINT32_MAX)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (k >= a->memo_cap) {
        uint32_t cap = a->memo_cap ? a->memo_cap * 2 : 4096;
        while (cap <= k)
            cap *= 2;
        uint32_t *v = realloc(a->memo_id, cap * sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        a->memo_id = v;
        a->memo_cap = cap;
    }
    a->memo_id[k] = id;
    return 0;
}

/* Case-folds one normalised word into a->lb. */
static int fold(jisr_aligner *a, const char *w, size_t wn)
{
    int rc;
    int ascii = 1;
    for (size_t i = 0; i < wn && ascii; i++)
        ascii = !((unsigned char)w[i] & 0x80);
    jisr_buf_reset(&a->lb);
    if (ascii) {
        if ((rc = jisr_buf_append(&a->lb, w, wn)) < 0)
            return rc;
        for (size_t i = 0; i < wn; i++)
            if (a->lb.data[i] >= 'A' && a->lb.data[i] <= 'Z')
                a->lb.data[i] = (char)(a->lb.data[i] - 'A' + 'a');
        return 0;
    }
    return jisr_text_normalize(w, wn, JISR_NORM_CASEFOLD, &a->lb);
}

/* Records the case-folded surface form in a->lb as id's first in this run's documents (the
 * name matcher transliterates it: a form from documents of an earlier run would make a
 * document's alignment depend on what was aligned before it). */
static int set_surf(jisr_aligner *a, uint32_t id)
{
    if (a->surf[id] && a->surf_gen[id] == a->run_gen)
        return 0;
    free(a->surf[id]);
    a->surf_gen[id] = a->run_gen;
    if (!(a->surf[id] = jisr_strndup(a->lb.data ? a->lb.data : "", a->lb.len)))
        return JISR_ENOMEM;
    return 0;
}

/* Case-folds and stems one normalised word; records its first surface form. */
static int word_id(jisr_aligner *a, char side, const char *w, size_t wn, uint32_t *out)
{
    int rc;
    if ((rc = fold(a, w, wn)) < 0)
        return rc;
    const char *lw = a->lb.data ? a->lb.data : "";
    size_t ln = a->lb.len;
    const char *stem = lw;
    size_t sn = ln;
    jisr_stemmer *st = side == 'S' ? a->sst : a->tst;
    if (st && !(stem = jisr_stemmer_stem(st, lw, ln, &sn))) {
        stem = lw;
        sn = ln;
    }
    uint32_t id = jisr_al_intern(a, side, stem, sn);
    if (id == UINT32_MAX)
        return JISR_ENOMEM;
    (void)ln;
    if ((rc = set_surf(a, id)) < 0)
        return rc;
    *out = id;
    return 0;
}

/* Appends the ids of sentence s[0..n) on side ('S' or 'T') to a->ids; *chars = code points. */
int jisr_al_tokens(jisr_aligner *a, char side, const char *s, size_t n, int count_caps,
                   double *chars)
{
    size_t cp = 0;
    for (size_t i = 0; i < n; i++)
        cp += ((unsigned char)s[i] & 0xC0) != 0x80 && s[i] != ' ' && s[i] != '\t';
    if (chars)
        *chars = (double)cp;
    jisr_buf_reset(&a->nb);
    int rc = jisr_text_normalize(s, n, JISR_NORM_MATCH & ~(unsigned)JISR_NORM_CASEFOLD, &a->nb);
    if (rc < 0)
        return rc;
    if ((rc = jisr_tokenizer_run(a->tk, a->nb.data ? a->nb.data : "", a->nb.len, &a->toks)) < 0)
        return rc;
    int first_word = 1;
    for (size_t k = 0; k < a->toks.n; k++) {
        const jisr_token *t = &a->toks.v[k];
        const char *w = a->nb.data + t->start;
        size_t wn = t->end - t->start;
        uint32_t id = UINT32_MAX;
        if (t->kind == JISR_TOK_WORD) {
            int upper = w[0] >= 'A' && w[0] <= 'Z';
            /* the same surface word always gives the same id: stem it once */
            id = jisr_al_memo_get(a, side, w, wn);
            if (id == UINT32_MAX) {
                if ((rc = word_id(a, side, w, wn, &id)) < 0)
                    return rc;
                if ((rc = jisr_al_memo_put(a, side, w, wn, id)) < 0)
                    return rc;
            } else if (a->surf_gen[id] != a->run_gen || !a->surf[id]) {
                if ((rc = fold(a, w, wn)) < 0 || (rc = set_surf(a, id)) < 0)
                    return rc;
            }
            if (count_caps) {
                if (upper && !first_word)
                    a->capn[id]++;
                else if (!upper)
                    a->lown[id]++;
            }
            first_word = 0;
        } else if (t->kind == JISR_TOK_NUMBER) {
            char dig[64];
            size_t dn = 0;
            for (size_t i = 0; i < wn && dn + 1 < sizeof dig; i++)
                if (w[i] >= '0' && w[i] <= '9')
                    dig[dn++] = w[i];
                else if (w[i] == '.' && i + 1 < wn)
                    dig[dn++] = '.';
            if (dn)
                id = jisr_al_intern(a, 'N', dig, dn);
        } else if (t->kind == JISR_TOK_PUNCT || t->kind == JISR_TOK_SYMBOL) {
            if (wn == 1 && (w[0] == '?' || w[0] == '!'))
                id = jisr_al_intern(a, 'P', w, 1);
            else if (is_quote(w, wn))
                id = jisr_al_intern(a, 'P', "\"", 1);
        }
        if (id == UINT32_MAX)
            continue;
        if (a->nids == a->capids) {
            size_t cap = a->capids ? a->capids * 2 : 4096;
            uint32_t *v = realloc(a->ids, cap * sizeof *v);
            if (!v)
                return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            a->ids = v;
            a->capids = cap;
        }
        a->ids[a->nids++] = id;
    }
    return 0;
}

/* ---- documents ---------------------------------------------------------------------------- */

int jisr_aligner_add(jisr_aligner *a, const char *const *src, size_t nsrc, const char *const *tgt,
                     size_t ntgt, size_t *doc)
{
    if (a->ndocs == a->capdocs) {
        size_t cap = a->capdocs ? a->capdocs * 2 : 16;
        jisr_adoc *v = realloc(a->docs, cap * sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        a->docs = v;
        a->capdocs = cap;
    }
    jisr_adoc *d = &a->docs[a->ndocs];
    memset(d, 0, sizeof *d);
    d->ns = nsrc;
    d->nt = ntgt;
    d->off = malloc((nsrc + ntgt + 1) * sizeof *d->off);
    d->chars = malloc((nsrc + ntgt + 1) * sizeof *d->chars);
    if (!d->off || !d->chars) {
        free(d->off);
        free(d->chars);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    a->nids = 0;
    int rc = 0;
    for (size_t k = 0; k < nsrc + ntgt; k++) {
        const char *s = k < nsrc ? src[k] : tgt[k - nsrc];
        d->off[k] = a->nids;
        if ((rc = jisr_al_tokens(a, k < nsrc ? 'S' : 'T', s ? s : "", s ? strlen(s) : 0, 1,
                                 &d->chars[k])) < 0)
            break;
    }
    d->off[nsrc + ntgt] = a->nids;
    if (rc == 0 && !(d->ids = malloc((a->nids ? a->nids : 1) * sizeof *d->ids)))
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc < 0) {
        free(d->off);
        free(d->chars);
        free(d->ids);
        return rc;
    }
    if (a->nids) /* documents without a single token leave a->ids NULL */
        memcpy(d->ids, a->ids, a->nids * sizeof *d->ids);
    if (doc)
        *doc = a->ndocs;
    a->ndocs++;
    return 0;
}

size_t jisr_aligner_count(const jisr_aligner *a)
{
    return a->ndocs;
}

const jisr_ladder *jisr_aligner_result(const jisr_aligner *a, size_t doc)
{
    return doc < a->ndocs && a->ran ? &a->docs[doc].result : NULL;
}

/* ---- the cost model ------------------------------------------------------------------------ */

typedef struct cctx {
    jisr_aligner *a;
    jisr_adoc *d;
    double c, s2;
    int lexical;
    double *sc, *tc; /* prefix sums of characters (ns+1, nt+1) */
    /* per sentence and partner count k = 1..3: the most its matched tokens can gain, and the
     * log-likelihood ratio when nothing matches */
    double (*ws)[3], (*wt)[3];
    double (*us)[3], (*ut)[3];
    /* per sentence: the mean gain it gets from the other side's sentences in the band, what a
     * merged-in neighbour adds by chance (neighbouring verses share their vocabulary) */
    double *bgs, *bgt, *bgn;
    /* sentence-pair coverage in the band: row s spans t in [clo[s], clo[s]+cn[s]) at coff[s] */
    size_t *clo, *cn, *coff;
    float (*ms)[3], (*mt)[3];
    size_t ccap;
} cctx;

static const float zero3[3];

/* Coverage of sentence pair (s, t): gains of the matched tokens of s and of t. */
static void cov_at(const cctx *x, size_t s, size_t t, const float **ms, const float **mt)
{
    if (t < x->clo[s] || t >= x->clo[s] + x->cn[s]) {
        *ms = *mt = zero3;
        return;
    }
    size_t k = x->coff[s] + (t - x->clo[s]);
    *ms = x->ms[k];
    *mt = x->mt[k];
}

/* Coverage of every sentence pair that a bead of a band cell may use. */
static int band_prepare(void *ctx, size_t ns, const size_t *lo, const size_t *hi)
{
    cctx *x = ctx;
    if (!x->lexical)
        return 0;
    jisr_aligner *a = x->a;
    jisr_adoc *d = x->d;
    size_t total = 0;
    for (size_t s = 0; s < ns; s++) {
        size_t l = SIZE_MAX, h = 0;
        for (size_t i = s + 1; i <= s + 3 && i <= ns; i++) {
            if (lo[i] < l)
                l = lo[i];
            if (hi[i] > h)
                h = hi[i];
        }
        l = l > 3 ? l - 3 : 0;
        if (h > d->nt)
            h = d->nt;
        x->clo[s] = l;
        x->cn[s] = h > l ? h - l : 0;
        x->coff[s] = total;
        total += x->cn[s];
    }
    if (total > x->ccap) {
        float(*ms)[3] = realloc(x->ms, total * sizeof *ms);
        if (!ms)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        x->ms = ms;
        float(*mt)[3] = realloc(x->mt, total * sizeof *mt);
        if (!mt)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        x->mt = mt;
        x->ccap = total;
    }
    const uint32_t *ids = d->ids;
    ZERO(x->bgt, d->nt);
    ZERO(x->bgn, d->nt);
    for (size_t s = 0; s < ns; s++) {
        double rowsum = 0;
        uint32_t gs = ++a->gen_s;
        const uint32_t *sb = ids + d->off[s], *se = ids + d->off[s + 1];
        /* target ids that translate some token of s; for sentences of up to 64 tokens, also
         * which positions they translate, so a cell costs O(target tokens) */
        int masks = se - sb <= 64;
        for (const uint32_t *p = sb; p < se; p++) {
            const jisr_trlist *tl = &a->tr[*p];
            uint64_t bit = masks ? (uint64_t)1 << (p - sb) : 0;
            for (uint32_t k = 0; k < tl->n; k++) {
                uint32_t e = tl->v[k];
                if (a->stamp_s[e] != gs) {
                    a->stamp_s[e] = gs;
                    a->mask[e] = 0;
                }
                a->mask[e] |= bit;
            }
        }
        for (size_t t = x->clo[s]; t < x->clo[s] + x->cn[s]; t++) {
            uint32_t gt = ++a->gen_t;
            const uint32_t *tb = ids + d->off[d->ns + t], *te = ids + d->off[d->ns + t + 1];
            double mt[3] = {0, 0, 0}, ms[3] = {0, 0, 0};
            uint64_t hit = 0;
            for (const uint32_t *p = tb; p < te; p++) {
                a->stamp_t[*p] = gt;
                if (a->stamp_s[*p] == gs) {
                    for (int q = 0; q < 3; q++)
                        mt[q] += a->w[*p][q];
                    hit |= a->mask[*p];
                }
            }
            if (masks) {
                for (; hit; hit &= hit - 1) {
                    const float *w = a->w[sb[__builtin_ctzll(hit)]];
                    for (int q = 0; q < 3; q++)
                        ms[q] += w[q];
                }
            } else {
                for (const uint32_t *p = sb; p < se; p++) {
                    const jisr_trlist *tl = &a->tr[*p];
                    for (uint32_t k = 0; k < tl->n; k++)
                        if (a->stamp_t[tl->v[k]] == gt) {
                            for (int q = 0; q < 3; q++)
                                ms[q] += a->w[*p][q];
                            break;
                        }
                }
            }
            size_t k = x->coff[s] + (t - x->clo[s]);
            for (int q = 0; q < 3; q++) {
                x->ms[k][q] = (float)ms[q];
                x->mt[k][q] = (float)mt[q];
            }
            rowsum += ms[0];
            x->bgt[t] += mt[0];
            x->bgn[t] += 1;
        }
        x->bgs[s] = x->cn[s] ? rowsum / (double)x->cn[s] : 0;
    }
    for (size_t t = 0; t < d->nt; t++)
        x->bgt[t] = x->bgn[t] > 0 ? x->bgt[t] / x->bgn[t] : 0;
    return 0;
}

/* -log P(|Z| >= z) for a standard normal Z, the Gale–Church length cost: tabulated (the DP
 * asks for it eight times per cell), capped at P = 1e-12. */
#define LC_STEPS 64
#define LC_MAX 8
static double lc_table[LC_MAX * LC_STEPS + 2];
static pthread_once_t lc_once = PTHREAD_ONCE_INIT;

static void lc_init(void)
{
    for (int k = 0; k <= LC_MAX * LC_STEPS + 1; k++) {
        double p = erfc((double)k / LC_STEPS / 1.4142135623730951);
        lc_table[k] = p > 1e-12 ? -log(p) : 27.6;
    }
}

static double length_cost(double z)
{
    pthread_once(&lc_once, lc_init);
    if (z >= LC_MAX)
        return 27.6;
    double f = z * LC_STEPS;
    int k = (int)f;
    return lc_table[k] + (f - k) * (lc_table[k + 1] - lc_table[k]);
}

static double bead_cost(void *ctx, size_t i, size_t j, int na, int nb, double *score)
{
    cctx *x = ctx;
    const jisr_align_params *P = &x->a->params;
    int type = 0;
    for (; type < JISR_NBEADS; type++)
        if (jisr_bead_shape[type][0] == na && jisr_bead_shape[type][1] == nb)
            break;
    double prior = P->prior[type];
    if (na == 0 || nb == 0) {
        if (score)
            *score = 0;
        return prior + P->skip_cost * (na + nb);
    }
    double ls = x->sc[i] - x->sc[i - (size_t)na], lt = x->tc[j] - x->tc[j - (size_t)nb];
    double m = (ls + lt / x->c) / 2 + 1;
    double delta = fabs(lt - x->c * ls) / sqrt(x->s2 * m);
    double lencost = length_cost(delta);
    double cost = lencost + prior;
    double llr = 0;
    if (x->lexical) {
        int kb = nb > 3 ? 2 : nb - 1, ka = na > 3 ? 2 : na - 1;
        for (size_t s = i - (size_t)na; s < i; s++) {
            double acc = 0;
            for (size_t t = j - (size_t)nb; t < j; t++) {
                const float *ms, *mt;
                cov_at(x, s, t, &ms, &mt);
                acc += ms[kb];
            }
            llr += x->us[s][kb] + (acc < x->ws[s][kb] ? acc : x->ws[s][kb]) -
                   P->nb_discount * (nb - 1) * x->bgs[s];
        }
        for (size_t t = j - (size_t)nb; t < j; t++) {
            double acc = 0;
            for (size_t s = i - (size_t)na; s < i; s++) {
                const float *ms, *mt;
                cov_at(x, s, t, &ms, &mt);
                acc += mt[ka];
            }
            llr += x->ut[t][ka] + (acc < x->wt[t][ka] ? acc : x->wt[t][ka]) -
                   P->nb_discount * (na - 1) * x->bgt[t];
        }
        cost -= P->lex_weight * llr;
    }
    if (score) {
        double pl = exp(-lencost); /* two-tailed P(a length difference this large) */
        double s = x->lexical ? sqrt(pl) / (1 + exp(-llr)) : pl;
        *score = s < 0 ? 0 : s > 1 ? 1 : s;
    }
    return cost;
}

static int align_doc(jisr_aligner *a, jisr_adoc *d, double s2, int lexical)
{
    cctx x = {0};
    x.a = a;
    x.d = d;
    x.s2 = s2;
    x.lexical = lexical;
    size_t ns = d->ns, nt = d->nt;
    int rc = 0;
    x.sc = malloc((ns + 1) * sizeof *x.sc);
    x.tc = malloc((nt + 1) * sizeof *x.tc);
    x.ws = malloc((ns + 1) * sizeof *x.ws);
    x.wt = malloc((nt + 1) * sizeof *x.wt);
    x.us = malloc((ns + 1) * sizeof *x.us);
    x.ut = malloc((nt + 1) * sizeof *x.ut);
    x.clo = malloc((ns + 1) * sizeof *x.clo);
    x.cn = malloc((ns + 1) * sizeof *x.cn);
    x.coff = malloc((ns + 1) * sizeof *x.coff);
    x.bgs = calloc(ns + 1, sizeof *x.bgs);
    x.bgt = calloc(nt + 1, sizeof *x.bgt);
    x.bgn = calloc(nt + 1, sizeof *x.bgn);
    if (!x.sc || !x.tc || !x.ws || !x.wt || !x.us || !x.ut || !x.clo || !x.cn || !x.coff ||
        !x.bgs || !x.bgt || !x.bgn) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    x.sc[0] = x.tc[0] = 0;
    for (size_t k = 0; k < ns; k++)
        x.sc[k + 1] = x.sc[k] + d->chars[k];
    for (size_t k = 0; k < nt; k++)
        x.tc[k + 1] = x.tc[k] + d->chars[ns + k];
    x.c = x.sc[ns] > 0 && x.tc[nt] > 0 ? x.tc[nt] / x.sc[ns] : 1.0;
    for (size_t k = 0; k < ns + nt; k++) {
        double W[3] = {0, 0, 0}, U[3] = {0, 0, 0};
        for (uint32_t p = d->off[k]; p < d->off[k + 1]; p++) {
            uint32_t id = d->ids[p];
            if (k < ns ? a->tr[id].n > 0 : a->tknown[id])
                for (int q = 0; q < 3; q++) {
                    W[q] += a->w[id][q];
                    U[q] += a->u[id][q];
                }
        }
        for (int q = 0; q < 3; q++) {
            if (k < ns) {
                x.ws[k][q] = W[q];
                x.us[k][q] = U[q];
            } else {
                x.wt[k - ns][q] = W[q];
                x.ut[k - ns][q] = U[q];
            }
        }
    }
    rc = jisr_align_dp(ns, nt, a->opts.band, band_prepare, bead_cost, &x, &d->result);
done:
    free(x.sc);
    free(x.tc);
    free(x.ws);
    free(x.wt);
    free(x.us);
    free(x.ut);
    free(x.clo);
    free(x.cn);
    free(x.coff);
    free(x.bgs);
    free(x.bgt);
    free(x.bgn);
    free(x.ms);
    free(x.mt);
    return rc;
}

static int dcmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Gale–Church variance from the 1-1 beads of a pass that sit between two other 1-1 beads (the
 * default when too few): the median of the squared normalised differences over the median of
 * a chi-square with one degree of freedom (0.455), so the wrong pairs of the pass do not
 * inflate it. */
static double estimate_s2(const jisr_aligner *a)
{
    size_t n = 0, cap = 0;
    double *v = NULL;
    for (size_t k = 0; k < a->ndocs; k++) {
        const jisr_adoc *d = &a->docs[k];
        double ls = 0, lt = 0;
        for (size_t s = 0; s < d->ns; s++)
            ls += d->chars[s];
        for (size_t t = 0; t < d->nt; t++)
            lt += d->chars[d->ns + t];
        double c = ls > 0 && lt > 0 ? lt / ls : 1;
        for (size_t b = 1; b + 1 < d->result.n; b++) {
            const jisr_bead *bd = &d->result.v[b];
            if (bd->nsrc != 1 || bd->ntgt != 1 || bd[-1].nsrc != 1 || bd[-1].ntgt != 1 ||
                bd[1].nsrc != 1 || bd[1].ntgt != 1)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                double *nv = realloc(v, cap * sizeof *nv);
                if (!nv)
                    break;
                v = nv;
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
    return s2;
}

/* Document frequencies per side. */
static void count_df(jisr_aligner *a)
{
    ZERO(a->df, a->voc.n);
    ZERO(a->dft, a->voc.n);
    a->nsents = a->nsentt = 0;
    for (size_t k = 0; k < a->ndocs; k++) {
        jisr_adoc *d = &a->docs[k];
        a->nsents += d->ns;
        a->nsentt += d->nt;
        for (size_t s = 0; s < d->ns + d->nt; s++) {
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

static void token_llr(jisr_aligner *a, uint32_t id, double p0, double p1)
{
    for (int k = 1; k <= 3; k++) {
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
    ZERO(a->tknown, a->voc.n);
    double *q = malloc(a->voc.n * sizeof *q); /* P(no source sentence word translates to id) */
    if (!q)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    for (uint32_t id = 0; id < a->voc.n; id++)
        q[id] = 1;
    for (uint32_t f = 0; f < a->voc.n; f++) {
        const jisr_trlist *tl = &a->tr[f];
        double qf = 1;
        /* a word of earlier documents (kept in the vocabulary across jisr_aligner_clear) says
         * nothing about these: without this, a document's alignment would depend on the
         * documents aligned before it in the same process (and a Dask run on partitioning) */
        if (!a->df[f] && a->kind[f] == 'S')
            continue;
        for (uint32_t k = 0; k < tl->n; k++) {
            uint32_t e = tl->v[k];
            a->tknown[e] = 1;
            qf *= 1 - a->dft[e] / nt;
            q[e] *= 1 - a->df[f] / ns;
        }
        if (tl->n) {
            token_llr(a, f, 1 - qf, a->p1s);
            if (a->kind[f] == 'N' || a->kind[f] == 'P') {
                /* numbers are rare, exact and reliable; ? ! and quotes less so (translations
                 * add and drop quotation marks) */
                float m =
                    (float)(a->kind[f] == 'N' ? a->params.anchor_weight : a->params.punct_weight);
                for (int k = 0; k < 3; k++) {
                    a->w[f][k] *= m;
                    a->u[f][k] *= m;
                }
            }
        }
    }
    for (uint32_t e = 0; e < a->voc.n; e++)
        if (a->tknown[e]) {
            if (a->tr[e].n && (a->kind[e] == 'N' || a->kind[e] == 'P')) {
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
        const jisr_adoc *d = &a->docs[k];
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

/* Rebuilds every translation list from the dictionary pairs and the anchors. */
static int base_lexicon(jisr_aligner *a)
{
    for (uint32_t id = 0; id < a->voc.n; id++)
        a->tr[id].n = 0;
    int rc = 0;
    if (!(a->opts.flags & JISR_ALIGN_NO_DICT))
        for (size_t k = 0; rc == 0 && k < a->ndpairs; k++)
            rc = jisr_al_tr_add(a, a->dpairs[2 * k], a->dpairs[2 * k + 1]);
    if (!(a->opts.flags & JISR_ALIGN_NO_ANCHORS))
        for (uint32_t id = 0; rc == 0 && id < a->voc.n; id++)
            if (a->kind[id] == 'N' || a->kind[id] == 'P')
                rc = jisr_al_tr_add(a, id, id);
    return rc;
}

int jisr_aligner_run(jisr_aligner *a)
{
    int rc = 0;
    int lexical = !(a->opts.flags & JISR_ALIGN_NO_LEXICAL);
    if ((rc = jisr_al_ensure_ids(a)) < 0)
        return rc;
    count_df(a);
    a->p1s = a->p1t = a->params.p1_default;
    if (lexical && !(a->opts.flags & JISR_ALIGN_NO_DICT) && (rc = jisr_al_dict_expand(a, 0)) < 0)
        return rc;
    if (lexical) {
        if ((rc = base_lexicon(a)) < 0)
            return rc;
        if (!(a->opts.flags & JISR_ALIGN_NO_ANCHORS) && (rc = jisr_al_names(a)) < 0)
            return rc;
        if ((rc = compute_weights(a)) < 0)
            return rc;
    }
    for (size_t k = 0; k < a->ndocs; k++)
        if ((rc = align_doc(a, &a->docs[k], a->params.s2_default, lexical)) < 0)
            return rc;
    double s2 = estimate_s2(a);
    /* a third pass (a table retrained on the second) measured no better on dev */
    for (int pass = 2; pass <= 2; pass++) {
        if (lexical) {
            if (!(a->opts.flags & JISR_ALIGN_NO_BOOTSTRAP) && (rc = jisr_al_model1(a)) < 0)
                return rc;
            if ((rc = compute_weights(a)) < 0) /* tknown for the new table */
                return rc;
            estimate_p1(a);
            if ((rc = compute_weights(a)) < 0)
                return rc;
        }
        for (size_t k = 0; k < a->ndocs; k++)
            if ((rc = align_doc(a, &a->docs[k], s2, lexical)) < 0)
                return rc;
    }
    a->ran = 1;
    return 0;
}

/* ---- life cycle --------------------------------------------------------------------------- */

int jisr_aligner_new(jisr_aligner **out, const jisr_align_opts *opts)
{
    *out = NULL;
    jisr_align_opts def = JISR_ALIGN_OPTS_INIT;
    if (!opts)
        opts = &def;
    if (opts->version != JISR_ALIGN_OPTS_VERSION)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_align_opts: unknown version %u",
                              opts->version);
    jisr_aligner *a = calloc(1, sizeof *a);
    if (!a)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    a->opts = *opts;
    a->params = default_params;
    snprintf(a->srclang, sizeof a->srclang, "%s", opts->srclang ? opts->srclang : "ar");
    snprintf(a->tgtlang, sizeof a->tgtlang, "%s", opts->tgtlang ? opts->tgtlang : "en");
    a->opts.srclang = a->srclang;
    a->opts.tgtlang = a->tgtlang;
    a->opts.dict_path = NULL;
    int rc;
    if ((rc = jisr_tokenizer_new(&a->tk)) < 0)
        goto fail;
    /* a language without a stemmer keeps its words as they are */
    if (jisr_stemmer_new(&a->sst, a->srclang) < 0)
        a->sst = NULL;
    if (jisr_stemmer_new(&a->tst, a->tgtlang) < 0)
        a->tst = NULL;
    jisr_error_clear();
    if (!(opts->flags & (JISR_ALIGN_NO_DICT | JISR_ALIGN_NO_LEXICAL))) {
        const char *path = opts->dict_path ? opts->dict_path : jisr_dict_default_path();
        if (path && (rc = jisr_al_load_dict(a, path)) < 0)
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
    for (size_t k = 0; k < a->ndocs; k++) {
        free(a->docs[k].off);
        free(a->docs[k].chars);
        free(a->docs[k].ids);
        jisr_ladder_free(&a->docs[k].result);
    }
    a->ndocs = 0;
    a->ran = 0;
    a->run_gen++;
    if (a->capn)
        ZERO(a->capn, a->idcap);
    if (a->lown)
        ZERO(a->lown, a->idcap);
}

void jisr_aligner_free(jisr_aligner *a)
{
    if (!a)
        return;
    jisr_aligner_clear(a);
    free(a->docs);
    for (uint32_t id = 0; id < a->idcap; id++) {
        if (a->tr)
            free(a->tr[id].v);
        if (a->surf)
            free(a->surf[id]);
    }
    free(a->kind);
    free(a->df);
    free(a->capn);
    free(a->lown);
    free(a->w);
    free(a->u);
    free(a->dft);
    free(a->tr);
    free(a->tknown);
    free(a->surf);
    free(a->surf_gen);
    free(a->stamp_s);
    free(a->stamp_t);
    free(a->mask);
    free(a->dpairs);
    free(a->dent);
    jisr_buf_free(&a->ddefs);
    free(a->ids);
    jisr_vocab_free(&a->voc);
    jisr_vocab_free(&a->memo);
    free(a->memo_id);
    jisr_tokenizer_free(a->tk);
    jisr_tokens_free(&a->toks);
    jisr_stemmer_free(a->sst);
    jisr_stemmer_free(a->tst);
    jisr_buf_free(&a->nb);
    jisr_buf_free(&a->lb);
    jisr_al_names_free(a);
    free(a);
}

int jisr_aligner_align(jisr_aligner *a, const char *const *src, size_t nsrc, const char *const *tgt,
                       size_t ntgt, jisr_ladder *out)
{
    jisr_aligner_clear(a);
    int rc;
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
