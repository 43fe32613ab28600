/*
 * tm.h — jisr's translation memory: an LMDB environment (one directory) holding translation
 * units, an inverted index of their words, and the fuzzy matcher and concordance on top.
 *
 * Ownership rule: a jisr_tm from jisr_tm_open is freed by jisr_tm_close (accepts NULL); every
 * result struct filled by the library (matches, hits, stats, units) is owned by the caller and
 * released by its *_free / jisr_unit_clear; strings inside results are malloc'd copies, never
 * pointers into the database. jisr_tm_query, jisr_tm_query_multi, jisr_tm_concord (and their
 * ctx forms) and jisr_tm_stats_get overwrite their out struct without freeing it (it may be
 * uninitialised): a result struct used again must be freed (*_free) before the next call, or
 * what it held leaks. A unit (jisr_tm_get, jisr_tm_iter_next) is cleared first instead (its
 * memory freed), so it must be initialised (jisr_unit_init) before the first call. All text is
 * UTF-8.
 *
 * Processes: any number of processes may read a memory while one writes (LMDB MVCC); writers in
 * different processes are serialised by LMDB's lock.
 *
 * Threads: open a memory once per process and share the handle: jisr_tm_open refuses a second
 * handle of a memory this process has open (LMDB allows one environment per memory and process:
 * its locks belong to the process, so closing a second environment would drop the first one's,
 * and another process could then reuse pages the first still reads).
 * Every call below may run on several threads at once on one handle — queries, concordance, get,
 * stats, iteration, delete, and imports through the same handle — except jisr_tm_open and
 * jisr_tm_close (close only when no other thread uses the handle any more; an iterator or an
 * import still open keeps the handle open until it ends: see jisr_tm_close). Each call reads one
 * committed state of the memory (an LMDB read transaction), so a query that runs while an import
 * commits sees the memory before or after each commit, never half of one. A query needs scratch
 * memory (4 bytes per unit id for its candidate counters, its tokens): a thread that queries often
 * keeps a jisr_tm_ctx of its own (jisr_tm_ctx_new) and uses jisr_tm_ctx_query /
 * jisr_tm_ctx_concord; the plain jisr_tm_query / jisr_tm_concord borrow one from a pool on the
 * handle. A context, an iterator and an import object are each used by one thread at a time.
 * Growing the memory map (an import in this process needing room, or another process having
 * grown the file) waits until no transaction of this process is open: an iterator left open
 * delays an import's growth in the same process until it is closed.
 *
 * Errors: every function returns 0 (or a count) on success and a negative JISR_E* code on
 * failure, with the detail in jisr_error_last() (thread-local). LMDB's own codes never leave the
 * library: a damaged file is JISR_EDB with a message naming data.mdb, a full disk JISR_EIO "no
 * space left on device". The library never prints: warnings go through callbacks.
 */
#ifndef JISR_TM_H
#define JISR_TM_H

#include <stddef.h>
#include <stdint.h>

#include "../formats/formats.h" /* relative: in the tree and installed under include/jisr/ */
#include "../util/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Schema version written by this library. A newer version is refused (JISR_ESCHEMA), and so is
 * version 1, which indexed all numbers under one term and must be re-imported. Version 2 kept
 * the dedupe hashes in a B-tree of its own; it is read as it is and converted to version 3
 * (append-only dedupe runs) when opened for writing. */
#define JISR_TM_SCHEMA 3

typedef struct jisr_tm jisr_tm;

typedef struct jisr_tm_ctx jisr_tm_ctx;

enum {
    JISR_TM_WRITE = 1 << 0,    /* open for writing; creates the directory and memory if missing */
    JISR_TM_NOSYNC = 1 << 1,   /* skip fsync at commit: survives a killed process, not power loss */
    JISR_TM_EXISTING = 1 << 2, /* with WRITE: JISR_ENOTFOUND instead of creating a memory */
    JISR_TM_NOGUARD = 1 << 3,  /* do not install the fault guard (see jisr_tm_open) */
    /* read-only, for long-lived handles (a server): keep a directory of the last committed
     * state in memory (one read transaction held open, arrays of its units, postings and
     * vocabulary), which queries of that state read instead of LMDB's B-trees; rebuilt by a
     * thread of the handle once the memory has been quiet for a second after a commit. The
     * environment variable JISR_TM_SNAP=0 turns it off. See jisr_tm_snapshot_info. */
    JISR_TM_SNAPSHOT = 1 << 4,
};

typedef struct jisr_tm_open_opts {
    unsigned flags;         /* JISR_TM_* */
    size_t initial_mapsize; /* bytes; 0 = 64 MiB. The map doubles whenever it is full. */
    /* called at most once, by jisr_tm_open on the calling thread, with a warning about the
     * memory (an index built with other ICU/Unicode/tokenizer versions: see
     * jisr_tm_index_stale); may be NULL */
    void (*on_warning)(void *ctx, const char *msg);
    void *ctx;
} jisr_tm_open_opts;
#define JISR_TM_OPEN_OPTS_INIT                                                                     \
    {                                                                                              \
        0, 0, NULL, NULL                                                                           \
    }

/** The read snapshot's directory of a handle (JISR_TM_SNAPSHOT). */
typedef struct jisr_tm_snapshot {
    size_t bytes;    /* the current directory's size (0: none current) */
    double build_ms; /* how long its build took */
    uint64_t txnid;  /* the LMDB transaction id of its state */
    uint64_t reads;  /* read transactions that have read through a directory, in all */
    uint64_t builds; /* directories built, in all */
} jisr_tm_snapshot;

/** The handle's directory: 1 when one is current (of the last committed state the builder has
 * seen), else 0; *out filled either way. JISR_EINVAL when tm or out is NULL. */
JISR_API int jisr_tm_snapshot_info(jisr_tm *tm, jisr_tm_snapshot *out);

