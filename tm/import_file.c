/*
 * import_file.c — importing a file, standard input or a buffer: any jisr_reader. The input is
 * parsed once, by a thread of its own ("jisr-read"), which encodes every unit in a compact
 * binary form (the spill) and runs ahead of the rest; the preparing thread ("jisr-prep",
 * import_prep.c) decodes the units and prepares them, and the writer (import_queue.c) commits
 * them; the caller waits. The parse reaching the end of the input without error is the
 * validation of a strict import: no batch is committed before it (the gate), so a bad file
 * changes nothing, while the memory held stays bounded (TM_GATE_QUEUE_BATCHES prepared batches).
 * Parsing the file twice (a check-only pass beside the storing one, as before) cost ~4 µs of CPU
 * per unit more than writing and reading back its spill.
 *
 * The spill goes in chunks of whole units (SPILL_CHUNK bytes or a little more), handed over in
 * memory while the parse is less than spill_mem bytes ahead, else written to an unlinked
 * temporary file in $TMPDIR (or /tmp) and read back from there: an input of any size imports in
 * bounded memory, and the usual case makes no system call (writing and reading the spill through
 * an ext4 file cost ~5 % of the import's CPU). The file is created only when a chunk first has
 * to go there, so an import that fits in memory needs no writable temporary directory.
 *
 * What a memory cannot hold without cutting it (tm_unit_check) is checked on the parsing thread,
 * as the reader's own errors are: it fails a strict import and is reported and skipped with
 * JISR_TM_IMPORT_SKIP_BAD.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tm/import_int.h"
#include "util/plural.h"

#define SPILL_CHUNK (1u << 20)
#define SPILL_MEM (256u << 20)
#define SPILL_SPARE 8 /* emptied in-memory chunks kept for reuse */

typedef struct sp_chunk {
    struct sp_chunk *next;
    jisr_buf b;    /* the records, when in memory (b.data != NULL) */
    uint64_t foff; /* else: where they are in the file */
    size_t flen;
} sp_chunk;

/* The spill: the parsing thread appends chunks, the preparing thread takes them in order. */
typedef struct spill {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int fd; /* the temporary file, once a chunk had to go there (-1 before) */
    jisr_reader *r;
    const char *name; /* the input, for messages */
    const jisr_tm_file_opts *fo;
    sp_chunk *head, *tail; /* chunks not taken yet, in file order */
    sp_chunk *spare;       /* emptied chunks (their buffers kept) */
    size_t nspare;
    uint64_t mem;   /* bytes of the chunks in memory not yet emptied */
    uint64_t fsize; /* bytes written to the file */
    int done;       /* the parse has ended: rc tells how */
    int rc;         /* 0 end of file; <0 error (err) */
    jisr_error err;
    int stop;      /* the import is abandoned: stop parsing */
    sp_chunk *cur; /* being filled by the parse */
    uint64_t bad;  /* units the memory cannot hold, skipped (parsing thread; read after join) */
} spill;

/* The spill record of a unit: u32 length of the rest; a header of varints (variants, tags and
 * props+notes in all, so the reader sizes its arrays once); then tuid, srclang, the unit's meta,
 * line and column, and per variant lang, text, its tags and its meta. A string is a varint of
 * its length + 1 (0 for NULL) and its bytes with their NUL; a meta starts with a bit mask of the
 * fields present, so the usual unit without attributes costs two bytes per meta. Written with one
 * reservation per unit: the parse is the critical path of a strict import. The string and meta
 * codec is metacode.c's, shared with the unit records. */

