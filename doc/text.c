/*
 * text.c — plain text documents: UTF-8 (with or without a BOM) and UTF-16 with a BOM are
 * streamed through the text layer's bounded reader (jisr_textin), so a large file never sits in
 * memory; any other encoding — forced with opts.encoding, declared in an Emacs-style
 * "-*- coding: NAME -*-" first line, or detected when the bytes are not UTF-8 (by ICU's charset
 * detector when many of them are above 0x7F and not UTF-8 sequences; as windows-1256 when only
 * a few are but those few make Arabic words there: an English text quoting Arabic names) — is
 * converted whole by an ICU converter (such files are small: Arabic archives in windows-1256 or
 * ISO-8859-6), with the file size bounded by opts.max_bytes. Valid UTF-8 is always read as
 * UTF-8.
 *
 * Paragraphs are what `jisr segment` has always used: consecutive non-blank lines, the inner
 * newlines kept; with JISR_DOC_LINES each non-blank line is one. Invalid input is an error
 * naming line and column (code points) and the byte offset, or U+FFFD with JISR_DOC_LENIENT.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include "doc/doc_int.h"
#include "text/text.h"
#include "util/util_int.h"

#define SAMPLE (64 * 1024)

static int is_utf8_name(const char *e)
{
    return strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0;
}

/* "-*- coding: NAME -*-" (or "coding=NAME") in the first two lines: the declared encoding. */
static int declared(const unsigned char *s, size_t n, char *out, size_t outsz)
{
    size_t lines = 0, i = 0;
    while (i < n && lines < 2) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        for (size_t k = i; k + 7 < e; k++) {
            if (memcmp(s + k, "coding", 6) != 0 || (s[k + 6] != ':' && s[k + 6] != '='))
                continue;
            size_t v = k + 7, o = 0;
            while (v < e && s[v] == ' ')
                v++;
            while (v < e && o + 1 < outsz && (isalnum(s[v]) || s[v] == '-' || s[v] == '_'))
                out[o++] = (char)s[v++];
            out[o] = '\0';
            for (size_t m = i; o && m + 3 <= e; m++)
                if (memcmp(s + m, "-*-", 3) == 0)
                    return 1;
        }
        i = e + 1;
        lines++;
    }
    return 0;
}

/* Valid UTF-8 apart from a sequence cut at the end of the sample? */
static int looks_utf8(const unsigned char *s, size_t n, int complete)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0)
                return 0;
            i++;
            continue;
        }
        size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                     : c >= 0xE0 && c <= 0xEF ? 3
                     : c >= 0xF0 && c <= 0xF4 ? 4
                                              : 0;
        if (!len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n)
                return !complete;
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        }
        i += len;
    }
    return 1;
}

/* Text in a legacy 8-bit encoding of Arabic has most of its bytes above 0x7F; a file with
 * only a few (an English text with a stray byte) is UTF-8 with an error, reported as such. */
static int few_high_bytes(const unsigned char *s, size_t n)
{
    size_t high = 0;
    for (size_t i = 0; i < n; i++)
        high += s[i] >= 0x80;
    return high * 10 < n;
}

/* Arabic in windows-1256 with few bytes above 0x7F (an English text quoting Arabic names)? At
 * least two words' worth, and five times the bytes that are not Arabic words. */
static int looks_cp1256(const unsigned char *s, size_t n)
{
    size_t arabic, other;
    jisr_cp1256_words(s, n, &arabic, &other);
    return arabic >= 4 && other * 5 <= arabic;
}

/* More valid UTF-8 multi-byte sequences than bytes that are not part of one? */
static int mostly_utf8(const unsigned char *s, size_t n)
{
    size_t good = 0, bad = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = s[i] >= 0xC2 && s[i] <= 0xDF   ? 2
                     : s[i] >= 0xE0 && s[i] <= 0xEF ? 3
                     : s[i] >= 0xF0 && s[i] <= 0xF4 ? 4
                                                    : 0;
        size_t k = 1;
        while (len && k < len && i + k < n && (s[i + k] & 0xC0) == 0x80)
            k++;
        if (len && k == len) {
            good++;
            i += len;
        } else {
            bad++;
            i++;
        }
    }
    return good > bad;
}

