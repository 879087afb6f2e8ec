/* dh_sweep.h: the case list of a sweep (public): the `sweep:` section of a case (dh_case.h,
 * dh_sweep_spec) expanded by its design into numbered cases, each a set of --set overrides.
 *
 * Deterministic: the same case file, --set options and sweep section give the same list in the
 * same order on every rank and every machine (the Latin hypercube draws from its own seeded
 * generator, splitmix64), and the same `hash`, which identifies the sweep in its results file
 * (resume and merge refuse a file of another sweep).
 *
 * Implemented in network/sweep_design.c. Called by postproc/sweep_out.c (the results file) and
 * cli/cmd_sweep.c. */
#ifndef DH_SWEEP_H
#define DH_SWEEP_H

#include <stddef.h>

#include "dh_case.h"
#include "dh_status.h"
#include "dh_units.h"

typedef struct dh_sweep_cases {
    size_t n_cases, n_params;
    char **path;     /* [n_params] dotted --set paths */
    char **text;     /* [n_cases * n_params] value texts; NULL: the case file's own value
                        (the base case of design one_at_a_time) */
    double *si;      /* [n_cases * n_params] the value in SI (Pa abs, K, kg/s, W, m, ... as
                        dh_units reads it, with the case's atmospheric pressure); NaN when the
                        text is not a number with a unit (a word, a DN, the base value) */
    char **override; /* [n_cases * n_params] "path=text" or NULL, for dh_case_read */
    char hash[65];   /* hex SHA-256 of the case file's sha256, the --set options, the case
                        list, the collected figures and per_case_results */
} dh_sweep_cases;

/* Expands c->sweep (which must be non-NULL). `sets` are the command line's --set options
 * (hashed with the list). `units` may be NULL (loaded for this call). Errors (DH_ERR_INPUT):
 * a grid of more than 10^8 cases, a value that is not accepted as a number with a unit where
 * a range needs one. */
dh_status dh_sweep_cases_create(const dh_case *c, const char *const *sets, size_t n_sets,
                                const dh_units *units, dh_sweep_cases **out, dh_error *err);
void dh_sweep_cases_destroy(dh_sweep_cases **sc);

/* The overrides of case k: fills ov[0..n) with the non-NULL "path=text" strings of the case
 * (borrowed) after the n_sets `sets` (the command line's); returns n. `ov` holds at least
 * n_sets + n_params entries. */
size_t dh_sweep_case_overrides(const dh_sweep_cases *sc, size_t k, const char *const *sets,
                               size_t n_sets, const char **ov);

/* Slice `slice` (1-based) of `n_slices`: case k belongs to slice (k mod n_slices) + 1
 * (round robin, so neighbouring grid cases of similar cost spread over the slices). */
static inline int dh_sweep_in_slice(size_t k, size_t slice, size_t n_slices)
{
    return n_slices <= 1 || k % n_slices == slice - 1;
}

#endif
