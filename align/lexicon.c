/*
 * lexicon.c — trained lexicons: translation tables between stems, their text file, the one jisr
 * ships, the trainer, and their use by the aligner.
 *
 * A lexicon is keyed by strings (the stems the token service makes), not by ids, so it outlives
 * any aligner's vocabulary and reads the same in both directions. Entries are sorted by their
 * first stem, so the entries of a word are one run; an index sorts them by the second stem for
 * use the other way round. An aligner keeps a reference and looks up only the words its
 * documents hold, when it runs (a 150,000-entry table costs a single document nothing more).
 *
 * The trainer tokenizes pairs with the aligner's token service (tokens.c) — what it learns is
 * what the aligner will look up — keeps words only (numbers and anchors translate to themselves
 * anyway), and trains IBM Model 1 both ways (model1.c). Output is sorted and its numbers are
 * rounded before sorting, so training, writing, reading and writing again give the same bytes.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "align/aligner_int.h"
#include "formats/formats.h"
#include "jisr_data_lexicon_ar_en_gz.h"

#define LEX_FORMAT 1
#define LEX_MAX_BYTES ((size_t)256 << 20)

typedef struct lexent {
    uint32_t w[2]; /* word ids in words[0], words[1] */
    float p[2];    /* p[0] = t(w1|w0), p[1] = t(w0|w1) */
} lexent;

struct jisr_lexicon {
    char lang[2][32];
    al_vocab words[2];
    lexent *v;
    size_t n, cap;
    uint64_t pairs;
    double ratio; /* characters of lang[1] per character of lang[0] */
    double s2[2]; /* Gale–Church variance, lang[0]→lang[1] and the other way */
    /* entries of word w of column c, in file order: v[by[c][start[c][w] .. start[c][w+1])] */
    uint32_t *by[2], *start[2];
};

/* ---- the table ----------------------------------------------------------------------------- */

void jisr_lexicon_free(jisr_lexicon *lx)
{
    if (!lx)
        return;
    al_vocab_free(&lx->words[0]);
    al_vocab_free(&lx->words[1]);
    free(lx->v);
    for (int c = 0; c < 2; c++) {
        free(lx->by[c]);
        free(lx->start[c]);
    }
    free(lx);
}

size_t jisr_lexicon_size(const jisr_lexicon *lx)
{
    return lx ? lx->n : 0;
}

const char *jisr_lexicon_lang(const jisr_lexicon *lx, int which)
{
    return lx && (which == 0 || which == 1) ? lx->lang[which] : NULL;
}

static int lex_push(jisr_lexicon *lx, const char *a, size_t an, const char *b, size_t bn, float p0,
                    float p1)
{
    int rc = JISR_GROW(lx->v, lx->cap, lx->n + 1);
    if (rc < 0)
        return rc;
    lexent *e = &lx->v[lx->n];
    /* a file lists a word's entries together: the previous entry's first word is the likely
     * one (half the interning of a read) */
    const lexent *prev = lx->n ? &lx->v[lx->n - 1] : NULL;
    const char *ps = prev ? lx->words[0].str[prev->w[0]] : NULL;
    if (ps && strncmp(ps, a, an) == 0 && ps[an] == '\0')
        e->w[0] = prev->w[0];
    else
        e->w[0] = al_vocab_intern(&lx->words[0], a, an);
    e->w[1] = al_vocab_intern(&lx->words[1], b, bn);
    if (e->w[0] == UINT32_MAX || e->w[1] == UINT32_MAX)
        return jisr_oom(0);
    e->p[0] = p0;
    e->p[1] = p1;
    lx->n++;
    return 0;
}

static const jisr_lexicon *sort_lex;

