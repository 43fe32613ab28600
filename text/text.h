/*
 * text.h — jisr's shared ICU text layer: input decoding, matching normalisation, word tokens,
 * stems, language guess and sentence segmentation (ICU + SRX 2.0 rules).
 *
 * Ownership rule: every object made by a *_new/_open function is freed by its *_free/_close
 * (which accept NULL); every const char* the layer returns is borrowed and valid until the next
 * call on the same object. All text at this API is UTF-8; all offsets are byte offsets.
 * Objects are not thread-safe: use one per thread.
 */
#ifndef JISR_TEXT_H
#define JISR_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "../util/util.h" /* relative: works in the tree and installed under include/jisr/ */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- input decoding --------------------------------------------------------------------- */

enum {
    /* replace invalid UTF-8 with U+FFFD (and warn) instead of failing */
    JISR_TEXT_LENIENT = 1 << 0,
};

/** Decode a whole buffer to UTF-8: strips a UTF-8 BOM, converts UTF-16LE/BE with a BOM,
 * validates UTF-8. Invalid input (ill-formed UTF-8, unpaired surrogates, odd UTF-16 length) is
 * JISR_EENCODING with the error detail naming name, line, column (code points, 1-based) and the
 * byte offset in `in`; with JISR_TEXT_LENIENT each maximal ill-formed sequence becomes one U+FFFD
 * instead. A NUL byte (U+0000) is JISR_EENCODING "binary input" in every mode. On success *out
 * is malloc'd, NUL-terminated, owned by the caller (NULL on error); *out_len and *replaced (the
 * number of U+FFFD substitutions) may be NULL. */
JISR_API int jisr_text_decode(const char *name, const void *in, size_t n, unsigned flags,
                              char **out, size_t *out_len, size_t *replaced);

/** A streaming reader of a text file ("-" = stdin) that yields lines or paragraphs in UTF-8,
 * reading 64 KiB at a time: a UTF-8 BOM is skipped, UTF-16LE/BE with a BOM is converted as it
 * streams, invalid input is JISR_EENCODING naming file, line, column (in code points) and byte
 * offset in the file (JISR_TEXT_LENIENT: U+FFFD instead, counted), a NUL byte is JISR_EENCODING
 * ("binary input") in every mode. Lines valid before a bad byte are returned first; the error
 * comes with the line that holds it. Memory is bounded: a line or paragraph longer than the limit
 * (jisr_textin_set_limit, default 16 MiB) is JISR_ETOOBIG naming file and line, and is never
 * read whole. Errors are sticky: every later call returns the same code. */
typedef struct jisr_textin jisr_textin;

/** Open path ("-" = stdin, named "<stdin>" in errors). Nothing is read yet, so an empty file
 * simply yields nothing. JISR_EIO naming the path and strerror when it cannot be opened. */
JISR_API int jisr_textin_open(jisr_textin **out, const char *path, unsigned flags);
/** Longest line or paragraph accepted, in decoded bytes (default 16 MiB; 0 = default). */
JISR_API void jisr_textin_set_limit(jisr_textin *r, size_t bytes);
/** Next line without its newline (\n, \r\n). Returns 1 and a borrowed line, 0 at end, <0 on
 * error. *offset = byte offset of the line in the decoded input; *lineno is 1-based. */
JISR_API int jisr_textin_next_line(jisr_textin *r, const char **line, size_t *len, uint64_t *offset,
                                   unsigned long *lineno);
/** Next paragraph: consecutive non-blank lines (a line of only spaces/tabs is blank), exactly
 * as they are in the decoded input, inner newlines (\n or \r\n) included and the final one
 * dropped, so *offset + i is the input offset of text[i]. Returns 1/0/<0 like next_line;
 * *lineno is the paragraph's first line. Do not mix with next_line on one reader. */
JISR_API int jisr_textin_next_paragraph(jisr_textin *r, const char **text, size_t *len,
                                        uint64_t *offset, unsigned long *lineno);
/** Number of invalid sequences replaced so far (JISR_TEXT_LENIENT). */
JISR_API size_t jisr_textin_replacements(const jisr_textin *r);
JISR_API void jisr_textin_close(jisr_textin *r);

/* ---- normalisation for matching (never for output) --------------------------------------- */

