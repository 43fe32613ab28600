/*
 * test_doc.c — the doc layer: every reader on fixtures made by real producers (LibreOffice for
 * DOCX/ODT, Chromium for the PDF, hand-written HTML and XLIFF), encodings, format detection, the
 * XLIFF unit reader, and the safety rules: ZIP bombs (an entry of 1 GiB, 100,000 entries,
 * nested archives) refused in bounded memory, malformed files named with their position.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "doc/doc.h"
#include "formats/formats.h"

#define D JISR_TEST_DATA "/doc/"

typedef struct paras {
    jisr_para v[64];
    char *text[64];
    char *lang[64];
    char *part[64];
    char *id[64];
    size_t n;
    int warnings;
    char warning[1024];
} paras;

static void on_warn(void *ctx, const jisr_error *e)
{
    paras *p = ctx;
    p->warnings++;
    snprintf(p->warning, sizeof p->warning, "%s", e->msg);
}

static void paras_free(paras *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->text[i]);
        free(p->lang[i]);
        free(p->part[i]);
        free(p->id[i]);
    }
    memset(p, 0, sizeof *p);
}

/* Read every paragraph; returns the final code (0 or the error). */
static int read_all(const char *path, const void *mem, size_t n, jisr_doc_opts *o, paras *out)
{
    jisr_doc_opts def = JISR_DOC_OPTS_INIT;
    if (!o)
        o = &def;
    o->on_warning = on_warn;
    o->ctx = out;
    jisr_doc *d = NULL;
    int rc = mem ? jisr_doc_open_memory(&d, path, mem, n, o) : jisr_doc_open(&d, path, o);
    if (rc < 0)
        return rc;
    jisr_para p;
    while ((rc = jisr_doc_next(d, &p)) > 0) {
        assert_true(out->n < 64);
        assert_int_equal(strlen(p.text), p.len); /* NUL-terminated, no inner NUL */
        out->v[out->n] = p;
        out->text[out->n] = strdup(p.text);
        out->lang[out->n] = p.lang ? strdup(p.lang) : NULL;
        out->part[out->n] = p.part ? strdup(p.part) : NULL;
        out->id[out->n] = p.id ? strdup(p.id) : NULL;
        out->n++;
    }
    jisr_doc_close(d);
    return rc;
}

static size_t find(const paras *p, const char *text)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->text[i], text) == 0)
            return i;
    return (size_t)-1;
}

static int contains(const paras *p, const char *needle)
{
    for (size_t i = 0; i < p->n; i++)
        if (strstr(p->text[i], needle))
            return 1;
    return 0;
}

/* ---- HTML ---------------------------------------------------------------------------------- */

static void test_html(void **state)
{
    (void)state;
    paras p = {0};
    assert_int_equal(read_all(D "report.en.html", NULL, 0, NULL, &p), 0);
    const char *expect[] = {"Public Library Report for 2023",
                            "Public Library Report for 2023",
                            "The public library in the city of Tripoli welcomed 48,250 visitors "
                            "in 2023, an increase of 12 percent over the previous year. The "
                            "library lent more than 9,400 books.",
                            "A new children's room opened in March.\nThe room holds forty "
                            "children.",
                            "Main activities",
                            "A weekly writing workshop for young people.",
                            "The monthly reading club run by Mrs Layla Haddad.",
                            "Free computer lessons for older people.",
                            "Figures",
                            "Item",
                            "Number",
                            "New books",
                            "1,320",
                            "New members",
                            "615",
                            "The board thanked the volunteers for their efforts.",
                            "35 volunteers worked at the library during the year."};
    jisr_para_kind kinds[] = {JISR_PARA_TITLE,     JISR_PARA_HEADING,   JISR_PARA_BODY,
                              JISR_PARA_BODY,      JISR_PARA_HEADING,   JISR_PARA_LIST_ITEM,
                              JISR_PARA_LIST_ITEM, JISR_PARA_LIST_ITEM, JISR_PARA_HEADING,
                              JISR_PARA_CELL,      JISR_PARA_CELL,      JISR_PARA_CELL,
                              JISR_PARA_CELL,      JISR_PARA_CELL,      JISR_PARA_CELL,
                              JISR_PARA_BODY,      JISR_PARA_FOOTNOTE};
    assert_int_equal(p.n, sizeof expect / sizeof expect[0]);
    for (size_t i = 0; i < p.n; i++) {
        assert_string_equal(p.text[i], expect[i]);
        assert_int_equal(p.v[i].kind, kinds[i]);
        assert_string_equal(p.lang[i], "en");
        assert_int_equal(p.v[i].index, i);
    }
    assert_int_equal(p.v[1].level, 1);
    assert_int_equal(p.v[4].level, 2);
    assert_int_equal(p.v[5].level, 1);
    assert_int_equal(p.v[2].line, 12); /* the <p>'s line */
    /* nothing from nav, script, style, template, hidden elements, the footer */
    assert_false(contains(&p, "Home"));
    assert_false(contains(&p, "not shown"));
    assert_false(contains(&p, "font-family"));
    assert_false(contains(&p, "template"));
    assert_false(contains(&p, "Hidden"));
    assert_false(contains(&p, "rights reserved"));
    paras_free(&p);

    /* Arabic: dir and lang inherited from <html> */
    assert_int_equal(read_all(D "report.ar.html", NULL, 0, NULL, &p), 0);
    assert_int_equal(p.n, 17);
    size_t i = find(&p, "نادي القراءة الشهري الذي تديره السيدة ليلى حداد.");
    assert_true(i < p.n);
    assert_int_equal(p.v[i].kind, JISR_PARA_LIST_ITEM);
    assert_int_equal(p.v[i].dir, JISR_DIR_RTL);
    assert_string_equal(p.lang[i], "ar");
    paras_free(&p);

    /* navigation and footers kept on request */
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.flags = JISR_DOC_BOILERPLATE;
    assert_int_equal(read_all(D "report.en.html", NULL, 0, &o, &p), 0);
    assert_true(contains(&p, "Home | About us | Contact"));
    assert_true(contains(&p, "All rights reserved"));
    paras_free(&p);
}

/* An XHTML DOCTYPE's internal subset is not text of the page (the HTML parser knows none), and
 * its entities are never expanded */
static void test_html_subset(void **state)
{
    (void)state;
    const char *html = "<?xml version=\"1.0\"?><!-- c --><!DOCTYPE html [<!ENTITY xxe SYSTEM "
                       "\"file:///etc/passwd\"><!ENTITY q \"]>\">]>\n<html><body><p>&xxe; here.</p>"
                       "<p>Two.</p></body></html>";
    paras p = {0};
    assert_int_equal(read_all("subset.html", html, strlen(html), NULL, &p), 0);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.text[0], "&xxe; here.");
    assert_string_equal(p.text[1], "Two.");
    paras_free(&p);
}

/* HTML5's void elements have no content: the text after one is the parent's, whether or not
 * libxml2's HTML 4 parser knows the element as empty (it nests the text inside <wbr>, <embed>,
 * <source>, <track>, <keygen>) */
static void test_html_void(void **state)
{
    (void)state;
    static const char *const voids[] = {"area",  "base",   "br",    "col",  "embed",
                                        "hr",    "img",    "input", "link", "meta",
                                        "param", "source", "track", "wbr",  "keygen"};
    paras p = {0};
    for (size_t i = 0; i < sizeof voids / sizeof voids[0]; i++) {
        char page[256];
        snprintf(page, sizeof page,
                 "<html><body><p>Before <%s src=\"x\"> after the tag.</p><p>Next.</p></body>"
                 "</html>",
                 voids[i]);
        assert_int_equal(read_all("void.html", page, strlen(page), NULL, &p), 0);
        if (strcmp(voids[i], "col") == 0 || strcmp(voids[i], "hr") == 0) {
            /* they end the paragraph (col: libxml2 closes the <p>) */
            assert_int_equal(p.n, 3);
            assert_string_equal(p.text[0], "Before");
            assert_string_equal(p.text[1], "after the tag.");
        } else {
            assert_int_equal(p.n, 2);
            assert_string_equal(p.text[0], strcmp(voids[i], "br") == 0 ? "Before\nafter the tag."
                                                                       : "Before after the tag.");
        }
        assert_string_equal(p.text[p.n - 1], "Next.");
        paras_free(&p);
    }
    const char url[] = "<html><body><p>Visit https://example.com/very<wbr>/long<wbr>/path for "
                       "the details. Thank you.</p><p>Next.</p></body></html>";
    assert_int_equal(read_all("w.html", url, sizeof url - 1, NULL, &p), 0);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.text[0],
                        "Visit https://example.com/very/long/path for the details. Thank you.");
    paras_free(&p);
    /* what stays skipped stays skipped: a hidden block, an <object>'s fallback, a void element's
     * own attributes; a <p> after an <embed> is its own paragraph */
    const char skip[] = "<body><div hidden><p>secret<wbr>still secret</p></div>"
                        "<object data=\"x\"><embed src=\"x\">fallback</object>"
                        "<p>a<embed hidden>b<p>c</p><p>d<input type=\"hidden\" value=\"v\">e</p>"
                        "<script>s<wbr>t</script><p>f<embed src=x/>g</p></body>";
    assert_int_equal(read_all("s.html", skip, sizeof skip - 1, NULL, &p), 0);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.text[0], "ab");
    assert_string_equal(p.text[1], "c");
    assert_string_equal(p.text[2], "de");
    assert_string_equal(p.text[3], "fg"); /* "x/" is the value: the tag stays open */
    paras_free(&p);
    /* a long run of <wbr> (libxml2 nests each in the one before) is neither lost nor too deep */
    jisr_buf b = {0};
    jisr_buf_puts(&b, "<p>x");
    for (int i = 0; i < 5000; i++)
        jisr_buf_puts(&b, "<wbr>y");
    jisr_buf_puts(&b, "</p><p>End.</p>");
    assert_int_equal(read_all("deep.html", b.data, b.len, NULL, &p), 0);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.v[0].len, 5001);
    assert_string_equal(p.text[1], "End.");
    jisr_buf_free(&b);
    paras_free(&p);
}

