/*
 * bench_align.c — accuracy and speed of the sentence aligner on the Bible alignment sets.
 *
 * For each set (default noisy/test and clean/test under $JISR_SHARED_DATA/bible-ar-en/align)
 * and each model (full, length only = Gale–Church, no dictionary) it aligns every document of
 * the list in one batch (one lexicon learnt over all pairs, as `jisr align --batch` does),
 * scores the result against the gold ladders with vecalign's strict/lax F1, and prints the
 * figures side by side with the throughput in sentence pairs per second, where a document of
 * ns and nt sentences counts (ns + nt) / 2 pairs. Time is measured twice: the whole run and the
 * run without making the aligner (loading the dictionary happens once per process).
 * Then a synthetic 10,000-sentence document (lengths only, 3% of sentences dropped and 5%
 * merged on the target side, so the path leaves the diagonal) measures the banded DP's scaling
 * and its accuracy against the known truth.
 * Never pass/fail. Options: --sets a,b (relative to the align dir), -p name=value (model
 * weights, for tuning on dev), --model N (only the Nth model), --no-synthetic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "align/align.h"
#include "align/align_int.h"

typedef struct lines {
    char **v;
    size_t n;
    char *buf;
} lines;

static int read_lines(const char *path, lines *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    jisr_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        jisr_buf_append(&b, chunk, n);
    fclose(f);
    size_t cap = 0;
    char *p = b.data ? b.data : "";
    char *end = p + b.len;
    while (p < end) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        *eol = '\0';
        if (eol > p && eol[-1] == '\r')
            eol[-1] = '\0';
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            out->v = realloc(out->v, cap * sizeof *out->v);
        }
        out->v[out->n++] = p;
        p = eol + 1;
    }
    out->buf = b.data;
    return 0;
}

static void free_lines(lines *l)
{
    free(l->v);
    free(l->buf);
}

typedef struct doc {
    lines src, tgt;
    jisr_ladder gold;
} doc;

typedef struct set {
    doc *docs;
    size_t n;
    double pairs;
} set;

static int load_set(const char *dir, const char *name, set *s)
{
    jisr_buf path = {0};
    jisr_buf_printf(&path, "%s/%s.list", dir, name);
    lines list;
    memset(s, 0, sizeof *s);
    if (read_lines(path.data, &list) < 0) {
        jisr_buf_free(&path);
        return -1;
    }
    s->docs = calloc(list.n, sizeof *s->docs);
    for (size_t i = 0; i < list.n; i++) {
        char *f[4] = {0};
        char *p = list.v[i];
        for (int k = 0; k < 4 && p; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (!f[3])
            continue;
        doc *d = &s->docs[s->n];
        /* list paths are relative to the list file's directory */
        const char *slash = strrchr(name, '/');
        int dl = slash ? (int)(slash - name) : 0;
        const char *files[3] = {f[1], f[2], f[3]};
        char *full[3];
        for (int k = 0; k < 3; k++) {
            jisr_buf_reset(&path);
            jisr_buf_printf(&path, "%s/%.*s%s%s", dir, dl, name, dl ? "/" : "", files[k]);
            full[k] = jisr_strdup(path.data);
        }
        int ok = read_lines(full[0], &d->src) == 0 && read_lines(full[1], &d->tgt) == 0 &&
                 jisr_ladder_read(&d->gold, full[2]) == 0;
        for (int k = 0; k < 3; k++)
            free(full[k]);
        if (!ok)
            continue;
        s->pairs += (double)(d->src.n + d->tgt.n) / 2;
        s->n++;
    }
    free_lines(&list);
    jisr_buf_free(&path);
    return 0;
}

typedef struct param {
    const char *name;
    double value;
} param;

static void set_params(jisr_aligner *a, const param *ps, size_t np)
{
    jisr_align_params *P = jisr_aligner_params(a);
    for (size_t i = 0; i < np; i++) {
        const char *n = ps[i].name;
        double v = ps[i].value;
        if (!strcmp(n, "lex_weight"))
            P->lex_weight = v;
        else if (!strcmp(n, "skip_cost"))
            P->skip_cost = v;
        else if (!strcmp(n, "anchor_weight"))
            P->anchor_weight = v;
        else if (!strcmp(n, "m1_min_score"))
            P->m1_min_score = v;
        else if (!strcmp(n, "m1_min_t"))
            P->m1_min_t = v;
        else if (!strcmp(n, "nb_discount"))
            P->nb_discount = v;
        else if (!strcmp(n, "punct_weight"))
            P->punct_weight = v;
        else if (!strcmp(n, "p1"))
            P->p1_default = v;
        else if (!strcmp(n, "s2"))
            P->s2_default = v;
        else if (!strncmp(n, "prior", 5) && n[5] >= '0' && n[5] < '0' + JISR_NBEADS)
            P->prior[n[5] - '0'] = v;
        else
            fprintf(stderr, "bench_align: unknown parameter %s\n", n);
    }
}

