/*
 * postings.c — the one codec of the inverted index (database `post`), shared by the import and
 * reindex (which write chunks), the matcher and the concordance (which read them).
 *
 * A key is 12 bytes: the 8-byte posting key of tm_post_key (56 bits of language and term hash,
 * then the length bucket, so that a term's buckets are adjacent and walked with one cursor) and
 * the chunk's first id, both big-endian so that byte order is numeric order. A value is a varint
 * count, then the deltas of the ids after the first (varints; a delta needs at most 5 bytes).
 * A term's ids of one import batch go into one chunk, or onto the end of the term's last chunk
 * while that is under TM_POST_MERGE_MAX bytes: a million-unit import makes a few million B-tree
 * insertions instead of tens of millions, and rare terms keep one small chunk each. Decoding is
 * defensive: a count or delta that does not fit its value is a damaged memory, never a read past
 * the value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/tm_int.h"

/* tm_get_varint for the deltas of a chunk, inlined since they are decoded by the million; a
 * delta needs at most 5 bytes (ids are 32-bit), so a longer one is corruption */
static inline const unsigned char *get_delta(const unsigned char *p, const unsigned char *end,
                                             uint32_t *d)
{
    uint32_t x = 0;
    for (unsigned shift = 0; p < end && shift < 35; shift += 7) {
        unsigned c = *p++;
        x |= (uint32_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *d = x;
            return p;
        }
    }
    return NULL;
}

static int damaged(void)
{
    return jisr_error_set(JISR_EDB, NULL, 0, 0,
                          "the memory's index is damaged (a posting chunk does not decode); "
                          "'jisr reindex' rebuilds it");
}

int tm_post_bad_id(tm_txn *t, uint32_t id, uint64_t limit)
{
    /* either the posting or meta's next unit id is damaged: reindex rebuilds the first from the
     * units and sets the second above the last unit */
    return tm_txn_damaged(t,
                          "reading the index: the memory is damaged (a posting names unit %u, "
                          "but the next unit id is %llu); 'jisr reindex' rebuilds the index from "
                          "the units and repairs the id",
                          id, (unsigned long long)limit);
}

/* The decoder of tm_post_decode, tm_post_decode_marked and tm_post_decode_to, in two steps:
 * post_count reads the value's count into *cnt (checked against the value's size) and where its
 * deltas begin; post_body then stores the ids into out (room for cnt) — when marked (a constant,
 * so that each caller has its own loop), only those whose bit is set in mark (ids at or above
 * nmark have none) — and returns how many it stored. The whole chunk is checked either way;
 * -1 when it does not decode (no error recorded: the callers record it). */
#if defined(__GNUC__)
#define POST_INLINE inline __attribute__((always_inline))
#else
#define POST_INLINE inline
#endif
static POST_INLINE int64_t post_count(const MDB_val *k, const MDB_val *v, uint64_t *cnt,
                                      const unsigned char **body)
{
    const unsigned char *p = v->mv_data, *end = p + v->mv_size;
    if (k->mv_size != 12)
        return -1;
    p = tm_get_varint(p, end, cnt);
    if (!p || *cnt == 0 || *cnt > (uint64_t)v->mv_size + 1)
        return -1;
    *body = p;
    return 0;
}

static POST_INLINE int64_t post_body(const MDB_val *k, const MDB_val *v, const unsigned char *p,
                                     uint64_t cnt, uint32_t *out, const int marked,
                                     const uint64_t *mark, size_t nmark)
{
    const unsigned char *end = (const unsigned char *)v->mv_data + v->mv_size;
    uint32_t d, id = (uint32_t)jisr_be_get((const unsigned char *)k->mv_data + 8, 4);
    uint32_t *out0 = out;
#define POST_KEEP(x) (!marked || ((x) < nmark && (mark[(x) >> 6] >> ((x)&63) & 1)))
    if (POST_KEEP(id))
        *out++ = id;
    uint64_t i = 1;
    for (;;) { /* runs of ids whose deltas cannot pass the value's end even at 5 bytes each */
        uint64_t safe = (uint64_t)(end - p) / 5, stop = cnt - i < safe ? cnt : i + safe;
        if (i >= stop)
            break;
        for (; i < stop; i++) { /* no bounds checks here (the same values) */
            unsigned b = *p++;
            d = b & 0x7F;
            if (b & 0x80) {
                b = *p++;
                d |= (uint32_t)(b & 0x7F) << 7;
                if (b & 0x80) {
                    b = *p++;
                    d |= (uint32_t)(b & 0x7F) << 14;
                    if (b & 0x80) {
                        b = *p++;
                        d |= (uint32_t)(b & 0x7F) << 21;
                        if (b & 0x80) {
                            b = *p++;
                            d |= (uint32_t)(b & 0x7F) << 28;
                            if (b & 0x80)
                                return -1;
                        }
                    }
                }
            }
            id += d;
            if (POST_KEEP(id))
                *out++ = id;
        }
    }
    for (; i < cnt; i++) { /* the last few bytes: checked */
        if (!(p = get_delta(p, end, &d)))
            return -1;
        id += d;
        if (POST_KEEP(id))
            *out++ = id;
    }
#undef POST_KEEP
    return out - out0;
}

