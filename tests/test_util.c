/* test_util.c — error detail formatting, the growable buffer (including JSON escaping), the
 * growable arrays, the line reader and the safe output files. */
#define _DEFAULT_SOURCE /* mknod, makedev */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/util.h"
#include "util/plural.h"
#include "util/util_int.h"

static void test_error_format(void **state)
{
    char out[256];
    (void)state;
    int rc = jisr_error_set(JISR_EPARSE, "a.tmx", 3, 14, "unexpected </%s>", "tuv");
    assert_int_equal(rc, JISR_EPARSE);
    jisr_error_format(out, sizeof out);
    assert_string_equal(out, "a.tmx:3:14: unexpected </tuv>");
    jisr_error_set(JISR_EIO, "b.txt", 0, 0, "cannot open");
    jisr_error_format(out, sizeof out);
    assert_string_equal(out, "b.txt: cannot open");
    jisr_error_set(JISR_ENOMEM, NULL, 0, 0, NULL);
    jisr_error_format(out, sizeof out);
    assert_string_equal(out, "out of memory");
    assert_int_equal(jisr_error_last()->code, JISR_ENOMEM);
    jisr_error_clear();
    assert_int_equal(jisr_error_last()->code, 0);
    assert_string_equal(jisr_strerror(JISR_ESCHEMA), "unsupported memory schema");
    assert_string_equal(jisr_strerror(-9999), "unknown error");
}

static void test_grow(void **state)
{
    (void)state;
    uint32_t *v = NULL;
    size_t cap = 0;
    for (uint32_t i = 0; i < 5000; i++) {
        assert_int_equal(JISR_GROW(v, cap, (size_t)i + 1), 0);
        assert_true(cap >= (size_t)i + 1);
        v[i] = i * 7;
    }
    for (uint32_t i = 0; i < 5000; i++)
        assert_int_equal(v[i], i * 7);
    size_t before = cap;
    assert_int_equal(JISR_GROW(v, cap, 10), 0); /* never shrinks */
    assert_int_equal(cap, before);
    /* a size that cannot be represented fails cleanly and leaves the array as it was */
    jisr_error_clear();
    assert_int_equal(JISR_GROW(v, cap, SIZE_MAX / 2), JISR_ENOMEM);
    assert_int_equal(cap, before);
    assert_int_equal(v[4999], 4999u * 7);
    assert_int_equal(jisr_error_last()->code, JISR_ENOMEM);
    assert_string_equal(jisr_error_last()->msg, "out of memory");
    free(v);
    assert_int_equal(jisr_oom(42), JISR_ENOMEM);
    assert_string_equal(jisr_error_last()->msg, "out of memory (42 bytes)");
}

/* jisr_grow_zeroed: new elements read zero, old ones are kept, the first allocation is exact,
 * arrays of 512 KiB or more start on a 2 MiB boundary (the huge pages), failures change nothing */
