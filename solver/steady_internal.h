/* steady_internal.h: private data of the steady solver, shared by layout.c (unknowns, internal
 * graph, initial guess), assemble.c (residual + Jacobian stamps, pattern), balance.c (results,
 * mass/energy closure) and steady_kinsol.c (the SUNDIALS adapter). Not installed.
 *
 * The solver works on an internal graph: its nodes are the network's nodes followed by the
 * interior points of segmented steam pipes; its edges are pipe segments, valves, pumps, water
 * heat consumers (supply -> return) and substation water sides (water_in -> water_out).
 * Unknown / equation indexing (docs/model.md, "Unknowns"):
 *   [0, nn)            p_k   node pressure, Pa abs     row: node mass balance (kg/s)
 *   [nn, 2nn)          h_k   node enthalpy, J/kg       row: node mixing (J/kg)
 *   [2nn, 2nn+ne)      m_e   edge mass flow, kg/s      row: edge law (Pa, or kg/s)
 *   [2nn+ne, n)        m_s   fixed-pressure source flow, kg/s   row: p_k - p_set (Pa)
 */
#ifndef DH_STEADY_INTERNAL_H
#define DH_STEADY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dh_case.h"
#include "dh_laws.h"
#include "dh_network.h"
#include "dh_props.h"
#include "dh_solver.h"

#define DH_G 9.80665 /* m/s2, standard gravity */

typedef enum st_edge_kind {
    ST_PIPE = 0,       /* a water pipe or one segment of a steam pipe */
    ST_VALVE = 1,
    ST_PUMP = 2,
    ST_CONSUMER = 3,   /* water heat consumer: node -> return_node */
    ST_SUBSTATION = 4, /* substation water side: water_in -> water_out */
} st_edge_kind;

typedef enum st_valve_law {
    ST_VLAW_OPEN = 0,   /* throttle: dp = k m|m| / rho */
    ST_VLAW_CHECK = 1,  /* throttle forward, blocked backward */
    ST_VLAW_PRV = 2,    /* pressure reducing (with check) */
    ST_VLAW_CLOSED = 3, /* opening 0 (or stopped pump without curve): m = 0 */
} st_valve_law;

typedef struct st_edge {
    st_edge_kind kind;
    size_t owner;     /* link row (pipe, valve, pump), consumer row or substation row */
    size_t comp;      /* row in the pipe / valve / pump table */
    size_t a, b;      /* internal nodes; positive flow a -> b */
    unsigned segment; /* 0-based segment of a steam pipe */
    double dz;        /* m, z_b - z_a */
    /* pipe */
    dh_pipe_hyd hyd;
    double ua;        /* W/K, u_self * segment length (0: adiabatic) */
    double pair_ratio;/* u_pair / u_self (buried pair), else 0 */
    size_t pc, pd;    /* nodes whose mean temperature is the paired pipe's, or DH_NONE */
    double t_amb;     /* K */
    /* valve / pump */
    st_valve_law vlaw;
    double k;         /* valve: dp = k m|m| / rho (k in 1/m4); pump-off: same */
    double setpoint;  /* Pa abs (PRV) */
    double pump_a, pump_b; /* pump: H = pump_a s^2 - pump_b s^(2-c) Q|Q|^(c-1) (m, m^(1-3c) s^c) */
    double pump_c;         /* pump curve exponent c (2 unless a 3-point power curve) */
    double speed;
} st_edge;

/* A draw of mass at a node (outflow; kg/s): steam consumer, heat consumer on steam, the steam
 * side of a substation, or a water consumer (a volume or mass demand, no return). */
typedef enum st_draw_kind {
    ST_DRAW_STEAM = 0,
    ST_DRAW_STEAM_HEAT = 1,
    ST_DRAW_SUBSTATION = 2,
    ST_DRAW_WATER = 3,
} st_draw_kind;

typedef struct st_draw {
    st_draw_kind kind;
    size_t owner; /* consumer or substation row */
    size_t node;  /* internal node drawn from */
    size_t edge;  /* substation: its water edge */
} st_draw;

/* Per-node cached properties (one dh_props_ph_fast per node per evaluation). */
typedef struct st_nodeprop {
    double T, rho, x, dT_dp, dT_dh, drho_dp, drho_dh;
} st_nodeprop;

/* Property memo of one node or pipe segment (assemble.c; docs/model.md "Property reuse"): the
 * (p, h) inputs of its last property evaluation, bitwise, and the outputs. A later evaluation at
 * bitwise-equal inputs (KINSOL's Jacobian at the point of the last residual, the start of a
 * Newton attempt, results) reuses them: no approximation. ok = false: no valid entry (never
 * evaluated, or the state was outside the property range). */
