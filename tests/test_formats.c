/*
 * test_formats.c — the formats layer against real files: unit model, TMX round trips (every
 * compliance-kit, Okapi and own-flavour file: read → write → xmllint --dtdvalid → read again →
 * unit-by-unit equality, and the same through JSONL), unit counts checked against libxml2's DOM
 * (xmllint --xpath), OmegaT/MateCat files from ../shared, malformed and hostile files, skip-bad,
 * TSV escaping, Moses, JSONL forms, atomic writes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "formats/formats.h"
#include "formats/formats_int.h"

static char tmpdir[256];

static const char *data_dir(void)
{
    const char *d = getenv("JISR_TEST_DATA");
    return d && *d ? d : JISR_TEST_DATA;
}

static const char *shared_dir(void)
{
    const char *d = getenv("JISR_SHARED_DATA");
    return d && *d ? d : JISR_SHARED_DATA;
}

static void path_join(char *out, size_t n, const char *a, const char *b)
{
    int k = snprintf(out, n, "%s/%s", a, b);
    assert_true(k > 0 && (size_t)k < n);
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* ---- deep equality of units --------------------------------------------------------------- */

static int str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static void check_str(const char *what, const char *a, const char *b, const char *ctx)
{
    if (!str_eq(a, b))
        fail_msg("%s: %s differs: '%s' vs '%s'", ctx, what, a ? a : "(null)", b ? b : "(null)");
}

static void check_props(const char *what, const jisr_prop *a, size_t na, const jisr_prop *b,
                        size_t nb, const char *ctx)
{
    if (na != nb)
        fail_msg("%s: %zu %s vs %zu", ctx, na, what, nb);
    for (size_t i = 0; i < na; i++) {
        check_str("prop type", a[i].type, b[i].type, ctx);
        check_str("prop lang", a[i].lang, b[i].lang, ctx);
        check_str("prop value", a[i].value, b[i].value, ctx);
    }
}

static void check_meta(const jisr_meta *a, const jisr_meta *b, const char *ctx)
{
    check_str("creationdate", a->creationdate, b->creationdate, ctx);
    check_str("creationid", a->creationid, b->creationid, ctx);
    check_str("changedate", a->changedate, b->changedate, ctx);
    check_str("changeid", a->changeid, b->changeid, ctx);
    check_str("lastusagedate", a->lastusagedate, b->lastusagedate, ctx);
    check_str("creationtool", a->creationtool, b->creationtool, ctx);
    check_str("creationtoolversion", a->creationtoolversion, b->creationtoolversion, ctx);
    check_str("datatype", a->datatype, b->datatype, ctx);
    check_str("o-encoding", a->o_encoding, b->o_encoding, ctx);
    check_str("o-tmf", a->o_tmf, b->o_tmf, ctx);
    check_str("segtype", a->segtype, b->segtype, ctx);
    if (a->usagecount != b->usagecount)
        fail_msg("%s: usagecount %ld vs %ld", ctx, a->usagecount, b->usagecount);
    check_props("props", a->props, a->nprops, b->props, b->nprops, ctx);
    check_props("notes", a->notes, a->nnotes, b->notes, b->nnotes, ctx);
}

static void check_unit(const jisr_unit *a, const jisr_unit *b, const char *ctx)
{
    check_str("tuid", a->tuid, b->tuid, ctx);
    check_str("srclang", a->srclang, b->srclang, ctx);
    check_meta(&a->meta, &b->meta, ctx);
    if (a->nvariants != b->nvariants)
        fail_msg("%s: %zu variants vs %zu", ctx, a->nvariants, b->nvariants);
    for (size_t i = 0; i < a->nvariants; i++) {
        const jisr_variant *x = &a->variants[i], *y = &b->variants[i];
        check_str("lang", x->lang, y->lang, ctx);
        check_str("text", x->text, y->text, ctx);
        if (x->ntags != y->ntags)
            fail_msg("%s: %zu tags vs %zu", ctx, x->ntags, y->ntags);
        for (size_t t = 0; t < x->ntags; t++)
            check_str("tag", x->tags[t], y->tags[t], ctx);
        check_meta(&x->meta, &y->meta, ctx);
    }
}

/* ---- helpers ------------------------------------------------------------------------------ */

typedef struct units {
    jisr_unit *v;
    size_t n;
} units;

static void units_free(units *u)
{
    for (size_t i = 0; i < u->n; i++)
        jisr_unit_clear(&u->v[i]);
    free(u->v);
    u->v = NULL;
    u->n = 0;
}

static int read_all(const char *path, const jisr_read_opts *opts, units *out, jisr_header *hdr)
{
    jisr_reader *r;
    int rc = jisr_reader_open(&r, path, opts);
    out->v = NULL;
    out->n = 0;
    if (rc < 0)
        return rc;
    if (hdr) {
        const jisr_header *h = jisr_reader_header(r);
        memset(hdr, 0, sizeof *hdr);
        hdr->meta.usagecount = -1;
        if (h) {
            hdr->srclang = h->srclang ? strdup(h->srclang) : NULL;
            hdr->adminlang = h->adminlang ? strdup(h->adminlang) : NULL;
            hdr->version = h->version ? strdup(h->version) : NULL;
            /* copy header meta through a unit, the public deep-copy path */
            jisr_unit tmp, cp;
            jisr_unit_init(&tmp);
            tmp.meta = h->meta;
            assert_int_equal(jisr_unit_copy(&cp, &tmp), 0);
            hdr->meta = cp.meta;
            jisr_unit_init(&cp);
        }
    }
    jisr_unit u;
    jisr_unit_init(&u);
    while ((rc = jisr_reader_next(r, &u)) > 0) {
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        assert_non_null(out->v);
        out->v[out->n++] = u; /* take ownership */
        jisr_unit_init(&u);
    }
    jisr_unit_clear(&u);
    jisr_reader_close(r);
    return rc;
}

static void header_free(jisr_header *h)
{
    free(h->srclang);
    free(h->adminlang);
    free(h->version);
    jisr_unit u;
    jisr_unit_init(&u);
    u.meta = h->meta;
    jisr_unit_clear(&u);
}

static int write_all(const char *path, const jisr_write_opts *opts, const units *in,
                     const jisr_meta *hm)
{
    jisr_writer *w;
    int rc = jisr_writer_open_ex(&w, path, opts, hm);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < in->n; i++)
        if ((rc = jisr_writer_write(w, &in->v[i])) < 0) {
            jisr_writer_abort(w);
            return rc;
        }
    return jisr_writer_close(w);
}

/* Run a shell command, return its exit status; its stdout+stderr go to out (may be NULL). */
static int run(char *out, size_t outsz, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = 0;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
        if (out && n + 1 < outsz) {
            size_t k = got < outsz - 1 - n ? got : outsz - 1 - n;
            memcpy(out + n, buf, k);
            n += k;
        }
    }
    if (out)
        out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Units in a TMX counted by libxml2's DOM, independently of our reader. */
static long xpath_count(const char *path, const char *expr)
{
    char out[256];
    int st = run(out, sizeof out, "xmllint --nonet --xpath '%s' '%s' 2>/dev/null", expr, path);
    if (st != 0 && st != 10) /* 10: XPath result is empty */
        return -1;
    return atol(out);
}

/* Validate a written TMX against the 1.4 DTD; any message (warnings included) is a failure. */
static void assert_valid_tmx(const char *path)
{
    char out[8192], dtd[1024];
    path_join(dtd, sizeof dtd, data_dir(), "formats/tmx14.dtd");
    int st = run(out, sizeof out, "xmllint --noout --nonet --dtdvalid '%s' '%s' 2>&1", dtd, path);
    if (st != 0 || out[0] != '\0')
        fail_msg("%s does not validate against tmx14.dtd (exit %d):\n%s", path, st, out);
}

static char *slurp(const char *path);

/* ---- unit model --------------------------------------------------------------------------- */

static void test_unit_model(void **state)
{
    (void)state;
    jisr_unit u, c;
    jisr_unit_init(&u);
    assert_int_equal(u.nvariants, 0);
    assert_int_equal(u.meta.usagecount, -1);
    jisr_variant *v;
    assert_int_equal(jisr_unit_add_variant(&u, "EN-us", "Hello", 5, &v), 0);
    assert_string_equal(v->lang, "EN-us");
    assert_int_equal(jisr_unit_add_variant(&u, "AR_sa", "مرحبا", strlen("مرحبا"), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, "arz", "ازيك", strlen("ازيك"), NULL), 0);
    assert_int_equal(u.nvariants, 3);
    /* BCP 47: case-insensitive, _ = -, prefix by subtag */
    assert_ptr_equal(jisr_unit_find(&u, "ar"), &u.variants[1]);
    assert_ptr_equal(jisr_unit_find(&u, "ar-SA"), &u.variants[1]);
    assert_ptr_equal(jisr_unit_find(&u, "en"), &u.variants[0]);
    assert_ptr_equal(jisr_unit_find(&u, "arz"), &u.variants[2]);
    assert_null(jisr_unit_find(&u, "fr"));
    assert_null(jisr_unit_find(&u, "e"));

    /* placeholders, tags, plain text */
    jisr_variant *t;
    const char text[] = "a\xee\x80\x80"
                        "b\xee\x80\x81"
                        "c\xee\x80\x82";
    assert_int_equal(jisr_unit_add_variant(&u, "fr", text, strlen(text), &t), 0);
    t->tags = calloc(2, sizeof *t->tags);
    t->tags[0] = strdup("<ph x=\"1\"/>");
    t->tags[1] = strdup("&#xE123;"); /* a literal private-use character */
    t->ntags = 2;
    jisr_buf b = {0};
    assert_int_equal(jisr_variant_plain(t, &b), 0);
    /* tag 0 vanishes, tag 1 gives U+E123 back, U+E002 (no tag) is ordinary text */
    assert_string_equal(b.data, "ab\xee\x84\xa3"
                                "c\xee\x80\x82");
    jisr_buf_free(&b);

    u.tuid = strdup("t1");
    u.meta.nnotes = 1;
    u.meta.notes = calloc(1, sizeof *u.meta.notes);
    u.meta.notes[0].value = strdup("n");
    assert_int_equal(jisr_unit_copy(&c, &u), 0);
    check_unit(&u, &c, "copy");
    assert_ptr_not_equal(c.variants[3].tags[0], u.variants[3].tags[0]);
    assert_ptr_not_equal(c.tuid, u.tuid);

    /* keep_pair narrows to two languages */
    assert_int_equal(jisr_unit_keep_pair(&c, "en", "ar"), 1);
    assert_int_equal(c.nvariants, 2); /* en and AR_sa; arz is another language */
    assert_string_equal(c.variants[1].lang, "AR_sa");
    jisr_unit_clear(&c);
    assert_int_equal(jisr_unit_copy(&c, &u), 0);
    assert_int_equal(jisr_unit_keep_pair(&c, "fr", "de"), 0);
    assert_int_equal(c.nvariants, 1);
    assert_string_equal(c.variants[0].lang, "fr");
    jisr_unit_clear(&c);
    jisr_unit_clear(&u);
    assert_null(u.variants);
    jisr_unit_clear(&u); /* idempotent */
    jisr_unit_clear(NULL);

    assert_int_equal(jisr_format_from_name("a/b.TMX"), JISR_FMT_TMX);
    assert_int_equal(jisr_format_from_name("x.tsv"), JISR_FMT_TSV);
    assert_int_equal(jisr_format_from_name("x.jsonl"), JISR_FMT_JSONL);
    assert_int_equal(jisr_format_from_name("corpus.ar"), JISR_FMT_MOSES);
    assert_int_equal(jisr_format_from_name("x.txt"), JISR_FMT_MOSES);
    assert_int_equal(jisr_format_from_name("x.xml"), JISR_FMT_AUTO);
    assert_int_equal(jisr_format_from_name("dir.d/noext"), JISR_FMT_AUTO);
    assert_int_equal(jisr_format_from_string("Moses"), JISR_FMT_MOSES);
    assert_int_equal(jisr_format_from_string("xliff"), JISR_FMT_XLIFF);
    assert_int_equal(jisr_format_from_string("docx"), JISR_FMT_AUTO);
}

static void test_keep_pair_counts(void **state)
{
    (void)state;
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_unit_add_variant(&u, "en", "a", 1, NULL);
    jisr_unit_add_variant(&u, "de", "b", 1, NULL);
    jisr_unit_add_variant(&u, "ar-SA", "c", 1, NULL);
    jisr_unit_add_variant(&u, "ar_EG", "d", 1, NULL);
    assert_int_equal(jisr_unit_keep_pair(&u, "ar", "en"), 1);
    assert_int_equal(u.nvariants, 3);
    assert_string_equal(u.variants[0].lang, "en");
    assert_string_equal(u.variants[1].lang, "ar-SA");
    assert_string_equal(u.variants[2].lang, "ar_EG");
    jisr_unit_clear(&u);
}

/* ---- TMX round trips ---------------------------------------------------------------------- */

static void roundtrip_file(const char *path)
{
    char out[512], out2[512], ctx[2048];
    jisr_header h1, h2;
    units a, b, c;
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    if (read_all(path, &ro, &a, &h1) < 0) {
        char m[2048];
        jisr_error_format(m, sizeof m);
        fail_msg("reading %s: %s", path, m);
    }
    long want = xpath_count(path, "count(//tu)");
    if (want >= 0 && (size_t)want != a.n)
        fail_msg("%s: read %zu units, libxml2's DOM counts %ld", path, a.n, want);

    snprintf(out, sizeof out, "%s/rt.tmx", tmpdir);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.srclang = h1.srclang;
    wo.adminlang = h1.adminlang;
    wo.datatype = h1.meta.datatype;
    wo.segtype = h1.meta.segtype;
    wo.o_tmf = h1.meta.o_tmf;
    assert_int_equal(write_all(out, &wo, &a, &h1.meta), 0);
    assert_valid_tmx(out);
    assert_int_equal(read_all(out, &ro, &b, &h2), 0);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        snprintf(ctx, sizeof ctx, "%s unit %zu (TMX)", path, i + 1);
        check_unit(&a.v[i], &b.v[i], ctx);
    }
    /* the header names jisr as its creation tool; everything else is carried over */
    snprintf(ctx, sizeof ctx, "%s header", path);
    check_str("header creationtool", h2.meta.creationtool, "jisr", ctx);
    free(h1.meta.creationtool);
    free(h1.meta.creationtoolversion);
    h1.meta.creationtool = strdup("jisr");
    h1.meta.creationtoolversion = strdup(h2.meta.creationtoolversion);
    if (!h1.meta.segtype ||
        (strcmp(h1.meta.segtype, "block") && strcmp(h1.meta.segtype, "paragraph") &&
         strcmp(h1.meta.segtype, "sentence") && strcmp(h1.meta.segtype, "phrase"))) {
        free(h1.meta.segtype); /* absent or not one of the DTD's values: written as "sentence" */
        h1.meta.segtype = strdup("sentence");
    }
    if (!h1.meta.datatype)
        h1.meta.datatype = strdup("plaintext");
    if (!h1.meta.o_tmf)
        h1.meta.o_tmf = strdup("jisr");
    check_meta(&h1.meta, &h2.meta, ctx);
    check_str("header adminlang", h1.adminlang ? h1.adminlang : "en", h2.adminlang, ctx);
    check_str("header srclang", h1.srclang ? h1.srclang : "*all*", h2.srclang, ctx);
    assert_string_equal(h2.version, "1.4");

    /* JSONL keeps the same units */
    snprintf(out2, sizeof out2, "%s/rt.jsonl", tmpdir);
    assert_int_equal(write_all(out2, &wo, &a, NULL), 0);
    assert_int_equal(read_all(out2, &ro, &c, NULL), 0);
    assert_int_equal(a.n, c.n);
    for (size_t i = 0; i < a.n; i++) {
        snprintf(ctx, sizeof ctx, "%s unit %zu (JSONL)", path, i + 1);
        check_unit(&a.v[i], &c.v[i], ctx);
    }
    units_free(&a);
    units_free(&b);
    units_free(&c);
    header_free(&h1);
    header_free(&h2);
}

static int roundtrip_dir(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        if (!ends_with(e->d_name, ".tmx"))
            continue;
        char p[1024];
        path_join(p, sizeof p, dir, e->d_name);
        roundtrip_file(p);
        n++;
    }
    closedir(d);
    return n;
}

static void test_roundtrip_compliance_kit(void **state)
{
    (void)state;
    char dir[1024];
    path_join(dir, sizeof dir, data_dir(), "formats/compliance-kit");
    assert_int_equal(roundtrip_dir(dir), 23);
}

