/*
 * bench_match.c — the matcher at every threshold, on three memory profiles of N units (default
 * 1,000,000), each query timed with the index and a sample re-run with --exhaustive in the same
 * run (issue 12's targets: --min 50/70/90 p50 <= 1 ms and p99 <= 10 ms, --min 30 p50 <= 3 ms
 * and p99 <= 30 ms, top-n agreement with --exhaustive 100 %). Prints, never fails.
 *
 * Profiles (all ar-en, 3/4 of the queries ar->en):
 *   synthetic — bench_tm's memory: the ../shared base pairs and systematic variations of them
 *               (numbers, a word dropped, words swapped, diacritics, a proclitic);
 *   versions  — every base sentence in 10–30 near-variants (1–3 words substituted, dropped or
 *               inserted on each side), as versioned documentation and software strings give;
 *   short     — UI strings of 1–6 words: the installed gettext catalogues' (and Tatoeba's short)
 *               pairs and variants of them (1–2 words changed, a colon or an ellipsis, a
 *               mnemonic underscore), the bulk of software localisation memories;
 *   tagged    — (only when named; not in "all") the versions profile's units as two memories,
 *               plain and with inline tags on 2 units in 5 (a <bpt>/<ept> pair, an accelerator
 *               pair inside a word, an image <ph>, a <ph> line break, a <ph> soft hyphen):
 *               each query timed on both in turn, side by side, with the ratio of their sums
 *               (what tags cost a query; docs/matching.md §7.1, session 36).
 *               JISR_BENCH_FORMAT=1: the same share of units with format characters written as
 *               characters instead of tags (a ZWNJ inside an Arabic word, a soft hyphen inside an
 *               English one, …: fmt_text; §7.1, session 38).
 * Queries per profile: exact (a stored text), near (synthetic: a word dropped and a number
 * added; versions: two words changed; short: one word changed), far (halves of two texts) and
 * no-match (invented words), in equal parts.
 *
 * Usage: bench_match [PROFILE|all|tagged] [UNITS] [WORKDIR] [QUERIES] [ORACLE] [reuse]
 *   QUERIES per threshold (default 400), ORACLE of them re-run with --exhaustive per threshold
 *   (default 20); reuse: query the memories left in WORKDIR by an earlier run.
 *   JISR_BENCH_MINS="30 50 70 90" chooses the thresholds. JISR_BENCH_QUERIES=FILE writes each
 *   profile's queries there (kind, direction, text; tab-separated), to time a fixed set again.
 *   JISR_BENCH_CHARS=1 builds the memories with the character search of short texts on (off by
 *   default, as jisr import does; matters for the short profile: docs/matching.md §2.6, §7.1),
 *   at the default limit of 128 code points; JISR_BENCH_CHARS=N (2-255) at the limit N.
 *   JISR_BENCH_FTAB=1 builds the in-memory form tables of short texts (jisr_tm_warm,
 *   docs/matching.md §4.5) after opening the memory and before any timed query, and prints
 *   their build time and size.
 *   JISR_BENCH_SNAP=1 opens the memory for the queries with the read snapshot's directory
 *   (JISR_TM_SNAPSHOT, as jisr serve opens it; docs/serve.md) and prints its size.
 *   JISR_BENCH_SLOWEST=N prints the N slowest queries of each threshold (default 2).
 *   JISR_BENCH_LANES=N chooses the character lanes (tm_short_lanes: 1 portable, 2 AVX2, 3 AVX2
 *   with AVX-512 for the form tables; default: the best the processor has), for A/B runs.
 *   JISR_BENCH_GATHER=N gathers the forms that passed the signatures from groups of the form
 *   tables where at most N did (tm_short_gather_max; 0: none, each group scored whole), for A/B.
 *   JISR_BENCH_ROUNDS=N runs the queries of each threshold N times over and reports each
 *   query's least time (a busy machine's pauses out of the p99; default 1).
 *   Tagged profile: JISR_BENCH_IMPORTS=N imports each memory N times, in turn, and reports the
 *   least time; JISR_BENCH_SIDE=plain|tagged queries that memory alone (with ORACLE 0: for a
 *   profiler). The character search, form tables and snapshot settings do not apply to it.
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
#include "tm/tm_int.h"    /* the matcher's own text hash, so that N generated = N stored */
#include "tm/match_int.h" /* tm_short_lanes (JISR_BENCH_LANES) */

enum { P_SYNTH, P_VERSIONS, P_SHORT, P_COUNT };
static const char *const profile_name[] = {"synthetic", "versions", "short"};

enum { Q_EXACT, Q_NEAR, Q_FAR, Q_NONE, Q_KINDS };
static const char *const kind_name[] = {"exact", "near", "far", "no-match"};

typedef struct query {
    char *text;
    int kind, ar2en;
} query;

static bc_pairs g_shared, g_l10n;
static uint64_t g_rng = 0x9E3779B97F4A7C15ULL;

/* ---- dedupe of generated units ---------------------------------------------------------- */

static bc_dedupe g_seen; /* the units generated so far */

/* ---- timing ------------------------------------------------------------------------------ */

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double proc_cpu_now(void) /* every thread's: the import's work is spread over threads */
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v0, size_t n, double p)
{
    if (!n)
        return 0;
    double *v = malloc(n * sizeof *v);
    memcpy(v, v0, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    double r = v[(size_t)(p * (double)(n - 1) + 0.5)];
    free(v);
    return r;
}

/* ---- the memories ------------------------------------------------------------------------ */

static size_t word_count(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        if (*s == ' ')
            in = 0;
        else if (!in) {
            in = 1;
            n++;
        }
    }
    return n;
}

/* keep the first max words of s (in place) */
static void clip_words(char *s, size_t max)
{
    size_t n = 0;
    int in = 0;
    for (char *p = s; *p; p++) {
        if (*p == ' ') {
            in = 0;
        } else if (!in) {
            in = 1;
            if (++n > max) {
                while (p > s && p[-1] == ' ')
                    p--;
                *p = 0;
                return;
            }
        }
    }
}

static bc_pairs g_bases; /* the bases of the profile being built (queries come from them) */
static bc_vocab g_vocab_ar, g_vocab_en;

