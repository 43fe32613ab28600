/*
 * vocab.c — the memory's vocabulary: every word key of every language, filed under its two
 * signatures (near.c), so that a query finds its words' near words and compound parts exactly.
 *
 * Database `vocab` (MDB_DUPSORT): key = 8 bytes, a hash of (language, signature bytes); the
 * duplicates under it are the keys (UTF-8, at most TM_NEAR_MAXCP code points) that have that
 * signature, sorted bytewise. A word of three code points or fewer has one signature (its first
 * and last three are the same bytes), others two. Imports add the words they bring (a put with
 * MDB_NODUPDATA is a lookup when the word is known: concurrent importers add a word once);
 * reindex rebuilds it; deleting units leaves their words (a near word without postings costs a
 * lookup, never a wrong answer).
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

int tm_vocab_put(tm_txn *t, uint64_t lh, const char *key, size_t n)
{
    jisr_tm *tm = t->tm;
    if (t->rc)
        return t->rc;
    if (!tm->vocab || !tm_vocab_word_ok(key, n))
        return 0;
    tm_sig sg[2];
    tm_key_sigs(key, n, &sg[0], &sg[1]);
    for (int k = 0; k < 2; k++) {
        if (k == 1 && sg[1].off == 0 && sg[1].n == sg[0].n)
            break; /* a short word: one signature */
        unsigned char kb[8];
        jisr_be_put(kb, vkey(lh, key + sg[k].off, sg[k].n), 8);
        MDB_val kv = {8, kb}, dv = {n, (void *)key};
        int rc = mdb_put(t->txn, tm->vocab, &kv, &dv, MDB_NODUPDATA);
        if (rc && rc != MDB_KEYEXIST)
            return tm_txn_fail(t, rc, "writing the vocabulary");
    }
    return 0;
}

int tm_vocab_has(tm_txn *t, uint64_t lh, const char *key, size_t n)
{
    jisr_tm *tm = t->tm;
    if (t->rc || !tm->vocab || !tm_vocab_word_ok(key, n))
        return t->rc;
    tm_sig p, s;
    tm_key_sigs(key, n, &p, &s);
    unsigned char kb[8];
    jisr_be_put(kb, vkey(lh, key, p.n), 8);
    MDB_cursor *cur;
    int rc = mdb_cursor_open(t->txn, tm->vocab, &cur);
    if (rc)
        return tm_txn_fail(t, rc, "reading the vocabulary");
    MDB_val kv = {8, kb}, dv = {n, (void *)key};
    rc = mdb_cursor_get(cur, &kv, &dv, MDB_GET_BOTH);
    mdb_cursor_close(cur);
    if (rc == 0)
        return 1;
    return rc == MDB_NOTFOUND ? 0 : tm_txn_fail(t, rc, "reading the vocabulary");
}

int tm_vocab_near(tm_txn *t, uint64_t lh, const char *key, size_t n, tm_near_fn fn, void *ctx)
{
    jisr_tm *tm = t->tm;
    if (t->rc || !tm->vocab || !tm_vocab_word_ok(key, n))
        return t->rc;
    tm_sig sg[2];
    tm_key_sigs(key, n, &sg[0], &sg[1]);
    MDB_cursor *cur;
    int rc = mdb_cursor_open(t->txn, tm->vocab, &cur);
    if (rc)
        return tm_txn_fail(t, rc, "reading the vocabulary");
    for (int k = 0; k < 2 && rc == 0; k++) {
        if (k == 1 && sg[1].off == 0 && sg[1].n == sg[0].n)
            break;
        unsigned char kb[8];
        jisr_be_put(kb, vkey(lh, key + sg[k].off, sg[k].n), 8);
        MDB_val kv = {8, kb}, dv;
        int r = mdb_cursor_get(cur, &kv, &dv, MDB_SET_KEY);
        while (r == 0) {
            if (dv.mv_size && (dv.mv_size != n || memcmp(dv.mv_data, key, n) != 0)) {
                uint32_t c = tm_near_cost(key, n, dv.mv_data, dv.mv_size);
                if (c < TM_BIG && (rc = fn(ctx, dv.mv_data, dv.mv_size, c)) < 0)
                    break;
            }
            r = mdb_cursor_get(cur, &kv, &dv, MDB_NEXT_DUP);
        }
        if (r && r != MDB_NOTFOUND)
            rc = tm_txn_fail(t, r, "reading the vocabulary");
    }
    mdb_cursor_close(cur);
    return rc;
}
