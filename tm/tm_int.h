/*
 * tm_int.h — private to tm/: the matcher's tokens, the packed unit record, the LMDB handle, the
 * transaction wrapper and the postings codec shared by the store, the import, the matcher and the
 * concordance. (import_int.h and match_int.h hold what only those subsystems share.)
 */
#ifndef JISR_TM_INT_H
#define JISR_TM_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "tm/tm.h"
#include "util/util_int.h"

#if defined(__GNUC__)
#define TM_NOINLINE __attribute__((noinline))
#else
#define TM_NOINLINE
#endif
/* The library's thread-local variables use the compiler's default TLS model. The initial-exec
 * model (read without a __tls_get_addr call) marks the whole shared library STATIC_TLS, and
 * libjisr.so then cannot be dlopen()ed (its ~2.6 KB of TLS do not fit glibc's static TLS
 * surplus: "cannot allocate memory in static TLS block"). A program linked with libjisr.a gets
 * the fast model anyway: the linker relaxes the accesses to local-exec in an executable. */

/* ---- tokens (tok.c) --------------------------------------------------------------------- */

enum { TM_WORD = 1, TM_NUMBER, TM_PUNCT, TM_TAG };

/** Version of the tokens and their hashes (tok.c and the text layer's match normalisation). A
 * memory records it, with the ICU and Unicode versions, when its index is built; opened with
 * other ones it is flagged stale until `jisr reindex`. Bump it with any change that moves a token
 * boundary or changes a hash. */
#define TM_TOK_VERSION                                                                             \
    7 /* 2 (issue 12): light-share and occurrence terms; typographic quotes, apostrophes,          \
       * dashes and × folded; accelerator markers dropped from words; a run of                    \
       * dots one token; tags weigh nothing. 3: format codes ("%s", "%1$d") one token.             \
       * 4: placeholders in braces ("{0}", "{name}", "{{n}}", "${x}", "%{x}") one code.            \
       * 5: a number glued to an Arabic proclitic or to a suffix ("و2", "الـ70", "7407th",     \
       * "5kg", "١٩٣٩م") is the number and its affixes (tm_tok.affix); ٪ folded to %.        \
       * 6: a paired or isolated tag between two letters is inside the word ("<b>S</b>ave").       \
       * 7: so is a <ph> holding a soft hyphen ("<w:softHyphen/>", "<wbr>"), and a tag holding a   \
       * line break never is ("line<it>&lt;br2&gt;</it>next": jisr_tag_break); and identity        \
       * (tm_ident_hash, the dedupe runs) counts the tags' i and x by order of first appearance */

/* Costs and weights in hundredths of a word (docs/matching.md explains them). */
enum {
    TM_W_WORD = 100,  /* weight (insert/delete cost) of a word or a number */
    TM_W_SMALL = 20,  /* weight of punctuation */
    TM_W_TAG = 0,     /* inline tags are not words: a tag difference is a penalty (place.c) */
    TM_C_NORM = 3,    /* same normalised form, different surface (diacritics, case, alef …) */
    TM_C_CLITIC = 30, /* same clitic-stripped key, different normalised form */
    TM_C_NUMBER = 20, /* two different numbers */
    TM_C_PUNCT = 20,  /* two different punctuation marks */
};

/* A number glued to letters is cut into the number and its affixes (tok.c, docs/matching.md
 * §1.3); tm_tok.affix says which a token is: */
enum {
    TM_AFFIX_NONE = 0,
    TM_AFFIX_PREFIX,  /* an Arabic proclitic before it, a TM_PUNCT token: "و" of "و2", "الـ" of
                       * "الـ70" */
    TM_AFFIX_SUFFIX,  /* a unit or an era after it, a TM_WORD token: "kg" of "5kg", "م" of
                       * "١٩٣٩م" */
    TM_AFFIX_ORDINAL, /* an English ordinal suffix after it, a TM_PUNCT token: "th" of "7407th" */
};

typedef struct tm_tok {
    uint32_t start, end; /* surface byte span */
    uint32_t kind;
    uint32_t no, nl;     /* the normalised form: nl bytes at the text's nb.data + no */
    uint32_t ko;         /* the key: the last nl − (ko − no) bytes of the normalised form */
    uint32_t sp, ss;     /* a word's signatures (near.c): hashes of its key's first and last
                          * three code points (tok.c's own, never 0, compared only with other
                          * tokens': not tm_key_sigs' stored ones); 0 for other tokens */
    uint32_t kl;         /* the key's length in bytes */
    uint16_t code;       /* a NUMBER token that is a format code ("%s", "%1$d", "%(n)s", "%1"):
                          * tm_code_len; its normal form is its surface */
    uint16_t affix;      /* TM_AFFIX_*: a token cut from the number it was glued to */
    const char *kp;      /* the key's bytes (in the text's nb; valid until it is tokenized again) */
    uint64_t hs, hn, hk; /* hashes of the surface, normalised and key forms */
} tm_tok;

/* A signature of a key (near.c): the bytes [off, off + n) of the key, and their hash. */
typedef struct tm_sig {
    uint32_t off, n, h;
} tm_sig;
/** The two signatures of a word key: its first three and its last three code points (the whole
 * key when shorter), hashed in one namespace. */
void tm_key_sigs(const char *key, size_t n, tm_sig *p, tm_sig *s);

typedef struct tm_toks {
    tm_tok *v;
    size_t n, cap;
    uint32_t nwords; /* WORD tokens */
    uint32_t nheavy; /* WORD and NUMBER tokens (weight TM_W_WORD) */
    uint32_t nlight; /* tokens of weight TM_W_SMALL (punctuation) */
    uint32_t ntags;  /* TAG tokens */
    uint32_t w100;   /* total weight in hundredths */
    unsigned flags;  /* TM_TOKS_*: set by the caller, kept by tm_tokenize */
    jisr_buf nb;     /* the tokens' normalised forms (tm_tok.no/nl index it) */
    jisr_buf kb;     /* scratch: a token's surface without its accelerator markers */
    jisr_buf gb;     /* gb.data[k] != 0: tag U+E000+k joins the letters around it (tm_toks_glue) */
    size_t nglue;    /* the tags gb describes: set by tm_toks_glue*, cleared by tm_tokenize */
} tm_toks;

/** tm_toks.flags: leave hs at 0 (an import needs only the normalised and key hashes). */
#define TM_TOKS_NO_SURFACE 1u

