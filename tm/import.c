/*
 * import.c — batched import: units are tokenized and packed in memory, then written batch by
 * batch in LMDB write transactions (all or nothing per batch).
 *
 * A file import runs on three threads, because on a 1,000,000-unit TMX each stage costs a few
 * microseconds per unit and none dominates: the parse ("jisr-read": the TMX reader, encoding
 * each unit into the spill, see "files" below), the preparing thread ("jisr-prep": decoding the
 * units; tokenizing, hashing, packing records and posting keys) and the writer ("jisr-writer",
 * LMDB); the caller waits.
 *
 * Per batch the writer merges duplicates: a unit whose normalised variants equal those of a
 * stored unit, or of an earlier new unit, is merged into it (usage counts add up, the creation
 * date keeps the earliest, change and last-use dates the latest). Candidates come from an
 * in-memory index of dedupe hashes, loaded from the memory's append-only dedupe runs (one per
 * batch: a B-tree of hashes took ~2 µs per random insert and lookup). New units get ids from
 * meta "next_id" (ids only grow, so records go in with MDB_APPEND). Postings of the batch's
 * units are collected as (term key, index in the batch) pairs in groups by the key's top bits,
 * each group sorted by key (stable, so units stay in order) when the batch is handed over; the
 * writer maps indexes to ids and writes one delta-coded chunk per key and batch (appended to the
 * key's last chunk while that is small): a million-unit import makes a few million B-tree
 * insertions instead of tens of millions, and rare terms keep one small chunk each. An import
 * reserves map room for its file first; should the map still fill, the transaction is aborted, the
 * map doubled and the batches of the transaction written again from memory.
 *
 * Files are strict by default: nothing is committed before the parse has read the whole file
 * without error (the gate), so a bad file changes nothing. Meanwhile the writer already writes
 * the first batches into one open transaction (up to GATE_QUEUE_BATCHES of them are held in
 * memory), which it commits once the gate opens; after that every batch is one transaction, so
 * a killed import keeps exactly the batches committed, always whole batches in file order. The
 * alternative, one transaction per file, would hold a whole file's batches and turn an
 * interrupted big import into nothing at all.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "text/text.h"
#include "tm/tm_int.h"

#define DEFAULT_BATCH 200000
#define QUEUE_BATCHES 2 /* full batches waiting for the writer, at most */
/* ... and while the file is still being parsed (a strict import commits nothing before): the
 * tokenizing goes on meanwhile, up to this many batches held in memory (~165 MB each) */
#define GATE_QUEUE_BATCHES 4
#define MERGE_MAX 256 /* a chunk smaller than this (bytes) is extended instead of adding one */
#define PBITS 10      /* a batch's postings are grouped by the top PBITS bits of their key */

typedef struct pend {
    uint64_t dkey;
    size_t rec_off, rec_len;
    uint32_t id; /* 0 = merged into an existing unit */
} pend;

/* A posting of a batch: term key and the unit's index in the batch (12 bytes: a batch holds
 * millions). */
typedef struct
#if defined(__GNUC__)
    __attribute__((packed))
#endif
    post_ent {
    uint64_t key;
    uint32_t idx;
} post_ent;

typedef struct post_grp {
    post_ent *v;
    size_t n, cap;
} post_grp;

typedef struct lang_count {
    char lang[48];
    int64_t n;
} lang_count;

/* One batch of prepared units: packed records and posting keys, written in one transaction. */
typedef struct batch {
    pend *p;
    size_t np, pcap;
    jisr_buf recs;
    post_grp grp[1u << PBITS]; /* postings by the top bits of their key, each sorted when the
                                * batch is queued */
    uint64_t skipped;          /* units skipped while this batch filled */
    uint64_t added, merged;    /* what writing it did (batch_write) */
    lang_count langs[16]; /* variants per language of the batch's units (merged ones included) */
    size_t nlangs;
    int langs_over; /* more languages than langs holds: the writer counts them from the records */
    struct batch *next;
} batch;

/* The dedupe index in memory: dedupe key → id, open addressing (an empty slot has id 0; ids
 * start at 1), several ids per key allowed (different units whose hashes collide). It mirrors
 * the memory's `dedupe` runs (store.c), loaded when the first batch is written and topped up
 * with the runs other writers add meanwhile; entries of deleted units stay and are skipped when
 * their record is not found. */
typedef struct dslot {
    uint64_t dkey;
    uint32_t id;
} dslot;
typedef struct dset {
    dslot *v;
    size_t cap, n; /* cap: a power of two, or 0 */
} dset;

struct jisr_tm_import {
    jisr_tm *tm;
    jisr_tm_import_opts opts;
    jisr_tm_import_stats st; /* the caller's view: read by the producer, the rest as reported */
    /* producer (the caller's thread): tokenizes and packs units into cur */
    batch *cur;
    tm_toks toks;
    jisr_variant *vs;
    size_t vscap;
    uint64_t *terms;
    size_t tcap;
    /* strict file import: 1 when the file is parsed without error, 0 not yet, <0 it failed
     * (wait: block until the parse ends) */
    int (*gate)(void *ctx, int wait);
    void *gate_ctx;
    /* writer thread: commits queued batches in order */
    pthread_t th;
    int th_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch *qhead, *qtail, *spare;
    size_t qunits;     /* units queued or being written */
    size_t committing; /* of which in the transaction being committed (counted as one batch) */
    int closing;       /* no more batches will come: the writer ends when the queue is empty */
    int gate_open;     /* the writer has passed the gate (or there is none) */
    int drop;          /* discard what is queued (the import is abandoned) */
    int werr;          /* sticky error of the writer (then err holds its detail) */
    jisr_error err;
    jisr_tm_import_stats wst; /* committed so far, updated by the writer */
    post_ent *ptmp;           /* producer's scratch for sorting a group */
    size_t ptmpcap;
    uint64_t *ukeys; /* the unit being added: its posting keys */
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
    lang_count langs[64];
    size_t nlangs;
    dset known;          /* the memory's dedupe index, complete for ids below known_upto */
    uint64_t known_upto; /* 0 = not loaded yet */
    dset inbatch;        /* new units of the batch being written: dedupe key → index + 1 */
    jisr_buf run;        /* the batch's dedupe run being built */
    tm_rec rec, rec2;
};

/* Count one variant of language l in the table v (of cap entries, *n used); 1 when it does not
 * fit (the caller counts it another way). */
static int lang_add(lang_count *v, size_t *n, size_t cap, const char *l, size_t len, int64_t d)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen(v[i].lang) == len && memcmp(v[i].lang, l, len) == 0) {
            v[i].n += d;
            return 0;
        }
    if (*n == cap || len >= sizeof v[0].lang)
        return 1;
    lang_count *c = &v[(*n)++];
    memcpy(c->lang, l, len);
    c->lang[len] = '\0';
    c->n = d;
    return 0;
}

/* room for n entries in all (at most half full) */
static int dset_reserve(dset *s, size_t n)
{
    while (2 * n > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        dslot *v = calloc(cap, sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i].id) {
                size_t j = (size_t)s->v[i].dkey & (cap - 1);
                while (v[j].id)
                    j = (j + 1) & (cap - 1);
                v[j] = s->v[i];
            }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    return 0;
}

static int dset_put(dset *s, uint64_t dkey, uint32_t id)
{
    int rc = dset_reserve(s, s->n + 1);
    if (rc < 0)
        return rc;
    size_t j = (size_t)dkey & (s->cap - 1);
    while (s->v[j].id)
        j = (j + 1) & (s->cap - 1);
    s->v[j].dkey = dkey;
    s->v[j].id = id;
    s->n++;
    return 0;
}

/* First slot at or after *pos holding dkey (start with *pos = dkey & (cap - 1)); 0 = none. */
static uint32_t dset_next(const dset *s, uint64_t dkey, size_t *pos)
{
    if (!s->cap)
        return 0;
    for (size_t j = *pos;; j = (j + 1) & (s->cap - 1)) {
        if (!s->v[j].id)
            return 0;
        if (s->v[j].dkey == dkey) {
            *pos = (j + 1) & (s->cap - 1);
            return s->v[j].id;
        }
    }
}

