/* placeholder replaced below */
#include "cli/cli.h"
const char cmd_corpus_help[] = "Usage: jisr corpus\n";
int cmd_corpus(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return CLI_FAIL;
}
