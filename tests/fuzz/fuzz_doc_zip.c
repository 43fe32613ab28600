/*
 * fuzz_doc_zip.c — libFuzzer target for the ZIP containers: the input opened from memory as a
 * DOCX and as an ODT (libzip's central directory, the entry limits, the XML parts), with small
 * limits so that the bomb checks are reached by small inputs too.
 */
#include <stdint.h>
#include <stdlib.h>

#include "doc/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const uint8_t *data, size_t size, jisr_doc_format f)
{
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.format = f;
    o.max_entry = 1 << 20;
    o.max_entries = 256;
    jisr_doc *d = NULL;
    if (jisr_doc_open_memory(&d, "fuzz.zip", data, size, &o) < 0)
        return;
    jisr_para p;
    while (jisr_doc_next(d, &p) > 0)
        ;
    jisr_doc_close(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, JISR_DOC_DOCX);
    run(data, size, JISR_DOC_ODT);
    return 0;
}
