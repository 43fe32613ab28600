/*
 * aligner_int.h — the aligner's private structure, shared by the files of the model: aligner.c
 * (the passes), cost.c (bead costs and scores), dictload.c (dictionaries), lexicon.c (trained
 * tables), names.c and model1.c. Never included outside align/.
 */
#ifndef JISR_ALIGNER_INT_H
#define JISR_ALIGNER_INT_H

#include <stdio.h>

#include "align/align_int.h"

#define AL_TR_MAX 24 /* translations kept per token */
#define AL_MAX_LEXICONS 16

typedef struct al_trlist {
    uint32_t *v;
    uint32_t n;
    size_t cap;
} al_trlist;

typedef struct al_dentry {
    uint32_t head; /* headword id */
    int done;      /* expanded into dpairs */
    size_t off, len;
} al_dentry;

/* A document pair: sentences 0..ns-1 are the source, ns..ns+nt-1 the target. */
typedef struct al_doc {
    size_t ns, nt;
    uint32_t *off; /* token offsets per sentence (ns+nt+1) into ids */
    uint32_t *ids;
    double *chars;       /* code points (white space excluded) per sentence */
    unsigned char *para; /* NULL, or per sentence 1 when it starts a paragraph */
    unsigned char *outl; /* model 2: per sentence 1 when it is far longer than its side's
                            median (a glossary glued to a line): kept out of the statistics */
    double c, s2;        /* model 2: length ratio and variance used for this document */
    jisr_ladder result;
    /* Blank lines (a sentence without a character: what `jisr segment` writes between
     * paragraphs, read with -p) take no part in the alignment: the document holds the other
     * sentences only, orig[k] = the input index of sentence k on its side (NULL: no blank line),
     * brk[k] = 1 when a blank line comes between it and the sentence before it on its side (a
     * bead never spans one: NULL when none), and full = result with the blank lines put back,
     * each a bead of its own (aligner.c). */
    size_t *orig, ns0, nt0;
    unsigned char *brk;
    jisr_ladder full;
} al_doc;

struct jisr_aligner {
    jisr_align_opts opts;
    al_params params;
    int model; /* 1 or 2 */

    al_tk tk; /* the token service: vocabulary, kinds, surfaces, capitalisation */
    uint32_t idcap;
    uint32_t *df, *dft; /* source / target sentences holding the id */
    /* [k-1]: evidence when the id's sentence is paired with k sentences of the other side */
    float (*w)[AL_KMAX];   /* log-likelihood ratio gained when the id is matched, per partner
                              count k = 1..AL_KMAX */
    float (*u)[AL_KMAX];   /* log-likelihood ratio when it is not (≤ 0) */
    double p1s, p1t;       /* P(a known token is matched | aligned), per side */
    al_trlist *tr;         /* translations of a source id (target ids) */
    unsigned char *tknown; /* target id is some source id's translation */
    uint32_t *stamp_s, *stamp_t;
    uint64_t *mask; /* band_prepare: source positions a target id translates */
    uint32_t gen_s, gen_t;
    /* anchors.c: per id, its document frequencies and postings in the document at hand */
    uint32_t *anc_stamp, *anc_sdf, *anc_tdf, *anc_toff, anc_gen;

    /* dictd entries kept unexpanded until their headword occurs in the input */
    al_dentry *dent;
    size_t ndent, capdent;
    jisr_buf ddefs; /* their translation lines */
    char dict_head_side, dict_def_side;
    uint32_t *dpairs; /* dictionary (source id, target id) pairs */
    size_t ndpairs, capdpairs;

    /* trained lexicons (the shipped one, --lexicon files, a memory's table), borrowed; col =
     * the lexicon column of the source language */
    struct {
        const jisr_lexicon *lx;
        int col;
    } lex[AL_MAX_LEXICONS];
    int nlex;
    double lex_ratio, lex_s2; /* their length statistics (0 = none), weighted by pairs */
    double lex_weight_sum;

