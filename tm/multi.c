/*
 * multi.c — one fuzzy query over several memories with penalties (a project memory and reference
 * memories, as CAT tools combine them): each memory is asked for the same number of matches at
 * the threshold raised by its penalty, scores (and similarities, by penalty/100) are lowered, and
 * the lists are merged in one ranking — the matcher's own (score; no agreement change first;
 * character similarity; the longest run shared with the query; later change; more usage;
 * similarity), then the earlier memory, then the lower id.
 *
 * Why this is exact: within one memory jisr_tm_query ranks by those keys, and subtracting a
 * constant from every score keeps that order, so a memory's top N is also its top N in the
 * merged ranking and the merged top N lies inside the union of the per-memory top N. Filters
 * (props, changed_since) and tags go to every memory as they are. A memory whose penalty leaves
 * no score able to reach min_score is not queried at all.
 */
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"
#include "util/util_int.h"

int tm_match_rank_cmp(const void *pa, const void *pb)
{
    const jisr_tm_match *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if ((a->nagree > 0) != (b->nagree > 0))
        return a->nagree ? 1 : -1;
    if (a->char_similarity != b->char_similarity)
        return a->char_similarity > b->char_similarity ? -1 : 1;
    if (a->shared_run != b->shared_run)
        return a->shared_run > b->shared_run ? -1 : 1;
    if (a->changed != b->changed)
        return a->changed > b->changed ? -1 : 1;
    if (a->usage != b->usage)
        return a->usage > b->usage ? -1 : 1;
    if (a->similarity != b->similarity)
        return a->similarity > b->similarity ? -1 : 1;
    if (a->memory != b->memory)
        return a->memory < b->memory ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

int jisr_tm_query_multi(const jisr_tm_source *src, size_t n, const char *text,
                        const jisr_tm_query_opts *opts, jisr_tm_matches *out)
{
    jisr_tm_query_opts def = JISR_TM_QUERY_OPTS_INIT, tmp;
    if (!out)
        return tm_null_arg("jisr_tm_query_multi", "out");
    memset(out, 0, sizeof *out);
    if (!src && n)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_tm_query_multi: src is NULL (with n = %zu)", n);
    if (!text)
        return tm_null_arg("jisr_tm_query_multi", "text");
    opts = tm_query_opts_of(opts ? opts : &def, &tmp);
    if (opts->min_score < 0 || opts->min_score > 100)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "minimum score must be 0-100");
    for (size_t k = 0; k < n; k++)
        if (!src[k].tm || src[k].penalty < 0 || src[k].penalty > 100)
            return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                                  "memory %zu: a handle and a penalty of 0-100 are needed", k);
    if (opts->max_results == 0 || n == 0)
        return 0;
    /* every memory's matches moved into one list (structs moved whole, so that their strings
     * are freed once, by jisr_tm_matches_free), ranked, the tail freed */
    jisr_tm_matches all = {NULL, 0, 0};
    size_t cap = 0;
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        int min = opts->min_score + src[k].penalty;
        if (min > 100)
            continue;
        jisr_tm_query_opts o = *opts;
        o.min_score = min;
        jisr_tm_matches m;
        if ((rc = jisr_tm_query(src[k].tm, text, &o, &m)) < 0)
            goto done;
        all.candidates += m.candidates;
        if ((rc = JISR_GROW(all.v, cap, all.n + m.n)) < 0) {
            jisr_tm_matches_free(&m);
            goto done;
        }
        for (size_t i = 0; i < m.n; i++) {
            jisr_tm_match *x = &all.v[all.n++];
            *x = m.v[i];
            x->score -= src[k].penalty;
            x->similarity -= src[k].penalty / 100.0;
            x->memory = k;
        }
        m.n = 0; /* the strings now belong to all */
        jisr_tm_matches_free(&m);
    }
    if (all.n)
        qsort(all.v, all.n, sizeof *all.v, tm_match_rank_cmp);
    for (; all.n > opts->max_results; all.n--)
        tm_match_clear(&all.v[all.n - 1]);
done:
    if (rc < 0) {
        jisr_tm_matches_free(&all);
        return rc;
    }
    *out = all;
    return 0;
}
