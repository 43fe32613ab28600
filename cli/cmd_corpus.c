/*
 * cmd_corpus.c — `jisr corpus`: folders of documents in two languages → one filtered parallel
 * corpus and a report. The pipeline (corpus/pipeline.c), the filters and both report renderers
 * are in the library; this file parses options, draws the progress bar and writes the report.
 *
 * Nothing is written unless the whole run succeeds: two outputs naming one file are a usage
 * error; the reports are opened (as temporaries) before the pipeline runs, with the set of
 * files the pipeline checks its output and its documents against, and committed only after it
 * succeeded; on any error every output is abandoned and the directories made for the corpus
 * are removed again.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "align/align.h"
#include "cli/cli.h"
#include "cli/doc_cli.h"
#include "corpus/corpus.h"
#include "text/text.h"
#include "util/plural.h"

/* The help outgrew the 4,095 characters C99 promises every compiler reads in one literal; GCC
 * and clang read any length (-Wpedantic's warning is about other compilers). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
const char cmd_corpus_help[] =
    "Usage: jisr corpus [OPTIONS] -o OUT INPUT...\n"
    "       jisr corpus [OPTIONS] -o OUT SRC... -- TGT...\n"
    "(options may come after the inputs; all that follows a '--' is a target input)\n"
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
    "Output (-o, written atomically, never over an input or a report; its directory is created\n"
    "when missing): OUT.tmx, OUT.tsv, OUT.jsonl, or with -f moses a prefix: OUT.<src> and\n"
    "OUT.<tgt>. Units carry props x-document, x-align-score, x-source-sentences and\n"
    "x-target-sentences (0-based sentence numbers). Skipped files (unreadable, unsupported,\n"
    "neither language, broken symbolic links, second names of a file, corpora jisr wrote,\n"
    "bilingual files ...) are listed on stderr and in the report. A pair the output cannot\n"
    "carry (TMX: a control character) is left out, named on stderr (FILE:LINE) and counted in\n"
    "the summary and the report, as `jisr align --skip-bad` does (corpus has no --skip-bad).\n"
    "\n"
    "Options:\n"
    "  -s, --source-lang L   source language (default ar)\n"
    "  -t, --target-lang L   target language (default en)\n"
    "  -o, --output OUT      the corpus (required)\n"
    "  -f, --format F        tmx, tsv, jsonl or moses (default: from OUT's extension)\n"
    "  -r, --report FILE     the report: an HTML page (.html), or JSON (.json); its directory\n"
    "                        must exist\n"
    "      --report-json FILE  the report as JSON as well\n"
    "  -p, --lines           plain text: one sentence per line (no segmentation)\n"
    "      --min-score X     filter: least aligner score (0..1)\n"
    "      --min-chars N     filter: least letters or digits per side\n"
    "      --max-chars N     filter: most characters per side (1 or more)\n"
    "      --ratio LO:HI     filter: target/source length ratio\n"
    "      --min-script X    filter: least share of a side's letters in its script\n"
    "      --keep-duplicates  no duplicate or near-duplicate filter\n"
    "      --doc-min-score X  least score of a document pair (0 < X <= 1, default 0.5)\n"
    "      --dict FILE       dictionary for pairing and aligning (dictd .index or TSV)\n"
    "      --no-dict         no dictionary\n"
    "      --names           count matching file names when pairing documents\n"
    "      --by-position     sides by position (two inputs, or SRC... -- TGT...)\n"
    "      --keep-mixed      read a file with Arabic and Latin text line by line as a\n"
    "                        document of its side, not skip it as bilingual\n"
    "      --chunk N         document pairs aligned together (default 256)\n" DOC_CLI_HELP
    "  -h, --help            show this help\n"
    "\n"
    "Progress is shown on a terminal (not when JISR_NO_PROGRESS is set).\n"
    "Exit status: 0 success, 1 error (nothing is written then; also an output naming a\n"
    "document), 2 usage error (also two outputs naming one file). Interrupted, the\n"
    "directories made for OUT are removed again.\n"
    "\n"
    "Examples:\n"
    "  jisr corpus -s ar -t en ar-site/ en-site/ -o corpus.tmx -r report.html\n"
    "  jisr corpus -f moses -o out/train --min-score 0.2 archive/\n";
#pragma GCC diagnostic pop

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
    if (done == total) /* a stage's last count is drawn, however soon after the one before */
        cli_progress_force(&g->p);
    cli_progress_update(&g->p, "%-9s [%s] %zu/%zu", stage, bar, done, total);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcmp(s + n - k, suf) == 0;
}

