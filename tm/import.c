/*
 * import.c — batched import: units are tokenized and packed in memory, then each batch is written
 * in one LMDB write transaction (all or nothing per batch).
 *
 * Per batch: every unit is looked up in `exact` (hash of its normalised variants) and, when an
 * equal unit exists (already stored or earlier in the batch), merged into it: usage counts add
 * up, the creation date keeps the earliest and the change/last-usage dates the latest. New units
 * get ids from meta "next_id" (ids only grow, so records go in with MDB_APPEND). Postings of the
 * batch's new units are collected as (term key, id) pairs, radix-sorted by key (stable, so ids
 * stay ascending) and written as one delta-coded chunk per key and batch (appended to the key's
 * last chunk while that is small): a million-unit import makes a few million B-tree insertions
 * instead of tens of millions, and rare terms keep one small chunk each. When the map is full the
 * transaction is aborted, the map doubled and the batch replayed from memory.
 *
 * Files are strict by default: a validation pass reads the whole file (in a thread of its own,
 * beside the storing pass) and no batch is committed before it has finished without error, so a
 * bad file changes nothing; then the batches are committed one by one, so a killed import leaves
 * exactly the committed batches. The alternative, one transaction per file, would hold a
 * whole file's dirty pages in RAM and turn an interrupted big import into nothing at all.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/text.h"
#include "tm/tm_int.h"

#define DEFAULT_BATCH 50000
#define MAX_PENDING 400000 /* units held while a file is validated */
#define MERGE_MAX 256      /* a chunk smaller than this (bytes) is extended instead of adding one */

typedef struct pend {
    uint64_t dkey;
    size_t rec_off, rec_len;
    size_t post_off, post_n;
    uint32_t id; /* 0 = merged into an existing unit */
} pend;

typedef struct post_ent {
    uint64_t key;
    uint32_t id;
} post_ent;

typedef struct lang_count {
    char lang[48];
    int64_t n;
} lang_count;

struct jisr_tm_import {
    jisr_tm *tm;
    jisr_tm_import_opts opts;
    jisr_tm_import_stats st;
    pend *p;
    size_t np, pcap;
    jisr_buf recs;
    uint64_t *pk;
    size_t npk, pkcap;
    post_ent *pe, *tmp;
    size_t *count; /* radix sort histogram */
    size_t pecap;
    tm_toks toks;
    jisr_variant *vs;
    size_t vscap;
    uint64_t *terms;
    size_t tcap;
    jisr_buf out;
    lang_count langs[64];
    size_t nlangs;
    uint64_t pending_skipped;
    /* strict file import: 1 when the file validated, 0 not yet, <0 failed (wait: block) */
    int (*gate)(void *ctx, int wait);
    void *gate_ctx;
    tm_rec rec, rec2;
};

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