static void dset_clear(dset *s)
{
    if (s->v)
        memset(s->v, 0, s->cap * sizeof *s->v);
    s->n = 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* insertion sort: a sentence has a few dozen terms, where qsort's overhead dominates */
static void sort_u64(uint64_t *a, size_t n)
{
    if (n > 64) {
        qsort(a, n, sizeof *a, cmp_u64);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint64_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

/* The dedupe key of n variants from their language hashes (tm_lang_hash) and normalised-text
 * hashes: a hash of the sorted pairs, so the order of the variants does not matter. */
static uint64_t dedupe_key(const uint64_t *lh, const uint64_t *nh, size_t n)
{
    uint64_t pairs[TM_MAX_VARIANTS];
    for (size_t i = 0; i < n; i++)
        pairs[i] = lh[i] * 31 + nh[i];
    sort_u64(pairs, n);
    return tm_hash(pairs, n * sizeof pairs[0], 0x64757065ULL);
}

uint64_t tm_dedupe_key(const tm_rec *r)
{
    uint64_t lh[TM_MAX_VARIANTS], nh[TM_MAX_VARIANTS];
    char lang[64];
    for (uint32_t i = 0; i < r->nvar; i++) {
        size_t n = r->var[i].lang.n < sizeof lang - 1 ? r->var[i].lang.n : sizeof lang - 1;
        memcpy(lang, r->var[i].lang.p ? r->var[i].lang.p : "", n);
        lang[n] = '\0';
        lh[i] = tm_lang_hash(lang);
        nh[i] = r->var[i].nhash;
    }
    return dedupe_key(lh, nh, r->nvar);
}

/* the same normalised variants (as a multiset of language + text hash) */
static int same_unit(const tm_rec *a, const tm_rec *b)
{
    if (a->nvar != b->nvar)
        return 0;
    uint64_t x[TM_MAX_VARIANTS], y[TM_MAX_VARIANTS];
    char lang[64];
    for (int pass = 0; pass < 2; pass++) {
        const tm_rec *r = pass ? b : a;
        uint64_t *o = pass ? y : x;
        for (uint32_t i = 0; i < r->nvar; i++) {
            size_t n = r->var[i].lang.n < sizeof lang - 1 ? r->var[i].lang.n : sizeof lang - 1;
            memcpy(lang, r->var[i].lang.p ? r->var[i].lang.p : "", n);
            lang[n] = '\0';
            o[i] = tm_lang_hash(lang) * 31 + r->var[i].nhash;
        }
        sort_u64(o, r->nvar);
    }
    return memcmp(x, y, a->nvar * sizeof x[0]) == 0;
}

static void batch_free(batch *b)
{
    if (!b)
        return;
    free(b->p);
    for (size_t g = 0; g < (1u << PBITS); g++)
        free(b->grp[g].v);
    jisr_buf_free(&b->recs);
    free(b);
}

int jisr_tm_import_begin(jisr_tm *tm, const jisr_tm_import_opts *opts, jisr_tm_import **out)
{
    if (tm->rdonly)
        return jisr_error_set(JISR_EREADONLY, tm->dir, 0, 0, "memory opened read-only");
    jisr_tm_import *imp = calloc(1, sizeof *imp);
    if (!imp || !(imp->cur = calloc(1, sizeof *imp->cur))) {
        free(imp);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    imp->tm = tm;
    imp->gate_open = 1; /* until a gate is set (jisr_tm_import_file) */
    imp->toks.flags = TM_TOKS_NO_SURFACE;
    if (opts)
        imp->opts = *opts;
    if (!imp->opts.batch_units)
        imp->opts.batch_units = DEFAULT_BATCH;
    if (imp->opts.batch_units > (1u << 30)) /* a posting holds a unit's index in 32 bits */
        imp->opts.batch_units = 1u << 30;
    pthread_mutex_init(&imp->mu, NULL);
    pthread_cond_init(&imp->cv, NULL);
    *out = imp;
    return 0;
}

const jisr_tm_import_stats *jisr_tm_import_stats_get(const jisr_tm_import *imp)
{
    return &imp->st;
}

static int grow_arr(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *n = realloc(*p, c * elem);
    if (!n)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    *p = n;
    *cap = c;
    return 0;
}

static int64_t meta_date(const char *s, int64_t dflt)
{
    int64_t t = tm_date_parse(s);
    return t == INT64_MIN ? dflt : t;
}

static int enqueue(jisr_tm_import *imp);

/* Keep the first of each term in t[0..n) (a posting per term and unit): a small hash table
 * whose slots are stamped per call, so nothing is cleared; sorting did the same at ~5 times the
 * cost. Returns the number kept. */
static size_t distinct_terms(jisr_tm_import *imp, uint64_t *t, size_t n)
{
    size_t m = 0;
    if (n > 128) { /* rare: sort */
        sort_u64(t, n);
        for (size_t k = 0; k < n; k++)
            if (k == 0 || t[k] != t[k - 1])
                t[m++] = t[k];
        return m;
    }
    if (++imp->tgen == 0) { /* the stamps wrapped: clear once */
        memset(imp->tset, 0, sizeof imp->tset);
        imp->tgen = 1;
    }
    for (size_t k = 0; k < n; k++) {
        unsigned h = (unsigned)((t[k] * 0x9E3779B97F4A7C15ULL) >> 56);
        while (imp->tset[h].gen == imp->tgen && imp->tset[h].term != t[k])
            h = (h + 1) & 255;
        if (imp->tset[h].gen != imp->tgen) {
            imp->tset[h].gen = imp->tgen;
            imp->tset[h].term = t[k];
            t[m++] = t[k];
        }
    }
    return m;
}

int jisr_tm_import_add(jisr_tm_import *imp, const jisr_unit *u)
{
    int rc;
    batch *b = imp->cur;
    imp->st.read++;
    if ((rc = grow_arr((void **)&imp->vs, &imp->vscap, u->nvariants + 1, sizeof *imp->vs)) < 0)
        return rc;
    uint32_t nw[TM_MAX_VARIANTS], w1[TM_MAX_VARIANTS];
    uint64_t nh[TM_MAX_VARIANTS];
    size_t nv = 0, nuk = 0;
    uint64_t seen_lang[TM_MAX_VARIANTS];
    for (size_t i = 0; i < u->nvariants && nv < TM_MAX_VARIANTS; i++) {
        const jisr_variant *v = &u->variants[i];
        if (!v->text || !v->lang)
            continue;
        if ((rc = tm_tokenize(v->text, strlen(v->text), &imp->toks)) < 0)
            return rc;
        if (imp->toks.n == 0)
            continue;
        imp->vs[nv] = *v;
        nw[nv] = imp->toks.nheavy;
        w1[nv] = imp->toks.w100;
        nh[nv] = tm_toks_text_hash(&imp->toks);
        uint64_t lh = tm_lang_hash(v->lang);
        int first = 1;
        for (size_t k = 0; k < nv; k++)
            if (seen_lang[k] == lh)
                first = 0;
        seen_lang[nv] = lh;
        nv++;
        if (!first) /* only the first variant of a language is indexed (and matched) */
            continue;
        size_t nt = 0;
        if ((rc = grow_arr((void **)&imp->terms, &imp->tcap, imp->toks.n + 1, 8)) < 0)
            return rc;
        size_t nnum = 0;
        for (size_t k = 0; k < imp->toks.n; k++)
            if (imp->toks.v[k].kind == TM_WORD)
                imp->terms[nt++] = imp->toks.v[k].hk;
            else if (imp->toks.v[k].kind == TM_NUMBER)
                imp->terms[nt++] = tm_num_term(nnum++);
        nt = distinct_terms(imp, imp->terms, nt);
        unsigned bucket = tm_bucket(imp->toks.w100);
        if ((rc = grow_arr((void **)&imp->ukeys, &imp->ukcap, nuk + nt, 8)) < 0)
            return rc;
        for (size_t k = 0; k < nt; k++)
            imp->ukeys[nuk++] = tm_post_key(lh, imp->terms[k], bucket);
    }
    if (nv < 2) { /* nothing to translate from or to */
        b->skipped++;
        return 0;
    }
    jisr_unit shallow = *u;
    shallow.variants = imp->vs;
    shallow.nvariants = nv;
    int64_t now = (int64_t)time(NULL);
    int64_t created = meta_date(u->meta.creationdate, now);
    uint64_t usage = u->meta.usagecount > 0 ? (uint64_t)u->meta.usagecount : 1;
    size_t off = b->recs.len;
    if ((rc = tm_rec_encode(&shallow, nw, w1, nh, usage, created,
                            meta_date(u->meta.changedate, INT64_MIN),
                            meta_date(u->meta.lastusagedate, INT64_MIN), &b->recs)) < 0)
        return rc;
    if ((rc = grow_arr((void **)&b->p, &b->pcap, b->np + 1, sizeof *b->p)) < 0)
        return rc;
    for (size_t k = 0; k < nuk; k++) {
        post_grp *g = &b->grp[imp->ukeys[k] >> (64 - PBITS)];
        if (g->n == g->cap && (rc = grow_arr((void **)&g->v, &g->cap, g->n + 1, sizeof *g->v)) < 0)
            return rc;
        g->v[g->n].key = imp->ukeys[k];
        g->v[g->n].idx = (uint32_t)b->np;
        g->n++;
    }
    pend *p = &b->p[b->np++];
    p->rec_off = off;
    p->rec_len = b->recs.len - off;
    p->id = 0;
    p->dkey = dedupe_key(seen_lang, nh, nv); /* = tm_dedupe_key of the record */
    for (size_t v = 0; v < nv && !b->langs_over; v++)
        b->langs_over = lang_add(b->langs, &b->nlangs, sizeof b->langs / sizeof b->langs[0],
                                 imp->vs[v].lang, strlen(imp->vs[v].lang), 1);
    if (b->np >= imp->opts.batch_units)
        return enqueue(imp);
    return 0;
}

/* Stable sort of posting entries by key (the units of one key stay in batch order, as added):
 * MSD radix on 8-bit digits from the top (a batch's postings are already split by the top PBITS
 * bits into groups that fit in the cache). Keys are hashes, so each pass splits a group evenly;
 * groups of 32 or fewer are finished by insertion, and digits that every key of a group shares
 * (a frequent term) are skipped without moving anything. Data starts in a; the result goes to a
 * when into_a, else to t; the other array is scratch. */
static void msd_sort(post_ent *a, post_ent *t, size_t n, int shift, int into_a)
{
    if (n <= 32 || shift < 0) {
        for (size_t i = 1; i < n; i++) {
            post_ent v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1].key > v.key) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        if (!into_a)
            memcpy(t, a, n * sizeof *a);
        return;
    }
    size_t c[257];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < n; i++)
        c[((a[i].key >> shift) & 0xFF) + 1]++;
    if (c[((a[0].key >> shift) & 0xFF) + 1] == n) { /* one digit for all: go to the first
                                                     * digit that differs, if any */
        uint64_t diff = 0;
        for (size_t i = 1; i < n; i++)
            diff |= a[i].key ^ a[0].key;
        if (!diff) { /* one key: already in order */
            if (!into_a)
                memcpy(t, a, n * sizeof *a);
            return;
        }
        msd_sort(a, t, n, (63 - __builtin_clzll(diff)) / 8 * 8, into_a);
        return;
    }
    for (int d = 0; d < 256; d++)
        c[d + 1] += c[d];
    size_t pos[256];
    memcpy(pos, c, sizeof pos);
    for (size_t i = 0; i < n; i++)
        t[pos[(a[i].key >> shift) & 0xFF]++] = a[i];
    for (int d = 0; d < 256; d++)
        if (c[d + 1] > c[d])
            msd_sort(t + c[d], a + c[d], c[d + 1] - c[d], shift - 8, !into_a);
}

/* Sort one group (all its keys share the top PBITS bits) stably by key: a counting sort on the
 * next bits, as many as give ~4 entries a bucket, into t, then each bucket by msd_sort back into
 * a (a bucket of a few entries is an insertion; one holding a frequent key, or two, is split
 * further on the digits where they differ). t has room for n entries. */
static void group_sort(post_ent *a, post_ent *t, size_t n)
{
    if (n <= 64) {
        msd_sort(a, t, n, 64 - PBITS - 8, 1); /* insertion */
        return;
    }
    unsigned bits = 63 - (unsigned)__builtin_clzll((unsigned long long)n) - 2;
    bits = bits < 8 ? 8 : bits > 14 ? 14 : bits;
    int shift = 64 - PBITS - (int)bits;
    size_t nb = (size_t)1 << bits, mask = nb - 1;
    size_t c[(1u << 14) + 1];
    memset(c, 0, (nb + 1) * sizeof c[0]);
    for (size_t i = 0; i < n; i++)
        c[((a[i].key >> shift) & mask) + 1]++;
    for (size_t d = 0; d < nb; d++)
        c[d + 1] += c[d];
    for (size_t i = 0; i < n; i++)
        t[c[(a[i].key >> shift) & mask]++] = a[i];
    /* c[d] is now the end of bucket d: most hold a few entries, sorted here by insertion */
    for (size_t d = 0, s = 0; d < nb; s = c[d++]) {
        size_t m = c[d] - s;
        if (m > 16) {
            msd_sort(t + s, a + s, m, shift - 8, 0);
            continue;
        }
        for (size_t i = 0; i < m; i++) {
            post_ent v = t[s + i];
            size_t j = s + i;
            while (j > s && a[j - 1].key > v.key) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
    }
}

/* Write the postings pe[0..ne) of one top-bits group, sorted by key, of the batch whose units
 * got the ids id[idx] (0: merged, no posting), or base + idx when id is NULL (no unit merged:
 * the usual case, without a lookup per posting): one chunk per key, or the ids appended to the
 * key's last chunk while that is small. Returns 0; 1 with LMDB's error in *mrc; or <0. */
static int post_group(jisr_tm_import *imp, MDB_cursor *ec, const post_ent *pe, size_t ne,
                      const uint32_t *id, uint32_t base, int *mrc)
{
    int rc;
    for (size_t i = 0; i < ne;) {
        size_t j = i + 1;
        while (j < ne && pe[j].key == pe[i].key)
            j++;
        uint64_t pkey = pe[i].key;
        /* the key's new ids, ascending (batch order) */
        size_t nid = 0;
        if (!id)
            for (size_t x = i; x < j; x++)
                imp->ids[nid++] = base + pe[x].idx;
        else
            for (size_t x = i; x < j; x++)
                if (id[pe[x].idx])
                    imp->ids[nid++] = id[pe[x].idx];
        i = j;
        if (!nid)
            continue;
        const uint32_t *v = imp->ids;
        unsigned char key[12], old[MERGE_MAX];
        size_t oldn = 0;
        uint32_t last = 0;
        /* the key's last chunk, when small, takes the new ids (fewer, fuller chunks) */
        jisr_be_put(key, pkey, 8);
        memset(key + 8, 0xFF, 4);
        MDB_val k = {12, key}, d;
        rc = mdb_cursor_get(ec, &k, &d, MDB_SET_RANGE);
        if (rc == 0)
            rc = mdb_cursor_get(ec, &k, &d, MDB_PREV);
        else if (rc == MDB_NOTFOUND)
            rc = mdb_cursor_get(ec, &k, &d, MDB_LAST);
        if (rc && rc != MDB_NOTFOUND) {
            *mrc = rc;
            return 1;
        }
        /* room for the chunk: the old deltas, a count and a varint per id */
        jisr_buf_reset(&imp->out);
        if (jisr_buf_reserve(&imp->out, MERGE_MAX + 10 + 5 * (nid + 1)) < 0)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        if (rc == 0 && k.mv_size == 12 && memcmp(k.mv_data, key, 8) == 0 && d.mv_size < MERGE_MAX) {
            uint64_t cnt, dl;
            const unsigned char *p = d.mv_data, *end = p + d.mv_size;
            last = (uint32_t)(((unsigned)((unsigned char *)k.mv_data)[8] << 24) |
                              ((unsigned)((unsigned char *)k.mv_data)[9] << 16) |
                              ((unsigned)((unsigned char *)k.mv_data)[10] << 8) |
                              ((unsigned char *)k.mv_data)[11]);
            memcpy(key + 8, (unsigned char *)k.mv_data + 8, 4);
            p = tm_get_varint(p, end, &cnt);
            const unsigned char *deltas = p;
            for (uint64_t x = 1; p && x < cnt; x++) {
                p = tm_get_varint(p, end, &dl);
                last += (uint32_t)dl;
            }
            if (p && last < v[0]) {
                oldn = (size_t)(end - deltas);
                memcpy(old, deltas, oldn);
                tm_put_varint(&imp->out, cnt + nid);
                jisr_buf_append(&imp->out, old, oldn);
                tm_put_varint(&imp->out, v[0] - last);
                oldn = 1;
            }
        }
        if (!oldn) {
            jisr_be_put(key + 8, v[0], 4);
            tm_put_varint(&imp->out, nid);
        }
        for (size_t x = 1; x < nid; x++) /* within the reservation: cannot fail */
            tm_put_varint(&imp->out, v[x] - v[x - 1]);
        MDB_val nk = {12, key}, nd = {imp->out.len, imp->out.data};
        if ((rc = mdb_cursor_put(ec, &nk, &nd, 0)) != 0) {
            *mrc = rc;
            return 1;
        }
    }
    return 0;
}

/* Write batch b into the open write transaction txn: 0, 1 when the map is full, or <0 (the
 * caller aborts the transaction then). The batch's dedupe entries join imp->known at once, so
 * that the next batch of the same transaction finds them; an aborted transaction must forget
 * them (known_forget). */
static int batch_write(jisr_tm_import *imp, MDB_txn *txn, batch *b)
{
    jisr_tm *tm = imp->tm;
    MDB_cursor *ec = NULL, *uc = NULL; /* uc: appends to units (no descent from the root) */
    int rc;
    uint64_t next_id;
    uint64_t *added = &b->added, *merged = &b->merged;
    imp->nlangs = 0;
    *added = *merged = 0;
    if ((rc = tm_meta_get_u64(txn, tm, "next_id", &next_id)) < 0)
        goto fail;
    if (next_id == 0)
        next_id = 1;
    uint64_t first_id = next_id;
    /* the dedupe index: loaded on the first batch, then topped up with the runs of units other
     * writers added since our last commit (runs are keyed by their first id) */
    if (imp->known_upto != next_id) {
        if ((rc = mdb_cursor_open(txn, tm->dedupe, &ec)) != 0)
            goto db;
        unsigned int from = (unsigned int)imp->known_upto;
        MDB_val k = {sizeof from, &from}, d;
        for (rc = mdb_cursor_get(ec, &k, &d, MDB_SET_RANGE); rc == 0;
             rc = mdb_cursor_get(ec, &k, &d, MDB_NEXT)) {
            const unsigned char *e = d.mv_data;
            for (size_t x = 0; x + 12 <= d.mv_size; x += 12) {
                uint64_t dk;
                uint32_t id;
                memcpy(&dk, e + x, 8);
                memcpy(&id, e + x + 8, 4);
                if (id && (rc = dset_put(&imp->known, dk, id)) < 0)
                    goto fail;
            }
        }
        if (rc != MDB_NOTFOUND)
            goto db;
        mdb_cursor_close(ec);
        ec = NULL;
        imp->known_upto = next_id;
    }
    /* 1. Each unit in file order: merged into a stored unit with the same normalised variants,
     * else into an earlier new unit of this batch, else stored as new. Only units whose dedupe
     * key is already taken are decoded and compared. Merging adds the usage counts, keeps the
     * earliest creation date and the latest change and last-use dates. */
    dset_clear(&imp->inbatch);
    jisr_buf_reset(&imp->run);
    lang_count bl[sizeof b->langs / sizeof b->langs[0]];
    size_t nbl = b->nlangs;
    memcpy(bl, b->langs, sizeof bl); /* corrected for merged units (a batch may be replayed) */
    for (size_t i = 0; i < b->np; i++) {
        pend *p = &b->p[i];
        const char *rec = b->recs.data + p->rec_off;
        if (i + 8 < b->np && imp->known.cap) /* the dedupe index is big: fetch ahead */
            __builtin_prefetch(&imp->known.v[(size_t)b->p[i + 8].dkey & (imp->known.cap - 1)]);
        unsigned int dup = 0;
        int decoded = 0;
        size_t pos = (size_t)p->dkey & (imp->known.cap - 1);
        for (uint32_t sid; !dup && (sid = dset_next(&imp->known, p->dkey, &pos)) != 0;) {
            MDB_val uk = {sizeof sid, &sid}, ud;
            int r2 = mdb_get(txn, tm->units, &uk, &ud);
            if (r2 == MDB_NOTFOUND) /* deleted, or stored by an import that was undone */
                continue;
            if (r2) {
                rc = r2;
                goto db;
            }
            if ((!decoded && (rc = tm_rec_decode(rec, p->rec_len, &imp->rec)) < 0) ||
                (rc = tm_rec_decode(ud.mv_data, ud.mv_size, &imp->rec2)) < 0)
                goto fail;
            decoded = 1;
            if (same_unit(&imp->rec, &imp->rec2))
                dup = sid;
        }
        pos = (size_t)p->dkey & (imp->inbatch.cap - 1);
        for (uint32_t bi; !dup && (bi = dset_next(&imp->inbatch, p->dkey, &pos)) != 0;) {
            const pend *q = &b->p[bi - 1];
            if ((!decoded && (rc = tm_rec_decode(rec, p->rec_len, &imp->rec)) < 0) ||
                (rc = tm_rec_decode(b->recs.data + q->rec_off, q->rec_len, &imp->rec2)) < 0)
                goto fail;
            decoded = 1;
            if (same_unit(&imp->rec, &imp->rec2))
                dup = q->id;
        }
        if (dup) {
            MDB_val uk = {sizeof dup, &dup}, ud;
            if ((rc = mdb_get(txn, tm->units, &uk, &ud)) != 0)
                goto db;
            if ((rc = tm_rec_decode(ud.mv_data, ud.mv_size, &imp->rec2)) < 0)
                goto fail;
            const tm_rec *o = &imp->rec2, *n = &imp->rec;
            int64_t cr =
                o->created == INT64_MIN || (n->created != INT64_MIN && n->created < o->created)
                    ? n->created
                    : o->created;
            int64_t ch = o->changed > n->changed ? o->changed : n->changed;
            int64_t lu = o->lastused > n->lastused ? o->lastused : n->lastused;
            jisr_buf_reset(&imp->out);
            if ((rc = tm_rec_reencode(o, o->usage + n->usage, cr, ch, lu, &imp->out)) < 0)
                goto fail;
            ud.mv_size = imp->out.len;
            ud.mv_data = imp->out.data;
            if ((rc = mdb_put(txn, tm->units, &uk, &ud, 0)) != 0)
                goto db;
            for (uint32_t v = 0; v < n->nvar && !b->langs_over; v++) /* not stored after all */
                lang_add(bl, &nbl, sizeof bl / sizeof bl[0], n->var[v].lang.p, n->var[v].lang.n,
                         -1);
            p->id = 0;
            (*merged)++;
            continue;
        }
        unsigned int id = (unsigned int)next_id++;
        if (next_id > UINT32_MAX) {
            rc = jisr_error_set(JISR_ETOOBIG, tm->dir, 0, 0, "memory is full (2^32 ids used)");
            goto fail;
        }
        p->id = id;
        MDB_val uk = {sizeof id, &id}, ud = {p->rec_len, (void *)rec};
        if (!uc && (rc = mdb_cursor_open(txn, tm->units, &uc)) != 0)
            goto db;
        if ((rc = mdb_cursor_put(uc, &uk, &ud, MDB_APPEND)) != 0)
            goto db;
        if ((rc = dset_put(&imp->inbatch, p->dkey, (uint32_t)i + 1)) < 0 ||
            (rc = jisr_buf_append(&imp->run, &p->dkey, 8)) < 0 ||
            (rc = jisr_buf_append(&imp->run, &id, 4)) < 0)
            goto fail;
        if (b->langs_over) {
            if ((rc = tm_rec_decode(rec, p->rec_len, &imp->rec)) < 0)
                goto fail;
            for (uint32_t v = 0; v < imp->rec.nvar; v++)
                if (lang_add(imp->langs, &imp->nlangs, sizeof imp->langs / sizeof imp->langs[0],
                             imp->rec.var[v].lang.p, imp->rec.var[v].lang.n, 1) &&
                    (rc = tm_meta_lang_add(txn, tm, imp->rec.var[v].lang.p, imp->rec.var[v].lang.n,
                                           1)) != 0)
                    goto db;
        }
        (*added)++;
    }
    if (uc) {
        mdb_cursor_close(uc);
        uc = NULL;
    }
    /* 2. The batch's dedupe run: one append-only record keyed by its first id (ids only grow,
     * so it goes at the end of the B-tree). */
    if (imp->run.len) {
        unsigned int rk = (unsigned int)first_id;
        MDB_val k = {sizeof rk, &rk}, d = {imp->run.len, imp->run.data};
        if ((rc = mdb_put(txn, tm->dedupe, &k, &d, MDB_APPEND)) != 0)
            goto db;
    }
    if (!b->langs_over)
        for (size_t l = 0; l < nbl; l++)
            if (bl[l].n &&
                lang_add(imp->langs, &imp->nlangs, sizeof imp->langs / sizeof imp->langs[0],
                         bl[l].lang, strlen(bl[l].lang), bl[l].n) &&
                (rc = tm_meta_lang_add(txn, tm, bl[l].lang, strlen(bl[l].lang), bl[l].n)) != 0)
                goto db;

    /* postings of the new units, by key (the groups are sorted already), one chunk per key */
    if ((rc = grow_arr((void **)&imp->ids, &imp->idscap, b->np + 1, sizeof *imp->ids)) < 0 ||
        (rc = grow_arr((void **)&imp->idmap, &imp->idmapcap, b->np + 1, sizeof *imp->idmap)) < 0)
        goto fail;
    const uint32_t *idmap = NULL; /* no unit merged: id = first_id + index */
    if (*merged) {
        for (size_t i = 0; i < b->np; i++)
            imp->idmap[i] = b->p[i].id;
        idmap = imp->idmap;
    }
    if ((rc = mdb_cursor_open(txn, tm->post, &ec)) != 0)
        goto db;
    for (size_t g = 0; g < (1u << PBITS); g++) {
        int mrc = 0;
        rc = post_group(imp, ec, b->grp[g].v, b->grp[g].n, idmap, (uint32_t)first_id, &mrc);
        if (rc == 1) {
            rc = mrc;
            goto db;
        }
        if (rc < 0)
            goto fail;
    }
    mdb_cursor_close(ec);
    ec = NULL;
    for (size_t i = 0; i < imp->nlangs; i++)
        if ((rc = tm_meta_lang_add(txn, tm, imp->langs[i].lang, strlen(imp->langs[i].lang),
                                   imp->langs[i].n)) != 0)
            goto db;
    if ((rc = tm_meta_put_u64(txn, tm, "next_id", next_id)) != 0)
        goto db;
    if ((rc = dset_reserve(&imp->known, imp->known.n + imp->run.len / 12)) < 0)
        return rc;
    for (size_t x = 0; x + 12 <= imp->run.len; x += 12) {
        uint64_t dk;
        uint32_t id;
        memcpy(&dk, imp->run.data + x, 8);
        memcpy(&id, imp->run.data + x + 8, 4);
        if (x + 12 * 9 <= imp->run.len) { /* fetch ahead: the index is big */
            uint64_t ahead;
            memcpy(&ahead, imp->run.data + x + 12 * 8, 8);
            __builtin_prefetch(&imp->known.v[(size_t)ahead & (imp->known.cap - 1)], 1);
        }
        if ((rc = dset_put(&imp->known, dk, id)) < 0)
            return rc;
    }
    imp->known_upto = next_id;
    return 0;
db:
    if (ec)
        mdb_cursor_close(ec);
    if (uc)
        mdb_cursor_close(uc);
    if (rc == MDB_MAP_FULL)
        return 1;
    return tm_db_error(rc, "writing a batch");
fail:
    if (ec)
        mdb_cursor_close(ec);
    if (uc)
        mdb_cursor_close(uc);
    return rc;
}

/* After an aborted transaction: the in-memory dedupe index may hold entries that were never
 * committed; it is reloaded from the memory by the next batch. */
static void known_forget(jisr_tm_import *imp)
{
    imp->known_upto = 0;
    dset_clear(&imp->known);
}

/* Until the parse of a strict import has reached the end of the file nothing can be committed,
 * so the parsing thread is the critical path: the threads that prepare and write run at a lower
 * priority (nice +10; Linux threads have their own), which leaves the parse a core of its own
 * while they fill the held batches on the other. (They keep it after the parse: an unprivileged
 * thread cannot raise its priority again. With nice +5 the parse of the benchmark's file took
 * 7.6 s instead of ~5, and the whole import 12 s instead of ~10.) */
static void yield_to_parse(void)
{
#ifdef __linux__
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
}

/* ---- the writer thread ----------------------------------------------------------------------
 * Batches are written by a thread of their own, so that preparing the next batch (the caller's
 * thread) overlaps with writing this one. The queue keeps file order. Once the gate is open (or
 * without one) every batch is one transaction and at most QUEUE_BATCHES wait in the queue. Before
 * that, the writer writes the batches it gets into one open transaction without committing it,
 * and keeps them (up to GATE_QUEUE_BATCHES) in case the map fills and they must be written again;
 * the transaction is committed when the gate opens, aborted when the file turns out bad. Errors
 * are sticky: the first one is kept with its detail, everything queued is dropped, and the
 * caller's next call returns it.
 */
/* Give the batches qhead … to the spare list (with the queue lock held): up to and including
 * last, or all of them when last is NULL; count: add them to the committed statistics. */
static void recycle(jisr_tm_import *imp, const batch *last, int count)
{
    while (imp->qhead) {
        batch *d = imp->qhead;
        imp->qhead = d->next;
        imp->qunits -= d->np;
        if (count) {
            imp->wst.added += d->added;
            imp->wst.merged += d->merged;
            imp->wst.skipped += d->skipped;
            imp->wst.batches++;
        }
        d->np = 0;
        for (size_t g = 0; g < (1u << PBITS); g++)
            d->grp[g].n = 0;
        d->skipped = 0;
        d->nlangs = 0;
        d->langs_over = 0;
        jisr_buf_reset(&d->recs);
        d->next = imp->spare;
        imp->spare = d;
        if (d == last)
            break;
    }
    if (!imp->qhead)
        imp->qtail = NULL;
}

/* Abort the writer's open transaction, if any (called with the queue lock held). */
static void abort_held(jisr_tm_import *imp, MDB_txn **txn)
{
    if (!*txn)
        return;
    pthread_mutex_unlock(&imp->mu);
    mdb_txn_abort(*txn);
    known_forget(imp);
    pthread_mutex_lock(&imp->mu);
    *txn = NULL;
}

static void *writer_main(void *arg)
{
    jisr_tm_import *imp = arg;
    jisr_tm *tm = imp->tm;
    MDB_txn *txn = NULL;
    batch *wlast = NULL; /* last batch written into txn: qhead … wlast are held, uncommitted */
    int gate_ok = imp->gate == NULL;
    pthread_setname_np(pthread_self(), "jisr-writer"); /* shown by top -H, perf */
    if (imp->gate)
        yield_to_parse();
    pthread_mutex_lock(&imp->mu);
    for (;;) {
        int rc = 0, commit = 0;
        if (imp->drop || imp->werr) { /* abandoned or failed: nothing more is committed */
            abort_held(imp, &txn);
            wlast = NULL;
            recycle(imp, NULL, 0);
            pthread_cond_broadcast(&imp->cv);
            if (imp->closing)
                break;
            pthread_cond_wait(&imp->cv, &imp->mu);
            continue;
        }
        batch *b = wlast ? wlast->next : imp->qhead;
        if (!b && txn && !gate_ok && !imp->closing) {
            /* all that is queued is written: wait for another batch, looking at the file's
             * verdict every 10 ms (it is signalled on the parser's condition variable) */
            pthread_mutex_unlock(&imp->mu);
            int g = imp->gate(imp->gate_ctx, 0);
            pthread_mutex_lock(&imp->mu);
            if (g == 0 && !imp->drop && !imp->werr && !(wlast ? wlast->next : imp->qhead)) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 10 * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&imp->cv, &imp->mu, &ts);
                continue;
            }
        }
        if (!b) {
            if (txn && !gate_ok) {
                /* closing with all written: wait for the file's verdict, then commit */
                pthread_mutex_unlock(&imp->mu);
                rc = imp->gate(imp->gate_ctx, 1);
                pthread_mutex_lock(&imp->mu);
                gate_ok = rc > 0;
                imp->gate_open = gate_ok;
                commit = gate_ok;
                rc = rc > 0 ? 0 : rc;
                pthread_cond_broadcast(&imp->cv);
                if (imp->drop) /* abandoned while we waited */
                    continue;
            } else if (imp->closing) {
                break;
            } else {
                pthread_cond_wait(&imp->cv, &imp->mu);
                continue;
            }
        } else {
            pthread_mutex_unlock(&imp->mu);
            if (!txn)
                rc = tm_txn_write(tm, &txn);
            if (rc == 0)
                rc = batch_write(imp, txn, b);
            if (rc == 0 && !gate_ok) { /* a look at the verdict, without waiting */
                int g = imp->gate(imp->gate_ctx, 0);
                gate_ok = g > 0;
                rc = g < 0 ? g : 0;
            }
            pthread_mutex_lock(&imp->mu);
            if (rc == 0) {
                wlast = b;
                imp->gate_open = gate_ok;
                commit = gate_ok;
                pthread_cond_broadcast(&imp->cv);
                if (imp->drop)
                    continue;
            }
        }
        if (rc == 0 && commit) {
            /* while the commit syncs (the gate's: several batches), preparing goes on */
            imp->committing = 0;
            for (const batch *h = imp->qhead; h; h = h->next) {
                imp->committing += h->np;
                if (h == wlast)
                    break;
            }
            pthread_cond_broadcast(&imp->cv);
            pthread_mutex_unlock(&imp->mu);
            int c = mdb_txn_commit(txn);
            txn = NULL;
            rc = c == MDB_MAP_FULL ? 1 : c ? tm_db_error(c, "committing a batch") : 0;
            pthread_mutex_lock(&imp->mu);
            imp->committing = 0;
            if (rc == 0) { /* the held batches are stored */
                recycle(imp, wlast, 1);
                wlast = NULL;
                if (imp->opts.on_commit) { /* called here, so that it reports each commit */
                    jisr_tm_import_stats snap = imp->wst;
                    snap.read = snap.added + snap.merged + snap.skipped;
                    pthread_mutex_unlock(&imp->mu);
                    int stop = imp->opts.on_commit(imp->opts.ctx, &snap);
                    pthread_mutex_lock(&imp->mu);
                    if (stop && !imp->werr) {
                        imp->werr = jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0, "import stopped");
                        imp->err = *jisr_error_last();
                    }
                }
                pthread_cond_broadcast(&imp->cv);
                continue;
            }
        }
        if (rc == 1) { /* map full: abort, grow, write the held batches again */
            pthread_mutex_unlock(&imp->mu);
            if (txn)
                mdb_txn_abort(txn);
            txn = NULL;
            known_forget(imp);
            rc = tm_grow(tm);
            pthread_mutex_lock(&imp->mu);
            wlast = NULL;
        }
        if (rc < 0) {
            abort_held(imp, &txn);
            if (!imp->werr) {
                imp->werr = rc;
                imp->err = *jisr_error_last();
            }
            pthread_cond_broadcast(&imp->cv);
        }
    }
    pthread_mutex_unlock(&imp->mu);
    if (txn)
        mdb_txn_abort(txn);
    return NULL;
}

