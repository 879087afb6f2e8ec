/* main.c: the `dhsim` command. Dispatches to one subcommand; does nothing else. */
#include <stdio.h>
#include <string.h>

#include "dh_cli.h"

#ifndef DHSIM_VERSION
#define DHSIM_VERSION "0.1.0"
#endif

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"run", dh_cmd_run, "run CASE.yaml [-o OUT.h5] [--set KEY=VALUE]... [--restart CKPT]\n"
            "                                                  run the case's study"},
    {"check", dh_cmd_check, "check CASE.yaml [--set KEY=VALUE]...            validate a case"},
    {"report", dh_cmd_report, "report OUT.h5 [--csv GROUP.NAME]... [--plots]    summary, CSV, plots of a result"},
    {"props", dh_cmd_props, "props --p P (--T T | --h H | --x X)              water/steam properties as JSON"},
    {"sweep", dh_cmd_sweep, "sweep CASE.yaml -o OUT.h5 [--slice K/N]           run the case's sweep (MPI, resumable)"},
    {"import", dh_cmd_import, "import epanet NET.inp [-o CASE.yaml]             convert an EPANET network"},
    {"retire", dh_cmd_retire, "retire CASE.yaml [-o OUT.h5] [--csv FILE]         small-boiler retirement study"},
};

static void usage(FILE *out)
{
    fprintf(out, "dhsim %s: hydraulic-thermal simulation of district heating networks\n\n"
                 "usage: dhsim COMMAND [ARGS]\n\ncommands:\n", DHSIM_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  dhsim %s\n", commands[i].usage);
    fprintf(out, "\n  dhsim --version | --help\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return DH_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return DH_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("dhsim %s\n", DHSIM_VERSION);
        return DH_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "dhsim: error: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return DH_EXIT_USAGE;
}
