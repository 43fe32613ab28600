/* test_tm_import.c — the import pipeline of the translation memory (tm/import.c): duplicates
 * merged inside one batch, across batches and across imports (the in-memory dedupe index and
 * its append-only runs), deleted units, per-language counts, the writer thread's error and stop
 * paths, files read on three threads, and the conversion of a schema-2 memory (dedupe hashes in
 * a DUPSORT database "exact") to schema 3; what a merge keeps (whole language tags, each id
 * with its date, usage counts that saturate) and dates before 1970. Real LMDB files in a
 * temporary directory. */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "formats/formats.h"
#include "tm/tm.h"
#include "tm/tm_int.h"

static char g_dir[256];

static void make_dir(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/jisr-test-tmi-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
}

static void remove_path(const char *d, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", d, name);
    unlink(p);
}

static void remove_dir(void)
{
    remove_path(g_dir, "data.mdb");
    remove_path(g_dir, "lock.mdb");
    remove_path(g_dir, "in.tsv");
    rmdir(g_dir);
}

static jisr_tm *open_w(void)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE;
    assert_int_equal(jisr_tm_open(&tm, g_dir, &o), 0);
    return tm;
}

static void add_pair(jisr_tm_import *imp, const char *ar, const char *en, long usage)
{
    jisr_unit u;
    jisr_unit_init(&u);
    u.meta.usagecount = usage ? usage : -1; /* 0: none given, which counts one use */
    assert_int_equal(jisr_unit_add_variant(&u, "ar", ar, strlen(ar), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "en", en, strlen(en), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

static uint64_t units_of(jisr_tm *tm, uint64_t *ar, uint64_t *en)
{
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    uint64_t n = st.units;
    *ar = *en = 0;
    for (size_t i = 0; i < st.nlangs; i++) {
        if (strcmp(st.langs[i].lang, "ar") == 0)
            *ar = st.langs[i].units;
        if (strcmp(st.langs[i].lang, "en") == 0)
            *en = st.langs[i].units;
    }
    jisr_tm_stats_free(&st);
    return n;
}

static int64_t usage_of(jisr_tm *tm, uint64_t id)
{
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, id, &u), 0);
    int64_t n = u.meta.usagecount;
    jisr_unit_clear(&u);
    return n;
}

/* Every entry of the dedupe runs is the tm_dedupe_key of its unit's stored record (the importer
 * computes it from the variants before the record exists) or one of its pair keys; returns the
 * entries seen. */
static size_t check_runs(jisr_tm *tm)
{
    MDB_txn *txn;
    MDB_cursor *c;
    MDB_val k, d;
    size_t n = 0;
    tm_rec *r = malloc(sizeof *r);
    assert_non_null(r);
    assert_int_equal(mdb_txn_begin(tm->env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_cursor_open(txn, tm->dedupe, &c), 0);
    while (mdb_cursor_get(c, &k, &d, n ? MDB_NEXT : MDB_FIRST) == 0) {
        for (size_t x = 0; x + 12 <= d.mv_size; x += 12) {
            uint64_t dk;
            unsigned int id;
            memcpy(&dk, (char *)d.mv_data + x, 8);
            memcpy(&id, (char *)d.mv_data + x + 8, 4);
            MDB_val uk = {sizeof id, &id}, ud;
            n++;
            if (mdb_get(txn, tm->units, &uk, &ud) != 0)
                continue; /* deleted */
            assert_int_equal(tm_rec_decode(ud.mv_data, ud.mv_size, r), 0);
            if (tm_dedupe_key(r) == dk)
                continue;
            uint64_t pk[TM_PAIR_KEYS]; /* or one of its pair keys (a unit of 3 or more) */
            size_t npk = tm_dedupe_pairs(r, pk), j = 0;
            while (j < npk && pk[j] != dk)
                j++;
            assert_true(j < npk);
        }
    }
    mdb_cursor_close(c);
    mdb_txn_abort(txn);
    free(r);
    return n;
}

/* Duplicates inside one batch, with a stored unit, and in later imports; language counts count
 * stored units only. Batches of 3 so that a duplicate falls in the same and in later batches. */
static void test_dedupe(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = 3;
    assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
    add_pair(imp, "البيت كبير.", "The house is big.", 0);          /* id 1 */
    add_pair(imp, "البيت كبير.", "The house is big.", 2);          /* same batch: into 1 */
    add_pair(imp, "الشمس حارة.", "The sun is hot.", 0);            /* id 2 */
    add_pair(imp, "البيت كبير.", "The house is big.", 4);          /* next batch: into 1 */
    add_pair(imp, "القمر بعيد.", "The moon is far.", 0);           /* id 3 */
    add_pair(imp, "القمر بعيد.", "The moon is far.", 0);           /* same batch: into 3 */
    add_pair(imp, "البيت كبير جدا.", "The house is very big.", 0); /* id 4: not a duplicate */
    const jisr_tm_import_stats *st = jisr_tm_import_stats_get(imp);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    (void)st;
    uint64_t ar, en;
    assert_int_equal(units_of(tm, &ar, &en), 4);
    assert_int_equal(ar, 4);
    assert_int_equal(en, 4);
    /* a merge keeps the larger usage count: the same unit read again was not used again */
    assert_int_equal(usage_of(tm, 1), 4);
    assert_int_equal(usage_of(tm, 3), 1);
    /* a second import (a new dedupe index, loaded from the runs) merges too */
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "القمر بعيد.", "The moon is far.", 5);
    add_pair(imp, "النجم لامع.", "The star is bright.", 0); /* id 5 */
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_int_equal(units_of(tm, &ar, &en), 5);
    assert_int_equal(usage_of(tm, 3), 5);
    /* a deleted unit is not merged into: the same text comes back as a new unit */
    uint64_t del[] = {2};
    assert_int_equal(jisr_tm_delete(tm, del, 1), 0);
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "الشمس حارة.", "The sun is hot.", 0);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 2, &u), JISR_ENOTFOUND);
    assert_int_equal(jisr_tm_get(tm, 6, &u), 0);
    assert_string_equal(u.variants[1].text, "The sun is hot.");
    jisr_unit_clear(&u);
    assert_int_equal(units_of(tm, &ar, &en), 5);
    assert_int_equal(ar, 5);
    assert_int_equal(check_runs(tm), 6); /* ids 1-6, the deleted one's entry included */
    /* only identical variants merge: what only normalises alike (harakat, case, spacing) is a
     * unit of its own, which the matcher ranks on its own (issue 12 §5) */
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "البَيْتُ كبير.", "the house is big.", 0);  /* id 7 */
    add_pair(imp, "البيت كبير.", "The house is big. ", 0); /* id 8: a trailing space */
    add_pair(imp, "البيت كبير.", "The house is big.", 1);  /* into 1 */
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_int_equal(units_of(tm, &ar, &en), 7);
    assert_int_equal(usage_of(tm, 1), 4);
    jisr_tm_close(tm);
    remove_dir();
}

/* Two importers on the same memory, their batches interleaved: each sees the other's units
 * (the dedupe index is topped up from the runs added since its last commit). */
static void test_dedupe_interleaved(void **state)
{
    (void)state;
    make_dir();
    /* two imports on one handle (a process opens a memory once; another process's import
     * works the same way: each import loads its own index of the dedupe runs) */
    jisr_tm *a = open_w(), *b = a;
    jisr_tm_import *ia, *ib;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = 1000;
    assert_int_equal(jisr_tm_import_begin(a, &io, &ia), 0);
    assert_int_equal(jisr_tm_import_begin(b, &io, &ib), 0);
    add_pair(ia, "واحد", "one", 0);
    assert_int_equal(jisr_tm_import_commit(ia), 0); /* a loads its index: one unit */
    add_pair(ib, "اثنان", "two", 0);
    assert_int_equal(jisr_tm_import_commit(ib), 0); /* b stores id 2 */
    add_pair(ia, "اثنان", "two", 3);                /* a must find b's unit */
    add_pair(ia, "ثلاثة", "three", 0);
    assert_int_equal(jisr_tm_import_end(ia, 1), 0);
    add_pair(ib, "ثلاثة", "three", 0); /* and b a's */
    assert_int_equal(jisr_tm_import_end(ib, 1), 0);
    uint64_t ar, en;
    assert_int_equal(units_of(a, &ar, &en), 3);
    assert_int_equal(usage_of(a, 2), 3);
    assert_int_equal(usage_of(a, 3), 1);
    jisr_tm_close(a);
    remove_dir();
}

static int stop_after_first(void *ctx, const jisr_tm_import_stats *st)
{
    int *calls = ctx;
    (*calls)++;
    return st->batches >= 1;
}

/* on_commit runs after each commit; a non-zero return stops the import after that batch. */
static void test_stop(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    int calls = 0;
    io.batch_units = 10;
    io.on_commit = stop_after_first;
    io.ctx = &calls;
    assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
    char ar[64], en[64];
    int rc = 0;
    for (int i = 0; i < 1000 && rc == 0; i++) {
        snprintf(ar, sizeof ar, "الجملة %d", i);
        snprintf(en, sizeof en, "sentence %d", i);
        jisr_unit u;
        jisr_unit_init(&u);
        jisr_unit_add_variant(&u, "ar", ar, strlen(ar), NULL);
        jisr_unit_add_variant(&u, "en", en, strlen(en), NULL);
        rc = jisr_tm_import_add(imp, &u);
        jisr_unit_clear(&u);
    }
    if (rc == 0)
        rc = jisr_tm_import_commit(imp);
    assert_int_equal(rc, JISR_EINTERRUPTED);
    assert_int_equal(jisr_tm_import_end(imp, 0), 0);
    assert_int_equal(calls, 1);
    uint64_t ar_n, en_n;
    assert_int_equal(units_of(tm, &ar_n, &en_n), 10); /* exactly the first batch */
    jisr_tm_close(tm);
    remove_dir();
}

