/*
 * cmd_docalign.c — `jisr docalign`: which document translates which, among files and folders
 * in two languages. Reading, pairing and the list's rendering live in the library
 * (corpus/pairing.c, corpus/docalign.c); this file parses options and writes the list.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/doc_cli.h"
#include "corpus/corpus.h"
#include "text/text.h"
#include "util/plural.h"

const char cmd_docalign_help[] =
    "Usage: jisr docalign [OPTIONS] INPUT...\n"
    "       jisr docalign [OPTIONS] SRC... -- TGT...\n"
    "(options may come after the inputs; all that follows a '--' is a target input)\n"
    "\n"
    "Find which documents translate each other among files and folders (searched\n"
    "recursively): plain text, HTML, DOCX, ODT, XLIFF, PDF. File names are not trusted\n"
    "(--names counts them as a hint). The evidence: words translated through the\n"
    "dictionary (FreeDict ara-eng when installed, or --dict), numbers, names, then the\n"
    "length and paragraph count of each candidate pair; each document is paired at most once,\n"
    "best pairs first, down to --min-score. A small collection (16 documents or fewer,\n"
    "Arabic and English) is checked harder: every candidate pair is aligned sentence by\n"
    "sentence and scored by the share of its sentences in pairs the aligner scores 0.5 or\n"
    "more (--names is not counted there). In a larger one, each pair made is aligned so and\n"
    "dropped when under 0.3 of its sentences are in such pairs (few of the documents have\n"
    "their translation there); its documents are then unpaired, with that share as the\n"
    "score of their best candidate.\n"
    "\n"
    "Sides: when one language is Arabic and the other is not, each document goes to the side\n"
    "of its script, wherever it is (one mixed folder works): Arabic when most of its letters\n"
    "are, or a tenth of them are and nearly every line holds Arabic (Arabic naming English\n"
    "terms). Otherwise, or with --by-position, two INPUTs are source then target, or the\n"
    "source inputs come before '--' (a warning when a side's documents are in the other\n"
    "language's script).\n"
    "\n"
    "Output: a list for `jisr align --batch LIST` (and `jisr corpus`):\n"
    "  id<TAB>source<TAB>target<TAB>score\n"
    "with '#' comment lines: a summary, unpaired documents with their best candidate, and\n"
    "skipped files with the reason (unreadable, unsupported, neither language, a broken\n"
    "symbolic link, a name with a tab or a line break, which the list cannot hold, a second\n"
    "name of a file already found, a corpus, report or list jisr wrote, a bilingual file: a\n"
    "quarter or more of its letters Arabic and a quarter Latin in lines without Arabic, as a\n"
    "TSV corpus or a translation after each paragraph has; --keep-mixed reads it), also\n"
    "listed on stderr. Inputs may be pipes or FIFOs (<(cmd)): read once, whole.\n"
    "\n"
    "Options:\n"
    "  -s, --source-lang L   source language (default ar)\n"
    "  -t, --target-lang L   target language (default en)\n"
    "  -o, --output FILE     write the list to FILE (atomically; default: standard output);\n"
    "                        paths in it are absolute then\n"
    "  -m, --min-score X     least score of a pair (0..1, default 0.5)\n"
    "      --dict FILE       dictionary: dictd .index or TSV source<TAB>target\n"
    "      --no-dict         no dictionary (numbers, names, shared spellings only)\n"
    "      --names           count matching file names (report.ar.docx, report.en.docx)\n"
    "      --by-position     sides by position, not by script\n"
    "      --keep-mixed      read a file with Arabic and Latin text line by line as a\n"
    "                        document of its side, not skip it as bilingual\n"
    "  -p, --lines           plain text: every line is a paragraph\n" DOC_CLI_HELP
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success (also when nothing pairs), 1 error, 2 usage error.\n"
    "\n"
    "Examples:\n"
    "  jisr docalign -s ar -t en ar-site/ en-site/ -o pairs.list\n"
    "  jisr align --batch pairs.list --out-dir aligned/ -f tmx\n";

static void on_progress(void *ctx, size_t done, size_t total)
{
    if (done == total) /* a stage's last count is drawn, however soon after the one before */
        cli_progress_force(ctx);
    cli_progress_update(ctx, "reading documents: %zu/%zu", done, total);
}

