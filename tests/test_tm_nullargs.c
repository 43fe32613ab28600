/* test_tm_nullargs.c — every public entry point of util.c, text/, formats/io.c and tm/ called
 * with NULL where it takes a pointer: JISR_EINVAL with a message naming the function and the
 * argument ("jisr_tm_get: u is NULL"), never a crash (the tester's misuse.c: jisr_tm_get,
 * jisr_tm_stats_get, the imports, jisr_tm_snapshot_info, jisr_segmenter_split,
 * jisr_reader_open_memory, jisr_tm_score_texts, the out parameters of query, concordance, get
 * and stats, jisr_writer_write and jisr_error_format crashed); a getter returns 0 or NULL; every
 * free, close and clear accepts NULL. A real memory in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/formats.h"
#include "test_tm_dir.h"
#include "text/text.h"
#include "tm/tm.h"

#include "test_nullargs.h"

static char g_dir[64];

static jisr_tm *make_memory(void)
{
    tmdir_make(g_dir, sizeof g_dir, "nullargs");
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE;
    assert_int_equal(jisr_tm_open(&tm, g_dir, &o), 0);
    jisr_tm_import *imp = NULL;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "en", "The file was saved.", "ar", "تم حفظ الملف.");
    add_pair(imp, "en", "The file was deleted.", "ar", "تم حذف الملف.");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    return tm;
}

static void test_util(void **state)
{
    (void)state;
    jisr_buf b = {0};
    jisr_error_set(JISR_EIO, "f", 1, 2, "x");
    jisr_error_format(NUL, 0);
    jisr_error_format(NUL, 16);
    char small[1] = {'z'};
    jisr_error_format(small, 0);
    assert_int_equal(small[0], 'z');
    EINVAL_NAMING(jisr_buf_grow(NUL, 1), "jisr_buf_grow: b is NULL");
    EINVAL_NAMING(jisr_buf_puts(NUL, "x"), "jisr_buf_puts: b is NULL");
    EINVAL_NAMING(jisr_buf_puts(&b, NUL), "jisr_buf_puts: s is NULL");
    EINVAL_NAMING(jisr_buf_putc(NUL, 'x'), "jisr_buf_putc: b is NULL");
    EINVAL_NAMING(jisr_buf_printf(NUL, "%d", 1), "jisr_buf_printf: b is NULL");
    EINVAL_NAMING(jisr_buf_printf(&b, NUL), "jisr_buf_printf: fmt is NULL");
    EINVAL_NAMING(jisr_buf_json_string(NUL, "x", 1), "jisr_buf_json_string: b is NULL");
    EINVAL_NAMING(jisr_buf_json_string(&b, NUL, 3), "jisr_buf_json_string: s is NULL");
    assert_int_equal(jisr_buf_json_string(&b, NUL, 0), 0);
    assert_string_equal(b.data, "\"\"");
    jisr_buf_reset(NUL);
    jisr_buf_free(NUL);
    jisr_buf_free(&b);
    jisr_error_clear();
    assert_null(jisr_strdup(NUL));
    assert_non_null(strstr(jisr_error_last()->msg, "jisr_strdup: s is NULL"));
    assert_null(jisr_strndup(NUL, 3));
    char *e = jisr_strndup(NUL, 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    free(e);
    assert_non_null(jisr_strerror(12345));
}

static void test_text(void **state)
{
    (void)state;
    jisr_buf b = {0};
    char *dec = NULL;
    EINVAL_NAMING(jisr_text_decode("n", "x", 1, 0, NUL, NULL, NULL),
                  "jisr_text_decode: out is NULL");
    EINVAL_NAMING(jisr_text_decode("n", NUL, 1, 0, &dec, NULL, NULL),
                  "jisr_text_decode: in is NULL");
    jisr_textin *ti = NULL;
    EINVAL_NAMING(jisr_textin_open(NUL, "p", 0), "jisr_textin_open: out is NULL");
    EINVAL_NAMING(jisr_textin_open(&ti, NUL, 0), "jisr_textin_open: path is NULL");
    EINVAL_NAMING(jisr_textin_next_line(NUL, NULL, NULL, NULL, NULL), "r is NULL");
    EINVAL_NAMING(jisr_textin_next_paragraph(NUL, NULL, NULL, NULL, NULL), "r is NULL");
    jisr_textin_set_limit(NUL, 5);
    assert_int_equal(jisr_textin_replacements(NUL), 0);
    jisr_textin_close(NUL);
    EINVAL_NAMING(jisr_text_normalize(NUL, 3, JISR_NORM_MATCH, &b),
                  "jisr_text_normalize: s is NULL");
    EINVAL_NAMING(jisr_text_normalize("abc", 3, JISR_NORM_MATCH, NUL),
                  "jisr_text_normalize: out is NULL");
    EINVAL_NAMING(jisr_text_norm_cps(JISR_NORM_MATCH, NUL), "jisr_text_norm_cps: h is NULL");
    assert_int_equal(jisr_norm_cp_above(NUL, 0x900), JISR_NORM_CP_SLOW);
    jisr_tokenizer *tk = NULL;
    jisr_tokens toks = {0};
    EINVAL_NAMING(jisr_tokenizer_new(NUL), "jisr_tokenizer_new: out is NULL");
    assert_int_equal(jisr_tokenizer_new(&tk), 0);
    EINVAL_NAMING(jisr_tokenizer_run(NUL, "a", 1, &toks), "jisr_tokenizer_run: tk is NULL");
    EINVAL_NAMING(jisr_tokenizer_run(tk, "a", 1, NUL), "jisr_tokenizer_run: out is NULL");
    EINVAL_NAMING(jisr_tokenizer_run(tk, NUL, 1, &toks), "jisr_tokenizer_run: s is NULL");
    jisr_tokenizer_free(tk);
    jisr_tokenizer_free(NUL);
    jisr_tokens_free(NUL);
    jisr_stemmer *st = NULL;
    EINVAL_NAMING(jisr_stemmer_new(NUL, "en"), "jisr_stemmer_new: out is NULL");
    /* it used to print "no stemmer for language '(null)'" */
    EINVAL_NAMING(jisr_stemmer_new(&st, NUL), "jisr_stemmer_new: lang is NULL");
    assert_null(st);
    assert_null(jisr_stemmer_stem(NUL, "x", 1, NULL));
    jisr_stemmer_free(NUL);
    assert_string_equal(jisr_text_guess_lang(NUL, 5), "und");
    assert_int_equal(jisr_lang_equal(NUL, "en"), 0);
    assert_int_equal(jisr_lang_matches("en", NUL), 0);
    jisr_lang_case(NUL);
    jisr_segmenter *seg = NULL;
    jisr_spans sp = {0};
    EINVAL_NAMING(jisr_segmenter_new(NUL, "en", NULL), "jisr_segmenter_new: out is NULL");
    EINVAL_NAMING(jisr_segmenter_new_srx_memory(NUL, "en", "x", 1, "n"),
                  "jisr_segmenter_new_srx_memory: out is NULL");
    assert_int_equal(jisr_segmenter_new(&seg, "en", NULL), 0);
    EINVAL_NAMING(jisr_segmenter_split(NUL, "a. b.", 5, &sp), "jisr_segmenter_split: seg is NULL");
    EINVAL_NAMING(jisr_segmenter_split(seg, NUL, 5, &sp), "jisr_segmenter_split: text is NULL");
    EINVAL_NAMING(jisr_segmenter_split(seg, "a. b.", 5, NUL), "jisr_segmenter_split: out is NULL");
    assert_int_equal(jisr_segmenter_split(seg, NUL, 0, &sp), 0);
    assert_int_equal(sp.n, 0);
    jisr_segmenter_set_warn(NUL, NULL, NULL);
    jisr_sentences s = {0};
    EINVAL_NAMING(jisr_sentences_push(NUL, "x", 1), "jisr_sentences_push: s is NULL");
    EINVAL_NAMING(jisr_sentences_push(&s, NUL, 1), "jisr_sentences_push: text is NULL");
    EINVAL_NAMING(jisr_sentences_add_paragraph(NUL, seg, "a. b.", 5),
                  "jisr_sentences_add_paragraph: s is NULL");
    EINVAL_NAMING(jisr_sentences_add_paragraph(&s, NUL, "a. b.", 5),
                  "jisr_segmenter_split: seg is NULL");
    EINVAL_NAMING(jisr_sentences_read(NUL, "p", seg, 0), "jisr_sentences_read: s is NULL");
    EINVAL_NAMING(jisr_sentences_read(&s, NUL, seg, 0), "jisr_textin_open: path is NULL");
    EINVAL_NAMING(jisr_sentences_split(NUL, "a", 1, seg), "jisr_sentences_split: s is NULL");
    EINVAL_NAMING(jisr_sentences_split(&s, NUL, 3, seg), "jisr_sentences_split: text is NULL");
    assert_int_equal(s.n, 0);
    jisr_sentences_clear(NUL);
    jisr_sentences_free(NUL);
    jisr_sentences_free(&s);
    jisr_segmenter_free(seg);
    jisr_segmenter_free(NUL);
    jisr_spans_free(NUL);
    jisr_spans_free(&sp);
}

