/* cmd_concord.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_concord_help[] = "Usage: jisr concord ...\n\nNot implemented yet.\n";

int cmd_concord(int argc, char **argv)
{
    return cli_fail("'concord' is not implemented yet");
}
