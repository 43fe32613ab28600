/*
 * bench_serve_inproc.c — the in-process side of bench/bench_serve.py: the same tmserver queries
 * (min 75, at most 5 matches) through jisr_tm_query directly, for SECONDS, on THREADS threads
 * over one memory handle, so that the HTTP figures can be read against the cost of the queries
 * themselves. Prints one JSON line: {"threads","queries","seconds","rps","p50_ms","p99_ms",
 * "cpu_us"} (cpu_us: CPU time of the process per query, which a busy machine does not inflate).
 * Usage: bench_serve_inproc [-n ROUNDS] DIR QUERIES.tsv SECONDS [THREADS]
 *        (QUERIES.tsv: "source language TAB kind TAB text" lines, as bench_tm writes them)
 *   -n ROUNDS  a fixed amount of work instead of SECONDS: every query ROUNDS times (the threads
 *              share the rounds' queries), for instruction counts (callgrind) and CPU A/B runs
 *              that do the same work whatever the machine's load; 0: no timed run at all.
 *   The memory is opened with JISR_TM_SNAPSHOT, as jisr serve opens it (JISR_TM_SNAP=0: without).
 *   JISR_BENCH_DUMP=1  before the timed run, every query once on one thread, its answers printed
 *              to stdout (query number, candidates scored, then each match's id, score,
 *              similarity, character similarity, source and target), so that the answers of two
 *              builds can be compared byte for byte; the JSON line comes last.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tm/tm.h"

typedef struct q {
    char sl[8], tl[8];
    char *text;
} q;

static q *g_q;
static size_t g_nq;
static jisr_tm *g_tm;
static double g_until;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_serial;       /* the handle does not take concurrent queries: one at a time */
static long g_rounds = -1; /* -n: every query this many times (the threads share them); -1: timed */
static size_t g_next;      /* -n: the next query to run, of g_rounds × g_nq */

typedef struct worker {
    pthread_t th;
    size_t start, n;
    double *lat;
    size_t cap;
    int err;
} worker;

static void *run(void *arg)
{
    worker *w = arg;
    size_t i = w->start;
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.min_score = 75;
    o.max_results = 5;
    o.flags = JISR_TM_NO_DIFF; /* as the server's tmserver route asks: the same work */
    for (;;) {
        q *x;
        if (g_rounds >= 0) {
            size_t k = __atomic_fetch_add(&g_next, 1, __ATOMIC_RELAXED);
            if (k >= (size_t)g_rounds * g_nq)
                break;
            x = &g_q[k % g_nq];
        } else {
            if (jisr_now() >= g_until)
                break;
            x = &g_q[i++ % g_nq];
        }
        o.srclang = x->sl;
        o.tgtlang = x->tl;
        jisr_tm_matches m;
        double t0 = jisr_now();
        if (g_serial)
            pthread_mutex_lock(&g_mu);
        int rc = jisr_tm_query(g_tm, x->text, &o, &m);
        if (g_serial)
            pthread_mutex_unlock(&g_mu);
        double dt = jisr_now() - t0;
        if (rc < 0) {
            w->err = rc;
            break;
        }
        jisr_tm_matches_free(&m);
        if (w->n == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 65536;
            w->lat = realloc(w->lat, w->cap * sizeof *w->lat);
        }
        w->lat[w->n++] = dt;
    }
    return NULL;
}

