/*
 * bench_tm.c — the translation memory at scale, all figures in one run (never pass/fail):
 *   1. builds an ar-en TMX of N distinct units (default 1,000,000) from ../shared/data — the
 *      Bible verses (Smith–Van Dyck/WEB and the vocalized Van Dyck with KJV and WEB), the UN
 *      dev/test sets, Tatoeba and the seed article (corpora/) — plus systematic variations of
 *      them: numbers changed (ASCII or Arabic-Indic digits), words dropped, words swapped,
 *      diacritics added/removed, proclitic و added;
 *   2. imports it (strict: parse into a spill file, prepare and write on three threads) and
 *      reports units/s, the full and check-only parse costs alone, and the size on disk against
 *      the TMX;
 *   3. runs 1,000 queries on one thread (exact, near, far, no-match; ar→en and en→ar) and
 *      reports p50/p99 per kind and overall;
 *   4. re-runs a sample of them with --exhaustive: top-1 agreement and the speed ratio.
 * Usage: bench_tm [UNITS] [WORKDIR] [ORACLE_QUERIES] [reuse]   (env JISR_SHARED_DATA overrides the
 * data; JISR_BENCH_QUERIES=FILE saves the 1,000 queries to replay one under a profiler)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/tm_corpus.h"
#include "formats/formats.h"
#include "tm/tm.h"
#include "tm/tm_int.h" /* the matcher's own dedupe hash, so that N generated = N stored */

static bc_pairs g_bases; /* the base pairs from ../shared/data (tm_corpus.c) */
static uint64_t g_rng = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    return bc_rnd(&g_rng);
}

/* ---- dedupe set (open addressing on the matcher's own normalised-text hashes) ------------ */

static bc_dedupe g_seen; /* the units generated so far */

/* ---- queries ---------------------------------------------------------------------------- */

enum { Q_EXACT, Q_NEAR, Q_FAR, Q_NONE, Q_KINDS };
static const char *kind_name[] = {"exact", "near", "far", "no-match"};

typedef struct query {
    char *text;
    int kind, ar2en;
} query;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double proc_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static off_t file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? st.st_size : 0;
}