typedef struct st_phmemo {
    uint64_t kp, kh;  /* bit patterns of p (Pa) and h (J/kg) */
    bool ok;
    dh_ph_state st;
    double mu, mu_p, mu_h; /* pipes: mean viscosity and its derivatives (mean_viscosity) */
    uint64_t km;           /* pipes: bit pattern of the flow of the friction below (with ok) */
    bool fok;
    double dp, dpm, dpr, dpmu; /* dh_pipe_pressure_loss at (km, rho, mu) */
} st_phmemo;

/* Ambient-enthalpy memo of one pipe end: key (p_end, T_lim) bitwise, h(p, T), dh/dT, dh/dp. */
typedef struct st_ambmemo {
    uint64_t kp, kt;
    bool ok;
    double h, cp, hp;
} st_ambmemo;

/* Per-edge work of one evaluation: arrival enthalpies and their derivatives with respect to
 * (m, p_a, h_a, p_b, h_b, p_c, h_c, p_d, h_d) (c, d: pair nodes). */
#define ST_NDEP 9
typedef struct st_edgework {
    double h_fwd, d_fwd[ST_NDEP]; /* enthalpy arriving at b when flowing a -> b */
    double h_rev, d_rev[ST_NDEP]; /* enthalpy arriving at a when flowing b -> a */
    double rho, mu;               /* mean state (pipes, valves, pumps) */
} st_edgework;

struct dh_steady {
    const dh_network *net;
    dh_study study;
    dh_steady_options opt;

    /* internal graph */
    size_t nn, ne, ns;     /* internal nodes, edges, fixed-pressure sources (unknown flows) */
    size_t n;              /* unknowns */
    size_t *int_pipe;      /* interior node k >= net nodes: pipe row it lies in */
    unsigned *int_seg;     /* interior node: its index along the pipe (1..S-1) */
    double *z;             /* m, node elevation */
    st_edge *edge;
    size_t *link_edge0;    /* link l: its first internal edge; link_nseg[l] edges follow */
    unsigned *link_nseg;
    size_t *cons_edge;     /* consumer c: its edge, or DH_NONE */
    size_t *sub_edge;      /* substation: its water edge */
    size_t *inc_start, *inc_edge; /* internal CSR incidence (edges only) */
    int8_t *inc_sign;      /* +1: edge leaves the node (node == a) */
    st_draw *draw; size_t ndraw;
    size_t *draw_start, *draw_list; /* CSR: draws per node */
    size_t *src_unknown;   /* source j: its unknown index (fixed pressure) or DH_NONE */
    size_t *src_start, *src_list;   /* CSR: sources per node */
    double *src_h;         /* J/kg, fixed-pressure source enthalpy at (p_set, T) */
    double h_ghost;        /* J/kg, enthalpy given to isolated nodes */
    bool *isolated;        /* node without any edge or source */
    size_t *plant_src;     /* node: the fixed-pressure source that heats the flow through it
                              (a water plant header at a pump's discharge), or DH_NONE */

    /* scales and smoothing (docs/model.md, "Smoothing") */
    double m_ref;   /* kg/s, design flow magnitude */
    double p_ref;   /* Pa, pressure magnitude */
    double dp_ref;  /* Pa, pressure-difference magnitude (floor of the momentum-row scales) */
    double *edge_wref; /* m3/kg, per pipe edge: 1 / rho_ref of its momentum weighting (assemble.c) */
    double *edge_fs; /* Pa, per edge: scale of its momentum row, |dR/dm| m_ref at the start of
                        the current Newton attempt (st_update_scales; docs/model.md "Scaling") */
    double h_ref;   /* J/kg */
    double eps_mix; /* kg/s, pos(m) = (m + sqrt(m^2 + eps^2)) / 2 */
    double m_lin;   /* kg/s, resistance smoothing |m| -> sqrt(m^2 + m_lin^2) */
    double k_block; /* Pa s/kg, reverse resistance of a closed check valve */
    double d_block; /* kg/s, its smoothing width */
    double dp_ramp_water; /* Pa, differential pressure for full delivery at water consumers */
    double dp_ramp_steam; /* Pa, pressure above the floor for full delivery of steam */
    double load;
    double loss_target; /* the loss scale of the solution (1; 0: adiabatic, tests/debugging) */
    double loss_scale; /* multiplies every pipe's heat loss (1; 0 in the adiabatic pre-solve) */
    /* study.water = incompressible (layout.c, docs/model.md "Incompressible water"): every
     * node's enthalpy row is h_k = h_fix, the water's state is (T_fix, rho_fix, mu_fix) */
    bool incompressible;
    double T_fix, h_fix, rho_fix, mu_fix; /* K, J/kg, kg/m3, Pa s at (p_atm, T_fix) */

