/*
 * test_tm_short.c — the character score of short texts and its index (tm/short.c,
 * docs/matching.md §2.6, §4.5): the score is the larger of the word score and the character
 * score computed by a plain dynamic programme here; the index path gives exactly what
 * --exhaustive gives (ids and scores) on memories of short English and Arabic strings with
 * character-level variants, at --min 10, 30, 50, 70, 90, after deletions and after a reindex.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tm/match_int.h"
#include "tm/tm.h"
#include "tm/tm_int.h"

static char g_dir[256];

static void make_dir(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/jisr-test-short-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
}

static void remove_dir(const char *d)
{
    char p[512];
    snprintf(p, sizeof p, "%s/data.mdb", d);
    unlink(p);
    snprintf(p, sizeof p, "%s/lock.mdb", d);
    unlink(p);
    rmdir(d);
}

static jisr_tm *open_w(void)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE;
    assert_int_equal(jisr_tm_open(&tm, g_dir, &o), 0);
    return tm;
}

static void add_pair(jisr_tm_import *imp, const char *l1, const char *t1, const char *l2,
                     const char *t2)
{
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_unit_add_variant(&u, l1, t1, strlen(t1), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, l2, t2, strlen(t2), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

/* Levenshtein distance over code points, the textbook way */
static size_t lev(const uint32_t *a, size_t an, const uint32_t *b, size_t bn)
{
    size_t row[TM_SHORT_MAXCP + 1];
    for (size_t j = 0; j <= bn; j++)
        row[j] = j;
    for (size_t i = 1; i <= an; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= bn; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
        }
    }
    return row[bn];
}

/* the character score of two texts by the definition (−1: one is not short) */
static int char_score(const char *a, const char *b)
{
    tm_toks x = {0}, y = {0};
    uint32_t ca[TM_SHORT_MAXCP], cb[TM_SHORT_MAXCP];
    assert_int_equal(tm_tokenize(a, strlen(a), &x), 0);
    assert_int_equal(tm_tokenize(b, strlen(b), &y), 0);
    size_t na = tm_short_form(&x, ca), nb = tm_short_form(&y, cb);
    tm_toks_free(&x);
    tm_toks_free(&y);
    if (!na || !nb)
        return -1;
    size_t l = na > nb ? na : nb, d = lev(ca, na, cb, nb);
    int s = (int)(100 * (l - d) / l);
    return (s > 99 ? 99 : s) - TM_SHORT_PEN;
}

static const char *const en_words[] = {
    "File",    "Files",    "Filename", "Open",    "Save",    "Saved",    "Settings",
    "Setting", "Transfer", "Colour",   "Color",   "Print",   "Printer",  "Preview",
    "Undo",    "Redo",     "Edit",     "Delete",  "Remove",  "Reload",   "Bookmark",
    "Folder",  "Window",   "Windows",  "Network", "Connect", "Password", "Username",
    "Search",  "Find",     "Replace",  "Zoom",    "in",      "out",      "the",
    "a",       "of",       "New",      "Close",   "Tab",     "Tabs",     "Untitled"};
static const char *const ar_words[] = {
    "ملف",  "ملفات",  "افتح",  "احفظ",    "حفظ",   "إعدادات", "الإعدادات", "نقل",
    "لون",  "اطبع",   "طابعة", "معاينة",  "تراجع", "أعد",     "حرر",       "احذف",
    "أزل",  "مجلد",   "نافذة", "النافذة", "شبكة",  "اتصل",    "كلمة",      "السر",
    "ابحث", "استبدل", "كبّر",   "جديد",    "أغلق",  "لسان",    "بلا",       "عنوان"};
static const char *const puncts[] = {"", ":", "...", "…", "?", " -", "!"};

static uint64_t rnd(uint64_t *r)
{
    *r ^= *r << 13, *r ^= *r >> 7, *r ^= *r << 17;
    return *r;
}

/* a random short string of 1–4 words, with a character-level change now and then (a letter
 * dropped, doubled or swapped, two words joined) */
