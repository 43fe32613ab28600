/*
 * dp.c — the banded dynamic programme that turns bead costs into a ladder.
 *
 * Cells (i, j) mean "the first i source and j target sentences are aligned"; a bead of shape
 * (a, b) moves from (i-a, j-b) to (i, j). Only a band of cells is evaluated: each row i keeps a
 * range [lo[i], hi[i]] of columns, stored back to back, so time and memory are linear in the
 * document length for a fixed width. The first band follows the diagonal of the grid; when the
 * best path comes within reach of the band's edge (the true path may lie outside), the band is
 * re-centred on that path with twice the width and the DP runs again, until the path stays
 * inside or the band covers the grid. Small grids are done whole in one pass.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

const unsigned char jisr_bead_shape[JISR_NBEADS][2] = {
    {1, 1}, {1, 0}, {0, 1}, {2, 1}, {1, 2}, {2, 2}, {3, 1}, {1, 3},
};

static _Thread_local jisr_dp_stats dp_stats;

const jisr_dp_stats *jisr_align_dp_stats(void)
{
    return &dp_stats;
}

#define FULL_GRID_CELLS ((size_t)1 << 8)
#define DEFAULT_BAND 8
#define NO_BACK 255

typedef struct band {
    size_t *lo, *hi, *off; /* per row 0..ns; off[ns+1] = cells */
} band;

static size_t zmax(size_t a, size_t b)
{
    return a > b ? a : b;
}

