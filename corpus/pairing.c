/*
 * pairing.c — from command-line inputs (files and folders) to pairs of documents: collecting
 * the files, reading each through the doc layer, deciding its side, feeding the document
 * aligner, and rendering the result as a `jisr align --batch` list with scores.
 *
 * A side is the input's position (by_position) or the document's script: Arabic letters
 * against Latin ones (jisr_text_guess_lang), which is how a folder of mixed Arabic and English
 * files is split without being told. A file that cannot be read (unsupported format, a PDF
 * without pdftotext, malformed, empty) is kept in the list with the reason and skipped: one bad
 * file never stops a corpus.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/corpus_int.h"
#include "text/text.h"

static int side_of_lang(const jisr_pair_opts *o, const char *guess)
{
    int sa = jisr_lang_matches(o->align.srclang, "ar"),
        ta = jisr_lang_matches(o->align.tgtlang, "ar");
    if (strcmp(guess, "ar") == 0)
        return sa ? 0 : ta ? 1 : -1;
    if (strcmp(guess, "en") == 0)
        return !sa && ta ? 0 : sa && !ta ? 1 : -1;
    return -1;
}

void jisr_pairing_free(jisr_pairing *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ndocs; i++) {
        free(p->docs[i].path);
        free(p->docs[i].why);
    }
    for (size_t i = 0; i < p->npairs; i++)
        free(p->ids[i]);
    free(p->docs);
    free(p->by_side[0]);
    free(p->by_side[1]);
    free(p->pairs);
    free(p->ids);
    free(p->best[0]);
    free(p->best[1]);
    free(p);
}

/* Read one document's paragraphs (into the growing arrays) and guess its language. */
static int read_doc(const char *path, const jisr_doc_opts *dopts, jisr_buf *text, size_t **offs,
                    size_t *n, size_t *cap, char **why)
{
    jisr_doc *d = NULL;
    *n = 0;
    jisr_buf_reset(text);
    int rc = jisr_doc_open(&d, path, dopts);
    jisr_para p;
    while (rc == 0 && (rc = jisr_doc_next(d, &p)) > 0) {
        if (*n + 2 > *cap) {
            size_t c = *cap ? *cap * 2 : 256;
            size_t *v = realloc(*offs, c * sizeof *v);
            if (!v) {
                rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            *offs = v;
            *cap = c;
        }
        (*offs)[(*n)++] = text->len;
        if ((rc = jisr_buf_append(text, p.text, p.len + 1)) < 0) /* with its NUL */
            break;
        rc = 0;
    }
    jisr_doc_close(d);
    if (rc < 0) {
        char m[1200];
        jisr_error_format(m, sizeof m);
        *why = jisr_strdup(m);
        return rc == JISR_ENOMEM ? rc : 1;
    }
    if (*n == 0) {
        *why = jisr_strdup("no text");
        return 1;
    }
    return 0;
}

int jisr_corpus_pair(const char *const *inputs, size_t n, const jisr_pair_opts *opts,
                     jisr_pairing **out)
{
    jisr_pair_opts def = JISR_PAIR_OPTS_INIT;
    const jisr_pair_opts *o = opts ? opts : &def;
    *out = NULL;
    if (!o->by_position &&
        !(jisr_lang_matches(o->align.srclang, "ar") ^ jisr_lang_matches(o->align.tgtlang, "ar")))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "%s and %s are written in one script: give the source and the "
                              "target inputs apart (two arguments, or SRC... -- TGT...)",
                              o->align.srclang, o->align.tgtlang);
    jisr_pairing *p = calloc(1, sizeof *p);
    jisr_docaligner *da = NULL;
    jisr_strlist files = {0};
    size_t *origin = NULL; /* input index of each file */
    jisr_buf text = {0};
    size_t *offs = NULL, noffs = 0, capoffs = 0;
    const char **ptrs = NULL;
    size_t *lens = NULL;
    int rc = p ? 0 : jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t before = files.n;
        rc = jisr_corpus_collect(inputs[i], &files);
        size_t *v = rc == 0 ? realloc(origin, (files.n + 1) * sizeof *v) : NULL;
        if (rc == 0 && !v)
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        if (rc == 0) {
            origin = v;
            for (size_t k = before; k < files.n; k++)
                origin[k] = i;
        }
    }
    if (rc == 0)
        rc = jisr_docaligner_new(&da, &o->align);
    if (rc == 0 && files.n) {
        p->docs = calloc(files.n, sizeof *p->docs);
        p->by_side[0] = malloc(files.n * sizeof(size_t));
        p->by_side[1] = malloc(files.n * sizeof(size_t));
        if (!p->docs || !p->by_side[0] || !p->by_side[1])
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < files.n; i++) {
        jisr_docref *d = &p->docs[p->ndocs++];
        d->path = files.v[i];
        files.v[i] = NULL;
        d->side = -1;
        char *why = NULL;
        int r = read_doc(d->path, o->doc_opts, &text, &offs, &noffs, &capoffs, &why);
        if (r < 0) {
            rc = r;
            break;
        }
        if (r > 0) {
            d->why = why;
            continue;
        }
        int side = o->by_position ? (origin[i] < o->nsrc ? 0 : 1)
                                  : side_of_lang(o, jisr_text_guess_lang(text.data, text.len));
        if (side < 0) {
            d->why = jisr_strdup("in neither language (by its script)");
            continue;
        }
        const char **pv = realloc(ptrs, noffs * sizeof *pv);
        size_t *lv = pv ? realloc(lens, noffs * sizeof *lv) : NULL;
        if (pv)
            ptrs = pv;
        if (!pv || !lv) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        lens = lv;
        for (size_t k = 0; k < noffs; k++) {
            ptrs[k] = text.data + offs[k];
            lens[k] = strlen(ptrs[k]);
        }
        d->side = side;
        d->paras = noffs;
        if ((rc = jisr_docaligner_add(da, side, d->path, ptrs, lens, noffs, &d->index)) < 0)
            break;
        p->by_side[side][p->nside[side]++] = p->ndocs - 1;
        if (o->on_progress)
            o->on_progress(o->ctx, i + 1, files.n);
    }
    if (rc == 0)
        rc = jisr_docaligner_run(da);
    if (rc == 0) {
        size_t np;
        const jisr_docpair *dp = jisr_docaligner_pairs(da, &np);
        p->pairs = malloc((np + 1) * sizeof *p->pairs);
        p->ids = calloc(np + 1, sizeof *p->ids);
        for (int s = 0; s < 2; s++)
            p->best[s] = malloc((p->nside[s] + 1) * sizeof *p->best[s]);
        if (!p->pairs || !p->ids || !p->best[0] || !p->best[1])
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        for (int s = 0; rc == 0 && s < 2; s++)
            for (size_t i = 0; i < p->nside[s]; i++)
                p->best[s][i] = jisr_docaligner_best(da, s, i);
        cmap seen = {0};
        for (size_t k = 0; rc == 0 && k < np; k++) {
            p->pairs[k] = dp[k];
            /* id: the source file's base name without its extensions, made unique */
            const char *path = p->docs[p->by_side[0][dp[k].src]].path;
            const char *b = strrchr(path, '/');
            b = b ? b + 1 : path;
            char id[256];
            snprintf(id, sizeof id, "%s", b);
            char *dot = strchr(id + 1, '.');
            if (dot)
                *dot = '\0';
            for (char *c = id; *c; c++)
                if (*c == '\t' || *c == '\n' || *c == '\r' || *c == '#')
                    *c = '_';
            char uniq[300];
            snprintf(uniq, sizeof uniq, "%s", id);
            for (int dup = 2; cmap_find(&seen, uniq, strlen(uniq)) != UINT32_MAX; dup++)
                snprintf(uniq, sizeof uniq, "%s-%d", id, dup);
            if (cmap_intern(&seen, uniq, strlen(uniq)) == UINT32_MAX ||
                !(p->ids[k] = jisr_strdup(uniq)))
                rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            p->npairs = k + 1;
        }
        cmap_free(&seen);
    }
    jisr_docaligner_free(da);
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    free(origin);
    jisr_buf_free(&text);
    free(offs);
    free(ptrs);
    free(lens);
    if (rc < 0) {
        jisr_pairing_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

static int put_path(jisr_buf *b, const char *path, int absolute)
{
    if (absolute && path[0] != '/') {
        char real[PATH_MAX];
        if (realpath(path, real))
            return jisr_buf_puts(b, real);
    }
    return jisr_buf_puts(b, path);
}

int jisr_pairing_format(const jisr_pairing *p, int absolute, jisr_buf *out)
{
    size_t skipped = 0;
    for (size_t i = 0; i < p->ndocs; i++)
        skipped += p->docs[i].side < 0;
    int rc = jisr_buf_printf(out,
                             "# jisr docalign: %zu source and %zu target documents, %zu pairs, "
                             "%zu and %zu unpaired, %zu skipped\n"
                             "# id\tsource\ttarget\tscore\n",
                             p->nside[0], p->nside[1], p->npairs, p->nside[0] - p->npairs,
                             p->nside[1] - p->npairs, skipped);
    for (size_t k = 0; rc == 0 && k < p->npairs; k++) {
        jisr_buf_printf(out, "%s\t", p->ids[k]);
        put_path(out, p->docs[p->by_side[0][p->pairs[k].src]].path, absolute);
        jisr_buf_putc(out, '\t');
        put_path(out, p->docs[p->by_side[1][p->pairs[k].tgt]].path, absolute);
        rc = jisr_buf_printf(out, "\t%.4f\n", p->pairs[k].score);
    }
    for (int s = 0; rc == 0 && s < 2; s++) {
        unsigned char *paired = calloc(p->nside[s] + 1, 1);
        if (!paired)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t k = 0; k < p->npairs; k++)
            paired[s ? p->pairs[k].tgt : p->pairs[k].src] = 1;
        for (size_t i = 0; rc == 0 && i < p->nside[s]; i++) {
            if (paired[i])
                continue;
            jisr_buf_printf(out, "# unpaired %s\t", s ? "target" : "source");
            put_path(out, p->docs[p->by_side[s][i]].path, absolute);
            jisr_docbest b = p->best[s][i];
            if (b.partner != SIZE_MAX) {
                jisr_buf_puts(out, "\tbest candidate ");
                put_path(out, p->docs[p->by_side[!s][b.partner]].path, absolute);
                jisr_buf_printf(out, " %.4f", b.score);
            }
            rc = jisr_buf_putc(out, '\n');
        }
        free(paired);
    }
    for (size_t i = 0; rc == 0 && i < p->ndocs; i++) {
        if (p->docs[i].side >= 0)
            continue;
        jisr_buf_puts(out, "# skipped\t");
        put_path(out, p->docs[i].path, absolute);
        rc = jisr_buf_printf(out, "\t%s\n", p->docs[i].why ? p->docs[i].why : "");
    }
    return rc;
}
