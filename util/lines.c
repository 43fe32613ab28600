/*
 * lines.c — the one line reader of the library: a file, a descriptor, a stdio stream or a memory
 * buffer, split into lines with their numbers and byte offsets, each line bounded in length.
 *
 * Input is read in 64 KiB chunks into one buffer; a line that lies inside the chunk is handed
 * out in place (its '\n' overwritten by the NUL), so the usual short lines cost one memchr and
 * no copy. Only a line that straddles chunks is assembled in a second buffer, which never grows
 * past the limit: once a line is known to be too long its bytes are dropped as they arrive and
 * the reader carries on to the line's end before it reports JISR_ETOOBIG. That last point is the
 * reason this file exists: a reader that returned the error where it stopped would hand the rest
 * of the over-long line to the next call as if it were a line of its own, and a caller that
 * skips bad lines would parse the tail of a hostile line as a record. Every per-line error
 * (too long, NUL byte, invalid UTF-8) is reported after the whole line has been consumed, so
 * the next call always starts at the next line; only I/O and memory errors are sticky.
 *
 * Errors name the column in code points (as the JSON reader and the documentation do), and say
 * what the input more likely is when it is not UTF-8: UTF-16 without a byte-order mark (NUL
 * bytes every other byte) or windows-1256, with the iconv command that converts it. Line ends
 * are '\n' and "\r\n"; a text reader (JISR_LINES_UTF8) refuses a '\r' left inside a line,
 * which is what old Mac line ends (a lone '\r') would otherwise become: one line glued from
 * many, the rest of the file read as the first line's last field.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utf8.h"
#include "util/util.h"
#include "util/util_int.h"

#define CHUNK (64u << 10)

enum { SRC_FD, SRC_FILE, SRC_MEM };

struct jisr_lines {
    int src;
    int fd, own_fd;
    FILE *f;
    int own_f;
    const unsigned char *mem;
    size_t mem_n;
    char *name;
    unsigned flags;
    size_t max;
    unsigned char *buf; /* the chunk (SRC_FD, SRC_FILE); mem for SRC_MEM */
    size_t start, end;  /* unread bytes of buf */
    jisr_buf line;      /* a line assembled across chunks (or copied out of mem) */
    unsigned long lineno;
    uint64_t offset;   /* offset of the line last returned */
    uint64_t consumed; /* bytes consumed so far */
    int eof;
    int lf_seen; /* a line has ended in '\n': a carriage return inside a line is a stray one */
    int bom16;   /* the input starts with a UTF-16 byte-order mark: 1 LE, 2 BE */
    int err;     /* sticky I/O or memory error */
    jisr_error saved;
};

static int lines_new(jisr_lines **out, int src, const char *name, unsigned flags)
{
    *out = NULL;
    jisr_lines *l = calloc(1, sizeof *l);
    if (!l)
        return jisr_oom(sizeof *l);
    l->src = src;
    l->fd = -1;
    l->flags = flags;
    l->max = JISR_LINES_MAX_DEFAULT;
    l->name = jisr_strdup(name ? name : "<input>");
    if (!l->name) {
        free(l);
        return jisr_oom(0);
    }
    if (src != SRC_MEM && !(l->buf = malloc(CHUNK + 1))) {
        free(l->name);
        free(l);
        return jisr_oom(CHUNK + 1);
    }
    *out = l;
    return 0;
}

int jisr_lines_open_fd(jisr_lines **out, int fd, int own, const char *name, unsigned flags)
{
    /* a descriptor handed over (own) is closed on every error, a NULL out's too */
    int rc = out ? lines_new(out, SRC_FD, name, flags) : jisr_null_arg("jisr_lines_open_fd", "out");
    if (rc < 0) {
        if (own && fd >= 0)
            close(fd);
        return rc;
    }
    (*out)->fd = fd;
    (*out)->own_fd = own;
    return 0;
}

int jisr_lines_open_stream(jisr_lines **out, FILE *f, int own, const char *name, unsigned flags)
{
    /* a stream handed over (own) is closed on every error, a NULL out's too */
    int rc = !out ? jisr_null_arg("jisr_lines_open_stream", "out")
             : !f ? jisr_null_arg("jisr_lines_open_stream", "f")
                  : lines_new(out, SRC_FILE, name, flags);
    if (rc < 0) {
        if (out)
            *out = NULL;
        if (own && f)
            fclose(f);
        return rc;
    }
    (*out)->f = f;
    (*out)->own_f = own;
    return 0;
}