enum {
    JISR_NORM_NFKC = 1 << 0,      /* Unicode NFKC */
    JISR_NORM_CASEFOLD = 1 << 1,  /* full case folding */
    JISR_NORM_HARAKAT = 1 << 2,   /* drop U+064B–U+065F, U+0670, U+06D6–U+06ED */
    JISR_NORM_TATWEEL = 1 << 3,   /* drop U+0640 */
    JISR_NORM_ALEF = 1 << 4,      /* أ إ آ ٱ → ا */
    JISR_NORM_YA = 1 << 5,        /* ى → ي */
    JISR_NORM_TAMARBUTA = 1 << 6, /* ة → ه (off by default) */
    /* Arabic-Indic and Eastern Arabic-Indic digits → ASCII; U+066B → '.', U+066C → ',' */
    JISR_NORM_DIGITS = 1 << 7,
    JISR_NORM_PUNCT = 1 << 8, /* ، ؛ ؟ ٪ → , ; ? % */
    JISR_NORM_MATCH = JISR_NORM_NFKC | JISR_NORM_CASEFOLD | JISR_NORM_HARAKAT | JISR_NORM_TATWEEL |
                      JISR_NORM_ALEF | JISR_NORM_YA | JISR_NORM_DIGITS | JISR_NORM_PUNCT,
};

/** Append the normalised form of s[0..n) to out (out is not reset). The steps run in this
 * order: NFKC and/or full case folding (both together = ICU's NFKC_Casefold, which also drops
 * default-ignorable code points: ZWJ, ZWNJ, LRM/RLM, ALM, soft hyphen), then the Arabic rules of
 * the other flags, each on its own. Invalid UTF-8 becomes U+FFFD. Pure ASCII, Arabic and Latin
 * text, with or without default-ignorable code points (ZWNJ, soft hyphen, bidi marks …) inside,
 * takes a table-driven path without ICU; results are identical. Thread-safe. */
JISR_API int jisr_text_normalize(const char *s, size_t n, unsigned flags, jisr_buf *out);

/** The table-driven path of jisr_text_normalize, one code point at a time, for a caller that
 * walks the code points anyway (the matcher's tokenizer). Get it once per flags; then
 * jisr_norm_cp(h, c) is what c becomes: a code point, JISR_NORM_CP_DELETED (under NFKC and
 * CASEFOLD together: every default-ignorable code point), or JISR_NORM_CP_SLOW when c needs ICU
 * in its context. For a string in which no code point is SLOW,
 * jisr_text_normalize appends exactly the concatenation of its code points' results (so any slice
 * of it at code point boundaries normalises to the matching slice). */
typedef struct jisr_norm_cps {
    const uint16_t *m2; /* U+0000–U+07FF */
    unsigned flags;
} jisr_norm_cps;
#define JISR_NORM_CP_DELETED (-1)
#define JISR_NORM_CP_SLOW (-2)
/* 0; 1 when the table path is switched off (tests); <0 (ICU unavailable) */
JISR_API int jisr_text_norm_cps(unsigned flags, jisr_norm_cps *h);
/* (h NULL: JISR_NORM_CP_SLOW, the ICU path) */
JISR_API int jisr_norm_cp_above(const jisr_norm_cps *h, uint32_t c);
static inline int jisr_norm_cp(const jisr_norm_cps *h, uint32_t c)
{
    if (c < 0x800) {
        unsigned v = h->m2[c];
        return v == 0xFFFF ? JISR_NORM_CP_SLOW : v == 0xFFFE ? JISR_NORM_CP_DELETED : (int)v;
    }
    return jisr_norm_cp_above(h, c);
}

/* ---- word tokens ------------------------------------------------------------------------- */

/* Boundaries are ICU's word boundaries (UAX #29 as ICU tailors it: '@' counts as a letter, ':'
 * does not join letters); the kind comes from the content: a segment with a letter is a WORD,
 * with digits only a NUMBER, otherwise PUNCT or SYMBOL by its first character. */
typedef enum jisr_tok_kind {
    JISR_TOK_WORD = 1, /* letters (any script), with inner apostrophes/periods as ICU decides;
                          letters+digits in Latin ("MP3") stay one word, Arabic letters and
                          digits are cut apart (و١٢ → و + ١٢) */
    JISR_TOK_NUMBER, /* 1,234.5  ٣٫٥  7,7  ١٬٢٣٤ (digits of any system with , . ٫ ٬ inside);
                        signs and % are separate punctuation tokens */
    JISR_TOK_URL,    /* scheme://… (http, https, ftp …), www.…; ASCII only, trailing
                        punctuation and unbalanced ) ] excluded */
    JISR_TOK_EMAIL,  /* user@host.tld */
    JISR_TOK_TAG,    /* one inline-tag placeholder code point (U+E000–U+F8FF) */
    JISR_TOK_PUNCT,  /* punctuation */
    JISR_TOK_SYMBOL, /* anything else that is not white space */
} jisr_tok_kind;

