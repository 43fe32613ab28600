/*
 * record.c — the packed unit record stored in the `units` database, and TMX dates.
 *
 * A record is a version byte followed by varints and length-prefixed strings (length + 1, so 0
 * means "absent"): usage count, three dates (date_v), tuid, srclang, creation/change
 * ids, unit props and notes, then per variant its language, text (inline tags as placeholder
 * code points), tag XML, and what the matcher needs before it tokenizes a candidate: the word
 * count (words and numbers), the weighted length and the hash of the normalised text. Compact (a
 * Bible verse pair is ~40 bytes over its text) and decodable in place without copying out of LMDB's
 * map. Version 2 adds the variants' metas after the variants, version 3 then the unit's other
 * attributes (tm_int.h); each is written only for a unit that needs it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "tm/tm_int.h"

void tm_put_varint(jisr_buf *b, uint64_t v)
{
    if (jisr_buf_reserve(b, 10) < 0)
        return; /* the caller sees the failure as data == NULL or a short buffer */
    unsigned char *p = tm_varint_put((unsigned char *)b->data + b->len, v);
    b->len = (size_t)(p - (unsigned char *)b->data);
    b->data[b->len] = '\0';
}

const unsigned char *tm_get_varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; p && p < end && shift < 64; shift += 7) {
        unsigned c = *p++;
        x |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return p;
        }
    }
    return NULL;
}

static int rec_damaged(void)
{
    return jisr_error_set(JISR_EDB, NULL, 0, 0,
                          "the memory is damaged: a unit record does not decode");
}

static const unsigned char *get_str(const unsigned char *p, const unsigned char *end, tm_str *s)
{
    uint64_t n;
    p = tm_get_varint(p, end, &n);
    if (!p)
        return NULL;
    if (n == 0) {
        s->p = NULL;
        s->n = 0;
        return p;
    }
    if ((uint64_t)(end - p) < n - 1)
        return NULL;
    s->p = (const char *)p;
    s->n = (size_t)(n - 1);
    return p + (n - 1);
}

/* A date's varint: 0 for none, else its unix seconds + 1 as 64 bits, so that a date before 1970
 * is a large value (ten bytes) that every jisr decodes back — all but -1 (19691231T235959Z),
 * whose + 1 is 0: it is stored as the value of INT64_MIN, which no date is (a year before 0 does
 * not parse) and which a jisr before this one reads as absent (as it stored it). */
#define DATE_MINUS1 ((uint64_t)INT64_MIN + 1)

static const unsigned char *get_date(const unsigned char *p, const unsigned char *end, int64_t *t)
{
    uint64_t v;
    p = tm_get_varint(p, end, &v);
    if (p)
        *t = !v ? INT64_MIN : v == DATE_MINUS1 ? -1 : (int64_t)(v - 1);
    return p;
}

/* Record encoding: the size first, then one reservation and plain stores (one check of the
 * allocation for the whole record instead of one per field). */
static size_t ssize(const char *s)
{
    if (!s)
        return 1;
    size_t n = strlen(s);
    return tm_varint_size((uint64_t)n + 1) + n;
}

static unsigned char *ws(unsigned char *p, const char *s)
{
    if (!s)
        return tm_varint_put(p, 0);
    size_t n = strlen(s);
    p = tm_varint_put(p, (uint64_t)n + 1);
    memcpy(p, s, n);
    return p + n;
}

static uint64_t date_v(int64_t t)
{
    return t == INT64_MIN ? 0 : t == -1 ? DATE_MINUS1 : (uint64_t)t + 1;
}

/* the record's version, usage count and dates */
static unsigned char *put_head(unsigned char *p, unsigned version, uint64_t usage, int64_t created,
                               int64_t changed, int64_t lastused)
{
    *p++ = (unsigned char)version;
    p = tm_varint_put(p, usage);
    p = tm_varint_put(p, date_v(created));
    p = tm_varint_put(p, date_v(changed));
    return tm_varint_put(p, date_v(lastused));
}

static size_t props_size(const jisr_prop *v, size_t n, int with_type)
{
    size_t z = tm_varint_size(n);
    for (size_t i = 0; i < n; i++)
        z += (with_type ? ssize(v[i].type) : 0) + ssize(v[i].lang) + ssize(v[i].value);
    return z;
}

static unsigned char *wprops(unsigned char *p, const jisr_prop *v, size_t n, int with_type)
{
    p = tm_varint_put(p, n);
    for (size_t i = 0; i < n; i++) {
        if (with_type)
            p = ws(p, v[i].type);
        p = ws(p, v[i].lang);
        p = ws(p, v[i].value);
    }
    return p;
}

/* The string fields of a jisr_meta (jisr_meta_string's order) a version-3 record keeps in its
 * unit meta: creationtool, creationtoolversion, datatype, o-encoding, o-tmf, segtype. The others
 * have fields of their own (dates, ids) or none at unit level. */
#define UATTR_FIRST 5

/* The unit's attributes of m that only a version-3 record keeps, as a meta of their own. */
static void unit_attrs(const jisr_meta *m, jisr_meta *x)
{
    memset(x, 0, sizeof *x);
    x->usagecount = -1;
    for (size_t k = UATTR_FIRST; k < JISR_META_STRINGS; k++)
        *jisr_meta_string(x, k) = *jisr_meta_string((jisr_meta *)m, k);
}

