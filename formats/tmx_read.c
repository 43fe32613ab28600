/*
 * tmx_read.c — streaming TMX 1.1–1.4b reader on libxml2's SAX2 push parser.
 *
 * Why a push parser: libxml2's SAX2 callbacks deliver each element and text run straight from
 * the input buffer, without building the tree fragments and per-node bookkeeping that
 * xmlTextReader adds (about a third of the reader's time on a large memory). The input is fed
 * in 64 KiB chunks; a <tu> completed inside the callbacks goes into a small queue and
 * jisr_reader_next pops it, feeding the next chunk only when the queue is empty, so memory stays
 * bounded by one chunk's units whatever the file size.
 *
 * Why these settings: XML_PARSE_NONET forbids network access; without XML_PARSE_DTDLOAD and
 * with no externalSubset/resolveEntity callback no external DTD or entity is ever fetched (XXE);
 * without XML_PARSE_NOENT entities are not substituted. The internal subset is still parsed by
 * libxml2's own SAX2 callbacks (so declarations are checked as before), but our getEntity hands
 * libxml2 a stand-in for any declared entity: an external parsed entity that libxml2 neither
 * loads nor parses when entities are not substituted, so the reference reaches our reference
 * callback and is rejected as an error (the only way an internal-subset "billion laughs" could
 * reach the content); in an attribute value libxml2 refuses it itself. Undeclared entities are
 * libxml2's errors. Without XML_PARSE_HUGE libxml2 keeps its own limits, and we add tighter ones
 * (JISR_SEG_MAX, JISR_DEPTH_MAX). libxml2 decodes UTF-16 with a BOM and declared legacy
 * encodings (ISO-8859-1, windows-1256) itself.
 *
 * Inline elements of a <seg> (bpt ept it ph ut) become one placeholder each whose tag is the
 * element re-serialised (content and <sub> included). <hi> becomes two placeholders, its
 * opening and closing tag, so the highlighted words stay in the matchable text. A literal
 * private-use character of the file (U+E000–U+F8FF, which would collide with placeholders)
 * becomes a placeholder whose tag is its character reference. Writers put every tag back, so a
 * round trip is lossless up to XML-equivalent spelling (quote style, attribute spacing). Since
 * tags are kept as they stand, each inline element is checked against TMX 1.4's content model
 * and attribute lists as it starts (see "TMX 1.4's inline content model"): whatever is read is
 * written valid against tmx14.dtd. A <tu> without srclang takes the header's (TMX 1.4 says so;
 * "*all*" is none) when it has a variant of that language, so its direction survives formats
 * and memories that have no header.
 *
 * Errors: libxml2's errors arrive through the structured handler (so nothing is printed) with
 * their line and column, and are said in jisr's words (fmt_xml_words, common.c). Structural errors
 * (a <tuv> without language …) name the '<' of the offending start tag, found by looking back from
 * the parser's position in its buffer; errors about a whole element (a <tu> without <tuv>) name its
 * start tag. With JISR_READ_SKIP_BAD a structural error skips its <tu> (whatever else is wrong
 * inside it); after a well-formedness error in a UTF-8 file the read resumes at the next "<tu" (see
 * "resuming after malformed XML"), and in another encoding, like any error that no unit can be
 * skipped for (a start tag beyond the guard's bounds, a read error), it ends the read with an
 * error. Without it the first error ends the read, and parsing stops there.
 *
 * JISR_READ_CHECK_ONLY runs every callback and every check exactly as a full read does (same
 * errors, same places) but keeps only counts and lengths instead of building texts, tags and
 * props: a validating pass pays little more than the parser itself.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "formats/formats_int.h"

#define CHUNK (64u << 10)

enum { Q_UNIT, Q_BAD, Q_FATAL, Q_WARN };

/* An error waiting in the queue (the file is the reader's path): small, since a chunk of tiny
 * bad units can queue thousands of them. */
typedef struct qerror {
    int code;
    unsigned long line, col;
    char msg[]; /* NUL-terminated */
} qerror;

typedef struct qitem {
    int kind;
    jisr_unit u; /* Q_UNIT */
    qerror *err; /* Q_BAD, Q_FATAL */
} qitem;

/* Before <body> every error is fatal (the file fails to open). */
enum { P_PROLOGUE, P_BODY };

/* The start-tag guard: see "the start-tag guard" below. */
enum { G_TEXT, G_LT, G_START, G_VALUE, G_END, G_BANG, G_COMMENT, G_CDATA, G_PI, G_DECL, G_DVALUE };

typedef struct tag_guard {
    int unit;            /* 1: bytes; 2: UTF-16LE; 3: UTF-16BE; 0: off (another encoding) */
    int state;           /* G_* */
    unsigned char quote; /* the quote of the value being read */
    int match;           /* characters of a prefix or terminator matched so far */
    uint64_t tag_len, value_len;
    unsigned nattr;
    unsigned long lines;   /* line feeds before the current chunk */
    unsigned long col0;    /* characters after the last line feed, before the current chunk */
    long tag_at;           /* offset of the open tag's '<' in the chunk, or -1 */
    int long_values;       /* a value of more than JISR_ATTR_MAX bytes has been seen */
    unsigned char *narrow; /* UTF-16: the chunk, one byte per unit (non-ASCII as 'x') */
} tag_guard;

/* A <bpt> of the current segment: its i value (NUL-terminated in the reader's pair_ids) and
 * where it starts (the parser's coordinates). */
typedef struct bpt_pair {
    size_t off;    /* of its i in pair_ids */
    uint32_t hash; /* of its i */
    int closed;    /* its <ept> has come */
    unsigned long line, col;
} bpt_pair;

typedef struct tmx_reader {
    xmlParserCtxtPtr ctxt;
    xmlSAXHandler sax; /* kept for the parser of a resumed read */
    tag_guard guard;
    FILE *f;
    const unsigned char *mem; /* a caller's buffer (f == NULL): the whole input, win_len bytes */
    long long f_start;        /* f's offset at the input's first byte, -1 when not seekable */
    unsigned char head[4096]; /* f's first bytes, as fed (wide_message) */
    size_t nhead;
    /* The input window: win[0..win_len) (the caller's buffer when reading one) holds the bytes
     * of the input from offset win_start on; win[0..win_fed) have been given to the parser.
     * With JISR_READ_SKIP_BAD what the parser has not consumed yet stays, so that a read can
     * resume after malformed XML (see resume()). */
    unsigned char *win;
    size_t win_len, win_cap, win_fed;
    uint64_t win_start;
    int eof;           /* the file has no more bytes */
    size_t piece_left; /* bytes still to feed in small pieces, after a resume */
    /* the parser's coordinates: its byte plen is byte pbase of the input; its line 1 holds the
     * prefix of a resumed read (pre_chars characters), then the input from line map_line,
     * column map_col (map_line 0: the parser reads the input from its start) */
    uint64_t pbase, min_resume;
    size_t plen;
    unsigned long map_line, map_col, pre_chars;
    /* a well-formedness error that a resume will skip */
    int resync;
    unsigned long err_line, err_col; /* where it is reported (parser's coordinates) */
    unsigned long at_line, at_col;   /* where the parser stands (parser's coordinates) */
    uint64_t err_at;                 /* input offset of the parser's position */
    char err_msg[512];
    jisr_buf ns;        /* namespace declarations of <tmx> and <body>, for a resumed parser */
    size_t ns_root_len; /* those of <tmx>: ns.data[0..ns_root_len) */
    jisr_reader *r;
    int check_only, skip_bad;
    int utf16_nobom; /* the input starts as UTF-16 (2: LE, 3: BE) without a BOM or "<?xml" */
    int utf8_bom;    /* the input starts with UTF-8's byte-order mark */
    /* UTF-32 input, decoded to UTF-8 as it is read (the window holds UTF-8): raw is the block
     * read from f, u32_mem the decoded input of a caller's buffer (mem then points to it) */
    fmt_u32 u32;
    unsigned char *raw, *u32_mem;
    xmlEntity stand_in; /* what getEntity returns for a declared entity */

    /* queue of finished units and errors, in document order */
    qitem *q;
    size_t qhead, qtail, qcap;
    int failed;      /* an error ended the read: ignore every later callback */
    int finished;    /* all input fed and the parser told so */
    int dead;        /* next() has returned the end or the final error */
    jisr_error last; /* the final error of a strict read, returned again by later calls */
    int last_rc;
    int terminating;        /* inside the final xmlParseChunk */
    char generic_msg[1024]; /* an error libxml2 reported without a context */

    /* document state */
    int level;      /* open elements */
    int phase;      /* P_PROLOGUE until <body> */
    int root_seen;  /* the root element started */
    int skip;       /* depth of an element being skipped (bad <tu> …), or -1 */
    int ignore;     /* depth of a header element whose content is not kept (ude), or -1 */
    int in_header;  /* inside <header> */
    int in_tu;      /* inside a <tu> */
    int in_tuv;     /* inside a <tuv> */
    int leaf;       /* depth of the <prop>/<note> whose text is being read, or -1 */
    int seg;        /* depth of the open <seg>, or -1 */
    int ser;        /* depth of the inline element being serialised, or -1 */
    int last_empty; /* the last start tag was "<x/>": its end callback follows at once */

    jisr_unit cur; /* the <tu> being read */
    unsigned long tu_line, tu_col, tuv_line, tuv_col;
    size_t nvariants; /* variants of the current tu (counted in check-only mode too) */
    size_t hdr_nprops, hdr_nnotes, tu_nprops, tu_nnotes, tuv_nprops, tuv_nnotes;
    size_t segs;     /* <seg> in the current tuv */
    size_t ntags;    /* placeholders of the current segment */
    int seg_literal; /* a literal private-use character became a placeholder in it */
    size_t text_len; /* bytes of the current segment (or leaf) text */
    jisr_prop *prop; /* the prop/note being read (full mode), else NULL */
    jisr_buf lang;   /* language of the current tuv */
    jisr_buf text;   /* segment text being built */
    jisr_buf tag;    /* inline element being serialised */
    jisr_buf val;    /* element text (prop, note) */
    jisr_buf attr;   /* one decoded attribute value */
    jisr_buf qname;  /* prefix:localname of a namespaced element */
    /* the kinds (FMT_IL_*) of the open <seg> and inline elements, by depth */
    unsigned char ilk[JISR_DEPTH_MAX + 2];
    /* the <bpt>/<ept> of the current segment (outside <sub>), to pair them */
    bpt_pair *pairs;
    size_t npairs, pairs_cap;
    jisr_buf pair_ids;
    int oenc_warned; /* the o-encoding of a prop or note left out has been reported */
    int omegat;      /* the header's creationtool is OmegaT: its shortcut tags become tags */
} tmx_reader;

/* The reader a callback is for: the parser context's _private, or, while
 * xmlCreatePushParserCtxt runs (it may report an error before _private can be set), the reader
 * being opened on this thread. */
static _Thread_local tmx_reader *opening;

static tmx_reader *reader_of(void *ctx)
{
    xmlParserCtxtPtr c = ctx;
    return c && c->_private ? c->_private : opening;
}

/* ---- errors ---------------------------------------------------------------------------------- */

/* A position of the parser (line, column) as a position of the input: they differ in a read
 * resumed after malformed XML, whose parser starts with a prefix line of its own. */
static void map_pos(const tmx_reader *t, unsigned long *line, unsigned long *col)
{
    if (!t->map_line || *line == 0)
        return;
    if (*line == 1) {
        *line = t->map_line;
        *col = *col > t->pre_chars ? t->map_col + (*col - 1 - t->pre_chars) : t->map_col;
    } else {
        *line = t->map_line + *line - 1;
    }
}

static int q_push(tmx_reader *t, int kind, qerror *err)
{
    int rc;
    if ((rc = JISR_GROW(t->q, t->qcap, t->qtail + 1)) < 0)
        return rc;
    qitem *it = &t->q[t->qtail++];
    it->kind = kind;
    it->err = err;
    if (kind == Q_UNIT) {
        it->u = t->cur;
        jisr_unit_init(&t->cur);
    } else {
        jisr_unit_init(&it->u);
    }
    return 0;
}

/* Queue an error. kind Q_BAD is a structural error that skips its unit (with SKIP_BAD); every
 * error ends a strict read, and a fatal one every read. */
static void push_error(tmx_reader *t, int kind, int code, unsigned long line, unsigned long col,
                       const char *msg)
{
    if (t->failed)
        return;
    if (t->phase == P_PROLOGUE)
        kind = Q_FATAL; /* the header cannot be skipped: the file fails to open */
    map_pos(t, &line, &col);
    size_t n = strlen(msg);
    qerror *e = malloc(sizeof *e + n + 1);
    if (e) {
        e->code = code;
        e->line = line;
        e->col = col;
        memcpy(e->msg, msg, n + 1);
    }
    if (!e || q_push(t, kind, e) < 0) {
        free(e);
        /* out of memory: end the read with that error */
        jisr_oom(0);
        t->failed = 1;
        t->last = *jisr_error_last();
        t->last_rc = JISR_ENOMEM;
        return;
    }
    if (kind == Q_FATAL || !t->skip_bad)
        t->failed = 1;
}

/* Queue a warning (handed to on_warning in document order, among the units): the read goes
 * on. */
