/*
 * cmd_query.c — `jisr query`: fuzzy-match each TEXT (or each line of standard input) against one
 * memory or several (--tm DIR[:PENALTY], repeated) and print the best matches: as text with a
 * word diff, as one JSON object per query (both rendered by the library: tm/textout.c,
 * tm/json.c), or as one TMX document of all matches with their inline tags (tm/tmxout.c). A
 * query's inline tags (--tags tmx|braces) are read by the library too (tm/querytags.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "text/text.h"
#include "util/plural.h"
#include "util/utf8.h"

/* The help outgrew the 4,095 characters C99 promises every compiler reads in one literal; GCC
 * and clang read any length (-Wpedantic's warning is about other compilers). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
const char cmd_query_help[] =
    "Usage: jisr query [OPTIONS] [-s LANG] [-t LANG] [TEXT...]\n"
    "\n"
    "Find the stored translations of sentences like TEXT (one query per argument, or one per\n"
    "line of standard input when there is none). The same memory answers both directions.\n"
    "\n"
    "Score 0-100: token-level edit-distance similarity on normalised words. Differences only in\n"
    "diacritics, case, alef/ya/ta-marbuta forms, typography (quotes, dashes, ...) or accelerator\n"
    "markers (_Open, &File) cost little; clitics (wa-, fa-, bi-, li-, ka-, al-), a few letters\n"
    "(Metric/Metrics), compounds (Filename/File name), numbers and punctuation cost part of a\n"
    "word; inline tags are not words. 100 means identical. When a match differs from the query\n"
    "only in numbers, the query's numbers are put into the proposed translation (paired with the\n"
    "stored ones by position and value, in the digit system the translation uses) and the\n"
    "match is marked 'placeable'; a number that changes agreement class in the target language\n"
    "(Arabic 1, 2, 3-10, 11-99, 100...; English 1 or not) is marked 'check agreement' and costs\n"
    "2 points. When it differs in more, its numbers are put in all the same where they pair\n"
    "by position (as many in both), else it says they were not substituted.\n"
    "Codes the translation copies from its source follow the query (A0x2: A0×2);\n"
    "accelerators are dropped for a query without one, and written with the query's '_' or\n"
    "'&'. Equal scores rank by character similarity, then the later change, then usage.\n"
    "See docs/matching.md.\n"
    "\n"
    "Options:\n"
    "      --tm DIR[:PENALTY]\n"
    "                        the memory (default: $JISR_TM, else ~/.local/share/jisr/tm);\n"
    "                        repeat to query several at once, each match naming its memory,\n"
    "                        PENALTY (0-100) points taken off that memory's scores (each\n"
    "                        match says it: [memory penalty N], JSON memory_penalty)\n"
    "  -s, --source LANG     language of the queries (e.g. ar)\n"
    "  -t, --target LANG     language of the translations (e.g. en); either defaults to\n"
    "                        the memory's other language. Without both, on a memory of\n"
    "                        two languages, one in the Arabic script: each query is asked\n"
    "                        from the language of its script (JSON says which). A language\n"
    "                        the memory lacks is said on stderr; en-US falls back to en\n"
    "  -m, --min N           lowest score shown (default 70)\n"
    "  -n, --max N           at most N matches per query (default 5, at most 100000)\n"
    "      --prop TYPE=VALUE only units with this prop (repeat: values of one type are\n"
    "                        alternatives, different types must all match)\n"
    "      --changed-since DATE\n"
    "                        only units changed (or created) on or after DATE (YYYY-MM-DD or\n"
    "                        YYYYMMDDThhmmssZ)\n"
    "      --tags MODE       inline tags in the queries: none (default: plain text), tmx\n"
    "                        (TMX inline elements: <bpt>, <ept>, <ph>, ...; & and < escaped;\n"
    "                        a <bpt> and its <ept> both in the query, else <it>),\n"
    "                        braces ({0}, {1} ... placeholders); with tmx or braces each target\n"
    "                        carries the query's tags and a tag difference costs 1 point\n"
    "                        (a code, {0} or %s, in a <ph> and as text match: 1 point)\n"
    "  -f, --format FMT      text (default), json (one object per query), tmx (one TMX document:\n"
    "                        a <tu> per match: the stored source and stored target, tags as\n"
    "                        inline elements; score, memory, query and the proposed target as\n"
    "                        props, x-jisr-proposal: a CAT tool may use the file as a memory)\n"
    "      --omegat-shortcuts\n"
    "                        with --format tmx: write inline tags holding an OmegaT shortcut\n"
    "                        (<b0>, </b0>, <x1/>) as that text, as OmegaT's own memories do:\n"
    "                        for a memory going to OmegaT's tm/auto\n"
    "  -j, --json            the same as --format json: {\"query\":…,\"matches\":[{\"score\":…,\n"
    "                        \"source\":…,\"target\":…,\"id\":…},…]} and more (jisr(1))\n"
    "      --exhaustive      score every unit instead of the index's candidates (slow; the\n"
    "                        reference the index is tested against)\n"
    "      --tables WHEN     auto (default), on, off: keep the forms of short texts in RAM\n"
    "                        (--chars memories; ~0.8 s, 150 MB a million units) for faster\n"
    "                        queries at low --min; auto: once the queries took that long\n"
    "  -h, --help            show this help\n"
    "\n"
    "In text mode each match shows the stored source as a word diff against the query:\n"
    "[-word-] is in the query only, {+word+} in the match only.\n"
    "\n"
    "A query of more than 100000 tokens is refused; memory grows with the lengths of the\n"
    "query and of the stored texts, never with their product.\n"
    "\n"
    "A query that cannot be asked (tag markup that cannot be read, more than 100000 tokens;\n"
    "a line of standard input with a NUL byte or longer than 16 MiB) is refused naming it\n"
    "(query N, or <stdin>:LINE) and answered in its place, '(not asked: ...)' in text, an\n"
    "\"error\" member in JSON, so that the answers stay one a query; the others are asked.\n"
    "Standard input is UTF-8; UTF-16 (with its byte-order mark) is refused at line 1, and\n"
    "nothing is asked: convert it first (iconv -f UTF-16 -t UTF-8).\n"
    "\n"
    "Exit status: 0 every query asked (with matches or none), 1 a query not asked (the\n"
    "others answered) or an error (the memory cannot be read ...), 2 usage error (nothing\n"
    "asked).\n"
    "\n"
    "Examples:\n"
    "  jisr query --tm ~/tm/un -s ar -t en 'الجلسة 7439 المعقودة في 11 أيار/مايو 2015.'\n"
    "  jisr query -s en -t ar --min 50 --json < sentences.txt\n"
    "  jisr query --tm project --tm reference:10 -s en -t ar 'Save the file'\n"
    "  jisr query --tags braces -s en -t ar --json 'Delete {0} files'\n";
#pragma GCC diagnostic pop

enum { OUT_TEXT, OUT_JSON, OUT_TMX };
enum { TABLES_AUTO, TABLES_ON, TABLES_OFF };
_Static_assert(OUT_TMX == 2 && TABLES_OFF == 2 && JISR_TM_MARKUP_TMX == 1 &&
                   JISR_TM_MARKUP_BRACES == 2,
               "the options' words (choice) are listed in the order of these enums");

/* The form tables' cost to build, in seconds a unit, as measured at a million units
 * (docs/matching.md §4.5): `--tables auto` builds them once the queries have taken as long as
 * that estimate for the memories with the character search on — never more than about twice
 * the time of the better choice made in advance (the rent-or-buy rule), whatever the number of
 * queries that follow. */
