/* transient_internal.h: private data of the transient solver, shared by transient_model.c
 * (inputs and events, node volumes, residual, Jacobian, quadratures, storage, results),
 * transient_plug.c (water plug-flow transport) and transient_ida.c (the SUNDIALS adapter and
 * the run loop). Not installed.
 *
 * Unknowns y are the steady solver's (steady_internal.h): [p | h | m_edge | m_source]. Node k is
 * a *storage node* when it is steam and holds volume (V_k > 0, not isolated, no fixed-pressure
 * source); its p_k and h_k are differential, all other unknowns algebraic.
 */
#ifndef DH_TRANSIENT_INTERNAL_H
#define DH_TRANSIENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_transient.h"
#include "steady_internal.h"

/* integrals (unknowns y[n + i], Q' = rate): network totals, then 4 per water pipe */
enum { TQ_MIN = 0, TQ_MOUT, TQ_EIN, TQ_EOUT, TQ_LOSS, TQ_N };
enum { TQP_A = 0, TQP_B, TQP_EA, TQP_EB, TQP_N }; /* int pos(m), pos(-m), pos(m) h_a, pos(-m) h_b */

/* A ramp in progress: *target moves linearly from v0 at t0 to v1 at t1. */
typedef struct tr_ramp {
    double t0, t1, v0, v1;
    dh_event_kind kind;
    size_t index;
} tr_ramp;

/* One plug of water in a pipe: mass (kg) and its current specific enthalpy (J/kg). */
typedef struct tr_plug {
    double m, h;
} tr_plug;

/* Plug queue of one water pipe (ring buffer; position 0 is the plug at end a). */
typedef struct tr_pipeq {
    size_t edge;     /* steady edge */
    double mass;     /* kg, rho A L (constant: incompressible) */
    double k_loss;   /* 1/s, decay rate of (h - h_amb): UA r / mass, r = dT/dh (secant) */
    double h_amb;    /* J/kg, liquid at the ambient temperature */
    double m_wall;   /* kg, water-equivalent mass of the steel wall: C_wall / cp */
    double h_wall;   /* J/kg, the wall's mixing state at the outlet */
    double h_fwd, h_rev; /* J/kg, frozen arrival enthalpies at b and a for this interval */
    double loss;     /* W, heat lost over the last transport interval (mean) */
    double dt_decay, f_half; /* cache: exp(-0.5 k_loss dt_decay) (transient_plug.c) */
    double a_wall, e_wall;   /* cache: exp(-a_wall) */
    unsigned head, count;
    tr_plug *buf;    /* cap plugs */
} tr_pipeq;

struct dh_transient {
    const dh_network *net0;  /* the caller's network */
    dh_network *net;         /* private copy: time-dependent arrays owned here */
    dh_study study;
    dh_transient_options opt;
    dh_steady *s;            /* the steady solver (layout, stamps, initial state) */
    size_t n, nn, ne;        /* steady unknowns, internal nodes, edges */
    size_t ny;               /* IDA unknowns: the n steady ones, then the nquad integrals */

    /* inputs */
    double *max_flow;        /* kg/s per source (INFINITY: no limit) */
    dh_event *ev;            /* sorted copy of the events */
    size_t nev, next_ev;
    tr_ramp *ramp;
    size_t nramp;
    double t_ref;            /* reference time of the derived results */

    /* storage */
    double *vol;             /* m3 per internal node */
    double *cwall;           /* J/K per internal node (steel wall of the adjacent steam segments) */
    bool *storage;           /* internal node is a storage node */
    double *id;              /* 1 differential, 0 algebraic (per unknown) */
    size_t ndiff;
    bool *water_pipe_edge;   /* edge is a water pipe (plug transport) */
    size_t *edge_q;          /* edge -> queue index or DH_NONE */

    /* water plug flow */
    tr_pipeq *q;
    size_t nq;
    tr_plug *plug_pool;
    double h_tol;            /* J/kg, merge tolerance */
    bool transport_active;   /* plug outlets override the steady arrivals */

    /* pattern (superset of the steady pattern) */
    size_t nnz;
    size_t *colptr, *rowind;
    size_t *smap;            /* steady slot -> slot here */
    double *jx;
    double *rowmul;          /* per row: multiplier of the steady row's Jacobian entries */
    size_t *pc_slot;         /* 9 per incidence entry (steady inc_edge) of a water pipe: the
                                slots of the plug correction's derivatives (DH_NONE: none) */

    /* work */
    double *y, *yp, *f;
    double *qin, *qsum;      /* per node: sum of inflows pos() (kg/s); scratch */
    double t;                /* time of the state in y */

    /* derived results */
    double *ride;            /* per consumer */
    double *src_pmin, *src_tmin;
    size_t *root_cons;       /* root function i -> consumer */
    size_t nroot;

    /* quadratures */
    size_t nquad;
    double *quad;            /* current values */
    double plug_loss;        /* J, heat lost by the water plugs since the start */
    double mass0, energy0;

