/*
 * common.c — what every format shares, below the formats and above the unit model: opening an
 * input (and recording it among the command's inputs, so no output can replace it), the line
 * reader settings of the line formats, reporting a skipped unit, the sticky write error, UTF-8
 * and XML escaping helpers, the Moses target file's name, and OmegaT's shortcuts as the writers
 * give them back (jisr_tag_omegat_shortcut, jisr_variant_omegat_text). io.c dispatches to the
 * formats; the formats call only this file and unit.c, never io.c or each other.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <unicode/utf8.h>

#include "formats/formats_int.h"
#include "util/utf8.h"

size_t fmt_line_max = JISR_LINE_MAX;

void fmt_reader_bad(jisr_reader *r)
{
    if (r->on_bad)
        r->on_bad(r->ctx, jisr_error_last());
}

void fmt_reader_warn(jisr_reader *r, unsigned long line, unsigned long col, const char *fmt, ...)
{
    if (!r->on_warning)
        return;
    jisr_error w;
    memset(&w, 0, sizeof w);
    w.code = JISR_EPARSE;
    snprintf(w.file, sizeof w.file, "%s", r->path ? r->path : "");
    w.line = line;
    w.col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w.msg, sizeof w.msg, fmt, ap);
    va_end(ap);
    r->on_warning(r->warning_ctx, &w);
}

void fmt_date_warning(char *out, size_t size, const char *attr, const char *value, const char *what)
{
    /* the value as it can be shown on a terminal: at most 40 bytes, not cut inside a character,
     * control characters as '?' */
    char v[48];
    size_t n = 0;
    for (; value[n] && n < 40; n++)
        v[n] = (unsigned char)value[n] < 0x20 || value[n] == 0x7F ? '?' : value[n];
    int more = value[n] != '\0';
    while (more && n > 0 && ((unsigned char)value[n] & 0xC0) == 0x80)
        n--;
    v[n] = '\0';
    snprintf(out, size,
             "%s=\"%s%s\" of %s is not a date (YYYYMMDDThhmmssZ, or ISO 8601 as in "
             "2019-03-04T10:11:12Z): left out",
             attr, v, more ? "…" : "", what);
}

int fmt_meta_dates(jisr_reader *r, jisr_meta *m, const char *what, unsigned long line,
                   unsigned long col)
{
    static const char *const names[3] = {"creationdate", "changedate", "lastusagedate"};
    char **slots[3] = {&m->creationdate, &m->changedate, &m->lastusagedate};
    for (int i = 0; i < 3; i++) {
        int rc = fmt_date_norm(slots[i]);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            char msg[512];
            fmt_date_warning(msg, sizeof msg, names[i], *slots[i], what);
            fmt_reader_warn(r, line, col, "%s", msg);
            free(*slots[i]);
            *slots[i] = NULL;
        }
    }
    return 0;
}

int fmt_check_breaks(jisr_reader *r, jisr_unit *u)
{
    /* the first U+000B or U+000C of a text (jisr_unit_check makes them line feeds) */
    const char *lang = NULL;
    unsigned cp = 0;
    size_t at = 0;
    for (size_t i = 0; i < u->nvariants && !lang; i++) {
        const char *t = u->variants[i].text;
        for (size_t k = 0, chars = 0; t && t[k]; k++) {
            chars += ((unsigned char)t[k] & 0xC0) != 0x80;
            if (t[k] == 0x0B || t[k] == 0x0C) {
                lang = u->variants[i].lang;
                cp = (unsigned char)t[k];
                at = chars;
                break;
            }
        }
    }
    int rc = jisr_unit_check(u, r->path);
    if (rc >= 0 && lang)
        fmt_reader_warn(
            r, u->line, u->col,
            "the %.60s text holds U+%04X (%s, character %zu), which TMX cannot carry: "
            "read as a line feed",
            lang, cp,
            cp == 0x0B ? "vertical tab: Word's line break" : "form feed: Word's page break", at);
    return rc;
}

int fmt_refuse_utf16(const unsigned char *h, size_t n, const char *name)
{
    const char *enc;
    char why[64];
    if (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF))) {
        enc = "UTF-16";
        snprintf(why, sizeof why, "it starts with the byte-order mark %02X %02X", h[0], h[1]);
    } else if (n >= 2 && ((h[0] && h[0] < 0x80 && !h[1]) || (!h[0] && h[1] && h[1] < 0x80))) {
        enc = h[0] ? "UTF-16LE" : "UTF-16BE";
        snprintf(why, sizeof why, "it starts with an ASCII character and a NUL byte");
    } else {
        return 0;
    }
    if (!name || !*name || name[0] == '<')
        return jisr_error_set(JISR_EENCODING, name, 1, 1,
                              "the input looks like %s (%s), not UTF-8: convert it first, e.g. "
                              "through iconv -f %s -t UTF-8",
                              enc, why, enc);
    /* the converted file's name: ".utf8" before the extension */
    const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
    int cut = dot && dot > (slash ? slash + 1 : name) ? (int)(dot - name) : (int)strlen(name);
    return jisr_error_set(JISR_EENCODING, name, 1, 1,
                          "the file looks like %s (%s), not UTF-8: convert it first, e.g. iconv "
                          "-f %s -t UTF-8 %s > %.*s.utf8%s",
                          enc, why, enc, name, cut, name, name + cut);
}

int fmt_refuse_utf16_stream(FILE *f, const char *name)
{
    unsigned char h[2];
    size_t n = 0;
    int c;
    while (n < sizeof h && (c = getc(f)) != EOF)
        h[n++] = (unsigned char)c;
    /* the bytes go back for the reader (glibc and musl take back more than one) */
    for (size_t i = n; i-- > 0;)
        ungetc(h[i], f);
    return fmt_refuse_utf16(h, n, name);
}

int fmt_xml_utf8_message(const char *raw, const char *declared, int bom, char *out, size_t size)
{
    if (!raw || strncmp(raw, "Input is not proper UTF-8", 25) != 0)
        return 0;
    const char *b = strstr(raw, "Bytes: 0x");
    unsigned long byte = b ? strtoul(b + 7, NULL, 16) : 0;
    char what[32] = "";
    if (b)
        snprintf(what, sizeof what, " (byte 0x%02lX)", byte & 0xFF);
    if (bom) /* a declaration of another encoding would contradict the mark: not a way out */
        snprintf(out, size,
                 "not valid UTF-8%s: the file begins with UTF-8's byte-order mark, so it is read "
                 "as UTF-8, but the rest is in another encoding; drop the mark's 3 bytes and "
                 "convert the rest to UTF-8 (e.g. tail -c +4 FILE | iconv -f WINDOWS-1252 -t "
                 "UTF-8)",
                 what);
    else if (declared && *declared)
        snprintf(out, size,
                 "not valid UTF-8%s: the file says %.40s; convert it to UTF-8 or fix its encoding "
                 "declaration",
                 what, declared);
    else
        snprintf(out, size,
                 "not valid UTF-8%s: the file declares no encoding, so it is read as UTF-8; "
                 "convert it to UTF-8 or declare its encoding (<?xml version=\"1.0\" "
                 "encoding=\"ISO-8859-1\"?>)",
                 what);
    return 1;
}

/* A name or value of the file as a message can show it: at most 40 bytes, not cut inside a
 * character, control characters as '?', "…" when cut. */