/* Append the spill record of u to b. */
static int sp_unit(jisr_buf *b, const jisr_unit *u)
{
    size_t ntags = 0, nprops = u->meta.nprops + u->meta.nnotes;
    for (size_t i = 0; i < u->nvariants; i++) {
        ntags += u->variants[i].ntags;
        nprops += u->variants[i].meta.nprops + u->variants[i].meta.nnotes;
    }
    size_t n = tm_varint_size(u->nvariants) + tm_varint_size(ntags) + tm_varint_size(nprops) +
               tm_mstr_size(u->tuid) + tm_mstr_size(u->srclang) + tm_meta_size(&u->meta) +
               tm_varint_size(u->line) + tm_varint_size(u->col);
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        n += tm_mstr_size(v->lang) + tm_mstr_size(v->text) + tm_varint_size(v->ntags) +
             tm_meta_size(&v->meta);
        for (size_t t = 0; t < v->ntags; t++)
            n += tm_mstr_size(v->tags[t]);
    }
    if (n > UINT32_MAX)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "a unit of %zu bytes", n);
    int rc = jisr_buf_reserve(b, 4 + n);
    if (rc < 0)
        return rc;
    unsigned char *p = (unsigned char *)b->data + b->len, *start = p;
    uint32_t len = (uint32_t)n;
    memcpy(p, &len, 4);
    p += 4;
    p = tm_varint_put(p, u->nvariants);
    p = tm_varint_put(p, ntags);
    p = tm_varint_put(p, nprops);
    p = tm_mstr_put(p, u->tuid);
    p = tm_mstr_put(p, u->srclang);
    p = tm_meta_put(p, &u->meta);
    p = tm_varint_put(p, u->line);
    p = tm_varint_put(p, u->col);
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        p = tm_mstr_put(p, v->lang);
        p = tm_mstr_put(p, v->text);
        p = tm_varint_put(p, v->ntags);
        for (size_t t = 0; t < v->ntags; t++)
            p = tm_mstr_put(p, v->tags[t]);
        p = tm_meta_put(p, &v->meta);
    }
    b->len += (size_t)(p - start);
    b->data[b->len] = '\0';
    return 0;
}

/* A unit read back: its strings point into the spill buffer, its arrays into pools sized from
 * the record's header, so nothing moves while it is decoded. */
typedef struct sp_view {
    jisr_unit u;
    jisr_variant *vars;
    char **strs;
    jisr_prop *props;
    size_t cvars, cstrs, cprops;
} sp_view;

/* Decode the unit of the record p[0..len) (its length prefix excluded) into w. */
static int sp_decode(sp_view *w, const unsigned char *p, size_t len)
{
    tm_mcur c = {p, p + len, 0};
    size_t nvar = tm_mcur_varint(&c), ntags = tm_mcur_varint(&c), nprops = tm_mcur_varint(&c);
    int rc;
    if (c.bad || nvar > len || ntags > len || nprops > len)
        goto bad;
    if ((rc = JISR_GROW(w->vars, w->cvars, nvar + 1)) < 0 ||
        (rc = JISR_GROW(w->strs, w->cstrs, ntags + 1)) < 0 ||
        (rc = JISR_GROW(w->props, w->cprops, nprops + 1)) < 0)
        return rc;
    jisr_unit *u = &w->u;
    jisr_prop *pp = w->props;
    size_t pleft = nprops, tleft = ntags;
    char **tp = w->strs;
    memset(u, 0, sizeof *u);
    u->tuid = tm_mcur_str(&c);
    u->srclang = tm_mcur_str(&c);
    tm_meta_read(&c, &u->meta, &pp, &pleft);
    u->line = (unsigned long)tm_mcur_varint(&c);
    u->col = (unsigned long)tm_mcur_varint(&c);
    u->nvariants = nvar;
    u->variants = w->vars;
    for (size_t i = 0; i < nvar && !c.bad; i++) {
        jisr_variant *v = &w->vars[i];
        memset(v, 0, sizeof *v);
        v->lang = tm_mcur_str(&c);
        v->text = tm_mcur_str(&c);
        v->ntags = tm_mcur_varint(&c);
        if (v->ntags > tleft)
            goto bad;
        v->tags = tp;
        for (size_t t = 0; t < v->ntags; t++)
            v->tags[t] = tm_mcur_str(&c);
        tp += v->ntags;
        tleft -= v->ntags;
        tm_meta_read(&c, &v->meta, &pp, &pleft);
    }
    if (!c.bad && c.p == c.end)
        return 0;
bad: /* our own spill: only a bug or a failing disk gets here */
    return jisr_error_set(JISR_EIO, NULL, 0, 0, "the import's temporary spill is damaged");
}

/* A chunk to fill (parsing thread): an emptied one, or a new one. */
static sp_chunk *sp_take(spill *s)
{
    pthread_mutex_lock(&s->mu);
    sp_chunk *c = s->spare;
    if (c) {
        s->spare = c->next;
        s->nspare--;
    }
    pthread_mutex_unlock(&s->mu);
    if (!c && !(c = calloc(1, sizeof *c)))
        return NULL;
    c->next = NULL;
    jisr_buf_reset(&c->b);
    if (jisr_buf_reserve(&c->b, SPILL_CHUNK + (64u << 10)) < 0) {
        jisr_buf_free(&c->b);
        free(c);
        return NULL;
    }
    return c;
}

