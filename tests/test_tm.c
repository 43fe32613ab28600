/* test_tm.c — the translation memory: tokens and clitic keys, scores, store (schema, map growth,
 * dedupe, delete), placeables, concordance, and the index checked against --exhaustive on
 * memories built from tests/data/tm and (when present) ../shared/data. Real LMDB files in a
 * temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "test_scale.h"
#include "test_text_util.h"
#include "test_tm_dir.h"
#include "tm/tm.h"
#include "tm/tm_int.h"

static char g_dir[256];

static void make_dir(void)
{
    tmdir_make(g_dir, sizeof g_dir, "tm");
}

static jisr_tm *open_w(size_t mapsize)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE;
    o.initial_mapsize = mapsize;
    int rc = jisr_tm_open(&tm, g_dir, &o);
    if (rc < 0)
        fprintf(stderr, "open: %s\n", jisr_error_last()->msg);
    assert_int_equal(rc, 0);
    return tm;
}

/* a new memory in a new directory (map of mapsize bytes, 0: the default) and an import begun on
 * it in batches of batch_units */
static jisr_tm_import *fresh_import(jisr_tm **tm, size_t mapsize, size_t batch_units)
{
    make_dir();
    *tm = open_w(mapsize);
    jisr_tm_import *imp;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = batch_units;
    assert_int_equal(jisr_tm_import_begin(*tm, &io, &imp), 0);
    return imp;
}

static uint64_t key_of(const char *w)
{
    tm_toks t = {0};
    assert_int_equal(tm_tokenize(w, strlen(w), &t), 0);
    assert_int_equal(t.n, 1);
    uint64_t k = t.v[0].hk;
    tm_toks_free(&t);
    return k;
}

static void test_tokens(void **state)
{
    (void)state;
    tm_toks t = {0};
    const char *s = "In 2015, ١٢٫٥% of \xee\x80\x80UN\xee\x80\x81 staff didn't 1,234.5 ok.";
    assert_int_equal(tm_tokenize(s, strlen(s), &t), 0);
    const uint32_t kinds[] = {TM_WORD, TM_NUMBER, TM_PUNCT, TM_NUMBER, TM_PUNCT,
                              TM_WORD, TM_TAG,    TM_WORD,  TM_TAG,    TM_WORD,
                              TM_WORD, TM_NUMBER, TM_WORD,  TM_PUNCT};
    assert_int_equal(t.n, sizeof kinds / sizeof kinds[0]);
    for (size_t i = 0; i < t.n; i++)
        assert_int_equal(t.v[i].kind, kinds[i]);
    assert_memory_equal(s + t.v[3].start, "١٢٫٥", t.v[3].end - t.v[3].start);
    assert_int_equal(t.v[10].end - t.v[10].start, strlen("didn't"));
    assert_int_equal(t.nwords, 6);
    /* 9 words/numbers, 3 punctuation marks; the 2 tags weigh nothing */
    assert_int_equal(t.w100, 9 * 100 + 3 * 20);
    assert_int_equal(t.nlight, 3);
    assert_int_equal(t.ntags, 2);
    tm_toks_free(&t);
}

static int score(const char *a, const char *b);

/* Format codes (tm_code_len): one NUMBER token each, its surface its normal form; what is not
 * one stays punctuation and words as before */
static void test_format_codes(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len; /* of the code at s[0], 0: none */
    } cases[] = {
        {"%s", 2},        {"%d files", 2},  {"%lu", 3},      {"%llu.", 4}, {"%-.*s'", 5},
        {"%5.2f%%", 5},   {"%1$s of", 4},   {"%12$d", 5},    {"%'d", 3},   {"%#x", 3},
        {"%+05d", 5},     {"%(name)s", 8},  {"%(n_2)d!", 7}, {"%Y-%m", 2}, {"%-e", 3},
        {"%1", 2},        {"%99 items", 3}, {"%@", 2},       {"%*d", 3},   {"%*2$d", 5},
        {"%S", 2},        {"%s's", 2},      {"% d", 0},      {"%", 0},     {"%%", 0},
        {"%off", 2},      {"%hello", 3},    {"%100", 0},     {"%0", 0},    {"%.", 0},
        {"%()s", 0},      {"%(name", 0},    {"%1.", 0},      {"%hhhd", 0}, {"%5", 2},
        {"%10", 3},       {"%1a", 3},       {"%-", 0},       {"%l:%M", 2}, {"%h", 2},
        {"%-l", 3},       {"%hh:", 3},      {"%Id", 3},      {"%I", 2},    {"%$s", 0},
        {"%\xd9\xa1", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got = tm_code_len(cases[i].s, strlen(cases[i].s), 0);
        if (got != cases[i].len)
            fprintf(stderr, "tm_code_len(\"%s\") = %zu, not %zu\n", cases[i].s, got, cases[i].len);
        assert_int_equal(got, cases[i].len);
    }
    /* placeholders in braces (and "%{…}", "${…}"); not an ICU plural, "{ a }", "{{" alone */
    static const struct {
        const char *s;
        size_t len;
    } braces[] = {
        {"{0}", 3},
        {"{12} files", 4},
        {"{}", 2},
        {"{name}", 6},
        {"{user.name}!", 11},
        {"{0:N2}", 6},
        {"{1,number}", 10},
        {"{:.2f}", 6},
        {"{0!r}", 5},
        {"{{count}}", 9},
        {"{{ user.name }}", 15},
        {"%{count}", 8},
        {"${name}", 7},
        {"${{x}}", 6},
        {"{ a }", 0},
        {"{{", 0},
        {"{{}}", 0},
        {"{a b}", 0},
        {"{n, plural, one {#}}", 0},
        {"{name", 0},
        {"{{name}", 0},
        {"$name", 0},
        {"{\xd8\xa7}", 0},
        {"{0,\n}", 0},
        {"{0:\xc3\xa9}", 0},
        {"%{}", 3},
        {"$", 0},
        {"{", 0},
    };
    for (size_t i = 0; i < sizeof braces / sizeof braces[0]; i++) {
        size_t got = tm_code_len(braces[i].s, strlen(braces[i].s), 0);
        if (got != braces[i].len)
            fprintf(stderr, "tm_code_len(\"%s\") = %zu, not %zu\n", braces[i].s, got,
                    braces[i].len);
        assert_int_equal(got, braces[i].len);
    }
    /* a code runs at most TM_CODE_MAX bytes */
    char big[64] = "%";
    memset(big + 1, '-', 40);
    big[41] = 's';
    assert_int_equal(tm_code_len(big, 42, 0), 0);
    assert_int_equal(tm_code_len("%s", 1, 0), 0); /* the text ends at '%' */

    tm_toks t = {0};
    const char *s = "Copied %dx%d of %1$s file%s (50% off, %S) 100%%";
    assert_int_equal(tm_tokenize(s, strlen(s), &t), 0);
    const char *surf[] = {"Copied", "%d", "x",   "%d", "of", "%1$s", "file", "%s", "(",
                          "50",     "%",  "off", ",",  "%S", ")",    "100",  "%",  "%"};
    assert_int_equal(t.n, sizeof surf / sizeof surf[0]);
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(t.v[i].end - t.v[i].start, strlen(surf[i]));
        assert_memory_equal(s + t.v[i].start, surf[i], strlen(surf[i]));
        int code = surf[i][0] == '%' && surf[i][1];
        assert_int_equal(t.v[i].code, code);
        if (code) {
            assert_int_equal(t.v[i].kind, TM_NUMBER);
            assert_int_equal(t.v[i].nl, strlen(surf[i])); /* "%S" keeps its case */
            assert_memory_equal(t.nb.data + t.v[i].no, surf[i], strlen(surf[i]));
        }
    }
    /* heavy: 5 words and 2 numbers and 5 codes; light: ( % , ) % % */
    assert_int_equal(t.nheavy, 12);
    assert_int_equal(t.nlight, 6);
    tm_toks_free(&t);
    /* a code and a number, two codes: the costs of §1 */
    assert_int_equal(score("Delete %s files", "Delete %d files"),
                     score("Delete 5 files", "Delete 6 files"));
    assert_true(score("Delete %s files", "Delete 5 files") <
                score("Delete %s files", "Delete %d files"));
    assert_true(score("Delete %S files", "Delete %s files") < 100);
    /* a placeholder in braces is one code: "{name}" / "{user}" as "%s" / "%d" */
    assert_int_equal(score("Hello {name}, welcome", "Hello {user}, welcome"),
                     score("Hello %s, welcome", "Hello %d, welcome"));
    const char *b = "Move {0} to {{dest}}, {n, plural, one {#}} ${x} {1, number}";
    assert_int_equal(tm_tokenize(b, strlen(b), &t), 0);
    const char *bsurf[] = {"Move", "{0}", "to",     "{{dest}}", ",",          "{",
                           "n",    ",",   "plural", ",",        "one",        "{",
                           "#",    "}",   "}",      "${x}",     "{1, number}"};
    assert_int_equal(t.n, sizeof bsurf / sizeof bsurf[0]);
    for (size_t i = 0; i < t.n; i++) {
        assert_memory_equal(b + t.v[i].start, bsurf[i], strlen(bsurf[i]));
        assert_int_equal(t.v[i].code, bsurf[i][1] != 0 && strchr("{$", bsurf[i][0]) != NULL);
    }
    tm_toks_free(&t);
}

/* the normal form of the only token of s, and its kind */
static void one_tok(const char *s, const char *norm, uint32_t kind)
{
    tm_toks t = {0};
    assert_int_equal(tm_tokenize(s, strlen(s), &t), 0);
    if (t.n != 1)
        fprintf(stderr, "%zu tokens for: %s\n", t.n, s);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.v[0].kind, kind);
    assert_int_equal(t.v[0].nl, strlen(norm));
    assert_memory_equal(t.nb.data + t.v[0].no, norm, strlen(norm));
    assert_int_equal(t.v[0].start, 0);
    assert_int_equal(t.v[0].end, strlen(s));
    tm_toks_free(&t);
}

static uint64_t norm_hash(const char *s, size_t k)
{
    tm_toks t = {0};
    assert_int_equal(tm_tokenize(s, strlen(s), &t), 0);
    assert_true(k < t.n);
    uint64_t h = t.v[k].hn;
    tm_toks_free(&t);
    return h;
}

/* Matching folds what only typography or an accelerator marker tells apart (issue 12 §5); the
 * surface keeps the difference (a near-match, never 100). */
static void test_typography(void **state)
{
    (void)state;
    one_tok("Don\xe2\x80\x99t", "don't", TM_WORD); /* ’ as an apostrophe */
    one_tok("don't", "don't", TM_WORD);
    one_tok("10×11", "10x11", TM_WORD);
    one_tok("10x11", "10x11", TM_WORD);
    one_tok("_Open", "open", TM_WORD); /* GTK mnemonic */
    one_tok("Con_nect", "connect", TM_WORD);
    one_tok("&File", "file", TM_WORD); /* Qt/Windows mnemonic */
    one_tok("...", "...", TM_PUNCT);   /* a run of dots */
    one_tok("..", "...", TM_PUNCT);
    one_tok("\xe2\x80\xa6", "...", TM_PUNCT); /* … */
    one_tok("\xe2\x80\x94", "-", TM_PUNCT);   /* — */
    one_tok("\xe2\x80\x9c", "\"", TM_PUNCT);  /* “ */
    one_tok("\xc2\xab", "\"", TM_PUNCT);      /* « */
    one_tok("_", "_", TM_PUNCT);              /* no letter follows: punctuation */
    one_tok("&", "&", TM_PUNCT);
    /* "Food & Drink": a spaced ampersand stays a token of its own */
    tm_toks t = {0};
    assert_int_equal(tm_tokenize("Food & Drink", 12, &t), 0);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.v[1].kind, TM_PUNCT);
    /* "Save..." is a word and one punctuation token */
    assert_int_equal(tm_tokenize("Save...", 7, &t), 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.nlight, 1);
    tm_toks_free(&t);
    /* same normal form, different surface */
    assert_true(norm_hash("_Open", 0) == norm_hash("Open", 0));
    assert_true(norm_hash("Page Set_up", 1) == norm_hash("Page Setup", 1));
    assert_true(norm_hash("It\xe2\x80\x99s", 0) == norm_hash("it's", 0));
    int sa = score("Don\xe2\x80\x99t save", "Don't save");
    assert_true(sa >= 97 && sa < 100);
    int s1 = score("_Open", "Open");
    assert_true(s1 >= 97 && s1 < 100);
    int se = score("Save\xe2\x80\xa6", "Save...");
    assert_true(se >= 97 && se < 100);
    /* tags do not count as words */
    int st = score("Click \xee\x80\x80here\xee\x80\x81 now", "Click here now");
    assert_true(st >= 97 && st < 100);
}

/* The one-pass tokenizer against the reference (normalising token by token): identical tokens,
 * hashes and weights on every text of the fixtures (and of ../shared when present) and on random
 * strings over the code points where the two could part: case, harakat and the ones that compose
 * (U+0653–U+0655), alef/ya/ta-marbuta variants, tatweel, Arabic digits and separators,
 * apostrophes, format characters, tags, compatibility forms, CJK and invalid UTF-8. */
/* Tags between two letters (tm_toks_glue): a <bpt>, <ept> or <it> is inside the word, which
 * reads as the word without it (normal form, key and surface); a <ph>, a tag next to a space or
 * a digit, or any tag the caller did not name, parts the letters as before. */
static void glue_tags(tm_toks *t)
{
    static const char *tags[] = {"<bpt i=\"1\">&lt;b&gt;</bpt>",
                                 "<ept i=\"1\">&lt;/b&gt;</ept>",
                                 "<ph x=\"1\">&lt;br/&gt;</ph>",
                                 "<it pos=\"end\">&lt;/i&gt;</it>",
                                 "<bptx>",
                                 "<ph>",
                                 NULL, /* (U+E006 named no tag) */
                                 "<ph>&lt;w:softHyphen/&gt;</ph>",
                                 "<it pos=\"begin\">&lt;br2&gt;</it>"};
    assert_int_equal(tm_toks_glue_cstr(t, (char *const *)tags, 9), 0);
}

/* tm_tag_glues keeps its answers per thread (the markups seen last, each whole): the answer for a
 * markup is the one its markup gives (tm_tag_glues_read), whatever was asked before — markups of
 * one length that differ in a byte, cut short, more of them than it keeps, and those it does not
 * keep (under 8 bytes, over its key), asked in turn and again. */
