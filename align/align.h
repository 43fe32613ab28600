/*
 * align.h — bilingual sentence alignment: ladders (the vecalign `[i,j]:[k]:score` format), the
 * strict/lax precision/recall/F1 of vecalign's score.py, bilingual dictionaries (dictd or TSV)
 * and the aligner itself (Gale–Church length costs + lexical evidence + anchors, banded DP).
 *
 * Ownership rule: every object made by a *_new function is freed by its *_free (which accepts
 * NULL); ladders are caller-owned structs released with jisr_ladder_free; pointers the aligner
 * hands out are borrowed until the next call that adds documents, clears or frees it.
 * Sentence indices are 0-based. Objects are not thread-safe: use one per thread.
 */
#ifndef JISR_ALIGN_H
#define JISR_ALIGN_H

#include <stddef.h>
#include <stdint.h>

#include "../util/util.h" /* relative: works in the tree and installed under include/jisr/ */

/* ---- ladders ------------------------------------------------------------------------------ */

/** One bead: source sentences [src, src+nsrc) aligned with target sentences [tgt, tgt+ntgt).
 * nsrc == 0 or ntgt == 0 is an unaligned sentence (0-1 / 1-0 bead). score is the aligner's
 * confidence in [0,1] (0 for unaligned sentences; 0 in parsed ladders without a score). */
typedef struct jisr_bead {
    size_t src, nsrc;
    size_t tgt, ntgt;
    double score;
} jisr_bead;

/** A growable list of beads. Zero-initialise ({0}) before use. */
typedef struct jisr_ladder {
    jisr_bead *v;
    size_t n, cap;
} jisr_ladder;

/** Append one bead. Returns 0 or JISR_ENOMEM. */
JISR_API int jisr_ladder_push(jisr_ladder *l, size_t src, size_t nsrc, size_t tgt, size_t ntgt,
                              double score);
/** Release the beads; l is left zeroed and reusable. Accepts a zeroed ladder. */
JISR_API void jisr_ladder_free(jisr_ladder *l);

/** Parse ladder text (`[0,1]:[2]` or `[0]:[1]:0.93` per line; blank lines ignored). The
 * indices of one side of a bead must be consecutive and increasing (what every aligner writes).
 * out is reset first. name is used in error messages. Errors: JISR_EPARSE (file, line, col),
 * JISR_ENOMEM. */
JISR_API int jisr_ladder_parse(jisr_ladder *out, const char *text, size_t len, const char *name);
/** Read and parse a ladder file. Errors: JISR_EIO, JISR_EPARSE, JISR_ENOMEM. */
JISR_API int jisr_ladder_read(jisr_ladder *out, const char *path);
/** Append the ladder text to out, one bead per line, with `:score` (%.4f) when with_scores. */
JISR_API int jisr_ladder_format(jisr_buf *out, const jisr_ladder *l, int with_scores);

/* ---- scoring (vecalign score.py) ----------------------------------------------------------- */

/** Counts summed over documents before dividing. Precision counts range over the distinct test
 * beads (all types); recall counts over the distinct gold beads that are not 0-1/1-0. */
typedef struct jisr_align_counts {
    uint64_t p_strict_hit, p_strict_miss, p_lax_hit, p_lax_miss;
    uint64_t r_strict_hit, r_strict_miss, r_lax_hit, r_lax_miss;
} jisr_align_counts;

typedef struct jisr_align_scores {
    double p_strict, r_strict, f_strict;
    double p_lax, r_lax, f_lax;
} jisr_align_scores;

/** Add one document's counts. Test beads: strict hit = equal to a gold bead; lax hit = shares
 * at least one source and one target sentence with a gold bead (so an unaligned test bead is a
 * lax hit only when it is also a strict hit). Recall swaps the roles over the beads that have
 * sentences on both sides. Returns 0 or JISR_ENOMEM. */
JISR_API int jisr_align_score_add(jisr_align_counts *c, const jisr_ladder *gold,
                                  const jisr_ladder *test);
/** Precision, recall and F1 from summed counts (0 where a denominator is 0). */
JISR_API void jisr_align_score_finish(const jisr_align_counts *c, jisr_align_scores *out);

/* ---- dictionaries ------------------------------------------------------------------------ */

/** Called once per dictionary entry: head is the headword, def the raw definition text (for
 * dictd: the entry as stored, headword line included). Both are borrowed for the call only.
 * Return 0 to go on, non-zero to stop (that value is returned by the reader). */
