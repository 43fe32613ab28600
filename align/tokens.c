/*
 * tokens.c — the align layer's token service: sentences → dense token ids.
 *
 * A sentence becomes the ids of its tokens: stems of words (text layer normalisation with the
 * case kept, then case folding and Snowball), numbers in ASCII digits (the normaliser folds
 * every digit system) and the anchors ? ! and quotes. An id is the interned string kind byte +
 * text, kind 'S' a source word, 'T' a target word, 'N' a number, 'P' anchor punctuation:
 * numbers and anchors carry the same id on both sides, so they translate to themselves.
 * Stemming is the slow part, so every surface word is stemmed once (a memo keyed by side and
 * bytes). The aligner, the dictionary loader, the name matcher and the lexicon trainer all take
 * their ids from here, which is what makes a trained table mean the same thing to the aligner
 * that uses it; this file calls nothing above it.
 */
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

int al_tk_init(al_tk *tk, const char *srclang, const char *tgtlang)
{
    memset(tk, 0, sizeof *tk);
    snprintf(tk->srclang, sizeof tk->srclang, "%s", srclang ? srclang : "ar");
    snprintf(tk->tgtlang, sizeof tk->tgtlang, "%s", tgtlang ? tgtlang : "en");
    int rc = jisr_tokenizer_new(&tk->tk);
    if (rc < 0)
        return rc;
    /* a language without a stemmer keeps its words as they are */
    if (jisr_stemmer_new(&tk->sst, tk->srclang) < 0)
        tk->sst = NULL;
    if (jisr_stemmer_new(&tk->tst, tk->tgtlang) < 0)
        tk->tst = NULL;
    tk->arabic[0] = jisr_lang_matches(tk->srclang, "ar");
    tk->arabic[1] = jisr_lang_matches(tk->tgtlang, "ar");
    jisr_error_clear();
    return 0;
}

void al_tk_free(al_tk *tk)
{
    if (!tk)
        return;
    for (uint32_t id = 0; tk->surf && id < tk->voc.n; id++)
        free(tk->surf[id]);
    free(tk->surf);
    free(tk->surf_gen);
    free(tk->kind);
    free(tk->capn);
    free(tk->lown);
    free(tk->ids);
    free(tk->caps);
    al_vocab_free(&tk->voc);
    al_vocab_free(&tk->memo);
    free(tk->memo_id);
    jisr_tokenizer_free(tk->tk);
    jisr_tokens_free(&tk->toks);
    jisr_stemmer_free(tk->sst);
    jisr_stemmer_free(tk->tst);
    jisr_buf_free(&tk->nb);
    jisr_buf_free(&tk->lb);
    memset(tk, 0, sizeof *tk);
}

void al_tk_new_run(al_tk *tk)
{
    if (tk->idcap) {
        memset(tk->capn, 0, tk->idcap * sizeof *tk->capn);
        memset(tk->lown, 0, tk->idcap * sizeof *tk->lown);
    }
    tk->run_gen++;
}

const char *al_tk_surface(const al_tk *tk, uint32_t id)
{
    return id < tk->voc.n && tk->surf[id] && tk->surf_gen[id] == tk->run_gen ? tk->surf[id] : NULL;
}

/* The per-id arrays of the service follow the vocabulary. */
static int tk_ensure(al_tk *tk)
{
    uint32_t need = tk->voc.n;
    if (need <= tk->idcap)
        return 0;
    uint32_t cap = tk->idcap ? tk->idcap : 4096;
    while (cap < need)
        cap *= 2;
#define GROW(field)                                                                                \
    do {                                                                                           \
        void *p_ = realloc(tk->field, (size_t)cap * sizeof *tk->field);                            \
        if (!p_)                                                                                   \
            return jisr_oom(0);                                                                    \
        tk->field = p_;                                                                            \
        memset(tk->field + tk->idcap, 0, (size_t)(cap - tk->idcap) * sizeof *tk->field);           \
    } while (0)
    GROW(kind);
    GROW(surf);
    GROW(surf_gen);
    GROW(capn);
    GROW(lown);
#undef GROW
    tk->idcap = cap;
    return 0;
}

