/*
 * unit.c — the translation-unit model shared by every reader and writer: allocation, deep copy,
 * language lookup, the plain text of a variant, and format names.
 *
 * A unit owns all of its strings, so readers can reuse one unit for a whole file (clear, fill,
 * hand over) and callers that keep a unit take a jisr_unit_copy. Arrays grow geometrically; a
 * cleared unit has no allocations left, which keeps long imports flat in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uloc.h>
#include <unicode/utf8.h>

#include "formats/formats.h"
#include "formats/formats_int.h"
#include "text/text.h"

void jisr_unit_init(jisr_unit *u)
{
    if (!u)
        return;
    memset(u, 0, sizeof *u);
    u->meta.usagecount = -1;
}

static void props_free(jisr_prop *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].type);
        free(p[i].lang);
        free(p[i].value);
    }
    free(p);
}

void fmt_meta_clear(jisr_meta *m)
{
    free(m->creationdate);
    free(m->creationid);
    free(m->changedate);
    free(m->changeid);
    free(m->lastusagedate);
    free(m->creationtool);
    free(m->creationtoolversion);
    free(m->datatype);
    free(m->o_encoding);
    free(m->o_tmf);
    free(m->segtype);
    props_free(m->props, m->nprops);
    props_free(m->notes, m->nnotes);
    memset(m, 0, sizeof *m);
    m->usagecount = -1;
}

static void variant_clear(jisr_variant *v)
{
    free(v->lang);
    free(v->text);
    for (size_t i = 0; i < v->ntags; i++)
        free(v->tags[i]);
    free(v->tags);
    fmt_meta_clear(&v->meta);
}

void jisr_unit_clear(jisr_unit *u)
{
    if (!u)
        return;
    free(u->tuid);
    free(u->srclang);
    fmt_meta_clear(&u->meta);
    for (size_t i = 0; i < u->nvariants; i++)
        variant_clear(&u->variants[i]);
    free(u->variants);
    jisr_unit_init(u);
}

int jisr_unit_add_variant(jisr_unit *u, const char *lang, const char *text, size_t text_len,
                          jisr_variant **out)
{
    int rc;
    if (out)
        *out = NULL;
    if (!u)
        return jisr_null_arg("jisr_unit_add_variant", "u");
    if (!text && text_len) /* NULL and 0 is the empty text */
        return jisr_null_arg("jisr_unit_add_variant", "text");
    if ((rc = jisr_grow_pow2((void **)&u->variants, u->nvariants, sizeof *u->variants)) < 0)
        return rc;
    jisr_variant *v = &u->variants[u->nvariants];
    memset(v, 0, sizeof *v);
    v->meta.usagecount = -1;
    v->lang = jisr_strdup(lang ? lang : "und");
    v->text = jisr_strndup(text ? text : "", text_len);
    if (!v->lang || !v->text) {
        free(v->lang);
        free(v->text);
        return JISR_ENOMEM;
    }
    u->nvariants++;
    if (out)
        *out = v;
    return 0;
}

/* A tag of subtags of letters and digits joined by '-' or '_', each of at most max characters. */
static int tag_shape_ok(const char *tag, size_t max)
{
    size_t sub = 0; /* characters of the current subtag */
    if (!tag || !*tag)
        return 0;
    for (const char *p = tag;; p++) {
        char c = *p;
        if (c == '\0' || c == '-' || c == '_') {
            if (sub == 0)
                return 0; /* an empty subtag: "en--US", "-en", "en-" */
            if (c == '\0')
                return 1;
            sub = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            if (++sub > max)
                return 0;
        } else {
            return 0;
        }
    }
}

int jisr_lang_tag_ok(const char *tag)
{
    return tag_shape_ok(tag, 8);
}

int fmt_lang_chars_ok(const char *tag)
{
    return tag_shape_ok(tag, (size_t)-1);
}

int jisr_unit_pair_side(const jisr_unit *u, size_t i, const char *a, const char *b)
{
    if (!u || i >= u->nvariants || !a || !b || jisr_lang_equal(a, b))
        return 0;
    const char *lang = u->variants[i].lang;
    int ma = jisr_lang_matches(lang, a), mb = jisr_lang_matches(lang, b);
    if (ma && mb) { /* a and b are prefixes of one another: the exact one, else the longer */
        int ea = jisr_lang_equal(lang, a), eb = jisr_lang_equal(lang, b);
        if (ea != eb)
            return ea ? 1 : 2;
        return strlen(b) > strlen(a) ? 2 : 1;
    }
    return ma ? 1 : mb ? 2 : 0;
}

