/*
 * tm_corpus.c — test material for the memory benchmarks (tm_corpus.h). The shared-data loaders
 * and the synthetic variations serve bench_tm and bench_match's synthetic profile (one code, so
 * both build the same memory); the gettext reader and the word edits serve the versions and
 * short-strings profiles.
 */
#include "bench/tm_corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void bc_add(bc_pairs *p, const char *ar, size_t an, const char *en, size_t en_n)
{
    while (an && (ar[an - 1] == '\r' || ar[an - 1] == ' '))
        an--;
    while (en_n && (en[en_n - 1] == '\r' || en[en_n - 1] == ' '))
        en_n--;
    if (!an || !en_n)
        return;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4096;
        p->v = realloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n].ar = strndup(ar, an);
    p->v[p->n].en = strndup(en, en_n);
    for (char *c = p->v[p->n].ar; *c; c++) /* control characters XML cannot carry */
        if ((unsigned char)*c < 0x20)
            *c = ' ';
    for (char *c = p->v[p->n].en; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
    p->n++;
}

void bc_free(bc_pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].ar);
        free(p->v[i].en);
    }
    free(p->v);
    memset(p, 0, sizeof *p);
}

static char **read_lines(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    char **v = NULL, *line = NULL;
    size_t cap = 0, lc = 0;
    ssize_t len;
    *n = 0;
    if (!f)
        return NULL;
    while ((len = getline(&line, &lc, f)) >= 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = realloc(v, cap * sizeof *v);
        }
        v[(*n)++] = strdup(line);
    }
    free(line);
    fclose(f);
    return v;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void load_parallel(bc_pairs *p, const char *a, const char *e)
{
    size_t na, ne;
    char **la = read_lines(a, &na), **le = read_lines(e, &ne);
    for (size_t i = 0; la && le && i < na && i < ne; i++)
        bc_add(p, la[i], strlen(la[i]), le[i], strlen(le[i]));
    free_lines(la, na);
    free_lines(le, ne);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t bc_load_shared(bc_pairs *p, const char *sd, const char *src)
{
    char a[2048], q[2048];
    size_t start = p->n, n0 = p->n;
    snprintf(a, sizeof a, "%s/bible-ar-en/ar", sd);
    DIR *d = opendir(a);
    char *names[64];
    size_t nn = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) && nn < 64)
        if (strstr(de->d_name, ".tsv"))
            names[nn++] = strdup(de->d_name);
    if (d)
        closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    for (size_t b = 0; b < nn; b++) {
        size_t na, ne;
        snprintf(a, sizeof a, "%s/bible-ar-en/ar/%s", sd, names[b]);
        snprintf(q, sizeof q, "%s/bible-ar-en/en/%s", sd, names[b]);
        char **la = read_lines(a, &na), **le = read_lines(q, &ne);
        for (size_t i = 0; i < na; i++) { /* join on "chapter TAB verse" */
            char *t1 = strchr(la[i], '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
            if (!t2)
                continue;
            size_t kl = (size_t)(t2 - la[i]);
            for (size_t j = 0; j < ne; j++)
                if (strncmp(le[j], la[i], kl + 1) == 0) {
                    bc_add(p, t2 + 1, strlen(t2 + 1), le[j] + kl + 1, strlen(le[j] + kl + 1));
                    break;
                }
        }
        free_lines(la, na);
        free_lines(le, ne);
        free(names[b]);
    }
    printf("  bible (SVD/WEB)       %6zu pairs\n", p->n - n0);
    n0 = p->n;
    snprintf(a, sizeof a, "%s/bible-ar-en/vocalized-svd-kjv", sd);
    d = opendir(a);
    nn = 0;
    while (d && (de = readdir(d)) && nn < 64)
        if (strstr(de->d_name, ".ar-en.tsv"))
            names[nn++] = strdup(de->d_name);
    if (d)
        closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    for (size_t b = 0; b < nn; b++) {
        size_t n;
        snprintf(a, sizeof a, "%s/bible-ar-en/vocalized-svd-kjv/%s", sd, names[b]);
        char **l = read_lines(a, &n);
        for (size_t i = 1; i < n; i++) {
            char *f[4] = {l[i], NULL, NULL, NULL};
            for (int k = 1; k < 4; k++) {
                char *t = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
                if (t)
                    *t = 0;
                f[k] = t ? t + 1 : NULL;
            }
            if (f[3]) {
                bc_add(p, f[1], strlen(f[1]), f[2], strlen(f[2]));
                bc_add(p, f[1], strlen(f[1]), f[3], strlen(f[3]));
            }
        }
        free_lines(l, n);
        free(names[b]);
    }
    printf("  bible (vocalized)     %6zu pairs\n", p->n - n0);
    n0 = p->n;
    static const char *un[] = {"testset", "devset"};
    for (int k = 0; k < 2; k++) {
        snprintf(a, sizeof a, "%s/un-ar-en/UNv1.0.%s.ar", sd, un[k]);
        snprintf(q, sizeof q, "%s/un-ar-en/UNv1.0.%s.en", sd, un[k]);
        load_parallel(p, a, q);
    }
    printf("  UN dev+test           %6zu pairs\n", p->n - n0);
    n0 = p->n;
    size_t n;
    snprintf(a, sizeof a, "%s/tatoeba-ar-en/ara.txt", sd);
    char **l = read_lines(a, &n);
    for (size_t i = 0; i < n; i++) {
        char *t1 = strchr(l[i], '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (t2)
            bc_add(p, t1 + 1, (size_t)(t2 - t1 - 1), l[i], (size_t)(t1 - l[i]));
    }
    free_lines(l, n);
    printf("  Tatoeba               %6zu pairs\n", p->n - n0);
    n0 = p->n;
    snprintf(a, sizeof a, "%s/corpora/article.ar.sent", src);
    snprintf(q, sizeof q, "%s/corpora/article.en.sent", src);
    load_parallel(p, a, q);
    printf("  seed article          %6zu pairs\n", p->n - n0);
    return p->n - start;
}

/* ---- gettext catalogues ---------------------------------------------------------------- */

/* the C string of a PO line's quoted part appended to b (escapes \n \t \" \\ decoded) */
static void po_string(jisr_buf *b, const char *s)
{
    const char *q = strchr(s, '"');
    if (!q)
        return;
    for (q++; *q && *q != '"'; q++) {
        if (*q == '\\' && q[1]) {
            q++;
            jisr_buf_putc(b, *q == 'n' ? '\n' : *q == 't' ? '\t' : *q == 'r' ? '\r' : *q);
        } else {
            jisr_buf_putc(b, *q);
        }
    }
}

static void po_flush(bc_pairs *p, jisr_buf *id, jisr_buf *str, int plural)
{
    if (!plural && id->len && str->len) {
        /* one line per string: line breaks inside become spaces, as in the other sources */
        bc_add(p, str->data, str->len, id->data, id->len);
    }
    jisr_buf_reset(id);
    jisr_buf_reset(str);
}

size_t bc_load_l10n(bc_pairs *p, const char *mo_dir)
{
    size_t start = p->n;
    DIR *d = opendir(mo_dir);
    if (!d)
        return 0;
    char *names[256];
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nn < 256)
        if (strstr(de->d_name, ".mo"))
            names[nn++] = strdup(de->d_name);
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    for (size_t k = 0; k < nn; k++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "msgunfmt '%s/%s' 2>/dev/null", mo_dir, names[k]);
        FILE *f = popen(cmd, "r");
        free(names[k]);
        if (!f)
            continue;
        jisr_buf id = {0}, str = {0};
        int state = 0, plural = 0; /* 1 in msgid, 2 in msgstr */
        char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, f) >= 0) {
            if (strncmp(line, "msgctxt", 7) == 0 || strncmp(line, "msgid ", 6) == 0) {
                if (state == 2)
                    po_flush(p, &id, &str, plural);
                if (line[5] == ' ') {
                    state = 1;
                    plural = 0;
                    po_string(&id, line);
                } else {
                    state = 0;
                }
            } else if (strncmp(line, "msgid_plural", 12) == 0) {
                plural = 1;
                state = 0;
            } else if (strncmp(line, "msgstr", 6) == 0) {
                state = 2;
                if (line[6] == ' ' || line[6] == '[') {
                    if (!str.len && (line[6] == ' ' || strncmp(line + 6, "[0]", 3) == 0))
                        po_string(&str, line);
                }
            } else if (line[0] == '"') {
                if (state == 1)
                    po_string(&id, line);
                else if (state == 2 && !plural)
                    po_string(&str, line);
            }
        }
        if (state == 2)
            po_flush(p, &id, &str, plural);
        free(line);
        jisr_buf_free(&id);
        jisr_buf_free(&str);
        pclose(f);
    }
    return p->n - start;
}

