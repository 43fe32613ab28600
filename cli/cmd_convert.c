/* cmd_convert.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_convert_help[] = "Usage: jisr convert ...\n\nNot implemented yet.\n";

int cmd_convert(int argc, char **argv)
{
    return cli_fail("'convert' is not implemented yet");
}