static void on_verify(void *ctx, size_t done, size_t total)
{
    if (done == total)
        cli_progress_force(ctx);
    cli_progress_update(ctx, "aligning the pairs: %zu/%zu", done, total);
}

/* The inputs into in[0..*nin), in order, options anywhere among them (getopt's "-": each input
 * is returned where it stands), and a "--" kept as the end of the sources; the options into po,
 * dopt and *output. CLI_RUN, or the status to exit with (a usage error, or after --help). */
enum { CLI_RUN = -1 };
static int parse_args(int argc, char **argv, jisr_pair_opts *po, jisr_doc_opts *dopt,
                      const char **output, const char **in, size_t *nin)
{
    enum { OPT_DICT = 256, OPT_NODICT, OPT_NAMES, OPT_BYPOS, OPT_MIXED };
    static const struct option longopts[] = {
        {"source-lang", required_argument, NULL, 's'},
        {"target-lang", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"min-score", required_argument, NULL, 'm'},
        {"dict", required_argument, NULL, OPT_DICT},
        {"no-dict", no_argument, NULL, OPT_NODICT},
        {"names", no_argument, NULL, OPT_NAMES},
        {"by-position", no_argument, NULL, OPT_BYPOS},
        {"keep-mixed", no_argument, NULL, OPT_MIXED},
        {"lines", no_argument, NULL, 'p'},
        DOC_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, r, at = 1; /* at: where the scan that ends the loop starts */
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:s:t:o:m:ph", longopts, NULL)) != -1) {
        at = optind;
        if (c == 1) {
            in[(*nin)++] = optarg;
            continue;
        }
        if ((r = doc_cli_option("docalign", c, optarg, dopt)) != 0) {
            if (r == CLI_USAGE)
                return r;
            continue;
        }
        switch (c) {
        case 's':
        case 't':
            /* written as BCP 47 writes them (ar_SA is ar-SA) */
            if ((r = doc_cli_lang("docalign", c == 's' ? "-s" : "-t", optarg)) != CLI_OK)
                return r;
            *(c == 's' ? &po->align.srclang : &po->align.tgtlang) = optarg;
            break;
        case 'o':
            *output = optarg;
            break;
        case 'm':
            po->align.min_score = strtod(optarg, &end); /* nan and inf fail the test */
            if (end == optarg || *end || !isfinite(po->align.min_score) ||
                !(po->align.min_score > 0 && po->align.min_score <= 1))
                return cli_usage_error(
                    "docalign", "bad value '%s' for --min-score (a number in (0, 1])", optarg);
            break;
        case OPT_DICT:
            po->align.dict_path = optarg;
            break;
        case OPT_NODICT:
            po->align.dict_path = "";
            break;
        case OPT_NAMES:
            po->align.name_hint = 1;
            break;
        case OPT_BYPOS:
            po->by_position = 1;
            break;
        case OPT_MIXED:
            dopt->flags |= JISR_DOC_MIXED_SCRIPT;
            break;
        case 'p':
            dopt->flags |= JISR_DOC_LINES;
            break;
        case 'h':
            return cli_help("docalign");
        default: /* ':' or '?' */
            return cli_option_error("docalign", c, argv);
        }
    }
    doc_cli_targets(po, at, argc, argv, in, nin);
    return CLI_RUN;
}