#define TABLES_SECONDS_A_UNIT 0.8e-6
/* … and their size, in bytes a unit (146 MiB for the 2,000,000 forms of a million units):
 * `auto` builds none that would take more than a quarter of the machine's RAM */
#define TABLES_BYTES_A_UNIT 160.0

typedef struct qrun {
    jisr_tm_source src[16];
    const char *names[16];
    size_t nsrc;
    jisr_tm_query_opts o;
    int out, tags;
    jisr_writer *w;
    jisr_buf buf;
    jisr_unit tagged; /* the query parsed into text and tags */
    int tables;       /* TABLES_* */
    double spent;     /* seconds in queries so far (--tables auto) */
    double build;     /* the tables' estimated cost; < 0: none to build, or built */
    int chars[16];    /* the memory's character search is on: tables to build */
    cli_langs langs;  /* the memories' languages, when -s and -t were both left out */
    int by_script;    /* … then each query's direction comes from its script */
    int bad;          /* queries refused (refuse_query): the others are still answered */
    char lbuf[2][64]; /* -s and -t as the memories hold them (cli_lang_resolve) */
    int pens[16];     /* each memory's penalty (JSON "memory_penalty") */
    char *tnames[16]; /* … and its name in text mode: "DIR, memory penalty N" */
    int named;        /* matches name their memory: several, or one with a penalty */
} qrun;

