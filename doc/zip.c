/*
 * zip.c — DOCX and ODT: a ZIP container (libzip, loaded on the first read: zip_load.h) holding
 * XML parts read with doc/xml.c.
 *
 * The container is checked before anything is inflated: more entries than opts.max_entries,
 * an entry that says it inflates beyond opts.max_entry or more than DOC_MAX_RATIO times its
 * compressed size, and an encrypted entry are refused with the entry named. While a part is
 * inflated its bytes are counted and reading stops at the limit whatever the headers said, so
 * a lying header costs at most the limit in time and one 64 KiB buffer in memory (the XML
 * reader pulls the entry; nothing is held whole). Nested archives are never opened: a part
 * that is itself a ZIP is refused, and a ZIP without the parts of a DOCX or ODT is reported as
 * such (naming the archives inside it, if any).
 *
 * DOCX (Transitional or Strict: both WordprocessingML namespaces are read): the main part is
 * found through _rels/.rels (word/document.xml by default); a package whose main part is a
 * spreadsheet's or a presentation's (its content type in [Content_Types].xml, else xl/ or ppt/)
 * is refused as such (JISR_EUNSUPPORTED) rather than read as a DOCX without text. styles.xml
 * tells which paragraph styles are headings, titles or numbered; footnotes.xml and
 * endnotes.xml follow the body as their own paragraphs. Runs give text (w:t), tabs, line
 * breaks; deleted text (w:del), field codes (w:instrText) and the fallback copy of a text box
 * (mc:Fallback, which repeats mc:Choice) are left out. A paragraph inside a text box nests in
 * the paragraph that anchors it: a stack of open paragraphs keeps them apart.
 *
 * ODT: an OpenDocument spreadsheet, presentation or drawing (its mimetype entry) is refused as
 * such. content.xml's body: text:p, text:h (outline level), list items (nesting level), table
 * cells, notes (footnotes/endnotes: their own paragraphs, after the body as in DOCX),
 * text:s/text:tab/text:line-break; annotations and tracked deletions are left out. Paragraph
 * styles (content.xml's automatic styles, then styles.xml) give the direction
 * (style:writing-mode) and language hints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doc/doc_int.h"
#include "doc/zip_load.h"

/* ---- the container -------------------------------------------------------------------------- */

typedef struct zsrc {
    jisr_doc *d;
    zip_file_t *zf;
    const char *part;
    uint64_t got, limit;
    int first, bad;
} zsrc;

static int z_read(void *ctx, char *buf, int len)
{
    zsrc *s = ctx;
    if (s->bad)
        return -1;
    zip_int64_t n = doc_libzip.fread(s->zf, buf, (zip_uint64_t)len);
    if (n < 0) {
        zip_error_t *ze = doc_libzip.file_get_error(s->zf);
        doc_error(s->d, JISR_EPARSE, s->part, 0, 0, "cannot inflate: %s",
                  doc_libzip.error_strerror(ze));
        s->bad = 1;
        return -1;
    }
    if (s->first && n >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0) {
        doc_error(s->d, JISR_EPARSE, s->part, 0, 0,
                  "a ZIP archive inside the archive: nested archives are not opened");
        s->bad = 1;
        return -1;
    }
    s->first = 0;
    s->got += (uint64_t)n;
    if (s->got > s->limit) {
        doc_error(s->d, JISR_ETOOBIG, s->part, 0, 0,
                  "inflates to more than %llu bytes: refused (a ZIP bomb?)",
                  (unsigned long long)s->limit);
        s->bad = 1;
        return -1;
    }
    return (int)n;
}

/* Open entry name of z for reading: 1 and s filled, 0 when absent, <0 refused. */
static int entry_open(jisr_doc *d, zip_t *z, const char *name, zsrc *s)
{
    memset(s, 0, sizeof *s);
    zip_int64_t idx = doc_libzip.name_locate(z, name, 0);
    if (idx < 0)
        return 0;
    zip_stat_t st;
    doc_libzip.stat_init(&st);
    if (doc_libzip.stat_index(z, (zip_uint64_t)idx, 0, &st) < 0)
        return doc_error(d, JISR_EPARSE, name, 0, 0, "cannot read the entry: %s",
                         doc_libzip.strerror(z));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return doc_error(d, JISR_EUNSUPPORTED, name, 0, 0,
                         "encrypted entry: a password-protected document is not supported");
    if ((st.valid & ZIP_STAT_SIZE) && st.size > d->opts.max_entry)
        return doc_error(d, JISR_ETOOBIG, name, 0, 0,
                         "entry inflates to %llu bytes, more than the limit of %llu: refused "
                         "(a ZIP bomb?)",
                         (unsigned long long)st.size, (unsigned long long)d->opts.max_entry);
    if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && st.size > (1u << 20) &&
        st.size / (st.comp_size ? st.comp_size : 1) > DOC_MAX_RATIO)
        return doc_error(d, JISR_ETOOBIG, name, 0, 0,
                         "entry inflates %llu times its compressed size (%llu → %llu bytes): "
                         "refused (a ZIP bomb?)",
                         (unsigned long long)(st.size / (st.comp_size ? st.comp_size : 1)),
                         (unsigned long long)st.comp_size, (unsigned long long)st.size);
    s->zf = doc_libzip.fopen_index(z, (zip_uint64_t)idx, 0);
    if (!s->zf)
        return doc_error(d, JISR_EPARSE, name, 0, 0, "cannot open the entry: %s",
                         doc_libzip.strerror(z));
    s->d = d;
    s->part = name;
    s->first = 1;
    s->limit =
        (st.valid & ZIP_STAT_SIZE) && st.size < d->opts.max_entry ? st.size : d->opts.max_entry;
    return 1;
}

static void entry_close(zsrc *s)
{
    if (s->zf)
        doc_libzip.fclose(s->zf);
    s->zf = NULL;
}

/* Open part name as XML: 1, 0 when absent, <0 on error. */
static int part_open(jisr_doc *d, zip_t *z, const char *name, zsrc *s, doc_xml *x)
{
    int rc = entry_open(d, z, name, s);
    if (rc <= 0)
        return rc;
    if ((rc = doc_xml_open(x, d, doc_part(d, name), z_read, s)) < 0) {
        entry_close(s);
        return rc;
    }
    return 1;
}

static void part_close(zsrc *s, doc_xml *x)
{
    doc_xml_close(x);
    entry_close(s);
}

/* ---- paragraphs being built (a stack: text boxes and notes nest in paragraphs) ------------- */

typedef struct opara {
    jisr_buf text;
    char style[128];
    int list, ilvl, outline; /* outline: heading level + 1 from the paragraph, 0 = none */
    int heading;             /* text:h level, 0 */
    jisr_dir dir;
    char lang[32];
    int cell, note;
    unsigned long line, col;
} opara;

typedef struct pstack {
    opara *v;
    size_t n, cap;
} pstack;