/** The length in bytes of the format code at s[i] (s[i] is '%', '{' or '$'), 0 when there is
 * none: a printf conversion ("%s", "%d", "%lu", "%-.*s", "%5.2f", "%1$s", "%'d"; strftime's "%Y",
 * "%-e"), a Python one ("%(name)s"), Qt's "%1" … "%99", or a placeholder in braces ("{0}",
 * "{name}", "{}", "{0:N2}", "{1,number}", "{{count}}", "${name}", "%{name}") (docs/matching.md
 * §1.2). At most TM_CODE_MAX bytes, ASCII only, read as printf reads it ("%dx%d" is two codes,
 * "50%off" has one: "%o"); "%%" and a '%' before a space ("50% off") are not codes. */
#define TM_CODE_MAX 32
size_t tm_code_len(const char *s, size_t n, size_t i);
/** c may start a format code (tm_code_len reads none at any other byte) */
static inline int tm_code_start(uint32_t c)
{
    return c == '%' || c == '{' || c == '$';
}
/** The length of a format code's prefix at s[0] == '%': the '%' and a Python "(name)" or a
 * positional "N$" (where its flags begin; tm_num_code). */
size_t tm_code_prefix(const char *s, size_t n);

/** Whether the UTF-8 at p (two bytes readable) starts a code point of U+E000–U+F8FF, the range of
 * inline-tag placeholders (EE 80 80 – EF A3 BF). */
static inline int tm_pua_lead(const char *p)
{
    unsigned char c = (unsigned char)p[0];
    return c == 0xEE || (c == 0xEF && (unsigned char)p[1] <= 0xA3);
}

/** (placeable.c) The placeholder index at s[i] (a code point U+E000 + k with k < ntags), or -1;
 * *len its size in bytes (1 for a byte that starts no placeholder). */
long tm_placeholder_at(const char *s, size_t n, size_t i, size_t ntags, size_t *len);

/** (phcode.c) Whether tag markup xml[0..n) is a <ph> holding exactly one format code (tm_code_len):
 * 1 and the code's span in xml, or 0. */
int tm_ph_code(const char *xml, size_t n, size_t *off, size_t *len);
/** Tokenize s[0..n) for matching (out reset first). The tags that tm_toks_glue* named just
 * before join the letters around them (their glue is then forgotten: each call names its text's
 * own); without it every tag is a token boundary. */
int tm_tokenize(const char *s, size_t n, tm_toks *out);
/** The same, normalising token by token through the text layer: the reference tm_tokenize
 * falls back to, and that tests compare it with. */
int tm_tokenize_ref(const char *s, size_t n, tm_toks *out);
/** tm_tokenize's one-pass path alone: 1 done, 0 when s needs tm_tokenize_ref, <0 error. */
int tm_tokenize_fused(const char *s, size_t n, tm_toks *out);
void tm_toks_free(tm_toks *t);
/** The key of token k of t (its normalised form without Arabic proclitics) and its length. */
static inline const char *tm_tok_key(const tm_toks *t, const tm_tok *k, size_t *len)
{
    *len = k->nl - (k->ko - k->no);
    return t->nb.data ? t->nb.data + k->ko : "";
}
/** The normalised form of one token (appended to out). */
int tm_tok_norm(const char *s, size_t n, jisr_buf *out);

uint64_t tm_hash(const void *p, size_t n, uint64_t seed);
/** Hash of the primary language subtag ("ar" for "ar-SA"), lower-cased. */
uint64_t tm_lang_hash(const char *lang);
/** Copy the lower-cased primary subtag of lang into out (size outsz). */
void tm_lang_primary(const char *lang, char *out, size_t outsz);
/** Hash of the whole normalised text (tokens' normalised forms, in order). */
uint64_t tm_toks_text_hash(const tm_toks *t);
/** A variant's identity for the import's duplicates, into *out: its exact text and its tags'
 * markup (issue 12: normalisation is for matching, never for identity; only identical variants
 * merge), the tags' numbering aside (tokenizer 7): the values of their i and x attributes count
 * only as the order of their first appearance in the variant, so "<bpt i="5">…<ept i="5">" is
 * "<bpt i="1">…<ept i="1">" (another tool's numbering of the same tags; docs/matching.md §2.5).
 * tags are ntags strings (tag_n[i] bytes each, or NUL-terminated when tag_n is NULL). 0, or
 * JISR_ENOMEM. */
int tm_ident_hash(const char *text, size_t n, const char *const *tags, const size_t *tag_n,
                  size_t ntags, uint64_t *out);
/** Index bucket of a weighted length (hundredths): one bucket per word up to 16 words, then
 * geometric steps of 1/8; monotone, so a length window maps to a bucket range. */
unsigned tm_bucket(uint32_t w100);
/** The largest weighted length (hundredths) that falls in bucket b. */
uint32_t tm_bucket_max(unsigned b);
/** The smallest weighted length (hundredths) that falls in bucket b. */
uint32_t tm_bucket_min(unsigned b);
/** Number terms (numbers substitute for each other cheaply, so they are indexed by count, not
 * value): the k-th number of a text (k from 0) has the term tm_num_term(k); the last one,
 * TM_NUM_TERMS − 1, is shared by every number from there on. Two texts with Nq and Nm numbers
 * then share min(Nq, Nm) number terms counted with the query's multiplicities, or more when
 * both reach the last term: never fewer, which is what the count filter needs (matching.md §4). */
#define TM_NUMKEY 0x6e756d6265727321ULL
#define TM_NUM_TERMS 8
static inline uint64_t tm_num_term(size_t k)
{
    return TM_NUMKEY + (k < TM_NUM_TERMS - 1 ? k : TM_NUM_TERMS - 1);
}
/** Occurrence terms: the first occurrence of a word key in a text is indexed under the key, the
 * k-th (k = 1, 2, …) under tm_occ_term(key, k), the TM_OCC_TERMS-th and later ones under one
 * shared term. A query that says "the" three times then counts, in a unit that says it once, one
 * shared word instead of three: the postings carry how often a word occurs (capped, which is
 * still an upper bound, as for the number terms). */
#define TM_OCC_TERMS 8
static inline uint64_t tm_occ_term(uint64_t hk, size_t k)
{
    if (k == 0)
        return hk;
    uint64_t x = hk ^ (0xD6E8FEB86659FD93ULL * (k < TM_OCC_TERMS ? k : TM_OCC_TERMS));
    x ^= x >> 31;
    x *= 0x9E3779B97F4A7C15ULL;
    return x ^ (x >> 29);
}
/** The light-share term (docs/matching.md §4.1): a text whose punctuation weighs at least a
 * tenth of its length is also indexed under tm_light_term(band), band = its light weight in
 * tenths of its length (1–10), so that a query that needs no shared word in some bucket can
 * still read, instead of every unit, the units that could match by punctuation alone. */