uint32_t al_tk_intern(al_tk *tk, char kind, const char *s, size_t n)
{
    char tmp[256];
    if (n + 1 > sizeof tmp)
        n = sizeof tmp - 1; /* very long tokens: the prefix is as good an identity */
    tmp[0] = kind;
    memcpy(tmp + 1, s, n);
    uint32_t id = al_vocab_intern(&tk->voc, tmp, n + 1);
    if (id == UINT32_MAX) {
        jisr_oom(0);
        return id;
    }
    if (tk_ensure(tk) < 0)
        return UINT32_MAX;
    tk->kind[id] = (unsigned char)kind;
    return id;
}

uint32_t al_tk_find(const al_tk *tk, char kind, const char *s, size_t n)
{
    char tmp[256];
    if (n + 1 > sizeof tmp)
        n = sizeof tmp - 1;
    tmp[0] = kind;
    memcpy(tmp + 1, s, n);
    return al_vocab_find(&tk->voc, tmp, n + 1);
}

static int is_quote(const char *s, size_t n)
{
    static const char *const q[] = {"\"",           "\xc2\xab",     "\xc2\xbb",
                                    "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e"};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (n == strlen(q[i]) && memcmp(s, q[i], n) == 0)
            return 1;
    return 0;
}

uint32_t al_tk_memo_get(al_tk *tk, char side, const char *w, size_t n)
{
    char tmp[256];
    if (n + 1 > sizeof tmp)
        return UINT32_MAX;
    tmp[0] = side;
    memcpy(tmp + 1, w, n);
    uint32_t k = al_vocab_find(&tk->memo, tmp, n + 1);
    return k == UINT32_MAX ? k : tk->memo_id[k];
}

int al_tk_memo_put(al_tk *tk, char side, const char *w, size_t n, uint32_t id)
{
    char tmp[256];
    if (n + 1 > sizeof tmp)
        return 0;
    tmp[0] = side;
    memcpy(tmp + 1, w, n);
    uint32_t k = al_vocab_intern(&tk->memo, tmp, n + 1);
    if (k == UINT32_MAX)
        return jisr_oom(0);
    int rc = JISR_GROW(tk->memo_id, tk->memo_cap, (size_t)k + 1);
    if (rc < 0)
        return rc;
    tk->memo_id[k] = id;
    return 0;
}

const char *al_tk_stem(al_tk *tk, char side, const char *w, size_t n, size_t *out_len)
{
    jisr_stemmer *st = side == 'S' ? tk->sst : tk->tst;
    const char *stem = st ? jisr_stemmer_stem(st, w, n, out_len) : NULL;
    if (!stem) {
        *out_len = n;
        return w;
    }
    return stem;
}

/* Case-folds one normalised word into tk->lb. */
static int fold(al_tk *tk, const char *w, size_t wn)
{
    int rc;
    int ascii = 1;
    for (size_t i = 0; i < wn && ascii; i++)
        ascii = !((unsigned char)w[i] & 0x80);
    jisr_buf_reset(&tk->lb);
    if (!ascii)
        return jisr_text_normalize(w, wn, JISR_NORM_CASEFOLD, &tk->lb);
    if ((rc = jisr_buf_append(&tk->lb, w, wn)) < 0)
        return rc;
    for (size_t i = 0; i < wn; i++)
        if (tk->lb.data[i] >= 'A' && tk->lb.data[i] <= 'Z')
            tk->lb.data[i] = (char)(tk->lb.data[i] - 'A' + 'a');
    return 0;
}

