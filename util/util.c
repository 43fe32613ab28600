/*
 * util.c — error detail, growable buffer and small helpers shared by every layer.
 *
 * The error detail is thread-local so the library stays usable from several threads without a
 * handle-wide lock; the CLI reads it right after a failing call.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1 /* madvise, MADV_HUGEPAGE (jisr_grow_zeroed) */
#include "util.h"
#include "util_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

static _Thread_local jisr_error last_error;

const char *jisr_version(void)
{
    return JISR_VERSION;
}

const char *jisr_strerror(int code)
{
    switch (code) {
    case JISR_OK:
        return "success";
    case JISR_ENOMEM:
        return "out of memory";
    case JISR_EIO:
        return "input/output error";
    case JISR_EINVAL:
        return "invalid argument";
    case JISR_EENCODING:
        return "invalid text encoding";
    case JISR_EPARSE:
        return "malformed input";
    case JISR_ENOTFOUND:
        return "not found";
    case JISR_ESCHEMA:
        return "unsupported memory schema";
    case JISR_ETOOBIG:
        return "input exceeds a safety limit";
    case JISR_EDB:
        return "database error";
    case JISR_EICU:
        return "ICU error";
    case JISR_EUNSUPPORTED:
        return "unsupported";
    case JISR_EINTERRUPTED:
        return "interrupted";
    case JISR_EREADONLY:
        return "memory is read-only";
    default:
        return "unknown error";
    }
}

const jisr_error *jisr_error_last(void)
{
    return &last_error;
}

void jisr_error_clear(void)
{
    memset(&last_error, 0, sizeof last_error);
}

int jisr_error_setv(int code, const char *file, unsigned long line, unsigned long col,
                    const char *fmt, va_list ap)
{
    jisr_error e;
    memset(&e, 0, sizeof e);
    e.code = code;
    if (file)
        snprintf(e.file, sizeof e.file, "%s", file);
    e.line = line;
    e.col = col;
    if (fmt)
        vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    else
        snprintf(e.msg, sizeof e.msg, "%s", jisr_strerror(code));
    last_error = e;
    return code;
}

int jisr_error_set(int code, const char *file, unsigned long line, unsigned long col,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jisr_error_setv(code, file, line, col, fmt, ap);
    va_end(ap);
    return code;
}

void jisr_error_format(char *out, size_t outsz)
{
    if (!out || !outsz) /* nowhere to write */
        return;
    const jisr_error *e = &last_error;
    const char *msg = e->msg[0] ? e->msg : jisr_strerror(e->code);
    if (e->file[0] && e->line && e->col)
        snprintf(out, outsz, "%s:%lu:%lu: %s", e->file, e->line, e->col, msg);
    else if (e->file[0] && e->line)
        snprintf(out, outsz, "%s:%lu: %s", e->file, e->line, msg);
    else if (e->file[0])
        snprintf(out, outsz, "%s: %s", e->file, msg);
    else
        snprintf(out, outsz, "%s", msg);
}

int jisr_u64set_add(jisr_u64set *s, uint64_t h)
{
    if (!h)
        h = 1;
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        uint64_t *v = calloc(cap, sizeof *v);
        if (!v)
            return jisr_oom(cap * sizeof *v);
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i]) {
                size_t k = s->v[i] & (cap - 1);
                while (v[k])
                    k = (k + 1) & (cap - 1);
                v[k] = s->v[i];
            }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    size_t k = h & (s->cap - 1);
    while (s->v[k]) {
        if (s->v[k] == h)
            return 0;
        k = (k + 1) & (s->cap - 1);
    }
    s->v[k] = h;
    s->n++;
    return 1;
}

