/* cmd_stats.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_stats_help[] = "Usage: jisr stats ...\n\nNot implemented yet.\n";

int cmd_stats(int argc, char **argv)
{
    return cli_fail("'stats' is not implemented yet");
}
