/*
 * langs.c — the languages a query or a concordance search is asked in, when the command line
 * leaves them out: from the languages the memories hold (their meta counters: no scan) and the
 * script of the text. A memory of Arabic and English needs neither -s nor -t: an Arabic text is
 * asked ar→en, any other en→ar. Languages are compared by their primary subtag (en-US and
 * en-GB are one language, "en", which the matcher's language test matches to both).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "formats/formats.h"
#include "text/text.h"

/* Primary subtags of languages written in the Arabic script (or most often so). */
static const char *const arabic_script[] = {"ar",  "fa",  "ur",  "ps",  "ckb", "sd",  "ug",  "ks",
                                            "prs", "pes", "arz", "ary", "arq", "aeb", "apc", "ajp",
                                            "acm", "afb", "ayl", "acw", "apd", "shu", "azb", NULL};

int cli_lang_arabic_script(const char *tag)
{
    char p[16];
    size_t n = 0;
    while (tag[n] && tag[n] != '-' && tag[n] != '_' && n < sizeof p - 1) {
        p[n] = (char)(tag[n] >= 'A' && tag[n] <= 'Z' ? tag[n] + 32 : tag[n]);
        n++;
    }
    p[n] = '\0';
    for (int i = 0; arabic_script[i]; i++)
        if (strcmp(p, arabic_script[i]) == 0)
            return 1;
    /* a script subtag: ku-Arab, pa-Arab, ms-Arab … */
    for (const char *s = tag; (s = strpbrk(s, "-_")) != NULL; s++)
        if (strncasecmp(s + 1, "arab", 4) == 0 && (s[5] == '\0' || s[5] == '-' || s[5] == '_'))
            return 1;
    return 0;
}

int cli_tm_langs(jisr_tm *const *tms, size_t ntm, cli_langs *out)
{
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < ntm; k++) {
        jisr_tm_stats st;
        if (jisr_tm_stats_get(tms[k], &st) < 0)
            return cli_error(jisr_error_last()->code);
        for (size_t i = 0; i < st.nlangs; i++) {
            const char *tag = st.langs[i].lang;
            if (!st.langs[i].units)
                continue;
            size_t n = strcspn(tag, "-_");
            if (n >= sizeof out->lang[0])
                n = sizeof out->lang[0] - 1;
            char p[sizeof out->lang[0]];
            memcpy(p, tag, n);
            p[n] = '\0';
            int arab = cli_lang_arabic_script(tag), seen = 0;
            for (size_t j = 0; j < out->n && !seen; j++)
                if (jisr_lang_equal(out->lang[j], p)) {
                    seen = 1;
                    out->arabic[j] |= arab;
                }
            if (seen)
                continue;
            if (out->n == CLI_MAX_LANGS) {
                out->more = 1;
                continue;
            }
            memcpy(out->lang[out->n], p, n + 1);
            out->arabic[out->n++] = arab;
        }
        jisr_tm_stats_free(&st);
    }
    return CLI_OK;
}

const char *cli_langs_other(const cli_langs *l, const char *lang)
{
    const char *other = NULL;
    if (l->more)
        return NULL;
    for (size_t i = 0; i < l->n; i++) {
        if (jisr_lang_matches(lang, l->lang[i]))
            continue;
        if (other)
            return NULL; /* two or more */
        other = l->lang[i];
    }
    return other;
}

const char *cli_langs_for_text(const cli_langs *l, const char *text, size_t n)
{
    if (l->more)
        return NULL;
    int arabic = strcmp(jisr_text_guess_lang(text, n), "ar") == 0;
    const char *pick = NULL;
    for (size_t i = 0; i < l->n; i++)
        if (l->arabic[i] == arabic) {
            if (pick)
                return NULL; /* two languages of that script */
            pick = l->lang[i];
        }
    return pick;
}

int cli_langs_split(const cli_langs *l)
{
    return !l->more && l->n == 2 && l->arabic[0] != l->arabic[1];
}

void cli_langs_list(const cli_langs *l, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    if (!l->n) {
        snprintf(buf, size, "no units");
        return;
    }
    for (size_t i = 0; i < l->n && len < size; i++) {
        int w = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", l->lang[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (l->more && len < size)
        snprintf(buf + len, size - len, ", ...");
}

/* some variant of the memories is in lang, as the matcher compares (jisr_lang_matches: "en"
 * holds en-US); -1 on error */
static int tms_hold(jisr_tm *const *tms, size_t ntm, const char *lang, size_t *nunits)
{
    int found = 0;
    for (size_t k = 0; k < ntm; k++) {
        jisr_tm_stats st;
        if (jisr_tm_stats_get(tms[k], &st) < 0)
            return -1;
        for (size_t i = 0; i < st.nlangs; i++) {
            *nunits += st.langs[i].units;
            found |= st.langs[i].units && jisr_lang_matches(st.langs[i].lang, lang);
        }
        jisr_tm_stats_free(&st);
    }
    return found;
}

const char *cli_lang_resolve(const char *cmd, jisr_tm *const *tms, size_t ntm, const char *lang,
                             char *buf, size_t size)
{
    size_t nunits = 0;
    int h = tms_hold(tms, ntm, lang, &nunits);
    if (h < 0) {
        jisr_error_clear();
        return lang; /* the query reports what is wrong with the memory */
    }
    if (h || !nunits)
        return lang;
    cli_langs l;
    char list[256];
    if (cli_tm_langs(tms, ntm, &l) != CLI_OK)
        return lang;
    cli_langs_list(&l, list, sizeof list);
    const char *mem = ntm > 1 ? "the memories have" : "the memory has",
               *it = ntm > 1 ? "they hold" : "it holds";
    size_t n = strcspn(lang, "-_");
    if (lang[n] && n && n < size) { /* a region or script variant: its language, as memoQ does */
        memcpy(buf, lang, n);
        buf[n] = '\0';
        size_t dummy = 0;
        if (tms_hold(tms, ntm, buf, &dummy) > 0) {
            fprintf(stderr, "jisr %s: %s no %s variants: %s used (%s %s)\n", cmd, mem, lang, buf,
                    it, list);
            return buf;
        }
        jisr_error_clear();
    }
    fprintf(stderr, "jisr %s: %s no %s variants: nothing can match (%s %s)\n", cmd, mem, lang, it,
            list);
    return lang;
}

int cli_lang_option(const char *cmd, const char *opt, const char *tag)
{
    if (!tag || jisr_lang_tag_ok(tag))
        return CLI_OK;
    return cli_usage_error(cmd,
                           "%s '%.80s' is not a language tag (BCP 47: subtags of 1 to 8 letters "
                           "or digits joined by '-', as in ar, en-GB, zh-Hant-TW)",
                           opt, tag);
}

int cli_lang_pair_option(const char *cmd, const char *src, const char *tgt)
{
    int rc;
    if ((rc = cli_lang_option(cmd, "-s", src)) != CLI_OK ||
        (rc = cli_lang_option(cmd, "-t", tgt)) != CLI_OK)
        return rc;
    if (src && tgt && jisr_lang_equal(src, tgt))
        return cli_usage_error(cmd, "-s and -t are the same language (%s): give two languages",
                               src);
    return CLI_OK;
}
