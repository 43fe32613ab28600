/*
 * cmd_query.c — `jisr query`: fuzzy-match each TEXT (or each line of standard input) against a
 * memory and print the best matches, as text with a word diff or as one JSON object per query.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/tm_cli.h"

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
    "  -n, --max N           at most N matches per query (default 5)\n"
    "  -j, --json            one JSON object per query:\n"
    "                        "
    "{\"query\":…,\"matches\":[{\"score\":…,\"source\":…,\"target\":…,\"id\":…},…]}\n"
    "                        (placeable matches add \"placeable\":true and \"stored_target\")\n"
    "      --exhaustive      score every unit instead of the index's candidates (slow; the\n"
    "                        reference the index is tested against)\n"
    "  -h, --help            show this help\n"
    "\n"
    "In text mode each match shows the stored source as a word diff against the query:\n"
    "[-word-] is in the query only, {+word+} in the match only.\n"
    "\n"
    "Examples:\n"
    "  jisr query --tm ~/tm/un -s ar -t en 'الجلسة 7439 المعقودة في 11 أيار/مايو 2015.'\n"
    "  jisr query -s en -t ar --min 50 --json < sentences.txt\n";

static char *plain(const char *s)
{
    jisr_buf b = {0};
    tm_cli_plain(&b, s, strlen(s));
    return b.data;
}

static int print_json(const char *q, const jisr_tm_matches *m)
{
    json_t *o = json_object(), *arr = json_array();
    json_object_set_new(o, "query", json_string(q));
    for (size_t i = 0; i < m->n; i++) {
        const jisr_tm_match *x = &m->v[i];
        char *s = plain(x->source), *t = plain(x->target);
        json_t *j = json_object();
        json_object_set_new(j, "score", json_integer(x->score));
        json_object_set_new(j, "source", json_string(s ? s : ""));
        json_object_set_new(j, "target", json_string(t ? t : ""));
        json_object_set_new(j, "id", json_integer((json_int_t)x->id));
        if (x->placeable) {
            char *o2 = plain(x->target_orig);
            json_object_set_new(j, "placeable", json_true());
            json_object_set_new(j, "stored_target", json_string(o2 ? o2 : ""));
            free(o2);
        }
        json_array_append_new(arr, j);
        free(s);
        free(t);
    }
    json_object_set_new(o, "matches", arr);
    char *out = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!out)
        return -1;
    puts(out);
    free(out);
    return 0;
}

static void print_text(const char *q, const jisr_tm_matches *m, int min)
{
    printf("query: %s\n", q);
    if (m->n == 0)
        printf("  (no match with score >= %d)\n", min);
    for (size_t i = 0; i < m->n; i++) {
        const jisr_tm_match *x = &m->v[i];
        char *d = plain(x->diff), *t = plain(x->target);
        printf("  %3d  #%-8llu %s\n", x->score, (unsigned long long)x->id, d ? d : "");
        printf("                 = %s%s\n", t ? t : "",
               x->placeable ? "   [numbers substituted]" : "");
        free(d);
        free(t);
    }
}

static int run_one(jisr_tm *tm, const char *q, const jisr_tm_query_opts *o, int json)
{
    jisr_tm_matches m;
    int rc = jisr_tm_query(tm, q, o, &m);
    if (rc < 0)
        return cli_error(rc);
    if (json)
        rc = print_json(q, &m);
    else
        print_text(q, &m, o->min_score);
    jisr_tm_matches_free(&m);
    if (rc < 0)
        return cli_fail("cannot format JSON output");
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
            if (tm_cli_number(optarg, 100, &v) < 0)
                return cli_usage_error("query", "--min needs a number from 0 to 100");
            o.min_score = (int)v;
            break;
        case 'n':
            if (tm_cli_number(optarg, 100000, &v) < 0 || v < 1)
                return cli_usage_error("query", "--max needs a positive number");
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
    int rc = tm_cli_open(dir, 0, &tm);
    if (rc != CLI_OK)
        return rc;
    int status = CLI_OK;
    if (optind < argc) {
        for (int i = optind; i < argc && status == CLI_OK; i++)
            status = run_one(tm, argv[i], &o, json);
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while (status == CLI_OK && (n = getline(&line, &cap, stdin)) >= 0) {
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                line[--n] = '\0';
            status = run_one(tm, line, &o, json);
            fflush(stdout);
        }
        free(line);
    }
    jisr_tm_close(tm);
    return status;
}
