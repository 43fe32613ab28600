/*
 * zip_load.h — libzip, loaded on the first DOCX or ODT read (dlopen), not when libjisr is.
 *
 * Every program linked with libjisr (each jisr command) would otherwise pay for loading libzip
 * and what it pulls in (libcrypto, libbz2: ~2.3 ms of relocations and page faults per run),
 * though only DOCX and ODT are ZIP archives. zip.c calls libzip through the table doc_libzip,
 * which doc_libzip_load fills: doc_libzip.fread(…) for zip_fread(…). Each pointer has the type
 * of the function <zip.h> declares (__typeof__), so a changed signature is a compile error, as
 * with a direct call; a function missing from the table cannot be called directly either, since
 * libjisr does not link the library (an undefined reference).
 */
#ifndef JISR_DOC_ZIP_LOAD_H
#define JISR_DOC_ZIP_LOAD_H

#include <stddef.h>

#include <zip.h>

/* The libzip functions zip.c calls, without their zip_ prefix. */
#define DOC_LIBZIP_FUNCTIONS(X)                                                                    \
    X(discard)                                                                                     \
    X(error_fini)                                                                                  \
    X(error_init)                                                                                  \
    X(error_init_with_code)                                                                        \
    X(error_strerror)                                                                              \
    X(fclose)                                                                                      \
    X(file_get_error)                                                                              \
    X(fopen_index)                                                                                 \
    X(fread)                                                                                       \
    X(get_name)                                                                                    \
    X(get_num_entries)                                                                             \
    X(name_locate)                                                                                 \
    X(open)                                                                                        \
    X(open_from_source)                                                                            \
    X(source_buffer_create)                                                                        \
    X(source_free)                                                                                 \
    X(stat_index)                                                                                  \
    X(stat_init)                                                                                   \
    X(strerror)

typedef struct doc_libzip_api {
#define DOC_LIBZIP_POINTER(name) __typeof__(zip_##name) *name;
    DOC_LIBZIP_FUNCTIONS(DOC_LIBZIP_POINTER)
#undef DOC_LIBZIP_POINTER
} doc_libzip_api;

/** The functions, once doc_libzip_load has returned 0 (all NULL before). */
extern doc_libzip_api doc_libzip;

/** Load libzip and fill doc_libzip: 0, or -1 with a message naming the library and what failed
 * in err (a library that cannot be loaded, a function it lacks). Thread-safe (pthread_once:
 * documents are read on several threads at once); loaded once, never unloaded, and a failure is
 * final too (the same message every time). */
int doc_libzip_load(char *err, size_t errsz);

#endif