uint64_t tm_dedupe_key(const tm_rec *r)
{
    uint64_t pairs[2 * TM_MAX_VARIANTS];
    char lang[64];
    for (uint32_t i = 0; i < r->nvar; i++) {
        size_t n = r->var[i].lang.n < sizeof lang - 1 ? r->var[i].lang.n : sizeof lang - 1;
        memcpy(lang, r->var[i].lang.p ? r->var[i].lang.p : "", n);
        lang[n] = '\0';
        pairs[i] = tm_lang_hash(lang) * 31 + r->var[i].nhash;
    }
    sort_u64(pairs, r->nvar);
    return tm_hash(pairs, r->nvar * sizeof pairs[0], 0x64757065ULL);
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

int jisr_tm_import_begin(jisr_tm *tm, const jisr_tm_import_opts *opts, jisr_tm_import **out)
{
    if (tm->rdonly)
        return jisr_error_set(JISR_EREADONLY, tm->dir, 0, 0, "memory opened read-only");
    jisr_tm_import *imp = calloc(1, sizeof *imp);
    if (!imp)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    imp->tm = tm;
    if (opts)
        imp->opts = *opts;
    if (!imp->opts.batch_units)
        imp->opts.batch_units = DEFAULT_BATCH;
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

static int commit_pending(jisr_tm_import *imp, int all);

int jisr_tm_import_add(jisr_tm_import *imp, const jisr_unit *u)
{
    int rc;
    imp->st.read++;
    if ((rc = grow_arr((void **)&imp->vs, &imp->vscap, u->nvariants + 1, sizeof *imp->vs)) < 0)
        return rc;
    uint32_t nw[TM_MAX_VARIANTS], w1[TM_MAX_VARIANTS];
    uint64_t nh[TM_MAX_VARIANTS];
    size_t nv = 0, post0 = imp->npk;
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
        sort_u64(imp->terms, nt);
        unsigned bucket = tm_bucket(imp->toks.w100);
        if ((rc = grow_arr((void **)&imp->pk, &imp->pkcap, imp->npk + nt, 8)) < 0)
            return rc;
        for (size_t k = 0; k < nt; k++)
            if (k == 0 || imp->terms[k] != imp->terms[k - 1])
                imp->pk[imp->npk++] = tm_post_key(lh, imp->terms[k], bucket);
    }
    if (nv < 2) { /* nothing to translate from or to */
        imp->npk = post0;
        imp->pending_skipped++;
        return 0;
    }
    jisr_unit shallow = *u;
    shallow.variants = imp->vs;
    shallow.nvariants = nv;
    int64_t now = (int64_t)time(NULL);
    int64_t created = meta_date(u->meta.creationdate, now);
    uint64_t usage = u->meta.usagecount > 0 ? (uint64_t)u->meta.usagecount : 1;
    size_t off = imp->recs.len;
    if ((rc = tm_rec_encode(&shallow, nw, w1, nh, usage, created,
                            meta_date(u->meta.changedate, INT64_MIN),
                            meta_date(u->meta.lastusagedate, INT64_MIN), &imp->recs)) < 0)
        return rc;
    if ((rc = grow_arr((void **)&imp->p, &imp->pcap, imp->np + 1, sizeof *imp->p)) < 0)
        return rc;
    pend *p = &imp->p[imp->np++];
    p->rec_off = off;
    p->rec_len = imp->recs.len - off;
    p->post_off = post0;
    p->post_n = imp->npk - post0;
    p->id = 0;
    if ((rc = tm_rec_decode(imp->recs.data + off, p->rec_len, &imp->rec)) < 0)
        return rc;
    p->dkey = tm_dedupe_key(&imp->rec);
    if (imp->np >= imp->opts.batch_units) {
        if (imp->gate) { /* validation still running: keep going in memory up to a limit */
            rc = imp->gate(imp->gate_ctx, imp->np >= MAX_PENDING);
            if (rc <= 0)
                return rc;
        }
        return commit_pending(imp, 0);
    }
    return 0;
}

/* stable LSD radix sort of posting entries by key, 16 bits per pass */
static void radix_sort(post_ent *a, post_ent *tmp, size_t *count, size_t n)
{
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(a[i].key >> shift) & 0xFFFF]++;
        size_t sum = 0;
        for (size_t i = 0; i < 65536; i++) {
            size_t c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i].key >> shift) & 0xFFFF]++] = a[i];
        post_ent *t = a;
        a = tmp;
        tmp = t;
    }
    /* four passes: the result is back in the original array */
}

static int lang_add(jisr_tm_import *imp, const tm_str *l)
{
    for (size_t i = 0; i < imp->nlangs; i++)
        if (strlen(imp->langs[i].lang) == l->n && memcmp(imp->langs[i].lang, l->p, l->n) == 0) {
            imp->langs[i].n++;
            return 0;
        }
    if (imp->nlangs == sizeof imp->langs / sizeof imp->langs[0] ||
        l->n >= sizeof imp->langs[0].lang)
        return 1; /* counted at the next flush */
    lang_count *c = &imp->langs[imp->nlangs++];
    memcpy(c->lang, l->p, l->n);
    c->lang[l->n] = '\0';
    c->n = 1;
    return 0;
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
}

