/*
 * epoll_delay.c — an LD_PRELOAD shim for serve_lifecycle: every epoll_ctl(EPOLL_CTL_DEL) waits
 * 0-2 ms first. It widens the window of a race in libmicrohttpd 0.9.75 (MHD_quiesce_daemon and
 * a worker both removing the listening socket from the worker's epoll set; the loser aborts
 * the process), very likely what made jisr serve exit -6 at SIGTERM once in CI, when it quiesced
 * its daemon there. With the shim, that server aborted in 28 of 40 stops under load (and the
 * test failed on it); the test asserts that every stop exits 0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    static int (*real)(int, int, int, struct epoll_event *);
    if (!real)
        real = (int (*)(int, int, int, struct epoll_event *))dlsym(RTLD_NEXT, "epoll_ctl");
    if (op == EPOLL_CTL_DEL) {
        struct timespec t = {0, (long)(rand() % 2000) * 1000};
        nanosleep(&t, NULL);
    }
    return real(epfd, op, fd, ev);
}
