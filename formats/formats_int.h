/*
 * formats_int.h — private to formats/: the reader/writer handles shared by the per-format
 * implementations, the common helpers they call (common.c) and the unit model's helpers
 * (unit.c). Names private to the layer start with fmt_.
 *
 * The files depend on each other in one direction only:
 *   io.c (the public reader/writer API: picks a format and dispatches)
 *     → tmx_read.c tmx_write.c tsv.c jsonl.c (one format each)
 *       → check.c (the unit model's one set of checks and limits)
 *         → common.c (what every format shares: opening inputs, reporting a skipped unit, the
 *           sticky write error, escaping) → unit.c (the unit model) → util/
 * A format never calls io.c, and no format calls another.
 */
#ifndef JISR_FORMATS_INT_H
#define JISR_FORMATS_INT_H

#include <stdint.h>
#include <stdio.h>

#include "formats/formats.h"
#include "util/util_int.h"

/* Safety limits of every reader (bytes of UTF-8 unless said otherwise). */
#define JISR_SEG_MAX (1u << 20)   /* one segment's text, or one inline tag's XML */
#define JISR_DEPTH_MAX 48         /* XML element depth (TMX needs ~10) */
#define JISR_VARIANTS_MAX 4096    /* variants in one unit */
#define JISR_PROPS_MAX 4096       /* props or notes on one element */
#define JISR_LINE_MAX (16u << 20) /* one TSV/Moses/JSONL line */
#define JISR_ATTR_MAX (64 << 10)  /* one attribute value (tuid, language, date …), decoded */
#define JISR_ATTRS_MAX 256        /* attributes (and namespace declarations) of one element */
/* raw bytes of one attribute value in a file: the decoded limit times the longest escape the
 * writer uses ("&quot;"), so whatever the writer writes the reader reads */
#define JISR_ATTR_RAW_MAX (6 * JISR_ATTR_MAX)
#define JISR_STARTTAG_MAX (8u << 20) /* one start tag, raw bytes */

/* The header prop of a TMX written with JISR_WRITE_OMEGAT_SHORTCUTS: the reader then takes
 * OmegaT's text shortcuts as tags (as in OmegaT's own files) and keeps no such prop. */
#define FMT_OMEGAT_SHORTCUTS_PROP "x-jisr-omegat-shortcuts"

/* The line limit the line formats use: JISR_LINE_MAX; the fuzz targets lower it so that
 * over-long lines are common in a small input. */
extern size_t fmt_line_max;

struct jisr_reader {
    jisr_format format;
    unsigned flags;
    char *path;    /* for messages ("-" shown as <stdin>) */
    char *srclang; /* TSV/Moses column languages */
    char *tgtlang;
    int langs_given;     /* bit 0: srclang from the options, bit 1: tgtlang (else "und" for now) */
    jisr_fileset *files; /* where the files read are recorded (may be NULL) */
    void (*on_bad)(void *ctx, const jisr_error *err);
    void *ctx;
    void (*on_warning)(void *warning_ctx, const jisr_error *w);
    void *warning_ctx;
    jisr_header header;
    int has_header;
    uint64_t bytes; /* input bytes consumed so far */
    int (*next)(jisr_reader *r, jisr_unit *u);
    void (*close)(jisr_reader *r);
    void *impl;
};

struct jisr_writer {
    jisr_format format;
    char *path, *path2; /* final names (path2: Moses target side) */
    jisr_outfile *out, *out2;
    FILE *f, *f2;
    int borrowed; /* f is a caller's stream: flushed, never closed */
    int err;      /* sticky: first error, every later call is a no-op */
    char *srclang, *tgtlang, *adminlang, *datatype, *segtype, *o_tmf;
    jisr_meta header_meta;
    unsigned long nunits;
    unsigned flags; /* jisr_write_opts.flags */
    jisr_buf buf;
    int (*write)(jisr_writer *w, const jisr_unit *u);
    int (*finish)(jisr_writer *w);
};

/* ---- unit.c ---------------------------------------------------------------------------------- */