/* The long name of option c, for messages. */
static const char *opt_name(const struct option *lo, int c)
{
    for (; lo->name; lo++)
        if (lo->val == c)
            return lo->name;
    return "?";
}

/* A real number option: finite (no nan, no inf) and within [lo, hi]. */
static int real_value(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

/* The name path will have once written: the longest part of its directory that exists with
 * symbolic links resolved, the rest (which make_dirs creates) taken as written, and its base
 * name. NULL when it cannot be told (the writer then reports the path). */
static char *future_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return NULL;
    /* the directory's components, split in place: c[0..n) */
    char *dir = jisr_strndup(path, slash ? (size_t)(slash - path) : 0);
    char *c[PATH_MAX / 2];
    size_t n = 0;
    char *save = NULL;
    for (char *t = dir ? strtok_r(dir, "/", &save) : NULL; t && n < PATH_MAX / 2;
         t = strtok_r(NULL, "/", &save))
        c[n++] = t;
    char real[PATH_MAX];
    jisr_buf b = {0};
    int rc = dir ? 0 : JISR_ENOMEM, found = 0;
    size_t k = n + 1;
    while (rc == 0 && !found && k-- > 0) { /* the longest prefix c[0..k) that resolves */
        jisr_buf_reset(&b);
        rc = jisr_buf_puts(&b, path[0] == '/' ? "/" : "./");
        for (size_t i = 0; rc == 0 && i < k; i++)
            rc = jisr_buf_printf(&b, "%s/", c[i]);
        found = rc == 0 && realpath(b.data, real) != NULL;
    }
    if (rc == 0 && !found)
        rc = JISR_EIO; /* not even "." or "/" */
    jisr_buf_reset(&b);
    if (rc == 0)
        rc = jisr_buf_puts(&b, real);
    for (size_t i = k; rc == 0 && i < n; i++) {
        if (strcmp(c[i], ".") == 0)
            continue;
        if (strcmp(c[i], "..") == 0) { /* in a directory still to be made: no link to follow */
            char *ls = strrchr(b.data, '/');
            b.len = ls && ls != b.data ? (size_t)(ls - b.data) : 1;
            b.data[b.len] = '\0';
            continue;
        }
        rc = jisr_buf_printf(&b, "%s%s", strcmp(b.data, "/") ? "/" : "", c[i]);
    }
    if (rc == 0)
        rc = jisr_buf_printf(&b, "%s%s", strcmp(b.data, "/") ? "/" : "", base);
    free(dir);
    if (rc < 0) {
        jisr_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* Whether a and b name one file: the same file when both exist, else the same name once
 * written. */
static int same_file(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return 0;
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char *fa = future_name(a), *fb = future_name(b);
    int same = fa && fb && strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return same;
}

/* mkdir -p the directory of path, each directory made recorded in made (removed again when
 * the run fails) */
static int make_parent(const char *path, jisr_strlist *made)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    char *dir = jisr_strndup(path, (size_t)(slash - path));
    if (!dir)
        return JISR_ENOMEM;
    int rc = doc_cli_make_dirs(dir, made);
    free(dir);
    return rc;
}

/* The inputs into in[0..*nin), in order, options anywhere among them (getopt's "-": each input
 * is returned where it stands), and a "--" kept as the end of the sources; the options into co,
 * dopt and the reports' names. CLI_RUN, or the status to exit with (a usage error, or after
 * --help). */
enum { CLI_RUN = -1 };
static int parse_args(int argc, char **argv, jisr_corpus_opts *co, jisr_doc_opts *dopt,
                      const char **report, const char **report_json, const char **in, size_t *nin)
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
        OPT_MIXED,
        OPT_SKIPBAD,
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
        {"keep-mixed", no_argument, NULL, OPT_MIXED},
        {"skip-bad", no_argument, NULL, OPT_SKIPBAD},
        DOC_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *format = NULL;
    int c, r, at = 1; /* at: where the scan that ends the loop starts */
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:s:t:o:f:r:ph", longopts, NULL)) != -1) {
        at = optind;
        if (c == 1) {
            in[(*nin)++] = optarg;
            continue;
        }
        if ((r = doc_cli_option("corpus", c, optarg, dopt)) != 0) {
            if (r == CLI_USAGE)
                return r;
            continue;
        }
        /* numbers: finite (nan and inf are refused), shares within 0..1, counts whole */
        double v = 0;
        long iv = 0;
        /* a zero --max-chars or --doc-min-score would mean the library's default (2000, 0.5),
         * not what it says: refused, as is --chunk 0 */
        if (((c == OPT_MINSCORE || c == OPT_MINSCRIPT || c == OPT_DOCMIN) &&
             real_value(optarg, 0, 1, &v) < 0) ||
            (c == OPT_DOCMIN && !(v > 0)) ||
            (c == OPT_MINCHARS && cli_number(optarg, LONG_MAX, &iv) < 0) ||
            ((c == OPT_CHUNK || c == OPT_MAXCHARS) &&
             (cli_number(optarg, LONG_MAX, &iv) < 0 || iv < 1)))
            return cli_usage_error("corpus", "bad value '%s' for --%s (%s)", optarg,
                                   opt_name(longopts, c),
                                   c == OPT_CHUNK || c == OPT_MAXCHARS ? "a whole number, 1 or more"
                                   : c == OPT_MINCHARS                 ? "a whole number, 0 or more"
                                   : c == OPT_DOCMIN                   ? "a number in (0, 1]"
                                                                       : "a number from 0 to 1");
        switch (c) {
        case 's':
        case 't':
            /* written as BCP 47 writes them (ar_SA is ar-SA) into the corpus */
            if ((r = doc_cli_lang("corpus", c == 's' ? "-s" : "-t", optarg)) != CLI_OK)
                return r;
            *(c == 's' ? &co->pair.align.srclang : &co->pair.align.tgtlang) = optarg;
            break;
        case 'o':
            co->output = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'r':
            *report = optarg;
            break;
        case OPT_RJSON:
            *report_json = optarg;
            break;
        case 'p':
            dopt->flags |= JISR_DOC_LINES;
            break;
        case OPT_MIXED:
            dopt->flags |= JISR_DOC_MIXED_SCRIPT;
            break;
        case OPT_MINSCORE:
            co->filter.min_score = v;
            break;
        case OPT_MINCHARS:
            co->filter.min_chars = (size_t)iv;
            break;
        case OPT_MAXCHARS:
            co->filter.max_chars = (size_t)iv;
            break;
        case OPT_RATIO: {
            double lo = strtod(optarg, &end), hi = 0;
            if (end != optarg && *end == ':') {
                char *h = end + 1;
                hi = strtod(h, &end);
                if (end == h)
                    end = h - 1; /* no HI */
            }
            if (*end || !isfinite(lo) || !isfinite(hi) || !(lo > 0 && hi >= lo))
                return cli_usage_error(
                    "corpus", "bad value '%s' for --ratio (LO:HI, 0 < LO <= HI, finite)", optarg);
            co->filter.min_ratio = lo;
            co->filter.max_ratio = hi;
            break;
        }
        case OPT_MINSCRIPT:
            co->filter.min_script = v;
            break;
        case OPT_KEEPDUP:
            co->filter.keep_duplicates = 1;
            break;
        case OPT_DOCMIN:
            co->pair.align.min_score = v;
            break;
        case OPT_DICT:
            co->pair.align.dict_path = optarg;
            co->align_dict = optarg;
            break;
        case OPT_NODICT:
            co->pair.align.dict_path = "";
            co->align_flags |= JISR_ALIGN_NO_DICT;
            break;
        case OPT_NAMES:
            co->pair.align.name_hint = 1;
            break;
        case OPT_BYPOS:
            co->pair.by_position = 1;
            break;
        case OPT_CHUNK:
            co->chunk = (size_t)iv;
            break;
        case OPT_SKIPBAD:
            /* align's --skip-bad is what corpus always does: said, not silently taken */
            return cli_usage_error("corpus", "no --skip-bad: corpus always leaves out a pair its "
                                             "output cannot carry, naming it (align needs "
                                             "--skip-bad for that)");
        case 'h':
            return cli_help("corpus");
        default: /* ':' or '?' */
            return cli_option_error("corpus", c, argv);
        }
    }
    if (!co->output)
        return cli_usage_error("corpus", "-o OUT is required");
    if (format) {
        if (strcmp(format, "moses") == 0)
            co->moses = 1;
        else if (strcmp(format, "tmx") && strcmp(format, "tsv") && strcmp(format, "jsonl"))
            return cli_usage_error("corpus", "unknown format '%s' (tmx, tsv, jsonl, moses)",
                                   format);
        else if (!ends_with(co->output, format))
            return cli_usage_error("corpus", "-f %s needs OUT ending in .%s", format, format);
    } else if (!ends_with(co->output, ".tmx") && !ends_with(co->output, ".tsv") &&
               !ends_with(co->output, ".jsonl")) {
        return cli_usage_error("corpus",
                               "cannot tell the format of '%s': name it .tmx, .tsv or "
                               ".jsonl, or give -f moses for a prefix",
                               co->output);
    }
    doc_cli_targets(&co->pair, at, argc, argv, in, nin);
    return CLI_RUN;
}

