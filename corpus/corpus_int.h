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

/* ---- files and pairing (cmap.c, pairing.c) ------------------------------------------------ */

/** jisr_corpus_collect that also lists what it leaves out of a folder — a broken symbolic
 * link, a link to a directory, a special file — with the reason in why (a list parallel to
 * out: "" for a file to read); why may be NULL (nothing listed then). */
int corpus_collect(const char *path, jisr_strlist *out, jisr_strlist *why);

/** jisr_corpus_pair with a file set (may be NULL): a file given in inputs that is one of its
 * outputs is an error (JISR_EINVAL naming it) before any document is read, as is one found in a
 * folder unless jisr wrote it (a report, list or TMX corpus: skipped with the reason); the
 * temporary of one is left out, and every file found is added to it as an input. list_names: skip a
 * file whose path a `jisr align --batch` list cannot carry (a tab or a line break). */
/* The inputs of a public function fn (the n paths it collects documents from; a NULL array of
 * none is no input): 0, or JISR_EINVAL naming the NULL one ("inputs[2] is NULL"). pairing.c */
int corpus_check_inputs(const char *fn, const char *const *inputs, size_t n);
int corpus_pair(const char *const *inputs, size_t n, const jisr_pair_opts *opts,
                jisr_fileset *files, int list_names, jisr_pairing **out);

/** jisr_corpus_script's side of a text, never JISR_SCRIPT_BILINGUAL: the side of a bilingual
 * document read all the same (JISR_DOC_MIXED_SCRIPT). */
jisr_script corpus_script_side(const char *text, size_t n);

/* ---- competitive linking (docalign.c), shared with verify.c ------------------------------- */

/** A candidate pair of documents: source s, target t (side indices), its score (cos: the
 * document aligner's cosine, unused by the linking). */
typedef struct corpus_cand {
    uint32_t s, t;
    float cos;
    double score;
} corpus_cand;

/** Sort c[0..nc) best first (score, then source, then target); note each document's first
 * candidate in best[0][s] and best[1][t] (entries whose partner is SIZE_MAX: the caller sets
 * them so); append to pairs (room for the smaller side) the pairs made best first, each document
 * at most once, down to min, counting them in *np. Errors: JISR_ENOMEM. */
int corpus_link(corpus_cand *c, size_t nc, const size_t n[2], double min, jisr_docbest *best[2],
                jisr_docpair *pairs, size_t *np);

/* ---- a small collection's pairs, checked by aligning them (verify.c) ----------------------- */

#define CORPUS_VERIFY_DOCS 16 /* at most this many documents read */

/** One document's paragraphs: NUL-terminated strings at text + off[k], k < n. */
typedef struct corpus_vdoc {
    char *text;
    size_t *off;
    size_t n;
} corpus_vdoc;

/** Read one document's paragraphs into text (each with its NUL) at (*offs)[0..*n) (*cap its
 * capacity; both arrays grow): from its path, or from bytes[0..nbytes) when bytes is not NULL
 * (path then names it in messages). 0; 1 with *why (malloc'd) when it cannot be read or holds
 * no text; JISR_ENOMEM. */
int corpus_read_doc(const char *path, const char *bytes, size_t nbytes, const jisr_doc_opts *dopts,
                    jisr_buf *text, size_t **offs, size_t *n, size_t *cap, char **why);

/** What a pairing keeps beside its public part: the bytes of each document that can be read
 * only once (a pipe or a FIFO given as an input: bash's <(cmd)), for the readings after the
 * first (jisr_pairing_verify, the corpus pipeline's). A jisr_pairing * made by corpus_pair
 * points at pub. */
typedef struct corpus_pairing {
    jisr_pairing pub;
    char **bytes;   /* bytes[i] of docs[i]: NULL (read from its path), or its bytes */
    size_t *nbytes; /* their lengths */
    size_t nfiles;  /* entries of bytes and nbytes (docs[] may hold fewer after an error) */
} corpus_pairing;

/** The bytes kept of document i of p (made by corpus_pair), their length in *n; NULL: read
 * it from its path. */
const char *corpus_doc_bytes(const jisr_pairing *p, size_t i, size_t *n);

/** Whether corpus_verify is used for these languages (Arabic and English, either way). */
int corpus_verify_applies(const jisr_docalign_opts *o);
/** Align every source document of docs[0][0..n[0]) with every target one of docs[1][0..n[1]),
 * score each pair by the share of their sentences in aligned pairs scoring 0.5 or more, and make
 * pairs best first down to o->min_score (default 0.5): *pairs (replaced, malloc'd) and *npairs,
 * and best[s][0..n[s]) (caller's arrays) for the unpaired. Errors: JISR_ENOMEM, JISR_EICU, the
 * dictionary's. */
int corpus_verify(const jisr_docalign_opts *o, const corpus_vdoc *const docs[2], const size_t n[2],
                  jisr_docpair **pairs, size_t *npairs, jisr_docbest *best[2]);

/* ---- the report of a corpus run (pipeline.c fills it, report.c renders it) --------------- */

typedef struct rsample {
    char *doc, *src, *tgt;
    double score;
} rsample;

typedef struct rdoc {
    size_t pair; /* index in the pairing */
    size_t ssent, tsent, beads, kept, unwritable;
} rdoc;

/* A pair left out because the output cannot carry it: where its sentence is ("FILE:LINE", or
 * "FILE: paragraph N") and why. */
typedef struct rleft {
    char *doc, *place, *msg;
} rleft;

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
    rleft *left; /* the first max_samples pairs left out as unwritable */
    size_t nleft;
    jisr_filter_opts filter;
    char error[1200]; /* what stopped the run, "" */
};

#endif
