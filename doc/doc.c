/*
 * doc.c — the paragraph source: choosing the format (options, extension, first bytes), the
 * handle, sticky errors, warnings, and the paragraph list that every whole-document reader fills.
 *
 * Plain text is streamed (text.c keeps the text layer's bounded reader underneath); every other
 * format is read whole at open into a list of paragraphs, because its structure (a ZIP's
 * central directory, a tree of elements, footnotes kept in another part) has to be seen before
 * the paragraphs can be handed out in reading order. The files themselves are bounded (limits
 * in jisr_doc_opts), so the list is too. Reading at open also means that a malformed document
 * fails before its first paragraph is used: a corpus never gets half a document.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc/doc_int.h"
#include "util/util_int.h"

static const char *const format_names[] = {"auto", "text", "html", "docx", "odt", "xliff", "pdf"};
static const char *const kind_names[] = {"body", "title",   "heading",  "list-item",
                                         "cell", "caption", "footnote", "segment"};

const char *jisr_doc_format_name(jisr_doc_format f)
{
    return (unsigned)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "auto";
}

const char *jisr_para_kind_name(jisr_para_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "body";
}

jisr_doc_format jisr_doc_format_from_string(const char *name)
{
    if (!name)
        return JISR_DOC_AUTO;
    for (size_t i = 1; i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcasecmp(name, format_names[i]) == 0)
            return (jisr_doc_format)i;
    if (strcasecmp(name, "txt") == 0)
        return JISR_DOC_TEXT;
    if (strcasecmp(name, "xlf") == 0)
        return JISR_DOC_XLIFF;
    return JISR_DOC_AUTO;
}

jisr_doc_format jisr_doc_format_from_name(const char *path)
{
    static const struct {
        const char *ext;
        jisr_doc_format f;
    } map[] = {
        {"txt", JISR_DOC_TEXT},       {"text", JISR_DOC_TEXT},     {"html", JISR_DOC_HTML},
        {"htm", JISR_DOC_HTML},       {"xhtml", JISR_DOC_HTML},    {"docx", JISR_DOC_DOCX},
        {"docm", JISR_DOC_DOCX},      {"dotx", JISR_DOC_DOCX},     {"odt", JISR_DOC_ODT},
        {"ott", JISR_DOC_ODT},        {"xlf", JISR_DOC_XLIFF},     {"xliff", JISR_DOC_XLIFF},
        {"sdlxliff", JISR_DOC_XLIFF}, {"mqxliff", JISR_DOC_XLIFF}, {"pdf", JISR_DOC_PDF},
    };
    if (!path)
        return JISR_DOC_AUTO;
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    if (!dot)
        return JISR_DOC_AUTO;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(dot + 1, map[i].ext) == 0)
            return map[i].f;
    return JISR_DOC_AUTO;
}

/* Case-insensitive search for an ASCII needle in the first n bytes. */
static const unsigned char *find_ci(const unsigned char *h, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp((const char *)h + i, needle, k) == 0)
            return h + i;
    return NULL;
}

jisr_doc_format jisr_doc_sniff(const void *head, size_t n)
{
    if (!head && n) { /* NULL and 0 is an empty head */
        jisr_null_arg("jisr_doc_sniff", "head");
        return JISR_DOC_AUTO;
    }
    const unsigned char *p = head ? head : (const void *)""; /* never read: n is 0 */
    if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
        return JISR_DOC_DOCX;
    if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return JISR_DOC_PDF;
    size_t look = n < 4096 ? n : 4096;
    /* skip a BOM and white space; UTF-16 XML/HTML is looked at through its ASCII bytes */
    size_t i = 0;
    if (look >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    else if (look >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0)) {
        /* squeeze out the zero bytes of ASCII characters */
        unsigned char tmp[2048];
        size_t k = 0;
        for (size_t j = 2; j < look && k < sizeof tmp; j++)
            if (p[j])
                tmp[k++] = p[j];
        jisr_doc_format f = jisr_doc_sniff(tmp, k);
        return f == JISR_DOC_XLIFF || f == JISR_DOC_HTML ? f : JISR_DOC_TEXT;
    }
    while (i < look && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < look && p[i] == '<') {
        if (find_ci(p + i, look - i, "<xliff"))
            return JISR_DOC_XLIFF;
        if (find_ci(p + i, look - i, "<html") || find_ci(p + i, look - i, "<!doctype html") ||
            find_ci(p + i, look - i, "<body") || find_ci(p + i, look - i, "<head") ||
            find_ci(p + i, look - i, "<p>") || find_ci(p + i, look - i, "<div"))
            return JISR_DOC_HTML;
    }
    return JISR_DOC_TEXT;
}

