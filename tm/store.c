/*
 * store.c — the LMDB environment of a memory: open/close, the checks made when opening, the
 * schema and the index's versions, and the simple operations (get, iterate, delete, stats,
 * remove an empty memory).
 *
 * One environment per memory directory with four named databases opened once (back-mdb style):
 *   meta   "schema" → u64, "next_id" → u64, "lang:<tag>" → u64 variant count (big-endian values);
 *          "icu", "unicode" → the ICU and Unicode versions and "tokenizer" → u64 TM_TOK_VERSION
 *          the index was built with; "chars" → the character search's setting; "phcodes" → 1
 *          when a unit holds a <ph> with a format code (phcode.c; set by imports, recounted by
 *          the reindex)
 *   units  u32 id (MDB_INTEGERKEY) → packed record (record.c); ids are never reused
 *   dedupe u32 first id of a batch (MDB_INTEGERKEY) → that batch's new units as (u64 hash of the
 *          normalised variants, u32 id) pairs: append-only "runs" that an import loads into an
 *          in-memory index to merge duplicates (schema 2 kept them in a DUPSORT db "exact", whose
 *          random inserts cost ~2 µs each; a writer converts it on open)
 *   post   the inverted index (postings.c)
 *   vocab  every word key under its two signatures (DUPSORT), for near words (vocab.c)
 * Environments are opened with MDB_NOTLS (transactions are not tied to threads: a thread may
 * hold an iterator and a lookup at once, and any number of threads share the handle) and the map
 * size recorded in the file is adopted after open; map growth is txn.c's.
 *
 * Opening checks what would otherwise crash or silently damage: that data.mdb holds every page
 * its meta page names (a truncated file is SIGBUS at the first read of a missing page), that an
 * environment without jisr's databases is not written into (another application's), and whether
 * the index was built with this library's ICU, Unicode and tokenizer versions (a warning once:
 * stale token hashes make the index miss matches until `jisr reindex`). It also frees the reader
 * slots that dead processes left in lock.mdb (txn.c, tm_readers_clear).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include "tm/formtab.h"
#include "tm/tm_int.h"
#include "util/plural.h"

#define DEFAULT_MAPSIZE ((size_t)64 << 20)
#define TM_MAXREADERS 510

static int mkdir_p(const char *dir)
{
    char *p = jisr_strdup(dir);
    if (!p)
        return JISR_ENOMEM;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0775) < 0 && errno != EEXIST) {
                int e = errno;
                free(p);
                return jisr_error_set(e == EACCES || e == EROFS ? JISR_EREADONLY : JISR_EIO, dir, 0,
                                      0, "cannot create the memory directory: %s", strerror(e));
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    return 0;
}

/* ---- the index's versions --------------------------------------------------------------- */

static void icu_versions(char icu[16], char uni[16])
{
    UVersionInfo v;
    u_getVersion(v);
    u_versionToString(v, icu);
    u_getUnicodeVersion(v);
    u_versionToString(v, uni);
}

int tm_index_stamp(tm_txn *t)
{
    char icu[U_MAX_VERSION_STRING_LENGTH + 16], uni[U_MAX_VERSION_STRING_LENGTH + 16];
    icu_versions(icu, uni);
    tm_meta_put_str(t, "icu", icu);
    tm_meta_put_str(t, "unicode", uni);
    return tm_meta_put_u64(t, "tokenizer", TM_TOK_VERSION);
}

int tm_chars_get(tm_txn *t, int *on)
{
    uint64_t v = 0;
    *on = 0;
    if (tm_meta_get_u64(t, "chars", &v) < 0)
        return t->rc;
    if (v > TM_SHORT_CAP)
        return tm_txn_corrupt(t, "reading the memory's character limit");
    *on = v == 1 ? TM_SHORT_LEGACY : (int)v;
    return 0;
}

int jisr_tm_set_chars(jisr_tm *tm, int on)
{
    int asked = on;
    if (!tm)
        return tm_null_arg("jisr_tm_set_chars", "tm");
    if (tm->rdonly)
        return jisr_error_set(JISR_EREADONLY, tm->dir, 0, 0, "memory opened read-only");
    tm_txn t;
    int cur;
    uint64_t next_id;
    MDB_stat ms;
    if (on < 0 || on > TM_SHORT_CAP)
        return jisr_error_set(JISR_EINVAL, tm->dir, 0, 0,
                              "a character limit of %d: it is 2 to %d code points", on,
                              TM_SHORT_CAP);
    if (on == 1)
        on = TM_SHORT_DEFAULT;
    if (tm_txn_begin(&t, tm, 1) < 0 || tm_chars_get(&t, &cur) < 0 ||
        tm_meta_get_u64(&t, "next_id", &next_id) < 0 ||
        tm_dbi_stat(&t, tm->units, &ms, "reading the units") < 0 || cur == on)
        goto done;
    if (cur && asked == 1)
        goto done; /* plain "on" on a memory where it is on: whatever its limit */
    if (ms.ms_entries || next_id > 1) {
        char state[64], want[16];
        if (cur)
            snprintf(state, sizeof state, "on (short texts up to %d code points)", cur);
        else
            snprintf(state, sizeof state, "off");
        snprintf(want, sizeof want, "%d", on);
        tm_txn_set(&t, jisr_error_set(JISR_EUNSUPPORTED, tm->dir, 0, 0,
                                      "the memory's character search is %s and it already holds "
                                      "units: 'jisr reindex --tm %s --chars %s' sets it (it "
                                      "rebuilds the index)",
                                      state, tm->dir, on ? (asked == 1 ? "on" : want) : "off"));
        goto done;
    }
    if (on)
        tm_meta_put_u64(&t, "chars", (uint64_t)on);
    else {
        MDB_val ck = {5, "chars"};
        tm_del(&t, tm->meta, &ck, "writing the memory's metadata");
    }
done:
    return tm_txn_commit(&t);
}

