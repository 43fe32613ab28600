/*
 * match.c — fuzzy queries: the query context and the entry points.
 *
 * A query tokenizes the text, collects its candidates from the index (cand.c) or from every unit
 * (JISR_TM_EXHAUSTIVE), scores them exactly (score.c) into a top list, and renders the list's
 * units (diff.c), all in one read transaction: one committed state of the memory.
 *
 * Threads. Everything a query changes lives in its context (jisr_tm_ctx): the per-id counters of
 * the candidate search (a byte per id of the memory, 4 for a query of more than 63 heavy tokens,
 * kept zero between queries) and its marks (a bit per id), the index path's scratch arrays,
 * tokens, rows, the top list. A thread keeps a context of its own; the plain jisr_tm_query borrows
 * one from a small pool on the handle (a mutex around the list), so that its counters are allocated
 * once, not per query (a million-unit memory needs 1 to 4 MB of them, whose first touch costs more
 * than a query); a thread takes back the context it gave back last when it is there (tl_last), so
 * that the scratch it left is still in its core's cache.
 *
 * Bounds. A query longer than max_tokens is refused before any work; the distance of one
 * candidate is linear in space and checks the deadline (timeout_ms) every 64 rows, the candidate
 * loops every candidate, and the diff (diff.c) is linear in space beyond 4 million cells, so
 * memory stays proportional to the texts and time to timeout_ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"

/* contexts kept in a handle's pool (more are freed when given back) */
#define POOL_MAX 16

int jisr_tm_ctx_new(jisr_tm *tm, jisr_tm_ctx **out)
{
    if (!out)
        return tm_null_arg("jisr_tm_ctx_new", "out");
    *out = NULL;
    if (!tm)
        return tm_null_arg("jisr_tm_ctx_new", "tm");
    jisr_tm_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return jisr_oom(sizeof *c);
    c->tm = tm;
    *out = c;
    return 0;
}

void jisr_tm_ctx_free(jisr_tm_ctx *c)
{
    if (!c)
        return;
    tm_cur_close(&c->ucur);
    tm_txn_abort(&c->t);
    tm_toks_free(&c->q);
    tm_toks_free(&c->m);
    for (size_t i = 0; c->tc && i < TM_TCACHE; i++)
        tm_toks_free(&c->tc[i]);
    free(c->tc);
    free(c->tctag);
    free(c->trec);
    free(c->trtag);
    tm_toks_free(&c->ct);
    tm_place_free(&c->pl);
    free(c->qtags.t);
    free(c->qtags.idx);
    free(c->qtags.markup);
    free(c->row);
    free(c->qcp);
    free(c->cb);
    free(c->ptab);
    free(c->peq);
    free(c->pv);
    free(c->qj.j2);
    free(c->qj.j3);
    free(c->mj.j2);
    free(c->mj.j3);
    free(c->best);
    for (size_t w = 0; c->ncache && w < TM_NCACHE / 64; w++)
        for (uint64_t b = c->nheld[w]; b; b &= b - 1)
            free(c->ncache[w * 64 + (size_t)__builtin_ctzll(b)].key);
    free(c->ncache);
    for (size_t w = 0; c->kcache && w < TM_KCACHE / 64; w++)
        for (uint64_t b = c->kheld[w]; b; b &= b - 1)
            free(c->kcache[w * 64 + (size_t)__builtin_ctzll(b)].ch);
    free(c->kcache);
    free(c->acc);
    free(c->acc8);
    tm_qidx_free(c->qx);
    free(c->sh.acc); /* short.c's: one block with acc2, csv and live */
    free(c->sh.csl);
    free(c->sh.kept);
    free(c->mark);
    free(c->lcs.tab);
    free(c->lcs.masks);
    free(c->lcs.v);
    free(c->lcs.t);
    free(c->lcs.split);
    free(c);
}

int jisr_tm_since_parse(const char *d, int64_t *t)
{
    if (!d || !t)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_tm_since_parse: %s is NULL",
                              d ? "t" : "d");
    /* the readers' dates: YYYY-MM-DD, YYYYMMDD (the day's first second), TMX's form and ISO
     * 8601's; the day must exist in its month (2023-02-29 is refused, not rolled over) */
    if (jisr_date_parse(d, t) == 0)
        return 0;
    return jisr_error_set(JISR_EPARSE, NULL, 0, 0,
                          "'%s' is not a date: YYYY-MM-DD, YYYYMMDD, YYYYMMDDThhmmssZ or ISO "
                          "8601's YYYY-MM-DDThh:mm:ss with Z or a zone offset (+02:00); the day "
                          "must exist in its month",
                          d);
}