static void push_warn(tmx_reader *t, unsigned long line, unsigned long col, const char *msg)
{
    if (t->failed || t->check_only || !t->r->on_warning)
        return;
    map_pos(t, &line, &col);
    size_t n = strlen(msg);
    qerror *e = malloc(sizeof *e + n + 1);
    if (e) {
        e->code = 0;
        e->line = line;
        e->col = col;
        memcpy(e->msg, msg, n + 1);
    }
    if (!e || q_push(t, Q_WARN, e) < 0) {
        free(e);
        jisr_oom(0);
        t->failed = 1;
        t->last = *jisr_error_last();
        t->last_rc = JISR_ENOMEM;
    }
}

/* Count the characters of s[0..n) (UTF-8 lead bytes), as libxml2 counts columns. */
static unsigned long nchars(const xmlChar *s, const xmlChar *e)
{
    unsigned long n = 0;
    for (; s < e; s++)
        n += (*s & 0xC0) != 0x80;
    return n;
}

/* Where the parser stands. */
static void cur_pos(tmx_reader *t, unsigned long *line, unsigned long *col)
{
    xmlParserInputPtr in = t->ctxt ? t->ctxt->input : NULL;
    *line = in && in->line > 0 ? (unsigned long)in->line : 0;
    *col = in && in->col > 0 ? (unsigned long)in->col : 0;
}

/* Where the last c before the parser's position is (the '<' of the start tag being reported,
 * the '&' of a reference): looked up in the parser's buffer, which still holds the token just
 * parsed; the parser's own position when it does not. */
static const xmlChar *back_pos(tmx_reader *t, xmlChar c, unsigned long *line, unsigned long *col)
{
    cur_pos(t, line, col);
    xmlParserInputPtr in = t->ctxt ? t->ctxt->input : NULL;
    if (!in || !in->base || !in->cur || in->cur <= in->base || *line == 0)
        return NULL;
    /* one pass back to c, counting line ends and the characters after the last one */
    const xmlChar *p = in->cur - 1;
    unsigned long nl = 0, back = 1; /* c itself */
    for (; p > in->base && *p != c; p--) {
        if (*p == '\n') {
            nl++;
            back = 1;
        } else if (!nl && (*p & 0xC0) != 0x80) {
            back++;
        }
    }
    if (*p != c)
        return NULL;
    if (nl == 0) {
        if (back >= *col)
            return NULL;
        *col -= back;
        return p;
    }
    if (nl >= *line)
        return NULL;
    /* the token spans lines: count from the start of its first line, when the buffer holds it */
    const xmlChar *s = p;
    while (s > in->base && s[-1] != '\n')
        s--;
    if (s == in->base && in->consumed != 0)
        return NULL;
    *line -= nl;
    *col = nchars(s, p) + 1;
    return p;
}

/* Where attribute name of the start tag being reported stands (its first character): looked
 * for forward from the tag's '<' in the parser's buffer (outside quoted values); the '<' when
 * it cannot be found, the parser's position when the '<' cannot. */
static void attr_pos(tmx_reader *t, const char *name, unsigned long *line, unsigned long *col)
{
    const xmlChar *p = back_pos(t, '<', line, col), *end = t->ctxt->input->cur;
    if (!p)
        return;
    size_t n = strlen(name);
    unsigned long l = *line, c = *col + 1; /* after the '<' */
    xmlChar quote = 0;
    for (const xmlChar *q = p + 1; q < end; q++) {
        if (quote) {
            quote = *q == quote ? 0 : quote;
        } else if (*q == '"' || *q == '\'') {
            quote = *q;
        } else if ((q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n' || q[-1] == '\r') &&
                   (size_t)(end - q) > n && memcmp(q, name, n) == 0 &&
                   (q[n] == '=' || q[n] == ' ' || q[n] == '\t' || q[n] == '\n' || q[n] == '\r')) {
            *line = l;
            *col = c;
            return;
        }
        if (*q == '\n') {
            l++;
            c = 1;
        } else if ((*q & 0xC0) != 0x80) {
            c++;
        }
    }
}

/* A structural error inside the current <tu>: queue it and skip the rest of the unit. */
static void tu_bad(tmx_reader *t, int code, unsigned long line, unsigned long col, const char *fmt,
                   const char *a)
{
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, a ? a : "");
    push_error(t, Q_BAD, code, line, col, msg);
    jisr_unit_clear(&t->cur);
    t->skip = 2;
    t->in_tu = t->in_tuv = 0;
    t->leaf = t->seg = t->ser = -1;
    t->prop = NULL;
}

/* The inline element being serialised may not exceed JISR_SEG_MAX: 1 (and the unit is bad)
 * when it does. */
static int tag_limit(tmx_reader *t)
{
    if (t->tag.len <= JISR_SEG_MAX)
        return 0;
    unsigned long line, col;
    cur_pos(t, &line, &col);
    tu_bad(t, JISR_ETOOBIG, line, col, "inline element longer than 1 MiB%s", "");
    return 1;
}

/* An error at the '<' of the start tag being handled: inside a <tu> it skips the unit,
 * elsewhere it skips the element (kind Q_BAD) or ends the read. */
static void elem_bad(tmx_reader *t, int code, const char *fmt, const char *a)
{
    unsigned long line, col;
    back_pos(t, '<', &line, &col);
    if (t->in_tu) {
        tu_bad(t, code, line, col, fmt, a);
        return;
    }
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, a ? a : "");
    push_error(t, Q_BAD, code, line, col, msg);
}

static void oom(tmx_reader *t)
{
    const jisr_error *e = jisr_error_last();
    push_error(t, Q_FATAL, JISR_ENOMEM, e->line, e->col, "out of memory");
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
}

/* The encoding the document declares (<?xml … encoding="…"?>), or NULL. */
static const char *declared_encoding(tmx_reader *t)
{
    const xmlChar *enc =
        t->ctxt->input && t->ctxt->input->encoding ? t->ctxt->input->encoding : t->ctxt->encoding;
    return (const char *)enc;
}

/* The place of the byte libxml2's converter refused (raw: its report), decoded here from the
 * input's first byte (fmt_xml_conv_place), or for a pipe from what the parser holds if it still
 * does (fmt_xml_conv_pending): 1, or 0 (the parser's place is the best there is). */
static int conv_place(tmx_reader *t, const char *raw, unsigned long *line, unsigned long *col)
{
    const char *enc = t->ctxt ? declared_encoding(t) : NULL;
    if (t->mem)
        return fmt_xml_conv_place(t->mem, t->win_len, -1, 0, enc, raw, line, col);
    return (t->f && fmt_xml_conv_place(NULL, 0, fileno(t->f), t->f_start, enc, raw, line, col)) ||
           fmt_xml_conv_pending(t->ctxt, raw, line, col);
}

/* An XML declaration of UTF-32, UCS-4 or UCS-2 in a file written a byte a character: said so
 * (fmt_xml_wide_message) at the declared name, from the input's first bytes. */
static int wide_message(tmx_reader *t, char *out, size_t size, unsigned long *line,
                        unsigned long *col)
{
    if (t->u32.on) /* its declaration names UTF-32, and the parser reads it decoded */
        return 0;
    const unsigned char *head = t->f ? t->head : t->mem;
    size_t n = t->f ? t->nhead : t->win_len < sizeof t->head ? t->win_len : sizeof t->head;
    return fmt_xml_wide_message(head, n, out, size, line, col);
}

/* Whether a read can resume after malformed XML: the parser reads the input's own bytes (UTF-8,
 * no conversion), so that its offsets are the input's and a new parser can take the bytes that
 * follow as they are. */
static int resumable(tmx_reader *t)
{
    xmlParserInputPtr in = t->ctxt ? t->ctxt->input : NULL;
    return t->guard.unit == 1 && in && in->buf && !in->buf->encoder;
}

static uint64_t parser_at(tmx_reader *t);

/* A well-formedness error at line:col (the parser's coordinates): with JISR_READ_SKIP_BAD in
 * the body of a UTF-8 file the read resumes at the next <tu> (feed calls resume), else it ends
 * the read. */
static void wf_error(tmx_reader *t, unsigned long line, unsigned long col, const char *msg)
{
    if (t->failed)
        return;
    if (t->skip_bad && t->phase == P_BODY && t->ctxt && resumable(t)) {
        snprintf(t->err_msg, sizeof t->err_msg, "%s", msg);
        t->err_line = line;
        t->err_col = col;
        cur_pos(t, &t->at_line, &t->at_col);
        t->err_at = parser_at(t);
        t->resync = 1;
        t->failed = 1; /* every later callback of this parser is ignored */
        return;
    }
    char full[640];
    snprintf(full, sizeof full, "%s%s", msg,
             t->skip_bad && t->phase == P_BODY
                 ? "; reading stopped here and the rest of the file was not read (--skip-bad "
                   "resumes after malformed XML in UTF-8 files only)"
                 : "");
    push_error(t, Q_FATAL, JISR_EPARSE, line, col, full);
}

/* libxml2's push parser stops at a '&' until a ';' comes, however far on (it holds up to 10 MB
 * of input, then fails with "Huge input lookup"): a '&' that the characters after it show
 * starts no reference is an error at once. */
static void check_amp(tmx_reader *t)
{
    xmlParserInputPtr in = t->ctxt ? t->ctxt->input : NULL;
    if (t->failed || !in || !in->cur || in->cur >= in->end || *in->cur != '&')
        return;
    const xmlChar *p = in->cur + 1, *e = in->end;
    if (p < e && *p == '#') {
        int hex = ++p < e && *p == 'x';
        p += hex;
        while (p < e && ((*p >= '0' && *p <= '9') ||
                         (hex && ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))))
            p++;
    } else {
        while (p < e &&
               (*p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || *p == '_' || *p == ':' || *p == '-' || *p == '.'))
            p++;
    }
    if (p == e || *p == ';')
        return; /* a reference, or not known yet */
    unsigned long line, col;
    cur_pos(t, &line, &col);
    wf_error(t, line ? line : 1, col ? col : 1,
             "'&' starts no entity or character reference (a '&' in text is written &amp;)");
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    tmx_reader *t = reader_of(ctx);
    if (!e || e->level < XML_ERR_ERROR || t->failed)
        return;
    char msg[768];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
    trim(msg);
    /* in jisr's words: bytes that are not UTF-8, else what fmt_xml_words knows, else libxml2's
     * framed as what it is */
    if (!(t->ctxt &&
          fmt_xml_utf8_message(e->message, declared_encoding(t), t->utf8_bom, msg, sizeof msg)) &&
        !fmt_xml_conv_message(e->message, t->ctxt ? declared_encoding(t) : NULL, msg, sizeof msg) &&
        !fmt_xml_words(e, "tmx", t->root_seen, t->ctxt ? t->ctxt->nameNr : 0,
                       t->ctxt ? t->ctxt->inSubset : 0, msg, sizeof msg)) {
        char raw[512];
        snprintf(raw, sizeof raw, "%.500s", msg);
        snprintf(msg, sizeof msg, "not well-formed XML (the XML parser says: %s)", raw);
    }
    unsigned long line = e->line > 0 ? (unsigned long)e->line : 0;
    unsigned long col = e->int2 > 0 ? (unsigned long)e->int2 : 0;
    if (!e->file) /* not the document's own input: say where the document stands */
        cur_pos(t, &line, &col);
    /* a reference the parser refused, said in libxml2's words and where its parse stopped: at
     * its '&', in the words check_amp uses (which of the two reports a '&' that starts no
     * reference depends on where the input's chunks end) */
    int amp = e->file && e->message && strncmp(e->message, "xmlParseEntityRef: no name", 26) == 0;
    int charref = e->file && e->code == XML_ERR_INVALID_CHAR && e->message &&
                  strncmp(e->message, "xmlParseCharRef: invalid xmlChar value", 38) == 0;
    if (amp || charref) {
        unsigned long l, c;
        if (back_pos(t, '&', &l, &c)) {
            line = l;
            col = c;
        }
        if (amp)
            snprintf(msg, sizeof msg,
                     "'&' starts no entity or character reference (a '&' in text is written "
                     "&amp;)");
        else
            snprintf(msg, sizeof msg,
                     "a character reference to U+%04X, a character XML 1.0 does not allow "
                     "(nor TMX)",
                     (unsigned)e->int1);
    }
    int code = e->code;
    if (!t->root_seen && (code == XML_ERR_DOCUMENT_END || code == XML_ERR_DOCUMENT_EMPTY) &&
        !(t->ctxt && t->ctxt->inSubset))
        snprintf(msg, sizeof msg, "no <tmx> root element: empty or not XML");
    else if (t->terminating && t->level > 0 &&
             (code == XML_ERR_DOCUMENT_END || code == XML_ERR_TAG_NOT_FINISHED))
        /* the input ended inside the root element */
        snprintf(msg, sizeof msg, "the document ends before </tmx> (truncated file?)");
    else if (t->terminating && t->level > 0 &&
             (code == XML_ERR_ATTRIBUTE_WITHOUT_VALUE || code == XML_ERR_ATTRIBUTE_NOT_STARTED ||
              code == XML_ERR_ATTRIBUTE_NOT_FINISHED || code == XML_ERR_GT_REQUIRED ||
              code == XML_ERR_LT_IN_ATTRIBUTE || code == XML_ERR_SPACE_REQUIRED ||
              code == XML_ERR_NAME_REQUIRED))
        /* a tag the parser held back until the end of the input, which came inside it (it
         * takes "<tu tu" at the end for an attribute without a value) */
        snprintf(msg, sizeof msg,
                 "the document ends inside a tag, before </tmx> (truncated file?)");
    /* a byte above 0x7F in a file declared ASCII, where the parse stopped without a word */
    unsigned long al, ac;
    if (t->ctxt && fmt_xml_ascii_message(t->ctxt, e, msg, sizeof msg, &al, &ac)) {
        line = al;
        col = ac;
    }
    /* a byte the converter refused: said so (also when the parser then reports the input
     * ending, the converter's report having come first) at that byte, not where the parse
     * stopped (the start of the text that holds it) */
    const char *conv = NULL;
    if (e->message && strstr(e->message, "input conversion failed"))
        conv = e->message;
    else if (strstr(t->generic_msg, "input conversion failed"))
        conv = t->generic_msg;
    if (conv && conv_place(t, conv, &al, &ac)) {
        if ((conv == e->message || fmt_xml_conv_first(e, al, ac)) &&
            fmt_xml_conv_message(conv, t->ctxt ? declared_encoding(t) : NULL, msg, sizeof msg)) {
            line = al;
            col = ac;
        }
    }
    /* UTF-32 declared in a file written a byte a character */
    if (wide_message(t, msg, sizeof msg, &al, &ac)) {
        line = al;
        col = ac;
    }
    if (t->utf16_nobom) {
        size_t n = strlen(msg);
        snprintf(msg + n, sizeof msg - n,
                 " (the file looks like UTF-16%s without a byte-order mark or an XML declaration, "
                 "which XML needs to tell: convert it, e.g. iconv -f UTF-16%s -t UTF-8)",
                 t->utf16_nobom == 2 ? "LE" : "BE", t->utf16_nobom == 2 ? "LE" : "BE");
    }
    wf_error(t, line ? line : 1, col ? col : 1, msg);
}