int jisr_unit_keep_pair(jisr_unit *u, const char *a, const char *b)
{
    int have_a = 0, have_b = 0;
    size_t k = 0;
    if (!u)
        return jisr_null_arg("jisr_unit_keep_pair", "u");
    for (size_t i = 0; i < u->nvariants; i++) {
        int side = jisr_unit_pair_side(u, i, a, b);
        if (!side) {
            variant_clear(&u->variants[i]);
            continue;
        }
        have_a |= side == 1;
        have_b |= side == 2;
        if (k != i)
            u->variants[k] = u->variants[i];
        k++;
    }
    u->nvariants = k;
    return have_a && have_b;
}

/* Whether the variant i of u goes in group g of jisr_unit_source_first (0: src exactly, 1: src,
 * 2: tgt exactly, 3: tgt). */
static int in_group(const jisr_unit *u, size_t i, const char *src, const char *tgt, int g)
{
    const char *lang = u->variants[i].lang, *want = g < 2 ? src : tgt;
    if (!want)
        return 0;
    int side = src && tgt                      ? jisr_unit_pair_side(u, i, src, tgt)
               : jisr_lang_matches(lang, want) ? (g < 2 ? 1 : 2)
                                               : 0;
    if (side != (g < 2 ? 1 : 2))
        return 0;
    return g % 2 == 0 ? jisr_lang_equal(lang, want) : 1;
}

void jisr_unit_source_first(jisr_unit *u, const char *src, const char *tgt)
{
    jisr_variant tmp;
    size_t k = 0;
    if (!u)
        return;
    if (src && tgt && jisr_lang_equal(src, tgt))
        tgt = NULL;
    for (int g = 0; g < 4; g++) {
        for (size_t i = k; i < u->nvariants; i++) {
            if (!in_group(u, i, src, tgt, g))
                continue;
            tmp = u->variants[i]; /* move it to k, the ones between shift up one */
            memmove(&u->variants[k + 1], &u->variants[k], (i - k) * sizeof tmp);
            u->variants[k++] = tmp;
        }
    }
    /* the unit's own srclang follows: a <tu srclang="en"> overrides the header, so a unit read
     * with en as its source and written with ar first would still tell a TMX reader that honours
     * it that en is the source (NULL on no memory: the header's then) */
    if (src && u->srclang && u->nvariants && jisr_lang_matches(u->variants[0].lang, src) &&
        !jisr_lang_equal(u->srclang, u->variants[0].lang)) {
        char *s = jisr_strdup(u->variants[0].lang);
        free(u->srclang);
        u->srclang = s;
    }
}

int fmt_variant_add_tag(jisr_variant *v, const char *xml, size_t len)
{
    int rc;
    if (v->ntags >= JISR_TAG_MAX)
        return jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "more than %u inline tags in one segment",
                              JISR_TAG_MAX);
    if ((rc = jisr_grow_pow2((void **)&v->tags, v->ntags, sizeof *v->tags)) < 0)
        return rc;
    char *t = jisr_strndup(xml, len);
    if (!t)
        return JISR_ENOMEM;
    v->tags[v->ntags++] = t;
    return 0;
}

const jisr_variant *jisr_unit_find(const jisr_unit *u, const char *want)
{
    if (!u || !want)
        return NULL;
    for (size_t i = 0; i < u->nvariants; i++)
        if (jisr_lang_matches(u->variants[i].lang, want))
            return &u->variants[i];
    return NULL;
}

static int dup_str(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    *dst = jisr_strdup(src);
    return *dst ? 0 : JISR_ENOMEM;
}

static int props_copy(jisr_prop **dst, size_t *dn, const jisr_prop *src, size_t n)
{
    *dst = NULL;
    *dn = 0;
    if (n == 0)
        return 0;
    jisr_prop *p = calloc(n, sizeof *p);
    if (!p)
        return jisr_oom(0);
    *dst = p;
    for (size_t i = 0; i < n; i++) {
        *dn = i + 1;
        if (dup_str(&p[i].type, src[i].type) < 0 || dup_str(&p[i].lang, src[i].lang) < 0 ||
            dup_str(&p[i].value, src[i].value) < 0)
            return JISR_ENOMEM;
    }
    return 0;
}

