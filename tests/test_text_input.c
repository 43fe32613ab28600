/*
 * test_text_input.c — jisr_text_decode and the streaming reader jisr_textin_*: BOMs, UTF-16LE/BE
 * (also with surrogate pairs and sequences split across 64 KiB chunks), invalid UTF-8 with its
 * byte offset, line and column, lenient replacement, NUL bytes, CRLF, paragraphs, empty files,
 * stdin, unreadable paths, and a 64 MiB line refused with memory staying bounded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/text.h"

static char g_dir[256];

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(g_dir, sizeof g_dir, "%s/jisr_text_input_XXXXXX", tmp);
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const void *data, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* ---- jisr_text_decode ------------------------------------------------------------------- */

static void decode_ok(const void *in, size_t n, unsigned flags, const char *want, size_t want_rep)
{
    char *out = NULL;
    size_t len = 0, rep = 99;
    int rc = jisr_text_decode("mem", in, n, flags, &out, &len, &rep);
    if (rc != 0)
        fprintf(stderr, "decode failed: %s\n", jisr_error_last()->msg);
    assert_int_equal(rc, 0);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);
    assert_int_equal(out[len], '\0');
    assert_int_equal(rep, want_rep);
    free(out);
}

static void decode_fails(const void *in, size_t n, unsigned flags, unsigned long line,
                         unsigned long col, const char *msg_part)
{
    char *out = (char *)1;
    int rc = jisr_text_decode("input.txt", in, n, flags, &out, NULL, NULL);
    assert_int_equal(rc, JISR_EENCODING);
    assert_null(out);
    const jisr_error *e = jisr_error_last();
    assert_int_equal(e->code, JISR_EENCODING);
    assert_string_equal(e->file, "input.txt");
    if (line)
        assert_int_equal(e->line, line);
    if (col)
        assert_int_equal(e->col, col);
    if (!strstr(e->msg, msg_part))
        fprintf(stderr, "message '%s' lacks '%s'\n", e->msg, msg_part);
    assert_non_null(strstr(e->msg, msg_part));
}

static void test_decode_utf8(void **state)
{
    (void)state;
    decode_ok("", 0, 0, "", 0);
    decode_ok("plain\ntext", 10, 0, "plain\ntext", 0);
    decode_ok("\xEF\xBB\xBF"
              "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7",
              13, 0, "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", 0); /* BOM + مرحبا */
    decode_ok("\xF0\x9F\x98\x80 \xE2\x82\xAC", 8, 0, "\xF0\x9F\x98\x80 \xE2\x82\xAC", 0);
    /* invalid: byte offset, line and column (in characters) */
    decode_fails("ab\ncd\xFF"
                 "e",
                 7, 0, 2, 3, "byte offset 5");
    decode_fails("\xD9\x85\xD9\x85\xC3", 5, 0, 1, 3, "byte offset 4"); /* truncated at end */
    decode_fails("\xC0\xAF", 2, 0, 1, 1, "invalid UTF-8");             /* overlong */
    decode_fails("a\xED\xA0\x80", 4, 0, 1, 2, "byte offset 1");        /* surrogate */
    decode_fails("\xF4\x90\x80\x80", 4, 0, 1, 1, "byte offset 0");     /* > U+10FFFF */
    decode_fails("\xEF\xBB\xBF"
                 "x\xFE",
                 5, 0, 1, 2, "byte offset 4"); /* offsets count the BOM */
    /* lenient: one U+FFFD per maximal ill-formed subsequence */
    decode_ok("a\xFF"
              "b",
              3, JISR_TEXT_LENIENT,
              "a\xEF\xBF\xBD"
              "b",
              1);
    decode_ok("\xC0\xAF", 2, JISR_TEXT_LENIENT, "\xEF\xBF\xBD\xEF\xBF\xBD", 2);
    decode_ok("\xED\xA0\x80", 3, JISR_TEXT_LENIENT, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3);
    decode_ok("\xE2\x82"
              "A",
              3, JISR_TEXT_LENIENT,
              "\xEF\xBF\xBD"
              "A",
              1);
    decode_ok("x\xF0\x9F\x98", 4, JISR_TEXT_LENIENT, "x\xEF\xBF\xBD", 1);
    /* NUL is binary even when lenient */
    decode_fails("ab\0cd", 5, 0, 1, 3, "binary");
    decode_fails("ab\0cd", 5, JISR_TEXT_LENIENT, 1, 3, "binary");
}