    /* checkpoints and restart (transient_checkpoint.c) */
    bool resumed;            /* dh_transient_restore: the run continues from T->t */
    long k_out;              /* outputs emitted so far (restored; the run loop's counter) */
    double h_last;           /* s, IDA's last step at the end of the last segment */
    double h_resume;         /* s, first step to try after a restore (0: none) */
    double ckpt_next;        /* s, next checkpoint time */
    bool force_reinit;       /* re-initialise IDA at the next breakpoint (after a checkpoint) */

    dh_snapshot *snap;
    dh_transient_stats stats;
    void *ida;               /* transient_ida.c */
    struct tr_alg *alg;      /* transient_alg.c: the quasi-steady path (ndiff == 0), or NULL */
};

/* transient_model.c */
dh_status tr_model_build(dh_transient *T, dh_error *err);
void tr_model_free(dh_transient *T);
/* Sets the time-dependent inputs of the network copy at time t (ramps in progress). */
void tr_inputs_at(dh_transient *T, double t);
/* Applies the events at time t (steps, ramp starts); returns how many. */
size_t tr_events_apply(dh_transient *T, double t, dh_error *err);
/* F(t, y, y') (size ny; the integrals' rows last); with jac the Jacobian dF/dy + cj dF/dy' into T->jx. Returns 0, 1 (recoverable:
 * state outside the property range) or -1. */
int tr_residual(dh_transient *T, double t, const double *y, const double *yp, double *F,
                bool jac, double cj);
void tr_storage(dh_transient *T, const double *y, double *mass, double *energy);
void tr_fill_snapshot(dh_transient *T, double t, const double *y, dh_snapshot *snap);
/* Root functions: delivery pressure - minimum of the consumers that have one. */
void tr_roots(dh_transient *T, const double *y, double *g);
void tr_track_minima(dh_transient *T, double t, const double *y);

/* The private copy of the network's time-dependent arrays (consumer demands, source set
 * points, valve openings) that the steady solver borrows and the events change. */
dh_status tr_net_copy(dh_transient *T, dh_error *err);
void tr_net_free(dh_transient *T);
double tr_patm(const dh_transient *T);

/* Sets one time-dependent input (as an event would: derived values such as a valve's k or a
 * source's enthalpy follow). */
void tr_input_set(dh_transient *T, dh_event_kind kind, size_t i, double v);

/* The frozen-hydraulics update (transient_model.c; used by transient_alg.c): the change of the
 * water nodes' mixing rows when the plug arrivals move, the integrals' rates with the non-pipe
 * edges' arrivals linearised about the last full evaluation (ew0: 6 per edge, filled by
 * tr_edge_arrivals right after it). */
void tr_arrival_delta(dh_transient *T, const double *y, const double *hf_old,
                      const double *hr_old, double *dF);
void tr_quad_rates_frozen(dh_transient *T, const double *y, const double *y0, const double *ew0,
                          double *rq);
void tr_edge_arrivals(const dh_transient *T, double *ew0);

/* transient_alg.c: an all-algebraic network's segments, one backward-Euler step each solved
 * by Newton + KLU with the Jacobian kept across segments (refresh: evaluate it at the first
 * iteration). On entry T->y is the state at t0 (integrals any); on return the state at t1 with
 * the segment's integrals. Returns 0 or -1 (err: DH_ERR_NOCONV). */
typedef struct tr_alg tr_alg;
dh_status tr_alg_create(dh_transient *T, dh_error *err);
void tr_alg_free(dh_transient *T);
int tr_alg_segment(dh_transient *T, double t0, double t1, bool refresh, dh_error *err);
/* Keeps the plug arrivals of the segment just ended (call before tr_plug_prepare). */
void tr_alg_keep_arrivals(dh_transient *T);
/* Output on held hydraulics: updates snap, filled by st_fill_results earlier on the same held
 * hydraulics, to the state y (only the node enthalpies moved) without a full evaluation.
 * Returns false (snap untouched) when it cannot: the caller then fills snap in full and calls
 * tr_alg_snapshot_keep(T, y). */
bool tr_alg_snapshot_update(dh_transient *T, const double *y, dh_snapshot *snap);
void tr_alg_snapshot_keep(dh_transient *T, const double *y);

/* transient_plug.c */
dh_status tr_plug_build(dh_transient *T, dh_error *err);
void tr_plug_free(dh_transient *T);
/* Fills every queue uniformly with the upstream enthalpy of state y (and the wall with it). */
void tr_plug_init(dh_transient *T, const double *y);
/* Frozen arrival enthalpies for the interval of length dt starting at state y. */
void tr_plug_prepare(dh_transient *T, const double *y, double dt);
/* Moves the plugs over the interval of length dt with the integrated flows in qp (TQP_N per
 * queue) and charges the losses; keeps each pipe's energy consistent with what its end nodes
 * received (the frozen arrivals times the integrated flows). */
void tr_plug_advance(dh_transient *T, const double *y, const double *qp, double dt);
double tr_plug_energy(const dh_transient *T);
double tr_plug_mass(const dh_transient *T);
size_t tr_plug_count(const dh_transient *T);

#endif
