/*
 * xml.c — the XML reader the DOCX, ODT and XLIFF readers share: libxml2's xmlTextReader over a
 * byte source (a ZIP entry being inflated, a buffer), with the TMX reader's safety rules.
 *
 * XML_PARSE_NONET forbids network access; without XML_PARSE_DTDLOAD no external DTD or entity is
 * fetched; without XML_PARSE_NOENT entities are not substituted, so a reference to a declared
 * entity reaches us as an entity-reference node and is refused (no "billion laughs" in content;
 * in attribute values libxml2's own amplification check stops it). Depth is bounded
 * (DOC_XML_DEPTH_MAX). libxml2's errors come through the structured handler with line and
 * column; while a reader is open the thread's generic error function is a quiet one, so the
 * library never prints. The byte source is pulled in 64 KiB reads, so a part is never held
 * whole: memory stays bounded by the parser's own buffers plus what the format reader keeps.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "doc/doc_int.h"

static void quiet_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void on_error(void *arg, xmlErrorPtr e)
{
    doc_xml *x = arg;
    if (!e || e->level < XML_ERR_ERROR || x->err)
        return;
    x->err = JISR_EPARSE;
    x->err_line = e->line > 0 ? (unsigned long)e->line : 0;
    x->err_col = e->int2 > 0 ? (unsigned long)e->int2 : 0;
    if (e->code == XML_ERR_INTERNAL_ERROR && e->message &&
        strstr(e->message, "Excessive depth")) { /* libxml2's limit, met before ours is read */
        x->err = JISR_ETOOBIG;
        snprintf(x->err_msg, sizeof x->err_msg, "elements nested deeper than %d levels",
                 DOC_XML_DEPTH_MAX);
        return;
    }
    snprintf(x->err_msg, sizeof x->err_msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(x->err_msg);
    while (n && (x->err_msg[n - 1] == '\n' || x->err_msg[n - 1] == ' '))
        x->err_msg[--n] = '\0';
}

