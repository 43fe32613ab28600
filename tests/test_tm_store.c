/* test_tm_store.c — the memory's store beyond matching: the versions its index was built with
 * (a warning once when they differ, jisr_tm_reindex rebuilding it to the same index), removing an
 * empty memory, imports from a buffer, a reader and standard input, what a memory cannot hold
 * (refused, never cut: more than 255 variants, a language tag over 63 bytes), delete with an id
 * given twice, the JSON renderers (valid JSON whatever the bytes), an import without a
 * usable $TMPDIR, a record damaged by a NUL inside a text, a query's inline tags and a
 * match as a TMX unit; the bad units of an import counted as skipped, jisr_tm_since_parse's
 * errors, option structs from memset (a zero field the default), and one handle per memory and
 * process. Real LMDB files in a temporary directory. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <jansson.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <unicode/uversion.h>

#include "formats/formats.h"
#include "tm/tm.h"
#include "tm/tm_int.h"

static char g_dir[256];

static void make_dir(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/jisr-test-tms-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
}

static void remove_dir(void)
{
    char p[512];
    static const char *const f[] = {"data.mdb", "lock.mdb", "in.tsv", "in.tmx"};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", g_dir, f[i]);
        unlink(p);
    }
    rmdir(g_dir);
}

static int g_warnings;
static char g_warning[2048];

static void on_warning(void *ctx, const char *msg)
{
    (void)ctx;
    g_warnings++;
    snprintf(g_warning, sizeof g_warning, "%s", msg);
}

static jisr_tm *open_tm(unsigned flags)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = flags;
    o.on_warning = on_warning;
    int rc = jisr_tm_open(&tm, g_dir, &o);
    if (rc < 0)
        fprintf(stderr, "open: %s\n", jisr_error_last()->msg);
    assert_int_equal(rc, 0);
    return tm;
}

static void add_pair(jisr_tm_import *imp, const char *ar, const char *en)
{
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", ar, strlen(ar), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "en", en, strlen(en), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

static void fill(jisr_tm *tm, size_t n)
{
    jisr_tm_import *imp;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = 50;
    assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
    FILE *f = fopen(JISR_TEST_DATA "/tm/ar-en.tsv", "r");
    assert_non_null(f);
    char line[4096];
    for (size_t i = 0; i < n && fgets(line, sizeof line, f); i++) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        add_pair(imp, line, tab + 1);
    }
    fclose(f);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
}

/* The answers to a fixed set of queries, as one string (malloc'd). */
static char *answers(jisr_tm *tm)
{
    static const char *const q[] = {"The government considered the report.",
                                    "The council adopted the agenda without a vote.",
                                    "الحكومة نظرت في التقرير.", "draft resolution adopted"};
    jisr_buf b = {0};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
        o.srclang = (q[i][0] & 0x80) ? "ar" : "en";
        o.tgtlang = (q[i][0] & 0x80) ? "en" : "ar";
        o.min_score = 50;
        o.max_results = 10;
        jisr_tm_matches m;
        assert_int_equal(jisr_tm_query(tm, q[i], &o, &m), 0);
        assert_int_equal(jisr_tm_matches_json(&b, q[i], &m), 0);
        jisr_tm_matches_free(&m);
    }
    return b.data;
}

/* Every key and value of database name, as one string of hex (malloc'd). */
static char *dump_db(const char *name)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_cursor *c;
    MDB_val k, d;
    jisr_buf b = {0};
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    assert_int_equal(mdb_env_open(env, g_dir, MDB_RDONLY, 0664), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, name, 0, &dbi), 0);
    assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
    for (int op = MDB_FIRST; mdb_cursor_get(c, &k, &d, op) == 0; op = MDB_NEXT) {
        for (size_t i = 0; i < k.mv_size; i++)
            jisr_buf_printf(&b, "%02x", ((unsigned char *)k.mv_data)[i]);
        jisr_buf_putc(&b, ':');
        for (size_t i = 0; i < d.mv_size; i++)
            jisr_buf_printf(&b, "%02x", ((unsigned char *)d.mv_data)[i]);
        jisr_buf_putc(&b, '\n');
    }
    mdb_cursor_close(c);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return b.data;
}

