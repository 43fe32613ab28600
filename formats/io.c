/*
 * io.c — the format-independent half of readers and writers: choosing the format, opening files
 * (or stdin/stdout, or a memory buffer), the atomic temp-file-then-rename commit of writers, the
 * sticky write error, and a bounded line reader for the line-based formats.
 *
 * Writers never write to the destination directly: output goes to "PATH.tmp.XXXXXX" in the same
 * directory (same file system, so rename(2) is atomic) and only a successful jisr_writer_close
 * renames it over PATH. A crash or error leaves the old PATH untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/formats_int.h"
#include "util/utf8.h"

static const char *shown(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int jisr_reader_bad(jisr_reader *r)
{
    if (r->on_bad)
        r->on_bad(r->ctx, jisr_error_last());
    return 0;
}

static FILE *open_in(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    FILE *f = fopen(path, "rb");
    if (!f) {
        jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        jisr_error_set(JISR_EIO, path, 0, 0, "is a directory");
        return NULL;
    }
    return f;
}

/* The Moses target file: opts->path2, else PATH with its language extension swapped for the
 * target language (corpus.en + ar → corpus.ar). */
static char *moses_path2(const char *path, const char *path2, const char *src, const char *tgt)
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

static int reader_new(jisr_reader **out, const char *path, const jisr_read_opts *opts)
{
    jisr_reader *r = calloc(1, sizeof *r);
    if (!r)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    r->header.meta.usagecount = -1;
    r->path = jisr_strdup(shown(path));
    if (opts) {
        r->flags = opts->flags;
        r->on_bad = opts->on_bad;
        r->ctx = opts->ctx;
        r->format = opts->format;
        if (opts->srclang)
            r->srclang = jisr_strdup(opts->srclang);
        if (opts->tgtlang)
            r->tgtlang = jisr_strdup(opts->tgtlang);
    }
    if (!r->srclang)
        r->srclang = jisr_strdup("und");
    if (!r->tgtlang)
        r->tgtlang = jisr_strdup("und");
    *out = r;
    if (!r->path || !r->srclang || !r->tgtlang)
        return JISR_ENOMEM;
    return 0;
}

static int header_from_opts(jisr_reader *r)
{
    if (r->has_header)
        return 0;
    r->header.srclang = jisr_strdup(r->srclang);
    r->has_header = 1;
    return r->header.srclang ? 0 : JISR_ENOMEM;
}

int jisr_reader_open(jisr_reader **out, const char *path, const jisr_read_opts *opts)
{
    int rc;
    jisr_reader *r = NULL;
    *out = NULL;
    if (!path)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no input file");
    if ((rc = reader_new(&r, path, opts)) < 0)
        goto fail;
    if (r->format == JISR_FMT_AUTO)
        r->format = jisr_format_from_name(path);
    if (r->format == JISR_FMT_AUTO) {
        rc = jisr_error_set(JISR_EINVAL, r->path, 0, 0,
                            "cannot tell the format from the name; give it (tmx, tsv, moses, "
                            "jsonl)");
        goto fail;
    }
    FILE *f = open_in(path);
    if (!f) {
        rc = JISR_EIO;
        goto fail;
    }
    switch (r->format) {
    case JISR_FMT_TMX:
        rc = jisr_tmx_reader_open(r, f, NULL, 0);
        break;
    case JISR_FMT_TSV:
        rc = jisr_tsv_reader_open(r, f);
        break;
    case JISR_FMT_JSONL:
        rc = jisr_jsonl_reader_open(r, f);
        break;
    case JISR_FMT_MOSES: {
        char *p2 =
            moses_path2(path, opts ? opts->path2 : NULL, r->srclang, opts ? opts->tgtlang : NULL);
        FILE *f2 = p2 ? open_in(p2) : NULL;
        if (!f2) {
            free(p2);
            if (f != stdin)
                fclose(f);
            rc = jisr_error_last()->code ? jisr_error_last()->code : JISR_EIO;
            goto fail;
        }
        rc = jisr_moses_reader_open(r, f, f2, p2);
        free(p2);
        break;
    }
    default:
        if (f != stdin)
            fclose(f);
        rc = jisr_error_set(JISR_EINVAL, r->path, 0, 0, "unknown format");
        break;
    }
    if (rc < 0 || (rc = header_from_opts(r)) < 0)
        goto fail;
    *out = r;
    return 0;
fail:
    jisr_reader_close(r);
    return rc;
}

