/*
 * fuzz_match.c — libFuzzer target for the matcher on untrusted query text (what `jisr query`,
 * the server's /v1/query and its tmserver routes pass on): a memory of about 1,600 short and
 * long English and Arabic strings (with letters of rarer scripts, accelerators, typography,
 * numbers and case variants), its character search on and its form tables built, is made once
 * in a temporary directory; each input is a query run by the index and by --exhaustive, with
 * the matcher's internal choices set by the input: the lanes (portable, AVX2, AVX-512 where the
 * processor has them), the scan of Lemma 8 forced or by its rule, the form tables or the
 * cursor, the signatures of Lemma 9 on or off. Properties (docs/matching.md §4, §4.5): both
 * succeed or fail alike; they give the same ids and scores; every score lies in [--min, 100].
 *
 * Input: byte 0 the choices (bits 0–1 lanes, 2 scan forced, 6 scan never, 3 cursor instead of
 * tables, 4 signatures off, 5 edit mode), byte 1 --min (1–100), byte 2 -n (1–8, bits 0–2) and the
 * direction (bit 7: Arabic to English), then the query: the bytes as they are, or in edit mode
 * the source of the unit bytes 3–4 choose, edited by each following pair of bytes (operation,
 * argument: a code point dropped, doubled, replaced, put in the other case, or one of a list
 * inserted), so that the fuzzer reaches the near matches the index must not miss.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tm/match_int.h"
#include "tm/tm.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_match: property failed: %s\n", what);
        abort();
    }
}

static const char *const en_words[] = {
    "File",    "Files",  "Filename", "file",     "Open",    "Save",      "Saved",    "Settings",
    "Setting", "Colour", "Color",    "Print",    "Printer", "Preview",   "Undo",     "Edit",
    "Delete",  "Remove", "Reload",   "Folder",   "Window",  "Network",   "Connect",  "Password",
    "Search",  "Find",   "Replace",  "Zoom",     "in",      "out",       "the",      "a",
    "of",      "New",    "Close",    "Tab",      "ID",      "id",        "OFF",      "Off",
    "_Open",   "&File",  "Don't",    "Don’t",    "10×11",   "10x11",     "page",     "Page",
    "%s",      "%d",     "3",        "12",       "Метрика", "Ελληνικά",  "日本語",   "Ĉapelo",
    "naïve",   "café",   "—",        "“quoted”", "Файл",    "Сохранить", "Щёлкните", "Экспорт",
    "Αρχείο",  "Ψηφίο",  "Ζώνη",     "ფაილი",    "Ֆայլ",    "קובץ",      "Ñandú",    "Ærø",
    "Łódź",    "Şişli",  "Þorn",     "Straße",   "Ỹ",       "ǅ"};
static const char *const ar_words[] = {
    "ملف",     "ملفات",  "افتح",  "احفظ",    "حفظ",    "إعدادات", "الإعدادات", "نقل",
    "لون",     "اطبع",   "طابعة", "معاينة",  "تراجع",  "أعد",     "حرر",       "احذف",
    "أزل",     "مجلد",   "نافذة", "النافذة", "شبكة",   "اتصل",    "كلمة",      "السر",
    "ابحث",    "استبدل", "كبّر",   "جديد",    "أغلق",   "لسان",    "بلا",       "عنوان",
    "وبالملف", "كتابًا",  "٣",     "١٢",      "۴",      "فارسی",   "ا_فتح",     "الصفحة",
    "پرونده",  "گزینه",  "چاپ",   "ژرف",     "ٹیب",    "ڈسک",     "ہے",        "ڤيديو",
    "ݣ",       "ڭ",      "Файл",  "ܟܬܒܐ",    "ⴰⵎⴰⵡⴰⵍ", "ߞߊ",      "ئۈ",        "ۋ"};
#define NEN (sizeof en_words / sizeof en_words[0])
#define NAR (sizeof ar_words / sizeof ar_words[0])
static const char *const puncts[] = {"", ":", "...", "…", "?", " -", "!", "."};

/* code points the edit mode inserts: Latin, Arabic (with a haraka), Cyrillic, Greek, CJK, an
 * astral emoji, a combining mark, typography, digits of three systems, spaces of two kinds, a
 * tatweel, and letters of the rarer scripts (each language's memory has well over 64 symbols, so
 * that the AVX-512 lanes gather some columns) */
static const uint32_t ins_cps[] = {
    'a',    'E',    'x',    ' ',    '_',    '&',    '\'',   0x2019, 0x00D7,  0x2026, 0x2014,
    0x0627, 0x0644, 0x064E, 0x0629, 0x0649, 0x0436, 0x03C9, 0x65E5, 0x1F600, 0x0301, '7',
    0x0663, 0x06F4, 0x00A0, 0x200B, 0x0640, 'Z',    0x0429, 0x03A8, 0x10E4,  0x05E7, 0x067E,
    0x06AF, 0x0686, 0x0698, 0x06A4, 0x0716, 0x2D30, 0x00DF, 0x01C5, 0x0141};

