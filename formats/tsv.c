/*
 * tsv.c — two-column TSV and Moses two-file parallel text, readers and writers.
 *
 * TSV escaping (the same convention as ../shared/data/segmentation/golden_cases.tsv): a field
 * holds "\\" for a backslash, "\t" for a tab, "\n" for a line feed and "\r" for a carriage
 * return; any other backslash is kept as it stands, so Windows paths survive a hand-written
 * file. The writer escapes every backslash, so write → read is exact. Columns: source, target;
 * further columns (e.g. Tatoeba's attribution) are ignored; blank lines are skipped.
 *
 * Both formats carry plain text: inline tags are not written (jisr_variant_plain), but for a tag
 * holding an OmegaT shortcut ("<bpt i=\"1\">&lt;b0&gt;</bpt>"), which is written as that shortcut
 * ("<b0>"), as OmegaT's own memories hold it (jisr_variant_omegat_text); and the Moses writer
 * turns line breaks inside a segment into spaces, since a line is a segment there.
 * The source and target variants of a unit are the first ones matching the writer's srclang and
 * tgtlang (BCP 47 prefix match, a variant whose tag is the language exactly first; with both,
 * each variant on one side only: jisr_unit_pair_side), or the first two variants when no
 * language was given.
 *
 * Reading, the two languages are decided for the whole input, and a line whose sides are each
 * in the other side's script (Arabic against Latin) is read the other way round, with a warning.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/formats_int.h"
#include "text/text.h"
#include "text/text_int.h"
#include "util/plural.h"

/* A line read ahead (to guess the column languages) and handed out again later. */
typedef struct held_line {
    int rc; /* what jisr_lines_next returned */
    char *text;
    size_t len;
    unsigned long lineno;
    jisr_error err; /* rc < 0 */
} held_line;

typedef struct line_queue {
    held_line *v;
    size_t n, cap, next;
} line_queue;

typedef struct lines_reader {
    jisr_lines *a, *b; /* b: Moses target file */
    line_queue qa, qb; /* lines read ahead */
    jisr_buf s, t;
    int ar_side;    /* 0 or 1: the side in an Arabic-script language, the other in a Latin-script
                     * one, so a line with its sides swapped can be told (see swapped); else -1 */
    int esc_warned; /* escape_warning has been given */
} lines_reader;

/* The next line of l (from q first): what jisr_lines_next returns, with its number. */
static int next_line(jisr_lines *l, line_queue *q, const char **s, size_t *n, unsigned long *lineno)
{
    if (q->next < q->n) {
        held_line *h = &q->v[q->next++];
        *lineno = h->lineno;
        if (h->rc < 0)
            return jisr_error_set(h->err.code, h->err.file, h->err.line, h->err.col, "%s",
                                  h->err.msg);
        *s = h->text ? h->text : "";
        *n = h->len;
        return h->rc;
    }
    int rc = jisr_lines_next(l, s, n);
    *lineno = jisr_lines_lineno(l);
    return rc;
}

static void queue_free(line_queue *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i].text);
    free(q->v);
    memset(q, 0, sizeof *q);
}

/* Read up to max lines of l ahead into q; 0, or a memory/I/O error. */
static int read_ahead(jisr_lines *l, line_queue *q, size_t max)
{
    int rc;
    while (q->n < max) {
        const char *s = NULL;
        size_t n = 0;
        rc = jisr_lines_next(l, &s, &n);
        if (rc == 0)
            break;
        if ((rc == JISR_EIO || rc == JISR_ENOMEM))
            return rc;
        int grc;
        if ((grc = JISR_GROW(q->v, q->cap, q->n + 1)) < 0)
            return grc;
        held_line *h = &q->v[q->n++];
        memset(h, 0, sizeof *h);
        h->lineno = jisr_lines_lineno(l);
        h->rc = rc;
        if (rc < 0) {
            h->err = *jisr_error_last();
            continue;
        }
        if (!(h->text = jisr_strndup(s, n))) {
            q->n--;
            return JISR_ENOMEM;
        }
        h->len = n;
    }
    return 0;
}