/* ---- errors and warnings --------------------------------------------------------------------- */

static void where(jisr_doc *d, const char *part, char *out, size_t outsz)
{
    if (part)
        snprintf(out, outsz, "%s!/%s", d->name, part);
    else
        snprintf(out, outsz, "%s", d->name);
}

int doc_error(jisr_doc *d, int code, const char *part, unsigned long line, unsigned long col,
              const char *fmt, ...)
{
    char file[512], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    where(d, part, file, sizeof file);
    jisr_error_set(code, file, line, col, "%s", msg);
    d->err = code;
    d->saved = *jisr_error_last();
    return code;
}

void doc_warn(jisr_doc *d, const char *part, unsigned long line, const char *fmt, ...)
{
    if (!d->opts.on_warning)
        return;
    jisr_error e = {0};
    char file[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    where(d, part, file, sizeof file);
    snprintf(e.file, sizeof e.file, "%s", file);
    e.line = line;
    e.code = 0;
    d->opts.on_warning(d->opts.ctx, &e);
}

/* ---- the paragraph list ---------------------------------------------------------------------- */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t doc_collapse_space(char *s, size_t n)
{
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) {
            space = 1;
            continue;
        }
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0xA8) {
            /* an explicit line break: drop the spaces around it */
            while (o && s[o - 1] == ' ')
                o--;
            s[o++] = '\n';
            i += 2;
            space = 0;
            continue;
        }
        if (space && o && s[o - 1] != '\n')
            s[o++] = ' ';
        space = 0;
        s[o++] = (char)c;
    }
    s[o] = '\0';
    return o;
}

const char *doc_part(jisr_doc *d, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < d->nparts; i++)
        if (strcmp(d->parts[i], name) == 0)
            return d->parts[i];
    char **v = realloc(d->parts, (d->nparts + 1) * sizeof *v);
    if (!v)
        return NULL;
    d->parts = v;
    if (!(v[d->nparts] = jisr_strdup(name)))
        return NULL;
    return v[d->nparts++];
}

int doc_add(jisr_doc *d, const char *text, size_t len, jisr_para_kind kind, int level, jisr_dir dir,
            const char *lang, const char *part, const char *id, unsigned long line,
            unsigned long col)
{
    while (len && is_space((unsigned char)*text)) {
        text++;
        len--;
    }
    while (len && is_space((unsigned char)text[len - 1]))
        len--;
    if (!len)
        return 0;
    if (len > d->opts.max_para)
        return doc_error(d, JISR_ETOOBIG, part, line, col,
                         "paragraph longer than the limit of %zu bytes", d->opts.max_para);
    if (d->npara == d->cappara) {
        size_t cap = d->cappara ? d->cappara * 2 : 64;
        doc_para *v = realloc(d->paras, cap * sizeof *v);
        if (!v)
            return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
        d->paras = v;
        d->cappara = cap;
    }
    doc_para *p = &d->paras[d->npara];
    memset(p, 0, sizeof *p);
    p->text = jisr_strndup(text, len);
    p->lang = lang && *lang ? jisr_strdup(lang) : NULL;
    p->id = id ? jisr_strdup(id) : NULL;
    p->part = part ? doc_part(d, part) : NULL;
    if (!p->text || (lang && *lang && !p->lang) || (id && !p->id) || (part && !p->part)) {
        free(p->text);
        free(p->lang);
        free(p->id);
        return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    p->len = len;
    p->kind = kind;
    p->level = level;
    p->dir = dir;
    p->line = line;
    p->col = col;
    d->npara++;
    return 0;
}

static int list_next(jisr_doc *d, jisr_para *p)
{
    if (d->next_para == d->npara)
        return 0;
    doc_para *s = &d->paras[d->next_para++];
    memset(p, 0, sizeof *p);
    p->text = s->text;
    p->len = s->len;
    p->kind = s->kind;
    p->level = s->level;
    p->dir = s->dir;
    p->lang = s->lang;
    p->part = s->part;
    p->id = s->id;
    p->line = s->line;
    p->col = s->col;
    p->page = s->page;
    return 1;
}

/* ---- open ------------------------------------------------------------------------------------ */

static int doc_new(jisr_doc **out, const char *name, const jisr_doc_opts *opts)
{
    jisr_doc *d = calloc(1, sizeof *d);
    if (!d)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    jisr_doc_opts def = JISR_DOC_OPTS_INIT;
    d->opts = opts ? *opts : def;
    d->format = d->opts.format;
    if (!d->opts.max_entry)
        d->opts.max_entry = DOC_MAX_ENTRY;
    if (!d->opts.max_entries)
        d->opts.max_entries = DOC_MAX_ENTRIES;
    if (!d->opts.max_para)
        d->opts.max_para = DOC_MAX_PARA;
    if (!d->opts.max_bytes)
        d->opts.max_bytes = DOC_MAX_BYTES;
    d->name = jisr_strdup(strcmp(name, "-") == 0 ? "<stdin>" : name);
    d->encoding = d->opts.encoding ? jisr_strdup(d->opts.encoding) : NULL;
    const char *pt = d->opts.pdftotext ? d->opts.pdftotext : getenv("JISR_PDFTOTEXT");
    d->pdftotext = jisr_strdup(pt && *pt ? pt : "pdftotext");
    d->opts.encoding = d->encoding;
    d->opts.pdftotext = d->pdftotext;
    *out = d;
    if (!d->name || !d->pdftotext || (opts && opts->encoding && !d->encoding))
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (opts && opts->version != JISR_DOC_OPTS_VERSION)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_doc_opts: unknown version %u",
                              opts->version);
    return 0;
}