static size_t zmin(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Widens [lo, hi] per row by w, clamps to the grid and computes offsets. */
static size_t band_finish(band *bd, size_t ns, size_t nt, size_t w)
{
    size_t cells = 0;
    for (size_t i = 0; i <= ns; i++) {
        bd->lo[i] = bd->lo[i] > w ? bd->lo[i] - w : 0;
        bd->hi[i] = zmin(nt, bd->hi[i] + w);
        bd->off[i] = cells;
        cells += bd->hi[i] - bd->lo[i] + 1;
    }
    bd->off[ns + 1] = cells;
    return cells;
}

int jisr_align_dp(size_t ns, size_t nt, size_t bandw, jisr_band_fn prepare, jisr_bead_cost_fn cost,
                  void *ctx, jisr_ladder *out)
{
    out->n = 0;
    memset(&dp_stats, 0, sizeof dp_stats);
    int rc = 0;
    band bd = {0};
    double *D = NULL;
    unsigned char *B = NULL;
    size_t *pi = NULL, *pj = NULL; /* path cells, end first */
    size_t np = 0;
    bd.lo = malloc((ns + 1) * sizeof *bd.lo);
    bd.hi = malloc((ns + 1) * sizeof *bd.hi);
    bd.off = malloc((ns + 2) * sizeof *bd.off);
    pi = malloc((ns + nt + 2) * sizeof *pi);
    pj = malloc((ns + nt + 2) * sizeof *pj);
    if (!bd.lo || !bd.hi || !bd.off || !pi || !pj) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t w = bandw;
    if (w == 0)
        w = (ns + 1) * (nt + 1) <= FULL_GRID_CELLS ? zmax(ns, nt) : DEFAULT_BAND;
    /* the first band: the diagonal, each row spanning from its centre to the next row's */
    for (size_t i = 0; i <= ns; i++) {
        size_t c0 = ns ? (size_t)((double)i * (double)nt / (double)ns) : 0;
        size_t c1 = ns ? (size_t)((double)(i + 1) * (double)nt / (double)ns + 0.999) : nt;
        bd.lo[i] = i == 0 ? 0 : zmin(c0, nt);
        bd.hi[i] = zmin(zmax(c1, c0), nt);
    }
    for (int pass = 1;; pass++) {
        size_t cells = band_finish(&bd, ns, nt, w);
        free(D);
        free(B);
        D = malloc(cells * sizeof *D);
        B = malloc(cells);
        if (!D || !B) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory (%zu DP cells)", cells);
            goto done;
        }
        if (prepare && (rc = prepare(ctx, ns, bd.lo, bd.hi)) < 0)
            goto done;
        dp_stats.cells = cells;
        dp_stats.passes = pass;
        dp_stats.band = w;
        for (size_t i = 0; i <= ns; i++) {
            for (size_t j = bd.lo[i]; j <= bd.hi[i]; j++) {
                size_t k = bd.off[i] + (j - bd.lo[i]);
                double best = DBL_MAX;
                unsigned char bb = NO_BACK;
                if (i == 0 && j == 0)
                    best = 0;
                for (int t = 0; t < JISR_NBEADS; t++) {
                    size_t a = jisr_bead_shape[t][0], b = jisr_bead_shape[t][1];
                    if (a > i || b > j)
                        continue;
                    size_t qi = i - a, qj = j - b;
                    if (qj < bd.lo[qi] || qj > bd.hi[qi])
                        continue;
                    double d = D[bd.off[qi] + (qj - bd.lo[qi])];
                    if (d == DBL_MAX)
                        continue;
                    d += cost(ctx, i, j, (int)a, (int)b, NULL);
                    if (d < best) {
                        best = d;
                        bb = (unsigned char)t;
                    }
                }
                D[k] = best;
                B[k] = bb;
            }
        }
        int full = bd.lo[ns] == 0 && bd.hi[0] == nt;
        for (size_t i = 0; full && i <= ns; i++)
            full = bd.lo[i] == 0 && bd.hi[i] == nt;
        int reached = nt >= bd.lo[ns] && D[bd.off[ns] + (nt - bd.lo[ns])] != DBL_MAX;
        int touches = !reached;
        np = 0;
        if (reached) {
            size_t i = ns, j = nt;
            pi[np] = i;
            pj[np++] = j;
            while (i || j) {
                unsigned char t = B[bd.off[i] + (j - bd.lo[i])];
                if (t == NO_BACK) { /* cannot happen once reached; be safe */
                    touches = 1;
                    break;
                }
                i -= jisr_bead_shape[t][0];
                j -= jisr_bead_shape[t][1];
                pi[np] = i;
                pj[np++] = j;
                if ((j <= bd.lo[i] + 2 && bd.lo[i] > 0) || (j + 2 >= bd.hi[i] && bd.hi[i] < nt))
                    touches = 1;
            }
        }
        if (full || !touches)
            break;
        /* re-centre on the path and double the width */
        if (reached) {
            for (size_t r = 0; r <= ns; r++) {
                bd.lo[r] = SIZE_MAX;
                bd.hi[r] = 0;
            }
            for (size_t k = np; k-- > 1;) { /* path runs end first: k is the earlier cell */
                size_t i0 = pi[k], j0 = pj[k], i1 = pi[k - 1], j1 = pj[k - 1];
                for (size_t r = i0; r <= i1; r++) {
                    bd.lo[r] = zmin(bd.lo[r], j0);
                    bd.hi[r] = zmax(bd.hi[r], j1);
                }
            }
            if (np == 1) {
                bd.lo[0] = 0;
                bd.hi[0] = 0;
            }
        }
        /* not reached: keep the (already widened) band; the next pass widens it again */
        w *= 2;
    }
    /* the path, start first, as beads with their scores */
    for (size_t k = np; k-- > 1;) {
        size_t i0 = pi[k], j0 = pj[k], i1 = pi[k - 1], j1 = pj[k - 1];
        double score = 0;
        cost(ctx, i1, j1, (int)(i1 - i0), (int)(j1 - j0), &score);
        if ((rc = jisr_ladder_push(out, i0, i1 - i0, j0, j1 - j0, score)) < 0)
            goto done;
    }
done:
    free(bd.lo);
    free(bd.hi);
    free(bd.off);
    free(D);
    free(B);
    free(pi);
    free(pj);
    return rc;
}