static void test_roundtrip_okapi(void **state)
{
    (void)state;
    char dir[1024];
    path_join(dir, sizeof dir, data_dir(), "formats/okapi");
    assert_int_equal(roundtrip_dir(dir), 13);
}

static void test_roundtrip_flavours(void **state)
{
    (void)state;
    char dir[1024];
    path_join(dir, sizeof dir, data_dir(), "formats");
    assert_int_equal(roundtrip_dir(dir), 5);
}

/* What the flavour files must contain, beyond surviving a round trip. */
static void test_flavour_contents(void **state)
{
    (void)state;
    char p[1024];
    units a;
    jisr_header h;
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    jisr_buf b = {0};

    /* UTF-16LE Trados: header props/note, unit dates/users/usage, props, inline tags */
    path_join(p, sizeof p, data_dir(), "formats/trados-utf16le.tmx");
    assert_int_equal(read_all(p, &ro, &a, &h), 0);
    assert_int_equal(a.n, 2);
    assert_int_equal(h.meta.nprops, 3);
    assert_string_equal(h.meta.props[1].type, "x-TMName");
    assert_string_equal(h.meta.props[1].value, "ar-en legal");
    assert_string_equal(h.meta.props[2].value, "");
    assert_int_equal(h.meta.nnotes, 1);
    assert_string_equal(h.meta.creationid, "TRADOS\\anna");
    jisr_unit *u = &a.v[0];
    assert_string_equal(u->meta.creationdate, "20180615T093012Z");
    assert_string_equal(u->meta.changeid, "TRADOS\\omar");
    assert_string_equal(u->meta.lastusagedate, "20200301T080000Z");
    assert_int_equal(u->meta.usagecount, 3);
    assert_int_equal(u->meta.nprops, 3);
    assert_string_equal(u->meta.props[2].value, "Translated");
    assert_string_equal(u->variants[1].lang, "ar-SA");
    assert_int_equal(u->variants[1].ntags, 3);
    assert_string_equal(u->variants[1].tags[0],
                        "<bpt i=\"1\" type=\"bold\">&lt;cf bold=\"True\"&gt;</bpt>");
    assert_string_equal(u->variants[1].tags[2], "<ph x=\"2\" type=\"x-tab\">&lt;tab/&gt;</ph>");
    assert_int_equal(jisr_variant_plain(&u->variants[1], &b), 0);
    assert_string_equal(b.data, "اضغط حفظ للاحتفاظ بالعقد.");
    assert_string_equal(a.v[1].variants[0].tags[0], "<ut>{\\b </ut>");
    jisr_buf_reset(&b);
    assert_int_equal(jisr_variant_plain(&a.v[1].variants[0], &b), 0);
    assert_string_equal(b.data, "Article 5: the parties & their heirs <shall> comply.");
    assert_int_equal(a.v[1].meta.usagecount, 0);
    units_free(&a);
    header_free(&h);

    /* TMX 1.1: lang attribute on tuv, prop and note */
    path_join(p, sizeof p, data_dir(), "formats/tmx11-lang.tmx");
    assert_int_equal(read_all(p, &ro, &a, &h), 0);
    assert_string_equal(h.version, "1.1");
    assert_string_equal(h.meta.notes[0].lang, "EN");
    assert_string_equal(a.v[0].variants[1].lang, "AR-EG");
    assert_string_equal(a.v[0].variants[1].text, "صباح الخير");
    assert_non_null(jisr_unit_find(&a.v[1], "ar"));
    assert_string_equal(a.v[1].variants[1].meta.props[0].lang, "AR");
    units_free(&a);
    header_free(&h);

    /* declared legacy encodings decode to UTF-8 */
    path_join(p, sizeof p, data_dir(), "formats/latin1.tmx");
    assert_int_equal(read_all(p, &ro, &a, NULL), 0);
    assert_string_equal(a.v[0].variants[0].text,
                        "Élève très doué, déjà reçu à l'école ; « café » coûte 3 EUR?");
    assert_string_equal(a.v[0].meta.creationid, "Zoé");
    units_free(&a);
    path_join(p, sizeof p, data_dir(), "formats/cp1256.tmx");
    assert_int_equal(read_all(p, &ro, &a, NULL), 0);
    assert_string_equal(a.v[0].variants[0].text, "مرحبا بالعالم، كيف حالك؟");
    units_free(&a);

    /* multilingual: *all*, several variants per language, hi split, sub kept, PUA literal */
    path_join(p, sizeof p, data_dir(), "formats/multilang.tmx");
    assert_int_equal(read_all(p, &ro, &a, &h), 0);
    assert_string_equal(h.srclang, "*all*");
    assert_string_equal(h.version, "1.4b");
    assert_string_equal(a.v[0].srclang, "*all*");
    assert_int_equal(a.v[0].nvariants, 6);
    int ar = 0;
    for (size_t i = 0; i < a.v[0].nvariants; i++)
        ar += !!jisr_unit_find(&(jisr_unit){.variants = &a.v[0].variants[i], .nvariants = 1}, "ar");
    assert_int_equal(ar, 2); /* AR-SA and ar_SA */
    jisr_variant *en = &a.v[0].variants[0];
    assert_int_equal(en->ntags, 3);
    assert_string_equal(en->tags[0], "<hi x=\"1\" type=\"b\">");
    assert_string_equal(en->tags[2], "</hi>");
    jisr_buf_reset(&b);
    jisr_variant_plain(en, &b);
    assert_string_equal(b.data, "The General Assembly met.");
    jisr_variant *m2 = &a.v[1].variants[0];
    assert_string_equal(m2->tags[0], "<bpt i=\"1\" x=\"1\">&lt;a href=\"<sub type=\"link\">"
                                     "http://x.org/?a=1&amp;b=2</sub>\"&gt;</bpt>");
    assert_string_equal(m2->tags[2], "&#xE001;");
    jisr_buf_reset(&b);
    jisr_variant_plain(m2, &b);
    assert_string_equal(b.data, "Click here\t(tab) \r and a private char \xee\x80\x81 and 😀.");
    assert_string_equal(a.v[1].meta.props[0].value, "tab\tinside and\nnewline");
    assert_int_equal(a.v[1].meta.usagecount, 12);
    assert_string_equal(a.v[2].variants[0].text, "");
    assert_string_equal(a.v[2].variants[1].text, "");
    units_free(&a);
    header_free(&h);
    jisr_buf_free(&b);
}

/* ---- real files from ../shared ------------------------------------------------------------- */

static void test_shared_tmx(void **state)
{
    (void)state;
    char dir[1024];
    const char *subs[] = {"tmx/omegat-tests", "tmx/matecat"};
    int files = 0;
    for (size_t s = 0; s < 2; s++) {
        path_join(dir, sizeof dir, shared_dir(), subs[s]);
        DIR *d = opendir(dir);
        if (!d)
            skip();
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!ends_with(e->d_name, ".tmx"))
                continue;
            char p[1024];
            path_join(p, sizeof p, dir, e->d_name);
            /* every one of these files is well-formed TMX (the "invalid" ones are invalid in
             * OmegaT's sense: unpaired tags, lang and xml:lang mixed, a unit without source),
             * so each must read completely with libxml2's DOM count */
            roundtrip_file(p);
            files++;
        }
        closedir(d);
    }
    assert_true(files >= 25);
}

/* ---- hostile and malformed input ---------------------------------------------------------- */

typedef struct badlog {
    int n;
    unsigned long line[8];
    char msg[8][1100];
} badlog;

static void on_bad(void *ctx, const jisr_error *e)
{
    badlog *l = ctx;
    if (l->n < 8) {
        l->line[l->n] = e->line;
        snprintf(l->msg[l->n], sizeof l->msg[0], "%s", e->msg);
    }
    l->n++;
}

static int read_bad(const char *name, units *u, unsigned flags, badlog *log)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/formats/bad/%s", data_dir(), name);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TMX;
    ro.flags = flags;
    ro.on_bad = on_bad;
    ro.ctx = log;
    jisr_error_clear();
    return read_all(p, &ro, u, NULL);
}

static void expect_error(const char *name, int code, const char *msg_part)
{
    units u;
    double t0 = (double)clock() / CLOCKS_PER_SEC;
    int rc = read_bad(name, &u, 0, NULL);
    double t = (double)clock() / CLOCKS_PER_SEC - t0;
    const jisr_error *e = jisr_error_last();
    if (rc != code)
        fail_msg("%s: rc %d, want %d (%s)", name, rc, code, e->msg);
    assert_true(ends_with(e->file, name));
    if (e->line == 0 || e->col == 0)
        fail_msg("%s: error without line/column: %s", name, e->msg);
    if (msg_part && !strstr(e->msg, msg_part))
        fail_msg("%s: message '%s' lacks '%s'", name, e->msg, msg_part);
    assert_true(t < 2.0);
    /* nothing from outside the file ever shows up */
    for (size_t i = 0; i < u.n; i++)
        for (size_t k = 0; k < u.v[i].nvariants; k++)
            assert_null(strstr(u.v[i].variants[k].text, "root:"));
    units_free(&u);
}

static void test_bad_files(void **state)
{
    (void)state;
    expect_error("billion-laughs.tmx", JISR_EPARSE, "entity");
    expect_error("xxe.tmx", JISR_EPARSE, "xxe");
    expect_error("missing-lang.tmx", JISR_EPARSE, "without a language");
    expect_error("bad-inline.tmx", JISR_EPARSE, "<b>");
    expect_error("no-seg.tmx", JISR_EPARSE, "no <seg>");
    expect_error("mismatched.tmx", JISR_EPARSE,
                 "</tuv> where </seg> (opened on line 6) should close first");
    expect_error("deep.tmx", JISR_ETOOBIG, "deeper");
    expect_error("truncated.tmx", JISR_EPARSE, "ends before </tmx> (truncated file?)");
    expect_error("not-tmx.xml", JISR_EPARSE, "root element is <html>");
    expect_error("bad-utf8.tmx", JISR_EPARSE, "UTF-8");
    /* an invalid byte of a declared encoding: reported (not printed by libxml2), exact place:
     * the byte 0xA1 after "<seg>bad " (libxml2's parse stops at the text's start, 4:29) */
    expect_error("bad-eucjp.tmx", JISR_EPARSE, "bytes that are not EUC-JP");
    assert_int_equal(jisr_error_last()->line, 4);
    assert_int_equal(jisr_error_last()->col, 33);

    /* an external parameter entity is neither fetched nor fatal: the units are all there */
    units u;
    assert_int_equal(read_bad("xxe-param.tmx", &u, 0, NULL), 0);
    assert_int_equal(u.n, 2);
    units_free(&u);

    /* error line points at the offending element, the column at its '<' */
    assert_int_equal(read_bad("missing-lang.tmx", &u, 0, NULL), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 6);
    assert_int_equal(jisr_error_last()->col, 18);
    units_free(&u);
    assert_int_equal(read_bad("bad-inline.tmx", &u, 0, NULL), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 6);
    assert_int_equal(jisr_error_last()->col, 44);
    assert_int_equal(u.n, 1); /* the unit before it */
    units_free(&u);
    /* a <seg> straight in <tu>, on a line of its own */
    assert_int_equal(read_bad("seg-in-tu.tmx", &u, 0, NULL), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 8);
    assert_int_equal(jisr_error_last()->col, 7);
    units_free(&u);
    expect_error("bad-nesting.tmx", JISR_EPARSE, "unexpected element <tu> inside <tuv>");
    expect_error("undeclared-entity.tmx", JISR_EPARSE, "'&eacute;' is none of XML's five entities");
    expect_error("truncated-tag.tmx", JISR_EPARSE, NULL);
}

/* The line on which needle first occurs in a bad/ file (1-based). */
static unsigned long line_of(const char *name, const char *needle)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/formats/bad/%s", data_dir(), name);
    char *s = slurp(p);
    assert_non_null(s);
    char *at = strstr(s, needle);
    assert_non_null(at);
    unsigned long line = 1;
    for (char *c = s; c < at; c++)
        line += *c == '\n';
    free(s);
    return line;
}

static void test_skip_bad(void **state)
{
    (void)state;
    units u;
    const char *files[] = {"missing-lang.tmx", "bad-inline.tmx", "no-seg.tmx", "xxe.tmx"};
    for (size_t i = 0; i < 4; i++) {
        badlog log = {0};
        assert_int_equal(read_bad(files[i], &u, JISR_READ_SKIP_BAD, &log), 0);
        assert_int_equal(log.n, 1);
        assert_int_equal(log.line[0], line_of(files[i], "tuid=\"2\""));
        assert_int_equal(u.n, 2);
        assert_string_equal(u.v[0].tuid, "1");
        assert_string_equal(u.v[1].tuid, "3");
        units_free(&u);
    }
    /* a truncated file: the units before the damage, and the damage reported */
    badlog log = {0};
    assert_int_equal(read_bad("truncated.tmx", &u, JISR_READ_SKIP_BAD, &log), 0);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.line[0], line_of("truncated.tmx", "tuid=\"3\""));
    assert_int_equal(u.n, 2);
    units_free(&u);
}

/* A TMX file of n units (tuid i, two lines each from line 3) where every 97th from the 5th holds
 * malformed XML (one of six kinds) in its English segment; the indexes of those in bad[]. */
static void resume_doc(jisr_buf *doc, int n, const char *encoding, const char *other, int *bad,
                       int *nbad)
{
    static const char *const kinds[] = {"two & three",   "a < b",       "x</seg></seg>",
                                        "bad \xff byte", "no ]]> here", "&bogus;"};
    jisr_buf_printf(doc,
                    "<?xml version=\"1.0\" encoding=\"%s\"?>\n<tmx version=\"1.4\"><header "
                    "srclang=\"en\"/><body>\n",
                    encoding);
    *nbad = 0;
    for (int i = 0; i < n; i++) {
        const char *k = i % 97 == 5 ? kinds[(i / 97) % 6] : "";
        if (*k)
            bad[(*nbad)++] = i;
        jisr_buf_printf(doc,
                        "<tu tuid=\"%d\"><tuv xml:lang=\"en\"><seg>unit %d %s %0*d</seg></tuv>\n"
                        "<tuv xml:lang=\"xx\"><seg>%s %d</seg></tuv></tu>\n",
                        i, i, k, (i * 37) % 300, 0, other, i);
    }
    jisr_buf_puts(doc, "</body></tmx>\n");
}

/* Read everything, skipping bad units; rc of the last next(). */
static int resume_read(jisr_reader *r, units *u)
{
    int rc;
    jisr_unit x;
    jisr_unit_init(&x);
    u->v = NULL;
    u->n = 0;
    while ((rc = jisr_reader_next(r, &x)) > 0) {
        u->v = realloc(u->v, (u->n + 1) * sizeof *u->v);
        assert_non_null(u->v);
        u->v[u->n++] = x;
        jisr_unit_init(&x);
    }
    jisr_unit_clear(&x);
    return rc;
}