    size_t nsents, nsentt; /* sentences per side over all documents */
    al_doc *docs;
    size_t ndocs, capdocs;
    int ran;
    /* the vocabulary's size when the first document was added (the words of the lexicons and
     * dictionary loaded before): names.c orders the words of a run as a fresh aligner would */
    uint32_t vocab0;
    int vocab0_set;

    void *translit; /* UTransliterator*, opened on first use */
};

/* Zero n elements of an array that stays NULL while it is empty (empty documents, no tokens). */
#define AL_ZERO(p, n)                                                                              \
    do {                                                                                           \
        if ((n) > 0)                                                                               \
            memset((p), 0, (size_t)(n) * sizeof *(p));                                             \
    } while (0)

/** The most sentences a side of an aligned bead the aligner tries, and so the partner counts
 * k = 1..reach its token weights and band coverage hold: 3 for model 1, model 2's bead_max
 * (3..AL_LONG_MAX) (aligner.c). */
int al_bead_reach(const jisr_aligner *a);
/** Grow the aligner's per-id arrays to the vocabulary (aligner.c). */
int al_ensure_ids(jisr_aligner *a);
/** Add e to the translations of f (at most AL_TR_MAX, duplicates ignored) (aligner.c). */
int al_tr_add(jisr_aligner *a, uint32_t f, uint32_t e);

/** Add the translations the lexicons give for the batch's words (lexicon.c). */
int al_lexicon_pairs(jisr_aligner *a);
/** Load a dictd (.index) or TSV dictionary into a->dpairs (dictload.c). */
int al_load_dict(jisr_aligner *a, const char *path);
/** Turn the kept dictd entries whose headword occurs in the documents (all of them when all)
 * into dictionary pairs (dictload.c). */
int al_dict_expand(jisr_aligner *a, int all);
/** What ICU's "Arabic-Latin; Latin-ASCII" makes of the UTF-8 word s[0..n): from a table when
 * the word holds only the letters U+0621–U+064A the table knows and soft hyphens (exactly what
 * ICU makes of them), else -1; and from ICU (the aligner's transliterator, opened on first
 * use), -1 when the word is too long, -2 with the error set when ICU cannot be opened. Writes
 * at most cap-1 bytes + NUL, returns the length. (names.c; exposed for tests.) */
int al_translit_table(const char *s, size_t n, char *out, size_t cap);
int al_translit_icu(jisr_aligner *a, const char *s, size_t n, char *out, size_t cap);
/** Add name translations found by transliteration (names.c). */
int al_names(jisr_aligner *a);
void al_names_free(jisr_aligner *a);
/* IBM Model 1 (model1.c): a training pair of id arrays (borrowed), and the table over the
 * distinct (f, e) pairs seen together, the empty word being id nid: t(e|f) in tfe, t(f|e) in
 * tef (when trained both ways), cooc = token pairs counted. */
typedef struct al_m1pair {
    const uint32_t *f, *e;
    uint32_t nf, ne;
} al_m1pair;

typedef struct al_m1table {
    size_t n;
    uint32_t *pf, *pe, *cooc;
    double *tfe, *tef;
} al_m1table;

int al_m1_train(const al_m1pair *pairs, size_t np, uint32_t nid, int iters, int both,
                al_m1table *out, void (*progress)(void *, const char *, double), void *ctx);
void al_m1table_free(al_m1table *t);
/** Learn a Model-1 table from the confident 1-1 beads of the last pass (model1.c). */
int al_model1(jisr_aligner *a);
/** The anchors of d (anchors.c): *nout pairs (s, t) in *out (malloc'd; NULL when none), s and
 * t increasing, that the DP's band may follow. */
int al_anchors(jisr_aligner *a, const al_doc *d, size_t **out, size_t *nout);
/** Align one document with the current lexicon and weights (cost.c). pass: 1 or 2. */
int al_align_doc(jisr_aligner *a, al_doc *d, double s2, int lexical, int pass);

#endif
