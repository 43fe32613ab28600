/*
 * serve_int.h — private to serve/: the route parser (route.c), the request-body readers
 * (body.c), the streamed-upload pipe (upload.c), and what the daemon (http.c), the handlers
 * (api.c), the writer thread (writer.c), the memory adapter (mem.c) and the page (page.c) share.
 * route.c, body.c and upload.c do not include libmicrohttpd: tests and fuzz targets link them
 * alone.
 */
#ifndef JISR_SERVE_INT_H
#define JISR_SERVE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "formats/formats.h"
#include "util/util.h"

/* ---- limits (documented in README "jisr serve" and docs/jisr.1) -------------------------- */

#define SRV_URI_MAX 16384          /* bytes of the request target (path + query) → 414 beyond */
#define SRV_HEADER_MAX 16384       /* bytes of the request line + headers → 431 beyond */
#define SRV_TEXT_MAX 1000          /* characters of a tmserver/query text; longer texts are cut */
#define SRV_TEXT_MAX_STR "1000"    /* the same, as X-Jisr-Text-Cut says it */
#define SRV_MAX_PARAMS 32          /* query parameters → 400 beyond */
#define SRV_MAX_CANDIDATES 30      /* tmserver max_candidates cap */
#define SRV_MAX_RESULTS 1000       /* /v1/query max cap */
#define SRV_MAX_TEXTS 1000         /* texts in one POST /v1/query */
#define SRV_MAX_STORE 100000       /* units in one tmserver store */
#define SRV_BODY_UNIT (64u << 10)  /* tmserver unit write */
#define SRV_BODY_STORE (16u << 20) /* tmserver store */
#define SRV_BODY_QUERY (1u << 20)  /* POST /v1/query */
#define SRV_BODY_DELETE (1u << 20) /* POST /v1/delete */
#define SRV_BODY_DROP (1u << 20)   /* a chunked body over its limit: dropped up to this for a 413 */

/* ---- routes (route.c) ------------------------------------------------------------------- */

enum srv_rid {
    SRV_R_NONE = 0,
    SRV_R_PAGE,      /* GET /  (the search page) */
    SRV_R_ASSET,     /* GET /page.css, /page.js; text = the file name */
    SRV_R_TMS_UNIT,  /* {prefix}/{sl}/{tl}/unit/{text}: GET query, PUT/POST add */
    SRV_R_TMS_STORE, /* {prefix}/{sl}/{tl}/store/[…]: POST a JSON list */
    SRV_R_TMS_LANGS, /* {prefix}/languages/ */
    SRV_R_V1_INFO,   /* /v1/ : version, memories, limits */
    SRV_R_V1_QUERY,  /* GET ?q=…  or POST {"texts":[…]} */
    SRV_R_V1_CONCORD,
    SRV_R_V1_STATS,
    SRV_R_V1_LANGS,
    SRV_R_V1_UNIT,   /* /v1/units/{id}: GET, DELETE */
    SRV_R_V1_DELETE, /* POST {"ids":[…]} */
    SRV_R_V1_IMPORT, /* POST/PUT a TMX/TSV/JSONL body (streamed) */
    SRV_R_V1_EXPORT, /* GET: streamed TMX */
};

enum {
    SRV_M_GET = 1,
    SRV_M_HEAD = 2,
    SRV_M_POST = 4,
    SRV_M_PUT = 8,
    SRV_M_DELETE = 16,
    SRV_M_OPTIONS = 32,
    SRV_M_OTHER = 64,
};

typedef struct srv_param {
    const char *key, *val; /* decoded, NUL-terminated (val may hold no NUL: refused) */
    size_t vlen;
} srv_param;

typedef struct srv_route {
    int id;              /* SRV_R_* */
    unsigned method;     /* SRV_M_* of the request */
    unsigned allowed;    /* methods the path allows (the Allow header of a 405) */
    int write;           /* 1 when this method on this route changes a memory */
    const char *sl, *tl; /* tmserver language codes, as written after decoding */
    const char *text;    /* tmserver text (decoded, cut to SRV_TEXT_MAX characters) or asset */
    size_t text_len;
    int text_cut;     /* the text was longer than SRV_TEXT_MAX characters */
    uint64_t unit_id; /* /v1/units/{id} */
    srv_param params[SRV_MAX_PARAMS];
    size_t nparams;
    const char *authority; /* an absolute-form target's host[:port] (not NUL-terminated), or
                            * NULL: the Host check reads it instead of Host (RFC 9112 §3.2.2) */
    size_t authority_len;
    char *abs_target;  /* an absolute-form target without a path: "/" and its query */
    char *arena;       /* every decoded string lives here */
    const char *error; /* why the parse failed (static text, or errbuf) */
    char errbuf[512];  /* a message naming what the request sent (an unknown parameter) */
} srv_route;