/* s[0..n) with TSV's escapes read into out. *ctl gets the offset of the first \t, \n or \r
 * read as a control character (they change the text's shape, and a hand-written Windows path
 * such as C:\new\temp holds them by accident: the reader warns once per file), else n. */
static int unescape(jisr_buf *out, const char *s, size_t n, size_t *ctl)
{
    int rc;
    *ctl = n;
    jisr_buf_reset(out);
    if ((rc = jisr_buf_append(out, "", 0)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            char e = s[i + 1];
            char r = e == '\\' ? '\\' : e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : 0;
            if (r) {
                if (r != '\\' && *ctl == n)
                    *ctl = i;
                c = r;
                i++;
            }
        }
        if ((rc = jisr_buf_putc(out, c)) < 0)
            return rc;
    }
    return 0;
}

/* The first \t, \n or \r of the file, at line[at], was read as a tab, line feed or carriage
 * return: say so once, at FILE:LINE:COL, with what keeps a backslash literal. */
static void escape_warning(jisr_reader *r, lines_reader *lr, const char *line, size_t at,
                           unsigned long lineno)
{
    size_t col = 1; /* in code points: the line is valid UTF-8 */
    for (size_t i = 0; i < at; i++)
        col += ((unsigned char)line[i] & 0xC0) != 0x80;
    char e = line[at + 1];
    fmt_reader_warn(r, lineno, col,
                    "\\%c read as a %s: in TSV \\t, \\n and \\r are a tab, a line feed and a "
                    "carriage return, and \\\\ a backslash (warned once per file; the others "
                    "are read so too). If the backslashes of this file are literal (a Windows "
                    "path such as C:\\new), write each as \\\\",
                    e,
                    e == 't'   ? "tab"
                    : e == 'n' ? "line feed"
                               : "carriage return");
    lr->esc_warned = 1;
}

/* ---- a line with its sides swapped -------------------------------------------------------
 *
 * The column languages are decided once for the file (given, or guessed from its first lines),
 * but a file put together from several sources may hold a line the other way round: the
 * Arabic under the English column's language and the English under Arabic, unreachable by
 * either language afterwards. When one side is in an Arabic-script language and the other in a
 * Latin-script one, each line is checked: a line whose two sides are each written in the other
 * side's script is read the other way round, with a warning naming the line. Swapped rather
 * than skipped: both texts are there and which is which is not in doubt, so skipping would only
 * lose a good pair (`lexicon train` already picks each unit's sides by script). Only letters
 * count: digits, punctuation and codes fit either side, so a side without letters ("12",
 * "2.0", "—") never makes a line swapped, and a side of both scripts counts as the one that
 * holds 4 in 5 of its letters, or as neither. A usual line stops after its Arabic side, whose
 * letters are Arabic. */

/* The side in an Arabic-script language when the other is in a Latin-script one, else -1. */
static int arabic_side(const char *srclang, const char *tgtlang)
{
    int a = jisr_lang_script(srclang ? srclang : ""), b = jisr_lang_script(tgtlang ? tgtlang : "");
    return a == 1 && b == 2 ? 0 : a == 2 && b == 1 ? 1 : -1;
}

/* Whether s[0..n) (UTF-8) is written in Arabic letters (arabic) or Latin ones (!arabic): at
 * least one letter of that script and 4 in 5 of its Arabic and Latin letters. Arabic letters:
 * U+0620–U+064A, U+066E–U+06D3, U+06D5, U+06EE–U+06EF, U+06FA–U+06FF, U+0750–U+077F (not the
 * marks, digits and punctuation of the block); Latin: A–Z, a–z, U+00C0–U+024F but × and ÷. A
 * byte of another character never matches the lead bytes looked at (C3–C9, D8–DB, DD). */