static opara *push_para(jisr_doc *d, pstack *ps, doc_xml *x)
{
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 8;
        if (cap > DOC_XML_DEPTH_MAX) {
            doc_error(d, JISR_ETOOBIG, x->part, 0, 0, "paragraphs nested too deeply");
            return NULL;
        }
        opara *v = realloc(ps->v, cap * sizeof *v);
        if (!v) {
            doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
            return NULL;
        }
        ps->v = v;
        ps->cap = cap;
    }
    opara *p = &ps->v[ps->n++];
    memset(p, 0, sizeof *p);
    doc_xml_pos(x, &p->line, &p->col);
    return p;
}

static void pstack_free(pstack *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        jisr_buf_free(&ps->v[i].text);
    free(ps->v);
    memset(ps, 0, sizeof *ps);
}

static int para_append(jisr_doc *d, opara *p, const char *s, size_t n, const char *part)
{
    if (p->text.len + n > d->opts.max_para)
        return doc_error(d, JISR_ETOOBIG, part, p->line, p->col,
                         "paragraph longer than the limit of %zu bytes", d->opts.max_para);
    return jisr_buf_append(&p->text, s, n) < 0 ? doc_error(d, JISR_ENOMEM, NULL, 0, 0,
                                                           "out of "
                                                           "memory")
                                               : 0;
}

static int is_ns(const char *uri, const char *suffix)
{
    size_t n = strlen(uri), k = strlen(suffix);
    return n >= k && strcmp(uri + n - k, suffix) == 0;
}

static int truthy(const char *v)
{
    return !v || !(strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0 ||
                   strcasecmp(v, "off") == 0 || strcasecmp(v, "none") == 0);
}

/* ---- styles ------------------------------------------------------------------------------------
 */

typedef struct pstyle {
    char id[128], name[128], parent[128];
    int outline; /* heading level (1…) or 0; -1 = title */
    int list;
    jisr_dir dir;
    char lang[32];
    int hidden; /* ODF text:display: 1 "none", -1 shown, 0 not said (the parent's) */
    int text;   /* an ODF text (character) style: looked up by odt_span_hidden only */
} pstyle;

typedef struct styles {
    pstyle *v;
    size_t n, cap;
    jisr_dir def_dir;
    char def_lang[32];
} styles;

static pstyle *style_add(jisr_doc *d, styles *ss)
{
    if (ss->n == ss->cap) {
        if (ss->cap >= 65536) {
            doc_error(d, JISR_ETOOBIG, NULL, 0, 0, "more than 65,536 paragraph styles");
            return NULL;
        }
        size_t cap = ss->cap ? ss->cap * 2 : 64;
        pstyle *v = realloc(ss->v, cap * sizeof *v);
        if (!v) {
            doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
            return NULL;
        }
        ss->v = v;
        ss->cap = cap;
    }
    pstyle *s = &ss->v[ss->n++];
    memset(s, 0, sizeof *s);
    return s;
}

static const pstyle *style_find(const styles *ss, const char *id)
{
    for (size_t i = ss->n; id && *id && i-- > 0;)
        if (!ss->v[i].text && strcmp(ss->v[i].id, id) == 0)
            return &ss->v[i];
    return NULL;
}

/* Is paragraph style id (through its parents, at most 16 steps) or, with text set, the text
 * style id hidden (ODF text:display="none")? */
static int style_hidden(const styles *ss, const char *id, int text)
{
    for (int k = 0; k < 16 && id && *id; k++) {
        const pstyle *s = NULL;
        for (size_t i = ss->n; !s && i-- > 0;)
            if (ss->v[i].text == text && strcmp(ss->v[i].id, id) == 0)
                s = &ss->v[i];
        if (!s)
            return 0;
        if (s->hidden)
            return s->hidden > 0;
        id = s->parent;
    }
    return 0;
}

/* Resolve a style through its parents (at most 16 steps): heading level, list, dir, lang. */
static void style_resolve(const styles *ss, const char *id, int *outline, int *list, jisr_dir *dir,
                          char *lang, size_t langsz)
{
    for (int k = 0; k < 16; k++) {
        const pstyle *s = style_find(ss, id);
        if (!s)
            break;
        if (!*outline)
            *outline = s->outline;
        if (!*list)
            *list = s->list;
        if (!*dir)
            *dir = s->dir;
        if (!lang[0] && s->lang[0])
            snprintf(lang, langsz, "%s", s->lang);
        id = s->parent;
    }
    if (!*dir)
        *dir = ss->def_dir;
    if (!lang[0] && ss->def_lang[0])
        snprintf(lang, langsz, "%s", ss->def_lang);
}

/* Heading level from a style name: "heading 2", "Heading2", "Heading_20_2" (ODF), "Title". */
static int heading_from_name(const char *name)
{
    if (strcasecmp(name, "title") == 0)
        return -1;
    if (strncasecmp(name, "heading", 7) != 0)
        return 0;
    const char *p = name + 7;
    while (*p == ' ' || *p == '_' || (*p == '2' && p[1] == '0' && p[2] == '_'))
        p += *p == '2' ? 3 : 1;
    int lv = atoi(p);
    return lv > 0 && lv < 10 ? lv : 0;
}

/* WordprocessingML's namespace: Transitional (what Word writes by default; matched by its tail,
 * as before) or Strict (ISO/IEC 29500 Strict: Word's "Strict Open XML Document"). */
#define W_NS "wordprocessingml/2006/main"
#define W_NS_TRANSITIONAL "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"

static int is_w(const char *ns)
{
    return is_ns(ns, W_NS) || strcmp(ns, W_NS_STRICT) == 0;
}

/* An attribute by qualified name; a "w:" one is also looked up by namespace (Transitional or
 * Strict), whatever prefix the document binds to it. malloc'd or NULL. */
static char *attr_of(doc_xml *x, const char *q)
{
    char *v = doc_xml_attr(x, q);
    if (v || strncmp(q, "w:", 2) != 0)
        return v;
    const char *uris[] = {W_NS_TRANSITIONAL, W_NS_STRICT};
    for (size_t i = 0; i < 2; i++) {
        xmlChar *a =
            xmlTextReaderGetAttributeNs(x->r, (const xmlChar *)q + 2, (const xmlChar *)uris[i]);
        if (a) {
            v = jisr_strdup((const char *)a);
            xmlFree(a);
            return v;
        }
    }
    return NULL;
}

static void copy_attr(doc_xml *x, const char *q, char *out, size_t outsz)
{
    char *v = attr_of(x, q);
    if (v) {
        snprintf(out, outsz, "%s", v);
        free(v);
    }
}

/* ---- DOCX ---------------------------------------------------------------------------------- */

