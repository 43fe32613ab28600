/*
 * tmx_read.c — streaming TMX 1.1–1.4b reader on libxml2's xmlTextReader.
 *
 * Why a pull reader: it keeps one node in memory at a time, so a multi-GB memory is read in
 * constant space, and unit boundaries map directly onto our loop. Why these parser options:
 * XML_PARSE_NONET forbids network access; without XML_PARSE_DTDLOAD no external DTD or entity is
 * ever fetched (XXE); without XML_PARSE_NOENT entities are not substituted, and any reference to
 * a non-predefined entity (the only way an internal-subset "billion laughs" could reach the
 * content) is rejected as an error; without XML_PARSE_HUGE libxml2 keeps its own limits on node
 * size and depth, and we add tighter ones (JISR_SEG_MAX, JISR_DEPTH_MAX). libxml2 decodes
 * UTF-16 with a BOM and declared legacy encodings (ISO-8859-1, windows-1256) itself.
 *
 * Inline elements of a <seg> (bpt ept it ph ut) become one placeholder each whose tag is the
 * element re-serialised (content and <sub> included). <hi> becomes two placeholders, its
 * opening and closing tag, so the highlighted words stay in the matchable text. A literal
 * private-use character of the file (U+E000–U+F8FF, which would collide with placeholders)
 * becomes a placeholder whose tag is its character reference. Writers put every tag back, so a
 * round trip is lossless up to XML-equivalent spelling (quote style, attribute spacing).
 *
 * Errors: the first libxml2 error is captured through a structured handler (so nothing is
 * printed) with its line and column. Structural errors (a <tuv> without language …) name the
 * line of the offending element; the column is where the parser stood on that line, or 1 when
 * the parser had already moved past it (xmlTextReader reads ahead in chunks and nodes do not
 * record columns). With JISR_READ_SKIP_BAD a structural error skips its <tu>; a well-formedness
 * error ends the file, since XML offers no way to resynchronise.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "formats/formats_int.h"

typedef struct tmx_reader {
    xmlTextReaderPtr xr;
    FILE *f;
    jisr_reader *r;
    /* first libxml2 error */
    int xml_err;
    unsigned long err_line, err_col;
    char err_msg[512];
    char generic_msg[256]; /* an error libxml2 reported without a context */
    int done;
    int in_root;   /* inside the root element: the document is not finished */
    jisr_buf text; /* segment text being built */
    jisr_buf tag;  /* inline element being serialised */
    jisr_buf val;  /* element text (prop, note) */
} tmx_reader;

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    tmx_reader *t = arg;
    if (!e || e->level < XML_ERR_ERROR || t->xml_err)
        return;
    t->xml_err = 1;
    t->err_line = e->line > 0 ? (unsigned long)e->line : 0;
    t->err_col = e->int2 > 0 ? (unsigned long)e->int2 : 0;
    /* inside an entity's replacement text libxml2 counts lines from the entity: report where
     * the document itself stands instead */
    if (!e->file && t->xr) {
        t->err_line = (unsigned long)xmlTextReaderGetParserLineNumber(t->xr);
        t->err_col = (unsigned long)xmlTextReaderGetParserColumnNumber(t->xr);
    }
    snprintf(t->err_msg, sizeof t->err_msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(t->err_msg);
    while (n && (t->err_msg[n - 1] == '\n' || t->err_msg[n - 1] == ' '))
        t->err_msg[--n] = '\0';
}

/* libxml2 reports some errors (encoding conversion, I/O) without a parser context, through the
 * thread's generic error function, which prints to stderr by default. The library must not
 * print: while our parser runs, that function is ours and records the message; the caller's
 * function is restored afterwards. */
