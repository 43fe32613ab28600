/*
 * doc_cli.c — the document-reading options shared by docalign and corpus.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/doc_cli.h"

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
    cli_warn("%s%s%s", e->file, e->file[0] ? ": " : "", e->msg);
}