int tm_rec_encode(const jisr_unit *u, const uint32_t *nheavy, const uint32_t *w100,
                  const uint64_t *nhash, uint64_t usage, int64_t created, int64_t changed,
                  int64_t lastused, jisr_buf *out)
{
    jisr_meta ux;
    unit_attrs(&u->meta, &ux);
    size_t z = 1 + tm_varint_size(usage) + tm_varint_size(date_v(created)) +
               tm_varint_size(date_v(changed)) + tm_varint_size(date_v(lastused)) + ssize(u->tuid) +
               ssize(u->srclang) + ssize(u->meta.creationid) + ssize(u->meta.changeid) +
               props_size(u->meta.props, u->meta.nprops, 1) +
               props_size(u->meta.notes, u->meta.nnotes, 0) + tm_varint_size(u->nvariants);
    unsigned version = TM_REC_VERSION;
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        z += ssize(v->lang) + ssize(v->text ? v->text : "") + tm_varint_size(nheavy[i]) +
             tm_varint_size(w100[i]) + 8 + tm_varint_size(v->ntags);
        for (size_t k = 0; k < v->ntags; k++)
            z += ssize(v->tags[k] ? v->tags[k] : "");
        if (!tm_meta_empty(&v->meta))
            version = TM_REC_VERSION_VMETA;
    }
    if (!tm_meta_empty(&ux)) {
        version = TM_REC_VERSION_UMETA;
        z += tm_meta_size(&ux);
    }
    if (version >= TM_REC_VERSION_VMETA)
        for (size_t i = 0; i < u->nvariants; i++)
            z += tm_meta_size(&u->variants[i].meta);
    if (jisr_buf_reserve(out, z) < 0)
        return jisr_oom(z);
    unsigned char *p = (unsigned char *)out->data + out->len, *p0 = p;
    p = put_head(p, version, usage, created, changed, lastused);
    p = ws(p, u->tuid);
    p = ws(p, u->srclang);
    p = ws(p, u->meta.creationid);
    p = ws(p, u->meta.changeid);
    p = wprops(p, u->meta.props, u->meta.nprops, 1);
    p = wprops(p, u->meta.notes, u->meta.nnotes, 0);
    p = tm_varint_put(p, u->nvariants);
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        p = ws(p, v->lang);
        p = ws(p, v->text ? v->text : "");
        p = tm_varint_put(p, nheavy[i]);
        p = tm_varint_put(p, w100[i]);
        for (int b = 0; b < 8; b++) /* little-endian, as put_u64 */
            *p++ = (unsigned char)(nhash[i] >> (8 * b));
        p = tm_varint_put(p, v->ntags);
        for (size_t k = 0; k < v->ntags; k++)
            p = ws(p, v->tags[k] ? v->tags[k] : "");
    }
    if (version >= TM_REC_VERSION_VMETA)
        for (size_t i = 0; i < u->nvariants; i++)
            p = tm_meta_put(p, &u->variants[i].meta);
    if (version == TM_REC_VERSION_UMETA)
        p = tm_meta_put(p, &ux);
    out->len += (size_t)(p - p0);
    out->data[out->len] = '\0';
    return 0;
}

static const unsigned char *skip_list(const unsigned char *p, const unsigned char *end, uint64_t n,
                                      int nstr)
{
    tm_str s;
    for (uint64_t i = 0; p && i < n; i++)
        for (int k = 0; p && k < nstr; k++)
            p = get_str(p, end, &s);
    return p;
}