/* Give an emptied chunk back (preparing thread); in_mem: it held bytes counted in s->mem. */
static void sp_give(spill *s, sp_chunk *c, int in_mem)
{
    pthread_mutex_lock(&s->mu);
    if (in_mem)
        s->mem -= c->b.len;
    if (c->b.data && s->nspare < SPILL_SPARE) {
        c->next = s->spare;
        s->spare = c;
        s->nspare++;
        c = NULL;
    }
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (c) {
        jisr_buf_free(&c->b);
        free(c);
    }
}

static void sp_free_list(sp_chunk *c)
{
    while (c) {
        sp_chunk *n = c->next;
        jisr_buf_free(&c->b);
        free(c);
        c = n;
    }
}

/* The spill's temporary file, unlinked at once so that nothing is left behind however the
 * import ends. */
static int spill_file(spill *s)
{
    const char *tmpdir = getenv("TMPDIR");
    jisr_buf tp = {0};
    if (jisr_buf_printf(&tp, "%s/jisr-import-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp") < 0)
        return JISR_ENOMEM;
    int fd = mkstemp(tp.data);
    if (fd < 0) {
        int e = errno;
        jisr_error_set(JISR_EIO, s->name, 0, 0,
                       "the parse is more than %zu MiB ahead of the storing, and the temporary "
                       "file for the rest cannot be created in %s: %s (set TMPDIR)",
                       (s->fo->spill_mem ? s->fo->spill_mem : SPILL_MEM) >> 20,
                       tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(e));
        jisr_buf_free(&tp);
        return JISR_EIO;
    }
    unlink(tp.data);
    jisr_buf_free(&tp);
    s->fd = fd;
    return 0;
}

/* Hand the chunk being filled to the reader: in memory while the parse is less than SPILL_MEM
 * ahead, else through the file. */
