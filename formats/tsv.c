/*
 * tsv.c — two-column TSV and Moses two-file parallel text, readers and writers.
 *
 * TSV escaping (the same convention as ../shared/data/segmentation/golden_cases.tsv): a field
 * holds "\\" for a backslash, "\t" for a tab, "\n" for a line feed and "\r" for a carriage
 * return; any other backslash is kept as it stands, so Windows paths survive a hand-written
 * file. The writer escapes every backslash, so write → read is exact. Columns: source, target;
 * further columns (e.g. Tatoeba's attribution) are ignored; blank lines are skipped.
 *
 * Both formats carry plain text: inline tags are not written (jisr_variant_plain), and the
 * Moses writer turns line breaks inside a segment into spaces, since a line is a segment there.
 * The source and target variants of a unit are the first ones matching the writer's srclang and
 * tgtlang (BCP 47 prefix match), or the first two variants when no language was given.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/formats_int.h"

typedef struct lines_reader {
    jisr_lines *a, *b; /* b: Moses target file */
    jisr_buf s, t;
} lines_reader;

static int unescape(jisr_buf *out, const char *s, size_t n)
{
    int rc;
    jisr_buf_reset(out);
    if ((rc = jisr_buf_append(out, "", 0)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            char e = s[i + 1];
            char r = e == '\\' ? '\\' : e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : 0;
            if (r) {
                c = r;
                i++;
            }
        }
        if ((rc = jisr_buf_putc(out, c)) < 0)
            return rc;
    }
    return 0;
}

static int make_unit(jisr_reader *r, jisr_unit *u, unsigned long line, const char *s, size_t sn,
                     const char *t, size_t tn)
{
    int rc;
    u->line = line;
    u->col = 1;
    if ((rc = jisr_unit_add_variant(u, r->srclang, s, sn, NULL)) < 0 ||
        (rc = jisr_unit_add_variant(u, r->tgtlang, t, tn, NULL)) < 0)
        return rc;
    return 1;
}

/* A line error with --skip-bad: the line reader has consumed the whole line, so reading goes
 * on at the next one. I/O and memory errors always end the read. */
static int skippable(const jisr_reader *r, int rc)
{
    return (r->flags & JISR_READ_SKIP_BAD) && rc != JISR_EIO && rc != JISR_ENOMEM;
}

static int tsv_next(jisr_reader *r, jisr_unit *u)
{
    lines_reader *lr = r->impl;
    int rc;
    jisr_unit_clear(u);
    for (;;) {
        const char *line;
        size_t n;
        rc = jisr_lines_next(lr->a, &line, &n);
        r->bytes = jisr_lines_consumed(lr->a);
        if (rc <= 0) {
            if (rc < 0 && skippable(r, rc)) {
                fmt_reader_bad(r);
                continue;
            }
            return rc;
        }
        unsigned long lineno = jisr_lines_lineno(lr->a);
        if (n == 0)
            continue;
        const char *tab = memchr(line, '\t', n);
        if (!tab) {
            rc = jisr_error_set(JISR_EPARSE, r->path, lineno, n + 1,
                                "expected two tab-separated columns (source, target)");
            if (!skippable(r, rc))
                return rc;
            fmt_reader_bad(r);
            continue;
        }
        const char *t = tab + 1;
        const char *end = memchr(t, '\t', n - (size_t)(t - line));
        size_t tn = end ? (size_t)(end - t) : n - (size_t)(t - line);
        if ((rc = unescape(&lr->s, line, (size_t)(tab - line))) < 0 ||
            (rc = unescape(&lr->t, t, tn)) < 0)
            return rc;
        return make_unit(r, u, lineno, lr->s.data, lr->s.len, lr->t.data, lr->t.len);
    }
}

