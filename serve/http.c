/*
 * http.c — the libmicrohttpd daemon of `jisr serve`: listening, limits, the bearer token, CORS,
 * one log line per request, request bodies, the hand-over to the handlers (api.c) and the
 * writer thread, and a clean stop on SIGINT/SIGTERM.
 *
 * Threads: libmicrohttpd runs a pool of I/O threads, each with its own epoll loop, so a slow
 * client holds a connection (bounded per client address and in all) but never a thread.
 * Nothing slow runs there: each I/O thread serves many connections, and a query on it would
 * stall all of them. Reads that match (tmserver lookups, /v1/query, /v1/concord) are jobs of
 * the query threads (pool.c: a lane of cheap reads and one of expensive ones at a lower
 * priority, a queue per client; --query-threads), writes of a writer thread (one for imports,
 * one for units, stores and deletes); the connection is suspended until the job is done, and
 * --query-timeout runs from the request's arrival, a wait for a thread included. Routes that do not
 * match (/v1/, languages, stats, units, the page, every error) are answered on the I/O thread. An
 * import's body streams through a bounded pipe (upload.c) into the importer thread as it arrives.
 *
 * The raw request target comes from the URI log callback (libmicrohttpd's `url` argument is
 * already percent-decoded, which would turn an encoded "/" into a path separator): route.c
 * parses that raw copy. The callback also creates the per-request state and starts its clock.
 *
 * Stopping: SIGINT/SIGTERM (caught by sigwait on the main thread) answer 503 (Retry-After,
 * Connection: close) to every new request, on open connections and new ones, and give requests
 * in flight --grace seconds;
 * then uploads still arriving are aborted (a strict import stores nothing of them), queries
 * still waiting for a thread are answered 503 (the running ones end at their time limit, which
 * stopping cuts to the grace period), the writer finishes what it has (an import whose body is
 * complete commits whole), and the daemon stops. A second signal skips the grace period. The
 * listening socket stays open until then and MHD_stop_daemon closes it: MHD_quiesce_daemon, which
 * would close it sooner, races with the epoll workers in libmicrohttpd 0.9.75 (both remove the
 * socket from a worker's epoll set, the loser aborts the process: "Failed to remove listen FD from
 * epoll set"; tests/epoll_delay.c widens that window for serve_lifecycle); a poll() daemon, where
 * quiescing is safe, had a p99 of 128 ms and 1.01 s against epoll's 40 and 93 ms at 1,000
 * connections (wrk, two runs each).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve/mhd_load.h"
#include "serve/server.h"
#include "util/plural.h"

/* One open connection (MHD_OPTION_NOTIFY_CONNECTION): the main thread closes the ones whose
 * request has not arrived within --request-timeout (headers included: libmicrohttpd's own
 * timeout is an idle one, which a client sending a byte a second never reaches). */
typedef struct srv_conn {
    MHD_socket fd;
    double t0;  /* when the connection opened or its previous request ended */
    srv_req *r; /* the request being received (from its request line on), or NULL */
    int killed; /* shut down by the watchdog */
    struct srv_conn *prev, *next;
} srv_conn;

struct srv_server {
    srv_ctx ctx;
    serve_opts o;
    struct MHD_Daemon *d;
    char *token;
    size_t token_len;
    pthread_mutex_t mu;
    srv_req *reqs; /* requests in flight (a list, for shutdown) */
    int active;
    int stopping;
    srv_conn *conns; /* open connections (a list, for the request-time watchdog) */
    int loopback;    /* listening on a loopback address: Host is checked */
};

typedef struct hdr {
    char *name, *value;
} hdr;

struct srv_req {
    srv_server *s;
    struct MHD_Connection *conn;
    pthread_mutex_t mu;
    double t0;   /* the request line arrived (the log's time runs from here) */
    double t_in; /* the request arrived whole (--query-timeout runs from here) */
    char *uri;
    size_t urilen;
    char method[12];
    char client[64];
    srv_route route;
    int started, has_body;
    int body_done;    /* written by its I/O thread, read by the main thread at a stop: atomic */
    int over;         /* the body grew beyond the route's limit: the rest is read and dropped */
    uint64_t dropped; /* bytes of it dropped */
    int cut;          /* a streamed answer stopped on an error (the transfer is incomplete) */
    srv_conn *cn;     /* its connection's watchdog entry (s->mu) */
    int arrived;      /* atomic: the request is in (or exempt: an import), no more timeout */
    jisr_buf body;
    uint64_t body_limit, body_len;
    srv_upload *up;
    /* the response */
    struct MHD_Response *resp;
    unsigned status;
    hdr *hdrs;
    size_t nhdrs;
    int queued;
    /* a write in progress on the writer thread, or a read on a query thread (qj) */
    int job_pending, suspended, mhd_done, refs;
    srv_qjob qj;
    unsigned inline_ms; /* a lookup being tried on this I/O thread: its time there (ms), else 0 */
    int handed_over;    /* ... which ran out of it (srv_req_hand_over) */
    srv_req *prev, *next;
};

/* ---- small helpers ---------------------------------------------------------------------- */

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    /* one write per line: lines of different threads never interleave */
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

const srv_route *srv_req_route(const srv_req *r)
{
    return &r->route;
}

srv_ctx *srv_req_ctx(srv_req *r)
{
    return &r->s->ctx;
}

unsigned srv_req_inline_ms(const srv_req *r)
{
    return r->inline_ms;
}

int srv_req_hand_over(srv_req *r)
{
    if (!r->inline_ms)
        return 0;
    r->handed_over = 1;
    return 1;
}

double srv_req_deadline(const srv_req *r)
{
    return r->t_in + r->s->o.query_ms / 1000.0;
}

const char *srv_req_header(srv_req *r, const char *name)
{
    return srv_mhd.lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *srv_req_body(const srv_req *r, size_t *n)
{
    *n = r->body.len;
    return r->body.data ? r->body.data : "";
}

srv_upload *srv_req_upload(srv_req *r)
{
    return r->up;
}

/* ---- responses -------------------------------------------------------------------------- */

static void add_common_headers(srv_req *r, struct MHD_Response *resp)
{
    srv_mhd.add_response_header(resp, "X-Content-Type-Options", "nosniff");
    srv_mhd.add_response_header(resp, "Referrer-Policy", "no-referrer");
    const char *origin = r->s->o.cors_origin;
    if (origin) {
        const char *got = srv_req_header(r, "Origin");
        if (strcmp(origin, "*") == 0 || (got && strcmp(got, origin) == 0)) {
            srv_mhd.add_response_header(resp, "Access-Control-Allow-Origin", origin);
            /* what a page's script may read beyond the CORS-safelisted headers */
            srv_mhd.add_response_header(resp, "Access-Control-Expose-Headers",
                                        "X-Jisr-Text-Cut, Retry-After, Content-Disposition");
            srv_mhd.add_response_header(resp, "Vary", "Origin");
        }
    }
    if (__atomic_load_n(&r->s->stopping, __ATOMIC_ACQUIRE) &&
        !srv_mhd.get_response_header(resp, "Connection"))
        srv_mhd.add_response_header(resp, "Connection", "close");
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->nhdrs; i++)
        srv_mhd.add_response_header(resp, r->hdrs[i].name, r->hdrs[i].value);
    pthread_mutex_unlock(&r->mu);
}

/* with r->mu held */
static void set_response(srv_req *r, unsigned status, struct MHD_Response *resp)
{
    if (r->resp)
        srv_mhd.destroy_response(r->resp);
    r->resp = resp;
    r->status = status;
}

