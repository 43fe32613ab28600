/*
 * txn.c — the one place LMDB results leave the store: transactions with a sticky first error,
 * the map of LMDB (and errno) codes to JISR_E* codes with a message naming the memory, and the
 * map-size changes that must not overlap any transaction of the process.
 *
 * The wrapper follows Knot DNS's knot_lmdb: a tm_txn carries the first error; every later
 * operation on it is a no-op, commit becomes abort, and callers check once (t->rc, or what
 * tm_txn_commit returns). The LMDB code of that error stays in t->mdb, so that a writer can tell
 * MDB_MAP_FULL (grow the map and write again) from the rest.
 *
 * Reads are checked against the file: a value LMDB hands out must lie inside the mapped part of
 * data.mdb that the file really holds (a damaged node can claim any size, and reading past the
 * end of the file is SIGBUS); a value outside it is reported as a damaged memory. LMDB itself
 * asserts on some damage it meets while it moves a cursor or writes (a page that is neither a
 * branch nor a leaf where it expects one) and would abort the process; its assertion callback
 * jumps back instead to the wrapper that made the call (a guard set around every cursor move and
 * every write), which reports the damage as MDB_CORRUPTED. The transaction is then only aborted.
 * Other damage makes LMDB read outside the file (a node offset or size taken from a damaged page:
 * SIGSEGV, or SIGBUS past the end of the file); the same guard catches those faults through
 * handlers for SIGSEGV and SIGBUS installed once per process by the first jisr_tm_open (unless
 * JISR_TM_NOGUARD): a fault on a thread inside a guarded LMDB call returns to the guard, any other
 * fault goes to the handler that was there before (or kills the process as it would have). The
 * handler reads a thread's guard only when the thread is in its table of threads that have used
 * one, so a fault elsewhere never touches jisr's thread-local storage (which a dlopen()ed
 * libjisr.so may not have allocated for that thread yet: its TLS uses the dynamic model).
 *
 * Threads. One handle serves every thread of the process (LMDB allows one environment per
 * process). mdb_env_set_mapsize unmaps and maps the file again, so it may only run while no
 * transaction of the process is open: each transaction is counted on the handle while it is open
 * (tm_hold), and a map change waits until the count is zero, new transactions waiting meanwhile
 * (writer preference, so a stream of queries cannot starve an import's growth). A thread that
 * already has a transaction open on the handle (an iterator and a lookup inside its loop) never
 * waits for a pending change, which would wait for it in turn.
 *
 * Reader slots. LMDB's reader table (lock.mdb) keeps the slot of a process killed inside a read
 * transaction for as long as any other process has the memory open; this file frees such slots
 * (tm_readers_clear) so that killed readers can neither fill the table nor pin old pages.
 */
#define _GNU_SOURCE /* syscall(SYS_gettid) */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tm/tm_int.h"

/* ---- LMDB's assertions ------------------------------------------------------------------ */

_Thread_local sigjmp_buf *tm_guard;
_Thread_local int tm_guard_hit;
_Thread_local int tm_guard_reg;
static _Thread_local char tl_assert[256]; /* the message of what the guard caught */

/* The threads that have used a guard, by kernel thread id: the fault handler looks a faulting
 * thread up here (a system call and loads, async-signal-safe) before it reads the thread's
 * tm_guard, so that a fault on any other thread never touches jisr's thread-local storage. A
 * thread is entered at its first guard and leaves at its exit (a key's destructor); beyond
 * GUARD_SLOTS threads at once the handler reads every faulting thread's tm_guard (as before). */
#define GUARD_SLOTS 512
static atomic_int guard_tid[GUARD_SLOTS];
static atomic_int guard_any, guard_over;
static pthread_key_t guard_key;
static pthread_once_t guard_key_once = PTHREAD_ONCE_INIT;

static void guard_unregister(void *slot)
{
    atomic_store(&guard_tid[(uintptr_t)slot - 1], 0);
}

/* A forked child has one thread, under another id: the table starts anew, and that thread enters
 * it again at its next guard. */
static void guard_atfork_child(void)
{
    for (size_t i = 0; i < GUARD_SLOTS; i++)
        atomic_store(&guard_tid[i], 0);
    atomic_store(&guard_over, 0);
    tm_guard_reg = 0;
}

