/*
 * cmd_reindex.c — `jisr reindex`: rebuild a memory's index in place (jisr_tm_reindex), after an
 * upgrade of ICU or of jisr's tokenizer has made it stale.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/plural.h"

const char cmd_reindex_help[] =
    "Usage: jisr reindex [OPTIONS]\n"
    "\n"
    "Rebuild the index of a memory with this jisr's tokenizer and its ICU and Unicode data, and\n"
    "record their versions in the memory. Needed when 'jisr stats' (or a warning of any\n"
    "command) says the index was built with other versions: words are then cut and normalised\n"
    "differently, and queries may miss matches. Also the repair when a command says the\n"
    "memory's index or its next unit id is damaged.\n"
    "\n"
    "The index is rebuilt in one transaction: queries (of this or other processes) see the old\n"
    "index until it is done, and an interrupted reindex (killed, out of disk) leaves the old\n"
    "index as it was. It needs disk space for both indexes meanwhile. Ids, texts, dates and\n"
    "usage counts do not change.\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "      --chars on|off|N  turn the character search of short texts on or off (rebuilding\n"
    "                        the index with or without their character terms, in the same\n"
    "                        one transaction), N (2-255) turns it on for texts of at most N\n"
    "                        characters; default: keep the memory's setting. On, short texts\n"
    "                        (at most 128 characters unless set; a memory written before\n"
    "                        limits has 64 until reindexed, then 128) also score by\n"
    "                        characters: more matches for UI strings with typos or joined\n"
    "                        words, at the cost of ~4-5x slower imports, a larger index and\n"
    "                        much slower short queries at low --min (docs/matching.md 7.1)\n"
    "  -q, --quiet           no summary\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  jisr reindex --tm ~/tm/un\n"
    "  jisr reindex --tm ~/tm/ui --chars on\n"
    "  jisr reindex --tm ~/tm/ui --chars 200\n";

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    cli_progress_update(ctx, "reindexing: %llu of %llu %s", (unsigned long long)done,
                        (unsigned long long)total, jisr_plural(total, "unit", "units"));
}

static void quiet_warning(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg; /* the stale index is what this command repairs */
}

int cmd_reindex(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"chars", required_argument, NULL, 'C'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    int quiet = 0, chars = JISR_TM_CHARS_KEEP, c;
    long chars_max = 0;
    optind = 1;
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'C':
            if (strcmp(optarg, "on") == 0)
                chars = JISR_TM_CHARS_ON;
            else if (strcmp(optarg, "off") == 0)
                chars = JISR_TM_CHARS_OFF;
            else if (cli_number(optarg, 255, &chars_max) == 0 && chars_max >= 2)
                chars = JISR_TM_CHARS_ON;
            else
                return cli_usage_error("reindex",
                                       "--chars takes on, off or a limit of 2 to 255 characters, "
                                       "not '%s'",
                                       optarg);
            break;
        case 'h':
            return cli_help("reindex");
        default: /* ':' or '?' */
            return cli_option_error("reindex", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("reindex", "unexpected argument '%s'", argv[optind]);
    char *path = dir ? jisr_strdup(dir) : cli_default_tm();
    if (!path)
        return cli_fail("no memory directory: use --tm DIR or set JISR_TM or HOME");
    jisr_tm *tm;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE | JISR_TM_EXISTING;
    o.on_warning = quiet_warning;
    int rc = jisr_tm_open(&tm, path, &o);
    if (rc < 0) {
        free(path);
        return cli_error(rc);
    }
    cli_progress p;
    cli_progress_init(&p);
    jisr_tm_reindex_opts ro = JISR_TM_REINDEX_OPTS_INIT;
    ro.on_progress = on_progress;
    ro.ctx = &p;
    ro.chars = chars;
    ro.chars_max = (unsigned)chars_max;
    double t0 = jisr_now();
    rc = jisr_tm_reindex(tm, &ro);
    cli_progress_done(&p);
    jisr_tm_stats st;
    if (rc == 0)
        rc = jisr_tm_stats_get(tm, &st);
    jisr_tm_close(tm);
    if (rc < 0) {
        cli_error(rc);
        fprintf(stderr, "jisr: %s: the old index is unchanged\n", path);
        free(path);
        return CLI_FAIL;
    }
    if (!quiet)
        fprintf(stderr,
                "%s: %llu %s reindexed with ICU %s, Unicode %s, tokenizer %u, character "
                "search %s%.0d (%.1fs)\n",
                path, (unsigned long long)st.units, jisr_plural(st.units, "unit", "units"),
                st.index_icu, st.index_unicode, st.index_tokenizer, st.chars ? "on, limit " : "off",
                st.chars, jisr_now() - t0);
    jisr_tm_stats_free(&st);
    free(path);
    return CLI_OK;
}