    /* work (allocated once) */
    st_nodeprop *np;
    st_edgework *ew;
    double *u, *f, *u_guess, *u_last;
    double *u_base, *u_cont, *u_prev; /* adiabatic pre-solve state; last two converged
                                          continuation states */
    bool have_solution;
    bool guess_clamped;    /* the last initial guess's pressure walk hit its floor somewhere */

    /* property memos (assemble.c, allocated by st_pattern_build): per node, per edge (mean
     * state), per pipe end and per node (ambient enthalpy) */
    st_phmemo *node_memo, *edge_memo;
    st_ambmemo *amb_memo;  /* [0, 2 ne): pipe ends (2e: a, 2e+1: b); [2 ne, 2 ne + nn): nodes */

    /* pattern: stamps in evaluation order -> CSC slot */
    size_t nstamp, nnz;
    size_t *slot;
    size_t *diag_slot;     /* CSC slot of (i, i), or DH_NONE */
    size_t *colptr, *rowind;
    double *jx;            /* Jacobian values in CSC order */
    bool jx_valid;         /* jx belongs to u_last */
    bool f_valid;          /* f, np and ew hold the (good) evaluation at u_last (KINSOL's last
                              residual; steady_kinsol.c) */
    bool f_at_u;           /* f, np and ew hold the evaluation (no Jacobian) at u (attempt_n's
                              last; dh_steady_solve then does not evaluate again) */

    /* SUNDIALS (opaque here; steady_kinsol.c) */
    void *kin;
};

/* layout.c */
dh_status st_layout_build(dh_steady *s, dh_error *err);
void st_layout_free(dh_steady *s);
void st_initial_guess(dh_steady *s, double *u);
const char *st_describe_row(const dh_steady *s, size_t i, char *buf, size_t size,
                            const char **equation);

/* assemble.c: F and Jacobian values at u. pattern != 0: records the stamps instead (create). */
int st_eval(dh_steady *s, const double *u, double *f, bool want_jac);
dh_status st_pattern_build(dh_steady *s, dh_error *err);
void st_pattern_free(dh_steady *s);
/* Smooth helpers shared with balance.c. */
double st_pos(double m, double eps, double *dpos);
double st_demand_ramp(double t, double *dt);
/* Mass drawn by draw i (kg/s) with derivatives g[j] with respect to unknown cols[j] (DH_NONE:
 * unused). A water draw with a volume demand reads the node density from s->np: call it after
 * an st_eval at the same u. */
double st_draw_eval(const dh_steady *s, const double *u, size_t i, size_t cols[5], double g[5]);
/* Mass flow a water heat consumer asks for (kg/s), derivatives (m, p_a, h_a, p_b, h_b) of its
 * residual in g5 (may be NULL), return enthalpy h(p_b, T_return) and d/dp_b, delivery ramp. */
double st_consumer_eval(const dh_steady *s, const double *u, size_t c, double *g5,
                        double *h_ret, double *h_ret_p, double *phi);

/* dh_props_ph_fast with the wet-state guard of assemble.c. */
dh_status st_props_ph(double p, double h, int transport, dh_ph_state *st);

/* steady_presolve.c: linearised-resistance solve of the water hydraulics of the guess u (after
 * st_initial_guess; a no-op outside plain water networks); updates s->guess_clamped. */
void st_linear_presolve(dh_steady *s, double *u);

/* linsol_reduced.c: the enthalpy block J_HH (node mixing rows x node enthalpies of the
 * Jacobian in s's pattern) solved by sweeps in flow order (the algorithm at st_hsolve_setup).
 * create: the row-wise pattern (NULL out of memory); setup: the order for the values jx (0, or
 * -1: not triangular enough, use a factorisation); solve: x = J_HH^-1 b, x the start of the
 * iteration (0, or -1: no convergence). No allocation after create. */
typedef struct st_hsolve st_hsolve;
st_hsolve *st_hsolve_create(const dh_steady *s);
void st_hsolve_free(st_hsolve **h);
int st_hsolve_setup(st_hsolve *h, const double *jx);
int st_hsolve_solve(st_hsolve *h, const double *jx, const double *b, double *x);

/* balance.c */
void st_fill_results(dh_steady *s, const double *u, dh_snapshot *r, dh_solve_stats *st);

/* steady_kinsol.c */
void st_scales(const dh_steady *s, size_t i, double *uscale, double *fscale);
/* Sets edge_fs from the Jacobian at u (assemble.c). Returns st_eval's code. */
int st_update_scales(dh_steady *s, const double *u);

#endif
