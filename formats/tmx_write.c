/*
 * tmx_write.c — streaming TMX 1.4b writer: one unit at a time into a buffer that is flushed
 * every 64 KiB, so memory stays flat however many units are written.
 *
 * Plain stdio rather than xmlTextWriter: the output is a fixed, shallow structure, inline tags
 * are already serialised XML (kept from the reader) that must be copied verbatim, and escaping
 * by hand is both faster and lets us reject characters XML cannot carry (C0 controls, U+FFFE)
 * with an error naming the unit, instead of writing a file no tool can read.
 *
 * Version: TMX 1.4b is the name of the spec, but its DTD (tmx14.dtd) declares
 * <!ATTLIST tmx version CDATA #FIXED "1.4">, so a file saying version="1.4b" is invalid against
 * it. We write version="1.4", which every reader (OmegaT, Okapi, translate-toolkit, Trados)
 * accepts as 1.4b. No DOCTYPE is written, so no reader tries to fetch the DTD.
 *
 * Element order follows the DTD: in <header>, <tu> and <tuv> the notes come first, then the
 * props (the DTD allows any interleaving; the unit model keeps each list's order).
 *
 * For OmegaT (JISR_WRITE_OMEGAT_SHORTCUTS): a tag holding an OmegaT shortcut is written as that
 * text, "&lt;b0&gt;Save&lt;/b0&gt;", as OmegaT's own memories hold it. OmegaT reads another
 * tool's TMX at "level 1" by default, dropping what inline elements hold, so
 * "<bpt i=\"1\">&lt;b0&gt;</bpt>Save<ept i=\"1\">&lt;/b0&gt;</ept>" would be "Save" to it and no
 * exact match for its segment "<b0>Save</b0>". The file stays valid TMX 1.4b: text where an
 * element was (a pair's other half, when it holds no shortcut, stays an element). Its header
 * says so with <prop type="x-jisr-omegat-shortcuts">, so that jisr's reader takes the
 * shortcuts as the tags they were (else the file, whose creationtool is jisr, would be read
 * as text and, imported into the memory it came from, add each unit with a shortcut again).
 */
#include <stdlib.h>
#include <string.h>

#include "formats/formats_int.h"

#define FLUSH_AT (1u << 16)

/* Check that s can be written as XML 1.0 text: valid UTF-8 and no character XML forbids. */
static int xml_ok(jisr_writer *w, const jisr_unit *u, const char *what, const char *s)
{
    size_t n = strlen(s), bad;
    if (fmt_check_utf8(s, n, &bad) < 0)
        return jisr_error_set(JISR_EENCODING, w->path, 0, 0,
                              "unit %lu%s%s%s: %s is not valid UTF-8 (byte %zu)", w->nunits + 1,
                              u->tuid ? " (tuid " : "", u->tuid ? u->tuid : "", u->tuid ? ")" : "",
                              what, bad);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        int forbidden =
            (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
            (c == 0xEF && i + 2 < n && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF));
        if (forbidden)
            return jisr_error_set(JISR_EENCODING, w->path, 0, 0,
                                  "unit %lu%s%s%s: %s holds a character XML cannot carry "
                                  "(byte 0x%02X at %zu)",
                                  w->nunits + 1, u->tuid ? " (tuid " : "", u->tuid ? u->tuid : "",
                                  u->tuid ? ")" : "", what, c, i);
    }
    return 0;
}

static int attr(jisr_buf *b, const char *name, const char *v)
{
    int rc;
    if (!v)
        return 0;
    if ((rc = jisr_buf_putc(b, ' ')) < 0 || (rc = jisr_buf_puts(b, name)) < 0 ||
        (rc = jisr_buf_puts(b, "=\"")) < 0 || (rc = fmt_xml_escape(b, v, strlen(v), 1)) < 0)
        return rc;
    return jisr_buf_putc(b, '"');
}

static int valid_segtype(const char *s)
{
    return s && (strcmp(s, "block") == 0 || strcmp(s, "paragraph") == 0 ||
                 strcmp(s, "sentence") == 0 || strcmp(s, "phrase") == 0);
}

static int meta_attrs(jisr_buf *b, const jisr_meta *m, int header)
{
    int rc;
    if ((rc = attr(b, "o-encoding", m->o_encoding)) < 0 ||
        (rc = attr(b, "creationdate", m->creationdate)) < 0 ||
        (rc = attr(b, "creationid", m->creationid)) < 0 ||
        (rc = attr(b, "changedate", m->changedate)) < 0 ||
        (rc = attr(b, "changeid", m->changeid)) < 0)
        return rc;
    if (header)
        return 0;
    if ((rc = attr(b, "datatype", m->datatype)) < 0 ||
        (rc = attr(b, "lastusagedate", m->lastusagedate)) < 0 ||
        (rc = attr(b, "creationtool", m->creationtool)) < 0 ||
        (rc = attr(b, "creationtoolversion", m->creationtoolversion)) < 0 ||
        (rc = attr(b, "o-tmf", m->o_tmf)) < 0)
        return rc;
    if (m->usagecount >= 0 && (rc = jisr_buf_printf(b, " usagecount=\"%ld\"", m->usagecount)) < 0)
        return rc;
    return 0;
}