/* Read fd to its end into *out (NUL-terminated), at most max bytes: past that JISR_ETOOBIG,
 * saying what the limit is for (what). Errors are set, naming name. */
static int read_fd(int fd, const char *name, uint64_t max, const char *what, char **out, size_t *n)
{
    jisr_buf b = {0};
    int rc = 0;
    *out = NULL;
    *n = 0;
    for (;;) {
        if ((rc = jisr_buf_reserve(&b, 65536)) < 0)
            break;
        ssize_t got = read(fd, b.data + b.len, 65536);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = jisr_error_set(JISR_EIO, name, 0, 0, "read failed: %s", strerror(errno));
            break;
        }
        if (got == 0)
            break;
        b.len += (size_t)got;
        if (b.len > max) {
            rc = jisr_error_set(JISR_ETOOBIG, name, 0, 0, "larger than the limit of %llu bytes %s",
                                (unsigned long long)max, what);
            break;
        }
    }
    if (rc == 0 && (rc = jisr_buf_reserve(&b, 1)) == 0)
        b.data[b.len] = '\0';
    if (rc < 0) {
        jisr_buf_free(&b);
        return rc;
    }
    *out = b.data;
    *n = b.len;
    return 0;
}

/* What the limit on an input read whole is for, in messages. */
#define WHOLE_LIMIT                                                                                \
    "for standard input, a pipe or a FIFO, which is read whole (save it to a file, or raise "      \
    "jisr_doc_opts.max_bytes)"
#define FORMAT_LIMIT "for this format"

/* Read a whole file (at most d->opts.max_bytes bytes): a failure is d's sticky error. */
static int slurp(jisr_doc *d, const char *path, unsigned char **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    if (fd < 0)
        return doc_error(d, JISR_EIO, NULL, 0, 0, "cannot open: %s", strerror(errno));
    char *buf = NULL;
    int rc = read_fd(fd, d->name, d->opts.max_bytes, fd ? FORMAT_LIMIT : WHOLE_LIMIT, &buf, n);
    if (fd != 0)
        close(fd);
    if (rc < 0) {
        d->err = rc;
        d->saved = *jisr_error_last();
        return rc;
    }
    *out = (unsigned char *)buf;
    return 0;
}