/* A file imported, stopped after its first batch (as SIGINT stops `jisr import`), then imported
 * again whole: the memory is what one import of the file gives — the same units, usage counts
 * and dates (a merge of identical units keeps the larger count, the dates merge as they are). */
static void test_rerun_after_stop(void **state)
{
    (void)state;
    char path[512], d1[256], d2[256];
    uint64_t nar, nen;
    make_dir();
    snprintf(d1, sizeof d1, "%s", g_dir);
    snprintf(path, sizeof path, "%s/in.tmx", d1);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header srclang=\"en\" "
          "datatype=\"plaintext\" segtype=\"sentence\" adminlang=\"en\" o-tmf=\"x\" "
          "creationtool=\"x\" creationtoolversion=\"1\"/><body>\n",
          f);
    for (int i = 0; i < 60; i++) /* usage counts 1 .. 5, every unit dated */
        fprintf(f,
                "<tu usagecount=\"%d\" lastusagedate=\"2024%02d01T000000Z\" "
                "creationdate=\"20230101T000000Z\"><tuv xml:lang=\"en\"><seg>Sentence %d</seg>"
                "</tuv><tuv xml:lang=\"ar\"><seg>الجملة %d</seg></tuv></tu>\n",
                1 + i % 5, 1 + i % 12, i, i);
    fputs("</body></tmx>\n", f);
    fclose(f);
    jisr_tm *tm = open_w();
    jisr_tm_file_opts fo = JISR_TM_FILE_OPTS_INIT;
    int calls = 0;
    fo.import.batch_units = 10;
    fo.import.on_commit = stop_after_first;
    fo.import.ctx = &calls;
    jisr_tm_import_stats st;
    assert_int_equal(jisr_tm_import_file(tm, path, &fo, &st), JISR_EINTERRUPTED);
    /* whole batches: the first commit holds those written while the file's verdict was awaited
     * (one, or more on a busy machine) */
    uint64_t first = units_of(tm, &nar, &nen);
    assert_true(first >= 10 && first <= 60 && first % 10 == 0);
    fo.import.on_commit = NULL;
    assert_int_equal(jisr_tm_import_file(tm, path, &fo, &st), 0);
    assert_int_equal(st.added, 60 - first);
    assert_int_equal(st.merged, first);
    /* the same file once into a second memory */
    make_dir();
    snprintf(d2, sizeof d2, "%s", g_dir);
    jisr_tm *once = open_w();
    assert_int_equal(jisr_tm_import_file(once, path, &fo, &st), 0);
    assert_int_equal(units_of(tm, &nar, &nen), 60);
    assert_int_equal(units_of(once, &nar, &nen), 60);
    for (uint64_t id = 1; id <= 60; id++) {
        jisr_unit a, b;
        jisr_unit_init(&a);
        jisr_unit_init(&b);
        assert_int_equal(jisr_tm_get(tm, id, &a), 0);
        assert_int_equal(jisr_tm_get(once, id, &b), 0);
        assert_string_equal(a.variants[0].text, b.variants[0].text);
        assert_int_equal(a.meta.usagecount, b.meta.usagecount);
        assert_int_equal(a.meta.usagecount, 1 + (int)((id - 1) % 5));
        assert_string_equal(a.meta.lastusagedate, b.meta.lastusagedate);
        assert_string_equal(a.meta.creationdate, b.meta.creationdate);
        jisr_unit_clear(&a);
        jisr_unit_clear(&b);
    }
    jisr_tm_close(once);
    remove_dir();
    snprintf(g_dir, sizeof g_dir, "%s", d1);
    unlink(path);
    jisr_tm_close(tm);
    remove_dir();
}

/* A file goes through the reading thread, the importer and the writer; a file with an error on
 * its last line changes nothing, whichever thread sees it first. */
static void test_file_threads(void **state)
{
    (void)state;
    make_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/in.tsv", g_dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 30000; i++) /* ~3 MB of spill: several chunks */
        fprintf(f, "الجملة رقم %d عن الشيء ش%d.\tSentence number %d about thing t%d.\n", i, i % 7,
                i, i % 7);
    for (int i = 0; i < 100; i++) /* duplicates of earlier lines */
        fprintf(f, "الجملة رقم %d عن الشيء ش%d.\tSentence number %d about thing t%d.\n", i, i % 7,
                i, i % 7);
    fclose(f);
    jisr_tm *tm = open_w();
    jisr_tm_file_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.read.srclang = "ar";
    fo.read.tgtlang = "en";
    fo.import.batch_units = 700;
    fo.spill_mem = 3u << 19; /* 1.5 MiB: chunks beyond that go through the temporary file */
    jisr_tm_import_stats st;
    int rc = jisr_tm_import_file(tm, path, &fo, &st);
    if (rc < 0)
        fprintf(stderr, "%s\n", jisr_error_last()->msg);
    assert_int_equal(rc, 0);
    assert_int_equal(st.read, 30100);
    assert_int_equal(st.added, 30000);
    assert_int_equal(st.merged, 100);
    assert_int_equal(st.batches, 43);
    uint64_t ar, en;
    assert_int_equal(units_of(tm, &ar, &en), 30000);
    assert_int_equal(usage_of(tm, 1), 1); /* read twice, used once */
    assert_int_equal(usage_of(tm, 101), 1);
    assert_int_equal(check_runs(tm), 30000);
    /* the same file with a bad last line (invalid UTF-8): nothing changes */
    f = fopen(path, "a");
    fputs("\xff\xfe\tbad\n", f);
    fclose(f);
    rc = jisr_tm_import_file(tm, path, &fo, &st);
    assert_true(rc < 0);
    assert_non_null(strstr(jisr_error_last()->file ? jisr_error_last()->file : "", "in.tsv"));
    assert_int_equal(jisr_error_last()->line, 30101);
    assert_int_equal(units_of(tm, &ar, &en), 30000);
    assert_int_equal(usage_of(tm, 1), 1);
    jisr_tm_close(tm);
    remove_dir();
}

/* ---- identity and tag numbering (tokenizer 7, docs/matching.md §2.5) ----------------------- */

#define P0 "\xee\x80\x80"
#define P1 "\xee\x80\x81"
#define P2 "\xee\x80\x82"
#define P3 "\xee\x80\x83"

/* One en/ar unit whose variants have the same three tags: a bold pair (its i and x) and a line
 * break (its x); the markup's numbers and elements as given */
typedef struct tagset {
    const char *t[4];
    size_t n;
} tagset;