int fmt_meta_copy(jisr_meta *d, const jisr_meta *s)
{
    memset(d, 0, sizeof *d);
    d->usagecount = s->usagecount;
    if (dup_str(&d->creationdate, s->creationdate) < 0 ||
        dup_str(&d->creationid, s->creationid) < 0 || dup_str(&d->changedate, s->changedate) < 0 ||
        dup_str(&d->changeid, s->changeid) < 0 ||
        dup_str(&d->lastusagedate, s->lastusagedate) < 0 ||
        dup_str(&d->creationtool, s->creationtool) < 0 ||
        dup_str(&d->creationtoolversion, s->creationtoolversion) < 0 ||
        dup_str(&d->datatype, s->datatype) < 0 || dup_str(&d->o_encoding, s->o_encoding) < 0 ||
        dup_str(&d->o_tmf, s->o_tmf) < 0 || dup_str(&d->segtype, s->segtype) < 0 ||
        props_copy(&d->props, &d->nprops, s->props, s->nprops) < 0 ||
        props_copy(&d->notes, &d->nnotes, s->notes, s->nnotes) < 0)
        return JISR_ENOMEM;
    return 0;
}

int jisr_unit_copy(jisr_unit *dst, const jisr_unit *src)
{
    if (!dst || !src) /* dst is left as it was */
        return jisr_null_arg("jisr_unit_copy", dst ? "src" : "dst");
    jisr_unit_init(dst);
    if (dup_str(&dst->tuid, src->tuid) < 0 || dup_str(&dst->srclang, src->srclang) < 0 ||
        fmt_meta_copy(&dst->meta, &src->meta) < 0)
        goto fail;
    dst->line = src->line;
    dst->col = src->col;
    if (src->nvariants) {
        dst->variants = calloc(src->nvariants, sizeof *dst->variants);
        if (!dst->variants)
            goto fail;
    }
    for (size_t i = 0; i < src->nvariants; i++) {
        const jisr_variant *s = &src->variants[i];
        jisr_variant *d = &dst->variants[i];
        dst->nvariants = i + 1;
        d->meta.usagecount = -1;
        if (dup_str(&d->lang, s->lang) < 0 || dup_str(&d->text, s->text) < 0 ||
            fmt_meta_copy(&d->meta, &s->meta) < 0)
            goto fail;
        if (s->ntags) {
            d->tags = calloc(s->ntags, sizeof *d->tags);
            if (!d->tags)
                goto fail;
        }
        for (size_t t = 0; t < s->ntags; t++) {
            d->ntags = t + 1;
            if (dup_str(&d->tags[t], s->tags[t]) < 0)
                goto fail;
        }
    }
    return 0;
fail:
    jisr_unit_clear(dst);
    return jisr_oom(0);
}

/* Placeholders are U+E000–U+F8FF, encoded EE 80 80 … EF A3 BF; returns the index or -1. */
long fmt_placeholder_at(const char *s, size_t n, size_t i)
{
    const unsigned char *p = (const unsigned char *)s + i;
    if (i + 3 > n || (p[0] != 0xEE && p[0] != 0xEF))
        return -1;
    unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || cp < JISR_TAG_BASE ||
        cp >= JISR_TAG_BASE + JISR_TAG_MAX)
        return -1;
    return (long)(cp - JISR_TAG_BASE);
}

int fmt_utf8_put(jisr_buf *b, unsigned cp)
{
    char tmp[4];
    size_t n = 0;
    U8_APPEND_UNSAFE(tmp, n, cp);
    return jisr_buf_append(b, tmp, n);
}

/* A tag that stands for a literal private-use character of the source text ("&#xE123;") gives
 * that character back; every other tag is markup and disappears from the plain text. */
unsigned fmt_literal_char(const char *tag)
{
    if (!tag || strncmp(tag, "&#x", 3) != 0)
        return 0;
    char *end;
    unsigned long cp = strtoul(tag + 3, &end, 16);
    if (*end != ';' || end[1] != '\0' || cp == 0 || cp > 0x10FFFF)
        return 0;
    return (unsigned)cp;
}

/* ---- OmegaT's shortcut tags ------------------------------------------------------------- */