/* Write (v != NULL) or delete a key of meta with raw LMDB, as another jisr would have. */
static void meta_set(const char *key, const void *v, size_t n)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    assert_int_equal(mdb_env_open(env, g_dir, 0, 0664), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
    MDB_val k = {strlen(key), (void *)key}, d = {n, (void *)v};
    if (v)
        assert_int_equal(mdb_put(txn, dbi, &k, &d, 0), 0);
    else
        mdb_del(txn, dbi, &k, NULL);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

/* A memory records the versions its index was built with; another tokenizer or ICU version in
 * it makes opening warn once and flag it stale; reindex rebuilds the same index (the tokenizer
 * did not really change here) and records ours. */
static void test_versions(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    fill(tm, 300);
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    char icu[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo uv;
    u_getVersion(uv);
    u_versionToString(uv, icu);
    assert_string_equal(st.index_icu, icu);
    assert_int_equal(st.index_tokenizer, TM_TOK_VERSION);
    assert_int_equal(st.index_stale, 0);
    jisr_tm_stats_free(&st);
    char *before = answers(tm);
    jisr_tm_close(tm);
    assert_int_equal(g_warnings, 0);
    char *post0 = dump_db("post"), *units0 = dump_db("units");

    /* another tokenizer and ICU wrote this index */
    static const unsigned char tok99[8] = {0, 0, 0, 0, 0, 0, 0, 99};
    meta_set("tokenizer", tok99, 8);
    meta_set("icu", "1.0", 3);
    tm = open_tm(0);
    assert_int_equal(g_warnings, 1); /* once, at open */
    assert_non_null(strstr(g_warning, "tokenizer 99"));
    assert_non_null(strstr(g_warning, "ICU 1.0"));
    assert_non_null(strstr(g_warning, "jisr reindex"));
    assert_int_equal(jisr_tm_index_stale(tm), 1);
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_int_equal(st.index_stale, 1);
    assert_int_equal(st.index_tokenizer, 99);
    assert_string_equal(st.index_icu, "1.0");
    jisr_tm_stats_free(&st);
    char *stale = answers(tm); /* queries go on meanwhile */
    assert_string_equal(stale, before);
    free(stale);
    assert_int_equal(g_warnings, 1);
    jisr_tm_close(tm);

    /* reindex: our versions, the same index, the same answers, no warning any more */
    g_warnings = 0;
    tm = open_tm(JISR_TM_WRITE);
    assert_int_equal(g_warnings, 1);
    assert_int_equal(jisr_tm_reindex(tm, NULL), 0);
    assert_int_equal(jisr_tm_index_stale(tm), 0);
    jisr_tm_close(tm);
    g_warnings = 0;
    tm = open_tm(0);
    assert_int_equal(g_warnings, 0);
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_string_equal(st.index_icu, icu);
    assert_int_equal(st.index_tokenizer, TM_TOK_VERSION);
    jisr_tm_stats_free(&st);
    char *after = answers(tm);
    assert_string_equal(after, before);
    jisr_tm_close(tm);
    char *post1 = dump_db("post"), *units1 = dump_db("units");
    assert_string_equal(post1, post0); /* an unchanged tokenizer gives the import's index */
    assert_string_equal(units1, units0);

    /* a memory from before the versions were recorded warns too */
    meta_set("icu", NULL, 0);
    meta_set("unicode", NULL, 0);
    meta_set("tokenizer", NULL, 0);
    g_warnings = 0;
    tm = open_tm(0);
    assert_int_equal(g_warnings, 1);
    assert_non_null(strstr(g_warning, "does not record"));
    assert_int_equal(jisr_tm_index_stale(tm), 1);
    jisr_tm_close(tm);
    g_warnings = 0;
    free(before);
    free(after);
    free(post0);
    free(post1);
    free(units0);
    free(units1);
    remove_dir();
}

/* jisr_tm_remove: an empty memory (an import that stored nothing) goes, a memory with units
 * stays. */
static void test_remove(void **state)
{
    (void)state;
    make_dir();
    char sub[512], p[600];
    snprintf(sub, sizeof sub, "%s/new", g_dir);
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE;
    assert_int_equal(jisr_tm_open(&tm, sub, &o), 0);
    jisr_tm_close(tm);
    assert_int_equal(jisr_tm_remove(sub), 0);
    struct stat sb;
    assert_int_not_equal(stat(sub, &sb), 0); /* files and directory gone */
    assert_int_equal(jisr_tm_remove(sub), JISR_ENOTFOUND);
    /* not empty: refused, nothing removed */
    tm = open_tm(JISR_TM_WRITE);
    fill(tm, 10);
    jisr_tm_close(tm);
    assert_int_equal(jisr_tm_remove(g_dir), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "not empty"));
    snprintf(p, sizeof p, "%s/data.mdb", g_dir);
    assert_int_equal(stat(p, &sb), 0);
    tm = open_tm(0);
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_int_equal(st.units, 10);
    jisr_tm_stats_free(&st);
    jisr_tm_close(tm);
    remove_dir();
}

static uint64_t units_in(jisr_tm *tm)
{
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    uint64_t n = st.units;
    jisr_tm_stats_free(&st);
    return n;
}

/* Imports from a buffer, from a reader the caller opened, and from standard input, without a
 * temporary file. */
static void test_import_sources(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    static const char tsv[] = "البيت كبير.\tThe house is big.\nالشمس حارة.\tThe sun is hot.\n";
    jisr_tm_file_opts fo;
    memset(&fo, 0, sizeof fo);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TSV;
    ro.srclang = "ar";
    ro.tgtlang = "en";
    fo.read = ro;
    jisr_tm_import_stats ist;
    assert_int_equal(jisr_tm_import_buffer(tm, "mem.tsv", tsv, sizeof tsv - 1, &fo, &ist), 0);
    assert_int_equal(ist.added, 2);
    assert_int_equal(units_in(tm), 2);
    /* a reader of the caller's */
    static const char tsv2[] = "القمر بعيد.\tThe Moon is far.\n";
    jisr_reader *r;
    assert_int_equal(jisr_reader_open_memory(&r, "r.tsv", tsv2, sizeof tsv2 - 1, &ro), 0);
    assert_int_equal(jisr_tm_import_reader(tm, r, "r.tsv", &fo, &ist), 0);
    jisr_reader_close(r);
    assert_int_equal(ist.added, 1);
    assert_int_equal(units_in(tm), 3);
    /* a strict error in a buffer names it and changes nothing */
    static const char bad[] = "{\"variants\": [\n";
    jisr_tm_file_opts fj = fo;
    fj.read.format = JISR_FMT_JSONL;
    assert_true(jisr_tm_import_buffer(tm, "bad.jsonl", bad, sizeof bad - 1, &fj, &ist) < 0);
    assert_string_equal(jisr_error_last()->file, "bad.jsonl");
    assert_int_equal(units_in(tm), 3);
    /* standard input */
    char p[512];
    snprintf(p, sizeof p, "%s/in.tsv", g_dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("النجم لامع.\tThe star is bright.\nالبحر واسع.\tThe sea is wide.\n", f);
    fclose(f);
    assert_non_null(freopen(p, "r", stdin));
    assert_int_equal(jisr_tm_import_file(tm, "-", &fo, &ist), 0);
    assert_int_equal(ist.added, 2);
    assert_int_equal(units_in(tm), 5);
    jisr_tm_close(tm);
    remove_dir();
}

static int g_bad;
static char g_bad_msg[2048];

static void on_bad(void *ctx, const jisr_error *e)
{
    (void)ctx;
    g_bad++;
    snprintf(g_bad_msg, sizeof g_bad_msg, "%s:%lu: %s", e->file, e->line, e->msg);
}

/* A unit with more variants than a record holds, or a language tag longer than a memory keeps,
 * is refused with a message, never stored cut (it used to come back with 255 variants and a
 * 63-byte tag). */
/* g_dir/in.tmx (its path in p): a good unit, `middle` (more units, or ""), a unit of 300
 * variants (over the memory's limit of 255) on the line after, and a good unit */
static void write_300_variants(char *p, size_t psz, const char *middle)
{
    snprintf(p, psz, "%s/in.tmx", g_dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"ar\" "
          "creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" "
          "adminlang=\"en\" datatype=\"plaintext\"/><body>\n"
          "<tu><tuv xml:lang=\"ar\"><seg>أول</seg></tuv><tuv xml:lang=\"en\"><seg>first</seg></tuv>"
          "</tu>\n",
          f);
    fputs(middle, f);
    fputs("<tu>", f);
    for (int i = 0; i < 300; i++)
        fprintf(f, "<tuv xml:lang=\"x-v%d\"><seg>v%d</seg></tuv>", i, i);
    fputs("</tu>\n<tu><tuv xml:lang=\"ar\"><seg>ثالث</seg></tuv><tuv xml:lang=\"en\"><seg>third"
          "</seg></tuv></tu>\n</body></tmx>\n",
          f);
    fclose(f);
}

static void test_limits(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    char lang[400], text[64];
    for (int i = 0; i < 300; i++) {
        snprintf(lang, sizeof lang, "x-v%d", i);
        snprintf(text, sizeof text, "variant %d", i);
        assert_int_equal(jisr_unit_add_variant(&u, lang, text, strlen(text), NULL), 0);
    }
    assert_int_equal(jisr_tm_import_add(imp, &u), JISR_ETOOBIG);
    assert_non_null(strstr(jisr_error_last()->msg, "300 variants"));
    jisr_unit_clear(&u);
    for (int i = 0; i < 255; i++) { /* exactly what a record holds */
        snprintf(lang, sizeof lang, "x-v%d", i);
        snprintf(text, sizeof text, "variant %d", i);
        assert_int_equal(jisr_unit_add_variant(&u, lang, text, strlen(text), NULL), 0);
    }
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
    memset(lang, 'a', 305);
    memcpy(lang, "en-", 3);
    lang[305] = '\0';
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "نص", strlen("نص"), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, lang, "text", 4, NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), JISR_ETOOBIG);
    assert_non_null(strstr(jisr_error_last()->msg, "305 bytes"));
    jisr_unit_clear(&u);
    lang[63] = '\0'; /* the longest tag kept */
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "نص آخر", strlen("نص آخر"), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, lang, "other text", 10, NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_int_equal(u.nvariants, 255);
    assert_string_equal(u.variants[254].lang, "x-v254");
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_get(tm, 2, &u), 0);
    assert_string_equal(u.variants[1].lang, lang); /* all 63 bytes */
    jisr_unit_clear(&u);
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    int found = 0;
    for (size_t i = 0; i < st.nlangs; i++)
        found += strcmp(st.langs[i].lang, lang) == 0;
    assert_int_equal(found, 1);
    jisr_tm_stats_free(&st);

    /* in a file: strict fails naming the unit's line, --skip-bad reports it and goes on */
    char p[512];
    write_300_variants(p, sizeof p, "");
    jisr_tm_file_opts fo = JISR_TM_FILE_OPTS_INIT;
    jisr_tm_import_stats ist;
    uint64_t n0 = units_in(tm);
    assert_int_equal(jisr_tm_import_file(tm, p, &fo, &ist), JISR_ETOOBIG);
    assert_int_equal(jisr_error_last()->line, 4);
    assert_non_null(strstr(jisr_error_last()->file, "in.tmx"));
    assert_int_equal(units_in(tm), n0);
    fo.flags = JISR_TM_IMPORT_SKIP_BAD;
    fo.on_bad = on_bad;
    g_bad = 0;
    assert_int_equal(jisr_tm_import_file(tm, p, &fo, &ist), 0);
    assert_int_equal(g_bad, 1);
    assert_non_null(strstr(g_bad_msg, "in.tmx:4: a unit with 300 variants"));
    assert_int_equal(units_in(tm), n0 + 2);
    jisr_tm_close(tm);
    remove_dir();
}