static const char *shown(char *out, size_t size, const char *s)
{
    size_t n = 0;
    if (!s)
        s = "";
    for (; s[n] && n < 40 && n + 1 < size; n++)
        out[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7F ? '?' : s[n];
    int more = s[n] != '\0';
    while (more && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    out[n] = '\0';
    if (more && n + 4 <= size)
        memcpy(out + n, "…", 4);
    return out;
}

/* In a report of libxml2's converter ("… input conversion failed …, bytes 0xA1 0xC7 …"), where
 * the refused bytes are listed ("bytes 0x…"); NULL when raw is no such report or lists none. */
static const char *refused_bytes(const char *raw)
{
    const char *b = raw ? strstr(raw, "input conversion failed") : NULL;
    return b ? strstr(b, "bytes 0x") : NULL;
}

int fmt_xml_conv_message(const char *raw, const char *declared, char *out, size_t size)
{
    if (!raw || !strstr(raw, "input conversion failed"))
        return 0;
    /* the bytes as libxml2 lists them: up to four "0xNN" */
    char bytes[32] = "";
    const char *p = refused_bytes(raw);
    for (int k = 0; p && k < 4; k++) {
        p = strstr(p, "0x");
        if (!p || !p[2] || !p[3])
            break;
        size_t n = strlen(bytes);
        snprintf(bytes + n, sizeof bytes - n, "%s0x%c%c", k ? " " : "", p[2], p[3]);
        p += 4;
    }
    char d[48];
    if (declared && *declared)
        snprintf(out, size,
                 "bytes that are not %s%s%s%s, the encoding the file declares: convert it to "
                 "UTF-8 or fix its encoding declaration",
                 shown(d, sizeof d, declared), bytes[0] ? " (" : "", bytes, bytes[0] ? ")" : "");
    else
        snprintf(out, size,
                 "bytes that are not in the file's encoding%s%s%s: convert it to UTF-8 or fix "
                 "its encoding declaration",
                 bytes[0] ? " (" : "", bytes, bytes[0] ? ")" : "");
    return 1;
}

/* The place where what input in's converter made of the bytes ends: the parser's place, advanced
 * over the converted text it holds but has not parsed yet. */
static void converted_end(xmlParserInputPtr in, unsigned long *line, unsigned long *col)
{
    unsigned long l = in->line > 0 ? (unsigned long)in->line : 1;
    unsigned long k = in->col > 0 ? (unsigned long)in->col : 1;
    for (const xmlChar *p = in->cur; p < in->end; p++) {
        if (*p == '\n') {
            l++;
            k = 1;
        } else if ((*p & 0xC0) != 0x80) {
            k++;
        }
    }
    *line = l;
    *col = k;
}

int fmt_xml_conv_first(const struct _xmlError *e, unsigned long line, unsigned long col)
{
    if (!e)
        return 1;
    unsigned long el = e->line > 0 ? (unsigned long)e->line : 0;
    unsigned long ec = e->int2 > 0 ? (unsigned long)e->int2 : 0;
    if (el > line || (el == line && ec >= col))
        return 1;
    switch (e->code) { /* what stops where the converted text does */
    case XML_ERR_DOCUMENT_END:
    case XML_ERR_DOCUMENT_EMPTY:
    case XML_ERR_TAG_NOT_FINISHED:
    case XML_ERR_GT_REQUIRED:
    case XML_ERR_LTSLASH_REQUIRED:
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_LITERAL_NOT_FINISHED:
    case XML_ERR_COMMENT_NOT_FINISHED:
    case XML_ERR_PI_NOT_FINISHED:
    case XML_ERR_CDATA_NOT_FINISHED:
    case XML_ERR_XMLDECL_NOT_FINISHED:
    case XML_ERR_DOCTYPE_NOT_FINISHED:
        return 1;
    default:
        return 0;
    }
}

int fmt_xml_conv_pending(struct _xmlParserCtxt *c, const char *raw, unsigned long *line,
                         unsigned long *col)
{
    const char *b = refused_bytes(raw);
    xmlParserInputPtr in = c && c->inputNr > 0 ? c->inputTab[0] : NULL;
    if (!b || !in || !in->buf || !in->buf->encoder || !in->buf->raw || !in->cur || !in->end ||
        in->cur > in->end)
        return 0;
    const unsigned char *r = xmlBufContent(in->buf->raw);
    if (!r || xmlBufUse(in->buf->raw) == 0 || r[0] != (strtoul(b + 6, NULL, 16) & 0xFF))
        return 0;
    converted_end(in, line, col);
    return 1;
}

int fmt_xml_ascii_message(struct _xmlParserCtxt *c, const struct _xmlError *e, char *out,
                          size_t size, unsigned long *line, unsigned long *col)
{
    xmlParserInputPtr in = c && c->inputNr > 0 ? c->inputTab[0] : NULL;
    xmlCharEncodingHandlerPtr h = in && in->buf ? in->buf->encoder : NULL;
    if (!h || !h->name || (strcasecmp(h->name, "ASCII") != 0 && strcasecmp(h->name, "US-ASCII")))
        return 0;
    const unsigned char *raw = in->buf->raw ? xmlBufContent(in->buf->raw) : NULL;
    size_t n = in->buf->raw ? xmlBufUse(in->buf->raw) : 0;
    if (!raw || n == 0 || raw[0] < 0x80 || !in->cur || !in->end || in->cur > in->end)
        return 0;
    /* where the converter stopped: the end of what it converted */
    unsigned long l, k;
    converted_end(in, &l, &k);
    /* a report of its own before that place stays (the file has that fault too) */
    unsigned long el = e && e->line > 0 ? (unsigned long)e->line : 0;
    unsigned long ec = e && e->int2 > 0 ? (unsigned long)e->int2 : 0;
    int ran_out = e && (e->code == XML_ERR_DOCUMENT_END || e->code == XML_ERR_DOCUMENT_EMPTY ||
                        e->code == XML_ERR_TAG_NOT_FINISHED);
    if (e && !ran_out && (el < l || (el == l && ec < k)))
        return 0;
    /* the bytes a UTF-8 character would take there */
    size_t len = raw[0] >= 0xF0 ? 4 : raw[0] >= 0xE0 ? 3 : raw[0] >= 0xC0 ? 2 : 1;
    int utf8 = len > 1 && len <= n && fmt_check_utf8((const char *)raw, len, &(size_t){0}) == 0;
    char d[48];
    if (utf8)
        snprintf(out, size,
                 "byte 0x%02X is not ASCII, the encoding the file declares (%s): the file looks "
                 "like UTF-8; declare it (<?xml version=\"1.0\" encoding=\"UTF-8\"?>) or "
                 "convert it to UTF-8",
                 raw[0], shown(d, sizeof d, h->name));
    else
        snprintf(out, size,
                 "byte 0x%02X is not ASCII, the encoding the file declares (%s): the file is in "
                 "another encoding (Windows-1252? ISO-8859-1?); declare it (<?xml version=\"1.0\" "
                 "encoding=\"windows-1252\"?>) or convert it to UTF-8",
                 raw[0], shown(d, sizeof d, h->name));
    *line = l;
    *col = k;
    return 1;
}

int fmt_xml_conv_place(const void *mem, size_t n, int fd, long long start, const char *enc,
                       const char *raw, unsigned long *line, unsigned long *col)
{
    /* the first byte libxml2 lists ("… input error, bytes 0xA1 0xC7 …") */
    const char *b = refused_bytes(raw);
    if (!b || !enc || !*enc || (!mem && (fd < 0 || start < 0)))
        return 0;
    unsigned long byte = strtoul(b + 6, NULL, 16);
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return 0;
    enum { IN = 64 << 10, OUT = 4 * IN };
    char *in = mem ? NULL : malloc(IN), *out = malloc(OUT);
    unsigned long l = 1, c = 1;
    int found = 0, stop = 0;
    size_t have = 0;   /* bytes kept from the last block: a character cut at its end */
    long long off = 0; /* of the file, from start: the next byte to read */
    while (out && (mem || in) && !stop) {
        char *p;
        size_t left;
        if (mem) {
            p = (char *)mem;
            left = n;
            stop = 1; /* one pass */
        } else {
            ssize_t got = pread(fd, in + have, IN - have, (off_t)(start + off));
            if (got <= 0)
                break;
            off += got;
            p = in;
            left = have + (size_t)got;
        }
        while (left > 0) {
            char *o = out;
            size_t room = OUT;
            int err = iconv(cd, &p, &left, &o, &room) == (size_t)-1 ? errno : 0;
            for (const char *q = out; q < o; q++) {
                if (*q == '\n') {
                    l++;
                    c = 1;
                } else if ((*q & 0xC0) != 0x80) {
                    c++;
                }
            }
            if (err == EILSEQ) /* the byte refused: the one libxml2's report names? */
                found = (unsigned char)*p == (byte & 0xFF);
            if (err && err != E2BIG) {
                stop = err != EINVAL; /* EINVAL: a character cut at the block's end */
                break;
            }
        }
        if (!mem) {
            memmove(in, p, left);
            have = left;
        }
    }
    free(in);
    free(out);
    iconv_close(cd);
    if (found) {
        *line = l;
        *col = c;
    }
    return found;
}

/* Code units wider than a byte: an encoding in which no file can begin with "<?xml" written a
 * byte a character. */
static int wide_encoding(const char *e, size_t n)
{
    static const char *const wide[] = {
        "UTF-32",  "UTF-32LE", "UTF-32BE", "UTF32",           "UCS-4",
        "UCS-4LE", "UCS-4BE",  "UCS4",     "ISO-10646-UCS-4", "UCS-2",
        "UCS-2LE", "UCS-2BE",  "UCS2",     "ISO-10646-UCS-2"};
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++)
        if (strlen(wide[i]) == n && strncasecmp(e, wide[i], n) == 0)
            return i < 9 ? 4 : 2;
    return 0;
}

int fmt_xml_wide_message(const unsigned char *head, size_t n, char *out, size_t size,
                         unsigned long *line, unsigned long *col)
{
    if (!head || n < 6 || memcmp(head, "<?xml", 5) != 0)
        return 0;
    /* the declaration's encoding="…", before its "?>" */
    const unsigned char *end = head + n, *p = head + 5, *name = NULL;
    size_t len = 0;
    for (; p + 1 < end && !(p[0] == '?' && p[1] == '>'); p++) {
        if ((size_t)(end - p) < 9 || memcmp(p, "encoding", 8) != 0)
            continue;
        const unsigned char *q = p + 8;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
            q++;
        if (q >= end || *q++ != '=')
            return 0;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
            q++;
        if (q >= end || (*q != '"' && *q != '\''))
            return 0;
        const unsigned char *v = q + 1, *close = memchr(v, *q, (size_t)(end - v));
        if (!close)
            return 0;
        name = v;
        len = (size_t)(close - v);
        break;
    }
    int unit = name ? wide_encoding((const char *)name, len) : 0;
    if (!unit)
        return 0;
    /* the bytes read a byte a character: UTF-8 (ASCII is) or another encoding of its kind (a
     * character cut at the end of what is looked at is not held against UTF-8) */
    size_t bad = 0;
    int utf8 =
        fmt_check_utf8((const char *)head, n, &bad) == 0 || (bad + 4 > n && head[bad] >= 0xC0 &&
                                                             bad + (head[bad] >= 0xF0   ? 4u
                                                                    : head[bad] >= 0xE0 ? 3u
                                                                                        : 2u) >
                                                                 n);
    char d[48];
    snprintf(d, sizeof d, "%.*s", (int)(len < 40 ? len : 40), (const char *)name);
    for (char *s = d; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            *s = '?';
    if (utf8)
        snprintf(out, size,
                 "the file declares %s, %d bytes a character, but begins \"<?xml\" a byte a "
                 "character: the file looks like UTF-8; declare it (<?xml version=\"1.0\" "
                 "encoding=\"UTF-8\"?>) or convert it to UTF-8",
                 d, unit);
    else
        snprintf(out, size,
                 "the file declares %s, %d bytes a character, but begins \"<?xml\" a byte a "
                 "character: the file is in another encoding (Windows-1256? Windows-1252?); "
                 "declare it (<?xml version=\"1.0\" encoding=\"windows-1256\"?>) or convert it "
                 "to UTF-8",
                 d, unit);
    /* the place of the declared name (a declaration may span lines) */
    unsigned long l = 1, c = 1;
    for (const unsigned char *q = head; q < name; q++) {
        if (*q == '\n') {
            l++;
            c = 1;
        } else {
            c++; /* the declaration is ASCII */
        }
    }
    *line = l;
    *col = c;
    return 1;
}

int fmt_xml_words(const struct _xmlError *e, const char *root, int root_seen, int open,
                  int in_subset, char *out, size_t size)
{
    if (!e)
        return 0;
    const char *m = e->message ? e->message : "";
    if (strncmp(m, "Input is not proper UTF-8", 25) == 0)
        return 0; /* fmt_xml_utf8_message's */
    char a[48], b[48];
    const char *s1 = shown(a, sizeof a, e->str1), *s2 = shown(b, sizeof b, e->str2);
    /* libxml2 says a character is not allowed in several ways; what it is comes in int1 (0 also
     * for a NUL byte) */
    unsigned long cp = e->int1 > 0 ? (unsigned long)e->int1 : 0;
    /* inside the <!DOCTYPE's brackets (declarations a translation file needs none of) whatever
     * is malformed there is said so, but for what has words of its own below */
    if (in_subset && e->code != XML_ERR_INVALID_CHAR && e->code != XML_ERR_HYPHEN_IN_COMMENT &&
        e->code != XML_ERR_COMMENT_NOT_FINISHED && e->code != XML_ERR_PI_NOT_FINISHED &&
        e->code != XML_ERR_PI_NOT_STARTED && e->code != XML_ERR_ENTITY_LOOP &&
        e->code != XML_ERR_UNDECLARED_ENTITY) {
        snprintf(out, size,
                 "a malformed declaration in the <!DOCTYPE (a <%s> file needs none, and jisr "
                 "reads no DTD): remove the <!DOCTYPE …> or mend it",
                 root);
        return 1;
    }
    switch (e->code) {
    case XML_ERR_DOCUMENT_EMPTY:
    case XML_ERR_DOCUMENT_END:
        if (!root_seen)
            snprintf(out, size, "no <%s> root element: empty or not XML", root);
        else if (open > 0)
            snprintf(out, size, "the document ends before </%s> (truncated file?)", root);
        else
            snprintf(out, size,
                     "text or markup after </%s>, the end of the document (two files run "
                     "together?)",
                     root);
        return 1;
    case XML_ERR_TAG_NOT_FINISHED:
        snprintf(out, size, "the document ends before </%s> (truncated file?)", root);
        return 1;
    case XML_ERR_INVALID_HEX_CHARREF:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_CHARREF:
        snprintf(out, size,
                 "a character reference with no number ('&#' is followed by digits and ';', as "
                 "in &#38; or &#x26;; a '&' in text is written &amp;)");
        return 1;
    case XML_ERR_INVALID_CHAR:
        if (strstr(m, "out of bounds"))
            snprintf(out, size, "a character reference beyond U+10FFFF, the last character");
        else if (strncmp(m, "xmlParseCharRef", 15) == 0)
            snprintf(out, size,
                     "a character reference to U+%04lX, a character XML 1.0 does not allow", cp);
        else if (strstr(m, "attribute value"))
            snprintf(out, size,
                     "an attribute value holds a control character, which XML 1.0 does not "
                     "allow (binary data, or a file damaged in transfer?)");
        else if (cp == 0)
            snprintf(out, size,
                     "a NUL byte, which XML does not allow (binary data, a file damaged in "
                     "transfer, or UTF-16 read as UTF-8?)");
        else
            snprintf(out, size,
                     "U+%04lX%s, a character XML 1.0 does not allow: remove it (or, if it "
                     "stands for a code of the source format, write it as a tag)",
                     cp,
                     cp < 0x20                      ? " (a control character)"
                     : cp >= 0xD800 && cp <= 0xDFFF ? " (half of a UTF-16 surrogate pair)"
                                                    : "");
        return 1;
    case XML_ERR_ENTITY_IS_EXTERNAL:
        if (strstr(m, "Attribute references")) { /* any entity, in an attribute value */
            char up[16];
            size_t n = 0;
            for (; root[n] && n + 1 < sizeof up; n++)
                up[n] = (char)(root[n] >= 'a' && root[n] <= 'z' ? root[n] - 'a' + 'A' : root[n]);
            up[n] = '\0';
            snprintf(out, size,
                     "reference to entity '&%s;' in an attribute value (%s files need no "
                     "entities; not expanded for safety)",
                     s1, up);
            return 1;
        }
        break;
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        snprintf(out, size, "an entity reference without its ';' (a '&' in text is written &amp;)");
        return 1;
    case XML_ERR_UNDECLARED_ENTITY:
        snprintf(out, size,
                 "'&%s;' is none of XML's five entities (&amp; &lt; &gt; &quot; &apos;): a '&' "
                 "in text is written &amp;, other characters as themselves or &#NNNN;",
                 s1);
        return 1;
    case XML_ERR_UNSUPPORTED_ENCODING:
        snprintf(out, size,
                 "the file declares an encoding jisr cannot read (%s): convert it to UTF-8 and "
                 "declare encoding=\"UTF-8\"",
                 e->str1 ? s1 : "see its XML declaration");
        return 1;
    case XML_ERR_STRING_NOT_STARTED:
    case XML_ERR_STRING_NOT_CLOSED:
        snprintf(out, size,
                 "a value of the XML declaration (version, encoding, standalone) not in quotes, "
                 "or without its closing quote");
        return 1;
    case XML_ERR_ENCODING_NAME:
        snprintf(out, size,
                 "the XML declaration's encoding is no encoding name (e.g. encoding=\"UTF-8\")");
        return 1;
    case XML_ERR_INVALID_ENCODING:
        snprintf(out, size,
                 "the file declares UTF-16 but is not UTF-16: fix its declaration "
                 "(encoding=\"UTF-8\")");
        return 1;
    case XML_ERR_LT_IN_ATTRIBUTE:
        snprintf(out, size,
                 "'<' inside an attribute value: written &lt; there; or the value's closing "
                 "quote is missing");
        return 1;
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
        snprintf(out, size, "an attribute value without quotes (write name=\"value\")");
        return 1;
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
        snprintf(out, size,
                 "an attribute value whose closing quote is missing (or the file ends inside "
                 "it: truncated?)");
        return 1;
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
        snprintf(out, size, "attribute '%s' without a value (write %s=\"value\")", s1, s1);
        return 1;
    case XML_ERR_ATTRIBUTE_REDEFINED:
        if (e->str2)
            snprintf(out, size, "attribute '%s:%s' given twice in one tag", s1, s2);
        else
            snprintf(out, size, "attribute '%s' given twice in one tag", s1);
        return 1;
    case XML_ERR_SPACE_REQUIRED:
        if (strstr(m, "attributes construct")) {
            snprintf(out, size,
                     "a start tag whose attributes are not name=\"value\" pairs separated by "
                     "spaces");
            return 1;
        }
        break;
    case XML_ERR_NAME_REQUIRED:
        if (strstr(m, "EntityRef")) {
            snprintf(out, size,
                     "'&' starts no entity or character reference (a '&' in text is written "
                     "&amp;)");
            return 1;
        }
        if (strstr(m, "StartTag")) {
            snprintf(out, size,
                     "'<' starts no tag here (a '<' in text is written &lt;; a tag's name "
                     "follows '<' at once and starts with a letter)");
            return 1;
        }
        if (strstr(m, "attribute name")) {
            snprintf(out, size,
                     "a start tag holding something other than attributes (name=\"value\"), or "
                     "not closed by '>' or '/>'");
            return 1;
        }
        if (strstr(m, "DOCTYPE")) {
            snprintf(out, size, "a <!DOCTYPE declaration without the root element's name");
            return 1;
        }
        break;
    case XML_ERR_GT_REQUIRED:
        if (e->str1)
            snprintf(out, size,
                     "the start tag <%s is not closed by '>' (or its attributes are malformed, "
                     "or the file ends inside it: truncated?)",
                     s1);
        else
            snprintf(out, size,
                     "an end tag not closed by '>' right after its name (</name>), or the file "
                     "ends inside it (truncated?)");
        return 1;
    case XML_ERR_TAG_NAME_MISMATCH:
        if (!e->str2 || strcmp(e->str2, "unparsable") == 0)
            snprintf(out, size,
                     "'</' without a tag name where </%s> (opened on line %d) should close", s1,
                     e->int1);
        else
            snprintf(out, size,
                     "</%s> where </%s> (opened on line %d) should close first: tags crossed, "
                     "misspelt, or one missing",
                     s2, s1, e->int1);
        return 1;
    case XML_ERR_COMMENT_NOT_FINISHED:
        snprintf(out, size, "a comment (<!--) that never ends: its '-->' is missing");
        return 1;
    case XML_ERR_HYPHEN_IN_COMMENT:
        snprintf(out, size, "'--' inside a comment (XML allows it only in the closing '-->')");
        return 1;
    case XML_ERR_CDATA_NOT_FINISHED:
        snprintf(out, size, "a CDATA section (<![CDATA[) that never ends: its ']]>' is missing");
        return 1;
    case XML_ERR_MISPLACED_CDATA_END:
        snprintf(out, size, "']]>' in text, which XML does not allow (written ]]&gt;)");
        return 1;
    case XML_ERR_PI_NOT_STARTED:
        snprintf(out, size,
                 "'<?' starts no processing instruction (a name follows it at once, as in "
                 "<?xml …?>)");
        return 1;
    case XML_ERR_PI_NOT_FINISHED:
        snprintf(out, size,
                 "a processing instruction (<?%s …) that never ends: its '?>' is missing", s1);
        return 1;
    case XML_ERR_XMLDECL_NOT_FINISHED:
        snprintf(out, size,
                 "the XML declaration (<?xml …) is not closed by '?>' (or holds more than "
                 "version, encoding and standalone)");
        return 1;
    case XML_ERR_RESERVED_XML_NAME:
        snprintf(out, size,
                 "an XML declaration (<?xml …?>) that is not at the very start of the file: "
                 "nothing may come before it, not even a blank or an empty line");
        return 1;
    case XML_ERR_VERSION_MISSING:
        snprintf(out, size, "the XML declaration has no version (it starts <?xml version=\"1.0\")");
        return 1;
    case XML_ERR_UNKNOWN_VERSION:
        snprintf(out, size,
                 "the XML declaration says version '%s': jisr reads XML 1.0 "
                 "(version=\"1.0\")",
                 s1);
        return 1;
    case XML_ERR_STANDALONE_VALUE:
        snprintf(out, size, "the XML declaration's standalone is neither \"yes\" nor \"no\"");
        return 1;
    case XML_ERR_ENTITY_LOOP:
        snprintf(out, size,
                 "entities that expand into each other without bound (not expanded for safety)");
        return 1;
    case XML_ERR_NAME_TOO_LONG:
        snprintf(out, size,
                 "a tag or attribute name of more than 50,000 characters: the file is damaged "
                 "or not XML");
        return 1;
    case XML_NS_ERR_XML_NAMESPACE:
        if (strstr(m, "Empty XML namespace"))
            snprintf(out, size, "xmlns:%s=\"\": a namespace prefix cannot be bound to nothing", s1);
        else if (strstr(m, "xmlns prefix"))
            snprintf(out, size, "xmlns:xmlns=…: the prefix xmlns cannot be declared");
        else if (strstr(m, "xml namespace"))
            snprintf(out, size,
                     "xmlns:xml=…: the prefix xml is XML's own and cannot be bound elsewhere");
        else
            break;
        return 1;
    case XML_NS_ERR_QNAME:
        snprintf(out, size,
                 "a tag or attribute name with a misplaced ':' (a name holds at most one, "
                 "between a prefix and the local name)");
        return 1;
    case XML_NS_ERR_ATTRIBUTE_REDEFINED:
        snprintf(out, size,
                 "attribute '%s' given twice in one tag, under two prefixes of one namespace "
                 "(%s)",
                 s1, s2);
        return 1;
    case XML_ERR_UNPARSED_ENTITY:
        snprintf(out, size,
                 "a reference to '&%s;', which the <!DOCTYPE declares as data that is not text "
                 "(not expanded)",
                 s1);
        return 1;
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
        if (strstr(m, " for "))
            snprintf(out, size,
                     "the attribute %s:%s uses the prefix '%s', which no xmlns:%s=\"…\" "
                     "declares",
                     s1, s2, s1, s1);
        else
            snprintf(out, size, "<%s:%s> uses the prefix '%s', which no xmlns:%s=\"…\" declares",
                     s1, s2, s1, s1);
        return 1;
    case XML_ERR_INTERNAL_ERROR:
        if (strstr(m, "element content")) {
            snprintf(out, size,
                     "'<!' starts neither a comment (<!-- -->) nor a CDATA section "
                     "(<![CDATA[ ]]>) here");
            return 1;
        }
        if (strstr(m, "Huge input lookup")) {
            snprintf(out, size,
                     "a tag, value or reference that does not end within 10 MB: the file is "
                     "damaged or not XML");
            return 1;
        }
        break;
    default:
        break;
    }
    return 0;
}

int fmt_writer_flush(jisr_writer *w, FILE *f, jisr_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len) {
        jisr_buf_reset(b);
        return w->err = jisr_error_set(JISR_EIO, f == w->f2 ? w->path2 : w->path, 0, 0,
                                       "write failed: %s", strerror(errno));
    }
    jisr_buf_reset(b);
    return 0;
}

int fmt_check_utf8(const char *s, size_t n, size_t *bad_at)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, len; i < n; i += len) {
        if (p[i] < 0x80) {
            len = 1;
            continue;
        }
        if (jisr_utf8_decode(p, n, i, &len) < 0) {
            if (bad_at)
                *bad_at = i;
            return JISR_EENCODING;
        }
    }
    return 0;
}

