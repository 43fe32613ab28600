/*
 * querytags.c — a query's inline tags: the text of a query that carries markup, turned into
 * what jisr_tm_query_opts.tags takes (a text with one placeholder per tag and the tags' TMX
 * markup), so that every front end reads tagged queries the same way.
 *
 * TMX segment content goes through the formats layer's TMX reader (no network, no entities,
 * the unit model's checks); {N} placeholders become <ph x="N">{N}</ph>. Either way the unit ends
 * in the unit model's canonical form (jisr_unit_check), so a private-use character the user
 * typed stays a character and is never taken for a tag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/place_int.h"
#include "tm/tm_int.h"

/* what comes before the query in the document read (ASCII: its length is its column count) */
static const char tmx_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><tmx version=\"1.4\"><header "
    "creationtool=\"jisr\" creationtoolversion=\"1\" segtype=\"sentence\" "
    "o-tmf=\"jisr\" adminlang=\"en\" srclang=\"*all*\" "
    "datatype=\"plaintext\"/><body><tu><tuv xml:lang=\"x\"><seg>";

/* Where in q (line, column in characters, both from 1) the reader's error at line/col of the
 * document is: the document's first line starts with tmx_head; a position past q's end (an
 * element left open, found at the closing tags) is the column after q's last character. */
static void query_pos(const char *q, unsigned long line, unsigned long col, unsigned long *qline,
                      unsigned long *qcol)
{
    unsigned long nl = 0, last = 0; /* q's line ends; characters of its last line */
    for (const char *p = q; *p; p++) {
        if (*p == '\n') {
            nl++;
            last = 0;
        } else if ((*p & 0xC0) != 0x80) {
            last++;
        }
    }
    if (line <= 1)
        col = col > sizeof tmx_head - 1 ? col - (sizeof tmx_head - 1) : 1;
    *qline = line ? line : 1;
    *qcol = col ? col : 1;
    if (*qline > nl + 1 || (*qline == nl + 1 && *qcol > last + 1)) {
        *qline = nl + 1;
        *qcol = last + 1;
    }
}

/* The query as TMX segment content, read through the TMX reader. A malformed one is
 * JISR_EPARSE naming the line (when q has several) and the column in q. */
static int parse_tmx(jisr_unit *out, const char *q)
{
    jisr_buf doc = {0};
    jisr_buf_puts(&doc, tmx_head);
    jisr_buf_puts(&doc, q);
    if (jisr_buf_puts(&doc, "</seg></tuv></tu></body></tmx>") < 0) {
        jisr_buf_free(&doc);
        return JISR_ENOMEM;
    }
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TMX;
    jisr_reader *rd;
    int rc = jisr_reader_open_memory(&rd, "query", doc.data, doc.len, &ro);
    if (rc == 0) {
        rc = jisr_reader_next(rd, out);
        jisr_reader_close(rd);
    }
    jisr_buf_free(&doc);
    if (rc < 0) {
        const jisr_error *e = jisr_error_last();
        unsigned long line, col;
        char msg[sizeof e->msg];
        snprintf(msg, sizeof msg, "%s", e->msg);
        query_pos(q, e->line, e->col, &line, &col);
        if (strchr(q, '\n'))
            return jisr_error_set(
                JISR_EPARSE, NULL, line, col,
                "the query is not TMX segment content at line %lu, column %lu: %s", line, col, msg);
        return jisr_error_set(JISR_EPARSE, NULL, line, col,
                              "the query is not TMX segment content at column %lu: %s", col, msg);
    }
    if (rc == 0 || out->nvariants != 1)
        return jisr_error_set(JISR_EPARSE, NULL, 0, 0, "the query is not TMX segment content");
    return 0;
}

/* TMX pairs each <ept> with a <bpt> of the same i before it, and each <bpt> with an <ept>
 * after it: a query that leaves one alone is refused as bad markup (as an unescaped & is), since
 * its tag would be carried into the translation unpaired; a lone code is written <it>. Tags come
 * in text order (the TMX reader's). */