static void make_text(uint64_t *r, const char *const *w, size_t nw, char *out, size_t cap)
{
    size_t n = 1 + rnd(r) % 4, o = 0;
    for (size_t k = 0; k < n && o + 64 < cap; k++) {
        const char *x = w[rnd(r) % nw];
        int join = k && rnd(r) % 8 == 0;
        o += (size_t)snprintf(out + o, cap - o, "%s%s", k && !join ? " " : "", x);
    }
    unsigned ch = (unsigned)(rnd(r) % 6);
    if (ch == 0 && o > 3) { /* drop an ASCII letter */
        size_t p = rnd(r) % o;
        if ((unsigned char)out[p] < 0x80) {
            memmove(out + p, out + p + 1, o - p);
            o--;
        }
    } else if (ch == 1 && o > 3) { /* swap two ASCII letters */
        size_t p = rnd(r) % (o - 1);
        if ((unsigned char)out[p] < 0x80 && (unsigned char)out[p + 1] < 0x80) {
            char t = out[p];
            out[p] = out[p + 1];
            out[p + 1] = t;
        }
    }
    snprintf(out + o, cap - o, "%s", puncts[rnd(r) % (sizeof puncts / sizeof puncts[0])]);
}

static size_t g_agree, g_total;

static void compare(jisr_tm *tm, const char *src, const char *tgt, const char *q, int min, size_t n)
{
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = src;
    qo.tgtlang = tgt;
    qo.min_score = min;
    qo.max_results = n;
    jisr_tm_matches a, b;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &a), 0);
    qo.flags = JISR_TM_EXHAUSTIVE;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &b), 0);
    g_total++;
    int same = a.n == b.n;
    for (size_t i = 0; same && i < a.n; i++)
        same = a.v[i].id == b.v[i].id && a.v[i].score == b.v[i].score;
    if (!same) {
        fprintf(stderr, "index/oracle differ (min %d, n %zu) for: %s\n", min, n, q);
        for (size_t i = 0; i < a.n; i++)
            fprintf(stderr, "  index  #%llu %d %s\n", (unsigned long long)a.v[i].id, a.v[i].score,
                    a.v[i].source);
        for (size_t i = 0; i < b.n; i++)
            fprintf(stderr, "  oracle #%llu %d %s\n", (unsigned long long)b.v[i].id, b.v[i].score,
                    b.v[i].source);
    }
    /* every match scores max(word, character) by the definitions */
    for (size_t i = 0; i < b.n; i++) {
        int ws = -1;
        assert_int_equal(jisr_tm_score_texts(q, b.v[i].source, &ws), 0);
        int cs = char_score(q, b.v[i].source);
        assert_int_equal(b.v[i].score, ws > cs ? ws : cs);
        assert_true(b.v[i].score >= min);
    }
    g_agree += same;
    jisr_tm_matches_free(&a);
    jisr_tm_matches_free(&b);
}

/* The definition on a few pairs: a word that shares letters but no signature scores by its
 * characters; long texts by words only. */
