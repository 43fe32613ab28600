/*
 * corpus.h — from folders of documents to a parallel corpus: finding the files, pairing the
 * documents that translate each other (document alignment), filtering aligned sentence pairs,
 * and the report of a corpus run.
 *
 * Ownership rule: every object made by a *_new function is freed by its *_free (which accepts
 * NULL); strings handed in are copied; pointers handed out are borrowed until the object is
 * changed or freed. Objects are not thread-safe: use one per thread.
 */
#ifndef JISR_CORPUS_H
#define JISR_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "../doc/doc.h" /* relative: in the tree and installed under include/jisr/ */
#include "../util/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- files -------------------------------------------------------------------------------- */

/** A growable list of malloc'd strings. Zero-initialise ({0}). */
typedef struct jisr_strlist {
    char **v;
    size_t n, cap;
} jisr_strlist;
JISR_API int jisr_strlist_push(jisr_strlist *l, const char *s);
JISR_API void jisr_strlist_free(jisr_strlist *l);

/** Append path to out when it is a file, or every regular file under it (recursively, sorted
 * by name, hidden files and directories skipped, symbolic links to directories not followed;
 * broken symbolic links and special files such as FIFOs left out — jisr_corpus_pair lists them
 * as skipped) when it is a directory. Errors: JISR_EIO naming the path. */
JISR_API int jisr_corpus_collect(const char *path, jisr_strlist *out);

/* ---- document alignment -------------------------------------------------------------------- */

typedef struct jisr_docalign_opts {
    unsigned version; /* JISR_DOCALIGN_OPTS_VERSION */
    const char *srclang, *tgtlang;
    const char *dict_path; /* NULL = the installed FreeDict ara-eng (when one side is Arabic);
                              or a TSV of source<TAB>target words; "" = none */
    double min_score;      /* pairs scoring below it are not made (0..1; default 0.5 when 0) */
    int name_hint;         /* also count similar file names as evidence */
} jisr_docalign_opts;
#define JISR_DOCALIGN_OPTS_VERSION 1
#define JISR_DOCALIGN_OPTS_INIT                                                                    \
    {                                                                                              \
        JISR_DOCALIGN_OPTS_VERSION, "ar", "en", NULL, 0.0, 0                                       \
    }

/** One pair found: document indices on each side (in the order added) and the score, an
 * estimate of the probability that they translate each other. */
typedef struct jisr_docpair {
    size_t src, tgt;
    double score;
} jisr_docpair;

/** The best partner of a document left unpaired (for reports); partner = SIZE_MAX when none. */
typedef struct jisr_docbest {
    size_t partner;
    double score;
} jisr_docbest;

/** Pairs documents that translate each other. Evidence: words translated through the
 * dictionary (FreeDict, or a TSV lexicon), numbers, names (transliterated consonant skeletons),
 * tokens spelt alike on both sides, then the length and paragraph count of each candidate pair.
 * Similarities are TF-IDF cosines over an inverted index (linear in the documents' size times
 * the few candidates each has), turned into a margin over each document's other candidates,
 * so that a document with no translation on the other side scores low; pairs are then made
 * best first (competitive linking): each document is in at most one pair. */
typedef struct jisr_docaligner jisr_docaligner;

/** Errors: JISR_EINVAL (bad options), JISR_EIO/JISR_EPARSE (dictionary), JISR_ENOMEM. */
JISR_API int jisr_docaligner_new(jisr_docaligner **out, const jisr_docalign_opts *opts);
/** Add a document of side 0 (source language) or 1 (target) from its paragraphs (UTF-8, copied
 * as features: the text is not kept), paras[i] of lens[i] bytes (lens NULL: each NUL-terminated;
 * paras may be NULL when n is 0). name is kept (file names, for the hint and reports; NULL is
 * ""). *index (may be NULL) receives its index on its side. Errors: JISR_EINVAL (da NULL, paras
 * or one of them NULL, a side not 0 or 1), JISR_ENOMEM. */
JISR_API int jisr_docaligner_add(jisr_docaligner *da, int side, const char *name,
                                 const char *const *paras, const size_t *lens, size_t n,
                                 size_t *index);
