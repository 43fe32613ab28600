/*
 * api.c — what each route does: the tmserver/amaGama protocol (GET a unit's matches, the
 * languages, PUT/POST units, POST a store) and jisr's own /v1/ API (query, concordance, stats,
 * languages, units by id, delete, streamed import and export), plus the page.
 *
 * Handlers check parameters and turn them into library options; the memory work is in mem.c,
 * reads that match run on the query threads (pool.c; srv_api_read_class says which, and in
 * which lane), writes as jobs on the writer thread (writer.c), and the JSON of queries,
 * concordance, stats and units is the library's shape (mem.c). The tmserver answer
 * [{"source","target","quality","rank"}] is the protocol's own shape and rendered here.
 * /v1/query takes every option of `jisr query` and answers as it does: a text's inline tags
 * (tags=) read by the library's jisr_tm_query_markup, the matches as JSON, text or one TMX
 * document (format=) rendered by the library (qans below).
 */
#define _GNU_SOURCE /* fopencookie */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/server.h"
#include "text/text.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* one import at a time: another one is told to come back (small writes never wait for it) */
static int busy_importing(srv_req *r)
{
    int imports;
    srv_writer_load(srv_req_ctx(r)->importer, NULL, &imports);
    if (!imports)
        return 0;
    srv_reply_header(r, "Retry-After", "10");
    srv_reply_error(r, 503, "busy", "an import is running; send this one when it is done");
    return 1;
}

/* ?tm=NAME: 0 and *which set, or 1 with the 404 answered. all_ok: absent means "every memory" */
static int pick_tm(srv_req *r, const char *name, int all_ok, int *which)
{
    srv_mem *m = srv_req_ctx(r)->mem;
    if (!name || !*name) {
        *which = all_ok ? -1 : 0;
        return 0;
    }
    if ((*which = srv_mem_find(m, name)) < 0) {
        srv_reply_error(r, 404, "not_found", "no memory named '%s'", name);
        return 1;
    }
    return 0;
}

/* a client's language code → the tag to query with; 1 with the 400/404 (or the error of a
 * memory that cannot be read) answered */
static int resolve_lang(srv_req *r, const char *what, const char *code, char *out, size_t outsz)
{
    char norm[64];
    if (!code || !*code) {
        srv_reply_error(r, 400, "bad_request", "the %s language is missing", what);
        return 1;
    }
    if (srv_lang_normalize(code, norm, sizeof norm) < 0) {
        srv_reply_error(r, 400, "bad_request", "'%s' is not a language code", code);
        return 1;
    }
    jisr_error_clear();
    int rc = srv_mem_resolve_lang(srv_req_ctx(r)->mem, norm, out, outsz);
    if (rc < 0 && jisr_error_last()->code) {
        /* the memory could not be read (a damaged file, LMDB's reader table full …): that
         * error, a 500 or 503, never a claim about its languages */
        srv_reply_lib_error(r, jisr_error_last()->code);
        return 1;
    }
    if (rc < 0) {
        srv_reply_error(r, 404, "not_found", "the memory holds no %s text in '%s'", what, norm);
        return 1;
    }
    return 0;
}

static int int_param(srv_req *r, const char *name, long lo, long hi, long def, long *out)
{
    const char *v = srv_param_get(srv_req_route(r), name);
    *out = def;
    if (!v)
        return 0;
    if (srv_parse_int(v, lo, hi, out) < 0) {
        srv_reply_error(r, 400, "bad_request", "%s must be a whole number from %ld to %ld", name,
                        lo, hi);
        return 1;
    }
    return 0;
}

static int bool_param(srv_req *r, const char *name, int *out)
{
    const char *v = srv_param_get(srv_req_route(r), name);
    *out = 0;
    if (!v)
        return 0;
    if (!*v || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"))
        *out = 1;
    else if (strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "no")) {
        srv_reply_error(r, 400, "bad_request", "%s must be true or false", name);
        return 1;
    }
    return 0;
}

/* 1 when a and b name the same language: equal, or one a BCP 47 prefix of the other (en and
 * en-us; an en_us that fell back to the memory's en) */
static int same_lang(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), n = na < nb ? na : nb;
    return strncasecmp(a, b, n) == 0 && (na == nb || (na < nb ? b[n] : a[n]) == '-');
}

/* The time a query may take now (ms): what is left of the request's --query-timeout, which
 * runs from its arrival (a wait for a query thread counts), and once the server is stopping no
 * later than its stop time (http.c: half a second before the grace period ends, so that the
 * answer is still sent). 0 when that time has come: *stopping says it is the stop time. A
 * lookup tried on the I/O thread gets at most --inline-ms (srv_req_inline_ms): beyond, it is
 * handed over (srv_req_hand_over). */
static unsigned query_budget(srv_req *r, int *stopping)
{
    double now = jisr_now(), ms = (srv_req_deadline(r) - now) * 1000.0;
    int64_t stop = __atomic_load_n(&srv_req_ctx(r)->stop_us, __ATOMIC_ACQUIRE);
    *stopping = 0;
    if (stop) {
        double left = (double)stop / 1000.0 - now * 1000.0;
        if (left < ms && left < 1.0) {
            *stopping = 1;
            return 0;
        }
        if (left < ms)
            ms = left;
    }
    unsigned left = ms < 1.0 ? 0u : (unsigned)ms, inl = srv_req_inline_ms(r);
    return inl && inl < left ? inl : left;
}

/* the queries of a request ran out of their time: the configured limit, not what was left of
 * it for the last text (which the library's message names) */
static int timeout_error(srv_req *r)
{
    return jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                          "the queries took longer than the limit of %u ms (--query-timeout)",
                          srv_req_ctx(r)->opts->query_ms);
}

static void reply_stopping(srv_req *r)
{
    srv_reply_header(r, "Retry-After", "5");
    srv_reply_error(r, 503, "stopping", "the server is stopping");
}

/* a text of a query, cut at SRV_TEXT_MAX characters (copied); *was_cut (when not NULL) tells
 * whether anything was left out */
static char *cut_text(const char *s, int *was_cut)
{
    size_t n = strlen(s), k = srv_utf8_cut(s, n, SRV_TEXT_MAX);
    if (was_cut)
        *was_cut = k < n;
    return jisr_strndup(s, k);
}

/* The matches of a text that was cut were scored against its first SRV_TEXT_MAX characters,
 * not against the text the client sent: one identical to that part is not identical to the
 * text, so its 100 ("identical", docs/serve.md) becomes 99, what the matcher gives any text
 * that differs (docs/matching.md §2). The matches stay best first; returns how many of them
 * (a prefix) still reach min_score — none at a minimum of 100. */
static size_t cap_cut_scores(jisr_tm_matches *mm, int min_score)
{
    size_t n = mm->n;
    for (size_t i = 0; i < n; i++)
        if (mm->v[i].score > 99)
            mm->v[i].score = 99;
    while (n && mm->v[n - 1].score < min_score)
        n--;
    return n;
}

/* A stored tag in BCP 47's conventional case (jisr_lang_case): language lower, script title,
 * region upper */
static void canon_tag(const char *norm, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s", norm);
    jisr_lang_case(out);
}

/* ---- tmserver --------------------------------------------------------------------------- */

