/*
 * xliff.c — streaming XLIFF 1.2 and 2.0 reader (libxml2's xmlTextReader): each translatable
 * segment becomes one unit with a source variant and, when the file carries one, a target
 * variant — so a bilingual XLIFF goes straight into a memory, and the doc layer reads the
 * source side of any XLIFF as paragraphs through this same reader.
 *
 * XLIFF 1.2: <file source-language target-language><body>(<group>)*<trans-unit id>: <source>
 * and <target>; when a <seg-source> splits the source into <mrk mtype="seg" mid> segments, the
 * target's segments with the same mid pair with them (one unit each, tuid "ID#MID"). XLIFF 2.0:
 * <xliff srcLang trgLang><file><unit id><segment>: one unit per segment (tuid "ID", or "ID#N"
 * when the unit has several); <ignorable> is left out. Units marked translate="no" are skipped;
 * <alt-trans> suggestions are not read. A unit's <note>s (1.2 <trans-unit><note>, 2.0
 * <unit><notes><note>) become the notes of each unit it yields, as TMX's <tu><note>; notes of a
 * <file> or <group> are not read.
 *
 * Inline codes become placeholders whose tags are TMX inline elements, so every writer and the
 * memory treat them like TMX's own: a paired code (1.2 <g>, 2.0 <pc>) becomes <bpt i="N"> and
 * <ept i="N"> around its content, holding the original start and end tags as escaped native
 * code; a standalone code (<x/>, <ph/>) a <ph>; the begin and end of a paired code (2.0 <sc/>
 * and <ec/>, paired by id and startRef; 1.2 <bx/> and <ex/>, paired by rid, else id; within the
 * segment) a <bpt>/<ept> pair holding its own markup, one whose partner the segment does not hold
 * (or, 2.0, marked isolated="yes") an <it pos="begin|end"> (until session 35 1.2's were <ph>s,
 * so a pair inside a word parted it, docs/matching.md §1.4; until session 36 2.0's were half a
 * <bpt>/<ept> pair, which TMX 1.4b does not allow); 1.2's own <bpt>/<ept>/<ph>/<it> keep their
 * native code. Native code is escaped as the TMX reader spells it ('"' as it is, CR as &#13;:
 * fmt_tag_canon), so a unit read here and read back from the TMX it is exported to is the same
 * bytes (until session 36 a '"' was &quot;: a round trip stored two units). A 2.0 code
 * that points into its unit's <originalData> (<pc dataRefStart dataRefEnd>, <ph dataRef>,
 * <sc>/<ec dataRef>) holds that data instead, the native code itself ("<b>", "{0}"), and a <ph
 * equiv="{0}"/> without one holds its equiv, so that a placeholder matches the code a query
 * writes. Annotation markers (<mrk>, <sm/>, <em/>) keep their text and drop their markup; 2.0
 * <cp hex> is the character.
 *
 * Safety: the TMX reader's rules — no network (XML_PARSE_NONET), no DTD loading, no entity
 * substitution (an entity reference is an error), depth bounded by JISR_DEPTH_MAX, a segment by
 * JISR_SEG_MAX. libxml2's errors come through the structured handler (nothing is printed) with
 * line and column, said in jisr's words (fmt_xml_words, common.c); those it reports without a
 * parser context (a byte of a declared encoding) through the generic handler (quiet).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlreader.h>

#include "formats/formats_int.h"
#include "util/util_int.h"

enum { UT_STATE = 1, UT_INITIAL = 2, UT_SDL = 4 };

typedef struct seg {
    jisr_buf text;
    char **tags;
    size_t ntags;
    char mid[64];
    int untranslated; /* a target the file itself says is not a translation (yet): UT_* */
} seg;

typedef struct segs {
    seg *v;
    size_t n, cap;
} segs;

/* a 2.0 <originalData><data id="…">: the native code an inline code points to */
typedef struct xl_data {
    char *id, *val;
} xl_data;

/* what fill() is collecting the text of, while it skips to the element's end */
enum { CAP_NONE = 0, CAP_NOTE, CAP_DATA };

typedef struct xl_reader {
    xmlTextReaderPtr x;
    FILE *f;
    jisr_reader *r;
    int version;             /* 1 or 2 */
    int head_seen, utf8_bom; /* the input's first bytes read; they are UTF-8's byte-order mark */
    const void *mem;         /* the input when it is a caller's buffer (f NULL), n bytes */
    size_t n;
    long long f_start;        /* f's offset at the input's first byte, -1 when not seekable */
    unsigned char head[4096]; /* the input's first bytes (fmt_xml_wide_message) */
    size_t nhead;
    int err;
    unsigned long err_line, err_col;
    char err_msg[512];
    char generic_msg[512]; /* the first report without a parser context (quiet) */
    int root_seen;         /* the root element came */
    xmlGenericErrorFunc saved_fn;
    void *saved_ctx;
    char srclang[64], tgtlang[64];
    /* units ready to hand out */
    jisr_unit *q;
    size_t qhead, qn, qcap;
    int done;
    /* current unit */
    char uid[256];
    unsigned long uline, ucol;
    int skip_unit;
    segs src, tgt;
    int nseg;        /* 2.0: segments in the unit so far */
    int seg_initial; /* 2.0: the current <segment> has state="initial" */
    /* translate="no" of the open <group>s: no_groups[k] for the k-th open one (inherited) */
    unsigned char no_groups[JISR_DEPTH_MAX + 1];
    int ngroups;
    size_t untranslated;           /* targets left out as not translated, for the summary warning */
    size_t no_tgtlang;             /* targets left out for want of a target language, likewise */
    unsigned long no_tgtlang_line; /* the unit of the first */
    unsigned why;                  /* which marks said so: UT_STATE, UT_INITIAL, UT_SDL */
    jisr_buf esc;
    /* the current unit's notes and 2.0 original data, and the element being collected */
    int in_unit;
    jisr_meta notes; /* only notes */
    size_t notecap;
    xl_data *data;
    size_t ndata, datacap;
    int capture;    /* CAP_* */
    char *cap_attr; /* the <note>'s xml:lang, the <data>'s id */
    jisr_buf cap;
    int cap_big;       /* the text outgrew JISR_SEG_MAX: left out */
    fmt_xml_refs refs; /* where the entity references met are (fmt_xml_read) */
    /* UTF-32 input, decoded to UTF-8 as it is read: the first bytes read ahead to tell (pre),
     * a block of the file (raw), the decoded input of a caller's buffer (u32_mem) */
    fmt_u32 u32;
    unsigned char pre[4], *raw, *u32_mem;
    size_t npre, nraw;
} xl_reader;

/* libxml2's reports without a parser context (a refused byte of a declared encoding) come
 * through the generic error function: while the reader runs it is this one, which prints nothing
 * and keeps the first report's first line for next_node (ctx: the reader, or NULL). */
static void quiet(void *ctx, const char *msg, ...)
{
    xl_reader *t = ctx;
    size_t n = t ? strlen(t->generic_msg) : 0;
    if (!t || t->err || (n && strchr(t->generic_msg, '\n')) || n + 1 >= sizeof t->generic_msg)
        return;
    va_list ap;
    va_start(ap, msg);
    vsnprintf(t->generic_msg + n, sizeof t->generic_msg - n, msg, ap);
    va_end(ap);
}

