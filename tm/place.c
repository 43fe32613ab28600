/*
 * place.c — numbers as placeables: their value as written (any digit system, grouping and
 * decimal separators), their agreement class in a language, how a query's number is written in
 * the style of the target's, and how a stored source's numbers are paired with its target's.
 *
 * Agreement classes are CLDR's plural categories, taken from ICU's plural rules (the rules
 * translators' tools already use for gettext and ICU MessageFormat plurals): for Arabic zero,
 * one, two, few (3–10), many (11–99) and other (100, 1000, 101, 102 …), decided by the last two
 * digits of a compound number; for English one and other. Decimals are classified as written
 * (visible fraction digits), so English "1.0" is other and Arabic "2.5" is other. Nothing here
 * is Arabic- or English-specific beyond ICU's data: a French or Russian target gets its own
 * classes. The rules of each language are opened once and shared (uplrules_select is a const
 * operation, safe from several threads).
 *
 * Signs. A number's sign ('-', '+', U+2212 before its first digit; placeable.c decides which
 * characters before a number token are one) is read with it: two numbers are the same as written
 * only with the same sign ('-' and U+2212 are one sign), the class is that of the absolute value,
 * and a query's number is written with its sign in the target's character for it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unumberformatter.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>

#include "tm/place_int.h"
#include "tm/tm_int.h"
#include "util/utf8.h"

/* ---- parsing ----------------------------------------------------------------------------- */

static int is_sep(uint32_t c)
{
    return c == '.' || c == ',' || c == 0x066B || c == 0x066C;
}

/* the value of decimal digit c (any system), -1 when c is none */
static int digit_value(int32_t c)
{
    int32_t d = c >= 0 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER ? u_charDigitValue(c) : -1;
    return d >= 0 && d <= 9 ? (int)d : -1;
}

/* s[0..n) starts with a sign ('-', '+', U+2212) right before a digit: the sign, else 0; *len
 * its length */
static uint32_t lead_sign(const unsigned char *s, size_t n, size_t *len)
{
    *len = 0;
    if (!n)
        return 0;
    size_t l, dl;
    int32_t c = jisr_utf8_decode(s, n, 0, &l);
    if ((c != '-' && c != '+' && c != 0x2212) || l >= n ||
        digit_value(jisr_utf8_decode(s, n, l, &dl)) < 0)
        return 0;
    *len = l;
    return (uint32_t)c;
}