void srv_reply_header(srv_req *r, const char *name, const char *value)
{
    pthread_mutex_lock(&r->mu);
    hdr *h = realloc(r->hdrs, (r->nhdrs + 1) * sizeof *h);
    if (h) {
        r->hdrs = h;
        h[r->nhdrs].name = jisr_strdup(name);
        h[r->nhdrs].value = jisr_strdup(value);
        if (h[r->nhdrs].name && h[r->nhdrs].value)
            r->nhdrs++;
        else {
            free(h[r->nhdrs].name);
            free(h[r->nhdrs].value);
        }
    }
    pthread_mutex_unlock(&r->mu);
}

void srv_reply(srv_req *r, unsigned status, const char *ctype, jisr_buf *body)
{
    size_t n = body && body->data ? body->len : 0;
    void *data = body && body->data ? body->data : NULL;
    struct MHD_Response *resp =
        data ? srv_mhd.create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE)
             : srv_mhd.create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (body && resp) {
        body->data = NULL; /* now MHD's */
        body->len = body->cap = 0;
    }
    if (!resp) {
        if (body)
            jisr_buf_free(body);
        return;
    }
    if (ctype)
        srv_mhd.add_response_header(resp, "Content-Type", ctype);
    add_common_headers(r, resp);
    pthread_mutex_lock(&r->mu);
    set_response(r, status, resp);
    pthread_mutex_unlock(&r->mu);
}

void srv_reply_json(srv_req *r, unsigned status, jisr_buf *body)
{
    srv_reply_header(r, "Cache-Control", "no-store");
    srv_reply(r, status, "application/json; charset=utf-8", body);
}

void srv_reply_error(srv_req *r, unsigned status, const char *code, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    jisr_buf b = {0};
    jisr_buf_puts(&b, "{\"error\":{\"code\":");
    jisr_buf_json_string(&b, code, strlen(code));
    jisr_buf_puts(&b, ",\"message\":");
    /* the message may quote client input: keep it valid UTF-8 */
    size_t mn = strlen(msg);
    while (mn && !srv_utf8_valid(msg, mn))
        mn--;
    jisr_buf_json_string(&b, msg, mn);
    jisr_buf_puts(&b, "}}");
    srv_reply_json(r, status, &b);
}

void srv_reply_lib_error(srv_req *r, int rc)
{
    static const struct {
        int code;
        unsigned status;
        const char *name;
    } t[] = {
        {JISR_ENOMEM, 503, "out_of_memory"},
        {JISR_EIO, 500, "io"},
        {JISR_EINVAL, 400, "bad_request"},
        {JISR_EENCODING, 422, "encoding"},
        {JISR_EPARSE, 422, "parse"},
        {JISR_ENOTFOUND, 404, "not_found"},
        {JISR_ESCHEMA, 500, "schema"},
        {JISR_ETOOBIG, 413, "too_big"},
        {JISR_EDB, 500, "database"},
        {JISR_EICU, 500, "icu"},
        {JISR_EUNSUPPORTED, 422, "unsupported"},
        {JISR_EINTERRUPTED, 503, "interrupted"},
        {JISR_EREADONLY, 403, "read_only"},
    };
    unsigned status = 500;
    const char *name = "internal";
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].code == rc) {
            status = t[i].status;
            name = t[i].name;
        }
    char msg[1200];
    const jisr_error *e = jisr_error_last();
    if (e->code == 0 && e->msg[0] == '\0')
        snprintf(msg, sizeof msg, "%s", jisr_strerror(rc));
    else
        jisr_error_format(msg, sizeof msg);
    srv_reply_error(r, status, name, "%s", msg);
}

typedef struct stream_ctx {
    srv_req *r;
    long (*read)(void *, char *, size_t);
    void (*close)(void *);
    void *ctx;
} stream_ctx;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream_ctx *s = cls;
    (void)pos;
    long k = s->read(s->ctx, buf, max);
    if (k < 0) {
        char msg[1200];
        jisr_error_format(msg, sizeof msg);
        /* the chunked stream is cut without its last chunk: the client sees an incomplete
         * transfer, never a shorter document that looks whole */
        logf_("jisr serve: streamed response cut off: %s", msg);
        __atomic_store_n(&s->r->cut, 1, __ATOMIC_RELEASE);
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    return k == 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)k;
}

static void stream_free(void *cls)
{
    stream_ctx *s = cls;
    s->close(s->ctx);
    free(s);
}

void srv_reply_stream(srv_req *r, const char *ctype, const char *disposition,
                      long (*read)(void *, char *, size_t), void (*close)(void *), void *ctx)
{
    stream_ctx *s = malloc(sizeof *s);
    if (!s) {
        close(ctx);
        srv_reply_error(r, 503, "out_of_memory", "out of memory");
        return;
    }
    s->r = r;
    s->read = read;
    s->close = close;
    s->ctx = ctx;
    struct MHD_Response *resp = srv_mhd.create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
                                                                      stream_read, s, stream_free);
    /* HEAD: libmicrohttpd 0.9.75 frames a body of unknown length as chunked and sends its last
     * chunk ("0\r\n\r\n") even for HEAD, and a Content-Length would have to be the GET's; an
     * HTTP/1.0 response has no framing (the connection closes after it) and HEAD sends no body */
    if (resp && r->route.method == SRV_M_HEAD)
        srv_mhd.set_response_options(resp, MHD_RF_HTTP_VERSION_1_0_RESPONSE, MHD_RO_END);
    if (!resp) {
        stream_free(s);
        srv_reply_error(r, 503, "out_of_memory", "out of memory");
        return;
    }
    srv_mhd.add_response_header(resp, "Content-Type", ctype);
    if (disposition)
        srv_mhd.add_response_header(resp, "Content-Disposition", disposition);
    srv_mhd.add_response_header(resp, "Cache-Control", "no-store");
    add_common_headers(r, resp);
    pthread_mutex_lock(&r->mu);
    set_response(r, 200, resp);
    pthread_mutex_unlock(&r->mu);
}

/* ---- request life ----------------------------------------------------------------------- */

static void req_free(srv_req *r)
{
    if (r->resp)
        srv_mhd.destroy_response(r->resp);
    srv_route_free(&r->route);
    jisr_buf_free(&r->body);
    srv_upload_release(r->up);
    for (size_t i = 0; i < r->nhdrs; i++) {
        free(r->hdrs[i].name);
        free(r->hdrs[i].value);
    }
    free(r->hdrs);
    free(r->uri);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

/* drop one reference (r->mu not held); frees r with the last */
static void req_unref(srv_req *r)
{
    srv_server *s = r->s;
    pthread_mutex_lock(&r->mu);
    int last = --r->refs == 0;
    pthread_mutex_unlock(&r->mu);
    if (!last)
        return;
    pthread_mutex_lock(&s->mu);
    if (r->prev)
        r->prev->next = r->next;
    else
        s->reqs = r->next;
    if (r->next)
        r->next->prev = r->prev;
    s->active--;
    pthread_mutex_unlock(&s->mu);
    req_free(r);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    srv_server *s = cls;
    srv_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->s = s;
    r->conn = c;
    r->t0 = jisr_now();
    r->refs = 1;
    pthread_mutex_init(&r->mu, NULL);
    r->urilen = strlen(uri);
    r->uri = jisr_strndup(uri, r->urilen > SRV_URI_MAX + 1 ? SRV_URI_MAX + 1 : r->urilen);
    if (!r->uri) {
        pthread_mutex_destroy(&r->mu);
        free(r);
        return NULL;
    }
    if (r->urilen > SRV_URI_MAX + 1)
        r->urilen = SRV_URI_MAX + 1;
    const union MHD_ConnectionInfo *ci =
        srv_mhd.get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->client,
                      sizeof r->client);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                      r->client, sizeof r->client);
    }
    if (!r->client[0])
        strcpy(r->client, "-");
    const union MHD_ConnectionInfo *sc =
        srv_mhd.get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    pthread_mutex_lock(&s->mu);
    if (sc && sc->socket_context) {
        r->cn = sc->socket_context;
        r->cn->r = r;
    }
    r->next = s->reqs;
    if (s->reqs)
        s->reqs->prev = r;
    s->reqs = r;
    s->active++;
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* s[0..n) for the log (up to a '?' when stop_q): printable ASCII, the rest %-escaped,
 * bounded */
