/*
 * cmd_delete.c — `jisr delete ID…`: remove units by id, all or nothing; or `jisr delete` with
 * filters (--prop, --changed-since, --changed-before, -s/-t, as export's): every unit that
 * passes them all, collected from one snapshot of the memory and deleted in one transaction.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/plural.h"

const char cmd_delete_help[] =
    "Usage: jisr delete [OPTIONS] ID...\n"
    "       jisr delete [OPTIONS] FILTER... [--all]\n"
    "\n"
    "Delete units by id (the ids that 'jisr query' and 'jisr concord' print), in one\n"
    "transaction: when one id does not exist nothing is deleted. An id given twice is deleted\n"
    "once. Ids are never reused. An id is a positive integer: anything else (-3 included) is\n"
    "a usage error that deletes nothing.\n"
    "\n"
    "With filters instead of ids, delete every unit that passes them all (the units 'jisr\n"
    "export' writes with the same filters), in one transaction: all or nothing, an interrupted\n"
    "delete leaves the memory as it was. Filters and ids do not mix. Filters that match every\n"
    "unit of the memory need --all (a typo in a filter does not empty a memory); filters that\n"
    "match none delete nothing (exit 0). Each unit found is tested again as it is deleted:\n"
    "one that another writer (an import, a server) changed meanwhile so that it no longer\n"
    "passes is left, and said. A unit into which identical units were merged carries the\n"
    "props of each (one sentence imported for two clients has both client props): a filter\n"
    "on either takes it; -n -v lists what would go. A deleted unit's space is reused by\n"
    "later imports; the file does not shrink (LMDB's mdb_copy -c DIR NEWDIR copies the\n"
    "memory compacted, while nothing writes to it).\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "      --prop TYPE=VALUE units with this prop (of the <tu>; repeat: values of one type are\n"
    "                        alternatives, different types must all match)\n"
    "      --changed-since DATE\n"
    "                        units changed (never changed: created) on or after DATE\n"
    "                        (YYYY-MM-DD, its first second, or YYYYMMDDThhmmssZ)\n"
    "      --changed-before DATE\n"
    "                        units changed (or created) before DATE, strictly; a unit without\n"
    "                        dates passes neither date filter\n"
    "  -s, --source LANG     units with a LANG variant (BCP 47: 'en' takes en-US, en-GB)\n"
    "  -t, --target LANG     with -s: units with a variant of each (as 'jisr export -s -t')\n"
    "      --all             delete even when the filters match every unit; alone, without\n"
    "                        filters: every unit\n"
    "  -n, --dry-run         say how many units would be deleted, delete nothing\n"
    "  -v, --verbose         list the ids deleted (with -n: that would be), one a line, on\n"
    "                        standard output\n"
    "  -q, --quiet           no summary\n"
    "  -h, --help            show this help\n"
    "\n"
    "Examples:\n"
    "  jisr delete --tm ~/tm/un 17 42\n"
    "  jisr delete --tm ~/tm/un --prop client=acme -n -v    (which units, deleting none)\n"
    "  jisr delete --tm ~/tm/un --changed-before 2015-01-01\n";

static int cmp_id(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct selector {
    const cli_filter *flt;
    const char *src, *tgt;
    const uint64_t *ids; /* with went: the ids found (sorted), and whether each went */
    size_t n;
    unsigned char *went;
} selector;

/* Does unit u pass the filters and -s/-t? 1, 0 or an error. */
static int selected(void *ctx, uint64_t id, jisr_unit *u)
{
    const selector *sel = ctx;
    int keep = cli_filter_any(sel->flt) ? jisr_tm_unit_filter_match(&sel->flt->f, u) : 1;
    if (keep > 0 && sel->src)
        keep = sel->tgt ? jisr_unit_keep_pair(u, sel->src, sel->tgt)
                        : jisr_unit_find(u, sel->src) != NULL;
    if (keep >= 0 && sel->went) { /* a transaction run again marks the same */
        const uint64_t *at = bsearch(&id, sel->ids, sel->n, sizeof id, cmp_id);
        if (at)
            sel->went[at - sel->ids] = keep > 0;
    }
    return keep;
}

/* The ids of the units that pass the filters (and -s/-t), from one snapshot, appended to *ids
 * (*n of them; *total: the units read). A unit whose record cannot be read stops it (CLI_FAIL,
 * said): the filters cannot be tested on it, and nothing is deleted. */