/* Read the versions the index was built with and compare them with ours. */
static int index_versions(tm_txn *t, char *warn, size_t warnsz)
{
    jisr_tm *tm = t->tm;
    char icu[U_MAX_VERSION_STRING_LENGTH + 16], uni[U_MAX_VERSION_STRING_LENGTH + 16];
    icu_versions(icu, uni);
    int has = tm_meta_get_str(t, "icu", tm->idx_icu, sizeof tm->idx_icu);
    if (has >= 0)
        tm_meta_get_str(t, "unicode", tm->idx_unicode, sizeof tm->idx_unicode);
    if (t->rc || tm_meta_get_u64(t, "tokenizer", &tm->idx_tok) < 0)
        return t->rc;
    warn[0] = '\0';
    if (!has) {
        tm->idx_stale = 1;
        snprintf(warn, warnsz,
                 "%s: this memory does not record the ICU, Unicode and tokenizer versions its "
                 "index was built with (it predates them); if jisr's ICU has changed since, "
                 "queries may miss matches: 'jisr reindex --tm %s' rebuilds the index",
                 tm->dir, tm->dir);
    } else if (strcmp(tm->idx_icu, icu) != 0 || strcmp(tm->idx_unicode, uni) != 0 ||
               tm->idx_tok != TM_TOK_VERSION) {
        tm->idx_stale = 1;
        snprintf(warn, warnsz,
                 "%s: the index was built with ICU %s, Unicode %s and tokenizer %llu, this jisr "
                 "has ICU %s, Unicode %s and tokenizer %d: queries may miss matches until "
                 "'jisr reindex --tm %s' rebuilds the index",
                 tm->dir, tm->idx_icu, tm->idx_unicode, (unsigned long long)tm->idx_tok, icu, uni,
                 TM_TOK_VERSION, tm->dir);
    }
    return 0;
}

void tm_index_reload(jisr_tm *tm)
{
    tm_txn t;
    char icu[16] = "", uni[16] = "", ours_icu[U_MAX_VERSION_STRING_LENGTH + 16],
         ours_uni[U_MAX_VERSION_STRING_LENGTH + 16];
    uint64_t tok = 0;
    if (tm_txn_begin(&t, tm, 0) == 0 && tm_meta_get_str(&t, "icu", icu, sizeof icu) >= 0 &&
        tm_meta_get_str(&t, "unicode", uni, sizeof uni) >= 0)
        tm_meta_get_u64(&t, "tokenizer", &tok);
    int rc = t.rc;
    tm_txn_abort(&t);
    if (rc < 0)
        return;
    icu_versions(ours_icu, ours_uni);
    pthread_mutex_lock(&tm->mu);
    memcpy(tm->idx_icu, icu, sizeof icu);
    memcpy(tm->idx_unicode, uni, sizeof uni);
    tm->idx_tok = tok;
    tm->idx_stale =
        strcmp(icu, ours_icu) != 0 || strcmp(uni, ours_uni) != 0 || tok != TM_TOK_VERSION;
    pthread_mutex_unlock(&tm->mu);
}

/* ---- opening ---------------------------------------------------------------------------- */

/* Schema 2 → 3: the DUPSORT db "exact" (hash → ids) becomes one dedupe run keyed 0 (before every
 * id), then is dropped. The index and records are the same in both versions. */
static int migrate_2(tm_txn *t)
{
    MDB_dbi ex;
    tm_cur cur;
    jisr_buf run = {0};
    int rc = mdb_dbi_open(t->txn, "exact", MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, &ex);
    if (rc == MDB_NOTFOUND)
        goto done;
    if (rc)
        return tm_txn_fail(t, rc, "converting the memory to schema 3");
    if (tm_cur_open(&cur, t, ex) < 0)
        return t->rc;
    MDB_val k, d;
    for (int f = tm_cur_get(&cur, &k, &d, MDB_FIRST, "converting the memory to schema 3"); f;
         f = tm_cur_get(&cur, &k, &d, MDB_NEXT, "converting the memory to schema 3"))
        if (k.mv_size == 8 && d.mv_size == 4 &&
            (jisr_buf_append(&run, k.mv_data, 8) < 0 || jisr_buf_append(&run, d.mv_data, 4) < 0)) {
            tm_txn_set(t, JISR_ENOMEM);
            break;
        }
    tm_cur_close(&cur);
    if (run.len && !t->rc) {
        unsigned int zero = 0;
        MDB_val rk = {sizeof zero, &zero}, rv = {run.len, run.data};
        tm_put(t, t->tm->dedupe, &rk, &rv, 0, "converting the memory to schema 3");
    }
    jisr_buf_free(&run);
    tm_drop(t, ex, 1, "converting the memory to schema 3");
done:
    return tm_meta_put_u64(t, "schema", JISR_TM_SCHEMA);
}

/* A writer creates jisr's databases only in an environment that holds nothing else: the names
 * in the main database must all be jisr's. */