static void tms_query(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    srv_mem *m = srv_req_ctx(r)->mem;
    char sl[64], tl[64], nsl[64], ntl[64];
    if (srv_lang_normalize(rt->sl, nsl, sizeof nsl) < 0 ||
        srv_lang_normalize(rt->tl, ntl, sizeof ntl) < 0) {
        srv_reply_error(r, 400, "bad_request", "'%s' or '%s' is not a language code", rt->sl,
                        rt->tl);
        return;
    }
    if (same_lang(nsl, ntl)) {
        srv_reply_error(r, 404, "not_found", "source and target language are the same");
        return;
    }
    if (resolve_lang(r, "source", rt->sl, sl, sizeof sl) ||
        resolve_lang(r, "target", rt->tl, tl, sizeof tl))
        return;
    if (same_lang(sl, tl)) { /* en_us → en against en */
        srv_reply_error(r, 404, "not_found",
                        "source and target language are the same ('%s' falls back to '%s')",
                        strcmp(nsl, sl) ? rt->sl : rt->tl, strcmp(nsl, sl) ? sl : tl);
        return;
    }
    if (!rt->text || !rt->text[0]) {
        srv_reply_error(r, 400, "bad_request", "no text: use unit/TEXT or unit/?source=TEXT");
        return;
    }
    long min, max = SRV_MAX_CANDIDATES;
    /* max_candidates: a whole number from 1, larger values (however many digits) lowered to
     * the cap */
    const char *mc = srv_param_get(rt, "max_candidates");
    size_t mcn = mc ? strlen(mc) : 0, zeros = mc ? strspn(mc, "0") : 0;
    int huge = mc && mcn && strspn(mc, "0123456789") == mcn && mcn - zeros > 9;
    if (int_param(r, "min_similarity", 0, 100, 75, &min) ||
        (!huge && int_param(r, "max_candidates", 1, 999999999, 5, &max)))
        return;
    if (max > SRV_MAX_CANDIDATES)
        max = SRV_MAX_CANDIDATES;
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.srclang = sl;
    o.tgtlang = tl;
    o.min_score = (int)min;
    o.max_results = (size_t)max;
    o.flags = JISR_TM_NO_DIFF; /* the protocol has no diff */
    int stopping;
    o.timeout_ms = query_budget(r, &stopping);
    if (stopping) {
        reply_stopping(r);
        return;
    }
    jisr_tm_matches mm;
    int rc = o.timeout_ms ? srv_mem_query(m, -1, rt->text, &o, &mm) : timeout_error(r);
    if (rc == JISR_EINTERRUPTED && __atomic_load_n(&srv_req_ctx(r)->stop_us, __ATOMIC_ACQUIRE)) {
        reply_stopping(r);
        return;
    }
    if (rc == JISR_EINTERRUPTED && srv_req_hand_over(r))
        return; /* run again on a query thread */
    if (rc == JISR_EINTERRUPTED)
        rc = timeout_error(r);
    if (rc < 0) {
        srv_reply_lib_error(r, rc);
        return;
    }
    size_t shown = rt->text_cut ? cap_cut_scores(&mm, o.min_score) : mm.n;
    jisr_buf b = {0}, t = {0};
    jisr_buf_putc(&b, '[');
    for (size_t i = 0; i < shown; i++) {
        const jisr_tm_match *x = &mm.v[i];
        if (i)
            jisr_buf_putc(&b, ',');
        jisr_buf_puts(&b, "{\"source\":");
        jisr_buf_reset(&t);
        srv_mem_plain(&t, x->source, x->source_tags, x->nsource_tags);
        jisr_buf_json_string(&b, t.data, t.len);
        jisr_buf_puts(&b, ",\"target\":");
        jisr_buf_reset(&t);
        srv_mem_plain(&t, x->target, x->tags, x->ntags);
        jisr_buf_json_string(&b, t.data, t.len);
        double rank = x->similarity * 100.0;
        jisr_buf_printf(&b, ",\"quality\":%d,\"rank\":%.2f}", x->score, rank < 0 ? 0.0 : rank);
    }
    jisr_buf_putc(&b, ']');
    jisr_buf_free(&t);
    jisr_tm_matches_free(&mm);
    if (rt->text_cut)
        srv_reply_header(r, "X-Jisr-Text-Cut", SRV_TEXT_MAX_STR);
    srv_reply_json(r, 200, &b);
}

static void tms_languages(srv_req *r)
{
    char **tags;
    size_t n;
    int rc = srv_mem_langs(srv_req_ctx(r)->mem, &tags, &n);
    if (rc < 0) {
        srv_reply_lib_error(r, rc);
        return;
    }
    /* each tag in Weblate's form (pt_br), and its primary subtag, which a query may use */
    char(*seen)[64] = calloc(2 * n + 1, sizeof *seen);
    size_t ns = 0;
    for (size_t i = 0; seen && i < n; i++) {
        char w[64];
        srv_lang_weblate(tags[i], w, sizeof w);
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) {
                char *us = strchr(w, '_');
                if (!us)
                    break;
                *us = '\0';
            }
            size_t k = 0;
            while (k < ns && strcmp(seen[k], w) != 0)
                k++;
            if (k == ns)
                strcpy(seen[ns++], w);
        }
        free(tags[i]);
    }
    free(tags);
    jisr_buf list = {0}, b = {0};
    jisr_buf_putc(&list, '[');
    for (size_t k = 0; k < ns; k++) {
        if (k)
            jisr_buf_putc(&list, ',');
        jisr_buf_json_string(&list, seen[k], strlen(seen[k]));
    }
    jisr_buf_putc(&list, ']');
    free(seen);
    jisr_buf_printf(&b, "{\"sourceLanguages\":%s,\"targetLanguages\":%s}", list.data, list.data);
    jisr_buf_free(&list);
    srv_reply_json(r, 200, &b);
}

/* ---- write jobs ------------------------------------------------------------------------- */

enum { JOB_UNITS, JOB_DELETE, JOB_IMPORT };

typedef struct bad_item {
    unsigned long line, col;
    char msg[256];
} bad_item;

typedef struct api_job {
    srv_job job; /* first: the writer hands back &job */
    srv_req *r;
    int kind;
    jisr_unit *units;
    size_t nunits;
    uint64_t *ids;
    size_t nids;
    jisr_tm_file_opts fo;
    char sl[64], tl[64];
    jisr_tm_import_stats st;
    int rc;
    jisr_error err;
    bad_item bad[100];
    size_t nbad;
    uint64_t nbad_all;
    bad_item warn[100]; /* what the reader left out or kept as it is, and went on (jisr import's
                         * warnings): the first 100, and the count of all */
    size_t nwarn;
    uint64_t nwarn_all;
    srv_upload *up;
    int cut; /* an import whose upload did not complete */
    /* a body read on the writer thread (a store of 100,000 units took 3.4 s: never on an I/O
     * thread), and the answer when it is refused */
    const char *body;
    size_t body_n;
    int store;
    unsigned refused; /* the status */
    const char *refused_code;
    char refused_msg[512];
} api_job;

/* the first 100 of a list of errors or warnings kept for the reply, all of them counted */
static void keep_item(bad_item *v, size_t *n, uint64_t *all, const jisr_error *e)
{
    if (*n < 100) {
        bad_item *b = &v[(*n)++];
        b->line = e->line;
        b->col = e->col;
        size_t len = strlen(e->msg);
        if (len >= sizeof b->msg)
            len = sizeof b->msg - 1;
        memcpy(b->msg, e->msg, len);
        b->msg[len] = '\0';
    }
    ++*all;
}

static void on_bad(void *ctx, const jisr_error *e)
{
    api_job *j = ctx;
    keep_item(j->bad, &j->nbad, &j->nbad_all, e);
}