void fmt_meta_clear(jisr_meta *m);
int fmt_meta_copy(jisr_meta *d, const jisr_meta *s);
int fmt_variant_add_tag(jisr_variant *v, const char *xml, size_t len);
/** Index of the placeholder at s[i] (U+E000–U+F8FF), or -1. */
long fmt_placeholder_at(const char *s, size_t n, size_t i);
int fmt_utf8_put(jisr_buf *b, unsigned cp);
/** The character a tag "&#xHHHH;" stands for (a literal character kept as a tag), else 0. */
unsigned fmt_literal_char(const char *tag);
/* Whether the line break whose placeholder is at s[i] (in s[0..n), whose tags are tags[0..ntags))
 * draws a line feed in the plain text: when the nearest characters on both sides, past tags that
 * draw nothing, are there and are no white space ("line<br/>second", not "line <br/>second"
 * nor at an end), as a reader sees two words apart and no empty line. */
int fmt_break_draws(const char *s, size_t n, size_t i, char *const *tags, size_t ntags);
/** The date *slot (may be NULL) in TMX's form: 0 when it is absent or was read (and rewritten in
 * that form), 1 when it cannot be read (*slot left as it was, for the caller's warning), or
 * JISR_ENOMEM. */
int fmt_date_norm(char **slot);
/** OmegaT's shortcut tags written as text in the variant's text ("<b0>", "</b0>", "<x1/>": '<',
 * an optional '/', ASCII letters, digits, an optional '/' (not both), '>') become inline tags
 * holding the shortcut as their native code: an opening one and the nearest closing one of the
 * same name after it a <bpt>/<ept> pair (an i no bpt/ept of the segment has), a self-closing
 * one a <ph>, one without its counterpart an <it>. Every placeholder is renumbered in text
 * order. Nothing changes when there is none or the segment would hold more than JISR_TAG_MAX
 * tags. 0 (nothing changed), 1 (converted), 2 (converted, and a literal private-use character
 * became a placeholder: fmt_variant_canon_pua puts it back), or JISR_ENOMEM (v unchanged). */
int fmt_omegat_tags(jisr_variant *v);
/** The OmegaT shortcut at s[i] (s[i] == '<'; s[0..n)): its length, 0 when there is none.
 * *kind is 1 opening ("<b0>"), 2 closing ("</b0>"), 3 self-closing ("<x1/>"); the name (letters
 * and digits) is s[*name .. *name + *name_len). The one pattern of the reader (fmt_omegat_tags)
 * and the writers (jisr_tag_omegat_shortcut). */
size_t fmt_omegat_shortcut(const char *s, size_t n, size_t i, int *kind, size_t *name,
                           size_t *name_len);
/** Whether a variant's language tag is one readers take: letters and digits in subtags joined
 * by '-' or '_', none empty ("en us!", "en-", "" are not). Looser than jisr_lang_tag_ok, which
 * also bounds each subtag to 8 characters: a memory keeps tags of up to 63 bytes as they are. */
int fmt_lang_chars_ok(const char *tag);

/* ---- common.c -------------------------------------------------------------------------------- */

/** Report the current error as a skipped unit (the reader's on_bad callback). */
void fmt_reader_bad(jisr_reader *r);
/** jisr_unit_check for a reader of text formats (TSV, Moses, JSONL), which says so (a warning
 * naming the unit's line) when it turns a U+000B or U+000C of a text into a line feed. */