/* One attempt at writing the batch. Returns 0, 1 when the map is full, or <0. */
static int commit_once(jisr_tm_import *imp, size_t from, size_t to, uint64_t *added,
                       uint64_t *merged)
{
    jisr_tm *tm = imp->tm;
    MDB_txn *txn;
    MDB_cursor *ec = NULL;
    int rc = tm_txn_write(tm, &txn);
    if (rc < 0)
        return rc;
    uint64_t next_id;
    imp->nlangs = 0;
    *added = *merged = 0;
    if ((rc = tm_meta_get_u64(txn, tm, "next_id", &next_id)) < 0)
        goto fail;
    if (next_id == 0)
        next_id = 1;
    if ((rc = mdb_cursor_open(txn, tm->exact, &ec)) != 0)
        goto db;
    size_t npost = 0;
    for (size_t i = from; i < to; i++) {
        pend *p = &imp->p[i];
        const char *rec = imp->recs.data + p->rec_off;
        if ((rc = tm_rec_decode(rec, p->rec_len, &imp->rec)) < 0)
            goto fail;
        MDB_val k = {8, &p->dkey}, d;
        uint32_t dup = 0;
        for (rc = mdb_cursor_get(ec, &k, &d, MDB_SET_KEY); rc == 0 && !dup;
             rc = mdb_cursor_get(ec, &k, &d, MDB_NEXT_DUP)) {
            unsigned int id;
            memcpy(&id, d.mv_data, sizeof id);
            MDB_val uk = {sizeof id, &id}, ud;
            int r2 = mdb_get(txn, tm->units, &uk, &ud);
            if (r2 == MDB_NOTFOUND)
                continue;
            if (r2) {
                rc = r2;
                goto db;
            }
            if ((r2 = tm_rec_decode(ud.mv_data, ud.mv_size, &imp->rec2)) < 0) {
                rc = r2;
                goto fail;
            }
            if (same_unit(&imp->rec, &imp->rec2))
                dup = id;
        }
        if (rc && rc != MDB_NOTFOUND)
            goto db;
        if (dup) {
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
            unsigned int id = dup;
            MDB_val uk = {sizeof id, &id}, ud = {imp->out.len, imp->out.data};
            if ((rc = mdb_put(txn, tm->units, &uk, &ud, 0)) != 0)
                goto db;
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
        if ((rc = mdb_put(txn, tm->units, &uk, &ud, MDB_APPEND)) != 0)
            goto db;
        MDB_val ek = {8, &p->dkey}, ev = {sizeof id, &id};
        if ((rc = mdb_put(txn, tm->exact, &ek, &ev, 0)) != 0)
            goto db;
        for (uint32_t v = 0; v < imp->rec.nvar; v++)
            if (lang_add(imp, &imp->rec.var[v].lang) &&
                (rc = tm_meta_lang_add(txn, tm, imp->rec.var[v].lang.p, imp->rec.var[v].lang.n,
                                       1)) != 0)
                goto db;
        npost += p->post_n;
        (*added)++;
    }
    mdb_cursor_close(ec);
    ec = NULL;

    /* postings of the new units, sorted by key, one chunk per key */
    if ((rc = grow_arr((void **)&imp->pe, &imp->pecap, npost + 1, sizeof *imp->pe)) < 0)
        goto fail;
    free(imp->tmp);
    imp->tmp = malloc((npost + 1) * sizeof *imp->tmp);
    if (!imp->count)
        imp->count = malloc(65536 * sizeof *imp->count);
    if (!imp->tmp || !imp->count) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    size_t ne = 0;
    for (size_t i = from; i < to; i++) {
        const pend *p = &imp->p[i];
        if (!p->id)
            continue;
        for (size_t k = 0; k < p->post_n; k++) {
            imp->pe[ne].key = imp->pk[p->post_off + k];
            imp->pe[ne].id = p->id;
            ne++;
        }
    }
    radix_sort(imp->pe, imp->tmp, imp->count, ne);
    if ((rc = mdb_cursor_open(txn, tm->post, &ec)) != 0)
        goto db;
    for (size_t i = 0; i < ne;) {
        size_t j = i + 1;
        while (j < ne && imp->pe[j].key == imp->pe[i].key)
            j++;
        unsigned char key[12], old[MERGE_MAX];
        size_t oldn = 0;
        uint32_t last = 0;
        /* the key's last chunk, when small, takes the new ids (fewer, fuller chunks) */
        put_be(key, imp->pe[i].key, 8);
        memset(key + 8, 0xFF, 4);
        MDB_val k = {12, key}, d;
        rc = mdb_cursor_get(ec, &k, &d, MDB_SET_RANGE);
        if (rc == 0)
            rc = mdb_cursor_get(ec, &k, &d, MDB_PREV);
        else if (rc == MDB_NOTFOUND)
            rc = mdb_cursor_get(ec, &k, &d, MDB_LAST);
        if (rc && rc != MDB_NOTFOUND)
            goto db;
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
            if (p && last < imp->pe[i].id) {
                oldn = (size_t)(end - deltas);
                memcpy(old, deltas, oldn);
                jisr_buf_reset(&imp->out);
                tm_put_varint(&imp->out, cnt + (j - i));
                jisr_buf_append(&imp->out, old, oldn);
                tm_put_varint(&imp->out, imp->pe[i].id - last);
                oldn = 1;
            }
        }
        if (!oldn) {
            put_be(key + 8, imp->pe[i].id, 4);
            jisr_buf_reset(&imp->out);
            tm_put_varint(&imp->out, j - i);
        }
        for (size_t x = i + 1; x < j; x++)
            tm_put_varint(&imp->out, imp->pe[x].id - imp->pe[x - 1].id);
        if (!imp->out.data) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            goto fail;
        }
        MDB_val nk = {12, key}, nd = {imp->out.len, imp->out.data};
        if ((rc = mdb_cursor_put(ec, &nk, &nd, 0)) != 0)
            goto db;
        i = j;
    }
    mdb_cursor_close(ec);
    ec = NULL;
    for (size_t i = 0; i < imp->nlangs; i++)
        if ((rc = tm_meta_lang_add(txn, tm, imp->langs[i].lang, strlen(imp->langs[i].lang),
                                   imp->langs[i].n)) != 0)
            goto db;
    if ((rc = tm_meta_put_u64(txn, tm, "next_id", next_id)) != 0)
        goto db;
    rc = mdb_txn_commit(txn);
    if (rc == MDB_MAP_FULL)
        return 1;
    return rc ? tm_db_error(rc, "committing a batch") : 0;