static void test_formats_io(void **state)
{
    (void)state;
    jisr_reader *r = (jisr_reader *)&r;
    jisr_unit u;
    jisr_unit_init(&u);
    EINVAL_NAMING(jisr_reader_open(NUL, "x.tmx", NULL), "jisr_reader_open: out is NULL");
    EINVAL_NAMING(jisr_reader_open(&r, NUL, NULL), "jisr_reader_open: path is NULL");
    assert_null(r);
    EINVAL_NAMING(jisr_reader_open_memory(NUL, "m", "x", 1, NULL),
                  "jisr_reader_open_memory: out is NULL");
    EINVAL_NAMING(jisr_reader_open_memory(&r, "m", NUL, 10, NULL),
                  "jisr_reader_open_memory: data is NULL");
    /* NULL and 0: an empty input */
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TSV;
    ro.srclang = "en";
    ro.tgtlang = "ar";
    assert_int_equal(jisr_reader_open_memory(&r, "m", NUL, 0, &ro), 0);
    EINVAL_NAMING(jisr_reader_next(r, NUL), "jisr_reader_next: u is NULL");
    assert_int_equal(jisr_reader_next(r, &u), 0);
    jisr_reader_close(r);
    EINVAL_NAMING(jisr_reader_next(NUL, &u), "jisr_reader_next: r is NULL");
    FILE *f = tmpfile();
    assert_non_null(f);
    EINVAL_NAMING(jisr_reader_open_stream(NUL, f, "s", &ro),
                  "jisr_reader_open_stream: out is NULL");
    EINVAL_NAMING(jisr_reader_open_stream(&r, NUL, "s", &ro), "jisr_reader_open_stream: f is NULL");
    assert_null(jisr_reader_header(NUL));
    assert_int_equal(jisr_reader_bytes(NUL), 0);
    assert_int_equal(jisr_reader_format(NUL), JISR_FMT_AUTO);
    jisr_reader_close(NUL);
    jisr_writer *w = NULL;
    char path[128];
    snprintf(path, sizeof path, "/tmp/jisr-test-nullargs-%ld.tmx", (long)getpid());
    EINVAL_NAMING(jisr_writer_open(NUL, path, NULL), "jisr_writer_open: out is NULL");
    EINVAL_NAMING(jisr_writer_open(&w, NUL, NULL), "jisr_writer_open: path is NULL");
    EINVAL_NAMING(jisr_writer_open_ex(&w, NUL, NULL, NULL), "jisr_writer_open: path is NULL");
    EINVAL_NAMING(jisr_writer_open_stream(&w, NUL, "s", NULL, NULL),
                  "jisr_writer_open_stream: stream is NULL");
    assert_null(w);
    assert_int_equal(jisr_writer_open(&w, path, NULL), 0);
    EINVAL_NAMING(jisr_writer_write(w, NUL), "jisr_writer_write: u is NULL");
    EINVAL_NAMING(jisr_writer_write(NUL, &u), "jisr_writer_write: w is NULL");
    assert_int_equal(jisr_writer_count(NUL), 0);
    jisr_writer_abort(w);
    assert_int_equal(jisr_writer_close(NUL), 0);
    jisr_writer_abort(NUL);
    assert_int_equal(access(path, F_OK), -1);
    jisr_unit_clear(&u);
}

