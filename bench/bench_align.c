/*
 * bench_align.c — accuracy, calibration, robustness, speed and memory of the sentence aligner,
 * today's model (model 1, jisr 0.1's, kept in the library for this comparison) side by side with
 * the current one (model 2), in one run.
 *
 * Sets are the Bible alignment sets under $JISR_SHARED_DATA/bible-ar-en/align (default
 * noisy/test and clean/test), aligned Arabic→English and English→Arabic (the gold ladder with its
 * sides swapped), in one batch per set (`jisr align --batch`: one table learnt over all
 * documents) and document by document (`jisr align SRC TGT` on each: what a translator does).
 * Figures: vecalign's strict/lax F1 (score.py); for model 2 the calibration of the score (pairs
 * binned by score in tenths: the share of right pairs per bin against its mean score, the
 * expected calibration error ECE, and what a --min-score threshold keeps); the outlier test (a
 * document with one 20,000-character line inserted on one side: how many documents keep every
 * other bead as without it); throughput in sentence pairs per second (a document of ns and nt
 * sentences counts (ns + nt) / 2 pairs) and peak memory, each run in a child process of its
 * own so that runs neither share caches nor peak memory; a synthetic 10,000-sentence document
 * for the DP's scaling.
 *
 * A set may be a synthetic variant of one, SET+VARIANT (make_variant below: +heading, +tail,
 * +omit, +short, +para; +long-ar and +long-en, long sentences on one side: runs of 2..6 verses
 * merged into one sentence at 30 % of positions, as an Arabic paragraph written as one sentence
 * that the English splits, e.g. --sets clean/dev+long-ar,clean/dev+long-en).
 *
 * Tuning: --sets noisy/dev,clean/dev (never the test sets), -p name=value (model weights),
 * --lexicon FILE and --no-default-lexicon (a lexicon that has not seen the dev chapters),
 * --fit (fit the calibration on the sets given and print the weights, and the monotone maps of
 * align/calmap.c as C: `--sets noisy/dev --models 2 --no-outlier --no-synthetic --quiet --fit`
 * reproduces them), -p calmap=0 (the logistic score without the maps). Never pass/fail.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "align/align.h"
#include "align/align_int.h"
#include "bench/synthetic_doc.h"

typedef struct doc {
    char *id;
    jisr_sentences s[2]; /* 0 Arabic, 1 English */
    jisr_ladder gold[2]; /* ar→en, en→ar */
} doc;

typedef struct set {
    char name[160];
    doc *docs;
    size_t n;
    double pairs;
} set;

static char dir[4096];

/* ---- loading ------------------------------------------------------------------------------- */

static void swap_ladder(const jisr_ladder *in, jisr_ladder *out)
{
    out->n = 0;
    for (size_t k = 0; k < in->n; k++) {
        const jisr_bead *b = &in->v[k];
        jisr_ladder_push(out, b->tgt, b->ntgt, b->src, b->nsrc, b->score);
    }
}

static int load_set(const char *name, set *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%.64s", name);
    jisr_buf path = {0};
    jisr_buf_printf(&path, "%s/%s.list", dir, name);
    jisr_align_list l;
    int rc = jisr_align_list_read(&l, path.data, 4, 0);
    jisr_buf_free(&path);
    if (rc < 0)
        return rc;
    s->docs = calloc(l.n ? l.n : 1, sizeof *s->docs);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        doc *d = &s->docs[s->n];
        char *a = jisr_align_list_path(&l, l.rows[i].f[1]);
        char *e = jisr_align_list_path(&l, l.rows[i].f[2]);
        char *g = jisr_align_list_path(&l, l.rows[i].f[3]);
        d->id = jisr_strdup(l.rows[i].f[0]);
        if ((rc = jisr_sentences_read(&d->s[0], a, NULL, 0)) == 0 &&
            (rc = jisr_sentences_read(&d->s[1], e, NULL, 0)) == 0 &&
            (rc = jisr_ladder_read(&d->gold[0], g)) == 0) {
            swap_ladder(&d->gold[0], &d->gold[1]);
            s->pairs += (double)(d->s[0].n + d->s[1].n) / 2;
            s->n++;
        }
        free(a);
        free(e);
        free(g);
    }
    jisr_align_list_free(&l);
    return rc;
}

static void free_set(set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->docs[i].id);
        for (int k = 0; k < 2; k++) {
            jisr_sentences_free(&s->docs[i].s[k]);
            jisr_ladder_free(&s->docs[i].gold[k]);
        }
    }
    free(s->docs);
}

/* ---- synthetic variants of a set (from its documents, for tuning on dev) ------------------ */

/* A document as its gold beads with their sentences, so that a variant can add, drop or cut
 * beads and rebuild sentences and gold together. */
#define GB_MAX 6 /* the most sentences a side of a gold bead kept */
typedef struct gbead {
    size_t ns, nt;
    const char *s[GB_MAX], *t[GB_MAX];
} gbead;

static size_t to_beads(const doc *d, gbead **out)
{
    const jisr_ladder *g = &d->gold[0];
    gbead *v = calloc(g->n + 4, sizeof *v);
    size_t n = 0;
    for (size_t k = 0; k < g->n; k++) {
        const jisr_bead *b = &g->v[k];
        if (b->nsrc > GB_MAX || b->ntgt > GB_MAX)
            continue;
        gbead *x = &v[n++];
        x->ns = b->nsrc;
        x->nt = b->ntgt;
        for (size_t i = 0; i < b->nsrc; i++)
            x->s[i] = d->s[0].v[b->src + i];
        for (size_t i = 0; i < b->ntgt; i++)
            x->t[i] = d->s[1].v[b->tgt + i];
    }
    *out = v;
    return n;
}

static void from_beads(const gbead *v, size_t n, const char *id, doc *out)
{
    memset(out, 0, sizeof *out);
    out->id = jisr_strdup(id);
    for (size_t k = 0; k < n; k++) {
        jisr_ladder_push(&out->gold[0], out->s[0].n, v[k].ns, out->s[1].n, v[k].nt, 0);
        for (size_t i = 0; i < v[k].ns; i++)
            jisr_sentences_push(&out->s[0], v[k].s[i], strlen(v[k].s[i]));
        for (size_t i = 0; i < v[k].nt; i++)
            jisr_sentences_push(&out->s[1], v[k].t[i], strlen(v[k].t[i]));
    }
    swap_ladder(&out->gold[0], &out->gold[1]);
}

static const char *const head_ar[] = {"بسم الله الرحمن الرحيم", "الأصحاح الخامس",
                                      "القاهرة - ٣ مايو (رويترز)", "ترجمة فان دايك"};
static const char *const head_en[] = {"Chapter Five", "Translated from the Arabic",
                                      "CAIRO, May 3 (Reuters) -", "World English Bible"};

