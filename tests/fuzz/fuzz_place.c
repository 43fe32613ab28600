/*
 * fuzz_place.c — libFuzzer target for the placeables' parsers on untrusted text (tm/place.c,
 * tm/tagmap.c, tm/near.c): a number token read as a value (digits of any system, separators),
 * its agreement class in Arabic and English, its rendering in another number's style; the
 * pairing of numbers; inline-tag markup classified and mapped; the near-word cost. Aborts when a
 * property fails:
 *   - a parsed value is ASCII digits with at most one '.', and rendering it in ASCII style and
 *     parsing the result gives the same value and sign; a sign is read only at the start;
 *   - the near cost is symmetric, and below a word's cost only for keys sharing a signature;
 *   - number pairing maps each target number to a query number or to none, never out of range;
 *   - a format code is written back as it was, and takes a target's I flag only when numeric;
 *   - tag mapping never gives two target tags the same query tag;
 *   - copied tokens (three texts split by tabs: query, source, target; the source's tokens paired
 *     with the query's in order) replace at most the target's tokens, and the accelerator step
 *     only ever takes '_' and '&' bytes out of the target;
 *   - the numbers of the same three texts (signs included) give a target exactly when they are
 *     substituted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/match_int.h"
#include "tm/place_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_place: property failed: %s\n", what);
        abort();
    }
}

static void one_number(const char *s, size_t n)
{
    tm_num x;
    if (tm_num_parse(s, n, &x) < 0)
        return;
    if (x.value) {
        size_t dots = 0;
        for (const char *p = x.val; *p; p++) {
            check((*p >= '0' && *p <= '9') || *p == '.', "a value is digits and a point");
            dots += *p == '.';
        }
        check(dots <= 1, "one decimal point at most");
        int c1 = tm_num_plural("ar", &x), c2 = tm_num_plural("en", &x);
        check(c1 >= 0 && c1 <= TM_PL_OTHER && c2 >= 0 && c2 <= TM_PL_OTHER, "a class");
        jisr_buf b = {0};
        check(tm_num_render(&x, NULL, NULL, 0, &b) == 0, "render");
        tm_num y;
        check(tm_num_parse(b.data, b.len, &y) == 0 && y.value && strcmp(x.val, y.val) == 0,
              "rendered in ASCII, the same value");
        check(y.sign == x.sign, "rendered in ASCII, the same sign");
        jisr_buf_free(&b);
    } else {
        check(tm_num_plural("ar", &x) == TM_PL_NONE, "no value, no class");
    }
    /* the sign is the text's first character, and a digit follows it */
    check(!x.sign ||
              (n > tm_sign_len(x.sign) &&
               (x.sign < 0x80 ? (unsigned char)s[0] == x.sign : memcmp(s, "\xE2\x88\x92", 3) == 0)),
          "a sign only at the start");
}

/* a format code at s (tm_code_len): written back as it was; with a target's I flag ("%Id") a
 * numeric code takes one I, another none; the same code with and without the flag pair as a
 * target's and a source's */
static void one_code(const char *s, size_t n)
{
    size_t len = tm_code_len(s, n, 0);
    if (!len)
        return;
    tm_num x, like;
    tm_num_code(s, len, &x);
    check(x.code && !x.value && x.flags_at <= strlen(x.val), "a code");
    jisr_buf b = {0};
    check(tm_num_render(&x, NULL, NULL, 0, &b) == 0 && b.len == len && memcmp(b.data, s, len) == 0,
          "a code written as it was");
    tm_num_code("%Id", 3, &like);
    jisr_buf_reset(&b);
    check(tm_num_render(&x, &like, NULL, 0, &b) == 0, "render in a target's style");
    size_t ni = 0, xi = 0;
    for (size_t k = 0; k < b.len; k++)
        ni += b.data[k] == 'I';
    for (size_t k = 0; k < len; k++)
        xi += s[k] == 'I';
    check(ni == xi || (ni == xi + 1 && !x.loc && strchr("diuf", s[len - 1])),
          "at most the one I of the target's style");
    tm_num y;
    tm_num_code(b.data, b.len, &y);
    check(strcmp(x.val, y.val) == 0, "the same code but for the flag");
    int t2q[1];
    check(tm_num_pair(&x, &x, 1, &y, 1, t2q) == TM_PAIR_OK && t2q[0] == -1, "unchanged");
    jisr_buf_free(&b);
}

