/*
 * formats.h — the translation-unit model and the streaming readers/writers of TMX 1.1–1.4b,
 * TSV, Moses two-file text and JSONL.
 *
 * Ownership rule: a jisr_unit owns every string it points to (malloc'd); jisr_unit_clear frees
 * them and leaves an empty unit ready for reuse; readers fill a caller-owned unit.
 *
 * Inline markup: in jisr_variant.text each inline element (bpt ept it ph hi ut sub) is replaced
 * by one placeholder code point U+E000+i, where tags[i] holds the element's exact XML (outer
 * markup, content included) for a lossless round trip. Matching works on text; writers put the
 * XML back. <hi> (whose content is translatable text) becomes two placeholders, its start tag
 * "<hi …>" and "</hi>", so the highlighted words stay in text.
 *
 * Private-use characters (users' own: Word's symbol fonts, the Apple logo U+F8FF) share that
 * range, and the rule that keeps them apart is: a code point U+E000+i is a placeholder when
 * i < ntags, and the character itself otherwise. Readers keep such characters as they are,
 * except one whose index would fall among the tags: it becomes a placeholder whose tag is its
 * character reference ("&#xE001;"), which jisr_variant_plain and every writer give back as the
 * character. jisr_unit_check puts any unit in this canonical form.
 */
#ifndef JISR_FORMATS_H
#define JISR_FORMATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/util.h" /* relative: works in the tree and installed under include/jisr/ */