int jisr_doc_read_input(const char *path, uint64_t max, char **data, size_t *n)
{
    if (!data || !n)
        return jisr_null_arg("jisr_doc_read_input", data ? "n" : "data");
    *data = NULL;
    *n = 0;
    if (!path)
        return jisr_null_arg("jisr_doc_read_input", "path");
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    int fd = is_stdin ? 0 : open(path, O_RDONLY);
    if (fd < 0)
        return jisr_error_set(JISR_EIO, name, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
        rc = jisr_error_set(JISR_EIO, name, 0, 0, "is a directory");
    else
        rc = read_fd(fd, name, max ? max : DOC_MAX_BYTES,
                     S_ISREG(st.st_mode) ? "for a document read whole" : WHOLE_LIMIT, data, n);
    if (!is_stdin)
        close(fd);
    return rc;
}

/* Formats that jisr refuses with an explanation rather than reading as text (or, for an OLE2
 * file, as the ZIP archive that its name promised). */
static int unsupported(jisr_doc *d, const unsigned char *head, size_t n)
{
    int ole2 = n >= 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0;
    /* Office keeps a password-protected DOCX in an OLE2 file (its EncryptedPackage stream):
     * under a .docx name, that is what it is far more often than a renamed .doc */
    if (ole2 && (d->format == JISR_DOC_DOCX || d->format == JISR_DOC_ODT))
        return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0,
                         "an encrypted (password-protected) Office document, which jisr cannot "
                         "read: save it without a password (it is an OLE2 file, not a ZIP "
                         "archive; if it is a Word 97-2003 .doc, save it as DOCX)");
    if (ole2)
        return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0,
                         "an OLE2 file (Word 97-2003 .doc, or an encrypted Office file) is not "
                         "supported: save it as DOCX or ODT (soffice --headless --convert-to "
                         "docx FILE)");
    if (d->format == JISR_DOC_AUTO && n >= 5 && memcmp(head, "{\\rtf", 5) == 0)
        return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0,
                         "RTF is not supported: save it as DOCX or ODT (soffice --headless "
                         "--convert-to docx FILE)");
    return 0;
}

/* What a file with these first bytes is when it is not text (a known magic number), and what to
 * do about it ("" when nothing): NULL when no magic number is known. */
static const char *binary_kind(const unsigned char *h, size_t n, const char **advice)
{
    static const struct {
        size_t off;
        const char *magic;
        size_t len;
        const char *what, *advice;
    } m[] = {
        {0, "\x89PNG\r\n\x1a\n", 8, "a PNG image", ""},
        {0, "\xFF\xD8\xFF", 3, "a JPEG image", ""},
        {0, "GIF87a", 6, "a GIF image", ""},
        {0, "GIF89a", 6, "a GIF image", ""},
        {0, "II*\0", 4, "a TIFF image", ""},
        {0, "MM\0*", 4, "a TIFF image", ""},
        {8, "WEBP", 4, "a WebP image", ""},                   /* after "RIFF" */
        {4, "ftyp", 4, "an MP4 or QuickTime media file", ""}, /* after a 0 byte */
        {0, "OggS", 4, "an Ogg media file", ""},
        {0, "fLaC", 4, "a FLAC audio file", ""},
        {0, "%PDF-", 5, "a PDF document", ": give --from pdf to read it as one"},
        {0, "PK\x03\x04", 4, "a ZIP archive",
         " (a DOCX or ODT under another name? give --from docx or --from odt)"},
        {0, "PK\x05\x06", 4, "an empty ZIP archive", ""},
        {0, "\x1F\x8B", 2, "a gzip archive", ""},
        {0, "\xFD\x37zXZ\0", 6, "an xz archive", ""},
        {0, "7z\xBC\xAF\x27\x1C", 6, "a 7-Zip archive", ""},
        {0, "Rar!\x1A\x07", 6, "a RAR archive", ""},
        {0, "\x7F\x45LF", 4, "an ELF executable", ""},
        {0, "SQLite format 3\0", 16, "an SQLite database", ""},
        {0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8,
         "an OLE2 file (Word 97-2003 .doc, or an encrypted Office file)",
         ": save it as DOCX or ODT (soffice --headless --convert-to docx FILE)"},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (n >= m[i].off + m[i].len && memcmp(h + m[i].off, m[i].magic, m[i].len) == 0 &&
            (m[i].off != 8 || memcmp(h, "RIFF", 4) == 0) && (m[i].off != 4 || h[0] == 0)) {
            *advice = m[i].advice;
            return m[i].what;
        }
    *advice = "";
    if (n >= 10 && memcmp(h, "BZh", 3) == 0 && h[3] >= '1' && h[3] <= '9' &&
        memcmp(h + 4, "1AY&SY", 6) == 0)
        return "a bzip2 archive";
    return NULL;
}

/* A file to be read as text or HTML that is not text: said as such rather than as the invalid
 * UTF-8 of its first byte. A known magic number names its kind (JISR_EUNSUPPORTED); a NUL byte
 * in the first bytes of a text without a byte-order mark or a forced encoding (UTF-16LE …) makes
 * it binary (JISR_EENCODING, as a NUL byte further on is; HTML reports its NUL bytes when it
 * decodes them). */
static int not_text(jisr_doc *d, const unsigned char *head, size_t n)
{
    const char *advice;
    const char *what = binary_kind(head, n, &advice);
    if (what)
        return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0, "%s, not text%s", what, advice);
    int bom = n >= 2 && (memcmp(head, "\xFF\xFE", 2) == 0 || memcmp(head, "\xFE\xFF", 2) == 0);
    const unsigned char *nul = memchr(head, 0, n);
    if (d->format != JISR_DOC_TEXT || d->opts.encoding || bom || !nul)
        return 0;
    unsigned long line = 1, col = 1; /* where it is, in lines and code points */
    for (const unsigned char *p = head; p < nul; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else if ((*p & 0xC0) != 0x80) {
            col++;
        }
    }
    return doc_error(d, JISR_EENCODING, NULL, line, col,
                     "NUL byte at byte offset %zu: a binary file, not text (UTF-16 needs a "
                     "byte-order mark or --encoding)",
                     (size_t)(nul - head));
}