static void log_escape(const char *s, size_t n, int stop_q, char *out, size_t outsz)
{
    size_t o = 0;
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n && !(stop_q && s[i] == '?') && o + 4 < outsz; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '"') {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            out[o++] = (char)c;
        }
    }
    if (o + 4 >= outsz && outsz > 4) {
        o = outsz - 4;
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

void srv_req_log(srv_req *r, const char *fmt, ...)
{
    char msg[1400], path[600], meth[48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_escape(r->uri, r->urilen, 1, path, sizeof path);
    log_escape(r->method[0] ? r->method : "-", r->method[0] ? strlen(r->method) : 1, 0, meth,
               sizeof meth);
    logf_("jisr serve: %s %s from %s: %s", meth, path, r->client, msg);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    srv_server *s = cls;
    srv_req *r = *con_cls;
    (void)c;
    if (!r)
        return;
    *con_cls = NULL;
    pthread_mutex_lock(&r->mu);
    r->mhd_done = 1;
    int body_incomplete = !r->body_done;
    unsigned status = r->queued ? r->status : 0;
    pthread_mutex_unlock(&r->mu);
    if (r->up && body_incomplete)
        srv_upload_abort(r->up); /* the import sees an error: nothing of it is kept */
    pthread_mutex_lock(&s->mu);
    if (r->cn) { /* the next request on this connection has its own time */
        r->cn->r = NULL;
        r->cn->t0 = jisr_now();
        r->cn = NULL;
    }
    pthread_mutex_unlock(&s->mu);
    if (!s->o.quiet) {
        static const char *const why[] = {"",
                                          " (error)",
                                          " (timeout)",
                                          " (server stopping)",
                                          " (read error)",
                                          " (client went away)"};
        char path[600], meth[48], when[32];
        time_t now = time(NULL);
        struct tm tmv;
        gmtime_r(&now, &tmv);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
        log_escape(r->uri, r->urilen, 1, path, sizeof path);
        /* the method as sent (libmicrohttpd takes any token, and more): escaped as the path */
        log_escape(r->method[0] ? r->method : "-", r->method[0] ? strlen(r->method) : 1, 0, meth,
                   sizeof meth);
        long us = (long)((jisr_now() - r->t0) * 1e6);
        /* a response queued but not sent whole (the client closed, stalled past the idle
         * timeout, the server stopped) says so: "200" alone would claim the export arrived */
        if (status)
            logf_("%s %s %s %s %u %ldus%s%s", when, r->client, meth, path, status, us,
                  __atomic_load_n(&r->cut, __ATOMIC_ACQUIRE) ? " (cut off)" : "",
                  toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && (unsigned)toe < 6 ? why[toe] : "");
        else
            logf_("%s %s %s %s - %ldus%s", when, r->client, meth, path, us,
                  r->over             ? " (body too large: connection closed)"
                  : (unsigned)toe < 6 ? why[toe]
                                      : "");
    }
    req_unref(r);
}

/* ---- suspend/resume (uploads and writes) ------------------------------------------------- */

static void upload_suspend(void *ctx)
{
    srv_req *r = ctx;
    srv_mhd.suspend_connection(r->conn);
}

static void upload_resume(void *ctx)
{
    srv_req *r = ctx;
    srv_mhd.resume_connection(r->conn);
}

void srv_req_submit(srv_req *r, srv_job *j)
{
    pthread_mutex_lock(&r->mu);
    r->job_pending = 1;
    r->refs++;
    pthread_mutex_unlock(&r->mu);
    srv_writer_submit(j->is_import ? r->s->ctx.importer : r->s->ctx.writer, j);
}

void srv_req_job_done(srv_req *r)
{
    pthread_mutex_lock(&r->mu);
    r->job_pending = 0;
    if (r->suspended && !r->mhd_done) {
        r->suspended = 0;
        srv_mhd.resume_connection(r->conn);
    }
    pthread_mutex_unlock(&r->mu);
    req_unref(r);
}

/* ---- reads on the query threads ---------------------------------------------------------- */

static void read_run(srv_qjob *j)
{
    srv_req *r = (srv_req *)(void *)((char *)j - offsetof(srv_req, qj));
    srv_api_dispatch(r);
    srv_req_job_done(r);
}

static void read_cancel(srv_qjob *j, int why)
{
    srv_req *r = (srv_req *)(void *)((char *)j - offsetof(srv_req, qj));
    if (why == SRV_QJOB_STOPPING) {
        srv_reply_header(r, "Retry-After", "5");
        srv_reply_error(r, 503, "stopping", "the server is stopping");
    } else {
        srv_reply_header(r, "Retry-After", "1");
        srv_reply_error(r, 503, "interrupted",
                        "the request waited %.0f ms for a query thread, beyond the limit of %u ms "
                        "(--query-timeout)",
                        (jisr_now() - r->t_in) * 1000.0, r->s->o.query_ms);
    }
    srv_req_job_done(r);
}

/* A lookup (one text, cheap) answered here on the I/O thread when its query takes at most
 * --inline-ms: handing it to a query thread added a fifth to its CPU time (suspend and resume,
 * the eventfd, the thread's wake-up: ~10 system calls instead of 3; docs/serve.md, Load). Its
 * query gets --inline-ms (api.c, query_budget); one that runs out of it leaves no answer
 * (srv_req_hand_over) and goes to the cheap lane, to run again from the start — what it did
 * here is dropped, so the answer is the one a query thread gives. Tried only when the pool says
 * so (srv_pool_may_inline: the lookup overtakes no client the pool would serve first), and when
 * --query-timeout is longer than --inline-ms. 1 when answered, -1 when it ran out of its time
 * there, 0 when not tried. */
static int try_inline(srv_req *r)
{
    srv_ctx *x = &r->s->ctx;
    unsigned ms = (unsigned)r->s->o.inline_ms;
    if (!ms || ms >= r->s->o.query_ms || !srv_pool_may_inline(x->queries, r->client))
        return 0;
    r->inline_ms = ms;
    srv_api_dispatch(r);
    r->inline_ms = 0;
    if (!r->handed_over) {
        __atomic_add_fetch(&x->reads_inline, 1, __ATOMIC_RELAXED);
        return 1;
    }
    r->handed_over = 0;
    return -1;
}

/* Answer a request whose body is complete: on this (I/O) thread when it does not match (or is
 * a lookup answered within --inline-ms), else as a job of the query threads (the connection is
 * suspended until it is done, finish()). */
static void dispatch(srv_req *r)
{
    r->t_in = jisr_now();
    int cls = srv_api_read_class(r);
    if (cls == SRV_READ_INLINE) {
        srv_api_dispatch(r);
        return;
    }
    int over = 0;
    if (cls == SRV_READ_LOOKUP) {
        if ((over = try_inline(r)) > 0)
            return;
        cls = SRV_READ_CHEAP;
    }
    srv_qjob *j = &r->qj;
    memset(j, 0, sizeof *j);
    j->run = read_run;
    j->cancel = read_cancel;
    snprintf(j->client, sizeof j->client, "%s", r->client);
    j->heavy = cls == SRV_READ_HEAVY;
    j->deadline = srv_req_deadline(r);
    pthread_mutex_lock(&r->mu);
    r->job_pending = 1;
    r->refs++;
    pthread_mutex_unlock(&r->mu);
    int rc = srv_pool_submit(r->s->ctx.queries, j);
    if (rc == 0) {
        __atomic_add_fetch(&r->s->ctx.reads_queued, 1, __ATOMIC_RELAXED);
        if (over)
            __atomic_add_fetch(&r->s->ctx.reads_over_budget, 1, __ATOMIC_RELAXED);
        return;
    }
    pthread_mutex_lock(&r->mu); /* not queued: answered here (this call holds a reference) */
    r->job_pending = 0;
    r->refs--;
    pthread_mutex_unlock(&r->mu);
    if (rc == SRV_QJOB_STOPPING) {
        srv_reply_header(r, "Retry-After", "5");
        srv_reply_error(r, 503, "stopping", "the server is stopping");
        return;
    }
    srv_reply_header(r, "Retry-After", "1");
    srv_reply_error(r, 503, "busy",
                    "this client already has %u %s waiting for a query thread "
                    "(--query-queue); send this one when %s answered",
                    r->s->o.query_queue, jisr_plural(r->s->o.query_queue, "request", "requests"),
                    jisr_plural(r->s->o.query_queue, "it is", "they are"));
}

/* ---- the access handler ----------------------------------------------------------------- */

static int authorized(srv_req *r)
{
    const char *h = srv_req_header(r, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return 0;
    h += 7;
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    return srv_token_equal(h, n, r->s->token, r->s->token_len);
}

static const char *allow_list(unsigned m, char *out, size_t outsz)
{
    static const struct {
        unsigned bit;
        const char *name;
    } t[] = {{SRV_M_GET, "GET"}, {SRV_M_HEAD, "HEAD"},     {SRV_M_POST, "POST"},
             {SRV_M_PUT, "PUT"}, {SRV_M_DELETE, "DELETE"}, {SRV_M_OPTIONS, "OPTIONS"}};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if ((m | SRV_M_OPTIONS) & t[i].bit) {
            if (out[0])
                strncat(out, ", ", outsz - strlen(out) - 1);
            strncat(out, t[i].name, outsz - strlen(out) - 1);
        }
    return out;
}

static enum MHD_Result count_host(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    (void)value;
    if (strcasecmp(key, "Host") == 0)
        ++*(int *)cls;
    return MHD_YES;
}

/* The framing headers a request has: Content-Length and Transfer-Encoding lines */
typedef struct framing {
    int lengths, codings;
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    framing *f = cls;
    (void)kind;
    (void)value;
    f->lengths += strcasecmp(key, "Content-Length") == 0;
    f->codings += strcasecmp(key, "Transfer-Encoding") == 0;
    return MHD_YES;
}

static int is_public_page(const srv_route *rt)
{
    return rt->id == SRV_R_PAGE || rt->id == SRV_R_ASSET;
}

/* the host of a Host header value (its port dropped, brackets kept) into out; -1 when it is
 * not HOST[:PORT] */
static int host_name(const char *v, char *out, size_t outsz)
{
    size_t n;
    if (v[0] == '[') {
        const char *end = strchr(v, ']');
        if (!end)
            return -1;
        n = (size_t)(end - v) + 1;
    } else {
        n = strcspn(v, ":");
    }
    if (n == 0 || n >= outsz)
        return -1;
    const char *port = v + n;
    if (*port == ':') {
        long p;
        if (srv_parse_int(port + 1, 0, 65535, &p) < 0)
            return -1;
    } else if (*port) {
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
    out[n] = '\0';
    if (n > 1 && out[n - 1] == '.') /* "localhost." */
        out[n - 1] = '\0';
    return 0;
}

static int host_loopback(const char *h)
{
    struct in_addr a4;
    if (strcmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0)
        return 1;
    size_t n = strlen(h);
    if (n > 10 && strcmp(h + n - 10, ".localhost") == 0)
        return 1;
    return inet_pton(AF_INET, h, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/* DNS rebinding: a page of another site whose name resolves to 127.0.0.1 sends its own name as
 * Host. A loopback server takes loopback names only (and --allow-host's); any server with
 * --allow-host takes those and loopback names. 1 when allowed. */
static int host_allowed(const srv_server *s, const char *h)
{
    for (size_t i = 0; i < s->o.nallow_hosts; i++) {
        char want[256];
        if (host_name(s->o.allow_hosts[i], want, sizeof want) == 0 && strcmp(want, h) == 0)
            return 1;
    }
    if (host_loopback(h))
        return 1;
    return !s->loopback && s->o.nallow_hosts == 0;
}

/* 1 when a Transfer-Encoding value is "chunked" alone (case aside, spaces around it) */
static int te_chunked(const char *te)
{
    while (*te == ' ' || *te == '\t')
        te++;
    if (strncasecmp(te, "chunked", 7) != 0)
        return 0;
    for (te += 7; *te == ' ' || *te == '\t'; te++)
        ;
    return *te == '\0';
}

/* whether the request says a body follows (a length above 0, or chunks) */
static int has_body(srv_req *r)
{
    const char *cl = srv_req_header(r, "Content-Length");
    return srv_req_header(r, "Transfer-Encoding") != NULL || (cl && strtoll(cl, NULL, 10) != 0);
}

/* 1 when a Content-Encoding value is "identity" alone (case aside, spaces around it) */
static int is_identity(const char *v)
{
    v += strspn(v, " \t");
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return n == 8 && strncasecmp(v, "identity", 8) == 0;
}

/* First call of a request (headers complete): route, limits, token. Returns 1 when the body is
 * to be read, 0 when a response is ready. */
static int start_request(srv_req *r, const char *method, const char *version)
{
    srv_server *s = r->s;
    snprintf(r->method, sizeof r->method, "%s", method);
    int rc = srv_route_parse(&r->route, method, r->uri, r->urilen);
    const srv_route *rt = &r->route;
    char allow[96];
    if (__atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE)) {
        srv_reply_header(r, "Retry-After", "5");
        srv_reply_error(r, 503, "stopping", "the server is stopping");
        return 0;
    }
    /* libmicrohttpd's header size counts the request line, which has its own limit (414) */
    const union MHD_ConnectionInfo *hs =
        srv_mhd.get_connection_info(r->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    size_t line = strlen(method) + 1 + r->urilen + 1 + strlen(version ? version : "") + 2;
    if (rc != 414 && hs && hs->header_size > line && hs->header_size - line > SRV_HEADER_MAX) {
        srv_reply_error(r, 431, "headers_too_large", "request headers above %d bytes",
                        SRV_HEADER_MAX);
        return 0;
    }
    /* RFC 9112 §3.2: an HTTP/1.1 request without Host (or with several) is a 400 */
    const char *host = srv_req_header(r, "Host");
    char hname[256];
    int nhost = 0;
    srv_mhd.get_connection_values(r->conn, MHD_HEADER_KIND, count_host, &nhost);
    if (nhost > 1 || (!host && version && strcmp(version, "HTTP/1.0") != 0)) {
        srv_reply_error(r, 400, "bad_request", "an HTTP/1.1 request needs one Host header");
        return 0;
    }
    /* RFC 9112 §6.3: several Content-Length lines, or one beside Transfer-Encoding, leave where
     * the body ends open to two readings (libmicrohttpd takes the first length): behind a proxy
     * that takes another, the rest would be read as a second request (request smuggling). A
     * 400, and the connection closed, so that nothing after it is read as a request. */
    framing fr = {0, 0};
    srv_mhd.get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, &fr);
    if (fr.lengths > 1 || (fr.lengths && fr.codings)) {
        srv_reply_header(r, "Connection", "close");
        srv_reply_error(r, 400, "bad_request",
                        fr.lengths > 1 ? "several Content-Length headers"
                                       : "Content-Length beside Transfer-Encoding");
        return 0;
    }
    /* an absolute-form target names the host itself, and Host is then ignored (RFC 9112
     * §3.2.2): the same check applies to it */
    char auth[256];
    if (rt->authority) {
        size_t an = rt->authority_len < sizeof auth - 1 ? rt->authority_len : sizeof auth - 1;
        memcpy(auth, rt->authority, an);
        auth[an] = '\0';
        host = rt->authority_len < sizeof auth ? auth : "";
    }
    if (host && (host_name(host, hname, sizeof hname) < 0 || !host_allowed(s, hname))) {
        srv_reply_error(r, 421, "misdirected_request",
                        "this server does not answer for the host named in %s (a loopback "
                        "server answers for localhost, 127.0.0.1 and [::1]; see --allow-host)",
                        rt->authority ? "the request target" : "Host");
        return 0;
    }
    /* a body in a coding other than chunked alone (gzip, chunked; identity): libmicrohttpd
     * 0.9.75 would wait for it until the idle timeout (RFC 9112 §6.1: 501) */
    const char *te = srv_req_header(r, "Transfer-Encoding");
    if (te && !te_chunked(te)) {
        srv_reply_error(r, 501, "not_implemented",
                        "Transfer-Encoding '%s' is not supported: send the body as it is, with "
                        "Content-Length or Transfer-Encoding: chunked",
                        te);
        return 0;
    }
    if (rc == 405) {
        srv_reply_header(r, "Allow", allow_list(rt->allowed, allow, sizeof allow));
        srv_reply_error(r, 405, "method_not_allowed", "%s is not allowed here (allowed: %s)",
                        method, allow);
        return 0;
    }
    if (rc != 0) {
        const char *code = rc == 404   ? "not_found"
                           : rc == 414 ? "uri_too_long"
                           : rc == 503 ? "out_of_memory"
                                       : "bad_request";
        srv_reply_error(r, (unsigned)rc, code, "%s", rt->error ? rt->error : "bad request");
        return 0;
    }
    if (rt->method == SRV_M_OPTIONS) { /* CORS preflight, or a plain OPTIONS */
        srv_reply_header(r, "Allow", allow_list(rt->allowed, allow, sizeof allow));
        if (s->o.cors_origin) {
            srv_reply_header(r, "Access-Control-Allow-Methods", allow);
            srv_reply_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type");
            srv_reply_header(r, "Access-Control-Max-Age", "600");
        }
        srv_reply(r, 204, NULL, NULL);
        return 0;
    }
    if (rt->write && s->ctx.read_only) {
        srv_reply_error(r, 403, "read_only", "this server is read-only (--read-only)");
        return 0;
    }
    if (rt->write && !s->token) {
        srv_reply_error(r, 403, "writes_disabled",
                        "writes are disabled: start the server with --token-file");
        return 0;
    }
    if ((rt->write || (s->o.private_ && s->token && !is_public_page(rt))) && !authorized(r)) {
        srv_reply_header(r, "WWW-Authenticate", "Bearer realm=\"jisr\"");
        srv_reply_error(r, 401, "unauthorized",
                        "%s needs the server's token: Authorization: Bearer TOKEN",
                        rt->write ? "a write" : "every request");
        return 0;
    }
    r->has_body = rt->method & (SRV_M_POST | SRV_M_PUT);
    if (!r->has_body)
        return 0;
    /* a body in a content coding (Content-Encoding: gzip) was read as it came, the compressed
     * bytes: an import of a gzipped TMX was a 422 "no <tmx> root element: empty or not XML",
     * a query "not JSON". No coding is decoded here: 415 naming it, and Accept-Encoding saying
     * what is taken (RFC 9110 §8.4.1, §12.5.3); "identity" is no coding */
    const char *ce = srv_req_header(r, "Content-Encoding");
    if (ce && !is_identity(ce) && has_body(r)) {
        srv_reply_header(r, "Accept-Encoding", "identity");
        srv_reply_error(r, 415, "unsupported_media_type",
                        "Content-Encoding '%s' is not supported: send the body uncompressed "
                        "(without Content-Encoding)",
                        ce);
        return 0;
    }
    r->body_limit = srv_api_body_limit(rt, &s->o);
    const char *cl = srv_req_header(r, "Content-Length");
    long long v;
    if (cl && (v = strtoll(cl, NULL, 10)) >= 0 && (uint64_t)v > r->body_limit) {
        srv_reply_error(r, 413, "too_big", "the body is larger than this route takes (%llu bytes)",
                        (unsigned long long)r->body_limit);
        return 0;
    }
    if (rt->id == SRV_R_V1_IMPORT) {
        srv_upload *up;
        if (srv_upload_new(&up, 1u << 20) < 0) {
            srv_reply_error(r, 503, "out_of_memory", "out of memory");
            return 0;
        }
        srv_upload_set_waiter(up, upload_suspend, upload_resume, r);
        pthread_mutex_lock(&s->mu); /* abort_uploads (main thread) reads it under s->mu */
        r->up = up;
        pthread_mutex_unlock(&s->mu);
        srv_api_start_import(r);
        pthread_mutex_lock(&r->mu);
        int ready = r->resp != NULL && !r->job_pending;
        pthread_mutex_unlock(&r->mu);
        if (ready) { /* refused before the body: nobody reads it */
            pthread_mutex_lock(&s->mu);
            r->up = NULL;
            pthread_mutex_unlock(&s->mu);
            srv_upload_release(up);
            return 0;
        }
    }
    return 1;
}

static enum MHD_Result queue(srv_req *r)
{
    pthread_mutex_lock(&r->mu);
    struct MHD_Response *resp = r->resp;
    unsigned status = r->status;
    r->resp = NULL;
    if (resp)
        r->queued = 1;
    pthread_mutex_unlock(&r->mu);
    if (!resp)
        return MHD_NO;
    enum MHD_Result ret = srv_mhd.queue_response(r->conn, status, resp);
    srv_mhd.destroy_response(resp);
    return ret;
}

/* the request is complete: send its answer, or wait (suspended) for the writer to give one */
static enum MHD_Result finish(srv_req *r)
{
    pthread_mutex_lock(&r->mu);
    int pending = r->job_pending;
    pthread_mutex_unlock(&r->mu);
    if (r->over && !pending) /* whatever the import's job said: the body was refused */
        srv_reply_error(r, 413, "too_big", "the body is larger than this route takes (%llu bytes)",
                        (unsigned long long)r->body_limit);
    pthread_mutex_lock(&r->mu);
    int ready = r->resp != NULL && !r->job_pending, wait = 0;
    if (!ready && r->job_pending) {
        r->suspended = wait = 1;
        srv_mhd.suspend_connection(r->conn); /* srv_req_job_done resumes it */
    }
    pthread_mutex_unlock(&r->mu);
    if (ready)
        return queue(r);
    if (wait)
        return MHD_YES;
    srv_reply_error(r, 500, "internal", "no response");
    return queue(r);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *data,
                                 size_t *size, void **con_cls)
{
    srv_req *r = *con_cls;
    (void)cls;
    (void)url;
    if (!r)
        return MHD_NO; /* out of memory when the request began */
    r->conn = c;
    if (!r->started) {
        r->started = 1;
        if (start_request(r, method, version)) {
            if (r->route.id == SRV_R_V1_IMPORT) /* an upload may take its time */
                __atomic_store_n(&r->arrived, 1, __ATOMIC_RELEASE);
            return MHD_YES; /* the body follows */
        }
        __atomic_store_n(&r->arrived, 1, __ATOMIC_RELEASE);
        if (!has_body(r))
            return MHD_YES; /* answered in the next call: libmicrohttpd closes the connection
                             * after a response queued in the first call (it cannot know the
                             * body was empty), so a keep-alive client would reconnect for
                             * every request */
        /* refused before its body: the connection closes, the body unread */
        __atomic_store_n(&r->body_done, 1, __ATOMIC_RELEASE);
        if (!r->resp)
            dispatch(r);
        return finish(r);
    }
    if (*size) {
        /* (--request-timeout is the watchdog's, serve_run) */
        if (r->over) { /* read and dropped, up to a bound, so that the 413 can be sent */
            r->dropped += *size;
            *size = 0;
            return r->dropped > SRV_BODY_DROP ? MHD_NO : MHD_YES;
        }
        r->body_len += *size;
        if (r->body_len > r->body_limit) {
            /* no Content-Length (chunks), and more than the route takes: libmicrohttpd 0.9.75
             * takes a response only once the body is complete, so the rest is dropped (up to
             * SRV_BODY_DROP, else the connection closes) and the 413 sent then */
            r->over = 1;
            if (r->up)
                srv_upload_abort(r->up); /* the import fails and stores nothing */
            jisr_buf_free(&r->body);
            r->dropped = *size;
            *size = 0;
            return MHD_YES;
        }
        if (r->up) {
            size_t took = srv_upload_push(r->up, data, *size);
            *size -= took;
            r->body_len -= *size; /* counted again when handed over */
            return MHD_YES;
        }
        if (jisr_buf_append(&r->body, data, *size) < 0)
            return MHD_NO;
        *size = 0;
        return MHD_YES;
    }
    /* the body is complete (or a resumed request has its answer) */
    if (!r->body_done) {
        __atomic_store_n(&r->body_done, 1, __ATOMIC_RELEASE);
        __atomic_store_n(&r->arrived, 1, __ATOMIC_RELEASE);
        if (r->over)
            ; /* answered by finish */
        else if (r->up)
            srv_upload_finish(r->up);
        else if (!r->resp) /* a bodiless request refused in start_request has its answer */
            dispatch(r);
    }
    return finish(r);
}

/* ---- connections and --request-timeout ---------------------------------------------------- */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    srv_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        srv_conn *cn = calloc(1, sizeof *cn);
        const union MHD_ConnectionInfo *fi =
            srv_mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!cn || !fi) {
            free(cn);
            return; /* not watched: libmicrohttpd's idle timeout still applies */
        }
        cn->fd = fi->connect_fd;
        cn->t0 = jisr_now();
        pthread_mutex_lock(&s->mu);
        cn->next = s->conns;
        if (s->conns)
            s->conns->prev = cn;
        s->conns = cn;
        pthread_mutex_unlock(&s->mu);
        *socket_context = cn;
        return;
    }
    srv_conn *cn = *socket_context;
    if (!cn)
        return;
    /* called before libmicrohttpd closes the socket: the watchdog never sees a reused fd */
    pthread_mutex_lock(&s->mu);
    if (cn->prev)
        cn->prev->next = cn->next;
    else
        s->conns = cn->next;
    if (cn->next)
        cn->next->prev = cn->prev;
    if (cn->r)
        cn->r->cn = NULL;
    pthread_mutex_unlock(&s->mu);
    free(cn);
    *socket_context = NULL;
}

/* Close the connections whose request has not arrived within --request-timeout (the time runs
 * from the connection's start or its previous answer; an import's body and a request being
 * answered are exempt). A request begun (its request line read) gets a 408 first, written on
 * the socket here: while a request arrives libmicrohttpd has nothing to write. Main thread. */
static void watchdog(srv_server *s)
{
    double now = jisr_now();
    pthread_mutex_lock(&s->mu);
    for (srv_conn *cn = s->conns; cn; cn = cn->next) {
        srv_req *r = cn->r;
        if (cn->killed || now - cn->t0 <= s->o.request_time ||
            (r && __atomic_load_n(&r->arrived, __ATOMIC_ACQUIRE)))
            continue;
        cn->killed = 1;
        if (r) {
            char body[256], msg[512];
            int bn = snprintf(body, sizeof body,
                              "{\"error\":{\"code\":\"request_timeout\",\"message\":\"the request "
                              "did not arrive within %u s (--request-timeout)\"}}",
                              s->o.request_time);
            int mn = snprintf(msg, sizeof msg,
                              "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                              "Content-Type: application/json; charset=utf-8\r\n"
                              "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
                              "Content-Length: %d\r\n\r\n%s",
                              bn, body);
            ssize_t w = send(cn->fd, msg, (size_t)mn, MSG_NOSIGNAL | MSG_DONTWAIT);
            pthread_mutex_lock(&r->mu);
            if (w == mn && !r->queued) { /* logged as sent only when it was */
                r->status = 408;
                r->queued = 1;
            }
            pthread_mutex_unlock(&r->mu);
        }
        shutdown(cn->fd, SHUT_RDWR); /* libmicrohttpd sees the end and closes it */
    }
    pthread_mutex_unlock(&s->mu);
}

/* libmicrohttpd's own messages: through the log (one write a line), none with --quiet */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    srv_server *s = cls;
    if (s->o.quiet)
        return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    logf_("jisr serve: libmicrohttpd: %s", msg);
}

static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s); /* route.c decodes the raw target itself */
}

