/*
 * fuzz_match.c — libFuzzer target for the matcher on untrusted query text (what `jisr query`,
 * the server's /v1/query and its tmserver routes pass on). Two memories are made once in
 * temporary directories: 1,600 short and long English and Arabic strings in near variants
 * (with letters of rarer scripts, accelerators, typography, numbers, case variants, some with
 * an inline tag, props and change dates), and 300 more of which a third repeat the first's
 * texts; their character search on and their form tables built. Each input is a query run by
 * the index and by --exhaustive, with the matcher's internal choices set by the input — the
 * lanes (portable, AVX2, AVX-512 where the processor has them), the scan of Lemma 8 by its
 * rule, forced or never, the form tables or the cursor, the signatures of Lemma 9 on or off —
 * and the query's options: a prop filter or a change date (§4.3), inline tags written as {0}
 * placeholders (a tag difference costs, §2.3; the memories hold {0} as a tag in some units and
 * as text in others, which such a query matches too, §2.3b), or both memories at once with
 * penalties (jisr_tm_query_multi). Properties (docs/matching.md §4, §4.3, §4.5): both succeed or
 * fail alike; they give the same ids, scores and memories; at most -n matches, every score in
 * [--min, 100]; every match passes the filter; with both memories, each match is one of its
 * memory's own best (the penalty more) and there are as many as their own lists hold, up to -n;
 * a unit is listed once; with tags, every target carries the query's; a query with a code or a
 * tag gives the same list with the second reading's threshold left at --min (tm_phcode_floor).
 *
 * Input: byte 0 the choices (bits 0–1 lanes, 2 scan forced, 6 scan never, 3 cursor instead of
 * tables, 4 signatures off, 5 edit mode, 7 braces markup), byte 1 --min (1–100; a byte of 100
 * or more also takes the AVX-512 lanes' last-row bound instead of their diagonal stop:
 * tm_short_novpop, and one of 200 or more gathers the passing forms of every group of the form
 * tables, not only of those where at most 12 passed: tm_short_gather_max 16), byte 2 -n
 * (bits 0–2: 1–8), the filter (bits 3–4: none, a prop, two props, a change date), the memories
 * (bits 5–6: the first; both with penalties 0 and 5, 3 and 0, 0 and 0) and the direction (bit
 * 7: Arabic to English), then the query: its bytes as they are, or in edit mode the source of
 * the unit bytes 3–4 choose, edited by each following pair of bytes (operation, argument: a
 * code point dropped, doubled, replaced, put in the other case, or one of a list inserted), so
 * that the fuzzer reaches the near matches the index must not miss.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/test_text_util.h" /* tu_put_utf8 */
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
    "File",     "Files",  "Filename", "file",     "Open",    "Save",      "Saved",    "Settings",
    "Setting",  "Colour", "Color",    "Print",    "Printer", "Preview",   "Undo",     "Edit",
    "Delete",   "Remove", "Reload",   "Folder",   "Window",  "Network",   "Connect",  "Password",
    "Search",   "Find",   "Replace",  "Zoom",     "in",      "out",       "the",      "a",
    "of",       "New",    "Close",    "Tab",      "ID",      "id",        "OFF",      "Off",
    "_Open",    "&File",  "Don't",    "Don’t",    "10×11",   "10x11",     "page",     "Page",
    "%s",       "%d",     "3",        "12",       "Метрика", "Ελληνικά",  "日本語",   "Ĉapelo",
    "naïve",    "café",   "—",        "“quoted”", "Файл",    "Сохранить", "Щёлкните", "Экспорт",
    "Αρχείο",   "Ψηφίο",  "Ζώνη",     "ფაილი",    "Ֆայլ",    "קובץ",      "Ñandú",    "Ærø",
    "Łódź",     "Şişli",  "Þorn",     "Straße",   "Ỹ",       "ǅ",         "%1$s",     "%lu",
    "%(name)s", "%S",     "50%",      "%1",       "{0}",     "{1}",       "{name}",   "{{n}}",
    "${x}",     "{"};
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
#define NUNITS2 300
static char g_dir[2][64];
static jisr_tm *g_tm[2];
static char *g_src[NUNITS]; /* the first memory's sources, tags as {0} */
static int g_ar[NUNITS];
static size_t g_scan_pct, g_tab_pct; /* the matcher's own choices, restored after each input */
static unsigned g_gather;

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
    for (int m = 0; m < 2; m++) {
        if (g_tm[m])
            jisr_tm_close(g_tm[m]);
        if (!g_dir[m][0])
            continue;
        char p[128];
        snprintf(p, sizeof p, "%s/data.mdb", g_dir[m]);
        unlink(p);
        snprintf(p, sizeof p, "%s/lock.mdb", g_dir[m]);
        unlink(p);
        rmdir(g_dir[m]);
    }
    for (size_t i = 0; i < NUNITS; i++)
        free(g_src[i]);
}

