/*
 * vocab.c — string interning for the aligner: every stem, number and anchor becomes a dense
 * 32-bit id, so the lexicon, the weights and the DP work on integer arrays. Open addressing
 * with FNV-1a hashes; the table stays at most half full. The strings live in blocks of 64 KiB
 * (a vocabulary is freed whole), which spares a malloc and a free per string.
 */
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    /* FNV's low bits mix poorly (bit 0 is a parity of the input's bit 0s) and the table
     * indexes with low bits: finish with MurmurHash3's avalanche */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static int same(const char *stored, const char *s, size_t n)
{
    return strncmp(stored, s, n) == 0 && stored[n] == '\0';
}

/* A slot holds the key's full hash (high half) and id + 1 (low half, 0 = empty), so a probe
 * touches the string only when the hashes agree. */
static uint32_t find_h(const al_vocab *v, const char *s, size_t n, uint32_t h)
{
    if (!v->nslot)
        return UINT32_MAX;
    uint32_t mask = v->nslot - 1;
    for (uint32_t k = h & mask;; k = (k + 1) & mask) {
        uint64_t e = v->slot[k];
        if (e == 0)
            return UINT32_MAX;
        uint32_t id = (uint32_t)e - 1;
        if ((uint32_t)(e >> 32) == h && same(v->str[id], s, n))
            return id;
    }
}

uint32_t al_vocab_find(const al_vocab *v, const char *s, size_t n)
{
    return v->nslot ? find_h(v, s, n, fnv1a(s, n)) : UINT32_MAX;
}

/* room for a string of n bytes + NUL in the blocks */
static char *store(al_vocab *v, size_t n)
{
    if (n + 1 > v->room) {
        size_t sz = n + 1 > 65536 ? n + 1 : 65536;
        if (JISR_GROW(v->block, v->capblock, v->nblock + 1) < 0)
            return NULL;
        char *b = malloc(sz);
        if (!b)
            return NULL;
        v->block[v->nblock++] = b;
        v->used = 0;
        v->room = sz;
    }
    char *p = v->block[v->nblock - 1] + v->used;
    v->used += n + 1;
    v->room -= n + 1;
    return p;
}

static int grow_slots(al_vocab *v)
{
    uint32_t ns = v->nslot ? v->nslot * 2 : 1024;
    uint64_t *slot = calloc(ns, sizeof *slot);
    if (!slot)
        return -1;
    for (uint32_t k0 = 0; k0 < v->nslot; k0++) {
        uint64_t e = v->slot[k0];
        if (e == 0)
            continue;
        for (uint32_t k = (uint32_t)(e >> 32) & (ns - 1);; k = (k + 1) & (ns - 1))
            if (slot[k] == 0) {
                slot[k] = e;
                break;
            }
    }
    free(v->slot);
    v->slot = slot;
    v->nslot = ns;
    return 0;
}

uint32_t al_vocab_intern(al_vocab *v, const char *s, size_t n)
{
    uint32_t h = fnv1a(s, n);
    uint32_t id = find_h(v, s, n, h);
    if (id != UINT32_MAX)
        return id;
    if ((v->n + 1) * 2 > v->nslot && grow_slots(v) < 0)
        return UINT32_MAX;
    if (JISR_GROW(v->str, v->cap, (size_t)v->n + 1) < 0)
        return UINT32_MAX;
    char *copy = store(v, n);
    if (!copy)
        return UINT32_MAX;
    memcpy(copy, s, n);
    copy[n] = '\0';
    v->str[v->n] = copy;
    uint32_t mask = v->nslot - 1;
    for (uint32_t k = h & mask;; k = (k + 1) & mask)
        if (v->slot[k] == 0) {
            v->slot[k] = (uint64_t)h << 32 | (v->n + 1);
            break;
        }
    return v->n++;
}

void al_vocab_free(al_vocab *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nblock; i++)
        free(v->block[i]);
    free(v->block);
    free(v->str);
    free(v->slot);
    memset(v, 0, sizeof *v);
}
