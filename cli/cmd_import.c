/*
 * cmd_import.c — `jisr import FILE…`: store translation units in a memory. Everything happens in
 * the library (jisr_tm_import_file, which reads standard input as it comes for "-"); this file
 * parses options, shows progress on a terminal and reports what each file did, and removes a
 * memory it created when nothing was stored (jisr_tm_remove).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/plural.h"

/* The help outgrew the 4,095 characters C99 promises every compiler reads in one literal; GCC
 * and clang read any length (-Wpedantic's warning is about other compilers). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
const char cmd_import_help[] =
    "Usage: jisr import [OPTIONS] FILE...\n"
    "\n"
    "Import translation units into a memory: TMX (1.1-1.4b), TSV, JSONL or XLIFF (1.2, 2.0),\n"
    "as named (.tmx .tsv .jsonl .xlf .xliff .sdlxliff) or given by --format; FILE may be -\n"
    "(standard input, with --format). Moses text (.txt, corpus.en) is not imported: convert\n"
    "it to TSV first (jisr convert).\n"
    "\n"
    "A unit identical to a stored unit (the same language tags, letter case aside, and the\n"
    "same texts and inline tags, byte for byte) is merged into it: the larger usage count\n"
    "is kept (the same unit read twice was not used twice: importing a file again, as after\n"
    "an interruption, leaves the memory as one import of it would), the earliest creation\n"
    "date with its creationid and the latest change date with its changeid (a <tuv>'s\n"
    "likewise), the props and notes it lacks are added, and the stored unit's tuid and\n"
    "srclang stay (the duplicate's when it has none). So is a unit whose variants are all\n"
    "in a stored unit of up to six: the ar-en pair 'jisr export -s ar -t en' writes from a\n"
    "memory whose units also hold French merges into the units it came from (into the\n"
    "first when several hold it); a unit with more variants than a stored one is new. Units\n"
    "that only look alike (case, diacritics, spacing) stay apart, and so do en-US, en-GB and\n"
    "en; every variant is searchable (a query from en finds all three, from en-GB the en-GB\n"
    "text, and -t ar-EG gives the ar-EG text of a unit holding ar-SA and ar-EG).\n"
    "Units with fewer than two non-empty variants are skipped (-v names them). A memory\n"
    "keeps the attributes (tuid, srclang, datatype, segtype, o-tmf, o-encoding, creationtool\n"
    "and its version, ids, dates, usage count), props and notes of a unit (<tu>) and of each\n"
    "variant (<tuv>); a <tu> without dates takes its variants' (OmegaT dates the <tuv>). A\n"
    "duplicate's variant metas complete the stored variants' (same language and text).\n"
    "\n"
    "OmegaT's own memories (project_save.tmx, its OmegaT TMX export) keep formatting tags as\n"
    "text shortcuts: <b0>Save</b0>. In a TMX whose creationtool is OmegaT (or that jisr wrote\n"
    "with --omegat-shortcuts: its header says so) each shortcut ('<', an optional '/',\n"
    "letters, digits, an optional '/', '>') is stored as an inline tag holding it (<b0> with\n"
    "its </b0> a <bpt>/<ept> pair, <x1/> a <ph>, one without its counterpart an <it>; <b>,\n"
    "<br/> and < b0> stay text), so that tags are not words to the matcher: 'Save' finds\n"
    "<b0>Save</b0> at 99, as any tagged unit, and 'jisr export' writes\n"
    "<bpt i=\"1\">&lt;b0&gt;</bpt>Save<ept i=\"1\">&lt;/b0&gt;</ept>.\n"
    "\n"
    "Dates are read in TMX's form (20190304T101112Z) or ISO 8601's (2019-03-04T10:11:12Z,\n"
    "2019-03-04; with a zone offset, or none: UTC), before 1970 too. One that cannot be read\n"
    "is left out with a warning (FILE:LINE:COL), and so is a usagecount that is not a whole\n"
    "number from 0 (the unit then counts 1, as one without a usagecount; usagecount=\"0\"\n"
    "is kept as 0). A unit without a creation date gets the import's, but never one after\n"
    "its change date.\n"
    "\n"
    "Strict by default: a file with any error changes nothing (nothing is committed before\n"
    "it has been read without error); it is then stored in batches, one transaction each: an\n"
    "interrupted import (Ctrl-C, SIGTERM: it says how many units of which file it\n"
    "committed), or one whose storing fails (a full disk, the file size limit of\n"
    "ulimit -f), keeps the batches committed so far (the error says how many): running the\n"
    "same import again completes it. When a file\n"
    "fails, the files before it stay imported and those after it are not read (the error\n"
    "names them). The file is parsed once, ahead of the storing, up to 256 MiB in memory and\n"
    "beyond that in a temporary file in $TMPDIR (or /tmp). A large import takes ~1-1.5 GB of\n"
    "memory at most.\n"
    "\n"
    "A memory stores at most 255 variants per unit and language tags of at most 63 bytes: a\n"
    "unit beyond is an error (skipped and reported with --skip-bad), never stored cut.\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else $XDG_DATA_HOME/jisr/tm, else\n"
    "                        ~/.local/share/jisr/tm); created when missing\n"
    "  -f, --format FMT      input format: tmx, tsv, jsonl, xliff (default: from the file\n"
    "                        name)\n"
    "  -s, --source LANG     language of the first TSV column (default: from its script over\n"
    "                        the first 200 lines, Arabic = ar, Latin = en; import fails when\n"
    "                        the script cannot tell the two columns apart; a line whose\n"
    "                        columns are each in the other's script is read swapped, with a\n"
    "                        warning), and of JSONL lines that name none (without -s/-t such\n"
    "                        a line is an error)\n"
    "  -t, --target LANG     language of the second TSV column (likewise)\n"
    "      --skip-bad        store the good units of a file with bad ones; each bad one is\n"
    "                        reported (FILE:LINE:COL) on stderr\n"
    "      --omegat-tags     read OmegaT's tag shortcuts written as text in a TMX (<b0>,\n"
    "                        </b0>, <x1/>) as inline tags, whatever its creationtool\n"
    "      --no-omegat-tags  keep them as text, also in a TMX made by OmegaT. Default: as\n"
    "                        tags when the header's creationtool is OmegaT (see below)\n"
    "      --batch N         units per transaction (default 200000)\n"
    "      --chars[=N]       a new memory: turn on the character search of short texts (at\n"
    "                        most N characters, 2-255, default 128: UI strings, menu items;\n"
    "                        'Trnasfre' finds 'Transfer'). Off by default: it makes imports\n"
    "                        ~4-5x slower, the memory larger and short queries at low --min\n"
    "                        much slower. An existing memory keeps its setting ('jisr reindex\n"
    "                        --chars on|off|N' changes it); --chars on a memory where it is\n"
    "                        off, or --chars=N with another limit, is an error\n"
    "  -v, --verbose         report every committed batch on stderr, and name each unit\n"
    "                        skipped for having fewer than two non-empty variants\n"
    "                        (FILE:LINE:COL, once the file is stored)\n"
    "  -q, --quiet           no summary\n"
    "  -h, --help            show this help\n"
    "\n"
    "Environment:\n"
    "  JISR_TM_NOSYNC=1      skip the fsync at each commit: committed batches survive a killed\n"
    "                        process but not a power loss (see docs/matching.md)\n"
    "\n"
    "Examples:\n"
    "  jisr import --tm ~/tm/bible bible.tmx\n"
    "  jisr import --tm ~/tm/un -s ar -t en un.tsv\n"
    "  jisr align doc.ar doc.en -o pairs.tmx && jisr import pairs.tmx\n"
    "\n"
    "Text input (TSV, JSONL) is UTF-8, its lines ending in a line feed (LF) or a carriage\n"
    "return and a line feed (CR LF). A carriage return alone is refused with FILE:LINE:COL\n"
    "(columns count characters): old Mac line ends (CR only) as \"carriage return without\n"
    "line feed\", with the tr command that converts them, and a stray CR inside a line likewise,\n"
    "so that no CR ends up inside a stored text. A file in UTF-16 (with or without a\n"
    "byte-order mark) or windows-1256 is refused with the iconv command that converts it.\n"
    "\n"
    "Exit status: 0 success (warnings included), 1 an error (the failing file changed\n"
    "nothing, unless its storing failed after some batches were committed: the error then\n"
    "says how many), 2 usage error (nothing imported).\n";
#pragma GCC diagnostic pop

typedef struct imp_ctx {
    cli_progress prog;
    const char *file;
    int verbose;
    int before; /* files were imported before this one */
    unsigned long warnings;
} imp_ctx;

