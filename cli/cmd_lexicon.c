/*
 * cmd_lexicon.c — `jisr lexicon`: train a translation table from parallel text (`train`) for
 * `jisr align --lexicon`, and look words up in one (`show`).
 *
 * Options are read in order: a -f given before some CORPUS files applies to those files (so one
 * run can mix a TSV named .txt with Moses files and TMX). The corpora are read by the formats
 * layer, a memory through its public iterator; tokenizing, training and the file are the align
 * layer's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align/align.h"
#include "cli/cli.h"
#include "formats/formats.h"
#include "tm/tm.h"
#include "util/plural.h"

const char cmd_lexicon_help[] =
    "Usage: jisr lexicon train [OPTIONS] CORPUS... -o FILE\n"
    "       jisr lexicon show FILE [WORD...]\n"
    "\n"
    "train: learn a translation table between the stems of two languages (IBM Model 1, both\n"
    "directions, words tokenized and stemmed exactly as `jisr align` does: Arabic clitics and\n"
    "English endings stripped) from parallel text, for `jisr align --lexicon FILE`. CORPUS is\n"
    "any file jisr reads as translation units: TMX, TSV (source<TAB>target), Moses (FILE.ar\n"
    "beside FILE.en), JSONL, or what `jisr align` writes as tsv, tmx or jsonl; - is standard\n"
    "input. The same corpora in the same order always give the same file, byte for byte.\n"
    "\n"
    "show: without WORD, print the header of a lexicon (its languages, training pairs,\n"
    "entries, length model); with WORDs, only, for each WORD (a word of either language,\n"
    "stemmed as the aligner does), its translations with t(e|f) and t(f|e). A lexicon that\n"
    "is cut short or damaged (.gz) is an error, never read in part.\n"
    "\n"
    "Options of train:\n"
    "  -o, --output FILE     the lexicon (gzip-compressed when FILE ends in .gz; - = stdout)\n"
    "  -s, --source-lang L   first language of the table (default ar)\n"
    "  -t, --target-lang L   second language (default en)\n"
    "  -f, --format F        tmx, tsv, moses, jsonl or auto (default): the format of the CORPUS\n"
    "                        files that follow it. TSV and Moses columns are matched to the\n"
    "                        languages by their script when one language is Arabic (Tatoeba's\n"
    "                        English<TAB>Arabic works as is with -f tsv), else taken in -s,\n"
    "                        -t order.\n"
    "                        auto goes by the name: .tmx, .tsv, .jsonl, .xlf; .txt or a\n"
    "                        language code is Moses (FILE.txt beside FILE.TGT), so a\n"
    "                        one-file .txt corpus such as Tatoeba's needs -f tsv\n"
    "      --tm DIR          also train on every unit of the memory DIR (repeatable)\n"
    "      --skip-bad        leave out the units a reader refuses (each named on stderr)\n"
    "                        instead of stopping at the first\n"
    "      --iterations N    EM iterations per direction (default 5)\n"
    "      --min-prob P      keep pairs with t(e|f) or t(f|e) at least P (default 0.2, the\n"
    "                        least the aligner uses)\n"
    "      --min-count N     and seen together in at least N sentence pairs (default 2)\n"
    "  -q, --quiet           no summary on standard error\n"
    "  -h, --help            show this help\n"
    "\n"
    "Sentence pairs with more than 80 words on a side are left out; training holds about 12\n"
    "bytes per pair of words of the pairs it keeps (at most 50 million such pairs, then the\n"
    "rest is skipped and counted).\n"
    "\n"
    "Exit status: 0 on success, 1 on an error (unreadable or malformed corpus: FILE:LINE:COL is\n"
    "given), 2 on bad usage.\n"
    "\n"
    "Examples:\n"
    "  jisr lexicon train -o my.lex.gz memory-export.tmx aligned/*.jsonl\n"
    "  jisr lexicon train -o un.lex.gz UNv1.0.devset.ar -f tsv tatoeba.txt\n"
    "  jisr lexicon train --tm ~/.local/share/jisr/tm -o tm.lex.gz\n"
    "  jisr align --lexicon my.lex.gz doc.ar.txt doc.en.txt\n"
    "  jisr lexicon show my.lex.gz كتاب book\n";

typedef struct lex_progress {
    cli_progress p;
    unsigned long bad;
} lex_progress;

static void on_bad(void *ctx, const jisr_error *err)
{
    lex_progress *lp = ctx;
    char msg[2048];
    (void)err;
    lp->bad++;
    jisr_error_format(msg, sizeof msg);
    cli_progress_done(&lp->p);
    fprintf(stderr, "jisr: %s (skipped)\n", msg);
}

static void on_progress(void *ctx, const char *stage, double done)
{
    lex_progress *lp = ctx;
    cli_progress_update(&lp->p, "lexicon: %s %3.0f%%", stage, 100 * done);
}

int cli_train_from_tm(jisr_lexicon_trainer *tr, const char *dir, uint64_t *units)
{
    jisr_tm *tm = NULL;
    int st = cli_open_tm(dir, 0, &tm);
    if (st != CLI_OK)
        return st;
    jisr_tm_iter *it = NULL;
    int rc = jisr_tm_iter_open(tm, &it);
    jisr_unit u;
    jisr_unit_init(&u);
    uint64_t id, n = 0;
    while (rc >= 0 && (rc = jisr_tm_iter_next(it, &id, &u)) > 0) {
        if ((rc = jisr_lexicon_trainer_add_unit(tr, &u)) < 0)
            break;
        n += (uint64_t)rc;
    }
    jisr_unit_clear(&u);
    jisr_tm_iter_close(it);
    jisr_tm_close(tm);
    if (units)
        *units = n;
    return rc < 0 ? cli_error(rc) : CLI_OK;
}

/* CORPUS read as Moses only because of its name (.txt, or a language code), and the target file
 * that name implies (FILE.TGT) missing: most likely a one-file corpus such as Tatoeba's
 * English<TAB>Arabic .txt, so a usage error that explains the guess and suggests -f tsv
 * (import and convert explain it too). CLI_OK when the guess can stand. */