/* The OmegaT shortcut at s[i] (s[i] == '<'): "<" "/"? letters digits "/"? ">", not both
 * slashes. Its length (0: none); *kind is 1 opening, 2 closing, 3 self-closing; the name
 * (letters and digits) is s[*name .. *name + *name_len). The writers share it (formats_int.h). */
size_t fmt_omegat_shortcut(const char *s, size_t n, size_t i, int *kind, size_t *name,
                           size_t *name_len)
{
    size_t j = i + 1;
    int closing = j < n && s[j] == '/';
    j += (size_t)closing;
    size_t start = j;
    while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
        j++;
    if (j == start)
        return 0;
    size_t digits = j;
    while (j < n && s[j] >= '0' && s[j] <= '9')
        j++;
    if (j == digits)
        return 0;
    *name = start;
    *name_len = j - start;
    int empty = j < n && s[j] == '/';
    j += (size_t)empty;
    if (j >= n || s[j] != '>' || (closing && empty))
        return 0;
    *kind = closing ? 2 : empty ? 3 : 1;
    return j + 1 - i;
}

typedef struct omegat_tok {
    size_t at, len, name, name_len;
    int kind;        /* 1 opening, 2 closing, 3 self-closing */
    size_t pair;     /* its counterpart's index + 1, or 0 */
    unsigned long i; /* the bpt/ept pair's i */
} omegat_tok;

/* The numbers of the i="N" attributes in the variant's tags (bpt and ept, <sub> included): a
 * value below size is marked in used[]. */
static void omegat_used_i(const jisr_variant *v, unsigned char *used, size_t size)
{
    for (size_t t = 0; t < v->ntags; t++)
        for (const char *p = v->tags[t]; (p = strstr(p, " i=\"")) != NULL;) {
            p += 4;
            size_t val = 0;
            int ok = *p >= '0' && *p <= '9';
            for (; *p >= '0' && *p <= '9'; p++)
                if (val < size)
                    val = val * 10 + (size_t)(*p - '0');
            if (ok && *p == '"' && val < size)
                used[val] = 1;
        }
}

/* How many " i=\"" a variant's tags hold (a bound on the values omegat_used_i marks). */
static size_t omegat_count_i(const jisr_variant *v)
{
    size_t n = 0;
    for (size_t t = 0; t < v->ntags; t++)
        for (const char *p = v->tags[t]; (p = strstr(p, " i=\"")) != NULL; p += 4)
            n++;
    return n;
}

static int omegat_tag(jisr_buf *b, const char *s, const omegat_tok *k)
{
    jisr_buf_reset(b);
    int rc;
    if (k->kind == 3)
        rc = jisr_buf_puts(b, "<ph>&lt;");
    else if (k->pair)
        rc = jisr_buf_printf(b, "<%s i=\"%lu\">&lt;%s", k->kind == 1 ? "bpt" : "ept", k->i,
                             k->kind == 1 ? "" : "/");
    else
        rc = jisr_buf_puts(b, k->kind == 1 ? "<it pos=\"begin\">&lt;" : "<it pos=\"end\">&lt;/");
    if (rc < 0 || (rc = jisr_buf_append(b, s + k->name, k->name_len)) < 0)
        return rc;
    const char *end = k->kind == 3 ? "/&gt;</ph>"
                      : k->pair    ? (k->kind == 1 ? "&gt;</bpt>" : "&gt;</ept>")
                                   : "&gt;</it>";
    return jisr_buf_puts(b, end);
}

