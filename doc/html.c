/*
 * html.c — HTML documents through libxml2's HTML parser (no network, no error output).
 *
 * The bytes are decoded first (opts.encoding, a BOM, a <meta charset> or http-equiv declaration
 * in the first 1024 bytes, else UTF-8 when valid, else ICU's detector: doc_decode) and handed to
 * the parser as UTF-8 with the document's own declaration ignored, so one decoder serves every
 * format. The tree is then walked: block elements (p, div, h1–h6, li, td, blockquote …) end the
 * paragraph being built and start another; inline elements add their text; <br> is a line
 * break; white space collapses as a browser collapses it (not inside <pre>). Headings, list
 * items, table cells, captions, the <title> and footnotes (role="doc-footnote"/"doc-endnote",
 * epub:type, LibreOffice's sdfootnote blocks) are marked as such, footnote reference marks
 * dropped; dir and lang (or xml:lang) attributes are inherited as hints.
 * script, style, template, noscript, forms' controls, embedded objects and hidden elements
 * (hidden, aria-hidden="true", display:none, visibility:hidden) are skipped; so are navigation,
 * banners, page footers and asides unless JISR_DOC_BOILERPLATE is set. Depth is bounded.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "doc/doc_int.h"

typedef struct hctx {
    jisr_doc *d;
    jisr_buf text;
    jisr_para_kind kind;
    int level;
    jisr_dir dir;
    char lang[64];
    int pre;
    int lists;    /* open ul/ol */
    int footnote; /* inside a footnote container */
    int content;  /* inside article/main/section: header/footer there are content */
    unsigned long line;
} hctx;

static int name_is(const xmlNode *n, const char *name)
{
    return n->name && strcasecmp((const char *)n->name, name) == 0;
}

static int name_in(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (name_is(n, *names))
            return 1;
    return 0;
}

static const char *const BLOCKS[] = {
    "p",       "div",     "h1",       "h2",      "h3",     "h4",      "h5",         "h6",
    "li",      "dt",      "dd",       "td",      "th",     "caption", "figcaption", "blockquote",
    "pre",     "address", "article",  "section", "main",   "header",  "footer",     "nav",
    "aside",   "form",    "fieldset", "legend",  "table",  "tr",      "thead",      "tbody",
    "tfoot",   "ul",      "ol",       "dl",      "hr",     "title",   "figure",     "details",
    "summary", "center",  "body",     "html",    "dialog", "menu",    "hgroup",     NULL};

static const char *const SKIPPED[] = {
    "script", "style",  "template", "noscript", "select", "option", "input", "textarea",
    "button", "iframe", "object",   "embed",    "canvas", "svg",    "math",  "audio",
    "video",  "map",    "meta",     "link",     "base",   "head",   NULL};

static char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (a->name && strcasecmp((const char *)a->name, name) == 0) {
            xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
            return (char *)v; /* xmlFree */
        }
    return NULL;
}

