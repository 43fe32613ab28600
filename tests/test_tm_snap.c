/* test_tm_snap.c — the read snapshot's directory (JISR_TM_SNAPSHOT, tm/snap.c) against LMDB on a
 * generated memory: every answer (fuzzy queries in both directions at several minimum scores,
 * concordance, units by id) read through the directory equals the answer of the same memory
 * opened without it; after an import through the handle (stale: LMDB; then rebuilt: the
 * directory again), after deletes, and after a second process (jisr import) has imported into
 * the memory and grown its map. And at the cursor level: random sequences of cursor operations
 * on each database answered alike by the directory and by a plain LMDB cursor of the same
 * transaction (seeks that find nothing, moves past the end, operations the directory leaves to
 * LMDB after it) — except a move right after a seek that found nothing, where LMDB's own answer
 * depends on the page its cursor stood on before (undefined by LMDB; no caller makes one). The
 * threaded case (queries on many threads, the builder, an import growing the map) is in
 * test_tm_threads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tm/tm_int.h"

#include "test_tm_dir.h"
#include "test_tm_pairs.h"

typedef tm_test_pair pair;

static pair *g_p;
static size_t g_np;

static void load_pairs(void)
{
    g_np = tm_test_pairs_load(JISR_TEST_DATA "/tm/ar-en.tsv", &g_p, 400);
    assert_true(g_np >= 100);
}

/* variant v of pair i: the pair itself (v 0), or with a word or a number added */
static void variant(size_t i, int v, char *ar, char *en, size_t n)
{
    const pair *b = &g_p[i % g_np];
    switch (v % 4) {
    case 0:
        snprintf(ar, n, "%s", b->ar);
        snprintf(en, n, "%s", b->en);
        break;
    case 1:
        snprintf(ar, n, "%s إضافي %d", b->ar, v);
        snprintf(en, n, "%s again %d", b->en, v);
        break;
    case 2:
        snprintf(ar, n, "جديد %s", b->ar);
        snprintf(en, n, "New: %s (%d)", b->en, v);
        break;
    default:
        snprintf(ar, n, "%s %zu", b->ar, i * 31 + (size_t)v);
        snprintf(en, n, "%s %zu", b->en, i * 31 + (size_t)v);
    }
}

static void import_variants(jisr_tm *tm, int v0, int v1)
{
    jisr_tm_import *imp;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = 500;
    assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
    for (int v = v0; v < v1; v++)
        for (size_t i = 0; i < g_np; i++) {
            char ar[4096], en[4096];
            variant(i, v, ar, en, sizeof ar);
            jisr_unit u;
            jisr_unit_init(&u);
            assert_int_equal(jisr_unit_add_variant(&u, "ar", ar, strlen(ar), NULL), 0);
            assert_int_equal(jisr_unit_add_variant(&u, "en", en, strlen(en), NULL), 0);
            u.meta.creationdate = strdup("20200101T000000Z");
            assert_int_equal(jisr_tm_import_add(imp, &u), 0);
            jisr_unit_clear(&u);
        }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
}

/* Every answer of the memory as one string (malloc'd); with errors_ok, a query or concordance
 * that fails gives its code and message instead (a damaged memory), counted in *nerr. */
static char *answers_e(jisr_tm *tm, int errors_ok, size_t *nerr);

static char *answers(jisr_tm *tm)
{
    return answers_e(tm, 0, NULL);
}

/* a call's result: 0 to go on with its answer, else its error written to b (errors_ok) */
static int outcome(jisr_buf *b, int rc, int errors_ok, size_t *nerr)
{
    if (rc == 0)
        return 0;
    assert_true(errors_ok);
    jisr_buf_printf(b, "error %d: %s\n", rc, jisr_error_last()->msg);
    (*nerr)++;
    return 1;
}

