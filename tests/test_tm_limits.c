/* test_tm_limits.c — bounded work for any query: a 40,000-word query against a 40,000-word unit
 * is answered (score and word diff) in memory proportional to the texts, not to their product
 * (the full DP matrix took 6.26 GB); the alignment the diff is made of is optimal by both methods
 * (the full matrix for ordinary texts, Hirschberg's in linear space beyond); and the caps a
 * server relies on: max_tokens refuses a longer query, timeout_ms stops a slow one. The peak
 * memory is that of a child process that runs only the query (getrusage of the children). And
 * the matcher's shortcuts equal their plain forms: the distance with its cut-off, the near-word
 * comparison with direct tables, the character similarity's bit-parallel distance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tm/match_int.h"
#include "tm/tm.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static char g_dir[256];

static void remove_dir(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/data.mdb", g_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/lock.mdb", g_dir);
    unlink(p);
    rmdir(g_dir);
}

static uint64_t g_rng = 0x2545F4914F6CDD1DULL;
static uint32_t rnd(uint32_t n)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng % n);
}

/* n words from a vocabulary of 5,000, with a comma now and then */
static char *text_of(size_t n, uint64_t seed)
{
    g_rng = seed;
    jisr_buf b = {0};
    for (size_t i = 0; i < n; i++)
        jisr_buf_printf(&b, "%sw%u%s", i ? " " : "", rnd(5000), rnd(15) == 0 ? "," : "");
    return b.data;
}

/* the same text with about one word in twenty changed */
static char *vary(const char *s)
{
    jisr_buf b = {0};
    g_rng = 77;
    for (const char *p = s; *p;) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (rnd(20) == 0)
            jisr_buf_printf(&b, "x%u", rnd(100));
        else
            jisr_buf_append(&b, p, n);
        if (!e)
            break;
        jisr_buf_putc(&b, ' ');
        p = e + 1;
    }
    return b.data;
}

/* A new memory in g_dir, an import begun on it (*imp) */
static jisr_tm *memory_new(jisr_tm_import **imp)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/jisr-test-tml-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE | JISR_TM_NOSYNC;
    assert_int_equal(jisr_tm_open(&tm, g_dir, &o), 0);
    assert_int_equal(jisr_tm_import_begin(tm, NULL, imp), 0);
    return tm;
}

static void add_pair(jisr_tm_import *imp, const char *en, const char *ar)
{
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_unit_add_variant(&u, "en", en, strlen(en), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", ar, strlen(ar), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

static jisr_tm *memory_with(const char *en, const char *ar)
{
    jisr_tm_import *imp;
    jisr_tm *tm = memory_new(&imp);
    add_pair(imp, en, ar);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    return tm;
}

/* A query of 40,000 words against a unit of 40,000 (8,000 in sanitizer builds, which are ~10
 * times slower): the answer, in bounded memory. */
static void test_long_query(void **state)
{
    (void)state;
    size_t n = SANITIZED ? 8000 : 40000;
    char *unit = text_of(n, 1), *query = vary(unit);
    jisr_tm *tm = memory_with(unit, "ترجمة");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the child answers the query and reports through its exit status */
        jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
        o.srclang = "en";
        o.tgtlang = "ar";
        o.min_score = 50;
        jisr_tm_matches m;
        int rc = jisr_tm_query(tm, query, &o, &m);
        int ok = rc == 0 && m.n == 1 && m.v[0].score >= 90 && m.v[0].score < 100 &&
                 strstr(m.v[0].diff, "[-x") && strstr(m.v[0].diff, "{+w");
        if (!ok)
            fprintf(stderr, "rc %d (%s), %zu matches, score %d\n", rc, jisr_error_last()->msg, m.n,
                    m.n ? m.v[0].score : -1);
        else
            fprintf(stderr, "%zu-word query: score %d, diff of %zu bytes\n", n, m.v[0].score,
                    strlen(m.v[0].diff));
        _exit(ok ? 0 : 1);
    }
    int status;
    struct rusage ru;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0); /* the largest child: the only one */
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    long peak_mb = ru.ru_maxrss / 1024;
    fprintf(stderr, "peak memory of the query's process: %ld MB\n", peak_mb);
    /* the full matrix alone would be 4·n² bytes: 6.4 GB for 40,000 words */
    assert_true(peak_mb < (SANITIZED ? 1024 : 200));
    jisr_tm_close(tm);
    remove_dir();
    free(unit);
    free(query);
}

