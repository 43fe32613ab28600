/*
 * align.h — bilingual sentence alignment: ladders (the vecalign `[i,j]:[k]:score` format), the
 * strict/lax precision/recall/F1 of vecalign's score.py, bilingual dictionaries (dictd or TSV),
 * trained lexicons (IBM Model 1 tables, the shipped one and the trainer), the aligner itself
 * (Gale–Church length costs + lexical evidence + anchors, banded DP, calibrated scores), the
 * renderers of an alignment (ladder, TSV, TMX, JSONL, HTML review page), batch list files and the
 * JSONL document-pair protocol of `jisr align --batch -`.
 *
 * Ownership rule: every object made by a *_new/_read function is freed by its *_free (which
 * accepts NULL); ladders, lists and document pairs are caller-owned structs released with their
 * *_free; pointers the aligner hands out are borrowed until the next call that adds documents,
 * clears or frees it. Sentence indices are 0-based. Objects are not thread-safe: use one per
 * thread (different objects may be used from different threads at once).
 */
#ifndef JISR_ALIGN_H
#define JISR_ALIGN_H

#include <stddef.h>
#include <stdint.h>

/* relative: works in the tree and installed under include/jisr/ */
#include "../formats/formats.h"
#include "../text/text.h"
#include "../util/util.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 * indices of one side of a bead must be consecutive and increasing (what every aligner writes);
 * a bead without a sentence on either side (`[]:[]`) is skipped, as vecalign's score.py skips
 * it; a score is a finite number from 0 (jisr writes a probability, vecalign a cost: NaN, inf
 * or -1 are refused). out is reset first (its beads' memory reused).
 * name is used in error messages (NULL: "(ladder)"); text may be NULL when len is 0 (no beads).
 * Errors: JISR_EPARSE (file, line, col), JISR_ENOMEM, JISR_EINVAL (out NULL, or text NULL with
 * len above 0). */
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
 * sentences on both sides. gold or test NULL is a ladder without beads (a document the aligner
 * has no result for). Returns 0, JISR_ENOMEM, or JISR_EINVAL when c is NULL. */
JISR_API int jisr_align_score_add(jisr_align_counts *c, const jisr_ladder *gold,
                                  const jisr_ladder *test);
/** Precision, recall and F1 from summed counts (0 where a denominator is 0; all 0 when c is
 * NULL; nothing is written when out is NULL). */
JISR_API void jisr_align_score_finish(const jisr_align_counts *c, jisr_align_scores *out);

/* ---- dictionaries ------------------------------------------------------------------------ */

/** Called once per dictionary entry: head is the headword, def the raw definition text (for
 * dictd: the entry as stored, headword line included). Both are borrowed for the call only.
 * Return 0 to go on, non-zero to stop (that value is returned by the reader). */
typedef int (*jisr_dict_entry_fn)(void *ctx, const char *head, size_t head_len, const char *def,
                                  size_t def_len);

/** Read a dictd dictionary: index_path is the `.index` file (lines `headword<TAB>offset<TAB>
 * length`, base64 numbers) and dict_path its `.dict` or `.dict.dz` (dictzip is gzip-compatible).
 * Entries whose headword starts with "00database" (metadata) are skipped. What a dictionary may
 * take is bounded: the index at most JISR_DICT_MAX_INDEX bytes, the data (inflated) at most
 * JISR_DICT_MAX_DATA, an entry at most JISR_DICT_MAX_ENTRY (JISR_ETOOBIG naming the file, and
 * the index line for an entry; the files are never read beyond the bound). Errors: JISR_EIO,
 * JISR_EPARSE (index file, line, column), JISR_ETOOBIG, JISR_ENOMEM, JISR_EINVAL (a path or fn
 * NULL; ctx may be), or the callback's value. */
#define JISR_DICT_MAX_INDEX ((size_t)64 << 20) /* 64 MiB */
#define JISR_DICT_MAX_DATA ((size_t)256 << 20) /* 256 MiB */
#define JISR_DICT_MAX_ENTRY ((size_t)1 << 20)  /* 1 MiB */
JISR_API int jisr_dictd_read(const char *index_path, const char *dict_path, jisr_dict_entry_fn fn,
                             void *ctx);

/** Where Debian's dict-freedict-ara-eng puts its index, or NULL when it is not installed. */
JISR_API const char *jisr_dict_default_path(void);

/* ---- trained lexicons ---------------------------------------------------------------------- */

/** A translation table between the stems of two languages, as the aligner tokenizes and stems
 * them (Arabic clitics and English inflections stripped by the text layer's Snowball stemmers):
 * for each pair of stems (f, e) of the first and second language, t(e|f) and t(f|e) from IBM
 * Model 1 trained in both directions, with the character-length ratio and variance of the
 * training pairs. Its text form (gzip-compressed or plain) is
 *
 *     # jisr lexicon 1
 *     # langs ar en
 *     # tokens 1            (version of the tokenization the stems come from)
 *     # pairs N             (training sentence pairs)
 *     # length RATIO VAR12 VAR21
 *                           (characters of the second language per character of the first,
 *                            and the Gale–Church variance of each direction: first → second,
 *                            second → first; three numbers — a line with fewer is taken as a
 *                            note: the lexicon then brings no length statistics and the
 *                            aligner keeps its own)
 *     STEM1<TAB>STEM2<TAB>t(STEM2|STEM1)<TAB>t(STEM1|STEM2)
 *
 * with entries sorted by STEM1 (bytes), then by the larger probability, highest first. jisr
 * ships one for Arabic–English (jisr_lexicon_default). An aligner uses a lexicon in either
 * direction. Read-only once made: one lexicon may be shared by aligners of several threads. */
typedef struct jisr_lexicon jisr_lexicon;

/** Read a lexicon file (gzip or plain). Errors: JISR_EIO, JISR_EPARSE (file, line, column: a
 * bad header, field or number), JISR_EUNSUPPORTED (a newer format or tokenization),
 * JISR_ETOOBIG (over 256 MiB inflated), JISR_ENOMEM. */
JISR_API int jisr_lexicon_read(jisr_lexicon **out, const char *path);
/** The same from a buffer (gzip or plain); name is used in error messages (may be NULL). data NULL
 * with n above 0 is JISR_EINVAL. */
JISR_API int jisr_lexicon_read_memory(jisr_lexicon **out, const void *data, size_t n,
                                      const char *name);
/** The lexicon shipped with jisr for the pair (either order) of lang1 and lang2: Arabic–English
 * only (JISR_ENOTFOUND for other pairs). Trained on free data that no evaluation of jisr uses;
 * see align/data/README.md. *out is shared and lives until the process ends (never free it);
 * the first call reads it (thread-safe). */
JISR_API int jisr_lexicon_default(const jisr_lexicon **out, const char *lang1, const char *lang2);
/** Append the text form to out (plain, not compressed). */
JISR_API int jisr_lexicon_format(const jisr_lexicon *lx, jisr_buf *out);
/** Write the text form to path ("-" = standard output), gzip-compressed when it ends in ".gz"
 * (deterministically: the same lexicon always gives the same bytes), through the safe output
 * writer (jisr_outfile; never over a file of files, which may be NULL). Errors: JISR_EIO,
 * JISR_EINVAL (a symbolic link, one of files), JISR_ENOMEM. */
JISR_API int jisr_lexicon_write(const jisr_lexicon *lx, const char *path, jisr_fileset *files);
/** Append a summary (languages, training pairs, length statistics, entries) to out. */
JISR_API int jisr_lexicon_describe(const jisr_lexicon *lx, jisr_buf *out);
/** Append the entries of word (either language, tokenized and stemmed as the aligner does) to
 * out as `STEM1<TAB>STEM2<TAB>t(2|1)<TAB>t(1|2)` lines; a line "# WORD: not in the lexicon"
 * when it has none. word may be NULL when len is 0. Errors: JISR_ENOMEM, JISR_EICU. */
JISR_API int jisr_lexicon_lookup(const jisr_lexicon *lx, const char *word, size_t len,
                                 jisr_buf *out);
/** Entries, and the languages (borrowed). */
JISR_API size_t jisr_lexicon_size(const jisr_lexicon *lx);
JISR_API const char *jisr_lexicon_lang(const jisr_lexicon *lx, int which);
JISR_API void jisr_lexicon_free(jisr_lexicon *lx);

typedef struct jisr_lexicon_train_opts {
    unsigned version;              /* JISR_LEXICON_TRAIN_OPTS_VERSION */
    const char *srclang, *tgtlang; /* the two languages (default ar, en) */
    int iterations;                /* EM iterations per direction (default 5) */
    double min_prob;               /* entries kept: t(e|f) or t(f|e) at least this (0.2, what
                                      the aligner uses; lower values keep pairs it ignores) */
    unsigned min_count;            /* and seen together in at least this many pairs (2) */
    size_t max_tokens;             /* longer sentences are left out of training (80) */
    size_t max_cells;              /* training stops taking pairs beyond this many token
                                      pairs, which bounds memory to ~12 bytes each (50M) */
    /* called now and then during jisr_lexicon_trainer_finish: stage text, fraction done */
    void (*progress)(void *ctx, const char *stage, double done);
    void *ctx;
} jisr_lexicon_train_opts;
#define JISR_LEXICON_TRAIN_OPTS_VERSION 1
#define JISR_LEXICON_TRAIN_OPTS_INIT                                                               \
    {                                                                                              \
        JISR_LEXICON_TRAIN_OPTS_VERSION, "ar", "en", 5, 0.2, 2, 80, 50000000, NULL, NULL           \
    }

/** Learns a lexicon from sentence pairs: tokens as the aligner makes them, then IBM Model 1 by
 * EM in both directions (with an empty word on each side). Deterministic: the same pairs in the
 * same order give the same lexicon, byte for byte. */
typedef struct jisr_lexicon_trainer jisr_lexicon_trainer;
JISR_API int jisr_lexicon_trainer_new(jisr_lexicon_trainer **out,
                                      const jisr_lexicon_train_opts *opts);
/** Add one sentence pair (UTF-8, source then target language). Pairs over the size limits are
 * counted as skipped, as are pairs with an empty side (src or tgt may be NULL with a length of 0).
 * Errors: JISR_ENOMEM, JISR_EICU, JISR_EINVAL (tr NULL, a text NULL with a length above 0). */
JISR_API int jisr_lexicon_trainer_add(jisr_lexicon_trainer *tr, const char *src, size_t src_len,
                                      const char *tgt, size_t tgt_len);
/** Add a translation unit: its first variants in the two languages (BCP 47 prefix match); a
 * variant of undetermined language ("und", TSV/Moses read without languages) is assigned by its
 * script when one language is Arabic. Inline tags are dropped. Returns 1 when a pair was taken, 0
 * when the unit has no such pair. */
JISR_API int jisr_lexicon_trainer_add_unit(jisr_lexicon_trainer *tr, const jisr_unit *u);
/** Add every unit of a file read by the formats layer (TMX, TSV, Moses, JSONL, or what
 * `jisr align` writes as tsv/tmx/jsonl); ropts may be NULL (format from the name). *units (may
 * be NULL) receives the pairs taken. Errors: those of the reader, with file, line and column. */
JISR_API int jisr_lexicon_trainer_add_file(jisr_lexicon_trainer *tr, const char *path,
                                           const jisr_read_opts *ropts, uint64_t *units);
/** Pairs taken and pairs skipped (too long, or beyond max_cells) so far (0 for a NULL trainer);
 * taken or skipped may be NULL. */
JISR_API void jisr_lexicon_trainer_counts(const jisr_lexicon_trainer *tr, uint64_t *taken,
                                          uint64_t *skipped);
/** Train and return the lexicon (*out owned by the caller). The trainer can be freed after.
 * Errors: JISR_ENOMEM, JISR_EINVAL (no pairs). */
JISR_API int jisr_lexicon_trainer_finish(jisr_lexicon_trainer *tr, jisr_lexicon **out);
JISR_API void jisr_lexicon_trainer_free(jisr_lexicon_trainer *tr);

/* ---- the aligner ------------------------------------------------------------------------ */

enum {
    JISR_ALIGN_NO_LEXICAL = 1 << 0,   /* length costs only (Gale–Church) */
    JISR_ALIGN_NO_DICT = 1 << 1,      /* no bilingual dictionary */
    JISR_ALIGN_NO_BOOTSTRAP = 1 << 2, /* no translation table learnt from the input */
    JISR_ALIGN_NO_ANCHORS = 1 << 3,   /* no numbers/punctuation/name anchors */
    JISR_ALIGN_NO_LEXICON = 1 << 4,   /* not the shipped lexicon (jisr_lexicon_default) */
};

/* The models: 1 is jisr 0.1's (kept to compare with, and to reproduce old alignments); 2 adds
 * trained lexicons, bounded bead costs, robust length estimates, affine gaps, document edges,
 * paragraph anchors and calibrated scores. */
#define JISR_ALIGN_MODEL_LATEST 2

typedef struct jisr_align_opts {
    unsigned version; /* JISR_ALIGN_OPTS_VERSION */
    const char *srclang, *tgtlang;
    unsigned flags;        /* JISR_ALIGN_* */
    const char *dict_path; /* NULL = the installed FreeDict ara-eng when present. A dictd
                              `.index` file (its `.dict[.dz]` beside it) or a TSV file of
                              `source<TAB>target` word or phrase pairs */
    size_t band;           /* half-width of the DP band in sentences; 0 = automatic */
    /* version 2 */
    int model; /* 0 = JISR_ALIGN_MODEL_LATEST, or 1 */
} jisr_align_opts;
#define JISR_ALIGN_OPTS_VERSION 2
#define JISR_ALIGN_OPTS_INIT                                                                       \
    {                                                                                              \
        JISR_ALIGN_OPTS_VERSION, "ar", "en", 0, NULL, 0, 0                                         \
    }

typedef struct jisr_aligner jisr_aligner;

/** Make an aligner and load its dictionary (unless JISR_ALIGN_NO_DICT / NO_LEXICAL) and, with
 * model 2, the shipped lexicon for Arabic–English (unless JISR_ALIGN_NO_LEXICON). Other pairs
 * fall back to length and anchors. opts of version 1 are accepted. Errors: JISR_EINVAL,
 * JISR_EIO/JISR_EPARSE/JISR_ETOOBIG (dictionary), JISR_EICU, JISR_ENOMEM. */
JISR_API int jisr_aligner_new(jisr_aligner **out, const jisr_align_opts *opts);

/** Use a trained lexicon beside the dictionary and the table learnt from the input (model 2;
 * model 1 ignores lexicons). The aligner keeps a reference: lx must outlive it. A lexicon whose
 * languages are the aligner's in the other order is used the other way round; one of other
 * languages is JISR_EINVAL. May be called up to 16 times (the tables add up). */
JISR_API int jisr_aligner_add_lexicon(jisr_aligner *a, const jisr_lexicon *lx);

/** Add one document pair (arrays of UTF-8 sentences, copied as token ids: the text is not
 * kept). *doc (may be NULL) receives its index. Model 2: a blank sentence (white space only, a
 * blank line read with -p) is a paragraph boundary and never part of a pair: the result has it
 * as an unaligned bead of its own, at its index. An array may be NULL when its count is 0 (an
 * empty side). Errors: JISR_ENOMEM, JISR_EICU, JISR_EINVAL (a NULL aligner, array with a count
 * above 0, or sentence: "src[2] is NULL"; nothing is added). */
JISR_API int jisr_aligner_add(jisr_aligner *a, const char *const *src, size_t nsrc,
                              const char *const *tgt, size_t ntgt, size_t *doc);
/** The same from sentence lists; their paragraphs (when has_para) are soft anchors. */
JISR_API int jisr_aligner_add_sentences(jisr_aligner *a, const jisr_sentences *src,
                                        const jisr_sentences *tgt, size_t *doc);

/** Align every document added so far: a first pass, a translation table learnt from its
 * confident 1-1 beads over all documents, and a second pass. Errors: JISR_ENOMEM, JISR_EICU (ICU
 * could not open the Arabic-Latin transliterator that finds names; not with JISR_ALIGN_NO_ANCHORS
 * or JISR_ALIGN_NO_LEXICAL). */
JISR_API int jisr_aligner_run(jisr_aligner *a);

/** Number of documents added. */
JISR_API size_t jisr_aligner_count(const jisr_aligner *a);
/** The ladder of document doc after jisr_aligner_run (borrowed), or NULL. A bead's score is, with
 * model 2, the probability that the pair is right (calibrated on held-out data: of the pairs
 * scored about 0.8, about 80 % are right); unaligned sentences score 0. */
JISR_API const jisr_ladder *jisr_aligner_result(const jisr_aligner *a, size_t doc);

/** Forget the documents (and the learnt table) but keep the dictionary and lexicons, for the
 * next batch. */
JISR_API void jisr_aligner_clear(jisr_aligner *a);
JISR_API void jisr_aligner_free(jisr_aligner *a);

/** The consonant skeleton the aligner matches names with: a Latin word (a transliteration, or
 * an English name) reduced to consonant classes, vowels dropped, runs collapsed; writes at most
 * cap-1 bytes + NUL and returns the length (0, nothing written, when cap is 0; 0 with JISR_EINVAL
 * recorded when out is NULL with cap above 0, or latin NULL with n above 0). Thread-safe. (Used
 * by document alignment.) */
JISR_API size_t jisr_align_name_key(const char *latin, size_t n, char *out, size_t cap);

/** Convenience: clear, add one pair, run, copy the result into out (reset first). A NULL
 * argument (as jisr_aligner_add's, and out) is JISR_EINVAL before anything is cleared. */
JISR_API int jisr_aligner_align(jisr_aligner *a, const char *const *src, size_t nsrc,
                                const char *const *tgt, size_t ntgt, jisr_ladder *out);

/* ---- rendering an alignment --------------------------------------------------------------- */

/** The output formats: the ladder is vecalign's format with the score as a third field; TSV is
 * `source<TAB>target<TAB>score` with the formats layer's escapes (\\ \t \n \r), so `jisr import`
 * reads its first two columns; JSONL is the pair form the formats layer reads
 * ({"source","target","srclang","tgtlang"}) plus "score", "src_idx", "tgt_idx" (and "id" when
 * given); TMX 1.4b has one <tu> per pair with the score as prop x-align-score; HTML is one
 * self-contained review page, rows coloured by score. TSV, TMX and JSONL hold the aligned pairs
 * scoring at least min_score; the ladder and the page show every bead. */
typedef enum jisr_align_format {
    JISR_ALIGN_LADDER,
    JISR_ALIGN_TSV,
    JISR_ALIGN_TMX,
    JISR_ALIGN_JSONL,
    JISR_ALIGN_HTML,
} jisr_align_format;

/** "ladder", "tsv", "tmx", "jsonl", "html" → format; -1 when unknown. */
JISR_API int jisr_align_format_parse(const char *name);
/** The format's name, also the extension of its files. */
JISR_API const char *jisr_align_format_name(jisr_align_format f);
/** The format a file name's extension asks for (".htm" is html), or -1. */
JISR_API int jisr_align_format_from_path(const char *path);

typedef struct jisr_align_out {
    unsigned version; /* JISR_ALIGN_OUT_VERSION */
    jisr_align_format format;
    double min_score;              /* pairs scoring less are left out of tsv/tmx/jsonl */
    const char *srclang, *tgtlang; /* language tags written */
    const char *id;                /* JSONL: "id" of every object (NULL = none) */
    const char *title;             /* HTML: the page title (NULL = "jisr alignment") */
    /* jisr_align_write: the command's inputs and outputs so far, never written over (the new
     * file is added); NULL = no check */
    jisr_fileset *files;
} jisr_align_out;
#define JISR_ALIGN_OUT_VERSION 1
#define JISR_ALIGN_OUT_INIT                                                                        \
    {                                                                                              \
        JISR_ALIGN_OUT_VERSION, JISR_ALIGN_LADDER, 0.0, "ar", "en", NULL, NULL, NULL               \
    }

/** Append the rendering of one aligned document to out. src and tgt are the sentences the ladder
 * indexes; a bead beyond them is JISR_EINVAL. Errors: JISR_EINVAL, JISR_ENOMEM (TMX: those of
 * the formats writer). */
JISR_API int jisr_align_render(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                               const jisr_sentences *tgt, const jisr_ladder *l);
/** Render one aligned document into the file path ("-" = standard output) through the safe
 * output writer (jisr_outfile: a temporary file renamed over path when complete, never through
 * a symbolic link, a device or FIFO written in place, never over a file of o->files). Errors:
 * those of jisr_align_render and jisr_outfile_open, JISR_EIO naming the file. */
JISR_API int jisr_align_write(const char *path, const jisr_align_out *o, const jisr_sentences *src,
                              const jisr_sentences *tgt, const jisr_ladder *l);

/* ---- batch list files --------------------------------------------------------------------- */

/** A list of documents, one row per line: tab-separated fields, the first an id, the next file
 * names resolved against the list file's directory (jisr_align_list_path). Blank lines and lines
 * starting with '#' are skipped. */
typedef struct jisr_align_list_row {
    char **f;
    size_t n;
    unsigned long line; /* in the list file */
} jisr_align_list_row;

typedef struct jisr_align_list {
    jisr_align_list_row *rows;
    size_t n;
    char *dir; /* directory of the list file, "" for the current one */
} jisr_align_list;

enum {
    /* ids name output files: non-empty, no '/', not "." or "..", and each on one row only */
    JISR_ALIGN_LIST_IDS = 1 << 0,
};

/** Read a list file ("-" = stdin). Rows with fewer than min_fields fields, and with
 * JISR_ALIGN_LIST_IDS a bad or repeated id, are JISR_EPARSE naming the line (a repeated id names
 * the line of its first row too). out is overwritten (docs/api.md): a list read before must be
 * given to jisr_align_list_free first. It is left empty on error. */
JISR_API int jisr_align_list_read(jisr_align_list *out, const char *path, size_t min_fields,
                                  unsigned flags);
/** f resolved against the list's directory (absolute paths unchanged); malloc'd, NULL when out
 * of memory (JISR_ENOMEM) or l or f is NULL (JISR_EINVAL). */
JISR_API char *jisr_align_list_path(const jisr_align_list *l, const char *f);
JISR_API void jisr_align_list_free(jisr_align_list *l);

/* ---- the JSONL document-pair protocol (`jisr align --batch -`) ------------------------------ */

/** One document pair of the protocol: a JSON object per line,
 *     {"id":"doc1","src":TEXT,"tgt":TEXT}
 * where TEXT is a string (split into sentences by the reader's segmenters, or into lines without
 * them) or an array of strings (taken as they are); "source"/"target" are accepted for
 * "src"/"tgt"; "id" is a string or an integer, by default the line number. */
typedef struct jisr_align_docpair {
    char *id;
    jisr_sentences src, tgt;
    unsigned long line;
} jisr_align_docpair;

typedef struct jisr_align_docreader jisr_align_docreader;
/** Read document pairs from path ("-" = stdin, "<stdin>" in messages); text_flags as
 * jisr_textin (JISR_TEXT_LENIENT); ss/ts segment string documents (NULL = one sentence per line);
 * they are borrowed for the reader's life. */
JISR_API int jisr_align_docreader_open(jisr_align_docreader **out, const char *path,
                                       unsigned text_flags, jisr_segmenter *ss, jisr_segmenter *ts);
/** The next document pair into d (cleared first): 1, 0 at the end, <0 on error (bad JSON or
 * fields, or an id seen before: JISR_EPARSE naming the line, and the first line for a repeated
 * id). Blank lines are skipped. */
JISR_API int jisr_align_docreader_next(jisr_align_docreader *r, jisr_align_docpair *d);
JISR_API void jisr_align_docreader_close(jisr_align_docreader *r);
JISR_API void jisr_align_docpair_free(jisr_align_docpair *d);

#ifdef __cplusplus
}
#endif

#endif
