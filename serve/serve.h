/*
 * serve.h — `jisr serve`, the HTTP front end: what cli/cmd_serve.c hands to serve/.
 *
 * serve/ is a front end like cli/: it calls only the public libjisr API (through one file,
 * mem.c) and adds HTTP — routing and URL decoding (route.c), request bodies (body.c, upload.c),
 * the libmicrohttpd daemon with its limits, token, log and signals (http.c), the handlers of the
 * tmserver/amaGama protocol and of jisr's /v1/ API (api.c), the query threads (pool.c), the
 * writer thread (writer.c) and the search page compiled into the binary (page.c, page/).
 */
#ifndef JISR_SERVE_H
#define JISR_SERVE_H

#include <stddef.h>
#include <stdint.h>

/** One memory to serve: its directory and the penalty subtracted from its scores (0–100). */
typedef struct serve_memory {
    const char *dir;
    int penalty;
} serve_memory;

typedef struct serve_opts {
    const serve_memory *tms; /* the first one takes the writes */
    size_t ntms;
    const char *listen;      /* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:8080"; port 0 = any */
    const char *token_file;  /* bearer token (first line); NULL = no writes at all */
    int private_;            /* with a token: every request needs it */
    int read_only;           /* refuse every write (memories opened read-only) */
    int no_snapshot;         /* no read snapshot's directory (JISR_TM_SNAPSHOT) */
    int quiet;               /* no request log */
    const char *cors_origin; /* Access-Control-Allow-Origin for this origin; NULL = no CORS */
    unsigned threads;        /* libmicrohttpd's I/O threads; 0 = one per core */
    unsigned query_threads;  /* threads that run the matching reads; 0 = two per core */
    unsigned query_queue;    /* matching reads one client may have waiting; 0 = 64 */
    unsigned max_conns;      /* connections in all; 0 = 1024 */
    unsigned max_conns_ip;   /* connections per client address; 0 = 128 */
    unsigned idle_timeout;   /* seconds of silence before a connection is closed; 0 = 15 */
    unsigned request_time;   /* seconds for a request (headers + body) to arrive; 0 = 60 */
    uint64_t max_upload;     /* bytes of an import body; 0 = 8 GiB */
    unsigned grace;          /* seconds in-flight requests get on SIGTERM; 0 = 30 */
    unsigned query_ms;       /* the time one request's queries may take; 0 = 5000 */
    const char *ready_file;  /* when set: "http://HOST:PORT\n" written there once listening
                                (atomically, never through a link; failing stops the server) */
    unsigned import_batch;   /* units per write transaction of an import; 0 = 20,000 (what a
                                strict upload holds prepared is a few batches) */
    const char *const *allow_hosts; /* Host names answered besides loopback ones (--allow-host) */
    size_t nallow_hosts;
    int create; /* make the first memory when its directory holds none (--create) */
    /* a lookup's query may take this long (ms) on its I/O thread before it is handed to a query
     * thread (--inline-ms); 0 (the default) = never: every lookup is handed over */
    int inline_ms;
} serve_opts;

/** Run the server until SIGINT/SIGTERM/SIGHUP. Messages go to stderr (the front end prints).
 * Returns 0 after a clean stop, 1 when the server could not start (the reason printed). */
int serve_run(const serve_opts *o);

/** Parse "DIR[:PENALTY]" (the penalty an integer 0–100 after the last colon; a DIR that itself
 * ends in ":digits" can be written "DIR:0"). Returns 0, or -1 when PENALTY is out of range. */
int serve_parse_tm(const char *arg, char **dir, int *penalty);

#endif
