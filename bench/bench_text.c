/*
 * bench_text.c — throughput of matching normalisation and word tokenization, the text-layer hot
 * paths of the translation memory and the aligner, on the 8,000 Arabic and 8,000 English
 * sentences of the UN corpus dev+test sets. Each figure is printed beside the same work forced
 * through ICU (the fast paths switched off), so the ratio survives a noisy machine.
 *
 * usage: bench_text [UN-DIR] [SECONDS-PER-MEASURE]
 *
 * JISR_BENCH_FORMAT=1: 2 sentences in 5 get format characters written as characters (as
 *   bench_match's JISR_BENCH_FORMAT): a ZWNJ (Arabic) or a soft hyphen (English) in the middle
 *   of a word of 4 code points or more, a ZWJ (Arabic) or U+200B (English) before the last code
 *   point of a word 1/3 of the time, an RLM or LRM after a word 1/6; the Arabic ones that get a
 *   ZWNJ get a Persian ezafe (heh + hamza above, هٔ) after a word 1/2 of the time.
 * JISR_BENCH_PASSES=N: exactly N passes of each measure, the fast paths only, no ICU-only
 *   column (for callgrind: instructions, not time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "text/text_int.h"

typedef struct {
    char *buf;
    size_t bytes;
    size_t n;
    size_t *off, *len;
} corpus;

static int load(corpus *c, const char *dir, const char *lang)
{
    const char *sets[] = {"testset", "devset"};
    memset(c, 0, sizeof *c);
    size_t cap = 0;
    for (int s = 0; s < 2; s++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/UNv1.0.%s.%s", dir, sets[s], lang);
        FILE *f = fopen(path, "rb");
        if (!f) {
            perror(path);
            return -1;
        }
        char line[1 << 16];
        while (fgets(line, sizeof line, f)) {
            size_t l = strcspn(line, "\r\n");
            if (c->n == cap) {
                cap = cap ? cap * 2 : 1024;
                c->off = realloc(c->off, cap * sizeof *c->off);
                c->len = realloc(c->len, cap * sizeof *c->len);
            }
            c->buf = realloc(c->buf, c->bytes + l + 1);
            memcpy(c->buf + c->bytes, line, l);
            c->off[c->n] = c->bytes;
            c->len[c->n++] = l;
            c->bytes += l;
        }
        fclose(f);
    }
    return 0;
}

/* JISR_BENCH_FORMAT=1: rewrites the corpus with format characters (see the top) */
static uint64_t g_rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(void)
{
    g_rng = g_rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(g_rng >> 33);
}