static void test_delete_twice(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    fill(tm, 20);
    uint64_t twice[] = {7, 7};
    assert_int_equal(jisr_tm_delete(tm, twice, 2), 0); /* used to be "no unit with id 7" */
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 7, &u), JISR_ENOTFOUND);
    assert_int_equal(units_in(tm), 19);
    uint64_t missing[] = {5, 5, 999};
    assert_int_equal(jisr_tm_delete(tm, missing, 3), JISR_ENOTFOUND);
    assert_non_null(strstr(jisr_error_last()->msg, "999"));
    assert_int_equal(jisr_tm_get(tm, 5, &u), 0); /* all or nothing */
    jisr_unit_clear(&u);
    jisr_tm_close(tm);
    remove_dir();
}

/* The renderers give valid JSON of the documented shapes, whatever bytes they get. */
static void test_json(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    fill(tm, 300);
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.srclang = "en";
    o.tgtlang = "ar";
    static const char q[] = "The government \xff\xfe considered the report.\x01";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, q, &o, &m), 0);
    assert_true(m.n > 0);
    jisr_buf b = {0};
    assert_int_equal(jisr_tm_matches_json(&b, q, &m), 0);
    jisr_tm_matches_free(&m);
    json_error_t err;
    json_t *j = json_loads(b.data, 0, &err);
    assert_non_null(j);
    const char *qs = json_string_value(json_object_get(j, "query"));
    assert_non_null(qs); /* the key is there, U+FFFD for each invalid byte */
    assert_string_equal(qs, "The government \xef\xbf\xbd\xef\xbf\xbd considered the report.\x01");
    json_t *m0 = json_array_get(json_object_get(j, "matches"), 0);
    assert_true(json_is_integer(json_object_get(m0, "score")));
    assert_true(json_is_string(json_object_get(m0, "source")));
    assert_true(json_is_string(json_object_get(m0, "target")));
    assert_true(json_is_integer(json_object_get(m0, "id")));
    json_decref(j);
    /* a unit */
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_tm_get(tm, 3, &u), 0);
    jisr_buf_reset(&b);
    assert_int_equal(jisr_tm_unit_json(&b, 3, &u), 0);
    j = json_loads(b.data, 0, &err);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 3);
    assert_int_equal(json_integer_value(json_object_get(j, "usagecount")), 1);
    assert_true(json_is_string(json_object_get(j, "creationdate")));
    json_t *v = json_object_get(j, "variants");
    assert_int_equal(json_array_size(v), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "text")),
                        u.variants[1].text);
    json_decref(j);
    jisr_unit_clear(&u);
    /* stats and concordance */
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    jisr_buf_reset(&b);
    assert_int_equal(jisr_tm_stats_json(&b, g_dir, &st), 0);
    jisr_tm_stats_free(&st);
    j = json_loads(b.data, 0, &err);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "units")), 300);
    assert_true(json_is_false(json_object_get(json_object_get(j, "index"), "stale")));
    json_decref(j);
    jisr_tm_hits h;
    assert_int_equal(jisr_tm_concord(tm, "en", "draft resolution", 5, &h), 0);
    jisr_buf_reset(&b);
    assert_int_equal(jisr_tm_hits_json(&b, "en", "draft resolution", &h, 10), 0);
    jisr_tm_hits_free(&h);
    j = json_loads(b.data, 0, &err);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 5);
    assert_true(json_is_true(json_object_get(j, "truncated")));
    json_decref(j);
    jisr_buf_free(&b);
    jisr_tm_close(tm);
    remove_dir();
}

