/* cmd_delete.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_delete_help[] = "Usage: jisr delete ...\n\nNot implemented yet.\n";

int cmd_delete(int argc, char **argv)
{
    return cli_fail("'delete' is not implemented yet");
}
