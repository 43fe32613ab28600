/*
 * common.c — what every format shares, below the formats and above the unit model: opening an
 * input (and recording it among the command's inputs, so no output can replace it), the line
 * reader settings of the line formats, reporting a skipped unit, the sticky write error, UTF-8
 * and XML escaping helpers, and the Moses target file's name. io.c dispatches to the formats;
 * the formats call only this file and unit.c, never io.c or each other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/formats_int.h"
#include "util/utf8.h"

size_t fmt_line_max = JISR_LINE_MAX;

void fmt_reader_bad(jisr_reader *r)
{
    if (r->on_bad)
        r->on_bad(r->ctx, jisr_error_last());
}

int fmt_writer_flush(jisr_writer *w, FILE *f, jisr_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len) {
        jisr_buf_reset(b);
        return w->err = jisr_error_set(JISR_EIO, f == w->f2 ? w->path2 : w->path, 0, 0,
                                       "write failed: %s", strerror(errno));
    }
    jisr_buf_reset(b);
    return 0;
}

int fmt_check_utf8(const char *s, size_t n, size_t *bad_at)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, len; i < n; i += len) {
        if (p[i] < 0x80) {
            len = 1;
            continue;
        }
        if (jisr_utf8_decode(p, n, i, &len) < 0) {
            if (bad_at)
                *bad_at = i;
            return JISR_EENCODING;
        }
    }
    return 0;
}

int fmt_open_input(jisr_reader *r, const char *path, FILE **out)
{
    *out = NULL;
    if (strcmp(path, "-") == 0) {
        *out = stdin;
        return jisr_fileset_add_fd(r->files, 0);
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return jisr_error_set(JISR_EIO, path, 0, 0, "is a directory");
    }
    int rc = jisr_fileset_add_fd(r->files, fileno(f));
    if (rc < 0) {
        fclose(f);
        return rc;
    }
    *out = f;
    return 0;
}

int fmt_open_lines(jisr_reader *r, const char *path, const char *name, jisr_lines **out)
{
    *out = NULL;
    FILE *f;
    int rc = fmt_open_input(r, path, &f);
    if (rc < 0)
        return rc;
    /* NUL is refused as segment and align refuse binary input: a C string would silently end
     * at it (the rest of the field lost) */
    return jisr_lines_open_stream(out, f, f != stdin, name, JISR_LINES_UTF8 | JISR_LINES_NO_NUL);
}

char *fmt_moses_path2(const char *path, const char *path2, const char *src, const char *tgt)
{
    if (path2)
        return jisr_strdup(path2);
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!tgt || !dot || (slash && dot < slash)) {
        jisr_error_set(JISR_EINVAL, path, 0, 0,
                       "Moses needs the target file: name it, or give the target language so "
                       "that FILE.%s can be derived",
                       tgt ? tgt : "LANG");
        return NULL;
    }
    jisr_buf b = {0};
    if (jisr_buf_append(&b, path, (size_t)(dot - path) + 1) < 0 || jisr_buf_puts(&b, tgt) < 0) {
        jisr_buf_free(&b);
        return NULL;
    }
    if (strcmp(b.data, path) == 0) {
        jisr_buf_free(&b);
        jisr_error_set(JISR_EINVAL, path, 0, 0,
                       "Moses source and target would be the same file (source language %s)",
                       src ? src : "?");
        return NULL;
    }
    return b.data;
}

int fmt_xml_escape(jisr_buf *b, const char *s, size_t n, int quote)
{
    size_t start = 0;
    int rc;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        case '"':
            rep = quote ? "&quot;" : NULL;
            break;
        case '\t':
            rep = quote ? "&#9;" : NULL;
            break;
        case '\n':
            rep = quote ? "&#10;" : NULL;
            break;
        default:
            break;
        }
        if (!rep)
            continue;
        if ((rc = jisr_buf_append(b, s + start, i - start)) < 0 || (rc = jisr_buf_puts(b, rep)) < 0)
            return rc;
        start = i + 1;
    }
    return jisr_buf_append(b, s + start, n - start);
}
