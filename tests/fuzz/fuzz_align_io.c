/*
 * fuzz_align_io.c — libFuzzer target for the aligner's other untrusted inputs: trained lexicon
 * files (`--lexicon FILE`, plain or gzip), the JSONL document-pair protocol of
 * `jisr align --batch -` (each document also aligned and rendered, so what the reader accepts
 * is checked to be alignable), and batch list files with their id checks. The first byte picks
 * the mode; the reader and list modes go through a temporary file because they take paths.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align/align.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static void fuzz_lexicon(const uint8_t *data, size_t size)
{
    jisr_lexicon *lx = NULL;
    if (jisr_lexicon_read_memory(&lx, data, size, "fuzz.lex") == 0) {
        jisr_buf b = {0};
        if (jisr_lexicon_format(lx, &b) < 0)
            abort();
        /* what was read formats and reads back to the same text */
        jisr_lexicon *again = NULL;
        jisr_buf c = {0};
        if (jisr_lexicon_read_memory(&again, b.data, b.len, "again") < 0 ||
            jisr_lexicon_format(again, &c) < 0 || b.len != c.len ||
            memcmp(b.data, c.data, b.len) != 0)
            abort();
        jisr_lexicon_lookup(lx, "word", 4, &c);
        jisr_lexicon_free(again);
        jisr_buf_free(&b);
        jisr_buf_free(&c);
    }
    jisr_lexicon_free(lx);
}

static jisr_aligner *al;

static void fuzz_docpairs(const char *path)
{
    if (!al) {
        jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
        o.flags = JISR_ALIGN_NO_DICT;
        if (jisr_aligner_new(&al, &o) < 0)
            return;
    }
    jisr_align_docreader *r = NULL;
    if (jisr_align_docreader_open(&r, path, JISR_TEXT_LENIENT, NULL, NULL) < 0)
        return;
    jisr_align_docpair d = {0};
    jisr_buf b = {0};
    for (int k = 0; k < 4 && jisr_align_docreader_next(r, &d) > 0; k++) {
        jisr_aligner_clear(al);
        if (jisr_aligner_add_sentences(al, &d.src, &d.tgt, NULL) < 0 || jisr_aligner_run(al) < 0)
            continue;
        jisr_align_out o = JISR_ALIGN_OUT_INIT;
        o.format = JISR_ALIGN_JSONL;
        o.id = d.id;
        jisr_buf_reset(&b);
        if (jisr_align_render(&b, &o, &d.src, &d.tgt, jisr_aligner_result(al, 0)) < 0)
            abort(); /* the aligner's own ladder always renders */
    }
    jisr_buf_free(&b);
    jisr_align_docpair_free(&d);
    jisr_align_docreader_close(r);
}

static void fuzz_list(const char *path)
{
    jisr_align_list l;
    if (jisr_align_list_read(&l, path, 3, JISR_ALIGN_LIST_IDS) == 0) {
        for (size_t i = 0; i < l.n; i++) {
            if (l.rows[i].n < 3 || !l.rows[i].f[0][0] || strchr(l.rows[i].f[0], '/'))
                abort();
            free(jisr_align_list_path(&l, l.rows[i].f[1]));
        }
        jisr_align_list_free(&l);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 20000)
        return 0;
    int mode = data[0] % 3;
    if (mode == 0) {
        fuzz_lexicon(data + 1, size - 1);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/tmp/jisr-fuzz-aio-%ld", (long)getpid());
    if (write_file(path, data + 1, size - 1) == 0) {
        if (mode == 1)
            fuzz_docpairs(path);
        else
            fuzz_list(path);
    }
    unlink(path);
    return 0;
}