static void on_generic_error(void *arg, const char *fmt, ...)
{
    tmx_reader *t = arg;
    if (t->xml_err || t->generic_msg[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->generic_msg, sizeof t->generic_msg, fmt, ap);
    va_end(ap);
}

typedef struct saved_handler {
    xmlGenericErrorFunc fn;
    void *ctx;
} saved_handler;

static saved_handler quiet(tmx_reader *t)
{
    saved_handler s = {xmlGenericError, xmlGenericErrorContext};
    xmlSetGenericErrorFunc(t, on_generic_error);
    return s;
}

static void unquiet(saved_handler s)
{
    xmlSetGenericErrorFunc(s.ctx, s.fn);
}

static int io_read(void *ctx, char *buf, int len)
{
    tmx_reader *t = ctx;
    size_t n = fread(buf, 1, (size_t)len, t->f);
    if (n == 0 && ferror(t->f))
        return -1;
    t->r->bytes += n;
    return (int)n;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/* Where the current node is: its line, and the parser's column when it still stands there. */
static void node_pos(tmx_reader *t, unsigned long *line, unsigned long *col)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(t->xr);
    long nl = n ? xmlGetLineNo(n) : -1;
    long pl = xmlTextReaderGetParserLineNumber(t->xr);
    long pc = xmlTextReaderGetParserColumnNumber(t->xr);
    if (nl <= 0) {
        *line = pl > 0 ? (unsigned long)pl : 0;
        *col = pc > 0 ? (unsigned long)pc : 0;
        return;
    }
    *line = (unsigned long)nl;
    *col = (pl == nl && pc > 0) ? (unsigned long)pc : 1;
}

static int fail(tmx_reader *t, int code, const char *fmt, const char *a, const char *b)
{
    unsigned long line, col;
    char msg[600];
    node_pos(t, &line, &col);
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    return jisr_error_set(code, t->r->path, line, col, "%s", msg);
}

/* One step of the pull parser: 1 = a node, 0 = end of document, <0 = error. */
static int step(tmx_reader *t)
{
    int rc = xmlTextReaderRead(t->xr);
    if (rc == 1) {
        if (xmlTextReaderDepth(t->xr) == 0)
            t->in_root = xmlTextReaderNodeType(t->xr) == XML_READER_TYPE_ELEMENT &&
                         !xmlTextReaderIsEmptyElement(t->xr);
        if (xmlTextReaderDepth(t->xr) > JISR_DEPTH_MAX)
            return fail(t, JISR_ETOOBIG, "elements nested deeper than %s levels%s", "48", "");
        if (xmlTextReaderNodeType(t->xr) == XML_READER_TYPE_ENTITY_REFERENCE)
            return fail(t, JISR_EPARSE,
                        "reference to entity '&%s;' (TMX files declare no entities; not expanded "
                        "for safety)%s",
                        (const char *)xmlTextReaderConstName(t->xr), "");
        return 1;
    }
    t->done = 1;
    /* an encoding or I/O error may end the document early without a parser error */
    if (rc == 0 && !t->xml_err && !t->generic_msg[0])
        return 0;
    /* at the end of an unfinished document libxml2's reader says "Extra content at the end of
     * the document"; say what happened instead */
    if (t->xml_err && t->in_root && strstr(t->err_msg, "Extra content at the end"))
        return jisr_error_set(JISR_EPARSE, t->r->path, t->err_line, t->err_col,
                              "the document ends before </tmx> (truncated file?)");
    if (t->xml_err)
        return jisr_error_set(JISR_EPARSE, t->r->path, t->err_line, t->err_col, "%s", t->err_msg);
    size_t n = strlen(t->generic_msg);
    while (n && (t->generic_msg[n - 1] == '\n' || t->generic_msg[n - 1] == ' '))
        t->generic_msg[--n] = '\0';
    return jisr_error_set(JISR_EPARSE, t->r->path,
                          (unsigned long)xmlTextReaderGetParserLineNumber(t->xr),
                          (unsigned long)xmlTextReaderGetParserColumnNumber(t->xr), "%s",
                          t->generic_msg[0] ? t->generic_msg : "malformed XML");
}

static int name_is(tmx_reader *t, const char *n)
{
    const xmlChar *name = xmlTextReaderConstName(t->xr);
    return name && strcmp((const char *)name, n) == 0;
}

static int type_of(tmx_reader *t)
{
    return xmlTextReaderNodeType(t->xr);
}

static int set_attr(char **slot, const char *v)
{
    free(*slot);
    *slot = jisr_strdup(v);
    return *slot ? 0 : JISR_ENOMEM;
}

/* Attributes shared by <header>, <tu> and <tuv>; returns 1 when the name was one of them. */
static int meta_attr(jisr_meta *m, const char *name, const char *v, int *rc)
{
    char **slot = NULL;
    if (strcmp(name, "creationdate") == 0)
        slot = &m->creationdate;
    else if (strcmp(name, "creationid") == 0)
        slot = &m->creationid;
    else if (strcmp(name, "changedate") == 0)
        slot = &m->changedate;
    else if (strcmp(name, "changeid") == 0)
        slot = &m->changeid;
    else if (strcmp(name, "lastusagedate") == 0)
        slot = &m->lastusagedate;
    else if (strcmp(name, "creationtool") == 0)
        slot = &m->creationtool;
    else if (strcmp(name, "creationtoolversion") == 0)
        slot = &m->creationtoolversion;
    else if (strcmp(name, "datatype") == 0)
        slot = &m->datatype;
    else if (strcmp(name, "o-encoding") == 0)
        slot = &m->o_encoding;
    else if (strcmp(name, "o-tmf") == 0)
        slot = &m->o_tmf;
    else if (strcmp(name, "segtype") == 0)
        slot = &m->segtype;
    else if (strcmp(name, "usagecount") == 0) {
        char *end;
        long n = strtol(v, &end, 10);
        m->usagecount = (end != v && n >= 0) ? n : -1;
        *rc = 0;
        return 1;
    }
    if (!slot)
        return 0;
    *rc = set_attr(slot, v);
    return 1;
}

/* Read the text content of a leaf element (prop, note) into t->val; the reader ends on its end
 * tag. */
static int leaf_text(tmx_reader *t)
{
    int rc;
    jisr_buf_reset(&t->val);
    if (jisr_buf_append(&t->val, "", 0) < 0)
        return JISR_ENOMEM;
    if (xmlTextReaderIsEmptyElement(t->xr))
        return 0;
    int depth = xmlTextReaderDepth(t->xr);
    while ((rc = step(t)) == 1) {
        int ty = type_of(t);
        if (ty == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(t->xr) == depth)
            return 0;
        if (ty == XML_READER_TYPE_TEXT || ty == XML_READER_TYPE_CDATA ||
            ty == XML_READER_TYPE_WHITESPACE || ty == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            const char *v = (const char *)xmlTextReaderConstValue(t->xr);
            if ((rc = jisr_buf_puts(&t->val, v ? v : "")) < 0)
                return rc;
            if (t->val.len > JISR_SEG_MAX)
                return fail(t, JISR_ETOOBIG, "text longer than 1 MiB%s%s", "", "");
        } else if (ty == XML_READER_TYPE_ELEMENT) {
            return fail(t, JISR_EPARSE, "unexpected element <%s> inside a property or note%s",
                        (const char *)xmlTextReaderConstName(t->xr), "");
        }
    }
    return rc < 0 ? rc : fail(t, JISR_EPARSE, "unexpected end of file%s%s", "", "");
}

/* <prop> or <note>, the reader on its start tag. */
static int read_prop(tmx_reader *t, jisr_meta *m, int is_note)
{
    int rc;
    size_t *n = is_note ? &m->nnotes : &m->nprops;
    jisr_prop **arr = is_note ? &m->notes : &m->props;
    if (*n >= JISR_PROPS_MAX)
        return fail(t, JISR_ETOOBIG, "more than 4096 %s elements%s", is_note ? "note" : "prop", "");
    if ((rc = jisr_grow((void **)arr, *n, sizeof **arr)) < 0)
        return rc;
    jisr_prop *p = &(*arr)[*n];
    memset(p, 0, sizeof *p);
    (*n)++;
    while (xmlTextReaderMoveToNextAttribute(t->xr) == 1) {
        const char *an = (const char *)xmlTextReaderConstName(t->xr);
        const char *av = (const char *)xmlTextReaderConstValue(t->xr);
        if (!an || !av)
            continue;
        if (!is_note && strcmp(an, "type") == 0)
            rc = set_attr(&p->type, av);
        else if (strcmp(an, "xml:lang") == 0 || (strcmp(an, "lang") == 0 && !p->lang))
            rc = set_attr(&p->lang, av);
        if (rc < 0)
            return rc;
    }
    xmlTextReaderMoveToElement(t->xr);
    /* the DTD requires a type; a prop without one gets "" (what the writer must write) */
    if (!is_note && !p->type && !(p->type = jisr_strdup("")))
        return JISR_ENOMEM;
    if ((rc = leaf_text(t)) < 0)
        return rc;
    p->value = jisr_strndup(t->val.data, t->val.len);
    return p->value ? 0 : JISR_ENOMEM;
}

/* Escape text for element content (quote = 0) or a double-quoted attribute (quote = 1). A CR
 * becomes &#13; so that XML's line-end normalisation cannot turn it into a newline. */
int jisr_xml_escape(jisr_buf *b, const char *s, size_t n, int quote);
int jisr_xml_escape(jisr_buf *b, const char *s, size_t n, int quote)
{
    size_t start = 0;
    int rc;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        case '"':
            rep = quote ? "&quot;" : NULL;
            break;
        case '\t':
            rep = quote ? "&#9;" : NULL;
            break;
        case '\n':
            rep = quote ? "&#10;" : NULL;
            break;
        default:
            break;
        }
        if (!rep)
            continue;
        if ((rc = jisr_buf_append(b, s + start, i - start)) < 0 || (rc = jisr_buf_puts(b, rep)) < 0)
            return rc;
        start = i + 1;
    }
    return jisr_buf_append(b, s + start, n - start);
}