static int guard_key_ok;
static void guard_key_make(void)
{
    guard_key_ok = pthread_key_create(&guard_key, guard_unregister) == 0;
    pthread_atfork(NULL, NULL, guard_atfork_child); /* (glibc drops it when the library is
                                                     * unloaded) */
}

void tm_guard_register(void)
{
    tm_guard_reg = 1;
    pthread_once(&guard_key_once, guard_key_make);
    int tid = (int)syscall(SYS_gettid);
    for (size_t i = 0; i < GUARD_SLOTS; i++) {
        int free_slot = 0;
        if (atomic_load_explicit(&guard_tid[i], memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong(&guard_tid[i], &free_slot, tid)) {
            pthread_setspecific(guard_key, (void *)(uintptr_t)(i + 1));
            atomic_store(&guard_any, 1);
            return;
        }
    }
    atomic_store(&guard_over, 1);
    atomic_store(&guard_any, 1);
}

/* Whether the calling thread (in a signal handler) may have a guard set. */
static int guard_thread(void)
{
    if (!atomic_load(&guard_any))
        return 0;
    if (atomic_load(&guard_over))
        return 1;
    int tid = (int)syscall(SYS_gettid);
    for (size_t i = 0; i < GUARD_SLOTS; i++)
        if (atomic_load_explicit(&guard_tid[i], memory_order_relaxed) == tid)
            return 1;
    return 0;
}

void tm_lmdb_assert(MDB_env *env, const char *msg)
{
    (void)env;
    if (!tm_guard)
        return; /* outside a guarded call: LMDB aborts, as it would without us */
    snprintf(tl_assert, sizeof tl_assert, "%s", msg);
    siglongjmp(*tm_guard, 1);
}

/* SIGSEGV and SIGBUS inside a guarded LMDB call: a read outside the file, through a damaged
 * page. The handler runs with SA_NODEFER, so that jumping out of it leaves the signal unblocked
 * (sigsetjmp does not save the mask: that would cost two system calls per call). */
static struct sigaction old_segv, old_bus;
static pthread_once_t fault_once = PTHREAD_ONCE_INIT;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    if (guard_thread() && tm_guard) {
        snprintf(tl_assert, sizeof tl_assert, "a read outside the file (%s)",
                 sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
        siglongjmp(*tm_guard, 1);
    }
    const struct sigaction *old = sig == SIGBUS ? &old_bus : &old_segv;
    if (old->sa_flags & SA_SIGINFO) {
        old->sa_sigaction(sig, si, uc);
        return;
    }
    if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL); /* the fault happens again on return, and ends the process */
}

static int fault_installed;
static void fault_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    fault_installed = 1;
}

/* libjisr.so unloaded (dlclose): nothing may point into it any more — the handlers go back to
 * the ones before (when ours are still in place), and the key's destructor is dropped (a thread
 * that ends later would call it). */