/* UTF-16 of "Aé😀ب\n" with a BOM, little- or big-endian */
static size_t utf16_sample(unsigned char *o, int be)
{
    static const unsigned units[] = {0xFEFF, 'A', 0x00E9, 0xD83D, 0xDE00, 0x0628, '\n'};
    size_t n = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        o[n++] = (unsigned char)(be ? units[i] >> 8 : units[i] & 0xFF);
        o[n++] = (unsigned char)(be ? units[i] & 0xFF : units[i] >> 8);
    }
    return n;
}

static void test_decode_utf16(void **state)
{
    (void)state;
    unsigned char b[64];
    const char *want = "A\xC3\xA9\xF0\x9F\x98\x80\xD8\xA8\n";
    for (int be = 0; be < 2; be++) {
        size_t n = utf16_sample(b, be);
        decode_ok(b, n, 0, want, 0);
        /* odd length */
        b[n] = 'x';
        decode_fails(b, n + 1, 0, 2, 1, "byte offset 14");
        decode_ok(b, n + 1, JISR_TEXT_LENIENT, "A\xC3\xA9\xF0\x9F\x98\x80\xD8\xA8\n\xEF\xBF\xBD",
                  1);
    }
    /* unpaired high surrogate then 'B' (LE) */
    const unsigned char lone[] = {0xFF, 0xFE, 'A', 0, 0x3D, 0xD8, 'B', 0};
    decode_fails(lone, sizeof lone, 0, 1, 2, "byte offset 4");
    decode_ok(lone, sizeof lone, JISR_TEXT_LENIENT,
              "A\xEF\xBF\xBD"
              "B",
              1);
    /* lone low surrogate (BE) */
    const unsigned char low[] = {0xFE, 0xFF, 0xDE, 0x00};
    decode_fails(low, sizeof low, 0, 1, 1, "UTF-16");
    /* U+0000 in UTF-16 is binary */
    const unsigned char nul[] = {0xFF, 0xFE, 'A', 0, 0, 0};
    decode_fails(nul, sizeof nul, JISR_TEXT_LENIENT, 1, 2, "binary");
    /* UTF-16 without a BOM looks like binary: the message says so */
    decode_fails("A\0B\0", 4, 0, 1, 2, "byte-order mark");
}

/* ---- jisr_textin -------------------------------------------------------------------------- */

static jisr_textin *open_ok(const char *path, unsigned flags)
{
    jisr_textin *r = NULL;
    int rc = jisr_textin_open(&r, path, flags);
    if (rc)
        fprintf(stderr, "open: %s\n", jisr_error_last()->msg);
    assert_int_equal(rc, 0);
    return r;
}

static void expect_line(jisr_textin *r, const char *want, uint64_t off, unsigned long lineno)
{
    const char *l;
    size_t n;
    uint64_t o;
    unsigned long ln;
    int rc = jisr_textin_next_line(r, &l, &n, &o, &ln);
    if (rc != 1)
        fprintf(stderr, "next_line: %d %s\n", rc, jisr_error_last()->msg);
    assert_int_equal(rc, 1);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(l, want, n);
    assert_int_equal(o, off);
    assert_int_equal(ln, lineno);
}

static void expect_para(jisr_textin *r, const char *want, uint64_t off, unsigned long lineno)
{
    const char *t;
    size_t n;
    uint64_t o;
    unsigned long ln;
    int rc = jisr_textin_next_paragraph(r, &t, &n, &o, &ln);
    if (rc != 1)
        fprintf(stderr, "next_paragraph: %d %s\n", rc, jisr_error_last()->msg);
    assert_int_equal(rc, 1);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(t, want, n);
    assert_int_equal(o, off);
    assert_int_equal(ln, lineno);
}

static void test_lines_and_crlf(void **state)
{
    (void)state;
    const char *p = write_file("lines.txt", "a\nb\r\n\nc", 7);
    jisr_textin *r = open_ok(p, 0);
    expect_line(r, "a", 0, 1);
    expect_line(r, "b", 2, 2);
    expect_line(r, "", 5, 3);
    expect_line(r, "c", 6, 4);
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), 0);
    jisr_textin_close(r);

    p = write_file("trailing.txt", "x\n", 2);
    r = open_ok(p, 0);
    expect_line(r, "x", 0, 1);
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), 0);
    jisr_textin_close(r);
    jisr_textin_close(NULL);
}