/* ---- random numbers, words ------------------------------------------------------------- */

uint64_t bc_rnd(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

void bc_split(bc_words *w, const char *s)
{
    w->buf = strdup(s);
    w->n = 0;
    for (char *t = strtok(w->buf, " "); t && w->n < 512; t = strtok(NULL, " "))
        w->w[w->n++] = t;
}

char *bc_join(const bc_words *w, long skip, long swap, const char *prefix, size_t pw)
{
    jisr_buf b = {0};
    for (size_t i = 0; i < w->n; i++) {
        if ((long)i == skip)
            continue;
        size_t k = i;
        if (swap >= 0 && (long)i == swap)
            k = i + 1;
        else if (swap >= 0 && (long)i == swap + 1)
            k = i - 1;
        if (b.len)
            jisr_buf_putc(&b, ' ');
        if (prefix && k == pw)
            jisr_buf_puts(&b, prefix);
        jisr_buf_puts(&b, w->w[k]);
    }
    return b.data ? b.data : strdup("");
}

/* remove harakat (U+064B–U+0652) or add a fatha after every third Arabic letter */
static char *diacritics(const char *s)
{
    jisr_buf b = {0};
    int removed = 0, k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (p[0] == 0xD9 && p[1] >= 0x8B && p[1] <= 0x92) {
            p++;
            removed = 1;
            continue;
        }
        jisr_buf_putc(&b, (char)*p);
    }
    if (removed)
        return b.data;
    jisr_buf_reset(&b);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        jisr_buf_putc(&b, (char)*p);
        if ((p[0] == 0xD8 || p[0] == 0xD9) && p[1] >= 0x80 && p[1] <= 0xBF) {
            jisr_buf_putc(&b, (char)p[1]);
            p++;
            if (++k % 3 == 0)
                jisr_buf_puts(&b, "\xd9\x8e");
        }
    }
    return b.data;
}