static void test_tm(void **state)
{
    (void)state;
    jisr_tm *tm = make_memory(), *t2 = NULL;
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    jisr_tm_matches m;
    jisr_tm_hits h;
    jisr_tm_stats st;
    jisr_tm_snapshot sn;
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_buf b = {0};
    jisr_tm_ctx *c = NULL;
    jisr_tm_iter *it = NULL;
    jisr_tm_import *imp = NULL;
    int64_t t;
    int score;
    uint64_t ids[1] = {1};
    EINVAL_NAMING(jisr_tm_open(NUL, g_dir, NULL), "jisr_tm_open: out is NULL");
    EINVAL_NAMING(jisr_tm_open(&t2, NUL, NULL), "jisr_tm_open: dir is NULL");
    EINVAL_NAMING(jisr_tm_remove(NUL), "jisr_tm_remove: dir is NULL");
    EINVAL_NAMING(jisr_tm_snapshot_info(NUL, &sn), "jisr_tm_snapshot_info: tm is NULL");
    EINVAL_NAMING(jisr_tm_snapshot_info(tm, NUL), "jisr_tm_snapshot_info: out is NULL");
    EINVAL_NAMING(jisr_tm_warm(NUL, NULL), "jisr_tm_warm: tm is NULL");
    assert_int_equal(jisr_tm_nolock(NUL), 0);
    assert_int_equal(jisr_tm_index_stale(NUL), 0);
    /* import */
    EINVAL_NAMING(jisr_tm_import_begin(NUL, NULL, &imp), "jisr_tm_import_begin: tm is NULL");
    EINVAL_NAMING(jisr_tm_import_begin(tm, NULL, NUL), "jisr_tm_import_begin: out is NULL");
    EINVAL_NAMING(jisr_tm_import_add(NUL, &u), "jisr_tm_import_add: imp is NULL");
    EINVAL_NAMING(jisr_tm_import_commit(NUL), "jisr_tm_import_commit: imp is NULL");
    assert_null(jisr_tm_import_stats_get(NUL));
    assert_int_equal(jisr_tm_import_end(NUL, 1), 0);
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    EINVAL_NAMING(jisr_tm_import_add(imp, NUL), "jisr_tm_import_add: u is NULL");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_import_stats ist;
    EINVAL_NAMING(jisr_tm_import_file(NUL, "x.tmx", NULL, &ist), "jisr_tm_import_file: tm is NULL");
    EINVAL_NAMING(jisr_tm_import_file(tm, NUL, NULL, &ist), "jisr_tm_import_file: path is NULL");
    EINVAL_NAMING(jisr_tm_import_buffer(NUL, "b", "x", 1, NULL, &ist),
                  "jisr_tm_import_buffer: tm is NULL");
    EINVAL_NAMING(jisr_tm_import_buffer(tm, "b", NUL, 5, NULL, &ist),
                  "jisr_tm_import_buffer: data is NULL");
    jisr_reader *r = NULL;
    EINVAL_NAMING(jisr_tm_import_reader(tm, NUL, "r", NULL, &ist),
                  "jisr_tm_import_reader: r is NULL");
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TSV;
    assert_int_equal(jisr_reader_open_memory(&r, "m", "", 0, &ro), 0);
    EINVAL_NAMING(jisr_tm_import_reader(NUL, r, "r", NULL, &ist),
                  "jisr_tm_import_reader: tm is NULL");
    jisr_reader_close(r);
    /* query, concordance */
    EINVAL_NAMING(jisr_tm_since_parse(NUL, &t), "jisr_tm_since_parse: d is NULL");
    EINVAL_NAMING(jisr_tm_since_parse("2020-01-01", NUL), "jisr_tm_since_parse: t is NULL");
    EINVAL_NAMING(jisr_tm_query(NUL, "x", &qo, &m), "jisr_tm_query: tm is NULL");
    EINVAL_NAMING(jisr_tm_query(tm, NUL, &qo, &m), "jisr_tm_query: text is NULL");
    EINVAL_NAMING(jisr_tm_query(tm, "The file", &qo, NUL), "jisr_tm_query: out is NULL");
    EINVAL_NAMING(jisr_tm_ctx_new(NUL, &c), "jisr_tm_ctx_new: tm is NULL");
    EINVAL_NAMING(jisr_tm_ctx_new(tm, NUL), "jisr_tm_ctx_new: out is NULL");
    assert_int_equal(jisr_tm_ctx_new(tm, &c), 0);
    EINVAL_NAMING(jisr_tm_ctx_query(NUL, "x", &qo, &m), "jisr_tm_ctx_query: c is NULL");
    EINVAL_NAMING(jisr_tm_ctx_query(c, NUL, &qo, &m), "jisr_tm_ctx_query: text is NULL");
    EINVAL_NAMING(jisr_tm_ctx_query(c, "x", &qo, NUL), "jisr_tm_ctx_query: out is NULL");
    EINVAL_NAMING(jisr_tm_ctx_concord(NUL, "en", "file", 0, &h), "jisr_tm_ctx_concord: c is NULL");
    EINVAL_NAMING(jisr_tm_ctx_concord(c, NUL, "file", 0, &h), "jisr_tm_ctx_concord: lang is NULL");
    EINVAL_NAMING(jisr_tm_ctx_concord(c, "en", NUL, 0, &h), "jisr_tm_ctx_concord: phrase is NULL");
    EINVAL_NAMING(jisr_tm_ctx_concord(c, "en", "file", 0, NUL), "jisr_tm_ctx_concord: out is NULL");
    jisr_tm_ctx_free(c);
    jisr_tm_ctx_free(NUL);
    EINVAL_NAMING(jisr_tm_score_texts(NUL, "b", &score), "jisr_tm_score_texts: a is NULL");
    EINVAL_NAMING(jisr_tm_score_texts("a", NUL, &score), "jisr_tm_score_texts: b is NULL");
    EINVAL_NAMING(jisr_tm_score_texts("a", "b", NUL), "jisr_tm_score_texts: score is NULL");
    EINVAL_NAMING(jisr_tm_query_multi(NUL, 1, "x", &qo, &m), "jisr_tm_query_multi: src is NULL");
    jisr_tm_source src[1] = {{tm, 0}};
    EINVAL_NAMING(jisr_tm_query_multi(src, 1, NUL, &qo, &m), "jisr_tm_query_multi: text is NULL");
    EINVAL_NAMING(jisr_tm_query_multi(src, 1, "x", &qo, NUL), "jisr_tm_query_multi: out is NULL");
    EINVAL_NAMING(jisr_tm_concord(NUL, "en", "file", 0, &h), "jisr_tm_concord: tm is NULL");
    EINVAL_NAMING(jisr_tm_concord(tm, NUL, "file", 0, &h), "jisr_tm_concord: lang is NULL");
    EINVAL_NAMING(jisr_tm_concord(tm, "en", NUL, 0, &h), "jisr_tm_concord: phrase is NULL");
    EINVAL_NAMING(jisr_tm_concord(tm, "en", "file", 0, NUL), "jisr_tm_concord: out is NULL");
    jisr_tm_matches_free(NUL);
    jisr_tm_hits_free(NUL);
    /* lookup, iteration, delete, stats, reindex */
    EINVAL_NAMING(jisr_tm_iter_open(NUL, &it), "jisr_tm_iter_open: tm is NULL");
    EINVAL_NAMING(jisr_tm_iter_open(tm, NUL), "jisr_tm_iter_open: out is NULL");
    EINVAL_NAMING(jisr_tm_iter_next(NUL, NULL, &u), "jisr_tm_iter_next: it is NULL");
    assert_int_equal(jisr_tm_iter_open(tm, &it), 0);
    EINVAL_NAMING(jisr_tm_iter_next(it, NULL, NUL), "jisr_tm_iter_next: u is NULL");
    jisr_tm_iter_close(it);
    jisr_tm_iter_close(NUL);
    EINVAL_NAMING(jisr_tm_get(NUL, 1, &u), "jisr_tm_get: tm is NULL");
    EINVAL_NAMING(jisr_tm_get(tm, 1, NUL), "jisr_tm_get: u is NULL");
    EINVAL_NAMING(jisr_tm_delete(NUL, ids, 1), "jisr_tm_delete: tm is NULL");
    EINVAL_NAMING(jisr_tm_delete(tm, NUL, 1), "jisr_tm_delete: ids is NULL");
    /* the unit filter of export and delete: refused, and a unit passing or not */
    jisr_tm_unit_filter uf = JISR_TM_UNIT_FILTER_INIT;
    jisr_tm_prop_filter pf[2] = {{"client", "acme"}, {NULL, "x"}};
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    EINVAL_NAMING(jisr_tm_unit_filter_match(NUL, &u), "jisr_tm_unit_filter_match: f is NULL");
    EINVAL_NAMING(jisr_tm_unit_filter_match(&uf, NUL), "jisr_tm_unit_filter_match: u is NULL");
    uf.nprops = 1;
    EINVAL_NAMING(jisr_tm_unit_filter_match(&uf, &u),
                  "jisr_tm_unit_filter_match: 1 prop filters at NULL");
    uf.props = pf;
    uf.nprops = 2;
    EINVAL_NAMING(jisr_tm_unit_filter_match(&uf, &u),
                  "jisr_tm_unit_filter_match: a prop filter needs a type and a value");
    uf.nprops = 1;
    assert_int_equal(jisr_tm_unit_filter_match(&uf, &u), 0); /* no prop */
    uf.nprops = 0;
    assert_int_equal(jisr_tm_unit_filter_match(&uf, &u), 1); /* no filter */
    uf.before = 0;                                           /* 1970: created later */
    assert_int_equal(jisr_tm_unit_filter_match(&uf, &u), 0);
    jisr_unit_clear(&u);
    EINVAL_NAMING(jisr_tm_stats_get(NUL, &st), "jisr_tm_stats_get: tm is NULL");
    EINVAL_NAMING(jisr_tm_stats_get(tm, NUL), "jisr_tm_stats_get: out is NULL");
    jisr_tm_stats_free(NUL);
    EINVAL_NAMING(jisr_tm_reindex(NUL, NULL), "jisr_tm_reindex: tm is NULL");
    EINVAL_NAMING(jisr_tm_set_chars(NUL, 1), "jisr_tm_set_chars: tm is NULL");
    /* renderings */
    assert_int_equal(jisr_tm_query(tm, "The file was saved.", &qo, &m), 0);
    assert_int_equal(jisr_tm_concord(tm, "en", "file", 0, &h), 0);
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    EINVAL_NAMING(jisr_tm_matches_json(NUL, "q", &m), "jisr_tm_matches_json: out is NULL");
    EINVAL_NAMING(jisr_tm_matches_json(&b, "q", NUL), "jisr_tm_matches_json: m is NULL");
    EINVAL_NAMING(jisr_tm_matches_json_ex(&b, "q", NUL, NULL), "jisr_tm_matches_json: m is NULL");
    EINVAL_NAMING(jisr_tm_matches_text(NUL, "q", &m, 70), "jisr_tm_matches_text: out is NULL");
    EINVAL_NAMING(jisr_tm_matches_text(&b, "q", NUL, 70), "jisr_tm_matches_text: m is NULL");
    EINVAL_NAMING(jisr_tm_matches_text_ex(&b, "q", NUL, 70, NULL, 0),
                  "jisr_tm_matches_text: m is NULL");
    EINVAL_NAMING(jisr_tm_hits_json(NUL, "en", "file", &h, 40), "jisr_tm_hits_json: out is NULL");
    EINVAL_NAMING(jisr_tm_hits_json(&b, "en", "file", NUL, 40), "jisr_tm_hits_json: h is NULL");
    EINVAL_NAMING(jisr_tm_hits_text(NUL, "file", &h, 40), "jisr_tm_hits_text: out is NULL");
    EINVAL_NAMING(jisr_tm_hits_text(&b, "file", NUL, 40), "jisr_tm_hits_text: h is NULL");
    EINVAL_NAMING(jisr_tm_stats_json(NUL, "p", &st), "jisr_tm_stats_json: out is NULL");
    EINVAL_NAMING(jisr_tm_stats_json(&b, "p", NUL), "jisr_tm_stats_json: st is NULL");
    EINVAL_NAMING(jisr_tm_stats_text(NUL, "p", &st), "jisr_tm_stats_text: out is NULL");
    EINVAL_NAMING(jisr_tm_stats_text(&b, "p", NUL), "jisr_tm_stats_text: st is NULL");
    EINVAL_NAMING(jisr_tm_unit_json(NUL, 1, &u), "jisr_tm_unit_json: out is NULL");
    EINVAL_NAMING(jisr_tm_unit_json(&b, 1, NUL), "jisr_tm_unit_json: u is NULL");
    jisr_unit q;
    EINVAL_NAMING(jisr_tm_query_markup(NUL, "x", JISR_TM_MARKUP_TMX),
                  "jisr_tm_query_markup: out is NULL");
    EINVAL_NAMING(jisr_tm_query_markup(&q, NUL, JISR_TM_MARKUP_TMX),
                  "jisr_tm_query_markup: q is NULL");
    jisr_unit_clear(&q);
    assert_true(m.n > 0);
    EINVAL_NAMING(jisr_tm_match_unit(NUL, &m.v[0], "en", "ar", NULL, NULL),
                  "jisr_tm_match_unit: out is NULL");
    EINVAL_NAMING(jisr_tm_tagged(NUL, "x", 1, NULL, 0), "jisr_tm_tagged: out is NULL");
    EINVAL_NAMING(jisr_tm_tagged(&b, NUL, 1, NULL, 0), "jisr_tm_tagged: s is NULL");
    EINVAL_NAMING(jisr_tm_tagged(&b, "x", 1, NUL, 2), "jisr_tm_tagged: tags is NULL");
    EINVAL_NAMING(jisr_tm_plain(NUL, "x", 1), "jisr_tm_plain: out is NULL");
    EINVAL_NAMING(jisr_tm_plain(&b, NUL, 1), "jisr_tm_plain: s is NULL");
    EINVAL_NAMING(jisr_tm_plain_tags(NUL, "x", 1, NULL, 0), "jisr_tm_plain_tags: out is NULL");
    EINVAL_NAMING(jisr_tm_plain_tags(&b, NUL, 1, NULL, 0), "jisr_tm_plain_tags: s is NULL");
    EINVAL_NAMING(jisr_tm_plain_tags(&b, "x", 1, NUL, 2), "jisr_tm_plain_tags: tags is NULL");
    /* nothing above wrote a byte into b, and a NULL text of length 0 is the empty text */
    assert_int_equal(b.len, 0);
    assert_int_equal(jisr_tm_plain(&b, NUL, 0), 0);
    assert_int_equal(jisr_tm_tagged(&b, NUL, 0, NUL, 0), 0);
    assert_int_equal(b.len, 0);
    jisr_buf_free(&b);
    jisr_tm_matches_free(&m);
    jisr_tm_hits_free(&h);
    jisr_tm_stats_free(&st);
    jisr_unit_clear(&u);
    jisr_tm_close(tm);
    jisr_tm_close(NUL);
    tmdir_remove(g_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_formats_io),
        cmocka_unit_test(test_tm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
