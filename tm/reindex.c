/*
 * reindex.c — rebuild a memory's index in place: every unit is tokenized again with this
 * library's tokenizer (and so its ICU and Unicode data), its record's matching fields (words,
 * weighted length, hash of the normalised text) are recomputed, and the postings and dedupe runs
 * are written anew; the memory then records the versions it was built with.
 *
 * All of it is one write transaction: readers (other processes, other threads) keep seeing the
 * old index until the commit, and a reindex that is killed, or fails, leaves the old index as it
 * was (LMDB's copy-on-write: nothing the transaction wrote is reachable before its meta page
 * is). The price is room for both indexes until the commit (the map is grown for it first) and
 * the dirty pages of the transaction, which LMDB spills to the file when there are many.
 *
 * Units keep their ids, texts, dates and usage counts; units that would now be duplicates are
 * not merged (ids are never taken away). Postings are written in batches of the import's size,
 * each batch's ids sorted under their keys and stored through the postings codec, so that an
 * unchanged tokenizer gives the index an import of the same units gives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/import_int.h"

typedef struct rx_post {
    uint64_t key;
    uint32_t id;
} rx_post;

typedef struct rx {
    jisr_tm *tm;
    tm_txn t;
    tm_toks toks;
    tm_rec rec, rec2;
    jisr_buf enc, scratch, run;
    rx_post *post;
    size_t npost, postcap;
    uint64_t *terms;
    size_t tcap;
    uint32_t *ids;
    size_t idcap;
    uint32_t run_first; /* first id of the batch (its dedupe run's key) */
    jisr_u64set vseen;  /* words already put in the vocabulary */
    size_t in_batch;
    int chars;   /* the character search's setting after the reindex (0 off, else its limit) */
    int phcodes; /* a unit holds a <ph> with a format code (meta "phcodes") */
    tm_formcounts fcount; /* the forms written, by language and length */
} rx;