/* Bring the caller's statistics up to date; return the writer's error (re-recorded on this
 * thread) if there is one. */
static int sync_writer(jisr_tm_import *imp)
{
    pthread_mutex_lock(&imp->mu);
    int werr = imp->werr;
    jisr_error err = imp->err;
    imp->st.added = imp->wst.added;
    imp->st.merged = imp->wst.merged;
    imp->st.skipped = imp->wst.skipped;
    imp->st.batches = imp->wst.batches;
    pthread_mutex_unlock(&imp->mu);
    if (werr < 0)
        return jisr_error_set(err.code, err.file, err.line, err.col, "%s", err.msg);
    return 0;
}

/* Hand the current batch to the writer (starting it on first use) and take an empty one. */
static int enqueue(jisr_tm_import *imp)
{
    if (!imp->th_started) {
        if (pthread_create(&imp->th, NULL, writer_main, imp) != 0)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the writer thread");
        imp->th_started = 1;
    }
    batch *b = imp->cur;
    /* sort the batch's postings here: sorted by the writer, they made it the slowest stage once
     * the file is read */
    for (size_t g = 0; g < (1u << PBITS); g++) {
        int rc = grow_arr((void **)&imp->ptmp, &imp->ptmpcap, b->grp[g].n + 1, sizeof *imp->ptmp);
        if (rc < 0)
            return rc;
        group_sort(b->grp[g].v, imp->ptmp, b->grp[g].n);
    }
    pthread_mutex_lock(&imp->mu);
    while (!imp->werr && !imp->drop && imp->qhead &&
           imp->qunits - imp->committing + (imp->committing ? imp->opts.batch_units : 0) + b->np >
               (imp->gate_open ? QUEUE_BATCHES : GATE_QUEUE_BATCHES) * imp->opts.batch_units)
        pthread_cond_wait(&imp->cv, &imp->mu);
    if (!imp->werr && !imp->drop) {
        b->next = NULL;
        if (imp->qtail)
            imp->qtail->next = b;
        else
            imp->qhead = b;
        imp->qtail = b;
        imp->qunits += b->np;
        batch *n = imp->spare;
        if (n)
            imp->spare = n->next;
        imp->cur = n;
        pthread_cond_broadcast(&imp->cv);
    }
    pthread_mutex_unlock(&imp->mu);
    if (imp->cur == b) { /* not queued: the writer failed, or the import was stopped */
        int rc = sync_writer(imp);
        return rc < 0 ? rc : jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0, "import stopped");
    }
    if (!imp->cur && !(imp->cur = calloc(1, sizeof *imp->cur)))
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    return sync_writer(imp);
}

