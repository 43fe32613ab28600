/*
 * cmd_query.c — `jisr query`: fuzzy-match each TEXT (or each line of standard input) against a
 * memory and print the best matches, as text with a word diff or as one JSON object per query
 * (both rendered by the library: tm/textout.c, tm/json.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cmd_query_help[] =
    "Usage: jisr query [OPTIONS] -s LANG -t LANG [TEXT...]\n"
    "\n"
    "Find the stored translations of sentences like TEXT (one query per argument, or one per\n"
    "line of standard input when there is none). The same memory answers both directions.\n"
    "\n"
    "Score 0-100: token-level edit-distance similarity on normalised words; differences only in\n"
    "diacritics, case, alef/ya/ta-marbuta forms, clitics (wa-, fa-, bi-, li-, ka-, al-),\n"
    "numbers, punctuation or inline tags cost little; 100 means identical. When a match differs\n"
    "from the query only in numbers, the query's numbers are put into the proposed translation\n"
    "(in the digit system the translation uses) and the match is marked 'placeable'.\n"
    "See docs/matching.md.\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "  -s, --source LANG     language of the queries (e.g. ar)\n"
    "  -t, --target LANG     language of the translations (e.g. en)\n"
    "  -m, --min N           lowest score shown (default 70)\n"
    "  -n, --max N           at most N matches per query (default 5, at most 100000)\n"
    "  -j, --json            one JSON object per query:\n"
    "                        "
    "{\"query\":…,\"matches\":[{\"score\":…,\"source\":…,\"target\":…,\"id\":…},…]}\n"
    "                        (placeable matches add \"placeable\":true and \"stored_target\";\n"
    "                        text that is not valid UTF-8 is shown with U+FFFD)\n"
    "      --exhaustive      score every unit instead of the index's candidates (slow; the\n"
    "                        reference the index is tested against)\n"
    "  -h, --help            show this help\n"
    "\n"
    "In text mode each match shows the stored source as a word diff against the query:\n"
    "[-word-] is in the query only, {+word+} in the match only.\n"
    "\n"
    "A query of more than 100000 tokens (words, numbers, punctuation) is refused; memory\n"
    "grows with the lengths of the query and of the stored texts, never with their product.\n"
    "\n"
    "Examples:\n"
    "  jisr query --tm ~/tm/un -s ar -t en 'الجلسة 7439 المعقودة في 11 أيار/مايو 2015.'\n"
    "  jisr query -s en -t ar --min 50 --json < sentences.txt\n";

static int run_one(jisr_tm *tm, const char *q, const jisr_tm_query_opts *o, int json, jisr_buf *out)
{
    jisr_tm_matches m;
    int rc = jisr_tm_query(tm, q, o, &m);
    if (rc < 0)
        return cli_error(rc);
    jisr_buf_reset(out);
    rc = json ? jisr_tm_matches_json(out, q, &m) : jisr_tm_matches_text(out, q, &m, o->min_score);
    if (rc == 0 && json)
        rc = jisr_buf_putc(out, '\n');
    jisr_tm_matches_free(&m);
    if (rc < 0)
        return cli_error(rc);
    fwrite(out->data, 1, out->len, stdout);
    return CLI_OK;
}

int cmd_query(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"source", required_argument, NULL, 's'},
                                             {"target", required_argument, NULL, 't'},
                                             {"min", required_argument, NULL, 'm'},
                                             {"max", required_argument, NULL, 'n'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"exhaustive", no_argument, NULL, 'E'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    const char *dir = NULL;
    int json = 0, c;
    long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:t:m:n:jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 's':
            o.srclang = optarg;
            break;
        case 't':
            o.tgtlang = optarg;
            break;
        case 'm':
            if (cli_number(optarg, 100, &v) < 0)
                return cli_usage_error("query", "--min needs a number from 0 to 100");
            o.min_score = (int)v;
            break;
        case 'n':
            if (cli_number(optarg, JISR_TM_MAX_RESULTS, &v) < 0 || v < 1)
                return cli_usage_error("query", "--max needs a number from 1 to %d",
                                       JISR_TM_MAX_RESULTS);
            o.max_results = (size_t)v;
            break;
        case 'j':
            json = 1;
            break;
        case 'E':
            o.flags |= JISR_TM_EXHAUSTIVE;
            break;
        case 'h':
            return cli_help("query");
        default:
            return cli_usage_error("query", "unknown option");
        }
    }
    if (!o.srclang || !o.tgtlang)
        return cli_usage_error("query", "both -s LANG and -t LANG are needed");
    jisr_tm *tm;
    int rc = cli_open_tm(dir, 0, &tm);
    if (rc != CLI_OK)
        return rc;
    int status = CLI_OK;
    jisr_buf out = {0};
    if (optind < argc) {
        for (int i = optind; i < argc && status == CLI_OK; i++)
            status = run_one(tm, argv[i], &o, json, &out);
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while (status == CLI_OK && (n = getline(&line, &cap, stdin)) >= 0) {
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                line[--n] = '\0';
            status = run_one(tm, line, &o, json, &out);
            fflush(stdout);
        }
        free(line);
    }
    jisr_buf_free(&out);
    jisr_tm_close(tm);
    return status;
}
