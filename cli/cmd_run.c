/* cmd_run.c: `dhsim run` (placeholder until its module lands). */
#include <stdio.h>

#include "dh_cli.h"

int dh_cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dhsim: error: 'run' is not available in this build yet\n");
    return DH_EXIT_USAGE;
}