static void on_warn(void *ctx, const jisr_error *w)
{
    api_job *j = ctx;
    keep_item(j->warn, &j->nwarn, &j->nwarn_all, w);
}

/* [{"line":…,"col":…,"message":…},…] */
static void items_json(jisr_buf *b, const bad_item *v, size_t n)
{
    jisr_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        jisr_buf_printf(b, "%s{\"line\":%lu,\"col\":%lu,\"message\":", i ? "," : "", v[i].line,
                        v[i].col);
        size_t mn = strlen(v[i].msg);
        while (mn && !srv_utf8_valid(v[i].msg, mn))
            mn--;
        jisr_buf_json_string(b, v[i].msg, mn);
        jisr_buf_putc(b, '}');
    }
    jisr_buf_putc(b, ']');
}

/* tmserver unit or store: the body into units; 0, or -1 with the refusal set */
static int parse_units(api_job *j)
{
    char *err = j->refused_msg;
    size_t errsz = sizeof j->refused_msg;
    int rc;
    if (j->store) {
        rc =
            srv_body_tms_store(j->body, j->body_n, j->sl, j->tl, &j->units, &j->nunits, err, errsz);
    } else {
        j->units = calloc(1, sizeof *j->units);
        rc = j->units ? srv_body_tms_unit(j->body, j->body_n, j->sl, j->tl, j->units, err, errsz)
                      : -1;
        if (rc == 0)
            j->nunits = 1;
        else if (!j->units)
            snprintf(err, errsz, "out of memory");
    }
    if (rc == 0)
        return 0;
    free(j->units);
    j->units = NULL;
    j->nunits = 0;
    if (rc == -1) {
        j->refused = 400;
        j->refused_code = "bad_request";
    } else if (jisr_error_last()->code == JISR_ETOOBIG) { /* refused by jisr_unit_check */
        j->refused = 413;
        j->refused_code = "too_big";
    } else {
        j->refused = 422;
        j->refused_code = jisr_error_last()->code == JISR_EENCODING ? "encoding" : "parse";
    }
    return -1;
}

static int cmp_id(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* POST /v1/delete: the body into ids, each once; 0, or -1 with the refusal set */
static int parse_ids(api_job *j)
{
    if (srv_body_v1_ids(j->body, j->body_n, &j->ids, &j->nids, j->refused_msg,
                        sizeof j->refused_msg) < 0) {
        j->refused = 400;
        j->refused_code = "bad_request";
        return -1;
    }
    /* an id given twice is deleted once (jisr_tm_delete): count it once */
    qsort(j->ids, j->nids, sizeof *j->ids, cmp_id);
    size_t k = 0;
    for (size_t i = 0; i < j->nids; i++)
        if (k == 0 || j->ids[k - 1] != j->ids[i])
            j->ids[k++] = j->ids[i];
    j->nids = k;
    return 0;
}

static void job_run(srv_job *jj)
{
    api_job *j = (api_job *)jj;
    srv_mem *m = srv_req_ctx(j->r)->mem;
    jisr_error_clear();
    switch (j->kind) {
    case JOB_UNITS:
        if (j->body && parse_units(j) < 0)
            return;
        j->rc = srv_mem_add_units(m, j->units, j->nunits, &j->st);
        break;
    case JOB_DELETE:
        if (j->body && parse_ids(j) < 0)
            return;
        j->rc = srv_mem_delete(m, j->ids, j->nids);
        break;
    case JOB_IMPORT: {
        FILE *f = srv_upload_file(j->up);
        if (!f)
            j->rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        else
            j->rc = srv_mem_import(m, f, "upload", &j->fo, &j->st);
        srv_upload_close_reader(j->up); /* whatever is left of the body is dropped */
        if (j->rc < 0 && srv_upload_aborted(j->up)) {
            /* a skip_bad import keeps the batches it committed: say how many (the statistics
             * are the committed ones, srv_mem_import) and how far into the body they go */
            const jisr_tm_import_stats *t = &j->st;
            j->cut = 1;
            char upto[64] = "";
            if (t->line)
                snprintf(upto, sizeof upto, " (the body up to line %lu)", t->line);
            if (t->batches)
                j->rc = jisr_error_set(
                    JISR_EINTERRUPTED, NULL, 0, 0,
                    "the upload did not complete: the %llu batch%s committed before it was cut "
                    "off %s kept%s: %llu units added, %llu merged, %llu skipped; the rest was "
                    "dropped",
                    (unsigned long long)t->batches, t->batches == 1 ? "" : "es",
                    t->batches == 1 ? "is" : "are", upto, (unsigned long long)t->added,
                    (unsigned long long)t->merged, (unsigned long long)t->skipped);
            else
                j->rc = jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                                       "the upload did not complete: nothing was imported");
        }
        break;
    }
    }
    if (j->rc < 0)
        j->err = *jisr_error_last();
}

static void job_done(srv_job *jj)
{
    api_job *j = (api_job *)jj;
    srv_req *r = j->r;
    if (j->refused) {
        srv_reply_error(r, j->refused, j->refused_code, "%s", j->refused_msg);
    } else if (j->rc < 0) {
        /* an upload cut off: the log says what was kept (its client may be gone) */
        if (j->cut)
            srv_req_log(r, "%s", j->err.msg);
        jisr_error_set(j->err.code, j->err.file, j->err.line, j->err.col, "%s", j->err.msg);
        srv_reply_lib_error(r, j->rc);
    } else {
        jisr_buf b = {0};
        switch (j->kind) {
        case JOB_DELETE: /* all or nothing, each id once (v1_delete drops repeats) */
            jisr_buf_printf(&b, "{\"deleted\":%zu}", j->nids);
            break;
        case JOB_UNITS:
            jisr_buf_printf(&b, "{\"added\":%llu,\"merged\":%llu,\"skipped\":%llu}",
                            (unsigned long long)j->st.added, (unsigned long long)j->st.merged,
                            (unsigned long long)j->st.skipped);
            break;
        case JOB_IMPORT:
            jisr_buf_printf(&b,
                            "{\"read\":%llu,\"added\":%llu,\"merged\":%llu,\"skipped\":%llu,"
                            "\"batches\":%llu,\"bytes\":%llu,\"bad_count\":%llu,\"bad\":",
                            (unsigned long long)j->st.read, (unsigned long long)j->st.added,
                            (unsigned long long)j->st.merged, (unsigned long long)j->st.skipped,
                            (unsigned long long)j->st.batches,
                            (unsigned long long)srv_upload_bytes(j->up),
                            (unsigned long long)j->nbad_all);
            items_json(&b, j->bad, j->nbad);
            jisr_buf_printf(
                &b, ",\"warning_count\":%llu,\"warnings\":", (unsigned long long)j->nwarn_all);
            items_json(&b, j->warn, j->nwarn);
            jisr_buf_putc(&b, '}');
            break;
        }
        srv_reply_json(r, 200, &b);
    }
    for (size_t i = 0; i < j->nunits; i++)
        jisr_unit_clear(&j->units[i]);
    free(j->units);
    free(j->ids);
    srv_upload_release(j->up);
    free(j);
    srv_req_job_done(r);
}

static api_job *job_new(srv_req *r, int kind)
{
    api_job *j = calloc(1, sizeof *j);
    if (!j) {
        srv_reply_error(r, 503, "out_of_memory", "out of memory");
        return NULL;
    }
    j->job.run = job_run;
    j->job.done = job_done;
    j->job.is_import = kind == JOB_IMPORT;
    j->r = r;
    j->kind = kind;
    return j;
}