int tm_num_parse(const char *str, size_t n, tm_num *out)
{
    const unsigned char *s = (const unsigned char *)str;
    /* the token as groups of digits and the separators between them */
    char dig[TM_NUM_MAXDIGITS + 1];
    size_t nd = 0, gstart[TM_NUM_MAXDIGITS + 1], ngroups = 0;
    uint32_t seps[TM_NUM_MAXDIGITS + 1];
    size_t nsep = 0;
    int toolong = 0, in_group = 0;
    memset(out, 0, sizeof *out);
    size_t slen;
    out->sign = lead_sign(s, n, &slen);
    s += slen; /* the digits and separators after it */
    n -= slen;
    for (size_t i = 0; i < n;) {
        size_t len;
        int32_t c = jisr_utf8_decode(s, n, i, &len);
        i += len;
        if (c < 0)
            continue;
        int32_t d = digit_value(c);
        if (d >= 0) {
            if (!out->zero)
                out->zero = (uint32_t)(c - d);
            if (nd == TM_NUM_MAXDIGITS) { /* before a group opens: so at most 64 groups */
                toolong = 1;
                break;
            }
            if (!in_group) {
                gstart[ngroups++] = nd;
                in_group = 1;
            }
            dig[nd++] = (char)('0' + d);
        } else if (is_sep((uint32_t)c) && in_group) {
            seps[nsep++] = (uint32_t)c;
            in_group = 0;
        }
        /* anything else (format characters inside the token) is not part of the value */
    }
    if (!nd)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "not a number");
    if (nsep == ngroups) /* a trailing separator: not the tokenizer's, but be safe */
        nsep--;
    gstart[ngroups] = nd;
    /* val holds every digit and separator of a number of at most TM_NUM_MAXDIGITS digits (one
     * separator after each group at most); before, a written form of more than 65 bytes
     * ("1.2.3. … .40") ran past it (found by fuzz_place) */
    if (nd + nsep > sizeof out->val - 1)
        toolong = 1;
    /* the written form in ASCII, kept for texts without a single value */
    size_t o = 0;
    for (size_t g = 0; g < ngroups && !toolong; g++) {
        memcpy(out->val + o, dig + gstart[g], gstart[g + 1] - gstart[g]);
        o += gstart[g + 1] - gstart[g];
        if (g < nsep)
            out->val[o++] = (seps[g] == '.' || seps[g] == 0x066B) ? '.' : ',';
    }
    out->val[o] = 0;
    if (toolong) {
        out->toolong = 1;
        out->hash = tm_hash(s, n, TM_NUMBER);
        return 0;
    }
    /* which separator is the decimal one */
    size_t ndot = 0, ncomma = 0, nadec = 0, nagrp = 0;
    for (size_t k = 0; k < nsep; k++) {
        ndot += seps[k] == '.';
        ncomma += seps[k] == ',';
        nadec += seps[k] == 0x066B;
        nagrp += seps[k] == 0x066C;
    }
    uint32_t dec = 0, grp = 0;
    if (nadec) {
        dec = 0x066B;
        grp = nagrp ? 0x066C : (ncomma ? ',' : (ndot ? '.' : 0));
    } else if (ndot && ncomma) {
        dec = seps[nsep - 1];
        grp = dec == '.' ? ',' : '.';
    } else if (nagrp) {
        grp = 0x066C;
        dec = ndot ? '.' : (ncomma ? ',' : 0);
    } else if (ncomma) {
        /* "1,234" and "1,234,567" group; "2,5" is a decimal comma */
        size_t last = gstart[ngroups] - gstart[ngroups - 1];
        if (ncomma == 1 && last != 3)
            dec = ',';
        else
            grp = ',';
    } else if (ndot) {
        if (ndot == 1)
            dec = '.';
        else
            grp = '.';
    }
    /* every separator must be the decimal one (once, last) or the group one */
    size_t ndec = 0;
    for (size_t k = 0; k < nsep; k++) {
        if (seps[k] == dec) {
            if (++ndec > 1 || k != nsep - 1)
                return 0;
        } else if (seps[k] != grp) {
            return 0;
        }
    }
    size_t nint_groups = ndec ? ngroups - 1 : ngroups;
    if (nint_groups > 1) { /* digits grouped by three after a first group of one to three */
        size_t first = gstart[1] - gstart[0];
        if (first < 1 || first > 3)
            return 0;
        for (size_t g = 1; g < nint_groups; g++)
            if (gstart[g + 1] - gstart[g] != 3)
                return 0;
    }
    o = 0;
    for (size_t g = 0; g < nint_groups; g++) {
        memcpy(out->val + o, dig + gstart[g], gstart[g + 1] - gstart[g]);
        o += gstart[g + 1] - gstart[g];
    }
    out->nint = (unsigned)o;
    if (ndec) {
        out->val[o++] = '.';
        size_t fl = gstart[ngroups] - gstart[ngroups - 1];
        memcpy(out->val + o, dig + gstart[ngroups - 1], fl);
        o += fl;
        out->nfrac = (unsigned)fl;
        out->dsep = dec;
    }
    out->val[o] = 0;
    out->gsep = nint_groups > 1 ? grp : 0;
    out->value = 1;
    return 0;
}

/* ---- agreement classes ------------------------------------------------------------------- */

typedef struct rules_ent {
    char lang[16];
    UPluralRules *r;
} rules_ent;

#define RULES_MAX 32
static rules_ent g_rules[RULES_MAX];
static size_t g_nrules;
static pthread_mutex_t g_rules_mu = PTHREAD_MUTEX_INITIALIZER;

