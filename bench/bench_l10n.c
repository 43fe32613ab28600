/*
 * bench_l10n.c — the query side of the localisation evaluation (bench/eval_l10n/eval_l10n.py):
 * reads one query per line on standard input (TSV-escaped: \\ \t \n \r), asks the memory for
 * its best matches through the library, and writes one line per query:
 *
 *     INDEX TAB SCORE TAB ID TAB TARGET TAB SOURCE TAB MICROSECONDS TAB FLAGS
 *
 * (SCORE -1 and empty fields when nothing reaches --min; TARGET and SOURCE TSV-escaped; FLAGS
 * a comma-separated list: placeable, agreement, tags). With -n N > 1 every match gets a line.
 * A C driver rather than `jisr query`, because localisation strings contain line breaks and
 * tabs, and the per-query time is wanted without process start-up.
 *
 * Usage: bench_l10n MEMDIR SRCLANG TGTLANG MIN N [exhaustive]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/tm.h"

static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *o++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
}

static void put_field(const char *s)
{
    jisr_buf b = {0};
    jisr_tsv_escape(&b, s, strlen(s));
    fputs(b.data ? b.data : "", stdout);
    jisr_buf_free(&b);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bench_l10n MEMDIR SRCLANG TGTLANG MIN N [exhaustive]\n");
        return 2;
    }
    jisr_tm *tm;
    if (jisr_tm_open(&tm, argv[1], NULL) < 0) {
        fprintf(stderr, "bench_l10n: %s: %s\n", argv[1], jisr_error_last()->msg);
        return 1;
    }
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = argv[2];
    qo.tgtlang = argv[3];
    qo.min_score = atoi(argv[4]);
    qo.max_results = (size_t)atoi(argv[5]);
    if (argc > 6 && strcmp(argv[6], "exhaustive") == 0)
        qo.flags |= JISR_TM_EXHAUSTIVE;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long idx = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        unescape(line);
        jisr_tm_matches m;
        double t0 = jisr_now();
        if (jisr_tm_query(tm, line, &qo, &m) < 0) {
            fprintf(stderr, "bench_l10n: query %lu: %s\n", idx, jisr_error_last()->msg);
            return 1;
        }
        double us = (jisr_now() - t0) * 1e6;
        if (getenv("JISR_BENCH_CAND"))
            fprintf(stderr, "candidates %llu, %.0f us\n", (unsigned long long)m.candidates, us);
        if (m.n == 0)
            printf("%lu\t-1\t\t\t\t%.0f\t\n", idx, us);
        for (size_t i = 0; i < m.n; i++) {
            printf("%lu\t%d\t%llu\t", idx, m.v[i].score, (unsigned long long)m.v[i].id);
            put_field(m.v[i].target);
            putchar('\t');
            put_field(m.v[i].source);
            printf("\t%.0f\t%s\n", us, m.v[i].placeable ? "placeable" : "");
        }
        jisr_tm_matches_free(&m);
        idx++;
    }
    free(line);
    jisr_tm_close(tm);
    return 0;
}
