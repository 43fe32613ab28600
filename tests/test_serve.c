/*
 * test_serve.c — the pure parts of `jisr serve`: the route parser and its decoding rules
 * (serve/route.c), the JSON request bodies (serve/body.c), the streamed-upload pipe
 * (serve/upload.c, with a reader thread and simulated suspend/resume) and the query threads'
 * queues (serve/pool.c: per-client and expensive-lane caps, the queue bound, deadlines, drain).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "serve/serve.h"
#include "serve/serve_int.h"
#include "serve/server.h"
#include "tm/tm.h"

static int parse(srv_route *r, const char *method, const char *uri)
{
    return srv_route_parse(r, method, uri, strlen(uri));
}

static void test_tmserver_routes(void **state)
{
    (void)state;
    srv_route r;
    /* Weblate: quote(part, safe="") — "/" as %2F, space %20, "+" %2B, "%" %25, "?" %3F, "#" %23 */
    assert_int_equal(parse(&r, "GET", "/tmserver/en/ar/unit/a%2Fb%20c%2Bd%25e%3Ff%23g"), 0);
    assert_int_equal(r.id, SRV_R_TMS_UNIT);
    assert_string_equal(r.sl, "en");
    assert_string_equal(r.tl, "ar");
    assert_string_equal(r.text, "a/b c+d%e?f#g");
    assert_int_equal(r.write, 0);
    srv_route_free(&r);
    /* Arabic, percent-encoded UTF-8; '+' in the path is a plus */
    assert_int_equal(
        parse(&r, "GET", "/api/v1/ar/en/unit/%D9%85%D8%B1%D8%AD%D8%A8%D8%A7+1?max_candidates=3"),
        0);
    assert_int_equal(r.id, SRV_R_TMS_UNIT);
    assert_string_equal(r.text, "مرحبا+1");
    assert_string_equal(srv_param_get(&r, "max_candidates"), "3");
    srv_route_free(&r);
    /* ?source= form, '+' is a space in a query string, %2B a plus */
    assert_int_equal(parse(&r, "GET", "/tmserver/en/ar/unit/?source=one+two%2Bthree&x"), 0);
    assert_string_equal(r.text, "one two+three");
    assert_string_equal(srv_param_get(&r, "x"), "");
    srv_route_free(&r);
    /* a client that left "/" unencoded: the rest of the path is the text */
    assert_int_equal(parse(&r, "GET", "/tmserver/en/ar/unit/and/or"), 0);
    assert_string_equal(r.text, "and/or");
    srv_route_free(&r);
    /* writes */
    assert_int_equal(parse(&r, "PUT", "/tmserver/en/ar/unit/x"), 0);
    assert_int_equal(r.write, 1);
    srv_route_free(&r);
    assert_int_equal(parse(&r, "POST", "/tmserver/en/ar/store/"), 0);
    assert_int_equal(r.id, SRV_R_TMS_STORE);
    assert_int_equal(r.write, 1);
    srv_route_free(&r);
    assert_int_equal(parse(&r, "GET", "/tmserver/en/ar/store/"), 405);
    srv_route_free(&r);
    assert_int_equal(parse(&r, "GET", "/tmserver/languages/"), 0);
    assert_int_equal(r.id, SRV_R_TMS_LANGS);
    srv_route_free(&r);
    assert_int_equal(parse(&r, "GET", "/api/v1/languages"), 0);
    assert_int_equal(r.id, SRV_R_TMS_LANGS);
    srv_route_free(&r);
    assert_int_equal(parse(&r, "GET", "/tmserver/en/ar/nope/x"), 404);
    srv_route_free(&r);
    assert_int_equal(parse(&r, "DELETE", "/tmserver/en/ar/unit/x"), 405);
    srv_route_free(&r);
}

