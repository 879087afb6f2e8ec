/* pipe_hazen.c: Hazen-Williams head loss of water pipes, as EPANET 2.2 computes it, with
 * analytic derivatives.
 *
 * Exports (dh_laws.h): dh_pipe_hyd_set_hazen_williams, dh_pipe_hazen_loss. Called by
 * pipe_friction.c (dh_pipe_hyd_from_network sets C; dh_pipe_pressure_loss dispatches here when
 * the study's friction is DH_FRICTION_HAZEN_WILLIAMS), by the steady layout (layout.c, per
 * segment) and by tests/laws/test_hazen.c. No I/O, no allocation.
 *
 * The law (EPANET 2.2 user manual, Rossman et al. 2020, Table 3.1 "Pipe head loss formulas for
 * full flow", Hazen-Williams; source src/hydcoeffs.c, resistcoeff and pipecoeff):
 *   h = R |Q|^1.852 sgn(Q),   R = 10.667 L / (C^1.852 d^4.871)       h, L, d in m, Q in m3/s
 * EPANET evaluates it in US units, R = 4.727 L / (C^1.852 d^4.871) (ft, cfs); converted
 * exactly that constant is 10.66683 in SI (DH_HW_K_SI), which is used here so that the heads
 * are EPANET's to its own rounding (the manual's 10.667 is 1.6e-5 higher).
 * In dhsim's pressure form, with Q = m / rho and g0 = 9.80665 m/s2 (the solver's gravity, so
 * that the head drop dp / (rho g0) is h exactly):
 *   dp = rho g0 h(m / rho) + K m|m| / (2 rho A^2)
 *   ddp/dm   = g0 h'(Q) + K |m| / (rho A^2)
 *   ddp/drho = g0 (h - Q h'(Q)) - K m|m| / (2 rho^2 A^2)       (= (1 - n) dp_f / rho on the
 *                                                                power branch)
 *   ddp/dmu  = 0
 * Zero flow. pipecoeff (EPANET 2.2) takes hgrad = n R q^(n-1) and, when hgrad < RQtol (default
 * RQTOL = 1e-7 ft/cfs, src/input1.c), replaces the law by the line h = (RQtol/n) q: without it
 * the gradient vanishes at q = 0 and the Newton (gradient) matrix is singular for a still pipe.
 * Here the
 * switch is at the same flow, q_l = (RQtol / (n R))^(1/(n-1)), where the gradient equals RQtol,
 * but below it h is the odd cubic a Q + b Q^3 matching the value and the slope of R Q^n at q_l,
 * so that dp is C1 (EPANET's line has the value but not the slope, RQtol/n against RQtol):
 *   a = (3 - n)/2 R q_l^(n-1) = (3 - n)/(2n) RQtol,   b = (n - 1)/2 R q_l^(n-3).
 * The head difference to EPANET's line below q_l is below RQtol q_l; q_l runs from 1e-16 m3/s
 * (5 km of 50 mm) to 2e-4 m3/s (5 m of 1.5 m bore): below 1e-10 m. The slope at zero flow,
 * 3.3e-7 s/m2 in head (3.3e-6 Pa s/kg in pressure), is EPANET's order of magnitude: as in
 * EPANET, a still pipe is nearly a short circuit in the linear system; Newton converges (25
 * iterations on EPANET's Net3 without demands, against 12 for its Darcy-Weisbach version).
 */
#include <math.h>
#include <stddef.h>

#include "dh_laws.h"

#define HW_G0 9.80665 /* m/s2, standard gravity: DH_G of the solver (steady_internal.h) */

dh_status dh_pipe_hyd_set_hazen_williams(dh_pipe_hyd *g, double c, dh_error *err)
{
    g->hw_c = g->hw_r = g->hw_q_lin = 0.0; /* also the state after a failure: no C */
    if (c == 0.0) return DH_OK;
    if (!(isfinite(c) && c >= 1.0 && c <= 200.0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "Hazen-Williams C %g must lie between 1 and 200", c);
    const double n = DH_HW_EXPONENT;
    g->hw_c = c;
    g->hw_r = DH_HW_K_SI * g->length / (pow(c, n) * pow(g->diameter, DH_HW_D_EXPONENT));
    /* n R q^(n-1) = RQtol */
    g->hw_q_lin = pow(DH_HW_RQTOL / (n * g->hw_r), 1.0 / (n - 1.0));
    return DH_OK;
}

void dh_pipe_hazen_loss(double m, double rho, const dh_pipe_hyd *g, double *dp, double *ddp_dm,
                        double *ddp_drho, double *ddp_dmu)
{
    const double n = DH_HW_EXPONENT;
    const double inv_rho = 1.0 / rho;
    const double q = m * inv_rho; /* m3/s */
    const double aq = fabs(q);
    const double r = g->hw_r;
    double h, dh_dq, h_minus_qdh; /* m, s/m2, m */
    if (aq >= g->hw_q_lin) {
        /* h = R |Q|^n sgn Q, h' = n R |Q|^(n-1), h - Q h' = (1 - n) h */
        const double t = r * pow(aq, n - 1.0);
        h = t * q;
        dh_dq = n * t;
        h_minus_qdh = (1.0 - n) * h;
    } else {
        /* h = a Q + b Q^3 (C1 join at q_l), h' = a + 3 b Q^2, h - Q h' = -2 b Q^3 */
        const double ql = g->hw_q_lin;
        const double a = 0.5 * (3.0 - n) * DH_HW_RQTOL / n;
        const double b = 0.5 * (n - 1.0) * DH_HW_RQTOL / (n * ql * ql);
        const double q2 = q * q;
        h = q * (a + b * q2);
        dh_dq = a + 3.0 * b * q2;
        h_minus_qdh = -2.0 * b * q2 * q;
    }
    /* fittings: K m|m| / (2 rho A^2) = K kin_coef m|m| / rho */
    const double kk = g->local_loss * g->kin_coef * inv_rho;
    const double am = fabs(m);
    const double pk = kk * m * am;
    *dp = rho * HW_G0 * h + pk;
    if (ddp_dm) *ddp_dm = HW_G0 * dh_dq + 2.0 * kk * am;
    if (ddp_drho) *ddp_drho = HW_G0 * h_minus_qdh - pk * inv_rho;
    if (ddp_dmu) *ddp_dmu = 0.0;
}