/* Paragraphs of 2 to 6 gold beads, the same on both sides (translations keep paragraphs). */
static void set_paragraphs(doc *d, size_t i)
{
    uint32_t para = 0;
    size_t inpara = 0, want = 2 + i % 5;
    for (size_t k = 0; k < d->gold[0].n; k++) {
        const jisr_bead *b = &d->gold[0].v[k];
        for (size_t x = 0; x < b->nsrc; x++)
            d->s[0].para[b->src + x] = para;
        for (size_t x = 0; x < b->ntgt; x++)
            d->s[1].para[b->tgt + x] = para;
        if (++inpara == want) {
            para++;
            inpara = 0;
            want = 2 + (i + k) % 5;
        }
    }
    d->s[0].has_para = d->s[1].has_para = 1;
}

/* Long sentences (long-ar, long-en): at LONG_FRAC of the positions of a document, a run of 2 to
 * LONG_MAX consecutive 1-1 beads becomes one sentence on one side (Arabic or English), its parts
 * joined by a space without their final full stops (but the last's), the other side keeping a
 * sentence a verse: beads 1-2 .. 1-LONG_MAX (or the converse), as an Arabic paragraph written
 * as one sentence that the English translation splits. The runs come from a fixed generator
 * seeded by the document's place in its set, so the variant is the same in every run.
 * Made on clean/dev (tuning) and clean/test (reporting): --sets clean/dev+long-ar. */
