/*
 * import_prep.c — batch preparation (the preparing thread, "jisr-prep", of a file import; the
 * caller's thread for jisr_tm_import_add): each unit's variants are tokenized, hashed and packed
 * into a record, and its posting keys are filed by their top bits, so that the writer receives
 * a batch whose postings are sorted and whose records are ready to append.
 *
 * Every variant is indexed and matched: a unit holding en-US and en-GB is found from either (the
 * character search of short texts, short.c, files the first variant of a language only). The
 * postings of a batch are
 * collected as (term key, index in the batch) pairs in groups by the key's top TM_TM_PBITS bits,
 * each group sorted by key (stably, so units stay in order) when the batch is handed over: the
 * writer then writes one chunk per key and batch (postings.c). The sort runs here rather than on
 * the writer, which was the slowest stage once the file is read.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/text.h"
#include "tm/import_int.h"

/* Count one variant of language l in the table v (of cap entries, *n used); 1 when it does not
 * fit (the caller counts it another way). */
int tm_lang_add(tm_lang_count *v, size_t *n, size_t cap, const char *l, size_t len, int64_t d)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen(v[i].lang) == len && memcmp(v[i].lang, l, len) == 0) {
            v[i].n += d;
            return 0;
        }
    if (*n == cap || len >= sizeof v[0].lang)
        return 1;
    tm_lang_count *c = &v[(*n)++];
    memcpy(c->lang, l, len);
    c->lang[len] = '\0';
    c->n = d;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* insertion sort: a sentence has a few dozen terms, where qsort's overhead dominates */
