/*
 * xliff.c — the source side of an XLIFF 1.2/2.0 file as paragraphs: one per segment, read
 * through the formats layer's XLIFF unit reader (formats/xliff.c), so the two never disagree on
 * what a segment is. Inline codes are dropped (jisr_variant_plain); the unit's id, source
 * language and position come along as hints.
 */
#include <stdlib.h>
#include <string.h>

#include "doc/doc_int.h"
#include "formats/formats.h"

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
    jisr_buf plain = {0};
    while ((rc = jisr_reader_next(r, &u)) > 0) {
        if (!u.nvariants)
            continue;
        const jisr_variant *v = &u.variants[0];
        jisr_buf_reset(&plain);
        if ((rc = jisr_variant_plain(v, &plain)) < 0)
            break;
        if ((rc = doc_add(d, plain.data ? plain.data : "", plain.len, JISR_PARA_SEGMENT, 0,
                          JISR_DIR_NONE, v->lang, NULL, u.tuid, u.line, u.col)) < 0)
            break;
    }
    if (rc < 0 && !d->err) {
        d->err = rc;
        d->saved = *jisr_error_last();
    }
    jisr_buf_free(&plain);
    jisr_unit_clear(&u);
    jisr_reader_close(r);
    return rc < 0 ? rc : 0;
}
