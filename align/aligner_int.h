/*
 * aligner_int.h — the aligner's private structure, shared by aligner.c, lexicon.c, names.c and
 * model1.c (never included outside align/).
 */
#ifndef JISR_ALIGNER_INT_H
#define JISR_ALIGNER_INT_H

#include <stdio.h>

#include "align/align_int.h"
#include "text/text.h"

#define JISR_TR_MAX 24 /* translations kept per token */

typedef struct jisr_trlist {
    uint32_t *v;
    uint32_t n, cap;
} jisr_trlist;

typedef struct jisr_dentry {
    uint32_t head; /* headword id */
    int done;      /* expanded into dpairs */
    size_t off, len;
} jisr_dentry;

/* A document pair: sentences 0..ns-1 are the source, ns..ns+nt-1 the target. */
typedef struct jisr_adoc {
    size_t ns, nt;
    uint32_t *off; /* token offsets per sentence (ns+nt+1) into ids */
    uint32_t *ids;
    double *chars; /* code points (white space excluded) per sentence */
    jisr_ladder result;
} jisr_adoc;

struct jisr_aligner {
    jisr_align_opts opts;
    char srclang[32], tgtlang[32];
    jisr_align_params params;

    /* ids: kind byte 'S' source word, 'T' target word, 'N' number, 'P' anchor punctuation */
    jisr_vocab voc;
    uint32_t idcap;
    jisr_vocab memo; /* side + surface word → memo_id[k] (stemming is the slow part) */
    uint32_t *memo_id, memo_cap;
    unsigned char *kind;
    uint32_t *df, *dft;    /* source / target sentences holding the id */
    uint32_t *capn, *lown; /* target words: capitalised inside a sentence / lower case */
    /* [k-1]: evidence when the id's sentence is paired with k sentences of the other side */
    float (*w)[3];         /* log-likelihood ratio gained when the id is matched */
    float (*u)[3];         /* log-likelihood ratio when it is not (≤ 0) */
    double p1s, p1t;       /* P(a known token is matched | aligned), per side */
    jisr_trlist *tr;       /* translations of a source id (target ids) */
    unsigned char *tknown; /* target id is some source id's translation */
    char **surf;           /* first surface form seen (case-folded, unstemmed) … */
    uint32_t *surf_gen;    /* … in the documents of run surf_gen[id] (valid when = run_gen) */
    uint32_t run_gen;      /* bumped by jisr_aligner_clear */
    uint32_t *stamp_s, *stamp_t;
    uint64_t *mask; /* band_prepare: source positions a target id translates */
    uint32_t gen_s, gen_t;

    /* dictd entries kept unexpanded until their headword occurs in the input */
    jisr_dentry *dent;
    size_t ndent, capdent;
    jisr_buf ddefs; /* their translation lines */
    char dict_head_side, dict_def_side;
    uint32_t *dpairs; /* dictionary (source id, target id) pairs */
    size_t ndpairs, capdpairs;

    size_t nsents, nsentt; /* sentences per side over all documents */
    jisr_adoc *docs;
    size_t ndocs, capdocs;
    int ran;

    /* scratch */
    jisr_tokenizer *tk;
    jisr_stemmer *sst, *tst;
    jisr_tokens toks;
    jisr_buf nb, lb;
    uint32_t *ids;
    size_t nids, capids;
    void *translit; /* UTransliterator*, opened on first use */
};

int jisr_al_ensure_ids(jisr_aligner *a);
uint32_t jisr_al_intern(jisr_aligner *a, char kind, const char *s, size_t n);
int jisr_al_tr_add(jisr_aligner *a, uint32_t f, uint32_t e);
uint32_t jisr_al_memo_get(jisr_aligner *a, char side, const char *w, size_t n);
int jisr_al_memo_put(jisr_aligner *a, char side, const char *w, size_t n, uint32_t id);
/** Tokenize one sentence or phrase of side 'S'/'T' into a->ids (appended). */
int jisr_al_tokens(jisr_aligner *a, char side, const char *s, size_t n, int count_caps,
                   double *chars);

/** Load a dictd (.index) or TSV dictionary into a->dpairs (lexicon.c). */
int jisr_al_load_dict(jisr_aligner *a, const char *path);
/** Turn the kept dictd entries whose headword occurs in the documents (all of them when all)
 * into dictionary pairs. */
int jisr_al_dict_expand(jisr_aligner *a, int all);
/** Add name translations found by transliteration (names.c). */
int jisr_al_names(jisr_aligner *a);
void jisr_al_names_free(jisr_aligner *a);
/** Learn a Model-1 table from the confident 1-1 beads of the last pass (model1.c). */
int jisr_al_model1(jisr_aligner *a);

#endif
