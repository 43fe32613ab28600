/*
 * match_int.h — private to the matcher's files: the query context and the token costs.
 *
 *   match.c   query contexts (one per thread, and a pool for the plain calls), jisr_tm_query:
 *             tokenize the query, find and score candidates, fill the results
 *   cand.c    candidate search: the index's length buckets, prefix filtering and bound
 *             tightening (docs/matching.md §4), or every unit (--exhaustive)
 *   score.c   the weighted edit distance with its cut-off, the score, the top list
 *   diff.c    rendering a match: the word diff (an alignment in linear space for long texts)
 *             and number placeables
 */
#ifndef JISR_TM_MATCH_INT_H
#define JISR_TM_MATCH_INT_H

#include <stdatomic.h>

#include "tm/place_int.h"
#include "tm/tm_int.h"

#define TM_BIG 100 /* cost of anything involving a word or number that is not a near-match */

/* Near words (near.c): keys of at most TM_NEAR_MAXCP code points whose Levenshtein distance is
 * at most TM_NEAR_NUM/TM_NEAR_DEN of the longer one and which share a signature cost
 * ⌈100·distance/length⌉, at least TM_C_NEAR_MIN. One word against two adjacent words (with an
 * optional hyphen between) whose keys make its key costs TM_C_COMPOUND (score.c). Tuned on the
 * evaluation's dev part (docs/matching.md §8). */
#define TM_NEAR_NUM 1
#define TM_NEAR_DEN 3
#define TM_NEAR_MAXCP 48
#define TM_NEAR_MINCP 4 /* of/off, the/they: no near words under four code points */
#define TM_NEAR_SHORT 6 /* under six, only a word and its extension (File/Files) are near */
#define TM_C_NEAR_MIN 10
#define TM_C_COMPOUND 15

/** Whether two word keys may form a compound (score.c, cand.c): each of at least two code
 * points and together of at least five (in+to is not "into"), the joined key a vocabulary word
 * (tm_vocab_word_ok) — the index finds exactly these. */
static inline int tm_compound_ok(const tm_tok *a, const tm_tok *b)
{
    size_t ca = 0, cb = 0;
    for (uint32_t i = 0; i < a->kl; i++)
        ca += ((unsigned char)a->kp[i] & 0xC0) != 0x80;
    for (uint32_t i = 0; i < b->kl; i++)
        cb += ((unsigned char)b->kp[i] & 0xC0) != 0x80;
    return ca >= 2 && cb >= 2 && ca + cb >= 5 && ca + cb <= TM_NEAR_MAXCP &&
           a->kl + b->kl <= 4 * TM_NEAR_MAXCP;
}

/** The cost of substituting word a for word b (keys a[0..an), b[0..bn) that differ): near, or
 * TM_BIG. */
uint32_t tm_near_cost(const char *a, size_t an, const char *b, size_t bn);
/* a word prepared for tm_near_cost_q against many others (its code points, signatures and the
 * bit masks of Myers' distance) */
typedef struct tm_nearq {
    const unsigned char *k;
    size_t n, pa, sa, la, ncp;
    uint32_t A[TM_NEAR_MAXCP], cp[TM_NEAR_MAXCP];
    uint64_t eq[TM_NEAR_MAXCP];
    int tab;           /* asc and ar are filled (tm_nearq_init_tab) */
    uint64_t asc[128]; /* the masks of ASCII code points, */
    uint64_t ar[256];  /* and of U+0600–U+06FF */
} tm_nearq;
void tm_nearq_init(tm_nearq *q, const char *a, size_t an);
/* the same, with direct tables of the masks, for a word compared with many others */
void tm_nearq_init_tab(tm_nearq *q, const char *a, size_t an);
/* tm_near_cost(q's word, b), the same value */
uint32_t tm_near_cost_q(const tm_nearq *q, const char *b, size_t bn);

/* One column of Myers' bit-parallel edit distance for a pattern of at most 64 code points (one
 * machine word; Myers 1999): eq holds the pattern positions equal to the text's next code point,
 * *pv and *mv the column's vertical deltas (start: all ones, zero), hi the pattern's last
 * position's bit, *d the whole pattern's distance (start: the pattern's length), updated. Shared
 * by near.c (near words) and short.c (short texts). */
