/* cmd_export.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_export_help[] = "Usage: jisr export ...\n\nNot implemented yet.\n";

int cmd_export(int argc, char **argv)
{
    return cli_fail("'export' is not implemented yet");
}
