/*
 * fuzz_tmx.c — libFuzzer target for the TMX reader: parse the input from memory, in strict and
 * in skip-bad mode, and write every unit read back through the TMX and JSONL writers (to
 * /dev/null), so reader, unit model and writers all see hostile data. Every variant read is also
 * shown as a reader sees it by the matcher's output (jisr_tm_plain_tags), whose text must be
 * jisr_variant_plain's with each <ph> holding a format code (tm_ph_code, checked against
 * tm_code_len) given back as the code (line feeds of line breaks aside, which a code beside them
 * may draw), and read in two parts within the whole (jisr_tm_plain_tags_range) the whole's.
 * Every tag read is in the spelling fmt_tag_canon gives every other reader's (session 36).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats_int.h"
#include "tm/tm.h"
#include "tm/tm_int.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_bad(void *ctx, const jisr_error *e)
{
    (void)e;
    (*(int *)ctx)++;
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_tmx: %s\n", what);
        abort();
    }
}

/* v as the matcher's output shows it: jisr_variant_plain's text (plain) with the codes of its
 * code placeholders in their places */
static void check_plain_tags(const jisr_variant *v, const jisr_buf *plain, jisr_buf *b)
{
    size_t n = strlen(v->text), extra = 0;
    for (size_t k = 0; k < v->ntags; k++) {
        size_t off = 0, len = 0, tn = v->tags[k] ? strlen(v->tags[k]) : 0;
        if (!v->tags[k] || !tm_ph_code(v->tags[k], tn, &off, &len))
            continue;
        check(tn >= 9 && memcmp(v->tags[k], "<ph", 3) == 0 && off + len + 5 == tn &&
                  memcmp(v->tags[k] + tn - 5, "</ph>", 5) == 0 &&
                  tm_code_len(v->tags[k] + off, len, 0) == len,
              "a code placeholder is a <ph> holding exactly one format code");
    }
    for (size_t i = 0; i < n;) {
        size_t len = 1, off, cl;
        int32_t cp = jisr_utf8_decode((const unsigned char *)v->text, n, i, &len);
        size_t k = cp >= (int32_t)JISR_TAG_BASE ? (size_t)(cp - (int32_t)JISR_TAG_BASE) : v->ntags;
        if (k < v->ntags && v->tags[k] && tm_ph_code(v->tags[k], strlen(v->tags[k]), &off, &cl))
            extra += cl;
        i += len;
    }
    jisr_buf_reset(b);
    check(jisr_tm_plain_tags(b, v->text, n, v->tags, v->ntags) == 0, "jisr_tm_plain_tags succeeds");
    /* (a line break beside a code draws a line feed here, where jisr_variant_plain, which sees
     * no code, may not: line feeds aside) */
    size_t bl = 0, pl = 0;
    for (size_t i = 0; i < b->len; i++)
        bl += b->data[i] != '\n';
    for (size_t i = 0; i < plain->len; i++)
        pl += plain->data[i] != '\n';
    check(bl == pl + extra, "the plain text and the codes, nothing else");
    if (extra == 0)
        check(b->len == plain->len && (b->len == 0 || memcmp(b->data, plain->data, b->len) == 0),
              "without code placeholders: jisr_variant_plain's text");
    /* read in two parts cut at a placeholder, within the whole: the whole's plain text */
    jisr_buf parts = {0};
    size_t cuts = 0;
    for (size_t i = 0; i < n && cuts < 32;) {
        size_t len = 1;
        int32_t cp = jisr_utf8_decode((const unsigned char *)v->text, n, i, &len);
        if (cp >= (int32_t)JISR_TAG_BASE && (size_t)(cp - (int32_t)JISR_TAG_BASE) < v->ntags) {
            for (size_t c = i; c <= i + len; c += len, cuts++) {
                jisr_buf_reset(&parts);
                check(jisr_tm_plain_tags_range(&parts, v->text, n, 0, c, v->tags, v->ntags) == 0 &&
                          jisr_tm_plain_tags_range(&parts, v->text, n, c, n, v->tags, v->ntags) ==
                              0,
                      "jisr_tm_plain_tags_range succeeds");
                check(parts.len == b->len &&
                          (b->len == 0 || memcmp(parts.data, b->data, b->len) == 0),
                      "two parts read within the whole are the whole");
            }
        }
        i += len;
    }
    jisr_buf_free(&parts);
    for (size_t k = 0; k < v->ntags; k++) { /* what each tag draws, and nothing out of it */
        int kb = jisr_tag_break(v->tags[k], v->tags[k] ? strlen(v->tags[k]) : 0);
        check(kb == 0 || kb == JISR_TAG_LINE || kb == JISR_TAG_SOFT, "jisr_tag_break's kinds");
    }
}

static void run(const uint8_t *data, size_t size, unsigned flags)
{
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    int nbad = 0;
    ro.flags = flags;
    ro.on_bad = on_bad;
    ro.ctx = &nbad;
    jisr_reader *r;
    if (jisr_reader_open_memory(&r, "fuzz.tmx", data, size, &ro) < 0)
        return;
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    const jisr_header *h = jisr_reader_header(r);
    wo.srclang = h ? h->srclang : NULL;
    jisr_writer *w = NULL, *j = NULL;
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        wo.format = JISR_FMT_TMX;
        jisr_writer_open_stream(&w, devnull, "null.tmx", &wo, h ? &h->meta : NULL);
        wo.format = JISR_FMT_JSONL;
        jisr_writer_open_stream(&j, devnull, "null.jsonl", &wo, NULL);
    }
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_buf b = {0}, t = {0};
    while (jisr_reader_next(r, &u) > 0) {
        for (size_t i = 0; i < u.nvariants; i++) {
            jisr_buf_reset(&b);
            if (jisr_variant_plain(&u.variants[i], &b) == 0)
                check_plain_tags(&u.variants[i], &b, &t);
            const jisr_variant *v = &u.variants[i];
            for (size_t k = 0; k < v->ntags && !(flags & JISR_READ_CHECK_ONLY); k++)
                check(fmt_tag_canon(v->tags[k], strlen(v->tags[k]), &t) == 0,
                      "every tag the TMX reader reads is in fmt_tag_canon's spelling");
        }
        jisr_unit c;
        if (jisr_unit_copy(&c, &u) == 0) {
            jisr_unit_keep_pair(&c, "en", "ar");
            jisr_unit_clear(&c);
        }
        if (w)
            jisr_writer_write(w, &u);
        if (j)
            jisr_writer_write(j, &u);
    }
    jisr_buf_free(&b);
    jisr_buf_free(&t);
    jisr_unit_clear(&u);
    jisr_writer_close(w);
    jisr_writer_close(j);
    if (devnull)
        fclose(devnull);
    jisr_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, 0);
    run(data, size, JISR_READ_SKIP_BAD);
    return 0;
}
