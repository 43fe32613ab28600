/*
 * align_cli.h — what `jisr align` and `jisr align-eval` share: reading sentence files and list
 * files, and writing an alignment as a ladder, TSV, TMX, JSONL or an HTML review page.
 */
#ifndef JISR_ALIGN_CLI_H
#define JISR_ALIGN_CLI_H

#include <stdio.h>

#include "align/align.h"
#include "text/text.h"

/** A growable list of malloc'd strings. */
typedef struct acli_strs {
    char **v;
    size_t n, cap;
} acli_strs;

int acli_strs_push(acli_strs *s, const char *p, size_t n);

/** Flags for reading sentence files (JISR_TEXT_LENIENT with --lenient). */
extern unsigned acli_text_flags;
void acli_strs_free(acli_strs *s);

/** Sentences of a text file: one per line when presegmented (every line kept, so indices are
 * line numbers - 1), else paragraphs split by seg. */
int acli_read_sentences(const char *path, int presegmented, jisr_segmenter *seg, acli_strs *out);
/** The same from text in memory (a JSON field): lines, or paragraphs (blank-line separated)
 * split by seg. */
int acli_split_text(const char *text, size_t len, int presegmented, jisr_segmenter *seg,
                    acli_strs *out);

/** One row of a list file: fields split at tabs; fields after the first that name files are
 * resolved against the list file's directory by acli_list_path. */
typedef struct acli_row {
    char **f;
    size_t n;
    unsigned long line;
} acli_row;

typedef struct acli_list {
    acli_row *rows;
    size_t n;
    char *dir; /* directory of the list file, "" for the current one */
} acli_list;

/** Read a list file; rows with fewer than min_fields fields are a JISR_EPARSE error naming the
 * line. Blank lines and lines starting with '#' are skipped. */
int acli_list_read(const char *path, size_t min_fields, acli_list *out);
/** f resolved against the list's directory (absolute paths unchanged); malloc'd. */
char *acli_list_path(const acli_list *l, const char *f);
void acli_list_free(acli_list *l);

typedef enum acli_format {
    ACLI_LADDER,
    ACLI_TSV,
    ACLI_TMX,
    ACLI_JSONL,
    ACLI_HTML,
} acli_format;

/** "ladder", "tsv", "tmx", "jsonl", "html" → format; -1 when unknown. */
int acli_format_parse(const char *name);
const char *acli_format_ext(acli_format f);

typedef struct acli_out_opts {
    acli_format format;
    double min_score; /* beads below it are left out of tsv/tmx/jsonl (and marked in html) */
    const char *srclang, *tgtlang;
    const char *id;    /* document id: added to JSONL objects when not NULL */
    const char *title; /* HTML title */
} acli_out_opts;

/** Write one aligned document to path ("-" = stdout). */
int acli_write(const char *path, const acli_out_opts *o, const acli_strs *src, const acli_strs *tgt,
               const jisr_ladder *l);
/** Append the JSONL lines of one document to b (the form of `--batch -`). */
int acli_jsonl(jisr_buf *b, const acli_out_opts *o, const acli_strs *src, const acli_strs *tgt,
               const jisr_ladder *l);

#endif