static void test_tag_glues_kept(void **state)
{
    (void)state;
    enum { N = 600 };
    char *m[N];
    int want[N];
    /* by i/x number, one length for ten numbers: a <bpt> (joins), a <ph> line break (parts), a
     * <ph> soft hyphen (joins), an <ept> holding a line break (parts), an <ept> (joins), an image
     * (parts); from 480 on, a line break in a <ph> of 200 bytes and more (parts) */
    static const char *const fmt[] = {
        "<bpt i=\"%d\">&lt;b&gt;</bpt>",           "<ph x=\"%d\">&lt;br/&gt;</ph>",
        "<ph x=\"%d\">&lt;w:softHyphen/&gt;</ph>", "<ept i=\"%d\">&lt;br/&gt;</ept>",
        "<ept i=\"%d\">&lt;/b&gt;</ept>",          "<ph x=\"%d\">&lt;img src=\"a.png\"/&gt;</ph>"};
    static const int glues[] = {1, 0, 1, 0, 1, 0};
    for (int k = 0; k < N; k++) {
        char b[300];
        if (k < 480)
            snprintf(b, sizeof b, fmt[k % 6], k / 6 % 10);
        else
            snprintf(b, sizeof b, "<ph x=\"%d\"%*s>&lt;br/&gt;</ph>", k, 180, "");
        assert_non_null(m[k] = strdup(b));
        want[k] = k < 480 ? glues[k % 6] : 0;
    }
    static const char *const short_m[] = {"<ph/>", "<bpt>", "<it>", "<it>&#xAD;</it>"};
    uint64_t r = 7;
    for (int round = 0; round < 20000; round++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        size_t k = round % 3 == 0 ? (size_t)(round / 3 % 12) : (size_t)(r % N);
        size_t l = strlen(m[k]);
        assert_int_equal(tm_tag_glues(m[k], l), want[k]);
        /* the same markup cut short, or with a byte changed: read as itself */
        size_t cut = l - 1 - (size_t)(r >> 20) % 12;
        assert_int_equal(tm_tag_glues(m[k], cut), tm_tag_glues_read(m[k], cut));
        char *c = strdup(m[k]);
        assert_non_null(c);
        c[(r >> 32) % l] ^= (char)(1 + (r >> 40) % 31);
        assert_int_equal(tm_tag_glues(c, l), tm_tag_glues_read(c, l));
        assert_int_equal(tm_tag_glues(m[k], l), want[k]);
        free(c);
        const char *s = short_m[k % 4];
        assert_int_equal(tm_tag_glues(s, strlen(s)), tm_tag_glues_read(s, strlen(s)));
    }
    for (int k = 0; k < N; k++)
        free(m[k]);
}

static size_t kinds_of(tm_toks *t, const char *s, int glue, uint32_t *kinds)
{
    if (glue)
        glue_tags(t);
    assert_int_equal(tm_tokenize(s, strlen(s), t), 0);
    for (size_t k = 0; k < t->n; k++)
        kinds[k] = t->v[k].kind;
    return t->n;
}

static void test_tok_glue(void **state)
{
    (void)state;
#define G0 "\xee\x80\x80" /* U+E000, a <bpt> */
#define G1 "\xee\x80\x81" /* an <ept> */
#define G2 "\xee\x80\x82" /* a <ph> */
#define G3 "\xee\x80\x83" /* an <it> */
#define G4 "\xee\x80\x84" /* "<bptx>": no <bpt> */
#define G6 "\xee\x80\x86" /* no such tag */
    tm_toks t = {0}, p = {0};
    uint32_t k[16];
    /* "Choose <b>S</b>ave": a tag, then one word whose forms are those of "Save" */
    assert_int_equal(kinds_of(&t, "Choose " G0 "S" G1 "ave", 1, k), 3);
    assert_int_equal(k[1], TM_TAG);
    assert_int_equal(k[2], TM_WORD);
    assert_int_equal(tm_tokenize(" Save", 5, &p), 0);
    assert_true(t.v[2].hs == p.v[0].hs && t.v[2].hn == p.v[0].hn && t.v[2].hk == p.v[0].hk);
    assert_int_equal(t.v[2].end - t.v[2].start, 7); /* its span holds the tag */
    assert_int_equal(t.nwords, 2);
    /* the same text, the tags not named: three tokens for "S", the tag and "ave" */
    assert_int_equal(kinds_of(&t, "Choose " G0 "S" G1 "ave", 0, k), 5);
    /* a <ph> between letters, and every other place, parts them */
    assert_int_equal(kinds_of(&t, "line" G2 "second", 1, k), 3);
    assert_int_equal(k[1], TM_TAG);
    assert_int_equal(kinds_of(&t, "S" G1 " ave", 1, k), 3);
    assert_int_equal(kinds_of(&t, "12" G0 "34", 1, k), 3);
    assert_int_equal(kinds_of(&t, "ab" G0 "34", 1, k), 3);
    assert_int_equal(kinds_of(&t, "ab" G4 "cd", 1, k), 3);
    assert_int_equal(kinds_of(&t, "ab" G6 "cd", 1, k), 3);
    /* a <ph> holding a soft hyphen is inside the word; an <it> holding a line break (OmegaT's
     * <br2>) parts it (tokenizer version 7, jisr_tag_break) */
    assert_int_equal(kinds_of(&t,
                              "Soft"
                              "\xee\x80\x87"
                              "ware",
                              1, k),
                     1);
    assert_int_equal(tm_tokenize("Software", 8, &p), 0);
    assert_true(t.v[0].hs == p.v[0].hs && t.v[0].hk == p.v[0].hk);
    assert_int_equal(kinds_of(&t,
                              "line"
                              "\xee\x80\x88"
                              "next",
                              1, k),
                     3);
    assert_int_equal(k[1], TM_TAG);
    /* an <it>, and a run of tags, inside a word; Arabic with its proclitic */
    assert_int_equal(kinds_of(&t, "fi" G3 G0 "le", 1, k), 1);
    assert_int_equal(tm_tokenize("file", 4, &p), 0);
    assert_true(t.v[0].hs == p.v[0].hs && t.v[0].hk == p.v[0].hk);
    assert_int_equal(kinds_of(&t, "و" G0 "سياسة", 1, k), 1);
    assert_int_equal(tm_tokenize("وسياسة", strlen("وسياسة"), &p), 0);
    assert_true(t.v[0].hs == p.v[0].hs && t.v[0].hk == p.v[0].hk);
    /* an accelerator marker and a tag in one word: the marker stays in the surface only */
    assert_int_equal(kinds_of(&t, "S" G1 "a_ve", 1, k), 1);
    assert_int_equal(tm_tokenize("Sa_ve", 5, &p), 0);
    assert_true(t.v[0].hs == p.v[0].hs && t.v[0].hn == p.v[0].hn);
    /* a run that is a number glued to affixes once its tags are out keeps its tags as
     * boundaries: the number glued to its proclitic after the tag stays a number (tokenizer 5's
     * tokens), and so do a unit's and an ordinal's; a code word is one word */
    static const char *const numeric[] = {"و" G0 "الـ2015", "5k" G0 "g", "1s" G1 "t"};
    for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++) {
        uint32_t k0[16];
        size_t n0 = kinds_of(&p, numeric[i], 0, k0);
        assert_int_equal(kinds_of(&t, numeric[i], 1, k), n0);
        assert_memory_equal(k, k0, n0 * sizeof *k);
        for (size_t j = 0; j < n0; j++)
            assert_true(t.v[j].hs == p.v[j].hs && t.v[j].hn == p.v[j].hn);
    }
    assert_int_equal(kinds_of(&t, "و" G0 "الـ2015", 1, k), 4);
    assert_int_equal(k[3], TM_NUMBER);
    assert_int_equal(kinds_of(&t, "A" G0 "B" G1 "C1x2", 1, k), 1);
    assert_int_equal(tm_tokenize("ABC1x2", 6, &p), 0);
    assert_true(t.v[0].hs == p.v[0].hs && t.v[0].hk == p.v[0].hk);
    /* a format character between the tag and the next letter (ZWNJ, a soft hyphen) */
    assert_int_equal(kinds_of(&t,
                              "e" G3 "\u200c"
                              "f g" G3 "\u00ad" G3 "h",
                              1, k),
                     2);
    /* the glue is forgotten after each text */
    assert_int_equal(t.nglue, 0);
    assert_int_equal(kinds_of(&t, "S" G1 "ave", 0, k), 3);
    tm_toks_free(&t);
    tm_toks_free(&p);
#undef G0
#undef G1
#undef G2
#undef G3
#undef G4
#undef G6
}

static size_t g_fused_done, g_fused_texts;

/* same_toks' flags (never TM_TOKS_ ones): SAME_GLUE, tag U+E000 joins letters (a <bpt>), U+E001
 * does not (a <ph>), as tm_toks_glue names them; SAME_GLUE_ALL, the nine tags of glue_tags */
#define SAME_GLUE 0x80000000u
#define SAME_GLUE_ALL 0x40000000u

static void glue_first(tm_toks *t)
{
    static const char b[] = "<bpt i=\"1\">b</bpt>", ph[] = "<ph>x</ph>";
    tm_str m[2] = {{b, sizeof b - 1}, {ph, sizeof ph - 1}};
    assert_int_equal(tm_toks_glue(t, m, 2), 0);
    assert_int_equal(t->nglue, 1);
}

/* a (one-pass) and b (reference) hold the same tokens of s[0..n): spans, kinds, affixes, hashes,
 * normal forms, keys, signatures and weights */
static void same_fields(const tm_toks *a, const tm_toks *b, const char *s, size_t n)
{
    if (a->n != b->n)
        fprintf(stderr, "token counts differ (%zu vs %zu) on: %.*s\n", a->n, b->n, (int)n, s);
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->nwords, b->nwords);
    assert_int_equal(a->nheavy, b->nheavy);
    assert_int_equal(a->nlight, b->nlight);
    assert_int_equal(a->ntags, b->ntags);
    assert_int_equal(a->w100, b->w100);
    for (size_t i = 0; i < a->n; i++) {
        const tm_tok *x = &a->v[i], *y = &b->v[i];
        if (x->hn != y->hn || x->hk != y->hk || x->hs != y->hs)
            fprintf(stderr, "token %zu differs on: %.*s\n", i, (int)n, s);
        assert_int_equal(x->start, y->start);
        assert_int_equal(x->end, y->end);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->code, y->code);
        assert_int_equal(x->affix, y->affix);
        assert_true(x->hs == y->hs);
        assert_true(x->hn == y->hn);
        assert_true(x->hk == y->hk);
        assert_int_equal(x->nl, y->nl);
        if (x->nl)
            assert_memory_equal(a->nb.data + x->no, b->nb.data + y->no, x->nl);
        assert_int_equal(x->kl, y->kl);
        if (x->kl)
            assert_memory_equal(x->kp, y->kp, x->kl);
        assert_int_equal(x->sp, y->sp);
        assert_int_equal(x->ss, y->ss);
    }
}

static void same_glue(tm_toks *t, unsigned flags)
{
    if (flags & SAME_GLUE)
        glue_first(t);
    else if (flags & SAME_GLUE_ALL)
        glue_tags(t);
}

/* tm_tokenize_fused's answer (1: it read s) */
static int same_toks(const char *s, size_t n, unsigned flags)
{
    tm_toks a = {0}, b = {0};
    unsigned glue = flags & (SAME_GLUE | SAME_GLUE_ALL);
    flags &= ~(SAME_GLUE | SAME_GLUE_ALL);
    a.flags = b.flags = flags;
    same_glue(&a, glue);
    same_glue(&b, glue);
    int rc = tm_tokenize_fused(s, n, &a);
    assert_true(rc >= 0);
    g_fused_texts++;
    if (rc == 1) {
        g_fused_done++;
        assert_int_equal(tm_tokenize_ref(s, n, &b), 0);
        same_fields(&a, &b, s, n);
    }
    /* and tm_tokenize itself gives the reference's result, whichever path it takes (and
     * forgets the glue: the next text names its own) */
    same_glue(&a, glue);
    assert_int_equal(tm_tokenize(s, n, &a), 0);
    assert_int_equal(a.nglue, 0);
    same_glue(&b, glue);
    assert_int_equal(tm_tokenize_ref(s, n, &b), 0);
    same_fields(&a, &b, s, n);
    tm_toks_free(&a);
    tm_toks_free(&b);
    return rc;
}

static void same_toks_file(const char *path, size_t max_lines)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[65536];
    for (size_t k = 0; k < max_lines && fgets(line, sizeof line, f); k++) {
        size_t n = strcspn(line, "\n");
        for (char *p = line, *e = line + n; p < e;) { /* each tab-separated field */
            char *t = memchr(p, '\t', (size_t)(e - p));
            size_t len = t ? (size_t)(t - p) : (size_t)(e - p);
            same_toks(p, len, 0);
            same_toks(p, len, TM_TOKS_NO_SURFACE);
            p += len + 1;
        }
    }
    fclose(f);
}

static void test_tokenize_paths(void **state)
{
    (void)state;
    g_fused_done = g_fused_texts = 0;
    same_toks_file(JISR_TEST_DATA "/tm/ar-en.tsv", 100000);
    /* nearly every ordinary text takes the one-pass path */
    assert_true(g_fused_texts >= 1000);
    assert_true(g_fused_done * 100 >= g_fused_texts * 95);
    same_toks_file(JISR_TEST_DATA "/text/normalize_cases.tsv", 100000);
    same_toks_file(JISR_TEST_DATA "/text/tokenize_cases.tsv", 100000);
    const char *sd = getenv("JISR_SHARED_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/un-ar-en/UNv1.0.testset.ar", sd ? sd : JISR_SHARED_DATA);
    same_toks_file(path, 4000);
    snprintf(path, sizeof path, "%s/un-ar-en/UNv1.0.testset.en", sd ? sd : JISR_SHARED_DATA);
    same_toks_file(path, 4000);
    static const char *const alpha[] = {"a",
                                        "Z",
                                        "k",
                                        "I",
                                        "9",
                                        "0",
                                        " ",
                                        "  ",
                                        ".",
                                        ",",
                                        "'",
                                        "\xe2\x80\x99",
                                        "-",
                                        "!",
                                        "(",
                                        "\t",
                                        "\n",
                                        "\xd8\xa7",
                                        "\xd8\xa3",
                                        "\xd8\xa5",
                                        "\xd8\xa2",
                                        "\xd9\xb1",
                                        "\xd9\x89",
                                        "\xd9\x8a",
                                        "\xd8\xa9",
                                        "\xd9\x87",
                                        "\xd9\x80",
                                        "\xd9\x8e",
                                        "\xd9\x8f",
                                        "\xd9\x90",
                                        "\xd9\x91",
                                        "\xd9\x92",
                                        "\xd9\x93",
                                        "\xd9\x94",
                                        "\xd9\x95",
                                        "\xd9\xb0",
                                        "\xd9\x88",
                                        "\xd9\x84",
                                        "\xd8\xa8",
                                        "\xd9\x83",
                                        "\xd9\x81",
                                        "\xd9\xa1",
                                        "\xd9\xa5",
                                        "\xd9\xab",
                                        "\xd9\xac",
                                        "\xdb\xb4",
                                        "\xd8\x8c",
                                        "\xd8\x9f",
                                        "\xe2\x80\x8d",
                                        "\xe2\x80\x8c",
                                        "\xe2\x80\x8f",
                                        "\xc2\xad",
                                        "\xee\x80\x80",
                                        "\xee\x80\x81",
                                        "\xc3\xa9",
                                        "\xc3\x89",
                                        "\xc3\x9f",
                                        "\xc4\xb0",
                                        "\xcc\x81",
                                        "\xe2\x80\x9c",
                                        "\xe2\x80\x94",
                                        "\xef\xbc\xa1",
                                        "\xef\xbb\xbb",
                                        "\xef\xac\x81",
                                        "\xe4\xb8\xad",
                                        "\xf0\x9f\x98\x80",
                                        "\xc2\xa0",
                                        "\xff",
                                        "\x80",
                                        "\xd9",
                                        "\xe2\x80",
                                        "\xed\xa0\x80",
                                        "\xc0\xaf",
                                        "_",
                                        "&",
                                        "\xc3\x97",
                                        "\xe2\x80\xa6",
                                        "\xe2\x80\x93",
                                        "..",
                                        "%",
                                        "%s",
                                        "%1$",
                                        "%(",
                                        ")",
                                        "*",
                                        "l",
                                        "$",
                                        "{",
                                        "}",
                                        "{0}",
                                        "{{n}}",
                                        ":"};
    const size_t na = sizeof alpha / sizeof alpha[0];
    uint64_t x = 0x243F6A8885A308D3ULL;
    char buf[512];
    size_t before = g_fused_done;
    for (int k = 0; k < 40000; k++) {
        size_t n = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int len = (int)(x % 24) + 1;
        for (int i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly Arabic and Latin letters, now and then anything */
            size_t pick = (x >> 8) % 8 < 6 ? (x >> 16) % 48 : (x >> 16) % na;
            size_t l = strlen(alpha[pick]);
            memcpy(buf + n, alpha[pick], l);
            n += l;
        }
        same_toks(buf, n, (k % 2 ? TM_TOKS_NO_SURFACE : 0) | (k % 3 ? 0 : SAME_GLUE));
    }
    fprintf(stderr, "one-pass tokenizer: %zu of %zu texts (%zu of 40000 random strings)\n",
            g_fused_done, g_fused_texts, g_fused_done - before);
    /* the random strings exercise the one-pass path too, not only the fallback */
    assert_true(g_fused_done - before > 10000);
}