static void pos(xl_reader *t, unsigned long *line, unsigned long *col)
{
    int l = xmlTextReaderGetParserLineNumber(t->x), c = xmlTextReaderGetParserColumnNumber(t->x);
    *line = l > 0 ? (unsigned long)l : 1;
    *col = c > 0 ? (unsigned long)c : 1;
}

/* The place of the byte libxml2's converter refused (raw: its report), decoded here from the
 * input's first byte (fmt_xml_conv_place): 1, or 0 when it cannot be (the input a pipe). */
static int conv_place(xl_reader *t, const char *raw, unsigned long *line, unsigned long *col)
{
    const char *enc = t->x ? (const char *)xmlTextReaderConstEncoding(t->x) : NULL;
    if (t->mem)
        return fmt_xml_conv_place(t->mem, t->n, -1, 0, enc, raw, line, col);
    return t->f && fmt_xml_conv_place(NULL, 0, fileno(t->f), t->f_start, enc, raw, line, col);
}

static void on_error(void *arg, xmlErrorPtr e)
{
    xl_reader *t = arg;
    if (!e || e->level < XML_ERR_ERROR || t->err)
        return;
    t->err = JISR_EPARSE;
    t->err_line = e->line > 0 ? (unsigned long)e->line : 1;
    t->err_col = e->int2 > 0 ? (unsigned long)e->int2 : 1;
    snprintf(t->err_msg, sizeof t->err_msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(t->err_msg);
    while (n && (t->err_msg[n - 1] == '\n' || t->err_msg[n - 1] == ' '))
        t->err_msg[--n] = '\0';
    /* in jisr's words: bytes that are not UTF-8, else what fmt_xml_words knows, else libxml2's
     * framed as what it is */
    const char *enc = t->x ? (const char *)xmlTextReaderConstEncoding(t->x) : NULL;
    /* the parser's context (what e->ctxt is for the parser's own reports, not for all) */
    xmlParserCtxtPtr c =
        e->domain == XML_FROM_PARSER || e->domain == XML_FROM_NAMESPACE ? e->ctxt : NULL;
    int root_seen = t->root_seen || (c && c->myDoc && xmlDocGetRootElement(c->myDoc));
    if (!e->file && t->x) {
        /* not the document's own input but an entity's text, which libxml2 checks where the
         * document refers to it (its line and column are the entity's): the reference's place */
        pos(t, &t->err_line, &t->err_col);
        if (e->code != XML_ERR_ENTITY_LOOP) {
            snprintf(t->err_msg, sizeof t->err_msg,
                     "a reference to an entity whose text, declared in the file's <!DOCTYPE, is "
                     "not well-formed XML (XLIFF files need no entities; jisr expands none)");
            return;
        }
    }
    if (!fmt_xml_utf8_message(e->message, enc, t->utf8_bom, t->err_msg, sizeof t->err_msg) &&
        !fmt_xml_conv_message(e->message, enc, t->err_msg, sizeof t->err_msg) &&
        !fmt_xml_words(e, "xliff", root_seen, c ? c->nameNr : 0, c ? c->inSubset : 0, t->err_msg,
                       sizeof t->err_msg)) {
        char raw[400];
        snprintf(raw, sizeof raw, "%.390s", t->err_msg);
        snprintf(t->err_msg, sizeof t->err_msg, "not well-formed XML (the XML parser says: %s)",
                 raw);
    }
    /* a byte above 0x7F in a file declared ASCII, where the parse stopped without a word */
    fmt_xml_ascii_message(c, e, t->err_msg, sizeof t->err_msg, &t->err_line, &t->err_col);
    /* a byte the converter refused, reported first (the parser then says the input ended):
     * said so at that byte, not where the parse stopped (the start of the text holding it) */
    unsigned long l, k;
    if (strstr(t->generic_msg, "input conversion failed") &&
        (conv_place(t, t->generic_msg, &l, &k) ||
         fmt_xml_conv_pending(c, t->generic_msg, &l, &k)) &&
        fmt_xml_conv_first(e, l, k) &&
        fmt_xml_conv_message(t->generic_msg, enc, t->err_msg, sizeof t->err_msg)) {
        t->err_line = l;
        t->err_col = k;
    }
    /* a unit of UTF-32 input that is no character: the decoded input ends there */
    if (t->u32.bad && fmt_xml_conv_first(e, t->u32.bad_line, t->u32.bad_col)) {
        fmt_u32_message(&t->u32, t->err_msg, sizeof t->err_msg);
        t->err_line = t->u32.bad_line;
        t->err_col = t->u32.bad_col;
    }
    /* UTF-32 declared in a file written a byte a character */
    if (fmt_xml_wide_message(t->head, t->nhead, t->err_msg, sizeof t->err_msg, &l, &k)) {
        t->err_line = l;
        t->err_col = k;
    }
}

static int fail(xl_reader *t, int code, const char *fmt, const char *a)
{
    unsigned long line, col;
    pos(t, &line, &col);
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a ? a : "");
    return jisr_error_set(code, t->r->path, line, col, "%s", msg);
}

static void seg_clear(seg *s)
{
    jisr_buf_free(&s->text);
    for (size_t i = 0; i < s->ntags; i++)
        free(s->tags[i]);
    free(s->tags);
    memset(s, 0, sizeof *s);
}

static void segs_clear(segs *ss)
{
    for (size_t i = 0; i < ss->n; i++)
        seg_clear(&ss->v[i]);
    ss->n = 0;
}

static seg *segs_new(segs *ss)
{
    if (JISR_GROW(ss->v, ss->cap, ss->n + 1) < 0)
        return NULL;
    seg *s = &ss->v[ss->n++];
    memset(s, 0, sizeof *s);
    return s;
}

static int text_add(xl_reader *t, seg *s, const char *p, size_t n)
{
    if (s->text.len + n > JISR_SEG_MAX)
        return fail(t, JISR_ETOOBIG, "segment longer than 1 MiB%s", "");
    /* a literal private-use character would read as a placeholder: escape it as a tag */
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (fmt_placeholder_at(p, n, i) < 0)
            continue;
        if (jisr_buf_append(&s->text, p + start, i - start) < 0)
            return JISR_ENOMEM;
        unsigned cp = (((unsigned char)p[i] & 0x0Fu) << 12) |
                      (((unsigned char)p[i + 1] & 0x3Fu) << 6) | ((unsigned char)p[i + 2] & 0x3Fu);
        char ref[16];
        snprintf(ref, sizeof ref, "&#x%X;", cp);
        jisr_variant v = {0};
        v.tags = s->tags;
        v.ntags = s->ntags;
        int rc = fmt_variant_add_tag(&v, ref, strlen(ref));
        s->tags = v.tags;
        s->ntags = v.ntags;
        if (rc < 0 || fmt_utf8_put(&s->text, JISR_TAG_BASE + (unsigned)(s->ntags - 1)) < 0)
            return rc < 0 ? rc : JISR_ENOMEM;
        i += 2;
        start = i + 1;
    }
    return jisr_buf_append(&s->text, p + start, n - start) < 0 ? JISR_ENOMEM : 0;
}

static int tag_add(xl_reader *t, seg *s, const char *xml, size_t len)
{
    jisr_variant v = {0};
    v.tags = s->tags;
    v.ntags = s->ntags;
    int rc = fmt_variant_add_tag(&v, xml, len);
    s->tags = v.tags;
    s->ntags = v.ntags;
    if (rc < 0)
        return rc == JISR_ETOOBIG ? fail(t, rc, "more than 6400 inline codes in one segment%s", "")
                                  : rc;
    return fmt_utf8_put(&s->text, JISR_TAG_BASE + (unsigned)(s->ntags - 1)) < 0 ? JISR_ENOMEM : 0;
}

