/*
 * html.c — HTML documents through libxml2's HTML parser (no network, no error output).
 *
 * The bytes are decoded first (opts.encoding, a BOM, the XML declaration's encoding, a <meta
 * charset> or http-equiv declaration in the head (in the first 64 KiB, comments passed over),
 * else UTF-8 when valid, else ICU's detector: doc_decode) and handed to the parser as UTF-8 with
 * the document's own declaration ignored, so one decoder serves every format. Text that libxml2's
 * HTML 4 parser puts inside an HTML5 void element (<wbr>, <embed> …) is moved back beside it. The
 * tree is then walked: block elements (p, div, h1–h6, li, td, blockquote …) end the
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

/* HTML5's void elements: they never have content. libxml2's HTML 4 parser (2.9) knows only some
 * of them as empty; after the others (wbr, embed, source, track, keygen) it makes the text that
 * follows their child ("a<wbr>b</wbr>"), which would be lost with them (embed is skipped) or take
 * their attributes. hoist_void_children gives it back to the parent. */
static const char *const VOIDS[] = {"area",  "base",  "br",     "col",  "embed", "hr",
                                    "img",   "input", "link",   "meta", "param", "source",
                                    "track", "wbr",   "keygen", NULL};

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
    /* Word's reviewer comments, listed at the end of its "Web Page": not the document's text */
    return attr_eq(n, "aria-hidden", "true") || attr_has(n, "style", "display:none") ||
           attr_has(n, "style", "mso-element:comment-list") ||
           attr_has(n, "style", "visibility:hidden") || attr_eq(n, "type", "hidden");
}

/* A footnote reference or back link: its number is not text (role doc-noteref/doc-backlink,
 * LibreOffice's sdfootnoteanc/sdfootnotesym anchors); so is the "[J1]" anchor of a comment in
 * Word's "Save as Web Page" (msocomanchor). */