static void test_paragraphs(void **state)
{
    (void)state;
    const char text[] = "\n\np1 l1\np1 l2\n\n  \t\np2\r\nl2\r\n\r\np3";
    const char *p = write_file("paras.txt", text, sizeof text - 1);
    jisr_textin *r = open_ok(p, 0);
    expect_para(r, "p1 l1\np1 l2", 2, 3);
    expect_para(r, "p2\r\nl2", 19, 7);
    expect_para(r, "p3", 29, 10);
    assert_int_equal(jisr_textin_next_paragraph(r, NULL, NULL, NULL, NULL), 0);
    jisr_textin_close(r);
}

static void test_empty_file(void **state)
{
    (void)state;
    const char *p = write_file("empty.txt", "", 0);
    jisr_textin *r = open_ok(p, 0);
    assert_int_equal(jisr_textin_next_paragraph(r, NULL, NULL, NULL, NULL), 0);
    jisr_textin_close(r);
    r = open_ok(p, 0);
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), 0);
    jisr_textin_close(r);
    /* only blank lines: no paragraph */
    p = write_file("blank.txt", "\n \n\t\r\n", 6);
    r = open_ok(p, 0);
    assert_int_equal(jisr_textin_next_paragraph(r, NULL, NULL, NULL, NULL), 0);
    jisr_textin_close(r);
    /* a BOM alone */
    p = write_file("bom.txt", "\xEF\xBB\xBF", 3);
    r = open_ok(p, 0);
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), 0);
    jisr_textin_close(r);
}

