/*
 * textout.c — the text layouts of the memory's results, as `jisr query`, `concord` and `stats`
 * print them (json.c has their JSON shapes): one place, so that every front end shows the same.
 * Text is shown without the placeholders of inline tags.
 */
#include <stdio.h>
#include <string.h>

#include "tm/tm_int.h"
#include "util/plural.h"

int jisr_tm_plain(jisr_buf *b, const char *s, size_t n)
{
    if (!b || (!s && n))
        return tm_null_arg("jisr_tm_plain", b ? "s" : "out");
    int rc = jisr_buf_reserve(b, n);
    if (rc < 0)
        return rc;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n && tm_pua_lead(s + i)) {
            if ((rc = jisr_buf_append(b, s + run, i - run)) < 0)
                return rc;
            i += 2;
            run = i + 1;
        }
    }
    return jisr_buf_append(b, s + run, n - run);
}

int jisr_tm_tagged(jisr_buf *b, const char *s, size_t n, char *const *tags, size_t ntags)
{
    if (!b || (!s && n) || (!tags && ntags))
        return tm_null_arg("jisr_tm_tagged", !b ? "out" : (!s && n) ? "s" : "tags");
    int rc = jisr_buf_reserve(b, n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c == 0xEE || c == 0xEF) && i + 2 < n) {
            uint32_t cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
                          (uint32_t)(s[i + 2] & 0x3F);
            if (cp >= JISR_TAG_BASE && cp - JISR_TAG_BASE < ntags) {
                rc = jisr_buf_puts(b, tags[cp - JISR_TAG_BASE] ? tags[cp - JISR_TAG_BASE] : "");
                i += 2;
                continue;
            }
        }
        if (c == '&')
            rc = jisr_buf_puts(b, "&amp;");
        else if (c == '<')
            rc = jisr_buf_puts(b, "&lt;");
        else if (c == '>')
            rc = jisr_buf_puts(b, "&gt;");
        else if (c == '\r') /* as the TMX writer does: an XML reader reads a bare one as \n */
            rc = jisr_buf_puts(b, "&#13;");
        else
            rc = jisr_buf_putc(b, (char)c);
    }
    return rc;
}

/* the marks a match's target line ends with: placeables, copies, accelerators, agreement, tags */
static int marks(jisr_buf *b, const jisr_tm_match *x)
{
    int rc = 0;
    int d =
        x->differ & (JISR_TM_DIFFER_NUMBERS | JISR_TM_DIFFER_CODES); /* not JISR_TM_DIFFER_MORE */
    const char *what = d == JISR_TM_DIFFER_CODES                              ? "codes"
                       : d == (JISR_TM_DIFFER_NUMBERS | JISR_TM_DIFFER_CODES) ? "numbers and codes"
                                                                              : "numbers";
    if (x->numbers == JISR_TM_NUMBERS_PLACED) /* a placeable, or a fuzzy match's */
        rc = jisr_buf_printf(b, "   [%s substituted]", what);
    else if (x->numbers == JISR_TM_NUMBERS_AMBIGUOUS)
        rc = jisr_buf_printf(b, "   [%s not substituted: which is which is ambiguous]", what);
    else if (x->numbers == JISR_TM_NUMBERS_MISSING)
        rc = jisr_buf_printf(b, "   [%s not substituted: not in the translation]", what);
    else if (x->differ & JISR_TM_DIFFER_CODES) /* reading C, other words differing too */
        rc = jisr_buf_puts(b, "   [codes written as in the query]");
    if (rc == 0 && x->copied)
        rc = jisr_buf_printf(b, "   [%zu copied token%s as in the query]", x->copied,
                             x->copied == 1 ? "" : "s");
    if (rc == 0 && x->accelerator == JISR_TM_ACCEL_REMOVED)
        rc = jisr_buf_puts(b, "   [accelerator removed]");
    else if (rc == 0 && x->accelerator == JISR_TM_ACCEL_MISSING)
        rc = jisr_buf_puts(b, "   [accelerator to place]");
    else if (rc == 0 && x->accelerator == JISR_TM_ACCEL_STYLED)
        rc = jisr_buf_puts(b, "   [accelerator as in the query]");
    for (size_t k = 0; rc == 0 && k < x->nagree; k++) {
        const jisr_tm_agree *a = &x->agree[k];
        rc = jisr_buf_printf(b, "%s%.*s (%s -> %s)%s",
                             k ? ", " : "   [check agreement: ", (int)(a->end - a->start),
                             x->target + a->start, a->from, a->to, k + 1 == x->nagree ? "]" : "");
    }
    if (rc == 0 && x->nunmapped)
        rc = jisr_buf_printf(b, "   [%zu stored tag%s not in the query left out]", x->nunmapped,
                             x->nunmapped == 1 ? "" : "s");
    if (rc == 0 && x->nmissing)
        rc = jisr_buf_printf(b, "   [%zu query tag%s to place]", x->nmissing,
                             x->nmissing == 1 ? "" : "s");
    return rc;
}

