/*
 * align_int.h — private to the align layer (and its tests): the vocabulary, the lexicon, the
 * per-document token store and the DP entry point, so tests can drive the DP with hand-made
 * costs and the bench can switch model parts.
 */
#ifndef JISR_ALIGN_INT_H
#define JISR_ALIGN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "align/align.h"

/** Read a whole file (gzip or plain) into out (appended). */
int jisr_align_read_file(const char *path, jisr_buf *out);

/* ---- vocabulary: interned strings → dense ids ---------------------------------------------- */

typedef struct jisr_vocab {
    char **str;      /* str[id], owned */
    uint32_t n, cap; /* ids */
    uint64_t *slot;  /* open addressing: hash << 32 | (id + 1), 0 = empty */
    uint32_t nslot;  /* power of two */
} jisr_vocab;

/** id of s[0..n), adding it when absent; returns UINT32_MAX on allocation failure. */
uint32_t jisr_vocab_intern(jisr_vocab *v, const char *s, size_t n);
/** id of s[0..n) or UINT32_MAX. */
uint32_t jisr_vocab_find(const jisr_vocab *v, const char *s, size_t n);
void jisr_vocab_free(jisr_vocab *v);

/* ---- the DP -------------------------------------------------------------------------------- */

/** The bead types the DP tries, in this order (index = bead type). */
#define JISR_NBEADS 8
extern const unsigned char jisr_bead_shape[JISR_NBEADS][2]; /* {nsrc, ntgt} */

/** Cost of the bead with nsrc source sentences ending before src sentence i and ntgt target
 * sentences ending before target sentence j (so it covers [i-nsrc, i) × [j-ntgt, j)). Returns a
 * cost ≥ 0 (lower is better) and may set *score (the bead's confidence) when score != NULL. */
typedef double (*jisr_bead_cost_fn)(void *ctx, size_t i, size_t j, int nsrc, int ntgt,
                                    double *score);

/** Called before each DP pass with the band: row i (0..ns) spans columns [lo[i], hi[i]]; lets
 * the model precompute what the cells of the band need. Returns 0 or a negative JISR_E*. */
typedef int (*jisr_band_fn)(void *ctx, size_t ns, const size_t *lo, const size_t *hi);

/** Banded DP over an ns × nt grid: returns the cheapest monotone ladder covering every sentence.
 * band = half-width around the diagonal (0 = whole grid); the band is widened and re-centred on
 * the path while the path touches its edge. out is reset. */
int jisr_align_dp(size_t ns, size_t nt, size_t band, jisr_band_fn prepare, jisr_bead_cost_fn cost,
                  void *ctx, jisr_ladder *out);

/** Statistics of the last jisr_align_dp call on this thread (for tests and the bench). */
typedef struct jisr_dp_stats {
    size_t cells; /* DP cells evaluated in the last pass */
    int passes;   /* band passes */
    size_t band;  /* final half-width */
} jisr_dp_stats;
const jisr_dp_stats *jisr_align_dp_stats(void);

/* ---- model internals exposed to tests and the bench --------------------------------------- */

/** Skeleton of a Latin word for name matching (consonant classes, duplicates collapsed);
 * writes at most cap-1 bytes + NUL, returns the length. */
size_t jisr_align_name_key(const char *latin, size_t n, char *out, size_t cap);

/** Tunable weights of the model (defaults in aligner.c); the bench and tests may change them. */
typedef struct jisr_align_params {
    double lex_weight;             /* weight of the lexical log-likelihood ratio */
    double skip_cost;              /* extra cost of leaving one sentence unaligned */
    double prior[JISR_NBEADS];     /* cost of each bead type, in jisr_bead_shape order */
    double p1_default;             /* P(known token matched | aligned) before it is estimated */
    double m1_min_score, m1_min_t; /* Model 1: training beads' least score; least t(e|f) kept */
    double nb_discount;            /* weight of the chance gain a partner sentence brings */
    double anchor_weight;          /* number anchors count this many times more */
    double punct_weight;           /* and ? ! quotes this many times */
    double s2_default;             /* Gale–Church variance before it is estimated */
} jisr_align_params;
jisr_align_params *jisr_aligner_params(jisr_aligner *a);

#endif