static void test_bom_and_utf16_streaming(void **state)
{
    (void)state;
    const char *p = write_file("bom8.txt", "\xEF\xBB\xBFone\ntwo", 10);
    jisr_textin *r = open_ok(p, 0);
    expect_line(r, "one", 0, 1); /* offsets are in the decoded text */
    expect_line(r, "two", 4, 2);
    jisr_textin_close(r);

    /* ~300 KiB of UTF-16 with surrogate pairs: chunk edges fall inside pairs somewhere */
    for (int be = 0; be < 2; be++) {
        const unsigned line_units[] = {'L', 0xD83D, 0xDE00, 0x0628, 0x00E9, '\r', '\n'};
        const size_t nl = sizeof line_units / sizeof line_units[0];
        size_t lines = 23000, n = 0;
        unsigned char *buf = malloc(2 + lines * nl * 2);
        buf[n++] = be ? 0xFE : 0xFF;
        buf[n++] = be ? 0xFF : 0xFE;
        for (size_t i = 0; i < lines; i++)
            for (size_t k = 0; k < nl; k++) {
                buf[n++] = (unsigned char)(be ? line_units[k] >> 8 : line_units[k] & 0xFF);
                buf[n++] = (unsigned char)(be ? line_units[k] & 0xFF : line_units[k] >> 8);
            }
        p = write_file(be ? "u16be.txt" : "u16le.txt", buf, n);
        free(buf);
        r = open_ok(p, 0);
        const char *want = "L\xF0\x9F\x98\x80\xD8\xA8\xC3\xA9";
        const size_t wl = strlen(want);
        const char *l;
        size_t len, count = 0;
        uint64_t off;
        unsigned long ln;
        int rc;
        while ((rc = jisr_textin_next_line(r, &l, &len, &off, &ln)) == 1) {
            if (len != wl || memcmp(l, want, wl) != 0 || off != count * (wl + 2) || ln != count + 1)
                fail_msg("line %zu differs", count + 1);
            count++;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(count, lines);
        jisr_textin_close(r);
    }
}

static void test_utf8_split_across_chunks(void **state)
{
    (void)state;
    /* 65535 ASCII bytes, then é and a 4-byte emoji straddling the 64 KiB chunk edge */
    size_t n = 65535;
    char *buf = malloc(n + 16);
    memset(buf, 'a', n);
    memcpy(buf + n, "\xC3\xA9\xF0\x9F\x98\x80\nz", 8);
    const char *p = write_file("split.txt", buf, n + 8);
    jisr_textin *r = open_ok(p, 0);
    const char *l;
    size_t len;
    assert_int_equal(jisr_textin_next_line(r, &l, &len, NULL, NULL), 1);
    assert_int_equal(len, n + 6);
    assert_memory_equal(l + n, "\xC3\xA9\xF0\x9F\x98\x80", 6);
    expect_line(r, "z", n + 7, 2);
    jisr_textin_close(r);
    free(buf);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    const char text[] = "ok1\nok2\nab\xFF"
                        "c\nmore\n";
    const char *p = write_file("bad.txt", text, sizeof text - 1);
    jisr_textin *r = open_ok(p, 0);
    /* the valid lines come first */
    expect_line(r, "ok1", 0, 1);
    expect_line(r, "ok2", 4, 2);
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), JISR_EENCODING);
    const jisr_error *e = jisr_error_last();
    assert_string_equal(e->file, p);
    assert_int_equal(e->line, 3);
    assert_int_equal(e->col, 3);
    assert_non_null(strstr(e->msg, "byte offset 10"));
    /* sticky */
    jisr_error_clear();
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), JISR_EENCODING);
    assert_int_equal(jisr_error_last()->line, 3);
    jisr_textin_close(r);

    /* far into the file: line numbers and offsets still right across chunks */
    size_t lines = 30000;
    char *buf = malloc(lines * 10 + 16);
    size_t n = 0;
    for (size_t i = 0; i < lines; i++)
        n += (size_t)sprintf(buf + n, "%08zu\n", i);
    memcpy(buf + n, "\xD9\x85\xD9\xFF\n", 5);
    p = write_file("badfar.txt", buf, n + 5);
    r = open_ok(p, 0);
    int rc;
    size_t got = 0;
    while ((rc = jisr_textin_next_line(r, NULL, NULL, NULL, NULL)) == 1)
        got++;
    assert_int_equal(got, lines);
    assert_int_equal(rc, JISR_EENCODING);
    e = jisr_error_last();
    assert_int_equal(e->line, lines + 1);
    assert_int_equal(e->col, 2);
    char want[64];
    snprintf(want, sizeof want, "byte offset %zu", n + 2);
    assert_non_null(strstr(e->msg, want));
    jisr_textin_close(r);

    /* lenient: U+FFFD and a count */
    r = open_ok(p, JISR_TEXT_LENIENT);
    got = 0;
    const char *l;
    size_t len;
    while ((rc = jisr_textin_next_line(r, &l, &len, NULL, NULL)) == 1)
        got++;
    assert_int_equal(rc, 0);
    assert_int_equal(got, lines + 1);
    assert_int_equal(len, 8);
    /* D9 (a lead byte whose follower is not a continuation) and FF: two replacements */
    assert_memory_equal(l, "\xD9\x85\xEF\xBF\xBD\xEF\xBF\xBD", 8);
    assert_int_equal(jisr_textin_replacements(r), 2);
    jisr_textin_close(r);
    free(buf);
}

static void test_binary(void **state)
{
    (void)state;
    const unsigned char elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, '\n', 'x', '\n'};
    const char *p = write_file("prog.bin", elf, sizeof elf);
    jisr_textin *r = open_ok(p, JISR_TEXT_LENIENT);
    /* no line is handed out before the error */
    assert_int_equal(jisr_textin_next_paragraph(r, NULL, NULL, NULL, NULL), JISR_EENCODING);
    assert_non_null(strstr(jisr_error_last()->msg, "binary"));
    assert_string_equal(jisr_error_last()->file, p);
    jisr_textin_close(r);
}

static void test_unreadable(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/does-not-exist.txt", g_dir);
    jisr_textin *r = (jisr_textin *)1;
    assert_int_equal(jisr_textin_open(&r, path, 0), JISR_EIO);
    assert_null(r);
    assert_string_equal(jisr_error_last()->file, path);
    assert_non_null(strstr(jisr_error_last()->msg, "No such file"));
    /* a directory */
    assert_int_equal(jisr_textin_open(&r, g_dir, 0), JISR_EIO);
    assert_non_null(strstr(jisr_error_last()->msg, "directory"));
    /* no permission (root reads anything: then only check it opens) */
    const char *p = write_file("secret.txt", "s\n", 2);
    chmod(p, 0);
    int rc = jisr_textin_open(&r, p, 0);
    if (geteuid() != 0) {
        assert_int_equal(rc, JISR_EIO);
        assert_non_null(strstr(jisr_error_last()->msg, "Permission denied"));
    } else {
        assert_int_equal(rc, 0);
        jisr_textin_close(r);
    }
}