static void tms_write(srv_req *r, int store)
{
    const srv_route *rt = srv_req_route(r);
    char sl[64], tl[64];
    if (srv_lang_normalize(rt->sl, sl, sizeof sl) < 0 ||
        srv_lang_normalize(rt->tl, tl, sizeof tl) < 0 || same_lang(sl, tl)) {
        srv_reply_error(r, 400, "bad_request", "'%s' → '%s' is not a language pair", rt->sl,
                        rt->tl);
        return;
    }
    api_job *j = job_new(r, JOB_UNITS);
    if (!j)
        return;
    /* the languages in BCP 47 case; the body is read by the job (parse_units) */
    canon_tag(sl, j->sl, sizeof j->sl);
    canon_tag(tl, j->tl, sizeof j->tl);
    j->body = srv_req_body(r, &j->body_n);
    j->store = store;
    srv_req_submit(r, &j->job);
}

/* ---- /v1/ ------------------------------------------------------------------------------- */

static void v1_info(srv_req *r)
{
    srv_ctx *c = srv_req_ctx(r);
    jisr_buf b = {0};
    /* without a token file no write is taken at all (403 writes_disabled) */
    int writable = !c->read_only && c->opts->token_file;
    jisr_buf_printf(&b, "{\"name\":\"jisr\",\"version\":\"%s\",\"memories\":[", JISR_VERSION);
    for (size_t i = 0; i < srv_mem_count(c->mem); i++) {
        jisr_buf_printf(&b, "%s{\"name\":", i ? "," : "");
        const char *nm = srv_mem_name(c->mem, i);
        jisr_buf_json_string(&b, nm, strlen(nm));
        jisr_buf_printf(&b, ",\"penalty\":%d,\"writes\":%s}", srv_mem_penalty(c->mem, i),
                        i == 0 && writable ? "true" : "false");
    }
    int writes, imports, qrun, qwait;
    srv_writer_load(c->writer, &writes, NULL);
    srv_writer_load(c->importer, &imports, NULL);
    srv_pool_load(c->queries, &qrun, &qwait);
    jisr_buf_printf(&b, "],\"pending\":{\"imports\":%d,\"writes\":%d,\"queries\":%d}", imports,
                    writes, qrun + qwait);
    jisr_buf_printf(&b, ",\"reads\":{\"inline\":%llu,\"queued\":%llu,\"over_budget\":%llu}",
                    (unsigned long long)__atomic_load_n(&c->reads_inline, __ATOMIC_RELAXED),
                    (unsigned long long)__atomic_load_n(&c->reads_queued, __ATOMIC_RELAXED),
                    (unsigned long long)__atomic_load_n(&c->reads_over_budget, __ATOMIC_RELAXED));
    jisr_buf_printf(&b,
                    ",\"read_only\":%s,\"writes\":%s,\"writes_need_token\":true,"
                    "\"limits\":{\"text_chars\":%d,"
                    "\"max_candidates\":%d,\"max_results\":%d,\"texts_per_query\":%d,"
                    "\"uri_bytes\":%d,\"header_bytes\":%d,\"upload_bytes\":%llu}}",
                    c->read_only ? "true" : "false", writable ? "true" : "false", SRV_TEXT_MAX,
                    SRV_MAX_CANDIDATES, SRV_MAX_RESULTS, SRV_MAX_TEXTS, SRV_URI_MAX, SRV_HEADER_MAX,
                    (unsigned long long)c->opts->max_upload);
    srv_reply_json(r, 200, &b);
}

#define SRV_MAX_PROPS 16 /* prop filters of one query */

typedef struct qopts {
    jisr_tm_query_opts o;
    char sl[64], tl[64];
    int which;
    jisr_tm_prop_filter props[SRV_MAX_PROPS];
    char *pbuf; /* the TYPE=VALUE strings of props, split at their '=' */
} qopts;

/* The prop=TYPE=VALUE parameters of a GET (repeatable) into props, in their order; returns how
 * many (at most SRV_MAX_PARAMS, the route's bound). */
static size_t route_props(const srv_route *rt, const char **props)
{
    size_t n = 0;
    for (size_t i = 0; i < rt->nparams; i++)
        if (strcmp(rt->params[i].key, "prop") == 0)
            props[n++] = rt->params[i].val;
    return n;
}

/* jisr query's and jisr export's --prop TYPE=VALUE (several; /v1/query and /v1/export): split
 * into out (at most SRV_MAX_PROPS), the strings copied into *pbuf, which the caller frees
 * whatever this returns. 0, or 1 with the 400 answered. */
static int prop_filters(srv_req *r, const char *const *props, size_t nprops,
                        jisr_tm_prop_filter *out, char **pbuf)
{
    *pbuf = NULL;
    if (nprops > SRV_MAX_PROPS) {
        srv_reply_error(r, 400, "bad_request", "at most %d prop filters", SRV_MAX_PROPS);
        return 1;
    }
    size_t total = 0;
    for (size_t i = 0; i < nprops; i++)
        total += strlen(props[i]) + 1;
    if (nprops && !(*pbuf = malloc(total))) {
        srv_reply_error(r, 500, "out_of_memory", "out of memory");
        return 1;
    }
    char *p = *pbuf;
    for (size_t i = 0; i < nprops; i++) {
        size_t len = strlen(props[i]);
        memcpy(p, props[i], len + 1);
        char *eq = strchr(p, '=');
        if (!eq || eq == p) {
            srv_reply_error(r, 400, "bad_request", "prop: TYPE=VALUE expected, not '%s'", props[i]);
            return 1;
        }
        *eq = '\0';
        out[i].type = p;
        out[i].value = eq + 1;
        p += len + 1;
    }
    return 0;
}

/* A date parameter (changed_since, changed_before: jisr query's and jisr export's
 * --changed-since, --changed-before) read by the library's jisr_tm_since_parse into *t; absent
 * or empty, *t is left as it is. 0, or 1 with the 400, which names the parameter, answered. */
static int date_param(srv_req *r, const char *name, const char *v, int64_t *t)
{
    int64_t d;
    if (!v || !*v)
        return 0;
    if (jisr_tm_since_parse(v, &d) < 0) {
        srv_reply_error(r, 400, "bad_request",
                        "%s: '%s' is not a date: YYYY-MM-DD, YYYYMMDD, "
                        "YYYYMMDDThhmmssZ or ISO 8601's YYYY-MM-DDThh:mm:ss with Z or a zone "
                        "offset (+02:00), UTC when none; the day must exist in its month",
                        name, v);
        return 1;
    }
    *t = d;
    return 0;
}

/* jisr query's filters: --prop TYPE=VALUE (several) and --changed-since DATE (checked here;
 * the library reads the string again) */
static int query_filters(srv_req *r, const char *const *props, size_t nprops, const char *since,
                         qopts *q)
{
    int64_t t;
    if (prop_filters(r, props, nprops, q->props, &q->pbuf) ||
        date_param(r, "changed_since", since, &t))
        return 1;
    q->o.props = nprops ? q->props : NULL;
    q->o.nprops = nprops;
    q->o.changed_since = since && *since ? since : NULL;
    return 0;
}