static void sort_u64(uint64_t *a, size_t n)
{
    if (n > 64) {
        qsort(a, n, sizeof *a, cmp_u64);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint64_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

/* The dedupe key of n variants from their language hashes (tm_lang_hash) and normalised-text
 * hashes: a hash of the sorted pairs, so the order of the variants does not matter. It is a
 * bucket, not the identity: tm_lang_hash is the primary language's (en-US, en-GB and en share
 * one), so units that differ only in a region share a key and tm_same_unit tells them apart. The
 * memory's dedupe runs hold these keys (written by every jisr so far): they stay valid as they
 * are. */
static uint64_t dedupe_key(const uint64_t *lh, const uint64_t *nh, size_t n)
{
    uint64_t pairs[TM_MAX_VARIANTS];
    for (size_t i = 0; i < n; i++)
        pairs[i] = lh[i] * 31 + nh[i];
    sort_u64(pairs, n);
    return tm_hash(pairs, n * sizeof pairs[0], 0x64757065ULL);
}

/* The pair keys of n variants (pk: room for TM_PAIR_KEYS): the dedupe key of each two of them,
 * as a unit of those two alone would have it, sorted and each once; none for fewer than three
 * variants (the unit's own key is its one pair's) or more than TM_PAIR_MAX. */
static size_t dedupe_pairs(const uint64_t *lh, const uint64_t *nh, size_t n, uint64_t *pk)
{
    size_t m = 0;
    if (n < 3 || n > TM_PAIR_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            uint64_t l2[2] = {lh[i], lh[j]}, n2[2] = {nh[i], nh[j]};
            pk[m++] = dedupe_key(l2, n2, 2);
        }
    sort_u64(pk, m);
    size_t u = 1;
    for (size_t k = 1; k < m; k++)
        if (pk[k] != pk[u - 1])
            pk[u++] = pk[k];
    return u;
}

static void rec_hashes(const tm_rec *r, uint64_t *lh, uint64_t *nh)
{
    char lang[64];
    for (uint32_t i = 0; i < r->nvar; i++) {
        size_t n = r->var[i].lang.n < sizeof lang - 1 ? r->var[i].lang.n : sizeof lang - 1;
        memcpy(lang, r->var[i].lang.p ? r->var[i].lang.p : "", n);
        lang[n] = '\0';
        lh[i] = tm_lang_hash(lang);
        nh[i] = r->var[i].nhash;
    }
}

uint64_t tm_dedupe_key(const tm_rec *r)
{
    uint64_t lh[TM_MAX_VARIANTS], nh[TM_MAX_VARIANTS];
    rec_hashes(r, lh, nh);
    return dedupe_key(lh, nh, r->nvar);
}

size_t tm_dedupe_pairs(const tm_rec *r, uint64_t *pk)
{
    uint64_t lh[TM_MAX_VARIANTS], nh[TM_MAX_VARIANTS];
    if (r->nvar < 3 || r->nvar > TM_PAIR_MAX)
        return 0;
    rec_hashes(r, lh, nh);
    return dedupe_pairs(lh, nh, r->nvar, pk);
}

int tm_sub_unit(const tm_rec *a, const tm_rec *b)
{
    if (a->nvar > b->nvar)
        return 0;
    /* each variant of a pairs with one of b of the same text hash and the same whole language
     * tag: a unit has a few variants, so a search beats sorting */
    unsigned char used[TM_MAX_VARIANTS] = {0};
    for (uint32_t i = 0; i < a->nvar; i++) {
        uint32_t j = 0;
        for (; j < b->nvar; j++)
            if (!used[j] && a->var[i].nhash == b->var[j].nhash &&
                tm_lang_same(&a->var[i].lang, &b->var[j].lang))
                break;
        if (j == b->nvar)
            return 0;
        used[j] = 1;
    }
    return 1;
}

int tm_same_unit(const tm_rec *a, const tm_rec *b)
{
    return a->nvar == b->nvar && tm_sub_unit(a, b);
}

/* A date of a unit's or variant's meta: read as the readers read them (TMX's form or ISO 8601's,
 * jisr_date_parse); one that cannot be read is absent (the reader of a file has warned). */
static int64_t meta_date(const char *s, int64_t dflt)
{
    int64_t t;
    return s && jisr_date_parse(s, &t) == 0 ? t : dflt;
}

/* The dates of variant v (a shallow copy) in TMX's form, as the readers give them: one in another
 * form points at its TMX form in d, one that cannot be read is left out (a unit built by a
 * program; a file's reader has warned and left it out already). */
static void variant_dates(jisr_variant *v, char d[3][17])
{
    char **slots[3] = {&v->meta.creationdate, &v->meta.changedate, &v->meta.lastusagedate};
    for (int k = 0; k < 3; k++) {
        int64_t t;
        if (!*slots[k])
            continue;
        if (jisr_date_parse(*slots[k], &t) < 0) {
            *slots[k] = NULL;
            continue;
        }
        jisr_date_format(t, d[k]);
        if (strcmp(d[k], *slots[k]) != 0)
            *slots[k] = d[k];
    }
}

/* The unit's creation (which 0), change (1) or last-usage (2) date: the <tu>'s, else — as
 * OmegaT writes them, on the <tuv> — the earliest creation or the latest change or use among
 * its variants'; INT64_MIN when none is given. */
static int64_t unit_date(const jisr_unit *u, const jisr_variant *vs, size_t nv, int which)
{
    const char *tu = which == 0   ? u->meta.creationdate
                     : which == 1 ? u->meta.changedate
                                  : u->meta.lastusagedate;
    int64_t t = meta_date(tu, INT64_MIN);
    if (t != INT64_MIN)
        return t;
    for (size_t i = 0; i < nv; i++) {
        const jisr_meta *m = &vs[i].meta;
        int64_t x = meta_date(which == 0   ? m->creationdate
                              : which == 1 ? m->changedate
                                           : m->lastusagedate,
                              INT64_MIN);
        if (x != INT64_MIN && (t == INT64_MIN || (which == 0 ? x < t : x > t)))
            t = x;
    }
    return t;
}

/* Keep the first of each term in t[0..n) (a posting per term and unit): a small hash table
 * whose slots are stamped per call, so nothing is cleared; sorting did the same at ~5 times the
 * cost. Returns the number kept. */
static size_t distinct_terms(jisr_tm_import *imp, uint64_t *t, size_t n)
{
    size_t m = 0;
    if (n > 128) { /* rare: sort */
        sort_u64(t, n);
        for (size_t k = 0; k < n; k++)
            if (k == 0 || t[k] != t[k - 1])
                t[m++] = t[k];
        return m;
    }
    if (++imp->tgen == 0) { /* the stamps wrapped: clear once */
        memset(imp->tset, 0, sizeof imp->tset);
        imp->tgen = 1;
    }
    for (size_t k = 0; k < n; k++) {
        unsigned h = (unsigned)((t[k] * 0x9E3779B97F4A7C15ULL) >> 56);
        while (imp->tset[h].gen == imp->tgen && imp->tset[h].term != t[k])
            h = (h + 1) & 255;
        if (imp->tset[h].gen != imp->tgen) {
            imp->tset[h].gen = imp->tgen;
            imp->tset[h].term = t[k];
            t[m++] = t[k];
        }
    }
    return m;
}

int tm_batch_vocab(jisr_tm_import *imp, tm_batch *b, uint64_t lh)
{
    for (size_t k = 0; k < imp->toks.n; k++) {
        const tm_tok *x = &imp->toks.v[k];
        if (x->kind != TM_WORD || !tm_vocab_word_ok(x->kp, x->kl))
            continue;
        int rc = jisr_u64set_add(&imp->vseen, lh * 0x9E3779B97F4A7C15ULL ^ x->hk);
        if (rc <= 0) {
            if (rc < 0)
                return rc;
            continue;
        }
        uint16_t n = (uint16_t)x->kl;
        if ((rc = jisr_buf_append(&b->vocab, &lh, 8)) < 0 ||
            (rc = jisr_buf_append(&b->vocab, &n, 2)) < 0 ||
            (rc = jisr_buf_append(&b->vocab, x->kp, n)) < 0)
            return rc;
    }
    return 0;
}

int jisr_tm_import_add(jisr_tm_import *imp, const jisr_unit *u)
{
    int rc;
    if (!imp || !u)
        return tm_null_arg("jisr_tm_import_add", imp ? "u" : "imp");
    tm_batch *b = imp->cur;
    imp->st.read++;
    if ((!imp->checked && (rc = tm_unit_check(u, NULL)) < 0) ||
        (rc = JISR_GROW(imp->vs, imp->vscap, u->nvariants + 1)) < 0 ||
        (rc = JISR_GROW(imp->vdates, imp->vdcap, u->nvariants + 1)) < 0)
        return rc;
    b->line = u->line; /* the batch ends here so far: committed with it, its place is said */
    b->col = u->col;
    uint32_t nw[TM_MAX_VARIANTS], w1[TM_MAX_VARIANTS];
    uint64_t nh[TM_MAX_VARIANTS];
    size_t nv = 0, nuk = 0, form_off = b->forms.len;
    uint64_t seen_lang[TM_MAX_VARIANTS];
    int repeat = 0; /* two variants of one language: their keys may coincide */
    for (size_t i = 0; i < u->nvariants && nv < TM_MAX_VARIANTS; i++) {
        const jisr_variant *v = &u->variants[i];
        if (!v->text || !v->lang)
            continue;
        if ((v->ntags && (rc = tm_toks_glue_cstr(&imp->toks, v->tags, v->ntags)) < 0) ||
            (rc = tm_tokenize(v->text, strlen(v->text), &imp->toks)) < 0)
            return rc;
        if (imp->toks.n == 0)
            continue;
        imp->vs[nv] = *v;
        variant_dates(&imp->vs[nv], imp->vdates[nv]);
        nw[nv] = imp->toks.nheavy;
        w1[nv] = imp->toks.w100;
        if ((rc = tm_ident_hash(v->text, strlen(v->text), (const char *const *)v->tags, NULL,
                                v->ntags, &nh[nv])) < 0)
            return rc;
        for (size_t k = 0; k < v->ntags && !b->phcodes; k++) {
            size_t co, cl;
            b->phcodes = v->tags[k] && tm_ph_code(v->tags[k], strlen(v->tags[k]), &co, &cl);
        }
        uint64_t lh = tm_lang_hash(v->lang);
        int first = 1;
        for (size_t k = 0; k < nv; k++)
            if (seen_lang[k] == lh)
                first = 0;
        seen_lang[nv] = lh;
        nv++;
        repeat |= !first;
        if ((rc = JISR_GROW(imp->terms, imp->tcap, imp->toks.n + 1)) < 0 ||
            (rc = tm_batch_vocab(imp, b, lh)) < 0)
            return rc;
        size_t nt = distinct_terms(imp, imp->terms, tm_index_terms(&imp->toks, imp->terms));
        unsigned bucket = tm_bucket(imp->toks.w100);
        if ((rc = JISR_GROW(imp->ukeys, imp->ukcap, nuk + nt)) < 0)
            return rc;
        for (size_t k = 0; k < nt; k++)
            imp->ukeys[nuk++] = tm_post_key(lh, imp->terms[k], bucket);
        if (!imp->chars || !first) /* characters: the first variant of a language (short.c) */
            continue;
        if ((rc = JISR_GROW(imp->ukeys, imp->ukcap, nuk + 2 * (size_t)imp->chars)) < 0)
            return rc;
        /* short texts' characters, up to the memory's limit */
        nuk += tm_short_keys(&imp->toks, lh, imp->ukeys + nuk, (size_t)imp->chars);
        unsigned char fv[TM_SHORT_FORMMAX];
        uint64_t fkey;
        uint16_t fn = (uint16_t)tm_short_form_val(&imp->toks, lh, &fkey, fv, (size_t)imp->chars);
        if (fn > 0 && ((rc = jisr_buf_append(&b->forms, &fkey, 8)) < 0 ||
                       (rc = jisr_buf_append(&b->forms, &fn, 2)) < 0 ||
                       (rc = jisr_buf_append(&b->forms, fv, fn)) < 0))
            return rc;
    }
    if (nv < 2) { /* nothing to translate from or to */
        b->forms.len = form_off;
        b->skipped++;
        if (imp->locate && u->line) { /* where, for the caller to name (import_file.c) */
            if (imp->nskip_at / 2 >= TM_LOCATE_MAX)
                imp->skip_more++;
            else if ((rc = JISR_GROW(imp->skip_at, imp->skip_cap, imp->nskip_at + 2)) < 0)
                return rc;
            else {
                imp->skip_at[imp->nskip_at++] = u->line;
                imp->skip_at[imp->nskip_at++] = u->col;
            }
        }
        return 0;
    }
    if (repeat && nuk > 1) { /* a posting per key and unit: en-US and en-GB share most terms */
        size_t m = 1;
        sort_u64(imp->ukeys, nuk);
        for (size_t k = 1; k < nuk; k++)
            if (imp->ukeys[k] != imp->ukeys[m - 1])
                imp->ukeys[m++] = imp->ukeys[k];
        nuk = m;
    }
    jisr_unit shallow = *u;
    shallow.variants = imp->vs;
    shallow.nvariants = nv;
    /* one "now" per import: its undated units all get the same creation date, so that ranking
     * by recency does not depend on which second each unit happened to be read in */
    if (!imp->now)
        imp->now = (int64_t)time(NULL);
    int64_t created = unit_date(u, imp->vs, nv, 0), changed = unit_date(u, imp->vs, nv, 1),
            lastused = unit_date(u, imp->vs, nv, 2);
    if (created == INT64_MIN) { /* undated: now, but never after its change or last use */
        created = imp->now;
        if (changed != INT64_MIN && changed < created)
            created = changed;
        if (lastused != INT64_MIN && lastused < created)
            created = lastused;
    }
    /* an absent count (-1) is one use, the unit's own; a count of 0 (TMX allows it: stored,
     * never used) stays 0, so that a round trip and merges (which add counts) keep it */
    uint64_t usage = u->meta.usagecount >= 0 ? (uint64_t)u->meta.usagecount : 1;
    size_t off = b->recs.len;
    if ((rc = tm_rec_encode(&shallow, nw, w1, nh, usage, created, changed, lastused, &b->recs)) < 0)
        return rc;
    if ((rc = JISR_GROW(b->p, b->pcap, b->np + 1)) < 0)
        return rc;
    for (size_t k = 0; k < nuk; k++) {
        tm_post_grp *g = &b->grp[imp->ukeys[k] >> (64 - TM_PBITS)];
        if (g->n == g->cap && (rc = JISR_GROW(g->v, g->cap, g->n + 1)) < 0)
            return rc;
        g->v[g->n].key = imp->ukeys[k];
        g->v[g->n].idx = (uint32_t)b->np;
        g->n++;
    }
    tm_pend *p = &b->p[b->np++];
    p->form_off = form_off;
    p->form_len = b->forms.len - form_off;
    p->rec_off = off;
    p->rec_len = b->recs.len - off;
    p->id = 0;
    p->dkey = dedupe_key(seen_lang, nh, nv); /* = tm_dedupe_key of the record */
    /* the key its stored supersets are found under: that of its first two variants (each pair
     * of a stored unit's is in the dedupe runs), and its own pair keys for its subsets to come */
    p->skey = p->dkey;
    if (nv > 2)
        p->skey = dedupe_key(seen_lang, nh, 2);
    uint64_t pk[TM_PAIR_KEYS];
    size_t npk = dedupe_pairs(seen_lang, nh, nv, pk);
    p->pair_off = b->pairs.len / 8;
    p->npair = (uint32_t)npk;
    if (npk && (rc = jisr_buf_append(&b->pairs, pk, npk * 8)) < 0)
        return rc;
    for (size_t v = 0; v < nv && !b->langs_over; v++)
        b->langs_over = tm_lang_add(b->langs, &b->nlangs, sizeof b->langs / sizeof b->langs[0],
                                    imp->vs[v].lang, strlen(imp->vs[v].lang), 1);
    if (b->np >= imp->opts.batch_units)
        return tm_import_enqueue(imp);
    return 0;
}

/* Stable sort of posting entries by key (the units of one key stay in batch order, as added):
 * MSD radix on 8-bit digits from the top (a batch's postings are already split by the top TM_PBITS
 * bits into groups that fit in the cache). Keys are hashes, so each pass splits a group evenly;
 * groups of 32 or fewer are finished by insertion, and digits that every key of a group shares
 * (a frequent term) are skipped without moving anything. Data starts in a; the result goes to a
 * when into_a, else to t; the other array is scratch. */
static void msd_sort(tm_post_ent *a, tm_post_ent *t, size_t n, int shift, int into_a)
{
    if (n <= 32 || shift < 0) {
        for (size_t i = 1; i < n; i++) {
            tm_post_ent v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1].key > v.key) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        if (!into_a)
            memcpy(t, a, n * sizeof *a);
        return;
    }
    size_t c[257];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < n; i++)
        c[((a[i].key >> shift) & 0xFF) + 1]++;
    if (c[((a[0].key >> shift) & 0xFF) + 1] == n) { /* one digit for all: go to the first
                                                     * digit that differs, if any */
        uint64_t diff = 0;
        for (size_t i = 1; i < n; i++)
            diff |= a[i].key ^ a[0].key;
        if (!diff) { /* one key: already in order */
            if (!into_a)
                memcpy(t, a, n * sizeof *a);
            return;
        }
        msd_sort(a, t, n, (63 - __builtin_clzll(diff)) / 8 * 8, into_a);
        return;
    }
    for (int d = 0; d < 256; d++)
        c[d + 1] += c[d];
    size_t pos[256];
    memcpy(pos, c, sizeof pos);
    for (size_t i = 0; i < n; i++)
        t[pos[(a[i].key >> shift) & 0xFF]++] = a[i];
    for (int d = 0; d < 256; d++)
        if (c[d + 1] > c[d])
            msd_sort(t + c[d], a + c[d], c[d + 1] - c[d], shift - 8, !into_a);
}