int fmt_open_input(jisr_reader *r, const char *path, FILE **out)
{
    *out = NULL;
    if (strcmp(path, "-") == 0) {
        *out = stdin;
        return jisr_fileset_add_fd(r->files, 0);
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return jisr_error_set(JISR_EIO, path, 0, 0, "is a directory");
    }
    int rc = jisr_fileset_add_fd(r->files, fileno(f));
    if (rc < 0) {
        fclose(f);
        return rc;
    }
    *out = f;
    return 0;
}

int fmt_open_lines(jisr_reader *r, const char *path, const char *name, jisr_lines **out)
{
    *out = NULL;
    FILE *f;
    int rc = fmt_open_input(r, path, &f);
    if (rc < 0)
        return rc;
    if ((rc = fmt_refuse_utf16_stream(f, name)) < 0) {
        if (f != stdin)
            fclose(f);
        return rc;
    }
    /* NUL is refused as segment and align refuse binary input: a C string would silently end
     * at it (the rest of the field lost) */
    return jisr_lines_open_stream(out, f, f != stdin, name, JISR_LINES_UTF8 | JISR_LINES_NO_NUL);
}

char *fmt_moses_path2(const char *path, const char *path2, const char *src, const char *tgt)
{
    if (path2)
        return jisr_strdup(path2);
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!tgt || !dot || (slash && dot < slash)) {
        jisr_error_set(JISR_EINVAL, path, 0, 0,
                       "Moses needs the target file: name it, or give the target language so "
                       "that FILE.%s can be derived",
                       tgt ? tgt : "LANG");
        return NULL;
    }
    jisr_buf b = {0};
    if (jisr_buf_append(&b, path, (size_t)(dot - path) + 1) < 0 || jisr_buf_puts(&b, tgt) < 0) {
        jisr_buf_free(&b);
        return NULL;
    }
    if (strcmp(b.data, path) == 0) {
        jisr_buf_free(&b);
        jisr_error_set(JISR_EINVAL, path, 0, 0,
                       "Moses source and target would be the same file (source language %s)",
                       src ? src : "?");
        return NULL;
    }
    return b.data;
}