static void on_progress(void *ctx, uint64_t units)
{
    imp_ctx *c = ctx;
    cli_progress_update(&c->prog, "importing %s: %llu %s", c->file, (unsigned long long)units,
                        jisr_plural(units, "unit", "units"));
}

static void on_bad(void *ctx, const jisr_error *err)
{
    imp_ctx *c = ctx;
    char msg[2048];
    (void)err;
    jisr_error_format(msg, sizeof msg);
    cli_progress_done(&c->prog);
    fprintf(stderr, "jisr: %s (skipped)\n", msg);
}

/* a date the reader cannot read … (on the reading thread, as on_progress) */
static void on_warning(void *ctx, const jisr_error *w)
{
    imp_ctx *c = ctx;
    cli_progress_done(&c->prog);
    if (w->code == 0) { /* a note (-v): a unit skipped for an empty side, once the file is in */
        if (w->line)
            fprintf(stderr, "jisr: %s:%lu:%lu: %s\n", w->file, w->line, w->col, w->msg);
        else
            fprintf(stderr, "jisr: %s: %s\n", w->file, w->msg);
        return;
    }
    c->warnings++;
    if (w->line)
        cli_warn("%s:%lu:%lu: %s", w->file, w->line, w->col, w->msg);
    else
        cli_warn("%s: %s", w->file, w->msg);
}