/* The form tables of every memory whose character search is on (jisr_tm_warm); a memory whose
 * tables cannot be built (out of memory) is queried as before, from LMDB: a warning, never an
 * error, as the answers are the same. */
static void tables_build(qrun *r)
{
    r->build = -1;
    for (size_t k = 0; k < r->nsrc; k++)
        if (r->chars[k] && jisr_tm_warm(r->src[k].tm, NULL) < 0) {
            fprintf(stderr,
                    "jisr query: %s: the form tables were not built (%s); queries read "
                    "the stored forms instead\n",
                    r->names[k], jisr_error_last()->msg);
            jisr_error_clear();
        }
}

/* The tables' estimated cost to build for the memories with the character search on: < 0 when
 * none has it on, or (auto) when they would take more than a quarter of the RAM */
static double tables_cost(qrun *r)
{
    double units = 0;
    int any = 0;
    for (size_t k = 0; k < r->nsrc; k++) {
        jisr_tm_stats st;
        if (jisr_tm_stats_get(r->src[k].tm, &st) < 0) {
            jisr_error_clear();
            continue;
        }
        if ((r->chars[k] = st.chars != 0)) {
            any = 1;
            units += (double)st.units;
        }
        jisr_tm_stats_free(&st);
    }
    if (!any)
        return -1;
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (r->tables == TABLES_AUTO && pages > 0 && psz > 0 &&
        units * TABLES_BYTES_A_UNIT > (double)pages * (double)psz / 4)
        return -1;
    return units * TABLES_SECONDS_A_UNIT;
}

/* arg's index among the words of names (NULL-terminated), -1 for none: the values of --format,
 * --tags and --tables, in the order of their enums */
static int choice(const char *arg, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(arg, names[i]) == 0)
            return i;
    return -1;
}

/* "DIR:PENALTY" → dir and penalty: a trailing ':' and digits is a penalty (a usage error beyond
 * 100); anything else after the last ':' leaves the whole as DIR (a path may hold ':'), unless
 * it is a penalty mistyped (cli_tm_penalty_typo). CLI_OK, or CLI_USAGE (said). */
static int parse_tm_arg(char *arg, const char **dir, int *penalty)
{
    *dir = arg;
    *penalty = 0;
    char *colon = strrchr(arg, ':');
    if (!colon || !colon[1])
        return CLI_OK;
    const char *p = colon + 1;
    if (cli_tm_penalty_typo(arg))
        return cli_usage_error("query",
                               "--tm %s: no such path, and '%s' is not a penalty (DIR:PENALTY "
                               "takes a number from 0 to 100)",
                               arg, p);
    if (p[strspn(p, "0123456789")])
        return CLI_OK; /* a ':' in the directory's name */
    long v;
    if (cli_number(p, 100, &v) < 0)
        return cli_usage_error("query",
                               "--tm %s: the penalty (DIR:PENALTY) is a number from 0 to 100, "
                               "not %s",
                               arg, p);
    *colon = '\0';
    *penalty = (int)v;
    return CLI_OK;
}