/* Records the case-folded form in tk->lb as id's first surface form in this run. */
static int set_surf(al_tk *tk, uint32_t id)
{
    if (tk->surf[id] && tk->surf_gen[id] == tk->run_gen)
        return 0;
    free(tk->surf[id]);
    tk->surf_gen[id] = tk->run_gen;
    if (!(tk->surf[id] = jisr_strndup(tk->lb.data ? tk->lb.data : "", tk->lb.len)))
        return jisr_oom(0);
    return 0;
}

/* Case-folds and stems one normalised word; records its first surface form. */
static int word_id(al_tk *tk, char side, const char *w, size_t wn, uint32_t *out)
{
    int rc;
    if ((rc = fold(tk, w, wn)) < 0)
        return rc;
    const char *lw = tk->lb.data ? tk->lb.data : "";
    size_t ln = tk->lb.len, sn;
    const char *stem = al_tk_stem(tk, side, lw, ln, &sn);
    uint32_t id = al_tk_intern(tk, side, stem, sn);
    if (id == UINT32_MAX)
        return jisr_oom(0);
    if ((rc = set_surf(tk, id)) < 0)
        return rc;
    *out = id;
    return 0;
}

/* Which bytes start a code point that counts in a sentence's length: bit 0 raw (not a UTF-8
 * continuation byte, a space or a tab), bit 1 after normalisation (nor a line break). */
static const unsigned char counted[256] = {
    3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 1, 3, 3, 1, 3, 3, /* 00 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 10 */
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 20 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 30 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 40 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 50 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 60 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 70 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 80 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* A0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* B0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* C0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* D0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* E0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* F0 */
};

/* ---- numbers ------------------------------------------------------------------------------
 *
 * A number is an anchor only if the same number gets the same id on both sides, whatever its
 * format. The normaliser has already made every digit ASCII, U+066B (the Arabic decimal
 * separator) a '.', U+066C (the Arabic thousands separator) and U+060C a ',', and a no-break or
 * narrow no-break space a space; the tokenizer keeps 1,234.5 one token but splits at spaces.
 *
 * - In one token, separators are groups or a decimal mark: 17,186 and 17.186.000 are grouped
 *   (every group after the first of exactly three digits, the first of one to three), 12,5 is a
 *   decimal comma (12.5), 12.5 stays, and in 12,450,000.50 or 12.450.000,50 the last separator,
 *   differing from the others, is the decimal mark. A comma list without the three-digit groups
 *   (1,2,3) is three numbers, not 123.
 * - Across tokens separated by exactly one space: SI grouping, a group of one to three digits
 *   then groups of exactly three (17 186 = 17186, on either side); and on the Arabic side the
 *   UN's order, least significant group first (186 17 = 17186, 000 450 12 = 12450000: groups of
 *   three digits then one of one to three, or groups of three of which the first has a leading
 *   zero). Anything else is separate numbers, as before: a list "1 2 3" or "2010 2011" is not
 *   one number.
 * - A number of two or more groups of three digits only (483,918; 918 483) cannot tell the UN's
 *   order from SI's, so its id is its groups in sorted order, in every format (483918 too): the
 *   UN writes 483,918 as 918 483, and a table row of two numbers reads the same in either column
 *   order. Two different numbers made of the same groups in one document pair are rare.
 * - A time h:mm is h.mm (the English of the UN writes 10.15 a.m. where the Arabic has 10:15),
 *   and h:00 is h (10 a.m.).
 * Measured on the UN dev set's 4,000 line pairs (dev only): number ids without their equal on
 * the other line of the pair 526 → 279 (Arabic) and 292 → 192 (English), none lost.
 * Numbers are not in trained lexicons (words only), so AL_TOKENS_VERSION stays. */

#define NUM_MAX 48 /* digits of a number kept (longer: its first NUM_MAX, as good an identity) */

typedef struct numgroup {
    const char *s; /* the digits of one token without separators, or a group of one */
    size_t n;
} numgroup;

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

