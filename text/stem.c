/*
 * stem.c — Snowball stems (libstemmer) for Arabic and English, used only for matching.
 *
 * A thin wrapper: libstemmer already returns a buffer it owns until the next call, which is
 * exactly the borrowing rule of text.h. Snowball's Arabic stemmer normalises a little itself,
 * but only after it has looked for prefixes (أَلْكِتَابُ keeps its article), so callers stem words
 * that went through jisr_text_normalize(JISR_NORM_MATCH) first.
 */
#include <stdlib.h>

#include <libstemmer.h>

#include "text/text.h"
#include "util/util_int.h"

struct jisr_stemmer {
    struct sb_stemmer *sb;
};

int jisr_stemmer_new(jisr_stemmer **out, const char *lang)
{
    if (!out)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_stemmer_new: out is NULL");
    *out = NULL;
    if (!lang)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_stemmer_new: lang is NULL");
    const char *algo = NULL;
    if (jisr_lang_matches(lang, "ar"))
        algo = "arabic";
    else if (jisr_lang_matches(lang, "en"))
        algo = "english";
    else
        return jisr_error_set(JISR_ENOTFOUND, NULL, 0, 0, "no stemmer for language '%s'", lang);
    jisr_stemmer *st = calloc(1, sizeof *st);
    if (!st)
        return jisr_oom(0);
    st->sb = sb_stemmer_new(algo, "UTF_8");
    if (!st->sb) {
        free(st);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot create the %s stemmer", algo);
    }
    *out = st;
    return 0;
}

const char *jisr_stemmer_stem(jisr_stemmer *st, const char *w, size_t n, size_t *out_len)
{
    if (out_len)
        *out_len = 0;
    if (!st || (!w && n) || n > (size_t)1 << 30) {
        jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_stemmer_stem: bad argument");
        return NULL;
    }
    const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)(w ? w : ""), (int)n);
    if (!r) {
        jisr_oom(0);
        return NULL;
    }
    if (out_len)
        *out_len = (size_t)sb_stemmer_length(st->sb);
    return (const char *)r;
}

void jisr_stemmer_free(jisr_stemmer *st)
{
    if (!st)
        return;
    sb_stemmer_delete(st->sb);
    free(st);
}