/* a short-string decoration: nothing, a colon, an ellipsis, or a mnemonic underscore */
static char *decorate(const char *s, unsigned how)
{
    jisr_buf b = {0};
    switch (how % 8) {
    case 1:
        jisr_buf_puts(&b, s);
        jisr_buf_putc(&b, ':');
        break;
    case 2:
        jisr_buf_puts(&b, s);
        jisr_buf_puts(&b, "\xe2\x80\xa6");
        break;
    case 3:
        jisr_buf_puts(&b, s);
        jisr_buf_puts(&b, "...");
        break;
    case 4:
        jisr_buf_putc(&b, '_');
        jisr_buf_puts(&b, s);
        break;
    default:
        jisr_buf_puts(&b, s);
    }
    return b.data;
}

static void profile_bases(int prof)
{
    bc_free(&g_bases);
    bc_vocab_free(&g_vocab_ar);
    bc_vocab_free(&g_vocab_en);
    if (prof == P_SHORT) {
        const bc_pairs *src[2] = {&g_l10n, &g_shared};
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < src[k]->n; i++) {
                const bc_pair *p = &src[k]->v[i];
                size_t we = word_count(p->en);
                if (we >= 1 && we <= 6 && word_count(p->ar) <= 8)
                    bc_add(&g_bases, p->ar, strlen(p->ar), p->en, strlen(p->en));
            }
    } else {
        for (size_t i = 0; i < g_shared.n; i++)
            bc_add(&g_bases, g_shared.v[i].ar, strlen(g_shared.v[i].ar), g_shared.v[i].en,
                   strlen(g_shared.v[i].en));
    }
    if (prof == P_VERSIONS) { /* a fixed shuffle, so that the sources interleave */
        uint64_t r = 12345;
        for (size_t i = g_bases.n; i > 1; i--) {
            size_t j = (size_t)(bc_rnd(&r) % i);
            bc_pair t = g_bases.v[i - 1];
            g_bases.v[i - 1] = g_bases.v[j];
            g_bases.v[j] = t;
        }
    }
    for (size_t i = 0; i < g_bases.n; i++) {
        bc_vocab_add_text(&g_vocab_ar, g_bases.v[i].ar);
        bc_vocab_add_text(&g_vocab_en, g_bases.v[i].en);
    }
}

/* ---- the tagged profile: the versions profile's units, a share of them with inline tags -------
 * Each unit is written twice from the same generated texts, once plain and once, for 2 in 5
 * units (the same draw on both sides), with the tags a CAT tool leaves in documentation and
 * software strings: a <bpt>/<ept> pair (bold) around a word, and, drawn each apart, an OmegaT
 * accelerator pair inside a word ("<u0>S</u0>ave", 1/2), an image <ph> between words (1/3), a
 * <ph> line break in place of a space (1/6) and a <ph> soft hyphen inside a word of 6 letters or
 * more (1/6). The two memories have the same units, so that the same queries timed on both, in
 * turn, show what the tags cost. */

enum { TG_ACC = 1, TG_PH = 2, TG_BR = 4, TG_SHY = 8 };
static const char tg_image[] = "<ph x=\"3\" type=\"image\">&lt;img src=\"icon.png\"/&gt;</ph>";

static uint64_t g_tag_rng = 0xC0FFEE123456789ULL; /* apart from the texts' own draws */

/* placeholder U+E000+n into b, markup m as its tag n */
static void put_tag(jisr_buf *b, char ***tags, size_t *n, const char *m)
{
    uint32_t cp = JISR_TAG_BASE + (uint32_t)*n;
    char u[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                 (char)(0x80 | (cp & 0x3F))};
    jisr_buf_append(b, u, 3);
    *tags = realloc(*tags, (*n + 1) * sizeof **tags);
    (*tags)[(*n)++] = strdup(m);
}

