/*
 * fuzz_doc_text.c — libFuzzer target for plain-text documents: the input read from memory as
 * text (UTF-8/UTF-16/legacy detection), in paragraph and in line mode, strict and lenient, and
 * with a forced legacy encoding.
 */
#include <stdint.h>
#include <stdlib.h>

#include "doc/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const uint8_t *data, size_t size, unsigned flags, const char *enc)
{
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.format = JISR_DOC_TEXT;
    o.flags = flags;
    o.encoding = enc;
    jisr_doc *d = NULL;
    if (jisr_doc_open_memory(&d, "fuzz.txt", data, size, &o) < 0)
        return;
    jisr_para p;
    while (jisr_doc_next(d, &p) > 0)
        ;
    jisr_doc_close(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, 0, NULL);
    run(data, size, JISR_DOC_LENIENT | JISR_DOC_LINES, NULL);
    run(data, size, 0, "windows-1256");
    run(data, size, JISR_DOC_LENIENT, "ISO-8859-6");
    return 0;
}
