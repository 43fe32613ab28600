/*
 * names.c — name anchors: Arabic words transliterated by ICU ("Arabic-Latin; Latin-ASCII") and
 * matched against English words that the input capitalises inside sentences.
 *
 * A transliteration never spells a name the way English does (إبراهيم → "abrahym" for
 * Abraham, يوسف → "ywsf" for Joseph), so both sides are reduced to a consonant skeleton: vowels,
 * h, w and inner y dropped, sounds that Arabic merges put in one class (b p f v; t d th dh;
 * s z sh; k q g j c, and a word-initial y, which is how Arabic writes J names), runs collapsed.
 * Only words the dictionary does not know are tried, and a pair must occur in about as many
 * sentences on each side (within a factor of three). Skeletons of two or more classes match
 * when equal, and of four or more when one deletion
 * or substitution apart (a symmetric-deletion index, so the matching stays linear).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "align/aligner_int.h"

#define KEY_MAX 32

static char letter_class(const char *s, size_t n, size_t i, size_t *adv)
{
    char c = s[i], d = i + 1 < n ? s[i + 1] : '\0';
    *adv = 1;
    if (d == 'h' &&
        (c == 's' || c == 't' || c == 'd' || c == 'k' || c == 'g' || c == 'p' || c == 'c')) {
        *adv = 2;
        switch (c) {
        case 's':
            return 'S';
        case 't':
        case 'd':
            return 'T';
        case 'p':
            return 'B';
        default:
            return 'K';
        }
    }
    switch (c) {
    case 'b':
    case 'p':
    case 'f':
    case 'v':
        return 'B';
    case 't':
    case 'd':
        return 'T';
    case 's':
    case 'z':
    case 'x':
        return 'S';
    case 'k':
    case 'q':
    case 'g':
    case 'j':
    case 'c':
        return 'K';
    case 'l':
        return 'L';
    case 'm':
        return 'M';
    case 'n':
        return 'N';
    case 'r':
        return 'R';
    case 'y':
        return i == 0 ? 'K' : 0;
    default:
        return 0; /* vowels, h, w, apostrophes, anything else */
    }
}

size_t jisr_align_name_key(const char *latin, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    char prev = 0;
    if (!out && cap) {
        jisr_null_arg("jisr_align_name_key", "out");
        return 0;
    }
    if (!cap) /* no room, not even for the NUL */
        return 0;
    if (!latin && n) {
        out[0] = '\0';
        jisr_null_arg("jisr_align_name_key", "latin");
        return 0;
    }
    for (size_t i = 0; i < n && k + 1 < cap;) {
        size_t adv;
        char c = latin[i];
        if (c >= 'A' && c <= 'Z') {
            char low[2] = {(char)(c - 'A' + 'a'), i + 1 < n ? latin[i + 1] : '\0'};
            if (low[1] >= 'A' && low[1] <= 'Z')
                low[1] = (char)(low[1] - 'A' + 'a');
            c = letter_class(low, 2, 0, &adv);
            if (i != 0 && c == 'K' && low[0] == 'y')
                c = 0;
        } else
            c = letter_class(latin, n, i, &adv);
        i += adv;
        if (c && c != prev)
            out[k++] = c;
        if (c)
            prev = c;
    }
    out[k] = '\0';
    return k;
}

typedef struct nkey {
    char key[KEY_MAX];
    uint32_t id, ord; /* ord: the word's place in the run's order (al_names) */
} nkey;

static int nkey_key_cmp(const void *x, const void *y)
{
    return strcmp(((const nkey *)x)->key, ((const nkey *)y)->key);
}

/* by key, then by the run's order (equal keys are then met in the same order whatever the ids) */
static int nkey_cmp(const void *x, const void *y)
{
    const nkey *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : a->ord < b->ord ? -1 : a->ord > b->ord;
}

static int push_key(nkey **v, size_t *n, size_t *cap, const char *key, uint32_t id, uint32_t ord)
{
    int rc = JISR_GROW(*v, *cap, *n + 1);
    if (rc < 0)
        return rc;
    snprintf((*v)[*n].key, KEY_MAX, "%s", key);
    (*v)[*n].id = id;
    (*v)[*n].ord = ord;
    (*n)++;
    return 0;
}

/* key and, when long enough, its single deletions */
static int push_variants(nkey **v, size_t *n, size_t *cap, const char *key, uint32_t id,
                         uint32_t ord)
{
    int rc = push_key(v, n, cap, key, id, ord);
    size_t len = strlen(key);
    for (size_t i = 0; rc == 0 && len >= 4 && i < len; i++) {
        char del[KEY_MAX];
        memcpy(del, key, i);
        memcpy(del + i, key + i + 1, len - i);
        rc = push_key(v, n, cap, del, id, ord);
    }
    return rc;
}