#define TM_LIGHTKEY 0x6c69676874736821ULL
static inline uint64_t tm_light_term(unsigned band)
{
    return TM_LIGHTKEY + band;
}
static inline unsigned tm_light_band(uint32_t nheavy, uint32_t w100)
{
    uint32_t lw = w100 - TM_W_WORD * nheavy;
    return w100 && 10ull * lw >= w100 ? (unsigned)((10ull * lw) / w100) : 0;
}
/** The index terms of a tokenized text (word occurrence terms, number terms, its light-share
 * term) into terms (room for t->n + 1); returns their number. A term may repeat (the capped
 * occurrence and number terms): callers deduplicate. */
size_t tm_index_terms(const tm_toks *t, uint64_t *terms);
/* Short texts (short.c, docs/matching.md §2.6, §4.5): a text whose character form (its tokens'
 * normalised forms, tags left out, one space at each gap) has 1 to lim code points, lim the
 * memory's limit (meta "chars": 1 written before limits = 64, else 2 … TM_SHORT_CAP), is also
 * indexed under one term per (code point, occurrence), in the bucket of its length. */
#define TM_SHORT_LEGACY 64   /* the limit of a memory whose meta "chars" is 1 */
#define TM_SHORT_DEFAULT 128 /* the limit of new memories and of a reindex (chosen on dev, §8) */
/* The most code points a short text's form can have under any memory's limit (its length is the
 * bucket byte of its terms), and the 64-bit words of Myers' masks for that many. */
#define TM_SHORT_CAP 255
#define TM_SHORT_W ((TM_SHORT_CAP + 63) / 64)
/** The character form of t into cp (room for lim ≤ TM_SHORT_CAP): its length, 0 when not short
 * (more than lim code points). */
size_t tm_short_form(const tm_toks *t, uint32_t *cp, size_t lim);
/** The posting keys of a short text's character terms in language lh into keys (room for
 * 2 × lim), all distinct; 0 when not short. */
size_t tm_short_keys(const tm_toks *t, uint64_t lh, uint64_t *keys, size_t lim);
/** Posting key (8 bytes) for term key hash hk in language hash lh and a bucket. */
static inline uint64_t tm_post_key(uint64_t lh, uint64_t hk, unsigned bucket)
{
    uint64_t x = lh ^ (hk * 0x9E3779B97F4A7C15ULL);
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 32;
    return (x & ~(uint64_t)0xFF) | (bucket & 0xFF);
}

/* ---- packed unit record (record.c) ------------------------------------------------------- */

/* Version 1: the record as below. Version 2: the same, followed by each variant's own meta
 * (tm_meta_put, in variant order) — written only for a unit whose variants (<tuv>) carry
 * attributes, props or notes, so that every other record stays byte for byte a version 1 one,
 * and a jisr that knows only version 1 refuses such a record rather than drop the metas.
 * Version 3: version 2 (the variants' metas, two bytes each when empty), then one more meta,
 * the unit's (<tu>) attributes version 1 has no field for (creationtool, creationtoolversion,
 * datatype, o-encoding, o-tmf, segtype) — written only for a unit that has one,
 * refused as damage by a jisr that reads up to version 2. */
#define TM_REC_VERSION 1
#define TM_REC_VERSION_VMETA 2
#define TM_REC_VERSION_UMETA 3
#define TM_MAX_VARIANTS 255

typedef struct tm_str {
    const char *p;
    size_t n;
} tm_str;

typedef struct tm_rvar {
    tm_str lang, text;
    uint32_t nheavy, w100; /* words + numbers; weighted length */
    uint64_t nhash;        /* tm_ident_hash of text and tags (identity, for duplicates) */
    uint32_t ntags;
    const unsigned char *tags; /* ntags × (varint len, bytes) */
} tm_rvar;

typedef struct tm_rec {
    uint64_t usage;
    int64_t created, changed, lastused; /* unix seconds; INT64_MIN = absent */
    tm_str tuid, srclang, creationid, changeid;
    uint32_t nprops, nnotes;
    const unsigned char *props, *notes; /* encoded lists */
    uint32_t nvar;
    tm_rvar var[TM_MAX_VARIANTS];
    const unsigned char *usage_at, *rec_end; /* for re-encoding */
    const unsigned char *vmeta;              /* versions 2 and 3: the variants' metas, else NULL */
    const unsigned char *umeta; /* version 3: the unit's other attributes (up to rec_end) */
    unsigned version;
} tm_rec;

/** Decode a record (pointers into p, valid as long as p). */
int tm_rec_decode(const void *p, size_t n, tm_rec *r);
/** Encode a unit; nheavy/w100/nhash per variant from tokenization. Appends to out. */
int tm_rec_encode(const jisr_unit *u, const uint32_t *nheavy, const uint32_t *w100,
                  const uint64_t *nhash, uint64_t usage, int64_t created, int64_t changed,
                  int64_t lastused, jisr_buf *out);
/** Re-encode r with new usage/dates (appends to out). */
int tm_rec_reencode(const tm_rec *r, uint64_t usage, int64_t created, int64_t changed,
                    int64_t lastused, jisr_buf *out);
/** A duplicate n merged into stored record o: o re-encoded with new usage/dates, and with the
 * props and notes of n that o lacks (the same bytes: type, language and text) appended to o's
 * own, in n's order; the variants' metas and the unit's other attributes (version 3) completed
 * from n's where o's lack them. Each id goes with its date: the creation id is n's when created
 * is n's creation date and not o's (n's when both are and o has none), likewise the change id
 * with changed; each variant's creation and change date travel with their ids the same way. The
 * tuid and srclang are o's, n's when o has none. Appends to out. */
int tm_rec_merge(const tm_rec *o, const tm_rec *n, uint64_t usage, int64_t created, int64_t changed,
                 int64_t lastused, jisr_buf *out);
/** The record data[0..n) (decoded in r) with each variant's words, weighted length and text hash
 * replaced (a reindex): every other byte is kept. Appends to out. */
int tm_rec_retoken(const tm_rec *r, const void *data, size_t n, const uint32_t *nheavy,
                   const uint32_t *w100, const uint64_t *nhash, jisr_buf *out);
/** Hash of a unit's variants (primary languages + text hashes): the key of the dedupe index,
 * shared by units whose languages differ only past the primary subtag (tm_same_unit, in
 * import_int.h, is the identity). */
