/*
 * doc_cli.h — options the document commands share (docalign, corpus): how documents are read.
 */
#ifndef JISR_DOC_CLI_H
#define JISR_DOC_CLI_H

#include "corpus/corpus.h"
#include "doc/doc.h"

/** Handles --from, --encoding, --lenient, --keep-boilerplate and --lines for the given option
 * code (one of the DOC_OPT_* values); returns 1 when handled, 0 when not a document option, or
 * CLI_USAGE (2) after printing a usage error for cmd. */
enum { DOC_OPT_FROM = 900, DOC_OPT_ENCODING, DOC_OPT_LENIENT, DOC_OPT_BOILERPLATE };
int doc_cli_option(const char *cmd, int c, const char *arg, jisr_doc_opts *o);
/** The long options above, for getopt_long tables. */
#define DOC_CLI_LONGOPTS                                                                           \
    {"from", required_argument, NULL, DOC_OPT_FROM},                                               \
        {"encoding", required_argument, NULL, DOC_OPT_ENCODING},                                   \
        {"lenient", no_argument, NULL, DOC_OPT_LENIENT},                                           \
    {                                                                                              \
        "keep-boilerplate", no_argument, NULL, DOC_OPT_BOILERPLATE                                 \
    }
/** Warnings of the doc layer printed as "jisr: warning: FILE: message". */
void doc_cli_warn(void *ctx, const jisr_error *e);
/** Create directory dir and its missing parents; each one created is pushed on made (may be
 * NULL). Errors: JISR_EIO naming the directory, JISR_ENOMEM. */
int doc_cli_make_dirs(const char *dir, jisr_strlist *made);
/** Remove the directories doc_cli_make_dirs made, deepest first (only while empty), and free the
 * list. */
void doc_cli_remove_dirs(jisr_strlist *made);
/** A path on one line of output: a tab, line feed or carriage return as \t, \n, \r (in b). */
const char *doc_cli_shown(const char *path, jisr_buf *b);
/** Whether path is a directory (following symbolic links), as the document commands walk it. */
int doc_cli_is_dir(const char *path);
/** After a getopt_long "-" scan of a document command: when the scan stopped at a "--" (argv[at],
 * not a "--" given as an option's value), the inputs so far are the sources (po->nsrc, sides by
 * position) and argv[optind..argc) are appended to in[] as targets, taken as written (a file
 * named "-o" too). */
void doc_cli_targets(jisr_pair_opts *po, int at, int argc, char **argv, const char **in,
                     size_t *nin);
/** When the sides are to be told by script (not po->by_position) but the two languages are
 * written in one script: prints a usage error for cmd and returns CLI_USAGE (2); else 0. */
int doc_cli_check_sides(const char *cmd, const jisr_pair_opts *po);
/** A -s or -t value (tag, an argv string, changed in place): CLI_OK when it is a language tag
 * (cli_lang_option), then written as BCP 47 writes it ('_' as '-', conventional case: ar_sa is
 * ar-SA), which is how the commands write it into TMX and JSONL; else a usage error naming opt
 * and CLI_USAGE. */
int doc_cli_lang(const char *cmd, const char *opt, char *tag);
/** Help text of the options above. */
#define DOC_CLI_HELP                                                                               \
    "      --from FMT        read every input as FMT: text, html, docx, odt, xliff, pdf\n"         \
    "                        (default: from the extension, else from the content)\n"               \
    "      --encoding ENC    plain text and HTML: force the encoding (windows-1256,\n"             \
    "                        ISO-8859-6, UTF-16LE ...; default: BOM, declaration, UTF-8\n"         \
    "                        when valid, else detected, with a warning)\n"                         \
    "      --lenient         replace undecodable bytes with U+FFFD instead of failing\n"           \
    "      --keep-boilerplate  HTML: keep navigation, banners, page footers, asides\n"

#endif
