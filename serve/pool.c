/*
 * pool.c — the query threads: reads that match (tmserver lookups, /v1/query, /v1/concord) run
 * here, never on libmicrohttpd's I/O threads, each of which serves many connections: a query
 * there stalled all of them (a few 1,000-text batches held every other client of their thread
 * for seconds).
 *
 * Two lanes, each with threads of its own: cheap reads (lookups), and expensive ones (batches,
 * exhaustive, a low minimum, a large concordance; api.c says which). The expensive lane's
 * threads run at a lower CPU priority (nice +EXPENSIVE_NICE): when both lanes want the cores,
 * lookups get them, and expensive work takes what is left — alone, all of it.
 *
 * Fairness, in each lane: jobs wait in one queue per client address, and a free thread serves
 * the client with the fewest jobs running in that lane, of those the one it served least
 * recently. One client runs at most threads - 1 jobs of a lane at once (1 of a lane of one
 * thread), so that another client finds a thread. A client with queue_max jobs waiting (both
 * lanes) is refused at once (503 busy) rather than left to wait into its --query-timeout.
 *
 * Lookups first tried on the I/O thread (http.c, --inline-ms) ask srv_pool_may_inline: not
 * while the pool drains, and while other clients' cheap reads wait for a thread only for a client
 * with none of its own running or waiting in the lane (a free thread would take its read among
 * the first anyway), so that answering it at once never overtakes a client the pool would serve
 * before it.
 *
 * Time: a job carries its deadline (the request's arrival + --query-timeout). One still
 * waiting at its deadline is cancelled without running, by the main thread's sweep
 * (srv_pool_expire, four times a second) or by the thread that takes it.
 */
#define _GNU_SOURCE /* syscall(SYS_gettid): a thread's own nice value */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "serve/server.h"

#define NBUCKETS 256
#define EXPENSIVE_NICE 10 /* the expensive lane's threads (docs/serve.md, "Query threads") */

enum { CHEAP, EXPENSIVE, NLANES };

/* one client address with jobs waiting or running */
typedef struct pclient {
    char addr[64];
    unsigned running[NLANES], waiting, lwaiting[NLANES]; /* waiting: both lanes, and each */
    uint64_t turn[NLANES];                 /* when its lane last served it (0: never) */
    srv_qjob *head[NLANES], *tail[NLANES]; /* waiting jobs */
    struct pclient *hnext;                 /* hash chain */
    struct pclient *rprev, *rnext; /* the ring of clients with jobs waiting (NULL: not in it) */
} pclient;

typedef struct lane {
    pthread_cond_t work; /* a job of this lane may be runnable, or stop */
    unsigned nth, cap_client, running, idle, waiting;
    uint64_t turns; /* jobs taken so far */
} lane;

typedef struct worker {
    struct srv_pool *p;
    int lane;
    pthread_t th;
} worker;

struct srv_pool {
    pthread_mutex_t mu;
    pthread_cond_t done; /* a job ended (drain waits for the running ones) */
    lane lanes[NLANES];
    worker *w;
    unsigned nw, started, queue_max, waiting;
    int draining, stop;
    pclient *bucket[NBUCKETS];
    pclient *ring; /* the clients with jobs waiting, in a circle */
    unsigned nring;
};

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % NBUCKETS;
}

static pclient *client_get(srv_pool *p, const char *addr)
{
    unsigned h = hash(addr);
    for (pclient *c = p->bucket[h]; c; c = c->hnext)
        if (strcmp(c->addr, addr) == 0)
            return c;
    pclient *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    snprintf(c->addr, sizeof c->addr, "%s", addr);
    c->hnext = p->bucket[h];
    p->bucket[h] = c;
    return c;
}

/* a client with nothing waiting or running is forgotten */
static void client_release(srv_pool *p, pclient *c)
{
    if (c->running[CHEAP] || c->running[EXPENSIVE] || c->waiting)
        return;
    pclient **pp = &p->bucket[hash(c->addr)];
    while (*pp != c)
        pp = &(*pp)->hnext;
    *pp = c->hnext;
    free(c);
}

static void ring_add(srv_pool *p, pclient *c)
{
    p->nring++;
    if (!p->ring) {
        c->rprev = c->rnext = c;
        p->ring = c;
        return;
    }
    c->rnext = p->ring;
    c->rprev = p->ring->rprev;
    c->rprev->rnext = c;
    p->ring->rprev = c;
}