/* first stem (bytes), the larger probability (highest first), second stem */
static int ent_cmp(const void *x, const void *y)
{
    const lexent *a = x, *b = y;
    int c = strcmp(sort_lex->words[0].str[a->w[0]], sort_lex->words[0].str[b->w[0]]);
    if (c)
        return c;
    float ma = a->p[0] > a->p[1] ? a->p[0] : a->p[1], mb = b->p[0] > b->p[1] ? b->p[0] : b->p[1];
    if (ma != mb)
        return ma > mb ? -1 : 1;
    return strcmp(sort_lex->words[1].str[a->w[1]], sort_lex->words[1].str[b->w[1]]);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

/* Sorts the entries (qsort has no context argument: one sort at a time) and indexes them by
 * the word of each column (a stable counting sort, so a word's entries keep their order). */
static int lex_index(jisr_lexicon *lx, int sort)
{
    if (sort && lx->n > 1) {
        pthread_mutex_lock(&sort_lock);
        sort_lex = lx;
        qsort(lx->v, lx->n, sizeof *lx->v, ent_cmp);
        sort_lex = NULL;
        pthread_mutex_unlock(&sort_lock);
    }
    for (int c = 0; c < 2; c++) {
        uint32_t nw = lx->words[c].n;
        free(lx->by[c]);
        free(lx->start[c]);
        lx->start[c] = calloc((size_t)nw + 2, sizeof *lx->start[c]);
        lx->by[c] = malloc((lx->n ? lx->n : 1) * sizeof *lx->by[c]);
        if (!lx->start[c] || !lx->by[c])
            return jisr_oom(0);
        uint32_t *st = lx->start[c];
        for (size_t k = 0; k < lx->n; k++)
            st[lx->v[k].w[c] + 2]++;
        for (uint32_t w = 2; w < nw + 2; w++)
            st[w] += st[w - 1];
        for (size_t k = 0; k < lx->n; k++)
            lx->by[c][st[lx->v[k].w[c] + 1]++] = (uint32_t)k;
        /* now the entries of w are by[c][st[w] .. st[w+1]) */
    }
    return 0;
}

/* ---- the text form ------------------------------------------------------------------------- */

int jisr_lexicon_format(const jisr_lexicon *lx, jisr_buf *out)
{
    if (!lx || !out)
        return jisr_null_arg("jisr_lexicon_format", lx ? "out" : "lx");
    int rc = jisr_buf_printf(out,
                             "# jisr lexicon %d\n# langs %s %s\n# tokens %d\n# pairs %llu\n"
                             "# length %.4f %.4f %.4f\n",
                             LEX_FORMAT, lx->lang[0], lx->lang[1], AL_TOKENS_VERSION,
                             (unsigned long long)lx->pairs, lx->ratio, lx->s2[0], lx->s2[1]);
    for (size_t k = 0; rc == 0 && k < lx->n; k++) {
        const lexent *e = &lx->v[k];
        rc = jisr_buf_printf(out, "%s\t%s\t%.4f\t%.4f\n", lx->words[0].str[e->w[0]],
                             lx->words[1].str[e->w[1]], (double)e->p[0], (double)e->p[1]);
    }
    return rc;
}

int jisr_lexicon_describe(const jisr_lexicon *lx, jisr_buf *out)
{
    if (!lx || !out)
        return jisr_null_arg("jisr_lexicon_describe", lx ? "out" : "lx");
    return jisr_buf_printf(out,
                           "languages: %s %s\ntraining pairs: %llu\nentries: %zu (%u %s words, "
                           "%u %s words)\nlength: %.4f %s characters per %s character, variance "
                           "%.4f (%s to %s), %.4f (%s to %s)\n",
                           lx->lang[0], lx->lang[1], (unsigned long long)lx->pairs, lx->n,
                           lx->words[0].n, lx->lang[0], lx->words[1].n, lx->lang[1], lx->ratio,
                           lx->lang[1], lx->lang[0], lx->s2[0], lx->lang[0], lx->lang[1], lx->s2[1],
                           lx->lang[1], lx->lang[0]);
}

int jisr_lexicon_lookup(const jisr_lexicon *lx, const char *word, size_t len, jisr_buf *out)
{
    if (!lx || (!word && len) || !out)
        return jisr_null_arg("jisr_lexicon_lookup", !lx ? "lx" : !out ? "out" : "word");
    if (!word) /* NULL and 0 is the empty word */
        word = "";
    al_tk tk;
    int rc = al_tk_init(&tk, lx->lang[0], lx->lang[1]);
    int found = 0;
    for (int col = 0; rc == 0 && col < 2; col++) {
        tk.nids = 0;
        char side = col ? 'T' : 'S';
        if ((rc = al_tk_sentence(&tk, side, word, len, 0, NULL)) < 0)
            break;
        for (size_t i = 0; rc == 0 && i < tk.nids; i++) {
            if (tk.kind[tk.ids[i]] != (unsigned char)side)
                continue;
            const char *stem = tk.voc.str[tk.ids[i]] + 1;
            uint32_t w = al_vocab_find(&lx->words[col], stem, strlen(stem));
            if (w == UINT32_MAX)
                continue;
            for (uint32_t k = lx->start[col][w]; rc == 0 && k < lx->start[col][w + 1]; k++) {
                const lexent *e = &lx->v[lx->by[col][k]];
                rc = jisr_buf_printf(out, "%s\t%s\t%.4f\t%.4f\n", lx->words[0].str[e->w[0]],
                                     lx->words[1].str[e->w[1]], (double)e->p[0], (double)e->p[1]);
                found = 1;
            }
        }
    }
    al_tk_free(&tk);
    if (rc == 0 && !found)
        rc = jisr_buf_printf(out, "# %.*s: not in the lexicon\n", (int)len, word);
    return rc;
}

/* gzip of in (level 9, no name, no time: the same input always gives the same bytes) */
static int gzip_buf(const jisr_buf *in, jisr_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory (zlib)");
    size_t bound = deflateBound(&z, (uLong)in->len);
    int rc = jisr_buf_reserve(out, bound);
    if (rc == 0) {
        z.next_in = (Bytef *)(in->data ? in->data : "");
        z.avail_in = (uInt)in->len;
        z.next_out = (Bytef *)out->data + out->len;
        z.avail_out = (uInt)bound;
        if (deflate(&z, Z_FINISH) != Z_STREAM_END)
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "zlib deflate failed");
        else
            out->len += bound - z.avail_out;
    }
    deflateEnd(&z);
    return rc;
}