int jisr_tm_import_commit(jisr_tm_import *imp)
{
    int rc;
    if (imp->cur->np) {
        if ((rc = enqueue(imp)) < 0)
            return rc;
    } else if (imp->cur->skipped) {
        pthread_mutex_lock(&imp->mu);
        imp->wst.skipped += imp->cur->skipped;
        pthread_mutex_unlock(&imp->mu);
        imp->cur->skipped = 0;
    }
    pthread_mutex_lock(&imp->mu);
    while (imp->qhead)
        pthread_cond_wait(&imp->cv, &imp->mu);
    pthread_mutex_unlock(&imp->mu);
    return sync_writer(imp);
}

/* The import is abandoned: nothing queued or buffered will be committed (a batch being written
 * at this moment still is). */
static void import_drop(jisr_tm_import *imp)
{
    pthread_mutex_lock(&imp->mu);
    imp->drop = 1;
    pthread_cond_broadcast(&imp->cv);
    pthread_mutex_unlock(&imp->mu);
}

int jisr_tm_import_end(jisr_tm_import *imp, int commit)
{
    if (!imp)
        return 0;
    int rc = 0;
    if (commit)
        rc = jisr_tm_import_commit(imp);
    else
        import_drop(imp);
    pthread_mutex_lock(&imp->mu);
    imp->closing = 1;
    pthread_cond_broadcast(&imp->cv);
    pthread_mutex_unlock(&imp->mu);
    if (imp->th_started)
        pthread_join(imp->th, NULL);
    batch_free(imp->cur);
    for (batch *b = imp->spare, *n; b; b = n) {
        n = b->next;
        batch_free(b);
    }
    for (batch *b = imp->qhead, *n; b; b = n) { /* none are left after the join */
        n = b->next;
        batch_free(b);
    }
    pthread_mutex_destroy(&imp->mu);
    pthread_cond_destroy(&imp->cv);
    free(imp->known.v);
    free(imp->inbatch.v);
    jisr_buf_free(&imp->run);
    free(imp->ptmp);
    free(imp->ukeys);
    free(imp->ids);
    free(imp->idmap);
    free(imp->vs);
    free(imp->terms);
    jisr_buf_free(&imp->out);
    tm_toks_free(&imp->toks);
    free(imp);
    return rc;
}