/** Open the memory in directory dir. opts NULL = read-only with defaults. *out is owned by the
 * caller (jisr_tm_close). Errors: JISR_EINVAL when out or dir is NULL (or dir ""), and when this
 * process has the memory open already (see below); JISR_ENOTFOUND when dir holds no memory
 * (read-only, or JISR_TM_EXISTING) or an LMDB environment without jisr's databases;
 * JISR_ESCHEMA when written by a newer jisr, or when dir holds another application's LMDB
 * environment (never written into); JISR_EDB when data.mdb is damaged: truncated (checked
 * against the pages its meta page names, so that no read ever goes past the end of the file),
 * empty, or not an LMDB file; JISR_EREADONLY when writing is asked for and not allowed. When the
 * lock file cannot be written (a read-only directory) a read-only memory is opened without
 * locking, which is only safe while no one writes to it (jisr_tm_nolock).
 * One handle per memory and process: a memory that a handle of this process has open — by any
 * path to the directory, in any mode, a handle closed while an iterator or import still uses it
 * included — is refused (JISR_EINVAL, "already open in this process"): share that handle (any
 * number of threads may use it). Once it is closed, the memory opens again.
 * Damage found later is JISR_EDB too, never a crash: values are checked against the file, and a
 * damaged page that makes LMDB assert or read outside the file (SIGSEGV/SIGBUS) is caught inside
 * the LMDB call. For the faults, the first jisr_tm_open of a process (without JISR_TM_NOGUARD)
 * installs handlers for SIGSEGV and SIGBUS: a fault inside one of the library's LMDB calls returns
 * to it, any other fault goes to the handler installed before (or ends the process as it would
 * have; a fault on a thread that has never made such a call never reads jisr's thread-local
 * storage). A program with handlers of its own for these signals should install them first, or
 * open with JISR_TM_NOGUARD.
 * The handle holds the directory flock()ed shared until it is closed, which is how
 * jisr_tm_remove tells that a memory is open; a jisr_tm_open that meets a removal in progress
 * waits for it to end. */
JISR_API int jisr_tm_open(jisr_tm **out, const char *dir, const jisr_tm_open_opts *opts);
/** Close the handle (flushes to disk when opened for writing). Accepts NULL. Iterators and
 * imports should be ended first (jisr_tm_iter_close, jisr_tm_import_end); one still open keeps
 * the handle open, and usable by it alone, and the last of them to end closes the handle (an
 * import's units are committed or dropped as its jisr_tm_import_end says). Query contexts
 * (jisr_tm_ctx_free) must be freed before: they are not counted. */
JISR_API void jisr_tm_close(jisr_tm *tm);
/** What jisr_tm_warm built: whether the tables are usable (the memory's forms' record stands at
 * its next id; else the queries keep the stored forms in LMDB), the forms copied, the bytes they
 * take and the seconds the build took. */
typedef struct jisr_tm_warm_stats {
    int usable;
    size_t forms, bytes;
    double seconds;
} jisr_tm_warm_stats;
/** Keep in-memory tables of the stored forms of short texts (a memory with the character search
 * on, docs/matching.md §4.5 "Form tables") for this handle: built now from the committed state,
 * used by every query whose read transaction sees that state, and rebuilt by the first query
 * (with the search on and the scan allowed) that sees a later one — never used stale. For a
 * long-lived handle (a server); costs memory (about 40 bytes a form of 20 code points). Thread-
 * safe; freed by jisr_tm_close. st (may be NULL) receives what was built. */
JISR_API int jisr_tm_warm(jisr_tm *tm, jisr_tm_warm_stats *st);
/** 1 when the handle was opened without the LMDB lock (read-only directory), else 0. */
JISR_API int jisr_tm_nolock(const jisr_tm *tm);
/** 1 when the memory's index was built with other ICU, Unicode or tokenizer versions than this
 * library's (or does not record them: built before they were recorded), else 0. Queries then may
 * miss matches (token hashes and boundaries may differ) until jisr_tm_reindex. */
JISR_API int jisr_tm_index_stale(const jisr_tm *tm);
/** Remove the memory in dir if it holds no unit and never held one (a memory created by an
 * import that failed) and no handle has it open: its files, and dir when nothing else is left in
 * it. JISR_EINVAL (nothing removed) when it is not empty, or when it is open — by a handle of
 * this process (jisr_tm_close it first) or by another process (the directory's lock that every
 * jisr_tm_open holds, and LMDB's lock file for programs without it); JISR_ENOTFOUND when there
 * is no memory. Not a check for a memory opened without locking (jisr_tm_nolock) or on a file
 * system without flock and fcntl locks. */
JISR_API int jisr_tm_remove(const char *dir);

/* ---- import ----------------------------------------------------------------------------- */