static void put_num(jisr_buf *b, unsigned v, int arabic_digits)
{
    char d[16];
    snprintf(d, sizeof d, "%u", v);
    for (char *c = d; *c; c++) {
        if (arabic_digits) {
            char u[3] = {(char)0xD9, (char)(0xA0 + (*c - '0')), 0};
            jisr_buf_puts(b, u);
        } else {
            jisr_buf_putc(b, *c);
        }
    }
}

char *bc_with_number(const char *s, unsigned v, int arabic_digits)
{
    jisr_buf b = {0};
    jisr_buf_puts(&b, s);
    jisr_buf_puts(&b, " (");
    put_num(&b, v, arabic_digits);
    jisr_buf_putc(&b, ')');
    return b.data;
}

void bc_variant_synthetic(const bc_pair *b, unsigned k, char **ar, char **en)
{
    bc_words wa, we;
    bc_split(&wa, b->ar);
    bc_split(&we, b->en);
    size_t j = (k / 6) % (wa.n ? wa.n : 1), je = (k / 6) % (we.n ? we.n : 1);
    switch (k % 6) {
    case 0: /* number changed, same number on both sides */
        *ar = bc_with_number(b->ar, k, (int)(k / 6) % 2);
        *en = bc_with_number(b->en, k, 0);
        break;
    case 1: /* a word dropped on both sides */
        *ar = bc_join(&wa, wa.n > 1 ? (long)j : -1, -1, NULL, 0);
        *en = bc_join(&we, we.n > 1 ? (long)je : -1, -1, NULL, 0);
        break;
    case 2: /* two words swapped */
        *ar = bc_join(&wa, -1, j + 1 < wa.n ? (long)j : -1, NULL, 0);
        *en = bc_join(&we, -1, je + 1 < we.n ? (long)je : -1, NULL, 0);
        break;
    case 3: /* diacritics removed/added; the translation gets a number */
        *ar = diacritics(b->ar);
        *en = bc_with_number(b->en, k, 0);
        break;
    case 4: /* proclitic و on a word; a word of the translation dropped */
        *ar = bc_join(&wa, -1, -1, "و", j);
        *en = bc_join(&we, we.n > 1 ? (long)je : -1, -1, NULL, 0);
        break;
    default: { /* number in the source only, and a word dropped from the target */
        char *t = bc_join(&wa, -1, -1, NULL, 0);
        *ar = bc_with_number(t, k * 7, 1);
        free(t);
        *en = bc_join(&we, -1, je + 1 < we.n ? (long)je : -1, NULL, 0);
        break;
    }
    }
    free(wa.buf);
    free(we.buf);
}