/** Pair the documents added so far. Errors: JISR_ENOMEM. */
JISR_API int jisr_docaligner_run(jisr_docaligner *da);
/** The pairs of the last run, best first (borrowed), and their number in *n (NULL and 0 for a
 * NULL docaligner; NULL with JISR_EINVAL recorded when n is NULL). */
JISR_API const jisr_docpair *jisr_docaligner_pairs(const jisr_docaligner *da, size_t *n);
/** Number of documents on a side; the name of one; its best candidate (even when unpaired). */
JISR_API size_t jisr_docaligner_count(const jisr_docaligner *da, int side);
JISR_API const char *jisr_docaligner_name(const jisr_docaligner *da, int side, size_t i);
JISR_API jisr_docbest jisr_docaligner_best(const jisr_docaligner *da, int side, size_t i);
JISR_API void jisr_docaligner_free(jisr_docaligner *da);

/* ---- pairing the documents of files and folders ------------------------------------------ */

/** A document found in the inputs: its side (0 source, 1 target), or -1 when it was skipped
 * (why says why: unreadable, unsupported, not in either language, empty). */
typedef struct jisr_docref {
    char *path;
    int side;
    size_t index; /* index on its side (the docaligner's) */
    size_t paras; /* paragraphs read */
    char *why;
} jisr_docref;

typedef struct jisr_pairing {
    jisr_docref *docs;
    size_t ndocs;
    size_t *by_side[2]; /* side index → docs index */
    size_t nside[2];
    jisr_docpair *pairs; /* side indices, best first */
    char **ids;          /* one per pair: the source file's name, unique, no '/' or tab */
    size_t npairs;
    jisr_docbest *best[2];
} jisr_pairing;

typedef struct jisr_pair_opts {
    unsigned version; /* JISR_PAIR_OPTS_VERSION */
    jisr_docalign_opts align;
    const jisr_doc_opts *doc_opts; /* reading options (NULL = defaults) */
    int by_position;               /* inputs[0..nsrc) are the source side, the rest the target side;
                                      otherwise each document's side is its script
                                      (jisr_corpus_script: Arabic or Latin) */
    size_t nsrc;
    void (*on_progress)(void *ctx, size_t done, size_t total);
    void *ctx;
} jisr_pair_opts;
#define JISR_PAIR_OPTS_VERSION 1
#define JISR_PAIR_OPTS_INIT                                                                        \
    {                                                                                              \
        JISR_PAIR_OPTS_VERSION, JISR_DOCALIGN_OPTS_INIT, NULL, 0, 0, NULL, NULL                    \
    }

/** A document's script, as jisr_corpus_pair judges it when one language is written in the
 * Arabic script and the other in the Latin one. */
typedef enum jisr_script {
    JISR_SCRIPT_NONE = 0, /* no Arabic or Latin letter */
    JISR_SCRIPT_ARABIC,   /* Arabic, also Arabic prose naming many English terms */
    JISR_SCRIPT_LATIN,    /* Latin, also English quoting Arabic words */
    JISR_SCRIPT_BILINGUAL /* both, by cell: a TSV or TMX corpus, a PO catalogue, a translation
                             after each paragraph */
} jisr_script;
/** The script of text[0..n) (UTF-8; paragraphs separated by line feeds or NUL bytes). It is
 * BILINGUAL when a quarter or more of its (Arabic and Latin) letters are Arabic and a quarter or
 * more are Latin letters apart from Arabic: in lines (tab-separated fields, paragraphs) without
 * Arabic, or in runs of 8 Latin words or more between Arabic ones (a bilingual file holds whole
 * sentences of each; Arabic prose names English terms a few words at a time, in nearly every
 * line); else ARABIC when most of its letters are Arabic, or a tenth of them are and 4 lines in
 * 5 hold Arabic; else LATIN (also English quoting Arabic words); NONE without a letter of
 * either (text may be NULL when n is 0; NULL with n above 0 is NONE with JISR_EINVAL
 * recorded). */
JISR_API jisr_script jisr_corpus_script(const char *text, size_t n);

