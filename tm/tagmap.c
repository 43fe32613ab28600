/*
 * tagmap.c — inline tags as placeables: what kind of code a tag is, and which of the query's
 * tags each tag of a stored target becomes.
 *
 * A CAT tool sends a segment with its own tags and needs the translation back with those same
 * tags, placed where the stored translation had the corresponding ones. The stored source is
 * the bridge: the query's tags and the source's correspond by order within each kind (the
 * first <bpt> of one is the first <bpt> of the other; a <ph> never stands for a <bpt>), and the
 * target's tags correspond to the source's by the x attribute when TMX gives it, else by their
 * identical markup, else by order within their kind. Closing codes follow their opening codes
 * through the i attribute, so <b><i>…</i></b> against <i><b>…</b></i> still closes what it
 * opened. A target tag with no counterpart in the query is reported, not guessed; so is a query
 * tag that no target tag becomes (the translator places it).
 */
#include <stdlib.h>
#include <string.h>

#include "tm/place_int.h"
#include "tm/tm_int.h"

/* value of attribute name="…" in the start tag xml[0..n) (up to the first '>'), or -1 */
static long attr_num(const char *xml, size_t n, const char *name)
{
    size_t ln = strlen(name);
    size_t end = 0;
    while (end < n && xml[end] != '>')
        end++;
    for (size_t i = 1; i + ln + 2 < end; i++) {
        if ((xml[i - 1] != ' ' && xml[i - 1] != '\t' && xml[i - 1] != '\n') ||
            memcmp(xml + i, name, ln) != 0)
            continue;
        size_t k = i + ln;
        while (k < end && (xml[k] == ' ' || xml[k] == '\t'))
            k++;
        if (k >= end || xml[k] != '=')
            continue;
        k++;
        while (k < end && (xml[k] == ' ' || xml[k] == '\t'))
            k++;
        if (k >= end || (xml[k] != '"' && xml[k] != '\''))
            continue;
        char q = xml[k++];
        long v = 0;
        int any = 0;
        while (k < end && xml[k] >= '0' && xml[k] <= '9' && v < 100000000) {
            v = v * 10 + (xml[k++] - '0');
            any = 1;
        }
        return any && k < end && xml[k] == q ? v : -1;
    }
    return -1;
}

static int has_attr_value(const char *xml, size_t n, const char *needle)
{
    size_t end = 0, ln = strlen(needle);
    while (end < n && xml[end] != '>')
        end++;
    for (size_t i = 0; i + ln <= end; i++)
        if (memcmp(xml + i, needle, ln) == 0)
            return 1;
    return 0;
}

static int name_is(const char *xml, size_t n, const char *name)
{
    size_t ln = strlen(name);
    if (n < ln + 2 || xml[0] != '<' || memcmp(xml + 1, name, ln) != 0)
        return 0;
    char c = xml[1 + ln];
    return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r';
}

void tm_tag_parse(const char *xml, size_t n, tm_tag *out)
{
    out->xml = xml;
    out->n = n;
    out->i = -1;
    out->x = -1;
    if (n >= 2 && xml[0] == '&')
        out->kind = TM_TAG_CHAR;
    else if (n >= 4 && memcmp(xml, "</hi", 4) == 0)
        out->kind = TM_TAG_HI_CLOSE;
    else if (name_is(xml, n, "bpt"))
        out->kind = TM_TAG_BPT;
    else if (name_is(xml, n, "ept"))
        out->kind = TM_TAG_EPT;
    else if (name_is(xml, n, "ph"))
        out->kind = TM_TAG_PH;
    else if (name_is(xml, n, "it"))
        out->kind = has_attr_value(xml, n, "\"end\"") || has_attr_value(xml, n, "'end'")
                        ? TM_TAG_IT_CLOSE
                        : TM_TAG_IT_OPEN;
    else if (name_is(xml, n, "ut"))
        out->kind = TM_TAG_UT;
    else if (name_is(xml, n, "hi"))
        out->kind = TM_TAG_HI_OPEN;
    else
        out->kind = TM_TAG_OTHER;
    if (out->kind != TM_TAG_CHAR && out->kind != TM_TAG_HI_CLOSE) {
        out->i = attr_num(xml, n, "i");
        out->x = attr_num(xml, n, "x");
    }
}

/* Pair a[] with b[] by order within each kind, closing codes through their opening codes' i
 * where both sides give it; a2b[k] = index in b or -1, b2a likewise. Pairs already set in a2b
 * (>= 0) are kept. Returns the number of tags of a and b left without a partner. */
