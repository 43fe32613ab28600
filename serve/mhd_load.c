/*
 * mhd_load.c — dlopen libmicrohttpd by the SONAME of the library jisr was built against
 * (JISR_MHD_SONAME, read from it at configure time: cmake/soname.cmake) and fill srv_mhd with
 * dlsym. See mhd_load.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "serve/mhd_load.h"
#include "util/dlsyms.h"

#ifndef JISR_MHD_SONAME
#error "JISR_MHD_SONAME (libmicrohttpd's SONAME) is defined by the build"
#endif

srv_mhd_api srv_mhd;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512]; /* empty when loaded */

static void load(void)
{
    static const char *const names[] = {
#define NAME(name) #name,
        SRV_MHD_FUNCTIONS(NAME)
#undef NAME
    };
    void *syms[sizeof names / sizeof *names];
    if (jisr_dlsyms(JISR_MHD_SONAME, "libmicrohttpd", "MHD_", names, sizeof names / sizeof *names,
                    syms, load_error, sizeof load_error) < 0)
        return;
    srv_mhd_api api;
    size_t i = 0;
#define SET(name) memcpy(&api.name, &syms[i++], sizeof(void *));
    SRV_MHD_FUNCTIONS(SET)
#undef SET
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