static inline void tm_myers_step(uint64_t eq, uint64_t *pv, uint64_t *mv, uint64_t hi, size_t *d)
{
    uint64_t p = *pv, m = *mv;
    uint64_t xv = eq | m, xh = (((eq & p) + p) ^ p) | eq;
    uint64_t ph = m | ~(xh | p), mh = p & xh;
    if (ph & hi)
        ++*d;
    else if (mh & hi)
        --*d;
    ph = (ph << 1) | 1;
    mh <<= 1;
    *pv = mh | ~(xv | ph);
    *mv = ph & xv;
}

static inline uint32_t tm_tok_w(const tm_tok *t)
{
    return (t->kind == TM_WORD || t->kind == TM_NUMBER) ? TM_W_WORD
           : t->kind == TM_TAG                          ? TM_W_TAG
                                                        : TM_W_SMALL;
}

static inline uint32_t tm_sub_cost(const tm_tok *a, const tm_tok *b)
{
    if (a->kind != b->kind) {
        uint32_t wa = tm_tok_w(a), wb = tm_tok_w(b);
        return wa > wb ? wa : wb;
    }
    if (a->hs == b->hs)
        return 0;
    if (a->hn == b->hn)
        return TM_C_NORM;
    switch (a->kind) {
    case TM_WORD:
        if (a->hk == b->hk)
            return TM_C_CLITIC;
        if (a->sp != b->sp && a->ss != b->ss) /* no signature in common: not near */
            return TM_BIG;
        return tm_near_cost(a->kp, a->kl, b->kp, b->kl);
    case TM_NUMBER: /* a format code and a number are a word apart */
        return a->code == b->code ? TM_C_NUMBER : TM_W_WORD;
    case TM_PUNCT:
        return TM_C_PUNCT;
    default: /* two tags: free here, their differences are a penalty (score.c) */
        return 0;
    }
}

/* Short texts (short.c): points taken off the character score before it is compared with the
 * word score (tuned on the evaluation's dev part, docs/matching.md §8). */
#define TM_SHORT_PEN 0
/* How much of what case costs (the character score of the forms with case kept, §2.6) is taken
 * off the character score, in hundredths (chosen on the evaluation's dev part, §8). */
#define TM_SHORT_CASE 100
/* A letter written in upper or title case, in a character form with case kept (never a code
 * point: it matches only the same letter so written). */
#define TM_SHORT_UPPER 0x40000000u
/* the query's character form, its distinct code points and their position masks (Myers) */
typedef struct tm_shortq {
    size_t n;
    size_t lim; /* the memory's limit: the most code points of a short text (0: the search off) */
    uint32_t cp[TM_SHORT_CAP];
    uint32_t hk[512]; /* the masks by code point: open addressing, key cp + 1 (0: empty) */
    uint64_t hm[512][TM_SHORT_W]; /* bit i of word w: the query's code point 64·w + i is it */
    /* the slots of ASCII (0–127) and of the Arabic block (U+0600–U+06FF) without a probe:
     * 1 + the slot in hk/hm, 0 when the query has no such code point */
    uint16_t slot_lo[128], slot_ar[256];
    uint64_t eq_lo[128]; /* a query of at most 64 code points: the ASCII masks themselves, */
    uint64_t eq_ar[256]; /* and those of U+0600–U+06FF */
    uint8_t *acc;        /* per id: shared terms of the current length (short.c), zero between */
    uint8_t *acc2;  /* per id: shared code point terms where pairs find the candidates, ditto */
    uint8_t *csv;   /* per id: 2 + its character score (−1..99), once computed this query */
    uint64_t *live; /* per id a bit: acc[id] > 0 (a candidate of the current length), ditto */
    size_t acccap;  /* of each (a multiple of 64); the four are one block, from acc */
    uint32_t *csl;  /* the ids csv holds, cleared at the next query */
    size_t ncsl, cslcap;
    int formrec; /* the forms' record this query: −1 unread, 1 it allows the scan, 0 not */
    uint32_t nform[256]; /* with formrec 1: the source language's forms by length */
    /* the query's form with case kept (its masks), when it has a letter written in upper or
     * title case (cased 1; allocated on first need, freed with the context) */
    struct tm_shortq *kept;
    int cased;
} tm_shortq;