static void test_html_encodings(void **state)
{
    (void)state;
    paras p = {0};
    /* <meta charset=windows-1256> with the bytes in that encoding */
    const char page[] = "<html><head><meta charset=\"windows-1256\"></head><body><p>\xe3\xd1\xcd"
                        "\xc8\xc7</p></body></html>";
    assert_int_equal(read_all("x.html", page, sizeof page - 1, NULL, &p), 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.text[0], "مرحبا");
    paras_free(&p);
    /* a <meta charset> after a long comment (past a browser's 1024 bytes), one in a comment
     * before it not taken; an XHTML page's XML declaration */
    jisr_buf b = {0};
    jisr_buf_puts(&b, "<!DOCTYPE html><html><head><!-- <meta charset=\"iso-8859-7\"> ");
    for (int i = 0; i < 300; i++)
        jisr_buf_puts(&b, "a comment ");
    jisr_buf_puts(&b, "--><title>T</title><meta name=\"viewport\" content=\"width=device-width\">"
                      "<meta http-equiv=\"Content-Type\" content=\"text/html; "
                      "charset=windows-1256\"></head><body><p>\xe3\xd1\xcd\xc8\xc7 \xe3\xd1\xcd"
                      "\xc8\xc7</p></body></html>");
    assert_int_equal(read_all("late.html", b.data, b.len, NULL, &p), 0);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.text[1], "مرحبا مرحبا");
    paras_free(&p);
    jisr_buf_reset(&b);
    jisr_buf_puts(&b, "<?xml version=\"1.0\" encoding='windows-1256'?>\n<!DOCTYPE html>\n<html "
                      "xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>T</title></head><body>"
                      "<p>\xe3\xd1\xcd\xc8\xc7 \xe3\xd1\xcd\xc8\xc7</p></body></html>");
    assert_int_equal(read_all("x.xhtml", b.data, b.len, NULL, &p), 0);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.text[1], "مرحبا مرحبا");
    assert_int_equal(p.warnings, 0); /* declared, not guessed */
    paras_free(&p);
    jisr_buf_free(&b);
    /* whitespace collapses, <pre> keeps it, <br> breaks a line */
    const char ws[] = "<body><p>  a \n\t b <b>c</b>d<br/> e </p><pre>x  y\n z</pre></body>";
    assert_int_equal(read_all("y.html", ws, sizeof ws - 1, NULL, &p), 0);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.text[0], "a b cd\ne");
    assert_string_equal(p.text[1], "x  y\n z");
    paras_free(&p);
    /* a NUL byte is not text: error with the position */
    const char bin[] = "<p>ok</p>\n<p>a\0b</p>";
    assert_int_equal(read_all("bin.html", bin, sizeof bin - 1, NULL, &p), JISR_EENCODING);
    assert_string_equal(jisr_error_last()->file, "bin.html");
    assert_int_equal(jisr_error_last()->line, 2);
    paras_free(&p);
}

/* ---- DOCX and ODT ---------------------------------------------------------------------------- */

static void test_docx(void **state)
{
    (void)state;
    paras p = {0};
    assert_int_equal(read_all(D "report.en.docx", NULL, 0, NULL, &p), 0);
    /* LibreOffice keeps the navigation links and the display:none block as ordinary text, and
     * turns the HTML footnote into a real one */
    size_t h1 = find(&p, "Public Library Report for 2023");
    assert_true(h1 < p.n);
    assert_int_equal(p.v[h1].kind, JISR_PARA_HEADING);
    assert_int_equal(p.v[h1].level, 1);
    size_t br = find(&p, "A new children's room opened in March.\nThe room holds forty children.");
    assert_true(br < p.n);
    size_t li = find(&p, "The monthly reading club run by Mrs Layla Haddad.");
    assert_true(li < p.n);
    assert_int_equal(p.v[li].kind, JISR_PARA_LIST_ITEM);
    assert_int_equal(p.v[li].level, 1);
    size_t cell = find(&p, "1,320");
    assert_true(cell < p.n);
    assert_int_equal(p.v[cell].kind, JISR_PARA_CELL);
    size_t fn = find(&p, "35 volunteers worked at the library during the year.");
    assert_true(fn < p.n);
    assert_int_equal(p.v[fn].kind, JISR_PARA_FOOTNOTE);
    assert_string_equal(p.part[fn], "word/footnotes.xml");
    assert_int_equal(fn, p.n - 1); /* after the body */
    size_t ref = find(&p, "The board thanked the volunteers for their efforts.");
    assert_true(ref < p.n); /* the reference mark is not text */
    assert_string_equal(p.part[ref], "word/document.xml");
    assert_true(p.v[ref].line > 0);
    assert_false(contains(&p, "not shown")); /* scripts never reach the document */
    paras_free(&p);

    assert_int_equal(read_all(D "report.ar.docx", NULL, 0, NULL, &p), 0);
    size_t a = find(&p, "استقبلت المكتبة العامة في مدينة طرابلس 48,250 زائرًا خلال عام 2023، أي "
                        "بزيادة قدرها 12 بالمئة عن العام السابق. وقد أعارت المكتبة أكثر من 9,400 "
                        "كتاب.");
    assert_true(a < p.n);
    assert_int_equal(p.v[a].dir, JISR_DIR_RTL); /* w:bidi */
    assert_int_equal(p.v[p.n - 1].kind, JISR_PARA_FOOTNOTE);
    paras_free(&p);
}

static void test_odt(void **state)
{
    (void)state;
    paras p = {0};
    assert_int_equal(read_all(D "report.en.odt", NULL, 0, NULL, &p), 0);
    size_t h = find(&p, "Main activities");
    assert_true(h < p.n);
    assert_int_equal(p.v[h].kind, JISR_PARA_HEADING);
    assert_int_equal(p.v[h].level, 2);
    size_t li = find(&p, "Free computer lessons for older people.");
    assert_true(li < p.n);
    assert_int_equal(p.v[li].kind, JISR_PARA_LIST_ITEM);
    size_t cell = find(&p, "New members");
    assert_true(cell < p.n);
    assert_int_equal(p.v[cell].kind, JISR_PARA_CELL);
    size_t fn = find(&p, "35 volunteers worked at the library during the year.");
    assert_true(fn < p.n);
    assert_int_equal(p.v[fn].kind, JISR_PARA_FOOTNOTE);
    assert_true(find(&p, "The board thanked the volunteers for their efforts.") < p.n);
    assert_true(find(&p, "A new children's room opened in March.\nThe room holds forty "
                         "children.") < p.n);
    assert_string_equal(p.part[0], "content.xml");
    paras_free(&p);
    assert_int_equal(read_all(D "report.ar.odt", NULL, 0, NULL, &p), 0);
    assert_true(find(&p, "دروس مجانية في الحاسوب لكبار السن.") < p.n);
    paras_free(&p);
}

/* the same document saved as ODT and as DOCX reads as the same paragraphs in the same order:
 * an ODT's note (inside the paragraph that cites it) comes after the body, as DOCX's does */
static void test_odt_docx_order(void **state)
{
    (void)state;
    static const char *const lang[] = {"en", "ar"};
    for (int l = 0; l < 2; l++) {
        char odt[512], docx[512];
        snprintf(odt, sizeof odt, D "report.%s.odt", lang[l]);
        snprintf(docx, sizeof docx, D "report.%s.docx", lang[l]);
        paras a = {0}, b = {0};
        assert_int_equal(read_all(odt, NULL, 0, NULL, &a), 0);
        assert_int_equal(read_all(docx, NULL, 0, NULL, &b), 0);
        assert_int_equal(a.n, b.n);
        for (size_t i = 0; i < a.n; i++) {
            assert_string_equal(a.text[i], b.text[i]);
            assert_int_equal(a.v[i].kind, b.v[i].kind);
        }
        assert_int_equal(a.v[a.n - 1].kind, JISR_PARA_FOOTNOTE);
        paras_free(&a);
        paras_free(&b);
    }
}

/* ---- XLIFF --------------------------------------------------------------------------------- */

static void test_xliff_doc(void **state)
{
    (void)state;
    paras p = {0};
    assert_int_equal(read_all(D "report.en.xlf", NULL, 0, NULL, &p), 0);
    assert_int_equal(p.n, 6);
    assert_string_equal(p.text[1], "The library lent more than 9,400 books.");
    assert_string_equal(p.id[1], "p1#1");
    assert_string_equal(p.text[3], "The room holds forty children.");
    assert_string_equal(p.id[3], "p2#2");
    assert_string_equal(p.lang[0], "en");
    assert_int_equal(p.v[0].kind, JISR_PARA_SEGMENT);
    assert_false(contains(&p, "LIB-2023")); /* translate="no" */
    assert_false(contains(&p, "اقتراح"));   /* alt-trans */
    paras_free(&p);
    assert_int_equal(read_all(D "report.en.xliff", NULL, 0, NULL, &p), 0);
    assert_int_equal(p.n, 5);
    assert_string_equal(p.text[3], "The library lent 9,400 books in 2023!");
    assert_string_equal(p.id[1], "p2#1");
    paras_free(&p);
}

