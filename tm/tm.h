/*
 * tm.h — jisr's translation memory: an LMDB environment (one directory) holding translation
 * units, an inverted index of their words, and the fuzzy matcher and concordance on top.
 *
 * Ownership rule: a jisr_tm from jisr_tm_open is freed by jisr_tm_close (accepts NULL); every
 * result struct filled by the library (matches, hits, stats, units) is owned by the caller and
 * released by its *_free / jisr_unit_clear; strings inside results are malloc'd copies, never
 * pointers into the database. All text is UTF-8.
 *
 * Concurrency: any number of processes may read a memory while one writes (LMDB MVCC); writers in
 * different processes are serialised by LMDB's lock. One jisr_tm handle must not be used by two
 * threads at once. Every function returns 0 (or a count) on success and a negative JISR_E* code
 * on failure, with the detail in jisr_error_last().
 */
#ifndef JISR_TM_H
#define JISR_TM_H

#include <stddef.h>
#include <stdint.h>

#include "formats/formats.h"
#include "util/util.h"

/** Schema version written by this library. A newer version is refused (JISR_ESCHEMA), and so is
 * version 1, which indexed all numbers under one term and must be re-imported. Version 2 kept
 * the dedupe hashes in a B-tree of its own; it is read as it is and converted to version 3
 * (append-only dedupe runs) when opened for writing. */
#define JISR_TM_SCHEMA 3

typedef struct jisr_tm jisr_tm;

enum {
    JISR_TM_WRITE = 1 << 0,  /* open for writing; creates the directory and memory if missing */
    JISR_TM_NOSYNC = 1 << 1, /* skip fsync at commit: survives a killed process, not power loss */
};

typedef struct jisr_tm_open_opts {
    unsigned flags;         /* JISR_TM_* */
    size_t initial_mapsize; /* bytes; 0 = 64 MiB. The map doubles whenever it is full. */
} jisr_tm_open_opts;
#define JISR_TM_OPEN_OPTS_INIT                                                                     \
    {                                                                                              \
        0, 0                                                                                       \
    }

/** Open the memory in directory dir. opts NULL = read-only with defaults.
 * Read-only: JISR_ENOTFOUND when dir holds no memory; when the lock file cannot be written (a
 * read-only directory) the memory is opened without locking, which is only safe while no one
 * writes to it. JISR_ESCHEMA when written by a newer jisr. *out is owned by the caller. */
JISR_API int jisr_tm_open(jisr_tm **out, const char *dir, const jisr_tm_open_opts *opts);
/** Close the handle (flushes to disk when opened for writing). Accepts NULL. */
JISR_API void jisr_tm_close(jisr_tm *tm);
/** 1 when the handle was opened without the LMDB lock (read-only directory), else 0. */
JISR_API int jisr_tm_nolock(const jisr_tm *tm);

/* ---- import ----------------------------------------------------------------------------- */

typedef struct jisr_tm_import_stats {
    uint64_t read;    /* units handed to the importer */
    uint64_t added;   /* new units stored */
    uint64_t merged;  /* duplicates merged into an existing unit (usage count and dates) */
    uint64_t skipped; /* units without text, or bad units skipped with --skip-bad */
    uint64_t batches; /* write transactions committed */
} jisr_tm_import_stats;

typedef struct jisr_tm_import_opts {
    size_t batch_units; /* units per write transaction; 0 = 200,000 */
    /* called after each committed batch (may be NULL), on the import's writer thread; a
     * non-zero return stops the import (later calls return JISR_EINTERRUPTED) */
    int (*on_commit)(void *ctx, const jisr_tm_import_stats *st);
    void *ctx;
} jisr_tm_import_opts;
#define JISR_TM_IMPORT_OPTS_INIT                                                                   \
    {                                                                                              \
        0, NULL, NULL                                                                              \
    }

typedef struct jisr_tm_import jisr_tm_import;

/** Start a batched import on a handle opened with JISR_TM_WRITE. Units are buffered and written
 * one batch per write transaction, by a thread of the importer's own while the caller prepares
 * the next batch: a batch is stored completely or not at all. An error of the writer is returned
 * by the next add or commit. The handle must not be used by the caller meanwhile. */