static int collect(jisr_tm *tm, const cli_filter *flt, const char *src, const char *tgt,
                   uint64_t **ids, size_t *n, size_t *total)
{
    jisr_tm_iter *it = NULL;
    jisr_unit u;
    jisr_unit_init(&u);
    size_t cap = 0;
    int status = CLI_OK, rc = jisr_tm_iter_open(tm, &it);
    if (rc < 0)
        status = cli_error(rc);
    while (status == CLI_OK) {
        uint64_t id = 0;
        rc = jisr_tm_iter_next(it, &id, &u);
        if (rc == 0)
            break;
        if (rc < 0 && id) {
            char e[1900];
            jisr_error_format(e, sizeof e);
            fprintf(stderr, "jisr: unit %llu: %s\n", (unsigned long long)id, e);
            status = cli_fail("the filters cannot be tested on unit %llu: nothing deleted "
                              "(delete it by id)",
                              (unsigned long long)id);
            break;
        }
        if (rc < 0) {
            status = cli_error(rc);
            break;
        }
        ++*total;
        selector sel = {flt, src, tgt, NULL, 0, NULL};
        int keep = selected(&sel, id, &u);
        if (keep < 0) {
            status = cli_error(keep);
            break;
        }
        if (!keep)
            continue;
        if (*n == cap) { /* 8 bytes an id (doubling) */
            size_t nc = cap ? cap * 2 : 1024;
            uint64_t *p = realloc(*ids, nc * sizeof *p);
            if (!p) {
                status = cli_fail("%s", jisr_strerror(JISR_ENOMEM));
                break;
            }
            *ids = p;
            cap = nc;
        }
        (*ids)[(*n)++] = id;
    }
    jisr_unit_clear(&u);
    jisr_tm_iter_close(it); /* before the write transaction */
    return status;
}