/* An import that fits in memory needs no temporary directory; one that does not names it. */
static void test_tmpdir(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", "/nonexistent/jisr-no-such-dir", 1);
    char p[512];
    snprintf(p, sizeof p, "%s/in.tsv", g_dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    for (int i = 0; i < 2000; i++)
        fprintf(f, "الوحدة رقم %d.\tUnit number %d.\n", i, i);
    fclose(f);
    jisr_tm_file_opts fo;
    memset(&fo, 0, sizeof fo);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.srclang = "ar";
    ro.tgtlang = "en";
    fo.read = ro;
    jisr_tm_import_stats ist;
    assert_int_equal(jisr_tm_import_file(tm, p, &fo, &ist), 0); /* used to fail */
    assert_int_equal(ist.added, 2000);
    fo.spill_mem = 1; /* every chunk through the file: now it is needed */
    int rc = jisr_tm_import_file(tm, p, &fo, &ist);
    assert_int_equal(rc, JISR_EIO);
    assert_non_null(strstr(jisr_error_last()->msg, "/nonexistent/jisr-no-such-dir"));
    assert_non_null(strstr(jisr_error_last()->msg, "TMPDIR"));
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    assert_int_equal(units_in(tm), 2000);
    jisr_tm_close(tm);
    remove_dir();
}

/* A query's inline tags read by the library (jisr_tm_query_markup), and a match as a TMX unit
 * (jisr_tm_match_unit): {N} and TMX markup become placeholders and tags; a private-use
 * character the user typed stays a character, even U+E000, which would otherwise be taken for
 * tag 0; bad markup is JISR_EPARSE with the unit left empty. */
static void test_query_markup(void **state)
{
    (void)state;
    jisr_unit u;
    jisr_buf b = {0};
    /* {N} and a raw U+F8FF (beyond the two tags: kept as itself) */
    assert_int_equal(
        jisr_tm_query_markup(&u, "Click {0}here{1} \xef\xa3\xbf", JISR_TM_MARKUP_BRACES), 0);
    assert_int_equal(u.nvariants, 1);
    assert_int_equal(u.variants[0].ntags, 2);
    assert_string_equal(u.variants[0].tags[1], "<ph x=\"1\">{1}</ph>");
    assert_string_equal(u.variants[0].text, "Click \xee\x80\x80here\xee\x80\x81 \xef\xa3\xbf");
    assert_int_equal(jisr_variant_plain(&u.variants[0], &b), 0);
    assert_string_equal(b.data, "Click here \xef\xa3\xbf");
    jisr_unit_clear(&u);
    /* a typed U+E000 beside {0}: never read as tag 0's placeholder */
    assert_int_equal(jisr_tm_query_markup(&u, "a {0} \xee\x80\x80 b", JISR_TM_MARKUP_BRACES), 0);
    assert_int_equal(u.variants[0].ntags, 2);
    assert_string_equal(u.variants[0].tags[0], "<ph x=\"0\">{0}</ph>");
    jisr_buf_reset(&b);
    assert_int_equal(jisr_variant_plain(&u.variants[0], &b), 0);
    assert_string_equal(b.data, "a  \xee\x80\x80 b");
    jisr_unit_clear(&u);
    /* TMX segment content */
    assert_int_equal(
        jisr_tm_query_markup(&u, "Press <ph x=\"1\">&lt;b/&gt;</ph>here", JISR_TM_MARKUP_TMX), 0);
    assert_int_equal(u.variants[0].ntags, 1);
    assert_string_equal(u.variants[0].text, "Press \xee\x80\x80here");
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_query_markup(&u, "Click <b>here", JISR_TM_MARKUP_TMX), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "not TMX segment content at column 7"));
    assert_int_equal(jisr_error_last()->col, 7); /* the '<' of <b>, a column of the query */
    assert_int_equal(u.nvariants, 0);
    /* columns count characters; an element left open is at the end; a line when there are several
     */
    assert_int_equal(
        jisr_tm_query_markup(&u, "\xd8\xa7\xd9\x86\xd9\x82\xd8\xb1 <x>", JISR_TM_MARKUP_TMX),
        JISR_EPARSE);
    assert_int_equal(jisr_error_last()->col, 6);
    assert_int_equal(jisr_tm_query_markup(&u, "a <ph x=\"1\">", JISR_TM_MARKUP_TMX), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->col, 13);
    assert_int_equal(jisr_tm_query_markup(&u, "one\nand <b>two", JISR_TM_MARKUP_TMX), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 2);
    assert_int_equal(jisr_error_last()->col, 5);
    assert_non_null(strstr(jisr_error_last()->msg, "at line 2, column 5"));
    /* plain text, and an unknown markup */
    assert_int_equal(jisr_tm_query_markup(&u, "{0}", JISR_TM_MARKUP_NONE), 0);
    assert_int_equal(u.variants[0].ntags, 0);
    assert_string_equal(u.variants[0].text, "{0}");
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_query_markup(&u, "x", 7), JISR_EINVAL);

    /* a match as a unit */
    char src[] = "Open \xee\x80\x80now", tgt[] = "\xd8\xa7\xd9\x81\xd8\xaa\xd8\xad \xee\x80\x80",
         ph[] = "<ph x=\"1\"/>";
    char *tags[] = {ph};
    jisr_tm_match x;
    memset(&x, 0, sizeof x);
    x.score = 87;
    x.id = 5;
    x.source = src;
    x.target = tgt;
    x.source_tags = tags;
    x.nsource_tags = 1;
    x.tags = tags;
    x.ntags = 1;
    x.nagree = 1;
    assert_int_equal(jisr_tm_match_unit(&u, &x, "en", "ar", "Open now", NULL), 0);
    assert_int_equal(u.nvariants, 2);
    assert_string_equal(u.variants[0].lang, "en");
    assert_string_equal(u.variants[1].text, tgt);
    assert_int_equal(u.variants[0].ntags, 1);
    assert_string_equal(u.variants[1].tags[0], ph);
    assert_true(u.variants[1].tags[0] != ph); /* copies */
    assert_int_equal(u.meta.nprops, 4);       /* score, id, query, agreement; no memory */
    assert_string_equal(u.meta.props[0].type, "x-jisr-score");
    assert_string_equal(u.meta.props[0].value, "87");
    assert_string_equal(u.meta.props[1].value, "5");
    assert_string_equal(u.meta.props[2].value, "Open now");
    assert_string_equal(u.meta.props[3].type, "x-jisr-agreement");
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_match_unit(&u, &x, "en", "ar", NULL, "un"), 0);
    assert_int_equal(u.meta.nprops, 4);
    assert_string_equal(u.meta.props[2].type, "x-jisr-memory");
    jisr_unit_clear(&u);
    jisr_buf_free(&b);
}

