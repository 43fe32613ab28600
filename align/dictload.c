/*
 * dictload.c — loading a bilingual dictionary into (source id, target id) pairs.
 *
 * Dictionaries list words and phrases; the aligner wants stems. A dictd entry of FreeDict
 * ara-eng is a headword line ("word /ipa/") followed by one translation per line, numbered or
 * not; every content word of a short translation (at most three content words, English function
 * words dropped) is paired with the stem of a one-word headword. Descriptive glosses and multi-word
 * headwords are skipped: they would pair a word with half the language. Headwords are
 * Arabic whenever one side of the aligner is Arabic; a TSV dictionary has the aligner's source
 * language in its first column. Single words take a fast path (normalise + stem, no word
 * breaking) because the dictionary has 53,000 of them and is read at every start; the
 * translations of a dictd entry are only parsed once its headword occurs in the input.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "align/aligner_int.h"

#define W(s)                                                                                       \
    {                                                                                              \
        s, sizeof s - 1                                                                            \
    }
static const struct {
    const char *s;
    size_t n;
} stop_en[] = {
    W("a"),      W("an"),   W("the"),    W("of"),   W("to"),      W("in"),  W("on"),
    W("at"),     W("by"),   W("for"),    W("from"), W("with"),    W("and"), W("or"),
    W("as"),     W("is"),   W("be"),     W("that"), W("which"),   W("who"), W("it"),
    W("its"),    W("this"), W("not"),    W("into"), W("up"),      W("out"), W("some"),
    W("someth"), W("one"),  W("someon"), W("etc"),  W("oneself"),
};
#undef W

#define STOP_ID (UINT32_MAX - 1) /* memo value of a function word */

static int is_stop(const char *stem, size_t n)
{
    for (size_t i = 0; i < sizeof stop_en / sizeof stop_en[0]; i++)
        if (stop_en[i].n == n && memcmp(stop_en[i].s, stem, n) == 0)
            return 1;
    return 0;
}

typedef struct dload {
    jisr_aligner *a;
    char head_side, def_side; /* 'S' or 'T' */
    uint32_t heads[8];
} dload;

static int add_pair(jisr_aligner *a, char side1, uint32_t id1, uint32_t id2)
{
    uint32_t f = side1 == 'S' ? id1 : id2, e = side1 == 'S' ? id2 : id1;
    int rc = JISR_GROW(a->dpairs, a->capdpairs, 2 * a->ndpairs + 2); /* (f, e) side by side */
    if (rc < 0)
        return rc;
    a->dpairs[2 * a->ndpairs] = f;
    a->dpairs[2 * a->ndpairs + 1] = e;
    a->ndpairs++;
    return 0;
}

/* Content-word ids of a phrase into out (at most max); returns the count, or -1 when the phrase
 * has more than max content words, or a negative JISR_E* (< -1 never collides: codes are ≤ -1,
 * so errors are reported through *err). */
/* use_memo: remember the spelling (worth it for translations, which repeat, not for the
 * headwords, which are unique) */
static int phrase_ids(jisr_aligner *a, char side, const char *s, size_t n, uint32_t *out,
                      size_t max, int use_memo, int *err)
{
    *err = 0;
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (!n)
        return 0;
    int simple = 1;
    for (size_t i = 0; i < n && simple; i++) {
        unsigned char c = (unsigned char)s[i];
        simple = c >= 0x80 || isalpha(c);
    }
    jisr_stemmer *st = side == 'S' ? a->tk.sst : a->tk.tst;
    int en = jisr_lang_matches(side == 'S' ? a->tk.srclang : a->tk.tgtlang, "en");
    const char mside = side == 'S' ? 's' : 't'; /* memo keys of raw dictionary words */
    if (simple) { /* one word: normalise and stem directly, once per spelling */
        uint32_t id = use_memo ? al_tk_memo_get(&a->tk, mside, s, n) : UINT32_MAX;
        if (id == STOP_ID)
            return 0;
        if (id != UINT32_MAX) {
            out[0] = id;
            return 1;
        }
        jisr_buf_reset(&a->tk.nb);
        if ((*err = jisr_text_normalize(s, n, JISR_NORM_MATCH, &a->tk.nb)) < 0)
            return 0;
        const char *w = a->tk.nb.data ? a->tk.nb.data : "";
        size_t wn = a->tk.nb.len;
        for (size_t i = 0; i < wn; i++)
            if (w[i] == ' ')
                goto general;
        if (wn == 0)
            return 0;
        const char *stem = w;
        size_t sn = wn;
        if (st && !(stem = jisr_stemmer_stem(st, w, wn, &sn))) {
            stem = w;
            sn = wn;
        }
        if (en && is_stop(stem, sn)) {
            *err = use_memo ? al_tk_memo_put(&a->tk, mside, s, n, STOP_ID) : 0;
            return 0;
        }
        id = al_tk_intern(&a->tk, side, stem, sn);
        if (id == UINT32_MAX) {
            *err = JISR_ENOMEM;
            return 0;
        }
        if (use_memo && (*err = al_tk_memo_put(&a->tk, mside, s, n, id)) < 0)
            return 0;
        out[0] = id;
        return 1;
    }
general:
    a->tk.nids = 0;
    if ((*err = al_tk_sentence(&a->tk, side, s, n, 0, NULL)) < 0)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < a->tk.nids; i++) {
        uint32_t id = a->tk.ids[i];
        if (a->tk.kind[id] != (unsigned char)side)
            continue;
        const char *str = a->tk.voc.str[id] + 1;
        if (en && is_stop(str, strlen(str)))
            continue;
        if (k == max)
            return -1;
        out[k++] = id;
    }
    return (int)k;
}

