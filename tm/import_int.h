/*
 * import_int.h — private to the import's four files: the batch of prepared units, the dedupe
 * index in memory and the import object they share.
 *
 *   import_prep.c   batch preparation: tokenizing, hashing, packing records and posting keys
 *                   (jisr_tm_import_add), sorting a batch's postings
 *   import_write.c  the LMDB writer of a batch: dedupe (merging duplicates), records, runs,
 *                   postings
 *   import_queue.c  the writer thread and its queue of batches, the gate of a strict file,
 *                   jisr_tm_import_begin/commit/end
 *   import_file.c   the file parse on a thread of its own and its spill codec,
 *                   jisr_tm_import_file/_reader/_buffer
 */
#ifndef JISR_TM_IMPORT_INT_H
#define JISR_TM_IMPORT_INT_H

#include <pthread.h>

#include "tm/tm_int.h"

#define TM_DEFAULT_BATCH 200000
#define TM_QUEUE_BATCHES 2 /* full batches waiting for the writer, at most */
/* ... and while the file is still being parsed (a strict import commits nothing before): the
 * tokenizing goes on meanwhile, up to this many batches held in memory (~165 MB each) */
#define TM_GATE_QUEUE_BATCHES 4
#define TM_PBITS 10 /* a batch's postings are grouped by the top TM_PBITS bits of their key */
#define TM_LOCATE_MAX 10000 /* skipped units located, at most (JISR_TM_IMPORT_LOCATE_SKIPPED) */

typedef struct tm_pend {
    uint64_t dkey;
    uint64_t skey;   /* its supersets' key: dkey, or the pair key of its first two variants */
    size_t pair_off; /* its npair pair keys (tm_dedupe_pairs): the batch's pairs from this key */
    size_t rec_off, rec_len;
    size_t form_off, form_len; /* its short texts' forms in the batch's forms (short.c) */
    uint32_t id;               /* 0 = merged into an existing unit */
    uint32_t npair;
} tm_pend;

/* A posting of a batch: term key and the unit's index in the batch (12 bytes: a batch holds
 * millions). */
typedef struct
#if defined(__GNUC__)
    __attribute__((packed))
#endif
    tm_post_ent {
    uint64_t key;
    uint32_t idx;
} tm_post_ent;

typedef struct tm_post_grp {
    tm_post_ent *v;
    size_t n, cap;
} tm_post_grp;

typedef struct tm_lang_count {
    char lang[TM_LANG_MAX + 1];
    int64_t n;
} tm_lang_count;

/* One batch of prepared units: packed records and posting keys, written in one transaction. */
typedef struct tm_batch {
    tm_pend *p;
    size_t np, pcap;
    jisr_buf recs;
    tm_post_grp grp[1u << TM_PBITS]; /* postings by the top bits of their key, each sorted when
                                      * the batch is queued */
    uint64_t skipped;                /* units skipped while this batch filled */
    unsigned long line, col;         /* where its last unit (skipped or not) started, 0: unknown */
    uint64_t added, merged;          /* what writing it did (tm_batch_write) */
    tm_lang_count langs[16]; /* variants per language of the batch's units (merged included) */
    size_t nlangs;
    int langs_over; /* more languages than langs holds: the writer counts them from the records */
    int phcodes;    /* a unit of the batch holds a <ph> with a format code (meta "phcodes") */
    jisr_buf vocab; /* words this import has not seen yet: (u64 language hash, u16 length, bytes) */
    jisr_buf forms; /* short texts' forms (character search on): (u64 key prefix, u16 n, n bytes) */
    jisr_buf pairs; /* the pair keys of its units of 3 to TM_PAIR_MAX variants (u64 each) */
    struct tm_batch *next;
} tm_batch;

/* The dedupe index in memory: dedupe key → id, open addressing (an empty slot has id 0; ids
 * start at 1), several ids per key allowed (different units whose hashes collide). It mirrors
 * the memory's `dedupe` runs (store.c), loaded when the first batch is written and topped up
 * with the runs other writers add meanwhile; entries of deleted units stay and are skipped when
 * their record is not found. */
typedef struct tm_dslot {
    uint64_t dkey;
    uint32_t id;
} tm_dslot;
typedef struct tm_dset {
    tm_dslot *v;
    size_t cap, n; /* cap: a power of two, or 0 */
} tm_dset;

