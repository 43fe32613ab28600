/*
 * lang.c — language tags compared as BCP 47 (case-insensitive, '_' = '-', prefix match by
 * subtag), written in BCP 47's conventional case, and a script-count guess between Arabic and
 * English.
 */
#include <stddef.h>
#include <string.h>

#include "text/text.h"
#include "text/text_int.h"

static int fold(int c)
{
    if (c == '_')
        return '-';
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    return c;
}

int jisr_lang_equal(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    for (; *a && *b; a++, b++)
        if (fold((unsigned char)*a) != fold((unsigned char)*b))
            return 0;
    return *a == *b;
}

void jisr_lang_case(char *tag)
{
    int after_singleton = 0;
    if (!tag)
        return;
    for (char *p = tag, *end; *p; p = *end ? end + 1 : end) {
        size_t n = strcspn(p, "-_");
        end = p + n;
        int letters = 1;
        for (size_t i = 0; i < n; i++) {
            letters &= ((p[i] | 32) >= 'a' && (p[i] | 32) <= 'z');
            p[i] = (char)fold((unsigned char)p[i]); /* (no separator inside a subtag) */
        }
        if (n == 1) /* (x-… alone too) */
            after_singleton = 1;
        if (p == tag || after_singleton || !letters || (n != 2 && n != 4))
            continue;
        p[0] = (char)(p[0] - 32);
        if (n == 2)
            p[1] = (char)(p[1] - 32);
    }
}

int jisr_lang_matches(const char *tag, const char *want)
{
    if (!tag || !want)
        return 0;
    size_t i = 0;
    for (; want[i]; i++)
        if (fold((unsigned char)tag[i]) != fold((unsigned char)want[i]))
            return 0;
    return tag[i] == '\0' || fold((unsigned char)tag[i]) == '-';
}

int jisr_lang_script(const char *lang)
{
    static const char *const arabic[] = {"ar", "fa", "ur", "ps", "ckb", "ug", "sd"};
    static const char *const latin[] = {"en", "fr", "es", "de", "it", "pt", "nl", "tr",
                                        "id", "ms", "sw", "pl", "ro", "sv", "da", "no"};
    for (size_t i = 0; i < sizeof arabic / sizeof arabic[0]; i++)
        if (jisr_lang_matches(lang, arabic[i]))
            return 1;
    for (size_t i = 0; i < sizeof latin / sizeof latin[0]; i++)
        if (jisr_lang_matches(lang, latin[i]))
            return 2;
    return 0;
}

const char *jisr_text_guess_lang(const char *s, size_t n)
{
    size_t arabic = 0, latin = 0;
    if (!s)
        return "und";
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            latin++;
        /* U+0600–U+06FF, U+0750–U+077F: lead bytes D8–DB and DD */
        else if ((c >= 0xD8 && c <= 0xDB) || c == 0xDD)
            arabic++;
    }
    if (arabic == 0 && latin == 0)
        return "und";
    return arabic >= latin ? "ar" : "en";
}