uint64_t tm_dedupe_key(const tm_rec *r);
/* A unit of 3 to TM_PAIR_MAX variants is also in the dedupe runs under the key of each two of
 * its variants (the dedupe key a unit of those two alone has), so that a unit made of some of
 * its variants (a pair exported from it and imported again) finds it (docs/matching.md §2.5). */
#define TM_PAIR_MAX 6
#define TM_PAIR_KEYS (TM_PAIR_MAX * (TM_PAIR_MAX - 1) / 2)
/** The pair keys of r into pk (room for TM_PAIR_KEYS), sorted, each once: their count (0 for
 * fewer than 3 or more than TM_PAIR_MAX variants). */
size_t tm_dedupe_pairs(const tm_rec *r, uint64_t *pk);
/** Are language tags a and b the same, ASCII case aside (as BCP 47 tags compare)? */
int tm_lang_same(const tm_str *a, const tm_str *b);
/** The markup of variant v's tags (borrowed from r's data), at most max: their count, or <0
 * when the record is damaged. */
int tm_rvar_tags(const tm_rec *r, const tm_rvar *v, tm_str *out, size_t max);
/** Which tags of the next text tm_tokenize reads join the letters around them into one word: a
 * <bpt>, <ept> or <it> (formatting inside a word: "<b>S</b>ave", OmegaT's "<u0>S</u0>ave" for an
 * accelerator key) does; a <ph> or <ut> (a line break, an image, a field) does not, nor anything
 * else. markup[k] is the TMX markup of placeholder U+E000+k (docs/matching.md §2.3). Every
 * caller that tokenizes a text with tags names them, so that a memory's index, its scoring and
 * its concordance read the same words. */
int tm_toks_glue(tm_toks *t, const tm_str *markup, size_t n);
/** The same from NUL-terminated markup (a unit's variant: jisr_variant.tags). */
int tm_toks_glue_cstr(tm_toks *t, char *const *tags, size_t n);
/** tm_toks_glue for a stored variant's tags (read from the record). */
int tm_toks_glue_rvar(tm_toks *t, const tm_rec *r, const tm_rvar *v);
/** tm_tokenize stored variant v of r, its tags' glue named (the index, scoring and concordance
 * read a stored text only through this). */
int tm_tokenize_rvar(const tm_rec *r, const tm_rvar *v, tm_toks *out);
/** (tok.c) Whether tag markup m[0..n) joins letters (<bpt>, <ept>, <it> but one holding a line
 * break; a <ph> holding a soft hyphen: jisr_tag_break); tm_toks_glue's parts. */
int tm_tag_glues(const char *m, size_t n);
/** tm_tag_glues reading the markup each time: tm_tag_glues keeps its answers for the markups seen
 * last in this thread, each whole (reading one cost ~1,000 instructions, and scoring reads every
 * candidate's tags). */
int tm_tag_glues_read(const char *m, size_t n);
int tm_glue_start(tm_toks *t, size_t n);
void tm_glue_set(tm_toks *t, size_t k);
/** 1 when the unit has a prop of this type with this value (byte for byte), else 0. */
int tm_rec_has_prop(const tm_rec *r, const char *type, const char *value);
/** Decode to a jisr_unit (u cleared first). */
int tm_rec_to_unit(const tm_rec *r, jisr_unit *u);

/* ---- a jisr_meta in bytes (metacode.c): the import's spill and version-2 records --------- */

typedef struct tm_mcur {
    const unsigned char *p, *end;
    int bad; /* sticky: set by the first read that does not fit, after which reads return 0 */
} tm_mcur;

size_t tm_mstr_size(const char *s);                          /* a string (NULL allowed) in bytes */
unsigned char *tm_mstr_put(unsigned char *p, const char *s); /* … written at p; returns the end */
int tm_meta_empty(const jisr_meta *m);                       /* no attribute, usage, prop or note */
size_t tm_meta_size(const jisr_meta *m);
unsigned char *tm_meta_put(unsigned char *p, const jisr_meta *m);
uint64_t tm_mcur_varint(tm_mcur *c);
/** A string of c, borrowed (it points into c's bytes, NUL-terminated), or NULL when absent or
 * damaged (c->bad set). */
char *tm_mcur_str(tm_mcur *c);
/** A meta of c into m, its strings borrowed from c's bytes. Props and notes are stored in *pool
 * (at most *left entries; both advanced); with pool NULL they are only checked and counted
 * (m->nprops, m->nnotes set, m->props, m->notes NULL). Damage sets c->bad. */
void tm_meta_read(tm_mcur *c, jisr_meta *m, jisr_prop **pool, size_t *left);
/** Index of the first variant of language want (its tag as asked for, or in want's range: en-GB
 * and en-US for en, en-GB only for en-GB), or -1. A unit may hold several (en-US and en-GB). */
int tm_rec_find(const tm_rec *r, const char *want);
/** The same from variant index from on: the next variant of want, or -1. */
int tm_rec_find_from(const tm_rec *r, const char *want, int from);
/** The target variant of language want for source variant si (or -1): of those of want other
 * than si, the first of the source's region when there is one (a fr-CA source takes en-CA of
 * en-US and en-CA, as a CAT tool's sub-language would), else the first. */
int tm_rec_target(const tm_rec *r, const char *want, int si);
/** Is variant i the first of its primary language in r? Only those carry the character search's
 * terms and forms (short.c): a short text's character score is theirs alone. */
int tm_rec_first_of_primary(const tm_rec *r, uint32_t i);
/** The number of r's variants of want's primary language (en-US and en-GB are two of en's). */
int tm_rec_nprimary(const tm_rec *r, const char *want);

void tm_date_format(int64_t t, char out[17]); /* unix → YYYYMMDDThhmmssZ */

/** The size of v as a varint (7 bits a byte, low first), and v written at p (returns the end). */
static inline size_t tm_varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline unsigned char *tm_varint_put(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}
void tm_put_varint(jisr_buf *b, uint64_t v);
const unsigned char *tm_get_varint(const unsigned char *p, const unsigned char *end, uint64_t *v);

/* ---- the store (store.c, txn.c) --------------------------------------------------------- */

/** The longest language tag a memory stores (bytes): a longer one is refused at import, never
 * cut. BCP 47 tags in use are far shorter (RFC 5646 asks implementations for at least 35). */
#define TM_LANG_MAX 63