static int moses_guess_check(const char *path, const char *tgt)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (strcmp(path, "-") == 0 || !dot || (slash && dot < slash) || access(path, F_OK) != 0)
        return CLI_OK; /* the reader's own message says what is wrong */
    size_t stem = (size_t)(dot - path) + 1;
    char other[4096];
    if (stem + strlen(tgt) >= sizeof other)
        return CLI_OK;
    memcpy(other, path, stem);
    strcpy(other + stem, tgt);
    if (strcmp(other, path) == 0 || access(other, F_OK) == 0)
        return CLI_OK;
    return cli_usage_error("lexicon",
                           "'%s' is read as Moses two-file text by its name, so its %s side "
                           "would be '%s', which does not exist: for a one-file corpus "
                           "(source<TAB>target, as Tatoeba's .txt) give -f tsv before it "
                           "(jisr lexicon train -o FILE -f tsv %s)",
                           path, tgt, other, path);
}

/* One input of train into tr: the memory path (tm), else the corpus path read as fmt (AUTO: from
 * its name); the status. */
static int train_input(jisr_lexicon_trainer *tr, const jisr_lexicon_train_opts *to,
                       jisr_fileset *files, lex_progress *lp, int skip_bad, jisr_format fmt, int tm,
                       const char *path)
{
    uint64_t n = 0;
    int rc, status = CLI_OK;
    cli_progress_update(&lp->p, "lexicon: reading %s", path);
    if (tm) {
        if ((rc = jisr_fileset_add_input(files, path)) < 0)
            status = cli_error(rc);
        else
            status = cli_train_from_tm(tr, path, &n);
    } else {
        jisr_read_opts ro = JISR_READ_OPTS_INIT;
        ro.format = fmt;
        ro.files = files;
        if (skip_bad) {
            ro.flags |= JISR_READ_SKIP_BAD;
            ro.on_bad = on_bad;
            ro.ctx = lp;
        }
        jisr_format f = fmt ? fmt : jisr_format_from_name(path);
        if (f == JISR_FMT_MOSES && !fmt &&
            (status = moses_guess_check(path, to->tgtlang)) != CLI_OK)
            return status;
        if (f == JISR_FMT_MOSES) { /* the target file is named by its language */
            ro.srclang = to->srclang;
            ro.tgtlang = to->tgtlang;
        } else if (f == JISR_FMT_JSONL) { /* lines without languages: "und", which the
                                           * trainer matches by script (the JSONL reader
                                           * refuses them when none is given) */
            ro.srclang = "und";
            ro.tgtlang = "und";
        }
        if ((rc = jisr_lexicon_trainer_add_file(tr, path, &ro, &n)) < 0)
            status = cli_error(rc);
    }
    if (status == CLI_OK && n == 0)
        cli_warn("%s: no %s-%s sentence pairs", path, to->srclang, to->tgtlang);
    return status;
}

