/*
 * util.h — error codes, the thread-local error detail, and a growable byte buffer.
 *
 * Every jisr library function that can fail returns an int: 0 on success, a negative JISR_E*
 * code on failure. Codes are frozen once published. Where a failure happened the library records
 * a thread-local detail (message plus, where one exists, file, line and column); the command-line
 * program prints it as `jisr: FILE:LINE:COL: message`. The library itself never prints or exits.
 */
#ifndef JISR_UTIL_H
#define JISR_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JISR_VERSION "0.1.0"

/* JISR_API marks the public API: the library is built with -fvisibility=hidden, so only
 * functions declared with it are exported from libjisr.so. */
#if defined(__GNUC__)
#define JISR_API __attribute__((visibility("default")))
#else
#define JISR_API
#endif

enum {
    JISR_OK = 0,
    JISR_ENOMEM = -1,        /* allocation failed */
    JISR_EIO = -2,           /* read/write/open failed (errno detail in message) */
    JISR_EINVAL = -3,        /* bad argument or option value */
    JISR_EENCODING = -4,     /* invalid UTF-8 / undecodable input */
    JISR_EPARSE = -5,        /* malformed input file (XML, JSON, SRX, TSV …) */
    JISR_ENOTFOUND = -6,     /* no such unit, language, file … */
    JISR_ESCHEMA = -7,       /* memory written by a newer/unknown schema */
    JISR_ETOOBIG = -8,       /* input exceeds a safety limit */
    JISR_EDB = -9,           /* LMDB failure */
    JISR_EICU = -10,         /* ICU failure */
    JISR_EUNSUPPORTED = -11, /* valid but unsupported input or operation */
    JISR_EINTERRUPTED = -12, /* stopped by a signal or a callback */
    JISR_EREADONLY = -13,    /* write attempted on a read-only memory */
};

/** Static English text for a JISR_E* code; never NULL. */
JISR_API const char *jisr_strerror(int code);

/** The last error recorded on this thread. Strings are owned by the thread and valid until the
 * next jisr_error_set/clear on this thread. file is "" and line/col are 0 when unknown. */
typedef struct jisr_error {
    int code;
    char file[512];
    unsigned long line;
    unsigned long col;
    char msg[1024];
} jisr_error;

JISR_API const jisr_error *jisr_error_last(void);
JISR_API void jisr_error_clear(void);

/** Record an error (printf-style message) and return code, so callers can
 * `return jisr_error_set(JISR_EPARSE, path, line, col, "…")`. file may be NULL. */
JISR_API int jisr_error_set(int code, const char *file, unsigned long line, unsigned long col,
                            const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
JISR_API int jisr_error_setv(int code, const char *file, unsigned long line, unsigned long col,
                             const char *fmt, va_list ap);

/** Format the last error as "FILE:LINE:COL: message" (parts omitted when unknown) into out. */
JISR_API void jisr_error_format(char *out, size_t outsz);

/* ---- growable byte buffer -------------------------------------------------------------- */

/** A NUL-terminated growable byte buffer. Zero-initialise ({0}) before use; jisr_buf_free
 * releases it. data is NULL until the first append; len excludes the terminating NUL. */
typedef struct jisr_buf {
    char *data;
    size_t len;
    size_t cap;
} jisr_buf;

/** Make room for extra more bytes (and the NUL): 0, or JISR_ENOMEM. */
static inline int jisr_buf_reserve(jisr_buf *b, size_t extra);
/** Append n bytes (p may be NULL when n is 0): 0, or JISR_ENOMEM. */
static inline int jisr_buf_append(jisr_buf *b, const void *p, size_t n);
/** The slow path of jisr_buf_reserve: grow the allocation. */
JISR_API int jisr_buf_grow(jisr_buf *b, size_t extra);

/* Inline: the buffers take many small appends (varints, short strings) on the import's path. */
static inline int jisr_buf_reserve(jisr_buf *b, size_t extra)
{
    if (extra < b->cap - b->len) /* cap > len always once allocated (room for the NUL) */
        return 0;
    return jisr_buf_grow(b, extra);
}

static inline int jisr_buf_append(jisr_buf *b, const void *p, size_t n)
{
    int rc = jisr_buf_reserve(b, n);
    if (rc < 0)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}
JISR_API int jisr_buf_puts(jisr_buf *b, const char *s);
JISR_API int jisr_buf_putc(jisr_buf *b, char c);
JISR_API int jisr_buf_printf(jisr_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
JISR_API void jisr_buf_reset(jisr_buf *b); /* len = 0, keeps memory */
JISR_API void jisr_buf_free(jisr_buf *b);  /* accepts a zeroed buffer */

/** Append s (n bytes of UTF-8) as a JSON string literal, quotes included. */
JISR_API int jisr_buf_json_string(jisr_buf *b, const char *s, size_t n);

/* ---- small helpers ---------------------------------------------------------------------- */

/** strdup/strndup that record JISR_ENOMEM on failure. */
JISR_API char *jisr_strdup(const char *s);
JISR_API char *jisr_strndup(const char *s, size_t n);

/** Monotonic clock in seconds (for progress and benchmarks). */
JISR_API double jisr_now(void);

/** Peak resident set size of this process in KiB (0 if unknown). */
JISR_API long jisr_peak_rss_kib(void);

#endif