#ifdef __cplusplus
extern "C" {
#endif

#define JISR_TAG_BASE 0xE000u /* first placeholder code point */
#define JISR_TAG_MAX 6400u    /* U+E000–U+F8FF */

typedef struct jisr_prop {
    char *type;  /* prop: type attribute; note: NULL */
    char *lang;  /* xml:lang of the prop/note, or NULL */
    char *value; /* text content */
} jisr_prop;

/** Attributes shared by <tu> and <tuv> (NULL = absent). Dates are in TMX's form
 * YYYYMMDDThhmmssZ: readers put every date they can read (jisr_date_parse) in that form and
 * leave out, with a warning (jisr_read_opts.on_warning), one they cannot. */
typedef struct jisr_meta {
    char *creationdate, *creationid, *changedate, *changeid, *lastusagedate;
    char *creationtool, *creationtoolversion, *datatype, *o_encoding, *o_tmf, *segtype;
    long usagecount; /* -1 = absent */
    jisr_prop *props;
    size_t nprops;
    jisr_prop *notes;
    size_t nnotes;
} jisr_meta;

typedef struct jisr_variant {
    char *lang;  /* language tag as written (xml:lang or lang) */
    char *text;  /* segment text, inline elements replaced by placeholders */
    char **tags; /* tags[i] = exact XML of placeholder U+E000+i */
    size_t ntags;
    jisr_meta meta;
} jisr_variant;

typedef struct jisr_unit {
    char *tuid;    /* NULL = absent */
    char *srclang; /* NULL = absent; may be "*all*" */
    jisr_meta meta;
    jisr_variant *variants;
    size_t nvariants;
    /* where the unit started in its file (0 when unknown) */
    unsigned long line, col;
} jisr_unit;

/** The string fields of a jisr_meta in a fixed order (creationdate, creationid, changedate,
 * changeid, lastusagedate, creationtool, creationtoolversion, datatype, o_encoding, o_tmf,
 * segtype): the address of the i-th, for code that walks them all. */
#define JISR_META_STRINGS 11
static inline char **jisr_meta_string(jisr_meta *m, size_t i)
{
    static const size_t off[JISR_META_STRINGS] = {offsetof(jisr_meta, creationdate),
                                                  offsetof(jisr_meta, creationid),
                                                  offsetof(jisr_meta, changedate),
                                                  offsetof(jisr_meta, changeid),
                                                  offsetof(jisr_meta, lastusagedate),
                                                  offsetof(jisr_meta, creationtool),
                                                  offsetof(jisr_meta, creationtoolversion),
                                                  offsetof(jisr_meta, datatype),
                                                  offsetof(jisr_meta, o_encoding),
                                                  offsetof(jisr_meta, o_tmf),
                                                  offsetof(jisr_meta, segtype)};
    return i < JISR_META_STRINGS ? (char **)(void *)((char *)m + off[i]) : NULL;
}

JISR_API void jisr_unit_init(jisr_unit *u);
JISR_API void jisr_unit_clear(jisr_unit *u); /* free contents, keep u usable (re-initialised) */
/** Append a variant (lang, text copied); *out (may be NULL) points at it until the next add. lang
 * NULL is "und"; text may be NULL when text_len is 0 (the empty text). JISR_EINVAL when u is
 * NULL, or text is NULL with text_len above 0. */
JISR_API int jisr_unit_add_variant(jisr_unit *u, const char *lang, const char *text,
                                   size_t text_len, jisr_variant **out);
/** First variant whose language matches want (BCP 47 prefix match), or NULL. */
JISR_API const jisr_variant *jisr_unit_find(const jisr_unit *u, const char *want);
/** Whether tag looks like a BCP 47 language tag: subtags of 1 to 8 ASCII letters or digits,
 * separated by '-' (or '_', as POSIX locales write them): "ar", "en-GB", "zh_Hant_TW",
 * "x-klingon". 1 or 0. (Readers are looser, not to lose data: they refuse a variant whose tag
 * has anything but letters, digits and '-' or '_' between non-empty subtags, JISR_EPARSE, but
 * take subtags of any length.) */
JISR_API int jisr_lang_tag_ok(const char *tag);
/** Which side of the language pair a, b the variant i of u belongs to: 1 (a), 2 (b) or 0
 * (neither; also when a and b are the same tag). A side takes the variants its tag matches
 * (BCP 47 prefix match: "en" takes en-US); one that both would take (a and b prefixes of one
 * another) goes to the side whose tag it is exactly, else to the longer tag, so that one
 * variant is never on both sides: with en and en-GB, en-GB is en-GB's, en and en-US are en's. */
JISR_API int jisr_unit_pair_side(const jisr_unit *u, size_t i, const char *a, const char *b);
/** Drop every variant that is on neither side of the pair a, b (jisr_unit_pair_side); the others
 * keep their order. Returns 1 when variants of both sides remain, 0 otherwise (a unit whose
 * only variants are one side's, or a and b the same tag; a or b NULL drops every variant),
 * JISR_EINVAL when u is NULL. */
JISR_API int jisr_unit_keep_pair(jisr_unit *u, const char *a, const char *b);
/** Put the variants of src first, then those of tgt (may be NULL), then the others: within each
 * language those whose tag is exactly it (letter case and '_' aside) first, then the others it
 * matches (BCP 47 prefix match), each group in its order; with both, each variant on the side
 * jisr_unit_pair_side says. Tools such as translate-toolkit take a TMX unit's first <tuv> for
 * the source, and two-column writers the first variant of each language. With src, a unit
 * whose first variant is then of src has its srclang set to that variant's tag (a <tu>'s
 * srclang overrides the header's). */
JISR_API void jisr_unit_source_first(jisr_unit *u, const char *src, const char *tgt);
/** Deep copy into dst (initialised first: what it held is not freed). JISR_EINVAL when dst or src
 * is NULL (dst then left as it was). */
JISR_API int jisr_unit_copy(jisr_unit *dst, const jisr_unit *src);
/** The one set of checks and limits every reader applies (TSV, Moses and JSONL call this;
 * the TMX reader checks the same inline): valid UTF-8 everywhere; U+000B and U+000C (Word's
 * line and page breaks) become a line feed in place; any other C0 control but tab, line feed
 * and carriage return, and U+FFFE/U+FFFF, is JISR_EENCODING (TMX cannot carry them); a
 * segment, prop or note value or inline tag over 1 MiB, an attribute (tuid, language, dates,
 * prop type …) over 64 KiB, more than 4096 variants or props or notes per element, more than
 * 6400 tags per segment is JISR_ETOOBIG; a variant without a language, inline tags that are
 * not well-formed TMX inline markup, or a tag its text does not use exactly once (its
 * placeholder missing or repeated: tags[i] belongs to the one U+E000+i of the text),
 * JISR_EPARSE; private-use characters are put in their
 * canonical form (see above), and each tag in the one spelling the TMX reader gives every tag
 * (entity and character references decoded and escaped again as the TMX writer escapes, '"'
 * and '\'' as they are in text, attributes double-quoted, comments and CDATA markup gone), so
 * that the same native code is the same bytes whatever brought it. Errors name name, u->line and
 * u->col, and which text and character. A program that builds units itself may call it before
 * writing or importing them, so that every writer can write them and every reader read them back.
 */
JISR_API int jisr_unit_check(jisr_unit *u, const char *name);
/** Append the variant's text with placeholders removed (what a reader sees) to out: a tag that
 * holds a character reference is that character, a tag that holds a line break
 * (jisr_tag_break) between two characters that are not white space (past other tags) a line
 * feed ("line<br/>second": two words, as a reader sees them), any other tag nothing. JISR_EINVAL
 * when v or out is NULL. */
JISR_API int jisr_variant_plain(const jisr_variant *v, jisr_buf *out);
/** jisr_variant_plain of the part [from, to) of the variant's text (byte offsets on character
 * and tag boundaries), as it reads within the whole text (a line break at the part's edge draws
 * its line feed when the whole's characters around it say so): the parts' plain texts put
 * together are the whole's. JISR_EINVAL when from > to or to is past the text. */
JISR_API int jisr_variant_plain_range(const jisr_variant *v, size_t from, size_t to, jisr_buf *out);

/** What an inline tag (its markup, tag[0..n), as in jisr_variant.tags) draws between the
 * characters around it, read from its TMX type ("lb", "pb", "cb") or from the native code it
 * holds:
 * - JISR_TAG_LINE: a line, page or column break — HTML <br>, Word <w:br/> and <w:cr/>,
 *   OpenDocument <text:line-break/>, TEI <lb/>, OmegaT's shortcut <br0/>, a line feed. The plain
 *   text has a line feed there, and the words on both sides are two words.
 * - JISR_TAG_SOFT: a soft hyphen or a word-break opportunity — Word <w:softHyphen/>,
 *   OpenDocument <text:soft-hyphen/>, HTML <wbr> and &shy;, U+00AD, U+200B. Nothing is drawn
 *   (unless the line is broken there): between two letters it is inside the word.
 * - 0: anything else (formatting, an image, a field), and NULL. */
enum { JISR_TAG_LINE = 1, JISR_TAG_SOFT = 2 };
JISR_API int jisr_tag_break(const char *tag, size_t n);

/** The first character of the NUL-terminated UTF-8 text s that XML, and so TMX, cannot carry — a
 * C0 control character but tab, line feed and carriage return, or U+FFFE, U+FFFF — as its code
 * point, with its place in s in characters (1-based) in *at; 0 when there is none. For a message
 * that names the character of a text a TMX writer refused (jisr_unit_check refuses the same). */
JISR_API unsigned jisr_xml_bad_char(const char *s, size_t *at);

/** A date of a TMX attribute, read leniently into unix seconds (UTC): TMX's own form
 * YYYYMMDDThhmmssZ, and the ISO 8601 forms other tools write — 2019-03-04T10:11:12Z,
 * 2019-03-04 or 20190304 (the day's first second), hh:mm without seconds, a fraction of a second
 * (dropped), a space for the T, a zone offset (+03:00, -0500: the same instant in UTC) or no zone
 * (UTC, as TMX's dates are). Years 0000-9999; the day must exist in its month (no 31 February),
 * hours 0-23, minutes 0-59, seconds 0-60. Returns 0, or JISR_EPARSE (no error detail recorded)
 * when s is not such a date (s NULL, an absent attribute, included); JISR_EINVAL when t is
 * NULL. */
JISR_API int jisr_date_parse(const char *s, int64_t *t);
/** The TMX form YYYYMMDDThhmmssZ of t (unix seconds) into out (nothing when out is NULL); years
 * outside 0000-9999 are written as 0000. */
JISR_API void jisr_date_format(int64_t t, char out[17]);

typedef enum jisr_format {
    JISR_FMT_AUTO = 0,
    JISR_FMT_TMX,
    JISR_FMT_TSV,
    JISR_FMT_MOSES, /* path names the source file; the target file is opts.path2, else path
                     * with its extension replaced by the target language (corpus.en → .ar) */
    JISR_FMT_JSONL,
    JISR_FMT_XLIFF, /* XLIFF 1.2 / 2.0, read only: one unit per segment (source + target) */
} jisr_format;

/** Format from a file name's extension (.tmx .tsv .jsonl .xlf/.xliff/.sdlxliff/.mqxliff
 * .txt/.<lang> for Moses), or AUTO. */
JISR_API jisr_format jisr_format_from_name(const char *path);
/* "tmx", "tsv", "moses", "jsonl", "xliff" (or "xlf") */
JISR_API jisr_format jisr_format_from_string(const char *name);
/** Append s[0..n) to b as one TSV field, escaped as the TSV reader expects: backslash as \\,
 * tab as \t, line feed as \n, carriage return as \r. */
JISR_API int jisr_tsv_escape(jisr_buf *b, const char *s, size_t n);

enum {
    /* keep good units; report bad ones through on_bad. TMX in UTF-8: malformed XML too skips
     * the rest of its unit (the read goes on at the next "<tu"); in another encoding, and in
     * XLIFF, it still ends the read with an error, as do errors that skip no unit (I/O) */
    JISR_READ_SKIP_BAD = 1 << 0,
    /* TMX: next() makes every check of a full read (the same errors at the same places) but may
     * return the units empty (no texts, tags, props): a cheap validating pass. Other formats
     * ignore it. */
    JISR_READ_CHECK_ONLY = 1 << 1,
};

typedef struct jisr_read_opts {
    jisr_format format;
    unsigned flags;
    /* column languages for TSV/Moses. NULL: a Moses file's language extension (corpus.ar),
     * else the script of the column's first 200 lines (Arabic script: "ar", Latin: "en");
     * when that cannot tell the two columns apart, opening fails (JISR_EINVAL) */
    const char *srclang, *tgtlang;
    const char *path2; /* Moses target file */
    /* called for each skipped unit with JISR_READ_SKIP_BAD (error detail in jisr_error_last) */
    void (*on_bad)(void *ctx, const jisr_error *err);
    void *ctx;
    /* every file the reader opens (both Moses files, stdin when it is a file) is recorded here,
     * so that no output of the same command can replace it (jisr_write_opts.files); NULL = none */
    jisr_fileset *files;
    /* called for each warning, on the thread that reads: something the reader leaves out and
     * goes on (a date it cannot read). w names file, line and column; NULL = none */
    void (*on_warning)(void *warning_ctx, const jisr_error *w);
    void *warning_ctx;
} jisr_read_opts;
#define JISR_READ_OPTS_INIT                                                                        \
    {                                                                                              \
        JISR_FMT_AUTO, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL                           \
    }

/** The header of a TMX file (other formats: srclang from the options or, TSV and Moses, the
 * first column's language; NULL when none is known, as for JSONL read without one). */
typedef struct jisr_header {
    char *version; /* "1.4", "1.1" … */
    char *srclang, *adminlang;
    jisr_meta meta;
} jisr_header;

/** Readers never touch the network, never load a DTD or external entity, refuse entity
 * references, and bound element depth (48), segment, prop, note and inline-tag size (1 MiB),
 * attribute values (64 KiB; 384 KiB as written in a TMX file) and attributes per element (256,
 * checked before libxml2 parses the tag), variants per unit and props per element (4096), and
 * line length of the line formats (16 MiB): input beyond a bound is JISR_ETOOBIG naming file,
 * line and column. Every reader applies the checks of jisr_unit_check, so whatever one reader
 * accepts every writer can write and every reader read again. TSV, Moses and JSONL lines with
 * a NUL byte are refused (JISR_EENCODING); with JISR_READ_SKIP_BAD a bad line — too long, NUL,
 * invalid UTF-8 — is skipped whole. They read UTF-8 only: one that starts as UTF-16 does (a
 * byte-order mark, or an ASCII character and a NUL byte) is refused when opened (JISR_EENCODING,
 * saying so and how to convert it); TMX and XLIFF read UTF-16 and declared encodings.
 * TMX inline markup must be TMX 1.4's (tmx14.dtd: each element where the DTD allows it, with
 * the attributes it declares and requires) and a variant's language letters and digits in
 * subtags joined by '-' or '_' (every reader), else its unit is JISR_EPARSE at the element or
 * attribute (TMX) or its line, so that every
 * TMX the writer writes is valid against the DTD. Left out or kept with a warning (on_warning,
 * naming file, line and column): a <bpt>/<ept> that does not pair (kept), the o-encoding of a
 * <prop> or <note> (the unit model has no place for it; once per file), a JSONL key the reader
 * does not know (once per key and file). A <tu> without srclang takes the header's (TMX 1.4;
 * not "*all*") when it has a variant of that language. */
typedef struct jisr_reader jisr_reader;
/** Open path ("-" = stdin) for reading. The format is opts->format, else the file name's
 * extension. Errors: JISR_EIO (cannot open), JISR_EINVAL (unknown format), JISR_EPARSE (TMX
 * prologue malformed), JISR_ENOMEM. On error *out is NULL. */
JISR_API int jisr_reader_open(jisr_reader **out, const char *path, const jisr_read_opts *opts);
/** The same over a caller-owned buffer that must outlive the reader (TMX, TSV, JSONL; the
 * format defaults to TMX). name is used in error messages. data may be NULL when n is 0 (an
 * empty input); NULL with n above 0 is JISR_EINVAL. */
JISR_API int jisr_reader_open_memory(jisr_reader **out, const char *name, const void *data,
                                     size_t n, const jisr_read_opts *opts);
/** A reader of the stream f (TMX, TSV or JSONL: opts->format must say which), read as it
 * comes — a pipe, a socket, an HTTP body. The reader owns f from the call on and fcloses it
 * when closed (also when the open fails). name is used in error messages. A read error of f is
 * an error of the reader (JISR_EIO), never an end of input. */
JISR_API int jisr_reader_open_stream(jisr_reader **out, FILE *f, const char *name,
                                     const jisr_read_opts *opts);
/** Input bytes consumed so far (for progress). */
JISR_API uint64_t jisr_reader_bytes(const jisr_reader *r);
/** The format being read (resolved from the name when opened with AUTO). */
JISR_API jisr_format jisr_reader_format(const jisr_reader *r);
/** Read the next unit into u (cleared first). Returns 1 with a unit, 0 at end, <0 on error
 * (detail names file, line and column). */
JISR_API int jisr_reader_next(jisr_reader *r, jisr_unit *u);
JISR_API const jisr_header *jisr_reader_header(const jisr_reader *r); /* after open; NULL if none */
JISR_API void jisr_reader_close(jisr_reader *r);

/** Writer options; NULL = default. TMX: srclang "*all*", adminlang "en", datatype "plaintext",
 * segtype "sentence" (a value outside the DTD's block|paragraph|sentence|phrase is replaced),
 * o_tmf "jisr"; creationtool is always "jisr" and version="1.4" (tmx14.dtd fixes that value; it is
 * TMX 1.4b). TSV/Moses: the first variants matching srclang/tgtlang (the first two variants
 * when absent) as plain text. */
typedef struct jisr_write_opts {
    jisr_format format;
    const char *srclang; /* TMX header srclang; TSV/Moses source column */
    const char *tgtlang; /* TSV/Moses target column */
    const char *path2;   /* Moses target file */
    const char *adminlang, *datatype, *segtype, *o_tmf;
    /* the command's inputs (and outputs so far): the writer refuses to replace any of them and
     * adds its own file(s); NULL = no check */
    jisr_fileset *files;
    unsigned flags; /* JISR_WRITE_* (below); 0 = none */
} jisr_write_opts;
#define JISR_WRITE_OPTS_INIT                                                                       \
    {                                                                                              \
        JISR_FMT_AUTO, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0                           \
    }

typedef struct jisr_writer jisr_writer;
/** Open a writer. path "-" = stdout. The file is a jisr_outfile (util.h): written to a
 * temporary file renamed over path by a successful jisr_writer_close, so a failed write never
 * leaves a half file behind; never through a symbolic link; a device or FIFO written in place;
 * an existing file's mode and owner kept; never over a file of opts->files. */
JISR_API int jisr_writer_open(jisr_writer **out, const char *path, const jisr_write_opts *opts);
/** jisr_writer_open that also writes header_meta (props, notes, creation/change attributes;
 * copied) into the TMX <header>, e.g. the header of the file being converted. May be NULL. */
JISR_API int jisr_writer_open_ex(jisr_writer **out, const char *path, const jisr_write_opts *opts,
                                 const jisr_meta *header_meta);
/** Write one unit. A unit that cannot be written (invalid UTF-8, a character XML cannot carry,
 * inline tags that are not well-formed TMX markup, no variant in the requested language:
 * JISR_EENCODING/JISR_EINVAL/JISR_ENOTFOUND) is refused
 * and the writer stays usable; an I/O or memory error is sticky and fails jisr_writer_close. */
JISR_API int jisr_writer_write(jisr_writer *w, const jisr_unit *u);
/** A writer on a caller-owned stream (not closed, no temporary file, no atomic commit); name is
 * used in messages. Not for Moses, which writes two files. */
JISR_API int jisr_writer_open_stream(jisr_writer **out, FILE *stream, const char *name,
                                     const jisr_write_opts *opts, const jisr_meta *header_meta);
/** Units written so far. */
JISR_API unsigned long jisr_writer_count(const jisr_writer *w);
/** Finish and commit the file; returns the first error seen. */
JISR_API int jisr_writer_close(jisr_writer *w);
/** Abandon: remove the temporary file. */
JISR_API void jisr_writer_abort(jisr_writer *w);

/* More jisr_read_opts.flags, for TMX. OmegaT writes the formatting tags of its segments as text
 * shortcuts in its own memories (project_save.tmx, its "OmegaT" TMX export):
 * "&lt;b0&gt;Save&lt;/b0&gt;". In a TMX whose header's creationtool is OmegaT (letter case
 * aside), or whose header holds <prop type="x-jisr-omegat-shortcuts"> (jisr's own output with
 * JISR_WRITE_OMEGAT_SHORTCUTS; the reader keeps no such prop), the reader turns each shortcut
 * of a <seg>'s text — '<', an optional '/', ASCII letters, digits, an optional '/' (not both),
 * '>' — into an inline tag holding it as its native code: an opening one and the nearest
 * closing one of the same name after it a <bpt>/<ept> pair (an i no other pair of the segment
 * has), a self-closing one a <ph>, one without its counterpart an <it>; every placeholder of
 * the segment is then numbered in text order. A segment that would hold more than 6400 tags
 * keeps its shortcuts as text. "<b>", "<br/>", "< b0>" are not shortcuts. These flags decide
 * for any TMX instead of its creationtool (both: NO wins). */
enum {
    JISR_READ_OMEGAT_TAGS = 1 << 2,    /* read shortcuts as tags whatever the creationtool */
    JISR_READ_NO_OMEGAT_TAGS = 1 << 3, /* keep them as text, also in OmegaT's files */
};

/* OmegaT's shortcuts as the writers give them back. An inline tag "holds an OmegaT shortcut"
 * when it is a <bpt>, <ept>, <it>, <ph> or <ut> (any attributes) whose whole content is exactly
 * one shortcut, the pattern the reader reads (JISR_READ_OMEGAT_TAGS): '<', an optional '/',
 * ASCII letters, digits, an optional '/' (not both), '>', escaped as XML ("&lt;b0&gt;",
 * "&lt;/b0&gt;", "&lt;x1/&gt;"; a character reference counts as its character). The TSV and
 * Moses writers write such a tag as its shortcut ("<b0>Save</b0>"), as OmegaT's memories hold
 * it, where they drop other tags. */

/** More jisr_write_opts.flags. */
enum {
    /* TMX: a tag holding an OmegaT shortcut is written as that text ("&lt;b0&gt;Save&lt;/b0&gt;")
     * instead of an element, as OmegaT's own memories hold it, so that OmegaT, which reads
     * another tool's TMX at "level 1" by default (dropping what inline elements hold), finds the
     * segment as it has it (<b0>Save</b0>): for a memory going to an OmegaT project's tm/auto.
     * Other tags stay elements; the other formats ignore the flag. The header gets
     * <prop type="x-jisr-omegat-shortcuts">text</prop>, so that jisr reads the shortcuts back
     * as the tags they were. */
    JISR_WRITE_OMEGAT_SHORTCUTS = 1 << 0,
};

/** Whether tag (an inline tag's markup, as in jisr_variant.tags) holds an OmegaT shortcut (see
 * above): 1, and the shortcut as plain text ("<b0>") appended to out unless out is NULL; 0 when
 * it does not (NULL too; out unchanged); JISR_ENOMEM. */
JISR_API int jisr_tag_omegat_shortcut(const char *tag, jisr_buf *out);
/** v's text with each placeholder whose tag holds an OmegaT shortcut replaced by the shortcut
 * ("<b0>"), appended to out (NUL-terminated); the other placeholders stay, so that with v's
 * tags (and ntags) the result is the same variant with those tags as text. The number of
 * placeholders replaced (0: out holds v's text as it is), or JISR_ENOMEM/JISR_EINVAL (NULL). */
JISR_API int jisr_variant_omegat_text(const jisr_variant *v, jisr_buf *out);

#ifdef __cplusplus
}
#endif

#endif
