/*
 * cmap.c — interned strings with dense ids (open addressing, FNV-1a hashes kept in the slots so
 * a probe compares strings only on a hash match), and the file collection of corpus.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus/corpus_int.h"
#include "util/util_int.h"

uint64_t cmap_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint32_t lookup(const cmap *m, const char *s, size_t n, uint64_t h, uint32_t *slot)
{
    uint32_t mask = m->nslot - 1, i = (uint32_t)(h ^ (h >> 32)) & mask;
    uint32_t hi = (uint32_t)(h >> 32);
    for (;;) {
        uint64_t v = m->slot[i];
        if (!v) {
            *slot = i;
            return UINT32_MAX;
        }
        uint32_t id = (uint32_t)v - 1;
        if ((uint32_t)(v >> 32) == hi && strncmp(m->str[id], s, n) == 0 && m->str[id][n] == '\0')
            return id;
        i = (i + 1) & mask;
    }
}

uint32_t cmap_find(const cmap *m, const char *s, size_t n)
{
    uint32_t slot;
    if (!m->nslot)
        return UINT32_MAX;
    return lookup(m, s, n, cmap_hash(s, n), &slot);
}

static int grow(cmap *m)
{
    uint32_t ns = m->nslot ? m->nslot * 2 : 1024;
    uint64_t *sl = calloc(ns, sizeof *sl);
    if (!sl)
        return -1;
    for (uint32_t i = 0; i < m->nslot; i++) {
        uint64_t v = m->slot[i];
        if (!v)
            continue;
        const char *s = m->str[(uint32_t)v - 1];
        uint64_t h = cmap_hash(s, strlen(s));
        uint32_t k = (uint32_t)(h ^ (h >> 32)) & (ns - 1);
        while (sl[k])
            k = (k + 1) & (ns - 1);
        sl[k] = v;
    }
    free(m->slot);
    m->slot = sl;
    m->nslot = ns;
    return 0;
}

uint32_t cmap_intern(cmap *m, const char *s, size_t n)
{
    if ((m->n + 1) * 2 > m->nslot && grow(m) < 0)
        return UINT32_MAX;
    uint64_t h = cmap_hash(s, n);
    uint32_t slot = 0, id = lookup(m, s, n, h, &slot);
    if (id != UINT32_MAX)
        return id;
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? m->cap * 2 : 1024;
        char **v = realloc(m->str, cap * sizeof *v);
        if (!v)
            return UINT32_MAX;
        m->str = v;
        m->cap = cap;
    }
    char *c = malloc(n + 1);
    if (!c)
        return UINT32_MAX;
    memcpy(c, s, n);
    c[n] = '\0';
    m->str[m->n] = c;
    m->slot[slot] = (h >> 32 << 32) | (uint64_t)(m->n + 1);
    return m->n++;
}

void cmap_free(cmap *m)
{
    for (uint32_t i = 0; i < m->n; i++)
        free(m->str[i]);
    free(m->str);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

/* ---- files --------------------------------------------------------------------------------- */

int jisr_strlist_push(jisr_strlist *l, const char *s)
{
    if (!l || !s)
        return jisr_null_arg("jisr_strlist_push", l ? "s" : "l");
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        l->v = v;
        l->cap = cap;
    }
    char *c = jisr_strdup(s);
    if (!c)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    l->v[l->n++] = c;
    return 0;
}

void jisr_strlist_free(jisr_strlist *l)
{
    for (size_t i = 0; l && i < l->n; i++)
        free(l->v[i]);
    if (l) {
        free(l->v);
        memset(l, 0, sizeof *l);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file found: to read (reason NULL), or left out with the reason (listed only when why is
 * given). */
static int found(jisr_strlist *out, jisr_strlist *why, const char *path, const char *reason)
{
    if (reason && !why)
        return 0;
    int rc = jisr_strlist_push(out, path);
    if (rc == 0 && why && (rc = jisr_strlist_push(why, reason ? reason : "")) < 0)
        free(out->v[--out->n]);
    return rc;
}

/* Why the entry p of a folder is not read (lstat gave ls), or NULL when it is a file to read;
 * buf holds a reason that names a link's target. */
static const char *left_out(const char *p, const struct stat *ls, jisr_buf *buf)
{
    struct stat ts;
    if (S_ISLNK(ls->st_mode)) {
        if (stat(p, &ts) == 0)
            return S_ISDIR(ts.st_mode)   ? "a symbolic link to a directory (not followed)"
                   : S_ISREG(ts.st_mode) ? NULL
                                         : "a symbolic link to a special file (not read)";
        int e = errno;
        char target[4096];
        ssize_t n = readlink(p, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        jisr_buf_reset(buf);
        int rc = e == ENOENT || e == ENOTDIR
                     ? jisr_buf_printf(buf, "a broken symbolic link (to %s)", target)
                     : jisr_buf_printf(buf, "a symbolic link that cannot be followed (to %s: %s)",
                                       target, strerror(e));
        return rc < 0 ? "a broken symbolic link" : buf->data;
    }
    return S_ISREG(ls->st_mode) ? NULL : "a special file (FIFO, socket or device; not read)";
}

static int collect(const char *path, jisr_strlist *out, jisr_strlist *why, int depth)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return found(out, why, path, NULL);
    if (depth > 64)
        return jisr_error_set(JISR_ETOOBIG, path, 0, 0, "directories nested too deeply");
    DIR *dir = opendir(path);
    if (!dir)
        return jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    jisr_strlist names = {0};
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir)) != NULL)
        if (e->d_name[0] != '.')
            rc = jisr_strlist_push(&names, e->d_name);
    closedir(dir);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    jisr_buf p = {0}, reason = {0};
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        jisr_buf_reset(&p);
        size_t pl = strlen(path);
        if ((rc = jisr_buf_printf(&p, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/",
                                  names.v[i])) < 0)
            break;
        struct stat ls;
        if (lstat(p.data, &ls) < 0)
            continue; /* gone since it was listed */
        if (S_ISDIR(ls.st_mode))
            rc = collect(p.data, out, why, depth + 1);
        else
            rc = found(out, why, p.data, left_out(p.data, &ls, &reason));
    }
    jisr_buf_free(&p);
    jisr_buf_free(&reason);
    jisr_strlist_free(&names);
    return rc;
}

int corpus_collect(const char *path, jisr_strlist *out, jisr_strlist *why)
{
    if (!path || !out) /* corpus_pair checks its inputs itself: only the public call gets here */
        return jisr_null_arg("jisr_corpus_collect", path ? "out" : "path");
    return collect(path, out, why, 0);
}

int jisr_corpus_collect(const char *path, jisr_strlist *out)
{
    return corpus_collect(path, out, NULL);
}