/* ---- files ------------------------------------------------------------------------------ *
 * A file is parsed once, by a thread of its own ("jisr-read"), which encodes every unit in a
 * compact binary form (the spill) and runs ahead of the rest; the preparing thread decodes the
 * units and prepares them, and the writer commits them. The parse reaching the end of the file
 * without error is the validation of a strict import: no batch is committed before it (the
 * gate), so a bad file changes nothing, while the memory held stays bounded (QUEUE_BATCHES
 * prepared batches). Parsing the file twice (a check-only pass beside the storing one, as
 * before) cost ~4 µs of CPU per unit more than writing and reading back its spill.
 *
 * The spill goes in chunks of whole units (SPILL_CHUNK bytes or a little more), handed over in
 * memory while the parse is less than SPILL_MEM bytes ahead, else written to an unlinked
 * temporary file in $TMPDIR and read back from there: a file of any size imports in bounded
 * memory, and the usual case makes no system call (writing and reading the spill through an ext4
 * file cost ~5 % of the import's CPU). */
#define SPILL_CHUNK (1u << 20)
#define SPILL_MEM (256u << 20)
#define SPILL_SPARE 8 /* emptied in-memory chunks kept for reuse */

typedef struct sp_chunk {
    struct sp_chunk *next;
    jisr_buf b;    /* the records, when in memory (b.data != NULL) */
    uint64_t foff; /* else: where they are in the file */
    size_t flen;
} sp_chunk;

