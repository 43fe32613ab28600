/*
 * jsonl.c — JSON Lines, one unit per line, with jansson.
 *
 * Written form (lossless: everything the unit model holds):
 *   {"tuid":"7","srclang":"en","meta":{…},
 *    "variants":[{"lang":"en","text":"Hello \ue000world","tags":["<ph x=\"1\"/>"],"meta":{…}}]}
 * where meta holds the TMX attribute names ("creationdate", "changeid", "usagecount" …) plus
 * "props":[{"type":…,"lang":…,"value":…}] and "notes":[{"lang":…,"value":…}]; absent fields
 * are left out. The reader also takes the short pair forms other tools write:
 *   {"source":"…","target":"…"}  or  {"src":"…","tgt":"…"}  (optional "srclang"/"tgtlang")
 * with the languages from the options when the line gives none; a line whose languages neither
 * it nor the options give is an error at that line. Blank lines are skipped. A key the reader
 * does not know is left out with a warning at its place (see "unknown keys"). JSONL has no
 * header: a TMX header's props and notes have no place here (`jisr convert` says so), and its
 * srclang reaches each unit as the unit's own (the TMX reader's default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "formats/formats_int.h"

typedef struct jsonl_reader {
    jisr_lines *l;
    /* the unknown keys reported so far ("where\0key\0" each), so that each is reported once */
    jisr_buf warned;
    size_t nwarned;
} jsonl_reader;

/* More distinct unknown keys than this in one file are not reported one by one. */
#define WARN_KEYS_MAX 64

static const char *const meta_keys[JISR_META_STRINGS] =
    {/* in jisr_meta_string's order */
     "creationdate",        "creationid", "changedate", "changeid", "lastusagedate", "creationtool",
     "creationtoolversion", "datatype",   "o-encoding", "o-tmf",    "segtype"};

static int bad(jisr_reader *r, unsigned long line, const char *what)
{
    return jisr_error_set(JISR_EPARSE, r->path, line, 1, "%s", what);
}

static int get_str(jisr_reader *r, unsigned long line, json_t *o, const char *key, char **dst)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return jisr_error_set(JISR_EPARSE, r->path, line, 1, "\"%s\" must be a string", key);
    free(*dst);
    *dst = jisr_strndup(json_string_value(v), json_string_length(v));
    return *dst ? 0 : JISR_ENOMEM;
}

static int get_props(jisr_reader *r, unsigned long line, json_t *arr, jisr_prop **out, size_t *n,
                     int notes)
{
    int rc;
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return bad(r, line, notes ? "\"notes\" must be an array" : "\"props\" must be an array");
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p)
    {
        if (!json_is_object(p))
            return bad(r, line, "a prop or note must be an object");
        if (*n >= JISR_PROPS_MAX)
            return jisr_error_set(JISR_ETOOBIG, r->path, line, 1, "too many props or notes");
        if ((rc = jisr_grow_pow2((void **)out, *n, sizeof **out)) < 0)
            return rc;
        jisr_prop *d = &(*out)[*n];
        memset(d, 0, sizeof *d);
        (*n)++;
        if ((!notes && (rc = get_str(r, line, p, "type", &d->type)) < 0) ||
            (rc = get_str(r, line, p, "lang", &d->lang)) < 0 ||
            (rc = get_str(r, line, p, "value", &d->value)) < 0)
            return rc;
        if (!d->value && !(d->value = jisr_strdup("")))
            return JISR_ENOMEM;
    }
    return 0;
}

/* The meta object o into m; what names its owner in a warning ("the unit", "variant 2"). */
static int get_meta(jisr_reader *r, unsigned long line, json_t *o, jisr_meta *m, const char *what)
{
    int rc;
    if (!o)
        return 0;
    if (!json_is_object(o))
        return bad(r, line, "\"meta\" must be an object");
    for (size_t i = 0; i < sizeof meta_keys / sizeof meta_keys[0]; i++)
        if ((rc = get_str(r, line, o, meta_keys[i], jisr_meta_string(m, i))) < 0)
            return rc;
    /* dates in TMX's form, as every reader gives them; one that cannot be read is left out */
    if ((rc = fmt_meta_dates(r, m, what, line, 1)) < 0)
        return rc;
    json_t *uc = json_object_get(o, "usagecount");
    if (uc && json_is_integer(uc) && json_integer_value(uc) >= 0)
        m->usagecount = (long)json_integer_value(uc);
    else if (uc && !json_is_null(uc))
        fmt_reader_warn(r, line, 1,
                        "\"usagecount\" of %s is not a count (a whole number from 0): "
                        "left out",
                        what);
    if ((rc = get_props(r, line, json_object_get(o, "props"), &m->props, &m->nprops, 0)) < 0 ||
        (rc = get_props(r, line, json_object_get(o, "notes"), &m->notes, &m->nnotes, 1)) < 0)
        return rc;
    return 0;
}

