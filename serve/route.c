/*
 * route.c — the request target of an HTTP request → a route, its decoded path parts and query
 * parameters. Pure code (no HTTP library, no memory), fuzzed by tests/fuzz/fuzz_serve_url.c.
 *
 * The target is taken exactly as the client sent it (the daemon hands over the raw URI, never
 * libmicrohttpd's decoded copy): the path is split at '/' first and each segment decoded after,
 * so a text containing "/" travels as "%2F" inside one segment, the way Weblate's
 * `quote(part, safe="")` writes it. Decoding rules, the same everywhere:
 *   - "%XX" (two hex digits, either case) is one byte; a '%' without two hex digits is a 400;
 *   - in the path '+' is a plus; in the query string '+' is a space (form encoding);
 *   - the decoded bytes must be UTF-8 and hold no NUL, else 400;
 *   - a raw '#' (a fragment, which clients never send) is a 400.
 * For a client that leaves '/' unencoded, the tmserver text is the rest of the path after
 * "unit/", segments rejoined with '/'. All decoded strings live in one arena: each is no longer
 * than its source, so 2 × the target length bounds it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/serve.h"
#include "serve/serve_int.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int srv_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0; /* no overlong forms */
            else if (c == 0xED)
                hi = 0x9F; /* no surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F; /* nothing above U+10FFFF */
        } else {
            return 0;
        }
        if (n - i <= need)
            return 0;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

size_t srv_utf8_cut(const char *s, size_t n, size_t max)
{
    size_t i = 0, chars = 0;
    while (i < n && chars < max) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    return i;
}

long srv_pct_decode(const char *s, size_t n, int plus_space, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int a = hexval((unsigned char)s[i + 1]), b = hexval((unsigned char)s[i + 2]);
            if (a < 0 || b < 0)
                return -1;
            out[o++] = (char)(a * 16 + b);
            i += 2;
        } else if (c == '+' && plus_space) {
            out[o++] = ' ';
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    if (!srv_utf8_valid(out, o))
        return -1;
    return (long)o;
}

int srv_lang_normalize(const char *in, char *out, size_t outsz)
{
    size_t n = strlen(in), sub = 0, nsub = 0;
    if (n == 0 || n > 63 || n + 1 > outsz)
        return -1;
    for (size_t i = 0; i <= n; i++) {
        char c = in[i];
        if (c == '_' || c == '@' || c == '-' || c == '\0') {
            if (sub == 0 || sub > 8)
                return -1;
            nsub++;
            sub = 0;
            out[i] = c ? '-' : '\0';
            continue;
        }
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alpha && !(c >= '0' && c <= '9'))
            return -1;
        if (nsub == 0 && !alpha)
            return -1; /* the primary subtag is letters */
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        sub++;
    }
    return 0;
}

