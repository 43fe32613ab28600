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

#include "test_scale.h"
#include "test_text_util.h" /* tu_put_utf8 */
#include "tm/formtab.h"
#include "tm/match_int.h"
#include "test_tm_dir.h"
#include "tm/tm.h"
#include "tm/tm_int.h"

static char g_dir[256];

static void make_dir(void)
{
    tmdir_make(g_dir, sizeof g_dir, "short");
}

/* A memory in dir; chars: 1 its character search turned on (a new memory), 0 left as created. */
static jisr_tm *open_in(const char *dir, int chars)
{
    jisr_tm *tm = NULL;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE;
    assert_int_equal(jisr_tm_open(&tm, dir, &o), 0);
    if (chars)
        assert_int_equal(jisr_tm_set_chars(tm, 1), 0);
    return tm;
}

static jisr_tm *open_w(void)
{
    return open_in(g_dir, 1); /* the character search is opt-in: these tests turn it on */
}

/* A new memory in g_dir, its character search on, holding the pairs (language, text, language,
 * text) in one import. */
static jisr_tm *memory_of(const char *const (*pairs)[4], size_t n)
{
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    for (size_t i = 0; i < n; i++)
        add_pair(imp, pairs[i][0], pairs[i][1], pairs[i][2], pairs[i][3]);
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    return tm;
}

/* Levenshtein distance over code points, the textbook way */
static size_t lev(const uint32_t *a, size_t an, const uint32_t *b, size_t bn)
{
    size_t row[TM_SHORT_CAP + 9];
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

/* the limit of the memory under test (test_oracle_long sets others) */
static size_t g_lim = TM_SHORT_DEFAULT;

/* ⌊100·(L − d)/L⌋ (at most 99) less the penalty, by the textbook distance */
static int lev_score(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t l = na > nb ? na : nb, d = lev(a, na, b, nb);
    int s = (int)(100 * (l - d) / l);
    return (s > 99 ? 99 : s) - TM_SHORT_PEN;
}

/* the character score of two texts by the definition (−1: one is not short): that of the
 * folded forms, less TM_SHORT_CASE % of what keeping case takes off it */
static int char_score(const char *a, const char *b)
{
    tm_toks x = {0}, y = {0};
    uint32_t ca[TM_SHORT_CAP], cb[TM_SHORT_CAP], ka[TM_SHORT_CAP], kb[TM_SHORT_CAP];
    int ma, mb;
    assert_int_equal(tm_tokenize(a, strlen(a), &x), 0);
    assert_int_equal(tm_tokenize(b, strlen(b), &y), 0);
    size_t na = tm_short_form(&x, ca, g_lim), nb = tm_short_form(&y, cb, g_lim);
    assert_int_equal(tm_short_form_cased(&x, a, ka, g_lim, &ma), na);
    assert_int_equal(tm_short_form_cased(&y, b, kb, g_lim, &mb), nb);
    tm_toks_free(&x);
    tm_toks_free(&y);
    if (!na || !nb)
        return -1;
    int s = lev_score(ca, na, cb, nb), k = lev_score(ka, na, kb, nb);
    assert_true(k <= s);
    return s - (TM_SHORT_CASE * (s - k)) / 100;
}

static const char *const en_words[] = {
    "File",     "Files",    "Filename", "Open",     "Save",     "Saved",   "Settings", "Setting",
    "Transfer", "Colour",   "Color",    "Print",    "Printer",  "Preview", "Undo",     "Redo",
    "Edit",     "Delete",   "Remove",   "Reload",   "Bookmark", "Folder",  "Window",   "Windows",
    "Network",  "Connect",  "Password", "Username", "Search",   "Find",    "Replace",  "Zoom",
    "in",       "out",      "the",      "a",        "of",       "New",     "Close",    "Tab",
    "Tabs",     "Untitled", "%s",       "%d",       "%1$s",     "%lu",     "5",        "{0}",
    "{name}",   "{{n}}"};
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
    unsigned ch = (unsigned)(rnd(r) % 8);
    if (ch == 2 && o) { /* an ASCII letter in the other case (case counts in the score, §2.6) */
        size_t p = rnd(r) % o;
        if ((unsigned)(((unsigned char)out[p] | 0x20) - 'a') < 26u)
            out[p] ^= 0x20;
    } else if (ch == 3) { /* all capitals */
        for (size_t p = 0; p < o; p++)
            if ((unsigned)((unsigned char)out[p] - 'a') < 26u)
                out[p] ^= 0x20;
    } else if (ch == 0 && o > 3) { /* drop an ASCII letter */
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
static int g_quiet; /* compare: no report of a difference (a test that expects some) */

/* The --exhaustive answers of the fixed queries of oracle_agree (§ the same query, --min and -n
 * on the same memory each time): computed once per state of the memory, and checked against the
 * definitions then, instead of once in every configuration of the index that run_oracle tries
 * (test_oracle_short: 35 runs, up to 18 on one state); oracle_forget on every change of the
 * memory (import, delete, the stored forms dropped, reindex). The random queries are new in
 * every run and get their own. Under JISR_TEST_SCALE=25 the fixed queries were half of them. */
#define ORACLE_FIXED 11
#define ORACLE_MINS 6
static jisr_tm_matches g_fixed[ORACLE_FIXED][ORACLE_MINS];
static int g_fixed_ok[ORACLE_FIXED][ORACLE_MINS];
static size_t g_fixed_computed; /* exhaustive answers computed for the fixed queries (a check) */

static void oracle_forget(void)
{
    for (size_t k = 0; k < ORACLE_FIXED; k++)
        for (size_t j = 0; j < ORACLE_MINS; j++)
            if (g_fixed_ok[k][j]) {
                jisr_tm_matches_free(&g_fixed[k][j]);
                g_fixed_ok[k][j] = 0;
            }
}

/* The index's answer to q against the exhaustive one; keep: NULL, or where that exhaustive
 * answer is kept (with *kept) for the next compare of the same query on the same memory. */
static void compare_kept(jisr_tm *tm, const char *src, const char *tgt, const char *q, int min,
                         size_t n, jisr_tm_matches *keep, int *kept)
{
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = src;
    qo.tgtlang = tgt;
    qo.min_score = min;
    qo.max_results = n;
    jisr_tm_matches a, b;
    assert_int_equal(jisr_tm_query(tm, q, &qo, &a), 0);
    int reuse = keep && *kept;
    if (reuse) {
        b = *keep;
    } else {
        qo.flags = JISR_TM_EXHAUSTIVE;
        assert_int_equal(jisr_tm_query(tm, q, &qo, &b), 0);
        if (keep)
            g_fixed_computed++;
    }
    g_total++;
    int same = a.n == b.n;
    for (size_t i = 0; same && i < a.n; i++)
        same = a.v[i].id == b.v[i].id && a.v[i].score == b.v[i].score;
    if (!same && !g_quiet) {
        fprintf(stderr, "index/oracle differ (min %d, n %zu) for: %s\n", min, n, q);
        for (size_t i = 0; i < a.n; i++)
            fprintf(stderr, "  index  #%llu %d %s\n", (unsigned long long)a.v[i].id, a.v[i].score,
                    a.v[i].source);
        for (size_t i = 0; i < b.n; i++)
            fprintf(stderr, "  oracle #%llu %d %s\n", (unsigned long long)b.v[i].id, b.v[i].score,
                    b.v[i].source);
    }
    /* every match scores max(word, character) by the definitions (a kept answer was checked
     * when it was computed) */
    for (size_t i = 0; !reuse && i < b.n; i++) {
        int ws = -1;
        assert_int_equal(jisr_tm_score_texts(q, b.v[i].source, &ws), 0);
        int cs = char_score(q, b.v[i].source);
        assert_int_equal(b.v[i].score, ws > cs ? ws : cs);
        assert_true(b.v[i].score >= min);
    }
    g_agree += same;
    jisr_tm_matches_free(&a);
    if (keep && !reuse) {
        *keep = b;
        *kept = 1;
    } else if (!keep) {
        jisr_tm_matches_free(&b);
    }
}

static void compare(jisr_tm *tm, const char *src, const char *tgt, const char *q, int min, size_t n)
{
    compare_kept(tm, src, tgt, q, min, n, NULL, NULL);
}

/* The definition on a few pairs: a word that shares letters but no signature scores by its
 * characters; long texts by words only. */
static void test_char_score(void **state)
{
    (void)state;
    static const char *const pairs[][4] = {
        {"en", "Trnasfre", "ar", "نقل"},
        {"en", "Open Copy", "ar", "افتح النسخة"},
        {"en", "Bookmarks", "ar", "العلامات"},
        {"ar", "الإعدادت", "en", "Settings"},
        {"en",
         "This sentence is far too long to be a short text for the character score, really, "
         "even now that a new memory's limit is 128 characters",
         "ar", "جملة طويلة"},
        /* 65 … 128: short in a new memory (in blocks of 64 for Myers) */
        {"en", "Couldn't open the selected file: permission denied by the operating sistem", "ar",
         "تعذر فتح الملف"},
    };
    jisr_tm *tm = memory_of(pairs, sizeof pairs / sizeof pairs[0]);
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
        /* typography is folded before the characters are compared; case counts (below) */
        assert_int_equal(jisr_tm_query(tm, "Book-marks", &qo, &m), 0);
        assert_int_equal(m.n, 1);
        assert_string_equal(m.v[0].source, "Bookmarks");
        assert_int_equal(char_score("Book-marks", "Bookmarks"), 90 - TM_SHORT_PEN);
        assert_int_equal(jisr_tm_score_texts("Book-marks", "Bookmarks", &ws), 0);
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
                          "scores, really, even now that a new memory's limit is 128 characters",
                          &qo, &m),
            0);
        assert_int_equal(m.n, 1);
        assert_int_equal(jisr_tm_score_texts("That sentence is far too long to be a short text "
                                             "for the character scores, really, even now that a "
                                             "new memory's limit is 128 characters",
                                             m.v[0].source, &ws),
                         0);
        assert_int_equal(m.v[0].score, ws);
        jisr_tm_matches_free(&m);
        /* a text of 65 … 128 code points has one (the limit of a new memory is 128) */
        static const char q75[] = "Could not open the selected files: permission denied by the "
                                  "operating system";
        assert_int_equal(jisr_tm_query(tm, q75, &qo, &m), 0);
        assert_true(m.n >= 1);
        int cs75 = char_score(q75, m.v[0].source);
        assert_true(cs75 > 64);
        assert_int_equal(jisr_tm_score_texts(q75, m.v[0].source, &ws), 0);
        assert_int_equal(m.v[0].score, cs75 > ws ? cs75 : ws);
        assert_true(cs75 > ws);
        jisr_tm_matches_free(&m);
    }
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