static int foreign_env(tm_txn *t)
{
    static const char *const ours[] = {"meta", "units", "post", "dedupe", "exact", "vocab"};
    MDB_dbi main;
    tm_cur cur;
    int rc = mdb_dbi_open(t->txn, NULL, 0, &main);
    if (rc)
        return tm_txn_fail(t, rc, "opening the memory's databases");
    if (tm_cur_open(&cur, t, main) < 0)
        return t->rc;
    MDB_val k, d;
    size_t other = 0;
    for (int f = tm_cur_get(&cur, &k, &d, MDB_FIRST, "opening the memory's databases"); f;
         f = tm_cur_get(&cur, &k, &d, MDB_NEXT, "opening the memory's databases")) {
        int mine = 0;
        for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
            if (k.mv_size == strlen(ours[i]) && memcmp(k.mv_data, ours[i], k.mv_size) == 0)
                mine = 1;
        other += !mine;
    }
    tm_cur_close(&cur);
    if (t->rc)
        return t->rc;
    if (other)
        return tm_txn_set(
            t, jisr_error_set(JISR_ESCHEMA, t->tm->dir, 0, 0,
                              "this directory holds an LMDB environment of another "
                              "application (%zu %s not jisr's): not a jisr "
                              "translation memory, and jisr will not write into it",
                              other, jisr_plural(other, "entry that is", "entries that are")));
    return 0;
}

static int not_a_memory(tm_txn *t)
{
    return tm_txn_set(t, jisr_error_set(JISR_ENOTFOUND, t->tm->dir, 0, 0,
                                        "not a jisr translation memory (an LMDB environment "
                                        "without jisr's databases)"));
}