/* Serialise the start tag of the current element into b (attributes re-escaped). */
static int ser_start(tmx_reader *t, jisr_buf *b, int empty)
{
    int rc;
    if ((rc = jisr_buf_putc(b, '<')) < 0 ||
        (rc = jisr_buf_puts(b, (const char *)xmlTextReaderConstName(t->xr))) < 0)
        return rc;
    while (xmlTextReaderMoveToNextAttribute(t->xr) == 1) {
        const char *an = (const char *)xmlTextReaderConstName(t->xr);
        const char *av = (const char *)xmlTextReaderConstValue(t->xr);
        if (!an || !av)
            continue;
        if ((rc = jisr_buf_putc(b, ' ')) < 0 || (rc = jisr_buf_puts(b, an)) < 0 ||
            (rc = jisr_buf_puts(b, "=\"")) < 0 ||
            (rc = jisr_xml_escape(b, av, strlen(av), 1)) < 0 || (rc = jisr_buf_putc(b, '"')) < 0)
            return rc;
    }
    xmlTextReaderMoveToElement(t->xr);
    return jisr_buf_puts(b, empty ? "/>" : ">");
}

static int is_inline(const char *n)
{
    return strcmp(n, "bpt") == 0 || strcmp(n, "ept") == 0 || strcmp(n, "it") == 0 ||
           strcmp(n, "ph") == 0 || strcmp(n, "ut") == 0 || strcmp(n, "hi") == 0;
}