static void test_stdin(void **state)
{
    (void)state;
    const char *p = write_file("stdin.txt", "from stdin\n", 11);
    int saved = dup(0), fd = open(p, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 0), 0);
    close(fd);
    jisr_textin *r = open_ok("-", 0);
    expect_line(r, "from stdin", 0, 1);
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), 0);
    jisr_textin_close(r);
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    /* stdin is not closed by jisr_textin_close: fd 0 is still valid */
    assert_true(fcntl(0, F_GETFD) != -1);
}

static void test_over_limit_bounded_memory(void **state)
{
    (void)state;
    /* a 64 MiB+ line with no newline after two short lines */
    char path[600];
    snprintf(path, sizeof path, "%s/huge.txt", g_dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("short\nline two\n", f);
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 65; i++)
        assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    assert_int_equal(fclose(f), 0);

    long rss0 = jisr_peak_rss_kib();
    jisr_textin *r = open_ok(path, 0);
    jisr_textin_set_limit(r, 1 << 20);
    expect_line(r, "short", 0, 1);
    expect_line(r, "line two", 6, 2);
    assert_int_equal(jisr_textin_next_line(r, NULL, NULL, NULL, NULL), JISR_ETOOBIG);
    const jisr_error *e = jisr_error_last();
    assert_string_equal(e->file, path);
    assert_int_equal(e->line, 3);
    assert_non_null(strstr(e->msg, "limit"));
    jisr_textin_close(r);
    long rss1 = jisr_peak_rss_kib();
    if (rss0 > 0 && rss1 > 0) {
        printf("peak RSS grew by %ld KiB reading a 65 MiB line (limit 1 MiB)\n", rss1 - rss0);
#if !defined(__SANITIZE_ADDRESS__) /* ASan's quarantine and shadow memory inflate RSS */
        assert_true(rss1 - rss0 < 8 * 1024);
#endif
    }

    /* paragraphs too, with the default limit (16 MiB): the huge line belongs to the paragraph
     * that starts at line 1 */
    r = open_ok(path, 0);
    assert_int_equal(jisr_textin_next_paragraph(r, NULL, NULL, NULL, NULL), JISR_ETOOBIG);
    assert_int_equal(jisr_error_last()->line, 1);
    assert_non_null(strstr(jisr_error_last()->msg, "paragraph"));
    jisr_textin_close(r);
    long rss2 = jisr_peak_rss_kib();
    if (rss0 > 0 && rss2 > 0) {
        printf("peak RSS grew by %ld KiB with the default 16 MiB limit\n", rss2 - rss0);
#if !defined(__SANITIZE_ADDRESS__)
        assert_true(rss2 - rss0 < 24 * 1024); /* 16 MiB limit + chunks, never 65 MiB */
#endif
    }

    /* a paragraph of many short lines over the limit */
    snprintf(path, sizeof path, "%s/longpara.txt", g_dir);
    f = fopen(path, "wb");
    for (int i = 0; i < 5000; i++)
        fputs("a line of the same paragraph\n", f);
    fclose(f);
    r = open_ok(path, 0);
    jisr_textin_set_limit(r, 64 * 1024);
    assert_int_equal(jisr_textin_next_paragraph(r, NULL, NULL, NULL, NULL), JISR_ETOOBIG);
    assert_int_equal(jisr_error_last()->line, 1);
    assert_non_null(strstr(jisr_error_last()->msg, "paragraph"));
    jisr_textin_close(r);
    /* the same file read by lines is fine */
    r = open_ok(path, 0);
    jisr_textin_set_limit(r, 64 * 1024);
    int n = 0, rc;
    while ((rc = jisr_textin_next_line(r, NULL, NULL, NULL, NULL)) == 1)
        n++;
    assert_int_equal(rc, 0);
    assert_int_equal(n, 5000);
    jisr_textin_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_utf8),
        cmocka_unit_test(test_decode_utf16),
        cmocka_unit_test(test_lines_and_crlf),
        cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_bom_and_utf16_streaming),
        cmocka_unit_test(test_utf8_split_across_chunks),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_over_limit_bounded_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
