/*
 * doc_cli.c — the document-reading options shared by docalign and corpus.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/doc_cli.h"
#include "text/text.h"

int doc_cli_option(const char *cmd, int c, const char *arg, jisr_doc_opts *o)
{
    switch (c) {
    case DOC_OPT_FROM:
        if ((o->format = jisr_doc_format_from_string(arg)) == JISR_DOC_AUTO)
            return cli_usage_error(cmd,
                                   "unknown document format '%s' (text, html, docx, odt, "
                                   "xliff, pdf)",
                                   arg);
        return 1;
    case DOC_OPT_ENCODING:
        o->encoding = arg;
        return 1;
    case DOC_OPT_LENIENT:
        o->flags |= JISR_DOC_LENIENT;
        return 1;
    case DOC_OPT_BOILERPLATE:
        o->flags |= JISR_DOC_BOILERPLATE;
        return 1;
    default:
        return 0;
    }
}

void doc_cli_warn(void *ctx, const jisr_error *e)
{
    (void)ctx;
    if (e->file[0] && e->line)
        cli_warn("%s:%lu: %s", e->file, e->line, e->msg);
    else
        cli_warn("%s%s%s", e->file, e->file[0] ? ": " : "", e->msg);
}

int doc_cli_make_dirs(const char *dir, jisr_strlist *made)
{
    char *p = jisr_strdup(dir);
    if (!p)
        return JISR_ENOMEM;
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) == 0)
            rc = made ? jisr_strlist_push(made, p) : 0;
        else if (errno != EEXIST)
            rc = jisr_error_set(JISR_EIO, p, 0, 0, "cannot create the directory: %s",
                                strerror(errno));
        else if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
            rc = jisr_error_set(JISR_EIO, p, 0, 0, "cannot create the directory: not a directory");
        *s = c;
        if (rc < 0 || c == '\0')
            break;
    }
    free(p);
    return rc;
}

void doc_cli_remove_dirs(jisr_strlist *made)
{
    for (size_t i = made->n; i-- > 0;)
        rmdir(made->v[i]);
    jisr_strlist_free(made);
}

const char *doc_cli_shown(const char *path, jisr_buf *b)
{
    jisr_buf_reset(b);
    jisr_buf_puts(b, "");
    for (const char *p = path; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            jisr_buf_printf(b, "\\%c", *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r');
        else
            jisr_buf_putc(b, *p);
    return b->data ? b->data : "";
}

int doc_cli_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void doc_cli_targets(jisr_pair_opts *po, int at, int argc, char **argv, const char **in,
                     size_t *nin)
{
    if (at >= argc || strcmp(argv[at], "--") != 0)
        return;
    po->by_position = 1;
    po->nsrc = *nin;
    for (int i = optind; i < argc; i++)
        in[(*nin)++] = argv[i];
}

int doc_cli_check_sides(const char *cmd, const jisr_pair_opts *po)
{
    const char *s = po->align.srclang ? po->align.srclang : "ar",
               *t = po->align.tgtlang ? po->align.tgtlang : "en";
    if (po->by_position || (jisr_lang_matches(s, "ar") ^ jisr_lang_matches(t, "ar")))
        return 0;
    return cli_usage_error(cmd,
                           "%s and %s are written in one script: give the source and the "
                           "target inputs apart (two arguments, or SRC... -- TGT...)",
                           s, t);
}

int doc_cli_lang(const char *cmd, const char *opt, char *tag)
{
    int rc = cli_lang_option(cmd, opt, tag);
    if (rc != CLI_OK || !tag)
        return rc;
    /* ar_SA is accepted as POSIX locales write it; written into a TMX or JSONL file it must be
     * BCP 47's ar-SA, which the readers (jisr's too) take */
    for (char *p = tag; *p; p++)
        if (*p == '_')
            *p = '-';
    jisr_lang_case(tag);
    return CLI_OK;
}