#define NUNITS 1600
static char g_dir[64];
static jisr_tm *g_tm;
static char *g_src[NUNITS];
static int g_ar[NUNITS];
static size_t g_scan_pct, g_tab_pct; /* the matcher's own choices, restored after each input */

static uint64_t rnd(uint64_t *r)
{
    *r ^= *r << 13, *r ^= *r >> 7, *r ^= *r << 17;
    return *r;
}

/* 1–6 words (a tenth: 7–40, past the character search's limit of 128 code points at times) */
static void make_text(uint64_t *r, int ar, char *out, size_t cap)
{
    size_t n = rnd(r) % 10 ? 1 + rnd(r) % 6 : 7 + rnd(r) % 34, o = 0;
    out[0] = '\0';
    for (size_t k = 0; k < n && o + 64 < cap; k++) {
        const char *w = ar ? ar_words[rnd(r) % NAR] : en_words[rnd(r) % NEN];
        o += (size_t)snprintf(out + o, cap - o, "%s%s", k && rnd(r) % 9 ? " " : "", w);
    }
    snprintf(out + o, cap - o, "%s", puncts[rnd(r) % (sizeof puncts / sizeof puncts[0])]);
}

static void cleanup(void)
{
    if (g_tm)
        jisr_tm_close(g_tm);
    char p[128];
    snprintf(p, sizeof p, "%s/data.mdb", g_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/lock.mdb", g_dir);
    unlink(p);
    rmdir(g_dir);
    for (size_t i = 0; i < NUNITS; i++)
        free(g_src[i]);
}

static void add(jisr_tm_import *imp, const char *l1, const char *t1, const char *l2, const char *t2)
{
    jisr_unit u;
    jisr_unit_init(&u);
    check(jisr_unit_add_variant(&u, l1, t1, strlen(t1), NULL) == 0 &&
              jisr_unit_add_variant(&u, l2, t2, strlen(t2), NULL) == 0 &&
              jisr_tm_import_add(imp, &u) == 0,
          "the memory's units are added");
    jisr_unit_clear(&u);
}

/* The memory, once: units in near variants (each base text, then a few with a word dropped, a
 * letter doubled, the case changed), both directions */
static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/jisr-fuzz-match-XXXXXX",
             tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    check(mkdtemp(g_dir) != NULL, "a temporary directory");
    atexit(cleanup);
    jisr_tm_open_opts oo = JISR_TM_OPEN_OPTS_INIT;
    oo.flags = JISR_TM_WRITE;
    check(jisr_tm_open(&g_tm, g_dir, &oo) == 0, "the memory opens");
    check(jisr_tm_set_chars(g_tm, 1) == 0, "its character search is turned on");
    jisr_tm_import *imp;
    check(jisr_tm_import_begin(g_tm, NULL, &imp) == 0, "an import begins");
    uint64_t r = 0x2545F4914F6CDD1DULL;
    char a[1024], b[1024];
    for (size_t i = 0; i < NUNITS; i++) {
        int ar = (i / 4) % 3 == 2, v = (int)(i % 4);
        if (v == 0) {
            make_text(&r, ar, a, sizeof a);
        } else { /* a near variant of the unit before it */
            snprintf(a, sizeof a, "%s", g_src[i - 1]);
            size_t n = strlen(a), p = n ? rnd(&r) % n : 0;
            if (v == 1 && n > 2 && (unsigned char)a[p] < 0x80)
                memmove(a + p, a + p + 1, n - p);
            else if (v == 2 && (unsigned)(((unsigned char)a[p] | 0x20) - 'a') < 26u)
                a[p] ^= 0x20;
            else if (n + 8 < sizeof a)
                strcat(a, rnd(&r) % 2 ? " s" : " و");
        }
        make_text(&r, !ar, b, sizeof b);
        check((g_src[i] = strdup(a)) != NULL, "memory");
        g_ar[i] = ar;
        add(imp, ar ? "ar" : "en", a, ar ? "en" : "ar", b);
    }
    check(jisr_tm_import_end(imp, 1) == 0, "the import commits");
    jisr_tm_warm_stats ws;
    check(jisr_tm_warm(g_tm, &ws) == 0 && ws.usable, "the form tables are built");
    g_scan_pct = tm_short_scan_pct;
    g_tab_pct = tm_short_tab_pct;
}

static size_t put_utf8(uint32_t c, char *o)
{
    if (c < 0x80)
        return o[0] = (char)c, 1;
    if (c < 0x800)
        return o[0] = (char)(0xC0 | c >> 6), o[1] = (char)(0x80 | (c & 0x3F)), 2;
    if (c < 0x10000)
        return o[0] = (char)(0xE0 | c >> 12), o[1] = (char)(0x80 | (c >> 6 & 0x3F)),
               o[2] = (char)(0x80 | (c & 0x3F)), 3;
    return o[0] = (char)(0xF0 | c >> 18), o[1] = (char)(0x80 | (c >> 12 & 0x3F)),
           o[2] = (char)(0x80 | (c >> 6 & 0x3F)), o[3] = (char)(0x80 | (c & 0x3F)), 4;
}

