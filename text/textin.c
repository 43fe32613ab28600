/*
 * textin.c — streaming text input: a file or stdin, read 64 KiB at a time, decoded to UTF-8 and
 * handed out as lines or paragraphs.
 *
 * Decoded bytes accumulate in one buffer that is compacted before each read, so it holds only
 * the line (or paragraph) being assembled plus the last chunk: a line longer than the limit is
 * refused after at most limit + 3 chunks of memory, whatever the file size. Returned pointers
 * point into that buffer, which is why they are valid only until the next call. Decoding errors
 * found while reading ahead are held back until the lines before them have been returned; the
 * position (line, column) is computed when the bad byte is met, from the decoded text since the
 * start of the current line, and kept with the error, which is then sticky.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/text.h"
#include "text/text_int.h"

#define RAW_CHUNK (64 * 1024)
#define DEFAULT_LIMIT ((size_t)16 * 1024 * 1024)

struct jisr_textin {
    int fd;
    int own_fd;
    char *name;
    size_t limit;
    txt_decoder dec;
    int started;         /* BOM looked for */
    int eof;             /* all input decoded */
    int err;             /* sticky error, returned by every later call */
    jisr_error saved;    /* its detail */
    int pending;         /* TXT_DEC_* problem right after the decoded data */
    jisr_error pend_err; /* its detail, computed when it was met */
    size_t raw_len;      /* undecoded bytes at the front of raw (an unfinished sequence) */
    uint64_t raw_off;    /* file offset of raw[0] */
    jisr_buf d;          /* decoded text; d.data[0] is at decoded offset d_base */
    uint64_t d_base;
    uint64_t mark;        /* decoded offset of the first byte still needed */
    size_t cur;           /* index in d of the next line */
    size_t scan;          /* index in d where the search for '\n' resumes */
    unsigned long lineno; /* number of the line at cur */
    int in_para;
    unsigned long para_line;
    unsigned char raw[RAW_CHUNK + 8];
};

int jisr_textin_open(jisr_textin **out, const char *path, unsigned flags)
{
    if (!out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_textin_open: out is NULL");
    *out = NULL;
    if (!path)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_textin_open: path is NULL");
    /* the 64 KiB read buffer is left uninitialised (only its first raw_len bytes are ever
     * read): zeroing it cost more than reading a small file */
    jisr_textin *r = malloc(sizeof *r);
    if (!r)
        return jisr_oom(0);
    memset(r, 0, offsetof(jisr_textin, raw));
    r->dec.flags = flags;
    r->limit = DEFAULT_LIMIT;
    r->lineno = 1;
    int stdin_ = strcmp(path, "-") == 0;
    r->name = jisr_strdup(stdin_ ? "<stdin>" : path);
    if (!r->name) {
        free(r);
        return JISR_ENOMEM;
    }
    if (stdin_) {
        r->fd = 0;
    } else {
        r->fd = open(path, O_RDONLY);
        if (r->fd < 0) {
            int e = errno;
            jisr_textin_close(r);
            return jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(e));
        }
        r->own_fd = 1;
        struct stat st;
        if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            jisr_textin_close(r);
            return jisr_error_set(JISR_EIO, path, 0, 0, "cannot read: %s", strerror(EISDIR));
        }
    }
    *out = r;
    return 0;
}

void jisr_textin_set_limit(jisr_textin *r, size_t bytes)
{
    if (r)
        r->limit = bytes ? bytes : DEFAULT_LIMIT;
}

size_t jisr_textin_replacements(const jisr_textin *r)
{
    return r ? r->dec.replaced : 0;
}

void jisr_textin_close(jisr_textin *r)
{
    if (!r)
        return;
    if (r->own_fd)
        close(r->fd);
    jisr_buf_free(&r->d);
    free(r->name);
    free(r);
}

/* Makes the current thread-local error sticky on r and returns its code. */
static int fail(jisr_textin *r, int code)
{
    r->err = code;
    r->saved = *jisr_error_last();
    return code;
}

static int replay(jisr_textin *r)
{
    const jisr_error *e = &r->saved;
    return jisr_error_set(r->err, e->file[0] ? e->file : NULL, e->line, e->col, "%s", e->msg);
}