/* ---- start and stop --------------------------------------------------------------------- */

static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, int *v6,
                        int *loopback)
{
    char host[128];
    const char *colon;
    memset(ss, 0, sizeof *ss);
    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');
        if (!end || end[1] != ':' || (size_t)(end - spec - 1) >= sizeof host)
            return -1;
        memcpy(host, spec + 1, (size_t)(end - spec - 1));
        host[end - spec - 1] = '\0';
        colon = end + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon || (size_t)(colon - spec) >= sizeof host)
            return -1;
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
    }
    long port;
    if (srv_parse_int(colon + 1, 0, 65535, &port) < 0)
        return -1;
    if (strcmp(host, "localhost") == 0 || host[0] == '\0')
        strcpy(host, "127.0.0.1");
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *len = sizeof *a4;
        *v6 = 0;
        *loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *len = sizeof *a6;
        *v6 = 1;
        *loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
        return 0;
    }
    return -1;
}

#define TOKEN_LINE_MAX 4096 /* bytes of the token file's first line */

static int read_token(const char *path, char **out, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        logf_("jisr serve: %s: cannot read the token file: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        logf_("jisr serve: %s: is a directory, not a token file", path);
        fclose(f);
        return -1;
    }
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
        logf_("jisr serve: warning: %s can be read by other users (chmod 600 it)", path);
    /* the whole first line, never a prefix of it: a cut token would be refused and its prefix
     * taken */
    char line[TOKEN_LINE_MAX + 1];
    size_t k = 0;
    int c = EOF, any = 0;
    while ((c = getc(f)) != EOF && c != '\n') {
        any = 1;
        if (k == TOKEN_LINE_MAX) {
            fclose(f);
            logf_("jisr serve: %s: the first line is longer than %d bytes (the token is the first "
                  "line)",
                  path, TOKEN_LINE_MAX);
            return -1;
        }
        line[k++] = (char)c;
    }
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (err) {
        logf_("jisr serve: %s: cannot read the token file: %s", path, strerror(err));
        return -1;
    }
    while (k && (line[k - 1] == '\r' || line[k - 1] == ' ' || line[k - 1] == '\t'))
        k--;
    line[k] = '\0';
    if (k == 0) {
        logf_("jisr serve: %s: %s", path,
              any || c == '\n' ? "the first line is blank (the token is the first line)"
                               : "the token file is empty");
        return -1;
    }
    for (size_t i = 0; i < k; i++)
        if ((unsigned char)line[i] <= 0x20 || (unsigned char)line[i] >= 0x7f) {
            logf_("jisr serve: %s: the token must be printable ASCII without spaces", path);
            return -1;
        }
    if (k < 16)
        logf_("jisr serve: warning: the token has %zu %s; 32 or more random ones are "
              "safer (e.g. head -c 24 /dev/urandom | base64)",
              k, jisr_plural(k, "character", "characters"));
    *out = jisr_strdup(line);
    *n = k;
    return *out ? 0 : -1;
}

