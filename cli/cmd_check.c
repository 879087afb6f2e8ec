/* cmd_check.c: `dhsim check` (placeholder until its module lands). */
#include <stdio.h>

#include "dh_cli.h"

int dh_cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dhsim: error: 'check' is not available in this build yet\n");
    return DH_EXIT_USAGE;
}
