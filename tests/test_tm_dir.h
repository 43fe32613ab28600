/*
 * test_tm_dir.h — a fresh directory under /tmp for a test memory, and its removal (the LMDB
 * files data.mdb and lock.mdb, then the directory). Include after <cmocka.h>.
 */
#ifndef JISR_TEST_TM_DIR_H
#define JISR_TEST_TM_DIR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* buf (room for n) becomes /tmp/jisr-test-NAME-XXXXXX, created; the test fails otherwise */
static inline void tmdir_make(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/jisr-test-%s-XXXXXX", name);
    assert_non_null(mkdtemp(buf));
}

static inline void tmdir_remove(const char *d)
{
    char p[512];
    snprintf(p, sizeof p, "%s/data.mdb", d);
    unlink(p);
    snprintf(p, sizeof p, "%s/lock.mdb", d);
    unlink(p);
    rmdir(d);
}

#endif
