/*
 * import_write.c — the LMDB writer of the import (the "jisr-writer" thread): one batch of
 * prepared units into an open write transaction, merging duplicates.
 *
 * Per batch the writer merges duplicates: a unit whose variants (language tags, ASCII case
 * aside, texts and tags, byte for byte) equal those of a stored unit, or of an earlier new unit
 * of the batch, is merged into it (the larger usage count is kept, the creation date keeps the
 * earliest, change and last-use dates the latest, each id with its date).
 * Candidates come from an in-memory index of dedupe hashes, loaded from the memory's append-only
 * dedupe runs (one per batch: a B-tree of hashes took ~2 µs per random insert and lookup). New
 * units get ids from meta "next_id" (ids only grow, so records go in with MDB_APPEND). The batch's
 * postings arrive sorted by key (import_prep.c); the writer maps unit indexes to ids and writes
 * them through the postings codec (postings.c), one chunk per key and batch.
 */
#include <stdlib.h>
#include <string.h>

#include "tm/import_int.h"

/* room for n entries in all (at most half full) */
static int dset_reserve(tm_dset *s, size_t n)
{
    while (2 * n > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        tm_dslot *v = calloc(cap, sizeof *v);
        if (!v)
            return jisr_oom(cap * sizeof *v);
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

static int dset_put(tm_dset *s, uint64_t dkey, uint32_t id)
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
static uint32_t dset_next(const tm_dset *s, uint64_t dkey, size_t *pos)
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

static void dset_clear(tm_dset *s)
{
    if (s->v)
        memset(s->v, 0, s->cap * sizeof *s->v);
    s->n = 0;
}

/* Write the postings pe[0..ne) of one top-bits group, sorted by key, of the batch whose units
 * got the ids id[idx] (0: merged, no posting), or base + idx when id is NULL (no unit merged:
 * the usual case, without a lookup per posting): one chunk per key, or the ids appended to the
 * key's last chunk while that is small. */
static int post_group(jisr_tm_import *imp, tm_cur *ec, const tm_post_ent *pe, size_t ne,
                      const uint32_t *id, uint32_t base)
{
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
        if (nid && tm_post_append(ec, pkey, imp->ids, nid, &imp->out) < 0)
            return ec->t->rc;
    }
    return 0;
}

/* The rest of the dedupe index: the runs of units stored since known_upto (all of them on the
 * first batch; afterwards those other writers added since our last commit; runs are keyed by
 * their first id). */
static int known_load(jisr_tm_import *imp, tm_txn *t, uint64_t next_id)
{
    tm_cur ec;
    unsigned int from = (unsigned int)imp->known_upto;
    MDB_val k = {sizeof from, &from}, d;
    if (tm_cur_open(&ec, t, imp->tm->dedupe) < 0)
        return t->rc;
    for (int f = tm_cur_get(&ec, &k, &d, MDB_SET_RANGE, "reading the dedupe index"); f;
         f = tm_cur_get(&ec, &k, &d, MDB_NEXT, "reading the dedupe index")) {
        const unsigned char *e = d.mv_data;
        for (size_t x = 0; x + 12 <= d.mv_size; x += 12) {
            uint64_t dk;
            uint32_t id;
            memcpy(&dk, e + x, 8);
            memcpy(&id, e + x + 8, 4);
            if (id && tm_txn_set(t, dset_put(&imp->known, dk, id)) < 0)
                break;
        }
    }
    tm_cur_close(&ec);
    if (!t->rc)
        imp->known_upto = next_id;
    return t->rc;
}

/* The unit batch unit i is (decoded into imp->rec when a candidate needed it): the stored
 * unit of the lowest id whose variants include all of its (the same unit, or a superset of it:
 * a pair exported from a multilingual unit, docs/matching.md §2.5), else the earliest new unit
 * of the batch that does, else 0. Candidates are the units under its dedupe key (the same
 * variants; for a unit of two variants also the units holding that pair) and, for a unit of
 * more, under the pair key of its first two variants (skey). */
static uint32_t find_dup(jisr_tm_import *imp, tm_txn *t, tm_batch *b, size_t i)
{
    tm_pend *p = &b->p[i];
    const char *rec = b->recs.data + p->rec_off;
    int decoded = 0;
    uint32_t best = 0;
    uint64_t keys[2] = {p->dkey, p->skey};
    int nkeys = p->skey != p->dkey ? 2 : 1;
    for (int k = 0; k < nkeys; k++) {
        size_t pos = (size_t)keys[k] & (imp->known.cap - 1);
        for (uint32_t sid; (sid = dset_next(&imp->known, keys[k], &pos)) != 0;) {
            if (best && sid >= best)
                continue;
            MDB_val uk = {sizeof sid, &sid}, ud;
            if (!tm_get(t, imp->tm->units, &uk, &ud, "reading a unit")) {
                if (t->rc)
                    return 0;
                continue; /* deleted, or stored by an import that was undone */
            }
            if ((!decoded && tm_txn_set(t, tm_rec_decode(rec, p->rec_len, &imp->rec)) < 0) ||
                tm_txn_set(t, tm_rec_decode(ud.mv_data, ud.mv_size, &imp->rec2)) < 0)
                return 0;
            decoded = 1;
            if (tm_sub_unit(&imp->rec, &imp->rec2))
                best = sid;
        }
    }
    if (best)
        return best;
    size_t bestq = 0; /* the batch's units: index + 1, in batch (id) order */
    for (int k = 0; k < nkeys; k++) {
        size_t pos = (size_t)keys[k] & (imp->inbatch.cap - 1);
        for (uint32_t bi; !t->rc && (bi = dset_next(&imp->inbatch, keys[k], &pos)) != 0;) {
            if (bestq && bi >= bestq)
                continue;
            const tm_pend *q = &b->p[bi - 1];
            if ((!decoded && tm_txn_set(t, tm_rec_decode(rec, p->rec_len, &imp->rec)) < 0) ||
                tm_txn_set(t, tm_rec_decode(b->recs.data + q->rec_off, q->rec_len, &imp->rec2)) < 0)
                return 0;
            decoded = 1;
            if (tm_sub_unit(&imp->rec, &imp->rec2))
                bestq = bi;
        }
    }
    return bestq && !t->rc ? b->p[bestq - 1].id : 0;
}

/* Merge the batch's unit (decoded in imp->rec) into stored unit dup: the larger usage count is
 * kept — a TMX usagecount counts the times a CAT tool used the unit, and the same unit read
 * twice (a file imported again after an interruption, or twice over, or exported and imported
 * back) was not used twice, so a re-run leaves the memory as one import would; the earliest
 * creation date is kept with its creation id and the latest change date with its change id
 * (tm_rec_merge), the latest use date, and the props and notes it lacks are added; the stored
 * unit's tuid and srclang stay (the duplicate's when it has none). */
static void merge_into(jisr_tm_import *imp, tm_txn *t, unsigned int dup)
{
    MDB_val uk = {sizeof dup, &dup}, ud;
    if (!tm_get(t, imp->tm->units, &uk, &ud, "reading a unit")) {
        if (!t->rc)
            tm_txn_corrupt(t, "reading a unit to merge into");
        return;
    }
    if (tm_txn_set(t, tm_rec_decode(ud.mv_data, ud.mv_size, &imp->rec2)) < 0)
        return;
    const tm_rec *o = &imp->rec2, *n = &imp->rec;
    int64_t cr = o->created == INT64_MIN || (n->created != INT64_MIN && n->created < o->created)
                     ? n->created
                     : o->created;
    int64_t ch = o->changed > n->changed ? o->changed : n->changed;
    int64_t lu = o->lastused > n->lastused ? o->lastused : n->lastused;
    uint64_t usage = o->usage > n->usage ? o->usage : n->usage;
    jisr_buf_reset(&imp->out);
    if (tm_txn_set(t, tm_rec_merge(o, n, usage, cr, ch, lu, &imp->out)) < 0)
        return;
    ud.mv_size = imp->out.len;
    ud.mv_data = imp->out.data;
    tm_put(t, imp->tm->units, &uk, &ud, 0, "merging a duplicate");
}

int tm_batch_write(jisr_tm_import *imp, tm_txn *t, tm_batch *b)
{
    jisr_tm *tm = imp->tm;
    tm_cur uc = {.t = t}; /* appends to units (no descent from the root) */
    uint64_t next_id;
    uint64_t *added = &b->added, *merged = &b->merged;
    imp->nlangs = 0;
    *added = *merged = 0;
    if (tm_meta_get_u64(t, "next_id", &next_id) < 0)
        return t->rc;
    /* ids only grow: a next id at or below the last stored unit is damage (MDB_APPEND would
     * refuse the first new unit with a bare "key exists") */
    tm_cur lc;
    if (tm_cur_open(&lc, t, tm->units) < 0)
        return t->rc;
    MDB_val lk, ld;
    int any = tm_cur_get(&lc, &lk, &ld, MDB_LAST, "reading the units");
    tm_cur_close(&lc);
    if (any && lk.mv_size == 4) {
        unsigned int last;
        memcpy(&last, lk.mv_data, sizeof last);
        if (last >= next_id)
            return tm_txn_damaged(t,
                                  "the memory is damaged (its next unit id is %llu, but unit %u "
                                  "is stored); 'jisr reindex' repairs it",
                                  (unsigned long long)next_id, last);
    }
    if (t->rc)
        return t->rc;
    if (next_id == 0)
        next_id = 1;
    /* no unit before this batch: every unit it stores has its forms (the forms' record) */
    int fresh = !any && next_id == 1;
    imp->fcount.n = 0;
    int chars;
    if (tm_chars_get(t, &chars) < 0)
        return t->rc;
    if (chars != imp->chars) /* a reindex --chars since the import began: its keys are wrong */
        return tm_txn_set(t, jisr_error_set(JISR_EINTERRUPTED, tm->dir, 0, 0,
                                            "the memory's character search was %s during the "
                                            "import: import the rest again",
                                            !chars       ? "turned off"
                                            : imp->chars ? "given another limit"
                                                         : "turned on"));
    uint64_t first_id = next_id;
    if (imp->known_upto != next_id && known_load(imp, t, next_id) < 0)
        return t->rc;
    /* 1. Each unit in file order: merged into a stored unit with the same normalised variants,
     * else into an earlier new unit of this batch, else stored as new. Only units whose dedupe
     * key is already taken are decoded and compared. Merging keeps the larger usage count, the
     * earliest creation date and the latest change and last-use dates. */
    dset_clear(&imp->inbatch);
    jisr_buf_reset(&imp->run);
    tm_lang_count bl[sizeof b->langs / sizeof b->langs[0]];
    size_t nbl = b->nlangs;
    memcpy(bl, b->langs, sizeof bl); /* corrected for merged units (a batch may be replayed) */
    for (size_t i = 0; i < b->np && !t->rc; i++) {
        tm_pend *p = &b->p[i];
        const char *rec = b->recs.data + p->rec_off;
        if (i + 8 < b->np && imp->known.cap) /* the dedupe index is big: fetch ahead */
            __builtin_prefetch(&imp->known.v[(size_t)b->p[i + 8].dkey & (imp->known.cap - 1)]);
        unsigned int dup = find_dup(imp, t, b, i);
        if (t->rc)
            break;
        if (dup) {
            merge_into(imp, t, dup);
            const tm_rec *n = &imp->rec;
            for (uint32_t v = 0; v < n->nvar && !b->langs_over; v++) /* not stored after all */
                tm_lang_add(bl, &nbl, sizeof bl / sizeof bl[0], n->var[v].lang.p, n->var[v].lang.n,
                            -1);
            p->id = 0;
            (*merged)++;
            continue;
        }
        unsigned int id = (unsigned int)next_id++;
        if (next_id > UINT32_MAX) {
            tm_txn_set(
                t, jisr_error_set(JISR_ETOOBIG, tm->dir, 0, 0, "memory is full (2^32 ids used)"));
            break;
        }
        p->id = id;
        MDB_val uk = {sizeof id, &id}, ud = {p->rec_len, (void *)rec};
        if (!uc.c && tm_cur_open(&uc, t, tm->units) < 0)
            break;
        if (tm_cur_put(&uc, &uk, &ud, MDB_APPEND, "storing a unit") < 0 ||
            tm_txn_set(t, dset_put(&imp->inbatch, p->dkey, (uint32_t)i + 1)) < 0 ||
            tm_txn_set(t, jisr_buf_append(&imp->run, &p->dkey, 8)) < 0 ||
            tm_txn_set(t, jisr_buf_append(&imp->run, &id, 4)) < 0)
            break;
        for (uint32_t k = 0; k < p->npair && !t->rc; k++) { /* its pairs, for its subsets */
            uint64_t pk;
            memcpy(&pk, b->pairs.data + (p->pair_off + k) * 8, 8);
            if (tm_txn_set(t, dset_put(&imp->inbatch, pk, (uint32_t)i + 1)) == 0 &&
                tm_txn_set(t, jisr_buf_append(&imp->run, &pk, 8)) == 0)
                tm_txn_set(t, jisr_buf_append(&imp->run, &id, 4));
        }
        if (t->rc)
            break;
        for (size_t f = p->form_off; f + 10 <= p->form_off + p->form_len;) { /* short.c */
            uint64_t fk;
            uint16_t fn;
            memcpy(&fk, b->forms.data + f, 8);
            memcpy(&fn, b->forms.data + f + 8, 2);
            if (tm_short_form_put(t, tm->post, fk, id, b->forms.data + f + 10, fn) < 0 ||
                tm_txn_set(t, tm_formcounts_add(&imp->fcount, fk)) < 0)
                break;
            f += 10 + (size_t)fn;
        }
        if (t->rc)
            break;
        if (b->langs_over) {
            if (tm_txn_set(t, tm_rec_decode(rec, p->rec_len, &imp->rec)) < 0)
                break;
            for (uint32_t v = 0; v < imp->rec.nvar; v++)
                if (tm_lang_add(imp->langs, &imp->nlangs, sizeof imp->langs / sizeof imp->langs[0],
                                imp->rec.var[v].lang.p, imp->rec.var[v].lang.n, 1))
                    tm_meta_lang_add(t, imp->rec.var[v].lang.p, imp->rec.var[v].lang.n, 1);
        }
        (*added)++;
    }
    tm_cur_close(&uc);
    if (t->rc)
        return t->rc;
    /* 2. The batch's dedupe run: one append-only record keyed by its first id (ids only grow,
     * so it goes at the end of the B-tree). */
    if (imp->run.len) {
        unsigned int rk = (unsigned int)first_id;
        MDB_val k = {sizeof rk, &rk}, d = {imp->run.len, imp->run.data};
        tm_put(t, tm->dedupe, &k, &d, MDB_APPEND, "writing the dedupe index");
    }
    if (!b->langs_over)
        for (size_t l = 0; l < nbl && !t->rc; l++)
            if (bl[l].n &&
                tm_lang_add(imp->langs, &imp->nlangs, sizeof imp->langs / sizeof imp->langs[0],
                            bl[l].lang, strlen(bl[l].lang), bl[l].n))
                tm_meta_lang_add(t, bl[l].lang, strlen(bl[l].lang), bl[l].n);
    /* 3. Postings of the new units, by key (the groups are sorted already), one chunk per key */
    if (tm_txn_set(t, JISR_GROW(imp->ids, imp->idscap, b->np + 1)) < 0 ||
        tm_txn_set(t, JISR_GROW(imp->idmap, imp->idmapcap, b->np + 1)) < 0)
        return t->rc;
    const uint32_t *idmap = NULL; /* no unit merged: id = first_id + index */
    if (*merged) {
        for (size_t i = 0; i < b->np; i++)
            imp->idmap[i] = b->p[i].id;
        idmap = imp->idmap;
    }
    tm_cur ec;
    if (tm_cur_open(&ec, t, tm->post) < 0)
        return t->rc;
    for (size_t g = 0; g < (1u << TM_PBITS) && !t->rc; g++)
        post_group(imp, &ec, b->grp[g].v, b->grp[g].n, idmap, (uint32_t)first_id);
    tm_cur_close(&ec);
    for (size_t i = 0; i < imp->nlangs && !t->rc; i++)
        tm_meta_lang_add(t, imp->langs[i].lang, strlen(imp->langs[i].lang), imp->langs[i].n);
    /* 4. The words this import brings to the vocabulary (a known one is a lookup) */
    for (size_t x = 0; x + 10 <= b->vocab.len && !t->rc;) {
        uint64_t lh;
        uint16_t n;
        memcpy(&lh, b->vocab.data + x, 8);
        memcpy(&n, b->vocab.data + x + 8, 2);
        tm_vocab_put(t, lh, b->vocab.data + x + 10, n);
        x += 10 + (size_t)n;
    }
    if (imp->chars &&
        tm_short_forms_commit(t, tm->post, &imp->fcount, first_id, next_id, fresh) < 0)
        return t->rc;
    if (tm_meta_put_u64(t, "next_id", next_id) < 0 ||
        (b->phcodes && tm_meta_put_u64(t, "phcodes", 1) < 0))
        return t->rc;
    /* the batch's run joins the in-memory index */
    if (tm_txn_set(t, dset_reserve(&imp->known, imp->known.n + imp->run.len / 12)) < 0)
        return t->rc;
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
        if (tm_txn_set(t, dset_put(&imp->known, dk, id)) < 0)
            return t->rc;
    }
    imp->known_upto = next_id;
    return 0;
}

/* After an aborted transaction: the in-memory dedupe index may hold entries that were never
 * committed; it is reloaded from the memory by the next batch. */
void tm_known_forget(jisr_tm_import *imp)
{
    imp->known_upto = 0;
    dset_clear(&imp->known);
}

void tm_dset_free(tm_dset *s)
{
    free(s->v);
    s->v = NULL;
    s->cap = s->n = 0;
}
