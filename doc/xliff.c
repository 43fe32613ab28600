/*
 * xliff.c — the source side of an XLIFF 1.2/2.0 file as paragraphs: one per segment, read
 * through the formats layer's XLIFF unit reader (formats/xliff.c), so the two never disagree on
 * what a segment is. Inline codes are dropped (jisr_variant_plain), except that a standalone
 * code between two words (a line break "<ph>&lt;br/&gt;</ph>", a tab "<x/>") leaves a space, as
 * the document it stands for shows one: "Line one.<ph/>Line two." must not become one word for
 * the segmenter and the aligner. The memory's texts keep their codes (the formats layer is not
 * changed). The unit's id, source language and position come along as hints.
 */
#include <stdlib.h>
#include <string.h>

#include "doc/doc_int.h"
#include "formats/formats.h"

/* Is tag (a placeholder's TMX element) a standalone code: a <ph> that is not one half of a pair
 * split across segments (1.2 <bx/>/<ex/>) or an empty paired code (<g/>, <pc/>)? */
static int standalone(const char *tag)
{
    if (strncmp(tag, "<ph", 3) != 0 || (tag[3] != '>' && tag[3] != ' '))
        return 0;
    const char *c = strchr(tag, '>');
    c = c ? c + 1 : "";
    return strncmp(c, "&lt;bx", 6) != 0 && strncmp(c, "&lt;ex", 6) != 0 &&
           strncmp(c, "&lt;g ", 6) != 0 && strncmp(c, "&lt;g/", 6) != 0 &&
           strncmp(c, "&lt;pc", 6) != 0;
}

/* May a space stand between a (the last byte of the text so far) and the text that starts at b?
 * Not next to white space, not before closing punctuation nor after opening one ("word<x/>."
 * stays "word."). */
static int spaced(char a, const char *b)
{
    if (!b[0] || strchr(" \t\n\r([{", a) || strchr(" \t\n\r.,;:!?)]}", b[0]))
        return 0;
    /* Arabic comma, semicolon and question mark */
    return !(strncmp(b, "\xD8\x8C", 2) == 0 || strncmp(b, "\xD8\x9B", 2) == 0 ||
             strncmp(b, "\xD8\x9F", 2) == 0);
}

/* The variant's text as a reader sees it, into out: placeholders dropped, a standalone code
 * between two words a space. Each run between standalone codes goes through
 * jisr_variant_plain (which knows the tags that stand for literal characters). */
static int plain_text(const jisr_variant *v, jisr_buf *out, jisr_buf *run)
{
    const char *s = v->text ? v->text : "";
    size_t n = strlen(s), start = 0;
    int pending = 0, rc = 0;
    for (size_t i = 0; i <= n && rc == 0; i++) {
        size_t tag = (size_t)-1;
        if (i < n && (unsigned char)s[i] == 0xEE && i + 2 < n) {
            /* U+E000–U+EFFF: a placeholder when its index names a tag */
            unsigned cp = (((unsigned char)s[i] & 0x0Fu) << 12) |
                          (((unsigned char)s[i + 1] & 0x3Fu) << 6) |
                          ((unsigned char)s[i + 2] & 0x3Fu);
            if (cp >= JISR_TAG_BASE && cp - JISR_TAG_BASE < v->ntags &&
                standalone(v->tags[cp - JISR_TAG_BASE]))
                tag = cp - JISR_TAG_BASE;
        }
        if (i < n && tag == (size_t)-1)
            continue;
        /* the run s[start, i) */
        jisr_variant piece = *v;
        char *copy = malloc(i - start + 1);
        if (!copy)
            return JISR_ENOMEM;
        memcpy(copy, s + start, i - start);
        copy[i - start] = '\0';
        piece.text = copy;
        jisr_buf_reset(run);
        rc = jisr_variant_plain(&piece, run);
        free(copy);
        if (rc < 0)
            return rc;
        if (pending && run->len && out->len && spaced(out->data[out->len - 1], run->data) &&
            jisr_buf_append(out, " ", 1) < 0)
            return JISR_ENOMEM;
        if (run->len && jisr_buf_append(out, run->data, run->len) < 0)
            return JISR_ENOMEM;
        pending = 1;
        start = i + 3;
        i += 2;
    }
    return jisr_buf_append(out, "", 0) < 0 ? JISR_ENOMEM : 0; /* NUL-terminated when empty */
}

int doc_xliff_read(jisr_doc *d, const char *path, const void *data, size_t n)
{
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_XLIFF;
    jisr_reader *r = NULL;
    int rc =
        path ? jisr_reader_open(&r, path, &ro) : jisr_reader_open_memory(&r, d->name, data, n, &ro);
    if (rc < 0) {
        d->err = rc;
        d->saved = *jisr_error_last();
        return rc;
    }
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_buf plain = {0}, run = {0};
    while ((rc = jisr_reader_next(r, &u)) > 0) {
        if (!u.nvariants)
            continue;
        const jisr_variant *v = &u.variants[0];
        jisr_buf_reset(&plain);
        if ((rc = plain_text(v, &plain, &run)) < 0) {
            doc_error(d, rc, NULL, 0, 0, "out of memory");
            break;
        }
        if ((rc = doc_add(d, plain.data ? plain.data : "", plain.len, JISR_PARA_SEGMENT, 0,
                          JISR_DIR_NONE, v->lang, NULL, u.tuid, u.line, u.col)) < 0)
            break;
    }
    if (rc < 0 && !d->err) {
        d->err = rc;
        d->saved = *jisr_error_last();
    }
    jisr_buf_free(&plain);
    jisr_buf_free(&run);
    jisr_unit_clear(&u);
    jisr_reader_close(r);
    return rc < 0 ? rc : 0;
}