/* An entry of the top list. Ranking (docs/matching.md §2.1): score; at an equal score, a match
 * needing no agreement change first; then the character similarity of the normalised texts
 * (computed only when such a tie needs it: csim < 0 until then); then the later change date;
 * the higher usage count; the unrounded similarity; the lower id. */
typedef struct tm_top {
    int score;
    int check; /* an agreement change (ranks after an equal score without one) */
    double csim;
    int lcsub; /* the longest run of code points it shares with the query, as written (with csim) */
    double sim;
    int64_t changed;
    uint64_t usage;
    uint32_t id;
    uint16_t si, ti; /* its source and target variants (a unit may hold two of a language; at
                      * most JISR_VARIANTS_MAX, 4,096) */
    /* its source text, in the query's read transaction (valid to the query's end): an entry
     * and a candidate of the same text have the same character keys (score.c) */
    const char *txt;
    size_t tn;
} tm_top;

/* Tags of one text, in text order (placeable.c). */
typedef struct tm_taglist {
    tm_tag *t; /* kinds and markup, in the order the placeholders occur */
    size_t n, cap;
    uint32_t *idx; /* each one's placeholder index (U+E000 + idx) */
    size_t idxcap;
    tm_str *markup; /* markup by placeholder index */
    size_t nmarkup, mcap;
} tm_taglist;

/* Scratch of placeables (placeable.c). */
typedef struct tm_place {
    tm_toks tt;      /* the stored target's tokens */
    const char *ttp; /* the text tt holds the tokens of (tm_place_target), or NULL */
    size_t ttn;
    char *const *ttags; /* the markup of that text's tags (its words with tags inside, §1.4) */
    size_t nttags;
    tm_num *qn, *sn, *tnum;
    size_t qncap, sncap, tncap;
    tm_num *fq; /* a fuzzy match: the query's number for each source number (fuzzy_numbers) */
    size_t fqcap;
    size_t *qk, *sk; /* with fq: the token index of each number of the query, of the source */
    size_t qkcap, skcap;
    int *t2q;
    size_t t2qcap;
    int state;      /* JISR_TM_NUMBERS_* of the last tm_match_numbers */
    size_t nchange; /* its substituted numbers that change agreement class */
    int kinds;      /* JISR_TM_DIFFER_*: what the texts differ in, when only numbers or codes; in a
                     * fuzzy match (JISR_TM_DIFFER_MORE) what was substituted or was not */
    tm_taglist tl[2]; /* the stored source's and target's tags (tm_place_tags) */
} tm_place;

/* Compound sites of a text (score.c): j2[i] = the key hash of words i and i + 1 joined, j3[i] =
 * of words i and i + 2 joined around a hyphen at i + 1 (0: none); any = 1 when some is set. */
typedef struct tm_joins {
    uint64_t *j2, *j3;
    size_t cap, cap3;
    int any;
} tm_joins;

/** The compound sites of t; only joins whose key length is in lenmask are computed (bit k: a
 * key of k bytes, bit 63: 63 bytes or more; ~0 for all). */
int tm_joins_of(const tm_toks *t, uint64_t lenmask, tm_joins *j);
/** The key-length mask of t's words (for tm_joins_of on the other text). */
uint64_t tm_key_lengths(const tm_toks *t);
/** The distance of q against m with compounds (jq, jm: their sites, may be NULL), stopping
 * above maxd; row scratch of 4 × (m->n + 1) values. */
uint32_t tm_distance(jisr_tm_ctx *c, const tm_toks *q, const tm_joins *jq, const tm_toks *m,
                     const tm_joins *jm, uint32_t maxd, uint32_t *row);

/* The context's cache of vocabulary lookups (cand.c). */
#define TM_VCACHE 16384
typedef struct tm_vcache {
    uint64_t tag; /* hash of (language, word) | 1; 0 = empty */
    unsigned char has;
} tm_vcache;
/* and of near-word lookups: the keys of a word's near words, when it has at most TM_NCACHE_KEYS
 * (the same words come back query after query; a lookup reads and compares every vocabulary
 * word under the word's two signatures) */
#define TM_NCACHE 16384
#define TM_NCACHE_KEYS 256
typedef struct tm_ncache {
    uint64_t tag; /* hash of (language, word) | 1; 0 = empty */
    size_t n, cap;
    uint64_t *key;
} tm_ncache;

