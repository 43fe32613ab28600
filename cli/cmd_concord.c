/*
 * cmd_concord.c — `jisr concord`: concordance search, units whose text in one language contains
 * a phrase, shown keyword-in-context with their translation (or as JSON).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/tm_cli.h"

const char cmd_concord_help[] =
    "Usage: jisr concord [OPTIONS] -l LANG PHRASE...\n"
    "\n"
    "List the units whose text in LANG contains the words of PHRASE in order (compared on\n"
    "their normalised forms: case, diacritics, alef/ya/ta-marbuta forms and Arabic proclitics\n"
    "(wa-, fa-, bi-, li-, ka-, al-) do not matter; punctuation between the words is ignored),\n"
    "keyword in context, each with its translation(s).\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "  -l, --lang LANG       language of PHRASE (e.g. ar or en)\n"
    "  -n, --max N           at most N units (default 100)\n"
    "  -w, --width N         characters of context on each side (default 40)\n"
    "  -j, --json            JSON: "
    "{\"phrase\":…,\"lang\":…,\"hits\":[{\"id\":…,\"text\":…,\"start\":…,\n"
    "                        \"end\":…,\"left\":…,\"match\":…,\"right\":…,\"translations\":\n"
    "                        [{\"lang\":…,\"text\":…}]}],\"truncated\":…} (start/end: bytes)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Examples:\n"
    "  jisr concord --tm ~/tm/bible -l ar 'بيت لحم'\n"
    "  jisr concord -l en --json 'Security Council'\n";

/* the last `width` characters of s[0..n) (UTF-8 aware) */
static const char *tail_chars(const char *s, size_t n, int width)
{
    const char *p = s + n;
    int k = 0;
    while (p > s && k < width) {
        p--;
        while (p > s && ((unsigned char)*p & 0xC0) == 0x80)
            p--;
        k++;
    }
    return p;
}

static size_t head_bytes(const char *s, size_t n, int width)
{
    size_t i = 0;
    int k = 0;
    while (i < n && k < width) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        k++;
    }
    return i;
}

static char *plain_n(const char *s, size_t n)
{
    jisr_buf b = {0};
    tm_cli_plain(&b, s, n);
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n' || b.data[i] == '\t' || b.data[i] == '\r')
            b.data[i] = ' ';
    return b.data;
}

int cmd_concord(int argc, char **argv)
{
    static const struct option longopts[] = {{"tm", required_argument, NULL, 'D'},
                                             {"lang", required_argument, NULL, 'l'},
                                             {"max", required_argument, NULL, 'n'},
                                             {"width", required_argument, NULL, 'w'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *dir = NULL, *lang = NULL;
    int json = 0, c;
    long max = 100, width = 40;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:n:w:jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 'l':
            lang = optarg;
            break;
        case 'n':
            if (tm_cli_number(optarg, 1000000, &max) < 0 || max < 1)
                return cli_usage_error("concord", "--max needs a positive number");
            break;
        case 'w':
            if (tm_cli_number(optarg, 1000, &width) < 0)
                return cli_usage_error("concord", "--width needs a number");
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            return cli_help("concord");
        default:
            return cli_usage_error("concord", "unknown option");
        }
    }
    if (!lang)
        return cli_usage_error("concord", "-l LANG is needed");
    if (optind >= argc)
        return cli_usage_error("concord", "no phrase");
    jisr_buf phrase = {0};
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            jisr_buf_putc(&phrase, ' ');
        jisr_buf_puts(&phrase, argv[i]);
    }
    jisr_tm *tm;
    int rc = tm_cli_open(dir, 0, &tm);
    if (rc != CLI_OK) {
        jisr_buf_free(&phrase);
        return rc;
    }
    jisr_tm_hits h;
    rc = jisr_tm_concord(tm, lang, phrase.data, (size_t)max, &h);
    if (rc < 0) {
        jisr_tm_close(tm);
        jisr_buf_free(&phrase);
        return cli_error(rc);
    }
    json_t *root = json ? json_object() : NULL, *arr = json ? json_array() : NULL;
    for (size_t i = 0; i < h.n; i++) {
        const jisr_tm_hit *x = &h.v[i];
        const char *text = x->unit.variants[x->variant].text;
        size_t tn = strlen(text);
        const char *lp = tail_chars(text, x->start, (int)width);
        char *left = plain_n(lp, (size_t)(text + x->start - lp));
        char *mid = plain_n(text + x->start, x->end - x->start);
        char *right = plain_n(text + x->end, head_bytes(text + x->end, tn - x->end, (int)width));
        if (json) {
            json_t *o = json_object(), *tr = json_array();
            char *full = plain_n(text, tn);
            json_object_set_new(o, "id", json_integer((json_int_t)x->id));
            json_object_set_new(o, "text", json_string(full ? full : ""));
            json_object_set_new(o, "start", json_integer((json_int_t)x->start));
            json_object_set_new(o, "end", json_integer((json_int_t)x->end));
            json_object_set_new(o, "left", json_string(left ? left : ""));
            json_object_set_new(o, "match", json_string(mid ? mid : ""));
            json_object_set_new(o, "right", json_string(right ? right : ""));
            free(full);
            for (size_t v = 0; v < x->unit.nvariants; v++) {
                if (v == x->variant)
                    continue;
                char *t = plain_n(x->unit.variants[v].text, strlen(x->unit.variants[v].text));
                json_t *e = json_object();
                json_object_set_new(e, "lang", json_string(x->unit.variants[v].lang));
                json_object_set_new(e, "text", json_string(t ? t : ""));
                json_array_append_new(tr, e);
                free(t);
            }
            json_object_set_new(o, "translations", tr);
            json_array_append_new(arr, o);
        } else {
            printf("#%-8llu %*s%s [%s] %s\n", (unsigned long long)x->id, lp == text ? 0 : 3,
                   lp == text ? "" : "...", left ? left : "", mid ? mid : "", right ? right : "");
            for (size_t v = 0; v < x->unit.nvariants; v++) {
                if (v == x->variant)
                    continue;
                char *t = plain_n(x->unit.variants[v].text, strlen(x->unit.variants[v].text));
                printf("          %s: %s\n", x->unit.variants[v].lang, t ? t : "");
                free(t);
            }
        }
        free(left);
        free(mid);
        free(right);
    }
    if (json) {
        json_object_set_new(root, "phrase", json_string(phrase.data));
        json_object_set_new(root, "lang", json_string(lang));
        json_object_set_new(root, "hits", arr);
        json_object_set_new(root, "truncated", json_boolean(h.truncated));
        char *s = json_dumps(root, JSON_COMPACT);
        if (s)
            puts(s);
        free(s);
        json_decref(root);
    } else if (h.n == 0) {
        printf("(no unit contains '%s')\n", phrase.data);
    } else if (h.truncated) {
        printf("(first %zu units shown; use -n for more)\n", h.n);
    }
    jisr_tm_hits_free(&h);
    jisr_tm_close(tm);
    jisr_buf_free(&phrase);
    return CLI_OK;
}