/* The source language's variants first, then the target's, then the others, each in order. */
static void test_unit_source_first(void **state)
{
    (void)state;
    jisr_unit u;
    jisr_unit_init(&u);
    const char *langs[] = {"fr", "ar", "en-GB", "ar-EG", "de"};
    for (int i = 0; i < 5; i++)
        assert_int_equal(jisr_unit_add_variant(&u, langs[i], langs[i], strlen(langs[i]), NULL), 0);
    jisr_unit_source_first(&u, "en", "ar");
    const char *want[] = {"en-GB", "ar", "ar-EG", "fr", "de"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(u.variants[i].lang, want[i]);
    jisr_unit_source_first(&u, "de", NULL);
    assert_string_equal(u.variants[0].lang, "de");
    assert_string_equal(u.variants[1].lang, "en-GB");
    jisr_unit_clear(&u);
}

/* A format outside the enum is refused by name, not read as some other format (before: "Moses
 * text has two files"). */
static void test_reader_unknown_format(void **state)
{
    (void)state;
    jisr_read_opts o = JISR_READ_OPTS_INIT;
    o.format = (jisr_format)42;
    jisr_reader *r = (jisr_reader *)1;
    assert_int_equal(jisr_reader_open_memory(&r, "x.tsv", "a\tb\n", 4, &o), JISR_EINVAL);
    assert_null(r);
    assert_non_null(strstr(jisr_error_last()->msg, "unknown input format 42"));
}

static void test_skip_bad_resume(void **state)
{
    (void)state;
    enum { N = 3000 };
    int bad[N], nbad;
    jisr_buf doc = {0};
    resume_doc(&doc, N, "UTF-8", "وحدة", bad, &nbad);
    assert_true(doc.len > 4 * (64 << 10)); /* several chunks */
    char path[1024];
    snprintf(path, sizeof path, "%s/resume.tmx", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(doc.data, 1, doc.len, f);
    fclose(f);
    for (int mode = 0; mode < 3; mode++) { /* a buffer, a file, a check-only read of the file */
        badlog log = {0};
        jisr_read_opts ro = JISR_READ_OPTS_INIT;
        ro.format = JISR_FMT_TMX;
        ro.flags = JISR_READ_SKIP_BAD | (mode == 2 ? JISR_READ_CHECK_ONLY : 0);
        ro.on_bad = on_bad;
        ro.ctx = &log;
        jisr_reader *r;
        if (mode == 0)
            assert_int_equal(jisr_reader_open_memory(&r, "mem", doc.data, doc.len, &ro), 0);
        else
            assert_int_equal(jisr_reader_open(&r, path, &ro), 0);
        units u;
        assert_int_equal(resume_read(r, &u), 0);
        jisr_reader_close(r);
        /* every good unit, in order, and every bad one reported once, where it is */
        assert_int_equal(log.n, nbad);
        assert_int_equal(u.n, N - nbad);
        for (size_t i = 0, b = 0; i < u.n; i++) {
            size_t want = i + b;
            while (b < (size_t)nbad && (size_t)bad[b] == want)
                want = i + ++b;
            assert_int_equal(u.v[i].line, 3 + 2 * want);
            if (mode < 2)
                assert_int_equal(atoi(u.v[i].tuid), (int)want);
        }
        for (int b = 0; b < 8 && b < nbad; b++) {
            char where[64];
            assert_int_equal(log.line[b], 3 + 2 * bad[b]);
            snprintf(where, sizeof where, "skipped to the next <tu> at %d:1", 3 + 2 * (bad[b] + 1));
            if (!strstr(log.msg[b], where))
                fail_msg("bad unit %d: '%s' lacks '%s'", bad[b], log.msg[b], where);
        }
        units_free(&u);
    }
    /* another encoding: the error ends the read (the units before it are read), saying so */
    jisr_buf_reset(&doc);
    resume_doc(&doc, 100, "ISO-8859-1", "unit", bad, &nbad);
    badlog log = {0};
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TMX;
    ro.flags = JISR_READ_SKIP_BAD;
    ro.on_bad = on_bad;
    ro.ctx = &log;
    jisr_reader *r;
    assert_int_equal(jisr_reader_open_memory(&r, "latin1", doc.data, doc.len, &ro), 0);
    units u;
    assert_int_equal(resume_read(r, &u), JISR_EPARSE);
    assert_int_equal(u.n, 5);
    assert_int_equal(jisr_error_last()->line, 13);
    assert_non_null(strstr(jisr_error_last()->msg, "the rest of the file was not read"));
    jisr_reader_close(r);
    units_free(&u);
    jisr_buf_free(&doc);
}

/* ---- check-only reads ------------------------------------------------------------------ */

/* Everything a read reports: open error, units (count and where each started), skipped units,
 * final result. */
typedef struct readlog {
    int open_rc, rc;
    size_t n;
    unsigned long pos; /* hash of the units' line:col */
    int nbad;
    jisr_error bad[16];
    jisr_error err;
} readlog;

static void log_bad(void *ctx, const jisr_error *e)
{
    readlog *l = ctx;
    if (l->nbad < 16)
        l->bad[l->nbad] = *e;
    l->nbad++;
}

static void read_log(const char *path, unsigned flags, readlog *out)
{
    memset(out, 0, sizeof *out);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.format = JISR_FMT_TMX;
    ro.flags = flags;
    ro.on_bad = log_bad;
    ro.ctx = out;
    jisr_reader *r;
    jisr_error_clear();
    out->open_rc = jisr_reader_open(&r, path, &ro);
    if (out->open_rc < 0) {
        out->err = *jisr_error_last();
        return;
    }
    jisr_unit u;
    jisr_unit_init(&u);
    while ((out->rc = jisr_reader_next(r, &u)) > 0) {
        out->n++;
        out->pos = out->pos * 31 + u.line * 1000003 + u.col;
    }
    if (out->rc < 0)
        out->err = *jisr_error_last();
    jisr_unit_clear(&u);
    jisr_reader_close(r);
}

static void same_error(const jisr_error *a, const jisr_error *b, const char *what, const char *ctx)
{
    if (a->code != b->code || a->line != b->line || a->col != b->col || strcmp(a->msg, b->msg) ||
        strcmp(a->file, b->file))
        fail_msg("%s: %s differs: full read %d %s:%lu:%lu '%s', check-only %d %s:%lu:%lu '%s'", ctx,
                 what, a->code, a->file, a->line, a->col, a->msg, b->code, b->file, b->line, b->col,
                 b->msg);
}

/* A check-only read reports exactly what a full read does, strict and skipping bad units.
 * Returns 1 when the strict read failed. */
static int check_only_same(const char *path)
{
    int bad = 0;
    for (int skip = 0; skip < 2; skip++) {
        readlog a, b;
        char ctx[1200];
        unsigned flags = skip ? JISR_READ_SKIP_BAD : 0;
        snprintf(ctx, sizeof ctx, "%s%s", path, skip ? " (skip-bad)" : "");
        read_log(path, flags, &a);
        read_log(path, flags | JISR_READ_CHECK_ONLY, &b);
        if (a.open_rc != b.open_rc || a.rc != b.rc)
            fail_msg("%s: full read open %d next %d, check-only open %d next %d", ctx, a.open_rc,
                     a.rc, b.open_rc, b.rc);
        if (a.open_rc < 0 || a.rc < 0)
            same_error(&a.err, &b.err, "error", ctx);
        if (a.n != b.n || a.pos != b.pos)
            fail_msg("%s: full read %zu units, check-only %zu (or they start elsewhere)", ctx, a.n,
                     b.n);
        if (a.nbad != b.nbad)
            fail_msg("%s: full read skips %d units, check-only %d", ctx, a.nbad, b.nbad);
        for (int i = 0; i < a.nbad && i < 16; i++)
            same_error(&a.bad[i], &b.bad[i], "skipped unit", ctx);
        if (!skip)
            bad = a.open_rc < 0 || a.rc < 0;
    }
    return bad;
}

/* check_only_same over every file of dir; *nbad counts the files a strict read rejects. */
static int check_only_dir(const char *dir, int *nbad)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        char p[1024];
        struct stat st;
        path_join(p, sizeof p, dir, e->d_name);
        if (e->d_name[0] == '.' || stat(p, &st) != 0 || !S_ISREG(st.st_mode) ||
            ends_with(e->d_name, ".txt") || ends_with(e->d_name, ".md") ||
            ends_with(e->d_name, ".dtd"))
            continue;
        *nbad += check_only_same(p);
        n++;
    }
    closedir(d);
    return n;
}

/* A TMX of three units whose second holds middle[] (generated: too big to keep as fixtures). */
static void write_hostile(const char *path, const char *before, const char *fill, size_t times,
                          const char *after)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n"
          "<tu tuid=\"1\"><tuv xml:lang=\"en\"><seg>one</seg></tuv></tu>\n",
          f);
    fputs(before, f);
    for (size_t i = 0; i < times; i++)
        fputs(fill, f);
    fputs(after, f);
    fputs("\n<tu tuid=\"3\"><tuv xml:lang=\"en\"><seg>three</seg></tuv></tu>\n</body></tmx>\n", f);
    fclose(f);
}

static void test_check_only(void **state)
{
    (void)state;
    char dir[1024];
    int nbad = 0, n;

    /* every malformed and hostile fixture: the same error, code, place and message */
    path_join(dir, sizeof dir, data_dir(), "formats/bad");
    n = check_only_dir(dir, &nbad);
    assert_true(n >= 16);
    assert_int_equal(nbad, n - 1); /* all but xxe-param.tmx, whose units are all fine */
    /* good files: the same number of units */
    path_join(dir, sizeof dir, data_dir(), "formats");
    nbad = 0;
    n = check_only_dir(dir, &nbad);
    assert_true(n >= 5);
    assert_int_equal(nbad, 0);
    path_join(dir, sizeof dir, data_dir(), "formats/compliance-kit");
    check_only_dir(dir, &nbad);
    path_join(dir, sizeof dir, data_dir(), "formats/okapi");
    check_only_dir(dir, &nbad);
    assert_int_equal(nbad, 0);
    /* the fuzz corpus: every odd thing the fuzzer has found so far */
    path_join(dir, sizeof dir, data_dir(), "../fuzz/corpus/tmx");
    n = check_only_dir(dir, &nbad);
    assert_true(n >= 100);

    /* limits, generated: segment, inline tag, prop text, placeholders, variants */
    struct {
        const char *name, *before, *fill, *after;
        size_t times;
    } big[] = {
        {"big-seg.tmx", "<tu tuid=\"2\"><tuv xml:lang=\"en\"><seg>", "0123456789abcdef",
         "</seg></tuv></tu>", (1u << 16) + 1},
        {"big-ph.tmx", "<tu tuid=\"2\"><tuv xml:lang=\"en\"><seg>a<ph>", "&lt;b&gt;xyz01234567",
         "</ph></seg></tuv></tu>", (1u << 16)},
        {"big-prop.tmx", "<tu tuid=\"2\"><prop type=\"x\">", "0123456789abcdef",
         "</prop><tuv xml:lang=\"en\"><seg>a</seg></tuv></tu>", (1u << 16) + 1},
        {"many-tags.tmx", "<tu tuid=\"2\"><tuv xml:lang=\"en\"><seg>", "a\xee\x80\x81<ph/>",
         "</seg></tuv></tu>", 3201},
        {"many-tuv.tmx", "<tu tuid=\"2\">", "<tuv xml:lang=\"en\"><seg>a</seg></tuv>", "</tu>",
         4097},
    };
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", tmpdir, big[i].name);
        write_hostile(p, big[i].before, big[i].fill, big[i].times, big[i].after);
        assert_int_equal(check_only_same(p), 1);
        readlog a;
        read_log(p, JISR_READ_CHECK_ONLY, &a);
        if (a.rc != JISR_ETOOBIG || a.n != 1)
            fail_msg("%s: rc %d after %zu units: %s", big[i].name, a.rc, a.n, a.err.msg);
        read_log(p, JISR_READ_CHECK_ONLY | JISR_READ_SKIP_BAD, &a);
        assert_int_equal(a.rc, 0);
        assert_int_equal(a.n, 2);
        assert_int_equal(a.nbad, 1);
        assert_int_equal(a.bad[0].line, 4);
    }
}

static void test_memory_reader(void **state)
{
    (void)state;
    const char doc[] = "<tmx version=\"1.4\"><header creationtool=\"x\" creationtoolversion=\"1\" "
                       "segtype=\"sentence\" o-tmf=\"x\" adminlang=\"en\" srclang=\"en\" "
                       "datatype=\"plaintext\"/><body><tu><tuv xml:lang=\"en\"><seg>a &amp; "
                       "b</seg></tuv></tu></body></tmx>";
    jisr_reader *r;
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_reader_open_memory(&r, "mem", doc, strlen(doc), NULL), 0);
    assert_int_equal(jisr_reader_next(r, &u), 1);
    assert_string_equal(u.variants[0].text, "a & b");
    assert_int_equal(jisr_reader_next(r, &u), 0);
    assert_int_equal(jisr_reader_bytes(r), strlen(doc));
    jisr_reader_close(r);
    /* attribute values with references, in unit meta and in re-serialised inline tags */
    const char amp[] =
        "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu creationid=\"a&amp;b"
        "&#38;c&lt;&#x9;d&quot;\"><tuv xml:lang=\"en\"><seg>x<ph type=\"&amp;&lt;&#38;"
        "\"/><ph></ph></seg></tuv></tu></body></tmx>";
    assert_int_equal(jisr_reader_open_memory(&r, "amp", amp, strlen(amp), NULL), 0);
    assert_int_equal(jisr_reader_next(r, &u), 1);
    assert_string_equal(u.meta.creationid, "a&b&c<\td\"");
    assert_int_equal(u.variants[0].ntags, 2);
    assert_string_equal(u.variants[0].tags[0], "<ph type=\"&amp;&lt;&amp;\"/>");
    assert_string_equal(u.variants[0].tags[1], "<ph></ph>");
    jisr_reader_close(r);
    /* truncated copy: an error naming the buffer */
    assert_true(jisr_reader_open_memory(&r, "mem", doc, 60, NULL) < 0);
    assert_null(r);
    assert_string_equal(jisr_error_last()->file, "mem");
    assert_true(jisr_reader_open_memory(&r, "empty", "", 0, NULL) < 0);
    jisr_unit_clear(&u);
}

/* ---- TSV, Moses, JSONL -------------------------------------------------------------------- */

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_tsv(void **state)
{
    (void)state;
    char p[512], q[512];
    snprintf(p, sizeof p, "%s/in.tsv", tmpdir);
    /* escapes, an unknown escape kept, a third column ignored, a blank line skipped, CRLF */
    write_file(p, "a\\tb\\\\c\\nd\\re\tx\n\nC:\\dir\\file\tمسار\tattribution\r\n");
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.srclang = "en";
    ro.tgtlang = "ar";
    units a, b;
    assert_int_equal(read_all(p, &ro, &a, NULL), 0);
    assert_int_equal(a.n, 2);
    assert_string_equal(a.v[0].variants[0].text, "a\tb\\c\nd\re");
    assert_string_equal(a.v[0].variants[0].lang, "en");
    assert_string_equal(a.v[0].variants[1].lang, "ar");
    assert_string_equal(a.v[1].variants[0].text, "C:\\dir\\file");
    assert_string_equal(a.v[1].variants[1].text, "مسار");
    assert_int_equal(a.v[1].line, 3);

    /* write → read is exact, including every escaped character */
    snprintf(q, sizeof q, "%s/out.tsv", tmpdir);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.srclang = "en";
    wo.tgtlang = "ar";
    assert_int_equal(write_all(q, &wo, &a, NULL), 0);
    char *txt = slurp(q);
    assert_string_equal(txt, "a\\tb\\\\c\\nd\\re\tx\nC:\\\\dir\\\\file\tمسار\n");
    free(txt);
    assert_int_equal(read_all(q, &ro, &b, NULL), 0);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        check_unit(&a.v[i], &b.v[i], "tsv");
    units_free(&b);

    /* TSV → TMX → TSV through the TMX writer keeps tabs, newlines and CRs */
    snprintf(q, sizeof q, "%s/tsv.tmx", tmpdir);
    assert_int_equal(write_all(q, &wo, &a, NULL), 0);
    assert_valid_tmx(q);
    jisr_read_opts rt = JISR_READ_OPTS_INIT;
    assert_int_equal(read_all(q, &rt, &b, NULL), 0);
    assert_string_equal(b.v[0].variants[0].text, "a\tb\\c\nd\re");
    units_free(&b);
    units_free(&a);

    /* errors: one column; invalid UTF-8; both name line and column */
    write_file(p, "ok\tfine\nno tab here\n");
    assert_int_equal(read_all(p, &ro, &a, NULL), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 2);
    assert_true(jisr_error_last()->col > 0);
    units_free(&a);
    write_file(p, "ok\tfine\nbad \xff byte\tx\n");
    assert_int_equal(read_all(p, &ro, &a, NULL), JISR_EENCODING);
    assert_int_equal(jisr_error_last()->line, 2);
    assert_int_equal(jisr_error_last()->col, 5);
    units_free(&a);
    badlog log = {0};
    ro.flags = JISR_READ_SKIP_BAD;
    ro.on_bad = on_bad;
    ro.ctx = &log;
    write_file(p, "one\t1\nno tab\nthree\t3\n");
    assert_int_equal(read_all(p, &ro, &a, NULL), 0);
    assert_int_equal(a.n, 2);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.line[0], 2);
    units_free(&a);
}