static int lexicon_train(int argc, char **argv)
{
    enum { OPT_TM = 256, OPT_ITER, OPT_MINP, OPT_MINC, OPT_SKIPBAD };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"source-lang", required_argument, NULL, 's'},
        {"target-lang", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'},
        {"tm", required_argument, NULL, OPT_TM},
        {"iterations", required_argument, NULL, OPT_ITER},
        {"min-prob", required_argument, NULL, OPT_MINP},
        {"min-count", required_argument, NULL, OPT_MINC},
        {"skip-bad", no_argument, NULL, OPT_SKIPBAD},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    jisr_lexicon_train_opts to = JISR_LEXICON_TRAIN_OPTS_INIT;
    const char *output = NULL;
    int quiet = 0, skip_bad = 0, c;
    char *end;
    /* a first pass for the options that concern the whole run */
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:o:s:t:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 's':
            to.srclang = optarg;
            break;
        case 't':
            to.tgtlang = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "auto") && jisr_format_from_string(optarg) == JISR_FMT_AUTO)
                return cli_usage_error("lexicon",
                                       "unknown format '%s' (tmx, tsv, moses, jsonl, "
                                       "auto)",
                                       optarg);
            break;
        case OPT_ITER: {
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 100)
                return cli_usage_error("lexicon", "--iterations needs a number from 1 to 100");
            to.iterations = (int)v;
            break;
        }
        case OPT_MINP:
            to.min_prob = strtod(optarg, &end);
            if (end == optarg || *end || !(to.min_prob >= 0 && to.min_prob <= 1))
                return cli_usage_error("lexicon", "--min-prob needs a number from 0 to 1");
            break;
        case OPT_MINC: {
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 1000000)
                return cli_usage_error("lexicon", "--min-count needs a positive number");
            to.min_count = (unsigned)v;
            break;
        }
        case 'q':
            quiet = 1;
            break;
        case OPT_SKIPBAD:
            skip_bad = 1;
            break;
        case 1:
        case OPT_TM:
            break;
        case 'h':
            return cli_help("lexicon");
        default: /* ':' or '?' */
            return cli_option_error("lexicon", c, argv);
        }
    }
    if (!output)
        return cli_usage_error("lexicon", "train needs -o FILE");
    if (!to.srclang[0] || !to.tgtlang[0])
        return cli_usage_error("lexicon", "empty language tag");
    lex_progress lp = {{0}, 0};
    cli_progress_init(&lp.p);
    to.progress = on_progress;
    to.ctx = &lp;
    jisr_lexicon_trainer *tr = NULL;
    jisr_fileset *files = NULL; /* the corpora: the lexicon never replaces one of them */
    int rc = jisr_fileset_new(&files);
    if (rc == 0)
        rc = jisr_lexicon_trainer_new(&tr, &to);
    if (rc < 0) {
        jisr_fileset_free(files);
        return cli_error(rc);
    }
    /* the second pass: corpora in order, each with the -f before it */
    jisr_format fmt = JISR_FMT_AUTO;
    int inputs = 0, status = CLI_OK;
    optind = 1;
    while (status == CLI_OK &&
           (c = getopt_long(argc, argv, "-:o:s:t:f:qh", longopts, NULL)) != -1) {
        if (c == 'f')
            fmt = strcmp(optarg, "auto") ? jisr_format_from_string(optarg) : JISR_FMT_AUTO;
        else if (c == 1 || c == OPT_TM) {
            inputs++;
            status = train_input(tr, &to, files, &lp, skip_bad, fmt, c == OPT_TM, optarg);
        }
    }
    /* after a "--" (getopt stops there): corpora only, with the last -f, whatever their names */
    for (; status == CLI_OK && optind < argc; optind++) {
        inputs++;
        status = train_input(tr, &to, files, &lp, skip_bad, fmt, 0, argv[optind]);
    }
    if (status == CLI_OK && inputs == 0)
        status = cli_usage_error("lexicon", "train needs at least one CORPUS or --tm DIR");
    jisr_lexicon *lx = NULL;
    if (status == CLI_OK && (rc = jisr_lexicon_trainer_finish(tr, &lx)) < 0)
        status = cli_error(rc);
    cli_progress_done(&lp.p);
    if (status == CLI_OK && (rc = jisr_lexicon_write(lx, output, files)) < 0)
        status = cli_error(rc);
    if (status == CLI_OK && !quiet) {
        uint64_t taken, skipped;
        jisr_lexicon_trainer_counts(tr, &taken, &skipped);
        fprintf(stderr,
                "jisr: lexicon %s: %zu %s from %llu sentence %s (%llu left out, %lu "
                "refused %s skipped) in %.1f s\n",
                output, jisr_lexicon_size(lx),
                jisr_plural(jisr_lexicon_size(lx), "entry", "entries"), (unsigned long long)taken,
                jisr_plural(taken, "pair", "pairs"), (unsigned long long)skipped, lp.bad,
                jisr_plural(lp.bad, "unit", "units"), jisr_now() - lp.p.start);
    }
    jisr_lexicon_free(lx);
    jisr_lexicon_trainer_free(tr);
    jisr_fileset_free(files);
    return status;
}