/* Serialise a whole inline element (bpt ept it ph ut, with any <sub>) into t->tag. */
static int ser_element(tmx_reader *t)
{
    int rc;
    jisr_buf_reset(&t->tag);
    int empty = xmlTextReaderIsEmptyElement(t->xr);
    if ((rc = ser_start(t, &t->tag, empty)) < 0 || empty)
        return rc;
    int depth = xmlTextReaderDepth(t->xr);
    while ((rc = step(t)) == 1) {
        int ty = type_of(t);
        const char *name = (const char *)xmlTextReaderConstName(t->xr);
        if (ty == XML_READER_TYPE_ELEMENT) {
            if (strcmp(name, "sub") != 0 && !is_inline(name))
                return fail(t, JISR_EPARSE, "unexpected element <%s> inside inline markup%s", name,
                            "");
            if ((rc = ser_start(t, &t->tag, xmlTextReaderIsEmptyElement(t->xr))) < 0)
                return rc;
        } else if (ty == XML_READER_TYPE_END_ELEMENT) {
            if ((rc = jisr_buf_puts(&t->tag, "</")) < 0 ||
                (rc = jisr_buf_puts(&t->tag, name)) < 0 || (rc = jisr_buf_putc(&t->tag, '>')) < 0)
                return rc;
            if (xmlTextReaderDepth(t->xr) == depth)
                return 0;
        } else if (ty == XML_READER_TYPE_TEXT || ty == XML_READER_TYPE_CDATA ||
                   ty == XML_READER_TYPE_WHITESPACE ||
                   ty == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            const char *v = (const char *)xmlTextReaderConstValue(t->xr);
            if (v && (rc = jisr_xml_escape(&t->tag, v, strlen(v), 0)) < 0)
                return rc;
        }
        if (t->tag.len > JISR_SEG_MAX)
            return fail(t, JISR_ETOOBIG, "inline element longer than 1 MiB%s%s", "", "");
    }
    return rc < 0 ? rc : fail(t, JISR_EPARSE, "unexpected end of file%s%s", "", "");
}