static void test_char_score(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    add_pair(imp, "en", "Trnasfre", "ar", "نقل");
    add_pair(imp, "en", "Open Copy", "ar", "افتح النسخة");
    add_pair(imp, "en", "Bookmarks", "ar", "العلامات");
    add_pair(imp, "ar", "الإعدادت", "en", "Settings");
    add_pair(imp, "en",
             "This sentence is far too long to be a short text for the character score, really",
             "ar", "جملة طويلة");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    int ws;
    assert_int_equal(jisr_tm_score_texts("Transfer", "Trnasfre", &ws), 0);
    assert_int_equal(ws, 0); /* no word in common, no shared signature */
    int cs = char_score("Transfer", "Trnasfre");
    assert_int_equal(cs, 50 - TM_SHORT_PEN); /* tra/trn, two swaps: distance 4 of 8 */
    for (unsigned f = 0; f < 2; f++) {
        jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
        qo.srclang = "en";
        qo.tgtlang = "ar";
        qo.min_score = 30;
        qo.flags = f ? JISR_TM_EXHAUSTIVE : 0;
        jisr_tm_matches m;
        assert_int_equal(jisr_tm_query(tm, "Transfer", &qo, &m), 0);
        assert_int_equal(m.n, 1);
        assert_string_equal(m.v[0].source, "Trnasfre");
        assert_int_equal(m.v[0].score, cs);
        jisr_tm_matches_free(&m);
        /* case and typography are folded before the characters are compared */
        assert_int_equal(jisr_tm_query(tm, "BOOK-MARKS", &qo, &m), 0);
        assert_int_equal(m.n, 1);
        assert_string_equal(m.v[0].source, "Bookmarks");
        assert_int_equal(char_score("BOOK-MARKS", "Bookmarks"), 90 - TM_SHORT_PEN);
        assert_int_equal(jisr_tm_score_texts("BOOK-MARKS", "Bookmarks", &ws), 0);
        assert_int_equal(m.v[0].score, ws > 90 - TM_SHORT_PEN ? ws : 90 - TM_SHORT_PEN);
        jisr_tm_matches_free(&m);
        /* Arabic: a dropped alef */
        qo.srclang = "ar";
        qo.tgtlang = "en";
        assert_int_equal(jisr_tm_query(tm, "الاعدادات", &qo, &m), 0);
        assert_true(m.n >= 1); /* and العلامات by its letters */
        assert_string_equal(m.v[0].target, "Settings");
        assert_true(m.v[0].score >= 88 - TM_SHORT_PEN);
        jisr_tm_matches_free(&m);
        /* a long text has no character score */
        qo.srclang = "en";
        qo.tgtlang = "ar";
        assert_int_equal(
            jisr_tm_query(tm,
                          "That sentence is far too long to be a short text for the character "
                          "scores, really",
                          &qo, &m),
            0);
        assert_int_equal(m.n, 1);
        assert_int_equal(jisr_tm_score_texts("That sentence is far too long to be a short text "
                                             "for the character scores, really",
                                             m.v[0].source, &ws),
                         0);
        assert_int_equal(m.v[0].score, ws);
        jisr_tm_matches_free(&m);
    }
    jisr_tm_close(tm);
    remove_dir(g_dir);
}

static void run_oracle(jisr_tm *tm, uint64_t *r, const char *tag)
{
    static const int mins[] = {10, 30, 50, 70, 90};
    char q[256];
    g_agree = g_total = 0;
    for (int i = 0; i < 250; i++) {
        int ar = i % 2;
        make_text(r, ar ? ar_words : en_words,
                  ar ? sizeof ar_words / sizeof ar_words[0] : sizeof en_words / sizeof en_words[0],
                  q, sizeof q);
        compare(tm, ar ? "ar" : "en", ar ? "en" : "ar", q, mins[i % 5], 1 + (size_t)(i % 5));
    }
    static const char *const fixed[] = {"Transfer", "Trnasfer", "Bookmarks", "Book marks",
                                        "Untitled", "Colour:",  "File name", "الاعدادات",
                                        "ملف جديد", "x",        "Zoom in..."};
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
        for (size_t j = 0; j < 5; j++) {
            int ar = (unsigned char)fixed[k][0] >= 0x80;
            compare(tm, ar ? "ar" : "en", ar ? "en" : "ar", fixed[k], mins[j], 3);
        }
    fprintf(stderr, "short strings (%s): index agrees with the oracle on %zu/%zu queries\n", tag,
            g_agree, g_total);
    assert_int_equal(g_agree, g_total);
}

/* Index = --exhaustive on 3,000 short strings (half English → Arabic, half Arabic → English),
 * then after deleting some, then after a reindex. */
static void test_oracle_short(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
    io.batch_units = 700;
    assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
    uint64_t r = 0x9E3779B97F4A7C15ULL;
    char a[256], b[256];
    for (int i = 0; i < 3000; i++) {
        make_text(&r, en_words, sizeof en_words / sizeof en_words[0], a, sizeof a);
        make_text(&r, ar_words, sizeof ar_words / sizeof ar_words[0], b, sizeof b);
        add_pair(imp, "en", a, "ar", b);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    run_oracle(tm, &r, "imported");
    uint64_t del[300];
    for (size_t k = 0; k < 300; k++)
        del[k] = 1 + 10 * k;
    assert_int_equal(jisr_tm_delete(tm, del, 300), 0);
    run_oracle(tm, &r, "after deleting 300");
    assert_int_equal(jisr_tm_reindex(tm, NULL), 0);
    run_oracle(tm, &r, "reindexed");
    jisr_tm_close(tm);
    remove_dir(g_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_char_score),
        cmocka_unit_test(test_oracle_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