int jisr_lexicon_write(const jisr_lexicon *lx, const char *path, jisr_fileset *files)
{
    if (!lx || !path)
        return jisr_null_arg("jisr_lexicon_write", lx ? "path" : "lx");
    jisr_buf text = {0}, gz = {0};
    size_t n = strlen(path);
    int rc = jisr_lexicon_format(lx, &text);
    const jisr_buf *out = &text;
    if (rc == 0 && n > 3 && strcmp(path + n - 3, ".gz") == 0) {
        rc = gzip_buf(&text, &gz);
        out = &gz;
    }
    if (rc == 0)
        rc = al_write_buf(path, out, files);
    jisr_buf_free(&text);
    jisr_buf_free(&gz);
    return rc;
}

/* A probability field: a decimal number in [0, 1]. */
static int parse_prob(const char *s, size_t n, float *out)
{
    /* what jisr writes, 0.dddd or 1.0000, without strtod (a lexicon has 2 per entry) */
    if (n == 6 && (s[0] == '0' || s[0] == '1') && s[1] == '.') {
        int v = 0, ok = 1;
        for (size_t i = 2; i < 6; i++) {
            ok &= s[i] >= '0' && s[i] <= '9';
            v = v * 10 + (s[i] - '0');
        }
        if (ok && (s[0] == '0' || v == 0)) {
            *out = (float)((s[0] - '0') * 10000 + v) / 10000.0f;
            return 0;
        }
    }
    char num[32];
    if (n == 0 || n >= sizeof num)
        return -1;
    memcpy(num, s, n);
    num[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(num, &end);
    if (*end || errno || !(v >= 0 && v <= 1))
        return -1;
    *out = (float)v;
    return 0;
}

static int bad_word(const char *s, size_t n)
{
    if (n == 0 || n > 255)
        return 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == ' ')
            return 1;
    return 0;
}

static int lex_lines(jisr_lexicon *lx, jisr_lines *lr, const char *name);

static int lex_parse(jisr_lexicon *lx, const char *text, size_t len, const char *name)
{
    jisr_lines *lr = NULL;
    int rc = jisr_lines_open_memory(&lr, text, len, name, 0);
    if (rc < 0)
        return rc;
    rc = lex_lines(lx, lr, name);
    jisr_lines_close(lr);
    return rc;
}

