/*
 * fuzz_align.c — libFuzzer target for the aligner's untrusted inputs: dictd dictionaries
 * (`--dict FILE`: the input up to the first NUL byte is the .index, the rest the .dict, written
 * to temporary files because the reader takes paths) and the documents themselves (lines before
 * a NUL are source sentences, after it target sentences; aligned without a dictionary, and every
 * bead checked to stay inside the documents). The first byte picks the mode.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align/align.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_entry(void *ctx, const char *head, size_t head_len, const char *def,
                       size_t def_len)
{
    (void)head;
    (void)def;
    *(size_t *)ctx += head_len + def_len;
    return 0;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static void fuzz_dict(const uint8_t *data, size_t size)
{
    char idx[64], dict[64];
    snprintf(idx, sizeof idx, "/tmp/jisr-fuzz-%ld.index", (long)getpid());
    snprintf(dict, sizeof dict, "/tmp/jisr-fuzz-%ld.dict", (long)getpid());
    const uint8_t *nul = memchr(data, 0, size);
    size_t ni = nul ? (size_t)(nul - data) : size;
    if (write_file(idx, data, ni) == 0 &&
        write_file(dict, nul ? nul + 1 : data, nul ? size - ni - 1 : 0) == 0) {
        size_t total = 0;
        jisr_dictd_read(idx, dict, count_entry, &total);
    }
    unlink(idx);
    unlink(dict);
}

/* split p[0..n) at '\n' into a malloc'd array of NUL-terminated strings */
static char **split_lines(const uint8_t *p, size_t n, size_t *count)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += p[i] == '\n';
    char **v = calloc(cap, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || p[i] == '\n') {
            if (i > start || i < n) {
                v[k] = malloc(i - start + 1);
                if (v[k]) {
                    memcpy(v[k], p + start, i - start);
                    v[k][i - start] = '\0';
                    k++;
                }
            }
            start = i + 1;
        }
    }
    *count = k;
    return v;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void fuzz_docs(const uint8_t *data, size_t size, unsigned flags)
{
    const uint8_t *nul = memchr(data, 0, size);
    if (!nul)
        return;
    size_t ns = 0, nt = 0;
    char **src = split_lines(data, (size_t)(nul - data), &ns);
    char **tgt = split_lines(nul + 1, size - (size_t)(nul - data) - 1, &nt);
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    o.flags = flags | JISR_ALIGN_NO_DICT;
    jisr_aligner *a = NULL;
    jisr_ladder l = {0};
    if (src && tgt && jisr_aligner_new(&a, &o) == 0 &&
        jisr_aligner_align(a, (const char *const *)src, ns, (const char *const *)tgt, nt, &l) ==
            0) {
        size_t next_s = 0, next_t = 0;
        for (size_t i = 0; i < l.n; i++) {
            const jisr_bead *b = &l.v[i];
            if ((b->nsrc && b->src != next_s) || (b->ntgt && b->tgt != next_t))
                abort(); /* beads must cover both documents in order */
            next_s += b->nsrc;
            next_t += b->ntgt;
        }
        if (next_s != ns || next_t != nt)
            abort();
    }
    jisr_ladder_free(&l);
    jisr_aligner_free(a);
    free_lines(src, ns);
    free_lines(tgt, nt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 20000)
        return 0;
    switch (data[0] % 3) {
    case 0:
        fuzz_dict(data + 1, size - 1);
        break;
    case 1:
        fuzz_docs(data + 1, size - 1, 0);
        break;
    default:
        fuzz_docs(data + 1, size - 1, JISR_ALIGN_NO_LEXICAL);
    }
    return 0;
}