int fmt_xml_escape(jisr_buf *b, const char *s, size_t n, int quote)
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

/* ---- OmegaT's shortcuts, as the writers give them back ------------------------------------ */

/* The start tag of tag[0..n) when tag is an element that holds native code (bpt, ept, it, ph,
 * ut): the index of its '>' (outside attribute values), the end of its name in *ne; else 0. */
static size_t code_start_tag(const char *tag, size_t n, size_t *ne)
{
    static const char *const names[] = {"bpt", "ept", "it", "ph", "ut"};
    if (n < 2 || tag[0] != '<')
        return 0;
    size_t i = 1;
    while (i < n && tag[i] >= 'a' && tag[i] <= 'z')
        i++;
    size_t nl = i - 1;
    if (i >= n || !(tag[i] == '>' || tag[i] == '/' || tag[i] == ' ' || tag[i] == '\t' ||
                    tag[i] == '\n' || tag[i] == '\r'))
        return 0;
    int known = 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0] && !known; k++)
        known = strlen(names[k]) == nl && memcmp(tag + 1, names[k], nl) == 0;
    if (!known)
        return 0;
    *ne = i;
    char quote = 0;
    for (; i < n; i++) { /* the start tag's end, outside attribute values */
        if (quote) {
            if (tag[i] == quote)
                quote = 0;
        } else if (tag[i] == '"' || tag[i] == '\'') {
            quote = tag[i];
        } else if (tag[i] == '>') {
            return i;
        }
    }
    return 0;
}