/* one <tu> per match (the library's jisr_tm_match_unit) */
/* The query as a TMX prop can carry it: a byte that is not UTF-8, or a character XML cannot
 * hold, as U+FFFD (as the text and JSON outputs show it) */
static int xml_safe(const char *q, jisr_buf *out)
{
    const unsigned char *s = (const unsigned char *)q;
    size_t n = strlen(q);
    int rc = 0;
    jisr_buf_reset(out);
    for (size_t i = 0, len; rc == 0 && i < n; i += len) {
        int32_t c = jisr_utf8_decode(s, n, i, &len);
        int ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c < 0xD800) ||
                 (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
        rc = ok ? jisr_buf_append(out, q + i, len) : jisr_buf_puts(out, "\xEF\xBF\xBD");
    }
    return rc < 0 ? rc : jisr_buf_puts(out, "");
}

static int write_tmx(qrun *r, const jisr_tm_query_opts *o, const char *q, const jisr_tm_matches *m)
{
    jisr_buf safe = {0};
    if (m->n && xml_safe(q, &safe) < 0) {
        jisr_buf_free(&safe);
        return cli_error(JISR_ENOMEM);
    }
    for (size_t i = 0; i < m->n; i++) {
        const jisr_tm_match *x = &m->v[i];
        jisr_unit u;
        int rc = jisr_tm_match_unit(&u, x, o->srclang, o->tgtlang, safe.data,
                                    r->nsrc > 1 ? r->names[x->memory] : NULL);
        if (rc == 0)
            rc = jisr_writer_write(r->w, &u);
        jisr_unit_clear(&u);
        if (rc < 0) {
            jisr_buf_free(&safe);
            return cli_error(rc);
        }
    }
    jisr_buf_free(&safe);
    return CLI_OK;
}

/* The memories' names in text mode: each directory, with its penalty when it has one (its
 * matches' scores show it taken off); with one memory, only a penalty is said, and only then */
static int text_names(qrun *r)
{
    for (size_t k = 0; k < r->nsrc; k++) {
        jisr_buf b = {0};
        int rc = r->nsrc > 1 ? jisr_buf_puts(&b, r->names[k]) : 0;
        if (rc == 0 && r->pens[k])
            rc = jisr_buf_printf(&b, "%smemory penalty %d", r->nsrc > 1 ? ", " : "", r->pens[k]);
        if (rc == 0 && !b.data)
            rc = jisr_buf_puts(&b, "");
        if (rc < 0) {
            jisr_buf_free(&b);
            return cli_error(rc);
        }
        r->tnames[k] = b.data;
        r->named |= r->nsrc > 1 || r->pens[k] > 0;
    }
    return CLI_OK;
}

/* -s or -t (or both) left out: the memories' other language, or each query's by its script */
static int pick_langs(qrun *r)
{
    jisr_tm *tms[16];
    for (size_t k = 0; k < r->nsrc; k++)
        tms[k] = r->src[k].tm;
    int st = cli_tm_langs(tms, r->nsrc, &r->langs);
    if (st != CLI_OK)
        return st;
    char list[256];
    cli_langs_list(&r->langs, list, sizeof list);
    const char *mem = r->nsrc > 1 ? "the memories hold" : "the memory holds";
    if (r->o.srclang) {
        if (!(r->o.tgtlang = cli_langs_other(&r->langs, r->o.srclang)))
            return cli_usage_error("query", "-t LANG is needed: %s %s", mem, list);
    } else if (r->o.tgtlang) {
        if (!(r->o.srclang = cli_langs_other(&r->langs, r->o.tgtlang)))
            return cli_usage_error("query", "-s LANG is needed: %s %s", mem, list);
    } else if (!(r->by_script = cli_langs_split(&r->langs))) {
        return cli_usage_error("query", "-s LANG and -t LANG are needed: %s %s", mem, list);
    }
    return CLI_OK;
}

