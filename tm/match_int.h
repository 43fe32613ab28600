/*
 * match_int.h — private to the matcher's files: the query context and the token costs.
 *
 *   match.c   query contexts (one per thread, and a pool for the plain calls), jisr_tm_query:
 *             tokenize the query, find and score candidates, fill the results
 *   cand.c    candidate search: the index's length buckets, prefix filtering and bound
 *             tightening (docs/matching.md §4), or every unit (--exhaustive)
 *   score.c   the weighted edit distance with its cut-off, the score, the top list
 *   diff.c    rendering a match: the word diff (an alignment in linear space for long texts)
 *             and number placeables
 */
#ifndef JISR_TM_MATCH_INT_H
#define JISR_TM_MATCH_INT_H

#include "tm/tm_int.h"

#define TM_BIG 100 /* cost of anything involving a word or number that is not a near-match */

static inline uint32_t tm_tok_w(const tm_tok *t)
{
    return (t->kind == TM_WORD || t->kind == TM_NUMBER) ? TM_W_WORD : TM_W_SMALL;
}

static inline uint32_t tm_sub_cost(const tm_tok *a, const tm_tok *b)
{
    if (a->kind != b->kind) {
        uint32_t wa = tm_tok_w(a), wb = tm_tok_w(b);
        return wa > wb ? wa : wb;
    }
    if (a->hs == b->hs)
        return 0;
    if (a->hn == b->hn)
        return TM_C_NORM;
    switch (a->kind) {
    case TM_WORD:
        return a->hk == b->hk ? TM_C_CLITIC : TM_BIG;
    case TM_NUMBER:
        return TM_C_NUMBER;
    case TM_PUNCT:
        return TM_C_PUNCT;
    default:
        return TM_C_TAG;
    }
}

typedef struct tm_top {
    int score;
    double sim;
    uint32_t id;
} tm_top;

/* A query context: everything one query needs besides the handle, kept between queries so
 * that a thread's queries allocate nothing in the usual case. One thread at a time. */
struct jisr_tm_ctx {
    jisr_tm *tm;
    struct jisr_tm_ctx *next; /* in the handle's pool */
    /* the query being answered */
    tm_txn t;
    const jisr_tm_query_opts *o;
    const char *text;
    size_t tlen;
    double deadline; /* jisr_now() after which the query gives up; 0 = never */
    int late;        /* the deadline has passed */
    tm_toks q, m;
    uint32_t *row; /* the distance's two rows */
    size_t rowcap;
    tm_top *best; /* the top list, best first */
    size_t nbest, bestcap;
    uint64_t scored;
    uint32_t *acc; /* shared-term count per id, all zero between queries (cand.c) */
    size_t acccap;
    tm_rec rec;
    /* the concordance's */
    tm_toks ct;
};

/* cand.c */
/** Score every unit (the oracle, and what very low thresholds need). */
int tm_scan_all(jisr_tm_ctx *c);
/** Candidates from the index, bucket by bucket, each scored. */
int tm_indexed(jisr_tm_ctx *c);

/* score.c */
/** Score the record in c->rec (unit id) against the query and offer it to the top list; cub is
 * an upper bound on the heavy tokens it shares with the query (UINT32_MAX: unknown), used for
 * exact filters before tokenizing. 0, or <0 on error. */
int tm_score_rec(jisr_tm_ctx *c, uint32_t id, uint32_t cub);
/** The score a unit must reach to change the result: min, or the last score of a full list. */
int tm_eff_min(const jisr_tm_ctx *c);
/** Whether the query's deadline has passed (checked every so often by long loops). */
int tm_late(jisr_tm_ctx *c);

/* diff.c */
/** Fill m (the caller's result) for top entry b: texts, word diff, placeables. */
int tm_fill_match(jisr_tm_ctx *c, const tm_top *b, jisr_tm_match *m);
/** The cost of the alignment the diff is made from (hirschberg: by Hirschberg's method whatever
 * the size), checking that it covers every token once and in order (tests). */
int tm_align_cost(const tm_toks *q, const tm_toks *m, int hirschberg, uint32_t *cost);

#endif