/* q->pbuf is freed by qopts_free whatever query_opts returns */
static int query_opts(srv_req *r, const char *sl, const char *tl, long min, long max, int ex,
                      const char *tm, qopts *q)
{
    jisr_tm_query_opts d = JISR_TM_QUERY_OPTS_INIT;
    q->o = d;
    q->pbuf = NULL;
    if (pick_tm(r, tm, 1, &q->which) || resolve_lang(r, "source", sl, q->sl, sizeof q->sl) ||
        resolve_lang(r, "target", tl, q->tl, sizeof q->tl))
        return 1;
    if (same_lang(q->sl, q->tl)) { /* (also after a fallback: en_us → en against en) */
        srv_reply_error(r, 400, "bad_request",
                        "source and target are the same language ('%s' → '%s'): a query looks "
                        "up a translation into another language",
                        sl, tl);
        return 1;
    }
    q->o.srclang = q->sl;
    q->o.tgtlang = q->tl;
    q->o.min_score = (int)min;
    q->o.max_results = (size_t)max;
    q->o.flags = ex ? JISR_TM_EXHAUSTIVE : 0;
    q->o.timeout_ms = srv_req_ctx(r)->opts->query_ms;
    return 0;
}

static void qopts_free(qopts *q)
{
    free(q->pbuf);
    q->pbuf = NULL;
}

/* One /v1/query answer, built text by text as `jisr query` prints it: JSON (the query object of
 * a GET, {"results":[…]} of a POST), one TMX document of every text's matches (format=tmx), or
 * the text rendering (format=text). The rendering is the library's throughout (tm/json.c,
 * tm/textout.c, tm/tmxout.c through the formats layer's TMX writer). */
typedef struct qans {
    srv_req *r;
    qopts *q;
    int tags, fmt, post;
    int cut;  /* a text was cut at SRV_TEXT_MAX characters (X-Jisr-Text-Cut) */
    size_t n; /* texts answered */
    jisr_buf b;
    FILE *f; /* format=tmx: the writer's stream, into b */
    jisr_writer *w;
    jisr_unit tagged; /* the text being answered, parsed into text and tags (tags=tmx|braces) */
} qans;

static ssize_t qans_put(void *c, const char *p, size_t n)
{
    return jisr_buf_append(c, p, n) < 0 ? -1 : (ssize_t)n;
}

static int qans_open(qans *a, srv_req *r, qopts *q, int tags, int fmt, int post)
{
    memset(a, 0, sizeof *a);
    a->r = r;
    a->q = q;
    a->tags = tags;
    a->fmt = fmt;
    a->post = post;
    jisr_unit_init(&a->tagged);
    if (fmt == SRV_QFMT_TMX) {
        cookie_io_functions_t io = {NULL, qans_put, NULL, NULL};
        if (!(a->f = fopencookie(&a->b, "wb", io)))
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
        wo.format = JISR_FMT_TMX;
        wo.srclang = q->sl;
        return jisr_writer_open_stream(&a->w, a->f, "query", &wo, NULL);
    }
    if (fmt == SRV_QFMT_JSON && post)
        return jisr_buf_puts(&a->b, "{\"results\":[");
    return 0;
}

/* Answer one text (where: how the request names it, for messages). 0, a library error (< 0),
 * or 1 with a 400 answered: a tagged text that is not what tags= says, or too long. */
static int qans_text(qans *a, const char *raw, const char *where)
{
    srv_mem *m = srv_req_ctx(a->r)->mem;
    jisr_tm_query_opts o = a->q->o;
    char *cut = NULL;
    const char *text, *shown;
    int rc, was_cut = 0;
    jisr_unit_clear(&a->tagged);
    if (a->tags == JISR_TM_MARKUP_NONE) {
        if (!(cut = cut_text(raw, &was_cut)))
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        text = shown = cut;
        a->cut |= was_cut;
    } else {
        /* the markup is read whole (cutting it could cut a tag in two); the request's size
         * limit bounds it, and the text it holds obeys the limit of a plain text */
        static const char *const mode[] = {"none", "tmx", "braces"};
        if ((rc = jisr_tm_query_markup(&a->tagged, raw, a->tags)) < 0) {
            if (rc == JISR_ENOMEM)
                return rc;
            /* libxml2's own wording ("internal error: …") says nothing to a client */
            const char *msg = jisr_error_last()->msg, *ie = strstr(msg, "internal error");
            srv_reply_error(a->r, 400, "bad_request", "%s (tags=%s): %.*s%s", where, mode[a->tags],
                            ie ? (int)(ie - msg) : (int)strlen(msg), msg,
                            ie ? "markup that is not allowed (a DOCTYPE, entity, comment or "
                                 "processing instruction) or not well-formed"
                               : "");
            return 1;
        }
        const jisr_variant *v = &a->tagged.variants[0];
        size_t len = strlen(v->text);
        if (srv_utf8_cut(v->text, len, SRV_TEXT_MAX) < len) {
            srv_reply_error(a->r, 400, "bad_request",
                            "%s: more than %d characters besides its tags (a tagged text is not "
                            "cut)",
                            where, SRV_TEXT_MAX);
            return 1;
        }
        text = v->text;
        shown = raw;
        o.tags = (const char *const *)v->tags;
        o.ntags = v->ntags;
        if (!o.tags) /* a query without tags, which says so: stored tags cost their penalty */
            o.tags = (const char *const *)&v->text;
    }
    jisr_tm_matches mm;
    int merged = a->q->which < 0;
    if ((rc = srv_mem_query(m, a->q->which, text, &o, &mm)) == 0) {
        size_t all = mm.n;
        if (was_cut) /* the rest stays in mm.v until jisr_tm_matches_free */
            mm.n = cap_cut_scores(&mm, o.min_score);
        switch (a->fmt) {
        case SRV_QFMT_TMX:
            rc = srv_mem_write_tmx(m, a->w, a->q->sl, a->q->tl, shown, &mm, merged);
            break;
        case SRV_QFMT_TEXT:
            rc = srv_mem_render_text(m, &a->b, shown, &mm, o.min_score, merged);
            break;
        default:
            if (a->n && (rc = jisr_buf_putc(&a->b, ',')) < 0)
                break;
            rc = srv_mem_render_query(m, &a->b, shown, o.srclang, o.tgtlang, &mm, merged,
                                      was_cut ? SRV_TEXT_MAX : 0);
            break;
        }
        mm.n = all;
        jisr_tm_matches_free(&mm);
    }
    free(cut);
    a->n++;
    return rc;
}

/* Finish and send the answer (rc: how the texts went; 1 = already answered). */
static void qans_close(qans *a, int rc)
{
    if (a->w && rc != 0)
        jisr_writer_abort(a->w);
    else if (a->w)
        rc = jisr_writer_close(a->w);
    if (a->f && fclose(a->f) != 0 && rc == 0)
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == 0 && a->fmt == SRV_QFMT_JSON && a->post)
        rc = jisr_buf_puts(&a->b, "]}");
    jisr_unit_clear(&a->tagged);
    if (rc == 0 && a->fmt != SRV_QFMT_JSON)
        srv_reply_header(a->r, "Cache-Control", "no-store");
    if (rc == 0 && a->cut) /* as the tmserver route says it, whatever the format */
        srv_reply_header(a->r, "X-Jisr-Text-Cut", SRV_TEXT_MAX_STR);
    if (rc < 0)
        srv_reply_lib_error(a->r, rc);
    else if (rc == 0 && a->fmt == SRV_QFMT_TMX)
        srv_reply(a->r, 200, "application/x-tmx+xml; charset=utf-8", &a->b);
    else if (rc == 0 && a->fmt == SRV_QFMT_TEXT)
        srv_reply(a->r, 200, "text/plain; charset=utf-8", &a->b);
    else if (rc == 0)
        srv_reply_json(a->r, 200, &a->b);
    jisr_buf_free(&a->b);
}

