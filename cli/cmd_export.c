/*
 * cmd_export.c — `jisr export`: write a memory (or one language pair of it) as TMX 1.4b, or as
 * TSV/JSONL, through the formats layer's writers (output appears only when complete).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "text/text.h"
#include "util/plural.h"

const char cmd_export_help[] =
    "Usage: jisr export [OPTIONS] -o FILE\n"
    "\n"
    "Write the units of a memory to FILE (- = standard output) as TMX 1.4b (default), TSV or\n"
    "JSONL, in id order, with their usage counts, dates, props and notes. FILE is written to a\n"
    "temporary file and renamed when complete.\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "  -o, --output FILE     where to write (required)\n"
    "  -f, --format FMT      tmx, tsv or jsonl (default: from FILE's name, else tmx)\n"
    "  -s, --source LANG     only units with a LANG variant (BCP 47: 'en' takes en-US, en-GB);\n"
    "                        TMX header srclang, and each unit's LANG variants are written\n"
    "                        first (those tagged LANG exactly before the others)\n"
    "  -t, --target LANG     with -s: only units with both, reduced to that pair (written\n"
    "                        after the source's; units without a variant of each are left\n"
    "                        out and counted). A variant is on one side only, that of the\n"
    "                        tag it matches more closely: -s en -t en-GB takes en-GB for\n"
    "                        the target, en and en-US for the source. -s and -t differ.\n"
    "                        TSV and JSONL output need -s and -t; TSV writes the first\n"
    "                        variant of each, an exact tag first (units with more are\n"
    "                        counted), as plain text: a <ph> holding a format code ({0},\n"
    "                        %s) as its code, a tag holding an OmegaT shortcut as the\n"
    "                        shortcut (<b0>); the units that lose other inline tags,\n"
    "                        props or notes are counted in a warning\n"
    "      --prop TYPE=VALUE only units with this prop (of the <tu>; repeat: values of one\n"
    "                        type are alternatives, different types must all match)\n"
    "      --changed-since DATE\n"
    "                        only units changed (never changed: created) on or after DATE\n"
    "                        (YYYY-MM-DD, its first second, or YYYYMMDDThhmmssZ)\n"
    "      --changed-before DATE\n"
    "                        only units changed (or created) before DATE, strictly; a unit\n"
    "                        without dates is left out by either date. The summary counts\n"
    "                        the units the filters leave out\n"
    "      --omegat-shortcuts\n"
    "                        write inline tags holding an OmegaT shortcut (<b0>, </b0>,\n"
    "                        <x1/>) as that text, as OmegaT's own memories do: for a memory\n"
    "                        going to OmegaT's tm/auto (TMX; TSV always writes them so)\n"
    "      --skip-bad        write the other units when one cannot be written (a character\n"
    "                        the format cannot carry, a damaged record): each is reported by\n"
    "                        id on stderr; without it such a unit stops the export and\n"
    "                        nothing is written\n"
    "  -h, --help            show this help\n"
    "\n"
    "Examples:\n"
    "  jisr export --tm ~/tm/un -o un.tmx\n"
    "  jisr export -s ar -t en -o ar-en.tsv     (-f tsv and -f jsonl need -s and -t)\n"
    "  jisr export --changed-since 2024-03-01 --prop client=acme -o handoff.tmx\n"
    "  jisr export -s en -t ar --omegat-shortcuts -o project/tm/auto/jisr.tmx\n";

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"source", required_argument, NULL, 's'},
                                             {"target", required_argument, NULL, 't'},
                                             {"skip-bad", no_argument, NULL, 'S'},
                                             {"prop", required_argument, NULL, 'P'},
                                             {"changed-since", required_argument, NULL, 'C'},
                                             {"changed-before", required_argument, NULL, 'B'},
                                             {"omegat-shortcuts", no_argument, NULL, 'O'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *dir = NULL, *out = NULL, *fmt = NULL, *src = NULL, *tgt = NULL;
    int c, skip_bad = 0;
    unsigned wflags = 0; /* JISR_WRITE_* */
    cli_filter flt;      /* --prop, --changed-since, --changed-before (cli/filter_opts.c) */
    cli_filter_init(&flt);
    optind = 1;
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":o:f:s:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 'o':
            out = optarg;
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
            wflags |= JISR_WRITE_OMEGAT_SHORTCUTS;
            break;
        case 'P':
        case 'C':
        case 'B':
            if (cli_filter_option("export", &flt, c, optarg) != CLI_OK)
                return CLI_USAGE;
            break;
        case 'h':
            return cli_help("export");
        default: /* ':' or '?' */
            return cli_option_error("export", c, argv);
        }
    }
    if (!out)
        return cli_usage_error("export", "-o FILE is needed");
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    if (tgt && !src)
        return cli_usage_error("export", "-t needs -s");
    if ((c = cli_lang_pair_option("export", src, tgt)) != CLI_OK)
        return c;
    jisr_format format = fmt ? jisr_format_from_string(fmt) : jisr_format_from_name(out);
    if (fmt && format == JISR_FMT_AUTO)
        return cli_usage_error("export", "unknown format '%s'", fmt);
    if (format == JISR_FMT_AUTO)
        format = JISR_FMT_TMX;
    if (format == JISR_FMT_MOSES)
        return cli_usage_error("export", "Moses output is not supported here (jisr convert)");
    if (format != JISR_FMT_TMX && (!src || !tgt))
        return cli_usage_error("export", "TSV/JSONL output needs -s and -t");
    jisr_tm *tm;
    int rc = cli_open_tm(dir, 0, &tm);
    if (rc != CLI_OK)
        return rc;
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    jisr_fileset *files = NULL; /* the memory's own files: never the output */
    char *tmdir = dir ? NULL : cli_default_tm();
    if (jisr_fileset_new(&files) == 0)
        jisr_fileset_add_input(files, dir ? dir : tmdir);
    free(tmdir);
    wo.files = files;
    wo.format = format;
    wo.srclang = src ? src : "*all*";
    wo.tgtlang = tgt;
    wo.flags = wflags;
    jisr_writer *w = NULL;
    jisr_tm_iter *it = NULL;
    jisr_unit u;
    jisr_unit_init(&u);
    unsigned long long n = 0, skipped = 0, multi = 0, pairless = 0, filtered = 0;
    int filters = cli_filter_any(&flt);
    unsigned long lost_tags = 0, lost_meta = 0;
    jisr_buf plain = {0};
    char msg[2048];
    if ((rc = jisr_writer_open(&w, out, &wo)) < 0 || (rc = jisr_tm_iter_open(tm, &it)) < 0)
        goto done;
    for (;;) {
        uint64_t id = 0;
        int unit_error; /* only this unit is lost, the export can go on */
        rc = jisr_tm_iter_next(it, &id, &u);
        if (rc == 0)
            break;
        if (rc < 0) {
            unit_error = id != 0; /* its record does not decode */
        } else {
            if (filters && (rc = jisr_tm_unit_filter_match(&flt.f, &u)) <= 0) {
                if (rc < 0)
                    break;
                filtered++; /* left out by --prop, --changed-since, --changed-before */
                continue;
            }
            if (src && !tgt && !jisr_unit_find(&u, src))
                continue;
            /* not two distinct variants, one of each language: left out and counted */
            if (src && tgt && !jisr_unit_keep_pair(&u, src, tgt)) {
                pairless++;
                continue;
            }
            if (format == JISR_FMT_TSV && src && tgt) { /* TSV takes the first of each */
                size_t ns = 0, nt = 0;
                for (size_t i = 0; i < u.nvariants; i++) {
                    int side = jisr_unit_pair_side(&u, i, src, tgt);
                    ns += side == 1;
                    nt += side == 2;
                }
                multi += ns > 1 || nt > 1;
            }
            if (src)
                jisr_unit_source_first(&u, src, tgt);
            int lost = 0;
            rc = format == JISR_FMT_TSV ? cli_unit_plain_codes(&u, &plain, &lost) : 0;
            if (rc < 0)
                break;
            lost_tags += (lost & 1) != 0;
            lost_meta += (lost & 2) != 0;
            rc = jisr_writer_write(w, &u);
            unit_error = rc == JISR_EENCODING || rc == JISR_EINVAL || rc == JISR_ENOTFOUND;
        }
        if (rc >= 0) {
            n++;
            continue;
        }
        if (!unit_error)
            break;
        /* the unit named once, by its id: a writer's message names it "unit N" by its place
         * in the output (and the output file, which the summary names) */
        const char *m = jisr_error_last()->msg, *rest = NULL;
        if (strncmp(m, "unit ", 5) == 0 && m[5] >= '0' && m[5] <= '9') {
            for (rest = m + 5; *rest >= '0' && *rest <= '9'; rest++)
                ;
            snprintf(msg, sizeof msg, "unit %llu%s", (unsigned long long)id, rest);
        } else {
            char e[1900];
            jisr_error_format(e, sizeof e);
            snprintf(msg, sizeof msg, "unit %llu: %s", (unsigned long long)id, e);
        }
        if (!skip_bad) {
            fprintf(stderr, "jisr: %s\n", msg);
            cli_fail("%s: nothing written (--skip-bad writes the other units)", out);
            goto failed;
        }
        fprintf(stderr, "jisr: %s (skipped)\n", msg);
        skipped++;
    }