int jisr_lines_open_memory(jisr_lines **out, const void *data, size_t n, const char *name,
                           unsigned flags)
{
    if (!out)
        return jisr_null_arg("jisr_lines_open_memory", "out");
    *out = NULL;
    if (!data && n) /* NULL and 0 is an empty input */
        return jisr_null_arg("jisr_lines_open_memory", "data");
    int rc = lines_new(out, SRC_MEM, name, flags);
    if (rc < 0)
        return rc;
    (*out)->mem = data;
    (*out)->mem_n = n;
    (*out)->buf = (unsigned char *)(uintptr_t)data; /* read only: SRC_MEM never writes buf */
    (*out)->end = (*out)->mem_n;
    (*out)->eof = 1;
    return 0;
}

int jisr_lines_open(jisr_lines **out, const char *path, unsigned flags)
{
    if (!out)
        return jisr_null_arg("jisr_lines_open", "out");
    *out = NULL;
    if (!path)
        return jisr_null_arg("jisr_lines_open", "path");
    if (strcmp(path, "-") == 0)
        return jisr_lines_open_fd(out, 0, 0, "<stdin>", flags);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return jisr_error_set(JISR_EIO, path, 0, 0, "is a directory");
    }
    return jisr_lines_open_fd(out, fd, 1, path, flags);
}

void jisr_lines_set_max(jisr_lines *l, size_t max)
{
    if (l)
        l->max = max ? max : JISR_LINES_MAX_DEFAULT;
}

int jisr_lines_utf16_bom(const jisr_lines *l)
{
    return l ? l->bom16 : 0;
}

unsigned long jisr_lines_lineno(const jisr_lines *l)
{
    return l ? l->lineno : 0;
}

uint64_t jisr_lines_offset(const jisr_lines *l)
{
    return l ? l->offset : 0;
}

uint64_t jisr_lines_consumed(const jisr_lines *l)
{
    return l ? l->consumed : 0;
}

const char *jisr_lines_name(const jisr_lines *l)
{
    return l ? l->name : "";
}

void jisr_lines_close(jisr_lines *l)
{
    if (!l)
        return;
    if (l->own_fd && l->fd >= 0)
        close(l->fd);
    if (l->own_f && l->f)
        fclose(l->f);
    if (l->src != SRC_MEM)
        free(l->buf);
    jisr_buf_free(&l->line);
    free(l->name);
    free(l);
}

static int sticky(jisr_lines *l, int code)
{
    l->err = code;
    l->saved = *jisr_error_last();
    return code;
}

/* Read the next chunk into buf (SRC_FD, SRC_FILE): 0, or a sticky error. */
static int fill(jisr_lines *l)
{
    size_t got;
    if (l->src == SRC_FD) {
        ssize_t n;
        do
            n = read(l->fd, l->buf, CHUNK);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return sticky(l, jisr_error_set(JISR_EIO, l->name, l->lineno + 1, 0, "read failed: %s",
                                            strerror(errno)));
        got = (size_t)n;
    } else {
        got = fread(l->buf, 1, CHUNK, l->f);
        if (got == 0 && ferror(l->f))
            return sticky(l, jisr_error_set(JISR_EIO, l->name, l->lineno + 1, 0, "read failed: %s",
                                            strerror(errno)));
    }
    l->start = 0;
    l->end = got;
    if (got == 0)
        l->eof = 1;
    return 0;
}

/* The column of byte i of s[0..n): the code points before it, plus 1 (a byte that is no part of
 * a valid sequence counts as one), as the JSON reader and the documentation count columns. */
static unsigned long col_at(const char *s, size_t n, size_t i)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long col = 1;
    for (size_t k = 0, len; k < i; k += len, col++)
        if (p[k] < 0x80)
            len = 1;
        else
            jisr_utf8_decode(p, n, k, &len); /* 1 when invalid */
    return col;
}

/* How the error names a converted copy of the input: "iconv … FILE > FILE.utf8" ('.utf8' before
 * the extension), or "the input" for standard input and buffers. */
static void convert_hint(const jisr_lines *l, const char *enc, char *out, size_t outsz)
{
    const char *name = l->name;
    if (!*name || name[0] == '<') {
        snprintf(out, outsz, "iconv -f %s -t UTF-8", enc);
        return;
    }
    const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
    int cut = dot && dot > (slash ? slash + 1 : name) ? (int)(dot - name) : (int)strlen(name);
    snprintf(out, outsz, "iconv -f %s -t UTF-8 %s > %.*s.utf8%s", enc, name, cut, name, name + cut);
}

/* NUL bytes that come every other byte (all at even or all at odd offsets of the input, at least
 * two, never two in a row): UTF-16 without a byte-order mark, whose ASCII characters are a byte
 * and a NUL. at is the input offset of s. 1: UTF-16LE (the NUL after), 2: UTF-16BE, 0: neither. */