/* the form of text with case kept, as a string: each marked letter followed by '^' */
static void cased(const char *text, char *out, size_t cap, int *marked)
{
    tm_toks t = {0};
    uint32_t cp[TM_SHORT_CAP];
    assert_int_equal(tm_tokenize(text, strlen(text), &t), 0);
    size_t n = tm_short_form_cased(&t, text, cp, TM_SHORT_CAP, marked), o = 0;
    for (size_t i = 0; i < n && o + 8 < cap; i++) {
        uint32_t c = cp[i] & ~TM_SHORT_UPPER;
        o += (size_t)snprintf(out + o, cap - o, "%s%s", c < 0x80 ? (char[2]){(char)c, 0} : "?",
                              cp[i] & TM_SHORT_UPPER ? "^" : "");
    }
    out[o] = '\0';
    tm_toks_free(&t);
}

/* Case counts in the character score (§2.6): a letter written in capitals is another letter
 * there, as translate-toolkit compares, while the word score still takes a case difference as a
 * near-identity (3 points); hand-computed. */
static void test_case_counted(void **state)
{
    (void)state;
    static const struct {
        const char *text, *form; /* the form with case kept ('^': marked) */
        int marked;
    } forms[] = {
        {"C_reate", "c^reate", 1},   /* an accelerator dropped: letters still pair */
        {"Don\u2019t", "d^on't", 1}, /* a typographic apostrophe folded */
        {"BOOK-MARKS", "b^o^o^k^-m^a^r^k^s^", 1},
        {"Open a copy", "o^pen a copy", 1},
        {"open", "open", 0},
        /* a folding that changes the number of letters (the title-case digraph Dž, NFKC's two
         * letters): the token is left folded */
        {"\u01C5emal", "d?emal", 0},
        {"Stra\u00DFe Nr", "strasse n^r", 1}, /* ß folded to ss; Nr keeps its capital */
        /* Arabic has no case */
        {"\u0627\u0644\u0625\u0639\u062F\u0627\u062F\u0627\u062A", "?????????", 0},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char got[128];
        int marked = -1;
        cased(forms[i].text, got, sizeof got, &marked);
        assert_string_equal(got, forms[i].form);
        assert_int_equal(marked, forms[i].marked);
    }
    /* by/Busy: folded, 2 edits of 4 (50); with case kept, 3 (25) */
    assert_int_equal(char_score("by", "Busy"), 25);
    assert_int_equal(char_score("Book-marks", "BOOKMARKS"), 10);
    assert_int_equal(char_score("book-marks", "bookmarks"), 90);
    static const char *const pairs[][4] = {
        {"en", "Busy", "ar", "\u0645\u0634\u063A\u0648\u0644"},
        {"en", "Page", "ar", "\u0627\u0644\u0635\u0641\u062D\u0629"},
        {"en", "page", "ar", "\u0635\u0641\u062D\u0629"},
    };
    jisr_tm *tm = memory_of(pairs, sizeof pairs / sizeof pairs[0]);
    static const struct {
        const char *q;
        int min;
        size_t n;
        const char *src[2];
        int score[2];
    } qs[] = {
        {"by", 30, 0, {NULL}, {0}},                   /* 50 folded: no longer an answer at 30 */
        {"by", 20, 1, {"Busy"}, {25}},                /* … but 25 with case kept */
        {"busy", 30, 1, {"Busy"}, {97}},              /* the word score: case is a near-identity */
        {"page", 30, 2, {"page", "Page"}, {100, 97}}, /* issue 12's example: 97, not 99 */
        {"PAGE", 30, 2, {"Page", "page"}, {97, 97}},
    };
    for (unsigned f = 0; f < 2; f++)
        for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
            jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
            qo.srclang = "en";
            qo.tgtlang = "ar";
            qo.min_score = qs[i].min;
            qo.flags = f ? JISR_TM_EXHAUSTIVE : 0;
            jisr_tm_matches m;
            assert_int_equal(jisr_tm_query(tm, qs[i].q, &qo, &m), 0);
            assert_int_equal(m.n, qs[i].n);
            for (size_t k = 0; k < m.n; k++) {
                assert_string_equal(m.v[k].source, qs[i].src[k]);
                assert_int_equal(m.v[k].score, qs[i].score[k]);
            }
            jisr_tm_matches_free(&m);
        }
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

/* The bit-parallel distance against the dynamic programme, on random forms of 1 … 255 code
 * points over small alphabets (so that they share much) and after a few edits of each other: one
 * block and several, a query longer and shorter than the unit, the block edges. */
static void test_myers_blocks(void **state)
{
    (void)state;
    uint64_t r = 77;
    static const uint32_t alpha[] = {'a', 'b', 'c', ' ', 0x627, 0x644, 'e', 0x1F600};
    uint32_t a[TM_SHORT_CAP], b[TM_SHORT_CAP + 8];
    size_t multi = 0;
    for (int it = 0; it < 6000; it++) {
        size_t k = 1 + rnd(&r) % 8; /* alphabet size */
        size_t an = it < 40 ? (size_t)(60 + it % 10 * 16 + it / 10) % TM_SHORT_CAP + 1
                            : 1 + rnd(&r) % TM_SHORT_CAP;
        for (size_t i = 0; i < an; i++)
            a[i] = alpha[rnd(&r) % k];
        size_t bn;
        if (rnd(&r) % 2) { /* a few edits of a */
            bn = 0;
            for (size_t i = 0; i < an && bn < TM_SHORT_CAP; i++) {
                unsigned e = (unsigned)(rnd(&r) % 16);
                if (e == 0)
                    continue; /* deleted */
                if (e == 1 && bn + 1 < TM_SHORT_CAP)
                    b[bn++] = alpha[rnd(&r) % 8]; /* inserted */
                b[bn++] = e == 2 ? alpha[rnd(&r) % 8] : a[i];
            }
        } else {
            bn = rnd(&r) % (TM_SHORT_CAP + 1);
            for (size_t i = 0; i < bn; i++)
                b[i] = alpha[rnd(&r) % k];
        }
        uint32_t d = tm_short_lev(a, an, b, bn);
        assert_int_equal(d, lev(a, an, b, bn));
        multi += an > 64;
    }
    assert_true(multi > 4000);
}

/* Lemma 7 (docs/matching.md §4.5) by brute force: for random forms a over four letters (so that
 * pairs repeat) and b up to three random edits from a, every set of a's pairs that occur once in a
 * and take more than lev(a, b) edits to break (tm_short_edits_to_break) holds a pair that b has;
 * and the count is the fewest edits: each edit breaks two adjacent pairs at most, so a set with no
 * two adjacent pairs takes one per pair, and pairs p, p + 1 take one. */
