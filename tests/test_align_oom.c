/*
 * test_align_oom.c — an allocation that fails while the aligner runs is reported, never turned
 * into a silently different alignment: for every k, the k-th allocation of jisr_aligner_run
 * (malloc, calloc or realloc, counted together) fails, and the run must either return
 * JISR_ENOMEM with that code recorded as the thread's last error, or return 0 with exactly the
 * beads and scores of a run without failures. The sweep goes on until a run makes fewer than k
 * allocations (every allocation of the run has failed once).
 *
 * The allocators are replaced in this program (the library's objects are linked into it) and
 * call glibc's __libc_* functions; under AddressSanitizer, which replaces them itself, the test
 * is skipped (it is labelled no-asan too). Data: the article and the guide of corpora/ (their
 * provenance: corpora/README.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align.h"

#if defined(__SANITIZE_ADDRESS__)
#define OOM_SKIP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OOM_SKIP 1
#endif
#endif

#ifndef OOM_SKIP
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);

static long armed = -1; /* allocations until the one that fails; -1: none fails */
static long counted;    /* allocations since arming */

static int fail_now(void)
{
    if (armed < 0)
        return 0;
    return counted++ == armed;
}

void *malloc(size_t n)
{
    return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    return fail_now() ? NULL : __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __libc_realloc(p, n);
}

static jisr_sentences docs[2][2]; /* article, guide; Arabic, English */

/* Aligns both documents in one batch; failing allocation number fail of the run (-1: none).
 * Returns the run's code; on 0 the result is copied into out[2]. *allocs = allocations made. */
static int run(long fail, jisr_ladder out[2], long *allocs)
{
    jisr_align_opts o = JISR_ALIGN_OPTS_INIT;
    /* no dictionary: loading FreeDict for every run would take minutes; no anchors: the names'
     * transliterator is ICU's, and ICU 72 crashes in utrans_transUChars after one of its own
     * allocations failed inside utrans_clone (not jisr's to fix) */
    o.flags |= JISR_ALIGN_NO_DICT | JISR_ALIGN_NO_ANCHORS;
    jisr_aligner *a = NULL;
    assert_int_equal(jisr_aligner_new(&a, &o), 0);
    for (int d = 0; d < 2; d++)
        assert_int_equal(jisr_aligner_add_sentences(a, &docs[d][0], &docs[d][1], NULL), 0);
    jisr_error_clear();
    counted = 0;
    armed = fail;
    int rc = jisr_aligner_run(a);
    armed = -1;
    *allocs = counted;
    if (rc == 0)
        for (int d = 0; d < 2; d++) {
            const jisr_ladder *r = jisr_aligner_result(a, (size_t)d);
            out[d].n = 0;
            for (size_t k = 0; k < r->n; k++)
                assert_int_equal(jisr_ladder_push(&out[d], r->v[k].src, r->v[k].nsrc, r->v[k].tgt,
                                                  r->v[k].ntgt, r->v[k].score),
                                 0);
        }
    jisr_aligner_free(a);
    return rc;
}

static int same(const jisr_ladder *a, const jisr_ladder *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t k = 0; k < a->n; k++)
        if (a->v[k].src != b->v[k].src || a->v[k].nsrc != b->v[k].nsrc ||
            a->v[k].tgt != b->v[k].tgt || a->v[k].ntgt != b->v[k].ntgt ||
            a->v[k].score != b->v[k].score)
            return 0;
    return 1;
}

static void test_every_allocation_fails_once(void **state)
{
    (void)state;
    jisr_ladder ref[2] = {{0}}, got[2] = {{0}};
    long total;
    assert_int_equal(run(-1, ref, &total), 0);
    assert_true(ref[0].n > 10 && ref[1].n > 10);
    int enomem = 0, ok = 0;
    long k = 0, allocs = 0;
    for (; k < 100000; k++) {
        int rc = run(k, got, &allocs);
        if (allocs <= k) { /* the run made fewer than k + 1 allocations: none failed */
            assert_int_equal(rc, 0);
            break;
        }
        if (rc == 0) {
            if (!same(&got[0], &ref[0]) || !same(&got[1], &ref[1]))
                fail_msg("allocation %ld of the run failed: a different alignment, no error", k);
            ok++;
        } else {
            if (rc != JISR_ENOMEM || jisr_error_last()->code != JISR_ENOMEM)
                fail_msg("allocation %ld of the run failed: code %d, last error %d", k, rc,
                         jisr_error_last()->code);
            enomem++;
        }
    }
    printf("%ld allocations in a run: %d reported out of memory, %d recovered with the same "
           "alignment\n",
           k, enomem, ok);
    assert_true(k > 0 && k < 100000);
    assert_true(enomem > 0);
    for (int d = 0; d < 2; d++) {
        jisr_ladder_free(&ref[d]);
        jisr_ladder_free(&got[d]);
    }
}

#endif /* OOM_SKIP */

int main(void)
{
#ifdef OOM_SKIP
    printf("built with AddressSanitizer, which replaces the allocators: skipped\n");
    return 77;
#else
    static const char *const names[2][2] = {{"article.ar.sent", "article.en.sent"},
                                            {"guide.ar.sent", "guide.en.sent"}};
    for (int d = 0; d < 2; d++)
        for (int s = 0; s < 2; s++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/../../corpora/%s", JISR_TEST_DATA, names[d][s]);
            if (jisr_sentences_read(&docs[d][s], path, NULL, 0) < 0) {
                printf("%s: unreadable\n", path);
                return 1;
            }
        }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_fails_once),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (int d = 0; d < 2; d++)
        for (int s = 0; s < 2; s++)
            jisr_sentences_free(&docs[d][s]);
    return rc;
#endif
}
