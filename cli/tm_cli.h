/*
 * tm_cli.h — what the memory commands (import, query, concord, export, stats, delete) share:
 * finding and opening the memory directory and printing unit text.
 */
#ifndef JISR_TM_CLI_H
#define JISR_TM_CLI_H

#include "formats/formats.h"
#include "tm/tm.h"
#include "util/util.h"

/** Open the memory: dir from --tm (may be NULL) or cli_default_tm(). Prints the error and
 * returns CLI_FAIL on failure, CLI_OK with *out set on success. */
int tm_cli_open(const char *dir, int write, jisr_tm **out);

/** Append text without inline-tag placeholders (U+E000–U+F8FF) to b. */
void tm_cli_plain(jisr_buf *b, const char *s, size_t n);

/** Parse a non-negative integer option value; returns 0 on success. */
int tm_cli_number(const char *s, long max, long *out);

#endif
