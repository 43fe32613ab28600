/*
 * json.c — the JSON shapes of the memory's results: matches, concordance hits, statistics and
 * units. They exist once, here, for every front end (`jisr query --json`, `jisr serve`), and are
 * written straight into a jisr_buf (no JSON library type crosses the public API).
 *
 * Strings are checked as they are written: a byte that is not part of valid UTF-8 becomes
 * U+FFFD, so the output is valid JSON whatever the memory or the query holds (a query line of
 * invalid UTF-8 used to lose its "query" key). Text is shown as a reader sees it: without the
 * placeholders of inline tags; beside a text holding tags, its tagged form (the same key with
 * "_tagged" after it: source_tagged, target_tagged, text_tagged) is TMX segment content, as
 * `jisr export` writes it inside <seg>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "tm/tm_int.h"
#include "util/utf8.h"

/* Append s[0..n) as a JSON string literal, invalid UTF-8 replaced by U+FFFD. */
static int jstr(jisr_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    int rc = jisr_buf_reserve(b, n + 2);
    if (rc < 0)
        return rc;
    jisr_buf_putc(b, '"');
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        const char *esc = NULL;
        char tmp[7];
        size_t len = 1;
        if (c >= 0x80) {
            if (jisr_utf8_decode(u, n, i, &len) >= 0) {
                i += len;
                continue;
            }
            esc = "\xef\xbf\xbd"; /* U+FFFD for the invalid byte */
        } else if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c == '\n') {
            esc = "\\n";
        } else if (c == '\r') {
            esc = "\\r";
        } else if (c == '\t') {
            esc = "\\t";
        } else if (c < 0x20) {
            memcpy(tmp, "\\u00", 4);
            tmp[4] = hex[c >> 4];
            tmp[5] = hex[c & 15];
            tmp[6] = '\0';
            esc = tmp;
        } else {
            i++;
            continue;
        }
        if ((rc = jisr_buf_append(b, s + run, i - run)) < 0 || (rc = jisr_buf_puts(b, esc)) < 0)
            return rc;
        i += len;
        run = i;
    }
    if ((rc = jisr_buf_append(b, s + run, n - run)) < 0)
        return rc;
    return jisr_buf_putc(b, '"');
}

static int jcstr(jisr_buf *b, const char *s)
{
    return s ? jstr(b, s, strlen(s)) : jisr_buf_puts(b, "null");
}

/* "key": */
static int jkey(jisr_buf *b, int first, const char *k)
{
    return jisr_buf_printf(b, "%s\"%s\":", first ? "" : ",", k);
}

/* s as a reader sees it (jisr_tm_plain_tags: the placeholders of its ntags tags removed, those
 * of <ph> elements holding a format code shown as the code), as a JSON string; lines joined
 * (concordance context) when flat */
static int jplain_range(jisr_buf *b, jisr_buf *tmp, const char *s, size_t n, size_t from, size_t to,
                        char *const *tags, size_t ntags, int flat)
{
    jisr_buf_reset(tmp);
    int rc = jisr_tm_plain_tags_range(tmp, s, n, from, to, tags, ntags);
    if (rc < 0)
        return rc;
    if (flat)
        for (size_t i = 0; i < tmp->len; i++)
            if (tmp->data[i] == '\n' || tmp->data[i] == '\t' || tmp->data[i] == '\r')
                tmp->data[i] = ' ';
    return jstr(b, tmp->data ? tmp->data : "", tmp->len);
}

static int jplain(jisr_buf *b, jisr_buf *tmp, const char *s, size_t n, char *const *tags,
                  size_t ntags, int flat)
{
    return jplain_range(b, tmp, s, n, 0, n, tags, ntags, flat);
}

/* s[0..n) with its tags as TMX inline markup, as a JSON string */
static int jtagged(jisr_buf *b, jisr_buf *tmp, const char *s, char *const *tags, size_t ntags)
{
    jisr_buf_reset(tmp);
    int rc = jisr_tm_tagged(tmp, s, strlen(s), tags, ntags);
    return rc < 0 ? rc : jstr(b, tmp->data ? tmp->data : "", tmp->len);
}