static int note_mark(const xmlNode *n)
{
    return attr_has(n, "role", "doc-noteref") || attr_has(n, "role", "doc-backlink") ||
           attr_has(n, "class", "sdfootnoteanc") || attr_has(n, "class", "sdfootnotesym") ||
           attr_has(n, "class", "sdendnoteanc") || attr_has(n, "class", "sdendnotesym") ||
           attr_has(n, "class", "msocomanchor");
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

/* The name after "=" (spaces and quotes skipped) at s[k]: an encoding name's characters. */
static int charset_value(const unsigned char *s, size_t k, size_t end, char *out, size_t outsz)
{
    size_t o = 0;
    while (k < end && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'))
        k++;
    if (k >= end || s[k] != '=')
        return 0;
    k++;
    while (k < end && (s[k] == '"' || s[k] == '\'' || s[k] == ' ' || s[k] == '\t'))
        k++;
    while (k < end && o + 1 < outsz &&
           ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
            (s[k] >= '0' && s[k] <= '9') || s[k] == '-' || s[k] == '_' || s[k] == ':' ||
            s[k] == '.'))
        out[o++] = (char)s[k++];
    out[o] = '\0';
    return o > 0;
}

static size_t find_ci(const unsigned char *s, size_t end, size_t i, const char *pat)
{
    size_t k = strlen(pat);
    for (; i + k <= end; i++)
        if (strncasecmp((const char *)s + i, pat, k) == 0)
            return i;
    return end;
}

static int at_ci(const unsigned char *s, size_t end, size_t i, const char *pat)
{
    size_t k = strlen(pat);
    return i + k <= end && strncasecmp((const char *)s + i, pat, k) == 0;
}

/* An XML declaration's encoding (<?xml version="1.0" encoding="windows-1256"?> at the start:
 * an XHTML page may declare its encoding nowhere else). */
static int xml_charset(const unsigned char *s, size_t n, char *out, size_t outsz)
{
    if (n < 5 || memcmp(s, "<?xml", 5) != 0)
        return 0;
    size_t end = find_ci(s, n < 512 ? n : 512, 5, "?>");
    size_t k = find_ci(s, end, 5, "encoding");
    return k < end && charset_value(s, k + 8, end, out, outsz);
}

/* HTML_PRESCAN bytes are looked at for a <meta> declaration: far more than the 1024 of a
 * browser's prescan (a page may open with a long comment or a large <head>), and bounded so that
 * a page without one is not scanned whole. */
#define HTML_PRESCAN (64 * 1024)

/* charset=NAME of a <meta charset> or <meta http-equiv content="…; charset=…"> in the head:
 * comments are passed over (one may hold an old declaration), and the scan ends at <body> or
 * </head> or after HTML_PRESCAN bytes. */
static int meta_charset(const unsigned char *s, size_t n, char *out, size_t outsz)
{
    size_t look = n < HTML_PRESCAN ? n : HTML_PRESCAN;
    for (size_t i = 0; i < look; i++) {
        if (s[i] != '<')
            continue;
        if (at_ci(s, look, i, "<!--")) {
            size_t e = find_ci(s, look, i + 4, "-->");
            if (e >= look)
                return 0;
            i = e + 2;
            continue;
        }
        if (at_ci(s, look, i, "<body") || at_ci(s, look, i, "</head"))
            return 0;
        if (!at_ci(s, look, i, "<meta") || i + 5 >= look ||
            !(s[i + 5] == ' ' || s[i + 5] == '\t' || s[i + 5] == '\n' || s[i + 5] == '\r' ||
              s[i + 5] == '/'))
            continue;
        size_t end = find_ci(s, look, i, ">");
        for (size_t k = find_ci(s, end, i, "charset"); k < end;
             k = find_ci(s, end, k + 7, "charset"))
            if (charset_value(s, k + 7, end, out, outsz))
                return 1;
        i = end;
    }
    return 0;
}

/* The encoding a page declares (XML declaration, else <meta>), or NULL: UTF-8 is NULL too (the
 * default), ISO-8859-1 and US-ASCII are windows-1252 (what browsers do), and a UTF-16 or
 * UTF-32 name (Windows' "unicode" too) is not believed (it was read in ASCII bytes: the page is
 * not in it). A name ICU does not know is doc_decode's to pass over. */
static const char *declared_charset(const unsigned char *s, size_t n, char *cs, size_t cssz)
{
    if (!xml_charset(s, n, cs, cssz) && !meta_charset(s, n, cs, cssz))
        return NULL;
    if (strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
        strncasecmp(cs, "utf-16", 6) == 0 || strncasecmp(cs, "utf-32", 6) == 0 ||
        strncasecmp(cs, "unicode", 7) == 0 || strncasecmp(cs, "ucs-2", 5) == 0)
        return NULL;
    if (strcasecmp(cs, "iso-8859-1") == 0 || strcasecmp(cs, "us-ascii") == 0)
        return "windows-1252";
    return cs;
}

/* The '>' that ends the tag whose name ends before s[i] (quoted values passed over), or n. */
static size_t tag_end(const char *s, size_t n, size_t i)
{
    char q = 0;
    for (; i < n; i++) {
        if (q)
            q = s[i] == q ? 0 : q;
        else if (s[i] == '"' || s[i] == '\'')
            q = s[i];
        else if (s[i] == '>')
            return i;
    }
    return n;
}

/* Does s[i] open a void element's start tag? 1 when "/>" does not close it, 2 when it does, 0
 * when it is not one; *end = its '>' (i when it is not one, n when it has none: nothing after
 * it is rewritten then). The caller goes on after *end, so no byte is scanned twice. */
static int void_tag(const char *s, size_t n, size_t i, size_t *end)
{
    *end = i;
    if (s[i] != '<')
        return 0;
    for (const char *const *v = VOIDS; *v; v++) {
        size_t k = strlen(*v);
        if (i + 1 + k >= n || strncasecmp(s + i + 1, *v, k) != 0)
            continue;
        char c = s[i + 1 + k];
        if (c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            continue;
        *end = tag_end(s, n, i + 1 + k);
        return *end < n && s[*end - 1] == '/' ? 2 : 1;
    }
    return 0;
}

/* Close every void element's start tag ("<wbr>" → "<wbr />"), which libxml2's HTML parser
 * honours for any element: without it, each <wbr> of a long run nests in the one before and the
 * parser stops at its depth limit of 256, dropping the rest of the page. Only tags are touched
 * (" /" before their '>'; in <script> or a comment too, which are never text). *out is a new
 * buffer, or NULL when nothing needed it. */
static int close_void_tags(jisr_doc *d, const char *s, size_t n, char **out, size_t *out_len)
{
    size_t count = 0, end;
    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        int t = void_tag(s, n, i, &end);
        if (end >= n)
            break;
        count += t == 1;
        i = end;
    }
    if (!count)
        return 0;
    char *o = malloc(n + 2 * count + 1);
    if (!o)
        return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    size_t k = 0, from = 0;
    for (size_t i = 0; i < n; i++) {
        int t = void_tag(s, n, i, &end);
        if (end >= n)
            break;
        if (t == 1) {
            memcpy(o + k, s + from, end - from);
            k += end - from;
            o[k++] = ' ';
            o[k++] = '/';
            from = end; /* the '>' */
        }
        i = end;
    }
    memcpy(o + k, s + from, n - from);
    k += n - from;
    o[k] = '\0';
    *out = o;
    *out_len = k;
    return 0;
}

/* Move the children of every void element to just after it, as an HTML5 parser would have placed
 * them. Iterative, in document order: a run of <wbr> nests as deep as it is long, and each node
 * is moved at most once (to a parent that was visited before it), so this is linear. A void
 * element inside a skipped one (a hidden block, <object>) leaves its children inside it. */
static void hoist_void_children(xmlDoc *doc)
{
    xmlNode *top = (xmlNode *)doc, *n = doc->children;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && n->children && name_in(n, VOIDS)) {
            xmlNode *first = n->children, *last = n->last;
            for (xmlNode *k = first; k; k = k->next)
                k->parent = n->parent;
            last->next = n->next;
            if (n->next)
                n->next->prev = last;
            else
                n->parent->last = last;
            n->next = first;
            first->prev = n;
            n->children = n->last = NULL;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n != top && !n->next)
            n = n->parent;
        n = n == top ? NULL : n->next;
    }
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

