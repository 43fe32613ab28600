/*
 * filter_opts.c — the unit filter options that query, export and delete share (--prop,
 * --changed-since, --changed-before): read once, with the same messages, into the library's
 * jisr_tm_unit_filter.
 */
#include <stdint.h>
#include <string.h>

#include "cli/cli.h"

void cli_filter_init(cli_filter *f)
{
    jisr_tm_unit_filter init = JISR_TM_UNIT_FILTER_INIT;
    memset(f, 0, sizeof *f);
    f->f = init;
    f->f.props = f->props;
}

int cli_filter_option(const char *cmd, cli_filter *f, int c, char *arg)
{
    if (c == 'P') {
        char *eq = strchr(arg, '=');
        if (!eq || eq == arg)
            return cli_usage_error(cmd, "--prop needs TYPE=VALUE");
        if (f->f.nprops == CLI_MAX_PROPS)
            return cli_usage_error(cmd, "at most %d --prop filters", CLI_MAX_PROPS);
        *eq = '\0';
        f->props[f->f.nprops].type = arg;
        f->props[f->f.nprops++].value = eq + 1;
        return CLI_OK;
    }
    const char *opt = c == 'C' ? "--changed-since" : "--changed-before";
    int64_t t;
    if (jisr_tm_since_parse(arg, &t) < 0)
        return cli_usage_error(cmd, "%s needs a date: YYYY-MM-DD or YYYYMMDDThhmmssZ, not '%s'",
                               opt, arg);
    if (c == 'C') {
        f->since = arg;
        f->f.since = t;
    } else {
        f->before = arg;
        f->f.before = t;
    }
    return CLI_OK;
}

int cli_filter_any(const cli_filter *f)
{
    return f->f.nprops || f->since || f->before;
}
