/*
 * mhd_load.c — dlopen libmicrohttpd by the SONAME of the library jisr was built against
 * (JISR_MHD_SONAME, read from it at configure time: cmake/soname.cmake) and fill srv_mhd with
 * dlsym. See mhd_load.h.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "serve/mhd_load.h"

#ifndef JISR_MHD_SONAME
#error "JISR_MHD_SONAME (libmicrohttpd's SONAME) is defined by the build"
#endif

srv_mhd_api srv_mhd;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty when loaded */

/* A function pointer from dlsym's object pointer: copied, not cast (ISO C has no conversion
 * between the two; POSIX guarantees the representation). */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are object-sized");

static void load(void)
{
    /* RTLD_NOW: a missing symbol of the library's own dependencies fails here, not at a call */
    void *h = dlopen(JISR_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libmicrohttpd (%s): %s",
                 JISR_MHD_SONAME, e ? e : "unknown error");
        return;
    }
    srv_mhd_api api;
    void *sym;
#define SRV_MHD_RESOLVE(name)                                                                      \
    if (!(sym = dlsym(h, "MHD_" #name))) {                                                         \
        snprintf(load_error, sizeof load_error,                                                    \
                 "%s has no function MHD_" #name ": not the libmicrohttpd jisr was built for",     \
                 JISR_MHD_SONAME);                                                                 \
        dlclose(h);                                                                                \
        return;                                                                                    \
    }                                                                                              \
    memcpy(&api.name, &sym, sizeof sym);
    SRV_MHD_FUNCTIONS(SRV_MHD_RESOLVE)
#undef SRV_MHD_RESOLVE
    srv_mhd = api; /* never unloaded: its threads and callbacks may outlive any one server */
}

int srv_mhd_load(char *err, size_t errsz)
{
    pthread_once(&once, load);
    if (!load_error[0])
        return 0;
    if (errsz)
        snprintf(err, errsz, "%s", load_error);
    return -1;
}