/* A damaged record whose text holds a NUL byte (its length says more than a C string shows):
 * the concordance, the query and the iterator report the damage, never read past the string
 * (found by tm_corrupt.sh's random bytes under ASan: the concordance's text rendering read the
 * context after the hit beyond the shortened string). */
static void test_nul_in_text(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "ذهب الرجل الى البيت الكبير", "The man went to the big house quickly");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_close(tm);
    /* put a NUL in the English text, between "man" and "went" */
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_cursor *cur;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    assert_int_equal(mdb_env_open(env, g_dir, 0, 0664), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "units", MDB_INTEGERKEY, &dbi), 0);
    assert_int_equal(mdb_cursor_open(txn, dbi, &cur), 0);
    MDB_val k, d;
    assert_int_equal(mdb_cursor_get(cur, &k, &d, MDB_FIRST), 0);
    unsigned char rec[4096];
    assert_true(d.mv_size <= sizeof rec);
    memcpy(rec, d.mv_data, d.mv_size);
    static const char man[] = "The man ";
    unsigned char *at = memmem(rec, d.mv_size, man, sizeof man - 1);
    assert_non_null(at);
    at[sizeof man - 2] = '\0';
    MDB_val nd = {d.mv_size, rec};
    assert_int_equal(mdb_cursor_put(cur, &k, &nd, MDB_CURRENT), 0);
    mdb_cursor_close(cur);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);

    tm = open_tm(0);
    jisr_tm_hits h;
    int rc = jisr_tm_concord(tm, "en", "house", 10, &h);
    assert_int_equal(rc, JISR_EDB);
    assert_non_null(strstr(jisr_error_last()->msg, "damaged"));
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    qo.min_score = 10;
    jisr_tm_matches m;
    rc = jisr_tm_query(tm, "The man went to the big house quickly", &qo, &m);
    assert_int_equal(rc, JISR_EDB);
    jisr_tm_close(tm);
    remove_dir();
}