static int lex_lines(jisr_lexicon *lx, jisr_lines *lr, const char *name)
{
    unsigned long line = 0;
    int seen_magic = 0, sorted = 1, more;
    const char *p;
    size_t n;
    while ((more = jisr_lines_next(lr, &p, &n)) > 0) {
        line = jisr_lines_lineno(lr);
        const char *le = p + n;
        if (n == 0)
            continue;
        if (*p == '#') {
            char hdr[256];
            size_t hn = n < sizeof hdr - 1 ? n : sizeof hdr - 1;
            memcpy(hdr, p, hn);
            hdr[hn] = '\0';
            int v = 0;
            unsigned long long pairs;
            double r, s0, s1;
            char l0[32], l1[32];
            if (sscanf(hdr, "# jisr lexicon %d", &v) == 1) {
                if (v > LEX_FORMAT)
                    return jisr_error_set(JISR_EUNSUPPORTED, name, line, 1,
                                          "lexicon format %d is newer than this jisr's (%d)", v,
                                          LEX_FORMAT);
                seen_magic = 1;
            } else if (sscanf(hdr, "# langs %31s %31s", l0, l1) == 2) {
                snprintf(lx->lang[0], sizeof lx->lang[0], "%s", l0);
                snprintf(lx->lang[1], sizeof lx->lang[1], "%s", l1);
            } else if (sscanf(hdr, "# tokens %d", &v) == 1) {
                if (v != AL_TOKENS_VERSION)
                    return jisr_error_set(JISR_EUNSUPPORTED, name, line, 1,
                                          "lexicon made with tokens version %d; this jisr makes "
                                          "version %d (train it again)",
                                          v, AL_TOKENS_VERSION);
            } else if (sscanf(hdr, "# pairs %llu", &pairs) == 1)
                lx->pairs = pairs;
            else if (sscanf(hdr, "# length %lf %lf %lf", &r, &s0, &s1) == 3) {
                if (!(r >= 0 && r < 1e6 && s0 >= 0 && s0 < 1e9 && s1 >= 0 && s1 < 1e9))
                    return jisr_error_set(JISR_EPARSE, name, line, 1, "bad length statistics");
                lx->ratio = r;
                lx->s2[0] = s0;
                lx->s2[1] = s1;
            } /* other comment lines are notes */
            continue;
        }
        if (!seen_magic)
            return jisr_error_set(JISR_EPARSE, name, line, 1,
                                  "not a jisr lexicon (no '# jisr lexicon' line first)");
        const char *f[4];
        size_t fn[4];
        const char *q = p;
        int k = 0;
        for (; k < 4 && q <= le; k++) {
            const char *tab = memchr(q, '\t', (size_t)(le - q));
            f[k] = q;
            fn[k] = (size_t)((tab ? tab : le) - q);
            q = tab ? tab + 1 : le + 1;
            if (!tab) {
                k++;
                break;
            }
        }
        if (k != 4 || q <= le)
            return jisr_error_set(JISR_EPARSE, name, line, 1,
                                  "expected STEM<TAB>STEM<TAB>PROB<TAB>PROB");
        float p0, p1;
        if (bad_word(f[0], fn[0]) || bad_word(f[1], fn[1]))
            return jisr_error_set(JISR_EPARSE, name, line, 1, "bad stem");
        if (parse_prob(f[2], fn[2], &p0) < 0)
            return jisr_error_set(JISR_EPARSE, name, line, (unsigned long)(f[2] - p) + 1,
                                  "expected a probability from 0 to 1");
        if (parse_prob(f[3], fn[3], &p1) < 0)
            return jisr_error_set(JISR_EPARSE, name, line, (unsigned long)(f[3] - p) + 1,
                                  "expected a probability from 0 to 1");
        int rc = lex_push(lx, f[0], fn[0], f[1], fn[1], p0, p1);
        if (rc < 0)
            return rc;
        if (lx->n > 1) {
            const lexent *a = &lx->v[lx->n - 2], *b = &lx->v[lx->n - 1];
            if (a->w[0] != b->w[0] &&
                strcmp(lx->words[0].str[a->w[0]], lx->words[0].str[b->w[0]]) > 0)
                sorted = 0;
        }
    }
    if (more < 0)
        return more;
    if (!seen_magic)
        return jisr_error_set(JISR_EPARSE, name, line ? line : 1, 1,
                              "not a jisr lexicon (no '# jisr lexicon' line first)");
    if (!lx->lang[0][0] || !lx->lang[1][0])
        return jisr_error_set(JISR_EPARSE, name, 0, 0, "no '# langs' line");
    return lex_index(lx, !sorted);
}

/* Inflates a gzip buffer (or copies a plain one) into out, at most LEX_MAX_BYTES. */
static int inflate_buf(const void *data, size_t n, const char *name, jisr_buf *out)
{
    const unsigned char *d = data;
    if (n < 2 || d[0] != 0x1f || d[1] != 0x8b) {
        if (n > LEX_MAX_BYTES)
            return jisr_error_set(JISR_ETOOBIG, name, 0, 0, "larger than %zu bytes", LEX_MAX_BYTES);
        return jisr_buf_append(out, data, n);
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory (zlib)");
    z.next_in = (Bytef *)d;
    z.avail_in = (uInt)n;
    int rc = 0;
    for (;;) {
        if ((rc = jisr_buf_reserve(out, 1 << 16)) < 0)
            break;
        z.next_out = (Bytef *)out->data + out->len;
        z.avail_out = 1 << 16;
        int zr = inflate(&z, Z_NO_FLUSH);
        out->len += (1 << 16) - z.avail_out;
        out->data[out->len] = '\0';
        if (out->len > LEX_MAX_BYTES) {
            rc = jisr_error_set(JISR_ETOOBIG, name, 0, 0, "larger than %zu bytes inflated",
                                LEX_MAX_BYTES);
            break;
        }
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK) {
            rc = jisr_error_set(JISR_EPARSE, name, 0, 0, "corrupt gzip data (%s)",
                                z.msg ? z.msg : "zlib");
            break;
        }
    }
    inflateEnd(&z);
    return rc;
}