/* ,"text_tagged":… — a stored text (a unit's variant, a concordance hit or its translation) as
 * TMX segment content, what `jisr export` writes inside its <seg> — when it holds an inline
 * element: a tag that stands for a literal private-use character ("&#xE001;") is the character
 * to a reader, not a tag, and a text without inline elements has no such key (its "text" is
 * the whole of it). */
static int jtext_tagged(jisr_buf *b, jisr_buf *tmp, const jisr_variant *v)
{
    size_t k = 0;
    while (k < v->ntags && !(v->tags[k] && v->tags[k][0] == '<'))
        k++;
    if (k == v->ntags)
        return 0;
    int rc = jisr_buf_puts(b, ",\"text_tagged\":");
    return rc < 0 ? rc : jtagged(b, tmp, v->text ? v->text : "", v->tags, v->ntags);
}

/* What issue 12 adds to a match: numbers not substituted and why, copied tokens and
 * accelerators carried over, agreement checks with their positions, the penalty, the texts with
 * their tags, and the tags that did not map. */
static int match_extras(jisr_buf *b, jisr_buf *t, const jisr_tm_match *x)
{
    int rc = 0;
    /* what the source differs from the query in — numbers, format codes, both — when it differs
     * in nothing else (a fuzzy match, JISR_TM_DIFFER_MORE, says only what became of them) */
    int d = x->differ & (JISR_TM_DIFFER_NUMBERS | JISR_TM_DIFFER_CODES);
    if (d && !(x->differ & JISR_TM_DIFFER_MORE))
        rc = jisr_buf_printf(b, ",\"differs_in\":[%s%s%s]",
                             d & JISR_TM_DIFFER_NUMBERS ? "\"numbers\"" : "",
                             d == (JISR_TM_DIFFER_NUMBERS | JISR_TM_DIFFER_CODES) ? "," : "",
                             d & JISR_TM_DIFFER_CODES ? "\"codes\"" : "");
    if (rc == 0 && x->numbers == JISR_TM_NUMBERS_PLACED && !x->placeable) /* a fuzzy match's */
        rc = jisr_buf_puts(b, ",\"placeable\":false,\"numbers\":\"substituted\"");
    else if (rc == 0 && x->numbers == JISR_TM_NUMBERS_AMBIGUOUS)
        rc = jisr_buf_puts(b, ",\"placeable\":false,\"numbers\":\"ambiguous\"");
    else if (rc == 0 && x->numbers == JISR_TM_NUMBERS_MISSING)
        rc = jisr_buf_puts(b, ",\"placeable\":false,\"numbers\":\"missing\"");
    if (rc == 0 && x->copied)
        rc = jisr_buf_printf(b, ",\"copied\":%zu", x->copied);
    if (rc == 0 && x->accelerator == JISR_TM_ACCEL_REMOVED)
        rc = jisr_buf_puts(b, ",\"accelerator\":\"removed\"");
    else if (rc == 0 && x->accelerator == JISR_TM_ACCEL_MISSING)
        rc = jisr_buf_puts(b, ",\"accelerator\":\"missing\"");
    else if (rc == 0 && x->accelerator == JISR_TM_ACCEL_STYLED)
        rc = jisr_buf_puts(b, ",\"accelerator\":\"styled\"");
    if (rc == 0 && x->nagree) {
        rc = jisr_buf_puts(b, ",\"agreement\":\"check\",\"agreement_numbers\":[");
        for (size_t k = 0; rc == 0 && k < x->nagree; k++) {
            const jisr_tm_agree *a = &x->agree[k];
            /* offsets in "target" as written here (tags dropped, code placeholders as codes):
             * the plain length of what comes before the number, which holds no tag */
            size_t start = a->start;
            if (x->ntags) {
                jisr_buf_reset(t);
                if ((rc = jisr_tm_plain_tags_range(t, x->target, strlen(x->target), 0, a->start,
                                                   x->tags, x->ntags)) < 0)
                    break;
                start = t->len;
            }
            if ((rc = jisr_buf_printf(b, "%s{\"start\":%zu,\"end\":%zu,\"number\":", k ? "," : "",
                                      start, start + (a->end - a->start))) == 0 &&
                (rc = jstr(b, x->target + a->start, a->end - a->start)) == 0)
                rc = jisr_buf_printf(b, ",\"from\":\"%s\",\"to\":\"%s\"}", a->from, a->to);
        }
        if (rc == 0)
            rc = jisr_buf_putc(b, ']');
    }
    if (rc == 0 && x->penalty)
        rc = jisr_buf_printf(b, ",\"penalty\":%d", x->penalty);
    if (rc == 0 && x->tag_diff)
        rc = jisr_buf_printf(b, ",\"tag_difference\":%zu", x->tag_diff);
    if (rc == 0 && (x->ntags || x->nsource_tags)) {
        if ((rc = jisr_buf_puts(b, ",\"source_tagged\":")) == 0 &&
            (rc = jtagged(b, t, x->source, x->source_tags, x->nsource_tags)) == 0 &&
            (rc = jisr_buf_puts(b, ",\"target_tagged\":")) == 0)
            rc = jtagged(b, t, x->target, x->tags, x->ntags);
    }
    if (rc == 0 && x->nunmapped) {
        rc = jisr_buf_puts(b, ",\"unmapped_tags\":[");
        for (size_t k = 0; rc == 0 && k < x->nunmapped; k++)
            if ((rc = k ? jisr_buf_putc(b, ',') : 0) == 0)
                rc = jcstr(b, x->unmapped[k]);
        if (rc == 0)
            rc = jisr_buf_putc(b, ']');
    }
    if (rc == 0 && x->nmissing) {
        rc = jisr_buf_puts(b, ",\"missing_tags\":[");
        for (size_t k = 0; rc == 0 && k < x->nmissing; k++)
            rc = jisr_buf_printf(b, "%s%zu", k ? "," : "", x->missing[k]);
        if (rc == 0)
            rc = jisr_buf_putc(b, ']');
    }
    return rc;
}