/* s as a JSON string (quotes, escapes; a byte that is not UTF-8 as U+FFFD) */
static int json_quote(jisr_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    int rc = jisr_buf_putc(b, '"');
    for (size_t i = 0, len; rc == 0 && i < n; i += len) {
        int32_t c = jisr_utf8_decode(u, n, i, &len);
        if (c == '"' || c == '\\')
            rc = jisr_buf_printf(b, "\\%c", (char)c);
        else if (c >= 0 && c < 0x20)
            rc = jisr_buf_printf(b, "\\u%04x", (unsigned)c);
        else if (c < 0 || (c >= 0xD800 && c < 0xE000))
            rc = jisr_buf_puts(b, "\xEF\xBF\xBD");
        else
            rc = jisr_buf_append(b, s + i, len);
    }
    return rc < 0 ? rc : jisr_buf_putc(b, '"');
}

/* A query that cannot be asked (msg says why: its tag markup cannot be read, too many tokens,
 * a line of standard input the reader refused): said on stderr where it is (the argument's
 * number, or standard input's line), and in the output in its place (JSON: an "error" member,
 * text: a line), so that the answers stay one a query; the other queries are still answered
 * and the exit status says one was not */
static int refuse_query(qrun *r, const char *q, const char *where, const char *msg)
{
    fprintf(stderr, "jisr: %s: %s\n", where, msg);
    jisr_error_clear();
    r->bad++;
    jisr_buf_reset(&r->buf);
    int rc = 0;
    if (r->out == OUT_JSON) {
        jisr_tm_matches none = {0};
        jisr_tm_json_opts jo = {0, NULL, 0, r->o.srclang, r->o.tgtlang, NULL};
        if ((rc = jisr_tm_matches_json_ex(&r->buf, q, &none, &jo)) == 0 && r->buf.len &&
            r->buf.data[r->buf.len - 1] == '}') {
            r->buf.len--; /* {"query":…,"matches":[]} + ,"error":"…"} */
            jisr_buf quoted = {0};
            rc = json_quote(&quoted, msg);
            if (rc == 0)
                rc = jisr_buf_printf(&r->buf, ",\"error\":%s}\n", quoted.data);
            jisr_buf_free(&quoted);
        }
    } else if (r->out == OUT_TEXT) {
        jisr_tm_matches none = {0};
        if ((rc = jisr_tm_matches_text_ex(&r->buf, q, &none, 100, NULL, 0)) == 0) {
            /* the "(no match …)" line becomes the error */
            char *nl = r->buf.len ? memchr(r->buf.data, '\n', r->buf.len) : NULL;
            if (nl)
                r->buf.len = (size_t)(nl - r->buf.data) + 1;
            rc = jisr_buf_printf(&r->buf, "  (not asked: %s)\n", msg);
        }
    }
    if (rc < 0)
        return cli_error(rc);
    fwrite(r->buf.data, 1, r->buf.len, stdout);
    return CLI_OK;
}