int tm_rec_decode(const void *data, size_t n, tm_rec *r)
{
    const unsigned char *p = data, *end = p + n;
    uint64_t v = 0; /* read below even when a field before it failed to decode */
    if (n < 1 || p[0] < TM_REC_VERSION || p[0] > TM_REC_VERSION_UMETA)
        return jisr_error_set(JISR_EDB, NULL, 0, 0,
                              "the memory is damaged: a unit record of version %u (this jisr "
                              "writes and reads versions %d to %d)",
                              n ? p[0] : 0, TM_REC_VERSION, TM_REC_VERSION_UMETA);
    r->version = p[0];
    r->vmeta = r->umeta = NULL;
    p++;
    r->usage_at = p;
    p = tm_get_varint(p, end, &r->usage);
    p = get_date(p, end, &r->created);
    p = p ? get_date(p, end, &r->changed) : NULL;
    p = p ? get_date(p, end, &r->lastused) : NULL;
    p = p ? get_str(p, end, &r->tuid) : NULL;
    p = p ? get_str(p, end, &r->srclang) : NULL;
    p = p ? get_str(p, end, &r->creationid) : NULL;
    p = p ? get_str(p, end, &r->changeid) : NULL;
    p = p ? tm_get_varint(p, end, &v) : NULL;
    r->nprops = (uint32_t)v;
    r->props = p;
    p = skip_list(p, end, v, 3);
    p = p ? tm_get_varint(p, end, &v) : NULL;
    r->nnotes = (uint32_t)v;
    r->notes = p;
    p = skip_list(p, end, v, 2);
    p = p ? tm_get_varint(p, end, &v) : NULL;
    if (!p || v > TM_MAX_VARIANTS)
        goto bad;
    r->nvar = (uint32_t)v;
    for (uint32_t i = 0; i < r->nvar; i++) {
        tm_rvar *rv = &r->var[i];
        uint64_t a, b;
        p = get_str(p, end, &rv->lang);
        p = p ? get_str(p, end, &rv->text) : NULL;
        /* a NUL inside a text or a language tag is damage (no writer puts one there): every
         * reader would see a C string shorter than the length offsets into it come from */
        if (p && ((rv->text.n && memchr(rv->text.p, 0, rv->text.n)) ||
                  (rv->lang.n && memchr(rv->lang.p, 0, rv->lang.n))))
            goto bad;
        p = p ? tm_get_varint(p, end, &a) : NULL;
        p = p ? tm_get_varint(p, end, &b) : NULL;
        if (!p || end - p < 8)
            goto bad;
        rv->nheavy = (uint32_t)a;
        rv->w100 = (uint32_t)b;
        rv->nhash = 0;
        for (int k = 0; k < 8; k++)
            rv->nhash |= (uint64_t)p[k] << (8 * k);
        p += 8;
        p = tm_get_varint(p, end, &a);
        if (!p)
            goto bad;
        rv->ntags = (uint32_t)a;
        rv->tags = p;
        p = skip_list(p, end, a, 1);
        if (!p || !rv->text.p)
            goto bad;
    }
    if (r->version >= TM_REC_VERSION_VMETA) { /* the variants' metas: checked, not kept */
        tm_mcur c = {p, end, 0};
        jisr_meta m;
        for (uint32_t i = 0; i < r->nvar && !c.bad; i++)
            tm_meta_read(&c, &m, NULL, NULL);
        if (c.bad)
            goto bad;
        r->vmeta = p;
        p = c.p;
    }
    if (r->version == TM_REC_VERSION_UMETA) { /* the unit's other attributes, and nothing else */
        tm_mcur c = {p, end, 0};
        jisr_meta m;
        tm_meta_read(&c, &m, NULL, NULL);
        for (size_t k = 0; k < UATTR_FIRST && !c.bad; k++)
            c.bad = *jisr_meta_string(&m, k) != NULL;
        if (c.bad || m.usagecount >= 0 || m.nprops || m.nnotes)
            goto bad;
        r->umeta = p;
        p = c.p;
    }
    r->rec_end = p;
    return 0;
bad:
    return rec_damaged();
}

int tm_rec_reencode(const tm_rec *r, uint64_t usage, int64_t created, int64_t changed,
                    int64_t lastused, jisr_buf *out)
{
    /* everything after the dates is copied verbatim */
    const unsigned char *p = r->usage_at, *end = r->rec_end;
    uint64_t v;
    int64_t t;
    p = tm_get_varint(p, end, &v);
    p = p ? get_date(p, end, &t) : NULL;
    p = p ? get_date(p, end, &t) : NULL;
    p = p ? get_date(p, end, &t) : NULL;
    if (!p)
        return rec_damaged();
    size_t rest = (size_t)(end - p);
    if (jisr_buf_reserve(out, 1 + 4 * 10 + rest) < 0)
        return jisr_oom(1 + 4 * 10 + rest);
    unsigned char *o = (unsigned char *)out->data + out->len, *o0 = o;
    o = put_head(o, r->version, usage, created, changed, lastused);
    memcpy(o, p, rest);
    out->len += (size_t)(o - o0) + rest;
    out->data[out->len] = '\0';
    return 0;
}

/* The byte runs of a decoded list's entries (nstr strings each): starts in at[0..n], at[n] the
 * list's end. NULL when damaged. */
static const unsigned char **list_runs(const unsigned char *p, const unsigned char *end, uint32_t n,
                                       int nstr)
{
    const unsigned char **at = malloc(((size_t)n + 1) * sizeof *at);
    if (!at)
        return NULL;
    for (uint32_t i = 0; i < n && p; i++) {
        at[i] = p;
        p = skip_list(p, end, 1, nstr);
    }
    at[n] = p;
    if (!p) {
        free((void *)at);
        return NULL;
    }
    return at;
}

/* Is run [a, b) byte for byte one of the runs of at[0..n]? */
static int run_in(const unsigned char *a, const unsigned char *b, const unsigned char **at,
                  uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if ((size_t)(at[i + 1] - at[i]) == (size_t)(b - a) &&
            memcmp(at[i], a, (size_t)(b - a)) == 0)
            return 1;
    return 0;
}

/* Append list `which` (0 props, 1 notes) of o with n's entries that o lacks (and that an earlier
 * entry of n did not bring already): count, o's entries, then the new ones. */
static int merge_list(const tm_rec *o, const tm_rec *n, int which, jisr_buf *out)
{
    int nstr = which ? 2 : 3;
    uint32_t on = which ? o->nnotes : o->nprops, nn = which ? n->nnotes : n->nprops;
    const unsigned char **oa = list_runs(which ? o->notes : o->props, o->rec_end, on, nstr);
    const unsigned char **na =
        oa ? list_runs(which ? n->notes : n->props, n->rec_end, nn, nstr) : NULL;
    unsigned char *keep = na ? calloc(nn ? nn : 1, 1) : NULL;
    int rc = 0;
    if (!oa || !na || !keep) {
        rc = oa && na && !keep ? jisr_oom(nn) : rec_damaged();
        goto done;
    }
    uint32_t add = 0;
    for (uint32_t i = 0; i < nn; i++)
        if (!run_in(na[i], na[i + 1], oa, on) && !run_in(na[i], na[i + 1], na, i)) {
            keep[i] = 1;
            add++;
        }
    unsigned char v[10];
    size_t vn = (size_t)(tm_varint_put(v, (uint64_t)on + add) - v);
    if ((rc = jisr_buf_append(out, v, vn)) < 0 ||
        (rc = jisr_buf_append(out, oa[0], (size_t)(oa[on] - oa[0]))) < 0)
        goto done;
    for (uint32_t i = 0; i < nn && rc == 0; i++)
        if (keep[i])
            rc = jisr_buf_append(out, na[i], (size_t)(na[i + 1] - na[i]));
done:
    free((void *)oa);
    free((void *)na);
    free(keep);
    return rc;
}