static void add_tagged(jisr_tm_import *imp, const char *en, const char *ar, const tagset *ts)
{
    jisr_unit u;
    jisr_unit_init(&u);
    for (int side = 0; side < 2; side++) {
        jisr_variant *v;
        const char *text = side ? ar : en;
        assert_int_equal(jisr_unit_add_variant(&u, side ? "ar" : "en", text, strlen(text), &v), 0);
        v->tags = calloc(ts->n, sizeof *v->tags);
        assert_non_null(v->tags);
        for (size_t k = 0; k < ts->n; k++)
            assert_non_null(v->tags[k] = strdup(ts->t[k]));
        v->ntags = ts->n;
    }
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

static const char EN3[] = "Click " P0 "Save" P1 " now" P2, AR3[] = "انقر " P0 "حفظ" P1 " الآن" P2;
/* OmegaT's own numbering, and the same tags numbered by another tool */
static const tagset TS_A = {{"<bpt i=\"1\" x=\"1\">&lt;b0&gt;</bpt>",
                             "<ept i=\"1\">&lt;/b0&gt;</ept>", "<ph x=\"2\">&lt;br/&gt;</ph>"},
                            3};
static const tagset TS_B = {{"<bpt i=\"7\" x=\"3\">&lt;b0&gt;</bpt>",
                             "<ept i=\"7\">&lt;/b0&gt;</ept>", "<ph x=\"9\">&lt;br/&gt;</ph>"},
                            3};

/* The identity before tokenizer 7: the markup's bytes, numbers and all */
static uint64_t raw_ident(const char *text, const tm_str *tags, size_t ntags)
{
    uint64_t h = tm_hash(text, strlen(text), 0x6964656e74ULL);
    for (size_t i = 0; i < ntags; i++)
        h = tm_hash(&h, sizeof h, tm_hash(tags[i].p, tags[i].n, i + 1));
    return h;
}

/* tm_ident_hash: the numbers count by their order of first appearance; elements, other
 * attributes, native code and text count as bytes; a tag numbered 1, 2 … in order keeps the
 * identity it had before (its bytes' hash) */
static void test_ident_numbering_hash(void **state)
{
    (void)state;
    uint64_t a, b, c;
    const char *t1[] = {"<bpt i=\"1\">x</bpt>", "<ept i=\"1\">y</ept>",
                        "<bpt i=\"2\" x=\"1\">z</bpt>", "<ept i=\"2\">w</ept>"};
    const char *t2[] = {"<bpt i=\"10\">x</bpt>", "<ept i=\"10\">y</ept>",
                        "<bpt i=\"4\" x=\"8\">z</bpt>", "<ept i=\"4\">w</ept>"};
    const char *t3[] = {"<bpt i=\"1\">x</bpt>", "<ept i=\"1\">y</ept>",
                        "<bpt i=\"1\" x=\"1\">z</bpt>", "<ept i=\"1\">w</ept>"}; /* other pairing */
    const char *t4[] = {"<bpt i=\"1\">x</bpt>", "<ept i=\"1\">y</ept>",
                        "<bpt i=\"2\" x=\"1\" type=\"b\">z</bpt>", "<ept i=\"2\">w</ept>"};
    const char *t5[] = {"<bpt i=\"1\">&lt;b i=\"5\"&gt;</bpt>", "<ept i=\"1\">y</ept>",
                        "<bpt i=\"2\" x=\"1\">z</bpt>", "<ept i=\"2\">w</ept>"};
    const char *t6[] = {"<bpt i=\"1\">&lt;b i=\"6\"&gt;</bpt>", "<ept i=\"1\">y</ept>",
                        "<bpt i=\"2\" x=\"1\">z</bpt>", "<ept i=\"2\">w</ept>"};
    const char *txt = P0 "a" P1 P2 "b" P3;
    assert_int_equal(tm_ident_hash(txt, strlen(txt), t1, NULL, 4, &a), 0);
    assert_int_equal(tm_ident_hash(txt, strlen(txt), t2, NULL, 4, &b), 0);
    assert_true(a == b);
    assert_int_equal(tm_ident_hash(txt, strlen(txt), t3, NULL, 4, &c), 0);
    assert_true(a != c); /* a renumbering maps one number to one: a pairing is kept */
    assert_int_equal(tm_ident_hash(txt, strlen(txt), t4, NULL, 4, &c), 0);
    assert_true(a != c); /* another attribute */
    uint64_t h5, h6;     /* an i inside native code is text */
    assert_int_equal(tm_ident_hash(txt, strlen(txt), t5, NULL, 4, &h5), 0);
    assert_int_equal(tm_ident_hash(txt, strlen(txt), t6, NULL, 4, &h6), 0);
    assert_true(h5 != h6);
    tm_str raw[4];
    for (size_t k = 0; k < 4; k++)
        raw[k] = (tm_str){t1[k], strlen(t1[k])};
    assert_true(a == raw_ident(txt, raw, 4)); /* numbered in order: as before */
    uint64_t x, y;                            /* a tag that is not markup still has a form */
    const char *bad[] = {"<bpt i=\"1", "<ph x='2' x=\"3\" i=>", "<<x=\"1\">"};
    assert_int_equal(tm_ident_hash("t", 1, bad, NULL, 3, &x), 0);
    assert_int_equal(tm_ident_hash("t", 1, bad, NULL, 3, &y), 0);
    assert_true(x == y);
}

/* Through imports into a real memory: the same segment with its tags numbered by another tool
 * is one unit (the first one's markup kept); another element or native code is another unit */
static void test_ident_numbering_import(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    for (int pass = 0; pass < 2; pass++) { /* within one import, and across two */
        assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
        if (pass == 0) {
            add_tagged(imp, EN3, AR3, &TS_A);
            add_tagged(imp, EN3, AR3, &TS_B);
        } else {
            add_tagged(imp, EN3, AR3, &TS_B);
            const tagset it = {{TS_A.t[0], TS_A.t[1], "<it pos=\"begin\" x=\"2\">&lt;br/&gt;</it>"},
                               3};
            add_tagged(imp, EN3, AR3, &it); /* another element */
            const tagset b1 = {{"<bpt i=\"1\" x=\"1\">&lt;b1&gt;</bpt>", TS_A.t[1], TS_A.t[2]}, 3};
            add_tagged(imp, EN3, AR3, &b1); /* another native code */
        }
        assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    }
    uint64_t ar, en;
    assert_int_equal(units_of(tm, &ar, &en), 3);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_int_equal(u.variants[0].ntags, 3);
    for (size_t k = 0; k < 3; k++)
        assert_string_equal(u.variants[0].tags[k], TS_A.t[k]); /* the first unit's markup */
    assert_int_equal(u.meta.usagecount, 1);
    jisr_unit_clear(&u);
    assert_int_equal(check_runs(tm), 3);
    jisr_tm_close(tm);
    remove_dir();
}

/* A memory as a jisr before tokenizer 7 left it: unit 1 holds TS_B's tags, its record's text
 * hashes and dedupe run are those of the markup's bytes, and it records tokenizer 6. */
static void make_tok6_memory(void)
{
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_tagged(imp, EN3, AR3, &TS_B);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_close(tm);

    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi meta, units, dd;
    MDB_val k, d;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    assert_int_equal(mdb_env_open(env, g_dir, 0, 0664), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
    assert_int_equal(mdb_dbi_open(txn, "units", MDB_INTEGERKEY, &units), 0);
    assert_int_equal(mdb_dbi_open(txn, "dedupe", MDB_INTEGERKEY, &dd), 0);
    unsigned int id = 1;
    k = (MDB_val){sizeof id, &id};
    assert_int_equal(mdb_get(txn, units, &k, &d), 0);
    tm_rec *r = malloc(sizeof *r), *r2 = malloc(sizeof *r2);
    assert_non_null(r);
    assert_non_null(r2);
    assert_int_equal(tm_rec_decode(d.mv_data, d.mv_size, r), 0);
    uint32_t nw[2], w1[2];
    uint64_t nh[2];
    for (uint32_t i = 0; i < r->nvar; i++) {
        tm_str tg[4];
        char text[64];
        assert_int_equal(tm_rvar_tags(r, &r->var[i], tg, 4), 3);
        assert_true(r->var[i].text.n < sizeof text);
        memcpy(text, r->var[i].text.p, r->var[i].text.n);
        text[r->var[i].text.n] = '\0';
        nw[i] = r->var[i].nheavy;
        w1[i] = r->var[i].w100;
        nh[i] = raw_ident(text, tg, 3);
        assert_true(nh[i] != r->var[i].nhash); /* TS_B is not numbered in order */
    }
    jisr_buf enc = {0};
    assert_int_equal(tm_rec_retoken(r, d.mv_data, d.mv_size, nw, w1, nh, &enc), 0);
    assert_int_equal(tm_rec_decode(enc.data, enc.len, r2), 0);
    unsigned char run[12];
    uint64_t dk = tm_dedupe_key(r2);
    memcpy(run, &dk, 8);
    memcpy(run + 8, &id, 4);
    d = (MDB_val){enc.len, enc.data};
    assert_int_equal(mdb_put(txn, units, &k, &d, 0), 0);
    assert_int_equal(mdb_get(txn, dd, &k, &d), 0); /* the one run, keyed by its first id */
    assert_int_equal(d.mv_size, 12);
    d = (MDB_val){12, run};
    assert_int_equal(mdb_put(txn, dd, &k, &d, 0), 0);
    unsigned char v6[8] = {0, 0, 0, 0, 0, 0, 0, 6};
    k = (MDB_val){9, "tokenizer"};
    d = (MDB_val){8, v6};
    assert_int_equal(mdb_put(txn, meta, &k, &d, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    jisr_buf_free(&enc);
    free(r);
    free(r2);
}

/* A memory indexed before tokenizer 7 is stale; until `jisr reindex` the same segment numbered
 * otherwise is stored twice (as before), after it once, and its runs are the new identity's */
static void test_ident_numbering_reindex(void **state)
{
    (void)state;
    uint64_t ar, en;
    jisr_tm_import *imp;
    for (int reindex = 0; reindex < 2; reindex++) {
        make_tok6_memory();
        jisr_tm *tm = open_w();
        assert_int_equal(jisr_tm_index_stale(tm), 1);
        if (reindex) {
            assert_int_equal(jisr_tm_reindex(tm, NULL), 0);
            assert_int_equal(jisr_tm_index_stale(tm), 0);
            assert_int_equal(check_runs(tm), 1);
        }
        assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
        add_tagged(imp, EN3, AR3, &TS_A);
        assert_int_equal(jisr_tm_import_end(imp, 1), 0);
        assert_int_equal(units_of(tm, &ar, &en), reindex ? 1 : 2);
        jisr_unit u;
        jisr_unit_init(&u);
        assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
        assert_string_equal(u.variants[0].tags[0], TS_B.t[0]); /* the stored markup kept */
        jisr_unit_clear(&u);
        jisr_tm_close(tm);
        remove_dir();
    }
}

/* A schema-2 memory (dedupe hashes in the DUPSORT database "exact") is read as it is and
 * converted when opened for writing; duplicates of its units still merge. The schema-2 layout
 * is rebuilt here with raw LMDB from a schema-3 memory: same records and index, "exact" made
 * from the dedupe run, "dedupe" dropped, schema set to 2. */
static void test_schema2(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "البيت كبير.", "The house is big.", 0);
    add_pair(imp, "الشمس حارة.", "The sun is hot.", 0);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_close(tm);

    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi meta, dd, ex;
    MDB_cursor *c;
    MDB_val k, d;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    assert_int_equal(mdb_env_open(env, g_dir, 0, 0664), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
    assert_int_equal(mdb_dbi_open(txn, "dedupe", MDB_INTEGERKEY, &dd), 0);
    assert_int_equal(
        mdb_dbi_open(txn, "exact", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, &ex),
        0);
    assert_int_equal(mdb_cursor_open(txn, dd, &c), 0);
    size_t n = 0;
    while (mdb_cursor_get(c, &k, &d, n ? MDB_NEXT : MDB_FIRST) == 0) {
        for (size_t x = 0; x + 12 <= d.mv_size; x += 12) {
            MDB_val ek = {8, (char *)d.mv_data + x}, ev = {4, (char *)d.mv_data + x + 8};
            assert_int_equal(mdb_put(txn, ex, &ek, &ev, 0), 0);
            n++;
        }
    }
    mdb_cursor_close(c);
    assert_int_equal(n, 2);
    assert_int_equal(mdb_drop(txn, dd, 1), 0);
    unsigned char v[8] = {0, 0, 0, 0, 0, 0, 0, 2};
    k.mv_size = 6;
    k.mv_data = "schema";
    d.mv_size = 8;
    d.mv_data = v;
    assert_int_equal(mdb_put(txn, meta, &k, &d, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);

    /* read-only: queried as it is */
    assert_int_equal(jisr_tm_open(&tm, g_dir, NULL), 0);
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "ar";
    qo.tgtlang = "en";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, "الشمس حارة.", &qo, &m), 0);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.v[0].score, 100);
    jisr_tm_matches_free(&m);
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_int_equal(st.schema, 2);
    jisr_tm_stats_free(&st);
    jisr_tm_close(tm);
    /* written: converted, and the old units still take their duplicates */
    tm = open_w();
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_int_equal(st.schema, JISR_TM_SCHEMA);
    jisr_tm_stats_free(&st);
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "الشمس حارة.", "The sun is hot!", 0); /* differs in punctuation: new */
    add_pair(imp, "الشمس حارة.", "The sun is hot.", 3); /* an identical duplicate of id 2 */
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    uint64_t ar, en;
    assert_int_equal(units_of(tm, &ar, &en), 3);
    assert_int_equal(usage_of(tm, 2), 3);
    jisr_tm_close(tm);
    /* the old database is gone */
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    assert_int_equal(mdb_env_open(env, g_dir, MDB_RDONLY, 0664), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "exact", 0, &ex), MDB_NOTFOUND);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    remove_dir();
}