int jisr_lexicon_read_memory(jisr_lexicon **out, const void *data, size_t n, const char *name)
{
    if (!out)
        return jisr_null_arg("jisr_lexicon_read_memory", "out");
    *out = NULL;
    if (!data && n) /* NULL and 0 is an empty text (not a lexicon: no header) */
        return jisr_null_arg("jisr_lexicon_read_memory", "data");
    jisr_buf text = {0};
    jisr_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx)
        return jisr_oom(0);
    int rc = inflate_buf(data, n, name, &text);
    if (rc == 0 && text.len && memchr(text.data, '\0', text.len))
        rc = jisr_error_set(JISR_EPARSE, name, 0, 0, "binary data, not a lexicon");
    if (rc == 0)
        rc = lex_parse(lx, text.data ? text.data : "", text.len, name);
    jisr_buf_free(&text);
    if (rc < 0) {
        jisr_lexicon_free(lx);
        return rc;
    }
    *out = lx;
    return 0;
}

int jisr_lexicon_read(jisr_lexicon **out, const char *path)
{
    if (!out)
        return jisr_null_arg("jisr_lexicon_read", "out");
    *out = NULL;
    if (!path)
        return jisr_null_arg("jisr_lexicon_read", "path");
    jisr_buf raw = {0};
    int rc = al_read_file(path, LEX_MAX_BYTES, 0, &raw);
    if (rc == 0)
        rc = jisr_lexicon_read_memory(out, raw.data ? raw.data : "", raw.len, path);
    jisr_buf_free(&raw);
    return rc;
}

/* ---- the shipped lexicon ------------------------------------------------------------------- */

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static jisr_lexicon *default_lex;
static jisr_error default_err;

static void load_default(void)
{
    if (jisr_lexicon_read_memory(&default_lex, jisr_data_lexicon_ar_en_gz,
                                 jisr_data_lexicon_ar_en_gz_len, "lexicon-ar-en.gz") < 0)
        default_err = *jisr_error_last();
}

int jisr_lexicon_default(const jisr_lexicon **out, const char *lang1, const char *lang2)
{
    if (!out)
        return jisr_null_arg("jisr_lexicon_default", "out");
    *out = NULL;
    if (!((jisr_lang_matches(lang1, "ar") && jisr_lang_matches(lang2, "en")) ||
          (jisr_lang_matches(lang1, "en") && jisr_lang_matches(lang2, "ar"))))
        return jisr_error_set(JISR_ENOTFOUND, NULL, 0, 0, "no shipped lexicon for %s-%s",
                              lang1 ? lang1 : "?", lang2 ? lang2 : "?");
    pthread_once(&default_once, load_default);
    if (!default_lex)
        return jisr_error_set(default_err.code ? default_err.code : JISR_ENOMEM,
                              default_err.file[0] ? default_err.file : NULL, default_err.line,
                              default_err.col, "%s", default_err.msg);
    *out = default_lex;
    return 0;
}

/* ---- use by an aligner --------------------------------------------------------------------- */

int jisr_aligner_add_lexicon(jisr_aligner *a, const jisr_lexicon *lx)
{
    int col;
    if (!a || !lx)
        return jisr_null_arg("jisr_aligner_add_lexicon", a ? "lx" : "a");
    if (jisr_lang_matches(a->tk.srclang, lx->lang[0]) &&
        jisr_lang_matches(a->tk.tgtlang, lx->lang[1]))
        col = 0;
    else if (jisr_lang_matches(a->tk.srclang, lx->lang[1]) &&
             jisr_lang_matches(a->tk.tgtlang, lx->lang[0]))
        col = 1;
    else
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "a %s-%s lexicon cannot serve a %s-%s aligner", lx->lang[0],
                              lx->lang[1], a->tk.srclang, a->tk.tgtlang);
    if (a->nlex == AL_MAX_LEXICONS)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "at most %d lexicons", AL_MAX_LEXICONS);
    a->lex[a->nlex].lx = lx;
    a->lex[a->nlex].col = col;
    a->nlex++;
    /* the length statistics of the source → target direction, weighted by training pairs */
    double r = col == 0 ? lx->ratio : lx->ratio > 0 ? 1 / lx->ratio : 0;
    double s2 = lx->s2[col];
    double w = (double)(lx->pairs ? lx->pairs : 1);
    if (r > 0 && s2 > 0) {
        double tw = a->lex_weight_sum + w;
        a->lex_ratio =
            a->lex_ratio > 0 ? exp((a->lex_weight_sum * log(a->lex_ratio) + w * log(r)) / tw) : r;
        a->lex_s2 = a->lex_s2 > 0 ? (a->lex_weight_sum * a->lex_s2 + w * s2) / tw : s2;
        a->lex_weight_sum = tw;
    }
    return 0;
}

