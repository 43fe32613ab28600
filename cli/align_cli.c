/*
 * align_cli.c — input and output of the alignment commands: sentence files (presegmented or
 * segmented through the text layer), list files, and the five output formats.
 *
 * Output formats: the ladder is the vecalign format with the aligner's confidence as third
 * field; TSV is `source<TAB>target<TAB>score` with the formats layer's escapes (\\ \t \n \r),
 * so `jisr import` reads its first two columns; JSONL uses the pair form the formats layer's
 * reader accepts ({"source","target","srclang","tgtlang"}) plus "score", "src_idx", "tgt_idx"
 * (and "id" in batch mode); TMX goes through the formats layer's writer with the score as a
 * prop; HTML is one self-contained page for a reviewer. tsv/tmx/jsonl hold aligned pairs only
 * (unaligned sentences carry nothing to translate); the ladder and the page show everything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/align_cli.h"
#include "doc/doc.h"
#include "formats/formats.h"

unsigned acli_text_flags;

int acli_strs_push(acli_strs *s, const char *p, size_t n)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        s->v = v;
        s->cap = cap;
    }
    char *c = jisr_strndup(p, n);
    if (!c)
        return JISR_ENOMEM;
    s->v[s->n++] = c;
    return 0;
}

void acli_strs_free(acli_strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int split_paragraph(const char *p, size_t n, jisr_segmenter *seg, jisr_spans *sp,
                           acli_strs *out)
{
    int rc = jisr_segmenter_split(seg, p, n, sp);
    for (size_t k = 0; rc == 0 && k < sp->n; k++) {
        size_t start = out->n;
        rc = acli_strs_push(out, p + sp->v[k].start, sp->v[k].end - sp->v[k].start);
        /* a sentence spanning a single newline keeps it as a space */
        for (char *c = rc == 0 ? out->v[start] : NULL; c && *c; c++)
            if (*c == '\n' || *c == '\r')
                *c = ' ';
    }
    return rc;
}

/* Documents (HTML, DOCX, ODT, XLIFF, PDF, text in a legacy encoding) through the doc layer:
 * each paragraph is split, or taken as one sentence when presegmented. */
static int read_document(const char *path, int presegmented, jisr_segmenter *seg, acli_strs *out)
{
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    if (acli_text_flags & JISR_TEXT_LENIENT)
        o.flags |= JISR_DOC_LENIENT;
    jisr_doc *d = NULL;
    jisr_spans sp = {0};
    int rc = jisr_doc_open(&d, path, &o);
    jisr_para p;
    while (rc >= 0 && (rc = jisr_doc_next(d, &p)) > 0)
        rc = presegmented ? acli_strs_push(out, p.text, p.len)
                          : split_paragraph(p.text, p.len, seg, &sp, out);
    jisr_spans_free(&sp);
    jisr_doc_close(d);
    return rc < 0 ? rc : 0;
}

int acli_read_sentences(const char *path, int presegmented, jisr_segmenter *seg, acli_strs *out)
{
    jisr_doc_format f = strcmp(path, "-") == 0 ? JISR_DOC_TEXT : jisr_doc_format_from_name(path);
    /* plain text keeps its line semantics (-p: line i is sentence i, blank lines included);
     * anything else, or a name that does not tell, goes through the doc layer */
    if (f != JISR_DOC_TEXT && !(presegmented && f == JISR_DOC_AUTO))
        return read_document(path, presegmented, seg, out);
    jisr_textin *in = NULL;
    jisr_spans sp = {0};
    int rc = jisr_textin_open(&in, path, acli_text_flags);
    while (rc >= 0) {
        const char *t;
        size_t n;
        uint64_t off;
        unsigned long line;
        rc = presegmented ? jisr_textin_next_line(in, &t, &n, &off, &line)
                          : jisr_textin_next_paragraph(in, &t, &n, &off, &line);
        if (rc <= 0)
            break;
        rc = presegmented ? acli_strs_push(out, t, n) : split_paragraph(t, n, seg, &sp, out);
    }
    jisr_spans_free(&sp);
    jisr_textin_close(in);
    return rc < 0 ? rc : 0;
}