static POST_INLINE int post_decode(const MDB_val *k, const MDB_val *v, uint32_t **ids, size_t *n,
                                   size_t *cap, const int marked, const uint64_t *mark,
                                   size_t nmark)
{
    uint64_t cnt;
    const unsigned char *p;
    if (post_count(k, v, &cnt, &p) < 0)
        return damaged();
    int rc = JISR_GROW(*ids, *cap, *n + cnt);
    if (rc < 0)
        return rc;
    int64_t got = post_body(k, v, p, cnt, *ids + *n, marked, mark, nmark);
    if (got < 0)
        return damaged();
    *n += (size_t)got;
    return 0;
}

int tm_post_decode(const MDB_val *k, const MDB_val *v, uint32_t **ids, size_t *n, size_t *cap)
{
    return post_decode(k, v, ids, n, cap, 0, NULL, 0);
}

int tm_post_decode_marked(const MDB_val *k, const MDB_val *v, const uint64_t *mark, size_t nmark,
                          uint32_t **ids, size_t *n, size_t *cap)
{
    if (!mark) /* no survivors' bits: every id */
        return tm_post_decode(k, v, ids, n, cap);
    return post_decode(k, v, ids, n, cap, 1, mark, nmark);
}

int64_t tm_post_count(const MDB_val *k, const MDB_val *v)
{
    uint64_t cnt;
    const unsigned char *p;
    return post_count(k, v, &cnt, &p) < 0 || cnt > UINT32_MAX ? -1 : (int64_t)cnt;
}

int64_t tm_post_decode_to(const MDB_val *k, const MDB_val *v, uint32_t *out, size_t room)
{
    uint64_t cnt;
    const unsigned char *p;
    if (post_count(k, v, &cnt, &p) < 0 || cnt > room)
        return -1;
    return post_body(k, v, p, cnt, out, 0, NULL, 0);
}

int tm_chunk_ids(const tm_chunk *h, uint32_t **ids, size_t *n, size_t *cap)
{
    if (!h->ids && !h->d16)
        return tm_post_decode(&h->k, &h->v, ids, n, cap);
    int rc = JISR_GROW(*ids, *cap, *n + h->count);
    if (rc < 0)
        return rc;
    uint32_t *out = *ids + *n;
    if (h->ids) {
        memcpy(out, h->ids, (size_t)h->count * sizeof *h->ids);
    } else {
        const uint16_t *d = h->d16;
        uint32_t id = h->first;
        out[0] = id;
        for (size_t i = 1; i < h->count; i++)
            out[i] = id += d[i - 1];
    }
    *n += h->count;
    return 0;
}

static inline void count_live(uint32_t id, const uint64_t *live, uint8_t *cnt)
{
    if (live[id >> 6] >> (id & 63) & 1)
        cnt[id]++;
}

int tm_chunk_count(const tm_chunk *h, const uint64_t *live, uint64_t limit, uint8_t *cnt,
                   uint32_t **ids, size_t *cap)
{
    if (!h->ids && !h->d16) { /* not in the directory: its value decoded into the scratch */
        size_t n = 0;
        int rc = tm_post_decode(&h->k, &h->v, ids, &n, cap);
        for (size_t i = 0; rc == 0 && i < n; i++)
            if ((*ids)[i] < limit)
                count_live((*ids)[i], live, cnt);
        return rc;
    }
    /* the directory's ids ascend (its build checks it): the first at or above limit ends them */
    if (h->ids) {
        for (size_t i = 0; i < h->count && h->ids[i] < limit; i++)
            count_live(h->ids[i], live, cnt);
        return 0;
    }
    const uint16_t *d = h->d16;
    uint32_t id = h->first;
    for (size_t i = 0; id < limit;) {
        count_live(id, live, cnt);
        if (++i == h->count)
            break;
        id += d[i - 1];
    }
    return 0;
}