static void test_xliff_units(void **state)
{
    (void)state;
    const char *files[] = {D "report.en.xlf", D "report.en.xliff"};
    for (int f = 0; f < 2; f++) {
        jisr_reader *r = NULL;
        assert_int_equal(jisr_reader_open(&r, files[f], NULL), 0);
        assert_int_equal(jisr_reader_format(r), JISR_FMT_XLIFF);
        assert_string_equal(jisr_reader_header(r)->srclang, "en");
        jisr_unit u;
        jisr_unit_init(&u);
        int n = 0, bilingual = 0, tagged = 0;
        while (jisr_reader_next(r, &u) > 0) {
            n++;
            assert_string_equal(u.variants[0].lang, "en");
            if (u.nvariants == 2) {
                bilingual++;
                assert_string_equal(u.variants[1].lang, "ar");
                /* the codes pair up between the sides */
                assert_int_equal(u.variants[0].ntags, u.variants[1].ntags);
                for (size_t t = 0; t < u.variants[0].ntags; t++) {
                    tagged++;
                    const char *tag = u.variants[0].tags[t];
                    assert_true(strncmp(tag, "<bpt i=", 7) == 0 ||
                                strncmp(tag, "<ept i=", 7) == 0 || strncmp(tag, "<ph>", 4) == 0);
                }
            }
        }
        jisr_unit_clear(&u);
        jisr_reader_close(r);
        assert_int_equal(n, f == 0 ? 6 : 5);
        assert_int_equal(bilingual, f == 0 ? 5 : 4); /* the untranslated unit has no target */
        assert_true(tagged >= 2);
    }
    /* a unit with codes goes through the TMX writer (valid TMX inline markup) */
    jisr_reader *r = NULL;
    assert_int_equal(jisr_reader_open(&r, D "report.en.xlf", NULL), 0);
    char path[64];
    snprintf(path, sizeof path, "/tmp/jisr-xliff-%ld.tmx", (long)getpid());
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.format = JISR_FMT_TMX;
    jisr_writer *w = NULL;
    assert_int_equal(jisr_writer_open(&w, path, &wo), 0);
    jisr_unit u;
    jisr_unit_init(&u);
    while (jisr_reader_next(r, &u) > 0)
        assert_int_equal(jisr_writer_write(w, &u), 0);
    assert_int_equal(jisr_writer_close(w), 0);
    jisr_unit_clear(&u);
    jisr_reader_close(r);
    jisr_reader *back = NULL;
    assert_int_equal(jisr_reader_open(&back, path, NULL), 0);
    jisr_unit_init(&u);
    int k = 0;
    while (jisr_reader_next(back, &u) > 0)
        k++;
    assert_int_equal(k, 6);
    jisr_unit_clear(&u);
    jisr_reader_close(back);
    unlink(path);
    /* XLIFF is not written */
    wo.format = JISR_FMT_XLIFF;
    assert_int_equal(jisr_writer_open(&w, "/tmp/never.xlf", &wo), JISR_EUNSUPPORTED);
}

static void test_xliff_bad(void **state)
{
    (void)state;
    paras p = {0};
    const char trunc[] = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\">\n<file "
                         "source-language=\"en\">\n<body><trans-unit id=\"1\"><source>a</sour";
    assert_int_equal(read_all("t.xlf", trunc, sizeof trunc - 1, NULL, &p), JISR_EPARSE);
    assert_string_equal(jisr_error_last()->file, "t.xlf");
    assert_int_equal(jisr_error_last()->line, 4);
    paras_free(&p);
    const char ent[] = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n<xliff "
                       "version=\"1.2\"><file source-language=\"en\"><body><trans-unit "
                       "id=\"1\"><source>&a;</source></trans-unit></body></file></xliff>";
    assert_int_equal(read_all("e.xlf", ent, sizeof ent - 1, NULL, &p), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "entity"));
    paras_free(&p);
    const char notx[] = "<tmx version=\"1.4\"/>";
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.format = JISR_DOC_XLIFF;
    assert_int_equal(read_all("n.xml", notx, sizeof notx - 1, &o, &p), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "not XLIFF"));
    paras_free(&p);
}

/* ---- PDF ------------------------------------------------------------------------------------- */

static void test_pdf(void **state)
{
    (void)state;
    if (access("/usr/bin/pdftotext", X_OK) != 0) {
        print_message("pdftotext not installed: PDF reading not tested\n");
        skip();
    }
    paras p = {0};
    assert_int_equal(read_all(D "report.ar.pdf", NULL, 0, NULL, &p), 0);
    assert_true(p.n >= 3);
    assert_int_equal(p.warnings, 1);
    assert_non_null(strstr(p.warning, "ligatures"));
    /* logical order (never -raw), the embedding marks gone */
    assert_true(contains(&p, "تقرير المكتبة العامة لعام 2023"));
    assert_true(contains(&p, "ورشة كتابة أسبوعية للشباب."));
    for (size_t i = 0; i < p.n; i++) {
        assert_null(strstr(p.text[i], "\xE2\x80\xAB")); /* U+202B */
        assert_null(strstr(p.text[i], "\xE2\x80\xAC")); /* U+202C */
        assert_int_equal(p.v[i].page, 1);
    }
    paras_free(&p);
    /* no pdftotext: a clear refusal */
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.pdftotext = "/nonexistent/pdftotext";
    assert_int_equal(read_all(D "report.ar.pdf", NULL, 0, &o, &p), JISR_EUNSUPPORTED);
    assert_non_null(strstr(jisr_error_last()->msg, "poppler-utils"));
    paras_free(&p);
    /* a file that is not a PDF: pdftotext's complaint */
    const char junk[] = "%PDF-1.4\nnot really\n";
    assert_int_equal(read_all("junk.pdf", junk, sizeof junk - 1, NULL, &p), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "pdftotext failed"));
    paras_free(&p);
}

/* ---- plain text ---------------------------------------------------------------------------- */

static void test_text(void **state)
{
    (void)state;
    const char *files[] = {"plain.ar.txt", "plain.ar.cp1256.txt", "plain.ar.iso-8859-6.txt",
                           "plain.ar.utf16le.txt"};
    for (size_t f = 0; f < 4; f++) {
        char path[512];
        snprintf(path, sizeof path, D "%s", files[f]);
        paras p = {0};
        assert_int_equal(read_all(path, NULL, 0, NULL, &p), 0);
        assert_int_equal(p.n, 3);
        assert_string_equal(p.text[0], "تقرير المكتبة العامة");
        assert_string_equal(p.text[1], "استقبلت المكتبة 48,250 زائرًا.\nوأعارت 9,400 كتاب.");
        assert_int_equal(p.v[1].line, 3);
        assert_int_equal(p.warnings, f == 1 || f == 2); /* detected encodings are reported */
        paras_free(&p);
        /* the same from memory */
        FILE *fp = fopen(path, "rb");
        char buf[1024];
        size_t n = fread(buf, 1, sizeof buf, fp);
        fclose(fp);
        assert_int_equal(read_all(files[f], buf, n, NULL, &p), 0);
        assert_int_equal(p.n, 3);
        assert_string_equal(p.text[2], "شكرًا للمتطوعين.");
        paras_free(&p);
    }
    /* forced encoding, lines mode */
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.encoding = "windows-1256";
    o.flags = JISR_DOC_LINES;
    paras p = {0};
    assert_int_equal(read_all(D "plain.ar.cp1256.txt", NULL, 0, &o, &p), 0);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.warnings, 0);
    assert_string_equal(p.text[2], "وأعارت 9,400 كتاب.");
    paras_free(&p);
    o.encoding = "no-such-encoding";
    assert_int_equal(read_all(D "plain.ar.cp1256.txt", NULL, 0, &o, &p), JISR_EINVAL);
    paras_free(&p);
    /* invalid UTF-8 in a file that starts as UTF-8: error with line and column, or U+FFFD */
    const char bad[] = "سطر سليم\n\nab\xC3(x\n";
    assert_int_equal(read_all("bad.txt", bad, sizeof bad - 1, NULL, &p), JISR_EENCODING);
    assert_int_equal(jisr_error_last()->line, 3);
    assert_int_equal(jisr_error_last()->col, 3);
    paras_free(&p);
    jisr_doc_opts l = JISR_DOC_OPTS_INIT;
    l.flags = JISR_DOC_LENIENT;
    assert_int_equal(read_all("bad.txt", bad, sizeof bad - 1, &l, &p), 0);
    assert_int_equal(p.n, 2);
    paras_free(&p);
}

/* An English text quoting an Arabic name in windows-1256: too few bytes above 0x7F for ICU's
 * detector, but all of them Arabic words there. Read as windows-1256 (with a warning), from a
 * file (streamed otherwise) and from memory; Latin-1 text with as few stays an error, and one
 * whose bytes are partly Arabic words is told to give --encoding windows-1256. */
