/*
 * cli.h — what the `jisr` subcommands share: the command table entry, error reporting in the
 * `jisr: FILE:LINE:COL: message` form, usage errors (exit 2) and terminal progress.
 * The CLI calls only the public headers of the library layers.
 */
#ifndef JISR_CLI_H
#define JISR_CLI_H

#include <stdio.h>

#include "tm/tm.h"
#include "util/util.h"

/* exit codes */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;
    const char *help; /* full help text for `jisr help NAME` / `jisr NAME --help` */
} cli_command;

/** Print "jisr: " + the last library error (with FILE:LINE:COL when known) to stderr and return
 * CLI_FAIL. rc is the failing code (used when no detail was recorded). */
int cli_error(int rc);
/** Print "jisr: " + message to stderr; return CLI_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "jisr: warning: " + message to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "jisr NAME: message" and "Try 'jisr help NAME'." to stderr; return CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_long's ':' (a missing value) or '?' (an unknown option) as one usage error naming the
 * option; call with opterr = 0 and an optstring beginning with ':' */
int cli_option_error(const char *cmd, int c, char *const *argv);
/** Print the command's full help to stdout; return CLI_OK. */
int cli_help(const char *cmd);

/** Progress on stderr, only when stderr is a terminal; at most ~10 updates/s. */
typedef struct cli_progress {
    int enabled;
    double last;
    double start;
} cli_progress;
void cli_progress_init(cli_progress *p);
void cli_progress_update(cli_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_progress_done(cli_progress *p);
/** Let the next update through however soon it comes (a stage's last count). */
void cli_progress_force(cli_progress *p);

/** Directories that the fatal-signal handler (main.c) removes, last first, after the outputs'
 * temporaries: those a command made for its outputs, empty until the outputs are committed
 * (rmdir leaves a directory that is not). The list must be complete when given and unchanged
 * until cli_remove_dirs_on_signal(NULL). */
struct jisr_strlist;
void cli_remove_dirs_on_signal(const struct jisr_strlist *dirs);

/** Default memory directory: $JISR_TM, else $XDG_DATA_HOME/jisr/tm, else ~/.local/share/jisr/tm.
 * Returns a malloc'd string or NULL. */
char *cli_default_tm(void);
/** Open the memory in dir (from --tm; NULL: cli_default_tm()) with flags JISR_TM_* (from the
 * environment also JISR_TM_NOSYNC and, for tests, JISR_TM_MAPSIZE). A warning about the memory
 * (a stale index) goes to stderr; on failure the error is printed and CLI_FAIL returned. */
int cli_open_tm(const char *dir, unsigned flags, jisr_tm **out);
/** Parse a non-negative integer option value up to max; returns 0 on success. */
int cli_number(const char *s, long max, long *out);
/** 1 when --tm arg is no existing path and what follows its last ':' looks like a penalty that
 * is not one (a sign, digits, letters: DIR:-3, DIR:1.5, DIR:ten): a usage error to say, rather
 * than "no translation memory here" about a path nobody meant (a path may hold ':', so anything
 * else is a path). Digits alone are a penalty, checked by the caller. */
int cli_tm_penalty_typo(const char *arg);

/* The languages of memories, for a query or concordance without -s/-t/-l (langs.c): primary
 * subtags (en-US and en-GB are "en"), each marked when written in the Arabic script. */
#define CLI_MAX_LANGS 16
typedef struct cli_langs {
    char lang[CLI_MAX_LANGS][16];
    int arabic[CLI_MAX_LANGS];
    size_t n;
    int more; /* more than CLI_MAX_LANGS */
} cli_langs;
/** The languages the memories' variants are in (from their counters); CLI_FAIL on error. */
int cli_tm_langs(jisr_tm *const *tms, size_t ntm, cli_langs *out);
/** 1 when the tag's language is written in the Arabic script (ar, fa, ur, …, or an -Arab
 * subtag). */
int cli_lang_arabic_script(const char *tag);
/** The one language of l other than lang; NULL when there are none or several. */
const char *cli_langs_other(const cli_langs *l, const char *lang);
/** The one language of l in the script of text (Arabic when its Arabic letters are at least as
 * many as its Latin ones, else — letters or none — the other scripts); NULL when none or several.
 */
const char *cli_langs_for_text(const cli_langs *l, const char *text, size_t n);
/** 1 when l is two languages, one in the Arabic script and one not: each text then picks its
 * direction by its script. */
int cli_langs_split(const cli_langs *l);
/** "ar, en, fr" (or "no units") into buf. */
void cli_langs_list(const cli_langs *l, char *buf, size_t size);
/** The language to ask the memories in for lang, given on the command line: lang when some
 * variant of theirs is in it (as the matcher compares: "en" finds en-US); else, for a region or
 * script variant ("en-US"), its language when they hold that, written into buf, with a warning
 * on stderr; else lang, with a warning that nothing can match and the languages they hold. */
const char *cli_lang_resolve(const char *cmd, jisr_tm *const *tms, size_t ntm, const char *lang,
                             char *buf, size_t size);

/** CLI_OK when tag (an option's value; NULL: not given) is a language tag
 * (jisr_lang_tag_ok), else a usage error naming opt ("-s") and CLI_USAGE. */
int cli_lang_option(const char *cmd, const char *opt, const char *tag);
/** cli_lang_option for -s src and -t tgt (either may be NULL), and a usage error when both are
 * given and are the same tag (letter case and '_' aside). */
int cli_lang_pair_option(const char *cmd, const char *src, const char *tgt);

/* the commands, one cmd_<verb>.c each */
int cmd_segment(int argc, char **argv);
int cmd_align(int argc, char **argv);
int cmd_align_eval(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_concord(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_lexicon(int argc, char **argv);
int cmd_docalign(int argc, char **argv);
int cmd_corpus(int argc, char **argv);
int cmd_serve(int argc, char **argv);

extern const char cmd_segment_help[], cmd_align_help[], cmd_align_eval_help[], cmd_convert_help[],
    cmd_import_help[], cmd_query_help[], cmd_concord_help[], cmd_export_help[], cmd_stats_help[],
    cmd_delete_help[], cmd_reindex_help[], cmd_lexicon_help[], cmd_docalign_help[],
    cmd_corpus_help[], cmd_serve_help[];

struct jisr_lexicon_trainer;
/** Feed every unit of the memory dir to a lexicon trainer (cmd_lexicon.c; `align --tm` too).
 * Prints the error; returns CLI_OK or CLI_FAIL. *units = pairs taken. */
int cli_train_from_tm(struct jisr_lexicon_trainer *tr, const char *dir, uint64_t *units);

/** The message a fatal signal writes to stderr before the process dies (NULL: none); any
 * thread may set it (main.c; the import says what it has committed). */
void cli_signal_message(const char *msg);
/* What the handler says instead when the signal came while a write transaction was being
 * committed, which then ended (the library finishes it first: jisr_tm_commits_stop): for a
 * command whose message says nothing was committed (delete). NULL: none. Set from the main
 * thread only. */
void cli_signal_commit_message(const char *msg);

/** Before a plain-text writer (TSV, Moses) drops u's inline tags: each tag that stands for text
 * written as that text (a <ph> holding a format code as its code); *lost = 1 (tags with no
 * text) | 2 (props or notes). tmp is scratch (cmd_convert.c; export too). */
int cli_unit_plain_codes(jisr_unit *u, jisr_buf *tmp, int *lost);
/** The warning for the units cli_unit_plain_codes counted, once per output (fmt: "TSV"). */
void cli_warn_plain_lost(const char *out, const char *fmt, unsigned long tags, unsigned long meta);

/** The unit filters of query, export and delete: --prop TYPE=VALUE (repeatable: values of one
 * type are alternatives, different types must all match), --changed-since DATE and (export,
 * delete) --changed-before DATE, read into f (cli_filter_init first) by cli_filter_option and
 * tested by the library's jisr_tm_unit_filter (query hands props and since to its options). */
#define CLI_MAX_PROPS 64
typedef struct cli_filter {
    jisr_tm_prop_filter props[CLI_MAX_PROPS];
    const char *since, *before; /* as given, NULL: not given */
    jisr_tm_unit_filter f;      /* props, nprops, since, before parsed */
} cli_filter;
void cli_filter_init(cli_filter *f);
/** One filter option of cmd: c 'P' (--prop; arg is changed: its '=' ends TYPE), 'C'
 * (--changed-since) or 'B' (--changed-before). CLI_OK, or CLI_USAGE with the message naming
 * the option. */
int cli_filter_option(const char *cmd, cli_filter *f, int c, char *arg);
/** 1 when a filter was given. */
int cli_filter_any(const cli_filter *f);

extern const cli_command cli_commands[];
extern const size_t cli_ncommands;

#endif