/* the source of unit u edited by ops (pairs of bytes) into out (NUL-terminated) */
static void edit(size_t u, const uint8_t *ops, size_t nops, char *out, size_t cap)
{
    uint32_t cp[600];
    size_t n = 0, len;
    const unsigned char *s = (const unsigned char *)g_src[u];
    size_t sn = strlen(g_src[u]);
    for (size_t i = 0; i < sn && n < 300; i += len) {
        int32_t c = jisr_utf8_decode(s, sn, i, &len);
        if (c >= 0)
            cp[n++] = (uint32_t)c;
    }
    for (size_t k = 0; k + 1 < nops && k < 40; k += 2) {
        unsigned op = ops[k] % 5, arg = ops[k + 1];
        size_t p = n ? (arg * 7u + ops[k]) % n : 0;
        if (op == 0 && n) { /* drop */
            memmove(cp + p, cp + p + 1, (n - p - 1) * sizeof *cp);
            n--;
        } else if (op == 1 && n && n < 590) { /* double */
            memmove(cp + p + 1, cp + p, (n - p) * sizeof *cp);
            n++;
        } else if (op == 2 && n) { /* replace */
            cp[p] = ins_cps[arg % (sizeof ins_cps / sizeof ins_cps[0])];
        } else if (op == 3 && n) { /* the other case of an ASCII letter */
            if ((unsigned)((cp[p] | 0x20) - 'a') < 26u)
                cp[p] ^= 0x20;
        } else if (op == 4 && n < 590) { /* insert */
            memmove(cp + p + 1, cp + p, (n - p) * sizeof *cp);
            cp[p] = ins_cps[arg % (sizeof ins_cps / sizeof ins_cps[0])];
            n++;
        }
    }
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap; i++)
        o += put_utf8(cp[i], out + o);
    out[o] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_tm)
        setup();
    if (size < 3 || size > 4096)
        return 0;
    unsigned knobs = data[0], lanes = knobs & 3;
    if ((lanes == 2 && !tm_short_has_avx2()) || (lanes == 3 && !tm_short_has_avx512()))
        lanes = 1; /* the portable lanes where the processor has not these */
    int min = 1 + data[1] % 100;
    size_t nmax = 1 + (data[2] & 7);
    int ar = data[2] >> 7;
    char *q = malloc(size > 3 ? 4 * size + 2400 : 2400);
    check(q != NULL, "memory");
    if ((knobs & 32) && size >= 5) {
        size_t u = ((size_t)data[3] << 8 | data[4]) % NUNITS;
        ar = g_ar[u];
        edit(u, data + 5, size - 5, q, 4 * size + 2400);
    } else {
        memcpy(q, data + 3, size - 3);
        q[size - 3] = '\0'; /* (a NUL inside ends the text, as in every C caller) */
    }
    tm_short_lanes = (int)lanes;
    if (knobs & 4) /* every length of every window scanned */
        tm_short_scan_pct = tm_short_tab_pct = 0;
    else if (knobs & 64) /* never: the counting path */
        tm_short_scan_pct = SIZE_MAX;
    tm_short_ftab = (knobs & 8) ? -1 : 0;
    tm_short_ftsig = !(knobs & 16);
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = ar ? "ar" : "en";
    qo.tgtlang = ar ? "en" : "ar";
    qo.min_score = min;
    qo.max_results = nmax;
    jisr_tm_matches a, b;
    int ra = jisr_tm_query(g_tm, q, &qo, &a);
    qo.flags = JISR_TM_EXHAUSTIVE;
    int rb = jisr_tm_query(g_tm, q, &qo, &b);
    tm_short_lanes = 0;
    tm_short_scan_pct = g_scan_pct;
    tm_short_tab_pct = g_tab_pct;
    tm_short_ftab = 0;
    tm_short_ftsig = 1;
    check(ra == rb, "index and --exhaustive succeed or fail alike");
    if (ra == 0) {
        int same = a.n == b.n;
        for (size_t i = 0; same && i < a.n; i++)
            same = a.v[i].id == b.v[i].id && a.v[i].score == b.v[i].score;
        if (!same) {
            fprintf(stderr, "index/--exhaustive differ (min %d, n %zu, %s, knobs %u) for: %s\n",
                    min, nmax, qo.srclang, knobs, q);
            for (size_t i = 0; i < a.n; i++)
                fprintf(stderr, "  index       #%llu %d %s\n", (unsigned long long)a.v[i].id,
                        a.v[i].score, a.v[i].source);
            for (size_t i = 0; i < b.n; i++)
                fprintf(stderr, "  --exhaustive #%llu %d %s\n", (unsigned long long)b.v[i].id,
                        b.v[i].score, b.v[i].source);
        }
        check(same, "index = --exhaustive (ids and scores)");
        check(a.n <= nmax, "at most -n matches");
        for (size_t i = 0; i < a.n; i++)
            check(a.v[i].score >= min && a.v[i].score <= 100, "scores within [--min, 100]");
        jisr_tm_matches_free(&a);
        jisr_tm_matches_free(&b);
    }
    free(q);
    return 0;
}
