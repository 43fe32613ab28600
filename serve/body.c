/*
 * body.c — the JSON request bodies of the server, read with jansson into the library's unit
 * model or plain structs. Pure code (fuzzed by tests/fuzz/fuzz_serve_body.c). Every reader
 * refuses what it does not understand with a message naming the field, so that a client learns
 * what was wrong from the 400; jansson checks UTF-8 and refuses "\u0000" (JSON_ALLOW_NUL is not
 * given), and depth is bounded by jansson itself.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"
#include "tm/tm.h"

static json_t *load(const char *data, size_t n, char *err, size_t errsz)
{
    json_error_t je;
    json_t *j = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        snprintf(err, errsz, "invalid JSON at line %d, column %d: %s", je.line, je.column,
                 strstr(je.text, "JSON_ALLOW_NUL") ? "\\u0000 (NUL) is not allowed in a string"
                                                   : je.text);
    return j;
}

/* a string member: NULL when absent; *bad when present but not a string */
static const char *member_str(json_t *o, const char *key, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

static int unit_from(json_t *o, const char *sl, const char *tl, jisr_unit *u, const char *where,
                     char *err, size_t errsz)
{
    int bad = 0;
    if (!json_is_object(o)) {
        snprintf(err, errsz, "%s: an object {\"source\", \"target\", \"context\"} expected", where);
        return -1;
    }
    const char *src = member_str(o, "source", &bad), *tgt = member_str(o, "target", &bad);
    const char *ctx = member_str(o, "context", &bad);
    if (bad || !src || !tgt || !*src || !*tgt) {
        snprintf(err, errsz, "%s: \"source\" and \"target\" must be non-empty strings%s", where,
                 bad ? " (and \"context\" a string)" : "");
        return -1;
    }
    jisr_unit_init(u);
    if (jisr_unit_add_variant(u, sl, src, strlen(src), NULL) < 0 ||
        jisr_unit_add_variant(u, tl, tgt, strlen(tgt), NULL) < 0)
        goto oom;
    if (ctx && *ctx) {
        jisr_prop *p = calloc(1, sizeof *p);
        if (!p)
            goto oom;
        u->meta.props = p;
        u->meta.nprops = 1;
        p->type = jisr_strdup("x-context");
        p->value = jisr_strdup(ctx);
        if (!p->type || !p->value)
            goto oom;
    }
    /* the checks of every reader (jisr import, /v1/import): what TMX cannot carry (a C0
     * control, U+FFFE/U+FFFF) is refused, so that every stored unit can be exported */
    int rc = jisr_unit_check(u, where);
    if (rc < 0) {
        jisr_unit_clear(u);
        if (rc == JISR_ENOMEM) {
            snprintf(err, errsz, "out of memory");
            return -1;
        }
        snprintf(err, errsz, "%s: %s", where, jisr_error_last()->msg);
        return -2;
    }
    return 0;
oom:
    jisr_unit_clear(u);
    snprintf(err, errsz, "out of memory");
    return -1;
}

int srv_body_tms_unit(const char *data, size_t n, const char *sl, const char *tl, jisr_unit *u,
                      char *err, size_t errsz)
{
    json_t *j = load(data, n, err, errsz);
    if (!j)
        return -1;
    int rc = unit_from(j, sl, tl, u, "body", err, errsz);
    json_decref(j);
    return rc;
}

int srv_body_tms_store(const char *data, size_t n, const char *sl, const char *tl,
                       jisr_unit **units, size_t *nunits, char *err, size_t errsz)
{
    *units = NULL;
    *nunits = 0;
    json_t *j = load(data, n, err, errsz);
    if (!j)
        return -1;
    int rc = -1, urc;
    if (!json_is_array(j)) {
        snprintf(err, errsz, "body: a list of {\"source\", \"target\"} objects expected");
        goto done;
    }
    size_t k = json_array_size(j);
    if (k > SRV_MAX_STORE) {
        snprintf(err, errsz, "body: at most %d units in one store", SRV_MAX_STORE);
        goto done;
    }
    jisr_unit *v = calloc(k ? k : 1, sizeof *v);
    if (!v) {
        snprintf(err, errsz, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < k; i++) {
        char where[48];
        snprintf(where, sizeof where, "item %zu", i);
        if ((urc = unit_from(json_array_get(j, i), sl, tl, &v[i], where, err, errsz)) < 0) {
            for (size_t m = 0; m < i; m++)
                jisr_unit_clear(&v[m]);
            free(v);
            rc = urc;
            goto done;
        }
    }
    *units = v;
    *nunits = k;
    rc = 0;
done:
    json_decref(j);
    return rc;
}

/* 0, or -1 with err naming the first key of object o that route does not take (known): a key
 * it ignored would answer, or delete, whatever the client meant by it (srv_name_check) */
static int known_keys(json_t *o, const char *const *known, const char *route, char *err,
                      size_t errsz)
{
    const char *key;
    json_t *val;
    json_object_foreach(o, key, val)
    {
        if (srv_name_check(key, known, 1, route, NULL, err, errsz) < 0)
            return -1;
    }
    return 0;
}

static int member_int(json_t *o, const char *key, long lo, long hi, int *out, char *err,
                      size_t errsz)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(err, errsz, "\"%s\" must be a whole number from %ld to %ld", key, lo, hi);
        return -1;
    }
    *out = (int)json_integer_value(v);
    return 0;
}

