/* synthetic_doc.h — bench_align's synthetic document, shared with test_align (one generator,
 * so that the test aligns the very document the bench measures). */
#ifndef JISR_BENCH_SYNTHETIC_DOC_H
#define JISR_BENCH_SYNTHETIC_DOC_H

#include <stdlib.h>
#include <string.h>

#include "align/align.h"

/* ns source sentences of 'a' (lengths from a fixed generator) into src, and their "translation"
 * of 'b' into tgt (room for ns): 3 % dropped, 5 % merged into the previous pair (up to 3-1), so
 * the true path drifts tens of sentences off the diagonal and has no bead of more than 3
 * sentences a side. The target count is returned; truth (NULL: not wanted) gets the true ladder.
 * Allocation failures are not checked (a bench and a test). */
static inline size_t synthetic_doc(size_t ns, char **src, char **tgt, jisr_ladder *truth)
{
    jisr_ladder own = {0}, *t = truth ? truth : &own;
    size_t nt = 0;
    unsigned x = 12345;
    for (size_t i = 0; i < ns; i++) {
        x = x * 1103515245u + 12345u;
        size_t len = 20 + (x >> 16) % 120;
        src[i] = malloc(len + 1);
        memset(src[i], 'a', len);
        src[i][len] = '\0';
        for (size_t k = 5; k < len; k += 6)
            src[i][k] = ' ';
        size_t tl = len * 11 / 10;
        x = x * 1103515245u + 12345u;
        unsigned r = (x >> 16) % 100;
        if (r < 3) { /* dropped */
            jisr_ladder_push(t, i, 1, nt, 0, 0);
            continue;
        }
        jisr_bead *last = t->n ? &t->v[t->n - 1] : NULL;
        if (r < 8 && last && last->ntgt == 1 && last->nsrc < 3) { /* merged into the previous */
            last->nsrc++;
            size_t old = strlen(tgt[nt - 1]);
            tgt[nt - 1] = realloc(tgt[nt - 1], old + tl + 2);
            tgt[nt - 1][old] = ' ';
            memset(tgt[nt - 1] + old + 1, 'b', tl);
            tgt[nt - 1][old + 1 + tl] = '\0';
            continue;
        }
        tgt[nt] = malloc(tl + 1);
        memset(tgt[nt], 'b', tl);
        tgt[nt][tl] = '\0';
        jisr_ladder_push(t, i, 1, nt, 1, 0);
        nt++;
    }
    if (!truth)
        jisr_ladder_free(&own);
    return nt;
}

/* Free what synthetic_doc made, and the arrays src and tgt themselves. */
static inline void synthetic_doc_free(char **src, size_t ns, char **tgt, size_t nt)
{
    for (size_t i = 0; i < ns; i++)
        free(src[i]);
    for (size_t i = 0; i < nt; i++)
        free(tgt[i]);
    free(src);
    free(tgt);
}

#endif
