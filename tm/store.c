/*
 * store.c — the LMDB environment of a memory: open/close, schema check, transactions, map
 * growth, error mapping, and the simple operations (get, iterate, delete, stats).
 *
 * One environment per memory directory with four named databases opened once (back-mdb style):
 *   meta   "schema" → u64, "next_id" → u64, "lang:<tag>" → u64 variant count (big-endian values)
 *   units  u32 id (MDB_INTEGERKEY) → packed record (record.c); ids are never reused
 *   dedupe u32 first id of a batch (MDB_INTEGERKEY) → that batch's new units as (u64 hash of the
 *          normalised variants, u32 id) pairs: append-only "runs" that an import loads into an
 *          in-memory index to merge duplicates (schema 2 kept them in a DUPSORT db "exact", whose
 *          random inserts cost ~2 µs each; a writer converts it on open)
 *   post   8-byte term key (language + term hash, length bucket) + 4-byte first id → a chunk of
 *          delta-coded ids (import.c writes them, match.c reads them)
 * Environments are opened with MDB_NOTLS (a handle may hold an iterator and a lookup at once) and
 * the map size recorded in the file is adopted after open; a writer that hits MDB_MAP_FULL aborts
 * its transaction, doubles the map (no transaction open) and retries; a reader that sees
 * MDB_MAP_RESIZED adopts the new size and retries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tm/tm_int.h"

#define DEFAULT_MAPSIZE ((size_t)64 << 20)

int tm_db_error(int rc, const char *what)
{
    int code;
    switch (rc) {
    case 0:
        return 0;
    case MDB_NOTFOUND:
        code = JISR_ENOTFOUND;
        break;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case MDB_CURSOR_FULL:
    case MDB_READERS_FULL:
    case MDB_DBS_FULL:
        code = JISR_EDB;
        break;
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
        code = JISR_ESCHEMA;
        break;
    case ENOMEM:
        code = JISR_ENOMEM;
        break;
    case EACCES:
    case EROFS:
    case EPERM:
        code = JISR_EREADONLY;
        break;
    case ENOENT:
        code = JISR_ENOTFOUND;
        break;
    default:
        code = rc > 0 ? JISR_EIO : JISR_EDB;
        break;
    }
    return jisr_error_set(code, NULL, 0, 0, "%s: %s", what, mdb_strerror(rc));
}

int tm_txn_read(jisr_tm *tm, MDB_txn **txn)
{
    for (int tries = 0;; tries++) {
        int rc = mdb_txn_begin(tm->env, NULL, MDB_RDONLY, txn);
        if (rc == MDB_MAP_RESIZED && tries < 8) {
            /* a writer grew the map: adopt its size (no transaction of ours is open) */
            if ((rc = mdb_env_set_mapsize(tm->env, 0)) != 0)
                return tm_db_error(rc, "adopting the new map size");
            continue;
        }
        return rc ? tm_db_error(rc, "starting a read transaction") : 0;
    }
}

int tm_txn_write(jisr_tm *tm, MDB_txn **txn)
{
    if (tm->rdonly)
        return jisr_error_set(JISR_EREADONLY, tm->dir, 0, 0, "memory opened read-only");
    for (int tries = 0;; tries++) {
        int rc = mdb_txn_begin(tm->env, NULL, 0, txn);
        if (rc == MDB_MAP_RESIZED && tries < 8) {
            if ((rc = mdb_env_set_mapsize(tm->env, 0)) != 0)
                return tm_db_error(rc, "adopting the new map size");
            continue;
        }
        return rc ? tm_db_error(rc, "starting a write transaction") : 0;
    }
}

int tm_grow(jisr_tm *tm)
{
    MDB_envinfo info;
    int rc = mdb_env_info(tm->env, &info);
    if (rc)
        return tm_db_error(rc, "reading the map size");
    size_t size = info.me_mapsize * 2;
    if (size < info.me_mapsize)
        return jisr_error_set(JISR_ETOOBIG, tm->dir, 0, 0, "memory map cannot grow further");
    rc = mdb_env_set_mapsize(tm->env, size);
    return rc ? tm_db_error(rc, "growing the map") : 0;
}