void srv_lang_weblate(const char *tag, char *out, size_t outsz)
{
    size_t i = 0;
    for (; tag[i] && i + 1 < outsz; i++) {
        char c = tag[i];
        out[i] = c == '-' ? '_' : (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    if (outsz)
        out[i] = '\0';
}

int srv_token_equal(const char *given, size_t gn, const char *want, size_t wn)
{
    /* every byte of want is compared whatever the input; a different length or an empty
     * token differs without looking at fewer bytes */
    volatile unsigned char diff = (unsigned char)(gn != wn || wn == 0);
    for (size_t i = 0; i < wn; i++) {
        unsigned char g = gn ? (unsigned char)given[i % gn] : 0;
        diff |= (unsigned char)(g ^ (unsigned char)want[i]);
    }
    return diff == 0;
}

int srv_parse_int(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s)
        return -1;
    long v = 0;
    int neg = 0;
    const char *p = s;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (!*p)
        return -1;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        if (v > 100000000000L)
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* ---- the route table -------------------------------------------------------------------- */

typedef struct seg {
    const char *p;
    size_t n;
} seg;

#define MAX_SEGS 64

static int seg_is(const seg *s, const char *lit)
{
    size_t n = strlen(lit);
    return s->n == n && memcmp(s->p, lit, n) == 0;
}

static unsigned method_bit(const char *m)
{
    static const struct {
        const char *name;
        unsigned bit;
    } t[] = {{"GET", SRV_M_GET}, {"HEAD", SRV_M_HEAD},     {"POST", SRV_M_POST},
             {"PUT", SRV_M_PUT}, {"DELETE", SRV_M_DELETE}, {"OPTIONS", SRV_M_OPTIONS}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(m, t[i].name) == 0)
            return t[i].bit;
    return SRV_M_OTHER;
}

/* decode raw into the arena; NULL on bad encoding */
static char *arena_decode(char **arena, const char *raw, size_t n, int plus_space, size_t *outn)
{
    char *o = *arena;
    long k = srv_pct_decode(raw, n, plus_space, o);
    if (k < 0)
        return NULL;
    *arena += k + 1;
    if (outn)
        *outn = (size_t)k;
    return o;
}

static int fail(srv_route *r, int status, const char *why)
{
    r->error = why;
    return status;
}

/* {prefix}/…: segs are what follows the prefix */
static int route_tmserver(srv_route *r, const seg *s, size_t ns, char **arena)
{
    if (ns >= 1 && seg_is(&s[0], "languages") && (ns == 1 || (ns == 2 && s[1].n == 0))) {
        r->id = SRV_R_TMS_LANGS;
        r->allowed = SRV_M_GET | SRV_M_HEAD;
        return 0;
    }
    if (ns < 3)
        return fail(r, 404,
                    "no such route (tmserver: {sl}/{tl}/unit/{text}, {sl}/{tl}/store/, "
                    "languages/)");
    if (!(r->sl = arena_decode(arena, s[0].p, s[0].n, 0, NULL)) ||
        !(r->tl = arena_decode(arena, s[1].p, s[1].n, 0, NULL)))
        return fail(r, 400, "bad percent-encoding in a language code");
    if (seg_is(&s[2], "unit")) {
        r->id = SRV_R_TMS_UNIT;
        r->allowed = SRV_M_GET | SRV_M_HEAD | SRV_M_PUT | SRV_M_POST;
        r->write = (r->method & (SRV_M_PUT | SRV_M_POST)) != 0;
        if (ns > 3 && !(ns == 4 && s[3].n == 0)) { /* the rest of the path, '/'-joined */
            const char *start = s[3].p;
            size_t n = (size_t)(s[ns - 1].p + s[ns - 1].n - start);
            char *t = arena_decode(arena, start, n, 0, &r->text_len);
            if (!t)
                return fail(r, 400, "bad percent-encoding in the text (UTF-8 expected, no NUL)");
            r->text = t;
        }
        return 0;
    }
    if (seg_is(&s[2], "store")) {
        r->id = SRV_R_TMS_STORE;
        r->allowed = SRV_M_POST;
        r->write = 1;
        return 0;
    }
    return fail(r, 404,
                "no such route (tmserver: {sl}/{tl}/unit/{text}, {sl}/{tl}/store/, "
                "languages/)");
}

static int route_v1(srv_route *r, const seg *s, size_t ns, char **arena)
{
    if (ns > 0 && s[ns - 1].n == 0) /* one trailing slash is the same route */
        ns--;
    if (ns == 0) {
        r->id = SRV_R_V1_INFO;
        r->allowed = SRV_M_GET | SRV_M_HEAD;
        return 0;
    }
    static const struct {
        const char *name;
        int id;
        unsigned allowed;
    } t[] = {
        {"query", SRV_R_V1_QUERY, SRV_M_GET | SRV_M_HEAD | SRV_M_POST},
        {"concord", SRV_R_V1_CONCORD, SRV_M_GET | SRV_M_HEAD},
        {"stats", SRV_R_V1_STATS, SRV_M_GET | SRV_M_HEAD},
        {"languages", SRV_R_V1_LANGS, SRV_M_GET | SRV_M_HEAD},
        {"delete", SRV_R_V1_DELETE, SRV_M_POST},
        {"import", SRV_R_V1_IMPORT, SRV_M_POST | SRV_M_PUT},
        {"export", SRV_R_V1_EXPORT, SRV_M_GET | SRV_M_HEAD},
    };
    if (ns == 1) {
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
            if (seg_is(&s[0], t[i].name)) {
                r->id = t[i].id;
                r->allowed = t[i].allowed;
                r->write = t[i].id == SRV_R_V1_DELETE || t[i].id == SRV_R_V1_IMPORT;
                return 0;
            }
    }
    if (ns == 2 && seg_is(&s[0], "units")) {
        size_t n;
        const char *d = arena_decode(arena, s[1].p, s[1].n, 0, &n);
        long v;
        if (!d || srv_parse_int(d, 1, 4294967295L, &v) < 0)
            return fail(r, 404, "no such unit: ids are whole numbers from 1");
        r->id = SRV_R_V1_UNIT;
        r->unit_id = (uint64_t)v;
        r->allowed = SRV_M_GET | SRV_M_HEAD | SRV_M_DELETE;
        r->write = r->method == SRV_M_DELETE;
        return 0;
    }
    return fail(r, 404,
                "no such route under /v1/ (query, concord, stats, languages, units/{id}, "
                "delete, import, export)");
}

/* ---- the query parameters of /v1/ -------------------------------------------------------- */

int srv_name_check(const char *name, const char *const *known, int body, const char *route,
                   const char *note, char *err, size_t errsz)
{
    for (size_t k = 0; known[k]; k++)
        if (strcmp(known[k], name) == 0)
            return 0;
    char list[256] = "none";
    size_t at = 0;
    for (size_t k = 0; known[k] && at < sizeof list; k++) {
        int w = snprintf(list + at, sizeof list - at, "%s%s", k ? ", " : "", known[k]);
        at += w > 0 ? (size_t)w : 0;
    }
    size_t n = strlen(name);
    int show = (int)srv_utf8_cut(name, n, 64);
    int len = snprintf(err, errsz,
                       body ? "body: unknown key \"%.*s%s\" (%s takes %s%s%s)"
                            : "unknown parameter '%.*s%s' (%s takes %s%s%s)",
                       show, name, (size_t)show < n ? "…" : "", route, list, note ? ": " : "",
                       note ? note : "");
    if (errsz && len >= 0 && (size_t)len >= errsz) { /* cut: not inside a character */
        size_t m = errsz - 1;
        while (m && !srv_utf8_valid(err, m))
            m--;
        err[m] = '\0';
    }
    return -1;
}

/* What each /v1/ route takes in its query string, by method (a POST /v1/query or /v1/delete
 * takes its options in its JSON body: body.c checks its keys). A name the route does not know
 * is a 400 naming it, never ignored: a misspelt filter (changed-since, the CLI's spelling;
 * min_score) would otherwise silently answer another question than the one asked — a whole
 * memory exported, matches below the minimum meant, a unit deleted from another memory than
 * the one named. docs/serve.md lists the same names (tests/serve_strict_params.py compares the
 * two); a route added to route_v1 needs its row here, or it takes anything.
 * The tmserver routes and the page are not here, on purpose: they take whatever they are sent.
 * Their clients are not ours to change (CAT tools, platforms, connectors written for amaGama or
 * translate-toolkit's tmserver) and may add parameters of their own; a browser or a link may add
 * some to the page's address. */
static const char *const P_NONE[] = {NULL};
static const char *const P_TM[] = {"tm", NULL};
static const char *const P_QUERY[] = {"q",          "source", "target", "min",           "max",
                                      "exhaustive", "tm",     "prop",   "changed_since", "tags",
                                      "format",     NULL};
static const char *const P_CONCORD[] = {"q", "lang", "max", "width", "tm", NULL};
static const char *const P_IMPORT[] = {"format", "source", "target", "skip_bad", NULL};
static const char *const P_EXPORT[] = {
    "tm", "source", "target", "prop", "changed_since", "changed_before", NULL};

static const struct v1_params {
    int id;
    unsigned methods;  /* the methods that take these */
    const char *route; /* as messages name it */
    const char *const *known;
    const char *note; /* why it takes none */
} v1_params[] = {
    {SRV_R_V1_INFO, SRV_M_GET | SRV_M_HEAD, "/v1/", P_NONE, NULL},
    {SRV_R_V1_QUERY, SRV_M_GET | SRV_M_HEAD, "GET /v1/query", P_QUERY, NULL},
    {SRV_R_V1_QUERY, SRV_M_POST, "POST /v1/query", P_NONE, "its options go in the JSON body"},
    {SRV_R_V1_CONCORD, SRV_M_GET | SRV_M_HEAD, "/v1/concord", P_CONCORD, NULL},
    {SRV_R_V1_STATS, SRV_M_GET | SRV_M_HEAD, "/v1/stats", P_TM, NULL},
    {SRV_R_V1_LANGS, SRV_M_GET | SRV_M_HEAD, "/v1/languages", P_NONE,
     "it lists every memory's languages"},
    {SRV_R_V1_UNIT, SRV_M_GET | SRV_M_HEAD | SRV_M_DELETE, "/v1/units/{id}", P_TM, NULL},
    {SRV_R_V1_DELETE, SRV_M_POST, "POST /v1/delete", P_NONE, "its ids go in the JSON body"},
    {SRV_R_V1_IMPORT, SRV_M_POST | SRV_M_PUT, "/v1/import", P_IMPORT, NULL},
    {SRV_R_V1_EXPORT, SRV_M_GET | SRV_M_HEAD, "/v1/export", P_EXPORT, NULL},
};

/* 0, or 400 with r->error naming the first query parameter the route does not know */
static int check_params(srv_route *r)
{
    for (size_t i = 0; i < sizeof v1_params / sizeof v1_params[0]; i++) {
        const struct v1_params *p = &v1_params[i];
        if (p->id != r->id || !(p->methods & r->method))
            continue;
        for (size_t k = 0; k < r->nparams; k++) {
            if (srv_name_check(r->params[k].key, p->known, 0, p->route, p->note, r->errbuf,
                               sizeof r->errbuf) < 0)
                return fail(r, 400, r->errbuf);
            /* only prop repeats: a second min= (a script appending to a URL) was ignored, and
             * the first one answered */
            for (size_t j = 0; j < k && strcmp(r->params[k].key, "prop") != 0; j++)
                if (strcmp(r->params[j].key, r->params[k].key) == 0) {
                    snprintf(r->errbuf, sizeof r->errbuf,
                             "parameter '%s' given twice (%s takes it once; only prop repeats)",
                             r->params[k].key, p->route);
                    return fail(r, 400, r->errbuf);
                }
        }
        return 0;
    }
    return 0; /* not a /v1/ route: any parameter */
}

static int parse_query(srv_route *r, const char *q, size_t n, char **arena)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && q[j] != '&')
            j++;
        if (j > i) {
            if (r->nparams == SRV_MAX_PARAMS)
                return fail(r, 400, "too many query parameters");
            size_t eq = i;
            while (eq < j && q[eq] != '=')
                eq++;
            srv_param *p = &r->params[r->nparams];
            if (!(p->key = arena_decode(arena, q + i, eq - i, 1, NULL)))
                return fail(r, 400, "bad percent-encoding in a query parameter name");
            if (eq < j) {
                if (!(p->val = arena_decode(arena, q + eq + 1, j - eq - 1, 1, &p->vlen)))
                    return fail(r, 400,
                                "bad percent-encoding in a query parameter (UTF-8 "
                                "expected, no NUL)");
            } else {
                p->val = *arena;
                *(*arena)++ = '\0';
                p->vlen = 0;
            }
            r->nparams++;
        }
        i = j + 1;
    }
    return 0;
}