int al_lexicon_pairs(jisr_aligner *a)
{
    int rc = 0;
    float minp = (float)a->params.lex_min_p;
    for (int L = 0; rc == 0 && L < a->nlex; L++) {
        const jisr_lexicon *lx = a->lex[L].lx;
        int col = a->lex[L].col; /* the lexicon column of the aligner's source language */
        uint32_t nvoc = a->tk.voc.n;
        for (uint32_t f = 0; rc == 0 && f < nvoc; f++) {
            if (a->tk.kind[f] != 'S' || !a->df[f])
                continue;
            const char *stem = a->tk.voc.str[f] + 1;
            uint32_t w = al_vocab_find(&lx->words[col], stem, strlen(stem));
            if (w == UINT32_MAX)
                continue;
            uint32_t k0 = lx->start[col][w], k1 = lx->start[col][w + 1];
            for (uint32_t k = k0; rc == 0 && k < k1; k++) {
                const lexent *en = &lx->v[lx->by[col][k]];
                /* t(e|f) and t(f|e) for the aligner's direction */
                float pfe = col == 0 ? en->p[0] : en->p[1], pef = col == 0 ? en->p[1] : en->p[0];
                if (pfe < minp && pef < minp)
                    continue;
                const char *other = lx->words[1 - col].str[en->w[1 - col]];
                uint32_t e = al_tk_find(&a->tk, 'T', other, strlen(other));
                if (e != UINT32_MAX && e < a->idcap && a->dft[e])
                    rc = al_tr_add(a, f, e);
            }
        }
    }
    return rc;
}

/* ---- the trainer --------------------------------------------------------------------------- */

typedef struct tpair {
    size_t off; /* into ids */
    uint32_t nf, ne;
    float x, y; /* characters */
} tpair;

struct jisr_lexicon_trainer {
    jisr_lexicon_train_opts o;
    char srclang[32], tgtlang[32];
    al_tk tk;
    uint32_t *ids;
    size_t nids, capids;
    tpair *p;
    size_t np, capp;
    size_t cells;
    uint64_t skipped;
    jisr_buf s, t;
};

int jisr_lexicon_trainer_new(jisr_lexicon_trainer **out, const jisr_lexicon_train_opts *opts)
{
    if (!out)
        return jisr_null_arg("jisr_lexicon_trainer_new", "out");
    *out = NULL;
    jisr_lexicon_train_opts def = JISR_LEXICON_TRAIN_OPTS_INIT;
    if (opts && opts->version != JISR_LEXICON_TRAIN_OPTS_VERSION)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_lexicon_train_opts: unknown version %u", opts->version);
    jisr_lexicon_trainer *tr = calloc(1, sizeof *tr);
    if (!tr)
        return jisr_oom(0);
    tr->o = opts ? *opts : def;
    if (tr->o.iterations <= 0)
        tr->o.iterations = def.iterations;
    if (tr->o.max_tokens == 0)
        tr->o.max_tokens = def.max_tokens;
    if (tr->o.max_cells == 0)
        tr->o.max_cells = def.max_cells;
    snprintf(tr->srclang, sizeof tr->srclang, "%s", tr->o.srclang ? tr->o.srclang : "ar");
    snprintf(tr->tgtlang, sizeof tr->tgtlang, "%s", tr->o.tgtlang ? tr->o.tgtlang : "en");
    int rc;
    if (!tr->srclang[0] || !tr->tgtlang[0] || jisr_lang_equal(tr->srclang, tr->tgtlang))
        rc = jisr_error_set(JISR_EINVAL, NULL, 0, 0, "a lexicon needs two different languages");
    else
        rc = al_tk_init(&tr->tk, tr->srclang, tr->tgtlang);
    tr->tk.norm_chars = 1;
    if (rc < 0) {
        jisr_lexicon_trainer_free(tr);
        return rc;
    }
    *out = tr;
    return 0;
}

void jisr_lexicon_trainer_free(jisr_lexicon_trainer *tr)
{
    if (!tr)
        return;
    al_tk_free(&tr->tk);
    free(tr->ids);
    free(tr->p);
    jisr_buf_free(&tr->s);
    jisr_buf_free(&tr->t);
    free(tr);
}

void jisr_lexicon_trainer_counts(const jisr_lexicon_trainer *tr, uint64_t *taken, uint64_t *skipped)
{
    if (taken)
        *taken = tr ? tr->np : 0;
    if (skipped)
        *skipped = tr ? tr->skipped : 0;
}

