/*
 * bench_tmx.c — TMX reader and writer speed and memory beside xmllint.
 *
 * Builds a TMX of at least --mb MB (default 200) in a temporary directory from ../shared/data
 * (UN dev+test sets read with jisr's Moses reader, Tatoeba with its TSV reader, the vocalised
 * Bible books), the pairs repeated with distinct tuids, written by jisr's writer; a quarter-size
 * file as well. Then each file is read by jisr's reader and by `xmllint --stream --noout` in
 * separate child processes, so wall time, CPU time (user+sys) and peak RSS (wait4's rusage) are
 * each process's own; jisr's reader also in check-only mode (JISR_READ_CHECK_ONLY, the validating
 * pass of an import). Memory is flat when the reader's peak RSS does not grow from the quarter
 * file to the full one. Prints figures and ratios; never passes or fails.
 *
 *   bench_tmx [--mb N] [--shared DIR] [--keep]
 */
/* wait4 (per-child rusage) is a BSD/GNU extension */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "formats/formats.h"

typedef struct pair {
    char *en, *ar;
} pair;

static pair *pairs;
static size_t npairs, cappairs;

static void add_pair(const char *en, const char *ar)
{
    if (!en[0] || !ar[0])
        return;
    /* XML cannot carry C0 controls (one Bible verse has a stray 0x06): leave such pairs out */
    for (const char *s = en; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t')
            return;
    for (const char *s = ar; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t')
            return;
    if (npairs == cappairs) {
        cappairs = cappairs ? cappairs * 2 : 1024;
        pairs = realloc(pairs, cappairs * sizeof *pairs);
        if (!pairs)
            exit(1);
    }
    pairs[npairs].en = strdup(en);
    pairs[npairs].ar = strdup(ar);
    npairs++;
}

/* Pairs through jisr's own readers (Moses, TSV): en is the first variant, ar the second. */
static void load_with_reader(const char *path, jisr_format fmt, const char *src, const char *tgt,
                             const char *path2)
{
    jisr_read_opts o = JISR_READ_OPTS_INIT;
    o.format = fmt;
    o.srclang = src;
    o.tgtlang = tgt;
    o.path2 = path2;
    jisr_reader *r;
    if (jisr_reader_open(&r, path, &o) < 0) {
        fprintf(stderr, "bench_tmx: skipping %s: %s\n", path, jisr_error_last()->msg);
        return;
    }
    jisr_unit u;
    jisr_unit_init(&u);
    while (jisr_reader_next(r, &u) > 0) {
        const jisr_variant *en = jisr_unit_find(&u, "en"), *ar = jisr_unit_find(&u, "ar");
        if (en && ar)
            add_pair(en->text, ar->text);
    }
    jisr_unit_clear(&u);
    jisr_reader_close(r);
}

/* The vocalised Bible: ref TAB Arabic TAB English (KJV) TAB English (WEB). */
static void load_bible(const char *dir)
{
    static const char *books[] = {"Gen",  "Ruth", "Esth", "Ps",  "Jonah",
                                  "Matt", "John", "Acts", "Rom", "Phlm"};
    char path[1024], line[1 << 16];
    for (size_t b = 0; b < sizeof books / sizeof books[0]; b++) {
        snprintf(path, sizeof path, "%s/bible-ar-en/vocalized-svd-kjv/%s.ar-en.tsv", dir, books[b]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            char *ref = strtok(line, "\t"), *ar = strtok(NULL, "\t"), *en = strtok(NULL, "\t");
            if (ref && ar && en && strcmp(ref, "ref") != 0)
                add_pair(en, ar);
        }
        fclose(f);
    }
}

static int write_tmx(const char *path, unsigned rounds, unsigned long *units)
{
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.srclang = "en";
    jisr_writer *w;
    if (jisr_writer_open(&w, path, &wo) < 0)
        return -1;
    jisr_unit u;
    char tuid[64];
    for (unsigned r = 0; r < rounds; r++) {
        for (size_t i = 0; i < npairs; i++) {
            jisr_unit_init(&u);
            snprintf(tuid, sizeof tuid, "%u-%zu", r, i);
            u.tuid = tuid; /* borrowed: not cleared through jisr_unit_clear below */
            u.meta.creationdate = "20240101T000000Z";
            u.meta.usagecount = (long)r;
            jisr_variant v[2] = {{.lang = "en", .text = pairs[i].en, .meta.usagecount = -1},
                                 {.lang = "ar", .text = pairs[i].ar, .meta.usagecount = -1}};
            u.variants = v;
            u.nvariants = 2;
            if (jisr_writer_write(w, &u) < 0) {
                jisr_writer_abort(w);
                return -1;
            }
        }
    }
    *units = jisr_writer_count(w);
    return jisr_writer_close(w);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

typedef struct run_result {
    double secs, cpu;
    long rss_kib;
    int status;
} run_result;

static run_result run_child(char *const argv[])
{
    run_result res = {0, 0, 0, -1};
    fflush(stdout);
    double t0 = jisr_now();
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (pid > 0 && wait4(pid, &st, 0, &ru) == pid) {
        res.secs = jisr_now() - t0;
        res.cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                  (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
        res.rss_kib = ru.ru_maxrss;
        res.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    return res;
}

/* the child mode: read a TMX with jisr's reader, print units and text bytes */
static int read_mode(const char *path, unsigned flags)
{
    jisr_reader *r;
    jisr_read_opts o = JISR_READ_OPTS_INIT;
    o.flags = flags;
    if (jisr_reader_open(&r, path, &o) < 0) {
        char m[2048];
        jisr_error_format(m, sizeof m);
        fprintf(stderr, "%s\n", m);
        return 1;
    }
    jisr_unit u;
    jisr_unit_init(&u);
    unsigned long n = 0, bytes = 0;
    int rc;
    while ((rc = jisr_reader_next(r, &u)) > 0) {
        n++;
        for (size_t i = 0; i < u.nvariants; i++)
            bytes += strlen(u.variants[i].text);
    }
    if (rc < 0) {
        char m[2048];
        jisr_error_format(m, sizeof m);
        fprintf(stderr, "%s\n", m);
    }
    jisr_unit_clear(&u);
    jisr_reader_close(r);
    printf("  (jisr reader child: %lu units, %lu bytes of segment text)\n", n, bytes);
    return rc < 0;
}

static void report(const char *label, const char *path, unsigned long units)
{
    long size = file_size(path);
    char self[4096];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    if (k <= 0)
        return;
    self[k] = '\0';
    char *jargv[] = {self, "--read", (char *)path, NULL};
    char *cargv[] = {self, "--read-check", (char *)path, NULL};
    char *xargv[] = {"xmllint", "--stream", "--noout", (char *)path, NULL};
    run_result j = run_child(jargv);
    run_result c = run_child(cargv);
    run_result x = run_child(xargv);
    double mb = (double)size / 1e6;
    printf("%-8s %8.1f MB %9lu units\n", label, mb, units);
    printf(
        "  jisr reader      %7.2f s (cpu %6.2f s)  %7.1f MB/s  %8.0f units/s  peak RSS %6.1f MiB  "
        "exit %d\n",
        j.secs, j.cpu, mb / j.secs, units / j.secs, j.rss_kib / 1024.0, j.status);
    printf(
        "  jisr check-only  %7.2f s (cpu %6.2f s)  %7.1f MB/s  %8.0f units/s  peak RSS %6.1f MiB  "
        "exit %d\n",
        c.secs, c.cpu, mb / c.secs, units / c.secs, c.rss_kib / 1024.0, c.status);
    printf("  xmllint --stream %7.2f s (cpu %6.2f s)  %7.1f MB/s  %8s          peak RSS %6.1f MiB  "
           "exit %d\n",
           x.secs, x.cpu, mb / x.secs, "", x.rss_kib / 1024.0, x.status);
    printf("  ratio jisr/xmllint: time %.2fx (cpu %.2fx), check-only %.2fx (cpu %.2fx), peak RSS "
           "%.2fx\n",
           j.secs / x.secs, j.cpu / (x.cpu > 0 ? x.cpu : 1), c.secs / x.secs,
           c.cpu / (x.cpu > 0 ? x.cpu : 1),
           (double)j.rss_kib / (double)(x.rss_kib ? x.rss_kib : 1));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    long mb = 200;
    int keep = 0;
    const char *shared = getenv("JISR_SHARED_DATA");
    if (!shared || !*shared)
        shared = "../shared/data";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--read") == 0 && i + 1 < argc)
            return read_mode(argv[i + 1], 0);
        if (strcmp(argv[i], "--read-check") == 0 && i + 1 < argc)
            return read_mode(argv[i + 1], JISR_READ_CHECK_ONLY);
        if (strcmp(argv[i], "--mb") == 0 && i + 1 < argc)
            mb = atol(argv[++i]);
        else if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc)
            shared = argv[++i];
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else {
            fprintf(stderr, "usage: bench_tmx [--mb N] [--shared DIR] [--keep]\n");
            return 2;
        }
    }
    char p1[1024], p2[1024];
    snprintf(p1, sizeof p1, "%s/un-ar-en/UNv1.0.testset.en", shared);
    snprintf(p2, sizeof p2, "%s/un-ar-en/UNv1.0.testset.ar", shared);
    load_with_reader(p1, JISR_FMT_MOSES, "en", "ar", p2);
    snprintf(p1, sizeof p1, "%s/un-ar-en/UNv1.0.devset.en", shared);
    snprintf(p2, sizeof p2, "%s/un-ar-en/UNv1.0.devset.ar", shared);
    load_with_reader(p1, JISR_FMT_MOSES, "en", "ar", p2);
    snprintf(p1, sizeof p1, "%s/tatoeba-ar-en/ara.txt", shared);
    load_with_reader(p1, JISR_FMT_TSV, "en", "ar", NULL);
    load_bible(shared);
    if (npairs == 0) {
        fprintf(stderr, "bench_tmx: no pairs found under %s\n", shared);
        return 1;
    }
    char dir[] = "/tmp/jisr-bench-tmx-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char probe[1100], quarter[1100], full[1100];
    snprintf(probe, sizeof probe, "%s/probe.tmx", dir);
    snprintf(quarter, sizeof quarter, "%s/quarter.tmx", dir);
    snprintf(full, sizeof full, "%s/full.tmx", dir);
    unsigned long units = 0, qunits = 0;
    if (write_tmx(probe, 1, &units) < 0) {
        fprintf(stderr, "bench_tmx: %s\n", jisr_error_last()->msg);
        return 1;
    }
    long round = file_size(probe);
    unsigned rounds = (unsigned)((mb * 1000000L + round - 1) / round);
    unlink(probe);
    printf("pairs from %s: %zu (UN dev+test, Tatoeba, vocalised Bible); %.1f MB per round, "
           "%u rounds\n",
           shared, npairs, round / 1e6, rounds);
    double t0 = jisr_now();
    if (write_tmx(full, rounds, &units) < 0) {
        fprintf(stderr, "bench_tmx: %s\n", jisr_error_last()->msg);
        return 1;
    }
    double tw = jisr_now() - t0;
    printf("jisr writer: %lu units, %.1f MB in %.2f s (%.1f MB/s, %.0f units/s)\n", units,
           file_size(full) / 1e6, tw, file_size(full) / 1e6 / tw, units / tw);
    write_tmx(quarter, rounds / 4 ? rounds / 4 : 1, &qunits);
    report("quarter", quarter, qunits);
    report("full", full, units);
    if (keep)
        printf("kept %s\n", dir);
    else {
        unlink(quarter);
        unlink(full);
        rmdir(dir);
    }
    return 0;
}