static void same_meta(const jisr_meta *a, const jisr_meta *b)
{
    const char *x[] = {a->creationid, a->changeid}, *y[] = {b->creationid, b->changeid};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(!x[i], !y[i]);
        if (x[i])
            assert_string_equal(x[i], y[i]);
    }
    assert_int_equal(a->usagecount, b->usagecount);
    for (int k = 0; k < 2; k++) {
        const jisr_prop *p = k ? a->notes : a->props, *q = k ? b->notes : b->props;
        size_t n = k ? a->nnotes : a->nprops, m = k ? b->nnotes : b->nprops;
        assert_int_equal(n, m);
        for (size_t i = 0; i < n; i++) {
            const char *s1[] = {p[i].type, p[i].lang, p[i].value};
            const char *s2[] = {q[i].type, q[i].lang, q[i].value};
            for (int j = 0; j < 3; j++) {
                assert_int_equal(!s1[j], !s2[j]);
                if (s1[j])
                    assert_string_equal(s1[j], s2[j]);
            }
        }
    }
}

/* A file import goes through the spill (units written in a compact form by the parsing thread
 * and read back): it must store exactly what feeding the reader's units to jisr_tm_import_add
 * stores. Every TMX fixture that reads without error, compared unit by unit (texts, tags,
 * languages, tuid, ids, usage count, props and notes). */
static void test_spill_fidelity(void **state)
{
    (void)state;
    const char *dirs[] = {"formats/compliance-kit", "formats/okapi", "formats"};
    size_t files = 0, units = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        char dp[512];
        snprintf(dp, sizeof dp, "%s/%s", JISR_TEST_DATA, dirs[d]);
        DIR *dir = opendir(dp);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            size_t nl = strlen(e->d_name);
            if (nl < 5 || strcmp(e->d_name + nl - 4, ".tmx") != 0)
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dp, e->d_name);
            /* B: the reader's units straight into the importer */
            jisr_reader *r;
            jisr_read_opts ro = JISR_READ_OPTS_INIT;
            if (jisr_reader_open(&r, path, &ro) < 0)
                continue;
            char da[sizeof g_dir], db[sizeof g_dir];
            make_dir();
            snprintf(da, sizeof da, "%s", g_dir);
            make_dir();
            snprintf(db, sizeof db, "%s", g_dir);
            jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
            o.flags = JISR_TM_WRITE;
            jisr_tm *tb, *ta;
            assert_int_equal(jisr_tm_open(&tb, db, &o), 0);
            jisr_tm_import *imp;
            assert_int_equal(jisr_tm_import_begin(tb, NULL, &imp), 0);
            jisr_unit u;
            jisr_unit_init(&u);
            int rc;
            while ((rc = jisr_reader_next(r, &u)) == 1)
                assert_int_equal(jisr_tm_import_add(imp, &u), 0);
            jisr_reader_close(r);
            if (rc < 0) { /* a fixture that does not read cleanly: not for this test */
                jisr_tm_import_end(imp, 0);
                jisr_tm_close(tb);
                snprintf(g_dir, sizeof g_dir, "%s", da);
                remove_dir();
                snprintf(g_dir, sizeof g_dir, "%s", db);
                remove_dir();
                continue;
            }
            assert_int_equal(jisr_tm_import_end(imp, 1), 0);
            /* A: the file import (every other file with its spill through the temporary
             * file instead of memory) */
            assert_int_equal(jisr_tm_open(&ta, da, &o), 0);
            jisr_tm_file_opts fo;
            memset(&fo, 0, sizeof fo);
            fo.read = ro;
            fo.spill_mem = files % 2 ? 1 : 0;
            assert_int_equal(jisr_tm_import_file(ta, path, &fo, NULL), 0);
            uint64_t a_ar, a_en, b_ar, b_en;
            uint64_t na = units_of(ta, &a_ar, &a_en), nb = units_of(tb, &b_ar, &b_en);
            assert_int_equal(na, nb);
            jisr_unit ua, ub;
            jisr_unit_init(&ua);
            jisr_unit_init(&ub);
            for (uint64_t id = 1; id <= na; id++) {
                int ra = jisr_tm_get(ta, id, &ua), rb = jisr_tm_get(tb, id, &ub);
                assert_int_equal(ra, rb);
                if (ra < 0)
                    continue;
                assert_int_equal(!ua.tuid, !ub.tuid);
                if (ua.tuid)
                    assert_string_equal(ua.tuid, ub.tuid);
                same_meta(&ua.meta, &ub.meta);
                assert_int_equal(ua.nvariants, ub.nvariants);
                for (size_t v = 0; v < ua.nvariants; v++) {
                    assert_string_equal(ua.variants[v].lang, ub.variants[v].lang);
                    assert_string_equal(ua.variants[v].text, ub.variants[v].text);
                    assert_int_equal(ua.variants[v].ntags, ub.variants[v].ntags);
                    for (size_t t = 0; t < ua.variants[v].ntags; t++)
                        assert_string_equal(ua.variants[v].tags[t], ub.variants[v].tags[t]);
                }
                units++;
            }
            jisr_unit_clear(&ua);
            jisr_unit_clear(&ub);
            jisr_unit_clear(&u);
            jisr_tm_close(ta);
            jisr_tm_close(tb);
            snprintf(g_dir, sizeof g_dir, "%s", da);
            remove_dir();
            snprintf(g_dir, sizeof g_dir, "%s", db);
            remove_dir();
            files++;
        }
        closedir(dir);
    }
    print_message("spill fidelity: %zu files, %zu units\n", files, units);
    assert_true(files >= 20);
    assert_true(units >= 50);
}

/* A unit record is version 1 unless a variant (<tuv>) has a meta of its own: then version 2,
 * the variants' metas after the variants; both decode, a cut version 2 is damage, and a usage
 * update keeps the version and the metas. */
static void test_record_versions(void **state)
{
    (void)state;
    jisr_unit u, back;
    jisr_unit_init(&u);
    jisr_unit_init(&back);
    assert_int_equal(jisr_unit_add_variant(&u, "en", "Open the file", 13, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "افتح الملف", strlen("افتح الملف"), NULL), 0);
    uint32_t nw[2] = {3, 2}, w1[2] = {300, 200};
    uint64_t nh[2] = {11, 22};
    jisr_buf b = {0}, b2 = {0};
    tm_rec r;
    assert_int_equal(tm_rec_encode(&u, nw, w1, nh, 1, 100, INT64_MIN, INT64_MIN, &b), 0);
    assert_int_equal((unsigned char)b.data[0], TM_REC_VERSION);
    assert_int_equal(tm_rec_decode(b.data, b.len, &r), 0);
    assert_null(r.vmeta);
    size_t v1len = b.len;

    jisr_meta *m = &u.variants[1].meta;
    m->changeid = strdup("lina");
    m->notes = calloc(1, sizeof *m->notes);
    m->notes[0].value = strdup("checked");
    m->nnotes = 1;
    jisr_buf_reset(&b);
    assert_int_equal(tm_rec_encode(&u, nw, w1, nh, 1, 100, INT64_MIN, INT64_MIN, &b), 0);
    assert_int_equal((unsigned char)b.data[0], TM_REC_VERSION_VMETA);
    assert_true(b.len > v1len);
    assert_int_equal(tm_rec_decode(b.data, b.len, &r), 0);
    assert_non_null(r.vmeta);
    assert_int_equal(tm_rec_to_unit(&r, &back), 0);
    assert_int_equal(back.nvariants, 2);
    assert_null(back.variants[0].meta.changeid);
    assert_int_equal(back.variants[0].meta.nnotes, 0);
    assert_string_equal(back.variants[1].meta.changeid, "lina");
    assert_int_equal(back.variants[1].meta.nnotes, 1);
    assert_string_equal(back.variants[1].meta.notes[0].value, "checked");
    for (size_t cut = 1; cut <= b.len - v1len; cut++)
        assert_int_equal(tm_rec_decode(b.data, b.len - cut, &r), JISR_EDB);
    assert_int_equal(tm_rec_decode(b.data, b.len, &r), 0);
    assert_int_equal(tm_rec_reencode(&r, 5, 100, 200, INT64_MIN, &b2), 0);
    assert_int_equal((unsigned char)b2.data[0], TM_REC_VERSION_VMETA);
    assert_int_equal(tm_rec_decode(b2.data, b2.len, &r), 0);
    assert_int_equal(r.usage, 5);
    jisr_unit_clear(&back);
    assert_int_equal(tm_rec_to_unit(&r, &back), 0);
    assert_string_equal(back.variants[1].meta.notes[0].value, "checked");
    jisr_unit_clear(&back);
    jisr_unit_clear(&u);
    jisr_buf_free(&b);
    jisr_buf_free(&b2);
}

