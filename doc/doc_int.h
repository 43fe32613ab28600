/*
 * doc_int.h — private to doc/: the document handle shared by the per-format readers, the list
 * of paragraphs the tree-shaped formats fill, and the XML and ZIP helpers they share.
 */
#ifndef JISR_DOC_INT_H
#define JISR_DOC_INT_H

#include <stdint.h>

#include <libxml/xmlreader.h>

#include "doc/doc.h"
#include "formats/formats_int.h"

#define DOC_MAX_ENTRY ((uint64_t)256 << 20)
#define DOC_MAX_ENTRIES 10000u
#define DOC_MAX_PARA ((size_t)16 << 20)
#define DOC_MAX_BYTES ((uint64_t)256 << 20)
#define DOC_MAX_RATIO 1000u   /* inflated / compressed size above which an entry is a bomb */
#define DOC_XML_DEPTH_MAX 200 /* element depth of DOCX/ODT/HTML (libxml2 stops at 256) */

/* A paragraph kept by a reader that reads its whole document first (every format but plain
 * text). Strings are owned. */
typedef struct doc_para {
    char *text;
    size_t len;
    jisr_para_kind kind;
    int level;
    jisr_dir dir;
    char *lang, *id;
    const char *part; /* static or owned by the reader's parts list */
    unsigned long line, col, page;
} doc_para;

struct jisr_doc {
    char *name; /* for messages ("-" shown as <stdin>) */
    jisr_doc_format format;
    jisr_doc_opts opts; /* limits resolved; strings borrowed from the caller only during open */
    char *encoding;     /* owned copy of opts.encoding */
    char *pdftotext;    /* owned copy of opts.pdftotext */
    int err;            /* sticky error */
    jisr_error saved;
    size_t index;         /* paragraphs handed out */
    uint64_t offset;      /* text-rendering offset of the next paragraph */
    size_t replaced;      /* U+FFFD substitutions */
    unsigned char *input; /* standard input, read whole (owned) */

    /* the paragraph list of whole-document readers */
    doc_para *paras;
    size_t npara, cappara, next_para;
    char **parts; /* part names kept for doc_para.part */
    size_t nparts;

    /* plain text */
    void *textin; /* jisr_textin * (streamed UTF-8/UTF-16 files) */
    char *mem;    /* decoded text of a text document read whole (owned) */
    size_t mem_len, mem_pos;
    unsigned long mem_line;
    jisr_buf scratch; /* a streamed paragraph, NUL-terminated */

    /* format-specific streaming reader (NULL when the list is used) */
    int (*next)(jisr_doc *d, jisr_para *p);
    void (*close)(jisr_doc *d);
    void *impl;
};

/* doc.c */
/** Record an error at (part, line, col) of the document and make it sticky; returns code. */
int doc_error(jisr_doc *d, int code, const char *part, unsigned long line, unsigned long col,
              const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/** Send a warning to the caller's callback (never printed). */
void doc_warn(jisr_doc *d, const char *part, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/** Append a paragraph to the list: text is trimmed of white space (nothing is kept when it is
 * blank), checked against the limit. Strings are copied. */
int doc_add(jisr_doc *d, const char *text, size_t len, jisr_para_kind kind, int level, jisr_dir dir,
            const char *lang, const char *part, const char *id, unsigned long line,
            unsigned long col);
/** The stored copy of a part name (for doc_para.part). */
const char *doc_part(jisr_doc *d, const char *name);
/** Collapse runs of XML/HTML white space (space, tab, CR, LF) into one space, in place
 * (except newlines that stand for explicit line breaks: U+2028 markers become '\n'). */
size_t doc_collapse_space(char *s, size_t n);
/** The marker a reader appends for an explicit line break before doc_collapse_space. */
#define DOC_BR "\xE2\x80\xA8" /* U+2028 LINE SEPARATOR */

/* text.c: plain text (also the text that pdftotext prints) */
int doc_text_open_file(jisr_doc *d, const char *path);
int doc_text_open_memory(jisr_doc *d, const void *data, size_t n);
/** Decode raw bytes into a malloc'd UTF-8 string (for HTML too). enc is forced (opts.encoding)
 * or NULL: then a BOM, else the declared encoding decl (a <meta> charset; NULL = an Emacs
 * "coding:" line, if any) unless the bytes are valid UTF-8 with multi-byte sequences or ICU does
 * not know the name (both warned), else UTF-8 when valid, else detected. */
int doc_decode(jisr_doc *d, const unsigned char *data, size_t n, const char *enc, const char *decl,
               char **out, size_t *out_len);
/** Paragraphs of d->mem, split at blank lines (or lines with JISR_DOC_LINES). */
int doc_mem_next(jisr_doc *d, jisr_para *p);

/* html.c */
int doc_html_read(jisr_doc *d, const unsigned char *data, size_t n);

/* zip.c: DOCX and ODT */
int doc_zip_read(jisr_doc *d, const char *path, const void *data, size_t n, jisr_doc_format want);

/* xliff.c */
int doc_xliff_read(jisr_doc *d, const char *path, const void *data, size_t n);

/* pdf.c */
int doc_pdf_read(jisr_doc *d, const char *path, const void *data, size_t n);
/** The text pdftotext printed → paragraphs (also fed directly by the fuzz target). */
int doc_pdf_text(jisr_doc *d, const char *text, size_t n);

/* xml.c: an xmlTextReader over any byte source, with the TMX reader's safety rules */
typedef struct doc_xml {
    xmlTextReaderPtr r;
    jisr_doc *d;
    const char *part; /* for messages */
    int err;          /* first error (JISR_E*), 0 */
    unsigned long err_line, err_col;
    char err_msg[512];
    /* byte source */
    int (*read)(void *ctx, char *buf, int len);
    void *ctx;
    uint64_t bytes;
    void *owned_src;              /* doc_xml_open_memory's source */
    xmlGenericErrorFunc saved_fn; /* the thread's generic error function, restored at close */
    void *saved_ctx;
    fmt_xml_refs refs; /* where the entity references met are (fmt_xml_read) */
} doc_xml;

/** Open x over read(ctx, …) (a ZIP entry, a memory buffer). name is the part for messages. */
int doc_xml_open(doc_xml *x, jisr_doc *d, const char *part, int (*read)(void *, char *, int),
                 void *ctx);
/** Open x over a memory buffer. */
int doc_xml_open_memory(doc_xml *x, jisr_doc *d, const char *part, const void *data, size_t n);
/** Next node: 1, 0 at the end, <0 on error (recorded on d, naming the part and position):
 * malformed XML, an entity reference, depth beyond DOC_XML_DEPTH_MAX. */
int doc_xml_next(doc_xml *x);
/** Where the reader stands (line, column). */
void doc_xml_pos(doc_xml *x, unsigned long *line, unsigned long *col);
void doc_xml_close(doc_xml *x);
/** Attribute by qualified name ("w:val") or local name + namespace URI; malloc'd or NULL. */
char *doc_xml_attr(doc_xml *x, const char *qname);
/** The local name of the current node, and whether it is a start (1), end (2) or empty (3)
 * element, text (4), or other (0). */
int doc_xml_node(doc_xml *x, const char **local, const char **ns);

#endif