/* libxml2 reports some errors (encoding conversion, I/O) without a parser context, through the
 * thread's generic error function, which prints to stderr by default. The library must not
 * print: while our parser runs, that function is ours and records the message; the caller's
 * function is restored afterwards. */
static void on_generic_error(void *arg, const char *fmt, ...)
{
    tmx_reader *t = arg;
    size_t n = strlen(t->generic_msg);
    /* libxml2's default report comes in pieces ("FILE:LINE: ", "parser error : ", the message,
     * the context): keep the first report whole, up to the end of its message line */
    if (t->failed || (n && strchr(t->generic_msg, '\n')) || n + 1 >= sizeof t->generic_msg)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->generic_msg + n, sizeof t->generic_msg - n, fmt, ap);
    va_end(ap);
}

/* The message of a report that on_generic_error kept: without libxml2's "FILE:LINE: " and
 * "… error : " prefixes, and without the context lines after it. */
static const char *generic_message(tmx_reader *t)
{
    char *m = t->generic_msg, *nl = strchr(m, '\n');
    if (nl)
        *nl = '\0';
    size_t plen = t->r->path ? strlen(t->r->path) : 0;
    if (plen && strncmp(m, t->r->path, plen) == 0 && m[plen] == ':') {
        char *p = m + plen + 1;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == ':')
            m = p + 1 + (p[1] == ' ');
    }
    char *sep = strstr(m, " : ");
    if (sep && sep - m < 32 && strstr(m, "error") && strstr(m, "error") < sep)
        m = sep + 3;
    trim(m);
    static _Thread_local char utf8[512];
    if (t->ctxt && fmt_xml_utf8_message(m, declared_encoding(t), t->utf8_bom, utf8, sizeof utf8))
        return utf8;
    if (fmt_xml_conv_message(m, t->ctxt ? declared_encoding(t) : NULL, utf8, sizeof utf8))
        return utf8;
    return m[0] ? m : "malformed XML";
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

/* ---- attributes ------------------------------------------------------------------------------ */

/* Without entity substitution libxml2 hands over an attribute value holding '&' with each
 * literal '&' spelt "&#38;" (references to other entities are refused before we see them):
 * decode into t->attr, NUL-terminated. */
static const char *attr_value(tmx_reader *t, const xmlChar *v, const xmlChar *end, size_t *len)
{
    size_t n = (size_t)(end - v);
    jisr_buf_reset(&t->attr);
    if (!memchr(v, '&', n)) {
        if (jisr_buf_append(&t->attr, v, n) < 0)
            return NULL;
    } else {
        for (size_t i = 0; i < n; i++) {
            char c = (char)v[i];
            if (c == '&' && i + 4 < n && memcmp(v + i + 1, "#38;", 4) == 0)
                i += 4;
            if (jisr_buf_putc(&t->attr, c) < 0)
                return NULL;
        }
    }
    if (jisr_buf_append(&t->attr, "", 0) < 0)
        return NULL;
    *len = t->attr.len;
    return t->attr.data;
}

/* Attribute i of a SAX2 attribute array: its qualified name (into nm) and decoded value. */
static const char *attr_at(tmx_reader *t, const xmlChar **atts, int i, char *nm, size_t nmsz,
                           size_t *len)
{
    const xmlChar **a = atts + 5 * i;
    if (a[1])
        snprintf(nm, nmsz, "%s:%s", (const char *)a[1], (const char *)a[0]);
    else
        snprintf(nm, nmsz, "%s", (const char *)a[0]);
    return attr_value(t, a[3], a[4], len);
}

static int set_attr(char **slot, const char *v)
{
    free(*slot);
    *slot = jisr_strdup(v);
    return *slot ? 0 : JISR_ENOMEM;
}

/* A usagecount: a whole number from 0 (spaces around allowed); anything else is left out and one
 * beyond a long's range kept as the largest, each with a warning at the attribute (what: "the
 * <tu>" …). */
static void usage_attr(tmx_reader *t, jisr_meta *m, const char *v, const char *what)
{
    const char *p = v;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    const char *d = p;
    while (*p >= '0' && *p <= '9')
        p++;
    const char *e = p;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    char msg[600];
    msg[0] = '\0';
    m->usagecount = -1;
    if (e == d || *p) {
        snprintf(msg, sizeof msg,
                 "usagecount=\"%.200s\" of %s is not a count (a whole number from 0): left out", v,
                 what);
    } else {
        errno = 0;
        long n = strtol(d, NULL, 10);
        m->usagecount = n;
        if (errno == ERANGE)
            snprintf(msg, sizeof msg, "usagecount=\"%.200s\" of %s is more than %ld: kept as that",
                     v, what, LONG_MAX);
    }
    if (msg[0]) {
        unsigned long line, col;
        attr_pos(t, "usagecount", &line, &col);
        push_warn(t, line, col, msg);
    }
}

/* Attributes shared by <header>, <tu> and <tuv>; returns 1 when the name was one of them. */
static int meta_attr(tmx_reader *t, jisr_meta *m, const char *name, const char *v, const char *what,
                     int *rc)
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
        usage_attr(t, m, v, what);
        *rc = 0;
        return 1;
    }
    if (!slot)
        return 0;
    *rc = set_attr(slot, v);
    return 1;
}

/* Serialise a start tag into b without its closing '>' or "/>": namespace declarations first,
 * then attributes (re-escaped), in document order. */
static int ser_start(tmx_reader *t, jisr_buf *b, const char *name, int nns, const xmlChar **ns,
                     int natt, const xmlChar **atts)
{
    int rc;
    if ((rc = jisr_buf_putc(b, '<')) < 0 || (rc = jisr_buf_puts(b, name)) < 0)
        return rc;
    for (int i = 0; i < nns; i++) {
        const char *pfx = (const char *)ns[2 * i], *uri = (const char *)ns[2 * i + 1];
        if ((rc = jisr_buf_puts(b, pfx ? " xmlns:" : " xmlns")) < 0 ||
            (pfx && (rc = jisr_buf_puts(b, pfx)) < 0) || (rc = jisr_buf_puts(b, "=\"")) < 0 ||
            (rc = fmt_xml_escape(b, uri ? uri : "", uri ? strlen(uri) : 0, 1)) < 0 ||
            (rc = jisr_buf_putc(b, '"')) < 0)
            return rc;
    }
    for (int i = 0; i < natt; i++) {
        const xmlChar **a = atts + 5 * i;
        size_t len;
        const char *av = attr_value(t, a[3], a[4], &len);
        if (!av)
            return JISR_ENOMEM;
        if ((rc = jisr_buf_putc(b, ' ')) < 0 ||
            (a[1] && ((rc = jisr_buf_puts(b, (const char *)a[1])) < 0 ||
                      (rc = jisr_buf_putc(b, ':')) < 0)) ||
            (rc = jisr_buf_puts(b, (const char *)a[0])) < 0 || (rc = jisr_buf_puts(b, "=\"")) < 0 ||
            (rc = fmt_xml_escape(b, av, len, 1)) < 0 || (rc = jisr_buf_putc(b, '"')) < 0)
            return rc;
    }
    return 0;
}

/* ---- segment text ------------------------------------------------------------------------ */

static int cur_variant_ok(tmx_reader *t)
{
    return !t->check_only && t->cur.nvariants > 0;
}

/* One placeholder more in the current segment. */
static int add_placeholder(tmx_reader *t, const char *xml, size_t len)
{
    int rc;
    if (t->ntags >= JISR_TAG_MAX) {
        unsigned long line, col;
        cur_pos(t, &line, &col);
        tu_bad(t, JISR_ETOOBIG, line, col, "more than 6400 inline tags in one segment%s", "");
        return 1;
    }
    t->ntags++;
    t->text_len += 3; /* U+E000–U+F8FF is three bytes of UTF-8 */
    if (!cur_variant_ok(t))
        return 0;
    jisr_variant *v = &t->cur.variants[t->cur.nvariants - 1];
    if ((rc = fmt_variant_add_tag(v, xml, len)) < 0 ||
        (rc = fmt_utf8_put(&t->text, JISR_TAG_BASE + (unsigned)(v->ntags - 1))) < 0)
        return rc;
    return 0;
}

/* Check the length of the segment so far. */
static int seg_len_ok(tmx_reader *t)
{
    if (t->text_len <= JISR_SEG_MAX)
        return 1;
    unsigned long line, col;
    cur_pos(t, &line, &col);
    tu_bad(t, JISR_ETOOBIG, line, col, "segment longer than 1 MiB%s", "");
    return 0;
}

/* Append segment text, turning literal private-use characters into placeholders. Returns <0 on
 * a memory error, 1 when the unit went bad, 0 otherwise. */
static int seg_text(tmx_reader *t, const char *s, size_t n)
{
    int rc;
    size_t start = 0;
    for (size_t i = 0; i + 2 < n; i++) {
        /* fast path, eight bytes at a time: no byte of the word is >= 0xE0 (bits 7, 6 and 5
         * set), so none is a lead byte of U+E000–U+FFFF */
        while (i + 10 < n) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            if (w & (w << 1) & (w << 2) & 0x8080808080808080u)
                break;
            i += 8;
        }
        if ((unsigned char)s[i] < 0xEE) /* not a lead byte of U+E000–U+FFFF */
            continue;
        long ph = fmt_placeholder_at(s, n, i);
        if (ph < 0)
            continue;
        char ref[16];
        snprintf(ref, sizeof ref, "&#x%X;", (unsigned)(JISR_TAG_BASE + (unsigned long)ph));
        t->text_len += i - start;
        if (!t->check_only && (rc = jisr_buf_append(&t->text, s + start, i - start)) < 0)
            return rc;
        if ((rc = add_placeholder(t, ref, strlen(ref))) != 0)
            return rc;
        t->seg_literal = 1;
        i += 2;
        start = i + 1;
    }
    t->text_len += n - start;
    if (!t->check_only && (rc = jisr_buf_append(&t->text, s + start, n - start)) < 0)
        return rc;
    return seg_len_ok(t) ? 0 : 1;
}

/* ---- SAX callbacks ------------------------------------------------------------------------- */

static int is_blank(const xmlChar *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

static void on_text(void *ctx, const xmlChar *s, int n)
{
    tmx_reader *t = reader_of(ctx);
    int rc = 0;
    if (t->failed || t->skip >= 0 || n <= 0)
        return;
    /* text is a node one level below its element */
    if (t->level > JISR_DEPTH_MAX) {
        unsigned long line, col;
        cur_pos(t, &line, &col);
        if (t->in_tu)
            tu_bad(t, JISR_ETOOBIG, line, col, "elements nested deeper than 48 levels%s", "");
        else
            push_error(t, Q_FATAL, JISR_ETOOBIG, line, col,
                       "elements nested deeper than 48 levels");
        return;
    }
    if (t->ser >= 0) {
        if ((rc = fmt_xml_escape(&t->tag, (const char *)s, (size_t)n, 0)) < 0)
            goto nomem;
        tag_limit(t);
        return;
    }
    if (t->seg >= 0) {
        if ((rc = seg_text(t, (const char *)s, (size_t)n)) < 0)
            goto nomem;
        return;
    }
    if (t->leaf >= 0) {
        t->text_len += (size_t)n;
        if (t->prop && (rc = jisr_buf_append(&t->val, s, (size_t)n)) < 0)
            goto nomem;
        if (t->text_len > JISR_SEG_MAX) {
            unsigned long line, col;
            cur_pos(t, &line, &col);
            if (t->in_tu)
                tu_bad(t, JISR_ETOOBIG, line, col, "text longer than 1 MiB%s", "");
            else
                push_error(t, Q_FATAL, JISR_ETOOBIG, line, col, "text longer than 1 MiB");
        }
        return;
    }
    /* text directly inside <tu> (blanks between its children are fine) */
    if (t->in_tu && !t->in_tuv && t->level == 3 && !is_blank(s, n)) {
        unsigned long line, col;
        cur_pos(t, &line, &col);
        tu_bad(t, JISR_EPARSE, line, col, "text outside <seg> inside <tu>%s", "");
    }
    return;
nomem:
    oom(t);
}

static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name)
{
    tmx_reader *t = reader_of(ctx);
    xmlEntityPtr e = xmlGetPredefinedEntity(name);
    if (e)
        return e;
    if (!t->ctxt || !t->ctxt->myDoc)
        return NULL;
    /* inside the DTD libxml2 looks its declarations up (and stores their raw text in them):
     * the real ones */
    if (t->ctxt->inSubset)
        return xmlGetDocEntity(t->ctxt->myDoc, name);
    if (!xmlGetDocEntity(t->ctxt->myDoc, name))
        return NULL; /* undeclared: libxml2's own error */
    /* declared: an external parsed entity that is never loaded (no NOENT, no DTDLOAD) and has
     * no content to parse, so libxml2 passes the reference on to on_reference */
    memset(&t->stand_in, 0, sizeof t->stand_in);
    t->stand_in.type = XML_ENTITY_DECL;
    t->stand_in.name = name;
    t->stand_in.etype = XML_EXTERNAL_GENERAL_PARSED_ENTITY;
    return &t->stand_in;
}

