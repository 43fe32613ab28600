/*
 * mem.c — the server's one door to the memories: every call into the tm library goes through
 * here, so that the rest of serve/ is HTTP only.
 *
 * Interim (until the tm library's concurrent queries are merged): a jisr_tm handle must not be
 * used by two threads at once, so every call takes one lock, and while an import holds the
 * write handle queries are refused (srv_mem_importing → 503) rather than left waiting on the
 * workers the upload needs. The JSON of queries, concordance and statistics is the shape the
 * CLI prints, rendered here until the library renders it.
 */
#define _GNU_SOURCE /* fopencookie */
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "serve/server.h"
#include "text/text.h"

typedef struct mem1 {
    jisr_tm *tm;
    char *dir, *name;
    int penalty;
} mem1;

struct srv_mem {
    mem1 *v;
    size_t n;
    int writable;
    pthread_mutex_t mu;  /* interim: one library call at a time */
    int importing;       /* atomic: an import holds mu */
    pthread_mutex_t lmu; /* the language cache */
    /* language cache */
    char **langs;
    size_t nlangs;
    double langs_at;
};

static void free_langs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int srv_mem_open(srv_mem **out, const serve_memory *tms, size_t n, int read_only)
{
    srv_mem *m = calloc(1, sizeof *m);
    int rc = 0;
    if (!m || !(m->v = calloc(n ? n : 1, sizeof *m->v))) {
        free(m);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    pthread_mutex_init(&m->mu, NULL);
    pthread_mutex_init(&m->lmu, NULL);
    m->n = n;
    m->writable = !read_only;
    for (size_t i = 0; i < n; i++) {
        mem1 *x = &m->v[i];
        x->penalty = tms[i].penalty;
        if (!(x->dir = jisr_strdup(tms[i].dir))) {
            rc = JISR_ENOMEM;
            goto fail;
        }
        /* LMDB allows one environment per process: the same memory twice would break locks */
        char a[PATH_MAX], b[PATH_MAX];
        for (size_t k = 0; k < i; k++)
            if (realpath(x->dir, a) && realpath(m->v[k].dir, b) && strcmp(a, b) == 0) {
                rc = jisr_error_set(JISR_EINVAL, x->dir, 0, 0, "the same memory is given twice");
                goto fail;
            }
        jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
        o.flags = (i == 0 && !read_only) ? JISR_TM_WRITE : 0;
        if ((rc = jisr_tm_open(&x->tm, x->dir, &o)) < 0)
            goto fail;
        /* a name for URLs and matches: the directory's last component, made unique */
        const char *base = x->dir + strlen(x->dir);
        while (base > x->dir && base[-1] == '/')
            base--;
        const char *end = base;
        while (base > x->dir && base[-1] != '/')
            base--;
        jisr_buf nb = {0};
        jisr_buf_append(&nb, base, (size_t)(end - base));
        if (!nb.len)
            jisr_buf_puts(&nb, "tm");
        for (size_t k = 0, again = 1; again;) {
            again = 0;
            for (k = 0; k < i; k++)
                if (strcmp(m->v[k].name, nb.data) == 0) {
                    jisr_buf_printf(&nb, "-%zu", i + 1);
                    again = 1;
                    break;
                }
        }
        x->name = nb.data;
    }
    *out = m;
    return 0;
fail:
    srv_mem_close(m);
    return rc < 0 ? rc : JISR_ENOMEM;
}

void srv_mem_close(srv_mem *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        jisr_tm_close(m->v[i].tm);
        free(m->v[i].dir);
        free(m->v[i].name);
    }
    free(m->v);
    free_langs(m->langs, m->nlangs);
    pthread_mutex_destroy(&m->mu);
    pthread_mutex_destroy(&m->lmu);
    free(m);
}

size_t srv_mem_count(const srv_mem *m)
{
    return m->n;
}

const char *srv_mem_name(const srv_mem *m, size_t i)
{
    return m->v[i].name;
}

const char *srv_mem_dir(const srv_mem *m, size_t i)
{
    return m->v[i].dir;
}

int srv_mem_penalty(const srv_mem *m, size_t i)
{
    return m->v[i].penalty;
}

int srv_mem_writable(const srv_mem *m)
{
    return m->writable;
}

