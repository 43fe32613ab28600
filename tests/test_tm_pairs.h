/*
 * test_tm_pairs.h — the Arabic–English pairs of a tab-separated file (tests/data/tm/ar-en.tsv),
 * for tests that build memories from them. Include after <cmocka.h>.
 */
#ifndef JISR_TEST_TM_PAIRS_H
#define JISR_TEST_TM_PAIRS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tm_test_pair {
    char *ar, *en;
} tm_test_pair;

/* the first max pairs (lines "arabic<TAB>english") of path into a new array *out; their count.
 * The test fails when the file cannot be read. */
static inline size_t tm_test_pairs_load(const char *path, tm_test_pair **out, size_t max)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    size_t n = 0;
    *out = calloc(max, sizeof **out);
    assert_non_null(*out);
    while (n < max && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        (*out)[n].ar = strdup(line);
        (*out)[n].en = strdup(tab + 1);
        n++;
    }
    fclose(f);
    return n;
}

#endif