static void on_reference(void *ctx, const xmlChar *name)
{
    tmx_reader *t = reader_of(ctx);
    if (t->failed || t->skip >= 0)
        return;
    unsigned long line, col;
    back_pos(t, '&', &line, &col);
    if (t->level > JISR_DEPTH_MAX) {
        if (t->in_tu)
            tu_bad(t, JISR_ETOOBIG, line, col, "elements nested deeper than 48 levels%s", "");
        else
            push_error(t, Q_FATAL, JISR_ETOOBIG, line, col,
                       "elements nested deeper than 48 levels");
        return;
    }
    char msg[600];
    snprintf(msg, sizeof msg,
             "reference to entity '&%s;' (TMX files declare no entities; not expanded for safety)",
             (const char *)name);
    if (t->in_tu)
        tu_bad(t, JISR_EPARSE, line, col, "%s", msg);
    else
        push_error(t, Q_FATAL, JISR_EPARSE, line, col, msg);
}

/* <prop> or <note> starting at depth d, in meta m (NULL in check-only mode: count only). */
static void start_prop(tmx_reader *t, jisr_meta *m, size_t *count, int is_note, int natt,
                       const xmlChar **atts, int d)
{
    if (*count >= JISR_PROPS_MAX) {
        char what[64];
        snprintf(what, sizeof what, "more than 4096 %s elements", is_note ? "note" : "prop");
        elem_bad(t, JISR_ETOOBIG, "%s", what);
        return;
    }
    (*count)++;
    t->leaf = d;
    t->text_len = 0;
    t->prop = NULL;
    if (!m)
        return;
    size_t *n = is_note ? &m->nnotes : &m->nprops;
    jisr_prop **arr = is_note ? &m->notes : &m->props;
    if (jisr_grow_pow2((void **)arr, *n, sizeof **arr) < 0)
        goto nomem;
    jisr_prop *p = &(*arr)[*n];
    memset(p, 0, sizeof *p);
    (*n)++;
    int has_xml_lang = 0;
    for (int i = 0; i < natt; i++) {
        char an[512];
        size_t len;
        const char *av = attr_at(t, atts, i, an, sizeof an, &len);
        int rc = 0;
        if (!av)
            goto nomem;
        if (strcmp(an, "o-encoding") == 0 && !t->oenc_warned) {
            /* the unit model keeps no encoding per prop or note (documented) */
            unsigned long line, col;
            attr_pos(t, "o-encoding", &line, &col);
            push_warn(t, line, col,
                      is_note ? "o-encoding of a <note> is not kept (nor any other prop's or "
                                "note's in this file)"
                              : "o-encoding of a <prop> is not kept (nor any other prop's or "
                                "note's in this file)");
            t->oenc_warned = 1;
        }
        if (!is_note && strcmp(an, "type") == 0)
            rc = set_attr(&p->type, av);
        else if (strcmp(an, "xml:lang") == 0 && (has_xml_lang = 1))
            rc = set_attr(&p->lang, av);
        else if (strcmp(an, "lang") == 0 && !has_xml_lang && !p->lang)
            rc = set_attr(&p->lang, av);
        if (rc < 0)
            goto nomem;
    }
    /* the DTD requires a type; a prop without one gets "" (what the writer must write) */
    if (!is_note && !p->type && !(p->type = jisr_strdup("")))
        goto nomem;
    jisr_buf_reset(&t->val);
    if (jisr_buf_append(&t->val, "", 0) < 0)
        goto nomem;
    t->prop = p;
    return;
nomem:
    oom(t);
}

/* A <prop> or <note> child of the header, a <tu> or a <tuv> (meta m; counters np, nn): 1 when
 * name is one of them and it was started, 0 when it is some other element. */
static int start_meta_child(tmx_reader *t, const char *name, jisr_meta *m, size_t *np, size_t *nn,
                            int natt, const xmlChar **atts, int d)
{
    int is_note = strcmp(name, "note") == 0;
    if (!is_note && strcmp(name, "prop") != 0)
        return 0;
    start_prop(t, m, is_note ? nn : np, is_note, natt, atts, d);
    return 1;
}

static void end_prop(tmx_reader *t)
{
    t->leaf = -1;
    if (!t->prop)
        return;
    jisr_meta *hm = &t->r->header.meta;
    if (t->in_header && hm->nprops && t->prop == &hm->props[hm->nprops - 1] &&
        strcmp(t->prop->type, FMT_OMEGAT_SHORTCUTS_PROP) == 0) {
        /* jisr's own TMX for OmegaT (JISR_WRITE_OMEGAT_SHORTCUTS): its shortcuts are tags, as
         * in OmegaT's files; the mark is no prop of the header */
        t->omegat = !(t->r->flags & JISR_READ_NO_OMEGAT_TAGS);
        free(t->prop->type);
        free(t->prop->lang);
        memset(t->prop, 0, sizeof *t->prop);
        hm->nprops--;
        t->prop = NULL;
        return;
    }
    t->prop->value = jisr_strndup(t->val.data, t->val.len);
    if (!t->prop->value)
        oom(t);
    t->prop = NULL;
}

/* The dates of meta m of the start tag being reported (what: "the <tu>" …) in TMX's form; a date
 * that cannot be read is left out with a warning at its attribute. */
static void tag_dates(tmx_reader *t, jisr_meta *m, const char *what)
{
    static const char *const names[3] = {"creationdate", "changedate", "lastusagedate"};
    char **slots[3] = {&m->creationdate, &m->changedate, &m->lastusagedate};
    for (int i = 0; i < 3; i++) {
        int rc = fmt_date_norm(slots[i]);
        if (rc < 0) {
            oom(t);
            return;
        }
        if (rc == 0)
            continue;
        unsigned long line, col;
        char msg[512];
        attr_pos(t, names[i], &line, &col);
        fmt_date_warning(msg, sizeof msg, names[i], *slots[i], what);
        push_warn(t, line, col, msg);
        free(*slots[i]);
        *slots[i] = NULL;
    }
}

/* <tu>. t->cur is empty here: q_push and tu_bad leave it so. */
static void start_tu(tmx_reader *t, int natt, const xmlChar **atts)
{
    back_pos(t, '<', &t->tu_line, &t->tu_col);
    t->cur.line = t->tu_line;
    t->cur.col = t->tu_col;
    map_pos(t, &t->cur.line, &t->cur.col);
    t->in_tu = 1;
    t->nvariants = t->tu_nprops = t->tu_nnotes = 0;
    if (t->check_only)
        return;
    for (int i = 0; i < natt; i++) {
        char an[512];
        size_t len;
        int rc = 0;
        const char *av = attr_at(t, atts, i, an, sizeof an, &len);
        if (!av)
            goto nomem;
        if (strcmp(an, "tuid") == 0)
            rc = set_attr(&t->cur.tuid, av);
        else if (strcmp(an, "srclang") == 0)
            rc = set_attr(&t->cur.srclang, av);
        else
            meta_attr(t, &t->cur.meta, an, av, "the <tu>", &rc);
        if (rc < 0)
            goto nomem;
    }
    tag_dates(t, &t->cur.meta, "the <tu>");
    return;
nomem:
    oom(t);
}

static void start_tuv(tmx_reader *t, int natt, const xmlChar **atts)
{
    if (t->nvariants >= JISR_VARIANTS_MAX) {
        elem_bad(t, JISR_ETOOBIG, "more than 4096 <tuv> in one <tu>%s", "");
        return;
    }
    back_pos(t, '<', &t->tuv_line, &t->tuv_col);
    t->nvariants++;
    t->in_tuv = 1;
    t->segs = 0;
    t->tuv_nprops = t->tuv_nnotes = 0;
    jisr_variant *v = NULL;
    if (!t->check_only) {
        if (jisr_unit_add_variant(&t->cur, "", "", 0, &v) < 0)
            goto nomem;
        free(v->lang);
        v->lang = NULL;
    }
    /* xml:lang wins over TMX 1.1's lang wherever they stand */
    const char *lang = NULL;
    int have_xml_lang = 0;
    jisr_buf_reset(&t->lang);
    for (int i = 0; i < natt; i++) {
        const xmlChar **a = atts + 5 * i;
        int is_xml_lang = a[1] && strcmp((const char *)a[1], "xml") == 0 &&
                          strcmp((const char *)a[0], "lang") == 0;
        int is_lang = !a[1] && strcmp((const char *)a[0], "lang") == 0;
        if ((is_xml_lang || (is_lang && !have_xml_lang))) {
            size_t len;
            const char *av = attr_value(t, a[3], a[4], &len);
            if (!av)
                goto nomem;
            jisr_buf_reset(&t->lang);
            if (jisr_buf_append(&t->lang, av, len) < 0)
                goto nomem;
            lang = t->lang.data;
            have_xml_lang |= is_xml_lang;
        } else if (v) {
            char an[512];
            size_t len;
            int rc = 0;
            const char *av = attr_at(t, atts, i, an, sizeof an, &len);
            if (!av)
                goto nomem;
            meta_attr(t, &v->meta, an, av, "the <tuv>", &rc);
            if (rc < 0)
                goto nomem;
        }
    }
    if (!lang || !lang[0]) {
        tu_bad(t, JISR_EPARSE, t->tuv_line, t->tuv_col,
               "<tuv> without a language (xml:lang or lang)%s", "");
        return;
    }
    if (!fmt_lang_chars_ok(lang)) {
        unsigned long line, col;
        char msg[300];
        attr_pos(t, have_xml_lang ? "xml:lang" : "lang", &line, &col);
        snprintf(msg, sizeof msg,
                 "<tuv %s=\"%.60s\">: not a language tag (letters and digits in subtags "
                 "joined by '-', as in en-GB)",
                 have_xml_lang ? "xml:lang" : "lang", lang);
        tu_bad(t, JISR_EPARSE, line, col, "%s", msg);
        return;
    }
    if (v && !(v->lang = jisr_strdup(lang)))
        goto nomem;
    if (v)
        tag_dates(t, &v->meta, "the <tuv>");
    return;
nomem:
    oom(t);
}

static void start_seg(tmx_reader *t, int d)
{
    if (t->segs++) {
        unsigned long line, col;
        back_pos(t, '<', &line, &col);
        tu_bad(t, JISR_EPARSE, line, col, "<tuv xml:lang=\"%s\"> has more than one <seg>",
               t->lang.data);
        return;
    }
    t->seg = d;
    t->ilk[d] = FMT_IL_SEG;
    t->npairs = 0;
    jisr_buf_reset(&t->pair_ids);
    t->ntags = 0;
    t->seg_literal = 0;
    t->text_len = 0;
    jisr_buf_reset(&t->text);
    if (jisr_buf_append(&t->text, "", 0) < 0)
        oom(t);
}

static void end_seg(tmx_reader *t)
{
    t->seg = -1;
    if (!cur_variant_ok(t))
        return;
    jisr_variant *v = &t->cur.variants[t->cur.nvariants - 1];
    char *s = jisr_strndup(t->text.data, t->text.len);
    if (!s) {
        oom(t);
        return;
    }
    free(v->text);
    v->text = s;
    /* OmegaT keeps its shortcut tags as text ("&lt;b0&gt;Save&lt;/b0&gt;"): they become the
     * inline tags they stand for, so that they match as tags and are written as TMX markup. It
     * cannot fail but for memory (never more tags than a segment holds), so check-only reads,
     * which build no text, report the same units. */
    int rc = t->omegat ? fmt_omegat_tags(v) : 0;
    if (rc < 0) {
        oom(t);
        return;
    }
    /* literal private-use characters were made placeholders as they streamed by; now that the
     * segment's tags are known, most can be themselves again (the unit model's canonical form) */
    if ((t->seg_literal || rc == 2) && fmt_variant_canon_pua(v) < 0) {
        if (jisr_error_last()->code == JISR_ENOMEM) {
            oom(t);
            return;
        }
        unsigned long line, col;
        cur_pos(t, &line, &col);
        tu_bad(t, JISR_ETOOBIG, line, col, "%s", jisr_error_last()->msg);
    }
}