static int check_pairs(const jisr_unit *u)
{
    const jisr_variant *v = &u->variants[0];
    long open[64];
    size_t nopen = 0;
    for (size_t k = 0; k < v->ntags; k++) {
        tm_tag t;
        tm_tag_parse(v->tags[k], strlen(v->tags[k]), &t);
        if (t.kind == TM_TAG_BPT) {
            if (nopen == sizeof open / sizeof open[0])
                return jisr_error_set(JISR_EPARSE, NULL, 0, 0,
                                      "the query opens more than %zu <bpt> at once", nopen);
            open[nopen++] = t.i;
        } else if (t.kind == TM_TAG_EPT) {
            size_t j = nopen;
            while (j > 0 && open[j - 1] != t.i)
                j--;
            if (j == 0)
                return jisr_error_set(JISR_EPARSE, NULL, 0, 0,
                                      "the query's <ept i=\"%ld\"> has no <bpt i=\"%ld\"> before "
                                      "it (a lone code is written <it>)",
                                      t.i, t.i);
            memmove(&open[j - 1], &open[j], (nopen - j) * sizeof open[0]);
            nopen--;
        }
    }
    if (nopen)
        return jisr_error_set(JISR_EPARSE, NULL, 0, 0,
                              "the query's <bpt i=\"%ld\"> has no <ept i=\"%ld\"> after it (a "
                              "lone code is written <it>)",
                              open[0], open[0]);
    return 0;
}

/* the private-use code point (U+E000–U+F8FF) whose UTF-8 starts at p, or 0 */
static unsigned pua_at(const unsigned char *p)
{
    if ((p[0] != 0xEE && !(p[0] == 0xEF && p[1] >= 0x80 && p[1] <= 0xA3)) ||
        (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
        return 0;
    return ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
}

/* {N} placeholders as <ph> tags. A private-use character the user typed becomes a placeholder
 * whose tag is its character reference, so that it cannot be taken for a {N} tag's
 * placeholder; jisr_unit_check then gives it back as the character wherever that is
 * unambiguous (the unit model's canonical form). */
static int parse_braces(jisr_unit *out, const char *q)
{
    jisr_buf text = {0};
    char **tags = NULL;
    size_t ntags = 0, cap = 0;
    int rc = 0;
    for (const char *p = q; *p && rc == 0;) {
        const char *e = p + 1;
        if (*p == '{')
            while (*e >= '0' && *e <= '9')
                e++;
        unsigned lit = *p == '{' ? 0 : pua_at((const unsigned char *)p);
        if ((lit || (*p == '{' && e > p + 1 && *e == '}')) && ntags < JISR_TAG_MAX) {
            if ((rc = JISR_GROW(tags, cap, ntags + 1)) < 0)
                break;
            jisr_buf t = {0};
            rc = lit ? jisr_buf_printf(&t, "&#x%X;", lit)
                     : jisr_buf_printf(&t, "<ph x=\"%.*s\">%.*s</ph>", (int)(e - p - 1), p + 1,
                                       (int)(e + 1 - p), p);
            if (rc < 0)
                break;
            tags[ntags] = t.data;
            uint32_t cp = JISR_TAG_BASE + (uint32_t)ntags++;
            char u[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                         (char)(0x80 | (cp & 0x3F))};
            rc = jisr_buf_append(&text, u, 3);
            p = lit ? p + 3 : e + 1;
        } else {
            rc = jisr_buf_putc(&text, *p++);
        }
    }
    jisr_variant *v = NULL;
    if (rc == 0)
        rc = jisr_unit_add_variant(out, "x", text.data ? text.data : "", text.len, &v);
    jisr_buf_free(&text);
    if (rc < 0) {
        for (size_t k = 0; k < ntags; k++)
            free(tags[k]);
        free(tags);
        return rc;
    }
    v->tags = tags;
    v->ntags = ntags;
    return 0;
}

int jisr_tm_query_markup(jisr_unit *out, const char *q, int markup)
{
    if (!out)
        return tm_null_arg("jisr_tm_query_markup", "out");
    jisr_unit_init(out);
    int rc;
    if (!q)
        return tm_null_arg("jisr_tm_query_markup", "q");
    switch (markup) {
    case JISR_TM_MARKUP_TMX:
        if ((rc = parse_tmx(out, q)) == 0)
            rc = check_pairs(out);
        break;
    case JISR_TM_MARKUP_BRACES:
        rc = parse_braces(out, q);
        break;
    case JISR_TM_MARKUP_NONE:
        rc = jisr_unit_add_variant(out, "x", q, strlen(q), NULL);
        break;
    default:
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_query_markup: unknown markup %d",
                              markup);
    }
    if (rc == 0)
        rc = jisr_unit_check(out, "query");
    if (rc < 0)
        jisr_unit_clear(out);
    return rc;
}