static int lead_zero(const numgroup *g)
{
    return g->n > 1 && g->s[0] == '0';
}

/* Interns the number v[0..n) (digits, at most one '.') and appends its id. */
static int push_number(al_tk *tk, const char *v, size_t n)
{
    char key[NUM_MAX + 1];
    if (n > NUM_MAX)
        n = NUM_MAX;
    memcpy(key, v, n);
    if (n >= 6 && n % 3 == 0 && !memchr(v, '.', n)) {
        /* groups of three only: their order is not known (see above); insertion sort of at
         * most NUM_MAX / 3 groups */
        char tmp[NUM_MAX];
        memcpy(tmp, v, n);
        size_t ng = n / 3;
        for (size_t i = 1; i < ng; i++)
            for (size_t j = i; j > 0 && memcmp(tmp + 3 * (j - 1), tmp + 3 * j, 3) > 0; j--) {
                char x[3];
                memcpy(x, tmp + 3 * j, 3);
                memcpy(tmp + 3 * j, tmp + 3 * (j - 1), 3);
                memcpy(tmp + 3 * (j - 1), x, 3);
            }
        memcpy(key, tmp, n);
    }
    uint32_t id = al_tk_intern(tk, 'N', key, n);
    if (id == UINT32_MAX)
        return JISR_ENOMEM;
    int rc = JISR_GROW(tk->ids, tk->capids, tk->nids + 1);
    if (rc < 0)
        return rc;
    tk->ids[tk->nids++] = id;
    return 0;
}

/* Appends the groups g[0..n) as one number, in that order or reversed. */
static int push_groups(al_tk *tk, const numgroup *g, size_t n, int reversed)
{
    char v[NUM_MAX];
    size_t vn = 0;
    for (size_t k = 0; k < n; k++) {
        const numgroup *x = &g[reversed ? n - 1 - k : k];
        for (size_t i = 0; i < x->n && vn < sizeof v; i++)
            v[vn++] = x->s[i];
    }
    return push_number(tk, v, vn);
}

/* One number token w[0..wn): digits and the separators ',' and '.' (see above). */
static int number_token(al_tk *tk, const char *w, size_t wn)
{
    numgroup g[NUM_MAX];
    char sep[NUM_MAX];
    size_t ng = 0;
    for (size_t i = 0; i < wn && ng < NUM_MAX;) {
        size_t j = i;
        while (j < wn && w[j] >= '0' && w[j] <= '9')
            j++;
        if (j > i) {
            g[ng] = (numgroup){w + i, j - i};
            sep[ng++] = j < wn ? w[j] : 0;
        }
        i = j + 1;
    }
    if (ng == 0)
        return 0;
    if (ng == 1)
        return push_groups(tk, g, 1, 0);
    char last = sep[ng - 2];
    int same = 1, threes = g[0].n <= 3; /* all separators alike; groups after the first of 3 */
    for (size_t k = 0; k + 1 < ng; k++)
        same &= sep[k] == last;
    for (size_t k = 1; k < ng; k++)
        threes &= g[k].n == 3;
    if (same && threes && !(ng == 2 && last == '.'))
        return push_groups(tk, g, ng, 0); /* 17,186  1.234.567 (12.500 is a decimal) */
    char v[NUM_MAX + 1];
    size_t vn = 0;
    if (same && last == ',') {
        if (ng > 2) { /* 1,2,3: a list */
            int rc = 0;
            for (size_t k = 0; rc == 0 && k < ng; k++)
                rc = push_groups(tk, &g[k], 1, 0);
            return rc;
        }
        last = '.'; /* 12,5: a decimal comma */
    }
    int grouped = !same; /* 12,450,000.50: the groups before the last separator */
    for (size_t k = 1; grouped && k + 1 < ng; k++)
        grouped = g[k].n == 3;
    for (size_t k = 0; k < ng; k++) {
        if (k > 0 && (!grouped || k == ng - 1) && vn < NUM_MAX)
            v[vn++] = '.';
        for (size_t i = 0; i < g[k].n && vn < NUM_MAX; i++)
            v[vn++] = g[k].s[i];
    }
    return push_number(tk, v, vn);
}