typedef struct jisr_tm_import_stats {
    uint64_t read;   /* units handed to the importer (not the bad units skipped before) */
    uint64_t added;  /* new units stored */
    uint64_t merged; /* duplicates merged into an existing unit (usage count and dates) */
    /* units without text (fewer than two non-empty variants); and in the statistics that
     * jisr_tm_import_file, _buffer and _reader return, the bad units skipped with
     * JISR_TM_IMPORT_SKIP_BAD — for _reader only those the importer refuses (see
     * jisr_tm_import_reader), not those the caller's reader skips itself */
    uint64_t skipped;
    uint64_t batches; /* write transactions committed */
    /* where the last unit committed (skipped ones included) started in its input, as the reader
     * gave it (jisr_unit.line and col; 0 when unknown, or nothing committed yet): the units up
     * to it are stored. Interrupted, an import says it, so that the input's place is known */
    unsigned long line, col;
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
 * by the next add or commit. The import object is used by one thread at a time; the handle
 * stays usable by every thread meanwhile (queries see each batch once it is committed). Writes
 * of one memory are serialised: another import or a delete waits while a batch is written (and,
 * for a strict file, until its parse has ended). *out is freed by jisr_tm_import_end; on error
 * *out is NULL (JISR_EREADONLY for a read-only handle, JISR_EINVAL for a NULL handle). */
JISR_API int jisr_tm_import_begin(jisr_tm *tm, const jisr_tm_import_opts *opts,
                                  jisr_tm_import **out);
/** Buffer one unit (copied; u stays the caller's; JISR_EINVAL when imp or u is NULL). Commits
 * automatically when a batch is full.
 * A unit with fewer than two non-empty variants is counted as skipped. A unit a memory cannot
 * hold without cutting it — more than 255 variants with text, or a language tag longer than 63
 * bytes — is refused (JISR_ETOOBIG), never stored cut. */
JISR_API int jisr_tm_import_add(jisr_tm_import *imp, const jisr_unit *u);
/** Commit the buffered units now (JISR_EINVAL when imp is NULL). */
JISR_API int jisr_tm_import_commit(jisr_tm_import *imp);
/** Statistics so far (committed batches only for added/merged); NULL when imp is NULL. */
JISR_API const jisr_tm_import_stats *jisr_tm_import_stats_get(const jisr_tm_import *imp);
/** Commit what is buffered (commit != 0) or drop it (commit == 0), then free imp. Returns the
 * commit's result. Accepts NULL. */
JISR_API int jisr_tm_import_end(jisr_tm_import *imp, int commit);
/** For a handler of a fatal signal (SIGINT, SIGTERM …) that says what was committed, then ends
 * the process; async-signal-safe. No write transaction of this process commits after the call
 * (a commit that would begin waits forever: the process is ending). Returns 1 when none was
 * being committed: every commit has been reported (an import's on_commit has returned for each)
 * and the handler may say so and end the process. Returns 0 when one was (with its on_commit):
 * the handler returns at once, and then(sig) runs on the committing thread once that commit has
 * ended and been reported, and must end the process as the handler would have. Without it, a
 * process killed between a commit and its on_commit, or whose writer commits again while another
 * thread's handler reports, says one batch fewer than it stored. */
JISR_API int jisr_tm_commits_stop(int sig, void (*then)(int sig));

enum {
    JISR_TM_IMPORT_SKIP_BAD = 1 << 0, /* keep the good units of a file with bad ones */
    /* name each unit skipped for having fewer than two non-empty variants (an untranslated
     * entry, an empty TSV cell): opts->read.on_warning gets its FILE:LINE:COL with code 0 (a
     * note, not a warning), on the calling thread once the input is stored; the first 10,000,
     * then one note counting the rest */
    JISR_TM_IMPORT_LOCATE_SKIPPED = 1 << 1,
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
     * go through an unlinked temporary file in $TMPDIR (or /tmp), created only then */
    size_t spill_mem;
} jisr_tm_file_opts;
#define JISR_TM_FILE_OPTS_INIT                                                                     \
    {                                                                                              \
        0, JISR_READ_OPTS_INIT, JISR_TM_IMPORT_OPTS_INIT, NULL, NULL, NULL, 0                      \
    }

/** Import one file (TMX, TSV, JSONL or aligner output in one of those); path "-" is standard
 * input (read as it comes: its format must be given in opts->read.format). Strict by default:
 * nothing is committed before the whole input has been parsed without error, so an input with
 * an error changes nothing; the units are prepared and written meanwhile (the input is parsed
 * once, ahead of the storing, into a spill held in memory up to spill_mem and in a temporary
 * file beyond), then committed batch by batch. With JISR_TM_IMPORT_SKIP_BAD the good units are
 * stored and the bad ones reported (on_bad), including units the memory cannot hold (see
 * jisr_tm_import_add). on_progress and on_bad are called on the parsing thread, on_commit on the
 * writer's. st (may be NULL) receives this input's statistics, the bad units skipped counted in
 * st->skipped. opts NULL: JISR_TM_FILE_OPTS_INIT's defaults. JISR_EINVAL when tm or path is
 * NULL. */
JISR_API int jisr_tm_import_file(jisr_tm *tm, const char *path, const jisr_tm_file_opts *opts,
                                 jisr_tm_import_stats *st);
/** The same from the n bytes at data (the caller's, unchanged, needed only during the call);
 * name (may be NULL) names the input in messages; the format is opts->read.format, else TMX.
 * JISR_EINVAL when tm is NULL, or data is NULL with n above 0. */
JISR_API int jisr_tm_import_buffer(jisr_tm *tm, const char *name, const void *data, size_t n,
                                   const jisr_tm_file_opts *opts, jisr_tm_import_stats *st);
/** The same from a reader the caller opened (and closes afterwards; it is read to its end or to
 * the first error). opts->read is not used: for JISR_TM_IMPORT_SKIP_BAD open r with
 * JISR_READ_SKIP_BAD and its on_bad. The units r skips itself go to r's on_bad and are not in
 * st->skipped (the importer never sees them: count them there); those the importer refuses
 * (see jisr_tm_import_add) go to opts->on_bad and are. name (may be NULL) names the input in
 * messages. JISR_EINVAL when tm or r is NULL. */
JISR_API int jisr_tm_import_reader(jisr_tm *tm, jisr_reader *r, const char *name,
                                   const jisr_tm_file_opts *opts, jisr_tm_import_stats *st);

/* ---- fuzzy query ------------------------------------------------------------------------ */

enum {
    JISR_TM_EXHAUSTIVE = 1 << 0, /* score every unit instead of the index's candidates (oracle) */
    /* leave jisr_tm_match.diff NULL: for callers that do not show the word diff (the tmserver
     * protocol); every other field, the matches and their order are the same */
    JISR_TM_NO_DIFF = 1 << 1,
};

/** What one query may cost, by default: a query of more tokens (words, numbers, punctuation,
 * tags) is refused, and at most this many matches are returned. Memory is proportional to the
 * query's and the candidates' lengths (never their product); time is bounded by timeout_ms. */
#define JISR_TM_MAX_QUERY_TOKENS 100000
#define JISR_TM_MAX_RESULTS 100000
/** The matches a query returns when jisr_tm_query_opts.max_results is 0 (a memset struct). */
#define JISR_TM_DEFAULT_RESULTS 5

typedef struct jisr_tm_query_opts {
    const char *srclang; /* language of the query text, e.g. "ar" (BCP 47 prefix match) */
    const char *tgtlang; /* language of the proposed translations, e.g. "en" */
    /* 0–100; matches below are not returned. INIT sets 70; 0 is not "the default" but a value
     * of its own: every match */
    int min_score;
    size_t max_results;  /* best N, at most JISR_TM_MAX_RESULTS; 0 = JISR_TM_DEFAULT_RESULTS */
    unsigned flags;      /* JISR_TM_EXHAUSTIVE, JISR_TM_NO_DIFF */
    size_t max_tokens;   /* refuse longer queries (JISR_ETOOBIG); 0 = JISR_TM_MAX_QUERY_TOKENS */
    unsigned timeout_ms; /* give up after this long (JISR_EINTERRUPTED); 0 = no limit */
    /* The query's inline tags: tags[i] is the TMX markup of placeholder U+E000+i in the text
     * (as formats.h keeps a variant's tags). With tags, each target carries the query's tags in
     * place of the stored ones (jisr_tm_match.tags); NULL: the text has none to map, and targets
     * keep their stored tags. A <ph> holding one format code ("{0}", "%s") also matches that
     * code stored as text, and a plain query's codes match them stored in such <ph> tags, a
     * point off each (docs/matching.md §2.3b). */
    const char *const *tags;
    size_t ntags;
    /* Filters, applied to every unit before it is scored (so the index and --exhaustive agree):
     * a unit is kept when, for each prop type named in props, it has a prop of that type with one
     * of the values given for it (several values of one type: any; several types: all), and when
     * it was changed (or, never changed, created) at or after changed_since (a TMX date
     * YYYYMMDDThhmmssZ, or YYYY-MM-DD; NULL: no limit). */
    const struct jisr_tm_prop_filter *props;
    size_t nprops;
    const char *changed_since;
} jisr_tm_query_opts;
#define JISR_TM_QUERY_OPTS_INIT                                                                    \
    {                                                                                              \
        NULL, NULL, 70, JISR_TM_DEFAULT_RESULTS, 0, 0, 0, NULL, 0, NULL, 0, NULL                   \
    }

/** Parses a changed_since limit (YYYY-MM-DD, YYYYMMDD — the day's first second —, TMX's
 * YYYYMMDDThhmmssZ or ISO 8601's forms, as jisr_date_parse reads them) into unix seconds: 0, or
 * JISR_EPARSE (with a message naming d and the forms read) when it is not such a date (a day not
 * in its month included); JISR_EINVAL when d or t is NULL. */
JISR_API int jisr_tm_since_parse(const char *d, int64_t *t);

/** One prop filter of jisr_tm_query_opts: the unit has a prop of this type with this value. */
typedef struct jisr_tm_prop_filter {
    const char *type, *value;
} jisr_tm_prop_filter;

/** Points taken off a match's score for each substituted number whose agreement class changes in
 * the target language (Arabic: 1, 2, 3–10, 11–99, 100…; English: 1, other), and for each inline
 * tag of the query or of the stored source that has no counterpart of its kind in the other
 * (docs/matching.md §2.2, §2.3). */
#define JISR_TM_AGREE_PENALTY 2
#define JISR_TM_TAG_PENALTY 1

/** What became of the query's numbers (jisr_tm_match.numbers). */
enum {
    JISR_TM_NUMBERS_SAME = 0,  /* the texts do not differ in numbers only: nothing to do */
    JISR_TM_NUMBERS_PLACED,    /* substituted into target (placeable) */
    JISR_TM_NUMBERS_AMBIGUOUS, /* a number occurs several times and the target does not show
                                * which is which: not substituted */
    JISR_TM_NUMBERS_MISSING,   /* a changed number is not in the stored target: not substituted */
};

/** What the stored source differs from the query in, when it differs in numbers or format codes
 * only (jisr_tm_match.differ): the labels of the text output's marks. */
enum {
    JISR_TM_DIFFER_NUMBERS = 1, /* numbers ("Page 3") */
    JISR_TM_DIFFER_CODES = 2,   /* format codes ("{1}", "%s") */
    JISR_TM_DIFFER_MORE = 4,    /* and in more (words): a fuzzy match, whose numbers or codes
                                 * were still substituted (numbers JISR_TM_NUMBERS_PLACED) or
                                 * found stale; no placeable (docs/matching.md §2.2) */
};

/** What became of the query's accelerator markers ("_Open", "&File"; jisr_tm_match.accelerator). */
enum {
    JISR_TM_ACCEL_SAME = 0, /* nothing to do, or nothing done */
    JISR_TM_ACCEL_REMOVED,  /* the query has none: the target's were taken out */
    JISR_TM_ACCEL_MISSING,  /* the query has one, the stored source and target none: to place */
    JISR_TM_ACCEL_STYLED,   /* the query writes them otherwise ('_' for '&'): the target's follow */
};

/** A substituted number whose agreement class changes: the words around it may need another
 * form ("agreement": "check"). */
typedef struct jisr_tm_agree {
    size_t start, end;   /* byte span of the number in jisr_tm_match.target */
    char from[8], to[8]; /* the classes (CLDR plural categories: zero one two few many other) */
} jisr_tm_agree;

typedef struct jisr_tm_match {
    int score;         /* 0–100; 100 only when the source is identical to the query */
    double similarity; /* unrounded 1 - distance / length, used for ranking */
    uint64_t id;
    char *source;      /* the unit's text in srclang (placeholders for inline tags kept) */
    char *target;      /* proposed translation: the query's numbers (when placeable), copied
                        * tokens and accelerator state carried into the stored target */
    char *target_orig; /* the stored target text */
    int placeable;     /* 1 when the query's numbers were substituted into target and the texts
                        * differ in nothing else (numbers JISR_TM_NUMBERS_PLACED in a fuzzy
                        * match: substituted, differ has JISR_TM_DIFFER_MORE, no placeable) */
    char *diff;    /* source as a word diff against the query: [-query only-]{+match only+}; NULL
                    * with JISR_TM_NO_DIFF */
    size_t memory; /* jisr_tm_query_multi: index of the match's memory; otherwise 0 */
    int numbers;   /* JISR_TM_NUMBERS_* */
    int differ;    /* with numbers other than JISR_TM_NUMBERS_SAME: JISR_TM_DIFFER_* bits */
    jisr_tm_agree *agree; /* substituted numbers whose agreement class changes (never in a 100) */
    size_t nagree;
    int penalty;     /* points taken off for agreement changes and tag differences */
    size_t tag_diff; /* tags of query or source without a counterpart of their kind */
    char **tags;     /* markup of target's placeholders (U+E000+i is tags[i]): the query's
                      * tags when given, else the stored target's */
    size_t ntags;
    char **source_tags; /* markup of source's placeholders */
    size_t nsource_tags;
    char **unmapped; /* stored target tags with no counterpart in the query (left out) */
    size_t nunmapped;
    size_t *missing; /* indexes of query tags no stored target tag became (to be placed) */
    size_t nmissing;
    double char_similarity; /* 1 − character distance / length of the normalised texts (ties) */
    int64_t changed;        /* the unit's change date (else creation date), unix s; INT64_MIN */
    uint64_t usage;         /* the unit's usage count */
    /* the longest run of code points its source shares with the query as written, in a memory
     * whose character search is on (ranks ties of equal char_similarity); else 0 */
    int shared_run;
    /* tokens the stored target repeats from its source (codes, sizes, names, punctuation) that
     * now follow the query's form ("A0x2" asked as "A0×2"; "you4" as "you6") */
    size_t copied;
    int accelerator;    /* JISR_TM_ACCEL_* */
    char **stored_tags; /* markup of target_orig's placeholders: the stored target's own tags */
    size_t nstored_tags;
} jisr_tm_match;

typedef struct jisr_tm_matches {
    jisr_tm_match *v;
    size_t n;
    uint64_t candidates; /* units scored exactly (diagnostics) */
} jisr_tm_matches;

/** Fuzzy-match text (UTF-8; invalid bytes are tokens like any other) against the memory. out is
 * overwritten (memset, not freed: free a previous result with jisr_tm_matches_free first) and
 * filled, best first (ties: lower id), and owned by the caller (jisr_tm_matches_free; left
 * empty on error). Safe on several threads at once (a query context is borrowed from the
 * handle's pool). opts NULL: JISR_TM_QUERY_OPTS_INIT's, which lack the languages. Errors:
 * JISR_EINVAL (tm, text or out NULL; options: languages missing, min_score outside 0–100,
 * max_results above JISR_TM_MAX_RESULTS, flags other than JISR_TM_EXHAUSTIVE and
 * JISR_TM_NO_DIFF, nprops prop filters at a NULL props, a filter without type or value, a
 * changed_since that is not a date), JISR_ETOOBIG (more than max_tokens tokens), JISR_EINTERRUPTED
 * (longer than timeout_ms), JISR_EDB (a damaged memory), JISR_ENOMEM. */
JISR_API int jisr_tm_query(jisr_tm *tm, const char *text, const jisr_tm_query_opts *opts,
                           jisr_tm_matches *out);
JISR_API void jisr_tm_matches_free(jisr_tm_matches *m);

/** A query context: the scratch of queries and concordance searches, for one thread at a time
 * (a server keeps one per worker thread, or takes one per request). It holds no transaction
 * between calls, so it never pins an old state of the memory. *out is freed by
 * jisr_tm_ctx_free (accepts NULL), before the handle is closed. JISR_EINVAL when tm or out is
 * NULL. */
JISR_API int jisr_tm_ctx_new(jisr_tm *tm, jisr_tm_ctx **out);
JISR_API void jisr_tm_ctx_free(jisr_tm_ctx *c);
/** jisr_tm_query in the context c. */
JISR_API int jisr_tm_ctx_query(jisr_tm_ctx *c, const char *text, const jisr_tm_query_opts *opts,
                               jisr_tm_matches *out);

/** Score two texts of one language by words as the matcher does (0–100; docs/matching.md §2).
 * A match of two short texts may score higher by characters (§2.6): not included here.
 * JISR_EINVAL when a, b or score is NULL. */
JISR_API int jisr_tm_score_texts(const char *a, const char *b, int *score);

/* ---- several memories ------------------------------------------------------------------ */

/** One memory of a multi-memory query, and the penalty (0–100) taken off its scores. */
typedef struct jisr_tm_source {
    jisr_tm *tm;
    int penalty;
} jisr_tm_source;

/** Fuzzy-match text against n memories at once (a project memory and reference memories):
 * each is queried as jisr_tm_query does (filters and tags included), the penalty of its memory
 * is subtracted from each match's score (and penalty/100 from its similarity), matches whose
 * lowered score is below opts->min_score are left out, and the best opts->max_results of all are
 * returned in the matcher's ranking (score; no agreement change first; character similarity; later
 * change; more usage; similarity), then the earlier memory, then the lower id. match.memory names
 * the memory (index into src). Exact: the result is the top of the union of every memory's matches.
 * Threads: as jisr_tm_query on each handle. JISR_EINVAL when text or out is NULL, src is NULL
 * with n above 0, or a source has no handle. */
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
 * normalised, clitic-stripped forms; punctuation ignored), in id order, at most max (0 = 100).
 * out is the caller's (jisr_tm_hits_free), overwritten (memset, not freed: free a previous
 * result first). Thread-safe like jisr_tm_query. JISR_EINVAL when tm, lang, phrase or out is
 * NULL. */