static int run_one(qrun *r, const char *q, const char *where)
{
    const char *text = q;
    jisr_unit_clear(&r->tagged);
    jisr_tm_query_opts o = r->o;
    if (r->tags != JISR_TM_MARKUP_NONE) {
        if (jisr_tm_query_markup(&r->tagged, q, r->tags) < 0) {
            char msg[1100];
            snprintf(msg, sizeof msg, "%s (--tags %s)", jisr_error_last()->msg,
                     r->tags == JISR_TM_MARKUP_TMX ? "tmx" : "braces");
            return refuse_query(r, q, where, msg);
        }
        const jisr_variant *v = &r->tagged.variants[0];
        text = v->text;
        o.tags = (const char *const *)v->tags;
        o.ntags = v->ntags;
        if (!o.tags) /* a query without tags, which says so: stored tags cost their penalty */
            o.tags = (const char *const *)&v->text;
    }
    if (r->by_script) { /* a memory of two languages, one of them in the Arabic script */
        o.srclang = cli_langs_for_text(&r->langs, text, strlen(text));
        o.tgtlang = cli_langs_other(&r->langs, o.srclang);
    }
    jisr_tm_matches m;
    int timed = r->tables == TABLES_AUTO && r->build >= 0;
    double t0 = timed ? jisr_now() : 0;
    int rc = jisr_tm_query_multi(r->src, r->nsrc, text, &o, &m);
    if (rc == JISR_ETOOBIG) { /* this query only: more tokens than a query may have */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", jisr_error_last()->msg);
        return refuse_query(r, q, where, msg);
    }
    if (rc < 0)
        return cli_error(rc);
    if (timed && (r->spent += jisr_now() - t0) >= r->build)
        tables_build(r); /* (for the queries that follow) */
    if (r->out == OUT_TMX) {
        int st = write_tmx(r, &o, q, &m);
        jisr_tm_matches_free(&m);
        return st;
    }
    jisr_buf_reset(&r->buf);
    jisr_tm_json_opts jo = {0,      r->nsrc > 1 ? r->names : NULL, r->nsrc, o.srclang, o.tgtlang,
                            r->pens};
    if (r->out == OUT_JSON) {
        rc = jisr_tm_matches_json_ex(&r->buf, q, &m, &jo);
        if (rc == 0)
            rc = jisr_buf_putc(&r->buf, '\n');
    } else {
        rc = jisr_tm_matches_text_ex(&r->buf, q, &m, o.min_score,
                                     r->named ? (const char *const *)r->tnames : NULL, r->nsrc);
    }
    jisr_tm_matches_free(&m);
    if (rc < 0)
        return cli_error(rc);
    fwrite(r->buf.data, 1, r->buf.len, stdout);
    return CLI_OK;
}