static void test_grow_zeroed(void **state)
{
    (void)state;
    uint32_t *v = NULL;
    size_t cap = 0;
    assert_int_equal(jisr_grow_zeroed((void **)&v, &cap, 1000, sizeof *v), 0);
    assert_int_equal(cap, 1000);
    for (size_t i = 0; i < cap; i++) {
        assert_int_equal(v[i], 0);
        v[i] = (uint32_t)i + 1;
    }
    assert_int_equal(jisr_grow_zeroed((void **)&v, &cap, 1001, sizeof *v), 0);
    assert_int_equal(cap, 2000); /* at least doubles */
    assert_int_equal(jisr_grow_zeroed((void **)&v, &cap, 600000, sizeof *v), 0);
    assert_int_equal(cap, 600000); /* 2.4 MB: huge pages */
#ifdef MADV_HUGEPAGE
    assert_int_equal((uintptr_t)v % ((uintptr_t)2 << 20), 0);
#endif
    for (size_t i = 0; i < cap; i++)
        assert_int_equal(v[i], i < 1000 ? (uint32_t)i + 1 : 0);
    assert_int_equal(jisr_grow_zeroed((void **)&v, &cap, 5, sizeof *v), 0); /* never shrinks */
    assert_int_equal(cap, 600000);
    jisr_error_clear();
    assert_int_equal(jisr_grow_zeroed((void **)&v, &cap, SIZE_MAX / 2, sizeof *v), JISR_ENOMEM);
    assert_int_equal(jisr_error_last()->code, JISR_ENOMEM);
    assert_int_equal(cap, 600000);
    assert_int_equal(v[999], 1000);
    free(v);
    uint8_t *b = NULL; /* 512 KiB exactly: the smallest with huge pages */
    size_t bc = 0;
    assert_int_equal(jisr_grow_zeroed((void **)&b, &bc, (size_t)1 << 19, 1), 0);
#ifdef MADV_HUGEPAGE
    assert_int_equal((uintptr_t)b % ((uintptr_t)2 << 20), 0);
#endif
    assert_int_equal(b[0] | b[bc - 1], 0);
    free(b);
    uint8_t *z = jisr_alloc_zeroed(3 << 20); /* the same allocation, for a block of arrays */
    assert_non_null(z);
#ifdef MADV_HUGEPAGE
    assert_int_equal((uintptr_t)z % ((uintptr_t)2 << 20), 0);
#endif
    assert_int_equal(z[0] | z[(3 << 20) - 1], 0);
    free(z);
}

static void test_be(void **state)
{
    (void)state;
    unsigned char b[8];
    jisr_be_put(b, 0x0102030405060708ULL, 8);
    assert_int_equal(b[0], 1);
    assert_int_equal(b[7], 8);
    assert_true(jisr_be_get(b, 8) == 0x0102030405060708ULL);
    jisr_be_put(b, 0xABCDEF, 3);
    assert_int_equal(b[0], 0xAB);
    assert_int_equal(jisr_be_get(b, 3), 0xABCDEF);
    /* byte order is numeric order */
    unsigned char x[4], y[4];
    jisr_be_put(x, 255, 4);
    jisr_be_put(y, 256, 4);
    assert_true(memcmp(x, y, 4) < 0);
}

static void test_buf(void **state)
{
    jisr_buf b = {0};
    (void)state;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(jisr_buf_printf(&b, "%d,", i), 0);
    assert_int_equal(strlen(b.data), b.len);
    assert_memory_equal(b.data, "0,1,2,", 6);
    assert_memory_equal(b.data + b.len - 4, "999,", 4);
    jisr_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    jisr_buf_free(&b);
    jisr_buf_free(&b); /* idempotent */
}

static void test_json_string(void **state)
{
    jisr_buf b = {0};
    (void)state;
    const char in[] = "a\"b\\c\nd\te\x01 مرحبا";
    assert_int_equal(jisr_buf_json_string(&b, in, sizeof in - 1), 0);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001 مرحبا\"");
    jisr_buf_free(&b);
}

static void test_u64set(void **state)
{
    (void)state;
    jisr_u64set s = {0};
    for (uint64_t i = 0; i < 10000; i++)
        assert_int_equal(jisr_u64set_add(&s, i * 0x9E3779B97F4A7C15ULL), 1);
    assert_int_equal(s.n, 10000);
    for (uint64_t i = 0; i < 10000; i++)
        assert_int_equal(jisr_u64set_add(&s, i * 0x9E3779B97F4A7C15ULL), 0);
    assert_int_equal(s.n, 10000); /* 0 (i = 0) is stored as 1: adding 1 finds it */
    assert_int_equal(jisr_u64set_add(&s, 1), 0);
    jisr_u64set_free(&s);
    assert_null(s.v);
    assert_int_equal(jisr_u64set_add(&s, 7), 1);
    jisr_u64set_free(&s);
}