/* n units "the river I crosses the valley 7I near the old stone bridge I%13" / "النهر I": every
 * unit holds every word, and "valley the" is in none */
static jisr_tm *rivers(size_t n)
{
    jisr_tm_import *imp;
    jisr_tm *tm = memory_new(&imp);
    for (size_t i = 0; i < n; i++) {
        char en[160], ar[64];
        snprintf(en, sizeof en,
                 "the river %zu crosses the valley %zu near the old stone bridge %zu", i, i * 7,
                 i % 13);
        snprintf(ar, sizeof ar, "النهر %zu", i);
        add_pair(imp, en, ar);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    return tm;
}

/* --exhaustive's scan stops at its deadline wherever the memory's ids are: it checked the clock
 * only at every 1,024th id, so a memory whose ids 1024, 2048 ... were deleted was scanned whole
 * past any timeout_ms (and each check was ~1 ms of scoring apart, far more on a niced server
 * thread). The units scored before the stop (c->scored) tell, whatever the machine's speed: a
 * slower machine stops sooner. */
static void test_scan_deadline(void **state)
{
    (void)state;
    size_t n = SANITIZED ? 6000 : 20000;
    jisr_tm *tm = rivers(n);
    uint64_t gone[32];
    size_t ng = 0;
    for (uint64_t id = 1024; id <= n && ng < 32; id += 1024)
        gone[ng++] = id;
    assert_int_equal(jisr_tm_delete(tm, gone, ng), 0);
    jisr_tm_ctx *c = NULL;
    assert_int_equal(jisr_tm_ctx_new(tm, &c), 0);
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.srclang = "en";
    o.tgtlang = "ar";
    o.min_score = 0;
    o.flags = JISR_TM_EXHAUSTIVE;
    jisr_tm_matches m;
    const char *q = "a river crosses a valley near an old bridge of stone 5 6 7";
    assert_int_equal(jisr_tm_ctx_query(c, q, &o, &m), 0); /* untimed: every unit scored */
    uint64_t all = m.candidates;
    jisr_tm_matches_free(&m);
    assert_true(all + ng >= n / 2);
    o.timeout_ms = 1;
    assert_int_equal(jisr_tm_ctx_query(c, q, &o, &m), JISR_EINTERRUPTED);
    print_message("scored %llu of %llu units before the 1 ms limit\n",
                  (unsigned long long)c->scored, (unsigned long long)all);
    assert_true(c->scored < all / 2);
    jisr_tm_ctx_free(c);
    jisr_tm_close(tm);
    remove_dir();
}

/* A concordance search stops at its deadline: a phrase of common words that never occur
 * together ("valley the") reads every unit that holds its rarest word, here all of them; it had
 * no limit at all (a server's request could run for seconds on a million units). */
static void test_concord_deadline(void **state)
{
    (void)state;
    jisr_tm *tm = rivers(SANITIZED ? 6000 : 20000);
    jisr_tm_hits h;
    double t0 = jisr_now();
    assert_int_equal(jisr_tm_concord(tm, "en", "valley the", 0, &h), 0); /* untimed: no hit */
    double untimed = jisr_now() - t0;
    assert_int_equal(h.n, 0);
    jisr_tm_hits_free(&h);
    assert_int_equal(jisr_tm_concord_timed(tm, "en", "valley the", 0, 1, &h), JISR_EINTERRUPTED);
    assert_int_equal(h.n, 0);
    assert_non_null(strstr(jisr_error_last()->msg, "limit of 1 ms"));
    print_message("untimed %.1f ms; stopped at the 1 ms limit\n", untimed * 1000);
    /* a limit it keeps within: the same hits as untimed */
    assert_int_equal(jisr_tm_concord_timed(tm, "en", "crosses the valley", 5, 600000, &h), 0);
    assert_int_equal(h.n, 5);
    assert_true(h.truncated);
    jisr_tm_hits_free(&h);
    jisr_tm_ctx *c = NULL;
    assert_int_equal(jisr_tm_ctx_new(tm, &c), 0);
    assert_int_equal(jisr_tm_ctx_concord_timed(c, "en", "valley the", 0, 1, &h), JISR_EINTERRUPTED);
    /* the context's next search, untimed, is not stopped by the last one's deadline */
    assert_int_equal(jisr_tm_ctx_concord(c, "en", "crosses the valley", 3, &h), 0);
    assert_int_equal(h.n, 3);
    jisr_tm_hits_free(&h);
    jisr_tm_ctx_free(c);
    jisr_tm_close(tm);
    remove_dir();
}

/* A delete decided on units found earlier (jisr delete with filters: an iterator's snapshot)
 * takes each unit as it is inside the delete's transaction: one an import changed since (a
 * duplicate merged into it added a prop) goes only if it still passes, one deleted since is
 * passed over, and an error of the test deletes nothing. */
static int no_client(void *ctx, uint64_t id, jisr_unit *u)
{
    (void)id;
    if (ctx) /* the error case */
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "stop");
    for (size_t i = 0; i < u->meta.nprops; i++)
        if (u->meta.props[i].type && strcmp(u->meta.props[i].type, "client") == 0)
            return 0;
    return 1;
}

