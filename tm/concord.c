/*
 * concord.c — concordance: units whose text in one language contains a phrase's words in order.
 *
 * Words are compared on their keys (normalised, clitic-stripped), so "البيت" finds "وبالبيت" and
 * "house" finds "House"; numbers and format codes are part of the phrase, compared on their
 * normal forms (digits of any system alike, so 5 finds ٥; a code as written); punctuation and tags
 * between them are ignored. Candidates are the postings of the phrase's rarest word over all
 * length buckets, or, for a phrase of numbers alone, those of the units with at least as many
 * numbers (numbers are indexed by count, not value: matching.md §4); each is tokenized and
 * checked. Hits come in id order. It runs in a query context (match.c) like a fuzzy query, for
 * the same reasons.
 */
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* a token of the phrase: a word by its key, a number or code by its normal form */
typedef struct phrase_key {
    uint64_t hk;
    uint32_t kind;
} phrase_key;

static int key_is(const tm_tok *t, const phrase_key *p)
{
    return t->kind == p->kind && t->hk == p->hk;
}

/* first occurrence of the key sequence p[0..np) among the word and number tokens of t */
static int find_phrase(const tm_toks *t, const phrase_key *p, size_t np, size_t *s, size_t *e)
{
    for (size_t i = 0; i < t->n; i++) {
        if (!key_is(&t->v[i], &p[0]))
            continue;
        size_t k = 1, j = i + 1, last = i;
        while (k < np && j < t->n) {
            if (t->v[j].kind == TM_PUNCT || t->v[j].kind == TM_TAG) {
                j++;
                continue;
            }
            if (!key_is(&t->v[j], &p[k]))
                break;
            last = j;
            k++;
            j++;
        }
        if (k == np) {
            *s = t->v[i].start;
            *e = t->v[last].end;
            return 1;
        }
    }
    return 0;
}