/** Collect the files of inputs (files or folders), read each through the doc layer, give it a
 * side and pair the documents. A file that cannot be read is skipped (listed with the reason),
 * never fatal; so are, in a folder, a broken symbolic link, a link to a directory (not
 * followed) and a special file (FIFO, socket, device), and a file whose path holds a tab or a
 * line break, which a list cannot carry; a second name of a file found before (a symbolic or
 * hard link, the same device and inode: "the same file as FIRST"); a file jisr wrote (a TMX or
 * JSONL corpus, a corpus report, a docalign list: by its first bytes); and, when one language
 * is in the Arabic script and the other in the Latin one, a bilingual document
 * (jisr_corpus_script: a bilingual file, a corpus), unless doc_opts has JISR_DOC_MIXED_SCRIPT.
 * A document's side is then its script (jisr_corpus_script), or its input's position with
 * by_position; a file given as an input that can be read only once (a pipe, a FIFO) is read
 * whole, once, and kept in memory for every later reading. With by_position, a side whose documents
 * are mostly in the other language's script is warned of through doc_opts->on_warning. A collection
 * of at most 16 documents read (Arabic and English) is paired by aligning every candidate pair
 * sentence by sentence: its score is then the share of the two documents' sentences in aligned
 * pairs scoring 0.5 or more (the document aligner's statistics mean little with a handful of
 * documents; name_hint is not counted there). opts NULL is JISR_PAIR_OPTS_INIT. *out is
 * caller-owned (jisr_pairing_free). Errors: JISR_EIO (an input does not exist), JISR_EINVAL
 * (sides cannot be told apart: same script and not by_position; out, or inputs with n above 0,
 * or one of them NULL), dictionary errors, JISR_ENOMEM. */
JISR_API int jisr_corpus_pair(const char *const *inputs, size_t n, const jisr_pair_opts *opts,
                              jisr_pairing **out);
/** jisr_corpus_pair with the caller's file set (its outputs already opened with
 * jisr_outfile_open, e.g. the list to be written): a file found in a folder that is one of
 * its outputs is skipped with the reason, never read, when it is a report, docalign list or TMX
 * or JSONL corpus jisr wrote (by its first bytes: an earlier run's, left among the documents), and
 * is JISR_EINVAL otherwise (it may be a document), as is one given in inputs; every document found
 * is added to files as an input. files NULL is jisr_corpus_pair. */
JISR_API int jisr_corpus_pair_files(const char *const *inputs, size_t n, const jisr_pair_opts *opts,
                                    jisr_fileset *files, jisr_pairing **out);
/** Check the pairs of a collection larger than the small one jisr_corpus_pair aligns whole
 * (Arabic and English either way; otherwise nothing is done): each pair is aligned sentence by
 * sentence and dropped when less than JISR_PAIR_VERIFY_MIN of its two documents' sentences are
 * in aligned pairs scoring 0.5 or more. The document aligner's margin assumes that most documents
 * have a partner; in a collection where few have one it still pairs. A dropped pair's documents
 * become unpaired, each with the other as its best candidate and the share as its score. One
 * alignment per pair; the documents are read again with opts->doc_opts but without its
 * on_warning (their warnings were given when they were paired), and opts->on_progress is called
 * after each pair. Errors: JISR_ENOMEM, the aligner's and the segmenter's, JISR_EINVAL (p or opts
 * NULL: give the options p was paired with). */
#define JISR_PAIR_VERIFY_MIN 0.3
JISR_API int jisr_pairing_verify(jisr_pairing *p, const jisr_pair_opts *opts);
/** Render the pairs as a `jisr align --batch` list: "# " comment lines (a summary, the column
 * names, then unpaired and skipped documents), and `id<TAB>source<TAB>target<TAB>score` rows.
 * Paths are written as found, or absolute when absolute is set (the directory resolved, the
 * file's own name kept: a symbolic link is named by its own path); in comment lines a tab, line
 * feed or carriage return is written \t, \n, \r. Errors: JISR_EINVAL naming a file whose
 * absolute path holds one of them, JISR_ENOMEM. */