static int add_placeholder(tmx_reader *t, jisr_variant *v, const char *xml, size_t len)
{
    int rc;
    if (v->ntags >= JISR_TAG_MAX)
        return fail(t, JISR_ETOOBIG, "more than 6400 inline tags in one segment%s%s", "", "");
    if ((rc = jisr_variant_add_tag(v, xml, len)) < 0)
        return rc;
    return jisr_utf8_put(&t->text, JISR_TAG_BASE + (unsigned)(v->ntags - 1));
}

/* Append segment text, turning literal private-use characters into placeholders. */
static int seg_text(tmx_reader *t, jisr_variant *v, const char *s)
{
    int rc;
    size_t n = strlen(s), start = 0;
    for (size_t i = 0; i + 2 < n; i++) {
        if ((unsigned char)s[i] < 0xEE) /* fast path: not a lead byte of U+E000–U+FFFF */
            continue;
        long ph = jisr_placeholder_at(s, n, i);
        if (ph < 0)
            continue;
        char ref[16];
        snprintf(ref, sizeof ref, "&#x%X;", (unsigned)(JISR_TAG_BASE + (unsigned long)ph));
        if ((rc = jisr_buf_append(&t->text, s + start, i - start)) < 0 ||
            (rc = add_placeholder(t, v, ref, strlen(ref))) < 0)
            return rc;
        i += 2;
        start = i + 1;
    }
    if ((rc = jisr_buf_append(&t->text, s + start, n - start)) < 0)
        return rc;
    if (t->text.len > JISR_SEG_MAX)
        return fail(t, JISR_ETOOBIG, "segment longer than 1 MiB%s%s", "", "");
    return 0;
}

/* <seg>, the reader on its start tag; fills v->text and v->tags. */
static int read_seg(tmx_reader *t, jisr_variant *v)
{
    int rc;
    jisr_buf_reset(&t->text);
    if (jisr_buf_append(&t->text, "", 0) < 0)
        return JISR_ENOMEM;
    if (!xmlTextReaderIsEmptyElement(t->xr)) {
        int depth = xmlTextReaderDepth(t->xr);
        for (;;) {
            if ((rc = step(t)) <= 0)
                return rc < 0 ? rc : fail(t, JISR_EPARSE, "unexpected end of file%s%s", "", "");
            int ty = type_of(t);
            const char *name = (const char *)xmlTextReaderConstName(t->xr);
            if (ty == XML_READER_TYPE_END_ELEMENT) {
                if (xmlTextReaderDepth(t->xr) == depth)
                    break;
                /* the end of a <hi> */
                if ((rc = add_placeholder(t, v, "</hi>", 5)) < 0)
                    return rc;
            } else if (ty == XML_READER_TYPE_ELEMENT) {
                if (!is_inline(name))
                    return fail(t, JISR_EPARSE, "unexpected element <%s> inside <seg>%s", name, "");
                if (strcmp(name, "hi") == 0) {
                    int empty = xmlTextReaderIsEmptyElement(t->xr);
                    jisr_buf_reset(&t->tag);
                    if ((rc = ser_start(t, &t->tag, 0)) < 0 ||
                        (rc = add_placeholder(t, v, t->tag.data, t->tag.len)) < 0)
                        return rc;
                    if (empty && (rc = add_placeholder(t, v, "</hi>", 5)) < 0)
                        return rc;
                } else {
                    if ((rc = ser_element(t)) < 0 ||
                        (rc = add_placeholder(t, v, t->tag.data, t->tag.len)) < 0)
                        return rc;
                }
            } else if (ty == XML_READER_TYPE_TEXT || ty == XML_READER_TYPE_CDATA ||
                       ty == XML_READER_TYPE_WHITESPACE ||
                       ty == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
                const char *val = (const char *)xmlTextReaderConstValue(t->xr);
                if (val && (rc = seg_text(t, v, val)) < 0)
                    return rc;
            }
        }
    }
    char *s = jisr_strndup(t->text.data, t->text.len);
    if (!s)
        return JISR_ENOMEM;
    free(v->text);
    v->text = s;
    return 0;
}

