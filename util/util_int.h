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