#if defined(__GNUC__)
__attribute__((destructor)) static void guard_unload(void)
{
    struct sigaction cur;
    if (fault_installed) {
        if (sigaction(SIGSEGV, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
            cur.sa_sigaction == on_fault)
            sigaction(SIGSEGV, &old_segv, NULL);
        if (sigaction(SIGBUS, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
            cur.sa_sigaction == on_fault)
            sigaction(SIGBUS, &old_bus, NULL);
    }
    if (guard_key_ok)
        pthread_key_delete(guard_key);
}
#endif

void tm_fault_guard(void)
{
    pthread_once(&fault_once, fault_install);
}

#define GUARDED TM_GUARDED

/* The message of an assertion caught since the last call (cleared), or NULL. */
static const char *assert_msg(void)
{
    if (!tm_guard_hit)
        return NULL;
    tm_guard_hit = 0;
    return tl_assert;
}

/* ---- error mapping ---------------------------------------------------------------------- */

/* Whether the file system holding dir is (nearly) full: LMDB reports a short write, which is how
 * a full disk shows, as EIO. */
static int disk_full(const char *dir)
{
    struct statvfs sv;
    if (!dir || statvfs(dir, &sv) < 0)
        return 0;
    return (uint64_t)sv.f_bavail * sv.f_frsize < ((uint64_t)1 << 20);
}

/* Whether data.mdb has reached the process's file size limit (ulimit -f): a write past it fails
 * short, which LMDB reports as EIO (or EFBIG), and the limit, in bytes, in *lim. */
static int over_fsize(const char *file, unsigned long long *lim)
{
    struct rlimit rl;
    struct stat st;
    if (getrlimit(RLIMIT_FSIZE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || stat(file, &st) < 0)
        return 0;
    *lim = (unsigned long long)rl.rlim_cur;
    return (unsigned long long)st.st_size + 65536 >= *lim;
}

int tm_db_error(const jisr_tm *tm, int rc, const char *what)
{
    const char *dir = tm ? tm->dir : NULL;
    char file[600];
    snprintf(file, sizeof file, "%s/data.mdb", dir ? dir : ".");
    switch (rc) {
    case 0:
        return 0;
    case MDB_NOTFOUND:
        return jisr_error_set(JISR_ENOTFOUND, dir, 0, 0, "%s: not found", what);
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_BAD_TXN:
    case MDB_BAD_VALSIZE:
    case MDB_BAD_DBI:
    case MDB_TLS_FULL: {
        const char *am = assert_msg();
        return jisr_error_set(JISR_EDB, file, 0, 0,
                              "%s: the memory is damaged (%s%s%s); restore it from a copy or "
                              "import its last export into a new memory",
                              what, am ? "LMDB: " : "", am ? am : mdb_strerror(rc), "");
    }
    case MDB_PANIC:
        return jisr_error_set(JISR_EDB, file, 0, 0,
                              "%s: LMDB stopped after a fatal error (%s); close and reopen the "
                              "memory",
                              what, mdb_strerror(rc));
    case MDB_INVALID:
        return jisr_error_set(JISR_EDB, file, 0, 0,
                              "%s: not an LMDB file, or its header is damaged: not a jisr "
                              "translation memory",
                              what);
    case MDB_VERSION_MISMATCH:
        return jisr_error_set(JISR_ESCHEMA, file, 0, 0,
                              "%s: written by an incompatible version of LMDB (%s)", what,
                              mdb_strerror(rc));
    case MDB_INCOMPATIBLE:
        return jisr_error_set(JISR_ESCHEMA, dir, 0, 0,
                              "%s: this LMDB environment holds databases of another kind: not a "
                              "jisr translation memory",
                              what);
    case MDB_MAP_FULL:
    case MDB_MAP_RESIZED:
        return jisr_error_set(JISR_EDB, dir, 0, 0, "%s: the memory map is full (%s)", what,
                              mdb_strerror(rc));
    case MDB_READERS_FULL:
        return jisr_error_set(JISR_EDB, dir, 0, 0,
                              "%s: too many readers of this memory at once (%s; the slots of "
                              "dead processes were freed: that many transactions are open)",
                              what, mdb_strerror(rc));
    case MDB_TXN_FULL:
    case MDB_CURSOR_FULL:
    case MDB_DBS_FULL:
    case MDB_KEYEXIST:
        return jisr_error_set(JISR_EDB, dir, 0, 0, "%s: %s", what, mdb_strerror(rc));
    case ENOMEM:
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "%s: out of memory", what);
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
        return jisr_error_set(JISR_EIO, dir, 0, 0, "%s: no space left on device", what);
    case EIO:
    case EFBIG: {
        unsigned long long lim = 0;
        if (over_fsize(file, &lim) || rc == EFBIG)
            return jisr_error_set(JISR_EIO, file, 0, 0,
                                  "%s: file too large (the file size limit, ulimit -f, is %llu "
                                  "bytes)",
                                  what, lim);
        if (disk_full(dir))
            return jisr_error_set(JISR_EIO, dir, 0, 0, "%s: no space left on device", what);
        return jisr_error_set(JISR_EIO, file, 0, 0, "%s: input/output error", what);
    }
    case EACCES:
    case EROFS:
    case EPERM:
        return jisr_error_set(JISR_EREADONLY, dir, 0, 0, "%s: %s", what, strerror(rc));
    case ENOENT:
        return jisr_error_set(JISR_ENOTFOUND, dir, 0, 0, "%s: %s", what, strerror(rc));
    default:
        if (rc > 0)
            return jisr_error_set(JISR_EIO, dir, 0, 0, "%s: %s", what, strerror(rc));
        return jisr_error_set(JISR_EDB, dir, 0, 0, "%s: %s", what, mdb_strerror(rc));
    }
}

/* ---- transactions counted on the handle ------------------------------------------------- */

/* The handles this thread has transactions open on, and how many. */
#define HOLD_SLOTS 8
static _Thread_local struct {
    const jisr_tm *tm;
    unsigned n;
} tl_hold[HOLD_SLOTS];

static unsigned *hold_slot(const jisr_tm *tm, int create)
{
    int free_slot = -1;
    for (int i = 0; i < HOLD_SLOTS; i++) {
        if (tl_hold[i].tm == tm && tl_hold[i].n)
            return &tl_hold[i].n;
        if (free_slot < 0 && tl_hold[i].n == 0)
            free_slot = i;
    }
    if (!create || free_slot < 0)
        return NULL;
    tl_hold[free_slot].tm = tm;
    return &tl_hold[free_slot].n;
}

/* Count a transaction as open; a read transaction (snap) also takes a reference to the handle's
 * directory (snap.c), returned, which unhold releases. */
static tm_snap *hold(jisr_tm *tm, int snap)
{
    pthread_mutex_lock(&tm->mu);
    unsigned *h = hold_slot(tm, 1);
    if (!h || *h == 0)
        while (tm->growing)
            pthread_cond_wait(&tm->cv, &tm->mu);
    tm->active++;
    if (h)
        (*h)++;
    tm_snap *s = snap ? tm_snap_ref_locked(tm) : NULL;
    pthread_mutex_unlock(&tm->mu);
    return s;
}

static void unhold(jisr_tm *tm, tm_snap *s, int used)
{
    pthread_mutex_lock(&tm->mu);
    tm->snap_reads += used != 0;
    unsigned *h = hold_slot(tm, 0);
    if (h && *h)
        (*h)--;
    s = tm_snap_release_locked(tm, s);
    if (s) { /* a retired directory's last reader, without a builder: its transaction ends
              * outside the mutex, this one still counted as open (no map change meanwhile) */
        pthread_mutex_unlock(&tm->mu);
        tm_snap_free(s);
        pthread_mutex_lock(&tm->mu);
    }
    if (--tm->active == 0 && tm->growing)
        pthread_cond_broadcast(&tm->cv);
    pthread_mutex_unlock(&tm->mu);
}

/* ---- LMDB's reader table ---------------------------------------------------------------- */

/* A process that dies inside a read transaction (killed, or a pipe's SIGPIPE) leaves its slot in
 * lock.mdb's reader table, with the snapshot it read: LMDB frees such slots only when it
 * rebuilds the table, which it does when a process opens the environment while no other has it
 * open. A long-lived process (jisr serve) keeps it open, so the slots would stay taken for good:
 * once killed readers hold every slot (126 in a table of LMDB's default size, 510 in one jisr
 * made: store.c) every read fails with MDB_READERS_FULL, and the pages the dead readers'
 * snapshots hold are never reused (each import grows the file). So the table is cleared of dead
 * processes' slots when a handle opens, before every write transaction, on MDB_READERS_FULL
 * (then the read is tried again) and at most every READERS_EVERY_MS at a read's start:
 * mdb_reader_check costs one fcntl(F_GETLK) per other process in the table. */
#define READERS_EVERY_MS 5000

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tm_readers_clear(jisr_tm *tm)
{
    int dead = 0;
    if (!tm || !tm->env || tm->nolock)
        return 0; /* MDB_NOLOCK: no table */
    __atomic_store_n(&tm->readers_at, now_ms(), __ATOMIC_RELAXED);
    int rc = mdb_reader_check(tm->env, &dead);
    if (rc)
        return tm_db_error(tm, rc, "freeing the reader slots of dead processes");
    return dead;
}

/* at a read transaction's start: the table cleared when it was last more than READERS_EVERY_MS
 * ago (by one of the threads that get here at that time) */
static void readers_tick(jisr_tm *tm)
{
    int64_t now = now_ms(), last = __atomic_load_n(&tm->readers_at, __ATOMIC_RELAXED);
    if (now - last < READERS_EVERY_MS || tm->nolock)
        return;
    if (__atomic_compare_exchange_n(&tm->readers_at, &last, now, 0, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED))
        mdb_reader_check(tm->env, NULL); /* a failure here is the next read's to report */
}

/* Where LMDB mapped the file (its API tells only the size): the mapping of /proc/self/maps that
 * holds a value read from the file. Done after opening and after every change of the map size,
 * with no other transaction of the process open. Without /proc the bounds stay unknown and
 * values are not checked. */
void tm_map_locate(jisr_tm *tm)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val k, d;
    tm->map_base = NULL;
    tm->map_len = 0;
    if (mdb_txn_begin(tm->env, NULL, MDB_RDONLY, &txn) != 0)
        return;
    uintptr_t p = 0;
    MDB_dbi main;
    if (mdb_dbi_open(txn, NULL, 0, &main) == 0 && mdb_cursor_open(txn, main, &cur) == 0) {
        if (mdb_cursor_get(cur, &k, &d, MDB_FIRST) == 0)
            p = (uintptr_t)k.mv_data;
        mdb_cursor_close(cur);
    }
    mdb_txn_abort(txn);
    FILE *f = p ? fopen("/proc/self/maps", "r") : NULL;
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        unsigned long a, b;
        if (sscanf(line, "%lx-%lx", &a, &b) == 2 && p >= a && p < b) {
            tm->map_base = (const char *)a;
            tm->map_len = b - a;
            break;
        }
    }
    fclose(f);
}