/* The spill: the parsing thread appends chunks, the preparing thread takes them in order. */
typedef struct spill {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int fd;
    jisr_reader *r;
    const jisr_tm_file_opts *fo;
    sp_chunk *head, *tail; /* chunks not taken yet, in file order */
    sp_chunk *spare;       /* emptied chunks (their buffers kept) */
    size_t nspare;
    uint64_t mem;   /* bytes of the chunks in memory not yet emptied */
    uint64_t fsize; /* bytes written to the file */
    int done;       /* the parse has ended: rc tells how */
    int rc;         /* 0 end of file; <0 error (err) */
    jisr_error err;
    int stop;      /* the import is abandoned: stop parsing */
    sp_chunk *cur; /* being filled by the parse */
} spill;

/* The spill record of a unit: u32 length of the rest; a header of varints (variants, tags and
 * props+notes in all, so the reader sizes its arrays once); then tuid, srclang, the unit's meta,
 * line and column, and per variant lang, text, its tags and its meta. A string is a varint of
 * its length + 1 (0 for NULL) and its bytes with their NUL; a meta starts with a bit mask of the
 * fields present, so the usual unit without attributes costs two bytes per meta. Written with one
 * reservation per unit: the parse is the critical path of a strict import. */
static size_t str_size(const char *s)
{
    if (!s)
        return 1;
    size_t n = strlen(s) + 1;
    return tm_varint_size(n) + n;
}

static unsigned char *put_s(unsigned char *p, const char *s)
{
    if (!s)
        return tm_varint_put(p, 0);
    size_t n = strlen(s) + 1;
    p = tm_varint_put(p, n);
    memcpy(p, s, n);
    return p + n;
}

#define META_STRS JISR_META_STRINGS
static void meta_strs(const jisr_meta *m, const char *s[META_STRS])
{
    for (size_t i = 0; i < META_STRS; i++)
        s[i] = *jisr_meta_string((jisr_meta *)m, i);
}

static size_t meta_size(const jisr_meta *m)
{
    const char *s[META_STRS];
    size_t n = 2;
    meta_strs(m, s);
    for (int i = 0; i < META_STRS; i++)
        if (s[i])
            n += str_size(s[i]);
    if (m->usagecount >= 0)
        n += tm_varint_size((uint64_t)m->usagecount);
    for (int k = 0; k < 2; k++) {
        const jisr_prop *p = k ? m->notes : m->props;
        size_t np = k ? m->nnotes : m->nprops;
        if (!np)
            continue;
        n += tm_varint_size(np);
        for (size_t i = 0; i < np; i++)
            n += str_size(p[i].type) + str_size(p[i].lang) + str_size(p[i].value);
    }
    return n;
}