static void test_delete_if(void **state)
{
    (void)state;
    jisr_tm_import *imp;
    jisr_tm *tm = memory_new(&imp);
    add_pair(imp, "one", "واحد");    /* 1 */
    add_pair(imp, "two", "اثنان");   /* 2 */
    add_pair(imp, "three", "ثلاثة"); /* 3 */
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    uint64_t found[] = {1, 2, 3}; /* all pass no_client now */
    /* meanwhile: a duplicate of unit 2 with a prop merges into it, unit 3 is deleted */
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_unit_add_variant(&u, "en", "two", 3, NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "اثنان", strlen("اثنان"), NULL), 0);
    u.meta.props = calloc(1, sizeof *u.meta.props);
    assert_non_null(u.meta.props);
    u.meta.props[0].type = strdup("client");
    u.meta.props[0].value = strdup("acme");
    u.meta.nprops = 1;
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    uint64_t three = 3;
    assert_int_equal(jisr_tm_delete(tm, &three, 1), 0);
    /* a test that fails: nothing deleted */
    size_t went = 99;
    assert_int_equal(jisr_tm_delete_if(tm, found, 3, no_client, tm, &went), JISR_EINVAL);
    assert_int_equal(went, 0);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_int_equal(jisr_tm_delete_if(tm, found, 3, no_client, NULL, &went), 0);
    assert_int_equal(went, 1); /* unit 1; not 2 (it has a client now), not 3 (gone) */
    assert_int_equal(jisr_tm_get(tm, 1, &u), JISR_ENOTFOUND);
    assert_int_equal(jisr_tm_get(tm, 2, &u), 0);
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_delete_if(tm, found, 3, NULL, NULL, &went), JISR_EINVAL);
    jisr_tm_close(tm);
    remove_dir();
}

/* The caps: max_tokens refuses, timeout_ms stops (the default refuses beyond 100,000 tokens). */
static void test_caps(void **state)
{
    (void)state;
    size_t n = SANITIZED ? 8000 : 40000;
    char *unit = text_of(n, 1), *query = vary(unit);
    jisr_tm *tm = memory_with(unit, "ترجمة");
    jisr_tm_query_opts o = JISR_TM_QUERY_OPTS_INIT;
    o.srclang = "en";
    o.tgtlang = "ar";
    o.min_score = 50;
    o.max_tokens = 1000;
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, query, &o, &m), JISR_ETOOBIG);
    assert_non_null(strstr(jisr_error_last()->msg, "max_tokens"));
    assert_int_equal(m.n, 0);
    o.max_tokens = 0;
    o.timeout_ms = 20;
    assert_int_equal(jisr_tm_query(tm, query, &o, &m), JISR_EINTERRUPTED);
    assert_non_null(strstr(jisr_error_last()->msg, "20 ms"));
    assert_int_equal(m.n, 0);
    o.timeout_ms = 0;
    char *huge = text_of(JISR_TM_MAX_QUERY_TOKENS + 10, 3);
    assert_int_equal(jisr_tm_query(tm, huge, &o, &m), JISR_ETOOBIG);
    o.max_results = JISR_TM_MAX_RESULTS + 1;
    assert_int_equal(jisr_tm_query(tm, "w1 w2", &o, &m), JISR_EINVAL);
    free(huge);
    jisr_tm_close(tm);
    remove_dir();
    free(unit);
    free(query);
}

