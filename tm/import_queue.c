/*
 * import_queue.c — the import object and its writer thread: prepared batches go through a queue
 * to a thread of their own ("jisr-writer", LMDB), so that preparing the next batch overlaps with
 * writing this one, and the gate of a strict file import.
 *
 * The queue keeps file order. Once the gate is open (or without one) every batch is one
 * transaction and at most TM_TM_QUEUE_BATCHES wait in the queue. Before that — a strict file whose
 * parse has not reached its end, so nothing may be committed — the writer writes the batches it
 * gets into one open transaction without committing it, and keeps them (up to
 * TM_GATE_QUEUE_BATCHES) in case the map fills and they must be written again; the transaction
 * is committed when the gate opens, aborted when the file turns out bad. So a killed import keeps
 * exactly the batches committed, always whole batches in file order (one transaction per file
 * would hold a whole file's batches and turn an interrupted big import into nothing at all).
 * Should the map fill, the transaction is aborted, the map doubled and the batches of the
 * transaction written again from memory. Errors are sticky: the first one is kept with its
 * detail, everything queued is dropped, and the caller's next call returns it.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tm/import_int.h"

static void batch_free(tm_batch *b)
{
    if (!b)
        return;
    free(b->p);
    for (size_t g = 0; g < (1u << TM_PBITS); g++)
        free(b->grp[g].v);
    jisr_buf_free(&b->recs);
    jisr_buf_free(&b->vocab);
    jisr_buf_free(&b->forms);
    jisr_buf_free(&b->pairs);
    free(b);
}

int jisr_tm_import_begin(jisr_tm *tm, const jisr_tm_import_opts *opts, jisr_tm_import **out)
{
    if (!out)
        return tm_null_arg("jisr_tm_import_begin", "out");
    *out = NULL; /* on every error */
    if (!tm)
        return tm_null_arg("jisr_tm_import_begin", "tm");
    if (tm->rdonly)
        return jisr_error_set(JISR_EREADONLY, tm->dir, 0, 0, "memory opened read-only");
    jisr_tm_import *imp = calloc(1, sizeof *imp);
    if (!imp || !(imp->cur = calloc(1, sizeof *imp->cur))) {
        free(imp);
        return jisr_oom(sizeof *imp);
    }
    imp->tm = tm;
    tm_txn t; /* the setting decides the keys the units get (a batch checks it again) */
    if (tm_txn_begin(&t, tm, 0) == 0)
        tm_chars_get(&t, &imp->chars);
    int rc = t.rc;
    tm_txn_abort(&t);
    if (rc < 0) {
        free(imp->cur);
        free(imp);
        return rc;
    }
    imp->gate_open = 1; /* until a gate is set (jisr_tm_import_file) */
    imp->toks.flags = TM_TOKS_NO_SURFACE;
    if (opts)
        imp->opts = *opts;
    if (!imp->opts.batch_units)
        imp->opts.batch_units = TM_DEFAULT_BATCH;
    if (imp->opts.batch_units > (1u << 30)) /* a posting holds a unit's index in 32 bits */
        imp->opts.batch_units = 1u << 30;
    pthread_mutex_init(&imp->mu, NULL);
    pthread_cond_init(&imp->cv, NULL);
    tm_use(tm); /* a jisr_tm_close meanwhile waits for jisr_tm_import_end */
    *out = imp;
    return 0;
}

const jisr_tm_import_stats *jisr_tm_import_stats_get(const jisr_tm_import *imp)
{
    return imp ? &imp->st : NULL;
}

/* Until the parse of a strict import has reached the end of the file nothing can be committed,
 * so the parsing thread is the critical path: the threads that prepare and write run at a lower
 * priority (nice +10; Linux threads have their own), which leaves the parse a core of its own
 * while they fill the held batches on the other. (They keep it after the parse: an unprivileged
 * thread cannot raise its priority again. With nice +5 the parse of the benchmark's file took
 * 7.6 s instead of ~5, and the whole import 12 s instead of ~10.) */
void tm_yield_to_parse(void)
{
#ifdef __linux__
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
}

/* ---- the writer thread ------------------------------------------------------------------ */

/* Give the batches qhead … to the spare list (with the queue lock held): up to and including
 * last, or all of them when last is NULL; count: add them to the committed statistics. */