#define LONG_FRAC 0.3
#define LONG_MAX 6

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* The sentences joined as one (malloc'd, appended to *keep for the caller to free). */
static const char *join_run(const char *const *v, size_t m, char ***keep, size_t *nkeep)
{
    jisr_buf b = {0};
    for (size_t q = 0; q < m; q++) {
        size_t len = strlen(v[q]);
        if (q + 1 < m) {
            while (len && (v[q][len - 1] == '.' || v[q][len - 1] == ' '))
                len--;
        }
        jisr_buf_printf(&b, "%s%.*s", q ? " " : "", (int)len, v[q]);
    }
    char **k = realloc(*keep, (*nkeep + 1) * sizeof *k);
    if (!k)
        abort();
    *keep = k;
    k[(*nkeep)++] = b.data;
    return b.data;
}

static size_t long_sentences(gbead *v, size_t n, int side, size_t i, char ***keep, size_t *nkeep)
{
    uint64_t rng = 0x6a697372u + (uint64_t)i; /* "jisr" */
    size_t m = 0;
    for (size_t q = 0; q < n;) {
        size_t run = 1;
        if ((double)(splitmix(&rng) >> 11) / 9007199254740992.0 < LONG_FRAC)
            run = 2 + (size_t)(splitmix(&rng) % (LONG_MAX - 1));
        size_t r = 0; /* 1-1 beads from q on, at most run */
        while (r < run && q + r < n && v[q + r].ns == 1 && v[q + r].nt == 1)
            r++;
        if (r < 2) {
            v[m++] = v[q++];
            continue;
        }
        gbead g = {0};
        const char *part[LONG_MAX];
        for (size_t x = 0; x < r; x++)
            part[x] = side == 0 ? v[q + x].s[0] : v[q + x].t[0];
        if (side == 0) {
            g.ns = 1;
            g.nt = r;
            g.s[0] = join_run(part, r, keep, nkeep);
            for (size_t x = 0; x < r; x++)
                g.t[x] = v[q + x].t[0];
        } else {
            g.nt = 1;
            g.ns = r;
            g.t[0] = join_run(part, r, keep, nkeep);
            for (size_t x = 0; x < r; x++)
                g.s[x] = v[q + x].s[0];
        }
        v[m++] = g;
        q += r;
    }
    return m;
}

/* heading: a line at the start of one side; tail: at the end; omit: 3 to 6 consecutive pairs
 * lose their target (or source) sentences in the middle of the document; short: documents cut
 * into pieces of 11 to 25 pairs; para: paragraphs marked on both sides; long-ar, long-en: long
 * sentences on the Arabic or the English side (above). */
static void make_variant(const set *in, const char *variant, set *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%.64s+%.32s", in->name, variant);
    size_t cap = in->n * 8 + 8;
    out->docs = calloc(cap, sizeof *out->docs);
    for (size_t i = 0; i < in->n; i++) {
        gbead *v;
        size_t n = to_beads(&in->docs[i], &v);
        int side = (int)(i % 2);
        if (!strcmp(variant, "heading") || !strcmp(variant, "tail")) {
            gbead h = {0};
            if (side == 0) {
                h.ns = 1;
                h.s[0] = head_ar[i % 4];
            } else {
                h.nt = 1;
                h.t[0] = head_en[i % 4];
            }
            if (!strcmp(variant, "heading")) {
                memmove(v + 1, v, n * sizeof *v);
                v[0] = h;
            } else
                v[n] = h;
            n++;
        } else if (!strcmp(variant, "omit")) {
            size_t k = 3 + i % 4, at = n / 3;
            for (size_t q = at; q < at + k && q < n; q++) {
                if (side == 0)
                    v[q].nt = 0;
                else
                    v[q].ns = 0;
            }
            /* a pair that lost a side leaves one unaligned bead per sentence */
            gbead *w = calloc(n * 4 + 1, sizeof *w);
            size_t m = 0;
            for (size_t q = 0; q < n; q++) {
                if ((v[q].ns == 0) != (v[q].nt == 0) && v[q].ns + v[q].nt > 1) {
                    for (size_t r = 0; r < v[q].ns; r++)
                        w[m++] = (gbead){1, 0, {v[q].s[r]}, {0}};
                    for (size_t r = 0; r < v[q].nt; r++)
                        w[m++] = (gbead){0, 1, {0}, {v[q].t[r]}};
                } else if (v[q].ns + v[q].nt)
                    w[m++] = v[q];
            }
            free(v);
            v = w;
            n = m;
        } else if (!strcmp(variant, "short")) {
            size_t q = 0, piece = 0;
            while (q < n && out->n < cap) {
                size_t len = 11 + (i * 7 + piece * 5) % 15;
                if (n - q < 11)
                    break;
                if (n - q < len + 11)
                    len = n - q;
                char id[128];
                snprintf(id, sizeof id, "%s.%zu", in->docs[i].id, piece++);
                doc *d = &out->docs[out->n++];
                from_beads(v + q, len, id, d);
                out->pairs += (double)(d->s[0].n + d->s[1].n) / 2;
                q += len;
            }
            free(v);
            continue;
        }
        char **keep = NULL;
        size_t nkeep = 0;
        if (!strcmp(variant, "long-ar") || !strcmp(variant, "long-en"))
            n = long_sentences(v, n, variant[5] == 'e', i, &keep, &nkeep);
        doc *d = &out->docs[out->n++];
        from_beads(v, n, in->docs[i].id, d);
        for (size_t q = 0; q < nkeep; q++)
            free(keep[q]);
        free(keep);
        if (!strcmp(variant, "para"))
            set_paragraphs(d, i);
        out->pairs += (double)(d->s[0].n + d->s[1].n) / 2;
        free(v);
    }
}

/* ---- configuration ------------------------------------------------------------------------- */

typedef struct param {
    const char *name;
    double value;
} param;

typedef struct cfg {
    int model;
    unsigned flags;
    param ps[64];
    size_t np;
    const char *lexicons[8];
    size_t nlex;
} cfg;

static int set_param(al_params *P, const char *n, double v)
{
    struct {
        const char *name;
        double *p;
    } t[] = {
        {"lex_weight", &P->lex_weight},
        {"skip_cost", &P->skip_cost},
        {"anchor_weight", &P->anchor_weight},
        {"m1_min_score", &P->m1_min_score},
        {"m1_min_t", &P->m1_min_t},
        {"nb_discount", &P->nb_discount},
        {"punct_weight", &P->punct_weight},
        {"p1", &P->p1_default},
        {"s2", &P->s2_default},
        {"gap_extend", &P->gap_extend},
        {"edge_open", &P->edge_open},
        {"edge_extend", &P->edge_extend},
        {"len_cap", &P->len_cap},
        {"llr_floor", &P->llr_floor},
        {"edge_nolex", &P->edge_nolex},
        {"edge_nolex_len", &P->edge_nolex_len},
        {"para_cross", &P->para_cross},
        {"para_mismatch", &P->para_mismatch},
        {"lex_min_p", &P->lex_min_p},
        {"prior_n", &P->prior_n},
        {"post_temp", &P->post_temp},
        {"calmap", &P->calmap},
        {"bead_max", &P->bead_max},
        {"long_len_max", &P->long_len_max},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(n, t[i].name)) {
            *t[i].p = v;
            return 0;
        }
    if (!strncmp(n, "prior", 5) && n[5] >= '0' && n[5] <= '9') {
        char *end;
        long ty = strtol(n + 5, &end, 10);
        if (!*end && ty < AL_NSHAPES) {
            P->prior[ty] = v;
            return 0;
        }
    }
    if (!strncmp(n, "cal", 3) && n[3] >= '0' && n[3] < '0' + AL_NCAL && !n[4]) {
        P->cal[n[3] - '0'] = v;
        return 0;
    }
    fprintf(stderr, "bench_align: unknown parameter %s\n", n);
    return -1;
}

static jisr_lexicon *extra_lex[8];

static int make_aligner(const cfg *c, int d, jisr_aligner **out)
{
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    o.srclang = d ? "en" : "ar";
    o.tgtlang = d ? "ar" : "en";
    o.flags = c->flags;
    o.model = c->model;
    int rc = jisr_aligner_new(out, &o);
    if (rc < 0)
        return rc;
    al_params *P = al_aligner_params(*out);
    for (size_t i = 0; i < c->np; i++)
        set_param(P, c->ps[i].name, c->ps[i].value);
    for (size_t i = 0; rc == 0 && c->model != 1 && i < c->nlex; i++)
        rc = jisr_aligner_add_lexicon(*out, extra_lex[i]);
    return rc;
}

/* ---- one run ------------------------------------------------------------------------------- */

#define NBIN 10
#define MAXPAIRS 200000

typedef struct result {
    int ok;
    jisr_align_counts counts;
    double wall, cpu;  /* whole run */
    double wall_align; /* without making the aligner */
    long rss_kib;      /* peak resident memory of the run's process */
    /* calibration: pairs per score bin, right pairs, sum of scores */
    double bin_n[NBIN], bin_ok[NBIN], bin_sum[NBIN];
    size_t gaps, gaps_found; /* gold 1-0 and 0-1 beads (omitted sentences), found exactly */
    char err[256];
} result;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* strict correctness of each aligned test bead against the gold */
static int bead_in(const jisr_ladder *g, const jisr_bead *b)
{
    for (size_t k = 0; k < g->n; k++)
        if (g->v[k].nsrc == b->nsrc && g->v[k].ntgt == b->ntgt && g->v[k].src == b->src &&
            g->v[k].tgt == b->tgt)
            return 1;
    return 0;
}

/* an unaligned sentence of the gold (a 1-0 or 0-1 bead) unaligned in test too: only its own
 * side's index counts (the other side's position of an empty bead is not in a ladder file) */
static int gap_in(const jisr_ladder *test, const jisr_bead *g)
{
    for (size_t k = 0; k < test->n; k++) {
        const jisr_bead *b = &test->v[k];
        if (g->nsrc && !b->ntgt && b->nsrc == g->nsrc && b->src == g->src)
            return 1;
        if (g->ntgt && !b->nsrc && b->ntgt == g->ntgt && b->tgt == g->tgt)
            return 1;
    }
    return 0;
}

static const char *writedir; /* --write DIR: the ladders, DIR/SET/DIR/MODE/ID.ladder (and
                              * ID.ladder.scores, the scores in full) */
static const char *cur_set, *cur_dir, *cur_mode;
static size_t cur_doc;     /* the document being tallied: its index in the set */
static const char *cur_id; /* and its id */

static void write_ladder(const char *id, const jisr_ladder *l)
{
    if (!writedir)
        return;
    jisr_buf p = {0}, b = {0};
    jisr_buf_printf(&p, "mkdir -p '%s/%s/%s/%s'", writedir, cur_set, cur_dir, cur_mode);
    if (system(p.data) != 0)
        return;
    jisr_buf_reset(&p);
    jisr_buf_printf(&p, "%s/%s/%s/%s/%s.ladder", writedir, cur_set, cur_dir, cur_mode, id);
    jisr_ladder_format(&b, l, 1);
    FILE *f = fopen(p.data, "w");
    if (f) {
        fwrite(b.data ? b.data : "", 1, b.len, f);
        fclose(f);
    }
    /* the scores in full (the ladder rounds them to 4 decimals): a change meant to leave the
     * output alone is checked by comparing these files too */
    jisr_buf_printf(&p, ".scores");
    if ((f = fopen(p.data, "w"))) {
        for (size_t k = 0; k < l->n; k++)
            fprintf(f, "%a\n", l->v[k].score);
        fclose(f);
    }
    jisr_buf_free(&p);
    jisr_buf_free(&b);
}
static int inline_runs; /* --inline: no child processes (debugging) */

/* --fit: the features of the scored pairs of a run, in result order, and their correctness */
typedef struct fitrow {
    double x[AL_NCAL];
    double p;              /* the logistic score, before the monotone map */
    int y;                 /* right (1), wrong (0), not yet known (-1) */
    int perdoc, dir, book; /* the run's mode and direction; the document's book (its id's number) */
    size_t doc;            /* the document's index in its set */
} fitrow;
static fitrow *feats;
static size_t nfeat, capfeat, usedfeat;
static int fitting;

static void on_features(void *ctx, const double *x, int n, double p)
{
    (void)ctx;
    if (nfeat == capfeat) {
        capfeat = capfeat ? capfeat * 2 : 4096;
        feats = realloc(feats, capfeat * sizeof *feats);
    }
    memcpy(feats[nfeat].x, x, (size_t)n * sizeof *x);
    feats[nfeat].p = p;
    feats[nfeat++].y = -1;
}

static void tally(result *r, const jisr_ladder *gold, const jisr_ladder *test)
{
    jisr_align_score_add(&r->counts, gold, test);
    for (size_t k = 0; k < gold->n; k++)
        if (!gold->v[k].nsrc || !gold->v[k].ntgt) {
            r->gaps++;
            r->gaps_found += gap_in(test, &gold->v[k]);
        }
    for (size_t k = 0; k < test->n; k++) {
        const jisr_bead *b = &test->v[k];
        if (!b->nsrc || !b->ntgt)
            continue;
        int bin = (int)(b->score * NBIN);
        bin = bin < 0 ? 0 : bin >= NBIN ? NBIN - 1 : bin;
        int ok = bead_in(gold, b);
        if (fitting && usedfeat < nfeat) {
            fitrow *f = &feats[usedfeat++];
            f->y = ok;
            f->perdoc = !strcmp(cur_mode, "perdoc");
            f->dir = !strcmp(cur_dir, "en-ar");
            f->book = atoi(cur_id);
            f->doc = cur_doc;
        }
        r->bin_n[bin]++;
        r->bin_ok[bin] += ok;
        r->bin_sum[bin] += b->score;
    }
}

static void run_inline(const set *s, const cfg *c, int d, int perdoc, result *r)
{
    memset(r, 0, sizeof *r);
    double t0 = jisr_now(), c0 = cpu_now();
    jisr_aligner *a = NULL;
    int rc = make_aligner(c, d, &a);
    double t1 = jisr_now();
    for (size_t i = 0; rc == 0 && i < s->n; i++) {
        const doc *dc = &s->docs[i];
        if (perdoc) {
            /* model 1's results depend on what an aligner saw before (its dictionary pairs
             * stay expanded): a fresh one per document, as `jisr align SRC TGT` has */
            if (c->model == 1 && i > 0) {
                jisr_aligner_free(a);
                a = NULL;
                if ((rc = make_aligner(c, d, &a)) < 0)
                    break;
            }
            jisr_aligner_clear(a);
            if ((rc = jisr_aligner_add_sentences(a, &dc->s[d], &dc->s[1 - d], NULL)) == 0 &&
                (rc = jisr_aligner_run(a)) == 0) {
                cur_doc = i;
                cur_id = dc->id;
                tally(r, &dc->gold[d], jisr_aligner_result(a, 0));
                write_ladder(dc->id, jisr_aligner_result(a, 0));
            }
        } else
            rc = jisr_aligner_add_sentences(a, &dc->s[d], &dc->s[1 - d], NULL);
    }
    if (rc == 0 && !perdoc && (rc = jisr_aligner_run(a)) == 0)
        for (size_t i = 0; i < s->n; i++) {
            cur_doc = i;
            cur_id = s->docs[i].id;
            tally(r, &s->docs[i].gold[d], jisr_aligner_result(a, i));
            write_ladder(s->docs[i].id, jisr_aligner_result(a, i));
        }
    r->wall = jisr_now() - t0;
    r->wall_align = jisr_now() - t1;
    r->cpu = cpu_now() - c0;
    r->ok = rc == 0;
    if (rc < 0)
        jisr_error_format(r->err, sizeof r->err);
    jisr_aligner_free(a);
}

/* Each run in a child process: its own peak memory, no caches shared with the other model. */
static void run(const set *s, const cfg *c, int d, int perdoc, result *r)
{
    int fd[2];
    if (fitting || inline_runs || pipe(fd) < 0) {
        run_inline(s, c, d, perdoc, r);
        r->rss_kib = jisr_peak_rss_kib();
        return;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        result rr;
        run_inline(s, c, d, perdoc, &rr);
        rr.rss_kib = jisr_peak_rss_kib();
        ssize_t w = write(fd[1], &rr, sizeof rr);
        _exit(w == (ssize_t)sizeof rr ? 0 : 1);
    }
    close(fd[1]);
    memset(r, 0, sizeof *r);
    size_t got = 0;
    while (got < sizeof *r) {
        ssize_t n = read(fd[0], (char *)r + got, sizeof *r - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    if (got != sizeof *r) {
        memset(r, 0, sizeof *r);
        snprintf(r->err, sizeof r->err, "child failed");
    }
}

static double worst_all; /* ece(): the largest |right - centre| of any non-empty bin */
static double ece(const result *r, double *worst)
{
    double n = 0, e = 0;
    *worst = 0;
    worst_all = 0;
    for (int b = 0; b < NBIN; b++)
        n += r->bin_n[b];
    for (int b = 0; b < NBIN; b++) {
        if (!r->bin_n[b])
            continue;
        double acc = r->bin_ok[b] / r->bin_n[b], conf = r->bin_sum[b] / r->bin_n[b];
        e += r->bin_n[b] / n * fabs(acc - conf);
        double centre = (b + 0.5) / NBIN;
        if (r->bin_n[b] >= 30 && fabs(acc - centre) > *worst)
            *worst = fabs(acc - centre);
        if (fabs(acc - centre) > worst_all)
            worst_all = fabs(acc - centre);
    }
    return n ? e : 0;
}

static void print_calibration(const char *label, const result *r)
{
    double worst, e = ece(r, &worst);
    double n = 0, ok = 0;
    for (int b = 0; b < NBIN; b++) {
        n += r->bin_n[b];
        ok += r->bin_ok[b];
    }
    printf("calibration %s: ECE %.4f (largest |right - centre|: bins of >= 30 pairs %.3f, any "
           "bin %.3f)\n",
           label, e, worst, worst_all);
    printf("  %-9s %7s %7s %7s   %-10s %8s %8s\n", "score", "pairs", "right", "mean", "--min-score",
           "keeps", "precision");
    for (int b = 0; b < NBIN; b++) {
        double kn = 0, kok = 0;
        for (int q = b; q < NBIN; q++) {
            kn += r->bin_n[q];
            kok += r->bin_ok[q];
        }
        printf("  %.1f-%.1f %8.0f %7.3f %7.3f   %-10.1f %7.1f%% %8.4f\n", b / 10.0, (b + 1) / 10.0,
               r->bin_n[b], r->bin_n[b] ? r->bin_ok[b] / r->bin_n[b] : 0,
               r->bin_n[b] ? r->bin_sum[b] / r->bin_n[b] : 0, b / 10.0, ok ? 100 * kok / ok : 0,
               kn ? kok / kn : 0);
    }
    printf("  (keeps = share of the right pairs a --min-score at the bin's lower edge keeps)\n");
}

/* ---- the outlier test ---------------------------------------------------------------------- */

/* A line of about n characters made of the words of the given sentences, in order. */
static char *outlier_line(const jisr_sentences *s, size_t n)
{
    jisr_buf b = {0};
    for (size_t i = 0; b.len < n; i = (i + 1) % (s->n ? s->n : 1))
        if (jisr_buf_puts(&b, s->n ? s->v[i] : "word") < 0 || jisr_buf_putc(&b, ' ') < 0)
            break;
    if (b.data)
        b.data[b.len > n ? n : b.len] = '\0';
    return b.data;
}

/* Documents of s (the first ndocs) with a 20,000-character line inserted at the start, middle
 * or end of one side (every = at every place between two beads of either side instead, in
 * direction d): counts those whose other beads all stay as without it, for model m. */
static int outlier_every;
static void outlier_test(const set *s, const cfg *c, int d, size_t ndocs, int *same, int *total,
                         double *f1_with, double *f1_without)
{
    *same = *total = 0;
    *f1_with = *f1_without = 0;
    jisr_align_counts cw = {0}, co = {0};
    jisr_aligner *a = NULL;
    if (make_aligner(c, d, &a) < 0)
        return;
    for (size_t i = 0; i < ndocs && i < s->n; i++) {
        const doc *dc = &s->docs[i];
        const jisr_sentences *ds[2] = {&dc->s[d], &dc->s[!d]}; /* source, target */
        jisr_ladder base = {0};
        jisr_aligner_clear(a);
        if (jisr_aligner_add_sentences(a, ds[0], ds[1], NULL) < 0 || jisr_aligner_run(a) < 0)
            continue;
        const jisr_ladder *r0 = jisr_aligner_result(a, 0);
        for (size_t k = 0; k < r0->n; k++)
            jisr_ladder_push(&base, r0->v[k].src, r0->v[k].nsrc, r0->v[k].tgt, r0->v[k].ntgt, 0);
        for (int side = 0; side < 2; side++)
            for (size_t where = 0; where < (outlier_every ? ds[side]->n + 1 : 3); where++) {
                const jisr_sentences *orig = ds[side];
                size_t at = outlier_every ? where
                            : where == 0  ? 0
                            : where == 1  ? orig->n / 2
                                          : orig->n;
                /* between two beads of the alignment without it: inside a bead that merges
                 * sentences no alignment could keep that bead */
                int inside = 0;
                for (size_t k = 0; (outlier_every || where == 1) && k < base.n; k++) {
                    size_t st = side == 0 ? base.v[k].src : base.v[k].tgt;
                    size_t cn = side == 0 ? base.v[k].nsrc : base.v[k].ntgt;
                    if (cn > 1 && st < at && at < st + cn) {
                        at = st;
                        inside = 1;
                    }
                }
                if (inside && outlier_every)
                    continue; /* that place is tried as the bead's start */
                char *line = outlier_line(orig, 20000);
                jisr_sentences mod = {0};
                for (size_t k = 0; k <= orig->n; k++) {
                    if (k == at)
                        jisr_sentences_push(&mod, line, strlen(line));
                    if (k < orig->n)
                        jisr_sentences_push(&mod, orig->v[k], strlen(orig->v[k]));
                }
                free(line);
                jisr_aligner_clear(a);
                const jisr_sentences *src = side == 0 ? &mod : ds[0];
                const jisr_sentences *tgt = side == 1 ? &mod : ds[1];
                if (jisr_aligner_add_sentences(a, src, tgt, NULL) == 0 &&
                    jisr_aligner_run(a) == 0) {
                    /* map the result back by dropping the inserted sentence */
                    const jisr_ladder *r1 = jisr_aligner_result(a, 0);
                    jisr_ladder back = {0};
                    int ok = 1;
                    for (size_t k = 0; k < r1->n; k++) {
                        jisr_bead b = r1->v[k];
                        size_t *st = side == 0 ? &b.src : &b.tgt,
                               *cn = side == 0 ? &b.nsrc : &b.ntgt;
                        if (*cn && *st <= at && at < *st + *cn) {
                            if (*cn == 1 && (side == 0 ? b.ntgt : b.nsrc) == 0)
                                continue; /* the outlier alone: what it should be */
                            ok = 0;       /* merged with real sentences */
                            (*cn)--;
                            if (*cn == 0 && (side == 0 ? b.ntgt : b.nsrc) == 0)
                                continue;
                        } else if (*cn && *st > at)
                            (*st)--;
                        else if (!*cn && *st > at)
                            (*st)--;
                        jisr_ladder_push(&back, b.src, b.nsrc, b.tgt, b.ntgt, 0);
                    }
                    if (ok && back.n == base.n)
                        for (size_t k = 0; k < back.n && ok; k++)
                            ok = back.v[k].src == base.v[k].src &&
                                 back.v[k].nsrc == base.v[k].nsrc &&
                                 back.v[k].tgt == base.v[k].tgt && back.v[k].ntgt == base.v[k].ntgt;
                    else
                        ok = 0;
                    if (!ok && getenv("BENCH_DEBUG")) {
                        jisr_buf x = {0}, y = {0};
                        jisr_ladder_format(&x, &base, 0);
                        jisr_ladder_format(&y, r1, 1);
                        fprintf(stderr,
                                "== %s dir %d side %d at %zu of %zu\n-- without:\n%s-- with:\n%s",
                                dc->id, d, side, at, orig->n, x.data, y.data);
                        jisr_buf_free(&x);
                        jisr_buf_free(&y);
                    }
                    *same += ok;
                    jisr_align_score_add(&cw, &dc->gold[d], &back);
                    jisr_align_score_add(&co, &dc->gold[d], &base);
                    jisr_ladder_free(&back);
                }
                (*total)++;
                jisr_sentences_free(&mod);
            }
        jisr_ladder_free(&base);
    }
    jisr_align_scores sw, so;
    jisr_align_score_finish(&cw, &sw);
    jisr_align_score_finish(&co, &so);
    *f1_with = sw.f_strict;
    *f1_without = so.f_strict;
    jisr_aligner_free(a);
}

/* ---- the calibration fit ------------------------------------------------------------------- */

/* The features the score uses, for every aligned bead of the sets given, with its correctness;
 * a logistic regression (Newton's method) gives the weights. Features are recomputed by the
 * library: the dump holds what cost.c's calibrated() reads. */
static double nll(const fitrow *rows, size_t n, int nf, const double *w)
{
    double v = 0;
    for (size_t i = 0; i < n; i++) {
        double z = 0;
        for (int k = 0; k < nf; k++)
            z += w[k] * rows[i].x[k];
        v += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - rows[i].y * z;
    }
    for (int k = 0; k < nf; k++)
        v += 1e-3 * w[k] * w[k];
    return v;
}

/* Logistic regression by Newton's method with step halving (and a touch of ridge). */
static void fit(fitrow *rows, size_t n, int nf, double *w)
{
    for (int k = 0; k < nf; k++)
        w[k] = 0;
    w[1] = 1;
    double cur = nll(rows, n, nf, w);
    for (int it = 0; it < 100; it++) {
        double g[AL_NCAL] = {0}, H[AL_NCAL][AL_NCAL] = {{0}};
        for (size_t i = 0; i < n; i++) {
            double z = 0;
            for (int k = 0; k < nf; k++)
                z += w[k] * rows[i].x[k];
            double p = 1 / (1 + exp(-z));
            for (int k = 0; k < nf; k++) {
                g[k] += (rows[i].y - p) * rows[i].x[k];
                for (int l = 0; l < nf; l++)
                    H[k][l] += p * (1 - p) * rows[i].x[k] * rows[i].x[l];
            }
        }
        for (int k = 0; k < nf; k++) {
            g[k] -= 2e-3 * w[k];
            H[k][k] += 2e-3;
        }
        /* solve H d = g by Gaussian elimination with partial pivoting */
        double A[AL_NCAL][AL_NCAL + 1];
        for (int k = 0; k < nf; k++) {
            for (int l = 0; l < nf; l++)
                A[k][l] = H[k][l];
            A[k][nf] = g[k];
        }
        for (int k = 0; k < nf; k++) {
            int piv = k;
            for (int l = k + 1; l < nf; l++)
                if (fabs(A[l][k]) > fabs(A[piv][k]))
                    piv = l;
            for (int l = 0; l <= nf; l++) {
                double t = A[k][l];
                A[k][l] = A[piv][l];
                A[piv][l] = t;
            }
            for (int l = k + 1; l < nf; l++) {
                double f = A[l][k] / A[k][k];
                for (int m = k; m <= nf; m++)
                    A[l][m] -= f * A[k][m];
            }
        }
        double dlt[AL_NCAL];
        for (int k = nf - 1; k >= 0; k--) {
            double v = A[k][nf];
            for (int l = k + 1; l < nf; l++)
                v -= A[k][l] * dlt[l];
            dlt[k] = v / A[k][k];
        }
        double step = 1, next = cur, trial[AL_NCAL];
        for (int h = 0; h < 30; h++, step /= 2) {
            for (int k = 0; k < nf; k++)
                trial[k] = w[k] + step * dlt[k];
            next = nll(rows, n, nf, trial);
            if (next <= cur)
                break;
        }
        if (!(next <= cur))
            break;
        memcpy(w, trial, (size_t)nf * sizeof *w);
        if (cur - next < 1e-9)
            break;
        cur = next;
    }
}

/* The monotone map on top of the logistic score (align/calmap.c), for one mode and direction:
 * pool-adjacent-violators on the pairs sorted by logistic score, each block's share of right
 * pairs clipped to [CALMAP_LO, CALMAP_HI] (a block of wrong pairs alone would say 0, of right
 * pairs alone 1; the clip was chosen by leave-one-Gospel-out on noisy/dev, and keeps every
 * block in its tenth), knots at both ends of every block. Printed as C for calmap.c. */
#define CALMAP_LO 0.02
#define CALMAP_HI 0.998
static int by_p(const void *a, const void *b)
{
    const fitrow *x = a, *y = b;
    return x->p < y->p ? -1 : x->p > y->p;
}

static void fit_calmap(fitrow *rows, size_t n, int perdoc, int d)
{
    fitrow *v = malloc((n ? n : 1) * sizeof *v);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].perdoc == perdoc && rows[i].dir == d)
            v[m++] = rows[i];
    qsort(v, m, sizeof *v, by_p);
    /* blocks: right pairs, pairs, lowest and highest score */
    double(*blk)[4] = malloc((m ? m : 1) * sizeof *blk);
    size_t nb = 0;
    for (size_t i = 0; i < m; i++) {
        blk[nb][0] = v[i].y;
        blk[nb][1] = 1;
        blk[nb][2] = blk[nb][3] = v[i].p;
        nb++;
        while (nb > 1 && blk[nb - 2][0] / blk[nb - 2][1] >= blk[nb - 1][0] / blk[nb - 1][1]) {
            blk[nb - 2][0] += blk[nb - 1][0];
            blk[nb - 2][1] += blk[nb - 1][1];
            blk[nb - 2][3] = blk[nb - 1][3];
            nb--;
        }
    }
    printf("/* %s %s: %zu pairs, %zu blocks */\nstatic const double %s_%s[][2] = {\n",
           d ? "en-ar" : "ar-en", perdoc ? "per document" : "batch", m, nb,
           perdoc ? "doc" : "batch", d ? "en_ar" : "ar_en");
    for (size_t b = 0; b < nb; b++) {
        double y = blk[b][0] / blk[b][1];
        y = y < CALMAP_LO ? CALMAP_LO : y > CALMAP_HI ? CALMAP_HI : y;
        printf("    {%.17g, %.17g}, /* %.0f pairs */\n", blk[b][2], y, blk[b][1]);
        if (blk[b][3] > blk[b][2])
            printf("    {%.17g, %.17g},\n", blk[b][3], y);
    }
    printf("};\n");
    free(blk);
    free(v);
}

/* ---- the synthetic scaling test ------------------------------------------------------------ */

static void synthetic(int model)
{
    /* A 10,000-sentence document and its "translation": lengths drawn from a fixed generator,
     * the target side with sentences dropped and merged, so the path leaves the diagonal. */
    size_t ns = 10000;
    char **src = malloc(ns * sizeof *src), **tgt = malloc(2 * ns * sizeof *tgt);
    jisr_ladder truth = {0};
    size_t nt = synthetic_doc(ns, src, tgt, &truth);
    for (int lex = 0; lex < 2; lex++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid != 0) {
            int st;
            waitpid(pid, &st, 0);
            continue;
        }
        jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
        o.flags = lex ? JISR_ALIGN_NO_DICT : JISR_ALIGN_NO_LEXICAL;
        o.model = model;
        jisr_aligner *a = NULL;
        if (jisr_aligner_new(&a, &o) < 0)
            _exit(1);
        jisr_ladder l = {0};
        double t0 = jisr_now();
        int rc =
            jisr_aligner_align(a, (const char *const *)src, ns, (const char *const *)tgt, nt, &l);
        double t1 = jisr_now();
        const al_dp_stats *st = al_dp_stats_last();
        jisr_align_counts c = {0};
        jisr_align_scores sc = {0};
        if (rc == 0 && jisr_align_score_add(&c, &truth, &l) == 0)
            jisr_align_score_finish(&c, &sc);
        printf("synthetic %zu x %zu, model %d (%s): %.2f s, strict F1 %.4f, last pass %zu cells "
               "(band %zu, %d passes, %zu cells in all), peak RSS %ld MiB%s\n",
               ns, nt, model, lex ? "lexical, no dictionary" : "length only", t1 - t0, sc.f_strict,
               st->cells, st->band, st->passes, st->work, jisr_peak_rss_kib() / 1024,
               rc < 0 ? " FAILED" : "");
        fflush(stdout);
        _exit(0);
    }
    synthetic_doc_free(src, ns, tgt, nt);
    jisr_ladder_free(&truth);
}