static void test_text_cp1256_few(void **state)
{
    (void)state;
    jisr_buf b = {0};
    for (int i = 0; i < 10; i++)
        jisr_buf_puts(&b, "This is a long English report about the project. ");
    jisr_buf_puts(&b, "The Arabic name is \xe3\xcd\xe3\xcf.\n"); /* محمد */
    char path[] = "/tmp/jisr_test_doc_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
    close(fd);
    paras p = {0};
    for (int mem = 0; mem < 2; mem++) {
        int rc = read_all(mem ? "a.txt" : path, mem ? b.data : NULL, b.len, NULL, &p);
        if (!mem)
            unlink(path); /* before any assertion can end the test */
        assert_int_equal(rc, 0);
        assert_int_equal(p.n, 1);
        assert_non_null(strstr(p.text[0], "The Arabic name is محمد."));
        assert_int_equal(p.warnings, 1);
        assert_non_null(strstr(p.warning, "windows-1256"));
        paras_free(&p);
    }
    /* the same name in an HTML page that declares nothing */
    jisr_buf h = {0};
    jisr_buf_puts(&h, "<html><body><p>");
    jisr_buf_append(&h, b.data, b.len);
    jisr_buf_puts(&h, "</p></body></html>");
    assert_int_equal(read_all("a.html", h.data, h.len, NULL, &p), 0);
    assert_int_equal(p.n, 1);
    assert_non_null(strstr(p.text[0], "The Arabic name is محمد."));
    paras_free(&p);
    jisr_buf_free(&h);
    /* Latin-1 French: an error as before, with no Arabic hint */
    jisr_buf_reset(&b);
    for (int i = 0; i < 20; i++)
        jisr_buf_puts(&b, "Le caf\xe9 est tr\xe8s bon, mais le th\xe9 aussi, et nous le buvons le "
                          "matin. ");
    assert_int_equal(read_all("fr.txt", b.data, b.len, NULL, &p), JISR_EENCODING);
    assert_null(strstr(jisr_error_last()->msg, "windows-1256"));
    paras_free(&p);
    /* Arabic words among as many other bytes: not read as windows-1256, but hinted */
    jisr_buf_reset(&b);
    for (int i = 0; i < 20; i++)
        jisr_buf_puts(&b, "Some English text, and more of it, and more. ");
    jisr_buf_puts(&b, "\xe3\xcd\xe3\xcf and caf\xe9 na\xefve \xfc\xfc \xe9t\xe9.\n");
    assert_int_equal(read_all("mix.txt", b.data, b.len, NULL, &p), JISR_EENCODING);
    assert_non_null(strstr(jisr_error_last()->msg, "--encoding windows-1256"));
    paras_free(&p);
    jisr_buf_free(&b);
}

/* Binary files are said to be binary (and what kind when their magic number is known), not
 * "invalid UTF-8 at byte offset 0" */
static void test_binary(void **state)
{
    (void)state;
    static const struct {
        const char *name, *bytes;
        size_t n;
        int code;
        const char *want;
    } cases[] = {
        {"x.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", 20, JISR_EUNSUPPORTED, "a PNG image"},
        {"noext", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", 20, JISR_EUNSUPPORTED, "a PNG image"},
        {"x.html", "\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11, JISR_EUNSUPPORTED, "a JPEG image"},
        {"x.txt", "GIF89a\x01\0\x01\0\x80\0\0", 13, JISR_EUNSUPPORTED, "a GIF image"},
        {"x.txt", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15, JISR_EUNSUPPORTED, "--from pdf"},
        {"x.txt", "PK\x03\x04\x14\0\0\0\x08\0", 10, JISR_EUNSUPPORTED, "a ZIP archive"},
        {"x.txt", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, JISR_EUNSUPPORTED, "OLE2"},
        {"x.bin", "\x01\x02\x03\xF0\x00\x00\x00\x05", 8, JISR_EENCODING, "a binary file"},
    };
    paras p = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(read_all(cases[i].name, cases[i].bytes, cases[i].n, NULL, &p),
                         cases[i].code);
        assert_non_null(strstr(jisr_error_last()->msg, cases[i].want));
        assert_non_null(strstr(jisr_error_last()->msg, "not text"));
        assert_null(strstr(jisr_error_last()->msg, "invalid UTF-8"));
        paras_free(&p);
    }
    /* a file read as text: the PDF fixture under --from text */
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.format = JISR_DOC_TEXT;
    assert_int_equal(read_all(D "report.ar.pdf", NULL, 0, &o, &p), JISR_EUNSUPPORTED);
    assert_non_null(strstr(jisr_error_last()->msg, "a PDF document, not text"));
    paras_free(&p);
    /* UTF-16 with a forced encoding has NUL bytes and is text */
    o.encoding = "UTF-16LE";
    assert_int_equal(read_all("u.txt", "h\0i\0\n\0", 6, &o, &p), 0);
    assert_string_equal(p.text[0], "hi");
    paras_free(&p);
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(jisr_doc_sniff("PK\x03\x04", 4), JISR_DOC_DOCX);
    assert_int_equal(jisr_doc_sniff("%PDF-1.7", 8), JISR_DOC_PDF);
    const char x[] = "<?xml version=\"1.0\"?>\n<xliff version=\"2.0\">";
    assert_int_equal(jisr_doc_sniff(x, sizeof x - 1), JISR_DOC_XLIFF);
    const char h[] = "\n  <!DOCTYPE html><html>";
    assert_int_equal(jisr_doc_sniff(h, sizeof h - 1), JISR_DOC_HTML);
    assert_int_equal(jisr_doc_sniff("just text", 9), JISR_DOC_TEXT);
    assert_int_equal(jisr_doc_format_from_name("a/b.DOCX"), JISR_DOC_DOCX);
    assert_int_equal(jisr_doc_format_from_name("x.sdlxliff"), JISR_DOC_XLIFF);
    assert_int_equal(jisr_doc_format_from_name("x.dir/readme"), JISR_DOC_AUTO);
    assert_int_equal(jisr_doc_format_from_string("ODT"), JISR_DOC_ODT);
    /* content decides when the name does not: an ODT sniffed as a ZIP */
    FILE *f = fopen(D "report.en.odt", "rb");
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    jisr_doc *d = NULL;
    assert_int_equal(jisr_doc_open_memory(&d, "noext", buf, n, NULL), 0);
    assert_int_equal(jisr_doc_get_format(d), JISR_DOC_ODT);
    jisr_doc_close(d);
    /* an OLE2 .doc is refused with advice */
    const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest";
    assert_int_equal(jisr_doc_open_memory(&d, "old", ole, sizeof ole - 1, NULL), JISR_EUNSUPPORTED);
    assert_non_null(strstr(jisr_error_last()->msg, "DOCX"));
}

/* ---- ZIP safety ------------------------------------------------------------------------------ */

typedef struct zipmem {
    zip_source_t *src;
    zip_t *z;
} zipmem;

static void zm_open(zipmem *m)
{
    zip_error_t e;
    zip_error_init(&e);
    m->src = zip_source_buffer_create(NULL, 0, 0, &e);
    assert_non_null(m->src);
    zip_source_keep(m->src);
    m->z = zip_open_from_source(m->src, ZIP_TRUNCATE, &e);
    assert_non_null(m->z);
}

static void zm_add(zipmem *m, const char *name, const void *data, size_t n)
{
    zip_error_t e;
    zip_error_init(&e);
    void *copy = n ? malloc(n) : NULL;
    if (n)
        memcpy(copy, data, n);
    zip_source_t *s = zip_source_buffer_create(copy, n, 1, &e);
    assert_non_null(s);
    assert_true(zip_file_add(m->z, name, s, ZIP_FL_ENC_UTF_8) >= 0);
}

/* Close the archive; its bytes (malloc'd) in *out. */
static size_t zm_bytes(zipmem *m, char **out)
{
    assert_int_equal(zip_close(m->z), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_stat(m->src, &st), 0);
    *out = malloc(st.size);
    assert_int_equal(zip_source_open(m->src), 0);
    assert_int_equal(zip_source_read(m->src, *out, st.size), (zip_int64_t)st.size);
    zip_source_close(m->src);
    zip_source_free(m->src);
    return st.size;
}

/* An ODT of one content.xml (n bytes); its bytes (malloc'd) in *out */
static size_t odt_bytes(const char *xml, size_t n, char **out)
{
    zipmem m;
    zm_open(&m);
    zm_add(&m, "mimetype", "application/vnd.oasis.opendocument.text", 39);
    zm_add(&m, "content.xml", xml, n);
    return zm_bytes(&m, out);
}

static const char DOCX_CT[] = "<?xml version=\"1.0\"?><Types "
                              "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                              "content-types\"/>";

/* A zero-filled source of n bytes, produced as libzip pulls it. */
typedef struct zeros {
    zip_uint64_t n, pos;
} zeros;

static zip_int64_t zeros_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    zeros *z = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        z->pos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        zip_uint64_t k = z->n - z->pos < len ? z->n - z->pos : len;
        memset(data, 'a', k);
        z->pos += k;
        return (zip_int64_t)k;
    }
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->size = z->n;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return 2 * sizeof(int);
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    default:
        return -1;
    }
}

static void test_zip_bomb_entry(void **state)
{
    (void)state;
    /* word/document.xml inflating to 1 GiB: refused from the header, nothing inflated */
    zipmem m;
    zm_open(&m);
    zm_add(&m, "[Content_Types].xml", DOCX_CT, sizeof DOCX_CT - 1);
    zeros z = {(zip_uint64_t)1 << 30, 0};
    zip_error_t e;
    zip_error_init(&e);
    zip_source_t *s = zip_source_function_create(zeros_cb, &z, &e);
    assert_non_null(s);
    zip_int64_t idx = zip_file_add(m.z, "word/document.xml", s, 0);
    assert_true(idx >= 0);
    zip_set_file_compression(m.z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1);
    char *bytes;
    size_t n = zm_bytes(&m, &bytes);
    assert_true(n < (8u << 20)); /* ~1 MiB on disk */
    long before = jisr_peak_rss_kib();
    paras p = {0};
    assert_int_equal(read_all("bomb.docx", bytes, n, NULL, &p), JISR_ETOOBIG);
    assert_non_null(strstr(jisr_error_last()->msg, "ZIP bomb"));
    assert_non_null(strstr(jisr_error_last()->file, "word/document.xml"));
    /* with a limit above it, the entry is read as a stream and fails as XML at once */
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.max_entry = (uint64_t)2 << 30;
    assert_true(read_all("bomb.docx", bytes, n, &o, &p) < 0);
    long after = jisr_peak_rss_kib();
    if (before > 0 && after > 0)
        assert_true(after - before < 64 * 1024); /* bounded memory */
    free(bytes);
    paras_free(&p);
}

