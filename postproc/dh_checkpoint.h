/* dh_checkpoint.h: transient checkpoint files (write atomically, read back).
 *
 * A checkpoint file is a small HDF5 file holding a dh_transient_checkpoint (solver/
 * dh_transient.h) and the fingerprint of the case that wrote it; the layout is
 * docs/transient.md "Checkpoint file". Writing goes to "<path>.tmp-<pid>", is fsync'ed and
 * renamed over <path> (rename(2) is atomic within a file system), so a run killed at any moment
 * leaves either the previous checkpoint or the new one, never a torn file.
 *
 * Exports dh_checkpoint_write, dh_checkpoint_read, dh_checkpoint_meta_free.
 * Callers: cli/run_transient.c (`dhsim run CASE --restart FILE`), tests/transient.
 */
#ifndef DH_CHECKPOINT_H
#define DH_CHECKPOINT_H

#include "dh_status.h"
#include "dh_transient.h"

typedef struct dh_checkpoint_meta {
    const char *program_version; /* write: borrowed; read: malloc'ed (dh_checkpoint_meta_free) */
    const char *case_path;
    const char *case_sha256;     /* hex SHA-256 of the case file's bytes */
    const char *fingerprint;     /* hex digest of the run's inputs after --set overrides */
} dh_checkpoint_meta;

/* Writes cp and meta to path atomically. DH_ERR_IO names the file and the failing step. */
dh_status dh_checkpoint_write(const char *path, const dh_transient_checkpoint *cp,
                              const dh_checkpoint_meta *meta, dh_error *err);
/* Reads a checkpoint file: cp's arrays and meta's strings are malloc'ed (free with
 * dh_transient_checkpoint_free and dh_checkpoint_meta_free). DH_ERR_IO (cannot open, not a
 * dhsim checkpoint, a dataset missing or of the wrong size). On failure cp and meta are empty. */
dh_status dh_checkpoint_read(const char *path, dh_transient_checkpoint *cp,
                             dh_checkpoint_meta *meta, dh_error *err);
void dh_checkpoint_meta_free(dh_checkpoint_meta *meta);

#endif