/* and of a rare index key's posting chunks in a query's length window (cand.c): the near words,
 * compound parts and joins of a query's words come back query after query (a third of the
 * lookups of the benchmark's first 200 queries repeat a key of an earlier query), and each read
 * is a cursor seek, most of them finding nothing. An entry holds the chunks of buckets [lo, hi]
 * when there were at most 16 (a later window inside it is served from them), or more = 1; sets of
 * four ways, so that keys of one slot do not evict each other query after query. The
 * chunks point into the memory's pages of one committed state: the cache is valid for one read
 * transaction id and one mapping of the file (jisr_tm.map_gen). */
#define TM_KCACHE 16384
typedef struct tm_kcache {
    uint64_t key, lh; /* the index key and its language's hash, compared whole */
    tm_chunk *ch;
    uint32_t n, cap;
    unsigned char lo, hi, more, valid;
} tm_kcache;

/* The order-aware filter of the index path (score.c): for each unit token, which of the query's
 * heavy tokens it could pair with cheaply (same key, a shared signature, both numbers, a split
 * part), as bit masks over the query's heavy positions, for a bit-parallel LCS. */
typedef struct tm_lcs {
    int ready, usable;
    size_t nw; /* 64-bit words per mask */
    struct {
        uint64_t key; /* hk, or a signature hash | (1 << 63) (P) / (2 << 62) (S); 0 = empty */
        uint32_t row;
    } * tab;
    size_t tabcap, tabmask;
    uint64_t *masks; /* row × nw words; row 0 = numbers */
    size_t maskcap, nrows;
    uint64_t *v, *t; /* the LCS vector and a scratch mask */
    size_t vcap, tcap;
    struct {
        uint64_t key;
        uint32_t pos;
    } * split; /* split parts of query words: (key, token position) */
    size_t nsplit, splitcap;
} tm_lcs;

/** Build the filter's masks for the query (after cand.c has listed its split parts). */
int tm_lcs_prepare(jisr_tm_ctx *c);

/* code points below this (Latin, Greek, Cyrillic, Hebrew, Arabic) find their match vector of the
 * tie's character similarity in a direct table (score.c) */
#define TM_PDIR 0x700

/* A query context: everything one query needs besides the handle, kept between queries so
 * that a thread's queries allocate nothing in the usual case. One thread at a time. */