int jisr_tm_plain_tags_range(jisr_buf *b, const char *s, size_t n, size_t from, size_t to,
                             char *const *tags, size_t ntags)
{
    if (!b || (!s && n) || (!tags && ntags) || from > to || to > n)
        return tm_null_arg("jisr_tm_plain_tags", !b                 ? "out"
                                                 : (!s && n)        ? "s"
                                                 : (!tags && ntags) ? "tags"
                                                                    : "from/to");
    if (ntags == 0) /* no tag: every private-use character is the user's */
        return jisr_buf_append(b, s + from, to - from);
    /* the formats layer's rule (placeholder U+E000+i only when i < ntags; a line break between
     * two characters a line feed) over a NUL-terminated copy of the whole text in which a <ph>
     * holding a format code is already its code (a character beside a line break), the part
     * read at its place in the copy */
    jisr_buf whole = {0};
    size_t pf = 0, pt = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t len, off, cl;
        long k = tm_placeholder_at(s, n, i, ntags, &len);
        if (from >= i && from < i + len)
            pf = whole.len + (k < 0 ? from - i : 0);
        if (to >= i && to < i + len)
            pt = whole.len + (k < 0 ? to - i : 0);
        if (k >= 0 && tags[k] && tm_ph_code(tags[k], strlen(tags[k]), &off, &cl))
            rc = jisr_buf_append(&whole, tags[k] + off, cl);
        else
            rc = jisr_buf_append(&whole, s + i, len);
        i += len;
    }
    if (rc == 0 && !whole.data)
        rc = jisr_buf_puts(&whole, "");
    if (from == n)
        pf = whole.len;
    if (to == n)
        pt = whole.len;
    if (rc == 0) {
        jisr_variant v;
        memset(&v, 0, sizeof v);
        v.text = whole.data;
        v.tags = (char **)tags;
        v.ntags = ntags;
        rc = jisr_variant_plain_range(&v, pf, pt, b);
    }
    jisr_buf_free(&whole);
    return rc;
}

int jisr_tm_plain_tags(jisr_buf *b, const char *s, size_t n, char *const *tags, size_t ntags)
{
    if (!b || (!s && n) || (!tags && ntags))
        return tm_null_arg("jisr_tm_plain_tags", !b ? "out" : (!s && n) ? "s" : "tags");
    return jisr_tm_plain_tags_range(b, s, n, 0, n, tags, ntags);
}

/* The word diff as a reader sees it: its placeholders are the stored source's and, in words
 * only the query has, the query's (x->tags when the query has tags): the longer list. */
int tm_diff_plain(jisr_buf *b, const jisr_tm_match *x)
{
    int src = x->nsource_tags >= x->ntags;
    if (!x->diff) /* JISR_TM_NO_DIFF */
        return 0;
    return jisr_tm_plain_tags(b, x->diff, strlen(x->diff), src ? x->source_tags : x->tags,
                              src ? x->nsource_tags : x->ntags);
}

/* Tabs and line breaks from b->data[at] on as spaces: a stored text is one line of the layout
 * (a TSV's "\n" escapes and a TMX segment's line breaks would break it) */