/* the word after a count: singular for 1 only, the plural given whole (irregular ones too) */
static void test_plural(void **state)
{
    (void)state;
    assert_string_equal(jisr_plural(1, "unit", "units"), "unit");
    assert_string_equal(jisr_plural(0, "unit", "units"), "units");
    assert_string_equal(jisr_plural(2, "unit", "units"), "units");
    assert_string_equal(jisr_plural(11, "entry", "entries"), "entries");
    assert_string_equal(jisr_plural(1, "entry", "entries"), "entry");
    assert_string_equal(jisr_plural(21, "match", "matches"), "matches");
    assert_string_equal(jisr_plural(18446744073709551615ULL, "query", "queries"), "queries");
}

static void test_markup(void **state)
{
    (void)state;
    jisr_buf b = {0};
    assert_int_equal(jisr_buf_markup(&b, "a<b>&\"c\" 'd' العربية", 1), 0);
    assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39; العربية");
    jisr_buf_reset(&b);
    assert_int_equal(jisr_buf_markup(&b, "x='1' & y", 0), 0);
    assert_string_equal(b.data, "x='1' &amp; y");
    jisr_buf_reset(&b);
    assert_int_equal(jisr_buf_markup(&b, NULL, 1), 0);
    assert_int_equal(jisr_buf_markup(&b, "", 1), 0);
    assert_int_equal(b.len, 0);
    jisr_buf_free(&b);
}

static void test_grow_pow2(void **state)
{
    (void)state;
    int *v = NULL;
    for (size_t n = 0; n < 1000; n++) {
        assert_int_equal(jisr_grow_pow2((void **)&v, n, sizeof *v), 0);
        v[n] = (int)n;
    }
    for (size_t n = 0; n < 1000; n++)
        assert_int_equal(v[n], (int)n);
    free(v);
}

/* ---- line reader ----------------------------------------------------------------------------- */

typedef struct got_line {
    int rc;
    char text[64];
    unsigned long lineno;
    uint64_t offset;
} got_line;

/* Every result of the reader (lines and errors) until the end, at most max. */
static size_t read_lines(jisr_lines *l, got_line *out, size_t max)
{
    size_t k = 0;
    for (; k < max; k++) {
        const char *s;
        size_t n;
        int rc = jisr_lines_next(l, &s, &n);
        out[k].rc = rc;
        out[k].lineno = jisr_lines_lineno(l);
        out[k].offset = jisr_lines_offset(l);
        out[k].text[0] = '\0';
        if (rc == 1) {
            assert_int_equal(strlen(s), n); /* NUL-terminated, no NUL inside */
            snprintf(out[k].text, sizeof out[k].text, "%s", s);
        }
        if (rc == 0)
            return k;
        if (rc == JISR_EIO || rc == JISR_ENOMEM)
            return k + 1;
    }
    return k;
}

static void test_lines_memory(void **state)
{
    (void)state;
    const char in[] = "\xEF\xBB\xBF"
                      "one\r\ntwo\n\nlast";
    jisr_lines *l;
    assert_int_equal(jisr_lines_open_memory(&l, in, sizeof in - 1, "m.txt", JISR_LINES_UTF8), 0);
    got_line g[8];
    assert_int_equal(read_lines(l, g, 8), 4);
    assert_string_equal(g[0].text, "one"); /* BOM and CR gone */
    assert_string_equal(g[1].text, "two");
    assert_string_equal(g[2].text, "");
    assert_string_equal(g[3].text, "last"); /* no final newline needed */
    assert_int_equal(g[3].lineno, 4);
    assert_int_equal(g[1].offset, 8);
    assert_int_equal(jisr_lines_consumed(l), sizeof in - 1);
    jisr_lines_close(l);
    /* empty input: no line at all */
    assert_int_equal(jisr_lines_open_memory(&l, "", 0, "e", 0), 0);
    assert_int_equal(jisr_lines_next(l, NULL, NULL), 0);
    jisr_lines_close(l);
    /* KEEP_CR */
    assert_int_equal(jisr_lines_open_memory(&l, "a\r\n", 3, "k", JISR_LINES_KEEP_CR), 0);
    assert_int_equal(read_lines(l, g, 8), 1);
    assert_string_equal(g[0].text, "a\r");
    jisr_lines_close(l);
}