struct jisr_tm_ctx {
    jisr_tm *tm;
    struct jisr_tm_ctx *next; /* in the handle's pool */
    /* the query being answered */
    tm_txn t;
    const jisr_tm_query_opts *o;
    const char *text;
    size_t tlen;
    double deadline; /* jisr_now() after which the query gives up; 0 = never */
    int late;        /* the deadline has passed */
    tm_toks q, m;
    uint32_t *row; /* the distance's two rows */
    size_t rowcap;
    tm_top *best; /* the top list, best first */
    size_t nbest, bestcap;
    uint64_t scored;
    uint32_t *acc; /* shared-term count per id, all zero between queries (cand.c) */
    size_t acccap;
    uint8_t *acc8; /* the same in a byte per id, for queries whose terms count at most 63 */
    size_t acc8cap;
    uint64_t id_limit; /* the memory's next_id, read once a query by tm_indexed: a posting id at
                        * or above it is damage (cand.c, short.c) */
    uint64_t *mark;    /* one bit per id: listed by the group being read (cand.c), zero between */
    size_t markcap;    /* in ids (a multiple of 64) */
    tm_rec rec;
    /* the concordance's */
    tm_toks ct;
    /* placeables, the query's tags (when the options give them), filters, ties */
    tm_place pl;
    tm_taglist qtags;
    int has_qtags;
    /* a plain query's format codes read as <ph> tags (phcode.c, docs/matching.md §2.3b): its
     * tags pair only with the stored source's code placeholders, all of them or no match, and
     * the stored target keeps its tags, those codes written as the query's */
    int codes_as_tags;
    int64_t since; /* changed_since, unix s; INT64_MIN: none */
    tm_rec rec2;   /* a top entry's record, fetched again for a tie */
    /* the character similarity of ties (score.c): the query's code points and their match
     * vectors (built on the first tie of a query), a candidate's code points, the vectors */
    uint32_t *qcp, *cb;
    size_t qm, qcpcap, cbcap;
    struct {
        uint32_t cp, row;
    } * ptab;
    size_t ptabcap, ptabmask;
    uint64_t *peq, *pv;
    size_t peqcap, pvcap, qb;
    int peq_ready;
    uint16_t pdir[TM_PDIR]; /* row + 1 of a code point under TM_PDIR (0: not in the query) */
    tm_joins qj, mj;        /* compound sites of the query and of the candidate */
    uint32_t ksplit;        /* query words with a split into two vocabulary words (cand.c) */
    int pass_min;           /* the threshold of the index's current pass (cand.c), 0 outside */
    int repass;             /* a pass before this one may have listed units (skip them) */
    tm_vcache vcache[TM_VCACHE];
    tm_ncache *ncache; /* TM_NCACHE entries, allocated on first use */
    tm_kcache *kcache; /* TM_KCACHE entries, allocated on first use */
    unsigned kturn;    /* the way of a full set that is replaced next */
    /* the entries of each that hold an allocation (key, ch), so that freeing the context reads
     * only their pages: a short-lived context (jisr query) touches few of the caches' pages,
     * and reading the others would fault each in (about 290 at 4 KiB) */
    uint64_t nheld[TM_NCACHE / 64], kheld[TM_KCACHE / 64];
    tm_lcs lcs;
    size_t vcache_txn;         /* the transaction id the cache is valid for */
    unsigned long vcache_gen;  /* and the map's generation (the chunks point into it) */
    unsigned long vcache_snap; /* and the directory's serial (0 none: tm_chunk.ids into it) */
    int vcache_used;           /* an entry was written since the cache was last cleared */
    uint32_t kcomp;            /* compound sites of the query: splits and joins */
    uint64_t qlens;            /* the query's key lengths */
    /* Candidates tokenized in a pass above the query's min (cand.c), kept for the later passes of
     * the same query, which may score them again (score.c): their tokens by id, direct-mapped;
     * tctag = query serial << 32 | id (0: empty). Allocated on first use. */
    tm_toks *tc;
    uint64_t *tctag;
    /* Where the records of units read by this query lie (the read transaction's pages, valid to
     * its end): TM_RCACHE slots by id, tagged as tctag (tm_unit_rec). */
    MDB_val *trec;
    uint64_t *trtag;
    tm_cur ucur;      /* the units' cursor of the query (tm_unit_rec opens it; closed at its end) */
    uint32_t qserial; /* counts the context's queries (match.c) */
    tm_shortq sh;     /* the query's character form when it is short (short.c) */
    struct tm_qidx *qx; /* the index path's scratch arrays, kept between queries (cand.c) */
};
#define TM_TCACHE 256
#define TM_RCACHE 1024

/* cand.c */
/** Score every unit (the oracle, and what very low thresholds need). */
int tm_scan_all(jisr_tm_ctx *c);
/** Candidates from the index, bucket by bucket, each scored. */
int tm_indexed(jisr_tm_ctx *c);
/** Free the index path's scratch (c->qx). */
void tm_qidx_free(struct tm_qidx *x);
/** Unit id's record in the query's transaction (*ud): 0, 1 when there is none (a deleted unit),
 * or negative. Where it lies is kept for the rest of the query (TM_RCACHE slots, direct-mapped,
 * tagged by query serial and id, as the kept tokens of score.c): a pass at a lower bar reads most
 * of the units the one before it read, the results are rendered from units the passes read, and
 * each read is a search of the units' B-tree. */
int tm_unit_rec(jisr_tm_ctx *c, uint32_t id, MDB_val *ud);

/* short.c */
/** The query's character form (after tokenizing it and beginning c->t): c->sh.n = 0 when it is
 * not short or the memory's character search is off (meta "chars"), which turns off both the
 * character search (tm_short_pass) and the character score (tm_score_rec) of this query. */
int tm_short_query(jisr_tm_ctx *c);
/** The character score of the query against tokenized unit m, penalty taken off; −1 when
 * either is not short. */
