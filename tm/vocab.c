/*
 * vocab.c — the memory's vocabulary: every word key of every language, filed under its two
 * signatures (near.c), so that a query finds its words' near words and compound parts exactly.
 *
 * Database `vocab` (MDB_DUPSORT): key = 8 bytes, a hash of (language, signature bytes); the
 * duplicates under it are the keys (UTF-8, at most TM_NEAR_MAXCP code points) that have that
 * signature, each behind one byte holding its length in code points, so that they sort by length
 * and a lookup reads only the lengths a near word can have. A word of three code points or fewer
 * has one signature (its first and last three are the same bytes), others two. Imports add the
 * words they bring (a put with MDB_NODUPDATA is a lookup when the word is known: concurrent
 * importers add a word once); reindex rebuilds it; deleting units leaves their words (a near word
 * without postings costs a lookup, never a wrong answer).
 *
 * A memory written before the vocabulary existed has no `vocab` database: it is stale (its
 * tokenizer version is older) and its queries find no near words until `jisr reindex`.
 */
#include <string.h>

#include "tm/match_int.h"

static uint64_t vkey(uint64_t lh, const char *sig, size_t n)
{
    return tm_hash(sig, n, lh ^ 0x766f636162ULL);
}

static size_t cp_count(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

int tm_vocab_word_ok(const char *key, size_t n)
{
    return n > 0 && n <= 4 * TM_NEAR_MAXCP && cp_count(key, n) <= TM_NEAR_MAXCP;
}

/* the stored value of a key: its length in code points, then its bytes */
static size_t vval(const char *key, size_t n, unsigned char *out)
{
    out[0] = (unsigned char)cp_count(key, n);
    memcpy(out + 1, key, n);
    return n + 1;
}

int tm_vocab_put(tm_txn *t, uint64_t lh, const char *key, size_t n)
{
    jisr_tm *tm = t->tm;
    if (t->rc)
        return t->rc;
    if (!tm->vocab || !tm_vocab_word_ok(key, n))
        return 0;
    unsigned char vb[4 * TM_NEAR_MAXCP + 1];
    size_t vn = vval(key, n, vb);
    tm_sig sg[2];
    tm_key_sigs(key, n, &sg[0], &sg[1]);
    for (int k = 0; k < 2; k++) {
        if (k == 1 && sg[1].off == 0 && sg[1].n == sg[0].n)
            break; /* a short word: one signature */
        unsigned char kb[8];
        jisr_be_put(kb, vkey(lh, key + sg[k].off, sg[k].n), 8);
        MDB_val kv = {8, kb}, dv = {vn, vb};
        int rc = mdb_put(t->txn, tm->vocab, &kv, &dv, MDB_NODUPDATA);
        if (rc && rc != MDB_KEYEXIST)
            return tm_txn_fail(t, rc, "writing the vocabulary");
    }
    return 0;
}

int tm_vocab_has(tm_cur *vc, uint64_t lh, const char *key, size_t n)
{
    tm_txn *t = vc->t;
    if (t->rc || !vc->c || !tm_vocab_word_ok(key, n))
        return t->rc;
    tm_sig p, s;
    tm_key_sigs(key, n, &p, &s);
    unsigned char kb[8], vb[4 * TM_NEAR_MAXCP + 1];
    jisr_be_put(kb, vkey(lh, key, p.n), 8);
    MDB_val kv = {8, kb}, dv = {vval(key, n, vb), vb};
    int rc = tm_cur_op(vc, &kv, &dv, MDB_GET_BOTH);
    if (rc == 0)
        return 1;
    return rc == MDB_NOTFOUND ? 0 : tm_txn_fail(t, rc, "reading the vocabulary");
}

int tm_vocab_near(tm_cur *vc, uint64_t lh, const char *key, size_t n, tm_near_fn fn, void *ctx)
{
    tm_txn *t = vc->t;
    if (t->rc || !vc->c || !tm_vocab_word_ok(key, n))
        return t->rc;
    tm_sig sg[2];
    tm_key_sigs(key, n, &sg[0], &sg[1]);
    /* the lengths a near word can have: within a third of the longer of the two; a short word
     * (under TM_NEAR_SHORT) only extends or is extended, and so shares the first signature */
    size_t la = cp_count(key, n);
    size_t lo = (2 * la + 2) / 3, hi = (3 * la) / 2;
    if (lo < TM_NEAR_MINCP)
        lo = TM_NEAR_MINCP;
    if (hi > TM_NEAR_MAXCP)
        hi = TM_NEAR_MAXCP;
    int rc = 0;
    tm_nearq q;
    tm_nearq_init_tab(&q, key, n);
    for (int k = 0; k < 2 && rc == 0; k++) {
        if (k == 1 && ((sg[1].off == 0 && sg[1].n == sg[0].n) || hi < TM_NEAR_SHORT))
            break;
        unsigned char kb[8], from = (unsigned char)lo;
        jisr_be_put(kb, vkey(lh, key + sg[k].off, sg[k].n), 8);
        MDB_val kv = {8, kb}, dv = {1, &from};
        int r = tm_cur_op(vc, &kv, &dv, MDB_GET_BOTH_RANGE);
        while (r == 0) {
            const unsigned char *v = dv.mv_data;
            if (dv.mv_size < 1 || v[0] > hi)
                break;
            if (dv.mv_size - 1 != n || memcmp(v + 1, key, n) != 0) {
                uint32_t c = tm_near_cost_q(&q, (const char *)v + 1, dv.mv_size - 1);
                if (c < TM_BIG && (rc = fn(ctx, (const char *)v + 1, dv.mv_size - 1, c)) < 0)
                    break;
            }
            r = tm_cur_op(vc, &kv, &dv, MDB_NEXT_DUP);
        }
        if (r && r != MDB_NOTFOUND)
            rc = tm_txn_fail(t, r, "reading the vocabulary");
    }
    return rc;
}