JISR_API int jisr_tm_concord(jisr_tm *tm, const char *lang, const char *phrase, size_t max,
                             jisr_tm_hits *out);
/** jisr_tm_concord in the context c. */
JISR_API int jisr_tm_ctx_concord(jisr_tm_ctx *c, const char *lang, const char *phrase, size_t max,
                                 jisr_tm_hits *out);
/** jisr_tm_concord that gives up after timeout_ms (0 = no limit) with JISR_EINTERRUPTED and no
 * hits: its candidates are every unit holding the phrase's rarest word, most of the memory for
 * common words that never occur together (a server's request is bounded in time). */
JISR_API int jisr_tm_concord_timed(jisr_tm *tm, const char *lang, const char *phrase, size_t max,
                                   unsigned timeout_ms, jisr_tm_hits *out);
JISR_API int jisr_tm_ctx_concord_timed(jisr_tm_ctx *c, const char *lang, const char *phrase,
                                       size_t max, unsigned timeout_ms, jisr_tm_hits *out);
JISR_API void jisr_tm_hits_free(jisr_tm_hits *h);

/* ---- export, lookup, delete, stats ------------------------------------------------------ */

typedef struct jisr_tm_iter jisr_tm_iter;
/** Iterate over all units in id order, over a consistent snapshot (one read transaction, held
 * until jisr_tm_iter_close; one thread at a time). *out is NULL on error (JISR_EINVAL for a
 * NULL handle). An iterator open keeps the handle open (jisr_tm_close). */