static void test_located_lemma(void **state)
{
    (void)state;
    assert_int_equal(tm_short_edits_to_break(0), 0);
    assert_int_equal(tm_short_edits_to_break(0x1), 1);
    assert_int_equal(tm_short_edits_to_break(0x3), 1); /* pairs 0, 1: the edit of code point 1 */
    { /* across words (forms of more than 65 code points): pairs 63 and 64 take one edit */
        uint64_t m2[4] = {(uint64_t)1 << 63, 1, 0, 0};
        assert_int_equal(tm_short_edits_to_break_n(m2, 4), 1);
        m2[0] = (uint64_t)1 << 62; /* 62 and 64: two */
        assert_int_equal(tm_short_edits_to_break_n(m2, 4), 2);
        uint64_t m3[4] = {~(uint64_t)0, ~(uint64_t)0, ~(uint64_t)0, 0x7FFFFFFFFFFFFFFFULL};
        assert_int_equal(tm_short_edits_to_break_n(m3, 4), 128); /* 255 pairs: ⌈255 / 2⌉ */
    }
    assert_int_equal(tm_short_edits_to_break(0x7), 2);  /* 0, 1, 2 */
    assert_int_equal(tm_short_edits_to_break(0x5), 2);  /* 0, 2: no edit breaks both */
    assert_int_equal(tm_short_edits_to_break(0x16), 2); /* 1, 2, 4 */
    assert_int_equal(tm_short_edits_to_break((uint64_t)3 << 62), 1);
    assert_int_equal(tm_short_edits_to_break(~(uint64_t)0), 32);
    uint64_t r = 0x1234567ULL;
    size_t checked = 0, tight = 0;
    for (int it = 0; it < 20000; it++) {
        uint32_t a[16], b[24];
        size_t an = 2 + rnd(&r) % 13, bn = an;
        for (size_t i = 0; i < an; i++)
            a[i] = 'a' + (uint32_t)(rnd(&r) % 4);
        memcpy(b, a, an * sizeof *a);
        for (size_t e = rnd(&r) % 4; e > 0; e--) { /* b: a after up to 3 random edits */
            size_t at = rnd(&r) % (bn + 1), op = rnd(&r) % 3;
            if (op == 0 && at < bn) { /* substitute */
                b[at] = 'a' + (uint32_t)(rnd(&r) % 4);
            } else if (op == 1 && at < bn && bn > 1) { /* delete */
                memmove(b + at, b + at + 1, (bn - at - 1) * sizeof *b);
                bn--;
            } else { /* insert */
                memmove(b + at + 1, b + at, (bn - at) * sizeof *b);
                b[at] = 'a' + (uint32_t)(rnd(&r) % 4);
                bn++;
            }
        }
        size_t d = lev(a, an, b, bn);
        uint64_t single = 0, inb = 0;
        for (size_t i = 0; i + 1 < an; i++) {
            size_t k = 0, kb = 0;
            for (size_t j = 0; j + 1 < an; j++)
                k += a[j] == a[i] && a[j + 1] == a[i + 1];
            for (size_t j = 0; j + 1 < bn; j++)
                kb += b[j] == a[i] && b[j + 1] == a[i + 1];
            single |= (uint64_t)(k == 1) << i;
            inb |= (uint64_t)(kb > 0) << i;
        }
        for (uint64_t mask = single; mask; mask = (mask - 1) & single) { /* every subset */
            size_t e = tm_short_edits_to_break(mask);
            if (e > d) {
                checked++;
                assert_true((mask & inb) != 0);
            } else if (e == d && !(mask & inb)) {
                tight++; /* b broke them all with exactly e edits: the count is not too low */
            }
        }
    }
    fprintf(stderr, "Lemma 7: %zu sets checked, %zu broken with exactly the edits counted\n",
            checked, tight);
    assert_true(checked > 10000);
    assert_true(tight > 100);
}

/* the queries of run_oracle: the number that agree (of g_total); 250 random ones (fewer by
 * JISR_TEST_SCALE: every --min and -n still taken, in both directions), then the fixed ones */
static size_t oracle_agree(jisr_tm *tm, uint64_t *r)
{
    static const int mins[] = {1, 10, 30, 50, 70, 90};
    char q[256];
    const int nq = (int)test_scaled(250);
    g_agree = g_total = 0;
    for (int i = 0; i < nq; i++) {
        int ar = i % 2;
        make_text(r, ar ? ar_words : en_words,
                  ar ? sizeof ar_words / sizeof ar_words[0] : sizeof en_words / sizeof en_words[0],
                  q, sizeof q);
        /* every --min in both directions, the number of matches apart from both */
        compare(tm, ar ? "ar" : "en", ar ? "en" : "ar", q, mins[(i / 2) % 6],
                1 + (size_t)((i / 3) % 5));
    }
    static const char *const fixed[] = {"Transfer", "Trnasfer", "Bookmarks", "Book marks",
                                        "Untitled", "Colour:",  "File name", "الاعدادات",
                                        "ملف جديد", "x",        "Zoom in..."};
    _Static_assert(sizeof fixed / sizeof fixed[0] == ORACLE_FIXED, "g_fixed's size");
    _Static_assert(sizeof mins / sizeof mins[0] == ORACLE_MINS, "g_fixed's size");
    for (size_t k = 0; k < ORACLE_FIXED; k++)
        for (size_t j = 0; j < ORACLE_MINS; j++) {
            int ar = (unsigned char)fixed[k][0] >= 0x80;
            compare_kept(tm, ar ? "ar" : "en", ar ? "en" : "ar", fixed[k], mins[j], 3,
                         &g_fixed[k][j], &g_fixed_ok[k][j]);
        }
    return g_agree;
}

static void run_oracle(jisr_tm *tm, uint64_t *r, const char *tag)
{
    oracle_agree(tm, r);
    fprintf(stderr, "short strings (%s): index agrees with the oracle on %zu/%zu queries\n", tag,
            g_agree, g_total);
    assert_int_equal(g_agree, g_total);
}

/* run_oracle with the scan of Lemma 8 on every length of every window (tm_short_scan_pct 0), by
 * the portable lanes, then by AVX2 where the processor has it; the scan must have been taken.
 * From the tables, the forms that passed the signatures in groups where few did are gathered
 * (session 22) but in the sixth run (AVX2, none gathered: each group scored whole). */
static void scan_oracle(jisr_tm *tm, uint64_t *r, const char *tag)
{
    char t[160];
    size_t was = tm_short_scan_pct;
    const unsigned gather = tm_short_gather_max;
    tm_short_scan_pct = 0;
    /* by the cursor, then from the form tables of jisr_tm_warm (formtab.c) */
    for (int tab = 0; tab <= 1; tab++) {
        tm_short_ftab = tab ? 0 : -1;
        if (tab) {
            jisr_tm_warm_stats st;
            assert_int_equal(jisr_tm_warm(tm, &st), 0);
            assert_int_equal(st.usable, 1);
            assert_true(st.forms > 4000); /* (both languages of about 3,000 units) */
            assert_true(st.bytes > 0);
        }
        /* (from the tables, a third run without the signatures of Lemma 9, a fourth by the
         * AVX-512 lanes where the processor has them, and where it has AVX512_VPOPCNTDQ — their
         * early stop on the diagonal in the fourth — a fifth with the last row's bound, a sixth
         * by AVX2 with no form gathered) */
        for (int lanes = 1; lanes <= (tab ? 6 : 2); lanes++) {
            if (lanes >= 2 && !tm_short_has_avx2()) {
                fprintf(stderr, "(no AVX2 here: its lanes not tested)\n");
                break;
            }
            if (lanes >= 4 && lanes <= 5 && !tm_short_has_avx512()) {
                fprintf(stderr, "(no AVX-512 here: its lanes not tested)\n");
                continue;
            }
            if (lanes == 5 && !tm_short_has_vpop()) {
                fprintf(stderr, "(no AVX512_VPOPCNTDQ here: the last row's bound ran above)\n");
                continue;
            }
            tm_short_lanes = lanes == 3 || lanes == 6 ? 2 : lanes >= 4 ? 3 : lanes;
            tm_short_novpop = lanes == 5;
            tm_short_ftsig = lanes != 3;
            tm_short_gather_max = lanes == 6 ? 0 : gather;
            tm_short_nscan = tm_short_nscanned = tm_short_ntab = tm_short_nsig = 0;
            tm_short_n512 = tm_short_ngather = tm_short_ngath = tm_short_nlanes = 0;
            snprintf(t, sizeof t, "%s, %s lanes%s%s%s", tag,
                     lanes == 1   ? "portable"
                     : lanes == 4 ? "AVX-512"
                     : lanes == 5 ? "AVX-512 (last row's bound)"
                                  : "AVX2",
                     tab ? ", form tables" : "", lanes == 3 ? " without signatures" : "",
                     lanes == 6 ? " none gathered" : "");
            run_oracle(tm, r, t);
            fprintf(stderr,
                    "  %zu lengths scanned, %zu forms scored, %zu from tables, %zu of them left "
                    "by their signatures, %zu gathered, %zu lanes run, %zu by the AVX-512 lanes "
                    "(%zu columns gathered)\n",
                    tm_short_nscan, tm_short_nscanned, tm_short_ntab, tm_short_nsig, tm_short_ngath,
                    tm_short_nlanes, tm_short_n512, tm_short_ngather);
            if (tab && lanes != 3 && lanes != 6) /* passing forms of groups where few passed */
                assert_true(tm_short_ngath > 0);
            else
                assert_int_equal(tm_short_ngath, 0);
            if (lanes >= 4 && lanes <= 5) /* (queries of 17–64 code points) */
                assert_true(tm_short_n512 > 1000);
            else
                assert_int_equal(tm_short_n512, 0);
            assert_true(tm_short_nscan > 100);
            if (tab) /* every form scanned came from a table */
                assert_int_equal(tm_short_ntab, tm_short_nscanned);
            else
                assert_int_equal(tm_short_ntab, 0);
            if (tab && lanes != 3) /* groups left whole by Lemma 9, by either lanes */
                assert_true(tm_short_nsig > 0);
            else
                assert_int_equal(tm_short_nsig, 0);
        }
        tm_short_ftsig = 1;
        tm_short_novpop = 0;
        tm_short_gather_max = gather;
    }
    tm_short_ftab = -1; /* the handle keeps its tables: the other checks by the cursor */
    tm_short_lanes = 0;
    tm_short_scan_pct = was;
}