static int io_read(void *ctx, char *buf, int len)
{
    doc_xml *x = ctx;
    int got = x->read(x->ctx, buf, len);
    if (got > 0)
        x->bytes += (uint64_t)got;
    return got;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

typedef struct mem_src {
    const char *p;
    size_t n, pos;
} mem_src;

static int mem_read(void *ctx, char *buf, int len)
{
    mem_src *m = ctx;
    size_t k = m->n - m->pos;
    if (k > (size_t)len)
        k = (size_t)len;
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (int)k;
}

int doc_xml_open(doc_xml *x, jisr_doc *d, const char *part, int (*read)(void *, char *, int),
                 void *ctx)
{
    memset(x, 0, sizeof *x);
    x->d = d;
    x->part = part;
    x->read = read;
    x->ctx = ctx;
    x->saved_fn = xmlGenericError;
    x->saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    x->r = xmlReaderForIO(io_read, io_close, x, part ? part : d->name, NULL,
                          XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
    if (!x->r) {
        xmlSetGenericErrorFunc(x->saved_ctx, x->saved_fn);
        x->saved_fn = NULL;
        return doc_error(d, JISR_ENOMEM, part, 0, 0, "cannot start the XML parser");
    }
    xmlTextReaderSetStructuredErrorHandler(x->r, on_error, x);
    return 0;
}

int doc_xml_open_memory(doc_xml *x, jisr_doc *d, const char *part, const void *data, size_t n)
{
    mem_src *m = malloc(sizeof *m);
    if (!m)
        return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    m->p = data;
    m->n = n;
    m->pos = 0;
    int rc = doc_xml_open(x, d, part, mem_read, m);
    if (rc < 0) {
        free(m);
        return rc;
    }
    x->owned_src = m;
    return 0;
}

void doc_xml_pos(doc_xml *x, unsigned long *line, unsigned long *col)
{
    /* the current node's own line when the tree has it (the parser reads ahead) */
    xmlNodePtr n = x->r ? xmlTextReaderCurrentNode(x->r) : NULL;
    long nl = n ? xmlGetLineNo(n) : -1;
    if (nl > 0) {
        *line = (unsigned long)nl;
        *col = 0;
        return;
    }
    int l = x->r ? xmlTextReaderGetParserLineNumber(x->r) : 0;
    int c = x->r ? xmlTextReaderGetParserColumnNumber(x->r) : 0;
    *line = l > 0 ? (unsigned long)l : 0;
    *col = c > 0 ? (unsigned long)c : 0;
}

static void parser_pos(doc_xml *x, unsigned long *line, unsigned long *col)
{
    int l = xmlTextReaderGetParserLineNumber(x->r), c = xmlTextReaderGetParserColumnNumber(x->r);
    *line = l > 0 ? (unsigned long)l : 0;
    *col = c > 0 ? (unsigned long)c : 0;
}

int doc_xml_next(doc_xml *x)
{
    if (x->d->err)
        return x->d->err;
    int rc = fmt_xml_read(&x->refs, x->r);
    if (x->err || rc < 0) {
        if (x->d->err)
            return x->d->err;
        unsigned long line = x->err_line, col = x->err_col;
        if (!x->err)
            parser_pos(x, &line, &col);
        return doc_error(x->d, x->err == JISR_ETOOBIG ? JISR_ETOOBIG : JISR_EPARSE, x->part,
                         line ? line : 1, col ? col : 1, "%s",
                         x->err ? x->err_msg : "malformed XML");
    }
    if (rc == 0)
        return 0;
    int type = xmlTextReaderNodeType(x->r);
    if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
        unsigned long line, col;
        if (!fmt_xml_ref_pos(&x->refs, x->r, &line, &col)) /* its '&', else where reading is */
            parser_pos(x, &line, &col);
        const xmlChar *nm = xmlTextReaderConstName(x->r);
        return doc_error(x->d, JISR_EPARSE, x->part, line, col,
                         "reference to entity '&%s;' (not expanded for safety)",
                         nm ? (const char *)nm : "?");
    }
    const char *ent, *attr;
    unsigned long aline, acol;
    if (type == XML_READER_TYPE_ELEMENT &&
        fmt_xml_attr_ref(&x->refs, x->r, &ent, &attr, &aline, &acol))
        return doc_error(x->d, JISR_EPARSE, x->part, aline, acol,
                         "reference to entity '&%s;' in attribute %s of the start tag ending "
                         "here (not expanded for safety)",
                         ent, attr);
    if (type == XML_READER_TYPE_ELEMENT && xmlTextReaderDepth(x->r) >= DOC_XML_DEPTH_MAX) {
        unsigned long line, col;
        parser_pos(x, &line, &col);
        return doc_error(x->d, JISR_ETOOBIG, x->part, line, col,
                         "elements nested deeper than %d levels", DOC_XML_DEPTH_MAX);
    }
    return 1;
}

int doc_xml_node(doc_xml *x, const char **local, const char **ns)
{
    const xmlChar *l = xmlTextReaderConstLocalName(x->r);
    const xmlChar *u = xmlTextReaderConstNamespaceUri(x->r);
    if (local)
        *local = l ? (const char *)l : "";
    if (ns)
        *ns = u ? (const char *)u : "";
    switch (xmlTextReaderNodeType(x->r)) {
    case XML_READER_TYPE_ELEMENT:
        return xmlTextReaderIsEmptyElement(x->r) ? 3 : 1;
    case XML_READER_TYPE_END_ELEMENT:
        return 2;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        return 4;
    default:
        return 0;
    }
}

char *doc_xml_attr(doc_xml *x, const char *qname)
{
    xmlChar *v = xmlTextReaderGetAttribute(x->r, (const xmlChar *)qname);
    if (!v)
        return NULL;
    char *s = jisr_strdup((const char *)v);
    xmlFree(v);
    return s;
}

void doc_xml_close(doc_xml *x)
{
    if (x->r)
        xmlFreeTextReader(x->r);
    x->r = NULL;
    free(x->owned_src);
    x->owned_src = NULL;
    if (x->saved_fn)
        xmlSetGenericErrorFunc(x->saved_ctx, x->saved_fn);
    x->saved_fn = NULL;
}