static void test_moses(void **state)
{
    (void)state;
    char en[512], ar[512], out[512], out2[512];
    snprintf(en, sizeof en, "%s/corpus.en", tmpdir);
    snprintf(ar, sizeof ar, "%s/corpus.ar", tmpdir);
    write_file(en, "Hello\nThe world\n\nLast\n");
    write_file(ar, "مرحبا\nالعالم\n\nالأخير\n");
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.srclang = "en";
    ro.tgtlang = "ar"; /* corpus.ar derived from corpus.en */
    units a, b;
    assert_int_equal(read_all(en, &ro, &a, NULL), 0);
    assert_int_equal(a.n, 3);
    assert_string_equal(a.v[2].variants[1].text, "الأخير");
    assert_int_equal(a.v[2].line, 4);

    snprintf(out, sizeof out, "%s/out.en", tmpdir);
    snprintf(out2, sizeof out2, "%s/out.ar", tmpdir);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_MOSES;
    wo.srclang = "en";
    wo.tgtlang = "ar";
    /* a segment with line breaks: a Moses line cannot hold them, they become spaces */
    jisr_unit_add_variant(&a.v[0], "en", "x", 1, NULL);
    free(a.v[1].variants[0].text);
    a.v[1].variants[0].text = strdup("The\r\nworld\nagain");
    assert_int_equal(write_all(out, &wo, &a, NULL), 0);
    char *t1 = slurp(out), *t2 = slurp(out2);
    assert_string_equal(t1, "Hello\nThe world again\nLast\n");
    assert_string_equal(t2, "مرحبا\nالعالم\nالأخير\n");
    free(t1);
    free(t2);
    assert_int_equal(read_all(out, &ro, &b, NULL), 0);
    assert_int_equal(b.n, 3);
    units_free(&b);
    units_free(&a);

    /* unequal line counts: error naming the shorter file */
    write_file(ar, "مرحبا\n");
    assert_int_equal(read_all(en, &ro, &a, NULL), JISR_EPARSE);
    assert_true(ends_with(jisr_error_last()->file, "corpus.ar"));
    assert_int_equal(jisr_error_last()->line, 2);
    units_free(&a);
}

static void test_jsonl(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof p, "%s/in.jsonl", tmpdir);
    write_file(p, "{\"source\":\"Hi\",\"target\":\"أهلا\"}\n"
                  "\n"
                  "{\"src\":\"a\\tb\",\"tgt\":\"c\",\"srclang\":\"en-GB\",\"tgtlang\":\"ar-EG\"}\n"
                  "{\"tuid\":\"9\",\"variants\":[{\"lang\":\"en\",\"text\":\"x\\ue000y\","
                  "\"tags\":[\"<ph/>\"],\"meta\":{\"usagecount\":4,\"notes\":[{\"value\":\"n\"}]}},"
                  "{\"lang\":\"ar\",\"text\":\"س\"}]}\n");
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.srclang = "en";
    ro.tgtlang = "ar";
    units a;
    assert_int_equal(read_all(p, &ro, &a, NULL), 0);
    assert_int_equal(a.n, 3);
    assert_string_equal(a.v[0].variants[1].lang, "ar");
    assert_string_equal(a.v[0].variants[1].text, "أهلا");
    assert_string_equal(a.v[1].variants[0].lang, "en-GB");
    assert_string_equal(a.v[1].variants[0].text, "a\tb");
    assert_string_equal(a.v[2].tuid, "9");
    assert_int_equal(a.v[2].variants[0].ntags, 1);
    assert_int_equal(a.v[2].variants[0].meta.usagecount, 4);
    assert_string_equal(a.v[2].variants[0].meta.notes[0].value, "n");
    assert_int_equal(a.v[2].line, 4);
    units_free(&a);

    write_file(p, "{\"source\":\"ok\",\"target\":\"ok\"}\n{\"source\": \"x\", \"target\": }\n");
    assert_int_equal(read_all(p, &ro, &a, NULL), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 2);
    assert_true(jisr_error_last()->col > 1);
    units_free(&a);
    write_file(p, "[1,2]\n");
    assert_int_equal(read_all(p, &ro, &a, NULL), JISR_EPARSE);
    units_free(&a);
    write_file(p, "{\"variants\":[{\"lang\":\"en\"}]}\n");
    assert_int_equal(read_all(p, &ro, &a, NULL), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "text"));
    units_free(&a);
}

/* ---- writer behaviour --------------------------------------------------------------------- */

static int count_tmp_files(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

static void test_writer_atomic_and_checks(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof p, "%s/keep.tmx", tmpdir);
    write_file(p, "old content\n");
    jisr_writer *w;
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_unit_add_variant(&u, "en", "fine", 4, NULL);
    jisr_unit_add_variant(&u, "ar", "جيد", strlen("جيد"), NULL);
    assert_int_equal(jisr_writer_open(&w, p, NULL), 0);
    assert_int_equal(count_tmp_files(), 1);
    assert_int_equal(jisr_writer_write(w, &u), 0);
    jisr_writer_abort(w);
    char *s = slurp(p);
    assert_string_equal(s, "old content\n"); /* untouched */
    free(s);
    assert_int_equal(count_tmp_files(), 0);

    /* characters XML cannot carry and invalid UTF-8 are refused per unit; the writer goes on */
    assert_int_equal(jisr_writer_open(&w, p, NULL), 0);
    jisr_unit bad;
    jisr_unit_init(&bad);
    jisr_unit_add_variant(&bad, "en", "bell\x07", 5, NULL);
    jisr_unit_add_variant(&bad, "ar", "x", 1, NULL);
    assert_int_equal(jisr_writer_write(w, &bad), JISR_EENCODING);
    free(bad.variants[0].text);
    bad.variants[0].text = strdup("caf\xe9");
    assert_int_equal(jisr_writer_write(w, &bad), JISR_EENCODING);
    jisr_unit_clear(&bad);
    assert_int_equal(jisr_writer_write(w, &bad), JISR_EINVAL); /* no variant */
    assert_int_equal(jisr_writer_write(w, &u), 0);
    assert_int_equal(jisr_writer_count(w), 1);
    assert_int_equal(jisr_writer_close(w), 0);
    assert_valid_tmx(p);
    units a;
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    assert_int_equal(read_all(p, &ro, &a, NULL), 0);
    assert_int_equal(a.n, 1);
    check_unit(&u, &a.v[0], "written");
    units_free(&a);
    assert_int_equal(jisr_writer_open(&w, p, NULL), 0);
    assert_int_equal(jisr_writer_write(w, &u), 0);

    /* tags that would break the structure or bring in foreign elements are refused */
    const char *evil[] = {"</seg></tuv><tuv xml:lang=\"x\"><seg>",
                          "<b>bold</b>",
                          "<ph>&xxe;</ph>",
                          "<bpt i=\"1\">",
                          "<?pi x?>",
                          "<ph><seg/></ph>"};
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        jisr_unit t;
        jisr_unit_init(&t);
        jisr_variant *tv;
        jisr_unit_add_variant(&t, "en", "a\xee\x80\x80z", 5, &tv);
        tv->tags = calloc(1, sizeof *tv->tags);
        tv->tags[0] = strdup(evil[i]);
        tv->ntags = 1;
        if (jisr_writer_write(w, &t) != JISR_EINVAL)
            fail_msg("tag '%s' was accepted", evil[i]);
        free(tv->tags[0]);
        tv->tags[0] = strdup("<ph x=\"1\">&lt;br/&gt;</ph>"); /* a proper one is fine */
        assert_int_equal(jisr_writer_write(w, &t), 0);
        jisr_unit_clear(&t);
    }
    assert_int_equal(jisr_writer_count(w), 1 + sizeof evil / sizeof evil[0]);
    assert_int_equal(jisr_writer_close(w), 0);
    assert_valid_tmx(p);

    /* an unwritable place: error at open, nothing created */
    assert_true(jisr_writer_open(&w, "/nonexistent-dir/x.tmx", NULL) < 0);
    assert_int_equal(jisr_error_last()->code, JISR_EIO);
    /* TSV needs both languages */
    snprintf(p, sizeof p, "%s/pair.tsv", tmpdir);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.srclang = "en";
    wo.tgtlang = "fr";
    assert_int_equal(jisr_writer_open(&w, p, &wo), 0);
    assert_int_equal(jisr_writer_write(w, &u), JISR_ENOTFOUND);
    assert_int_equal(jisr_writer_close(w), 0);
    s = slurp(p);
    assert_string_equal(s, "");
    free(s);
    jisr_unit_clear(&u);
}

static void test_writer_stream(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof p, "%s/stream.jsonl", tmpdir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    jisr_writer *w;
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_unit_add_variant(&u, "en", "one", 3, NULL);
    jisr_unit_add_variant(&u, "ar", "واحد", strlen("واحد"), NULL);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_JSONL;
    assert_int_equal(jisr_writer_open_stream(&w, f, "mine", &wo, NULL), 0);
    assert_int_equal(jisr_writer_write(w, &u), 0);
    assert_int_equal(jisr_writer_write(w, &u), 0);
    assert_int_equal(jisr_writer_close(w), 0);
    /* the stream is still the caller's: usable after close, and nothing was renamed */
    assert_true(fputs("\n", f) >= 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(count_tmp_files(), 0);
    units a;
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    assert_int_equal(read_all(p, &ro, &a, NULL), 0); /* the blank line is skipped */
    assert_int_equal(a.n, 2);
    check_unit(&u, &a.v[1], "stream");
    units_free(&a);
    wo.format = JISR_FMT_MOSES;
    assert_int_equal(jisr_writer_open_stream(&w, stdout, "x", &wo, NULL), JISR_EINVAL);
    assert_int_equal(jisr_writer_open_stream(&w, NULL, "x", &wo, NULL), JISR_EINVAL);
    jisr_unit_clear(&u);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/jisr-formats-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- issue 11 B: the unit model's one set of checks ---------------------------------------- */

static void two_variants(jisr_unit *u, const char *en, const char *ar)
{
    jisr_unit_init(u);
    assert_int_equal(jisr_unit_add_variant(u, "en", en, strlen(en), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(u, "ar", ar, strlen(ar), NULL), 0);
    u->line = 7;
    u->col = 1;
}

static void test_unit_check(void **state)
{
    (void)state;
    jisr_unit u;
    /* Word's line and page breaks become line feeds; tab, LF, CR stay */
    two_variants(&u, "a\vb\fc\td\re\n", "x");
    assert_int_equal(jisr_unit_check(&u, "f.tsv"), 0);
    assert_string_equal(u.variants[0].text, "a\nb\nc\td\re\n");
    jisr_unit_clear(&u);
    /* other controls and U+FFFE/U+FFFF are refused with their place */
    two_variants(&u, "ok", "ab\x01");
    assert_int_equal(jisr_unit_check(&u, "f.tsv"), JISR_EENCODING);
    assert_string_equal(jisr_error_last()->file, "f.tsv");
    assert_int_equal(jisr_error_last()->line, 7);
    assert_non_null(strstr(jisr_error_last()->msg,
                           "the ar text holds the control character U+0001 (character 3)"));
    jisr_unit_clear(&u);
    two_variants(&u, "no \xef\xbf\xbe", "x");
    assert_int_equal(jisr_unit_check(&u, "f"), JISR_EENCODING);
    jisr_unit_clear(&u);
    two_variants(&u, "bad \xc3\x28", "x");
    assert_int_equal(jisr_unit_check(&u, "f"), JISR_EENCODING);
    jisr_unit_clear(&u);
    /* control characters in props and attributes too */
    two_variants(&u, "a", "b");
    u.tuid = strdup("id\x02");
    assert_int_equal(jisr_unit_check(&u, "f"), JISR_EENCODING);
    jisr_unit_clear(&u);
    /* limits: 1 MiB of text, 64 KiB of attribute */
    char *big = malloc((1u << 20) + 2);
    memset(big, 'x', (1u << 20) + 1);
    big[(1u << 20) + 1] = '\0';
    two_variants(&u, big, "x");
    assert_int_equal(jisr_unit_check(&u, "f"), JISR_ETOOBIG);
    jisr_unit_clear(&u);
    big[1u << 20] = '\0'; /* exactly 1 MiB is fine */
    two_variants(&u, big, "x");
    assert_int_equal(jisr_unit_check(&u, "f"), 0);
    jisr_unit_clear(&u);
    big[(64u << 10) + 1] = '\0';
    two_variants(&u, "a", "b");
    u.variants[0].meta.changeid = strdup(big);
    assert_int_equal(jisr_unit_check(&u, "f"), JISR_ETOOBIG);
    jisr_unit_clear(&u);
    free(big);
    /* a variant needs a language; tags must be inline TMX markup */
    two_variants(&u, "a", "b");
    free(u.variants[1].lang);
    u.variants[1].lang = strdup("");
    assert_int_equal(jisr_unit_check(&u, "f"), JISR_EPARSE);
    jisr_unit_clear(&u);
    two_variants(&u, "a \xee\x80\x80", "b");
    u.variants[0].tags = calloc(1, sizeof(char *));
    u.variants[0].tags[0] = strdup("<script>x</script>");
    u.variants[0].ntags = 1;
    assert_int_equal(jisr_unit_check(&u, "f"), JISR_EPARSE);
    free(u.variants[0].tags[0]);
    u.variants[0].tags[0] = strdup("<ph x=\"1\">&lt;b&gt;</ph>");
    assert_int_equal(jisr_unit_check(&u, "f"), 0);
    jisr_unit_clear(&u);
}

/* A variant with text and tags, for the private-use tests. */
static void set_variant(jisr_unit *u, const char *text, const char *const *tags, size_t ntags)
{
    jisr_unit_init(u);
    jisr_variant *v;
    assert_int_equal(jisr_unit_add_variant(u, "en", text, strlen(text), &v), 0);
    v->tags = ntags ? calloc(ntags, sizeof *v->tags) : NULL;
    for (size_t i = 0; i < ntags; i++)
        v->tags[i] = strdup(tags[i]);
    v->ntags = ntags;
}

#define U_E000 "\xee\x80\x80"
#define U_E001 "\xee\x80\x81"
#define U_E002 "\xee\x80\x82"
#define U_F8FF "\xef\xa3\xbf"

static void test_private_use(void **state)
{
    (void)state;
    jisr_unit u;
    jisr_buf b = {0};
    /* no tags: private-use characters are the characters themselves, untouched */
    set_variant(&u, "Apple " U_F8FF " " U_E000, NULL, 0);
    assert_int_equal(jisr_unit_check(&u, "f"), 0);
    assert_string_equal(u.variants[0].text, "Apple " U_F8FF " " U_E000);
    assert_int_equal(u.variants[0].ntags, 0);
    jisr_unit_clear(&u);
    /* literal tags (as the TMX reader makes while streaming) become characters again when they
     * cannot be mistaken for a tag; markup tags are renumbered in order */
    const char *t1[] = {"&#xF8FF;", "<ph/>", "&#xE001;"};
    set_variant(&u, "a " U_E000 " b " U_E001 " c " U_E002, t1, 3);
    assert_int_equal(jisr_unit_check(&u, "f"), 0);
    /* one markup tag: U+E001 (index 1) is not below 1, so it can be itself */
    assert_string_equal(u.variants[0].text, "a " U_F8FF " b " U_E000 " c " U_E001);
    assert_int_equal(u.variants[0].ntags, 1);
    assert_string_equal(u.variants[0].tags[0], "<ph/>");
    jisr_unit_clear(&u);
    /* a literal U+E000 beside a tag would be read as tag 0: it stays a character reference; and
     * that second tag makes U+E001 ambiguous in turn (the fixpoint) */
    const char *t2[] = {"<ph/>", "&#xE000;", "&#xE001;"};
    set_variant(&u, U_E000 " " U_E001 " " U_E002 " " U_F8FF, t2, 3);
    assert_int_equal(jisr_unit_check(&u, "f"), 0);
    assert_string_equal(u.variants[0].text, U_E000 " " U_E001 " " U_E002 " " U_F8FF);
    assert_int_equal(u.variants[0].ntags, 3);
    assert_string_equal(u.variants[0].tags[1], "&#xE000;");
    assert_string_equal(u.variants[0].tags[2], "&#xE001;");
    /* plain text gives every character back, markup disappears */
    assert_int_equal(jisr_variant_plain(&u.variants[0], &b), 0);
    assert_string_equal(b.data, " " U_E000 " " U_E001 " " U_F8FF);
    jisr_unit_clear(&u);
    /* a raw U+E000 in a JSONL text with one tag is that tag (the rule), a raw U+E005 is text */
    const char *t3[] = {"<ph/>"};
    set_variant(&u, U_E000 " \xee\x80\x85", t3, 1);
    assert_int_equal(jisr_unit_check(&u, "f"), 0);
    assert_string_equal(u.variants[0].text, U_E000 " \xee\x80\x85");
    assert_int_equal(u.variants[0].ntags, 1);
    jisr_unit_clear(&u);
    jisr_buf_free(&b);
}

/* ---- dates, tags of JSONL, encodings ------------------------------------------------------ */

static void test_date_parse(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int64_t t; /* INT64_MIN: not a date */
    } cases[] = {
        {"20190304T101112Z", 1551694272},
        {"2019-03-04T10:11:12Z", 1551694272},
        {"2019-03-04T10:11:12.345Z", 1551694272},
        {"2019-03-04 10:11:12", 1551694272},
        {"20190304T101112", 1551694272},
        {"2019-03-04T12:11:12+02:00", 1551694272},
        {"2019-03-04T05:11:12-0500", 1551694272},
        {"2019-03-04T10:11Z", 1551694260},
        {"2019-03-04", 1551657600},
        {"20190304", 1551657600},
        {" 2019-03-04 ", 1551657600},
        {"2020-02-29", 1582934400},
        {"20201301T000000Z", INT64_MIN}, /* month 13 */
        {"2019-02-29", INT64_MIN},       /* not a leap year */
        {"2019-04-31", INT64_MIN},
        {"2019-03-04T24:00:00Z", INT64_MIN},
        {"2019-03-04T10:61Z", INT64_MIN},
        {"2019-3-4", INT64_MIN},
        {"2019-03", INT64_MIN},
        {"2019-03-04T10", INT64_MIN},
        {"2019-03-04Tjunk", INT64_MIN},
        {"2019-03-04T10:11:12Z trailing", INT64_MIN},
        {"2019-03-04T10:11:12+25:00", INT64_MIN},
        {"yesterday", INT64_MIN},
        {"", INT64_MIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t = 0;
        int rc = jisr_date_parse(cases[i].s, &t);
        if (cases[i].t == INT64_MIN) {
            if (rc != JISR_EPARSE)
                fail_msg("'%s' read as a date", cases[i].s);
        } else if (rc != 0 || t != cases[i].t) {
            fail_msg("'%s': rc %d, %lld", cases[i].s, rc, (long long)t);
        }
    }
    char out[17];
    jisr_date_format(1551694272, out);
    assert_string_equal(out, "20190304T101112Z");
    assert_int_equal(jisr_date_parse(NULL, &(int64_t){0}), JISR_EPARSE);
}

typedef struct warnings {
    int n;
    jisr_error w[8];
} warnings;

static void on_warn(void *ctx, const jisr_error *w)
{
    warnings *ws = ctx;
    if (ws->n < 8)
        ws->w[ws->n] = *w;
    ws->n++;
}

/* Dates are read in TMX's form and ISO 8601's, handed over in TMX's form; one that cannot be
 * read is left out with a warning at its attribute (the <tu>'s, a <tuv>'s, the header's), and
 * the read goes on. */
static void test_reader_dates(void **state)
{
    (void)state;
    const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<tmx version=\"1.4\"><header srclang=\"en\" creationdate=\"2018-01-02\"/><body>\n"
        "<tu creationdate=\"2019-03-04T10:11:12Z\" changedate=\"20190305T101112Z\">"
        "<tuv xml:lang=\"en\"><seg>a</seg></tuv><tuv xml:lang=\"ar\"><seg>b</seg></tuv></tu>\n"
        "<tu creationdate=\"2020-01-01\"\n    changedate=\"20201301T000000Z\">"
        "<tuv xml:lang=\"en\" lastusagedate=\"junk\" changedate=\"2021-05-06T07:08:09+01:00\">"
        "<seg>c</seg></tuv><tuv xml:lang=\"ar\"><seg>d</seg></tuv></tu>\n"
        "</body></tmx>\n";
    warnings ws = {0};
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.on_warning = on_warn;
    ro.warning_ctx = &ws;
    jisr_reader *r;
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_reader_open_memory(&r, "d.tmx", doc, strlen(doc), &ro), 0);
    assert_string_equal(jisr_reader_header(r)->meta.creationdate, "20180102T000000Z");
    assert_int_equal(jisr_reader_next(r, &u), 1);
    assert_string_equal(u.meta.creationdate, "20190304T101112Z");
    assert_string_equal(u.meta.changedate, "20190305T101112Z");
    assert_int_equal(ws.n, 0);
    assert_int_equal(jisr_reader_next(r, &u), 1);
    assert_string_equal(u.meta.creationdate, "20200101T000000Z");
    assert_null(u.meta.changedate);
    assert_null(u.variants[0].meta.lastusagedate);
    assert_string_equal(u.variants[0].meta.changedate, "20210506T060809Z");
    assert_int_equal(ws.n, 2);
    assert_string_equal(ws.w[0].file, "d.tmx");
    assert_int_equal(ws.w[0].line, 5); /* the attribute itself, on the tag's second line */
    assert_int_equal(ws.w[0].col, 5);
    assert_non_null(strstr(ws.w[0].msg, "changedate=\"20201301T000000Z\" of the <tu>"));
    assert_int_equal(ws.w[1].line, 5);
    assert_int_equal(ws.w[1].col, 54);
    assert_non_null(strstr(ws.w[1].msg, "lastusagedate=\"junk\" of the <tuv>"));
    assert_int_equal(jisr_reader_next(r, &u), 0);
    jisr_reader_close(r);

    /* JSONL: the same, at the line */
    char p[512];
    snprintf(p, sizeof p, "%s/dates.jsonl", tmpdir);
    write_file(p, "{\"meta\":{\"creationdate\":\"2019-03-04T10:11:12Z\",\"changedate\":\"soon\"},"
                  "\"variants\":[{\"lang\":\"en\",\"text\":\"a\",\"meta\":{\"creationdate\":"
                  "\"2019-03-04\"}},{\"lang\":\"ar\",\"text\":\"b\"}]}\n");
    memset(&ws, 0, sizeof ws);
    assert_int_equal(jisr_reader_open(&r, p, &ro), 0);
    assert_int_equal(jisr_reader_next(r, &u), 1);
    assert_string_equal(u.meta.creationdate, "20190304T101112Z");
    assert_null(u.meta.changedate);
    assert_string_equal(u.variants[0].meta.creationdate, "20190304T000000Z");
    assert_int_equal(ws.n, 1);
    assert_int_equal(ws.w[0].line, 1);
    assert_non_null(strstr(ws.w[0].msg, "changedate=\"soon\" of the unit"));
    jisr_reader_close(r);
    jisr_unit_clear(&u);
}

/* Each inline tag of a JSONL variant stands for the one placeholder U+E000+i of its text: a tag
 * the text does not use, or uses twice, is an error naming the line (skipped with skip-bad), not
 * a tag dropped or doubled by the writers. */
static void test_jsonl_tags(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof p, "%s/tags.jsonl", tmpdir);
    const char *unused = "{\"variants\":[{\"lang\":\"en\",\"text\":\"Tag \\ue000 here\","
                         "\"tags\":[\"<bpt i=\\\"1\\\">x</bpt>\",\"<ept i=\\\"1\\\">y</ept>\"]},"
                         "{\"lang\":\"ar\",\"text\":\"x\"}]}\n";
    const char *twice = "{\"variants\":[{\"lang\":\"en\",\"text\":\"\\ue000 a \\ue000\","
                        "\"tags\":[\"<ph/>\"]},{\"lang\":\"ar\",\"text\":\"x\"}]}\n";
    const char *good = "{\"variants\":[{\"lang\":\"en\",\"text\":\"\\ue000 a \\ue001\","
                       "\"tags\":[\"<ph/>\"]},{\"lang\":\"ar\",\"text\":\"x\"}]}\n";
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    units a;
    char doc[2048];
    snprintf(doc, sizeof doc, "%s%s", good, unused);
    write_file(p, doc);
    assert_int_equal(read_all(p, &ro, &a, NULL), JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 2);
    assert_true(jisr_error_last()->col >= 1);
    assert_non_null(strstr(jisr_error_last()->msg, "does not hold U+E001"));
    assert_non_null(strstr(jisr_error_last()->msg, "<ept i=\"1\">y</ept>"));
    units_free(&a);
    write_file(p, twice);
    assert_int_equal(read_all(p, &ro, &a, NULL), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "more than once"));
    units_free(&a);
    /* skip-bad: the bad lines are skipped as any bad line, the good one read (a U+E001 beyond
     * the one tag is the character itself) */
    snprintf(doc, sizeof doc, "%s%s%s", unused, good, twice);
    write_file(p, doc);
    ro.flags = JISR_READ_SKIP_BAD;
    assert_int_equal(read_all(p, &ro, &a, NULL), 0);
    assert_int_equal(a.n, 1);
    assert_int_equal(a.v[0].line, 2);
    assert_int_equal(a.v[0].variants[0].ntags, 1);
    units_free(&a);
}