int main(int argc, char **argv)
{
    size_t target = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    const char *work = argc > 2 ? argv[2] : "/tmp/jisr-bench-tm";
    size_t noracle = argc > 3 ? strtoul(argv[3], NULL, 10) : 100;
    int reuse = argc > 4 && strcmp(argv[4], "reuse") == 0; /* queries only, on the last memory */
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *sd = getenv("JISR_SHARED_DATA");
    char sdbuf[1024];
    if (!sd) {
        snprintf(sdbuf, sizeof sdbuf, "%s/../shared/data", JISR_SOURCE_DIR);
        sd = sdbuf;
    }
    char tmx[1024], dir[1024], cmd[2100];
    snprintf(tmx, sizeof tmx, "%s/bench.tmx", work);
    snprintf(dir, sizeof dir, "%s/tm", work);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, work);
    if (!reuse && system(cmd) != 0)
        return 1;

    printf("jisr translation-memory benchmark (%zu units)\n\nbase pairs from %s:\n", target, sd);
    bc_load_shared(&g_bases, sd, JISR_SOURCE_DIR);
    printf("  total                 %6zu pairs\n", g_bases.n);
    if (!g_bases.n) {
        printf("no data: set JISR_SHARED_DATA\n");
        return 0;
    }

    jisr_unit u;
    jisr_unit_init(&u);
    size_t written = target;
    jisr_tm *tm;
    if (reuse) {
        printf("\n(reusing the memory in %s: queries only)\n", dir);
        goto queries;
    }
    /* 1. the TMX */
    bc_dedupe_free(&g_seen); /* a new profile's units */
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    wo.srclang = "ar";
    jisr_writer *w;
    double t0 = jisr_now();
    if (jisr_writer_open(&w, tmx, &wo) < 0) {
        printf("cannot write %s: %s\n", tmx, jisr_error_last()->msg);
        return 1;
    }
    written = 0;
    size_t dups = 0;
    unsigned *next_k = calloc(g_bases.n, sizeof *next_k);
    for (unsigned round = 0; written < target && round < 400; round++) {
        for (size_t i = 0; i < g_bases.n && written < target; i++) {
            char *ar, *en;
            if (next_k[i] == 0) {
                ar = strdup(g_bases.v[i].ar);
                en = strdup(g_bases.v[i].en);
            } else {
                bc_variant_synthetic(&g_bases.v[i], next_k[i], &ar, &en);
            }
            next_k[i]++;
            int fresh = bc_dedupe_add(&g_seen, ar, en);
            if (fresh < 0) {
                printf("out of memory\n");
                exit(1);
            }
            if (!fresh) {
                dups++;
            } else {
                jisr_unit_clear(&u);
                jisr_unit_add_variant(&u, "ar", ar, strlen(ar), NULL);
                jisr_unit_add_variant(&u, "en", en, strlen(en), NULL);
                if (jisr_writer_write(w, &u) < 0) {
                    printf("write failed: %s\n", jisr_error_last()->msg);
                    return 1;
                }
                written++;
            }
            free(ar);
            free(en);
        }
    }
    if (jisr_writer_close(w) < 0) {
        printf("write failed: %s\n", jisr_error_last()->msg);
        return 1;
    }
    /* on disk before anything is timed: the kernel writing the fresh 389 MiB back in the
     * background would compete with the import's own commits (their fsync waits behind it) */
    int tfd = open(tmx, O_RDONLY);
    if (tfd >= 0) {
        fsync(tfd);
        close(tfd);
    }
    double tmx_bytes = (double)file_size(tmx);
    printf("\nTMX: %zu units (%zu generated duplicates left out), %.1f MiB, written in %.1f s\n",
           written, dups, tmx_bytes / 1048576.0, jisr_now() - t0);

    /* 2. parse alone, then import */
    jisr_reader *r;
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    double c_p0 = proc_cpu_now();
    t0 = jisr_now();
    size_t parsed = 0;
    if (jisr_reader_open(&r, tmx, &ro) == 0) {
        while (jisr_reader_next(r, &u) == 1)
            parsed++;
        jisr_reader_close(r);
    }
    double t_parse = jisr_now() - t0, c_parse = proc_cpu_now() - c_p0;
    /* the check-only parse alone: what a second, validating parse would cost */
    jisr_read_opts roc = JISR_READ_OPTS_INIT;
    roc.flags |= JISR_READ_CHECK_ONLY;
    c_p0 = proc_cpu_now();
    t0 = jisr_now();
    if (jisr_reader_open(&r, tmx, &roc) == 0) {
        while (jisr_reader_next(r, &u) == 1)
            ;
        jisr_reader_close(r);
    }
    double t_check = jisr_now() - t0, c_check = proc_cpu_now() - c_p0;
    jisr_tm_open_opts oo = JISR_TM_OPEN_OPTS_INIT;
    oo.flags = JISR_TM_WRITE;
    if (jisr_tm_open(&tm, dir, &oo) < 0) {
        printf("open failed: %s\n", jisr_error_last()->msg);
        return 1;
    }
    jisr_tm_file_opts fo;
    memset(&fo, 0, sizeof fo);
    jisr_read_opts ro2 = JISR_READ_OPTS_INIT;
    fo.read = ro2;
    jisr_tm_import_stats ist;
    t0 = jisr_now();
    double c0 = proc_cpu_now();
    if (jisr_tm_import_file(tm, tmx, &fo, &ist) < 0) {
        printf("import failed: %s\n", jisr_error_last()->msg);
        return 1;
    }
    double t_import = jisr_now() - t0, c_import = proc_cpu_now() - c0;
    jisr_tm_close(tm);
    if (jisr_tm_open(&tm, dir, NULL) < 0) {
        printf("open failed: %s\n", jisr_error_last()->msg);
        return 1;
    }
    jisr_tm_stats st;
    jisr_tm_stats_get(tm, &st);
    printf("\nimport (strict; threads: parse into a spill, prepare, write; batches of 200,000):\n");
    printf("  TMX parse alone       %8.2f s  %9.0f units/s   (CPU %.2f s)\n", t_parse,
           parsed / t_parse, c_parse);
    printf("  check-only parse alone %7.2f s  %9.0f units/s   (CPU %.2f s)\n", t_check,
           parsed / t_check, c_check);
    printf("  import                %8.2f s  %9.0f units/s   (target >= 100,000)\n", t_import,
           ist.read / t_import);
    printf("  CPU time of the import %7.2f s (all threads) = %.1f us/unit, %.2f cores busy; "
           "import / full parse = %.2f (wall), %.2f (CPU)\n",
           c_import, c_import * 1e6 / (double)ist.read, c_import / t_import, t_import / t_parse,
           c_import / c_parse);
    printf("  stored                %8llu units (%llu added, %llu merged), %llu batches\n",
           (unsigned long long)st.units, (unsigned long long)ist.added,
           (unsigned long long)ist.merged, (unsigned long long)ist.batches);
    printf("  size on disk          %8.1f MiB  = %.2f x the TMX (%.1f MiB)   (target <= 2)\n",
           st.disk_bytes / 1048576.0, st.disk_bytes / tmx_bytes, tmx_bytes / 1048576.0);
    printf("  index                 %8llu posting chunks\n", (unsigned long long)st.index_keys);
    jisr_tm_stats_free(&st);
    jisr_tm_close(tm);