/* the shared rules of lang's primary subtag (opened on first use, never closed) */
static UPluralRules *rules_for(const char *lang)
{
    char p[16];
    tm_lang_primary(lang, p, sizeof p);
    UPluralRules *r = NULL;
    pthread_mutex_lock(&g_rules_mu);
    for (size_t i = 0; i < g_nrules; i++)
        if (strcmp(g_rules[i].lang, p) == 0) {
            r = g_rules[i].r;
            goto done;
        }
    UErrorCode ec = U_ZERO_ERROR;
    r = uplrules_open(p, &ec);
    if (U_FAILURE(ec)) {
        r = NULL;
        goto done;
    }
    if (g_nrules < RULES_MAX) {
        memcpy(g_rules[g_nrules].lang, p, sizeof p);
        g_rules[g_nrules++].r = r;
    }
    /* beyond RULES_MAX languages the rules are kept by nobody: a small leak per call that
     * only a program asking in 33 languages would see */
done:
    pthread_mutex_unlock(&g_rules_mu);
    return r;
}

static int keyword_class(const UChar *kw)
{
    static const char *const names[] = {"zero", "one", "two", "few", "many", "other"};
    char k[16];
    u_austrncpy(k, kw, sizeof k - 1);
    k[sizeof k - 1] = 0;
    for (int i = 0; i < 6; i++)
        if (strcmp(k, names[i]) == 0)
            return i;
    return TM_PL_OTHER;
}

int tm_num_plural(const char *lang, const tm_num *x)
{
    if (!x->value)
        return TM_PL_NONE;
    UPluralRules *r = rules_for(lang);
    if (!r)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "no plural rules for %s", lang);
    UChar kw[32];
    UErrorCode ec = U_ZERO_ERROR;
    /* ICU computes in doubles: a longer integer part keeps its last 15 digits behind a 1, which
     * keeps every remainder CLDR's rules look at (n % 10 … n % 1000000) and its magnitude */
    char v[TM_NUM_MAXDIGITS + 4];
    const char *digits = x->val;
    if (x->nint > 15) {
        v[0] = '1';
        strcpy(v + 1, x->val + x->nint - 15);
        digits = v;
    }
    if (!x->nfrac) {
        uplrules_select(r, strtod(digits, NULL), kw, 32, &ec);
    } else {
        /* the number with its visible fraction digits: through a formatter that keeps them.
         * ICU's decimal quantity holds 34 digits: a longer fraction becomes a 1 and its last
         * digits, which keeps what CLDR's rules read of a fraction (v ≠ 0; f % 10^k and t
         * likewise for every k below the digits kept, 17 at least) */
        size_t nf = x->nfrac;
        const char *dot = strchr(digits, '.');        /* there when nfrac > 0 (tm_num_parse) */
        size_t ni = dot ? (size_t)(dot - digits) : 0; /* at most 16 (above) */
        if (dot && ni + nf > 34) {
            size_t keep = 34 - ni - 1; /* fraction digits kept behind the 1 */
            if (digits != v)
                memcpy(v, digits, ni);
            memmove(v + ni + 2, dot + 1 + (nf - keep), keep + 1); /* and the NUL */
            v[ni] = '.';
            v[ni + 1] = '1';
            digits = v;
            nf = keep + 1;
        }
        char sk[40];
        UChar usk[40];
        snprintf(sk, sizeof sk, ".%.*s", (int)nf, "0000000000000000000000000000000000");
        u_uastrcpy(usk, sk);
        char p[16];
        tm_lang_primary(lang, p, sizeof p);
        UNumberFormatter *f = unumf_openForSkeletonAndLocale(usk, -1, p, &ec);
        UFormattedNumber *res = unumf_openResult(&ec);
        unumf_formatDecimal(f, digits, -1, res, &ec);
        uplrules_selectFormatted(r, res, kw, 32, &ec);
        unumf_closeResult(res);
        unumf_close(f);
    }
    if (U_FAILURE(ec))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "plural rules failed: %s", u_errorName(ec));
    return keyword_class(kw);
}