/* Does s[i] start a start or end tag whose name has a namespace prefix ("<o:p>", "</st1:place")?
 * *colon = where the prefix ends. */
static int prefixed_tag(const char *s, size_t n, size_t i, size_t *colon)
{
    size_t k = i + 1 + (i + 1 < n && s[i + 1] == '/');
    if (k >= n || !((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
        return 0;
    while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                     (s[k] >= '0' && s[k] <= '9') || s[k] == '-' || s[k] == '_' || s[k] == '.'))
        k++;
    *colon = k;
    return k + 1 < n && s[k] == ':' && s[k + 1] != ' ' && s[k + 1] != '>' && s[k + 1] != '/';
}

/* Append s[from, to) with only its newlines (so that line numbers hold). */
static int keep_newlines(jisr_buf *b, const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] == '\n' && jisr_buf_append(b, "\n", 1) < 0)
            return -1;
    return 0;
}

/* Undo what libxml2's HTML 4 parser (2.9) does unlike a browser's HTML5 one, before it parses:
 *  - "<!" that opens neither a comment nor a DOCTYPE is a bogus comment up to the next '>', which
 *    browsers drop: Word's "Save as Web Page" brackets its list numbers with the downlevel-revealed
 *    conditionals <![if !supportLists]> … <![endif]> (the numbers between them are shown, the
 *    brackets not), and <![CDATA[…]]> in an HTML body is one too; libxml2 keeps them as text. In
 *    an XHTML document (an XML declaration first) a CDATA section is text, escaped here.
 *  - an element name with a namespace prefix (Word's <o:p>, <st1:place>) loses its prefix in
 *    libxml2's tree, so that <o:p> becomes a <p> that splits its paragraph; written "o-p", it is
 *    an unknown element, inline, its text kept, as a browser keeps it.
 * Comments and the raw text of <script> and <style> are copied untouched. Dropped markup leaves
 * its newlines, so that line numbers hold. *out is a new buffer, or NULL when nothing changed. */