/* The current element's start tag (or end tag), escaped as native code: "&lt;g id="1"&gt;" (its
 * attribute values escaped within it as XML writes them, the whole as TMX element content). */
static int native_tag(xl_reader *t, jisr_buf *b, int end, int empty)
{
    jisr_buf raw = {0};
    const char *name = (const char *)xmlTextReaderConstName(t->x);
    jisr_buf_printf(&raw, "<%s%s", end ? "/" : "", name ? name : "");
    if (!end && xmlTextReaderMoveToFirstAttribute(t->x) == 1) {
        do {
            const char *an = (const char *)xmlTextReaderConstName(t->x);
            const char *av = (const char *)xmlTextReaderConstValue(t->x);
            jisr_buf_printf(&raw, " %s=\"", an ? an : "");
            fmt_xml_escape(&raw, av ? av : "", av ? strlen(av) : 0, 1);
            jisr_buf_putc(&raw, '"');
        } while (xmlTextReaderMoveToNextAttribute(t->x) == 1);
        xmlTextReaderMoveToElement(t->x);
    }
    int rc = jisr_buf_puts(&raw, empty ? "/>" : ">");
    if (rc == 0)
        rc = fmt_xml_escape(b, raw.data, raw.len, 0);
    jisr_buf_free(&raw);
    return rc < 0 ? JISR_ENOMEM : 0;
}

static char *attr(xl_reader *t, const char *name)
{
    xmlChar *v = xmlTextReaderGetAttribute(t->x, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = jisr_strdup((const char *)v);
    xmlFree(v);
    return s;
}

/* Forget the current unit's notes and original data. */
static void unit_extras_clear(xl_reader *t)
{
    fmt_meta_clear(&t->notes);
    memset(&t->notes, 0, sizeof t->notes);
    t->notecap = 0;
    for (size_t i = 0; i < t->ndata; i++) {
        free(t->data[i].id);
        free(t->data[i].val);
    }
    t->ndata = 0;
}

/* The native code of <data id="id"> in the current unit's <originalData>, or NULL (no such id,
 * or an empty one: the code's own markup is kept then). */
static const char *data_find(const xl_reader *t, const char *id)
{
    for (size_t i = 0; id && i < t->ndata; i++)
        if (strcmp(t->data[i].id, id) == 0)
            return t->data[i].val[0] ? t->data[i].val : NULL;
    return NULL;
}

/* The native codes that a 2.0 inline code's attributes ref_a and ref_b (NULL: none) point to
 * in its unit's <originalData>, each NULL when the attribute or its data is missing. */
static void code_refs(xl_reader *t, const char *ref_a, const char *ref_b, const char **a,
                      const char **b)
{
    char *ia = ref_a ? attr(t, ref_a) : NULL, *ib = ref_b ? attr(t, ref_b) : NULL;
    *a = data_find(t, ia);
    *b = data_find(t, ib);
    free(ia);
    free(ib);
}

/* The <note> or <data> whose text was collected has ended: keep it. Past the limits (4096
 * notes, as TMX's reader; JISR_TAG_MAX data; 1 MiB of text) it is left out. */
static int capture_end(xl_reader *t)
{
    int rc = 0;
    const char *text = t->cap.data ? t->cap.data : "";
    if (t->cap_big || !t->in_unit) {
        /* left out */
    } else if (t->capture == CAP_NOTE && text[0] && t->notes.nnotes < JISR_PROPS_MAX) {
        if (JISR_GROW(t->notes.notes, t->notecap, t->notes.nnotes + 1) < 0)
            rc = JISR_ENOMEM;
        else {
            jisr_prop *n = &t->notes.notes[t->notes.nnotes];
            memset(n, 0, sizeof *n);
            n->value = jisr_strdup(text);
            n->lang = t->cap_attr && t->cap_attr[0] ? jisr_strdup(t->cap_attr) : NULL;
            if (n->value && (n->lang || !t->cap_attr || !t->cap_attr[0])) {
                t->notes.nnotes++;
            } else {
                free(n->value);
                free(n->lang);
                rc = JISR_ENOMEM;
            }
        }
    } else if (t->capture == CAP_DATA && t->cap_attr && t->ndata < JISR_TAG_MAX) {
        if (JISR_GROW(t->data, t->datacap, t->ndata + 1) < 0)
            rc = JISR_ENOMEM;
        else {
            xl_data *d = &t->data[t->ndata];
            d->id = jisr_strdup(t->cap_attr);
            d->val = jisr_strdup(text);
            if (d->id && d->val)
                t->ndata++;
            else {
                free(d->id);
                free(d->val);
                rc = JISR_ENOMEM;
            }
        }
    }
    t->capture = CAP_NONE;
    free(t->cap_attr);
    t->cap_attr = NULL;
    jisr_buf_reset(&t->cap);
    t->cap_big = 0;
    return rc;
}

static int next_node(xl_reader *t)
{
    int rc = fmt_xml_read(&t->refs, t->x);
    if (rc == 0 && t->u32.bad && !t->err) { /* the document ended before the bad unit */
        t->err = JISR_EPARSE;
        fmt_u32_message(&t->u32, t->err_msg, sizeof t->err_msg);
        t->err_line = t->u32.bad_line;
        t->err_col = t->u32.bad_col;
    }
    if (t->err || rc < 0) {
        if (!t->err) {
            pos(t, &t->err_line, &t->err_col);
            /* an error libxml2 reported without a context: a refused byte of the declared
             * encoding in jisr's words, else the report framed (a bare "malformed XML" said
             * nothing) */
            char *nl = strchr(t->generic_msg, '\n');
            if (nl)
                *nl = '\0';
            const char *enc = (const char *)xmlTextReaderConstEncoding(t->x);
            unsigned long l, k;
            if (fmt_xml_wide_message(t->head, t->nhead, t->err_msg, sizeof t->err_msg, &l, &k)) {
                t->err = JISR_EPARSE;
                t->err_line = l;
                t->err_col = k;
            } else if (fmt_xml_conv_message(t->generic_msg, enc, t->err_msg, sizeof t->err_msg)) {
                t->err = JISR_EPARSE;
                /* at the byte, not where the parse stopped */
                if (conv_place(t, t->generic_msg, &l, &k)) {
                    t->err_line = l;
                    t->err_col = k;
                }
            } else if (t->generic_msg[0]) {
                snprintf(t->err_msg, sizeof t->err_msg,
                         "not well-formed XML (the XML parser says: %.400s)", t->generic_msg);
                t->err = JISR_EPARSE;
            }
        }
        /* malformed XML ends the read, also with JISR_READ_SKIP_BAD (unlike the TMX reader,
         * this one does not resume after it): the message says so */
        return jisr_error_set(JISR_EPARSE, t->r->path, t->err_line, t->err_col, "%s%s",
                              t->err ? t->err_msg : "malformed XML",
                              (t->r->flags & JISR_READ_SKIP_BAD)
                                  ? "; reading stopped here and the rest of the file was not read"
                                  : "");
    }
    if (rc == 0)
        return 0;
    int type = xmlTextReaderNodeType(t->x);
    if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
        unsigned long line, col;
        if (!fmt_xml_ref_pos(&t->refs, t->x, &line, &col))
            pos(t, &line, &col);
        return jisr_error_set(JISR_EPARSE, t->r->path, line, col,
                              "reference to entity '&%s;' (XLIFF files need no entities; not "
                              "expanded for safety)",
                              (const char *)xmlTextReaderConstName(t->x));
    }
    if (type == XML_READER_TYPE_ELEMENT && xmlTextReaderDepth(t->x) >= JISR_DEPTH_MAX)
        return fail(t, JISR_ETOOBIG, "elements nested deeper than 48 levels%s", "");
    const char *ent, *attr;
    unsigned long line, col;
    if (type == XML_READER_TYPE_ELEMENT &&
        fmt_xml_attr_ref(&t->refs, t->x, &ent, &attr, &line, &col))
        return jisr_error_set(JISR_EPARSE, t->r->path, line, col,
                              "reference to entity '&%s;' in attribute %s of the start tag "
                              "ending here (XLIFF files need no entities; not expanded for "
                              "safety)",
                              ent, attr);
    return 1;
}