/* Hirschberg's alignment costs what the full matrix's does (both optimal), on texts near and
 * far, with words, numbers, punctuation and clitics. */
static void test_alignment(void **state)
{
    (void)state;
    static const char *const words[] = {"the", "The", "house", "houses", "is",  "big",  ".", ",",
                                        "3",   "7",   "البيت", "والبيت", "بيت", "كبير", "؟", "a"};
    size_t checked = 0;
    for (int round = 0; round < 300; round++) {
        jisr_buf a = {0}, b = {0};
        size_t na = 1 + rnd(60), nb = 1 + rnd(60);
        for (size_t i = 0; i < na; i++)
            jisr_buf_printf(&a, "%s ", words[rnd(16)]);
        if (round % 2) { /* near: b is a with some edits */
            jisr_buf_append(&b, a.data, a.len);
            for (int k = 0; k < 3; k++)
                jisr_buf_printf(&b, "%s ", words[rnd(16)]);
        } else {
            for (size_t i = 0; i < nb; i++)
                jisr_buf_printf(&b, "%s ", words[rnd(16)]);
        }
        tm_toks x = {0}, y = {0};
        assert_int_equal(tm_tokenize(a.data, a.len, &x), 0);
        assert_int_equal(tm_tokenize(b.data, b.len, &y), 0);
        uint32_t full, hb;
        assert_int_equal(tm_align_cost(&x, &y, 0, &full), 0);
        assert_int_equal(tm_align_cost(&x, &y, 1, &hb), 0);
        assert_int_equal(full, hb);
        checked++;
        tm_toks_free(&x);
        tm_toks_free(&y);
        jisr_buf_free(&a);
        jisr_buf_free(&b);
    }
    /* and on long texts, where the pieces are split several times */
    char *t1 = text_of(3000, 5), *t2 = vary(t1);
    tm_toks x = {0}, y = {0};
    assert_int_equal(tm_tokenize(t1, strlen(t1), &x), 0);
    assert_int_equal(tm_tokenize(t2, strlen(t2), &y), 0);
    uint32_t full, hb;
    assert_int_equal(tm_align_cost(&x, &y, 0, &full), 0);
    assert_int_equal(tm_align_cost(&x, &y, 1, &hb), 0);
    assert_int_equal(full, hb);
    int score;
    assert_int_equal(jisr_tm_score_texts(t1, t2, &score), 0);
    uint32_t w = x.w100 > y.w100 ? x.w100 : y.w100;
    assert_int_equal(score, (int)(100ull * (w - full) / w)); /* the distance is that cost */
    tm_toks_free(&x);
    tm_toks_free(&y);
    free(t1);
    free(t2);
    fprintf(stderr, "%zu alignments: Hirschberg's cost = the full matrix's\n", checked + 1);
}

/* Is a join of text t (its sites j) a word of text o? */
static int join_word(const tm_joins *j, const tm_toks *t, const tm_toks *o)
{
    for (size_t k = 0; j->any && k < t->n; k++)
        for (size_t i = 0; i < o->n; i++)
            if (o->v[i].kind == TM_WORD && (o->v[i].hk == j->j2[k] || o->v[i].hk == j->j3[k]))
                return 1;
    return 0;
}

/* The distance with a cut-off (score.c: without a compound step that can apply, cells that
 * cannot lie on an alignment within the cut-off are dropped) is the full distance when that is
 * within the cut-off, and above the cut-off otherwise: texts with words, numbers, punctuation,
 * tags, clitics, near words and compound parts, at every cut-off from 0 to past the distance. */
