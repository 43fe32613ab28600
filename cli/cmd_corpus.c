/*
 * cmd_corpus.c — `jisr corpus`: folders of documents in two languages → one filtered parallel
 * corpus and a report. The pipeline (corpus/pipeline.c), the filters and both report renderers
 * are in the library; this file parses options, draws the progress bar and writes the report.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align.h"
#include "cli/cli.h"
#include "cli/doc_cli.h"
#include "corpus/corpus.h"
#include "text/text.h"

const char cmd_corpus_help[] =
    "Usage: jisr corpus [OPTIONS] -o OUT INPUT...\n"
    "       jisr corpus [OPTIONS] -o OUT SRC... -- TGT...\n"
    "(options before the inputs)\n"
    "\n"
    "Build a parallel corpus from files and folders of documents (plain text, HTML, DOCX,\n"
    "ODT, XLIFF, PDF): read -> pair the documents that translate each other (as\n"
    "`jisr docalign`) -> split into sentences -> align (as `jisr align`) -> filter -> write.\n"
    "Sides are found as docalign finds them (by script, or by position).\n"
    "\n"
    "Filters, tried in this order; each dropped pair is counted under the first that fails:\n"
    "  score           the aligner's confidence below --min-score (default 0.5; 0: off)\n"
    "  too-short       a side with fewer than --min-chars letters or digits (default 1)\n"
    "  too-long        a side longer than --max-chars characters (default 2000)\n"
    "  length-ratio    target/source length outside --ratio LO:HI (default 0.333:3)\n"
    "  wrong-script    the Arabic side not mostly Arabic letters, a Latin-script side not\n"
    "                  mostly Latin letters (--min-script, default 0.5)\n"
    "  untranslated    source equals target after normalisation\n"
    "  duplicate       the same pair again after normalisation (case, diacritics, digits)\n"
    "  near-duplicate  the same pair again once digits, punctuation and spaces are ignored\n"
    "\n"
    "Output (-o, written atomically, never over an input): OUT.tmx, OUT.tsv, OUT.jsonl, or\n"
    "with -f moses a prefix: OUT.<src> and OUT.<tgt>. Units carry props x-document,\n"
    "x-align-score, x-source-sentences and x-target-sentences (0-based sentence numbers).\n"
    "\n"
    "Options:\n"
    "  -s, --source-lang L   source language (default ar)\n"
    "  -t, --target-lang L   target language (default en)\n"
    "  -o, --output OUT      the corpus (required)\n"
    "  -f, --format F        tmx, tsv, jsonl or moses (default: from OUT's extension)\n"
    "  -r, --report FILE     the report: an HTML page (.html), or JSON (.json)\n"
    "      --report-json FILE  the report as JSON as well\n"
    "  -p, --lines           plain text: one sentence per line (no segmentation)\n"
    "      --min-score X     filter: least aligner score (0..1)\n"
    "      --min-chars N     filter: least letters or digits per side\n"
    "      --max-chars N     filter: most characters per side\n"
    "      --ratio LO:HI     filter: target/source length ratio\n"
    "      --min-script X    filter: least share of a side's letters in its script\n"
    "      --keep-duplicates  no duplicate or near-duplicate filter\n"
    "      --doc-min-score X  least score of a document pair (default 0.5)\n"
    "      --dict FILE       dictionary for pairing and aligning (dictd .index or TSV)\n"
    "      --no-dict         no dictionary\n"
    "      --names           count matching file names when pairing documents\n"
    "      --by-position     sides by position (two inputs, or SRC... -- TGT...)\n"
    "      --chunk N         document pairs aligned together (default 256)\n" DOC_CLI_HELP
    "  -h, --help            show this help\n"
    "\n"
    "Progress is shown on a terminal (not when JISR_NO_PROGRESS is set).\n"
    "Exit status: 0 success, 1 error (nothing is written then), 2 usage error.\n"
    "\n"
    "Examples:\n"
    "  jisr corpus -s ar -t en ar-site/ en-site/ -o corpus.tmx -r report.html\n"
    "  jisr corpus -f moses -o out/train --min-score 0.2 archive/\n";

typedef struct prog {
    cli_progress p;
} prog;

static void on_progress(void *ctx, const char *stage, size_t done, size_t total)
{
    prog *g = ctx;
    char bar[31];
    size_t fill = total ? done * 30 / total : 0;
    for (size_t i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    cli_progress_update(&g->p, "%-9s [%s] %zu/%zu", stage, bar, done, total);
}

/* A report file, written safely (never through a symbolic link or over an input). */
static int write_file(const char *path, const jisr_buf *b, jisr_fileset *inputs)
{
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    oo.files = inputs;
    jisr_outfile *o = NULL;
    int rc = jisr_outfile_open(&o, path, &oo);
    if (rc < 0)
        return rc;
    if (b->len && fwrite(b->data, 1, b->len, jisr_outfile_stream(o)) != b->len) {
        jisr_outfile_abort(o);
        return jisr_error_set(JISR_EIO, path, 0, 0, "write failed");
    }
    return jisr_outfile_commit(o);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcmp(s + n - k, suf) == 0;
}