static void recycle(jisr_tm_import *imp, const tm_batch *last, int count)
{
    while (imp->qhead) {
        tm_batch *d = imp->qhead;
        imp->qhead = d->next;
        imp->qunits -= d->np;
        if (count) {
            imp->wst.added += d->added;
            imp->wst.merged += d->merged;
            imp->wst.skipped += d->skipped;
            imp->wst.batches++;
            if (d->line) {
                imp->wst.line = d->line;
                imp->wst.col = d->col;
            }
        }
        d->line = d->col = 0;
        d->np = 0;
        for (size_t g = 0; g < (1u << TM_PBITS); g++)
            d->grp[g].n = 0;
        d->skipped = 0;
        d->nlangs = 0;
        d->langs_over = 0;
        d->phcodes = 0;
        jisr_buf_reset(&d->recs);
        jisr_buf_reset(&d->vocab);
        jisr_buf_reset(&d->forms);
        jisr_buf_reset(&d->pairs);
        d->next = imp->spare;
        imp->spare = d;
        if (d == last)
            break;
    }
    if (!imp->qhead)
        imp->qtail = NULL;
}

/* Abort the writer's open transaction, if any (called with the queue lock held). */
static void abort_held(jisr_tm_import *imp, tm_txn *t)
{
    if (!t->txn)
        return;
    pthread_mutex_unlock(&imp->mu);
    tm_txn_abort(t);
    tm_known_forget(imp);
    pthread_mutex_lock(&imp->mu);
}

static void *writer_main(void *arg)
{
    jisr_tm_import *imp = arg;
    jisr_tm *tm = imp->tm;
    tm_txn t = {0};
    tm_batch *wlast = NULL; /* last batch written into txn: qhead … wlast are held, uncommitted */
    int gate_ok = imp->gate == NULL;
    pthread_setname_np(pthread_self(), "jisr-writer"); /* shown by top -H, perf */
    if (imp->gate)
        tm_yield_to_parse();
    pthread_mutex_lock(&imp->mu);
    for (;;) {
        int rc = 0, commit = 0;
        if (imp->drop || imp->werr) { /* abandoned or failed: nothing more is committed */
            abort_held(imp, &t);
            wlast = NULL;
            recycle(imp, NULL, 0);
            pthread_cond_broadcast(&imp->cv);
            if (imp->closing)
                break;
            pthread_cond_wait(&imp->cv, &imp->mu);
            continue;
        }
        tm_batch *b = wlast ? wlast->next : imp->qhead;
        if (!b && t.txn && !gate_ok && !imp->closing) {
            /* all that is queued is written: wait for another batch, looking at the file's
             * verdict every 10 ms (it is signalled on the parser's condition variable) */
            pthread_mutex_unlock(&imp->mu);
            int g = imp->gate(imp->gate_ctx, 0);
            pthread_mutex_lock(&imp->mu);
            if (g == 0 && !imp->drop && !imp->werr && !(wlast ? wlast->next : imp->qhead)) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 10 * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&imp->cv, &imp->mu, &ts);
                continue;
            }
        }
        if (!b) {
            if (t.txn && !gate_ok) {
                /* closing with all written: wait for the file's verdict, then commit */
                pthread_mutex_unlock(&imp->mu);
                rc = imp->gate(imp->gate_ctx, 1);
                pthread_mutex_lock(&imp->mu);
                gate_ok = rc > 0;
                imp->gate_open = gate_ok;
                commit = gate_ok;
                rc = rc > 0 ? 0 : rc;
                pthread_cond_broadcast(&imp->cv);
                if (imp->drop) /* abandoned while we waited */
                    continue;
            } else if (imp->closing) {
                break;
            } else {
                pthread_cond_wait(&imp->cv, &imp->mu);
                continue;
            }
        } else {
            pthread_mutex_unlock(&imp->mu);
            if (!t.txn)
                rc = tm_txn_begin(&t, tm, 1);
            if (rc == 0 && (rc = tm_batch_write(imp, &t, b)) < 0 && t.mdb == MDB_MAP_FULL)
                rc = 1;
            if (rc == 0 && !gate_ok) { /* a look at the verdict, without waiting */
                int g = imp->gate(imp->gate_ctx, 0);
                gate_ok = g > 0;
                rc = g < 0 ? g : 0;
            }
            pthread_mutex_lock(&imp->mu);
            if (rc == 0) {
                wlast = b;
                imp->gate_open = gate_ok;
                commit = gate_ok;
                pthread_cond_broadcast(&imp->cv);
                if (imp->drop)
                    continue;
            }
        }
        if (rc == 0 && commit) {
            /* while the commit syncs (the gate's: several batches), preparing goes on */
            imp->committing = 0;
            for (const tm_batch *h = imp->qhead; h; h = h->next) {
                imp->committing += h->np;
                if (h == wlast)
                    break;
            }
            pthread_cond_broadcast(&imp->cv);
            pthread_mutex_unlock(&imp->mu);
            /* the commit and its report are one step for a signal (jisr_tm_commits_stop) */
            tm_commit_fence_enter();
            rc = tm_txn_commit(&t);
            if (rc < 0 && t.mdb == MDB_MAP_FULL)
                rc = 1;
            int report = rc == 0 && imp->opts.on_commit;
            if (!report)
                tm_commit_fence_leave();
            pthread_mutex_lock(&imp->mu);
            imp->committing = 0;
            if (rc == 0) { /* the held batches are stored */
                recycle(imp, wlast, 1);
                wlast = NULL;
                if (report) { /* called here, so that it reports each commit */
                    jisr_tm_import_stats snap = imp->wst;
                    snap.read = snap.added + snap.merged + snap.skipped;
                    pthread_mutex_unlock(&imp->mu);
                    int stop = imp->opts.on_commit(imp->opts.ctx, &snap);
                    tm_commit_fence_leave();
                    pthread_mutex_lock(&imp->mu);
                    if (stop && !imp->werr) {
                        imp->werr = jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0, "import stopped");
                        imp->err = *jisr_error_last();
                    }
                }
                pthread_cond_broadcast(&imp->cv);
                continue;
            }
        }
        if (rc == 1) { /* map full: abort, grow, write the held batches again */
            pthread_mutex_unlock(&imp->mu);
            tm_txn_abort(&t);
            tm_known_forget(imp);
            rc = tm_grow(tm);
            pthread_mutex_lock(&imp->mu);
            wlast = NULL;
        }
        if (rc < 0) {
            abort_held(imp, &t);
            if (!imp->werr) {
                imp->werr = rc;
                imp->err = *jisr_error_last();
            }
            pthread_cond_broadcast(&imp->cv);
        }
    }
    pthread_mutex_unlock(&imp->mu);
    tm_txn_abort(&t);
    return NULL;
}