/* ICU's best guess among the encodings it knows (NULL when it has none). */
static const char *detect(jisr_doc *d, const unsigned char *s, size_t n, int *confidence)
{
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&st);
    const char *name = NULL;
    if (U_FAILURE(st))
        return NULL;
    /* markup's ASCII would drown the few letters of a short page */
    ucsdet_enableInputFilter(det, d->format == JISR_DOC_HTML);
    ucsdet_setText(det, (const char *)s, (int32_t)(n < SAMPLE ? n : SAMPLE), &st);
    int32_t nm = 0;
    const UCharsetMatch **m = U_SUCCESS(st) ? ucsdet_detectAll(det, &nm, &st) : NULL;
    for (int32_t i = 0; m && U_SUCCESS(st) && i < nm; i++) {
        const char *nm_i = ucsdet_getName(m[i], &st);
        if (U_FAILURE(st) || !nm_i || is_utf8_name(nm_i) || strncmp(nm_i, "UTF-", 4) == 0)
            continue; /* UTF-16/32 without a byte-order mark: not guessed */
        /* the static names of ICU's detector outlive the detector */
        name = nm_i;
        *confidence = ucsdet_getConfidence(m[i], &st);
        break;
    }
    ucsdet_close(det);
    return name;
}

/* Convert n bytes of encoding enc with ICU into a malloc'd UTF-8 string. */
static int icu_decode(jisr_doc *d, const unsigned char *data, size_t n, const char *enc, char **out,
                      size_t *out_len)
{
    UErrorCode st = U_ZERO_ERROR;
    int rc = 0;
    *out = NULL;
    UConverter *cv = ucnv_open(enc, &st);
    if (U_FAILURE(st))
        return doc_error(d, JISR_EINVAL, NULL, 0, 0, "unknown encoding '%s'", enc);
    int lenient = d->opts.flags & JISR_DOC_LENIENT;
    if (!lenient)
        ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    size_t cap = n * 2 + 16; /* UTF-16 units: at most two per byte */
    if (n > ((size_t)INT32_MAX - 16) / 2) {
        ucnv_close(cv);
        return doc_error(d, JISR_ETOOBIG, NULL, 0, 0, "text larger than 1 GiB");
    }
    UChar *u = malloc(cap * sizeof *u);
    if (!u) {
        ucnv_close(cv);
        return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    UChar *t = u;
    const char *src = (const char *)data;
    st = U_ZERO_ERROR;
    ucnv_toUnicode(cv, &t, u + cap, &src, (const char *)data + n, NULL, 1, &st);
    if (U_FAILURE(st)) {
        /* position of the bad byte: lines and columns of what was decoded before it */
        unsigned long line = 1, col = 1;
        for (UChar *q = u; q < t; q++) {
            if (*q == '\n') {
                line++;
                col = 1;
            } else if (!U16_IS_TRAIL(*q)) {
                col++;
            }
        }
        size_t off = (size_t)(src - (const char *)data);
        rc = doc_error(d, JISR_EENCODING, NULL, line, col,
                       "byte 0x%02X at offset %zu is not valid %s (--lenient replaces it)",
                       off ? (unsigned)data[off - 1] : 0u, off ? off - 1 : 0, enc);
        goto done;
    }
    size_t nu = (size_t)(t - u);
    for (size_t i = 0; i < nu; i++) {
        if (u[i] == 0) {
            rc = doc_error(d, JISR_EENCODING, NULL, 0, 0, "NUL character: binary input, or not %s",
                           enc);
            goto done;
        }
        if (u[i] == 0xFFFD)
            d->replaced++;
    }
    int32_t need = 0;
    st = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &need, u, (int32_t)nu, &st);
    char *o = malloc((size_t)need + 1);
    if (!o) {
        rc = doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    st = U_ZERO_ERROR;
    u_strToUTF8(o, need + 1, NULL, u, (int32_t)nu, &st);
    if (U_FAILURE(st)) {
        free(o);
        rc = doc_error(d, JISR_EICU, NULL, 0, 0, "ICU: %s", u_errorName(st));
        goto done;
    }
    o[need] = '\0';
    *out = o;
    *out_len = (size_t)need;
done:
    free(u);
    ucnv_close(cv);
    return rc;
}

/* Valid UTF-8 from end to end with at least one multi-byte sequence: bytes that no legacy
 * declaration can be trusted over (the odds that Arabic or Latin-1 text is valid UTF-8 by chance
 * are nil), unlike pure ASCII, which every such encoding reads alike. */
static int utf8_multibyte(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] < 0x80)
        i++;
    return i < n && looks_utf8(s, n, 1);
}

