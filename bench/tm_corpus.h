/*
 * tm_corpus.h — test material for the memory benchmarks: base ar/en pairs from ../shared/data
 * and from the installed gettext catalogues, a deterministic random generator, word splitting,
 * and the variations each benchmark profile builds from the bases. Benchmarks only.
 */
#ifndef JISR_BENCH_TM_CORPUS_H
#define JISR_BENCH_TM_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "tm/tm_int.h" /* tm_toks: the matcher's own normalised-text hash */
#include "util/util_int.h"

typedef struct bc_pair {
    char *ar, *en;
} bc_pair;

typedef struct bc_pairs {
    bc_pair *v;
    size_t n, cap;
} bc_pairs;

/** Append a pair (copied; trailing CR/space trimmed, control characters become spaces, pairs
 * with an empty side dropped). */
void bc_add(bc_pairs *p, const char *ar, size_t an, const char *en, size_t enn);
void bc_free(bc_pairs *p);

/** The Bible (Smith–Van Dyck/WEB, vocalized Van Dyck with KJV and WEB), UN dev+test, Tatoeba
 * and the seed article (src/corpora), each source's count printed. Returns the pairs added. */
size_t bc_load_shared(bc_pairs *p, const char *shared_data, const char *src_dir);
/** English/Arabic pairs of every gettext catalogue in mo_dir (read through `msgunfmt`): no
 * header, plural forms or empty translations. Returns the pairs added (0 without msgunfmt). */
size_t bc_load_l10n(bc_pairs *p, const char *mo_dir);

/** xorshift64: deterministic across runs and machines */
uint64_t bc_rnd(uint64_t *state);

/** Words of a text split on single spaces (pointers into buf). */
typedef struct bc_words {
    char *buf;
    char *w[512];
    size_t n;
} bc_words;
void bc_split(bc_words *w, const char *s);
/** Join w's words with single spaces: skip word `skip` (-1: none), swap words swap and swap+1
 * (-1: none), write `prefix` before word pw (NULL: none). malloc'd. */
char *bc_join(const bc_words *w, long skip, long swap, const char *prefix, size_t pw);

/** The synthetic profile of bench_tm: variant k ≥ 1 of a base pair (numbers changed in ASCII or
 * Arabic-Indic digits, a word dropped, two words swapped, diacritics removed or added, a proclitic
 * و added). *ar and *en are malloc'd. */
void bc_variant_synthetic(const bc_pair *b, unsigned k, char **ar, char **en);
/** " (N)" appended in ASCII or Arabic-Indic digits. malloc'd. */
char *bc_with_number(const char *s, unsigned v, int arabic_digits);

/** A vocabulary to draw replacement words from (every word of the texts it was built from, with
 * repetitions, so frequent words are drawn often). */
typedef struct bc_vocab {
    char **w;
    size_t n, cap;
} bc_vocab;
void bc_vocab_add_text(bc_vocab *v, const char *s);
void bc_vocab_free(bc_vocab *v);
/** s with `changes` random word edits (substitute 3/5, delete 1/5, insert 1/5 of the time) drawn
 * from v; at least one word is kept. malloc'd. */
char *bc_edit_words(const char *s, unsigned changes, const bc_vocab *v, uint64_t *rng);

/** The distinct units a benchmark generates: a pair is new unless one with the same normalised
 * texts (the matcher's dedupe hash of each side, so that N generated = N stored) was added. */
typedef struct bc_dedupe {
    jisr_u64set seen; /* util's set of 64-bit hashes */
    tm_toks toks;
} bc_dedupe;
/** 1 when the pair is new (and is now remembered), 0 when an equal one was added before, -1 out
 * of memory. A zeroed bc_dedupe is empty. */
int bc_dedupe_add(bc_dedupe *d, const char *ar, const char *en);
void bc_dedupe_free(bc_dedupe *d);

#endif