typedef struct result {
    jisr_align_scores sc;
    double total_s, align_s, cpu_s, cpu_align_s;
} result;

/* CPU time of this process: on a machine shared with other jobs, wall time overstates the
 * cost of one core's work */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run(const set *s, unsigned flags, const param *ps, size_t np, result *r)
{
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    o.flags = flags;
    double t0 = jisr_now(), c0 = cpu_now();
    jisr_aligner *a = NULL;
    int rc = jisr_aligner_new(&a, &o);
    if (rc < 0)
        return rc;
    set_params(a, ps, np);
    double t1 = jisr_now(), c1 = cpu_now();
    for (size_t i = 0; rc == 0 && i < s->n; i++)
        rc = jisr_aligner_add(a, (const char *const *)s->docs[i].src.v, s->docs[i].src.n,
                              (const char *const *)s->docs[i].tgt.v, s->docs[i].tgt.n, NULL);
    if (rc == 0)
        rc = jisr_aligner_run(a);
    double t2 = jisr_now();
    r->cpu_s = cpu_now() - c0;
    r->cpu_align_s = cpu_now() - c1;
    jisr_align_counts c = {0};
    for (size_t i = 0; rc == 0 && i < s->n; i++)
        rc = jisr_align_score_add(&c, &s->docs[i].gold, jisr_aligner_result(a, i));
    jisr_align_score_finish(&c, &r->sc);
    r->total_s = t2 - t0;
    r->align_s = t2 - t1;
    jisr_aligner_free(a);
    return rc;
}

static void synthetic(void)
{
    /* A 10,000-sentence document and its "translation": lengths drawn from a fixed generator,
     * the target side with sentences dropped and merged, so the path leaves the diagonal. */
    size_t ns = 10000;
    char **src = malloc(ns * sizeof *src), **tgt = malloc(2 * ns * sizeof *tgt);
    size_t nt = 0;
    unsigned x = 12345;
    jisr_ladder truth = {0};
    for (size_t i = 0; i < ns; i++) {
        x = x * 1103515245u + 12345u;
        size_t len = 20 + (x >> 16) % 120;
        src[i] = malloc(len + 1);
        memset(src[i], 'a', len);
        src[i][len] = '\0';
        for (size_t k = 5; k < len; k += 6)
            src[i][k] = ' ';
        size_t tl = len * 11 / 10;
        x = x * 1103515245u + 12345u;
        unsigned r = (x >> 16) % 100;
        if (r < 3) { /* dropped */
            jisr_ladder_push(&truth, i, 1, nt, 0, 0);
            continue;
        }
        jisr_bead *last = truth.n ? &truth.v[truth.n - 1] : NULL;
        if (r < 8 && last && last->ntgt == 1 && last->nsrc < 3) { /* merged into the previous */
            last->nsrc++;
            size_t old = strlen(tgt[nt - 1]);
            tgt[nt - 1] = realloc(tgt[nt - 1], old + tl + 2);
            tgt[nt - 1][old] = ' ';
            memset(tgt[nt - 1] + old + 1, 'b', tl);
            tgt[nt - 1][old + 1 + tl] = '\0';
            continue;
        }
        tgt[nt] = malloc(tl + 1);
        memset(tgt[nt], 'b', tl);
        tgt[nt][tl] = '\0';
        jisr_ladder_push(&truth, i, 1, nt, 1, 0);
        nt++;
    }
    for (int lex = 0; lex < 2; lex++) {
        jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
        o.flags = lex ? JISR_ALIGN_NO_DICT : JISR_ALIGN_NO_LEXICAL;
        jisr_aligner *a = NULL;
        if (jisr_aligner_new(&a, &o) < 0)
            break;
        jisr_ladder l = {0};
        double t0 = jisr_now();
        int rc =
            jisr_aligner_align(a, (const char *const *)src, ns, (const char *const *)tgt, nt, &l);
        double t1 = jisr_now();
        const jisr_dp_stats *st = jisr_align_dp_stats();
        jisr_align_counts c = {0};
        jisr_align_scores sc = {0};
        if (rc == 0 && jisr_align_score_add(&c, &truth, &l) == 0)
            jisr_align_score_finish(&c, &sc);
        printf("synthetic %zu x %zu (%s): %.2f s, strict F1 %.4f, last pass %zu cells (band "
               "%zu, %d passes), peak RSS %ld MiB%s\n",
               ns, nt, lex ? "lexical, no dictionary" : "length only", t1 - t0, sc.f_strict,
               st->cells, st->band, st->passes, jisr_peak_rss_kib() / 1024,
               rc < 0 ? " FAILED" : "");
        jisr_ladder_free(&l);
        jisr_aligner_free(a);
    }
    for (size_t i = 0; i < ns; i++)
        free(src[i]);
    for (size_t i = 0; i < nt; i++)
        free(tgt[i]);
    free(src);
    free(tgt);
    jisr_ladder_free(&truth);
}

