/*
 * mhd_load.h — libmicrohttpd, loaded when the server starts (dlopen), not when jisr does.
 *
 * Every jisr command would otherwise pay for loading libmicrohttpd and what it pulls in
 * (GnuTLS, p11-kit, nettle, GMP, libidn2 …: ~3.3 ms of relocations and page faults per run),
 * though only `jisr serve` uses it. http.c calls libmicrohttpd through the table srv_mhd,
 * which srv_mhd_load fills: srv_mhd.start_daemon(…) for MHD_start_daemon(…). Each pointer has
 * the type of the function <microhttpd.h> declares (__typeof__), so a changed signature is a
 * compile error, as with a direct call; a function missing from the table cannot be called
 * directly either, since jisr does not link the library (an undefined reference).
 */
#ifndef JISR_SERVE_MHD_LOAD_H
#define JISR_SERVE_MHD_LOAD_H

#include <stddef.h>

#include <microhttpd.h>

/* The libmicrohttpd functions http.c calls, without their MHD_ prefix. */
#define SRV_MHD_FUNCTIONS(X)                                                                       \
    X(add_response_header)                                                                         \
    X(create_response_from_buffer)                                                                 \
    X(create_response_from_callback)                                                               \
    X(destroy_response)                                                                            \
    X(get_connection_info)                                                                         \
    X(get_connection_values)                                                                       \
    X(get_daemon_info)                                                                             \
    X(get_response_header)                                                                         \
    X(lookup_connection_value)                                                                     \
    X(queue_response)                                                                              \
    X(resume_connection)                                                                           \
    X(set_response_options)                                                                        \
    X(start_daemon)                                                                                \
    X(stop_daemon)                                                                                 \
    X(suspend_connection)

typedef struct srv_mhd_api {
#define SRV_MHD_POINTER(name) __typeof__(MHD_##name) *name;
    SRV_MHD_FUNCTIONS(SRV_MHD_POINTER)
#undef SRV_MHD_POINTER
} srv_mhd_api;

/** The functions, once srv_mhd_load has returned 0 (all NULL before). */
extern srv_mhd_api srv_mhd;

/** Load libmicrohttpd and fill srv_mhd: 0, or -1 with a message naming the library and what
 * failed in err (a library that cannot be loaded, a function it lacks). Thread-safe; the
 * library is loaded once and never unloaded. */
int srv_mhd_load(char *err, size_t errsz);

#endif