JISR_API int jisr_pairing_format(const jisr_pairing *p, int absolute, jisr_buf *out);
JISR_API void jisr_pairing_free(jisr_pairing *p);

/* ---- filters ------------------------------------------------------------------------------ */

/** Why an aligned pair is dropped, in the order the filters are tried (the first that fails
 * is the one counted). */
typedef enum jisr_drop {
    JISR_DROP_SCORE = 0,      /* the aligner's confidence below min_score */
    JISR_DROP_SHORT,          /* a side with fewer than min_chars letters or digits */
    JISR_DROP_LONG,           /* a side longer than max_chars code points */
    JISR_DROP_RATIO,          /* length ratio outside [min_ratio, max_ratio] */
    JISR_DROP_SCRIPT,         /* a side not mostly in its language's script */
    JISR_DROP_UNTRANSLATED,   /* source equals target after normalisation */
    JISR_DROP_DUPLICATE,      /* the same pair again after normalisation */
    JISR_DROP_NEAR_DUPLICATE, /* the same pair again once digits, punctuation and spaces go */
    JISR_DROP_N,
} jisr_drop;

/** Static name of a reason ("score", "too-short", "too-long", "length-ratio", "wrong-script",
 * "untranslated", "duplicate", "near-duplicate"). */
JISR_API const char *jisr_drop_name(jisr_drop d);

/* Start from JISR_FILTER_OPTS_INIT: a zero max_chars means its default (2000), but in the other
 * fields zero is a value of its own (min_score 0 keeps every score, min_chars 0 no minimum,
 * min_ratio 0 no lower bound, min_script 0 no script check), not the default. */
typedef struct jisr_filter_opts {
    double min_score;    /* default 0.5: the aligner's score is the probability that a pair
                          * is right, so pairs more likely wrong than right are dropped (and so
                          * is a pair whose score is NaN, whatever min_score is) */
    size_t min_chars;    /* default 1 */
    size_t max_chars;    /* default 2000; 0 also means 2000 */
    double min_ratio;    /* target/source characters (each + 10), default 1/3 */
    double max_ratio;    /* default 3 */
    double min_script;   /* share of a side's letters in its script, default 0.5 */
    int keep_duplicates; /* switch the two duplicate filters off */
} jisr_filter_opts;
#define JISR_FILTER_OPTS_INIT                                                                      \
    {                                                                                              \
        0.5, 1, 2000, 1.0 / 3.0, 3.0, 0.5, 0                                                       \
    }

typedef struct jisr_filter jisr_filter;
/** Filters for pairs of srclang → tgtlang (the script checks know Arabic and Latin-script
 * languages; others, and a NULL language, pass them); opts NULL is JISR_FILTER_OPTS_INIT.
 * Errors: JISR_EINVAL (out NULL, min_score or min_script not in 0..1, a ratio not finite,
 * min_ratio below 0 or above max_ratio; NaN is refused), JISR_ENOMEM. */
JISR_API int jisr_filter_new(jisr_filter **out, const char *srclang, const char *tgtlang,
                             const jisr_filter_opts *opts);
/** Check one pair: JISR_DROP_N when it is kept (and remembered for the duplicate checks), the
 * reason otherwise (JISR_DROP_SCORE for a score below min_score or NaN), <0 on error
 * (JISR_ENOMEM; JISR_EINVAL when f is NULL, or src or tgt NULL with a length above 0: NULL with
 * 0 is the empty text). */
JISR_API int jisr_filter_check(jisr_filter *f, const char *src, size_t slen, const char *tgt,
                               size_t tlen, double score);
JISR_API void jisr_filter_free(jisr_filter *f);

/* ---- the pipeline -------------------------------------------------------------------------- */