static int sp_flush(spill *s)
{
    int rc;
    sp_chunk *c = s->cur;
    if (!c || !c->b.len)
        return 0;
    pthread_mutex_lock(&s->mu);
    int in_mem = s->mem + c->b.len <= (s->fo->spill_mem ? s->fo->spill_mem : SPILL_MEM);
    if (in_mem)
        s->mem += c->b.len;
    pthread_mutex_unlock(&s->mu);
    if (!in_mem && s->fd < 0 && (rc = spill_file(s)) < 0)
        return rc;
    if (!in_mem) {
        const char *p = c->b.data;
        size_t n = c->b.len;
        c->foff = s->fsize;
        c->flen = n;
        while (n) {
            ssize_t w = write(s->fd, p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return jisr_error_set(
                    JISR_EIO, NULL, 0, 0, "cannot write the import's temporary file: %s",
                    w < 0 && errno != ENOSPC ? strerror(errno) : "no space left on device");
            p += w;
            n -= (size_t)w;
        }
        s->fsize += c->flen;
        jisr_buf_free(&c->b); /* the chunk now stands for its bytes in the file */
    }
    s->cur = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->tail)
        s->tail->next = c;
    else
        s->head = c;
    s->tail = c;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

static void *parse_main(void *arg)
{
    spill *s = arg;
    jisr_unit u;
    uint64_t n = 0;
    int rc;
    pthread_setname_np(pthread_self(), "jisr-read");
    jisr_unit_init(&u);
    int skip_bad = (s->fo->flags & JISR_TM_IMPORT_SKIP_BAD) != 0;
    while ((rc = jisr_reader_next(s->r, &u)) == 1) {
        if ((rc = tm_unit_check(&u, s->name)) < 0) {
            if (!skip_bad)
                break;
            s->bad++;
            if (s->fo->on_bad)
                s->fo->on_bad(s->fo->ctx, jisr_error_last());
            continue;
        }
        if (!s->cur && !(s->cur = sp_take(s))) {
            rc = jisr_oom(SPILL_CHUNK);
            break;
        }
        if ((rc = sp_unit(&s->cur->b, &u)) < 0)
            break;
        if (s->fo->on_progress && ++n % 4096 == 0)
            s->fo->on_progress(s->fo->ctx, n);
        if (s->cur->b.len >= SPILL_CHUNK) {
            if ((rc = sp_flush(s)) < 0)
                break;
            if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
                break;
        }
    }
    if (rc >= 0)
        rc = sp_flush(s);
    jisr_unit_clear(&u);
    pthread_mutex_lock(&s->mu);
    s->rc = rc < 0 ? rc : 0;
    if (rc < 0)
        s->err = *jisr_error_last();
    s->done = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* The gate of a strict import: open (1) once the whole file has been parsed without error. */
static int spill_gate(void *ctx, int wait)
{
    spill *s = ctx;
    pthread_mutex_lock(&s->mu);
    while (wait && !s->done)
        pthread_cond_wait(&s->cv, &s->mu);
    int done = s->done, rc = s->rc;
    jisr_error err = s->err;
    pthread_mutex_unlock(&s->mu);
    if (!done)
        return 0;
    if (rc < 0) /* the parser's error, re-recorded on this thread */
        return jisr_error_set(err.code, err.file, err.line, err.col, "%s", err.msg);
    return 1;
}

/* Read the units back from the spill into imp, in file order; 0 at the end of the file, or the
 * first error (the parser's, the importer's or a read error). */
static int spill_drain(spill *s, jisr_tm_import *imp)
{
    jisr_buf in = {0}; /* a chunk read back from the file */
    sp_view w;
    memset(&w, 0, sizeof w);
    int rc = 0;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->head && !s->done)
            pthread_cond_wait(&s->cv, &s->mu);
        sp_chunk *c = s->head;
        if (c && !(s->head = c->next))
            s->tail = NULL;
        pthread_mutex_unlock(&s->mu);
        if (!c) { /* everything read: how did the parse end? */
            int g = spill_gate(s, 1);
            rc = g < 0 ? g : 0;
            break;
        }
        int in_mem = c->b.data != NULL;
        const char *d = c->b.data;
        size_t n = c->b.len;
        if (!in_mem) {
            jisr_buf_reset(&in);
            size_t got = 0;
            if ((rc = jisr_buf_reserve(&in, c->flen)) == 0)
                while (got < c->flen) {
                    ssize_t r = pread(s->fd, in.data + got, c->flen - got, (off_t)(c->foff + got));
                    if (r < 0 && errno == EINTR)
                        continue;
                    if (r <= 0) {
                        rc = jisr_error_set(JISR_EIO, NULL, 0, 0,
                                            "cannot read the import's temporary file: %s",
                                            r < 0 ? strerror(errno) : "short file");
                        break;
                    }
                    got += (size_t)r;
                }
            d = in.data;
            n = got;
        }
        for (size_t at = 0; rc >= 0 && at < n;) { /* a chunk holds whole records */
            uint32_t len;
            if (n - at < 4 || (memcpy(&len, d + at, 4), n - at - 4 < len)) {
                rc = jisr_error_set(JISR_EIO, NULL, 0, 0, "the import's temporary file is damaged");
                break;
            }
            if ((rc = sp_decode(&w, (const unsigned char *)d + at + 4, len)) < 0 ||
                (rc = jisr_tm_import_add(imp, &w.u)) < 0)
                break;
            at += 4 + (size_t)len;
        }
        sp_give(s, c, in_mem);
        if (rc < 0)
            break;
    }
    jisr_buf_free(&in);
    free(w.vars);
    free(w.strs);
    free(w.props);
    return rc;
}

/* The preparing thread of a file import ("jisr-prep"): reads the spill back into the import. */
typedef struct drain_arg {
    spill *s;
    jisr_tm_import *imp;
    int rc;
    jisr_error err;
} drain_arg;

static void *drain_main(void *arg)
{
    drain_arg *d = arg;
    pthread_setname_np(pthread_self(), "jisr-prep");
    if (d->imp->gate)
        tm_yield_to_parse();
    d->rc = spill_drain(d->s, d->imp);
    if (d->rc == 0)
        d->rc = jisr_tm_import_commit(d->imp);
    if (d->rc < 0)
        d->err = *jisr_error_last();
    return NULL;
}

/* The units a reader of ours skipped (JISR_TM_IMPORT_SKIP_BAD): counted, then reported to the
 * caller's on_bad. Called on the parsing thread, the reader's. */
typedef struct bad_count {
    const jisr_tm_file_opts *fo;
    uint64_t n;
} bad_count;

static void count_bad(void *ctx, const jisr_error *err)
{
    bad_count *b = ctx;
    b->n++;
    if (b->fo && b->fo->on_bad)
        b->fo->on_bad(b->fo->ctx, err);
}