static pthread_once_t proto_once = PTHREAD_ONCE_INIT;
static UTransliterator *proto; /* lives until the process ends */
static UErrorCode proto_status = U_ZERO_ERROR;

static void open_proto(void)
{
    UChar id[64];
    u_uastrcpy(id, "Arabic-Latin; Latin-ASCII");
    proto = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &proto_status);
}

/* What ICU's "Arabic-Latin; Latin-ASCII" makes of each letter U+0621–U+064A on its own; for words
 * made of these letters only it makes exactly their concatenation (checked on the 37,690 distinct
 * words of the Bible and UN sets), so they skip ICU, whose rules take longer to compile than a
 * chapter takes to align (9 % of a batch of 171 chapters). NULL: ICU decides. A soft hyphen
 * (U+00AD, which word processors leave in words) becomes "-" wherever it stands: checked with
 * uconv on 19,088 words of the Bible sets with one, two or three inserted at the start, the end
 * and inside. */
static const char *const letter_latin[] = {
    "\xca\xbe", "a",  "a",  "w", "a", "y",  "a", "b", "t", "t", "th",       "j",  "h",  "kh",
    "d",        "dh", "r",  "z", "s", "sh", "s", "d", "t", "z", "\xca\xbf", "gh", NULL, NULL,
    NULL,       NULL, NULL, "",  "f", "q",  "k", "l", "m", "n", "h",        "w",  "y",  "y"};

