/*
 * fuzz_tok.c — libFuzzer target for the matcher's tokenizer (tm/tok.c) on untrusted text: the
 * one-pass path (tm_tokenize_fused) must give exactly the tokens, spans, hashes and weights of
 * the token-by-token reference (tm_tokenize_ref) whenever it takes the text, with and without
 * surface hashes, with and without tags that join letters (tm_toks_glue); the text layer's
 * per-code-point normalisation must concatenate to jisr_text_normalize on any text none of whose
 * code points needs ICU; the character form with case kept (tm/short.c) is the folded form with
 * some letters marked, and marked only when a surface letter of the text is in upper or title case;
 * a format code ("%s") is one token, read whole by tm_code_len and kept as written. Aborts when a
 * property fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "text/text.h"
#include "tm/match_int.h"
#include "tm/tm_int.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_tok: property failed: %s\n", what);
        abort();
    }
}

/* same()'s flag (never a TM_TOKS_ one): tags U+E000, U+E002 and U+E003 join letters
 * (tm_toks_glue, a <bpt>, an <it> and a <ph> soft hyphen), U+E001 does not (a <ph>) */
#define SAME_GLUE 0x80000000u

static void glue4(tm_toks *t)
{
    static const char *tags[] = {"<bpt i=\"1\">b</bpt>", "<ph>x</ph>", "<it pos=\"end\">i</it>",
                                 "<ph>&lt;w:softHyphen/&gt;</ph>"};
    check(tm_toks_glue_cstr(t, (char *const *)tags, 4) == 0, "glue named");
}

static void same(const char *s, size_t n, unsigned flags)
{
    tm_toks a = {0}, b = {0};
    int glue = (flags & SAME_GLUE) != 0;
    flags &= ~SAME_GLUE;
    a.flags = b.flags = flags;
    if (glue) {
        glue4(&a);
        glue4(&b);
    }
    int rc = tm_tokenize_fused(s, n, &a);
    check(rc >= 0, "one-pass tokenize succeeds");
    check(tm_tokenize_ref(s, n, &b) == 0, "reference tokenize succeeds");
    if (rc == 1) {
        check(a.n == b.n, "same token count");
        check(a.nwords == b.nwords && a.nheavy == b.nheavy && a.w100 == b.w100, "same weights");
        for (size_t i = 0; i < a.n; i++) {
            check(a.v[i].start == b.v[i].start && a.v[i].end == b.v[i].end, "same spans");
            check(a.v[i].kind == b.v[i].kind && a.v[i].code == b.v[i].code &&
                      a.v[i].affix == b.v[i].affix,
                  "same kinds and affixes");
            check(a.v[i].hs == b.v[i].hs && a.v[i].hn == b.v[i].hn && a.v[i].hk == b.v[i].hk,
                  "same hashes");
            check(a.v[i].nl == b.v[i].nl && a.v[i].kl == b.v[i].kl &&
                      memcmp(a.nb.data + a.v[i].no, b.nb.data + b.v[i].no, a.v[i].nl) == 0 &&
                      memcmp(a.v[i].kp, b.v[i].kp, a.v[i].kl) == 0,
                  "same normal forms and keys");
            check(a.v[i].sp == b.v[i].sp && a.v[i].ss == b.v[i].ss, "same signatures");
        }
        check(a.nlight == b.nlight && a.ntags == b.ntags, "same light and tag counts");
    }
    for (size_t i = 0; i < b.n; i++)
        check(b.v[i].start < b.v[i].end && b.v[i].end <= n &&
                  (i == 0 || b.v[i - 1].end <= b.v[i].start),
              "spans ordered and inside the text");
    /* format codes: a NUMBER token that tm_code_len reads whole, its normal form its surface;
     * every '%', '{' or '$' that starts one outside another token is one */
    for (size_t i = 0; i < b.n; i++) {
        const tm_tok *t = &b.v[i];
        size_t len = t->end - t->start;
        if (t->code)
            check(t->kind == TM_NUMBER && len <= TM_CODE_MAX &&
                      tm_code_start((unsigned char)s[t->start]) &&
                      tm_code_len(s, n, t->start) == len && t->nl == len &&
                      memcmp(b.nb.data + t->no, s + t->start, len) == 0,
                  "a code is tm_code_len's, as written");
        else if (tm_code_start((unsigned char)s[t->start]))
            check(tm_code_len(s, n, t->start) == 0, "a '%', '{' or '$' token starts no code");
    }
    tm_toks_free(&a);
    tm_toks_free(&b);
}