/* An over-long line, a NUL byte and invalid UTF-8 are each reported once the whole line has been
 * consumed: the next call returns the next line, never the rest of the bad one. */
static void check_bad_lines(jisr_lines *l)
{
    got_line g[16];
    size_t n = read_lines(l, g, 16);
    assert_int_equal(n, 7);
    assert_int_equal(g[0].rc, 1);
    assert_string_equal(g[0].text, "good");
    assert_int_equal(g[1].rc, JISR_ETOOBIG);
    assert_int_equal(g[1].lineno, 2);
    assert_int_equal(g[2].rc, 1);
    assert_string_equal(g[2].text, "after long");
    assert_int_equal(g[2].lineno, 3);
    assert_int_equal(g[3].rc, JISR_EENCODING); /* NUL */
    assert_int_equal(g[4].rc, 1);
    assert_string_equal(g[4].text, "after nul");
    assert_int_equal(g[5].rc, JISR_EENCODING); /* bad UTF-8 */
    assert_int_equal(g[6].rc, 1);
    assert_string_equal(g[6].text, "{\"tail\":1}");
    assert_int_equal(g[6].lineno, 7);
}

static void make_bad_input(jisr_buf *b, size_t longlen)
{
    jisr_buf_puts(b, "good\n");
    for (size_t i = 0; i < longlen; i++)
        jisr_buf_putc(b, 'x');
    jisr_buf_puts(b, "{\"tail\":1}\nafter long\nnul");
    jisr_buf_append(b, "\0", 1);
    jisr_buf_puts(b, "here\nafter nul\nbad \xC3\x28 utf8\n{\"tail\":1}\n");
}

static void test_lines_bad(void **state)
{
    (void)state;
    /* from memory, with a small limit */
    jisr_buf b = {0};
    make_bad_input(&b, 100);
    jisr_lines *l;
    assert_int_equal(
        jisr_lines_open_memory(&l, b.data, b.len, "bad.jsonl", JISR_LINES_UTF8 | JISR_LINES_NO_NUL),
        0);
    jisr_lines_set_max(l, 50);
    check_bad_lines(l);
    jisr_lines_close(l);

    /* from a file, the long line spanning many 64 KiB chunks, with a limit of 100 KiB */
    jisr_buf_reset(&b);
    make_bad_input(&b, 1000000);
    char path[] = "/tmp/jisr-lines-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(jisr_lines_open_fd(&l, fd, 1, path, JISR_LINES_UTF8 | JISR_LINES_NO_NUL), 0);
    jisr_lines_set_max(l, 100 << 10);
    check_bad_lines(l);
    jisr_lines_close(l);
    /* the same through stdio */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(jisr_lines_open_stream(&l, f, 1, path, JISR_LINES_UTF8 | JISR_LINES_NO_NUL),
                     0);
    jisr_lines_set_max(l, 100 << 10);
    check_bad_lines(l);
    jisr_lines_close(l);
    /* by path, with the default limit (16 MiB): the 1 MB line is fine then */
    assert_int_equal(jisr_lines_open(&l, path, JISR_LINES_UTF8 | JISR_LINES_NO_NUL), 0);
    got_line g[16];
    assert_int_equal(read_lines(l, g, 16), 7);
    assert_int_equal(g[1].rc, 1);
    jisr_lines_close(l);
    unlink(path);
    jisr_buf_free(&b);

    /* an unreadable input is a sticky I/O error */
    assert_int_equal(jisr_lines_open(&l, "/nonexistent/x", 0), JISR_EIO);
    assert_null(l);
    assert_int_equal(jisr_lines_open(&l, "/tmp", 0), JISR_EIO);
    fd = open("/tmp", O_RDONLY);
    assert_int_equal(jisr_lines_open_fd(&l, fd, 1, "dir", 0), 0);
    assert_int_equal(jisr_lines_next(l, NULL, NULL), JISR_EIO);
    assert_int_equal(jisr_lines_next(l, NULL, NULL), JISR_EIO);
    jisr_lines_close(l);
}

/* ---- safe output files ------------------------------------------------------------------------
 */