/* The content of tag[0..n) when it is "<NAME …>content</NAME>" with NAME an element that holds
 * native code (bpt, ept, it, ph, ut): 1 and its span, else 0 (an empty element too). */
static int code_content(const char *tag, size_t n, size_t *off, size_t *len)
{
    size_t ne = 0, i = code_start_tag(tag, n, &ne);
    if (!i || tag[i - 1] == '/')
        return 0;
    size_t nl = ne - 1, o = i + 1, end = nl + 3; /* "</NAME>" */
    if (n - o < end || tag[n - end] != '<' || tag[n - end + 1] != '/' ||
        memcmp(tag + n - end + 2, tag + 1, nl) != 0 || tag[n - 1] != '>')
        return 0;
    *off = o;
    *len = n - end - o;
    return 1;
}

/* ---- what a tag draws: line breaks and soft hyphens (jisr_tag_break) ---------------------- */

/* The character reference at c[i] ("&#47;", "&#x2F;": c[i] is its '&'): the index just after its
 * ';', its code point (up to 7 digits) in *v; 0 when there is none there. */
static size_t char_ref(const char *c, size_t n, size_t i, unsigned long *v)
{
    if (n - i < 4 || c[i] != '&' || c[i + 1] != '#')
        return 0;
    int hex = c[i + 2] == 'x';
    size_t j = i + 2 + (size_t)hex, start = j;
    *v = 0;
    for (; j < n && j - start < 7; j++) {
        char x = c[j];
        int dv = x >= '0' && x <= '9'                            ? x - '0'
                 : hex && (x | 0x20) >= 'a' && (x | 0x20) <= 'f' ? (x | 0x20) - 'a' + 10
                                                                 : -1;
        if (dv < 0)
            break;
        *v = *v * (hex ? 16u : 10u) + (unsigned)dv;
    }
    return j == start || j >= n || c[j] != ';' ? 0 : j + 1;
}

