/*
 * formtab.h — in-memory tables of the stored forms of short texts (formtab.c; docs/matching.md
 * §4.5, "Form tables"). Internal to the memory module.
 */
#ifndef JISR_TM_FORMTAB_H
#define JISR_TM_FORMTAB_H

#include <stddef.h>
#include <stdint.h>

#include "tm/tm_int.h"

/* Forms are scored in groups of this many lanes. */
#define TM_FT_G 16

/* Symbols are sorted into this many classes (tm_ftlang.cls) for the forms' signatures. */
#define TM_FT_NCLS 32
/* Bytes of one form's signature: TM_FT_NCLS counts of 4 bits. */
#define TM_FT_SIGB (TM_FT_NCLS / 2)

/* The forms of one (language, length l): n of them, ids ascending; the code points as symbols
 * (the language's, tm_ftlang.loc: 1 … nsym − 1; 0 pads the last group), group by group, column
 * by column, lane by lane: sym[(g · l + j) · TM_FT_G + lane] is the j-th code point of form g ·
 * TM_FT_G + lane. sig: each form's signature (docs/matching.md §4.5, Lemma 9), TM_FT_SIGB bytes a
 * form, form by form (the padding of the last group all 0): byte b holds, in its low 4 bits, the
 * form's count of code points whose symbol is of class b and, in its high 4 bits, of class b +
 * TM_FT_SIGB; a count of 15 or more is 15. */
typedef struct tm_ftlen {
    uint32_t n;
    uint32_t *id;
    uint16_t *sym;
    uint8_t *sig;
} tm_ftlen;

typedef struct tm_ftlang {
    uint64_t fkey;     /* the language's forms' key prefix (the length byte 0) */
    tm_ftlen len[256]; /* n = 0 and sym NULL: no table for that length (none, or damage) */
    /* The language's own numbering of the symbols (session 15): by falling frequency in its
     * forms (1 the most frequent; 0 the padding), so that most columns' symbols are below 64
     * (short.c's AVX-512 lanes); its tables' sym hold these. loc: the alphabet's symbol (tm_ftab:
     * hv) → the language's (tm_ftab.nsym of each). */
    uint16_t *loc;
    uint8_t *cls; /* the language's symbol → its class in this language's signatures */
} tm_ftlang;

/* The tables of one committed state (the read transactions of id txnid), immutable once
 * built. usable: the forms' record stood at the next id (Lemma 8), else the tables are empty
 * and only say so for that state. */
typedef struct tm_ftab {
    size_t txnid;
    unsigned refs; /* queries using it (under the cache's lock) */
    int usable;
    size_t nlang;
    tm_ftlang *lang;
    uint32_t *hk; /* code point + 1 → its symbol (hv), open addressing, hcap a power of 2 */
    uint16_t *hv;
    size_t hcap, nsym;
    size_t nforms, bytes;
    double secs;
} tm_ftab;

/* The handle's cache (jisr_tm.ftc, created by jisr_tm_warm). */
struct tm_ftcache {
    pthread_mutex_t mu;
    int building;
    tm_ftab *cur;
    pthread_t thr; /* the last builder thread (thr_on: to be joined) */
    int thr_on;
};

/** 1 when the handle keeps form tables (jisr_tm_warm was called), else 0. */
int tm_ftab_kept(jisr_tm *tm);
/** A reference to the tables of t's committed state when the handle keeps tables (jisr_tm_warm)
 * and they are usable, else NULL (the caller takes the existing paths). When the handle's are
 * older than t's state and no thread builds them, a builder thread is started (tables of the
 * last committed state, from its own transaction) and NULL returned: the query does not wait
 * for it (with tm_ftab_sync set, for tests, they are built now in t, as before). An error
 * reading the memory is left in t. Release with tm_ftab_put. */
tm_ftab *tm_ftab_get(jisr_tm *tm, tm_txn *t);
/** For tests: 1 builds stale tables in the asking query's path (tm_ftab_get). */
extern int tm_ftab_sync;
/** For tests: wait for the handle's builder thread, if one was started. */
void tm_ftab_wait(jisr_tm *tm);
void tm_ftab_put(jisr_tm *tm, tm_ftab *f);
/** The tables of language prefix fkey, or NULL. */
const tm_ftlang *tm_ftab_lang(const tm_ftab *f, uint64_t fkey);
/** The table of (language prefix fkey, length l), or NULL. */
const tm_ftlen *tm_ftab_len(const tm_ftab *f, uint64_t fkey, size_t l);
/** The symbol of code point cp, 0 when no stored form has it. */
uint16_t tm_ftab_sym(const tm_ftab *f, uint32_t cp);
/** The forms' record read in t (short.c): 1 and its next id and counts (appended to fc), 0 when
 * absent or not parsable, <0 an error. */
int tm_short_formrec_get(tm_txn *t, MDB_dbi post, uint64_t *next, tm_formcounts *fc);
/** For tests: the tables built in this process (atomic). */
extern size_t tm_ftab_nbuild;
/** Free the handle's cache (jisr_tm_close). */
void tm_ftab_close(jisr_tm *tm);

#endif