/* the index's key order (tm_int.h) */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define be64(x) __builtin_bswap64(x)
#define be32(x) __builtin_bswap32(x)
#else
#define be64(x) (x)
#define be32(x) (x)
#endif
int tm_post_cmp(const MDB_val *a, const MDB_val *b)
{
    if (a->mv_size == 12 && b->mv_size == 12) {
        uint64_t u, v;
        uint32_t p, q;
        memcpy(&u, a->mv_data, 8);
        memcpy(&v, b->mv_data, 8);
        if (u != v) { /* the first differing byte decides: compare as big-endian */
            u = be64(u);
            v = be64(v);
            return u < v ? -1 : 1;
        }
        memcpy(&p, (const char *)a->mv_data + 8, 4);
        memcpy(&q, (const char *)b->mv_data + 8, 4);
        p = be32(p);
        q = be32(q);
        return p < q ? -1 : p > q;
    }
    size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
    int r = n ? memcmp(a->mv_data, b->mv_data, n) : 0;
    if (r)
        return r;
    return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

static int open_dbis(jisr_tm *tm, char *warn, size_t warnsz)
{
    tm_txn t;
    int write = !tm->rdonly;
    unsigned c = write ? MDB_CREATE : 0;
    if (tm_txn_begin(&t, tm, write) < 0)
        return t.rc;
    if (write && foreign_env(&t) < 0)
        goto done;
    int rc;
    if ((rc = mdb_dbi_open(t.txn, "meta", c, &tm->meta)) == 0 &&
        (rc = mdb_dbi_open(t.txn, "units", c | MDB_INTEGERKEY, &tm->units)) == 0)
        rc = mdb_dbi_open(t.txn, "post", c, &tm->post);
    if (rc == 0)
        rc = mdb_set_compare(t.txn, tm->post, tm_post_cmp);
    if (rc == MDB_NOTFOUND) {
        not_a_memory(&t);
        goto done;
    }
    if (rc == MDB_INCOMPATIBLE) {
        tm_txn_set(&t, jisr_error_set(JISR_ESCHEMA, tm->dir, 0, 0,
                                      "not a jisr translation memory (an LMDB environment whose "
                                      "databases are of another kind)"));
        goto done;
    }
    if (rc) {
        tm_txn_fail(&t, rc, "opening the memory's databases");
        goto done;
    }
    uint64_t schema;
    if (tm_meta_get_u64(&t, "schema", &schema) < 0)
        goto done;
    if (schema > JISR_TM_SCHEMA) {
        tm_txn_set(&t, jisr_error_set(JISR_ESCHEMA, tm->dir, 0, 0,
                                      "this memory has schema version %llu but this jisr reads "
                                      "up to version %d: use a newer jisr",
                                      (unsigned long long)schema, JISR_TM_SCHEMA));
        goto done;
    }
    if (schema != 0 && schema < 2) {
        tm_txn_set(&t, jisr_error_set(JISR_ESCHEMA, tm->dir, 0, 0,
                                      "this memory has schema version %llu, whose index this jisr "
                                      "(version %d) cannot read: import its TMX again into a new "
                                      "memory",
                                      (unsigned long long)schema, JISR_TM_SCHEMA));
        goto done;
    }
    if (write &&
        (rc = mdb_dbi_open(t.txn, "dedupe", MDB_CREATE | MDB_INTEGERKEY, &tm->dedupe)) != 0) {
        tm_txn_fail(&t, rc, "opening the memory's databases");
        goto done;
    }
    /* the vocabulary: created by writers; a reader of a memory that predates it has none */
    rc = mdb_dbi_open(t.txn, "vocab", c | MDB_DUPSORT, &tm->vocab);
    if (rc == MDB_NOTFOUND && !write) {
        tm->vocab = 0;
    } else if (rc) {
        tm_txn_fail(&t, rc, "opening the memory's databases");
        goto done;
    }
    if (write && schema == 2 && migrate_2(&t) < 0)
        goto done;
    if (schema == 0) {
        /* new, or jisr's databases exist without a schema: only an empty one is a new memory */
        MDB_stat s1, s2, s3;
        if (tm_dbi_stat(&t, tm->meta, &s1, "opening the memory") < 0 ||
            tm_dbi_stat(&t, tm->units, &s2, "opening the memory") < 0 ||
            tm_dbi_stat(&t, tm->post, &s3, "opening the memory") < 0)
            goto done;
        if (!write || s1.ms_entries || s2.ms_entries || s3.ms_entries) {
            not_a_memory(&t);
            goto done;
        }
        if (tm_meta_put_u64(&t, "schema", JISR_TM_SCHEMA) < 0 ||
            tm_meta_put_u64(&t, "next_id", 1) < 0 || tm_index_stamp(&t) < 0)
            goto done;
    }
    index_versions(&t, warn, warnsz);
done:
    return tm_txn_commit(&t);
}

static int env_open(jisr_tm *tm, size_t mapsize, unsigned envflags)
{
    int rc = mdb_env_create(&tm->env);
    if (rc)
        return rc;
    mdb_env_set_maxdbs(tm->env, 8);
    /* the reader table (lock.mdb): a server's threads, its streamed exports and its snapshot
     * builder each hold a slot while they read (LMDB's default, 126, is small for a many-core
     * server; a slot costs 64 bytes). Only a table made anew gets more: LMDB would also grow an
     * existing one (when no other process has it open), and an environment that turns out to be
     * another application's must be left as it is */
    char lock[4096];
    struct stat st;
    snprintf(lock, sizeof lock, "%s/lock.mdb", tm->dir);
    if (stat(lock, &st) < 0 && errno == ENOENT)
        mdb_env_set_maxreaders(tm->env, TM_MAXREADERS);
    mdb_env_set_mapsize(tm->env, mapsize);
    mdb_env_set_assert(tm->env, tm_lmdb_assert);
    rc = mdb_env_open(tm->env, tm->dir, envflags, 0664);
    if (rc) {
        mdb_env_close(tm->env);
        tm->env = NULL;
    }
    return rc;
}

/* The data file must hold every page the newest meta page names: a page past the end of the
 * file is SIGBUS at its first read. */
static int check_size(jisr_tm *tm)
{
    MDB_envinfo info;
    MDB_stat st;
    struct stat sb;
    int fd;
    if (mdb_env_info(tm->env, &info) != 0 || mdb_env_stat(tm->env, &st) != 0 ||
        mdb_env_get_fd(tm->env, &fd) != 0 || fstat(fd, &sb) != 0)
        return 0; /* nothing to compare with: LMDB will tell */
    uint64_t need = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
    if ((uint64_t)sb.st_size < need)
        return jisr_error_set(JISR_EDB, tm->dir, 0, 0,
                              "data.mdb is truncated: it holds %llu bytes, but the memory's pages "
                              "reach %llu; restore it from a copy (or import its last export "
                              "into a new memory)",
                              (unsigned long long)sb.st_size, (unsigned long long)need);
    return 0;
}

/* The directory's lock (tm->dirfd): every handle holds the directory flock()ed shared, so that
 * jisr_tm_remove, which takes it exclusively without waiting, sees a memory open in this process
 * (another open file description) or in another. A handle opened while a removal runs waits for
 * it, then opens what is there (a directory removed meanwhile is made again by a writer). Where
 * the file system has no flock (EINVAL, ENOLCK, EOPNOTSUPP), the handle goes without. */
static int lock_dir(jisr_tm *tm, int create)
{
    for (int tries = 0; tries < 8; tries++) {
        int rc;
        if (create && (rc = mkdir_p(tm->dir)) < 0)
            return rc;
        int fd = open(tm->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return 0; /* no directory: the checks that follow say so */
        int r;
        while ((r = flock(fd, LOCK_SH)) < 0 && errno == EINTR)
            ;
        if (r < 0) {
            close(fd);
            return 0;
        }
        /* the directory we locked must still be the one at dir (a removal may have taken it) */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(tm->dir, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            tm->dirfd = fd;
            return 0;
        }
        close(fd);
        if (!create && stat(tm->dir, &b) < 0)
            return 0;
    }
    return jisr_error_set(JISR_EIO, tm->dir, 0, 0,
                          "the memory directory keeps being replaced while it is opened");
}

/* ---- one handle per memory and process ----------------------------------------------------
 * LMDB allows one environment per memory and process: its locks on lock.mdb are fcntl() locks,
 * which belong to the process, so closing a second environment of the same files drops the
 * first one's locks too. Another process then thinks it is alone, resets the reader table and
 * reuses pages the first handle's readers still need (a false "the memory is damaged" later).
 * So the process keeps a table of the memories it has open, by the directory's device and inode
 * (any path to it, symbolic links included), and a second jisr_tm_open of one is refused. A
 * handle stays in the table until its environment is closed: a handle closed while an iterator
 * or import still uses it is still open. A child of fork() inherits the table but not the locks
 * (nor may it use its parent's environment): the handles of another process are passed over. */
static pthread_mutex_t open_mu = PTHREAD_MUTEX_INITIALIZER;
static jisr_tm *open_list; /* under open_mu, linked by reg_next */

static int tm_register(jisr_tm *tm)
{
    struct stat st;
    if ((tm->dirfd >= 0 ? fstat(tm->dirfd, &st) : stat(tm->dir, &st)) < 0)
        return 0; /* no directory: opening the environment says so */
    char other[512] = "";
    int closing = 0;
    long pid = (long)getpid();
    pthread_mutex_lock(&open_mu);
    jisr_tm *o = open_list;
    while (o && !(o->reg_dev == (uint64_t)st.st_dev && o->reg_ino == (uint64_t)st.st_ino &&
                  o->reg_pid == pid))
        o = o->reg_next;
    if (o) { /* its name and state, read while the table keeps it alive */
        snprintf(other, sizeof other, "%s", o->dir);
        pthread_mutex_lock(&o->mu);
        closing = o->closing;
        pthread_mutex_unlock(&o->mu);
    } else {
        tm->reg_dev = (uint64_t)st.st_dev;
        tm->reg_ino = (uint64_t)st.st_ino;
        tm->reg_pid = pid;
        tm->reg_next = open_list;
        open_list = tm;
        tm->registered = 1;
    }
    pthread_mutex_unlock(&open_mu);
    if (!o)
        return 0;
    if (closing)
        return jisr_error_set(JISR_EINVAL, tm->dir, 0, 0,
                              "the memory is still open in this process (as %s): its handle was "
                              "closed, but an iterator or an import still uses it; end them "
                              "first (jisr_tm_iter_close, jisr_tm_import_end)",
                              other);
    return jisr_error_set(JISR_EINVAL, tm->dir, 0, 0,
                          "the memory is already open in this process (as %s): share that handle "
                          "(any number of threads may use it) instead of opening it again; a "
                          "second handle of one memory would break LMDB's locks",
                          other);
}

static void tm_unregister(jisr_tm *tm)
{
    if (!tm->registered)
        return;
    pthread_mutex_lock(&open_mu);
    for (jisr_tm **p = &open_list; *p; p = &(*p)->reg_next)
        if (*p == tm) {
            *p = tm->reg_next;
            break;
        }
    tm->registered = 0;
    pthread_mutex_unlock(&open_mu);
}

static int tm_open(jisr_tm **out, const char *dir, const jisr_tm_open_opts *opts, int lock)
{
    jisr_tm_open_opts def = JISR_TM_OPEN_OPTS_INIT;
    char warn[1024] = "";
    int rc;
    if (!out)
        return tm_null_arg("jisr_tm_open", "out");
    *out = NULL;
    if (!opts)
        opts = &def;
    if (!dir || !*dir)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_open: dir is %s",
                              dir ? "empty" : "NULL");
    jisr_tm *tm = calloc(1, sizeof *tm);
    if (!tm || !(tm->dir = jisr_strdup(dir))) {
        free(tm);
        return jisr_oom(0);
    }
    tm->dirfd = -1;
    pthread_mutex_init(&tm->mu, NULL);
    pthread_cond_init(&tm->cv, NULL);
    if (!(opts->flags & JISR_TM_NOGUARD))
        tm_fault_guard();
    tm->flags = opts->flags;
    tm->rdonly = !(opts->flags & JISR_TM_WRITE);
    size_t mapsize = opts->initial_mapsize ? opts->initial_mapsize : DEFAULT_MAPSIZE;
    char path[4096];
    struct stat st;
    if (lock && (rc = lock_dir(tm, !tm->rdonly && !(opts->flags & JISR_TM_EXISTING))) < 0)
        goto fail;
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    int exists = stat(path, &st) == 0;
    if (!exists && (tm->rdonly || (opts->flags & JISR_TM_EXISTING))) {
        rc = jisr_error_set(JISR_ENOTFOUND, dir, 0, 0,
                            "no translation memory here (import something first)");
        goto fail;
    }
    if (exists && S_ISREG(st.st_mode) && st.st_size == 0 &&
        (tm->rdonly || (opts->flags & JISR_TM_EXISTING))) {
        rc = jisr_error_set(JISR_EDB, path, 0, 0,
                            "the file is empty (0 bytes): not a translation memory (an import "
                            "makes a new memory of it)");
        goto fail;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        rc = jisr_error_set(JISR_EINVAL, path, 0, 0, "not a regular file");
        goto fail;
    }
    if (!tm->rdonly && (rc = mkdir_p(dir)) < 0)
        goto fail;
    if ((rc = tm_register(tm)) < 0)
        goto fail;
    if (tm->rdonly) {
        rc = env_open(tm, mapsize, MDB_RDONLY | MDB_NOTLS);
        if (rc == EACCES || rc == EROFS) {
            /* the lock file cannot be created or written: read without the lock table. Safe
             * only while nobody writes (docs/matching.md, "Read-only memories"). */
            rc = env_open(tm, mapsize, MDB_RDONLY | MDB_NOTLS | MDB_NOLOCK);
            tm->nolock = rc == 0;
        }
    } else {
        unsigned f = MDB_NOTLS | ((opts->flags & JISR_TM_NOSYNC) ? MDB_NOSYNC : 0);
        rc = env_open(tm, mapsize, f);
    }
    if (rc) {
        rc = tm_db_error(tm, rc, "opening the memory");
        goto fail;
    }
    /* slots of readers that died while another process kept the memory open (txn.c) */
    tm_readers_clear(tm);
    /* adopt the largest map size any writer has used (never smaller than the data) */
    mdb_env_set_mapsize(tm->env, 0);
    if ((rc = check_size(tm)) < 0)
        goto fail;
    tm_map_locate(tm);
    if ((rc = open_dbis(tm, warn, sizeof warn)) < 0)
        goto fail;
    tm_map_locate(tm); /* a new memory had nothing to read before */
    if (warn[0] && opts->on_warning)
        opts->on_warning(opts->ctx, warn);
    if ((opts->flags & JISR_TM_SNAPSHOT) && (rc = tm_snap_start(tm)) < 0)
        goto fail;
    *out = tm;
    return 0;
fail:
    jisr_tm_close(tm);
    return rc;
}

int jisr_tm_open(jisr_tm **out, const char *dir, const jisr_tm_open_opts *opts)
{
    return tm_open(out, dir, opts, 1);
}

static void tm_free(jisr_tm *tm)
{
    tm_ctx_pool_free(tm);
    tm_ftab_close(tm);
    tm_snap_stop(tm);
    if (tm->env) {
        if (!tm->rdonly && (tm->flags & JISR_TM_NOSYNC))
            mdb_env_sync(tm->env, 1);
        mdb_env_close(tm->env);
    }
    tm_unregister(tm); /* after the environment's close: the memory may be opened again */
    if (tm->dirfd >= 0)
        close(tm->dirfd); /* releases the directory's lock */
    pthread_mutex_destroy(&tm->mu);
    pthread_cond_destroy(&tm->cv);
    free(tm->dir);
    free(tm);
}

int tm_null_arg(const char *fn, const char *arg)
{
    return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "%s: %s is NULL", fn, arg);
}