/* 1 to 16 pieces of alpha drawn by the xorshift x, into buf (16 times the longest piece of
 * room): the length */
static size_t random_text(uint64_t *x, const char *const *alpha, size_t na, char *buf)
{
    size_t len = 0;
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    int parts = (int)(*x % 16) + 1;
    for (int i = 0; i < parts; i++) {
        *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
        const char *p = alpha[(*x >> 16) % na];
        memcpy(buf + len, p, strlen(p));
        len += strlen(p);
    }
    return len;
}

/* Each of texts tokenized by the one-pass tokenizer and the reference, with and without
 * surfaces and with glue_tags' tags: the same fields when read in one pass (and, with same_all,
 * same_toks's checks too); how many were not read in one pass (printed). */
static size_t one_pass_texts(const char *const *texts, size_t n, tm_toks *a, tm_toks *b,
                             int same_all)
{
    size_t not_one_pass = 0;
    for (size_t k = 0; k < n; k++)
        for (unsigned f = 0; f < 2; f++) {
            const char *s = texts[k];
            a->flags = b->flags = f ? TM_TOKS_NO_SURFACE : 0;
            glue_tags(a);
            glue_tags(b);
            int rc = tm_tokenize_fused(s, strlen(s), a);
            assert_true(rc >= 0);
            assert_int_equal(tm_tokenize_ref(s, strlen(s), b), 0);
            if (rc == 1)
                same_fields(a, b, s, strlen(s));
            else if (!f)
                fprintf(stderr, "not read in one pass: %s\n", s), not_one_pass++;
            if (same_all)
                same_toks(s, strlen(s), (f ? TM_TOKS_NO_SURFACE : 0) | SAME_GLUE_ALL);
        }
    return not_one_pass;
}
/* Words with tags inside are read by the one-pass tokenizer (session 37; until then every text
 * with a joining tag between two letters went to tm_tokenize_ref), with exactly the reference's
 * tokens: the kinds of bench_match's tagged profile (a <bpt>/<ept> pair around a word, an OmegaT
 * accelerator pair at a word's start, middle or end, an image <ph>, a <ph> line break, a <ph> soft
 * hyphen), Arabic and English, proclitics, numbers glued to affixes once the tags are out (read
 * again with the tags as boundaries), tags between digits, accelerator markers, format
 * characters, nested and adjacent tags; then random words with tags inside. */
static void test_tok_glue_one_pass(void **state)
{
    (void)state;
#define B "\xee\x80\x80"  /* <bpt>: joins */
#define E "\xee\x80\x81"  /* <ept>: joins */
#define P "\xee\x80\x82"  /* <ph> line break: parts */
#define I "\xee\x80\x83"  /* <it>: joins */
#define X "\xee\x80\x84"  /* "<bptx>": parts */
#define U "\xee\x80\x86"  /* no tag named: parts */
#define SH "\xee\x80\x87" /* <ph> soft hyphen: joins */
#define BR "\xee\x80\x88" /* <it> line break: parts */
    static const char *const texts[] = {
        "Choose " B "S" E "ave", /* an accelerator at the word's start */
        "Sa" B "v" E "e the file",
        "Sav" B "e" E " now", /* at its end */
        B "Save" E " all " B "files" E ".",
        "Click " B "here" E "to open",
        "Soft" SH "ware update",
        "Docu" SH "men" SH "tation and " B "con" E "figu" SH "ration",
        "line" P "second line",
        "line" BR "next",
        "ab" X "cd " U "ef" U "gh",
        "fi" I B "le",                /* adjacent tags */
        "a" B B "b" E E "c",          /* nested */
        "a" B I E "b" SH "c" E,       /* a run of kinds, a tag at the end */
        "a" B P "b",                  /* a run with one that parts */
        "e" I "f g" I I "h" B SH "i", /* (format characters: test_tok_format_one_pass) */
        "Op" B "_en",                 /* a tag before a marker parts */
        "S" E "a_ve",                 /* a marker and a tag in one word */
        "_S" B "ave &Open " B "F" E "i&le",
        "don" B "'" E "t " B "it" E "'s " B "o" E "'cl" B "o" E "ck",
        "12" B "34 1" B "5" E "0 items", /* tags between digits */
        "x" B "86 ab" B "c3 3a" B "b",
        "5k" B "g", /* numbers glued to affixes once the tags are out */
        "1s" E "t place, 2" B "nd, 7407t" B "h",
        "3k" B "m and ab" B "5k" E "g",
        "A" B "B" E "C1x2",
        "و" B "سياسة" E " الخصوصية", /* Arabic: proclitics, accelerators, tatweel */
        "ب" B "ال" E "ملف والـ" SH "كتاب",
        "ا" B "ح" E "فظ الملف " B "و" E "الـ2015",
        "و" B "الـ2015 ولـ" B "2016 بـ" B "5",
        "كتاب" B "ـ" E "ين لل" B "عام ١٩٣" B "٩م و" B "١٩٣٩م",
        "حفظ " B "ا" E "لملف" P "فتح ال" SH "ملفات",
        "Open the " B "S" E "ettings dialog, then " B "c" E "lick " B "OK" E " to sa" SH
        "ve 3 files.",
        "Save " B "all" E P "Close" SH "d",
        "The " B "QUICK" E " bro" B "wn" E " fox",
        "ab" B,
        B "ab",
        "a" B " b",
        "v2" B "x " B "v" E "2",
    };
    tm_toks a = {0}, b = {0};
    size_t n = sizeof texts / sizeof *texts, not_one_pass = one_pass_texts(texts, n, &a, &b, 0);
    fprintf(stderr, "%zu of %zu tagged texts not read in one pass\n", not_one_pass, n);
    assert_int_equal(not_one_pass, 0);
    /* random words: letters, digits, affixes, markers, apostrophes and format characters with
     * tags of every kind between them */
    static const char *const alpha[] = {
        "a",        "S",        "e",        "k",        "g",        "t",
        "h",        "1",        "5",        "0",        " ",        "'",
        "_",        "&",        ",",        ".",        "\xd9\x88", "\xd8\xa7\xd9\x84",
        "\xd9\x84", "\xd8\xa8", "\xd9\x83", "\xd9\x85", "\xd8\xb3", "\xd9\x80",
        "\xd9\x8e", "\xd9\xa1", "\xd9\xa9", "\xd8\xa9", "\xc2\xad", "\xe2\x80\x8c",
        "\xc3\xa9", "kg",       "th",       B,          E,          I,
        SH,         P,          BR,         X,          U,          B,
        E,          SH};
    const size_t na = sizeof alpha / sizeof *alpha;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    char buf[512];
    size_t done = 0, glued = 0;
    for (int k = 0; k < 20000; k++) {
        size_t len = random_text(&x, alpha, na, buf);
        int rc = same_toks(buf, len, (k % 2 ? TM_TOKS_NO_SURFACE : 0) | SAME_GLUE_ALL);
        done += rc == 1;
        /* a text with a tag inside a word: the reference tokenizer reads a token whose span
         * holds a tag */
        glue_tags(&b);
        assert_int_equal(tm_tokenize_ref(buf, len, &b), 0);
        int inside = 0;
        for (size_t t = 0; t < b.n && !inside; t++)
            inside = b.v[t].kind != TM_TAG &&
                     memchr(buf + b.v[t].start, 0xEE, b.v[t].end - b.v[t].start) != NULL;
        if (inside && rc == 1)
            glued++;
    }
    fprintf(stderr,
            "random tagged words: %zu of 20000 texts in one pass, %zu with a tag inside "
            "a word\n",
            done, glued);
    assert_true(glued >= 2500);
    tm_toks_free(&a);
    tm_toks_free(&b);
#undef B
#undef E
#undef P
#undef I
#undef X
#undef U
#undef SH
#undef BR
}