/* Bring the caller's statistics up to date; return the writer's error (re-recorded on this
 * thread) if there is one. */
static int sync_writer(jisr_tm_import *imp)
{
    pthread_mutex_lock(&imp->mu);
    int werr = imp->werr;
    jisr_error err = imp->err;
    imp->st.added = imp->wst.added;
    imp->st.merged = imp->wst.merged;
    imp->st.skipped = imp->wst.skipped;
    imp->st.batches = imp->wst.batches;
    imp->st.line = imp->wst.line;
    imp->st.col = imp->wst.col;
    pthread_mutex_unlock(&imp->mu);
    if (werr < 0)
        return jisr_error_set(err.code, err.file, err.line, err.col, "%s", err.msg);
    return 0;
}

/* Hand the current batch to the writer (starting it on first use) and take an empty one. */
int tm_import_enqueue(jisr_tm_import *imp)
{
    if (!imp->th_started) {
        if (pthread_create(&imp->th, NULL, writer_main, imp) != 0)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the writer thread");
        imp->th_started = 1;
    }
    tm_batch *b = imp->cur;
    /* sort the batch's postings here: sorted by the writer, they made it the slowest stage once
     * the file is read */
    int src = tm_batch_sort(imp, b);
    if (src < 0)
        return src;
    pthread_mutex_lock(&imp->mu);
    while (!imp->werr && !imp->drop && imp->qhead &&
           imp->qunits - imp->committing + (imp->committing ? imp->opts.batch_units : 0) + b->np >
               (imp->gate_open ? TM_QUEUE_BATCHES : TM_GATE_QUEUE_BATCHES) * imp->opts.batch_units)
        pthread_cond_wait(&imp->cv, &imp->mu);
    if (!imp->werr && !imp->drop) {
        b->next = NULL;
        if (imp->qtail)
            imp->qtail->next = b;
        else
            imp->qhead = b;
        imp->qtail = b;
        imp->qunits += b->np;
        tm_batch *n = imp->spare;
        if (n)
            imp->spare = n->next;
        imp->cur = n;
        pthread_cond_broadcast(&imp->cv);
    }
    pthread_mutex_unlock(&imp->mu);
    if (imp->cur == b) { /* not queued: the writer failed, or the import was stopped */
        int rc = sync_writer(imp);
        return rc < 0 ? rc : jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0, "import stopped");
    }
    if (!imp->cur && !(imp->cur = calloc(1, sizeof *imp->cur)))
        return jisr_oom(sizeof *imp->cur);
    return sync_writer(imp);
}