/* run_oracle with the handle's form tables (tm must have them: jisr_tm_warm) and the counting
 * path on every length (never the scan): the candidates' forms come from the tables, found by
 * their ids, instead of by the cursor; on return the tables are off for the other checks. */
static void table_counting_oracle(jisr_tm *tm, uint64_t *r, const char *tag)
{
    size_t was = tm_short_scan_pct, tp = tm_short_tab_pct, ta = tm_short_tab_alive;
    tm_short_ftab = 0;
    tm_short_scan_pct = 200;
    tm_short_tab_pct = 1000000; /* (a prefix's ids are never that many times a length's forms) */
    tm_short_tab_alive = 0;
    tm_short_nscanned = tm_short_ntabc = 0;
    run_oracle(tm, r, tag);
    fprintf(stderr, "  %zu candidates' forms from the tables\n", tm_short_ntabc);
    assert_int_equal(tm_short_nscanned, 0); /* (a length without forms is "scanned", empty) */
    assert_true(tm_short_ntabc > 1000);
    tm_short_ftab = -1;
    tm_short_scan_pct = was;
    tm_short_tab_pct = tp;
    tm_short_tab_alive = ta;
}

/* Index = --exhaustive on 3,000 short strings (half English → Arabic, half Arabic → English),
 * then after deleting some, then after a reindex. */
/* The key prefix (language and length l) of the stored forms of l code points (§4.5). */
static uint64_t forms_prefix(tm_toks *t, const char *lang, size_t l)
{
    char text[TM_SHORT_CAP + 1];
    unsigned char val[TM_SHORT_FORMMAX];
    uint64_t pk;
    memset(text, 'x', l); /* a text of l code points gives the key */
    assert_int_equal(tm_tokenize(text, l, t), 0);
    assert_true(tm_short_form_val(t, tm_lang_hash(lang), &pk, val, TM_SHORT_CAP) == l);
    return pk;
}

/* Remove the stored forms (docs/matching.md §4.5) of languages en and ar from the memory whose
 * unit id is a multiple of every (1: all, as a memory written with the setting on before the
 * forms were stored has none; 3: a memory where later imports stored them, so that the search's
 * cursor meets ids without a form between ids with one); the number removed. Unless
 * keep_record, the forms' record goes too, as in a memory written before it (the scan of
 * Lemma 8 is then never taken). */
static size_t drop_forms_of(jisr_tm *tm, uint32_t every, int keep_record)
{
    static const char *const langs[] = {"en", "ar"};
    tm_toks t = {0};
    size_t n = 0;
    MDB_txn *txn;
    MDB_cursor *cur;
    assert_int_equal(mdb_txn_begin(tm->env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_cursor_open(txn, tm->post, &cur), 0);
    for (size_t l = 1; l <= TM_SHORT_CAP; l++) {
        for (size_t g = 0; g < 2; g++) {
            unsigned char key[12] = {0};
            jisr_be_put(key, forms_prefix(&t, langs[g], l), 8);
            jisr_be_put(key + 8, 0, 4);
            MDB_val k = {12, key}, v;
            int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); /* (prefix, id 0) or after */
            while (rc == 0 && k.mv_size == 12 && memcmp(k.mv_data, key, 8) == 0) {
                uint64_t id = jisr_be_get((const unsigned char *)k.mv_data + 8, 4);
                if (id % every == 0) {
                    assert_int_equal(mdb_cursor_del(cur, 0), 0);
                    n++;
                    jisr_be_put(key + 8, id + 1, 4); /* on from the next id */
                    k = (MDB_val){12, key};
                    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
                } else {
                    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
                }
            }
        }
    }
    mdb_cursor_close(cur);
    if (!keep_record) { /* as in a memory written before the forms' record */
        unsigned char key[12] = {0};
        jisr_be_put(key, tm_short_formrec_prefix(), 8);
        MDB_val k = {12, key};
        int rc = mdb_del(txn, tm->post, &k, NULL);
        assert_true(rc == 0 || rc == MDB_NOTFOUND);
    }
    assert_int_equal(mdb_txn_commit(txn), 0);
    tm_toks_free(&t);
    oracle_forget();
    return n;
}

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
    oracle_forget();
    g_fixed_computed = 0;
    tm_short_nlocated = 0;
    run_oracle(tm, &r, "imported");
    assert_true(tm_short_nlocated > 0); /* some lengths' candidates came from Lemma 7's prefix */
    /* the bag bound on every candidate set the pair terms find (at 1M units it runs on sets of
     * 2048 and more; here there are fewer) */
    tm_short_bag_min = 1;
    tm_short_scan_pct = SIZE_MAX; /* (the counting path) */
    run_oracle(tm, &r, "bag bound on every pair search");
    tm_short_bag_min = 2048;
    tm_short_nscan = 0;
    run_oracle(tm, &r, "no scan");
    assert_int_equal(tm_short_nscan, 0);
    /* every length of every window scanned (Lemma 8), by the portable lanes and by AVX2 */
    scan_oracle(tm, &r, "scanned");
    tm_short_ftab = 0; /* the tables where the scan's usual rule takes it */
    run_oracle(tm, &r, "form tables, the scan by its rule");
    table_counting_oracle(tm, &r, "form tables, the counting path");
    uint64_t del[300];
    for (size_t k = 0; k < 300; k++)
        del[k] = 1 + 10 * k;
    assert_int_equal(jisr_tm_delete(tm, del, 300), 0);
    oracle_forget();
    run_oracle(tm, &r, "after deleting 300");
    scan_oracle(tm, &r, "scanned after deleting 300");
    table_counting_oracle(tm, &r, "form tables, the counting path, after deleting 300");
    /* a third of the units without their stored forms but the record left: the scan misses
     * them, and the oracle sees it (what the record guards against) */
    assert_true(drop_forms_of(tm, 3, 1) > 1000);
    tm_short_scan_pct = 0;
    g_quiet = 1;
    assert_true(oracle_agree(tm, &r) < g_total);
    g_quiet = 0;
    /* … and without the record, as in a memory written before it: no scan, the same answers */
    assert_true(drop_forms_of(tm, 3, 0) == 0);
    tm_short_nscan = 0;
    run_oracle(tm, &r, "a third without stored forms, forced scan, no record");
    assert_int_equal(tm_short_nscan, 0);
    tm_short_scan_pct = 50;
    /* the cursor that reads the forms in id order steps over ids that have none (§4.5) */
    run_oracle(tm, &r, "a third without stored forms");
    /* without the stored forms (a memory written before them): the same answers, from records */
    assert_true(drop_forms_of(tm, 1, 0) > 1500);
    run_oracle(tm, &r, "without stored forms");
    assert_int_equal(drop_forms_of(tm, 1, 0), 0);
    assert_int_equal(jisr_tm_reindex(tm, NULL), 0); /* forms and their record anew */
    oracle_forget();
    run_oracle(tm, &r, "reindexed");
    scan_oracle(tm, &r, "reindexed, scanned");
    tm_short_ftab = 0;
    /* the fixed queries' exhaustive answers: once in each of the 6 states the oracle saw
     * (imported, deleted, a third of the forms dropped with and without their record, all
     * dropped, reindexed), not once per run */
    fprintf(stderr, "fixed queries: %zu exhaustive answers computed\n", g_fixed_computed);
    assert_int_equal(g_fixed_computed, 6 * ORACLE_FIXED * ORACLE_MINS);
    oracle_forget();
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