int srv_mem_find(const srv_mem *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].name, name) == 0)
            return (int)i;
    long v;
    if (srv_parse_int(name, 0, (long)m->n - 1, &v) == 0)
        return (int)v;
    return -1;
}

int srv_mem_importing(srv_mem *m)
{
    return __atomic_load_n(&m->importing, __ATOMIC_ACQUIRE);
}

/* Interim: a read on a worker thread takes the library lock unless an import holds it (the
 * workers must stay free to feed the upload): then it gives up with JISR_EINTERRUPTED (503). */
static int lock_read(srv_mem *m)
{
    struct timespec ts = {0, 200 * 1000};
    for (;;) {
        if (pthread_mutex_trylock(&m->mu) == 0)
            return 0;
        if (srv_mem_importing(m))
            return jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                                  "an import is running; queries resume when it is done");
        nanosleep(&ts, NULL);
    }
}

/* ---- languages -------------------------------------------------------------------------- */

typedef struct lang_n {
    char *tag;
    uint64_t n;
} lang_n;

static int cmp_lang_n(const void *a, const void *b)
{
    const lang_n *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->tag, y->tag);
}

/* with lmu held: refresh the cache when older than a second (another process may import);
 * while an import holds the library the cache is kept as it is */
static int langs_refresh(srv_mem *m)
{
    double now = jisr_now();
    if (m->langs && now - m->langs_at < 1.0)
        return 0;
    if (m->langs && pthread_mutex_trylock(&m->mu) != 0)
        return 0;
    if (!m->langs && lock_read(m) < 0)
        return jisr_error_last()->code;
    lang_n *v = NULL;
    size_t nv = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < m->n; i++) {
        jisr_tm_stats st;
        if ((rc = jisr_tm_stats_get(m->v[i].tm, &st)) < 0)
            goto done;
        for (size_t k = 0; k < st.nlangs; k++) {
            size_t j = 0;
            while (j < nv && strcmp(v[j].tag, st.langs[k].lang) != 0)
                j++;
            if (j == nv) {
                if (nv == cap) {
                    cap = cap ? cap * 2 : 8;
                    lang_n *nvv = realloc(v, cap * sizeof *v);
                    if (!nvv) {
                        jisr_tm_stats_free(&st);
                        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                        goto done;
                    }
                    v = nvv;
                }
                v[nv].tag = jisr_strdup(st.langs[k].lang);
                v[nv].n = 0;
                nv++;
            }
            v[j].n += st.langs[k].units;
        }
        jisr_tm_stats_free(&st);
    }
    if (nv)
        qsort(v, nv, sizeof *v, cmp_lang_n);
    char **tags = calloc(nv ? nv : 1, sizeof *tags);
    if (!tags) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < nv; j++) {
        tags[j] = v[j].tag;
        v[j].tag = NULL;
    }
    free_langs(m->langs, m->nlangs);
    m->langs = tags;
    m->nlangs = nv;
    m->langs_at = now;
done:
    pthread_mutex_unlock(&m->mu);
    for (size_t j = 0; j < nv; j++)
        free(v[j].tag);
    free(v);
    return rc;
}

int srv_mem_langs(srv_mem *m, char ***tags, size_t *n)
{
    *tags = NULL;
    *n = 0;
    pthread_mutex_lock(&m->lmu);
    int rc = langs_refresh(m);
    if (rc == 0) {
        char **v = calloc(m->nlangs ? m->nlangs : 1, sizeof *v);
        if (!v)
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; v && i < m->nlangs; i++)
            if (!(v[i] = jisr_strdup(m->langs[i]))) {
                free_langs(v, i);
                v = NULL;
                rc = JISR_ENOMEM;
            }
        if (v) {
            *tags = v;
            *n = m->nlangs;
        }
    }
    pthread_mutex_unlock(&m->lmu);
    return rc;
}

