/*
 * corpus_int.h — private to corpus/: a string → dense id map shared by the document aligner
 * and the filters.
 */
#ifndef JISR_CORPUS_INT_H
#define JISR_CORPUS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "corpus/corpus.h"

typedef struct cmap {
    char **str;      /* str[id], owned */
    uint32_t n, cap; /* ids */
    uint64_t *slot;  /* hash << 32 | (id + 1), 0 = empty */
    uint32_t nslot;  /* power of two */
} cmap;

/** id of s[0..n), added when absent (UINT32_MAX on allocation failure). */
uint32_t cmap_intern(cmap *m, const char *s, size_t n);
/** id of s[0..n) or UINT32_MAX. */
uint32_t cmap_find(const cmap *m, const char *s, size_t n);
void cmap_free(cmap *m);
uint64_t cmap_hash(const char *s, size_t n);

/* ---- the report of a corpus run (pipeline.c fills it, report.c renders it) --------------- */

typedef struct rsample {
    char *doc, *src, *tgt;
    double score;
} rsample;

typedef struct rdoc {
    size_t pair; /* index in the pairing */
    size_t ssent, tsent, beads, kept;
} rdoc;

struct jisr_corpus_report {
    char srclang[32], tgtlang[32];
    char *output;
    const char *format;
    jisr_pairing *pairing;
    rdoc *docs; /* one per pair */
    jisr_corpus_totals t;
    rsample *samples[JISR_DROP_N + 1]; /* [JISR_DROP_N]: kept pairs */
    size_t nsamples[JISR_DROP_N + 1];
    size_t max_samples;
    jisr_filter_opts filter;
    char error[1200]; /* what stopped the run, "" */
};

#endif