/* The variants' metas of r into m[0..r->nvar) (strings borrowed from r's bytes; props and notes
 * in *pool, which the caller frees). Version 1: every meta empty. */
static int read_vmetas(const tm_rec *r, jisr_meta *m, jisr_prop **pool)
{
    *pool = NULL;
    for (uint32_t i = 0; i < r->nvar; i++) {
        memset(&m[i], 0, sizeof m[i]);
        m[i].usagecount = -1;
    }
    if (!r->vmeta)
        return 0;
    tm_mcur c = {r->vmeta, r->rec_end, 0};
    size_t total = 0;
    for (uint32_t i = 0; i < r->nvar && !c.bad; i++) {
        tm_meta_read(&c, &m[i], NULL, NULL);
        total += m[i].nprops + m[i].nnotes;
    }
    if (c.bad)
        return rec_damaged();
    jisr_prop *pp = *pool = calloc(total ? total : 1, sizeof *pp);
    if (!pp)
        return jisr_oom(total * sizeof *pp);
    c.p = r->vmeta;
    for (uint32_t i = 0; i < r->nvar && !c.bad; i++)
        tm_meta_read(&c, &m[i], &pp, &total);
    return c.bad ? rec_damaged() : 0;
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int prop_in(const jisr_prop *p, const jisr_prop *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (same_str(p->type, v[i].type) && same_str(p->lang, v[i].lang) &&
            same_str(p->value, v[i].value))
            return 1;
    return 0;
}

/* Append to d[*nd] the entries of s[0..ns) that d does not hold yet (d has room). */
static void props_join(jisr_prop *d, size_t *nd, const jisr_prop *s, size_t ns)
{
    for (size_t i = 0; i < ns; i++)
        if (!prop_in(&s[i], d, *nd))
            d[(*nd)++] = s[i];
}

int tm_lang_same(const tm_str *a, const tm_str *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        char x = a->p[i], y = b->p[i];
        if ((x >= 'A' && x <= 'Z' ? (char)(x + 32) : x) !=
            (y >= 'A' && y <= 'Z' ? (char)(y + 32) : y))
            return 0;
    }
    return 1;
}

/* Creation (k = 0) or change (k = 1) date and id of a variant's meta m merged with the same
 * variant's x (strings borrowed): the earlier creation, the later change, each with its own id
 * (m's on a tie, x's id when m has none); a date that does not parse counts as none. */
static void vdate_merge(jisr_meta *m, const jisr_meta *x, int k)
{
    char **md = k ? &m->changedate : &m->creationdate, **mi = k ? &m->changeid : &m->creationid;
    char *xd = k ? x->changedate : x->creationdate, *xi = k ? x->changeid : x->creationid;
    int64_t a = 0, b = 0;
    int ha = *md && jisr_date_parse(*md, &a) == 0, hb = xd && jisr_date_parse(xd, &b) == 0;
    if (hb && (!ha || (k ? b > a : b < a))) {
        *md = xd;
        *mi = xi;
    } else if (ha == hb && a == b && !*mi) {
        *mi = xi;
    }
}

/* The variants' metas of a merge: o's, each completed from the same variant of n (the same
 * language, ASCII case aside, text and tags): the earlier creation and later change date, each
 * with its id (vdate_merge), the later last-use date, the other attributes o's lacks, then n's
 * props and notes o's lacks. */