int jisr_reader_open_stream(jisr_reader **out, FILE *f, const char *name,
                            const jisr_read_opts *opts)
{
    int rc;
    jisr_reader *r = NULL;
    *out = NULL;
    if (!f)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no input stream");
    if ((rc = reader_new(&r, name ? name : "<stream>", opts)) < 0) {
        fclose(f);
        goto fail;
    }
    switch (r->format) { /* each takes f, and closes it on failure too */
    case JISR_FMT_TMX:
        rc = jisr_tmx_reader_open(r, f, NULL, 0);
        break;
    case JISR_FMT_TSV:
        rc = jisr_tsv_reader_open(r, f);
        break;
    case JISR_FMT_JSONL:
        rc = jisr_jsonl_reader_open(r, f);
        break;
    default:
        fclose(f);
        rc = jisr_error_set(JISR_EINVAL, r->path, 0, 0,
                            "a stream is read as TMX, TSV or JSONL: give its format");
        break;
    }
    if (rc < 0 || (rc = header_from_opts(r)) < 0)
        goto fail;
    *out = r;
    return 0;
fail:
    jisr_reader_close(r);
    return rc;
}

int jisr_reader_open_memory(jisr_reader **out, const char *name, const void *data, size_t n,
                            const jisr_read_opts *opts)
{
    int rc;
    jisr_reader *r = NULL;
    *out = NULL;
    if ((rc = reader_new(&r, name ? name : "<memory>", opts)) < 0)
        goto fail;
    if (r->format == JISR_FMT_AUTO)
        r->format = JISR_FMT_TMX;
    if (r->format == JISR_FMT_TMX) {
        if (n > (size_t)INT32_MAX) {
            rc = jisr_error_set(JISR_ETOOBIG, r->path, 0, 0, "buffer larger than 2 GiB");
            goto fail;
        }
        rc = jisr_tmx_reader_open(r, NULL, data, n);
    } else if (r->format == JISR_FMT_TSV || r->format == JISR_FMT_JSONL) {
        /* fmemopen refuses a zero size: an empty buffer reads as /dev/null */
        FILE *f = n ? fmemopen((void *)data, n, "rb") : fopen("/dev/null", "rb");
        if (!f) {
            rc = jisr_error_set(JISR_EIO, r->path, 0, 0, "cannot open memory buffer");
            goto fail;
        }
        rc = r->format == JISR_FMT_TSV ? jisr_tsv_reader_open(r, f) : jisr_jsonl_reader_open(r, f);
    } else {
        rc = jisr_error_set(JISR_EUNSUPPORTED, r->path, 0, 0,
                            "Moses text has two files; it cannot be read from one buffer");
    }
    if (rc < 0 || (rc = header_from_opts(r)) < 0)
        goto fail;
    *out = r;
    return 0;
fail:
    jisr_reader_close(r);
    return rc;
}

int jisr_reader_next(jisr_reader *r, jisr_unit *u)
{
    if (!r || !r->next)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "reader not open");
    return r->next(r, u);
}

const jisr_header *jisr_reader_header(const jisr_reader *r)
{
    return r && r->has_header ? &r->header : NULL;
}

uint64_t jisr_reader_bytes(const jisr_reader *r)
{
    return r ? r->bytes : 0;
}

jisr_format jisr_reader_format(const jisr_reader *r)
{
    return r ? r->format : JISR_FMT_AUTO;
}

void jisr_reader_close(jisr_reader *r)
{
    if (!r)
        return;
    if (r->close)
        r->close(r);
    free(r->path);
    free(r->srclang);
    free(r->tgtlang);
    free(r->header.version);
    free(r->header.srclang);
    free(r->header.adminlang);
    jisr_meta_clear(&r->header.meta);
    free(r);
}

/* ---- writers ----------------------------------------------------------------------------- */

static int open_tmp(const char *path, char **tmp, FILE **f)
{
    jisr_buf b = {0};
    if (jisr_buf_printf(&b, "%s.tmp.XXXXXX", path) < 0)
        return JISR_ENOMEM;
    int fd = mkstemp(b.data);
    if (fd < 0) {
        int e = errno;
        jisr_buf_free(&b);
        return jisr_error_set(JISR_EIO, path, 0, 0, "cannot create a temporary file beside it: %s",
                              strerror(e));
    }
    /* mkstemp makes 0600; a memory export should get the usual umask-derived mode */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    *f = fdopen(fd, "wb");
    if (!*f) {
        close(fd);
        unlink(b.data);
        jisr_buf_free(&b);
        return jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    }
    *tmp = b.data;
    return 0;
}

