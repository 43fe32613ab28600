/*
 * fuzz_lines.c — libFuzzer target for the line-based readers of untrusted input: TSV and JSONL
 * units (formats/) and vecalign ladders (align/). The first input byte picks the parser; every
 * unit read is written back through the TMX writer to /dev/null so the writer sees hostile
 * data too, and a parsed ladder is formatted and scored against itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "align/align.h"
#include "formats/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_bad(void *ctx, const jisr_error *e)
{
    (void)e;
    (*(int *)ctx)++;
}

static void read_units(const uint8_t *data, size_t size, jisr_format fmt, unsigned flags)
{
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    int nbad = 0;
    ro.format = fmt;
    ro.flags = flags;
    ro.srclang = "ar";
    ro.tgtlang = "en";
    ro.on_bad = on_bad;
    ro.ctx = &nbad;
    jisr_reader *r;
    if (jisr_reader_open_memory(&r, fmt == JISR_FMT_TSV ? "fuzz.tsv" : "fuzz.jsonl", data, size,
                                &ro) < 0)
        return;
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    wo.srclang = "ar";
    jisr_writer *w = NULL;
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull)
        jisr_writer_open_stream(&w, devnull, "null.tmx", &wo, NULL);
    jisr_unit u;
    jisr_unit_init(&u);
    while (jisr_reader_next(r, &u) > 0)
        if (w)
            jisr_writer_write(w, &u);
    jisr_unit_clear(&u);
    if (w)
        jisr_writer_close(w);
    if (devnull)
        fclose(devnull);
    jisr_reader_close(r);
}

static void read_ladder(const uint8_t *data, size_t size)
{
    jisr_ladder l = {0};
    if (jisr_ladder_parse(&l, (const char *)data, size, "fuzz.ladder") == 0) {
        jisr_buf b = {0};
        jisr_ladder_format(&b, &l, 1);
        jisr_buf_free(&b);
        jisr_align_counts c;
        memset(&c, 0, sizeof c);
        jisr_align_score_add(&c, &l, &l);
    }
    jisr_ladder_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        read_units(data + 1, size - 1, JISR_FMT_TSV, 0);
        read_units(data + 1, size - 1, JISR_FMT_TSV, JISR_READ_SKIP_BAD);
        break;
    case 1:
        read_units(data + 1, size - 1, JISR_FMT_JSONL, 0);
        read_units(data + 1, size - 1, JISR_FMT_JSONL, JISR_READ_SKIP_BAD);
        break;
    default:
        read_ladder(data + 1, size - 1);
    }
    return 0;
}