static char *sdup(const char *s)
{
    char *d = strdup(s);
    check(d != NULL, "memory");
    return d;
}

/* A unit: source s in language l1 (for even k braces markup: {N} a tag; for odd k plain text:
 * {N} a format code, as PO files give it), target t in l2; the props
 * domain=a|b|c by k % 3 and, every fourth, client=x; changed on a date of 2015–2022 by k % 8, or
 * (every fifth) only created on it. */
static void add(jisr_tm_import *imp, const char *l1, const char *s, const char *l2, const char *t,
                size_t k)
{
    jisr_unit u;
    check(jisr_tm_query_markup(&u, s, k % 2 ? JISR_TM_MARKUP_NONE : JISR_TM_MARKUP_BRACES) == 0 &&
              u.nvariants == 1,
          "the memory's source reads as braces markup");
    free(u.variants[0].lang);
    u.variants[0].lang = sdup(l1);
    check(jisr_unit_add_variant(&u, l2, t, strlen(t), NULL) == 0, "the target is added");
    size_t np = k % 4 ? 1 : 2;
    check((u.meta.props = calloc(np, sizeof *u.meta.props)) != NULL, "memory");
    u.meta.nprops = np;
    u.meta.props[0].type = sdup("domain");
    u.meta.props[0].value = sdup(k % 3 == 0 ? "a" : k % 3 == 1 ? "b" : "c");
    if (np == 2) {
        u.meta.props[1].type = sdup("client");
        u.meta.props[1].value = sdup("x");
    }
    char date[32];
    snprintf(date, sizeof date, "%04zu0%zu15T120000Z", 2015 + k % 8, 1 + k % 9);
    if (k % 5)
        u.meta.changedate = sdup(date);
    u.meta.creationdate = sdup(k % 5 ? "20140101T000000Z" : date);
    check(jisr_tm_import_add(imp, &u) == 0, "the memory's units are added");
    jisr_unit_clear(&u);
}

static jisr_tm *make_memory(int m)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir[m], sizeof g_dir[m], "%s/jisr-fuzz-match-XXXXXX",
             tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    check(mkdtemp(g_dir[m]) != NULL, "a temporary directory");
    jisr_tm *tm;
    jisr_tm_open_opts oo = JISR_TM_OPEN_OPTS_INIT;
    oo.flags = JISR_TM_WRITE;
    check(jisr_tm_open(&tm, g_dir[m], &oo) == 0, "the memory opens");
    check(jisr_tm_set_chars(tm, 1) == 0, "its character search is turned on");
    return tm;
}

static void warm(jisr_tm *tm)
{
    jisr_tm_warm_stats ws;
    check(jisr_tm_warm(tm, &ws) == 0 && ws.usable, "the form tables are built");
}

/* The memories, once: the first's units in near variants (each base text, then three with a
 * letter dropped, the case changed, a word added), an eighth of the base texts with a tag; the
 * second's, a third of them the first's texts again (other targets), the rest new */