static char *dup_or_null(const char *s, int *bad)
{
    if (!s)
        return NULL;
    char *d = jisr_strdup(s);
    if (!d)
        *bad = 1;
    return d;
}

static int writer_open(jisr_writer **out, const char *path, FILE *stream,
                       const jisr_write_opts *opts, const jisr_meta *header_meta)
{
    int rc = 0, bad = 0;
    *out = NULL;
    if (!path)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no output file");
    jisr_writer *w = calloc(1, sizeof *w);
    if (!w)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    w->header_meta.usagecount = -1;
    w->format = opts ? opts->format : JISR_FMT_AUTO;
    if (w->format == JISR_FMT_AUTO)
        w->format = jisr_format_from_name(path);
    w->path = jisr_strdup(path);
    if (opts) {
        w->srclang = dup_or_null(opts->srclang, &bad);
        w->tgtlang = dup_or_null(opts->tgtlang, &bad);
        w->adminlang = dup_or_null(opts->adminlang, &bad);
        w->datatype = dup_or_null(opts->datatype, &bad);
        w->segtype = dup_or_null(opts->segtype, &bad);
        w->o_tmf = dup_or_null(opts->o_tmf, &bad);
    }
    if (!w->path || bad || (header_meta && jisr_meta_copy(&w->header_meta, header_meta) < 0)) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    if (w->format == JISR_FMT_AUTO) {
        rc = jisr_error_set(JISR_EINVAL, path, 0, 0,
                            "cannot tell the output format from the name; give it (tmx, tsv, "
                            "moses, jsonl)");
        goto fail;
    }
    if (w->format == JISR_FMT_MOSES) {
        if (strcmp(path, "-") == 0 || stream) {
            rc = jisr_error_set(JISR_EINVAL, NULL, 0, 0, "Moses output needs two files, not -");
            goto fail;
        }
        w->path2 = moses_path2(path, opts ? opts->path2 : NULL, w->srclang, w->tgtlang);
        if (!w->path2) {
            rc = jisr_error_last()->code ? jisr_error_last()->code : JISR_ENOMEM;
            goto fail;
        }
        if ((rc = open_tmp(w->path2, &w->tmp2, &w->f2)) < 0)
            goto fail;
    }
    if (stream) {
        w->to_stdout = 1;
        w->f = stream;
    } else if (strcmp(path, "-") == 0) {
        w->to_stdout = 1;
        w->f = stdout;
    } else if ((rc = open_tmp(path, &w->tmp, &w->f)) < 0) {
        goto fail;
    }
    switch (w->format) {
    case JISR_FMT_TMX:
        rc = jisr_tmx_writer_begin(w);
        break;
    case JISR_FMT_TSV:
        rc = jisr_tsv_writer_begin(w);
        break;
    case JISR_FMT_MOSES:
        rc = jisr_moses_writer_begin(w);
        break;
    case JISR_FMT_JSONL:
        rc = jisr_jsonl_writer_begin(w);
        break;
    default:
        rc = jisr_error_set(JISR_EINVAL, path, 0, 0, "unknown format");
        break;
    }
    if (rc < 0)
        goto fail;
    *out = w;
    return 0;
fail:
    jisr_writer_abort(w);
    return rc;
}

int jisr_writer_open_ex(jisr_writer **out, const char *path, const jisr_write_opts *opts,
                        const jisr_meta *header_meta)
{
    return writer_open(out, path, NULL, opts, header_meta);
}

int jisr_writer_open_stream(jisr_writer **out, FILE *stream, const char *name,
                            const jisr_write_opts *opts, const jisr_meta *header_meta)
{
    if (!stream)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no output stream");
    return writer_open(out, name ? name : "<stream>", stream, opts, header_meta);
}

int jisr_writer_open(jisr_writer **out, const char *path, const jisr_write_opts *opts)
{
    return writer_open(out, path, NULL, opts, NULL);
}

int jisr_writer_flush(jisr_writer *w, FILE *f, jisr_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len) {
        jisr_buf_reset(b);
        return w->err = jisr_error_set(JISR_EIO, f == w->f2 ? w->path2 : w->path, 0, 0,
                                       "write failed: %s", strerror(errno));
    }
    jisr_buf_reset(b);
    return 0;
}

int jisr_writer_write(jisr_writer *w, const jisr_unit *u)
{
    if (!w)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "writer not open");
    if (w->err)
        return w->err;
    int rc = w->write(w, u);
    if (rc < 0) {
        /* a unit that cannot be written (bad UTF-8 …) does not poison the writer */
        if (rc == JISR_EIO || rc == JISR_ENOMEM)
            w->err = rc;
        return rc;
    }
    w->nunits++;
    return 0;
}

