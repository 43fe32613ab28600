/*
 * cmd_stats.c — `jisr stats`: units, languages and size on disk of a memory.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/tm_cli.h"

const char cmd_stats_help[] =
    "Usage: jisr stats [OPTIONS]\n"
    "\n"
    "Show the number of units, the languages (variants per language tag), the size on disk and\n"
    "the schema version of a memory.\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "  -j, --json            JSON: "
    "{\"units\":…,\"languages\":{\"ar\":…,\"en\":…},\"disk_bytes\":…,\n"
    "                        \"file_bytes\":…,\"map_bytes\":…,\"index_keys\":…,\"next_id\":…,\n"
    "                        \"schema\":…,\"path\":…}\n"
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
    while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            return cli_help("stats");
        default:
            return cli_usage_error("stats", "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
    char *path = dir ? jisr_strdup(dir) : cli_default_tm();
    jisr_tm *tm;
    int rc = tm_cli_open(path, 0, &tm);
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
    if (json) {
        json_t *o = json_object(), *l = json_object();
        json_object_set_new(o, "path", json_string(path));
        json_object_set_new(o, "schema", json_integer(st.schema));
        json_object_set_new(o, "units", json_integer((json_int_t)st.units));
        for (size_t i = 0; i < st.nlangs; i++)
            json_object_set_new(l, st.langs[i].lang, json_integer((json_int_t)st.langs[i].units));
        json_object_set_new(o, "languages", l);
        json_object_set_new(o, "disk_bytes", json_integer((json_int_t)st.disk_bytes));
        json_object_set_new(o, "file_bytes", json_integer((json_int_t)st.file_bytes));
        json_object_set_new(o, "map_bytes", json_integer((json_int_t)st.map_bytes));
        json_object_set_new(o, "index_keys", json_integer((json_int_t)st.index_keys));
        json_object_set_new(o, "next_id", json_integer((json_int_t)st.next_id));
        char *s = json_dumps(o, JSON_COMPACT);
        if (s)
            puts(s);
        free(s);
        json_decref(o);
    } else {
        printf("memory:     %s (schema %u)\n", path, st.schema);
        printf("units:      %llu\n", (unsigned long long)st.units);
        printf("languages: ");
        for (size_t i = 0; i < st.nlangs; i++)
            printf(" %s %llu%s", st.langs[i].lang, (unsigned long long)st.langs[i].units,
                   i + 1 < st.nlangs ? "," : "");
        printf("\nsize:       %.1f MiB on disk (data file %.1f MiB, map %.1f MiB)\n",
               st.disk_bytes / 1048576.0, st.file_bytes / 1048576.0, st.map_bytes / 1048576.0);
        printf("index:      %llu posting chunks\n", (unsigned long long)st.index_keys);
    }
    jisr_tm_stats_free(&st);
    free(path);
    return CLI_OK;
}
