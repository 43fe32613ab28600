/*
 * fuzz_xliff.c — libFuzzer target for the XLIFF unit reader: units read from memory and written
 * back through the TMX writer (to /dev/null), so the inline codes it builds are checked by the
 * writer's well-formedness rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    jisr_buf b = {0};
    while (jisr_reader_next(r, &u) > 0) {
        for (size_t i = 0; i < u.nvariants; i++) {
            jisr_buf_reset(&b);
            jisr_variant_plain(&u.variants[i], &b);
        }
        if (w)
            jisr_writer_write(w, &u);
    }
    jisr_buf_free(&b);
    jisr_unit_clear(&u);
    jisr_writer_close(w);
    if (devnull)
        fclose(devnull);
    jisr_reader_close(r);
    return 0;
}