static int is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

/* Append native code s to b escaped as TMX element content: the spelling the TMX reader gives it
 * ('"' and '\'' as they are, CR as &#13;), so that a code read here and read back from the TMX it
 * is exported to are the same bytes (fmt_tag_canon) */
static int code_text(jisr_buf *b, const char *s)
{
    return fmt_xml_escape(b, s ? s : "", s ? strlen(s) : 0, 0) < 0 ? JISR_ENOMEM : 0;
}

/* Read the content of the element just started (source, target, seg-source, a 1.2 mrk seg)
 * into the current segment of ss (a new one each time a 1.2 <mrk mtype="seg"> starts when
 * split is set), up to its end tag. */
/* A TMX pairing number (i) for an XLIFF tag id: a hash of the id (NULL as ""), below 100000
 * (unsigned: it wraps, as it may) */
static unsigned id_number(const char *id)
{
    unsigned i = 0;
    for (const char *p = id ? id : ""; *p; p++)
        i = i * 31u + (unsigned char)*p;
    return (i & 0x7fffffffu) % 100000u;
}

/* A 1.2 <bx/> of the segment being read: the tag it became (a <bpt> until its <ex/> comes), its
 * pairing key (rid, else id) and number */
typedef struct bx_pair {
    size_t tag;
    unsigned i;
    int open;
    char *key;
} bx_pair;

typedef struct bx_pairs {
    bx_pair *v;
    size_t n, cap;
} bx_pairs;

/* A number for a new <bx/>'s pair: its key's, as 2.0's <sc/> (above <g>'s 1, 2 …), or past the
 * segment's other <bx/>s' when one has it (two keys may hash alike, a key may open two pairs;
 * TMX's i names one pair in a segment) */
static unsigned bx_number(const bx_pairs *bp, const char *key)
{
    unsigned i = id_number(key) + 1000u, top = 0;
    int taken = 0;
    for (size_t k = 0; k < bp->n; k++) {
        taken |= bp->v[k].i == i;
        top = bp->v[k].i > top ? bp->v[k].i : top;
    }
    return taken ? top + 1 : i;
}

/* The segment s has ended: each <bx/> whose <ex/> it does not hold becomes <it pos="begin">
 * around the same native code; the pairs are forgotten. */
static int bx_close(seg *s, bx_pairs *bp)
{
    int rc = 0;
    for (size_t k = 0; k < bp->n; k++) {
        bx_pair *p = &bp->v[k];
        if (p->open && s && rc == 0 && p->tag < s->ntags) {
            /* "<bpt i="N">NATIVE</bpt>" → "<it pos="begin">NATIVE</it>" */
            const char *old = s->tags[p->tag], *c = strchr(old, '>');
            size_t n = strlen(old);
            jisr_buf b = {0};
            if (c && n >= 6 && (size_t)(c + 1 - old) <= n - 6 &&
                jisr_buf_puts(&b, "<it pos=\"begin\">") == 0 &&
                jisr_buf_append(&b, c + 1, n - 6 - (size_t)(c + 1 - old)) == 0 &&
                jisr_buf_puts(&b, "</it>") == 0) {
                free(s->tags[p->tag]);
                s->tags[p->tag] = b.data;
            } else {
                jisr_buf_free(&b);
                rc = JISR_ENOMEM;
            }
        }
        free(p->key);
    }
    bp->n = 0;
    return rc;
}