/* <tuv>, the reader on its start tag. */
static int read_tuv(tmx_reader *t, jisr_unit *u)
{
    int rc = 0;
    if (u->nvariants >= JISR_VARIANTS_MAX)
        return fail(t, JISR_ETOOBIG, "more than 4096 <tuv> in one <tu>%s%s", "", "");
    jisr_variant *v;
    if ((rc = jisr_unit_add_variant(u, "", "", 0, &v)) < 0)
        return rc;
    free(v->lang);
    v->lang = NULL;
    int have_xml_lang = 0;
    while (xmlTextReaderMoveToNextAttribute(t->xr) == 1) {
        const char *an = (const char *)xmlTextReaderConstName(t->xr);
        const char *av = (const char *)xmlTextReaderConstValue(t->xr);
        if (!an || !av)
            continue;
        if (strcmp(an, "xml:lang") == 0) {
            rc = set_attr(&v->lang, av);
            have_xml_lang = 1;
        } else if (strcmp(an, "lang") == 0) { /* TMX 1.1 */
            if (!have_xml_lang)
                rc = set_attr(&v->lang, av);
        } else {
            meta_attr(&v->meta, an, av, &rc);
        }
        if (rc < 0)
            return rc;
    }
    xmlTextReaderMoveToElement(t->xr);
    if (!v->lang || !v->lang[0])
        return fail(t, JISR_EPARSE, "<tuv> without a language (xml:lang or lang)%s%s", "", "");
    if (xmlTextReaderIsEmptyElement(t->xr))
        return fail(t, JISR_EPARSE, "<tuv xml:lang=\"%s\"> has no <seg>%s", v->lang, "");
    int depth = xmlTextReaderDepth(t->xr), segs = 0;
    for (;;) {
        if ((rc = step(t)) <= 0)
            return rc < 0 ? rc : fail(t, JISR_EPARSE, "unexpected end of file%s%s", "", "");
        int ty = type_of(t);
        if (ty == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(t->xr) == depth)
            break;
        if (ty != XML_READER_TYPE_ELEMENT)
            continue;
        /* v may move when u->variants grows, but variants are only added between tuvs */
        if (name_is(t, "seg")) {
            if (segs++)
                return fail(t, JISR_EPARSE, "<tuv xml:lang=\"%s\"> has more than one <seg>%s",
                            v->lang, "");
            rc = read_seg(t, v);
        } else if (name_is(t, "prop")) {
            rc = read_prop(t, &v->meta, 0);
        } else if (name_is(t, "note")) {
            rc = read_prop(t, &v->meta, 1);
        } else {
            return fail(t, JISR_EPARSE, "unexpected element <%s> inside <tuv>%s",
                        (const char *)xmlTextReaderConstName(t->xr), "");
        }
        if (rc < 0)
            return rc;
    }
    if (!segs)
        return fail(t, JISR_EPARSE, "<tuv xml:lang=\"%s\"> has no <seg>%s", v->lang, "");
    return 0;
}

/* <tu>, the reader on its start tag. */
static int read_tu(tmx_reader *t, jisr_unit *u)
{
    int rc = 0;
    unsigned long line, col;
    node_pos(t, &line, &col);
    u->line = line;
    u->col = col;
    while (xmlTextReaderMoveToNextAttribute(t->xr) == 1) {
        const char *an = (const char *)xmlTextReaderConstName(t->xr);
        const char *av = (const char *)xmlTextReaderConstValue(t->xr);
        if (!an || !av)
            continue;
        if (strcmp(an, "tuid") == 0)
            rc = set_attr(&u->tuid, av);
        else if (strcmp(an, "srclang") == 0)
            rc = set_attr(&u->srclang, av);
        else
            meta_attr(&u->meta, an, av, &rc);
        if (rc < 0)
            return rc;
    }
    xmlTextReaderMoveToElement(t->xr);
    if (xmlTextReaderIsEmptyElement(t->xr))
        return fail(t, JISR_EPARSE, "<tu> has no <tuv>%s%s", "", "");
    int depth = xmlTextReaderDepth(t->xr);
    for (;;) {
        if ((rc = step(t)) <= 0)
            return rc < 0 ? rc : fail(t, JISR_EPARSE, "unexpected end of file%s%s", "", "");
        int ty = type_of(t);
        if (ty == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(t->xr) == depth)
            break;
        if (ty == XML_READER_TYPE_TEXT) {
            return fail(t, JISR_EPARSE, "text outside <seg> inside <tu>%s%s", "", "");
        }
        if (ty != XML_READER_TYPE_ELEMENT)
            continue;
        if (name_is(t, "tuv"))
            rc = read_tuv(t, u);
        else if (name_is(t, "prop"))
            rc = read_prop(t, &u->meta, 0);
        else if (name_is(t, "note"))
            rc = read_prop(t, &u->meta, 1);
        else
            return fail(t, JISR_EPARSE, "unexpected element <%s> inside <tu>%s",
                        (const char *)xmlTextReaderConstName(t->xr), "");
        if (rc < 0)
            return rc;
    }
    if (u->nvariants == 0)
        return fail(t, JISR_EPARSE, "<tu> has no <tuv>%s%s", "", "");
    return 0;
}

