/*
 * bench_segment.c — sentence segmentation speed: jisr's segmenter (ICU + SRX rules + list
 * items) against raw ICU's sentence BreakIterator on the same paragraphs, in the same run.
 *
 * Builds a mixed Arabic/English text of at least N MB (default 50) from ../shared/data — Bible
 * verses (Arabic and English), the UN dev/test sets, Tatoeba pairs and the seed article —
 * grouped into paragraphs of a few lines separated by blank lines and repeated to size, writes
 * it to a temporary file and streams it paragraph by paragraph in three ways: reading only,
 * reading + raw ICU (ubrk over a UTF-8 UText, the language guessed per paragraph as jisr does),
 * reading + jisr; each three times, interleaved, keeping the fastest. Prints MB/s, the ratios
 * (with and without the common reading cost) and peak RSS; never passes or fails.
 *
 * usage: bench_segment [MB] [SHARED_DATA_DIR]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "text/text.h"

static int add_file_lines(jisr_buf *pool, const char *path, int col1, int col2)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int added = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        /* pick tab-separated columns col1 (and col2), 0-based; -1 = whole line */
        char *fields[8] = {0};
        int nf = 0;
        char *p = line;
        while (nf < 8) {
            fields[nf++] = p;
            p = strchr(p, '\t');
            if (!p)
                break;
            *p++ = '\0';
        }
        int cols[2] = {col1, col2};
        for (int k = 0; k < 2; k++) {
            if (cols[k] == -2)
                continue;
            const char *t = cols[k] < 0 ? line : (cols[k] < nf ? fields[cols[k]] : NULL);
            if (t && *t) {
                jisr_buf_puts(pool, t);
                jisr_buf_putc(pool, '\n');
                added++;
            }
        }
    }
    free(line);
    fclose(f);
    return added;
}

static int add_dir(jisr_buf *pool, const char *dir, int col)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    int added = 0;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        if (!strstr(e->d_name, ".tsv"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        added += add_file_lines(pool, path, col, -2);
    }
    closedir(d);
    return added;
}

typedef struct run_result {
    double secs;
    size_t paragraphs, sentences;
} run_result;

enum { MODE_READ, MODE_ICU, MODE_JISR };

static int run(const char *path, int mode, run_result *res)
{
    jisr_textin *in = NULL;
    int rc = jisr_textin_open(&in, path, 0);
    if (rc < 0)
        return rc;
    jisr_segmenter *seg[2] = {NULL, NULL};
    UBreakIterator *bi[2] = {NULL, NULL};
    UText *ut = NULL;
    jisr_spans sp = {0};
    UErrorCode st = U_ZERO_ERROR;
    if (mode == MODE_JISR) {
        if ((rc = jisr_segmenter_new(&seg[0], "ar", NULL)) < 0 ||
            (rc = jisr_segmenter_new(&seg[1], "en", NULL)) < 0)
            return rc;
    } else if (mode == MODE_ICU) {
        bi[0] = ubrk_open(UBRK_SENTENCE, "ar", NULL, 0, &st);
        bi[1] = ubrk_open(UBRK_SENTENCE, "en", NULL, 0, &st);
        if (U_FAILURE(st))
            return JISR_EICU;
    }
    memset(res, 0, sizeof *res);
    double t0 = jisr_now();
    const char *text;
    size_t len;
    uint64_t off;
    unsigned long line;
    while ((rc = jisr_textin_next_paragraph(in, &text, &len, &off, &line)) == 1) {
        res->paragraphs++;
        int k = strcmp(jisr_text_guess_lang(text, len), "ar") == 0 ? 0 : 1;
        if (mode == MODE_JISR) {
            if ((rc = jisr_segmenter_split(seg[k], text, len, &sp)) < 0)
                break;
            res->sentences += sp.n;
        } else if (mode == MODE_ICU) {
            ut = utext_openUTF8(ut, text, (int64_t)len, &st);
            ubrk_setUText(bi[k], ut, &st);
            for (int32_t b = ubrk_first(bi[k]); (b = ubrk_next(bi[k])) != UBRK_DONE;)
                res->sentences++;
        }
    }
    res->secs = jisr_now() - t0;
    jisr_spans_free(&sp);
    jisr_segmenter_free(seg[0]);
    jisr_segmenter_free(seg[1]);
    if (bi[0])
        ubrk_close(bi[0]);
    if (bi[1])
        ubrk_close(bi[1]);
    utext_close(ut);
    jisr_textin_close(in);
    return rc < 0 ? rc : 0;
}

