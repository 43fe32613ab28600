/*
 * dict.c — a reader for dictd dictionaries (the format of Debian's dict-freedict-* packages).
 *
 * A dictd dictionary is an index of `headword<TAB>offset<TAB>length` lines (numbers in dictd's
 * base64 digits, most significant first) and a data file, plain or dictzip-compressed. Dictzip is
 * an ordinary gzip stream with a random-access table in an extra header field, so zlib's gzread
 * reads it as is; the aligner wants every entry anyway, so the whole data file is inflated once
 * and the index is walked in order, instead of seeking chunk by chunk.
 *
 * What a dictionary may cost is bounded (`--dict /dev/zero` used to read 1 GiB before failing):
 * the index and the inflated data have size limits that stop the read where they are crossed, an
 * entry has a size limit, and both files are text, so a NUL byte ends the read in its first
 * 64 KiB chunk. A compressed file cut short or damaged is an error, never read as far as it goes
 * (al_read_file also reads lexicons, whose last entry would be cut silently).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "align/align.h"
#include "align/align_int.h"

#define DICT_DEFAULT "/usr/share/dictd/freedict-ara-eng.index"

const char *jisr_dict_default_path(void)
{
    return access(DICT_DEFAULT, R_OK) == 0 ? DICT_DEFAULT : NULL;
}

static int b64_digit(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Parses a dictd base64 number s[0..n); returns -1 when malformed or too large. */
static long long b64_number(const char *s, size_t n)
{
    if (n == 0 || n > 10)
        return -1;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = b64_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        v = v * 64 + d;
    }
    return v;
}

int al_read_file(const char *path, size_t max, int text, jisr_buf *out)
{
    gzFile gz = gzopen(path, "rb"); /* also reads uncompressed files transparently */
    if (!gz)
        return jisr_error_set(JISR_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    int rc = 0;
    size_t start = out->len;
    for (;;) {
        if ((rc = jisr_buf_reserve(out, 1 << 16)) < 0)
            break;
        /* never more than one byte past the limit, so a huge or endless file is not read */
        size_t room = max + 1 - (out->len - start);
        unsigned want = room < (1u << 16) ? (unsigned)room : 1u << 16;
        int n = gzread(gz, out->data + out->len, want);
        if (n <= 0) {
            /* gzread returns what it inflated before a truncated stream ends, then 0: only
             * gzerror tells the end of the data from data cut short (Z_BUF_ERROR) */
            int zerr = Z_OK;
            const char *msg = gzerror(gz, &zerr);
            size_t pn = strlen(path); /* zlib's message starts with the path */
            if (msg && strncmp(msg, path, pn) == 0 && msg[pn] == ':' && msg[pn + 1] == ' ')
                msg += pn + 2;
            if (zerr == Z_ERRNO)
                rc = jisr_error_set(JISR_EIO, path, 0, 0, "read error: %s", strerror(errno));
            else if (zerr != Z_OK)
                rc = jisr_error_set(JISR_EPARSE, path, 0, 0,
                                    "corrupt or truncated gzip data (zlib: %s)",
                                    msg && *msg ? msg : "error");
            else if (n < 0)
                rc = jisr_error_set(JISR_EIO, path, 0, 0, "read error");
            break;
        }
        const char *nul = text ? memchr(out->data + out->len, '\0', (size_t)n) : NULL;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        if (nul) {
            unsigned long line = 1;
            for (const char *q = out->data + start; q < nul; q++)
                line += *q == '\n';
            rc = jisr_error_set(JISR_EPARSE, path, line, 0,
                                "binary data (a NUL byte at offset %zu), not a text file",
                                (size_t)(nul - out->data - start));
            break;
        }
        if (out->len - start > max) {
            rc = jisr_error_set(JISR_ETOOBIG, path, 0, 0, "larger than %zu bytes: not read further",
                                max);
            break;
        }
    }
    gzclose(gz);
    return rc;
}

int jisr_dictd_read(const char *index_path, const char *dict_path, jisr_dict_entry_fn fn, void *ctx)
{
    jisr_buf idx = {0}, data = {0};
    jisr_lines *lr = NULL;
    int rc;
    if (!index_path || !dict_path || !fn)
        return jisr_null_arg("jisr_dictd_read", !index_path  ? "index_path"
                                                : !dict_path ? "dict_path"
                                                             : "fn");
    if ((rc = al_read_file(index_path, JISR_DICT_MAX_INDEX, 1, &idx)) < 0 ||
        (rc = al_read_file(dict_path, JISR_DICT_MAX_DATA, 1, &data)) < 0)
        goto done;
    if ((rc = jisr_lines_open_memory(&lr, idx.data ? idx.data : "", idx.len, index_path, 0)) < 0)
        goto done;
    const char *p;
    size_t plen;
    while ((rc = jisr_lines_next(lr, &p, &plen)) > 0) {
        unsigned long line = jisr_lines_lineno(lr);
        const char *eol = p + plen;
        const char *t1 = memchr(p, '\t', plen);
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(eol - t1 - 1)) : NULL;
        if (plen == 0)
            continue;
        if (!t1 || !t2) {
            rc = jisr_error_set(JISR_EPARSE, index_path, line, 1,
                                "expected headword<TAB>offset<TAB>length");
            goto done;
        }
        const char *lend = eol;
        long long off = b64_number(t1 + 1, (size_t)(t2 - t1 - 1));
        long long len = b64_number(t2 + 1, (size_t)(lend - t2 - 1));
        if (off < 0 || len < 0) {
            rc = jisr_error_set(JISR_EPARSE, index_path, line, (unsigned long)(t1 - p) + 2,
                                "bad base64 offset or length");
            goto done;
        }
        if ((unsigned long long)len > JISR_DICT_MAX_ENTRY) {
            rc = jisr_error_set(JISR_ETOOBIG, index_path, line, (unsigned long)(t2 - p) + 2,
                                "entry of %lld bytes (at most %zu)", len, JISR_DICT_MAX_ENTRY);
            goto done;
        }
        if ((unsigned long long)off + (unsigned long long)len > data.len) {
            rc = jisr_error_set(JISR_EPARSE, index_path, line, (unsigned long)(t1 - p) + 2,
                                "entry beyond the end of %s", dict_path);
            goto done;
        }
        size_t hn = (size_t)(t1 - p);
        if (!(hn >= 10 && memcmp(p, "00database", 10) == 0) &&
            !(hn >= 11 && memcmp(p, "00-database", 11) == 0)) {
            if ((rc = fn(ctx, p, hn, data.data + off, (size_t)len)) != 0)
                goto done;
        }
    }
done:
    jisr_lines_close(lr);
    jisr_buf_free(&idx);
    jisr_buf_free(&data);
    return rc;
}