/* A name ICU has a converter for? */
static int known_encoding(const char *enc)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(enc, &st);
    if (U_FAILURE(st))
        return 0;
    ucnv_close(cv);
    return 1;
}

int doc_decode(jisr_doc *d, const unsigned char *data, size_t n, const char *enc, const char *decl,
               char **out, size_t *out_len)
{
    unsigned flags = d->opts.flags & JISR_DOC_LENIENT ? JISR_TEXT_LENIENT : 0;
    char emacs[64];
    int rc;
    *out = NULL;
    *out_len = 0;
    if (!enc && n >= 2 &&
        (memcmp(data, "\xFF\xFE", 2) == 0 || memcmp(data, "\xFE\xFF", 2) == 0 ||
         (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)))
        enc = "UTF-8"; /* jisr_text_decode follows the BOM */
    if (!enc && !decl && declared(data, n, emacs, sizeof emacs))
        decl = emacs;
    if (!enc && decl && !is_utf8_name(decl)) {
        /* a declaration is a claim about the bytes, which have the last word: valid UTF-8 is
         * UTF-8 (a page saved again by an editor that kept the old <meta>), and a label ICU
         * does not know (charset=none, win-1256) is passed over, as browsers pass it over */
        if (utf8_multibyte(data, n)) {
            doc_warn(d, NULL, 0,
                     "the declared encoding '%s' is ignored: the bytes are valid UTF-8 "
                     "(--encoding forces another)",
                     decl);
            decl = NULL;
        } else if (!known_encoding(decl)) {
            doc_warn(d, NULL, 0, "unknown encoding '%s' declared: ignored", decl);
            decl = NULL;
        } else {
            rc = icu_decode(d, data, n, decl, out, out_len);
            if (rc == JISR_EENCODING && !(d->opts.flags & JISR_DOC_LENIENT) &&
                ucnv_compareNames(decl, "ISO-8859-6") == 0 &&
                icu_decode(d, data, n, "windows-1256", out, out_len) == 0) {
                /* windows-1256 is ISO-8859-6's superset in practice (the letters that differ
                 * are the ones an ISO-8859-6 file cannot hold) */
                d->err = 0;
                doc_warn(d, NULL, 0,
                         "declared ISO-8859-6 but holds bytes it does not define: read as "
                         "windows-1256; --encoding forces another");
                return 0;
            }
            return rc;
        }
    }
    if (enc && !is_utf8_name(enc))
        return icu_decode(d, data, n, enc, out, out_len);
    size_t rep = 0;
    rc = jisr_text_decode(d->name, data, n, enc ? flags : 0, out, out_len, &rep);
    if (rc == 0 || enc) {
        d->replaced += rep;
        if (rc < 0) {
            d->err = rc;
            d->saved = *jisr_error_last();
        }
        return rc;
    }
    /* not UTF-8 and nothing declared: ask ICU's detector, unless the bytes are binary (a NUL)
     * or mostly UTF-8 (more valid multi-byte sequences than invalid bytes: a damaged UTF-8
     * file, reported where it is damaged) */
    jisr_error utf8_err = *jisr_error_last();
    int nul = memchr(data, 0, n) != NULL, damaged = !nul && mostly_utf8(data, n);
    int few = !nul && !damaged && few_high_bytes(data, n);
    if (few && looks_cp1256(data, n)) {
        /* ICU's detector needs more than a few Arabic words among English ones */
        if ((rc = icu_decode(d, data, n, "windows-1256", out, out_len)) == 0) {
            doc_warn(d, NULL, 0,
                     "not UTF-8: read as windows-1256 (its bytes above 0x7F are Arabic words "
                     "there); --encoding forces another");
            return 0;
        }
        d->err = 0;
    }
    if (nul || damaged || few) {
        if (flags) {
            rc = jisr_text_decode(d->name, data, n, flags, out, out_len, &rep);
            d->replaced += rep;
            return rc;
        }
        size_t arabic, other;
        jisr_cp1256_words(data, n, &arabic, &other);
        /* --lenient would replace every Arabic letter: name the encoding that reads them */
        jisr_error_set(utf8_err.code, utf8_err.file, utf8_err.line, utf8_err.col, "%s%s",
                       utf8_err.msg,
                       few && arabic ? "; if the file is Arabic in windows-1256, give "
                                       "--encoding windows-1256"
                                     : "");
        d->err = utf8_err.code;
        d->saved = *jisr_error_last();
        return utf8_err.code;
    }
    int conf = 0;
    const char *guess = detect(d, data, n, &conf);
    if (guess && (strcmp(guess, "ISO-8859-1") == 0 || strcmp(guess, "windows-1252") == 0)) {
        /* a few Arabic words in windows-1256 (a short page) look like Latin-1 to the detector,
         * which then has little confidence: Arabic letters that make words are Arabic. A page
         * in Latin-1 is read as windows-1252, the superset browsers read it as. */
        guess = looks_cp1256(data, n) ? "windows-1256" : "windows-1252";
    }
    if (guess) {
        rc = icu_decode(d, data, n, guess, out, out_len);
        if (rc < 0 && strcasecmp(guess, "ISO-8859-6") == 0) {
            guess = "windows-1256"; /* its superset in practice */
            rc = icu_decode(d, data, n, guess, out, out_len);
        }
        if (rc == 0) {
            d->err = 0;
            doc_warn(d, NULL, 0,
                     "not UTF-8: read as %s (detected, confidence %d%%); "
                     "--encoding forces another",
                     guess, conf);
            return 0;
        }
    }
    if (flags) { /* lenient: UTF-8 with replacements after all */
        d->err = 0;
        rc = jisr_text_decode(d->name, data, n, flags, out, out_len, &rep);
        d->replaced += rep;
        return rc;
    }
    jisr_error_set(utf8_err.code, utf8_err.file, utf8_err.line, utf8_err.col,
                   "%s; the encoding could not be detected either (give --encoding)", utf8_err.msg);
    d->err = utf8_err.code;
    d->saved = *jisr_error_last();
    return utf8_err.code;
}