int jisr_tm_matches_json(jisr_buf *b, const char *query, const jisr_tm_matches *m)
{
    return jisr_tm_matches_json_ex(b, query, m, NULL);
}

int jisr_tm_matches_json_ex(jisr_buf *b, const char *query, const jisr_tm_matches *m,
                            const jisr_tm_json_opts *o)
{
    jisr_buf t = {0};
    if (!b || !m)
        return tm_null_arg("jisr_tm_matches_json", b ? "m" : "out");
    int rc = jisr_buf_puts(b, "{\"query\":");
    if (rc == 0)
        rc = jcstr(b, query ? query : "");
    if (rc == 0 && o && o->srclang && o->tgtlang && (rc = jisr_buf_puts(b, ",\"srclang\":")) == 0 &&
        (rc = jcstr(b, o->srclang)) == 0 && (rc = jisr_buf_puts(b, ",\"tgtlang\":")) == 0)
        rc = jcstr(b, o->tgtlang);
    if (rc == 0)
        rc = jisr_buf_puts(b, ",\"matches\":[");
    for (size_t i = 0; rc == 0 && i < m->n; i++) {
        const jisr_tm_match *x = &m->v[i];
        if ((rc = jisr_buf_printf(b, "%s{\"score\":%d,\"source\":", i ? "," : "", x->score)) < 0 ||
            (rc = jplain(b, &t, x->source, strlen(x->source), x->source_tags, x->nsource_tags, 0)) <
                0 ||
            (rc = jisr_buf_puts(b, ",\"target\":")) < 0 ||
            (rc = jplain(b, &t, x->target, strlen(x->target), x->tags, x->ntags, 0)) < 0 ||
            (rc = jisr_buf_printf(b, ",\"id\":%llu", (unsigned long long)x->id)) < 0)
            break;
        if (x->placeable && (rc = jisr_buf_puts(b, ",\"placeable\":true")) < 0)
            break;
        if ((x->numbers == JISR_TM_NUMBERS_PLACED || x->copied ||
             x->accelerator == JISR_TM_ACCEL_REMOVED || x->accelerator == JISR_TM_ACCEL_STYLED) &&
            ((rc = jisr_buf_puts(b, ",\"stored_target\":")) < 0 ||
             (rc = jplain(b, &t, x->target_orig, strlen(x->target_orig), x->stored_tags,
                          x->nstored_tags, 0)) < 0))
            break;
        if ((rc = match_extras(b, &t, x)) < 0)
            break;
        if (o && o->diff && x->diff &&
            ((rc = jisr_buf_puts(b, ",\"diff\":")) < 0 ||
             (jisr_buf_reset(&t), (rc = tm_diff_plain(&t, x)) < 0) ||
             (rc = jstr(b, t.data ? t.data : "", t.len)) < 0))
            break;
        if (o && o->memory_names && x->memory < o->nmemory_names &&
            ((rc = jisr_buf_puts(b, ",\"memory\":")) < 0 ||
             (rc = jcstr(b, o->memory_names[x->memory])) < 0))
            break;
        if (o && o->memory_penalties && x->memory < o->nmemory_names &&
            o->memory_penalties[x->memory] > 0 &&
            (rc = jisr_buf_printf(b, ",\"memory_penalty\":%d", o->memory_penalties[x->memory])) < 0)
            break;
        rc = jisr_buf_putc(b, '}');
    }
    if (rc == 0)
        rc = jisr_buf_puts(b, "]}");
    jisr_buf_free(&t);
    return rc;
}

