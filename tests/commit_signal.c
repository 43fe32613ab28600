/*
 * commit_signal.c — an LD_PRELOAD shim for import_cli: the signal JISR_COMMIT_SIGNAL (a number,
 * 15 by default) is sent to the process right after the JISR_COMMIT_SIGNAL_AT-th write of an
 * LMDB meta page (a pwrite of less than a page within the file's first two pages: the write that
 * makes a commit durable), and that write then returns only JISR_COMMIT_SIGNAL_HOLD ms later
 * (1000 by default). So the signal arrives while a commit is done but not yet reported, every
 * time: the window in which an interrupted `jisr import` used to say one batch fewer than it had
 * committed (the handler wrote the message of the batch before, and the process died with the
 * batch stored). JISR_COMMIT_SIGNAL_SELF=1 sends it to the committing thread itself (tgkill), so
 * that the handler interrupts the commit it waits for. Nothing is changed in what is written.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : dflt;
}

static void after_write(off_t off, size_t n)
{
    static long count;
    if (off >= 8192 || n >= 4096) /* a data page, or a new file's two meta pages at once */
        return;
    long at = env_long("JISR_COMMIT_SIGNAL_AT", 0);
    if (at <= 0 || __atomic_add_fetch(&count, 1, __ATOMIC_SEQ_CST) != at)
        return;
    int sig = (int)env_long("JISR_COMMIT_SIGNAL", SIGTERM);
    if (env_long("JISR_COMMIT_SIGNAL_SELF", 0))
        syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
    else
        kill(getpid(), sig);
    long ms = env_long("JISR_COMMIT_SIGNAL_HOLD", 1000);
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0)
        ;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    ssize_t r = real(fd, buf, n, off);
    if (r > 0)
        after_write(off, n);
    return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    ssize_t r = real(fd, buf, n, off);
    if (r > 0)
        after_write(off, n);
    return r;
}