static int moses_next(jisr_reader *r, jisr_unit *u)
{
    lines_reader *lr = r->impl;
    int rc, rc2;
    jisr_unit_clear(u);
    for (;;) {
        const char *s, *t;
        size_t sn, tn;
        /* both sides advance by one line even when one of them is bad, so they stay paired */
        rc = jisr_lines_next(lr->a, &s, &sn);
        jisr_error e1 = *jisr_error_last();
        rc2 = jisr_lines_next(lr->b, &t, &tn);
        r->bytes = jisr_lines_consumed(lr->a) + jisr_lines_consumed(lr->b);
        if (rc < 0 || rc2 < 0) {
            int bad = rc < 0 ? rc : rc2;
            if (rc < 0) /* the source side's error is the one to report */
                jisr_error_set(e1.code, e1.file, e1.line, e1.col, "%s", e1.msg);
            if (!skippable(r, bad) || (rc == 0 || rc2 == 0))
                return bad;
            fmt_reader_bad(r);
            continue;
        }
        if (rc == 0 && rc2 == 0)
            return 0;
        if (rc == 0 || rc2 == 0) {
            jisr_lines *shorter = rc == 0 ? lr->a : lr->b;
            jisr_lines *longer = rc == 0 ? lr->b : lr->a;
            return jisr_error_set(JISR_EPARSE, jisr_lines_name(shorter),
                                  jisr_lines_lineno(shorter) + 1, 1,
                                  "ends after %lu lines but %s has more",
                                  jisr_lines_lineno(shorter), jisr_lines_name(longer));
        }
        if (sn == 0 && tn == 0)
            continue;
        return make_unit(r, u, jisr_lines_lineno(lr->a), s, sn, t, tn);
    }
}

static void lines_close(jisr_reader *r)
{
    lines_reader *lr = r->impl;
    if (!lr)
        return;
    jisr_lines_close(lr->a);
    jisr_lines_close(lr->b);
    jisr_buf_free(&lr->s);
    jisr_buf_free(&lr->t);
    free(lr);
    r->impl = NULL;
}

static int lines_open(jisr_reader *r, jisr_lines *a, jisr_lines *b)
{
    lines_reader *lr = calloc(1, sizeof *lr);
    if (!lr) {
        jisr_lines_close(a);
        jisr_lines_close(b);
        return jisr_oom(sizeof *lr);
    }
    r->impl = lr;
    r->close = lines_close;
    lr->a = a;
    lr->b = b;
    jisr_lines_set_max(a, fmt_line_max);
    jisr_lines_set_max(b, fmt_line_max);
    return 0;
}

int fmt_tsv_reader_open(jisr_reader *r, jisr_lines *l)
{
    int rc = lines_open(r, l, NULL);
    r->next = tsv_next;
    return rc;
}

int fmt_moses_reader_open(jisr_reader *r, jisr_lines *a, jisr_lines *b)
{
    int rc = lines_open(r, a, b);
    r->next = moses_next;
    return rc;
}

/* ---- writers ------------------------------------------------------------------------------ */

/* The source and target variants of u for a two-column writer. */
static int pick_pair(jisr_writer *w, const jisr_unit *u, const jisr_variant **s,
                     const jisr_variant **t)
{
    /* a TMX header's srclang "*all*" names no language: fall back to the first variant */
    const char *want = w->srclang && strcmp(w->srclang, "*all*") != 0 ? w->srclang : NULL;
    *s = want ? jisr_unit_find(u, want) : (u->nvariants ? &u->variants[0] : NULL);
    *t = NULL;
    if (w->tgtlang) {
        *t = jisr_unit_find(u, w->tgtlang);
    } else if (*s) {
        for (size_t i = 0; i < u->nvariants && !*t; i++)
            if (&u->variants[i] != *s)
                *t = &u->variants[i];
    }
    if (!*s || !*t)
        return jisr_error_set(
            JISR_ENOTFOUND, w->path, 0, 0, "unit %lu%s%s%s has no %s variant", w->nunits + 1,
            u->tuid ? " (tuid " : "", u->tuid ? u->tuid : "", u->tuid ? ")" : "",
            !*s ? (w->srclang ? w->srclang : "source") : (w->tgtlang ? w->tgtlang : "second"));
    return 0;
}

