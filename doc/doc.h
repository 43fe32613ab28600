/*
 * doc.h — paragraph sources: documents (plain text in any encoding, HTML, DOCX, ODT, XLIFF,
 * PDF) read as a sequence of paragraphs with hints (kind, direction, language, position).
 *
 * A document is opened with jisr_doc_open (a file) or jisr_doc_open_memory (a buffer); each
 * jisr_doc_next hands out the next paragraph. The format comes from the options, else the file
 * name's extension, else the first bytes (sniffing). Every reader is built for untrusted input:
 * XML is parsed without network, DTD loading or entity expansion and with bounded depth; ZIP
 * containers (DOCX, ODT) are refused before anything is inflated when they hold too many
 * entries, an entry larger than the limit or compressed suspiciously well, and nested archives
 * are never opened; a paragraph longer than the limit is JISR_ETOOBIG. Errors name the file
 * (and, inside a container, the part: "report.docx!/word/document.xml"), line and column.
 *
 * Ownership rule: the jisr_doc made by _open is freed by jisr_doc_close (which accepts NULL);
 * every pointer in a jisr_para is borrowed and valid until the next jisr_doc_next or close.
 * All text is UTF-8. A jisr_doc is not thread-safe; separate documents may be read on
 * separate threads.
 */
#ifndef JISR_DOC_H
#define JISR_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "../util/util.h" /* relative: works in the tree and installed under include/jisr/ */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum jisr_doc_format {
    JISR_DOC_AUTO = 0,
    JISR_DOC_TEXT,  /* plain text: UTF-8, UTF-16 with a BOM, or a legacy encoding */
    JISR_DOC_HTML,  /* HTML or XHTML */
    JISR_DOC_DOCX,  /* Office Open XML word processing (Word 2007+) */
    JISR_DOC_ODT,   /* OpenDocument text */
    JISR_DOC_XLIFF, /* XLIFF 1.2 or 2.0: the source segments */
    JISR_DOC_PDF,   /* PDF through poppler's pdftotext */
} jisr_doc_format;

/** What a paragraph is in its document. */
typedef enum jisr_para_kind {
    JISR_PARA_BODY = 0,  /* ordinary paragraph (plain text paragraphs, <p>, w:p, text:p) */
    JISR_PARA_TITLE,     /* the document's title (HTML <title>, a "Title" style) */
    JISR_PARA_HEADING,   /* h1–h6, heading styles, text:h (level = 1…) */
    JISR_PARA_LIST_ITEM, /* li/dt/dd, numbered paragraphs, text:list-item (level = nesting) */
    JISR_PARA_CELL,      /* a table cell's paragraph */
    JISR_PARA_CAPTION,   /* caption, figcaption */
    JISR_PARA_FOOTNOTE,  /* footnotes and endnotes (DOCX, ODT), HTML doc-footnote/endnote */
    JISR_PARA_SEGMENT,   /* an XLIFF source segment */
} jisr_para_kind;

/** Writing direction hint (dir attribute, w:bidi, style:writing-mode). */
typedef enum jisr_dir {
    JISR_DIR_NONE = 0,
    JISR_DIR_LTR,
    JISR_DIR_RTL,
    JISR_DIR_AUTO,
} jisr_dir;

typedef struct jisr_para {
    const char *text; /* UTF-8, NUL-terminated, never empty or only white space */
    size_t len;
    jisr_para_kind kind;
    int level;          /* heading level or list nesting (1 = outermost); 0 otherwise */
    jisr_dir dir;       /* direction hint */
    const char *lang;   /* language hint (lang, xml:lang, w:lang, XLIFF source language), or
                           NULL */
    const char *part;   /* the container part it comes from ("word/footnotes.xml"), or NULL */
    const char *id;     /* XLIFF unit id (with "#n" for its n-th segment), or NULL */
    unsigned long line; /* where it starts in its file or part (1-based; 0 = unknown) */
    unsigned long col;  /* column in code points (0 = unknown) */
    unsigned long page; /* PDF page (1-based), 0 elsewhere */
    uint64_t offset;    /* plain text: byte offset of text in the decoded input; other
                           formats: offset in the document's text rendering, where paragraphs
                           are joined by one blank line */
    size_t index;       /* 0-based paragraph number in the document */
} jisr_para;

enum {
    /* invalid UTF-8 (or bytes a legacy encoding cannot map) become U+FFFD instead of failing */
    JISR_DOC_LENIENT = 1 << 0,
    /* plain text: every non-blank line is a paragraph (one sentence per line files) */
    JISR_DOC_LINES = 1 << 1,
    /* HTML: keep navigation, banners, page footers and asides (skipped by default) */
    JISR_DOC_BOILERPLATE = 1 << 2,
    /* the documents are monolingual even where they hold much text in the other language's
     * script (Arabic instructions naming many English terms): jisr_corpus_pair reads one that
     * looks bilingual as a document of its side instead of skipping it (the doc layer itself
     * ignores this flag) */
    JISR_DOC_MIXED_SCRIPT = 1 << 3,
};

/** Called with each warning (a PDF's Arabic ligatures, a guessed encoding, replaced bytes):
 * the detail (file, message) is in err, borrowed for the call. */
typedef void (*jisr_doc_warn_fn)(void *ctx, const jisr_error *err);