/* a default-ignorable code point (ZWNJ, a soft hyphen …) at s[i], its length in *len; else 0 */
static int ignorable_at(const char *s, size_t n, size_t i, size_t *len)
{
    UChar32 c;
    int32_t j = (int32_t)i;
    U8_NEXT((const uint8_t *)s, j, (int32_t)n, c);
    *len = (size_t)j - i;
    return c >= 0 && u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

/* A format character written as a character inside a word (ZWNJ in Persian and in Arabic typed
 * on a Persian keyboard, a soft hyphen in English from Word or a PDF, U+200B, U+2060, U+FEFF, the
 * bidi marks, a variation selector …: every default-ignorable code point, which the normal form
 * deletes) is read by the one-pass tokenizer (session 38; until then such a text went whole to
 * tm_tokenize_ref), with exactly the reference's tokens. Checked: that the normal form deletes
 * every default-ignorable code point (what the one-pass tokenizer relies on), each of them inside
 * words, texts of each kind (beside tags, accelerator markers, apostrophes, digits and numbers
 * glued to affixes), a code point that still needs ICU after one (the text is the reference's),
 * then random words. */
static void test_tok_format_one_pass(void **state)
{
    (void)state;
#define ZN "\xe2\x80\x8c"       /* U+200C ZWNJ */
#define ZJ "\xe2\x80\x8d"       /* U+200D ZWJ */
#define SHY "\xc2\xad"          /* U+00AD soft hyphen */
#define ZW "\xe2\x80\x8b"       /* U+200B zero-width space */
#define WJ "\xe2\x81\xa0"       /* U+2060 word joiner */
#define BOM "\xef\xbb\xbf"      /* U+FEFF */
#define LRM "\xe2\x80\x8e"      /* U+200E */
#define RLM "\xe2\x80\x8f"      /* U+200F */
#define ALM "\xd8\x9c"          /* U+061C Arabic letter mark */
#define CGJ "\xcd\x8f"          /* U+034F combining grapheme joiner (a mark) */
#define VS16 "\xef\xb8\x8f"     /* U+FE0F variation selector (a mark) */
#define FVS "\xe1\xa0\x8b"      /* U+180B Mongolian variation selector */
#define LRE "\xe2\x80\xaa"      /* U+202A */
#define PDF "\xe2\x80\xac"      /* U+202C */
#define LTAG "\xf3\xa0\x80\x81" /* U+E0001 language tag */
#define HF "\xe3\x85\xa4"       /* U+3164 Hangul filler (a letter) */
#define B "\xee\x80\x80"        /* <bpt>: joins */
#define E "\xee\x80\x81"        /* <ept>: joins */
#define P "\xee\x80\x82"        /* <ph> line break: parts */
#define SH "\xee\x80\x87"       /* <ph> soft hyphen: joins */
    jisr_buf nb = {0};
    size_t ndi = 0;
    tm_toks a = {0}, b = {0};
    char buf[512];
    /* the normal form deletes every default-ignorable code point, whatever it is */
    for (uint32_t c = 0x80; c <= 0x10FFFF; c++) {
        if ((c >= 0xD800 && c <= 0xDFFF) ||
            !u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
            continue;
        size_t l = tu_put_utf8(buf, c);
        jisr_buf_reset(&nb);
        assert_int_equal(tm_tok_norm(buf, l, &nb), 0);
        if (nb.len)
            fprintf(stderr, "U+%04X is not deleted\n", (unsigned)c);
        assert_int_equal(nb.len, 0);
        /* and each is read in one pass inside words, beside Arabic letters, digits, a tag */
        size_t n = 0;
        memcpy(buf + n, "Ab", 2), n += 2;
        n += tu_put_utf8(buf + n, c);
        memcpy(buf + n, "cd \xd9\x83", 5), n += 5;
        n += tu_put_utf8(buf + n, c);
        memcpy(buf + n, "\xd8\xaa\xd8\xa7\xd8\xa8 1", 7), n += 7;
        n += tu_put_utf8(buf + n, c);
        memcpy(buf + n, "5 x" B, 6), n += 6;
        n += tu_put_utf8(buf + n, c);
        memcpy(buf + n, "y", 1), n += 1;
        n += tu_put_utf8(buf + n, c);
        for (unsigned f = 0; f < 2; f++) {
            a.flags = b.flags = f ? TM_TOKS_NO_SURFACE : 0;
            glue_tags(&a);
            glue_tags(&b);
            int rc = tm_tokenize_fused(buf, n, &a);
            if (rc != 1)
                fprintf(stderr, "U+%04X: not read in one pass\n", (unsigned)c);
            assert_int_equal(rc, 1);
            assert_int_equal(tm_tokenize_ref(buf, n, &b), 0);
            same_fields(&a, &b, buf, n);
        }
        ndi++;
    }
    jisr_buf_free(&nb);
    assert_true(ndi > 4000);
    static const char *const texts[] = {
        "\xd9\x85\xdb\x8c" ZN "\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85 \xd8\xa7\xdb\x8c\xd9\x86 "
        "\xd9\x81\xd8\xa7\xdb\x8c\xd9\x84", /* Persian: می‌خواهم این فایل */
        "\xd9\x86\xd9\x85\xdb\x8c" ZN "\xd8\xb4\xd9\x88\xd8\xaf \xda\xa9\xd8\xaa\xd8\xa7\xd8\xa8" ZN
        "\xd9\x87\xd8\xa7", /* نمی‌شود کتاب‌ها */
        "\xd8\xa7\xd9\x84" ZN "\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8 \xd9\x88" ZN
        "\xd8\xa7\xd9\x84\xd9\x85\xd9\x84\xd9\x81", /* ال‌كتاب و‌الملف: proclitics
                                                     */
        "\xd8\xa8\xd8\xa7\xd9\x84" ZN "\xd9\x85\xd9\x84\xd9\x81\xd8\xa7\xd8\xaa "
        "\xd9\x84\xd9\x84\xd9\x80" ZN
        "\xd8\xb9\xd8\xa7\xd9\x85", /* بال‌ملفات للـ‌عام */
        "\xd9\x88" ZN "2 \xd9\x88" ZN "\xd8\xa7\xd9\x84\xd9\x80"
        "2015 \xd8\xa8" ZJ "5",
        "2015" ZN "\xd9\x85 5" SHY "kg 7407" ZN "th 5k" ZW "g 3" ZN "km",
        "1" ZN "5 1," ZN "234.5 1" ZW ".5 12" WJ "34",
        "Soft" SHY "ware update",
        "docu" SHY "men" SHY "ta" SHY "tion " SHY "and" SHY,
        "file" ZW "name and path" WJ "name",
        BOM "Save the file",
        "Save" BOM "file" BOM,
        "don" SHY "'t it" ZN "'s o'" ZW "clock",
        "Sa" ZJ "ve" LRM " " RLM "\xd8\xa7\xd9\x81\xd8\xaa\xd8\xad" RLM,
        "_Op" SHY "en &F" ZN "ile Con_" SHY "nect Sa_v" SHY "e",
        "\xd8\xa7" ALM
        "\xd9\x84\xd9\x85\xd9\x84\xd9\x81 \xd8\xa7\xd9\x84\xd9\x83\xd8\xaa\xd8\xa7\xd8"
        "\xa8" ALM,
        "e" CGJ "a ok" VS16 " \xe2\x9a\xa0" VS16 " Warning \xe2\x9a\xa0" VS16 "Warning",
        "\xe1\xa0\xa0" FVS "\xe1\xa0\xa1 ab" LRE "cd" PDF "ef",
        "flag" LTAG "x ABC" HF "DEF",
        "Ca" SHY "f\xc3\xa9 \xc3\x89" ZN "t\xc3\xa9 STRA" SHY "SSE",
        "Sa" ZN B "v" E "e " B ZN "Save" E " S" B "a" ZN E "ve", /* beside tags */
        "\xd9\x88" B ZN "\xd8\xb3\xd9\x8a\xd8\xa7\xd8\xb3\xd8\xa9" E " \xd8\xa8" SH ZN
        "\xd8\xa7\xd9\x84\xd9\x85\xd9\x84\xd9\x81",
        "5k" ZN B "g \xd9\x88" ZN B "\xd8\xa7\xd9\x84\xd9\x80"
        "2015 Docu" SHY SH "ment",
        "line" ZN P "second" SHY " line",
        "%s" ZN "files {0}" SHY "x 10" ZN "\xc3\x97"
        "11",
    };
    size_t nt = sizeof texts / sizeof *texts, not_one_pass = one_pass_texts(texts, nt, &a, &b, 1);
    fprintf(stderr, "%zu of %zu texts with format characters not read in one pass\n", not_one_pass,
            nt);
    assert_int_equal(not_one_pass, 0);
    /* a code point that needs ICU after one still sends the text to tm_tokenize_ref: e, ZWNJ and
     * U+0301 normalise to é (the ZWNJ gone, the two compose), alef, ZWNJ and U+0654 to أ */
    static const char *const slow[] = {"Caf"
                                       "e" ZN "\xcc\x81",
                                       "\xd8\xa7" ZN "\xd9\x94\xd8\xa8"};
    for (size_t k = 0; k < sizeof slow / sizeof *slow; k++)
        assert_int_equal(same_toks(slow[k], strlen(slow[k]), 0), 0);
    assert_int_equal(tm_tokenize(slow[0], strlen(slow[0]), &b), 0);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.v[0].nl, 5);
    assert_memory_equal(b.v[0].kp, "caf\xc3\xa9", 5);
    /* random words: letters, digits, affixes, markers, apostrophes, tags and format characters */
    static const char *const alpha[] = {"a",
                                        "S",
                                        "e",
                                        "k",
                                        "g",
                                        "t",
                                        "h",
                                        "1",
                                        "5",
                                        " ",
                                        "'",
                                        "_",
                                        "&",
                                        ",",
                                        ".",
                                        "\xd9\x88",
                                        "\xd8\xa7\xd9\x84",
                                        "\xd9\x84",
                                        "\xd8\xa8",
                                        "\xd9\x85",
                                        "\xdb\x8c",
                                        "\xd9\x80",
                                        "\xd9\x8e",
                                        "\xd9\xa1",
                                        "\xd8\xa9",
                                        "\xc3\xa9",
                                        "kg",
                                        "th",
                                        B,
                                        E,
                                        SH,
                                        P,
                                        ZN,
                                        ZN,
                                        ZN,
                                        ZJ,
                                        SHY,
                                        SHY,
                                        ZW,
                                        WJ,
                                        BOM,
                                        LRM,
                                        RLM,
                                        ALM,
                                        CGJ,
                                        VS16,
                                        LTAG,
                                        HF,
                                        "\xcc\x81",
                                        "\xd9\x94"};
    const size_t na = sizeof alpha / sizeof *alpha;
    uint64_t x = 0xD1B54A32D192ED03ULL;
    size_t done = 0, inside = 0;
    for (int k = 0; k < 20000; k++) {
        size_t len = random_text(&x, alpha, na, buf);
        int rc = same_toks(buf, len, (k % 2 ? TM_TOKS_NO_SURFACE : 0) | SAME_GLUE_ALL);
        done += rc == 1;
        if (rc != 1)
            continue;
        /* read in one pass with a format character inside a word or number (not its last) */
        glue_tags(&b);
        assert_int_equal(tm_tokenize_ref(buf, len, &b), 0);
        int in = 0;
        for (size_t t = 0; t < b.n && !in; t++) {
            if (b.v[t].kind != TM_WORD && b.v[t].kind != TM_NUMBER)
                continue;
            for (size_t i = b.v[t].start, l = 0; i < b.v[t].end && !in; i += l)
                in = ignorable_at(buf, b.v[t].end, i, &l) && i + l < b.v[t].end;
        }
        inside += in;
    }
    fprintf(stderr,
            "random words with format characters: %zu of 20000 texts in one pass, %zu with one "
            "inside a word\n",
            done, inside);
    assert_true(inside >= 4000);
    tm_toks_free(&a);
    tm_toks_free(&b);
#undef ZN
#undef ZJ
#undef SHY
#undef ZW
#undef WJ
#undef BOM
#undef LRM
#undef RLM
#undef ALM
#undef CGJ
#undef VS16
#undef FVS
#undef LRE
#undef PDF
#undef LTAG
#undef HF
#undef B
#undef E
#undef P
#undef SH
}

static void test_clitic_keys(void **state)
{
    (void)state;
    uint64_t bayt = key_of("بيت");
    assert_true(key_of("البيت") == bayt);
    assert_true(key_of("والبيت") == bayt);
    assert_true(key_of("بالبيت") == bayt);
    assert_true(key_of("للبيت") == bayt);
    assert_true(key_of("وبالبيت") == bayt);
    assert_true(key_of("البَيْتُ") == bayt); /* diacritics */
    /* too short to strip: الله keeps its article, كتاب its first letter */
    assert_true(key_of("الله") != key_of("له"));
    assert_true(key_of("كتاب") != key_of("تاب"));
    /* alef, ya and ta marbuta variants normalise alike */
    assert_true(key_of("أحمد") == key_of("احمد"));
    assert_true(key_of("على") == key_of("علي"));
    assert_true(key_of("مدرسة") == key_of("مدرسه"));
    assert_true(key_of("House") == key_of("house"));
}

static int score(const char *a, const char *b)
{
    int s = -1;
    assert_int_equal(jisr_tm_score_texts(a, b, &s), 0);
    return s;
}

static void test_scores(void **state)
{
    (void)state;
    const char *v = "فِي الْبَدْءِ كَانَ الْكَلِمَةُ، وَالْكَلِمَةُ كَانَ عِنْدَ اللهِ.";
    const char *p = "في البدء كان الكلمة، والكلمة كان عند الله.";
    assert_int_equal(score(p, p), 100);
    assert_int_equal(score("The house is big.", "The  house is big. "), 99);
    int sv = score(p, v); /* diacritics only: near equal, never 100 */
    assert_true(sv >= 90 && sv < 100);
    int sc = score("The house is big.", "the house is big.");
    assert_true(sc >= 97 && sc < 100);
    int sn = score("I have 3 books.", "I have 7 books.");
    assert_true(sn >= 90 && sn < 100);
    /* a clitic costs less than another word */
    int cl = score("ذهب الرجل الى البيت", "ذهب الرجل الى والبيت");
    int ow = score("ذهب الرجل الى البيت", "ذهب الرجل الى السوق");
    assert_true(cl > ow);
    assert_true(cl >= 90);
    /* symmetric, and far texts score low */
    assert_int_equal(score("a b c d", "a x c d"), score("a x c d", "a b c d"));
    assert_true(score("The house is big.", "Security Council resolution adopted today") < 30);
    /* a dropped word out of ten */
    assert_int_equal(score("one two three four five six seven eight nine ten",
                           "one two three four six seven eight nine ten"),
                     90);
}

static void test_store_basics(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = NULL;
    /* read-only open of an empty directory: not a memory */
    assert_int_equal(jisr_tm_open(&tm, g_dir, NULL), JISR_ENOTFOUND);
    tm = open_w(0);
    jisr_tm_import *imp;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = 2;
    assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
    add_pair(imp, "en", "The house is big.", "ar", "البيت كبير.");
    add_pair(imp, "en", "I have 3 books.", "ar", "لدي ٣ كتب.");
    add_pair(imp, "en", "The house is big.", "ar", "البيت كبير."); /* duplicate */
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_unit_add_variant(&u, "en", "lonely", 6, NULL);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0); /* one variant: skipped */
    jisr_unit_clear(&u);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_int_equal(st.units, 2);
    assert_int_equal(st.schema, JISR_TM_SCHEMA);
    assert_int_equal(st.nlangs, 2);
    assert_int_equal(st.langs[0].units, 2);
    jisr_tm_stats_free(&st);
    assert_int_equal(jisr_tm_get(tm, 1, &u), 0);
    assert_int_equal(u.meta.usagecount, 1); /* merged: the larger count, not the sum */
    assert_string_equal(u.variants[0].text, "The house is big.");
    assert_int_equal(jisr_tm_get(tm, 3, &u), JISR_ENOTFOUND);
    /* delete: all or nothing, ids never reused */
    uint64_t bad[] = {2, 99};
    assert_int_equal(jisr_tm_delete(tm, bad, 2), JISR_ENOTFOUND);
    assert_int_equal(jisr_tm_get(tm, 2, &u), 0);
    uint64_t one[] = {1};
    assert_int_equal(jisr_tm_delete(tm, one, 1), 0);
    assert_int_equal(jisr_tm_get(tm, 1, &u), JISR_ENOTFOUND);
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, "The house is big.", &qo, &m), 0);
    assert_int_equal(m.n, 0); /* its postings remain but the unit is gone */
    jisr_tm_matches_free(&m);
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "en", "The house is big.", "ar", "البيت كبير.");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    assert_int_equal(jisr_tm_get(tm, 3, &u), 0);
    assert_int_equal(jisr_tm_query(tm, "The house is big.", &qo, &m), 0);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.v[0].id, 3);
    assert_int_equal(m.v[0].score, 100);
    jisr_tm_matches_free(&m);
    jisr_unit_clear(&u);
    jisr_tm_close(tm);
    /* read-only handle refuses writes */
    assert_int_equal(jisr_tm_open(&tm, g_dir, NULL), 0);
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), JISR_EREADONLY);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

static void schema_case(unsigned char version, const char *msg);

static void test_schema_newer(void **state)
{
    (void)state;
    schema_case(99, "schema version 99");
    /* schema 1 indexed every number under one term: its index cannot be read */
    schema_case(1, "import its TMX again");
}

static void schema_case(unsigned char version, const char *msg)
{
    make_dir();
    jisr_tm_close(open_w(0));
    /* bump the schema with raw LMDB, as a future jisr would */
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    assert_int_equal(mdb_env_open(env, g_dir, 0, 0664), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
    unsigned char v[8] = {0, 0, 0, 0, 0, 0, 0, version};
    MDB_val k = {6, "schema"}, d = {8, v};
    assert_int_equal(mdb_put(txn, dbi, &k, &d, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    jisr_tm *tm;
    assert_int_equal(jisr_tm_open(&tm, g_dir, NULL), JISR_ESCHEMA);
    assert_non_null(strstr(jisr_error_last()->msg, msg));
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE;
    assert_int_equal(jisr_tm_open(&tm, g_dir, &o), JISR_ESCHEMA);
    tmdir_remove(g_dir);
}

static void test_map_growth(void **state)
{
    (void)state;
    jisr_tm *tm; /* a map far too small: it must grow many times */
    jisr_tm_import *imp = fresh_import(&tm, 64 * 1024, 700);
    char en[128], ar[128];
    for (int i = 0; i < 3000; i++) {
        snprintf(en, sizeof en, "Sentence number %d about item w%d and thing t%d.", i, i * 7,
                 i % 13);
        snprintf(ar, sizeof ar, "الجملة رقم %d عن البند ب%d والشيء ش%d.", i, i * 7, i % 13);
        add_pair(imp, "en", en, "ar", ar);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    assert_int_equal(st.units, 3000);
    assert_true(st.map_bytes > 64 * 1024);
    jisr_tm_stats_free(&st);
    jisr_tm_close(tm);
    /* reopen with another (small) size: the recorded map size wins */
    tm = open_w(32 * 1024);
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "ar";
    qo.tgtlang = "en";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, "الجملة رقم 1234 عن البند ب8638 والشيء ش12.", &qo, &m), 0);
    assert_true(m.n >= 1);
    assert_int_equal(m.v[0].score, 100);
    assert_string_equal(m.v[0].target, "Sentence number 1234 about item w8638 and thing t12.");
    jisr_tm_matches_free(&m);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

static void test_placeable(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w(0);
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "en", "The meeting 7439 was held on 11 May 2015.", "ar",
             "الجلسة ٧٤٣٩ المعقودة في ١١ أيار/مايو ٢٠١٥.");
    add_pair(imp, "en", "Paragraph 3 of resolution 2118.", "ar", "الفقرة 3 من القرار 2118.");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, "The meeting 7500 was held on 12 May 2015.", &qo, &m), 0);
    assert_int_equal(m.n, 1);
    assert_true(m.v[0].placeable);
    assert_string_equal(m.v[0].target, "الجلسة ٧٥٠٠ المعقودة في ١٢ أيار/مايو ٢٠١٥.");
    assert_string_equal(m.v[0].target_orig, "الجلسة ٧٤٣٩ المعقودة في ١١ أيار/مايو ٢٠١٥.");
    assert_non_null(strstr(m.v[0].diff, "[-7500-]{+7439+}"));
    jisr_tm_matches_free(&m);
    /* other direction, Arabic-Indic query digits into an ASCII-digit target */
    qo.srclang = "ar";
    qo.tgtlang = "en";
    assert_int_equal(jisr_tm_query(tm, "الفقرة ٤ من القرار ٢١١٨.", &qo, &m), 0);
    assert_int_equal(m.n, 1);
    assert_true(m.v[0].placeable);
    assert_string_equal(m.v[0].target, "Paragraph 4 of resolution 2118.");
    jisr_tm_matches_free(&m);
    /* a word differs too: the numbers pair by position all the same (docs/matching.md §2.2),
     * but the match is no placeable */
    assert_int_equal(jisr_tm_query(tm, "الفقرة ٤ من المقرر ٢١١٨.", &qo, &m), 0);
    assert_int_equal(m.n, 1);
    assert_false(m.v[0].placeable);
    assert_int_equal(m.v[0].numbers, JISR_TM_NUMBERS_PLACED);
    assert_true(m.v[0].differ & JISR_TM_DIFFER_MORE);
    assert_string_equal(m.v[0].target, "Paragraph 4 of resolution 2118.");
    jisr_tm_matches_free(&m);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

static void test_concord(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w(0);
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "en", "He went into the house of God.", "ar", "دخل إلى بيت الله.");
    add_pair(imp, "en", "The house, of God stands.", "ar", "وبيت الله قائم.");
    add_pair(imp, "en", "God of the house.", "ar", "إله البيت.");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_hits h;
    assert_int_equal(jisr_tm_concord(tm, "en", "house of god", 0, &h), 0);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.v[0].id, 1);
    const char *t = h.v[0].unit.variants[h.v[0].variant].text;
    assert_memory_equal(t + h.v[0].start, "house of God", h.v[0].end - h.v[0].start);
    assert_int_equal(h.v[1].id, 2);
    jisr_tm_hits_free(&h);
    assert_int_equal(jisr_tm_concord(tm, "ar", "بيت الله", 0, &h), 0);
    assert_int_equal(h.n, 2); /* وبيت matches بيت */
    jisr_tm_hits_free(&h);
    assert_int_equal(jisr_tm_concord(tm, "ar", "بيت الله", 1, &h), 0);
    assert_int_equal(h.n, 1);
    assert_true(h.truncated);
    jisr_tm_hits_free(&h);
    assert_int_equal(jisr_tm_concord(tm, "ar", "...", 0, &h), JISR_EINVAL);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