static int read_content(xl_reader *t, segs *ss, int split)
{
    int depth = xmlTextReaderDepth(t->x);
    if (xmlTextReaderIsEmptyElement(t->x)) {
        if (!split && !segs_new(ss))
            return JISR_ENOMEM;
        return 0;
    }
    seg *cur = split ? NULL : segs_new(ss);
    if (!split && !cur)
        return JISR_ENOMEM;
    int seg_depth = -1;  /* depth of the 1.2 <mrk mtype="seg"> being read */
    int code_depth = -1; /* depth of a native-code element (1.2 bpt/ept/ph/it) being captured */
    int del_depth = -1;  /* depth of a tracked deletion (SDL's <mrk mtype="x-sdl-deleted">) */
    jisr_buf code = {0};
    /* open paired codes: their bpt numbers, by depth */
    int pair_i[64];
    const char *pair_end[64]; /* a 2.0 <pc>'s dataRefEnd code, or NULL: its own markup */
    int npair = 0, next_i = 1;
    bx_pairs bx = {0}; /* the current segment's 1.2 <bx/>s */
    int rc;
    while ((rc = next_node(t)) > 0) {
        int type = xmlTextReaderNodeType(t->x);
        int d = xmlTextReaderDepth(t->x);
        const char *ln = (const char *)xmlTextReaderConstLocalName(t->x);
        if (type == XML_READER_TYPE_END_ELEMENT && d == depth)
            break;
        if (del_depth >= 0) {
            /* deleted text of a tracked change is no longer the text */
            if (type == XML_READER_TYPE_END_ELEMENT && d == del_depth)
                del_depth = -1;
            continue;
        }
        if (type == XML_READER_TYPE_ELEMENT && is(ln, "mrk") &&
            !xmlTextReaderIsEmptyElement(t->x)) {
            char *mt = attr(t, "mtype");
            int del = is(mt, "x-sdl-deleted");
            free(mt);
            if (del) {
                del_depth = d;
                continue;
            }
        }
        if (code_depth >= 0) {
            /* inside native code: collect its text (not <sub> content's markup) */
            if (type == XML_READER_TYPE_END_ELEMENT && d == code_depth) {
                rc = jisr_buf_puts(&code, "</") < 0 || jisr_buf_puts(&code, ln) < 0 ||
                             jisr_buf_putc(&code, '>') < 0
                         ? JISR_ENOMEM
                         : 0;
                if (rc == 0 && cur)
                    rc = tag_add(t, cur, code.data, code.len);
                code_depth = -1;
                if (rc < 0)
                    break;
            } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                       type == XML_READER_TYPE_WHITESPACE) {
                if (code_text(&code, (const char *)xmlTextReaderConstValue(t->x)) < 0) {
                    rc = JISR_ENOMEM;
                    break;
                }
                if (code.len > JISR_SEG_MAX) {
                    rc = fail(t, JISR_ETOOBIG, "inline code longer than 1 MiB%s", "");
                    break;
                }
            }
            continue;
        }
        if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
            type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE || type == XML_READER_TYPE_WHITESPACE) {
            const char *v = (const char *)xmlTextReaderConstValue(t->x);
            if (cur && v && (rc = text_add(t, cur, v, strlen(v))) < 0)
                break;
            continue;
        }
        if (type == XML_READER_TYPE_END_ELEMENT) {
            if (split && d == seg_depth) {
                if ((rc = bx_close(cur, &bx)) < 0)
                    break;
                cur = NULL;
                seg_depth = -1;
            } else if ((is(ln, "g") || is(ln, "pc")) && npair > 0 && cur) {
                jisr_buf_reset(&t->esc);
                npair--;
                jisr_buf_printf(&t->esc, "<ept i=\"%d\">", pair_i[npair]);
                if (pair_end[npair])
                    code_text(&t->esc, pair_end[npair]);
                else
                    native_tag(t, &t->esc, 1, 0);
                jisr_buf_puts(&t->esc, "</ept>");
                if ((rc = tag_add(t, cur, t->esc.data, t->esc.len)) < 0)
                    break;
            }
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        int empty = xmlTextReaderIsEmptyElement(t->x);
        if (split && is(ln, "mrk") && !cur) {
            char *mt = attr(t, "mtype"), *mid = attr(t, "mid");
            if (is(mt, "seg")) {
                if (!(cur = segs_new(ss))) {
                    free(mt);
                    free(mid);
                    rc = JISR_ENOMEM;
                    break;
                }
                snprintf(cur->mid, sizeof cur->mid, "%s", mid ? mid : "");
                seg_depth = empty ? -1 : d;
                if (empty)
                    cur = NULL;
            }
            free(mt);
            free(mid);
            continue;
        }
        if (!cur)
            continue;
        jisr_buf_reset(&t->esc);
        if ((is(ln, "g") || is(ln, "pc")) && !empty) {
            int i = next_i++;
            const char *start = NULL, *end = NULL;
            if (t->version == 2)
                code_refs(t, "dataRefStart", "dataRefEnd", &start, &end);
            if (npair < 64) {
                pair_end[npair] = end;
                pair_i[npair++] = i;
            }
            jisr_buf_printf(&t->esc, "<bpt i=\"%d\">", i);
            if (start)
                code_text(&t->esc, start);
            else
                native_tag(t, &t->esc, 0, 0);
            jisr_buf_puts(&t->esc, "</bpt>");
        } else if ((t->version == 1 && (is(ln, "bx") || is(ln, "ex"))) ||
                   (t->version == 2 && (is(ln, "sc") || is(ln, "ec")))) {
            /* the begin and end of a paired code whose content is not between them in the file
             * (1.2 <bx/>/<ex/>, 2.0 <sc/>/<ec/>): a <bpt>/<ept> pair, paired within the segment
             * by 1.2's rid (else id, as XLIFF 1.2 says) or 2.0's id and startRef; one the file
             * says is isolated (2.0 isolated="yes") or whose partner the segment does not hold
             * an <it>, for TMX pairs a <bpt> with its <ept> in one segment. Each holds its 2.0
             * dataRef's native code, else its own markup. */
            int begin = is(ln, "bx") || is(ln, "sc"), isolated = 0;
            const char *dcode = NULL, *none = NULL;
            char *key;
            if (t->version == 2) {
                code_refs(t, "dataRef", NULL, &dcode, &none);
                char *iso = attr(t, "isolated");
                isolated = is(iso, "yes");
                free(iso);
                key = attr(t, begin || isolated ? "id" : "startRef");
            } else if (!(key = attr(t, "rid"))) {
                key = attr(t, "id");
            }
            bx_pair *p = NULL;
            if (begin && !isolated) {
                if (JISR_GROW(bx.v, bx.cap, bx.n + 1) < 0) {
                    free(key);
                    rc = JISR_ENOMEM;
                    break;
                }
                p = &bx.v[bx.n];
                p->i = bx_number(&bx, key);
                p->tag = cur->ntags;
                p->open = 1;
                p->key = key;
                bx.n++;
                jisr_buf_printf(&t->esc, "<bpt i=\"%u\">", p->i);
            } else {
                for (size_t k = bx.n; !begin && !isolated && k-- > 0 && !p;)
                    if (bx.v[k].open && strcmp(bx.v[k].key ? bx.v[k].key : "", key ? key : "") == 0)
                        p = &bx.v[k];
                free(key);
                if (p) {
                    p->open = 0;
                    jisr_buf_printf(&t->esc, "<ept i=\"%u\">", p->i);
                } else {
                    jisr_buf_printf(&t->esc, "<it pos=\"%s\">", begin ? "begin" : "end");
                }
            }
            if (dcode)
                code_text(&t->esc, dcode);
            else
                native_tag(t, &t->esc, 0, 1);
            jisr_buf_puts(&t->esc, begin && !isolated ? "</bpt>" : p ? "</ept>" : "</it>");
        } else if (is(ln, "g") || is(ln, "pc") || is(ln, "x") || is(ln, "bx") || is(ln, "ex") ||
                   (t->version == 2 && is(ln, "ph"))) {
            /* 2.0: the native code of dataRef (an empty <pc>: of dataRefStart and dataRefEnd),
             * else a <ph>'s equiv ("{0}"), else the code's own markup */
            const char *a = NULL, *b = NULL;
            char *equiv = NULL;
            if (t->version == 2 && is(ln, "ph")) {
                code_refs(t, "dataRef", NULL, &a, &b);
                if (!a && (equiv = attr(t, "equiv")) && equiv[0])
                    a = equiv;
            } else if (t->version == 2) {
                code_refs(t, "dataRefStart", "dataRefEnd", &a, &b);
            }
            jisr_buf_puts(&t->esc, "<ph>");
            if (a || b) {
                code_text(&t->esc, a);
                code_text(&t->esc, b);
            } else {
                native_tag(t, &t->esc, 0, 1);
            }
            jisr_buf_puts(&t->esc, "</ph>");
            free(equiv);
        } else if (t->version == 2 && is(ln, "cp")) {
            char *hex = attr(t, "hex");
            unsigned long cp = hex ? strtoul(hex, NULL, 16) : 0;
            free(hex);
            if ((cp >= 1 && cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
                cp == 0xFFFF) {
                /* a character XML cannot carry, which is what <cp> is for (a control code in
                 * a software string): kept as the native code <ph><cp hex="…"/></ph>, which TMX
                 * carries and a document reads as a space, rather than refusing the unit */
                jisr_buf_puts(&t->esc, "<ph>");
                native_tag(t, &t->esc, 0, 1);
                jisr_buf_puts(&t->esc, "</ph>");
            } else {
                if (cp && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
                    (rc = fmt_utf8_put(&cur->text, (unsigned)cp)) < 0)
                    break;
                continue;
            }
        } else if (t->version == 1 &&
                   (is(ln, "bpt") || is(ln, "ept") || is(ln, "ph") || is(ln, "it"))) {
            /* native code: re-wrapped as the TMX element of the same name */
            char *id = attr(t, "rid");
            if (!id)
                id = attr(t, "id");
            char *p = is(ln, "it") ? attr(t, "pos") : NULL;
            jisr_buf_reset(&code);
            if (is(ln, "bpt") || is(ln, "ept"))
                jisr_buf_printf(&code, "<%s i=\"", ln);
            else if (is(ln, "it"))
                jisr_buf_printf(&code, "<it pos=\"%s", is(p, "close") ? "end" : "begin");
            else
                jisr_buf_puts(&code, "<ph");
            if (is(ln, "bpt") || is(ln, "ept")) {
                jisr_buf_printf(&code, "%u\"", id_number(id) + 1u);
            } else if (is(ln, "it")) {
                jisr_buf_putc(&code, '"');
            }
            jisr_buf_putc(&code, '>');
            free(id);
            free(p);
            if (empty) {
                jisr_buf_printf(&code, "</%s>", ln);
                if ((rc = tag_add(t, cur, code.data, code.len)) < 0)
                    break;
            } else {
                code_depth = d;
            }
            continue;
        } else {
            continue; /* mrk, sm, em, sub …: their text stays, their markup goes */
        }
        if ((rc = tag_add(t, cur, t->esc.data, t->esc.len)) < 0)
            break;
    }
    int brc = bx_close(cur, &bx);
    free(bx.v);
    jisr_buf_free(&code);
    if (rc >= 0 && brc < 0)
        rc = brc;
    return rc < 0 ? rc : 0;
}