static int attr_has(const xmlNode *n, const char *name, const char *needle)
{
    char *v = attr(n, name);
    int r = 0;
    if (v) {
        /* case-insensitive substring, spaces ignored ("display: none") */
        char buf[512];
        size_t k = 0;
        for (const char *p = v; *p && k + 1 < sizeof buf; p++)
            if (*p != ' ' && *p != '\t')
                buf[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        buf[k] = '\0';
        r = strstr(buf, needle) != NULL;
        xmlFree(v);
    }
    return r;
}

static int attr_eq(const xmlNode *n, const char *name, const char *val)
{
    char *v = attr(n, name);
    int r = v && strcasecmp(v, val) == 0;
    if (v)
        xmlFree(v);
    return r;
}

static int hidden(const xmlNode *n)
{
    char *h = attr(n, "hidden");
    if (h) {
        xmlFree(h);
        return 1;
    }
    return attr_eq(n, "aria-hidden", "true") || attr_has(n, "style", "display:none") ||
           attr_has(n, "style", "visibility:hidden") || attr_eq(n, "type", "hidden");
}

/* A footnote reference or back link: its number is not text (role doc-noteref/doc-backlink,
 * LibreOffice's sdfootnoteanc/sdfootnotesym anchors). */
static int note_mark(const xmlNode *n)
{
    return attr_has(n, "role", "doc-noteref") || attr_has(n, "role", "doc-backlink") ||
           attr_has(n, "class", "sdfootnoteanc") || attr_has(n, "class", "sdfootnotesym") ||
           attr_has(n, "class", "sdendnoteanc") || attr_has(n, "class", "sdendnotesym");
}

static int is_footnote(const xmlNode *n)
{
    char *id = attr(n, "id");
    int lo = id && (strncmp(id, "sdfootnote", 10) == 0 || strncmp(id, "sdendnote", 9) == 0);
    if (id)
        xmlFree(id);
    return lo || attr_has(n, "role", "doc-footnote") || attr_has(n, "role", "doc-endnote") ||
           attr_has(n, "epub:type", "footnote") || attr_has(n, "epub:type", "endnote") ||
           attr_has(n, "type", "footnote") || attr_has(n, "type", "endnote");
}

static int boilerplate(const hctx *c, const xmlNode *n)
{
    if (name_is(n, "nav"))
        return 1;
    if (name_is(n, "aside") && !is_footnote(n))
        return 1;
    if ((name_is(n, "header") || name_is(n, "footer")) && !c->content)
        return 1;
    return attr_has(n, "role", "navigation") || attr_has(n, "role", "banner") ||
           attr_has(n, "role", "contentinfo") || attr_has(n, "role", "search") ||
           attr_has(n, "role", "complementary");
}

static int flush(hctx *c)
{
    if (!c->text.len)
        return 0;
    size_t n = c->pre ? c->text.len : doc_collapse_space(c->text.data, c->text.len);
    int rc =
        doc_add(c->d, c->text.data, n, c->kind, c->level, c->dir, c->lang, NULL, NULL, c->line, 0);
    jisr_buf_reset(&c->text);
    return rc;
}

static int append(hctx *c, const char *s, size_t n)
{
    if (c->text.len + n > c->d->opts.max_para)
        return doc_error(c->d, JISR_ETOOBIG, NULL, c->line, 0,
                         "paragraph longer than the limit of %zu bytes", c->d->opts.max_para);
    if (jisr_buf_append(&c->text, s, n) < 0)
        return doc_error(c->d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    return 0;
}

static int walk(hctx *c, const xmlNode *n, int depth)
{
    int rc = 0;
    if (depth > DOC_XML_DEPTH_MAX)
        return doc_error(c->d, JISR_ETOOBIG, NULL, (unsigned long)xmlGetLineNo(n), 0,
                         "elements nested deeper than %d levels", DOC_XML_DEPTH_MAX);
    for (; n && rc == 0; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (!n->content)
                continue;
            if (!c->text.len)
                c->line = (unsigned long)xmlGetLineNo(n);
            rc = append(c, (const char *)n->content, strlen((const char *)n->content));
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        int is_title = name_is(n, "title");
        if (name_is(n, "head")) {
            /* only the title of the head is text */
            for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
                if (k->type != XML_ELEMENT_NODE || !name_is(k, "title"))
                    continue;
                hctx saved = *c;
                if ((rc = flush(c)) < 0)
                    break;
                c->kind = JISR_PARA_TITLE;
                c->line = (unsigned long)xmlGetLineNo(k);
                if ((rc = walk(c, k->children, depth + 2)) == 0)
                    rc = flush(c);
                jisr_buf text = c->text;
                *c = saved;
                c->text = text;
            }
            continue;
        }
        if (!is_title && (name_in(n, SKIPPED) || hidden(n) || note_mark(n)))
            continue;
        if (!(c->d->opts.flags & JISR_DOC_BOILERPLATE) && boilerplate(c, n))
            continue;
        if (name_is(n, "br")) {
            rc = append(c, c->pre ? "\n" : DOC_BR, c->pre ? 1 : 3);
            continue;
        }
        if (name_is(n, "img") || name_is(n, "wbr"))
            continue;
        int block = name_in(n, BLOCKS);
        hctx saved = *c; /* the inherited context, restored after the element */
        if (block && (rc = flush(c)) < 0)
            break;
        char *dir = attr(n, "dir"), *lang = attr(n, "lang");
        if (!lang)
            lang = attr(n, "xml:lang");
        if (dir) {
            c->dir = strcasecmp(dir, "rtl") == 0    ? JISR_DIR_RTL
                     : strcasecmp(dir, "ltr") == 0  ? JISR_DIR_LTR
                     : strcasecmp(dir, "auto") == 0 ? JISR_DIR_AUTO
                                                    : c->dir;
            xmlFree(dir);
        }
        if (lang) {
            snprintf(c->lang, sizeof c->lang, "%s", lang);
            xmlFree(lang);
        }
        if (is_footnote(n))
            c->footnote = 1;
        if (name_is(n, "article") || name_is(n, "main") || name_is(n, "section"))
            c->content = 1;
        if (name_is(n, "ul") || name_is(n, "ol") || name_is(n, "menu"))
            c->lists++;
        if (block) {
            c->line = (unsigned long)xmlGetLineNo(n);
            if (name_is(n, "pre"))
                c->pre = 1;
            if (c->footnote) {
                c->kind = JISR_PARA_FOOTNOTE;
                c->level = 0;
            } else if (is_title) {
                c->kind = JISR_PARA_TITLE;
            } else if (n->name[0] && (n->name[0] == 'h' || n->name[0] == 'H') &&
                       n->name[1] >= '1' && n->name[1] <= '6' && !n->name[2]) {
                c->kind = JISR_PARA_HEADING;
                c->level = n->name[1] - '0';
            } else if (name_is(n, "li") || name_is(n, "dt") || name_is(n, "dd")) {
                c->kind = JISR_PARA_LIST_ITEM;
                c->level = c->lists ? c->lists : 1;
            } else if (name_is(n, "td") || name_is(n, "th")) {
                c->kind = JISR_PARA_CELL;
                c->level = 0;
            } else if (name_is(n, "caption") || name_is(n, "figcaption")) {
                c->kind = JISR_PARA_CAPTION;
                c->level = 0;
            } else if (name_is(n, "p") || name_is(n, "div") || name_is(n, "blockquote") ||
                       name_is(n, "pre") || name_is(n, "body")) {
                /* a paragraph inside a cell or list item stays a cell or list item */
                if (c->kind != JISR_PARA_CELL && c->kind != JISR_PARA_LIST_ITEM &&
                    c->kind != JISR_PARA_FOOTNOTE) {
                    c->kind = JISR_PARA_BODY;
                    c->level = 0;
                }
            }
        }
        if (n->children)
            rc = walk(c, n->children, depth + 1);
        if (rc == 0 && block)
            rc = flush(c);
        /* restore the inherited context but keep the text being built */
        jisr_buf text = c->text;
        unsigned long line = c->line;
        *c = saved;
        c->text = text;
        c->line = line;
    }
    return rc;
}

/* charset=NAME in the first 1024 bytes (meta charset or http-equiv content) */
static int meta_charset(const unsigned char *s, size_t n, char *out, size_t outsz)
{
    size_t look = n < 1024 ? n : 1024;
    for (size_t i = 0; i + 8 < look; i++) {
        if (strncasecmp((const char *)s + i, "charset=", 8) != 0)
            continue;
        size_t k = i + 8, o = 0;
        while (k < look && (s[k] == '"' || s[k] == '\'' || s[k] == ' '))
            k++;
        while (k < look && o + 1 < outsz &&
               ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                (s[k] >= '0' && s[k] <= '9') || s[k] == '-' || s[k] == '_' || s[k] == ':'))
            out[o++] = (char)s[k++];
        out[o] = '\0';
        return o > 0;
    }
    return 0;
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* An XHTML document's DOCTYPE with an internal subset (<!DOCTYPE html [ <!ENTITY …> ]>): the
 * HTML parser knows no subsets and would take its "]>" for text of the page. Blanked (spaces, so
 * that positions hold); entities are never expanded anyway. */
static size_t find_from(const char *s, size_t n, size_t i, const char *pat)
{
    size_t k = strlen(pat);
    for (; i + k <= n; i++)
        if (memcmp(s + i, pat, k) == 0)
            return i;
    return n;
}

static void blank_subset(char *s, size_t n)
{
    size_t i = 0;
    for (;;) { /* past white space, <?…?> and comments, to the first markup that is neither */
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            i++;
        if (i + 1 < n && s[i] == '<' && s[i + 1] == '?') {
            if ((i = find_from(s, n, i, "?>")) >= n)
                return;
            i += 2;
        } else if (i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
            if ((i = find_from(s, n, i, "-->")) >= n)
                return;
            i += 3;
        } else {
            break;
        }
    }
    if (i + 9 > n || strncasecmp(s + i, "<!DOCTYPE", 9) != 0)
        return;
    size_t j = i + 9;
    while (j < n && s[j] != '[' && s[j] != '>')
        j++;
    if (j >= n || s[j] != '[')
        return;
    char quote = 0;
    for (size_t k = j + 1; k < n; k++) { /* the "]" that, past white space, closes with ">" */
        if (quote) {                     /* inside a quoted entity value or system id */
            quote = s[k] == quote ? 0 : quote;
            continue;
        }
        if (s[k] == '"' || s[k] == '\'') {
            quote = s[k];
            continue;
        }
        if (s[k] != ']')
            continue;
        size_t m = k + 1;
        while (m < n && (s[m] == ' ' || s[m] == '\t' || s[m] == '\n' || s[m] == '\r'))
            m++;
        if (m < n && s[m] == '>') {
            for (size_t z = j; z <= k; z++)
                if (s[z] != '\n')
                    s[z] = ' ';
            return;
        }
    }
}

int doc_html_read(jisr_doc *d, const unsigned char *data, size_t n)
{
    char cs[64];
    const char *enc = d->opts.encoding;
    int bom = n >= 2 && (memcmp(data, "\xFF\xFE", 2) == 0 || memcmp(data, "\xFE\xFF", 2) == 0 ||
                         (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0));
    if (!enc && !bom && meta_charset(data, n, cs, sizeof cs) && strcasecmp(cs, "utf-8") != 0)
        enc = strcasecmp(cs, "iso-8859-1") == 0 || strcasecmp(cs, "us-ascii") == 0
                  ? "windows-1252" /* what browsers do */
                  : cs;
    char *utf8 = NULL;
    size_t len = 0;
    int rc = doc_decode(d, data, n, enc, &utf8, &len);
    if (rc < 0)
        return rc;
    if (len > (size_t)INT32_MAX) {
        free(utf8);
        return doc_error(d, JISR_ETOOBIG, NULL, 0, 0, "HTML larger than 2 GiB");
    }
    blank_subset(utf8, len);
    xmlGenericErrorFunc sfn = xmlGenericError;
    void *sctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet);
    htmlDocPtr doc = htmlReadMemory(utf8, (int)len, d->name, "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
    xmlSetGenericErrorFunc(sctx, sfn);
    free(utf8);
    if (!doc) {
        /* libxml2 returns no document for empty input: no paragraphs */
        if (len == 0)
            return 0;
        for (size_t i = 0; i < len; i++)
            if (data[i] != ' ' && data[i] != '\n' && data[i] != '\r' && data[i] != '\t')
                return doc_error(d, JISR_EPARSE, NULL, 1, 1, "cannot parse as HTML");
        return 0;
    }
    hctx c = {0};
    c.d = d;
    rc = walk(&c, xmlDocGetRootElement(doc), 0);
    if (rc == 0)
        rc = flush(&c);
    jisr_buf_free(&c.text);
    xmlFreeDoc(doc);
    return rc;
}
