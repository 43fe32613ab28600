/*
 * docpairs.c — the JSONL document-pair protocol of `jisr align --batch -`: one JSON object per
 * line, {"id":…,"src":TEXT,"tgt":TEXT}, read as a stream (the line reader bounds a line's size),
 * so `jisr align --batch -` is a pure filter under Spark's RDD.pipe, Hadoop Streaming or GNU
 * parallel --pipe.
 *
 * A string document is split into sentences by the same paragraph loop as files (text/
 * sentences.c); an array is taken sentence by sentence. Ids name the output objects, so an id
 * given twice in one stream is refused with the lines of both objects (like list files).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

struct jisr_align_docreader {
    jisr_textin *in;
    const char *name;
    jisr_segmenter *ss, *ts;
    al_vocab ids;
    unsigned long *id_line;
    size_t id_cap;
};

int jisr_align_docreader_open(jisr_align_docreader **out, const char *path, unsigned text_flags,
                              jisr_segmenter *ss, jisr_segmenter *ts)
{
    if (!out)
        return jisr_null_arg("jisr_align_docreader_open", "out");
    *out = NULL;
    if (!path)
        return jisr_null_arg("jisr_align_docreader_open", "path");
    jisr_align_docreader *r = calloc(1, sizeof *r);
    if (!r)
        return jisr_oom(0);
    int rc = jisr_textin_open(&r->in, path, text_flags);
    if (rc < 0) {
        free(r);
        return rc;
    }
    r->name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    r->ss = ss;
    r->ts = ts;
    *out = r;
    return 0;
}

void jisr_align_docreader_close(jisr_align_docreader *r)
{
    if (!r)
        return;
    jisr_textin_close(r->in);
    al_vocab_free(&r->ids);
    free(r->id_line);
    free(r);
}

void jisr_align_docpair_free(jisr_align_docpair *d)
{
    if (!d)
        return;
    free(d->id);
    jisr_sentences_free(&d->src);
    jisr_sentences_free(&d->tgt);
    memset(d, 0, sizeof *d);
}

/* One side: a string (split) or an array of strings (taken as they are). */
static int side(const jisr_align_docreader *r, json_t *v, jisr_segmenter *seg, jisr_sentences *out,
                unsigned long line, const char *key)
{
    if (json_is_string(v))
        return jisr_sentences_split(out, json_string_value(v), json_string_length(v), seg);
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (!json_is_string(e))
                return jisr_error_set(JISR_EPARSE, r->name, line, 1, "\"%s\"[%zu] is not a string",
                                      key, i);
            int rc = jisr_sentences_push(out, json_string_value(e), json_string_length(e));
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    return jisr_error_set(JISR_EPARSE, r->name, line, 1,
                          "\"%s\" must be a string or an array of strings", key);
}

static int remember_id(jisr_align_docreader *r, const char *id, unsigned long line)
{
    uint32_t before = r->ids.n;
    uint32_t k = al_vocab_intern(&r->ids, id, strlen(id));
    if (k == UINT32_MAX)
        return jisr_oom(0);
    if (k < before)
        return jisr_error_set(JISR_EPARSE, r->name, line, 1,
                              "document id \"%s\" is repeated (first on line %lu)", id,
                              r->id_line[k]);
    int rc = JISR_GROW(r->id_line, r->id_cap, (size_t)k + 1);
    if (rc < 0)
        return rc;
    r->id_line[k] = line;
    return 0;
}

int jisr_align_docreader_next(jisr_align_docreader *r, jisr_align_docpair *d)
{
    if (!r || !d)
        return jisr_null_arg("jisr_align_docreader_next", r ? "d" : "r");
    free(d->id);
    d->id = NULL;
    jisr_sentences_clear(&d->src);
    jisr_sentences_clear(&d->tgt);
    for (;;) {
        const char *t;
        size_t n;
        uint64_t off;
        unsigned long line;
        int more = jisr_textin_next_line(r->in, &t, &n, &off, &line);
        if (more <= 0)
            return more;
        size_t k = 0;
        while (k < n && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r'))
            k++;
        if (k == n)
            continue;
        json_error_t jerr;
        json_t *obj = json_loadb(t, n, JSON_REJECT_DUPLICATES, &jerr);
        int rc = 0;
        if (!obj || !json_is_object(obj)) {
            rc = jisr_error_set(JISR_EPARSE, r->name, line, obj ? 1 : (unsigned long)jerr.column,
                                "%s",
                                obj                                   ? "expected a JSON object"
                                : strstr(jerr.text, "JSON_ALLOW_NUL") ? "\\u0000 (NUL) is not "
                                                                        "allowed in a string"
                                                                      : jerr.text);
            json_decref(obj);
            return rc;
        }
        d->line = line;
        json_t *id = json_object_get(obj, "id");
        json_t *s = json_object_get(obj, "src"), *tg = json_object_get(obj, "tgt");
        if (!s)
            s = json_object_get(obj, "source");
        if (!tg)
            tg = json_object_get(obj, "target");
        char idbuf[32];
        if (json_is_integer(id))
            snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(id));
        else
            snprintf(idbuf, sizeof idbuf, "%lu", line);
        if (id && !json_is_string(id) && !json_is_integer(id))
            rc = jisr_error_set(JISR_EPARSE, r->name, line, 1,
                                "\"id\" must be a string or an integer");
        else if (!(d->id = jisr_strdup(json_is_string(id) ? json_string_value(id) : idbuf)))
            rc = jisr_oom(0);
        else if (!s || !tg)
            rc = jisr_error_set(JISR_EPARSE, r->name, line, 1,
                                "expected \"src\" and \"tgt\" (or \"source\" and \"target\")");
        if (rc == 0)
            rc = remember_id(r, d->id, line);
        if (rc == 0)
            rc = side(r, s, r->ss, &d->src, line, "src");
        if (rc == 0)
            rc = side(r, tg, r->ts, &d->tgt, line, "tgt");
        json_decref(obj);
        return rc < 0 ? rc : 1;
    }
}
