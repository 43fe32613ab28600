/*
 * out.c — what the five renderers of an alignment share: the format names, the text of one side
 * of a bead, the choice of pairs written, and the entry points that send a rendering to a
 * buffer or a file. Each format has its own file (out_ladder.c, out_tsv.c, out_tmx.c,
 * out_jsonl.c, out_html.c), as cmark keeps one renderer per file; every front end calls these,
 * so a shape exists once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

static const char *const format_names[] = {"ladder", "tsv", "tmx", "jsonl", "html"};

int jisr_align_format_parse(const char *name)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (name && strcmp(name, format_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *jisr_align_format_name(jisr_align_format f)
{
    return (unsigned)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "?";
}

int jisr_align_format_from_path(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return -1;
    char ext[16]; /* the extension in lower case: out.TMX is TMX */
    size_t n = 0;
    for (const char *p = dot + 1; *p && n + 1 < sizeof ext; p++)
        ext[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    ext[n] = '\0';
    if (strlen(dot + 1) >= sizeof ext)
        return -1;
    if (!strcmp(ext, "htm"))
        return JISR_ALIGN_HTML;
    return jisr_align_format_parse(ext);
}

int al_side_text(jisr_buf *b, const jisr_sentences *s, size_t start, size_t n)
{
    jisr_buf_reset(b);
    int rc = jisr_buf_append(b, "", 0);
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (start + k >= s->n)
            return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                                  "alignment refers to sentence %zu of %zu", start + k, s->n);
        if (k)
            rc = jisr_buf_putc(b, ' ');
        if (rc == 0)
            rc = jisr_buf_puts(b, s->v[start + k]);
    }
    return rc;
}

int al_pair_kept(const jisr_bead *b, double min_score)
{
    return b->nsrc && b->ntgt && b->score >= min_score;
}

/* Every bead inside the documents (a ladder read from elsewhere may not be). */
static int check_ladder(const jisr_sentences *src, const jisr_sentences *tgt, const jisr_ladder *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const jisr_bead *b = &l->v[i];
        if ((b->nsrc && b->src + b->nsrc > src->n) || (b->ntgt && b->tgt + b->ntgt > tgt->n))
            return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                                  "alignment bead %zu refers to sentences beyond the documents "
                                  "(%zu source, %zu target)",
                                  i + 1, src->n, tgt->n);
    }
    return 0;
}

static int render_tmx_buf(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                          const jisr_sentences *tgt, const jisr_ladder *l)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    if (!f)
        return jisr_oom(0);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    wo.srclang = o->srclang;
    wo.tgtlang = o->tgtlang;
    wo.segtype = "sentence";
    jisr_writer *w = NULL;
    int rc = jisr_writer_open_stream(&w, f, "(memory)", &wo, NULL);
    if (rc == 0) {
        rc = al_render_tmx(w, o, src, tgt, l);
        int rc2 = jisr_writer_close(w);
        if (rc == 0)
            rc = rc2;
    }
    if (fclose(f) != 0 && rc == 0)
        rc = jisr_oom(0);
    if (rc == 0)
        rc = jisr_buf_append(out, mem, len);
    free(mem);
    return rc;
}

/* The arguments fn (jisr_align_render or _write) renders from: 0, or JISR_EINVAL naming the
 * NULL one. */
static int check_render_args(const char *fn, const jisr_align_out *o, const jisr_sentences *src,
                             const jisr_sentences *tgt, const jisr_ladder *l)
{
    if (!o || !src || !tgt || !l)
        return jisr_null_arg(fn, !o ? "o" : !src ? "src" : !tgt ? "tgt" : "l");
    return 0;
}

int jisr_align_render(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                      const jisr_sentences *tgt, const jisr_ladder *l)
{
    if (!out)
        return jisr_null_arg("jisr_align_render", "out");
    int rc = check_render_args("jisr_align_render", o, src, tgt, l);
    if (rc < 0)
        return rc;
    if (o->version != JISR_ALIGN_OUT_VERSION)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_align_out: unknown version");
    rc = check_ladder(src, tgt, l);
    if (rc < 0)
        return rc;
    switch (o->format) {
    case JISR_ALIGN_LADDER:
        return al_render_ladder(out, o, src, tgt, l);
    case JISR_ALIGN_TSV:
        return al_render_tsv(out, o, src, tgt, l);
    case JISR_ALIGN_TMX:
        return render_tmx_buf(out, o, src, tgt, l);
    case JISR_ALIGN_JSONL:
        return al_render_jsonl(out, o, src, tgt, l);
    case JISR_ALIGN_HTML:
        return al_render_html(out, o, src, tgt, l);
    }
    return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "unknown alignment format %d", (int)o->format);
}

/* b's bytes into path through the safe output writer */
static int write_file(const char *path, const jisr_buf *b, jisr_fileset *files)
{
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    oo.files = files;
    jisr_outfile *f = NULL;
    int rc = jisr_outfile_open(&f, path, &oo);
    if (rc < 0)
        return rc;
    if (b->len && fwrite(b->data, 1, b->len, jisr_outfile_stream(f)) != b->len) {
        rc = jisr_error_set(JISR_EIO, jisr_outfile_path(f), 0, 0, "write error: %s",
                            strerror(errno));
        jisr_outfile_abort(f);
        return rc;
    }
    return jisr_outfile_commit(f);
}

int al_write_buf(const char *path, const jisr_buf *b, jisr_fileset *files)
{
    return write_file(path, b, files);
}

int jisr_align_write(const char *path, const jisr_align_out *o, const jisr_sentences *src,
                     const jisr_sentences *tgt, const jisr_ladder *l)
{
    int rc = check_render_args("jisr_align_write", o, src, tgt, l);
    if (rc == 0 && !path)
        rc = jisr_null_arg("jisr_align_write", "path");
    if (rc < 0)
        return rc;
    if (o->version == JISR_ALIGN_OUT_VERSION && o->format == JISR_ALIGN_TMX &&
        strcmp(path, "-") != 0) {
        /* the formats writer owns TMX files (through the same safe writer, which commits the
         * file only when it is whole); standard output takes the rendering below, whole or not
         * at all: a pair the writer refuses must not leave half a TMX there */
        if ((rc = check_ladder(src, tgt, l)) < 0)
            return rc;
        jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
        wo.format = JISR_FMT_TMX;
        wo.srclang = o->srclang;
        wo.tgtlang = o->tgtlang;
        wo.segtype = "sentence";
        wo.files = o->files;
        jisr_writer *w = NULL;
        if ((rc = jisr_writer_open(&w, path, &wo)) < 0)
            return rc;
        if ((rc = al_render_tmx(w, o, src, tgt, l)) < 0) {
            jisr_writer_abort(w);
            return rc;
        }
        return jisr_writer_close(w);
    }
    jisr_buf b = {0};
    rc = jisr_align_render(&b, o, src, tgt, l);
    if (rc == 0)
        rc = write_file(path, &b, o->files);
    jisr_buf_free(&b);
    return rc;
}