/** Parse a request: method and the raw request target exactly as received (uri[0..len), not
 * decoded; the origin form "/path?query", or the absolute form "http://host/path?query" whose
 * host goes to r->authority). Path segments are split at '/' before percent-decoding, so "%2F"
 * stays inside a segment; "%XX" is decoded as a byte and the result must be UTF-8 without NUL; '+'
 * is a plus in the path and a space in the query string. A /v1/ route refuses a query parameter
 * it does not know (400 naming it; any method but OPTIONS); the tmserver routes and the page take
 * any. Returns 0, or the HTTP status to answer (400, 404, 405, 414) with r->error set. r is
 * always to be freed with srv_route_free. */
int srv_route_parse(srv_route *r, const char *method, const char *uri, size_t len);
void srv_route_free(srv_route *r);
/** The first value of query parameter key, or NULL. */
const char *srv_param_get(const srv_route *r, const char *key);
/** Whether name is one of known (NULL-terminated): 0, or -1 with err saying which name route
 * does not know and the names it takes, "unknown parameter 'NAME' (ROUTE takes a, b)" (body 0:
 * a query parameter) or "body: unknown key \"NAME\" (ROUTE takes a, b)" (body 1: a key of a
 * JSON body), note (when not NULL) after the list ("… takes none: NOTE)"); the name is cut at
 * 64 characters, err at a character boundary. Every /v1/ route refuses a name it does not know
 * through this (srv_route_parse for query parameters, body.c for JSON bodies). */
int srv_name_check(const char *name, const char *const *known, int body, const char *route,
                   const char *note, char *err, size_t errsz);

/** Percent-decode s[0..n) into out (room for n + 1 bytes); plus_space: '+' → ' '. Returns the
 * decoded length, or -1 for a '%' not followed by two hex digits, a decoded NUL or invalid
 * UTF-8. out is NUL-terminated. */
long srv_pct_decode(const char *s, size_t n, int plus_space, char *out);
/** 1 when s[0..n) is valid UTF-8 without NUL. */
int srv_utf8_valid(const char *s, size_t n);
/** Bytes of the first max characters of the UTF-8 text s[0..n). */
size_t srv_utf8_cut(const char *s, size_t n, size_t max);
/** Normalise a client's language code to BCP 47 form: "pt_BR" → "pt-br" ('_' and '@' become
 * '-', lower case). Returns 0, or -1 when in is not a plausible tag (letters, digits and
 * separators; subtags of 1–8 characters, the first alphabetic; at most 63 bytes). */
int srv_lang_normalize(const char *in, char *out, size_t outsz);
/** The same code as Weblate writes it: lower case, '_' between subtags. */
void srv_lang_weblate(const char *tag, char *out, size_t outsz);
/** Compare a presented token with the expected one in time that depends only on the expected
 * token's length. 1 when equal. */
int srv_token_equal(const char *given, size_t gn, const char *want, size_t wn);
/** Parse a decimal integer in [lo, hi]; 0, or -1. */
int srv_parse_int(const char *s, long lo, long hi, long *out);

/* ---- request bodies (body.c) ------------------------------------------------------------ */

/** tmserver unit write {"source","target","context"?}: one unit with a variant in sl and one in
 * tl (context kept as a prop of type "x-context"), checked as every reader checks a unit
 * (jisr_unit_check). Returns 0, -1 with err set (a 400), or -2 with err set when the unit
 * check refused it (a 422: a character TMX cannot carry, a text too long …). */
int srv_body_tms_unit(const char *data, size_t n, const char *sl, const char *tl, jisr_unit *u,
                      char *err, size_t errsz);
/** tmserver store: a JSON list of such objects (at most SRV_MAX_STORE). *units (n of them) are
 * the caller's, each freed with jisr_unit_clear, the array with free. */
int srv_body_tms_store(const char *data, size_t n, const char *sl, const char *tl,
                       jisr_unit **units, size_t *nunits, char *err, size_t errsz);

/* what /v1/query answers in (format=) */
enum { SRV_QFMT_JSON, SRV_QFMT_TMX, SRV_QFMT_TEXT };
/** jisr query's --tags MODE: "none", "tmx", "braces" → JISR_TM_MARKUP_* (tm/tm.h); -1 else. */
int srv_query_tags_mode(const char *s);
/** jisr query's --format FMT: "json", "tmx", "text" → SRV_QFMT_*; -1 else. */
int srv_query_format(const char *s);

/** POST /v1/query: {"texts":[…]} or {"q":"…"}, with "source", "target", "min", "max",
 * "exhaustive", "tm", "tags", "format" as the GET parameters. Strings point into q->doc (keep it
 * until free). */
