/*
 * fuzz_text.c — libFuzzer target for the text layer's handling of untrusted bytes: decoding
 * (strict and lenient), the streaming reader (through a pipe, with a small line limit, by lines
 * and by paragraphs), normalisation under several flag sets and tokenization. Besides crashes it
 * checks properties and aborts when one fails: the fast paths agree with ICU, token spans are
 * ordered and inside the string, and the lines the reader returns are exactly the decoded text
 * at their offsets.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text/text.h"
#include "text/text_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jisr_tokenizer *g_tk;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_text: property failed: %s\n", what);
        abort();
    }
}

static void norm_check(const char *s, size_t n, unsigned flags)
{
    jisr_buf a = {0}, b = {0};
    txt_norm_force_icu = 0;
    int ra = jisr_text_normalize(s, n, flags, &a);
    txt_norm_force_icu = 1;
    int rb = jisr_text_normalize(s, n, flags, &b);
    txt_norm_force_icu = 0;
    check(ra == 0 && rb == 0, "normalize succeeds");
    check(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0),
          "normalize fast path == ICU");
    jisr_buf_free(&a);
    jisr_buf_free(&b);
}

static void tok_check(const char *s, size_t n)
{
    jisr_tokens t = {0}, u = {0};
    txt_tok_force_icu = 0;
    check(jisr_tokenizer_run(g_tk, s, n, &t) == 0, "tokenize succeeds");
    txt_tok_force_icu = 1;
    check(jisr_tokenizer_run(g_tk, s, n, &u) == 0, "tokenize (ICU) succeeds");
    txt_tok_force_icu = 0;
    check(t.n == u.n, "token count fast == ICU");
    size_t prev = 0;
    for (size_t i = 0; i < t.n; i++) {
        check(t.v[i].start == u.v[i].start && t.v[i].end == u.v[i].end &&
                  t.v[i].kind == u.v[i].kind,
              "token fast == ICU");
        check(t.v[i].start >= prev && t.v[i].end > t.v[i].start && t.v[i].end <= n,
              "token spans ordered and in bounds");
        prev = t.v[i].end;
    }
    jisr_tokens_free(&t);
    jisr_tokens_free(&u);
}

/* Streams data through a pipe into jisr_textin; every line must equal the decoded text at its
 * offset when decoding the whole buffer succeeded. */
static void textin_check(const uint8_t *data, size_t size, unsigned flags, int paragraphs,
                         const char *dec, size_t dec_len, int dec_ok)
{
    int fds[2];
    if (size > 60000 || pipe(fds) != 0)
        return;
    if (write(fds[1], data, size) != (ssize_t)size) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    jisr_textin *r;
    if (jisr_textin_open(&r, path, flags) == 0) {
        jisr_textin_set_limit(r, 512);
        const char *l;
        size_t len;
        uint64_t off;
        unsigned long ln, last_ln = 0;
        int rc;
        for (;;) {
            rc = paragraphs ? jisr_textin_next_paragraph(r, &l, &len, &off, &ln)
                            : jisr_textin_next_line(r, &l, &len, &off, &ln);
            if (rc != 1)
                break;
            check(len <= 512 + 1, "line within the limit");
            check(ln > last_ln, "line numbers increase");
            last_ln = ln;
            if (dec_ok)
                check(off + len <= dec_len && memcmp(dec + off, l, len) == 0,
                      "textin line == decoded text at its offset");
        }
        check(rc <= 0, "reader ends or fails");
        if (rc < 0)
            check(jisr_textin_next_line(r, &l, &len, &off, &ln) == rc, "errors are sticky");
        jisr_textin_close(r);
    }
    close(fds[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_tk && jisr_tokenizer_new(&g_tk) != 0)
        abort();
    for (unsigned lenient = 0; lenient < 2; lenient++) {
        char *out = NULL;
        size_t len = 0, rep = 0;
        unsigned flags = lenient ? JISR_TEXT_LENIENT : 0;
        int rc = jisr_text_decode("fuzz", data, size, flags, &out, &len, &rep);
        check(rc == 0 || rc == JISR_EENCODING, "decode returns 0 or EENCODING");
        check(rc != 0 || out[len] == '\0', "decoded text is NUL-terminated");
        textin_check(data, size, flags, (int)(size & 1), out, len, rc == 0);
        if (rc == 0 && lenient) {
            /* decoded text is valid UTF-8: its normalisation and tokens */
            unsigned f0 = size ? data[0] : 0, f1 = size > 1 ? data[1] : 0;
            unsigned sets[] = {0,
                               JISR_NORM_MATCH,
                               JISR_NORM_MATCH | JISR_NORM_TAMARBUTA,
                               JISR_NORM_NFKC,
                               JISR_NORM_CASEFOLD,
                               (f0 | f1 << 8) & 0x1FF};
            for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
                norm_check(out, len, sets[i]);
            tok_check(out, len);
            jisr_buf nb = {0};
            if (jisr_text_normalize(out, len, JISR_NORM_MATCH, &nb) == 0)
                tok_check(nb.data, nb.len);
            jisr_buf_free(&nb);
        }
        free(out);
    }
    /* the raw bytes too: normalise and tokenize must cope with invalid UTF-8 */
    norm_check((const char *)data, size, JISR_NORM_MATCH);
    tok_check((const char *)data, size);
    return 0;
}