static void ring_remove(srv_pool *p, pclient *c)
{
    p->nring--;
    if (c->rnext == c) {
        p->ring = NULL;
    } else {
        c->rprev->rnext = c->rnext;
        c->rnext->rprev = c->rprev;
        if (p->ring == c)
            p->ring = c->rnext;
    }
    c->rprev = c->rnext = NULL;
}

/* The next job of lane k the per-client cap allows: of the client with the fewest jobs running
 * in the lane, then the one it served least recently (take: dequeue it and count it as
 * running), or NULL. A walk of the clients with jobs waiting: at most one per connection, a
 * handful in practice. */
static srv_qjob *next_job(srv_pool *p, int k, int take)
{
    lane *l = &p->lanes[k];
    pclient *c = p->ring, *best = NULL;
    if (!c)
        return NULL;
    do {
        if (c->head[k] && c->running[k] < l->cap_client &&
            (!best || c->running[k] < best->running[k] ||
             (c->running[k] == best->running[k] && c->turn[k] < best->turn[k])))
            best = c;
        c = c->rnext;
    } while (c != p->ring);
    if (!best || !take)
        return best ? best->head[k] : NULL;
    srv_qjob *j = best->head[k];
    best->head[k] = j->next;
    if (!best->head[k])
        best->tail[k] = NULL;
    j->next = NULL;
    j->owner = best;
    best->turn[k] = ++l->turns;
    best->running[k]++;
    l->running++;
    best->waiting--;
    best->lwaiting[k]--;
    l->waiting--;
    p->waiting--;
    if (!best->waiting)
        ring_remove(p, best);
    return j;
}

/* a waiting job leaves its queue without running (cancelled); frees c with its last job */
static void unlink_waiting(srv_pool *p, pclient *c, int k, srv_qjob *prev, srv_qjob *j)
{
    if (prev)
        prev->next = j->next;
    else
        c->head[k] = j->next;
    if (c->tail[k] == j)
        c->tail[k] = prev;
    j->next = NULL;
    c->waiting--;
    c->lwaiting[k]--;
    p->lanes[k].waiting--;
    p->waiting--;
    if (!c->waiting) {
        ring_remove(p, c);
        client_release(p, c);
    }
}

static void *pool_main(void *arg)
{
    worker *w = arg;
    srv_pool *p = w->p;
    lane *l = &p->lanes[w->lane];
    if (w->lane == EXPENSIVE) /* this thread's own priority (Linux: per thread) */
        setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), EXPENSIVE_NICE);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        srv_qjob *j = next_job(p, w->lane, 1);
        if (!j) {
            if (p->stop)
                break;
            l->idle++;
            pthread_cond_wait(&l->work, &p->mu);
            l->idle--;
            continue;
        }
        /* a job that ended may have let two more run (its client's place freed): wake another
         * thread of the lane when something else is runnable */
        if (l->idle && next_job(p, w->lane, 0))
            pthread_cond_signal(&l->work);
        pclient *c = j->owner;
        int expired = jisr_now() >= j->deadline;
        pthread_mutex_unlock(&p->mu);
        if (expired)
            j->cancel(j, SRV_QJOB_EXPIRED); /* may free j */
        else
            j->run(j); /* may free j */
        pthread_mutex_lock(&p->mu);
        c->running[w->lane]--;
        l->running--;
        client_release(p, c);
        if (p->draining && !p->lanes[CHEAP].running && !p->lanes[EXPENSIVE].running)
            pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int srv_pool_start(srv_pool **out, unsigned cheap, unsigned expensive, unsigned queue_max)
{
    cheap = cheap ? cheap : 1;
    expensive = expensive ? expensive : 1;
    srv_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->w = calloc(cheap + expensive, sizeof *p->w))) {
        free(p);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    p->nw = cheap + expensive;
    p->lanes[CHEAP].nth = cheap;
    p->lanes[EXPENSIVE].nth = expensive;
    for (int k = 0; k < NLANES; k++) {
        lane *l = &p->lanes[k];
        l->cap_client = l->nth > 1 ? l->nth - 1 : 1;
        pthread_cond_init(&l->work, NULL);
    }
    p->queue_max = queue_max ? queue_max : 1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->done, NULL);
    for (; p->started < p->nw; p->started++) {
        worker *w = &p->w[p->started];
        w->p = p;
        w->lane = p->started < cheap ? CHEAP : EXPENSIVE;
        if (pthread_create(&w->th, NULL, pool_main, w) != 0)
            break;
    }
    if (p->started < p->nw) {
        srv_pool_stop(p);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the query threads");
    }
    *out = p;
    return 0;
}

