/*
 * align_int.h — private to the align layer (and its tests and bench): the vocabulary, the token
 * service, the DP entry point and the model's tunable weights, so tests can drive the DP with
 * hand-made costs and the bench can switch model parts. Private names start with al_.
 */
#ifndef JISR_ALIGN_INT_H
#define JISR_ALIGN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "align/align.h"
#include "text/text.h"
#include "util/util_int.h"

/** Read a whole file (gzip or plain) into out (appended), at most max bytes (inflated): beyond
 * that JISR_ETOOBIG naming the file, without reading further. text: a NUL byte is JISR_EPARSE
 * (binary input), found in the first 64 KiB of a file of zeros. */
int al_read_file(const char *path, size_t max, int text, jisr_buf *out);

/* ---- vocabulary: interned strings → dense ids ---------------------------------------------- */

typedef struct al_vocab {
    char **str; /* str[id], NUL-terminated, in the blocks below */
    uint32_t n; /* ids */
    size_t cap;
    uint64_t *slot; /* open addressing: hash << 32 | (id + 1), 0 = empty */
    uint32_t nslot; /* power of two */
    char **block;   /* the strings, back to back (one malloc per block, not per string) */
    size_t nblock, capblock, used, room; /* blocks, in use of the last, left in it */
} al_vocab;

/** id of s[0..n), adding it when absent; returns UINT32_MAX on allocation failure. */
uint32_t al_vocab_intern(al_vocab *v, const char *s, size_t n);
/** id of s[0..n) or UINT32_MAX. */
uint32_t al_vocab_find(const al_vocab *v, const char *s, size_t n);
void al_vocab_free(al_vocab *v);

/* The tokens version: a lexicon is valid for the tokenization it was trained with. Bump it when
 * tokens.c, the normaliser or the stemmers change what a word becomes. */
#define AL_TOKENS_VERSION 1

/* ---- the token service (tokens.c) ---------------------------------------------------------- */

/** Sentences → token ids, shared by the aligner, the dictionary and lexicon loaders, the name
 * matcher and the lexicon trainer (so a trained table means what the aligner means). */
typedef struct al_tk {
    char srclang[32], tgtlang[32];
    int arabic[2];   /* source, target: Arabic (the UN's order of number groups, tokens.c) */
    int old_numbers; /* jisr 0.1's number ids (model 1): digits and '.' kept, one a token */
    int norm_chars;  /* lengths counted on the normalised text (model 2), not the input */
    /* ids: kind byte 'S' source word, 'T' target word, 'N' number, 'P' anchor punctuation */
    al_vocab voc;
    uint32_t idcap;        /* capacity of the per-id arrays below */
    unsigned char *kind;   /* kind of each id */
    char **surf;           /* first surface form seen (case-folded, unstemmed), or NULL … */
    uint32_t *surf_gen;    /* … in the documents of run surf_gen[id] (valid when = run_gen) */
    uint32_t run_gen;      /* bumped by al_tk_new_run */
    uint32_t *capn, *lown; /* words: seen capitalised inside a sentence / in lower case */
    al_vocab memo;         /* side + surface word → memo_id[k] (stemming is the slow part) */
    uint32_t *memo_id;
    size_t memo_cap;
    jisr_tokenizer *tk;
    jisr_stemmer *sst, *tst;
    jisr_tokens toks;
    jisr_buf nb, lb;
    uint32_t *ids; /* al_tk_sentence appends here; callers reset nids */
    size_t nids, capids;
    uint32_t *caps; /* count_caps 2: id << 2 | 1 capitalised inside a sentence, | 2 lower case */
    size_t ncaps, capcaps;
} al_tk;

int al_tk_init(al_tk *tk, const char *srclang, const char *tgtlang);
void al_tk_free(al_tk *tk);
/** A new batch of documents: capitalisation counts and surface forms start again (the name
 * matcher reads them; forms from earlier documents would make a document's alignment depend on
 * what was aligned before it). */