static int written_in(const char *s, size_t n, int arabic)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t ar = 0, la = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        if (c < 0x80) {
            la += (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
            continue;
        }
        if (c < 0xC3 || c > 0xDD || i + 1 >= n || (p[i + 1] & 0xC0) != 0x80)
            continue;
        unsigned cp = ((c & 0x1Fu) << 6) | (p[++i] & 0x3Fu);
        if (cp <= 0x24F)
            la += cp >= 0xC0 && cp != 0xD7 && cp != 0xF7;
        else if (cp >= 0x600)
            ar += (cp >= 0x620 && cp <= 0x64A) || (cp >= 0x66E && cp <= 0x6D3) || cp == 0x6D5 ||
                  cp == 0x6EE || cp == 0x6EF || (cp >= 0x6FA && cp <= 0x6FF) ||
                  (cp >= 0x750 && cp <= 0x77F);
    }
    size_t in = arabic ? ar : la, other = arabic ? la : ar;
    return in > 0 && in >= 4 * other;
}

/* Whether a line's sides (side 0: s, side 1: t) are each written in the other's script. */
static int swapped(const lines_reader *lr, const char *s, size_t sn, const char *t, size_t tn)
{
    if (lr->ar_side < 0)
        return 0;
    const char *a = lr->ar_side ? t : s, *l = lr->ar_side ? s : t;
    size_t an = lr->ar_side ? tn : sn, ln = lr->ar_side ? sn : tn;
    return written_in(a, an, 0) && written_in(l, ln, 1);
}

static int make_unit(jisr_reader *r, jisr_unit *u, unsigned long line, const char *s, size_t sn,
                     const char *t, size_t tn)
{
    int rc;
    lines_reader *lr = r->impl;
    if (swapped(lr, s, sn, t, tn)) {
        fmt_reader_warn(r, line, 1,
                        "%s swapped: the %s %s is in %s letters and the %s %s in %s letters; "
                        "read the other way round",
                        lr->b ? "lines" : "columns", r->srclang, lr->b ? "file's line" : "column",
                        lr->ar_side ? "Arabic" : "Latin", r->tgtlang,
                        lr->b ? "file's line" : "column", lr->ar_side ? "Latin" : "Arabic");
        const char *x = s;
        size_t xn = sn;
        s = t;
        sn = tn;
        t = x;
        tn = xn;
    }
    u->line = line;
    u->col = 1;
    if ((rc = jisr_unit_add_variant(u, r->srclang, s, sn, NULL)) < 0 ||
        (rc = jisr_unit_add_variant(u, r->tgtlang, t, tn, NULL)) < 0 ||
        (rc = fmt_check_breaks(r, u)) < 0)
        return rc;
    return 1;
}

/* A line error with --skip-bad: the line reader has consumed the whole line, so reading goes
 * on at the next one. I/O and memory errors always end the read. */
static int skippable(const jisr_reader *r, int rc)
{
    return (r->flags & JISR_READ_SKIP_BAD) && rc != JISR_EIO && rc != JISR_ENOMEM;
}

static int tsv_next(jisr_reader *r, jisr_unit *u)
{
    lines_reader *lr = r->impl;
    int rc;
    jisr_unit_clear(u);
    for (;;) {
        const char *line;
        size_t n;
        unsigned long lineno;
        rc = next_line(lr->a, &lr->qa, &line, &n, &lineno);
        r->bytes = jisr_lines_consumed(lr->a);
        if (rc <= 0) {
            if (rc < 0 && skippable(r, rc)) {
                fmt_reader_bad(r);
                continue;
            }
            return rc;
        }
        if (n == 0)
            continue;
        const char *tab = memchr(line, '\t', n);
        if (!tab) {
            size_t end = 1; /* the column after the line's end, in code points (valid UTF-8) */
            for (size_t i = 0; i < n; i++)
                end += ((unsigned char)line[i] & 0xC0) != 0x80;
            rc = jisr_error_set(JISR_EPARSE, r->path, lineno, end,
                                "expected two tab-separated columns (source, target)");
            if (!skippable(r, rc))
                return rc;
            fmt_reader_bad(r);
            continue;
        }
        const char *t = tab + 1;
        const char *end = memchr(t, '\t', n - (size_t)(t - line));
        size_t tn = end ? (size_t)(end - t) : n - (size_t)(t - line);
        size_t cs, ct;
        if ((rc = unescape(&lr->s, line, (size_t)(tab - line), &cs)) < 0 ||
            (rc = unescape(&lr->t, t, tn, &ct)) < 0)
            return rc;
        if (!lr->esc_warned && (cs < (size_t)(tab - line) || ct < tn))
            escape_warning(r, lr, line, cs < (size_t)(tab - line) ? cs : (size_t)(t - line) + ct,
                           lineno);
        rc = make_unit(r, u, lineno, lr->s.data, lr->s.len, lr->t.data, lr->t.len);
        if (rc >= 0 || !skippable(r, rc))
            return rc;
        jisr_unit_clear(u);
        fmt_reader_bad(r);
    }
}

