/*
 * test_api_dlopen.c — libjisr.so can be loaded with dlopen() (Python's ctypes does that): its
 * thread-local storage must not need the static TLS block ("cannot allocate memory in static
 * TLS block" when a module is marked STATIC_TLS). Through dlsym only: jisr_version, and a memory
 * opened, which installs the fault handlers; then a SIGSEGV on a thread that was created before
 * the library was loaded and never used it goes to the handler installed before jisr's.
 * Usage: test_api_dlopen PATH/libjisr.so
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct jisr_tm jisr_tm;
typedef struct {
    unsigned flags;
    size_t initial_mapsize;
    void (*on_warning)(void *ctx, const char *msg);
    void *ctx;
} open_opts; /* jisr_tm_open_opts, as tm.h has it */

static sigjmp_buf jb;
static volatile sig_atomic_t ours;
static void on_segv(int sig)
{
    (void)sig;
    ours = 1;
    siglongjmp(jb, 1);
}

static int go[2];
static void *bystander(void *arg)
{
    (void)arg;
    char c;
    if (read(go[0], &c, 1) != 1)
        return NULL;
    if (sigsetjmp(jb, 0) == 0)
        raise(SIGSEGV); /* a fault of a thread that never called jisr */
    return NULL;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        printf("not ok: " __VA_ARGS__);                                                            \
        printf("\n");                                                                              \
        return 1;                                                                                  \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 2)
        FAIL("usage: test_api_dlopen PATH/libjisr.so");
    pthread_t th;
    if (pipe(go) != 0 || pthread_create(&th, NULL, bystander, NULL) != 0)
        FAIL("cannot start a thread");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);

    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h)
        FAIL("dlopen: %s", dlerror());
    /* (POSIX: a data pointer from dlsym converts to a function pointer; ISO C says nothing) */
    const char *(*version)(void);
    int (*tm_open)(jisr_tm **, const char *, const open_opts *);
    void (*tm_close)(jisr_tm *);
    int (*tm_remove)(const char *);
    void *p;
    p = dlsym(h, "jisr_version");
    memcpy(&version, &p, sizeof p);
    p = dlsym(h, "jisr_tm_open");
    memcpy(&tm_open, &p, sizeof p);
    p = dlsym(h, "jisr_tm_close");
    memcpy(&tm_close, &p, sizeof p);
    p = dlsym(h, "jisr_tm_remove");
    memcpy(&tm_remove, &p, sizeof p);
    if (!version || !tm_open || !tm_close || !tm_remove)
        FAIL("dlsym: %s", dlerror());
    printf("# libjisr %s\n", version());
    if (!version() || !*version())
        FAIL("jisr_version");

    char dir[] = "/tmp/jisr-test-dlopen-XXXXXX";
    if (!mkdtemp(dir))
        FAIL("mkdtemp");
    jisr_tm *tm = NULL;
    open_opts oo = {1 /* JISR_TM_WRITE */, 0, NULL, NULL};
    if (tm_open(&tm, dir, &oo) != 0)
        FAIL("jisr_tm_open through dlsym");
    /* jisr's handlers are installed now, ours behind them */
    if (write(go[1], "g", 1) != 1)
        FAIL("write");
    pthread_join(th, NULL);
    if (!ours)
        FAIL("the fault of another thread did not reach the handler installed before jisr's");
    tm_close(tm);
    if (tm_remove(dir) != 0)
        FAIL("jisr_tm_remove");
    dlclose(h);
    printf("ok\n");
    return 0;
}