static char outdir[64];

static int setup_outdir(void **state)
{
    (void)state;
    snprintf(outdir, sizeof outdir, "/tmp/jisr-outfile-XXXXXX");
    return mkdtemp(outdir) ? 0 : -1;
}

static int teardown_outdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", outdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void file_is(const char *path, const char *text)
{
    char buf[256] = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_string_equal(buf, text);
}

/* Number of entries of outdir whose name contains ".tmp." */
static int temporaries(void)
{
    DIR *d = opendir(outdir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

static int write_out(const char *path, const char *text, jisr_fileset *files)
{
    jisr_outfile *o;
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    oo.files = files;
    int rc = jisr_outfile_open(&o, path, &oo);
    if (rc < 0) {
        assert_null(o);
        return rc;
    }
    fputs(text, jisr_outfile_stream(o));
    return jisr_outfile_commit(o);
}

/* UTF-16 with its byte-order mark is named as such on line 1 and on each later line refused
 * (it was "UTF-16LE without a byte-order mark", or invalid UTF-8 byte 0xFF); the lines of a
 * UTF-8 input, or of one without the flags, are untouched */
static void test_lines_utf16_bom(void **state)
{
    (void)state;
    static const char le[] = "\xFF\xFE"
                             "S\0a\0v\0e\0\n\0"
                             "O\0k\0\n\0";
    static const char be[] = "\xFE\xFF"
                             "\x06\x27\n";
    const char *line;
    jisr_lines *l;
    assert_int_equal(jisr_lines_open_memory(&l, le, sizeof le - 1, "<stdin>", JISR_LINES_NO_NUL),
                     0);
    assert_int_equal(jisr_lines_utf16_bom(l), 0);
    assert_int_equal(jisr_lines_next(l, &line, NULL), JISR_EENCODING);
    assert_non_null(strstr(jisr_error_last()->msg, "input is UTF-16LE (it starts with a UTF-16"));
    assert_int_equal(jisr_lines_utf16_bom(l), 1);
    assert_int_equal(jisr_lines_next(l, &line, NULL), JISR_EENCODING);
    assert_int_equal(jisr_lines_lineno(l), 2);
    assert_non_null(strstr(jisr_error_last()->msg, "is UTF-16LE (it starts"));
    jisr_lines_close(l);
    /* big-endian Arabic: no NUL byte at all, only invalid UTF-8 */
    assert_int_equal(jisr_lines_open_memory(&l, be, sizeof be - 1, "x.txt", JISR_LINES_UTF8), 0);
    assert_int_equal(jisr_lines_next(l, &line, NULL), JISR_EENCODING);
    assert_non_null(strstr(jisr_error_last()->msg, "file is UTF-16BE"));
    assert_int_equal(jisr_lines_utf16_bom(l), 2);
    jisr_lines_close(l);
    /* without NO_NUL or UTF8 the reader takes bytes as they are */
    assert_int_equal(jisr_lines_open_memory(&l, be, sizeof be - 1, "x.bin", 0), 0);
    assert_int_equal(jisr_lines_next(l, &line, NULL), 1);
    assert_int_equal(jisr_lines_utf16_bom(l), 0);
    jisr_lines_close(l);
    /* FF alone, or FE then not FF, is no byte-order mark */
    assert_int_equal(jisr_lines_open_memory(&l,
                                            "\xFF"
                                            "ab\nok\n",
                                            6, "y.txt", JISR_LINES_UTF8),
                     0);
    assert_int_equal(jisr_lines_next(l, &line, NULL), JISR_EENCODING);
    assert_non_null(strstr(jisr_error_last()->msg, "invalid UTF-8 (byte 0xFF)"));
    assert_int_equal(jisr_lines_next(l, &line, NULL), 1);
    assert_string_equal(line, "ok");
    assert_int_equal(jisr_lines_utf16_bom(l), 0);
    jisr_lines_close(l);
    assert_int_equal(jisr_lines_utf16_bom(NULL), 0);
    /* UTF-32's marks (FF FE 00 00 starts as UTF-16LE's) are UTF-32's */
    static const char le32[] = "\xFF\xFE\0\0"
                               "S\0\0\0\n\0\0\0";
    assert_int_equal(
        jisr_lines_open_memory(&l, le32, sizeof le32 - 1, "<stdin>", JISR_LINES_NO_NUL), 0);
    assert_int_equal(jisr_lines_next(l, &line, NULL), JISR_EENCODING);
    assert_non_null(strstr(jisr_error_last()->msg, "is UTF-32LE (it starts with a UTF-32"));
    assert_int_equal(jisr_lines_utf16_bom(l), 3);
    jisr_lines_close(l);
}

static void test_outfile_regular(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "%s/new.txt", outdir);
    mode_t um = umask(022);
    assert_int_equal(write_out(p, "hello\n", NULL), 0);
    file_is(p, "hello\n");
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    /* an existing private file stays private */
    assert_int_equal(chmod(p, 0600), 0);
    assert_int_equal(write_out(p, "again\n", NULL), 0);
    file_is(p, "again\n");
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* while it is written, the temporary is 0600 whatever the umask */
    jisr_outfile *o;
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(jisr_outfile_open(&o, p, NULL), 0);
    assert_int_equal(temporaries(), 1);
    DIR *d = opendir(outdir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp.")) {
            char t[512];
            snprintf(t, sizeof t, "%s/%s", outdir, e->d_name);
            assert_int_equal(stat(t, &st), 0);
            assert_int_equal(st.st_mode & 0777, 0600);
        }
    closedir(d);
    fputs("half", jisr_outfile_stream(o));
    jisr_outfile_abort(o); /* abandon: the old content stays, no temporary */
    file_is(p, "again\n");
    assert_int_equal(temporaries(), 0);
    /* the signal handler's clean-up removes a live temporary */
    assert_int_equal(jisr_outfile_open(&o, p, NULL), 0);
    assert_int_equal(temporaries(), 1);
    jisr_outfile_remove_temporaries();
    assert_int_equal(temporaries(), 0);
    jisr_outfile_abort(o);
    umask(um);
    /* a directory, an empty name */
    assert_int_equal(write_out(outdir, "x", NULL), JISR_EINVAL);
    char q[128];
    snprintf(q, sizeof q, "%s/", outdir);
    assert_int_equal(write_out(q, "x", NULL), JISR_EINVAL);
    snprintf(q, sizeof q, "%s/missing/dir/f", outdir);
    assert_int_equal(write_out(q, "x", NULL), JISR_EIO);
}

static void test_outfile_owner(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* changing a file's owner needs root */
    char p[128];
    snprintf(p, sizeof p, "%s/owned.txt", outdir);
    put_file(p, "old\n");
    assert_int_equal(chown(p, 65534, 65534), 0);
    assert_int_equal(chmod(p, 0640), 0);
    assert_int_equal(write_out(p, "new\n", NULL), 0);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_uid, 65534);
    assert_int_equal(st.st_gid, 65534);
    assert_int_equal(st.st_mode & 0777, 0640);
    file_is(p, "new\n");
}