db:
    if (ec)
        mdb_cursor_close(ec);
    mdb_txn_abort(txn);
    if (rc == MDB_MAP_FULL)
        return 1;
    return tm_db_error(rc, "writing a batch");
fail:
    if (ec)
        mdb_cursor_close(ec);
    mdb_txn_abort(txn);
    return rc;
}

/* Commit the buffered units one batch per transaction; unless all, a last partial batch stays
 * buffered (batches are always whole while units keep coming). */
static int commit_pending(jisr_tm_import *imp, int all)
{
    int rc = 0;
    if (imp->gate && imp->np && (rc = imp->gate(imp->gate_ctx, 1)) < 0)
        return rc; /* the file is bad: nothing may be committed */
    size_t from = 0, b = imp->opts.batch_units;
    while (from < imp->np && (all || imp->np - from >= b)) {
        size_t to = imp->np - from > b ? from + b : imp->np;
        uint64_t added, merged;
        while ((rc = commit_once(imp, from, to, &added, &merged)) == 1)
            if ((rc = tm_grow(imp->tm)) < 0)
                break;
        if (rc < 0)
            return rc;
        imp->st.added += added;
        imp->st.merged += merged;
        imp->st.batches++;
        from = to;
        if (from == imp->np) {
            imp->st.skipped += imp->pending_skipped;
            imp->pending_skipped = 0;
        }
        if (imp->opts.on_commit && imp->opts.on_commit(imp->opts.ctx, &imp->st))
            return jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0, "import stopped");
    }
    if (from == imp->np) {
        imp->np = 0;
        imp->npk = 0;
        jisr_buf_reset(&imp->recs);
        return 0;
    }
    /* keep the rest: move it to the front */
    size_t r0 = imp->p[from].rec_off, k0 = imp->p[from].post_off;
    for (size_t i = from; i < imp->np; i++) {
        imp->p[i - from] = imp->p[i];
        imp->p[i - from].rec_off -= r0;
        imp->p[i - from].post_off -= k0;
    }
    imp->np -= from;
    memmove(imp->recs.data, imp->recs.data + r0, imp->recs.len - r0);
    imp->recs.len -= r0;
    memmove(imp->pk, imp->pk + k0, (imp->npk - k0) * sizeof *imp->pk);
    imp->npk -= k0;
    return 0;
}

int jisr_tm_import_commit(jisr_tm_import *imp)
{
    return commit_pending(imp, 1);
}

int jisr_tm_import_end(jisr_tm_import *imp, int commit)
{
    if (!imp)
        return 0;
    int rc = commit ? jisr_tm_import_commit(imp) : 0;
    free(imp->p);
    free(imp->pk);
    free(imp->pe);
    free(imp->tmp);
    free(imp->count);
    free(imp->vs);
    free(imp->terms);
    jisr_buf_free(&imp->recs);
    jisr_buf_free(&imp->out);
    tm_toks_free(&imp->toks);
    free(imp);
    return rc;
}

/* ---- files ------------------------------------------------------------------------------ */