/* abort uploads still arriving (their imports fail and store nothing) */
static void abort_uploads(srv_server *s)
{
    pthread_mutex_lock(&s->mu);
    for (srv_req *r = s->reqs; r; r = r->next)
        if (r->up && !__atomic_load_n(&r->body_done, __ATOMIC_ACQUIRE))
            srv_upload_abort(r->up);
    pthread_mutex_unlock(&s->mu);
}

static int active(srv_server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->active;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* --ready-file: the URL and a line feed, written as every output of jisr is (util/outfile.c): to
 * a temporary file beside it renamed over it, so that a script polling the file never reads it
 * empty or half written, and never through a symbolic link there (refused: the link's owner
 * would choose which file the server replaces). Not synced: it speaks to the processes of this
 * boot. 0, or -1 with the reason logged. */
static int write_ready_file(const char *path, const char *url)
{
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    oo.flags = JISR_OUT_NOSYNC;
    jisr_outfile *o;
    int rc = jisr_outfile_open(&o, path, &oo);
    if (rc == 0) {
        fprintf(jisr_outfile_stream(o), "%s\n", url);
        rc = jisr_outfile_commit(o); /* says a failed write (a full disk) too */
    }
    if (rc < 0) {
        char msg[1200];
        jisr_error_format(msg, sizeof msg);
        logf_("jisr serve: cannot write the ready file (--ready-file): %s", msg);
        return -1;
    }
    return 0;
}

/* What the server does between signals: close the requests that do not arrive in time, answer
 * the queries that waited for a thread beyond their time. */
static void tick(srv_server *s)
{
    watchdog(s);
    srv_pool_expire(s->ctx.queries, jisr_now());
}

static const char *sig_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
}