/* A code point that belongs to the character before it: a combining mark (an Arabic haraka, an
 * accent), or a joiner or variation selector. Concordance context is cut between characters as
 * a reader sees them (a letter and its marks), never after a letter and before its fatha. */
static int joins_previous(const char *s, size_t n, size_t i)
{
    size_t len;
    int32_t c = jisr_utf8_decode((const unsigned char *)s, n, i, &len);
    if (c < 0)
        return 0;
    int8_t t = u_charType(c);
    return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK ||
           c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F);
}

/* the last `width` characters of s[0..n) (UTF-8 aware; a letter with its marks is one) */
const char *tm_tail_chars(const char *s, size_t n, int width)
{
    size_t i = n;
    int k = 0;
    while (i > 0 && k < width) {
        i--;
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
            i--;
        k += !joins_previous(s, n, i); /* so it stops on a letter, before its marks */
    }
    return s + i;
}

/* the bytes of the first `width` characters of s[0..n) (a letter with its marks is one) */
size_t tm_head_bytes(const char *s, size_t n, int width)
{
    size_t i = 0;
    int k = 0;
    while (i < n) {
        if (!joins_previous(s, n, i) && k++ == width)
            break;
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

int jisr_tm_hits_json(jisr_buf *b, const char *lang, const char *phrase, const jisr_tm_hits *h,
                      int width)
{
    jisr_buf t = {0};
    if (!b || !h)
        return tm_null_arg("jisr_tm_hits_json", b ? "h" : "out");
    int rc = jisr_buf_puts(b, "{\"phrase\":");
    if (rc == 0)
        rc = jcstr(b, phrase ? phrase : "");
    if (rc == 0 && (rc = jisr_buf_puts(b, ",\"lang\":")) == 0)
        rc = jcstr(b, lang ? lang : "");
    if (rc == 0)
        rc = jisr_buf_puts(b, ",\"hits\":[");
    for (size_t i = 0; rc == 0 && i < h->n; i++) {
        const jisr_tm_hit *x = &h->v[i];
        const jisr_variant *hv = &x->unit.variants[x->variant];
        const char *text = hv->text;
        size_t tn = strlen(text);
        const char *lp = tm_tail_chars(text, x->start, width);
        /* start and end index "text" as written here, whose tags' placeholders (3 bytes each)
         * are gone or are their codes: the plain text up to them measured (the plain text of a
         * prefix is the prefix of the plain text, tag by tag) */
        size_t ps, pm;
        jisr_buf_reset(&t);
        if ((rc = jisr_tm_plain_tags_range(&t, text, tn, 0, x->start, hv->tags, hv->ntags)) < 0)
            break;
        ps = t.len;
        jisr_buf_reset(&t);
        if ((rc = jisr_tm_plain_tags_range(&t, text, tn, x->start, x->end, hv->tags, hv->ntags)) <
            0)
            break;
        pm = t.len;
        if ((rc = jisr_buf_printf(b, "%s{\"id\":%llu,\"text\":", i ? "," : "",
                                  (unsigned long long)x->id)) < 0 ||
            (rc = jplain(b, &t, text, tn, hv->tags, hv->ntags, 1)) < 0 ||
            (rc = jtext_tagged(b, &t, hv)) < 0 ||
            (rc = jisr_buf_printf(b, ",\"start\":%zu,\"end\":%zu,\"left\":", ps, ps + pm)) < 0 ||
            (rc = jplain_range(b, &t, text, tn, (size_t)(lp - text), x->start, hv->tags, hv->ntags,
                               1)) < 0 ||
            (rc = jisr_buf_puts(b, ",\"match\":")) < 0 ||
            (rc = jplain_range(b, &t, text, tn, x->start, x->end, hv->tags, hv->ntags, 1)) < 0 ||
            (rc = jisr_buf_puts(b, ",\"right\":")) < 0 ||
            (rc = jplain_range(b, &t, text, tn, x->end,
                               x->end + tm_head_bytes(text + x->end, tn - x->end, width), hv->tags,
                               hv->ntags, 1)) < 0 ||
            (rc = jisr_buf_puts(b, ",\"translations\":[")) < 0)
            break;
        int first = 1;
        for (size_t v = 0; rc == 0 && v < x->unit.nvariants; v++) {
            if (v == x->variant)
                continue;
            const jisr_variant *var = &x->unit.variants[v];
            if ((rc = jisr_buf_puts(b, first ? "{\"lang\":" : ",{\"lang\":")) < 0 ||
                (rc = jcstr(b, var->lang)) < 0 || (rc = jisr_buf_puts(b, ",\"text\":")) < 0 ||
                (rc = jplain(b, &t, var->text, strlen(var->text), var->tags, var->ntags, 1)) < 0 ||
                (rc = jtext_tagged(b, &t, var)) < 0)
                break;
            rc = jisr_buf_putc(b, '}');
            first = 0;
        }
        if (rc == 0)
            rc = jisr_buf_puts(b, "]}");
    }
    if (rc == 0)
        rc = jisr_buf_printf(b, "],\"truncated\":%s}", h->truncated ? "true" : "false");
    jisr_buf_free(&t);
    return rc;
}

int jisr_tm_stats_json(jisr_buf *b, const char *path, const jisr_tm_stats *st)
{
    if (!b || !st)
        return tm_null_arg("jisr_tm_stats_json", b ? "st" : "out");
    int rc = jisr_buf_putc(b, '{');
    int first = 1;
    if (rc == 0 && path) {
        if ((rc = jkey(b, 1, "path")) == 0)
            rc = jcstr(b, path);
        first = 0;
    }
    if (rc == 0)
        rc = jkey(b, first, "schema");
    if (rc == 0)
        rc = jisr_buf_printf(b, "%u,\"units\":%llu,\"languages\":{", st->schema,
                             (unsigned long long)st->units);
    for (size_t i = 0; rc == 0 && i < st->nlangs; i++) {
        if ((rc = jisr_buf_puts(b, i ? "," : "")) < 0 || (rc = jcstr(b, st->langs[i].lang)) < 0)
            break;
        rc = jisr_buf_printf(b, ":%llu", (unsigned long long)st->langs[i].units);
    }
    if (rc == 0)
        rc = jisr_buf_printf(b,
                             "},\"disk_bytes\":%llu,\"file_bytes\":%llu,\"map_bytes\":%llu,"
                             "\"index_keys\":%llu,\"next_id\":%llu,\"index\":{\"icu\":",
                             (unsigned long long)st->disk_bytes, (unsigned long long)st->file_bytes,
                             (unsigned long long)st->map_bytes, (unsigned long long)st->index_keys,
                             (unsigned long long)st->next_id);
    if (rc == 0)
        rc = jcstr(b, st->index_icu);
    if (rc == 0 && (rc = jisr_buf_puts(b, ",\"unicode\":")) == 0)
        rc = jcstr(b, st->index_unicode);
    if (rc == 0)
        rc = jisr_buf_printf(b, ",\"tokenizer\":%u,\"stale\":%s,\"chars\":%s,\"chars_max\":%d}}",
                             st->index_tokenizer, st->index_stale ? "true" : "false",
                             st->chars ? "true" : "false", st->chars);
    return rc;
}

static int props_json(jisr_buf *b, const char *key, const jisr_prop *p, size_t n, int notes)
{
    if (!n)
        return 0;
    int rc = jisr_buf_printf(b, ",\"%s\":[", key);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (i && (rc = jisr_buf_putc(b, ',')) < 0)
            break;
        if (notes) {
            rc = jcstr(b, p[i].value ? p[i].value : "");
            continue;
        }
        if ((rc = jisr_buf_puts(b, "{\"type\":")) < 0 || (rc = jcstr(b, p[i].type)) < 0 ||
            (rc = jisr_buf_puts(b, ",\"value\":")) < 0 ||
            (rc = jcstr(b, p[i].value ? p[i].value : "")) < 0)
            break;
        rc = jisr_buf_putc(b, '}');
    }
    return rc == 0 ? jisr_buf_putc(b, ']') : rc;
}

/* A unit's or a variant's usage count, attributes (dates, ids), props and notes: those present. */
static int meta_json(jisr_buf *b, const jisr_meta *m)
{
    static const char *const names[] = {"creationdate", "creationid", "changedate", "changeid",
                                        "lastusagedate"};
    int rc = 0;
    if (m->usagecount >= 0)
        rc = jisr_buf_printf(b, ",\"usagecount\":%ld", m->usagecount);
    for (size_t i = 0; rc == 0 && i < sizeof names / sizeof names[0]; i++) {
        const char *v = *jisr_meta_string((jisr_meta *)m, i);
        if (v && (rc = jisr_buf_printf(b, ",\"%s\":", names[i])) == 0)
            rc = jcstr(b, v);
    }
    if (rc == 0)
        rc = props_json(b, "props", m->props, m->nprops, 0);
    if (rc == 0)
        rc = props_json(b, "notes", m->notes, m->nnotes, 1);
    return rc;
}

int jisr_tm_unit_json(jisr_buf *b, uint64_t id, const jisr_unit *u)
{
    jisr_buf t = {0};
    if (!b || !u)
        return tm_null_arg("jisr_tm_unit_json", b ? "u" : "out");
    int rc = jisr_buf_printf(b, "{\"id\":%llu", (unsigned long long)id);
    if (rc == 0 && u->tuid && (rc = jisr_buf_puts(b, ",\"tuid\":")) == 0)
        rc = jcstr(b, u->tuid);
    if (rc == 0)
        rc = meta_json(b, &u->meta);
    if (rc == 0)
        rc = jisr_buf_puts(b, ",\"variants\":[");
    for (size_t i = 0; rc == 0 && i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        /* as a reader sees it, as concordance and queries show it: a <ph> holding one format
         * code ({0}, %s) given back as the code (jisr_variant_plain dropped it: "Delete  files") */
        const char *vt = v->text ? v->text : "";
        if ((rc = jisr_buf_puts(b, i ? ",{\"lang\":" : "{\"lang\":")) < 0 ||
            (rc = jcstr(b, v->lang)) < 0 || (rc = jisr_buf_puts(b, ",\"text\":")) < 0 ||
            (rc = jplain(b, &t, vt, strlen(vt), v->tags, v->ntags, 0)) < 0 ||
            (rc = jtext_tagged(b, &t, v)) < 0 || (rc = meta_json(b, &v->meta)) < 0)
            break;
        rc = jisr_buf_putc(b, '}');
    }
    if (rc == 0)
        rc = jisr_buf_puts(b, "]}");
    jisr_buf_free(&t);
    return rc;
}