int main(int argc, char **argv)
{
    const char *shared = getenv("JISR_SHARED_DATA");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/bible-ar-en/align", shared ? shared : "../shared/data");
    char setsbuf[1024] = "noisy/test,clean/test";
    param ps[32];
    size_t np = 0;
    int synth = 1, only = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sets") && i + 1 < argc)
            snprintf(setsbuf, sizeof setsbuf, "%s", argv[++i]);
        else if (!strcmp(argv[i], "-p") && i + 1 < argc && np < 32) {
            char *eq = strchr(argv[++i], '=');
            if (eq) {
                *eq = '\0';
                ps[np].name = argv[i];
                ps[np++].value = atof(eq + 1);
            }
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc)
            only = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-synthetic"))
            synth = 0;
        else {
            fprintf(stderr, "usage: bench_align [--sets noisy/test,clean/test] [-p name=value]… "
                            "[--model 0|1|2] [--no-synthetic]\n");
            return 2;
        }
    }
    static const struct {
        const char *name;
        unsigned flags;
    } models[] = {
        {"full", 0},
        {"length only (Gale-Church)", JISR_ALIGN_NO_LEXICAL},
        {"no dictionary", JISR_ALIGN_NO_DICT},
    };
    printf("%-12s %-27s %8s %8s %8s %8s %9s %9s %9s %9s\n", "set", "model", "P strict", "R strict",
           "F1 strict", "F1 lax", "pairs/s", "pairs/s*", "pairs/cpu", "pairs/cpu*");
    for (char *tok = strtok(setsbuf, ","); tok; tok = strtok(NULL, ",")) {
        set s;
        if (load_set(dir, tok, &s) < 0 || s.n == 0) {
            printf("%-12s (not found under %s)\n", tok, dir);
            continue;
        }
        for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
            if (only >= 0 && (size_t)only != m)
                continue;
            result r;
            if (run(&s, models[m].flags, ps, np, &r) < 0) {
                char msg[1024];
                jisr_error_format(msg, sizeof msg);
                printf("%-12s %-27s failed: %s\n", tok, models[m].name, msg);
                continue;
            }
            printf("%-12s %-27s %8.4f %8.4f %9.4f %8.4f %9.0f %9.0f %9.0f %9.0f\n", tok,
                   models[m].name, r.sc.p_strict, r.sc.r_strict, r.sc.f_strict, r.sc.f_lax,
                   s.pairs / r.total_s, s.pairs / r.align_s, s.pairs / r.cpu_s,
                   s.pairs / r.cpu_align_s);
        }
        printf("%-12s %zu documents, %.0f sentence pairs\n", tok, s.n, s.pairs);
        for (size_t i = 0; i < s.n; i++) {
            free_lines(&s.docs[i].src);
            free_lines(&s.docs[i].tgt);
            jisr_ladder_free(&s.docs[i].gold);
        }
        free(s.docs);
    }
    printf("pairs/s = (source + target sentences) / 2 per wall-clock second on one thread, "
           "including making\nthe aligner (dictionary load); pairs/cpu = the same per second of "
           "this process's CPU time\n(wall time also counts other jobs' use of the core); * = "
           "without making the aligner.\n");
    if (synth)
        synthetic();
    return 0;
}
