/*
 * io.c — the public reader and writer API: it picks the format (from the options or the file
 * name), opens the input or output through common.c and util's jisr_outfile, and dispatches to
 * the format's implementation (tmx_read.c, tmx_write.c, tsv.c, jsonl.c). Nothing below calls
 * back into this file.
 *
 * Writers never write to the destination directly (jisr_outfile): output goes to a temporary
 * file in the same directory and only a successful jisr_writer_close renames it over PATH; a
 * crash or error leaves the old PATH untouched. Moses writes two files, each its own outfile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats_int.h"

static const char *shown(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static int reader_new(jisr_reader **out, const char *path, const jisr_read_opts *opts)
{
    if (opts && ((int)opts->format < (int)JISR_FMT_AUTO || (int)opts->format > (int)JISR_FMT_XLIFF))
        return jisr_error_set(JISR_EINVAL, shown(path), 0, 0, "unknown input format %d",
                              (int)opts->format);
    jisr_reader *r = calloc(1, sizeof *r);
    if (!r)
        return jisr_oom(0);
    r->header.meta.usagecount = -1;
    r->path = jisr_strdup(shown(path));
    if (opts) {
        r->flags = opts->flags;
        r->on_bad = opts->on_bad;
        r->ctx = opts->ctx;
        r->on_warning = opts->on_warning;
        r->warning_ctx = opts->warning_ctx;
        r->format = opts->format;
        r->files = opts->files;
        if (opts->srclang)
            r->srclang = jisr_strdup(opts->srclang);
        if (opts->tgtlang)
            r->tgtlang = jisr_strdup(opts->tgtlang);
        r->langs_given = (opts->srclang ? 1 : 0) | (opts->tgtlang ? 2 : 0);
    }
    if (!r->srclang)
        r->srclang = jisr_strdup("und");
    if (!r->tgtlang)
        r->tgtlang = jisr_strdup("und");
    *out = r;
    if (!r->path || !r->srclang || !r->tgtlang)
        return jisr_oom(0);
    return 0;
}

static int header_from_opts(jisr_reader *r)
{
    if (r->has_header)
        return 0;
    r->has_header = 1;
    /* the source language when the options or the columns name one; else none (a JSONL file
     * read without -s: its units carry their own languages) */
    if (!(r->langs_given & 1) && strcmp(r->srclang, "und") == 0)
        return 0;
    r->header.srclang = jisr_strdup(r->srclang);
    return r->header.srclang ? 0 : jisr_oom(0);
}