/* The word ids of one side appended to tk->ids; returns how many. */
static int side_words(jisr_lexicon_trainer *tr, char side, const char *s, size_t n, double *chars,
                      size_t *count)
{
    size_t before = tr->tk.nids;
    int rc = al_tk_sentence(&tr->tk, side, s, n, 0, chars);
    if (rc < 0)
        return rc;
    size_t k = before;
    for (size_t i = before; i < tr->tk.nids; i++)
        if (tr->tk.kind[tr->tk.ids[i]] == (unsigned char)side)
            tr->tk.ids[k++] = tr->tk.ids[i];
    tr->tk.nids = k;
    *count = k - before;
    return 0;
}

int jisr_lexicon_trainer_add(jisr_lexicon_trainer *tr, const char *src, size_t src_len,
                             const char *tgt, size_t tgt_len)
{
    /* NULL and 0 is an empty sentence (the pair is then skipped) */
    if (!tr || (!src && src_len) || (!tgt && tgt_len))
        return jisr_null_arg("jisr_lexicon_trainer_add", !tr               ? "tr"
                                                         : !src && src_len ? "src"
                                                                           : "tgt");
    tr->tk.nids = 0;
    double x = 0, y = 0;
    size_t nf = 0, ne = 0;
    int rc;
    if ((rc = side_words(tr, 'S', src, src_len, &x, &nf)) < 0 ||
        (rc = side_words(tr, 'T', tgt, tgt_len, &y, &ne)) < 0)
        return rc;
    if (nf == 0 || ne == 0 || nf > tr->o.max_tokens || ne > tr->o.max_tokens ||
        tr->cells + ne * (nf + 2) > tr->o.max_cells) {
        tr->skipped++;
        return 0;
    }
    if ((rc = JISR_GROW(tr->p, tr->capp, tr->np + 1)) < 0 ||
        (rc = JISR_GROW(tr->ids, tr->capids, tr->nids + nf + ne)) < 0)
        return rc;
    tpair *p = &tr->p[tr->np++];
    p->off = tr->nids;
    p->nf = (uint32_t)nf;
    p->ne = (uint32_t)ne;
    p->x = (float)x;
    p->y = (float)y;
    memcpy(tr->ids + tr->nids, tr->tk.ids, (nf + ne) * sizeof *tr->ids);
    tr->nids += nf + ne;
    tr->cells += ne * (nf + 2);
    return 0;
}

/* The variant of u in language want, or of undetermined language whose script says want. */
static const jisr_variant *pick(const jisr_unit *u, const char *want, const jisr_variant * not )
{
    const jisr_variant *v = jisr_unit_find(u, want);
    if (v)
        return v;
    int ar = jisr_lang_matches(want, "ar");
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *c = &u->variants[i];
        if (c == not || (c->lang && c->lang[0] && !jisr_lang_matches(c->lang, "und")))
            continue;
        const char *g = jisr_text_guess_lang(c->text ? c->text : "", c->text ? strlen(c->text) : 0);
        if (ar ? strcmp(g, "ar") == 0 : strcmp(g, "en") == 0)
            return c;
    }
    return NULL;
}

int jisr_lexicon_trainer_add_unit(jisr_lexicon_trainer *tr, const jisr_unit *u)
{
    if (!tr || !u)
        return jisr_null_arg("jisr_lexicon_trainer_add_unit", tr ? "u" : "tr");
    /* the language the script cannot tell apart is picked last */
    int src_first = jisr_lang_matches(tr->srclang, "ar");
    const jisr_variant *s = NULL, *t = NULL;
    if (src_first) {
        s = pick(u, tr->srclang, NULL);
        t = pick(u, tr->tgtlang, s);
    } else {
        t = pick(u, tr->tgtlang, NULL);
        s = pick(u, tr->srclang, t);
    }
    if (!s || !t || s == t)
        return 0;
    jisr_buf_reset(&tr->s);
    jisr_buf_reset(&tr->t);
    int rc;
    if ((rc = jisr_variant_plain(s, &tr->s)) < 0 || (rc = jisr_variant_plain(t, &tr->t)) < 0)
        return rc;
    if ((rc = jisr_lexicon_trainer_add(tr, tr->s.data ? tr->s.data : "", tr->s.len,
                                       tr->t.data ? tr->t.data : "", tr->t.len)) < 0)
        return rc;
    return 1;
}