const char *tm_plural_name(int cls)
{
    static const char *const names[] = {"zero", "one", "two", "few", "many", "other", "none"};
    return cls >= 0 && cls <= TM_PL_NONE ? names[cls] : "?";
}

/* ---- rendering --------------------------------------------------------------------------- */

static void put_cp(jisr_buf *b, uint32_t cp)
{
    char u[4];
    size_t n = 0;
    if (cp < 0x80) {
        u[n++] = (char)cp;
    } else if (cp < 0x800) {
        u[n++] = (char)(0xC0 | (cp >> 6));
        u[n++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        u[n++] = (char)(0xE0 | (cp >> 12));
        u[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[n++] = (char)(0x80 | (cp & 0x3F));
    } else {
        u[n++] = (char)(0xF0 | (cp >> 18));
        u[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[n++] = (char)(0x80 | (cp & 0x3F));
    }
    jisr_buf_append(b, u, n);
}

int tm_num_render(const tm_num *x, const tm_num *like, const char *like_s, size_t like_n,
                  jisr_buf *out)
{
    (void)like_s;
    (void)like_n;
    uint32_t zero = like && like->zero ? like->zero : '0';
    size_t before = out->len;
    if (x->code) { /* a format code: as the query wrote it, with the I flag of the target's */
        size_t n = strlen(x->val), at = x->loc;
        if (!at && like && like->code && like->loc && n > x->flags_at &&
            strchr("diuf", x->val[n - 1]))
            at = x->flags_at;
        int rc = jisr_buf_append(out, x->val, at ? at : n);
        if (rc == 0 && at && (rc = jisr_buf_putc(out, 'I')) == 0)
            rc = jisr_buf_puts(out, x->val + at);
        return rc;
    }
    if (x->sign) /* the target's way of writing the same sign, else the query's */
        put_cp(out, like && like->sign && tm_sign_class(like->sign) == tm_sign_class(x->sign)
                        ? like->sign
                        : x->sign);
    if (!x->value) { /* no single value: the digits and separators as the query wrote them */
        for (const char *p = x->val; *p; p++) {
            if (*p >= '0' && *p <= '9')
                put_cp(out, zero + (uint32_t)(*p - '0'));
            else if (zero == 0x0660 && *p == '.')
                put_cp(out, 0x066B);
            else if (zero == 0x0660 && *p == ',')
                put_cp(out, 0x066C);
            else
                jisr_buf_putc(out, *p);
        }
        return out->len > before || !x->val[0] ? 0 : JISR_ENOMEM;
    }
    /* the target's separators when its number shows them, else the query's grouping with the
     * separators that go with the target's digits */
    int arabic = zero == 0x0660 || zero == 0x06F0;
    int like_informs = like && like->value && (like->gsep || like->nint > 3);
    int group = like_informs ? like->gsep != 0 : x->gsep != 0;
    uint32_t gsep = like && like->gsep ? like->gsep : (arabic ? 0x066C : ',');
    uint32_t dsep = like && like->dsep ? like->dsep : (arabic ? 0x066B : '.');
    if (gsep == dsep) /* "1.234" grouped like a German text, fraction from an English query */
        dsep = gsep == '.' ? ',' : '.';
    for (unsigned i = 0; i < x->nint; i++) {
        if (group && i > 0 && (x->nint - i) % 3 == 0)
            put_cp(out, gsep);
        put_cp(out, zero + (uint32_t)(x->val[i] - '0'));
    }
    if (x->nfrac) {
        put_cp(out, dsep);
        for (unsigned i = 0; i < x->nfrac; i++)
            put_cp(out, zero + (uint32_t)(x->val[x->nint + 1 + i] - '0'));
    }
    return out->len > before ? 0 : JISR_ENOMEM;
}

/* ---- pairing ----------------------------------------------------------------------------- */

void tm_num_code(const char *s, size_t n, tm_num *out)
{
    memset(out, 0, sizeof *out);
    out->code = 1;
    if (n > sizeof out->val - 1)
        n = sizeof out->val - 1; /* cannot happen: TM_CODE_MAX */
    if (n && s[n - 1] == '}') {  /* a placeholder in braces: no flags */
        memcpy(out->val, s, n);
        out->val[n] = 0;
        return;
    }
    size_t j = tm_code_prefix(s, n); /* past '%' and a "(name)" or "N$" */
    out->flags_at = (unsigned)j;
    size_t o = 0, k = 0;
    for (; k < j; k++)
        out->val[o++] = s[k];
    /* the flags, without one I; the last byte is the conversion (strftime's "%I" keeps it) */
    for (; k + 1 < n && strchr("-+#0'I", s[k]); k++) {
        if (s[k] == 'I' && !out->loc)
            out->loc = (unsigned)o;
        else
            out->val[o++] = s[k];
    }
    for (; k < n; k++)
        out->val[o++] = s[k];
    out->val[o] = 0;
}

/* a and b the same number or code, as written (a code's I flag too) */
static int num_eq(const tm_num *a, const tm_num *b)
{
    if (a->code != b->code || !a->loc != !b->loc ||
        tm_sign_class(a->sign) != tm_sign_class(b->sign))
        return 0;
    if (a->toolong || b->toolong)
        return a->toolong && b->toolong && a->hash == b->hash;
    return a->value == b->value && strcmp(a->val, b->val) == 0;
}

/* a target's t the source's s: the same, or the same code with the I flag (a source's "%d" is
 * a target's "%Id") */
static int num_eq_t(const tm_num *t, const tm_num *s)
{
    if (t->code && s->code && t->loc && !s->loc)
        return strcmp(t->val, s->val) == 0;
    return num_eq(t, s);
}

int tm_num_pair(const tm_num *src, const tm_num *qry, size_t n, const tm_num *tgt, size_t nt,
                int *t2q)
{
    for (size_t j = 0; j < nt; j++)
        t2q[j] = -1;
    for (size_t i = 0; i < n; i++) {
        if (num_eq(&src[i], &qry[i]))
            continue;
        int seen = 0; /* an earlier changed occurrence of the value handled it */
        for (size_t k = 0; k < i && !seen; k++)
            seen = num_eq(&src[k], &src[i]) && !num_eq(&src[k], &qry[k]);
        if (seen)
            continue;
        /* occurrences of the value in source and target, and whether they all fare alike */
        size_t ns = 0, ntv = 0;
        int alike = 1;
        for (size_t k = 0; k < n; k++)
            if (num_eq(&src[k], &src[i])) {
                ns++;
                if (!num_eq(&qry[k], &qry[i]))
                    alike = 0;
            }
        for (size_t j = 0; j < nt; j++)
            ntv += num_eq_t(&tgt[j], &src[i]);
        if (!ntv)
            return TM_PAIR_MISSING;
        if (alike) {
            for (size_t j = 0; j < nt; j++)
                if (num_eq_t(&tgt[j], &src[i]))
                    t2q[j] = (int)i;
            continue;
        }
        if (ns != ntv)
            return TM_PAIR_AMBIGUOUS;
        /* the target's numbers that carry a source value must come in the source's order (some
         * may be left out of the translation): a subsequence of the source's numbers */
        size_t k = 0;
        for (size_t j = 0; j < nt; j++) {
            size_t m;
            for (m = 0; m < n; m++)
                if (num_eq_t(&tgt[j], &src[m]))
                    break;
            if (m == n)
                continue; /* a number of the target's own */
            while (k < n && !num_eq_t(&tgt[j], &src[k]))
                k++;
            if (k == n)
                return TM_PAIR_AMBIGUOUS;
            k++;
        }
        /* then the k-th occurrence in the target is the k-th in the source */
        size_t si = 0;
        for (size_t j = 0; j < nt; j++) {
            if (!num_eq_t(&tgt[j], &src[i]))
                continue;
            while (si < n && !num_eq(&src[si], &src[i]))
                si++;
            if (!num_eq(&qry[si], &src[si]))
                t2q[j] = (int)si;
            si++;
        }
    }
    return TM_PAIR_OK;
}