/* tags= and format= of a GET; 1 with the 400 answered */
static int mode_params(srv_req *r, int *tags, int *fmt)
{
    const srv_route *rt = srv_req_route(r);
    const char *t = srv_param_get(rt, "tags"), *f = srv_param_get(rt, "format");
    *tags = t ? srv_query_tags_mode(t) : JISR_TM_MARKUP_NONE;
    *fmt = f ? srv_query_format(f) : SRV_QFMT_JSON;
    if (*tags < 0) {
        srv_reply_error(r, 400, "bad_request", "tags is none, tmx or braces");
        return 1;
    }
    if (*fmt < 0) {
        srv_reply_error(r, 400, "bad_request", "format is json, tmx or text");
        return 1;
    }
    return 0;
}

static void v1_query_get(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    long min, max;
    int ex, tags, fmt;
    qopts q;
    const char *text = srv_param_get(rt, "q");
    const char *props[SRV_MAX_PARAMS];
    size_t nprops = route_props(rt, props);
    q.pbuf = NULL;
    if (int_param(r, "min", 0, 100, 70, &min) || int_param(r, "max", 1, SRV_MAX_RESULTS, 5, &max) ||
        bool_param(r, "exhaustive", &ex) || mode_params(r, &tags, &fmt) ||
        query_opts(r, srv_param_get(rt, "source"), srv_param_get(rt, "target"), min, max, ex,
                   srv_param_get(rt, "tm"), &q) ||
        query_filters(r, props, nprops, srv_param_get(rt, "changed_since"), &q)) {
        qopts_free(&q);
        return;
    }
    if (!text || !*text) {
        qopts_free(&q);
        srv_reply_error(r, 400, "bad_request", "q (the text to look up) is missing");
        return;
    }
    qans a;
    int stopping;
    q.o.timeout_ms = query_budget(r, &stopping);
    int rc = qans_open(&a, r, &q, tags, fmt, 0);
    if (rc == 0 && stopping) {
        reply_stopping(r);
        rc = 1;
    } else if (rc == 0 && !q.o.timeout_ms) {
        rc = timeout_error(r);
    }
    if (rc == 0)
        rc = qans_text(&a, text, "q");
    if (rc == JISR_EINTERRUPTED && __atomic_load_n(&srv_req_ctx(r)->stop_us, __ATOMIC_ACQUIRE)) {
        reply_stopping(r);
        rc = 1;
    } else if (rc == JISR_EINTERRUPTED && srv_req_hand_over(r)) {
        rc = 1; /* run again on a query thread: the answer begun is dropped */
    } else if (rc == JISR_EINTERRUPTED) {
        rc = timeout_error(r);
    }
    qans_close(&a, rc);
    qopts_free(&q);
}

static void v1_query_post(srv_req *r)
{
    size_t n;
    const char *body = srv_req_body(r, &n);
    srv_query_req qr;
    char err[512];
    if (srv_body_v1_query(body, n, &qr, err, sizeof err) < 0) {
        srv_reply_error(r, 400, "bad_request", "%s", err);
        return;
    }
    qopts q;
    q.pbuf = NULL;
    if (query_opts(r, qr.sl, qr.tl, qr.min >= 0 ? qr.min : 70, qr.max > 0 ? qr.max : 5,
                   qr.exhaustive, qr.tm, &q) ||
        query_filters(r, qr.props, qr.nprops, qr.changed_since, &q)) {
        qopts_free(&q);
        srv_query_req_free(&qr);
        return;
    }
    qans a;
    int rc = qans_open(&a, r, &q, qr.tags, qr.format, 1);
    /* the texts of one request share one time budget, from its arrival */
    int stopping = 0;
    for (size_t i = 0; i < qr.ntexts && rc == 0; i++) {
        /* a server stopping ends the request between two texts, or the text's query at its
         * stop time: a 503 sent before it exits */
        q.o.timeout_ms = query_budget(r, &stopping);
        if (stopping)
            break;
        if (!q.o.timeout_ms) {
            rc = timeout_error(r);
            break;
        }
        char where[32];
        if (qr.single)
            snprintf(where, sizeof where, "q");
        else
            snprintf(where, sizeof where, "texts[%zu]", i);
        rc = qans_text(&a, qr.texts[i], where);
        if (rc == JISR_EINTERRUPTED && __atomic_load_n(&srv_req_ctx(r)->stop_us, __ATOMIC_ACQUIRE))
            stopping = 1;
        else if (rc == JISR_EINTERRUPTED) /* the library names the budget left for this text */
            rc = timeout_error(r);
    }
    if (stopping) {
        reply_stopping(r);
        rc = 1;
    }
    qans_close(&a, rc);
    qopts_free(&q);
    srv_query_req_free(&qr);
}

static void v1_concord(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    long max, width;
    int which;
    char lang[64];
    const char *q = srv_param_get(rt, "q");
    if (int_param(r, "max", 1, 10000, 100, &max) || int_param(r, "width", 0, 1000, 40, &width) ||
        pick_tm(r, srv_param_get(rt, "tm"), 1, &which) ||
        resolve_lang(r, "phrase", srv_param_get(rt, "lang"), lang, sizeof lang))
        return;
    if (!q || !*q) {
        srv_reply_error(r, 400, "bad_request", "q (the phrase) is missing");
        return;
    }
    int was_cut = 0, stopping;
    /* bounded in time as a query is (--query-timeout, the server's stop time): a phrase of
     * common words that never occur together reads most of the memory */
    unsigned ms = query_budget(r, &stopping);
    if (stopping) {
        reply_stopping(r);
        return;
    }
    char *t = ms ? cut_text(q, &was_cut) : NULL;
    jisr_buf b = {0};
    int rc =
        !ms ? JISR_EINTERRUPTED
        : t ? srv_mem_concord(srv_req_ctx(r)->mem, which, lang, t, (size_t)max, (int)width, ms, &b)
            : JISR_ENOMEM;
    free(t);
    if (rc == JISR_EINTERRUPTED && __atomic_load_n(&srv_req_ctx(r)->stop_us, __ATOMIC_ACQUIRE)) {
        jisr_buf_free(&b);
        reply_stopping(r);
        return;
    }
    if (rc == JISR_EINTERRUPTED)
        rc = jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                            "the concordance search took longer than the limit of %u ms "
                            "(--query-timeout)",
                            srv_req_ctx(r)->opts->query_ms);
    if (rc < 0) {
        jisr_buf_free(&b);
        srv_reply_lib_error(r, rc);
        return;
    }
    if (was_cut) /* "phrase" is the part searched */
        srv_reply_header(r, "X-Jisr-Text-Cut", SRV_TEXT_MAX_STR);
    srv_reply_json(r, 200, &b);
}

static void v1_stats(srv_req *r)
{
    int which;
    if (pick_tm(r, srv_param_get(srv_req_route(r), "tm"), 1, &which))
        return;
    jisr_buf b = {0};
    int rc = srv_mem_stats(srv_req_ctx(r)->mem, which, &b);
    if (rc < 0) {
        jisr_buf_free(&b);
        srv_reply_lib_error(r, rc);
        return;
    }
    srv_reply_json(r, 200, &b);
}