/* RFC 9112 §3.2.2: a server takes the absolute form of a request target (a proxy's form,
 * "http://localhost:8080/v1/?q=…"). Its authority goes to r->authority (what the Host check
 * reads instead of Host, §3.2.2) and *uri, *len to its path and query; a target without a
 * path is "/" (§3.2.1's rule for the query form of "http://h?x" included). 0, or -1 when the
 * target is absolute but unusable (another scheme, no host, user information). A target
 * starting with '/' (origin form) or '*' is left as it is. */
static int absolute_form(srv_route *r, const char **uri, size_t *len)
{
    const char *u = *uri;
    size_t n = *len, k = 0;
    if (n == 0 || u[0] == '/' || u[0] == '*')
        return 0;
    while (k < n && u[k] != ':' && u[k] != '/' && u[k] != '?')
        k++;
    if (k == n || u[k] != ':')
        return 0; /* not a URI: the origin-form check refuses it */
    if (!((k == 4 && strncasecmp(u, "http", 4) == 0) ||
          (k == 5 && strncasecmp(u, "https", 5) == 0)))
        return -1;
    if (n - k < 3 || u[k + 1] != '/' || u[k + 2] != '/')
        return -1;
    const char *a = u + k + 3, *end = u + n;
    size_t an = 0;
    while (a + an < end && a[an] != '/' && a[an] != '?')
        an++;
    if (an == 0 || memchr(a, '@', an) || memchr(a, '#', an))
        return -1;
    r->authority = a;
    r->authority_len = an;
    const char *p = a + an;
    if (p == end || *p == '?') { /* no path: "/" and the query, in a copy of their own */
        size_t qn = (size_t)(end - p);
        if (!(r->abs_target = malloc(qn + 2)))
            return -1;
        r->abs_target[0] = '/';
        memcpy(r->abs_target + 1, p, qn);
        r->abs_target[qn + 1] = '\0';
        *uri = r->abs_target;
        *len = qn + 1;
        return 0;
    }
    *uri = p;
    *len = (size_t)(end - p);
    return 0;
}