int srv_mem_resolve_lang(srv_mem *m, const char *code, char *out, size_t outsz)
{
    char want[64];
    if (strlen(code) >= sizeof want || strlen(code) >= outsz)
        return -1;
    strcpy(want, code);
    pthread_mutex_lock(&m->lmu);
    int found = -1;
    if (langs_refresh(m) == 0) {
        for (;;) {
            for (size_t i = 0; i < m->nlangs && found < 0; i++)
                if (jisr_lang_matches(m->langs[i], want))
                    found = 0;
            if (found == 0)
                break;
            /* RFC 4647 lookup: drop the last subtag (and a singleton left before it) */
            char *dash = strrchr(want, '-');
            if (!dash)
                break;
            *dash = '\0';
            dash = strrchr(want, '-');
            if (dash && strlen(dash + 1) == 1)
                *dash = '\0';
        }
    }
    pthread_mutex_unlock(&m->lmu);
    if (found == 0)
        strcpy(out, want);
    return found;
}

static void langs_invalidate(srv_mem *m)
{
    pthread_mutex_lock(&m->lmu);
    m->langs_at = 0;
    pthread_mutex_unlock(&m->lmu);
}

/* ---- queries ---------------------------------------------------------------------------- */

int srv_mem_query(srv_mem *m, int which, const char *text, const jisr_tm_query_opts *o,
                  jisr_tm_matches *out)
{
    int rc;
    if ((rc = lock_read(m)) < 0)
        return rc;
    if (which >= 0) {
        rc = jisr_tm_query(m->v[which].tm, text, o, out);
        for (size_t i = 0; rc == 0 && i < out->n; i++)
            out->v[i].memory = (size_t)which;
    } else {
        jisr_tm_source src[64];
        size_t n = m->n < 64 ? m->n : 64;
        for (size_t i = 0; i < n; i++) {
            src[i].tm = m->v[i].tm;
            src[i].penalty = m->v[i].penalty;
        }
        rc = jisr_tm_query_multi(src, n, text, o, out);
    }
    pthread_mutex_unlock(&m->mu);
    return rc;
}

void srv_mem_plain(jisr_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* U+E000–U+F8FF (inline-tag placeholders) is EE 80 80 – EF A3 BF */
        if ((c == 0xEE || (c == 0xEF && i + 1 < n && (unsigned char)s[i + 1] <= 0xA3)) &&
            i + 2 < n) {
            i += 2;
            continue;
        }
        jisr_buf_putc(b, (char)c);
    }
    if (!b->data)
        jisr_buf_puts(b, "");
}

static json_t *plain_json(const char *s)
{
    jisr_buf b = {0};
    srv_mem_plain(&b, s);
    json_t *j = json_string(b.data ? b.data : "");
    jisr_buf_free(&b);
    return j ? j : json_string("");
}

static int dump_into(json_t *o, jisr_buf *out)
{
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot render JSON");
    int rc = jisr_buf_puts(out, s);
    free(s);
    return rc;
}

int srv_mem_render_query(srv_mem *m, jisr_buf *out, const char *text, const jisr_tm_matches *mm,
                         int merged)
{
    json_t *o = json_object(), *arr = json_array();
    json_object_set_new(o, "query", json_string(text));
    for (size_t i = 0; i < mm->n; i++) {
        const jisr_tm_match *x = &mm->v[i];
        json_t *j = json_object();
        json_object_set_new(j, "score", json_integer(x->score));
        json_object_set_new(j, "source", plain_json(x->source));
        json_object_set_new(j, "target", plain_json(x->target));
        json_object_set_new(j, "id", json_integer((json_int_t)x->id));
        if (x->placeable) {
            json_object_set_new(j, "placeable", json_true());
            json_object_set_new(j, "stored_target", plain_json(x->target_orig));
        }
        json_object_set_new(j, "diff", plain_json(x->diff));
        if (merged || m->n > 1)
            json_object_set_new(j, "memory", json_string(m->v[x->memory].name));
        json_array_append_new(arr, j);
    }
    json_object_set_new(o, "matches", arr);
    return dump_into(o, out);
}

/* ---- concordance, stats, units ---------------------------------------------------------- */

static const char *tail_chars(const char *s, size_t n, int width)
{
    const char *p = s + n;
    int k = 0;
    while (p > s && k < width) {
        p--;
        while (p > s && ((unsigned char)*p & 0xC0) == 0x80)
            p--;
        k++;
    }
    return p;
}

static size_t head_bytes(const char *s, size_t n, int width)
{
    size_t i = 0;
    int k = 0;
    while (i < n && k < width) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        k++;
    }
    return i;
}