static int moses_next(jisr_reader *r, jisr_unit *u)
{
    lines_reader *lr = r->impl;
    int rc, rc2;
    jisr_unit_clear(u);
    for (;;) {
        const char *s, *t;
        size_t sn, tn;
        /* both sides advance by one line even when one of them is bad, so they stay paired */
        unsigned long la, lb;
        rc = next_line(lr->a, &lr->qa, &s, &sn, &la);
        jisr_error e1 = *jisr_error_last();
        rc2 = next_line(lr->b, &lr->qb, &t, &tn, &lb);
        r->bytes = jisr_lines_consumed(lr->a) + jisr_lines_consumed(lr->b);
        if (rc < 0 || rc2 < 0) {
            int bad = rc < 0 ? rc : rc2;
            if (rc < 0) /* the source side's error is the one to report */
                jisr_error_set(e1.code, e1.file, e1.line, e1.col, "%s", e1.msg);
            if (!skippable(r, bad) || (rc == 0 || rc2 == 0))
                return bad;
            fmt_reader_bad(r);
            continue;
        }
        if (rc == 0 && rc2 == 0)
            return 0;
        if (rc == 0 || rc2 == 0) {
            jisr_lines *shorter = rc == 0 ? lr->a : lr->b;
            jisr_lines *longer = rc == 0 ? lr->b : lr->a;
            return jisr_error_set(
                JISR_EPARSE, jisr_lines_name(shorter), jisr_lines_lineno(shorter) + 1, 1,
                "ends after %lu %s but %s has more", jisr_lines_lineno(shorter),
                jisr_plural(jisr_lines_lineno(shorter), "line", "lines"), jisr_lines_name(longer));
        }
        if (sn == 0 && tn == 0)
            continue;
        rc = make_unit(r, u, la, s, sn, t, tn);
        if (rc >= 0 || !skippable(r, rc))
            return rc;
        jisr_unit_clear(u);
        fmt_reader_bad(r);
    }
}

static void lines_close(jisr_reader *r)
{
    lines_reader *lr = r->impl;
    if (!lr)
        return;
    jisr_lines_close(lr->a);
    jisr_lines_close(lr->b);
    queue_free(&lr->qa);
    queue_free(&lr->qb);
    jisr_buf_free(&lr->s);
    jisr_buf_free(&lr->t);
    free(lr);
    r->impl = NULL;
}

static int lines_open(jisr_reader *r, jisr_lines *a, jisr_lines *b)
{
    lines_reader *lr = calloc(1, sizeof *lr);
    if (!lr) {
        jisr_lines_close(a);
        jisr_lines_close(b);
        return jisr_oom(sizeof *lr);
    }
    r->impl = lr;
    r->close = lines_close;
    lr->a = a;
    lr->b = b;
    lr->ar_side = -1;
    jisr_lines_set_max(a, fmt_line_max);
    jisr_lines_set_max(b, fmt_line_max);
    return 0;
}

/* ---- the column languages ---------------------------------------------------------------- */

#define GUESS_LINES 200         /* lines read ahead to guess a column's language */
#define GUESS_BYTES (32u << 10) /* text of one column looked at, at most */

