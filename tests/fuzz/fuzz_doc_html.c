/*
 * fuzz_doc_html.c — libFuzzer target for the HTML reader: the input read from memory as HTML,
 * with and without boilerplate, strict and lenient.
 */
#include <stdint.h>
#include <stdlib.h>

#include "doc/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const uint8_t *data, size_t size, unsigned flags)
{
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.format = JISR_DOC_HTML;
    o.flags = flags;
    jisr_doc *d = NULL;
    if (jisr_doc_open_memory(&d, "fuzz.html", data, size, &o) < 0)
        return;
    jisr_para p;
    while (jisr_doc_next(d, &p) > 0)
        ;
    jisr_doc_close(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, 0);
    run(data, size, JISR_DOC_BOILERPLATE | JISR_DOC_LENIENT);
    return 0;
}