int cmd_docalign(int argc, char **argv)
{
    jisr_pair_opts po = JISR_PAIR_OPTS_INIT;
    jisr_doc_opts dopt = JISR_DOC_OPTS_INIT;
    dopt.on_warning = doc_cli_warn;
    po.doc_opts = &dopt;
    const char *output = NULL;
    size_t nin = 0;
    const char **in = calloc((size_t)argc + 1, sizeof *in);
    if (!in)
        return cli_error(JISR_ENOMEM);
    int r = parse_args(argc, argv, &po, &dopt, &output, in, &nin);
    if (r != CLI_RUN) {
        free(in);
        return r;
    }
    if (po.by_position && !po.nsrc)
        po.nsrc = nin / 2;
    if (nin < 1) {
        free(in);
        return cli_usage_error("docalign", "expected input files or folders");
    }
    if (!po.by_position && nin == 2 &&
        !(jisr_lang_matches(po.align.srclang, "ar") ^ jisr_lang_matches(po.align.tgtlang, "ar"))) {
        po.by_position = 1;
        po.nsrc = 1;
    }
    if ((r = doc_cli_check_sides("docalign", &po)) != 0) {
        free(in);
        return r;
    }
    cli_progress prog;
    cli_progress_init(&prog);
    po.on_progress = on_progress;
    po.ctx = &prog;
    /* the list is opened (as a temporary) before any work: a bad path fails first, and a list
     * an earlier run left in an input folder is skipped rather than read; it is never written
     * through a symbolic link or over an input */
    jisr_fileset *files = NULL;
    jisr_outfile *o = NULL;
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    jisr_pairing *p = NULL;
    int rc = jisr_fileset_new(&files);
    for (size_t i = 0; rc == 0 && i < nin; i++)
        if (!doc_cli_is_dir(in[i])) /* a folder's documents: when the pairing finds them */
            rc = jisr_fileset_add_input(files, in[i]);
    oo.files = files;
    if (rc == 0)
        rc = jisr_outfile_open(&o, output ? output : "-", &oo);
    if (rc == 0)
        rc = jisr_corpus_pair_files(in, nin, &po, files, &p);
    cli_progress_done(&prog);
    if (rc == 0) { /* a larger collection's pairs, each aligned: one with few pairs is dropped */
        cli_progress_init(&prog);
        po.on_progress = on_verify;
        rc = jisr_pairing_verify(p, &po);
        cli_progress_done(&prog);
        if (rc < 0) {
            jisr_pairing_free(p);
            p = NULL;
        }
    }
    if (rc < 0) { /* an error of the run, naming its file (an output among the documents …) */
        jisr_error e = *jisr_error_last();
        jisr_outfile_abort(o);
        jisr_error_set(e.code, e.file[0] ? e.file : NULL, e.line, e.col, "%s", e.msg);
        jisr_fileset_free(files);
        free(in);
        return cli_error(rc);
    }
    jisr_buf sb = {0};
    for (size_t i = 0; i < p->ndocs; i++)
        if (p->docs[i].side < 0)
            cli_warn("%s: skipped: %s", doc_cli_shown(p->docs[i].path, &sb),
                     p->docs[i].why ? p->docs[i].why : "");
    jisr_buf_free(&sb);
    jisr_buf b = {0};
    rc = jisr_pairing_format(p, output != NULL, &b);
    size_t un_src = p->nside[0] - p->npairs, un_tgt = p->nside[1] - p->npairs;
    fprintf(stderr, "jisr: %zu %s; %zu source %s and %zu target %s unpaired\n", p->npairs,
            jisr_plural(p->npairs, "pair", "pairs"), un_src,
            jisr_plural(un_src, "document", "documents"), un_tgt,
            jisr_plural(un_tgt, "document", "documents"));
    if (rc == 0 && b.len && fwrite(b.data, 1, b.len, jisr_outfile_stream(o)) != b.len)
        rc = jisr_error_set(JISR_EIO, output ? output : "<stdout>", 0, 0, "write failed");
    if (rc == 0)
        rc = jisr_outfile_commit(o);
    else
        jisr_outfile_abort(o);
    jisr_fileset_free(files);
    jisr_buf_free(&b);
    jisr_pairing_free(p);
    free(in);
    return rc < 0 ? cli_error(rc) : CLI_OK;
}
