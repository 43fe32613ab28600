/*
 * util.h — error codes, the thread-local error detail, and a growable byte buffer.
 *
 * Every jisr library function that can fail returns an int: 0 on success, a negative JISR_E*
 * code on failure. Codes are frozen once published. Where a failure happened the library records
 * a thread-local detail (message plus, where one exists, file, line and column); the command-line
 * program prints it as `jisr: FILE:LINE:COL: message`. The library itself never prints or exits.
 *
 * Pointer arguments, in every layer: a NULL where a function needs a pointer (a handle, an out
 * parameter, a text with a length above 0) is JISR_EINVAL with the message "FUNCTION: ARGUMENT
 * is NULL"; a function that returns a pointer or a size returns NULL or 0 instead (with that
 * error recorded), a getter of an object given NULL returns 0 or NULL, and every free, close and
 * clear accepts NULL. A NULL that a header gives a meaning keeps it: options (the defaults), a
 * name used in messages (a default one), an array or text with a length of 0 (empty), a file
 * set (none). The static inline jisr_buf_reserve and jisr_buf_append are the exception: they are
 * not checked (they are on the hottest paths); pass them a buffer.
 */
#ifndef JISR_UTIL_H
#define JISR_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of these headers; jisr_version() gives the library's (they differ when a program
 * runs with a newer patch release of libjisr.so.0.MINOR than it was built with). */
#define JISR_VERSION_MAJOR 0
#define JISR_VERSION_MINOR 1
#define JISR_VERSION_PATCH 0
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

/** The library's version, "MAJOR.MINOR.PATCH" (static). */
JISR_API const char *jisr_version(void);

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

/** Format the last error as "FILE:LINE:COL: message" (parts omitted when unknown) into out
 * (outsz bytes, NUL included; nothing is written when out is NULL or outsz 0). */
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

/* ---- line reader -------------------------------------------------------------------------- */

/** The library's one line reader: a file, a descriptor, a stdio stream or a memory buffer split
 * at '\n' (a '\r' before it is dropped unless JISR_LINES_KEEP_CR), with line numbers and byte
 * offsets, each line bounded in length (default JISR_LINES_MAX_DEFAULT, 16 MiB; memory stays
 * bounded by the limit plus 64 KiB whatever the input).
 *
 * Errors that concern one line — longer than the limit (JISR_ETOOBIG), a NUL byte
 * (JISR_EENCODING, with JISR_LINES_NO_NUL), invalid UTF-8 (JISR_EENCODING, with JISR_LINES_UTF8)
 * — are reported after the whole line has been consumed, naming the reader's name, the line's
 * number and (for NUL and UTF-8) its column in code points; the next call returns the next line,
 * so a caller may skip a bad line and go on. I/O and memory errors are sticky: every later call
 * returns them again. A reader is not thread-safe; use one per thread. */
typedef struct jisr_lines jisr_lines;

enum {
    /* refuse invalid UTF-8 (naming UTF-16 without a BOM and windows-1256 when the line looks
     * like them) and a '\r' inside a line (old Mac line ends: JISR_EPARSE) unless KEEP_CR; skip
     * a UTF-8 byte-order mark on line 1 */
    JISR_LINES_UTF8 = 1 << 0,
    JISR_LINES_NO_NUL = 1 << 1,  /* refuse NUL bytes */
    JISR_LINES_KEEP_CR = 1 << 2, /* keep the '\r' of a "\r\n" line end */
};
#define JISR_LINES_MAX_DEFAULT ((size_t)16 << 20)

/** Open path for reading ("-" = standard input, named "<stdin>" in messages). JISR_EIO naming
 * the path when it cannot be opened or is a directory. *out is NULL on error. The openers below
 * take name NULL as "<input>". */
JISR_API int jisr_lines_open(jisr_lines **out, const char *path, unsigned flags);
/** Read descriptor fd (closed by jisr_lines_close when own is non-zero, also on error, out NULL
 * included). name is copied and used in messages. */