typedef struct jisr_corpus_opts {
    unsigned version;       /* JISR_CORPUS_OPTS_VERSION */
    jisr_pair_opts pair;    /* inputs, sides, reading, document alignment */
    const char *align_dict; /* sentence aligner's dictionary (NULL = FreeDict when there) */
    unsigned align_flags;   /* JISR_ALIGN_* */
    jisr_filter_opts filter;
    const char *output; /* OUT.tmx, OUT.tsv, OUT.jsonl, or a Moses prefix */
    int moses;          /* output is a prefix: OUT.<srclang> and OUT.<tgtlang> */
    size_t chunk;       /* document pairs aligned together (default 256) */
    size_t samples;     /* examples kept per reason for the report (default 5) */
    /* progress: stage "reading", "aligning", "writing"; done of total */
    void (*on_progress)(void *ctx, const char *stage, size_t done, size_t total);
    void *ctx;
    /* version 2: the caller's inputs and outputs so far (e.g. report files already opened with
     * jisr_outfile_open), or NULL for a set of the run's own. The writer is refused over any of
     * them; an input that is one of its outputs is an error before anything is read or
     * written, unless found in a folder and a report, list or corpus jisr wrote (skipped
     * with the reason; the temporary of one is left out); the documents and the output are
     * added to it. */
    jisr_fileset *files;
} jisr_corpus_opts;
#define JISR_CORPUS_OPTS_VERSION 2 /* version 1 ends before files */
#define JISR_CORPUS_OPTS_INIT                                                                      \
    {                                                                                              \
        JISR_CORPUS_OPTS_VERSION, JISR_PAIR_OPTS_INIT, NULL, 0, JISR_FILTER_OPTS_INIT, NULL, 0, 0, \
            0, NULL, NULL, NULL                                                                    \
    }

typedef struct jisr_corpus_report jisr_corpus_report;

/** open the writer → read → pair → segment → align → filter → write. Kept pairs are written
 * as units (tuid "ID:N", props x-document, x-align-score, x-source-sentences,
 * x-target-sentences: 0-based sentence indices of the document) through the formats layer's
 * writer, atomically; the writer is opened first, so that an output that cannot be written is
 * an error before any document is read. Documents are found and paired as jisr_corpus_pair
 * does, but a file whose path holds a tab or a line break is read (no list is written). The
 * report (caller-owned, also on error when *out is set) tells what happened. A pair the filters
 * keep that the output format cannot carry (TMX: a C0 control character but tab and line
 * breaks, U+FFFE, U+FFFF) is left out, counted (totals.unwritable) and warned of through
 * opts->pair.doc_opts->on_warning: the file and line (line 0 and "paragraph N: " in the message
 * when the document has no lines, as a DOCX) of the sentence holding the character, the
 * document pair's id in the message. opts NULL is
 * JISR_CORPUS_OPTS_INIT, which names no output (JISR_EINVAL). Errors: those of jisr_corpus_pair,
 * JISR_EINVAL (bad options, the output is one of the inputs or of opts->files, a document is one
 * of the outputs; out, or inputs with n above 0, or one of them NULL: before the output is
 * opened), the writer's, JISR_ENOMEM. */
JISR_API int jisr_corpus_run(const char *const *inputs, size_t n, const jisr_corpus_opts *opts,
                             jisr_corpus_report **out);
/** The documents of a report: paired, unpaired, skipped with the reason (borrowed; NULL when
 * the run stopped before they were paired). */
JISR_API const jisr_pairing *jisr_corpus_report_pairing(const jisr_corpus_report *r);
/** Totals of a report. */
typedef struct jisr_corpus_totals {
    size_t documents, skipped, pairs, unpaired_src, unpaired_tgt;
    uint64_t sentences_src, sentences_tgt, candidates, kept, dropped[JISR_DROP_N];
    double seconds;
    /* pairs the filters kept that the output format cannot carry (TMX: a control character),
     * left out: candidates = kept + the dropped + unwritable */
    uint64_t unwritable;
} jisr_corpus_totals;
JISR_API const jisr_corpus_totals *jisr_corpus_report_totals(const jisr_corpus_report *r);
/** The report as one JSON object, and as a self-contained HTML page for a person. */
JISR_API int jisr_corpus_report_json(const jisr_corpus_report *r, jisr_buf *out);
JISR_API int jisr_corpus_report_html(const jisr_corpus_report *r, jisr_buf *out);
JISR_API void jisr_corpus_report_free(jisr_corpus_report *r);

#ifdef __cplusplus
}
#endif

#endif