static void test_zip_many_entries(void **state)
{
    (void)state;
    zipmem m;
    zm_open(&m);
    zm_add(&m, "[Content_Types].xml", DOCX_CT, sizeof DOCX_CT - 1);
    for (int i = 0; i < 100000; i++) {
        char name[32];
        snprintf(name, sizeof name, "f/%d", i);
        zm_add(&m, name, "", 0);
        /* stored: a deflate stream per entry costs ~80 s in all under ASan (each a fresh 256 KiB
         * window) */
        zip_set_file_compression(m.z, (zip_uint64_t)i + 1, ZIP_CM_STORE, 0);
    }
    char *bytes;
    size_t n = zm_bytes(&m, &bytes);
    paras p = {0};
    assert_int_equal(read_all("many.docx", bytes, n, NULL, &p), JISR_ETOOBIG);
    assert_non_null(strstr(jisr_error_last()->msg, "100001 entries"));
    free(bytes);
}

static void test_zip_nested(void **state)
{
    (void)state;
    /* an archive of archives */
    zipmem in;
    zm_open(&in);
    zm_add(&in, "word/document.xml", "<w:document/>", 13);
    char *inner;
    size_t ni = zm_bytes(&in, &inner);
    zipmem out;
    zm_open(&out);
    zm_add(&out, "a.zip", inner, ni);
    zm_add(&out, "b.zip", inner, ni);
    char *outer;
    size_t no = zm_bytes(&out, &outer);
    paras p = {0};
    assert_int_equal(read_all("nested.docx", outer, no, NULL, &p), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "nested archives are not opened"));
    free(outer);
    /* the main part is itself a ZIP */
    zipmem w;
    zm_open(&w);
    zm_add(&w, "[Content_Types].xml", DOCX_CT, sizeof DOCX_CT - 1);
    zm_add(&w, "word/document.xml", inner, ni);
    char *wb;
    size_t nw = zm_bytes(&w, &wb);
    assert_int_equal(read_all("inner.docx", wb, nw, NULL, &p), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "nested"));
    free(wb);
    free(inner);
}

/* ODF's explicit spaces: <text:s/> is one space, text:c="N" N of them, beside collapsed white
 * space; a tab and a line break as such */
static void test_odt_spaces(void **state)
{
    (void)state;
    const char *xml =
        "<office:document-content "
        "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text>"
        "<text:p>one<text:s/>two<text:s text:c=\"3\"/>three<text:tab/>four</text:p>"
        "<text:p>\xd8\xa7\xd9\x84\xd8\xac\xd9\x85\xd9\x84\xd8\xa9<text:s/>"
        "\xd8\xa7\xd9\x84\xd8\xa3\xd9\x88\xd9\x84\xd9\x89.</text:p>"
        "<text:p>five   <text:span>six</text:span><text:s/> seven<text:line-break/>eight</text:p>"
        "</office:text></office:body></office:document-content>";
    char *bytes;
    size_t nb = odt_bytes(xml, strlen(xml), &bytes);
    paras p = {0};
    assert_int_equal(read_all("spaces.odt", bytes, nb, NULL, &p), 0);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.text[0], "one two   three\tfour");
    assert_string_equal(p.text[1], "الجملة الأولى.");
    assert_string_equal(p.text[2], "five six  seven\neight");
    free(bytes);
    paras_free(&p);
}

/* A Strict Open XML document (ISO/IEC 29500 Strict: Word's "Strict Open XML Document"): its own
 * WordprocessingML namespace and relationship types; a prefix other than "w" for it */
static void test_docx_strict(void **state)
{
    (void)state;
    const char *ct =
        "<?xml version=\"1.0\"?><Types "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override "
        "PartName=\"/word/document.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    const char *rels =
        "<?xml version=\"1.0\"?><Relationships "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
        "Id=\"rId1\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/"
        "officeDocument\" Target=\"word/main.xml\"/></Relationships>";
    const char *drels =
        "<?xml version=\"1.0\"?><Relationships "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
        "Id=\"rId1\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/styles\" "
        "Target=\"st.xml\"/><Relationship Id=\"rId2\" "
        "Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/footnotes\" "
        "Target=\"fn.xml\"/></Relationships>";
    const char *styles =
        "<?xml version=\"1.0\"?><w:styles "
        "xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\"><w:style "
        "w:type=\"paragraph\" w:styleId=\"H1\"><w:name w:val=\"heading 1\"/></w:style>"
        "</w:styles>";
    const char *doc =
        "<?xml version=\"1.0\"?><w:document "
        "xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\" w:conformance=\"strict\">"
        "<w:body><w:p><w:pPr><w:pStyle w:val=\"H1\"/></w:pPr><w:r><w:t>Strict heading</w:t>"
        "</w:r></w:p><w:p><w:pPr><w:bidi/></w:pPr><w:r><w:t xml:space=\"preserve\">Hello "
        "</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:t>world."
        "</w:t></w:r></w:p></w:body></w:document>";
    const char *fn = "<?xml version=\"1.0\"?><s:footnotes "
                     "xmlns:s=\"http://purl.oclc.org/ooxml/wordprocessingml/main\"><s:footnote "
                     "s:type=\"separator\" s:id=\"-1\"><s:p><s:r><s:t>---</s:t></s:r></s:p>"
                     "</s:footnote><s:footnote s:id=\"1\"><s:p><s:r><s:t>A note.</s:t></s:r>"
                     "</s:p></s:footnote></s:footnotes>";
    zipmem m;
    zm_open(&m);
    zm_add(&m, "[Content_Types].xml", ct, strlen(ct));
    zm_add(&m, "_rels/.rels", rels, strlen(rels));
    zm_add(&m, "word/_rels/main.xml.rels", drels, strlen(drels));
    zm_add(&m, "word/st.xml", styles, strlen(styles));
    zm_add(&m, "word/main.xml", doc, strlen(doc));
    zm_add(&m, "word/fn.xml", fn, strlen(fn));
    char *bytes;
    size_t nb = zm_bytes(&m, &bytes);
    paras p = {0};
    assert_int_equal(read_all("strict.docx", bytes, nb, NULL, &p), 0);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.text[0], "Strict heading");
    assert_int_equal(p.v[0].kind, JISR_PARA_HEADING);
    assert_int_equal(p.v[0].level, 1);
    assert_string_equal(p.text[1], "Hello world.");
    assert_int_equal(p.v[1].dir, JISR_DIR_RTL);
    assert_string_equal(p.part[1], "word/main.xml");
    assert_string_equal(p.text[2], "A note.");
    assert_int_equal(p.v[2].kind, JISR_PARA_FOOTNOTE);
    free(bytes);
    paras_free(&p);
}

/* Spreadsheets and presentations (OOXML and OpenDocument) are said to be such: an error, not a
 * document without text (nor, for an ODS, its cells read as a text's table) */
static void test_zip_not_text(void **state)
{
    (void)state;
    static const struct {
        const char *main, *type, *want;
    } ooxml[] = {
        {"xl/workbook.xml",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
         "a spreadsheet (XLSX)"},
        {"xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
         "a spreadsheet (XLSX)"},
        {"ppt/presentation.xml",
         "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
         "a presentation (PPTX)"},
        {"xl/workbook.xml", NULL, "a spreadsheet (XLSX)"}, /* no Override: the folder tells */
    };
    paras p = {0};
    for (size_t i = 0; i < sizeof ooxml / sizeof ooxml[0]; i++) {
        char ct[600], rels[600];
        snprintf(ct, sizeof ct,
                 "<?xml version=\"1.0\"?><Types "
                 "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                 "<Default Extension=\"xml\" ContentType=\"application/xml\"/>%s%s%s%s%s</Types>",
                 ooxml[i].type ? "<Override PartName=\"/" : "", ooxml[i].type ? ooxml[i].main : "",
                 ooxml[i].type ? "\" ContentType=\"" : "", ooxml[i].type ? ooxml[i].type : "",
                 ooxml[i].type ? "\"/>" : "");
        snprintf(rels, sizeof rels,
                 "<?xml version=\"1.0\"?><Relationships "
                 "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                 "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
                 "officeDocument/2006/relationships/officeDocument\" Target=\"%s\"/>"
                 "</Relationships>",
                 ooxml[i].main);
        zipmem m;
        zm_open(&m);
        zm_add(&m, "[Content_Types].xml", ct, strlen(ct));
        zm_add(&m, "_rels/.rels", rels, strlen(rels));
        zm_add(&m, ooxml[i].main, "<x/>", 4);
        char *bytes;
        size_t nb = zm_bytes(&m, &bytes);
        assert_int_equal(read_all("book.xlsx", bytes, nb, NULL, &p), JISR_EUNSUPPORTED);
        assert_non_null(strstr(jisr_error_last()->msg, ooxml[i].want));
        assert_non_null(strstr(jisr_error_last()->msg, "does not read"));
        free(bytes);
        paras_free(&p);
    }
    static const struct {
        const char *mime, *want;
    } odf[] = {
        {"application/vnd.oasis.opendocument.spreadsheet", "a spreadsheet (ODS)"},
        {"application/vnd.oasis.opendocument.presentation", "a presentation (ODP)"},
        {"application/vnd.oasis.opendocument.graphics", "a drawing (ODG)"},
    };
    const char *content =
        "<office:document-content "
        "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>"
        "<office:spreadsheet><text:p>Cell one.</text:p></office:spreadsheet></office:body>"
        "</office:document-content>";
    for (size_t i = 0; i < sizeof odf / sizeof odf[0]; i++) {
        zipmem m;
        zm_open(&m);
        zm_add(&m, "mimetype", odf[i].mime, strlen(odf[i].mime));
        zm_add(&m, "content.xml", content, strlen(content));
        char *bytes;
        size_t nb = zm_bytes(&m, &bytes);
        assert_int_equal(read_all("sheet.ods", bytes, nb, NULL, &p), JISR_EUNSUPPORTED);
        assert_non_null(strstr(jisr_error_last()->msg, odf[i].want));
        free(bytes);
        paras_free(&p);
    }
}