/* Bad units skipped with JISR_TM_IMPORT_SKIP_BAD count in jisr_tm_import_stats.skipped (they
 * used to be left out: `jisr import` added its own count): those the reader skips (a malformed
 * <tu>, a TSV line of one column) and those the memory cannot hold (300 variants). A reader of
 * the caller's (jisr_tm_import_reader) reports its own skips to its own on_bad: only the
 * importer's are counted there. */
static void test_import_skipped_bad(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    char p[512];
    write_300_variants(p, sizeof p, "<tu><tuv xml:lang=\"ar\"><seg>مكسور <b>x</seg></tuv></tu>\n");
    jisr_tm_file_opts fo = JISR_TM_FILE_OPTS_INIT;
    fo.flags = JISR_TM_IMPORT_SKIP_BAD;
    fo.on_bad = on_bad;
    jisr_tm_import_stats ist;
    g_bad = 0;
    assert_int_equal(jisr_tm_import_file(tm, p, &fo, &ist), 0);
    assert_int_equal(g_bad, 2);
    assert_int_equal(ist.read, 2);
    assert_int_equal(ist.added, 2);
    assert_int_equal(ist.skipped, 2);
    /* again: merged, and the same two skipped */
    g_bad = 0;
    assert_int_equal(jisr_tm_import_file(tm, p, &fo, &ist), 0);
    assert_int_equal(ist.merged, 2);
    assert_int_equal(ist.skipped, 2);
    /* without on_bad too */
    fo.on_bad = NULL;
    assert_int_equal(jisr_tm_import_file(tm, p, &fo, &ist), 0);
    assert_int_equal(ist.skipped, 2);
    fo.on_bad = on_bad;
    /* a buffer: a TSV line of one column, between two good ones */
    static const char tsv[] = "البيت كبير.\tThe house is big.\nonly one column\nنعم\tyes\n";
    jisr_tm_file_opts ft = fo;
    ft.read.format = JISR_FMT_TSV;
    ft.read.srclang = "ar";
    ft.read.tgtlang = "en";
    g_bad = 0;
    assert_int_equal(jisr_tm_import_buffer(tm, "b.tsv", tsv, sizeof tsv - 1, &ft, &ist), 0);
    assert_int_equal(g_bad, 1);
    assert_int_equal(ist.added, 2);
    assert_int_equal(ist.skipped, 1);
    /* strict: the first bad unit fails it, nothing counted as skipped */
    ft.flags = 0;
    assert_true(jisr_tm_import_buffer(tm, "b.tsv", tsv, sizeof tsv - 1, &ft, &ist) < 0);
    assert_int_equal(ist.skipped, 0);
    /* the caller's reader: its own skip (the malformed <tu>) is its on_bad's, the importer's
     * refusal (300 variants) is counted */
    jisr_reader *r;
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.flags |= JISR_READ_SKIP_BAD;
    ro.on_bad = on_bad;
    assert_int_equal(jisr_reader_open(&r, p, &ro), 0);
    g_bad = 0;
    assert_int_equal(jisr_tm_import_reader(tm, r, p, &fo, &ist), 0);
    jisr_reader_close(r);
    assert_int_equal(g_bad, 2);
    assert_int_equal(ist.merged, 2);
    assert_int_equal(ist.skipped, 1);
    jisr_tm_close(tm);
    remove_dir();
}