static int browser_markup(jisr_doc *d, const char *s, size_t n, char **out, size_t *out_len)
{
    size_t k = 0, i = 0, from = 0, colon;
    int changed = 0;
    jisr_buf b = {0};
    while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'))
        k++;
    int xhtml = k + 5 <= n && memcmp(s + k, "<?xml", 5) == 0;
    *out = NULL;
    for (i = 0; i < n; i++) {
        if (s[i] != '<')
            continue;
        if (at_ci((const unsigned char *)s, n, i, "<!--")) {
            size_t e = find_from(s, n, i + 4, "-->");
            if (e >= n)
                break;
            i = e + 2;
            continue;
        }
        int script = at_ci((const unsigned char *)s, n, i, "<script");
        size_t t = i + (script ? 7 : 6);
        if ((script || at_ci((const unsigned char *)s, n, i, "<style")) && t < n &&
            (s[t] == '>' || s[t] == ' ' || s[t] == '\t' || s[t] == '\n' || s[t] == '\r' ||
             s[t] == '/')) {
            size_t e = find_ci((const unsigned char *)s, n, t, script ? "</script" : "</style");
            if (e >= n)
                break;
            i = e + 1;
            continue;
        }
        if (prefixed_tag(s, n, i, &colon)) {
            if (jisr_buf_append(&b, s + from, colon - from) < 0 || jisr_buf_append(&b, "-", 1) < 0)
                goto oom;
            from = colon + 1;
            changed = 1;
            continue;
        }
        if (i + 2 >= n || s[i + 1] != '!' || at_ci((const unsigned char *)s, n, i, "<!doctype"))
            continue;
        if (xhtml && at_ci((const unsigned char *)s, n, i, "<![CDATA[")) {
            size_t e = find_from(s, n, i + 9, "]]>");
            if (e >= n)
                break;
            if (jisr_buf_append(&b, s + from, i - from) < 0)
                goto oom;
            for (size_t q = i + 9; q < e; q++) {
                const char *esc = s[q] == '<' ? "&lt;" : s[q] == '&' ? "&amp;" : NULL;
                if (esc ? jisr_buf_append(&b, esc, strlen(esc)) < 0
                        : jisr_buf_append(&b, s + q, 1) < 0)
                    goto oom;
            }
            from = e + 3;
            i = e + 2;
            changed = 1;
            continue;
        }
        size_t e = i + 2;
        while (e < n && s[e] != '>')
            e++;
        if (e >= n)
            break;
        if (jisr_buf_append(&b, s + from, i - from) < 0 || keep_newlines(&b, s, i, e) < 0)
            goto oom;
        from = e + 1;
        i = e;
        changed = 1;
    }
    if (!changed) {
        jisr_buf_free(&b);
        return 0;
    }
    if (jisr_buf_append(&b, s + from, n - from) < 0)
        goto oom;
    *out_len = b.len;
    *out = b.data; /* NUL-terminated by jisr_buf */
    return 0;
oom:
    jisr_buf_free(&b);
    return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
}

int doc_html_read(jisr_doc *d, const unsigned char *data, size_t n)
{
    char cs[64];
    const char *enc = d->opts.encoding, *decl = NULL;
    int bom = n >= 2 && (memcmp(data, "\xFF\xFE", 2) == 0 || memcmp(data, "\xFE\xFF", 2) == 0 ||
                         (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0));
    if (!enc && !bom)
        decl = declared_charset(data, n, cs, sizeof cs);
    char *utf8 = NULL;
    size_t len = 0;
    int rc = doc_decode(d, data, n, enc, decl, &utf8, &len);
    if (rc < 0)
        return rc;
    blank_subset(utf8, len);
    char *fixed = NULL;
    size_t fixed_len = 0;
    if ((rc = browser_markup(d, utf8, len, &fixed, &fixed_len)) < 0) {
        free(utf8);
        return rc;
    }
    if (fixed) {
        free(utf8);
        utf8 = fixed;
        len = fixed_len;
    }
    char *closed = NULL;
    size_t closed_len = 0;
    if ((rc = close_void_tags(d, utf8, len, &closed, &closed_len)) < 0) {
        free(utf8);
        return rc;
    }
    if (closed) {
        free(utf8);
        utf8 = closed;
        len = closed_len;
    }
    if (len > (size_t)INT32_MAX) {
        free(utf8);
        return doc_error(d, JISR_ETOOBIG, NULL, 0, 0, "HTML larger than 2 GiB");
    }
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
    hoist_void_children(doc);
    hctx c = {0};
    c.d = d;
    rc = walk(&c, xmlDocGetRootElement(doc), 0);
    if (rc == 0)
        rc = flush(&c);
    jisr_buf_free(&c.text);
    xmlFreeDoc(doc);
    return rc;
}