/* The element's name as libxml2's reader spelt it: prefix:localname. */
static const char *qname(tmx_reader *t, const xmlChar *local, const xmlChar *prefix)
{
    if (!prefix)
        return (const char *)local;
    jisr_buf_reset(&t->qname);
    if (jisr_buf_puts(&t->qname, (const char *)prefix) < 0 || jisr_buf_putc(&t->qname, ':') < 0 ||
        jisr_buf_puts(&t->qname, (const char *)local) < 0)
        return "?";
    return t->qname.data;
}

/* Every attribute value within JISR_ATTR_MAX once decoded (libxml2 spells a literal '&' as
 * "&#38;", so the raw length is an upper bound and the exact one is needed only beyond it). */
static int attrs_within_limit(tmx_reader *t, int natt, const xmlChar **atts)
{
    for (int i = 0; i < natt; i++) {
        const xmlChar **a = atts + 5 * i;
        size_t len;
        if ((size_t)(a[4] - a[3]) > JISR_ATTR_MAX &&
            (!attr_value(t, a[3], a[4], &len) || len > JISR_ATTR_MAX))
            return 0;
    }
    return 1;
}

/* Whether the start tag just reported closes itself ("<x/>"): during the start callback the
 * parser stands on its "/>" or ">". */
static int start_tag_empty(tmx_reader *t)
{
    xmlParserInputPtr in = t->ctxt->input;
    return in && in->cur && in->cur < in->end && *in->cur == '/';
}

/* Keep the namespace declarations of <tmx> or <body> (as attributes) for the parser of a
 * resumed read, which declares them again. */
static int keep_ns(tmx_reader *t, int nns, const xmlChar **ns)
{
    int rc;
    if (t->map_line)
        return 0; /* a resumed read: its prefix has them already */
    for (int i = 0; i < nns; i++) {
        const char *pfx = (const char *)ns[2 * i], *uri = (const char *)ns[2 * i + 1];
        if ((rc = jisr_buf_puts(&t->ns, pfx ? " xmlns:" : " xmlns")) < 0 ||
            (pfx && (rc = jisr_buf_puts(&t->ns, pfx)) < 0) ||
            (rc = jisr_buf_puts(&t->ns, "=\"")) < 0 ||
            (rc = fmt_xml_escape(&t->ns, uri ? uri : "", uri ? strlen(uri) : 0, 1)) < 0 ||
            (rc = jisr_buf_putc(&t->ns, '"')) < 0)
            return rc;
    }
    return 0;
}

/* ---- TMX 1.4's inline content model ---------------------------------------------------------
 *
 * Whatever is read must be written valid against tmx14.dtd, and inline elements are kept as they
 * stand: so each one is checked here as it starts (the model of fmt_inline_*, which
 * fmt_markup_ok applies to tags from other sources): where it stands, the attributes it has
 * (only those the DTD declares, no namespace declarations) and those it needs (i of <bpt> and
 * <ept>, pos of <it>: begin or end). A unit that breaks it is bad, at the element's '<' or the
 * attribute. The <bpt> and <ept> of a segment (outside <sub>) should pair — each <ept> closing
 * an earlier <bpt> of the same i, an i opening one <bpt> only, every <bpt> closed — but the DTD
 * does not say so and a file that does not is still valid: each miss is a warning at its place,
 * and the unit is kept as it is. */

/* The start tag of inline element name (kind) at depth d, inside a <seg>: 1 when it may stand
 * there with these attributes, else 0 with the unit made bad. */
static int inline_ok(tmx_reader *t, const char *name, int kind, int d, int nns, int natt,
                     const xmlChar **atts)
{
    char msg[700];
    int parent = d > 0 ? t->ilk[d - 1] : FMT_IL_NONE;
    if (!fmt_inline_in(parent, kind)) {
        const char *pname = fmt_inline_name(parent);
        if (parent == FMT_IL_SEG || parent == FMT_IL_HI || parent == FMT_IL_SUB)
            snprintf(msg, sizeof msg,
                     "unexpected element <%.100s> inside <%s> (TMX 1.4 allows bpt ept it ph hi "
                     "ut there)",
                     name, pname);
        else
            snprintf(msg, sizeof msg,
                     "unexpected element <%.100s> inside <%s> (TMX 1.4 allows only <sub> there)",
                     name, pname);
        elem_bad(t, JISR_EPARSE, "%s", msg);
        return 0;
    }
    if (nns > 0) {
        snprintf(msg, sizeof msg,
                 "a namespace declaration on <%s> (TMX 1.4 declares only %s on it)", name,
                 fmt_inline_attr_list(kind));
        elem_bad(t, JISR_EPARSE, "%s", msg);
        return 0;
    }
    const char *req = fmt_inline_required(kind);
    int has_req = !req;
    for (int i = 0; i < natt; i++) {
        const xmlChar **a = atts + 5 * i;
        char an[512];
        if (a[1])
            snprintf(an, sizeof an, "%s:%s", (const char *)a[1], (const char *)a[0]);
        else
            snprintf(an, sizeof an, "%s", (const char *)a[0]);
        if (!fmt_inline_attr_ok(kind, an, (const char *)a[3], (size_t)(a[4] - a[3]))) {
            unsigned long line, col;
            attr_pos(t, an, &line, &col);
            if (req && strcmp(an, req) == 0)
                snprintf(msg, sizeof msg, "<%.40s %.40s=\"%.*s\">: %.40s must be begin or end",
                         name, an, (int)(a[4] - a[3] > 40 ? 40 : a[4] - a[3]), (const char *)a[3],
                         an);
            else
                snprintf(msg, sizeof msg,
                         "attribute %.100s is not allowed on <%s> (TMX 1.4 declares %s)", an, name,
                         fmt_inline_attr_list(kind));
            tu_bad(t, JISR_EPARSE, line, col, "%s", msg);
            return 0;
        }
        has_req |= req && strcmp(an, req) == 0;
    }
    if (!has_req) {
        snprintf(msg, sizeof msg, "<%s> without its required attribute %s%s", name, req,
                 kind == FMT_IL_IT ? " (begin or end)" : "");
        elem_bad(t, JISR_EPARSE, "%s", msg);
        return 0;
    }
    return 1;
}