static void setup(void)
{
    atexit(cleanup);
    g_tm[0] = make_memory(0);
    jisr_tm_import *imp;
    check(jisr_tm_import_begin(g_tm[0], NULL, &imp) == 0, "an import begins");
    uint64_t r = 0x2545F4914F6CDD1DULL;
    char a[1100], b[1024];
    for (size_t i = 0; i < NUNITS; i++) {
        int ar = (i / 4) % 3 == 2, v = (int)(i % 4);
        if (v == 0) {
            make_text(&r, ar, b, sizeof b);
            char *sp = strchr(b, ' ');
            if (rnd(&r) % 8 == 0 && sp) /* a tag after the first word */
                snprintf(a, sizeof a, "%.*s {0}%s", (int)(sp - b), b, sp);
            else
                snprintf(a, sizeof a, "%s", b);
        } else { /* a near variant of the unit before it */
            snprintf(a, sizeof a, "%s", g_src[i - 1]);
            size_t n = strlen(a), p = n ? rnd(&r) % n : 0;
            if (v == 1 && n > 2 && (unsigned char)a[p] < 0x80 && a[p] != '{' && a[p] != '}')
                memmove(a + p, a + p + 1, n - p);
            else if (v == 2 && (unsigned)(((unsigned char)a[p] | 0x20) - 'a') < 26u)
                a[p] ^= 0x20;
            else if (n + 8 < sizeof a)
                strcat(a, rnd(&r) % 2 ? " s" : " و");
        }
        make_text(&r, !ar, b, sizeof b);
        if (strstr(a, "{0}") && i % 3 && strlen(b) + 8 < sizeof b) /* the code in the target */
            strcat(b, i % 3 == 1 ? " {0}" : " {0} {0}");
        g_src[i] = sdup(a);
        g_ar[i] = ar;
        add(imp, ar ? "ar" : "en", a, ar ? "en" : "ar", b, i);
    }
    check(jisr_tm_import_end(imp, 1) == 0, "the import commits");
    warm(g_tm[0]);
    g_tm[1] = make_memory(1);
    check(jisr_tm_import_begin(g_tm[1], NULL, &imp) == 0, "an import begins");
    for (size_t i = 0; i < NUNITS2; i++) {
        size_t j = (size_t)(rnd(&r) % NUNITS);
        int ar = i % 3 == 0 ? g_ar[j] : (int)(i % 2);
        if (i % 3 == 0)
            snprintf(a, sizeof a, "%s", g_src[j]);
        else
            make_text(&r, ar, a, sizeof a);
        make_text(&r, !ar, b, sizeof b);
        add(imp, ar ? "ar" : "en", a, ar ? "en" : "ar", b, i + 7);
    }
    check(jisr_tm_import_end(imp, 1) == 0, "the import commits");
    warm(g_tm[1]);
    g_scan_pct = tm_short_scan_pct;
    g_gather = tm_short_gather_max;
    g_tab_pct = tm_short_tab_pct;
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
        o += tu_put_utf8(out + o, cp[i]);
    out[o] = '\0';
}

/* 1 when the unit of match x has the props of the filter and the change date (f: 1–3) */
static int passes(jisr_tm *tm, const jisr_tm_match *x, int f)
{
    jisr_unit u;
    jisr_unit_init(&u);
    if (jisr_tm_get(tm, x->id, &u) != 0) {
        jisr_unit_clear(&u);
        return 0;
    }
    int dom = 0, cli = 0;
    for (size_t i = 0; i < u.meta.nprops; i++) {
        const jisr_prop *p = &u.meta.props[i];
        dom |= !strcmp(p->type, "domain") &&
               (!strcmp(p->value, "a") || (f == 2 && !strcmp(p->value, "b")));
        cli |= !strcmp(p->type, "client") && !strcmp(p->value, "x");
    }
    const char *d = u.meta.changedate ? u.meta.changedate : u.meta.creationdate;
    int ok = f == 1 ? dom : f == 2 ? dom && cli : d && strcmp(d, "20190601T000000Z") >= 0;
    jisr_unit_clear(&u);
    return ok;
}

