/*
 * test_align_io.c — what goes in and out of the aligner: documents as sentence lists (paragraphs
 * through the segmenter, line breaks inside a sentence, presegmented lines), list files (a
 * repeated or unsafe document id is refused naming the lines), the JSONL document-pair protocol
 * (the same for ids), the renderers (ladder, TSV, JSONL, HTML, TMX) on a small document, and
 * the bounds on what a dictionary read may consume (--dict /dev/zero).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align/align.h"

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text, size_t n)
{
    static char path[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
    FILE *f = fopen(path[k], "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
    return path[k];
}

static void test_sentences(void **state)
{
    (void)state;
    jisr_segmenter *seg = NULL;
    assert_int_equal(jisr_segmenter_new(&seg, "en", NULL), 0);
    jisr_sentences s = {0};
    const char *text = "First one. Second\r\none spans a line.\n  \nA new paragraph.\n";
    assert_int_equal(jisr_sentences_split(&s, text, strlen(text), seg), 0);
    assert_int_equal(s.n, 3);
    assert_true(s.has_para);
    assert_string_equal(s.v[0], "First one.");
    assert_string_equal(s.v[1], "Second one spans a line."); /* \r\n is one space */
    assert_string_equal(s.v[2], "A new paragraph.");
    assert_int_equal(s.para[0], 0);
    assert_int_equal(s.para[1], 0);
    assert_int_equal(s.para[2], 1);
    assert_int_equal(s.start[1], 11);
    assert_int_equal(s.end[1], 36); /* the span in the paragraph, line break included */
    /* one paragraph at a time, as a document reader feeds it */
    jisr_sentences_clear(&s);
    assert_int_equal(jisr_sentences_add_paragraph(&s, seg, "One. Two.", 9), 0);
    assert_int_equal(jisr_sentences_add_paragraph(&s, seg, "   ", 3), 0); /* blank: nothing */
    assert_int_equal(jisr_sentences_add_paragraph(&s, seg, "Three.", 6), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.npara, 2);
    assert_int_equal(s.para[2], 1);
    /* presegmented: every line, empty ones too, no paragraphs */
    jisr_sentences p = {0};
    const char *lines = "a\r\n\nc";
    assert_int_equal(jisr_sentences_split(&p, lines, strlen(lines), NULL), 0);
    assert_int_equal(p.n, 3);
    assert_false(p.has_para);
    assert_string_equal(p.v[0], "a");
    assert_string_equal(p.v[1], "");
    assert_string_equal(p.v[2], "c");
    /* files: the same through the streaming reader */
    jisr_sentences_free(&p);
    const char *path = write_tmp("doc.txt", text, strlen(text));
    assert_int_equal(jisr_sentences_read(&p, path, seg, 0), 0);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.v[1], "Second one spans a line.");
    jisr_sentences_free(&p);
    assert_int_equal(jisr_sentences_read(&p, path, NULL, 0), 0);
    assert_int_equal(p.n, 4); /* lines, the blank one included */
    jisr_sentences_free(&p);
    assert_int_equal(jisr_sentences_read(&p, "/nonexistent/doc", NULL, 0), JISR_EIO);
    jisr_sentences_free(&p);
    jisr_sentences_free(&s);
    jisr_segmenter_free(seg);
}

static void test_lists(void **state)
{
    (void)state;
    jisr_align_list l;
    const char *ok = "# comment\na\tx.ar\tx.en\n\nb\t/abs/y.ar\ty.en\textra\n";
    const char *path = write_tmp("ok.list", ok, strlen(ok));
    assert_int_equal(jisr_align_list_read(&l, path, 3, JISR_ALIGN_LIST_IDS), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.rows[1].line, 4);
    assert_int_equal(l.rows[1].n, 4);
    char *p = jisr_align_list_path(&l, l.rows[0].f[1]);
    char want[300];
    snprintf(want, sizeof want, "%s/x.ar", tmpdir);
    assert_string_equal(p, want);
    free(p);
    p = jisr_align_list_path(&l, l.rows[1].f[1]);
    assert_string_equal(p, "/abs/y.ar");
    free(p);
    jisr_align_list_free(&l);
    /* a repeated id: both lines named (issue 11 item 5) */
    const char *dup = "a\tx.ar\tx.en\nb\ty.ar\ty.en\na\tz.ar\tz.en\n";
    path = write_tmp("dup.list", dup, strlen(dup));
    assert_int_equal(jisr_align_list_read(&l, path, 3, JISR_ALIGN_LIST_IDS), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 3);
    assert_non_null(strstr(jisr_error_last()->msg, "first on line 1"));
    assert_int_equal(l.n, 0);
    /* without the flag (align-eval) the list is read */
    assert_int_equal(jisr_align_list_read(&l, path, 3, 0), 0);
    assert_int_equal(l.n, 3);
    jisr_align_list_free(&l);
    const char *bad[] = {"../up\tx\ty\n", "a/b\tx\ty\n", "..\tx\ty\n", "\tx\ty\n"};
    for (size_t i = 0; i < 4; i++) {
        path = write_tmp("bad.list", bad[i], strlen(bad[i]));
        assert_int_equal(jisr_align_list_read(&l, path, 3, JISR_ALIGN_LIST_IDS), JISR_EPARSE);
        assert_int_equal(jisr_error_last()->line, 1);
    }
    path = write_tmp("short.list", "a\tx\n", 4);
    assert_int_equal(jisr_align_list_read(&l, path, 3, 0), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 1);
}

