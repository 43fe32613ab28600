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
 *
 * Once the runs are rendered as text, srv_diff_tidy drops those that render as nothing (a
 * stored tag's placeholder) and puts back where it belongs the stored gap that a substitution
 * writes between two of the query's deletions (the query "Click <b>Save" against a stored
 * "Click <bpt/>Save": the page showed "Click <b >Save", a space in neither text).
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

/* ---- tidying the rendered runs ---------------------------------------------------------- */

static int all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return n > 0;
}

/* 1 when q holds a immediately followed by b, and nowhere a, whitespace, b: the query wrote the
 * two tokens side by side, so whitespace between them in the diff is not the query's */
static int side_by_side(const char *q, size_t qn, const srv_diff_text *a, const srv_diff_text *b)
{
    int adjacent = 0;
    for (size_t i = 0; a->n <= qn && i <= qn - a->n; i++) {
        if (memcmp(q + i, a->s, a->n) != 0)
            continue;
        size_t j = i + a->n, k = j;
        while (k < qn && (q[k] == ' ' || q[k] == '\t' || q[k] == '\n' || q[k] == '\r'))
            k++;
        if (b->n > qn - k || memcmp(q + k, b->s, b->n) != 0)
            continue;
        if (k > j)
            return 0;
        adjacent = 1;
    }
    return adjacent;
}

/* v[i] += v[i + 1] (one op), v[i + 1] removed; 0 or -1 */
static int join_next(srv_diff_text *v, size_t *n, size_t i)
{
    char *t = realloc(v[i].s, v[i].n + v[i + 1].n + 1);
    if (!t)
        return -1;
    memcpy(t + v[i].n, v[i + 1].s, v[i + 1].n + 1);
    v[i].s = t;
    v[i].n += v[i + 1].n;
    free(v[i + 1].s);
    memmove(v + i + 1, v + i + 2, (*n - i - 2) * sizeof *v);
    (*n)--;
    return 0;
}

/* empty runs dropped, neighbours of one op joined */
static int compact(srv_diff_text *v, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (v[i].n == 0)
            free(v[i].s);
        else
            v[k++] = v[i];
    }
    *n = k;
    for (size_t i = 0; i + 1 < *n;)
        if (v[i].op == v[i + 1].op) {
            if (join_next(v, n, i) < 0)
                return -1;
        } else {
            i++;
        }
    return 0;
}

/* the stored whitespace v[i] (between the deletions v[i - 1] and v[i + 1]) off the query's side;
 * 0 or -1 */
static int move_gap(srv_diff_text *v, size_t *n, size_t i)
{
    size_t c = i - 1; /* the first deletion */
    srv_diff_text w = v[i];
    memmove(v + i, v + i + 1, (*n - i - 1) * sizeof *v);
    (*n)--;
    if (c > 0 && v[c - 1].op == '=' && v[c - 1].n && v[c - 1].s[v[c - 1].n - 1] == ' ') {
        /* the library's space before the deletion is the query's; the stored gap stands for it
         * in both texts */
        srv_diff_text *e = &v[c - 1];
        char *t = realloc(e->s, e->n - 1 + w.n + 1);
        if (!t) {
            free(w.s);
            return -1;
        }
        memcpy(t + e->n - 1, w.s, w.n + 1);
        e->s = t;
        e->n += w.n - 1;
        free(w.s);
        return 0;
    }
    /* only in the stored text: before the deletions, where the stored text has it */
    memmove(v + c + 1, v + c, (*n - c) * sizeof *v);
    w.op = '+';
    v[c] = w;
    (*n)++;
    return 0;
}

int srv_diff_tidy(srv_diff_text *v, size_t *n, const char *q, size_t qn)
{
    if (compact(v, n) < 0)
        return -1;
    for (size_t i = 1; q && i + 1 < *n; i++) {
        if (v[i].op != '=' || v[i - 1].op != '-' || v[i + 1].op != '-' ||
            !all_space(v[i].s, v[i].n) || !side_by_side(q, qn, &v[i - 1], &v[i + 1]))
            continue;
        if (move_gap(v, n, i) < 0 || compact(v, n) < 0)
            return -1;
        i = 0; /* the deletions are one run now: look again from the start */
    }
    return 0;
}
