/*
 * fuzz_serve_body.c — libFuzzer target for the server's request-body readers: the first byte
 * picks one. 0–3: the JSON bodies (tmserver unit and store, /v1/query — and, for a query with
 * "tags", each text through the library's markup reader as the server does, and its
 * "changed_since" through the library's date reader — /v1/delete). 4–6: an
 * import body (TMX, TSV, JSONL) sent through the upload pipe in chunks whose sizes come from
 * the second byte, read back through its FILE* by the library's reader: the units must be
 * exactly those read from the same bytes in memory; and the same body aborted half-way must
 * end in an error, never in a clean end of file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"
#include "serve/serve_int.h"
#include "tm/tm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bodies(int which, const char *p, size_t n)
{
    char err[256];
    switch (which) {
    case 0: {
        jisr_unit u;
        if (srv_body_tms_unit(p, n, "en", "ar", &u, err, sizeof err) == 0)
            jisr_unit_clear(&u);
        break;
    }
    case 1: {
        jisr_unit *v;
        size_t k;
        if (srv_body_tms_store(p, n, "en", "ar", &v, &k, err, sizeof err) == 0) {
            for (size_t i = 0; i < k; i++)
                jisr_unit_clear(&v[i]);
            free(v);
        }
        break;
    }
    case 2: {
        srv_query_req q;
        if (srv_body_v1_query(p, n, &q, err, sizeof err) == 0) {
            for (size_t i = 0; i < q.ntexts; i++)
                if (!q.texts[i])
                    abort();
            for (size_t i = 0; i < q.nprops; i++)
                if (!q.props[i])
                    abort();
            if (q.tags < JISR_TM_MARKUP_NONE || q.tags > JISR_TM_MARKUP_BRACES ||
                q.format < SRV_QFMT_JSON || q.format > SRV_QFMT_TEXT)
                abort();
            /* what the server does with each text of a tags=tmx|braces query: the library's
             * markup reader (tm/querytags.c) on untrusted text */
            for (size_t i = 0; q.tags != JISR_TM_MARKUP_NONE && i < q.ntexts && i < 8; i++) {
                jisr_unit u;
                int rc = jisr_tm_query_markup(&u, q.texts[i], q.tags);
                if (rc == 0 && (u.nvariants != 1 || !u.variants[0].text))
                    abort();
                if (rc < 0 && u.nvariants != 0)
                    abort();
                jisr_unit_clear(&u);
            }
            /* the library's date reader on the untrusted "changed_since": only the three forms,
             * years 0000-9999 */
            int64_t t;
            if (q.changed_since && jisr_tm_since_parse(q.changed_since, &t) == 0) {
                size_t len = strlen(q.changed_since);
                if ((len != 8 && len != 10 && len != 16) || t < -62167219200LL ||
                    t > 253402300799LL)
                    abort();
            }
            srv_query_req_free(&q);
        }
        break;
    }
    default: {
        uint64_t *ids;
        size_t k;
        if (srv_body_v1_ids(p, n, &ids, &k, err, sizeof err) == 0) {
            for (size_t i = 0; i < k; i++)
                if (ids[i] < 1 || ids[i] > 4294967295ULL)
                    abort();
            free(ids);
        }
        break;
    }
    }
}

/* units of a reader as one string (texts and languages), and the reader's final result */
static int read_all(jisr_reader *r, jisr_buf *out)
{
    jisr_unit u;
    jisr_unit_init(&u);
    int rc;
    while ((rc = jisr_reader_next(r, &u)) == 1)
        for (size_t i = 0; i < u.nvariants; i++) {
            jisr_buf_puts(out, u.variants[i].lang);
            jisr_buf_putc(out, '\x01');
            jisr_buf_puts(out, u.variants[i].text);
            jisr_buf_putc(out, '\x02');
        }
    jisr_unit_clear(&u);
    return rc;
}

/* the body through the pipe (abort_at < n: aborted there), read as the server's import does:
 * a stream reader over the pipe's FILE* */
static int via_pipe(const char *p, size_t n, size_t chunk, size_t abort_at, jisr_format f,
                    jisr_buf *out)
{
    srv_upload *u;
    if (srv_upload_new(&u, n + 1) < 0)
        return -100;
    size_t off = 0;
    while (off < n && off < abort_at) {
        size_t k = n - off < chunk ? n - off : chunk;
        if (off + k > abort_at)
            k = abort_at - off;
        off += srv_upload_push(u, p + off, k);
    }
    if (abort_at < n)
        srv_upload_abort(u);
    else
        srv_upload_finish(u);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = f;
    ro.srclang = "ar";
    ro.tgtlang = "en";
    jisr_reader *r;
    int rc = jisr_reader_open_stream(&r, srv_upload_file(u), "upload", &ro);
    if (rc == 0) {
        rc = read_all(r, out);
        jisr_reader_close(r);
    }
    srv_upload_release(u);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int which = data[0] % 7;
    const char *p = (const char *)data + 2;
    size_t n = size - 2;
    if (which < 4) {
        bodies(which, p, n);
        return 0;
    }
    jisr_format f = which == 4 ? JISR_FMT_TMX : which == 5 ? JISR_FMT_TSV : JISR_FMT_JSONL;
    size_t chunk = 1 + data[1] % 64;
    /* reference: the same bytes from memory */
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = f;
    ro.srclang = "ar";
    ro.tgtlang = "en";
    jisr_reader *r;
    jisr_buf want = {0}, got = {0};
    int rw = jisr_reader_open_memory(&r, "-", p, n, &ro);
    if (rw == 0) {
        rw = read_all(r, &want);
        jisr_reader_close(r);
    }
    int rg = via_pipe(p, n, chunk, n, f, &got);
    if ((rw == 0) != (rg == 0))
        abort(); /* same verdict */
    if (rw == 0 && (want.len != got.len || (want.len && memcmp(want.data, got.data, want.len))))
        abort(); /* same units */
    if (n > 1) { /* cut off half-way: an error, never a clean end */
        jisr_buf cut = {0};
        int rc = via_pipe(p, n, chunk, n / 2, f, &cut);
        if (rc == 0)
            abort();
        jisr_buf_free(&cut);
    }
    jisr_buf_free(&want);
    jisr_buf_free(&got);
    return 0;
}