void jisr_u64set_free(jisr_u64set *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

int jisr_buf_markup(jisr_buf *b, const char *s, int apos)
{
    int rc = 0;
    size_t run = 0;
    for (size_t i = 0; rc == 0 && s && s[i]; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = apos ? "&#39;" : NULL;
            break;
        default:
            rep = NULL;
        }
        if (!rep)
            continue;
        if ((rc = jisr_buf_append(b, s + run, i - run)) == 0)
            rc = jisr_buf_puts(b, rep);
        run = i + 1;
    }
    if (rc == 0 && s)
        rc = jisr_buf_append(b, s + run, strlen(s + run));
    return rc;
}

int jisr_oom(size_t bytes)
{
    if (bytes)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory (%zu bytes)", bytes);
    return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Double from *cap (or min) until need fits. */
static int grow_from(void **p, size_t *cap, size_t need, size_t elem, size_t min)
{
    size_t c = *cap ? *cap : min;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return jisr_oom(0);
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem)
        return jisr_oom(0);
    void *q = realloc(*p, c * elem);
    if (!q)
        return jisr_oom(c * elem);
    *p = q;
    *cap = c;
    return 0;
}

int jisr_grow_slow(void **p, size_t *cap, size_t need, size_t elem)
{
    return grow_from(p, cap, need, elem, 16);
}

#define HUGE_PAGE ((size_t)2 << 20)

/* bytes of memory, from 512 KiB in whole huge pages, aligned and advised for them; not zeroed
 * (an array of 512 KiB to 2 MiB then takes 2 MiB: the matcher's per-id arrays at 0.5 to 2
 * million units, one fault to zero instead of up to 512 — session 18) */
static void *alloc_big(size_t bytes)
{
    void *q = NULL;
#ifdef MADV_HUGEPAGE
    if (bytes >= HUGE_PAGE / 4) { /* (whole huge pages: the tail too) */
        size_t r = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        if (posix_memalign(&q, HUGE_PAGE, r) != 0)
            q = NULL;
        else
            (void)madvise(q, r, MADV_HUGEPAGE); /* (advice: without it, 4 KiB pages) */
    }
#endif
    return q ? q : malloc(bytes);
}

void *jisr_alloc_zeroed(size_t bytes)
{
    void *q = bytes <= SIZE_MAX - HUGE_PAGE ? alloc_big(bytes) : NULL;
    if (!q) {
        jisr_oom(bytes);
        return NULL;
    }
    return memset(q, 0, bytes);
}

int jisr_grow_zeroed(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap > SIZE_MAX / 2 ? SIZE_MAX : *cap * 2;
    if (c < need)
        c = need;
    if (!elem || c > SIZE_MAX / elem || c * elem > SIZE_MAX - HUGE_PAGE)
        return jisr_oom(0);
    size_t bytes = c * elem, old = *cap * elem;
    void *q = alloc_big(bytes);
    if (!q)
        return jisr_oom(bytes);
    if (old)
        memcpy(q, *p, old);
    memset((char *)q + old, 0, bytes - old);
    free(*p);
    *p = q;
    *cap = c;
    return 0;
}

int jisr_grow_pow2(void **p, size_t n, size_t elem)
{
    if (n != 0 && (n & (n - 1)) != 0)
        return 0;
    size_t cap = n ? n * 2 : 2;
    if (cap < n || (elem && cap > SIZE_MAX / elem))
        return jisr_oom(0);
    void *q = realloc(*p, cap * elem);
    if (!q)
        return jisr_oom(cap * elem);
    *p = q;
    return 0;
}

static int buf_null(const char *fn, const char *arg)
{
    return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "%s: %s is NULL", fn, arg);
}

int jisr_buf_grow(jisr_buf *b, size_t extra)
{
    if (!b)
        return buf_null("jisr_buf_grow", "b");
    size_t need = b->len + extra + 1;
    if (need < b->len) /* overflow */
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "buffer size overflow");
    if (need <= b->cap)
        return 0;
    return grow_from((void **)&b->data, &b->cap, need, 1, 64);
}

int jisr_buf_puts(jisr_buf *b, const char *s)
{
    if (!b || !s)
        return buf_null("jisr_buf_puts", b ? "s" : "b");
    return jisr_buf_append(b, s, strlen(s));
}

