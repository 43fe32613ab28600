/*
 * fuzz_doc_pdftext.c — libFuzzer target for what jisr does with pdftotext's output (the PDF
 * parser itself is poppler's): the input handed to the page and paragraph splitter, which strips
 * directional marks and repairs invalid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>

#include "doc/doc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a document handle with no paragraphs yet, filled from the text */
    jisr_doc *d = NULL;
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.format = JISR_DOC_HTML;
    if (jisr_doc_open_memory(&d, "fuzz.pdf", "", 0, &o) < 0)
        return 0;
    d->format = JISR_DOC_PDF;
    doc_pdf_text(d, (const char *)data, size);
    jisr_para p;
    while (jisr_doc_next(d, &p) > 0)
        ;
    jisr_doc_close(d);
    return 0;
}
