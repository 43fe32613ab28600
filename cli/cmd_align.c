/* cmd_align.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_align_help[] = "Usage: jisr align ...\n\nNot implemented yet.\n";

int cmd_align(int argc, char **argv)
{
    return cli_fail("'align' is not implemented yet");
}