int jisr_buf_putc(jisr_buf *b, char c)
{
    if (!b)
        return buf_null("jisr_buf_putc", "b");
    return jisr_buf_append(b, &c, 1);
}

int jisr_buf_printf(jisr_buf *b, const char *fmt, ...)
{
    va_list ap;
    if (!b || !fmt)
        return buf_null("jisr_buf_printf", b ? "fmt" : "b");
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "bad format");
    int rc = jisr_buf_reserve(b, (size_t)n);
    if (rc < 0)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void jisr_buf_reset(jisr_buf *b)
{
    if (!b)
        return;
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void jisr_buf_free(jisr_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int jisr_buf_json_string(jisr_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (!b || (!s && n))
        return buf_null("jisr_buf_json_string", b ? "s" : "b");
    int rc = jisr_buf_reserve(b, n + 2);
    if (rc < 0)
        return rc;
    if ((rc = jisr_buf_putc(b, '"')) < 0)
        return rc;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char tmp[7];
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        default:
            if (c < 0x20) {
                tmp[0] = '\\', tmp[1] = 'u', tmp[2] = '0', tmp[3] = '0';
                tmp[4] = hex[c >> 4], tmp[5] = hex[c & 15], tmp[6] = 0;
                esc = tmp;
            }
        }
        if (esc) {
            if ((rc = jisr_buf_append(b, s + run, i - run)) < 0 || (rc = jisr_buf_puts(b, esc)) < 0)
                return rc;
            run = i + 1;
        }
    }
    if ((rc = jisr_buf_append(b, s + run, n - run)) < 0)
        return rc;
    return jisr_buf_putc(b, '"');
}

char *jisr_strdup(const char *s)
{
    if (!s) {
        buf_null("jisr_strdup", "s");
        return NULL;
    }
    return jisr_strndup(s, strlen(s));
}

char *jisr_strndup(const char *s, size_t n)
{
    if (!s && n) {
        buf_null("jisr_strndup", "s");
        return NULL;
    }
    char *p = malloc(n + 1);
    if (!p) {
        jisr_oom(n + 1);
        return NULL;
    }
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

double jisr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long jisr_peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return ru.ru_maxrss;
}

/* windows-1256's Arabic letters (U+0621–U+064A and the Persian and Urdu ones), and the other
 * bytes of Arabic words there: tatweel, harakat, ZWNJ/ZWJ, LRM/RLM, Arabic punctuation. */
static int cp1256_letter(unsigned char c)
{
    return (c >= 0xC1 && c <= 0xD6) || (c >= 0xD8 && c <= 0xDB) || (c >= 0xDD && c <= 0xDF) ||
           c == 0xE1 || (c >= 0xE3 && c <= 0xE6) || c == 0xEC || c == 0xED || c == 0x81 ||
           c == 0x8A || (c >= 0x8D && c <= 0x90) || c == 0x98 || c == 0x9A || c == 0x9F ||
           c == 0xAA || c == 0xC0 || c == 0xFF;
}

static int cp1256_arabic(unsigned char c)
{
    return cp1256_letter(c) || c == 0xDC || (c >= 0xF0 && c <= 0xF3) || c == 0xF5 || c == 0xF6 ||
           c == 0xF8 || c == 0xFA || c == 0x9D || c == 0x9E || c == 0xFD || c == 0xFE ||
           c == 0xA1 || c == 0xBA || c == 0xBF;
}

void jisr_cp1256_words(const unsigned char *s, size_t n, size_t *arabic, size_t *other)
{
    *arabic = *other = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t j = i, letters = 0;
        int all = 1;
        for (; j < n && s[j] >= 0x80; j++) {
            letters += cp1256_letter(s[j]);
            all &= cp1256_arabic(s[j]);
        }
        if (!all)
            *other += j - i;
        else if (letters >= 2)
            *arabic += j - i;
        i = j;
    }
}