int tm_reserve(jisr_tm *tm, uint64_t extra)
{
    MDB_envinfo info;
    MDB_stat st;
    int rc = mdb_env_info(tm->env, &info);
    if (rc || (rc = mdb_env_stat(tm->env, &st)) != 0)
        return tm_db_error(rc, "reading the map size");
    uint64_t need = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize + extra;
    size_t size = info.me_mapsize;
    while (size < need && size * 2 > size)
        size *= 2;
    if (size == info.me_mapsize)
        return 0;
    rc = mdb_env_set_mapsize(tm->env, size);
    return rc ? tm_db_error(rc, "growing the map") : 0;
}

int tm_meta_get_u64(MDB_txn *txn, jisr_tm *tm, const char *key, uint64_t *v)
{
    MDB_val k = {strlen(key), (void *)key}, d;
    int rc = mdb_get(txn, tm->meta, &k, &d);
    if (rc == MDB_NOTFOUND) {
        *v = 0;
        return 0;
    }
    if (rc)
        return tm_db_error(rc, "reading the memory's metadata");
    if (d.mv_size != 8)
        return jisr_error_set(JISR_EDB, tm->dir, 0, 0, "corrupt metadata '%s'", key);
    *v = jisr_be_get(d.mv_data, 8);
    return 0;
}

int tm_meta_put_u64(MDB_txn *txn, jisr_tm *tm, const char *key, uint64_t v)
{
    unsigned char b[8];
    jisr_be_put(b, v, 8);
    MDB_val k = {strlen(key), (void *)key}, d = {8, b};
    int rc = mdb_put(txn, tm->meta, &k, &d, 0);
    return rc ? rc : 0; /* raw LMDB code: callers handle MDB_MAP_FULL */
}