static void test_v1_routes(void **state)
{
    (void)state;
    srv_route r;
    static const struct {
        const char *method, *uri;
        int status, id, write;
    } t[] = {
        {"GET", "/v1/", 0, SRV_R_V1_INFO, 0},
        {"GET", "/v1", 0, SRV_R_V1_INFO, 0},
        {"GET", "/v1/query?q=x&source=en&target=ar", 0, SRV_R_V1_QUERY, 0},
        {"POST", "/v1/query", 0, SRV_R_V1_QUERY, 0},
        {"GET", "/v1/concord/", 0, SRV_R_V1_CONCORD, 0},
        {"GET", "/v1/stats", 0, SRV_R_V1_STATS, 0},
        {"HEAD", "/v1/stats", 0, SRV_R_V1_STATS, 0},
        {"GET", "/v1/languages", 0, SRV_R_V1_LANGS, 0},
        {"GET", "/v1/units/42", 0, SRV_R_V1_UNIT, 0},
        {"DELETE", "/v1/units/42", 0, SRV_R_V1_UNIT, 1},
        {"GET", "/v1/units/0", 404, 0, 0},
        {"GET", "/v1/units/4294967296", 404, 0, 0},
        {"GET", "/v1/units/x1", 404, 0, 0},
        {"POST", "/v1/delete", 0, SRV_R_V1_DELETE, 1},
        {"GET", "/v1/delete", 405, 0, 0},
        {"POST", "/v1/import?format=tmx", 0, SRV_R_V1_IMPORT, 1},
        {"PUT", "/v1/import", 0, SRV_R_V1_IMPORT, 1},
        {"GET", "/v1/export?source=ar", 0, SRV_R_V1_EXPORT, 0},
        {"PATCH", "/v1/stats", 405, 0, 0},
        {"OPTIONS", "/v1/stats", 0, SRV_R_V1_STATS, 0},
        {"GET", "/v1/nothing", 404, 0, 0},
        /* a base URL ending in '/' joined with "/v1/…": the path it doubles */
        {"GET", "//v1/stats", 0, SRV_R_V1_STATS, 0},
        {"GET", "///v1/query?q=x&source=en&target=ar", 0, SRV_R_V1_QUERY, 0},
        {"DELETE", "//v1/units/42", 0, SRV_R_V1_UNIT, 1},
        {"GET", "//tmserver/languages/", 0, SRV_R_TMS_LANGS, 0},
        {"GET", "//", 0, SRV_R_PAGE, 0},
        {"GET", "//etc/passwd", 404, 0, 0},
        {"GET", "/", 0, SRV_R_PAGE, 0},
        {"GET", "/index.html", 0, SRV_R_PAGE, 0},
        {"GET", "/page.js", 0, SRV_R_ASSET, 0},
        {"GET", "/etc/passwd", 404, 0, 0},
        {"GET", "/../../etc/passwd", 404, 0, 0},
        {"GET", "/page.js/../../x", 404, 0, 0},
        {"POST", "/", 405, 0, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int rc = parse(&r, t[i].method, t[i].uri);
        if (rc != t[i].status)
            fail_msg("%s %s: %d, expected %d", t[i].method, t[i].uri, rc, t[i].status);
        if (rc == 0) {
            assert_int_equal(r.id, t[i].id);
            assert_int_equal(r.write, t[i].write);
        }
        srv_route_free(&r);
    }
    assert_int_equal(parse(&r, "GET", "/v1/units/42"), 0);
    assert_int_equal(r.unit_id, 42);
    srv_route_free(&r);
}

/* every /v1/ route refuses a query parameter it does not know (a misspelt filter answered
 * another question: min_score gave the matches from 70), naming it; the tmserver routes, the
 * page and a CORS preflight take any */
static void test_v1_unknown_params(void **state)
{
    (void)state;
    srv_route r;
    static const struct {
        const char *method, *uri, *name; /* name: the one refused, NULL: taken */
    } t[] = {
        {"GET", "/v1/query?q=x&source=en&target=ar&min_score=90", "min_score"},
        {"HEAD", "/v1/query?q=x&source=en&target=ar&min_score=90", "min_score"},
        {"GET", "/v1/query?q=x&source=en&target=ar&changed_before=2024-01-01", "changed_before"},
        {"GET", "/v1/query?q=x&source=en&target=ar&changed-since=2024-01-01", "changed-since"},
        {"POST", "/v1/query?min=100", "min"},
        {"GET", "/v1/concord?q=x&lang=en&limit=5", "limit"},
        {"GET", "/v1/stats?tmm=b", "tmm"},
        {"GET", "/v1/stats?=b", ""},
        {"GET", "/v1/languages?tm=b", "tm"},
        {"GET", "/v1/?verbose=1", "verbose"},
        {"GET", "/v1/units/1?tmm=b", "tmm"},
        {"DELETE", "/v1/units/1?tmm=b", "tmm"},
        {"POST", "/v1/delete?ids=1", "ids"},
        {"POST", "/v1/import?format=tsv&source=en&target=ar&skip-bad=1", "skip-bad"},
        {"PUT", "/v1/import?format=tmx&tm=b", "tm"},
        /* every name each route documents (docs/serve.md) */
        {"GET",
         "/v1/query?q=x&source=en&target=ar&min=70&max=5&exhaustive=1&tm=a&prop=a=b&"
         "changed_since=2024-01-01&tags=none&format=json",
         NULL},
        {"GET", "/v1/concord?q=x&lang=en&max=5&width=40&tm=a", NULL},
        {"GET", "/v1/stats?tm=a", NULL},
        {"GET", "/v1/units/1?tm=a", NULL},
        {"DELETE", "/v1/units/1?tm=a", NULL},
        {"POST", "/v1/import?format=tsv&source=en&target=ar&skip_bad=1", NULL},
        {"GET",
         "/v1/export?tm=a&source=en&target=ar&prop=a=b&changed_since=2024-01-01&"
         "changed_before=2025-01-01",
         NULL},
        /* a preflight carries the request's target: answered, so that the 400 reaches the
         * browser; the routes of other clients take what they send */
        {"OPTIONS", "/v1/query?q=x&zz=1", NULL},
        {"GET", "/tmserver/en/ar/unit/x?min_similarity=70&foo=1", NULL},
        {"GET", "/api/v1/en/ar/unit/?source=x&foo=1", NULL},
        {"GET", "/tmserver/languages/?foo=1", NULL},
        {"GET", "/?foo=1", NULL},
        {"GET", "/page.js?v=2", NULL},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int rc = parse(&r, t[i].method, t[i].uri);
        if (!t[i].name && rc != 0)
            fail_msg("%s %s: %d (%s), expected 0", t[i].method, t[i].uri, rc, r.error);
        if (t[i].name) {
            char want[96];
            snprintf(want, sizeof want, "unknown parameter '%s'", t[i].name);
            if (rc != 400 || !r.error || !strstr(r.error, want))
                fail_msg("%s %s: %d (%s), expected 400 naming '%s'", t[i].method, t[i].uri, rc,
                         r.error ? r.error : "", t[i].name);
        }
        srv_route_free(&r);
    }
    /* a long name is cut (at a character) in the message, which stays UTF-8 */
    jisr_buf b = {0};
    jisr_buf_puts(&b, "/v1/stats?");
    for (int i = 0; i < 200; i++)
        jisr_buf_puts(&b, "%D8%A8");
    assert_int_equal(parse(&r, "GET", b.data), 400);
    assert_non_null(strstr(r.error, "unknown parameter 'بببب"));
    assert_non_null(strstr(r.error, "…' (/v1/stats takes tm)"));
    assert_true(srv_utf8_valid(r.error, strlen(r.error)));
    srv_route_free(&r);
    jisr_buf_free(&b);
    /* and the keys of a POST's body */
    char err[512];
    srv_query_req q;
    static const struct {
        const char *body, *name;
    } qb[] = {
        {"{\"q\":\"x\",\"source\":\"en\",\"target\":\"ar\",\"min_score\":90}", "min_score"},
        {"{\"texts\":[\"x\"],\"source\":\"en\",\"target\":\"ar\",\"changed_before\":\"2024\"}",
         "changed_before"},
        {"{\"text\":\"x\",\"source\":\"en\",\"target\":\"ar\"}", "text"},
    };
    for (size_t i = 0; i < sizeof qb / sizeof qb[0]; i++) {
        char want[96];
        snprintf(want, sizeof want, "unknown key \"%s\"", qb[i].name);
        err[0] = '\0';
        if (srv_body_v1_query(qb[i].body, strlen(qb[i].body), &q, err, sizeof err) != -1 ||
            !strstr(err, want))
            fail_msg("%s: '%s', expected -1 naming %s", qb[i].body, err, qb[i].name);
    }
    const char *all = "{\"q\":\"x\",\"source\":\"en\",\"target\":\"ar\",\"min\":70,\"max\":5,"
                      "\"exhaustive\":false,\"tm\":\"a\",\"props\":[\"a=b\"],"
                      "\"changed_since\":\"2024-01-01\",\"tags\":\"none\",\"format\":\"json\"}";
    assert_int_equal(srv_body_v1_query(all, strlen(all), &q, err, sizeof err), 0);
    srv_query_req_free(&q);
    uint64_t *ids;
    size_t n;
    const char *del = "{\"id\":[1]}";
    err[0] = '\0';
    assert_int_equal(srv_body_v1_ids(del, strlen(del), &ids, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown key \"id\""));
}

static void test_decoding_errors(void **state)
{
    (void)state;
    srv_route r;
    static const char *const bad[] = {
        "/tmserver/en/ar/unit/%",
        "/tmserver/en/ar/unit/%4",
        "/tmserver/en/ar/unit/%zz",
        "/tmserver/en/ar/unit/%00",
        "/tmserver/en/ar/unit/%FF",
        "/tmserver/en/ar/unit/%C0%80",
        "/tmserver/en/ar/unit/%ED%A0%80",
        "/tmserver/en/ar/unit/x#y",
        "/v1/query?q=%D9",
        "/v1/query?q=a%00b",
        "nopath",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = parse(&r, "GET", bad[i]);
        if (rc != 400)
            fail_msg("'%s': %d, expected 400", bad[i], rc);
        assert_non_null(r.error);
        srv_route_free(&r);
    }
    /* the request target is bounded */
    size_t n = SRV_URI_MAX + 1;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    memcpy(big, "/v1/query?q=", 12);
    big[n] = '\0';
    assert_int_equal(parse(&r, "GET", big), 414);
    srv_route_free(&r);
    big[n - 1] = '\0';
    assert_int_equal(parse(&r, "GET", big), 0);
    srv_route_free(&r);
    free(big);
    /* too many parameters */
    char q[2048] = "/v1/stats?";
    for (int i = 0; i <= SRV_MAX_PARAMS; i++)
        strcat(q, "a=1&");
    assert_int_equal(parse(&r, "GET", q), 400);
    srv_route_free(&r);
}

static void test_text_cut(void **state)
{
    (void)state;
    /* 1,200 Arabic letters percent-encoded: cut at SRV_TEXT_MAX characters, on a boundary */
    size_t k = 1200;
    char *uri = malloc(32 + k * 6 + 1);
    strcpy(uri, "/tmserver/ar/en/unit/");
    char *w = uri + strlen(uri);
    for (size_t i = 0; i < k; i++, w += 6)
        memcpy(w, "%D8%A8", 6);
    *w = '\0';
    srv_route r;
    assert_int_equal(parse(&r, "GET", uri), 0);
    assert_int_equal(r.text_cut, 1);
    assert_int_equal(r.text_len, SRV_TEXT_MAX * 2);
    assert_int_equal(strlen(r.text), SRV_TEXT_MAX * 2);
    assert_true(srv_utf8_valid(r.text, r.text_len));
    srv_route_free(&r);
    free(uri);
    assert_int_equal(srv_utf8_cut("abc", 3, 5), 3);
    assert_int_equal(srv_utf8_cut("بيت", 6, 2), 4);
}

static void test_languages(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(srv_lang_normalize("pt_BR", out, sizeof out), 0);
    assert_string_equal(out, "pt-br");
    assert_int_equal(srv_lang_normalize("AR", out, sizeof out), 0);
    assert_string_equal(out, "ar");
    assert_int_equal(srv_lang_normalize("sr@latin", out, sizeof out), 0);
    assert_string_equal(out, "sr-latin");
    assert_int_equal(srv_lang_normalize("zh-Hant-TW", out, sizeof out), 0);
    assert_string_equal(out, "zh-hant-tw");
    static const char *const bad[] = {
        "", "-", "a-", "1ab", "ar en", "ar/en", "toolongsubtag", "ar--en", "ar%2Fen", "é"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(srv_lang_normalize(bad[i], out, sizeof out), -1);
    srv_lang_weblate("pt-BR", out, sizeof out);
    assert_string_equal(out, "pt_br");
}

static void test_token_and_numbers(void **state)
{
    (void)state;
    assert_true(srv_token_equal("secret-token", 12, "secret-token", 12));
    assert_false(srv_token_equal("secret-tokem", 12, "secret-token", 12));
    assert_false(srv_token_equal("secret", 6, "secret-token", 12));
    assert_false(srv_token_equal("secret-token-and-more", 21, "secret-token", 12));
    assert_false(srv_token_equal("", 0, "secret-token", 12));
    assert_false(srv_token_equal("", 0, "", 0));
    long v;
    assert_int_equal(srv_parse_int("75", 0, 100, &v), 0);
    assert_int_equal(v, 75);
    assert_int_equal(srv_parse_int("101", 0, 100, &v), -1);
    assert_int_equal(srv_parse_int("7x", 0, 100, &v), -1);
    assert_int_equal(srv_parse_int("", 0, 100, &v), -1);
    assert_int_equal(srv_parse_int("-1", 0, 100, &v), -1);
    assert_int_equal(srv_parse_int("99999999999999999999", 0, 100, &v), -1);
    char *dir;
    int pen;
    assert_int_equal(serve_parse_tm("/srv/tm:10", &dir, &pen), 0);
    assert_string_equal(dir, "/srv/tm");
    assert_int_equal(pen, 10);
    free(dir);
    assert_int_equal(serve_parse_tm("/srv/tm", &dir, &pen), 0);
    assert_string_equal(dir, "/srv/tm");
    assert_int_equal(pen, 0);
    free(dir);
    assert_int_equal(serve_parse_tm("/srv/a:b", &dir, &pen), 0);
    assert_string_equal(dir, "/srv/a:b");
    free(dir);
    assert_int_equal(serve_parse_tm("/srv/tm:101", &dir, &pen), -1);
}

static void test_bodies(void **state)
{
    (void)state;
    char err[256];
    jisr_unit u;
    const char *one = "{\"source\":\"Hello\",\"target\":\"مرحبا\",\"context\":\"greeting\"}";
    assert_int_equal(srv_body_tms_unit(one, strlen(one), "en", "ar", &u, err, sizeof err), 0);
    assert_int_equal(u.nvariants, 2);
    assert_string_equal(u.variants[0].lang, "en");
    assert_string_equal(u.variants[1].text, "مرحبا");
    assert_int_equal(u.meta.nprops, 1);
    assert_string_equal(u.meta.props[0].type, "x-context");
    assert_string_equal(u.meta.props[0].value, "greeting");
    jisr_unit_clear(&u);
    static const char *const bad[] = {"",
                                      "[]",
                                      "{}",
                                      "{\"source\":\"a\"}",
                                      "{\"source\":\"a\",\"target\":\"\"}",
                                      "{\"source\":1,\"target\":\"b\"}",
                                      "{\"source\":\"a\",\"target\":\"b\",\"context\":[]}",
                                      "{\"source\":\"a\\u0000\",\"target\":\"b\"}",
                                      "{\"source\":\"a\",\"source\":\"b\"}",
                                      "{\"source\":\"\xff\",\"target\":\"b\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (srv_body_tms_unit(bad[i], strlen(bad[i]), "en", "ar", &u, err, sizeof err) != -1)
            fail_msg("accepted: %s", bad[i]);
        assert_true(err[0] != '\0');
    }
    jisr_unit *v;
    size_t n;
    const char *list = "[{\"source\":\"a\",\"target\":\"b\"},{\"source\":\"c\",\"target\":\"d\"}]";
    assert_int_equal(srv_body_tms_store(list, strlen(list), "en", "ar", &v, &n, err, sizeof err),
                     0);
    assert_int_equal(n, 2);
    assert_string_equal(v[1].variants[1].text, "d");
    for (size_t i = 0; i < n; i++)
        jisr_unit_clear(&v[i]);
    free(v);
    const char *badlist = "[{\"source\":\"a\",\"target\":\"b\"},{\"source\":\"c\"}]";
    assert_int_equal(
        srv_body_tms_store(badlist, strlen(badlist), "en", "ar", &v, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "item 1"));

    srv_query_req q;
    const char *qb = "{\"texts\":[\"a\",\"ب\"],\"source\":\"en\",\"target\":\"ar\",\"min\":50,"
                     "\"max\":3,\"exhaustive\":true}";
    assert_int_equal(srv_body_v1_query(qb, strlen(qb), &q, err, sizeof err), 0);
    assert_int_equal(q.ntexts, 2);
    assert_string_equal(q.texts[1], "ب");
    assert_int_equal(q.min, 50);
    assert_int_equal(q.max, 3);
    assert_int_equal(q.exhaustive, 1);
    srv_query_req_free(&q);
    const char *q1 = "{\"q\":\"x\"}";
    assert_int_equal(srv_body_v1_query(q1, strlen(q1), &q, err, sizeof err), 0);
    assert_int_equal(q.ntexts, 1);
    assert_int_equal(q.min, -1);
    assert_int_equal(q.single, 1);
    assert_int_equal(q.tags, JISR_TM_MARKUP_NONE); /* jisr query's defaults */
    assert_int_equal(q.format, SRV_QFMT_JSON);
    srv_query_req_free(&q);
    /* jisr query's --tags and --format */
    const char *qt = "{\"texts\":[\"a {0}\"],\"tags\":\"braces\",\"format\":\"tmx\"}";
    assert_int_equal(srv_body_v1_query(qt, strlen(qt), &q, err, sizeof err), 0);
    assert_int_equal(q.single, 0);
    assert_int_equal(q.tags, JISR_TM_MARKUP_BRACES);
    assert_int_equal(q.format, SRV_QFMT_TMX);
    srv_query_req_free(&q);
    static const char *const badt[] = {
        "{\"q\":\"x\",\"tags\":\"html\"}", "{\"q\":\"x\",\"tags\":true}",
        "{\"q\":\"x\",\"format\":\"TMX\"}", "{\"q\":\"x\",\"format\":[\"json\"]}"};
    for (size_t i = 0; i < sizeof badt / sizeof badt[0]; i++) {
        assert_int_equal(srv_body_v1_query(badt[i], strlen(badt[i]), &q, err, sizeof err), -1);
        assert_true(strstr(err, "\"tags\"") || strstr(err, "\"format\""));
    }
    assert_int_equal(srv_query_tags_mode("tmx"), JISR_TM_MARKUP_TMX);
    assert_int_equal(srv_query_tags_mode("none"), JISR_TM_MARKUP_NONE);
    assert_int_equal(srv_query_tags_mode("Tmx"), -1);
    assert_int_equal(srv_query_tags_mode(NULL), -1);
    assert_int_equal(srv_query_format("text"), SRV_QFMT_TEXT);
    assert_int_equal(srv_query_format(""), -1);
    static const char *const badq[] = {"{\"q\":\"x\",\"texts\":[\"y\"]}",
                                       "{\"texts\":[]}",
                                       "{\"texts\":[1]}",
                                       "{\"q\":\"x\",\"min\":101}",
                                       "{\"q\":\"x\",\"max\":0}",
                                       "{\"q\":\"x\",\"exhaustive\":1}",
                                       "[\"x\"]"};
    for (size_t i = 0; i < sizeof badq / sizeof badq[0]; i++)
        assert_int_equal(srv_body_v1_query(badq[i], strlen(badq[i]), &q, err, sizeof err), -1);

    uint64_t *ids;
    const char *ib = "{\"ids\":[3,1,4294967295]}";
    assert_int_equal(srv_body_v1_ids(ib, strlen(ib), &ids, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(ids[2], 4294967295ULL);
    free(ids);
    static const char *const badi[] = {"{\"ids\":[]}", "{\"ids\":[0]}", "{\"ids\":[1.5]}",
                                       "{\"ids\":[4294967296]}", "{\"ids\":\"1\"}", "[1]",
                                       /* a filter the delete does not have: refused, not the
                                        * ids deleted whatever it meant */
                                       "{\"ids\":[1],\"props\":[\"client=x\"]}"};
    for (size_t i = 0; i < sizeof badi / sizeof badi[0]; i++)
        assert_int_equal(srv_body_v1_ids(badi[i], strlen(badi[i]), &ids, &n, err, sizeof err), -1);
}

/* ---- the upload pipe -------------------------------------------------------------------- */

typedef struct pipe_test {
    srv_upload *u;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int suspended, suspends, resumes;
    unsigned char *got;
    size_t ngot;
    long last;
    int err;
} pipe_test;

static void t_suspend(void *c)
{
    pipe_test *t = c;
    pthread_mutex_lock(&t->mu);
    assert_int_equal(t->suspended, 0);
    t->suspended = 1;
    t->suspends++;
    pthread_mutex_unlock(&t->mu);
}

static void t_resume(void *c)
{
    pipe_test *t = c;
    pthread_mutex_lock(&t->mu);
    assert_int_equal(t->suspended, 1); /* never resumed unless suspended */
    t->suspended = 0;
    t->resumes++;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

static void *reader(void *arg)
{
    pipe_test *t = arg;
    char buf[777];
    for (;;) {
        long k = srv_upload_read(t->u, buf, sizeof buf);
        t->last = k;
        if (k <= 0) {
            t->err = errno;
            break;
        }
        memcpy(t->got + t->ngot, buf, (size_t)k);
        t->ngot += (size_t)k;
        if (t->ngot % 5 == 0) {
            struct timespec ts = {0, 50000};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

static void run_pipe(pipe_test *t, size_t total, int abort_at_half)
{
    unsigned char *data = malloc(total);
    for (size_t i = 0; i < total; i++)
        data[i] = (unsigned char)(i * 131 + 7);
    t->got = calloc(total, 1);
    assert_int_equal(srv_upload_new(&t->u, 4096), 0);
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    srv_upload_set_waiter(t->u, t_suspend, t_resume, t);
    pthread_t th;
    pthread_create(&th, NULL, reader, t);
    size_t off = 0;
    while (off < total) {
        if (abort_at_half && off >= total / 2) {
            srv_upload_abort(t->u);
            break;
        }
        size_t n = total - off < 1500 ? total - off : 1500;
        size_t took = srv_upload_push(t->u, (const char *)data + off, n);
        off += took;
        pthread_mutex_lock(&t->mu); /* like libmicrohttpd: wait while suspended */
        while (t->suspended)
            pthread_cond_wait(&t->cv, &t->mu);
        pthread_mutex_unlock(&t->mu);
    }
    if (!abort_at_half)
        srv_upload_finish(t->u);
    pthread_join(th, NULL);
    if (!abort_at_half) {
        assert_int_equal(t->last, 0);
        assert_int_equal(t->ngot, total);
        assert_memory_equal(t->got, data, total);
        assert_int_equal(srv_upload_bytes(t->u), total);
        assert_true(t->suspends > 0); /* the 4 KiB ring was full many times */
        assert_int_equal(t->suspends, t->resumes);
    } else {
        assert_int_equal(t->last, -1);
        assert_int_equal(t->err, ECONNABORTED);
        assert_true(srv_upload_aborted(t->u));
    }
    srv_upload_release(t->u);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t->got);
    free(data);
}

static void test_upload_pipe(void **state)
{
    (void)state;
    pipe_test t;
    memset(&t, 0, sizeof t);
    run_pipe(&t, 1000003, 0);
    memset(&t, 0, sizeof t);
    run_pipe(&t, 200000, 1);
    /* a reader that stops: the rest is dropped, a waiting writer is resumed */
    srv_upload *u;
    assert_int_equal(srv_upload_new(&u, 16), 0);
    assert_int_equal(srv_upload_push(u, "0123456789abcdefXYZ", 19), 16);
    srv_upload_close_reader(u);
    assert_int_equal(srv_upload_push(u, "XYZ", 3), 3);
    srv_upload_release(u);
    /* the FILE* view reads the whole body, then EOF */
    assert_int_equal(srv_upload_new(&u, 64), 0);
    srv_upload_push(u, "line one\nline two\n", 18);
    srv_upload_finish(u);
    FILE *f = srv_upload_file(u);
    char line[32];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "line one\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_null(fgets(line, sizeof line, f));
    assert_false(ferror(f));
    fclose(f);
    srv_upload_release(u);
    /* an aborted body is a read error for the FILE*, never a shorter file */
    assert_int_equal(srv_upload_new(&u, 64), 0);
    srv_upload_push(u, "partial", 7);
    srv_upload_abort(u);
    f = srv_upload_file(u);
    assert_null(fgets(line, sizeof line, f));
    assert_true(ferror(f));
    fclose(f);
    srv_upload_release(u);
}

/* RFC 9112 §3.2.2: the absolute form of a target is its path, its host in r.authority; a
 * tmserver text takes the rest of the path whatever its slashes */
static void test_absolute_and_long_paths(void **state)
{
    (void)state;
    srv_route r;
    assert_int_equal(srv_route_parse(&r, "GET", "http://localhost/v1/", 20), 0);
    assert_int_equal(r.id, SRV_R_V1_INFO);
    assert_int_equal(r.authority_len, 9);
    assert_memory_equal(r.authority, "localhost", 9);
    srv_route_free(&r);
    const char *u = "HTTPS://127.0.0.1:8080/v1/query?q=a%20b&source=en&target=ar";
    assert_int_equal(srv_route_parse(&r, "GET", u, strlen(u)), 0);
    assert_int_equal(r.id, SRV_R_V1_QUERY);
    assert_string_equal(srv_param_get(&r, "q"), "a b");
    assert_memory_equal(r.authority, "127.0.0.1:8080", 14);
    srv_route_free(&r);
    u = "http://localhost:8080//v1/stats"; /* a doubled slash: the path it doubles */
    assert_int_equal(srv_route_parse(&r, "GET", u, strlen(u)), 0);
    assert_int_equal(r.id, SRV_R_V1_STATS);
    srv_route_free(&r);
    u = "http://localhost?x=1"; /* no path: "/" */
    assert_int_equal(srv_route_parse(&r, "GET", u, strlen(u)), 0);
    assert_int_equal(r.id, SRV_R_PAGE);
    assert_string_equal(srv_param_get(&r, "x"), "1");
    srv_route_free(&r);
    static const char *const bad[] = {"ftp://localhost/v1/", "http:/localhost/v1/", "http:///v1/",
                                      "http://user@localhost/v1/", "localhost/v1/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(srv_route_parse(&r, "GET", bad[i], strlen(bad[i])), 400);
        srv_route_free(&r);
    }
    assert_int_equal(srv_route_parse(&r, "GET", "/v1/", 4), 0);
    assert_null(r.authority);
    srv_route_free(&r);
    /* 100 unencoded slashes: the text is the rest of the path */
    jisr_buf b = {0}, want = {0};
    jisr_buf_puts(&b, "/tmserver/en/ar/unit/a");
    jisr_buf_puts(&want, "a");
    for (int i = 0; i < 100; i++) {
        jisr_buf_puts(&b, "/b");
        jisr_buf_puts(&want, "/b");
    }
    assert_int_equal(srv_route_parse(&r, "GET", b.data, b.len), 0);
    assert_int_equal(r.id, SRV_R_TMS_UNIT);
    assert_string_equal(r.text, want.data);
    srv_route_free(&r);
    jisr_buf_free(&b);
    jisr_buf_free(&want);
}

/* the library's word diff into runs: its markers told from the stored text's own */
static void split(const char *d, const char *s, const char *want)
{
    srv_diff_run *v;
    size_t n;
    jisr_buf b = {0};
    assert_int_equal(srv_diff_split(d, strlen(d), s, strlen(s), &v, &n), 0);
    for (size_t i = 0; i < n; i++)
        jisr_buf_printf(&b, "%c%.*s|", v[i].op, (int)v[i].len, d + v[i].off);
    assert_string_equal(b.data ? b.data : "", want);
    jisr_buf_free(&b);
    free(v);
}

static void test_diff_split(void **state)
{
    (void)state;
    split("the [-big-] house is [-blue-]{+red+}", "the house is red",
          "=the |-big|= house is |-blue|+red|");
    /* a stored text holding the markers itself, matched as it is */
    split("wdiff shows [-removed-] and {+added+} words",
          "wdiff shows [-removed-] and {+added+} words",
          "=wdiff shows [-removed-] and {+added+} words|");
    /* the stored markers inside insertions, a deleted query token that holds "-]" */
    split("a {+[-x-]+} b", "a [-x-] b", "=a |+[-x-]|= b|");
    split("a [-q-]-] b", "a b", "=a |-q-]|= b|");
    split("", "", "");
    srv_diff_run *v;
    size_t n;
    assert_int_equal(srv_diff_split("a [-b-]", 7, "a c", 3, &v, &n), -1); /* not s's diff */
}

/* rendered runs tidied: ops and texts "op text|op text|…" in, the same out */
static void tidy(const char *in, const char *q, const char *want)
{
    srv_diff_text v[16];
    size_t n = 0;
    for (const char *p = in; *p; n++) {
        const char *e = strchr(p, '|');
        assert_non_null(e);
        v[n].op = p[0];
        v[n].s = jisr_strndup(p + 1, (size_t)(e - p - 1));
        v[n].n = (size_t)(e - p - 1);
        p = e + 1;
    }
    assert_int_equal(srv_diff_tidy(v, &n, q, q ? strlen(q) : 0), 0);
    jisr_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        jisr_buf_printf(&b, "%c%s|", v[i].op, v[i].s);
        free(v[i].s);
    }
    assert_string_equal(b.data ? b.data : "", want);
    jisr_buf_free(&b);
}

static void test_diff_tidy(void **state)
{
    (void)state;
    /* markup pasted into the query against a stored text with <bpt>/<ept> (the stored tags
     * render as nothing): the query and the stored text exactly, no "<b >", no empty run */
    tidy("=Click |-<b|= |->|+|=Save|-</b>|+|= to keep.|", "Click <b>Save</b> to keep.",
         "=Click |-<b>|=Save|-</b>|= to keep.|");
    /* no space before the tag in the query: the stored one is the stored text's alone */
    tidy("=Click|-<b|= |->|+|=Save|", "Click<b>Save", "=Click|+ |-<b>|=Save|");
    /* the query has the space between the two tokens: kept */
    tidy("=Click |-<b|= |->|+|=Save|", "Click <b >Save", "=Click |-<b|= |->|=Save|");
    /* an ordinary diff is left as it is */
    tidy("=the |-big|= house is |-blue|+red|", "the big house is blue",
         "=the |-big|= house is |-blue|+red|");
    /* without the query, only the empty runs go (and their neighbours join) */
    tidy("=a |+|=b|-c|", NULL, "=a b|-c|");
    tidy("", "x", "");
}

/* ---- the query threads (pool.c) --------------------------------------------------------- */

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Jobs that block in run() until released, so that what runs at once can be counted. */
typedef struct pool_test {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int running, heavy_running, max_running, started, open;
    int order[64]; /* ids in the order they started */
} pool_test;

typedef struct tjob {
    srv_qjob j; /* first */
    pool_test *t;
    int id, ran, why, release;
} tjob;

static void tjob_run(srv_qjob *jj)
{
    tjob *j = (tjob *)jj;
    pool_test *t = j->t;
    pthread_mutex_lock(&t->mu);
    t->running++;
    t->heavy_running += j->j.heavy;
    if (t->running > t->max_running)
        t->max_running = t->running;
    t->order[t->started++ % 64] = j->id;
    pthread_cond_broadcast(&t->cv);
    while (!t->open && !j->release)
        pthread_cond_wait(&t->cv, &t->mu);
    t->running--;
    t->heavy_running -= j->j.heavy;
    j->ran = 1;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

static void tjob_cancel(srv_qjob *jj, int why)
{
    tjob *j = (tjob *)jj;
    pthread_mutex_lock(&j->t->mu);
    j->why = why;
    pthread_cond_broadcast(&j->t->cv);
    pthread_mutex_unlock(&j->t->mu);
}

static void tjob_init(tjob *j, pool_test *t, int id, const char *client, int heavy, double ttl)
{
    memset(j, 0, sizeof *j);
    j->t = t;
    j->id = id;
    j->j.run = tjob_run;
    j->j.cancel = tjob_cancel;
    snprintf(j->j.client, sizeof j->j.client, "%s", client);
    j->j.heavy = heavy;
    j->j.deadline = jisr_now() + ttl;
}

/* wait (up to 5 s) until n jobs have started; then 50 ms more, in which no other may start */
static int started_settled(pool_test *t, int n)
{
    double end = jisr_now() + 5;
    pthread_mutex_lock(&t->mu);
    while (t->started < n && jisr_now() < end) {
        pthread_mutex_unlock(&t->mu);
        sleep_us(1000);
        pthread_mutex_lock(&t->mu);
    }
    pthread_mutex_unlock(&t->mu);
    sleep_us(50000);
    pthread_mutex_lock(&t->mu);
    int got = t->started;
    pthread_mutex_unlock(&t->mu);
    return got;
}

static void release(pool_test *t, tjob *j)
{
    pthread_mutex_lock(&t->mu);
    j->release = 1;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

/* let every job run, and wait (up to 5 s) until none is left: srv_pool_stop would cancel the
 * waiting ones */
static void open_all(pool_test *t, srv_pool *p)
{
    pthread_mutex_lock(&t->mu);
    t->open = 1;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    double end = jisr_now() + 5;
    int run = 1, wait = 1;
    while ((run || wait) && jisr_now() < end) {
        srv_pool_load(p, &run, &wait);
        sleep_us(1000);
    }
}

static void pool_test_init(pool_test *t)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
}

/* one client runs at most threads - 1 jobs of a lane; another client gets the last thread; the
 * client with fewer jobs running goes first; expensive jobs have threads of their own */
static void test_pool_caps(void **state)
{
    (void)state;
    pool_test t;
    pool_test_init(&t);
    srv_pool *p;
    assert_int_equal(srv_pool_start(&p, 4, 2, 64), 0);
    tjob a[6], b[2], h[6];
    for (int i = 0; i < 6; i++) {
        tjob_init(&a[i], &t, i, "10.0.0.1", 0, 60);
        assert_int_equal(srv_pool_submit(p, &a[i].j), 0);
    }
    assert_int_equal(started_settled(&t, 3), 3); /* 4 threads, one client: 3 */
    int run, wait;
    srv_pool_load(p, &run, &wait);
    assert_int_equal(run, 3);
    assert_int_equal(wait, 3);
    tjob_init(&b[0], &t, 10, "10.0.0.2", 0, 60);
    assert_int_equal(srv_pool_submit(p, &b[0].j), 0);
    assert_int_equal(started_settled(&t, 4), 4); /* the other client: the 4th thread */
    assert_int_equal(t.order[3], 10);
    /* a thread freed by client 1 goes to client 2 (one running, against 3) before client 1 */
    tjob_init(&b[1], &t, 11, "10.0.0.2", 0, 60);
    assert_int_equal(srv_pool_submit(p, &b[1].j), 0);
    release(&t, &a[0]);
    assert_int_equal(started_settled(&t, 5), 5);
    assert_int_equal(t.order[4], 11);
    open_all(&t, p);
    for (int i = 0; i < 6; i++)
        assert_true(a[i].ran);
    assert_true(b[0].ran && b[1].ran);
    srv_pool_stop(p);

    /* expensive jobs: their 2 threads, one job of each client (a client runs 1 of 2); cheap
     * ones of the same clients still run, on the cheap lane's threads */
    pool_test_init(&t);
    assert_int_equal(srv_pool_start(&p, 4, 2, 64), 0);
    for (int i = 0; i < 6; i++) {
        tjob_init(&h[i], &t, 20 + i, i < 3 ? "10.0.0.1" : "10.0.0.2", 1, 60);
        assert_int_equal(srv_pool_submit(p, &h[i].j), 0);
    }
    assert_int_equal(started_settled(&t, 2), 2);
    assert_int_equal(t.heavy_running, 2);
    assert_true((t.order[0] < 23) != (t.order[1] < 23)); /* one of each client */
    tjob_init(&a[0], &t, 30, "10.0.0.1", 0, 60);
    tjob_init(&b[0], &t, 31, "10.0.0.2", 0, 60);
    assert_int_equal(srv_pool_submit(p, &a[0].j), 0);
    assert_int_equal(srv_pool_submit(p, &b[0].j), 0);
    assert_int_equal(started_settled(&t, 4), 4);
    assert_int_equal(t.heavy_running, 2);
    assert_int_equal(t.max_running, 4);
    open_all(&t, p);
    srv_pool_stop(p);
    for (int i = 0; i < 6; i++)
        assert_true(h[i].ran);
}

/* a client with queue_max jobs waiting is refused (its own queue: others are not) */
static void test_pool_queue_bound(void **state)
{
    (void)state;
    pool_test t;
    pool_test_init(&t);
    srv_pool *p;
    assert_int_equal(srv_pool_start(&p, 1, 1, 2), 0);
    tjob a[4], b;
    for (int i = 0; i < 4; i++)
        tjob_init(&a[i], &t, i, "::1", 0, 60);
    tjob_init(&b, &t, 9, "127.0.0.2", 0, 60);
    assert_int_equal(srv_pool_submit(p, &a[0].j), 0);
    assert_int_equal(started_settled(&t, 1), 1); /* running: not waiting */
    assert_int_equal(srv_pool_submit(p, &a[1].j), 0);
    assert_int_equal(srv_pool_submit(p, &a[2].j), 0);
    assert_int_equal(srv_pool_submit(p, &a[3].j), SRV_QJOB_BUSY);
    assert_int_equal(srv_pool_submit(p, &b.j), 0);
    open_all(&t, p);
    srv_pool_stop(p);
    assert_true(a[0].ran && a[1].ran && a[2].ran && b.ran);
    assert_false(a[3].ran);
}

/* a job whose deadline passes while it waits is cancelled without running: by the sweep, or by
 * the thread that takes it */
static void test_pool_deadline(void **state)
{
    (void)state;
    pool_test t;
    pool_test_init(&t);
    srv_pool *p;
    assert_int_equal(srv_pool_start(&p, 1, 1, 8), 0);
    tjob blocker, soon, later, gone;
    tjob_init(&blocker, &t, 0, "a", 0, 60);
    assert_int_equal(srv_pool_submit(p, &blocker.j), 0);
    assert_int_equal(started_settled(&t, 1), 1);
    tjob_init(&soon, &t, 1, "b", 0, 0.05);
    tjob_init(&later, &t, 2, "b", 0, 60);
    tjob_init(&gone, &t, 3, "c", 0, -1); /* already past: the thread that takes it cancels it */
    assert_int_equal(srv_pool_submit(p, &soon.j), 0);
    assert_int_equal(srv_pool_submit(p, &later.j), 0);
    srv_pool_expire(p, jisr_now()); /* nothing due yet */
    assert_int_equal(soon.why, 0);
    sleep_us(100000);
    srv_pool_expire(p, jisr_now());
    assert_int_equal(soon.why, SRV_QJOB_EXPIRED);
    assert_int_equal(later.why, 0);
    int run, wait;
    srv_pool_load(p, &run, &wait);
    assert_int_equal(run, 1);
    assert_int_equal(wait, 1);
    assert_int_equal(srv_pool_submit(p, &gone.j), 0);
    release(&t, &later);
    release(&t, &blocker);
    open_all(&t, p);
    srv_pool_stop(p);
    assert_false(soon.ran);
    assert_true(later.ran);
    assert_false(gone.ran);
    assert_int_equal(gone.why, SRV_QJOB_EXPIRED);
}

/* whether a cheap read may be answered at once on an I/O thread (http.c, --inline-ms): not
 * when it would overtake another client's read waiting for a thread — unless its client has
 * none running or waiting (a free thread would take it among the first); its client's own
 * waiting reads and the expensive lane's never stop it; never while draining */
static void test_pool_may_inline(void **state)
{
    (void)state;
    pool_test t;
    pool_test_init(&t);
    srv_pool *p;
    assert_int_equal(srv_pool_start(&p, 2, 1, 64), 0); /* 2 cheap threads: 1 a client */
    tjob a[2], b[2], h[2];
    assert_true(srv_pool_may_inline(p, "10.0.0.1"));
    tjob_init(&a[0], &t, 0, "10.0.0.1", 0, 60);
    tjob_init(&a[1], &t, 1, "10.0.0.1", 0, 60);
    assert_int_equal(srv_pool_submit(p, &a[0].j), 0);
    assert_int_equal(started_settled(&t, 1), 1);
    assert_true(srv_pool_may_inline(p, "10.0.0.1"));  /* running, nothing waiting */
    assert_int_equal(srv_pool_submit(p, &a[1].j), 0); /* waits: its client's cap */
    assert_int_equal(started_settled(&t, 1), 1);
    assert_true(srv_pool_may_inline(p, "10.0.0.1")); /* only its own read waits */
    assert_true(srv_pool_may_inline(p, "10.0.0.2")); /* none of its own: served first anyway */
    tjob_init(&b[0], &t, 2, "10.0.0.2", 0, 60);
    tjob_init(&b[1], &t, 3, "10.0.0.2", 0, 60);
    assert_int_equal(srv_pool_submit(p, &b[0].j), 0);
    assert_int_equal(started_settled(&t, 2), 2);
    assert_int_equal(srv_pool_submit(p, &b[1].j), 0);
    int run, wait;
    srv_pool_load(p, &run, &wait);
    assert_int_equal(run, 2);
    assert_int_equal(wait, 2);
    /* each has a read running and one waiting, and the other's waits: neither goes ahead */
    assert_false(srv_pool_may_inline(p, "10.0.0.1"));
    assert_false(srv_pool_may_inline(p, "10.0.0.2"));
    assert_true(srv_pool_may_inline(p, "10.0.0.3"));
    /* expensive reads running and waiting: another lane, no matter */
    tjob_init(&h[0], &t, 4, "10.0.0.3", 1, 60);
    tjob_init(&h[1], &t, 5, "10.0.0.3", 1, 60);
    assert_int_equal(srv_pool_submit(p, &h[0].j), 0);
    assert_int_equal(started_settled(&t, 3), 3);
    assert_int_equal(srv_pool_submit(p, &h[1].j), 0);
    assert_true(srv_pool_may_inline(p, "10.0.0.3"));
    open_all(&t, p);
    for (int i = 0; i < 2; i++)
        assert_true(a[i].ran && b[i].ran && h[i].ran);
    assert_true(srv_pool_may_inline(p, "10.0.0.1"));
    srv_pool_drain(p);
    assert_false(srv_pool_may_inline(p, "10.0.0.1"));
    srv_pool_stop(p);
}

typedef struct drain_arg {
    srv_pool *p;
    int done;
} drain_arg;

static void *drain_thread(void *arg)
{
    drain_arg *d = arg;
    srv_pool_drain(d->p);
    __atomic_store_n(&d->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* drain: the waiting jobs are cancelled (stopping) at once, the running ones awaited, and no
 * job is taken after */
static void test_pool_drain(void **state)
{
    (void)state;
    pool_test t;
    pool_test_init(&t);
    srv_pool *p;
    assert_int_equal(srv_pool_start(&p, 2, 1, 8), 0);
    tjob a[3], late;
    for (int i = 0; i < 3; i++) {
        tjob_init(&a[i], &t, i, "a", 0, 60);
        assert_int_equal(srv_pool_submit(p, &a[i].j), 0);
    }
    assert_int_equal(started_settled(&t, 1), 1); /* a lane of 2 threads: one client runs 1 */
    drain_arg d = {p, 0};
    pthread_t th;
    pthread_create(&th, NULL, drain_thread, &d);
    double end = jisr_now() + 5;
    for (;;) {
        pthread_mutex_lock(&t.mu);
        int both = a[1].why && a[2].why;
        pthread_mutex_unlock(&t.mu);
        if (both || jisr_now() > end)
            break;
        sleep_us(1000);
    }
    assert_int_equal(a[1].why, SRV_QJOB_STOPPING);
    assert_int_equal(a[2].why, SRV_QJOB_STOPPING);
    sleep_us(50000);
    assert_false(__atomic_load_n(&d.done, __ATOMIC_ACQUIRE)); /* a[0] still runs */
    tjob_init(&late, &t, 9, "b", 0, 60);
    assert_int_equal(srv_pool_submit(p, &late.j), SRV_QJOB_STOPPING);
    release(&t, &a[0]);
    pthread_join(th, NULL);
    assert_true(a[0].ran);
    assert_false(a[1].ran || a[2].ran || late.ran);
    srv_pool_stop(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tmserver_routes),   cmocka_unit_test(test_v1_routes),
        cmocka_unit_test(test_v1_unknown_params), cmocka_unit_test(test_decoding_errors),
        cmocka_unit_test(test_text_cut),          cmocka_unit_test(test_languages),
        cmocka_unit_test(test_token_and_numbers), cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_upload_pipe),       cmocka_unit_test(test_absolute_and_long_paths),
        cmocka_unit_test(test_diff_split),        cmocka_unit_test(test_diff_tidy),
        cmocka_unit_test(test_pool_caps),         cmocka_unit_test(test_pool_queue_bound),
        cmocka_unit_test(test_pool_deadline),     cmocka_unit_test(test_pool_drain),
        cmocka_unit_test(test_pool_may_inline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