/* Set the map size (0: adopt the size recorded in the file by another process) once no
 * transaction of the process is open. grow: only when the map is still below size (another
 * thread may have grown it meanwhile). */
static int map_set(jisr_tm *tm, size_t size, int grow)
{
    pthread_mutex_lock(&tm->mu);
    unsigned *h = hold_slot(tm, 0);
    if (h && *h) {
        pthread_mutex_unlock(&tm->mu);
        return jisr_error_set(JISR_EDB, tm->dir, 0, 0,
                              "the memory has grown while this thread has a transaction open on "
                              "it: finish that transaction (an iteration) first");
    }
    tm->growing++;
    while (tm->active)
        pthread_cond_wait(&tm->cv, &tm->mu);
    /* no transaction open, so no reader of the directory either: end it (it points into the map
     * and its transaction is not counted above); the builder makes a new one later */
    tm_snap_drop_locked(tm);
    int rc = 0;
    MDB_envinfo info;
    if (!grow || (mdb_env_info(tm->env, &info) == 0 && info.me_mapsize < size)) {
        rc = mdb_env_set_mapsize(tm->env, size);
        tm->map_gen++;     /* under mu, no transaction open: read safely inside one */
        tm_map_locate(tm); /* mapped anew, maybe elsewhere */
    }
    tm->growing--;
    pthread_cond_broadcast(&tm->cv);
    pthread_mutex_unlock(&tm->mu);
    return rc ? tm_db_error(tm, rc, "changing the size of the memory map") : 0;
}