static void test_zip_malformed(void **state)
{
    (void)state;
    paras p = {0};
    /* truncated archive */
    FILE *f = fopen(D "report.en.docx", "rb");
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(read_all("cut.docx", buf, n / 2, NULL, &p), JISR_EPARSE);
    assert_string_equal(jisr_error_last()->file, "cut.docx");
    paras_free(&p);
    /* malformed XML in the main part: part, line and column */
    const char *xml[] = {
        "<?xml version=\"1.0\"?>\n<w:document "
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\n<w:body><w:p>"
        "<w:r><w:t>ok</w:t></w:r></w:p>\n<w:p><w:r><w:t>broken</w:r></w:p></w:body></w:document>",
        "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
        "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<w:document "
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p>"
        "<w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>",
    };
    const char *want[] = {"mismatch", "entity"};
    for (int k = 0; k < 2; k++) {
        zipmem m;
        zm_open(&m);
        zm_add(&m, "[Content_Types].xml", DOCX_CT, sizeof DOCX_CT - 1);
        zm_add(&m, "word/document.xml", xml[k], strlen(xml[k]));
        char *bytes;
        size_t nb = zm_bytes(&m, &bytes);
        assert_int_equal(read_all("bad.docx", bytes, nb, NULL, &p), JISR_EPARSE);
        const jisr_error *e = jisr_error_last();
        assert_string_equal(e->file, "bad.docx!/word/document.xml");
        assert_true(e->line >= 2);
        assert_non_null(strstr(e->msg, want[k]));
        free(bytes);
        paras_free(&p);
    }
    /* an entity reference: at its '&' (line 3, column 19), not where the reader had read ahead
     * to (the end of the part) */
    {
        const char ref[] =
            "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"x\">]>\n<w:document "
            "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\n"
            "<w:p><w:r><w:t>ok &a; here</w:t></w:r></w:p>\n<w:p><w:r><w:t>more</w:t></w:r></w:p>\n"
            "</w:body></w:document>\n";
        zipmem m;
        zm_open(&m);
        zm_add(&m, "[Content_Types].xml", DOCX_CT, sizeof DOCX_CT - 1);
        zm_add(&m, "word/document.xml", ref, sizeof ref - 1);
        char *rb;
        size_t nrb = zm_bytes(&m, &rb);
        assert_int_equal(read_all("ref.docx", rb, nrb, NULL, &p), JISR_EPARSE);
        const jisr_error *e = jisr_error_last();
        assert_string_equal(e->file, "ref.docx!/word/document.xml");
        assert_non_null(strstr(e->msg, "'&a;'"));
        assert_int_equal(e->line, 3);
        assert_int_equal(e->col, 19);
        free(rb);
        paras_free(&p);
        /* in an attribute value (libxml2 expanded it when the value was read): refused too, at
         * the end of its start tag (its ">", 3:15) */
        const char aref[] =
            "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"x\">]>\n<w:document "
            "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\n"
            "<w:p w:x=\"&a;\"><w:r><w:t>ok</w:t></w:r></w:p>\n</w:body></w:document>\n";
        zm_open(&m);
        zm_add(&m, "[Content_Types].xml", DOCX_CT, sizeof DOCX_CT - 1);
        zm_add(&m, "word/document.xml", aref, sizeof aref - 1);
        nrb = zm_bytes(&m, &rb);
        assert_int_equal(read_all("aref.docx", rb, nrb, NULL, &p), JISR_EPARSE);
        e = jisr_error_last();
        assert_non_null(strstr(e->msg, "'&a;' in attribute x"));
        assert_int_equal(e->line, 3);
        assert_int_equal(e->col, 15);
        free(rb);
        paras_free(&p);
    }
    /* deep nesting in an ODT */
    jisr_buf deep = {0};
    jisr_buf_puts(&deep, "<office:document-content "
                         "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                         "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                         "<office:body><office:text>");
    for (int i = 0; i < 400; i++)
        jisr_buf_puts(&deep, "<text:span>");
    char *bytes;
    size_t nb = odt_bytes(deep.data, deep.len, &bytes);
    assert_int_equal(read_all("deep.odt", bytes, nb, NULL, &p), JISR_ETOOBIG);
    assert_non_null(strstr(jisr_error_last()->msg, "nested deeper"));
    assert_string_equal(jisr_error_last()->file, "deep.odt!/content.xml");
    free(bytes);
    paras_free(&p);
    /* deep nesting in a DOCX, closed: libxml2's own depth limit is said as ours */
    jisr_buf_reset(&deep);
    jisr_buf_puts(&deep, "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                         "wordprocessingml/2006/main\"><w:body><w:p>");
    for (int i = 0; i < 300; i++)
        jisr_buf_puts(&deep, "<w:r>");
    jisr_buf_puts(&deep, "x");
    for (int i = 0; i < 300; i++)
        jisr_buf_puts(&deep, "</w:r>");
    jisr_buf_puts(&deep, "</w:p></w:body></w:document>");
    zipmem m;
    zm_open(&m);
    zm_add(&m, "[Content_Types].xml", DOCX_CT, sizeof DOCX_CT - 1);
    zm_add(&m, "word/document.xml", deep.data, deep.len);
    nb = zm_bytes(&m, &bytes);
    assert_int_equal(read_all("deep.docx", bytes, nb, NULL, &p), JISR_ETOOBIG);
    assert_non_null(strstr(jisr_error_last()->msg, "nested deeper than"));
    assert_null(strstr(jisr_error_last()->msg, "XML_PARSE_HUGE"));
    free(bytes);
    jisr_buf_free(&deep);
    paras_free(&p);
    /* a ZIP that is neither */
    zm_open(&m);
    zm_add(&m, "readme.txt", "hi", 2);
    nb = zm_bytes(&m, &bytes);
    assert_int_equal(read_all("x.docx", bytes, nb, NULL, &p), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "neither DOCX"));
    free(bytes);
}

/* ---- fixes: browsers' markup, declared encodings, DOCX/ODT details, containers, XLIFF ------- */

/* Word's "Save as Web Page" and other markup libxml2's HTML 4 parser reads unlike a browser:
 * downlevel-revealed conditionals (their brackets dropped, the list numbers between them kept),
 * <![CDATA[…]]> and other bogus comments dropped, prefixed elements (<o:p>) inline */
static void test_html_browser_markup(void **state)
{
    (void)state;
    paras p = {0};
    const char page[] =
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head>"
        "<!--[if gte mso 9]><xml><o:DocumentProperties>x</o:DocumentProperties></xml>"
        "<![endif]--></head><body>\n"
        "<p>alpha <![if !supportLists]>1. <![endif]>beta.</p>\n"
        "<p>x<![CDATA[ cdata ]]>y and <!x bogus> z.</p>\n"
        "<p>Start <o:p></o:p>end.<o:p>&nbsp;</o:p></p>\n"
        "<p><st1:place w:st=\"on\">Paris</st1:place> in <![if\n!vml]>spring<![endif]>.</p>\n"
        "<p>Comment<a class=msocomanchor href=\"#_msocom_1\">[J1]</a> here.</p>\n"
        "<div style='mso-element:comment-list'><p>COMMENT BODY</p></div>\n"
        "<script>var s = \"<![if x]>\";</script><p>Last.</p></body></html>";
    assert_int_equal(read_all("word.htm", page, sizeof page - 1, NULL, &p), 0);
    const char *expect[] = {"alpha 1. beta.",   "xy and z.",     "Start end.\xc2\xa0",
                            "Paris in spring.", "Comment here.", "Last."};
    assert_int_equal(p.n, sizeof expect / sizeof expect[0]);
    for (size_t i = 0; i < p.n; i++)
        assert_string_equal(p.text[i], expect[i]);
    assert_int_equal(p.v[3].line, 5); /* dropped markup keeps its newlines */
    assert_int_equal(p.v[5].line, 9);
    paras_free(&p);
    /* in XHTML (an XML declaration) a CDATA section is text */
    const char xhtml[] = "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
                         "<body><p>a <![CDATA[x < y & z]]> b</p></body></html>";
    assert_int_equal(read_all("c.xhtml", xhtml, sizeof xhtml - 1, NULL, &p), 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.text[0], "a x < y & z b");
    paras_free(&p);
}