/* ---- the canonical spelling of an inline tag (fmt_tag_canon) ------------------------------ */

/* The entity or character reference at c[i] (c[i] is its '&'): the index just after its ';' and
 * the character in *v; 0 when it is none XML knows without a DTD. */
static size_t canon_ref(const char *c, size_t n, size_t i, unsigned long *v)
{
    static const struct {
        const char *name;
        char ch;
    } pre[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++) {
        size_t l = strlen(pre[k].name);
        if (n - i >= l && memcmp(c + i, pre[k].name, l) == 0) {
            *v = (unsigned char)pre[k].ch;
            return i + l;
        }
    }
    size_t e = char_ref(c, n, i, v);
    if (!e || *v == 0 || *v > 0x10FFFF || (*v >= 0xD800 && *v <= 0xDFFF))
        return 0;
    return e;
}

/* Append the character cp to b as UTF-8. */
static int canon_put(jisr_buf *b, unsigned long cp)
{
    char u[4];
    size_t k = 0;
    U8_APPEND_UNSAFE(u, k, (UChar32)cp);
    return jisr_buf_append(b, u, k);
}

/* The first "m" (3 bytes) in s[i..n), or n. */
static size_t canon_find(const char *s, size_t n, size_t i, const char *m)
{
    for (; i + 3 <= n; i++)
        if (s[i] == m[0] && s[i + 1] == m[1] && s[i + 2] == m[2])
            return i;
    return n;
}

static int canon_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int canon_name_end(char c)
{
    return canon_space(c) || c == '>' || c == '/' || c == '=' || c == '<' || c == '"' || c == '\'';
}

int fmt_tag_canon(const char *s, size_t n, jisr_buf *out)
{
    jisr_buf_reset(out);
    if (!s || fmt_literal_char(s)) /* "&#xE001;": a literal private-use character, kept so */
        return 0;
    jisr_buf txt = {0}; /* decoded text not written yet */
    int rc = 0, bad = 0;
    size_t i = 0;
#define FLUSH()                                                                                    \
    do {                                                                                           \
        if (txt.len && (rc = fmt_xml_escape(out, txt.data, txt.len, 0)) == 0)                      \
            jisr_buf_reset(&txt);                                                                  \
    } while (0)
    while (i < n && rc == 0 && !bad) {
        char c = s[i];
        if (c == '&') {
            unsigned long v;
            size_t e = canon_ref(s, n, i, &v);
            if (!e)
                bad = 1;
            else
                rc = canon_put(&txt, v);
            i = e;
        } else if (c == '\r') { /* XML's line ends: CR LF and a lone CR are a line feed */
            rc = jisr_buf_putc(&txt, '\n');
            i += i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
        } else if (c != '<') {
            size_t j = i + 1;
            while (j < n && s[j] != '&' && s[j] != '\r' && s[j] != '<')
                j++;
            rc = jisr_buf_append(&txt, s + i, j - i);
            i = j;
        } else if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            /* a comment: the TMX reader drops it too */
            size_t e = canon_find(s, n, i + 4, "-->");
            if (e >= n)
                bad = 1;
            else
                i = e + 3;
        } else if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
            size_t e = canon_find(s, n, i + 9, "]]>");
            if (e >= n) {
                bad = 1;
                break;
            }
            for (size_t j = i + 9; j < e && rc == 0; j++) /* its text as it stands, CR as above */
                if (s[j] != '\r')
                    rc = jisr_buf_putc(&txt, s[j]);
                else if (j + 1 >= e || s[j + 1] != '\n')
                    rc = jisr_buf_putc(&txt, '\n');
            i = e + 3;
        } else if (i + 1 < n && s[i + 1] == '/') { /* an end tag: "</NAME>" */
            size_t a = i + 2, j = a;
            while (j < n && !canon_name_end(s[j]))
                j++;
            size_t an = j - a;
            while (j < n && canon_space(s[j]))
                j++;
            if (!an || j >= n || s[j] != '>') {
                bad = 1;
                break;
            }
            FLUSH();
            if (rc == 0 && (jisr_buf_puts(out, "</") < 0 || jisr_buf_append(out, s + a, an) < 0 ||
                            jisr_buf_putc(out, '>') < 0))
                rc = JISR_ENOMEM;
            i = j + 1;
        } else { /* a start tag: "<NAME", then ' NAME="VALUE"' each, then ">" or "/>" */
            size_t a = i + 1, j = a;
            while (j < n && !canon_name_end(s[j]))
                j++;
            if (j == a) {
                bad = 1;
                break;
            }
            FLUSH();
            if (rc == 0 && (jisr_buf_putc(out, '<') < 0 || jisr_buf_append(out, s + a, j - a) < 0))
                rc = JISR_ENOMEM;
            for (;;) {
                while (j < n && canon_space(s[j]))
                    j++;
                if (rc < 0 || j >= n) {
                    bad = rc == 0;
                    break;
                }
                if (s[j] == '>' || (s[j] == '/' && j + 1 < n && s[j + 1] == '>')) {
                    rc = jisr_buf_puts(out, s[j] == '>' ? ">" : "/>");
                    j += s[j] == '>' ? 1 : 2;
                    break;
                }
                size_t an = j;
                while (j < n && !canon_name_end(s[j]))
                    j++;
                size_t al = j - an;
                while (j < n && canon_space(s[j]))
                    j++;
                if (!al || j >= n || s[j] != '=') {
                    bad = 1;
                    break;
                }
                j++;
                while (j < n && canon_space(s[j]))
                    j++;
                if (j >= n || (s[j] != '"' && s[j] != '\'')) {
                    bad = 1;
                    break;
                }
                char q = s[j++];
                jisr_buf_reset(&txt);
                /* the value as XML reads it: references decoded, a literal tab, line feed or
                 * carriage return (CR LF: one) a space */
                while (j < n && s[j] != q && s[j] != '<' && rc == 0 && !bad) {
                    unsigned long v;
                    size_t e;
                    if (s[j] == '&') {
                        if (!(e = canon_ref(s, n, j, &v)))
                            bad = 1;
                        else
                            rc = canon_put(&txt, v);
                        j = e;
                    } else if (canon_space(s[j])) {
                        rc = jisr_buf_putc(&txt, ' ');
                        j += s[j] == '\r' && j + 1 < n && s[j + 1] == '\n' ? 2 : 1;
                    } else {
                        rc = jisr_buf_putc(&txt, s[j++]);
                    }
                }
                if (rc < 0 || bad || j >= n || s[j] != q) {
                    bad = rc == 0;
                    break;
                }
                j++;
                if (jisr_buf_putc(out, ' ') < 0 || jisr_buf_append(out, s + an, al) < 0 ||
                    jisr_buf_puts(out, "=\"") < 0 ||
                    (txt.len && fmt_xml_escape(out, txt.data, txt.len, 1) < 0) ||
                    jisr_buf_putc(out, '"') < 0)
                    rc = JISR_ENOMEM;
                jisr_buf_reset(&txt);
            }
            i = j;
        }
    }
    if (rc == 0 && !bad)
        FLUSH();
#undef FLUSH
    jisr_buf_free(&txt);
    if (rc < 0)
        return JISR_ENOMEM;
    if (bad)
        return 0; /* not markup that reads: left as it is (the unit's check refuses it) */
    return out->len != n || memcmp(out->data ? out->data : "", s, n) != 0;
}

static int ascii_ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((a[i] >= 'A' && a[i] <= 'Z' ? a[i] | 0x20 : a[i]) != b[i])
            return 0;
    return 1;
}

/* The value of the attribute named name in the start tag whose attributes are tag[i..end)
 * (end: its '>' or "/>"): 1 and its span, else 0. */