/* The units skipped for fewer than two non-empty variants, each named to the caller's
 * on_warning as a note (code 0), then one counting those beyond the first TM_LOCATE_MAX: on the
 * calling thread, the preparing thread having ended. */
static void locate_skipped(const jisr_tm_import *imp, const char *name, const jisr_tm_file_opts *fo)
{
    jisr_error w;
    memset(&w, 0, sizeof w);
    snprintf(w.file, sizeof w.file, "%s", name ? name : "");
    for (size_t k = 0; k + 1 < imp->nskip_at; k += 2) {
        w.line = imp->skip_at[k];
        w.col = imp->skip_at[k + 1];
        snprintf(w.msg, sizeof w.msg,
                 "a unit with fewer than two non-empty variants (nothing to translate from or "
                 "to): skipped");
        fo->read.on_warning(fo->read.warning_ctx, &w);
    }
    if (imp->skip_more) {
        w.line = w.col = 0;
        snprintf(w.msg, sizeof w.msg,
                 "%llu more %s with fewer than two non-empty variants skipped (only the first "
                 "%d are named)",
                 (unsigned long long)imp->skip_more, jisr_plural(imp->skip_more, "unit", "units"),
                 TM_LOCATE_MAX);
        fo->read.on_warning(fo->read.warning_ctx, &w);
    }
}

/* The import of one reader: the parse on a thread of its own, the preparing on another (so
 * that its priority can yield to the parse without lowering the caller's), the writer on a
 * third; the caller waits. size: the input's size when known (0 not), to reserve map room.
 * rbad: the count of the units our reader skipped (NULL: the caller's reader, whose skips we
 * do not see). */
static int import_run(jisr_tm *tm, jisr_reader *r, const char *name, uint64_t size,
                      const jisr_tm_file_opts *fo, jisr_tm_import_stats *st, const bad_count *rbad)
{
    jisr_tm_file_opts def = JISR_TM_FILE_OPTS_INIT;
    if (!fo)
        fo = &def;
    jisr_tm_import *imp = NULL;
    spill sp;
    int rc = 0, started = 0;
    memset(&sp, 0, sizeof sp);
    sp.fd = -1;
    sp.r = r;
    sp.name = name;
    sp.fo = fo;
    pthread_mutex_init(&sp.mu, NULL);
    pthread_cond_init(&sp.cv, NULL);
    if (st)
        memset(st, 0, sizeof *st);
    if (tm->rdonly) {
        rc = jisr_error_set(JISR_EREADONLY, tm->dir, 0, 0, "memory opened read-only");
        goto done;
    }
    /* a memory takes ~1.5 × its TMX (docs/matching.md §7) */
    if (size && (rc = tm_reserve(tm, 2 * size + (16u << 20))) < 0)
        goto done;
    if ((rc = jisr_tm_import_begin(tm, &fo->import, &imp)) < 0)
        goto done;
    imp->checked = 1; /* by the parse */
    imp->locate = fo && (fo->flags & JISR_TM_IMPORT_LOCATE_SKIPPED) && fo->read.on_warning;
    if (!(fo->flags & JISR_TM_IMPORT_SKIP_BAD)) {
        imp->gate = spill_gate;
        imp->gate_ctx = &sp;
        imp->gate_open = 0;
    }
    if (pthread_create(&sp.th, NULL, parse_main, &sp) != 0) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the reading thread");
        goto done;
    }
    started = 1;
    drain_arg da = {&sp, imp, 0, {0}};
    pthread_t dt;
    if (pthread_create(&dt, NULL, drain_main, &da) != 0) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "cannot start the preparing thread");
        goto done;
    }
    pthread_join(dt, NULL);
    rc = da.rc;
    if (rc < 0) /* its error, re-recorded on this thread */
        jisr_error_set(da.err.code, da.err.file, da.err.line, da.err.col, "%s", da.err.msg);
    if (rc >= 0 && imp->locate)
        locate_skipped(imp, name, fo);
