/* linsol_reduced.h: the reduced-system SUNLinearSolver of water networks (linsol_reduced.c):
 * edge flows eliminated (Schur complement on the node pressures), node enthalpies solved after
 * them. Private to the steady solver; the only other file that sees it is steady_kinsol.c. */
#ifndef DH_LINSOL_REDUCED_H
#define DH_LINSOL_REDUCED_H

#include <stdbool.h>

#include <sundials/sundials_linearsolver.h>

#include "steady_internal.h"

/* The network's Jacobian fits the solver (water nodes; pipes, water heat consumers, water
 * draws; diagonal edge block). Needs the pattern (st_pattern_build). */
bool st_linsol_reduced_applicable(const dh_steady *s);
/* Creates it for s's pattern (borrowed). NULL when out of memory. Freed by SUNLinSolFree. */
SUNLinearSolver st_linsol_reduced(const dh_steady *s, SUNContext ctx);
/* Drops the numeric factorisations: the next setup factorises afresh (new pivots). */
void st_linsol_reduced_reset(SUNLinearSolver LS);

#endif