/* --ready-file F a FIFO: the URL goes to its reader, written in place, as every output of jisr.
 * Opening a FIFO to write waits for a reader, and waiting there in open(2) made a server that
 * nobody read F of deaf to SIGTERM and SIGINT (blocked for sigtimedwait): only SIGKILL ended it.
 * Here F is opened without waiting (O_NONBLOCK: ENXIO while no one has it open to read), tried
 * again every 50 ms while the signals are watched, and the requests of a fixed port meanwhile
 * looked after as the main loop does (tick). Returns 0 when the line was written, 1 when F is not a
 * FIFO (after all: the caller writes it as a file), -1 with the reason logged, or the signal
 * that came first (SIGINT, SIGTERM, SIGHUP: the server stops, never having been ready). */
static int write_ready_fifo(srv_server *s, const char *path, const char *url, const sigset_t *sigs)
{
    char line[160];
    int n = snprintf(line, sizeof line, "%s\n", url), said = 0;
    struct timespec wait = {0, 50 * 1000 * 1000};
    for (;;) {
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISFIFO(st.st_mode))
            return 1;
        int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && (errno == ENOENT || errno == ELOOP))
            return 1; /* replaced meanwhile: the file's own checks say what it is now */
        if (fd < 0 && errno != ENXIO) {
            logf_("jisr serve: cannot write the ready file (--ready-file): %s: cannot open: %s",
                  path, strerror(errno));
            return -1;
        }
        if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))) {
            close(fd);
            return 1;
        }
        if (fd >= 0) {
            /* one write of fewer than PIPE_BUF bytes: all of it or nothing. A reader that has
             * gone again (EPIPE) or a full pipe (EAGAIN) is waited for as no reader: SIGPIPE is
             * held for this write and taken back, so it cannot kill the server */
            sigset_t pipe, old;
            sigemptyset(&pipe);
            sigaddset(&pipe, SIGPIPE);
            pthread_sigmask(SIG_BLOCK, &pipe, &old);
            ssize_t w = write(fd, line, (size_t)n);
            int e = errno;
            if (w < 0 && e == EPIPE)
                sigtimedwait(&pipe, NULL, &(struct timespec){0, 0});
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            close(fd);
            if (w == n)
                return 0;
            if (w >= 0 || (e != EPIPE && e != EAGAIN)) {
                logf_("jisr serve: cannot write the ready file (--ready-file): %s: %s", path,
                      w >= 0 ? "written in part" : strerror(e));
                return -1;
            }
        }
        if (!said++)
            logf_("jisr serve: waiting for a reader of the ready file %s (a FIFO) to give it the "
                  "URL; SIGTERM stops the server",
                  path);
        int sig = sigtimedwait(sigs, NULL, &wait);
        if (sig > 0)
            return sig;
        tick(s);
    }
}