/* ---- word edits -------------------------------------------------------------------------- */

void bc_vocab_add_text(bc_vocab *v, const char *s)
{
    bc_words w;
    bc_split(&w, s);
    for (size_t i = 0; i < w.n; i++) {
        if (v->n == v->cap) {
            v->cap = v->cap ? v->cap * 2 : 4096;
            v->w = realloc(v->w, v->cap * sizeof *v->w);
        }
        v->w[v->n++] = strdup(w.w[i]);
    }
    free(w.buf);
}

void bc_vocab_free(bc_vocab *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->w[i]);
    free(v->w);
    memset(v, 0, sizeof *v);
}

char *bc_edit_words(const char *s, unsigned changes, const bc_vocab *v, uint64_t *rng)
{
    const char *tok[520];
    bc_words w;
    bc_split(&w, s);
    size_t n = 0;
    for (size_t i = 0; i < w.n; i++)
        tok[n++] = w.w[i];
    for (unsigned c = 0; c < changes && v->n; c++) {
        unsigned kind = (unsigned)(bc_rnd(rng) % 5);
        const char *nw = v->w[bc_rnd(rng) % v->n];
        size_t at = n ? (size_t)(bc_rnd(rng) % n) : 0;
        if (kind == 0 && n > 1) { /* delete */
            memmove(&tok[at], &tok[at + 1], (n - at - 1) * sizeof *tok);
            n--;
        } else if (kind == 1 && n < 512) { /* insert */
            memmove(&tok[at + 1], &tok[at], (n - at) * sizeof *tok);
            tok[at] = nw;
            n++;
        } else if (n) { /* substitute */
            tok[at] = nw;
        } else {
            tok[n++] = nw;
        }
    }
    jisr_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            jisr_buf_putc(&b, ' ');
        jisr_buf_puts(&b, tok[i]);
    }
    free(w.buf);
    return b.data ? b.data : strdup("");
}

/* ---- dedupe of generated units ---------------------------------------------------------- */

static uint64_t text_hash(bc_dedupe *d, const char *s)
{
    tm_tokenize(s, strlen(s), &d->toks);
    return tm_toks_text_hash(&d->toks);
}

int bc_dedupe_add(bc_dedupe *d, const char *ar, const char *en)
{
    return jisr_u64set_add(&d->seen, text_hash(d, ar) * 31 + text_hash(d, en));
}

void bc_dedupe_free(bc_dedupe *d)
{
    jisr_u64set_free(&d->seen);
    tm_toks_free(&d->toks);
}