int jisr_tm_ctx_concord_timed(jisr_tm_ctx *c, const char *lang, const char *phrase, size_t max,
                              unsigned timeout_ms, jisr_tm_hits *out)
{
    if (!out)
        return tm_null_arg("jisr_tm_ctx_concord", "out");
    memset(out, 0, sizeof *out);
    if (!c || !lang || !phrase)
        return tm_null_arg("jisr_tm_ctx_concord", !c ? "c" : !lang ? "lang" : "phrase");
    if (!max)
        max = 100;
    c->late = 0;
    c->deadline = timeout_ms ? jisr_now() + timeout_ms / 1000.0 : 0;
    tm_toks pt = {0};
    phrase_key *keys = NULL;
    uint32_t *ids = NULL;
    size_t nids = 0, idcap = 0, nch = 0, chcap = 0, cap = 0;
    tm_chunk *ch = NULL;
    tm_cur cur = {.t = NULL};
    tm_txn *t = &c->t;
    int rc = tm_tokenize(phrase, strlen(phrase), &pt);
    if (rc < 0)
        goto done;
    if (pt.n > JISR_TM_MAX_QUERY_TOKENS) {
        rc = jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "a phrase of %zu tokens: at most %d", pt.n,
                            JISR_TM_MAX_QUERY_TOKENS);
        goto done;
    }
    keys = malloc((pt.n + 1) * sizeof *keys);
    if (!keys) {
        rc = jisr_oom((pt.n + 1) * sizeof *keys);
        goto done;
    }
    size_t nk = 0, nnum = 0;
    for (size_t i = 0; i < pt.n; i++)
        if (pt.v[i].kind == TM_WORD || pt.v[i].kind == TM_NUMBER) {
            keys[nk++] = (phrase_key){pt.v[i].hk, pt.v[i].kind};
            nnum += pt.v[i].kind == TM_NUMBER;
        }
    if (nk == 0) {
        rc = jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                            "the phrase has no words or numbers to look for");
        goto done;
    }
    if ((rc = tm_txn_begin(t, c->tm, 0)) < 0 || (rc = tm_cur_open(&cur, t, c->tm->post)) < 0)
        goto done;
    uint64_t lh = tm_lang_hash(lang), best_df = UINT64_MAX;
    /* numbers are indexed by count: a phrase of numbers alone reads the units with as many */
    uint64_t term = nnum ? tm_num_term(nnum - 1) : 0;
    for (size_t i = 0; i < nk; i++) {
        uint64_t df;
        size_t n0 = nch;
        if (keys[i].kind != TM_WORD)
            continue;
        if ((rc = tm_post_chunks(&cur, tm_post_key(lh, keys[i].hk, 0), 255, &ch, &nch, &chcap,
                                 &df)) < 0)
            goto done;
        nch = n0; /* only the counts matter here */
        if (df < best_df) {
            best_df = df;
            term = keys[i].hk;
        }
    }
    uint64_t df;
    nch = 0;
    if ((rc = tm_post_chunks(&cur, tm_post_key(lh, term, 0), 255, &ch, &nch, &chcap, &df)) < 0)
        goto done;
    for (size_t i = 0; i < nch; i++)
        if ((rc = tm_chunk_ids(&ch[i], &ids, &nids, &idcap)) < 0)
            goto done;
    if (nids)
        qsort(ids, nids, sizeof *ids, cmp_u32);
    /* the candidates are every unit holding the phrase's rarest word: for a phrase of common
     * words that never occur together, most of the memory (seconds at a million units), so the
     * clock is read every 64 candidates, as the scorer reads it every 64 rows */
    for (size_t i = 0; i < nids; i++) {
        if ((i & 63) == 63 && tm_late(c)) {
            rc = jisr_error_set(JISR_EINTERRUPTED, NULL, 0, 0,
                                "the concordance search took longer than its limit of %u ms",
                                timeout_ms);
            goto done;
        }
        if (i && ids[i] == ids[i - 1])
            continue;
        unsigned int id = ids[i];
        MDB_val k = {sizeof id, &id}, d;
        if (!tm_get(t, c->tm->units, &k, &d, "reading a unit")) {
            if ((rc = t->rc) < 0)
                goto done;
            continue; /* deleted */
        }
        if ((rc = tm_rec_decode(d.mv_data, d.mv_size, &c->rec)) < 0)
            goto done;
        /* the first variant of the language holding the phrase (a unit may hold en-US and
         * en-GB: "colour" is in the second) */
        int vi = -1, found = 0;
        size_t s = 0, e = 0;
        while (!found && (vi = tm_rec_find_from(&c->rec, lang, vi + 1)) >= 0) {
            if ((rc = tm_tokenize_rvar(&c->rec, &c->rec.var[vi], &c->ct)) < 0)
                goto done;
            found = find_phrase(&c->ct, keys, nk, &s, &e);
        }
        if (!found)
            continue;
        if (out->n == max) {
            out->truncated = 1;
            break;
        }
        if ((rc = JISR_GROW(out->v, cap, out->n + 1)) < 0)
            goto done;
        jisr_tm_hit *h = &out->v[out->n++];
        memset(h, 0, sizeof *h);
        jisr_unit_init(&h->unit);
        h->id = id;
        h->variant = (size_t)vi;
        h->start = s;
        h->end = e;
        if ((rc = tm_rec_to_unit(&c->rec, &h->unit)) < 0)
            goto done;
    }
    rc = 0;
done:
    tm_cur_close(&cur);
    tm_txn_abort(t);
    if (rc < 0)
        jisr_tm_hits_free(out);
    tm_toks_free(&pt);
    free(keys);
    free(ids);
    free(ch);
    return rc;
}

int jisr_tm_ctx_concord(jisr_tm_ctx *c, const char *lang, const char *phrase, size_t max,
                        jisr_tm_hits *out)
{
    return jisr_tm_ctx_concord_timed(c, lang, phrase, max, 0, out);
}

int jisr_tm_concord_timed(jisr_tm *tm, const char *lang, const char *phrase, size_t max,
                          unsigned timeout_ms, jisr_tm_hits *out)
{
    if (!out)
        return tm_null_arg("jisr_tm_concord", "out");
    memset(out, 0, sizeof *out);
    if (!tm || !lang || !phrase)
        return tm_null_arg("jisr_tm_concord", !tm ? "tm" : !lang ? "lang" : "phrase");
    jisr_tm_ctx *c = tm_ctx_take(tm);
    if (!c)
        return JISR_ENOMEM;
    int rc = jisr_tm_ctx_concord_timed(c, lang, phrase, max, timeout_ms, out);
    tm_ctx_give(c);
    return rc;
}

int jisr_tm_concord(jisr_tm *tm, const char *lang, const char *phrase, size_t max,
                    jisr_tm_hits *out)
{
    return jisr_tm_concord_timed(tm, lang, phrase, max, 0, out);
}

void jisr_tm_hits_free(jisr_tm_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        jisr_unit_clear(&h->v[i].unit);
    free(h->v);
    h->v = NULL;
    h->n = 0;
}