void tm_use(jisr_tm *tm)
{
    pthread_mutex_lock(&tm->mu);
    tm->users++;
    pthread_mutex_unlock(&tm->mu);
}

void tm_unuse(jisr_tm *tm)
{
    pthread_mutex_lock(&tm->mu);
    int last = --tm->users == 0 && tm->closing;
    pthread_mutex_unlock(&tm->mu);
    if (last)
        tm_free(tm);
}

void jisr_tm_close(jisr_tm *tm)
{
    if (!tm)
        return;
    /* an iterator or an import still open uses the handle: the last of them closes it */
    pthread_mutex_lock(&tm->mu);
    int later = tm->users > 0;
    if (later)
        tm->closing = 1;
    pthread_mutex_unlock(&tm->mu);
    if (!later)
        tm_free(tm);
}

int jisr_tm_nolock(const jisr_tm *tm)
{
    return tm ? tm->nolock : 0;
}

int jisr_tm_index_stale(const jisr_tm *tm)
{
    if (!tm)
        return 0;
    pthread_mutex_lock((pthread_mutex_t *)&tm->mu);
    int stale = tm->idx_stale;
    pthread_mutex_unlock((pthread_mutex_t *)&tm->mu);
    return stale;
}

/* ---- get / iterate ---------------------------------------------------------------------- */