int acli_split_text(const char *text, size_t len, int presegmented, jisr_segmenter *seg,
                    acli_strs *out)
{
    jisr_spans sp = {0};
    int rc = 0;
    const char *p = text, *end = text + len;
    if (presegmented) {
        while (rc == 0 && p < end) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            const char *e = eol ? eol : end;
            rc = acli_strs_push(out, p, (size_t)(e > p && e[-1] == '\r' ? e - 1 - p : e - p));
            p = eol ? eol + 1 : end;
        }
        return rc;
    }
    while (rc == 0 && p < end) {
        /* a paragraph ends at a line holding only white space */
        const char *q = p, *para_end = end, *next = end;
        while (q < end) {
            const char *eol = memchr(q, '\n', (size_t)(end - q));
            if (!eol)
                break;
            const char *r = eol + 1;
            while (r < end && (*r == ' ' || *r == '\t' || *r == '\r'))
                r++;
            if (r < end && *r == '\n') {
                para_end = eol;
                next = r + 1;
                break;
            }
            q = eol + 1;
        }
        const char *s = p;
        while (s < para_end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
            s++;
        if (s < para_end)
            rc = split_paragraph(s, (size_t)(para_end - s), seg, &sp, out);
        p = next;
    }
    jisr_spans_free(&sp);
    return rc;
}

/* ---- list files --------------------------------------------------------------------------- */

int acli_list_read(const char *path, size_t min_fields, acli_list *out)
{
    memset(out, 0, sizeof *out);
    jisr_textin *in = NULL;
    int rc = jisr_textin_open(&in, path, 0);
    size_t cap = 0;
    const char *slash = strrchr(path, '/');
    out->dir = jisr_strndup(path, slash ? (size_t)(slash - path + 1) : 0);
    if (!out->dir && rc >= 0)
        rc = JISR_ENOMEM;
    if (strcmp(path, "-") == 0 && out->dir)
        out->dir[0] = '\0';
    while (rc >= 0) {
        const char *t;
        size_t n;
        uint64_t off;
        unsigned long line;
        if ((rc = jisr_textin_next_line(in, &t, &n, &off, &line)) <= 0)
            break;
        if (n == 0 || t[0] == '#')
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            acli_row *r = realloc(out->rows, cap * sizeof *r);
            if (!r) {
                rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            out->rows = r;
        }
        acli_row *r = &out->rows[out->n++];
        memset(r, 0, sizeof *r);
        r->line = line;
        size_t nf = 1;
        for (size_t i = 0; i < n; i++)
            nf += t[i] == '\t';
        if (!(r->f = calloc(nf, sizeof *r->f))) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        const char *p = t, *end = t + n;
        while (rc >= 0 && r->n < nf) {
            const char *tab = memchr(p, '\t', (size_t)(end - p));
            const char *e = tab ? tab : end;
            if (e > p && e[-1] == '\r')
                e--;
            if (!(r->f[r->n] = jisr_strndup(p, (size_t)(e - p))))
                rc = JISR_ENOMEM;
            r->n++;
            p = tab ? tab + 1 : end;
        }
        if (rc >= 0 && r->n < min_fields)
            rc = jisr_error_set(JISR_EPARSE, path, line, 1,
                                "expected at least %zu tab-separated fields, found %zu", min_fields,
                                r->n);
    }
    jisr_textin_close(in);
    if (rc < 0) {
        acli_list_free(out);
        return rc;
    }
    return 0;
}

char *acli_list_path(const acli_list *l, const char *f)
{
    jisr_buf b = {0};
    if (f[0] != '/' && l->dir)
        jisr_buf_puts(&b, l->dir);
    if (jisr_buf_puts(&b, f) < 0) {
        jisr_buf_free(&b);
        return NULL;
    }
    return b.data;
}