static void flatten(jisr_buf *b, size_t at)
{
    for (size_t i = at; i < b->len; i++)
        if (b->data[i] == '\n' || b->data[i] == '\t' || b->data[i] == '\r')
            b->data[i] = ' ';
}

/* s[from..to) of s[0..n) with its tags as a reader sees it, tabs and line breaks as spaces (one
 * line of context) */
static int flat(jisr_buf *b, const char *s, size_t n, size_t from, size_t to, const jisr_variant *v)
{
    size_t at = b->len;
    int rc = jisr_tm_plain_tags_range(b, s, n, from, to, v->tags, v->ntags);
    if (rc == 0)
        flatten(b, at);
    return rc;
}

/* A text of a match (its target, its word diff) on one line, as a reader sees it: a tag the plain
 * text drops takes a space beside it along where it stood between two spaces or at an end (as
 * tm_map_target does for a stored tag it leaves out), so "اضغط <ph/> 5 مرات" reads "اضغط 5 مرات",
 * not "اضغط  5 مرات". */
static int text_line(jisr_buf *b, const char *s, size_t n, char *const *tags, size_t ntags)
{
    size_t at = b->len, run = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t len;
        long k = tm_placeholder_at(s, n, i, ntags, &len);
        if (k < 0) {
            i += len;
            continue;
        }
        size_t before;
        if ((rc = jisr_tm_plain_tags(b, s + run, i - run, tags, ntags)) < 0)
            break;
        before = b->len;
        if ((rc = jisr_tm_plain_tags_range(b, s, n, i, i + len, tags, ntags)) < 0)
            break;
        i += len;
        run = i;
        if (b->len != before)
            continue; /* shown (a code placeholder, a literal character) */
        int space = b->len == at || b->data[b->len - 1] == ' ';
        if (space && i < n && s[i] == ' ')
            run = ++i; /* the space after it goes with it */
        else if (space && i == n && b->len > at)
            b->len--; /* and one left at the end */
    }
    if (rc == 0)
        rc = jisr_tm_plain_tags(b, s + run, n - run, tags, ntags);
    if (rc == 0)
        flatten(b, at);
    return rc;
}

int jisr_tm_matches_text(jisr_buf *b, const char *query, const jisr_tm_matches *m, int min_score)
{
    return jisr_tm_matches_text_ex(b, query, m, min_score, NULL, 0);
}

int jisr_tm_matches_text_ex(jisr_buf *b, const char *query, const jisr_tm_matches *m, int min_score,
                            const char *const *names, size_t nnames)
{
    if (!b || !m)
        return tm_null_arg("jisr_tm_matches_text", b ? "m" : "out");
    int rc = jisr_buf_puts(b, "query: ");
    size_t at = b->len;
    if (rc == 0 && (rc = jisr_buf_puts(b, query ? query : "")) == 0)
        flatten(b, at);
    if (rc == 0)
        rc = jisr_buf_putc(b, '\n');
    if (rc == 0 && m->n == 0)
        rc = jisr_buf_printf(b, "  (no match with score >= %d)\n", min_score);
    for (size_t i = 0; rc == 0 && i < m->n; i++) {
        const jisr_tm_match *x = &m->v[i];
        if ((rc = jisr_buf_printf(b, "  %3d  #%-8llu ", x->score, (unsigned long long)x->id)) < 0)
            break;
        /* the word diff with the placeholders tm_diff_plain reads it with */
        int src = x->nsource_tags >= x->ntags;
        if (x->diff && (rc = text_line(b, x->diff, strlen(x->diff), src ? x->source_tags : x->tags,
                                       src ? x->nsource_tags : x->ntags)) < 0)
            break;
        if ((rc = jisr_buf_puts(b, "\n                 = ")) < 0 ||
            (rc = text_line(b, x->target, strlen(x->target), x->tags, x->ntags)) < 0 ||
            (rc = marks(b, x)) < 0)
            break;
        if (rc == 0 && names && x->memory < nnames)
            rc = jisr_buf_printf(b, "   [%s]", names[x->memory]);
        if (rc == 0)
            rc = jisr_buf_putc(b, '\n');
    }
    return rc;
}