int al_translit_table(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    if (n / 2 >= 128) /* as long as ICU's path takes */
        return -1;
    for (size_t i = 0; i < n;) {
        unsigned char c0 = (unsigned char)s[i];
        if (i + 1 >= n || (c0 != 0xD8 && c0 != 0xD9 && c0 != 0xC2))
            return -1;
        unsigned cp = ((c0 & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu);
        const char *l = cp == 0xAD                   ? "-"
                        : cp >= 0x621 && cp <= 0x64A ? letter_latin[cp - 0x621]
                                                     : NULL;
        if (!l)
            return -1;
        size_t ln = strlen(l);
        if (k + ln + 1 > cap)
            return -1;
        memcpy(out + k, l, ln);
        k += ln;
        i += 2;
    }
    out[k] = '\0';
    return (int)k;
}

int al_translit_icu(jisr_aligner *a, const char *s, size_t n, char *out, size_t cap)
{
    if (!a->translit) {
        /* compiling the rules is the slow part: once per process, each aligner clones the result
         * (a transliterator is not for two threads at once) */
        pthread_once(&proto_once, open_proto);
        UErrorCode st = proto_status;
        if (proto)
            a->translit = utrans_clone(proto, &st);
        if (U_FAILURE(st) || !a->translit) {
            jisr_error_set(JISR_EICU, NULL, 0, 0, "cannot open the Arabic-Latin transliterator: %s",
                           u_errorName(st));
            return -2;
        }
    }
    UChar buf[256];
    int32_t len = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(buf, 128, &len, s, (int32_t)n, &st);
    if (U_FAILURE(st) || len >= 128)
        return -1;
    int32_t limit = len;
    utrans_transUChars((UTransliterator *)a->translit, buf, &len, 256, 0, &limit, &st);
    if (U_FAILURE(st))
        return -1;
    int32_t on = 0;
    u_strToUTF8(out, (int32_t)cap - 1, &on, buf, len, &st);
    if (U_FAILURE(st) || on >= (int32_t)cap)
        return -1;
    out[on] = '\0';
    return on;
}

static int translit(jisr_aligner *a, const char *s, size_t n, char *out, size_t cap)
{
    int k = al_translit_table(s, n, out, cap);
    return k >= 0 ? k : al_translit_icu(a, s, n, out, cap);
}

/* sentences holding id, on its own side */
static uint32_t df_of(const jisr_aligner *a, uint32_t id)
{
    return a->tk.kind[id] == 'S' ? a->df[id] : a->dft[id];
}

/* The vocabulary's ids in the order a fresh aligner's would have: the words it had before its
 * first document (lexicons, dictionary), by id; then the others of this run's documents, by
 * first occurrence; then the rest, by id. The names found are added to translation lists that
 * keep at most AL_TR_MAX entries, so the order in which they are met decides which are kept; in
 * id order, an aligner that had aligned other documents before (its vocabulary is kept across
 * jisr_aligner_clear) kept others than a fresh one, and its scores depended on what it had
 * aligned before. NULL when out of memory. */
static uint32_t *run_order(const jisr_aligner *a)
{
    uint32_t nv = a->tk.voc.n;
    uint32_t *order = malloc(((size_t)nv + 1) * sizeof *order);
    unsigned char *seen = calloc((size_t)nv + 1, 1);
    if (!order || !seen) {
        free(order);
        free(seen);
        return NULL;
    }
    uint32_t n = 0;
    for (uint32_t id = 0; id < a->vocab0 && id < nv; id++) {
        seen[id] = 1;
        order[n++] = id;
    }
    for (size_t k = 0; k < a->ndocs; k++) {
        const al_doc *d = &a->docs[k];
        for (uint32_t p = 0; p < d->off[d->ns + d->nt]; p++)
            if (d->ids[p] < nv && !seen[d->ids[p]]) {
                seen[d->ids[p]] = 1;
                order[n++] = d->ids[p];
            }
    }
    for (uint32_t id = 0; id < nv; id++)
        if (!seen[id])
            order[n++] = id;
    free(seen);
    return order;
}

int al_names(jisr_aligner *a)
{
    char ar, en;
    if (jisr_lang_matches(a->tk.srclang, "ar") && jisr_lang_matches(a->tk.tgtlang, "en")) {
        ar = 'S';
        en = 'T';
    } else if (jisr_lang_matches(a->tk.srclang, "en") && jisr_lang_matches(a->tk.tgtlang, "ar")) {
        ar = 'T';
        en = 'S';
    } else
        return 0;
    nkey *ek = NULL;
    size_t nek = 0, cek = 0;
    int rc = 0;
    uint32_t *order = run_order(a);
    if (!order)
        return jisr_oom(0);
    for (uint32_t o = 0; rc == 0 && o < a->tk.voc.n; o++) {
        uint32_t id = order[o];
        const char *s = al_tk_surface(&a->tk, id);
        if (a->tk.kind[id] != (unsigned char)en || !s || a->tk.capn[id] == 0 ||
            a->tk.capn[id] < a->tk.lown[id])
            continue;
        char key[KEY_MAX];
        if (jisr_align_name_key(s, strlen(s), key, sizeof key) >= 2)
            rc = push_variants(&ek, &nek, &cek, key, id, o);
    }
    if (rc < 0 || nek == 0)
        goto done;
    qsort(ek, nek, sizeof *ek, nkey_cmp);
    nkey *q = NULL;
    size_t nq = 0, cq = 0;
    for (uint32_t o = 0; rc == 0 && o < a->tk.voc.n; o++) {
        /* names are what the dictionary does not know */
        uint32_t id = order[o];
        const char *s = al_tk_surface(&a->tk, id);
        if (a->tk.kind[id] != (unsigned char)ar || !s || a->tr[id].n > 0 || df_of(a, id) == 0)
            continue;
        size_t sn = strlen(s);
        for (int strip = 0; rc == 0 && strip < 2; strip++) {
            const char *w = s;
            size_t wn = sn;
            if (strip) {
                /* wa-/fa-/li-/bi- + name: try without the one-letter prefix */
                unsigned char c0 = (unsigned char)s[0], c1 = (unsigned char)s[1];
                int pre = sn >= 8 && ((c0 == 0xD9 && (c1 == 0x88 || c1 == 0x81 || c1 == 0x84)) ||
                                      (c0 == 0xD8 && c1 == 0xA8));
                if (!pre)
                    continue;
                w += 2;
                wn -= 2;
            }
            char lat[128], key[KEY_MAX];
            int ln = translit(a, w, wn, lat, sizeof lat);
            if (ln == -2) {
                rc = JISR_EICU;
                break;
            }
            if (ln <= 0 || jisr_align_name_key(lat, (size_t)ln, key, sizeof key) < 2)
                continue;
            nq = 0;
            if ((rc = push_variants(&q, &nq, &cq, key, id, o)) < 0)
                break;
            for (size_t k = 0; rc == 0 && k < nq; k++) {
                nkey *hit = bsearch(&q[k], ek, nek, sizeof *ek, nkey_key_cmp);
                if (!hit)
                    continue;
                while (hit > ek && strcmp(hit[-1].key, q[k].key) == 0)
                    hit--;
                for (; rc == 0 && hit < ek + nek && strcmp(hit->key, q[k].key) == 0; hit++) {
                    /* a name occurs about as often in a text as in its translation */
                    double fa = df_of(a, id) + 1.0, fe = df_of(a, hit->id) + 1.0;
                    if (fa > 3 * fe || fe > 3 * fa)
                        continue;
                    if (ar == 'S')
                        rc = al_tr_add(a, id, hit->id);
                    else
                        rc = al_tr_add(a, hit->id, id);
                }
            }
        }
    }
    free(q);
done:
    free(ek);
    free(order);
    return rc;
}

void al_names_free(jisr_aligner *a)
{
    if (a->translit)
        utrans_close((UTransliterator *)a->translit);
    a->translit = NULL;
}