static void v1_languages(srv_req *r)
{
    char **tags;
    size_t n;
    int rc = srv_mem_langs(srv_req_ctx(r)->mem, &tags, &n);
    if (rc < 0) {
        srv_reply_lib_error(r, rc);
        return;
    }
    jisr_buf b = {0};
    jisr_buf_puts(&b, "{\"languages\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            jisr_buf_putc(&b, ',');
        jisr_buf_json_string(&b, tags[i], strlen(tags[i]));
        free(tags[i]);
    }
    free(tags);
    jisr_buf_puts(&b, "]}");
    srv_reply_json(r, 200, &b);
}

static void v1_unit(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    int which;
    if (pick_tm(r, srv_param_get(rt, "tm"), 0, &which))
        return;
    if (rt->method == SRV_M_DELETE) {
        if (which != 0) {
            srv_reply_error(r, 403, "read_only", "only the first memory takes writes");
            return;
        }
        api_job *j = job_new(r, JOB_DELETE);
        if (!j)
            return;
        if (!(j->ids = malloc(sizeof *j->ids))) {
            free(j);
            srv_reply_error(r, 503, "out_of_memory", "out of memory");
            return;
        }
        j->ids[0] = rt->unit_id;
        j->nids = 1;
        srv_req_submit(r, &j->job);
        return;
    }
    jisr_buf b = {0};
    int rc = srv_mem_unit(srv_req_ctx(r)->mem, which, rt->unit_id, &b);
    if (rc < 0) {
        jisr_buf_free(&b);
        srv_reply_lib_error(r, rc);
        return;
    }
    srv_reply_json(r, 200, &b);
}

static void v1_delete(srv_req *r)
{
    api_job *j = job_new(r, JOB_DELETE);
    if (!j)
        return;
    j->body = srv_req_body(r, &j->body_n); /* read by the job (parse_ids) */
    srv_req_submit(r, &j->job);
}

static jisr_format upload_format(srv_req *r)
{
    const char *f = srv_param_get(srv_req_route(r), "format");
    if (f)
        return jisr_format_from_string(f);
    const char *ct = srv_req_header(r, "Content-Type");
    if (!ct)
        return JISR_FMT_AUTO;
    static const struct {
        const char *prefix;
        jisr_format f;
    } t[] = {
        {"application/x-tmx+xml", JISR_FMT_TMX},     {"application/tmx+xml", JISR_FMT_TMX},
        {"application/xml", JISR_FMT_TMX},           {"text/xml", JISR_FMT_TMX},
        {"text/tab-separated-values", JISR_FMT_TSV}, {"application/jsonl", JISR_FMT_JSONL},
        {"application/x-ndjson", JISR_FMT_JSONL},    {"application/x-jsonlines", JISR_FMT_JSONL},
        {"application/jsonlines", JISR_FMT_JSONL}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strncasecmp(ct, t[i].prefix, strlen(t[i].prefix)) == 0)
            return t[i].f;
    return JISR_FMT_AUTO;
}

void srv_api_start_import(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    int skip;
    if (busy_importing(r) || bool_param(r, "skip_bad", &skip))
        return;
    jisr_format f = upload_format(r);
    if (f != JISR_FMT_TMX && f != JISR_FMT_TSV && f != JISR_FMT_JSONL) {
        const char *fp = srv_param_get(rt, "format");
        srv_reply_error(r, 415, "unsupported_media_type",
                        "%s%s%s: an import takes TMX, TSV or JSONL, named by ?format=tmx|tsv|jsonl "
                        "or Content-Type application/x-tmx+xml, text/tab-separated-values, "
                        "application/jsonl",
                        fp ? "format=" : "", fp ? fp : "the format of the body is not named",
                        fp ? " is not imported here" : "");
        return;
    }
    api_job *j = job_new(r, JOB_IMPORT);
    if (!j)
        return;
    const char *sl = srv_param_get(rt, "source"), *tl = srv_param_get(rt, "target");
    char nsl[64], ntl[64];
    if ((sl && srv_lang_normalize(sl, nsl, sizeof nsl) < 0) ||
        (tl && srv_lang_normalize(tl, ntl, sizeof ntl) < 0)) {
        free(j);
        srv_reply_error(r, 400, "bad_request", "source/target must be language codes");
        return;
    }
    if (sl && tl && same_lang(nsl, ntl)) {
        free(j);
        srv_reply_error(r, 400, "bad_request", "'%s' → '%s' is not a language pair", sl, tl);
        return;
    }
    if (f == JISR_FMT_TSV && (!sl || !tl)) {
        free(j);
        srv_reply_error(r, 400, "bad_request",
                        "a TSV body needs source= and target= (the languages of its columns)");
        return;
    }
    if (sl)
        canon_tag(nsl, j->sl, sizeof j->sl);
    if (tl)
        canon_tag(ntl, j->tl, sizeof j->tl);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    j->fo.read = ro;
    j->fo.read.format = f;
    j->fo.read.srclang = sl ? j->sl : NULL;
    j->fo.read.tgtlang = tl ? j->tl : NULL;
    j->fo.flags = skip ? JISR_TM_IMPORT_SKIP_BAD : 0;
    j->fo.on_bad = on_bad;
    j->fo.ctx = j;
    j->fo.read.on_warning = on_warn; /* kept for the reply, as jisr import prints them */
    j->fo.read.warning_ctx = j;
    j->fo.spill_mem = 64u << 20; /* a server holds less of a parse ahead than the CLI */
    /* smaller batches than the CLI's 200,000: until a strict import's body has been parsed
     * whole, the importer keeps its prepared batches (TM_GATE_QUEUE_BATCHES of them) in memory,
     * about 1 KiB a unit, which at 200,000 a batch was ~0.9 GiB for a large upload */
    j->fo.import.batch_units = srv_req_ctx(r)->opts->import_batch;
    j->up = srv_req_upload(r);
    srv_upload_ref(j->up);
    srv_req_submit(r, &j->job);
}

static long export_read(void *c, char *buf, size_t max)
{
    return srv_export_read(c, buf, max);
}

static void export_close(void *c)
{
    srv_export_close(c);
}