static unsigned char *put_meta(unsigned char *p, const jisr_meta *m)
{
    const char *s[META_STRS];
    unsigned mask = 0;
    meta_strs(m, s);
    for (int i = 0; i < META_STRS; i++)
        if (s[i])
            mask |= 1u << i;
    mask |= (m->usagecount >= 0) << 11 | (m->nprops > 0) << 12 | (m->nnotes > 0) << 13;
    *p++ = (unsigned char)mask;
    *p++ = (unsigned char)(mask >> 8);
    for (int i = 0; i < META_STRS; i++)
        if (s[i])
            p = put_s(p, s[i]);
    if (m->usagecount >= 0)
        p = tm_varint_put(p, (uint64_t)m->usagecount);
    for (int k = 0; k < 2; k++) {
        const jisr_prop *q = k ? m->notes : m->props;
        size_t np = k ? m->nnotes : m->nprops;
        if (!np)
            continue;
        p = tm_varint_put(p, np);
        for (size_t i = 0; i < np; i++) {
            p = put_s(p, q[i].type);
            p = put_s(p, q[i].lang);
            p = put_s(p, q[i].value);
        }
    }
    return p;
}

/* Append the spill record of u to b. */
static int sp_unit(jisr_buf *b, const jisr_unit *u)
{
    size_t ntags = 0, nprops = u->meta.nprops + u->meta.nnotes;
    for (size_t i = 0; i < u->nvariants; i++) {
        ntags += u->variants[i].ntags;
        nprops += u->variants[i].meta.nprops + u->variants[i].meta.nnotes;
    }
    size_t n = tm_varint_size(u->nvariants) + tm_varint_size(ntags) + tm_varint_size(nprops) +
               str_size(u->tuid) + str_size(u->srclang) + meta_size(&u->meta) +
               tm_varint_size(u->line) + tm_varint_size(u->col);
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        n += str_size(v->lang) + str_size(v->text) + tm_varint_size(v->ntags) + meta_size(&v->meta);
        for (size_t t = 0; t < v->ntags; t++)
            n += str_size(v->tags[t]);
    }
    if (n > UINT32_MAX)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "a unit of %zu bytes", n);
    int rc = jisr_buf_reserve(b, 4 + n);
    if (rc < 0)
        return rc;
    unsigned char *p = (unsigned char *)b->data + b->len, *start = p;
    uint32_t len = (uint32_t)n;
    memcpy(p, &len, 4);
    p += 4;
    p = tm_varint_put(p, u->nvariants);
    p = tm_varint_put(p, ntags);
    p = tm_varint_put(p, nprops);
    p = put_s(p, u->tuid);
    p = put_s(p, u->srclang);
    p = put_meta(p, &u->meta);
    p = tm_varint_put(p, u->line);
    p = tm_varint_put(p, u->col);
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        p = put_s(p, v->lang);
        p = put_s(p, v->text);
        p = tm_varint_put(p, v->ntags);
        for (size_t t = 0; t < v->ntags; t++)
            p = put_s(p, v->tags[t]);
        p = put_meta(p, &v->meta);
    }
    b->len += (size_t)(p - start);
    b->data[b->len] = '\0';
    return 0;
}

/* A unit read back: its strings point into the spill buffer, its arrays into pools sized from
 * the record's header, so nothing moves while it is decoded. */
typedef struct sp_view {
    jisr_unit u;
    jisr_variant *vars;
    char **strs;
    jisr_prop *props;
    size_t cvars, cstrs, cprops;
} sp_view;

typedef struct sp_cur {
    const unsigned char *p, *end;
    int bad;
} sp_cur;

static uint64_t rd_v(sp_cur *c)
{
    uint64_t v = 0;
    const unsigned char *q = tm_get_varint(c->p, c->end, &v);
    if (!q) {
        c->bad = 1;
        c->p = c->end;
        return 0;
    }
    c->p = q;
    return v;
}

static char *rd_s(sp_cur *c)
{
    uint64_t n = rd_v(c);
    if (!n)
        return NULL;
    if ((uint64_t)(c->end - c->p) < n) {
        c->bad = 1;
        return NULL;
    }
    char *s = (char *)c->p;
    c->p += n;
    return s;
}

static void rd_meta(sp_cur *c, jisr_meta *m, jisr_prop **pool, size_t *left)
{
    memset(m, 0, sizeof *m);
    m->usagecount = -1;
    if (c->end - c->p < 2) {
        c->bad = 1;
        return;
    }
    unsigned mask = c->p[0] | (unsigned)c->p[1] << 8;
    c->p += 2;
    for (size_t i = 0; i < META_STRS; i++)
        if (mask & (1u << i))
            *jisr_meta_string(m, i) = rd_s(c);
    if (mask & (1u << 11))
        m->usagecount = (long)rd_v(c);
    for (int k = 0; k < 2; k++) {
        if (!(mask & (1u << (12 + k))))
            continue;
        size_t n = rd_v(c);
        if (n > *left) {
            c->bad = 1;
            return;
        }
        jisr_prop *p = *pool;
        for (size_t i = 0; i < n; i++) {
            p[i].type = rd_s(c);
            p[i].lang = rd_s(c);
            p[i].value = rd_s(c);
        }
        *pool += n;
        *left -= n;
        if (k) {
            m->notes = p;
            m->nnotes = n;
        } else {
            m->props = p;
            m->nprops = n;
        }
    }
}

/* Decode the unit of the record p[0..len) (its length prefix excluded) into w. */
static int sp_decode(sp_view *w, const unsigned char *p, size_t len)
{
    sp_cur c = {p, p + len, 0};
    size_t nvar = rd_v(&c), ntags = rd_v(&c), nprops = rd_v(&c);
    int rc;
    if (c.bad || nvar > len || ntags > len || nprops > len)
        goto bad;
    if ((rc = grow_arr((void **)&w->vars, &w->cvars, nvar + 1, sizeof *w->vars)) < 0 ||
        (rc = grow_arr((void **)&w->strs, &w->cstrs, ntags + 1, sizeof *w->strs)) < 0 ||
        (rc = grow_arr((void **)&w->props, &w->cprops, nprops + 1, sizeof *w->props)) < 0)
        return rc;
    jisr_unit *u = &w->u;
    jisr_prop *pp = w->props;
    size_t pleft = nprops, tleft = ntags;
    char **tp = w->strs;
    memset(u, 0, sizeof *u);
    u->tuid = rd_s(&c);
    u->srclang = rd_s(&c);
    rd_meta(&c, &u->meta, &pp, &pleft);
    u->line = (unsigned long)rd_v(&c);
    u->col = (unsigned long)rd_v(&c);
    u->nvariants = nvar;
    u->variants = w->vars;
    for (size_t i = 0; i < nvar && !c.bad; i++) {
        jisr_variant *v = &w->vars[i];
        memset(v, 0, sizeof *v);
        v->lang = rd_s(&c);
        v->text = rd_s(&c);
        v->ntags = rd_v(&c);
        if (v->ntags > tleft)
            goto bad;
        v->tags = tp;
        for (size_t t = 0; t < v->ntags; t++)
            v->tags[t] = rd_s(&c);
        tp += v->ntags;
        tleft -= v->ntags;
        rd_meta(&c, &v->meta, &pp, &pleft);
    }
    if (!c.bad && c.p == c.end)
        return 0;
bad: /* our own file: only a bug or a failing disk gets here */
    return jisr_error_set(JISR_EIO, NULL, 0, 0, "the import's temporary file is damaged");
}

/* A chunk to fill (parsing thread): an emptied one, or a new one. */
static sp_chunk *sp_take(spill *s)
{
    pthread_mutex_lock(&s->mu);
    sp_chunk *c = s->spare;
    if (c) {
        s->spare = c->next;
        s->nspare--;
    }
    pthread_mutex_unlock(&s->mu);
    if (!c && !(c = calloc(1, sizeof *c)))
        return NULL;
    c->next = NULL;
    jisr_buf_reset(&c->b);
    if (jisr_buf_reserve(&c->b, SPILL_CHUNK + (64u << 10)) < 0) {
        jisr_buf_free(&c->b);
        free(c);
        return NULL;
    }
    return c;
}

/* Give an emptied chunk back (preparing thread); in_mem: it held bytes counted in s->mem. */
static void sp_give(spill *s, sp_chunk *c, int in_mem)
{
    pthread_mutex_lock(&s->mu);
    if (in_mem)
        s->mem -= c->b.len;
    if (c->b.data && s->nspare < SPILL_SPARE) {
        c->next = s->spare;
        s->spare = c;
        s->nspare++;
        c = NULL;
    }
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (c) {
        jisr_buf_free(&c->b);
        free(c);
    }
}

static void sp_free_list(sp_chunk *c)
{
    while (c) {
        sp_chunk *n = c->next;
        jisr_buf_free(&c->b);
        free(c);
        c = n;
    }
}

/* Hand the chunk being filled to the reader: in memory while the parse is less than SPILL_MEM
 * ahead, else through the file. */
