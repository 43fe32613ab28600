/*
 * tm_cli.c — shared plumbing of the memory commands: default directory, open with a clear
 * message, placeholder-free text for display, number options.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/tm_cli.h"

int tm_cli_open(const char *dir, int write, jisr_tm **out)
{
    char *d = dir ? jisr_strdup(dir) : cli_default_tm();
    if (!d)
        return cli_fail("no memory directory: use --tm DIR or set JISR_TM or HOME");
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = write ? JISR_TM_WRITE : 0;
    const char *ns = getenv("JISR_TM_NOSYNC");
    if (write && ns && *ns && *ns != '0')
        o.flags |= JISR_TM_NOSYNC;
    const char *ms = getenv("JISR_TM_MAPSIZE"); /* testing aid: start with a tiny map */
    if (ms && *ms)
        o.initial_mapsize = (size_t)strtoull(ms, NULL, 10);
    int rc = jisr_tm_open(out, d, &o);
    free(d);
    if (rc < 0)
        return cli_error(rc);
    return CLI_OK;
}

void tm_cli_plain(jisr_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* U+E000–U+F8FF is EE 80 80 – EF A3 BF in UTF-8 */
        if ((c == 0xEE || (c == 0xEF && i + 1 < n && (unsigned char)s[i + 1] <= 0xA3)) &&
            i + 2 < n) {
            i += 2;
            continue;
        }
        jisr_buf_putc(b, (char)c);
    }
    if (!b->data)
        jisr_buf_puts(b, "");
}

int tm_cli_number(const char *s, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > max)
        return -1;
    *out = v;
    return 0;
}
