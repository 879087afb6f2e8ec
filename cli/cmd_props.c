/* cmd_props.c: `dhsim props` (placeholder until its module lands). */
#include <stdio.h>

#include "dh_cli.h"

int dh_cmd_props(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dhsim: error: 'props' is not available in this build yet\n");
    return DH_EXIT_USAGE;
}
