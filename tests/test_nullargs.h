/* test_nullargs.h — what the NULL-argument tests share (test_tm_nullargs.c, test_api_nullargs.c):
 * a NULL the compiler cannot see, and the check that a call refuses it naming the argument.
 * Include after cmocka.h, string.h and util/util.h. */
#ifndef JISR_TEST_NULLARGS_H
#define JISR_TEST_NULLARGS_H

/* a NULL the compiler cannot see (no -Wnonnull or -Wformat warning about a literal NULL) */
static void *volatile g_null;
#define NUL ((void *)g_null)

/* call returns JISR_EINVAL and the message names what (the function and its argument) */
#define EINVAL_NAMING(call, what)                                                                  \
    do {                                                                                           \
        jisr_error_clear();                                                                        \
        int rc_ = (call);                                                                          \
        if (rc_ != JISR_EINVAL || !strstr(jisr_error_last()->msg, what))                           \
            fail_msg("%s: rc %d, message '%s' (wanted JISR_EINVAL naming '%s')", #call, rc_,       \
                     jisr_error_last()->msg, what);                                                \
    } while (0)

#endif