typedef struct jisr_doc_opts {
    unsigned version;       /* JISR_DOC_OPTS_VERSION */
    jisr_doc_format format; /* JISR_DOC_AUTO: from the name, else sniffed */
    unsigned flags;         /* JISR_DOC_* */
    const char *encoding;   /* plain text and HTML: force this encoding (an ICU converter
                               name: "windows-1256", "ISO-8859-6", "UTF-16LE" …); NULL = BOM,
                               declaration, else UTF-8 when valid, else detected */
    const char *pdftotext;  /* pdftotext program; NULL = $JISR_PDFTOTEXT, else "pdftotext"
                               found through PATH */
    /* safety limits (0 = the default in brackets) */
    uint64_t max_entry;   /* largest ZIP entry inflated, bytes [256 MiB] */
    uint64_t max_entries; /* entries in a ZIP container [10,000] */
    size_t max_para;      /* longest paragraph, bytes [16 MiB] */
    uint64_t max_bytes;   /* largest HTML/XLIFF/legacy-encoded text file read whole, and
                             standard input, pipe or FIFO (read whole), and largest pdftotext
                             output [256 MiB] */
    jisr_doc_warn_fn on_warning;
    void *ctx;
} jisr_doc_opts;
#define JISR_DOC_OPTS_VERSION 1
#define JISR_DOC_OPTS_INIT                                                                         \
    {                                                                                              \
        JISR_DOC_OPTS_VERSION, JISR_DOC_AUTO, 0, NULL, NULL, 0, 0, 0, 0, NULL, NULL                \
    }

typedef struct jisr_doc jisr_doc;

/** Open a document ("-" = standard input, format sniffed unless given). opts may be NULL. Standard
 * input, and a path that is not a regular file (a pipe such as bash's <(cmd), a FIFO, a device),
 * are read once, whole, at open: at most opts->max_bytes (256 MiB), beyond which JISR_ETOOBIG; a
 * regular file is opened as often as its reader needs. The format's container and metadata are
 * checked here; paragraphs are read by jisr_doc_next. Errors: JISR_EIO (cannot open or read),
 * JISR_EINVAL (bad options), JISR_EUNSUPPORTED (a format jisr does not read: Word 97-2003 .doc, an
 * encrypted file, a spreadsheet or presentation (XLSX, PPTX, ODS, ODP), a binary file to be read
 * as text or HTML (an image, an archive …: its kind named when its magic number is known), a PDF
 * when pdftotext is not installed — the message says so), JISR_EPARSE (malformed container or XML:
 * file, part, line, column), JISR_EENCODING (undecodable text; a NUL byte: a binary file),
 * JISR_ETOOBIG (a safety limit: the message names it), JISR_ENOMEM. On error *out is NULL. */
JISR_API int jisr_doc_open(jisr_doc **out, const char *path, const jisr_doc_opts *opts);

/** The same over a caller-owned buffer that must outlive the document; name is used in
 * messages and, with JISR_DOC_AUTO, for its extension (NULL: "<memory>", the format sniffed).
 * data may be NULL when n is 0 (an empty document); NULL with n above 0 is JISR_EINVAL. PDF reads
 * it through a temporary file. */
JISR_API int jisr_doc_open_memory(jisr_doc **out, const char *name, const void *data, size_t n,
                                  const jisr_doc_opts *opts);

/** Read the whole of an input into *data (malloc'd, NUL-terminated, the caller frees it) and
 * its length into *n, opening it once: path "-" is standard input. For a caller that reads an
 * input more than once (sniffs it, then reads it; reads it again later), which a pipe or a FIFO
 * does not allow: read it here, then from memory (jisr_doc_open_memory). At most max bytes
 * (0 = 256 MiB, jisr_doc_opts.max_bytes's default). Errors: JISR_EIO (cannot open or read; a
 * directory), JISR_ETOOBIG (over max: the message names the limit), JISR_ENOMEM, JISR_EINVAL
 * (a NULL argument); the detail names path. */
JISR_API int jisr_doc_read_input(const char *path, uint64_t max, char **data, size_t *n);

/** Next paragraph into *p. Returns 1 with a paragraph, 0 at the end, <0 on error (the detail
 * names file, part, line and column). Errors are sticky: later calls return the same code (not
 * JISR_EINVAL for d or p NULL, which leaves the document as it was). */
JISR_API int jisr_doc_next(jisr_doc *d, jisr_para *p);

/** The format being read (resolved when opened with JISR_DOC_AUTO). */
JISR_API jisr_doc_format jisr_doc_get_format(const jisr_doc *d);

/** Number of U+FFFD substitutions so far (JISR_DOC_LENIENT). */
JISR_API size_t jisr_doc_replacements(const jisr_doc *d);

JISR_API void jisr_doc_close(jisr_doc *d);

/** Format from a file name's extension (.txt .html .htm .xhtml .docx .odt .xlf .xliff
 * .sdlxliff .pdf), or JISR_DOC_AUTO. */
JISR_API jisr_doc_format jisr_doc_format_from_name(const char *path);
/** "text", "html", "docx", "odt", "xliff", "pdf" (case-insensitive), or JISR_DOC_AUTO. */
JISR_API jisr_doc_format jisr_doc_format_from_string(const char *name);
/** The first bytes of a file (at least 4 KiB when it has them) → its format: ZIP containers by
 * their entries are not looked at here (JISR_DOC_DOCX for any ZIP); %PDF; XML with an <xliff>
 * root; HTML; else JISR_DOC_TEXT. head may be NULL when n is 0; NULL with n above 0 is
 * JISR_DOC_AUTO with JISR_EINVAL recorded. */
JISR_API jisr_doc_format jisr_doc_sniff(const void *head, size_t n);
/** Static name of a format ("text", "html", …; "auto"). */
JISR_API const char *jisr_doc_format_name(jisr_doc_format f);
/** Static name of a paragraph kind ("body", "title", "heading", "list-item", "cell",
 * "caption", "footnote", "segment"). */
JISR_API const char *jisr_para_kind_name(jisr_para_kind k);

#ifdef __cplusplus
}
#endif

#endif