/* The pure-digit tokens g[0..n), each after the one before and one space, as numbers: SI
 * grouping on either side, the UN's reversed order on the Arabic side (see above). */
static int number_run(al_tk *tk, const numgroup *g, size_t n, int arabic)
{
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < n;) {
        size_t e = p; /* the last group of three from p on */
        while (e + 1 < n && g[e + 1].n == 3)
            e++;
        if (arabic && g[p].n == 3) {
            /* 186 17, 000 450 12: threes, then a most significant group of one or two digits */
            if (e + 1 < n && g[e + 1].n < 3 && !lead_zero(&g[e + 1])) {
                rc = push_groups(tk, g + p, e + 2 - p, 1);
                p = e + 2;
                continue;
            }
            /* 000 116: threes only, the first with a leading zero (SI's first cannot have
             * one); without one (918 483) SI's reading below gives the same id */
            if (e > p && lead_zero(&g[p]) && !lead_zero(&g[e])) {
                rc = push_groups(tk, g + p, e + 1 - p, 1);
                p = e + 1;
                continue;
            }
        }
        if (g[p].n <= 3 && !lead_zero(&g[p]) && e > p) {
            rc = push_groups(tk, g + p, e + 1 - p, 0); /* 17 186 */
            p = e + 1;
            continue;
        }
        rc = push_groups(tk, g + p, 1, 0);
        p++;
    }
    return rc;
}

/* The number token tk->toks.v[k] and what belongs to it (a time's minutes, the groups that
 * follow it after one space): their ids appended; *used = tokens consumed (at least 1). */
static int number_ids(al_tk *tk, char side, size_t k, size_t *used)
{
    const jisr_token *v = tk->toks.v;
    const char *s = tk->nb.data;
    size_t n = tk->toks.n;
    const char *w = s + v[k].start;
    size_t wn = v[k].end - v[k].start;
    *used = 1;
    /* h:mm */
    if (wn <= 2 && all_digits(w, wn) && k + 2 < n && v[k + 1].kind == JISR_TOK_PUNCT &&
        v[k + 1].start == v[k].end && v[k + 1].end == v[k].end + 1 && s[v[k].end] == ':' &&
        v[k + 2].kind == JISR_TOK_NUMBER && v[k + 2].start == v[k + 1].end &&
        v[k + 2].end - v[k + 2].start == 2 && all_digits(s + v[k + 2].start, 2)) {
        char t[5];
        size_t tn = 0;
        memcpy(t, w, wn);
        tn = wn;
        if (memcmp(s + v[k + 2].start, "00", 2) != 0) {
            t[tn++] = '.';
            memcpy(t + tn, s + v[k + 2].start, 2);
            tn += 2;
        }
        *used = 3;
        return push_number(tk, t, tn);
    }
    if (!all_digits(w, wn))
        return number_token(tk, w, wn);
    numgroup g[NUM_MAX];
    size_t ng = 0;
    g[ng++] = (numgroup){w, wn};
    for (size_t q = k + 1; q < n && ng < NUM_MAX; q++) {
        const char *x = s + v[q].start;
        size_t xn = v[q].end - v[q].start;
        if (v[q].kind != JISR_TOK_NUMBER || v[q].start != v[q - 1].end + 1 ||
            s[v[q - 1].end] != ' ' || !all_digits(x, xn))
            break;
        /* a time after the run (12 10:15) is the time's */
        if (q + 1 < n && v[q + 1].start == v[q].end && s[v[q].end] == ':')
            break;
        g[ng++] = (numgroup){x, xn};
    }
    *used = ng;
    return number_run(tk, g, ng, tk->arabic[side == 'S' ? 0 : 1]);
}