void al_tk_new_run(al_tk *tk);
/** The surface form of id in this run's documents, or NULL. */
const char *al_tk_surface(const al_tk *tk, uint32_t id);
/** id of kind + s[0..n), added when absent; UINT32_MAX (JISR_ENOMEM recorded) on failure. */
uint32_t al_tk_intern(al_tk *tk, char kind, const char *s, size_t n);
/** id of kind + s[0..n) or UINT32_MAX. */
uint32_t al_tk_find(const al_tk *tk, char kind, const char *s, size_t n);
/** Memo of surface forms: side + word bytes → id (UINT32_MAX when absent). */
uint32_t al_tk_memo_get(al_tk *tk, char side, const char *w, size_t n);
int al_tk_memo_put(al_tk *tk, char side, const char *w, size_t n, uint32_t id);
/** Stem of a normalised, case-folded word of side 'S'/'T' (the word itself without a stemmer);
 * borrowed until the next call. */
const char *al_tk_stem(al_tk *tk, char side, const char *w, size_t n, size_t *out_len);
/** Tokenize one sentence or phrase of side 'S'/'T', appending its ids to tk->ids; *chars (may
 * be NULL) = its code points without white space; count_caps: 1 counts capitalisation into
 * capn/lown, 2 appends it to caps for the caller to count later. */
int al_tk_sentence(al_tk *tk, char side, const char *s, size_t n, int count_caps, double *chars);

/* ---- renderers (out_*.c) ------------------------------------------------------------------ */

/** The sentences [start, start + n) of s joined by spaces into b (reset first); JISR_EINVAL
 * when the bead reaches beyond s. */
int al_side_text(jisr_buf *b, const jisr_sentences *s, size_t start, size_t n);
/** Write b to path through the safe output writer (out.c; the lexicon writer uses it too). */
int al_write_buf(const char *path, const jisr_buf *b, jisr_fileset *files);
/** An aligned pair of l is written to tsv/tmx/jsonl: both sides non-empty, score ≥ min. */
int al_pair_kept(const jisr_bead *b, double min_score);
int al_render_ladder(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                     const jisr_sentences *tgt, const jisr_ladder *l);
int al_render_tsv(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                  const jisr_sentences *tgt, const jisr_ladder *l);
int al_render_jsonl(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                    const jisr_sentences *tgt, const jisr_ladder *l);
int al_render_html(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                   const jisr_sentences *tgt, const jisr_ladder *l);
/** TMX: one unit per kept pair through a formats writer (open, not closed here). */
int al_render_tmx(jisr_writer *w, const jisr_align_out *o, const jisr_sentences *src,
                  const jisr_sentences *tgt, const jisr_ladder *l);

/* ---- the DP -------------------------------------------------------------------------------- */

/** The bead shapes the DP may try, in this order (index = bead type): the eight of jisr 0.1's
 * model, then runs of 2..AL_GAP_MAX unaligned sentences on one side ((2,0), (0,2), (3,0) …),
 * which let a run cost less per sentence after the first (an affine gap), then one sentence
 * against 4..AL_LONG_MAX of the other side ((1,4), (4,1), (1,5) …: a long Arabic sentence that
 * the English splits into four or more). Model 2 tries the first al_nshapes(bead_max). */
#define AL_NBEADS 8
#define AL_GAP_MAX 6
#define AL_LONG_MAX 6
#define AL_NGAPSHAPES (AL_NBEADS + 2 * (AL_GAP_MAX - 1))
#define AL_NSHAPES (AL_NGAPSHAPES + 2 * (AL_LONG_MAX - 3))
/* The most partner sentences whose chance matches the lexical evidence tells apart (cost.c,
 * aligner.c): a bead's sentence with k partners is weighed against 1 - (1 - p0)^k */
