/*
 * main.c — the `jisr` program: dispatch to subcommands, global --help/--version, and the
 * shared helpers of cli.h. Each command lives in cmd_<verb>.c and uses only public headers.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "corpus/corpus.h"

const cli_command cli_commands[] = {
    {"segment", cmd_segment, "split Arabic/English text into sentences", cmd_segment_help},
    {"align", cmd_align, "align a document with its translation sentence by sentence",
     cmd_align_help},
    {"align-eval", cmd_align_eval, "score an alignment against a gold alignment",
     cmd_align_eval_help},
    {"convert", cmd_convert, "convert between TMX, TSV, Moses and JSONL", cmd_convert_help},
    {"import", cmd_import, "import TMX/TSV/JSONL/aligner output into a memory", cmd_import_help},
    {"query", cmd_query, "fuzzy-match sentences against a memory", cmd_query_help},
    {"concord", cmd_concord, "concordance search: units containing a phrase", cmd_concord_help},
    {"export", cmd_export, "export a memory as TMX 1.4b (or another format)", cmd_export_help},
    {"stats", cmd_stats, "units, languages and size of a memory", cmd_stats_help},
    {"delete", cmd_delete, "delete units from a memory by id", cmd_delete_help},
    {"reindex", cmd_reindex, "rebuild a memory's index (after an ICU upgrade)", cmd_reindex_help},
    {"serve", cmd_serve, "serve memories over HTTP (tmserver protocol, JSON API, search page)",
     cmd_serve_help},
    {"lexicon", cmd_lexicon, "train a translation table for the aligner, or look words up",
     cmd_lexicon_help},
    {"docalign", cmd_docalign, "find which documents translate each other", cmd_docalign_help},
    {"corpus", cmd_corpus, "folders of documents in, a filtered parallel corpus out",
     cmd_corpus_help},
};
const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

static void print_usage(FILE *f)
{
    fprintf(f, "Usage: jisr COMMAND [OPTIONS] [ARGS]\n\n"
               "jisr — Arabic/English segmentation, bilingual alignment and translation memory.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < cli_ncommands; i++)
        fprintf(f, "  %-11s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(f, "\nOptions:\n"
               "  -h, --help     show this help (jisr help COMMAND for one command)\n"
               "  -V, --version  show the version\n\n"
               "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < cli_ncommands; i++)
        if (strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    return NULL;
}

int cli_help(const char *cmd)
{
    const cli_command *c = find_command(cmd);
    if (!c)
        return cli_usage_error(NULL, "unknown command '%s'", cmd);
    fputs(c->help, stdout);
    return CLI_OK;
}

int cli_error(int rc)
{
    char msg[2048];
    const jisr_error *e = jisr_error_last();
    if (e->code == 0 && e->msg[0] == '\0')
        fprintf(stderr, "jisr: %s\n", jisr_strerror(rc));
    else {
        jisr_error_format(msg, sizeof msg);
        fprintf(stderr, "jisr: %s\n", msg);
    }
    return CLI_FAIL;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("jisr: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_FAIL;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    fputs("jisr: warning: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* The word of argv that getopt read the unknown short option o from, when it names a file (a
 * file whose name starts with '-', given before '--'): getopt has moved past it when o was its
 * last character, not otherwise. NULL when there is none. */
static const char *dash_file(int o, char *const *argv)
{
    struct stat st;
    for (int k = optind > 1 ? optind - 1 : 1; k <= optind; k++) {
        const char *w = argv[k];
        if (!w) /* argv ends with NULL: nothing beyond */
            break;
        if (w[0] == '-' && w[1] && w[1] != '-' && strchr(w + 1, o) && stat(w, &st) == 0)
            return w;
    }
    return NULL;
}