/* JISR_BENCH_DUMP: every query's answers, in order, on one thread */
static int dump(void)
{
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.min_score = 75;
    o.max_results = 5;
    o.flags = JISR_TM_NO_DIFF;
    for (size_t i = 0; i < g_nq; i++) {
        q *x = &g_q[i];
        o.srclang = x->sl;
        o.tgtlang = x->tl;
        jisr_tm_matches m;
        int rc = jisr_tm_query(g_tm, x->text, &o, &m);
        if (rc < 0) {
            printf("Q\t%zu\terror %d: %s\n", i, rc, jisr_error_last()->msg);
            continue;
        }
        printf("Q\t%zu\t%zu matches\t%llu candidates\n", i, m.n, (unsigned long long)m.candidates);
        for (size_t k = 0; k < m.n; k++) {
            const jisr_tm_match *r = &m.v[k];
            printf("M\t%llu\t%d\t%.17g\t%.17g\t%d\t%s\t%s\n", (unsigned long long)r->id, r->score,
                   r->similarity, r->char_similarity, r->penalty, r->source ? r->source : "",
                   r->target ? r->target : "");
        }
        jisr_tm_matches_free(&m);
    }
    return fflush(stdout) == 0 ? 0 : -1;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        char *end;
        g_rounds = strtol(argv[2], &end, 10);
        if (*end || g_rounds < 0) {
            fprintf(stderr, "-n wants a number of rounds, not '%s'\n", argv[2]);
            return 2;
        }
        argc -= 2;
        argv += 2;
    }
    if (argc < 4) {
        fprintf(stderr,
                "usage: bench_serve_inproc [-n ROUNDS] DIR QUERIES.tsv SECONDS [THREADS]\n");
        return 2;
    }
    double secs = atof(argv[3]);
    int nth = argc > 4 ? atoi(argv[4]) : 1;
    g_serial = getenv("JISR_BENCH_SERIAL") != NULL;
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0, qcap = 0;
    ssize_t k;
    while ((k = getline(&line, &cap, f)) > 0) {
        while (k && (line[k - 1] == '\n' || line[k - 1] == '\r'))
            line[--k] = '\0';
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2)
            continue;
        *t1 = '\0';
        if (g_nq == qcap) {
            qcap = qcap ? qcap * 2 : 1024;
            g_q = realloc(g_q, qcap * sizeof *g_q);
        }
        q *x = &g_q[g_nq++];
        snprintf(x->sl, sizeof x->sl, "%s", line);
        snprintf(x->tl, sizeof x->tl, "%s", strcmp(line, "ar") == 0 ? "en" : "ar");
        x->text = strdup(t2 + 1);
    }
    free(line);
    fclose(f);
    jisr_tm_open_opts oo = JISR_TM_OPEN_OPTS_INIT;
    oo.flags = JISR_TM_SNAPSHOT; /* as jisr serve opens it; JISR_TM_SNAP=0 turns it off */
    if (!g_nq || jisr_tm_open(&g_tm, argv[1], &oo) < 0) {
        fprintf(stderr, "no queries, or cannot open %s: %s\n", argv[1], jisr_error_last()->msg);
        return 1;
    }
    jisr_tm_snapshot sn;
    if (jisr_tm_snapshot_info(g_tm, &sn))
        fprintf(stderr, "snapshot directory: %.1f MiB, built in %.0f ms\n",
                (double)sn.bytes / 1048576.0, sn.build_ms);
    const char *dv = getenv("JISR_BENCH_DUMP");
    if (dv && *dv && strcmp(dv, "0") != 0 && dump() < 0) {
        perror("writing the answers");
        return 1;
    }
    if (g_rounds == 0) {
        jisr_tm_close(g_tm);
        return 0;
    }
    if (nth < 1)
        nth = 1;
    worker *w = calloc((size_t)nth, sizeof *w);
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    double t0 = jisr_now();
    g_until = t0 + secs;
    for (int i = 0; i < nth; i++) {
        w[i].start = (size_t)i * g_nq / (size_t)nth;
        pthread_create(&w[i].th, NULL, run, &w[i]);
    }
    size_t total = 0;
    for (int i = 0; i < nth; i++) {
        pthread_join(w[i].th, NULL);
        total += w[i].n;
        if (w[i].err)
            fprintf(stderr, "query failed: %s\n", jisr_error_last()->msg);
    }
    double el = jisr_now() - t0;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
    double *all = malloc((total ? total : 1) * sizeof *all);
    size_t o = 0;
    for (int i = 0; i < nth; i++) {
        memcpy(all + o, w[i].lat, w[i].n * sizeof *all);
        o += w[i].n;
        free(w[i].lat);
    }
    qsort(all, total, sizeof *all, cmp);
    printf("{\"threads\":%d,\"queries\":%zu,\"seconds\":%.2f,\"rps\":%.0f,\"p50_ms\":%.3f,"
           "\"p99_ms\":%.3f,\"cpu_us\":%.1f}\n",
           nth, total, el, total / el, total ? all[total / 2] * 1e3 : 0.0,
           total ? all[(size_t)(0.99 * (double)(total - 1))] * 1e3 : 0.0,
           total ? cpu * 1e6 / (double)total : 0.0);
    free(all);
    free(w);
    jisr_tm_close(g_tm);
    return 0;
}