static int plain_checked(jisr_writer *w, const jisr_variant *v, jisr_buf *out)
{
    int rc;
    jisr_buf_reset(out);
    if ((rc = jisr_variant_plain(v, out)) < 0)
        return rc;
    size_t bad;
    if (fmt_check_utf8(out->data, out->len, &bad) < 0)
        return jisr_error_set(JISR_EENCODING, w->path, 0, 0,
                              "unit %lu: %s text is not valid UTF-8 (byte %zu)", w->nunits + 1,
                              v->lang ? v->lang : "", bad);
    return 0;
}

int jisr_tsv_escape(jisr_buf *b, const char *s, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        const char *e = NULL;
        switch (s[i]) {
        case '\\':
            e = "\\\\";
            break;
        case '\t':
            e = "\\t";
            break;
        case '\n':
            e = "\\n";
            break;
        case '\r':
            e = "\\r";
            break;
        default:
            break;
        }
        rc = e ? jisr_buf_puts(b, e) : jisr_buf_putc(b, s[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int put_oneline(jisr_buf *b, const char *s, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
            continue;
        if ((rc = jisr_buf_putc(b, (c == '\n' || c == '\r') ? ' ' : c)) < 0)
            return rc;
    }
    return 0;
}

static int tsv_write(jisr_writer *w, const jisr_unit *u)
{
    const jisr_variant *s, *t;
    jisr_buf tmp = {0};
    int rc;
    if ((rc = pick_pair(w, u, &s, &t)) < 0)
        return rc;
    size_t mark = w->buf.len;
    if ((rc = plain_checked(w, s, &tmp)) < 0 ||
        (rc = jisr_tsv_escape(&w->buf, tmp.data, tmp.len)) < 0 ||
        (rc = jisr_buf_putc(&w->buf, '\t')) < 0 || (rc = plain_checked(w, t, &tmp)) < 0 ||
        (rc = jisr_tsv_escape(&w->buf, tmp.data, tmp.len)) < 0 ||
        (rc = jisr_buf_putc(&w->buf, '\n')) < 0) {
        w->buf.len = mark;
        jisr_buf_free(&tmp);
        return rc;
    }
    jisr_buf_free(&tmp);
    return w->buf.len >= (1u << 16) ? fmt_writer_flush(w, w->f, &w->buf) : 0;
}

static int moses_write(jisr_writer *w, const jisr_unit *u)
{
    const jisr_variant *s, *t;
    jisr_buf tmp = {0}, line2 = {0};
    int rc;
    if ((rc = pick_pair(w, u, &s, &t)) < 0)
        return rc;
    size_t mark = w->buf.len;
    if ((rc = plain_checked(w, s, &tmp)) < 0 ||
        (rc = put_oneline(&w->buf, tmp.data, tmp.len)) < 0 ||
        (rc = jisr_buf_putc(&w->buf, '\n')) < 0 || (rc = plain_checked(w, t, &tmp)) < 0 ||
        (rc = put_oneline(&line2, tmp.data, tmp.len)) < 0 ||
        (rc = jisr_buf_putc(&line2, '\n')) < 0) {
        w->buf.len = mark;
        goto done;
    }
    /* the target line goes straight out so both files always hold the same number of lines */
    if ((rc = fmt_writer_flush(w, w->f2, &line2)) < 0)
        goto done;
    if (w->buf.len >= (1u << 16))
        rc = fmt_writer_flush(w, w->f, &w->buf);
done:
    jisr_buf_free(&tmp);
    jisr_buf_free(&line2);
    return rc;
}

static int lines_finish(jisr_writer *w)
{
    return fmt_writer_flush(w, w->f, &w->buf);
}

int fmt_tsv_writer_begin(jisr_writer *w)
{
    w->write = tsv_write;
    w->finish = lines_finish;
    return 0;
}

int fmt_moses_writer_begin(jisr_writer *w)
{
    w->write = moses_write;
    w->finish = lines_finish;
    return 0;
}