static int merge_vmetas(const tm_rec *o, const tm_rec *n, jisr_buf *out)
{
    jisr_prop *opool = NULL, *npool = NULL, *join = NULL;
    unsigned char used[TM_MAX_VARIANTS] = {0};
    jisr_meta *om = calloc((size_t)o->nvar + n->nvar + 1, sizeof *om), *nm = om + o->nvar;
    int rc = om ? 0 : jisr_oom(((size_t)o->nvar + n->nvar + 1) * sizeof *om);
    if (rc < 0 || (rc = read_vmetas(o, om, &opool)) < 0 || (rc = read_vmetas(n, nm, &npool)) < 0)
        goto done;
    size_t room = 0;
    for (uint32_t j = 0; j < n->nvar; j++)
        room += nm[j].nprops + nm[j].nnotes;
    for (uint32_t i = 0; i < o->nvar; i++)
        room += om[i].nprops + om[i].nnotes;
    if (!(join = calloc(room ? room : 1, sizeof *join))) {
        rc = jisr_oom(room * sizeof *join);
        goto done;
    }
    jisr_prop *at = join;
    size_t z = 0;
    for (uint32_t i = 0; i < o->nvar; i++) {
        const tm_rvar *a = &o->var[i];
        jisr_meta *m = &om[i];
        for (uint32_t j = 0; j < n->nvar; j++) {
            const tm_rvar *b = &n->var[j];
            if (used[j] || a->nhash != b->nhash || !tm_lang_same(&a->lang, &b->lang) ||
                a->text.n != b->text.n || memcmp(a->text.p, b->text.p, a->text.n))
                continue;
            used[j] = 1;
            const jisr_meta *x = &nm[j];
            vdate_merge(m, x, 0);
            vdate_merge(m, x, 1);
            int64_t lo = 0, lx = 0;
            if (x->lastusagedate && jisr_date_parse(x->lastusagedate, &lx) == 0 &&
                (!m->lastusagedate || jisr_date_parse(m->lastusagedate, &lo) < 0 || lx > lo))
                m->lastusagedate = x->lastusagedate;
            for (size_t k = UATTR_FIRST; k < JISR_META_STRINGS; k++)
                if (!*jisr_meta_string(m, k))
                    *jisr_meta_string(m, k) = *jisr_meta_string((jisr_meta *)x, k);
            if (m->usagecount < 0)
                m->usagecount = x->usagecount;
            for (int k = 0; k < 2; k++) {
                jisr_prop **lp = k ? &m->notes : &m->props;
                size_t *ln = k ? &m->nnotes : &m->nprops;
                if (!(k ? x->nnotes : x->nprops))
                    continue;
                if (*ln)
                    memcpy(at, *lp, *ln * sizeof *at);
                *lp = at;
                props_join(at, ln, k ? x->notes : x->props, k ? x->nnotes : x->nprops);
                at += *ln;
            }
            break;
        }
        z += tm_meta_size(m);
    }
    if ((rc = jisr_buf_reserve(out, z)) < 0)
        goto done;
    unsigned char *p = (unsigned char *)out->data + out->len, *p0 = p;
    for (uint32_t i = 0; i < o->nvar; i++)
        p = tm_meta_put(p, &om[i]);
    out->len += (size_t)(p - p0);
    out->data[out->len] = '\0';
done:
    free(opool);
    free(npool);
    free(join);
    free(om);
    return rc;
}

/* The unit meta of a version-3 record (strings borrowed from its bytes); empty for the others. */
static int read_umeta(const tm_rec *r, jisr_meta *m)
{
    memset(m, 0, sizeof *m);
    m->usagecount = -1;
    if (!r->umeta)
        return 0;
    tm_mcur c = {r->umeta, r->rec_end, 0};
    tm_meta_read(&c, m, NULL, NULL);
    m->nprops = m->nnotes = 0; /* none: tm_rec_decode checked */
    return c.bad ? rec_damaged() : 0;
}

/* The unit meta of a merge: o's attributes, completed with n's where o has none. */
static int merge_umeta(const tm_rec *o, const tm_rec *n, jisr_buf *out)
{
    jisr_meta a, b;
    int rc;
    if ((rc = read_umeta(o, &a)) < 0 || (rc = read_umeta(n, &b)) < 0)
        return rc;
    for (size_t k = 0; k < JISR_META_STRINGS; k++)
        if (!*jisr_meta_string(&a, k))
            *jisr_meta_string(&a, k) = *jisr_meta_string(&b, k);
    size_t z = tm_meta_size(&a);
    if ((rc = jisr_buf_reserve(out, z)) < 0)
        return rc;
    unsigned char *p = (unsigned char *)out->data + out->len, *p0 = p;
    p = tm_meta_put(p, &a);
    out->len += (size_t)(p - p0);
    out->data[out->len] = '\0';
    return 0;
}

static int same_tmstr(tm_str a, tm_str b)
{
    return !a.p == !b.p && a.n == b.n && (!a.n || memcmp(a.p, b.p, a.n) == 0);
}

/* Does the merge of n into o take n's id (creationid for date d = created, o's and n's creation
 * dates od and nd; likewise the change id)? When d is n's date and not o's, or both and o has
 * no id; not when it changes nothing. */
static int take_id(int64_t d, int64_t od, int64_t nd, tm_str oid, tm_str nid)
{
    return d == nd && (d != od || !oid.p) && !same_tmstr(oid, nid);
}