/* Several memories against each alone (jisr_tm_query_multi's promise): a match of memory m is
 * among m's own best -n at --min raised by m's penalty, with the penalty more; and there are as
 * many as the memories' own lists hold together, up to -n. */
static void multi_consistent(const jisr_tm_source *src, const char *text, jisr_tm_query_opts qo,
                             const jisr_tm_matches *x)
{
    size_t total = 0;
    for (size_t m = 0; m < 2; m++) {
        jisr_tm_matches one = {0};
        qo.min_score += src[m].penalty;
        check(qo.min_score > 100 || jisr_tm_query(src[m].tm, text, &qo, &one) == 0,
              "a memory alone answers");
        qo.min_score -= src[m].penalty;
        total += one.n;
        for (size_t i = 0; i < x->n; i++) {
            if (x->v[i].memory != m)
                continue;
            int found = 0;
            for (size_t k = 0; k < one.n && !found; k++)
                found =
                    one.v[k].id == x->v[i].id && one.v[k].score == x->v[i].score + src[m].penalty;
            check(found, "a match of several memories is one of its memory's own");
        }
        jisr_tm_matches_free(&one);
    }
    check(x->n == (total < qo.max_results ? total : qo.max_results),
          "several memories answer as many as their own lists hold, up to -n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_tm[0])
        setup();
    if (size < 3 || size > 4096)
        return 0;
    unsigned knobs = data[0], lanes = knobs & 3;
    if ((lanes == 2 && !tm_short_has_avx2()) || (lanes == 3 && !tm_short_has_avx512()))
        lanes = 1; /* the portable lanes where the processor has not these */
    int min = 1 + data[1] % 100, filter = (data[2] >> 3) & 3, multi = (data[2] >> 5) & 3;
    size_t nmax = 1 + (data[2] & 7);
    int ar = data[2] >> 7;
    char *q = malloc(4 * size + 2400);
    check(q != NULL, "memory");
    if ((knobs & 32) && size >= 5) {
        size_t u = ((size_t)data[3] << 8 | data[4]) % NUNITS;
        ar = g_ar[u];
        edit(u, data + 5, size - 5, q, 4 * size + 2400);
    } else {
        memcpy(q, data + 3, size - 3);
        q[size - 3] = '\0'; /* (a NUL inside ends the text, as in every C caller) */
    }
    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = ar ? "ar" : "en";
    qo.tgtlang = ar ? "en" : "ar";
    qo.min_score = min;
    qo.max_results = nmax;
    static const jisr_tm_prop_filter props[] = {{"domain", "a"}, {"domain", "b"}, {"client", "x"}};
    if (filter == 1)
        qo.props = props, qo.nprops = 1;
    else if (filter == 2)
        qo.props = props, qo.nprops = 3;
    else if (filter == 3)
        qo.changed_since = "2019-06-01";
    jisr_unit mu;
    jisr_unit_init(&mu);
    const char *text = q;
    if (knobs & 128) { /* {N} placeholders: the query's tags */
        if (jisr_tm_query_markup(&mu, q, JISR_TM_MARKUP_BRACES) != 0) {
            jisr_unit_clear(&mu);
            free(q);
            return 0;
        }
        text = mu.variants[0].text;
        qo.tags = (const char *const *)mu.variants[0].tags;
        qo.ntags = mu.variants[0].ntags;
    }
    tm_short_lanes = (int)lanes;
    tm_short_novpop = data[1] >= 100;
    tm_short_gather_max = data[1] >= 200 ? 16 : g_gather;
    if (knobs & 4) /* every length of every window scanned */
        tm_short_scan_pct = tm_short_tab_pct = 0;
    else if (knobs & 64) /* never: the counting path */
        tm_short_scan_pct = SIZE_MAX;
    tm_short_ftab = (knobs & 8) ? -1 : 0;
    tm_short_ftsig = !(knobs & 16);
    static const int pens[4][2] = {{0, 0}, {0, 5}, {3, 0}, {0, 0}};
    jisr_tm_source src[2] = {{g_tm[0], pens[multi][0]}, {g_tm[1], pens[multi][1]}};
    jisr_tm_matches a, b;
    int ra =
        multi ? jisr_tm_query_multi(src, 2, text, &qo, &a) : jisr_tm_query(g_tm[0], text, &qo, &a);
    qo.flags = JISR_TM_EXHAUSTIVE;
    int rb =
        multi ? jisr_tm_query_multi(src, 2, text, &qo, &b) : jisr_tm_query(g_tm[0], text, &qo, &b);
    tm_short_lanes = 0;
    tm_short_novpop = 0;
    tm_short_gather_max = g_gather;
    tm_short_scan_pct = g_scan_pct;
    tm_short_tab_pct = g_tab_pct;
    tm_short_ftab = 0;
    tm_short_ftsig = 1;
    check(ra == rb, "index and --exhaustive succeed or fail alike");
    if (ra == 0) {
        int same = a.n == b.n;
        for (size_t i = 0; same && i < a.n; i++)
            same = a.v[i].id == b.v[i].id && a.v[i].score == b.v[i].score &&
                   a.v[i].memory == b.v[i].memory;
        if (!same) {
            fprintf(stderr,
                    "index/--exhaustive differ (min %d, n %zu, %s, knobs %u, filter %d, "
                    "memories %d) for: %s\n",
                    min, nmax, qo.srclang, knobs, filter, multi, q);
            for (size_t i = 0; i < a.n; i++)
                fprintf(stderr, "  index        %zu #%llu %d %s\n", a.v[i].memory,
                        (unsigned long long)a.v[i].id, a.v[i].score, a.v[i].source);
            for (size_t i = 0; i < b.n; i++)
                fprintf(stderr, "  --exhaustive %zu #%llu %d %s\n", b.v[i].memory,
                        (unsigned long long)b.v[i].id, b.v[i].score, b.v[i].source);
        }
        check(same, "index = --exhaustive (ids, scores, memories)");
        if (strchr(text, '{') || strchr(text, '%') || qo.tags) {
            /* a second reading (§2.3b) at --min instead of above A's last score: the same */
            jisr_tm_matches f;
            qo.flags = 0;
            tm_phcode_floor = 0;
            int rf = multi ? jisr_tm_query_multi(src, 2, text, &qo, &f)
                           : jisr_tm_query(g_tm[0], text, &qo, &f);
            tm_phcode_floor = 1;
            check(rf == 0, "the query succeeds again");
            int fs = f.n == a.n;
            for (size_t i = 0; fs && i < a.n; i++)
                fs = a.v[i].id == f.v[i].id && a.v[i].score == f.v[i].score &&
                     a.v[i].memory == f.v[i].memory;
            check(fs, "a second reading's raised threshold loses nothing");
            jisr_tm_matches_free(&f);
        }
        check(a.n <= nmax, "at most -n matches");
        for (size_t i = 0; i < a.n; i++) {
            check(a.v[i].score >= min && a.v[i].score <= 100, "scores within [--min, 100]");
            for (size_t j = 0; j < i; j++)
                check(a.v[j].id != a.v[i].id || a.v[j].memory != a.v[i].memory,
                      "a unit is listed once");
            check(!qo.tags || a.v[i].ntags == qo.ntags, "a target carries the query's tags");
            check(a.v[i].memory < (multi ? 2u : 1u), "a match names its memory");
            check(!filter || passes(g_tm[a.v[i].memory], &a.v[i], filter),
                  "every match passes the filter");
        }
        if (multi)
            multi_consistent(src, text, qo, &a);
        jisr_tm_matches_free(&a);
        jisr_tm_matches_free(&b);
    }
    jisr_unit_clear(&mu);
    free(q);
    return 0;
}