static void test_distance_cutoff(void **state)
{
    (void)state;
    static const char *const words[] = {
        "the",      "The",   "house",  "houses",       "is",           "big", ".", ",",    "3",
        "7",        "البيت", "والبيت", "بيت",          "كبير",         "؟",   "a", "file", "name",
        "filename", "-",     "Files",  "\xee\x80\x80", "\xee\x80\x81", "open"};
    const size_t nw = sizeof words / sizeof *words;
    size_t checked = 0, plain = 0;
    uint32_t *row = NULL;
    size_t rowcap = 0;
    for (int round = 0; round < 400; round++) {
        jisr_buf a = {0}, b = {0};
        size_t na = 1 + rnd(40), nb = 1 + rnd(40);
        int comp = round % 3 == 0; /* else without the compound parts */
        size_t span = comp ? nw : 16;
        for (size_t i = 0; i < na; i++)
            jisr_buf_printf(&a, "%s ", words[rnd((uint32_t)span)]);
        if (round % 2) { /* near: b is a with some edits */
            jisr_buf_append(&b, a.data, a.len);
            for (int k = 0; k < 3; k++)
                jisr_buf_printf(&b, "%s ", words[rnd((uint32_t)span)]);
        } else {
            for (size_t i = 0; i < nb; i++)
                jisr_buf_printf(&b, "%s ", words[rnd((uint32_t)span)]);
        }
        tm_toks x = {0}, y = {0};
        tm_joins jx = {0}, jy = {0};
        assert_int_equal(tm_tokenize(a.data, a.len, &x), 0);
        assert_int_equal(tm_tokenize(b.data, b.len, &y), 0);
        assert_int_equal(tm_joins_of(&x, ~(uint64_t)0, &jx), 0);
        assert_int_equal(tm_joins_of(&y, ~(uint64_t)0, &jy), 0);
        assert_int_equal(jisr_grow((void **)&row, &rowcap, 4 * (y.n + 1) + 64, sizeof *row), 0);
        uint32_t full = tm_distance(NULL, &x, &jx, &y, &jy, UINT32_MAX - 1, row);
        plain += !join_word(&jx, &x, &y) && !join_word(&jy, &y, &x);
        for (uint32_t maxd = 0; maxd <= full + 150; maxd += 1 + rnd(40)) {
            uint32_t d = tm_distance(NULL, &x, &jx, &y, &jy, maxd, row);
            if (full <= maxd)
                assert_int_equal(d, full);
            else
                assert_true(d > maxd);
            checked++;
        }
        free(jx.j2);
        free(jx.j3);
        free(jy.j2);
        free(jy.j3);
        tm_toks_free(&x);
        tm_toks_free(&y);
        jisr_buf_free(&a);
        jisr_buf_free(&b);
    }
    free(row);
    fprintf(stderr,
            "%zu cut-off distances (%zu pairs where no compound step applies) = the full one\n",
            checked, plain);
}