JISR_API int jisr_lines_open_fd(jisr_lines **out, int fd, int own, const char *name,
                                unsigned flags);
/** Read a stdio stream (fclose'd by jisr_lines_close when own is non-zero, also on error, out or
 * f NULL included). */
JISR_API int jisr_lines_open_stream(jisr_lines **out, FILE *f, int own, const char *name,
                                    unsigned flags);
/** Read n bytes at data, which the caller keeps valid and unchanged until jisr_lines_close. data
 * may be NULL when n is 0 (an empty input); NULL with n above 0 is JISR_EINVAL. */
JISR_API int jisr_lines_open_memory(jisr_lines **out, const void *data, size_t n, const char *name,
                                    unsigned flags);
/** Longest line accepted, in bytes without the line end (0 = the default). */
JISR_API void jisr_lines_set_max(jisr_lines *l, size_t max);
/** The next line without its line end. Returns 1 with *line (NUL-terminated, borrowed until the
 * next call) and *len (either may be NULL), 0 at the end of the input, <0 on error (see above).
 * The last line needs no '\n'; an empty input has no line. */
JISR_API int jisr_lines_next(jisr_lines *l, const char **line, size_t *len);
/** 1 (LE) or 2 (BE) when the input starts with a UTF-16 byte-order mark, 3 (LE) or 4 (BE) a
 * UTF-32 one, else 0; known once
 * line 1 has been read (with JISR_LINES_NO_NUL or JISR_LINES_UTF8). Such a line 1, and each
 * later line the reader refuses, is JISR_EENCODING saying so ("the file is UTF-16LE …, not
 * UTF-8: convert it first"): a caller that skips bad lines may stop at the first instead. */
JISR_API int jisr_lines_utf16_bom(const jisr_lines *l);
/** Number (1-based) of the line last returned or reported bad; 0 before the first. */
JISR_API unsigned long jisr_lines_lineno(const jisr_lines *l);
/** Byte offset in the input of the start of that line. */
JISR_API uint64_t jisr_lines_offset(const jisr_lines *l);
/** Input bytes consumed so far (for progress). */
JISR_API uint64_t jisr_lines_consumed(const jisr_lines *l);
/** The name given at open (borrowed). */
JISR_API const char *jisr_lines_name(const jisr_lines *l);
/** Close; accepts NULL. */
JISR_API void jisr_lines_close(jisr_lines *l);

/* ---- safe output files --------------------------------------------------------------------- */

/** A set of files a command must never write over: its inputs, and the outputs it has opened
 * (so two outputs cannot be the same file). Files are known by device and inode (and outputs
 * also by directory and name, since they may not exist yet). Thread-safe. A NULL set is no set,
 * as in the options that take one: adding to it does nothing (0) and it contains nothing; so
 * does adding, or looking for, a NULL path. */
typedef struct jisr_fileset jisr_fileset;
JISR_API int jisr_fileset_new(jisr_fileset **out);
/** Record the file at path as an input ("-" = standard input; a directory: every regular file
 * directly inside it, e.g. a memory's data.mdb and lock.mdb). A path that cannot be stat'ed (a
 * missing file) is ignored: the reader reports it. */
JISR_API int jisr_fileset_add_input(jisr_fileset *s, const char *path);
/** Record the file open on descriptor fd as an input (no-op for pipes, terminals, devices). */
JISR_API int jisr_fileset_add_fd(jisr_fileset *s, int fd);
/** Whether the file at path is in the set (as an input or an output). */
JISR_API int jisr_fileset_contains(jisr_fileset *s, const char *path);
/** Whether path is one of the set's outputs: 1 when it is an output opened with the set (the
 * file, by device and inode, or the directory and name it takes at commit), 2 when it is the
 * temporary file of one being written ("NAME.tmp.XXXXXX" beside it), 0 otherwise (an input, or
 * not in the set). For a program that reads the files of folders an output may be in. */