int jisr_reader_open(jisr_reader **out, const char *path, const jisr_read_opts *opts)
{
    int rc;
    jisr_reader *r = NULL;
    if (!out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_reader_open: out is NULL");
    *out = NULL;
    if (!path)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_reader_open: path is NULL");
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
    switch (r->format) {
    case JISR_FMT_TMX: {
        FILE *f;
        if ((rc = fmt_open_input(r, path, &f)) < 0)
            goto fail;
        rc = fmt_tmx_reader_open(r, f, NULL, 0);
        break;
    }
    case JISR_FMT_TSV:
    case JISR_FMT_JSONL: {
        jisr_lines *l;
        if ((rc = fmt_open_lines(r, path, r->path, &l)) < 0)
            goto fail;
        rc = r->format == JISR_FMT_TSV ? fmt_tsv_reader_open(r, l) : fmt_jsonl_reader_open(r, l);
        break;
    }
    case JISR_FMT_XLIFF: {
        FILE *f;
        if ((rc = fmt_open_input(r, path, &f)) < 0)
            goto fail;
        rc = fmt_xliff_reader_open(r, f, NULL, 0);
        break;
    }
    case JISR_FMT_MOSES: {
        jisr_lines *a = NULL, *b = NULL;
        char *p2 = fmt_moses_path2(path, opts ? opts->path2 : NULL, r->srclang,
                                   opts ? opts->tgtlang : NULL);
        if (!p2) {
            rc = jisr_error_last()->code ? jisr_error_last()->code : JISR_ENOMEM;
            goto fail;
        }
        if ((rc = fmt_open_lines(r, path, r->path, &a)) < 0 ||
            (rc = fmt_open_lines(r, p2, shown(p2), &b)) < 0) {
            jisr_lines_close(a);
            free(p2);
            goto fail;
        }
        free(p2);
        rc = fmt_moses_reader_open(r, a, b);
        break;
    }
    default:
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
    if (!out) {
        if (f)
            fclose(f); /* f is ours from the call on, also when the open fails */
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_reader_open_stream: out is NULL");
    }
    *out = NULL;
    if (!f)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_reader_open_stream: f is NULL");
    if ((rc = reader_new(&r, name ? name : "<stream>", opts)) < 0) {
        fclose(f);
        goto fail;
    }
    switch (r->format) { /* each takes f, and closes it on failure too */
    case JISR_FMT_TMX:
        rc = fmt_tmx_reader_open(r, f, NULL, 0);
        break;
    case JISR_FMT_TSV:
    case JISR_FMT_JSONL: {
        jisr_lines *l;
        if ((rc = fmt_refuse_utf16_stream(f, r->path)) < 0) {
            fclose(f);
            break;
        }
        if ((rc = jisr_lines_open_stream(&l, f, 1, r->path, JISR_LINES_UTF8 | JISR_LINES_NO_NUL)) <
            0)
            break;
        rc = r->format == JISR_FMT_TSV ? fmt_tsv_reader_open(r, l) : fmt_jsonl_reader_open(r, l);
        break;
    }
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
    if (!out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_reader_open_memory: out is NULL");
    *out = NULL;
    if (!data && n)
        return jisr_error_set(JISR_EINVAL, name, 0, 0,
                              "jisr_reader_open_memory: data is NULL (with n = %zu)", n);
    if (!data)
        data = ""; /* an empty input */
    if ((rc = reader_new(&r, name ? name : "<memory>", opts)) < 0)
        goto fail;
    if (r->format == JISR_FMT_AUTO)
        r->format = JISR_FMT_TMX;
    if (r->format == JISR_FMT_TMX) {
        if (n > (size_t)INT32_MAX) {
            rc = jisr_error_set(JISR_ETOOBIG, r->path, 0, 0, "buffer larger than 2 GiB");
            goto fail;
        }
        rc = fmt_tmx_reader_open(r, NULL, data, n);
    } else if (r->format == JISR_FMT_XLIFF) {
        if (n > (size_t)INT32_MAX) {
            rc = jisr_error_set(JISR_ETOOBIG, r->path, 0, 0, "buffer larger than 2 GiB");
            goto fail;
        }
        rc = fmt_xliff_reader_open(r, NULL, data, n);
    } else if (r->format == JISR_FMT_TSV || r->format == JISR_FMT_JSONL) {
        jisr_lines *l;
        if ((rc = fmt_refuse_utf16(data, n, r->path)) < 0 ||
            (rc = jisr_lines_open_memory(&l, data, n, r->path,
                                         JISR_LINES_UTF8 | JISR_LINES_NO_NUL)) < 0)
            goto fail;
        rc = r->format == JISR_FMT_TSV ? fmt_tsv_reader_open(r, l) : fmt_jsonl_reader_open(r, l);
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
    if (!r || !u)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_reader_next: %s is NULL",
                              r ? "u" : "r");
    if (!r->next)
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
    fmt_meta_clear(&r->header.meta);
    free(r);
}

/* ---- writers ----------------------------------------------------------------------------- */

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
    if (!out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_writer_open: out is NULL");
    *out = NULL;
    if (!path)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_writer_open: path is NULL");
    jisr_writer *w = calloc(1, sizeof *w);
    if (!w)
        return jisr_oom(0);
    w->header_meta.usagecount = -1;
    w->format = opts ? opts->format : JISR_FMT_AUTO;
    w->flags = opts ? opts->flags : 0;
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
    if (!w->path || bad || (header_meta && fmt_meta_copy(&w->header_meta, header_meta) < 0)) {
        rc = jisr_oom(0);
        goto fail;
    }
    if (w->format == JISR_FMT_AUTO) {
        rc = jisr_error_set(JISR_EINVAL, path, 0, 0,
                            "cannot tell the output format from the name; give it (tmx, tsv, "
                            "moses, jsonl)");
        goto fail;
    }
    if (w->format == JISR_FMT_XLIFF) {
        rc = jisr_error_set(JISR_EUNSUPPORTED, path, 0, 0,
                            "XLIFF is read, not written: write TMX, TSV, Moses or JSONL");
        goto fail;
    }
    if (w->format == JISR_FMT_MOSES) {
        if (strcmp(path, "-") == 0 || stream) {
            rc = jisr_error_set(JISR_EINVAL, NULL, 0, 0, "Moses output needs two files, not -");
            goto fail;
        }
        w->path2 = fmt_moses_path2(path, opts ? opts->path2 : NULL, w->srclang, w->tgtlang);
        if (!w->path2) {
            rc = jisr_error_last()->code ? jisr_error_last()->code : JISR_ENOMEM;
            goto fail;
        }
    }
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    oo.files = opts ? opts->files : NULL;
    if (stream) {
        w->borrowed = 1;
        w->f = stream;
    } else if ((rc = jisr_outfile_open(&w->out, path, &oo)) < 0) {
        goto fail;
    } else {
        w->f = jisr_outfile_stream(w->out);
    }
    if (w->path2) {
        if ((rc = jisr_outfile_open(&w->out2, w->path2, &oo)) < 0)
            goto fail;
        w->f2 = jisr_outfile_stream(w->out2);
    }
    switch (w->format) {
    case JISR_FMT_TMX:
        rc = fmt_tmx_writer_begin(w);
        break;
    case JISR_FMT_TSV:
        rc = fmt_tsv_writer_begin(w);
        break;
    case JISR_FMT_MOSES:
        rc = fmt_moses_writer_begin(w);
        break;
    case JISR_FMT_JSONL:
        rc = fmt_jsonl_writer_begin(w);
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
    if (out)
        *out = NULL;
    if (!stream)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_writer_open_stream: stream is NULL");
    return writer_open(out, name ? name : "<stream>", stream, opts, header_meta);
}

int jisr_writer_open(jisr_writer **out, const char *path, const jisr_write_opts *opts)
{
    return writer_open(out, path, NULL, opts, NULL);
}

int jisr_writer_write(jisr_writer *w, const jisr_unit *u)
{
    if (!w || !u)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_writer_write: %s is NULL",
                              w ? "u" : "w");
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
    fmt_meta_clear(&w->header_meta);
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
    rc = 0;
    if (w->borrowed && (fflush(w->f) != 0 || ferror(w->f)))
        rc = jisr_error_set(JISR_EIO, w->path, 0, 0, "write failed: %s", strerror(errno));
    w->f = w->f2 = NULL;
    jisr_outfile *o2 = w->out2, *o = w->out;
    w->out = w->out2 = NULL;
    if (rc == 0 && o2)
        rc = jisr_outfile_commit(o2);
    else
        jisr_outfile_abort(o2);
    if (rc == 0 && o)
        rc = jisr_outfile_commit(o);
    else
        jisr_outfile_abort(o);
    writer_free(w);
    return rc;
}

void jisr_writer_abort(jisr_writer *w)
{
    if (!w)
        return;
    if (w->borrowed && w->f)
        fflush(w->f);
    jisr_outfile_abort(w->out2);
    jisr_outfile_abort(w->out);
    writer_free(w);
}

unsigned long jisr_writer_count(const jisr_writer *w)
{
    return w ? w->nunits : 0;
}
