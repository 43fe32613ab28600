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
        } else if (t->kind == JISR_TOK_NUMBER) {
            char dig[64];
            size_t dn = 0;
            for (size_t i = 0; i < wn && dn + 1 < sizeof dig; i++)
                if (w[i] >= '0' && w[i] <= '9')
                    dig[dn++] = w[i];
                else if (w[i] == '.' && i + 1 < wn)
                    dig[dn++] = '.';
            if (dn)
                id = al_tk_intern(tk, 'N', dig, dn);
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