static size_t cp_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* the byte length of the first k code points of s */
static size_t cp_bytes(const char *s, size_t k)
{
    size_t i = 0;
    for (; s[i] && k; k--)
        for (i++; ((unsigned char)s[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}

/* s (words parted by single spaces) with the tags of feats: the text with placeholders, its tags'
 * markup in *tags (*ntags of them) */
static char *tag_text(const char *s, unsigned feats, char ***tags, size_t *ntags)
{
    bc_words ws;
    bc_split(&ws, s);
    size_t n = ws.n;
    *tags = NULL;
    *ntags = 0;
    long wb = n ? (long)(bc_rnd(&g_tag_rng) % n) : -1;
    long wa = (feats & TG_ACC) && n ? (long)(bc_rnd(&g_tag_rng) % n) : -1;
    long wp = feats & TG_PH ? (long)(bc_rnd(&g_tag_rng) % (n + 1)) : -1;
    long wl = (feats & TG_BR) && n > 1 ? 1 + (long)(bc_rnd(&g_tag_rng) % (n - 1)) : -1;
    long wh = -1;
    if ((feats & TG_SHY) && n) /* the first long word from a random one on */
        for (size_t k = 0, w0 = (size_t)(bc_rnd(&g_tag_rng) % n); k < n && wh < 0; k++)
            if (cp_count(ws.w[(w0 + k) % n]) >= 6)
                wh = (long)((w0 + k) % n);
    jisr_buf b = {0};
    for (long w = 0; w < (long)n; w++) {
        const char *x = ws.w[w];
        if (w)
            w == wl ? put_tag(&b, tags, ntags, "<ph x=\"4\">&lt;br/&gt;</ph>")
                    : (void)jisr_buf_putc(&b, ' ');
        if (w == wp) {
            put_tag(&b, tags, ntags, tg_image);
            jisr_buf_putc(&b, ' ');
        }
        if (w == wb)
            put_tag(&b, tags, ntags, "<bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>");
        size_t at = 0, len = strlen(x);
        if (w == wa) { /* the accelerator key: the word's first character underlined */
            size_t c1 = cp_bytes(x, 1);
            put_tag(&b, tags, ntags, "<bpt i=\"2\">&lt;u0&gt;</bpt>");
            jisr_buf_append(&b, x, c1);
            put_tag(&b, tags, ntags, "<ept i=\"2\">&lt;/u0&gt;</ept>");
            at = c1;
        }
        if (w == wh && w != wa) { /* a soft hyphen in the middle of a long word */
            size_t mid = cp_bytes(x, cp_count(x) / 2);
            jisr_buf_append(&b, x, mid);
            put_tag(&b, tags, ntags, "<ph x=\"5\">&lt;w:softHyphen/&gt;</ph>");
            at = mid;
        }
        jisr_buf_append(&b, x + at, len - at);
        if (w == wb)
            put_tag(&b, tags, ntags, "<ept i=\"1\">&lt;/b&gt;</ept>");
    }
    if (wp == (long)n) {
        jisr_buf_putc(&b, ' ');
        put_tag(&b, tags, ntags, tg_image);
    }
    free(ws.buf);
    return b.data ? b.data : strdup("");
}

/* JISR_BENCH_FORMAT=1: the tagged memory's units have format characters written as characters
 * instead of tags, the same units drawn (tag_draw) with the same features read otherwise: one
 * word of 4 code points or more with a ZWNJ (Arabic: Persian and Arabic typed on a Persian
 * keyboard) or a soft hyphen (English: Word's and PDFs' hyphenation) in its middle, a second
 * such word 1/2 of the time (TG_ACC), a ZWJ (Arabic) or U+200B (English) inside a word 1/3
 * (TG_PH), an RLM or LRM after a word 1/6 (TG_BR), a second soft hyphen or ZWNJ in the first word
 * 1/6 (TG_SHY). */
static int g_format;

static char *fmt_text(const char *s, int ar, unsigned feats)
{
    static const char zwnj[] = "\xe2\x80\x8c", shy[] = "\xc2\xad", zwj[] = "\xe2\x80\x8d",
                      zwsp[] = "\xe2\x80\x8b", rlm[] = "\xe2\x80\x8f", lrm[] = "\xe2\x80\x8e";
    const char *in = ar ? zwnj : shy, *in2 = ar ? zwj : zwsp, *mark = ar ? rlm : lrm;
    bc_words ws;
    bc_split(&ws, s);
    size_t n = ws.n;
    long w1 = -1, w2 = -1, w3 = -1, wm = -1;
    /* the first long word from a random one on, and the next long one after it */
    for (size_t k = 0, w0 = n ? (size_t)(bc_rnd(&g_tag_rng) % n) : 0; k < n; k++) {
        long w = (long)((w0 + k) % n);
        if (cp_count(ws.w[w]) < 4)
            continue;
        if (w1 < 0)
            w1 = w;
        else if (w2 < 0 && (feats & TG_ACC))
            w2 = w;
    }
    if ((feats & TG_PH) && n)
        w3 = (long)(bc_rnd(&g_tag_rng) % n);
    if ((feats & TG_BR) && n)
        wm = (long)(bc_rnd(&g_tag_rng) % n);
    jisr_buf b = {0};
    for (long w = 0; w < (long)n; w++) {
        const char *x = ws.w[w];
        size_t len = strlen(x), cps = cp_count(x);
        if (w)
            jisr_buf_putc(&b, ' ');
        if ((w == w1 || w == w2) && cps >= 4) {
            size_t a = cp_bytes(x, cps / 2), c = (feats & TG_SHY) && w == w1 ? cp_bytes(x, 1) : 0;
            jisr_buf_append(&b, x, c);
            if (c)
                jisr_buf_append(&b, in, strlen(in));
            jisr_buf_append(&b, x + c, a - c);
            jisr_buf_append(&b, in, strlen(in));
            jisr_buf_append(&b, x + a, len - a);
        } else if (w == w3 && cps >= 2) {
            size_t a = cp_bytes(x, cps - 1);
            jisr_buf_append(&b, x, a);
            jisr_buf_append(&b, in2, strlen(in2));
            jisr_buf_append(&b, x + a, len - a);
        } else {
            jisr_buf_append(&b, x, len);
        }
        if (w == wm)
            jisr_buf_append(&b, mark, strlen(mark));
    }
    free(ws.buf);
    return b.data ? b.data : strdup("");
}

/* the tags of one unit: none for 3 in 5, else the features drawn */
static unsigned tag_draw(void)
{
    if (bc_rnd(&g_tag_rng) % 5 >= 2)
        return 0;
    unsigned f = 0x100, r = (unsigned)bc_rnd(&g_tag_rng);
    f |= r % 2 == 0 ? TG_ACC : 0;
    f |= (r >> 4) % 3 == 0 ? TG_PH : 0;
    f |= (r >> 8) % 6 == 0 ? TG_BR : 0;
    f |= (r >> 12) % 6 == 0 ? TG_SHY : 0;
    return f;
}

/* the variant lang text into u, with the tags of feats when feats is non-zero */
static int add_var(jisr_unit *u, const char *lang, const char *text, unsigned feats)
{
    if (!feats)
        return jisr_unit_add_variant(u, lang, text, strlen(text), NULL);
    if (g_format) {
        char *t = fmt_text(text, strcmp(lang, "ar") == 0, feats);
        int rc = jisr_unit_add_variant(u, lang, t, strlen(t), NULL);
        free(t);
        return rc;
    }
    char **tags;
    size_t nt;
    char *t = tag_text(text, feats, &tags, &nt);
    jisr_variant *v;
    int rc = jisr_unit_add_variant(u, lang, t, strlen(t), &v);
    free(t);
    if (rc < 0) {
        for (size_t k = 0; k < nt; k++)
            free(tags[k]);
        free(tags);
        return rc;
    }
    v->tags = tags;
    v->ntags = nt;
    return 0;
}

/* write the profile's TMX of `target` distinct units; returns the units written. With tagged,
 * the same units again there, a share of them with inline tags (the tagged profile). */
static size_t build_tmx(int prof, const char *tmx, const char *tagged, size_t target)
{
    bc_dedupe_free(&g_seen); /* a new profile's units */
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    wo.srclang = "ar";
    jisr_writer *w;
    if (jisr_writer_open(&w, tmx, &wo) < 0) {
        printf("cannot write %s: %s\n", tmx, jisr_error_last()->msg);
        return 0;
    }
    jisr_writer *w2 = NULL;
    if (tagged && jisr_writer_open(&w2, tagged, &wo) < 0) {
        printf("cannot write %s: %s\n", tagged, jisr_error_last()->msg);
        jisr_writer_close(w);
        return 0;
    }
    size_t ntagged = 0;
    jisr_unit u;
    jisr_unit_init(&u);
    size_t written = 0, dups = 0;
    uint64_t rng = 0x5DEECE66DULL + (uint64_t)prof;
    unsigned *next_k = calloc(g_bases.n, sizeof *next_k);
    size_t b_ver = 0; /* versions: the base being varied */
    unsigned nvar = 0, made = 0;
    for (unsigned round = 0; written < target && round < 2000;) {
        char *ar = NULL, *en = NULL;
        size_t i;
        if (prof == P_VERSIONS) { /* base by base, 10–30 variants each, the base itself first */
            if (made == nvar) {
                if (nvar)
                    b_ver++;
                if (b_ver == g_bases.n) { /* every base used: another pass, fresh variants */
                    b_ver = 0;
                    round++;
                }
                nvar = 10 + (unsigned)(bc_rnd(&rng) % 21);
                made = 0;
            }
            i = b_ver;
            if (next_k[i] == 0) {
                ar = strdup(g_bases.v[i].ar);
                en = strdup(g_bases.v[i].en);
            } else {
                unsigned ch = 1 + (unsigned)(bc_rnd(&rng) % 3);
                ar = bc_edit_words(g_bases.v[i].ar, ch, &g_vocab_ar, &rng);
                en = bc_edit_words(g_bases.v[i].en, ch, &g_vocab_en, &rng);
            }
            next_k[i]++;
            made++;
        } else {
            i = (size_t)(written + dups) % g_bases.n;
            if (i == 0 && written + dups > 0)
                round++;
            if (next_k[i] == 0) {
                ar = strdup(g_bases.v[i].ar);
                en = strdup(g_bases.v[i].en);
            } else if (prof == P_SYNTH) {
                bc_variant_synthetic(&g_bases.v[i], next_k[i], &ar, &en);
            } else { /* short: 1–2 words changed, at most 6 words, now and then decorated */
                unsigned ch = 1 + (unsigned)(bc_rnd(&rng) % 2);
                char *a = bc_edit_words(g_bases.v[i].ar, ch, &g_vocab_ar, &rng);
                char *e = bc_edit_words(g_bases.v[i].en, ch, &g_vocab_en, &rng);
                clip_words(a, 8);
                clip_words(e, 6);
                unsigned how = (unsigned)(bc_rnd(&rng) % 8);
                ar = decorate(a, how == 4 ? 0 : how);
                en = decorate(e, how);
                free(a);
                free(e);
            }
            next_k[i]++;
        }
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
                free(ar);
                free(en);
                break;
            }
            unsigned f = w2 ? tag_draw() : 0;
            if (w2) {
                jisr_unit_clear(&u);
                if (add_var(&u, "ar", ar, f) < 0 || add_var(&u, "en", en, f) < 0 ||
                    jisr_writer_write(w2, &u) < 0) {
                    printf("write failed: %s\n", jisr_error_last()->msg);
                    free(ar);
                    free(en);
                    break;
                }
            }
            ntagged += f != 0;
            written++;
        }
        free(ar);
        free(en);
    }
    free(next_k);
    jisr_unit_clear(&u);
    if (jisr_writer_close(w) < 0 || (w2 && jisr_writer_close(w2) < 0)) {
        printf("write failed: %s\n", jisr_error_last()->msg);
        return 0;
    }
    for (int k = 0; k < (tagged ? 2 : 1); k++) {
        int fd = open(k ? tagged : tmx, O_RDONLY);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    printf("  TMX: %zu units (%zu generated duplicates left out)\n", written, dups);
    if (tagged)
        printf("  tagged TMX: the same units, %zu of them (%.0f %%) with %s\n", ntagged,
               written ? 100.0 * (double)ntagged / (double)written : 0.0,
               g_format ? "format characters (JISR_BENCH_FORMAT)" : "inline tags");
    return written;
}

/* ---- queries ----------------------------------------------------------------------------- */

static char *invented(int ar2en)
{
    jisr_buf bb = {0};
    int nw = 1 + (int)(bc_rnd(&g_rng) % 8);
    for (int k = 0; k < nw; k++) {
        if (k)
            jisr_buf_putc(&bb, ' ');
        int len = 3 + (int)(bc_rnd(&g_rng) % 5);
        for (int c = 0; c < len; c++) {
            if (ar2en) {
                char u2[3] = {(char)0xDA, (char)(0x80 + bc_rnd(&g_rng) % 32), 0}; /* ڀ–ڟ */
                jisr_buf_puts(&bb, u2);
            } else {
                jisr_buf_putc(&bb, (char)('q' + bc_rnd(&g_rng) % 8));
            }
        }
    }
    return bb.data;
}

static void make_queries(int prof, query *qs, size_t nq, size_t nbase)
{
    for (size_t i = 0; i < nq; i++) {
        int kind = (int)(i % Q_KINDS), ar2en = (i / Q_KINDS) % 4 != 3;
        const bc_pair *b = &g_bases.v[bc_rnd(&g_rng) % nbase];
        const char *src = ar2en ? b->ar : b->en;
        const bc_vocab *voc = ar2en ? &g_vocab_ar : &g_vocab_en;
        char *text;
        if (kind == Q_EXACT) {
            text = strdup(src);
        } else if (kind == Q_NEAR) {
            if (prof == P_SYNTH) { /* bench_tm's near: a word dropped and a number added */
                bc_words ws;
                bc_split(&ws, src);
                char *t = bc_join(&ws, ws.n > 3 ? (long)(ws.n / 2) : -1, -1, NULL, 0);
                text = bc_with_number(t, 900000 + (unsigned)(bc_rnd(&g_rng) % 1000), 0);
                free(t);
                free(ws.buf);
            } else {
                text = bc_edit_words(src, prof == P_VERSIONS ? 2 : 1, voc, &g_rng);
            }
        } else if (kind == Q_FAR) { /* halves of two unrelated texts */
            const bc_pair *c = &g_bases.v[bc_rnd(&g_rng) % nbase];
            const char *s2 = ar2en ? c->ar : c->en;
            bc_words w1, w2;
            bc_split(&w1, src);
            bc_split(&w2, s2);
            jisr_buf bb = {0};
            for (size_t k = 0; k < (w1.n + 1) / 2; k++) {
                jisr_buf_puts(&bb, w1.w[k]);
                jisr_buf_putc(&bb, ' ');
            }
            for (size_t k = w2.n / 2; k < w2.n; k++) {
                jisr_buf_puts(&bb, w2.w[k]);
                if (k + 1 < w2.n)
                    jisr_buf_putc(&bb, ' ');
            }
            free(w1.buf);
            free(w2.buf);
            text = bb.data ? bb.data : strdup("x");
        } else {
            text = invented(ar2en);
        }
        qs[i].text = text;
        qs[i].kind = kind;
        qs[i].ar2en = ar2en;
    }
}

static int same_matches(const jisr_tm_matches *a, const jisr_tm_matches *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].id != b->v[i].id || a->v[i].score != b->v[i].score)
            return 0;
    return 1;
}

