/*
 * server.h — private to serve/: the memory adapter (mem.c, the one file that calls the tm
 * library), the writer thread (writer.c), the request as the daemon (http.c) hands it to the
 * handlers (api.c), and the built-in page (page.c).
 */
#ifndef JISR_SERVE_SERVER_H
#define JISR_SERVE_SERVER_H

#include <pthread.h>
#include <stdint.h>

#include "serve/serve.h"
#include "serve/serve_int.h"
#include "tm/tm.h"

/* ---- the memories (mem.c) --------------------------------------------------------------- */

typedef struct srv_mem srv_mem;

/** Open the memories: the first for writing unless read_only (created when missing only with
 * create, else JISR_ENOTFOUND), the others read-only. Errors are the library's (detail in
 * jisr_error_last). */
int srv_mem_open(srv_mem **out, const serve_memory *tms, size_t n, int read_only, int snapshot,
                 int create);
/** The memories' read snapshot directories (snapshot): bytes in all, how many have one. */
size_t srv_mem_snapshot(const srv_mem *m, size_t *count);
void srv_mem_close(srv_mem *m);
size_t srv_mem_count(const srv_mem *m);
const char *srv_mem_name(const srv_mem *m, size_t i); /* unique: the directory's base name */
const char *srv_mem_dir(const srv_mem *m, size_t i);
int srv_mem_penalty(const srv_mem *m, size_t i);
int srv_mem_writable(const srv_mem *m);
/** Index of the memory named name (its name or its number from 0), or -1. */
int srv_mem_find(const srv_mem *m, const char *name);

/** The language tags the memories hold (lower case, as stored; most variants first), cached for
 * a second. *tags is the caller's (free each, then the array). */
int srv_mem_langs(srv_mem *m, char ***tags, size_t *n);
/** The tag to query with for a client's code (BCP 47 form): the code itself when some stored
 * tag matches it (jisr_lang_matches), else its shorter prefixes (pt-br → pt), else -1: the
 * memories do not hold that language (no error recorded), or a library error (recorded:
 * jisr_error_last) when the memories cannot be read. */
int srv_mem_resolve_lang(srv_mem *m, const char *code, char *out, size_t outsz);

/** Fuzzy query: memory `which`, or every memory merged with their penalties when which < 0. */
int srv_mem_query(srv_mem *m, int which, const char *text, const jisr_tm_query_opts *o,
                  jisr_tm_matches *out);
/** jisr's query JSON object for one text asked sl→tl (the shape of `jisr query --json`),
 * appended to out; text_cut > 0: the text sent was cut to its first text_cut characters (text is
 * that part), said as "text_cut":N. */
int srv_mem_render_query(srv_mem *m, jisr_buf *out, const char *text, const char *sl,
                         const char *tl, const jisr_tm_matches *mm, int merged, int text_cut);
/** The same matches as `jisr query`'s text (the library's word diff against the query; each
 * match's memory named when they may come from several), appended to out. */
int srv_mem_render_text(srv_mem *m, jisr_buf *out, const char *text, const jisr_tm_matches *mm,
                        int min_score, int merged);
/** The matches of mm as TMX units written to w (`jisr query --format tmx`: the library's
 * jisr_tm_match_unit, stored source in sl, proposed target in tl, the query as a prop, the
 * memory named as srv_mem_render_query names it). */
int srv_mem_write_tmx(srv_mem *m, jisr_writer *w, const char *sl, const char *tl, const char *text,
                      const jisr_tm_matches *mm, int merged);
/** Plain text of a match field, appended to out: the placeholders of its ntags tags removed,
 * every other character (a private-use one of the user's too) kept. */
void srv_mem_plain(jisr_buf *out, const char *s, char *const *tags, size_t ntags);
/** Concordance JSON (the shape of `jisr concord --json`) into out. */
int srv_mem_concord(srv_mem *m, int which, const char *lang, const char *phrase, size_t max,
                    int width, unsigned timeout_ms, jisr_buf *out);
/** Statistics JSON (the shape of `jisr stats --json`; with several memories, one per memory
 * under "memories") into out. */
int srv_mem_stats(srv_mem *m, int which, jisr_buf *out);
/** One unit as JSON into out; JISR_ENOTFOUND when there is no such id. */
int srv_mem_unit(srv_mem *m, int which, uint64_t id, jisr_buf *out);

/* writes, into the first memory: on the writer threads only (one for imports, one for the
 * small writes, which LMDB serialises with an import's commits) */