done:
    if (st && imp)
        *st = imp->st;
    /* Abandon what was not committed, then stop the parse (the writer must not take a parse
     * that stopped early for the file's verdict: it sees the drop first). */
    if (imp && rc < 0)
        tm_import_drop(imp);
    if (started) {
        __atomic_store_n(&sp.stop, 1, __ATOMIC_RELEASE);
        /* failed: what was committed, once the writer has stopped (imp->st is as of the last
         * batch queued, and a batch committing at the drop is still stored) */
        tm_import_end_stats(imp, 0, st && rc < 0 ? st : NULL);
        imp = NULL;
        pthread_join(sp.th, NULL);
    }
    jisr_tm_import_end(imp, 0);
    if (sp.fd >= 0)
        close(sp.fd);
    sp_free_list(sp.head);
    sp_free_list(sp.spare);
    sp_free_list(sp.cur);
    pthread_mutex_destroy(&sp.mu);
    pthread_cond_destroy(&sp.cv);
    /* the bad units skipped count as skipped (the parse has ended: joined above) */
    if (st)
        st->skipped += sp.bad + (rbad ? rbad->n : 0);
    return rc;
}

/* The reader options of an import: the caller's, with the importer's flags; a skipped unit
 * is counted in bc, then reported to the caller. */
static jisr_read_opts read_opts(const jisr_tm_file_opts *fo, bad_count *bc)
{
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    bc->fo = fo;
    bc->n = 0;
    if (!fo)
        return ro;
    ro = fo->read;
    if (fo->flags & JISR_TM_IMPORT_SKIP_BAD) {
        ro.flags |= JISR_READ_SKIP_BAD;
        ro.on_bad = count_bad;
        ro.ctx = bc;
    } else {
        ro.flags &= ~(unsigned)JISR_READ_SKIP_BAD;
    }
    return ro;
}

/* The input's format must be one of jisr_format's (a number outside it is a caller's error, not
 * an input the readers reject for another reason). */
static int check_format(const jisr_tm_file_opts *fo, const char *name)
{
    if (!fo)
        return 0;
    int f = (int)fo->read.format;
    if (f < (int)JISR_FMT_AUTO || f > (int)JISR_FMT_XLIFF)
        return jisr_error_set(JISR_EINVAL, name, 0, 0,
                              "unknown input format %d (jisr_tm_file_opts.read.format: a "
                              "JISR_FMT_* value)",
                              f);
    return 0;
}

int jisr_tm_import_file(jisr_tm *tm, const char *path, const jisr_tm_file_opts *fo,
                        jisr_tm_import_stats *st)
{
    bad_count bc;
    jisr_read_opts ro = read_opts(fo, &bc);
    jisr_reader *r = NULL;
    if (st)
        memset(st, 0, sizeof *st);
    if (!tm)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_import_file: tm is NULL");
    if (!path)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_import_file: path is NULL");
    int is_stdin = strcmp(path, "-") == 0;
    int rc = check_format(fo, path);
    if (rc < 0)
        return rc;
    rc = jisr_reader_open(&r, path, &ro);
    if (rc < 0)
        return rc;
    struct stat sb;
    uint64_t size = 0;
    if ((is_stdin ? fstat(STDIN_FILENO, &sb) : stat(path, &sb)) == 0 && S_ISREG(sb.st_mode))
        size = (uint64_t)sb.st_size;
    rc = import_run(tm, r, is_stdin ? "<stdin>" : path, size, fo, st, &bc);
    jisr_reader_close(r);
    return rc;
}

int jisr_tm_import_buffer(jisr_tm *tm, const char *name, const void *data, size_t n,
                          const jisr_tm_file_opts *fo, jisr_tm_import_stats *st)
{
    bad_count bc;
    jisr_read_opts ro = read_opts(fo, &bc);
    jisr_reader *r = NULL;
    if (st)
        memset(st, 0, sizeof *st);
    if (!tm)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_import_buffer: tm is NULL");
    if (!data && n)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_tm_import_buffer: data is NULL (with n = %zu)", n);
    if (!name)
        name = "<buffer>";
    int rc = check_format(fo, name);
    if (rc < 0)
        return rc;
    rc = jisr_reader_open_memory(&r, name, data ? data : "", n, &ro);
    if (rc < 0)
        return rc;
    rc = import_run(tm, r, name, n, fo, st, &bc);
    jisr_reader_close(r);
    return rc;
}

int jisr_tm_import_reader(jisr_tm *tm, jisr_reader *r, const char *name,
                          const jisr_tm_file_opts *fo, jisr_tm_import_stats *st)
{
    if (st)
        memset(st, 0, sizeof *st);
    if (!tm)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_import_reader: tm is NULL");
    if (!r)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_import_reader: r is NULL");
    return import_run(tm, r, name ? name : "<input>", 0, fo, st, NULL);
}