static json_t *plain_n(const char *s, size_t n)
{
    char *c = jisr_strndup(s, n);
    json_t *j = plain_json(c ? c : "");
    free(c);
    return j;
}

int srv_mem_concord(srv_mem *m, int which, const char *lang, const char *phrase, size_t max,
                    int width, jisr_buf *out)
{
    jisr_tm_hits h;
    int rc;
    if ((rc = lock_read(m)) < 0)
        return rc;
    rc = jisr_tm_concord(m->v[which < 0 ? 0 : which].tm, lang, phrase, max, &h);
    pthread_mutex_unlock(&m->mu);
    if (rc < 0)
        return rc;
    json_t *root = json_object(), *arr = json_array();
    for (size_t i = 0; i < h.n; i++) {
        const jisr_tm_hit *x = &h.v[i];
        const char *text = x->unit.variants[x->variant].text;
        size_t tn = strlen(text);
        const char *lp = tail_chars(text, x->start, width);
        json_t *o = json_object(), *tr = json_array();
        json_object_set_new(o, "id", json_integer((json_int_t)x->id));
        json_object_set_new(o, "text", plain_n(text, tn));
        json_object_set_new(o, "start", json_integer((json_int_t)x->start));
        json_object_set_new(o, "end", json_integer((json_int_t)x->end));
        json_object_set_new(o, "left", plain_n(lp, (size_t)(text + x->start - lp)));
        json_object_set_new(o, "match", plain_n(text + x->start, x->end - x->start));
        json_object_set_new(o, "right",
                            plain_n(text + x->end, head_bytes(text + x->end, tn - x->end, width)));
        for (size_t v = 0; v < x->unit.nvariants; v++) {
            if (v == x->variant)
                continue;
            json_t *e = json_object();
            json_object_set_new(e, "lang", json_string(x->unit.variants[v].lang));
            json_object_set_new(e, "text", plain_json(x->unit.variants[v].text));
            json_array_append_new(tr, e);
        }
        json_object_set_new(o, "translations", tr);
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "phrase", json_string(phrase));
    json_object_set_new(root, "lang", json_string(lang));
    json_object_set_new(root, "hits", arr);
    json_object_set_new(root, "truncated", json_boolean(h.truncated));
    jisr_tm_hits_free(&h);
    return dump_into(root, out);
}

static json_t *stats_one(mem1 *x, int *rc)
{
    jisr_tm_stats st;
    if ((*rc = jisr_tm_stats_get(x->tm, &st)) < 0)
        return NULL;
    json_t *o = json_object(), *l = json_object();
    json_object_set_new(o, "name", json_string(x->name));
    json_object_set_new(o, "path", json_string(x->dir));
    json_object_set_new(o, "penalty", json_integer(x->penalty));
    json_object_set_new(o, "schema", json_integer(st.schema));
    json_object_set_new(o, "units", json_integer((json_int_t)st.units));
    for (size_t i = 0; i < st.nlangs; i++)
        json_object_set_new(l, st.langs[i].lang, json_integer((json_int_t)st.langs[i].units));
    json_object_set_new(o, "languages", l);
    json_object_set_new(o, "disk_bytes", json_integer((json_int_t)st.disk_bytes));
    json_object_set_new(o, "file_bytes", json_integer((json_int_t)st.file_bytes));
    json_object_set_new(o, "map_bytes", json_integer((json_int_t)st.map_bytes));
    json_object_set_new(o, "index_keys", json_integer((json_int_t)st.index_keys));
    json_object_set_new(o, "next_id", json_integer((json_int_t)st.next_id));
    jisr_tm_stats_free(&st);
    return o;
}

int srv_mem_stats(srv_mem *m, int which, jisr_buf *out)
{
    int rc = 0;
    json_t *o;
    if ((rc = lock_read(m)) < 0)
        return rc;
    if (which >= 0 || m->n == 1) {
        o = stats_one(&m->v[which < 0 ? 0 : which], &rc);
    } else {
        json_t *arr = json_array();
        o = json_object();
        uint64_t units = 0;
        for (size_t i = 0; i < m->n && rc == 0; i++) {
            json_t *one = stats_one(&m->v[i], &rc);
            if (one) {
                units += (uint64_t)json_integer_value(json_object_get(one, "units"));
                json_array_append_new(arr, one);
            }
        }
        json_object_set_new(o, "units", json_integer((json_int_t)units));
        json_object_set_new(o, "memories", arr);
    }
    pthread_mutex_unlock(&m->mu);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    return dump_into(o, out);
}