typedef struct jisr_token {
    size_t start, end; /* byte span in the tokenized string */
    jisr_tok_kind kind;
} jisr_token;

typedef struct jisr_tokens {
    jisr_token *v;
    size_t n, cap;
} jisr_tokens;

/** A reusable tokenizer (holds an ICU word break iterator). */
typedef struct jisr_tokenizer jisr_tokenizer;
JISR_API int jisr_tokenizer_new(jisr_tokenizer **out);
/** Tokenize s[0..n): out is reset (its memory reused), then filled in text order; white space
 * yields no token. Invalid UTF-8 is tolerated (spans stay inside s). */
JISR_API int jisr_tokenizer_run(jisr_tokenizer *tk, const char *s, size_t n, jisr_tokens *out);
JISR_API void jisr_tokenizer_free(jisr_tokenizer *tk);
JISR_API void jisr_tokens_free(jisr_tokens *t);

/* ---- stems ------------------------------------------------------------------------------- */

typedef struct jisr_stemmer jisr_stemmer;
/** Snowball stemmer for lang "ar" or "en" (any "ar-*", "en-*"); JISR_ENOTFOUND for others,
 * JISR_EINVAL when out or lang is NULL. */
JISR_API int jisr_stemmer_new(jisr_stemmer **out, const char *lang);
/** Stem one word of n bytes (need not be NUL-terminated). Pass it through
 * jisr_text_normalize(JISR_NORM_MATCH) first: Snowball's Arabic stemmer looks for the article
 * before it drops diacritics. The result (*out_len bytes, NUL-terminated) is borrowed until
 * the next call; NULL on error. */
JISR_API const char *jisr_stemmer_stem(jisr_stemmer *st, const char *w, size_t n, size_t *out_len);
JISR_API void jisr_stemmer_free(jisr_stemmer *st);

/* ---- language ---------------------------------------------------------------------------- */

/** "ar" when Arabic-script characters are at least as many as Latin letters, "en" when Latin
 * letters are more, "und" when there are neither (or s is NULL). Returns a static string. */
JISR_API const char *jisr_text_guess_lang(const char *s, size_t n);

/** Language tags compared as BCP 47: case-insensitive, '_' = '-'. jisr_lang_matches(tag, want)
 * is true when tag equals want or starts with want + "-" ("ar-SA" matches "ar"). */
JISR_API int jisr_lang_equal(const char *a, const char *b);
JISR_API int jisr_lang_matches(const char *tag, const char *want);
/** A tag in BCP 47's conventional case, in place (RFC 5646 §2.1.1): language and other subtags
 * lower, a script (4 letters) title case, a region (2 letters) upper, but not after a singleton
 * (x-…, u-…), whose subtags are no script or region. Separators ('-', '_') are kept. A NULL
 * tag is left alone. */
JISR_API void jisr_lang_case(char *tag);

/* ---- sentence segmentation --------------------------------------------------------------- */

typedef struct jisr_span {
    size_t start, end; /* byte offsets, sentence trimmed of surrounding white space */
} jisr_span;

typedef struct jisr_spans {
    jisr_span *v;
    size_t n, cap;
} jisr_spans;

/** A sentence segmenter: ICU's sentence break iterator refined by SRX 2.0 rules. ICU proposes
 * boundaries; the first SRX rule (in cascade order) that matches at a candidate boundary keeps
 * it (break="yes") or removes it (break="no"), and break="yes" rules may also add boundaries
 * after terminal punctuation ICU let pass; when no rule matches, ICU's answer stands. Rules are
 * tried only at candidate positions (ICU boundaries, ends of runs of . ! ? ؟ … with closing
 * quotes/brackets, and after characters that end a break="yes" rule), at the offset right after
 * the last non-space character and at the next non-space one. Numbered/lettered list items and
 * bullets ("1. … 2. …", "a) … b) …", "١. … ٢. …", "• …") and blank lines are decided before the
 * rules. A single newline inside a paragraph is white space. */
typedef struct jisr_segmenter jisr_segmenter;

/** A segmenter for lang ("ar", "en"; others fall back to ICU root rules plus the SRX rules that
 * match the language). srx_path NULL = jisr's built-in SRX rules (text/data/jisr.srx);
 * otherwise that SRX 2.0 (or 1.0) file replaces them. Errors: JISR_EIO (unreadable file),
 * JISR_EPARSE (bad XML, a DOCTYPE or entity reference, a bad regular expression, a map naming an
 * unknown rule set; the detail names file, line and column), JISR_ENOTFOUND (no languagemap
 * matches lang), JISR_EINVAL (empty lang), JISR_ENOMEM, JISR_EICU. *out is NULL on error. */
