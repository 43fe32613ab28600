/*
 * formats_int.h — private to formats/: the reader/writer handles shared by the per-format
 * implementations, and small helpers of the unit model.
 */
#ifndef JISR_FORMATS_INT_H
#define JISR_FORMATS_INT_H

#include <stdint.h>
#include <stdio.h>

#include "formats/formats.h"

/* Safety limits of every reader (bytes of UTF-8 unless said otherwise). */
#define JISR_SEG_MAX (1u << 20)   /* one segment's text, or one inline tag's XML */
#define JISR_DEPTH_MAX 48         /* XML element depth (TMX needs ~10) */
#define JISR_VARIANTS_MAX 4096    /* variants in one unit */
#define JISR_PROPS_MAX 4096       /* props or notes on one element */
#define JISR_LINE_MAX (16u << 20) /* one TSV/Moses/JSONL line */

struct jisr_reader {
    jisr_format format;
    unsigned flags;
    char *path;    /* for messages ("-" shown as <stdin>) */
    char *srclang; /* TSV/Moses column languages */
    char *tgtlang;
    void (*on_bad)(void *ctx, const jisr_error *err);
    void *ctx;
    jisr_header header;
    int has_header;
    uint64_t bytes; /* input bytes consumed so far */
    int (*next)(jisr_reader *r, jisr_unit *u);
    void (*close)(jisr_reader *r);
    void *impl;
};

struct jisr_writer {
    jisr_format format;
    char *path, *tmp;   /* final name and the temporary file written first */
    char *path2, *tmp2; /* Moses target side */
    FILE *f, *f2;
    int to_stdout;
    int err; /* sticky: first error, every later call is a no-op */
    char *srclang, *tgtlang, *adminlang, *datatype, *segtype, *o_tmf;
    jisr_meta header_meta;
    unsigned long nunits;
    jisr_buf buf;
    int (*write)(jisr_writer *w, const jisr_unit *u);
    int (*finish)(jisr_writer *w);
};

/* unit.c */
int jisr_grow(void **arr, size_t n, size_t sz);
void jisr_meta_clear(jisr_meta *m);
int jisr_meta_copy(jisr_meta *d, const jisr_meta *s);
int jisr_variant_add_tag(jisr_variant *v, const char *xml, size_t len);
long jisr_placeholder_at(const char *s, size_t n, size_t i);
int jisr_utf8_put(jisr_buf *b, unsigned cp);

/* io.c */
int jisr_writer_flush(jisr_writer *w, FILE *f, jisr_buf *b);
int jisr_check_utf8(const char *s, size_t n, size_t *bad_at);
int jisr_reader_bad(jisr_reader *r); /* report the current error as a skipped unit */

/* per-format openers (io.c dispatches) */
int jisr_tmx_reader_open(jisr_reader *r, FILE *f, const void *mem, size_t n);
int jisr_tsv_reader_open(jisr_reader *r, FILE *f);
int jisr_moses_reader_open(jisr_reader *r, FILE *f, FILE *f2, const char *name2);
int jisr_jsonl_reader_open(jisr_reader *r, FILE *f);
int jisr_xliff_reader_open(jisr_reader *r, FILE *f, const void *mem, size_t n); /* xliff.c */
int jisr_tmx_writer_begin(jisr_writer *w);
int jisr_tsv_writer_begin(jisr_writer *w);
int jisr_moses_writer_begin(jisr_writer *w);
int jisr_jsonl_writer_begin(jisr_writer *w);

/* text.c: line reading shared by TSV, Moses and JSONL */
typedef struct jisr_lines {
    FILE *f;
    const char *name;
    jisr_buf line;
    unsigned long lineno;
    uint64_t *bytes;
} jisr_lines;
/** Next line without \n / \r\n; 1 = line, 0 = end, <0 = error (too long, I/O, bad UTF-8). */
int jisr_lines_next(jisr_lines *l);

#endif