static int q_unit(xl_reader *t, const char *id, const seg *s, const seg *g)
{
    if (JISR_GROW(t->q, t->qcap, t->qn + 1) < 0)
        return JISR_ENOMEM;
    jisr_unit *u = &t->q[t->qn];
    jisr_unit_init(u);
    int rc = 0;
    jisr_variant *v;
    u->line = t->uline;
    u->col = t->ucol;
    if (id && *id && !(u->tuid = jisr_strdup(id)))
        rc = JISR_ENOMEM;
    if (rc == 0 && t->srclang[0] && !(u->srclang = jisr_strdup(t->srclang)))
        rc = JISR_ENOMEM;
    /* the XLIFF unit's notes, on each unit it yields */
    if (rc == 0 && t->notes.nnotes &&
        !(u->meta.notes = calloc(t->notes.nnotes, sizeof *u->meta.notes)))
        rc = JISR_ENOMEM;
    for (size_t i = 0; rc == 0 && i < t->notes.nnotes; i++) {
        const jisr_prop *n = &t->notes.notes[i];
        jisr_prop *d = &u->meta.notes[u->meta.nnotes++];
        if (!(d->value = jisr_strdup(n->value)) || (n->lang && !(d->lang = jisr_strdup(n->lang))))
            rc = JISR_ENOMEM;
    }
    const char *sl = t->srclang[0] ? t->srclang : t->r->srclang;
    const char *tl = t->tgtlang[0] ? t->tgtlang : t->r->tgtlang;
    /* a target whose language neither the file nor the options name would be stored under
     * "und", which no query reaches (TSV and JSONL refuse it too; po2xliff writes no
     * target-language): it is not read, and the warning at the end asks for -t. The source is
     * kept, for the doc layer reads the source side of any XLIFF through this reader, and an
     * import skips a unit of one variant (counted). */
    if (g && strcmp(tl, "und") == 0) {
        if (!t->no_tgtlang++)
            t->no_tgtlang_line = u->line;
        g = NULL;
    }
    for (int side = 0; rc == 0 && side < 2; side++) {
        const seg *x = side ? g : s;
        if (!x)
            continue;
        rc = jisr_unit_add_variant(u, side ? tl : sl, x->text.data ? x->text.data : "", x->text.len,
                                   &v);
        for (size_t i = 0; rc == 0 && i < x->ntags; i++)
            rc = fmt_variant_add_tag(v, x->tags[i], strlen(x->tags[i]));
    }
    if (rc < 0) {
        jisr_unit_clear(u);
        return rc;
    }
    t->qn++;
    return 0;
}