static int start_attr(const char *tag, size_t i, size_t end, const char *name, size_t *vo,
                      size_t *vl)
{
    while (i < end) {
        while (i < end && (tag[i] == ' ' || tag[i] == '\t' || tag[i] == '\n' || tag[i] == '\r'))
            i++;
        size_t a = i;
        while (i < end && tag[i] != '=' && tag[i] != ' ' && tag[i] != '\t' && tag[i] != '\n' &&
               tag[i] != '\r')
            i++;
        size_t al = i - a;
        while (i < end && tag[i] != '=')
            i++;
        while (i < end && tag[i] != '"' && tag[i] != '\'')
            i++;
        if (i >= end)
            return 0;
        char q = tag[i++];
        size_t v = i;
        while (i < end && tag[i] != q)
            i++;
        if (i >= end)
            return 0;
        if (al == strlen(name) && memcmp(tag + a, name, al) == 0) {
            *vo = v;
            *vl = i - v;
            return 1;
        }
        i++;
    }
    return 0;
}

/* XML content c[0..n) decoded into d (room for cap bytes; a character reference as UTF-8): its
 * length, else (size_t)-1 (markup in it, an unknown entity, or too long). */
static size_t content_decode(const char *c, size_t n, char *d, size_t cap)
{
    static const struct {
        const char *e;
        char ch;
    } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (k + 4 > cap || c[i] == '<')
            return (size_t)-1;
        if (c[i] != '&') {
            d[k++] = c[i++];
            continue;
        }
        size_t e = 0;
        for (; e < sizeof ents / sizeof ents[0]; e++) {
            size_t el = strlen(ents[e].e);
            if (n - i >= el && memcmp(c + i, ents[e].e, el) == 0) {
                d[k++] = ents[e].ch;
                i += el;
                break;
            }
        }
        if (e < sizeof ents / sizeof ents[0])
            continue;
        unsigned long v;
        size_t j = char_ref(c, n, i, &v);
        if (!j || v == 0 || v > 0x10FFFF)
            return (size_t)-1;
        i = j;
        U8_APPEND_UNSAFE(d, k, (UChar32)v); /* (k + 4 <= cap: checked above) */
    }
    return k;
}

/* What native code d[0..n) (decoded) draws: JISR_TAG_LINE, JISR_TAG_SOFT or 0. */
static int native_break(const char *d, size_t n)
{
    while (n && (d[0] == ' ' || d[0] == '\t'))
        d++, n--;
    while (n && (d[n - 1] == ' ' || d[n - 1] == '\t'))
        n--;
    if ((n == 1 && (d[0] == '\n' || d[0] == '\r')) || (n == 2 && memcmp(d, "\r\n", 2) == 0) ||
        (n == 3 && (memcmp(d, "\xE2\x80\xA8", 3) == 0 || memcmp(d, "\xE2\x80\xA9", 3) == 0)))
        return JISR_TAG_LINE; /* a line feed, U+2028, U+2029 */
    if ((n == 2 && memcmp(d, "\xC2\xAD", 2) == 0) ||
        (n == 3 && memcmp(d, "\xE2\x80\x8B", 3) == 0) || ascii_ieq(d, n, "&shy;"))
        return JISR_TAG_SOFT; /* U+00AD, U+200B, HTML's &shy; */
    if (n < 3 || d[0] != '<' || d[n - 1] != '>' || d[1] == '/')
        return 0;
    size_t i = 1;
    while (i < n && (((d[i] | 0x20) >= 'a' && (d[i] | 0x20) <= 'z') ||
                     (d[i] >= '0' && d[i] <= '9') || d[i] == ':' || d[i] == '-' || d[i] == '_'))
        i++;
    if (!(d[i] == '>' || d[i] == '/' || d[i] == ' ' || d[i] == '\t' || d[i] == '\n' ||
          d[i] == '\r'))
        return 0; /* (i < n: d[n - 1] is '>') */
    size_t a = 1, b = i;
    for (size_t k = 1; k < i; k++) /* the local name, after a prefix ("w:", "text:") */
        if (d[k] == ':')
            a = k + 1;
    while (b > a && d[b - 1] >= '0' && d[b - 1] <= '9') /* OmegaT's number ("br0") */
        b--;
    const char *nm = d + a;
    size_t nl = b - a;
    if (ascii_ieq(nm, nl, "br") || ascii_ieq(nm, nl, "lb") || ascii_ieq(nm, nl, "line-break") ||
        (a > 1 && ascii_ieq(nm, nl, "cr")))
        return JISR_TAG_LINE;
    if (ascii_ieq(nm, nl, "softhyphen") || ascii_ieq(nm, nl, "soft-hyphen") ||
        ascii_ieq(nm, nl, "wbr"))
        return JISR_TAG_SOFT;
    return 0;
}

int jisr_tag_break(const char *tag, size_t n)
{
    size_t i = 0, e = tag && n >= 4 ? code_start_tag(tag, n, &i) : 0;
    if (!e)
        return 0;
    size_t vo, vl;
    if (start_attr(tag, i, tag[e - 1] == '/' ? e - 1 : e, "type", &vo, &vl) && vl == 2 &&
        (memcmp(tag + vo, "lb", 2) == 0 || memcmp(tag + vo, "pb", 2) == 0 ||
         memcmp(tag + vo, "cb", 2) == 0))
        return JISR_TAG_LINE; /* TMX 1.4's types of a line, page and column break */
    size_t off, len;
    char d[160];
    if (!code_content(tag, n, &off, &len) || len > 4 * sizeof d)
        return 0;
    size_t dn = content_decode(tag + off, len, d, sizeof d);
    return dn == (size_t)-1 ? 0 : native_break(d, dn);
}

/* A character a shortcut can hold: '<', '/', '>', an ASCII letter or digit. */
static int shortcut_char(unsigned c)
{
    return c == '<' || c == '/' || c == '>' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* XML content c[0..n) decoded into d (room for n bytes) when it holds only characters a
 * shortcut can hold (escaped or not, but no '<' unescaped: markup): its length, else
 * (size_t)-1. */
static size_t shortcut_decode(const char *c, size_t n, char *d)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned ch = (unsigned char)c[i];
        if (ch == '<')
            return (size_t)-1;
        if (ch != '&') {
            i++;
        } else if (n - i >= 4 && memcmp(c + i, "&lt;", 4) == 0) {
            ch = '<';
            i += 4;
        } else if (n - i >= 4 && memcmp(c + i, "&gt;", 4) == 0) {
            ch = '>';
            i += 4;
        } else if (n - i >= 4 && c[i + 1] == '#') { /* &#47; &#x2F; */
            unsigned long v;
            size_t j = char_ref(c, n, i, &v);
            if (!j || v > 0xFF)
                return (size_t)-1;
            ch = (unsigned)v;
            i = j;
        } else {
            return (size_t)-1; /* &amp; &quot; …: no character of a shortcut */
        }
        if (!shortcut_char(ch))
            return (size_t)-1;
        d[k++] = (char)ch;
    }
    return k;
}

int jisr_tag_omegat_shortcut(const char *tag, jisr_buf *out)
{
    size_t off, len;
    if (!tag || !code_content(tag, strlen(tag), &off, &len) || len < 4 || tag[off] != '&')
        return 0; /* the shortest shortcut, "<b0>", is 4 characters, and its '<' is escaped */
    char small[128], *d = len <= sizeof small ? small : malloc(len);
    if (!d)
        return jisr_oom(len);
    int rc = 0, kind;
    size_t dn = shortcut_decode(tag + off, len, d), name, name_len;
    if (dn != (size_t)-1 && dn >= 4 && d[0] == '<' &&
        fmt_omegat_shortcut(d, dn, 0, &kind, &name, &name_len) == dn &&
        (rc = out ? jisr_buf_append(out, d, dn) : 0) == 0)
        rc = 1;
    if (d != small)
        free(d);
    return rc;
}