int srv_mem_delete(srv_mem *m, const uint64_t *ids, size_t n);
int srv_mem_add_units(srv_mem *m, const jisr_unit *u, size_t n, jisr_tm_import_stats *st);
/** Import a TMX/TSV/JSONL stream (fo->read.format must be set) into the first memory. */
int srv_mem_import(srv_mem *m, FILE *in, const char *name, const jisr_tm_file_opts *fo,
                   jisr_tm_import_stats *st);

/** Streamed export as TMX 1.4b: memory which; sl (and tl) and the filters f (NULL: none; its
 * props' strings are copied) select units as `jisr export` with -s, -t, --prop,
 * --changed-since and --changed-before. */
typedef struct srv_export srv_export;
int srv_mem_export_open(srv_mem *m, int which, const char *sl, const char *tl,
                        const jisr_tm_unit_filter *f, srv_export **out);
/** Up to max bytes of the TMX; 0 at the end, <0 on error. */
long srv_export_read(srv_export *x, char *buf, size_t max);
void srv_export_close(srv_export *x);

/* ---- the writer thread (writer.c) -------------------------------------------------------- */

/** A lane of writes: jobs run one at a time on one thread, in order; a job's run() is called
 * there and its done() after it (also there). The server has two lanes: imports, and the small
 * writes (units, stores, deletes), so that a unit saved during a long import waits at most for
 * one of its commits, not for the whole import. */
typedef struct srv_job srv_job;
struct srv_job {
    void (*run)(srv_job *j);
    void (*done)(srv_job *j);
    int is_import;
    srv_job *next;
};
typedef struct srv_writer srv_writer;
int srv_writer_start(srv_writer **out);
void srv_writer_submit(srv_writer *w, srv_job *j);
/** Jobs queued or running, and imports among them. */
void srv_writer_load(srv_writer *w, int *jobs, int *imports);
/** Run what is queued, then stop the thread. */
void srv_writer_stop(srv_writer *w);

/* ---- the query threads (pool.c) ---------------------------------------------------------- */

/** A read that matches (a tmserver lookup, /v1/query, /v1/concord), run on a query thread
 * instead of an I/O thread. Two lanes with threads of their own: cheap reads, and expensive ones
 * (at a lower CPU priority). Jobs wait in a queue per client address; a lane's free thread
 * serves the client with the fewest jobs running there (then the one served least recently),
 * and one client runs at most threads - 1 jobs of a lane (1 of a lane of one thread). */
typedef struct srv_qjob srv_qjob;
enum {
    SRV_QJOB_EXPIRED = 1, /* cancel(): the deadline passed before a thread took the job */
    SRV_QJOB_STOPPING,    /* cancel(): the server stops; srv_pool_submit(): it is stopping */
    SRV_QJOB_BUSY,        /* srv_pool_submit(): the client has queue_max jobs waiting */
};
struct srv_qjob {
    void (*run)(srv_qjob *j);             /* on a query thread; may free j */
    void (*cancel)(srv_qjob *j, int why); /* instead of run (SRV_QJOB_*); any thread; may free j */
    char client[64];                      /* the client's address: its queue */
    int heavy;                            /* the expensive lane */
    double deadline;                      /* jisr_now() after which it is not started */
    srv_qjob *next;                       /* the pool's */
    void *owner;                          /* the pool's */
};
typedef struct srv_pool srv_pool;
/** Start cheap + expensive query threads (at least 1 of each); a client may have queue_max jobs
 * waiting (both lanes). */
int srv_pool_start(srv_pool **out, unsigned cheap, unsigned expensive, unsigned queue_max);
/** Queue j: 0, or SRV_QJOB_BUSY (the client's queue is full), SRV_QJOB_STOPPING (draining);
 * then j is not queued. */
int srv_pool_submit(srv_pool *p, srv_qjob *j);
/** Whether a cheap read of client may be answered at once on the calling (I/O) thread rather
 * than queued: the pool is not draining, and no other client's cheap read waits for a thread —
 * or one does, but client has no cheap read running or waiting (a free thread would serve it
 * among the first anyway). */
int srv_pool_may_inline(srv_pool *p, const char *client);
/** Cancel (SRV_QJOB_EXPIRED) the waiting jobs whose deadline is at or before now. */
void srv_pool_expire(srv_pool *p, double now);
/** Stop taking jobs: cancel the waiting ones (SRV_QJOB_STOPPING) and wait for the running. */
void srv_pool_drain(srv_pool *p);
/** Jobs running and waiting. */
void srv_pool_load(srv_pool *p, int *running, int *waiting);
/** Drain, then end the threads and free the pool (accepts NULL). */
void srv_pool_stop(srv_pool *p);

/* ---- requests (http.c ↔ api.c) ---------------------------------------------------------- */

