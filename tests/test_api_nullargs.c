/* test_api_nullargs.c — every public entry point of the layers test_tm_nullargs leaves out
 * (util.h's line reader, file set and output files; formats.h's unit model; align.h; doc.h;
 * corpus.h) called with NULL where it takes a pointer: JISR_EINVAL with a message naming the
 * function and the argument ("jisr_aligner_run: a is NULL"), never a crash (62 of these
 * functions died of SIGSEGV on one NULL or another); a function that returns a pointer or a size
 * returns NULL or 0 with that error recorded; a getter given NULL returns 0 or NULL; every free,
 * close and clear accepts NULL. Where the header gives a NULL a meaning (options: the defaults;
 * a name: a default one; a text of length 0: the empty text) it keeps it. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align/align.h"
#include "corpus/corpus.h"
#include "doc/doc.h"
#include "formats/formats.h"
#include "util/util.h"

#include "test_nullargs.h"

/* call returns NULL or 0 (a pointer, a size, an enum) with JISR_EINVAL naming what recorded */
#define NONE_NAMING(call, what)                                                                    \
    do {                                                                                           \
        jisr_error_clear();                                                                        \
        int got_ = (call) ? 1 : 0;                                                                 \
        const jisr_error *e_ = jisr_error_last();                                                  \
        if (got_ || e_->code != JISR_EINVAL || !strstr(e_->msg, what))                             \
            fail_msg("%s: %s, code %d, message '%s' (wanted none, JISR_EINVAL naming '%s')",       \
                     #call, got_ ? "a result" : "none", e_->code, e_->msg, what);                  \
    } while (0)

/* a scratch directory with a file or two, removed at the end */
static char g_dir[64];

static const char *in_dir(const char *name)
{
    static char p[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", g_dir, name);
    return p[k];
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(in_dir(name), "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/jisr-test-apinull-XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"ladder.txt", "list.tsv",  "pairs.jsonl", "out.txt",
                                        "lex.txt",    "train.tsv", "corpus.tmx"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(in_dir(files[i]));
    rmdir(in_dir("empty"));
    return rmdir(g_dir);
}

/* whether descriptor fd is closed */
static int fd_closed(int fd)
{
    return fcntl(fd, F_GETFD) == -1;
}

static void test_lines(void **state)
{
    (void)state;
    jisr_lines *l = (jisr_lines *)&l;
    EINVAL_NAMING(jisr_lines_open(NUL, "x", 0), "jisr_lines_open: out is NULL");
    EINVAL_NAMING(jisr_lines_open(&l, NUL, 0), "jisr_lines_open: path is NULL");
    assert_null(l);
    /* the descriptor or stream it was given to own is closed, as on any other error */
    int fd = open("/dev/null", O_RDONLY);
    assert_true(fd >= 0);
    EINVAL_NAMING(jisr_lines_open_fd(NUL, fd, 1, "n", 0), "jisr_lines_open_fd: out is NULL");
    assert_true(fd_closed(fd));
    FILE *f = fopen("/dev/null", "r");
    assert_non_null(f);
    fd = fileno(f);
    EINVAL_NAMING(jisr_lines_open_stream(NUL, f, 1, "n", 0), "jisr_lines_open_stream: out is NULL");
    assert_true(fd_closed(fd));
    EINVAL_NAMING(jisr_lines_open_stream(&l, NUL, 1, "n", 0), "jisr_lines_open_stream: f is NULL");
    assert_null(l);
    EINVAL_NAMING(jisr_lines_open_memory(NUL, "a\n", 2, "m", 0),
                  "jisr_lines_open_memory: out is NULL");
    EINVAL_NAMING(jisr_lines_open_memory(&l, NUL, 2, "m", 0),
                  "jisr_lines_open_memory: data is NULL");
    assert_null(l);
    /* NULL and 0: an empty input; a NULL name: "<input>" */
    assert_int_equal(jisr_lines_open_memory(&l, NUL, 0, NUL, 0), 0);
    assert_string_equal(jisr_lines_name(l), "<input>");
    assert_int_equal(jisr_lines_next(l, NUL, NUL), 0);
    jisr_lines_close(l);
    EINVAL_NAMING(jisr_lines_next(NUL, NULL, NULL), "jisr_lines_next: l is NULL");
    jisr_lines_set_max(NUL, 5);
    assert_int_equal(jisr_lines_lineno(NUL), 0);
    assert_int_equal(jisr_lines_offset(NUL), 0);
    assert_int_equal(jisr_lines_consumed(NUL), 0);
    assert_string_equal(jisr_lines_name(NUL), "");
    jisr_lines_close(NUL);
}

static void test_outfile(void **state)
{
    (void)state;
    jisr_fileset *fs = (jisr_fileset *)&fs;
    EINVAL_NAMING(jisr_fileset_new(NUL), "jisr_fileset_new: out is NULL");
    /* a NULL set is "no set" throughout the API: nothing to record, nothing in it */
    assert_int_equal(jisr_fileset_add_input(NUL, "/dev/null"), 0);
    assert_int_equal(jisr_fileset_add_fd(NUL, 0), 0);
    assert_int_equal(jisr_fileset_contains(NUL, "/dev/null"), 0);
    assert_int_equal(jisr_fileset_is_output(NUL, "/dev/null"), 0);
    assert_int_equal(jisr_fileset_new(&fs), 0);
    assert_int_equal(jisr_fileset_add_input(fs, NUL), 0);
    assert_int_equal(jisr_fileset_contains(fs, NUL), 0);
    assert_int_equal(jisr_fileset_is_output(fs, NUL), 0);
    jisr_fileset_free(fs);
    jisr_fileset_free(NUL);
    jisr_outfile *o = (jisr_outfile *)&o;
    EINVAL_NAMING(jisr_outfile_open(NUL, in_dir("out.txt"), NULL),
                  "jisr_outfile_open: out is NULL");
    EINVAL_NAMING(jisr_outfile_open(&o, NUL, NULL), "jisr_outfile_open: path is NULL");
    assert_null(o);
    assert_int_equal(access(in_dir("out.txt"), F_OK), -1);
    assert_null(jisr_outfile_stream(NUL));
    assert_string_equal(jisr_outfile_path(NUL), "");
    assert_int_equal(jisr_outfile_commit(NUL), 0);
    jisr_outfile_abort(NUL);
}

static void test_unit(void **state)
{
    (void)state;
    jisr_unit u, c;
    jisr_unit_init(&u);
    jisr_unit_init(NUL);
    jisr_unit_clear(NUL);
    jisr_variant *v = (jisr_variant *)&v;
    EINVAL_NAMING(jisr_unit_add_variant(NUL, "en", "x", 1, &v), "jisr_unit_add_variant: u is NULL");
    assert_null(v);
    EINVAL_NAMING(jisr_unit_add_variant(&u, "en", NUL, 3, NULL),
                  "jisr_unit_add_variant: text is NULL");
    assert_int_equal(u.nvariants, 0);
    /* a NULL language is "und"; a NULL text of length 0 the empty text */
    assert_int_equal(jisr_unit_add_variant(&u, NUL, NUL, 0, NULL), 0);
    assert_string_equal(u.variants[0].lang, "und");
    assert_string_equal(u.variants[0].text, "");
    assert_int_equal(jisr_unit_add_variant(&u, "en", "Hello", 5, NULL), 0);
    assert_null(jisr_unit_find(NUL, "en"));
    assert_null(jisr_unit_find(&u, NUL));
    assert_int_equal(jisr_lang_tag_ok(NUL), 0);
    assert_int_equal(jisr_unit_pair_side(NUL, 0, "en", "ar"), 0);
    assert_int_equal(jisr_unit_pair_side(&u, 1, NUL, "ar"), 0);
    EINVAL_NAMING(jisr_unit_keep_pair(NUL, "en", "ar"), "jisr_unit_keep_pair: u is NULL");
    jisr_unit_source_first(NUL, "en", "ar");
    jisr_unit_source_first(&u, NUL, NUL); /* no language asked for: the order is kept */
    assert_string_equal(u.variants[0].lang, "und");
    jisr_unit_source_first(&u, NUL, "und"); /* only the target's language put first */
    assert_string_equal(u.variants[0].lang, "und");
    EINVAL_NAMING(jisr_unit_copy(NUL, &u), "jisr_unit_copy: dst is NULL");
    EINVAL_NAMING(jisr_unit_copy(&c, NUL), "jisr_unit_copy: src is NULL");
    assert_int_equal(jisr_unit_copy(&c, &u), 0);
    jisr_unit_clear(&c);
    EINVAL_NAMING(jisr_unit_check(NUL, "n"), "jisr_unit_check: u is NULL");
    jisr_buf b = {0};
    EINVAL_NAMING(jisr_variant_plain(NUL, &b), "jisr_variant_plain: v is NULL");
    EINVAL_NAMING(jisr_tsv_escape(NUL, "a", 1), "jisr_tsv_escape: b is NULL");
    EINVAL_NAMING(jisr_tsv_escape(&b, NUL, 3), "jisr_tsv_escape: s is NULL");
    assert_int_equal(jisr_tsv_escape(&b, NUL, 0), 0); /* the empty text */
    EINVAL_NAMING(jisr_variant_plain(&u.variants[1], NUL), "jisr_variant_plain: out is NULL");
    int64_t t = 7;
    /* NULL is not a date (documented) */
    assert_int_equal(jisr_date_parse(NUL, &t), JISR_EPARSE);
    EINVAL_NAMING(jisr_date_parse("2019-03-04", NUL), "jisr_date_parse: t is NULL");
    jisr_date_format(0, NUL);
    assert_int_equal(jisr_format_from_name(NUL), JISR_FMT_AUTO);
    assert_int_equal(jisr_format_from_string(NUL), JISR_FMT_AUTO);
    assert_int_equal(b.len, 0);
    jisr_unit_clear(&u);
}

static void test_ladder(void **state)
{
    (void)state;
    jisr_ladder l = {0}, g = {0};
    jisr_buf b = {0};
    EINVAL_NAMING(jisr_ladder_push(NUL, 0, 1, 0, 1, 0.5), "jisr_ladder_push: l is NULL");
    EINVAL_NAMING(jisr_ladder_parse(NUL, "[0]:[0]", 7, "n"), "jisr_ladder_parse: out is NULL");
    EINVAL_NAMING(jisr_ladder_parse(&l, NUL, 7, "n"), "jisr_ladder_parse: text is NULL");
    /* NULL and 0: no beads; a NULL name: a default one */
    assert_int_equal(jisr_ladder_parse(&l, NUL, 0, NUL), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(jisr_ladder_parse(&l, "[0]:[0]:0.5", 11, NUL), 0);
    write_file("ladder.txt", "[0]:[0]\n");
    EINVAL_NAMING(jisr_ladder_read(NUL, in_dir("ladder.txt")), "jisr_ladder_read: out is NULL");
    EINVAL_NAMING(jisr_ladder_read(&g, NUL), "jisr_ladder_read: path is NULL");
    assert_int_equal(jisr_ladder_read(&g, in_dir("ladder.txt")), 0);
    EINVAL_NAMING(jisr_ladder_format(NUL, &l, 1), "jisr_ladder_format: out is NULL");
    EINVAL_NAMING(jisr_ladder_format(&b, NUL, 1), "jisr_ladder_format: l is NULL");
    jisr_align_counts c = {0};
    EINVAL_NAMING(jisr_align_score_add(NUL, &g, &l), "jisr_align_score_add: c is NULL");
    /* a NULL ladder has no beads: nothing in test, a miss for each bead of test */
    assert_int_equal(jisr_align_score_add(&c, &g, NUL), 0);
    assert_int_equal(jisr_align_score_add(&c, NUL, &l), 0);
    assert_true(c.r_strict_miss == 1 && c.p_strict_miss == 1 && c.p_strict_hit == 0);
    memset(&c, 0, sizeof c);
    jisr_align_scores s;
    memset(&s, 0xff, sizeof s);
    jisr_align_score_finish(NUL, &s); /* no counts: every score 0 */
    assert_true(s.p_strict == 0 && s.r_lax == 0 && s.f_strict == 0);
    jisr_align_score_finish(&c, NUL);
    assert_int_equal(b.len, 0);
    jisr_ladder_free(NUL);
    jisr_ladder_free(&l);
    jisr_ladder_free(&g);
}

static int count_entry(void *ctx, const char *head, size_t hn, const char *def, size_t dn)
{
    (void)head, (void)hn, (void)def, (void)dn;
    ++*(int *)ctx;
    return 0;
}

static void test_dict_lexicon(void **state)
{
    (void)state;
    int n = 0;
    EINVAL_NAMING(jisr_dictd_read(NUL, "d.dict", count_entry, &n),
                  "jisr_dictd_read: index_path is NULL");
    EINVAL_NAMING(jisr_dictd_read("d.index", NUL, count_entry, &n),
                  "jisr_dictd_read: dict_path is NULL");
    static jisr_dict_entry_fn volatile no_fn; /* a NULL callback */
    EINVAL_NAMING(jisr_dictd_read("d.index", "d.dict", no_fn, &n), "jisr_dictd_read: fn is NULL");
    assert_int_equal(n, 0);
    static const char lex[] = "# jisr lexicon 1\n# langs ar en\n# tokens 1\n"
                              "كتاب\tbook\t0.9\t0.8\n";
    write_file("lex.txt", lex);
    jisr_lexicon *lx = (jisr_lexicon *)&lx;
    EINVAL_NAMING(jisr_lexicon_read(NUL, in_dir("lex.txt")), "jisr_lexicon_read: out is NULL");
    EINVAL_NAMING(jisr_lexicon_read(&lx, NUL), "jisr_lexicon_read: path is NULL");
    assert_null(lx);
    EINVAL_NAMING(jisr_lexicon_read_memory(NUL, lex, strlen(lex), "m"),
                  "jisr_lexicon_read_memory: out is NULL");
    EINVAL_NAMING(jisr_lexicon_read_memory(&lx, NUL, 5, "m"),
                  "jisr_lexicon_read_memory: data is NULL");
    assert_null(lx);
    assert_int_equal(jisr_lexicon_read_memory(&lx, lex, strlen(lex), NUL), 0);
    const jisr_lexicon *dl = NULL;
    EINVAL_NAMING(jisr_lexicon_default(NUL, "ar", "en"), "jisr_lexicon_default: out is NULL");
    assert_int_equal(jisr_lexicon_default(&dl, NUL, "en"), JISR_ENOTFOUND);
    jisr_buf b = {0};
    EINVAL_NAMING(jisr_lexicon_format(NUL, &b), "jisr_lexicon_format: lx is NULL");
    EINVAL_NAMING(jisr_lexicon_format(lx, NUL), "jisr_lexicon_format: out is NULL");
    EINVAL_NAMING(jisr_lexicon_write(NUL, in_dir("out.txt"), NULL),
                  "jisr_lexicon_write: lx is NULL");
    EINVAL_NAMING(jisr_lexicon_write(lx, NUL, NULL), "jisr_lexicon_write: path is NULL");
    assert_int_equal(access(in_dir("out.txt"), F_OK), -1);
    EINVAL_NAMING(jisr_lexicon_describe(NUL, &b), "jisr_lexicon_describe: lx is NULL");
    EINVAL_NAMING(jisr_lexicon_describe(lx, NUL), "jisr_lexicon_describe: out is NULL");
    EINVAL_NAMING(jisr_lexicon_lookup(NUL, "book", 4, &b), "jisr_lexicon_lookup: lx is NULL");
    EINVAL_NAMING(jisr_lexicon_lookup(lx, NUL, 4, &b), "jisr_lexicon_lookup: word is NULL");
    EINVAL_NAMING(jisr_lexicon_lookup(lx, "book", 4, NUL), "jisr_lexicon_lookup: out is NULL");
    assert_int_equal(b.len, 0);
    assert_int_equal(jisr_lexicon_size(NUL), 0);
    assert_null(jisr_lexicon_lang(NUL, 0));
    /* the trainer */
    jisr_lexicon_trainer *tr = (jisr_lexicon_trainer *)&tr;
    EINVAL_NAMING(jisr_lexicon_trainer_new(NUL, NULL), "jisr_lexicon_trainer_new: out is NULL");
    assert_int_equal(jisr_lexicon_trainer_new(&tr, NUL), 0); /* NULL options: the defaults */
    EINVAL_NAMING(jisr_lexicon_trainer_add(NUL, "a", 1, "b", 1),
                  "jisr_lexicon_trainer_add: tr is NULL");
    EINVAL_NAMING(jisr_lexicon_trainer_add(tr, NUL, 1, "b", 1),
                  "jisr_lexicon_trainer_add: src is NULL");
    EINVAL_NAMING(jisr_lexicon_trainer_add(tr, "a", 1, NUL, 1),
                  "jisr_lexicon_trainer_add: tgt is NULL");
    jisr_unit u;
    jisr_unit_init(&u);
    EINVAL_NAMING(jisr_lexicon_trainer_add_unit(NUL, &u),
                  "jisr_lexicon_trainer_add_unit: tr is NULL");
    EINVAL_NAMING(jisr_lexicon_trainer_add_unit(tr, NUL),
                  "jisr_lexicon_trainer_add_unit: u is NULL");
    write_file("train.tsv", "كتاب\tbook\n");
    uint64_t taken = 9, skipped = 9;
    EINVAL_NAMING(jisr_lexicon_trainer_add_file(NUL, in_dir("train.tsv"), NULL, &taken),
                  "jisr_lexicon_trainer_add_file: tr is NULL");
    EINVAL_NAMING(jisr_lexicon_trainer_add_file(tr, NUL, NULL, &taken),
                  "jisr_lexicon_trainer_add_file: path is NULL");
    jisr_lexicon_trainer_counts(NUL, &taken, &skipped);
    assert_true(taken == 0 && skipped == 0);
    jisr_lexicon_trainer_counts(tr, NUL, NUL);
    jisr_lexicon *out = (jisr_lexicon *)&out;
    EINVAL_NAMING(jisr_lexicon_trainer_finish(NUL, &out),
                  "jisr_lexicon_trainer_finish: tr is NULL");
    assert_null(out);
    EINVAL_NAMING(jisr_lexicon_trainer_finish(tr, NUL), "jisr_lexicon_trainer_finish: out is NULL");
    jisr_lexicon_trainer_free(tr);
    jisr_lexicon_trainer_free(NUL);
    jisr_lexicon_free(lx);
    jisr_lexicon_free(NUL);
}

static void test_aligner(void **state)
{
    (void)state;
    jisr_aligner *a = (jisr_aligner *)&a;
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    o.srclang = "en";
    o.tgtlang = "fr";
    o.flags = JISR_ALIGN_NO_DICT | JISR_ALIGN_NO_LEXICON;
    EINVAL_NAMING(jisr_aligner_new(NUL, &o), "jisr_aligner_new: out is NULL");
    assert_int_equal(jisr_aligner_new(&a, &o), 0);
    static const char lex[] =
        "# jisr lexicon 1\n# langs en fr\n# tokens 1\nbook\tlivre\t0.9\t0.8\n";
    jisr_lexicon *lx = NULL;
    assert_int_equal(jisr_lexicon_read_memory(&lx, lex, strlen(lex), "m"), 0);
    EINVAL_NAMING(jisr_aligner_add_lexicon(NUL, lx), "jisr_aligner_add_lexicon: a is NULL");
    EINVAL_NAMING(jisr_aligner_add_lexicon(a, NUL), "jisr_aligner_add_lexicon: lx is NULL");
    const char *src[] = {"One book.", "Two books."}, *tgt[] = {"Un livre.", "Deux livres."};
    const char *holey[] = {"One book.", NULL};
    size_t doc = 7;
    EINVAL_NAMING(jisr_aligner_add(NUL, src, 2, tgt, 2, &doc), "jisr_aligner_add: a is NULL");
    EINVAL_NAMING(jisr_aligner_add(a, NUL, 2, tgt, 2, &doc), "jisr_aligner_add: src is NULL");
    EINVAL_NAMING(jisr_aligner_add(a, src, 2, NUL, 2, &doc), "jisr_aligner_add: tgt is NULL");
    EINVAL_NAMING(jisr_aligner_add(a, holey, 2, tgt, 2, &doc), "jisr_aligner_add: src[1] is NULL");
    EINVAL_NAMING(jisr_aligner_add(a, src, 2, holey, 2, &doc), "jisr_aligner_add: tgt[1] is NULL");
    assert_int_equal(jisr_aligner_count(a), 0);
    jisr_sentences ss = {0}, ts = {0};
    assert_int_equal(jisr_sentences_push(&ss, "One book.", 9), 0);
    assert_int_equal(jisr_sentences_push(&ts, "Un livre.", 9), 0);
    EINVAL_NAMING(jisr_aligner_add_sentences(NUL, &ss, &ts, NULL),
                  "jisr_aligner_add_sentences: a is NULL");
    EINVAL_NAMING(jisr_aligner_add_sentences(a, NUL, &ts, NULL),
                  "jisr_aligner_add_sentences: src is NULL");
    EINVAL_NAMING(jisr_aligner_add_sentences(a, &ss, NUL, NULL),
                  "jisr_aligner_add_sentences: tgt is NULL");
    EINVAL_NAMING(jisr_aligner_run(NUL), "jisr_aligner_run: a is NULL");
    assert_int_equal(jisr_aligner_count(NUL), 0);
    assert_null(jisr_aligner_result(NUL, 0));
    jisr_ladder l = {0};
    EINVAL_NAMING(jisr_aligner_align(NUL, src, 2, tgt, 2, &l), "jisr_aligner_align: a is NULL");
    EINVAL_NAMING(jisr_aligner_align(a, NUL, 2, tgt, 2, &l), "jisr_aligner_align: src is NULL");
    EINVAL_NAMING(jisr_aligner_align(a, src, 2, NUL, 2, &l), "jisr_aligner_align: tgt is NULL");
    EINVAL_NAMING(jisr_aligner_align(a, src, 2, tgt, 2, NUL), "jisr_aligner_align: out is NULL");
    /* NULL arrays of no sentences are empty documents */
    assert_int_equal(jisr_aligner_align(a, NUL, 0, NUL, 0, &l), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(jisr_aligner_align(a, src, 2, tgt, 2, &l), 0);
    assert_true(l.n > 0);
    jisr_aligner_clear(NUL);
    jisr_aligner_free(NUL);
    char key[16] = "x";
    NONE_NAMING(jisr_align_name_key(NUL, 4, key, sizeof key), "jisr_align_name_key: latin is NULL");
    assert_string_equal(key, "");
    NONE_NAMING(jisr_align_name_key("Ahmad", 5, NUL, 16), "jisr_align_name_key: out is NULL");
    assert_int_equal(jisr_align_name_key(NUL, 0, key, sizeof key), 0);
    /* rendering */
    assert_int_equal(jisr_align_format_parse(NUL), -1);
    assert_int_equal(jisr_align_format_from_path(NUL), -1);
    jisr_align_out ao = JISR_ALIGN_OUT_INIT;
    jisr_buf b = {0};
    EINVAL_NAMING(jisr_align_render(NUL, &ao, &ss, &ts, &l), "jisr_align_render: out is NULL");
    EINVAL_NAMING(jisr_align_render(&b, NUL, &ss, &ts, &l), "jisr_align_render: o is NULL");
    EINVAL_NAMING(jisr_align_render(&b, &ao, NUL, &ts, &l), "jisr_align_render: src is NULL");
    EINVAL_NAMING(jisr_align_render(&b, &ao, &ss, NUL, &l), "jisr_align_render: tgt is NULL");
    EINVAL_NAMING(jisr_align_render(&b, &ao, &ss, &ts, NUL), "jisr_align_render: l is NULL");
    assert_int_equal(b.len, 0);
    const char *p = in_dir("out.txt");
    EINVAL_NAMING(jisr_align_write(NUL, &ao, &ss, &ts, &l), "jisr_align_write: path is NULL");
    ao.format = JISR_ALIGN_TMX; /* TMX files take a path of their own */
    EINVAL_NAMING(jisr_align_write(p, NUL, &ss, &ts, &l), "jisr_align_write: o is NULL");
    EINVAL_NAMING(jisr_align_write(p, &ao, NUL, &ts, &l), "jisr_align_write: src is NULL");
    EINVAL_NAMING(jisr_align_write(p, &ao, &ss, NUL, &l), "jisr_align_write: tgt is NULL");
    EINVAL_NAMING(jisr_align_write(p, &ao, &ss, &ts, NUL), "jisr_align_write: l is NULL");
    ao.format = JISR_ALIGN_TSV;
    EINVAL_NAMING(jisr_align_write(p, &ao, &ss, &ts, NUL), "jisr_align_write: l is NULL");
    assert_int_equal(access(p, F_OK), -1);
    jisr_sentences_free(&ss);
    jisr_sentences_free(&ts);
    jisr_ladder_free(&l);
    jisr_aligner_free(a);
    jisr_lexicon_free(lx);
}

static void test_batch(void **state)
{
    (void)state;
    write_file("list.tsv", "doc1\ta.txt\tb.txt\n");
    jisr_align_list list;
    memset(&list, 0xff, sizeof list);
    EINVAL_NAMING(jisr_align_list_read(NUL, in_dir("list.tsv"), 3, 0),
                  "jisr_align_list_read: out is NULL");
    EINVAL_NAMING(jisr_align_list_read(&list, NUL, 3, 0), "jisr_align_list_read: path is NULL");
    assert_int_equal(list.n, 0); /* left empty, as on any error */
    assert_int_equal(jisr_align_list_read(&list, in_dir("list.tsv"), 3, 0), 0);
    NONE_NAMING(jisr_align_list_path(NUL, "a.txt"), "jisr_align_list_path: l is NULL");
    NONE_NAMING(jisr_align_list_path(&list, NUL), "jisr_align_list_path: f is NULL");
    jisr_align_list_free(&list);
    jisr_align_list_free(NUL);
    /* the JSONL document pairs */
    write_file("pairs.jsonl", "{\"id\":\"d\",\"src\":[\"One.\"],\"tgt\":[\"Un.\"]}\n");
    jisr_align_docreader *r = (jisr_align_docreader *)&r;
    EINVAL_NAMING(jisr_align_docreader_open(NUL, in_dir("pairs.jsonl"), 0, NULL, NULL),
                  "jisr_align_docreader_open: out is NULL");
    EINVAL_NAMING(jisr_align_docreader_open(&r, NUL, 0, NULL, NULL),
                  "jisr_align_docreader_open: path is NULL");
    assert_null(r);
    jisr_align_docpair d = {0};
    assert_int_equal(jisr_align_docreader_open(&r, in_dir("pairs.jsonl"), 0, NUL, NUL), 0);
    EINVAL_NAMING(jisr_align_docreader_next(NUL, &d), "jisr_align_docreader_next: r is NULL");
    EINVAL_NAMING(jisr_align_docreader_next(r, NUL), "jisr_align_docreader_next: d is NULL");
    assert_int_equal(jisr_align_docreader_next(r, &d), 1); /* the reader is still usable */
    assert_string_equal(d.id, "d");
    jisr_align_docpair_free(&d);
    jisr_align_docpair_free(NUL);
    jisr_align_docreader_close(r);
    jisr_align_docreader_close(NUL);
}

static void test_doc(void **state)
{
    (void)state;
    jisr_doc *d = (jisr_doc *)&d;
    EINVAL_NAMING(jisr_doc_open(NUL, in_dir("ladder.txt"), NULL), "jisr_doc_open: out is NULL");
    EINVAL_NAMING(jisr_doc_open(&d, NUL, NULL), "jisr_doc_open: path is NULL");
    assert_null(d);
    EINVAL_NAMING(jisr_doc_open_memory(NUL, "m.txt", "Hello.", 6, NULL),
                  "jisr_doc_open_memory: out is NULL");
    EINVAL_NAMING(jisr_doc_open_memory(&d, "m.txt", NUL, 6, NULL),
                  "jisr_doc_open_memory: data is NULL");
    assert_null(d);
    char *data = NULL;
    size_t n = 0;
    EINVAL_NAMING(jisr_doc_read_input(NUL, 0, &data, &n), "jisr_doc_read_input: path is NULL");
    EINVAL_NAMING(jisr_doc_read_input("-", 0, NUL, &n), "jisr_doc_read_input: data is NULL");
    EINVAL_NAMING(jisr_doc_read_input("-", 0, &data, NUL), "jisr_doc_read_input: n is NULL");
    /* a NULL name: "<memory>", the format sniffed */
    jisr_para p;
    assert_int_equal(jisr_doc_open_memory(&d, NUL, "Hello.", 6, NUL), 0);
    EINVAL_NAMING(jisr_doc_next(NUL, &p), "jisr_doc_next: d is NULL");
    EINVAL_NAMING(jisr_doc_next(d, NUL), "jisr_doc_next: p is NULL");
    assert_int_equal(jisr_doc_next(d, &p), 1); /* a NULL argument is not a sticky error */
    assert_string_equal(p.text, "Hello.");
    jisr_doc_close(d);
    assert_int_equal(jisr_doc_get_format(NUL), JISR_DOC_AUTO);
    assert_int_equal(jisr_doc_replacements(NUL), 0);
    jisr_doc_close(NUL);
    assert_int_equal(jisr_doc_format_from_name(NUL), JISR_DOC_AUTO);
    assert_int_equal(jisr_doc_format_from_string(NUL), JISR_DOC_AUTO);
    NONE_NAMING(jisr_doc_sniff(NUL, 5), "jisr_doc_sniff: head is NULL");
    assert_int_equal(jisr_doc_sniff(NUL, 0), jisr_doc_sniff("", 0));
}

static void test_corpus(void **state)
{
    (void)state;
    jisr_strlist sl = {0};
    EINVAL_NAMING(jisr_strlist_push(NUL, "x"), "jisr_strlist_push: l is NULL");
    EINVAL_NAMING(jisr_strlist_push(&sl, NUL), "jisr_strlist_push: s is NULL");
    assert_int_equal(sl.n, 0);
    jisr_strlist_free(NUL);
    EINVAL_NAMING(jisr_corpus_collect(NUL, &sl), "jisr_corpus_collect: path is NULL");
    EINVAL_NAMING(jisr_corpus_collect(g_dir, NUL), "jisr_corpus_collect: out is NULL");
    /* document alignment */
    jisr_docaligner *da = (jisr_docaligner *)&da;
    jisr_docalign_opts dao = JISR_DOCALIGN_OPTS_INIT;
    dao.dict_path = "";
    EINVAL_NAMING(jisr_docaligner_new(NUL, &dao), "jisr_docaligner_new: out is NULL");
    assert_int_equal(jisr_docaligner_new(&da, &dao), 0);
    const char *paras[] = {"One book.", NULL};
    size_t lens[] = {9, 0}, idx;
    EINVAL_NAMING(jisr_docaligner_add(NUL, 0, "a", paras, lens, 1, &idx),
                  "jisr_docaligner_add: da is NULL");
    EINVAL_NAMING(jisr_docaligner_add(da, 0, "a", NUL, lens, 1, &idx),
                  "jisr_docaligner_add: paras is NULL");
    EINVAL_NAMING(jisr_docaligner_add(da, 0, "a", paras, lens, 2, &idx),
                  "jisr_docaligner_add: paras[1] is NULL");
    EINVAL_NAMING(jisr_docaligner_add(da, 2, "a", paras, lens, 1, &idx),
                  "jisr_docaligner_add: side 2");
    assert_int_equal(jisr_docaligner_count(da, 0), 0);
    /* no paragraphs: NULL arrays; no name: ""; no lengths: NUL-terminated paragraphs */
    assert_int_equal(jisr_docaligner_add(da, 1, NUL, NUL, NUL, 0, NUL), 0);
    assert_string_equal(jisr_docaligner_name(da, 1, 0), "");
    assert_int_equal(jisr_docaligner_add(da, 0, "a", paras, NUL, 1, &idx), 0);
    EINVAL_NAMING(jisr_docaligner_run(NUL), "jisr_docaligner_run: da is NULL");
    size_t np = 9;
    assert_null(jisr_docaligner_pairs(NUL, &np));
    assert_int_equal(np, 0);
    NONE_NAMING(jisr_docaligner_pairs(da, NUL), "jisr_docaligner_pairs: n is NULL");
    assert_int_equal(jisr_docaligner_count(NUL, 0), 0);
    assert_null(jisr_docaligner_name(NUL, 0, 0));
    assert_int_equal(jisr_docaligner_best(NUL, 0, 0).partner, SIZE_MAX);
    jisr_docaligner_free(da);
    jisr_docaligner_free(NUL);
    assert_int_equal(jisr_corpus_script(NUL, 0), JISR_SCRIPT_NONE);
    NONE_NAMING(jisr_corpus_script(NUL, 5), "jisr_corpus_script: text is NULL");
    /* pairing folders */
    jisr_pairing *pr = (jisr_pairing *)&pr;
    const char *ins[] = {in_dir("empty"), NULL};
    assert_int_equal(mkdir(ins[0], 0700), 0);
    EINVAL_NAMING(jisr_corpus_pair(NUL, 1, NULL, &pr), "jisr_corpus_pair: inputs is NULL");
    assert_null(pr);
    EINVAL_NAMING(jisr_corpus_pair(ins, 2, NULL, &pr), "jisr_corpus_pair: inputs[1] is NULL");
    EINVAL_NAMING(jisr_corpus_pair(ins, 1, NULL, NUL), "jisr_corpus_pair: out is NULL");
    EINVAL_NAMING(jisr_corpus_pair_files(NUL, 1, NULL, NULL, &pr),
                  "jisr_corpus_pair_files: inputs is NULL");
    EINVAL_NAMING(jisr_corpus_pair_files(ins, 2, NULL, NULL, &pr),
                  "jisr_corpus_pair_files: inputs[1] is NULL");
    EINVAL_NAMING(jisr_corpus_pair_files(ins, 1, NULL, NULL, NUL),
                  "jisr_corpus_pair_files: out is NULL");
    /* NULL options: the defaults; an empty folder: nothing to pair */
    assert_int_equal(jisr_corpus_pair(ins, 1, NUL, &pr), 0);
    assert_int_equal(pr->ndocs, 0);
    jisr_pair_opts po = JISR_PAIR_OPTS_INIT;
    EINVAL_NAMING(jisr_pairing_verify(NUL, &po), "jisr_pairing_verify: p is NULL");
    EINVAL_NAMING(jisr_pairing_verify(pr, NUL), "jisr_pairing_verify: opts is NULL");
    jisr_buf b = {0};
    EINVAL_NAMING(jisr_pairing_format(NUL, 0, &b), "jisr_pairing_format: p is NULL");
    EINVAL_NAMING(jisr_pairing_format(pr, 0, NUL), "jisr_pairing_format: out is NULL");
    jisr_pairing_free(pr);
    jisr_pairing_free(NUL);
    /* filters */
    jisr_filter *f = NULL;
    EINVAL_NAMING(jisr_filter_new(NUL, "en", "ar", NULL), "jisr_filter_new: out is NULL");
    /* no languages: no script check; NULL options: the defaults */
    assert_int_equal(jisr_filter_new(&f, NUL, NUL, NUL), 0);
    assert_int_equal(jisr_filter_check(f, "abc", 3, "def", 3, 0.9), JISR_DROP_N);
    jisr_filter_free(f);
    assert_int_equal(jisr_filter_new(&f, "en", "ar", NUL), 0);
    EINVAL_NAMING(jisr_filter_check(NUL, "a", 1, "b", 1, 0.9), "jisr_filter_check: f is NULL");
    EINVAL_NAMING(jisr_filter_check(f, NUL, 1, "b", 1, 0.9), "jisr_filter_check: src is NULL");
    EINVAL_NAMING(jisr_filter_check(f, "a", 1, NUL, 1, 0.9), "jisr_filter_check: tgt is NULL");
    assert_int_equal(jisr_filter_check(f, NUL, 0, NUL, 0, 0.9), JISR_DROP_SHORT);
    jisr_filter_free(f);
    jisr_filter_free(NUL);
    /* the pipeline and its report */
    jisr_corpus_report *rep = (jisr_corpus_report *)&rep;
    jisr_corpus_opts co = JISR_CORPUS_OPTS_INIT;
    co.output = in_dir("corpus.tmx");
    EINVAL_NAMING(jisr_corpus_run(NUL, 1, &co, &rep), "jisr_corpus_run: inputs is NULL");
    assert_null(rep);
    EINVAL_NAMING(jisr_corpus_run(ins, 2, &co, &rep), "jisr_corpus_run: inputs[1] is NULL");
    EINVAL_NAMING(jisr_corpus_run(ins, 1, &co, NUL), "jisr_corpus_run: out is NULL");
    /* NULL options are the defaults, which name no output */
    EINVAL_NAMING(jisr_corpus_run(ins, 1, NUL, &rep), "jisr_corpus_run: no output");
    assert_null(rep);
    assert_int_equal(access(co.output, F_OK), -1);
    assert_int_equal(jisr_corpus_run(ins, 1, &co, &rep), 0);
    assert_null(jisr_corpus_report_pairing(NUL));
    assert_null(jisr_corpus_report_totals(NUL));
    EINVAL_NAMING(jisr_corpus_report_json(NUL, &b), "jisr_corpus_report_json: r is NULL");
    EINVAL_NAMING(jisr_corpus_report_json(rep, NUL), "jisr_corpus_report_json: out is NULL");
    EINVAL_NAMING(jisr_corpus_report_html(NUL, &b), "jisr_corpus_report_html: r is NULL");
    EINVAL_NAMING(jisr_corpus_report_html(rep, NUL), "jisr_corpus_report_html: out is NULL");
    assert_int_equal(b.len, 0);
    jisr_corpus_report_free(rep);
    jisr_corpus_report_free(NUL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),        cmocka_unit_test(test_outfile),
        cmocka_unit_test(test_unit),         cmocka_unit_test(test_ladder),
        cmocka_unit_test(test_dict_lexicon), cmocka_unit_test(test_aligner),
        cmocka_unit_test(test_batch),        cmocka_unit_test(test_doc),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