static void test_docpairs(void **state)
{
    (void)state;
    const char *in = "{\"id\":\"a\",\"src\":[\"s1\",\"s2\"],\"tgt\":[\"t1\"]}\n"
                     "\n"
                     "{\"source\":\"x\\ny\",\"target\":\"z\"}\n"
                     "{\"id\":7,\"src\":\"p\",\"tgt\":\"q\"}\n"
                     "{\"id\":\"a\",\"src\":\"p\",\"tgt\":\"q\"}\n";
    const char *path = write_tmp("pairs.jsonl", in, strlen(in));
    jisr_align_docreader *r = NULL;
    assert_int_equal(jisr_align_docreader_open(&r, path, 0, NULL, NULL), 0);
    jisr_align_docpair d = {0};
    assert_int_equal(jisr_align_docreader_next(r, &d), 1);
    assert_string_equal(d.id, "a");
    assert_int_equal(d.src.n, 2);
    assert_int_equal(d.tgt.n, 1);
    assert_int_equal(jisr_align_docreader_next(r, &d), 1);
    assert_string_equal(d.id, "3"); /* the line number */
    assert_int_equal(d.src.n, 2);   /* lines without segmenters */
    assert_int_equal(jisr_align_docreader_next(r, &d), 1);
    assert_string_equal(d.id, "7");
    /* a repeated id names both lines */
    assert_int_equal(jisr_align_docreader_next(r, &d), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 5);
    assert_non_null(strstr(jisr_error_last()->msg, "first on line 1"));
    jisr_align_docreader_close(r);
    const char *bads[] = {"{\"id\":\"a\",\"src\":\"x\"}\n", "[1]\n",
                          "{\"src\":[1],\"tgt\":\"x\"}\n",
                          "{\"id\":[],\"src\":\"x\",\"tgt\":\"y\"}\n", "{nope}\n"};
    for (size_t i = 0; i < 5; i++) {
        path = write_tmp("bad.jsonl", bads[i], strlen(bads[i]));
        assert_int_equal(jisr_align_docreader_open(&r, path, 0, NULL, NULL), 0);
        assert_int_equal(jisr_align_docreader_next(r, &d), JISR_EPARSE);
        assert_int_equal(jisr_error_last()->line, 1);
        jisr_align_docreader_close(r);
    }
    jisr_align_docpair_free(&d);
}