queries:
    if (jisr_tm_open(&tm, dir, NULL) < 0) {
        printf("open failed: %s\n", jisr_error_last()->msg);
        return 1;
    }
    /* 3. queries */
    enum { NQ = 1000 };
    query qs[NQ];
    size_t nbase_used = g_bases.n < written ? g_bases.n : written;
    for (int i = 0; i < NQ; i++) {
        int kind = i % Q_KINDS, ar2en = (i / Q_KINDS) % 4 != 3; /* 3/4 ar→en */
        const bc_pair *b = &g_bases.v[rnd() % nbase_used];
        const char *src = ar2en ? b->ar : b->en;
        char *text;
        if (kind == Q_EXACT) {
            text = strdup(src);
        } else if (kind == Q_NEAR) { /* an unseen mix: a word dropped and a number added */
            bc_words ws;
            bc_split(&ws, src);
            char *t = bc_join(&ws, ws.n > 3 ? (long)(ws.n / 2) : -1, -1, NULL, 0);
            text = bc_with_number(t, 900000 + (unsigned)(rnd() % 1000), 0);
            free(t);
            free(ws.buf);
        } else if (kind == Q_FAR) { /* halves of two unrelated units */
            const bc_pair *c = &g_bases.v[rnd() % nbase_used];
            const char *s2 = ar2en ? c->ar : c->en;
            jisr_buf bb = {0};
            jisr_buf_append(&bb, src, strlen(src) / 2);
            jisr_buf_putc(&bb, ' ');
            jisr_buf_puts(&bb, s2 + strlen(s2) / 2);
            text = bb.data;
        } else { /* words that occur nowhere */
            jisr_buf bb = {0};
            int nw = 4 + (int)(rnd() % 12);
            for (int k = 0; k < nw; k++) {
                if (k)
                    jisr_buf_putc(&bb, ' ');
                int len = 3 + (int)(rnd() % 5);
                for (int c = 0; c < len; c++) {
                    if (ar2en) {
                        char u2[3] = {(char)0xDA, (char)(0x80 + rnd() % 32), 0}; /* ڀ–ڟ */
                        jisr_buf_puts(&bb, u2);
                    } else {
                        jisr_buf_putc(&bb, (char)('q' + rnd() % 8));
                    }
                }
            }
            text = bb.data;
        }
        qs[i].text = text;
        qs[i].kind = kind;
        qs[i].ar2en = ar2en;
    }
    /* JISR_BENCH_QUERIES=FILE saves the queries (source language TAB kind TAB text), so that a
     * slow one can be replayed alone under a profiler */
    const char *qfile = getenv("JISR_BENCH_QUERIES");
    FILE *qf = qfile ? fopen(qfile, "w") : NULL;
    for (int i = 0; qf && i < NQ; i++)
        fprintf(qf, "%s\t%s\t%s\n", qs[i].ar2en ? "ar" : "en", kind_name[qs[i].kind], qs[i].text);
    if (qf)
        fclose(qf);
    static double lat[NQ], lat_k[Q_KINDS][NQ], lat_sorted[NQ], cpu[NQ], cpu_k[Q_KINDS][NQ];
    size_t nk[Q_KINDS] = {0}, found[Q_KINDS] = {0};
    uint64_t cand = 0;
    uint32_t top_id[NQ];
    int top_score[NQ];
    uint64_t qcand[NQ];
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    jisr_tm_matches m;
    double t_all = 0, mean_idx = 0;
    for (int pass = 0; pass < 2; pass++) {
        memset(nk, 0, sizeof nk);
        memset(found, 0, sizeof found);
        cand = 0;
        t_all = jisr_now();
        for (int i = 0; i < NQ; i++) {
            qo.srclang = qs[i].ar2en ? "ar" : "en";
            qo.tgtlang = qs[i].ar2en ? "en" : "ar";
            double a = jisr_now(), ca = cpu_now();
            if (jisr_tm_query(tm, qs[i].text, &qo, &m) < 0) {
                printf("query failed: %s\n", jisr_error_last()->msg);
                return 1;
            }
            double dt = (jisr_now() - a) * 1000.0;
            cpu[i] = (cpu_now() - ca) * 1000.0;
            cpu_k[qs[i].kind][nk[qs[i].kind]] = cpu[i];
            lat[i] = dt;
            lat_k[qs[i].kind][nk[qs[i].kind]++] = dt;
            found[qs[i].kind] += m.n > 0;
            cand += m.candidates;
            qcand[i] = m.candidates;
            top_id[i] = m.n ? (uint32_t)m.v[0].id : 0;
            top_score[i] = m.n ? m.v[0].score : -1;
            jisr_tm_matches_free(&m);
        }
        t_all = jisr_now() - t_all;
        printf("\nqueries, %s (1 thread, --min 70 -n 5, 3/4 ar->en, 1/4 en->ar):\n",
               pass ? "warm: the same 1,000 again" : "cold: first touch of the memory's pages");
        printf("  wall-clock time (includes being descheduled on a shared machine) | thread CPU "
               "time\n");
        printf("  %-9s %6s %9s %9s %9s | %9s %9s %9s %10s\n", "kind", "count", "p50 ms", "p99 ms",
               "max ms", "p50 ms", "p99 ms", "max ms", "with match");
        for (int k = 0; k < Q_KINDS; k++) {
            double mx = pct(lat_k[k], nk[k], 1.0);
            printf("  %-9s %6zu %9.3f %9.3f %9.3f | %9.3f %9.3f %9.3f %10zu\n", kind_name[k], nk[k],
                   pct(lat_k[k], nk[k], 0.5), pct(lat_k[k], nk[k], 0.99), mx,
                   pct(cpu_k[k], nk[k], 0.5), pct(cpu_k[k], nk[k], 0.99), pct(cpu_k[k], nk[k], 1.0),
                   found[k]);
        }
        mean_idx = t_all * 1000.0 / NQ;
        memcpy(lat_sorted, lat, sizeof lat);
        printf("  %-9s %6d %9.3f %9.3f %9.3f |", "all", NQ, pct(lat_sorted, NQ, 0.5),
               pct(lat_sorted, NQ, 0.99), pct(lat_sorted, NQ, 1.0));
        memcpy(lat_sorted, cpu, sizeof cpu);
        printf(" %9.3f %9.3f %9.3f   (targets: p50 <= 1 ms, p99 <= 10 ms)\n",
               pct(lat_sorted, NQ, 0.5), pct(lat_sorted, NQ, 0.99), pct(lat_sorted, NQ, 1.0));
        printf("  mean %.3f ms/query, %.0f units scored exactly per query\n", mean_idx,
               (double)cand / NQ);
        printf("  slowest:\n");
        enum { NSLOW = 10 };
        int slow[NSLOW];
        for (int k = 0; k < NSLOW; k++)
            slow[k] = -1;
        for (int i = 0; i < NQ; i++)
            for (int k = 0; k < NSLOW; k++)
                if (slow[k] < 0 || lat[i] > lat[slow[k]]) {
                    memmove(&slow[k + 1], &slow[k], (size_t)(NSLOW - 1 - k) * sizeof slow[0]);
                    slow[k] = i;
                    break;
                }
        for (int k = 0; k < NSLOW; k++)
            if (slow[k] >= 0)
                printf("    %8.2f ms (cpu %6.2f)  %-8s %s  %6llu scored  %.50s\n", lat[slow[k]],
                       cpu[slow[k]], kind_name[qs[slow[k]].kind],
                       qs[slow[k]].ar2en ? "ar>en" : "en>ar", (unsigned long long)qcand[slow[k]],
                       qs[slow[k]].text);
    }

    /* 4. oracle */
    if (noracle > NQ)
        noracle = NQ;
    size_t agree = 0, same_id = 0;
    double t_ex = 0, t_ix = 0;
    qo.flags = JISR_TM_EXHAUSTIVE;
    for (size_t s = 0; s < noracle; s++) {
        size_t i = s * NQ / noracle;
        qo.srclang = qs[i].ar2en ? "ar" : "en";
        qo.tgtlang = qs[i].ar2en ? "en" : "ar";
        double a = jisr_now();
        if (jisr_tm_query(tm, qs[i].text, &qo, &m) < 0) {
            printf("query failed: %s\n", jisr_error_last()->msg);
            return 1;
        }
        t_ex += jisr_now() - a;
        t_ix += lat[i] / 1000.0;
        uint32_t id = m.n ? (uint32_t)m.v[0].id : 0;
        int sc = m.n ? m.v[0].score : -1;
        same_id += id == top_id[i];
        agree += id == top_id[i] || sc == top_score[i]; /* a tie of equal scores also agrees */
        jisr_tm_matches_free(&m);
    }
    if (noracle) {
        printf("\n--exhaustive on %zu of the queries (every %zuth):\n", noracle, NQ / noracle);
        printf("  top-1 agreement       %5.1f %% (%zu/%zu; same id %zu)   (target >= 99 %%)\n",
               100.0 * agree / noracle, agree, noracle, same_id);
        printf("  exhaustive            %8.1f ms/query\n", t_ex * 1000.0 / noracle);
        printf("  indexed               %8.3f ms/query (same queries)\n", t_ix * 1000.0 / noracle);
        printf("  speed ratio           %8.0f x faster with the index\n", t_ex / t_ix);
    }
    jisr_tm_close(tm);
    for (int i = 0; i < NQ; i++)
        free(qs[i].text);
    printf("\nmemory kept in %s (remove it when done)\n", dir);
    return 0;
}