int jisr_lexicon_trainer_add_file(jisr_lexicon_trainer *tr, const char *path,
                                  const jisr_read_opts *ropts, uint64_t *units)
{
    jisr_read_opts def = JISR_READ_OPTS_INIT;
    jisr_reader *r = NULL;
    uint64_t taken = 0;
    if (units)
        *units = 0;
    if (!tr || !path)
        return jisr_null_arg("jisr_lexicon_trainer_add_file", tr ? "path" : "tr");
    int rc = jisr_reader_open(&r, path, ropts ? ropts : &def);
    jisr_unit u;
    jisr_unit_init(&u);
    while (rc >= 0 && (rc = jisr_reader_next(r, &u)) > 0) {
        if ((rc = jisr_lexicon_trainer_add_unit(tr, &u)) < 0)
            break;
        taken += (uint64_t)rc;
    }
    jisr_unit_clear(&u);
    jisr_reader_close(r);
    if (units)
        *units = taken;
    return rc < 0 ? rc : 0;
}

static int fcmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Character ratio of the training pairs and the Gale–Church variance both ways (the median of
 * the squared normalised differences over that of a chi-square with one degree of freedom). */
static int length_stats(const jisr_lexicon_trainer *tr, jisr_lexicon *lx)
{
    double sx = 0, sy = 0;
    for (size_t k = 0; k < tr->np; k++) {
        sx += tr->p[k].x;
        sy += tr->p[k].y;
    }
    if (!(sx > 0 && sy > 0))
        return 0;
    double c = sy / sx;
    double *v = malloc((tr->np ? tr->np : 1) * sizeof *v);
    if (!v)
        return jisr_oom(0);
    for (int dir = 0; dir < 2; dir++) {
        double cd = dir ? 1 / c : c;
        for (size_t k = 0; k < tr->np; k++) {
            double x = dir ? tr->p[k].y : tr->p[k].x, y = dir ? tr->p[k].x : tr->p[k].y;
            double m = (x + y / cd) / 2 + 1;
            v[k] = (y - cd * x) * (y - cd * x) / m;
        }
        qsort(v, tr->np, sizeof *v, fcmp);
        lx->s2[dir] = round(v[tr->np / 2] / 0.455 * 1e4) / 1e4;
    }
    free(v);
    lx->ratio = round(c * 1e4) / 1e4;
    return 0;
}

static float round4(double p)
{
    return (float)(round(p * 1e4) / 1e4);
}

int jisr_lexicon_trainer_finish(jisr_lexicon_trainer *tr, jisr_lexicon **out)
{
    if (out)
        *out = NULL;
    if (!tr || !out)
        return jisr_null_arg("jisr_lexicon_trainer_finish", tr ? "out" : "tr");
    if (tr->np == 0)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no sentence pairs to train on");
    al_m1pair *pairs = malloc(tr->np * sizeof *pairs);
    jisr_lexicon *lx = calloc(1, sizeof *lx);
    al_m1table tab = {0};
    int rc = 0;
    if (!pairs || !lx) {
        rc = jisr_oom(0);
        goto done;
    }
    for (size_t k = 0; k < tr->np; k++) {
        pairs[k].f = tr->ids + tr->p[k].off;
        pairs[k].nf = tr->p[k].nf;
        pairs[k].e = tr->ids + tr->p[k].off + tr->p[k].nf;
        pairs[k].ne = tr->p[k].ne;
    }
    const uint32_t nid = tr->tk.voc.n;
    if ((rc = al_m1_train(pairs, tr->np, nid, tr->o.iterations, 1, &tab, tr->o.progress,
                          tr->o.ctx)) < 0)
        goto done;
    snprintf(lx->lang[0], sizeof lx->lang[0], "%s", tr->srclang);
    snprintf(lx->lang[1], sizeof lx->lang[1], "%s", tr->tgtlang);
    lx->pairs = tr->np;
    if ((rc = length_stats(tr, lx)) < 0)
        goto done;
    for (size_t i = 0; rc == 0 && i < tab.n; i++) {
        uint32_t f = tab.pf[i], e = tab.pe[i];
        if (f == nid || e == nid || tab.cooc[i] < tr->o.min_count)
            continue;
        float pfe = round4(tab.tfe[i]), pef = round4(tab.tef[i]);
        if (pfe < tr->o.min_prob && pef < tr->o.min_prob)
            continue;
        const char *fs = tr->tk.voc.str[f] + 1, *es = tr->tk.voc.str[e] + 1;
        rc = lex_push(lx, fs, strlen(fs), es, strlen(es), pfe, pef);
    }
    if (rc == 0)
        rc = lex_index(lx, 1);
    if (tr->o.progress)
        tr->o.progress(tr->o.ctx, "done", 1.0);
done:
    free(pairs);
    al_m1table_free(&tab);
    if (rc < 0) {
        jisr_lexicon_free(lx);
        return rc;
    }
    *out = lx;
    return 0;
}