void acli_list_free(acli_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < l->rows[i].n; k++)
            free(l->rows[i].f[k]);
        free(l->rows[i].f);
    }
    free(l->rows);
    free(l->dir);
    memset(l, 0, sizeof *l);
}

/* ---- output ------------------------------------------------------------------------------- */

static const char *const format_names[] = {"ladder", "tsv", "tmx", "jsonl", "html"};

int acli_format_parse(const char *name)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcmp(name, format_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *acli_format_ext(acli_format f)
{
    return format_names[f];
}

/* The sentences of one side of a bead joined by spaces. */
static int side_text(jisr_buf *b, const acli_strs *s, size_t start, size_t n)
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

static int json_idx(jisr_buf *b, size_t start, size_t n)
{
    int rc = jisr_buf_putc(b, '[');
    for (size_t k = 0; rc == 0 && k < n; k++)
        rc = jisr_buf_printf(b, k ? ",%zu" : "%zu", start + k);
    return rc < 0 ? rc : jisr_buf_putc(b, ']');
}

int acli_jsonl(jisr_buf *b, const acli_out_opts *o, const acli_strs *src, const acli_strs *tgt,
               const jisr_ladder *l)
{
    jisr_buf s = {0}, t = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const jisr_bead *bd = &l->v[i];
        if (!bd->nsrc || !bd->ntgt || bd->score < o->min_score)
            continue;
        if ((rc = side_text(&s, src, bd->src, bd->nsrc)) < 0 ||
            (rc = side_text(&t, tgt, bd->tgt, bd->ntgt)) < 0)
            break;
        jisr_buf_putc(b, '{');
        if (o->id) {
            jisr_buf_puts(b, "\"id\":");
            jisr_buf_json_string(b, o->id, strlen(o->id));
            jisr_buf_putc(b, ',');
        }
        jisr_buf_puts(b, "\"srclang\":");
        jisr_buf_json_string(b, o->srclang, strlen(o->srclang));
        jisr_buf_puts(b, ",\"tgtlang\":");
        jisr_buf_json_string(b, o->tgtlang, strlen(o->tgtlang));
        jisr_buf_puts(b, ",\"source\":");
        jisr_buf_json_string(b, s.data, s.len);
        jisr_buf_puts(b, ",\"target\":");
        jisr_buf_json_string(b, t.data, t.len);
        jisr_buf_printf(b, ",\"score\":%.4f,\"src_idx\":", bd->score);
        json_idx(b, bd->src, bd->nsrc);
        jisr_buf_puts(b, ",\"tgt_idx\":");
        json_idx(b, bd->tgt, bd->ntgt);
        rc = jisr_buf_puts(b, "}\n");
    }
    jisr_buf_free(&s);
    jisr_buf_free(&t);
    return rc;
}

static int html_escape(jisr_buf *b, const char *s)
{
    int rc = 0;
    for (; rc == 0 && *s; s++) {
        switch (*s) {
        case '&':
            rc = jisr_buf_puts(b, "&amp;");
            break;
        case '<':
            rc = jisr_buf_puts(b, "&lt;");
            break;
        case '>':
            rc = jisr_buf_puts(b, "&gt;");
            break;
        case '"':
            rc = jisr_buf_puts(b, "&quot;");
            break;
        case '\'':
            rc = jisr_buf_puts(b, "&#39;");
            break;
        default:
            rc = jisr_buf_putc(b, *s);
        }
    }
    return rc;
}

static int is_rtl(const char *lang)
{
    static const char *const rtl[] = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"};
    for (size_t i = 0; i < sizeof rtl / sizeof rtl[0]; i++)
        if (jisr_lang_matches(lang, rtl[i]))
            return 1;
    return 0;
}

