/*
 * upload.c — the streamed request body of an import: a ring buffer between the connection's
 * thread (which pushes what the client sends) and the writer thread (which reads it through a
 * FILE* handed to the importer). Nothing but the ring is held, so an upload of any size costs
 * its capacity; when the ring is full the connection is suspended (libmicrohttpd stops reading
 * the socket, and TCP slows the client down) and the reader resumes it once it has made room.
 *
 * Suspend and resume both happen under the ring's lock: the HTTP side suspends before the lock
 * is released, so the reader can never resume a connection that is not suspended yet.
 * End of body: the reader sees EOF after the last byte. An abort (the client went away, the
 * request ran out of time, the server is stopping) makes the next read fail with ECONNABORTED:
 * the import sees an I/O error, never a shorter file, so a strict import stores nothing of it.
 */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"

struct srv_upload {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *buf;
    size_t cap, head, len; /* ring: len bytes from head */
    uint64_t pushed;
    int finished, aborted, reader_closed, waiting;
    int refs;
    void (*suspend)(void *), (*resume)(void *);
    void *ctx;
};

int srv_upload_new(srv_upload **out, size_t cap)
{
    srv_upload *u = calloc(1, sizeof *u);
    if (!u || !(u->buf = malloc(cap))) {
        free(u);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    u->cap = cap;
    u->refs = 1;
    pthread_mutex_init(&u->mu, NULL);
    pthread_cond_init(&u->cv, NULL);
    *out = u;
    return 0;
}

void srv_upload_set_waiter(srv_upload *u, void (*suspend)(void *), void (*resume)(void *),
                           void *ctx)
{
    pthread_mutex_lock(&u->mu);
    u->suspend = suspend;
    u->resume = resume;
    u->ctx = ctx;
    pthread_mutex_unlock(&u->mu);
}

/* with the lock held: wake a suspended HTTP side */
static void wake_writer_side(srv_upload *u)
{
    if (u->waiting) {
        u->waiting = 0;
        if (u->resume)
            u->resume(u->ctx);
    }
}

size_t srv_upload_push(srv_upload *u, const char *data, size_t n)
{
    pthread_mutex_lock(&u->mu);
    size_t took = 0;
    if (u->reader_closed || u->aborted) {
        took = n; /* nobody reads: drop it */
    } else {
        while (took < n && u->len < u->cap) {
            size_t tail = (u->head + u->len) % u->cap;
            size_t room = u->cap - u->len, run = u->cap - tail;
            size_t k = n - took;
            if (k > room)
                k = room;
            if (k > run)
                k = run;
            memcpy(u->buf + tail, data + took, k);
            u->len += k;
            took += k;
        }
        u->pushed += took;
        if (took)
            pthread_cond_broadcast(&u->cv);
        if (took < n && u->suspend) {
            u->waiting = 1;
            u->suspend(u->ctx);
        }
    }
    pthread_mutex_unlock(&u->mu);
    return took;
}

void srv_upload_finish(srv_upload *u)
{
    pthread_mutex_lock(&u->mu);
    u->finished = 1;
    pthread_cond_broadcast(&u->cv);
    pthread_mutex_unlock(&u->mu);
}

void srv_upload_abort(srv_upload *u)
{
    pthread_mutex_lock(&u->mu);
    if (!u->finished) /* a complete body stays valid: its import finishes */
        u->aborted = 1;
    pthread_cond_broadcast(&u->cv);
    wake_writer_side(u);
    pthread_mutex_unlock(&u->mu);
}

long srv_upload_read(srv_upload *u, char *buf, size_t n)
{
    pthread_mutex_lock(&u->mu);
    while (!u->len && !u->finished && !u->aborted)
        pthread_cond_wait(&u->cv, &u->mu);
    long got;
    if (u->aborted) {
        errno = ECONNABORTED;
        got = -1;
    } else {
        size_t k = 0;
        while (k < n && u->len) {
            size_t run = u->cap - u->head, m = n - k;
            if (m > run)
                m = run;
            if (m > u->len)
                m = u->len;
            memcpy(buf + k, u->buf + u->head, m);
            u->head = (u->head + m) % u->cap;
            u->len -= m;
            k += m;
        }
        got = (long)k;
        if (u->len <= u->cap / 2)
            wake_writer_side(u);
    }
    pthread_mutex_unlock(&u->mu);
    return got;
}

void srv_upload_close_reader(srv_upload *u)
{
    pthread_mutex_lock(&u->mu);
    u->reader_closed = 1;
    u->len = 0;
    wake_writer_side(u);
    pthread_mutex_unlock(&u->mu);
}

uint64_t srv_upload_bytes(const srv_upload *u)
{
    srv_upload *m = (srv_upload *)u;
    pthread_mutex_lock(&m->mu);
    uint64_t b = m->pushed;
    pthread_mutex_unlock(&m->mu);
    return b;
}

int srv_upload_aborted(const srv_upload *u)
{
    srv_upload *m = (srv_upload *)u;
    pthread_mutex_lock(&m->mu);
    int a = m->aborted;
    pthread_mutex_unlock(&m->mu);
    return a;
}

static ssize_t cookie_read(void *c, char *buf, size_t n)
{
    long k = srv_upload_read(c, buf, n);
    return k < 0 ? -1 : (ssize_t)k;
}

FILE *srv_upload_file(srv_upload *u)
{
    cookie_io_functions_t io = {cookie_read, NULL, NULL, NULL};
    return fopencookie(u, "rb", io);
}

void srv_upload_ref(srv_upload *u)
{
    pthread_mutex_lock(&u->mu);
    u->refs++;
    pthread_mutex_unlock(&u->mu);
}

void srv_upload_release(srv_upload *u)
{
    if (!u)
        return;
    pthread_mutex_lock(&u->mu);
    int last = --u->refs == 0;
    pthread_mutex_unlock(&u->mu);
    if (!last)
        return;
    pthread_mutex_destroy(&u->mu);
    pthread_cond_destroy(&u->cv);
    free(u->buf);
    free(u);
}