/* Sort one group (all its keys share the top TM_PBITS bits) stably by key: a counting sort on the
 * next bits, as many as give ~4 entries a bucket, into t, then each bucket by msd_sort back into
 * a (a bucket of a few entries is an insertion; one holding a frequent key, or two, is split
 * further on the digits where they differ). t has room for n entries. */
static void group_sort(tm_post_ent *a, tm_post_ent *t, size_t n)
{
    if (n <= 64) {
        msd_sort(a, t, n, 64 - TM_PBITS - 8, 1); /* insertion */
        return;
    }
    unsigned bits = 63 - (unsigned)__builtin_clzll((unsigned long long)n) - 2;
    bits = bits < 8 ? 8 : bits > 14 ? 14 : bits;
    int shift = 64 - TM_PBITS - (int)bits;
    size_t nb = (size_t)1 << bits, mask = nb - 1;
    size_t c[(1u << 14) + 1];
    memset(c, 0, (nb + 1) * sizeof c[0]);
    for (size_t i = 0; i < n; i++)
        c[((a[i].key >> shift) & mask) + 1]++;
    for (size_t d = 0; d < nb; d++)
        c[d + 1] += c[d];
    for (size_t i = 0; i < n; i++)
        t[c[(a[i].key >> shift) & mask]++] = a[i];
    /* c[d] is now the end of bucket d: most hold a few entries, sorted here by insertion */
    for (size_t d = 0, s = 0; d < nb; s = c[d++]) {
        size_t m = c[d] - s;
        if (m > 16) {
            msd_sort(t + s, a + s, m, shift - 8, 0);
            continue;
        }
        for (size_t i = 0; i < m; i++) {
            tm_post_ent v = t[s + i];
            size_t j = s + i;
            while (j > s && a[j - 1].key > v.key) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
    }
}

int tm_batch_sort(jisr_tm_import *imp, tm_batch *b)
{
    for (size_t g = 0; g < (1u << TM_PBITS); g++) {
        int rc = JISR_GROW(imp->ptmp, imp->ptmpcap, b->grp[g].n + 1);
        if (rc < 0)
            return rc;
        group_sort(b->grp[g].v, imp->ptmp, b->grp[g].n);
    }
    return 0;
}

int tm_unit_check(const jisr_unit *u, const char *name)
{
    size_t nv = 0;
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        if (!v->text || !v->lang)
            continue;
        nv++;
        size_t n = strlen(v->lang);
        if (n > TM_LANG_MAX)
            return jisr_error_set(JISR_ETOOBIG, name, u->line, u->col,
                                  "a language tag of %zu bytes ('%.20s…'): a memory stores tags "
                                  "of at most %d",
                                  n, v->lang, TM_LANG_MAX);
    }
    if (nv > TM_MAX_VARIANTS)
        return jisr_error_set(JISR_ETOOBIG, name, u->line, u->col,
                              "a unit with %zu variants: a memory stores at most %d per unit", nv,
                              TM_MAX_VARIANTS);
    return 0;
}