int fmt_omegat_tags(jisr_variant *v)
{
    const char *s = v->text;
    if (!s || !strchr(s, '<'))
        return 0;
    size_t n = strlen(s);
    omegat_tok *tok = NULL;
    size_t ntok = 0, cap = 0, nliteral = 0;
    int rc = 0;
    char **tags = NULL;
    size_t ntags = 0;
    unsigned char *used = NULL;
    jisr_buf text = {0}, tag = {0};
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] >= 0xEE) {
            long ph = fmt_placeholder_at(s, n, i);
            if (ph >= 0 && (size_t)ph >= v->ntags)
                nliteral++; /* a private-use character: a placeholder (and tag) of its own */
            continue;
        }
        if (s[i] != '<')
            continue;
        omegat_tok k = {0};
        if (!(k.len = fmt_omegat_shortcut(s, n, i, &k.kind, &k.name, &k.name_len)))
            continue;
        k.at = i;
        if (ntok == cap) {
            size_t nc = cap ? 2 * cap : 16;
            omegat_tok *nt = realloc(tok, nc * sizeof *tok);
            if (!nt) {
                rc = JISR_ENOMEM;
                goto done;
            }
            tok = nt;
            cap = nc;
        }
        tok[ntok++] = k;
        i += k.len - 1;
    }
    /* none, or more tags than a segment holds: the text stays as it is */
    if (!ntok || v->ntags + nliteral + ntok > JISR_TAG_MAX)
        goto done;

    /* a closing shortcut pairs with the nearest opening one of the same name before it that is
     * still unpaired (so <b0><i1>x</i1></b0> nests, and a repeated <b0>…</b0> pairs twice) */
    size_t npairs = 0;
    for (size_t c = 0; c < ntok; c++) {
        if (tok[c].kind != 2)
            continue;
        for (size_t o = c; o-- > 0;)
            if (tok[o].kind == 1 && !tok[o].pair && tok[o].name_len == tok[c].name_len &&
                memcmp(s + tok[o].name, s + tok[c].name, tok[c].name_len) == 0) {
                tok[o].pair = c + 1;
                tok[c].pair = o + 1;
                npairs++;
                break;
            }
    }
    /* each pair's i: the smallest numbers from 1 that no bpt/ept of the segment already has */
    if (npairs) {
        size_t size = npairs + omegat_count_i(v) + 2;
        if (!(used = calloc(size, 1))) {
            rc = JISR_ENOMEM;
            goto done;
        }
        omegat_used_i(v, used, size);
        unsigned long next = 1;
        for (size_t o = 0; o < ntok; o++) {
            if (tok[o].kind != 1 || !tok[o].pair)
                continue;
            while (used[next])
                next++;
            tok[o].i = tok[tok[o].pair - 1].i = next++;
        }
    }

    /* the new text and tags, in text order: the old placeholders keep their tags, renumbered */
    size_t total = v->ntags + nliteral + ntok, tcap = 2;
    while (tcap < total)
        tcap *= 2;
    if (!(tags = calloc(tcap, sizeof *tags)) || jisr_buf_reserve(&text, n) < 0) {
        rc = JISR_ENOMEM;
        goto done;
    }
    size_t start = 0, next_tok = 0;
    for (size_t i = 0; i < n;) {
        char *t = NULL;
        size_t len = 0;
        if (next_tok < ntok && tok[next_tok].at == i) {
            if ((rc = omegat_tag(&tag, s, &tok[next_tok])) < 0)
                goto done;
            t = jisr_strndup(tag.data, tag.len);
            len = tok[next_tok++].len;
        } else if ((unsigned char)s[i] >= 0xEE && fmt_placeholder_at(s, n, i) >= 0) {
            size_t ph = (size_t)fmt_placeholder_at(s, n, i);
            len = 3;
            if (ph < v->ntags) {
                t = v->tags[ph];
            } else {
                char ref[16];
                snprintf(ref, sizeof ref, "&#x%X;", (unsigned)(JISR_TAG_BASE + ph));
                t = jisr_strdup(ref);
            }
        } else {
            i++;
            continue;
        }
        if (!t) {
            rc = JISR_ENOMEM;
            goto done;
        }
        tags[ntags++] = t;
        if ((rc = jisr_buf_append(&text, s + start, i - start)) < 0 ||
            (rc = fmt_utf8_put(&text, JISR_TAG_BASE + (unsigned)(ntags - 1))) < 0)
            goto done;
        i += len;
        start = i;
    }
    if ((rc = jisr_buf_append(&text, s + start, n - start)) < 0)
        goto done;
    /* done: the old tags now belong to the new array */
    free(v->tags);
    free(v->text);
    v->tags = tags;
    v->ntags = ntags;
    v->text = text.data;
    text.data = NULL;
    tags = NULL;
    rc = nliteral ? 2 : 1;