int srv_query_tags_mode(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "none") == 0)
        return JISR_TM_MARKUP_NONE;
    if (strcmp(s, "tmx") == 0)
        return JISR_TM_MARKUP_TMX;
    if (strcmp(s, "braces") == 0)
        return JISR_TM_MARKUP_BRACES;
    return -1;
}

int srv_query_format(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "json") == 0)
        return SRV_QFMT_JSON;
    if (strcmp(s, "tmx") == 0)
        return SRV_QFMT_TMX;
    if (strcmp(s, "text") == 0)
        return SRV_QFMT_TEXT;
    return -1;
}

int srv_body_v1_query(const char *data, size_t n, srv_query_req *q, char *err, size_t errsz)
{
    memset(q, 0, sizeof *q);
    q->min = -1;
    q->max = -1;
    json_t *j = load(data, n, err, errsz);
    if (!j)
        return -1;
    q->doc = j;
    int bad = 0;
    if (!json_is_object(j)) {
        snprintf(err, errsz, "body: an object {\"texts\": [...], \"source\", \"target\"} expected");
        goto fail;
    }
    /* "min_score", "changed_before" (a filter only the export has): refused, not ignored */
    static const char *const keys[] = {"texts", "q",          "source", "target", "min",
                                       "max",   "exhaustive", "tm",     "props",  "changed_since",
                                       "tags",  "format",     NULL};
    if (known_keys(j, keys, "POST /v1/query", err, errsz) < 0)
        goto fail;
    q->sl = member_str(j, "source", &bad);
    q->tl = member_str(j, "target", &bad);
    q->tm = member_str(j, "tm", &bad);
    q->changed_since = member_str(j, "changed_since", &bad);
    const char *tags = member_str(j, "tags", &bad), *format = member_str(j, "format", &bad);
    if (bad) {
        snprintf(err, errsz,
                 "\"source\", \"target\", \"tm\", \"changed_since\", \"tags\" and \"format\" "
                 "must be strings");
        goto fail;
    }
    q->tags = tags ? srv_query_tags_mode(tags) : JISR_TM_MARKUP_NONE;
    q->format = format ? srv_query_format(format) : SRV_QFMT_JSON;
    if (q->tags < 0) {
        snprintf(err, errsz, "\"tags\" is \"none\", \"tmx\" or \"braces\"");
        goto fail;
    }
    if (q->format < 0) {
        snprintf(err, errsz, "\"format\" is \"json\", \"tmx\" or \"text\"");
        goto fail;
    }
    json_t *props = json_object_get(j, "props");
    if (props) {
        if (!json_is_array(props) || json_array_size(props) > 1000) {
            snprintf(err, errsz, "\"props\" must be a list of \"TYPE=VALUE\" strings");
            goto fail;
        }
        q->nprops = json_array_size(props);
        q->props = calloc(q->nprops ? q->nprops : 1, sizeof *q->props);
        if (!q->props)
            goto oom;
        for (size_t i = 0; i < q->nprops; i++) {
            json_t *p = json_array_get(props, i);
            if (!json_is_string(p)) {
                snprintf(err, errsz, "\"props\"[%zu] must be a string TYPE=VALUE", i);
                goto fail;
            }
            q->props[i] = json_string_value(p);
        }
    }
    if (member_int(j, "min", 0, 100, &q->min, err, errsz) < 0 ||
        member_int(j, "max", 1, SRV_MAX_RESULTS, &q->max, err, errsz) < 0)
        goto fail;
    json_t *ex = json_object_get(j, "exhaustive");
    if (ex && !json_is_boolean(ex)) {
        snprintf(err, errsz, "\"exhaustive\" must be true or false");
        goto fail;
    }
    q->exhaustive = ex && json_is_true(ex);
    json_t *texts = json_object_get(j, "texts"), *one = json_object_get(j, "q");
    if ((texts != NULL) == (one != NULL)) {
        snprintf(err, errsz, "give either \"texts\" (a list of strings) or \"q\" (a string)");
        goto fail;
    }
    if (one) {
        if (!json_is_string(one)) {
            snprintf(err, errsz, "\"q\" must be a string");
            goto fail;
        }
        q->texts = malloc(sizeof *q->texts);
        if (!q->texts)
            goto oom;
        q->texts[0] = json_string_value(one);
        q->ntexts = 1;
        q->single = 1;
    } else {
        if (!json_is_array(texts) || json_array_size(texts) == 0 ||
            json_array_size(texts) > SRV_MAX_TEXTS) {
            snprintf(err, errsz, "\"texts\" must be a list of 1 to %d strings", SRV_MAX_TEXTS);
            goto fail;
        }
        q->ntexts = json_array_size(texts);
        q->texts = calloc(q->ntexts, sizeof *q->texts);
        if (!q->texts)
            goto oom;
        for (size_t i = 0; i < q->ntexts; i++) {
            json_t *t = json_array_get(texts, i);
            if (!json_is_string(t)) {
                snprintf(err, errsz, "\"texts\"[%zu] must be a string", i);
                goto fail;
            }
            q->texts[i] = json_string_value(t);
        }
    }
    return 0;
oom:
    snprintf(err, errsz, "out of memory");
fail:
    srv_query_req_free(q);
    return -1;
}