int tm_chunk_ids_marked(const tm_chunk *h, const uint64_t *mark, size_t nmark, uint32_t **ids,
                        size_t *n, size_t *cap)
{
    if (!mark || (!h->ids && !h->d16))
        return tm_post_decode_marked(&h->k, &h->v, mark, nmark, ids, n, cap);
    int rc = JISR_GROW(*ids, *cap, *n + h->count);
    if (rc < 0)
        return rc;
    /* the ids ascend (the directory's build checks it): those at or above nmark, which have no
     * bit, are a tail; every other id is stored, the count advanced by its bit */
    uint32_t *out = *ids + *n;
    size_t w = 0, m = h->count;
    if (h->ids) {
        const uint32_t *v = h->ids;
        if (v[m - 1] >= nmark) /* (so nmark fits in 32 bits) */
            m = jisr_lower_u32(v, 0, m, (uint32_t)nmark);
        for (size_t i = 0; i < m; i++) {
            uint32_t x = v[i];
            out[w] = x;
            w += (size_t)(mark[x >> 6] >> (x & 63) & 1);
        }
    } else {
        const uint16_t *d = h->d16;
        uint32_t x = h->first, last = (uint32_t)d[-2] | (uint32_t)d[-1] << 16;
        if (last < nmark) { /* every id has its bit; four ids a step */
#define POST_BIT(y) ((size_t)(mark[(y) >> 6] >> ((y)&63) & 1))
            out[0] = x;
            w = POST_BIT(x);
            size_t i = 1;
            for (; i + 4 <= m; i += 4) {
                uint32_t x1 = x + d[i - 1], x2 = x1 + d[i], x3 = x2 + d[i + 1];
                x = x3 + d[i + 2];
                out[w] = x1;
                w += POST_BIT(x1);
                out[w] = x2;
                w += POST_BIT(x2);
                out[w] = x3;
                w += POST_BIT(x3);
                out[w] = x;
                w += POST_BIT(x);
            }
            for (; i < m; i++) {
                x += d[i - 1];
                out[w] = x;
                w += POST_BIT(x);
            }
#undef POST_BIT
        } else {
            for (size_t i = 0; x < nmark;) {
                out[w] = x;
                w += (size_t)(mark[x >> 6] >> (x & 63) & 1);
                if (++i == m)
                    break;
                x += d[i - 1];
            }
        }
    }
    *n += w;
    return 0;
}

/* the chunks from key (pkey_lo, id 0) on while their bucket is at most hi; at most max of them
 * (1 when there were more: *ch then holds the first max), else 0; negative on an error */
/* post_walk through the read snapshot's directory (snap.c): the same chunks, the cursor left
 * where post_walk's would stand, and no page of the map read (the keys' bytes after the term and
 * the chunks' counts are the directory's, and so are their ids when it holds them decoded:
 * tm_chunk.ids or .d16); 1 (ASK) when the directory cannot answer (nothing appended) */