/* After a structural error inside a <tu> at depth tu_depth: move past its end tag. */
static int skip_past(tmx_reader *t, int tu_depth)
{
    int rc;
    if (type_of(t) == XML_READER_TYPE_ELEMENT && xmlTextReaderDepth(t->xr) == tu_depth &&
        xmlTextReaderIsEmptyElement(t->xr))
        return 0;
    if (type_of(t) == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(t->xr) == tu_depth)
        return 0;
    while ((rc = step(t)) == 1)
        if (type_of(t) == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(t->xr) == tu_depth)
            return 0;
    return rc < 0 ? rc : 0;
}

static int tmx_next_inner(jisr_reader *r, jisr_unit *u)
{
    tmx_reader *t = r->impl;
    int rc;
    jisr_unit_clear(u);
    while (!t->done) {
        if ((rc = step(t)) <= 0) {
            if (rc < 0 && (r->flags & JISR_READ_SKIP_BAD)) {
                jisr_reader_bad(r);
                return 0;
            }
            return rc;
        }
        int ty = type_of(t);
        int depth = xmlTextReaderDepth(t->xr);
        if (ty != XML_READER_TYPE_ELEMENT)
            continue;
        if (depth == 2 && name_is(t, "tu")) {
            rc = read_tu(t, u);
            if (rc == 0)
                return 1;
            if (!(r->flags & JISR_READ_SKIP_BAD))
                return rc;
            jisr_error err = *jisr_error_last();
            int fatal = t->done || t->xml_err;
            jisr_unit_clear(u);
            if (!fatal && skip_past(t, 2) < 0)
                fatal = 1;
            jisr_error_set(err.code, err.file, err.line, err.col, "%s", err.msg);
            jisr_reader_bad(r);
            if (fatal)
                return 0;
            continue;
        }
        if (depth == 1 && name_is(t, "body"))
            continue;
        rc = fail(t, JISR_EPARSE, "unexpected element <%s> in <%s>",
                  (const char *)xmlTextReaderConstName(t->xr), depth == 2 ? "body" : "tmx");
        if (!(r->flags & JISR_READ_SKIP_BAD))
            return rc;
        if (skip_past(t, depth) < 0) {
            jisr_reader_bad(r);
            return 0;
        }
        jisr_reader_bad(r);
    }
    return 0;
}