static char *answers_e(jisr_tm *tm, int errors_ok, size_t *nerr)
{
    static const int mins[] = {50, 75, 90};
    jisr_buf b = {0};
    for (size_t i = 0; i < g_np; i += 3) {
        for (int dir = 0; dir < 2; dir++) {
            char ar[4096], en[4096];
            variant(i, (int)(i % 5), ar, en, sizeof ar);
            jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
            qo.srclang = dir ? "en" : "ar";
            qo.tgtlang = dir ? "ar" : "en";
            qo.min_score = mins[(i / 3 + (size_t)dir) % 3];
            qo.max_results = 5;
            jisr_tm_matches m;
            if (outcome(&b, jisr_tm_query(tm, dir ? en : ar, &qo, &m), errors_ok, nerr))
                continue;
            assert_int_equal(jisr_tm_matches_json(&b, dir ? en : ar, &m), 0);
            for (size_t k = 0; k < m.n; k++)
                jisr_buf_printf(&b, "|%llu|%.6f|%s", (unsigned long long)m.v[k].id,
                                m.v[k].similarity, m.v[k].diff);
            jisr_buf_puts(&b, "\n");
            jisr_tm_matches_free(&m);
        }
    }
    static const char *const phr[][2] = {
        {"en", "again"}, {"en", "draft resolution"}, {"ar", "إضافي"}, {"ar", "مشروع القرار"}};
    for (size_t i = 0; i < sizeof phr / sizeof *phr; i++) {
        jisr_tm_hits h;
        if (outcome(&b, jisr_tm_concord(tm, phr[i][0], phr[i][1], 50, &h), errors_ok, nerr))
            continue;
        assert_int_equal(jisr_tm_hits_json(&b, phr[i][0], phr[i][1], &h, 20), 0);
        jisr_tm_hits_free(&h);
    }
    for (uint64_t id = 1; id < 4 * g_np; id += 7) {
        jisr_unit u;
        jisr_unit_init(&u);
        int rc = jisr_tm_get(tm, id, &u);
        if (rc == JISR_ENOTFOUND)
            jisr_buf_puts(&b, "absent\n");
        else {
            assert_int_equal(rc, 0);
            assert_int_equal(jisr_tm_unit_json(&b, id, &u), 0);
        }
        jisr_unit_clear(&u);
    }
    return b.data;
}

static jisr_tm *open_tm(const char *dir, unsigned flags, size_t map)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = flags;
    o.initial_mapsize = map;
    assert_int_equal(jisr_tm_open(&tm, dir, &o), 0);
    return tm;
}

/* the answers of the memory read through LMDB only (its own handle) */
static char *reference(const char *dir)
{
    jisr_tm *tm = open_tm(dir, 0, 0);
    jisr_tm_snapshot sn;
    assert_int_equal(jisr_tm_snapshot_info(tm, &sn), 0);
    char *a = answers(tm);
    assert_int_equal(jisr_tm_snapshot_info(tm, &sn), 0);
    assert_true(sn.reads == 0);
    jisr_tm_close(tm);
    return a;
}