JISR_API int jisr_tm_iter_open(jisr_tm *tm, jisr_tm_iter **out);
/** 1 with the next unit (u cleared first), 0 at the end, <0 on error. When one unit's record
 * does not decode, *id names it and the next call goes on with the next unit; any other error
 * is returned again by every later call. */
JISR_API int jisr_tm_iter_next(jisr_tm_iter *it, uint64_t *id, jisr_unit *u);
JISR_API void jisr_tm_iter_close(jisr_tm_iter *it);

/** One unit by id (u cleared first, the caller's); JISR_ENOTFOUND when absent, JISR_EINVAL when
 * tm or u is NULL. */
JISR_API int jisr_tm_get(jisr_tm *tm, uint64_t id, jisr_unit *u);

/** Delete units by id in one transaction: all or nothing (JISR_ENOTFOUND names the first
 * missing id and nothing is deleted). An id given twice is deleted once; n 0 deletes nothing
 * (ids may then be NULL). JISR_EINVAL for a NULL handle, or n ids at NULL. */
JISR_API int jisr_tm_delete(jisr_tm *tm, const uint64_t *ids, size_t n);
/** Delete, of the units ids (found earlier, e.g. by an iterator's snapshot), those that keep
 * still selects when they are read again inside the delete's write transaction: another writer
 * may have changed a unit (an import merged a duplicate: new dates, props) or deleted it since,
 * and the decision is taken on the unit as it is when it goes. keep returns 1 to delete, 0 to
 * leave the unit, <0 to stop (that error is returned and nothing is deleted); u is lent for the
 * call (keep may change it: it is made again for each unit). An id no longer there is passed over.
 * All or nothing, as jisr_tm_delete; *deleted (may be NULL) is how many went. JISR_EINVAL for a
 * NULL handle or keep, or n ids at NULL. */