static uint32_t hash_i(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Pair a <bpt> or <ept> of the segment (outside <sub>) by its i; what does not pair is a
 * warning (the unit is kept as it is: the DTD does not pair them, and the file stays valid). */
static void pair_check(tmx_reader *t, const char *name, int kind, int natt, const xmlChar **atts)
{
    const char *v = NULL;
    size_t n = 0;
    for (int i = 0; i < natt && !v; i++) {
        const xmlChar **a = atts + 5 * i;
        if (!a[1] && strcmp((const char *)a[0], "i") == 0 && !(v = attr_value(t, a[3], a[4], &n))) {
            oom(t);
            return;
        }
    }
    if (!v || t->check_only || !t->r->on_warning)
        return; /* no i: inline_ok has refused it */
    uint32_t h = hash_i(v, n);
    bpt_pair *p = NULL;
    for (size_t k = 0; k < t->npairs && !p; k++)
        if (t->pairs[k].hash == h && strcmp(t->pair_ids.data + t->pairs[k].off, v) == 0)
            p = &t->pairs[k];
    unsigned long line, col;
    char msg[300];
    if (kind == FMT_IL_EPT) {
        if (p && !p->closed) {
            p->closed = 1;
            return;
        }
        attr_pos(t, "i", &line, &col);
        snprintf(msg, sizeof msg,
                 "<%s i=\"%.60s\"> closes no open <bpt i=\"%.60s\"> before it in the segment%s "
                 "(kept as it is)",
                 name, v, v, p ? " (that one is closed already)" : "");
        push_warn(t, line, col, msg);
        return;
    }
    if (p) {
        unsigned long fl = p->line, fc = p->col;
        map_pos(t, &fl, &fc);
        attr_pos(t, "i", &line, &col);
        snprintf(msg, sizeof msg,
                 "a second <bpt i=\"%.60s\"> in the segment (the first at %lu:%lu; each i pairs "
                 "one <bpt> with one <ept>; kept as it is)",
                 v, fl, fc);
        push_warn(t, line, col, msg);
        p->closed = 0; /* the one an <ept> would close now */
        return;
    }
    if (JISR_GROW(t->pairs, t->pairs_cap, t->npairs + 1) < 0) {
        oom(t);
        return;
    }
    p = &t->pairs[t->npairs++];
    p->off = t->pair_ids.len;
    p->hash = h;
    p->closed = 0;
    back_pos(t, '<', &p->line, &p->col); /* the parser's coordinates, as push_warn takes them */
    if (jisr_buf_append(&t->pair_ids, v, n) < 0 || jisr_buf_putc(&t->pair_ids, '\0') < 0)
        oom(t);
}

/* At the end of a segment: a warning for each <bpt> no <ept> closed. */
static void pairs_closed(tmx_reader *t)
{
    for (size_t k = 0; k < t->npairs; k++) {
        if (t->pairs[k].closed)
            continue;
        char msg[300];
        snprintf(msg, sizeof msg,
                 "<bpt i=\"%.60s\"> has no <ept i=\"%.60s\"> after it in its segment (an "
                 "isolated tag is an <it>; kept as it is)",
                 t->pair_ids.data + t->pairs[k].off, t->pair_ids.data + t->pairs[k].off);
        push_warn(t, t->pairs[k].line, t->pairs[k].col, msg);
    }
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int natt, int ndef, const xmlChar **atts)
{
    tmx_reader *t = reader_of(ctx);
    int d = t->level++;
    t->last_empty = 0;
    if (t->failed || t->skip >= 0)
        return;
    /* attributes defaulted from the internal subset are not the document's */
    natt -= ndef;
    const char *name = qname(t, local, prefix);
    if (d > JISR_DEPTH_MAX) {
        if (t->in_tu) {
            elem_bad(t, JISR_ETOOBIG, "elements nested deeper than 48 levels%s", "");
        } else {
            unsigned long line, col;
            back_pos(t, '<', &line, &col);
            push_error(t, Q_FATAL, JISR_ETOOBIG, line, col,
                       "elements nested deeper than 48 levels");
        }
        return;
    }
    if (t->ignore >= 0)
        return;
    /* the guard bounds the raw start tag before libxml2 sees it; these are the unit model's own
     * limits, on the decoded values, so that whatever is read can be written and read again
     * (values are measured once the guard has seen one long enough to matter, or when it is
     * off) */
    if (natt + nns > JISR_ATTRS_MAX ||
        ((!t->guard.unit || t->guard.long_values) && !attrs_within_limit(t, natt, atts))) {
        elem_bad(t, JISR_ETOOBIG,
                 natt + nns > JISR_ATTRS_MAX ? "an element with more than 256 attributes%s"
                                             : "an attribute value longer than 64 KiB%s",
                 "");
        if (!t->in_tu)
            t->skip = d;
        return;
    }
    if (d == 0) {
        t->root_seen = 1;
        if (strcmp(name, "tmx") != 0) {
            elem_bad(t, JISR_EPARSE, "not a TMX file: the root element is <%s>, not <tmx>", name);
            return;
        }
        jisr_header *h = &t->r->header;
        t->r->has_header = 1;
        if (keep_ns(t, nns, ns) < 0)
            oom(t);
        if (!t->map_line)
            t->ns_root_len = t->ns.len;
        for (int i = 0; i < natt; i++) {
            const xmlChar **a = atts + 5 * i;
            if (!a[1] && strcmp((const char *)a[0], "version") == 0) {
                size_t len;
                const char *av = attr_value(t, a[3], a[4], &len);
                if (!av || set_attr(&h->version, av) < 0)
                    oom(t);
            }
        }
        return;
    }
    if (t->in_header) {
        if (t->leaf >= 0) {
            elem_bad(t, JISR_EPARSE, "unexpected element <%s> inside a property or note", name);
            return;
        }
        if (d != 2)
            return; /* below a header child (<map> inside <ude>) */
        jisr_meta *m = &t->r->header.meta;
        if (start_meta_child(t, name, m, &t->hdr_nprops, &t->hdr_nnotes, natt, atts, d))
            return;
        if (strcmp(name, "ude") == 0)
            t->ignore = d; /* user-defined encodings: not kept */
        else if (strcmp(name, "map") != 0)
            elem_bad(t, JISR_EPARSE, "unexpected element <%s> in <header>", name);
        return;
    }
    if (d == 1) {
        if (strcmp(name, "body") == 0) {
            t->phase = P_BODY;
            if (keep_ns(t, nns, ns) < 0)
                oom(t);
            return;
        }
        if (t->phase == P_PROLOGUE && strcmp(name, "header") == 0) {
            jisr_header *h = &t->r->header;
            t->in_header = 1;
            for (int i = 0; i < natt; i++) {
                char an[512];
                size_t len;
                int rc = 0;
                const char *av = attr_at(t, atts, i, an, sizeof an, &len);
                if (!av) {
                    oom(t);
                    return;
                }
                if (strcmp(an, "srclang") == 0)
                    rc = set_attr(&h->srclang, av);
                else if (strcmp(an, "adminlang") == 0)
                    rc = set_attr(&h->adminlang, av);
                else
                    meta_attr(t, &h->meta, an, av, "the <header>", &rc);
                if (rc < 0) {
                    oom(t);
                    return;
                }
            }
            tag_dates(t, &h->meta, "the <header>");
            unsigned fl = t->r->flags;
            t->omegat = !(fl & JISR_READ_NO_OMEGAT_TAGS) &&
                        ((fl & JISR_READ_OMEGAT_TAGS) ||
                         (h->meta.creationtool && strcasecmp(h->meta.creationtool, "OmegaT") == 0));
            return;
        }
        elem_bad(t, JISR_EPARSE, "unexpected element <%s> in <tmx>", name);
        t->skip = d;
        return;
    }
    if (d == 2) {
        if (strcmp(name, "tu") == 0) {
            start_tu(t, natt, atts);
            return;
        }
        elem_bad(t, JISR_EPARSE, "unexpected element <%s> in <body>", name);
        t->skip = d;
        return;
    }
    /* inside a <tu> */
    if (t->ser >= 0) {
        int kind = prefix ? FMT_IL_NONE : fmt_inline_kind(name);
        if (!inline_ok(t, name, kind, d, nns, natt, atts))
            return;
        t->ilk[d] = (unsigned char)kind;
        int empty = start_tag_empty(t);
        if (ser_start(t, &t->tag, name, nns, ns, natt, atts) < 0 ||
            jisr_buf_puts(&t->tag, empty ? "/>" : ">") < 0)
            goto nomem;
        t->last_empty = empty;
        tag_limit(t);
        return;
    }
    if (t->seg >= 0) {
        int kind = prefix ? FMT_IL_NONE : fmt_inline_kind(name);
        if (!inline_ok(t, name, kind, d, nns, natt, atts))
            return;
        if (kind == FMT_IL_BPT || kind == FMT_IL_EPT)
            pair_check(t, name, kind, natt, atts);
        t->ilk[d] = (unsigned char)kind;
        jisr_buf_reset(&t->tag);
        if (ser_start(t, &t->tag, name, nns, ns, natt, atts) < 0)
            goto nomem;
        if (strcmp(name, "hi") == 0) {
            /* <hi>: its start tag now, "</hi>" at its end (also for <hi/>) */
            if (jisr_buf_putc(&t->tag, '>') < 0 || add_placeholder(t, t->tag.data, t->tag.len) < 0)
                goto nomem;
        } else {
            int empty = start_tag_empty(t);
            if (jisr_buf_puts(&t->tag, empty ? "/>" : ">") < 0)
                goto nomem;
            t->last_empty = empty;
            t->ser = d;
        }
        return;
    }
    if (t->leaf >= 0) {
        elem_bad(t, JISR_EPARSE, "unexpected element <%s> inside a property or note", name);
        return;
    }
    if (t->in_tuv) {
        jisr_meta *m = NULL;
        if (cur_variant_ok(t))
            m = &t->cur.variants[t->cur.nvariants - 1].meta;
        if (strcmp(name, "seg") == 0)
            start_seg(t, d);
        else if (!start_meta_child(t, name, m, &t->tuv_nprops, &t->tuv_nnotes, natt, atts, d))
            elem_bad(t, JISR_EPARSE, "unexpected element <%s> inside <tuv>", name);
        return;
    }
    /* a child of <tu> */
    jisr_meta *m = t->check_only ? NULL : &t->cur.meta;
    if (strcmp(name, "tuv") == 0)
        start_tuv(t, natt, atts);
    else if (!start_meta_child(t, name, m, &t->tu_nprops, &t->tu_nnotes, natt, atts, d))
        elem_bad(t, JISR_EPARSE, "unexpected element <%s> inside <tu>", name);
    return;
nomem:
    oom(t);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    tmx_reader *t = reader_of(ctx);
    int d = --t->level;
    int was_empty = t->last_empty;
    t->last_empty = 0;
    if (t->failed)
        return;
    if (t->skip >= 0) {
        if (d == t->skip)
            t->skip = -1;
        return;
    }
    if (t->ignore >= 0) {
        if (d == t->ignore)
            t->ignore = -1;
        return;
    }
    if (d == 0) {
        t->phase = P_BODY; /* </tmx>: the prologue is over too */
        return;
    }
    if (t->in_header) {
        if (d == t->leaf)
            end_prop(t);
        else if (d == 1)
            t->in_header = 0;
        return;
    }
    if (t->ser >= 0) {
        if (!was_empty) {
            const char *name = qname(t, local, prefix);
            if (jisr_buf_puts(&t->tag, "</") < 0 || jisr_buf_puts(&t->tag, name) < 0 ||
                jisr_buf_putc(&t->tag, '>') < 0)
                goto nomem;
        }
        if (tag_limit(t))
            return;
        if (d == t->ser) {
            t->ser = -1;
            if (add_placeholder(t, t->tag.data, t->tag.len) < 0)
                goto nomem;
        }
        return;
    }
    if (t->seg >= 0) {
        if (d == t->seg) {
            pairs_closed(t);
            end_seg(t);
        } else if (add_placeholder(t, "</hi>", 5) < 0) /* the end of a <hi> */
            goto nomem;
        return;
    }
    if (d == t->leaf) {
        end_prop(t);
        return;
    }
    if (t->in_tuv && d == 3) {
        t->in_tuv = 0;
        if (!t->segs)
            tu_bad(t, JISR_EPARSE, t->tuv_line, t->tuv_col, "<tuv xml:lang=\"%s\"> has no <seg>",
                   t->lang.data);
        return;
    }
    if (t->in_tu && d == 2) {
        t->in_tu = 0;
        if (t->nvariants == 0) {
            tu_bad(t, JISR_EPARSE, t->tu_line, t->tu_col, "<tu> has no <tuv>%s", "");
            t->skip = -1; /* the unit has ended already */
            return;
        }
        /* TMX 1.4: a <tu>'s srclang defaults to the header's ("*all*": none) */
        const char *hs = t->r->header.srclang;
        if (!t->check_only && !t->cur.srclang && hs && strcmp(hs, "*all*") != 0 &&
            jisr_unit_find(&t->cur, hs) && !(t->cur.srclang = jisr_strdup(hs)))
            goto nomem;
        if (q_push(t, Q_UNIT, NULL) < 0)
            goto nomem;
    }
    return;
nomem:
    oom(t);
}

/* ---- the start-tag guard ---------------------------------------------------------------- */

/* libxml2 2.9 compares each attribute of a start tag with every earlier one (a tag with
 * 200,000 attributes takes 26 s) and holds a whole start tag in memory before it parses it. So
 * each chunk is looked at before it is fed: a small lexer bounds every start tag (attributes and
 * namespace declarations, the raw length of each value, the whole tag) and stops the read at the
 * first tag beyond a bound, naming the line and column of its '<'. It knows just enough XML to
 * stay in step — comments, CDATA sections, processing instructions, declarations and quoted
 * values — and jumps over text, values and names with memchr and a table, so it costs a few
 * percent of the parse. It reads bytes for UTF-8 and the ASCII-compatible legacy encodings; a
 * UTF-16 chunk is first narrowed to one byte per unit (what matters is ASCII), and for any other
 * encoding the guard stands aside (libxml2's limits still apply). Nothing is counted as it
 * goes: when a bound is hit, the position is worked out from where libxml2 stands (it has
 * parsed everything fed before this chunk, but for a token it waits to see the end of) and the
 * bytes of this chunk before the tag. */

static void guard_init(tag_guard *g, const unsigned char *head, size_t n)
{
    memset(g, 0, sizeof *g);
    g->tag_at = -1;
    g->state = G_TEXT;
    g->unit = 1;
    if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == '<' && head[1] == 0)))
        g->unit = 2;
    else if (n >= 2 && ((head[0] == 0xFE && head[1] == 0xFF) || (head[0] == 0 && head[1] == '<')))
        g->unit = 3;
    if (n >= 4 &&
        ((head[2] == 0 && head[3] == 0 && g->unit == 2) || (head[0] == 0 && head[1] == 0)))
        g->unit = 0; /* UTF-32, UCS-4 */
    if (n >= 1 && head[0] == 0x4C)
        g->unit = 0; /* EBCDIC "<" */
}

/* Line feeds in p[0..n): eight bytes at a time, the matches summed per byte lane. */
static unsigned long count_lf(const unsigned char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    unsigned long nl = 0;
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t lanes = 0; /* up to 255 matches per lane before it is folded */
        for (int k = 0; k < 255 && i + 8 <= n; k++, i += 8) {
            uint64_t w;
            memcpy(&w, p + i, sizeof w);
            uint64_t x = w ^ (ones * '\n');                   /* zero bytes where '\n' */
            uint64_t z = ~(((x & ~high) + ~high) | x) & high; /* exact: 0x80 per zero byte */
            lanes += z >> 7;
        }
        nl += (unsigned long)((lanes * ones) >> 56);
    }
    for (; i < n; i++)
        nl += p[i] == '\n';
    return nl;
}

/* Line (1-based) and column (in characters, 1-based) of offset at of the chunk p. */
static void guard_pos(const tag_guard *g, const unsigned char *p, size_t at, unsigned long *line,
                      unsigned long *col)
{
    unsigned long nl = count_lf(p, at), c = 0;
    size_t j = at;
    while (j > 0 && p[j - 1] != '\n')
        j--;
    for (size_t i = j; i < at; i++)
        c += (p[i] & 0xC0) != 0x80;
    *line = g->lines + nl + 1;
    *col = (nl == 0 ? g->col0 : 0) + c + 1;
}

/* The characters that end a run inside a start tag or a declaration. */
static const unsigned char tag_special[256] = {['"'] = 1, ['\''] = 1, ['='] = 1, ['>'] = 1};
/* a start tag shorter than this is within every bound (see guard_scan) */
#define GUARD_SHORT 1024

/* Look at chunk p[0..n) (bytes, or narrowed UTF-16). Returns -1 when every tag in it is within
 * bounds, else the offset up to which the chunk may be fed (the '<' of the offending tag, or 0
 * when it began in an earlier chunk), with the error in code, line, col and msg. */
static long guard_scan(tag_guard *g, const unsigned char *p, size_t n, int *code,
                       unsigned long *line, unsigned long *col, char *msg, size_t msgsz)
{
    const char *why = NULL;
    size_t i = 0;
    while (i < n && !why) {
        unsigned char c;
        switch (g->state) {
        case G_TEXT: {
            const unsigned char *lt = memchr(p + i, '<', n - i);
            if (!lt) {
                i = n;
                break;
            }
            i = (size_t)(lt - p);
            /* the fast path: a tag cannot hold a '<' (libxml2 stops a start tag at one: it is an
             * error in an attribute value), so when the next '<' comes within GUARD_SHORT bytes
             * the tag here is shorter than that, and within every bound (256 attributes with
             * distinct names take more than 1,400 bytes): nothing to count, on to that '<'.
             * Comments, CDATA sections, declarations and processing instructions, which may
             * hold a '<', and tags followed by long text, are followed character by character. */
            while (i + 1 < n && p[i + 1] != '!' && p[i + 1] != '?') {
                size_t lim = n - i > GUARD_SHORT ? i + GUARD_SHORT : n;
                const unsigned char *next = memchr(p + i + 1, '<', lim - i - 1);
                if (!next)
                    break;
                i = (size_t)(next - p);
            }
            /* anything else is followed character by character */
            g->tag_at = (long)i++;
            g->tag_len = 1;
            g->nattr = 0;
            g->state = G_LT;
            break;
        }
        case G_LT:
            c = p[i++];
            g->tag_len++;
            g->match = 0;
            g->state = c == '!' ? G_BANG : c == '?' ? G_PI : c == '/' ? G_END : G_START;
            break;
        case G_START: { /* names and spaces at once, to the next " ' = > */
            size_t j = i;
            while (j < n && !tag_special[p[j]])
                j++;
            g->tag_len += j - i + (j < n);
            i = j;
            if (g->tag_len > JISR_STARTTAG_MAX)
                why = "a start tag of more than 8 MiB";
            if (i == n || why)
                break;
            c = p[i++];
            if (c == '>') {
                g->state = G_TEXT;
                g->tag_at = -1;
            } else if (c == '=') {
                if (++g->nattr > JISR_ATTRS_MAX)
                    why = "an element with more than 256 attributes";
            } else {
                g->quote = c;
                g->value_len = 0;
                g->state = G_VALUE;
            }
            break;
        }
        case G_VALUE: { /* the value at once, to its closing quote */
            const unsigned char *q = memchr(p + i, g->quote, n - i);
            size_t run = q ? (size_t)(q - (p + i)) : n - i;
            g->value_len += run;
            g->tag_len += run + (q != NULL);
            i += run + (q != NULL);
            if (q)
                g->state = G_START;
            if (g->value_len > JISR_ATTR_MAX)
                g->long_values = 1; /* on_start measures the decoded values from now on */
            if (g->value_len > JISR_ATTR_RAW_MAX)
                why = "an attribute value of more than 384 KiB in the file";
            else if (g->tag_len > JISR_STARTTAG_MAX)
                why = "a start tag of more than 8 MiB";
            break;
        }
        case G_END: {
            const unsigned char *q = memchr(p + i, '>', n - i);
            size_t run = q ? (size_t)(q - (p + i)) + 1 : n - i;
            g->tag_len += run;
            i += run;
            if (q) {
                g->state = G_TEXT;
                g->tag_at = -1;
            } else if (g->tag_len > JISR_STARTTAG_MAX) {
                why = "an end tag of more than 8 MiB";
            }
            break;
        }
        case G_BANG: /* "<!--", "<![CDATA[" or a declaration */
            c = p[i];
            if (g->match == 0 && c == '-') {
                g->match = 1;
                i++;
            } else if (g->match == 1 && c == '-') {
                g->state = G_COMMENT;
                g->match = 0;
                i++;
            } else if (g->match == 0 && c == '[') {
                g->state = G_CDATA;
                g->match = 0;
                i++;
            } else {
                g->state = G_DECL; /* this character belongs to the declaration */
            }
            break;
        case G_DECL: /* <!DOCTYPE …, <!ENTITY …: quoted values may hold '>' */
            c = p[i++];
            if (++g->tag_len > JISR_STARTTAG_MAX) {
                why = "a declaration of more than 8 MiB";
            } else if (c == '"' || c == '\'') {
                g->quote = c;
                g->state = G_DVALUE;
            } else if (c == '[' || c == '>') {
                g->state = G_TEXT; /* '[': the internal subset, declarations follow */
                g->tag_at = -1;
            }
            break;
        case G_DVALUE: {
            const unsigned char *q = memchr(p + i, g->quote, n - i);
            size_t run = q ? (size_t)(q - (p + i)) + 1 : n - i;
            g->tag_len += run;
            i += run;
            if (q)
                g->state = G_DECL;
            else if (g->tag_len > JISR_STARTTAG_MAX)
                why = "a declaration of more than 8 MiB";
            break;
        }
        case G_COMMENT: /* until "-->" */
            c = p[i++];
            g->match = c == '-' ? (g->match < 2 ? g->match + 1 : 2) : (c == '>' && g->match == 2);
            if (g->match == 1 && c == '>') {
                g->state = G_TEXT;
                g->tag_at = -1;
            }
            break;
        case G_CDATA: /* "CDATA[" … until "]]>" */
            c = p[i++];
            g->match = c == ']' ? (g->match < 2 ? g->match + 1 : 2) : (c == '>' && g->match == 2);
            if (g->match == 1 && c == '>') {
                g->state = G_TEXT;
                g->tag_at = -1;
            }
            break;
        case G_PI: /* until "?>" */
            c = p[i++];
            if (c == '>' && g->match) {
                g->state = G_TEXT;
                g->tag_at = -1;
            }
            g->match = c == '?';
            break;
        }
    }
    if (why) {
        *code = JISR_ETOOBIG;
        *line = *col = 0; /* a tag begun in an earlier chunk: the caller knows where */
        if (g->tag_at >= 0)
            guard_pos(g, p, (size_t)g->tag_at, line, col);
        snprintf(msg, msgsz, "%s (limits: %d attributes per element, 64 KiB of text per value)",
                 why, JISR_ATTRS_MAX);
        return g->tag_at >= 0 ? g->tag_at : 0;
    }
    g->tag_at = -1; /* offsets are the chunk's */
    return -1;
}