done:
    if (rc < 0)
        cli_error(rc);
failed:
    jisr_tm_iter_close(it);
    jisr_buf_free(&plain);
    jisr_unit_clear(&u);
    jisr_fileset_free(files);
    if (rc < 0) {
        jisr_writer_abort(w);
        jisr_tm_close(tm);
        return CLI_FAIL;
    }
    rc = jisr_writer_close(w);
    jisr_tm_close(tm);
    if (rc < 0)
        return cli_error(rc);
    if (strcmp(out, "-") != 0 || skipped || multi || pairless || filters) {
        fprintf(stderr, "%s: %llu %s exported", out, n, jisr_plural(n, "unit", "units"));
        if (filters)
            fprintf(stderr, ", %llu left out by the filters", filtered);
        if (skipped)
            fprintf(stderr, ", %llu skipped", skipped);
        if (pairless)
            fprintf(stderr, ", %llu without both %s and %s left out", pairless, src, tgt);
        if (multi)
            fprintf(stderr,
                    ", %llu with more than one %s or %s variant (the first of each "
                    "written)",
                    multi, src, tgt);
        fputc('\n', stderr);
    }
    cli_warn_plain_lost(strcmp(out, "-") == 0 ? "<stdout>" : out, "TSV", lost_tags, lost_meta);
    return CLI_OK;
}