JISR_API int jisr_tm_delete_if(jisr_tm *tm, const uint64_t *ids, size_t n,
                               int (*keep)(void *ctx, uint64_t id, jisr_unit *u), void *ctx,
                               size_t *deleted);

typedef struct jisr_tm_lang_count {
    char lang[64];
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
    /* the versions the index was built with ("" / 0 when not recorded), and whether they differ
     * from this library's (jisr_tm_index_stale) */
    char index_icu[16], index_unicode[16];
    uint32_t index_tokenizer;
    int index_stale;
    /* the character search of short texts (jisr_tm_set_chars, reindex): 0 off, else on, and
     * the most code points of a short text (64 in a memory written before limits) */
    int chars;
} jisr_tm_stats;

/** Statistics of the memory (out is the caller's: jisr_tm_stats_free; overwritten — memset, not
 * freed: free a previous result first —, and left empty on error). Thread-safe. JISR_EINVAL when
 * tm or out is NULL. */
JISR_API int jisr_tm_stats_get(jisr_tm *tm, jisr_tm_stats *out);
JISR_API void jisr_tm_stats_free(jisr_tm_stats *st);

/* ---- reindex ------------------------------------------------------------------------------ */

/* The character search of short texts (docs/matching.md §2.6, §4.5): a per-memory setting, off
 * by default. On, short texts (at most the memory's limit of code points: 128 by default, 2 to
 * 255 as set, 64 in memories written before limits until reindexed) also score by characters and
 * their index holds character terms: more answers for short UI strings, but a slower import and
 * slower, larger queries (§7.1). */
enum { JISR_TM_CHARS_KEEP = 0, JISR_TM_CHARS_ON = 1, JISR_TM_CHARS_OFF = 2 };

