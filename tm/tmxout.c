/*
 * tmxout.c — a match as a translation unit, for a TMX file of matches (`jisr query --format
 * tmx`): the stored source and the stored target with their inline tags — a <tu> is a source
 * and its translation to every TMX reader, and a CAT tool given a fuzzy match's proposed target
 * beside the stored source (the query's numbers and tags in it) took it for a 100 % match of
 * that source and wrote the query's numbers into it — and what the matcher says of it as
 * x-jisr-* props, the proposal among them (x-jisr-proposal, as TMX segment markup, when it
 * differs from the stored target). The formats layer's TMX writer writes it; json.c and
 * textout.c hold the other renderings of a match.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/tm_int.h"

/* copies of tags[0..n) as v's tags */
static int copy_tags(jisr_variant *v, char *const *tags, size_t n)
{
    if (n == 0)
        return 0;
    if (!(v->tags = calloc(n, sizeof *v->tags)))
        return jisr_oom(n * sizeof *v->tags);
    for (size_t k = 0; k < n; k++, v->ntags++)
        if (!(v->tags[k] = jisr_strdup(tags[k] ? tags[k] : "")))
            return JISR_ENOMEM;
    return 0;
}

/* a <prop type=…>value</prop> appended to m */
static int prop_add(jisr_meta *m, const char *type, const char *value)
{
    jisr_prop *np = realloc(m->props, (m->nprops + 1) * sizeof *np);
    if (!np)
        return jisr_oom((m->nprops + 1) * sizeof *np);
    m->props = np;
    jisr_prop *p = &np[m->nprops++];
    memset(p, 0, sizeof *p);
    p->type = jisr_strdup(type);
    p->value = jisr_strdup(value);
    return p->type && p->value ? 0 : JISR_ENOMEM;
}

/* The proposed target as TMX segment markup (its tags as inline elements), as a prop, when it
 * differs from the stored target (numbers, tags, codes or accelerators carried over). */
static int add_proposal(jisr_meta *m, const jisr_tm_match *x)
{
    jisr_buf p = {0}, s = {0};
    int rc = jisr_tm_tagged(&p, x->target, strlen(x->target), x->tags, x->ntags);
    if (rc == 0)
        rc = jisr_tm_tagged(&s, x->target_orig, strlen(x->target_orig), x->stored_tags,
                            x->nstored_tags);
    if (rc == 0 && (p.len != s.len || (p.len && memcmp(p.data, s.data, p.len) != 0)))
        rc = prop_add(m, "x-jisr-proposal", p.data ? p.data : "");
    jisr_buf_free(&p);
    jisr_buf_free(&s);
    return rc;
}

int jisr_tm_match_unit(jisr_unit *out, const jisr_tm_match *x, const char *srclang,
                       const char *tgtlang, const char *query, const char *memory)
{
    if (!out)
        return tm_null_arg("jisr_tm_match_unit", "out");
    jisr_unit_init(out);
    if (!x || !srclang || !tgtlang)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_tm_match_unit: a match and both languages are needed");
    jisr_variant *v;
    char num[32];
    int rc = jisr_unit_add_variant(out, srclang, x->source, strlen(x->source), &v);
    if (rc == 0)
        rc = copy_tags(v, x->source_tags, x->nsource_tags);
    /* the stored target with its own tags (a match made by hand may lack them: its proposal) */
    const char *tt = x->target_orig ? x->target_orig : x->target;
    char *const *tg = x->target_orig ? x->stored_tags : x->tags;
    size_t ntg = x->target_orig ? x->nstored_tags : x->ntags;
    if (rc == 0)
        rc = jisr_unit_add_variant(out, tgtlang, tt, strlen(tt), &v);
    if (rc == 0)
        rc = copy_tags(v, tg, ntg);
    snprintf(num, sizeof num, "%d", x->score);
    if (rc == 0)
        rc = prop_add(&out->meta, "x-jisr-score", num);
    snprintf(num, sizeof num, "%llu", (unsigned long long)x->id);
    if (rc == 0)
        rc = prop_add(&out->meta, "x-jisr-id", num);
    if (rc == 0 && query)
        rc = prop_add(&out->meta, "x-jisr-query", query);
    if (rc == 0 && memory)
        rc = prop_add(&out->meta, "x-jisr-memory", memory);
    if (rc == 0 && x->nagree)
        rc = prop_add(&out->meta, "x-jisr-agreement", "check");
    if (rc == 0 && x->target_orig)
        rc = add_proposal(&out->meta, x);
    if (rc < 0)
        jisr_unit_clear(out);
    return rc;
}