/* Unit id into u, in the open transaction t: 0, JISR_ENOTFOUND, or t's error. */
static int get_unit(tm_txn *t, uint64_t id, tm_rec *r, jisr_unit *u)
{
    unsigned int key = (unsigned int)id;
    MDB_val k = {sizeof key, &key}, d;
    if (id == 0 || id > UINT32_MAX || !tm_get(t, t->tm->units, &k, &d, "reading a unit")) {
        if (t->rc)
            return t->rc;
        return jisr_error_set(JISR_ENOTFOUND, NULL, 0, 0, "no unit with id %llu",
                              (unsigned long long)id);
    }
    int rc = tm_rec_decode(d.mv_data, d.mv_size, r);
    if (rc == 0)
        rc = tm_rec_to_unit(r, u);
    return tm_txn_set(t, rc);
}

int jisr_tm_get(jisr_tm *tm, uint64_t id, jisr_unit *u)
{
    tm_txn t;
    if (!tm || !u)
        return tm_null_arg("jisr_tm_get", tm ? "u" : "tm");
    tm_rec *r = malloc(sizeof *r);
    if (!r)
        return jisr_oom(sizeof *r);
    int rc = tm_txn_begin(&t, tm, 0);
    if (rc == 0)
        rc = get_unit(&t, id, r, u);
    tm_txn_abort(&t);
    free(r);
    return rc;
}

struct jisr_tm_iter {
    jisr_tm *tm;
    tm_txn t;
    tm_cur cur;
    int started;
    tm_rec rec;
};

int jisr_tm_iter_open(jisr_tm *tm, jisr_tm_iter **out)
{
    if (!out)
        return tm_null_arg("jisr_tm_iter_open", "out");
    *out = NULL;
    if (!tm)
        return tm_null_arg("jisr_tm_iter_open", "tm");
    jisr_tm_iter *it = calloc(1, sizeof *it);
    if (!it)
        return jisr_oom(sizeof *it);
    it->tm = tm;
    tm_use(tm);
    int rc = tm_txn_begin(&it->t, tm, 0);
    if (rc == 0)
        rc = tm_cur_open(&it->cur, &it->t, tm->units);
    if (rc < 0) {
        jisr_tm_iter_close(it);
        return rc;
    }
    *out = it;
    return 0;
}

int jisr_tm_iter_next(jisr_tm_iter *it, uint64_t *id, jisr_unit *u)
{
    MDB_val k, d;
    if (!it || !u)
        return tm_null_arg("jisr_tm_iter_next", it ? "u" : "it");
    if (it->t.rc)
        return it->t.rc;
    int f = tm_cur_get(&it->cur, &k, &d, it->started ? MDB_NEXT : MDB_FIRST, "reading the units");
    it->started = 1;
    if (!f)
        return it->t.rc;
    unsigned int key;
    if (k.mv_size != sizeof key)
        return tm_txn_corrupt(&it->t, "reading the units");
    memcpy(&key, k.mv_data, sizeof key);
    if (id)
        *id = key;
    int rc = tm_rec_decode(d.mv_data, d.mv_size, &it->rec);
    if (rc < 0)
        return jisr_error_set(rc, NULL, 0, 0, "unit %u: %s", key, jisr_error_last()->msg);
    if ((rc = tm_rec_to_unit(&it->rec, u)) < 0)
        return rc;
    return 1;
}

void jisr_tm_iter_close(jisr_tm_iter *it)
{
    if (!it)
        return;
    tm_cur_close(&it->cur);
    tm_txn_abort(&it->t);
    jisr_tm *tm = it->tm;
    free(it);
    tm_unuse(tm);
}

/* ---- delete ----------------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct delete_if {
    int (*keep)(void *ctx, uint64_t id, jisr_unit *u);
    void *ctx;
    size_t deleted;
    jisr_unit u;
} delete_if;

/* Delete the distinct ids v[0..n) in one write transaction. With p, only the units p->keep
 * still selects, decided in this transaction (an id no longer there is passed over). */