static int commit(FILE **f, char **tmp, const char *path)
{
    int rc = 0;
    if (!*f)
        return 0;
    int borrowed = *tmp == NULL; /* stdout or a caller's stream: flush, never close */
    if (fflush(*f) != 0 || ferror(*f) || (!borrowed && fsync(fileno(*f)) != 0 && errno != EINVAL))
        rc = jisr_error_set(JISR_EIO, path, 0, 0, "write failed: %s", strerror(errno));
    if (!borrowed && fclose(*f) != 0 && rc == 0)
        rc = jisr_error_set(JISR_EIO, path, 0, 0, "write failed: %s", strerror(errno));
    *f = NULL;
    if (*tmp && rc == 0 && rename(*tmp, path) != 0)
        rc = jisr_error_set(JISR_EIO, path, 0, 0, "cannot rename the temporary file: %s",
                            strerror(errno));
    if (*tmp && rc < 0)
        unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
    return rc;
}

static void writer_free(jisr_writer *w)
{
    free(w->path);
    free(w->path2);
    free(w->srclang);
    free(w->tgtlang);
    free(w->adminlang);
    free(w->datatype);
    free(w->segtype);
    free(w->o_tmf);
    jisr_meta_clear(&w->header_meta);
    jisr_buf_free(&w->buf);
    free(w);
}

int jisr_writer_close(jisr_writer *w)
{
    if (!w)
        return 0;
    int rc = w->err;
    if (rc == 0 && w->finish)
        rc = w->finish(w);
    if (rc < 0) {
        int keep = rc;
        jisr_error err = *jisr_error_last();
        jisr_writer_abort(w);
        jisr_error_set(err.code, err.file, err.line, err.col, "%s", err.msg);
        return keep;
    }
    if ((rc = commit(&w->f2, &w->tmp2, w->path2)) < 0 ||
        (rc = commit(&w->f, &w->tmp, w->path)) < 0) {
        jisr_error err = *jisr_error_last();
        jisr_writer_abort(w);
        jisr_error_set(err.code, err.file, err.line, err.col, "%s", err.msg);
        return rc;
    }
    writer_free(w);
    return 0;
}

void jisr_writer_abort(jisr_writer *w)
{
    if (!w)
        return;
    if (w->f && !w->to_stdout)
        fclose(w->f);
    else if (w->f)
        fflush(w->f);
    if (w->f2)
        fclose(w->f2);
    if (w->tmp)
        unlink(w->tmp);
    if (w->tmp2)
        unlink(w->tmp2);
    free(w->tmp);
    free(w->tmp2);
    writer_free(w);
}

unsigned long jisr_writer_count(const jisr_writer *w)
{
    return w ? w->nunits : 0;
}

/* ---- helpers for the line formats --------------------------------------------------------- */

int jisr_check_utf8(const char *s, size_t n, size_t *bad_at)
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

int jisr_lines_next(jisr_lines *l)
{
    jisr_buf_reset(&l->line);
    if (jisr_buf_append(&l->line, "", 0) < 0)
        return JISR_ENOMEM;
    int c, any = 0;
    while ((c = getc(l->f)) != EOF) {
        any = 1;
        if (l->bytes)
            (*l->bytes)++;
        if (c == '\n')
            break;
        if (jisr_buf_putc(&l->line, (char)c) < 0)
            return JISR_ENOMEM;
        if (l->line.len > JISR_LINE_MAX)
            return jisr_error_set(JISR_ETOOBIG, l->name, l->lineno + 1, 1,
                                  "line longer than 16 MiB");
    }
    if (ferror(l->f))
        return jisr_error_set(JISR_EIO, l->name, l->lineno + 1, 0, "read failed: %s",
                              strerror(errno));
    if (!any)
        return 0;
    l->lineno++;
    if (l->line.len && l->line.data[l->line.len - 1] == '\r')
        l->line.data[--l->line.len] = '\0';
    const char *s = l->line.data;
    size_t n = l->line.len;
    if (l->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        memmove(l->line.data, s + 3, n - 2);
        l->line.len -= 3;
        n -= 3;
    }
    size_t bad;
    if (jisr_check_utf8(l->line.data, n, &bad) < 0)
        return jisr_error_set(JISR_EENCODING, l->name, l->lineno, (unsigned long)bad + 1,
                              "invalid UTF-8 (byte 0x%02X)",
                              (unsigned)(unsigned char)l->line.data[bad]);
    return 1;
}
