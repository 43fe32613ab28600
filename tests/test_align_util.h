/*
 * test_align_util.h — what the alignment tests share: whether two ladders hold the same beads
 * (positions and sizes; scores aside).
 */
#ifndef JISR_TEST_ALIGN_UTIL_H
#define JISR_TEST_ALIGN_UTIL_H

#include "align/align.h"

static inline int same_ladder(const jisr_ladder *a, const jisr_ladder *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t k = 0; k < a->n; k++)
        if (a->v[k].src != b->v[k].src || a->v[k].nsrc != b->v[k].nsrc ||
            a->v[k].tgt != b->v[k].tgt || a->v[k].ntgt != b->v[k].ntgt)
            return 0;
    return 1;
}

#endif