/* guard_scan over a raw chunk: UTF-16 is narrowed first. Returns what guard_scan does, offsets
 * in raw bytes. */
static long guard_chunk(tag_guard *g, const unsigned char *p, size_t n, int *code,
                        unsigned long *line, unsigned long *col, char *msg, size_t msgsz)
{
    if (g->unit == 1)
        return guard_scan(g, p, n, code, line, col, msg, msgsz);
    size_t units = n / 2;
    if (!g->narrow && !(g->narrow = malloc(CHUNK / 2 + 4)))
        return -1; /* no memory for the guard: libxml2's own limits still apply */
    for (size_t k = 0; k < units; k++) {
        unsigned u = g->unit == 2 ? p[2 * k] | (unsigned)p[2 * k + 1] << 8
                                  : (unsigned)p[2 * k] << 8 | p[2 * k + 1];
        g->narrow[k] = u < 0x80 ? (unsigned char)u : 'x';
    }
    long stop = guard_scan(g, g->narrow, units, code, line, col, msg, msgsz);
    return stop < 0 ? stop : 2 * stop;
}

/* ---- feeding the parser ---------------------------------------------------------------- */

/* The position (1-based line, column in characters) right after the input fed so far:
 * libxml2's own, advanced over the bytes it holds but has not parsed yet. */