int tm_grow(jisr_tm *tm)
{
    MDB_envinfo info;
    int rc = mdb_env_info(tm->env, &info);
    if (rc)
        return tm_db_error(tm, rc, "reading the map size");
    size_t size = info.me_mapsize * 2;
    if (size < info.me_mapsize)
        return jisr_error_set(JISR_ETOOBIG, tm->dir, 0, 0, "memory map cannot grow further");
    return map_set(tm, size, 1);
}

int tm_reserve(jisr_tm *tm, uint64_t extra)
{
    MDB_envinfo info;
    MDB_stat st;
    int rc = mdb_env_info(tm->env, &info);
    if (rc || (rc = mdb_env_stat(tm->env, &st)) != 0)
        return tm_db_error(tm, rc, "reading the map size");
    uint64_t need = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize + extra;
    size_t size = info.me_mapsize;
    while (size < need && size * 2 > size)
        size *= 2;
    if (size == info.me_mapsize)
        return 0;
    return map_set(tm, size, 1);
}

/* The bytes of the map that data.mdb holds: [lo, hi). Read at each transaction's start, since
 * the file grows under a reader (pages past the end of the file are never part of a reader's
 * snapshot). */
static void file_window(tm_txn *t)
{
    struct stat st;
    int fd;
    const jisr_tm *tm = t->tm;
    t->lo = t->hi = NULL;
    if (!tm->map_base || mdb_env_get_fd(tm->env, &fd) != 0 || fstat(fd, &st) != 0)
        return;
    size_t n = (uint64_t)st.st_size < tm->map_len ? (size_t)st.st_size : tm->map_len;
    t->lo = tm->map_base;
    t->hi = tm->map_base + n;
    t->mapend = tm->map_base + tm->map_len;
}