/* a text of 2–40 words (about 5 to 250 code points), for texts on both sides of every limit */
static void make_long(uint64_t *r, const char *const *w, size_t nw, char *out, size_t cap)
{
    size_t n = 2 + rnd(r) % 39, o = 0;
    out[0] = '\0';
    for (size_t k = 0; k < n && o + 32 < cap; k++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", k ? " " : "", w[rnd(r) % nw]);
}

/* a few character edits of a (ASCII letters dropped, doubled, swapped; spaces removed: words
 * joined, which with a repeated word once made the word index miss units, §4.2) */
static void mutate(uint64_t *r, const char *a, char *out, size_t cap)
{
    size_t o = 0, n = strlen(a);
    for (size_t i = 0; i < n && o + 3 < cap; i++) {
        unsigned e = (unsigned)(rnd(r) % 24);
        int ascii = (unsigned char)a[i] < 0x80;
        if (ascii && e == 0)
            continue;
        out[o++] = a[i];
        if (ascii && e == 1)
            out[o++] = a[i];
        if (ascii && e == 3 && (unsigned)(((unsigned char)a[i] | 0x20) - 'a') < 26u)
            out[o - 1] ^= 0x20; /* the other case */
        if (ascii && e == 2 && i + 1 < n && (unsigned char)a[i + 1] < 0x80) {
            out[o - 1] = a[i + 1];
            out[o++] = a[i++];
        }
    }
    out[o] = '\0';
}

/* Index = --exhaustive (ids and scores, and every score max(word, character) by the
 * definitions at the memory's limit) on memories of texts of 5 to 250 code points, each in near
 * variants, at limits 64, 128 and 200 and every --min from 10 to 90: forms longer than 64 take
 * Myers in blocks and Lemma 7's masks across words; forms above the limit score by words. And
 * with the character search off: the word index alone on long texts with words joined. */
static void test_oracle_long(void **state)
{
    (void)state;
    static const size_t lims[] = {0, 64, 128, 200}; /* 0: the character search off */
    char base[300][1100], a[1100], b[1100];
    for (size_t li = 0; li < 4; li++) {
        g_lim = lims[li];
        make_dir();
        jisr_tm *tm = open_in(g_dir, 0);
        if (g_lim)
            assert_int_equal(jisr_tm_set_chars(tm, (int)g_lim), 0);
        jisr_tm_stats st;
        assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
        assert_int_equal(st.chars, (int)g_lim);
        jisr_tm_stats_free(&st);
        jisr_tm_import *imp;
        assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
        uint64_t r = 0x51ED2701A3C4F0B9ULL + li;
        for (int i = 0; i < 300; i++) {
            int ar = i % 3 == 2;
            make_long(&r, ar ? ar_words : en_words,
                      ar ? sizeof ar_words / sizeof ar_words[0]
                         : sizeof en_words / sizeof en_words[0],
                      base[i], sizeof base[i]);
            for (int v = 0; v < 4; v++) { /* the text and three near variants */
                if (v)
                    mutate(&r, base[i], a, sizeof a);
                else
                    memcpy(a, base[i], strlen(base[i]) + 1);
                snprintf(b, sizeof b, "%s %d", ar ? "unit" : "وحدة", i);
                add_pair(imp, ar ? "ar" : "en", a, ar ? "en" : "ar", b);
            }
        }
        assert_int_equal(jisr_tm_import_end(imp, 1), 0);
        jisr_tm_warm_stats ws;
        assert_int_equal(jisr_tm_warm(tm, &ws), 0);
        assert_int_equal(ws.usable, g_lim > 0);
        g_agree = g_total = 0;
        size_t mid = 0, above = 0, tabbed = 0;
        const size_t nq = test_scaled(300); /* (the bounds below are for 300: scaled to nq) */
        for (int i = 0; i < (int)nq; i++) {
            int ar = i % 3 == 2, min = 10 + 10 * (i % 9);
            mutate(&r, base[(i * 7) % 300], a, sizeof a);
            tm_toks t = {0};
            uint32_t cp[TM_SHORT_CAP];
            assert_int_equal(tm_tokenize(a, strlen(a), &t), 0);
            size_t n = tm_short_form(&t, cp, TM_SHORT_CAP);
            tm_toks_free(&t);
            mid += n > 64 && n <= g_lim;
            above += n == 0 || n > g_lim;
            compare(tm, ar ? "ar" : "en", ar ? "en" : "ar", a, min, 1 + (size_t)(i % 5));
            /* again with every length of the window scanned (its forms of up to 200 code points
             * against a query of at most 64; longer queries keep the counting path) */
            tm_short_scan_pct = 0;
            tm_short_ftab = -1; /* by the cursor */
            compare(tm, ar ? "ar" : "en", ar ? "en" : "ar", a, min, 1 + (size_t)(i % 5));
            tm_short_ftab = 0; /* from the form tables (32-bit lanes up to 32 code points) */
            tm_short_ntab = 0;
            compare(tm, ar ? "ar" : "en", ar ? "en" : "ar", a, min, 1 + (size_t)(i % 5));
            tabbed += tm_short_ntab > 0;
            tm_short_scan_pct = 50;
        }
        fprintf(stderr,
                "long strings (limit %zu): index agrees with the oracle on %zu/%zu queries (%zu of "
                "65 … %zu code points, %zu longer)\n",
                g_lim, g_agree, g_total, mid, g_lim, above);
        assert_int_equal(g_agree, g_total);
        fprintf(stderr, "  %zu queries scanned form tables\n", tabbed);
        if (g_lim)
            assert_true(tabbed * 300 > 50 * nq);
        assert_true(above * 300 > 20 * nq);
        if (g_lim > 64)
            assert_true(mid * 300 > 40 * nq);
        jisr_tm_close(tm);
        tmdir_remove(g_dir);
    }
    g_lim = TM_SHORT_DEFAULT;
}

/* q from English to Arabic at --min 90, at most 5 matches, into *m (the query must succeed) */
static void query90(jisr_tm *tm, const char *q, jisr_tm_matches *m)
{
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    qo.min_score = 90;
    qo.max_results = 5;
    assert_int_equal(jisr_tm_query(tm, q, &qo, m), 0);
}

/* The scan (Lemma 8) scores every form of a length, the last partial group of four lanes too:
 * memories of n = 1 … 9 texts of 11 code points (four words of two letters, no near words),
 * queried with unit n's text one letter changed at --min 90 — only its character score (90)
 * reaches the bar, its word score does not (3 of 4 words) — must answer unit n, having scored
 * exactly n forms, by either lanes. */
static void test_scan_batches(void **state)
{
    (void)state;
    static const int ns[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 20};
    for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
        for (int lanes = 1; lanes <= 4; lanes++) { /* 3, 4: lanes 1, 2 from the form tables */
            int n = ns[ni], tab = lanes > 2;
            if (lanes % 2 == 0 && !tm_short_has_avx2())
                continue;
            make_dir();
            jisr_tm *tm = open_w();
            jisr_tm_import *imp;
            assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
            char a[16], q[16];
            for (int i = 1; i <= n; i++) {
                for (int k = 0, o = 0; k < 8; k++) {
                    a[o++] = (char)('a' + (k * 3 + i * 7) % 26);
                    if (k % 2 && k < 7)
                        a[o++] = ' ';
                }
                a[11] = '\0';
                char tgt[32];
                snprintf(tgt, sizeof tgt, "وحدة %d", i);
                add_pair(imp, "en", a, "ar", tgt);
            }
            assert_int_equal(jisr_tm_import_end(imp, 1), 0);
            memcpy(q, a, sizeof a); /* unit n's, its last letter changed */
            q[10] = q[10] == 'z' ? 'y' : 'z';
            if (tab)
                assert_int_equal(jisr_tm_warm(tm, NULL), 0);
            tm_short_scan_pct = 0;
            tm_short_lanes = tab ? lanes - 2 : lanes;
            tm_short_nscan = tm_short_nscanned = tm_short_ntab = 0;
            jisr_tm_matches m;
            query90(tm, q, &m);
            assert_int_equal(m.n, 1);
            assert_int_equal(m.v[0].id, n);
            assert_int_equal(m.v[0].score, 90);
            jisr_tm_matches_free(&m);
            assert_true(tm_short_nscan >= 1); /* (10, 11 and 12: the window at 90) */
            assert_int_equal(tm_short_nscanned, n);
            assert_int_equal(tm_short_ntab, tab ? (size_t)n : 0);
            int ws;
            assert_int_equal(jisr_tm_score_texts(q, a, &ws), 0);
            assert_true(ws < 90);
            tm_short_scan_pct = 50;
            tm_short_lanes = 0;
            jisr_tm_close(tm);
            tmdir_remove(g_dir);
        }
}

/* q at --min 90 with every length scanned from the form tables by the lanes given (1 portable,
 * 2 AVX2, 3 AVX-512), the counters zeroed first: it must answer unit id alone, at score. 0 when
 * this processor has not those lanes (nothing done). */
static int table_query90(jisr_tm *tm, int lanes, const char *q, uint32_t id, int score)
{
    if ((lanes == 2 && !tm_short_has_avx2()) || (lanes == 3 && !tm_short_has_avx512()))
        return 0;
    tm_short_scan_pct = 0;
    tm_short_ftab = 0;
    tm_short_lanes = lanes;
    tm_short_nscanned = tm_short_ntab = tm_short_nsig = tm_short_n512 = tm_short_ngather = 0;
    tm_short_ngath = tm_short_nlanes = 0;
    jisr_tm_matches m;
    query90(tm, q, &m);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.v[0].id, id);
    assert_int_equal(m.v[0].score, score);
    jisr_tm_matches_free(&m);
    return 1;
}

