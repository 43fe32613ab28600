/* cmd_segment.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_segment_help[] = "Usage: jisr segment ...\n\nNot implemented yet.\n";

int cmd_segment(int argc, char **argv)
{
    return cli_fail("'segment' is not implemented yet");
}