static int cmp_post(const void *a, const void *b)
{
    const rx_post *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Write the batch's postings (sorted: one chunk per key) and its dedupe run. */
static int flush_batch(rx *x)
{
    tm_txn *t = &x->t;
    if (x->npost)
        qsort(x->post, x->npost, sizeof *x->post, cmp_post);
    tm_cur cur;
    if (tm_cur_open(&cur, t, x->tm->post) < 0)
        return t->rc;
    for (size_t i = 0; i < x->npost && !t->rc;) {
        size_t j = i, n = 0;
        if (tm_txn_set(t, JISR_GROW(x->ids, x->idcap, x->npost)) < 0)
            break;
        for (; j < x->npost && x->post[j].key == x->post[i].key; j++)
            if (n == 0 || x->ids[n - 1] != x->post[j].id) /* two variants of one language */
                x->ids[n++] = x->post[j].id;
        tm_post_append(&cur, x->post[i].key, x->ids, n, &x->scratch);
        i = j;
    }
    tm_cur_close(&cur);
    if (x->run.len && !t->rc) {
        unsigned int rk = x->run_first;
        MDB_val k = {sizeof rk, &rk}, d = {x->run.len, x->run.data};
        tm_put(t, x->tm->dedupe, &k, &d, MDB_APPEND, "writing the dedupe index");
    }
    x->npost = 0;
    x->in_batch = 0;
    jisr_buf_reset(&x->run);
    return t->rc;
}

/* Tokenize unit id (its record data[0..n), decoded in x->rec) again: its new record into
 * x->enc, its postings into the batch, its dedupe entry into the run. */
static int redo_unit(rx *x, uint32_t id, const void *data, size_t n)
{
    const tm_rec *r = &x->rec;
    uint32_t nw[TM_MAX_VARIANTS], w1[TM_MAX_VARIANTS];
    uint64_t nh[TM_MAX_VARIANTS], seen[TM_MAX_VARIANTS];
    char lang[TM_LANG_MAX + 1];
    int rc;
    for (uint32_t i = 0; i < r->nvar; i++) {
        const tm_rvar *v = &r->var[i];
        if ((rc = tm_tokenize_rvar(r, v, &x->toks)) < 0)
            return rc;
        nw[i] = x->toks.nheavy;
        w1[i] = x->toks.w100;
        {
            tm_str tg[64];
            const char *tp[64];
            size_t tl[64];
            int nt = v->ntags <= 64 ? tm_rvar_tags(r, v, tg, 64) : -1;
            if (nt >= 0) {
                for (int k = 0; k < nt; k++) {
                    tp[k] = tg[k].p ? tg[k].p : "";
                    tl[k] = tg[k].n;
                    size_t co, cl;
                    x->phcodes |= tm_ph_code(tp[k], tl[k], &co, &cl);
                }
                if ((rc = tm_ident_hash(v->text.p, v->text.n, tp, tl, (size_t)nt, &nh[i])) < 0)
                    return rc;
            } else { /* many tags: through a decoded unit */
                jisr_unit u;
                jisr_unit_init(&u);
                if ((rc = tm_rec_to_unit(r, &u)) < 0) {
                    jisr_unit_clear(&u);
                    return rc;
                }
                const jisr_variant *uv = &u.variants[i];
                for (size_t k = 0; k < uv->ntags; k++) {
                    size_t co, cl;
                    x->phcodes |=
                        uv->tags[k] && tm_ph_code(uv->tags[k], strlen(uv->tags[k]), &co, &cl);
                }
                rc = tm_ident_hash(uv->text, strlen(uv->text), (const char *const *)uv->tags, NULL,
                                   uv->ntags, &nh[i]);
                jisr_unit_clear(&u);
                if (rc < 0)
                    return rc;
            }
        }
        size_t ln = v->lang.n < TM_LANG_MAX ? v->lang.n : TM_LANG_MAX;
        memcpy(lang, v->lang.p ? v->lang.p : "", ln);
        lang[ln] = '\0';
        uint64_t lh = tm_lang_hash(lang);
        int first = 1;
        for (uint32_t k = 0; k < i; k++)
            if (seen[k] == lh)
                first = 0;
        seen[i] = lh;
        if ((rc = JISR_GROW(x->terms, x->tcap, x->toks.n + 1)) < 0)
            return rc;
        for (size_t k = 0; k < x->toks.n && !x->t.rc; k++) { /* the vocabulary, anew */
            const tm_tok *w = &x->toks.v[k];
            if (w->kind != TM_WORD)
                continue;
            if ((rc = jisr_u64set_add(&x->vseen, lh * 0x9E3779B97F4A7C15ULL ^ w->hk)) < 0)
                return rc;
            if (rc)
                tm_vocab_put(&x->t, lh, w->kp, w->kl);
        }
        if (x->t.rc)
            return x->t.rc;
        size_t nt = tm_index_terms(&x->toks, x->terms);
        if (nt > 1)
            qsort(x->terms, nt, sizeof *x->terms, cmp_u64);
        unsigned bucket = tm_bucket(x->toks.w100);
        if ((rc = JISR_GROW(x->post, x->postcap, x->npost + nt)) < 0)
            return rc;
        for (size_t k = 0; k < nt; k++)
            if (k == 0 || x->terms[k] != x->terms[k - 1])
                x->post[x->npost++] = (rx_post){tm_post_key(lh, x->terms[k], bucket), id};
        if (!x->chars || !first) /* characters: the first variant of a language (short.c) */
            continue;
        uint64_t sk[2 * TM_SHORT_CAP]; /* short texts' characters (when the setting is on) */
        size_t ns = tm_short_keys(&x->toks, lh, sk, (size_t)x->chars);
        if ((rc = JISR_GROW(x->post, x->postcap, x->npost + ns)) < 0)
            return rc;
        for (size_t k = 0; k < ns; k++)
            x->post[x->npost++] = (rx_post){sk[k], id};
        unsigned char fv[TM_SHORT_FORMMAX]; /* and its form (short.c) */
        uint64_t fk;
        size_t fn = tm_short_form_val(&x->toks, lh, &fk, fv, (size_t)x->chars);
        if (fn && tm_short_form_put(&x->t, x->tm->post, fk, id, fv, fn) < 0)
            return x->t.rc;
        if (fn && (rc = tm_formcounts_add(&x->fcount, fk)) < 0)
            return rc;
    }
    jisr_buf_reset(&x->enc);
    if ((rc = tm_rec_retoken(r, data, n, nw, w1, nh, &x->enc)) < 0 ||
        (rc = tm_rec_decode(x->enc.data, x->enc.len, &x->rec2)) < 0)
        return rc;
    uint64_t dk = tm_dedupe_key(&x->rec2), pk[TM_PAIR_KEYS];
    if ((rc = jisr_buf_append(&x->run, &dk, 8)) < 0 || (rc = jisr_buf_append(&x->run, &id, 4)) < 0)
        return rc;
    for (size_t k = 0, npk = tm_dedupe_pairs(&x->rec2, pk); k < npk; k++) /* import_write.c */
        if ((rc = jisr_buf_append(&x->run, &pk[k], 8)) < 0 ||
            (rc = jisr_buf_append(&x->run, &id, 4)) < 0)
            return rc;
    return 0;
}

/* One attempt in one transaction: 0, or the error (t->mdb == MDB_MAP_FULL: grow and retry). The
 * units are read through a read transaction on the same state (begun once the write lock is
 * ours), so that every record read is checked against the file: the write transaction's own
 * copies of the pages it changed live on the heap, where a damaged length cannot be checked. */
static int reindex_txn(rx *x, const jisr_tm_reindex_opts *o)
{
    jisr_tm *tm = x->tm;
    tm_txn *t = &x->t, rt;
    tm_cur cur = {.t = &rt};
    MDB_stat ms;
    uint64_t done = 0, next_id;
    unsigned int last = 0;
    memset(&rt, 0, sizeof rt);
    if (tm_txn_begin(t, tm, 1) < 0 || tm_txn_set(t, tm_txn_begin(&rt, tm, 0)) < 0 ||
        tm_dbi_stat(t, tm->units, &ms, "reading the units") < 0 ||
        tm_txn_set(t, tm_cur_open(&cur, &rt, tm->units)) < 0 ||
        tm_drop(t, tm->post, 0, "emptying the index") < 0 ||
        tm_drop(t, tm->dedupe, 0, "emptying the dedupe index") < 0 ||
        (tm->vocab && tm_drop(t, tm->vocab, 0, "emptying the vocabulary") < 0))
        goto done;
    /* the limit after it: the one asked for, else the memory's own when it was set (meta value
     * 2 … 255), else the default (a memory written before limits, value 1, moves to it) */
    uint64_t was = 0;
    if (tm_meta_get_u64(t, "chars", &was) < 0)
        goto done;
    int lim = o && o->chars_max                ? (int)o->chars_max
              : was > 1 && was <= TM_SHORT_CAP ? (int)was
                                               : TM_SHORT_DEFAULT;
    if (o && o->chars == JISR_TM_CHARS_OFF)
        x->chars = 0;
    else if (o && (o->chars == JISR_TM_CHARS_ON || o->chars_max))
        x->chars = lim;
    else
        x->chars = was ? lim : 0;
    x->npost = 0;
    x->in_batch = 0;
    x->fcount.n = 0; /* (a retry after growing the map counts again) */
    jisr_buf_reset(&x->run);
    jisr_u64set_free(&x->vseen); /* a retry after growing the map starts the vocabulary again */
    MDB_val k, d;
    for (int f = tm_cur_get(&cur, &k, &d, MDB_FIRST, "reading the units"); f && !t->rc;
         f = tm_cur_get(&cur, &k, &d, MDB_NEXT, "reading the units")) {
        unsigned int id;
        if (k.mv_size != sizeof id) {
            tm_txn_corrupt(t, "reading the units");
            break;
        }
        memcpy(&id, k.mv_data, sizeof id);
        last = id; /* MDB_INTEGERKEY: ascending */
        if (tm_txn_set(t, tm_rec_decode(d.mv_data, d.mv_size, &x->rec)) < 0) {
            jisr_error_set(t->rc, tm->dir, 0, 0, "unit %u: %s", id, jisr_error_last()->msg);
            break;
        }
        if (x->in_batch == 0)
            x->run_first = id;
        if (tm_txn_set(t, redo_unit(x, id, d.mv_data, d.mv_size)) < 0)
            break;
        /* the record changes only when the tokens do */
        if (x->enc.len != d.mv_size || memcmp(x->enc.data, d.mv_data, d.mv_size) != 0) {
            MDB_val nk = {sizeof id, &id}, nd = {x->enc.len, x->enc.data};
            if (tm_put(t, tm->units, &nk, &nd, 0, "rewriting a unit") < 0)
                break;
        }
        if (++x->in_batch == TM_DEFAULT_BATCH && flush_batch(x) < 0)
            break;
        if (o && o->on_progress && ++done % 4096 == 0)
            o->on_progress(o->ctx, done, ms.ms_entries);
    }
    tm_txn_set(t, rt.rc); /* the read side's error, if any */
    if (!t->rc && x->in_batch)
        flush_batch(x);
    if (!t->rc)
        tm_index_stamp(t);
    /* meta's next unit id, if damaged, is repaired: above the last unit (ids only grow, so one
     * further up, left by deleted units, stays), and within 32 bits */
    if (!t->rc && tm_meta_get_u64(t, "next_id", &next_id) == 0 &&
        (next_id <= last || next_id > (uint64_t)UINT32_MAX + 1 || next_id == 0))
        tm_meta_put_u64(t, "next_id", (uint64_t)last + 1);
    if (!t->rc && x->phcodes) { /* recounted: absent when no unit holds one */
        tm_meta_put_u64(t, "phcodes", 1);
    } else if (!t->rc) {
        MDB_val pk = {7, "phcodes"};
        tm_del(t, tm->meta, &pk, "writing the memory's metadata");
    }
    if (!t->rc && x->chars) {
        tm_meta_put_u64(t, "chars", (uint64_t)x->chars);
        /* every unit's forms are written (post was emptied): the forms' record at the next id */
        if (!t->rc && tm_meta_get_u64(t, "next_id", &next_id) == 0)
            tm_short_forms_commit(t, tm->post, &x->fcount, 0, next_id ? next_id : 1, 1);
    } else if (!t->rc) { /* off: as in a memory where it was never set */
        MDB_val ck = {5, "chars"};
        tm_del(t, tm->meta, &ck, "writing the memory's metadata");
    }
done:
    tm_cur_close(&cur);
    tm_txn_abort(&rt);
    return tm_txn_commit(t);
}

int jisr_tm_reindex(jisr_tm *tm, const jisr_tm_reindex_opts *o)
{
    if (!tm)
        return tm_null_arg("jisr_tm_reindex", "tm");
    if (tm->rdonly)
        return jisr_error_set(JISR_EREADONLY, tm->dir, 0, 0, "memory opened read-only");
    if (o && o->chars != JISR_TM_CHARS_KEEP && o->chars != JISR_TM_CHARS_ON &&
        o->chars != JISR_TM_CHARS_OFF)
        return jisr_error_set(JISR_EINVAL, tm->dir, 0, 0,
                              "jisr_tm_reindex_opts.chars %d: JISR_TM_CHARS_KEEP, _ON or _OFF",
                              o->chars);
    if (o && (o->chars_max == 1 || o->chars_max > TM_SHORT_CAP))
        return jisr_error_set(JISR_EINVAL, tm->dir, 0, 0,
                              "a character limit of %u: it is 2 to %d code points", o->chars_max,
                              TM_SHORT_CAP);
    rx *x = calloc(1, sizeof *x);
    if (!x)
        return jisr_oom(sizeof *x);
    x->tm = tm;
    x->toks.flags = TM_TOKS_NO_SURFACE;
    /* room for the new index and records beside the old ones until the commit */
    MDB_envinfo info;
    MDB_stat st;
    int rc = 0;
    if (mdb_env_info(tm->env, &info) == 0 && mdb_env_stat(tm->env, &st) == 0)
        rc = tm_reserve(tm, ((uint64_t)info.me_last_pgno + 1) * st.ms_psize + (16u << 20));
    while (rc == 0) {
        rc = reindex_txn(x, o);
        if (rc < 0 && x->t.mdb == MDB_MAP_FULL && (rc = tm_grow(tm)) == 0)
            continue;
        break;
    }
    if (rc == 0)
        tm_index_reload(tm);
    tm_toks_free(&x->toks);
    jisr_buf_free(&x->enc);
    jisr_buf_free(&x->scratch);
    jisr_buf_free(&x->run);
    free(x->post);
    jisr_u64set_free(&x->vseen);
    free(x->terms);
    tm_formcounts_free(&x->fcount);
    free(x->ids);
    free(x);
    return rc;
}