/* The AVX-512 lanes' masks (short.c, session 15): a column whose symbols are all below 64 in the
 * language's numbering by frequency (formtab.c) takes its masks from a lookup in 64, any other
 * by a gather; the AVX2 32-bit lanes' likewise below 32 (session 16). 48 English units of L code
 * points use 69 symbols often (a–z, 0–9, Greek α–ω but ς, nine punctuation marks); one more, at
 * position pos, is w Cyrillic letters separated by spaces, ranked after them all (each once). The
 * query is that unit with k letters changed (to other Cyrillic letters): its character score 100 (L
 * − k) / L reaches 90, its word score does not, so at --min 90 with the scan forced from the tables
 * only the lanes can find it — by each lanes, and by the AVX-512 ones with columns gathered. L = 23
 * (w = 12, k = 2: the 32-bit lanes) and 47 (w = 24, k = 4: the 64-bit lanes, whose two sets of
 * eight are lanes 0, 1, 4, 5, 8, 9, 12, 13 and the others: pos 9 and 10 are one in each). */
static void test_scan_rare(void **state)
{
    (void)state;
    static const char punct[] = ".,;:!?-()";
    uint32_t often[69];
    size_t no = 0;
    for (uint32_t c = 'a'; c <= 'z'; c++)
        often[no++] = c;
    for (uint32_t c = '0'; c <= '9'; c++)
        often[no++] = c;
    for (uint32_t c = 0x3B1; c <= 0x3C9; c++)
        if (c != 0x3C2)
            often[no++] = c;
    for (size_t i = 0; punct[i]; i++)
        often[no++] = (uint32_t)punct[i];
    assert_int_equal(no, 69);
    for (int w = 12; w <= 24; w += 12)
        for (int pos = 9; pos <= 10; pos++) {
            int L = 2 * w - 1, k = w / 6;
            char cyr[256], q[256];
            size_t oc = 0, oq = 0;
            for (int i = 0; i < w; i++) {
                if (i) {
                    cyr[oc++] = ' ';
                    q[oq++] = ' ';
                }
                oc += tu_put_utf8(cyr + oc, 0x430 + (unsigned long)i);
                oq += tu_put_utf8(q + oq,
                                  0x430 + (unsigned long)(i < k ? 31 - i : i)); /* (k changed) */
            }
            cyr[oc] = q[oq] = '\0';
            make_dir();
            jisr_tm *tm = open_w();
            jisr_tm_import *imp;
            assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
            for (int i = 0; i < 49; i++) {
                char a[256], tgt[32];
                size_t o = 0;
                for (int j = 0; j < L; j++)
                    o += tu_put_utf8(a + o, often[(size_t)(i * 7 + j * 5 + i * j) % no]);
                a[o] = '\0';
                snprintf(tgt, sizeof tgt, "وحدة %d", i);
                add_pair(imp, "en", i == pos ? cyr : a, "ar", tgt);
            }
            assert_int_equal(jisr_tm_import_end(imp, 1), 0);
            assert_int_equal(jisr_tm_warm(tm, NULL), 0);
            int ws;
            assert_int_equal(jisr_tm_score_texts(q, cyr, &ws), 0);
            assert_true(ws < 90);
            for (int lanes = 1; lanes <= 6; lanes++) { /* (4–6: 1–3 with none gathered) */
                unsigned gm = tm_short_gather_max;
                tm_short_gather_max = lanes > 3 ? 0 : gm;
                int ran = table_query90(tm, lanes > 3 ? lanes - 3 : lanes, q, (uint32_t)pos + 1,
                                        100 * (L - k) / L);
                tm_short_gather_max = gm;
                if (!ran) /* (lanes this processor has not) */
                    continue;
                assert_true(tm_short_ntab > 0);
                assert_int_equal(tm_short_ntab, tm_short_nscanned);
                if (lanes % 3 == 0) { /* (the unit's letters: columns gathered) */
                    assert_true(tm_short_n512 > 0);
                    assert_true(tm_short_ngather >= (size_t)w);
                } else {
                    assert_int_equal(tm_short_n512, 0);
                    if (lanes % 3 == 2 && L <= 32) /* (AVX2's 32-bit lanes look up 32) */
                        assert_true(tm_short_ngather >= (size_t)w);
                }
            }
            tm_short_scan_pct = 50;
            tm_short_ftab = -1;
            tm_short_lanes = 0;
            jisr_tm_close(tm);
            tmdir_remove(g_dir);
        }
}

/* The signatures of the form tables (docs/matching.md §4.5, Lemma 9): a class's count of 15 or
 * more stands for any number. Units of w words of five letters (w = 4: 23 code points, the
 * 32-bit lanes; w = 8: 47, the 64-bit lanes, scored in halves of eight): "aaaaa … aaaaa" (5w
 * a's: its count of a's class saturates), tenth of 48 units (lane 9 of the first group: its
 * second half), the 47 others with no a (three groups of 16 forms; the last two left whole by
 * their signatures). The query, its last a changed to b, at --min 90 must answer that unit at
 * 100 (L − 1) / L by its character score only (its word score is below the bar) from the tables,
 * by either lanes — a 15 read as 15 would leave at most 18 (w = 4) or 22 shared code points,
 * under the 21 or 43 needed — and the units with no a must be left by their signatures. */
static void test_scan_sigs(void **state)
{
    (void)state;
    for (int w = 4; w <= 8; w += 4) {
        int L = 6 * w - 1;
        char aa[64], q[64];
        for (int k = 0, o = 0; k < 5 * w; k++) {
            aa[o++] = 'a';
            if (k % 5 == 4 && k < 5 * w - 1)
                aa[o++] = ' ';
        }
        aa[L] = '\0';
        memcpy(q, aa, sizeof aa);
        q[L - 1] = 'b';
        make_dir();
        jisr_tm *tm = open_w();
        jisr_tm_import *imp;
        assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
        for (int i = 0; i < 48; i++) {
            char a[64], tgt[32];
            for (int k = 0, o = 0; k < 5 * w; k++) {
                a[o++] = (char)('b' + (k * 5 + i * 3 + k * i) % 25);
                if (k % 5 == 4 && k < 5 * w - 1)
                    a[o++] = ' ';
            }
            a[L] = '\0';
            snprintf(tgt, sizeof tgt, "وحدة %d", i);
            add_pair(imp, "en", i == 9 ? aa : a, "ar", tgt);
        }
        assert_int_equal(jisr_tm_import_end(imp, 1), 0);
        assert_int_equal(jisr_tm_warm(tm, NULL), 0);
        int ws;
        assert_int_equal(jisr_tm_score_texts(q, aa, &ws), 0);
        assert_true(ws < 90);
        /* (the first group's one passing form gathered, then with none gathered the group
         * scored whole) */
        for (unsigned gm = tm_short_gather_max, gather = 0; gather <= 1; gather++)
            for (int lanes = 1; lanes <= 3; lanes++) { /* (3: AVX-512) */
                tm_short_gather_max = gather ? gm : 0;
                int ran = table_query90(tm, lanes, q, 10, 100 * (L - 1) / L);
                tm_short_gather_max = gm;
                if (!ran)
                    break;
                assert_int_equal(tm_short_ntab, tm_short_nscanned);
                assert_int_equal(tm_short_nsig, 32); /* the second and third groups of 16 */
                assert_int_equal(tm_short_ngath, gather ? 1 : 0);
                assert_int_equal(tm_short_nlanes, 16); /* (one group, or one stage) */
                assert_int_equal(tm_short_n512, lanes == 3 ? (gather ? 1 : 16) : 0);
            }
        tm_short_scan_pct = 50;
        tm_short_ftab = -1;
        tm_short_lanes = 0;
        jisr_tm_close(tm);
        tmdir_remove(g_dir);
    }
}

static void import_units(jisr_tm *tm, int n);

static uint64_t next_id_of(jisr_tm *tm)
{
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    uint64_t n = st.next_id;
    jisr_tm_stats_free(&st);
    return n;
}

/* The forms' record (docs/matching.md §4.5, Lemma 8) as stored: 1 and its next id, and whether
 * its counts are those of a walk of the stored forms of en and ar by length (the only languages
 * here); 0 when there is none. */
