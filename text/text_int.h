/*
 * text_int.h — private to the text layer (and its tests; private names start with txt_, the
 * segmenter's with seg_ and srx_ in segment_int.h): switches that let tests compare the
 * fast paths with the ICU paths they shortcut.
 */
#ifndef JISR_TEXT_INT_H
#define JISR_TEXT_INT_H

#include <stdint.h>

#include "util/util_int.h"

/* When non-zero, jisr_text_normalize and jisr_tokenizer_run skip their fast paths and always go
 * through ICU. Tests set these to check that both paths give identical results. */
extern int txt_norm_force_icu;
extern int txt_tok_force_icu;

/* jisr_text_normalize's table path alone, whatever txt_norm_force_icu says: 1 when it normalised
 * s[0..n) (appended to out, as jisr_text_normalize would), 0 when the string needs ICU (out
 * unchanged), <0 on error. Lets tests check which strings stay off ICU. */
int txt_normalize_fast(const char *s, size_t n, unsigned flags, jisr_buf *out);

/* Arabic code-point mapping applied after NFKC/case folding: returns the replacement code point,
 * or -1 when the code point is dropped. */
int txt_arabic_map(int c, unsigned flags);

/* ---- incremental decoder shared by jisr_text_decode and jisr_textin (decode.c) ---------- */

enum { TXT_ENC_UTF8, TXT_ENC_UTF16LE, TXT_ENC_UTF16BE };
enum { TXT_DEC_OK = 0, TXT_DEC_INVALID_UTF8, TXT_DEC_INVALID_UTF16, TXT_DEC_NUL };

typedef struct txt_decoder {
    int enc;         /* TXT_ENC_* (set by txt_decoder_bom) */
    unsigned flags;  /* JISR_TEXT_LENIENT */
    size_t replaced; /* U+FFFD substitutions so far */
} txt_decoder;

/** Looks for a byte-order mark at the start of the input (pass at least 3 bytes unless the
 * input is shorter), sets d->enc and returns the number of BOM bytes to skip. */
size_t txt_decoder_bom(txt_decoder *d, const unsigned char *in, size_t n);

/** Converts in[0..n) to UTF-8 appended to out. Returns TXT_DEC_OK with *used = bytes consumed
 * (less than n only when !final and the input ends inside a sequence: pass the rest again with
 * more bytes), a TXT_DEC_* problem with *used = offset of the offending byte (everything before
 * it has been appended), or a negative JISR_E* code (out of memory). */
int txt_decoder_run(txt_decoder *d, const unsigned char *in, size_t n, int final, jisr_buf *out,
                    size_t *used);

/** Records the error for a TXT_DEC_* problem at raw byte offset off of file name. tail[0..len)
 * is the decoded text from the start of line `line` up to the problem (for line and column).
 * Returns the JISR_E* code. */
int txt_decoder_error(int problem, const char *name, uint64_t off, const char *tail, size_t len,
                      unsigned long line);

/** The script a language is written in, for the checks that compare a text's letters with its
 * language: 1 Arabic (ar, fa, ur, ps, ckb, ug, sd), 2 Latin (en, fr, es, de, it, pt, nl, tr, id,
 * ms, sw, pl, ro, sv, da, no), 0 another or unknown. Region variants as their language. */
int jisr_lang_script(const char *lang);

#endif
