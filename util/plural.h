/*
 * plural.h — the number of an English word that follows a count in a human message: "1 unit",
 * "2 units", "0 units". Header only and never installed (like utf8.h): the command-line
 * summaries and progress lines (cli/), the server's log lines and error messages (serve/) and
 * corpus/ share it. Machine-readable output (JSON, TSV, --json) never goes through it.
 */
#ifndef JISR_PLURAL_H
#define JISR_PLURAL_H

/** one when n is 1, else many (0 takes the plural, as English does):
 * `fprintf(stderr, "%llu %s read", n, jisr_plural(n, "unit", "units"))`. Both words are given
 * whole, so that irregular plurals come out right ("entry"/"entries", "batch"/"batches",
 * "query"/"queries", "memory"/"memories"), and a verb can agree too ("was"/"were"). */
static inline const char *jisr_plural(unsigned long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

#endif