/* The validation pass of a strict import runs in its own thread, beside the storing pass; no
 * batch is committed before it has read the whole file without error (the gate), so a bad file
 * still changes nothing, and on two cores the second parse costs almost no time. */
typedef struct validator {
    pthread_t th;
    const char *path;
    jisr_read_opts ro;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, rc, stop;
    jisr_error err;
} validator;

static void *validate_main(void *arg)
{
    validator *v = arg;
    jisr_reader *r = NULL;
    jisr_unit u;
    jisr_unit_init(&u);
    int rc = jisr_reader_open(&r, v->path, &v->ro);
    if (rc == 0) {
        uint64_t n = 0;
        while ((rc = jisr_reader_next(r, &u)) == 1)
            if (++n % 1024 == 0 && __atomic_load_n(&v->stop, __ATOMIC_RELAXED))
                break;
    }
    jisr_reader_close(r);
    jisr_unit_clear(&u);
    pthread_mutex_lock(&v->mu);
    v->rc = rc < 0 ? rc : 0;
    if (rc < 0)
        v->err = *jisr_error_last();
    v->done = 1;
    pthread_cond_broadcast(&v->cv);
    pthread_mutex_unlock(&v->mu);
    return NULL;
}

static int validate_gate(void *ctx, int wait)
{
    validator *v = ctx;
    pthread_mutex_lock(&v->mu);
    while (wait && !v->done)
        pthread_cond_wait(&v->cv, &v->mu);
    int done = v->done, rc = v->rc;
    pthread_mutex_unlock(&v->mu);
    if (!done)
        return 0;
    if (rc < 0) /* the validator's error, re-recorded on this thread */
        return jisr_error_set(v->err.code, v->err.file, v->err.line, v->err.col, "%s", v->err.msg);
    return 1;
}

int jisr_tm_import_file(jisr_tm *tm, const char *path, const jisr_tm_file_opts *fo,
                        jisr_tm_import_stats *st)
{
    jisr_tm_file_opts def;
    memset(&def, 0, sizeof def);
    if (!fo)
        fo = &def;
    jisr_read_opts ro = fo->read;
    jisr_reader *r = NULL;
    jisr_tm_import *imp = NULL;
    jisr_unit u;
    validator v;
    int rc, have_v = 0;
    jisr_unit_init(&u);
    if (st)
        memset(st, 0, sizeof *st);
    if (fo->flags & JISR_TM_IMPORT_SKIP_BAD) {
        ro.flags |= JISR_READ_SKIP_BAD;
        ro.on_bad = fo->on_bad;
        ro.ctx = fo->ctx;
    } else {
        ro.flags &= ~(unsigned)JISR_READ_SKIP_BAD;
    }
    /* opened before the validator starts, so that the XML library initialises on one thread */
    if ((rc = jisr_reader_open(&r, path, &ro)) < 0)
        goto done;
    if (!(fo->flags & JISR_TM_IMPORT_SKIP_BAD)) {
        memset(&v, 0, sizeof v);
        v.path = path;
        v.ro = ro;
        pthread_mutex_init(&v.mu, NULL);
        pthread_cond_init(&v.cv, NULL);
        if (pthread_create(&v.th, NULL, validate_main, &v) != 0) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the validation thread");
            goto done;
        }
        have_v = 1;
    }
    if ((rc = jisr_tm_import_begin(tm, &fo->import, &imp)) < 0)
        goto done;
    if (have_v) {
        imp->gate = validate_gate;
        imp->gate_ctx = &v;
    }
    uint64_t n = 0;
    while ((rc = jisr_reader_next(r, &u)) == 1) {
        if ((rc = jisr_tm_import_add(imp, &u)) < 0)
            break;
        if (fo->on_progress && ++n % 4096 == 0)
            fo->on_progress(fo->ctx, 2, n);
    }
    if (rc < 0 && have_v) { /* prefer the validator's report of the first error */
        int g = validate_gate(&v, 1);
        if (g < 0)
            rc = g;
    }
    if (rc == 0)
        rc = jisr_tm_import_commit(imp);
done:
    if (st && imp)
        *st = imp->st;
    jisr_tm_import_end(imp, 0);
    if (have_v) {
        __atomic_store_n(&v.stop, 1, __ATOMIC_RELAXED);
        pthread_join(v.th, NULL);
        pthread_mutex_destroy(&v.mu);
        pthread_cond_destroy(&v.cv);
    }
    jisr_reader_close(r);
    jisr_unit_clear(&u);
    return rc;
}