done:
    if (tags) {
        /* undo: free only the tags made here (the variant's own are still its) */
        for (size_t t = 0; t < ntags; t++) {
            int own = 0;
            for (size_t o = 0; o < v->ntags && !own; o++)
                own = tags[t] == v->tags[o];
            if (!own)
                free(tags[t]);
        }
        free(tags);
    }
    free(tok);
    free(used);
    jisr_buf_free(&text);
    jisr_buf_free(&tag);
    return rc;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int fmt_break_draws(const char *s, size_t n, size_t i, char *const *tags, size_t ntags)
{
    size_t a = i, b = i + 3;
    long t;
    /* over the tags on either side that draw nothing (a literal character's tag draws it) */
    while (a >= 3 && (t = fmt_placeholder_at(s, n, a - 3)) >= 0 && (size_t)t < ntags &&
           !fmt_literal_char(tags[t]))
        a -= 3;
    while ((t = fmt_placeholder_at(s, n, b)) >= 0 && (size_t)t < ntags &&
           !fmt_literal_char(tags[t]))
        b += 3;
    return a > 0 && b < n && !is_space((unsigned char)s[a - 1]) && !is_space((unsigned char)s[b]);
}

int jisr_variant_plain(const jisr_variant *v, jisr_buf *out)
{
    if (!v || !out)
        return jisr_null_arg("jisr_variant_plain", v ? "out" : "v");
    return jisr_variant_plain_range(v, 0, strlen(v->text ? v->text : ""), out);
}

int jisr_variant_plain_range(const jisr_variant *v, size_t from, size_t to, jisr_buf *out)
{
    int rc;
    if (!v || !out)
        return jisr_null_arg("jisr_variant_plain_range", v ? "out" : "v");
    const char *s = v->text ? v->text : "";
    size_t n = strlen(s), start = from;
    if (from > to || to > n)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_variant_plain_range: from %zu, to %zu, text of %zu bytes", from,
                              to, n);
    for (size_t i = from; i < to;) {
        if ((unsigned char)s[i] < 0xEE) { /* fast path: not a lead byte of U+E000–U+FFFF */
            i++;
            continue;
        }
        long t = fmt_placeholder_at(s, n, i);
        if (t < 0 || (size_t)t >= v->ntags) { /* no tag: an ordinary character */
            i++;
            continue;
        }
        if ((rc = jisr_buf_append(out, s + start, i - start)) < 0)
            return rc;
        unsigned cp = fmt_literal_char(v->tags[t]);
        if (!cp && v->tags[t] && jisr_tag_break(v->tags[t], strlen(v->tags[t])) == JISR_TAG_LINE &&
            fmt_break_draws(s, n, i, v->tags, v->ntags))
            cp = '\n';
        if (cp && (rc = fmt_utf8_put(out, cp)) < 0)
            return rc;
        i += 3;
        start = i;
    }
    return jisr_buf_append(out, s + start, to - start); /* also NUL-terminates an empty text */
}

/* ---- dates ------------------------------------------------------------------------------- */