static void test_outfile_symlink(void **state)
{
    (void)state;
    char victim[128], link[128];
    snprintf(victim, sizeof victim, "%s/victim", outdir);
    snprintf(link, sizeof link, "%s/out.tsv", outdir);
    put_file(victim, "PRECIOUS\n");
    assert_int_equal(symlink("victim", link), 0);
    assert_int_equal(write_out(link, "overwritten\n", NULL), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "symbolic link"));
    file_is(victim, "PRECIOUS\n");
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* a dangling link too: nothing is created where it points */
    char dangling[128], target[128];
    snprintf(dangling, sizeof dangling, "%s/dangling.tsv", outdir);
    snprintf(target, sizeof target, "%s/created-through-link", outdir);
    assert_int_equal(symlink(target, dangling), 0);
    assert_int_equal(write_out(dangling, "x\n", NULL), JISR_EINVAL);
    assert_int_equal(access(target, F_OK), -1);
    assert_int_equal(temporaries(), 0);
}

static void test_outfile_special(void **state)
{
    (void)state;
    /* a FIFO is written in place: its reader gets the data, the FIFO stays a FIFO */
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo", outdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pfd[0]);
        FILE *f = fopen(fifo, "rb");
        char buf[64] = {0};
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (write(pfd[1], buf, n) < 0)
            _exit(2);
        _exit(0);
    }
    close(pfd[1]);
    assert_int_equal(write_out(fifo, "through the fifo", NULL), 0);
    char got[64] = {0};
    assert_true(read(pfd[0], got, sizeof got - 1) > 0);
    close(pfd[0]);
    int status;
    waitpid(pid, &status, 0);
    assert_string_equal(got, "through the fifo");
    struct stat st;
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    /* a device node (root only: mknod) */
    if (geteuid() == 0) {
        char dev[128];
        snprintf(dev, sizeof dev, "%s/nulldev", outdir);
        assert_int_equal(mknod(dev, S_IFCHR | 0644, makedev(1, 3)), 0);
        assert_int_equal(write_out(dev, "into /dev/null\n", NULL), 0);
        assert_int_equal(lstat(dev, &st), 0);
        assert_true(S_ISCHR(st.st_mode));
    }
    /* (never /dev/null itself: a regression would replace the machine's null device) */
    assert_int_equal(temporaries(), 0);
}