static int docx_styles(jisr_doc *d, zip_t *z, const char *name, styles *ss)
{
    zsrc s;
    doc_xml x;
    int rc = part_open(d, z, name, &s, &x);
    if (rc <= 0)
        return rc;
    pstyle *cur = NULL;
    int in_defaults = 0;
    while ((rc = doc_xml_next(&x)) > 0) {
        const char *l, *ns;
        int t = doc_xml_node(&x, &l, &ns);
        if (t == 2 && strcmp(l, "style") == 0)
            cur = NULL;
        if (t == 2 && strcmp(l, "docDefaults") == 0)
            in_defaults = 0;
        if ((t != 1 && t != 3) || !is_w(ns))
            continue;
        if (strcmp(l, "docDefaults") == 0) {
            in_defaults = t == 1;
        } else if (strcmp(l, "style") == 0) {
            char type[32] = "";
            copy_attr(&x, "w:type", type, sizeof type);
            cur = strcmp(type, "paragraph") == 0 && t == 1 ? style_add(d, ss) : NULL;
            if (cur)
                copy_attr(&x, "w:styleId", cur->id, sizeof cur->id);
            else if (d->err)
                rc = d->err;
        } else if (cur && strcmp(l, "name") == 0) {
            copy_attr(&x, "w:val", cur->name, sizeof cur->name);
            int h = heading_from_name(cur->name);
            if (h)
                cur->outline = h;
        } else if (cur && strcmp(l, "basedOn") == 0) {
            copy_attr(&x, "w:val", cur->parent, sizeof cur->parent);
        } else if (cur && strcmp(l, "outlineLvl") == 0) {
            char v[16] = "";
            copy_attr(&x, "w:val", v, sizeof v);
            int lv = atoi(v);
            if (lv >= 0 && lv < 9 && cur->outline == 0)
                cur->outline = lv + 1;
        } else if (cur && strcmp(l, "numPr") == 0) {
            cur->list = 1;
        } else if (cur && strcmp(l, "bidi") == 0) {
            char *v = attr_of(&x, "w:val");
            cur->dir = truthy(v) ? JISR_DIR_RTL : JISR_DIR_LTR;
            free(v);
        } else if ((cur || in_defaults) && strcmp(l, "lang") == 0) {
            char *lang = cur ? cur->lang : ss->def_lang;
            char bidi[32] = "", val[32] = "";
            copy_attr(&x, "w:bidi", bidi, sizeof bidi);
            copy_attr(&x, "w:val", val, sizeof val);
            snprintf(lang, 32, "%s", val[0] ? val : bidi);
        }
        if (rc < 0)
            break;
    }
    part_close(&s, &x);
    return rc < 0 ? rc : 0;
}

/* Targets of a .rels part: the officeDocument (or styles, footnotes, endnotes) relationship. */
static int docx_rels(jisr_doc *d, zip_t *z, const char *name, const char *base, char *main,
                     char *styles_p, char *foot, char *end, size_t sz)
{
    zsrc s;
    doc_xml x;
    int rc = part_open(d, z, name, &s, &x);
    if (rc <= 0)
        return rc;
    while ((rc = doc_xml_next(&x)) > 0) {
        const char *l;
        int t = doc_xml_node(&x, &l, NULL);
        if ((t != 1 && t != 3) || strcmp(l, "Relationship") != 0)
            continue;
        char *type = doc_xml_attr(&x, "Type"), *target = doc_xml_attr(&x, "Target");
        char *mode = doc_xml_attr(&x, "TargetMode");
        if (type && target && !(mode && strcasecmp(mode, "External") == 0)) {
            const char *tail = strrchr(type, '/');
            tail = tail ? tail + 1 : type;
            char *slot = main && strcmp(tail, "officeDocument") == 0 ? main
                         : styles_p && strcmp(tail, "styles") == 0   ? styles_p
                         : foot && strcmp(tail, "footnotes") == 0    ? foot
                         : end && strcmp(tail, "endnotes") == 0      ? end
                                                                     : NULL;
            if (slot) {
                if (target[0] == '/')
                    snprintf(slot, sz, "%s", target + 1);
                else
                    snprintf(slot, sz, "%s%s", base, target);
            }
        }
        free(type);
        free(target);
        free(mode);
    }
    part_close(&s, &x);
    return rc < 0 ? rc : 0;
}

/* Elements whose whole content is left out of a DOCX body. */
static int docx_skipped(const char *l, const char *ns)
{
    if (is_ns(ns, "markup-compatibility/2006"))
        return strcmp(l, "Fallback") == 0;
    if (!is_w(ns))
        return 0;
    /* the *Change elements of tracked formatting hold the PREVIOUS properties (a w:vanish there
     * says the text was hidden before the change, not that it is now) */
    static const char *const skip[] = {
        "del",        "moveFrom",   "instrText",     "delInstrText",    "sectPr",
        "tblPr",      "trPr",       "tcPr",          "fldData",         "comment",
        "tblGrid",    "footnotePr", "endnotePr",     "headerReference", "footerReference",
        "rPrChange",  "pPrChange",  "sectPrChange",  "tblPrChange",     "tblPrExChange",
        "trPrChange", "tcPrChange", "tblGridChange", "numberingChange"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strcmp(l, skip[i]) == 0)
            return 1;
    return 0;
}

/* Adobe's Symbol font (what Word's Insert Symbol writes as <w:sym w:font="Symbol"
 * w:char="F0B1"/>, the private-use U+F000 + its code) in Unicode: one character for each code
 * from 0x20 to 0xF2, \x01 where the font has no glyph or only a piece of a larger one (bracket
 * and radical extenders). */
static const char SYMBOL_FONT[] =
    " !∀#∃%&∋()∗+,−./"                                                 /* 0x20 */
    "0123456789:;<=>?"                                                 /* 0x30 */
    "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟ"                                                 /* 0x40 */
    "ΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"                                                 /* 0x50 */
    "\x01αβχδεφγηιϕκλμνο"                                              /* 0x60 */
    "πθρστυϖωξψζ{|}∼\x01"                                              /* 0x70 */
    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" /* 0x80 */
    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" /* 0x90 */
    "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓"                                                 /* 0xA0 */
    "°±″≥×∝∂•÷≠≡≈…\x01\x01↵"                                           /* 0xB0 */
    "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉"                                                 /* 0xC0 */
    "∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"                                                 /* 0xD0 */
    "◊〈®©™∑\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"                  /* 0xE0 */
    "\x01〉∫";                                                         /* 0xF0 */

/* The k-th character of a UTF-8 string s into buf (NUL-terminated), or NULL past its end or
 * where it is \x01. */
