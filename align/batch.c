/*
 * batch.c — list files of documents (`jisr align --batch LIST`, `jisr align-eval --list`): one
 * row per line, tab-separated fields, an id first and file names after it, relative to the list
 * file's directory.
 *
 * The ids of a batch name its output files, so with JISR_ALIGN_LIST_IDS they are checked when the
 * list is read, before anything is aligned or written: an id that could leave the output folder
 * or be hidden ("", "..", "a/b") is refused, and so is an id given twice (the second document
 * would silently replace the first one's output), naming the lines of both rows.
 */
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

static int check_id(const char *path, const jisr_align_list_row *r)
{
    const char *id = r->f[0];
    if (!id[0] || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, ".."))
        return jisr_error_set(JISR_EPARSE, path, r->line, 1,
                              "document id must be non-empty, not . or .., and contain no '/'");
    return 0;
}

int jisr_align_list_read(jisr_align_list *out, const char *path, size_t min_fields, unsigned flags)
{
    if (!out)
        return jisr_null_arg("jisr_align_list_read", "out");
    memset(out, 0, sizeof *out);
    if (!path)
        return jisr_null_arg("jisr_align_list_read", "path");
    jisr_lines *in = NULL;
    al_vocab ids = {0};
    unsigned long *id_line = NULL;
    int rc = jisr_lines_open(&in, path, JISR_LINES_UTF8 | JISR_LINES_NO_NUL);
    size_t cap = 0, id_cap = 0;
    const char *slash = strrchr(path, '/');
    out->dir = jisr_strndup(path, slash ? (size_t)(slash - path + 1) : 0);
    if (!out->dir && rc >= 0)
        rc = jisr_oom(0);
    if (strcmp(path, "-") == 0 && out->dir)
        out->dir[0] = '\0';
    while (rc >= 0) {
        const char *t;
        size_t n;
        if ((rc = jisr_lines_next(in, &t, &n)) <= 0)
            break;
        unsigned long line = jisr_lines_lineno(in);
        if (n == 0 || t[0] == '#')
            continue;
        if ((rc = JISR_GROW(out->rows, cap, out->n + 1)) < 0 ||
            (rc = JISR_GROW(id_line, id_cap, out->n + 1)) < 0)
            break;
        jisr_align_list_row *r = &out->rows[out->n++];
        memset(r, 0, sizeof *r);
        r->line = line;
        size_t nf = 1;
        for (size_t i = 0; i < n; i++)
            nf += t[i] == '\t';
        if (!(r->f = calloc(nf, sizeof *r->f))) {
            rc = jisr_oom(0);
            break;
        }
        const char *p = t, *end = t + n;
        while (rc >= 0 && r->n < nf) {
            const char *tab = memchr(p, '\t', (size_t)(end - p));
            const char *e = tab ? tab : end;
            if (e > p && e[-1] == '\r')
                e--;
            if (!(r->f[r->n] = jisr_strndup(p, (size_t)(e - p))))
                rc = jisr_oom(0);
            r->n++;
            p = tab ? tab + 1 : end;
        }
        if (rc >= 0 && r->n < min_fields)
            rc = jisr_error_set(JISR_EPARSE, path, line, 1,
                                "expected at least %zu tab-separated fields, found %zu", min_fields,
                                r->n);
        if (rc >= 0 && (flags & JISR_ALIGN_LIST_IDS)) {
            if ((rc = check_id(path, r)) < 0)
                break;
            uint32_t before = ids.n;
            uint32_t k = al_vocab_intern(&ids, r->f[0], strlen(r->f[0]));
            if (k == UINT32_MAX)
                rc = jisr_oom(0);
            else if (k < before)
                rc = jisr_error_set(JISR_EPARSE, path, line, 1,
                                    "document id \"%s\" is repeated (first on line %lu): each "
                                    "output file would replace the other",
                                    r->f[0], id_line[k]);
            else
                id_line[k] = line;
        }
    }
    jisr_lines_close(in);
    al_vocab_free(&ids);
    free(id_line);
    if (rc < 0) {
        jisr_align_list_free(out);
        return rc;
    }
    return 0;
}

char *jisr_align_list_path(const jisr_align_list *l, const char *f)
{
    if (!l || !f) {
        jisr_null_arg("jisr_align_list_path", l ? "f" : "l");
        return NULL;
    }
    jisr_buf b = {0};
    if (f[0] != '/' && l->dir)
        jisr_buf_puts(&b, l->dir);
    if (jisr_buf_puts(&b, f) < 0) {
        jisr_buf_free(&b);
        return NULL;
    }
    return b.data;
}

void jisr_align_list_free(jisr_align_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < l->rows[i].n; k++)
            free(l->rows[i].f[k]);
        free(l->rows[i].f);
    }
    free(l->rows);
    free(l->dir);
    memset(l, 0, sizeof *l);
}
