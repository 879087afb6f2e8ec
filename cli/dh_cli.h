/* dh_cli.h: the subcommands of `dhsim`, one file each (cmd_<name>.c).
 * Each takes argc/argv starting at the subcommand name and returns the exit status:
 * 0 success; 1 the study ran but failed (diagnosis printed); 2 bad input or usage. */
#ifndef DH_CLI_H
#define DH_CLI_H

#include <stdbool.h>

enum { DH_EXIT_OK = 0, DH_EXIT_FAILED = 1, DH_EXIT_USAGE = 2 };

int dh_cmd_props(int argc, char **argv);
int dh_cmd_check(int argc, char **argv);
int dh_cmd_run(int argc, char **argv);
int dh_cmd_report(int argc, char **argv);
int dh_cmd_import(int argc, char **argv);
int dh_cmd_sweep(int argc, char **argv);
int dh_cmd_retire(int argc, char **argv);

/* run_series.c: `dhsim run` of a series study (called by dh_cmd_run); exit status. */
struct dh_case;
int dh_run_series(struct dh_case *c, const char *out_path, bool verbose);
/* run_transient.c: `dhsim run` of a transient study (called by dh_cmd_run); exit status. */
int dh_run_transient(struct dh_case *c, const char *out_path, bool verbose);
/* The same with the checkpoint options of `dhsim run`: restart_path (--restart FILE: continue
 * from that checkpoint) and checkpoint_path (--checkpoint FILE: where the checkpoints of
 * study.checkpoint go; default OUT.ckpt); either may be NULL. */
int dh_run_transient_ckpt(struct dh_case *c, const char *out_path, bool verbose,
                          const char *restart_path, const char *checkpoint_path);

#endif