static void meta_json(json_t *o, jisr_meta *mt)
{
    static const char *const names[JISR_META_STRINGS] = {
        "creationdate", "creationid",          "changedate", "changeid",   "lastusagedate",
        "creationtool", "creationtoolversion", "datatype",   "o-encoding", "o-tmf",
        "segtype"};
    for (size_t i = 0; i < JISR_META_STRINGS; i++) {
        char **s = jisr_meta_string(mt, i);
        if (*s)
            json_object_set_new(o, names[i], json_string(*s));
    }
    if (mt->usagecount >= 0)
        json_object_set_new(o, "usagecount", json_integer(mt->usagecount));
    if (mt->nprops) {
        json_t *a = json_array();
        for (size_t i = 0; i < mt->nprops; i++) {
            json_t *p = json_object();
            json_object_set_new(p, "type", json_string(mt->props[i].type ? mt->props[i].type : ""));
            if (mt->props[i].lang)
                json_object_set_new(p, "lang", json_string(mt->props[i].lang));
            json_object_set_new(p, "value", plain_json(mt->props[i].value));
            json_array_append_new(a, p);
        }
        json_object_set_new(o, "props", a);
    }
    if (mt->nnotes) {
        json_t *a = json_array();
        for (size_t i = 0; i < mt->nnotes; i++) {
            json_t *p = json_object();
            if (mt->notes[i].lang)
                json_object_set_new(p, "lang", json_string(mt->notes[i].lang));
            json_object_set_new(p, "value", plain_json(mt->notes[i].value));
            json_array_append_new(a, p);
        }
        json_object_set_new(o, "notes", a);
    }
}

int srv_mem_unit(srv_mem *m, int which, uint64_t id, jisr_buf *out)
{
    jisr_unit u;
    jisr_unit_init(&u);
    mem1 *x = &m->v[which < 0 ? 0 : which];
    int rc;
    if ((rc = lock_read(m)) < 0)
        return rc;
    rc = jisr_tm_get(x->tm, id, &u);
    pthread_mutex_unlock(&m->mu);
    if (rc < 0)
        return rc;
    json_t *o = json_object(), *vars = json_array();
    json_object_set_new(o, "id", json_integer((json_int_t)id));
    json_object_set_new(o, "memory", json_string(x->name));
    if (u.tuid)
        json_object_set_new(o, "tuid", json_string(u.tuid));
    if (u.srclang)
        json_object_set_new(o, "srclang", json_string(u.srclang));
    meta_json(o, &u.meta);
    for (size_t i = 0; i < u.nvariants; i++) {
        json_t *v = json_object();
        json_object_set_new(v, "lang", json_string(u.variants[i].lang));
        json_object_set_new(v, "text", plain_json(u.variants[i].text));
        meta_json(v, &u.variants[i].meta);
        json_array_append_new(vars, v);
    }
    json_object_set_new(o, "variants", vars);
    jisr_unit_clear(&u);
    return dump_into(o, out);
}

/* ---- writes (writer thread) ------------------------------------------------------------- */

int srv_mem_delete(srv_mem *m, const uint64_t *ids, size_t n)
{
    pthread_mutex_lock(&m->mu);
    int rc = jisr_tm_delete(m->v[0].tm, ids, n);
    pthread_mutex_unlock(&m->mu);
    langs_invalidate(m);
    return rc;
}

static int capture_stats(void *ctx, const jisr_tm_import_stats *st)
{
    *(jisr_tm_import_stats *)ctx = *st;
    return 0;
}

int srv_mem_add_units(srv_mem *m, const jisr_unit *u, size_t n, jisr_tm_import_stats *st)
{
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = n + 1; /* one transaction: all or nothing */
    io.on_commit = capture_stats;
    io.ctx = st;
    jisr_tm_import *imp = NULL;
    memset(st, 0, sizeof *st);
    pthread_mutex_lock(&m->mu);
    int rc = jisr_tm_import_begin(m->v[0].tm, &io, &imp);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = jisr_tm_import_add(imp, &u[i]);
    int rc2 = jisr_tm_import_end(imp, rc == 0);
    if (rc == 0 && rc2 < 0)
        rc = rc2;
    pthread_mutex_unlock(&m->mu);
    langs_invalidate(m);
    return rc;
}