static int dir_walk(tm_cur *cur, const unsigned char key[12], unsigned hi, size_t max,
                    tm_chunk **ch, size_t *n, size_t *cap, uint64_t *df, int *rc)
{
    const tm_dirdb *d = cur->d;
    tm_txn *t = cur->t;
    size_t i, end;
    MDB_val k = {12, (void *)key};
    if (!d->cnt || !d->sk || d->plen != 7 || d->ks != 12)
        return 1;
    int r = tm_snap_seek_range(cur, &k, &i, &end);
    if (r == MDB_NOTFOUND) {
        *rc = 0;
        return 0;
    }
    if (r != 0)
        return 1;
    size_t got = 0, n0 = *n;
    for (; i < end; i++) {
        const tm_snapent *e = &d->e[i];
        unsigned bucket = (unsigned)(d->sk[i] >> 32) & 0xFF;
        if (bucket > hi)
            break;
        if (got == max) {
            tm_snap_cur_at(cur, i);
            *rc = t->rc < 0 ? t->rc : 1;
            return 0;
        }
        if (!d->cnt[i]) { /* not a chunk (damaged): post_walk reads and reports it */
            *n = n0;
            *df = 0;
            return 1;
        }
        MDB_val ek = {e->ks, (void *)e->k}, ev = {e->vs, (void *)e->v};
        if (!tm_val_check(t, &ek, "reading the index") ||
            !tm_val_check(t, &ev, "reading the index")) {
            *rc = t->rc;
            return 0;
        }
        int gr = JISR_GROW(*ch, *cap, *n + 1);
        if (gr < 0) {
            *rc = tm_txn_set(t, gr);
            return 0;
        }
        *df += d->cnt[i];
        (*ch)[*n].k = ek;
        (*ch)[*n].v = ev;
        (*ch)[*n].count = d->cnt[i];
        (*ch)[*n].ids = NULL;
        (*ch)[*n].d16 = NULL;
        (*ch)[*n].first = (uint32_t)d->sk[i]; /* the key's last 4 bytes */
        if (d->poff && d->poff[i] != TM_SNAP_NOPOOL) {
            if (d->poff[i] & TM_SNAP_D16)
                (*ch)[*n].d16 = d->d16 + (d->poff[i] & ~TM_SNAP_D16);
            else
                (*ch)[*n].ids = d->pool + d->poff[i];
        }
        (*ch)[*n].bucket = bucket;
        (*n)++;
        got++;
    }
    tm_snap_cur_at(cur, i); /* the entry that ended the window (or past the last) */
    *rc = t->rc;
    return 0;
}

static int post_walk(tm_cur *cur, uint64_t pkey_lo, unsigned hi, size_t max, tm_chunk **ch,
                     size_t *n, size_t *cap, uint64_t *df)
{
    unsigned char key[12];
    jisr_be_put(key, pkey_lo, 8);
    memset(key + 8, 0, 4);
    MDB_val k = {12, key}, v;
    uint64_t prefix = pkey_lo >> 8;
    size_t got = 0;
    *df = 0;
    int drc;
    if (cur->d && !cur->t->rc && cur->c && dir_walk(cur, key, hi, max, ch, n, cap, df, &drc) == 0)
        return drc;
    for (int found = tm_cur_get(cur, &k, &v, MDB_SET_RANGE, "reading the index"); found;
         found = tm_cur_get(cur, &k, &v, MDB_NEXT, "reading the index")) {
        if (k.mv_size != 12)
            break;
        uint64_t kk = jisr_be_get(k.mv_data, 8);
        if ((kk >> 8) != prefix || (kk & 0xFF) > hi)
            break;
        if (got == max)
            return cur->t->rc < 0 ? cur->t->rc : 1;
        uint64_t cnt;
        const unsigned char *p = v.mv_data;
        if (!tm_get_varint(p, p + v.mv_size, &cnt) || cnt == 0 || cnt > (uint64_t)v.mv_size + 1)
            return tm_txn_set(cur->t, damaged());
        *df += cnt;
        int rc = JISR_GROW(*ch, *cap, *n + 1);
        if (rc < 0)
            return tm_txn_set(cur->t, rc);
        (*ch)[*n].k = k;
        (*ch)[*n].v = v;
        (*ch)[*n].count = (uint32_t)cnt;
        (*ch)[*n].ids = NULL;
        (*ch)[*n].d16 = NULL;
        (*ch)[*n].first = (uint32_t)jisr_be_get((const unsigned char *)k.mv_data + 8, 4);
        (*ch)[*n].bucket = (unsigned)(kk & 0xFF);
        (*n)++;
        got++;
    }
    return cur->t->rc;
}

int tm_post_chunks(tm_cur *cur, uint64_t pkey_lo, unsigned hi, tm_chunk **ch, size_t *n,
                   size_t *cap, uint64_t *df)
{
    int rc = post_walk(cur, pkey_lo, hi, SIZE_MAX, ch, n, cap, df);
    return rc < 0 ? rc : 0;
}

int tm_post_chunks_max(tm_cur *cur, uint64_t pkey_lo, unsigned hi, size_t max, tm_chunk **ch,
                       size_t *n, size_t *cap)
{
    uint64_t df;
    return post_walk(cur, pkey_lo, hi, max, ch, n, cap, &df);
}

/* Ids must ascend under a key across its chunks (the matcher intersects two keys' lists by a
 * merge): an id below one the key holds is refused, never written out of order. Every
 * writer gives ascending ids above the stored ones (ids only grow), so this is a damaged memory
 * (meta's next id lowered below deleted units' postings) or a writer's bug. */
