/*
 * fuzz_linereader.c — libFuzzer target for util's line reader and the line formats over it, with
 * a tiny line limit (1–64 bytes, from the first input byte) so that over-long lines, and lines
 * with a NUL or bad UTF-8, are the common case. It checks the reader's promises, aborting on a
 * broken one:
 *   - every call that returns a line or a per-line error advances the line number by one;
 *   - after a per-line error the next line starts right after a '\n' (the bad line was consumed
 *     whole, so its tail is never handed out as a line of its own);
 *   - a returned line is exactly the bytes at its offset (less a CR, and a BOM on line 1), within
 *     the limit; the whole input is consumed at the end;
 *   - memory, descriptor and stdio sources give the same results;
 *   - the TSV and JSONL readers with JISR_READ_SKIP_BAD only return units from lines within the
 *     limit (a unit hidden at the end of an over-long line is never read).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/formats_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXCALLS 4096

typedef struct result {
    int rc;
    unsigned long lineno;
    uint64_t offset;
    size_t len;
} result;

static size_t run(jisr_lines *l, const uint8_t *data, size_t size, size_t max, unsigned flags,
                  result *out)
{
    size_t k = 0;
    unsigned long prev = 0;
    int after_error = 0;
    for (; k < MAXCALLS; k++) {
        const char *s;
        size_t n;
        int rc = jisr_lines_next(l, &s, &n);
        memset(&out[k], 0, sizeof out[k]);
        out[k].rc = rc;
        if (rc == 0 || rc == JISR_EIO || rc == JISR_ENOMEM)
            break;
        unsigned long no = jisr_lines_lineno(l);
        uint64_t off = jisr_lines_offset(l);
        out[k].lineno = no;
        out[k].offset = off;
        out[k].len = rc == 1 ? n : 0;
        if (no != prev + 1)
            abort(); /* a line number skipped or repeated */
        prev = no;
        if (after_error && off > 0 && data[off - 1] != '\n')
            abort(); /* the line after a bad one does not start a line */
        if (rc == 1) {
            if (n > max || s[n] != '\0')
                abort();
            size_t skip = 0;
            if (no == 1 && (flags & JISR_LINES_UTF8) && size - off >= 3 &&
                memcmp(data + off, "\xEF\xBB\xBF", 3) == 0)
                skip = 3;
            if (off + skip + n > size || memcmp(data + off + skip, s, n) != 0)
                abort(); /* not the bytes of the input at that offset */
        }
        after_error = rc < 0;
    }
    if (out[k].rc == 0 && jisr_lines_consumed(l) != size)
        abort();
    return k;
}

static void lines_sources(const uint8_t *data, size_t size, size_t max, unsigned flags)
{
    static result a[MAXCALLS + 1], b[MAXCALLS + 1];
    jisr_lines *l;
    if (jisr_lines_open_memory(&l, data, size, "fuzz", flags) < 0)
        return;
    jisr_lines_set_max(l, max);
    size_t na = run(l, data, size, max, flags, a);
    jisr_lines_close(l);

    /* the same bytes through stdio, then through a descriptor (a pipe when it fits) */
    FILE *f = size ? fmemopen((void *)(uintptr_t)data, size, "rb") : NULL;
    if (f && jisr_lines_open_stream(&l, f, 1, "fuzz", flags) == 0) {
        jisr_lines_set_max(l, max);
        size_t nb = run(l, data, size, max, flags, b);
        if (nb != na || memcmp(a, b, (na + 1) * sizeof *a) != 0)
            abort();
        jisr_lines_close(l);
    }
    int p[2];
    if (size < 60000 && pipe(p) == 0) {
        if (write(p[1], data, size) == (ssize_t)size) {
            close(p[1]);
            if (jisr_lines_open_fd(&l, p[0], 1, "fuzz", flags) == 0) {
                jisr_lines_set_max(l, max);
                size_t nb = run(l, data, size, max, flags, b);
                if (nb != na || memcmp(a, b, (na + 1) * sizeof *a) != 0)
                    abort();
                jisr_lines_close(l);
            }
        } else {
            close(p[0]);
            close(p[1]);
        }
    }
}

/* Length of line number no (1-based) of data, without its "\n" or "\r\n". */
static size_t line_length(const uint8_t *data, size_t size, unsigned long no)
{
    size_t i = 0;
    for (unsigned long k = 1; k < no && i < size; k++) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        if (!nl)
            return 0;
        i = (size_t)(nl - data) + 1;
    }
    const uint8_t *nl = memchr(data + i, '\n', size - i);
    size_t n = nl ? (size_t)(nl - data) - i : size - i;
    if (n && data[i + n - 1] == '\r')
        n--;
    return n;
}

static void on_bad(void *ctx, const jisr_error *e)
{
    (void)ctx;
    (void)e;
}

static void units(const uint8_t *data, size_t size, size_t max, jisr_format fmt)
{
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = fmt;
    ro.flags = JISR_READ_SKIP_BAD;
    ro.srclang = "ar";
    ro.tgtlang = "en";
    ro.on_bad = on_bad;
    jisr_reader *r;
    fmt_line_max = max;
    if (jisr_reader_open_memory(&r, "fuzz", data, size, &ro) == 0) {
        jisr_unit u;
        jisr_unit_init(&u);
        for (int k = 0; k < MAXCALLS && jisr_reader_next(r, &u) > 0; k++)
            if (u.line == 0 || line_length(data, size, u.line) > max)
                abort(); /* a unit from an over-long line */
        jisr_unit_clear(&u);
        jisr_reader_close(r);
    }
    fmt_line_max = JISR_LINE_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t max = 1 + data[0] % 64;
    unsigned flags = (data[0] >> 6) & 3; /* JISR_LINES_UTF8, JISR_LINES_NO_NUL */
    data++;
    size--;
    lines_sources(data, size, max, flags);
    lines_sources(data, size, max, flags | JISR_LINES_KEEP_CR);
    units(data, size, max, JISR_FMT_TSV);
    units(data, size, max, JISR_FMT_JSONL);
    return 0;
}