static void run_profile(int prof, size_t target, const char *work, size_t nq, size_t noracle,
                        int reuse, const int *mins, size_t nmins)
{
    char tmx[1024], dir[1024], cmd[2200];
    snprintf(tmx, sizeof tmx, "%s/%s.tmx", work, profile_name[prof]);
    snprintf(dir, sizeof dir, "%s/%s", work, profile_name[prof]);
    printf("\n==== profile %s ====\n", profile_name[prof]);
    profile_bases(prof);
    printf("  %zu base pairs\n", g_bases.n);
    if (!g_bases.n) {
        printf("  no data for this profile\n");
        return;
    }
    jisr_tm *tm;
    if (!reuse) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            return;
        double t0 = jisr_now();
        size_t written = build_tmx(prof, tmx, NULL, target);
        printf("  TMX written in %.1f s\n", jisr_now() - t0);
        if (!written)
            return;
        jisr_tm_open_opts oo = JISR_TM_OPEN_OPTS_INIT;
        oo.flags = JISR_TM_WRITE;
        if (jisr_tm_open(&tm, dir, &oo) < 0) {
            printf("open failed: %s\n", jisr_error_last()->msg);
            return;
        }
        const char *ch = getenv("JISR_BENCH_CHARS");
        int chv = ch ? atoi(ch) : 0; /* 1: on at the default limit; 2-255: on at that limit */
        if (chv > 0) {
            if (jisr_tm_set_chars(tm, chv) < 0) {
                printf("setting the character search failed: %s\n", jisr_error_last()->msg);
                jisr_tm_close(tm);
                return;
            }
            printf("  character search: on (JISR_BENCH_CHARS=%d)\n", chv);
        }
        jisr_tm_file_opts fo;
        memset(&fo, 0, sizeof fo);
        jisr_read_opts ro = JISR_READ_OPTS_INIT;
        fo.read = ro;
        jisr_tm_import_stats ist;
        t0 = jisr_now();
        if (jisr_tm_import_file(tm, tmx, &fo, &ist) < 0) {
            printf("import failed: %s\n", jisr_error_last()->msg);
            jisr_tm_close(tm);
            return;
        }
        double ti = jisr_now() - t0;
        jisr_tm_close(tm);
        unlink(tmx);
        printf("  import: %llu units read, %llu stored, %.2f s = %.0f units/s\n",
               (unsigned long long)ist.read, (unsigned long long)ist.added, ti,
               (double)ist.read / ti);
    }
    const char *ln = getenv("JISR_BENCH_LANES");
    if (ln && *ln) {
        tm_short_lanes = atoi(ln);
        if ((tm_short_lanes == 2 && !tm_short_has_avx2()) ||
            (tm_short_lanes == 3 && !tm_short_has_avx512())) {
            printf("  JISR_BENCH_LANES=%d: this processor has not those lanes\n", tm_short_lanes);
            exit(2);
        }
        printf("  character lanes: %s\n", tm_short_lanes == 1   ? "portable"
                                          : tm_short_lanes == 2 ? "AVX2"
                                          : tm_short_lanes == 3 ? "AVX2, AVX-512 for the tables"
                                                                : "the processor's best");
    }
    const char *ga = getenv("JISR_BENCH_GATHER");
    if (ga && *ga) { /* the most passing forms of a group that are gathered (0: none) */
        tm_short_gather_max = (unsigned)atoi(ga);
        printf("  forms gathered from groups where at most %u passed\n", tm_short_gather_max);
    }
    const char *sn = getenv("JISR_BENCH_SNAP");
    jisr_tm_open_opts so = JISR_TM_OPEN_OPTS_INIT;
    so.flags = sn && atoi(sn) > 0 ? JISR_TM_SNAPSHOT : 0;
    if (jisr_tm_open(&tm, dir, &so) < 0) {
        printf("open failed: %s\n", jisr_error_last()->msg);
        return;
    }
    jisr_tm_snapshot si;
    if (so.flags && jisr_tm_snapshot_info(tm, &si))
        printf("  snapshot directory: %.1f MiB, built in %.0f ms\n", (double)si.bytes / 1048576.0,
               si.build_ms);
    const char *ft = getenv("JISR_BENCH_FTAB");
    if (ft && atoi(ft) > 0) { /* the form tables, before any timed query */
        jisr_tm_warm_stats ws;
        if (jisr_tm_warm(tm, &ws) < 0)
            printf("  form tables: %s\n", jisr_error_last()->msg);
        else
            printf("  form tables: %s, %zu forms, %.1f MiB, built in %.2f s\n",
                   ws.usable ? "usable" : "not usable (no forms' record at the next id)", ws.forms,
                   ws.bytes / 1048576.0, ws.seconds);
    }
    jisr_tm_stats st;
    if (jisr_tm_stats_get(tm, &st) == 0) {
        printf("  memory: %llu units, %.1f MiB on disk, %llu posting chunks\n",
               (unsigned long long)st.units, st.disk_bytes / 1048576.0,
               (unsigned long long)st.index_keys);
        jisr_tm_stats_free(&st);
    }
    query *qs = calloc(nq, sizeof *qs);
    make_queries(prof, qs, nq, g_bases.n);
    const char *dump = getenv("JISR_BENCH_QUERIES");
    if (dump && *dump) { /* the queries, one a line: kind, direction, text (tab-separated) */
        FILE *f = fopen(dump, "w");
        for (size_t i = 0; f && i < nq; i++)
            fprintf(f, "%s\t%s\t%s\n", kind_name[qs[i].kind], qs[i].ar2en ? "ar>en" : "en>ar",
                    qs[i].text);
        if (f)
            fclose(f);
    }
    double *lat = calloc(nq, sizeof *lat), *cpu = calloc(nq, sizeof *cpu);
    double *latk[Q_KINDS];
    for (int k = 0; k < Q_KINDS; k++)
        latk[k] = calloc(nq, sizeof(double));
    jisr_tm_matches *res = calloc(nq, sizeof *res);
    const char *ro = getenv("JISR_BENCH_ROUNDS");
    int rounds = ro && atoi(ro) > 1 ? atoi(ro) : 1;
    printf("\n  %zu queries per threshold, -n 5, one thread; wall-clock ms (thread CPU ms); a "
           "shared, noisy 2-core machine\n",
           nq);
    if (rounds > 1)
        printf("  each query's least time over %d rounds of all the queries\n", rounds);
    printf("  %5s | %8s %8s %8s | %8s %8s | %9s %7s | %-27s | %11s %9s %9s\n", "--min", "p50",
           "p99", "max", "cpu p50", "cpu p99", "scored/q", "found", "p50 exact/near/far/none",
           "exhaustive", "ratio", "top-5 =");
    for (size_t mi = 0; mi < nmins; mi++) {
        int min = mins[mi];
        jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
        qo.min_score = min;
        qo.max_results = 5;
        size_t nk[Q_KINDS] = {0}, found = 0;
        uint64_t scored = 0;
        for (int r = 0; r < rounds; r++) /* (each query's least time over the rounds) */
            for (size_t i = 0; i < nq; i++) {
                qo.srclang = qs[i].ar2en ? "ar" : "en";
                qo.tgtlang = qs[i].ar2en ? "en" : "ar";
                if (r)
                    jisr_tm_matches_free(&res[i]);
                double a = jisr_now(), ca = cpu_now();
                if (jisr_tm_query(tm, qs[i].text, &qo, &res[i]) < 0) {
                    printf("query failed: %s\n", jisr_error_last()->msg);
                    exit(1);
                }
                double w = (jisr_now() - a) * 1000.0, u = (cpu_now() - ca) * 1000.0;
                lat[i] = r == 0 || w < lat[i] ? w : lat[i];
                cpu[i] = r == 0 || u < cpu[i] ? u : cpu[i];
            }
        for (size_t i = 0; i < nq; i++) {
            latk[qs[i].kind][nk[qs[i].kind]++] = lat[i];
            found += res[i].n > 0;
            scored += res[i].candidates;
        }
        /* the oracle on a sample spread over the kinds */
        size_t ns = noracle < nq ? noracle : nq, agree = 0;
        double t_ex = 0, t_ix = 0;
        qo.flags = JISR_TM_EXHAUSTIVE;
        for (size_t s = 0; s < ns; s++) {
            size_t i = s * nq / ns;
            qo.srclang = qs[i].ar2en ? "ar" : "en";
            qo.tgtlang = qs[i].ar2en ? "en" : "ar";
            jisr_tm_matches m;
            double a = jisr_now();
            if (jisr_tm_query(tm, qs[i].text, &qo, &m) < 0) {
                printf("query failed: %s\n", jisr_error_last()->msg);
                exit(1);
            }
            t_ex += jisr_now() - a;
            t_ix += lat[i] / 1000.0;
            if (same_matches(&m, &res[i]))
                agree++;
            else
                printf("    differs from --exhaustive at --min %d: %.70s\n", min, qs[i].text);
            jisr_tm_matches_free(&m);
        }
        char kinds[64];
        snprintf(kinds, sizeof kinds, "%.2f/%.2f/%.2f/%.2f", pct(latk[0], nk[0], 0.5),
                 pct(latk[1], nk[1], 0.5), pct(latk[2], nk[2], 0.5), pct(latk[3], nk[3], 0.5));
        printf("  %5d | %8.3f %8.3f %8.1f | %8.3f %8.3f | %9.1f %7zu | %-27s | %8.1f ms %8.0fx "
               "%4zu/%zu\n",
               min, pct(lat, nq, 0.5), pct(lat, nq, 0.99), pct(lat, nq, 1.0), pct(cpu, nq, 0.5),
               pct(cpu, nq, 0.99), (double)scored / (double)nq, found, kinds,
               ns ? t_ex * 1000.0 / (double)ns : 0.0, t_ix > 0 ? t_ex / t_ix : 0.0, agree, ns);
        const char *sl = getenv("JISR_BENCH_SLOWEST");
        int nslow = sl && *sl ? atoi(sl) : 2;
        for (int k = 0; k < nslow; k++) { /* the slowest (two unless JISR_BENCH_SLOWEST) */
            size_t worst = 0;
            for (size_t i = 1; i < nq; i++)
                if (lat[i] > lat[worst])
                    worst = i;
            if (lat[worst] < 0)
                break;
            printf("          slowest: %7.2f ms %-8s %s %6llu scored  %.60s\n", lat[worst],
                   kind_name[qs[worst].kind], qs[worst].ar2en ? "ar>en" : "en>ar",
                   (unsigned long long)res[worst].candidates, qs[worst].text);
            lat[worst] = -1;
        }
        uint64_t dig = 0xcbf29ce484222325ULL; /* FNV-1a over every answer: ids and scores */
        for (size_t i = 0; i < nq; i++)
            for (size_t k = 0; k < res[i].n; k++) {
                uint64_t v[3] = {i, res[i].v[k].id, (uint64_t)res[i].v[k].score};
                for (size_t j = 0; j < sizeof v; j++)
                    dig = (dig ^ ((const unsigned char *)v)[j]) * 0x100000001b3ULL;
            }
        printf("          answers digest (ids and scores of every query): %016llx\n",
               (unsigned long long)dig);
        for (size_t i = 0; i < nq; i++)
            jisr_tm_matches_free(&res[i]);
    }
    printf("  targets: --min 50/70/90 p50 <= 1 ms, p99 <= 10 ms; --min 30 p50 <= 3 ms, p99 <= "
           "30 ms; top-5 = --exhaustive on every sampled query\n");
    jisr_tm_close(tm);
    for (size_t i = 0; i < nq; i++)
        free(qs[i].text);
    free(qs);
    free(lat);
    free(cpu);
    for (int k = 0; k < Q_KINDS; k++)
        free(latk[k]);
    free(res);
}

