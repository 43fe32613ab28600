/*
 * docalign.c — which document translates which.
 *
 * Every document becomes a bag of terms in one shared space: the Arabic side's words are put
 * into English through the dictionary (FreeDict ara-eng read with the align layer's dictd
 * reader, or a TSV lexicon: normalised and stemmed on both sides, as the aligner does), numbers
 * are terms of their own ("#1320", any digit system), words the dictionary does not know and
 * capitalised English words become consonant skeletons (the aligner's name key, Arabic first
 * transliterated by ICU), and Latin-script tokens spelt alike on both sides meet directly.
 * Bags are weighted TF-IDF (sublinear term frequency) and compared by cosine through an
 * inverted index of the target side, keeping each document's best few candidates.
 *
 * A cosine means little alone (long documents on one topic are all similar), so each candidate
 * is scored against its competitors: the margin of its cosine over the mean of both
 * documents' best candidates (the ratio margin of bitext mining). A document without a
 * translation on the other side has no candidate that stands out, and so scores low. Length
 * (characters) and paragraph counts then count against pairs whose ratio is far from the ratio
 * estimated from the mutual best pairs (median, robust spread). A logistic function turns the
 * evidence into a score in [0,1]; its weights were set on the Bible dev chapters (Gospels,
 * which repeat each other) and not on the test chapters. Pairs are made best first
 * (competitive linking), each document at most once, down to opts.min_score. Paragraph counts
 * count only when both documents have a few paragraphs: a hard-wrapped text without blank
 * lines (pdftotext's) is one paragraph whatever its translation holds.
 *
 * Two things defeat a margin. Copies: k text-identical documents on a side are k identical
 * competitors, so the margin of each is 1 whatever the cosine (4 copies a side never paired);
 * a side's copies are therefore found first (a hash of the text, then the features compared)
 * and paired as one document, then copy by copy: the i-th copy on one side with the i-th of
 * its partner's on the other (in the order added), a copy left over unpaired with its text's
 * partner as its best candidate — every document is accounted for, and the corpus filters drop
 * the duplicate sentence pairs. Near-identical neighbours: a pair whose documents each have a
 * close neighbour on the other side (1 and 2 Thessalonians 1) has a small margin, so a second
 * pass pairs the documents left unpaired on both sides among themselves, with the first pass's
 * length and paragraph ratios. Among leftovers that translate nothing it still proposes pairs
 * (the margin assumes a partner exists): `jisr docalign` checks every pair by aligning it
 * (verify.c), and the corpus pipeline's sentence filters keep nothing of such a pair.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "align/align.h"
#include "corpus/corpus_int.h"
#include "text/text.h"
#include "util/util_int.h"

#define TOPK 8     /* candidates kept per document */
#define MARGIN_K 4 /* best candidates averaged for the margin */
#define NAME_MIN 3 /* consonant classes of a name skeleton */
/* the cosine a missing competitor counts as (a document with fewer than MARGIN_K candidates:
 * a small collection); without it one unrelated document on each side would pair with a
 * margin of 4. About what unrelated chapters of one book reach on the Bible dev set. */
#define BACKGROUND 0.03
/* paragraph counts are compared when both documents have at least this many */
#define PARA_MIN 3

typedef struct cterm {
    uint32_t id;
    float w;
} cterm;

typedef struct cdoc {
    char *name;
    cterm *t;
    uint32_t nt;
    double chars;
    double paras;
    uint64_t hash; /* of the text (its paragraphs), to find copies */
} cdoc;

typedef corpus_cand cand;

struct jisr_docaligner {
    char srclang[32], tgtlang[32];
    double min_score;
    int name_hint;
    int ar_side;     /* side whose words go through the dictionary (-1: none) */
    cmap terms;      /* the shared term space */
    cmap heads;      /* dictionary: normalised stem of a headword → id */
    uint32_t *dpair; /* (head, term) pairs, then sorted by head */
    size_t ndpair, capdpair;
    uint32_t *doff; /* CSR offsets by head id (after sorting) */
    cmap memo;      /* side + surface word → memo_off index */
    uint32_t *memo_off, *memo_terms;
    size_t nmemo_terms, capmemo_terms;
    uint32_t capmemo_off;
    jisr_tokenizer *tk;
    jisr_stemmer *st_ar, *st_en;
    UTransliterator *tr;
    jisr_tokens toks;
    jisr_buf nb, kb;
    cdoc *docs[2];
    size_t n[2], cap[2];
    /* per-document scratch while adding */
    float *acc;
    uint32_t *touched;
    size_t acc_cap;
    /* results */
    jisr_docpair *pairs;
    size_t npairs;
    jisr_docbest *best[2];
};

static const char *const stop_en[] = {
    "a",    "an",   "the",   "of",    "to",   "in",   "on",   "at",    "by",     "for",    "from",
    "with", "and",  "or",    "as",    "is",   "be",   "that", "which", "who",    "it",     "its",
    "this", "not",  "into",  "up",    "out",  "are",  "was",  "were",  "he",     "she",    "they",
    "his",  "her",  "their", "them",  "him",  "i",    "you",  "we",    "me",     "my",     "your",
    "our",  "us",   "have",  "has",   "had",  "do",   "did",  "but",   "if",     "so",     "no",
    "all",  "will", "shall", "there", "then", "when", "what", "one",   "someth", "someon", "etc"};

static int is_stop(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof stop_en / sizeof stop_en[0]; i++)
        if (strlen(stop_en[i]) == n && memcmp(stop_en[i], w, n) == 0)
            return 1;
    return 0;
}

static int is_arabic(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    return n >= 2 && (p[0] == 0xD8 || p[0] == 0xD9 || p[0] == 0xDA || p[0] == 0xDB);
}

/* Code points of a token, Arabic diacritics and tatweel not counted (a vocalised text is not
 * longer than the same text unvocalised). */