static size_t pair_by_order(const tm_tag *a, size_t na, const tm_tag *b, size_t nb, int *a2b,
                            int *b2a, int skip_ept)
{
    for (size_t k = 0; k < na; k++) {
        if (a2b[k] >= 0 || (skip_ept && a[k].kind == TM_TAG_EPT))
            continue;
        for (size_t j = 0; j < nb; j++)
            if (b2a[j] < 0 && b[j].kind == a[k].kind) {
                a2b[k] = (int)j;
                b2a[j] = (int)k;
                break;
            }
    }
    size_t left = 0;
    for (size_t k = 0; k < na; k++)
        left += a2b[k] < 0 && !(skip_ept && a[k].kind == TM_TAG_EPT);
    for (size_t j = 0; j < nb; j++)
        left += b2a[j] < 0 && !(skip_ept && b[j].kind == TM_TAG_EPT);
    return left;
}

/* an <ept> of a goes with the <ept> of b that closes the partner of its own <bpt> */
static void pair_epts(const tm_tag *a, size_t na, const tm_tag *b, size_t nb, int *a2b, int *b2a)
{
    for (size_t k = 0; k < na; k++) {
        if (a2b[k] >= 0 || a[k].kind != TM_TAG_EPT || a[k].i < 0)
            continue;
        size_t ob;
        for (ob = 0; ob < na; ob++)
            if (a[ob].kind == TM_TAG_BPT && a[ob].i == a[k].i)
                break;
        if (ob == na || a2b[ob] < 0 || b[a2b[ob]].i < 0)
            continue;
        long want = b[a2b[ob]].i;
        for (size_t j = 0; j < nb; j++)
            if (b2a[j] < 0 && b[j].kind == TM_TAG_EPT && b[j].i == want) {
                a2b[k] = (int)j;
                b2a[j] = (int)k;
                break;
            }
    }
}

/* the code placeholders among the pairs of q and s (s2q), and those whose codes differ */
static void compare_codes(const tm_tag *q, const tm_tag *s, size_t ns, const int *s2q,
                          tm_tag_cmp *cmp)
{
    for (size_t k = 0; k < ns; k++) {
        size_t ao, al, bo, bl;
        if (s2q[k] < 0 || s[k].kind != TM_TAG_PH)
            continue;
        const tm_tag *a = &q[s2q[k]], *b = &s[k];
        if (tm_ph_code(a->xml, a->n, &ao, &al) && tm_ph_code(b->xml, b->n, &bo, &bl)) {
            cmp->codes++;
            cmp->codes_differ += al != bl || memcmp(a->xml + ao, b->xml + bo, al) != 0;
        }
    }
}

size_t tm_tags_map(const tm_tag *q, size_t nq, const tm_tag *s, size_t ns, const tm_tag *t,
                   size_t nt, int *t2q, unsigned char *q_used, tm_tag_cmp *cmp)
{
    size_t nall = ns + nq + nt + 1;
    int *mem = malloc(2 * nall * sizeof *mem);
    if (cmp)
        memset(cmp, 0, sizeof *cmp);
    if (!mem) { /* no memory for the scratch: map nothing, report every tag */
        for (size_t j = 0; j < nt; j++)
            t2q[j] = -1;
        if (q_used)
            memset(q_used, 0, nq);
        return nq + ns;
    }
    int *s2q = mem, *q2s = s2q + ns, *t2s = q2s + nq, *s2t = t2s + nt;
    for (size_t k = 0; k < 2 * nall; k++)
        mem[k] = -1;
    /* source ↔ query: by order within kind, epts through their bpts, then any left by order */
    pair_by_order(s, ns, q, nq, s2q, q2s, 1);
    pair_epts(s, ns, q, nq, s2q, q2s);
    size_t diff = pair_by_order(s, ns, q, nq, s2q, q2s, 0);
    if (cmp)
        compare_codes(q, s, ns, s2q, cmp);
    /* target → source: x attribute, identical markup, order within kind (epts via bpts) */
    for (size_t j = 0; j < nt; j++) {
        if (t[j].x < 0)
            continue;
        for (size_t k = 0; k < ns; k++)
            if (s2t[k] < 0 && s[k].x == t[j].x && s[k].kind == t[j].kind) {
                t2s[j] = (int)k;
                s2t[k] = (int)j;
                break;
            }
    }
    for (size_t j = 0; j < nt; j++) {
        if (t2s[j] >= 0)
            continue;
        for (size_t k = 0; k < ns; k++)
            if (s2t[k] < 0 && s[k].kind == t[j].kind && s[k].n == t[j].n &&
                memcmp(s[k].xml, t[j].xml, t[j].n) == 0) {
                t2s[j] = (int)k;
                s2t[k] = (int)j;
                break;
            }
    }
    pair_by_order(t, nt, s, ns, t2s, s2t, 1);
    pair_epts(t, nt, s, ns, t2s, s2t);
    pair_by_order(t, nt, s, ns, t2s, s2t, 0);
    if (q_used)
        memset(q_used, 0, nq);
    for (size_t j = 0; j < nt; j++) {
        t2q[j] = t2s[j] >= 0 ? s2q[t2s[j]] : -1;
        if (t2q[j] >= 0 && q_used)
            q_used[t2q[j]] = 1;
    }
    free(mem);
    return diff;
}