int tm_txn_begin(tm_txn *t, jisr_tm *tm, int rw)
{
    memset(t, 0, sizeof *t);
    tm_guard_hit = 0;
    t->tm = tm;
    t->rw = rw;
    if (rw && tm->rdonly)
        return t->rc = jisr_error_set(JISR_EREADONLY, tm->dir, 0, 0, "memory opened read-only");
    if (rw)
        mdb_reader_check(tm->env, NULL); /* dead readers' snapshots pin pages the write could
                                          * reuse (a failure: the next read reports it) */
    else
        readers_tick(tm);
    for (int tries = 0, cleared = 0;; tries++) {
        t->sref = hold(tm, !rw);
        int rc = mdb_txn_begin(tm->env, NULL, rw ? 0 : MDB_RDONLY, &t->txn);
        if (rc == 0)
            break;
        t->txn = NULL;
        unhold(tm, t->sref, 0);
        t->sref = NULL;
        if (rc == MDB_MAP_RESIZED && tries < 8) {
            /* another process grew the map: adopt its size */
            if ((t->rc = map_set(tm, 0, 0)) < 0)
                return t->rc;
            continue;
        }
        if (rc == MDB_READERS_FULL && !cleared++ && tm_readers_clear(tm) > 0)
            continue; /* slots of dead processes freed: once more */
        t->mdb = rc;
        return t->rc = tm_db_error(tm, rc,
                                   rw ? "starting a write transaction"
                                      : "starting a read "
                                        "transaction");
    }
    if (t->sref && mdb_txn_id(t->txn) == t->sref->txnid)
        t->snap = t->sref; /* the directory's state: read through it */
    file_window(t);
    return 0;
}

int tm_txn_fail(tm_txn *t, int mdb_rc, const char *what)
{
    if (t->rc)
        return t->rc;
    t->mdb = mdb_rc;
    return t->rc = tm_db_error(t->tm, mdb_rc, what);
}

int tm_txn_set(tm_txn *t, int rc)
{
    if (!t->rc && rc < 0)
        t->rc = rc;
    return t->rc;
}

int tm_txn_corrupt(tm_txn *t, const char *what)
{
    return tm_txn_fail(t, MDB_CORRUPTED, what);
}

int tm_txn_damaged(tm_txn *t, const char *fmt, ...)
{
    char file[600], msg[512];
    snprintf(file, sizeof file, "%s/data.mdb", t->tm && t->tm->dir ? t->tm->dir : ".");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tm_txn_set(t, jisr_error_set(JISR_EDB, file, 0, 0, "%s", msg));
}

void tm_txn_abort(tm_txn *t)
{
    if (!t->txn)
        return;
    mdb_txn_abort(t->txn);
    t->txn = NULL;
    unhold(t->tm, t->sref, t->snap != NULL);
    t->sref = NULL;
    t->snap = NULL;
}

/* ---- the commit fence ----------------------------------------------------------------------
 * A fatal-signal handler that says what an import committed (jisr import) must see every commit
 * that will have happened when the process is gone, and no more: a commit ends (its meta page
 * written, durable) before its on_commit reports it, and the process may die in between, or the
 * writer thread commit one more batch while another thread's handler writes the message. One
 * word: FENCE_STOP, and the number of commits in progress in this process (their reports
 * included). Lock-free atomics only, so that jisr_tm_commits_stop is async-signal-safe; the
 * handler never waits (it may be running on the committing thread itself, or have interrupted a
 * thread holding a lock the commit needs): a commit in progress calls the handler's function
 * itself once it has ended and been reported. */
#define FENCE_STOP 0x80000000u
static atomic_uint fence_state;
static void (*_Atomic fence_then)(int);
static atomic_int fence_sig;
static _Thread_local unsigned fence_depth;

void tm_commit_fence_enter(void)
{
    if (fence_depth++)
        return;
    unsigned s = atomic_load(&fence_state);
    for (;;) {
        while (s & FENCE_STOP) /* stopped: the process is ending, this commit never happens */
            pause();
        if (atomic_compare_exchange_weak(&fence_state, &s, s + 1))
            return;
    }
}

void tm_commit_fence_leave(void)
{
    if (--fence_depth)
        return;
    unsigned s = atomic_fetch_sub(&fence_state, 1) - 1;
    if (s == FENCE_STOP) { /* stopped while this one committed, and it was the last */
        void (*then)(int) = atomic_exchange(&fence_then, NULL);
        if (then)
            then(atomic_load(&fence_sig));
    }
}

