/*
 * pairing.c — from command-line inputs (files and folders) to pairs of documents: collecting
 * the files, reading each through the doc layer, deciding its side, feeding the document
 * aligner, and rendering the result as a `jisr align --batch` list with scores.
 *
 * A side is the input's position (by_position) or the document's script: Arabic letters
 * against Latin ones (jisr_text_guess_lang), which is how a folder of mixed Arabic and English
 * files is split without being told. A file that cannot be read (unsupported format, a PDF
 * without pdftotext, malformed, empty) is kept in the list with the reason and skipped: one bad
 * file never stops a corpus. So is what a folder holds that is not a file to read (a broken
 * symbolic link, a link to a directory, a FIFO), and, for a list, a file whose path holds a tab
 * or a line break (the list's separators: the row would break).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/corpus_int.h"
#include "text/text.h"
#include "util/util_int.h"

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

/* Read one document's paragraphs (into the growing arrays). */
int corpus_read_doc(const char *path, const jisr_doc_opts *dopts, jisr_buf *text, size_t **offs,
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

/* Drop entry i of the collected files (the temporary of an output being written). */
static void drop_file(jisr_strlist *files, jisr_strlist *why, size_t *origin, size_t i)
{
    free(files->v[i]);
    free(why->v[i]);
    memmove(files->v + i, files->v + i + 1, (files->n - i - 1) * sizeof *files->v);
    memmove(why->v + i, why->v + i + 1, (why->n - i - 1) * sizeof *why->v);
    memmove(origin + i, origin + i + 1, (files->n - i - 1) * sizeof *origin);
    files->n--;
    why->n--;
}

/* Whether path's first bytes are those of a file jisr writes among documents: a corpus report
 * (HTML or JSON), a docalign list, a TMX corpus. */
static int written_by_jisr(const char *path)
{
    char b[1025];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(b, 1, sizeof b - 1, f);
    fclose(f);
    b[n] = '\0';
    if (strlen(b) != n)
        return 0; /* a NUL byte: none of them */
    return strncmp(b, "# jisr docalign:", 16) == 0 ||
           strstr(b, "<title>jisr corpus report</title>") ||
           (strncmp(b, "{\"srclang\":", 11) == 0 && strstr(b, "\"totals\":{\"documents\":")) ||
           (strncmp(b, "<?xml", 5) == 0 && strstr(b, "<header creationtool=\"jisr\""));
}

/* The files found against the command's outputs, before any is read: one given as an input is
 * an error; one found in a folder is skipped with the reason, never read, when it is a file
 * jisr writes there (a report or a list an earlier run left among the documents), and an error
 * otherwise (it may be a document: replacing it would lose it); the temporary of one is left
 * out; the others are recorded as inputs. */
static int check_outputs(jisr_fileset *set, const char *const *inputs, jisr_strlist *files,
                         jisr_strlist *why, size_t *origin)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && set && i < files->n;) {
        int role = why->v[i][0] ? 0 : jisr_fileset_is_output(set, files->v[i]);
        if (role == 2) {
            drop_file(files, why, origin, i);
            continue;
        }
        if (role == 1 && strcmp(files->v[i], inputs[origin[i]]) != 0 &&
            written_by_jisr(files->v[i])) {
            char *r = jisr_strdup("one of this command's outputs (not read)");
            if (!r)
                return jisr_oom(0);
            free(why->v[i]);
            why->v[i] = r;
            i++;
            continue;
        }
        if (role == 1)
            return jisr_error_set(JISR_EINVAL, files->v[i], 0, 0,
                                  "is one of this command's outputs, and not a report, list "
                                  "or TMX corpus jisr wrote: it would be read as a document and "
                                  "then replaced (choose an output file outside the inputs)");
        if (!why->v[i][0])
            rc = jisr_fileset_add_input(set, files->v[i]);
        i++;
    }
    return rc;
}

int jisr_corpus_pair(const char *const *inputs, size_t n, const jisr_pair_opts *opts,
                     jisr_pairing **out)
{
    return corpus_pair(inputs, n, opts, NULL, 1, out);
}

int jisr_corpus_pair_files(const char *const *inputs, size_t n, const jisr_pair_opts *opts,
                           jisr_fileset *files, jisr_pairing **out)
{
    return corpus_pair(inputs, n, opts, files, 1, out);
}

