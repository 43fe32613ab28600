/*
 * util_int.h — plumbing shared by the library's layers and never installed: growing arrays,
 * the one out-of-memory error, big-endian integers.
 *
 * Front ends (cli/, serve/) use only the public headers; everything here is for code inside
 * libjisr. The helpers are small and inline where they sit on hot paths.
 */
#ifndef JISR_UTIL_INT_H
#define JISR_UTIL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/** Record the out-of-memory error (optionally with the size that failed; 0 = unknown) and
 * return JISR_ENOMEM: `return jisr_oom(0);` where an allocation failed. */
int jisr_oom(size_t bytes);

/** A public function fn was given NULL for its pointer argument arg: record JISR_EINVAL with
 * "fn: arg is NULL" and return it, so that every layer words the error alike (util.h):
 * `if (!out) return jisr_null_arg("jisr_x_new", "out");`. tm/ has its own (tm_null_arg). */
static inline int jisr_null_arg(const char *fn, const char *arg)
{
    return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "%s: %s is NULL", fn, arg);
}

/** Make room for at least need elements of elem bytes in the array *p of capacity *cap
 * (elements, not bytes): doubles the capacity (from 16) until need fits. On failure *p and
 * *cap are unchanged and JISR_ENOMEM is recorded. The array's contents are kept. */
int jisr_grow_slow(void **p, size_t *cap, size_t need, size_t elem);
static inline int jisr_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    return need <= *cap ? 0 : jisr_grow_slow(p, cap, need, elem);
}
/** jisr_grow for a typed pointer and a size_t capacity: JISR_GROW(v, cap, n + 1). */
#define JISR_GROW(ptr, cap, need) jisr_grow((void **)&(ptr), &(cap), (need), sizeof *(ptr))

/** The first index in [lo, hi) of the ascending array v whose value is at least x; hi when
 * there is none (a binary search). */
static inline size_t jisr_lower_u32(const uint32_t *v, size_t lo, size_t hi, uint32_t x)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/** jisr_grow for arrays that must read zero where nothing was written (the matcher's per-id
 * counters): the new elements are zeroed; the first allocation is of exactly need elements,
 * each later one at least doubles. An array of 512 KiB or more is allocated in whole 2 MiB
 * pages, aligned, and advised for transparent huge pages (MADV_HUGEPAGE, where the system has
 * them), so that zeroing it costs one page fault per 2 MiB instead of one per 4 KiB (session
 * 17 and 18: the first query of a process). On failure *p and *cap are unchanged and JISR_ENOMEM is
 * recorded. Freed by free(). */
int jisr_grow_zeroed(void **p, size_t *cap, size_t need, size_t elem);
/** bytes of zeroed memory allocated as jisr_grow_zeroed's arrays (huge pages from 512 KiB); NULL
 * with JISR_ENOMEM recorded. Freed by free(). */
void *jisr_alloc_zeroed(size_t bytes);

/** For arrays that keep only their count n, not a capacity: the capacity is implicitly the
 * next power of two >= n (at least 2), so the array is grown (to 2n) exactly when n is 0 or a
 * power of two. Makes room for element n; *p is unchanged on failure (JISR_ENOMEM recorded).
 * Used where a capacity field would cost memory on every small object (a unit's variants). */
int jisr_grow_pow2(void **p, size_t n, size_t elem);

/** A set of 64-bit hashes (open addressing; 0 is stored as 1): zero-initialise ({0}), free
 * with jisr_u64set_free. */
typedef struct jisr_u64set {
    uint64_t *v;
    size_t n, cap; /* cap a power of two, or 0 */
} jisr_u64set;
/** Add h: 1 when it was new, 0 when already there, JISR_ENOMEM (recorded) when growing failed. */
int jisr_u64set_add(jisr_u64set *s, uint64_t h);
/** Free the set and leave it empty, ready for reuse. */
void jisr_u64set_free(jisr_u64set *s);

/** Append the NUL-terminated s (NULL: nothing) to b with & < > " escaped as XML and HTML
 * character references, and ' too when apos is non-zero (HTML attribute values that may be
 * single-quoted): for markup written inside the library (review pages, reports, inline tags).
 * The TMX writer has its own, which also keeps CR, TAB and LF in attribute values. 0 or
 * JISR_ENOMEM. */
int jisr_buf_markup(jisr_buf *b, const char *s, int apos);

/** Temporary files that jisr_outfile_remove_temporaries (a signal handler's clean-up) deletes:
 * register one as soon as it is named (dirfd: a directory descriptor that stays open while the
 * file is registered, or AT_FDCWD; name: relative to it, at most 4095 bytes), unregister it once
 * it has been renamed or unlinked. Returns a slot >= 0, or -1 when all 64 slots are busy (the
 * file is then simply not cleaned up by a signal). Thread-safe and lock-free. */
int jisr_tmp_register(int dirfd, const char *name);
void jisr_tmp_unregister(int slot);

/** Bytes of s[0..n) in Arabic words of windows-1256 (runs of bytes above 0x7F that are all
 * Arabic there — letters, tatweel, harakat, ZWNJ/ZWJ, LRM/RLM, Arabic punctuation — and hold two
 * letters or more) into *arabic, and bytes above 0x7F in runs with any other byte into *other; a
 * lone Arabic letter counts for neither. An English text with an Arabic name in windows-1256 has
 * few bytes above 0x7F but all in such words; Latin-1 text has its accented letters alone between
 * ASCII letters, most of them not Arabic in windows-1256 (é, è, ç, ü, à …). The encoding guesses
 * of the document reader (doc/text.c) and the line reader's hint (lines.c) stand on it. */
void jisr_cp1256_words(const unsigned char *s, size_t n, size_t *arabic, size_t *other);

/** Big-endian integers of n bytes (1–8): composite LMDB keys sort as numbers this way. */
static inline void jisr_be_put(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
}

static inline uint64_t jisr_be_get(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

#endif