int tm_rec_merge(const tm_rec *o, const tm_rec *n, uint64_t usage, int64_t created, int64_t changed,
                 int64_t lastused, jisr_buf *out)
{
    /* n's strings that replace o's: tuid and srclang where o has none, the ids with their dates */
    const tm_str *ns[4] = {&n->tuid, &n->srclang, &n->creationid, &n->changeid};
    int take[4] = {!o->tuid.p && n->tuid.p, !o->srclang.p && n->srclang.p,
                   take_id(created, o->created, n->created, o->creationid, n->creationid),
                   take_id(changed, o->changed, n->changed, o->changeid, n->changeid)};
    if (!n->nprops && !n->nnotes && !n->vmeta && !take[0] && !take[1] && !take[2] && !take[3])
        return tm_rec_reencode(o, usage, created, changed, lastused, out);
    /* o's bytes: head | tuid srclang creationid changeid | props | notes | variants… | metas
     * (variants' | unit's) */
    const unsigned char *p = o->usage_at, *end = o->vmeta ? o->vmeta : o->rec_end;
    uint64_t v;
    int64_t t;
    tm_str s;
    p = tm_get_varint(p, end, &v);
    for (int k = 0; p && k < 3; k++)
        p = get_date(p, end, &t);
    const unsigned char *at[5]; /* where tuid srclang creationid changeid start */
    for (int k = 0; p && k < 4; k++) {
        at[k] = p;
        p = get_str(p, end, &s);
    }
    at[4] = p;
    if (!p || !o->props || !o->notes)
        return rec_damaged();
    const unsigned char *rest = skip_list(o->notes, end, o->nnotes, 2);
    if (!rest)
        return rec_damaged();
    int vm = o->vmeta || n->vmeta, um = o->umeta || n->umeta; /* um: both have vmetas */
    unsigned char head[1 + 4 * 10];
    size_t hn = (size_t)(put_head(head,
                                  um   ? TM_REC_VERSION_UMETA
                                  : vm ? TM_REC_VERSION_VMETA
                                       : TM_REC_VERSION,
                                  usage, created, changed, lastused) -
                         head);
    int rc;
    if ((rc = jisr_buf_append(out, head, hn)) < 0)
        return rc;
    for (int k = 0; k < 4; k++) {
        if (!take[k]) {
            if ((rc = jisr_buf_append(out, at[k], (size_t)(at[k + 1] - at[k]))) < 0)
                return rc;
            continue;
        }
        unsigned char sl[10];
        size_t sln = (size_t)(tm_varint_put(sl, ns[k]->p ? (uint64_t)ns[k]->n + 1 : 0) - sl);
        if ((rc = jisr_buf_append(out, sl, sln)) < 0 ||
            (ns[k]->n && (rc = jisr_buf_append(out, ns[k]->p, ns[k]->n)) < 0))
            return rc;
    }
    if ((rc = merge_list(o, n, 0, out)) < 0 || (rc = merge_list(o, n, 1, out)) < 0 ||
        (rc = jisr_buf_append(out, rest, (size_t)(end - rest))) < 0 ||
        (vm && (rc = merge_vmetas(o, n, out)) < 0))
        return rc;
    return um ? merge_umeta(o, n, out) : 0;
}

int tm_rec_retoken(const tm_rec *r, const void *data, size_t n, const uint32_t *nheavy,
                   const uint32_t *w100, const uint64_t *nhash, jisr_buf *out)
{
    const unsigned char *base = data, *at = base;
    if (jisr_buf_reserve(out, n + (size_t)r->nvar * 20) < 0)
        return jisr_oom(n + (size_t)r->nvar * 20);
    for (uint32_t i = 0; i < r->nvar; i++) {
        const unsigned char *p = (const unsigned char *)r->var[i].text.p + r->var[i].text.n;
        const unsigned char *end = base + n;
        uint64_t a, b;
        const unsigned char *q = tm_get_varint(p, end, &a);
        q = q ? tm_get_varint(q, end, &b) : NULL;
        if (!q || end - q < 8 || p < at)
            return rec_damaged();
        jisr_buf_append(out, at, (size_t)(p - at)); /* within the reservation */
        unsigned char f[28], *w = tm_varint_put(f, nheavy[i]);
        w = tm_varint_put(w, w100[i]);
        for (int k = 0; k < 8; k++) /* little-endian, as tm_rec_encode */
            *w++ = (unsigned char)(nhash[i] >> (8 * k));
        jisr_buf_append(out, f, (size_t)(w - f));
        at = q + 8;
    }
    jisr_buf_append(out, at, n - (size_t)(at - base));
    return 0;
}

static char *dup_str(tm_str s)
{
    return s.p ? jisr_strndup(s.p, s.n) : NULL;
}

static int dates_to_meta(int64_t t, char **out)
{
    char d[17];
    if (t == INT64_MIN)
        return 0;
    tm_date_format(t, d);
    *out = jisr_strdup(d);
    return *out ? 0 : JISR_ENOMEM;
}

static int props_to_unit(const unsigned char *p, const unsigned char *end, uint32_t n,
                         int with_type, jisr_prop **out, size_t *nout)
{
    if (!n)
        return 0;
    jisr_prop *v = calloc(n, sizeof *v);
    if (!v)
        return jisr_oom(n * sizeof *v);
    *out = v;
    *nout = n;
    for (uint32_t i = 0; i < n; i++) { /* tm_rec_decode checked these bounds already */
        tm_str a = {0}, b = {0}, c = {0};
        if (with_type)
            p = p ? get_str(p, end, &a) : NULL;
        p = p ? get_str(p, end, &b) : NULL;
        p = p ? get_str(p, end, &c) : NULL;
        if (!p)
            return rec_damaged();
        v[i].type = dup_str(a);
        v[i].lang = dup_str(b);
        v[i].value = dup_str(c);
        if ((a.p && !v[i].type) || (b.p && !v[i].lang) || (c.p && !v[i].value))
            return jisr_oom(0);
    }
    return 0;
}

int tm_rvar_tags(const tm_rec *r, const tm_rvar *v, tm_str *out, size_t max)
{
    const unsigned char *p = v->tags;
    size_t n = v->ntags < max ? v->ntags : max;
    for (size_t k = 0; k < n; k++) {
        out[k].p = NULL;
        out[k].n = 0;
        p = p ? get_str(p, r->rec_end, &out[k]) : NULL;
        if (!p)
            return rec_damaged();
    }
    return (int)n;
}

int tm_toks_glue_rvar(tm_toks *t, const tm_rec *r, const tm_rvar *v)
{
    int rc = tm_glue_start(t, v->ntags);
    const unsigned char *p = v->tags;
    for (size_t k = 0; rc == 0 && k < v->ntags && k < JISR_TAG_MAX; k++) {
        tm_str m = {0};
        if (!p || !(p = get_str(p, r->rec_end, &m))) {
            t->nglue = 0; /* no half-named glue left for the next text */
            return rec_damaged();
        }
        if (m.p && tm_tag_glues(m.p, m.n))
            tm_glue_set(t, k);
    }
    return rc;
}

