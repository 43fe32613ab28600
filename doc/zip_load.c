/*
 * zip_load.c — dlopen libzip by the SONAME of the library libjisr was built against
 * (JISR_ZIP_SONAME, read from it at configure time: cmake/soname.cmake) and fill doc_libzip with
 * dlsym. See zip_load.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "doc/zip_load.h"
#include "util/dlsyms.h"

#ifndef JISR_ZIP_SONAME
#error "JISR_ZIP_SONAME (libzip's SONAME) is defined by the build"
#endif

doc_libzip_api doc_libzip;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty when loaded */

static void load(void)
{
    static const char *const names[] = {
#define NAME(name) #name,
        DOC_LIBZIP_FUNCTIONS(NAME)
#undef NAME
    };
    void *syms[sizeof names / sizeof *names];
    if (jisr_dlsyms(JISR_ZIP_SONAME, "libzip", "zip_", names, sizeof names / sizeof *names, syms,
                    load_error, sizeof load_error) < 0)
        return;
    doc_libzip_api api;
    size_t i = 0;
#define SET(name) memcpy(&api.name, &syms[i++], sizeof(void *));
    DOC_LIBZIP_FUNCTIONS(SET)
#undef SET
    doc_libzip = api; /* never unloaded: documents may be read at any time, on any thread */
}

int doc_libzip_load(char *err, size_t errsz)
{
    pthread_once(&once, load);
    if (!load_error[0])
        return 0;
    if (errsz)
        snprintf(err, errsz, "%s", load_error);
    return -1;
}