/* ---- the tagged profile, run ------------------------------------------------------------- */

/* import tmx into a new memory at dir: its seconds, or -1 */
static double import_into(const char *tmx, const char *dir, const char *what)
{
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return -1;
    jisr_tm *tm;
    jisr_tm_open_opts oo = JISR_TM_OPEN_OPTS_INIT;
    oo.flags = JISR_TM_WRITE;
    if (jisr_tm_open(&tm, dir, &oo) < 0) {
        printf("open failed: %s\n", jisr_error_last()->msg);
        return -1;
    }
    jisr_tm_file_opts fo;
    memset(&fo, 0, sizeof fo);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    fo.read = ro;
    jisr_tm_import_stats ist;
    double t0 = jisr_now(), c0 = proc_cpu_now();
    if (jisr_tm_import_file(tm, tmx, &fo, &ist) < 0) {
        printf("import failed: %s\n", jisr_error_last()->msg);
        jisr_tm_close(tm);
        return -1;
    }
    double ti = jisr_now() - t0, ci = proc_cpu_now() - c0;
    jisr_tm_close(tm);
    unlink(tmx);
    printf("  import %-7s %llu units read, %llu stored, %.2f s (process CPU %.2f s) = %.0f "
           "units/s\n",
           what, (unsigned long long)ist.read, (unsigned long long)ist.added, ti, ci,
           (double)ist.read / ti);
    return ti;
}