int jisr_tm_commits_stop(int sig, void (*then)(int sig))
{
    atomic_store(&fence_sig, sig);
    atomic_store(&fence_then, then);
    unsigned old = atomic_fetch_or(&fence_state, FENCE_STOP);
    if (old & ~FENCE_STOP)
        return 0; /* the last commit to end calls then */
    atomic_store(&fence_then, NULL);
    return 1;
}

int tm_txn_commit(tm_txn *t)
{
    if (!t->txn)
        return t->rc;
    if (t->rc) {
        tm_txn_abort(t);
        return t->rc;
    }
    int rc, rw = t->rw;
    if (rw)
        tm_commit_fence_enter();
    GUARDED(rc, mdb_txn_commit(t->txn)); /* frees the transaction even when it fails… */
    if (rw)
        tm_commit_fence_leave();
    if (rc == MDB_CORRUPTED && tm_guard_hit)
        mdb_txn_abort(t->txn); /* …unless an assertion stopped it half way */
    t->txn = NULL;
    unhold(t->tm, t->sref, t->snap != NULL);
    t->sref = NULL;
    t->snap = NULL;
    if (rc)
        tm_txn_fail(t, rc, "committing to disk");
    return t->rc;
}

/* ---- operations ------------------------------------------------------------------------- */

/* the usual case of tm_val_check, inline: a value inside the file */
static inline int val_in_file(const tm_txn *t, const MDB_val *v)
{
    const char *p = v->mv_data;
    return p >= t->lo && p <= t->hi && v->mv_size <= (size_t)(t->hi - p);
}

int tm_val_check(tm_txn *t, const MDB_val *v, const char *what)
{
    const char *p = v->mv_data;
    if (!t->lo)
        return 1;
    if (p >= t->lo && p <= t->hi && v->mv_size <= (size_t)(t->hi - p))
        return 1;
    if (t->rw) {
        /* a write transaction reads its own new pages from the heap, outside the map, and the
         * pages it spilled to the file, which may lie past the end the file had at its start */
        if (p >= t->mapend || p + v->mv_size <= t->lo)
            return 1;
        file_window(t);
        if (p >= t->lo && p <= t->hi && v->mv_size <= (size_t)(t->hi - p))
            return 1;
    }
    tm_txn_corrupt(t, what);
    return 0;
}

int tm_get(tm_txn *t, MDB_dbi dbi, const MDB_val *k, MDB_val *v, const char *what)
{
    if (t->rc)
        return 0;
    MDB_val kk = *k;
    int rc = 1;
    const tm_dirdb *d;
    if (t->snap && (d = tm_snap_db(t, dbi)) != NULL)
        rc = tm_snap_get(t, d, k, v);
    if (rc == 1)
        GUARDED(rc, mdb_get(t->txn, dbi, &kk, v));
    if (rc == 0)
        return val_in_file(t, v) || tm_val_check(t, v, what);
    if (rc != MDB_NOTFOUND)
        tm_txn_fail(t, rc, what);
    return 0;
}

int tm_put(tm_txn *t, MDB_dbi dbi, const MDB_val *k, MDB_val *v, unsigned flags, const char *what)
{
    if (t->rc)
        return t->rc;
    MDB_val kk = *k;
    int rc;
    GUARDED(rc, mdb_put(t->txn, dbi, &kk, v, flags));
    return rc ? tm_txn_fail(t, rc, what) : 0;
}

int tm_del(tm_txn *t, MDB_dbi dbi, const MDB_val *k, const char *what)
{
    if (t->rc)
        return 0;
    MDB_val kk = *k;
    int rc;
    GUARDED(rc, mdb_del(t->txn, dbi, &kk, NULL));
    if (rc == 0)
        return 1;
    if (rc != MDB_NOTFOUND)
        tm_txn_fail(t, rc, what);
    return 0;
}

int tm_drop(tm_txn *t, MDB_dbi dbi, int del, const char *what)
{
    if (t->rc)
        return t->rc;
    int rc;
    GUARDED(rc, mdb_drop(t->txn, dbi, del));
    return rc ? tm_txn_fail(t, rc, what) : 0;
}

int tm_dbi_stat(tm_txn *t, MDB_dbi dbi, MDB_stat *st, const char *what)
{
    if (t->rc)
        return t->rc;
    int rc = mdb_stat(t->txn, dbi, st);
    return rc ? tm_txn_fail(t, rc, what) : 0;
}