/* The unit's (<tu>) attributes a version-1 record has no field for make a version-3 record
 * (after the variants' metas, empty here); srclang, which version 1 always stored, is read back
 * (it was dropped on reading); a record written before (version 1, built here byte by byte)
 * reads as it did, with its srclang; a cut version 3 is damage; a usage update keeps it; a merge
 * completes the stored unit's missing attributes from the duplicate's and keeps its own. */
static void test_record_unit_attrs(void **state)
{
    (void)state;
    jisr_unit u, back;
    jisr_unit_init(&u);
    jisr_unit_init(&back);
    assert_int_equal(jisr_unit_add_variant(&u, "en", "Property test", 13, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "اختبار", strlen("اختبار"), NULL), 0);
    uint32_t nw[2] = {2, 1}, w1[2] = {200, 100};
    uint64_t nh[2] = {11, 22};
    jisr_buf b = {0}, b2 = {0}, b3 = {0};
    tm_rec r, r2;

    /* a version-1 record as every jisr wrote it: usage 1, created 100, tuid "t", srclang "en",
     * no ids, props or notes, two variants */
    const unsigned char old[] = {
        1,          1,   101, 0, 0,   2,   't', 3, 'e', 'n', 0, 0, 0, 0, 2,
        /* en */ 3, 'e', 'n', 3, 'a', 'b', 1,   0, 1,   2,   3, 4, 5, 6, 7, 8, 0,
        /* ar */ 3, 'a', 'r', 2, 'x', 1,   0,   8, 7,   6,   5, 4, 3, 2, 1, 0};
    assert_int_equal(tm_rec_decode(old, sizeof old, &r), 0);
    assert_int_equal(r.version, TM_REC_VERSION);
    assert_int_equal(tm_rec_to_unit(&r, &back), 0);
    assert_string_equal(back.srclang, "en");
    assert_string_equal(back.tuid, "t");
    assert_string_equal(back.variants[1].text, "x");
    assert_null(back.meta.datatype);

    /* the same unit encoded now: srclang only, still version 1 */
    u.srclang = strdup("en");
    assert_int_equal(tm_rec_encode(&u, nw, w1, nh, 1, 100, INT64_MIN, INT64_MIN, &b), 0);
    assert_int_equal((unsigned char)b.data[0], TM_REC_VERSION);
    size_t v1len = b.len;
    /* with <tu> attributes: version 3 */
    u.meta.datatype = strdup("html");
    u.meta.segtype = strdup("phrase");
    u.meta.o_tmf = strdup("foo");
    u.meta.o_encoding = strdup("utf-8");
    u.meta.creationtool = strdup("Tool");
    u.meta.creationtoolversion = strdup("2.1");
    jisr_buf_reset(&b);
    assert_int_equal(tm_rec_encode(&u, nw, w1, nh, 1, 100, INT64_MIN, INT64_MIN, &b), 0);
    assert_int_equal((unsigned char)b.data[0], TM_REC_VERSION_UMETA);
    assert_int_equal(tm_rec_decode(b.data, b.len, &r), 0);
    assert_non_null(r.vmeta);
    assert_non_null(r.umeta);
    jisr_unit_clear(&back);
    assert_int_equal(tm_rec_to_unit(&r, &back), 0);
    assert_string_equal(back.srclang, "en");
    assert_string_equal(back.meta.datatype, "html");
    assert_string_equal(back.meta.segtype, "phrase");
    assert_string_equal(back.meta.o_tmf, "foo");
    assert_string_equal(back.meta.o_encoding, "utf-8");
    assert_string_equal(back.meta.creationtool, "Tool");
    assert_string_equal(back.meta.creationtoolversion, "2.1");
    assert_null(back.variants[0].meta.datatype);
    for (size_t cut = 1; cut <= b.len - v1len; cut++)
        assert_int_equal(tm_rec_decode(b.data, b.len - cut, &r2), JISR_EDB);
    /* a unit meta holding anything but those attributes (an id, a note) is damage */
    for (int k = 0; k < 2; k++) {
        jisr_meta bad;
        jisr_prop note = {NULL, NULL, "n"};
        memset(&bad, 0, sizeof bad);
        bad.usagecount = -1;
        bad.datatype = "html";
        if (k)
            bad.creationid = "x";
        else {
            bad.notes = &note;
            bad.nnotes = 1;
        }
        size_t off = (size_t)(r.umeta - (const unsigned char *)b.data);
        jisr_buf_reset(&b3);
        assert_int_equal(jisr_buf_append(&b3, b.data, off), 0);
        assert_int_equal(jisr_buf_reserve(&b3, tm_meta_size(&bad)), 0);
        b3.len =
            (size_t)(tm_meta_put((unsigned char *)b3.data + off, &bad) - (unsigned char *)b3.data);
        assert_int_equal(tm_rec_decode(b3.data, b3.len, &r2), JISR_EDB);
        bad.creationid = NULL;
        bad.nnotes = 0;
        jisr_buf_reset(&b3); /* and the attributes alone decode */
        assert_int_equal(jisr_buf_append(&b3, b.data, off), 0);
        assert_int_equal(jisr_buf_reserve(&b3, tm_meta_size(&bad)), 0);
        b3.len =
            (size_t)(tm_meta_put((unsigned char *)b3.data + off, &bad) - (unsigned char *)b3.data);
        assert_int_equal(tm_rec_decode(b3.data, b3.len, &r2), 0);
    }
    /* a usage update keeps the record and its attributes */
    assert_int_equal(tm_rec_reencode(&r, 5, 100, 200, INT64_MIN, &b2), 0);
    assert_int_equal((unsigned char)b2.data[0], TM_REC_VERSION_UMETA);
    assert_int_equal(tm_rec_decode(b2.data, b2.len, &r2), 0);
    jisr_unit_clear(&back);
    assert_int_equal(tm_rec_to_unit(&r2, &back), 0);
    assert_int_equal(back.meta.usagecount, 5);
    assert_string_equal(back.meta.o_tmf, "foo");

    /* merges: the old record (no attributes) takes the duplicate's; a stored one keeps its own */
    assert_int_equal(tm_rec_decode(old, sizeof old, &r), 0);
    assert_int_equal(tm_rec_decode(b.data, b.len, &r2), 0);
    jisr_buf_reset(&b3);
    assert_int_equal(tm_rec_merge(&r, &r2, 2, 100, INT64_MIN, INT64_MIN, &b3), 0);
    assert_int_equal((unsigned char)b3.data[0], TM_REC_VERSION_UMETA);
    tm_rec r3;
    assert_int_equal(tm_rec_decode(b3.data, b3.len, &r3), 0);
    jisr_unit_clear(&back);
    assert_int_equal(tm_rec_to_unit(&r3, &back), 0);
    assert_string_equal(back.tuid, "t");
    assert_string_equal(back.srclang, "en");
    assert_string_equal(back.meta.datatype, "html");
    assert_string_equal(back.variants[0].text, "ab");
    free(u.meta.datatype);
    u.meta.datatype = strdup("xml");
    free(u.srclang);
    u.srclang = strdup("ar");
    jisr_buf_reset(&b2);
    assert_int_equal(tm_rec_encode(&u, nw, w1, nh, 1, 100, INT64_MIN, INT64_MIN, &b2), 0);
    assert_int_equal(tm_rec_decode(b2.data, b2.len, &r), 0);
    assert_int_equal(tm_rec_decode(b.data, b.len, &r2), 0);
    jisr_buf_reset(&b3);
    assert_int_equal(tm_rec_merge(&r2, &r, 2, 100, INT64_MIN, INT64_MIN, &b3), 0);
    assert_int_equal(tm_rec_decode(b3.data, b3.len, &r3), 0);
    jisr_unit_clear(&back);
    assert_int_equal(tm_rec_to_unit(&r3, &back), 0);
    assert_string_equal(back.srclang, "en");
    assert_string_equal(back.meta.datatype, "html");
    /* a stored unit without srclang takes the duplicate's */
    free(u.srclang);
    u.srclang = NULL;
    jisr_unit u1;
    jisr_unit_init(&u1);
    assert_int_equal(jisr_unit_add_variant(&u1, "en", "Property test", 13, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u1, "ar", "اختبار", strlen("اختبار"), NULL), 0);
    jisr_buf_reset(&b2);
    assert_int_equal(tm_rec_encode(&u1, nw, w1, nh, 1, 100, INT64_MIN, INT64_MIN, &b2), 0);
    u1.srclang = strdup("en");
    jisr_buf_reset(&b);
    assert_int_equal(tm_rec_encode(&u1, nw, w1, nh, 1, 100, INT64_MIN, INT64_MIN, &b), 0);
    assert_int_equal(tm_rec_decode(b2.data, b2.len, &r), 0);
    assert_int_equal(tm_rec_decode(b.data, b.len, &r2), 0);
    jisr_buf_reset(&b3);
    assert_int_equal(tm_rec_merge(&r, &r2, 2, 100, INT64_MIN, INT64_MIN, &b3), 0);
    assert_int_equal((unsigned char)b3.data[0], TM_REC_VERSION);
    assert_int_equal(tm_rec_decode(b3.data, b3.len, &r3), 0);
    jisr_unit_clear(&back);
    assert_int_equal(tm_rec_to_unit(&r3, &back), 0);
    assert_string_equal(back.srclang, "en");
    assert_int_equal(back.meta.usagecount, 2);
    jisr_unit_clear(&u1);
    jisr_unit_clear(&back);
    jisr_unit_clear(&u);
    jisr_buf_free(&b);
    jisr_buf_free(&b2);
    jisr_buf_free(&b3);
}