JISR_API int jisr_segmenter_new(jisr_segmenter **out, const char *lang, const char *srx_path);
/** The same from an SRX document in memory (name is used in error messages); srx is not
 * referenced after the call. */
JISR_API int jisr_segmenter_new_srx_memory(jisr_segmenter **out, const char *lang, const char *srx,
                                           size_t srx_len, const char *name);
/** Split one paragraph into sentences. out is reset, then filled with spans into text (trimmed
 * of white space, in order, never empty; none for an empty or blank text). Any bytes are
 * accepted: invalid UTF-8 counts as U+FFFD. Errors: JISR_ENOMEM, JISR_EICU, JISR_ETOOBIG
 * (len > 2 GiB). The spans are owned by out (jisr_spans_free). */
JISR_API int jisr_segmenter_split(jisr_segmenter *seg, const char *text, size_t len,
                                  jisr_spans *out);
/** A warning of the library (it never prints): w holds a code, a message and, where there is
 * one, the file, line and column it concerns; borrowed for the duration of the call. */
typedef void (*jisr_warn_fn)(void *ctx, const jisr_error *w);
/** Where the segmenter's warnings go (NULL: nowhere): fn is called, on the thread running
 * jisr_segmenter_split, the first time an SRX rule runs out of ICU's regular-expression time or
 * stack limit, with the rule's file, line and column. Such a rule counts as not matching at
 * that place. Each rule sees at most 1024 UTF-16 units of the paragraph on either side of a
 * candidate boundary, so whether it matches — and whether it runs out — never depends on text
 * further away (the length of the paragraph, say): the result is the same for the same
 * neighbourhood. */
JISR_API void jisr_segmenter_set_warn(jisr_segmenter *seg, jisr_warn_fn fn, void *ctx);
JISR_API void jisr_segmenter_free(jisr_segmenter *seg);
JISR_API void jisr_spans_free(jisr_spans *s);

/* ---- documents as sentence lists ---------------------------------------------------------- */

/** The sentences of a document, in order. Zero-initialise ({0}) before use; jisr_sentences_free
 * releases it. v[i] is the i-th sentence (NUL-terminated, owned); para[i] its paragraph
 * (0-based); [start[i], end[i]) its byte span in the paragraph or line it came from.
 * has_para is 1 when the paragraphs are real (the text went through a segmenter), 0 when every
 * line was taken as a sentence. */
typedef struct jisr_sentences {
    char **v;
    size_t n, cap;
    uint32_t *para;
    size_t *start, *end;
    uint32_t npara; /* paragraphs (or lines) added */
    int has_para;
    size_t replaced;  /* invalid sequences replaced by U+FFFD (JISR_TEXT_LENIENT) */
    jisr_spans spans; /* scratch */
} jisr_sentences;

/** Append one sentence as it is (a line of presegmented input; its own paragraph).
 * Errors: JISR_ENOMEM. */
JISR_API int jisr_sentences_push(jisr_sentences *s, const char *text, size_t len);
/** Split one paragraph with seg and append its sentences, each with its span in text; line
 * breaks inside a sentence become one space. A blank paragraph adds nothing. This is the one
 * paragraph-to-sentence step of the project: readers of any document format feed it one
 * paragraph at a time. Errors: those of jisr_segmenter_split. */
JISR_API int jisr_sentences_add_paragraph(jisr_sentences *s, jisr_segmenter *seg, const char *text,
                                          size_t len);
/** Append the sentences of a text file (path "-" = stdin; decoded as jisr_textin does, flags
 * JISR_TEXT_LENIENT or 0): paragraphs split by seg, or with seg NULL one sentence per line,
 * every line kept (sentence i is line i+1). Errors: those of jisr_textin, jisr_segmenter_split. */
JISR_API int jisr_sentences_read(jisr_sentences *s, const char *path, jisr_segmenter *seg,
                                 unsigned flags);
/** The same from UTF-8 text in memory: paragraphs (a line of only spaces/tabs ends one) split
 * by seg, or lines when seg is NULL (a final \r of a line dropped). */
JISR_API int jisr_sentences_split(jisr_sentences *s, const char *text, size_t len,
                                  jisr_segmenter *seg);
/** Forget the sentences, keep the memory. */
JISR_API void jisr_sentences_clear(jisr_sentences *s);
JISR_API void jisr_sentences_free(jisr_sentences *s);

#ifdef __cplusplus
}
#endif

#endif