static void test_renderers(void **state)
{
    (void)state;
    jisr_sentences s = {0}, t = {0};
    jisr_sentences_push(&s, "جملة <أولى> & \"ثانية\".", strlen("جملة <أولى> & \"ثانية\"."));
    jisr_sentences_push(&s, "زائدة.", strlen("زائدة."));
    jisr_sentences_push(&s, "أخيرة", strlen("أخيرة"));
    jisr_sentences_push(&t, "First\tone.", 10);
    jisr_sentences_push(&t, "Last", 4);
    jisr_ladder l = {0};
    jisr_ladder_push(&l, 0, 1, 0, 1, 0.95);
    jisr_ladder_push(&l, 1, 1, 1, 0, 0);
    jisr_ladder_push(&l, 2, 1, 1, 1, 0.4);
    jisr_align_out o = JISR_ALIGN_OUT_INIT;
    jisr_buf b = {0};
    assert_int_equal(jisr_align_render(&b, &o, &s, &t, &l), 0);
    assert_string_equal(b.data, "[0]:[0]:0.9500\n[1]:[]:0.0000\n[2]:[1]:0.4000\n");
    o.format = JISR_ALIGN_TSV;
    o.min_score = 0.5;
    jisr_buf_reset(&b);
    assert_int_equal(jisr_align_render(&b, &o, &s, &t, &l), 0);
    assert_string_equal(b.data, "جملة <أولى> & \"ثانية\".\tFirst\\tone.\t0.9500\n");
    o.format = JISR_ALIGN_JSONL;
    o.min_score = 0;
    o.id = "d\"1";
    jisr_buf_reset(&b);
    assert_int_equal(jisr_align_render(&b, &o, &s, &t, &l), 0);
    assert_non_null(strstr(b.data, "{\"id\":\"d\\\"1\",\"srclang\":\"ar\",\"tgtlang\":\"en\","));
    assert_non_null(strstr(b.data, "\"target\":\"Last\",\"score\":0.4000,\"src_idx\":[2],"
                                   "\"tgt_idx\":[1]}\n"));
    o.format = JISR_ALIGN_HTML;
    o.min_score = 0.5;
    o.title = "<t>";
    jisr_buf_reset(&b);
    assert_int_equal(jisr_align_render(&b, &o, &s, &t, &l), 0);
    assert_non_null(strstr(b.data, "<title>&lt;t&gt;</title>"));
    assert_non_null(strstr(b.data, "&lt;أولى&gt; &amp; &quot;ثانية&quot;"));
    assert_non_null(strstr(b.data, "<tr class=\"hi\">"));      /* 0.95 */
    assert_non_null(strstr(b.data, "<tr class=\"lo weak\">")); /* 0.40, below --min-score */
    assert_non_null(strstr(b.data, "<tr class=\"un\">"));
    assert_non_null(strstr(b.data, "lang=\"ar\" dir=\"rtl\""));
    {
        /* the colours' edges: green from 0.9, yellow from 0.5, red below */
        jisr_ladder e = {0};
        jisr_ladder_push(&e, 0, 1, 0, 1, 0.9);
        jisr_ladder_push(&e, 1, 1, 1, 0, 0);
        jisr_ladder_push(&e, 2, 1, 1, 1, 0.4999);
        jisr_buf_reset(&b);
        o.min_score = 0;
        assert_int_equal(jisr_align_render(&b, &o, &s, &t, &e), 0);
        const char *hi = strstr(b.data, "<tr class=\"hi\">"),
                   *lo = strstr(b.data, "<tr class=\"lo\">");
        assert_true(hi && lo && hi < lo);
        e.v[0].score = 0.8999;
        e.v[2].score = 0.5;
        jisr_buf_reset(&b);
        assert_int_equal(jisr_align_render(&b, &o, &s, &t, &e), 0);
        const char *m1 = strstr(b.data, "<tr class=\"mid\">");
        assert_non_null(m1);
        assert_non_null(strstr(m1 + 1, "<tr class=\"mid\">"));
        assert_null(strstr(b.data, "<tr class=\"hi\">"));
        assert_null(strstr(b.data, "<tr class=\"lo\">"));
        jisr_ladder_free(&e);
        o.min_score = 0.5;
    }
    o.format = JISR_ALIGN_TMX;
    jisr_buf_reset(&b);
    assert_int_equal(jisr_align_render(&b, &o, &s, &t, &l), 0);
    assert_non_null(strstr(b.data, "<prop type=\"x-align-score\">0.9500</prop>"));
    assert_null(strstr(b.data, "0.4000")); /* below --min-score */
    /* a ladder beyond the documents */
    jisr_ladder_push(&l, 3, 1, 2, 1, 1);
    o.format = JISR_ALIGN_TSV;
    assert_int_equal(jisr_align_render(&b, &o, &s, &t, &l), JISR_EINVAL);
    /* names */
    assert_int_equal(jisr_align_format_parse("jsonl"), JISR_ALIGN_JSONL);
    assert_int_equal(jisr_align_format_parse("pdf"), -1);
    assert_int_equal(jisr_align_format_from_path("out/review.htm"), JISR_ALIGN_HTML);
    assert_int_equal(jisr_align_format_from_path("a.b/noext"), -1);
    assert_string_equal(jisr_align_format_name(JISR_ALIGN_TMX), "tmx");
    jisr_buf_free(&b);
    jisr_ladder_free(&l);
    jisr_sentences_free(&s);
    jisr_sentences_free(&t);
}

static int count_entry(void *ctx, const char *h, size_t hn, const char *d, size_t dn)
{
    (void)h;
    (void)hn;
    (void)d;
    (void)dn;
    ++*(int *)ctx;
    return 0;
}

static void test_dict_bounds(void **state)
{
    (void)state;
    /* /dev/zero is binary: refused in its first 64 KiB (it used to be read for 1 GiB) */
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    o.dict_path = "/dev/zero";
    jisr_aligner *a = NULL;
    assert_int_equal(jisr_aligner_new(&a, &o), JISR_EPARSE);
    assert_string_equal(jisr_error_last()->file, "/dev/zero");
    assert_non_null(strstr(jisr_error_last()->msg, "binary"));
    int n = 0;
    assert_int_equal(jisr_dictd_read("/dev/zero", "/dev/zero", count_entry, &n), JISR_EPARSE);
    /* an index entry longer than JISR_DICT_MAX_ENTRY (1 MiB): "BAAAA" is 64^4 bytes */
    const char *idx = "word\tA\tBAAAA\n";
    const char *ip = write_tmp("big.index", idx, strlen(idx));
    char *dict = calloc(1, 100);
    memset(dict, 'x', 99);
    const char *dp = write_tmp("big.dict", dict, 99);
    free(dict);
    assert_int_equal(jisr_dictd_read(ip, dp, count_entry, &n), JISR_ETOOBIG);
    assert_int_equal(jisr_error_last()->line, 1);
    assert_int_equal(n, 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/jisr-align-io-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sentences),   cmocka_unit_test(test_lists),
        cmocka_unit_test(test_docpairs),    cmocka_unit_test(test_renderers),
        cmocka_unit_test(test_dict_bounds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