int srv_route_parse(srv_route *r, const char *method, const char *uri, size_t len)
{
    memset(r, 0, sizeof *r);
    r->method = method_bit(method);
    if (len > SRV_URI_MAX)
        return fail(r, 414, "request target too long");
    if (absolute_form(r, &uri, &len) < 0)
        return fail(r, 400,
                    "an absolute request target needs http:// or https://, a host and no "
                    "user name (http://HOST[:PORT]/PATH)");
    if (len == 0 || uri[0] != '/')
        return fail(r, 400, "the request target must be a path starting with '/'");
    if (memchr(uri, '#', len))
        return fail(r, 400, "a raw '#' in the request target (encode it as %23)");
    /* "//v1/query" is a base URL that ends in '/' joined with "/v1/query" (the --ready-file
     * address ended in '/' until 2026-12-07, and an address pasted from elsewhere may): taken
     * as the path it doubles, since no route starts with an empty segment (it was a 404) */
    while (len > 1 && uri[1] == '/') {
        uri++;
        len--;
    }
    if (!(r->arena = malloc(2 * len + 64)))
        return fail(r, 503, "out of memory");
    char *arena = r->arena;
    const char *qm = memchr(uri, '?', len);
    size_t plen = qm ? (size_t)(qm - uri) : len;
    int rc;
    if (qm && (rc = parse_query(r, qm + 1, len - plen - 1, &arena)) != 0)
        return rc;

    seg s[MAX_SEGS];
    size_t ns = 0;
    for (size_t i = 1; i <= plen;) { /* segments after the leading '/' */
        size_t j = i;
        /* the last segment takes the rest of the path, slashes and all: no route has that many
         * segments but the tmserver text, which is the rest of the path anyway */
        while (j < plen && (uri[j] != '/' || ns == MAX_SEGS - 1))
            j++;
        s[ns].p = uri + i;
        s[ns].n = j - i;
        ns++;
        i = j + 1;
    }
    if (ns == 0 || (ns == 1 && s[0].n == 0) || (ns == 1 && seg_is(&s[0], "index.html"))) {
        r->id = SRV_R_PAGE;
        r->allowed = SRV_M_GET | SRV_M_HEAD;
    } else if (ns == 1 && (seg_is(&s[0], "page.css") || seg_is(&s[0], "page.js"))) {
        r->id = SRV_R_ASSET;
        r->allowed = SRV_M_GET | SRV_M_HEAD;
        if (!(r->text = arena_decode(&arena, s[0].p, s[0].n, 0, &r->text_len)))
            return fail(r, 400, "bad percent-encoding");
    } else if (seg_is(&s[0], "tmserver")) {
        if ((rc = route_tmserver(r, s + 1, ns - 1, &arena)) != 0)
            return rc;
    } else if (ns >= 2 && seg_is(&s[0], "api") && seg_is(&s[1], "v1")) {
        if ((rc = route_tmserver(r, s + 2, ns - 2, &arena)) != 0)
            return rc;
    } else if (seg_is(&s[0], "v1")) {
        if ((rc = route_v1(r, s + 1, ns - 1, &arena)) != 0)
            return rc;
    } else {
        return fail(r, 404, "no such page (the API is under /tmserver/, /api/v1/ and /v1/)");
    }
    if (r->id == SRV_R_TMS_UNIT && !r->text) { /* …/unit/?source=TEXT */
        const char *src = srv_param_get(r, "source");
        if (src) {
            r->text = src;
            for (size_t i = 0; i < r->nparams; i++)
                if (r->params[i].val == src)
                    r->text_len = r->params[i].vlen;
        }
    }
    if (r->text && r->id == SRV_R_TMS_UNIT) {
        size_t cut = srv_utf8_cut(r->text, r->text_len, SRV_TEXT_MAX);
        if (cut < r->text_len) {
            ((char *)r->text)[cut] = '\0';
            r->text_len = cut;
            r->text_cut = 1;
        }
    }
    if (!(r->method & r->allowed) && r->method != SRV_M_OPTIONS)
        return fail(r, 405, "method not allowed on this route");
    /* a CORS preflight carries the request's target: refused, the browser would report a CORS
     * failure instead of the 400 that names the parameter */
    if (r->method != SRV_M_OPTIONS)
        return check_params(r);
    return 0;
}

void srv_route_free(srv_route *r)
{
    if (!r)
        return;
    free(r->arena);
    r->arena = NULL;
    free(r->abs_target);
    r->abs_target = NULL;
}

const char *srv_param_get(const srv_route *r, const char *key)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].key, key) == 0)
            return r->params[i].val;
    return NULL;
}

int serve_parse_tm(const char *arg, char **dir, int *penalty)
{
    const char *colon = strrchr(arg, ':');
    *penalty = 0;
    if (colon && colon[1]) {
        const char *p = colon + 1;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '\0') {
            long v;
            if (srv_parse_int(colon + 1, 0, 100, &v) < 0)
                return -1;
            *penalty = (int)v;
            *dir = jisr_strndup(arg, (size_t)(colon - arg));
            return *dir ? 0 : -1;
        }
    }
    *dir = jisr_strdup(arg);
    return *dir ? 0 : -1;
}