/* jisr_tm_since_parse: a date that is not one is JISR_EPARSE with a message naming it (it was
 * -1, JISR_ENOMEM's value: "out of memory", and no detail). */
static void test_since_parse(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(jisr_tm_since_parse("2020-01-02", &t), 0);
    assert_int_equal(t, 1577923200);
    jisr_error_clear();
    assert_int_equal(jisr_tm_since_parse("bogus", &t), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->code, JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "'bogus' is not a date"));
    assert_int_equal(jisr_tm_since_parse("2023-02-29", &t), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "2023-02-29"));
    /* a query's bad changed_since stays an option error */
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    fill(tm, 3);
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.srclang = "en";
    o.tgtlang = "ar";
    o.changed_since = "yesterday";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, "The report", &o, &m), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "'yesterday' is not a date"));
    jisr_tm_close(tm);
    remove_dir();
}

/* Option structs from memset: a zero field is the default (api.md). max_results 0 was "no
 * match" (rc 0, nothing) where 5 were asked for by the rule; the new _INIT macros give what the
 * hand-made structs gave. */
static void test_option_defaults(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_tm(JISR_TM_WRITE);
    static const char tsv[] = "one\tالأول\n";
    jisr_tm_file_opts fo = JISR_TM_FILE_OPTS_INIT;
    assert_true(fo.flags == 0 && fo.read.format == JISR_FMT_AUTO && !fo.read.srclang &&
                !fo.read.on_bad && fo.import.batch_units == 0 && !fo.import.on_commit &&
                !fo.on_progress && !fo.on_bad && !fo.ctx && fo.spill_mem == 0);
    fo.read.format = JISR_FMT_TSV;
    fo.read.srclang = "en";
    fo.read.tgtlang = "ar";
    jisr_tm_import_stats ist;
    assert_int_equal(jisr_tm_import_buffer(tm, "b.tsv", tsv, sizeof tsv - 1, &fo, &ist), 0);
    assert_int_equal(ist.added, 1);
    /* twelve units alike: a query of min_score 0 matches them all */
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    for (int i = 0; i < 12; i++) {
        char en[64], ar[64];
        snprintf(en, sizeof en, "The report of the committee number %d", i);
        snprintf(ar, sizeof ar, "تقرير اللجنة رقم %d", i);
        add_pair(imp, ar, en);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_query_opts q;
    memset(&q, 0, sizeof q);
    q.srclang = "en";
    q.tgtlang = "ar";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, "The report of the committee number 3", &q, &m), 0);
    assert_int_equal(m.n, JISR_TM_DEFAULT_RESULTS);
    assert_int_equal(m.v[0].score, 100);
    jisr_tm_matches_free(&m);
    jisr_tm_query_opts qi = JISR_TM_QUERY_OPTS_INIT;
    assert_int_equal(qi.max_results, JISR_TM_DEFAULT_RESULTS);
    jisr_tm_source src[1] = {{tm, 0}};
    assert_int_equal(jisr_tm_query_multi(src, 1, "The report of the committee number 3", &q, &m),
                     0);
    assert_int_equal(m.n, JISR_TM_DEFAULT_RESULTS);
    jisr_tm_matches_free(&m);
    jisr_tm_ctx *c;
    assert_int_equal(jisr_tm_ctx_new(tm, &c), 0);
    assert_int_equal(jisr_tm_ctx_query(c, "The report of the committee number 3", &q, &m), 0);
    assert_int_equal(m.n, JISR_TM_DEFAULT_RESULTS);
    /* JISR_TM_JSON_OPTS_INIT adds nothing to the plain JSON */
    jisr_tm_json_opts jo = JISR_TM_JSON_OPTS_INIT;
    jisr_buf a = {0}, b = {0};
    assert_int_equal(jisr_tm_matches_json(&a, "q", &m), 0);
    assert_int_equal(jisr_tm_matches_json_ex(&b, "q", &m, &jo), 0);
    assert_string_equal(a.data, b.data);
    jisr_buf_free(&a);
    jisr_buf_free(&b);
    jisr_tm_matches_free(&m);
    jisr_tm_ctx_free(c);
    jisr_tm_close(tm);
    remove_dir();
}

