/*
 * cmd_delete.c — `jisr delete ID…`: remove units by id, all or nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cmd_delete_help[] =
    "Usage: jisr delete [OPTIONS] ID...\n"
    "\n"
    "Delete units by id (the ids that 'jisr query' and 'jisr concord' print), in one\n"
    "transaction: when one id does not exist nothing is deleted. An id given twice is deleted\n"
    "once. Ids are never reused. An id is a positive integer: anything else (-3 included) is\n"
    "a usage error that deletes nothing.\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "  -q, --quiet           no summary\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  jisr delete --tm ~/tm/un 17 42\n";

static int cmp_id(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int cmd_delete(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    int quiet = 0, c;
    /* "-3" would be read as an option: a negative number is an id, and a wrong one */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--tm") == 0) {
            i++; /* its value */
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
            return cli_usage_error("delete", "'%s' is not a unit id: ids are positive integers",
                                   argv[i]);
    }
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
        case 'h':
            return cli_help("delete");
        default: /* ':' or '?' */
            return cli_option_error("delete", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("delete", "no id given");
    size_t n = (size_t)(argc - optind);
    uint64_t *ids = calloc(n, sizeof *ids);
    if (!ids)
        return cli_fail("%s", jisr_strerror(JISR_ENOMEM));
    for (size_t i = 0; i < n; i++) {
        long v;
        if (cli_number(argv[optind + (int)i], 4294967295L, &v) < 0 || v < 1) {
            free(ids);
            return cli_usage_error("delete",
                                   "'%s' is not a unit id: ids are positive integers (at most "
                                   "4294967295)",
                                   argv[optind + (int)i]);
        }
        ids[i] = (uint64_t)v;
    }
    qsort(ids, n, sizeof *ids, cmp_id);
    size_t distinct = 0; /* an id given twice is deleted once */
    for (size_t i = 0; i < n; i++)
        distinct += i == 0 || ids[i] != ids[i - 1];
    jisr_tm *tm;
    int rc = cli_open_tm(dir, JISR_TM_WRITE | JISR_TM_EXISTING, &tm);
    if (rc != CLI_OK) {
        free(ids);
        return rc;
    }
    rc = jisr_tm_delete(tm, ids, n);
    jisr_tm_close(tm);
    free(ids);
    if (rc < 0)
        return cli_error(rc);
    if (!quiet)
        fprintf(stderr, "%zu unit%s deleted\n", distinct, distinct == 1 ? "" : "s");
    return CLI_OK;
}
