/*
 * writer.c — a lane of writes: jobs run one at a time, in the order they came, on a thread of
 * their own. The server has two (imports; units, stores and deletes): LMDB takes one write
 * transaction at a time anyway, so a small write waits at most for one commit of an import.
 * Doing it here keeps the connection threads free (a waiting request is suspended, not
 * blocking a worker) and gives shutdown one place to wait for.
 */
#include <pthread.h>
#include <stdlib.h>

#include "serve/server.h"

struct srv_writer {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    srv_job *head, *tail;
    int jobs, imports, stop;
};

static void *writer_main(void *arg)
{
    srv_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->head)
            break;
        srv_job *j = w->head;
        w->head = j->next;
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        int imp = j->is_import;
        j->run(j);
        /* the import is over before its answer leaves (done() resumes the request): a client
         * that sends the next import on receiving it is not told one is running; jobs, which
         * shutdown waits for, counts until done() has returned */
        pthread_mutex_lock(&w->mu);
        w->imports -= imp;
        pthread_mutex_unlock(&w->mu);
        j->done(j); /* may free j */
        pthread_mutex_lock(&w->mu);
        w->jobs--;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int srv_writer_start(srv_writer **out)
{
    srv_writer *w = calloc(1, sizeof *w);
    if (!w)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->th, NULL, writer_main, w) != 0) {
        free(w);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the writer thread");
    }
    *out = w;
    return 0;
}

void srv_writer_submit(srv_writer *w, srv_job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->tail)
        w->tail->next = j;
    else
        w->head = j;
    w->tail = j;
    w->jobs++;
    w->imports += j->is_import;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void srv_writer_load(srv_writer *w, int *jobs, int *imports)
{
    pthread_mutex_lock(&w->mu);
    if (jobs)
        *jobs = w->jobs;
    if (imports)
        *imports = w->imports;
    pthread_mutex_unlock(&w->mu);
}

void srv_writer_stop(srv_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}
