/*
 * decode.c — input bytes to validated UTF-8.
 *
 * One incremental decoder serves both the whole-buffer jisr_text_decode and the streaming reader
 * (textin.c): it consumes what it can and reports how many bytes it used, so a caller feeding
 * chunks keeps the unfinished tail of a sequence (at most 3 bytes) for the next call. UTF-16
 * (identified by its BOM only) is converted here rather than with ucnv so that an unpaired
 * surrogate is reported with its byte offset exactly like an invalid UTF-8 byte. Lenient mode
 * replaces each maximal ill-formed subsequence with one U+FFFD (the Unicode "best practice" the
 * W3C encoding standard also follows). A NUL byte is never text: it is reported as binary input
 * in every mode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf8.h>

#include "text/text.h"
#include "text/text_int.h"

size_t txt_decoder_bom(txt_decoder *d, const unsigned char *in, size_t n)
{
    if (n >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF) {
        d->enc = TXT_ENC_UTF8;
        return 3;
    }
    if (n >= 2 && in[0] == 0xFF && in[1] == 0xFE) {
        d->enc = TXT_ENC_UTF16LE;
        return 2;
    }
    if (n >= 2 && in[0] == 0xFE && in[1] == 0xFF) {
        d->enc = TXT_ENC_UTF16BE;
        return 2;
    }
    d->enc = TXT_ENC_UTF8;
    return 0;
}

static const char REPLACEMENT[3] = {'\xEF', '\xBF', '\xBD'};

static int run_utf8(txt_decoder *d, const unsigned char *in, size_t n, int final, jisr_buf *out,
                    size_t *used)
{
    int rc;
    size_t i = 0, run = 0; /* in[run..i) is valid and not yet copied */
    /* lenient output can be 3 bytes per input byte; reserve lazily on the first bad byte */
    if ((rc = jisr_buf_reserve(out, n)) < 0)
        return rc;
    while (i < n) {
        /* eight ASCII bytes without a NUL at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, in + i, 8);
            if ((w & 0x8080808080808080ULL) ||
                ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned b = in[i];
        if (b < 0x80) {
            if (b == 0) {
                if ((rc = jisr_buf_append(out, in + run, i - run)) < 0)
                    return rc;
                *used = i;
                return TXT_DEC_NUL;
            }
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            if (b == 0xE0)
                lo = 0xA0;
            else if (b == 0xED)
                hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            if (b == 0xF0)
                lo = 0x90;
            else if (b == 0xF4)
                hi = 0x8F;
        } else {
            len = 0;
        }
        size_t k = 1; /* bytes of a well-formed prefix */
        if (len) {
            for (; k < len && i + k < n; k++) {
                unsigned c = in[i + k];
                if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF))
                    break;
            }
            if (k == len) {
                i += len;
                continue;
            }
            if (i + k == n && !final)
                break; /* sequence continues in the next chunk */
        }
        /* in[i..i+k) is a maximal ill-formed subsequence */
        if ((rc = jisr_buf_append(out, in + run, i - run)) < 0)
            return rc;
        if (!(d->flags & JISR_TEXT_LENIENT)) {
            *used = i;
            return TXT_DEC_INVALID_UTF8;
        }
        if ((rc = jisr_buf_append(out, REPLACEMENT, 3)) < 0)
            return rc;
        d->replaced++;
        i += k;
        run = i;
    }
    if ((rc = jisr_buf_append(out, in + run, i - run)) < 0)
        return rc;
    *used = i;
    return TXT_DEC_OK;
}

static size_t utf8_encode(char *o, unsigned long c)
{
    size_t i = 0;
    U8_APPEND_UNSAFE(o, i, c);
    return i;
}

