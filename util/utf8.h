/*
 * utf8.h — one strict UTF-8 decoder shared by the layers (inline: it sits on hot paths).
 */
#ifndef JISR_UTF8_H
#define JISR_UTF8_H

#include <stddef.h>
#include <stdint.h>

/** Decode the code point at s[i] (i < n). Returns it and sets *len to its length (1–4); returns
 * -1 with *len = 1 for an invalid or truncated sequence (overlong forms, surrogates and values
 * above U+10FFFF are invalid). */
static inline int32_t jisr_utf8_decode(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    unsigned c = s[i];
    *len = 1;
    if (c < 0x80)
        return (int32_t)c;
    size_t need;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, cp = c & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (i + need >= n)
        return -1;
    for (size_t k = 1; k <= need; k++) {
        unsigned d = s[i + k];
        if ((d & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *len = need + 1;
    return (int32_t)cp;
}

#endif