/* "en" from "corpus.en", "ar" from "x/ar" … : a 2-3 letter extension, else NULL (into buf). */
static const char *lang_from_name(const char *name, char *buf, size_t bufsz)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash + 1 : name, '.');
    if (!dot)
        return NULL;
    size_t n = strlen(dot + 1);
    if (n < 2 || n > 3 || n >= bufsz)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = dot[1 + i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return NULL;
        buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    buf[n] = '\0';
    return strcmp(buf, "txt") == 0 ? NULL : buf;
}

static int set_lang(char **slot, const char *lang)
{
    char *d = jisr_strdup(lang);
    if (!d)
        return JISR_ENOMEM;
    free(*slot);
    *slot = d;
    return 0;
}

/* Column languages not given in the options: a Moses file's language extension, else the
 * script of the column's first lines (jisr_text_guess_lang: Arabic or Latin). A guess that
 * cannot tell the two columns apart is an error: storing units under "und" would make them
 * unreachable by language. */
static int guess_langs(jisr_reader *r, lines_reader *lr)
{
    int rc;
    char ext[8];
    const char *e;
    if (lr->b) {
        if (!(r->langs_given & 1) && (e = lang_from_name(jisr_lines_name(lr->a), ext, sizeof ext)))
            if ((rc = set_lang(&r->srclang, e)) < 0)
                return rc;
        if (!(r->langs_given & 2) && (e = lang_from_name(jisr_lines_name(lr->b), ext, sizeof ext)))
            if ((rc = set_lang(&r->tgtlang, e)) < 0)
                return rc;
        if (strcmp(r->srclang, "und") != 0 && strcmp(r->tgtlang, "und") != 0)
            return 0;
    }
    if ((rc = read_ahead(lr->a, &lr->qa, GUESS_LINES)) < 0 ||
        (lr->b && (rc = read_ahead(lr->b, &lr->qb, GUESS_LINES)) < 0))
        return rc;
    jisr_buf col[2] = {{0}, {0}};
    size_t nlines = 0;
    for (size_t i = 0; i < lr->qa.n && rc == 0; i++) {
        const held_line *h = &lr->qa.v[i];
        if (h->rc != 1 || !h->len)
            continue;
        const char *f1 = h->text, *f2 = NULL;
        size_t n1 = h->len, n2 = 0;
        if (lr->b) {
            if (i >= lr->qb.n || lr->qb.v[i].rc != 1)
                continue;
            f2 = lr->qb.v[i].text;
            n2 = lr->qb.v[i].len;
        } else {
            const char *tab = memchr(f1, '\t', n1);
            if (!tab)
                continue;
            f2 = tab + 1;
            n2 = n1 - (size_t)(f2 - f1);
            const char *tab2 = memchr(f2, '\t', n2);
            if (tab2)
                n2 = (size_t)(tab2 - f2);
            n1 = (size_t)(tab - f1);
        }
        nlines++;
        if (col[0].len < GUESS_BYTES)
            rc = jisr_buf_append(&col[0], f1, n1);
        if (rc == 0 && col[1].len < GUESS_BYTES)
            rc = jisr_buf_append(&col[1], f2, n2);
        if (rc == 0)
            rc = jisr_buf_putc(&col[0], ' ') < 0 || jisr_buf_putc(&col[1], ' ') < 0 ? JISR_ENOMEM
                                                                                    : 0;
    }
    const char *g[2] = {"und", "und"};
    for (int k = 0; k < 2 && rc == 0; k++)
        g[k] = col[k].len ? jisr_text_guess_lang(col[k].data, col[k].len) : "und";
    jisr_buf_free(&col[0]);
    jisr_buf_free(&col[1]);
    if (rc < 0 || nlines == 0) /* nothing to read: no unit will need a language */
        return rc;
    const char *src = (r->langs_given & 1) ? r->srclang : g[0];
    const char *tgt = (r->langs_given & 2) ? r->tgtlang : g[1];
    if (strcmp(src, "und") == 0 || strcmp(tgt, "und") == 0 || jisr_lang_equal(src, tgt))
        return jisr_error_set(JISR_EINVAL, r->path, 0, 0,
                              "cannot tell the languages of the %s apart by their script (%zu "
                              "line%s read: %s and %s): give them (-s/--source, -t/--target)",
                              lr->b ? "two files" : "two columns", nlines, nlines == 1 ? "" : "s",
                              g[0], g[1]);
    if ((rc = set_lang(&r->srclang, src)) < 0 || (rc = set_lang(&r->tgtlang, tgt)) < 0)
        return rc;
    return 0;
}