void srv_query_req_free(srv_query_req *q)
{
    free(q->props);
    free(q->texts);
    json_decref((json_t *)q->doc);
    memset(q, 0, sizeof *q);
}

int srv_body_v1_ids(const char *data, size_t n, uint64_t **ids, size_t *nids, char *err,
                    size_t errsz)
{
    *ids = NULL;
    *nids = 0;
    json_t *j = load(data, n, err, errsz);
    if (!j)
        return -1;
    int rc = -1;
    /* a key the delete does not know ("props", "changed_since": filters it does not have; "id")
     * would have been ignored, and the ids deleted whatever the client meant by it */
    static const char *const keys[] = {"ids", NULL};
    if (json_is_object(j) && known_keys(j, keys, "POST /v1/delete", err, errsz) < 0)
        goto done;
    json_t *a = json_is_object(j) ? json_object_get(j, "ids") : NULL;
    if (!a || !json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 100000) {
        snprintf(err, errsz, "body: {\"ids\": [1, 2, ...]} expected (1 to 100000 ids)");
        goto done;
    }
    size_t k = json_array_size(a);
    uint64_t *v = calloc(k, sizeof *v);
    if (!v) {
        snprintf(err, errsz, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < k; i++) {
        json_t *x = json_array_get(a, i);
        if (!json_is_integer(x) || json_integer_value(x) < 1 ||
            json_integer_value(x) > 4294967295LL) {
            snprintf(err, errsz, "\"ids\"[%zu]: unit ids are whole numbers from 1", i);
            free(v);
            goto done;
        }
        v[i] = (uint64_t)json_integer_value(x);
    }
    *ids = v;
    *nids = k;
    rc = 0;
done:
    json_decref(j);
    return rc;
}