int jisr_tm_hits_text(jisr_buf *b, const char *phrase, const jisr_tm_hits *h, int width)
{
    if (!b || !h)
        return tm_null_arg("jisr_tm_hits_text", b ? "h" : "out");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < h->n; i++) {
        const jisr_tm_hit *x = &h->v[i];
        const jisr_variant *hv = &x->unit.variants[x->variant];
        const char *text = hv->text;
        size_t tn = strlen(text);
        const char *lp = tm_tail_chars(text, x->start, width);
        int cut = width > 0 && lp != text; /* "..." for context left out, none asked for none */
        if ((rc = jisr_buf_printf(b, "#%-8llu %*s", (unsigned long long)x->id, cut ? 3 : 0,
                                  cut ? "..." : "")) < 0 ||
            (rc = flat(b, text, tn, (size_t)(lp - text), x->start, hv)) < 0 ||
            (rc = jisr_buf_puts(b, " [")) < 0 ||
            (rc = flat(b, text, tn, x->start, x->end, hv)) < 0 ||
            (rc = jisr_buf_puts(b, "] ")) < 0 ||
            (rc = flat(b, text, tn, x->end,
                       x->end + tm_head_bytes(text + x->end, tn - x->end, width), hv)) < 0 ||
            (rc = jisr_buf_putc(b, '\n')) < 0)
            break;
        for (size_t v = 0; rc == 0 && v < x->unit.nvariants; v++) {
            if (v == x->variant)
                continue;
            const jisr_variant *var = &x->unit.variants[v];
            if ((rc = jisr_buf_printf(b, "          %s: ", var->lang)) == 0 &&
                (rc = flat(b, var->text, strlen(var->text), 0, strlen(var->text), var)) == 0)
                rc = jisr_buf_putc(b, '\n');
        }
    }
    if (rc == 0 && h->n == 0)
        rc = jisr_buf_printf(b, "(no unit contains '%s')\n", phrase ? phrase : "");
    else if (rc == 0 && h->truncated)
        rc = jisr_buf_printf(b, "(first %zu unit%s shown; use -n for more)\n", h->n,
                             h->n == 1 ? "" : "s");
    return rc;
}

int jisr_tm_stats_text(jisr_buf *b, const char *path, const jisr_tm_stats *st)
{
    if (!b || !st)
        return tm_null_arg("jisr_tm_stats_text", b ? "st" : "out");
    int rc = jisr_buf_printf(b, "memory:     %s (schema %u)\nunits:      %llu\nlanguages: ",
                             path ? path : "", st->schema, (unsigned long long)st->units);
    for (size_t i = 0; rc == 0 && i < st->nlangs; i++)
        rc = jisr_buf_printf(b, " %s %llu%s", st->langs[i].lang,
                             (unsigned long long)st->langs[i].units, i + 1 < st->nlangs ? "," : "");
    if (rc == 0)
        rc = jisr_buf_printf(b,
                             "\nsize:       %.1f MiB on disk (data file %.1f MiB, map %.1f MiB)\n"
                             "index:      %llu posting %s\n",
                             st->disk_bytes / 1048576.0, st->file_bytes / 1048576.0,
                             st->map_bytes / 1048576.0, (unsigned long long)st->index_keys,
                             jisr_plural(st->index_keys, "chunk", "chunks"));
    if (rc == 0 && st->index_icu[0])
        rc = jisr_buf_printf(b, "built with: ICU %s, Unicode %s, tokenizer %u%s\n", st->index_icu,
                             st->index_unicode, st->index_tokenizer,
                             st->index_stale ? " (not this jisr's: run 'jisr reindex')" : "");
    else if (rc == 0)
        rc = jisr_buf_puts(b, "built with: (not recorded: run 'jisr reindex' once)\n");
    if (rc == 0 && st->chars)
        rc = jisr_buf_printf(b,
                             "characters: on, limit %d (texts of at most %d code points also "
                             "match by characters)\n",
                             st->chars, st->chars);
    else if (rc == 0)
        rc = jisr_buf_puts(b, "characters: off (jisr reindex --chars on turns it on)\n");
    return rc;
}