static void v1_export(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    int which;
    /* a parameter it does not know (changed-since, the CLI's spelling) was refused by the route
     * (route.c): a bulk read must not send the whole memory for a misspelt filter */
    const char *sl = srv_param_get(rt, "source"), *tl = srv_param_get(rt, "target");
    char nsl[64], ntl[64];
    if (pick_tm(r, srv_param_get(rt, "tm"), 0, &which))
        return;
    if (tl && !sl) {
        srv_reply_error(r, 400, "bad_request", "target needs source");
        return;
    }
    if ((sl && srv_lang_normalize(sl, nsl, sizeof nsl) < 0) ||
        (tl && srv_lang_normalize(tl, ntl, sizeof ntl) < 0)) {
        srv_reply_error(r, 400, "bad_request", "source/target must be language codes");
        return;
    }
    if (sl && tl && same_lang(nsl, ntl)) {
        srv_reply_error(r, 400, "bad_request", "'%s' → '%s' is not a language pair", sl, tl);
        return;
    }
    /* the TMX header's srclang as the memory stores tags (BCP 47 case: ar-EG) */
    char csl[64], ctl[64];
    if (sl)
        canon_tag(nsl, csl, sizeof csl);
    if (tl)
        canon_tag(ntl, ctl, sizeof ctl);
    /* jisr export's filters (--prop, --changed-since, --changed-before), read as /v1/query
     * reads its own, tested by the library's jisr_tm_unit_filter_match as jisr export does */
    const char *props[SRV_MAX_PARAMS];
    size_t nprops = route_props(rt, props);
    jisr_tm_prop_filter pf[SRV_MAX_PROPS];
    jisr_tm_unit_filter f = JISR_TM_UNIT_FILTER_INIT;
    char *pbuf = NULL;
    if (prop_filters(r, props, nprops, pf, &pbuf) ||
        date_param(r, "changed_since", srv_param_get(rt, "changed_since"), &f.since) ||
        date_param(r, "changed_before", srv_param_get(rt, "changed_before"), &f.before)) {
        free(pbuf);
        return;
    }
    f.props = nprops ? pf : NULL;
    f.nprops = nprops;
    srv_export *x;
    /* the export keeps copies of the filters' strings: it reads after this handler returns */
    int rc =
        srv_mem_export_open(srv_req_ctx(r)->mem, which, sl ? csl : NULL, tl ? ctl : NULL, &f, &x);
    free(pbuf);
    if (rc < 0) {
        srv_reply_lib_error(r, rc);
        return;
    }
    char disp[256];
    const char *nm = srv_mem_name(srv_req_ctx(r)->mem, (size_t)which);
    jisr_buf safe = {0};
    for (const char *p = nm; *p; p++)
        jisr_buf_putc(&safe, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'
                                 ? *p
                                 : '_');
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.tmx\"", safe.data ? safe.data : "tm");
    jisr_buf_free(&safe);
    srv_reply_stream(r, "application/x-tmx+xml; charset=utf-8", disp, export_read, export_close, x);
}

static void page(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    size_t n;
    const char *ctype;
    const unsigned char *data = srv_page_get(rt->id == SRV_R_PAGE ? "" : rt->text, &n, &ctype);
    if (!data) {
        srv_reply_error(r, 404, "not_found", "no such page");
        return;
    }
    jisr_buf b = {0};
    jisr_buf_append(&b, data, n);
    srv_reply_header(r, "Content-Security-Policy",
                     "default-src 'none'; script-src 'self'; style-src 'self'; "
                     "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                     "form-action 'self'; frame-ancestors 'none'");
    srv_reply_header(r, "Cache-Control", "no-cache");
    srv_reply(r, 200, ctype, &b);
}

/* ---- dispatch --------------------------------------------------------------------------- */

uint64_t srv_api_body_limit(const srv_route *rt, const serve_opts *o)
{
    switch (rt->id) {
    case SRV_R_TMS_UNIT:
        return SRV_BODY_UNIT;
    case SRV_R_TMS_STORE:
        return SRV_BODY_STORE;
    case SRV_R_V1_QUERY:
        return SRV_BODY_QUERY;
    case SRV_R_V1_DELETE:
        return SRV_BODY_DELETE;
    case SRV_R_V1_IMPORT:
        return o->max_upload;
    default:
        return 0;
    }
}

/* What makes a read expensive (the query threads' second lane: threads of its own at a lower
 * priority; docs/serve.md, "Query threads"). Told from the request alone, on the I/O thread.
 * Measured on the bench's 1,000,000 units: a lookup at the default minimum takes 1-2 ms whatever
 * its length, at min 0 2-14 s (every unit is a candidate), and a 1,000-character text at min 10 8
 * s, at min 20 60 ms; exhaustive 2 s; 100 texts 27 ms; a concordance of 10,000 hits of "the" 115
 * ms, of 100 hits 46 ms. */
#define SRV_HEAVY_MIN 25           /* a minimum score below this */
#define SRV_HEAVY_TEXTS 10         /* a POST /v1/query with more texts than this */
#define SRV_HEAVY_HITS 1000        /* a concordance asked for more hits than this */
#define SRV_HEAVY_BODY (16u << 10) /* a POST /v1/query body above this (not parsed to tell) */

/* exhaustive (truthy as bool_param reads it) or a minimum (parameter min_name) below
 * SRV_HEAVY_MIN */
static int heavy_params(const srv_route *rt, const char *min_name)
{
    const char *ex = srv_param_get(rt, "exhaustive"), *mn = srv_param_get(rt, min_name);
    long min;
    if (ex && (!*ex || !strcmp(ex, "1") || !strcmp(ex, "true") || !strcmp(ex, "yes")))
        return 1;
    return mn && srv_parse_int(mn, 0, 100, &min) == 0 && min < SRV_HEAVY_MIN;
}

/* a POST /v1/query: parsed here when small (a few microseconds on the I/O thread; parsed again
 * by its handler), expensive when large */
static int heavy_batch(srv_req *r)
{
    size_t n;
    const char *body = srv_req_body(r, &n);
    if (n > SRV_HEAVY_BODY)
        return 1;
    srv_query_req q;
    char err[64];
    if (srv_body_v1_query(body, n, &q, err, sizeof err) < 0)
        return 0; /* a 400 */
    int heavy = q.ntexts > SRV_HEAVY_TEXTS || q.exhaustive || (q.min >= 0 && q.min < SRV_HEAVY_MIN);
    srv_query_req_free(&q);
    return heavy;
}

int srv_api_read_class(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    int get = (rt->method & (SRV_M_GET | SRV_M_HEAD)) != 0;
    long max;
    switch (rt->id) {
    case SRV_R_TMS_UNIT:
        if (!get)
            return SRV_READ_INLINE; /* a write: the writer thread's */
        return heavy_params(rt, "min_similarity") ? SRV_READ_HEAVY : SRV_READ_LOOKUP;
    case SRV_R_V1_QUERY:
        if (get)
            return heavy_params(rt, "min") ? SRV_READ_HEAVY : SRV_READ_LOOKUP;
        return heavy_batch(r) ? SRV_READ_HEAVY : SRV_READ_CHEAP;
    case SRV_R_V1_CONCORD: {
        const char *v = srv_param_get(rt, "max");
        return v && srv_parse_int(v, 1, 10000, &max) == 0 && max > SRV_HEAVY_HITS ? SRV_READ_HEAVY
                                                                                  : SRV_READ_CHEAP;
    }
    default:
        return SRV_READ_INLINE;
    }
}

void srv_api_dispatch(srv_req *r)
{
    const srv_route *rt = srv_req_route(r);
    int get = (rt->method & (SRV_M_GET | SRV_M_HEAD)) != 0;
    switch (rt->id) {
    case SRV_R_PAGE:
    case SRV_R_ASSET:
        page(r);
        return;
    case SRV_R_TMS_UNIT:
        if (get)
            tms_query(r);
        else
            tms_write(r, 0);
        return;
    case SRV_R_TMS_STORE:
        tms_write(r, 1);
        return;
    case SRV_R_TMS_LANGS:
        tms_languages(r);
        return;
    case SRV_R_V1_INFO:
        v1_info(r);
        return;
    case SRV_R_V1_QUERY:
        if (get)
            v1_query_get(r);
        else
            v1_query_post(r);
        return;
    case SRV_R_V1_CONCORD:
        v1_concord(r);
        return;
    case SRV_R_V1_STATS:
        v1_stats(r);
        return;
    case SRV_R_V1_LANGS:
        v1_languages(r);
        return;
    case SRV_R_V1_UNIT:
        v1_unit(r);
        return;
    case SRV_R_V1_DELETE:
        v1_delete(r);
        return;
    case SRV_R_V1_EXPORT:
        v1_export(r);
        return;
    case SRV_R_V1_IMPORT: /* started before its body (srv_api_start_import) */
    default:
        srv_reply_error(r, 500, "internal", "no handler");
        return;
    }
}