/* days from 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* n digits at *p as a number (advancing *p), or -1 */
static long digits(const char **p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

int jisr_date_parse(const char *s, int64_t *t)
{
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!t)
        return jisr_null_arg("jisr_date_parse", "t");
    if (!s) /* an absent date (a NULL attribute) is not a date */
        return JISR_EPARSE;
    const char *p = s;
    while (*p == ' ')
        p++;
    long y = digits(&p, 4), mo, d, h = 0, mi = 0, sec = 0, off = 0;
    int ext = *p == '-'; /* 2019-03-04 (ISO's extended form) or 20190304 (its basic one) */
    if (ext)
        p++;
    mo = digits(&p, 2);
    if (ext && *p != '-')
        return JISR_EPARSE;
    p += ext;
    d = digits(&p, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > (long)mdays[mo - 1] ||
        (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
        return JISR_EPARSE;
    if (*p == 'T' || *p == 't' || (*p == ' ' && p[1] >= '0' && p[1] <= '9')) {
        p++;
        h = digits(&p, 2);
        int colon = *p == ':';
        p += colon;
        mi = digits(&p, 2);
        if ((colon ? *p == ':' : (*p >= '0' && *p <= '9'))) {
            p += colon;
            sec = digits(&p, 2);
            if ((*p == '.' || *p == ',') && p[1] >= '0' && p[1] <= '9')
                for (p++; *p >= '0' && *p <= '9'; p++) /* a fraction of a second: dropped */
                    ;
        }
        if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
            return JISR_EPARSE;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') { /* an offset from UTC: ±hh, ±hh:mm, ±hhmm */
            int sign = *p++ == '-' ? -1 : 1;
            long oh = digits(&p, 2), om = 0;
            if (*p == ':' || (*p >= '0' && *p <= '9')) {
                p += *p == ':';
                om = digits(&p, 2);
            }
            if (oh < 0 || oh > 23 || om < 0 || om > 59)
                return JISR_EPARSE;
            off = sign * (oh * 3600 + om * 60);
        }
    }
    while (*p == ' ')
        p++;
    if (*p)
        return JISR_EPARSE;
    *t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 0;
}

void jisr_date_format(int64_t t, char out[17])
{
    if (!out)
        return;
    int64_t z = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        z--;
    }
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 0 || y > 9999)
        y = 0;
    snprintf(out, 17, "%04u%02u%02uT%02u%02u%02uZ", (unsigned)y % 10000u, m % 100u, d % 100u,
             (unsigned)(secs / 3600) % 100u, (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

int fmt_date_norm(char **slot)
{
    int64_t t;
    char d[17];
    if (!*slot)
        return 0;
    if (jisr_date_parse(*slot, &t) < 0)
        return 1;
    jisr_date_format(t, d);
    if (strcmp(d, *slot) == 0)
        return 0;
    char *n = jisr_strdup(d);
    if (!n)
        return jisr_oom(sizeof d);
    free(*slot);
    *slot = n;
    return 0;
}

static int ext_is(const char *ext, const char *want)
{
    for (; *ext && *want; ext++, want++) {
        char c = *ext;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != *want)
            return 0;
    }
    return *ext == '\0' && *want == '\0';
}

jisr_format jisr_format_from_name(const char *path)
{
    if (!path)
        return JISR_FMT_AUTO;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return JISR_FMT_AUTO;
    const char *ext = dot + 1;
    if (ext_is(ext, "tmx"))
        return JISR_FMT_TMX;
    if (ext_is(ext, "tsv") || ext_is(ext, "tab"))
        return JISR_FMT_TSV;
    if (ext_is(ext, "jsonl") || ext_is(ext, "ndjson"))
        return JISR_FMT_JSONL;
    if (ext_is(ext, "xlf") || ext_is(ext, "xliff") || ext_is(ext, "sdlxliff") ||
        ext_is(ext, "mqxliff"))
        return JISR_FMT_XLIFF;
    if (ext_is(ext, "txt"))
        return JISR_FMT_MOSES;
    /* Moses corpora are named corpus.en / corpus.ar: a 2–3 letter language code. */
    /* … but not the usual 2–3 letter extensions of other files */
    static const char *const other[] = {"xml", "htm", "csv", "pdf", "doc", "rtf", "xlf", "po",
                                        "pot", "mo",  "srt", "sgm", "gz",  "bz2", "xz",  "zip",
                                        "tar", "dat", "log", "out", "tmp", "bak", "md",  "ini",
                                        "cfg", "sh",  "py",  "js",  "ts",  "css", "db",  "srx"};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (ext_is(ext, other[i]))
            return JISR_FMT_AUTO;
    size_t len = strlen(ext);
    if (len >= 2 && len <= 3) {
        char low[4] = "";
        for (size_t i = 0; i < len; i++) {
            if (!((ext[i] >= 'a' && ext[i] <= 'z') || (ext[i] >= 'A' && ext[i] <= 'Z')))
                return JISR_FMT_AUTO;
            low[i] = (char)(ext[i] | 0x20);
        }
        if (len == 2)
            return JISR_FMT_MOSES;
        /* three letters: only an ISO 639 code ICU knows (corpus.ara, corpus.fil), so that an
         * unknown extension (.xyz) is not taken for Moses text */
        for (const char *const *l = uloc_getISOLanguages(); l && *l; l++)
            if (strcmp(*l, low) == 0 || strcmp(uloc_getISO3Language(*l), low) == 0)
                return JISR_FMT_MOSES;
    }
    return JISR_FMT_AUTO;
}

jisr_format jisr_format_from_string(const char *name)
{
    if (!name)
        return JISR_FMT_AUTO;
    if (ext_is(name, "tmx"))
        return JISR_FMT_TMX;
    if (ext_is(name, "tsv"))
        return JISR_FMT_TSV;
    if (ext_is(name, "moses"))
        return JISR_FMT_MOSES;
    if (ext_is(name, "jsonl"))
        return JISR_FMT_JSONL;
    if (ext_is(name, "xliff") || ext_is(name, "xlf"))
        return JISR_FMT_XLIFF;
    return JISR_FMT_AUTO;
}