/* ---- the index against the oracle ------------------------------------------------------ */

typedef struct pairs {
    char **ar, **en;
    size_t n, cap;
} pairs;

static void pairs_add(pairs *p, const char *ar, size_t an, const char *en, size_t enn)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->ar = realloc(p->ar, p->cap * sizeof *p->ar);
        p->en = realloc(p->en, p->cap * sizeof *p->en);
    }
    p->ar[p->n] = strndup(ar, an);
    p->en[p->n] = strndup(en, enn);
    p->n++;
}

static void pairs_free(pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->ar[i]);
        free(p->en[i]);
    }
    free(p->ar);
    free(p->en);
}

/* TSV lines "ar<TAB>en" */
static void load_tsv(pairs *p, const char *path, size_t max)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (p->n < max && (n = getline(&line, &cap, f)) > 0) {
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        pairs_add(p, line, (size_t)(tab - line), tab + 1, strlen(tab + 1));
    }
    free(line);
    fclose(f);
}

/* two line-aligned files */
static void load_lines(pairs *p, const char *ar, const char *en, size_t max)
{
    FILE *fa = fopen(ar, "r"), *fe = fopen(en, "r");
    assert_non_null(fa);
    assert_non_null(fe);
    char *a = NULL, *e = NULL;
    size_t ca = 0, ce = 0;
    ssize_t na, ne;
    while (p->n < max && (na = getline(&a, &ca, fa)) > 0 && (ne = getline(&e, &ce, fe)) > 0) {
        while (na && (a[na - 1] == '\n' || a[na - 1] == '\r'))
            a[--na] = 0;
        while (ne && (e[ne - 1] == '\n' || e[ne - 1] == '\r'))
            e[--ne] = 0;
        pairs_add(p, a, (size_t)na, e, (size_t)ne);
    }
    free(a);
    free(e);
    fclose(fa);
    fclose(fe);
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t xr(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* a query derived from s: drop, duplicate or swap a word, change a digit, or unchanged */
static char *vary(const char *s)
{
    size_t n = strlen(s);
    char *o = malloc(2 * n + 8);
    int kind = (int)(xr() % 5);
    const char *sp1 = strchr(s, ' ');
    const char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (kind == 0 && sp1 && sp2) { /* drop the second word */
        size_t a = (size_t)(sp1 - s);
        memcpy(o, s, a);
        strcpy(o + a, sp2);
    } else if (kind == 1 && sp1 && sp2) { /* swap first two words */
        size_t a = (size_t)(sp1 - s), b = (size_t)(sp2 - sp1 - 1);
        memcpy(o, sp1 + 1, b);
        o[b] = ' ';
        memcpy(o + b + 1, s, a);
        strcpy(o + a + b + 1, sp2);
    } else if (kind == 2) { /* a digit changed or appended */
        strcpy(o, s);
        char *d = strpbrk(o, "0123456789");
        if (d)
            *d = *d == '9' ? '1' : (char)(*d + 1);
        else
            strcat(o, " 42");
    } else if (kind == 3 && sp1) { /* duplicate the first word */
        size_t a = (size_t)(sp1 - s);
        memcpy(o, s, a + 1);
        strcpy(o + a + 1, s);
    } else {
        strcpy(o, s);
    }
    return o;
}

static uint64_t g_cand_index, g_cand_oracle;
static uint64_t g_cand_index_at[101], g_cand_oracle_at[101]; /* units scored, by --min */

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* JISR_TM_NO_DIFF (the tmserver's queries): every match and field as without it, the diff NULL */
static void assert_same_but_diff(const jisr_tm_matches *a, const jisr_tm_matches *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->candidates, b->candidates);
    for (size_t i = 0; i < a->n; i++) {
        const jisr_tm_match *x = &a->v[i], *y = &b->v[i];
        assert_int_equal(x->id, y->id);
        assert_int_equal(x->score, y->score);
        assert_true(x->similarity == y->similarity);
        assert_true(x->char_similarity == y->char_similarity);
        assert_true(same_str(x->source, y->source));
        assert_true(same_str(x->target, y->target));
        assert_true(same_str(x->target_orig, y->target_orig));
        assert_int_equal(x->placeable, y->placeable);
        assert_int_equal(x->numbers, y->numbers);
        assert_int_equal(x->nagree, y->nagree);
        assert_int_equal(x->penalty, y->penalty);
        assert_int_equal(x->ntags, y->ntags);
        assert_non_null(x->diff);
        assert_null(y->diff);
    }
}

/* index and --exhaustive for one query, -n n --min min: same ids and scores, in order; and the
 * index's answer with JISR_TM_NO_DIFF the same but for the diff */
static void compare_n(jisr_tm *tm, const char *src, const char *tgt, const char *q, int min,
                      size_t n, size_t *agree, size_t *total)
{
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = src;
    qo.tgtlang = tgt;
    qo.min_score = min;
    qo.max_results = n;
    jisr_tm_matches a, b;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &a), 0);
    qo.flags = JISR_TM_NO_DIFF;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &b), 0);
    assert_same_but_diff(&a, &b);
    jisr_tm_matches_free(&b);
    qo.flags = JISR_TM_EXHAUSTIVE;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &b), 0);
    (*total)++;
    if (min >= 70) {
        g_cand_index += a.candidates;
        g_cand_oracle += b.candidates;
    }
    g_cand_index_at[min] += a.candidates;
    g_cand_oracle_at[min] += b.candidates;
    int same = a.n == b.n;
    for (size_t i = 0; same && i < a.n; i++)
        same = a.v[i].id == b.v[i].id && a.v[i].score == b.v[i].score;
    if (!same) {
        fprintf(stderr, "index/oracle differ (min %d, n %zu) for: %s\n", min, n, q);
        for (size_t i = 0; i < a.n; i++)
            fprintf(stderr, "  index  #%llu %d\n", (unsigned long long)a.v[i].id, a.v[i].score);
        for (size_t i = 0; i < b.n; i++)
            fprintf(stderr, "  oracle #%llu %d\n", (unsigned long long)b.v[i].id, b.v[i].score);
    }
    for (size_t i = 0; i < a.n; i++)
        assert_true(a.v[i].score >= min);
    /* the same unit rendered the same: the index's results take their source tokens from the
     * ones its scoring kept, the oracle's are tokenized afresh */
    for (size_t i = 0; same && i < a.n; i++) {
        assert_true(same_str(a.v[i].source, b.v[i].source));
        assert_true(same_str(a.v[i].target, b.v[i].target));
        assert_int_equal(a.v[i].numbers, b.v[i].numbers);
        assert_int_equal(a.v[i].nagree, b.v[i].nagree);
        assert_int_equal(a.v[i].penalty, b.v[i].penalty);
        assert_true(same_str(a.v[i].diff, b.v[i].diff));
    }
    *agree += same;
    jisr_tm_matches_free(&a);
    jisr_tm_matches_free(&b);
}

static void compare_with_oracle(jisr_tm *tm, const char *src, const char *tgt, const char *q,
                                int min, size_t *agree, size_t *total)
{
    compare_n(tm, src, tgt, q, min, 3, agree, total);
}

static void oracle_run(pairs *p, size_t nq)
{
    jisr_tm *tm;
    jisr_tm_import *imp = fresh_import(&tm, 0, 500); /* several chunks per term */
    for (size_t i = 0; i < p->n; i++)
        add_pair(imp, "ar", p->ar[i], "en", p->en[i]);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    /* every threshold a translator uses, down to 10 (issue 12), and 1 and 5 (the passes down to
     * 10, then every unit) */
    static const int mins[] = {1, 5, 10, 30, 50, 70, 85, 90, 95};
    const size_t nmins = sizeof mins / sizeof mins[0];
    memset(g_cand_index_at, 0, sizeof g_cand_index_at);
    memset(g_cand_oracle_at, 0, sizeof g_cand_oracle_at);
    size_t agree = 0, total = 0;
    for (size_t k = 0; k < nq; k++) {
        size_t i = (size_t)(xr() % p->n);
        int min = mins[k % nmins];
        char *q = vary(k % 2 ? p->ar[i] : p->en[i]);
        compare_with_oracle(tm, k % 2 ? "ar" : "en", k % 2 ? "en" : "ar", q, min, &agree, &total);
        free(q);
    }
    /* queries built from two different units (far from everything) */
    for (size_t k = 0; k < nq / 4; k++) {
        size_t i = (size_t)(xr() % p->n), j = (size_t)(xr() % p->n);
        char q[2048];
        snprintf(q, sizeof q, "%.300s %.300s", p->en[i], p->en[j]);
        compare_with_oracle(tm, "en", "ar", q, mins[k % nmins], &agree, &total);
    }
    /* punctuation-heavy queries: at low thresholds a unit may match them by punctuation alone
     * (the light-share postings, docs/matching.md §4.1), and a query of punctuation only */
    static const char *const punct[] = {"(%d)", "...", "%s: %s", "- -", "(1)",   "(٣).",
                                        ":",    "«»",  "[x]",    "!?",  "\"%s\""};
    for (size_t k = 0; k < sizeof punct / sizeof punct[0]; k++)
        for (size_t j = 0; j < nmins; j++) {
            compare_with_oracle(tm, "en", "ar", punct[k], mins[j], &agree, &total);
            compare_with_oracle(tm, "ar", "en", punct[k], mins[j], &agree, &total);
        }
    fprintf(
        stderr,
        "index agrees with the oracle on %zu/%zu queries (%zu units); units scored at min >= 70: "
        "index %llu, oracle %llu\n",
        agree, total, p->n, (unsigned long long)g_cand_index, (unsigned long long)g_cand_oracle);
    for (size_t j = 0; j < nmins; j++)
        fprintf(stderr, "  --min %d: units scored by the index %llu, by the oracle %llu\n", mins[j],
                (unsigned long long)g_cand_index_at[mins[j]],
                (unsigned long long)g_cand_oracle_at[mins[j]]);
    assert_int_equal(agree, total);
    /* the index must actually narrow the search, at every threshold from 30 up */
    assert_true(g_cand_index * 10 < g_cand_oracle);
    assert_true(g_cand_index_at[50] * 5 < g_cand_oracle_at[50]);
    assert_true(g_cand_index_at[30] * 3 < g_cand_oracle_at[30]);
    /* and at 1, where the queries whose list fills at 10 or above end before scoring every unit
     * (until session 21 all of them scored every unit) */
    assert_true(g_cand_index_at[1] * 3 < g_cand_oracle_at[1] * 2);
    g_cand_index = g_cand_oracle = 0;
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

static void test_oracle_fixture(void **state)
{
    (void)state;
    pairs p = {0};
    load_tsv(&p, JISR_TEST_DATA "/tm/ar-en.tsv", 100000);
    assert_true(p.n >= 20);
    oracle_run(&p, 200);
    pairs_free(&p);
}

static void test_oracle_shared(void **state)
{
    (void)state;
    const char *sd = getenv("JISR_SHARED_DATA");
    char a[1024], e[1024];
    snprintf(a, sizeof a, "%s/un-ar-en/UNv1.0.testset.ar", sd ? sd : JISR_SHARED_DATA);
    snprintf(e, sizeof e, "%s/un-ar-en/UNv1.0.testset.en", sd ? sd : JISR_SHARED_DATA);
    if (access(a, R_OK) != 0) {
        skip();
        return;
    }
    pairs p = {0};
    load_lines(&p, a, e, 4000);
    assert_int_equal(p.n, 4000);
    /* (JISR_TEST_SCALE: fewer random queries; the fixture's 200 are cheap and, fewer, would not
     * outnumber the punctuation queries enough for the bound at --min 1) */
    oracle_run(&p, test_scaled(400));
    pairs_free(&p);
}

/* ---- the index against the oracle on a memory with inline tags --------------------------------
 * A unit's text with tags as a CAT tool leaves them (bench_match's tagged profile): a <bpt>/<ept>
 * pair around word wb, an accelerator pair inside word wa (OmegaT's "<u0>S</u0>ave"), an image
 * <ph> before word wp, a <ph> line break in place of the space before word wl, a <ph> soft hyphen
 * in the middle of word wh (-1: none). */
typedef struct tagged_text {
    char *text;
    char *tags[8];
    size_t ntags;
} tagged_text;

static void tt_put(jisr_buf *b, tagged_text *t, const char *markup)
{
    uint32_t cp = 0xE000u + (uint32_t)t->ntags;
    char u[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                 (char)(0x80 | (cp & 0x3F))};
    assert_int_equal(jisr_buf_append(b, u, 3), 0);
    assert_non_null(t->tags[t->ntags++] = strdup(markup));
}

static size_t tt_cps(const char *s, size_t n) /* code points of s[0..n) */
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static size_t tt_cp_bytes(const char *s, size_t n, size_t k) /* bytes of the first k of them */
{
    size_t i = 0;
    for (; i < n && k; k--)
        for (i++; i < n && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}

static void tag_text(const char *s, tagged_text *t)
{
    const char *w[256];
    size_t wl_[256], n = 0;
    for (const char *p = s; *p && n < 256;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, ' ');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        w[n] = p;
        wl_[n++] = l;
        p += l;
    }
    memset(t, 0, sizeof *t);
    long wb = n ? (long)(xr() % n) : -1, wa = n && xr() % 2 ? (long)(xr() % n) : -1;
    long wp = xr() % 3 == 0 ? (long)(xr() % (n + 1)) : -1;
    long wl = n > 1 && xr() % 4 == 0 ? 1 + (long)(xr() % (n - 1)) : -1, wh = -1;
    if (n && xr() % 4 == 0)
        for (size_t k = 0, w0 = (size_t)(xr() % n); k < n && wh < 0; k++)
            if (tt_cps(w[(w0 + k) % n], wl_[(w0 + k) % n]) >= 6)
                wh = (long)((w0 + k) % n);
    static const char img[] = "<ph x=\"3\" type=\"image\">&lt;img src=\"icon.png\"/&gt;</ph>";
    jisr_buf b = {0};
    for (long k = 0; k < (long)n; k++) {
        if (k && k == wl)
            tt_put(&b, t, "<ph x=\"4\">&lt;br/&gt;</ph>");
        else if (k)
            jisr_buf_putc(&b, ' ');
        if (k == wp) {
            tt_put(&b, t, img);
            jisr_buf_putc(&b, ' ');
        }
        if (k == wb)
            tt_put(&b, t, "<bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>");
        size_t at = 0;
        if (k == wa) {
            at = tt_cp_bytes(w[k], wl_[k], 1);
            tt_put(&b, t, "<bpt i=\"2\">&lt;u0&gt;</bpt>");
            jisr_buf_append(&b, w[k], at);
            tt_put(&b, t, "<ept i=\"2\">&lt;/u0&gt;</ept>");
        }
        if (k == wh && k != wa) {
            at = tt_cp_bytes(w[k], wl_[k], tt_cps(w[k], wl_[k]) / 2);
            jisr_buf_append(&b, w[k], at);
            tt_put(&b, t, "<ph x=\"5\">&lt;w:softHyphen/&gt;</ph>");
        }
        jisr_buf_append(&b, w[k] + at, wl_[k] - at);
        if (k == wb)
            tt_put(&b, t, "<ept i=\"1\">&lt;/b&gt;</ept>");
    }
    if (wp == (long)n) {
        jisr_buf_putc(&b, ' ');
        tt_put(&b, t, img);
    }
    t->text = b.data ? b.data : strdup("");
    assert_non_null(t->text);
}

static void tt_free(tagged_text *t)
{
    free(t->text);
    for (size_t k = 0; k < t->ntags; k++)
        free(t->tags[k]);
}

static void tt_add_var(jisr_unit *u, const char *lang, const tagged_text *t)
{
    jisr_variant *v;
    assert_int_equal(jisr_unit_add_variant(u, lang, t->text, strlen(t->text), &v), 0);
    if (!t->ntags)
        return;
    assert_non_null(v->tags = calloc(t->ntags, sizeof *v->tags));
    for (size_t k = 0; k < t->ntags; k++)
        assert_non_null(v->tags[k] = strdup(t->tags[k]));
    v->ntags = t->ntags;
}

/* the index against --exhaustive for query q (with tags when t is not NULL): the same ids and
 * scores in order, and each match rendered the same */
static void compare_tagged(jisr_tm *tm, const char *src, const char *tgt, const char *q,
                           const tagged_text *t, int min, size_t *agree, size_t *total)
{
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = src;
    qo.tgtlang = tgt;
    qo.min_score = min;
    qo.max_results = 5;
    if (t) {
        qo.tags = (const char *const *)t->tags;
        qo.ntags = t->ntags;
    }
    jisr_tm_matches a, b;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &a), 0);
    qo.flags = JISR_TM_EXHAUSTIVE;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &b), 0);
    int same = a.n == b.n;
    for (size_t i = 0; same && i < a.n; i++)
        same = a.v[i].id == b.v[i].id && a.v[i].score == b.v[i].score &&
               same_str(a.v[i].target, b.v[i].target) && same_str(a.v[i].diff, b.v[i].diff) &&
               a.v[i].ntags == b.v[i].ntags && a.v[i].tag_diff == b.v[i].tag_diff;
    if (!same)
        fprintf(stderr, "index/oracle differ (min %d%s) for: %s\n", min, t ? ", tagged" : "", q);
    for (size_t i = 0; i < a.n; i++)
        assert_true(a.v[i].score >= min);
    *agree += same;
    (*total)++;
    jisr_tm_matches_free(&a);
    jisr_tm_matches_free(&b);
}