static int meta_check(jisr_writer *w, const jisr_unit *u, const jisr_meta *m)
{
    int rc = 0;
    const char *v[] = {
        m->creationdate, m->creationid,          m->changedate, m->changeid,   m->lastusagedate,
        m->creationtool, m->creationtoolversion, m->datatype,   m->o_encoding, m->o_tmf,
        m->segtype};
    for (size_t i = 0; i < sizeof v / sizeof v[0] && rc == 0; i++)
        if (v[i])
            rc = xml_ok(w, u, "an attribute", v[i]);
    for (size_t i = 0; i < m->nprops && rc == 0; i++) {
        const jisr_prop *p = &m->props[i];
        if ((p->type && (rc = xml_ok(w, u, "a prop type", p->type)) < 0) ||
            (p->lang && (rc = xml_ok(w, u, "a prop language", p->lang)) < 0) ||
            (p->value && (rc = xml_ok(w, u, "a prop", p->value)) < 0))
            break;
    }
    for (size_t i = 0; i < m->nnotes && rc == 0; i++) {
        const jisr_prop *p = &m->notes[i];
        if ((p->lang && (rc = xml_ok(w, u, "a note language", p->lang)) < 0) ||
            (p->value && (rc = xml_ok(w, u, "a note", p->value)) < 0))
            break;
    }
    return rc;
}

static int props(jisr_buf *b, const jisr_meta *m, const char *indent)
{
    int rc;
    for (size_t i = 0; i < m->nnotes; i++) {
        const jisr_prop *p = &m->notes[i];
        const char *v = p->value ? p->value : "";
        if ((rc = jisr_buf_puts(b, indent)) < 0 || (rc = jisr_buf_puts(b, "<note")) < 0 ||
            (rc = attr(b, "xml:lang", p->lang)) < 0 || (rc = jisr_buf_putc(b, '>')) < 0 ||
            (rc = fmt_xml_escape(b, v, strlen(v), 0)) < 0 ||
            (rc = jisr_buf_puts(b, "</note>\n")) < 0)
            return rc;
    }
    for (size_t i = 0; i < m->nprops; i++) {
        const jisr_prop *p = &m->props[i];
        const char *v = p->value ? p->value : "";
        if ((rc = jisr_buf_puts(b, indent)) < 0 || (rc = jisr_buf_puts(b, "<prop")) < 0 ||
            (rc = attr(b, "type", p->type ? p->type : "")) < 0 ||
            (rc = attr(b, "xml:lang", p->lang)) < 0 || (rc = jisr_buf_putc(b, '>')) < 0 ||
            (rc = fmt_xml_escape(b, v, strlen(v), 0)) < 0 ||
            (rc = jisr_buf_puts(b, "</prop>\n")) < 0)
            return rc;
    }
    return 0;
}

static int seg(jisr_writer *w, const jisr_unit *u, jisr_buf *b, const jisr_variant *v)
{
    int rc = 0;
    size_t at = b->len;
    jisr_variant tv = *v;
    jisr_buf text = {0};
    /* for OmegaT: a tag holding one of its shortcuts as that text, escaped ("&lt;b0&gt;") */
    if ((w->flags & JISR_WRITE_OMEGAT_SHORTCUTS) && v->ntags &&
        (rc = jisr_variant_omegat_text(v, &text)) > 0)
        tv.text = text.data;
    if (rc >= 0)
        rc = fmt_seg_xml(b, &tv);
    jisr_buf_free(&text);
    if (rc < 0)
        return rc;
    char why[256];
    if (v->ntags && !fmt_markup_ok(b->data + at, b->len - at, why, sizeof why))
        return jisr_error_set(JISR_EINVAL, w->path, 0, 0,
                              "unit %lu%s%s%s: the inline tags of its %s segment are not "
                              "TMX 1.4 inline markup%s%s",
                              w->nunits + 1, u->tuid ? " (tuid " : "", u->tuid ? u->tuid : "",
                              u->tuid ? ")" : "", v->lang, why[0] ? ": " : "", why);
    return 0;
}