static void html_cell(jisr_buf *b, const char *lang, const acli_strs *s, size_t start, size_t n)
{
    jisr_buf_printf(b, "<td lang=\"");
    html_escape(b, lang);
    jisr_buf_printf(b, "\" dir=\"%s\">", is_rtl(lang) ? "rtl" : "ltr");
    for (size_t k = 0; k < n && start + k < s->n; k++) {
        jisr_buf_printf(b, "<span class=\"n\">%zu</span> ", start + k + 1);
        html_escape(b, s->v[start + k]);
        if (k + 1 < n)
            jisr_buf_puts(b, "<br>");
    }
    jisr_buf_puts(b, "</td>");
}

static int html_page(jisr_buf *b, const acli_out_opts *o, const acli_strs *src,
                     const acli_strs *tgt, const jisr_ladder *l)
{
    size_t pairs = 0, unal = 0, weak = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!l->v[i].nsrc || !l->v[i].ntgt)
            unal += l->v[i].nsrc + l->v[i].ntgt;
        else if (l->v[i].score < o->min_score)
            weak++;
        else
            pairs++;
    }
    jisr_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>");
    html_escape(b, o->title ? o->title : "jisr alignment");
    jisr_buf_puts(b,
                  "</title>\n<style>\n"
                  "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n"
                  "table{border-collapse:collapse;width:100%;table-layout:fixed}\n"
                  "td,th{border:1px solid #ccc;padding:.4em .6em;vertical-align:top}\n"
                  "td.s{width:5em;text-align:right;font-variant-numeric:tabular-nums}\n"
                  "td[dir=rtl]{font-size:1.1em;text-align:right}\n"
                  ".n{color:#888;font-size:.75em}\n"
                  "tr.hi{background:#e3f6e3}tr.mid{background:#fff6d5}tr.lo{background:#fde2e0}\n"
                  "tr.un{background:#eee;color:#555;font-style:italic}\n"
                  "tr.weak{opacity:.55}\n"
                  ".legend span{display:inline-block;padding:.1em .6em;margin-right:.5em}\n"
                  "</style>\n</head>\n<body>\n<h1>");
    html_escape(b, o->title ? o->title : "jisr alignment");
    jisr_buf_printf(b,
                    "</h1>\n<p>%zu source and %zu target sentences: %zu pairs, %zu unaligned "
                    "sentences, %zu pairs below --min-score.</p>\n",
                    src->n, tgt->n, pairs, unal, weak);
    jisr_buf_puts(b, "<p class=\"legend\"><span class=\"hi\" style=\"background:#e3f6e3\">"
                     "confident (&ge; 0.7)</span><span style=\"background:#fff6d5\">check "
                     "(0.4&ndash;0.7)</span><span style=\"background:#fde2e0\">doubtful "
                     "(&lt; 0.4)</span><span style=\"background:#eee\">unaligned</span></p>\n");
    jisr_buf_puts(b, "<table>\n<tr><th>");
    html_escape(b, o->srclang);
    jisr_buf_puts(b, "</th><th>");
    html_escape(b, o->tgtlang);
    jisr_buf_puts(b, "</th><th style=\"width:5em\">score</th></tr>\n");
    for (size_t i = 0; i < l->n; i++) {
        const jisr_bead *bd = &l->v[i];
        const char *cls = !bd->nsrc || !bd->ntgt ? "un"
                          : bd->score >= 0.7     ? "hi"
                          : bd->score >= 0.4     ? "mid"
                                                 : "lo";
        jisr_buf_printf(b, "<tr class=\"%s%s\">", cls,
                        bd->nsrc && bd->ntgt && bd->score < o->min_score ? " weak" : "");
        html_cell(b, o->srclang, src, bd->src, bd->nsrc);
        html_cell(b, o->tgtlang, tgt, bd->tgt, bd->ntgt);
        if (bd->nsrc && bd->ntgt)
            jisr_buf_printf(b, "<td class=\"s\">%.2f</td></tr>\n", bd->score);
        else
            jisr_buf_puts(b, "<td class=\"s\">unaligned</td></tr>\n");
    }
    return jisr_buf_puts(b, "</table>\n</body>\n</html>\n");
}