/* The bytes have the last word over a declaration: valid UTF-8 is UTF-8 (warned), an unknown
 * label is passed over (warned), ISO-8859-6 falls back to windows-1256; --encoding still
 * forces; a short windows-1256 page is not taken for Latin-1 */
static void test_declared_encodings(void **state)
{
    (void)state;
    paras p = {0};
    char page[512];
    snprintf(page, sizeof page,
             "<html><head><meta charset=\"windows-1256\"></head><body><p>%s</p></body></html>",
             "مرحبا بكم في موقعنا.");
    assert_int_equal(read_all("lies.html", page, strlen(page), NULL, &p), 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.text[0], "مرحبا بكم في موقعنا.");
    assert_int_equal(p.warnings, 1);
    assert_non_null(strstr(p.warning, "'windows-1256'"));
    paras_free(&p);
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.encoding = "windows-1256"; /* forced: believed, mojibake and all */
    assert_int_equal(read_all("lies.html", page, strlen(page), &o, &p), 0);
    assert_int_equal(p.n, 1);
    assert_string_not_equal(p.text[0], "مرحبا بكم في موقعنا.");
    assert_int_equal(p.warnings, 0);
    paras_free(&p);
    const char coding[] =
        "-*- coding: windows-1256 -*-\n\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7\n";
    assert_int_equal(read_all("lies.txt", coding, sizeof coding - 1, NULL, &p), 0);
    assert_int_equal(p.n, 1);
    assert_non_null(strstr(p.text[0], "مرحبا"));
    assert_non_null(strstr(p.warning, "'windows-1256'"));
    paras_free(&p);
    /* sloppy labels: ignored with a warning, the encoding detected ("unicode": not believed) */
    const char *labels[] = {"none", "win-1256", "x-user-defined", "unicode"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        snprintf(page, sizeof page,
                 "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                 "charset=%s\"></head><body><p>Hello world.</p></body></html>",
                 labels[i]);
        assert_int_equal(read_all("label.html", page, strlen(page), NULL, &p), 0);
        assert_int_equal(p.n, 1);
        assert_string_equal(p.text[0], "Hello world.");
        assert_int_equal(p.warnings, strcmp(labels[i], "unicode") != 0);
        paras_free(&p);
    }
    /* declared ISO-8859-6, windows-1256 bytes (0xDF is not ISO-8859-6) */
    const char iso6[] = "<html><head><meta charset=\"iso-8859-6\"></head><body><p>\xdf\xca\xc8 "
                        "\xc7\xe1\xdf\xc7\xca\xc8</p></body></html>";
    assert_int_equal(read_all("iso6.html", iso6, sizeof iso6 - 1, NULL, &p), 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.text[0], "كتب الكاتب");
    assert_non_null(strstr(p.warning, "windows-1256"));
    paras_free(&p);
    /* a short windows-1256 page without a declaration (ICU's detector alone says ISO-8859-1) */
    const char short1256[] = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html\">"
                             "</head><body><p>\xe3\xd1\xcd\xc8\xc7 \xc8\xdf\xe3 \xdd\xed "
                             "\xe3\xe6\xde\xda\xe4\xc7 \xc7\xe1\xda\xd1\xc8\xed</p></body></html>";
    assert_int_equal(read_all("short.html", short1256, sizeof short1256 - 1, NULL, &p), 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.text[0], "مرحبا بكم في موقعنا العربي");
    paras_free(&p);
}

static char *docx_of(const char *body, size_t *n)
{
    char *doc = malloc(strlen(body) + 1024), *bytes;
    sprintf(doc,
            "<?xml version=\"1.0\"?><w:document "
            "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
            "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "
            "xmlns:w16se=\"http://schemas.microsoft.com/office/word/2015/wordml/symex\">"
            "<w:body>%s</w:body></w:document>",
            body);
    zipmem m;
    zm_open(&m);
    zm_add(&m, "[Content_Types].xml", DOCX_CT, sizeof DOCX_CT - 1);
    zm_add(&m, "word/document.xml", doc, strlen(doc));
    *n = zm_bytes(&m, &bytes);
    free(doc);
    return bytes;
}

/* Tracked formatting changes hold the OLD properties; w:sym; an emoji that only the mc:Fallback
 * of a w16se choice has as text */
static void test_docx_changes_symbols(void **state)
{
    (void)state;
    const char body[] =
        "<w:p><w:r><w:t xml:space=\"preserve\">The budget was approved</w:t></w:r><w:r><w:rPr>"
        "<w:b/><w:rPrChange w:id=\"5\" w:author=\"R\"><w:rPr><w:vanish/></w:rPr></w:rPrChange>"
        "</w:rPr><w:t xml:space=\"preserve\"> by the Assembly</w:t></w:r><w:r><w:t>.</w:t>"
        "</w:r></w:p>"
        "<w:p><w:pPr><w:pPrChange w:id=\"6\" w:author=\"R\"><w:pPr><w:outlineLvl w:val=\"0\"/>"
        "</w:pPr></w:pPrChange></w:pPr><w:r><w:t>Once a heading.</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Price: 5</w:t></w:r><w:r><w:sym w:font=\"Symbol\" w:char=\"F0B1\"/>"
        "</w:r><w:r><w:t>1 at 20</w:t></w:r><w:r><w:sym w:font=\"Symbol\" w:char=\"F0B0\"/>"
        "</w:r><w:r><w:t>C, 3</w:t></w:r><w:r><w:sym w:font=\"Wingdings\" w:char=\"F06C\"/>"
        "</w:r><w:r><w:t>4 </w:t></w:r><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FC\"/>"
        "</w:r></w:p>"
        "<w:p><w:r><w:t xml:space=\"preserve\">Great job </w:t></w:r><w:r>"
        "<mc:AlternateContent><mc:Choice Requires=\"w16se\"><w16se:symEx "
        "w16se:font=\"Segoe UI Emoji\" w16se:char=\"1F600\"/></mc:Choice><mc:Fallback>"
        "<w:t>\xf0\x9f\x98\x80</w:t></mc:Fallback></mc:AlternateContent></w:r><w:r>"
        "<w:t xml:space=\"preserve\"> everyone.</w:t></w:r></w:p>";
    size_t nb;
    char *bytes = docx_of(body, &nb);
    paras p = {0};
    assert_int_equal(read_all("changes.docx", bytes, nb, NULL, &p), 0);
    assert_int_equal(p.n, 4);
    assert_string_equal(p.text[0], "The budget was approved by the Assembly.");
    assert_string_equal(p.text[1], "Once a heading.");
    assert_int_equal(p.v[1].kind, JISR_PARA_BODY);
    assert_string_equal(p.text[2], "Price: 5±1 at 20°C, 3 4 ✓");
    assert_string_equal(p.text[3], "Great job \xf0\x9f\x98\x80 everyone.");
    free(bytes);
    paras_free(&p);
}

/* Encrypted and damaged containers say what they are */
static void test_zip_encrypted(void **state)
{
    (void)state;
    paras p = {0};
    /* a password-protected DOCX is an OLE2 file */
    char ole[2048] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    assert_int_equal(read_all("secret.docx", ole, sizeof ole, NULL, &p), JISR_EUNSUPPORTED);
    assert_non_null(strstr(jisr_error_last()->msg, "encrypted (password-protected)"));
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.format = JISR_DOC_DOCX; /* whatever the name */
    assert_int_equal(read_all("secret.bin", ole, sizeof ole, &o, &p), JISR_EUNSUPPORTED);
    assert_non_null(strstr(jisr_error_last()->msg, "encrypted"));
    /* an ODT whose parts the office suite encrypted */
    const char manifest[] =
        "<?xml version=\"1.0\"?><manifest:manifest "
        "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">"
        "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\">"
        "<manifest:encryption-data manifest:checksum=\"x\"/></manifest:file-entry>"
        "</manifest:manifest>";
    zipmem m;
    zm_open(&m);
    zm_add(&m, "mimetype", "application/vnd.oasis.opendocument.text", 39);
    zm_add(&m, "META-INF/manifest.xml", manifest, sizeof manifest - 1);
    zm_add(&m, "content.xml", "\x93\x11garbage", 9);
    zm_add(&m, "styles.xml", "\x07\x88garbage", 9);
    char *bytes;
    size_t nb = zm_bytes(&m, &bytes);
    assert_int_equal(read_all("secret.odt", bytes, nb, NULL, &p), JISR_EUNSUPPORTED);
    assert_non_null(strstr(jisr_error_last()->msg, "encrypted (password-protected) OpenDocument"));
    free(bytes);
    /* a ZIP cut short; an empty file */
    FILE *f = fopen(D "report.en.docx", "rb");
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(read_all("cut.docx", buf, n / 2, NULL, &p), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "truncated or damaged ZIP archive"));
    assert_int_equal(read_all("empty.docx", "", 0, NULL, &p), JISR_EPARSE);
    assert_non_null(strstr(jisr_error_last()->msg, "an empty file"));
    paras_free(&p);
}