static int tmx_write(jisr_writer *w, const jisr_unit *u)
{
    int rc;
    jisr_buf *b = &w->buf;
    size_t mark = b->len;
    if (u->nvariants == 0) {
        rc = jisr_error_set(JISR_EINVAL, w->path, 0, 0, "unit %lu%s%s%s has no variant",
                            w->nunits + 1, u->tuid ? " (tuid " : "", u->tuid ? u->tuid : "",
                            u->tuid ? ")" : "");
        goto undo;
    }
    if ((u->tuid && (rc = xml_ok(w, u, "the tuid", u->tuid)) < 0) ||
        (u->srclang && (rc = xml_ok(w, u, "srclang", u->srclang)) < 0) ||
        (rc = meta_check(w, u, &u->meta)) < 0)
        goto undo;
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        if ((rc = xml_ok(w, u, "a language tag", v->lang ? v->lang : "")) < 0 ||
            (rc = xml_ok(w, u, "a segment", v->text ? v->text : "")) < 0 ||
            (rc = meta_check(w, u, &v->meta)) < 0)
            goto undo;
        if (!v->lang || !v->lang[0]) {
            rc = jisr_error_set(JISR_EINVAL, w->path, 0, 0,
                                "unit %lu: a variant has no language tag", w->nunits + 1);
            goto undo;
        }
    }
    if ((rc = jisr_buf_puts(b, "    <tu")) < 0 || (rc = attr(b, "tuid", u->tuid)) < 0 ||
        (rc = attr(b, "srclang", u->srclang)) < 0 ||
        (rc = attr(b, "segtype", valid_segtype(u->meta.segtype) ? u->meta.segtype : NULL)) < 0 ||
        (rc = meta_attrs(b, &u->meta, 0)) < 0 || (rc = jisr_buf_puts(b, ">\n")) < 0 ||
        (rc = props(b, &u->meta, "      ")) < 0)
        goto undo;
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        if ((rc = jisr_buf_puts(b, "      <tuv")) < 0 || (rc = attr(b, "xml:lang", v->lang)) < 0 ||
            (rc = meta_attrs(b, &v->meta, 0)) < 0 || (rc = jisr_buf_puts(b, ">\n")) < 0 ||
            (rc = props(b, &v->meta, "        ")) < 0 || (rc = jisr_buf_puts(b, "        ")) < 0 ||
            (rc = seg(w, u, b, v)) < 0 || (rc = jisr_buf_puts(b, "\n      </tuv>\n")) < 0)
            goto undo;
    }
    if ((rc = jisr_buf_puts(b, "    </tu>\n")) < 0)
        goto undo;
    if (b->len >= FLUSH_AT)
        return fmt_writer_flush(w, w->f, b);
    return 0;
undo:
    b->len = mark;
    if (b->data)
        b->data[mark] = '\0';
    return rc;
}

static int tmx_finish(jisr_writer *w)
{
    int rc;
    if ((rc = jisr_buf_puts(&w->buf, "  </body>\n</tmx>\n")) < 0)
        return rc;
    return fmt_writer_flush(w, w->f, &w->buf);
}

int fmt_tmx_writer_begin(jisr_writer *w)
{
    int rc;
    jisr_buf *b = &w->buf;
    const jisr_meta *hm = &w->header_meta;
    jisr_unit none;
    jisr_unit_init(&none);
    const char *src = w->srclang ? w->srclang : "*all*";
    const char *segtype = valid_segtype(w->segtype) ? w->segtype : "sentence";
    if ((rc = meta_check(w, &none, hm)) < 0 || (rc = xml_ok(w, &none, "srclang", src)) < 0)
        return rc;
    if ((rc = jisr_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<tmx version=\"1.4\">\n  <header")) < 0 ||
        (rc = attr(b, "creationtool", "jisr")) < 0 ||
        (rc = attr(b, "creationtoolversion", JISR_VERSION)) < 0 ||
        (rc = attr(b, "segtype", segtype)) < 0 ||
        (rc = attr(b, "o-tmf", w->o_tmf ? w->o_tmf : "jisr")) < 0 ||
        (rc = attr(b, "adminlang", w->adminlang ? w->adminlang : "en")) < 0 ||
        (rc = attr(b, "srclang", src)) < 0 ||
        (rc = attr(b, "datatype", w->datatype ? w->datatype : "plaintext")) < 0 ||
        (rc = meta_attrs(b, hm, 1)) < 0)
        return rc;
    int mark = (w->flags & JISR_WRITE_OMEGAT_SHORTCUTS) != 0;
    if (hm->nprops || hm->nnotes || mark) {
        if ((rc = jisr_buf_puts(b, ">\n")) < 0 || (rc = props(b, hm, "    ")) < 0 ||
            (mark && (rc = jisr_buf_puts(b, "    <prop type=\"" FMT_OMEGAT_SHORTCUTS_PROP
                                            "\">text</prop>\n")) < 0) ||
            (rc = jisr_buf_puts(b, "  </header>\n")) < 0)
            return rc;
    } else if ((rc = jisr_buf_puts(b, "/>\n")) < 0) {
        return rc;
    }
    if ((rc = jisr_buf_puts(b, "  <body>\n")) < 0)
        return rc;
    w->write = tmx_write;
    w->finish = tmx_finish;
    return fmt_writer_flush(w, w->f, b);
}