JISR_API int jisr_tm_import_begin(jisr_tm *tm, const jisr_tm_import_opts *opts,
                                  jisr_tm_import **out);
/** Buffer one unit (copied; u stays the caller's). Commits automatically when a batch is full.
 * A unit with fewer than one non-empty variant is counted as skipped. */
JISR_API int jisr_tm_import_add(jisr_tm_import *imp, const jisr_unit *u);
/** Commit the buffered units now. */
JISR_API int jisr_tm_import_commit(jisr_tm_import *imp);
/** Statistics so far (committed batches only for added/merged). */
JISR_API const jisr_tm_import_stats *jisr_tm_import_stats_get(const jisr_tm_import *imp);
/** Commit what is buffered (commit != 0) or drop it (commit == 0), then free imp. Returns the
 * commit's result. Accepts NULL. */
JISR_API int jisr_tm_import_end(jisr_tm_import *imp, int commit);

enum {
    JISR_TM_IMPORT_SKIP_BAD = 1 << 0, /* keep the good units of a file with bad ones */
};

typedef struct jisr_tm_file_opts {
    unsigned flags;      /* JISR_TM_IMPORT_* */
    jisr_read_opts read; /* format, column languages …; flags are managed by the importer */
    jisr_tm_import_opts import;
    /* progress (may be NULL): units read from the file so far */
    void (*on_progress)(void *ctx, uint64_t units);
    void (*on_bad)(void *ctx, const jisr_error *err); /* bad unit skipped (SKIP_BAD) */
    void *ctx;
    /* bytes of parsed units held in memory ahead of the storing (0: 256 MiB); beyond that they
     * go through an unlinked temporary file in $TMPDIR (or /tmp) */
    size_t spill_mem;
} jisr_tm_file_opts;

/** Import one file (TMX, TSV, JSONL or aligner output in one of those). Strict by default:
 * nothing is committed before the whole file has been parsed without error, so a file with an
 * error changes nothing; the units are prepared and written meanwhile (the file is parsed once,
 * ahead of the storing, into a spill held in memory up to spill_mem and in a temporary file
 * beyond), then committed batch by batch. With
 * JISR_TM_IMPORT_SKIP_BAD the good units are stored and the bad ones reported (on_bad).
 * on_progress and on_bad are called on the parsing thread, on_commit on the writer's.
 * st (may be NULL) receives this file's statistics. */
JISR_API int jisr_tm_import_file(jisr_tm *tm, const char *path, const jisr_tm_file_opts *opts,
                                 jisr_tm_import_stats *st);

/* ---- fuzzy query ------------------------------------------------------------------------ */

enum {
    JISR_TM_EXHAUSTIVE = 1 << 0, /* score every unit instead of the index's candidates (oracle) */
};

typedef struct jisr_tm_query_opts {
    const char *srclang; /* language of the query text, e.g. "ar" (BCP 47 prefix match) */
    const char *tgtlang; /* language of the proposed translations, e.g. "en" */
    int min_score;       /* 0–100; matches below are not returned (default 70 via INIT) */
    size_t max_results;  /* best N (default 5 via INIT) */
    unsigned flags;      /* JISR_TM_EXHAUSTIVE */
} jisr_tm_query_opts;
#define JISR_TM_QUERY_OPTS_INIT                                                                    \
    {                                                                                              \
        NULL, NULL, 70, 5, 0                                                                       \
    }

typedef struct jisr_tm_match {
    int score;         /* 0–100; 100 only when the source is identical to the query */
    double similarity; /* unrounded 1 - distance / length, used for ranking */
    uint64_t id;
    char *source;      /* the unit's text in srclang (placeholders for inline tags kept) */
    char *target;      /* proposed translation; numbers substituted when placeable */
    char *target_orig; /* the stored target text */
    int placeable;     /* 1 when the query's numbers were substituted into target */
    char *diff;        /* source as a word diff against the query: [-query only-]{+match only+} */
    size_t memory;     /* jisr_tm_query_multi: index of the match's memory; otherwise 0 */
} jisr_tm_match;

typedef struct jisr_tm_matches {
    jisr_tm_match *v;
    size_t n;
    uint64_t candidates; /* units scored exactly (diagnostics) */
} jisr_tm_matches;

