/* cmd_query.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_query_help[] = "Usage: jisr query ...\n\nNot implemented yet.\n";

int cmd_query(int argc, char **argv)
{
    return cli_fail("'query' is not implemented yet");
}