typedef int (*jisr_dict_entry_fn)(void *ctx, const char *head, size_t head_len, const char *def,
                                  size_t def_len);

/** Read a dictd dictionary: index_path is the `.index` file (lines `headword<TAB>offset<TAB>
 * length`, base64 numbers) and dict_path its `.dict` or `.dict.dz` (dictzip is gzip-compatible).
 * Entries whose headword starts with "00database" (metadata) are skipped. Errors: JISR_EIO,
 * JISR_EPARSE (index file, line, column), JISR_ENOMEM, or the callback's value. */
JISR_API int jisr_dictd_read(const char *index_path, const char *dict_path, jisr_dict_entry_fn fn,
                             void *ctx);

/** Where Debian's dict-freedict-ara-eng puts its index, or NULL when it is not installed. */
JISR_API const char *jisr_dict_default_path(void);

/* ---- the aligner ------------------------------------------------------------------------ */

enum {
    JISR_ALIGN_NO_LEXICAL = 1 << 0,   /* length costs only (Gale–Church) */
    JISR_ALIGN_NO_DICT = 1 << 1,      /* no bilingual dictionary */
    JISR_ALIGN_NO_BOOTSTRAP = 1 << 2, /* no translation table learnt from the input */
    JISR_ALIGN_NO_ANCHORS = 1 << 3,   /* no numbers/punctuation/name anchors */
};

typedef struct jisr_align_opts {
    unsigned version; /* JISR_ALIGN_OPTS_VERSION */
    const char *srclang, *tgtlang;
    unsigned flags;        /* JISR_ALIGN_* */
    const char *dict_path; /* NULL = the installed FreeDict ara-eng when present. A dictd
                              `.index` file (its `.dict[.dz]` beside it) or a TSV file of
                              `source<TAB>target` word or phrase pairs */
    size_t band;           /* half-width of the DP band in sentences; 0 = automatic */
} jisr_align_opts;
#define JISR_ALIGN_OPTS_VERSION 1
#define JISR_ALIGN_OPTS_INIT                                                                       \
    {                                                                                              \
        JISR_ALIGN_OPTS_VERSION, "ar", "en", 0, NULL, 0                                            \
    }

typedef struct jisr_aligner jisr_aligner;

/** Make an aligner and load its dictionary (unless JISR_ALIGN_NO_DICT / NO_LEXICAL). Only
 * Arabic→English and English→Arabic have dictionaries; other pairs fall back to length and
 * anchors. Errors: JISR_EINVAL, JISR_EIO/JISR_EPARSE (dictionary), JISR_EICU, JISR_ENOMEM. */
JISR_API int jisr_aligner_new(jisr_aligner **out, const jisr_align_opts *opts);

/** Add one document pair (arrays of UTF-8 sentences, copied as token ids: the text is not
 * kept). *doc (may be NULL) receives its index. Errors: JISR_ENOMEM, JISR_EICU. */
JISR_API int jisr_aligner_add(jisr_aligner *a, const char *const *src, size_t nsrc,
                              const char *const *tgt, size_t ntgt, size_t *doc);

/** Align every document added so far: a first pass, a translation table learnt from its
 * confident 1-1 beads over all documents, and a second pass. Errors: JISR_ENOMEM. */
JISR_API int jisr_aligner_run(jisr_aligner *a);

/** Number of documents added. */
JISR_API size_t jisr_aligner_count(const jisr_aligner *a);
/** The ladder of document doc after jisr_aligner_run (borrowed), or NULL. */
JISR_API const jisr_ladder *jisr_aligner_result(const jisr_aligner *a, size_t doc);

/** Forget the documents (and the learnt table) but keep the dictionary, for the next batch. */
JISR_API void jisr_aligner_clear(jisr_aligner *a);
JISR_API void jisr_aligner_free(jisr_aligner *a);

/** The consonant skeleton the aligner matches names with: a Latin word (a transliteration, or
 * an English name) reduced to consonant classes, vowels dropped, runs collapsed; writes at most
 * cap-1 bytes + NUL and returns the length. Thread-safe. (Used by document alignment.) */
JISR_API size_t jisr_align_name_key(const char *latin, size_t n, char *out, size_t cap);

/** Convenience: clear, add one pair, run, copy the result into out (reset first). */
JISR_API int jisr_aligner_align(jisr_aligner *a, const char *const *src, size_t nsrc,
                                const char *const *tgt, size_t ntgt, jisr_ladder *out);

#endif