static int delete_txn(jisr_tm *tm, const uint64_t *v, size_t n, tm_rec *r, tm_txn *t, delete_if *p)
{
    if (p)
        p->deleted = 0;
    if (tm_txn_begin(t, tm, 1) < 0)
        return t->rc;
    for (size_t i = 0; i < n && !t->rc; i++) {
        unsigned int key = (unsigned int)v[i];
        MDB_val k = {sizeof key, &key}, d;
        if (v[i] == 0 || v[i] > UINT32_MAX || !tm_get(t, tm->units, &k, &d, "deleting units")) {
            if (!t->rc && p)
                continue;
            if (!t->rc)
                tm_txn_set(t, jisr_error_set(JISR_ENOTFOUND, NULL, 0, 0,
                                             "no unit with id %llu (nothing deleted)",
                                             (unsigned long long)v[i]));
            break;
        }
        if (tm_txn_set(t, tm_rec_decode(d.mv_data, d.mv_size, r)) < 0)
            break;
        if (p) {
            int keep = tm_rec_to_unit(r, &p->u);
            if (keep >= 0)
                keep = p->keep(p->ctx, v[i], &p->u);
            if (tm_txn_set(t, keep < 0 ? keep : 0) < 0)
                break;
            if (!keep)
                continue;
            p->deleted++;
        }
        /* its dedupe entry stays in its run: imports skip ids without a record */
        for (uint32_t x = 0; x < r->nvar && !t->rc; x++)
            tm_meta_lang_add(t, r->var[x].lang.p, r->var[x].lang.n, -1);
        /* postings are left in place: the matcher skips ids without a record (lazy delete) */
        tm_del(t, tm->units, &k, "deleting units");
    }
    return tm_txn_commit(t);
}

static int delete_ids(jisr_tm *tm, const uint64_t *ids, size_t n, delete_if *p)
{
    tm_rec *r = malloc(sizeof *r);
    uint64_t *v = malloc((n + 1) * sizeof *v);
    if (!r || !v) {
        free(r);
        free(v);
        return jisr_oom(sizeof *r);
    }
    /* each id once: `delete 7 7` deletes unit 7 */
    if (n)
        memcpy(v, ids, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_u64);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || v[i] != v[m - 1])
            v[m++] = v[i];
    tm_txn t;
    int rc;
    for (;;) {
        rc = delete_txn(tm, v, m, r, &t, p);
        if (rc < 0 && t.mdb == MDB_MAP_FULL && (rc = tm_grow(tm)) == 0)
            continue;
        break;
    }
    free(r);
    free(v);
    return rc < 0 ? rc : 0;
}

int jisr_tm_delete(jisr_tm *tm, const uint64_t *ids, size_t n)
{
    if (!tm)
        return tm_null_arg("jisr_tm_delete", "tm");
    if (!ids && n)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_delete: ids is NULL (with n = %zu)",
                              n);
    if (n > SIZE_MAX / sizeof *ids - 1)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "jisr_tm_delete: %zu ids", n);
    return delete_ids(tm, ids, n, NULL);
}

int jisr_tm_delete_if(jisr_tm *tm, const uint64_t *ids, size_t n,
                      int (*keep)(void *ctx, uint64_t id, jisr_unit *u), void *ctx, size_t *deleted)
{
    if (deleted)
        *deleted = 0;
    if (!tm || !keep)
        return tm_null_arg("jisr_tm_delete_if", !tm ? "tm" : "keep");
    if (!ids && n)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_tm_delete_if: ids is NULL (with n = %zu)", n);
    if (n > SIZE_MAX / sizeof *ids - 1)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "jisr_tm_delete_if: %zu ids", n);
    delete_if p = {keep, ctx, 0, {0}};
    jisr_unit_init(&p.u);
    int rc = delete_ids(tm, ids, n, &p);
    jisr_unit_clear(&p.u);
    if (rc == 0 && deleted)
        *deleted = p.deleted;
    return rc;
}

/* ---- stats ------------------------------------------------------------------------------ */

static int cmp_lang(const void *a, const void *b)
{
    const jisr_tm_lang_count *x = a, *y = b;
    if (x->units != y->units)
        return x->units < y->units ? 1 : -1;
    return strcmp(x->lang, y->lang);
}

int jisr_tm_stats_get(jisr_tm *tm, jisr_tm_stats *out)
{
    tm_txn t;
    MDB_stat ms;
    MDB_envinfo info;
    if (!out)
        return tm_null_arg("jisr_tm_stats_get", "out");
    memset(out, 0, sizeof *out);
    if (!tm)
        return tm_null_arg("jisr_tm_stats_get", "tm");
    if (tm_txn_begin(&t, tm, 0) < 0)
        return t.rc;
    uint64_t v;
    size_t cap = 0;
    tm_cur cur = {.t = &t};
    if (tm_meta_get_u64(&t, "schema", &v) < 0)
        goto done;
    out->schema = (uint32_t)v;
    if (tm_meta_get_u64(&t, "next_id", &out->next_id) < 0 ||
        tm_dbi_stat(&t, tm->units, &ms, "reading statistics") < 0)
        goto done;
    out->units = ms.ms_entries;
    if (tm_dbi_stat(&t, tm->post, &ms, "reading statistics") < 0)
        goto done;
    out->index_keys = ms.ms_entries;
    if (tm_chars_get(&t, &out->chars) < 0)
        goto done;
    mdb_env_info(tm->env, &info);
    out->map_bytes = info.me_mapsize;
    pthread_mutex_lock(&tm->mu);
    snprintf(out->index_icu, sizeof out->index_icu, "%s", tm->idx_icu);
    snprintf(out->index_unicode, sizeof out->index_unicode, "%s", tm->idx_unicode);
    out->index_tokenizer = (uint32_t)tm->idx_tok;
    out->index_stale = tm->idx_stale;
    pthread_mutex_unlock(&tm->mu);
    if (tm_cur_open(&cur, &t, tm->meta) < 0)
        goto done;
    MDB_val k = {5, "lang:"}, d;
    for (int f = tm_cur_get(&cur, &k, &d, MDB_SET_RANGE, "reading statistics"); f;
         f = tm_cur_get(&cur, &k, &d, MDB_NEXT, "reading statistics")) {
        if (k.mv_size < 5 || memcmp(k.mv_data, "lang:", 5) != 0)
            break;
        if (tm_txn_set(&t, JISR_GROW(out->langs, cap, out->nlangs + 1)) < 0)
            break;
        jisr_tm_lang_count *lc = &out->langs[out->nlangs++];
        size_t n = k.mv_size - 5 < sizeof lc->lang - 1 ? k.mv_size - 5 : sizeof lc->lang - 1;
        memcpy(lc->lang, (char *)k.mv_data + 5, n);
        lc->lang[n] = '\0';
        lc->units = d.mv_size == 8 ? jisr_be_get(d.mv_data, 8) : 0;
    }
    tm_cur_close(&cur);
    if (t.rc)
        goto done;
    if (out->nlangs > 1)
        qsort(out->langs, out->nlangs, sizeof *out->langs, cmp_lang);
    char path[4096];
    struct stat st;
    static const char *files[] = {"data.mdb", "lock.mdb"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", tm->dir, files[i]);
        if (stat(path, &st) == 0) {
            out->disk_bytes += (uint64_t)st.st_blocks * 512;
            if (i == 0)
                out->file_bytes = (uint64_t)st.st_size;
        }
    }
done:
    tm_cur_close(&cur);
    tm_txn_abort(&t);
    if (t.rc)
        jisr_tm_stats_free(out);
    return t.rc;
}