int tm_short_score(const jisr_tm_ctx *c, const tm_toks *m);
/** The character score cs (tm_short_score of m, ≥ 0) with case counted: cs less
 * TM_SHORT_CASE / 100 of what comparing the forms with case kept takes off it (mtext: the text m
 * was tokenized from). Never above cs, so every bound on cs bounds it too. */
int tm_short_case_score(const jisr_tm_ctx *c, const tm_toks *m, const char *mtext, int cs);
/** The character form of t with case kept (text: the text t was tokenized from): as
 * tm_short_form, each letter whose surface letter is in upper or title case or'ed with
 * TM_SHORT_UPPER; *marked tells whether any is. */
size_t tm_short_form_cased(const tm_toks *t, const char *text, uint32_t *cp, size_t lim,
                           int *marked);
/** The index path's character search at the current bar: every short unit whose character
 * score can reach it is scored (docs/matching.md §4.5). */
int tm_short_pass(jisr_tm_ctx *c);
/** The fewest edits that break every pair of adjacent code points at the positions (bits) of
 * mask (Lemma 7, docs/matching.md §4.5). */
size_t tm_short_edits_to_break(uint64_t mask);
/** The same for a mask of nw words (bit i of word w: the pair at 64·w + i). */
size_t tm_short_edits_to_break_n(const uint64_t *mask, size_t nw);
/** For tests: the Levenshtein distance of a[0..an) (an ≤ TM_SHORT_CAP) and b[0..bn) over code
 * points by the matcher's bit-parallel method (one or several 64-bit blocks); UINT32_MAX when
 * out of memory. */
uint32_t tm_short_lev(const uint32_t *a, size_t an, const uint32_t *b, size_t bn);
/** For tests: the bag bound runs on pair-found candidate sets of at least this many (default
 * 2048; set before querying, never during), and this thread's count of the lengths whose
 * candidates came from a location-based prefix. */
extern size_t tm_short_bag_min;
extern _Thread_local size_t tm_short_nlocated;
/** The scan of a length's stored forms (docs/matching.md §4.5), in a memory whose forms' record
 * stands at its next id and for a query of at most 64 code points: taken when the prefix of
 * code point terms holds at least tm_short_scan_pct % as many ids as the length has forms (0:
 * always, pair terms too; SIZE_MAX: never, nor by the next rule), or when the candidates left
 * after counting are at least 1 / tm_short_scan_alive of them (0: not by this rule); lanes: 0
 * the best the processor has, 1 the portable four lanes, 2 AVX2, 3 AVX2 and, for the form tables'
 * queries of 17–64 code points, AVX-512 (tests; set before querying).
 * tm_short_nscan counts this thread's scanned lengths, tm_short_nscanned the forms scored. */
extern size_t tm_short_scan_pct, tm_short_scan_alive;
extern int tm_short_lanes;
extern _Thread_local size_t tm_short_nscan, tm_short_nscanned;
/** The form tables (formtab.c, jisr_tm_warm): where the handle has them for the query's state,
 * a scanned length is read from them (tm_short_ntab counts this thread's forms so scored), so
 * are the forms of the candidates the counting leaves (lengths not scanned, queries of at most
 * 64 code points: tm_short_ntabc counts them), and the scan is chosen by these two constants
 * instead (same meaning as the two above); tm_short_ftab −1: never use them (tests, A/B). Set
 * before querying. */
extern size_t tm_short_tab_pct, tm_short_tab_alive;
extern int tm_short_ftab;
extern _Thread_local size_t tm_short_ntab, tm_short_ntabc;
/** The tables' signatures (docs/matching.md §4.5, Lemma 9): a group of forms none of whose
 * signatures allows the bar is not scored (tm_short_nsig counts this thread's forms so left);
 * tm_short_ftsig 0: never (tests, A/B). Set before querying. */
extern int tm_short_ftsig;
extern _Thread_local size_t tm_short_nsig;
/** A group of the tables of which at most tm_short_gather_max forms passed the signatures has
 * those gathered with others into a group of their own (short.c, scan_table; 0: never — tests,
 * A/B; set before querying); tm_short_ngath counts this thread's forms so gathered, and
 * tm_short_nlanes the lanes the tables' groups and stages ran (TM_FT_G a group). */