/* At the stop, the ready file goes: a script that waits for it (a supervisor, the next run of a
 * test) must not find the address of a server that is gone. Only when it still holds this
 * server's address (another server may have taken the name since) and is a regular file: no
 * symbolic link, and no FIFO (written in place, as every output of jisr: opening it to read
 * would wait for a writer, and stop the stop). */
static void remove_ready_file(const char *path, const char *url)
{
    char buf[320];
    struct stat st;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    size_t ul = strlen(url);
    if (n > 0 && (size_t)n == ul + 1 && memcmp(buf, url, ul) == 0 && buf[ul] == '\n')
        unlink(path);
}

int serve_run(const serve_opts *opts)
{
    srv_server s;
    memset(&s, 0, sizeof s);
    s.o = *opts;
    if (!s.o.listen)
        s.o.listen = "127.0.0.1:8080";
    if (!s.o.max_conns)
        s.o.max_conns = 1024;
    if (!s.o.max_conns_ip)
        s.o.max_conns_ip = 128;
    if (!s.o.idle_timeout)
        s.o.idle_timeout = 15;
    if (!s.o.request_time)
        s.o.request_time = 60;
    if (!s.o.max_upload)
        s.o.max_upload = 8ull << 30;
    if (!s.o.grace)
        s.o.grace = 30;
    if (!s.o.query_ms)
        s.o.query_ms = 5000;
    if (!s.o.import_batch)
        s.o.import_batch = 20000;
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    if (!s.o.threads)
        s.o.threads = nc > 0 ? (unsigned)nc : 2;
    /* two per core: one client may run all but one of them (pool.c), and that should still be
     * every core (docs/serve.md, Load: "Query threads") */
    if (!s.o.query_threads)
        s.o.query_threads = nc > 0 ? 2 * (unsigned)nc : 4;
    if (!s.o.query_queue)
        s.o.query_queue = 64;
    if (s.o.inline_ms < 0)
        s.o.inline_ms = 0;
    pthread_mutex_init(&s.mu, NULL);
    int status = 1;
    struct sockaddr_storage ss;
    socklen_t sslen;
    int v6, loopback;
    if (parse_listen(s.o.listen, &ss, &sslen, &v6, &loopback) < 0) {
        logf_("jisr serve: --listen '%s': expected IP:PORT or localhost:PORT, the address an IP "
              "literal (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080); host names other than "
              "localhost are not resolved",
              s.o.listen);
        return 1;
    }
    if (s.o.token_file && read_token(s.o.token_file, &s.token, &s.token_len) < 0)
        return 1;
    if (s.o.private_ && !s.token) {
        logf_("jisr serve: --private needs --token-file");
        return 1;
    }
    /* libmicrohttpd is loaded here, not when jisr starts (mhd_load.h) */
    char mhd_err[512];
    if (srv_mhd_load(mhd_err, sizeof mhd_err) < 0) {
        logf_("jisr serve: %s", mhd_err);
        free(s.token);
        return 1;
    }
    /* SIGINT/SIGTERM are taken by sigwait below: blocked before any thread starts (the
     * writer, libmicrohttpd's workers, the importer's), so that every thread inherits the mask
     * and none of them can be killed by the signal */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP); /* a closed terminal: a clean stop too */
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    s.loopback = loopback;
    s.ctx.opts = &s.o;
    s.ctx.read_only = s.o.read_only;
    int rc =
        srv_mem_open(&s.ctx.mem, s.o.tms, s.o.ntms, s.o.read_only, !s.o.no_snapshot, s.o.create);
    if (rc < 0) {
        char msg[1200];
        jisr_error_format(msg, sizeof msg);
        logf_("jisr serve: %s%s", msg,
              rc == JISR_ENOTFOUND && !s.o.read_only && !s.o.create
                  ? " (--create makes a new, empty memory there)"
                  : "");
        goto done;
    }
    if ((rc = srv_writer_start(&s.ctx.writer)) < 0 ||
        (rc = srv_writer_start(&s.ctx.importer)) < 0) {
        logf_("jisr serve: cannot start the writer threads");
        goto done;
    }
    unsigned expensive = s.o.query_threads > 1 ? s.o.query_threads / 2 : 1;
    if (srv_pool_start(&s.ctx.queries, s.o.query_threads, expensive, s.o.query_queue) < 0) {
        logf_("jisr serve: cannot start %u query threads", s.o.query_threads + expensive);
        goto done;
    }
    /* TURBO: read, write and accept before asking epoll (a system call saved when the socket
     * is ready): 12-15 % less CPU per request in bench_serve */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
                     MHD_USE_TURBO | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
    /* the logger first: libmicrohttpd reports errors of the options after it through it */
    s.d = srv_mhd.start_daemon(
        flags, 0, NULL, NULL, on_access, &s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        &s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, &s, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, &s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)s.o.threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)s.o.max_conns,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s.o.max_conns_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s.o.idle_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)1024, MHD_OPTION_END);
    if (!s.d) {
        logf_("jisr serve: cannot listen on %s: %s", s.o.listen, strerror(errno));
        goto done;
    }
    const union MHD_DaemonInfo *di = srv_mhd.get_daemon_info(s.d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = di ? di->port : 0;
    char host[64] = "";
    if (v6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
    /* a base URL without a trailing '/': a script appends its path, "$(cat F)/v1/query?…" */
    char url[128];
    snprintf(url, sizeof url, v6 ? "http://[%s]:%u" : "http://%s:%u", host, port);
    size_t nsnap, snapb = srv_mem_snapshot(s.ctx.mem, &nsnap);
    char snaps[64];
    if (nsnap)
        snprintf(snaps, sizeof snaps, ", snapshot directories %.1f MiB", (double)snapb / 1048576.0);
    else
        snprintf(snaps, sizeof snaps, ", no snapshot directory");
    /* the ready file before the "listening" line: a server that cannot write it exits 1 without
     * having said it was up, and a log watcher that sees the line finds the file there */
    int sig = -1, ready = s.o.ready_file ? write_ready_fifo(&s, s.o.ready_file, url, &sigs) : 0;
    if (ready == 1)
        ready = write_ready_file(s.o.ready_file, url);
    if (ready < 0) /* exit 1: a script waiting for the file would otherwise wait forever */
        goto done;
    /* a signal while no one read the FIFO: the server stops, never having said "listening",
     * and exits 1 */
    if (ready > 0) {
        sig = ready;
        logf_("jisr serve: %s before anyone read the ready file %s (a FIFO): the server was "
              "never ready",
              sig_name(sig), s.o.ready_file);
    } else {
        logf_("jisr serve: listening on %s (%zu %s, %u I/O %s, %u query %s and %u for "
              "expensive queries%s%s%s%s)",
              url, srv_mem_count(s.ctx.mem),
              jisr_plural(srv_mem_count(s.ctx.mem), "memory", "memories"), s.o.threads,
              jisr_plural(s.o.threads, "thread", "threads"), s.o.query_threads,
              jisr_plural(s.o.query_threads, "thread", "threads"), expensive, snaps,
              s.o.read_only ? ", read-only"
              : s.token     ? ", writes with the token"
                            : ", no writes",
              s.o.private_ ? ", private" : "", s.o.cors_origin ? ", CORS" : "");
        if (!loopback)
            logf_(
                "jisr serve: warning: %s is not a loopback address: everyone who can reach it can "
                "read the memory%s",
                host, s.o.private_ ? " with the token" : " (--private requires the token)");
    }

    /* wait for a signal, closing the requests that do not arrive in time meanwhile, and
     * answering the queries that waited for a thread beyond their time */
    struct timespec wd = {0, 250 * 1000 * 1000};
    while (sig < 0) {
        sig = sigtimedwait(&sigs, NULL, &wd);
        if (sig < 0 && errno != EAGAIN && errno != EINTR)
            break;
        tick(&s);
    }
    if (s.o.ready_file)
        remove_ready_file(s.o.ready_file, url);
    logf_("jisr serve: %s: stopping (in-flight requests get %u s)", sig_name(sig), s.o.grace);
    /* queries give up half a second before the end of the grace period, so that their 503 is
     * sent before the daemon stops (api.c, query_budget) */
    double deadline = jisr_now() + s.o.grace;
    __atomic_store_n(&s.ctx.stop_us, (int64_t)((deadline - 0.5) * 1e6), __ATOMIC_RELEASE);
    __atomic_store_n(&s.stopping, 1, __ATOMIC_RELEASE);
    /* wait for the requests in flight, a second signal cuts it short */
    struct timespec tick = {0, 50 * 1000 * 1000};
    while (active(&s) > 0 && jisr_now() < deadline) {
        sigset_t pend;
        sigpending(&pend);
        if (sigismember(&pend, SIGINT) || sigismember(&pend, SIGTERM) ||
            sigismember(&pend, SIGHUP)) {
            sigwait(&sigs, &sig);
            logf_("jisr serve: second signal: not waiting any longer");
            /* a batch stops before its next text (a query running goes on to its limit) */
            __atomic_store_n(&s.ctx.stop_us, (int64_t)(jisr_now() * 1e6), __ATOMIC_RELEASE);
            break;
        }
        watchdog(&s);
        srv_pool_expire(s.ctx.queries, jisr_now());
        nanosleep(&tick, NULL);
    }
    abort_uploads(&s);
    /* queries still waiting for a thread are answered 503 stopping; the running ones end by
     * their stop time (the grace period) */
    srv_pool_drain(s.ctx.queries);
    /* the writers finish their queues: an import whose body is complete commits whole, one that
     * was cut off has failed and changed nothing; every suspended request is resumed */
    int jobs, imports;
    do {
        srv_writer_load(s.ctx.writer, &jobs, NULL);
        srv_writer_load(s.ctx.importer, &imports, NULL);
        if (jobs + imports)
            nanosleep(&tick, NULL);
    } while (jobs + imports);
    /* the answers just queued (503 stopping, a query that ended at its stop time, a write's
     * result) leave on the next turn of their I/O thread: stopping the daemon at once cut them
     * off ("Remote end closed connection without response" on a slow, sanitized build). Half a
     * second at most, for the requests in flight to be sent and completed. */
    double flush = jisr_now() + 0.5;
    while (active(&s) > 0 && jisr_now() < flush)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    srv_mhd.stop_daemon(s.d);
    s.d = NULL;
    status = ready > 0; /* stopped before its ready file was read: it never started */
    logf_("jisr serve: stopped%s", ready > 0 ? " (exit status 1: never ready)" : "");
done:
    if (s.d)
        srv_mhd.stop_daemon(s.d);
    srv_pool_stop(s.ctx.queries);
    srv_writer_stop(s.ctx.writer);
    srv_writer_stop(s.ctx.importer);
    srv_mem_close(s.ctx.mem);
    free(s.token);
    pthread_mutex_destroy(&s.mu);
    return status;
}
