/*
 * sentences.c — documents as lists of sentences: the one place where paragraphs become
 * sentences, for every front end (`jisr segment`, `jisr align`, the JSONL document protocol,
 * and the document readers to come, which hand over one paragraph at a time).
 *
 * A paragraph goes through the segmenter; each sentence is kept with its byte span in the
 * paragraph and its paragraph number, and its text has the line breaks a paragraph may hold
 * turned into spaces (\r\n counts as one). Presegmented input keeps every line as a sentence,
 * empty lines included, so sentence i is line i+1 (what gold alignments count); such lists carry
 * no paragraph information. Text in memory is split into paragraphs with the same rule as the
 * streaming reader: a line of only spaces and tabs ends a paragraph.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "util/util_int.h"

static int push(jisr_sentences *s, const char *p, size_t n, size_t start, uint32_t para)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return jisr_oom(0);
        s->v = v;
        uint32_t *pa = realloc(s->para, cap * sizeof *pa);
        if (!pa)
            return jisr_oom(0);
        s->para = pa;
        size_t *st = realloc(s->start, cap * sizeof *st);
        if (!st)
            return jisr_oom(0);
        s->start = st;
        size_t *en = realloc(s->end, cap * sizeof *en);
        if (!en)
            return jisr_oom(0);
        s->end = en;
        s->cap = cap;
    }
    char *c = jisr_strndup(p, n);
    if (!c)
        return JISR_ENOMEM;
    s->v[s->n] = c;
    s->para[s->n] = para;
    s->start[s->n] = start;
    s->end[s->n] = start + n;
    s->n++;
    return 0;
}

int jisr_sentences_push(jisr_sentences *s, const char *text, size_t len)
{
    if (!s || (!text && len))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_sentences_push: %s is NULL",
                              s ? "text" : "s");
    int rc = push(s, text ? text : "", len, 0, s->npara);
    if (rc == 0)
        s->npara++;
    return rc;
}

int jisr_sentences_add_paragraph(jisr_sentences *s, jisr_segmenter *seg, const char *text,
                                 size_t len)
{
    if (!s)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_sentences_add_paragraph: s is NULL");
    int rc = jisr_segmenter_split(seg, text, len, &s->spans);
    if (rc < 0 || s->spans.n == 0)
        return rc;
    for (size_t k = 0; rc == 0 && k < s->spans.n; k++) {
        const char *p = text + s->spans.v[k].start;
        size_t n = s->spans.v[k].end - s->spans.v[k].start;
        if ((rc = push(s, p, n, s->spans.v[k].start, s->npara)) < 0)
            break;
        /* a sentence spanning a line break keeps it as one space */
        char *c = s->v[s->n - 1], *o = c;
        for (size_t i = 0; i < n; i++) {
            if (c[i] == '\r' && i + 1 < n && c[i + 1] == '\n')
                continue;
            *o++ = c[i] == '\n' || c[i] == '\r' ? ' ' : c[i];
        }
        *o = '\0';
    }
    s->npara++;
    s->has_para = 1;
    return rc;
}

int jisr_sentences_read(jisr_sentences *s, const char *path, jisr_segmenter *seg, unsigned flags)
{
    jisr_textin *in = NULL;
    if (!s)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_sentences_read: s is NULL");
    int rc = jisr_textin_open(&in, path, flags);
    while (rc >= 0) {
        const char *t;
        size_t n;
        uint64_t off;
        unsigned long line;
        rc = seg ? jisr_textin_next_paragraph(in, &t, &n, &off, &line)
                 : jisr_textin_next_line(in, &t, &n, &off, &line);
        if (rc <= 0)
            break;
        rc = seg ? jisr_sentences_add_paragraph(s, seg, t, n) : jisr_sentences_push(s, t, n);
    }
    s->replaced += jisr_textin_replacements(in);
    jisr_textin_close(in);
    return rc < 0 ? rc : 0;
}

int jisr_sentences_split(jisr_sentences *s, const char *text, size_t len, jisr_segmenter *seg)
{
    int rc = 0;
    if (!s || (!text && len))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_sentences_split: %s is NULL",
                              s ? "text" : "s");
    const char *p = text, *end = text + len;
    if (!seg) {
        while (rc == 0 && p < end) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            const char *e = eol ? eol : end;
            rc = jisr_sentences_push(s, p, (size_t)(e > p && e[-1] == '\r' ? e - 1 - p : e - p));
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
        const char *b = p;
        while (b < para_end && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))
            b++;
        if (b < para_end)
            rc = jisr_sentences_add_paragraph(s, seg, b, (size_t)(para_end - b));
        p = next;
    }
    return rc;
}

void jisr_sentences_clear(jisr_sentences *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    s->n = 0;
    s->npara = 0;
    s->has_para = 0;
    s->replaced = 0;
}

void jisr_sentences_free(jisr_sentences *s)
{
    if (!s)
        return;
    jisr_sentences_clear(s);
    free(s->v);
    free(s->para);
    free(s->start);
    free(s->end);
    jisr_spans_free(&s->spans);
    memset(s, 0, sizeof *s);
}