static int dispatch(jisr_doc *d, const char *path, const unsigned char *data, size_t n)
{
    int rc;
    unsigned char head[4096];
    size_t nh = 0;
    if (data) {
        nh = n < sizeof head ? n : sizeof head;
        memcpy(head, data, nh);
    } else if (path) {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            return doc_error(d, JISR_EIO, NULL, 0, 0, "cannot open: %s", strerror(errno));
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            return doc_error(d, JISR_EIO, NULL, 0, 0, "is a directory");
        }
        ssize_t got;
        do
            got = read(fd, head, sizeof head);
        while (got < 0 && errno == EINTR);
        close(fd);
        if (got < 0)
            return doc_error(d, JISR_EIO, NULL, 0, 0, "read failed: %s", strerror(errno));
        nh = (size_t)got;
    }
    /* text and HTML name a binary file's kind in not_text */
    if (d->format != JISR_DOC_TEXT && d->format != JISR_DOC_HTML &&
        (rc = unsupported(d, head, nh)) < 0)
        return rc;
    if (d->format == JISR_DOC_AUTO)
        d->format = jisr_doc_sniff(head, nh);
    if ((d->format == JISR_DOC_TEXT || d->format == JISR_DOC_HTML) &&
        (rc = not_text(d, head, nh)) < 0)
        return rc;
    switch (d->format) {
    case JISR_DOC_TEXT:
        return data ? doc_text_open_memory(d, data, n) : doc_text_open_file(d, path);
    case JISR_DOC_HTML: {
        unsigned char *buf = NULL;
        size_t len = n;
        if (!data && (rc = slurp(d, path, &buf, &len)) < 0)
            return rc;
        rc = doc_html_read(d, data ? data : buf, len);
        free(buf);
        return rc;
    }
    case JISR_DOC_DOCX:
    case JISR_DOC_ODT:
        return doc_zip_read(d, data ? NULL : path, data, n, d->format);
    case JISR_DOC_XLIFF:
        return doc_xliff_read(d, data ? NULL : path, data, n);
    case JISR_DOC_PDF:
        return doc_pdf_read(d, data ? NULL : path, data, n);
    default:
        return doc_error(d, JISR_EINVAL, NULL, 0, 0, "unknown document format");
    }
}

/* Whether path is read once, whole (1), rather than opened as often as its reader needs (0):
 * standard input and whatever is not a regular file or a directory (a pipe such as <(cmd), a
 * FIFO, a character device), whose bytes are gone once read. <0: it cannot be looked at. */
static int read_once(jisr_doc *d, const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0)
        return 1;
    if (stat(path, &st) < 0)
        return doc_error(d, JISR_EIO, NULL, 0, 0, "cannot open: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return doc_error(d, JISR_EIO, NULL, 0, 0, "is a directory");
    return !S_ISREG(st.st_mode);
}

