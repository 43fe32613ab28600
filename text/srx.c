/*
 * srx.c — reads SRX 1.0/2.0 segmentation rule files into a plain in-memory form.
 *
 * The document is untrusted (a translator's own rules), so it is read with libxml2's streaming
 * reader with no network access, no external DTD and no entity substitution; a DOCTYPE is
 * refused outright. Only local element names are compared, so the srx10/srx20 namespaces and
 * files without a namespace all work. Every rule remembers where it came from so that a bad
 * regular expression can later be reported as FILE:LINE:COL.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <unicode/uregex.h>
#include <unicode/ustring.h>

#include "text/segment_int.h"
#include "text/text.h"

typedef struct srx_parse {
    const char *name;
    int err_set;
    int err_line, err_col;
    char err_msg[256];
} srx_parse;

static void srx_error_cb(void *arg, xmlErrorPtr e)
{
    srx_parse *p = arg;
    if (p->err_set || !e || e->level < XML_ERR_ERROR)
        return;
    p->err_set = 1;
    p->err_line = e->line;
    p->err_col = e->int2;
    const char *m = e->message ? e->message : "XML error";
    size_t n = strlen(m);
    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    if (n >= sizeof p->err_msg)
        n = sizeof p->err_msg - 1;
    memcpy(p->err_msg, m, n);
    p->err_msg[n] = '\0';
}

/* Line and column (1-based, in characters) of every start tag, in document order. The reader
 * reports where its parser is, which is often well past the node it returns; in well-formed
 * XML the k-th element node is the k-th '<' that opens a tag outside comments, CDATA sections
 * and processing instructions. */
typedef struct tag_pos {
    unsigned long line, col;
} tag_pos;

static tag_pos *scan_tags(const char *b, size_t n, size_t *count)
{
    size_t cap = 64, k = 0;
    tag_pos *v = malloc(cap * sizeof *v);
    unsigned long line = 1, col = 1;
    size_t i = 0;
    while (v && i < n) {
        char c = b[i];
        if (c == '<' && i + 1 < n) {
            const char *end = NULL;
            size_t skip = 0;
            if (n - i >= 4 && memcmp(b + i, "<!--", 4) == 0)
                end = "-->", skip = 4;
            else if (n - i >= 9 && memcmp(b + i, "<![CDATA[", 9) == 0)
                end = "]]>", skip = 9;
            else if (b[i + 1] == '?')
                end = "?>", skip = 2;
            else if (b[i + 1] != '/' && b[i + 1] != '!') {
                if (JISR_GROW(v, cap, k + 1) < 0) {
                    free(v);
                    return NULL;
                }
                v[k].line = line;
                v[k].col = col;
                k++;
            }
            if (end) {
                size_t el = strlen(end), j = i + skip;
                while (j + el <= n && memcmp(b + j, end, el) != 0)
                    j++;
                j = j + el <= n ? j + el : n;
                for (; i < j; i++) {
                    if (b[i] == '\n') {
                        line++;
                        col = 1;
                    } else if (((unsigned char)b[i] & 0xC0) != 0x80) {
                        col++;
                    }
                }
                continue;
            }
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)c & 0xC0) != 0x80) {
            col++;
        }
        i++;
    }
    *count = k;
    return v;
}

/* libxml2 reports some problems (encoding conversion, I/O) through its generic error function,
 * which prints to stderr by default; the library never prints, so it is silenced while a
 * document is parsed (the structured handler above records the error that matters). */
static void srx_generic_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void srx_rule_clear(srx_rule *r)
{
    free(r->before);
    free(r->after);
}

void seg_srx_free(srx_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nlangs; i++) {
        for (size_t j = 0; j < d->langs[i].n; j++)
            srx_rule_clear(&d->langs[i].rules[j]);
        free(d->langs[i].rules);
        free(d->langs[i].name);
    }
    free(d->langs);
    for (size_t i = 0; i < d->nmaps; i++) {
        free(d->maps[i].pattern);
        free(d->maps[i].rulename);
    }
    free(d->maps);
    free(d->name);
    free(d);
}