static int sp_flush(spill *s)
{
    sp_chunk *c = s->cur;
    if (!c || !c->b.len)
        return 0;
    pthread_mutex_lock(&s->mu);
    int in_mem = s->mem + c->b.len <= (s->fo->spill_mem ? s->fo->spill_mem : SPILL_MEM);
    if (in_mem)
        s->mem += c->b.len;
    pthread_mutex_unlock(&s->mu);
    if (!in_mem) {
        const char *p = c->b.data;
        size_t n = c->b.len;
        c->foff = s->fsize;
        c->flen = n;
        while (n) {
            ssize_t w = write(s->fd, p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return jisr_error_set(JISR_EIO, NULL, 0, 0,
                                      "cannot write the import's temporary file: %s",
                                      w < 0 ? strerror(errno) : "disk full");
            p += w;
            n -= (size_t)w;
        }
        s->fsize += c->flen;
        jisr_buf_free(&c->b); /* the chunk now stands for its bytes in the file */
    }
    s->cur = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->tail)
        s->tail->next = c;
    else
        s->head = c;
    s->tail = c;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

static void *parse_main(void *arg)
{
    spill *s = arg;
    jisr_unit u;
    uint64_t n = 0;
    int rc;
    pthread_setname_np(pthread_self(), "jisr-read");
    jisr_unit_init(&u);
    while ((rc = jisr_reader_next(s->r, &u)) == 1) {
        if (!s->cur && !(s->cur = sp_take(s))) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if ((rc = sp_unit(&s->cur->b, &u)) < 0)
            break;
        if (s->fo->on_progress && ++n % 4096 == 0)
            s->fo->on_progress(s->fo->ctx, n);
        if (s->cur->b.len >= SPILL_CHUNK) {
            if ((rc = sp_flush(s)) < 0)
                break;
            if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
                break;
        }
    }
    if (rc >= 0)
        rc = sp_flush(s);
    jisr_unit_clear(&u);
    pthread_mutex_lock(&s->mu);
    s->rc = rc < 0 ? rc : 0;
    if (rc < 0)
        s->err = *jisr_error_last();
    s->done = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* The gate of a strict import: open (1) once the whole file has been parsed without error. */
static int spill_gate(void *ctx, int wait)
{
    spill *s = ctx;
    pthread_mutex_lock(&s->mu);
    while (wait && !s->done)
        pthread_cond_wait(&s->cv, &s->mu);
    int done = s->done, rc = s->rc;
    jisr_error err = s->err;
    pthread_mutex_unlock(&s->mu);
    if (!done)
        return 0;
    if (rc < 0) /* the parser's error, re-recorded on this thread */
        return jisr_error_set(err.code, err.file, err.line, err.col, "%s", err.msg);
    return 1;
}

/* Read the units back from the spill into imp, in file order; 0 at the end of the file, or the
 * first error (the parser's, the importer's or a read error). */
static int spill_drain(spill *s, jisr_tm_import *imp)
{
    jisr_buf in = {0}; /* a chunk read back from the file */
    sp_view w;
    memset(&w, 0, sizeof w);
    int rc = 0;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->head && !s->done)
            pthread_cond_wait(&s->cv, &s->mu);
        sp_chunk *c = s->head;
        if (c && !(s->head = c->next))
            s->tail = NULL;
        pthread_mutex_unlock(&s->mu);
        if (!c) { /* everything read: how did the parse end? */
            int g = spill_gate(s, 1);
            rc = g < 0 ? g : 0;
            break;
        }
        int in_mem = c->b.data != NULL;
        const char *d = c->b.data;
        size_t n = c->b.len;
        if (!in_mem) {
            jisr_buf_reset(&in);
            size_t got = 0;
            if ((rc = jisr_buf_reserve(&in, c->flen)) == 0)
                while (got < c->flen) {
                    ssize_t r = pread(s->fd, in.data + got, c->flen - got, (off_t)(c->foff + got));
                    if (r < 0 && errno == EINTR)
                        continue;
                    if (r <= 0) {
                        rc = jisr_error_set(JISR_EIO, NULL, 0, 0,
                                            "cannot read the import's temporary file: %s",
                                            r < 0 ? strerror(errno) : "short file");
                        break;
                    }
                    got += (size_t)r;
                }
            d = in.data;
            n = got;
        }
        for (size_t at = 0; rc >= 0 && at < n;) { /* a chunk holds whole records */
            uint32_t len;
            if (n - at < 4 || (memcpy(&len, d + at, 4), n - at - 4 < len)) {
                rc = jisr_error_set(JISR_EIO, NULL, 0, 0, "the import's temporary file is damaged");
                break;
            }
            if ((rc = sp_decode(&w, (const unsigned char *)d + at + 4, len)) < 0 ||
                (rc = jisr_tm_import_add(imp, &w.u)) < 0)
                break;
            at += 4 + (size_t)len;
        }
        sp_give(s, c, in_mem);
        if (rc < 0)
            break;
    }
    jisr_buf_free(&in);
    free(w.vars);
    free(w.strs);
    free(w.props);
    return rc;
}

/* The preparing thread of a file import ("jisr-prep"): reads the spill back into the import. */
typedef struct drain_arg {
    spill *s;
    jisr_tm_import *imp;
    int rc;
    jisr_error err;
} drain_arg;

static void *drain_main(void *arg)
{
    drain_arg *d = arg;
    pthread_setname_np(pthread_self(), "jisr-prep");
    if (d->imp->gate)
        yield_to_parse();
    d->rc = spill_drain(d->s, d->imp);
    if (d->rc == 0)
        d->rc = jisr_tm_import_commit(d->imp);
    if (d->rc < 0)
        d->err = *jisr_error_last();
    return NULL;
}

int jisr_tm_import_file(jisr_tm *tm, const char *path, const jisr_tm_file_opts *fo,
                        jisr_tm_import_stats *st)
{
    jisr_tm_file_opts def;
    memset(&def, 0, sizeof def);
    if (!fo)
        fo = &def;
    jisr_read_opts ro = fo->read;
    jisr_tm_import *imp = NULL;
    spill sp;
    int rc, started = 0;
    memset(&sp, 0, sizeof sp);
    sp.fd = -1;
    pthread_mutex_init(&sp.mu, NULL);
    pthread_cond_init(&sp.cv, NULL);
    if (st)
        memset(st, 0, sizeof *st);
    if (fo->flags & JISR_TM_IMPORT_SKIP_BAD) {
        ro.flags |= JISR_READ_SKIP_BAD;
        ro.on_bad = fo->on_bad;
        ro.ctx = fo->ctx;
    } else {
        ro.flags &= ~(unsigned)JISR_READ_SKIP_BAD;
    }
    if ((rc = jisr_reader_open(&sp.r, path, &ro)) < 0)
        goto done;
    struct stat sb;
    if (!tm->rdonly && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
        (rc = tm_reserve(tm, 2 * (uint64_t)sb.st_size + (16u << 20))) < 0)
        goto done; /* a memory takes ~1.5 × its TMX (docs/matching.md §7) */
    /* the spill: unlinked at once, so that nothing is left behind however the import ends */
    const char *tmpdir = getenv("TMPDIR");
    jisr_buf tp = {0};
    jisr_buf_printf(&tp, "%s/jisr-import-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    sp.fd = tp.data ? mkstemp(tp.data) : -1;
    if (sp.fd < 0) {
        rc = jisr_error_set(JISR_EIO, tp.data, 0, 0,
                            "cannot create the import's temporary file: %s", strerror(errno));
        jisr_buf_free(&tp);
        goto done;
    }
    unlink(tp.data);
    jisr_buf_free(&tp);
    sp.fo = fo;
    if ((rc = jisr_tm_import_begin(tm, &fo->import, &imp)) < 0)
        goto done;
    if (!(fo->flags & JISR_TM_IMPORT_SKIP_BAD)) {
        imp->gate = spill_gate;
        imp->gate_ctx = &sp;
        imp->gate_open = 0;
    }
    if (pthread_create(&sp.th, NULL, parse_main, &sp) != 0) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the reading thread");
        goto done;
    }
    started = 1;
    /* preparing runs on a thread of its own too, so that its priority can yield to the parse
     * without lowering the caller's */
    drain_arg da = {&sp, imp, 0, {0}};
    pthread_t dt;
    if (pthread_create(&dt, NULL, drain_main, &da) != 0) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the preparing thread");
        goto done;
    }
    pthread_join(dt, NULL);
    rc = da.rc;
    if (rc < 0) /* its error, re-recorded on this thread */
        jisr_error_set(da.err.code, da.err.file, da.err.line, da.err.col, "%s", da.err.msg);
done:
    if (st && imp)
        *st = imp->st;
    /* Abandon what was not committed, then stop the parse (the writer must not take a parse
     * that stopped early for the file's verdict: it sees the drop first). */
    if (imp && rc < 0)
        import_drop(imp);
    if (started) {
        __atomic_store_n(&sp.stop, 1, __ATOMIC_RELEASE);
        jisr_tm_import_end(imp, 0);
        imp = NULL;
        pthread_join(sp.th, NULL);
    }
    jisr_tm_import_end(imp, 0);
    if (sp.fd >= 0)
        close(sp.fd);
    jisr_reader_close(sp.r);
    sp_free_list(sp.head);
    sp_free_list(sp.spare);
    sp_free_list(sp.cur);
    pthread_mutex_destroy(&sp.mu);
    pthread_cond_destroy(&sp.cv);
    return rc;
}