void jisr_tm_stats_free(jisr_tm_stats *st)
{
    if (!st)
        return;
    free(st->langs);
    st->langs = NULL;
    st->nlangs = 0;
}

/* ---- remove an empty memory ------------------------------------------------------------- */

/* Another process holds LMDB's lock file open (its shared lock on the file's first byte, which
 * every process that opens the environment takes: this process's own locks never show): its
 * pid, or 0. Covers a program that opens the memory without the directory's lock. */
static long lock_file_holder(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/lock.mdb", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 1;
    long pid = 0;
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
        pid = fl.l_pid > 0 ? (long)fl.l_pid : -1;
    close(fd); /* no environment of ours is open yet: no lock of ours to lose */
    return pid;
}

static int refuse_open(const char *dir, long pid)
{
    if (pid > 0)
        return jisr_error_set(JISR_EINVAL, dir, 0, 0,
                              "the memory is open in another process (pid %ld): not removed", pid);
    return jisr_error_set(JISR_EINVAL, dir, 0, 0,
                          "the memory is open (by a handle of this process or by another "
                          "process): not removed");
}

int jisr_tm_remove(const char *dir)
{
    if (!dir || !*dir)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_remove: dir is %s",
                              dir ? "empty" : "NULL");
    /* the directory's lock, exclusively and without waiting: any handle open on the memory (in
     * this process or another) holds it shared; handles opened from now on wait for us */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return jisr_error_set(JISR_ENOTFOUND, dir, 0, 0,
                                  "no translation memory here (import something first)");
        return jisr_error_set(e == EACCES ? JISR_EREADONLY : JISR_EIO, dir, 0, 0,
                              "cannot open the memory directory: %s", strerror(e));
    }
    int r;
    while ((r = flock(dfd, LOCK_EX | LOCK_NB)) < 0 && errno == EINTR)
        ;
    if (r < 0 && errno == EWOULDBLOCK) {
        close(dfd);
        return refuse_open(dir, 0);
    }
    /* (no flock on this file system: the lock file's check below still sees other processes) */
    long holder = lock_file_holder(dir);
    if (holder) {
        close(dfd);
        return refuse_open(dir, holder);
    }
    jisr_tm *tm;
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = JISR_TM_WRITE | JISR_TM_EXISTING;
    int rc = tm_open(&tm, dir, &o, 0);
    if (rc < 0) {
        close(dfd);
        return rc;
    }
    tm_txn t;
    MDB_stat ms;
    uint64_t next_id = 0;
    memset(&ms, 0, sizeof ms);
    /* the write lock keeps other writers out while we look and remove */
    if (tm_txn_begin(&t, tm, 1) == 0 && tm_meta_get_u64(&t, "next_id", &next_id) == 0)
        tm_dbi_stat(&t, tm->units, &ms, "reading statistics");
    rc = t.rc;
    if (rc == 0 && (ms.ms_entries || next_id > 1))
        rc = jisr_error_set(JISR_EINVAL, dir, 0, 0,
                            "the memory is not empty (%llu %s stored, ids up to %llu): not "
                            "removed",
                            (unsigned long long)ms.ms_entries,
                            jisr_plural(ms.ms_entries, "unit", "units"),
                            (unsigned long long)(next_id ? next_id - 1 : 0));
    static const char *const files[] = {"data.mdb", "lock.mdb"};
    jisr_buf p = {0};
    for (size_t k = 0; rc == 0 && k < sizeof files / sizeof files[0]; k++) {
        jisr_buf_reset(&p);
        if (jisr_buf_printf(&p, "%s/%s", dir, files[k]) < 0)
            rc = JISR_ENOMEM;
        else if (unlink(p.data) < 0 && errno != ENOENT)
            rc = jisr_error_set(JISR_EIO, dir, 0, 0, "cannot remove %s: %s", files[k],
                                strerror(errno));
    }
    jisr_buf_free(&p);
    tm_txn_abort(&t);
    jisr_tm_close(tm);
    if (rc == 0)
        rmdir(dir); /* only when nothing else is in it */
    close(dfd);     /* releases the directory's lock */
    return rc;
}