/* The line formats read UTF-8: a UTF-16 file (Excel's "Unicode text") is refused when opened,
 * saying so, from a file, a stream or memory; TMX reads it. A Latin-1 byte in a TMX that says
 * UTF-8 is one line naming the byte. */
static void test_encodings(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof p, "%s/u16.tsv", tmpdir);
    static const unsigned char u16[] = {0xFF, 0xFE, 'H', 0, 'i', 0, '\t', 0, 'x', 0, '\n', 0};
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(u16, 1, sizeof u16, f);
    fclose(f);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.srclang = "en";
    ro.tgtlang = "ar";
    jisr_reader *r;
    assert_int_equal(jisr_reader_open(&r, p, &ro), JISR_EENCODING);
    assert_null(r);
    assert_int_equal(jisr_error_last()->line, 1);
    assert_non_null(strstr(jisr_error_last()->msg, "looks like UTF-16"));
    assert_non_null(strstr(jisr_error_last()->msg, "iconv -f UTF-16 -t UTF-8"));
    f = fopen(p, "rb");
    assert_non_null(f);
    ro.format = JISR_FMT_TSV;
    assert_int_equal(jisr_reader_open_stream(&r, f, "<stdin>", &ro), JISR_EENCODING);
    assert_non_null(strstr(jisr_error_last()->msg, "UTF-16"));
    ro.format = JISR_FMT_JSONL; /* without a byte-order mark: "{" and a NUL */
    assert_int_equal(jisr_reader_open_memory(&r, "m", "{\0\"\0", 4, &ro), JISR_EENCODING);
    assert_non_null(strstr(jisr_error_last()->msg, "UTF-16LE"));
    /* a UTF-8 file still reads, its first bytes put back */
    write_file(p, "Hi\tx\n");
    f = fopen(p, "rb");
    assert_non_null(f);
    ro.format = JISR_FMT_TSV;
    assert_int_equal(jisr_reader_open_stream(&r, f, "s", &ro), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_reader_next(r, &u), 1);
    assert_string_equal(u.variants[0].text, "Hi");
    jisr_reader_close(r);
    jisr_unit_clear(&u);

    const char latin1[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">"
        "<header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>caf\xe9</seg>"
        "</tuv><tuv xml:lang=\"ar\"><seg>x</seg></tuv></tu></body></tmx>\n";
    ro = (jisr_read_opts)JISR_READ_OPTS_INIT;
    int rc = jisr_reader_open_memory(&r, "l1.tmx", latin1, strlen(latin1), &ro);
    if (rc == 0) {
        rc = jisr_reader_next(r, &u);
        jisr_reader_close(r);
    }
    assert_int_equal(rc, JISR_EPARSE);
    assert_int_equal(jisr_error_last()->line, 2);
    assert_int_equal(jisr_error_last()->col, 79);
    assert_string_equal(jisr_error_last()->msg, "not valid UTF-8 (byte 0xE9): the file says UTF-8; "
                                                "convert it to UTF-8 or fix its encoding "
                                                "declaration");
    jisr_unit_clear(&u);
}

/* ---- XLIFF: targets that are not translations, tracked deletions, groups ----------------- */

/* the last warning on_warn kept ("" when none) */
static const char *last_warning(const warnings *ws)
{
    return ws->n ? ws->w[(ws->n > 8 ? 8 : ws->n) - 1].msg : "";
}