static int out_of_order(tm_txn *t, uint32_t id, uint32_t held)
{
    return tm_txn_damaged(t,
                          "writing the index: the memory is damaged (unit %u would be indexed "
                          "after unit %u under the same term); 'jisr reindex' rebuilds the index "
                          "from the units and repairs the next unit id",
                          id, held);
}

/* The key's last chunk: the first key after (pkey, all ids), then one back. 0 with it in k and
 * d, MDB_NOTFOUND when there is none, else LMDB's error. */
static int last_chunk(MDB_cursor *c, const unsigned char key[12], MDB_val *k, MDB_val *d)
{
    k->mv_size = 12;
    k->mv_data = (void *)key;
    int rc = mdb_cursor_get(c, k, d, MDB_SET_RANGE);
    if (rc == 0)
        rc = mdb_cursor_get(c, k, d, MDB_PREV);
    else if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(c, k, d, MDB_LAST);
    return rc;
}

/* last_chunk under one guard for both moves (a frame of its own: nothing of the caller's is
 * live across the setjmp) */
static TM_NOINLINE int guarded_last_chunk(MDB_cursor *c, const unsigned char key[12], MDB_val *k,
                                          MDB_val *d)
{
    int rc;
    TM_GUARDED(rc, last_chunk(c, key, k, d));
    return rc;
}

int tm_post_append(tm_cur *cur, uint64_t pkey, const uint32_t *v, size_t nid, jisr_buf *out)
{
    unsigned char key[12], old[TM_POST_MERGE_MAX];
    size_t oldn = 0;
    uint32_t last = 0;
    tm_txn *t = cur->t;
    if (t->rc)
        return t->rc;
    jisr_be_put(key, pkey, 8);
    memset(key + 8, 0xFF, 4);
    MDB_val k, d;
    int rc = guarded_last_chunk(cur->c, key, &k, &d);
    if (rc && rc != MDB_NOTFOUND)
        return tm_txn_fail(t, rc, "writing the index");
    int found = rc == 0;
    if (found &&
        !(tm_val_check(t, &k, "writing the index") && tm_val_check(t, &d, "writing the index")))
        return t->rc;
    /* room for the chunk: the old deltas, a count and a varint per id */
    jisr_buf_reset(out);
    if (jisr_buf_reserve(out, TM_POST_MERGE_MAX + 10 + 5 * (nid + 1)) < 0)
        return tm_txn_set(t, jisr_oom(0));
    int same = found && k.mv_size == 12 && memcmp(k.mv_data, key, 8) == 0;
    if (same)
        last = (uint32_t)jisr_be_get((const unsigned char *)k.mv_data + 8, 4);
    if (same && last >= v[0]) /* a chunk at or above v[0] (it would be overwritten) */
        return out_of_order(t, v[0], last);
    if (same && d.mv_size < TM_POST_MERGE_MAX) {
        uint64_t cnt, dl;
        const unsigned char *p = d.mv_data, *end = p + d.mv_size;
        memcpy(key + 8, (unsigned char *)k.mv_data + 8, 4);
        p = tm_get_varint(p, end, &cnt);
        const unsigned char *deltas = p;
        for (uint64_t x = 1; p && x < cnt; x++) {
            p = tm_get_varint(p, end, &dl);
            last += (uint32_t)dl;
        }
        if (p && last >= v[0])
            return out_of_order(t, v[0], last);
        if (p) {
            oldn = (size_t)(end - deltas);
            memcpy(old, deltas, oldn);
            tm_put_varint(out, cnt + nid);
            jisr_buf_append(out, old, oldn);
            tm_put_varint(out, v[0] - last);
            oldn = 1;
        }
    }
    if (!oldn) {
        jisr_be_put(key + 8, v[0], 4);
        tm_put_varint(out, nid);
    }
    for (size_t x = 1; x < nid; x++) { /* within the reservation: cannot fail */
        if (v[x] < v[x - 1])           /* equal: two terms of a unit whose keys collide, harmless */
            return out_of_order(t, v[x], v[x - 1]);
        tm_put_varint(out, v[x] - v[x - 1]);
    }
    MDB_val nk = {12, key}, nd = {out->len, out->data};
    return tm_cur_put(cur, &nk, &nd, 0, "writing the index");
}