/* The query's tags (opts->tags) in text order, and its changed_since limit. */
static int query_setup(jisr_tm_ctx *c, const jisr_tm_query_opts *o)
{
    c->since = INT64_MIN;
    if (o->changed_since && *o->changed_since &&
        jisr_tm_since_parse(o->changed_since, &c->since) < 0)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "'%s' is not a date: YYYY-MM-DD or YYYYMMDDThhmmssZ",
                              o->changed_since);
    for (size_t i = 0; i < o->nprops; i++)
        if (!o->props[i].type || !o->props[i].value)
            return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                                  "a prop filter needs a type and a value");
    c->has_qtags = o->tags != NULL;
    c->qtags.n = 0;
    if (!c->has_qtags)
        return 0;
    int rc = JISR_GROW(c->qtags.markup, c->qtags.mcap, o->ntags + 1);
    if (rc < 0)
        return rc;
    for (size_t k = 0; k < o->ntags; k++) {
        c->qtags.markup[k].p = o->tags[k] ? o->tags[k] : "";
        c->qtags.markup[k].n = strlen(c->qtags.markup[k].p);
    }
    c->qtags.nmarkup = o->ntags;
    return tm_text_tags(c->text, c->tlen, c->qtags.markup, o->ntags, &c->qtags.t, &c->qtags.cap,
                        &c->qtags.n, &c->qtags.idx, &c->qtags.idxcap);
}

/* The context this thread gave back last (only ever compared with the pool's entries, under the
 * handle's mutex, never followed): a thread takes it back when it is still in the pool, so that
 * its scratch (counters, marks, caches) is still in this core's cache, where the pool's order
 * (last given, first taken) would hand it to whichever thread asks next. */
static _Thread_local const jisr_tm_ctx *tl_last;

jisr_tm_ctx *tm_ctx_take(jisr_tm *tm)
{
    pthread_mutex_lock(&tm->mu);
    jisr_tm_ctx **pp = &tm->pool;
    if (tl_last) {
        while (*pp && *pp != tl_last)
            pp = &(*pp)->next;
        if (!*pp) /* taken by another thread, or freed: the first one */
            pp = &tm->pool;
    }
    jisr_tm_ctx *c = *pp;
    if (c) {
        *pp = c->next;
        tm->npool--;
    }
    pthread_mutex_unlock(&tm->mu);
    if (!c && jisr_tm_ctx_new(tm, &c) < 0)
        return NULL;
    c->next = NULL;
    return c;
}

void tm_ctx_give(jisr_tm_ctx *c)
{
    if (!c)
        return;
    jisr_tm *tm = c->tm;
    pthread_mutex_lock(&tm->mu);
    if (tm->npool < POOL_MAX) {
        c->next = tm->pool;
        tm->pool = c;
        tm->npool++;
        tl_last = c;
        c = NULL;
    }
    pthread_mutex_unlock(&tm->mu);
    jisr_tm_ctx_free(c);
}

void tm_ctx_pool_free(jisr_tm *tm)
{
    while (tm->pool) {
        jisr_tm_ctx *c = tm->pool;
        tm->pool = c->next;
        jisr_tm_ctx_free(c);
    }
    tm->npool = 0;
}

/* The options of a query as the matcher reads them: max_results 0 (a memset struct) is the
 * default, as every other zero field of the struct is. */
const jisr_tm_query_opts *tm_query_opts_of(const jisr_tm_query_opts *opts, jisr_tm_query_opts *tmp)
{
    if (!opts || opts->max_results)
        return opts;
    *tmp = *opts;
    tmp->max_results = JISR_TM_DEFAULT_RESULTS;
    return tmp;
}

int jisr_tm_ctx_query(jisr_tm_ctx *c, const char *text, const jisr_tm_query_opts *opts,
                      jisr_tm_matches *out)
{
    jisr_tm_query_opts tmp;
    if (!out)
        return tm_null_arg("jisr_tm_ctx_query", "out");
    memset(out, 0, sizeof *out);
    if (!c || !text)
        return tm_null_arg("jisr_tm_ctx_query", c ? "text" : "c");
    /* one pass unless it has code placeholders */
    return tm_query_phcodes(c, text, tm_query_opts_of(opts, &tmp), out);
}