static int blank_seg(const seg *s)
{
    for (size_t i = 0; s && i < s->text.len; i++) {
        char c = s->text.data[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return 0;
    }
    return 1;
}

/* The unit just ended: queue one unit per segment. */
static int end_unit(xl_reader *t)
{
    int rc = 0;
    if (!t->skip_unit) {
        char id[400];
        for (size_t i = 0; rc == 0 && i < t->src.n; i++) {
            const seg *s = &t->src.v[i], *g = NULL;
            if (blank_seg(s))
                continue;
            if (s->mid[0]) {
                for (size_t k = 0; k < t->tgt.n && !g; k++)
                    if (strcmp(t->tgt.v[k].mid, s->mid) == 0)
                        g = &t->tgt.v[k];
                snprintf(id, sizeof id, "%s#%s", t->uid, s->mid);
            } else {
                g = i < t->tgt.n ? &t->tgt.v[i] : NULL;
                if (t->src.n > 1)
                    snprintf(id, sizeof id, "%s#%zu", t->uid, i + 1);
                else
                    snprintf(id, sizeof id, "%s", t->uid);
            }
            if (g && g->untranslated && !blank_seg(g)) {
                t->untranslated++;
                t->why |= (unsigned)g->untranslated;
                g = NULL;
            }
            rc = q_unit(t, id, s, blank_seg(g) ? NULL : g);
        }
    }
    segs_clear(&t->src);
    segs_clear(&t->tgt);
    unit_extras_clear(t);
    t->in_unit = 0;
    t->skip_unit = 0;
    t->uid[0] = '\0';
    return rc;
}

/* Is the current element in SDL Trados' namespace (sdl:seg)? */
static int sdl_ns(xl_reader *t)
{
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(t->x);
    return ns && strncmp(ns, "http://sdl.com/FileTypes/SdlXliff/", 34) == 0;
}

/* Read on until at least one unit is queued or the document ends. */
static int fill(xl_reader *t)
{
    int rc = 0;
    int seg_source = 0; /* the current 1.2 unit has a <seg-source> */
    int skip = -1;      /* depth of an element being skipped */
    while (t->qhead == t->qn && (rc = next_node(t)) > 0) {
        int type = xmlTextReaderNodeType(t->x);
        const char *ln = (const char *)xmlTextReaderConstLocalName(t->x);
        if (skip >= 0) {
            if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(t->x) == skip) {
                skip = -1;
                if (t->capture && (rc = capture_end(t)) < 0)
                    return rc;
            } else if (t->capture && !t->cap_big &&
                       (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                        type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                        type == XML_READER_TYPE_WHITESPACE)) {
                const char *v = (const char *)xmlTextReaderConstValue(t->x);
                size_t n = v ? strlen(v) : 0;
                if (t->cap.len + n > JISR_SEG_MAX)
                    t->cap_big = 1;
                else if (jisr_buf_append(&t->cap, v ? v : "", n) < 0)
                    return JISR_ENOMEM;
            }
            continue;
        }
        if (type == XML_READER_TYPE_END_ELEMENT) {
            if (is(ln, "trans-unit") || (t->version == 2 && is(ln, "unit"))) {
                if ((rc = end_unit(t)) < 0)
                    return rc;
                seg_source = 0;
            } else if (is(ln, "group") && t->ngroups > 0) {
                t->ngroups--;
            }
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        if (is(ln, "xliff")) {
            char *v = attr(t, "version");
            t->version = v && v[0] == '2' ? 2 : 1;
            free(v);
            if (t->version == 2) {
                char *s = attr(t, "srcLang"), *g = attr(t, "trgLang");
                snprintf(t->srclang, sizeof t->srclang, "%s", s ? s : "");
                snprintf(t->tgtlang, sizeof t->tgtlang, "%s", g ? g : "");
                free(s);
                free(g);
            }
        } else if (is(ln, "file") && t->version == 1) {
            char *s = attr(t, "source-language"), *g = attr(t, "target-language");
            snprintf(t->srclang, sizeof t->srclang, "%s", s ? s : "");
            snprintf(t->tgtlang, sizeof t->tgtlang, "%s", g ? g : "");
            free(s);
            free(g);
        } else if (is(ln, "group")) {
            /* translate="no" (or "yes") holds for the units inside, unless they say otherwise */
            char *tr = attr(t, "translate");
            int no = tr ? is(tr, "no") : t->ngroups > 0 && t->no_groups[t->ngroups - 1];
            free(tr);
            if (!xmlTextReaderIsEmptyElement(t->x) && t->ngroups < JISR_DEPTH_MAX)
                t->no_groups[t->ngroups++] = (unsigned char)no;
        } else if (is(ln, "trans-unit") || (t->version == 2 && is(ln, "unit"))) {
            char *id = attr(t, "id"), *tr = attr(t, "translate");
            snprintf(t->uid, sizeof t->uid, "%s", id ? id : "");
            t->skip_unit = tr ? is(tr, "no") : t->ngroups > 0 && t->no_groups[t->ngroups - 1];
            free(id);
            free(tr);
            unit_extras_clear(t);
            t->in_unit = 1;
            xmlNodePtr cn = xmlTextReaderCurrentNode(t->x);
            long cl = cn ? xmlGetLineNo(cn) : -1;
            if (cl > 0) {
                t->uline = (unsigned long)cl;
                t->ucol = 0;
            } else {
                pos(t, &t->uline, &t->ucol);
            }
            segs_clear(&t->src);
            segs_clear(&t->tgt);
            seg_source = 0;
            if (xmlTextReaderIsEmptyElement(t->x) && (rc = end_unit(t)) < 0)
                return rc;
        } else if (t->in_unit && !xmlTextReaderIsEmptyElement(t->x) &&
                   (is(ln, "note") || (t->version == 2 && is(ln, "data")))) {
            /* a unit's note, or one code of its 2.0 <originalData>: its text is collected
             * while skipping to its end tag (capture_end keeps it) */
            t->capture = is(ln, "note") ? CAP_NOTE : CAP_DATA;
            t->cap_attr = attr(t, t->capture == CAP_NOTE ? "xml:lang" : "id");
            skip = xmlTextReaderDepth(t->x);
        } else if (t->in_unit && (is(ln, "notes") || is(ln, "originalData"))) {
            continue; /* their <note>s and <data>s are read */
        } else if (is(ln, "alt-trans") || is(ln, "ignorable") || is(ln, "notes") ||
                   is(ln, "note") || is(ln, "originalData")) {
            if (!xmlTextReaderIsEmptyElement(t->x))
                skip = xmlTextReaderDepth(t->x); /* not read: skipped to its end tag */
        } else if (is(ln, "seg-source") && t->version == 1) {
            seg_source = 1;
            segs_clear(&t->src);
            if ((rc = read_content(t, &t->src, 1)) < 0)
                return rc;
        } else if (is(ln, "source")) {
            if (t->version == 1 && seg_source)
                continue;
            if ((rc = read_content(t, &t->src, 0)) < 0)
                return rc;
        } else if (is(ln, "target")) {
            /* a target that is only a placeholder for the translation to come (1.2 state
             * "new" or "needs-translation"; 2.0 <segment state="initial">: often a copy of the
             * source) is read, to keep the segments in step, and left out at the unit's end */
            char *st = t->version == 1 ? attr(t, "state") : NULL;
            int untranslated = t->version == 1
                                   ? (is(st, "new") || is(st, "needs-translation") ? UT_STATE : 0)
                               : t->seg_initial ? UT_INITIAL
                                                : 0;
            free(st);
            size_t first = t->tgt.n;
            if ((rc = read_content(t, &t->tgt, t->version == 1 && seg_source)) < 0)
                return rc;
            for (size_t k = first; untranslated && k < t->tgt.n; k++)
                t->tgt.v[k].untranslated = untranslated;
        } else if (t->version == 2 && is(ln, "segment")) {
            /* a segment without a target keeps the positions aligned */
            while (t->tgt.n < t->src.n)
                if (!segs_new(&t->tgt))
                    return JISR_ENOMEM;
            char *st = attr(t, "state");
            t->seg_initial = is(st, "initial");
            free(st);
        } else if (t->version == 1 && is(ln, "seg") && sdl_ns(t)) {
            /* SDL Trados: <sdl:seg id="MID" conf="Unspecified"/> after the target says that
             * segment was never translated */
            char *id = attr(t, "id"), *conf = attr(t, "conf");
            if (id && conf && strcasecmp(conf, "Unspecified") == 0)
                for (size_t k = 0; k < t->tgt.n; k++)
                    if (strcmp(t->tgt.v[k].mid, id) == 0)
                        t->tgt.v[k].untranslated = UT_SDL;
            free(id);
            free(conf);
        }
    }
    if (t->qhead == t->qn && rc == 0) {
        t->done = 1;
        if (t->no_tgtlang)
            fmt_reader_warn(t->r, t->no_tgtlang_line, 1,
                            "the XLIFF file names no target language (%s) and none was given: "
                            "%zu target%s not read, so %s unit%s only a source (an import skips "
                            "them); give the language with -t/--target",
                            t->version == 2 ? "trgLang on <xliff>" : "target-language on <file>",
                            t->no_tgtlang, t->no_tgtlang == 1 ? "" : "s",
                            t->no_tgtlang == 1 ? "its" : "their",
                            t->no_tgtlang == 1 ? " has" : "s have");
        if (t->untranslated)
            fmt_reader_warn(t->r, 0, 0,
                            "%zu target%s left out as not translated (%s%s%s%s%s): only %s "
                            "source%s read",
                            t->untranslated, t->untranslated == 1 ? "" : "s",
                            t->why & UT_STATE ? "state new or needs-translation" : "",
                            t->why & UT_STATE && t->why & ~(unsigned)UT_STATE ? ", " : "",
                            t->why & UT_INITIAL ? "segment state initial" : "",
                            t->why & UT_INITIAL && t->why & UT_SDL ? ", " : "",
                            t->why & UT_SDL ? "SDL conf Unspecified" : "",
                            t->untranslated == 1 ? "its" : "their",
                            t->untranslated == 1 ? "" : "s");
    }
    return rc < 0 ? rc : 0;
}

static int xl_next(jisr_reader *r, jisr_unit *u)
{
    xl_reader *t = r->impl;
    for (;;) {
        jisr_unit_clear(u);
        if (t->qhead == t->qn && !t->done) {
            t->qhead = t->qn = 0;
            xmlGenericErrorFunc sfn = xmlGenericError;
            void *sctx = xmlGenericErrorContext;
            xmlSetGenericErrorFunc(t, quiet);
            int rc = fill(t);
            xmlSetGenericErrorFunc(sctx, sfn);
            if (rc < 0) {
                t->done = 1;
                return rc;
            }
        }
        if (t->qhead == t->qn)
            return 0;
        *u = t->q[t->qhead++];
        jisr_unit_init(&t->q[t->qhead - 1]);
        /* the unit model's one set of checks (and the canonical form of private-use
         * characters) for this reader too */
        int rc = jisr_unit_check(u, r->path);
        if (rc >= 0)
            return 1;
        if (rc == JISR_ENOMEM || !(r->flags & JISR_READ_SKIP_BAD))
            return rc;
        fmt_reader_bad(r);
    }
}

static void xl_close(jisr_reader *r)
{
    xl_reader *t = r->impl;
    if (!t)
        return;
    if (t->x)
        xmlFreeTextReader(t->x);
    if (t->f && t->f != stdin)
        fclose(t->f);
    for (size_t i = t->qhead; i < t->qn; i++)
        jisr_unit_clear(&t->q[i]);
    free(t->q);
    segs_clear(&t->src);
    segs_clear(&t->tgt);
    free(t->src.v);
    free(t->tgt.v);
    jisr_buf_free(&t->esc);
    unit_extras_clear(t);
    free(t->data);
    free(t->cap_attr);
    jisr_buf_free(&t->cap);
    free(t->raw);
    free(t->u32_mem);
    free(t);
    r->impl = NULL;
}

enum { U32_RAW = 64 << 10 }; /* a block of UTF-32 input read at a time */

/* UTF-32: the next bytes of the file (through raw, U32_RAW bytes) decoded into buf (room for
 * len >= 4 bytes), at least one unless the input ends (or has a bad unit); -1 on a read
 * error. */
static int u32_read(xl_reader *t, char *buf, int len)
{
    size_t w = 0;
    while (w == 0 && !t->u32.bad) {
        /* UTF-8 takes no more bytes than UTF-32: with the cut character's bytes, room enough */
        size_t room = (size_t)len - t->u32.npart, got = t->npre < room ? t->npre : room;
        if (room > U32_RAW)
            room = U32_RAW;
        memcpy(t->raw, t->pre, got);
        memmove(t->pre, t->pre + got, t->npre - got);
        t->npre -= got;
        got += fread(t->raw + got, 1, room - got, t->f);
        if (got == 0 && ferror(t->f))
            return -1;
        t->r->bytes += got;
        w = fmt_u32_decode(&t->u32, t->raw, got, got == 0, (unsigned char *)buf);
        if (got == 0)
            break;
    }
    return (int)w;
}

static int file_read(void *ctx, char *buf, int len)
{
    xl_reader *t = ctx;
    if (t->u32.on)
        return u32_read(t, buf, len);
    size_t n = t->npre < (size_t)len ? t->npre : (size_t)len;
    memcpy(buf, t->pre, n);
    memmove(t->pre, t->pre + n, t->npre - n);
    t->npre -= n;
    n += fread(buf + n, 1, (size_t)len - n, t->f);
    if (n == 0 && ferror(t->f))
        return -1;
    if (!t->head_seen) { /* libxml2 asks for 4 bytes or more first */
        t->head_seen = 1;
        t->utf8_bom = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0;
    }
    if (t->nhead < sizeof t->head && !t->u32.on) {
        size_t k = n < sizeof t->head - t->nhead ? n : sizeof t->head - t->nhead;
        memcpy(t->head + t->nhead, buf, k);
        t->nhead += k;
    }
    t->r->bytes += n;
    return (int)n;
}

static int file_close(void *ctx)
{
    (void)ctx;
    return 0;
}

int fmt_xliff_reader_open(jisr_reader *r, FILE *f, const void *mem, size_t n)
{
    xl_reader *t = calloc(1, sizeof *t);
    if (!t) {
        if (f && f != stdin)
            fclose(f);
        return jisr_oom(sizeof *t);
    }
    t->r = r;
    t->f = f;
    t->version = 1;
    t->f_start = f ? (long long)ftello(f) : -1;
    t->mem = f ? NULL : mem;
    t->n = f ? 0 : n;
    if (!f && mem && n) {
        t->nhead = n < sizeof t->head ? n : sizeof t->head;
        memcpy(t->head, mem, t->nhead);
    }
    r->impl = t;
    r->next = xl_next;
    r->close = xl_close;
    xmlGenericErrorFunc sfn = xmlGenericError;
    void *sctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(t, quiet);
    int opts = XML_PARSE_NONET | XML_PARSE_BIG_LINES;
    /* UTF-32 (libxml2 2.9 reads no UTF-32 byte-order mark): decoded here, its declared encoding
     * ignored by the parser */
    if (f) {
        t->npre = fread(t->pre, 1, sizeof t->pre, f);
        if (fmt_u32_detect(&t->u32, t->pre, t->npre)) {
            opts |= XML_PARSE_IGNORE_ENC;
            if (!(t->raw = malloc(U32_RAW))) {
                xmlSetGenericErrorFunc(sctx, sfn);
                return jisr_oom(U32_RAW);
            }
        }
    } else if (fmt_u32_detect(&t->u32, mem, n)) {
        opts |= XML_PARSE_IGNORE_ENC;
        if (!(t->u32_mem = malloc(n + 4))) {
            xmlSetGenericErrorFunc(sctx, sfn);
            return jisr_oom(n + 4);
        }
        n = fmt_u32_decode(&t->u32, mem, n, 1, t->u32_mem);
        mem = t->u32_mem;
        t->mem = NULL; /* not decoded again for a converter's report */
        t->nhead = 0;  /* its declaration names UTF-32 (fmt_xml_wide_message) */
    }
    if (f)
        t->x = xmlReaderForIO(file_read, file_close, t, r->path, NULL, opts);
    else {
        t->utf8_bom = n >= 3 && memcmp(mem, "\xEF\xBB\xBF", 3) == 0;
        t->x = xmlReaderForMemory(mem, (int)n, r->path, NULL, opts);
    }
    if (!t->x) {
        xmlSetGenericErrorFunc(sctx, sfn);
        return jisr_error_set(JISR_ENOMEM, r->path, 0, 0, "cannot start the XML parser");
    }
    xmlTextReaderSetStructuredErrorHandler(t->x, on_error, t);
    /* read up to the first unit so that the header's languages are known and a file that is
     * not XLIFF fails to open */
    int rc = 0, seen_root = 0;
    while ((rc = next_node(t)) > 0) {
        if (xmlTextReaderNodeType(t->x) != XML_READER_TYPE_ELEMENT)
            continue;
        const char *ln = (const char *)xmlTextReaderConstLocalName(t->x);
        if (!seen_root) {
            seen_root = t->root_seen = 1;
            if (!is(ln, "xliff")) {
                rc = fail(t, JISR_EPARSE, "not XLIFF: the root element is <%s>, not <xliff>", ln);
                break;
            }
            char *v = attr(t, "version");
            t->version = v && v[0] == '2' ? 2 : 1;
            free(v);
            if (t->version == 2) {
                char *s = attr(t, "srcLang"), *g = attr(t, "trgLang");
                snprintf(t->srclang, sizeof t->srclang, "%s", s ? s : "");
                snprintf(t->tgtlang, sizeof t->tgtlang, "%s", g ? g : "");
                free(s);
                free(g);
                break;
            }
            continue;
        }
        if (is(ln, "file")) {
            char *s = attr(t, "source-language"), *g = attr(t, "target-language");
            snprintf(t->srclang, sizeof t->srclang, "%s", s ? s : "");
            snprintf(t->tgtlang, sizeof t->tgtlang, "%s", g ? g : "");
            free(s);
            free(g);
            break;
        }
    }
    xmlSetGenericErrorFunc(sctx, sfn);
    if (rc == 0 && !seen_root)
        rc = jisr_error_set(JISR_EPARSE, r->path, 1, 1, "not XLIFF: empty or not XML");
    if (rc < 0)
        return rc;
    r->header.srclang = jisr_strdup(t->srclang[0] ? t->srclang : r->srclang);
    r->has_header = 1;
    if (!r->header.srclang)
        return JISR_ENOMEM;
    /* the languages the file names win over the options' */
    if (t->tgtlang[0]) {
        free(r->tgtlang);
        r->tgtlang = jisr_strdup(t->tgtlang);
    }
    return 0;
}