int srv_pool_submit(srv_pool *p, srv_qjob *j)
{
    int k = j->heavy ? EXPENSIVE : CHEAP;
    pthread_mutex_lock(&p->mu);
    if (p->draining) {
        pthread_mutex_unlock(&p->mu);
        return SRV_QJOB_STOPPING;
    }
    pclient *c = client_get(p, j->client);
    if (!c || c->waiting >= p->queue_max) {
        pthread_mutex_unlock(&p->mu);
        return SRV_QJOB_BUSY;
    }
    j->next = NULL;
    if (c->tail[k])
        c->tail[k]->next = j;
    else
        c->head[k] = j;
    c->tail[k] = j;
    if (!c->waiting++)
        ring_add(p, c);
    c->lwaiting[k]++;
    p->lanes[k].waiting++;
    p->waiting++;
    if (p->lanes[k].idle && c->running[k] < p->lanes[k].cap_client)
        pthread_cond_signal(&p->lanes[k].work);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

int srv_pool_may_inline(srv_pool *p, const char *client)
{
    pthread_mutex_lock(&p->mu);
    int ok = !p->draining;
    if (ok && p->lanes[CHEAP].waiting) {
        const pclient *c = p->bucket[hash(client)];
        while (c && strcmp(c->addr, client) != 0)
            c = c->hnext;
        unsigned own = c ? c->lwaiting[CHEAP] : 0;
        /* overtaking only its own reads, or others' as a client that a free thread would serve
         * among the first anyway (none of its reads running or waiting in the lane) */
        ok = p->lanes[CHEAP].waiting == own || !c || (!c->running[CHEAP] && !own);
    }
    pthread_mutex_unlock(&p->mu);
    return ok;
}

/* Take out the waiting jobs that match (all, or those whose deadline is at or before now) and
 * cancel them, outside the lock: their cancel() answers and resumes the request. */
static void cancel_waiting(srv_pool *p, int all, double now, int why)
{
    srv_qjob *out = NULL;
    pthread_mutex_lock(&p->mu);
    pclient *c = p->ring;
    /* each client of the ring once; taking a client's last job removes it (only it) */
    for (unsigned i = 0, n = p->nring; i < n && c; i++) {
        pclient *next = c->rnext;
        for (int k = 0; k < NLANES; k++) {
            srv_qjob *prev = NULL, *j = c->head[k];
            while (j) {
                srv_qjob *after = j->next;
                if (!all && j->deadline > now) {
                    prev = j;
                    j = after;
                    continue;
                }
                int gone = c->waiting == 1;
                unlink_waiting(p, c, k, prev, j);
                j->next = out;
                out = j;
                if (gone)
                    goto next_client;
                j = after;
            }
        }
    next_client:
        c = next;
    }
    pthread_mutex_unlock(&p->mu);
    while (out) {
        srv_qjob *j = out;
        out = j->next;
        j->cancel(j, why); /* may free j */
    }
}

void srv_pool_expire(srv_pool *p, double now)
{
    cancel_waiting(p, 0, now, SRV_QJOB_EXPIRED);
}

void srv_pool_drain(srv_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->draining = 1;
    pthread_mutex_unlock(&p->mu);
    cancel_waiting(p, 1, 0, SRV_QJOB_STOPPING);
    pthread_mutex_lock(&p->mu);
    while (p->lanes[CHEAP].running || p->lanes[EXPENSIVE].running)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void srv_pool_load(srv_pool *p, int *running, int *waiting)
{
    pthread_mutex_lock(&p->mu);
    if (running)
        *running = (int)(p->lanes[CHEAP].running + p->lanes[EXPENSIVE].running);
    if (waiting)
        *waiting = (int)p->waiting;
    pthread_mutex_unlock(&p->mu);
}

void srv_pool_stop(srv_pool *p)
{
    if (!p)
        return;
    srv_pool_drain(p);
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    for (int k = 0; k < NLANES; k++)
        pthread_cond_broadcast(&p->lanes[k].work);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->started; i++)
        pthread_join(p->w[i].th, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->done);
    for (int k = 0; k < NLANES; k++)
        pthread_cond_destroy(&p->lanes[k].work);
    free(p->w);
    free(p);
}