static int utf16_nuls(const char *s, size_t n, uint64_t at)
{
    size_t par[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (s[i])
            continue;
        if (i + 1 < n && !s[i + 1])
            return 0;
        par[(at + i) & 1]++;
    }
    if (par[0] + par[1] < 2 || (par[0] && par[1]))
        return 0;
    return par[1] ? 1 : 2;
}

/* A line of Arabic in windows-1256 rather than of UTF-8 with an error: its bytes above 0x7F are
 * mostly Arabic words there (runs of such bytes with two letters or more: at least four bytes,
 * and five times those of other runs), and more of them than of valid UTF-8 sequences. */
static int looks_cp1256(const unsigned char *p, size_t n)
{
    size_t arabic, other, good = 0, bad = 0;
    jisr_cp1256_words(p, n, &arabic, &other);
    for (size_t k = 0, len; k < n; k += len) {
        if (p[k] < 0x80)
            len = 1;
        else if (jisr_utf8_decode(p, n, k, &len) < 0)
            bad++;
        else
            good += len;
    }
    return arabic >= 4 && other * 5 <= arabic && good < bad;
}

static int utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, len = 1; i < n; i += len) {
        len = 1;
        if (p[i] >= 0x80 && jisr_utf8_decode(p, n, i, &len) < 0)
            return 0;
    }
    return 1;
}

/* Checks of a complete line s[0..n) (n <= max), which starts at input offset at: 0, or a
 * per-line error. Columns are counted in code points. */