/* ODF hidden text (text:display="none" in a text or paragraph style), like DOCX's w:vanish */
static void test_odt_hidden(void **state)
{
    (void)state;
    const char *xml =
        "<office:document-content "
        "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:automatic-styles>"
        "<style:style style:name=\"H\" style:family=\"text\"><style:text-properties "
        "text:display=\"none\"/></style:style><style:style style:name=\"HP\" "
        "style:family=\"paragraph\"><style:text-properties text:display=\"none\"/></style:style>"
        "<style:style style:name=\"HP2\" style:family=\"paragraph\" "
        "style:parent-style-name=\"HP\"/><style:style style:name=\"V\" style:family=\"text\"/>"
        "</office:automatic-styles><office:body><office:text>"
        "<text:p>Visible <text:span text:style-name=\"H\">HIDDENSPAN </text:span>end.</text:p>"
        "<text:p text:style-name=\"HP\">HIDDEN PARAGRAPH.</text:p>"
        "<text:p text:style-name=\"HP2\">HIDDEN BY ITS PARENT.</text:p>"
        "<text:p>Shown <text:span text:style-name=\"V\">span</text:span>.</text:p>"
        "</office:text></office:body></office:document-content>";
    char *bytes;
    size_t nb = odt_bytes(xml, strlen(xml), &bytes);
    paras p = {0};
    assert_int_equal(read_all("hidden.odt", bytes, nb, NULL, &p), 0);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.text[0], "Visible end.");
    assert_string_equal(p.text[1], "Shown span.");
    free(bytes);
    paras_free(&p);
}

/* XLIFF as a document: a standalone code between two words is a space; an untranslated
 * target's state does not touch the source text */
static void test_xliff_doc_codes(void **state)
{
    (void)state;
    const char xlf[] =
        "<?xml version=\"1.0\"?><xliff version=\"1.2\" "
        "xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file source-language=\"en\" "
        "target-language=\"ar\" datatype=\"plaintext\" original=\"x\"><body>"
        "<trans-unit id=\"1\"><source>Press <g id=\"1\">bold</g> and<x id=\"2\"/>tab.</source>"
        "</trans-unit><trans-unit id=\"2\"><source>Line one<ph id=\"3\">&lt;br/&gt;</ph>Line "
        "two<x id=\"4\"/>.</source><target state=\"new\">Line one</target></trans-unit>"
        "<trans-unit id=\"3\"><source>word<bx id=\"5\"/>split<ex id=\"5\"/>word</source>"
        "</trans-unit></body></file></xliff>";
    paras p = {0};
    assert_int_equal(read_all("codes.xlf", xlf, sizeof xlf - 1, NULL, &p), 0);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.text[0], "Press bold and tab.");
    assert_string_equal(p.text[1], "Line one Line two.");
    assert_string_equal(p.text[2], "wordsplitword");
    paras_free(&p);
    /* XLIFF 2.0's <cp> of a control code (what XML cannot carry) reads as a code: a space */
    const char x20[] =
        "<?xml version=\"1.0\"?><xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" "
        "version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment>"
        "<source>Press<cp hex=\"0001\"/>Enter now.</source></segment></unit></file>"
        "</xliff>";
    assert_int_equal(read_all("cp.xlf", x20, sizeof x20 - 1, NULL, &p), 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.text[0], "Press Enter now.");
    paras_free(&p);
}

/* ---- pipes and FIFOs: read once, whole ---------------------------------------------------- */

/* Every paragraph of a document, as "kind|line|text\n" lines, into *out (malloc'd); the count in
 * *n. Returns the final code. */
static int digest(const char *path, unsigned flags, char **out, size_t *n)
{
    jisr_doc_opts o = JISR_DOC_OPTS_INIT;
    o.flags = flags;
    jisr_doc *d = NULL;
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    b[0] = '\0';
    *n = 0;
    int rc = jisr_doc_open(&d, path, &o);
    jisr_para p;
    while (rc == 0 && (rc = jisr_doc_next(d, &p)) > 0) {
        rc = 0;
        while (len + p.len + 64 > cap)
            assert_non_null(b = realloc(b, cap *= 2));
        len += (size_t)sprintf(b + len, "%s|%lu|%s\n", jisr_para_kind_name(p.kind), p.line, p.text);
        (*n)++;
    }
    jisr_doc_close(d);
    *out = b;
    return rc;
}

/* A child that writes data[0..n) to fd (or, fd < 0, opens fifo for writing first) and exits. */
static pid_t feed(int fd, const char *fifo, const void *data, size_t n)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        if (fd < 0 && (fd = open(fifo, O_WRONLY)) < 0)
            _exit(2);
        const char *p = data;
        while (n) {
            ssize_t w = write(fd, p, n);
            if (w <= 0)
                _exit(1);
            p += w;
            n -= (size_t)w;
        }
        _exit(0);
    }
    return pid;
}

static void *file_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *b = malloc(1 << 20);
    assert_non_null(b);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

/* The document in file (a regular file) read through a pipe (bash's <(cmd): /dev/fd/N) and
 * through a FIFO gives the same paragraphs as the file, all of them. Before, the doc layer
 * opened the path to sniff its format, closed it and opened it again: the pipe lost its first
 * 64 KiB (more than one sniffed block: a text's encoding is guessed from one), a small file came
 * out empty, and a FIFO hung in the second open (the writer gone). */
static void pipe_and_fifo(const char *file, unsigned flags)
{
    char *want, *got;
    size_t nwant, ngot, nbytes;
    assert_int_equal(digest(file, flags, &want, &nwant), 0);
    assert_true(nwant > 0);
    void *bytes = file_bytes(file, &nbytes);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = feed(fds[1], NULL, bytes, nbytes);
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    alarm(60); /* a reader that blocks fails the test rather than hanging it */
    assert_int_equal(digest(path, flags, &got, &ngot), 0);
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    assert_int_equal(ngot, nwant);
    assert_string_equal(got, want);
    free(got);

    char dir[] = "/tmp/jisr-docfifo.XXXXXX", fifo[128];
    assert_non_null(mkdtemp(dir));
    snprintf(fifo, sizeof fifo, "%s/doc", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid = feed(-1, fifo, bytes, nbytes);
    assert_int_equal(digest(fifo, flags, &got, &ngot), 0);
    alarm(0);
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* the writer wrote it all */
    assert_int_equal(ngot, nwant);
    assert_string_equal(got, want);
    unlink(fifo);
    rmdir(dir);
    free(got);
    free(want);
    free(bytes);
}

static void test_pipe_fifo(void **state)
{
    (void)state;
    /* plain text well over 64 KiB, Arabic (two-byte characters): the old restart fell mid-way */
    char dir[] = "/tmp/jisr-docpipe.XXXXXX", big[128];
    assert_non_null(mkdtemp(dir));
    snprintf(big, sizeof big, "%s/big.txt", dir);
    FILE *f = fopen(big, "w");
    assert_non_null(f);
    for (int i = 0; i < 3000; i++)
        fprintf(f, "الفقرة %d من النص.\nParagraph %d, second line.\n\n", i, i);
    fclose(f);
    pipe_and_fifo(big, 0);
    pipe_and_fifo(big, JISR_DOC_LINES);
    pipe_and_fifo(D "plain.ar.cp1256.txt", 0); /* a legacy encoding: converted whole */
    pipe_and_fifo(D "plain.ar.utf16le.txt", 0);
    pipe_and_fifo(D "report.en.html", 0);
    pipe_and_fifo(D "report.ar.docx", 0);
    pipe_and_fifo(D "report.en.odt", 0);
    pipe_and_fifo(D "report.en.xlf", 0);
    unlink(big);
    rmdir(dir);
}

/* jisr_doc_read_input: a whole input, once; its limit named; a directory refused */
static void test_read_input(void **state)
{
    (void)state;
    char *data = NULL;
    size_t n = 0, nb;
    void *bytes = file_bytes(D "report.ar.docx", &nb);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = feed(fds[1], NULL, bytes, nb);
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    assert_int_equal(jisr_doc_read_input(path, 0, &data, &n), 0);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    assert_int_equal(n, nb);
    assert_memory_equal(data, bytes, nb);
    free(data);

    assert_int_equal(pipe(fds), 0);
    pid = feed(fds[1], NULL, bytes, nb);
    close(fds[1]);
    assert_int_equal(jisr_doc_read_input(path, 1000, &data, &n), JISR_ETOOBIG);
    assert_null(data);
    assert_non_null(strstr(jisr_error_last()->msg, "1000 bytes"));
    assert_non_null(strstr(jisr_error_last()->msg, "a pipe"));
    assert_string_equal(jisr_error_last()->file, path);
    close(fds[0]);
    waitpid(pid, NULL, 0);

    assert_int_equal(jisr_doc_read_input(JISR_TEST_DATA, 0, &data, &n), JISR_EIO);
    assert_non_null(strstr(jisr_error_last()->msg, "directory"));
    assert_int_equal(jisr_doc_read_input("/nonexistent/x", 0, &data, &n), JISR_EIO);
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_html_subset),
        cmocka_unit_test(test_html_void),
        cmocka_unit_test(test_html_encodings),
        cmocka_unit_test(test_docx),
        cmocka_unit_test(test_odt),
        cmocka_unit_test(test_odt_docx_order),
        cmocka_unit_test(test_odt_spaces),
        cmocka_unit_test(test_xliff_doc),
        cmocka_unit_test(test_xliff_units),
        cmocka_unit_test(test_xliff_bad),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_cp1256_few),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_zip_bomb_entry),
        cmocka_unit_test(test_zip_many_entries),
        cmocka_unit_test(test_zip_nested),
        cmocka_unit_test(test_zip_malformed),
        cmocka_unit_test(test_docx_strict),
        cmocka_unit_test(test_zip_not_text),
        cmocka_unit_test(test_html_browser_markup),
        cmocka_unit_test(test_declared_encodings),
        cmocka_unit_test(test_docx_changes_symbols),
        cmocka_unit_test(test_zip_encrypted),
        cmocka_unit_test(test_odt_hidden),
        cmocka_unit_test(test_xliff_doc_codes),
        cmocka_unit_test(test_pipe_fifo),
        cmocka_unit_test(test_read_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