/* A unit of two variants (l1 t1, l2 t2) with the <tu> attributes given (NULL: none). */
typedef struct unit_spec {
    const char *l1, *t1, *l2, *t2;
    const char *tuid, *srclang, *created, *creationid, *changed, *changeid;
    long usage;
    /* the first variant's (<tuv>) change date and id, and a note */
    const char *vchanged, *vchangeid, *vnote;
} unit_spec;

static void add_spec(jisr_tm_import *imp, const unit_spec *s)
{
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_variant *v;
#define DUP(x) ((x) ? strdup(x) : NULL)
    u.tuid = DUP(s->tuid);
    u.srclang = DUP(s->srclang);
    u.meta.creationdate = DUP(s->created);
    u.meta.creationid = DUP(s->creationid);
    u.meta.changedate = DUP(s->changed);
    u.meta.changeid = DUP(s->changeid);
    u.meta.usagecount = s->usage ? s->usage : -1;
    assert_int_equal(jisr_unit_add_variant(&u, s->l1, s->t1, strlen(s->t1), &v), 0);
    v->meta.changedate = DUP(s->vchanged);
    v->meta.changeid = DUP(s->vchangeid);
    if (s->vnote) {
        v->meta.notes = calloc(1, sizeof *v->meta.notes);
        v->meta.notes[0].value = strdup(s->vnote);
        v->meta.nnotes = 1;
    }
#undef DUP
    assert_int_equal(jisr_unit_add_variant(&u, s->l2, s->t2, strlen(s->t2), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

static uint64_t stored_units(jisr_tm *tm)
{
    uint64_t ar, en;
    return units_of(tm, &ar, &en);
}

/* Units whose languages differ past the primary subtag (en-US, en-GB, en; ar, ar-EG) are
 * different units: only the same whole tags, letter case aside, merge. Their dedupe key is still
 * the primary language's, as in every memory written before (whose dedupe runs stay valid): the
 * key finds candidates, the whole tags decide. A variant's meta completes the stored variant's
 * whatever the case of its tag. */
static void test_merge_region_langs(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    unit_spec s = {.l1 = "en-US", .t1 = "Save", .l2 = "ar", .t2 = "احفظ"};
    add_spec(imp, &s); /* id 1 */
    s.l1 = "en-GB";
    add_spec(imp, &s); /* id 2 */
    s.l1 = "en";
    s.l2 = "ar-EG";
    add_spec(imp, &s); /* id 3 */
    s.l1 = "EN-us";
    s.l2 = "AR";
    s.vnote = "checked";
    add_spec(imp, &s); /* into 1: the same tags but for case */
    s.vnote = NULL;
    s.l1 = "en";
    s.l2 = "ar";
    add_spec(imp, &s); /* id 4 */
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_int_equal(stored_units(tm), 4);
    assert_int_equal(usage_of(tm, 1), 1);
    assert_int_equal(usage_of(tm, 2), 1);
    assert_int_equal(usage_of(tm, 3), 1);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_string_equal(u.variants[0].lang, "en-US");
    assert_int_equal(u.variants[0].meta.nnotes, 1); /* the en-us variant's note */
    assert_string_equal(u.variants[0].meta.notes[0].value, "checked");
    assert_int_equal(jisr_tm_get(tm, 2, &u), 0);
    assert_string_equal(u.variants[0].lang, "en-GB");
    assert_int_equal(jisr_tm_get(tm, 3, &u), 0);
    assert_string_equal(u.variants[1].lang, "ar-EG");
    /* a later import (the dedupe index read back from the memory's runs) likewise */
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    s.l1 = "en-gb";
    add_spec(imp, &s); /* into 2 */
    s.l1 = "en-AU";
    add_spec(imp, &s); /* id 5 */
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_int_equal(stored_units(tm), 5);
    assert_int_equal(usage_of(tm, 2), 1);
    assert_int_equal(jisr_tm_get(tm, 5, &u), 0);
    assert_string_equal(u.variants[0].lang, "en-AU");
    jisr_unit_clear(&u);
    assert_int_equal(check_runs(tm), 5);
    /* the dedupe key is the primary languages' (unchanged): en-US/ar, en-GB/ar and en/ar share
     * one */
    MDB_txn *txn;
    assert_int_equal(mdb_txn_begin(tm->env, NULL, MDB_RDONLY, &txn), 0);
    uint64_t key[3];
    unsigned int ids[3] = {1, 2, 4};
    tm_rec *r = malloc(sizeof *r);
    assert_non_null(r);
    for (int i = 0; i < 3; i++) {
        MDB_val uk = {sizeof ids[i], &ids[i]}, ud;
        assert_int_equal(mdb_get(txn, tm->units, &uk, &ud), 0);
        assert_int_equal(tm_rec_decode(ud.mv_data, ud.mv_size, r), 0);
        key[i] = tm_dedupe_key(r);
    }
    mdb_txn_abort(txn);
    free(r);
    assert_true(key[0] == key[1] && key[1] == key[2]);
    /* a query from en to ar finds the units of every English and Arabic (en-US, en-GB, en-AU,
     * en; ar, ar-EG) */
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    qo.max_results = 10;
    jisr_tm_matches ms;
    assert_int_equal(jisr_tm_query(tm, "Save", &qo, &ms), 0);
    assert_int_equal(ms.n, 5);
    jisr_tm_matches_free(&ms);
    jisr_tm_close(tm);
    remove_dir();
}

static void add_dated(jisr_tm_import *imp, const char *en, const char *created, const char *changed,
                      const char *vcreated)
{
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_variant *v;
    u.meta.creationdate = created ? strdup(created) : NULL;
    u.meta.changedate = changed ? strdup(changed) : NULL;
    assert_int_equal(jisr_unit_add_variant(&u, "en", en, strlen(en), &v), 0);
    v->meta.creationdate = vcreated ? strdup(vcreated) : NULL;
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "نص", strlen("نص"), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

/* Dates of units handed to the importer: ISO 8601's forms are the same instant as TMX's; a unit
 * without a creation date is dated by the import but never after its change date; a variant's
 * date is stored in TMX's form, and one that cannot be read is left out (not kept as text). */
static void test_import_dates(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_dated(imp, "One", "2019-03-04T10:11:12Z", "20190305T101112Z", NULL);
    add_dated(imp, "Two", NULL, "20190305T101112Z", NULL);
    add_dated(imp, "Three", "junk", "2019-03-05", "2019-03-01T00:00:00+01:00");
    add_dated(imp, "Four", NULL, NULL, "not a date");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_string_equal(u.meta.creationdate, "20190304T101112Z");
    assert_string_equal(u.meta.changedate, "20190305T101112Z");
    assert_int_equal(jisr_tm_get(tm, 2, &u), 0);
    assert_string_equal(u.meta.creationdate, "20190305T101112Z"); /* not the import's time */
    assert_int_equal(jisr_tm_get(tm, 3, &u), 0);
    assert_string_equal(u.meta.creationdate, "20190228T230000Z"); /* its variant's */
    assert_string_equal(u.meta.changedate, "20190305T000000Z");
    assert_string_equal(u.variants[0].meta.creationdate, "20190228T230000Z");
    assert_int_equal(jisr_tm_get(tm, 4, &u), 0);
    assert_null(u.variants[0].meta.creationdate);
    assert_non_null(u.meta.creationdate); /* the import's */
    jisr_unit_clear(&u);
    jisr_tm_close(tm);
    remove_dir();
}

/* Dates before 1970 are kept (1601, 1800, 1965, the last second of 1969), on the unit and through
 * a merge (the earliest creation); a record stores them as every jisr decodes them: seconds + 1
 * as 64 bits, but 19691231T235959Z (-1, whose + 1 would be "absent") as the value of INT64_MIN,
 * which a jisr before reads as absent, as it stored it. */
static void test_dates_before_1970(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_dated(imp, "One", "19650101T000000Z", "19991231T000000Z", NULL);
    add_dated(imp, "Two", "16010101T000000Z", "18000101T120000Z", "1601-01-01");
    add_dated(imp, "Three", "19691231T235959Z", "19691231T235958Z", NULL);
    add_dated(imp, "Four", "19691231T000000Z", NULL, NULL);
    add_dated(imp, "One", "19700101T000000Z", "19600101T000000Z", NULL); /* into 1 */
    add_dated(imp, "Five", "19700101T000000Z", NULL, NULL);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_int_equal(stored_units(tm), 5);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_string_equal(u.meta.creationdate, "19650101T000000Z");
    assert_string_equal(u.meta.changedate, "19991231T000000Z");
    assert_int_equal(u.meta.usagecount, 1);
    assert_int_equal(jisr_tm_get(tm, 2, &u), 0);
    assert_string_equal(u.meta.creationdate, "16010101T000000Z");
    assert_string_equal(u.meta.changedate, "18000101T120000Z");
    assert_string_equal(u.variants[0].meta.creationdate, "16010101T000000Z");
    assert_int_equal(jisr_tm_get(tm, 3, &u), 0);
    assert_string_equal(u.meta.creationdate, "19691231T235959Z");
    assert_string_equal(u.meta.changedate, "19691231T235958Z");
    assert_int_equal(jisr_tm_get(tm, 4, &u), 0);
    assert_string_equal(u.meta.creationdate, "19691231T000000Z");
    assert_null(u.meta.changedate);
    assert_int_equal(jisr_tm_get(tm, 5, &u), 0);
    assert_string_equal(u.meta.creationdate, "19700101T000000Z");
    jisr_unit_clear(&u);
    /* --changed-since reads them */
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    qo.changed_since = "1801-01-01";
    jisr_tm_matches ms;
    assert_int_equal(jisr_tm_query(tm, "Two", &qo, &ms), 0);
    assert_int_equal(ms.n, 0);
    jisr_tm_matches_free(&ms);
    qo.changed_since = "1799-01-01";
    assert_int_equal(jisr_tm_query(tm, "Two", &qo, &ms), 0);
    assert_int_equal(ms.n, 1);
    jisr_tm_matches_free(&ms);
    jisr_tm_close(tm);
    remove_dir();

    /* the bytes: usage 1 (one byte), then the creation date */
    jisr_unit_init(&u);
    assert_int_equal(jisr_unit_add_variant(&u, "en", "a", 1, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "b", 1, NULL), 0);
    uint32_t nw[2] = {1, 1}, w1[2] = {100, 100};
    uint64_t nh[2] = {1, 2};
    const int64_t dates[] = {-1, -2, 0, -11644473600, INT64_MIN};
    const uint64_t stored[] = {(uint64_t)INT64_MIN + 1, UINT64_MAX, 1, (uint64_t)-11644473599, 0};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        jisr_buf b = {0};
        tm_rec r;
        assert_int_equal(tm_rec_encode(&u, nw, w1, nh, 1, dates[i], INT64_MIN, INT64_MIN, &b), 0);
        uint64_t v;
        const unsigned char *p = (const unsigned char *)b.data;
        assert_non_null(tm_get_varint(p + 2, p + b.len, &v));
        assert_true(v == stored[i]);
        assert_int_equal(tm_rec_decode(b.data, b.len, &r), 0);
        assert_true(r.created == dates[i]);
        /* and a usage update keeps it */
        jisr_buf b2 = {0};
        assert_int_equal(tm_rec_reencode(&r, 2, r.created, dates[i], INT64_MIN, &b2), 0);
        assert_int_equal(tm_rec_decode(b2.data, b2.len, &r), 0);
        assert_true(r.created == dates[i] && r.changed == dates[i]);
        jisr_buf_free(&b);
        jisr_buf_free(&b2);
    }
    jisr_unit_clear(&u);
}

/* Merging a duplicate: the earliest creation date comes with its creation id, the latest change
 * date with its change id (not the stored unit's ids beside the duplicate's dates); on a tie, the
 * stored unit's id, or the duplicate's when it has none. The stored unit's tuid stays (the
 * duplicate's when it has none), its srclang likewise. A variant's (<tuv>) change date and id
 * travel together the same way. */
static void test_merge_ids(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    unit_spec a = {.l1 = "en",
                   .t1 = "Save",
                   .l2 = "ar",
                   .t2 = "احفظ",
                   .tuid = "old",
                   .created = "20190101T000000Z",
                   .creationid = "alice",
                   .changed = "20190201T000000Z",
                   .changeid = "bob",
                   .vchanged = "20190201T000000Z",
                   .vchangeid = "bob"};
    add_spec(imp, &a); /* id 1 */
    unit_spec b = {.l1 = "en",
                   .t1 = "Open",
                   .l2 = "ar",
                   .t2 = "افتح",
                   .tuid = "x1",
                   .created = "20180101T000000Z",
                   .creationid = "zed",
                   .changed = "20240101T000000Z",
                   .changeid = "carol",
                   .vchanged = "20190201T000000Z"};
    add_spec(imp, &b); /* id 2 */
    unit_spec c = {.l1 = "en",
                   .t1 = "Close",
                   .l2 = "ar",
                   .t2 = "أغلق",
                   .created = "20190101T000000Z",
                   .changed = "20240101T000000Z"};
    add_spec(imp, &c); /* id 3: no tuid, no ids */
    assert_int_equal(jisr_tm_import_commit(imp), 0);
    /* into 1: created earlier by zed, changed later by carol; its tuid and srclang */
    unit_spec a2 = {.l1 = "en",
                    .t1 = "Save",
                    .l2 = "ar",
                    .t2 = "احفظ",
                    .tuid = "new",
                    .srclang = "ar",
                    .created = "20180101T000000Z",
                    .creationid = "zed",
                    .changed = "20240101T000000Z",
                    .changeid = "carol",
                    .vchanged = "20240101T000000Z",
                    .vchangeid = "carol"};
    add_spec(imp, &a2);
    /* into 2: created later, changed earlier: nothing of its dates or ids; the <tuv> change
     * date is the stored one's, which has no id: dan did not make it */
    unit_spec b2 = {.l1 = "en",
                    .t1 = "Open",
                    .l2 = "ar",
                    .t2 = "افتح",
                    .tuid = "x2",
                    .created = "20190101T000000Z",
                    .creationid = "alice",
                    .changed = "20190201T000000Z",
                    .changeid = "bob",
                    .vchanged = "20190101T000000Z",
                    .vchangeid = "dan"};
    add_spec(imp, &b2);
    /* into 3: the same dates, and ids the stored unit lacks; a tuid */
    unit_spec c2 = {.l1 = "en",
                    .t1 = "Close",
                    .l2 = "ar",
                    .t2 = "أغلق",
                    .tuid = "c2",
                    .created = "20190101T000000Z",
                    .creationid = "erin",
                    .changed = "20240101T000000Z",
                    .changeid = "frank"};
    add_spec(imp, &c2);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_int_equal(stored_units(tm), 3);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_string_equal(u.tuid, "old");
    assert_string_equal(u.srclang, "ar");
    assert_string_equal(u.meta.creationdate, "20180101T000000Z");
    assert_string_equal(u.meta.creationid, "zed");
    assert_string_equal(u.meta.changedate, "20240101T000000Z");
    assert_string_equal(u.meta.changeid, "carol");
    assert_string_equal(u.variants[0].meta.changedate, "20240101T000000Z");
    assert_string_equal(u.variants[0].meta.changeid, "carol");
    assert_int_equal(u.meta.usagecount, 1);
    assert_int_equal(jisr_tm_get(tm, 2, &u), 0);
    assert_string_equal(u.tuid, "x1");
    assert_string_equal(u.meta.creationdate, "20180101T000000Z");
    assert_string_equal(u.meta.creationid, "zed");
    assert_string_equal(u.meta.changedate, "20240101T000000Z");
    assert_string_equal(u.meta.changeid, "carol");
    assert_string_equal(u.variants[0].meta.changedate, "20190201T000000Z");
    assert_null(u.variants[0].meta.changeid);
    assert_int_equal(jisr_tm_get(tm, 3, &u), 0);
    assert_string_equal(u.tuid, "c2");
    assert_string_equal(u.meta.creationid, "erin");
    assert_string_equal(u.meta.changeid, "frank");
    jisr_unit_clear(&u);
    jisr_tm_close(tm);
    remove_dir();
}

/* A merge keeps the larger usage count (before: they added up, saturating at LONG_MAX, a TMX
 * usagecount being a long); a stored count beyond LONG_MAX (the sum of a jisr before) reads as
 * LONG_MAX. */
static void test_usage_saturates(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "واحد", "one", LONG_MAX);
    add_pair(imp, "واحد", "one", LONG_MAX);
    add_pair(imp, "اثنان", "two", LONG_MAX - 1);
    add_pair(imp, "اثنان", "two", 5);
    add_pair(imp, "ثلاثة", "three", LONG_MAX - 5);
    add_pair(imp, "ثلاثة", "three", 5);
    assert_int_equal(jisr_tm_import_commit(imp), 0);
    add_pair(imp, "واحد", "one", 3); /* past 2^64 (wrapping, the sum would be 1) */
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_true(usage_of(tm, 1) == LONG_MAX);
    assert_true(usage_of(tm, 2) == LONG_MAX - 1);
    assert_true(usage_of(tm, 3) == LONG_MAX - 5);
    jisr_tm_close(tm);
    remove_dir();
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_unit_add_variant(&u, "en", "a", 1, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "b", 1, NULL), 0);
    uint32_t nw[2] = {1, 1}, w1[2] = {100, 100};
    uint64_t nh[2] = {1, 2};
    jisr_buf b = {0};
    tm_rec r;
    assert_int_equal(tm_rec_encode(&u, nw, w1, nh, UINT64_MAX - 1, 0, INT64_MIN, INT64_MIN, &b), 0);
    assert_int_equal(tm_rec_decode(b.data, b.len, &r), 0);
    assert_int_equal(tm_rec_to_unit(&r, &u), 0);
    assert_true(u.meta.usagecount == LONG_MAX);
    jisr_unit_clear(&u);
    jisr_buf_free(&b);
}

/* A unit of the variants given as (language, text) pairs, n of them, with a usage count (0:
 * none) and a unit note (NULL: none). */
static void add_multi(jisr_tm_import *imp, const char *const *lt, size_t n, long usage,
                      const char *note)
{
    jisr_unit u;
    jisr_unit_init(&u);
    u.meta.usagecount = usage ? usage : -1;
    if (note) {
        u.meta.notes = calloc(1, sizeof *u.meta.notes);
        u.meta.notes[0].value = strdup(note);
        u.meta.nnotes = 1;
    }
    for (size_t i = 0; i < n; i++)
        assert_int_equal(
            jisr_unit_add_variant(&u, lt[2 * i], lt[2 * i + 1], strlen(lt[2 * i + 1]), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}
#define ADD(imp, usage, note, ...)                                                                 \
    do {                                                                                           \
        const char *lt_[] = {__VA_ARGS__};                                                         \
        add_multi(imp, lt_, sizeof lt_ / sizeof lt_[0] / 2, usage, note);                          \
    } while (0)

static uint64_t end_import(jisr_tm_import *imp, uint64_t *merged)
{
    const jisr_tm_import_stats *st = jisr_tm_import_stats_get(imp);
    assert_int_equal(jisr_tm_import_commit(imp), 0);
    uint64_t added = st->added;
    *merged = st->merged;
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    return added;
}

static size_t nvar_of(jisr_tm *tm, uint64_t id)
{
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, id, &u), 0);
    size_t n = u.nvariants;
    jisr_unit_clear(&u);
    return n;
}

/* The entries of the dedupe runs as (key, id), sorted: what a reindex must give back. */
static size_t run_entries(jisr_tm *tm, uint64_t (*e)[2], size_t max)
{
    MDB_txn *txn;
    MDB_cursor *c;
    MDB_val k, d;
    size_t n = 0;
    assert_int_equal(mdb_txn_begin(tm->env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_cursor_open(txn, tm->dedupe, &c), 0);
    for (int op = MDB_FIRST; mdb_cursor_get(c, &k, &d, op) == 0; op = MDB_NEXT)
        for (size_t x = 0; x + 12 <= d.mv_size; x += 12) {
            unsigned int id;
            assert_true(n < max);
            memcpy(&e[n][0], (char *)d.mv_data + x, 8);
            memcpy(&id, (char *)d.mv_data + x + 8, 4);
            e[n++][1] = id;
        }
    mdb_cursor_close(c);
    mdb_txn_abort(txn);
    for (size_t i = 1; i < n; i++) /* insertion sort: a few dozen */
        for (size_t j = i;
             j > 0 && (e[j - 1][0] > e[j][0] || (e[j - 1][0] == e[j][0] && e[j - 1][1] > e[j][1]));
             j--) {
            uint64_t t0 = e[j][0], t1 = e[j][1];
            e[j][0] = e[j - 1][0];
            e[j][1] = e[j - 1][1];
            e[j - 1][0] = t0;
            e[j - 1][1] = t1;
        }
    return n;
}

/* Session 37: a unit whose variants are all in a stored unit (a pair exported from a unit that
 * also holds French, and imported back) is that unit: it merges into the stored unit of the
 * lowest id that holds them, within a batch, across batches and imports, and after a reindex.
 * Before, identity was over all of a unit's variants and each such pair was stored again. */
static void test_subset_merge(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    uint64_t merged;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = 4; /* the in-batch and the stored paths both */
    assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
    ADD(imp, 0, NULL, "ar", "احفظ الملف", "en", "Save the file", "fr", "Enregistrer le fichier");
    ADD(imp, 0, NULL, "ar", "افتح", "en", "Open", "fr", "Ouvrir");                         /* 2 */
    ADD(imp, 0, NULL, "ar", "احفظ الملف", "en", "Save the file", "de", "Datei speichern"); /* 3 */
    ADD(imp, 0, NULL, "en", "Save the file", "ar", "احفظ الملف"); /* in the batch: into 1 */
    ADD(imp, 0, NULL, "fr", "Ouvrir", "ar", "افتح");              /* a later batch: into 2 */
    assert_int_equal(end_import(imp, &merged), 3);
    assert_int_equal(merged, 2);
    assert_int_equal(stored_units(tm), 3);

    /* a later import: the pairs of the stored units come from the memory's dedupe runs */
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    ADD(imp, 7, "from OmegaT", "ar", "احفظ الملف", "en", "Save the file"); /* 1 (and 3): into 1 */
    ADD(imp, 0, NULL, "ar", "افتح", "en", "Open ");  /* the English differs: new, 4 */
    ADD(imp, 0, NULL, "en", "Open", "fr", "Ouvrir"); /* into 2, whatever the order */
    ADD(imp, 0, NULL, "de", "Datei speichern", "ar", "احفظ الملف"); /* only 3 holds it */
    ADD(imp, 0, NULL, "ar", "احفظ الملف", "fr", "Enregistrer le fichier", "en",
        "Save the file");                                          /* the same unit as 1 */
    ADD(imp, 0, NULL, "ar", "افتح", "EN", "Open", "fr", "Ouvrir"); /* 2, case aside */
    ADD(imp, 0, NULL, "ar", "افتح", "en-GB", "Open");              /* another language: new, 5 */
    ADD(imp, 0, NULL, "ar", "احفظ الملف", "en", "Save the file", "fr", "Enregistrer le fichier",
        "de", "Datei speichern"); /* more than any stored unit holds: new, 6 */
    ADD(imp, 0, NULL, "fr", "Enregistrer le fichier", "de", "Datei speichern"); /* only 6 */
    ADD(imp, 0, NULL, "ar", "احفظ الملف", "ar", "احفظ الملف"); /* a variant twice: new, 7 */
    assert_int_equal(end_import(imp, &merged), 4);
    assert_int_equal(merged, 6);
    assert_int_equal(stored_units(tm), 7);
    assert_int_equal(usage_of(tm, 1), 7); /* the larger count, as any merge */
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_int_equal(u.nvariants, 3); /* its variants as they were */
    assert_string_equal(u.variants[2].lang, "fr");
    assert_int_equal(u.meta.nnotes, 1); /* and the note it lacked */
    assert_string_equal(u.meta.notes[0].value, "from OmegaT");
    jisr_unit_clear(&u);
    assert_int_equal(usage_of(tm, 3), 1);
    assert_int_equal(nvar_of(tm, 3), 3);
    assert_int_equal(nvar_of(tm, 4), 2);
    assert_int_equal(nvar_of(tm, 6), 4);
    /* runs: a unit of 3 variants has 1 + 3 entries, of 4 1 + 6, of 2 one */
    assert_int_equal(check_runs(tm), 3 * 4 + 3 + 7);

    /* a reindex gives the same entries back, and merges the same afterwards */
    static uint64_t before[64][2], after[64][2];
    size_t nb = run_entries(tm, before, 64);
    assert_int_equal(jisr_tm_reindex(tm, NULL), 0);
    size_t na = run_entries(tm, after, 64);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb * sizeof before[0]);
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    ADD(imp, 0, NULL, "en", "Save the file", "de", "Datei speichern"); /* into 3 */
    assert_int_equal(end_import(imp, &merged), 0);
    assert_int_equal(merged, 1);
    assert_int_equal(stored_units(tm), 7);
    jisr_tm_close(tm);
    remove_dir();
}

/* The other direction is not a merge: a unit with more variants than a stored one (ar+en stored,
 * then ar+en+fr) is a new unit; the stored unit keeps its variants (extending it would need its
 * id added inside postings that only grow, §5). And a unit of more than TM_PAIR_MAX variants is
 * found by its pairs no more: a pair of it is a new unit. */
static void test_subset_limits(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    uint64_t merged;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    ADD(imp, 0, NULL, "ar", "افتح", "en", "Open");
    ADD(imp, 0, NULL, "ar", "افتح", "en", "Open", "fr", "Ouvrir"); /* new: 2 */
    ADD(imp, 0, NULL, "ar", "افتح", "en", "Open");                 /* in 1 and 2: into 1 */
    ADD(imp, 0, NULL, "en", "Open", "fr", "Ouvrir");               /* into 2 */
    ADD(imp, 0, NULL, "ar", "a", "en", "b", "fr", "c", "de", "d", "es", "e", "zh",
        "f");                                /* TM_PAIR_MAX (6) variants: 3 */
    ADD(imp, 0, NULL, "zh", "f", "ar", "a"); /* into 3 */
    ADD(imp, 0, NULL, "ar", "x", "en", "b", "fr", "c", "de", "d", "es", "e", "zh", "f", "ru",
        "g");                                /* 7 variants: 4 */
    ADD(imp, 0, NULL, "ru", "g", "ar", "x"); /* not found by its pair: 5 */
    ADD(imp, 0, NULL, "ar", "x", "en", "b", "fr", "c", "de", "d", "es", "e", "zh", "f", "ru",
        "g"); /* but the whole of it: into 4 */
    assert_int_equal(end_import(imp, &merged), 5);
    assert_int_equal(merged, 4);
    assert_int_equal(nvar_of(tm, 1), 2);
    assert_int_equal(nvar_of(tm, 2), 3);
    assert_int_equal(nvar_of(tm, 5), 2);
    assert_int_equal(check_runs(tm), 1 + 4 + 1 + 15 + 1 + 1);
    jisr_tm_close(tm);
    remove_dir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dedupe),
        cmocka_unit_test(test_dedupe_interleaved),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_rerun_after_stop),
        cmocka_unit_test(test_file_threads),
        cmocka_unit_test(test_schema2),
        cmocka_unit_test(test_spill_fidelity),
        cmocka_unit_test(test_record_versions),
        cmocka_unit_test(test_record_unit_attrs),
        cmocka_unit_test(test_import_dates),
        cmocka_unit_test(test_merge_region_langs),
        cmocka_unit_test(test_dates_before_1970),
        cmocka_unit_test(test_merge_ids),
        cmocka_unit_test(test_usage_saturates),
        cmocka_unit_test(test_ident_numbering_hash),
        cmocka_unit_test(test_ident_numbering_import),
        cmocka_unit_test(test_ident_numbering_reindex),
        cmocka_unit_test(test_subset_merge),
        cmocka_unit_test(test_subset_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