int tm_ctx_query_one(jisr_tm_ctx *c, const char *text, const jisr_tm_query_opts *opts,
                     jisr_tm_matches *out)
{
    jisr_tm_query_opts def = JISR_TM_QUERY_OPTS_INIT;
    memset(out, 0, sizeof *out);
    if (!opts)
        opts = &def;
    if (!c || !text)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no query context or no text");
    if (!opts->srclang || !opts->tgtlang)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "source and target languages are needed");
    if (opts->min_score < 0 || opts->min_score > 100)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "minimum score must be 0-100");
    if (opts->max_results > JISR_TM_MAX_RESULTS)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "at most %d matches per query (%zu asked for)", JISR_TM_MAX_RESULTS,
                              opts->max_results);
    if (opts->flags & ~(unsigned)(JISR_TM_EXHAUSTIVE | JISR_TM_NO_DIFF))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "unknown query flags 0x%x (JISR_TM_EXHAUSTIVE, JISR_TM_NO_DIFF)",
                              opts->flags & ~(unsigned)(JISR_TM_EXHAUSTIVE | JISR_TM_NO_DIFF));
    if (opts->nprops && !opts->props)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "%zu prop filters at NULL (jisr_tm_query_opts.props)", opts->nprops);
    if (opts->max_results == 0)
        return 0;
    size_t max_tokens = opts->max_tokens ? opts->max_tokens : JISR_TM_MAX_QUERY_TOKENS;
    c->o = opts;
    c->text = text;
    c->tlen = strlen(text);
    c->late = 0;
    c->deadline = opts->timeout_ms ? jisr_now() + opts->timeout_ms / 1000.0 : 0;
    c->nbest = 0;
    c->scored = 0;
    c->peq_ready = 0;
    int rc = query_setup(c, opts);
    if (rc == 0 && c->has_qtags && c->qtags.nmarkup)
        rc = tm_toks_glue(&c->q, c->qtags.markup, c->qtags.nmarkup);
    if (rc < 0 || (rc = tm_tokenize(text, c->tlen, &c->q)) < 0)
        return rc;
    if (c->q.n > max_tokens)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0,
                              "a query of %zu tokens: at most %zu are matched (max_tokens)", c->q.n,
                              max_tokens);
    if (c->q.n == 0)
        return 0;
    c->qlens = tm_key_lengths(&c->q);
    c->ksplit = c->kcomp = 0; /* set by the index path (cand.c) */
    c->pass_min = 0;
    c->repass = 0;
    c->lcs.usable = 0;
    if ((rc = tm_joins_of(&c->q, ~(uint64_t)0, &c->qj)) < 0)
        return rc;
    if ((rc = JISR_GROW(c->best, c->bestcap, opts->max_results + 1)) < 0)
        return rc;
    if ((rc = tm_txn_begin(&c->t, c->tm, 0)) < 0)
        return rc;
    if (++c->qserial == 0) { /* the serials wrapped around: forget what was kept */
        if (c->tctag)
            memset(c->tctag, 0, TM_TCACHE * sizeof *c->tctag);
        if (c->trtag)
            memset(c->trtag, 0, TM_RCACHE * sizeof *c->trtag);
        c->qserial = 1;
    }
    if ((rc = tm_short_query(c)) < 0) /* c->sh.n = 0 unless the memory's setting is on */
        goto done;
    rc = (opts->flags & JISR_TM_EXHAUSTIVE) ? tm_scan_all(c) : tm_indexed(c);
    if (rc < 0)
        goto done;
    out->candidates = c->scored;
    if (c->nbest) {
        out->v = calloc(c->nbest, sizeof *out->v);
        if (!out->v) {
            rc = jisr_oom(c->nbest * sizeof *out->v);
            goto done;
        }
        for (size_t i = 0; i < c->nbest && !c->late; i++) {
            out->n = i + 1;
            if ((rc = tm_fill_match(c, &c->best[i], &out->v[i])) < 0)
                goto done;
        }
    }
done:
    tm_cur_close(&c->ucur);
    tm_txn_abort(&c->t);
    if (rc >= 0 && c->late)
        rc = jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                            "the query took longer than its limit of %u ms", opts->timeout_ms);
    if (rc < 0)
        jisr_tm_matches_free(out);
    return rc < 0 ? rc : 0;
}

int jisr_tm_query(jisr_tm *tm, const char *text, const jisr_tm_query_opts *opts,
                  jisr_tm_matches *out)
{
    if (!out)
        return tm_null_arg("jisr_tm_query", "out");
    memset(out, 0, sizeof *out);
    if (!tm || !text)
        return tm_null_arg("jisr_tm_query", tm ? "text" : "tm");
    jisr_tm_ctx *c = tm_ctx_take(tm);
    if (!c)
        return JISR_ENOMEM;
    int rc = jisr_tm_ctx_query(c, text, opts, out);
    tm_ctx_give(c);
    return rc;
}

void jisr_tm_matches_free(jisr_tm_matches *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        tm_match_clear(&m->v[i]);
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

void tm_match_clear(jisr_tm_match *x)
{
    free(x->source);
    free(x->target);
    free(x->target_orig);
    free(x->diff);
    free(x->agree);
    for (size_t k = 0; k < x->ntags; k++)
        free(x->tags[k]);
    free(x->tags);
    for (size_t k = 0; k < x->nsource_tags; k++)
        free(x->source_tags[k]);
    free(x->source_tags);
    for (size_t k = 0; k < x->nstored_tags; k++)
        free(x->stored_tags[k]);
    free(x->stored_tags);
    for (size_t k = 0; k < x->nunmapped; k++)
        free(x->unmapped[k]);
    free(x->unmapped);
    free(x->missing);
    memset(x, 0, sizeof *x);
}