/* Reads and decodes one chunk. Returns 0 or a negative code (already made sticky). */
static int fill(jisr_textin *r)
{
    /* drop what no caller needs any more */
    size_t drop = (size_t)(r->mark - r->d_base);
    if (drop) {
        memmove(r->d.data, r->d.data + drop, r->d.len - drop);
        r->d.len -= drop;
        r->d.data[r->d.len] = '\0';
        r->d_base += drop;
        r->cur -= drop;
        r->scan -= drop;
    }

    ssize_t got;
    do
        got = read(r->fd, r->raw + r->raw_len, RAW_CHUNK);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return fail(r, jisr_error_set(JISR_EIO, r->name, 0, 0, "read failed: %s", strerror(errno)));
    r->raw_len += (size_t)got;
    int final = got == 0;

    size_t start = 0;
    if (!r->started) {
        if (r->raw_len < 3 && !final)
            return 0; /* too little to look for a BOM: read more */
        start = txt_decoder_bom(&r->dec, r->raw, r->raw_len);
        r->started = 1;
    }
    size_t used;
    if (!r->d.data && jisr_buf_reserve(&r->d, RAW_CHUNK) < 0)
        return fail(r, JISR_ENOMEM);
    int rc = txt_decoder_run(&r->dec, r->raw + start, r->raw_len - start, final, &r->d, &used);
    if (rc < 0)
        return fail(r, rc);
    used += start;
    if (rc > 0) {
        uint64_t off = r->raw_off + used;
        int code =
            txt_decoder_error(rc, r->name, off, r->d.data + r->cur, r->d.len - r->cur, r->lineno);
        if (rc == TXT_DEC_NUL && off < RAW_CHUNK) /* binary from the start: no line first */
            return fail(r, code);
        r->pending = code;
        r->pend_err = *jisr_error_last();
        r->raw_len = 0;
        return 0;
    }
    memmove(r->raw, r->raw + used, r->raw_len - used);
    r->raw_len -= used;
    r->raw_off += used;
    if (final)
        r->eof = 1;
    return 0;
}

static int too_big(jisr_textin *r)
{
    if (r->in_para)
        jisr_error_set(JISR_ETOOBIG, r->name, r->para_line, 0,
                       "paragraph starting here is longer than the limit of %zu bytes", r->limit);
    else
        jisr_error_set(JISR_ETOOBIG, r->name, r->lineno, 0,
                       "line is longer than the limit of %zu bytes (no newline?)", r->limit);
    return fail(r, JISR_ETOOBIG);
}

/* Finds the next line: [*ls, *le) in d without its newline. Returns 1, 0 at end, <0 error. */
static int get_line(jisr_textin *r, size_t *ls, size_t *le)
{
    for (;;) {
        if (r->err)
            return replay(r);
        char *nl = r->d.data ? memchr(r->d.data + r->scan, '\n', r->d.len - r->scan) : NULL;
        size_t end;
        if (nl) {
            end = (size_t)(nl - r->d.data);
            r->scan = end + 1;
        } else {
            r->scan = r->d.len;
            if (r->d.len - (size_t)(r->mark - r->d_base) > r->limit)
                return too_big(r);
            if (r->pending) {
                r->saved = r->pend_err;
                r->err = r->pending;
                return replay(r);
            }
            if (!r->eof) {
                int rc = fill(r);
                if (rc < 0)
                    return rc;
                continue;
            }
            if (r->cur == r->d.len)
                return 0;
            end = r->d.len; /* last line without a newline */
            r->scan = end;
        }
        if (r->d_base + end - r->mark > r->limit)
            return too_big(r);
        *ls = r->cur;
        *le = end > r->cur && r->d.data[end - 1] == '\r' ? end - 1 : end;
        r->cur = r->scan;
        r->lineno++;
        return 1;
    }
}

int jisr_textin_next_line(jisr_textin *r, const char **line, size_t *len, uint64_t *offset,
                          unsigned long *lineno)
{
    size_t ls, le;
    if (!r)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_textin_next_line: r is NULL");
    r->mark = r->d_base + r->cur;
    r->in_para = 0;
    unsigned long n = r->lineno;
    int rc = get_line(r, &ls, &le);
    if (rc <= 0)
        return rc;
    if (line)
        *line = r->d.data + ls;
    if (len)
        *len = le - ls;
    if (offset)
        *offset = r->d_base + ls;
    if (lineno)
        *lineno = n;
    return 1;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\f' && s[i] != '\v')
            return 0;
    return 1;
}

int jisr_textin_next_paragraph(jisr_textin *r, const char **text, size_t *len, uint64_t *offset,
                               unsigned long *lineno)
{
    size_t ls, le;
    int rc;
    if (!r)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_textin_next_paragraph: r is NULL");
    r->in_para = 0;
    unsigned long first;
    for (;;) {
        r->mark = r->d_base + r->cur;
        first = r->lineno;
        if ((rc = get_line(r, &ls, &le)) <= 0)
            return rc;
        if (!blank(r->d.data + ls, le - ls))
            break;
    }
    uint64_t pstart = r->d_base + ls, pend = r->d_base + le;
    r->mark = pstart;
    r->in_para = 1;
    r->para_line = first;
    while ((rc = get_line(r, &ls, &le)) > 0 && !blank(r->d.data + ls, le - ls))
        pend = r->d_base + le;
    r->in_para = 0;
    if (rc < 0)
        return rc;
    if (text)
        *text = r->d.data + (size_t)(pstart - r->d_base);
    if (len)
        *len = (size_t)(pend - pstart);
    if (offset)
        *offset = pstart;
    if (lineno)
        *lineno = first;
    return 1;
}
