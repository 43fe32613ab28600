/*
 * bench_serve_inproc.c — the in-process side of bench/bench_serve.py: the same tmserver queries
 * (min 75, at most 5 matches) through jisr_tm_query directly, for SECONDS, on THREADS threads
 * over one memory handle, so that the HTTP figures can be read against the cost of the queries
 * themselves. Prints one JSON line: {"threads","queries","seconds","rps","p50_ms","p99_ms",
 * "cpu_us"} (cpu_us: CPU time of the process per query, which a busy machine does not inflate).
 * Usage: bench_serve_inproc DIR QUERIES.tsv SECONDS [THREADS]
 *        (QUERIES.tsv: "source language TAB kind TAB text" lines, as bench_tm writes them)
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
static int g_serial; /* the handle does not take concurrent queries: one at a time */

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
    while (jisr_now() < g_until) {
        q *x = &g_q[i++ % g_nq];
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

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_serve_inproc DIR QUERIES.tsv SECONDS [THREADS]\n");
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
    if (!g_nq || jisr_tm_open(&g_tm, argv[1], NULL) < 0) {
        fprintf(stderr, "no queries, or cannot open %s: %s\n", argv[1], jisr_error_last()->msg);
        return 1;
    }
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
