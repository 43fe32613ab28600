/* cmd_align_eval.c — placeholder until the command lands (owned by the layer that implements it). */
#include "cli/cli.h"

const char cmd_align_eval_help[] = "Usage: jisr align-eval ...\n\nNot implemented yet.\n";

int cmd_align_eval(int argc, char **argv)
{
    return cli_fail("'align-eval' is not implemented yet");
}