/* ---- streamed UTF-8 / UTF-16 ------------------------------------------------------------ */

static int textin_next(jisr_doc *d, jisr_para *p)
{
    jisr_textin *in = d->textin;
    const char *t;
    size_t n;
    uint64_t off;
    unsigned long line;
    int rc;
    for (;;) {
        if (d->opts.flags & JISR_DOC_LINES)
            rc = jisr_textin_next_line(in, &t, &n, &off, &line);
        else
            rc = jisr_textin_next_paragraph(in, &t, &n, &off, &line);
        if (rc <= 0)
            break;
        size_t k = 0;
        while (k < n && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r' || t[k] == '\f'))
            k++;
        if (k < n)
            break;
    }
    d->replaced = jisr_textin_replacements(in);
    if (rc <= 0)
        return rc;
    jisr_buf_reset(&d->scratch);
    if (jisr_buf_append(&d->scratch, t, n) < 0)
        return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    memset(p, 0, sizeof *p);
    p->text = d->scratch.data;
    p->len = n;
    p->line = line;
    p->col = 1;
    p->offset = off;
    return 1;
}

static void textin_close(jisr_doc *d)
{
    jisr_textin_close(d->textin);
    d->textin = NULL;
}

int doc_text_open_file(jisr_doc *d, const char *path)
{
    const char *enc = d->opts.encoding;
    unsigned char head[SAMPLE];
    size_t nh = 0;
    if (!enc || !is_utf8_name(enc)) {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            return doc_error(d, JISR_EIO, NULL, 0, 0, "cannot open: %s", strerror(errno));
        ssize_t got;
        while (nh < sizeof head) {
            do
                got = read(fd, head + nh, sizeof head - nh);
            while (got < 0 && errno == EINTR);
            if (got <= 0)
                break;
            nh += (size_t)got;
        }
        close(fd);
        char decl[64];
        int bom =
            nh >= 2 && (memcmp(head, "\xFF\xFE", 2) == 0 || memcmp(head, "\xFE\xFF", 2) == 0 ||
                        (nh >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0));
        int stream = !enc && (bom || (!declared(head, nh, decl, sizeof decl) &&
                                      (looks_utf8(head, nh, nh < sizeof head) ||
                                       ((few_high_bytes(head, nh) || mostly_utf8(head, nh)) &&
                                        !looks_cp1256(head, nh)))));
        if (!stream) {
            /* another encoding: convert the whole file */
            int fd2 = open(path, O_RDONLY);
            if (fd2 < 0)
                return doc_error(d, JISR_EIO, NULL, 0, 0, "cannot open: %s", strerror(errno));
            jisr_buf b = {0};
            int rc = 0;
            for (;;) {
                if ((rc = jisr_buf_reserve(&b, 65536)) < 0)
                    break;
                ssize_t g = read(fd2, b.data + b.len, 65536);
                if (g < 0 && errno == EINTR)
                    continue;
                if (g <= 0) {
                    if (g < 0)
                        rc = doc_error(d, JISR_EIO, NULL, 0, 0, "read failed: %s", strerror(errno));
                    break;
                }
                b.len += (size_t)g;
                if (b.len > d->opts.max_bytes) {
                    rc = doc_error(d, JISR_ETOOBIG, NULL, 0, 0,
                                   "a text file in a legacy encoding larger than %llu bytes",
                                   (unsigned long long)d->opts.max_bytes);
                    break;
                }
            }
            close(fd2);
            if (rc == 0)
                rc = doc_text_open_memory(d, b.data ? b.data : "", b.len);
            jisr_buf_free(&b);
            return rc;
        }
    }
    jisr_textin *in = NULL;
    int rc = jisr_textin_open(&in, path, d->opts.flags & JISR_DOC_LENIENT ? JISR_TEXT_LENIENT : 0);
    if (rc < 0)
        return rc;
    jisr_textin_set_limit(in, d->opts.max_para);
    d->textin = in;
    d->next = textin_next;
    d->close = textin_close;
    return 0;
}

/* ---- text in memory --------------------------------------------------------------------- */

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\f' && s[i] != '\v' && s[i] != '\r')
            return 0;
    return 1;
}