/* Units of an XLIFF document in memory; the warnings in *log. */
static size_t xliff_units(const char *xml, units *out, warnings *log)
{
    jisr_read_opts o = JISR_READ_OPTS_INIT;
    o.format = JISR_FMT_XLIFF;
    o.on_warning = on_warn;
    o.warning_ctx = log;
    memset(log, 0, sizeof *log);
    jisr_reader *r = NULL;
    assert_int_equal(jisr_reader_open_memory(&r, "t.xlf", xml, strlen(xml), &o), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    out->v = NULL;
    out->n = 0;
    int rc;
    while ((rc = jisr_reader_next(r, &u)) > 0) {
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        assert_non_null(out->v);
        out->v[out->n++] = u;
        jisr_unit_init(&u);
    }
    assert_int_equal(rc, 0);
    jisr_unit_clear(&u);
    jisr_reader_close(r);
    return out->n;
}

/* XLIFF 2.0's <cp> of a character XML cannot carry (U+0001): the unit is read, the character
 * kept as the native code <ph><cp hex="0001"/></ph> (TMX cannot carry it either); one XML can
 * carry is the character */
static void test_xliff_cp(void **state)
{
    (void)state;
    units u;
    warnings log;
    const char *x =
        "<?xml version=\"1.0\"?><xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" "
        "version=\"2.0\" srcLang=\"en\" trgLang=\"ar\"><file id=\"f\"><unit id=\"u\"><segment>"
        "<source>Press<cp hex=\"0001\"/>Enter<cp hex=\"e9\"/>.</source><target>اضغط<cp "
        "hex=\"0001\"/>إدخال.</target></segment></unit></file></xliff>";
    assert_int_equal(xliff_units(x, &u, &log), 1);
    const jisr_variant *en = &u.v[0].variants[0];
    assert_int_equal(en->ntags, 1);
    assert_string_equal(en->tags[0], "<ph>&lt;cp hex=\"0001\"/&gt;</ph>");
    jisr_buf b = {0};
    assert_int_equal(jisr_variant_plain(en, &b), 0);
    assert_string_equal(b.data, "PressEnter\xc3\xa9.");
    jisr_buf_free(&b);
    assert_int_equal(u.v[0].variants[1].ntags, 1);
    units_free(&u);
}

static void test_xliff_untranslated(void **state)
{
    (void)state;
    units u;
    warnings log;
    /* XLIFF 1.2: state new / needs-translation; translate="no" of a group (inherited unless a
     * unit says otherwise) */
    const char *x12 =
        "<?xml version=\"1.0\"?><xliff version=\"1.2\" "
        "xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file source-language=\"en\" "
        "target-language=\"ar\" datatype=\"plaintext\" original=\"x\"><body>"
        "<trans-unit id=\"1\"><source>Done.</source><target state=\"translated\">تم.</target>"
        "</trans-unit>"
        "<trans-unit id=\"2\"><source>Copy.</source><target state=\"new\">Copy.</target>"
        "</trans-unit>"
        "<trans-unit id=\"3\"><source>Later.</source><target "
        "state=\"needs-translation\">Later.</target></trans-unit>"
        "<group id=\"g\" translate=\"no\"><trans-unit id=\"4\"><source>CODE</source>"
        "<target>CODE</target></trans-unit><group id=\"g2\"><trans-unit id=\"5\"><source>INNER"
        "</source><target>INNER</target></trans-unit></group><trans-unit id=\"6\" "
        "translate=\"yes\"><source>Yes.</source><target>نعم.</target></trans-unit></group>"
        "<trans-unit id=\"7\"><source>After.</source><target>بعد.</target></trans-unit>"
        "</body></file></xliff>";
    assert_int_equal(xliff_units(x12, &u, &log), 5);
    const char *ids[] = {"1", "2", "3", "6", "7"};
    const size_t nv[] = {2, 1, 1, 2, 2};
    for (size_t i = 0; i < u.n; i++) {
        assert_string_equal(u.v[i].tuid, ids[i]);
        assert_int_equal(u.v[i].nvariants, nv[i]);
    }
    assert_string_equal(u.v[1].variants[0].text, "Copy.");
    assert_int_equal(log.n, 1); /* one summary */
    assert_non_null(strstr(last_warning(&log), "2 targets left out as not translated"));
    assert_non_null(strstr(last_warning(&log), "state new or needs-translation"));
    units_free(&u);
    /* XLIFF 2.0: <segment state="initial"> */
    const char *x20 =
        "<?xml version=\"1.0\"?><xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" "
        "version=\"2.0\" srcLang=\"en\" trgLang=\"ar\"><file id=\"f\"><unit id=\"u\">"
        "<segment state=\"translated\"><source>One.</source><target>واحد.</target></segment>"
        "<segment state=\"initial\"><source>Two.</source><target>Two.</target></segment>"
        "<segment><source>Three.</source><target>ثلاثة.</target></segment></unit>"
        "<group id=\"g\" translate=\"no\"><unit id=\"n\"><segment><source>NO</source></segment>"
        "</unit></group></file></xliff>";
    assert_int_equal(xliff_units(x20, &u, &log), 3);
    assert_int_equal(u.v[0].nvariants, 2);
    assert_int_equal(u.v[1].nvariants, 1);
    assert_int_equal(u.v[2].nvariants, 2);
    assert_int_equal(log.n, 1);
    assert_non_null(strstr(last_warning(&log), "1 target left out"));
    assert_non_null(strstr(last_warning(&log), "segment state initial"));
    units_free(&u);
    /* SDL Trados: tracked deletions are not text; conf="Unspecified" is not a translation */
    const char *sdl =
        "<?xml version=\"1.0\"?><xliff xmlns:sdl=\"http://sdl.com/FileTypes/SdlXliff/1.0\" "
        "version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file "
        "source-language=\"en-US\" target-language=\"ar-SA\" datatype=\"x\" original=\"x\">"
        "<body><trans-unit id=\"t1\"><source>A. B.</source><seg-source><mrk mtype=\"seg\" "
        "mid=\"1\">A.</mrk> <mrk mtype=\"seg\" mid=\"2\">B.</mrk></seg-source><target><mrk "
        "mtype=\"seg\" mid=\"1\">الف <mrk mtype=\"x-sdl-deleted\" sdl:revid=\"r1\">محذوف "
        "</mrk><mrk mtype=\"x-sdl-added\" sdl:revid=\"r2\">مضاف</mrk>.</mrk> <mrk mtype=\"seg\" "
        "mid=\"2\">B.</mrk></target><sdl:seg-defs><sdl:seg id=\"1\" conf=\"Translated\"/>"
        "<sdl:seg id=\"2\" conf=\"Unspecified\"/></sdl:seg-defs></trans-unit></body></file>"
        "</xliff>";
    assert_int_equal(xliff_units(sdl, &u, &log), 2);
    assert_int_equal(u.v[0].nvariants, 2);
    assert_string_equal(u.v[0].variants[1].text, "الف مضاف.");
    assert_int_equal(u.v[1].nvariants, 1);
    assert_string_equal(u.v[1].variants[0].text, "B.");
    assert_int_equal(log.n, 1);
    assert_non_null(strstr(last_warning(&log), "SDL conf Unspecified"));
    units_free(&u);
}

/* The i of a <bpt>/<ept> tag, -1 for any other */
static long tag_i(const char *tag)
{
    if (strncmp(tag, "<bpt i=\"", 8) != 0 && strncmp(tag, "<ept i=\"", 8) != 0)
        return -1;
    return strtol(tag + 8, NULL, 10);
}

/* The element a tag is ("bpt", "ept", "it b" / "it e" for <it pos="begin|end">, "ph" …) */
static const char *tag_kind(const char *tag)
{
    if (strncmp(tag, "<it pos=\"begin\">", 16) == 0)
        return "it b";
    if (strncmp(tag, "<it pos=\"end\">", 14) == 0)
        return "it e";
    static char k[8];
    size_t n = strcspn(tag + 1, " >/");
    snprintf(k, sizeof k, "%.*s", (int)(n < 7 ? n : 7), tag + 1);
    return k;
}

/* XLIFF 1.2's <bx/> and <ex/>: the begin and end of a paired code are a <bpt>/<ept> pair by rid
 * (else id), their own markup as native code; one without its partner in the segment an <it>
 * (until session 35 every one was a <ph>, which parts a word) */
static void test_xliff_bx_ex(void **state)
{
    (void)state;
    units u;
    warnings log;
    const char *x =
        "<?xml version=\"1.0\"?><xliff version=\"1.2\" "
        "xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file source-language=\"en\" "
        "target-language=\"ar\" datatype=\"plaintext\" original=\"x\"><body>"
        /* 1: paired by rid (the ids differ) */
        "<trans-unit id=\"1\"><source>Choose <bx id=\"1\" rid=\"7\"/>S<ex id=\"2\" "
        "rid=\"7\"/>ave</source><target>اختر <bx id=\"1\" rid=\"7\"/>ح<ex id=\"2\" "
        "rid=\"7\"/>فظ</target></trans-unit>"
        /* 2: no rid: paired by id; nested pairs; a key used twice in turn */
        "<trans-unit id=\"2\"><source><bx id=\"a\"/>A<bx id=\"b\"/>B<ex id=\"b\"/>C<ex "
        "id=\"a\"/> <bx id=\"a\"/>D<ex id=\"a\"/></source></trans-unit>"
        /* 3: the same id, different rids: no pair; an <ex/> before any <bx/>; a <bx/> never
         * closed */
        "<trans-unit id=\"3\"><source>x<bx id=\"1\" rid=\"p\"/>y<ex id=\"1\" rid=\"q\"/>z "
        "<ex id=\"9\"/>end <bx id=\"3\"/>start</source></trans-unit>"
        /* 4: segmented: a pair across two segments is an <it> in each */
        "<trans-unit id=\"4\"><source>One <bx id=\"5\"/>two. Three<ex id=\"5\"/> "
        "four.</source><seg-source><mrk mtype=\"seg\" mid=\"1\">One <bx id=\"5\"/>two.</mrk> "
        "<mrk mtype=\"seg\" mid=\"2\">Three<ex id=\"5\"/> four.</mrk></seg-source></trans-unit>"
        "</body></file></xliff>";
    assert_int_equal(xliff_units(x, &u, &log), 5);
    assert_int_equal(log.n, 0);
    /* 1 */
    const jisr_variant *en = &u.v[0].variants[0], *ar = &u.v[0].variants[1];
    assert_int_equal(en->ntags, 2);
    assert_string_equal(en->tags[0], "<bpt i=\"1055\">&lt;bx id=\"1\" rid=\"7\"/&gt;</bpt>");
    assert_string_equal(en->tags[1], "<ept i=\"1055\">&lt;ex id=\"2\" rid=\"7\"/&gt;</ept>");
    assert_string_equal(en->text, "Choose \xee\x80\x80S\xee\x80\x81"
                                  "ave");
    assert_int_equal(ar->ntags, 2);
    assert_string_equal(ar->tags[0], en->tags[0]);
    assert_string_equal(ar->tags[1], en->tags[1]);
    jisr_buf b = {0};
    assert_int_equal(jisr_variant_plain(en, &b), 0);
    assert_string_equal(b.data, "Choose Save");
    /* 2: bpt a, bpt b, ept b, ept a, bpt a', ept a' */
    en = &u.v[1].variants[0];
    assert_int_equal(en->ntags, 6);
    const char *kinds2[] = {"bpt", "bpt", "ept", "ept", "bpt", "ept"};
    for (size_t k = 0; k < 6; k++)
        assert_string_equal(tag_kind(en->tags[k]), kinds2[k]);
    assert_true(tag_i(en->tags[0]) == tag_i(en->tags[3]));
    assert_true(tag_i(en->tags[1]) == tag_i(en->tags[2]));
    assert_true(tag_i(en->tags[4]) == tag_i(en->tags[5]));
    assert_true(tag_i(en->tags[0]) != tag_i(en->tags[1]));
    assert_true(tag_i(en->tags[0]) != tag_i(en->tags[4])); /* one i, one pair */
    assert_non_null(strstr(en->tags[4], "&lt;bx id=\"a\"/&gt;"));
    /* 3 */
    en = &u.v[2].variants[0];
    assert_int_equal(en->ntags, 4);
    const char *kinds3[] = {"it b", "it e", "it e", "it b"};
    for (size_t k = 0; k < 4; k++)
        assert_string_equal(tag_kind(en->tags[k]), kinds3[k]);
    assert_string_equal(en->tags[0], "<it pos=\"begin\">&lt;bx id=\"1\" rid=\"p\"/&gt;</it>");
    assert_string_equal(en->tags[2], "<it pos=\"end\">&lt;ex id=\"9\"/&gt;</it>");
    /* 4 */
    assert_int_equal(u.v[3].variants[0].ntags, 1);
    assert_string_equal(tag_kind(u.v[3].variants[0].tags[0]), "it b");
    assert_int_equal(u.v[4].variants[0].ntags, 1);
    assert_string_equal(tag_kind(u.v[4].variants[0].tags[0]), "it e");
    /* every unit passes the model's checks, so every writer can write it (TMX: valid markup) */
    for (size_t k = 0; k < u.n; k++)
        assert_int_equal(jisr_unit_check(&u.v[k], NULL), 0);
    jisr_buf_free(&b);
    units_free(&u);
}

/* XLIFF 2.0's <sc/> and <ec/>: a pair within the segment is a <bpt>/<ept> pair (by id and
 * startRef); one marked isolated="yes", or whose partner the segment does not hold, an <it> (TMX
 * 1.4b pairs a <bpt> with its <ept> in one segment; until session 36 each was a <bpt> or <ept>) */
static void test_xliff_sc_ec(void **state)
{
    (void)state;
    units u;
    warnings log;
    const char *x =
        "<?xml version=\"1.0\"?><xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" "
        "version=\"2.0\" srcLang=\"en\" trgLang=\"ar\"><file id=\"f\">"
        /* 1: a pair across two segments: an <it> in each, holding its data */
        "<unit id=\"1\"><originalData><data id=\"d1\">&lt;b&gt;</data><data "
        "id=\"d2\">&lt;/b&gt;</data></originalData><segment><source>One <sc id=\"1\" "
        "dataRef=\"d1\"/>two.</source></segment><segment><source>Three<ec startRef=\"1\" "
        "dataRef=\"d2\"/> four.</source></segment></unit>"
        /* 2: isolated="yes" (an <ec> names itself by id then); a pair; an <ec> before any
         * <sc>; an <sc> never closed */
        "<unit id=\"2\"><segment><source>a<sc id=\"5\" isolated=\"yes\"/>b<ec id=\"6\" "
        "isolated=\"yes\"/>c<sc id=\"7\"/>d<ec startRef=\"7\"/>e<ec startRef=\"8\"/>f<sc "
        "id=\"9\"/>g</source></segment></unit></file></xliff>";
    assert_int_equal(xliff_units(x, &u, &log), 3);
    assert_int_equal(log.n, 0);
    assert_int_equal(u.v[0].variants[0].ntags, 1);
    assert_string_equal(u.v[0].variants[0].tags[0], "<it pos=\"begin\">&lt;b&gt;</it>");
    assert_int_equal(u.v[1].variants[0].ntags, 1);
    assert_string_equal(u.v[1].variants[0].tags[0], "<it pos=\"end\">&lt;/b&gt;</it>");
    const jisr_variant *en = &u.v[2].variants[0];
    assert_int_equal(en->ntags, 6);
    const char *kinds[] = {"it b", "it e", "bpt", "ept", "it e", "it b"};
    for (size_t k = 0; k < 6; k++)
        assert_string_equal(tag_kind(en->tags[k]), kinds[k]);
    assert_string_equal(en->tags[0],
                        "<it pos=\"begin\">&lt;sc id=\"5\" isolated=\"yes\"/&gt;</it>");
    assert_string_equal(en->tags[1], "<it pos=\"end\">&lt;ec id=\"6\" isolated=\"yes\"/&gt;</it>");
    assert_true(tag_i(en->tags[2]) == tag_i(en->tags[3]));
    assert_string_equal(en->tags[5], "<it pos=\"begin\">&lt;sc id=\"9\"/&gt;</it>");
    for (size_t k = 0; k < u.n; k++)
        assert_int_equal(jisr_unit_check(&u.v[k], NULL), 0);
    units_free(&u);
}

/* fmt_tag_canon: the one spelling of an inline tag, the TMX reader's: quotes, apostrophes, '>',
 * character references, CDATA, comments and the spaces of a tag in one form each; every
 * canonical form stays as it is. The TMX reader gives the same bytes for the same markup, and
 * jisr_unit_check puts the tags of a unit from any other reader (XLIFF, JSONL, the server, a
 * query) in it, so that identity, byte for byte on them, sees one segment (session 36; before, an
 * XLIFF's '"' was stored as &quot; and the TMX exported from it read back as '"': two units). */
static void test_tag_canon(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"<ph x='1' >&quot;a&apos;&#x22;&#39;</ph >", "<ph x=\"1\">\"a'\"'</ph>"},
        {"<bpt i=\"1\">&lt;a href=&quot;x&quot;></bpt>", "<bpt i=\"1\">&lt;a href=\"x\"&gt;</bpt>"},
        {"<ph><![CDATA[<b>&</b>]]></ph>", "<ph>&lt;b&gt;&amp;&lt;/b&gt;</ph>"},
        {"<ph type=\"a&#9;b\tc&quot;'\">x\r\ny\rz&#13;</ph>",
         "<ph type=\"a&#9;b c&quot;'\">x\ny\nz&#13;</ph>"},
        {"<ph>a<!-- note -->b</ph>", "<ph>ab</ph>"},
        {"<ph\n  x = \"2\"\n/>", "<ph x=\"2\"/>"},
        {"<ut>&#x3C;br&#x3e;&#160;</ut>", "<ut>&lt;br&gt;\xc2\xa0</ut>"},
        {"<bpt i=\"1\">&lt;a title=\"<sub>Hi &amp; bye</sub>\"&gt;</bpt>",
         "<bpt i=\"1\">&lt;a title=\"<sub>Hi &amp; bye</sub>\"&gt;</bpt>"},
        {"<hi type='x'>", "<hi type=\"x\">"},
        {"</hi >", "</hi>"},
    };
    jisr_buf b = {0}, c = {0};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *in = cases[k][0], *want = cases[k][1];
        int changed = strcmp(in, want) != 0;
        assert_int_equal(fmt_tag_canon(in, strlen(in), &b), changed);
        if (changed) {
            assert_non_null(b.data);
            assert_string_equal(b.data, want);
        }
        assert_int_equal(fmt_tag_canon(want, strlen(want), &c), 0); /* a fixed point */
    }
    /* left as they are: a literal private-use character's tag, an entity XML does not know
     * without a DTD, markup that does not read */
    static const char *const kept[] = {"&#xE001;", "<ph>&nbsp;</ph>", "<ph x=\"1>",
                                       "<ph>&#0;</ph>"};
    for (size_t k = 0; k < sizeof kept / sizeof kept[0]; k++)
        assert_int_equal(fmt_tag_canon(kept[k], strlen(kept[k]), &b), 0);

    /* the TMX reader spells every tag so */
    const char *doc =
        "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header srclang=\"en\"/><body><tu>"
        "<tuv xml:lang=\"en\"><seg>a<ph x='1' >&quot;a&apos;&#x22;&#39;</ph >b<bpt "
        "i=\"1\">&lt;a href=&quot;x&quot;></bpt>c<ept i=\"1\"><![CDATA[</a>]]></ept>d"
        "<ph type=\"a&#9;b\tc&quot;'\">x\r\ny\rz&#13;</ph>e<ph>a<!-- note -->b</ph>"
        "<ph\n  x = \"2\"\n/><hi type='x'>f</hi ></seg></tuv></tu></body></tmx>";
    const char *want[] = {"<ph x=\"1\">\"a'\"'</ph>",
                          "<bpt i=\"1\">&lt;a href=\"x\"&gt;</bpt>",
                          "<ept i=\"1\">&lt;/a&gt;</ept>",
                          "<ph type=\"a&#9;b c&quot;'\">x\ny\nz&#13;</ph>",
                          "<ph>ab</ph>",
                          "<ph x=\"2\"/>",
                          "<hi type=\"x\">",
                          "</hi>"};
    jisr_reader *r = NULL;
    assert_int_equal(jisr_reader_open_memory(&r, "canon.tmx", doc, strlen(doc), NULL), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_reader_next(r, &u), 1);
    const jisr_variant *v = &u.variants[0];
    assert_int_equal(v->ntags, sizeof want / sizeof want[0]);
    for (size_t k = 0; k < v->ntags; k++) {
        assert_string_equal(v->tags[k], want[k]);
        assert_int_equal(fmt_tag_canon(v->tags[k], strlen(v->tags[k]), &b), 0);
    }
    jisr_reader_close(r);

    /* jisr_unit_check puts a unit's tags in it (a JSONL's, the server's): the same unit */
    jisr_unit w;
    jisr_unit_init(&w);
    jisr_variant *wv;
    const char *txt = "a\xee\x80\x80"
                      "b\xee\x80\x81"
                      "c\xee\x80\x82"
                      "d\xee\x80\x83"
                      "e\xee\x80\x84\xee\x80\x85\xee\x80\x86"
                      "f\xee\x80\x87";
    assert_int_equal(jisr_unit_add_variant(&w, "en", txt, strlen(txt), &wv), 0);
    const char *mine[] = {cases[0][0], cases[1][0], "<ept i='1'>&lt;/a&gt;</ept>",
                          cases[3][0], cases[4][0], cases[5][0],
                          cases[8][0], cases[9][0]};
    for (size_t k = 0; k < sizeof mine / sizeof mine[0]; k++)
        assert_int_equal(fmt_variant_add_tag(wv, mine[k], strlen(mine[k])), 0);
    assert_int_equal(jisr_unit_check(&w, "mine"), 0);
    assert_string_equal(w.variants[0].text, v->text);
    for (size_t k = 0; k < v->ntags; k++)
        assert_string_equal(w.variants[0].tags[k], v->tags[k]);
    jisr_unit_clear(&w);
    jisr_unit_clear(&u);
    jisr_buf_free(&b);
    jisr_buf_free(&c);
}