int tm_tokenize_rvar(const tm_rec *r, const tm_rvar *v, tm_toks *out)
{
    int rc = v->ntags ? tm_toks_glue_rvar(out, r, v) : 0;
    return rc < 0 ? rc : tm_tokenize(v->text.p, v->text.n, out);
}

int tm_rec_has_prop(const tm_rec *r, const char *type, const char *value)
{
    const unsigned char *p = r->props;
    size_t tn = strlen(type), vn = strlen(value);
    for (uint32_t i = 0; p && i < r->nprops; i++) {
        tm_str a = {0}, b = {0}, c = {0};
        p = get_str(p, r->rec_end, &a);
        p = p ? get_str(p, r->rec_end, &b) : NULL;
        p = p ? get_str(p, r->rec_end, &c) : NULL;
        if (p && a.n == tn && c.n == vn && (!tn || memcmp(a.p, type, tn) == 0) &&
            (!vn || memcmp(c.p, value, vn) == 0))
            return 1;
    }
    return 0;
}

/* A copy of a borrowed meta s into the empty d (the unit's, which owns its strings). */
static int meta_dup(jisr_meta *d, const jisr_meta *s)
{
    for (size_t k = 0; k < JISR_META_STRINGS; k++) {
        const char *x = *jisr_meta_string((jisr_meta *)s, k);
        if (x && !(*jisr_meta_string(d, k) = jisr_strdup(x)))
            return JISR_ENOMEM;
    }
    d->usagecount = s->usagecount;
    for (int k = 0; k < 2; k++) {
        size_t n = k ? s->nnotes : s->nprops;
        const jisr_prop *from = k ? s->notes : s->props;
        if (!n)
            continue;
        jisr_prop *v = calloc(n, sizeof *v);
        if (!v)
            return jisr_oom(n * sizeof *v);
        *(k ? &d->notes : &d->props) = v;
        *(k ? &d->nnotes : &d->nprops) = n;
        for (size_t i = 0; i < n; i++)
            if ((from[i].type && !(v[i].type = jisr_strdup(from[i].type))) ||
                (from[i].lang && !(v[i].lang = jisr_strdup(from[i].lang))) ||
                (from[i].value && !(v[i].value = jisr_strdup(from[i].value))))
                return JISR_ENOMEM;
    }
    return 0;
}

/* The variants' metas of a version-2 record into u's variants (as many as r has). */
static int vmetas_to_unit(const tm_rec *r, jisr_unit *u)
{
    jisr_meta *m = calloc(r->nvar ? r->nvar : 1, sizeof *m);
    jisr_prop *pool = NULL;
    int rc = m ? read_vmetas(r, m, &pool) : jisr_oom(r->nvar * sizeof *m);
    for (uint32_t i = 0; rc == 0 && i < r->nvar && i < u->nvariants; i++)
        rc = meta_dup(&u->variants[i].meta, &m[i]);
    free(pool);
    free(m);
    return rc;
}

/* The unit's attributes of a version-3 record into u's meta (copies). */
static int umeta_to_unit(const tm_rec *r, jisr_unit *u)
{
    jisr_meta m;
    int rc = read_umeta(r, &m);
    for (size_t k = UATTR_FIRST; rc == 0 && k < JISR_META_STRINGS; k++) {
        const char *x = *jisr_meta_string(&m, k);
        if (x && !(*jisr_meta_string(&u->meta, k) = jisr_strdup(x)))
            rc = JISR_ENOMEM;
    }
    return rc;
}

int tm_rec_to_unit(const tm_rec *r, jisr_unit *u)
{
    jisr_unit_clear(u);
    u->tuid = dup_str(r->tuid);
    u->srclang = dup_str(r->srclang);
    /* a count beyond a long's (a sum that overflowed before merges saturated) is the most */
    u->meta.usagecount = r->usage > (uint64_t)LONG_MAX ? LONG_MAX : (long)r->usage;
    int rc = 0;
    if ((r->tuid.p && !u->tuid) || (r->srclang.p && !u->srclang) ||
        (rc = umeta_to_unit(r, u)) < 0 ||
        (rc = dates_to_meta(r->created, &u->meta.creationdate)) < 0 ||
        (rc = dates_to_meta(r->changed, &u->meta.changedate)) < 0 ||
        (rc = dates_to_meta(r->lastused, &u->meta.lastusagedate)) < 0)
        return rc < 0 ? rc : jisr_oom(0);
    u->meta.creationid = dup_str(r->creationid);
    u->meta.changeid = dup_str(r->changeid);
    if ((rc = props_to_unit(r->props, r->rec_end, r->nprops, 1, &u->meta.props, &u->meta.nprops)) <
            0 ||
        (rc = props_to_unit(r->notes, r->rec_end, r->nnotes, 0, &u->meta.notes, &u->meta.nnotes)) <
            0)
        return rc;
    for (uint32_t i = 0; i < r->nvar; i++) {
        const tm_rvar *rv = &r->var[i];
        char *lang = rv->lang.p ? jisr_strndup(rv->lang.p, rv->lang.n) : jisr_strdup("");
        if (!lang)
            return JISR_ENOMEM;
        jisr_variant *v;
        rc = jisr_unit_add_variant(u, lang, rv->text.p, rv->text.n, &v);
        free(lang);
        if (rc < 0)
            return rc;
        if (rv->ntags) {
            v->tags = calloc(rv->ntags, sizeof *v->tags);
            if (!v->tags)
                return jisr_oom(rv->ntags * sizeof *v->tags);
            v->ntags = rv->ntags;
            const unsigned char *p = rv->tags;
            for (uint32_t k = 0; k < rv->ntags; k++) {
                tm_str s = {NULL, 0};
                p = p ? get_str(p, r->rec_end, &s) : NULL;
                if (!p)
                    return rec_damaged();
                if (!(v->tags[k] = dup_str(s)) && s.p)
                    return JISR_ENOMEM;
            }
        }
    }
    return r->vmeta ? vmetas_to_unit(r, u) : 0;
}