int cmd_corpus(int argc, char **argv)
{
    jisr_corpus_opts co = JISR_CORPUS_OPTS_INIT;
    jisr_doc_opts dopt = JISR_DOC_OPTS_INIT;
    dopt.on_warning = doc_cli_warn;
    co.pair.doc_opts = &dopt;
    const char *report = NULL, *report_json = NULL;
    size_t nin = 0;
    const char **in = calloc((size_t)argc + 1, sizeof *in);
    if (!in)
        return cli_error(JISR_ENOMEM);
    int r = parse_args(argc, argv, &co, &dopt, &report, &report_json, in, &nin);
    if (r != CLI_RUN) {
        free(in);
        return r;
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
    if ((r = doc_cli_check_sides("corpus", &co.pair)) != 0) {
        free(in);
        return r;
    }
    /* two outputs naming one file (./c.tmx, dir/../c.tmx, a linked directory): usage error */
    jisr_buf m1 = {0}, m2 = {0};
    const char *out[4], *flag[4];
    size_t nout = 0;
    if (co.moses) {
        jisr_buf_printf(&m1, "%s.%s", co.output, co.pair.align.srclang);
        jisr_buf_printf(&m2, "%s.%s", co.output, co.pair.align.tgtlang);
        out[nout] = m1.data ? m1.data : co.output, flag[nout++] = "-o";
        out[nout] = m2.data ? m2.data : co.output, flag[nout++] = "-o";
    } else {
        out[nout] = co.output, flag[nout++] = "-o";
    }
    if (report)
        out[nout] = report, flag[nout++] = "-r";
    if (report_json)
        out[nout] = report_json, flag[nout++] = "--report-json";
    for (size_t i = 0; i < nout; i++)
        for (size_t k = i + 1; k < nout; k++) {
            if (!same_file(out[i], out[k]))
                continue;
            int moses_i = co.moses && i < 2;
            r = cli_usage_error("corpus", "%s %s%s%s%s and %s %s name the same file", flag[i],
                                moses_i ? co.output : out[i], moses_i ? " (" : "",
                                moses_i ? out[i] : "", moses_i ? ")" : "", flag[k], out[k]);
            jisr_buf_free(&m1);
            jisr_buf_free(&m2);
            free(in);
            return r;
        }
    jisr_buf_free(&m1);
    jisr_buf_free(&m2);

    /* the inputs, then the reports, opened before any work: an error there (a missing
     * directory, a symbolic link, an input) leaves nothing behind; the corpus's directory is
     * made first, so that a report may go in it */
    jisr_fileset *files = NULL;
    jisr_outfile *rout[2] = {NULL, NULL};
    const char *rpath[2] = {report, report_json};
    jisr_strlist made = {0};
    int rc = jisr_fileset_new(&files);
    for (size_t i = 0; rc == 0 && i < nin; i++)
        if (!doc_cli_is_dir(in[i])) /* a folder's documents: when the run finds them */
            rc = jisr_fileset_add_input(files, in[i]);
    if (rc == 0)
        rc = make_parent(co.output, &made);
    cli_remove_dirs_on_signal(&made); /* interrupted, they go too (the complete list) */
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    oo.files = files;
    for (int k = 0; rc == 0 && k < 2; k++)
        if (rpath[k])
            rc = jisr_outfile_open(&rout[k], rpath[k], &oo);

    jisr_corpus_report *rep = NULL;
    int ran = rc == 0;
    if (ran) {
        prog g;
        cli_progress_init(&g.p);
        co.on_progress = on_progress;
        co.ctx = &g;
        co.files = files;
        rc = jisr_corpus_run(in, nin, &co, &rep);
        cli_progress_done(&g.p);
    }
    free(in);
    int status = CLI_OK;
    if (rc < 0) {
        jisr_error e = *jisr_error_last();
        status = ran && rc == JISR_EINVAL && !rep ? cli_usage_error("corpus", "%s", e.msg)
                                                  : cli_error(rc);
        jisr_error_set(e.code, e.file[0] ? e.file : NULL, e.line, e.col, "%s", e.msg);
    } else {
        const jisr_pairing *p = jisr_corpus_report_pairing(rep);
        jisr_buf sb = {0};
        for (size_t i = 0; p && i < p->ndocs; i++)
            if (p->docs[i].side < 0)
                cli_warn("%s: skipped: %s", doc_cli_shown(p->docs[i].path, &sb),
                         p->docs[i].why ? p->docs[i].why : "");
        jisr_buf_free(&sb);
        const jisr_corpus_totals *t = jisr_corpus_report_totals(rep);
        uint64_t dropped = 0;
        for (int k = 0; k < JISR_DROP_N; k++)
            dropped += t->dropped[k];
        fprintf(stderr,
                "jisr: %zu %s (%zu skipped), %zu %s of documents, %llu aligned %s: %llu kept, "
                "%llu dropped",
                t->documents, jisr_plural(t->documents, "document", "documents"), t->skipped,
                t->pairs, jisr_plural(t->pairs, "pair", "pairs"), (unsigned long long)t->candidates,
                jisr_plural(t->candidates, "pair", "pairs"), (unsigned long long)t->kept,
                (unsigned long long)dropped);
        for (int k = 0; k < JISR_DROP_N; k++)
            if (t->dropped[k])
                fprintf(stderr, ", %s %llu", jisr_drop_name((jisr_drop)k),
                        (unsigned long long)t->dropped[k]);
        /* kept by the filters, not written: each was named above */
        if (t->unwritable)
            fprintf(stderr, ", %llu %s left out (%s cannot carry %s)",
                    (unsigned long long)t->unwritable, jisr_plural(t->unwritable, "pair", "pairs"),
                    co.moses                       ? "Moses"
                    : ends_with(co.output, ".tmx") ? "TMX"
                    : ends_with(co.output, ".tsv") ? "TSV"
                                                   : "JSONL",
                    jisr_plural(t->unwritable, "it", "them"));
        fprintf(stderr, " (%.1f s)\n", t->seconds);
        /* the reports: rendered and written whole, then committed */
        for (int k = 0; rc == 0 && k < 2; k++) {
            if (!rout[k])
                continue;
            jisr_buf b = {0};
            int json = k == 1 || ends_with(rpath[k], ".json");
            rc = json ? jisr_corpus_report_json(rep, &b) : jisr_corpus_report_html(rep, &b);
            if (rc == 0 && b.len && fwrite(b.data, 1, b.len, jisr_outfile_stream(rout[k])) != b.len)
                rc = jisr_error_set(JISR_EIO, rpath[k], 0, 0, "write failed");
            jisr_buf_free(&b);
        }
        for (int k = 0; rc == 0 && k < 2; k++) {
            rc = jisr_outfile_commit(rout[k]);
            rout[k] = NULL;
        }
        if (rc < 0)
            status = cli_error(rc);
    }
    for (int k = 0; k < 2; k++)
        jisr_outfile_abort(rout[k]);
    cli_remove_dirs_on_signal(NULL);
    if (rc < 0)
        doc_cli_remove_dirs(&made);
    jisr_strlist_free(&made);
    jisr_fileset_free(files);
    jisr_corpus_report_free(rep);
    return status;
}