/* ---- the summary: issue 14's targets side by side ----------------------------------------- */

typedef struct row {
    char set[64], dir[8];
    int perdoc, model;
    double f1, ece, pps, pps_star, ppcpu;
    long rss;
} row;
static row rows[256];
static size_t nrows;
typedef struct orow {
    char set[64];
    int model, same, total;
} orow;
static orow orows[16];
static size_t norows;

static const row *find_row(const char *sn, const char *dn, int perdoc, int model)
{
    for (size_t i = 0; i < nrows; i++)
        if (!strcmp(rows[i].set, sn) && !strcmp(rows[i].dir, dn) && rows[i].perdoc == perdoc &&
            rows[i].model == model)
            return &rows[i];
    return NULL;
}

static void print_summary(void)
{
    static const struct {
        const char *set;
        int perdoc;
        const char *target;
    } t[] = {{"noisy/test", 1, ">= 0.960"},
             {"noisy/test", 0, ">= 0.970"},
             {"clean/test", 1, ">= 0.995"},
             {"clean/test", 0, ">= 0.995"}};
    const char *dirs[] = {"ar-en", "en-ar"};
    if (!find_row("noisy/test", "ar-en", 0, 1) && !find_row("noisy/test", "ar-en", 0, 2))
        return;
    printf("\nissue 14's targets (strict F1; model 1 = today's aligner, model 2 = this one):\n");
    printf("%-11s %-13s %-6s %8s %8s  %s\n", "set", "mode", "dir", "today", "now", "target");
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        for (int d = 0; d < 2; d++) {
            const row *a = find_row(t[i].set, dirs[d], t[i].perdoc, 1);
            const row *b = find_row(t[i].set, dirs[d], t[i].perdoc, 2);
            if (!a && !b)
                continue;
            printf("%-11s %-13s %-6s %8.4f %8.4f  %s\n", t[i].set,
                   t[i].perdoc ? "per document" : "batch", dirs[d], a ? a->f1 : 0, b ? b->f1 : 0,
                   t[i].target);
        }
    for (int perdoc = 0; perdoc < 2; perdoc++)
        for (int d = 0; d < 2; d++) {
            const row *a = find_row("noisy/test", dirs[d], perdoc, 1);
            const row *b = find_row("noisy/test", dirs[d], perdoc, 2);
            if (a || b)
                printf("%-11s %-13s %-6s %8.4f %8.4f  ECE of the score, <= 0.03\n", "noisy/test",
                       perdoc ? "per document" : "batch", dirs[d], a ? a->ece : 0, b ? b->ece : 0);
        }
    for (size_t i = 0; i < norows; i++)
        if (orows[i].model == 1)
            for (size_t k = 0; k < norows; k++)
                if (orows[k].model == 2 && !strcmp(orows[k].set, orows[i].set))
                    printf("%-11s %-13s %-6s %5d/%-3d %4d/%-3d  placements of a 20,000-character "
                           "line keeping every other bead\n",
                           orows[i].set, "per document", "ar-en", orows[i].same, orows[i].total,
                           orows[k].same, orows[k].total);
    const row *a = find_row("noisy/test", "ar-en", 0, 1),
              *b = find_row("noisy/test", "ar-en", 0, 2);
    if (a && b) {
        printf("%-11s %-13s %-6s %8.0f %8.0f  pairs/s with loading, >= 10,000\n", "noisy/test",
               "batch", "ar-en", a->pps, b->pps);
        printf("%-11s %-13s %-6s %8.0f %8.0f  pairs/s without loading\n", "", "", "", a->pps_star,
               b->pps_star);
        printf("%-11s %-13s %-6s %8.0f %8.0f  pairs per CPU second (with loading)\n", "", "", "",
               a->ppcpu, b->ppcpu);
        printf("%-11s %-13s %-6s %8ld %8ld  peak RSS MiB, at most 2x (ratio %.2f)\n", "", "", "",
               a->rss / 1024, b->rss / 1024, a->rss ? (double)b->rss / (double)a->rss : 0);
    }
}