int main(int argc, char **argv)
{
    double want_mb = argc > 1 ? atof(argv[1]) : 50.0;
    const char *shared = argc > 2 ? argv[2] : getenv("JISR_SHARED_DATA");
    if (!shared)
        shared = "../shared/data";
    char p[4096];
    jisr_buf pool = {0};
    int lines = 0;
    snprintf(p, sizeof p, "%s/bible-ar-en/ar", shared);
    lines += add_dir(&pool, p, 2);
    snprintf(p, sizeof p, "%s/bible-ar-en/en", shared);
    lines += add_dir(&pool, p, 2);
    const char *un[] = {"UNv1.0.devset.ar", "UNv1.0.devset.en", "UNv1.0.testset.ar",
                        "UNv1.0.testset.en"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/un-ar-en/%s", shared, un[i]);
        lines += add_file_lines(&pool, p, -1, -2);
    }
    snprintf(p, sizeof p, "%s/tatoeba-ar-en/ara.txt", shared);
    lines += add_file_lines(&pool, p, 0, 1);
    snprintf(p, sizeof p, "%s/seed/ar-article.txt", shared);
    lines += add_file_lines(&pool, p, -1, -2);
    if (lines == 0) {
        fprintf(stderr, "bench_segment: no data under %s\n", shared);
        return 1;
    }

    /* paragraphs: runs of 1..6 consecutive lines of one source, joined by newlines */
    char tmpl[] = "/tmp/jisr-bench-segment-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    FILE *f = fdopen(fd, "w");
    size_t target = (size_t)(want_mb * 1e6), written = 0;
    unsigned seed = 7;
    while (written < target) {
        size_t i = 0;
        while (i < pool.len && written < target) {
            int k = 1 + (int)(rand_r(&seed) % 6);
            size_t j = i;
            for (int m = 0; m < k && j < pool.len; m++) {
                char *nl = memchr(pool.data + j, '\n', pool.len - j);
                j = nl ? (size_t)(nl - pool.data) + 1 : pool.len;
            }
            fwrite(pool.data + i, 1, j - i, f);
            fputc('\n', f);
            written += j - i + 1;
            i = j;
        }
    }
    fclose(f);
    jisr_buf_free(&pool);
    printf("input: %.1f MB of mixed Arabic/English text (%d source lines, repeated), %s\n",
           written / 1e6, lines, tmpl);

    /* the machine is shared: each mode runs REPS times, interleaved, and the fastest run of
     * each counts */
    enum { REPS = 3 };
    run_result r[3];
    const char *names[3] = {"read paragraphs only", "raw ICU BreakIterator", "jisr segmenter"};
    for (int rep = 0; rep < REPS; rep++) {
        for (int m = 0; m < 3; m++) {
            run_result one;
            int rc = run(tmpl, m, &one);
            if (rc < 0) {
                char msg[1200];
                jisr_error_format(msg, sizeof msg);
                fprintf(stderr, "bench_segment: %s\n", msg);
                unlink(tmpl);
                return 1;
            }
            if (rep == 0 || one.secs < r[m].secs)
                r[m] = one;
        }
    }
    printf("best of %d interleaved runs each\n", REPS);
    unlink(tmpl);
    double mb = written / 1e6;
    printf("%-24s %9s %10s %12s %10s\n", "", "seconds", "MB/s", "sentences", "paragraphs");
    for (int m = 0; m < 3; m++)
        printf("%-24s %9.2f %10.1f %12zu %10zu\n", names[m], r[m].secs, mb / r[m].secs,
               r[m].sentences, r[m].paragraphs);
    double icu = r[1].secs - r[0].secs, jisr = r[2].secs - r[0].secs;
    printf("jisr / raw ICU speed, reading included:  %.2f\n", r[1].secs / r[2].secs);
    printf("jisr / raw ICU speed, segmentation only: %.2f (ICU %.1f MB/s, jisr %.1f MB/s)\n",
           icu / jisr, mb / icu, mb / jisr);
    printf("peak RSS: %ld KiB\n", jisr_peak_rss_kib());
    return 0;
}
