/*
 * fuzz_tmx.c — libFuzzer target for the TMX reader: parse the input from memory, in strict and
 * in skip-bad mode, and write every unit read back through the TMX and JSONL writers (to
 * /dev/null), so reader, unit model and writers all see hostile data.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_bad(void *ctx, const jisr_error *e)
{
    (void)e;
    (*(int *)ctx)++;
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
    jisr_buf b = {0};
    while (jisr_reader_next(r, &u) > 0) {
        for (size_t i = 0; i < u.nvariants; i++) {
            jisr_buf_reset(&b);
            jisr_variant_plain(&u.variants[i], &b);
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