struct jisr_tm_import {
    jisr_tm *tm;
    jisr_tm_import_opts opts;
    int chars; /* the memory's character search setting when the import began (tm_chars_get: 0
                * off, else its limit) */
    jisr_tm_import_stats st; /* the caller's view: read by the producer, the rest as reported */
    /* producer (the preparing thread): tokenizes and packs units into cur */
    tm_batch *cur;
    tm_toks toks;
    jisr_variant *vs;
    size_t vscap;
    char (*vdates)[3][17]; /* the variants' dates in TMX's form, where vs points them */
    size_t vdcap;
    uint64_t *terms;
    size_t tcap;
    /* strict file import: 1 when the file is parsed without error, 0 not yet, <0 it failed
     * (wait: block until the parse ends) */
    int (*gate)(void *ctx, int wait);
    void *gate_ctx;
    int checked; /* units come checked (tm_unit_check on the parsing thread) */
    /* writer thread: commits queued batches in order */
    pthread_t th;
    int th_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    tm_batch *qhead, *qtail, *spare;
    size_t qunits;     /* units queued or being written */
    size_t committing; /* of which in the transaction being committed (counted as one batch) */
    int closing;       /* no more batches will come: the writer ends when the queue is empty */
    int gate_open;     /* the writer has passed the gate (or there is none) */
    int drop;          /* discard what is queued (the import is abandoned) */
    int werr;          /* sticky error of the writer (then err holds its detail) */
    jisr_error err;
    jisr_tm_import_stats wst; /* committed so far, updated by the writer */
    tm_post_ent *ptmp;        /* producer's scratch for sorting a group */
    size_t ptmpcap;
    tm_formcounts fcount; /* the writer's: the batch's forms by language and length */
    uint64_t *ukeys;      /* the unit being added: its posting keys */
    size_t ukcap;
    struct {
        uint64_t term;
        uint32_t gen;
    } tset[256]; /* the distinct terms of a variant: slots stamped with tgen */
    uint32_t tgen;
    /* writer's scratch */
    uint32_t *ids, *idmap; /* a key's new ids; the id of each unit of the batch */
    size_t idscap, idmapcap;
    jisr_buf out;
    tm_lang_count langs[64];
    size_t nlangs;
    tm_dset known;       /* the memory's dedupe index, complete for ids below known_upto */
    uint64_t known_upto; /* 0 = not loaded yet */
    tm_dset inbatch;     /* new units of the batch being written: dedupe key → index + 1 */
    jisr_u64set vseen;   /* producer: word keys (language hash mixed in) already sent to
                          * the vocabulary, so each goes once per import (vocab.c) */
    int64_t now;         /* the creation date of undated units (the import's start; never
                          * after the unit's change or last-usage date) */
    jisr_buf run;        /* the batch's dedupe run being built */
    /* units skipped for fewer than two non-empty variants, located (JISR_TM_IMPORT_LOCATE_SKIPPED):
     * their (line, col), the first TM_LOCATE_MAX, the rest counted; written by the preparing
     * thread only, read once it has ended */
    int locate;
    unsigned long *skip_at;
    size_t nskip_at, skip_cap;
    uint64_t skip_more;
    tm_rec rec, rec2;
};

/* import_prep.c */
/** Count one variant of language l in the table v (of cap entries, *n used); 1 when it does not
 * fit (the caller counts it another way). */
int tm_lang_add(tm_lang_count *v, size_t *n, size_t cap, const char *l, size_t len, int64_t d);
/** Sort the postings of each group of b (stably, by key): done before b is handed over. */
int tm_batch_sort(jisr_tm_import *imp, tm_batch *b);
/** The same variants: as a multiset of (whole language tag, ASCII case aside, as BCP 47 tags
 * compare; text and tags hash). en-US and en-GB are two languages here (tm_dedupe_key, which
 * hashes the primary language only, does not tell them apart). */
int tm_same_unit(const tm_rec *a, const tm_rec *b);
/** Are a's variants all b's (as a multiset: each of a's pairs with one of b's, as tm_same_unit
 * pairs them)? a is then the same unit as b or a subset of it (§2.5 of docs/matching.md). */
int tm_sub_unit(const tm_rec *a, const tm_rec *b);
/** What a memory cannot hold without cutting it (more variants than a record holds, a language
 * tag longer than TM_LANG_MAX): JISR_ETOOBIG naming name (a file) and the unit's position, else
 * 0. */
int tm_unit_check(const jisr_unit *u, const char *name);

/** Queue the words of imp->toks (a variant of language hash lh) that this import has
 * not sent yet for the vocabulary of batch b. */
int tm_batch_vocab(jisr_tm_import *imp, tm_batch *b, uint64_t lh);

/* import_write.c */
/** Write batch b in the open write transaction t: 0, or t's sticky error (t->mdb ==
 * MDB_MAP_FULL: abort, grow, write the transaction's batches again). The batch's dedupe entries
 * join imp->known at once, so that the next batch of the same transaction finds them; an
 * aborted transaction must forget them (tm_known_forget). */
int tm_batch_write(jisr_tm_import *imp, tm_txn *t, tm_batch *b);
void tm_known_forget(jisr_tm_import *imp);
void tm_dset_free(tm_dset *s);

/* import_queue.c */
/** Hand the current batch to the writer (starting it on first use) and take an empty one. */
int tm_import_enqueue(jisr_tm_import *imp);
/** The import is abandoned: nothing queued or buffered will be committed (a batch being written
 * at this moment still is). */
void tm_import_drop(jisr_tm_import *imp);
/** jisr_tm_import_end; when st is not NULL, its added, merged, skipped, batches, line and col set
 * to what was committed, read once the writer has stopped (a batch committing at a drop is
 * counted; the caller's statistics are as of the last batch queued). */
int tm_import_end_stats(jisr_tm_import *imp, int commit, jisr_tm_import_stats *st);
/** Lower the calling thread's priority below the parse's (a strict import, see import_queue.c). */
void tm_yield_to_parse(void);

#endif
