/* cmd_import.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_import_help[] = "Usage: jisr import ...\n\nNot implemented yet.\n";

int cmd_import(int argc, char **argv)
{
    return cli_fail("'import' is not implemented yet");
}
