/*
 * diffops.c — the library's word diff of a match (jisr_tm_match.diff: the stored source with
 * "[-only in the query-]" and "{+only in the match+}" marked) split into runs, for the JSON
 * API's "diff_ops". Pure code (no HTTP library, no memory), unit-tested in tests/test_serve.c.
 *
 * The markers are not escaped in the library's string, so a stored text that holds "[-" or
 * "{+" itself (wdiff output, wiki markup) cannot be told from a marker by reading the string
 * alone. What the library writes pins it down, though: outside "[-…-]" the diff is the stored
 * source byte for byte, but for the "{+"/"+}" markers and a space written before a deletion
 * that does not follow one (tm/diff.c, make_diff). So the split is the parse of the diff that
 * gives back the stored source: a depth-first search over (diff offset, source offset, inside
 * nothing / a deletion / an insertion), the literal reading tried first. On ordinary texts it
 * never backtracks; a text built to make it backtrack hits the step budget and gets no runs
 * (the caller then leaves "diff_ops" out and the string stays the only form).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"

enum { OUT, DEL, INS };                            /* where the parse is */
enum { LIT, SEP, OPEN_DEL, OPEN_INS, CLOSE, TXT }; /* a step */

typedef struct frame {
    uint32_t i, p;      /* offsets in the diff and in the source */
    unsigned char mode; /* OUT, DEL, INS */
    unsigned char next; /* the next alternative to try from here */
    unsigned char took; /* the step taken from here (valid below the top of the stack) */
} frame;

static int at(const char *d, size_t dn, size_t i, const char *lit)
{
    return dn - i >= 2 && d[i] == lit[0] && d[i + 1] == lit[1];
}

/* The steps possible from f, in the order tried; returns how many. */
static int steps(const frame *f, const char *d, size_t dn, const char *s, size_t sn,
                 unsigned char out[4])
{
    size_t i = f->i, p = f->p;
    int n = 0, lit = i < dn && p < sn && d[i] == s[p];
    if (i >= dn)
        return 0;
    switch (f->mode) {
    case OUT:
        /* the space before a deletion that follows no space is the library's, not the text's */
        if (d[i] == ' ' && at(d, dn, i + 1, "[-"))
            out[n++] = SEP;
        if (lit)
            out[n++] = LIT;
        if (at(d, dn, i, "[-"))
            out[n++] = OPEN_DEL;
        if (at(d, dn, i, "{+"))
            out[n++] = OPEN_INS;
        break;
    case DEL: /* a query token: any bytes, up to a "-]" */
        if (at(d, dn, i, "-]"))
            out[n++] = CLOSE;
        out[n++] = TXT;
        break;
    default: /* INS: the source's bytes, up to a "+}" */
        if (at(d, dn, i, "+}"))
            out[n++] = CLOSE;
        if (lit)
            out[n++] = LIT;
        break;
    }
    return n;
}

static frame step_to(const frame *f, unsigned char st)
{
    frame g = *f;
    g.next = 0;
    switch (st) {
    case LIT:
        g.i++;
        g.p++;
        break;
    case SEP:
    case TXT:
        g.i++;
        break;
    case OPEN_DEL:
    case OPEN_INS:
        g.i += 2;
        g.mode = st == OPEN_DEL ? DEL : INS;
        break;
    default: /* CLOSE */
        g.i += 2;
        g.mode = OUT;
        break;
    }
    return g;
}

/* the op of the byte a step consumes: '=', '-', '+', or 0 for a marker */
static char op_of(const frame *f, unsigned char st)
{
    if (st == SEP)
        return '=';
    if (st == TXT)
        return '-';
    if (st == LIT)
        return f->mode == INS ? '+' : '=';
    return 0;
}

int srv_diff_split(const char *d, size_t dn, const char *s, size_t sn, srv_diff_run **runs,
                   size_t *nruns)
{
    *runs = NULL;
    *nruns = 0;
    if (dn > SRV_DIFF_MAX || sn > dn)
        return -1;
    frame *st = malloc((dn + 2) * sizeof *st);
    if (!st)
        return -1;
    size_t n = 0, budget = 8 * dn + 4096;
    st[n++] = (frame){0, 0, OUT, 0, 0};
    int found = 0;
    while (n && budget--) {
        frame *f = &st[n - 1];
        if (f->i == dn && f->p == sn && f->mode == OUT) {
            found = 1;
            break;
        }
        unsigned char alt[4];
        int na = steps(f, d, dn, s, sn, alt);
        if (f->next >= na) {
            n--; /* nothing left to try here: back one step */
            continue;
        }
        f->took = alt[f->next++];
        st[n] = step_to(f, f->took);
        n++;
    }
    int rc = -1;
    if (found) {
        /* the path's bytes, coalesced into runs of one op */
        srv_diff_run *v = NULL;
        size_t nv = 0, cap = 0;
        rc = 0;
        for (size_t k = 0; k + 1 < n; k++) {
            char op = op_of(&st[k], st[k].took);
            if (!op)
                continue;
            if (nv && v[nv - 1].op == op && v[nv - 1].off + v[nv - 1].len == st[k].i) {
                v[nv - 1].len++;
                continue;
            }
            if (nv == cap) {
                cap = cap ? 2 * cap : 8;
                srv_diff_run *nvv = realloc(v, cap * sizeof *v);
                if (!nvv) {
                    rc = -1;
                    break;
                }
                v = nvv;
            }
            v[nv++] = (srv_diff_run){op, st[k].i, 1};
        }
        if (rc == 0) {
            *runs = v;
            *nruns = nv;
        } else {
            free(v);
        }
    }
    free(st);
    return rc;
}