/* ---- one handle per memory and process ---------------------------------------------------- */

static const char *g_race_dir;
static pthread_barrier_t g_race_bar;

static void *race_open(void *arg)
{
    jisr_tm **out = arg;
    pthread_barrier_wait(&g_race_bar);
    if (jisr_tm_open(out, g_race_dir, NULL) < 0)
        *out = NULL;
    return NULL;
}

/* A second handle of a memory open in this process is refused (LMDB's fcntl locks belong to the
 * process: closing the second handle dropped the first one's, and another process then reused
 * pages the first still read: "the memory is damaged"), by any path to it and in any mode; a
 * handle an iterator keeps open after jisr_tm_close still counts; once closed, the memory opens
 * again; of threads opening one memory at once, exactly one gets it. */
static void test_open_once(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *a = open_tm(JISR_TM_WRITE), *b = (jisr_tm *)1;
    fill(a, 5);
    assert_int_equal(jisr_tm_open(&b, g_dir, NULL), JISR_EINVAL);
    assert_null(b);
    assert_non_null(strstr(jisr_error_last()->msg, "already open in this process"));
    assert_non_null(strstr(jisr_error_last()->msg, "share that handle"));
    jisr_tm_open_opts wo = JISR_TM_OPEN_OPTS_INIT;
    wo.flags = JISR_TM_WRITE | JISR_TM_EXISTING;
    assert_int_equal(jisr_tm_open(&b, g_dir, &wo), JISR_EINVAL);
    /* another path to the same directory: "dir/." and a symbolic link */
    char other[600], link[600];
    snprintf(other, sizeof other, "%s/.", g_dir);
    assert_int_equal(jisr_tm_open(&b, other, NULL), JISR_EINVAL);
    snprintf(link, sizeof link, "%s-link", g_dir);
    assert_int_equal(symlink(g_dir, link), 0);
    assert_int_equal(jisr_tm_open(&b, link, NULL), JISR_EINVAL);
    /* the first handle is unharmed and still the only one */
    assert_int_equal(units_in(a), 5);
    /* another memory opens beside it */
    char sub[600];
    snprintf(sub, sizeof sub, "%s/other", g_dir);
    jisr_tm *c = NULL;
    assert_int_equal(jisr_tm_open(&c, sub, &wo), JISR_ENOTFOUND);
    wo.flags = JISR_TM_WRITE;
    assert_int_equal(jisr_tm_open(&c, sub, &wo), 0);
    jisr_tm_close(c);
    assert_int_equal(jisr_tm_remove(sub), 0);
    /* a child of fork() is another process: it opens the memory (its own environment) */
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        jisr_tm *k = NULL;
        int rc = jisr_tm_open(&k, g_dir, NULL);
        int n = rc == 0 ? (int)units_in(k) : -1;
        jisr_tm_close(k);
        _exit(rc == 0 && n == 5 ? 0 : 1);
    }
    int wst = 0;
    assert_int_equal(waitpid(child, &wst, 0), child);
    assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
    assert_int_equal(units_in(a), 5);
    /* closed while an iterator uses it: still open, and said so */
    jisr_tm_iter *it = NULL;
    assert_int_equal(jisr_tm_iter_open(a, &it), 0);
    jisr_tm_close(a);
    assert_int_equal(jisr_tm_open(&b, link, NULL), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "an iterator or an import still uses it"));
    jisr_tm_iter_close(it);
    /* closed: opens again, by any path */
    assert_int_equal(jisr_tm_open(&b, link, NULL), 0);
    assert_int_equal(units_in(b), 5);
    jisr_tm_close(b);
    /* threads racing to open it: one wins, the others are refused, and it reopens after */
    enum { NT = 8 };
    pthread_t th[NT];
    jisr_tm *got[NT];
    g_race_dir = g_dir;
    assert_int_equal(pthread_barrier_init(&g_race_bar, NULL, NT), 0);
    for (int i = 0; i < NT; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race_open, &got[i]), 0);
    int opened = 0;
    for (int i = 0; i < NT; i++) {
        pthread_join(th[i], NULL);
        opened += got[i] != NULL;
    }
    pthread_barrier_destroy(&g_race_bar);
    assert_int_equal(opened, 1);
    for (int i = 0; i < NT; i++)
        jisr_tm_close(got[i]);
    b = open_tm(0);
    jisr_tm_close(b);
    unlink(link);
    remove_dir();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_import_sources),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_delete_twice),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_tmpdir),
        cmocka_unit_test(test_nul_in_text),
        cmocka_unit_test(test_query_markup),
        cmocka_unit_test(test_open_once),
        cmocka_unit_test(test_import_skipped_bad),
        cmocka_unit_test(test_since_parse),
        cmocka_unit_test(test_option_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