typedef struct jisr_tm_reindex_opts {
    /* progress (may be NULL), every few thousand units: units done of total */
    void (*on_progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
    int chars; /* JISR_TM_CHARS_*: the character search's setting after the reindex (KEEP: as is) */
    /* the character limit after it (2 … 255; not OFF: turns the search on), 0: the memory's own
     * when it was set, else 128 (a memory written before limits, at 64, moves to 128) */
    unsigned chars_max;
} jisr_tm_reindex_opts;
#define JISR_TM_REINDEX_OPTS_INIT                                                                  \
    {                                                                                              \
        NULL, NULL, JISR_TM_CHARS_KEEP, 0                                                          \
    }

/** Rebuild the index of a memory opened with JISR_TM_WRITE with this library's tokenizer, ICU
 * and Unicode data (after an upgrade: jisr_tm_index_stale), and record their versions. One
 * write transaction: other readers see the old index until it commits, and a reindex that is
 * interrupted (killed, an error) leaves the old index as it was. Needs room for both indexes
 * until then (the map grows). Ids, texts, dates and usage counts do not change. opts may be
 * NULL. opts->chars turns the character search on or off in the same transaction (the index is
 * rebuilt with or without short texts' character terms). */
JISR_API int jisr_tm_reindex(jisr_tm *tm, const jisr_tm_reindex_opts *opts);

/** Set the character search (off: 0; on: 1, with the default limit of 128 code points, or 2 … 255,
 * with that limit) of a memory opened with JISR_TM_WRITE that holds no unit and never did (a new
 * memory, before its first import); another value is JISR_EINVAL. On any other memory a different
 * setting fails with JISR_EUNSUPPORTED (the message names `jisr reindex --chars`, which rebuilds
 * the index for it); the same setting is a no-op. Imports follow the memory's setting.
 * Thread-safe (one write transaction). */
JISR_API int jisr_tm_set_chars(jisr_tm *tm, int on);

/* ---- renderings: one JSON shape and one text layout per result, for every front end --------
 * Each appends to out (the caller's buffer) and returns 0 or JISR_ENOMEM (JISR_EINVAL when out
 * or the result is NULL, or a text or tag array is NULL with a length above 0). Text is shown
 * without inline-tag placeholders; strings that are not valid UTF-8 are rendered with U+FFFD in
 * place of each invalid byte, so the JSON is always valid. No trailing newline after a JSON object;
 * text layouts end each line with one. */

/** {"query":…,"matches":[{"score":…,"source":…,"target":…,"id":…[,"placeable":true][,
 * "stored_target":…][,"differs_in":["numbers","codes"]][,"placeable":false,"numbers":
 * "ambiguous"|"missing"][,"copied":…]
 * [,"accelerator":"removed"|"missing"][,"agreement":"check",
 * "agreement_numbers":[{"start":…,"end":…,"number":…,"from":…,"to":…}]][,"penalty":…]
 * [,"tag_difference":…][,"source_tagged":…,"target_tagged":…][,"unmapped_tags":[…]]
 * [,"missing_tags":[…]]},…]}: source and target plain; the *_tagged texts are TMX segment
 * content with the tags as inline elements; start/end are byte offsets in "target" as written
 * there (jisr_tm_agree's are in jisr_tm_match.target, placeholders included); stored_target
 * whenever target differs from it by numbers, copied tokens or an accelerator removed;
 * differs_in (jisr_tm_match.differ) when the source differs from the query in numbers or format
 * codes only, whether they were substituted or not. */
JISR_API int jisr_tm_matches_json(jisr_buf *out, const char *query, const jisr_tm_matches *m);
/** What jisr_tm_matches_json_ex adds to each match of that shape. */
typedef struct jisr_tm_json_opts {
    int diff; /* "diff": the stored source as a word diff against the query ([-…-]{+…+}) */
    /* "memory": memory_names[match.memory], for the matches of jisr_tm_query_multi */
    const char *const *memory_names;
    size_t nmemory_names;
    /* "srclang", "tgtlang" after "query", when both are set (the direction the query was asked
     * in, when the caller chose it: `jisr query` without -s/-t) */
    const char *srclang, *tgtlang;
    /* "memory_penalty": memory_penalties[match.memory] when above 0 (match.memory below
     * nmemory_names): the points a memory's penalty took off its matches (jisr_tm_source), which
     * "penalty" (agreement and tags) does not count */
    const int *memory_penalties;
} jisr_tm_json_opts;
#define JISR_TM_JSON_OPTS_INIT                                                                     \
    {                                                                                              \
        0, NULL, 0, NULL, NULL, NULL                                                               \
    }
/** jisr_tm_matches_json with the additions of o (NULL: none). */
JISR_API int jisr_tm_matches_json_ex(jisr_buf *out, const char *query, const jisr_tm_matches *m,
                                     const jisr_tm_json_opts *o);
/** "query: …" then per match its score, id, word diff and (proposed) target; a line saying there
 * is none below min_score when m is empty. */
JISR_API int jisr_tm_matches_text(jisr_buf *out, const char *query, const jisr_tm_matches *m,
                                  int min_score);
/** jisr_tm_matches_text naming each match's memory (memory_names[match.memory]) when given. */
JISR_API int jisr_tm_matches_text_ex(jisr_buf *out, const char *query, const jisr_tm_matches *m,
                                     int min_score, const char *const *memory_names,
                                     size_t nmemory_names);
/** {"phrase":…,"lang":…,"hits":[{"id":…,"text":…[,"text_tagged":…],"start":…,"end":…,
 * "left":…,"match":…,"right":…,"translations":[{"lang":…,"text":…[,"text_tagged":…]}]}],
 * "truncated":…}; start/end are byte offsets in "text", left/right at most width characters of
 * context; "text_tagged", when that text holds inline tags: TMX segment content, as `jisr
 * export` writes it in <seg>. */
JISR_API int jisr_tm_hits_json(jisr_buf *out, const char *lang, const char *phrase,
                               const jisr_tm_hits *h, int width);
/** Keyword in context, one line per hit and one per translation. */
JISR_API int jisr_tm_hits_text(jisr_buf *out, const char *phrase, const jisr_tm_hits *h, int width);
/** {"path":…,"schema":…,"units":…,"languages":{…},"disk_bytes":…,"file_bytes":…,
 * "map_bytes":…,"index_keys":…,"next_id":…,"index":{"icu":…,"unicode":…,"tokenizer":…,
 * "stale":…}} (path may be NULL: omitted) */
JISR_API int jisr_tm_stats_json(jisr_buf *out, const char *path, const jisr_tm_stats *st);
JISR_API int jisr_tm_stats_text(jisr_buf *out, const char *path, const jisr_tm_stats *st);
/** One unit: {"id":…,"tuid":…,"usagecount":…,"creationdate":…,"changedate":…,
 * "lastusagedate":…,"creationid":…,"changeid":…,"props":[{"type":…,"value":…}],
 * "notes":[…],"variants":[{"lang":…,"text":…[,"text_tagged":…]}]} (absent fields omitted;
 * texts as a reader sees them, as jisr_tm_plain_tags gives them (no placeholders, a literal
 * private-use character given back, a <ph> holding one format code as the code);
 * "text_tagged" when the text holds inline tags, as jisr_tm_hits_json's); a variant (<tuv>)
 * with its own usage count, dates, ids, props or notes has them beside its text, as the unit. */
JISR_API int jisr_tm_unit_json(jisr_buf *out, uint64_t id, const jisr_unit *u);
/** How the text of a query marks its inline tags (jisr_tm_query_markup). */
enum {
    JISR_TM_MARKUP_NONE,   /* plain text */
    JISR_TM_MARKUP_TMX,    /* TMX segment content: <bpt>, <ept>, <ph>, <it>, <ut>, <hi>, <sub> */
    JISR_TM_MARKUP_BRACES, /* {N} placeholders, each a tag <ph x="N">{N}</ph> */
};
/** Parse the query text q into *out (initialised here; free with jisr_unit_clear, also after an
 * error): one variant, language "x", whose text holds a placeholder per tag and whose tags hold
 * their TMX markup — what jisr_tm_query_opts.text/tags/ntags take. TMX content is read by the TMX
 * reader (no network, no entities). The unit ends in the unit model's canonical form
 * (jisr_unit_check), so a private-use character of q stays a character. JISR_EPARSE when q is
 * not TMX segment content, JISR_EENCODING/JISR_ETOOBIG from the unit model's checks, JISR_EINVAL
 * when out or q is NULL. Any thread. */
JISR_API int jisr_tm_query_markup(jisr_unit *out, const char *q, int markup);
/** The match x as a translation unit for a TMX file of matches: the stored source (srclang) and
 * the stored target (tgtlang; x->target when x has no target_orig) with their own tags — a true
 * pair, which a CAT tool may use as any memory's — and props x-jisr-score, x-jisr-id,
 * x-jisr-query (query, when not NULL), x-jisr-memory (memory, when not NULL),
 * x-jisr-agreement "check" when the proposal's numbers need a look, and x-jisr-proposal (the
 * proposed target as TMX segment markup) when it differs from the stored target. *out is
 * initialised here; free with jisr_unit_clear. Write it with jisr_writer_write. */
JISR_API int jisr_tm_match_unit(jisr_unit *out, const jisr_tm_match *x, const char *srclang,
                                const char *tgtlang, const char *query, const char *memory);
/** Append s[0..n) as TMX segment content to out: text XML-escaped, placeholder U+E000+i replaced
 * by tags[i] (the inline element's markup) when i < ntags. */
JISR_API int jisr_tm_tagged(jisr_buf *out, const char *s, size_t n, char *const *tags,
                            size_t ntags);
/** Append s[0..n) without inline-tag placeholders (U+E000–U+F8FF) to out. Every private-use
 * character goes, the user's own too: for a text whose tags are known, jisr_tm_plain_tags. */
JISR_API int jisr_tm_plain(jisr_buf *out, const char *s, size_t n);
/** Append s[0..n) (a variant's text, or a part of it) as a reader sees it to out: the
 * placeholders of its ntags tags removed (a tag that holds a character reference given back as
 * the character, as jisr_variant_plain does; a <ph> that holds one format code, "{0}" or "%s",
 * given back as the code; a line break between two words a line feed, jisr_variant_plain), every
 * other character kept, private-use ones (U+F8FF, a Word symbol) included. */
JISR_API int jisr_tm_plain_tags(jisr_buf *out, const char *s, size_t n, char *const *tags,
                                size_t ntags);
/** jisr_tm_plain_tags of the part s[from..to) of the text s[0..n), as it reads within the whole
 * (a line break between two words is a line feed only when both words are there to see; from
 * and to on character and tag boundaries): the plain text of the whole is the concatenation of
 * its parts', so offsets measured on parts index it. JISR_EINVAL when from > to or to > n. */
JISR_API int jisr_tm_plain_tags_range(jisr_buf *out, const char *s, size_t n, size_t from,
                                      size_t to, char *const *tags, size_t ntags);

/* ---- unit filters ------------------------------------------------------------------------ */

/** Which units a bulk operation takes (`jisr export` and `jisr delete` select with it): the
 * filters of jisr_tm_query_opts (props, changed_since), with the same meaning, and an upper
 * limit. A unit is kept when, for each prop type named in props, it has a prop (of the unit, not
 * of a variant) of that type with one of the values given for it (several values of one type:
 * any; several types: all), and when its date — its change date, else (never changed) its
 * creation date — is at or after since and strictly before before. A unit without either date
 * is kept only when neither limit is set. Dates are unix seconds (jisr_tm_since_parse reads
 * them). */
typedef struct jisr_tm_unit_filter {
    const jisr_tm_prop_filter *props;
    size_t nprops;
    int64_t since;  /* INT64_MIN: no lower limit */
    int64_t before; /* INT64_MAX: no upper limit */
} jisr_tm_unit_filter;
#define JISR_TM_UNIT_FILTER_INIT                                                                   \
    {                                                                                              \
        NULL, 0, INT64_MIN, INT64_MAX                                                              \
    }

/** 1 when u passes f, 0 when not. The unit's dates are those of its <tu> (u->meta's
 * changedate and creationdate, read by jisr_date_parse; one that cannot be read is absent): a unit
 * of a memory (jisr_tm_get, jisr_tm_iter_next) carries the dates the memory's query filters
 * read. Any thread. JISR_EINVAL when f or u is NULL, nprops filters at a NULL props, or a filter
 * without type or value. */
JISR_API int jisr_tm_unit_filter_match(const jisr_tm_unit_filter *f, const jisr_unit *u);

#ifdef __cplusplus
}
#endif

#endif