static int get_variant(jisr_reader *r, unsigned long line, json_t *o, jisr_unit *u)
{
    int rc;
    if (!json_is_object(o))
        return bad(r, line, "a variant must be an object");
    json_t *lang = json_object_get(o, "lang"), *text = json_object_get(o, "text");
    if (!json_is_string(lang) || !json_string_value(lang)[0])
        return bad(r, line, "a variant needs a \"lang\" string");
    if (!json_is_string(text))
        return bad(r, line, "a variant needs a \"text\" string");
    if (json_string_length(text) > JISR_SEG_MAX)
        return jisr_error_set(JISR_ETOOBIG, r->path, line, 1, "segment longer than 1 MiB");
    if (u->nvariants >= JISR_VARIANTS_MAX)
        return jisr_error_set(JISR_ETOOBIG, r->path, line, 1, "too many variants");
    jisr_variant *v;
    if ((rc = jisr_unit_add_variant(u, json_string_value(lang), json_string_value(text),
                                    json_string_length(text), &v)) < 0)
        return rc;
    json_t *tags = json_object_get(o, "tags");
    if (tags) {
        if (!json_is_array(tags))
            return bad(r, line, "\"tags\" must be an array of strings");
        size_t i;
        json_t *t;
        json_array_foreach(tags, i, t)
        {
            if (!json_is_string(t))
                return bad(r, line, "\"tags\" must be an array of strings");
            if ((rc = fmt_variant_add_tag(v, json_string_value(t), json_string_length(t))) < 0)
                return jisr_error_set(rc, r->path, line, 1, "%s", jisr_error_last()->msg);
        }
    }
    char what[32];
    snprintf(what, sizeof what, "variant %zu", u->nvariants);
    return get_meta(r, line, json_object_get(o, "meta"), &v->meta, what);
}

static int pair_form(jisr_reader *r, unsigned long line, json_t *o, jisr_unit *u)
{
    int rc;
    json_t *s = json_object_get(o, "source"), *t = json_object_get(o, "target");
    if (!s && !t) {
        s = json_object_get(o, "src");
        t = json_object_get(o, "tgt");
    }
    if (!json_is_string(s) || !json_is_string(t))
        return bad(r, line, "expected \"variants\", or \"source\" and \"target\" strings");
    /* a line's language: a non-empty string (`jisr align` writes "" for one it does not know) */
    json_t *sl = json_object_get(o, "srclang"), *tl = json_object_get(o, "tgtlang");
    const char *ls = json_is_string(sl) && json_string_value(sl)[0] ? json_string_value(sl) : NULL;
    const char *lt = json_is_string(tl) && json_string_value(tl)[0] ? json_string_value(tl) : NULL;
    /* a side without a language, from the line or the options, is an error, never "und": units
     * stored under it would be out of reach of every query by language */
    int have_s = ls || (r->langs_given & 1), have_t = lt || (r->langs_given & 2);
    if (!have_s || !have_t)
        return bad(r, line,
                   !have_s && !have_t
                       ? "no languages: the line has no \"srclang\" and \"tgtlang\", and none "
                         "were given (-s/-t; source=&target= of /v1/import)"
                   : !have_s ? "no source language: the line has no \"srclang\", and none was "
                               "given (-s; source= of /v1/import)"
                             : "no target language: the line has no \"tgtlang\", and none was "
                               "given (-t; target= of /v1/import)");
    const char *slang = ls ? ls : r->srclang;
    const char *tlang = lt ? lt : r->tgtlang;
    if ((rc = jisr_unit_add_variant(u, slang, json_string_value(s), json_string_length(s), NULL)) <
            0 ||
        (rc = jisr_unit_add_variant(u, tlang, json_string_value(t), json_string_length(t), NULL)) <
            0)
        return rc;
    return 0;
}

/* ---- unknown keys -------------------------------------------------------------------------
 *
 * A key the reader does not know is left out, with a warning naming it at its place (once per
 * key and kind of object per file): a "note" for "notes", a "txt" for "text" would otherwise
 * lose data without a word. The pair form also takes the keys `jisr align` writes beside its
 * pairs (id, score, src_idx, tgt_idx), which a memory has no place for. */