typedef struct srv_server srv_server;
typedef struct srv_req srv_req;

/** The server's shared state the handlers read. */
typedef struct srv_ctx {
    srv_mem *mem;
    srv_writer *writer;   /* units, stores, deletes */
    srv_writer *importer; /* imports */
    srv_pool *queries;    /* matching reads */
    const serve_opts *opts;
    int read_only;
    int64_t stop_us; /* atomic: 0, or once stopping, when queries give up (jisr_now() µs) */
    /* reads that match, counted for GET /v1/ (atomic): lookups answered on the I/O thread within
     * --inline-ms; reads handed to a query thread; of those, lookups begun on the I/O thread
     * that ran out of --inline-ms and were started again on a query thread */
    uint64_t reads_inline, reads_queued, reads_over_budget;
} srv_ctx;

/** A response body under construction; handlers fill it through these, the daemon sends it. */
void srv_reply(srv_req *r, unsigned status, const char *ctype, jisr_buf *body);
void srv_reply_json(srv_req *r, unsigned status, jisr_buf *body);
/** {"error":{"code":CODE,"message":…}} with status. */
void srv_reply_error(srv_req *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** The library's last error as a JSON error with the status that fits its code. */
void srv_reply_lib_error(srv_req *r, int rc);
/** A streamed response (export): read(ctx, buf, max) until 0; close(ctx) at the end. */
void srv_reply_stream(srv_req *r, const char *ctype, const char *disposition,
                      long (*read)(void *, char *, size_t), void (*close)(void *), void *ctx);
void srv_reply_header(srv_req *r, const char *name, const char *value);

const srv_route *srv_req_route(const srv_req *r);
srv_ctx *srv_req_ctx(srv_req *r);
const char *srv_req_header(srv_req *r, const char *name);
/** A lookup tried on the I/O thread (http.c, --inline-ms): the time its query may take there
 * (ms), else 0. */
unsigned srv_req_inline_ms(const srv_req *r);
/** A handler whose lookup ran out of its time (JISR_EINTERRUPTED, the server not stopping) asks
 * this before answering: 1 when the lookup was tried on the I/O thread and now goes to a query
 * thread, to be run again from the start — the handler then returns without answering (nothing
 * set with srv_reply*); 0: answer as usual. */
int srv_req_hand_over(srv_req *r);
/** When the request's queries must have ended (jisr_now() seconds): its arrival (the request
 * whole, body included) plus --query-timeout, so that time waiting for a query thread counts. */
double srv_req_deadline(const srv_req *r);
/** The request body read so far (routes with a JSON body). */
const char *srv_req_body(const srv_req *r, size_t *n);
/** Hand a write to its lane (j->is_import: the importer); the response is whatever the job puts
 * with srv_reply*
 * before done() returns. */
void srv_req_submit(srv_req *r, srv_job *j);
/** A job's done() calls this last: the request's answer is ready (resumes the connection). */
void srv_req_job_done(srv_req *r);
/** One line in the server's log about r, also with --quiet (a warning, not the request log):
 * "jisr serve: METHOD PATH from CLIENT: " and the message. */
void srv_req_log(srv_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** The request's upload pipe (import routes). */
srv_upload *srv_req_upload(srv_req *r);

/* ---- handlers (api.c) -------------------------------------------------------------------- */

/** Body limit of a route (bytes; UINT64_MAX = streamed, limited by --max-upload). */
uint64_t srv_api_body_limit(const srv_route *rt, const serve_opts *o);
/** Handle a request whose body (if any) is complete; for an import, called at the start (the
 * body streams into the job). */
void srv_api_dispatch(srv_req *r);
/** What a request whose body is complete costs: SRV_READ_INLINE (no matching: answered on the
 * I/O thread), SRV_READ_CHEAP or SRV_READ_HEAVY (a query thread's job, in that lane), or
 * SRV_READ_LOOKUP: a cheap read of one text (a tmserver lookup, GET /v1/query), first tried on
 * the I/O thread within --inline-ms (its handler asks srv_req_hand_over when out of time), else
 * a job of the cheap lane. */
enum { SRV_READ_INLINE, SRV_READ_CHEAP, SRV_READ_HEAVY, SRV_READ_LOOKUP };
int srv_api_read_class(srv_req *r);
/** Import routes: called before the body arrives, to start the import job. */
void srv_api_start_import(srv_req *r);

/* ---- the page (page.c) ------------------------------------------------------------------- */

/** The built-in file for name ("" = index.html): its bytes and content type, or NULL. */
const unsigned char *srv_page_get(const char *name, size_t *n, const char **ctype);

#endif