static double sum_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

/* The versions profile's units as two memories, plain and tagged (build_tmx), imported in turn
 * (twice each with import_rounds 2: plain, tagged, plain, tagged), then each query timed on
 * both, in turn, at each threshold: the tagged memory's times beside the plain one's, and its
 * top 5 beside --exhaustive's on a sample. */
static void run_tagged(size_t target, const char *work, size_t nq, size_t noracle, int reuse,
                       const int *mins, size_t nmins)
{
    char tmx[2][1024], dir[2][1024];
    static const char *const side[2] = {"plain", "tagged"};
    for (int k = 0; k < 2; k++) {
        snprintf(tmx[k], sizeof tmx[k], "%s/tagged-%s.tmx", work, side[k]);
        snprintf(dir[k], sizeof dir[k], "%s/tagged-%s", work, side[k]);
    }
    const char *fm = getenv("JISR_BENCH_FORMAT");
    g_format = fm && atoi(fm) > 0;
    printf("\n==== profile tagged (the versions profile's units, plain and with %s) ====\n",
           g_format ? "format characters" : "tags");
    profile_bases(P_VERSIONS);
    printf("  %zu base pairs\n", g_bases.n);
    if (!g_bases.n) {
        printf("  no data for this profile\n");
        return;
    }
    if (!reuse) {
        double t0 = jisr_now();
        size_t written = build_tmx(P_VERSIONS, tmx[0], tmx[1], target);
        printf("  TMX written in %.1f s\n", jisr_now() - t0);
        if (!written)
            return;
        const char *ir = getenv("JISR_BENCH_IMPORTS");
        int nimp = ir && atoi(ir) > 1 ? atoi(ir) : 1;
        double ti[2] = {0, 0};
        for (int r = 0; r < nimp; r++) /* in turn; the TMX kept for the next round */
            for (int k = 0; k < 2; k++) {
                char keep[1100], cmd[2300];
                snprintf(keep, sizeof keep, "%s.keep", tmx[k]);
                snprintf(cmd, sizeof cmd, "cp '%s' '%s'", tmx[k], keep);
                if (r + 1 < nimp && system(cmd) != 0)
                    return;
                double t = import_into(tmx[k], dir[k], side[k]);
                if (t < 0)
                    return;
                ti[k] = r == 0 || t < ti[k] ? t : ti[k];
                if (r + 1 < nimp)
                    rename(keep, tmx[k]);
            }
        printf("  import, least of %d: plain %.2f s, tagged %.2f s, tagged/plain %.3f\n", nimp,
               ti[0], ti[1], ti[1] / ti[0]);
    }
    jisr_tm *tm[2];
    for (int k = 0; k < 2; k++) {
        jisr_tm_open_opts so = JISR_TM_OPEN_OPTS_INIT;
        if (jisr_tm_open(&tm[k], dir[k], &so) < 0) {
            printf("open failed: %s\n", jisr_error_last()->msg);
            if (k)
                jisr_tm_close(tm[0]);
            return;
        }
    }
    query *qs = calloc(nq, sizeof *qs);
    make_queries(P_VERSIONS, qs, nq, g_bases.n);
    double *lat[2], *cpu[2];
    jisr_tm_matches *res[2];
    for (int k = 0; k < 2; k++) {
        lat[k] = calloc(nq, sizeof(double));
        cpu[k] = calloc(nq, sizeof(double));
        res[k] = calloc(nq, sizeof(jisr_tm_matches));
    }
    const char *ro = getenv("JISR_BENCH_ROUNDS"), *sd = getenv("JISR_BENCH_SIDE");
    int rounds = ro && atoi(ro) > 1 ? atoi(ro) : 1;
    int only = !sd || !*sd ? -1 : strcmp(sd, "plain") == 0 ? 0 : strcmp(sd, "tagged") == 0 ? 1 : -1;
    if (only >= 0)
        printf("  JISR_BENCH_SIDE=%s: the queries run on that memory alone\n", side[only]);
    printf("\n  %zu plain queries per threshold, -n 5, one thread, each timed on the plain memory "
           "and the tagged one in turn; thread CPU ms (wall-clock in brackets)%s\n",
           nq, rounds > 1 ? "; each query's least time over the rounds" : "");
    printf("  %5s | %17s %17s | %17s %17s | %15s | %13s | %11s %7s\n", "--min", "plain p50", "p99",
           "tagged p50", "p99", "tagged/plain sum", "scored/q p/t", "exhaustive", "top-5 =");
    for (size_t mi = 0; mi < nmins; mi++) {
        jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
        qo.min_score = mins[mi];
        qo.max_results = 5;
        uint64_t scored[2] = {0, 0};
        for (int r = 0; r < rounds; r++)
            for (size_t i = 0; i < nq; i++) {
                qo.srclang = qs[i].ar2en ? "ar" : "en";
                qo.tgtlang = qs[i].ar2en ? "en" : "ar";
                for (int j = 0; j < 2; j++) {
                    int k = (int)(i + (size_t)r + (size_t)j) % 2; /* which goes first alternates */
                    if (only >= 0 && k != only) { /* JISR_BENCH_SIDE: the other memory's empty */
                        memset(&res[k][i], 0, sizeof res[k][i]);
                        lat[k][i] = cpu[k][i] = 0;
                        continue;
                    }
                    if (r)
                        jisr_tm_matches_free(&res[k][i]);
                    double a = jisr_now(), ca = cpu_now();
                    if (jisr_tm_query(tm[k], qs[i].text, &qo, &res[k][i]) < 0) {
                        printf("query failed: %s\n", jisr_error_last()->msg);
                        exit(1);
                    }
                    double w = (jisr_now() - a) * 1000.0, u = (cpu_now() - ca) * 1000.0;
                    lat[k][i] = r == 0 || w < lat[k][i] ? w : lat[k][i];
                    cpu[k][i] = r == 0 || u < cpu[k][i] ? u : cpu[k][i];
                }
            }
        for (size_t i = 0; i < nq; i++)
            for (int k = 0; k < 2; k++)
                scored[k] += res[k][i].candidates;
        size_t ns = noracle < nq ? noracle : nq, agree = 0;
        double t_ex = 0;
        qo.flags = JISR_TM_EXHAUSTIVE;
        for (size_t s = 0; s < ns; s++) { /* the tagged memory's oracle */
            size_t i = s * nq / ns;
            qo.srclang = qs[i].ar2en ? "ar" : "en";
            qo.tgtlang = qs[i].ar2en ? "en" : "ar";
            jisr_tm_matches m;
            double a = jisr_now();
            if (jisr_tm_query(tm[1], qs[i].text, &qo, &m) < 0) {
                printf("query failed: %s\n", jisr_error_last()->msg);
                exit(1);
            }
            t_ex += jisr_now() - a;
            if (same_matches(&m, &res[1][i]))
                agree++;
            else
                printf("    differs from --exhaustive at --min %d: %.70s\n", mins[mi], qs[i].text);
            jisr_tm_matches_free(&m);
        }
        char c[2][2][40];
        for (int k = 0; k < 2; k++) {
            snprintf(c[k][0], sizeof c[k][0], "%.3f (%.3f)", pct(cpu[k], nq, 0.5),
                     pct(lat[k], nq, 0.5));
            snprintf(c[k][1], sizeof c[k][1], "%.2f (%.2f)", pct(cpu[k], nq, 0.99),
                     pct(lat[k], nq, 0.99));
        }
        printf("  %5d | %17s %17s | %17s %17s | %15.3f | %6.1f/%6.1f | %8.1f ms %4zu/%zu\n",
               mins[mi], c[0][0], c[0][1], c[1][0], c[1][1],
               sum_of(cpu[1], nq) / sum_of(cpu[0], nq), (double)scored[0] / (double)nq,
               (double)scored[1] / (double)nq, ns ? t_ex * 1000.0 / (double)ns : 0.0, agree, ns);
        for (int k = 0; k < 2; k++) {
            uint64_t dig = 0xcbf29ce484222325ULL; /* as run_profile's */
            for (size_t i = 0; i < nq; i++)
                for (size_t j = 0; j < res[k][i].n; j++) {
                    uint64_t v[3] = {i, res[k][i].v[j].id, (uint64_t)res[k][i].v[j].score};
                    for (size_t b = 0; b < sizeof v; b++)
                        dig = (dig ^ ((const unsigned char *)v)[b]) * 0x100000001b3ULL;
                }
            printf("          %-6s answers digest: %016llx\n", side[k], (unsigned long long)dig);
            for (size_t i = 0; i < nq; i++)
                jisr_tm_matches_free(&res[k][i]);
        }
    }
    for (int k = 0; k < 2; k++) {
        jisr_tm_close(tm[k]);
        free(lat[k]);
        free(cpu[k]);
        free(res[k]);
    }
    for (size_t i = 0; i < nq; i++)
        free(qs[i].text);
    free(qs);
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "all";
    size_t target = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    const char *work = argc > 3 ? argv[3] : "/tmp/jisr-bench-match";
    size_t nq = argc > 4 ? strtoul(argv[4], NULL, 10) : 400;
    size_t noracle = argc > 5 ? strtoul(argv[5], NULL, 10) : 20;
    int reuse = argc > 6 && strcmp(argv[6], "reuse") == 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    int mins[16];
    size_t nmins = 0;
    const char *ms = getenv("JISR_BENCH_MINS");
    if (!ms)
        ms = "30 50 70 90";
    for (char *e; *ms && nmins < 16; ms = e) {
        long v = strtol(ms, &e, 10);
        if (e == ms)
            break;
        if (v >= 1 && v <= 100)
            mins[nmins++] = (int)v;
    }
    const char *sd = getenv("JISR_SHARED_DATA");
    char sdbuf[1024];
    if (!sd) {
        snprintf(sdbuf, sizeof sdbuf, "%s/../shared/data", JISR_SOURCE_DIR);
        sd = sdbuf;
    }
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", work);
    if (system(cmd) != 0)
        return 1;
    printf("jisr matcher benchmark: %zu units per profile\n\nbase pairs from %s:\n", target, sd);
    bc_load_shared(&g_shared, sd, JISR_SOURCE_DIR);
    const char *mo = getenv("JISR_MO_DIR");
    size_t nl = bc_load_l10n(&g_l10n, mo ? mo : "/usr/share/locale/ar/LC_MESSAGES");
    printf("  gettext catalogues    %6zu pairs\n", nl);
    for (int p = 0; p < P_COUNT; p++)
        if (strcmp(which, "all") == 0 || strcmp(which, profile_name[p]) == 0)
            run_profile(p, target, work, nq, noracle, reuse, mins, nmins);
    if (strcmp(which, "tagged") == 0) /* (not in "all": it builds two memories) */
        run_tagged(target, work, nq, noracle, reuse, mins, nmins);
    printf("\nmemories kept in %s (remove them when done)\n", work);
    bc_free(&g_shared);
    bc_free(&g_l10n);
    bc_free(&g_bases);
    bc_vocab_free(&g_vocab_ar);
    bc_vocab_free(&g_vocab_en);
    bc_dedupe_free(&g_seen);
    return 0;
}