extern unsigned tm_short_gather_max;
extern _Thread_local size_t tm_short_ngath, tm_short_nlanes;
/** This thread's forms scored by the AVX-512 lanes of the form tables, and the columns (of the
 * AVX2 32-bit lanes: vectors of eight) whose masks were gathered (a symbol of 64 or more in the
 * language's numbering, formtab.h; for the AVX2 lanes, 32) instead of looked up (tests). */
extern _Thread_local size_t tm_short_n512, tm_short_ngather;
/** For tests: 1 when this processor runs the AVX2 lanes; the AVX-512 ones (AVX-512F); their
 * early stop on the diagonal (AVX512_VPOPCNTDQ: tm_short_has_vpop), which tm_short_novpop 1
 * turns off (the last row's bound instead: the same distances; set before querying). */
int tm_short_has_avx2(void);
int tm_short_has_avx512(void);
int tm_short_has_vpop(void);
extern int tm_short_novpop;

/* score.c */
/** Score the record in c->rec (unit id) against the query and offer it to the top list; cub is
 * an upper bound on the heavy tokens it shares with the query (UINT32_MAX: unknown), used for
 * exact filters before tokenizing. 0, or <0 on error. */
int tm_score_rec(jisr_tm_ctx *c, uint32_t id, uint32_t cub);
/** The score a unit must reach to change the result: min, or the last score of a full list. */
int tm_eff_min(const jisr_tm_ctx *c);
/** Whether the query's deadline has passed (checked every so often by long loops). */
int tm_late(jisr_tm_ctx *c);

/** Does the unit in c->rec pass the query's filters (props, changed_since)? */
int tm_filter_ok(const jisr_tm_ctx *c);
/** Character similarity of the query and the text bt[0..bn): 1 − LD / max length over their
 * code points as written (white space included, tag placeholders left out): among equal scores
 * the literally closest text first ("Open a Copy": "Open Copy" before "Save a Copy";
 * "Networks": "Network" before "_Network"; "Password:" before "Password: "). */
double tm_char_sim(jisr_tm_ctx *c, const char *bt, size_t bn);
/** tm_char_sim, and into *run the longest run of code points bt shares with the query (0 unless
 * the memory's character search is on, c->sh.lim; ranking, §2). */
double tm_char_keys(jisr_tm_ctx *c, const char *bt, size_t bn, int *run);
/* The tokens of unit id that scoring kept in this query (c->tc), NULL when not kept; valid
 * until the next unit is scored. */
const tm_toks *tm_kept_toks(const jisr_tm_ctx *c, uint32_t id);

/* placeable.c */
/** The numbers of a match (query q of text qt, stored source s of st, stored target tt[0..tn)):
 * sets p->state (JISR_TM_NUMBERS_*) and p->nchange; with out, the target with the query's
 * numbers is appended to it and the numbers that change class to *agree (realloc'd). */
int tm_match_numbers(tm_place *p, const char *qt, const tm_toks *q, const char *st,
                     const tm_toks *s, const char *tt, size_t tn, const char *tgtlang,
                     jisr_buf *out, jisr_tm_agree **agree, size_t *nagree);
/** Whether tm_match_copies may have something to do: the stored target tt repeats a token of
 * the stored source s that the query q does not write as s does (1), or not (0). Starts a
 * match's placeables: the target tokens kept in p from an earlier match are dropped. */
int tm_copies_possible(tm_place *p, const char *qt, const tm_toks *q, const char *st,
                       const tm_toks *s, const char *tt, size_t tn);
/** Copied tokens (docs/matching.md §2.2): s2q[i] is the query token the alignment pairs source
 * token i with (-1: none). The stored target tt with the query's surface in place of each
 * token it repeats from the source that the query writes otherwise (typography, case,
 * accelerators; or a code with digits): appended to out when *ncopied (the tokens replaced)
 * is not 0; out is left alone otherwise. */
int tm_match_copies(tm_place *p, const char *qt, const tm_toks *q, const char *st, const tm_toks *s,
                    const int32_t *s2q, const char *tt, size_t tn, jisr_buf *out, size_t *ncopied);
/** Accelerator markers (docs/matching.md §2.2): *state = JISR_TM_ACCEL_REMOVED, and the
 * target without its markers appended to out, when the query has none and the stored source
 * and target have as many; JISR_TM_ACCEL_MISSING when the query has one and neither the source
 * nor the target does; JISR_TM_ACCEL_STYLED, and the target with the query's marker character
 * appended to out, when the query, source and target have as many and the query writes them
 * all with one character the target does not use everywhere ('_' against '&');
 * JISR_TM_ACCEL_SAME otherwise (out left alone). */
