/*
 * filter.c — the checks an aligned pair passes before it enters a corpus, tried in a fixed
 * order so that each dropped pair is counted under exactly one reason: the aligner's score,
 * too short, too long, length ratio, wrong script, untranslated, duplicate, near-duplicate.
 *
 * Normalisation for the comparisons is the text layer's matching form (NFKC, case folding,
 * Arabic diacritics, alef/ya variants, digits): "untranslated" compares the two sides in it,
 * "duplicate" the pair, and "near-duplicate" the pair once digits, punctuation, symbols and
 * white space are gone too (the same sentence with another number or quote style). Duplicates
 * are remembered as 64-bit hashes of the normalised pair in an open-addressing set: eight
 * bytes per kept pair whatever the sentences' length.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/corpus_int.h"
#include "text/text.h"
#include "text/text_int.h"
#include "util/utf8.h"
#include "util/util_int.h"

static const char *const drop_names[JISR_DROP_N] = {"score",        "too-short",     "too-long",
                                                    "length-ratio", "wrong-script",  "untranslated",
                                                    "duplicate",    "near-duplicate"};

const char *jisr_drop_name(jisr_drop d)
{
    return (unsigned)d < JISR_DROP_N ? drop_names[d] : "kept";
}

struct jisr_filter {
    jisr_filter_opts o;
    int script[2]; /* 1 Arabic, 2 Latin, 0 not checked */
    jisr_u64set exact, near;
    jisr_buf a, b, c;
};

int jisr_filter_new(jisr_filter **out, const char *srclang, const char *tgtlang,
                    const jisr_filter_opts *opts)
{
    jisr_filter_opts def = JISR_FILTER_OPTS_INIT;
    const jisr_filter_opts *o = opts ? opts : &def;
    if (!out)
        return jisr_null_arg("jisr_filter_new", "out");
    *out = NULL;
    /* written so that NaN fails every test */
    if (!(o->min_score >= 0 && o->min_score <= 1) || !(o->min_script >= 0 && o->min_script <= 1) ||
        !(o->min_ratio >= 0 && o->min_ratio <= o->max_ratio) || !isfinite(o->max_ratio))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "jisr_filter_new: bad options (a score or share outside 0..1, or "
                              "a length ratio not 0 <= min <= max, finite)");
    jisr_filter *f = calloc(1, sizeof *f);
    if (!f)
        return jisr_oom(0);
    f->o = *o;
    if (!f->o.max_chars) /* a zero field means the default */
        f->o.max_chars = def.max_chars;
    f->script[0] = jisr_lang_script(srclang ? srclang : "");
    f->script[1] = jisr_lang_script(tgtlang ? tgtlang : "");
    *out = f;
    return 0;
}

void jisr_filter_free(jisr_filter *f)
{
    if (!f)
        return;
    jisr_u64set_free(&f->exact);
    jisr_u64set_free(&f->near);
    jisr_buf_free(&f->a);
    jisr_buf_free(&f->b);
    jisr_buf_free(&f->c);
    free(f);
}

typedef struct measure {
    size_t cps, alnum, arabic, latin, letters;
} measure;

static void measure_text(const char *s, size_t n, measure *m)
{
    memset(m, 0, sizeof *m);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, len; i < n; i += len) {
        int32_t c = jisr_utf8_decode(p, n, i, &len);
        if (c < 0)
            continue;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640)
            continue; /* diacritics and tatweel do not make a text longer */
        m->cps++;
        int ar = (c >= 0x0620 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3) ||
                 (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC);
        int la = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F);
        int dg =
            (c >= '0' && c <= '9') || (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9);
        m->arabic += ar;
        m->latin += la;
        m->letters += ar || la || (c >= 0x370 && c < 0x2000 && !(c >= 0x600 && c <= 0x6FF));
        m->alnum += ar || la || dg || (c >= 0x370 && c < 0x2000 && !(c >= 0x600 && c <= 0x6FF));
    }
}

