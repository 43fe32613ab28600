/*
 * dlsyms.h — load a shared library by its SONAME and resolve a list of its functions, for the
 * libraries jisr loads only when a command needs them (serve/mhd_load.c: libmicrohttpd when the
 * server starts; doc/zip_load.c: libzip on the first DOCX or ODT read). Header-only (static): the
 * server is built on libjisr's public API and cannot call its hidden internals.
 */
#ifndef JISR_UTIL_DLSYMS_H
#define JISR_UTIL_DLSYMS_H

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

/* A function pointer from dlsym's object pointer is copied, not cast (ISO C has no conversion
 * between the two; POSIX guarantees the representation). */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are object-sized");

/* Load SONAME (RTLD_NOW: a missing symbol of the library's own dependencies fails here, not at
 * a call) and put the address of PREFIX NAMES[i] in SYMS[i] for each of the N names: 0, or -1
 * with one line in ERR naming LIB, its SONAME and what failed. The library stays loaded when
 * every name is found (the callers never unload it), and is closed when one is missing. */
static inline int jisr_dlsyms(const char *soname, const char *lib, const char *prefix,
                              const char *const *names, size_t n, void **syms, char *err,
                              size_t errsz)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(err, errsz, "cannot load %s (%s): %s", lib, soname, e ? e : "unknown error");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char sym[128];
        snprintf(sym, sizeof sym, "%s%s", prefix, names[i]);
        if (!(syms[i] = dlsym(h, sym))) {
            snprintf(err, errsz, "%s has no function %s: not the %s jisr was built for", soname,
                     sym, lib);
            dlclose(h);
            return -1;
        }
    }
    return 0;
}

#endif
