/*
 * bench_text.c — throughput of matching normalisation and word tokenization, the text-layer hot
 * paths of the translation memory and the aligner, on the 8,000 Arabic and 8,000 English
 * sentences of the UN corpus dev+test sets. Each figure is printed beside the same work forced
 * through ICU (the fast paths switched off), so the ratio survives a noisy machine.
 *
 * usage: bench_text [UN-DIR] [SECONDS-PER-MEASURE]
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

enum { NORM = 1, TOK = 2 };

/* Runs the work over the corpus repeatedly for about `secs`; returns passes per second. */
static double run(const corpus *c, int what, double secs, jisr_tokenizer *tk)
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
    } while (el < secs);
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
        for (int what = NORM; what <= (NORM | TOK); what++) {
            txt_norm_force_icu = txt_tok_force_icu = 0;
            double fast = run(&c, what, secs, tk);
            txt_norm_force_icu = txt_tok_force_icu = 1;
            double slow = run(&c, what, secs, tk);
            txt_norm_force_icu = txt_tok_force_icu = 0;
            double mb = (double)c.bytes / 1e6;
            printf("%-4s %-20s %14.0f %9.1f %14.0f %9.1f %6.2fx\n", langs[l], names[what],
                   fast * (double)c.n, fast * mb, slow * (double)c.n, slow * mb, fast / slow);
        }
        printf("%-4s (%zu sentences, %.2f MB)\n", langs[l], c.n, (double)c.bytes / 1e6);
        free(c.buf);
        free(c.off);
        free(c.len);
    }
    jisr_tokenizer_free(tk);
    return 0;
}