int jisr_variant_omegat_text(const jisr_variant *v, jisr_buf *out)
{
    if (!v || !out)
        return jisr_null_arg("jisr_variant_omegat_text", v ? "out" : "v");
    const char *s = v->text ? v->text : "";
    size_t n = strlen(s), start = 0;
    int count = 0, rc;
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0xEE) { /* fast path: not a lead byte of U+E000–U+FFFF */
            i++;
            continue;
        }
        long t = fmt_placeholder_at(s, n, i);
        if (t < 0 || (size_t)t >= v->ntags || !v->tags[t] || !strchr(v->tags[t], '&')) {
            i++;
            continue;
        }
        /* the text before it, then the shortcut; a tag without one stays for the next run */
        if ((rc = jisr_buf_append(out, s + start, i - start)) < 0 ||
            (rc = jisr_tag_omegat_shortcut(v->tags[t], out)) < 0)
            return rc;
        start = i;
        i += 3;
        if (rc == 1) {
            start = i;
            count++;
        }
    }
    if ((rc = jisr_buf_append(out, s + start, n - start)) < 0) /* also NUL-terminates */
        return rc;
    return count;
}

/* The refs the calling thread's fmt_xml_read is keeping (the node callback has no argument),
 * and the reader they are for. */
static _Thread_local fmt_xml_refs *refs_reading;
static _Thread_local xmlTextReaderPtr refs_reader;

/* libxml2 makes an entity reference's node right after its parser passed the ';' (the reader
 * hands the node over later, after reading ahead): that place is kept. */
static void refs_on_node(xmlNodePtr n)
{
    fmt_xml_refs *k = refs_reading;
    if (!k || !n || n->type != XML_ENTITY_REF_NODE)
        return;
    int l = xmlTextReaderGetParserLineNumber(refs_reader);
    int c = xmlTextReaderGetParserColumnNumber(refs_reader);
    size_t i = k->n++ % FMT_XML_REFS_KEEP;
    k->at[i].node = n;
    k->at[i].line = l > 0 ? (unsigned long)l : 1;
    k->at[i].col = c > 0 ? (unsigned long)c : 1;
}

int fmt_xml_read(fmt_xml_refs *k, xmlTextReaderPtr r)
{
    fmt_xml_refs *was = refs_reading;
    xmlTextReaderPtr was_r = refs_reader;
    refs_reading = k;
    refs_reader = r;
    xmlRegisterNodeFunc fn = xmlRegisterNodeDefault(refs_on_node);
    int rc = xmlTextReaderRead(r);
    xmlRegisterNodeDefault(fn);
    refs_reading = was;
    refs_reader = was_r;
    return rc;
}

/* The slot of k that holds node n, the newest first; -1 when none does. */
static long refs_find(const fmt_xml_refs *k, const void *n)
{
    size_t keep = k->n < FMT_XML_REFS_KEEP ? k->n : FMT_XML_REFS_KEEP;
    for (size_t i = 0; i < keep; i++) {
        size_t at = (k->n - 1 - i) % FMT_XML_REFS_KEEP;
        if (k->at[at].node == n)
            return (long)at;
    }
    return -1;
}

int fmt_xml_ref_pos(const fmt_xml_refs *k, xmlTextReaderPtr r, unsigned long *line,
                    unsigned long *col)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(r);
    const char *name = (const char *)xmlTextReaderConstName(r);
    unsigned long chars = 2; /* '&' and ';', and the name's characters (libxml2's columns) */
    for (const char *p = name ? name : ""; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    long at = n ? refs_find(k, n) : -1;
    if (at < 0 || k->at[at].col <= chars)
        return 0;
    *line = k->at[at].line;
    *col = k->at[at].col - chars;
    return 1;
}

int fmt_xml_attr_ref(const fmt_xml_refs *k, xmlTextReaderPtr r, const char **entity,
                     const char **attr, unsigned long *line, unsigned long *col)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(r);
    if (!n || n->type != XML_ELEMENT_NODE)
        return 0;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        for (xmlNodePtr c = a->children; c; c = c->next) {
            if (c->type != XML_ENTITY_REF_NODE)
                continue;
            *entity = (const char *)c->name;
            *attr = (const char *)a->name;
            long l = xmlGetLineNo(n);
            *line = l > 0 ? (unsigned long)l : 1;
            *col = 1;
            long at = refs_find(k, c);
            if (at >= 0) {
                *line = k->at[at].line;
                *col = k->at[at].col;
            }
            return 1;
        }
    return 0;
}

int fmt_u32_detect(fmt_u32 *c, const unsigned char *h, size_t n)
{
    memset(c, 0, sizeof *c);
    c->line = c->col = 1;
    if (n < 4)
        return 0;
    if (h[0] == 0xFF && h[1] == 0xFE && !h[2] && !h[3])
        c->on = 1, c->bom_left = 1;
    else if (!h[0] && !h[1] && h[2] == 0xFE && h[3] == 0xFF)
        c->on = 2, c->bom_left = 1;
    else if (h[0] && h[0] < 0x80 && !h[1] && !h[2] && !h[3])
        c->on = 1;
    else if (!h[0] && !h[1] && !h[2] && h[3] && h[3] < 0x80)
        c->on = 2;
    return c->on != 0;
}

/* One unit u (its bytes b) into out: the bytes written, or 0 when it is no character. */
static size_t u32_put(fmt_u32 *c, uint32_t u, const unsigned char *b, unsigned char *out)
{
    if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF)) {
        c->bad = 1;
        c->bad_line = c->line;
        c->bad_col = c->col;
        memcpy(c->bad_bytes, b, 4);
        c->nbad = 4;
        return 0;
    }
    if (c->bom_left) {
        c->bom_left = 0;
        if (u == 0xFEFF)
            return 0;
    }
    if (u == '\n') {
        c->line++;
        c->col = 1;
    } else {
        c->col++;
    }
    size_t w = 0;
    U8_APPEND_UNSAFE(out, w, (UChar32)u);
    return w;
}

size_t fmt_u32_decode(fmt_u32 *c, const unsigned char *in, size_t n, int last, unsigned char *out)
{
    size_t w = 0;
    while (!c->bad && n > 0) {
        const unsigned char *b;
        if (c->npart || n < 4) { /* a character cut at a block's end */
            size_t k = 4 - c->npart < n ? 4 - c->npart : n;
            memcpy(c->part + c->npart, in, k);
            c->npart += k;
            in += k;
            n -= k;
            if (c->npart < 4)
                break;
            c->npart = 0;
            b = c->part;
        } else {
            b = in;
            in += 4;
            n -= 4;
        }
        uint32_t u = c->on == 1 ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                                      (uint32_t)b[3] << 24
                                : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 |
                                      (uint32_t)b[0] << 24;
        size_t put = u32_put(c, u, b, out + w);
        w += put;
    }
    if (last && c->npart && !c->bad) {
        c->bad = 2;
        c->bad_line = c->line;
        c->bad_col = c->col;
        memcpy(c->bad_bytes, c->part, c->npart);
        c->nbad = c->npart;
    }
    return w;
}

void fmt_u32_message(const fmt_u32 *c, char *out, size_t size)
{
    char bytes[32] = "";
    for (size_t k = 0; k < c->nbad && k < 4; k++)
        snprintf(bytes + strlen(bytes), sizeof bytes - strlen(bytes), "%s0x%02X", k ? " " : "",
                 c->bad_bytes[k]);
    const char *enc = c->on == 1 ? "UTF-32LE" : "UTF-32BE";
    if (c->bad == 2)
        snprintf(out, size,
                 "the file ends inside a %s character (%s: its size is not a multiple of 4 "
                 "bytes): truncated or not UTF-32",
                 enc, bytes);
    else
        snprintf(out, size,
                 "bytes that are no %s character (%s: a surrogate or above U+10FFFF): the file "
                 "is read as %s from its first bytes; convert it to UTF-8 or mend the bytes",
                 enc, bytes, enc);
}
