/*
 * metacode.c — a jisr_meta (the attributes, props and notes of a <tu> or a <tuv>) in bytes: the
 * import's spill carries every meta this way, and a unit record keeps its variants' metas this
 * way (record.c). A bit mask of the fields present comes first, so the usual meta without
 * attributes costs two bytes; then the present strings (each a varint of its length + 1 and its
 * bytes with their NUL: a reader can point into the bytes, as into LMDB's map, without copying),
 * the usage count, the props (type, language, value) and the notes (type, language, text).
 *
 * The reader is strict: a string must end with its NUL and hold no other, a count must fit the
 * bytes left. A damaged record is then an error, never a string running past its end.
 */
#include <limits.h>
#include <string.h>

#include "tm/tm_int.h"

enum { M_USAGE = 1u << 11, M_PROPS = 1u << 12, M_NOTES = 1u << 13, M_ALL = (1u << 14) - 1 };

static size_t str_size(const char *s)
{
    if (!s)
        return 1;
    size_t n = strlen(s) + 1;
    return tm_varint_size(n) + n;
}

unsigned char *tm_mstr_put(unsigned char *p, const char *s)
{
    if (!s)
        return tm_varint_put(p, 0);
    size_t n = strlen(s) + 1;
    p = tm_varint_put(p, n);
    memcpy(p, s, n);
    return p + n;
}

size_t tm_mstr_size(const char *s)
{
    return str_size(s);
}

int tm_meta_empty(const jisr_meta *m)
{
    for (size_t i = 0; i < JISR_META_STRINGS; i++)
        if (*jisr_meta_string((jisr_meta *)m, i))
            return 0;
    return m->usagecount < 0 && !m->nprops && !m->nnotes;
}

size_t tm_meta_size(const jisr_meta *m)
{
    size_t n = 2;
    for (size_t i = 0; i < JISR_META_STRINGS; i++) {
        const char *s = *jisr_meta_string((jisr_meta *)m, i);
        if (s)
            n += str_size(s);
    }
    if (m->usagecount >= 0)
        n += tm_varint_size((uint64_t)m->usagecount);
    for (int k = 0; k < 2; k++) {
        const jisr_prop *p = k ? m->notes : m->props;
        size_t np = k ? m->nnotes : m->nprops;
        if (!np)
            continue;
        n += tm_varint_size(np);
        for (size_t i = 0; i < np; i++)
            n += str_size(p[i].type) + str_size(p[i].lang) + str_size(p[i].value);
    }
    return n;
}

unsigned char *tm_meta_put(unsigned char *p, const jisr_meta *m)
{
    unsigned mask = 0;
    for (size_t i = 0; i < JISR_META_STRINGS; i++)
        if (*jisr_meta_string((jisr_meta *)m, i))
            mask |= 1u << i;
    mask |=
        (m->usagecount >= 0 ? M_USAGE : 0) | (m->nprops ? M_PROPS : 0) | (m->nnotes ? M_NOTES : 0);
    *p++ = (unsigned char)mask;
    *p++ = (unsigned char)(mask >> 8);
    for (size_t i = 0; i < JISR_META_STRINGS; i++) {
        const char *s = *jisr_meta_string((jisr_meta *)m, i);
        if (s)
            p = tm_mstr_put(p, s);
    }
    if (m->usagecount >= 0)
        p = tm_varint_put(p, (uint64_t)m->usagecount);
    for (int k = 0; k < 2; k++) {
        const jisr_prop *q = k ? m->notes : m->props;
        size_t np = k ? m->nnotes : m->nprops;
        if (!np)
            continue;
        p = tm_varint_put(p, np);
        for (size_t i = 0; i < np; i++) {
            p = tm_mstr_put(p, q[i].type);
            p = tm_mstr_put(p, q[i].lang);
            p = tm_mstr_put(p, q[i].value);
        }
    }
    return p;
}

uint64_t tm_mcur_varint(tm_mcur *c)
{
    uint64_t v = 0;
    const unsigned char *q = c->bad ? NULL : tm_get_varint(c->p, c->end, &v);
    if (!q) {
        c->bad = 1;
        c->p = c->end;
        return 0;
    }
    c->p = q;
    return v;
}

char *tm_mcur_str(tm_mcur *c)
{
    uint64_t n = tm_mcur_varint(c);
    if (!n || c->bad)
        return NULL;
    /* n bytes, the last the only NUL */
    if ((uint64_t)(c->end - c->p) < n || c->p[n - 1] != '\0' || memchr(c->p, 0, n - 1)) {
        c->bad = 1;
        c->p = c->end;
        return NULL;
    }
    char *s = (char *)c->p;
    c->p += n;
    return s;
}

void tm_meta_read(tm_mcur *c, jisr_meta *m, jisr_prop **pool, size_t *left)
{
    memset(m, 0, sizeof *m);
    m->usagecount = -1;
    if (c->bad || c->end - c->p < 2) {
        c->bad = 1;
        return;
    }
    unsigned mask = c->p[0] | (unsigned)c->p[1] << 8;
    c->p += 2;
    if (mask & ~(unsigned)M_ALL) {
        c->bad = 1;
        return;
    }
    for (size_t i = 0; i < JISR_META_STRINGS; i++)
        if (mask & (1u << i))
            *jisr_meta_string(m, i) = tm_mcur_str(c);
    if (mask & M_USAGE) {
        uint64_t u = tm_mcur_varint(c);
        m->usagecount = u > (uint64_t)LONG_MAX ? LONG_MAX : (long)u;
    }
    for (int k = 0; k < 2 && !c->bad; k++) {
        if (!(mask & (k ? M_NOTES : M_PROPS)))
            continue;
        uint64_t n = tm_mcur_varint(c);
        /* each entry takes three bytes at least: a count beyond the bytes left is damage */
        if (c->bad || !n || n > (uint64_t)(c->end - c->p) / 3 || (pool && n > *left)) {
            c->bad = 1;
            return;
        }
        jisr_prop *p = pool ? *pool : NULL;
        for (uint64_t i = 0; i < n; i++) {
            char *t = tm_mcur_str(c), *l = tm_mcur_str(c), *v = tm_mcur_str(c);
            if (p) {
                p[i].type = t;
                p[i].lang = l;
                p[i].value = v;
            }
        }
        if (pool) {
            *pool += n;
            *left -= n;
        }
        if (k) {
            m->notes = p;
            m->nnotes = (size_t)n;
        } else {
            m->props = p;
            m->nprops = (size_t)n;
        }
    }
}