static const char *const unit_keys[] = {"tuid", "srclang", "meta", "variants", NULL};
static const char *const pair_keys[] = {"source",  "target",  "src", "tgt",
                                        "srclang", "tgtlang", "id",  "score",
                                        "src_idx", "tgt_idx", NULL};
static const char *const variant_keys[] = {"lang", "text", "tags", "meta", NULL};
static const char *const prop_keys[] = {"type", "lang", "value", NULL};
static const char *const note_keys[] = {"lang", "value", NULL};

static int known_key(const char *key, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

static int known_meta_key(const char *key)
{
    for (size_t i = 0; i < JISR_META_STRINGS; i++)
        if (strcmp(key, meta_keys[i]) == 0)
            return 1;
    return strcmp(key, "usagecount") == 0 || strcmp(key, "props") == 0 || strcmp(key, "notes") == 0;
}

/* The column (characters from 1) of the first object key spelt key in line, else 1. */
static unsigned long key_col(const char *line, size_t n, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < n; i++) {
        if (line[i] != '"')
            continue;
        size_t start = i++;
        while (i < n && line[i] != '"')
            i += line[i] == '\\' ? 2 : 1;
        if (i >= n)
            break;
        size_t end = i, j = i + 1; /* the closing quote; a key has a ':' after it */
        while (j < n && (line[j] == ' ' || line[j] == '\t' || line[j] == '\r' || line[j] == '\n'))
            j++;
        if (j < n && line[j] == ':' && end - start - 1 == klen &&
            memcmp(line + start + 1, key, klen) == 0) {
            unsigned long col = 1;
            for (size_t k = 0; k < start; k++)
                col += ((unsigned char)line[k] & 0xC0) != 0x80;
            return col;
        }
    }
    return 1;
}

/* Warn about the keys of object o that keys (or, keys NULL, a meta object) does not hold; where
 * names the object in the message ("a variant"). */
static void unknown_keys(jisr_reader *r, const char *line, size_t n, unsigned long lineno,
                         json_t *o, const char *const *keys, const char *where)
{
    jsonl_reader *j = r->impl;
    const char *key;
    json_t *v;
    if (!json_is_object(o))
        return;
    json_object_foreach(o, key, v)
    {
        if (keys ? known_key(key, keys) : known_meta_key(key))
            continue;
        /* reported already? */
        size_t wl = strlen(where), kl = strlen(key), at = 0;
        int seen = 0;
        for (size_t i = 0; i < j->nwarned && !seen; i++) {
            const char *w = j->warned.data + at, *k = w + strlen(w) + 1;
            seen = strcmp(w, where) == 0 && strcmp(k, key) == 0;
            at += strlen(w) + 1 + strlen(k) + 1;
        }
        if (seen || j->nwarned > WARN_KEYS_MAX)
            continue;
        j->nwarned++;
        if (j->nwarned > WARN_KEYS_MAX) {
            fmt_reader_warn(r, lineno, key_col(line, n, key),
                            "more than %d different unknown keys: the others are not reported",
                            WARN_KEYS_MAX);
            continue;
        }
        if (jisr_buf_append(&j->warned, where, wl + 1) < 0 ||
            jisr_buf_append(&j->warned, key, kl + 1) < 0) {
            j->nwarned = WARN_KEYS_MAX + 1; /* out of memory: no more reports */
            continue;
        }
        fmt_reader_warn(r, lineno, key_col(line, n, key),
                        "unknown key \"%.100s\" in %s: left out (further ones in this file are "
                        "not reported)",
                        key, where);
    }
}

/* The unknown keys of a meta object m (may be NULL) and of its props and notes. */
static void meta_keys_check(jisr_reader *r, const char *line, size_t n, unsigned long lineno,
                            json_t *m, const char *where)
{
    size_t k;
    json_t *x;
    unknown_keys(r, line, n, lineno, m, NULL, where);
    json_array_foreach(json_object_get(m, "props"), k, x)
    {
        unknown_keys(r, line, n, lineno, x, prop_keys, "a prop");
    }
    json_array_foreach(json_object_get(m, "notes"), k, x)
    {
        unknown_keys(r, line, n, lineno, x, note_keys, "a note");
    }
}

/* The unknown keys of a line's objects (o: the line's object, read without error). */
static void check_keys(jisr_reader *r, const char *line, size_t n, unsigned long lineno, json_t *o)
{
    json_t *vars = json_object_get(o, "variants"), *v;
    if (!vars) {
        unknown_keys(r, line, n, lineno, o, pair_keys, "a pair line");
        return;
    }
    unknown_keys(r, line, n, lineno, o, unit_keys, "a unit");
    meta_keys_check(r, line, n, lineno, json_object_get(o, "meta"), "the unit's \"meta\"");
    size_t i;
    json_array_foreach(vars, i, v)
    {
        unknown_keys(r, line, n, lineno, v, variant_keys, "a variant");
        meta_keys_check(r, line, n, lineno, json_object_get(v, "meta"), "a variant's \"meta\"");
    }
}