static char *put_utf8(char *o, uint32_t c)
{
    if (c < 0x80) {
        *o++ = (char)c;
    } else if (c < 0x800) {
        *o++ = (char)(0xC0 | (c >> 6));
        *o++ = (char)(0x80 | (c & 0x3F));
    } else {
        *o++ = (char)(0xE0 | (c >> 12));
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    }
    return o;
}

static void norm_cps(const char *s, size_t n, unsigned flags)
{
    jisr_norm_cps h;
    if (jisr_text_norm_cps(flags, &h) != 0)
        return;
    jisr_buf a = {0}, b = {0};
    check(jisr_buf_reserve(&a, 3 * n + 8) == 0, "reserve");
    char *o = a.data;
    for (size_t i = 0; i < n;) {
        size_t len;
        int32_t c = jisr_utf8_decode((const unsigned char *)s, n, i, &len);
        if (c < 0)
            goto out; /* invalid UTF-8: the per-code-point path does not apply */
        i += len;
        int v = jisr_norm_cp(&h, (uint32_t)c);
        if (v == JISR_NORM_CP_SLOW)
            goto out;
        if (v >= 0)
            o = put_utf8(o, (uint32_t)v); /* one BMP code point */
    }
    a.len = (size_t)(o - a.data);
    check(jisr_text_normalize(s, n, flags, &b) == 0, "normalize succeeds");
    check(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
          "per-code-point normalisation = jisr_text_normalize");
out:
    jisr_buf_free(&a);
    jisr_buf_free(&b);
}

static void case_form(const char *s, size_t n)
{
    tm_toks t = {0};
    if (tm_tokenize(s, n, &t) != 0)
        return;
    static uint32_t a[TM_SHORT_CAP], b[TM_SHORT_CAP];
    int marked = -1, any = 0;
    size_t na = tm_short_form(&t, a, TM_SHORT_CAP);
    size_t nb = tm_short_form_cased(&t, s, b, TM_SHORT_CAP, &marked);
    check(na == nb, "the same length with case kept");
    check(marked == 0 || marked == 1, "marked told");
    for (size_t i = 0; i < na; i++) {
        check((b[i] & ~TM_SHORT_UPPER) == a[i], "the folded code point, perhaps marked");
        check(!(a[i] & TM_SHORT_UPPER), "a folded code point is never marked");
        any |= b[i] != a[i];
    }
    check(any == marked, "marked exactly when a letter is");
    if (!marked)
        goto out;
    int upper = 0; /* then some surface code point is in upper or title case */
    for (size_t i = 0; i < n && !upper;) {
        size_t len;
        int32_t c = jisr_utf8_decode((const unsigned char *)s, n, i, &len);
        i += len ? len : 1;
        upper = c >= 0 && (u_isupper(c) || u_istitle(c));
    }
    check(upper, "a letter marked only when the text has a capital");
out:
    tm_toks_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const char *s = (const char *)data;
    same(s, size, 0);
    same(s, size, TM_TOKS_NO_SURFACE);
    same(s, size, SAME_GLUE);
    same(s, size, TM_TOKS_NO_SURFACE | SAME_GLUE);
    norm_cps(s, size, JISR_NORM_MATCH | JISR_NORM_TAMARBUTA);
    norm_cps(s, size, JISR_NORM_MATCH);
    norm_cps(s, size, JISR_NORM_NFKC);
    case_form(s, size);
    return 0;
}