/* 2 in 5 units with tags (tag_text), each side drawn apart; queries plain (varied) and tagged
 * (a unit's text with its tags, or the tags of one on the other's text), --min 10 to 90: the
 * index gives --exhaustive's top 5 everywhere (tm_tag_glues keeps its answers, and scoring, the
 * index and the word diff must read the same words from the same tags) */
static void test_oracle_tagged(void **state)
{
    (void)state;
    pairs p = {0};
    load_tsv(&p, JISR_TEST_DATA "/tm/ar-en.tsv", 100000);
    const char *sd = getenv("JISR_SHARED_DATA");
    char a[1024], e[1024];
    snprintf(a, sizeof a, "%s/un-ar-en/UNv1.0.testset.ar", sd ? sd : JISR_SHARED_DATA);
    snprintf(e, sizeof e, "%s/un-ar-en/UNv1.0.testset.en", sd ? sd : JISR_SHARED_DATA);
    if (access(a, R_OK) == 0) /* (more units when the shared data is there) */
        load_lines(&p, a, e, p.n + test_scaled(2000));
    assert_true(p.n >= 300);
    tagged_text *ta = calloc(p.n, sizeof *ta), *te = calloc(p.n, sizeof *te);
    assert_non_null(ta);
    assert_non_null(te);
    jisr_tm *tm;
    jisr_tm_import *imp = fresh_import(&tm, 0, 500);
    size_t ntagged = 0;
    for (size_t i = 0; i < p.n; i++) {
        int tagged = xr() % 5 < 2;
        ntagged += (size_t)tagged;
        tag_text(p.ar[i], &ta[i]);
        tag_text(p.en[i], &te[i]);
        jisr_unit u;
        jisr_unit_init(&u);
        tagged_text pa = {.text = p.ar[i]}, pe = {.text = p.en[i]};
        tt_add_var(&u, "ar", tagged ? &ta[i] : &pa);
        tt_add_var(&u, "en", tagged ? &te[i] : &pe);
        assert_int_equal(jisr_tm_import_add(imp, &u), 0);
        jisr_unit_clear(&u);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    static const int mins[] = {10, 30, 50, 70, 90};
    size_t agree = 0, total = 0, nq = test_scaled(300);
    for (size_t k = 0; k < nq; k++) {
        size_t i = (size_t)(xr() % p.n);
        int ar = k % 2, min = mins[k % 5];
        const char *src = ar ? "ar" : "en", *tgt = ar ? "en" : "ar";
        tagged_text *t = ar ? &ta[i] : &te[i];
        if (k / 5 % 2 == 0) { /* a plain query, varied */
            char *q = vary(ar ? p.ar[i] : p.en[i]);
            compare_tagged(tm, src, tgt, q, NULL, min, &agree, &total);
            free(q);
        } else { /* the unit's text with the tags drawn for it, stored or not */
            compare_tagged(tm, src, tgt, t->text, t, min, &agree, &total);
        }
    }
    fprintf(stderr,
            "tagged memory (%zu units, %zu with tags): the index agrees with the oracle on "
            "%zu/%zu queries\n",
            p.n, ntagged, agree, total);
    assert_int_equal(agree, total);
    assert_true(ntagged * 3 > p.n); /* (2 in 5) */
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
    for (size_t i = 0; i < p.n; i++) {
        tt_free(&ta[i]);
        tt_free(&te[i]);
    }
    free(ta);
    free(te);
    pairs_free(&p);
}

/* one unit of n variants (langs[k]: texts[k]) into imp */
static void add_variants(jisr_tm_import *imp, size_t n, const char *const *langs,
                         const char *const *texts)
{
    jisr_unit u;
    jisr_unit_init(&u);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(jisr_unit_add_variant(&u, langs[k], texts[k], strlen(texts[k]), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

/* Units with two variants of one language (en-US and en-GB, ar-SA and ar-EG, as Trados and memoQ
 * export them): every variant is indexed, a query from en reaches both, from en-GB only en-GB;
 * and the index still gives --exhaustive's ids and scores (the unit's best variant counts), also
 * with the character search on (char: the first variant of a language only) and after a
 * reindex. */
static void test_oracle_variants(void **state)
{
    (void)state;
    pairs p = {0};
    load_tsv(&p, JISR_TEST_DATA "/tm/ar-en.tsv", 100000);
    assert_true(p.n >= 20);
    static const char *const srcs[][2] = {{"en", "ar"},    {"en-GB", "ar"},    {"en-US", "ar-EG"},
                                          {"ar", "en"},    {"ar-EG", "en-GB"}, {"ar-SA", "en"},
                                          {"en", "ar-SA"}, {"ar", "en-US"}};
    static const int mins[] = {1, 10, 30, 50, 70, 85, 95};
    for (int chars = 0; chars < 2; chars++) {
        make_dir();
        jisr_tm *tm = open_w(0);
        if (chars)
            assert_int_equal(jisr_tm_set_chars(tm, 1), 0);
        jisr_tm_import *imp;
        jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
        io.batch_units = 50; /* several batches, and chunks per term */
        assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
        for (size_t i = 0; i < p.n; i++) {
            char *en2 = vary(p.en[i]), *ar2 = vary(p.ar[i]);
            switch (i % 4) {
            case 0: /* two English variants, the second differing */
                add_variants(imp, 3, (const char *[]){"en-US", "en-GB", "ar"},
                             (const char *[]){p.en[i], en2, p.ar[i]});
                break;
            case 1: /* two Arabic variants */
                add_variants(imp, 3, (const char *[]){"en", "ar-SA", "ar-EG"},
                             (const char *[]){p.en[i], p.ar[i], ar2});
                break;
            case 2: /* both, the variant of the query's own region after the other */
                add_variants(imp, 4, (const char *[]){"ar-EG", "en-US", "ar-SA", "en-GB"},
                             (const char *[]){ar2, en2, p.ar[i], p.en[i]});
                break;
            default:
                add_pair(imp, "ar", p.ar[i], "en", p.en[i]);
            }
            free(en2);
            free(ar2);
        }
        assert_int_equal(jisr_tm_import_end(imp, 1), 0);
        for (int pass = 0; pass < 2; pass++) { /* as imported, then reindexed */
            size_t agree = 0, total = 0;
            for (size_t k = 0; k < test_scaled(240); k++) {
                size_t i = (size_t)(xr() % p.n);
                const char *const *sl = srcs[k % 8];
                char *q = vary(sl[0][0] == 'a' ? p.ar[i] : p.en[i]);
                compare_n(tm, sl[0], sl[1], q, mins[k % 7], 1 + k % 4, &agree, &total);
                free(q);
            }
            fprintf(stderr,
                    "variants (chars %d, pass %d): index agrees with the oracle on %zu/%zu\n",
                    chars, pass, agree, total);
            assert_int_equal(agree, total);
            if (pass == 0) {
                jisr_tm_reindex_opts ro = JISR_TM_REINDEX_OPTS_INIT;
                assert_int_equal(jisr_tm_reindex(tm, &ro), 0);
            }
        }
        jisr_tm_close(tm);
        tmdir_remove(g_dir);
    }
    pairs_free(&p);
    g_cand_index = g_cand_oracle = 0;
}

/* The variant a query takes: -s en-GB the en-GB text only, -s en the better of the two, -t ar-EG
 * the ar-EG text, -t ar the first ar variant or the one of the source's region; concordance
 * finds a phrase in any variant. */
static void test_variants(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w(0);
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_variants(imp, 3, (const char *[]){"en-US", "en-GB", "ar"},
                 (const char *[]){"Open the color document", "Open the colour document",
                                  "افتح المستند الملون"});
    add_variants(imp, 3, (const char *[]){"en", "ar-SA", "ar-EG"},
                 (const char *[]){"Save the document", "احفظ المستند", "خزّن الوثيقة"});
    add_variants(imp, 4, (const char *[]){"fr-FR", "en-US", "fr-CA", "en-CA"},
                 (const char *[]){"Fermer la fenêtre", "Close the window", "Fermer la fenêtre",
                                  "Close the window (CA)"});
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    jisr_tm_matches m;
    struct {
        const char *src, *tgt, *q;
        int score;
        const char *source, *target;
    } cases[] = {
        {"en-GB", "ar", "Open the colour document", 100, "Open the colour document",
         "افتح المستند الملون"},
        {"en-GB", "ar", "Open the color document", -1, "Open the colour document", NULL},
        {"en", "ar", "Open the colour document", 100, "Open the colour document", NULL},
        {"en", "ar", "Open the color document", 100, "Open the color document", NULL},
        {"en-US", "ar", "Open the colour document", -1, "Open the color document", NULL},
        {"ar", "en-GB", "افتح المستند الملون", 100, NULL, "Open the colour document"},
        {"ar", "en", "افتح المستند الملون", 100, NULL, "Open the color document"},
        {"en", "ar-EG", "Save the document", 100, NULL, "خزّن الوثيقة"},
        {"en", "ar", "Save the document", 100, NULL, "احفظ المستند"},
        {"ar-EG", "en", "خزّن الوثيقة", 100, "خزّن الوثيقة", "Save the document"},
        {"ar", "en", "خزّن الوثيقة", 100, "خزّن الوثيقة", "Save the document"},
        {"fr-CA", "en", "Fermer la fenêtre", 100, NULL, "Close the window (CA)"},
        {"fr-FR", "en", "Fermer la fenêtre", 100, NULL, "Close the window"},
        {"fr", "en", "Fermer la fenêtre", 100, NULL, "Close the window"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        qo.srclang = cases[k].src;
        qo.tgtlang = cases[k].tgt;
        for (int ex = 0; ex < 2; ex++) {
            qo.flags = ex ? JISR_TM_EXHAUSTIVE : 0;
            assert_int_equal(jisr_tm_query(tm, cases[k].q, &qo, &m), 0);
            if (m.n != 1)
                fprintf(stderr, "case %zu: %zu matches\n", k, m.n);
            assert_int_equal(m.n, 1);
            if (cases[k].score >= 0)
                assert_int_equal(m.v[0].score, cases[k].score);
            else
                assert_true(m.v[0].score < 100);
            if (cases[k].source)
                assert_string_equal(m.v[0].source, cases[k].source);
            if (cases[k].target)
                assert_string_equal(m.v[0].target, cases[k].target);
            jisr_tm_matches_free(&m);
        }
    }
    jisr_tm_hits h;
    assert_int_equal(jisr_tm_concord(tm, "en", "colour", 0, &h), 0);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.v[0].unit.variants[h.v[0].variant].lang, "en-GB");
    jisr_tm_hits_free(&h);
    assert_int_equal(jisr_tm_concord(tm, "en-US", "colour", 0, &h), 0);
    assert_int_equal(h.n, 0);
    jisr_tm_hits_free(&h);
    assert_int_equal(jisr_tm_concord(tm, "ar", "الوثيقة", 0, &h), 0);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.v[0].unit.variants[h.v[0].variant].lang, "ar-EG");
    jisr_tm_hits_free(&h);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

/* Early termination: once the top list is full, its last score narrows the length window and
 * raises minC for the buckets and candidates still to come. A memory of near-duplicate
 * clusters (numbers appended, a word dropped, words appended, which move units to the next
 * bucket, and 40 units that tie exactly) makes the list fill early; every -n and --min must
 * still give the oracle's ids and scores, ties included (similarity, then the lower id). */
static void test_oracle_topn(void **state)
{
    (void)state;
    pairs p = {0};
    load_tsv(&p, JISR_TEST_DATA "/tm/ar-en.tsv", 100000);
    assert_true(p.n >= 20);
    jisr_tm *tm;
    jisr_tm_import *imp = fresh_import(&tm, 0, 200); /* several chunks per term */
    char ar[1024], en[1024];
    for (size_t i = 0; i < p.n; i++) {
        add_pair(imp, "ar", p.ar[i], "en", p.en[i]);
        for (int k = 1; k <= 3; k++) { /* ties but for the number */
            snprintf(ar, sizeof ar, "%.900s (%d)", p.ar[i], k);
            snprintf(en, sizeof en, "%.900s (%d)", p.en[i], k);
            add_pair(imp, "ar", ar, "en", en);
        }
        char *a = vary(p.ar[i]), *e = vary(p.en[i]);
        add_pair(imp, "ar", a, "en", e);
        free(a);
        free(e);
        snprintf(ar, sizeof ar, "%.900s وقال ذلك", p.ar[i]); /* two words longer */
        snprintf(en, sizeof en, "%.900s he said so", p.en[i]);
        add_pair(imp, "ar", ar, "en", en);
    }
    for (int k = 1; k <= 40; k++) {
        snprintf(en, sizeof en, "Item %d of the list is here.", k);
        snprintf(ar, sizeof ar, "البند %d من القائمة هنا.", k);
        add_pair(imp, "en", en, "ar", ar);
        snprintf(en, sizeof en, "Item %d of the list is here today.", k);
        snprintf(ar, sizeof ar, "البند %d من القائمة هنا اليوم.", k);
        add_pair(imp, "en", en, "ar", ar);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    static const size_t ns[] = {1, 2, 5, 10, 50};
    static const int mins[] = {10, 30, 55, 70, 80, 90, 100};
    size_t agree = 0, total = 0;
    for (size_t k = 0; k < test_scaled(120); k++) {
        size_t i = (size_t)(xr() % p.n);
        char *q = vary(k % 2 ? p.ar[i] : p.en[i]);
        for (size_t j = 0; j < 5; j++) /* every n, each with another min */
            compare_n(tm, k % 2 ? "ar" : "en", k % 2 ? "en" : "ar", q, mins[(k + j) % 7], ns[j],
                      &agree, &total);
        free(q);
    }
    /* a word repeated: the prefix weighs counts against list lengths (choose_prefix) */
    for (size_t k = 0; k < test_scaled(20); k++) {
        size_t i = (size_t)(xr() % p.n);
        const char *sp = strchr(p.en[i], ' ');
        int w = sp ? (int)(sp - p.en[i]) : (int)strlen(p.en[i]);
        snprintf(en, sizeof en, "%.*s %.*s %.900s %.*s", w, p.en[i], w, p.en[i], p.en[i], w,
                 p.en[i]);
        compare_n(tm, "en", "ar", en, k % 2 ? 70 : 85, k % 3 ? 5 : 1, &agree, &total);
    }
    /* 40 exact ties, and 40 more in the next bucket */
    const char *items[] = {"Item 999 of the list is here.", "Item 7 of the list is here.",
                           "Item 999 of the list is here today.", "Item of the list is here."};
    for (size_t k = 0; k < sizeof items / sizeof *items; k++)
        for (size_t j = 0; j < 5; j++)
            for (size_t m = 0; m < 7; m++)
                compare_n(tm, "en", "ar", items[k], mins[m], ns[j], &agree, &total);
    fprintf(stderr, "top-n: index agrees with the oracle on %zu/%zu queries (%zu units)\n", agree,
            total, p.n * 6 + 80);
    assert_int_equal(agree, total);
    /* the bar rises: with -n 1 the longer ties (bucket 7) cannot enter and are not read */
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    jisr_tm_matches a, b;
    qo.max_results = 1;
    assert_int_equal(jisr_tm_query(tm, items[0], &qo, &a), 0);
    qo.max_results = 100;
    assert_int_equal(jisr_tm_query(tm, items[0], &qo, &b), 0);
    assert_int_equal(a.n, 1);
    assert_int_equal(b.n, 80);
    assert_int_equal(a.v[0].id, b.v[0].id);
    assert_true(a.candidates + 40 <= b.candidates);
    jisr_tm_matches_free(&a);
    jisr_tm_matches_free(&b);
    g_cand_index = g_cand_oracle = 0;
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
    pairs_free(&p);
}

/* Long queries: the candidate search counts shared terms in a byte per unit when the query's
 * terms count at most 63 and in 32 bits beyond (cand.c); units of 40 to 350 words made of
 * consecutive sentences, their variants, and queries on both sides of 63 heavy tokens must give
 * the oracle's ids and scores either way. */
static void test_oracle_long(void **state)
{
    (void)state;
    pairs p = {0};
    load_tsv(&p, JISR_TEST_DATA "/tm/ar-en.tsv", 100000);
    assert_true(p.n >= 100);
    jisr_tm *tm;
    jisr_tm_import *imp = fresh_import(&tm, 0, 100); /* several chunks per term */
    pairs u = {0};                                   /* the long units */
    size_t cap = 16384;
    char *ar = malloc(cap), *en = malloc(cap);
    assert_non_null(ar);
    assert_non_null(en);
    for (size_t i = 0; i < p.n; i++) {
        /* every third 4 to 6 sentences (about 40 to 60 heavy tokens), the others 7 to 34 (up
         * to 350: a byte would overflow) */
        size_t k = i % 3 == 0 ? 4 + (i / 3) % 3 : 7 + (i * 7) % 28, oa = 0, oe = 0;
        for (size_t j = 0; j < k; j++) {
            size_t x = (i + j) % p.n;
            oa += (size_t)snprintf(ar + oa, cap - oa, "%s%s", j ? " " : "", p.ar[x]);
            oe += (size_t)snprintf(en + oe, cap - oe, "%s%s", j ? " " : "", p.en[x]);
        }
        add_pair(imp, "ar", ar, "en", en);
        pairs_add(&u, ar, oa, en, oe);
        char *a = vary(ar), *e = vary(en); /* a near-duplicate */
        add_pair(imp, "ar", a, "en", e);
        free(a);
        free(e);
    }
    for (size_t i = 0; i < p.n; i++) /* and the short sentences themselves */
        add_pair(imp, "ar", p.ar[i], "en", p.en[i]);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    static const int mins[] = {30, 50, 70, 85, 95};
    size_t agree = 0, total = 0, wide = 0, narrow = 0;
    const size_t nq = test_scaled(80); /* (the bounds below are for 80: scaled to nq) */
    for (size_t k = 0; k < nq; k++) {
        size_t i = (size_t)(xr() % u.n);
        if (k % 3 == 0) /* a unit of 4 to 6 sentences */
            i -= i % 3;
        int ars = k % 2;
        char *q = vary(ars ? u.ar[i] : u.en[i]);
        if (k % 5 == 4) { /* far: the first half of one unit, the second half of another */
            const char *o = ars ? u.ar[(i + 7) % u.n] : u.en[(i + 7) % u.n];
            const char *sp = strchr(o + strlen(o) / 2, ' ');
            size_t h = strlen(q) / 2;
            while (h < strlen(q) && q[h] != ' ')
                h++;
            snprintf(q + h, strlen(q) + 1 - h, "%s", sp ? sp : "");
        }
        tm_toks t = {0};
        assert_int_equal(tm_tokenize(q, strlen(q), &t), 0);
        if (t.nheavy > 63)
            wide++;
        else
            narrow++;
        tm_toks_free(&t);
        compare_n(tm, ars ? "ar" : "en", ars ? "en" : "ar", q, mins[k % 5], 1 + k % 5, &agree,
                  &total);
        free(q);
    }
    fprintf(stderr,
            "long queries: index agrees with the oracle on %zu/%zu queries (%zu over 63 heavy "
            "tokens, %zu at most)\n",
            agree, total, wide, narrow);
    assert_int_equal(agree, total);
    assert_true(wide * 80 >= 10 * nq); /* both counter widths were checked */
    assert_true(narrow * 80 >= 10 * nq);
    free(ar);
    free(en);
    pairs_free(&u);
    pairs_free(&p);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

/* Near words, compounds and UI strings: a self-written memory of short software strings whose
 * words come in inflected, compounded, hyphenated, mnemonic and typographic variants, queried
 * at every threshold from 10 to 95 with variants of its own strings; the index must give the
 * oracle's ids and scores. Also the scores the near-word costs promise. */
static void test_oracle_near(void **state)
{
    (void)state;
    static const char *const words[] = {
        "File",       "Files",    "Filename", "name",       "Name",     "Names",   "Open",
        "Opened",     "Opening",  "Save",     "Saved",      "Saving",   "Full",    "screen",
        "Fullscreen", "Screens",  "Metric",   "Metrics",    "Page",     "Pages",   "Order",
        "Ordering",   "Check",    "Update",   "Updates",    "Updated",  "colour",  "color",
        "Albania",    "Albanian", "Network",  "Networks",   "Setup",    "set",     "up",
        "Copy",       "Copies",   "Print",    "Printer",    "Printers", "Log",     "in",
        "Login",      "out",      "Logout",   "Sign",       "Signed",   "Delete",  "Deleted",
        "_Open",      "Con_nect", "Connect",  "Connection", "folder",   "Folders", "Sub",
        "Subfolder",  "view",     "Preview",  "Previews",   "Undo",     "Redo",    "Edit",
        "Edited",     "the",      "a",        "of",         "for",      "to",      "new"};
    static const char *const punct[] = {"",  ":", "...", "…",    " (%s)",
                                        "?", "!", " -",  " {0}", " {name}"};
    const size_t nw = sizeof words / sizeof words[0], np = sizeof punct / sizeof punct[0];
    jisr_tm *tm;
    jisr_tm_import *imp = fresh_import(&tm, 0, 700);
    char en[256], ar[256];
    uint64_t r = 0x2545F4914F6CDD1DULL;
    size_t nu = 0;
    for (int i = 0; i < 3000; i++) {
        size_t n = 1 + (size_t)(i % 5), o = 0;
        for (size_t k = 0; k < n; k++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            o += (size_t)snprintf(en + o, sizeof en - o, "%s%s", k ? " " : "", words[r % nw]);
        }
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        snprintf(en + o, sizeof en - o, "%s", punct[r % np]);
        snprintf(ar, sizeof ar, "ترجمة %d", i);
        add_pair(imp, "en", en, "ar", ar);
        nu++;
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    static const int mins[] = {1, 10, 30, 50, 60, 70, 85, 95};
    size_t agree = 0, total = 0;
    for (int i = 0; i < (int)test_scaled(300); i++) {
        size_t n = 1 + (size_t)(i % 4), o = 0;
        char q[256];
        for (size_t k = 0; k < n; k++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            o += (size_t)snprintf(q + o, sizeof q - o, "%s%s", k ? " " : "", words[r % nw]);
        }
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        snprintf(q + o, sizeof q - o, "%s", punct[r % np]);
        compare_n(tm, "en", "ar", q, mins[i % 7], 1 + (size_t)(i % 5), &agree, &total);
    }
    static const char *const fixed[] = {
        "Filename",      "File name",     "File-name", "Full screen", "Fullscreen",
        "Metrics",       "Albanian",      "Log in",    "Login",       "Sub folder",
        "Page Ordering", "Check Updates", "Colour"};
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
        for (size_t j = 0; j < 7; j++)
            compare_n(tm, "en", "ar", fixed[k], mins[j], 5, &agree, &total);
    fprintf(stderr, "near words: index agrees with the oracle on %zu/%zu queries (%zu units)\n",
            agree, total, nu);
    assert_int_equal(agree, total);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
    /* the scores */
    int sm = score("Metrics", "Metric"), sf = score("Filename", "File name");
    int sh = score("Full-screen", "Fullscreen"), sa = score("Albania", "Albanian");
    assert_true(sm >= 80 && sm < 90); /* one letter of seven: 15 */
    assert_true(sf >= 90 && sf < 100);
    assert_true(sh >= 90 && sh < 100);
    assert_true(sa >= 80 && sa < 90);
    assert_true(score("Check update", "Check for Updates") > score("Check update", "Check"));
    assert_int_equal(score("Apple", "Orange"), 0); /* no signature in common */
    assert_true(score("colour", "color") >= 80);
}

/* ---- numbers glued to affixes (tokenizer version 5, docs/matching.md §1.3) ----------------- */

/* the kinds and affixes of the tokens of s, as a string: W word, N number, P punctuation, T tag;
 * an affix adds its kind after it (p prefix, s suffix, o ordinal): "Wpmp" is no text, "PpN" is
 * "و2" */
static void glued_shape(const char *s, char *out, size_t cap)
{
    tm_toks t = {0};
    assert_int_equal(tm_tokenize(s, strlen(s), &t), 0);
    size_t o = 0;
    for (size_t i = 0; i < t.n && o + 3 < cap; i++) {
        out[o++] = "?WNPT"[t.v[i].kind];
        if (t.v[i].affix)
            out[o++] = "-pso"[t.v[i].affix];
    }
    out[o] = '\0';
    tm_toks_free(&t);
}

/* the surface of token k of s */
static void glued_tok(const char *s, size_t k, const char *want)
{
    tm_toks t = {0};
    assert_int_equal(tm_tokenize(s, strlen(s), &t), 0);
    assert_true(k < t.n);
    assert_int_equal(t.v[k].end - t.v[k].start, strlen(want));
    assert_memory_equal(s + t.v[k].start, want, strlen(want));
    tm_toks_free(&t);
}

static void test_glued_tokens(void **state)
{
    (void)state;
    static const struct {
        const char *s, *shape;
    } cases[] = {
        /* Arabic proclitics before a number */
        {"البنود 1 و2 و3", "WNPpNPpN"},
        {"و٢", "PpN"},
        {"ف3", "PpN"},
        {"بـ5", "PpN"},
        {"ب5", "PpN"},
        {"ك5", "PpN"},
        {"الـ70", "PpN"},
        {"ال70", "PpN"},
        {"الـــ70", "PpN"},
        {"لـ2015", "PpN"},
        {"للـ2015", "PpN"},
        {"وبالـ5", "PpN"},
        {"فلـ1,000", "PpN"},
        /* suffixes: eras, units, ordinals */
        {"عام ١٩٣٩م.", "WNWsP"},
        {"١٤٤١هـ", "NWs"},
        {"١٤٤١ه", "NWs"},
        {"5كم", "NWs"},
        {"5كغ", "NWs"},
        {"5كجم", "NWs"},
        {"3سم", "NWs"},
        {"7407th", "NPo"},
        {"1st 2nd 3rd 4th 11th 12TH", "NPoNPoNPoNPoNPoNPo"},
        {"5kg 10km 3px 100ms 2GB 5x 1,000km 2.5mm 4KiB", "NWsNWsNWsNWsNWsNWsNWsNWsNWs"},
        {"5\xc3\x97", "NWs"},
        {"والـ1990م", "PpNWs"},
        /* codes, identifiers and anything else glued to a number stay words */
        {"A0x2", "W"},
        {"H2O", "W"},
        {"mp3", "W"},
        {"x86", "W"},
        {"B2B", "W"},
        {"ISO9001", "W"},
        {"v2.4.1", "W"},
        {"COVID-19", "WPN"},
        {"10x11", "W"},
        {"10\xc3\x97"
         "11",
         "W"},
        {"0x1F", "W"},
        {"3d", "W"},
        {"deadbeef12", "W"},
        {"5kgs", "W"},
        {"1990s", "W"},
        {"KB-16M", "WPW"},
        {"5G", "W"},
        {"2nd2", "W"},
        {"5_kg", "NW"}, /* "_kg": an accelerator marker starts a word */
        {"م2", "W"},
        {"ا5", "W"},
        {"وو2", "W"},
        {"بب2", "W"},
        {"5مم2", "W"},
        {"5كمم", "W"},
        {"ـ5", "W"},
        {"5ـم", "W"},
        {"الكتاب2", "W"},
        {"2\xd9\x90م", "W"}, /* a haraka in the suffix: not read */
        {"%1st", "NW"},      /* the printf code "%1s", then a word */
    };
    char shape[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        glued_shape(cases[i].s, shape, sizeof shape);
        if (strcmp(shape, cases[i].shape) != 0)
            fprintf(stderr, "%s: %s, not %s\n", cases[i].s, shape, cases[i].shape);
        assert_string_equal(shape, cases[i].shape);
    }
    glued_tok("الـ70", 0, "الـ");
    glued_tok("الـ70", 1, "70");
    glued_tok("عام ١٩٣٩م.", 1, "١٩٣٩");
    glued_tok("عام ١٩٣٩م.", 2, "م");
    glued_tok("1,000km", 0, "1,000");
    glued_tok("7407th", 1, "th");
    /* the number is the number written alone; an affix normalises as any text does */
    tm_toks a = {0}, b = {0};
    const char *x = "بـ٥", *y = "ب5 5";
    assert_int_equal(tm_tokenize(x, strlen(x), &a), 0);
    assert_int_equal(tm_tokenize(y, strlen(y), &b), 0);
    assert_true(a.v[1].hn == b.v[1].hn && a.v[1].hn == b.v[2].hn);
    assert_true(a.v[0].hn == b.v[0].hn && a.v[0].hs != b.v[0].hs); /* the tatweel */
    /* weights: the number a word's, each affix punctuation's */
    assert_int_equal(a.w100, TM_W_WORD + TM_W_SMALL);
    assert_int_equal(a.nwords, 0);
    tm_toks_free(&a);
    tm_toks_free(&b);
}

/* the two tokenizers agree on glued numbers, affixes included */
static void same_glued(const char *s, size_t n)
{
    tm_toks a = {0}, b = {0};
    int rc = tm_tokenize_fused(s, n, &a);
    assert_true(rc >= 0);
    assert_int_equal(tm_tokenize_ref(s, n, &b), 0);
    if (rc == 1) {
        assert_int_equal(a.n, b.n);
        assert_int_equal(a.w100, b.w100);
        for (size_t i = 0; i < a.n; i++) {
            assert_int_equal(a.v[i].start, b.v[i].start);
            assert_int_equal(a.v[i].end, b.v[i].end);
            assert_int_equal(a.v[i].kind, b.v[i].kind);
            assert_int_equal(a.v[i].affix, b.v[i].affix);
            assert_true(a.v[i].hs == b.v[i].hs && a.v[i].hn == b.v[i].hn && a.v[i].hk == b.v[i].hk);
        }
    }
    tm_toks_free(&a);
    tm_toks_free(&b);
}

static void test_glued_paths(void **state)
{
    (void)state;
    static const char *const alpha[] = {"1",
                                        "0",
                                        "\xd9\xa5",
                                        "\xdb\xb4",
                                        ",",
                                        ".",
                                        "\xd9\xab",
                                        "\xd9\xac",
                                        "\xd9\x88",
                                        "\xd9\x81",
                                        "\xd8\xa8",
                                        "\xd9\x83",
                                        "\xd9\x84",
                                        "\xd8\xa7",
                                        "\xd9\x80",
                                        "\xd9\x85",
                                        "\xd9\x87",
                                        "\xd8\xa9",
                                        "\xd8\xba",
                                        "\xd8\xac",
                                        "\xd8\xb3",
                                        "\xd9\x8e",
                                        "\xd9\x93",
                                        "st",
                                        "nd",
                                        "rd",
                                        "th",
                                        "TH",
                                        "kg",
                                        "K",
                                        "m",
                                        "x",
                                        "\xc3\x97",
                                        "i",
                                        "b",
                                        "_",
                                        "&",
                                        "'",
                                        " ",
                                        "-",
                                        "%",
                                        "\xe2\x80\x8c",
                                        "\xef\xbc\x91",
                                        "\xc2\xb2",
                                        "\xee\x80\x80",
                                        "\xff"};
    const size_t na = sizeof alpha / sizeof alpha[0];
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    char buf[256];
    for (int k = 0; k < 20000; k++) {
        size_t n = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int len = (int)(x % 10) + 1;
        for (int i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t l = strlen(alpha[(x >> 16) % na]);
            memcpy(buf + n, alpha[(x >> 16) % na], l);
            n += l;
        }
        same_glued(buf, n);
    }
}

static void test_glued_scores(void **state)
{
    (void)state;
    /* a proclitic glued to a number costs what a punctuation mark does, less than a word */
    int sc = score("البنود 4 و5 و6", "البنود 1 و2 و3");
    assert_true(sc >= 85 && sc < 90);
    int cl = score("الفقرة 2 من القرار", "الفقرة و2 من القرار");
    int ow = score("الفقرة 2 من القرار", "الفقرة تم من القرار");
    assert_true(cl > ow && cl >= 90);
    /* a glued number differs as a number, its suffix as punctuation */
    int sn = score("Provisional agenda for the 7400th meeting",
                   "Provisional agenda for the 7407th meeting");
    assert_true(sn >= 95 && sn < 100);
    assert_true(score("War broke out in 1914.", "War broke out in 1939.") >= 90);
    /* a unit is a word: glued or not the same, another unit another word */
    assert_true(score("5kg", "7kg") > score("5kg", "5km"));
    assert_true(score("It weighs 5kg", "It weighs 5 kg") >= 97);
    assert_true(score("عام ١٩٣٩م", "عام ١٩٣٩ م") >= 97);
    assert_true(score("the 1st meeting", "the 2nd meeting") >= 85);
}

/* the number a match substitutes into the target, as text (NULL: none placeable) */
static void glued_query(jisr_tm *tm, const char *src, const char *tgt, const char *q,
                        const char *want, int numbers, size_t nagree)
{
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = src;
    qo.tgtlang = tgt;
    qo.min_score = 30;
    jisr_tm_matches m;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &m), 0);
    assert_true(m.n >= 1);
    if (strcmp(m.v[0].target, want) != 0 || m.v[0].numbers != numbers || m.v[0].nagree != nagree)
        fprintf(stderr, "%s: %s (numbers %d, %zu agreement), not %s (%d, %zu)\n", q, m.v[0].target,
                m.v[0].numbers, m.v[0].nagree, want, numbers, nagree);
    assert_string_equal(m.v[0].target, want);
    assert_int_equal(m.v[0].numbers, numbers);
    assert_int_equal(m.v[0].placeable, numbers == JISR_TM_NUMBERS_PLACED);
    assert_int_equal(m.v[0].nagree, nagree);
    jisr_tm_matches_free(&m);
}

static void test_glued_placeable(void **state)
{
    (void)state;
    jisr_tm *tm;
    jisr_tm_import *imp = fresh_import(&tm, 0, 0);
    add_pair(imp, "en", "Items 1, 2 and 3", "ar", "البنود 1 و2 و3");
    add_pair(imp, "en", "Provisional agenda for the 7407th meeting", "ar",
             "جدول الأعمال المؤقت للجلسة 7407");
    add_pair(imp, "en", "War broke out in 1939.", "ar", "اندلعت الحرب عام ١٩٣٩م.");
    add_pair(imp, "en", "The parcel weighs 5kg.", "ar", "يزن الطرد 5كغ.");
    add_pair(imp, "ar", "عقدت اللجنة اجتماعها 1 أمس", "en",
             "The committee held its 1st meeting yesterday");
    add_pair(imp, "en", "Welcome to the 21st session", "ar", "مرحبا بكم في الدورة 21");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    const int P = JISR_TM_NUMBERS_PLACED;
    glued_query(tm, "en", "ar", "Items 4, 5 and 6", "البنود 4 و5 و6", P, 2);
    glued_query(tm, "ar", "en", "البنود 4 و5 و6", "Items 4, 5 and 6", P, 1);
    glued_query(tm, "en", "ar", "Provisional agenda for the 7400th meeting",
                "جدول الأعمال المؤقت للجلسة 7400", P, 0);
    glued_query(tm, "en", "ar", "War broke out in 1914.", "اندلعت الحرب عام ١٩١٤م.", P, 0);
    glued_query(tm, "en", "ar", "The parcel weighs 7kg.", "يزن الطرد 7كغ.", P, 0);
    glued_query(tm, "en", "ar", "The parcel weighs 11kg.", "يزن الطرد 11كغ.", P, 1);
    /* another unit is another text: the target is not touched */
    glued_query(tm, "en", "ar", "The parcel weighs 5km.", "يزن الطرد 5كغ.", JISR_TM_NUMBERS_SAME,
                0);
    /* an English ordinal suffix follows its number; an ordinal counts nothing */
    glued_query(tm, "ar", "en", "عقدت اللجنة اجتماعها 2 أمس",
                "The committee held its 2nd meeting yesterday", P, 0);
    glued_query(tm, "ar", "en", "عقدت اللجنة اجتماعها 3 أمس",
                "The committee held its 3rd meeting yesterday", P, 0);
    glued_query(tm, "ar", "en", "عقدت اللجنة اجتماعها 12 أمس",
                "The committee held its 12th meeting yesterday", P, 0);
    glued_query(tm, "ar", "en", "عقدت اللجنة اجتماعها ١١١ أمس",
                "The committee held its 111th meeting yesterday", P, 0);
    glued_query(tm, "ar", "en", "عقدت اللجنة اجتماعها 22 أمس",
                "The committee held its 22nd meeting yesterday", P, 0);
    /* no ordinal for a fraction: not substituted, and said so */
    glued_query(tm, "ar", "en", "عقدت اللجنة اجتماعها 2.5 أمس",
                "The committee held its 1st meeting yesterday", JISR_TM_NUMBERS_AMBIGUOUS, 0);
    /* 21st / 22nd differ only in a number */
    glued_query(tm, "en", "ar", "Welcome to the 22nd session", "مرحبا بكم في الدورة 22", P, 0);
    glued_query(tm, "en", "ar", "Welcome to the 3rd session", "مرحبا بكم في الدورة 3", P, 0);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

/* the index against --exhaustive on texts full of glued numbers */
static void test_glued_oracle(void **state)
{
    (void)state;
    static const char *const words[] = {
        "البند", "الفقرة", "القرار", "الجلسة", "عام",    "من",     "و",      "في",   "item",
        "para",  "5",      "و5",     "بـ5",    "الـ70",  "لـ2015", "7",      "و7",   "1939م",
        "١٩٣٩م", "1441هـ", "5كم",    "7407th", "7400th", "1st",    "2nd",    "5kg",  "7kg",
        "5km",   "3px",    "2GB",    "5x",     "A0x2",   "H2O",    "mp3",    "v2.4", "2",
        "ف2",    "ال2",    "11th",   "وبالـ3", "3",      "كتاب",   "والبيت", "بيت",  "th"};
    const size_t nw = sizeof words / sizeof words[0];
    jisr_tm *tm;
    jisr_tm_import *imp = fresh_import(&tm, 0, 400);
    char ar[256];
    uint64_t r = 0x5DEECE66DULL;
    for (int i = 0; i < 2000; i++) {
        size_t n = 1 + (size_t)(i % 6), o = 0;
        for (size_t k = 0; k < n; k++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            o += (size_t)snprintf(ar + o, sizeof ar - o, "%s%s", k ? " " : "", words[r % nw]);
        }
        char en[32];
        snprintf(en, sizeof en, "unit %d", i);
        add_pair(imp, "ar", ar, "en", en);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    static const int mins[] = {1, 10, 30, 50, 70, 85, 95};
    size_t agree = 0, total = 0;
    for (int i = 0; i < (int)test_scaled(250); i++) {
        size_t n = 1 + (size_t)(i % 5), o = 0;
        for (size_t k = 0; k < n; k++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            o += (size_t)snprintf(ar + o, sizeof ar - o, "%s%s", k ? " " : "", words[r % nw]);
        }
        compare_n(tm, "ar", "en", ar, mins[i % 7], 1 + (size_t)(i % 5), &agree, &total);
    }
    fprintf(stderr, "glued numbers: index agrees with the oracle on %zu/%zu queries\n", agree,
            total);
    assert_int_equal(agree, total);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_format_codes),
        cmocka_unit_test(test_typography),
        cmocka_unit_test(test_tokenize_paths),
        cmocka_unit_test(test_tok_glue),
        cmocka_unit_test(test_tok_glue_one_pass),
        cmocka_unit_test(test_tok_format_one_pass),
        cmocka_unit_test(test_clitic_keys),
        cmocka_unit_test(test_scores),
        cmocka_unit_test(test_store_basics),
        cmocka_unit_test(test_schema_newer),
        cmocka_unit_test(test_map_growth),
        cmocka_unit_test(test_placeable),
        cmocka_unit_test(test_concord),
        cmocka_unit_test(test_oracle_fixture),
        cmocka_unit_test(test_oracle_shared),
        cmocka_unit_test(test_oracle_tagged),
        cmocka_unit_test(test_tag_glues_kept),
        cmocka_unit_test(test_oracle_topn),
        cmocka_unit_test(test_oracle_near),
        cmocka_unit_test(test_oracle_long),
        cmocka_unit_test(test_glued_tokens),
        cmocka_unit_test(test_glued_paths),
        cmocka_unit_test(test_glued_scores),
        cmocka_unit_test(test_glued_placeable),
        cmocka_unit_test(test_glued_oracle),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_oracle_variants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