int cmd_query(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"source", required_argument, NULL, 's'},
                                             {"target", required_argument, NULL, 't'},
                                             {"min", required_argument, NULL, 'm'},
                                             {"max", required_argument, NULL, 'n'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"prop", required_argument, NULL, 'P'},
                                             {"changed-since", required_argument, NULL, 'C'},
                                             {"tags", required_argument, NULL, 'T'},
                                             {"exhaustive", no_argument, NULL, 'E'},
                                             {"tables", required_argument, NULL, 'W'},
                                             {"omegat-shortcuts", no_argument, NULL, 'O'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    qrun r;
    memset(&r, 0, sizeof r);
    jisr_tm_query_opts init = JISR_TM_QUERY_OPTS_INIT;
    r.o = init;
    jisr_unit_init(&r.tagged);
    char *dirs[16];
    int pens[16];
    size_t ndirs = 0;
    cli_filter flt; /* --prop, --changed-since */
    cli_filter_init(&flt);
    int c, status = CLI_OK;
    unsigned wflags = 0; /* JISR_WRITE_*: --format tmx */
    long v;
    optind = 1;
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":s:t:m:n:jf:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'D': {
            if (ndirs == 16)
                return cli_usage_error("query", "at most 16 memories (--tm)");
            const char *d;
            if (parse_tm_arg(optarg, &d, &pens[ndirs]) != CLI_OK)
                return CLI_USAGE;
            dirs[ndirs++] = (char *)d;
            break;
        }
        case 's':
            r.o.srclang = optarg;
            break;
        case 't':
            r.o.tgtlang = optarg;
            break;
        case 'm':
            if (cli_number(optarg, 100, &v) < 0)
                return cli_usage_error("query", "--min needs a number from 0 to 100");
            r.o.min_score = (int)v;
            break;
        case 'n':
            if (cli_number(optarg, JISR_TM_MAX_RESULTS, &v) < 0 || v < 1)
                return cli_usage_error("query", "--max needs a number from 1 to %d",
                                       JISR_TM_MAX_RESULTS);
            r.o.max_results = (size_t)v;
            break;
        case 'j':
            r.out = OUT_JSON;
            break;
        case 'f': {
            static const char *const fmts[] = {"text", "json", "tmx", NULL}; /* OUT_* */
            if ((r.out = choice(optarg, fmts)) < 0)
                return cli_usage_error("query", "--format is text, json or tmx");
            break;
        }
        case 'P':
        case 'C': /* as export's and delete's (cli/filter_opts.c) */
            if (cli_filter_option("query", &flt, c, optarg) != CLI_OK)
                return CLI_USAGE;
            break;
        case 'T': {
            static const char *const modes[] = {"none", "tmx", "braces", NULL}; /* ..._MARKUP_* */
            if ((r.tags = choice(optarg, modes)) < 0)
                return cli_usage_error("query", "--tags is none, tmx or braces");
            break;
        }
        case 'E':
            r.o.flags |= JISR_TM_EXHAUSTIVE;
            break;
        case 'W': {
            static const char *const when[] = {"auto", "on", "off", NULL}; /* TABLES_* */
            if ((r.tables = choice(optarg, when)) < 0)
                return cli_usage_error("query", "--tables is auto, on or off");
            break;
        }
        case 'O':
            wflags |= JISR_WRITE_OMEGAT_SHORTCUTS;
            break;
        case 'h':
            return cli_help("query");
        default: /* ':' or '?' */
            return cli_option_error("query", c, argv);
        }
    }
    if (wflags && r.out != OUT_TMX) /* text and JSON carry no inline elements to rewrite */
        return cli_usage_error("query", "--omegat-shortcuts is for --format tmx");
    /* as export and convert: the same language twice matches nothing, a mistake to say */
    if ((status = cli_lang_pair_option("query", r.o.srclang, r.o.tgtlang)) != CLI_OK)
        return status;
    r.o.props = flt.props;
    r.o.nprops = flt.f.nprops;
    r.o.changed_since = flt.since;
    if (!ndirs) {
        dirs[0] = NULL;
        pens[0] = 0;
        ndirs = 1;
    }
    /* LMDB allows one environment of a memory per process (a second would break its locks),
     * and the same memory twice would list each match twice */
    for (size_t k = 1; k < ndirs; k++) {
        struct stat a, b;
        for (size_t i = 0; i < k; i++)
            if (stat(dirs[k], &a) == 0 && stat(dirs[i], &b) == 0 && a.st_dev == b.st_dev &&
                a.st_ino == b.st_ino)
                return cli_usage_error("query", "--tm %s and --tm %s are the same memory", dirs[i],
                                       dirs[k]);
    }
    for (size_t k = 0; k < ndirs && status == CLI_OK; k++) {
        status = cli_open_tm(dirs[k], 0, &r.src[k].tm);
        if (status == CLI_OK) {
            r.src[k].penalty = r.pens[k] = pens[k];
            r.names[k] = dirs[k] ? dirs[k] : "default";
            r.nsrc++;
        }
    }
    if (status == CLI_OK)
        status = text_names(&r);
    if (status == CLI_OK) { /* a language they lack is said, a region variant falls back */
        jisr_tm *tms[16];
        for (size_t k = 0; k < r.nsrc; k++)
            tms[k] = r.src[k].tm;
        const char *s0 = r.o.srclang, *t0 = r.o.tgtlang;
        if (r.o.srclang)
            r.o.srclang =
                cli_lang_resolve("query", tms, r.nsrc, r.o.srclang, r.lbuf[0], sizeof r.lbuf[0]);
        if (r.o.tgtlang)
            r.o.tgtlang =
                cli_lang_resolve("query", tms, r.nsrc, r.o.tgtlang, r.lbuf[1], sizeof r.lbuf[1]);
        if (r.o.srclang && r.o.tgtlang && jisr_lang_equal(r.o.srclang, r.o.tgtlang))
            status = cli_usage_error("query",
                                     "-s %s and -t %s would both be asked as %s (the "
                                     "memories' language for them): give two languages",
                                     s0, t0, r.o.srclang);
    }
    if (status == CLI_OK && (!r.o.srclang || !r.o.tgtlang))
        status = pick_langs(&r);
    r.build = -1;
    if (status == CLI_OK && !(r.o.flags & JISR_TM_EXHAUSTIVE) && r.tables != TABLES_OFF &&
        (r.build = tables_cost(&r)) >= 0 && r.tables == TABLES_ON)
        tables_build(&r);
    if (status == CLI_OK && r.out == OUT_TMX) {
        jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
        wo.format = JISR_FMT_TMX;
        wo.srclang = r.o.srclang; /* NULL (by script): "*all*" */
        wo.flags = wflags;
        if (jisr_writer_open_stream(&r.w, stdout, "standard output", &wo, NULL) < 0)
            status = cli_error(jisr_error_last()->code);
    }
    int total = 0; /* queries read (asked or not) */
    if (status == CLI_OK && optind < argc) {
        for (int i = optind; i < argc && status == CLI_OK; i++) {
            char where[64];
            snprintf(where, sizeof where, "query %d", i - optind + 1);
            status = run_one(&r, argv[i], where);
            total++;
        }
    } else if (status == CLI_OK) {
        /* one query a line, through the library's line reader (bounded lines; a NUL byte,
         * which would cut the query short, is refused naming its line and column). A line it
         * refuses is skipped to its end, so that line alone is not asked (an empty query in
         * its place); its I/O and memory errors are sticky, and end the batch. */
        jisr_lines *in = NULL;
        const char *line;
        int rc = jisr_lines_open_fd(&in, 0, 0, "<stdin>", JISR_LINES_NO_NUL);
        while (rc >= 0 && status == CLI_OK) {
            char where[64];
            rc = jisr_lines_next(in, &line, NULL);
            if (rc == JISR_ETOOBIG || rc == JISR_EENCODING || rc == JISR_EPARSE) {
                const jisr_error *e = jisr_error_last();
                char msg[1024];
                snprintf(msg, sizeof msg, "%s", e->msg);
                if (e->col)
                    snprintf(where, sizeof where, "<stdin>:%lu:%lu", jisr_lines_lineno(in), e->col);
                else
                    snprintf(where, sizeof where, "<stdin>:%lu", jisr_lines_lineno(in));
                status = refuse_query(&r, "", where, msg);
                rc = 1;
                total++;
                /* UTF-16 (a list saved by Notepad as "Unicode"): every line would be refused
                 * the same way; one message says it, and the batch stops */
                if (jisr_lines_utf16_bom(in)) {
                    if (status == CLI_OK)
                        status = cli_fail("standard input is UTF-16, not UTF-8: "
                                          "no query was asked");
                    break;
                }
            } else if (rc > 0) {
                snprintf(where, sizeof where, "<stdin>:%lu", jisr_lines_lineno(in));
                /* a UTF-8 byte-order mark (Notepad, Excel) is no part of the first query: kept,
                 * it made an identical text a 99 */
                if (jisr_lines_lineno(in) == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
                    line += 3;
                status = run_one(&r, line, where);
                total++;
            } else {
                break;
            }
            fflush(stdout);
        }
        if (rc < 0 && status == CLI_OK)
            status = cli_error(rc);
        jisr_lines_close(in);
    }
    if (r.w) {
        int rc = jisr_writer_close(r.w);
        if (rc < 0 && status == CLI_OK)
            status = cli_error(rc);
    }
    if (status == CLI_OK && r.bad && r.bad == total)
        status = cli_fail("no query was asked (above)");
    else if (status == CLI_OK && r.bad)
        status = cli_fail("%d %s not asked (above); the others were answered", r.bad,
                          jisr_plural(r.bad, "query", "queries"));
    jisr_unit_clear(&r.tagged);
    jisr_buf_free(&r.buf);
    for (size_t k = 0; k < r.nsrc; k++) {
        jisr_tm_close(r.src[k].tm);
        free(r.tnames[k]);
    }
    return status;
}