/* ---- OmegaT's shortcut tags ------------------------------------------------------------- */

/* The first unit of a TMX whose header names tool as its creationtool and whose en segment is
 * seg (TMX markup), read with flags into u. */
static void omegat_read(const char *tool, const char *seg, unsigned flags, jisr_unit *u)
{
    char doc[4096];
    snprintf(doc, sizeof doc,
             "<tmx version=\"1.1\"><header creationtool=\"%s\" creationtoolversion=\"3.6.0_10\" "
             "segtype=\"paragraph\" o-tmf=\"OmegaT TMX\" adminlang=\"EN-US\" srclang=\"en\" "
             "datatype=\"plaintext\"></header><body><tu><tuv lang=\"en\"><seg>%s</seg></tuv>"
             "<tuv lang=\"ar\"><seg>&lt;b0&gt;\xd8\xad\xd9\x81\xd8\xb8&lt;/b0&gt;</seg></tuv>"
             "</tu></body></tmx>",
             tool, seg);
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.flags = flags;
    jisr_reader *r;
    assert_int_equal(jisr_reader_open_memory(&r, "omegat.tmx", doc, strlen(doc), &ro), 0);
    assert_int_equal(jisr_reader_next(r, u), 1);
    assert_int_equal(u->nvariants, 2);
    assert_int_equal(jisr_unit_check(u, "omegat.tmx"), 0);
    jisr_unit tmp;
    jisr_unit_init(&tmp);
    assert_int_equal(jisr_reader_next(r, &tmp), 0);
    jisr_reader_close(r);
    /* a check-only read of the same file reports the same (no error) */
    ro.flags = flags | JISR_READ_CHECK_ONLY;
    assert_int_equal(jisr_reader_open_memory(&r, "omegat.tmx", doc, strlen(doc), &ro), 0);
    assert_int_equal(jisr_reader_next(r, &tmp), 1);
    assert_int_equal(jisr_reader_next(r, &tmp), 0);
    jisr_reader_close(r);
    jisr_unit_clear(&tmp);
}

static void assert_tags(const jisr_variant *v, const char *const *want, size_t n)
{
    assert_int_equal(v->ntags, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(v->tags[i], want[i]);
}

#define P(i) "\xee\x80" i /* a placeholder: P("\x80") is U+E000, P("\x81") U+E001 … */

static void test_omegat_tags(void **state)
{
    (void)state;
    jisr_unit u;
    jisr_unit_init(&u);
    /* OmegaT's project_save.tmx: a pair becomes <bpt>/<ept> holding the shortcuts */
    omegat_read("OmegaT", "&lt;b0&gt;Save&lt;/b0&gt;", 0, &u);
    assert_string_equal(u.variants[0].text, P("\x80") "Save" P("\x81"));
    const char *save[] = {"<bpt i=\"1\">&lt;b0&gt;</bpt>", "<ept i=\"1\">&lt;/b0&gt;</ept>"};
    assert_tags(&u.variants[0], save, 2);
    assert_tags(&u.variants[1], save, 2);
    jisr_buf plain = {0};
    assert_int_equal(jisr_variant_plain(&u.variants[0], &plain), 0);
    assert_string_equal(plain.data, "Save");
    /* the TMX writer writes them as TMX inline elements, which read back the same */
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    assert_non_null(f);
    jisr_writer *w;
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    assert_int_equal(jisr_writer_open_stream(&w, f, "out.tmx", &wo, NULL), 0);
    assert_int_equal(jisr_writer_write(w, &u), 0);
    assert_int_equal(jisr_writer_close(w), 0);
    fclose(f);
    assert_non_null(
        strstr(out, "<seg><bpt i=\"1\">&lt;b0&gt;</bpt>Save<ept i=\"1\">&lt;/b0&gt;</ept></seg>"));
    jisr_reader *r;
    jisr_unit back;
    jisr_unit_init(&back);
    assert_int_equal(jisr_reader_open_memory(&r, "out.tmx", out, outlen, NULL), 0);
    assert_int_equal(jisr_reader_next(r, &back), 1);
    assert_string_equal(back.variants[0].text, u.variants[0].text);
    assert_tags(&back.variants[0], save, 2);
    jisr_reader_close(r);
    jisr_unit_clear(&back);
    free(out);

    /* nested, repeated, self-closing, unpaired, and what is not a shortcut */
    const char *mixed = "&lt;b0&gt;&lt;i1&gt;x&lt;/i1&gt;&lt;/b0&gt; a&lt;x2/&gt;b "
                        "&lt;g3&gt;o&lt;/k4&gt; &lt;b&gt;&lt;br/&gt;&lt; b0&gt;&lt;b0 x&gt;"
                        "&lt;/b0/&gt;&lt;B0&gt;&lt;b0&gt;r&lt;/b0&gt;&lt;ph12/&gt;";
    omegat_read("OmegaT", mixed, 0, &u);
    assert_string_equal(u.variants[0].text,
                        P("\x80") P("\x81") "x" P("\x82") P("\x83") " a" P("\x84") "b " P(
                            "\x85") "o" P("\x86") " <b><br/>< b0><b0 x></b0/>" P("\x87")
                            P("\x88") "r" P("\x89") P("\x8a"));
    const char *mixed_tags[] = {"<bpt i=\"1\">&lt;b0&gt;</bpt>",
                                "<bpt i=\"2\">&lt;i1&gt;</bpt>",
                                "<ept i=\"2\">&lt;/i1&gt;</ept>",
                                "<ept i=\"1\">&lt;/b0&gt;</ept>",
                                "<ph>&lt;x2/&gt;</ph>",
                                "<it pos=\"begin\">&lt;g3&gt;</it>",
                                "<it pos=\"end\">&lt;/k4&gt;</it>",
                                "<it pos=\"begin\">&lt;B0&gt;</it>",
                                "<bpt i=\"3\">&lt;b0&gt;</bpt>",
                                "<ept i=\"3\">&lt;/b0&gt;</ept>",
                                "<ph>&lt;ph12/&gt;</ph>"};
    assert_tags(&u.variants[0], mixed_tags, 11);

    /* beside TMX inline elements: renumbered in text order, an i of their own; a private-use
     * character of the text stays itself */
    omegat_read("omegat",
                "<bpt i=\"1\">{</bpt>&lt;b0&gt;\xee\x80\x85<ept i=\"1\">}</ept>&lt;/b0&gt;<ph/>", 0,
                &u);
    assert_string_equal(u.variants[0].text,
                        P("\x80") P("\x81") "\xee\x80\x85" P("\x82") P("\x83") P("\x84"));
    const char *beside[] = {"<bpt i=\"1\">{</bpt>", "<bpt i=\"2\">&lt;b0&gt;</bpt>",
                            "<ept i=\"1\">}</ept>", "<ept i=\"2\">&lt;/b0&gt;</ept>", "<ph/>"};
    assert_tags(&u.variants[0], beside, 5);
    jisr_buf_reset(&plain);
    assert_int_equal(jisr_variant_plain(&u.variants[0], &plain), 0);
    assert_string_equal(plain.data, "\xee\x80\x85");

    /* another tool's TMX keeps such text as text (a software string may hold "<b0>") … */
    omegat_read("Okapi", "&lt;b0&gt;Save&lt;/b0&gt;", 0, &u);
    assert_string_equal(u.variants[0].text, "<b0>Save</b0>");
    assert_int_equal(u.variants[0].ntags, 0);
    assert_string_equal(u.variants[1].text, "<b0>\xd8\xad\xd9\x81\xd8\xb8</b0>");
    /* … unless asked, and OmegaT's is kept as text when asked (NO wins over both) */
    omegat_read("Okapi", "&lt;b0&gt;Save&lt;/b0&gt;", JISR_READ_OMEGAT_TAGS, &u);
    assert_string_equal(u.variants[0].text, P("\x80") "Save" P("\x81"));
    omegat_read("OmegaT", "&lt;b0&gt;Save&lt;/b0&gt;", JISR_READ_NO_OMEGAT_TAGS, &u);
    assert_string_equal(u.variants[0].text, "<b0>Save</b0>");
    omegat_read("OmegaT", "&lt;b0&gt;Save&lt;/b0&gt;",
                JISR_READ_OMEGAT_TAGS | JISR_READ_NO_OMEGAT_TAGS, &u);
    assert_string_equal(u.variants[0].text, "<b0>Save</b0>");
    /* a creationtool that only contains the name is another tool */
    omegat_read("OmegaT-like", "&lt;b0&gt;Save&lt;/b0&gt;", 0, &u);
    assert_string_equal(u.variants[0].text, "<b0>Save</b0>");
    jisr_buf_free(&plain);
    jisr_unit_clear(&u);
}
#undef P

/* ---- OmegaT's shortcuts written back ---------------------------------------------------- */

/* u written by a writer of format (en, ar; flags) to memory: malloc'd output. */
static char *write_mem(jisr_format format, unsigned flags, const jisr_unit *u)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    assert_non_null(f);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = format;
    wo.srclang = "en";
    wo.tgtlang = format == JISR_FMT_TMX ? NULL : "ar";
    wo.flags = flags;
    jisr_writer *w;
    assert_int_equal(jisr_writer_open_stream(&w, f, "out", &wo, NULL), 0);
    assert_int_equal(jisr_writer_write(w, u), 0);
    assert_int_equal(jisr_writer_close(w), 0);
    fclose(f);
    return out;
}

/* Append a variant of lang with text and tags to u. */
static void add_tagged(jisr_unit *u, const char *lang, const char *text, const char *const *tags,
                       size_t ntags)
{
    jisr_variant *v;
    assert_int_equal(jisr_unit_add_variant(u, lang, text, strlen(text), &v), 0);
    v->tags = calloc(ntags, sizeof *v->tags);
    assert_non_null(v->tags);
    for (size_t i = 0; i < ntags; i++)
        assert_non_null(v->tags[i] = strdup(tags[i]));
    v->ntags = ntags;
}

/* tag holds a shortcut, which is want (NULL: it does not) */
static void assert_shortcut(const char *tag, const char *want)
{
    jisr_buf b = {0};
    assert_int_equal(jisr_buf_puts(&b, "x"), 0);
    assert_int_equal(jisr_tag_omegat_shortcut(tag, &b), want ? 1 : 0);
    assert_string_equal(b.data + 1, want ? want : "");
    assert_int_equal(jisr_tag_omegat_shortcut(tag, NULL), want ? 1 : 0);
    jisr_buf_free(&b);
}

#define P(i) "\xee\x80" i /* a placeholder: P("\x80") is U+E000, P("\x81") U+E001 … */

/* What a tag draws (jisr_tag_break), and the plain text of line breaks (jisr_variant_plain):
 * a line feed between two words, nothing beside white space or at an end */
static void assert_break(const char *tag, int want)
{
    assert_int_equal(jisr_tag_break(tag, tag ? strlen(tag) : 0), want);
}

static void assert_plain(const char *text, const char *const *tags, size_t ntags, const char *want)
{
    jisr_unit u;
    jisr_unit_init(&u);
    add_tagged(&u, "en", text, tags, ntags);
    jisr_buf b = {0};
    assert_int_equal(jisr_variant_plain(&u.variants[0], &b), 0);
    assert_string_equal(b.data, want);
    jisr_buf_free(&b);
    jisr_unit_clear(&u);
}

static void test_tag_break(void **state)
{
    (void)state;
    /* line breaks: by TMX type, by native code of HTML, Word, OpenDocument, TEI, OmegaT */
    assert_break("<ph x=\"1\">&lt;br/&gt;</ph>", JISR_TAG_LINE);
    assert_break("<ph>&lt;br&gt;</ph>", JISR_TAG_LINE);
    assert_break("<ph>&lt;BR /&gt;</ph>", JISR_TAG_LINE);
    assert_break("<ph x=\"2\" type=\"lb\"/>", JISR_TAG_LINE);
    assert_break("<ph type='pb'>&lt;w:br w:type=\"page\"/&gt;</ph>", JISR_TAG_LINE);
    assert_break("<ph>&lt;w:br/&gt;</ph>", JISR_TAG_LINE);
    assert_break("<ph>&lt;w:cr/&gt;</ph>", JISR_TAG_LINE);
    assert_break("<ph>&lt;text:line-break/&gt;</ph>", JISR_TAG_LINE);
    assert_break("<ph>&lt;lb/&gt;</ph>", JISR_TAG_LINE);
    assert_break("<ph x=\"0\">&lt;br0/&gt;</ph>", JISR_TAG_LINE); /* OmegaT's shortcut */
    assert_break("<it pos=\"begin\">&lt;br2&gt;</it>", JISR_TAG_LINE);
    assert_break("<ph>&#10;</ph>", JISR_TAG_LINE);
    assert_break("<ph>\n</ph>", JISR_TAG_LINE);
    assert_break("<ph>&#x2028;</ph>", JISR_TAG_LINE);
    assert_break("<ut>&lt;br&gt;</ut>", JISR_TAG_LINE);
    /* soft hyphens and word-break opportunities */
    assert_break("<ph>&lt;w:softHyphen/&gt;</ph>", JISR_TAG_SOFT);
    assert_break("<ph>&lt;text:soft-hyphen/&gt;</ph>", JISR_TAG_SOFT);
    assert_break("<ph>&lt;wbr&gt;</ph>", JISR_TAG_SOFT);
    assert_break("<ph>&amp;shy;</ph>", JISR_TAG_SOFT);
    assert_break("<ph>&#173;</ph>", JISR_TAG_SOFT);
    assert_break("<ph>\xc2\xad</ph>", JISR_TAG_SOFT);
    assert_break("<ph>&#x200B;</ph>", JISR_TAG_SOFT);
    /* anything else */
    assert_break("<ph>&lt;img src=\"a.png\"/&gt;</ph>", 0);
    assert_break("<ph>&lt;b0&gt;</ph>", 0);    /* OmegaT's bold, not "br" */
    assert_break("<ph>&lt;/br&gt;</ph>", 0);   /* an end tag */
    assert_break("<ph>&lt;brx/&gt;</ph>", 0);  /* another name */
    assert_break("<ph>&lt;cr/&gt;</ph>", 0);   /* Word's w:cr only */
    assert_break("<ph>&lt;br/&gt; x</ph>", 0); /* more than the break */
    assert_break("<ph>&lt;br/&gt;<sub>x</sub></ph>", 0);
    assert_break("<ph>{0}</ph>", 0);
    assert_break("<ph type=\"image\"/>", 0);
    assert_break("<ph/>", 0);
    assert_break("<bpt i=\"1\">&lt;b&gt;</bpt>", 0);
    assert_break("<hi type=\"lb\">", 0); /* not an element that holds code */
    assert_break("<sub>&lt;br/&gt;</sub>", 0);
    assert_break("&#xE001;", 0);
    assert_break("<ph>&lt;br/&gt;</ept>", 0); /* not well-formed */
    assert_break("", 0);
    assert_break(NULL, 0);

    const char *br[] = {"<ph>&lt;br/&gt;</ph>", "<bpt i=\"1\">&lt;b&gt;</bpt>",
                        "<ept i=\"1\">&lt;/b&gt;</ept>", "<ph>&lt;img/&gt;</ph>", "&#xE00A;"};
    assert_plain("First line" P("\x80") "second line.", br, 1, "First line\nsecond line.");
    assert_plain("First line " P("\x80") "second line.", br, 1, "First line second line.");
    assert_plain("First line" P("\x80") " second line.", br, 1, "First line second line.");
    assert_plain(P("\x80") "Line." P("\x80"), br, 1, "Line.");
    /* past tags that draw nothing, to the characters around them */
    assert_plain("one" P("\x82") P("\x80") P("\x81") "two", br, 3, "one\ntwo");
    assert_plain("one " P("\x82") P("\x80") P("\x81") "two", br, 3, "one two");
    assert_plain("one" P("\x80") P("\x83") " two", br, 4, "one two");
    /* a tag that draws a character is one */
    assert_plain("one " P("\x84") P("\x80") "two", br, 5, "one \xee\x80\x8a\ntwo");
    /* an image draws nothing */
    assert_plain("one" P("\x83") "two", br, 4, "onetwo");
}