#define AL_KMAX AL_LONG_MAX
/** The shapes of model 2 whose aligned beads have at most bead_max (3..AL_LONG_MAX) sentences a
 * side: AL_NGAPSHAPES + 2 (bead_max - 3). */
int al_nshapes(int bead_max);
extern const unsigned char al_bead_shape[AL_NSHAPES][2]; /* {nsrc, ntgt} */

/** Cost of the bead with nsrc source sentences ending before src sentence i and ntgt target
 * sentences ending before target sentence j (so it covers [i-nsrc, i) × [j-ntgt, j)). Returns a
 * cost ≥ 0 (lower is better) and may set *score (the bead's confidence) when score != NULL. */
typedef double (*al_cost_fn)(void *ctx, size_t i, size_t j, int nsrc, int ntgt, double *score);

/** Called before each DP pass with the band: row i (0..ns) spans columns [lo[i], hi[i]]; lets
 * the model precompute what the cells of the band need for aligned beads of up to reach
 * sentences a side (the pass's shapes: 3 while long beads wait, al_dp below; cost.c leaves
 * what only long beads read to the cost function). Returns 0 or a negative JISR_E*. */
typedef int (*al_band_fn)(void *ctx, size_t ns, const size_t *lo, const size_t *hi, int reach);

/* Affine costs of unaligned runs, for the DP to compute itself (they are most of the shapes it
 * tries at every cell): a run of k sentences of one side costs open + (k - 1) * extend, or
 * edge_open + (k - 1) * edge_extend when it lies before the first or after the last pair and
 * within edge_max sentences of that end of its side.
 * Outlier sentences (nout[side] != NULL: nout[side][i] = outliers among that side's first i) are
 * transparent to runs: each costs open of its side wherever it lies, and a run is costed, edges
 * found and positions counted as if its outliers were not there — so inserting an outlier left
 * unaligned adds the same constant to every path and changes no other bead. */
typedef struct al_gap {
    double open[2]; /* source-only, target-only */
    double extend, edge_open, edge_extend;
    size_t edge_max;
    const size_t *nout[2]; /* NULL or prefix counts of outliers, source and target (n + 1) */
} al_gap;

typedef struct al_dp_opts {
    size_t band;       /* half-width around the diagonal (0 = automatic) */
    int nshapes;       /* the first nshapes of al_bead_shape (0 = AL_NBEADS) */
    double temp;       /* > 0: bead scores are posteriors at this temperature (below); 0: the
                          score the cost function gives for the bead */
    double *post;      /* temp > 0: receives the posterior of out->v[k] (caller-sized ns + nt) */
    const al_gap *gap; /* NULL: unaligned beads are costed by the cost function too */
    /* NULL or nanchor pairs (s, t), s and t increasing: sentences the model is sure align
     * (al_anchors); the DP also searches a band along them when they lie off the diagonal */
    const size_t *anchor;
    size_t nanchor;
    int widen_all; /* widen the whole band, not where the path touched it (jisr 0.1's DP) */
} al_dp_opts;

/** Banded DP over an ns × nt grid: the cheapest monotone ladder covering every sentence. The
 * band is re-centred on the path and widened where the path touches its edge (only there: time
 * and memory stay linear). With anchors off the diagonal, a second search starts along them
 * and the cheaper path is kept. Runs of unaligned sentences come out as one bead per sentence.
 * With opts->temp > 0 the probability of each bead of the path is computed over the paths near
 * it (a forward-backward pass over the cells within a few sentences of the path, costs divided
 * by temp), and the score of out->v[k] is the one the cost function gives, its posterior in
 * post[k]. out is reset. */
int al_dp(size_t ns, size_t nt, const al_dp_opts *opts, al_band_fn prepare, al_cost_fn cost,
          void *ctx, jisr_ladder *out);

