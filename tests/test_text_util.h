/*
 * test_text_util.h — small helpers shared by the text-layer test drivers: reading a case file,
 * splitting TSV lines and undoing the escapes the case files use.
 *
 * Escapes in case files: \t \n \r \\ \uXXXX and \UXXXXXXXX (a code point, written as UTF-8),
 * \xHH (one raw byte, for invalid UTF-8). Lines starting with '#' and empty lines are comments.
 */
#ifndef JISR_TEST_TEXT_UTIL_H
#define JISR_TEST_TEXT_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline char *tu_read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *p = realloc(buf, (cap *= 2) + 1);
            if (!p) {
                free(buf);
                buf = NULL;
            }
            buf = p;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    if (n)
        *n = len;
    return buf;
}

static inline int tu_hex(const char *s, int digits, unsigned long *v)
{
    *v = 0;
    for (int i = 0; i < digits; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        *v = *v * 16 + (unsigned long)d;
    }
    return 0;
}

static inline size_t tu_put_utf8(char *o, unsigned long c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Unescapes s[0..n) into a new NUL-terminated buffer; *len gets its length. NULL on a bad
 * escape. */
static inline char *tu_unescape(const char *s, size_t n, size_t *len)
{
    char *o = malloc(n * 2 + 8), *p = o;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            *p++ = s[i];
            continue;
        }
        char e = s[++i];
        unsigned long v;
        if (e == 't') {
            *p++ = '\t';
        } else if (e == 'n') {
            *p++ = '\n';
        } else if (e == 'r') {
            *p++ = '\r';
        } else if (e == '\\') {
            *p++ = '\\';
        } else if (e == 'x' && i + 2 < n + 1 && tu_hex(s + i + 1, 2, &v) == 0) {
            *p++ = (char)v;
            i += 2;
        } else if (e == 'u' && i + 4 < n + 1 && tu_hex(s + i + 1, 4, &v) == 0) {
            p += tu_put_utf8(p, v);
            i += 4;
        } else if (e == 'U' && i + 8 < n + 1 && tu_hex(s + i + 1, 8, &v) == 0) {
            p += tu_put_utf8(p, v);
            i += 8;
        } else {
            free(o);
            return NULL;
        }
    }
    *p = '\0';
    *len = (size_t)(p - o);
    return o;
}

/* Splits line (modified in place) at tabs into at most max fields; returns the count. */
static inline int tu_split(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

/* Iterates over the lines of a case file held in buf (modified in place). */
static inline char *tu_next_line(char **cursor, int *lineno)
{
    while (**cursor) {
        char *line = *cursor, *nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
            *cursor = nl + 1;
        } else {
            *cursor = line + strlen(line);
        }
        (*lineno)++;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[l - 1] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        return line;
    }
    return NULL;
}

#endif