struct jisr_tm {
    MDB_env *env;
    MDB_dbi meta, units, dedupe, post; /* dedupe: opened by writers only (0 otherwise) */
    MDB_dbi vocab; /* the vocabulary (vocab.c); 0 in a memory written before it existed */
    unsigned flags;
    int nolock;
    int rdonly;
    char *dir;
    /* transactions open in this process through this handle, and threads waiting to change the
     * map size (txn.c) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned active, growing;
    const char *map_base;  /* where the file is mapped (tm_map_locate), NULL unknown */
    unsigned long map_gen; /* counts the map's changes: a pointer into an earlier map is stale */
    size_t map_len;
    struct jisr_tm_ctx *pool; /* idle query contexts lent to jisr_tm_query/concord (match.c) */
    size_t npool;
    /* the index's versions as recorded in the memory, and whether they differ from ours */
    char idx_icu[16], idx_unicode[16];
    uint64_t idx_tok;
    int idx_stale;
    struct tm_ftcache *ftc; /* the form tables (formtab.c, jisr_tm_warm); NULL: none */
    /* the read snapshot's directory (snap.c): the current one (NULL: none, or stale and
     * retired), its builder thread and whether it runs; all under mu */
    struct tm_snap *snap;
    struct tm_snap *snap_dead; /* retired directories without readers, for the builder to free */
    pthread_t snap_thr;
    int snap_on, snap_thr_on, snap_stop;
    uint64_t snap_reads, snap_builds; /* jisr_tm_snapshot */
    unsigned snap_quiet_ms;           /* quiet before a rebuild (JISR_TM_SNAP_QUIET_MS) */
    pthread_cond_t snap_cv;
    /* the directory, open and flock()ed shared while the handle is (jisr_tm_remove takes it
     * exclusively); -1: none */
    int dirfd;
    /* under mu: iterators and imports open on the handle, and whether jisr_tm_close was called
     * while some were (the handle is then closed by the last of them) */
    unsigned users;
    int closing;
    /* when LMDB's reader table was last cleared of dead processes' slots (txn.c,
     * tm_readers_clear), in ms of CLOCK_MONOTONIC; read and written atomically */
    int64_t readers_at;
    /* the process's table of open memories (store.c): the directory's device and inode, the
     * process that opened it (a child of fork() may open the memory anew), and the next handle
     * in the table; registered: in it (from before the environment is opened until after it is
     * closed) */
    uint64_t reg_dev, reg_ino;
    long reg_pid;
    struct jisr_tm *reg_next;
    int registered;
};

/** Count an iterator or an import as open on the handle (store.c). */
void tm_use(jisr_tm *tm);
/** The iterator or import has ended: the last one closes a handle jisr_tm_close left open. */
void tm_unuse(jisr_tm *tm);

/** A public function's pointer argument arg was NULL: records "fn: arg is NULL" and returns
 * JISR_EINVAL (store.c), so that every entry point says so alike. */
int tm_null_arg(const char *fn, const char *arg);

/** A transaction with a sticky first error (txn.c): after a failure every operation is a no-op
 * and commit aborts; rc holds the JISR_E* code (its message recorded where it happened) and mdb
 * the LMDB code when LMDB failed (MDB_MAP_FULL: grow and write again). Values read are checked
 * to lie inside the file (a damaged node is reported, never followed past the end). */
typedef struct tm_txn {
    jisr_tm *tm;
    MDB_txn *txn; /* NULL once committed or aborted */
    int rc;
    int mdb;
    int rw;
    const char *lo, *hi, *mapend; /* the mapped bytes the file holds; the end of the map */
    struct tm_snap *sref;         /* a reference to the handle's directory, held while open */
    const struct tm_snap *snap;   /* sref when it is of this transaction's state, else NULL */
} tm_txn;

/* a cursor's state over a directory (snap.c) */
enum { TM_CS_FRESH, TM_CS_AT, TM_CS_LMDB, TM_CS_EOF, TM_CS_LOST };

typedef struct tm_cur {
    tm_txn *t;
    MDB_cursor *c;
    /* when the transaction reads through a directory: its database (NULL: LMDB only), where
     * the cursor stands (TM_CS_*: at entry pos; at pos after op failed; after a failed seek
     * kept in lost*, replayed on LMDB when a move follows) */
    const struct tm_dirdb *d;
    int st, eop;
    size_t pos;
    MDB_cursor_op lop;
    unsigned char lkey[16], ldata[64];
    size_t lks, lds;
} tm_cur;

/** Install (once per process) the SIGSEGV/SIGBUS handlers that return a fault inside a guarded
 * LMDB call as a damaged memory (txn.c). */
void tm_fault_guard(void);
/** LMDB's assertion callback (mdb_env_set_assert): returns into the guarded call that failed. */
void tm_lmdb_assert(MDB_env *env, const char *msg);
/* The guard around LMDB calls (txn.c): where an assertion of LMDB, or a fault inside it on a
 * damaged page, returns to on this thread, and whether one was caught. */
#if defined(__GNUC__)
#define TM_HIDDEN __attribute__((visibility("hidden")))
#else
#define TM_HIDDEN
#endif
extern _Thread_local sigjmp_buf *tm_guard TM_HIDDEN;
extern _Thread_local int tm_guard_hit TM_HIDDEN;
/* Whether this thread is in the fault handler's table of threads that use guards (txn.c): the
 * handler reads a thread's tm_guard only when the thread is there, so that a fault on a thread
 * that never used jisr never touches jisr's thread-local storage (in a dlopen()ed libjisr.so
 * that storage may not be allocated yet, and allocating it is not async-signal-safe). */
extern _Thread_local int tm_guard_reg TM_HIDDEN;
void tm_guard_register(void);
/** Run the LMDB call(s) `expr` (assigning rc) under the guard: an assertion or fault gives
 * rc = MDB_CORRUPTED (the transaction must then only be aborted). Nothing that lives across
 * the jump may change between the setjmp and the call. */
#define TM_GUARDED(rc, expr)                                                                       \
    do {                                                                                           \
        sigjmp_buf jb_;                                                                            \
        sigjmp_buf *prev_ = tm_guard;                                                              \
        if (!tm_guard_reg)                                                                         \
            tm_guard_register();                                                                   \
        if (sigsetjmp(jb_, 0) == 0) {                                                              \
            tm_guard = &jb_;                                                                       \
            rc = (expr);                                                                           \
        } else {                                                                                   \
            rc = MDB_CORRUPTED;                                                                    \
            tm_guard_hit = 1;                                                                      \
        }                                                                                          \
        tm_guard = prev_;                                                                          \
    } while (0)

/* ---- the read snapshot's directory (snap.c) ---------------------------------------------- */

/** One entry of a database in a directory: a key and its value (DUPSORT: one duplicate). */
typedef struct tm_snapent {
    const char *k, *v;
    uint32_t ks, vs;
} tm_snapent;