static int parse_line(jisr_reader *r, const char *line, size_t len, unsigned long lineno,
                      jisr_unit *u)
{
    int rc;
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        return jisr_error_set(
            JISR_EPARSE, r->path, lineno, je.column > 0 ? (unsigned long)je.column : 1, "%s",
            strstr(je.text, "JSON_ALLOW_NUL") ? "\\u0000 (NUL) is not allowed in a string"
                                              : je.text);
    u->line = lineno;
    u->col = 1;
    if (!json_is_object(o)) {
        rc = bad(r, lineno, "each line must be a JSON object");
        goto done;
    }
    json_t *vars = json_object_get(o, "variants");
    if (vars) {
        if (!json_is_array(vars) || json_array_size(vars) == 0) {
            rc = bad(r, lineno, "\"variants\" must be a non-empty array");
            goto done;
        }
        if ((rc = get_str(r, lineno, o, "tuid", &u->tuid)) < 0 ||
            (rc = get_str(r, lineno, o, "srclang", &u->srclang)) < 0 ||
            (rc = get_meta(r, lineno, json_object_get(o, "meta"), &u->meta, "the unit")) < 0)
            goto done;
        size_t i;
        json_t *v;
        json_array_foreach(vars, i, v)
        {
            if ((rc = get_variant(r, lineno, v, u)) < 0)
                goto done;
        }
    } else {
        rc = pair_form(r, lineno, o, u);
    }
    if (rc == 0)
        rc = fmt_check_breaks(r, u);
    if (rc == 0)
        check_keys(r, line, len, lineno, o);
done:
    json_decref(o);
    return rc;
}

static int jsonl_next(jisr_reader *r, jisr_unit *u)
{
    jsonl_reader *j = r->impl;
    int rc;
    for (;;) {
        jisr_unit_clear(u);
        const char *line;
        size_t n;
        rc = jisr_lines_next(j->l, &line, &n);
        r->bytes = jisr_lines_consumed(j->l);
        if (rc == 0)
            return 0;
        if (rc > 0) {
            size_t k = 0;
            while (k < n && (line[k] == ' ' || line[k] == '\t'))
                k++;
            if (k == n)
                continue;
            if ((rc = parse_line(r, line, n, jisr_lines_lineno(j->l), u)) == 0)
                return 1;
        }
        /* a line error (too long, bad UTF-8, NUL) has consumed its whole line: skipping it never
         * parses what is left of it as a record */
        if (rc == JISR_ENOMEM || rc == JISR_EIO || !(r->flags & JISR_READ_SKIP_BAD))
            return rc;
        jisr_unit_clear(u);
        fmt_reader_bad(r);
    }
}

static void jsonl_close(jisr_reader *r)
{
    jsonl_reader *j = r->impl;
    if (!j)
        return;
    jisr_lines_close(j->l);
    jisr_buf_free(&j->warned);
    free(j);
    r->impl = NULL;
}

int fmt_jsonl_reader_open(jisr_reader *r, jisr_lines *l)
{
    jsonl_reader *j = calloc(1, sizeof *j);
    if (!j) {
        jisr_lines_close(l);
        return jisr_oom(sizeof *j);
    }
    j->l = l;
    jisr_lines_set_max(l, fmt_line_max);
    r->impl = j;
    r->next = jsonl_next;
    r->close = jsonl_close;
    return 0;
}

/* ---- writer ------------------------------------------------------------------------------- */

static int set_str(json_t *o, const char *key, const char *v)
{
    if (!v)
        return 0;
    json_t *s = json_string(v);
    if (!s)
        return JISR_EENCODING;
    return json_object_set_new(o, key, s) == 0 ? 0 : JISR_ENOMEM;
}

static json_t *props_json(const jisr_prop *p, size_t n, int notes, int *rc)
{
    json_t *arr = json_array();
    if (!arr) {
        *rc = JISR_ENOMEM;
        return NULL;
    }
    for (size_t i = 0; i < n && *rc == 0; i++) {
        json_t *o = json_object();
        if (!o || json_array_append_new(arr, o) != 0) {
            *rc = JISR_ENOMEM;
            break;
        }
        if ((!notes && (*rc = set_str(o, "type", p[i].type)) < 0) ||
            (*rc = set_str(o, "lang", p[i].lang)) < 0 ||
            (*rc = set_str(o, "value", p[i].value ? p[i].value : "")) < 0)
            break;
    }
    return arr;
}