int corpus_pair(const char *const *inputs, size_t n, const jisr_pair_opts *opts, jisr_fileset *set,
                int list_names, jisr_pairing **out)
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
    jisr_strlist files = {0}, why = {0}; /* why: "" or the reason a file is left out */
    size_t *origin = NULL;               /* input index of each file */
    jisr_buf text = {0};
    size_t *offs = NULL, noffs = 0, capoffs = 0;
    const char **ptrs = NULL;
    size_t *lens = NULL;
    corpus_vdoc *vd[2] = {NULL, NULL}; /* a small collection's texts, for corpus_verify */
    int verify = 0;
    int rc = p ? 0 : jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t before = files.n;
        rc = corpus_collect(inputs[i], &files, &why);
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
        rc = check_outputs(set, inputs, &files, &why, origin);
    if (rc == 0)
        rc = jisr_docaligner_new(&da, &o->align);
    if (rc == 0 && files.n && files.n <= CORPUS_VERIFY_DOCS && corpus_verify_applies(&o->align)) {
        verify = 1;
        for (int s = 0; s < 2; s++)
            if (!(vd[s] = calloc(files.n, sizeof *vd[s])))
                rc = jisr_oom(0);
    }
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
        const char *skip = why.v[i][0] ? why.v[i]
                           : list_names && strpbrk(d->path, "\t\n\r")
                               ? "its name holds a tab or a line break, which a list cannot carry "
                                 "(rename it)"
                               : NULL;
        if (skip) {
            if (!(d->why = jisr_strdup(skip))) {
                rc = JISR_ENOMEM;
                break;
            }
            continue;
        }
        char *whyread = NULL;
        int r = corpus_read_doc(d->path, o->doc_opts, &text, &offs, &noffs, &capoffs, &whyread);
        if (r < 0) {
            rc = r;
            break;
        }
        if (r > 0) {
            d->why = whyread;
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
        if (verify) {
            corpus_vdoc *v = &vd[side][p->nside[side]];
            v->text = malloc(text.len + 1);
            v->off = malloc((noffs + 1) * sizeof *v->off);
            if (!v->text || !v->off) {
                rc = jisr_oom(0);
                break;
            }
            memcpy(v->text, text.data, text.len);
            memcpy(v->off, offs, noffs * sizeof *offs);
            v->n = noffs;
        }
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
        for (int s = 0; s < 2; s++)
            p->best[s] = malloc((p->nside[s] + 1) * sizeof *p->best[s]);
        if (!p->pairs || !p->best[0] || !p->best[1])
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        for (int s = 0; rc == 0 && s < 2; s++)
            for (size_t i = 0; i < p->nside[s]; i++)
                p->best[s][i] = jisr_docaligner_best(da, s, i);
        if (rc == 0 && np)
            memcpy(p->pairs, dp, np * sizeof *dp);
        if (rc == 0 && verify && p->nside[0] && p->nside[1])
            rc = corpus_verify(&o->align, (const corpus_vdoc *const *)vd, p->nside, &p->pairs, &np,
                               p->best);
        p->ids = rc == 0 ? calloc(np + 1, sizeof *p->ids) : NULL;
        if (rc == 0 && !p->ids)
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        cmap seen = {0};
        for (size_t k = 0; rc == 0 && k < np; k++) {
            /* id: the source file's base name without its extensions, made unique */
            const char *path = p->docs[p->by_side[0][p->pairs[k].src]].path;
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
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; vd[s] && i < files.n; i++) {
            free(vd[s][i].text);
            free(vd[s][i].off);
        }
        free(vd[s]);
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    jisr_strlist_free(&why);
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

/* A path or a reason in a "#" line: a tab, line feed or carriage return as \t, \n, \r (a row of
 * the list may not start inside a comment). */
static int put_escaped(jisr_buf *b, const char *s)
{
    int rc = 0;
    for (const char *p = s; rc == 0 && *p; p++)
        rc = *p == '\t'   ? jisr_buf_puts(b, "\\t")
             : *p == '\n' ? jisr_buf_puts(b, "\\n")
             : *p == '\r' ? jisr_buf_puts(b, "\\r")
                          : jisr_buf_putc(b, *p);
    return rc;
}

/* path made absolute into real (PATH_MAX bytes): resolved when it can be; else (a broken
 * symbolic link, a file gone since it was found) its directory resolved and its own name kept,
 * or failing that the working directory before it: a list written with -o names every file
 * absolutely, the skipped ones too. Returns path itself when nothing works. */
static const char *absolute_name(const char *path, char *real)
{
    if (realpath(path, real))
        return real;
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (slash && slash != path && (size_t)(slash - path) < sizeof dir) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    } else {
        snprintf(dir, sizeof dir, "%s", slash ? "/" : ".");
    }
    const char *base = slash ? slash + 1 : path;
    char rd[PATH_MAX];
    if (realpath(dir, rd) &&
        (size_t)snprintf(real, PATH_MAX, "%s%s%s", rd, strcmp(rd, "/") ? "/" : "", base) < PATH_MAX)
        return real;
    return path;
}

/* A path as found, or absolute; escaped in a comment, refused in a row when it holds the
 * list's separators (only an absolute path can: jisr_corpus_pair skips the others). */
static int put_path(jisr_buf *b, const char *path, int absolute, int comment)
{
    char real[PATH_MAX];
    if (absolute && path[0] != '/')
        path = absolute_name(path, real);
    if (comment)
        return put_escaped(b, path);
    if (strpbrk(path, "\t\n\r"))
        return jisr_error_set(JISR_EINVAL, path, 0, 0,
                              "its absolute name holds a tab or a line break, which a list "
                              "cannot carry");
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
        if ((rc = jisr_buf_printf(out, "%s\t", p->ids[k])) < 0 ||
            (rc = put_path(out, p->docs[p->by_side[0][p->pairs[k].src]].path, absolute, 0)) < 0 ||
            (rc = jisr_buf_putc(out, '\t')) < 0 ||
            (rc = put_path(out, p->docs[p->by_side[1][p->pairs[k].tgt]].path, absolute, 0)) < 0)
            break;
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
            put_path(out, p->docs[p->by_side[s][i]].path, absolute, 1);
            jisr_docbest b = p->best[s][i];
            if (b.partner != SIZE_MAX) {
                jisr_buf_puts(out, "\tbest candidate ");
                put_path(out, p->docs[p->by_side[!s][b.partner]].path, absolute, 1);
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
        put_path(out, p->docs[i].path, absolute, 1);
        jisr_buf_putc(out, '\t');
        put_escaped(out, p->docs[i].why ? p->docs[i].why : "");
        rc = jisr_buf_putc(out, '\n');
    }
    return rc;
}