int fmt_tsv_reader_open(jisr_reader *r, jisr_lines *l)
{
    int rc = lines_open(r, l, NULL);
    r->next = tsv_next;
    if (rc == 0 && r->langs_given != 3)
        rc = guess_langs(r, r->impl);
    if (rc == 0)
        ((lines_reader *)r->impl)->ar_side = arabic_side(r->srclang, r->tgtlang);
    return rc;
}

int fmt_moses_reader_open(jisr_reader *r, jisr_lines *a, jisr_lines *b)
{
    int rc = lines_open(r, a, b);
    r->next = moses_next;
    if (rc == 0 && r->langs_given != 3)
        rc = guess_langs(r, r->impl);
    if (rc == 0)
        ((lines_reader *)r->impl)->ar_side = arabic_side(r->srclang, r->tgtlang);
    return rc;
}

/* ---- writers ------------------------------------------------------------------------------ */

/* The variant of u for lang: the first whose tag is lang exactly, else the first lang is a
 * prefix of; with other (the other column's language) only a variant on lang's side of the pair
 * (jisr_unit_pair_side: one variant never fills both columns). NULL when there is none. */
static const jisr_variant *pick(const jisr_unit *u, const char *lang, const char *other, int side)
{
    const jisr_variant *first = NULL;
    for (size_t i = 0; i < u->nvariants; i++) {
        const jisr_variant *v = &u->variants[i];
        if (other ? jisr_unit_pair_side(u, i, side == 1 ? lang : other, side == 1 ? other : lang) !=
                        side
                  : !jisr_lang_matches(v->lang, lang))
            continue;
        if (jisr_lang_equal(v->lang, lang))
            return v;
        if (!first)
            first = v;
    }
    return first;
}

/* The source and target variants of u for a two-column writer. */
static int pick_pair(jisr_writer *w, const jisr_unit *u, const jisr_variant **s,
                     const jisr_variant **t)
{
    /* a TMX header's srclang "*all*" names no language: fall back to the first variant */
    const char *want = w->srclang && strcmp(w->srclang, "*all*") != 0 ? w->srclang : NULL;
    *s = want ? pick(u, want, w->tgtlang, 1) : (u->nvariants ? &u->variants[0] : NULL);
    *t = NULL;
    if (w->tgtlang) {
        *t = pick(u, w->tgtlang, want, 2);
    } else if (*s) {
        for (size_t i = 0; i < u->nvariants && !*t; i++)
            if (&u->variants[i] != *s)
                *t = &u->variants[i];
    }
    if (!*s || !*t)
        return jisr_error_set(
            JISR_ENOTFOUND, w->path, 0, 0, "unit %lu%s%s%s has no %s variant", w->nunits + 1,
            u->tuid ? " (tuid " : "", u->tuid ? u->tuid : "", u->tuid ? ")" : "",
            !*s ? (w->srclang ? w->srclang : "source") : (w->tgtlang ? w->tgtlang : "second"));
    return 0;
}

static int plain_checked(jisr_writer *w, const jisr_variant *v, jisr_buf *out)
{
    int rc = 0;
    jisr_buf_reset(out);
    jisr_variant tv = *v;
    jisr_buf text = {0};
    /* the tags holding an OmegaT shortcut as the shortcut, the others dropped */
    if (v->ntags && (rc = jisr_variant_omegat_text(v, &text)) > 0)
        tv.text = text.data;
    if (rc >= 0)
        rc = jisr_variant_plain(&tv, out);
    jisr_buf_free(&text);
    if (rc < 0)
        return rc;
    size_t bad;
    if (fmt_check_utf8(out->data, out->len, &bad) < 0)
        return jisr_error_set(JISR_EENCODING, w->path, 0, 0,
                              "unit %lu: %s text is not valid UTF-8 (byte %zu)", w->nunits + 1,
                              v->lang ? v->lang : "", bad);
    return 0;
}