static int record_check(jisr_tm *tm, uint64_t *next, int *counts_ok)
{
    static const char *const langs[] = {"en", "ar"};
    MDB_txn *txn;
    MDB_cursor *cur;
    assert_int_equal(mdb_txn_begin(tm->env, NULL, MDB_RDONLY, &txn), 0);
    unsigned char key[12] = {0};
    jisr_be_put(key, tm_short_formrec_prefix(), 8);
    MDB_val k = {12, key}, v;
    int rc = mdb_get(txn, tm->post, &k, &v);
    if (rc == MDB_NOTFOUND) {
        mdb_txn_abort(txn);
        return 0;
    }
    assert_int_equal(rc, 0);
    const unsigned char *p = v.mv_data;
    size_t per = 8 + 4 * 256;
    assert_true(v.mv_size >= 8 && (v.mv_size - 8) % per == 0);
    *next = jisr_be_get(p, 8);
    *counts_ok = 1;
    tm_toks t = {0};
    assert_int_equal(mdb_cursor_open(txn, tm->post, &cur), 0);
    size_t total = 0;
    for (size_t o = 8; o < v.mv_size; o += per) /* no form has length 0 */
        *counts_ok &= jisr_be_get(p + o + 8, 4) == 0;
    for (size_t l = 1; l <= TM_SHORT_CAP; l++) {
        for (size_t g = 0; g < 2; g++) {
            uint64_t pk = forms_prefix(&t, langs[g], l);
            unsigned char fk[12] = {0};
            jisr_be_put(fk, pk, 8);
            MDB_val ck = {12, fk}, cv;
            uint32_t walked = 0, stored = 0;
            for (int r = mdb_cursor_get(cur, &ck, &cv, MDB_SET_RANGE);
                 r == 0 && ck.mv_size == 12 && memcmp(ck.mv_data, fk, 8) == 0;
                 r = mdb_cursor_get(cur, &ck, &cv, MDB_NEXT))
                walked++;
            for (size_t o = 8; o < v.mv_size; o += per)
                if (jisr_be_get(p + o, 8) == (pk & ~(uint64_t)0xFF))
                    stored = (uint32_t)jisr_be_get(p + o + 8 + 4 * l, 4);
            *counts_ok &= walked == stored;
            total += walked;
        }
    }
    tm_toks_free(&t);
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    assert_true(total > 0 || *next <= 1);
    return 1;
}

/* text i of test_ftab_stale: 11 code points, four words of two letters (as test_scan_batches) */
static void stale_text(int i, char a[16])
{
    for (int k = 0, o = 0; k < 8; k++) {
        a[o++] = (char)('a' + (k * 3 + i * 7) % 26);
        if (k % 2 && k < 7)
            a[o++] = ' ';
    }
    a[11] = '\0';
}

/* unit i's text with its last letter changed at --min 90, the scan forced: the ids answered */
static size_t stale_query(jisr_tm *tm, int i, uint32_t *id)
{
    char q[16];
    stale_text(i, q);
    q[10] = q[10] == 'z' ? 'y' : 'z';
    jisr_tm_matches m;
    tm_short_scan_pct = 0;
    query90(tm, q, &m);
    tm_short_scan_pct = 50;
    size_t n = m.n;
    if (n)
        *id = m.v[0].id;
    jisr_tm_matches_free(&m);
    return n;
}

/* The form tables (formtab.c) serve only the committed state they were built from: after an
 * import a query's state is later, and the tables are rebuilt before use (the unit added after
 * jisr_tm_warm is found by the scan from a table); a transaction of the older state gets none
 * (nor the newer tables); a memory whose forms' record does not allow the scan (Lemma 8) gets no
 * usable tables, and its answers are the same. */