/* The meta object, or NULL (rc 0) when the meta is empty. */
static json_t *meta_json(jisr_meta *m, int *rc)
{
    json_t *o = json_object();
    if (!o) {
        *rc = JISR_ENOMEM;
        return NULL;
    }
    for (size_t i = 0; i < sizeof meta_keys / sizeof meta_keys[0] && *rc == 0; i++)
        *rc = set_str(o, meta_keys[i], *jisr_meta_string(m, i));
    if (*rc == 0 && m->usagecount >= 0)
        json_object_set_new(o, "usagecount", json_integer(m->usagecount));
    if (*rc == 0 && m->nprops)
        json_object_set_new(o, "props", props_json(m->props, m->nprops, 0, rc));
    if (*rc == 0 && m->nnotes)
        json_object_set_new(o, "notes", props_json(m->notes, m->nnotes, 1, rc));
    if (*rc < 0 || json_object_size(o) == 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int jsonl_write(jisr_writer *w, const jisr_unit *u)
{
    int rc = 0;
    json_t *o = json_object(), *vars = json_array();
    if (!o || !vars) {
        json_decref(o);
        json_decref(vars);
        return jisr_oom(0);
    }
    json_t *m;
    if ((rc = set_str(o, "tuid", u->tuid)) < 0 || (rc = set_str(o, "srclang", u->srclang)) < 0)
        goto done;
    if ((m = meta_json((jisr_meta *)&u->meta, &rc)) != NULL)
        json_object_set_new(o, "meta", m);
    if (rc < 0)
        goto done;
    json_object_set_new(o, "variants", vars);
    for (size_t i = 0; i < u->nvariants && rc == 0; i++) {
        jisr_variant *v = &u->variants[i];
        json_t *vo = json_object();
        if (!vo || json_array_append_new(vars, vo) != 0) {
            rc = JISR_ENOMEM;
            break;
        }
        if ((rc = set_str(vo, "lang", v->lang ? v->lang : "und")) < 0 ||
            (rc = set_str(vo, "text", v->text ? v->text : "")) < 0)
            break;
        if (v->ntags) {
            json_t *tags = json_array();
            json_object_set_new(vo, "tags", tags);
            for (size_t t = 0; t < v->ntags && rc == 0; t++) {
                json_t *s = json_string(v->tags[t] ? v->tags[t] : "");
                if (!s)
                    rc = JISR_EENCODING;
                else
                    json_array_append_new(tags, s);
            }
        }
        if (rc == 0 && (m = meta_json(&v->meta, &rc)) != NULL)
            json_object_set_new(vo, "meta", m);
    }
    if (rc < 0)
        goto done;
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!s) {
        rc = JISR_ENOMEM;
        goto done;
    }
    size_t len = strlen(s);
    if (len > JISR_LINE_MAX) { /* the JSONL reader would refuse the line: refuse the unit */
        free(s);
        json_decref(o);
        return jisr_error_set(JISR_ETOOBIG, w->path, 0, 0,
                              "unit %lu%s%s%s would be a JSONL line of %zu MiB, longer than the "
                              "16 MiB a reader accepts",
                              w->nunits + 1, u->tuid ? " (tuid " : "", u->tuid ? u->tuid : "",
                              u->tuid ? ")" : "", len >> 20);
    }
    rc = jisr_buf_append(&w->buf, s, len);
    free(s);
    if (rc == 0)
        rc = jisr_buf_putc(&w->buf, '\n');
    if (rc == 0 && w->buf.len >= (1u << 16))
        rc = fmt_writer_flush(w, w->f, &w->buf);
done:
    json_decref(o);
    if (rc == JISR_EENCODING)
        return jisr_error_set(rc, w->path, 0, 0, "unit %lu%s%s%s: a string is not valid UTF-8",
                              w->nunits + 1, u->tuid ? " (tuid " : "", u->tuid ? u->tuid : "",
                              u->tuid ? ")" : "");
    if (rc == JISR_ENOMEM)
        return jisr_oom(0);
    return rc;
}

static int jsonl_finish(jisr_writer *w)
{
    return fmt_writer_flush(w, w->f, &w->buf);
}

int fmt_jsonl_writer_begin(jisr_writer *w)
{
    w->write = jsonl_write;
    w->finish = jsonl_finish;
    return 0;
}