int jisr_doc_open(jisr_doc **out, const char *path, const jisr_doc_opts *opts)
{
    jisr_doc *d = NULL;
    if (!out)
        return jisr_null_arg("jisr_doc_open", "out");
    *out = NULL;
    if (!path)
        return jisr_null_arg("jisr_doc_open", "path");
    int rc = doc_new(&d, path, opts);
    if (rc == 0 && d->format == JISR_DOC_AUTO)
        d->format = jisr_doc_format_from_name(path);
    int once = rc == 0 ? read_once(d, path) : 0;
    if (once < 0) {
        rc = once;
    } else if (once) {
        /* standard input, a pipe, a FIFO: read whole, then as a buffer (the readers of files
         * open them more than once: to sniff the format, to guess the encoding) */
        unsigned char *buf = NULL;
        size_t n = 0;
        if ((rc = slurp(d, path, &buf, &n)) == 0) {
            d->input = buf; /* a buffer must outlive the document */
            rc = dispatch(d, NULL, buf, n);
        }
    } else if (rc == 0) {
        rc = dispatch(d, path, NULL, 0);
    }
    if (rc < 0) {
        jisr_error e = *jisr_error_last();
        jisr_doc_close(d);
        jisr_error_set(e.code ? e.code : rc, e.file[0] ? e.file : NULL, e.line, e.col, "%s", e.msg);
        return rc;
    }
    *out = d;
    return 0;
}

int jisr_doc_open_memory(jisr_doc **out, const char *name, const void *data, size_t n,
                         const jisr_doc_opts *opts)
{
    jisr_doc *d = NULL;
    if (!out)
        return jisr_null_arg("jisr_doc_open_memory", "out");
    *out = NULL;
    if (!data && n) /* NULL and 0 is an empty document */
        return jisr_null_arg("jisr_doc_open_memory", "data");
    int rc = doc_new(&d, name ? name : "<memory>", opts);
    if (rc == 0 && d->format == JISR_DOC_AUTO && name)
        d->format = jisr_doc_format_from_name(name);
    if (rc == 0)
        rc = dispatch(d, NULL, data ? data : (const void *)"", n);
    if (rc < 0) {
        jisr_error e = *jisr_error_last();
        jisr_doc_close(d);
        jisr_error_set(e.code ? e.code : rc, e.file[0] ? e.file : NULL, e.line, e.col, "%s", e.msg);
        return rc;
    }
    *out = d;
    return 0;
}

int jisr_doc_next(jisr_doc *d, jisr_para *p)
{
    if (!d || !p) /* not recorded as the document's (sticky) error */
        return jisr_null_arg("jisr_doc_next", d ? "p" : "d");
    if (d->err) {
        const jisr_error *e = &d->saved;
        return jisr_error_set(d->err, e->file[0] ? e->file : NULL, e->line, e->col, "%s", e->msg);
    }
    int rc = d->next ? d->next(d, p) : list_next(d, p);
    if (rc < 0) {
        if (!d->err) {
            d->err = rc;
            d->saved = *jisr_error_last();
        }
        return rc;
    }
    if (rc == 0)
        return 0;
    p->index = d->index++;
    if (d->format != JISR_DOC_TEXT) {
        p->offset = d->offset;
        d->offset += p->len + 2;
    }
    return 1;
}

jisr_doc_format jisr_doc_get_format(const jisr_doc *d)
{
    return d ? d->format : JISR_DOC_AUTO;
}

size_t jisr_doc_replacements(const jisr_doc *d)
{
    return d ? d->replaced : 0;
}

void jisr_doc_close(jisr_doc *d)
{
    if (!d)
        return;
    if (d->close)
        d->close(d);
    for (size_t i = 0; i < d->npara; i++) {
        free(d->paras[i].text);
        free(d->paras[i].lang);
        free(d->paras[i].id);
    }
    free(d->paras);
    for (size_t i = 0; i < d->nparts; i++)
        free(d->parts[i]);
    free(d->parts);
    free(d->mem);
    jisr_buf_free(&d->scratch);
    free(d->input);
    free(d->name);
    free(d->encoding);
    free(d->pdftotext);
    free(d);
}