typedef struct srv_query_req {
    const char **texts;
    size_t ntexts;
    int single; /* the text came as "q" (not "texts") */
    const char *sl, *tl, *tm;
    int min, max, exhaustive;
    const char **props; /* "props": ["TYPE=VALUE", …] (NULL when absent) */
    size_t nprops;
    const char *changed_since; /* "changed_since": a date (NULL when absent) */
    int tags;                  /* "tags": JISR_TM_MARKUP_* (none when absent) */
    int format;                /* "format": SRV_QFMT_* (json when absent) */
    void *doc;                 /* the parsed JSON document */
} srv_query_req;
int srv_body_v1_query(const char *data, size_t n, srv_query_req *q, char *err, size_t errsz);
void srv_query_req_free(srv_query_req *q);
/** POST /v1/delete: {"ids":[1,2,…]} (ids 1–4294967295, at most 100,000). */
int srv_body_v1_ids(const char *data, size_t n, uint64_t **ids, size_t *nids, char *err,
                    size_t errsz);

/* ---- a match's word diff as runs (diffops.c) -------------------------------------------- */

#define SRV_DIFF_MAX (4u << 20) /* bytes of a diff split into runs; longer ones are not */

/** A run of the diff string: op '=' (in both texts), '-' (only in the query), '+' (only in the
 * stored source); its bytes are d[off, off + len), markers excluded. */
typedef struct srv_diff_run {
    char op;
    size_t off, len;
} srv_diff_run;
/** Split the library's word diff d[0..dn) of the stored source s[0..sn) (jisr_tm_match.diff
 * and .source) into runs (*runs the caller's to free): the one reading of its "[-…-]" and
 * "{+…+}" markers that gives back s, so that the source's own "[-" or "{+" stay text. The '='
 * and '+' runs are s, but for the space the diff writes before a deletion that follows none
 * (an '=' of its own). 0, or -1 when there is no such reading (not the library's diff of s),
 * the search takes too long (a text built for it), dn > SRV_DIFF_MAX, or out of memory. */
int srv_diff_split(const char *d, size_t dn, const char *s, size_t sn, srv_diff_run **runs,
                   size_t *nruns);

/** A run once rendered as text (tag placeholders as the plain text shows them: nothing). */
typedef struct srv_diff_text {
    char op; /* '=', '-', '+' */
    char *s; /* malloc'd, NUL-terminated */
    size_t n;
} srv_diff_text;
/** Tidy rendered runs v[0..n) in place, for "diff_ops": runs that render as nothing (a stored
 * tag) are dropped and neighbours of one op joined; and the stored text's whitespace that the
 * library's diff writes between two deleted query tokens the query q[0..qn) holds side by side
 * (a substitution writes the stored gap before its "[-": "Click [-<-][-b-] [->-]{+TAG+}Save"
 * for the query "Click <b>Save") leaves the query's side: it takes the place of the space
 * written before the first deletion when there is one (that space is both texts' then), else it
 * goes before the deletions as '+'. q NULL: that last step is skipped. *n: the runs, then the
 * runs left (the others freed); 0, or -1 out of memory (v[0..*n) still the caller's to free). */
int srv_diff_tidy(srv_diff_text *v, size_t *n, const char *q, size_t qn);

/* ---- streamed upload (upload.c) --------------------------------------------------------- */

/** A bounded pipe from the HTTP side (the connection's thread pushes the body as it arrives)
 * to the import (the writer thread reads it through a FILE*). When the pipe is full the HTTP
 * side suspends its connection (callback) and the reader resumes it as it drains, so a slow
 * import slows the client instead of filling memory. The reader gets EOF once the body is
 * complete, and a read error (ECONNABORTED) when it never will be: the import then fails and a
 * strict import changes nothing. Both sides hold a reference; the last release frees it. */
typedef struct srv_upload srv_upload;
int srv_upload_new(srv_upload **out, size_t cap);
/** HTTP side: take what fits of data[0..n); returns the bytes taken. When not all fit, calls
 * suspend(ctx) under the pipe's lock and resume(ctx) is called once room is made, so the two
 * cannot cross. After the reader closed, everything is taken (and dropped). */
size_t srv_upload_push(srv_upload *u, const char *data, size_t n);
void srv_upload_set_waiter(srv_upload *u, void (*suspend)(void *), void (*resume)(void *),
                           void *ctx);
void srv_upload_finish(srv_upload *u); /* the body is complete */
void srv_upload_abort(srv_upload *u);  /* the body will never be complete */
/** Reader side: up to n bytes; 0 at the end of a complete body, -1 (errno ECONNABORTED) when
 * aborted. Blocks while the pipe is empty. */
long srv_upload_read(srv_upload *u, char *buf, size_t n);
/** A new FILE* over srv_upload_read, the caller's to fclose (which leaves the pipe as it is:
 * the reference is released by srv_upload_release). */
FILE *srv_upload_file(srv_upload *u);
/** Reader side: stop reading (further pushes are dropped, a waiting HTTP side is resumed). */
void srv_upload_close_reader(srv_upload *u);
uint64_t srv_upload_bytes(const srv_upload *u); /* pushed so far */
int srv_upload_aborted(const srv_upload *u);
void srv_upload_ref(srv_upload *u);
void srv_upload_release(srv_upload *u);

#endif
