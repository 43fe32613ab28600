/*
 * test_scale.h — JISR_TEST_SCALE, the share of their random volume that the volume tests run
 * (oracles of many random queries, loops of random cases): a percentage from 1 to 100, 100 when
 * unset or not a number. A sanitizer build runs them smaller (.ci/test sets 25 for its ASan
 * stage), where the point is a memory error on each code path rather than the volume that the
 * release build checks. Every configuration still runs, with fewer random cases; an assertion
 * on a count that grows with the volume scales its bound with test_scaled.
 */
#ifndef JISR_TEST_SCALE_H
#define JISR_TEST_SCALE_H

#include <stddef.h>
#include <stdlib.h>

/* JISR_TEST_SCALE read once: 1 … 100 (values above 100 are 100) */
static inline unsigned test_scale_pct(void)
{
    static unsigned pct;
    if (pct == 0) {
        const char *s = getenv("JISR_TEST_SCALE");
        char *end;
        long v = s && *s ? strtol(s, &end, 10) : 100;
        pct = s && *s && *end == '\0' && v >= 1 ? (v > 100 ? 100u : (unsigned)v) : 100u;
    }
    return pct;
}

/* n scaled by JISR_TEST_SCALE, rounded up (never 0 when n is not) */
static inline size_t test_scaled(size_t n)
{
    return (n * test_scale_pct() + 99) / 100;
}

#endif