static char *attr_dup(xmlTextReaderPtr r, const char *name)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = jisr_strdup((const char *)v);
    xmlFree(v);
    return s;
}

static int attr_yes(xmlTextReaderPtr r, const char *name, int dflt)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
    if (!v)
        return dflt;
    int yes = strcmp((const char *)v, "yes") == 0 || strcmp((const char *)v, "true") == 0;
    xmlFree(v);
    return yes;
}

static int lname_is(const xmlChar *ln, const char *want)
{
    return ln && strcmp((const char *)ln, want) == 0;
}

int seg_srx_parse(srx_doc **out, const char *buf, size_t len, const char *name)
{
    *out = NULL;
    if (!name)
        name = "(srx)";
    if (len > 64u << 20)
        return jisr_error_set(JISR_ETOOBIG, name, 0, 0, "SRX document larger than 64 MiB");
    if (len == 0)
        return jisr_error_set(JISR_EPARSE, name, 0, 0, "empty SRX document");
    srx_parse p = {.name = name};
    srx_doc *d = calloc(1, sizeof *d);
    if (!d)
        return jisr_oom(0);
    d->name = jisr_strdup(name);
    int rc = 0;
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, srx_generic_silent);
    xmlTextReaderPtr r = xmlReaderForMemory(buf, (int)len, name, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!r || !d->name) {
        rc = jisr_error_set(JISR_ENOMEM, name, 0, 0, "cannot create XML reader");
        goto done;
    }
    xmlTextReaderSetStructuredErrorHandler(r, srx_error_cb, &p);

    size_t ntags = 0, nelem = 0;
    tag_pos *tags = scan_tags(buf, len, &ntags);
    int seen_root = 0;
    srx_langrule *cur_lang = NULL;
    srx_rule *cur_rule = NULL;
    char **cur_text = NULL; /* inside beforebreak/afterbreak */
    jisr_buf text = {0};
    int ret;
    while ((ret = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        const xmlChar *ln = xmlTextReaderConstLocalName(r);
        unsigned long line = (unsigned long)xmlTextReaderGetParserLineNumber(r);
        unsigned long col = (unsigned long)xmlTextReaderGetParserColumnNumber(r);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            /* the reader is past the declaration by now: point at its start */
            const char *dt = NULL;
            for (size_t k = 0; !dt && k + 9 <= len; k++)
                if (memcmp(buf + k, "<!DOCTYPE", 9) == 0)
                    dt = buf + k;
            if (dt) {
                line = 1;
                col = 1;
                for (const char *q = buf; q < dt; q++) {
                    if (*q == '\n') {
                        line++;
                        col = 1;
                    } else if (((unsigned char)*q & 0xC0) != 0x80) {
                        col++;
                    }
                }
            }
            rc = jisr_error_set(JISR_EPARSE, name, line, col,
                                "DOCTYPE declarations are not allowed in SRX files");
            break;
        }
        if (type == XML_READER_TYPE_ELEMENT) {
            int empty = xmlTextReaderIsEmptyElement(r);
            if (tags && nelem < ntags) {
                line = tags[nelem].line;
                col = tags[nelem].col;
            } else {
                xmlNodePtr node = xmlTextReaderCurrentNode(r);
                line = node ? (unsigned long)xmlGetLineNo(node) : line;
                col = 0;
            }
            nelem++;
            if (!seen_root) {
                seen_root = 1;
                if (!lname_is(ln, "srx")) {
                    rc = jisr_error_set(JISR_EPARSE, name, line, col,
                                        "not an SRX document (root element <%s>, want <srx>)",
                                        ln ? (const char *)ln : "?");
                    break;
                }
                continue;
            }
            if (cur_text) {
                rc = jisr_error_set(JISR_EPARSE, name, line, col,
                                    "unexpected element <%s> inside a rule pattern",
                                    ln ? (const char *)ln : "?");
                break;
            }
            if (lname_is(ln, "header")) {
                d->cascade = attr_yes(r, "cascade", 0);
            } else if (lname_is(ln, "languagerule")) {
                if ((rc = JISR_GROW(d->langs, d->caplangs, d->nlangs + 1)) < 0)
                    break;
                cur_lang = &d->langs[d->nlangs++];
                memset(cur_lang, 0, sizeof *cur_lang);
                cur_lang->name = attr_dup(r, "languagerulename");
                cur_lang->line = line;
                cur_lang->col = col;
                if (!cur_lang->name) {
                    rc = jisr_error_set(JISR_EPARSE, name, line, col,
                                        "<languagerule> without languagerulename");
                    break;
                }
                if (empty)
                    cur_lang = NULL;
            } else if (lname_is(ln, "rule")) {
                if (!cur_lang) {
                    rc = jisr_error_set(JISR_EPARSE, name, line, col,
                                        "<rule> outside a <languagerule>");
                    break;
                }
                if ((rc = JISR_GROW(cur_lang->rules, cur_lang->cap, cur_lang->n + 1)) < 0)
                    break;
                cur_rule = &cur_lang->rules[cur_lang->n++];
                memset(cur_rule, 0, sizeof *cur_rule);
                cur_rule->brk = attr_yes(r, "break", 1);
                cur_rule->line = cur_rule->before_line = cur_rule->after_line = line;
                cur_rule->col = cur_rule->before_col = cur_rule->after_col = col;
                if (empty)
                    cur_rule = NULL;
            } else if (lname_is(ln, "beforebreak") || lname_is(ln, "afterbreak")) {
                if (!cur_rule) {
                    rc = jisr_error_set(JISR_EPARSE, name, line, col, "<%s> outside a <rule>",
                                        (const char *)ln);
                    break;
                }
                int before = lname_is(ln, "beforebreak");
                char **slot = before ? &cur_rule->before : &cur_rule->after;
                if (*slot) {
                    rc = jisr_error_set(JISR_EPARSE, name, line, col, "duplicate <%s> in a rule",
                                        (const char *)ln);
                    break;
                }
                if (before) {
                    cur_rule->before_line = line;
                    cur_rule->before_col = col;
                } else {
                    cur_rule->after_line = line;
                    cur_rule->after_col = col;
                }
                if (empty) {
                    *slot = jisr_strdup("");
                    if (!*slot) {
                        rc = JISR_ENOMEM;
                        break;
                    }
                } else {
                    cur_text = slot;
                    jisr_buf_reset(&text);
                }
            } else if (lname_is(ln, "maprules")) {
                d->maprules_line = line;
                d->maprules_col = col;
            } else if (lname_is(ln, "languagemap")) {
                if ((rc = JISR_GROW(d->maps, d->capmaps, d->nmaps + 1)) < 0)
                    break;
                srx_map *m = &d->maps[d->nmaps++];
                memset(m, 0, sizeof *m);
                m->pattern = attr_dup(r, "languagepattern");
                m->rulename = attr_dup(r, "languagerulename");
                m->line = line;
                m->col = col;
                if (!m->pattern || !m->rulename) {
                    rc = jisr_error_set(JISR_EPARSE, name, line, col,
                                        "<languagemap> needs languagepattern and "
                                        "languagerulename");
                    break;
                }
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (cur_text && (lname_is(ln, "beforebreak") || lname_is(ln, "afterbreak"))) {
                char **slot = cur_text;
                cur_text = NULL;
                *slot = jisr_strndup(text.data ? text.data : "", text.len);
                if (!*slot) {
                    rc = JISR_ENOMEM;
                    break;
                }
            } else if (lname_is(ln, "rule")) {
                cur_rule = NULL;
            } else if (lname_is(ln, "languagerule")) {
                cur_lang = NULL;
            }
        } else if (cur_text && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                                type == XML_READER_TYPE_WHITESPACE ||
                                type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const xmlChar *v = xmlTextReaderConstValue(r);
            if (v && (rc = jisr_buf_puts(&text, (const char *)v)) < 0)
                break;
        } else if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
            rc = jisr_error_set(JISR_EPARSE, name, line, col,
                                "entity references are not allowed in SRX files");
            break;
        }
    }
    jisr_buf_free(&text);
    free(tags);
    if (rc == 0 && ret != 0) {
        if (p.err_set)
            rc = jisr_error_set(JISR_EPARSE, name, (unsigned long)p.err_line,
                                (unsigned long)p.err_col, "bad XML: %s", p.err_msg);
        else
            rc = jisr_error_set(JISR_EPARSE, name,
                                (unsigned long)xmlTextReaderGetParserLineNumber(r),
                                (unsigned long)xmlTextReaderGetParserColumnNumber(r), "bad XML");
    }
    if (rc == 0 && !seen_root)
        rc = jisr_error_set(JISR_EPARSE, name, 1, 1, "empty SRX document");
    /* rules whose pattern elements were missing match everywhere */
    for (size_t i = 0; rc == 0 && i < d->nlangs; i++) {
        for (size_t j = 0; j < d->langs[i].n; j++) {
            srx_rule *ru = &d->langs[i].rules[j];
            if (!ru->before)
                ru->before = jisr_strdup("");
            if (!ru->after)
                ru->after = jisr_strdup("");
            if (!ru->before || !ru->after) {
                rc = JISR_ENOMEM;
                break;
            }
        }
    }