/* Where the last unit committed of file starts, between pre and post ("" when not known). */
static void last_place(char *out, size_t size, const char *file, const jisr_tm_import_stats *st,
                       const char *pre, const char *post)
{
    if (st && st->line && st->col)
        snprintf(out, size, "%s%s:%lu:%lu%s", pre, file, st->line, st->col, post);
    else if (st && st->line)
        snprintf(out, size, "%s%s:%lu%s", pre, file, st->line, post);
    else
        out[0] = '\0';
}

/* What an interruption of the import of c->file now leaves: st (NULL: nothing committed yet),
 * with the input's place of the last unit committed (FILE:LINE:COL). Formatted here, on the
 * thread that committed; the signal handler only writes the text (cli_signal_message). */
static void signal_note(const imp_ctx *c, const jisr_tm_import_stats *st)
{
    char m[4096], at[1100];
    const char *before = c->before ? "; the files before it are imported" : "";
    last_place(at, sizeof at, c->file, st, "; the last one committed starts at ", "");
    if (!st || !st->batches)
        snprintf(m, sizeof m, "jisr: interrupted: nothing of %s was committed%s\n", c->file,
                 before);
    else
        snprintf(m, sizeof m,
                 "jisr: interrupted: %llu %s of %s committed (its first %llu, %llu "
                 "%s%s)%s; running the same import again completes it (the units stored "
                 "already merge, their usage counts unchanged)\n",
                 (unsigned long long)st->read, jisr_plural(st->read, "unit", "units"), c->file,
                 (unsigned long long)st->read, (unsigned long long)st->batches,
                 jisr_plural(st->batches, "batch", "batches"), at, before);
    cli_signal_message(m);
}