/** Fuzzy-match text against the memory. out is reset and filled, best first (ties: lower id). */
JISR_API int jisr_tm_query(jisr_tm *tm, const char *text, const jisr_tm_query_opts *opts,
                           jisr_tm_matches *out);
JISR_API void jisr_tm_matches_free(jisr_tm_matches *m);

/** Score two texts of one language as the matcher does (0–100). */
JISR_API int jisr_tm_score_texts(const char *a, const char *b, int *score);

/* ---- several memories ------------------------------------------------------------------ */

/** One memory of a multi-memory query, and the penalty (0–100) taken off its scores. */
typedef struct jisr_tm_source {
    jisr_tm *tm;
    int penalty;
} jisr_tm_source;

/** Fuzzy-match text against n memories at once (a project memory and reference memories):
 * each is queried as jisr_tm_query does, the penalty of its memory is subtracted from each
 * match's score (and penalty/100 from its similarity), matches whose lowered score is below
 * opts->min_score are left out, and the best opts->max_results of all are returned in one
 * ranking: score, then similarity, then the earlier memory, then the lower id. match.memory
 * names the memory (index into src). Exact: the result is the top of the union of every
 * memory's matches. Threads: as jisr_tm_query on each handle. */
JISR_API int jisr_tm_query_multi(const jisr_tm_source *src, size_t n, const char *text,
                                 const jisr_tm_query_opts *opts, jisr_tm_matches *out);

/* ---- concordance ------------------------------------------------------------------------ */

typedef struct jisr_tm_hit {
    uint64_t id;
    jisr_unit unit;    /* the whole unit (owned) */
    size_t variant;    /* index of the variant in lang */
    size_t start, end; /* byte span of the phrase in unit.variants[variant].text */
} jisr_tm_hit;

typedef struct jisr_tm_hits {
    jisr_tm_hit *v;
    size_t n;
    int truncated; /* more hits existed than max */
} jisr_tm_hits;

/** Units whose text in lang contains the phrase's words consecutively (compared on their
 * normalised, clitic-stripped forms; punctuation ignored), in id order, at most max (0 = 100). */
JISR_API int jisr_tm_concord(jisr_tm *tm, const char *lang, const char *phrase, size_t max,
                             jisr_tm_hits *out);
JISR_API void jisr_tm_hits_free(jisr_tm_hits *h);

/* ---- export, lookup, delete, stats ------------------------------------------------------ */

typedef struct jisr_tm_iter jisr_tm_iter;
/** Iterate over all units in id order, over a consistent snapshot. */
JISR_API int jisr_tm_iter_open(jisr_tm *tm, jisr_tm_iter **out);
/** 1 with the next unit (u cleared first), 0 at the end, <0 on error. */
JISR_API int jisr_tm_iter_next(jisr_tm_iter *it, uint64_t *id, jisr_unit *u);
JISR_API void jisr_tm_iter_close(jisr_tm_iter *it);

/** One unit by id; JISR_ENOTFOUND when absent. */
JISR_API int jisr_tm_get(jisr_tm *tm, uint64_t id, jisr_unit *u);

/** Delete units by id in one transaction: all or nothing (JISR_ENOTFOUND names the first
 * missing id and nothing is deleted). */
JISR_API int jisr_tm_delete(jisr_tm *tm, const uint64_t *ids, size_t n);

typedef struct jisr_tm_lang_count {
    char lang[32];
    uint64_t units;
} jisr_tm_lang_count;

typedef struct jisr_tm_stats {
    uint32_t schema;
    uint64_t units;
    uint64_t next_id;
    uint64_t index_keys;       /* posting chunks in the inverted index */
    uint64_t disk_bytes;       /* allocated size of the memory's files */
    uint64_t file_bytes;       /* apparent size of data.mdb */
    uint64_t map_bytes;        /* current LMDB map size */
    jisr_tm_lang_count *langs; /* variants per language tag (lower-cased), most first */
    size_t nlangs;
} jisr_tm_stats;

JISR_API int jisr_tm_stats_get(jisr_tm *tm, jisr_tm_stats *out);
JISR_API void jisr_tm_stats_free(jisr_tm_stats *st);

#endif