int cli_option_error(const char *cmd, int c, char *const *argv)
{
    if (c == ':')
        return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
    /* optopt: the short option (a long one is named by its argument) */
    if (optopt && !(strncmp(argv[optind - 1], "--", 2) == 0 && strchr(argv[optind - 1], '='))) {
        const char *f = dash_file(optopt, argv);
        if (f)
            return cli_usage_error(cmd,
                                   "unknown option '-%c' (in '%s': a file whose name starts "
                                   "with '-' goes after '--', or as './%s')",
                                   optopt, f, f);
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    }
    return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "jisr%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (cmd)
        fprintf(stderr, "Try 'jisr help %s'.\n", cmd);
    else
        fprintf(stderr, "Try 'jisr --help'.\n");
    return CLI_USAGE;
}

void cli_progress_init(cli_progress *p)
{
    p->enabled = isatty(STDERR_FILENO) && !getenv("JISR_NO_PROGRESS");
    p->start = p->last = jisr_now();
}

void cli_progress_update(cli_progress *p, const char *fmt, ...)
{
    if (!p->enabled)
        return;
    double now = jisr_now();
    if (now - p->last < 0.1)
        return;
    p->last = now;
    va_list ap;
    fputs("\r\033[K", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}

void cli_progress_force(cli_progress *p)
{
    p->last = -1e9;
}

void cli_progress_done(cli_progress *p)
{
    if (p->enabled)
        fputs("\r\033[K", stderr);
}

char *cli_default_tm(void)
{
    const char *env = getenv("JISR_TM");
    if (env && *env)
        return jisr_strdup(env);
    jisr_buf b = {0};
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        jisr_buf_printf(&b, "%s/jisr/tm", xdg);
    else if (home && *home)
        jisr_buf_printf(&b, "%s/.local/share/jisr/tm", home);
    else
        return NULL;
    return b.data;
}

static void on_tm_warning(void *ctx, const char *msg)
{
    (void)ctx;
    cli_warn("%s", msg);
}

int cli_open_tm(const char *dir, unsigned flags, jisr_tm **out)
{
    char *d = dir ? jisr_strdup(dir) : cli_default_tm();
    if (!d)
        return cli_fail("no memory directory: use --tm DIR or set JISR_TM or HOME");
    /* a file where the memory should be: said as such, not as a memory to import first */
    struct stat sb;
    if (stat(d, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        int st = cli_fail("%s: not a directory (a memory is a directory: --tm DIR)", d);
        free(d);
        return st;
    }
    jisr_tm_open_opts o = JISR_TM_OPEN_OPTS_INIT;
    o.flags = flags;
    o.on_warning = on_tm_warning;
    const char *ns = getenv("JISR_TM_NOSYNC");
    if ((flags & JISR_TM_WRITE) && ns && *ns && *ns != '0')
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

int cli_number(const char *s, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_tm_penalty_typo(const char *arg)
{
    const char *colon = strrchr(arg, ':');
    if (!colon || !colon[1] || !colon[1 + strspn(colon + 1, "0123456789")])
        return 0; /* none, or digits: a penalty */
    const char *p = colon + 1, *q = p + (*p == '-' || *p == '+');
    int typo = *q && strlen(p) <= 16;
    for (const char *c = q; typo && *c; c++)
        typo = isalnum((unsigned char)*c) || *c == '.' || *c == ',';
    struct stat sb;
    return typo && stat(arg, &sb) != 0;
}

static const jisr_strlist *volatile signal_dirs;

void cli_remove_dirs_on_signal(const jisr_strlist *dirs)
{
    signal_dirs = dirs;
}

/* What a fatal signal says before the process dies (an import: what it committed). Set from
 * any thread (the import's writer, after each commit) and written by the handler with write(2),
 * which is async-signal-safe: two buffers, the idle one filled and then published by one store,
 * so the handler never sees one half-written. */
static char signal_msg[2][4096];
static volatile sig_atomic_t signal_msg_cur = -1;

void cli_signal_message(const char *msg)
{
    if (!msg) {
        signal_msg_cur = -1;
        return;
    }
    int idle = signal_msg_cur == 0 ? 1 : 0;
    size_t n = strlen(msg);
    int cut = n >= sizeof signal_msg[0];
    if (cut)
        n = sizeof signal_msg[0] - 1;
    memcpy(signal_msg[idle], msg, n);
    if (cut && n) /* a cut message still ends its line */
        signal_msg[idle][n - 1] = '\n';
    signal_msg[idle][n] = '\0';
    signal_msg_cur = idle;
}

/* Ctrl-C, kill, a closed terminal: delete the temporary files of outputs being written (the
 * library lists them; unlinkat is async-signal-safe) and the directories made for them (rmdir
 * is too), say what an import committed, then die of the same signal with the default action
 * (SA_RESETHAND restored it). */
static char signal_commit_msg[512];
static volatile sig_atomic_t signal_commit_set;

void cli_signal_commit_message(const char *msg)
{
    signal_commit_set = 0;
    if (!msg)
        return;
    size_t n = strlen(msg);
    if (n >= sizeof signal_commit_msg)
        n = sizeof signal_commit_msg - 1;
    memcpy(signal_commit_msg, msg, n);
    signal_commit_msg[n] = '\0';
    signal_commit_set = 1;
}

static void say(const char *m)
{
    size_t n = 0;
    while (m[n])
        n++;
    ssize_t w = write(STDERR_FILENO, m, n);
    (void)w;
}

static void die_of(int sig)
{
    int cur = signal_msg_cur;
    if (cur >= 0)
        say(signal_msg[cur]);
    jisr_outfile_remove_temporaries();
    const jisr_strlist *d = signal_dirs;
    for (size_t i = d ? d->n : 0; i-- > 0;)
        rmdir(d->v[i]);
    raise(sig);
}

/* The same once the commit the signal came during has ended: what a command says of that commit
 * (cli_signal_commit_message) instead of its message, when it has set one. */
static void die_after_commit(int sig)
{
    if (signal_commit_set) {
        say(signal_commit_msg);
        signal_msg_cur = -1;
    }
    die_of(sig);
}

/* The handler. A write transaction being committed (an import's batch) ends first, with its
 * report (the message says it): the library's commit fence then calls die_of on the committing
 * thread, and this handler returns at once (it may be running on that thread, or on one holding
 * a lock the commit needs: waiting here could hang). Before the fence (session 36) the message
 * could name one batch fewer than the memory held: the batch committed but not yet reported. No
 * commit begins after the call. */
static void on_fatal_signal(int sig)
{
    if (jisr_tm_commits_stop(sig, die_after_commit))
        die_of(sig);
}

static void install_signal_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    /* SA_RESTART: the handler returns when a commit is in progress (on_fatal_signal), and the
     * system calls it interrupted meanwhile go on rather than fail with EINTR */
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* a signal ignored by whoever started us (nohup, a shell's background job) stays so */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

int main(int argc, char **argv)
{
    install_signal_handlers();
    /* over a file size limit (ulimit -f) a write fails with EFBIG, which the normal error path
     * reports naming the file (and removes the temporary output), instead of killing us */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        print_usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        print_usage(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("jisr %s\n", JISR_VERSION);
        return CLI_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            print_usage(stdout);
            return CLI_OK;
        }
        return cli_help(argv[2]);
    }
    const cli_command *c = find_command(cmd);
    if (!c) {
        if (cmd[0] == '-')
            return cli_usage_error(NULL, "unknown option '%s'", cmd);
        return cli_usage_error(NULL, "unknown command '%s'", cmd);
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return cli_help(cmd);
    }
    int rc = c->run(argc - 1, argv + 1);
    /* what a command printed on standard output (query's answers, concord's hits, delete -v's
     * ids …) must have reached it: a full disk or /dev/full made a lost answer a success */
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        if (rc == CLI_OK)
            rc = cli_fail("writing to standard output: %s", strerror(e ? e : EIO));
    }
    return rc;
}
