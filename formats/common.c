/*
 * common.c — what every format shares, below the formats and above the unit model: opening an
 * input (and recording it among the command's inputs, so no output can replace it), the line
 * reader settings of the line formats, reporting a skipped unit, the sticky write error, UTF-8
 * and XML escaping helpers, and the Moses target file's name. io.c dispatches to the formats;
 * the formats call only this file and unit.c, never io.c or each other.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

void fmt_reader_warn(jisr_reader *r, unsigned long line, unsigned long col, const char *fmt, ...)
{
    if (!r->on_warning)
        return;
    jisr_error w;
    memset(&w, 0, sizeof w);
    w.code = JISR_EPARSE;
    snprintf(w.file, sizeof w.file, "%s", r->path ? r->path : "");
    w.line = line;
    w.col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w.msg, sizeof w.msg, fmt, ap);
    va_end(ap);
    r->on_warning(r->warning_ctx, &w);
}

void fmt_date_warning(char *out, size_t size, const char *attr, const char *value, const char *what)
{
    /* the value as it can be shown on a terminal: at most 40 bytes, not cut inside a character,
     * control characters as '?' */
    char v[48];
    size_t n = 0;
    for (; value[n] && n < 40; n++)
        v[n] = (unsigned char)value[n] < 0x20 || value[n] == 0x7F ? '?' : value[n];
    int more = value[n] != '\0';
    while (more && n > 0 && ((unsigned char)value[n] & 0xC0) == 0x80)
        n--;
    v[n] = '\0';
    snprintf(out, size,
             "%s=\"%s%s\" of %s is not a date (YYYYMMDDThhmmssZ, or ISO 8601 as in "
             "2019-03-04T10:11:12Z): left out",
             attr, v, more ? "…" : "", what);
}

int fmt_meta_dates(jisr_reader *r, jisr_meta *m, const char *what, unsigned long line,
                   unsigned long col)
{
    static const char *const names[3] = {"creationdate", "changedate", "lastusagedate"};
    char **slots[3] = {&m->creationdate, &m->changedate, &m->lastusagedate};
    for (int i = 0; i < 3; i++) {
        int rc = fmt_date_norm(slots[i]);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            char msg[512];
            fmt_date_warning(msg, sizeof msg, names[i], *slots[i], what);
            fmt_reader_warn(r, line, col, "%s", msg);
            free(*slots[i]);
            *slots[i] = NULL;
        }
    }
    return 0;
}

int fmt_check_breaks(jisr_reader *r, jisr_unit *u)
{
    /* the first U+000B or U+000C of a text (jisr_unit_check makes them line feeds) */
    const char *lang = NULL;
    unsigned cp = 0;
    size_t at = 0;
    for (size_t i = 0; i < u->nvariants && !lang; i++) {
        const char *t = u->variants[i].text;
        for (size_t k = 0, chars = 0; t && t[k]; k++) {
            chars += ((unsigned char)t[k] & 0xC0) != 0x80;
            if (t[k] == 0x0B || t[k] == 0x0C) {
                lang = u->variants[i].lang;
                cp = (unsigned char)t[k];
                at = chars;
                break;
            }
        }
    }
    int rc = jisr_unit_check(u, r->path);
    if (rc >= 0 && lang)
        fmt_reader_warn(
            r, u->line, u->col,
            "the %.60s text holds U+%04X (%s, character %zu), which TMX cannot carry: "
            "read as a line feed",
            lang, cp,
            cp == 0x0B ? "vertical tab: Word's line break" : "form feed: Word's page break", at);
    return rc;
}

int fmt_refuse_utf16(const unsigned char *h, size_t n, const char *name)
{
    const char *enc;
    char why[64];
    if (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF))) {
        enc = "UTF-16";
        snprintf(why, sizeof why, "it starts with the byte-order mark %02X %02X", h[0], h[1]);
    } else if (n >= 2 && ((h[0] && h[0] < 0x80 && !h[1]) || (!h[0] && h[1] && h[1] < 0x80))) {
        enc = h[0] ? "UTF-16LE" : "UTF-16BE";
        snprintf(why, sizeof why, "it starts with an ASCII character and a NUL byte");
    } else {
        return 0;
    }
    if (!name || !*name || name[0] == '<')
        return jisr_error_set(JISR_EENCODING, name, 1, 1,
                              "the input looks like %s (%s), not UTF-8: convert it first, e.g. "
                              "through iconv -f %s -t UTF-8",
                              enc, why, enc);
    /* the converted file's name: ".utf8" before the extension */
    const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
    int cut = dot && dot > (slash ? slash + 1 : name) ? (int)(dot - name) : (int)strlen(name);
    return jisr_error_set(JISR_EENCODING, name, 1, 1,
                          "the file looks like %s (%s), not UTF-8: convert it first, e.g. iconv "
                          "-f %s -t UTF-8 %s > %.*s.utf8%s",
                          enc, why, enc, name, cut, name, name + cut);
}

int fmt_refuse_utf16_stream(FILE *f, const char *name)
{
    unsigned char h[2];
    size_t n = 0;
    int c;
    while (n < sizeof h && (c = getc(f)) != EOF)
        h[n++] = (unsigned char)c;
    /* the bytes go back for the reader (glibc and musl take back more than one) */
    for (size_t i = n; i-- > 0;)
        ungetc(h[i], f);
    return fmt_refuse_utf16(h, n, name);
}

int fmt_xml_utf8_message(const char *raw, const char *declared, char *out, size_t size)
{
    if (!raw || strncmp(raw, "Input is not proper UTF-8", 25) != 0)
        return 0;
    const char *b = strstr(raw, "Bytes: 0x");
    unsigned long byte = b ? strtoul(b + 7, NULL, 16) : 0;
    char what[32] = "";
    if (b)
        snprintf(what, sizeof what, " (byte 0x%02lX)", byte & 0xFF);
    if (declared && *declared)
        snprintf(out, size,
                 "not valid UTF-8%s: the file says %.40s; convert it to UTF-8 or fix its encoding "
                 "declaration",
                 what, declared);
    else
        snprintf(out, size,
                 "not valid UTF-8%s: the file declares no encoding, so it is read as UTF-8; "
                 "convert it to UTF-8 or declare its encoding (<?xml version=\"1.0\" "
                 "encoding=\"ISO-8859-1\"?>)",
                 what);
    return 1;
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
    if ((rc = fmt_refuse_utf16_stream(f, name)) < 0) {
        if (f != stdin)
            fclose(f);
        return rc;
    }
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