int al_tk_sentence(al_tk *tk, char side, const char *s, size_t n, int count_caps, double *chars)
{
    /* the length of a sentence: its code points without white space, counted after
     * normalisation with norm_chars (vocalised Arabic has twice the code points of the same
     * text without harakat) */
    size_t cp = 0;
    for (size_t i = 0; !tk->norm_chars && i < n; i++)
        cp += counted[(unsigned char)s[i]] & 1;
    jisr_buf_reset(&tk->nb);
    int rc = jisr_text_normalize(s, n, JISR_NORM_MATCH & ~(unsigned)JISR_NORM_CASEFOLD, &tk->nb);
    if (rc < 0)
        return rc;
    for (size_t i = 0; tk->norm_chars && i < tk->nb.len; i++) {
        cp += counted[(unsigned char)tk->nb.data[i]] >> 1;
    }
    if (chars)
        *chars = (double)cp;
    if ((rc = jisr_tokenizer_run(tk->tk, tk->nb.data ? tk->nb.data : "", tk->nb.len, &tk->toks)) <
        0)
        return rc;
    int first_word = 1;
    for (size_t k = 0; k < tk->toks.n; k++) {
        const jisr_token *t = &tk->toks.v[k];
        const char *w = tk->nb.data + t->start;
        size_t wn = t->end - t->start;
        uint32_t id = UINT32_MAX;
        if (t->kind == JISR_TOK_WORD) {
            int upper = w[0] >= 'A' && w[0] <= 'Z';
            /* the same surface word always gives the same id: stem it once */
            id = al_tk_memo_get(tk, side, w, wn);
            if (id == UINT32_MAX) {
                if ((rc = word_id(tk, side, w, wn, &id)) < 0)
                    return rc;
                if ((rc = al_tk_memo_put(tk, side, w, wn, id)) < 0)
                    return rc;
            } else if (tk->surf_gen[id] != tk->run_gen || !tk->surf[id]) {
                if ((rc = fold(tk, w, wn)) < 0 || (rc = set_surf(tk, id)) < 0)
                    return rc;
            }
            uint32_t state = upper && !first_word ? 1 : !upper ? 2 : 0;
            if (count_caps == 2 && state) {
                if ((rc = JISR_GROW(tk->caps, tk->capcaps, tk->ncaps + 1)) < 0)
                    return rc;
                tk->caps[tk->ncaps++] = id << 2 | state;
            } else if (count_caps) {
                if (upper && !first_word)
                    tk->capn[id]++;
                else if (!upper)
                    tk->lown[id]++;
            }
            first_word = 0;
        } else if (t->kind == JISR_TOK_NUMBER && tk->old_numbers) {
            char dig[64];
            size_t dn = 0;
            for (size_t i = 0; i < wn && dn + 1 < sizeof dig; i++)
                if (w[i] >= '0' && w[i] <= '9')
                    dig[dn++] = w[i];
                else if (w[i] == '.' && i + 1 < wn)
                    dig[dn++] = '.';
            if (dn)
                id = al_tk_intern(tk, 'N', dig, dn);
        } else if (t->kind == JISR_TOK_NUMBER) {
            size_t used = 0;
            if ((rc = number_ids(tk, side, k, &used)) < 0)
                return rc;
            k += used - 1;
            continue;
        } else if (t->kind == JISR_TOK_PUNCT || t->kind == JISR_TOK_SYMBOL) {
            if (wn == 1 && (w[0] == '?' || w[0] == '!'))
                id = al_tk_intern(tk, 'P', w, 1);
            else if (is_quote(w, wn))
                id = al_tk_intern(tk, 'P', "\"", 1);
        }
        if (id == UINT32_MAX)
            continue;
        if ((rc = JISR_GROW(tk->ids, tk->capids, tk->nids + 1)) < 0)
            return rc;
        tk->ids[tk->nids++] = id;
    }
    return 0;
}
