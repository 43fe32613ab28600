/*
 * mem.c — the server's one door to the memories: every call into the tm library goes through
 * here, so that the rest of serve/ is HTTP only.
 *
 * One handle per memory serves every thread (the library's queries borrow a context from the
 * handle's pool and read one committed state each), so the workers query in parallel and go on
 * while the writer thread imports through the same handle: a query sees the memory before or
 * after each committed batch. The JSON of queries, concordance, statistics and units is the
 * library's (tm/json.c); the language list is cached for a second.
 */
#define _GNU_SOURCE /* fopencookie */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    const char **names;  /* memory names, for the matches' "memory" */
    pthread_mutex_t lmu; /* the language cache: */
    char **langs;
    size_t nlangs;
    double langs_at;
};

/* a memory's warning (an index built with other ICU/tokenizer versions …): on stderr, one
 * write so that it never interleaves with the request log */
static void on_warning(void *ctx, const char *msg)
{
    char line[1400];
    int n = snprintf(line, sizeof line, "jisr serve: warning: %s\n", msg);
    (void)ctx;
    if (n > 0) {
        ssize_t w = write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line);
        (void)w;
    }
}

static void free_langs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int srv_mem_open(srv_mem **out, const serve_memory *tms, size_t n, int read_only, int snapshot,
                 int create)
{
    srv_mem *m = calloc(1, sizeof *m);
    int rc = 0;
    if (!m || !(m->v = calloc(n ? n : 1, sizeof *m->v))) {
        free(m);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
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
        o.flags = ((i == 0 && !read_only) ? JISR_TM_WRITE : 0) | (snapshot ? JISR_TM_SNAPSHOT : 0);
        if (!create) /* a mistyped --tm is an error, not a new empty memory */
            o.flags |= JISR_TM_EXISTING;
        o.on_warning = on_warning;
        if ((rc = jisr_tm_open(&x->tm, x->dir, &o)) < 0)
            goto fail;
        /* the form tables of short texts (docs/matching.md §4.5): a memory whose character
         * search is on keeps its stored forms in RAM for the scan (nothing is kept for one
         * without); without them its queries read the forms from LMDB, the same answers */
        if (jisr_tm_warm(x->tm, NULL) < 0) {
            on_warning(NULL, jisr_error_last()->msg);
            jisr_error_clear();
        }
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
    if (!(m->names = calloc(n ? n : 1, sizeof *m->names))) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        m->names[i] = m->v[i].name;
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
    free(m->names);
    pthread_mutex_destroy(&m->lmu);
    free(m);
}

size_t srv_mem_snapshot(const srv_mem *m, size_t *count)
{
    size_t all = 0;
    *count = 0;
    for (size_t i = 0; i < m->n; i++) {
        jisr_tm_snapshot sn;
        if (jisr_tm_snapshot_info(m->v[i].tm, &sn)) {
            all += sn.bytes;
            (*count)++;
        }
    }
    return all;
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

/* with lmu held: refresh the cache when older than a second (another process may import) */
static int langs_refresh(srv_mem *m)
{
    double now = jisr_now();
    if (m->langs && now - m->langs_at < 1.0)
        return 0;
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
                if (!(v[nv].tag = jisr_strdup(st.langs[k].lang))) {
                    jisr_tm_stats_free(&st);
                    rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                    goto done;
                }
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

/* -1 without an error recorded when no memory holds the language; a library error, recorded
 * (jisr_error_last), when the memories cannot be read. That code may be -1 too (JISR_ENOMEM):
 * the caller clears the error first and tells the two apart by what is recorded (api.c). */
int srv_mem_resolve_lang(srv_mem *m, const char *code, char *out, size_t outsz)
{
    char want[64];
    if (strlen(code) >= sizeof want || strlen(code) >= outsz)
        return -1;
    pthread_mutex_lock(&m->lmu);
    int found = -1;
    for (int again = 1; found == -1 && again >= 0; again--) {
        strcpy(want, code);
        /* not in the list cached up to a second ago: read again, at most 20 times a second, so that
         * a language another process has just imported is known at once, not a second later */
        if (!again && m->langs_at && jisr_now() - m->langs_at >= 0.05)
            m->langs_at = 0;
        else if (!again)
            break;
        int rc = langs_refresh(m);
        if (rc < 0)
            found = rc; /* the memory could not be read: its error, not "no such language" */
        else {
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
    if (which >= 0) {
        rc = jisr_tm_query(m->v[which].tm, text, o, out);
        for (size_t i = 0; rc == 0 && i < out->n; i++)
            out->v[i].memory = (size_t)which;
        return rc;
    }
    jisr_tm_source src[64];
    size_t n = m->n < 64 ? m->n : 64;
    for (size_t i = 0; i < n; i++) {
        src[i].tm = m->v[i].tm;
        src[i].penalty = m->v[i].penalty;
    }
    return jisr_tm_query_multi(src, n, text, o, out);
}

void srv_mem_plain(jisr_buf *b, const char *s, char *const *tags, size_t ntags)
{
    jisr_tm_plain_tags(b, s ? s : "", s ? strlen(s) : 0, tags, ntags);
    if (!b->data)
        jisr_buf_puts(b, "");
}

/* ,"diff_ops":[["=",TEXT],["-",TEXT],["+",TEXT],…] of match x for the query q, appended to
 * out: its word diff split into runs (srv_diff_split), each run's text plain as "diff" is
 * (tm_diff_plain: the stored source's placeholders, or the query's when it has more tags),
 * tidied (srv_diff_tidy: no empty run, no stored space between two of the query's tokens).
 * Nothing when the diff cannot be split. */
static int diff_ops_json(jisr_buf *out, jisr_buf *tmp, const jisr_tm_match *x, const char *q)
{
    srv_diff_run *v;
    size_t nv;
    if (!x->diff || !x->source ||
        srv_diff_split(x->diff, strlen(x->diff), x->source, strlen(x->source), &v, &nv) < 0)
        return 0;
    int src = x->nsource_tags >= x->ntags, rc = 0;
    srv_diff_text *t = calloc(nv ? nv : 1, sizeof *t);
    size_t nt = 0;
    if (!t)
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    /* runs of one op apart only by markers ("{+[+}{+-+}", one token each) are one op */
    for (size_t k = 0, j; rc == 0 && k < nv; k = j) {
        jisr_buf_reset(tmp);
        for (j = k; rc == 0 && j < nv && v[j].op == v[k].op; j++)
            rc = jisr_tm_plain_tags_range(tmp, x->diff, strlen(x->diff), v[j].off,
                                          v[j].off + v[j].len, src ? x->source_tags : x->tags,
                                          src ? x->nsource_tags : x->ntags);
        if (rc < 0)
            break;
        if (!(t[nt].s = jisr_strndup(tmp->data ? tmp->data : "", tmp->len))) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        t[nt].op = v[k].op;
        t[nt++].n = tmp->len;
    }
    free(v);
    if (rc == 0 && srv_diff_tidy(t, &nt, q, q ? strlen(q) : 0) < 0)
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == 0)
        rc = jisr_buf_puts(out, ",\"diff_ops\":[");
    for (size_t k = 0; rc == 0 && k < nt; k++) {
        if ((rc = jisr_buf_printf(out, "%s[\"%c\",", k ? "," : "", t[k].op)) < 0 ||
            (rc = jisr_buf_json_string(out, t[k].s, t[k].n)) < 0)
            break;
        rc = jisr_buf_putc(out, ']');
    }
    for (size_t k = 0; t && k < nt; k++)
        free(t[k].s);
    free(t);
    return rc < 0 ? rc : jisr_buf_putc(out, ']');
}

/* The library's query object, each match with "diff_ops" added after its fields, and
 * "text_cut" after the matches when the text was cut. The library renders the matches one at a
 * time (each under the same header, which is fixed text: the header of no match but its closing
 * "]}"), and each object gets the field before its brace. */
int srv_mem_render_query(srv_mem *m, jisr_buf *out, const char *text, const char *sl,
                         const char *tl, const jisr_tm_matches *mm, int merged, int text_cut)
{
    jisr_tm_json_opts o = {.diff = 1, .srclang = sl, .tgtlang = tl};
    if (merged || m->n > 1) {
        o.memory_names = m->names;
        o.nmemory_names = m->n;
    }
    jisr_tm_matches none = {NULL, 0, 0};
    jisr_buf head = {0}, one = {0}, tmp = {0};
    size_t at = out->len;
    int rc = jisr_tm_matches_json_ex(&head, text, &none, &o);
    if (rc == 0 && (head.len < 2 || memcmp(head.data + head.len - 2, "]}", 2) != 0))
        rc = jisr_error_set(JISR_EINVAL, NULL, 0, 0, "unexpected query JSON");
    size_t hn = rc == 0 ? head.len - 2 : 0;
    if (rc == 0)
        rc = jisr_buf_append(out, head.data, hn);
    for (size_t i = 0; rc == 0 && i < mm->n; i++) {
        jisr_tm_matches x = {&mm->v[i], 1, 0};
        jisr_buf_reset(&one);
        if ((rc = jisr_tm_matches_json_ex(&one, text, &x, &o)) < 0)
            break;
        if (one.len < hn + 3 || memcmp(one.data, head.data, hn) != 0 ||
            memcmp(one.data + one.len - 3, "}]}", 3) != 0) {
            rc = jisr_error_set(JISR_EINVAL, NULL, 0, 0, "unexpected query JSON");
            break;
        }
        if ((i && (rc = jisr_buf_putc(out, ',')) < 0) ||
            (rc = jisr_buf_append(out, one.data + hn, one.len - hn - 3)) < 0 ||
            (rc = diff_ops_json(out, &tmp, &mm->v[i], text)) < 0)
            break;
        rc = jisr_buf_putc(out, '}');
    }
    if (rc == 0 && text_cut)
        rc = jisr_buf_printf(out, "],\"text_cut\":%d}", text_cut);
    else if (rc == 0)
        rc = jisr_buf_puts(out, "]}");
    jisr_buf_free(&head);
    jisr_buf_free(&one);
    jisr_buf_free(&tmp);
    if (rc < 0)
        out->len = at;
    return rc;
}

int srv_mem_render_text(srv_mem *m, jisr_buf *out, const char *text, const jisr_tm_matches *mm,
                        int min_score, int merged)
{
    int named = merged || m->n > 1;
    return jisr_tm_matches_text_ex(out, text, mm, min_score, named ? m->names : NULL,
                                   named ? m->n : 0);
}

int srv_mem_write_tmx(srv_mem *m, jisr_writer *w, const char *sl, const char *tl, const char *text,
                      const jisr_tm_matches *mm, int merged)
{
    int named = merged || m->n > 1;
    for (size_t i = 0; i < mm->n; i++) {
        const jisr_tm_match *x = &mm->v[i];
        jisr_unit u;
        int rc = jisr_tm_match_unit(&u, x, sl, tl, text,
                                    named && x->memory < m->n ? m->names[x->memory] : NULL);
        if (rc == 0)
            rc = jisr_writer_write(w, &u);
        jisr_unit_clear(&u);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- concordance, stats, units ---------------------------------------------------------- */

/* One hit as the library renders it (jisr_tm_hits_json), with ,"memory":NAME added when
 * name is given: the hit is rendered alone under an empty phrase and language, whose wrapper
 * is then fixed text to cut away. */
static int hit_json(jisr_buf *out, jisr_buf *tmp, jisr_tm_hit *x, int width, const char *name)
{
    static const char pre[] = "{\"phrase\":\"\",\"lang\":\"\",\"hits\":[",
                      post[] = "],\"truncated\":false}";
    jisr_tm_hits one = {x, 1, 0};
    jisr_buf_reset(tmp);
    int rc = jisr_tm_hits_json(tmp, "", "", &one, width);
    if (rc < 0)
        return rc;
    size_t np = sizeof pre - 1, nq = sizeof post - 1;
    if (tmp->len < np + nq + 2 || memcmp(tmp->data, pre, np) != 0 ||
        memcmp(tmp->data + tmp->len - nq, post, nq) != 0)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "unexpected concordance JSON");
    /* the hit object without its closing brace, then the memory */
    if ((rc = jisr_buf_append(out, tmp->data + np, tmp->len - np - nq - 1)) < 0)
        return rc;
    if (name && ((rc = jisr_buf_puts(out, ",\"memory\":")) < 0 ||
                 (rc = jisr_buf_json_string(out, name, strlen(name))) < 0))
        return rc;
    return jisr_buf_putc(out, '}');
}

/* Concordance in memory which, or (which < 0) in every memory: the memories in their order,
 * each one's hits in id order, at most max in all; "truncated" when any memory had more than
 * it gave. Each hit names its memory when several are served. JISR_EINTERRUPTED after
 * timeout_ms (0: no limit) for all of them together. */
int srv_mem_concord(srv_mem *m, int which, const char *lang, const char *phrase, size_t max,
                    int width, unsigned timeout_ms, jisr_buf *out)
{
    size_t first = which < 0 ? 0 : (size_t)which, end = which < 0 ? m->n : first + 1;
    int named = m->n > 1, truncated = 0, rc;
    double stop = timeout_ms ? jisr_now() + timeout_ms / 1000.0 : 0;
    if (!named) { /* one memory: the library's object as it writes it (`jisr concord --json`) */
        jisr_tm_hits h;
        if ((rc = jisr_tm_concord_timed(m->v[0].tm, lang, phrase, max, timeout_ms, &h)) < 0)
            return rc;
        rc = jisr_tm_hits_json(out, lang, phrase, &h, width);
        jisr_tm_hits_free(&h);
        return rc;
    }
    size_t left = max ? max : 100, nout = 0;
    jisr_buf tmp = {0};
    if ((rc = jisr_buf_puts(out, "{\"phrase\":")) < 0 ||
        (rc = jisr_buf_json_string(out, phrase, strlen(phrase))) < 0 ||
        (rc = jisr_buf_puts(out, ",\"lang\":")) < 0 ||
        (rc = jisr_buf_json_string(out, lang, strlen(lang))) < 0 ||
        (rc = jisr_buf_puts(out, ",\"hits\":[")) < 0)
        return rc;
    for (size_t i = first; i < end; i++) {
        jisr_tm_hits h;
        /* the time limit is the request's, for all the memories together */
        double ms = stop ? (stop - jisr_now()) * 1000.0 : 0;
        if (stop && ms < 1.0) {
            rc = jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                                "the concordance search took longer than its limit of %u ms",
                                timeout_ms);
            break;
        }
        /* with the limit reached, one hit more only tells whether the answer is cut */
        if ((rc = jisr_tm_concord_timed(m->v[i].tm, lang, phrase, left ? left : 1,
                                        stop ? (unsigned)ms : 0, &h)) < 0)
            break;
        if (!left && h.n)
            truncated = 1;
        for (size_t k = 0; left && k < h.n && rc == 0; k++, left--)
            if ((rc = nout++ ? jisr_buf_putc(out, ',') : 0) == 0)
                rc = hit_json(out, &tmp, &h.v[k], width, named ? m->v[i].name : NULL);
        truncated |= h.truncated;
        jisr_tm_hits_free(&h);
        if (rc < 0 || (!left && truncated))
            break;
    }
    jisr_buf_free(&tmp);
    if (rc == 0)
        rc = jisr_buf_printf(out, "],\"truncated\":%s}", truncated ? "true" : "false");
    return rc;
}

static int stats_one(mem1 *x, jisr_buf *out)
{
    jisr_tm_stats st;
    int rc = jisr_tm_stats_get(x->tm, &st);
    if (rc < 0)
        return rc;
    size_t at = out->len;
    rc = jisr_tm_stats_json(out, x->dir, &st);
    jisr_tm_stats_free(&st);
    if (rc < 0)
        return rc;
    /* the server's own figures beside the library's object: its read snapshot's directory
     * (jisr_tm_snapshot_info; "current": false while none is, e.g. in the second after a
     * commit, or with --no-snapshot, where every figure is 0) */
    if (out->len == at || out->data[out->len - 1] != '}')
        return 0; /* not an object (never): left as the library wrote it */
    out->len--;
    jisr_tm_snapshot sn;
    int cur = jisr_tm_snapshot_info(x->tm, &sn);
    return jisr_buf_printf(out,
                           ",\"snapshot\":{\"current\":%s,\"bytes\":%zu,\"build_ms\":%.1f,"
                           "\"txnid\":%llu,\"builds\":%llu,\"reads\":%llu}}",
                           cur ? "true" : "false", sn.bytes, sn.build_ms,
                           (unsigned long long)sn.txnid, (unsigned long long)sn.builds,
                           (unsigned long long)sn.reads);
}

int srv_mem_stats(srv_mem *m, int which, jisr_buf *out)
{
    if (which >= 0 || m->n == 1)
        return stats_one(&m->v[which < 0 ? 0 : which], out);
    /* several: each memory's statistics as the library writes them, under its name */
    uint64_t units = 0;
    int rc = jisr_buf_puts(out, "{\"memories\":[");
    for (size_t i = 0; rc == 0 && i < m->n; i++) {
        jisr_tm_stats st;
        if ((rc = jisr_tm_stats_get(m->v[i].tm, &st)) < 0)
            break;
        units += st.units;
        jisr_tm_stats_free(&st);
        if ((rc = jisr_buf_printf(out, "%s{\"name\":", i ? "," : "")) < 0 ||
            (rc = jisr_buf_json_string(out, m->v[i].name, strlen(m->v[i].name))) < 0 ||
            (rc = jisr_buf_printf(out, ",\"penalty\":%d,\"stats\":", m->v[i].penalty)) < 0 ||
            (rc = stats_one(&m->v[i], out)) < 0 || (rc = jisr_buf_putc(out, '}')) < 0)
            break;
    }
    if (rc == 0)
        rc = jisr_buf_printf(out, "],\"units\":%llu}", (unsigned long long)units);
    return rc;
}

int srv_mem_unit(srv_mem *m, int which, uint64_t id, jisr_buf *out)
{
    jisr_unit u;
    jisr_unit_init(&u);
    int rc = jisr_tm_get(m->v[which < 0 ? 0 : which].tm, id, &u);
    if (rc == 0)
        rc = jisr_tm_unit_json(out, id, &u);
    jisr_unit_clear(&u);
    return rc;
}

/* ---- writes (writer thread) ------------------------------------------------------------- */

int srv_mem_delete(srv_mem *m, const uint64_t *ids, size_t n)
{
    int rc = jisr_tm_delete(m->v[0].tm, ids, n);
    langs_invalidate(m);
    return rc;
}

int srv_mem_add_units(srv_mem *m, const jisr_unit *u, size_t n, jisr_tm_import_stats *st)
{
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = n + 1; /* one transaction: all or nothing */
    jisr_tm_import *imp = NULL;
    memset(st, 0, sizeof *st);
    int rc = jisr_tm_import_begin(m->v[0].tm, &io, &imp);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = jisr_tm_import_add(imp, &u[i]);
    /* the counts once committed, read from the import itself: a commit callback is not called
     * when nothing is stored (every unit skipped), and would leave "skipped" at 0 */
    if (rc == 0 && (rc = jisr_tm_import_commit(imp)) == 0)
        *st = *jisr_tm_import_stats_get(imp);
    int rc2 = jisr_tm_import_end(imp, rc == 0);
    if (rc == 0 && rc2 < 0)
        rc = rc2;
    langs_invalidate(m);
    return rc;
}

/* the reader's skipped units: jisr_tm_import_reader's stats count only the memory's refusals
 * (the reader is the caller's), so they are counted here on their way to the caller's on_bad */
typedef struct {
    const jisr_tm_file_opts *fo;
    uint64_t n;
} reader_bad;

static void count_reader_bad(void *ctx, const jisr_error *e)
{
    reader_bad *rb = ctx;
    rb->n++;
    if (rb->fo->on_bad)
        rb->fo->on_bad(rb->fo->ctx, e);
}

int srv_mem_import(srv_mem *m, FILE *in, const char *name, const jisr_tm_file_opts *fo,
                   jisr_tm_import_stats *st)
{
    /* the body is read as it arrives; SKIP_BAD is the reader's (opts->read is not used by
     * jisr_tm_import_reader) */
    jisr_read_opts ro = fo->read;
    reader_bad rb = {fo, 0};
    if (fo->flags & JISR_TM_IMPORT_SKIP_BAD) {
        ro.flags |= JISR_READ_SKIP_BAD;
        ro.on_bad = count_reader_bad;
        ro.ctx = &rb;
    }
    jisr_reader *r;
    memset(st, 0, sizeof *st);
    int rc = jisr_reader_open_stream(&r, in, name, &ro);
    if (rc < 0)
        return rc;
    rc = jisr_tm_import_reader(m->v[0].tm, r, name, fo, st);
    st->skipped += rb.n; /* every unit skipped, as jisr import counts them */
    jisr_reader_close(r);
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
    int filters;             /* flt is set: a unit must pass it */
    jisr_tm_unit_filter flt; /* its props point into props, their strings into pbuf */
    jisr_tm_prop_filter *props;
    char *pbuf;
};

static ssize_t export_write(void *c, const char *buf, size_t n)
{
    srv_export *x = c;
    return jisr_buf_append(&x->pend, buf, n) < 0 ? -1 : (ssize_t)n;
}

/* x->flt: a copy of f, its props' strings in one block of x's own */
static int export_filter(srv_export *x, const jisr_tm_unit_filter *f)
{
    jisr_tm_unit_filter none = JISR_TM_UNIT_FILTER_INIT;
    x->flt = f ? *f : none;
    x->flt.props = NULL;
    x->filters = x->flt.nprops || x->flt.since != INT64_MIN || x->flt.before != INT64_MAX;
    if (!x->flt.nprops)
        return 0;
    size_t total = 0;
    for (size_t i = 0; i < f->nprops; i++)
        total += strlen(f->props[i].type) + strlen(f->props[i].value) + 2;
    if (!(x->props = calloc(f->nprops, sizeof *x->props)) || !(x->pbuf = malloc(total)))
        return -1;
    char *p = x->pbuf;
    for (size_t i = 0; i < f->nprops; i++) {
        size_t nt = strlen(f->props[i].type) + 1, nv = strlen(f->props[i].value) + 1;
        x->props[i].type = memcpy(p, f->props[i].type, nt);
        x->props[i].value = memcpy(p + nt, f->props[i].value, nv);
        p += nt + nv;
    }
    x->flt.props = x->props;
    return 0;
}

int srv_mem_export_open(srv_mem *m, int which, const char *sl, const char *tl,
                        const jisr_tm_unit_filter *f, srv_export **out)
{
    srv_export *x = calloc(1, sizeof *x);
    if (!x)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    jisr_unit_init(&x->u);
    int rc = 0;
    cookie_io_functions_t io = {NULL, export_write, NULL, NULL};
    if ((sl && !(x->sl = jisr_strdup(sl))) || (tl && !(x->tl = jisr_strdup(tl))) ||
        export_filter(x, f) < 0 || !(x->f = fopencookie(x, "wb", io))) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    wo.srclang = sl ? sl : "*all*";
    wo.tgtlang = tl;
    if ((rc = jisr_tm_iter_open(m->v[which < 0 ? 0 : which].tm, &x->it)) < 0 ||
        (rc = jisr_writer_open_stream(&x->w, x->f, "export", &wo, NULL)) < 0)
        goto fail;
    *out = x;
    return 0;
fail:
    srv_export_close(x);
    return rc;
}

static int export_error(int rc, uint64_t id)
{
    char msg[1040]; /* ": " and the library's message of at most 1023 bytes */
    const char *m = jisr_error_last()->msg, *rest = m;
    if (strncmp(m, "unit ", 5) == 0 && m[5] >= '0' && m[5] <= '9') {
        rest = m + 5;
        while (*rest >= '0' && *rest <= '9')
            rest++;
    } else {
        snprintf(msg, sizeof msg, ": %s", m);
        rest = msg;
    }
    if (rest != msg) {
        snprintf(msg, sizeof msg, "%s", rest);
        rest = msg;
    }
    return jisr_error_set(rc, NULL, 0, 0, "unit id %llu%s (the export stops here)",
                          (unsigned long long)id, rest);
}

long srv_export_read(srv_export *x, char *buf, size_t max)
{
    /* the iterator's read transaction is the export's own snapshot of the memory */
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
                /* the snapshot is no longer needed: an import's map growth waits for it */
                jisr_tm_iter_close(x->it);
                x->it = NULL;
                rc = jisr_writer_close(x->w);
                x->w = NULL;
                if (rc < 0)
                    return rc;
                break;
            }
            /* left out by prop, changed_since, changed_before (jisr export's filters), tested
             * first as jisr export does */
            if (x->filters && (rc = jisr_tm_unit_filter_match(&x->flt, &x->u)) <= 0) {
                if (rc < 0)
                    return export_error(rc, id);
                continue;
            }
            if (x->sl && !x->tl && !jisr_unit_find(&x->u, x->sl))
                continue;
            if (x->sl && x->tl && jisr_unit_keep_pair(&x->u, x->sl, x->tl) <= 0)
                continue;
            if (x->sl) /* the source's variants first, as jisr export writes them */
                jisr_unit_source_first(&x->u, x->sl, x->tl);
            /* a unit the writer refuses (a character TMX cannot carry, stored before the
             * server checked units) is never left out silently: the export stops there, the
             * daemon cuts the chunked stream (the client sees an incomplete transfer) and logs
             * this message, which names the unit by its id (the writer's by its position) */
            if ((rc = jisr_writer_write(x->w, &x->u)) < 0)
                return export_error(rc, id);
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
    free(x->props);
    free(x->pbuf);
    free(x);
}