static void parser_end_pos(tmx_reader *t, unsigned long *line, unsigned long *col)
{
    xmlParserInputPtr in = t->ctxt ? t->ctxt->input : NULL;
    cur_pos(t, line, col);
    if (*line == 0)
        *line = 1;
    if (*col == 0)
        *col = 1;
    if (!in || !in->cur || !in->end)
        return;
    for (const xmlChar *q = in->cur; q < in->end; q++) {
        if (*q == '\n') {
            (*line)++;
            *col = 1;
        } else if ((*q & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* ---- resuming after malformed XML -------------------------------------------------------------
 *
 * XML has no way to resynchronise after a well-formedness error, but TMX has: every unit starts
 * with "<tu". With JISR_READ_SKIP_BAD, when the input is read as its own bytes (UTF-8; another
 * encoding is converted by libxml2, and there the error ends the read with an error), the error
 * does not end the read: the input from the parser's position on is searched for the next "<tu"
 * followed by a space, '>' or '/', and a new parser reads on from there, given first a prefix
 * "<tmx><body>" (with the namespace declarations of the file's own) so that it stands where the
 * old one stood. The text in between — the rest of the bad unit — is reported as one bad unit
 * (the error's line and column, and where the read resumed). The input window keeps the bytes
 * the parser has not consumed, so nothing is read twice from the file; after a resume the rest
 * of the chunk is fed in small pieces, so that many errors close together cost a few KiB each,
 * and each resume starts after the last (the work stays linear). A "<tu" inside a comment or a
 * CDATA section of the damaged region is taken for a unit: the damage is reported either way. */

#define PIECE (4u << 10)

static const unsigned char *win_data(const tmx_reader *t)
{
    return t->f ? t->win : t->mem;
}

/* The input offset of the parser's position. */
static uint64_t parser_at(tmx_reader *t)
{
    long consumed = t->ctxt ? xmlByteConsumed(t->ctxt) : -1;
    if (consumed < (long)t->plen)
        return t->pbase;
    return t->pbase + ((uint64_t)consumed - t->plen);
}

/* UTF-32: read the next block of the file into raw (CHUNK bytes) and decode it to the window's
 * end (room for CHUNK + 4 bytes): the bytes decoded, 0 at the end of the file, a read error or
 * the first bad unit. */
static size_t u32_fill(tmx_reader *t)
{
    size_t n = 0;
    while (n == 0 && !t->u32.bad) {
        size_t got = fread(t->raw, 1, CHUNK, t->f);
        if (got == 0 && ferror(t->f))
            return 0;
        t->r->bytes += got;
        n = fmt_u32_decode(&t->u32, t->raw, got, got == 0, t->win + t->win_len);
        if (got == 0)
            break;
    }
    return n;
}

/* Read the next chunk of the file into the window, keeping win[keep..) (and dropping what is
 * before). 0, or <0 with the error queued. */
static int refill(tmx_reader *t, size_t keep)
{
    if (keep > t->win_len)
        keep = t->win_len;
    if (keep) {
        memmove(t->win, t->win + keep, t->win_len - keep);
        t->win_len -= keep;
        t->win_fed = t->win_fed > keep ? t->win_fed - keep : 0;
        t->win_start += keep;
    }
    if (t->win_cap < t->win_len + CHUNK + 8) {
        size_t cap = t->win_len + CHUNK + 8;
        unsigned char *w = realloc(t->win, cap);
        if (!w) {
            jisr_oom(0);
            oom(t);
            return JISR_ENOMEM;
        }
        t->win = w;
        t->win_cap = cap;
    }
    size_t n = t->u32.on ? u32_fill(t) : fread(t->win + t->win_len, 1, CHUNK, t->f);
    if (n == 0 && ferror(t->f)) {
        unsigned long line, col;
        cur_pos(t, &line, &col);
        push_error(t, Q_FATAL, JISR_EIO, line, col, "read error");
        t->finished = 1;
        return JISR_EIO;
    }
    if (!t->u32.on)
        t->r->bytes += n;
    /* UTF-16: the guard reads whole 16-bit units */
    if (t->guard.unit > 1 && (n & 1) && fread(t->win + t->win_len + n, 1, 1, t->f) == 1) {
        n++;
        t->r->bytes++;
    }
    if (n == 0)
        t->eof = 1;
    t->win_len += n;
    return 0;
}

/* After a well-formedness error (t->resync): look for the next "<tu" from the parser's position
 * on and go on reading there with a new parser, or end the read when there is none. */
static void resume(tmx_reader *t)
{
    /* an error inside an element already reported bad (a <tu> being skipped): the same unit,
     * reported once */
    int reported = t->skip >= 0;
    unsigned long line = t->at_line, col = t->at_col; /* where the search starts */
    map_pos(t, &line, &col);
    unsigned long eline = t->err_line, ecol = t->err_col;
    map_pos(t, &eline, &ecol);
    t->resync = 0;
    uint64_t at = t->err_at < t->win_start ? t->win_start : t->err_at;
    uint64_t lt_at = 0;
    unsigned long lt_line = 0, lt_col = 0;
    int m = 0, found = 0; /* characters of "<tu" matched, found: and a delimiter after them */
    while (!found) {
        if (at >= t->win_start + t->win_len) {
            if (!t->f || t->eof)
                break;
            /* keep a partial match */
            uint64_t keep = m ? lt_at : at;
            if (refill(t, (size_t)(keep - t->win_start)) < 0)
                return;
            continue;
        }
        unsigned char c = win_data(t)[at - t->win_start];
        if (m == 1 && c == 't') {
            m = 2;
        } else if (m == 2 && c == 'u') {
            m = 3;
        } else if (m == 3 &&
                   (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '>' || c == '/')) {
            found = 1;
            break;
        } else if (c == '<' && at >= t->min_resume) {
            m = 1;
            lt_at = at;
            lt_line = line;
            lt_col = col;
        } else {
            m = 0;
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
        at++;
    }
    /* the old parser is done with */
    if (t->ctxt->myDoc)
        xmlFreeDoc(t->ctxt->myDoc);
    t->ctxt->myDoc = NULL;
    xmlFreeParserCtxt(t->ctxt);
    t->ctxt = NULL;
    jisr_unit_clear(&t->cur);
    t->failed = 0;
    t->map_line = 0; /* eline, ecol are mapped already */
    char msg[sizeof t->err_msg + 128];
    if (!found) {
        snprintf(msg, sizeof msg, "%s; no <tu> follows: the rest of the file is skipped",
                 t->err_msg);
        if (!reported)
            push_error(t, Q_BAD, JISR_EPARSE, eline, ecol, msg);
        t->failed = t->finished = 1;
        return;
    }
    snprintf(msg, sizeof msg, "%s; skipped to the next <tu> at %lu:%lu", t->err_msg, lt_line,
             lt_col);
    if (!reported)
        push_error(t, Q_BAD, JISR_EPARSE, eline, ecol, msg);
    if (t->failed)
        return; /* out of memory */
    /* the new parser: the prefix, then the input from the "<tu" on */
    jisr_buf pre = {0};
    const char *ns = t->ns.data ? t->ns.data : "";
    if (jisr_buf_puts(&pre, "<tmx") < 0 || jisr_buf_append(&pre, ns, t->ns_root_len) < 0 ||
        jisr_buf_puts(&pre, "><body") < 0 ||
        jisr_buf_append(&pre, ns + t->ns_root_len, t->ns.len - t->ns_root_len) < 0 ||
        jisr_buf_putc(&pre, '>') < 0) {
        jisr_buf_free(&pre);
        oom(t);
        t->finished = 1;
        return;
    }
    opening = t;
    t->ctxt = xmlCreatePushParserCtxt(&t->sax, NULL, pre.data, (int)pre.len, t->r->path);
    opening = NULL;
    if (!t->ctxt) {
        jisr_buf_free(&pre);
        jisr_oom(0);
        oom(t);
        t->finished = 1;
        return;
    }
    t->ctxt->_private = t;
    xmlCtxtUseOptions(t->ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                   (t->u32.on ? XML_PARSE_IGNORE_ENC : 0));
    t->pbase = lt_at;
    t->plen = pre.len;
    t->pre_chars = nchars((const xmlChar *)pre.data, (const xmlChar *)pre.data + pre.len);
    t->map_line = lt_line;
    t->map_col = lt_col;
    t->min_resume = lt_at + 1;
    jisr_buf_free(&pre);
    /* the document state of a parser that has just entered <body> (the prefix's callbacks
     * set phase and level) */
    t->level = 0;
    t->skip = t->ignore = t->leaf = t->seg = t->ser = -1;
    t->in_header = t->in_tu = t->in_tuv = t->last_empty = 0;
    t->prop = NULL;
    t->generic_msg[0] = '\0';
    t->finished = 0;
    /* the guard reads on from the "<tu", in text */
    t->guard.state = G_TEXT;
    t->guard.tag_at = -1;
    t->guard.match = 0;
    t->win_fed = (size_t)(lt_at - t->win_start);
    t->piece_left = CHUNK;
}

/* Give the parser the next piece of input (the end of input when there is none left). */
static void feed(tmx_reader *t)
{
    if (t->f && t->win_fed == t->win_len && !t->eof) {
        /* what the parser still holds stays for a resume; else nothing */
        size_t keep = t->win_fed;
        if (t->skip_bad && resumable(t)) {
            uint64_t at = parser_at(t);
            if (at >= t->win_start && at - t->win_start < keep)
                keep = (size_t)(at - t->win_start);
        }
        if (refill(t, keep) < 0)
            return;
    }
    /* a whole chunk (and the odd byte of UTF-16), or a piece after a resume */
    size_t n = t->win_len - t->win_fed, max = t->piece_left ? PIECE : t->f ? CHUNK + 1 : CHUNK;
    if (n > max)
        n = max;
    const char *p = (const char *)win_data(t) + t->win_fed;
    if (t->f && t->nhead < sizeof t->head && t->win_start + t->win_fed == t->nhead) {
        size_t k = n < sizeof t->head - t->nhead ? n : sizeof t->head - t->nhead;
        memcpy(t->head + t->nhead, p, k); /* the input's first bytes, kept */
        t->nhead += k;
    }
    t->win_fed += n;
    t->piece_left = t->piece_left > n ? t->piece_left - n : 0;
    if (n && t->guard.unit && !t->failed) {
        int code = 0;
        unsigned long gl = 0, gc = 0;
        char msg[320];
        /* where this piece starts: libxml2's position plus what it holds unparsed */
        parser_end_pos(t, &gl, &gc);
        t->guard.lines = gl - 1;
        t->guard.col0 = gc - 1;
        long stop =
            guard_chunk(&t->guard, (const unsigned char *)p, n, &code, &gl, &gc, msg, sizeof msg);
        if (stop >= 0 && gl == 0) /* the tag began earlier: libxml2 waits at its '<' */
            cur_pos(t, &gl, &gc);
        if (stop >= 0) {
            /* the units before the offending tag are read; the tag never reaches libxml2 */
            uint64_t tag_at = t->win_start + (t->win_fed - n) + (uint64_t)stop;
            if (stop > 0)
                xmlParseChunk(t->ctxt, p, (int)stop, 0);
            if (!t->resync && !t->failed && t->skip_bad && t->phase == P_BODY && resumable(t)) {
                /* the read resumes after the tag */
                snprintf(t->err_msg, sizeof t->err_msg, "%s", msg);
                t->err_line = t->at_line = gl;
                t->err_col = t->at_col = gc;
                t->err_at = tag_at;
                if (gl == 0 || stop == 0) { /* the tag began earlier: libxml2 waits at its '<' */
                    cur_pos(t, &t->at_line, &t->at_col);
                    t->err_at = parser_at(t);
                }
                if (t->min_resume <= t->err_at)
                    t->min_resume = t->err_at + 1;
                t->resync = 1;
            }
            if (t->resync) { /* malformed XML before it, or the tag itself: skipped */
                resume(t);
                return;
            }
            size_t len = strlen(msg);
            snprintf(msg + len, sizeof msg - len, "; the rest of the file is not read");
            if (!t->failed)
                push_error(t, Q_FATAL, code, gl, gc, msg);
            xmlStopParser(t->ctxt);
            t->finished = 1;
            return;
        }
    }
    if (n == 0 && t->u32.bad && !t->failed) {
        /* the decoded input ends before the bad unit: said there */
        char msg[320];
        fmt_u32_message(&t->u32, msg, sizeof msg);
        t->map_line = 0; /* the place is the file's already */
        push_error(t, Q_FATAL, JISR_EPARSE, t->u32.bad_line, t->u32.bad_col, msg);
        xmlStopParser(t->ctxt);
        t->finished = 1;
        return;
    }
    int end = n == 0;
    t->terminating = end;
    int rc = xmlParseChunk(t->ctxt, p, (int)n, end);
    t->terminating = 0;
    if (end)
        t->finished = 1;
    if (!end)
        check_amp(t);
    if (t->resync) {
        resume(t);
        return;
    }
    if (!t->failed && (t->generic_msg[0] || (rc != XML_ERR_OK && !t->ctxt->wellFormed))) {
        /* an encoding or I/O error that stopped the parser without a parser error: a byte the
         * converter refused is said at that byte, not where the parse stopped */
        unsigned long line, col, bl, bc;
        cur_pos(t, &line, &col);
        char wide[512];
        if (wide_message(t, wide, sizeof wide, &bl, &bc)) {
            push_error(t, Q_FATAL, JISR_EPARSE, bl, bc, wide);
        } else {
            if (conv_place(t, t->generic_msg, &bl, &bc)) {
                line = bl;
                col = bc;
            }
            push_error(t, Q_FATAL, JISR_EPARSE, line, col, generic_message(t));
        }
    }
    if (t->failed && !t->finished) {
        xmlStopParser(t->ctxt);
        t->finished = 1;
    }
}

static int tmx_next_inner(jisr_reader *r, jisr_unit *u)
{
    tmx_reader *t = r->impl;
    jisr_unit_clear(u);
    for (;;) {
        if (t->qhead < t->qtail) {
            qitem *it = &t->q[t->qhead++];
            if (it->kind == Q_UNIT) {
                *u = it->u;
                jisr_unit_init(&it->u);
                return 1;
            }
            qerror *e = it->err;
            int kind = it->kind, code = e->code;
            it->err = NULL;
            if (kind == Q_WARN) {
                fmt_reader_warn(r, e->line, e->col, "%s", e->msg);
                free(e);
                continue;
            }
            if (kind == Q_FATAL && t->skip_bad && !strstr(e->msg, "not read"))
                /* an error that no unit can be skipped for: the read ends with it */
                jisr_error_set(code, r->path, e->line, e->col,
                               "%s; reading stopped here and the rest of the file was not read",
                               e->msg);
            else
                jisr_error_set(code, r->path, e->line, e->col, "%s", e->msg);
            free(e);
            if (!t->skip_bad || kind == Q_FATAL) {
                t->dead = 1;
                t->last = *jisr_error_last();
                t->last_rc = code;
                return code;
            }
            fmt_reader_bad(r);
            continue;
        }
        t->qhead = t->qtail = 0;
        if (t->dead || t->failed || t->finished) {
            t->dead = 1;
            if (t->last_rc < 0)
                jisr_error_set(t->last.code, t->last.file, t->last.line, t->last.col, "%s",
                               t->last.msg);
            return t->last_rc;
        }
        feed(t);
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
    if (t->ctxt) {
        if (t->ctxt->myDoc)
            xmlFreeDoc(t->ctxt->myDoc);
        t->ctxt->myDoc = NULL;
        xmlFreeParserCtxt(t->ctxt);
    }
    for (size_t i = t->qhead; i < t->qtail; i++) {
        jisr_unit_clear(&t->q[i].u);
        free(t->q[i].err);
    }
    free(t->q);
    jisr_unit_clear(&t->cur);
    if (t->f && t->f != stdin)
        fclose(t->f);
    free(t->win);
    jisr_buf_free(&t->ns);
    free(t->guard.narrow);
    jisr_buf_free(&t->lang);
    jisr_buf_free(&t->text);
    jisr_buf_free(&t->tag);
    jisr_buf_free(&t->val);
    jisr_buf_free(&t->attr);
    jisr_buf_free(&t->qname);
    jisr_buf_free(&t->pair_ids);
    free(t->pairs);
    free(t->raw);
    free(t->u32_mem);
    free(t);
    r->impl = NULL;
}

static int tmx_open_inner(tmx_reader *t);

/* libxml2 2.9's first xmlInitParser must not race another: an import opens its validating
 * reader on a second thread at the same time as its main one */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

int fmt_tmx_reader_open(jisr_reader *r, FILE *f, const void *mem, size_t n)
{
    int rc;
    pthread_once(&xml_once, xml_init);
    tmx_reader *t = calloc(1, sizeof *t);
    if (!t) {
        if (f && f != stdin)
            fclose(f);
        return jisr_oom(0);
    }
    t->r = r;
    t->f = f;
    t->mem = mem;
    t->win_len = f ? 0 : n;
    t->f_start = f ? (long long)ftello(f) : -1;
    t->check_only = (r->flags & JISR_READ_CHECK_ONLY) != 0;
    t->skip_bad = (r->flags & JISR_READ_SKIP_BAD) != 0;
    /* with the flag, also a TMX without a <header> (creationtool decides at the header) */
    t->omegat =
        (r->flags & (JISR_READ_OMEGAT_TAGS | JISR_READ_NO_OMEGAT_TAGS)) == JISR_READ_OMEGAT_TAGS;
    t->skip = t->ignore = t->leaf = t->seg = t->ser = -1;
    jisr_unit_init(&t->cur);
    r->impl = t;
    r->next = tmx_next;
    r->close = tmx_close;
    saved_handler saved = quiet(t);
    rc = tmx_open_inner(t);
    unquiet(saved);
    return rc;
}

static int tmx_open_inner(tmx_reader *t)
{
    jisr_reader *r = t->r;
    /* libxml2's SAX2 handlers keep the DTD's declarations (checked as before, never fetched);
     * ours take the document itself */
    xmlSAXHandler sax;
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.reference = on_reference;
    sax.getEntity = on_get_entity;
    sax.resolveEntity = NULL;
    sax.externalSubset = NULL;
    sax.comment = NULL;
    sax.processingInstruction = NULL;
    sax.setDocumentLocator = NULL;
    sax.warning = NULL;
    sax.error = NULL;
    sax.fatalError = NULL;
    sax.serror = on_xml_error;
    t->sax = sax;

    /* the first bytes let libxml2 detect UTF-16 and the like */
    char head[4];
    size_t nhead;
    if (t->f) {
        if (!(t->win = malloc(CHUNK + 8)))
            return jisr_oom(0);
        t->win_cap = CHUNK + 8;
        nhead = fread(head, 1, sizeof head, t->f);
        if (nhead == 0 && ferror(t->f))
            return jisr_error_set(JISR_EIO, r->path, 0, 0, "read error");
        r->bytes += nhead;
        if (fmt_u32_detect(&t->u32, (const unsigned char *)head, nhead)) {
            /* UTF-32: the window holds the input decoded, its first bytes as head */
            if (!(t->raw = malloc(CHUNK)))
                return jisr_oom(CHUNK);
            t->win_len = fmt_u32_decode(&t->u32, (const unsigned char *)head, nhead, 0, t->win);
            while (t->win_len < sizeof head && !t->u32.bad) {
                size_t got = u32_fill(t);
                if (got == 0 && ferror(t->f))
                    return jisr_error_set(JISR_EIO, r->path, 0, 0, "read error");
                if (got == 0)
                    break;
                t->win_len += got;
            }
            nhead = t->win_len < sizeof head ? t->win_len : sizeof head;
            memcpy(head, t->win, nhead);
        } else {
            memcpy(t->win, head, nhead); /* the window holds the input from its first byte */
            t->win_len = nhead;
        }
        memcpy(t->head, head, nhead);
        t->nhead = nhead;
    } else {
        r->bytes = t->win_len;
        if (fmt_u32_detect(&t->u32, t->mem, t->win_len)) {
            /* UTF-32: decoded whole (UTF-8 takes no more bytes), up to a bad unit */
            if (!(t->u32_mem = malloc(t->win_len + 4)))
                return jisr_oom(0);
            t->win_len = fmt_u32_decode(&t->u32, t->mem, t->win_len, 1, t->u32_mem);
            t->mem = t->u32_mem;
        }
        nhead = t->win_len < sizeof head ? t->win_len : sizeof head;
        memcpy(head, t->mem, nhead);
    }
    t->win_fed = nhead;
    guard_init(&t->guard, (const unsigned char *)head, nhead);
    /* "<" and a NUL byte: UTF-16 that libxml2 can tell only from a BOM or "<?xml" */
    if (nhead >= 4 && head[0] == '<' && !head[1] && head[2] != '?' && !head[3])
        t->utf16_nobom = 2;
    else if (nhead >= 4 && !head[0] && head[1] == '<' && !head[2] && head[3] != '?')
        t->utf16_nobom = 3;
    t->utf8_bom = nhead >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0;
    if (t->guard.unit) {
        int code;
        unsigned long gl, gc;
        char msg[256];
        guard_chunk(&t->guard, (const unsigned char *)head, nhead, &code, &gl, &gc, msg,
                    sizeof msg); /* four bytes: within every bound */
    }
    /* the callbacks' context stays the parser's own (libxml2's SAX2 handlers need it); ours
     * hangs from it */
    opening = t;
    t->ctxt = xmlCreatePushParserCtxt(&sax, NULL, head, (int)nhead, r->path);
    opening = NULL;
    if (!t->ctxt)
        return jisr_error_set(JISR_EPARSE, r->path, 0, 0,
                              "cannot start the XML parser (empty or unreadable input)");
    t->ctxt->_private = t;
    xmlCtxtUseOptions(t->ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                   (t->u32.on ? XML_PARSE_IGNORE_ENC : 0));
    /* the root element and the header: on return the parser has entered <body> (or the input
     * has ended, or failed) */
    while (t->phase == P_PROLOGUE && !t->failed && !t->finished)
        feed(t);
    for (size_t i = t->qhead; t->phase == P_PROLOGUE && i < t->qtail; i++)
        if (t->q[i].kind == Q_BAD || t->q[i].kind == Q_FATAL) {
            qerror *e = t->q[i].err;
            return jisr_error_set(e->code, r->path, e->line, e->col, "%s", e->msg);
        }
    if (t->phase == P_PROLOGUE && t->last_rc < 0)
        return jisr_error_set(t->last.code, t->last.file, t->last.line, t->last.col, "%s",
                              t->last.msg);
    if (!t->root_seen && t->qhead == t->qtail)
        return jisr_error_set(JISR_EPARSE, r->path, 1, 1, "empty document: no <tmx>");
    return 0;
}
