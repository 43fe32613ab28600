/*
 * bench_docalign.c — document alignment on the Bible chapters of ../shared: every chapter of a
 * set (clean/dev = Gospels, clean/test = Acts–Revelation) is one Arabic and one English
 * document; 20 % of the chapters (fixed seed) are distractors present on one side only (half
 * Arabic-only, half English-only). The documents are read through the doc layer (one paragraph
 * per line) and paired by jisr_docaligner without their names. Prints precision, recall and
 * documents/s for each set; the target is precision ≥ 0.99, recall ≥ 0.98 on test. Never fails.
 *
 *   bench_docalign [SHARED_DATA]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/corpus.h"
#include "doc/doc.h"

typedef struct lines {
    char **v;
    size_t *len;
    size_t n, cap;
} lines;

static int read_doc(const char *path, lines *out)
{
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.flags = JISR_DOC_LINES;
    jisr_doc *d = NULL;
    if (jisr_doc_open(&d, path, &o) < 0)
        return -1;
    jisr_para p;
    while (jisr_doc_next(d, &p) > 0) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->v = realloc(out->v, out->cap * sizeof *out->v);
            out->len = realloc(out->len, out->cap * sizeof *out->len);
        }
        out->v[out->n] = strdup(p.text);
        out->len[out->n++] = p.len;
    }
    jisr_doc_close(d);
    return 0;
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->len);
    memset(l, 0, sizeof *l);
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned long long xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void run_set(const char *shared, const char *set)
{
    char list[4096];
    snprintf(list, sizeof list, "%s/bible-ar-en/align/clean/%s.list", shared, set);
    FILE *f = fopen(list, "r");
    if (!f) {
        printf("%s: not found (../shared absent?)\n", list);
        return;
    }
    char ids[512][128];
    size_t n = 0;
    char line[1024];
    while (n < 512 && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        snprintf(ids[n++], sizeof ids[0], "%.120s", line);
    }
    fclose(f);
    /* which chapters are distractors, and on which side */
    int *role = calloc(n, sizeof *role); /* 0 pair, 1 Arabic only, 2 English only */
    size_t *order = malloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    rng = 88172645463325252ULL;
    for (size_t i = n; i > 1; i--) {
        size_t j = xorshift() % i, t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    size_t nd = n / 5;
    for (size_t k = 0; k < nd; k++)
        role[order[k]] = k % 2 ? 2 : 1;
    jisr_docalign_opts o = JISR_DOCALIGN_OPTS_INIT;
    jisr_docaligner *da = NULL;
    double t0 = jisr_now();
    if (jisr_docaligner_new(&da, &o) < 0) {
        char m[1024];
        jisr_error_format(m, sizeof m);
        printf("docaligner: %s\n", m);
        return;
    }
    double t1 = jisr_now();
    size_t *src_of[2];
    src_of[0] = malloc(n * sizeof(size_t));
    src_of[1] = malloc(n * sizeof(size_t));
    size_t ndocs = 0, truth = 0;
    /* documents added in shuffled order on each side */
    for (int side = 0; side < 2; side++) {
        for (size_t i = n; i > 1; i--) {
            size_t j = xorshift() % i, t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        size_t idx = 0;
        for (size_t k = 0; k < n; k++) {
            size_t c = order[k];
            if ((side == 0 && role[c] == 2) || (side == 1 && role[c] == 1))
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/bible-ar-en/align/clean/%s/%s.%s", shared, set, ids[c],
                     side ? "en" : "ar");
            lines l = {0};
            read_doc(path, &l);
            jisr_docaligner_add(da, side, path, (const char *const *)l.v, l.len, l.n, NULL);
            src_of[side][idx++] = c;
            ndocs++;
            lines_free(&l);
        }
    }
    for (size_t c = 0; c < n; c++)
        truth += role[c] == 0;
    double t2 = jisr_now();
    jisr_docaligner_run(da);
    double t3 = jisr_now();
    size_t np, good = 0;
    const jisr_docpair *p = jisr_docaligner_pairs(da, &np);
    double minok = 1, maxbad = 0;
    for (size_t k = 0; k < np; k++) {
        int ok = src_of[0][p[k].src] == src_of[1][p[k].tgt];
        good += ok;
        if (ok && p[k].score < minok)
            minok = p[k].score;
        if (!ok && p[k].score > maxbad)
            maxbad = p[k].score;
    }
    /* how the unpaired distractors scored */
    double maxdis = 0;
    for (int side = 0; side < 2; side++)
        for (size_t i = 0; i < jisr_docaligner_count(da, side); i++)
            if (role[src_of[side][i]] != 0) {
                jisr_docbest b = jisr_docaligner_best(da, side, i);
                if (b.partner != SIZE_MAX && b.score > maxdis)
                    maxdis = b.score;
            }
    printf("%-5s %3zu chapters, %2zu distractors (one side only), %zu documents: %zu pairs "
           "made, %zu right: precision %.4f recall %.4f | lowest right %.3f, highest wrong "
           "%.3f, best distractor %.3f | dictionary %.2f s, read %.2f s, pair %.3f s (%.0f "
           "documents/s)\n",
           set, n, nd, ndocs, np, good, np ? (double)good / np : 0,
           truth ? (double)good / truth : 0, minok, maxbad, maxdis, t1 - t0, t2 - t1, t3 - t2,
           ndocs / (t3 - t2 > 0 ? t3 - t2 : 1e-9));
    jisr_docaligner_free(da);
    free(src_of[0]);
    free(src_of[1]);
    free(role);
    free(order);
}

int main(int argc, char **argv)
{
    const char *shared = argc > 1 ? argv[1] : getenv("JISR_SHARED_DATA");
    if (!shared)
        shared = JISR_SHARED_DATA_DIR;
    printf("bench_docalign: Bible clean chapters, 20%% distractors, documents shuffled "
           "(shared machine: timings are noisy)\n");
    run_set(shared, "dev");
    run_set(shared, "test");
    return 0;
}