/** A group of adjacent entries whose keys share their first plen bytes. */
typedef struct tm_snapslot {
    uint64_t pk;
    uint32_t first, n; /* n 0: an empty slot */
} tm_snapslot;

typedef struct tm_dirdb {
    MDB_dbi dbi;
    int dup;       /* MDB_DUPSORT */
    unsigned ks;   /* every key's size */
    unsigned plen; /* the bytes of a key's group: ks when the order is not bytewise */
    tm_snapent *e;
    /* per entry, a key's bytes after plen (post), or a duplicate's first 8 bytes (vocab),
     * big-endian and zero-padded, so that a search inside a group reads no page of the map;
     * NULL when the order is not bytewise */
    uint64_t *sk;
    /* the groups in order (bytewise databases): a group's first plen bytes as a big-endian
     * number, and its first entry; a range seek between groups finds the next one here */
    uint64_t *gk;
    uint32_t *gf;
    size_t ng;
    /* post: each chunk's id count (its value's first varint, checked at the build), so that a
     * key window is read without touching the map; 0 for an entry that is not a chunk (a short
     * text's form, the forms' record, damage), which post_walk leaves to LMDB */
    uint32_t *cnt;
    /* post: the chunks' ids decoded at the build (tm_chunk.ids and .d16): a chunk whose ids are
     * at most 65,535 apart keeps in d16 its last id (low, then high 16 bits) and the deltas after
     * its first id, any other its ids in pool; poff[i] is entry i's offset in d16 (with TM_SNAP_D16
     * set) or in pool, or TM_SNAP_NOPOOL (not a chunk, or one that does not decode: read from its
     * value, which reports the damage); poff NULL: none */
    uint32_t *pool, *poff;
    uint16_t *d16;
    size_t npool, nd16; /* ids in pool, deltas in d16 */
    size_t n;
    tm_snapslot *slot;
    size_t mask;
} tm_dirdb;

#define TM_SNAP_NOPOOL UINT32_MAX
#define TM_SNAP_D16 0x80000000u
#define TM_SNAP_DBS 3
typedef struct tm_snap {
    MDB_txn *txn; /* pins the state's pages */
    size_t txnid;
    unsigned refs; /* under the handle's mu: the handle's own while current, one per txn */
    tm_dirdb db[TM_SNAP_DBS];
    int ndb;
    size_t bytes;
    double build_ms;
    unsigned long serial;      /* the handle's count of directories when it was made (from 1): the
                                * query contexts' caches of chunks (tm_chunk.ids) are this one's */
    struct tm_snap *next_dead; /* in the handle's list of directories for the builder to free */
} tm_snap;

/** The directory's database of dbi in t, or NULL. */
const tm_dirdb *tm_snap_db(const tm_txn *t, MDB_dbi dbi);
/** Build the handle's first directory and start its builder thread (JISR_TM_SNAPSHOT). */
int tm_snap_start(jisr_tm *tm);
/** Stop the builder and drop the directory (before closing the environment). */
void tm_snap_stop(jisr_tm *tm);
/** Under tm->mu: end the handle's current directory (no transaction of the process may be open:
 * the map is about to change); the builder makes a new one later. */
void tm_snap_drop_locked(jisr_tm *tm);
/** Under tm->mu: a reference to the current directory, or NULL. */
tm_snap *tm_snap_ref_locked(jisr_tm *tm);
/** Under tm->mu: release a reference; returns the directory to free (tm_snap_free, outside the
 * lock) when it was the last. */
tm_snap *tm_snap_unref_locked(tm_snap *s);
/** Under tm->mu: a read transaction's release of its reference; the last reader of a retired
 * directory hands it to the builder to free (its arrays' unmapping off the query's path), or
 * returns it to be freed outside the lock when there is no builder. */
tm_snap *tm_snap_release_locked(jisr_tm *tm, tm_snap *s);
void tm_snap_free(tm_snap *s);
/** A cursor operation with LMDB's result codes, answered from the directory when the cursor
 * has one and the operation allows, else by LMDB (guarded). */
int tm_cur_op(tm_cur *c, MDB_val *k, MDB_val *v, MDB_cursor_op op);
/** A range seek (MDB_SET_RANGE) of c's directory, leaving the cursor there: 0 with the entry's
 * index in *pos and the end of the entries that share the key's group in *gend (*pos when the
 * entry is of a later group); MDB_NOTFOUND; or 1 when LMDB must answer (nothing moved). */
int tm_snap_seek_range(tm_cur *c, const MDB_val *k, size_t *pos, size_t *gend);
/** Leave c's directory cursor at entry pos, or past the last entry after a NEXT (pos = n). */
void tm_snap_cur_at(tm_cur *c, size_t pos);
/** An exact lookup (mdb_get's semantics) from a directory's database: 0, MDB_NOTFOUND, or 1
 * when the directory cannot tell (ask LMDB). */
int tm_snap_get(const tm_txn *t, const tm_dirdb *d, const MDB_val *k, MDB_val *v);
/** Prefetch hints for reading units ids[k + 1 .. k + 3] of n through t's directory (none without
 * one): each read needs the one before, so each unit is taken one step further a call. */
void tm_snap_units_ahead(const tm_txn *t, const uint32_t *ids, size_t k, size_t n);

/** Map an LMDB result (or an errno) to a JISR code, with a message naming the memory and what
 * was being done (never "unknown error"). */
int tm_db_error(const jisr_tm *tm, int rc, const char *what);
/** Begin a read (rw 0) or write transaction; returns t->rc. Always pair with commit or abort. */
int tm_txn_begin(tm_txn *t, jisr_tm *tm, int rw);
/** Commit (or abort, after an error); returns the first error. */
int tm_txn_commit(tm_txn *t);
/** Abort; accepts a transaction already ended. */
void tm_txn_abort(tm_txn *t);
/** The commit fence (jisr_tm_commits_stop): a write transaction's commit and what reports it
 * (an import's on_commit) between enter and leave are one step for a signal handler. Nested
 * calls on one thread count once. enter never returns once the commits are stopped (the process
 * is ending); leave calls the handler's function when it was waiting for this commit. */