/* query, source and target split by tabs */
static void copies_and_accels(const char *s, size_t size)
{
    const char *part[3] = {s, s, s};
    size_t len[3] = {0, 0, 0}, k = 0, start = 0;
    for (size_t i = 0; i <= size && k < 3; i++)
        if (i == size || s[i] == '\t') {
            part[k] = s + start;
            len[k++] = i - start;
            start = i + 1;
        }
    if (k < 3)
        return;
    /* NUL-terminated copies (the tokenizer reads the bytes given, the checks use strings) */
    char *t[3];
    for (k = 0; k < 3; k++) {
        t[k] = malloc(len[k] + 1);
        memcpy(t[k], part[k], len[k]);
        t[k][len[k]] = 0;
    }
    tm_toks q = {0}, src = {0};
    tm_place p;
    memset(&p, 0, sizeof p);
    if (tm_tokenize(t[0], len[0], &q) == 0 && tm_tokenize(t[1], len[1], &src) == 0) {
        int32_t *s2q = malloc((src.n + 1) * sizeof *s2q);
        for (size_t i = 0; i < src.n; i++)
            s2q[i] = i < q.n ? (int32_t)i : -1;
        int rc = tm_copies_possible(&p, t[0], &q, t[1], &src, t[2], len[2]);
        check(rc == 0 || rc == 1, "copies possible: yes or no");
        jisr_buf out = {0};
        size_t nc = 0;
        rc = tm_match_copies(&p, t[0], &q, t[1], &src, s2q, t[2], len[2], &out, &nc);
        check(rc == 0, "copies");
        check(nc <= p.tt.n, "at most every target token copied");
        check((nc == 0) == (out.len == 0 && !out.data), "output only when something was copied");
        jisr_buf_free(&out);
        int st;
        rc = tm_match_accel(&p, t[0], &q, t[1], &src, t[2], len[2], &out, &st);
        check(rc == 0 && st >= JISR_TM_ACCEL_SAME && st <= JISR_TM_ACCEL_STYLED, "accelerators");
        if (st == JISR_TM_ACCEL_STYLED) {
            /* the target with some markers written with the other character */
            check(out.len == len[2], "restyled: as long as the target");
            size_t changed = 0;
            for (size_t i = 0; i < len[2] && out.len == len[2]; i++)
                if (out.data[i] != t[2][i]) {
                    check((t[2][i] == '_' || t[2][i] == '&') &&
                              (out.data[i] == '_' || out.data[i] == '&'),
                          "only markers restyled");
                    changed++;
                }
            check(changed > 0, "restyled: some marker changed");
        } else if (st == JISR_TM_ACCEL_REMOVED) {
            /* the output is the target less some '_' and '&' bytes */
            size_t i = 0, j = 0;
            for (; i < len[2]; i++) {
                if (j < out.len && out.data[j] == t[2][i])
                    j++;
                else
                    check(t[2][i] == '_' || t[2][i] == '&', "only markers taken out");
            }
            check(j == out.len && out.len < len[2], "a subsequence, shorter");
        } else {
            check(out.len == 0, "no output unless removed");
        }
        jisr_buf_free(&out);
        jisr_tm_agree *agree = NULL;
        size_t nagree = 0;
        rc = tm_match_numbers(&p, t[0], &q, t[1], &src, t[2], len[2], "ar", &out, &agree, &nagree);
        check(rc == 0 && p.state >= JISR_TM_NUMBERS_SAME && p.state <= JISR_TM_NUMBERS_MISSING,
              "numbers");
        check((p.state == JISR_TM_NUMBERS_PLACED) == (out.data != NULL),
              "a target exactly when substituted");
        for (size_t a = 0; a < nagree; a++)
            check(agree[a].start < agree[a].end && agree[a].end <= out.len, "agreement spans");
        free(agree);
        jisr_buf_free(&out);
        free(s2q);
    }
    tm_toks_free(&q);
    tm_toks_free(&src);
    tm_place_free(&p);
    for (k = 0; k < 3; k++)
        free(t[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    one_number(s, size);
    /* the near cost of the two halves, both ways */
    size_t h = size / 2;
    uint32_t a = tm_near_cost(s, h, s + h, size - h), b = tm_near_cost(s + h, size - h, s, h);
    check(a == b, "near cost symmetric");
    if (a < TM_BIG && h && size - h) {
        tm_sig p1, s1, p2, s2;
        tm_key_sigs(s, h, &p1, &s1);
        tm_key_sigs(s + h, size - h, &p2, &s2);
        check((p1.n == p2.n && memcmp(s, s + h, p1.n) == 0) ||
                  (s1.n == s2.n && memcmp(s + s1.off, s + h + s2.off, s1.n) == 0),
              "near words share a signature");
    }
    one_code(s, size);
    /* numbers: up to three groups separated by '|', numbers by ' ' */
    tm_num v[3][8];
    size_t nv[3] = {0, 0, 0}, g = 0, start = 0;
    for (size_t i = 0; i <= size && g < 3; i++) {
        if (i == size || s[i] == ' ' || s[i] == '|') {
            if (i > start && nv[g] < 8 && tm_num_parse(s + start, i - start, &v[g][nv[g]]) == 0)
                nv[g]++;
            if (i < size && s[i] == '|')
                g++;
            start = i + 1;
        }
    }
    size_t n = nv[0] < nv[1] ? nv[0] : nv[1];
    int t2q[8];
    int r = tm_num_pair(v[0], v[1], n, v[2], nv[2], t2q);
    check(r == TM_PAIR_OK || r == TM_PAIR_MISSING || r == TM_PAIR_AMBIGUOUS, "a pairing result");
    for (size_t j = 0; r == TM_PAIR_OK && j < nv[2]; j++)
        check(t2q[j] >= -1 && t2q[j] < (int)n, "pairs within the query's numbers");
    /* tags: each line one tag; the lines split in three lists */
    tm_tag tags[3][8];
    size_t nt[3] = {0, 0, 0};
    g = 0;
    start = 0;
    for (size_t i = 0; i <= size && g < 3; i++) {
        if (i == size || s[i] == '\n') {
            if (nt[g] < 8)
                tm_tag_parse(s + start, i - start, &tags[g][nt[g]++]);
            if (nt[g] == 8 || (i < size && i + 1 < size && s[i + 1] == '\n'))
                g++;
            start = i + 1;
        }
    }
    int m[8];
    unsigned char used[8];
    tm_tag_cmp cmp;
    size_t diff = tm_tags_map(tags[0], nt[0], tags[1], nt[1], tags[2], nt[2], m, used, &cmp);
    check(diff <= nt[0] + nt[1], "the difference counts tags of the query and the source");
    check(cmp.codes_differ <= cmp.codes, "differing code pairs are code pairs");
    check(cmp.codes <= nt[0] && cmp.codes <= nt[1], "the code pairs are pairs");
    for (size_t k = 0; k < nt[0]; k++) { /* a tag's codes are the same as its own */
        tm_tag_cmp self;
        tm_tags_map(&tags[0][k], 1, &tags[0][k], 1, NULL, 0, NULL, NULL, &self);
        check(self.codes_differ == 0, "a tag compares equal to itself");
    }
    for (size_t j = 0; j < nt[2]; j++) {
        check(m[j] >= -1 && m[j] < (int)nt[0], "a tag maps within the query's");
        for (size_t k = 0; k < j; k++)
            check(m[j] < 0 || m[j] != m[k], "no query tag twice");
    }
    copies_and_accels(s, size);
    return 0;
}