static size_t cps(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* byte offset of code point k of s[0..n) */
static size_t cp_off(const char *s, size_t n, size_t k)
{
    size_t i = 0;
    for (; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && k-- == 0)
            break;
    return i;
}

static void put(corpus *c, size_t *cap, const char *s, size_t n)
{
    while (c->bytes + n + 1 > *cap)
        c->buf = realloc(c->buf, *cap = *cap ? *cap * 2 : 1 << 20);
    memcpy(c->buf + c->bytes, s, n);
    c->bytes += n;
}

static void add_format(corpus *c, int ar)
{
    static const char zwnj[] = "\xe2\x80\x8c", shy[] = "\xc2\xad", zwj[] = "\xe2\x80\x8d",
                      zwsp[] = "\xe2\x80\x8b", rlm[] = "\xe2\x80\x8f", lrm[] = "\xe2\x80\x8e",
                      ezafe[] = "\xd9\x87\xd9\x94";
    const char *in = ar ? zwnj : shy, *in2 = ar ? zwj : zwsp, *mark = ar ? rlm : lrm;
    corpus d = {0};
    size_t cap = 0;
    d.off = malloc(c->n * sizeof *d.off);
    d.len = malloc(c->n * sizeof *d.len);
    for (size_t i = 0; i < c->n; i++) {
        const char *s = c->buf + c->off[i];
        size_t n = c->len[i], start = d.bytes;
        unsigned r = rnd();
        if (r % 5 >= 2) {
            put(&d, &cap, s, n);
        } else {
            int w1 = -1, w3 = (r >> 4) % 3 == 0, wm = (r >> 8) % 6 == 0, ez = ar && (r >> 12) % 2;
            size_t words = 0;
            for (size_t a = 0; a < n;) {
                size_t b = a;
                while (b < n && s[b] != ' ')
                    b++;
                size_t k = cps(s + a, b - a);
                if (w1 < 0 && k >= 4) {
                    size_t h = cp_off(s + a, b - a, k / 2);
                    put(&d, &cap, s + a, h);
                    put(&d, &cap, in, strlen(in));
                    put(&d, &cap, s + a + h, b - a - h);
                    w1 = (int)words;
                } else if (w3 && k >= 2 && w1 >= 0) {
                    size_t h = cp_off(s + a, b - a, k - 1);
                    put(&d, &cap, s + a, h);
                    put(&d, &cap, in2, strlen(in2));
                    put(&d, &cap, s + a + h, b - a - h);
                    w3 = 0;
                } else {
                    put(&d, &cap, s + a, b - a);
                }
                if (wm && w1 >= 0 && (int)words > w1) {
                    put(&d, &cap, mark, strlen(mark));
                    wm = 0;
                }
                if (ez && w1 >= 0 && (int)words > w1) {
                    put(&d, &cap, " ", 1);
                    put(&d, &cap, ezafe, strlen(ezafe));
                    ez = 0;
                }
                words++;
                if (b < n)
                    put(&d, &cap, " ", 1);
                a = b + 1;
            }
        }
        d.off[i] = start;
        d.len[i] = d.bytes - start;
    }
    d.n = c->n;
    free(c->buf);
    free(c->off);
    free(c->len);
    *c = d;
}

enum { NORM = 1, TOK = 2 };

/* Runs the work over the corpus repeatedly for about `secs`; returns passes per second. */
static double run(const corpus *c, int what, double secs, jisr_tokenizer *tk, long passes_only)
{
    jisr_buf nb = {0};
    jisr_tokens t = {0};
    size_t passes = 0, sink = 0;
    double t0 = jisr_now(), el;
    do {
        for (size_t i = 0; i < c->n; i++) {
            const char *s = c->buf + c->off[i];
            size_t n = c->len[i];
            if (what & NORM) {
                jisr_buf_reset(&nb);
                jisr_text_normalize(s, n, JISR_NORM_MATCH, &nb);
                s = nb.data;
                n = nb.len;
                sink += n;
            }
            if (what & TOK) {
                jisr_tokenizer_run(tk, s, n, &t);
                sink += t.n;
            }
        }
        passes++;
        el = jisr_now() - t0;
    } while (passes_only ? (long)passes < passes_only : el < secs);
    jisr_buf_free(&nb);
    jisr_tokens_free(&t);
    if (sink == 0)
        fprintf(stderr, "(nothing done)\n");
    return (double)passes / el;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : JISR_SHARED_DATA_DIR "/un-ar-en";
    double secs = argc > 2 ? atof(argv[2]) : 1.5;
    const char *fm = getenv("JISR_BENCH_FORMAT"), *ps = getenv("JISR_BENCH_PASSES");
    int format = fm && atoi(fm) == 1;
    long passes = ps ? atol(ps) : 0;
    jisr_tokenizer *tk;
    if (jisr_tokenizer_new(&tk) < 0)
        return 1;
    const char *langs[] = {"ar", "en"};
    const char *names[] = {"", "normalize", "tokenize", "normalize+tokenize"};
    printf("%-4s %-20s %14s %9s %14s %9s %7s\n", "lang", "work", "fast sent/s", "MB/s",
           "ICU-only sent/s", "MB/s", "ratio");
    for (int l = 0; l < 2; l++) {
        corpus c;
        if (load(&c, dir, langs[l]) < 0)
            return 1;
        if (format)
            add_format(&c, l == 0);
        for (int what = NORM; what <= (NORM | TOK); what++) {
            txt_norm_force_icu = txt_tok_force_icu = 0;
            double fast = run(&c, what, secs, tk, passes);
            if (passes) {
                printf("%-4s %-20s %ld passes\n", langs[l], names[what], passes);
                continue;
            }
            txt_norm_force_icu = txt_tok_force_icu = 1;
            double slow = run(&c, what, secs, tk, 0);
            txt_norm_force_icu = txt_tok_force_icu = 0;
            double mb = (double)c.bytes / 1e6;
            printf("%-4s %-20s %14.0f %9.1f %14.0f %9.1f %6.2fx\n", langs[l], names[what],
                   fast * (double)c.n, fast * mb, slow * (double)c.n, slow * mb, fast / slow);
        }
        printf("%-4s (%zu sentences, %.2f MB%s)\n", langs[l], c.n, (double)c.bytes / 1e6,
               format ? ", format characters (JISR_BENCH_FORMAT)" : "");
        free(c.buf);
        free(c.off);
        free(c.len);
    }
    jisr_tokenizer_free(tk);
    return 0;
}