void tm_commit_fence_enter(void);
void tm_commit_fence_leave(void);
/** Record LMDB's mdb_rc as the first error (unless one is recorded); returns t->rc. */
int tm_txn_fail(tm_txn *t, int mdb_rc, const char *what);
/** Record a JISR code (already described by jisr_error_set) as the first error. */
int tm_txn_set(tm_txn *t, int rc);
/** Record a damaged memory (a record or value that does not decode). */
int tm_txn_corrupt(tm_txn *t, const char *what);
/** Record a damaged memory described by fmt (JISR_EDB naming DIR/data.mdb); returns t->rc. */
int tm_txn_damaged(tm_txn *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** 1 when v lies inside the file (or is a write transaction's own page), else records the
 * damage and returns 0. */
int tm_val_check(tm_txn *t, const MDB_val *v, const char *what);
/** 1 found (v set), 0 absent or after an error (t->rc tells). */
/* ---- the vocabulary (vocab.c) ------------------------------------------------------------- */

/** Whether a word key can be in the vocabulary (and so near another): 1–TM_NEAR_MAXCP code
 * points. */
int tm_vocab_word_ok(const char *key, size_t n);
/** Add a word key of language hash lh (a no-op when known, or when the memory has no
 * vocabulary). t is a write transaction; errors are sticky in t. */
int tm_vocab_put(tm_txn *t, uint64_t lh, const char *key, size_t n);
/** 1 when the word key is in the vocabulary of lh, 0 when not (or no vocabulary), <0 error;
 * vc: a cursor on the vocabulary (tm_cur_open on tm->vocab; not open: no vocabulary). */
int tm_vocab_has(struct tm_cur *vc, uint64_t lh, const char *key, size_t n);
typedef int (*tm_near_fn)(void *ctx, const char *w, size_t n, uint32_t cost);
/** Call fn for every word of lh's vocabulary near the key (cost < TM_BIG; a word may come
 * twice, once per signature). */
int tm_vocab_near(struct tm_cur *vc, uint64_t lh, const char *key, size_t n, tm_near_fn fn,
                  void *ctx);

/** A short text's character form as stored for the character search (docs/matching.md §4.5):
 * its UTF-8 into val (room for TM_SHORT_FORMMAX) and the 8-byte key prefix of its entry in
 * `post` into *pkey (language lh, the form's length as bucket); returns the UTF-8 length, 0
 * when t is not short. */
#define TM_SHORT_FORMMAX (4 * TM_SHORT_CAP)
size_t tm_short_form_val(const tm_toks *t, uint64_t lh, uint64_t *pkey, unsigned char *val,
                         size_t lim);
/** Store unit id's form (from tm_short_form_val) in `post` under pkey and id (t's error). */
int tm_short_form_put(tm_txn *t, MDB_dbi post, uint64_t pkey, uint32_t id, const void *val,
                      size_t n);
/* The forms' record (docs/matching.md §4.5, Lemma 8): one entry of `post` (key: a term of its
 * own, id 0) holding the next unit id N up to which every short unit's form is stored, and the
 * number of forms stored in each (language, length). Written by import and reindex only; the
 * character search scans a length's forms only when N is the memory's next id. */
typedef struct tm_formcount {
    uint64_t pfx;    /* the forms' key prefix of a language (its length byte 0) */
    uint32_t n[256]; /* forms stored, by length */
} tm_formcount;
typedef struct tm_formcounts {
    tm_formcount *v;
    size_t n, cap;
} tm_formcounts;
/** Count one form written under key prefix pkey (tm_short_form_val's). */
int tm_formcounts_add(tm_formcounts *fc, uint64_t pkey);
/** After writing the forms of the units from_id … next_id − 1 (counted in fc): the record is
 * moved to next_id with the counts added when it stood at from_id, or when it is absent and
 * fresh (no unit was stored before them: a new memory, or a reindex, which empties `post`);
 * else it is left as it is (some unit may lack its form). t's error. */
int tm_short_forms_commit(tm_txn *t, MDB_dbi post, const tm_formcounts *fc, uint64_t from_id,
                          uint64_t next_id, int fresh);
void tm_formcounts_free(tm_formcounts *fc);
/** The 8-byte key prefix of the forms' record (its id bytes are 0), for walks of `post`. */
uint64_t tm_short_formrec_prefix(void);

int tm_get(tm_txn *t, MDB_dbi dbi, const MDB_val *k, MDB_val *v, const char *what);
int tm_put(tm_txn *t, MDB_dbi dbi, const MDB_val *k, MDB_val *v, unsigned flags, const char *what);
/** 1 deleted, 0 absent or after an error. */
int tm_del(tm_txn *t, MDB_dbi dbi, const MDB_val *k, const char *what);
int tm_drop(tm_txn *t, MDB_dbi dbi, int del, const char *what);
int tm_dbi_stat(tm_txn *t, MDB_dbi dbi, MDB_stat *st, const char *what);
int tm_cur_open(tm_cur *c, tm_txn *t, MDB_dbi dbi);
/** 1 with k and v, 0 at the end or after an error. */
int tm_cur_get(tm_cur *c, MDB_val *k, MDB_val *v, MDB_cursor_op op, const char *what);
int tm_cur_put(tm_cur *c, const MDB_val *k, MDB_val *v, unsigned flags, const char *what);
void tm_cur_close(tm_cur *c);

/** Find where LMDB mapped the file (no other transaction of the process open). */
void tm_map_locate(jisr_tm *tm);
/** Free the slots of LMDB's reader table that processes which died inside a read transaction
 * still hold (mdb_reader_check): while any other process keeps the environment open, LMDB never
 * frees them itself, so that every killed reader takes one of the table's slots for good (and
 * pins the pages of its snapshot: the file grows). Returns the number of slots freed (>= 0), or
 * a JISR code. Cheap (one fcntl per other process in the table); safe in any thread, with or
 * without transactions open. Called when a handle is opened, at every write transaction, on
 * MDB_READERS_FULL and at most every few seconds at a read transaction's start. */
int tm_readers_clear(jisr_tm *tm);
/** Double the map size, once no transaction of the process is open (the caller has none). */
int tm_grow(jisr_tm *tm);
/** Grow the map (by doublings) so that extra bytes fit after the data; same condition. An import
 * reserves room for its file up front: each MDB_MAP_FULL otherwise costs a replayed batch. */
int tm_reserve(jisr_tm *tm, uint64_t extra);
/** meta values: big-endian u64 (absent = 0) and strings (1 found, 0 absent, <0 error). */
int tm_meta_get_u64(tm_txn *t, const char *key, uint64_t *v);
int tm_meta_put_u64(tm_txn *t, const char *key, uint64_t v);
int tm_meta_get_str(tm_txn *t, const char *key, char *out, size_t outsz);
int tm_meta_put_str(tm_txn *t, const char *key, const char *s);
/** Add delta to the per-language counter of lang. */
int tm_meta_lang_add(tm_txn *t, const char *lang, size_t n, int64_t delta);

/* Concordance context (json.c): the last width characters of s[0..n), and the bytes of the
 * first width characters (UTF-8 aware). */
const char *tm_tail_chars(const char *s, size_t n, int width);
/* Append x->diff without its placeholders (the source's or the query's tags, characters kept)
 * to b (textout.c). */
int tm_diff_plain(jisr_buf *b, const jisr_tm_match *x);
size_t tm_head_bytes(const char *s, size_t n, int width);

/* Query contexts lent to the plain calls (match.c). */
struct jisr_tm_ctx *tm_ctx_take(jisr_tm *tm);
void tm_ctx_give(struct jisr_tm_ctx *c);
void tm_ctx_pool_free(jisr_tm *tm);

/** The memory's character search setting (meta "chars", absent = off; docs/matching.md §2.6):
 * *on = 0 when off, else its limit (the most code points of a short text: 64 for the value 1 of
 * memories written before limits, else the value, 2 … TM_SHORT_CAP) — its short texts carry
 * character terms and queries take the character score. A value above TM_SHORT_CAP is damage. */
int tm_chars_get(tm_txn *t, int *on);
/** Record the versions the index is built with (this library's) in meta (store.c). */
int tm_index_stamp(tm_txn *t);
/** Read the recorded versions again (after a reindex) into the handle. */
void tm_index_reload(jisr_tm *tm);

/* ---- postings (postings.c) --------------------------------------------------------------- *
 * Database post: key = 8 bytes (tm_post_key: language and term hash, length bucket in the low
 * byte) + 4 bytes (the chunk's first id), both big-endian; value = varint count, then the deltas
 * of the ascending ids after the first (varints). Written by the import and reindex, read by the
 * matcher and the concordance. */

#define TM_POST_MERGE_MAX 256 /* a chunk smaller than this (bytes) is extended, not followed */

typedef struct tm_chunk {
    MDB_val k, v;
    /* the chunk's ids decoded by the read snapshot's directory (valid while it is): ids, the
     * count ids ascending; or d16, the count − 1 deltas after the first id, first (the last id
     * in d16[-2] and d16[-1], low half first); both NULL: decode v */
    const uint32_t *ids;
    const uint16_t *d16;
    uint32_t first;
    uint32_t count;  /* ids in the chunk */
    unsigned bucket; /* length bucket of the chunk's key */
} tm_chunk;
/** Collect the posting chunks of one term for buckets (pkey_lo & 0xFF) … hi; *df = their ids. */
int tm_post_chunks(tm_cur *cur, uint64_t pkey_lo, unsigned hi, tm_chunk **ch, size_t *n,
                   size_t *cap, uint64_t *df);
/** Collect the chunks of one term for buckets (pkey_lo & 0xFF) … hi, at most max of them: 0 when
 * that was all of them, 1 when there are more (the first max are appended), or an error. A rare
 * term's chunks are read with one cursor seek for all the buckets a query may read. */
int tm_post_chunks_max(tm_cur *cur, uint64_t pkey_lo, unsigned hi, size_t max, tm_chunk **ch,
                       size_t *n, size_t *cap);
/** A decoded posting id at or beyond the memory's next id (limit): the index is damaged.
 * Records the error on t (naming the file, the id and the fix) and returns it. */
int tm_post_bad_id(tm_txn *t, uint32_t id, uint64_t limit);
/** The order of the index's keys (database `post`): LMDB's default, memcmp's (bytes, then the
 * shorter first), computed for the 12-byte posting keys as two big-endian integers instead of a
 * call to memcmp at every step of a B-tree search (a query makes some hundred searches); other
 * lengths (short texts' forms) take memcmp's way. The same order, so memories stay readable and
 * writable by builds without it. Set on the database when a memory is opened (store.c). */
int tm_post_cmp(const MDB_val *a, const MDB_val *b);
/** Decode one posting chunk: ids appended to *ids (grown as needed). */
int tm_post_decode(const MDB_val *k, const MDB_val *v, uint32_t **ids, size_t *n, size_t *cap);
/** The same, appending only the ids whose bit is set in mark (bit id % 64 of word id / 64; ids at
 * or above nmark count as unset): the chunk is decoded and checked whole, its other ids are not
 * stored. */
int tm_post_decode_marked(const MDB_val *k, const MDB_val *v, const uint64_t *mark, size_t nmark,
                          uint32_t **ids, size_t *n, size_t *cap);
/** A chunk's id count (its value's first varint, checked as tm_post_decode checks it), or -1
 * when the entry is not a chunk that decodes (no error recorded). */
int64_t tm_post_count(const MDB_val *k, const MDB_val *v);
/** Decode a chunk into out (room for room ids; no allocation): its id count, or -1 when it does
 * not decode or has more than room ids (no error recorded: the directory's build). */
int64_t tm_post_decode_to(const MDB_val *k, const MDB_val *v, uint32_t *out, size_t room);
/** A chunk's ids appended to *ids: a copy of h->ids (or a sum of h->d16) when the directory holds
 * them decoded, else tm_post_decode of its value. */
int tm_chunk_ids(const tm_chunk *h, uint32_t **ids, size_t *n, size_t *cap);
/** The same, only the ids whose bit is set in mark (tm_post_decode_marked's semantics; mark NULL:
 * every id): a filter of the directory's ids by the bits when it holds them, else
 * tm_post_decode_marked of its value. */
int tm_chunk_ids_marked(const tm_chunk *h, const uint64_t *mark, size_t nmark, uint32_t **ids,
                        size_t *n, size_t *cap);
/** Add 1 to cnt[id] for every id of chunk h below limit whose bit is set in live (short.c's
 * verification): from the directory's ids or deltas without writing them out, else from its
 * value decoded into the scratch *ids (capacity *cap). 0, or the decoding's error. */
int tm_chunk_count(const tm_chunk *h, const uint64_t *live, uint64_t limit, uint8_t *cnt,
                   uint32_t **ids, size_t *cap);
/** Store the ascending ids v[0..n) (all above the key's stored ids) under posting key pkey: the
 * key's last chunk takes them while it is smaller than TM_POST_MERGE_MAX bytes, else they make
 * a chunk of their own. scratch holds the value being built. Ids that would go out of order
 * (below an earlier one of v, or at or below a stored id the check can see: the last chunk's
 * first id, and its last id when it is small) fail the transaction (JISR_EDB, a damaged
 * memory) instead of being written. */
int tm_post_append(tm_cur *cur, uint64_t pkey, const uint32_t *v, size_t n, jisr_buf *scratch);

#endif