JISR_API int jisr_fileset_is_output(jisr_fileset *s, const char *path);
JISR_API void jisr_fileset_free(jisr_fileset *s);

/** An output file written safely:
 * - a regular file (new or existing) is written to a temporary file "NAME.tmp.XXXXXX" beside
 *   it (mode 0600 while it is written) and renamed over it by jisr_outfile_commit, so a failure
 *   or a crash leaves the old file untouched; an existing file keeps its permission bits and,
 *   where the system allows, its owner and group (group permission bits are dropped when the
 *   group cannot be kept); a new file gets 0666 minus the umask. An existing file the caller
 *   may not write is refused (JISR_EIO, "permission denied"), as a shell redirection would.
 * - a symbolic link at the path is never followed (JISR_EINVAL, "is a symbolic link"): an
 *   output would otherwise land wherever the link's owner chose. The one exception is the
 *   process's own descriptors: "/dev/stdout", "/dev/stderr" and "/dev/fd/N" are written in
 *   place, as "-" (standard output) is.
 * - a device node, FIFO or other special file is opened and written in place (never replaced).
 * - a file in opts->files (an input of the command, or an output already opened) is refused
 *   (JISR_EINVAL naming it); the new output is added to the set.
 * While it exists, the temporary file is listed where jisr_outfile_remove_temporaries (safe to
 * call from a signal handler) can find and delete it. */
typedef struct jisr_outfile jisr_outfile;

enum {
    JISR_OUT_NOSYNC = 1 << 0, /* skip the fsync of the file and its directory at commit */
};

typedef struct jisr_outfile_opts {
    jisr_fileset *files; /* inputs to protect and outputs so far; NULL = none */
    unsigned flags;      /* JISR_OUT_* */
} jisr_outfile_opts;
#define JISR_OUTFILE_OPTS_INIT                                                                     \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

/** Open path for writing ("-" = standard output; opts may be NULL). Errors: JISR_EINVAL (a
 * symbolic link, a directory, one of opts->files), JISR_EIO (cannot create, permission denied),
 * JISR_ENOMEM; the detail names the path. *out is NULL on error. */
JISR_API int jisr_outfile_open(jisr_outfile **out, const char *path, const jisr_outfile_opts *opts);
/** The stream to write to (borrowed until commit/abort; do not fclose it). */
JISR_API FILE *jisr_outfile_stream(const jisr_outfile *o);
/** The path as given at open ("<stdout>" for "-"; borrowed). */
JISR_API const char *jisr_outfile_path(const jisr_outfile *o);
/** Flush, sync and put the file in place; frees o (also on error, after removing the
 * temporary). JISR_EIO naming the path when anything fails (a full disk …). */
JISR_API int jisr_outfile_commit(jisr_outfile *o);
/** Abandon: remove the temporary (a special file or standard output is left as written);
 * frees o; accepts NULL. */
JISR_API void jisr_outfile_abort(jisr_outfile *o);
/** Delete every temporary file that a jisr_outfile (or another part of the library) has open
 * in this process. Async-signal-safe: meant for a front end's SIGINT/SIGTERM handler, which
 * then restores the default action and re-raises the signal. The library installs no handler. */
JISR_API void jisr_outfile_remove_temporaries(void);

/* ---- small helpers ---------------------------------------------------------------------- */

/** strdup/strndup that record JISR_ENOMEM on failure (NULL, with JISR_EINVAL recorded, for s
 * NULL; strndup(NULL, 0) is ""). */
JISR_API char *jisr_strdup(const char *s);
JISR_API char *jisr_strndup(const char *s, size_t n);

/** Monotonic clock in seconds (for progress and benchmarks). */
JISR_API double jisr_now(void);

/** Peak resident set size of this process in KiB (0 if unknown). */
JISR_API long jisr_peak_rss_kib(void);

#ifdef __cplusplus
}
#endif

#endif
