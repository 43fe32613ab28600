/*
 * cmd_stats.c — `jisr stats`: units, languages, size on disk and index versions of a memory
 * (rendered by the library: tm/textout.c, tm/json.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "text/text.h"

const char cmd_stats_help[] =
    "Usage: jisr stats [OPTIONS]\n"
    "\n"
    "Show the number of units, the languages (variants per language tag), the size on disk and\n"
    "the schema version of a memory, and the ICU, Unicode and tokenizer versions its index was\n"
    "built with (when they are not this jisr's, 'jisr reindex' rebuilds the index).\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "  -j, --json            JSON: "
    "{\"units\":…,\"languages\":{\"ar\":…,\"en\":…},\"disk_bytes\":…,\n"
    "                        \"file_bytes\":…,\"map_bytes\":…,\"index_keys\":…,\"next_id\":…,\n"
    "                        \"schema\":…,\"path\":…,\"index\":{\"icu\":…,\"unicode\":…,\n"
    "                        \"tokenizer\":…,\"stale\":…}}\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  jisr stats --tm ~/tm/un --json\n";

int cmd_stats(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            return cli_help("stats");
        default: /* ':' or '?' */
            return cli_option_error("stats", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
    char *path = dir ? jisr_strdup(dir) : cli_default_tm();
    jisr_tm *tm;
    int rc = cli_open_tm(path, 0, &tm);
    if (rc != CLI_OK) {
        free(path);
        return rc;
    }
    jisr_tm_stats st;
    rc = jisr_tm_stats_get(tm, &st);
    jisr_tm_close(tm);
    if (rc < 0) {
        free(path);
        return cli_error(rc);
    }
    for (size_t i = 0; i < st.nlangs; i++)
        jisr_lang_case(st.langs[i].lang); /* the memory keeps them lower */
    jisr_buf out = {0};
    rc = json ? jisr_tm_stats_json(&out, path, &st) : jisr_tm_stats_text(&out, path, &st);
    if (rc == 0 && json)
        rc = jisr_buf_putc(&out, '\n');
    if (rc == 0)
        fwrite(out.data, 1, out.len, stdout);
    jisr_buf_free(&out);
    jisr_tm_stats_free(&st);
    free(path);
    return rc < 0 ? cli_error(rc) : CLI_OK;
}