/* Root and header: on return the reader stands on <body> (or the document has ended). */
static int read_prologue(tmx_reader *t)
{
    int rc;
    jisr_header *h = &t->r->header;
    /* root element */
    for (;;) {
        if ((rc = step(t)) < 0) {
            /* libxml2's reader words an empty document oddly ("Extra content at the end") */
            jisr_error e = *jisr_error_last();
            if (strstr(e.msg, "Extra content at the end") || strstr(e.msg, "Document is empty"))
                jisr_error_set(rc, e.file, e.line, e.col,
                               "no <tmx> root element: empty or not XML");
            return rc;
        }
        if (rc == 0)
            return jisr_error_set(JISR_EPARSE, t->r->path, 0, 0, "empty document: no <tmx>");
        if (type_of(t) == XML_READER_TYPE_ELEMENT)
            break;
    }
    if (!name_is(t, "tmx"))
        return fail(t, JISR_EPARSE, "not a TMX file: the root element is <%s>, not <tmx>%s",
                    (const char *)xmlTextReaderConstName(t->xr), "");
    char *ver = (char *)xmlTextReaderGetAttribute(t->xr, BAD_CAST "version");
    if (ver) {
        h->version = jisr_strdup(ver);
        xmlFree(ver);
        if (!h->version)
            return JISR_ENOMEM;
    }
    t->r->has_header = 1;
    if (xmlTextReaderIsEmptyElement(t->xr)) {
        t->done = 1;
        return 0;
    }
    for (;;) {
        if ((rc = step(t)) < 0)
            return rc;
        if (rc == 0)
            return 0;
        int ty = type_of(t);
        if (ty == XML_READER_TYPE_END_ELEMENT)
            return 0; /* </tmx> */
        if (ty != XML_READER_TYPE_ELEMENT)
            continue;
        if (name_is(t, "body"))
            return 0;
        if (!name_is(t, "header"))
            return fail(t, JISR_EPARSE, "unexpected element <%s> in <tmx>%s",
                        (const char *)xmlTextReaderConstName(t->xr), "");
        while (xmlTextReaderMoveToNextAttribute(t->xr) == 1) {
            const char *an = (const char *)xmlTextReaderConstName(t->xr);
            const char *av = (const char *)xmlTextReaderConstValue(t->xr);
            rc = 0;
            if (!an || !av)
                continue;
            if (strcmp(an, "srclang") == 0)
                rc = set_attr(&h->srclang, av);
            else if (strcmp(an, "adminlang") == 0)
                rc = set_attr(&h->adminlang, av);
            else
                meta_attr(&h->meta, an, av, &rc);
            if (rc < 0)
                return rc;
        }
        xmlTextReaderMoveToElement(t->xr);
        if (xmlTextReaderIsEmptyElement(t->xr))
            continue;
        int depth = xmlTextReaderDepth(t->xr);
        for (;;) {
            if ((rc = step(t)) <= 0)
                return rc < 0 ? rc : fail(t, JISR_EPARSE, "unexpected end of file%s%s", "", "");
            int ty2 = type_of(t);
            if (ty2 == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(t->xr) == depth)
                break;
            if (ty2 != XML_READER_TYPE_ELEMENT || xmlTextReaderDepth(t->xr) != depth + 1)
                continue;
            if (name_is(t, "prop"))
                rc = read_prop(t, &h->meta, 0);
            else if (name_is(t, "note"))
                rc = read_prop(t, &h->meta, 1);
            else if (name_is(t, "ude"))
                rc = 0; /* user-defined encodings: not kept (their <map> children are skipped) */
            else if (!name_is(t, "map"))
                return fail(t, JISR_EPARSE, "unexpected element <%s> in <header>%s",
                            (const char *)xmlTextReaderConstName(t->xr), "");
            if (rc < 0)
                return rc;
        }
    }
}

static int tmx_next(jisr_reader *r, jisr_unit *u)
{
    saved_handler s = quiet(r->impl);
    int rc = tmx_next_inner(r, u);
    unquiet(s);
    return rc;
}

static void tmx_close(jisr_reader *r)
{
    tmx_reader *t = r->impl;
    if (!t)
        return;
    if (t->xr)
        xmlFreeTextReader(t->xr);
    if (t->f && t->f != stdin)
        fclose(t->f);
    jisr_buf_free(&t->text);
    jisr_buf_free(&t->tag);
    jisr_buf_free(&t->val);
    free(t);
    r->impl = NULL;
}

static int tmx_open_inner(tmx_reader *t, FILE *f, const void *mem, size_t n);

int jisr_tmx_reader_open(jisr_reader *r, FILE *f, const void *mem, size_t n)
{
    int rc;
    xmlInitParser();
    tmx_reader *t = calloc(1, sizeof *t);
    if (!t) {
        if (f && f != stdin)
            fclose(f);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    t->r = r;
    t->f = f;
    r->impl = t;
    r->next = tmx_next;
    r->close = tmx_close;
    saved_handler saved = quiet(t);
    rc = tmx_open_inner(t, f, mem, n);
    unquiet(saved);
    return rc;
}

static int tmx_open_inner(tmx_reader *t, FILE *f, const void *mem, size_t n)
{
    int rc;
    jisr_reader *r = t->r;
    const int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT;
    if (f)
        t->xr = xmlReaderForIO(io_read, io_close, t, r->path, NULL, opts);
    else {
        t->xr = xmlReaderForMemory(mem, (int)n, r->path, NULL, opts);
        r->bytes = n;
    }
    if (!t->xr)
        return jisr_error_set(JISR_EPARSE, r->path, 0, 0,
                              "cannot start the XML parser (empty or unreadable input)");
    xmlTextReaderSetStructuredErrorHandler(t->xr, on_xml_error, t);
    if ((rc = read_prologue(t)) < 0)
        return rc;
    return 0;
}