int doc_mem_next(jisr_doc *d, jisr_para *p)
{
    const char *s = d->mem;
    size_t n = d->mem_len, i = d->mem_pos;
    int lines = d->opts.flags & JISR_DOC_LINES;
    size_t start = 0, end = 0;
    unsigned long first = 0;
    int found = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        size_t le = e > i && s[e - 1] == '\r' ? e - 1 : e;
        unsigned long ln = d->mem_line++;
        int b = blank(s + i, le - i);
        if (!b) {
            if (!found) {
                found = 1;
                start = i;
                first = ln;
            }
            end = le;
        }
        i = nl ? e + 1 : n;
        if (found && (b || lines))
            break;
    }
    d->mem_pos = i;
    if (!found)
        return 0;
    if (end - start > d->opts.max_para)
        return doc_error(d, JISR_ETOOBIG, NULL, first, 0,
                         "paragraph starting here is longer than the limit of %zu bytes",
                         d->opts.max_para);
    /* the paragraph's text ends at a '\n' or '\r' (or the end): terminate it in place, the
     * byte is not looked at again */
    memset(p, 0, sizeof *p);
    d->mem[end] = '\0';
    p->text = s + start;
    p->len = end - start;
    p->line = first;
    p->col = 1;
    p->offset = start;
    return 1;
}

int doc_text_open_memory(jisr_doc *d, const void *data, size_t n)
{
    char *out = NULL;
    size_t len = 0;
    int rc = doc_decode(d, data, n, d->opts.encoding, NULL, &out, &len);
    if (rc < 0)
        return rc;
    d->mem = out;
    d->mem_len = len;
    d->mem_pos = 0;
    d->mem_line = 1;
    d->next = doc_mem_next;
    return 0;
}