static int lexicon_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    /* options before FILE only ('+': the words after it may start with '-'); "--" ends them */
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
        if (c == 'h')
            return cli_help("lexicon");
        return cli_option_error("lexicon", c, argv);
    }
    if (optind >= argc)
        return cli_usage_error("lexicon", "show needs a lexicon FILE");
    jisr_lexicon *lx = NULL;
    int rc = jisr_lexicon_read(&lx, argv[optind]);
    if (rc < 0)
        return cli_error(rc);
    jisr_buf b = {0};
    if (optind + 1 == argc)
        rc = jisr_lexicon_describe(lx, &b);
    for (int i = optind + 1; rc == 0 && i < argc; i++)
        rc = jisr_lexicon_lookup(lx, argv[i], strlen(argv[i]), &b);
    if (rc == 0 && b.len && fwrite(b.data, 1, b.len, stdout) != b.len)
        rc = jisr_error_set(JISR_EIO, "<stdout>", 0, 0, "write error");
    jisr_buf_free(&b);
    jisr_lexicon_free(lx);
    return rc < 0 ? cli_error(rc) : CLI_OK;
}

int cmd_lexicon(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("lexicon", "expected a subcommand: train or show");
    if (!strcmp(argv[1], "train"))
        return lexicon_train(argc - 1, argv + 1);
    if (!strcmp(argv[1], "show"))
        return lexicon_show(argc - 1, argv + 1);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        return cli_help("lexicon");
    return cli_usage_error("lexicon", "unknown subcommand '%s' (train, show)", argv[1]);
}
