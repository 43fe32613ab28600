/*
 * cmd_concord.c — `jisr concord`: concordance search, units whose text in one language contains
 * a phrase, shown keyword-in-context with their translation (or as JSON; both rendered by the
 * library).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cmd_concord_help[] =
    "Usage: jisr concord [OPTIONS] [-l LANG] PHRASE...\n"
    "\n"
    "List the units whose text in LANG contains the words, numbers and format codes of PHRASE\n"
    "in order (compared on their normalised forms: case, diacritics, alef/ya/ta-marbuta forms\n"
    "and Arabic proclitics (wa-, fa-, bi-, li-, ka-, al-) do not matter, nor the digits' system:\n"
    "5 finds ٥; punctuation between them is ignored), keyword in context, each with its\n"
    "translation(s). A phrase may be a number or a code alone (e.g. 2015, %d).\n"
    "\n"
    "Options:\n"
    "      --tm DIR          the memory (default: $JISR_TM, else ~/.local/share/jisr/tm)\n"
    "  -l, --lang LANG       language of PHRASE (e.g. ar or en; default: the memory's\n"
    "                        language in PHRASE's script, Arabic or not)\n"
    "  -n, --max N           at most N units (default 100, at most 1000000)\n"
    "  -w, --width N         characters of context on each side (default 40, at most 1000)\n"
    "  -j, --json            JSON: "
    "{\"phrase\":…,\"lang\":…,\"hits\":[{\"id\":…,\"text\":…,\"start\":…,\n"
    "                        \"end\":…,\"left\":…,\"match\":…,\"right\":…,\"translations\":\n"
    "                        [{\"lang\":…,\"text\":…}]}],\"truncated\":…} (start/end:\n"
    "                        bytes of \"text\", as printed); a text holding inline tags\n"
    "                        also has \"text_tagged\": it as TMX segment content (what\n"
    "                        export writes in its <seg>)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Examples:\n"
    "  jisr concord --tm ~/tm/bible -l ar 'بيت لحم'\n"
    "  jisr concord --json 'Security Council'\n";

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
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":l:n:w:jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            dir = optarg;
            break;
        case 'l':
            lang = optarg;
            break;
        case 'n':
            if (cli_number(optarg, 1000000, &max) < 0 || max < 1)
                return cli_usage_error("concord", "--max needs a number from 1 to 1000000");
            break;
        case 'w':
            if (cli_number(optarg, 1000, &width) < 0)
                return cli_usage_error("concord", "--width needs a number from 0 to 1000");
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            return cli_help("concord");
        default: /* ':' or '?' */
            return cli_option_error("concord", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("concord", "no phrase");
    jisr_buf phrase = {0};
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            jisr_buf_putc(&phrase, ' ');
        jisr_buf_puts(&phrase, argv[i]);
    }
    jisr_tm *tm;
    int rc = cli_open_tm(dir, 0, &tm);
    if (rc != CLI_OK) {
        jisr_buf_free(&phrase);
        return rc;
    }
    cli_langs l; /* (lang may point into it) */
    char lbuf[64];
    if (lang) /* a language it lacks is said, a region variant falls back to its language */
        lang = cli_lang_resolve("concord", &tm, 1, lang, lbuf, sizeof lbuf);
    else { /* the memory's language in the phrase's script */
        if ((rc = cli_tm_langs(&tm, 1, &l)) == CLI_OK &&
            !(lang = cli_langs_for_text(&l, phrase.data, phrase.len))) {
            char list[256];
            cli_langs_list(&l, list, sizeof list);
            rc = cli_usage_error("concord", "-l LANG is needed: the memory holds %s", list);
        }
        if (rc != CLI_OK) {
            jisr_tm_close(tm);
            jisr_buf_free(&phrase);
            return rc;
        }
    }
    jisr_tm_hits h;
    rc = jisr_tm_concord(tm, lang, phrase.data, (size_t)max, &h);
    jisr_tm_close(tm);
    if (rc < 0) {
        jisr_buf_free(&phrase);
        /* (the only JISR_EINVAL with a memory, a language and a phrase given) a phrase of no
         * words or numbers, ':' alone: a usage error, as no phrase at all is */
        if (rc == JISR_EINVAL)
            return cli_usage_error("concord", "%s", jisr_error_last()->msg);
        return cli_error(rc);
    }
    jisr_buf out = {0};
    rc = json ? jisr_tm_hits_json(&out, lang, phrase.data, &h, (int)width)
              : jisr_tm_hits_text(&out, phrase.data, &h, (int)width);
    if (rc == 0 && json)
        rc = jisr_buf_putc(&out, '\n');
    if (rc == 0)
        fwrite(out.data, 1, out.len, stdout);
    jisr_buf_free(&out);
    jisr_tm_hits_free(&h);
    jisr_buf_free(&phrase);
    return rc < 0 ? cli_error(rc) : CLI_OK;
}