static int write_tmx(const char *path, const acli_out_opts *o, const acli_strs *src,
                     const acli_strs *tgt, const jisr_ladder *l)
{
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    wo.srclang = o->srclang;
    wo.tgtlang = o->tgtlang;
    wo.segtype = "sentence";
    jisr_writer *w = NULL;
    int rc = jisr_writer_open(&w, path, &wo);
    if (rc < 0)
        return rc;
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_buf s = {0}, t = {0};
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const jisr_bead *bd = &l->v[i];
        if (!bd->nsrc || !bd->ntgt || bd->score < o->min_score)
            continue;
        jisr_unit_clear(&u);
        char score[32];
        snprintf(score, sizeof score, "%.4f", bd->score);
        if ((rc = side_text(&s, src, bd->src, bd->nsrc)) < 0 ||
            (rc = side_text(&t, tgt, bd->tgt, bd->ntgt)) < 0 ||
            (rc = jisr_unit_add_variant(&u, o->srclang, s.data, s.len, NULL)) < 0 ||
            (rc = jisr_unit_add_variant(&u, o->tgtlang, t.data, t.len, NULL)) < 0)
            break;
        u.meta.props = calloc(1, sizeof *u.meta.props);
        if (!u.meta.props || !(u.meta.props[0].type = jisr_strdup("x-align-score")) ||
            !(u.meta.props[0].value = jisr_strdup(score))) {
            if (u.meta.props) {
                free(u.meta.props[0].type);
                free(u.meta.props);
                u.meta.props = NULL;
            }
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        u.meta.nprops = 1;
        rc = jisr_writer_write(w, &u);
    }
    jisr_unit_clear(&u);
    jisr_buf_free(&s);
    jisr_buf_free(&t);
    if (rc < 0) {
        jisr_writer_abort(w);
        return rc;
    }
    return jisr_writer_close(w);
}

int acli_write(const char *path, const acli_out_opts *o, const acli_strs *src, const acli_strs *tgt,
               const jisr_ladder *l)
{
    if (o->format == ACLI_TMX)
        return write_tmx(path, o, src, tgt, l);
    jisr_buf b = {0}, s = {0}, t = {0};
    int rc = 0;
    switch (o->format) {
    case ACLI_LADDER:
        rc = jisr_ladder_format(&b, l, 1);
        break;
    case ACLI_TSV:
        for (size_t i = 0; rc == 0 && i < l->n; i++) {
            const jisr_bead *bd = &l->v[i];
            if (!bd->nsrc || !bd->ntgt || bd->score < o->min_score)
                continue;
            if ((rc = side_text(&s, src, bd->src, bd->nsrc)) < 0 ||
                (rc = side_text(&t, tgt, bd->tgt, bd->ntgt)) < 0)
                break;
            if ((rc = jisr_tsv_escape(&b, s.data, s.len)) < 0 ||
                (rc = jisr_buf_putc(&b, '\t')) < 0 || (rc = jisr_tsv_escape(&b, t.data, t.len)) < 0)
                break;
            rc = jisr_buf_printf(&b, "\t%.4f\n", bd->score);
        }
        break;
    case ACLI_JSONL:
        rc = acli_jsonl(&b, o, src, tgt, l);
        break;
    case ACLI_HTML:
        rc = html_page(&b, o, src, tgt, l);
        break;
    default:
        break;
    }
    if (rc == 0) {
        int to_stdout = strcmp(path, "-") == 0;
        FILE *f = to_stdout ? stdout : fopen(path, "wb");
        if (!f)
            rc = jisr_error_set(JISR_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
        else {
            if (b.len && fwrite(b.data, 1, b.len, f) != b.len)
                rc = jisr_error_set(JISR_EIO, path, 0, 0, "write error: %s", strerror(errno));
            if (to_stdout ? fflush(f) != 0 : fclose(f) != 0)
                if (rc == 0)
                    rc = jisr_error_set(JISR_EIO, path, 0, 0, "write error: %s", strerror(errno));
        }
    }
    jisr_buf_free(&b);
    jisr_buf_free(&s);
    jisr_buf_free(&t);
    return rc;
}