static int on_commit(void *ctx, const jisr_tm_import_stats *st)
{
    imp_ctx *c = ctx;
    signal_note(c, st);
    if (c->verbose)
        fprintf(stderr, "jisr: %s: batch %llu committed: %llu added, %llu merged\n", c->file,
                (unsigned long long)st->batches, (unsigned long long)st->added,
                (unsigned long long)st->merged);
    return 0;
}

int cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"source", required_argument, NULL, 's'},
                                             {"target", required_argument, NULL, 't'},
                                             {"skip-bad", no_argument, NULL, 'S'},
                                             {"batch", required_argument, NULL, 'b'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"chars", optional_argument, NULL, 'C'},
                                             {"omegat-tags", no_argument, NULL, 'O'},
                                             {"no-omegat-tags", no_argument, NULL, 'N'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *dir = NULL, *fmt = NULL, *src = NULL, *tgt = NULL;
    int skip_bad = 0, quiet = 0, chars = 0, c;
    unsigned omegat = 0; /* JISR_READ_OMEGAT_TAGS or JISR_READ_NO_OMEGAT_TAGS: the last given */
    long batch = 0;
    imp_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    optind = 1;
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":f:s:t:vqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 'f':
            fmt = optarg;
            break;
        case 's':
            src = optarg;
            break;
        case 't':
            tgt = optarg;
            break;
        case 'S':
            skip_bad = 1;
            break;
        case 'O':
        case 'N':
            omegat = c == 'O' ? JISR_READ_OMEGAT_TAGS : JISR_READ_NO_OMEGAT_TAGS;
            break;
        case 'C': {
            long n = 1; /* plain --chars, --chars=on: the default limit (128) */
            if (optarg && strcmp(optarg, "on") != 0 && (cli_number(optarg, 255, &n) < 0 || n < 2))
                return cli_usage_error("import",
                                       "--chars takes on or a limit of 2 to 255 characters, "
                                       "not '%s'",
                                       optarg);
            chars = (int)n;
            break;
        }
        case 'v':
            ctx.verbose = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'b':
            if (cli_number(optarg, 100000000, &batch) < 0 || batch < 1)
                return cli_usage_error("import", "--batch needs a positive number");
            break;
        case 'h':
            return cli_help("import");
        default: /* ':' or '?' */
            return cli_option_error("import", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("import", "no input file");
    jisr_format format = JISR_FMT_AUTO;
    if (fmt && (format = jisr_format_from_string(fmt)) == JISR_FMT_AUTO)
        return cli_usage_error("import", "unknown format '%s' (tmx, tsv, jsonl, xliff)", fmt);
    if (format == JISR_FMT_MOSES)
        return cli_usage_error("import", "Moses files are not imported: convert them to TSV "
                                         "first (jisr convert)");
    /* every file's format before anything is imported */
    int stdins = 0;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        struct stat fs;
        if (strcmp(path, "-") == 0 && format == JISR_FMT_AUTO)
            return cli_usage_error("import", "standard input needs --format");
        /* it can be read once: a second '-' would read nothing, silently */
        if (strcmp(path, "-") == 0 && stdins++)
            return cli_usage_error("import", "standard input (-) is given twice: it can be "
                                             "read only once");
        if (strcmp(path, "-") != 0 && stat(path, &fs) == 0 && S_ISDIR(fs.st_mode))
            return cli_usage_error("import", "'%s' is a directory: give the files in it", path);
        jisr_format f = format != JISR_FMT_AUTO ? format : jisr_format_from_name(path);
        if (f == JISR_FMT_AUTO)
            return cli_usage_error("import",
                                   "cannot tell the format of '%s' from its name: give --format "
                                   "(tmx, tsv, jsonl, xliff)",
                                   path);
        if (f == JISR_FMT_MOSES)
            return cli_usage_error("import",
                                   "'%s' is Moses two-file text by its name, which is not "
                                   "imported: convert it to TSV first (jisr convert -s L -t L "
                                   "%s FILE.tsv), or give --format",
                                   path, path);
    }
    /* a strict import that fails into a memory that did not exist leaves no memory behind */
    char *where = dir ? jisr_strdup(dir) : cli_default_tm();
    struct stat sb;
    int existed = !where || stat(where, &sb) == 0;
    uint64_t committed = 0;
    jisr_tm *tm;
    int rc = cli_open_tm(dir, JISR_TM_WRITE, &tm);
    if (rc != CLI_OK) {
        free(where);
        return rc;
    }
    int status = CLI_OK;
    /* the memory's setting: set on a new memory, an error where it differs (reindex changes it) */
    if (chars && (rc = jisr_tm_set_chars(tm, chars)) < 0) {
        jisr_tm_close(tm);
        free(where);
        return cli_error(rc);
    }
    cli_progress_init(&ctx.prog);
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        jisr_tm_file_opts fo = JISR_TM_FILE_OPTS_INIT;
        fo.read.format = format;
        fo.read.srclang = src;
        fo.read.tgtlang = tgt;
        fo.read.on_warning = on_warning;
        fo.read.warning_ctx = &ctx;
        fo.read.flags |= omegat;
        fo.flags = (skip_bad ? JISR_TM_IMPORT_SKIP_BAD : 0) |
                   (ctx.verbose ? JISR_TM_IMPORT_LOCATE_SKIPPED : 0);
        fo.import.batch_units = (size_t)batch;
        fo.import.on_commit = on_commit;
        fo.import.ctx = &ctx;
        fo.on_progress = on_progress;
        fo.on_bad = on_bad;
        fo.ctx = &ctx;
        ctx.file = path;
        ctx.before = i > optind;
        signal_note(&ctx, NULL);
        jisr_tm_import_stats st;
        double t0 = jisr_now();
        rc = jisr_tm_import_file(tm, path, &fo, &st);
        cli_signal_message(NULL); /* the file is done (or failed, which says so) */
        cli_progress_done(&ctx.prog);
        committed += st.batches;
        if (rc < 0) {
            status = cli_error(rc);
            if (st.batches) {
                char at[1100];
                last_place(at, sizeof at, path, &st, " (the last unit committed starts at ", ")");
                fprintf(stderr, "jisr: %s: %llu %s committed before the error%s\n", path,
                        (unsigned long long)st.batches,
                        jisr_plural(st.batches, "batch was", "batches were"), at);
            }
            if (i + 1 < argc) { /* the files after it are not read */
                fprintf(stderr, "jisr: not imported:");
                for (int k = i + 1; k < argc; k++)
                    fprintf(stderr, " %s", argv[k]);
                fprintf(stderr, " (the import stopped at %s%s)\n", path,
                        i > optind ? "; the files before it are imported" : "");
            }
            break;
        }
        if (!quiet) {
            fprintf(stderr, "%s: %llu %s read, %llu added, %llu merged, %llu skipped", path,
                    (unsigned long long)st.read, jisr_plural(st.read, "unit", "units"),
                    (unsigned long long)st.added, (unsigned long long)st.merged,
                    (unsigned long long)st.skipped); /* bad units skipped included */
            if (ctx.warnings)
                fprintf(stderr, ", %lu %s", ctx.warnings,
                        jisr_plural(ctx.warnings, "warning", "warnings"));
            fprintf(stderr, " (%.1fs)\n", jisr_now() - t0);
        }
        ctx.warnings = 0;
    }
    jisr_tm_close(tm);
    if (status != CLI_OK && !existed && committed == 0 && where)
        jisr_tm_remove(where); /* only when it is empty: nothing to lose */
    free(where);
    return status;
}