static double letters(const char *w, size_t n)
{
    double c = 0;
    const unsigned char *p = (const unsigned char *)w;
    for (size_t i = 0; i < n; i++) {
        if ((p[i] & 0xC0) == 0x80)
            continue;
        if (i + 1 < n && p[i] == 0xD9 &&
            ((p[i + 1] >= 0x8B && p[i + 1] <= 0x9F) || p[i + 1] == 0xB0 || p[i + 1] == 0x80))
            continue; /* U+064B–U+065F, U+0670, U+0640 */
        c++;
    }
    return c;
}

/* ---- terms ----------------------------------------------------------------------------------- */

static uint32_t term(jisr_docaligner *da, char kind, const char *s, size_t n)
{
    jisr_buf_reset(&da->kb);
    if (jisr_buf_putc(&da->kb, kind) < 0 || jisr_buf_append(&da->kb, s, n) < 0)
        return UINT32_MAX;
    return cmap_intern(&da->terms, da->kb.data, da->kb.len);
}

/* Normalise (and stem) one word into da->nb; returns the stem, length in *len. */
static const char *stem_word(jisr_docaligner *da, const char *w, size_t n, int arabic, size_t *len)
{
    jisr_buf_reset(&da->nb);
    if (jisr_text_normalize(w, n, JISR_NORM_MATCH, &da->nb) < 0 || !da->nb.len)
        return NULL;
    jisr_stemmer *st = arabic ? da->st_ar : da->st_en;
    size_t sl = da->nb.len;
    const char *s = st ? jisr_stemmer_stem(st, da->nb.data, da->nb.len, &sl) : NULL;
    if (!s) {
        s = da->nb.data;
        sl = da->nb.len;
    }
    *len = sl;
    return s;
}

/* The name skeleton of a word: Arabic transliterated first. */
static size_t name_key(jisr_docaligner *da, const char *w, size_t n, int arabic, char *key,
                       size_t cap)
{
    if (!arabic)
        return jisr_align_name_key(w, n, key, cap);
    if (!da->tr)
        return 0;
    UChar u[128];
    int32_t ul = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(u, 128, &ul, w, (int32_t)n, &st);
    if (U_FAILURE(st) || ul >= 128)
        return 0;
    int32_t lim = ul;
    utrans_transUChars(da->tr, u, &ul, 128, 0, &lim, &st);
    if (U_FAILURE(st))
        return 0;
    char lat[256];
    int32_t ll = 0;
    u_strToUTF8(lat, sizeof lat, &ll, u, ul, &st);
    if (U_FAILURE(st) || ll >= (int32_t)sizeof lat)
        return 0;
    return jisr_align_name_key(lat, (size_t)ll, key, cap);
}

static int memo_push(jisr_docaligner *da, uint32_t id)
{
    if (da->nmemo_terms == da->capmemo_terms) {
        size_t cap = da->capmemo_terms ? da->capmemo_terms * 2 : 4096;
        uint32_t *v = realloc(da->memo_terms, cap * sizeof *v);
        if (!v)
            return jisr_oom(cap * sizeof *v);
        da->memo_terms = v;
        da->capmemo_terms = cap;
    }
    da->memo_terms[da->nmemo_terms++] = id;
    return 0;
}

/* The terms of one surface word on a side: [*first, *first + *count) of memo_terms. */
static int word_terms(jisr_docaligner *da, int side, const char *w, size_t n, size_t *first,
                      size_t *count)
{
    char mk[512];
    if (n + 2 > sizeof mk) {
        *count = 0;
        return 0;
    }
    mk[0] = (char)('0' + side);
    memcpy(mk + 1, w, n);
    uint32_t mid = cmap_find(&da->memo, mk, n + 1);
    if (mid != UINT32_MAX) {
        *first = da->memo_off[mid];
        *count = da->memo_off[mid + 1] - da->memo_off[mid];
        return 0;
    }
    size_t start = da->nmemo_terms;
    int arabic = is_arabic(w, n);
    size_t sl;
    const char *s = stem_word(da, w, n, arabic, &sl);
    int rc = 0;
    if (s && arabic && da->ar_side == side) {
        uint32_t h = cmap_find(&da->heads, s, sl);
        if (h != UINT32_MAX && da->doff) {
            for (uint32_t k = da->doff[h]; rc == 0 && k < da->doff[h + 1]; k++)
                rc = memo_push(da, da->dpair[2 * k + 1]);
        } else {
            char key[64];
            if (name_key(da, da->nb.data, da->nb.len, 1, key, sizeof key) >= NAME_MIN) {
                uint32_t id = term(da, '@', key, strlen(key));
                rc = id == UINT32_MAX ? jisr_oom(0) : memo_push(da, id);
            }
        }
    } else if (s && !arabic) {
        if (!is_stop(s, sl)) {
            uint32_t id = term(da, 'w', s, sl);
            rc = id == UINT32_MAX ? jisr_oom(0) : memo_push(da, id);
        }
        unsigned char c0 = (unsigned char)w[0];
        if (rc == 0 && c0 >= 'A' && c0 <= 'Z') {
            char key[64];
            if (jisr_align_name_key(w, n, key, sizeof key) >= NAME_MIN) {
                uint32_t id = term(da, '@', key, strlen(key));
                rc = id == UINT32_MAX ? jisr_oom(0) : memo_push(da, id);
            }
        }
    } else if (s) {
        uint32_t id = term(da, 'a', s, sl); /* Arabic on both sides, or no dictionary */
        rc = id == UINT32_MAX ? jisr_oom(0) : memo_push(da, id);
    }
    if (rc < 0)
        return jisr_oom(0);
    uint32_t m = cmap_intern(&da->memo, mk, n + 1);
    if (m == UINT32_MAX)
        return jisr_oom(0);
    if (m + 2 > da->capmemo_off) {
        uint32_t cap = da->capmemo_off ? da->capmemo_off * 2 : 4096;
        uint32_t *v = realloc(da->memo_off, cap * sizeof *v);
        if (!v)
            return jisr_oom(0);
        da->memo_off = v;
        da->capmemo_off = cap;
    }
    /* memo entries are added in id order, so offsets stay monotone */
    da->memo_off[m] = (uint32_t)start;
    da->memo_off[m + 1] = (uint32_t)da->nmemo_terms;
    *first = start;
    *count = da->nmemo_terms - start;
    return 0;
}