done:
    if (r)
        xmlFreeTextReader(r);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    if (rc < 0) {
        seg_srx_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

/* Whole-string, case-insensitive match of a languagepattern against a language code. */
static int lang_pattern_match(const srx_map *m, const char *file, const char *lang, int *match)
{
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    URegularExpression *re = seg_regex_open(m->pattern, -1, UREGEX_CASE_INSENSITIVE, &pe, &st);
    if (U_FAILURE(st))
        return jisr_error_set(JISR_EPARSE, file, m->line, m->col, "bad languagepattern \"%s\": %s",
                              m->pattern, u_errorName(st));
    UText *ut = utext_openUTF8(NULL, lang, -1, &st);
    uregex_setUText(re, ut, &st);
    *match = U_SUCCESS(st) && uregex_matches(re, 0, &st) && U_SUCCESS(st);
    utext_close(ut);
    uregex_close(re);
    return 0;
}

int seg_srx_select(const srx_doc *d, const char *lang, const srx_rule ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t total = 0;
    for (size_t i = 0; i < d->nlangs; i++)
        total += d->langs[i].n;
    const srx_rule **v = malloc((total ? total : 1) * sizeof *v);
    if (!v)
        return jisr_oom(0);
    int any = 0, rc = 0;
    size_t k = 0;
    /* a rule set reached twice through cascade is applied once */
    unsigned char *used = calloc(d->nlangs ? d->nlangs : 1, 1);
    if (!used) {
        free(v);
        return jisr_oom(0);
    }
    for (size_t i = 0; i < d->nmaps; i++) {
        int match = 0;
        if ((rc = lang_pattern_match(&d->maps[i], d->name, lang, &match)) < 0)
            break;
        if (!match)
            continue;
        size_t j = 0;
        while (j < d->nlangs && strcmp(d->langs[j].name, d->maps[i].rulename) != 0)
            j++;
        if (j == d->nlangs) {
            rc = jisr_error_set(JISR_EPARSE, d->name, d->maps[i].line, d->maps[i].col,
                                "<languagemap> names an unknown languagerule \"%s\"",
                                d->maps[i].rulename);
            break;
        }
        any = 1;
        if (!used[j]) {
            used[j] = 1;
            for (size_t r = 0; r < d->langs[j].n; r++)
                v[k++] = &d->langs[j].rules[r];
        }
        if (!d->cascade)
            break;
    }
    free(used);
    if (rc == 0 && !any)
        rc = jisr_error_set(JISR_ENOTFOUND, d->name, d->maprules_line, d->maprules_col,
                            "no SRX language rules for language \"%s\"", lang);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}