/* ---- main ---------------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: bench_align [--sets noisy/test,clean/test] [--dirs ar-en,en-ar]\n"
                    "                   [--modes doc,batch] [--models 1,2] [-p name=value]...\n"
                    "                   [--lexicon FILE]... [--no-default-lexicon] [--no-dict]\n"
                    "                   [--fit] [--dump FILE] [--no-outlier] [--outlier-docs N]\n"
                    "                   [--outlier-every]\n"
                    "                   [--no-synthetic] [--quiet]\n");
}

int main(int argc, char **argv)
{
    const char *shared = getenv("JISR_SHARED_DATA");
    snprintf(dir, sizeof dir, "%s/bible-ar-en/align", shared ? shared : "../shared/data");
    char sets[1024] = "noisy/test,clean/test", dirs[64] = "ar-en,en-ar", modes[64] = "doc,batch";
    char models[64] = "1,2";
    cfg base = {0};
    int synth = 1, outlier = 1, dofit = 0, quiet = 0;
    size_t outlier_docs = 20;
    const char *dump_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sets") && i + 1 < argc)
            snprintf(sets, sizeof sets, "%s", argv[++i]);
        else if (!strcmp(argv[i], "--dirs") && i + 1 < argc)
            snprintf(dirs, sizeof dirs, "%s", argv[++i]);
        else if (!strcmp(argv[i], "--modes") && i + 1 < argc)
            snprintf(modes, sizeof modes, "%s", argv[++i]);
        else if (!strcmp(argv[i], "--models") && i + 1 < argc)
            snprintf(models, sizeof models, "%s", argv[++i]);
        else if (!strcmp(argv[i], "-p") && i + 1 < argc && base.np < 64) {
            char *eq = strchr(argv[++i], '=');
            if (!eq) {
                usage();
                return 2;
            }
            *eq = '\0';
            al_params probe;
            if (set_param(&probe, argv[i], 0) < 0)
                return 2;
            base.ps[base.np].name = argv[i];
            base.ps[base.np++].value = atof(eq + 1);
        } else if (!strcmp(argv[i], "--lexicon") && i + 1 < argc && base.nlex < 8) {
            if (jisr_lexicon_read(&extra_lex[base.nlex], argv[++i]) < 0) {
                char m[1024];
                jisr_error_format(m, sizeof m);
                fprintf(stderr, "bench_align: %s\n", m);
                return 1;
            }
            base.lexicons[base.nlex++] = argv[i];
        } else if (!strcmp(argv[i], "--no-default-lexicon"))
            base.flags |= JISR_ALIGN_NO_LEXICON;
        else if (!strcmp(argv[i], "--no-dict"))
            base.flags |= JISR_ALIGN_NO_DICT;
        else if (!strcmp(argv[i], "--fit"))
            dofit = 1;
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
            dump_path = argv[++i];
        else if (!strcmp(argv[i], "--no-outlier"))
            outlier = 0;
        else if (!strcmp(argv[i], "--outlier-docs") && i + 1 < argc)
            outlier_docs = (size_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--outlier-every"))
            outlier_every = 1;
        else if (!strcmp(argv[i], "--no-synthetic"))
            synth = 0;
        else if (!strcmp(argv[i], "--write") && i + 1 < argc)
            writedir = argv[++i];
        else if (!strcmp(argv[i], "--inline"))
            inline_runs = 1;
        else if (!strcmp(argv[i], "--quiet"))
            quiet = 1;
        else {
            usage();
            return 2;
        }
    }
    if (dofit || dump_path) {
        fitting = 1; /* runs in this process: the hook sees the library's calls */
        al_feature_hook = on_features;
    }
    printf("bench_align: model 1 = jisr 0.1's aligner (today), model 2 = this one; FreeDict %s; "
           "data %s\n",
           jisr_dict_default_path() ? "installed" : "absent", dir);
    printf("%-18s %-6s %-5s %-5s %8s %8s %9s %8s %9s %9s %8s %7s %s\n", "set", "dir", "mode",
           "model", "P strict", "R strict", "F1 strict", "F1 lax", "pairs/s", "pairs/s*",
           "pairs/cpu", "RSS MiB", "omitted");
    char *save1 = NULL;
    for (char *st = strtok_r(sets, ",", &save1); st; st = strtok_r(NULL, ",", &save1)) {
        set s;
        char base_name[128];
        snprintf(base_name, sizeof base_name, "%s", st);
        char *plus = strchr(base_name, '+'); /* SET+VARIANT: a synthetic variant of SET */
        if (plus)
            *plus++ = '\0';
        if (load_set(base_name, &s) < 0 || s.n == 0) {
            printf("%-11s (not found under %s)\n", st, dir);
            continue;
        }
        if (plus) {
            set v;
            make_variant(&s, plus, &v);
            free_set(&s);
            s = v;
        }
        char dcopy[64];
        snprintf(dcopy, sizeof dcopy, "%s", dirs);
        char *save2 = NULL;
        for (char *dn = strtok_r(dcopy, ",", &save2); dn; dn = strtok_r(NULL, ",", &save2)) {
            int d = !strcmp(dn, "en-ar");
            char mcopy[64];
            snprintf(mcopy, sizeof mcopy, "%s", modes);
            char *save3 = NULL;
            for (char *mo = strtok_r(mcopy, ",", &save3); mo; mo = strtok_r(NULL, ",", &save3)) {
                int perdoc = !strcmp(mo, "doc");
                char ocopy[64];
                snprintf(ocopy, sizeof ocopy, "%s", models);
                char *save4 = NULL;
                for (char *m = strtok_r(ocopy, ",", &save4); m; m = strtok_r(NULL, ",", &save4)) {
                    cfg c = base;
                    c.model = atoi(m);
                    result r;
                    cur_set = st;
                    cur_dir = dn;
                    cur_mode = perdoc ? "perdoc" : "batch";
                    run(&s, &c, d, perdoc, &r);
                    if (!r.ok) {
                        printf("%-18s %-6s %-5s %-5d failed: %s\n", st, dn, mo, c.model, r.err);
                        continue;
                    }
                    jisr_align_scores sc;
                    jisr_align_score_finish(&r.counts, &sc);
                    printf("%-18s %-6s %-5s %-5d %8.4f %8.4f %9.4f %8.4f %9.0f %9.0f %9.0f %7ld "
                           "%5zu/%zu\n",
                           st, dn, mo, c.model, sc.p_strict, sc.r_strict, sc.f_strict, sc.f_lax,
                           s.pairs / r.wall, s.pairs / r.wall_align, s.pairs / r.cpu,
                           r.rss_kib / 1024, r.gaps_found, r.gaps);
                    if (nrows < sizeof rows / sizeof rows[0]) {
                        row *w = &rows[nrows++];
                        snprintf(w->set, sizeof w->set, "%s", st);
                        snprintf(w->dir, sizeof w->dir, "%s", dn);
                        w->perdoc = perdoc;
                        w->model = c.model;
                        w->f1 = sc.f_strict;
                        double worst;
                        w->ece = ece(&r, &worst);
                        w->pps = s.pairs / r.wall;
                        w->pps_star = s.pairs / r.wall_align;
                        w->ppcpu = s.pairs / r.cpu;
                        w->rss = r.rss_kib;
                    }
                    if (!quiet && (!strncmp(st, "noisy", 5) || strstr(st, "+long"))) {
                        char label[128];
                        snprintf(label, sizeof label, "%s %s %s model %d", st, dn, mo, c.model);
                        print_calibration(label, &r);
                    }
                }
            }
        }
        if (outlier && !strncmp(st, "noisy", 5)) {
            char ocopy[64];
            snprintf(ocopy, sizeof ocopy, "%s", models);
            char *save4 = NULL;
            for (char *m = strtok_r(ocopy, ",", &save4); m; m = strtok_r(NULL, ",", &save4))
                for (int d = 0; d < (outlier_every ? 2 : 1); d++) {
                    cfg c = base;
                    c.model = atoi(m);
                    int same, total;
                    double fw = 0, fo = 0;
                    outlier_test(&s, &c, d, outlier_docs, &same, &total, &fw, &fo);
                    if (norows < sizeof orows / sizeof orows[0]) {
                        snprintf(orows[norows].set, sizeof orows[norows].set, "%s", st);
                        orows[norows].model = c.model;
                        orows[norows].same = same;
                        orows[norows++].total = total;
                    }
                    printf(
                        "outlier %s %s model %d: a 20,000-character line inserted %s of either "
                        "side of the first %zu documents: %d of %d keep every other bead; strict "
                        "F1 with it %.4f, without %.4f\n",
                        st, d ? "en-ar" : "ar-en", c.model,
                        outlier_every ? "at every place between beads"
                                      : "at the start, middle or end",
                        outlier_docs < s.n ? outlier_docs : s.n, same, total, fw, fo);
                }
        }
        printf("%-11s %zu documents, %.0f sentence pairs\n", st, s.n, s.pairs);
        free_set(&s);
    }
    printf("pairs/s = (source + target sentences) / 2 per wall-clock second on one thread, "
           "including making\nthe aligner (dictionary and lexicon load); * = without it; "
           "pairs/cpu = per second of CPU\ntime (wall time also counts other jobs on this shared "
           "machine); RSS = peak resident memory\nof the run's own process; omitted = the gold's "
           "unaligned sentences (1-0, 0-1 beads) found exactly.\n");
    print_summary();
    if (synth) {
        char ocopy[64];
        snprintf(ocopy, sizeof ocopy, "%s", models);
        char *save4 = NULL;
        for (char *m = strtok_r(ocopy, ",", &save4); m; m = strtok_r(NULL, ",", &save4))
            synthetic(atoi(m));
    }
    if (dump_path) {
        FILE *f = fopen(dump_path, "w");
        for (size_t i = 0; f && i < usedfeat; i++) {
            fprintf(f, "%d", feats[i].y);
            for (int k = 0; k < AL_NCAL; k++)
                fprintf(f, " %.6g", feats[i].x[k]);
            fprintf(f, " %.17g %d %d %d %zu\n", feats[i].p, feats[i].perdoc, feats[i].dir,
                    feats[i].book, feats[i].doc);
        }
        if (f)
            fclose(f);
    }
    if (dofit) {
        size_t n = 0;
        for (size_t i = 0; i < usedfeat; i++)
            if (feats[i].y >= 0)
                feats[n++] = feats[i];
        double w[AL_NCAL];
        fit(feats, n, AL_NCAL, w);
        printf("calibration fitted on %zu pairs:", n);
        for (int k = 0; k < AL_NCAL; k++)
            printf(" -p cal%d=%.4f", k, w[k]);
        printf("\n");
        /* the maps on top of the logistic score as it is (the weights in force, not those just
         * fitted), for the modes and directions run */
        printf("monotone maps (align/calmap.c), fitted on the logistic score of these runs:\n");
        for (int perdoc = 1; perdoc >= 0; perdoc--)
            for (int d = 0; d < 2; d++) {
                size_t k = 0;
                for (size_t i = 0; i < n; i++)
                    k += feats[i].perdoc == perdoc && feats[i].dir == d;
                if (k)
                    fit_calmap(feats, n, perdoc, d);
            }
    }
    for (size_t i = 0; i < base.nlex; i++)
        jisr_lexicon_free(extra_lex[i]);
    return 0;
}