/* wait (at most 30 s) for the builder to make a directory of a state other than old */
static void wait_rebuilt(jisr_tm *tm, uint64_t old)
{
    jisr_tm_snapshot sn;
    for (int i = 0; i < 3000; i++) {
        if (jisr_tm_snapshot_info(tm, &sn) && sn.txnid != old)
            return;
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    fail_msg("the directory was not rebuilt");
}

/* answers through the directory: equal to want, and every query read through it */
static void check_through_dir(jisr_tm *tm, const char *want)
{
    jisr_tm_snapshot s0, s1;
    assert_int_equal(jisr_tm_snapshot_info(tm, &s0), 1);
    assert_true(s0.bytes > 0);
    char *got = answers(tm);
    assert_int_equal(jisr_tm_snapshot_info(tm, &s1), 1);
    assert_string_equal(got, want);
    /* one read transaction a query at least, and the state did not change meanwhile */
    assert_true(s1.reads - s0.reads >= 2 * (g_np / 3));
    assert_true(s1.txnid == s0.txnid);
    free(got);
}

static void test_same_answers(void **state)
{
    (void)state;
    char dir[64];
    tmdir_make(dir, sizeof dir, "snap");
    setenv("JISR_TM_SNAP_QUIET_MS", "50", 1);
    jisr_tm *tm = open_tm(dir, JISR_TM_WRITE | JISR_TM_NOSYNC, 0);
    import_variants(tm, 0, 3);
    jisr_tm_close(tm);
    char *ref0 = reference(dir);

    tm = open_tm(dir, JISR_TM_WRITE | JISR_TM_NOSYNC | JISR_TM_SNAPSHOT, 0);
    check_through_dir(tm, ref0);
    jisr_tm_snapshot sn;
    assert_int_equal(jisr_tm_snapshot_info(tm, &sn), 1);

    /* an import through the handle: its state is newer than the directory's */
    import_variants(tm, 3, 5);
    char *stale = answers(tm); /* LMDB (or a directory rebuilt meanwhile) */
    wait_rebuilt(tm, sn.txnid);
    check_through_dir(tm, stale);
    assert_string_not_equal(stale, ref0); /* the import changed answers */
    assert_int_equal(jisr_tm_snapshot_info(tm, &sn), 1);

    /* deletes */
    uint64_t del[40];
    for (size_t i = 0; i < 40; i++)
        del[i] = 1 + i * 13;
    assert_int_equal(jisr_tm_delete(tm, del, 40), 0);
    char *after_del = answers(tm);
    wait_rebuilt(tm, sn.txnid);
    check_through_dir(tm, after_del);
    assert_string_not_equal(after_del, stale);
    jisr_tm_close(tm);
    char *ref1 = reference(dir);
    assert_string_equal(ref1, after_del);

    /* JISR_TM_SNAP=0 turns it off */
    setenv("JISR_TM_SNAP", "0", 1);
    tm = open_tm(dir, JISR_TM_SNAPSHOT, 0);
    assert_int_equal(jisr_tm_snapshot_info(tm, &sn), 0);
    jisr_tm_close(tm);
    unsetenv("JISR_TM_SNAP");
    free(ref0);
    free(stale);
    free(after_del);
    free(ref1);
    tmdir_remove(dir);
}

static void test_second_process(void **state)
{
    (void)state;
    char dir[64];
    tmdir_make(dir, sizeof dir, "snap");
    setenv("JISR_TM_SNAP_QUIET_MS", "50", 1);
    /* a small map, so that the other process's import grows it */
    jisr_tm *tm = open_tm(dir, JISR_TM_WRITE | JISR_TM_NOSYNC, 1 << 20);
    import_variants(tm, 0, 2);
    jisr_tm_close(tm);
    tm = open_tm(dir, JISR_TM_SNAPSHOT, 0); /* read-only, as a read-only server */
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    uint64_t map0 = st.map_bytes;
    jisr_tm_stats_free(&st);
    jisr_tm_snapshot sn;
    assert_int_equal(jisr_tm_snapshot_info(tm, &sn), 1);
    char *before = answers(tm);

    /* the other process: jisr import of more variants */
    char tsv[600];
    snprintf(tsv, sizeof tsv, "%s/more.tsv", dir);
    FILE *f = fopen(tsv, "w");
    assert_non_null(f);
    for (int v = 2; v < 16; v++)
        for (size_t i = 0; i < g_np; i++) {
            char ar[4096], en[4096];
            variant(i, v, ar, en, sizeof ar);
            fprintf(f, "%s\t%s\n", ar, en);
        }
    fclose(f);
    const char *bin = getenv("JISR_BINARY");
    if (!bin)
        bin = JISR_BINARY;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(bin, bin, "import", "--tm", dir, "-s", "ar", "-t", "en", "-q", tsv, (char *)NULL);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unlink(tsv);

    char *stale = answers(tm); /* a newer state, in a larger map */
    assert_string_not_equal(stale, before);
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    fprintf(stderr, "map %llu -> %llu bytes\n", (unsigned long long)map0,
            (unsigned long long)st.map_bytes);
    assert_true(st.map_bytes > map0); /* the other process grew it */
    jisr_tm_stats_free(&st);
    wait_rebuilt(tm, sn.txnid);
    check_through_dir(tm, stale);
    jisr_tm_close(tm);
    char *ref = reference(dir);
    assert_string_equal(ref, stale);
    free(before);
    free(stale);
    free(ref);
    tmdir_remove(dir);
}

/* ---- cursor operations: the directory against LMDB ---------------------------------------- */

static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* a key (and datum) to seek: an entry's, or one changed in a byte (often absent) */
static void pick(const MDB_val *keys, const MDB_val *vals, size_t n, uint64_t *x, unsigned char *kb,
                 MDB_val *k, unsigned char *vb, MDB_val *v)
{
    size_t i = (size_t)(rnd(x) % n);
    memcpy(kb, keys[i].mv_data, keys[i].mv_size);
    k->mv_data = kb;
    k->mv_size = keys[i].mv_size;
    size_t vn = vals[i].mv_size < 64 ? vals[i].mv_size : 64;
    memcpy(vb, vals[i].mv_data, vn);
    v->mv_data = vb;
    v->mv_size = vn;
    switch (rnd(x) % 4) {
    case 0:
        kb[rnd(x) % k->mv_size] ^= (unsigned char)(1 + rnd(x) % 255);
        break;
    case 1:
        if (vn)
            vb[rnd(x) % vn] ^= (unsigned char)(1 + rnd(x) % 255);
        break;
    case 2:
        v->mv_size = 1; /* a length prefix only (vocab's range seeks) */
        break;
    default:
        break;
    }
}

static int absolute_op(MDB_cursor_op op)
{
    return op == MDB_SET || op == MDB_SET_KEY || op == MDB_SET_RANGE || op == MDB_GET_BOTH ||
           op == MDB_GET_BOTH_RANGE || op == MDB_FIRST || op == MDB_LAST;
}

static void cursor_ops(jisr_tm *tm, MDB_dbi dbi, int dup)
{
    static const MDB_cursor_op ops[] = {
        MDB_SET,      MDB_SET_KEY,  MDB_SET_RANGE,  MDB_NEXT,
        MDB_NEXT,     MDB_NEXT,     MDB_PREV,       MDB_GET_CURRENT,
        MDB_FIRST,    MDB_LAST,     MDB_GET_BOTH,   MDB_GET_BOTH_RANGE,
        MDB_NEXT_DUP, MDB_NEXT_DUP, MDB_NEXT_NODUP, MDB_PREV_DUP};
    size_t nops = sizeof ops / sizeof *ops - (dup ? 0 : 6);
    tm_txn t;
    assert_int_equal(tm_txn_begin(&t, tm, 0), 0);
    assert_non_null(t.snap); /* the directory's state */
    /* the entries, to seek to */
    MDB_cursor *lc;
    assert_int_equal(mdb_cursor_open(t.txn, dbi, &lc), 0);
    size_t n = 0, cap = 1024;
    MDB_val *keys = malloc(cap * sizeof *keys), *vals = malloc(cap * sizeof *vals), k, v;
    for (int op = MDB_FIRST; mdb_cursor_get(lc, &k, &v, op) == 0; op = MDB_NEXT) {
        if (n == cap) {
            cap *= 2;
            keys = realloc(keys, cap * sizeof *keys);
            vals = realloc(vals, cap * sizeof *vals);
        }
        keys[n] = k;
        vals[n++] = v;
    }
    assert_true(n > 100);
    uint64_t x = 0x9E3779B97F4A7C15ULL ^ dbi;
    size_t asked = 0, found = 0;
    for (int run = 0; run < 200; run++) {
        tm_cur dc;
        assert_int_equal(tm_cur_open(&dc, &t, dbi), 0);
        assert_non_null(dc.d);
        MDB_cursor *c;
        assert_int_equal(mdb_cursor_open(t.txn, dbi, &c), 0);
        int lost = 0;
        for (int step = 0; step < 40; step++) {
            MDB_cursor_op op = ops[rnd(&x) % nops];
            /* where a seek that found nothing leaves an LMDB cursor depends on its history
             * (the page it stood on), which LMDB does not define: the next move is a seek */
            while (lost && !absolute_op(op))
                op = ops[rnd(&x) % nops];
            unsigned char kb[64], vb[64];
            MDB_val k1, v1, k2, v2;
            pick(keys, vals, n, &x, kb, &k1, vb, &v1);
            k2 = k1;
            v2 = v1;
            int r1 = tm_cur_op(&dc, &k1, &v1, op);
            int r2 = mdb_cursor_get(c, &k2, &v2, op);
            if (r1 != r2)
                fail_msg("dbi %u run %d step %d op %d: directory %d, LMDB %d", dbi, run, step,
                         (int)op, r1, r2);
            asked++;
            lost = r1 != 0 && absolute_op(op);
            if (r1 == 0 && (v1.mv_size != v2.mv_size || k1.mv_size != k2.mv_size ||
                            memcmp(v1.mv_data, v2.mv_data, v1.mv_size) != 0 ||
                            memcmp(k1.mv_data, k2.mv_data, k1.mv_size) != 0))
                fail_msg("dbi %u run %d step %d op %d: the directory's entry is not LMDB's", dbi,
                         run, step, (int)op);
            if (r1 == 0) {
                found++;
                assert_int_equal(k1.mv_size, k2.mv_size);
                assert_memory_equal(k1.mv_data, k2.mv_data, k1.mv_size);
                assert_int_equal(v1.mv_size, v2.mv_size);
                assert_memory_equal(v1.mv_data, v2.mv_data, v1.mv_size);
            }
        }
        mdb_cursor_close(c);
        tm_cur_close(&dc);
    }
    fprintf(stderr, "dbi %u: %zu operations, %zu found\n", dbi, asked, found);
    assert_true(found * 4 > asked && found < asked); /* both kinds of answer */
    mdb_cursor_close(lc);
    free(keys);
    free(vals);
    tm_txn_abort(&t);
}

/* A new memory in a new directory (its path in dir) with the variants 0–3 imported, open for
 * writing. */
static jisr_tm *variants_tm(char *dir, size_t cap)
{
    tmdir_make(dir, cap, "snap");
    jisr_tm *tm = open_tm(dir, JISR_TM_WRITE | JISR_TM_NOSYNC, 0);
    import_variants(tm, 0, 4);
    return tm;
}

static void test_cursor_ops(void **state)
{
    (void)state;
    char dir[64];
    jisr_tm *tm = variants_tm(dir, sizeof dir);
    jisr_tm_close(tm);
    tm = open_tm(dir, JISR_TM_SNAPSHOT, 0);
    cursor_ops(tm, tm->units, 0);
    cursor_ops(tm, tm->post, 0);
    cursor_ops(tm, tm->vocab, 1);
    jisr_tm_close(tm);
    tmdir_remove(dir);
}

/* ---- the chunks' decoded ids (tm_chunk.ids) ------------------------------------------------ */

/* every chunk of the memory read through t's cursor (the directory's when t has one): its ids by
 * tm_chunk_ids and tm_chunk_ids_marked (random marks, some ids beyond them) equal to the decoder's
 * of its value, and tm_chunk_count's counts to those of the decoder's ids; returns the chunks read
 * and, in *pooled, those whose ids the directory held
 * (*narrow: as 16-bit deltas) */
static size_t check_chunks(tm_txn *t, MDB_dbi post, size_t *pooled, size_t *narrow)
{
    MDB_cursor *lc;
    assert_int_equal(mdb_cursor_open(t->txn, post, &lc), 0);
    MDB_val k, v;
    uint64_t prev = 0, x = 0x2545F4914F6CDD1DULL;
    size_t nchunks = 0;
    *pooled = *narrow = 0;
    tm_chunk *ch = NULL;
    size_t nch = 0, chcap = 0;
    uint32_t *a = NULL, *b = NULL;
    size_t acap = 0, bcap = 0;
    uint64_t mark[64];
    for (int op = MDB_FIRST; mdb_cursor_get(lc, &k, &v, op) == 0; op = MDB_NEXT) {
        assert_int_equal(k.mv_size, 12);
        uint64_t pk = jisr_be_get(k.mv_data, 8);
        if (nchunks && pk == prev)
            continue;
        prev = pk;
        /* the chunks of this term and bucket, through t's directory */
        tm_cur cur;
        assert_int_equal(tm_cur_open(&cur, t, post), 0);
        uint64_t df;
        nch = 0;
        assert_int_equal(tm_post_chunks(&cur, pk, (unsigned)(pk & 0xFF), &ch, &nch, &chcap, &df),
                         0);
        tm_cur_close(&cur);
        assert_true(nch >= 1);
        for (size_t i = 0; i < nch; i++) {
            size_t na = 0, nb = 0;
            nchunks++;
            *pooled += ch[i].ids || ch[i].d16;
            (*narrow) += ch[i].d16 != NULL;
            assert_int_equal(tm_chunk_ids(&ch[i], &a, &na, &acap), 0);
            assert_int_equal(tm_post_decode(&ch[i].k, &ch[i].v, &b, &nb, &bcap), 0);
            assert_int_equal(na, nb);
            assert_int_equal(na, ch[i].count);
            assert_memory_equal(a, b, na * sizeof *a);
            for (int r = 0; r < 3; r++) {
                for (size_t w = 0; w < 64; w++)
                    mark[w] = rnd(&x) & rnd(&x); /* a quarter of the bits */
                /* the bits of the first nmark ids (r 0: the chunk's ids may pass them) */
                size_t nmark = r == 2 ? 64 * 64 : (size_t)(rnd(&x) % (64 * 64));
                na = nb = 0;
                assert_int_equal(tm_chunk_ids_marked(&ch[i], mark, nmark, &a, &na, &acap), 0);
                assert_int_equal(
                    tm_post_decode_marked(&ch[i].k, &ch[i].v, mark, nmark, &b, &nb, &bcap), 0);
                assert_int_equal(na, nb);
                assert_memory_equal(a, b, na * sizeof *a);
            }
            na = nb = 0; /* no bits: every id */
            assert_int_equal(tm_chunk_ids_marked(&ch[i], NULL, 0, &a, &na, &acap), 0);
            assert_int_equal(na, ch[i].count);
            for (int r = 0; r < 2; r++) { /* tm_chunk_count: the ids below a limit with a bit */
                uint8_t want[64 * 64] = {0}, got[64 * 64] = {0};
                for (size_t w = 0; w < 64; w++)
                    mark[w] = rnd(&x) | rnd(&x); /* three quarters of the bits */
                uint64_t lim = r ? 64 * 64 : rnd(&x) % (64 * 64);
                nb = 0;
                assert_int_equal(tm_post_decode(&ch[i].k, &ch[i].v, &b, &nb, &bcap), 0);
                for (size_t j = 0; j < nb; j++)
                    if (b[j] < lim && (mark[b[j] >> 6] >> (b[j] & 63) & 1))
                        want[b[j]]++;
                assert_int_equal(tm_chunk_count(&ch[i], mark, lim, got, &a, &acap), 0);
                assert_memory_equal(want, got, sizeof want);
            }
        }
    }
    mdb_cursor_close(lc);
    free(ch);
    free(a);
    free(b);
    return nchunks;
}

static size_t put_varint(unsigned char *p, uint64_t x)
{
    size_t n = 0;
    for (; x >= 0x80; x >>= 7)
        p[n++] = (unsigned char)(x | 0x80);
    p[n++] = (unsigned char)x;
    return n;
}

/* a chunk of ids[0..n) under an 8-byte posting key of its own (pk), written as the import would */
static void put_chunk(tm_txn *t, MDB_dbi post, uint64_t pk, const uint32_t *ids, size_t n)
{
    unsigned char key[12], val[64];
    jisr_be_put(key, pk, 8);
    jisr_be_put(key + 8, ids[0], 4);
    size_t vn = put_varint(val, n);
    for (size_t i = 1; i < n; i++)
        vn += put_varint(val + vn, (uint32_t)(ids[i] - ids[i - 1]));
    MDB_val k = {12, key}, v = {vn, val};
    assert_int_equal(tm_put(t, post, &k, &v, 0, "test"), 0);
}

/* The memory in dir opened with the directory and JISR_TM_SNAP_POOL=pool: check_chunks on its n
 * chunks; the number whose ids the directory held. */
static size_t pooled_with(const char *dir, const char *pool, size_t n)
{
    size_t pooled, narrow;
    setenv("JISR_TM_SNAP_POOL", pool, 1);
    jisr_tm *tm = open_tm(dir, JISR_TM_SNAPSHOT, 0);
    tm_txn t;
    assert_int_equal(tm_txn_begin(&t, tm, 0), 0);
    assert_non_null(t.snap);
    assert_int_equal(check_chunks(&t, tm->post, &pooled, &narrow), n);
    tm_txn_abort(&t);
    jisr_tm_close(tm);
    return pooled;
}

static void test_chunk_ids(void **state)
{
    (void)state;
    char dir[64];
    jisr_tm *tm = variants_tm(dir, sizeof dir);
    /* two chunks of terms no text has: ids more than 65,535 apart (held as ids, not deltas), and
     * ids that wrap past 2^32 (not ascending: left to the decoder, which gives them as they are) */
    static const uint32_t wide[] = {5, 70000, 70001, 200000, 4000000000u},
                          wrap[] = {4294967000u, 4294967295u, 3, 9};
    tm_txn w;
    assert_int_equal(tm_txn_begin(&w, tm, 1), 0);
    put_chunk(&w, tm->post, 0x0123456789abcd05ULL, wide, 5);
    put_chunk(&w, tm->post, 0x0123456789abcd06ULL, wrap, 4);
    assert_int_equal(tm_txn_commit(&w), 0);
    jisr_tm_close(tm);
    size_t pooled, narrow, n;
    tm = open_tm(dir, JISR_TM_SNAPSHOT, 0);
    tm_txn t;
    assert_int_equal(tm_txn_begin(&t, tm, 0), 0);
    assert_non_null(t.snap);
    n = check_chunks(&t, tm->post, &pooled, &narrow);
    fprintf(stderr, "%zu chunks, %zu decoded by the directory (%zu as 16-bit deltas)\n", n, pooled,
            narrow);
    assert_true(n > 300);
    assert_int_equal(pooled, n - 1); /* every chunk's ids held decoded but wrap's */
    assert_true(narrow > 0 && narrow < n);
    tm_txn_abort(&t);
    jisr_tm_close(tm);
    /* JISR_TM_SNAP_POOL: only the chunks of at least 3 ids; 0: none (decoded from the values) */
    pooled = pooled_with(dir, "3", n);
    assert_true(pooled > 0 && pooled < n);
    assert_int_equal(pooled_with(dir, "0", n), 0);
    unsetenv("JISR_TM_SNAP_POOL");
    tmdir_remove(dir);
}

/* the entry of post with the most ids (the chunk a query's commonest word reads), and the one
 * with the most ids of another term */
static void biggest_chunks(jisr_tm *tm, unsigned char key[2][12])
{
    tm_txn t;
    assert_int_equal(tm_txn_begin(&t, tm, 0), 0);
    MDB_cursor *lc;
    assert_int_equal(mdb_cursor_open(t.txn, tm->post, &lc), 0);
    MDB_val k, v;
    int64_t best[2] = {0, 0};
    for (int op = MDB_FIRST; mdb_cursor_get(lc, &k, &v, op) == 0; op = MDB_NEXT) {
        int64_t c = tm_post_count(&k, &v);
        if (c > best[0]) {
            if (memcmp(key[0], k.mv_data, 8) != 0) {
                best[1] = best[0];
                memcpy(key[1], key[0], 12);
            }
            best[0] = c;
            memcpy(key[0], k.mv_data, 12);
        } else if (c > best[1] && memcmp(key[0], k.mv_data, 8) != 0) {
            best[1] = c;
            memcpy(key[1], k.mv_data, 12);
        }
    }
    assert_true(best[1] > 10);
    mdb_cursor_close(lc);
    tm_txn_abort(&t);
}

/* A damaged chunk: one whose ids do not decode (its count does), and one whose count does not.
 * The directory is built all the same (those chunks left out of its pool, the second one's walk
 * left to LMDB), and every query and concordance gives the answer or the error of the memory
 * read without it. */
static void test_damaged_chunk(void **state)
{
    (void)state;
    char dir[64];
    jisr_tm *tm = variants_tm(dir, sizeof dir);
    unsigned char key[2][12];
    biggest_chunks(tm, key);
    tm_txn t;
    assert_int_equal(tm_txn_begin(&t, tm, 1), 0);
    MDB_val k = {12, key[0]}, v;
    assert_int_equal(tm_get(&t, tm->post, &k, &v, "test"), 1);
    /* the first: its last delta's bytes cut off (the count says more ids than the value has) */
    unsigned char *bad = malloc(v.mv_size);
    memcpy(bad, v.mv_data, v.mv_size);
    size_t cut = v.mv_size - 1;
    while (cut > 1 && (bad[cut - 1] & 0x80))
        cut--;
    MDB_val bv = {cut, bad};
    assert_int_equal(tm_put(&t, tm->post, &k, &bv, 0, "test"), 0);
    /* the second: a count of 0 */
    unsigned char zero[3] = {0, 1, 1};
    MDB_val k2 = {12, key[1]}, zv = {sizeof zero, zero};
    assert_int_equal(tm_put(&t, tm->post, &k2, &zv, 0, "test"), 0);
    assert_int_equal(tm_txn_commit(&t), 0);
    free(bad);
    jisr_tm_close(tm);

    size_t nerr0 = 0, nerr1 = 0;
    tm = open_tm(dir, 0, 0);
    char *want = answers_e(tm, 1, &nerr0);
    jisr_tm_close(tm);
    tm = open_tm(dir, JISR_TM_SNAPSHOT, 0);
    jisr_tm_snapshot s0, s1;
    assert_int_equal(jisr_tm_snapshot_info(tm, &s0), 1); /* built all the same */
    /* neither damaged chunk comes with decoded ids */
    assert_int_equal(tm_txn_begin(&t, tm, 0), 0);
    assert_non_null(t.snap);
    tm_cur cur;
    assert_int_equal(tm_cur_open(&cur, &t, tm->post), 0);
    tm_chunk *ch = NULL;
    size_t nch = 0, chcap = 0, seen = 0;
    uint64_t df, pk = jisr_be_get(key[0], 8);
    assert_int_equal(tm_post_chunks(&cur, pk, (unsigned)(pk & 0xFF), &ch, &nch, &chcap, &df), 0);
    for (size_t i = 0; i < nch; i++)
        if (memcmp(ch[i].k.mv_data, key[0], 12) == 0) {
            assert_null(ch[i].ids);
            assert_null(ch[i].d16);
            seen++;
        } else {
            assert_true(ch[i].ids || ch[i].d16);
        }
    assert_int_equal(seen, 1);
    pk = jisr_be_get(key[1], 8);
    nch = 0;
    assert_true(tm_post_chunks(&cur, pk, (unsigned)(pk & 0xFF), &ch, &nch, &chcap, &df) ==
                JISR_EDB);
    tm_cur_close(&cur);
    tm_txn_abort(&t);
    free(ch);
    char *got = answers_e(tm, 1, &nerr1);
    assert_int_equal(jisr_tm_snapshot_info(tm, &s1), 1);
    assert_true(s1.reads > s0.reads);
    jisr_tm_close(tm);
    fprintf(stderr, "%zu of the answers are errors\n", nerr1);
    assert_true(nerr0 > 0); /* the damage is read */
    assert_int_equal(nerr1, nerr0);
    assert_string_equal(got, want);
    free(got);
    free(want);
    tmdir_remove(dir);
}

int main(void)
{
    load_pairs();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_answers), cmocka_unit_test(test_second_process),
        cmocka_unit_test(test_cursor_ops), cmocka_unit_test(test_chunk_ids),
        cmocka_unit_test(test_damaged_chunk)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (size_t i = 0; i < g_np; i++) {
        free(g_p[i].ar);
        free(g_p[i].en);
    }
    free(g_p);
    return rc;
}