static int run_utf16(txt_decoder *d, const unsigned char *in, size_t n, int final, jisr_buf *out,
                     size_t *used)
{
    int rc;
    int be = d->enc == TXT_ENC_UTF16BE;
    /* each 2-byte unit gives at most 3 bytes; a 4-byte pair gives 4 */
    if ((rc = jisr_buf_reserve(out, n / 2 * 3 + 4)) < 0)
        return rc;
    char *o = out->data + out->len;
    size_t i = 0;
    int problem = TXT_DEC_OK;
    while (i < n) {
        size_t step = 2;
        unsigned long c;
        if (i + 2 > n) {
            if (!final)
                break;
            step = 1;
            problem = TXT_DEC_INVALID_UTF16; /* odd trailing byte */
        } else {
            unsigned u = be ? (unsigned)in[i] << 8 | in[i + 1] : (unsigned)in[i + 1] << 8 | in[i];
            c = u;
            if (u == 0) {
                problem = TXT_DEC_NUL;
            } else if (u >= 0xD800 && u <= 0xDBFF) {
                if (i + 4 > n && !final)
                    break;
                unsigned v = 0;
                if (i + 4 <= n)
                    v = be ? (unsigned)in[i + 2] << 8 | in[i + 3]
                           : (unsigned)in[i + 3] << 8 | in[i + 2];
                if (v >= 0xDC00 && v <= 0xDFFF) {
                    c = 0x10000 + ((unsigned long)(u - 0xD800) << 10) + (v - 0xDC00);
                    step = 4;
                } else {
                    problem = TXT_DEC_INVALID_UTF16;
                }
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                problem = TXT_DEC_INVALID_UTF16;
            }
        }
        if (problem) {
            if (problem == TXT_DEC_NUL || !(d->flags & JISR_TEXT_LENIENT)) {
                out->len = (size_t)(o - out->data);
                out->data[out->len] = '\0';
                *used = i;
                return problem;
            }
            problem = TXT_DEC_OK;
            d->replaced++;
            c = 0xFFFD;
        }
        o += utf8_encode(o, c);
        i += step;
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    *used = i;
    return TXT_DEC_OK;
}

int txt_decoder_run(txt_decoder *d, const unsigned char *in, size_t n, int final, jisr_buf *out,
                    size_t *used)
{
    *used = 0;
    if (d->enc == TXT_ENC_UTF8)
        return run_utf8(d, in, n, final, out, used);
    return run_utf16(d, in, n, final, out, used);
}

int txt_decoder_error(int problem, const char *name, uint64_t off, const char *tail, size_t len,
                      unsigned long line)
{
    size_t last = 0;
    for (size_t i = 0; i < len; i++)
        if (tail[i] == '\n') {
            line++;
            last = i + 1;
        }
    unsigned long col = 1;
    for (size_t i = last; i < len; i++)
        if (((unsigned char)tail[i] & 0xC0) != 0x80)
            col++;
    const char *what = problem == TXT_DEC_NUL ? "NUL byte: binary input (or UTF-16 without a "
                                                "byte-order mark)"
                       : problem == TXT_DEC_INVALID_UTF16
                           ? "invalid UTF-16 (unpaired surrogate or odd length)"
                           : "invalid UTF-8";
    return jisr_error_set(JISR_EENCODING, name, line, col, "%s at byte offset %llu%s", what,
                          (unsigned long long)off,
                          problem == TXT_DEC_NUL ? "" : " (--lenient replaces it with U+FFFD)");
}

int jisr_text_decode(const char *name, const void *in, size_t n, unsigned flags, char **out,
                     size_t *out_len, size_t *replaced)
{
    int rc;
    jisr_buf b = {0};
    txt_decoder d = {.flags = flags};
    if (!out)
        return jisr_error_set(JISR_EINVAL, name, 0, 0, "jisr_text_decode: out is NULL");
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (replaced)
        *replaced = 0;
    if (!in && n)
        return jisr_error_set(JISR_EINVAL, name, 0, 0,
                              "jisr_text_decode: in is NULL (with n = %zu)", n);
    const unsigned char *p = in;
    size_t skip = txt_decoder_bom(&d, p, n), used;
    if ((rc = jisr_buf_reserve(&b, 0)) < 0)
        return rc;
    rc = txt_decoder_run(&d, p + skip, n - skip, 1, &b, &used);
    if (rc > 0)
        rc = txt_decoder_error(rc, name, skip + used, b.data, b.len, 1);
    if (rc < 0) {
        jisr_buf_free(&b);
        return rc;
    }
    b.data[b.len] = '\0';
    *out = b.data;
    if (out_len)
        *out_len = b.len;
    if (replaced)
        *replaced = d.replaced;
    return 0;
}