static void test_ftab_stale(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    jisr_tm_import *imp;
    char a[16], tgt[32];
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    for (int i = 1; i <= 5; i++) {
        stale_text(i, a);
        snprintf(tgt, sizeof tgt, "وحدة %d", i);
        add_pair(imp, "en", a, "ar", tgt);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    jisr_tm_warm_stats st;
    assert_int_equal(jisr_tm_warm(tm, &st), 0);
    assert_int_equal(st.usable, 1);
    assert_int_equal(st.forms, 10); /* each unit's two languages */
    tm_txn t1, t2;
    assert_int_equal(tm_txn_begin(&t1, tm, 0), 0);
    tm_ftab *f1 = tm_ftab_get(tm, &t1);
    assert_non_null(f1);
    assert_true(f1->txnid == mdb_txn_id(t1.txn));
    uint32_t id = 0;
    tm_short_ntab = 0;
    assert_int_equal(stale_query(tm, 3, &id), 1);
    assert_int_equal(id, 3);
    assert_int_equal(tm_short_ntab, 5); /* the five English forms, from the table */
    /* a unit added after the tables were built */
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    stale_text(6, a);
    add_pair(imp, "en", a, "ar", "وحدة 6");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    tm_short_ntab = 0;
    assert_int_equal(stale_query(tm, 6, &id), 1); /* (its tables are stale: it starts their */
    assert_int_equal(id, 6);                      /* builder, and scans by the cursor) */
    assert_int_equal(tm_short_ntab, 0);
    tm_ftab_wait(tm);
    assert_int_equal(stale_query(tm, 6, &id), 1);
    assert_int_equal(id, 6);
    assert_int_equal(tm_short_ntab, 6); /* tables of the new state, built by that thread */
    /* again with the tables built in the query's path (tm_ftab_sync) */
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    stale_text(7, a);
    add_pair(imp, "en", a, "ar", "وحدة 7");
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
    tm_ftab_sync = 1;
    tm_short_ntab = 0;
    assert_int_equal(stale_query(tm, 7, &id), 1);
    assert_int_equal(id, 7);
    assert_int_equal(tm_short_ntab, 7); /* tables of the new state, built by the query */
    tm_ftab_sync = 0;
    assert_int_equal(tm_txn_begin(&t2, tm, 0), 0);
    tm_ftab *f2 = tm_ftab_get(tm, &t2);
    assert_non_null(f2);
    assert_true(f2 != f1);
    assert_true(f2->txnid == mdb_txn_id(t2.txn) && f2->txnid > f1->txnid);
    assert_null(tm_ftab_get(tm, &t1)); /* the older state: neither its old nor the new tables */
    tm_ftab_put(tm, f1);               /* (replaced: freed now) */
    tm_ftab_put(tm, f2);
    tm_txn_abort(&t1);
    tm_txn_abort(&t2);
    /* the stored forms and their record removed (a memory written before them): the tables
     * are not usable, the query takes the counting path, the same answer */
    assert_true(drop_forms_of(tm, 1, 0) == 14);
    assert_int_equal(jisr_tm_warm(tm, &st), 0);
    assert_int_equal(st.usable, 0);
    tm_short_ntab = tm_short_nscan = 0;
    assert_int_equal(stale_query(tm, 6, &id), 1);
    assert_int_equal(id, 6);
    assert_int_equal(tm_short_ntab, 0);
    assert_int_equal(tm_short_nscan, 0);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

/* The forms' record stands at the next id with the forms' counts after imports in batches into
 * a new memory and into one that has units, after deletes (forms stay, and so do the counts)
 * and after a reindex; an import into a memory without the record (written before it) leaves it
 * absent; a reindex that turns the search off removes it, one that turns it on writes it. */
static void test_forms_record(void **state)
{
    (void)state;
    make_dir();
    jisr_tm *tm = open_w();
    uint64_t r = 0x5bd1e995ULL, next = 0;
    char a[256], b[256];
    int ok = 0;
    for (int round = 0; round < 2; round++) {
        jisr_tm_import *imp;
        jisr_tm_import_opts io = JISR_TM_IMPORT_OPTS_INIT;
        io.batch_units = 70;
        assert_int_equal(jisr_tm_import_begin(tm, &io, &imp), 0);
        for (int i = 0; i < 300; i++) {
            make_text(&r, en_words, sizeof en_words / sizeof en_words[0], a, sizeof a);
            make_text(&r, ar_words, sizeof ar_words / sizeof ar_words[0], b, sizeof b);
            add_pair(imp, "en", a, "ar", b);
        }
        assert_int_equal(jisr_tm_import_end(imp, 1), 0);
        assert_int_equal(record_check(tm, &next, &ok), 1);
        assert_int_equal(next, next_id_of(tm));
        assert_true(ok);
    }
    uint64_t del[] = {3, 5, 7, 300};
    assert_int_equal(jisr_tm_delete(tm, del, 4), 0);
    assert_int_equal(record_check(tm, &next, &ok), 1);
    assert_int_equal(next, next_id_of(tm));
    assert_true(ok);
    assert_int_equal(jisr_tm_reindex(tm, NULL), 0);
    assert_int_equal(record_check(tm, &next, &ok), 1);
    assert_int_equal(next, next_id_of(tm));
    assert_true(ok);
    /* as written before the record: an import does not make one (its older units may lack forms) */
    drop_forms_of(tm, 1000000, 0);
    assert_int_equal(record_check(tm, &next, &ok), 0);
    import_units(tm, 10);
    assert_int_equal(record_check(tm, &next, &ok), 0);
    jisr_tm_reindex_opts ro = JISR_TM_REINDEX_OPTS_INIT;
    ro.chars = JISR_TM_CHARS_OFF;
    assert_int_equal(jisr_tm_reindex(tm, &ro), 0);
    assert_int_equal(record_check(tm, &next, &ok), 0);
    ro.chars = JISR_TM_CHARS_ON;
    assert_int_equal(jisr_tm_reindex(tm, &ro), 0);
    assert_int_equal(record_check(tm, &next, &ok), 1);
    assert_int_equal(next, next_id_of(tm));
    assert_true(ok);
    jisr_tm_close(tm);
    tmdir_remove(g_dir);
}

static void import_units(jisr_tm *tm, int n)
{
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(tm, NULL, &imp), 0);
    uint64_t r = 0x2545F4914F6CDD1DULL;
    char a[256], b[256];
    add_pair(imp, "en", "Trnasfre", "ar", "نقل");
    for (int i = 0; i < n; i++) {
        make_text(&r, en_words, sizeof en_words / sizeof en_words[0], a, sizeof a);
        make_text(&r, ar_words, sizeof ar_words / sizeof ar_words[0], b, sizeof b);
        add_pair(imp, "en", a, "ar", b);
    }
    assert_int_equal(jisr_tm_import_end(imp, 1), 0);
}

static uint64_t index_keys(jisr_tm *tm, int *chars)
{
    jisr_tm_stats st;
    assert_int_equal(jisr_tm_stats_get(tm, &st), 0);
    uint64_t k = st.index_keys;
    *chars = st.chars;
    jisr_tm_stats_free(&st);
    return k;
}

/* The answers (ids and scores, indexed and --exhaustive) to a fixed set of short queries. */
static void answers(jisr_tm *tm, char *out, size_t cap)
{
    static const char *const qs[] = {"Transfer", "Trnasfer", "Bookmarks", "Book marks",
                                     "Untitled", "Colour:",  "File name", "Zoom in..."};
    static const int mins[] = {30, 50, 70};
    size_t len = 0;
    out[0] = '\0';
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
        for (size_t j = 0; j < 3; j++)
            for (unsigned f = 0; f < 2; f++) {
                jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
                qo.srclang = "en";
                qo.tgtlang = "ar";
                qo.min_score = mins[j];
                qo.max_results = 5;
                qo.flags = f ? JISR_TM_EXHAUSTIVE : 0;
                jisr_tm_matches m;
                assert_int_equal(jisr_tm_query(tm, qs[k], &qo, &m), 0);
                for (size_t i = 0; i < m.n && len + 32 < cap; i++)
                    len += (size_t)snprintf(out + len, cap - len, "%llu:%d ",
                                            (unsigned long long)m.v[i].id, m.v[i].score);
                if (len + 2 < cap)
                    len += (size_t)snprintf(out + len, cap - len, "|");
                jisr_tm_matches_free(&m);
            }
}

/* The setting is opt-in: off (never set, or set off), a memory has no character terms and no
 * query takes the character score; reindex turns it on and off (round trip); a different
 * setting on a memory with units is refused; an import across a change of setting fails. */
static void test_chars_setting(void **state)
{
    (void)state;
    char d0[64], d1[64], d2[64];
    tmdir_make(d0, sizeof d0, "chars0");
    tmdir_make(d1, sizeof d1, "chars1");
    tmdir_make(d2, sizeof d2, "chars2");
    jisr_tm *never = open_in(d0, 0), *on = open_in(d1, 1), *off = open_in(d2, 1);
    assert_int_equal(jisr_tm_set_chars(off, 0), 0); /* back to off while still empty */
    import_units(never, 400);
    import_units(on, 400);
    import_units(off, 400);
    int c0, c1, c2;
    uint64_t k0 = index_keys(never, &c0), k1 = index_keys(on, &c1), k2 = index_keys(off, &c2);
    assert_int_equal(c0, 0);
    assert_int_equal(c1, TM_SHORT_DEFAULT); /* on: its limit */
    assert_int_equal(c2, 0);
    assert_true(k0 == k2); /* no character terms: the index of a memory where it was never set */
    assert_true(k1 > k0);
    /* (a) a character-only match (Transfer/Trnasfre: 0 by words, 50 by characters): found with
     * the setting on, by neither path with it off */
    for (unsigned f = 0; f < 2; f++) {
        jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
        qo.srclang = "en";
        qo.tgtlang = "ar";
        qo.min_score = 30;
        qo.max_results = 1000;
        qo.flags = f ? JISR_TM_EXHAUSTIVE : 0;
        jisr_tm *v[3] = {never, off, on};
        for (int k = 0; k < 3; k++) {
            jisr_tm_matches m;
            assert_int_equal(jisr_tm_query(v[k], "Transfer", &qo, &m), 0);
            int found = 0;
            for (size_t i = 0; i < m.n; i++)
                found |= strcmp(m.v[i].source, "Trnasfre") == 0;
            assert_int_equal(found, k == 2);
            jisr_tm_matches_free(&m);
        }
    }
    static char a_never[65536], a_on[65536], a_x[65536];
    answers(never, a_never, sizeof a_never);
    answers(on, a_on, sizeof a_on);
    assert_string_not_equal(a_never, a_on);
    answers(off, a_x, sizeof a_x);
    assert_string_equal(a_x, a_never);
    /* (b) reindex off, then on: the answers and index of each state */
    jisr_tm_reindex_opts ro = JISR_TM_REINDEX_OPTS_INIT;
    ro.chars = JISR_TM_CHARS_OFF;
    assert_int_equal(jisr_tm_reindex(on, &ro), 0);
    assert_true(index_keys(on, &c1) == k0);
    assert_int_equal(c1, 0);
    answers(on, a_x, sizeof a_x);
    assert_string_equal(a_x, a_never);
    ro.chars = JISR_TM_CHARS_ON;
    assert_int_equal(jisr_tm_reindex(on, &ro), 0);
    assert_true(index_keys(on, &c1) == k1);
    assert_int_equal(c1, TM_SHORT_DEFAULT);
    answers(on, a_x, sizeof a_x);
    assert_string_equal(a_x, a_on);
    ro.chars = JISR_TM_CHARS_KEEP; /* a plain reindex keeps the setting */
    assert_int_equal(jisr_tm_reindex(on, &ro), 0);
    assert_true(index_keys(on, &c1) == k1);
    assert_int_equal(c1, TM_SHORT_DEFAULT);
    assert_int_equal(jisr_tm_reindex(never, NULL), 0);
    assert_true(index_keys(never, &c0) == k0);
    assert_int_equal(c0, 0);
    /* (c) a memory with units keeps its setting: only the same one is accepted */
    assert_int_equal(jisr_tm_set_chars(never, 1), JISR_EUNSUPPORTED);
    assert_non_null(strstr(jisr_error_last()->msg, "jisr reindex"));
    assert_int_equal(jisr_tm_set_chars(on, 0), JISR_EUNSUPPORTED);
    assert_int_equal(jisr_tm_set_chars(never, 0), 0);
    assert_int_equal(jisr_tm_set_chars(on, 1), 0);
    /* an import begun before the setting changed would write the wrong terms: it fails */
    jisr_tm_import *imp;
    assert_int_equal(jisr_tm_import_begin(off, NULL, &imp), 0);
    ro.chars = JISR_TM_CHARS_ON;
    assert_int_equal(jisr_tm_reindex(off, &ro), 0);
    add_pair(imp, "en", "Late unit", "ar", "وحدة متأخرة");
    assert_true(jisr_tm_import_end(imp, 1) < 0);
    answers(off, a_x, sizeof a_x);
    assert_string_equal(a_x, a_on); /* the same units: the same answers as the other one on */
    jisr_tm_close(never);
    jisr_tm_close(on);
    jisr_tm_close(off);
    tmdir_remove(d0);
    tmdir_remove(d1);
    tmdir_remove(d2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_char_score),    cmocka_unit_test(test_case_counted),
        cmocka_unit_test(test_located_lemma), cmocka_unit_test(test_myers_blocks),
        cmocka_unit_test(test_chars_setting), cmocka_unit_test(test_oracle_short),
        cmocka_unit_test(test_oracle_long),   cmocka_unit_test(test_scan_batches),
        cmocka_unit_test(test_forms_record),  cmocka_unit_test(test_ftab_stale),
        cmocka_unit_test(test_scan_sigs),     cmocka_unit_test(test_scan_rare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