static const char *utf8_nth(const char *s, size_t k, char *buf)
{
    for (; *s && k; k--)
        for (s++; ((unsigned char)*s & 0xC0) == 0x80; s++)
            ;
    if (!*s || *s == '\x01')
        return NULL;
    size_t n = 1;
    while (((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* The text of <w:sym w:font w:char>: the Symbol font's glyphs in Unicode, Wingdings' check and
 * ballot marks, a code point outside the private-use area as itself; anything else (a picture
 * font's private-use glyph) NULL: the caller leaves a space, so that "5", the symbol and "1" never
 * glue into "51". */
static const char *docx_sym(const char *font, const char *hex, char *buf)
{
    char *e;
    unsigned long c = hex ? strtoul(hex, &e, 16) : 0;
    if (!hex || e == hex || *e || c == 0 || c > 0x10FFFF)
        return NULL;
    unsigned low = (c >= 0xF000 && c <= 0xF0FF) || c <= 0xFF ? (unsigned)(c & 0xFF) : 0x100;
    if (font && strcasecmp(font, "Symbol") == 0 && low >= 0x20 && low < 0x100)
        return utf8_nth(SYMBOL_FONT, low - 0x20, buf);
    if (font && strncasecmp(font, "Wingdings", 9) == 0 && low >= 0xFB && low <= 0xFE) {
        static const char *const marks[] = {"✗", "✓", "☒", "☑"};
        return marks[low - 0xFB];
    }
    if ((c >= 0xE000 && c <= 0xF8FF) || (c >= 0xD800 && c <= 0xDFFF) || c < 0x20)
        return NULL;
    size_t k = 0; /* UTF-8 */
    if (c < 0x80) {
        buf[k++] = (char)c;
    } else if (c < 0x800) {
        buf[k++] = (char)(0xC0 | (c >> 6));
        buf[k++] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        buf[k++] = (char)(0xE0 | (c >> 12));
        buf[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
        buf[k++] = (char)(0x80 | (c & 0x3F));
    } else {
        buf[k++] = (char)(0xF0 | (c >> 18));
        buf[k++] = (char)(0x80 | ((c >> 12) & 0x3F));
        buf[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
        buf[k++] = (char)(0x80 | (c & 0x3F));
    }
    buf[k] = '\0';
    return buf;
}

/* Does an mc:Choice require a namespace jisr does not read? Word 2016's w16se:symEx (an emoji
 * as a font and a code point, no w:t) is one: its mc:Fallback has the emoji as text. */
static int choice_not_understood(doc_xml *x)
{
    char *req = doc_xml_attr(x, "Requires");
    int r = 0;
    for (const char *p = req; p && *p;) {
        while (*p == ' ')
            p++;
        size_t k = strcspn(p, " ");
        r |= k == 5 && strncmp(p, "w16se", 5) == 0;
        p += k;
    }
    free(req);
    return r;
}

static int docx_emit(jisr_doc *d, const styles *ss, opara *p, const char *part, int notes)
{
    int outline = p->outline, list = p->list;
    jisr_dir dir = p->dir;
    char lang[32];
    snprintf(lang, sizeof lang, "%s", p->lang);
    style_resolve(ss, p->style, &outline, &list, &dir, lang, sizeof lang);
    jisr_para_kind kind = JISR_PARA_BODY;
    int level = 0;
    if (notes) {
        kind = JISR_PARA_FOOTNOTE;
    } else if (outline == -1) {
        kind = JISR_PARA_TITLE;
    } else if (outline > 0) {
        kind = JISR_PARA_HEADING;
        level = outline;
    } else if (list) {
        kind = JISR_PARA_LIST_ITEM;
        level = p->ilvl + 1;
    } else if (p->cell) {
        kind = JISR_PARA_CELL;
    }
    return doc_add(d, p->text.data ? p->text.data : "", p->text.len, kind, level, dir, lang, part,
                   NULL, p->line, p->col);
}

static int docx_body(jisr_doc *d, zip_t *z, const char *name, const styles *ss, int notes)
{
    zsrc s;
    doc_xml x;
    int rc = part_open(d, z, name, &s, &x);
    if (rc <= 0)
        return rc;
    const char *part = doc_part(d, name);
    pstack ps = {0};
    int skip = 0;   /* depth of a skipped element, 0 = none */
    int in_t = 0;   /* inside w:t */
    int in_ppr = 0; /* inside w:pPr (its w:tabs are tab stops, not tabs) */
    int cells = 0;  /* open w:tc */
    int in_rpr = 0; /* inside a run's w:rPr */
    int hidden = 0; /* the current run is hidden (w:vanish) */
    /* fallback[k]: the mc:AlternateContent at depth k had its mc:Choice passed over, so that its
     * mc:Fallback is read instead of being skipped */
    unsigned char fallback[DOC_XML_DEPTH_MAX + 2] = {0};
    while ((rc = doc_xml_next(&x)) > 0) {
        const char *l, *ns;
        int t = doc_xml_node(&x, &l, &ns);
        int depth = xmlTextReaderDepth(x.r);
        if (skip) {
            if (t == 2 && depth == skip - 1)
                skip = 0;
            continue;
        }
        opara *p = ps.n ? &ps.v[ps.n - 1] : NULL;
        if (t == 4) {
            if (in_t && p && !hidden) {
                const xmlChar *v = xmlTextReaderConstValue(x.r);
                if (v &&
                    (rc = para_append(d, p, (const char *)v, strlen((const char *)v), part)) < 0)
                    break;
            }
            continue;
        }
        if (t == 1 || t == 3) {
            if (notes && t == 1 && is_w(ns) &&
                (strcmp(l, "footnote") == 0 || strcmp(l, "endnote") == 0)) {
                char ty[40] = "";
                copy_attr(&x, "w:type", ty, sizeof ty);
                if (ty[0] && strcmp(ty, "normal") != 0) { /* separators */
                    skip = depth + 1;
                    continue;
                }
            }
            if (is_ns(ns, "markup-compatibility/2006") && depth <= DOC_XML_DEPTH_MAX) {
                if (strcmp(l, "AlternateContent") == 0) {
                    fallback[depth] = 0;
                } else if (strcmp(l, "Choice") == 0 && depth > 0 && choice_not_understood(&x)) {
                    fallback[depth - 1] = 1;
                    if (t == 1)
                        skip = depth + 1;
                    continue;
                } else if (strcmp(l, "Fallback") == 0 && depth > 0 && fallback[depth - 1]) {
                    fallback[depth - 1] = 0;
                    continue;
                }
            }
            if (docx_skipped(l, ns)) {
                if (t == 1)
                    skip = depth + 1;
                continue;
            }
            if (!is_w(ns))
                continue;
            if (strcmp(l, "p") == 0) {
                if (t == 3)
                    continue;
                if (!(p = push_para(d, &ps, &x))) {
                    rc = d->err;
                    break;
                }
                p->cell = cells > 0;
            } else if (strcmp(l, "tc") == 0 && t == 1) {
                cells++;
            } else if (strcmp(l, "pPr") == 0 && t == 1) {
                in_ppr = 1;
            } else if (strcmp(l, "r") == 0) {
                hidden = 0;
            } else if (strcmp(l, "rPr") == 0 && t == 1 && !in_ppr) {
                in_rpr = 1;
            } else if (in_rpr && (strcmp(l, "vanish") == 0 || strcmp(l, "specVanish") == 0)) {
                char *hv = attr_of(&x, "w:val");
                hidden = truthy(hv);
                free(hv);
            } else if (strcmp(l, "t") == 0 && t == 1) {
                in_t = 1;
            } else if (!p) {
                continue;
            } else if (in_ppr) {
                char v[128] = "";
                if (strcmp(l, "pStyle") == 0) {
                    copy_attr(&x, "w:val", p->style, sizeof p->style);
                } else if (strcmp(l, "numPr") == 0) {
                    p->list = 1;
                } else if (strcmp(l, "ilvl") == 0) {
                    copy_attr(&x, "w:val", v, sizeof v);
                    p->ilvl = atoi(v) >= 0 && atoi(v) < 10 ? atoi(v) : 0;
                } else if (strcmp(l, "numId") == 0) {
                    copy_attr(&x, "w:val", v, sizeof v);
                    if (strcmp(v, "0") == 0) /* numbering switched off */
                        p->list = -1;
                } else if (strcmp(l, "outlineLvl") == 0) {
                    copy_attr(&x, "w:val", v, sizeof v);
                    if (atoi(v) >= 0 && atoi(v) < 9)
                        p->outline = atoi(v) + 1;
                } else if (strcmp(l, "bidi") == 0) {
                    char *bv = attr_of(&x, "w:val");
                    p->dir = truthy(bv) ? JISR_DIR_RTL : JISR_DIR_LTR;
                    free(bv);
                }
            } else if (hidden) {
                continue;
            } else if (strcmp(l, "tab") == 0) {
                rc = para_append(d, p, "\t", 1, part);
            } else if (strcmp(l, "br") == 0 || strcmp(l, "cr") == 0) {
                rc = para_append(d, p, "\n", 1, part);
            } else if (strcmp(l, "noBreakHyphen") == 0) {
                rc = para_append(d, p, "\xE2\x80\x91", 3, part);
            } else if (strcmp(l, "sym") == 0) {
                char *font = attr_of(&x, "w:font"), *ch = attr_of(&x, "w:char"), buf[8];
                const char *u = docx_sym(font, ch, buf);
                if (!u && (!p->text.len || !strchr(" \t\n", p->text.data[p->text.len - 1])))
                    u = " ";
                if (u)
                    rc = para_append(d, p, u, strlen(u), part);
                free(font);
                free(ch);
            } else if (strcmp(l, "lang") == 0 && !p->lang[0]) {
                char bidi[32] = "", val[32] = "";
                copy_attr(&x, "w:bidi", bidi, sizeof bidi);
                copy_attr(&x, "w:val", val, sizeof val);
                snprintf(p->lang, sizeof p->lang, "%s",
                         p->dir == JISR_DIR_RTL && bidi[0] ? bidi
                         : val[0]                          ? val
                                                           : bidi);
            }
            if (rc < 0)
                break;
            continue;
        }
        if (t != 2 || !is_w(ns))
            continue;
        if (strcmp(l, "t") == 0) {
            in_t = 0;
        } else if (strcmp(l, "rPr") == 0) {
            in_rpr = 0;
        } else if (strcmp(l, "r") == 0) {
            hidden = 0;
        } else if (strcmp(l, "pPr") == 0) {
            in_ppr = 0;
        } else if (strcmp(l, "tc") == 0) {
            cells--;
        } else if (strcmp(l, "p") == 0 && p) {
            if (p->list < 0)
                p->list = 0;
            rc = docx_emit(d, ss, p, part, notes);
            jisr_buf_free(&p->text);
            ps.n--;
            if (rc < 0)
                break;
        }
    }
    pstack_free(&ps);
    part_close(&s, &x);
    return rc < 0 ? rc : 0;
}

/* The content type that [Content_Types].xml gives the part main (an Override's PartName,
 * compared without case as OPC says) into type, "" when it gives none. A malformed list is not
 * an error here (it was never read before this check): the part name decides then. */
static int content_type(jisr_doc *d, zip_t *z, const char *main, char *type, size_t sz)
{
    zsrc s;
    doc_xml x;
    type[0] = '\0';
    int rc = part_open(d, z, "[Content_Types].xml", &s, &x);
    if (rc <= 0)
        return rc;
    while ((rc = doc_xml_next(&x)) > 0) {
        const char *l;
        int t = doc_xml_node(&x, &l, NULL);
        if ((t != 1 && t != 3) || strcmp(l, "Override") != 0)
            continue;
        char *pn = doc_xml_attr(&x, "PartName"), *ct = doc_xml_attr(&x, "ContentType");
        int hit = pn && ct && pn[0] == '/' && strcasecmp(pn + 1, main) == 0;
        if (hit)
            snprintf(type, sz, "%s", ct);
        free(pn);
        free(ct);
        if (hit)
            break;
    }
    part_close(&s, &x);
    if (rc == JISR_EPARSE) {
        d->err = 0;
        memset(&d->saved, 0, sizeof d->saved);
        type[0] = '\0';
        rc = 0;
    }
    return rc < 0 ? rc : 0;
}

/* An Office Open XML package that is not a word-processing document (a spreadsheet, a
 * presentation) has no w:p to read: said as such (an error, not a document without text). Its
 * main part's content type tells, else the part's folder (xl/, ppt/). */
static int docx_kind(jisr_doc *d, zip_t *z, const char *main)
{
    char type[256];
    int rc = content_type(d, z, main, type, sizeof type);
    if (rc < 0)
        return rc;
    const char *what = NULL;
    if (strstr(type, "wordprocessingml") || strstr(type, "ms-word"))
        return 0;
    if (strstr(type, "spreadsheetml") || strstr(type, "ms-excel") ||
        (!type[0] && strncmp(main, "xl/", 3) == 0))
        what = "a spreadsheet (XLSX)";
    else if (strstr(type, "presentationml") || strstr(type, "ms-powerpoint") ||
             (!type[0] && strncmp(main, "ppt/", 4) == 0))
        what = "a presentation (PPTX)";
    else if (strstr(type, "ms-visio"))
        what = "a drawing (VSDX)";
    if (!what)
        return 0; /* unknown: read as a DOCX, as before */
    return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0,
                     "%s, which jisr does not read: it reads word-processing documents (DOCX, "
                     "ODT), text, HTML, XLIFF and PDF",
                     what);
}

static int read_docx(jisr_doc *d, zip_t *z)
{
    char main[512] = "word/document.xml", st[512] = "", fn[512] = "", en[512] = "";
    int rc = docx_rels(d, z, "_rels/.rels", "", main, NULL, NULL, NULL, sizeof main);
    if (rc < 0 || (rc = docx_kind(d, z, main)) < 0)
        return rc;
    if (doc_libzip.name_locate(z, main, 0) < 0)
        return doc_error(d, JISR_EPARSE, NULL, 0, 0, "a DOCX without its main part %s", main);
    /* the main part's relationships: word/_rels/document.xml.rels */
    char base[400], rels[1000];
    const char *slash = strrchr(main, '/');
    size_t bl = slash ? (size_t)(slash - main + 1) : 0;
    snprintf(base, sizeof base, "%.*s", (int)(bl < 399 ? bl : 399), main);
    snprintf(rels, sizeof rels, "%s_rels/%.500s.rels", base, main + bl);
    if ((rc = docx_rels(d, z, rels, base, NULL, st, fn, en, sizeof st)) < 0)
        return rc;
    if (!st[0] && strlen(base) + 11 < sizeof st)
        snprintf(st, sizeof st, "%.500sstyles.xml", base);
    styles ss = {0};
    rc = docx_styles(d, z, st, &ss);
    if (rc == 0)
        rc = docx_body(d, z, main, &ss, 0);
    if (rc == 0 && fn[0])
        rc = docx_body(d, z, fn, &ss, 1);
    if (rc == 0 && en[0])
        rc = docx_body(d, z, en, &ss, 1);
    free(ss.v);
    return rc;
}

/* ---- ODT ------------------------------------------------------------------------------------- */

#define ODF_TEXT ":text:1.0"
#define ODF_STYLE ":style:1.0"
#define ODF_OFFICE ":office:1.0"
#define ODF_TABLE ":table:1.0"
#define ODF_FO ":xsl-fo-compatible:1.0"

/* Paragraph styles of content.xml's automatic styles or styles.xml. */
static int odt_styles(jisr_doc *d, zip_t *z, const char *name, styles *ss)
{
    zsrc s;
    doc_xml x;
    int rc = part_open(d, z, name, &s, &x);
    if (rc <= 0)
        return rc;
    pstyle *cur = NULL;
    int is_default = 0;
    while ((rc = doc_xml_next(&x)) > 0) {
        const char *l, *ns;
        int t = doc_xml_node(&x, &l, &ns);
        if (t == 2 && (strcmp(l, "style") == 0 || strcmp(l, "default-style") == 0)) {
            cur = NULL;
            is_default = 0;
        }
        if (t == 1 && is_ns(ns, ODF_OFFICE) && strcmp(l, "body") == 0)
            break; /* styles come before the body */
        if ((t != 1 && t != 3) || !is_ns(ns, ODF_STYLE))
            continue;
        if (strcmp(l, "style") == 0 || strcmp(l, "default-style") == 0) {
            char fam[32] = "";
            copy_attr(&x, "style:family", fam, sizeof fam);
            cur = NULL;
            is_default = 0;
            if (strcmp(fam, "paragraph") == 0 && strcmp(l, "default-style") == 0) {
                is_default = t == 1;
            } else if (strcmp(fam, "paragraph") == 0 || strcmp(fam, "text") == 0) {
                if (!(cur = style_add(d, ss))) {
                    rc = d->err;
                    break;
                }
                cur->text = fam[0] == 't';
                copy_attr(&x, "style:name", cur->id, sizeof cur->id);
                copy_attr(&x, "style:parent-style-name", cur->parent, sizeof cur->parent);
                copy_attr(&x, "style:display-name", cur->name, sizeof cur->name);
                int h = heading_from_name(cur->name[0] ? cur->name : cur->id);
                char lvl[16] = "";
                copy_attr(&x, "style:default-outline-level", lvl, sizeof lvl);
                cur->outline = h ? h : atoi(lvl) > 0 && atoi(lvl) < 10 ? atoi(lvl) : 0;
                if (t == 3)
                    cur = NULL;
            }
        } else if ((cur || is_default) && strcmp(l, "paragraph-properties") == 0) {
            char wm[16] = "";
            copy_attr(&x, "style:writing-mode", wm, sizeof wm);
            jisr_dir dir = strncmp(wm, "rl", 2) == 0   ? JISR_DIR_RTL
                           : strncmp(wm, "lr", 2) == 0 ? JISR_DIR_LTR
                                                       : JISR_DIR_NONE;
            if (cur)
                cur->dir = dir;
            else
                ss->def_dir = dir;
        } else if ((cur || is_default) && strcmp(l, "text-properties") == 0) {
            char lang[16] = "", country[16] = "", clang[16] = "", ccountry[16] = "", disp[16] = "";
            copy_attr(&x, "text:display", disp, sizeof disp);
            if (cur && disp[0]) /* "none" hides, as Writer does; "true" or a condition shows */
                cur->hidden = strcmp(disp, "none") == 0 ? 1 : -1;
            copy_attr(&x, "fo:language", lang, sizeof lang);
            copy_attr(&x, "fo:country", country, sizeof country);
            copy_attr(&x, "style:language-complex", clang, sizeof clang);
            copy_attr(&x, "style:country-complex", ccountry, sizeof ccountry);
            char *out = cur ? cur->lang : ss->def_lang;
            jisr_dir dir = cur ? cur->dir : ss->def_dir;
            /* right-to-left text is written in the "complex" script's language */
            const char *lg = dir == JISR_DIR_RTL && clang[0] ? clang : lang;
            const char *ct = dir == JISR_DIR_RTL && clang[0] ? ccountry : country;
            if (lg[0] && strcmp(lg, "none") != 0)
                snprintf(out, 32, "%s%s%s", lg, ct[0] && strcmp(ct, "none") != 0 ? "-" : "",
                         ct[0] && strcmp(ct, "none") != 0 ? ct : "");
        }
    }
    part_close(&s, &x);
    return rc < 0 ? rc : 0;
}

static int odt_emit(jisr_doc *d, const styles *ss, opara *p, const char *part, int lists)
{
    if (style_hidden(ss, p->style, 0))
        return 0; /* hidden text (text:display="none"), like DOCX's w:vanish */
    int outline = 0, list = 0;
    jisr_dir dir = JISR_DIR_NONE;
    char lang[32] = "";
    style_resolve(ss, p->style, &outline, &list, &dir, lang, sizeof lang);
    jisr_para_kind kind = JISR_PARA_BODY;
    int level = 0;
    if (p->note) {
        kind = JISR_PARA_FOOTNOTE;
    } else if (p->heading || outline > 0) {
        kind = JISR_PARA_HEADING;
        level = p->heading ? p->heading : outline;
    } else if (outline == -1) {
        kind = JISR_PARA_TITLE;
    } else if (lists > 0) {
        kind = JISR_PARA_LIST_ITEM;
        level = lists;
    } else if (p->cell) {
        kind = JISR_PARA_CELL;
    }
    return doc_add(d, p->text.data ? p->text.data : "", p->text.len, kind, level, dir, lang, part,
                   NULL, p->line, p->col);
}

/* Append ODF text: white space collapses (explicit text:s spaces do not). */
static int odt_text(jisr_doc *d, opara *p, const char *s, const char *part, int *soft)
{
    int rc = 0;
    for (; rc == 0 && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!*soft && p->text.len)
                rc = para_append(d, p, " ", 1, part);
            *soft = 1;
            continue;
        }
        *soft = 0;
        size_t k = 1;
        while (s[k] && s[k] != ' ' && s[k] != '\t' && s[k] != '\n' && s[k] != '\r')
            k++;
        rc = para_append(d, p, s, k, part);
        s += k - 1;
    }
    return rc;
}

/* An OpenDocument package that is not text: its mimetype entry (the first, uncompressed, a few
 * bytes: at most 127 are read) says spreadsheet, presentation, graphics … An ODS's cells would
 * otherwise be read as if they were a text's table. */
static int odf_kind(jisr_doc *d, zip_t *z)
{
    zsrc s;
    int rc = entry_open(d, z, "mimetype", &s);
    if (rc <= 0)
        return rc;
    char mt[128];
    zip_int64_t got = doc_libzip.fread(s.zf, mt, sizeof mt - 1);
    entry_close(&s);
    mt[got > 0 ? got : 0] = '\0';
    for (char *c = mt; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7F)
            *c = '\0'; /* a name, not bytes to print */
    static const char odf[] = "application/vnd.oasis.opendocument.";
    if (strncmp(mt, odf, sizeof odf - 1) != 0)
        return 0; /* not said: read as before */
    const char *k = mt + sizeof odf - 1;
    if (strncmp(k, "text", 4) == 0)
        return 0;
    char what[200];
    if (strncmp(k, "spreadsheet", 11) == 0)
        snprintf(what, sizeof what, "a spreadsheet (ODS)");
    else if (strncmp(k, "presentation", 12) == 0)
        snprintf(what, sizeof what, "a presentation (ODP)");
    else if (strncmp(k, "graphics", 8) == 0)
        snprintf(what, sizeof what, "a drawing (ODG)");
    else
        snprintf(what, sizeof what, "an OpenDocument file that is not text (%s)", mt);
    return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0,
                     "%s, which jisr does not read: it reads word-processing documents (DOCX, "
                     "ODT), text, HTML, XLIFF and PDF",
                     what);
}

/* A password-protected ODF package is a ZIP like any other, its parts encrypted one by one by
 * the office suite (not by ZIP's own encryption): META-INF/manifest.xml gives them
 * <manifest:encryption-data>. Without this check the first encrypted part fails as malformed
 * XML ("Document is empty"). */
static int odf_encrypted(jisr_doc *d, zip_t *z)
{
    zsrc s;
    doc_xml x;
    int rc = part_open(d, z, "META-INF/manifest.xml", &s, &x);
    if (rc <= 0)
        return rc;
    int enc = 0;
    while (!enc && (rc = doc_xml_next(&x)) > 0) {
        const char *l, *ns;
        int t = doc_xml_node(&x, &l, &ns);
        enc = (t == 1 || t == 3) && strcmp(l, "encryption-data") == 0 && ns &&
              is_ns(ns, ":manifest:1.0");
    }
    part_close(&s, &x);
    if (enc)
        return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0,
                         "an encrypted (password-protected) OpenDocument file is not supported: "
                         "save it without a password");
    if (rc < 0) { /* a malformed manifest is not this check's to report: the parts decide */
        d->err = 0;
        memset(&d->saved, 0, sizeof d->saved);
    }
    return 0;
}

/* An ODT's notes sit inside the paragraph that cites them, and a note's paragraphs close (and
 * are added) before that paragraph does. DOCX keeps them in parts of their own, read after the
 * body. Moving paragraphs[first..] of kind footnote behind the others (stably) gives both
 * formats the same order: a note between its anchor's neighbours would pair with nothing, or
 * with the wrong sentence, when an ODT is aligned with its translation's DOCX. */
static int notes_last(jisr_doc *d, size_t first)
{
    size_t n = d->npara - first, k = 0;
    for (size_t i = first; i < d->npara; i++)
        k += d->paras[i].kind == JISR_PARA_FOOTNOTE;
    if (!k || k == n)
        return 0;
    doc_para *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    size_t a = 0, b = n - k;
    for (size_t i = first; i < d->npara; i++)
        tmp[d->paras[i].kind == JISR_PARA_FOOTNOTE ? b++ : a++] = d->paras[i];
    memcpy(d->paras + first, tmp, n * sizeof *tmp);
    free(tmp);
    return 0;
}

static int read_odt(jisr_doc *d, zip_t *z)
{
    styles ss = {0};
    int rc = odf_encrypted(d, z);
    if (rc == 0)
        rc = odf_kind(d, z);
    if (rc == 0)
        rc = odt_styles(d, z, "styles.xml", &ss);
    if (rc == 0)
        rc = odt_styles(d, z, "content.xml", &ss); /* automatic styles, looked up first */
    zsrc s;
    doc_xml x;
    if (rc == 0 && (rc = part_open(d, z, "content.xml", &s, &x)) == 0)
        rc = doc_error(d, JISR_EPARSE, NULL, 0, 0, "an ODT without content.xml");
    if (rc < 0) {
        free(ss.v);
        return rc;
    }
    const char *part = doc_part(d, "content.xml");
    pstack ps = {0};
    size_t first = d->npara;
    int in_body = 0, skip = 0, cells = 0, notes = 0, lists = 0, soft = 0;
    while ((rc = doc_xml_next(&x)) > 0) {
        const char *l, *ns;
        int t = doc_xml_node(&x, &l, &ns);
        int depth = xmlTextReaderDepth(x.r);
        if (skip) {
            if (t == 2 && depth == skip - 1)
                skip = 0;
            continue;
        }
        if (!in_body) {
            if (t == 1 && is_ns(ns, ODF_OFFICE) && strcmp(l, "body") == 0)
                in_body = 1;
            continue;
        }
        opara *p = ps.n ? &ps.v[ps.n - 1] : NULL;
        if (t == 4) {
            const xmlChar *v = xmlTextReaderConstValue(x.r);
            if (p && v && (rc = odt_text(d, p, (const char *)v, part, &soft)) < 0)
                break;
            continue;
        }
        if (t == 1 || t == 3) {
            if ((is_ns(ns, ODF_OFFICE) && strcmp(l, "annotation") == 0) ||
                (is_ns(ns, ODF_TEXT) &&
                 (strcmp(l, "tracked-changes") == 0 || strcmp(l, "note-citation") == 0 ||
                  strcmp(l, "sequence-decls") == 0)) ||
                (is_ns(ns, ":svg-compatible:1.0") &&
                 (strcmp(l, "title") == 0 || strcmp(l, "desc") == 0))) {
                if (t == 1)
                    skip = depth + 1;
                continue;
            }
            if (t == 1 && is_ns(ns, ODF_TEXT) && strcmp(l, "span") == 0) {
                char st[128] = "";
                copy_attr(&x, "text:style-name", st, sizeof st);
                if (style_hidden(&ss, st, 1)) {
                    skip = depth + 1;
                    continue;
                }
            }
            if (is_ns(ns, ODF_TABLE) && strcmp(l, "table-cell") == 0 && t == 1) {
                cells++;
            } else if (is_ns(ns, ODF_TEXT) && strcmp(l, "list") == 0 && t == 1) {
                lists++;
            } else if (is_ns(ns, ODF_TEXT) && strcmp(l, "note-body") == 0 && t == 1) {
                notes++;
            } else if (is_ns(ns, ODF_TEXT) && (strcmp(l, "p") == 0 || strcmp(l, "h") == 0)) {
                if (t == 3)
                    continue;
                if (!(p = push_para(d, &ps, &x))) {
                    rc = d->err;
                    break;
                }
                soft = 1;
                p->cell = cells > 0;
                p->note = notes > 0;
                p->ilvl = lists;
                copy_attr(&x, "text:style-name", p->style, sizeof p->style);
                if (strcmp(l, "h") == 0) {
                    char lv[16] = "";
                    copy_attr(&x, "text:outline-level", lv, sizeof lv);
                    p->heading = atoi(lv) > 0 && atoi(lv) < 11 ? atoi(lv) : 1;
                }
            } else if (p && is_ns(ns, ODF_TEXT) && strcmp(l, "tab") == 0) {
                rc = para_append(d, p, "\t", 1, part);
                soft = 0;
            } else if (p && is_ns(ns, ODF_TEXT) && strcmp(l, "line-break") == 0) {
                rc = para_append(d, p, "\n", 1, part);
                soft = 1;
            } else if (p && is_ns(ns, ODF_TEXT) && strcmp(l, "s") == 0) {
                char c[16] = "";
                copy_attr(&x, "text:c", c, sizeof c);
                int k = c[0] ? atoi(c) : 1;
                rc = 0; /* (was the reader's 1: the loop below must run) */
                for (int i = 0; rc == 0 && i < (k < 1 ? 1 : k > 1000 ? 1000 : k); i++)
                    rc = para_append(d, p, " ", 1, part);
                soft = 0;
            }
            if (rc < 0)
                break;
            continue;
        }
        if (t != 2)
            continue;
        if (is_ns(ns, ODF_TABLE) && strcmp(l, "table-cell") == 0) {
            cells--;
        } else if (is_ns(ns, ODF_TEXT) && strcmp(l, "list") == 0) {
            lists--;
        } else if (is_ns(ns, ODF_TEXT) && strcmp(l, "note-body") == 0) {
            notes--;
        } else if (is_ns(ns, ODF_TEXT) && (strcmp(l, "p") == 0 || strcmp(l, "h") == 0) && p) {
            rc = odt_emit(d, &ss, p, part, p->ilvl);
            jisr_buf_free(&p->text);
            ps.n--;
            soft = 0;
            if (rc < 0)
                break;
        }
    }
    pstack_free(&ps);
    part_close(&s, &x);
    free(ss.v);
    if (rc >= 0)
        rc = notes_last(d, first);
    return rc < 0 ? rc : 0;
}

/* ---- entry point ----------------------------------------------------------------------------- */

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcasecmp(s + n - k, suf) == 0;
}

int doc_zip_read(jisr_doc *d, const char *path, const void *data, size_t n, jisr_doc_format want)
{
    char lzerr[512];
    if (doc_libzip_load(lzerr, sizeof lzerr) < 0) /* jisr starts without it: zip_load.h */
        return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0,
                         "%s (jisr reads DOCX and ODT files with it)", lzerr);
    zip_error_t ze;
    doc_libzip.error_init(&ze);
    zip_t *z = NULL;
    int rc = 0;
    if (!path && n == 0) /* libzip takes no bytes for an archive without entries */
        return doc_error(d, JISR_EPARSE, NULL, 0, 0, "an empty file, not a %s",
                         want == JISR_DOC_ODT ? "ODT" : "DOCX");
    if (path) {
        int zerr = 0;
        z = doc_libzip.open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
        if (!z)
            doc_libzip.error_init_with_code(&ze, zerr);
    } else {
        zip_source_t *src = doc_libzip.source_buffer_create(data, n, 0, &ze);
        if (src && !(z = doc_libzip.open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze)))
            doc_libzip.source_free(src);
    }
    if (!z) {
        /* a file that starts as a ZIP archive but that libzip cannot open has lost its end (the
         * central directory is there): cut short by a download or a full disk, or damaged */
        unsigned char magic[4] = {0};
        size_t got = 0;
        if (data) {
            got = n < 4 ? n : 4;
            memcpy(magic, data, got);
        } else {
            FILE *f = fopen(path, "rb");
            if (f) {
                got = fread(magic, 1, 4, f);
                fclose(f);
            }
        }
        const char *kind = want == JISR_DOC_ODT ? "ODT" : "DOCX";
        if (got == 0)
            rc = doc_error(d, JISR_EPARSE, NULL, 0, 0, "an empty file, not a %s", kind);
        else if (got == 4 && memcmp(magic, "PK", 2) == 0)
            rc = doc_error(d, JISR_EPARSE, NULL, 0, 0,
                           "a truncated or damaged ZIP archive: the %s cannot be read (%s)", kind,
                           doc_libzip.error_strerror(&ze));
        else
            rc = doc_error(d, JISR_EPARSE, NULL, 0, 0,
                           "not a readable ZIP archive (%s) — a %s is one",
                           doc_libzip.error_strerror(&ze), kind);
        doc_libzip.error_fini(&ze);
        return rc;
    }
    doc_libzip.error_fini(&ze);
    zip_int64_t ne = doc_libzip.get_num_entries(z, 0);
    if (ne < 0 || (uint64_t)ne > d->opts.max_entries) {
        rc = doc_error(d, JISR_ETOOBIG, NULL, 0, 0,
                       "ZIP archive with %lld entries, more than the limit of %llu: refused",
                       (long long)ne, (unsigned long long)d->opts.max_entries);
        goto done;
    }
    int docx = doc_libzip.name_locate(z, "[Content_Types].xml", 0) >= 0 ||
               doc_libzip.name_locate(z, "word/document.xml", 0) >= 0;
    int odt = doc_libzip.name_locate(z, "content.xml", 0) >= 0;
    if (docx && (!odt || want != JISR_DOC_ODT)) {
        d->format = JISR_DOC_DOCX;
        rc = read_docx(d, z);
    } else if (odt) {
        d->format = JISR_DOC_ODT;
        rc = read_odt(d, z);
    } else {
        const char *nested = NULL;
        for (zip_int64_t i = 0; i < ne && !nested; i++) {
            const char *nm = doc_libzip.get_name(z, (zip_uint64_t)i, 0);
            if (nm && (has_suffix(nm, ".zip") || has_suffix(nm, ".docx") ||
                       has_suffix(nm, ".odt") || has_suffix(nm, ".jar")))
                nested = nm;
        }
        if (nested)
            rc = doc_error(d, JISR_EPARSE, NULL, 0, 0,
                           "a ZIP archive that is neither DOCX nor ODT (it holds archives such "
                           "as %s; nested archives are not opened)",
                           nested);
        else
            rc = doc_error(d, JISR_EPARSE, NULL, 0, 0,
                           "a ZIP archive that is neither DOCX (no word/document.xml) nor ODT "
                           "(no content.xml)");
    }
done:
    doc_libzip.discard(z);
    return rc;
}