int jisr_tsv_escape(jisr_buf *b, const char *s, size_t n)
{
    int rc;
    if (!b || (!s && n)) /* NULL and 0 is the empty text */
        return jisr_null_arg("jisr_tsv_escape", b ? "s" : "b");
    for (size_t i = 0; i < n; i++) {
        const char *e = NULL;
        switch (s[i]) {
        case '\\':
            e = "\\\\";
            break;
        case '\t':
            e = "\\t";
            break;
        case '\n':
            e = "\\n";
            break;
        case '\r':
            e = "\\r";
            break;
        default:
            break;
        }
        rc = e ? jisr_buf_puts(b, e) : jisr_buf_putc(b, s[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int put_oneline(jisr_buf *b, const char *s, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
            continue;
        if ((rc = jisr_buf_putc(b, (c == '\n' || c == '\r') ? ' ' : c)) < 0)
            return rc;
    }
    return 0;
}

static int tsv_write(jisr_writer *w, const jisr_unit *u)
{
    const jisr_variant *s, *t;
    jisr_buf tmp = {0};
    int rc;
    if ((rc = pick_pair(w, u, &s, &t)) < 0)
        return rc;
    size_t mark = w->buf.len;
    if ((rc = plain_checked(w, s, &tmp)) < 0 ||
        (rc = jisr_tsv_escape(&w->buf, tmp.data, tmp.len)) < 0 ||
        (rc = jisr_buf_putc(&w->buf, '\t')) < 0 || (rc = plain_checked(w, t, &tmp)) < 0 ||
        (rc = jisr_tsv_escape(&w->buf, tmp.data, tmp.len)) < 0 ||
        (rc = jisr_buf_putc(&w->buf, '\n')) < 0) {
        w->buf.len = mark;
        jisr_buf_free(&tmp);
        return rc;
    }
    jisr_buf_free(&tmp);
    return w->buf.len >= (1u << 16) ? fmt_writer_flush(w, w->f, &w->buf) : 0;
}

static int moses_write(jisr_writer *w, const jisr_unit *u)
{
    const jisr_variant *s, *t;
    jisr_buf tmp = {0}, line2 = {0};
    int rc;
    if ((rc = pick_pair(w, u, &s, &t)) < 0)
        return rc;
    size_t mark = w->buf.len;
    if ((rc = plain_checked(w, s, &tmp)) < 0 ||
        (rc = put_oneline(&w->buf, tmp.data, tmp.len)) < 0 ||
        (rc = jisr_buf_putc(&w->buf, '\n')) < 0 || (rc = plain_checked(w, t, &tmp)) < 0 ||
        (rc = put_oneline(&line2, tmp.data, tmp.len)) < 0 ||
        (rc = jisr_buf_putc(&line2, '\n')) < 0) {
        w->buf.len = mark;
        goto done;
    }
    /* the target line goes straight out so both files always hold the same number of lines */
    if ((rc = fmt_writer_flush(w, w->f2, &line2)) < 0)
        goto done;
    if (w->buf.len >= (1u << 16))
        rc = fmt_writer_flush(w, w->f, &w->buf);
done:
    jisr_buf_free(&tmp);
    jisr_buf_free(&line2);
    return rc;
}

static int lines_finish(jisr_writer *w)
{
    return fmt_writer_flush(w, w->f, &w->buf);
}

int fmt_tsv_writer_begin(jisr_writer *w)
{
    w->write = tsv_write;
    w->finish = lines_finish;
    return 0;
}

int fmt_moses_writer_begin(jisr_writer *w)
{
    w->write = moses_write;
    w->finish = lines_finish;
    return 0;
}