static void test_omegat_shortcuts_write(void **state)
{
    (void)state;
    /* the tags that hold a shortcut: bpt, ept, it, ph, ut whose whole content is one */
    assert_shortcut("<bpt i=\"1\">&lt;b0&gt;</bpt>", "<b0>");
    assert_shortcut("<ept i=\"1\">&lt;/b0&gt;</ept>", "</b0>");
    assert_shortcut("<ph x=\"2\" type=\"a>b\">&lt;x1/&gt;</ph>", "<x1/>");
    assert_shortcut("<it pos=\"end\">&#60;/g2&#x3E;</it>", "</g2>");
    assert_shortcut("<ut>&lt;ab12></ut>", "<ab12>");
    assert_shortcut("<ph>&lt;Br10/&gt;</ph>", "<Br10/>");
    /* … and those that do not: the reader's strict pattern, one shortcut, nothing else */
    assert_shortcut("<bpt i=\"1\">&lt;b&gt;</bpt>", NULL);   /* no digit */
    assert_shortcut("<ph>&lt;0&gt;</ph>", NULL);             /* no letter */
    assert_shortcut("<ph>&lt;br/&gt;</ph>", NULL);           /* HTML, no digit */
    assert_shortcut("<ph>&lt;/b0/&gt;</ph>", NULL);          /* both slashes */
    assert_shortcut("<ph>&lt; b0&gt;</ph>", NULL);           /* a space */
    assert_shortcut("<ph>&lt;b0&gt;x</ph>", NULL);           /* more than the shortcut */
    assert_shortcut("<ph> &lt;b0&gt;</ph>", NULL);           /* … a space too */
    assert_shortcut("<ph>&lt;b0&gt;&lt;/b0&gt;</ph>", NULL); /* two */
    assert_shortcut("<ph>&amp;lt;b0&gt;</ph>", NULL);        /* "&lt;b0>" as text */
    assert_shortcut("<ph>&lt;b0&gt;<sub>x</sub></ph>", NULL);
    assert_shortcut("<ph>{0}</ph>", NULL);
    assert_shortcut("<ph/>", NULL);
    assert_shortcut("<ph x=\"&lt;b0&gt;\"/>", NULL);
    assert_shortcut("<hi>", NULL);
    assert_shortcut("</hi>", NULL);
    assert_shortcut("<sub>&lt;b0&gt;</sub>", NULL);
    assert_shortcut("<bpt i=\"1\">&lt;b0&gt;</ept>", NULL);
    assert_shortcut("&#xE001;", NULL);
    assert_shortcut("", NULL);
    assert_shortcut(NULL, NULL);

    /* a unit as OmegaT's memory reads: a pair, a <ph> that is no shortcut, a literal
     * private-use character after the tags (U+E005: not a placeholder, 3 tags) */
    jisr_unit u;
    jisr_unit_init(&u);
    const char *tags[] = {"<bpt i=\"1\">&lt;b0&gt;</bpt>", "<ept i=\"1\">&lt;/b0&gt;</ept>",
                          "<ph>&lt;img/&gt;</ph>"};
    add_tagged(&u, "en", P("\x80") "Save" P("\x81") " x" P("\x82") "\xee\x80\x85", tags, 3);
    add_tagged(&u, "ar", P("\x80") "\xd8\xad\xd9\x81\xd8\xb8" P("\x81") P("\x82"), tags, 3);
    assert_int_equal(jisr_unit_check(&u, "u"), 0);

    /* the variant's text with the shortcut tags as text, the others still placeholders */
    jisr_buf b = {0};
    assert_int_equal(jisr_variant_omegat_text(&u.variants[0], &b), 2);
    assert_string_equal(b.data, "<b0>Save</b0> x" P("\x82") "\xee\x80\x85");
    jisr_variant none = {0};
    jisr_buf_reset(&b);
    assert_int_equal(jisr_variant_omegat_text(&none, &b), 0);
    assert_string_equal(b.data, "");
    assert_true(jisr_variant_omegat_text(NULL, &b) < 0);
    jisr_buf_free(&b);

    /* TSV and Moses: the shortcut tags as the shortcuts, the other tag dropped, the user's
     * private-use character kept */
    char *out = write_mem(JISR_FMT_TSV, 0, &u);
    assert_string_equal(out, "<b0>Save</b0> x\xee\x80\x85\t<b0>\xd8\xad\xd9\x81\xd8\xb8</b0>\n");
    free(out);
    char en[512], ar[512];
    snprintf(en, sizeof en, "%s/omegat.en", tmpdir);
    snprintf(ar, sizeof ar, "%s/omegat.ar", tmpdir);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_MOSES;
    wo.srclang = "en";
    wo.tgtlang = "ar";
    jisr_writer *w;
    assert_int_equal(jisr_writer_open(&w, en, &wo), 0);
    assert_int_equal(jisr_writer_write(w, &u), 0);
    assert_int_equal(jisr_writer_close(w), 0);
    char *t1 = slurp(en), *t2 = slurp(ar);
    assert_string_equal(t1, "<b0>Save</b0> x\xee\x80\x85\n");
    assert_string_equal(t2, "<b0>\xd8\xad\xd9\x81\xd8\xb8</b0>\n");
    free(t1);
    free(t2);

    /* TMX: elements by default; with the flag the shortcut tags as escaped text */
    out = write_mem(JISR_FMT_TMX, 0, &u);
    assert_non_null(strstr(out, "<seg><bpt i=\"1\">&lt;b0&gt;</bpt>Save<ept i=\"1\">&lt;/b0&gt;"
                                "</ept> x<ph>&lt;img/&gt;</ph>\xee\x80\x85</seg>"));
    free(out);
    out = write_mem(JISR_FMT_TMX, JISR_WRITE_OMEGAT_SHORTCUTS, &u);
    assert_non_null(
        strstr(out, "<seg>&lt;b0&gt;Save&lt;/b0&gt; x<ph>&lt;img/&gt;</ph>\xee\x80\x85</seg>"));
    assert_non_null(strstr(
        out, "<seg>&lt;b0&gt;\xd8\xad\xd9\x81\xd8\xb8&lt;/b0&gt;<ph>&lt;img/&gt;</ph></seg>"));
    assert_null(strstr(out, "<bpt"));
    /* read as OmegaT's (--omegat-tags): the same unit again */
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    ro.flags = JISR_READ_OMEGAT_TAGS;
    jisr_reader *r;
    jisr_unit back;
    jisr_unit_init(&back);
    assert_int_equal(jisr_reader_open_memory(&r, "out.tmx", out, strlen(out), &ro), 0);
    assert_int_equal(jisr_reader_next(r, &back), 1);
    assert_int_equal(back.nvariants, 2);
    for (size_t k = 0; k < 2; k++) {
        assert_string_equal(back.variants[k].text, u.variants[k].text);
        assert_tags(&back.variants[k], tags, 3);
    }
    jisr_reader_close(r);
    /* … and without a flag: the header's x-jisr-omegat-shortcuts prop says what the file holds
     * (its creationtool is jisr, which read the shortcuts as text before), the same unit again,
     * and the prop is no header prop of the reader's */
    assert_non_null(strstr(out, "<prop type=\"x-jisr-omegat-shortcuts\">text</prop>"));
    assert_int_equal(jisr_reader_open_memory(&r, "out.tmx", out, strlen(out), NULL), 0);
    assert_int_equal(jisr_reader_next(r, &back), 1);
    for (size_t k = 0; k < 2; k++) {
        assert_string_equal(back.variants[k].text, u.variants[k].text);
        assert_tags(&back.variants[k], tags, 3);
    }
    assert_int_equal(jisr_reader_header(r)->meta.nprops, 0);
    jisr_reader_close(r);
    /* … and with JISR_READ_NO_OMEGAT_TAGS as text, as in OmegaT's own files */
    ro.flags = JISR_READ_NO_OMEGAT_TAGS;
    assert_int_equal(jisr_reader_open_memory(&r, "out.tmx", out, strlen(out), &ro), 0);
    assert_int_equal(jisr_reader_next(r, &back), 1);
    assert_string_equal(back.variants[0].text, "<b0>Save</b0> x" P("\x80") "\xee\x80\x85");
    jisr_reader_close(r);
    jisr_unit_clear(&back);
    free(out);
    /* JSONL keeps every tag, flag or not */
    out = write_mem(JISR_FMT_JSONL, JISR_WRITE_OMEGAT_SHORTCUTS, &u);
    assert_non_null(strstr(out, "\"<bpt i=\\\"1\\\">&lt;b0&gt;</bpt>\""));
    free(out);

    /* a pair whose other half holds no shortcut: that half stays an element, the file valid */
    jisr_unit_clear(&u);
    const char *half[] = {tags[0], "<ept i=\"1\">{/b}</ept>"};
    add_tagged(&u, "en", P("\x80") "a" P("\x81"), half, 2);
    assert_int_equal(jisr_unit_add_variant(&u, "ar", "b", 1, NULL), 0);
    out = write_mem(JISR_FMT_TMX, JISR_WRITE_OMEGAT_SHORTCUTS, &u);
    assert_non_null(strstr(out, "<seg>&lt;b0&gt;a<ept i=\"1\">{/b}</ept></seg>"));
    free(out);
    out = write_mem(JISR_FMT_TSV, 0, &u);
    assert_string_equal(out, "<b0>a\tb\n");
    free(out);
    jisr_unit_clear(&u);
}
#undef P

/* ---- UTF-32 input (decoded by the readers: libxml2 2.9 reads no UTF-32 mark) ------------ */

/* s (UTF-8) as UTF-32 (be: big-endian) into out, after the byte-order mark when bom; the
 * bytes. */
static size_t to_utf32(const char *s, int be, int bom, unsigned char *out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cps[2048];
    size_t ncp = 0;
    if (bom)
        cps[ncp++] = 0xFEFF;
    while (*p) {
        uint32_t c = *p;
        int k = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        c &= k == 3 ? 0x07 : k == 2 ? 0x0F : k == 1 ? 0x1F : 0x7F;
        for (p++; k-- > 0; p++)
            c = c << 6 | (*p & 0x3F);
        assert_true(ncp < 2048);
        cps[ncp++] = c;
    }
    for (size_t i = 0; i < ncp; i++, n += 4)
        for (int b = 0; b < 4; b++)
            out[n + (size_t)b] = (unsigned char)(cps[i] >> (be ? 24 - 8 * b : 8 * b));
    return n;
}

/* The units of the UTF-32 document and of its UTF-8 original are the same: language, text and
 * tags of each variant. */
static void same_units(const units *a, const units *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->v[i].nvariants, b->v[i].nvariants);
        for (size_t k = 0; k < a->v[i].nvariants; k++) {
            const jisr_variant *x = &a->v[i].variants[k], *y = &b->v[i].variants[k];
            assert_string_equal(x->lang, y->lang);
            assert_string_equal(x->text, y->text);
            assert_int_equal(x->ntags, y->ntags);
            for (size_t t = 0; t < x->ntags; t++)
                assert_string_equal(x->tags[t], y->tags[t]);
        }
    }
}

/* The units of d[0..n) read from memory: the open's or the read's result. */
static int read_mem(const void *d, size_t n, const jisr_read_opts *ro, units *u)
{
    jisr_reader *r;
    u->v = NULL;
    u->n = 0;
    int rc = jisr_reader_open_memory(&r, "mem", d, n, ro);
    if (rc < 0)
        return rc;
    rc = resume_read(r, u);
    jisr_reader_close(r);
    return rc;
}

static void test_utf32_memory(void **state)
{
    (void)state;
    static const char *const docs[2] = {
        "<?xml version=\"1.0\" encoding=\"%s\"?>\n<tmx version=\"1.4\"><header srclang=\"en\" "
        "creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" "
        "adminlang=\"en\" datatype=\"plaintext\"/><body>\n<tu><tuv xml:lang=\"en\"><seg>Salt "
        "&amp; pepper <bpt i=\"1\">&lt;b&gt;</bpt>now<ept i=\"1\">&lt;/b&gt;</ept></seg></tuv>"
        "<tuv xml:lang=\"ar\"><seg>ملح وفلفل <bpt i=\"1\">&lt;b&gt;</bpt>الآن<ept "
        "i=\"1\">&lt;/b&gt;</ept></seg></tuv></tu>\n<tu><tuv xml:lang=\"en\"><seg>Hello "
        "world</seg></tuv><tuv xml:lang=\"ar\"><seg>مرحبا "
        "بالعالم</seg></tuv></tu>\n</body></tmx>\n",
        "<?xml version=\"1.0\" encoding=\"%s\"?>\n<xliff version=\"1.2\" "
        "xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file original=\"a\" "
        "source-language=\"en\" target-language=\"ar\" datatype=\"plaintext\"><body>\n"
        "<trans-unit id=\"1\"><source>Salt &amp; pepper <g id=\"1\">now</g></source><target>ملح "
        "وفلفل <g id=\"1\">الآن</g></target></trans-unit>\n<trans-unit id=\"2\"><source>Hello "
        "world</source><target>مرحبا بالعالم</target></trans-unit>\n</body></file></xliff>\n"};
    static const int fmt[2] = {JISR_FMT_TMX, JISR_FMT_XLIFF};
    static unsigned char buf[8192];
    char doc[2048];
    for (int d = 0; d < 2; d++) {
        jisr_read_opts ro = JISR_READ_OPTS_INIT;
        ro.format = fmt[d];
        units ref;
        snprintf(doc, sizeof doc, docs[d], "UTF-8");
        assert_int_equal(read_mem(doc, strlen(doc), &ro, &ref), 0);
        assert_int_equal(ref.n, 2);
        /* LE and BE, with a mark (declared UTF-32) or declared without one */
        for (int v = 0; v < 4; v++) {
            int be = v & 1, bom = v < 2;
            snprintf(doc, sizeof doc, docs[d], bom ? "UTF-32" : be ? "UTF-32BE" : "UTF-32LE");
            size_t n = to_utf32(doc, be, bom, buf);
            units u;
            assert_int_equal(read_mem(buf, n, &ro, &u), 0);
            same_units(&u, &ref);
            units_free(&u);
        }
        /* a surrogate as the first letter of "مرحبا" (line 4): the read ends there */
        snprintf(doc, sizeof doc, docs[d], "UTF-32");
        size_t n = to_utf32(doc, 0, 1, buf);
        const char *at = strstr(doc, "مرحبا"), *nl = at;
        while (nl > doc && nl[-1] != '\n')
            nl--;
        size_t chars = 0, col = 1;
        for (const char *q = doc; q < at; q++)
            chars += ((unsigned char)*q & 0xC0) != 0x80;
        for (const char *q = nl; q < at; q++)
            col += ((unsigned char)*q & 0xC0) != 0x80;
        memcpy(buf + 4 + 4 * chars, "\x00\xD8\x00\x00", 4);
        units u;
        assert_int_equal(read_mem(buf, n, &ro, &u), JISR_EPARSE);
        assert_int_equal(jisr_error_last()->line, 4);
        assert_int_equal(jisr_error_last()->col, col);
        assert_non_null(strstr(jisr_error_last()->msg, "no UTF-32LE character (0x00 0xD8"));
        units_free(&u);
        /* cut inside the last character */
        n = to_utf32(doc, 1, 0, buf);
        assert_int_equal(read_mem(buf, n - 1, &ro, &u), JISR_EPARSE);
        assert_non_null(strstr(jisr_error_last()->msg, "ends inside a UTF-32BE character"));
        units_free(&u);
        units_free(&ref);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "shared") == 0) {
        char dir[1024];
        struct stat st;
        path_join(dir, sizeof dir, shared_dir(), "tmx/omegat-tests");
        if (stat(dir, &st) != 0)
            return 77; /* ../shared is absent: skip */
        const struct CMUnitTest shared[] = {cmocka_unit_test(test_shared_tmx)};
        return cmocka_run_group_tests(shared, setup, teardown);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unit_model),
        cmocka_unit_test(test_keep_pair_counts),
        cmocka_unit_test(test_roundtrip_compliance_kit),
        cmocka_unit_test(test_roundtrip_okapi),
        cmocka_unit_test(test_roundtrip_flavours),
        cmocka_unit_test(test_flavour_contents),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_skip_bad),
        cmocka_unit_test(test_skip_bad_resume),
        cmocka_unit_test(test_reader_unknown_format),
        cmocka_unit_test(test_unit_source_first),
        cmocka_unit_test(test_check_only),
        cmocka_unit_test(test_memory_reader),
        cmocka_unit_test(test_tsv),
        cmocka_unit_test(test_moses),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_writer_atomic_and_checks),
        cmocka_unit_test(test_writer_stream),
        cmocka_unit_test(test_unit_check),
        cmocka_unit_test(test_private_use),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_reader_dates),
        cmocka_unit_test(test_jsonl_tags),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_xliff_untranslated),
        cmocka_unit_test(test_xliff_cp),
        cmocka_unit_test(test_xliff_bx_ex),
        cmocka_unit_test(test_xliff_sc_ec),
        cmocka_unit_test(test_tag_canon),
        cmocka_unit_test(test_omegat_tags),
        cmocka_unit_test(test_omegat_shortcuts_write),
        cmocka_unit_test(test_tag_break),
        cmocka_unit_test(test_utf32_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