/* Keeps the translation lines of a one-word headword for later: only the headwords that occur
 * in the input are expanded (al_dict_expand), which halves the start-up time. */
static int dictd_entry(void *ctx, const char *head, size_t hn, const char *def, size_t dn)
{
    dload *L = ctx;
    jisr_aligner *a = L->a;
    int err = 0;
    uint32_t h[2];
    if (memchr(head, ' ', hn)) /* a multi-word headword: skipped without word breaking */
        return 0;
    int nh = phrase_ids(a, L->head_side, head, hn, h, 1, 0, &err);
    if (err < 0)
        return err;
    if (nh != 1)
        return 0;
    const char *p = memchr(def, '\n', dn); /* skip the headword line */
    if (!p || (size_t)(p + 1 - def) >= dn)
        return 0;
    p++;
    int rc = JISR_GROW(a->dent, a->capdent, a->ndent + 1);
    if (rc < 0)
        return rc;
    al_dentry *e = &a->dent[a->ndent++];
    e->head = h[0];
    e->done = 0;
    e->off = a->ddefs.len;
    e->len = (size_t)(def + dn - p);
    return jisr_buf_append(&a->ddefs, p, e->len);
}

int al_dict_expand(jisr_aligner *a, int all)
{
    int err = 0;
    for (size_t n = 0; n < a->ndent; n++) {
        al_dentry *en = &a->dent[n];
        if (en->done)
            continue;
        uint32_t h = en->head;
        if (!all && (h >= a->tk.voc.n || (a->dict_head_side == 'S' ? a->df[h] : a->dft[h]) == 0))
            continue;
        en->done = 1;
        /* one translation per line, numbered ("2. Home") or not */
        const char *p = a->ddefs.data + en->off, *end = p + en->len;
        while (p < end) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            if (!eol)
                eol = end;
            const char *q = p;
            while (q < eol && isdigit((unsigned char)*q))
                q++;
            if (q > p && q < eol && *q == '.')
                q++;
            else
                q = p;
            uint32_t ids[4];
            int k = phrase_ids(a, a->dict_def_side, q, (size_t)(eol - q), ids, 3, 1, &err);
            if (err < 0)
                return err;
            for (int i = 0; i < k; i++)
                if ((err = add_pair(a, a->dict_head_side, h, ids[i])) < 0)
                    return err;
            p = eol + 1;
        }
    }
    return al_ensure_ids(a);
}

static int load_tsv(jisr_aligner *a, const char *path)
{
    jisr_buf b = {0};
    int rc = al_read_file(path, JISR_DICT_MAX_INDEX, 1, &b);
    if (rc < 0) {
        jisr_buf_free(&b);
        return rc;
    }
    jisr_lines *lr = NULL;
    rc = jisr_lines_open_memory(&lr, b.data ? b.data : "", b.len, path, 0);
    const char *p;
    size_t plen;
    while (rc == 0 && (rc = jisr_lines_next(lr, &p, &plen)) > 0) {
        rc = 0;
        unsigned long line = jisr_lines_lineno(lr);
        const char *eol = p + plen;
        const char *tab = memchr(p, '\t', plen);
        if (plen > 0 && *p != '#') {
            if (!tab) {
                rc = jisr_error_set(JISR_EPARSE, path, line, 1,
                                    "expected source<TAB>target (a dictd dictionary needs its "
                                    ".index file)");
                break;
            }
            const char *t2 = memchr(tab + 1, '\t', (size_t)(eol - tab - 1));
            const char *tend = t2 ? t2 : eol;
            uint32_t s[4], t[4];
            int err = 0;
            int ns = phrase_ids(a, 'S', p, (size_t)(tab - p), s, 4, 1, &err);
            if (err == 0 && ns > 0) {
                int nt = phrase_ids(a, 'T', tab + 1, (size_t)(tend - tab - 1), t, 4, 1, &err);
                for (int i = 0; err == 0 && i < ns; i++)
                    for (int j = 0; err == 0 && j < nt; j++)
                        err = add_pair(a, 'S', s[i], t[j]);
            }
            if (err < 0) {
                rc = err;
                break;
            }
        }
    }
    jisr_lines_close(lr);
    jisr_buf_free(&b);
    return rc < 0 ? rc : 0;
}

int al_load_dict(jisr_aligner *a, const char *path)
{
    size_t n = strlen(path);
    if (n > 6 && strcmp(path + n - 6, ".index") == 0) {
        jisr_buf dict = {0};
        FILE *f = NULL;
        int rc = jisr_buf_append(&dict, path, n - 6);
        if (rc == 0)
            rc = jisr_buf_puts(&dict, ".dict.dz");
        if (rc == 0 && !(f = fopen(dict.data, "rb"))) {
            dict.len -= 3;
            dict.data[dict.len] = '\0';
        }
        if (f)
            fclose(f);
        dload L = {a, 'S', 'T', {0}};
        if (jisr_lang_matches(a->tk.tgtlang, "ar") && !jisr_lang_matches(a->tk.srclang, "ar")) {
            L.head_side = 'T';
            L.def_side = 'S';
        }
        a->dict_head_side = L.head_side;
        a->dict_def_side = L.def_side;
        if (rc == 0)
            rc = jisr_dictd_read(path, dict.data, dictd_entry, &L);
        jisr_buf_free(&dict);
        return rc;
    }
    return load_tsv(a, path);
}