int cmd_delete(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"prop", required_argument, NULL, 'P'},
                                             {"changed-since", required_argument, NULL, 'C'},
                                             {"changed-before", required_argument, NULL, 'B'},
                                             {"source", required_argument, NULL, 's'},
                                             {"target", required_argument, NULL, 't'},
                                             {"all", no_argument, NULL, 'A'},
                                             {"dry-run", no_argument, NULL, 'n'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    static const char *const valued[] = {
        "--tm",     "--prop", "--changed-since", "--changed-before", "-s", "--source", "-t",
        "--target", NULL};
    const char *dir = NULL, *src = NULL, *tgt = NULL;
    int quiet = 0, all = 0, dry = 0, verbose = 0, c;
    cli_filter flt; /* --prop, --changed-since, --changed-before (cli/filter_opts.c) */
    cli_filter_init(&flt);
    /* "-3" would be read as an option: a negative number is an id, and a wrong one */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        int value = 0;
        for (size_t k = 0; valued[k] && !value; k++)
            value = strcmp(argv[i], valued[k]) == 0;
        if (value) {
            i++; /* its value */
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
            return cli_usage_error("delete", "'%s' is not a unit id: ids are positive integers",
                                   argv[i]);
    }
    optind = 1;
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":s:t:nvqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 'P':
        case 'C':
        case 'B':
            if (cli_filter_option("delete", &flt, c, optarg) != CLI_OK)
                return CLI_USAGE;
            break;
        case 's':
            src = optarg;
            break;
        case 't':
            tgt = optarg;
            break;
        case 'A':
            all = 1;
            break;
        case 'n':
            dry = 1;
            break;
        case 'v':
            verbose = 1;
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
    int filters = cli_filter_any(&flt) || src;
    if (tgt && !src)
        return cli_usage_error("delete", "-t needs -s");
    if ((c = cli_lang_pair_option("delete", src, tgt)) != CLI_OK)
        return c;
    if (optind < argc && (filters || all))
        return cli_usage_error("delete",
                               "ids and filters (%s) do not mix: give ids, or filters without ids",
                               flt.f.nprops ? "--prop"
                               : flt.since  ? "--changed-since"
                               : flt.before ? "--changed-before"
                               : src        ? "-s"
                                            : "--all");
    if (optind >= argc && !filters && !all)
        return cli_usage_error("delete", "no id given (or filters: --prop, --changed-since, "
                                         "--changed-before, -s)");
    uint64_t *ids = NULL;
    size_t n = 0, distinct = 0, total = 0;
    if (optind < argc) {
        n = (size_t)(argc - optind);
        ids = calloc(n, sizeof *ids);
        if (!ids)
            return cli_fail("%s", jisr_strerror(JISR_ENOMEM));
        for (size_t i = 0; i < n; i++) {
            long v;
            if (cli_number(argv[optind + (int)i], 4294967295L, &v) < 0 || v < 1) {
                free(ids);
                return cli_usage_error("delete",
                                       "'%s' is not a unit id: ids are positive integers (at "
                                       "most 4294967295)",
                                       argv[optind + (int)i]);
            }
            ids[i] = (uint64_t)v;
        }
    }
    jisr_tm *tm;
    /* Ctrl-C before the commit: the transaction is dropped, and that is said */
    if (!dry)
        cli_signal_message("jisr: interrupted: nothing deleted (the delete is one transaction)\n");
    int rc = cli_open_tm(dir, dry ? 0 : JISR_TM_WRITE | JISR_TM_EXISTING, &tm);
    if (rc != CLI_OK) {
        cli_signal_message(NULL);
        free(ids);
        return rc;
    }

    int by_filter = optind >= argc;
    if (by_filter && (rc = collect(tm, &flt, src, tgt, &ids, &n, &total)) != CLI_OK)
        goto done;
    if (n) /* ids is NULL when the filters matched nothing */
        qsort(ids, n, sizeof *ids, cmp_id);
    for (size_t i = 0; i < n; i++) /* an id given twice is deleted once */
        if (i == 0 || ids[i] != ids[i - 1])
            ids[distinct++] = ids[i];
    /* every unit: only when asked for (--all), so that a typo cannot empty the memory */
    int every = by_filter && filters && distinct == total && total > 0;
    if (every && !all && !dry) {
        rc = cli_usage_error("delete",
                             "the filters match every unit of the memory (%zu): nothing deleted; "
                             "give --all to delete them all",
                             total);
        goto done;
    }
    /* a signal during the delete's commit: the library ends the commit first, so it is done */
    if (!dry)
        cli_signal_commit_message("jisr: interrupted while the delete was being committed: it is "
                                  "committed (the units are deleted)\n");
    if (dry) {
        jisr_unit u;
        jisr_unit_init(&u);
        for (size_t i = 0; i < distinct && !by_filter && rc == CLI_OK; i++) /* they exist */
            if ((c = jisr_tm_get(tm, ids[i], &u)) < 0)
                rc = c == JISR_ENOTFOUND
                         ? cli_fail("no unit with id %llu (nothing would be deleted)",
                                    (unsigned long long)ids[i])
                         : cli_error(c);
        jisr_unit_clear(&u);
        if (rc != CLI_OK)
            goto done;
    } else if (distinct && !by_filter && (c = jisr_tm_delete(tm, ids, distinct)) < 0) {
        rc = cli_error(c);
        goto done;
    } else if (distinct && by_filter) {
        /* the units found are read again in the delete's transaction: one another writer
         * changed since (an import merged a duplicate into it: new dates, props) goes only if
         * it still passes, and one deleted since is passed over */
        unsigned char *went = calloc(distinct, 1);
        if (!went) {
            rc = cli_fail("%s", jisr_strerror(JISR_ENOMEM));
            goto done;
        }
        selector sel = {&flt, src, tgt, ids, distinct, went};
        size_t gone = 0, k = 0;
        c = jisr_tm_delete_if(tm, ids, distinct, selected, &sel, &gone);
        for (size_t i = 0; c >= 0 && i < distinct; i++) /* -v lists what went */
            if (went[i])
                ids[k++] = ids[i];
        free(went);
        if (c < 0) {
            rc = cli_error(c);
            goto done;
        }
        if (gone != distinct && !quiet)
            fprintf(stderr,
                    "jisr: %zu of the units found %s changed or deleted by another writer "
                    "before the delete and no longer %s the filters: not deleted\n",
                    distinct - gone, jisr_plural(distinct - gone, "was", "were"),
                    jisr_plural(distinct - gone, "passes", "pass"));
        distinct = gone;
    }
    cli_signal_message(NULL); /* committed (or nothing to commit) */
    cli_signal_commit_message(NULL);
    for (size_t i = 0; verbose && i < distinct; i++)
        printf("%llu\n", (unsigned long long)ids[i]);
    if (!quiet && dry)
        fprintf(stderr, "%zu %s would be deleted (dry run: none deleted)%s\n", distinct,
                jisr_plural(distinct, "unit", "units"),
                every && !all ? "; every unit of the memory: the delete needs --all" : "");
    else if (!quiet)
        fprintf(stderr, "%zu %s deleted\n", distinct, jisr_plural(distinct, "unit", "units"));
done:
    cli_signal_message(NULL);
    cli_signal_commit_message(NULL);
    jisr_tm_close(tm);
    free(ids);
    return rc;
}