int jisr_tm_import_commit(jisr_tm_import *imp)
{
    int rc;
    if (!imp)
        return tm_null_arg("jisr_tm_import_commit", "imp");
    if (imp->cur->np) {
        if ((rc = tm_import_enqueue(imp)) < 0)
            return rc;
    } else if (imp->cur->skipped) {
        pthread_mutex_lock(&imp->mu);
        imp->wst.skipped += imp->cur->skipped;
        if (imp->cur->line) {
            imp->wst.line = imp->cur->line;
            imp->wst.col = imp->cur->col;
        }
        pthread_mutex_unlock(&imp->mu);
        imp->cur->skipped = 0;
        imp->cur->line = imp->cur->col = 0;
    }
    pthread_mutex_lock(&imp->mu);
    while (imp->qhead)
        pthread_cond_wait(&imp->cv, &imp->mu);
    pthread_mutex_unlock(&imp->mu);
    return sync_writer(imp);
}

/* The import is abandoned: nothing queued or buffered will be committed (a batch being written
 * at this moment still is). */
void tm_import_drop(jisr_tm_import *imp)
{
    pthread_mutex_lock(&imp->mu);
    imp->drop = 1;
    pthread_cond_broadcast(&imp->cv);
    pthread_mutex_unlock(&imp->mu);
}

int jisr_tm_import_end(jisr_tm_import *imp, int commit)
{
    return tm_import_end_stats(imp, commit, NULL);
}

int tm_import_end_stats(jisr_tm_import *imp, int commit, jisr_tm_import_stats *st)
{
    if (!imp)
        return 0;
    int rc = 0;
    if (commit)
        rc = jisr_tm_import_commit(imp);
    else
        tm_import_drop(imp);
    pthread_mutex_lock(&imp->mu);
    imp->closing = 1;
    pthread_cond_broadcast(&imp->cv);
    pthread_mutex_unlock(&imp->mu);
    if (imp->th_started)
        pthread_join(imp->th, NULL);
    if (st) { /* the writer has stopped: wst is what it committed */
        st->added = imp->wst.added;
        st->merged = imp->wst.merged;
        st->skipped = imp->wst.skipped;
        st->batches = imp->wst.batches;
        st->line = imp->wst.line;
        st->col = imp->wst.col;
    }
    batch_free(imp->cur);
    for (tm_batch *b = imp->spare, *n; b; b = n) {
        n = b->next;
        batch_free(b);
    }
    for (tm_batch *b = imp->qhead, *n; b; b = n) { /* none are left after the join */
        n = b->next;
        batch_free(b);
    }
    pthread_mutex_destroy(&imp->mu);
    pthread_cond_destroy(&imp->cv);
    tm_dset_free(&imp->known);
    tm_dset_free(&imp->inbatch);
    jisr_u64set_free(&imp->vseen);
    jisr_buf_free(&imp->run);
    free(imp->ptmp);
    free(imp->ukeys);
    free(imp->skip_at);
    tm_formcounts_free(&imp->fcount);
    free(imp->ids);
    free(imp->idmap);
    free(imp->vs);
    free(imp->vdates);
    free(imp->terms);
    jisr_buf_free(&imp->out);
    tm_toks_free(&imp->toks);
    jisr_tm *tm = imp->tm;
    free(imp);
    tm_unuse(tm); /* the handle's close, when it was asked for meanwhile */
    return rc;
}