/* Is the primary subtag of s[0..n) — as tm_lang_primary gives it into 16 bytes: up to the first
 * '-', '_' or NUL, at most 15 bytes, ASCII lower-cased — the string w? Compared in place: this
 * runs for every variant of every candidate of a query. */
static int primary_is(const char *s, size_t n, const char *w)
{
    size_t i = 0;
    for (; i < n && i < 15 && s[i] && s[i] != '-' && s[i] != '_'; i++) {
        char c = s[i];
        if ((c >= 'A' && c <= 'Z' ? (char)(c + 32) : c) != w[i])
            return 0;
    }
    return w[i] == '\0';
}

int tm_rec_find_from(const tm_rec *r, const char *want, int from)
{
    char wp[16], tag[64];
    size_t wn = want ? strlen(want) : 0;
    int have_wp = 0;
    for (uint32_t i = from < 0 ? 0 : (uint32_t)from; i < r->nvar; i++) {
        const tm_str *l = &r->var[i].lang;
        size_t n = l->n < sizeof tag - 1 ? l->n : sizeof tag - 1;
        /* the tag asked for, as stored (the usual case): its primary matches, and so does the
         * whole tag, which is what the general way below would find for it */
        if (wn && wn < sizeof tag - 1 && l->n == wn && memcmp(l->p, want, wn) == 0)
            return (int)i;
        if (!have_wp) {
            tm_lang_primary(want, wp, sizeof wp);
            have_wp = 1;
        }
        if (!primary_is(l->p ? l->p : "", n, wp))
            continue;
        memcpy(tag, l->p ? l->p : "", n);
        tag[n] = '\0';
        if (jisr_lang_matches(tag, want)) /* in want's range: en-GB for en */
            return (int)i;
    }
    return -1;
}

int tm_rec_find(const tm_rec *r, const char *want)
{
    return tm_rec_find_from(r, want, 0);
}

/* The region subtag of tag l (en-GB → GB, zh-Hant-TW → TW, ar-001 → 001) into out, upper-cased,
 * or "": the subtag after the primary (and a script) of two letters or three digits. */
static void lang_region(const tm_str *l, char out[4])
{
    out[0] = '\0';
    size_t i = 0, n = l->p ? l->n : 0;
    int k = 0;
    while (i < n) {
        while (i < n && l->p[i] != '-' && l->p[i] != '_')
            i++;
        if (i >= n)
            return;
        size_t b = ++i;
        while (i < n && l->p[i] != '-' && l->p[i] != '_')
            i++;
        size_t m = i - b;
        if (++k > 2)
            return;
        if (m == 2 || (m == 3 && l->p[b] >= '0' && l->p[b] <= '9')) {
            for (size_t j = 0; j < m; j++) {
                char c = l->p[b + j];
                out[j] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
            }
            out[m] = '\0';
            return;
        }
        if (m != 4) /* not a script: no region follows */
            return;
    }
}

int tm_rec_target(const tm_rec *r, const char *want, int si)
{
    int first = -1;
    char sr[4], tr[4];
    sr[0] = '\0';
    if (si >= 0)
        lang_region(&r->var[si].lang, sr);
    for (int i = tm_rec_find_from(r, want, 0); i >= 0; i = tm_rec_find_from(r, want, i + 1)) {
        if (i == si)
            continue;
        if (first < 0)
            first = i;
        if (!sr[0])
            break;
        lang_region(&r->var[i].lang, tr);
        if (strcmp(sr, tr) == 0)
            return i;
    }
    return first;
}

/* The primary subtag of a stored tag, as tm_lang_primary gives it. */
static void str_primary(const tm_str *l, char out[16])
{
    char tag[64];
    size_t n = l->n < sizeof tag - 1 ? l->n : sizeof tag - 1;
    memcpy(tag, l->p ? l->p : "", n);
    tag[n] = '\0';
    tm_lang_primary(tag, out, 16);
}

int tm_rec_first_of_primary(const tm_rec *r, uint32_t i)
{
    char a[16], b[16];
    str_primary(&r->var[i].lang, a);
    for (uint32_t k = 0; k < i; k++) {
        str_primary(&r->var[k].lang, b);
        if (strcmp(a, b) == 0)
            return 0;
    }
    return 1;
}

int tm_rec_nprimary(const tm_rec *r, const char *want)
{
    char wp[16];
    int n = 0;
    tm_lang_primary(want, wp, sizeof wp);
    for (uint32_t i = 0; i < r->nvar; i++)
        n += primary_is(r->var[i].lang.p ? r->var[i].lang.p : "", r->var[i].lang.n, wp);
    return n;
}

void tm_date_format(int64_t t, char out[17])
{
    jisr_date_format(t, out);
}