/** Statistics of the last al_dp call on this thread (for tests and the bench). */
typedef struct al_dp_stats {
    size_t cells; /* DP cells evaluated in the last pass of the search kept */
    int passes;   /* its band passes */
    size_t band;  /* its widest half-width */
    int searches; /* 1, or 2 when a search along the anchors was made too */
    int anchored; /* the path kept is the anchors' search's */
    size_t work;  /* cells evaluated in every pass of every search */
} al_dp_stats;
const al_dp_stats *al_dp_stats_last(void);
/* The most bytes of sentence-pair coverage (cost.c) held at once in this thread's last DP of a
 * document (al_align_doc; 0 without lexical evidence). */
size_t al_cov_bytes_last(void);

/* ---- model internals exposed to tests and the bench --------------------------------------- */

#define AL_NCAL 8 /* calibration weights (cost.c) */
/** Called with the features of every scored pair and its logistic score (before the monotone
 * map), in the order of the results (bench_align --fit; process-wide, not thread-safe: for the
 * bench only). */
extern void (*al_feature_hook)(void *ctx, const double *x, int n, double p);

/** A monotone map of the logistic score to the probability that the pair is right
 * (calmap.c): knots (x, y), x and y nondecreasing, linear between knots, flat outside. */
typedef struct al_calmap {
    size_t n;
    const double (*knot)[2];
} al_calmap;
/** The maps fitted on Bible noisy/dev: [batch (more than one document in the run)][English
 * source]. */
extern const al_calmap al_calmaps[2][2];
/** m applied to p (p itself when m is NULL or empty). */
double al_calmap_apply(const al_calmap *m, double p);
extern void *al_feature_ctx;

/** Tunable weights of the model (defaults in aligner.c); the bench and tests may change them.
 * Fields after s2_default are model 2's; model 1 (jisr 0.1) ignores them. */
typedef struct al_params {
    double lex_weight;             /* weight of the lexical log-likelihood ratio */
    double skip_cost;              /* extra cost of leaving one sentence unaligned */
    double prior[AL_NSHAPES];      /* cost of each aligned or one-sentence bead type, in
                                      al_bead_shape order (runs of unaligned sentences cost what
                                      al_gap says: their entries are unused) */
    double p1_default;             /* P(known token matched | aligned) before it is estimated */
    double m1_min_score, m1_min_t; /* Model 1: training beads' least score; least t(e|f) kept */
    double nb_discount;            /* weight of the chance gain a partner sentence brings */
    double anchor_weight;          /* number anchors count this many times more */
    double punct_weight;           /* and ? ! quotes this many times */
    double s2_default;             /* Gale–Church variance before it is estimated */
    /* model 2 */
    double gap_extend;             /* each further sentence of a run of unaligned ones */
    double edge_open, edge_extend; /* the same before the first or after the last pair */
    double len_cap;                /* most a bead's length cost may be */
    double llr_floor;              /* least lexical evidence one sentence may bring (< 0) */
    double para_cross;             /* a bead that merges across a paragraph boundary */
    double para_mismatch;          /* a pair starting a paragraph on one side only */
    double lex_min_p;              /* lexicon entries used: t(e|f) or t(f|e) at least this */
    double prior_n;                /* weight, in beads, of the length priors */
    double post_temp;              /* temperature of the bead posteriors */
    double cal[AL_NCAL];           /* calibration of the score (cost.c) */
    double calmap;                 /* 1: al_calmaps on top of it, 0: the logistic score alone */
    /* the first or last pair of a document costs edge_nolex more when not one known token of
     * it finds a translation in it though both sides hold some, and its length cost is at least
     * edge_nolex_len (one-sided material at an edge next to a sentence without partner) */
    double edge_nolex, edge_nolex_len;
    double bead_max;     /* the most sentences a side of an aligned bead (3: jisr 0.2's 1-3/3-1) */
    double long_len_max; /* beads of more than 3 sentences a side: the most length cost tried */
} al_params;
al_params *al_aligner_params(jisr_aligner *a);

#endif