int srv_mem_import(srv_mem *m, FILE *in, const char *name, const jisr_tm_file_opts *fo,
                   jisr_tm_import_stats *st)
{
    (void)name;
    pthread_mutex_lock(&m->mu);
    __atomic_store_n(&m->importing, 1, __ATOMIC_RELEASE);
    /* interim: the library imports from a path only; "-" reads stdin, which the server does not
     * use otherwise, so stdin is pointed at the upload for the import's duration (imports run
     * one at a time on the writer thread) */
    FILE *saved = stdin;
    stdin = in;
    int rc = jisr_tm_import_file(m->v[0].tm, "-", fo, st);
    stdin = saved;
    __atomic_store_n(&m->importing, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&m->mu);
    langs_invalidate(m);
    return rc;
}

/* ---- export ----------------------------------------------------------------------------- */

struct srv_export {
    jisr_tm_iter *it;
    jisr_writer *w;
    FILE *f;
    jisr_buf pend;
    size_t off;
    int done;
    char *sl, *tl;
    jisr_unit u;
};

static ssize_t export_write(void *c, const char *buf, size_t n)
{
    srv_export *x = c;
    return jisr_buf_append(&x->pend, buf, n) < 0 ? -1 : (ssize_t)n;
}

int srv_mem_export_open(srv_mem *m, int which, const char *sl, const char *tl, srv_export **out)
{
    srv_export *x = calloc(1, sizeof *x);
    if (!x)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    jisr_unit_init(&x->u);
    int rc = 0;
    cookie_io_functions_t io = {NULL, export_write, NULL, NULL};
    if ((sl && !(x->sl = jisr_strdup(sl))) || (tl && !(x->tl = jisr_strdup(tl))) ||
        !(x->f = fopencookie(x, "wb", io))) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    wo.srclang = sl ? sl : "*all*";
    wo.tgtlang = tl;
    if ((rc = lock_read(m)) < 0)
        goto fail;
    rc = jisr_tm_iter_open(m->v[which < 0 ? 0 : which].tm, &x->it);
    pthread_mutex_unlock(&m->mu);
    if (rc < 0 || (rc = jisr_writer_open_stream(&x->w, x->f, "export", &wo, NULL)) < 0)
        goto fail;
    *out = x;
    return 0;
fail:
    srv_export_close(x);
    return rc;
}

long srv_export_read(srv_export *x, char *buf, size_t max)
{
    /* the iterator's read transaction is the export's own snapshot: no lock needed */
    while (x->pend.len - x->off == 0 && !x->done) {
        jisr_buf_reset(&x->pend);
        x->off = 0;
        for (int k = 0; k < 256; k++) {
            uint64_t id;
            int rc = jisr_tm_iter_next(x->it, &id, &x->u);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                x->done = 1;
                rc = jisr_writer_close(x->w);
                x->w = NULL;
                if (rc < 0)
                    return rc;
                break;
            }
            if (x->sl && !x->tl && !jisr_unit_find(&x->u, x->sl))
                continue;
            if (x->sl && x->tl && jisr_unit_keep_pair(&x->u, x->sl, x->tl) <= 0)
                continue;
            if ((rc = jisr_writer_write(x->w, &x->u)) < 0 && rc != JISR_EENCODING &&
                rc != JISR_EINVAL && rc != JISR_ENOTFOUND)
                return rc;
        }
        if (fflush(x->f) != 0)
            return jisr_error_set(JISR_EIO, "export", 0, 0, "write failed");
    }
    size_t k = x->pend.len - x->off;
    if (k > max)
        k = max;
    memcpy(buf, x->pend.data + x->off, k);
    x->off += k;
    return (long)k;
}

void srv_export_close(srv_export *x)
{
    if (!x)
        return;
    if (x->w)
        jisr_writer_abort(x->w);
    jisr_tm_iter_close(x->it);
    if (x->f)
        fclose(x->f);
    jisr_unit_clear(&x->u);
    jisr_buf_free(&x->pend);
    free(x->sl);
    free(x->tl);
    free(x);
}
