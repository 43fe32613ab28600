/*
 * fuzz_xliff.c — libFuzzer target for the XLIFF unit reader: units read from memory and written
 * back through the TMX writer (to /dev/null), so the inline codes it builds are checked by the
 * writer's well-formedness rules. Every tag it builds is in the one spelling (fmt_tag_canon), and
 * a unit written as TMX and read back is the same unit, texts and tags byte for byte: a memory
 * that imports an XLIFF and the TMX exported from it holds one unit, not two (session 36).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_xliff: %s\n", what);
        abort();
    }
}

static int same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* u written as TMX and read back: the same texts and tags */
static void round_trip(const jisr_unit *u)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    jisr_writer *w = NULL;
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    int ok = jisr_writer_open_stream(&w, f, "rt.tmx", &wo, NULL) == 0;
    ok = ok && jisr_writer_write(w, u) == 0;
    if (w && jisr_writer_close(w) < 0)
        ok = 0;
    fclose(f);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TMX;
    jisr_reader *r = NULL;
    if (ok && jisr_reader_open_memory(&r, "rt.tmx", buf, len, &ro) == 0) {
        jisr_unit back;
        jisr_unit_init(&back);
        check(jisr_reader_next(r, &back) == 1, "the TMX written reads back");
        check(back.nvariants == u->nvariants, "the same variants");
        for (size_t i = 0; i < u->nvariants; i++) {
            const jisr_variant *a = &u->variants[i], *b = &back.variants[i];
            check(same(a->text, b->text), "the same text");
            check(a->ntags == b->ntags, "as many tags");
            for (size_t k = 0; k < a->ntags; k++)
                check(same(a->tags[k], b->tags[k]), "each tag the same bytes");
        }
        jisr_unit_clear(&back);
        jisr_reader_close(r);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_XLIFF;
    jisr_reader *r = NULL;
    if (jisr_reader_open_memory(&r, "fuzz.xlf", data, size, &ro) < 0)
        return 0;
    FILE *devnull = fopen("/dev/null", "w");
    jisr_writer *w = NULL;
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    if (devnull)
        jisr_writer_open_stream(&w, devnull, "null.tmx", &wo, NULL);
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_buf b = {0}, c = {0};
    while (jisr_reader_next(r, &u) > 0) {
        for (size_t i = 0; i < u.nvariants; i++) {
            const jisr_variant *v = &u.variants[i];
            jisr_buf_reset(&b);
            jisr_variant_plain(v, &b);
            for (size_t k = 0; k < v->ntags; k++)
                check(fmt_tag_canon(v->tags[k], strlen(v->tags[k]), &c) == 0,
                      "every tag in the one spelling");
        }
        round_trip(&u);
        if (w)
            jisr_writer_write(w, &u);
    }
    jisr_buf_free(&b);
    jisr_buf_free(&c);
    jisr_unit_clear(&u);
    jisr_writer_close(w);
    if (devnull)
        fclose(devnull);
    jisr_reader_close(r);
    return 0;
}