int tm_match_accel(tm_place *p, const char *qt, const tm_toks *q, const char *st, const tm_toks *s,
                   const char *tt, size_t tn, jisr_buf *out, int *state);
/** The tags of text s[0..n) in text order, markup[k] being placeholder k's. */
int tm_text_tags(const char *s, size_t n, const tm_str *markup, size_t nmarkup, tm_tag **out,
                 size_t *cap, size_t *nout, uint32_t **idx, size_t *idxcap);
/** The tags of record variant v into p->tl[which] (0: source, 1: target). */
int tm_place_tags(tm_place *p, const tm_rec *r, const tm_rvar *v, int which);
/** The stored target tt (tags in p->tl[1], the source's in p->tl[0]) with the query's tags (q):
 * appended to out; sets m->tag_diff, m->unmapped, m->missing. */
int tm_map_target(tm_place *p, const char *tt, size_t tn, const tm_taglist *q, jisr_buf *out,
                  jisr_tm_match *m);
void tm_place_free(tm_place *p);

/* match.c */
/** jisr_tm_ctx_query in one pass: the query as it is. */
int tm_ctx_query_one(jisr_tm_ctx *c, const char *text, const jisr_tm_query_opts *opts,
                     jisr_tm_matches *out);
/** Free one match's strings and arrays (the struct zeroed). */
void tm_match_clear(jisr_tm_match *x);
/** opts, or a copy in tmp with max_results 0 (a memset struct) made the default. */
const jisr_tm_query_opts *tm_query_opts_of(const jisr_tm_query_opts *opts, jisr_tm_query_opts *tmp);

/* phcode.c */
/** jisr_tm_ctx_query: a query whose declared tags include code placeholders asked both with them
 * as tags and with them as text, and a plain query with format codes both as it is and with
 * them as tags; the better match of each unit kept (docs/matching.md §2.3b); any other query in
 * one pass. */
int tm_query_phcodes(jisr_tm_ctx *c, const char *text, const jisr_tm_query_opts *o,
                     jisr_tm_matches *out);

/** Reading C of plain queries on (1, the default) or off (0: measurements, one process). */
extern int tm_phcode_plain;
/** A second reading's threshold raised to A's last score when A's list is full (1, the
 * default), or left at --min (0: tests, which compare the two). */
extern int tm_phcode_floor;
/** Plain queries asked in reading C (tests). */
extern atomic_ulong tm_phcode_cruns;
/** Reading C of a plain query (codes_as_tags): 1 when the stored source's tags l (p->tl[0]) hold
 * exactly as many code placeholders as q (the query's codes as tags, in text order) has tags,
 * *differ then the pairs, in order, whose codes differ (their bytes); 0 otherwise. */
int tm_code_pairs(const tm_taglist *l, const tm_taglist *q, size_t *differ);
/** Reading C: the stored target tt (tags in p->tl[1], the source's in p->tl[0]) with each code
 * placeholder that pairs, through the source, with one of the query's code tags (q) written as
 * that query code; appended to out. *changed: how many of those codes differ from the stored
 * one (the translation then says another code than it stored). */
int tm_codes_target(tm_place *p, const char *tt, size_t tn, const tm_taglist *q, jisr_buf *out,
                    size_t *changed);

/* multi.c */
/** The matcher's ranking of two matches (qsort order: better first): score; no agreement change
 * first; character similarity; the longest run shared with the query; later change; more usage;
 * similarity; the earlier memory; the lower id. */
int tm_match_rank_cmp(const void *a, const void *b);

/* diff.c */
/** Fill m (the caller's result) for top entry b: texts, word diff, placeables. */
int tm_fill_match(jisr_tm_ctx *c, const tm_top *b, jisr_tm_match *m);
/** The cost of the alignment the diff is made from (hirschberg: by Hirschberg's method whatever
 * the size), checking that it covers every token once and in order (tests). */
int tm_align_cost(const tm_toks *q, const tm_toks *m, int hirschberg, uint32_t *cost);

#endif