/* Hash of the normalised text, and of its letters only (near). */
static int norm_hashes(jisr_filter *f, const char *s, size_t n, jisr_buf *out, uint64_t *exact,
                       uint64_t *near)
{
    jisr_buf_reset(out);
    int rc = jisr_text_normalize(s, n, JISR_NORM_MATCH, out);
    if (rc < 0)
        return rc;
    /* white space runs as one space, trimmed */
    size_t o = 0;
    int sp = 0;
    for (size_t i = 0; i < out->len; i++) {
        char c = out->data[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            sp = o > 0;
            continue;
        }
        if (sp)
            out->data[o++] = ' ';
        sp = 0;
        out->data[o++] = c;
    }
    out->len = o;
    *exact = cmap_hash(out->data ? out->data : "", o);
    jisr_buf_reset(&f->c);
    const unsigned char *p = (const unsigned char *)(out->data ? out->data : "");
    for (size_t i = 0, len; i < o; i += len) {
        int32_t c = jisr_utf8_decode(p, o, i, &len);
        int keep =
            c > 0 && ((c >= 'a' && c <= 'z') ||
                      (c >= 0x00C0 && c != 0x00D7 && c != 0x00F7 && !(c >= 0x2000 && c <= 0x2BFF) &&
                       !(c >= 0x3000 && c <= 0x303F) && !(c >= 0x0660 && c <= 0x066D) &&
                       c != 0x060C && c != 0x061B && c != 0x061F));
        if (keep && jisr_buf_append(&f->c, p + i, len) < 0)
            return JISR_ENOMEM;
    }
    *near = cmap_hash(f->c.data ? f->c.data : "", f->c.len);
    return 0;
}

int jisr_filter_check(jisr_filter *f, const char *src, size_t slen, const char *tgt, size_t tlen,
                      double score)
{
    if (!f || (!src && slen) || (!tgt && tlen))
        return jisr_null_arg("jisr_filter_check", !f ? "f" : !src && slen ? "src" : "tgt");
    src = src ? src : ""; /* NULL and 0 is the empty text */
    tgt = tgt ? tgt : "";
    if (!(score >= f->o.min_score)) /* a NaN score is no confidence at all */
        return JISR_DROP_SCORE;
    measure ms, mt;
    measure_text(src, slen, &ms);
    measure_text(tgt, tlen, &mt);
    if (ms.alnum < f->o.min_chars || mt.alnum < f->o.min_chars)
        return JISR_DROP_SHORT;
    if (ms.cps > f->o.max_chars || mt.cps > f->o.max_chars)
        return JISR_DROP_LONG;
    double ratio = (mt.cps + 10.0) / (ms.cps + 10.0);
    if (ratio < f->o.min_ratio || ratio > f->o.max_ratio)
        return JISR_DROP_RATIO;
    const measure *m[2] = {&ms, &mt};
    for (int side = 0; side < 2; side++) {
        if (!f->script[side] || !m[side]->letters)
            continue;
        size_t in = f->script[side] == 1 ? m[side]->arabic : m[side]->latin;
        if ((double)in < f->o.min_script * (double)m[side]->letters)
            return JISR_DROP_SCRIPT;
    }
    uint64_t es, ns, et, nt;
    int rc;
    if ((rc = norm_hashes(f, src, slen, &f->a, &es, &ns)) < 0 ||
        (rc = norm_hashes(f, tgt, tlen, &f->b, &et, &nt)) < 0)
        return rc;
    if (f->a.len == f->b.len &&
        memcmp(f->a.data ? f->a.data : "", f->b.data ? f->b.data : "", f->a.len) == 0)
        return JISR_DROP_UNTRANSLATED;
    if (f->o.keep_duplicates)
        return JISR_DROP_N;
    uint64_t pe = es * 0x9E3779B97F4A7C15ULL ^ et, pn = ns * 0x9E3779B97F4A7C15ULL ^ nt;
    int added = jisr_u64set_add(&f->exact, pe);
    if (added <= 0)
        return added < 0 ? added : JISR_DROP_DUPLICATE;
    added = jisr_u64set_add(&f->near, pn);
    if (added <= 0)
        return added < 0 ? added : JISR_DROP_NEAR_DUPLICATE;
    return JISR_DROP_N;
}