static int check_line(jisr_lines *l, char *s, size_t n, uint64_t at)
{
    char hint[1200];
    /* UTF-16 with its byte-order mark (Notepad's "Unicode"): line 1 starts with FF FE or FE FF.
     * Said as such on that line and on every later line the reader refuses: the NUL bytes and
     * the invalid UTF-8 are only its symptoms (they were named "UTF-16 without a byte-order
     * mark", or 0xFF). The lines themselves are still refused one by one, as any bad line. */
    if (at == 0 && n >= 2 && (l->flags & (JISR_LINES_NO_NUL | JISR_LINES_UTF8))) {
        const unsigned char *u = (const unsigned char *)s;
        l->bom16 = u[0] == 0xFF && u[1] == 0xFE ? 1 : u[0] == 0xFE && u[1] == 0xFF ? 2 : 0;
        /* UTF-32's marks: FF FE 00 00 (LE, UTF-16LE's and a NUL character) and 00 00 FE FF */
        if (n >= 4 &&
            ((l->bom16 == 1 && !u[2] && !u[3]) || (!u[0] && !u[1] && u[2] == 0xFE && u[3] == 0xFF)))
            l->bom16 = l->bom16 == 1 ? 3 : 4;
    }
    if (l->bom16 && (((l->flags & JISR_LINES_NO_NUL) && memchr(s, '\0', n)) || at == 0 ||
                     ((l->flags & JISR_LINES_UTF8) && !utf8_ok(s, n)))) {
        static const char *const enc[] = {"", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"};
        int u32 = l->bom16 > 2;
        convert_hint(l, u32 ? "UTF-32" : "UTF-16", hint, sizeof hint);
        return jisr_error_set(JISR_EENCODING, l->name, l->lineno, 1,
                              "the %s is %s (it starts with a %s byte-order mark), not "
                              "UTF-8: convert it first, e.g. %s",
                              l->name[0] == '<' ? "input" : "file", enc[l->bom16],
                              u32 ? "UTF-32" : "UTF-16", hint);
    }
    const char *nul = (l->flags & JISR_LINES_NO_NUL) ? memchr(s, '\0', n) : NULL;
    if (nul) {
        unsigned long col = col_at(s, n, (size_t)(nul - s));
        int u16 = utf16_nuls(s, n, at);
        if (u16) {
            const char *enc = u16 == 1 ? "UTF-16LE" : "UTF-16BE";
            convert_hint(l, enc, hint, sizeof hint);
            return jisr_error_set(JISR_EENCODING, l->name, l->lineno, col,
                                  "NUL byte: the %s looks like %s without a byte-order mark (a "
                                  "NUL byte every other byte), not UTF-8: convert it first, e.g. "
                                  "%s",
                                  l->name[0] == '<' ? "input" : "file", enc, hint);
        }
        return jisr_error_set(JISR_EENCODING, l->name, l->lineno, col,
                              "NUL byte (binary data?): a text field cannot hold it");
    }
    if (l->flags & JISR_LINES_UTF8) {
        const unsigned char *p = (const unsigned char *)s;
        for (size_t i = 0, len; i < n; i += len) {
            if (p[i] < 0x80) {
                len = 1;
                continue;
            }
            if (jisr_utf8_decode(p, n, i, &len) >= 0)
                continue;
            unsigned long col = col_at(s, n, i);
            if (looks_cp1256(p, n)) {
                convert_hint(l, "CP1256", hint, sizeof hint);
                return jisr_error_set(JISR_EENCODING, l->name, l->lineno, col,
                                      "invalid UTF-8 (byte 0x%02X): the %s looks like "
                                      "windows-1256 (Arabic), not UTF-8: convert it first, e.g. %s",
                                      (unsigned)p[i], l->name[0] == '<' ? "input" : "file", hint);
            }
            return jisr_error_set(JISR_EENCODING, l->name, l->lineno, col,
                                  "invalid UTF-8 (byte 0x%02X)", (unsigned)p[i]);
        }
    }
    /* a carriage return left inside a line (one before the '\n' is the line end's): old Mac
     * line ends, which a line reader splitting at '\n' would glue into one line, or a stray one
     * that would end up inside a stored text */
    const char *cr = (l->flags & JISR_LINES_UTF8) && !(l->flags & JISR_LINES_KEEP_CR)
                         ? memchr(s, '\r', n)
                         : NULL;
    if (cr) {
        unsigned long col = col_at(s, n, (size_t)(cr - s));
        if (l->lf_seen)
            return jisr_error_set(JISR_EPARSE, l->name, l->lineno, col,
                                  "carriage return inside a line (a text field cannot hold it; "
                                  "line ends are a line feed or a carriage return and a line "
                                  "feed)");
        if (!*l->name || l->name[0] == '<') {
            snprintf(hint, sizeof hint, "tr '\\r' '\\n'");
        } else {
            const char *name = l->name, *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
            int cut =
                dot && dot > (slash ? slash + 1 : name) ? (int)(dot - name) : (int)strlen(name);
            snprintf(hint, sizeof hint, "tr '\\r' '\\n' < %s > %.*s.lf%s", name, cut, name,
                     name + cut);
        }
        return jisr_error_set(JISR_EPARSE, l->name, l->lineno, col,
                              "carriage return without line feed (old Mac line ends?): lines "
                              "end in a line feed (or a carriage return and a line feed); "
                              "convert them first, e.g. %s",
                              hint);
    }
    return 0;
}

int jisr_lines_next(jisr_lines *l, const char **line, size_t *len)
{
    if (!l)
        return jisr_null_arg("jisr_lines_next", "l");
    if (l->err)
        return jisr_error_set(l->err, l->saved.file[0] ? l->saved.file : NULL, l->saved.line,
                              l->saved.col, "%s", l->saved.msg);
    int rc, too_long = 0, any = 0;
    char *s = NULL;
    size_t n = 0;
    l->line.len = 0;
    l->offset = l->consumed;
    for (;;) {
        if (l->start == l->end) {
            if (l->eof)
                break;
            if ((rc = fill(l)) < 0)
                return rc;
            continue;
        }
        any = 1;
        unsigned char *p = l->buf + l->start;
        size_t avail = l->end - l->start;
        unsigned char *nl = memchr(p, '\n', avail);
        size_t seg = nl ? (size_t)(nl - p) : avail;
        l->start += nl ? seg + 1 : seg;
        l->consumed += nl ? seg + 1 : seg;
        if (!too_long && l->line.len + seg > l->max) {
            too_long = 1;
            /* the bytes so far are of no use: give the memory back */
            jisr_buf_free(&l->line);
        }
        if (too_long) {
            if (nl)
                break;
            continue;
        }
        if (nl)
            l->lf_seen = 1;
        if (nl && l->line.len == 0 && l->src != SRC_MEM) {
            *nl = '\0'; /* the whole line lies in the chunk: hand it out in place */
            s = (char *)p;
            n = seg;
            break;
        }
        if (jisr_buf_append(&l->line, p, seg) < 0)
            return sticky(l, JISR_ENOMEM);
        if (nl)
            break;
    }
    if (!any)
        return 0;
    l->lineno++;
    if (too_long)
        return jisr_error_set(JISR_ETOOBIG, l->name, l->lineno, 1,
                              "line longer than %zu bytes (the limit); skipped to its end", l->max);
    if (!s) {
        if (!l->line.data && jisr_buf_append(&l->line, "", 0) < 0)
            return sticky(l, JISR_ENOMEM);
        s = l->line.data;
        n = l->line.len;
    }
    if (!(l->flags & JISR_LINES_KEEP_CR) && n && s[n - 1] == '\r')
        s[--n] = '\0';
    uint64_t at = l->offset;
    if (l->lineno == 1 && (l->flags & JISR_LINES_UTF8) && n >= 3 &&
        memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
        at += 3;
    }
    if ((rc = check_line(l, s, n, at)) < 0)
        return rc;
    if (line)
        *line = s;
    if (len)
        *len = n;
    return 1;
}
