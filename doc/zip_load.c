/*
 * zip_load.c — dlopen libzip by the SONAME of the library libjisr was built against
 * (JISR_ZIP_SONAME, read from it at configure time: cmake/soname.cmake) and fill doc_libzip with
 * dlsym. See zip_load.h.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "doc/zip_load.h"

#ifndef JISR_ZIP_SONAME
#error "JISR_ZIP_SONAME (libzip's SONAME) is defined by the build"
#endif

doc_libzip_api doc_libzip;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty when loaded */

/* A function pointer from dlsym's object pointer: copied, not cast (ISO C has no conversion
 * between the two; POSIX guarantees the representation). */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are object-sized");

static void load(void)
{
    /* RTLD_NOW: a missing symbol of the library's own dependencies fails here, not at a call */
    void *h = dlopen(JISR_ZIP_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libzip (%s): %s", JISR_ZIP_SONAME,
                 e ? e : "unknown error");
        return;
    }
    doc_libzip_api api;
    void *sym;
#define DOC_LIBZIP_RESOLVE(name)                                                                   \
    if (!(sym = dlsym(h, "zip_" #name))) {                                                         \
        snprintf(load_error, sizeof load_error,                                                    \
                 "%s has no function zip_" #name ": not the libzip jisr was built for",            \
                 JISR_ZIP_SONAME);                                                                 \
        dlclose(h);                                                                                \
        return;                                                                                    \
    }                                                                                              \
    memcpy(&api.name, &sym, sizeof sym);
    DOC_LIBZIP_FUNCTIONS(DOC_LIBZIP_RESOLVE)
#undef DOC_LIBZIP_RESOLVE
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