int fmt_check_breaks(jisr_reader *r, jisr_unit *u);
/** Report a warning at line:col of the reader's input (the on_warning callback, if any). */
void fmt_reader_warn(jisr_reader *r, unsigned long line, unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** The warning for a date that cannot be read, into out: attribute attr (creationdate …) of
 * what (e.g. "the <tu>") holds value, which is left out. */
void fmt_date_warning(char *out, size_t size, const char *attr, const char *value,
                      const char *what);
/** The dates of m (creation, change, last usage) in TMX's form; each that cannot be read is
 * left out, with fmt_warn_date at line:col. 0 or JISR_ENOMEM. */
int fmt_meta_dates(jisr_reader *r, jisr_meta *m, const char *what, unsigned long line,
                   unsigned long col);
/** JISR_EENCODING naming name when the input's first bytes head[0..n) are UTF-16's (a
 * byte-order mark, or an ASCII character beside a NUL byte), which the line formats do not
 * read: the message says how to convert the file. Else 0. */
int fmt_refuse_utf16(const unsigned char *head, size_t n, const char *name);
/** fmt_refuse_utf16 on the first bytes of f, which stay to be read (put back into the stream). */
int fmt_refuse_utf16_stream(FILE *f, const char *name);
/** When raw is libxml2's report of bytes that are not UTF-8 ("Input is not proper UTF-8,
 * indicate encoding !\nBytes: 0xE9 …"), one line saying so into out (declared: the encoding the
 * document declares, or NULL; bom: whether it begins with UTF-8's byte-order mark, which says
 * UTF-8 whatever a declaration would say) and 1; else 0. */
int fmt_xml_utf8_message(const char *raw, const char *declared, int bom, char *out, size_t size);
struct _xmlError;
/** libxml2's report e of a document that is not well-formed XML, in jisr's words: what is wrong
 * in a translator's terms and how to mend it (the place stays libxml2's). root is the root
 * element the format wants ("tmx", "xliff"), root_seen whether it started, open how many
 * elements were open when the error came (the parser's nameNr), in_subset whether the parser was
 * inside the <!DOCTYPE's internal subset (its inSubset). One line into out and 1; 0 for a
 * report that has no such words here (the caller keeps its own or libxml2's). Reports of bytes
 * that are not UTF-8 are fmt_xml_utf8_message's. */
int fmt_xml_words(const struct _xmlError *e, const char *root, int root_seen, int open,
                  int in_subset, char *out, size_t size);
/** When raw is libxml2's report of bytes its converter refused ("input conversion failed due to
 * input error, bytes 0xD9 0x88 …"), one line saying so into out (declared: the encoding the
 * document declares, or NULL) and 1; else 0. */
int fmt_xml_conv_message(const char *raw, const char *declared, char *out, size_t size);
struct _xmlParserCtxt;
/** libxml2's ASCII converter stops at a byte above 0x7F without a report, and the parse ends
 * there as if the file did ("the document ends before </tmx> (truncated file?)"). When parser c
 * reads a document declared ASCII (US-ASCII) whose converter stopped so, and its report e (NULL:
 * none) is of the input running out or comes at or after that byte: one line saying so into out
 * (the byte, and whether it starts a UTF-8 character), the byte's line and column into *line,
 * *col, and 1; else 0. */
int fmt_xml_ascii_message(struct _xmlParserCtxt *c, const struct _xmlError *e, char *out,
                          size_t size, unsigned long *line, unsigned long *col);
/** Where the byte is that libxml2's converter refused (raw: its report, "input conversion failed
 * due to input error, bytes 0xA1 …"; the parser's own place is where its parse stopped, often
 * the start of the text that holds the byte): the input, in encoding enc, decoded here as the
 * converter (iconv) decodes it, from its start: mem[0..n), or when mem is NULL the file fd from
 * offset start (read again with pread: a pipe cannot be). 1 with the byte's line and column
 * (characters, 1-based, as the parser counts them) when the first byte refused is the one the
 * report names; else 0. */
int fmt_xml_conv_place(const void *mem, size_t n, int fd, long long start, const char *enc,
                       const char *raw, unsigned long *line, unsigned long *col);
/** Whether the byte the converter refused, at line:col, is the fault to report rather than the
 * parser's report e (the converter's report comes first, as it converts ahead of the parse):
 * e is NULL, comes at or after that place, or is of what the parse could not finish there (the
 * document, a tag, a value, a comment … the converted text ends in). A fault of its own before
 * the byte (a stray '<', a control character) stays the parser's. */
int fmt_xml_conv_first(const struct _xmlError *e, unsigned long line, unsigned long col);
/** The place of the byte libxml2's converter refused (raw: its report) from parser c's state,
 * for an input fmt_xml_conv_place cannot read again: the converter keeps the refused byte first
 * among the bytes it has not converted, and its text ends there. 1 when c still holds that
 * (its parse not ended by the error), with the byte's line and column; else 0. */
int fmt_xml_conv_pending(struct _xmlParserCtxt *c, const char *raw, unsigned long *line,
                         unsigned long *col);
/** When the input's first bytes head[0..n) are an XML declaration written a byte a character
 * ("<?xml" in ASCII) that declares an encoding of wider units (UTF-32, UCS-4, UCS-2), which no
 * such file can be in (libxml2 then says "switching encoding: encoder error" or stumbles on
 * what its converter made of the bytes): one line saying so into out (what the bytes look like,
 * how to mend it), the declared name's line and column into *line, *col, and 1; else 0. */
int fmt_xml_wide_message(const unsigned char *head, size_t n, char *out, size_t size,
                         unsigned long *line, unsigned long *col);
/* UTF-32 input, which libxml2 2.9 does not read (it takes a UTF-32LE byte-order mark for
 * UTF-16's and knows no UTF-32BE mark): the TMX and XLIFF readers decode it to UTF-8 themselves
 * as it is read (and tell the parser to ignore the declared encoding). */
typedef struct fmt_u32 {
    int on;                /* 0: the input is not UTF-32; 1: little-endian; 2: big-endian */
    unsigned char part[4]; /* a character cut at the end of the last block */
    size_t npart;
    int bom_left;            /* the byte-order mark is still to be dropped */
    unsigned long line, col; /* the place after what has been decoded (characters) */
    int bad;                 /* 1: a unit that is no character; 2: the input ends inside one */
    unsigned long bad_line, bad_col;
    unsigned char bad_bytes[4];
    size_t nbad;
} fmt_u32;
/** Whether the input's first bytes h[0..n) are UTF-32: its byte-order mark (FF FE 00 00,
 * 00 00 FE FF) or an ASCII character in four bytes ("<" as 3C 00 00 00 or 00 00 00 3C). Sets
 * c up to decode it and returns 1, else clears c and returns 0. */
int fmt_u32_detect(fmt_u32 *c, const unsigned char *h, size_t n);
/** Decode in[0..n) (the input's next bytes) to UTF-8 into out, which has room for n + 4 bytes
 * (UTF-8 never takes more bytes than UTF-32): the bytes written. A unit that is no character
 * (a surrogate, above U+10FFFF) stops the decoding for good: c->bad, its place and bytes are
 * set and nothing after it is decoded. last: in ends the input (a cut character is then bad). */
size_t fmt_u32_decode(fmt_u32 *c, const unsigned char *in, size_t n, int last, unsigned char *out);
/** The message for c->bad into out. */
void fmt_u32_message(const fmt_u32 *c, char *out, size_t size);
struct _xmlTextReader;
/* The places of the entity references a text reader met (fmt_xml_read). */
enum { FMT_XML_REFS_KEEP = 256 };
typedef struct fmt_xml_refs {
    struct {
        const void *node;
        unsigned long line, col; /* the parser's place just past the reference's ';' */
    } at[FMT_XML_REFS_KEEP];     /* the newest FMT_XML_REFS_KEEP */
    size_t n;
} fmt_xml_refs;
/** xmlTextReaderRead(r), keeping in k, for each entity reference node the parser makes while it
 * reads ahead, where it stood just past the reference's ';' (a node callback of the calling
 * thread's, set for the call and restored). */
int fmt_xml_read(fmt_xml_refs *k, struct _xmlTextReader *r);
/** The place of the '&' of the entity reference node r stands on, from k: 1; 0 when not known
 * (more references read ahead than k keeps): the reader's place is then the best there is. A
 * reader reports such a node only after reading ahead, up to the end of a small file. */
int fmt_xml_ref_pos(const fmt_xml_refs *k, struct _xmlTextReader *r, unsigned long *line,
                    unsigned long *col);
/** An entity reference in an attribute value of the element r stands on (libxml2 expands it when
 * the value is read, where the TMX reader's parser refuses it): 1, with the entity's and the
 * attribute's names (valid while r stands there) and the place k kept for it (the parser's just
 * past the reference, or the element's line); else 0. */
int fmt_xml_attr_ref(const fmt_xml_refs *k, struct _xmlTextReader *r, const char **entity,
                     const char **attr, unsigned long *line, unsigned long *col);
/** Write b to f and empty it; an I/O error becomes the writer's sticky error. */
int fmt_writer_flush(jisr_writer *w, FILE *f, jisr_buf *b);
/** 0 when s[0..n) is valid UTF-8, else JISR_EENCODING with *bad_at = offset of the first bad
 * byte (no error detail recorded). */
int fmt_check_utf8(const char *s, size_t n, size_t *bad_at);
/** Open path for reading ("-" = stdin) and record it in r->files: JISR_EIO naming the path. */
int fmt_open_input(jisr_reader *r, const char *path, FILE **out);
/** A line reader over path ("-" = stdin), the flags every line format uses, recorded in
 * r->files; name is the name used in messages. */
int fmt_open_lines(jisr_reader *r, const char *path, const char *name, jisr_lines **out);
/** The Moses target file: path2, else path with its language extension swapped for tgt
 * (corpus.en + ar → corpus.ar). Malloc'd; NULL with the error recorded. */
char *fmt_moses_path2(const char *path, const char *path2, const char *src, const char *tgt);
/** Escape s[0..n) for XML element content (quote = 0) or a double-quoted attribute (quote = 1).
 * A CR becomes &#13; so that XML's line-end normalisation cannot turn it into a newline. */
int fmt_xml_escape(jisr_buf *b, const char *s, size_t n, int quote);
/** The canonical spelling of an inline tag s[0..n) (its XML: "<ph x='1'>&quot;</ph >"), the one
 * the TMX reader gives every tag it reads, into out (reset first): text and attribute values as
 * XML reads them (references decoded, CR LF and CR a line feed in text, a tab, line feed or CR a
 * space in a value) and escaped again with fmt_xml_escape (quote 0 in text, 1 in values);
 * attributes double-quoted, one space before each, in their order; no space before '>' or "/>";
 * comments dropped, CDATA sections as text. So the same native code is the same bytes whatever
 * spelled it (identity, docs/matching.md §2.5, is byte-exact on them). A literal private-use
 * character's tag ("&#xE001;") and markup that does not read (an unknown entity, an unclosed
 * tag: the unit check refuses it) are left as they are. 1 when out holds a form other than s,
 * 0 when s is canonical (or left as it is), JISR_ENOMEM. */
int fmt_tag_canon(const char *s, size_t n, jisr_buf *out);

/* ---- check.c ----------------------------------------------------------------------------------
 */

/** Append "<seg>TEXT</seg>" with every placeholder replaced by its tag's XML. */
int fmt_seg_xml(jisr_buf *b, const jisr_variant *v);
/** Whether xml ("<seg>…</seg>") is well-formed TMX 1.4 inline markup within the readers'
 * limits: each element where tmx14.dtd allows it, with the attributes it declares (no namespace
 * declaration, no xml:lang) and those it requires. When it is not and why is not NULL, what is
 * wrong goes there (may stay empty: malformed XML). */
int fmt_markup_ok(const char *xml, size_t n, char *why, size_t size);
/* TMX 1.4's inline elements (tmx14.dtd), for the checks of the TMX reader and of fmt_markup_ok */
enum {
    FMT_IL_NONE,
    FMT_IL_SEG,
    FMT_IL_BPT,
    FMT_IL_EPT,
    FMT_IL_IT,
    FMT_IL_PH,
    FMT_IL_HI,
    FMT_IL_UT,
    FMT_IL_SUB
};
/** FMT_IL_* of an element name ("seg", "bpt" …), FMT_IL_NONE for any other. */
int fmt_inline_kind(const char *name);
/** The name of a kind ("bpt"). */
const char *fmt_inline_name(int kind);
/** 1 when the DTD allows an element of kind child directly inside one of kind parent. */
int fmt_inline_in(int parent, int child);
/** 1 when the DTD declares attribute name (qualified: "xml:lang") on kind and allows
 * value[0..n) there (it pos: begin or end). */
int fmt_inline_attr_ok(int kind, const char *name, const char *value, size_t n);
/** The attributes the DTD declares on kind, for messages ("i (required), x, type"). */
const char *fmt_inline_attr_list(int kind);
/** The attribute kind requires ("i": bpt, ept; "pos": it), or NULL. */
const char *fmt_inline_required(int kind);
/** Put the variant's private-use characters in their canonical form (see check.c). */
int fmt_variant_canon_pua(jisr_variant *v);

/* ---- one format each (io.c dispatches) ------------------------------------------------------ */

/* The reader's opener takes over its input (closes it, also on error). */
int fmt_tmx_reader_open(jisr_reader *r, FILE *f, const void *mem, size_t n);
int fmt_tsv_reader_open(jisr_reader *r, jisr_lines *l);
int fmt_moses_reader_open(jisr_reader *r, jisr_lines *a, jisr_lines *b);
int fmt_jsonl_reader_open(jisr_reader *r, jisr_lines *l);
/* xliff.c: f (closed by the reader) or a caller's buffer */
int fmt_xliff_reader_open(jisr_reader *r, FILE *f, const void *mem, size_t n);
int fmt_tmx_writer_begin(jisr_writer *w);
int fmt_tsv_writer_begin(jisr_writer *w);
int fmt_moses_writer_begin(jisr_writer *w);
int fmt_jsonl_writer_begin(jisr_writer *w);

#endif