/* ---- the dictionary ---------------------------------------------------------------------------
 */

static int dpair_add(jisr_docaligner *da, uint32_t h, uint32_t t)
{
    if (da->ndpair == da->capdpair) {
        size_t cap = da->capdpair ? da->capdpair * 2 : 65536;
        uint32_t *v = realloc(da->dpair, cap * 2 * sizeof *v);
        if (!v)
            return jisr_oom(0);
        da->dpair = v;
        da->capdpair = cap;
    }
    da->dpair[2 * da->ndpair] = h;
    da->dpair[2 * da->ndpair + 1] = t;
    da->ndpair++;
    return 0;
}

/* The English content words of a short translation (at most 3) as terms. */
static int add_translation(jisr_docaligner *da, uint32_t h, const char *p, size_t n)
{
    uint32_t ids[4];
    int k = 0;
    const char *e = p + n;
    while (p < e) {
        while (p < e && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            p++;
        const char *q = p;
        while (q < e && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '-'))
            q++;
        if (q > p) {
            size_t sl;
            const char *s = stem_word(da, p, (size_t)(q - p), 0, &sl);
            if (s && !is_stop(s, sl)) {
                if (k == 3)
                    return 0; /* a gloss, not a translation */
                ids[k] = term(da, 'w', s, sl);
                if (ids[k] == UINT32_MAX)
                    return jisr_oom(0);
                k++;
            }
        }
        p = q;
    }
    for (int i = 0; i < k; i++) {
        int rc = dpair_add(da, h, ids[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int dict_entry(void *ctx, const char *head, size_t hn, const char *def, size_t dn)
{
    jisr_docaligner *da = ctx;
    if (memchr(head, ' ', hn))
        return 0;
    size_t sl;
    const char *s = stem_word(da, head, hn, 1, &sl);
    if (!s)
        return 0;
    uint32_t h = cmap_intern(&da->heads, s, sl);
    if (h == UINT32_MAX)
        return jisr_oom(0);
    const char *p = memchr(def, '\n', dn), *end = def + dn;
    if (!p)
        return 0;
    p++;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *q = p;
        while (q < eol && *q >= '0' && *q <= '9')
            q++;
        if (q > p && q < eol && *q == '.')
            q++;
        else
            q = p;
        int rc = add_translation(da, h, q, (size_t)(eol - q));
        if (rc < 0)
            return rc;
        p = eol + 1;
    }
    return 0;
}

static int load_tsv(jisr_docaligner *da, const char *path)
{
    jisr_lines *in = NULL;
    int rc = jisr_lines_open(&in, path, JISR_LINES_UTF8 | JISR_LINES_NO_NUL);
    if (rc < 0)
        return rc;
    const char *l;
    size_t n;
    char *line = NULL;
    size_t cap = 0;
    while ((rc = jisr_lines_next(in, &l, &n)) > 0) {
        if (n == 0 || l[0] == '#')
            continue;
        if ((rc = JISR_GROW(line, cap, n + 1)) < 0)
            break;
        memcpy(line, l, n);
        line[n] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab) {
            rc = jisr_error_set(JISR_EPARSE, path, jisr_lines_lineno(in), 1,
                                "expected source<TAB>target");
            break;
        }
        *tab = '\0';
        char *tgt = tab + 1, *t2 = strpbrk(tgt, "\t\r");
        if (t2)
            *t2 = '\0';
        /* the Arabic column is the head */
        const char *ar = is_arabic(line, strlen(line)) ? line : tgt;
        const char *en = ar == line ? tgt : line;
        size_t sl;
        const char *s = stem_word(da, ar, strlen(ar), 1, &sl);
        if (!s)
            continue;
        uint32_t h = cmap_intern(&da->heads, s, sl);
        if ((rc = h == UINT32_MAX ? JISR_ENOMEM : add_translation(da, h, en, strlen(en))) < 0)
            break;
    }
    free(line);
    jisr_lines_close(in);
    return rc < 0 ? rc : 0;
}

static int cmp_pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static int dict_index(jisr_docaligner *da)
{
    if (da->ndpair)
        qsort(da->dpair, da->ndpair, 2 * sizeof *da->dpair, cmp_pair);
    size_t o = 0; /* dedupe */
    for (size_t i = 0; i < da->ndpair; i++)
        if (o == 0 || da->dpair[2 * i] != da->dpair[2 * (o - 1)] ||
            da->dpair[2 * i + 1] != da->dpair[2 * (o - 1) + 1]) {
            da->dpair[2 * o] = da->dpair[2 * i];
            da->dpair[2 * o + 1] = da->dpair[2 * i + 1];
            o++;
        }
    da->ndpair = o;
    da->doff = calloc((size_t)da->heads.n + 1, sizeof *da->doff);
    if (!da->doff)
        return jisr_oom(0);
    for (size_t i = 0; i < da->ndpair; i++)
        da->doff[da->dpair[2 * i] + 1]++;
    for (uint32_t h = 0; h < da->heads.n; h++)
        da->doff[h + 1] += da->doff[h];
    return 0;
}

/* ---- the handle -------------------------------------------------------------------------------
 */

int jisr_docaligner_new(jisr_docaligner **out, const jisr_docalign_opts *opts)
{
    jisr_docalign_opts def = JISR_DOCALIGN_OPTS_INIT;
    if (!out)
        return jisr_null_arg("jisr_docaligner_new", "out");
    *out = NULL;
    if (!opts)
        opts = &def;
    if (opts->version != JISR_DOCALIGN_OPTS_VERSION || !opts->srclang || !opts->tgtlang ||
        !opts->srclang[0] || !opts->tgtlang[0] || !(opts->min_score >= 0 && opts->min_score <= 1))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_docaligner_new: bad options");
    jisr_docaligner *da = calloc(1, sizeof *da);
    if (!da)
        return jisr_oom(0);
    snprintf(da->srclang, sizeof da->srclang, "%s", opts->srclang);
    snprintf(da->tgtlang, sizeof da->tgtlang, "%s", opts->tgtlang);
    da->min_score = opts->min_score > 0 ? opts->min_score : 0.5;
    da->name_hint = opts->name_hint;
    int sa = jisr_lang_matches(da->srclang, "ar"), ta = jisr_lang_matches(da->tgtlang, "ar");
    da->ar_side = sa && !ta ? 0 : ta && !sa ? 1 : -1;
    int rc = jisr_tokenizer_new(&da->tk);
    if (rc == 0 && jisr_stemmer_new(&da->st_ar, "ar") < 0)
        da->st_ar = NULL;
    if (rc == 0 && jisr_stemmer_new(&da->st_en, "en") < 0)
        da->st_en = NULL;
    jisr_error_clear();
    if (rc == 0) {
        UErrorCode st = U_ZERO_ERROR;
        UChar id[64];
        u_uastrcpy(id, "Arabic-Latin; Latin-ASCII");
        da->tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
        if (U_FAILURE(st))
            da->tr = NULL;
    }
    const char *dict = opts->dict_path;
    if (rc == 0 && da->ar_side >= 0 && !(dict && !dict[0])) {
        if (!dict)
            dict = jisr_dict_default_path();
        if (dict) {
            size_t n = strlen(dict);
            if (n > 6 && strcmp(dict + n - 6, ".index") == 0) {
                jisr_buf dp = {0};
                jisr_buf_append(&dp, dict, n - 6);
                jisr_buf_puts(&dp, ".dict.dz");
                FILE *f = fopen(dp.data, "rb");
                if (f)
                    fclose(f);
                else
                    dp.data[dp.len -= 3] = '\0';
                rc = jisr_dictd_read(dict, dp.data, dict_entry, da);
                jisr_buf_free(&dp);
            } else {
                rc = load_tsv(da, dict);
            }
        }
    }
    if (rc == 0)
        rc = dict_index(da);
    if (rc < 0) {
        jisr_docaligner_free(da);
        return rc;
    }
    *out = da;
    return 0;
}

static int cmp_term(const void *a, const void *b)
{
    const cterm *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

int jisr_docaligner_add(jisr_docaligner *da, int side, const char *name, const char *const *paras,
                        const size_t *lens, size_t n, size_t *index)
{
    if (!da || (n && !paras)) /* no paragraphs: paras may be NULL */
        return jisr_null_arg("jisr_docaligner_add", da ? "paras" : "da");
    if (side < 0 || side > 1)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_docaligner_add: side %d is not 0 (source) or 1 (target)", side);
    for (size_t p = 0; p < n; p++)
        if (!paras[p])
            return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                                  "jisr_docaligner_add: paras[%zu] is NULL", p);
    if (da->n[side] == da->cap[side]) {
        size_t cap = da->cap[side] ? da->cap[side] * 2 : 64;
        cdoc *v = realloc(da->docs[side], cap * sizeof *v);
        if (!v)
            return jisr_oom(0);
        da->docs[side] = v;
        da->cap[side] = cap;
    }
    cdoc *d = &da->docs[side][da->n[side]];
    memset(d, 0, sizeof *d);
    if (!(d->name = jisr_strdup(name ? name : "")))
        return jisr_oom(0);
    /* term counts through a sparse accumulator */
    size_t ntouch = 0;
    int rc = 0;
    d->hash = 1469598103934665603ULL; /* FNV-1a, as cmap_hash, over the paragraphs */
    for (size_t p = 0; rc == 0 && p < n; p++) {
        const char *s = paras[p];
        size_t len = lens ? lens[p] : strlen(s);
        d->paras += 1;
        for (size_t i = 0; i <= len; i++) {
            d->hash ^= i < len ? (unsigned char)s[i] : 0x100; /* a paragraph's end */
            d->hash *= 1099511628211ULL;
        }
        if ((rc = jisr_tokenizer_run(da->tk, s, len, &da->toks)) < 0)
            break;
        for (size_t k = 0; k < da->toks.n && rc == 0; k++) {
            const jisr_token *tk = &da->toks.v[k];
            const char *w = s + tk->start;
            size_t wn = tk->end - tk->start;
            size_t first = 0, cnt = 0;
            uint32_t one = UINT32_MAX;
            if (tk->kind == JISR_TOK_NUMBER) {
                jisr_buf_reset(&da->nb);
                if (jisr_text_normalize(w, wn, JISR_NORM_DIGITS, &da->nb) == 0) {
                    char dg[64];
                    size_t o = 0;
                    for (size_t i = 0; i < da->nb.len && o + 1 < sizeof dg; i++)
                        if (da->nb.data[i] >= '0' && da->nb.data[i] <= '9')
                            dg[o++] = da->nb.data[i];
                    if (o)
                        one = term(da, '#', dg, o);
                }
            } else if (tk->kind == JISR_TOK_WORD) {
                rc = word_terms(da, side, w, wn, &first, &cnt);
            }
            d->chars += letters(w, wn);
            size_t total = cnt + (one != UINT32_MAX);
            for (size_t i = 0; rc == 0 && i < total; i++) {
                uint32_t id = i < cnt ? da->memo_terms[first + i] : one;
                float wgt = i < cnt ? 1.0f / (float)cnt : 1.0f;
                if (id >= da->acc_cap) {
                    size_t cap = da->acc_cap ? da->acc_cap : 4096;
                    while (cap <= id)
                        cap *= 2;
                    float *a = realloc(da->acc, cap * sizeof *a);
                    if (!a) {
                        rc = jisr_oom(0);
                        break;
                    }
                    memset(a + da->acc_cap, 0, (cap - da->acc_cap) * sizeof *a);
                    da->acc = a;
                    uint32_t *t = realloc(da->touched, cap * sizeof *t);
                    if (!t) {
                        rc = jisr_oom(0);
                        break;
                    }
                    da->touched = t;
                    da->acc_cap = cap;
                }
                if (da->acc[id] == 0)
                    da->touched[ntouch++] = id;
                da->acc[id] += wgt;
            }
        }
    }
    if (rc == 0 && ntouch) {
        d->t = malloc(ntouch * sizeof *d->t);
        if (!d->t)
            rc = jisr_oom(0);
    }
    for (size_t i = 0; i < ntouch; i++) {
        if (d->t) {
            d->t[i].id = da->touched[i];
            d->t[i].w = da->acc[da->touched[i]];
        }
        da->acc[da->touched[i]] = 0;
    }
    if (rc < 0) {
        free(d->t);
        free(d->name);
        return rc == JISR_ENOMEM ? jisr_oom(0) : rc;
    }
    d->nt = (uint32_t)ntouch;
    if (ntouch)
        qsort(d->t, ntouch, sizeof *d->t, cmp_term);
    if (index)
        *index = da->n[side];
    da->n[side]++;
    return 0;
}

/* ---- pairing ------------------------------------------------------------------------------------
 */

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->t < y->t ? -1 : x->t > y->t;
}

int corpus_link(corpus_cand *c, size_t nc, const size_t n[2], double min, jisr_docbest *best[2],
                jisr_docpair *pairs, size_t *np)
{
    unsigned char *used_s = calloc(n[0] + 1, 1), *used_t = calloc(n[1] + 1, 1);
    if (!used_s || !used_t) {
        free(used_s);
        free(used_t);
        return jisr_oom(0);
    }
    if (nc)
        qsort(c, nc, sizeof *c, cmp_cand);
    for (size_t k = 0; k < nc; k++) {
        const corpus_cand *x = &c[k];
        if (best[0][x->s].partner == SIZE_MAX)
            best[0][x->s] = (jisr_docbest){x->t, x->score};
        if (best[1][x->t].partner == SIZE_MAX)
            best[1][x->t] = (jisr_docbest){x->s, x->score};
        if (used_s[x->s] || used_t[x->t] || x->score < min)
            continue;
        used_s[x->s] = used_t[x->t] = 1;
        pairs[(*np)++] = (jisr_docpair){x->s, x->t, x->score};
    }
    free(used_s);
    free(used_t);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Insert (doc, cos) into a top-k list sorted by descending cos. */
static void top_insert(uint32_t *doc, float *cos, uint32_t *n, uint32_t d, float c)
{
    if (*n == TOPK && c <= cos[TOPK - 1])
        return;
    uint32_t i = *n < TOPK ? (*n)++ : TOPK - 1;
    while (i > 0 && cos[i - 1] < c) {
        doc[i] = doc[i - 1];
        cos[i] = cos[i - 1];
        i--;
    }
    doc[i] = d;
    cos[i] = c;
}

/* File name without directories, extension and language marks ("report.ar.docx" → "report"). */
static void base_key(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(out, cap, "%s", b);
    for (int k = 0; k < 2; k++) {
        char *dot = strrchr(out, '.');
        if (dot && dot != out)
            *dot = '\0';
    }
    size_t n = strlen(out);
    if (n > 3 && (out[n - 3] == '_' || out[n - 3] == '-'))
        out[n - 3] = '\0';
}

static double median_spread(double *v, size_t n, double *spread)
{
    if (!n) {
        *spread = 0;
        return 0;
    }
    qsort(v, n, sizeof *v, cmp_double);
    double med = v[n / 2];
    for (size_t i = 0; i < n; i++)
        v[i] = fabs(v[i] - med);
    qsort(v, n, sizeof *v, cmp_double);
    *spread = 1.4826 * v[n / 2];
    return med;
}

/* The ratios a translation's length and paragraph count keep to its original's, estimated on
 * the first pass's mutual best pairs (median and robust spread of the log-ratios). */
typedef struct ratios {
    double lmu, ls, pmu, ps;
} ratios;

/* Whether two documents' paragraph counts say anything: a hard-wrapped text without blank lines,
 * or pdftotext's, is one paragraph (or very few) whatever its translation holds. */
static int paras_tell(const cdoc *s, const cdoc *t)
{
    return s->paras >= PARA_MIN && t->paras >= PARA_MIN;
}

/* One pass: the documents in[0][0..m[0]) of the source side against in[1][0..m[1]) of the
 * target side (indices on their side), compared through an inverted index of the target ones,
 * each with its best candidates among them and scored by its margin over them; candidates are
 * appended to *cands (room for (m[0] + m[1]) * TOPK more). With r->ls == 0 the ratios are
 * estimated first (the first pass), otherwise those of r are used. */
static int score_pass(jisr_docaligner *da, const uint32_t *const in[2], const size_t m[2],
                      ratios *r, cand *cands, size_t *ncands)
{
    size_t ns = m[0], nt = m[1];
    uint32_t nterm = da->terms.n;
    int rc = 0;
    uint32_t *poff = calloc((size_t)nterm + 2, sizeof *poff);
    uint32_t *pdoc = NULL, *fill = NULL;
    float *pw = NULL, *acc = calloc(nt, sizeof *acc);
    uint32_t *tdoc = malloc(ns * TOPK * sizeof *tdoc), *tn = calloc(ns, sizeof *tn);
    float *tcos = malloc(ns * TOPK * sizeof *tcos);
    uint32_t *rdocs = malloc(nt * TOPK * sizeof *rdocs), *rn = calloc(nt, sizeof *rn);
    float *rcos = malloc(nt * TOPK * sizeof *rcos);
    uint32_t *touched = malloc(nt * sizeof *touched);
    unsigned char *seen = calloc(nt, 1);
    double *ms = malloc((ns + nt) * sizeof *ms);
    double *tmp = malloc((ns + nt + 1) * 2 * sizeof *tmp);
    if (!poff || !acc || !tdoc || !tn || !tcos || !rdocs || !rn || !rcos || !touched || !seen ||
        !ms || !tmp) {
        rc = jisr_oom(0);
        goto done;
    }
    /* inverted index of the target side; terms in more than half the documents of a large
     * collection carry almost nothing and cost the most: left out */
    size_t maxdf = nt > 200 ? nt / 2 : nt;
    for (size_t b = 0; b < nt; b++) {
        const cdoc *d = &da->docs[1][in[1][b]];
        for (uint32_t k = 0; k < d->nt; k++)
            poff[d->t[k].id + 1]++;
    }
    for (uint32_t k = 0; k < nterm; k++) {
        if (poff[k + 1] > maxdf)
            poff[k + 1] = 0;
        poff[k + 1] += poff[k];
    }
    pdoc = malloc((poff[nterm] + 1) * sizeof *pdoc);
    pw = malloc((poff[nterm] + 1) * sizeof *pw);
    fill = calloc((size_t)nterm + 1, sizeof *fill);
    if (!pdoc || !pw || !fill) {
        rc = jisr_oom(0);
        goto done;
    }
    for (size_t b = 0; b < nt; b++) {
        const cdoc *d = &da->docs[1][in[1][b]];
        for (uint32_t k = 0; k < d->nt; k++) {
            uint32_t id = d->t[k].id;
            if (poff[id + 1] == poff[id])
                continue;
            uint32_t at = poff[id] + fill[id]++;
            pdoc[at] = (uint32_t)b;
            pw[at] = d->t[k].w;
        }
    }
    /* cosines: each source against the index */
    for (size_t a = 0; a < ns; a++) {
        const cdoc *d = &da->docs[0][in[0][a]];
        size_t nto = 0;
        for (uint32_t k = 0; k < d->nt; k++) {
            uint32_t id = d->t[k].id;
            for (uint32_t p = poff[id]; p < poff[id + 1]; p++) {
                if (!seen[pdoc[p]]) {
                    seen[pdoc[p]] = 1;
                    touched[nto++] = pdoc[p];
                }
                acc[pdoc[p]] += d->t[k].w * pw[p];
            }
        }
        for (size_t k = 0; k < nto; k++) {
            uint32_t b = touched[k];
            float c = acc[b];
            acc[b] = 0;
            seen[b] = 0;
            if (c <= 0)
                continue;
            top_insert(tdoc + a * TOPK, tcos + a * TOPK, &tn[a], b, c);
            top_insert(rdocs + b * TOPK, rcos + b * TOPK, &rn[b], (uint32_t)a, c);
        }
    }
    /* the margin's denominators */
    for (size_t a = 0; a < ns; a++) {
        double sum = 0;
        uint32_t k = 0;
        for (; k < tn[a] && k < MARGIN_K; k++)
            sum += tcos[a * TOPK + k];
        ms[a] = (sum + (MARGIN_K - k) * BACKGROUND) / MARGIN_K;
    }
    for (size_t b = 0; b < nt; b++) {
        double sum = 0;
        uint32_t k = 0;
        for (; k < rn[b] && k < MARGIN_K; k++)
            sum += rcos[b * TOPK + k];
        ms[ns + b] = (sum + (MARGIN_K - k) * BACKGROUND) / MARGIN_K;
    }
    /* length and paragraph ratios from the mutual best pairs (paragraphs: of those whose
     * counts tell something) */
    if (r->ls == 0) {
        size_t nl = 0, np = 0;
        double *lr = tmp, *pr = tmp + ns + nt + 1;
        for (size_t a = 0; a < ns; a++) {
            if (!tn[a])
                continue;
            uint32_t b = tdoc[a * TOPK];
            if (rn[b] && rdocs[b * TOPK] == a) {
                const cdoc *s = &da->docs[0][in[0][a]], *t = &da->docs[1][in[1][b]];
                lr[nl++] = log((t->chars + 1) / (s->chars + 1));
                if (paras_tell(s, t))
                    pr[np++] = log((t->paras + 1) / (s->paras + 1));
            }
        }
        r->lmu = median_spread(lr, nl, &r->ls);
        r->pmu = median_spread(pr, np, &r->ps);
        r->ls = r->ls < 0.1 ? 0.1 : r->ls;
        r->ps = r->ps < 0.1 ? 0.1 : r->ps;
    }
    /* candidates: the union of both sides' top lists */
    size_t nc = *ncands;
    for (size_t a = 0; a < ns; a++)
        for (uint32_t k = 0; k < tn[a]; k++)
            cands[nc++] = (cand){(uint32_t)a, tdoc[a * TOPK + k], tcos[a * TOPK + k], 0};
    for (size_t b = 0; b < nt; b++)
        for (uint32_t k = 0; k < rn[b]; k++) {
            uint32_t a = rdocs[b * TOPK + k];
            int dup = 0;
            for (uint32_t q = 0; q < tn[a] && !dup; q++)
                dup = tdoc[a * TOPK + q] == b;
            if (!dup)
                cands[nc++] = (cand){a, (uint32_t)b, rcos[b * TOPK + k], 0};
        }
    for (size_t c = *ncands; c < nc; c++) {
        cand *x = &cands[c];
        const cdoc *s = &da->docs[0][in[0][x->s]], *t = &da->docs[1][in[1][x->t]];
        double margin = x->cos / ((ms[x->s] + ms[ns + x->t]) / 2);
        double zl = (log((t->chars + 1) / (s->chars + 1)) - r->lmu) / r->ls;
        double zp = paras_tell(s, t) ? (log((t->paras + 1) / (s->paras + 1)) - r->pmu) / r->ps : 0;
        zl = zl * zl > 25 ? 25 : zl * zl;
        zp = zp * zp > 25 ? 25 : zp * zp;
        double z = 9.0 * (margin - 1.0) + 3.0 * x->cos - 0.5 - 0.35 * zl - 0.2 * zp;
        if (da->name_hint) {
            char ka[256], kb[256];
            base_key(s->name, ka, sizeof ka);
            base_key(t->name, kb, sizeof kb);
            if (ka[0] && strcmp(ka, kb) == 0)
                z += 2.0;
        }
        x->score = 1.0 / (1.0 + exp(-z));
        x->s = in[0][x->s];
        x->t = in[1][x->t];
    }
    *ncands = nc;
done:
    free(poff);
    free(pdoc);
    free(fill);
    free(pw);
    free(acc);
    free(tdoc);
    free(tn);
    free(tcos);
    free(rdocs);
    free(rn);
    free(rcos);
    free(touched);
    free(seen);
    free(ms);
    free(tmp);
    return rc;
}

/* Whether two documents of a side hold the same text: the same hash, and (against a collision)
 * the same features. */
static int same_text(const cdoc *a, const cdoc *b)
{
    if (a->hash != b->hash || a->nt != b->nt || a->chars != b->chars || a->paras != b->paras)
        return 0;
    for (uint32_t k = 0; k < a->nt; k++)
        if (a->t[k].id != b->t[k].id || a->t[k].w != b->t[k].w)
            return 0;
    return 1;
}

static int cmp_hash(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* The copies of a side: grp[i] = the first document (in the order added) holding the same text
 * as document i (i itself when none before it does). */
static int find_copies(const jisr_docaligner *da, int side, uint32_t *grp)
{
    size_t n = da->n[side];
    uint64_t *v = malloc((n + 1) * 2 * sizeof *v);
    if (!v)
        return jisr_oom(0);
    for (size_t i = 0; i < n; i++) {
        v[2 * i] = da->docs[side][i].hash;
        v[2 * i + 1] = i;
        grp[i] = (uint32_t)i;
    }
    qsort(v, n, 2 * sizeof *v, cmp_hash);
    for (size_t k = 0; k < n;) {
        size_t e = k + 1;
        while (e < n && v[2 * e] == v[2 * k])
            e++;
        for (size_t a = k + 1; a < e; a++)
            for (size_t b = k; b < a; b++) {
                uint32_t i = (uint32_t)v[2 * a + 1], j = (uint32_t)v[2 * b + 1];
                if (grp[j] == j && same_text(&da->docs[side][i], &da->docs[side][j])) {
                    grp[i] = j;
                    break;
                }
            }
        k = e;
    }
    free(v);
    return 0;
}

static int cmp_docpair(const void *a, const void *b)
{
    const jisr_docpair *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    return x->tgt < y->tgt ? -1 : x->tgt > y->tgt;
}

int jisr_docaligner_run(jisr_docaligner *da)
{
    if (!da)
        return jisr_null_arg("jisr_docaligner_run", "da");
    size_t ns = da->n[0], nt = da->n[1];
    int rc = 0;
    free(da->pairs);
    da->pairs = NULL;
    da->npairs = 0;
    for (int s = 0; s < 2; s++) {
        free(da->best[s]);
        da->best[s] = calloc(da->n[s] ? da->n[s] : 1, sizeof *da->best[s]);
        if (!da->best[s])
            return jisr_oom(0);
        for (size_t i = 0; i < da->n[s]; i++)
            da->best[s][i].partner = SIZE_MAX;
    }
    if (!ns || !nt)
        return 0;
    uint32_t nterm = da->terms.n;
    uint32_t *df = calloc((size_t)nterm + 1, sizeof *df);
    float *idf = malloc(((size_t)nterm + 1) * sizeof *idf);
    uint32_t *grp[2] = {malloc(ns * sizeof(uint32_t)), malloc(nt * sizeof(uint32_t))};
    uint32_t *in[2] = {malloc(ns * sizeof(uint32_t)), malloc(nt * sizeof(uint32_t))};
    uint32_t *left[2] = {malloc(ns * sizeof(uint32_t)), malloc(nt * sizeof(uint32_t))};
    uint32_t *mate[2] = {malloc(ns * sizeof(uint32_t)), malloc(nt * sizeof(uint32_t))};
    jisr_docbest *best2[2] = {calloc(ns, sizeof(jisr_docbest)), calloc(nt, sizeof(jisr_docbest))};
    size_t m[2] = {0, 0}, nl[2] = {0, 0};
    cand *cands = NULL;
    jisr_docpair *rp = malloc(((ns < nt ? ns : nt) + 1) * sizeof *rp); /* representatives' */
    size_t nrp = 0;
    da->pairs = malloc(((ns < nt ? ns : nt) + 1) * sizeof *da->pairs);
    if (!df || !idf || !rp || !da->pairs) {
        rc = jisr_oom(0);
        goto done;
    }
    /* text-identical copies on a side are one document: the margin over identical competitors
     * is 1 whatever the cosine, so k copies each side of one text would never pair */
    for (int s = 0; s < 2; s++) {
        if (!grp[s] || !in[s] || !left[s] || !mate[s] || !best2[s]) {
            rc = jisr_oom(0);
            goto done;
        }
        if ((rc = find_copies(da, s, grp[s])) < 0)
            goto done;
        for (size_t i = 0; i < da->n[s]; i++) {
            mate[s][i] = UINT32_MAX;
            if (grp[s][i] == i)
                in[s][m[s]++] = (uint32_t)i;
        }
    }
    /* document frequencies over both sides, then unit-length TF-IDF vectors */
    for (int s = 0; s < 2; s++)
        for (size_t k = 0; k < m[s]; k++)
            for (uint32_t q = 0; q < da->docs[s][in[s][k]].nt; q++)
                df[da->docs[s][in[s][k]].t[q].id]++;
    double N = (double)(m[0] + m[1]);
    for (uint32_t k = 0; k < nterm; k++)
        idf[k] = (float)log((N + 1.0) / (df[k] + 1.0)) + 0.2; /* + 0.2: a handful of
                                                                  documents sharing every
                                                                  term still compare */
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < m[s]; i++) {
            cdoc *d = &da->docs[s][in[s][i]];
            double norm = 0;
            for (uint32_t k = 0; k < d->nt; k++) {
                d->t[k].w = (float)((1.0 + log(d->t[k].w > 1 ? d->t[k].w : 1.0)) * idf[d->t[k].id]);
                norm += (double)d->t[k].w * d->t[k].w;
            }
            norm = norm > 0 ? sqrt(norm) : 1;
            for (uint32_t k = 0; k < d->nt; k++)
                d->t[k].w = (float)(d->t[k].w / norm);
        }
    cands = malloc(((m[0] + m[1]) * TOPK + 1) * sizeof *cands);
    if (!cands) {
        rc = jisr_oom(0);
        goto done;
    }
    /* the first pass, then competitive linking, best first */
    ratios r = {0, 0, 0, 0};
    size_t nc = 0;
    const uint32_t *const in1[2] = {in[0], in[1]};
    if ((rc = score_pass(da, in1, m, &r, cands, &nc)) < 0 ||
        (rc = corpus_link(cands, nc, da->n, da->min_score, da->best, rp, &nrp)) < 0)
        goto done;
    /* the second pass: the documents left on both sides, among themselves. A true pair whose
     * documents each have a near-identical neighbour on the other side (2 Thessalonians 1
     * beside 1 Thessalonians 1) has a small margin over its competitors; once those are paired
     * elsewhere, they compete no more. */
    for (size_t k = 0; k < nrp; k++) {
        mate[0][rp[k].src] = (uint32_t)rp[k].tgt;
        mate[1][rp[k].tgt] = (uint32_t)rp[k].src;
    }
    for (int s = 0; s < 2; s++)
        for (size_t k = 0; k < m[s]; k++) {
            if (mate[s][in[s][k]] == UINT32_MAX)
                left[s][nl[s]++] = in[s][k];
            best2[s][in[s][k]].partner = SIZE_MAX;
        }
    if (nrp && nl[0] && nl[1]) {
        const uint32_t *const in2[2] = {left[0], left[1]};
        size_t nrp1 = nrp;
        nc = 0;
        if ((rc = score_pass(da, in2, nl, &r, cands, &nc)) < 0 ||
            (rc = corpus_link(cands, nc, da->n, da->min_score, best2, rp, &nrp)) < 0)
            goto done;
        for (size_t k = nrp1; k < nrp; k++) {
            mate[0][rp[k].src] = (uint32_t)rp[k].tgt;
            mate[1][rp[k].tgt] = (uint32_t)rp[k].src;
        }
        /* a document still unpaired keeps its better best candidate of the two passes */
        for (int s = 0; s < 2; s++)
            for (size_t k = 0; k < nl[s]; k++) {
                uint32_t i = left[s][k];
                if (best2[s][i].partner != SIZE_MAX && (da->best[s][i].partner == SIZE_MAX ||
                                                        best2[s][i].score > da->best[s][i].score))
                    da->best[s][i] = best2[s][i];
            }
    }
    /* the copies: the k-th copy of a text on one side with the k-th of its partner's on the
     * other (in the order added), each pair of copies scored as their texts' pair; a copy left
     * over (more copies on one side) is unpaired, its best candidate its text's partner */
    for (int s = 0; s < 2; s++) {
        uint32_t *next = left[s], *head = in[s]; /* reused: a text's next copy (in order) */
        for (size_t i = 0; i < da->n[s]; i++)
            next[i] = head[i] = UINT32_MAX;
        for (size_t i = da->n[s]; i-- > 0;)
            if (grp[s][i] != i) {
                next[i] = head[grp[s][i]];
                head[grp[s][i]] = (uint32_t)i;
            }
        for (size_t i = 0; i < da->n[s]; i++)
            if (grp[s][i] == i)
                next[i] = head[i];
    }
    for (size_t k = 0; k < nrp; k++) {
        uint32_t a = (uint32_t)rp[k].src, b = (uint32_t)rp[k].tgt;
        for (; a != UINT32_MAX && b != UINT32_MAX; a = left[0][a], b = left[1][b])
            da->pairs[da->npairs++] = (jisr_docpair){a, b, rp[k].score};
        for (int s = 0; s < 2; s++)
            for (uint32_t i = s ? b : a; i != UINT32_MAX; i = left[s][i])
                da->best[s][i] = (jisr_docbest){s ? rp[k].src : rp[k].tgt, rp[k].score};
    }
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < da->n[s]; i++)
            if (grp[s][i] != i && mate[s][grp[s][i]] == UINT32_MAX)
                da->best[s][i] = da->best[s][grp[s][i]];
    if (da->npairs)
        qsort(da->pairs, da->npairs, sizeof *da->pairs, cmp_docpair);
done:
    free(df);
    free(idf);
    for (int s = 0; s < 2; s++) {
        free(grp[s]);
        free(in[s]);
        free(left[s]);
        free(mate[s]);
        free(best2[s]);
    }
    free(cands);
    free(rp);
    return rc;
}

const jisr_docpair *jisr_docaligner_pairs(const jisr_docaligner *da, size_t *n)
{
    if (!n) { /* pairs without their number cannot be read */
        jisr_null_arg("jisr_docaligner_pairs", "n");
        return NULL;
    }
    *n = da ? da->npairs : 0;
    return da ? da->pairs : NULL;
}

size_t jisr_docaligner_count(const jisr_docaligner *da, int side)
{
    return da && side >= 0 && side < 2 ? da->n[side] : 0;
}

const char *jisr_docaligner_name(const jisr_docaligner *da, int side, size_t i)
{
    return da && side >= 0 && side < 2 && i < da->n[side] ? da->docs[side][i].name : NULL;
}

jisr_docbest jisr_docaligner_best(const jisr_docaligner *da, int side, size_t i)
{
    jisr_docbest none = {SIZE_MAX, 0};
    if (!da || side < 0 || side > 1 || i >= da->n[side] || !da->best[side])
        return none;
    return da->best[side][i];
}

void jisr_docaligner_free(jisr_docaligner *da)
{
    if (!da)
        return;
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < da->n[s]; i++) {
            free(da->docs[s][i].name);
            free(da->docs[s][i].t);
        }
        free(da->docs[s]);
        free(da->best[s]);
    }
    cmap_free(&da->terms);
    cmap_free(&da->heads);
    cmap_free(&da->memo);
    free(da->dpair);
    free(da->doff);
    free(da->memo_off);
    free(da->memo_terms);
    jisr_tokenizer_free(da->tk);
    jisr_stemmer_free(da->st_ar);
    jisr_stemmer_free(da->st_en);
    if (da->tr)
        utrans_close(da->tr);
    jisr_tokens_free(&da->toks);
    jisr_buf_free(&da->nb);
    jisr_buf_free(&da->kb);
    free(da->acc);
    free(da->touched);
    free(da->pairs);
    free(da);
}