int tm_cur_open(tm_cur *c, tm_txn *t, MDB_dbi dbi)
{
    c->t = t;
    c->c = NULL;
    c->d = t->snap ? tm_snap_db(t, dbi) : NULL;
    c->st = TM_CS_FRESH;
    if (t->rc)
        return t->rc;
    int rc = mdb_cursor_open(t->txn, dbi, &c->c);
    if (rc) {
        c->c = NULL;
        return tm_txn_fail(t, rc, "opening a cursor");
    }
    return 0;
}

int tm_cur_get(tm_cur *c, MDB_val *k, MDB_val *v, MDB_cursor_op op, const char *what)
{
    if (c->t->rc || !c->c)
        return 0;
    int rc;
    if (c->d)
        rc = tm_cur_op(c, k, v, op);
    else
        GUARDED(rc, mdb_cursor_get(c->c, k, v, op));
    if (rc == 0)
        return (val_in_file(c->t, k) || tm_val_check(c->t, k, what)) &&
               (val_in_file(c->t, v) || tm_val_check(c->t, v, what));
    if (rc != MDB_NOTFOUND)
        tm_txn_fail(c->t, rc, what);
    return 0;
}

int tm_cur_put(tm_cur *c, const MDB_val *k, MDB_val *v, unsigned flags, const char *what)
{
    if (c->t->rc)
        return c->t->rc;
    MDB_val kk = *k;
    int rc;
    GUARDED(rc, mdb_cursor_put(c->c, &kk, v, flags));
    return rc ? tm_txn_fail(c->t, rc, what) : 0;
}

void tm_cur_close(tm_cur *c)
{
    if (c->c)
        mdb_cursor_close(c->c);
    c->c = NULL;
}

/* ---- the memory's metadata -------------------------------------------------------------- */

int tm_meta_get_u64(tm_txn *t, const char *key, uint64_t *v)
{
    MDB_val k = {strlen(key), (void *)key}, d;
    *v = 0;
    if (!tm_get(t, t->tm->meta, &k, &d, "reading the memory's metadata"))
        return t->rc;
    if (d.mv_size != 8)
        return tm_txn_set(t, jisr_error_set(JISR_EDB, t->tm->dir, 0, 0,
                                            "the memory's metadata '%s' is damaged", key));
    *v = jisr_be_get(d.mv_data, 8);
    return 0;
}

int tm_meta_put_u64(tm_txn *t, const char *key, uint64_t v)
{
    unsigned char b[8];
    jisr_be_put(b, v, 8);
    MDB_val k = {strlen(key), (void *)key}, d = {8, b};
    return tm_put(t, t->tm->meta, &k, &d, 0, "writing the memory's metadata");
}

int tm_meta_get_str(tm_txn *t, const char *key, char *out, size_t outsz)
{
    MDB_val k = {strlen(key), (void *)key}, d;
    out[0] = '\0';
    if (!tm_get(t, t->tm->meta, &k, &d, "reading the memory's metadata"))
        return t->rc;
    size_t n = d.mv_size < outsz - 1 ? d.mv_size : outsz - 1;
    memcpy(out, d.mv_data, n);
    out[n] = '\0';
    return 1;
}

int tm_meta_put_str(tm_txn *t, const char *key, const char *s)
{
    MDB_val k = {strlen(key), (void *)key}, d = {strlen(s), (void *)s};
    return tm_put(t, t->tm->meta, &k, &d, 0, "writing the memory's metadata");
}

int tm_meta_lang_add(tm_txn *t, const char *lang, size_t n, int64_t delta)
{
    char key[5 + TM_LANG_MAX + 1];
    size_t i;
    memcpy(key, "lang:", 5);
    for (i = 0; i < n && i < TM_LANG_MAX; i++) {
        char c = lang[i];
        key[5 + i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (c == '_' ? '-' : c);
    }
    key[5 + i] = '\0';
    uint64_t v;
    if (tm_meta_get_u64(t, key, &v) < 0)
        return t->rc;
    v = (delta < 0 && (uint64_t)-delta > v) ? 0 : v + (uint64_t)delta;
    if (v == 0) {
        MDB_val k = {strlen(key), key};
        tm_del(t, t->tm->meta, &k, "writing the memory's metadata");
        return t->rc;
    }
    return tm_meta_put_u64(t, key, v);
}