int cmd_corpus(int argc, char **argv)
{
    enum {
        OPT_MINSCORE = 256,
        OPT_MINCHARS,
        OPT_MAXCHARS,
        OPT_RATIO,
        OPT_MINSCRIPT,
        OPT_KEEPDUP,
        OPT_DOCMIN,
        OPT_DICT,
        OPT_NODICT,
        OPT_NAMES,
        OPT_BYPOS,
        OPT_CHUNK,
        OPT_RJSON,
    };
    static const struct option longopts[] = {
        {"source-lang", required_argument, NULL, 's'},
        {"target-lang", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"report", required_argument, NULL, 'r'},
        {"report-json", required_argument, NULL, OPT_RJSON},
        {"lines", no_argument, NULL, 'p'},
        {"min-score", required_argument, NULL, OPT_MINSCORE},
        {"min-chars", required_argument, NULL, OPT_MINCHARS},
        {"max-chars", required_argument, NULL, OPT_MAXCHARS},
        {"ratio", required_argument, NULL, OPT_RATIO},
        {"min-script", required_argument, NULL, OPT_MINSCRIPT},
        {"keep-duplicates", no_argument, NULL, OPT_KEEPDUP},
        {"doc-min-score", required_argument, NULL, OPT_DOCMIN},
        {"dict", required_argument, NULL, OPT_DICT},
        {"no-dict", no_argument, NULL, OPT_NODICT},
        {"names", no_argument, NULL, OPT_NAMES},
        {"by-position", no_argument, NULL, OPT_BYPOS},
        {"chunk", required_argument, NULL, OPT_CHUNK},
        DOC_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    jisr_corpus_opts co = JISR_CORPUS_OPTS_INIT;
    jisr_doc_opts dopt = JISR_DOC_OPTS_INIT;
    dopt.on_warning = doc_cli_warn;
    co.pair.doc_opts = &dopt;
    const char *report = NULL, *report_json = NULL, *format = NULL;
    int c, r;
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:s:t:o:f:r:ph", longopts, NULL)) != -1) {
        if ((r = doc_cli_option("corpus", c, optarg, &dopt)) != 0) {
            if (r == CLI_USAGE)
                return r;
            continue;
        }
        double v = 0;
        if (c == OPT_MINSCORE || c == OPT_MINSCRIPT || c == OPT_DOCMIN || c == OPT_MINCHARS ||
            c == OPT_MAXCHARS || c == OPT_CHUNK) {
            v = strtod(optarg, &end);
            if (end == optarg || *end || v < 0 ||
                ((c == OPT_MINSCORE || c == OPT_MINSCRIPT || c == OPT_DOCMIN) && v > 1))
                return cli_usage_error("corpus", "bad value '%s' for %s", optarg, argv[optind - 1]);
        }
        switch (c) {
        case 's':
            co.pair.align.srclang = optarg;
            break;
        case 't':
            co.pair.align.tgtlang = optarg;
            break;
        case 'o':
            co.output = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'r':
            report = optarg;
            break;
        case OPT_RJSON:
            report_json = optarg;
            break;
        case 'p':
            dopt.flags |= JISR_DOC_LINES;
            break;
        case OPT_MINSCORE:
            co.filter.min_score = v;
            break;
        case OPT_MINCHARS:
            co.filter.min_chars = (size_t)v;
            break;
        case OPT_MAXCHARS:
            co.filter.max_chars = (size_t)v;
            break;
        case OPT_RATIO: {
            double lo = strtod(optarg, &end), hi = 0;
            if (*end == ':')
                hi = strtod(end + 1, &end);
            if (*end || lo <= 0 || hi < lo)
                return cli_usage_error("corpus", "--ratio needs LO:HI, 0 < LO <= HI");
            co.filter.min_ratio = lo;
            co.filter.max_ratio = hi;
            break;
        }
        case OPT_MINSCRIPT:
            co.filter.min_script = v;
            break;
        case OPT_KEEPDUP:
            co.filter.keep_duplicates = 1;
            break;
        case OPT_DOCMIN:
            co.pair.align.min_score = v;
            break;
        case OPT_DICT:
            co.pair.align.dict_path = optarg;
            co.align_dict = optarg;
            break;
        case OPT_NODICT:
            co.pair.align.dict_path = "";
            co.align_flags |= JISR_ALIGN_NO_DICT;
            break;
        case OPT_NAMES:
            co.pair.align.name_hint = 1;
            break;
        case OPT_BYPOS:
            co.pair.by_position = 1;
            break;
        case OPT_CHUNK:
            if (v < 1)
                return cli_usage_error("corpus", "--chunk needs a positive integer");
            co.chunk = (size_t)v;
            break;
        case 'h':
            return cli_help("corpus");
        case ':':
            return cli_usage_error("corpus", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("corpus", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!co.output)
        return cli_usage_error("corpus", "-o OUT is required");
    if (format) {
        if (strcmp(format, "moses") == 0)
            co.moses = 1;
        else if (strcmp(format, "tmx") && strcmp(format, "tsv") && strcmp(format, "jsonl"))
            return cli_usage_error("corpus", "unknown format '%s' (tmx, tsv, jsonl, moses)",
                                   format);
        else if (!ends_with(co.output, format))
            return cli_usage_error("corpus", "-f %s needs OUT ending in .%s", format, format);
    } else if (!ends_with(co.output, ".tmx") && !ends_with(co.output, ".tsv") &&
               !ends_with(co.output, ".jsonl")) {
        return cli_usage_error("corpus",
                               "cannot tell the format of '%s': name it .tmx, .tsv or "
                               ".jsonl, or give -f moses for a prefix",
                               co.output);
    }
    size_t nin = 0;
    const char **in = calloc((size_t)(argc - optind) + 1, sizeof *in);
    if (!in)
        return cli_error(JISR_ENOMEM);
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0 && !co.pair.nsrc) {
            co.pair.by_position = 1;
            co.pair.nsrc = nin;
            continue;
        }
        in[nin++] = argv[i];
    }
    if (co.pair.by_position && !co.pair.nsrc)
        co.pair.nsrc = nin / 2;
    if (!nin) {
        free(in);
        return cli_usage_error("corpus", "expected input files or folders");
    }
    if (!co.pair.by_position && nin == 2 &&
        !(jisr_lang_matches(co.pair.align.srclang, "ar") ^
          jisr_lang_matches(co.pair.align.tgtlang, "ar"))) {
        co.pair.by_position = 1;
        co.pair.nsrc = 1;
    }
    prog g;
    cli_progress_init(&g.p);
    co.on_progress = on_progress;
    co.ctx = &g;
    jisr_corpus_report *rep = NULL;
    int rc = jisr_corpus_run(in, nin, &co, &rep);
    cli_progress_done(&g.p);
    free(in);
    int status = CLI_OK;
    if (rc < 0) {
        jisr_error e = *jisr_error_last();
        status = rc == JISR_EINVAL && !rep ? cli_usage_error("corpus", "%s", e.msg) : cli_error(rc);
        jisr_error_set(e.code, e.file[0] ? e.file : NULL, e.line, e.col, "%s", e.msg);
    }
    if (rep) {
        const jisr_corpus_totals *t = jisr_corpus_report_totals(rep);
        if (rc == 0) {
            uint64_t dropped = 0;
            for (int k = 0; k < JISR_DROP_N; k++)
                dropped += t->dropped[k];
            fprintf(stderr,
                    "jisr: %zu documents (%zu skipped), %zu pairs of documents, %llu aligned "
                    "pairs: %llu kept, %llu dropped",
                    t->documents, t->skipped, t->pairs, (unsigned long long)t->candidates,
                    (unsigned long long)t->kept, (unsigned long long)dropped);
            for (int k = 0; k < JISR_DROP_N; k++)
                if (t->dropped[k])
                    fprintf(stderr, ", %s %llu", jisr_drop_name((jisr_drop)k),
                            (unsigned long long)t->dropped[k]);
            fprintf(stderr, " (%.1f s)\n", t->seconds);
        }
        jisr_fileset *inputs = NULL;
        if (jisr_fileset_new(&inputs) == 0)
            for (int i = optind; i < argc; i++)
                jisr_fileset_add_input(inputs, argv[i]);
        const char *files[2] = {report, report_json};
        for (int k = 0; k < 2; k++) {
            if (!files[k])
                continue;
            jisr_buf b = {0};
            int json = k == 1 || ends_with(files[k], ".json");
            int wr = json ? jisr_corpus_report_json(rep, &b) : jisr_corpus_report_html(rep, &b);
            if (wr == 0)
                wr = write_file(files[k], &b, inputs);
            if (wr < 0 && status == CLI_OK)
                status = cli_error(wr);
            jisr_buf_free(&b);
        }
        jisr_fileset_free(inputs);
        jisr_corpus_report_free(rep);
    }
    return status;
}