static void test_outfile_inputs(void **state)
{
    (void)state;
    char in[128], hard[128], out[128];
    snprintf(in, sizeof in, "%s/in.tsv", outdir);
    snprintf(hard, sizeof hard, "%s/hard.tsv", outdir);
    snprintf(out, sizeof out, "%s/out.tsv", outdir);
    put_file(in, "keep me\n");
    assert_int_equal(link(in, hard), 0);
    jisr_fileset *fs;
    assert_int_equal(jisr_fileset_new(&fs), 0);
    assert_int_equal(jisr_fileset_add_input(fs, in), 0);
    assert_int_equal(jisr_fileset_add_input(fs, "/nonexistent/file"), 0); /* the reader's error */
    assert_true(jisr_fileset_contains(fs, hard));
    /* the input, by its name or another one */
    assert_int_equal(write_out(in, "destroyed\n", fs), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "inputs"));
    assert_int_equal(write_out(hard, "destroyed\n", fs), JISR_EINVAL);
    file_is(in, "keep me\n");
    /* two outputs of one command may not be one file, existing or not */
    jisr_outfile *a, *b;
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    oo.files = fs;
    assert_int_equal(jisr_outfile_open(&a, out, &oo), 0);
    char alias[160];
    snprintf(alias, sizeof alias, "%s/./out.tsv", outdir);
    assert_int_equal(jisr_outfile_open(&b, alias, &oo), JISR_EINVAL);
    assert_non_null(strstr(jisr_error_last()->msg, "outputs"));
    fputs("one\n", jisr_outfile_stream(a));
    assert_int_equal(jisr_outfile_commit(a), 0);
    file_is(out, "one\n");
    jisr_fileset_free(fs);
    assert_int_equal(temporaries(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_grow_pow2),
        cmocka_unit_test(test_grow_zeroed),
        cmocka_unit_test(test_be),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_markup),
        cmocka_unit_test(test_plural),
        cmocka_unit_test(test_u64set),
        cmocka_unit_test(test_lines_memory),
        cmocka_unit_test(test_lines_bad),
        cmocka_unit_test(test_lines_utf16_bom),
        cmocka_unit_test_setup_teardown(test_outfile_regular, setup_outdir, teardown_outdir),
        cmocka_unit_test_setup_teardown(test_outfile_owner, setup_outdir, teardown_outdir),
        cmocka_unit_test_setup_teardown(test_outfile_symlink, setup_outdir, teardown_outdir),
        cmocka_unit_test_setup_teardown(test_outfile_special, setup_outdir, teardown_outdir),
        cmocka_unit_test_setup_teardown(test_outfile_inputs, setup_outdir, teardown_outdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