/* code point cp as UTF-8 into o: its length */
static size_t put_cp(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* ASCII, Arabic (the near words' direct tables), other Latin and CJK (their fallback) */
static const uint32_t g_alpha[] = {'a',   'b',   'c',  ' ',    'e', 0x627,
                                   0x628, 0x644, 0xE9, 0x4E00, 'Z', 0x6F0};

static size_t lev_cps(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
    size_t *r = malloc((m + 1) * sizeof *r);
    assert_non_null(r);
    for (size_t j = 0; j <= m; j++)
        r[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t d = r[0];
        r[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t t = r[j], v = d + (a[i - 1] != b[j - 1]);
            if (r[j] + 1 < v)
                v = r[j] + 1;
            if (r[j - 1] + 1 < v)
                v = r[j - 1] + 1;
            r[j] = v;
            d = t;
        }
    }
    size_t x = r[m];
    free(r);
    return x;
}

/* A near-word lookup's prepared word (direct tables of its code points' masks) costs every other
 * word what the plain comparison does; a tie's character similarity (Myers' distance in blocks of
 * 64 code points) is 1 − Levenshtein / longer length by a plain dynamic programme. */
static void test_bitparallel(void **state)
{
    (void)state;
    char a[400], b[400];
    uint32_t ac[100], bc[100];
    size_t near = 0;
    for (int round = 0; round < 20000; round++) {
        size_t la = 1 + rnd(14), lb = 0, an = 0, bn = 0;
        for (size_t i = 0; i < la; i++)
            an += put_cp(ac[i] = g_alpha[rnd(12)], a + an);
        for (size_t i = 0; i < la; i++) { /* b: a with edits */
            uint32_t r = rnd(10);
            if (r == 0)
                continue;
            if (r == 1)
                bn += put_cp(bc[lb++] = g_alpha[rnd(12)], b + bn);
            bn += put_cp(bc[lb++] = r == 2 ? g_alpha[rnd(12)] : ac[i], b + bn);
        }
        tm_nearq q;
        tm_nearq_init_tab(&q, a, an);
        uint32_t c = tm_near_cost_q(&q, b, bn);
        assert_int_equal(c, tm_near_cost(a, an, b, bn));
        near += c < TM_BIG;
    }
    jisr_tm_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    static char qs[1000], bs[1000];
    uint32_t qc[300], bc2[300];
    for (int round = 0; round < 600; round++) {
        size_t ql = rnd(300), qn = 0;
        for (size_t i = 0; i < ql; i++)
            qn += put_cp(qc[i] = g_alpha[rnd(12)], qs + qn);
        c->text = qs;
        c->tlen = qn;
        c->peq_ready = 0;
        for (int k = 0; k < 5; k++) {
            size_t bl = k == 4 ? ql : rnd(300), bn = 0;
            for (size_t i = 0; i < bl; i++)
                bn += put_cp(bc2[i] = k == 4 && rnd(8) ? qc[i] : g_alpha[rnd(12)], bs + bn);
            size_t mx = ql > bl ? ql : bl;
            double want = mx ? 1.0 - (double)lev_cps(qc, ql, bc2, bl) / (double)mx : 1.0;
            assert_true(tm_char_sim(c, bs, bn) == want);
        }
    }
    free(c->qcp);
    free(c->cb);
    free(c->ptab);
    free(c->peq);
    free(c->pv);
    free(c);
    fprintf(stderr, "20,000 word pairs (%zu near), 3,000 character similarities\n", near);
}

/* The index's comparison (tm_post_cmp) orders keys as LMDB's default does (memcmp over the
 * shorter length, then the shorter first): random keys of 0-16 bytes from a small alphabet (long
 * shared prefixes), most of them 12 bytes, every sign the same. */
static int memn_sign(const MDB_val *a, const MDB_val *b)
{
    size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
    int r = n ? memcmp(a->mv_data, b->mv_data, n) : 0;
    if (r)
        return r < 0 ? -1 : 1;
    return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

static void test_post_order(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
    unsigned char ka[16], kb[16];
    size_t twelve = 0;
    for (int round = 0; round < 200000; round++) {
        size_t la = rnd(4) ? 12 : rnd(17), lb = rnd(4) ? 12 : rnd(17);
        for (size_t i = 0; i < la; i++)
            ka[i] = bytes[rnd(6)];
        for (size_t i = 0; i < lb; i++) /* mostly a's bytes, a few changed */
            kb[i] = i < la && rnd(8) ? ka[i] : bytes[rnd(6)];
        MDB_val a = {la, ka}, b = {lb, kb};
        int got = tm_post_cmp(&a, &b);
        got = got < 0 ? -1 : got > 0;
        assert_int_equal(got, memn_sign(&a, &b));
        twelve += la == 12 && lb == 12;
    }
    fprintf(stderr, "200,000 key pairs (%zu of two 12-byte keys): tm_post_cmp = memcmp order\n",
            twelve);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment),     cmocka_unit_test(test_distance_cutoff),
        cmocka_unit_test(test_bitparallel),   cmocka_unit_test(test_caps),
        cmocka_unit_test(test_scan_deadline), cmocka_unit_test(test_concord_deadline),
        cmocka_unit_test(test_delete_if),     cmocka_unit_test(test_long_query),
        cmocka_unit_test(test_post_order)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
