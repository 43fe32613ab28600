/*
 * test_tm_dir.h — a fresh directory under /tmp for a test memory, and its removal (the LMDB
 * files data.mdb and lock.mdb, then the directory); a unit of two variants added to an import.
 * Include after <cmocka.h>.
 */
#ifndef JISR_TEST_TM_DIR_H
#define JISR_TEST_TM_DIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tm/tm.h"

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

/* one unit of two variants (l1: t1, l2: t2) into imp; the test fails otherwise */
static inline void add_pair(jisr_tm_import *imp, const char *l1, const char *t1, const char *l2,
                            const char *t2)
{
    jisr_unit u;
    jisr_unit_init(&u);
    assert_int_equal(jisr_unit_add_variant(&u, l1, t1, strlen(t1), NULL), 0);
    assert_int_equal(jisr_unit_add_variant(&u, l2, t2, strlen(t2), NULL), 0);
    assert_int_equal(jisr_tm_import_add(imp, &u), 0);
    jisr_unit_clear(&u);
}

#endif