int tm_meta_lang_add(MDB_txn *txn, jisr_tm *tm, const char *lang, size_t n, int64_t delta)
{
    char key[64];
    size_t i;
    memcpy(key, "lang:", 5);
    for (i = 0; i < n && i < 40; i++) {
        char c = lang[i];
        key[5 + i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (c == '_' ? '-' : c);
    }
    key[5 + i] = '\0';
    uint64_t v;
    int rc = tm_meta_get_u64(txn, tm, key, &v);
    if (rc < 0)
        return rc;
    v = (delta < 0 && (uint64_t)-delta > v) ? 0 : v + (uint64_t)delta;
    if (v == 0) {
        MDB_val k = {strlen(key), key};
        rc = mdb_del(txn, tm->meta, &k, NULL);
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    return tm_meta_put_u64(txn, tm, key, v);
}

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

/* Schema 2 → 3: the DUPSORT db "exact" (hash → ids) becomes one dedupe run keyed 0 (before every
 * id), then is dropped. The index and records are the same in both versions. */
static int migrate_2(MDB_txn *txn, jisr_tm *tm)
{
    MDB_dbi ex;
    MDB_cursor *cur;
    jisr_buf run = {0};
    int rc = mdb_dbi_open(txn, "exact", MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP, &ex);
    if (rc == MDB_NOTFOUND)
        goto done;
    if (rc || (rc = mdb_cursor_open(txn, ex, &cur)) != 0)
        return rc;
    MDB_val k, d;
    for (rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT))
        if (k.mv_size == 8 && d.mv_size == 4 &&
            (jisr_buf_append(&run, k.mv_data, 8) < 0 || jisr_buf_append(&run, d.mv_data, 4) < 0)) {
            mdb_cursor_close(cur);
            jisr_buf_free(&run);
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND) {
        jisr_buf_free(&run);
        return rc;
    }
    if (run.len) {
        unsigned int zero = 0;
        MDB_val rk = {sizeof zero, &zero}, rv = {run.len, run.data};
        if ((rc = mdb_put(txn, tm->dedupe, &rk, &rv, 0)) != 0) {
            jisr_buf_free(&run);
            return rc;
        }
    }
    jisr_buf_free(&run);
    if ((rc = mdb_drop(txn, ex, 1)) != 0)
        return rc;
done:
    return tm_meta_put_u64(txn, tm, "schema", JISR_TM_SCHEMA);
}

static int open_dbis(jisr_tm *tm)
{
    MDB_txn *txn;
    int rc, write = !tm->rdonly;
    unsigned c = write ? MDB_CREATE : 0;
    rc = write ? tm_txn_write(tm, &txn) : tm_txn_read(tm, &txn);
    if (rc < 0)
        return rc;
    if ((rc = mdb_dbi_open(txn, "meta", c, &tm->meta)) == 0 &&
        (rc = mdb_dbi_open(txn, "units", c | MDB_INTEGERKEY, &tm->units)) == 0)
        rc = mdb_dbi_open(txn, "post", c, &tm->post);
    if (rc == MDB_NOTFOUND) {
        mdb_txn_abort(txn);
        return jisr_error_set(JISR_ENOTFOUND, tm->dir, 0, 0, "not a jisr translation memory");
    }
    if (rc) {
        mdb_txn_abort(txn);
        return tm_db_error(rc, "opening the memory's databases");
    }
    uint64_t schema;
    if ((rc = tm_meta_get_u64(txn, tm, "schema", &schema)) < 0) {
        mdb_txn_abort(txn);
        return rc;
    }
    if (schema > JISR_TM_SCHEMA) {
        mdb_txn_abort(txn);
        return jisr_error_set(JISR_ESCHEMA, tm->dir, 0, 0,
                              "this memory has schema version %llu but this jisr reads up to "
                              "version %d: use a newer jisr",
                              (unsigned long long)schema, JISR_TM_SCHEMA);
    }
    if (schema != 0 && schema < 2) {
        mdb_txn_abort(txn);
        return jisr_error_set(JISR_ESCHEMA, tm->dir, 0, 0,
                              "this memory has schema version %llu, whose index this jisr (version "
                              "%d) cannot read: import its TMX again into a new memory",
                              (unsigned long long)schema, JISR_TM_SCHEMA);
    }
    if (write &&
        (rc = mdb_dbi_open(txn, "dedupe", MDB_CREATE | MDB_INTEGERKEY, &tm->dedupe)) != 0) {
        mdb_txn_abort(txn);
        return tm_db_error(rc, "opening the memory's databases");
    }
    if (write && schema == 2 && (rc = migrate_2(txn, tm)) != 0) {
        mdb_txn_abort(txn);
        return rc < 0 ? rc : tm_db_error(rc, "converting the memory to schema 3");
    }
    if (schema == 0 && write) {
        if ((rc = tm_meta_put_u64(txn, tm, "schema", JISR_TM_SCHEMA)) != 0 ||
            (rc = tm_meta_put_u64(txn, tm, "next_id", 1)) != 0) {
            mdb_txn_abort(txn);
            return tm_db_error(rc, "initialising the memory");
        }
    } else if (schema == 0) {
        mdb_txn_abort(txn);
        return jisr_error_set(JISR_ENOTFOUND, tm->dir, 0, 0, "not a jisr translation memory");
    }
    rc = mdb_txn_commit(txn);
    return rc ? tm_db_error(rc, "opening the memory") : 0;
}

static int env_open(jisr_tm *tm, size_t mapsize, unsigned envflags)
{
    int rc = mdb_env_create(&tm->env);
    if (rc)
        return rc;
    mdb_env_set_maxdbs(tm->env, 8);
    mdb_env_set_mapsize(tm->env, mapsize);
    rc = mdb_env_open(tm->env, tm->dir, envflags, 0664);
    if (rc) {
        mdb_env_close(tm->env);
        tm->env = NULL;
    }
    return rc;
}

int jisr_tm_open(jisr_tm **out, const char *dir, const jisr_tm_open_opts *opts)
{
    jisr_tm_open_opts def = JISR_TM_OPEN_OPTS_INIT;
    int rc;
    *out = NULL;
    if (!opts)
        opts = &def;
    if (!dir || !*dir)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no memory directory given");
    jisr_tm *tm = calloc(1, sizeof *tm);
    if (!tm || !(tm->dir = jisr_strdup(dir))) {
        free(tm);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    tm->flags = opts->flags;
    tm->rdonly = !(opts->flags & JISR_TM_WRITE);
    size_t mapsize = opts->initial_mapsize ? opts->initial_mapsize : DEFAULT_MAPSIZE;
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    if (tm->rdonly) {
        if (stat(path, &st) < 0) {
            rc = jisr_error_set(JISR_ENOTFOUND, dir, 0, 0,
                                "no translation memory here (import something first)");
            goto fail;
        }
        rc = env_open(tm, mapsize, MDB_RDONLY | MDB_NOTLS);
        if (rc == EACCES || rc == EROFS) {
            /* the lock file cannot be created or written: read without the lock table. Safe
             * only while nobody writes (docs/matching.md, "Read-only memories"). */
            rc = env_open(tm, mapsize, MDB_RDONLY | MDB_NOTLS | MDB_NOLOCK);
            tm->nolock = rc == 0;
        }
    } else {
        if ((rc = mkdir_p(dir)) < 0)
            goto fail;
        unsigned f = MDB_NOTLS | ((opts->flags & JISR_TM_NOSYNC) ? MDB_NOSYNC : 0);
        rc = env_open(tm, mapsize, f);
    }
    if (rc) {
        rc = tm_db_error(rc, "opening the memory");
        jisr_error_set(jisr_error_last()->code, dir, 0, 0, "%s", jisr_error_last()->msg);
        goto fail;
    }
    /* adopt the largest map size any writer has used (never smaller than the data) */
    mdb_env_set_mapsize(tm->env, 0);
    if ((rc = open_dbis(tm)) < 0)
        goto fail;
    *out = tm;
    return 0;
fail:
    jisr_tm_close(tm);
    return rc;
}

void jisr_tm_close(jisr_tm *tm)
{
    if (!tm)
        return;
    if (tm->env) {
        if (!tm->rdonly && (tm->flags & JISR_TM_NOSYNC))
            mdb_env_sync(tm->env, 1);
        mdb_env_close(tm->env);
    }
    free(tm->acc);
    free(tm->dir);
    free(tm);
}

int jisr_tm_nolock(const jisr_tm *tm)
{
    return tm ? tm->nolock : 0;
}

/* ---- get / iterate ---------------------------------------------------------------------- */

int jisr_tm_get(jisr_tm *tm, uint64_t id, jisr_unit *u)
{
    MDB_txn *txn;
    tm_rec *r = malloc(sizeof *r);
    if (!r)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    int rc = tm_txn_read(tm, &txn);
    if (rc < 0) {
        free(r);
        return rc;
    }
    unsigned int key = (unsigned int)id;
    MDB_val k = {sizeof key, &key}, d;
    if (id == 0 || id > UINT32_MAX || (rc = mdb_get(txn, tm->units, &k, &d)) == MDB_NOTFOUND)
        rc = jisr_error_set(JISR_ENOTFOUND, NULL, 0, 0, "no unit with id %llu",
                            (unsigned long long)id);
    else if (rc)
        rc = tm_db_error(rc, "reading a unit");
    else if ((rc = tm_rec_decode(d.mv_data, d.mv_size, r)) == 0)
        rc = tm_rec_to_unit(r, u);
    mdb_txn_abort(txn);
    free(r);
    return rc;
}

struct jisr_tm_iter {
    jisr_tm *tm;
    MDB_txn *txn;
    MDB_cursor *cur;
    int started;
    tm_rec rec;
};

int jisr_tm_iter_open(jisr_tm *tm, jisr_tm_iter **out)
{
    jisr_tm_iter *it = calloc(1, sizeof *it);
    if (!it)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    it->tm = tm;
    int rc = tm_txn_read(tm, &it->txn);
    if (rc < 0) {
        free(it);
        return rc;
    }
    if ((rc = mdb_cursor_open(it->txn, tm->units, &it->cur)) != 0) {
        mdb_txn_abort(it->txn);
        free(it);
        return tm_db_error(rc, "opening a cursor");
    }
    *out = it;
    return 0;
}

int jisr_tm_iter_next(jisr_tm_iter *it, uint64_t *id, jisr_unit *u)
{
    MDB_val k, d;
    int rc = mdb_cursor_get(it->cur, &k, &d, it->started ? MDB_NEXT : MDB_FIRST);
    it->started = 1;
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return tm_db_error(rc, "reading the units");
    unsigned int key;
    memcpy(&key, k.mv_data, sizeof key);
    if (id)
        *id = key;
    if ((rc = tm_rec_decode(d.mv_data, d.mv_size, &it->rec)) < 0)
        return rc;
    if ((rc = tm_rec_to_unit(&it->rec, u)) < 0)
        return rc;
    return 1;
}

void jisr_tm_iter_close(jisr_tm_iter *it)
{
    if (!it)
        return;
    mdb_cursor_close(it->cur);
    mdb_txn_abort(it->txn);
    free(it);
}

/* ---- delete ----------------------------------------------------------------------------- */

static int delete_txn(jisr_tm *tm, const uint64_t *ids, size_t n, tm_rec *r)
{
    MDB_txn *txn;
    int rc = tm_txn_write(tm, &txn);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        unsigned int key = (unsigned int)ids[i];
        MDB_val k = {sizeof key, &key}, d;
        if (ids[i] == 0 || ids[i] > UINT32_MAX ||
            (rc = mdb_get(txn, tm->units, &k, &d)) == MDB_NOTFOUND) {
            mdb_txn_abort(txn);
            return jisr_error_set(JISR_ENOTFOUND, NULL, 0, 0,
                                  "no unit with id %llu (nothing deleted)",
                                  (unsigned long long)ids[i]);
        }
        if (rc)
            goto db;
        if ((rc = tm_rec_decode(d.mv_data, d.mv_size, r)) < 0) {
            mdb_txn_abort(txn);
            return rc;
        }
        /* its dedupe entry stays in its run: imports skip ids without a record */
        for (uint32_t v = 0; v < r->nvar; v++)
            if ((rc = tm_meta_lang_add(txn, tm, r->var[v].lang.p, r->var[v].lang.n, -1)) != 0)
                goto db;
        /* postings are left in place: the matcher skips ids without a record (lazy delete) */
        if ((rc = mdb_del(txn, tm->units, &k, NULL)) != 0)
            goto db;
    }
    rc = mdb_txn_commit(txn);
    return rc ? (rc == MDB_MAP_FULL ? 1 : tm_db_error(rc, "committing the deletion")) : 0;
db:
    mdb_txn_abort(txn);
    if (rc == MDB_MAP_FULL)
        return 1;
    return rc < 0 ? rc : tm_db_error(rc, "deleting units");
}

int jisr_tm_delete(jisr_tm *tm, const uint64_t *ids, size_t n)
{
    tm_rec *r = malloc(sizeof *r);
    if (!r)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    int rc;
    while ((rc = delete_txn(tm, ids, n, r)) == 1)
        if ((rc = tm_grow(tm)) < 0)
            break;
    free(r);
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
    MDB_txn *txn;
    MDB_stat ms;
    MDB_envinfo info;
    memset(out, 0, sizeof *out);
    int rc = tm_txn_read(tm, &txn);
    if (rc < 0)
        return rc;
    uint64_t v;
    if ((rc = tm_meta_get_u64(txn, tm, "schema", &v)) < 0)
        goto done;
    out->schema = (uint32_t)v;
    if ((rc = tm_meta_get_u64(txn, tm, "next_id", &out->next_id)) < 0)
        goto done;
    if ((rc = mdb_stat(txn, tm->units, &ms)) != 0)
        goto db;
    out->units = ms.ms_entries;
    if ((rc = mdb_stat(txn, tm->post, &ms)) != 0)
        goto db;
    out->index_keys = ms.ms_entries;
    mdb_env_info(tm->env, &info);
    out->map_bytes = info.me_mapsize;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, tm->meta, &cur)) != 0)
        goto db;
    MDB_val k = {5, "lang:"}, d;
    size_t cap = 0;
    for (rc = mdb_cursor_get(cur, &k, &d, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
        if (k.mv_size < 5 || memcmp(k.mv_data, "lang:", 5) != 0)
            break;
        if (out->nlangs == cap) {
            cap = cap ? cap * 2 : 8;
            jisr_tm_lang_count *nv = realloc(out->langs, cap * sizeof *nv);
            if (!nv) {
                mdb_cursor_close(cur);
                rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                goto done;
            }
            out->langs = nv;
        }
        jisr_tm_lang_count *lc = &out->langs[out->nlangs++];
        size_t n = k.mv_size - 5 < sizeof lc->lang - 1 ? k.mv_size - 5 : sizeof lc->lang - 1;
        memcpy(lc->lang, (char *)k.mv_data + 5, n);
        lc->lang[n] = '\0';
        lc->units = d.mv_size == 8 ? jisr_be_get(d.mv_data, 8) : 0;
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND && rc != 0)
        goto db;
    rc = 0;
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
    goto done;
db:
    rc = tm_db_error(rc, "reading statistics");
done:
    mdb_txn_abort(txn);
    return rc;
}

void jisr_tm_stats_free(jisr_tm_stats *st)
{
    if (!st)
        return;
    free(st->langs);
    st->langs = NULL;
    st->nlangs = 0;
}
