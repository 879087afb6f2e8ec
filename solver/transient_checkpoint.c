/* transient_checkpoint.c: the transient solver's state as a checkpoint, and a run continued
 * from one (docs/transient.md "Checkpoints and restart").
 *
 * A checkpoint is taken at a breakpoint of the integration (the end of a segment, before the
 * events of that time are applied). IDA is re-initialised at every breakpoint from (y, y') with
 * its first step set to the last step before the break, so (y, y', last step) is all of IDA's
 * history that the continuation uses; with the water plug queues, the event cursor, the ramps in
 * progress, the inputs as the events left them, the ride-through and header-minimum bookkeeping,
 * the conservation integrals and the output counter, a restored solver takes exactly the steps
 * the uninterrupted run takes (up to KLU's pivot choice, which a fresh factorisation may make
 * differently from a refactorisation: round-off).
 *
 * Exports (dh_transient.h): dh_transient_checkpoint_take, dh_transient_checkpoint_free,
 * dh_transient_restore. Callers: transient_ida.c (the run loop), cli/run_transient.c,
 * tests/transient.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "transient_internal.h"

/* number of time-dependent inputs: see dh_transient_checkpoint.inputs */
static size_t n_inputs(const dh_transient *T)
{
    const dh_network *n = T->net;
    return 2 * n->consumers.n + 4 * n->sources.n + n->valves.n;
}

void dh_transient_checkpoint_free(dh_transient_checkpoint *cp)
{
    if (!cp) return;
    free(cp->y);
    free(cp->yp);
    free(cp->inputs);
    free(cp->ramps);
    free(cp->ride_through);
    free(cp->source_min_pressure);
    free(cp->source_time_to_min);
    free(cp->pipe_state);
    free(cp->plugs);
    memset(cp, 0, sizeof *cp);
}

static double *dup(const double *v, size_t n, bool *ok)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (!d) {
        *ok = false;
        return NULL;
    }
    if (n) memcpy(d, v, n * sizeof *d);
    return d;
}

dh_status dh_transient_checkpoint_take(dh_transient *T, dh_transient_checkpoint *cp,
                                       dh_error *err)
{
    memset(cp, 0, sizeof *cp);
    const dh_network *net = T->net;
    size_t nc = net->consumers.n, ns = net->sources.n, nv = net->valves.n;
    bool ok = true;
    cp->time = T->t;
    cp->last_step = T->h_last;
    cp->t_end = T->opt.t_end;
    cp->output_interval = T->opt.output_interval;
    cp->outputs = T->k_out;
    cp->next_event = (long)T->next_ev;
    cp->ny = T->ny;
    cp->y = dup(T->y, T->ny, &ok);
    cp->yp = dup(T->yp, T->ny, &ok);
    for (size_t i = 0; i < TQ_N; i++) cp->totals[i] = T->quad[i];
    cp->totals[5] = T->plug_loss;
    cp->totals[6] = T->mass0;
    cp->totals[7] = T->energy0;
    const dh_transient_stats *S = &T->stats;
    double c[DH_TR_CKPT_COUNTERS] = {(double)S->steps, (double)S->residual_evals,
                                     (double)S->jacobian_evals, (double)S->nonlinear_iterations,
                                     (double)S->error_test_fails, (double)S->nonlinear_fails,
                                     (double)S->reinits, (double)S->algebraic_segments};
    memcpy(cp->counters, c, sizeof c);

    cp->n_inputs = n_inputs(T);
    cp->inputs = malloc((cp->n_inputs ? cp->n_inputs : 1) * sizeof(double));
    if (cp->inputs) {
        double *v = cp->inputs;
        memcpy(v, net->consumers.demand_mass_flow, nc * sizeof(double)), v += nc;
        memcpy(v, net->consumers.demand_heat, nc * sizeof(double)), v += nc;
        memcpy(v, net->sources.pressure, ns * sizeof(double)), v += ns;
        memcpy(v, net->sources.temperature, ns * sizeof(double)), v += ns;
        memcpy(v, net->sources.mass_flow, ns * sizeof(double)), v += ns;
        memcpy(v, T->max_flow, ns * sizeof(double)), v += ns;
        memcpy(v, net->valves.opening, nv * sizeof(double));
    } else ok = false;

    cp->n_ramps = T->nramp;
    cp->ramps = malloc((T->nramp ? T->nramp : 1) * DH_TR_CKPT_RAMP * sizeof(double));
    if (cp->ramps) {
        for (size_t r = 0; r < T->nramp; r++) {
            const tr_ramp *R = &T->ramp[r];
            double *v = cp->ramps + r * DH_TR_CKPT_RAMP;
            v[0] = R->t0, v[1] = R->t1, v[2] = R->v0, v[3] = R->v1;
            v[4] = (double)R->kind, v[5] = (double)R->index;
        }
    } else ok = false;

    cp->n_consumers = nc;
    cp->ride_through = dup(T->ride, nc, &ok);
    cp->n_sources = ns;
    cp->source_min_pressure = dup(T->src_pmin, ns, &ok);
    cp->source_time_to_min = dup(T->src_tmin, ns, &ok);

    cp->n_pipes = T->nq;
    cp->n_plugs = tr_plug_count(T);
    cp->pipe_state = malloc((T->nq ? T->nq : 1) * DH_TR_CKPT_PIPE * sizeof(double));
    cp->plugs = malloc((cp->n_plugs ? cp->n_plugs : 1) * 2 * sizeof(double));
    if (cp->pipe_state && cp->plugs) {
        unsigned cap = (unsigned)T->opt.max_plugs;
        size_t z = 0;
        for (size_t i = 0; i < T->nq; i++) {
            const tr_pipeq *q = &T->q[i];
            double *v = cp->pipe_state + i * DH_TR_CKPT_PIPE;
            v[0] = q->count, v[1] = q->h_wall, v[2] = q->h_fwd, v[3] = q->h_rev, v[4] = q->loss;
            for (unsigned k = 0; k < q->count; k++, z++) {
                const tr_plug *p = &q->buf[(q->head + k) % cap];
                cp->plugs[2 * z] = p->m;
                cp->plugs[2 * z + 1] = p->h;
            }
        }
    } else ok = false;
    if (!ok) {
        dh_transient_checkpoint_free(cp);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient checkpoint: out of memory");
    }
    return DH_OK;
}

dh_status dh_transient_restore(dh_transient *T, const dh_transient_checkpoint *cp, dh_error *err)
{
    dh_error_clear(err);
    const dh_network *net = T->net;
    size_t nc = net->consumers.n, ns = net->sources.n, nv = net->valves.n;
    if (cp->ny != T->ny || cp->n_inputs != n_inputs(T) || cp->n_consumers != nc ||
        cp->n_sources != ns || cp->n_pipes != T->nq || cp->next_event < 0 ||
        (size_t)cp->next_event > T->nev || cp->n_ramps > T->nev || cp->outputs < 0)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "checkpoint of another network (%zu unknowns, %zu water pipes; this "
                            "case has %zu, %zu)",
                            cp->ny, cp->n_pipes, T->ny, T->nq);
    if (!(cp->time >= 0) || !(cp->time < T->opt.t_end))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "checkpoint at t = %.6g s is not before the end of the run (%.6g s)",
                            cp->time, T->opt.t_end);
    unsigned cap = (unsigned)T->opt.max_plugs;
    size_t z = 0;
    for (size_t i = 0; i < T->nq; i++) {
        double cnt = cp->pipe_state[i * DH_TR_CKPT_PIPE];
        if (!(cnt >= 0 && cnt <= cap && cnt == floor(cnt)))
            return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                                "checkpoint: water pipe %zu holds %g plugs (at most %u)", i, cnt,
                                cap);
        z += (size_t)cnt;
    }
    if (z != cp->n_plugs)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "checkpoint: %zu plugs listed, the pipes hold %zu", cp->n_plugs, z);
    for (size_t r = 0; r < cp->n_ramps; r++) {
        const double *v = cp->ramps + r * DH_TR_CKPT_RAMP;
        if (!(v[4] >= 0 && v[4] <= DH_EVENT_SOURCE_FLOW && v[5] >= 0))
            return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "checkpoint: bad ramp %zu", r);
    }

    /* the inputs, with what derives from them (valve k, source enthalpy) */
    const double *v = cp->inputs;
    for (size_t i = 0; i < nc; i++) {
        bool heat = net->consumers.type[i] == DH_CONSUMER_HEAT;
        if (heat) T->net->consumers.demand_mass_flow[i] = v[i];
        else tr_input_set(T, DH_EVENT_CONSUMER_DEMAND, i, v[i]);
        if (heat) tr_input_set(T, DH_EVENT_CONSUMER_DEMAND, i, v[nc + i]);
        else T->net->consumers.demand_heat[i] = v[nc + i];
    }
    v += 2 * nc;
    for (size_t j = 0; j < ns; j++) {
        tr_input_set(T, DH_EVENT_SOURCE_PRESSURE, j, v[j]);
        tr_input_set(T, DH_EVENT_SOURCE_TEMPERATURE, j, v[ns + j]);
        T->net->sources.mass_flow[j] = v[2 * ns + j];
        T->max_flow[j] = v[3 * ns + j];
    }
    v += 4 * ns;
    for (size_t k = 0; k < nv; k++) tr_input_set(T, DH_EVENT_VALVE_OPENING, k, v[k]);

    T->next_ev = (size_t)cp->next_event;
    T->nramp = cp->n_ramps;
    for (size_t r = 0; r < cp->n_ramps; r++) {
        const double *w = cp->ramps + r * DH_TR_CKPT_RAMP;
        T->ramp[r] = (tr_ramp){.t0 = w[0], .t1 = w[1], .v0 = w[2], .v1 = w[3],
                               .kind = (dh_event_kind)(int)w[4], .index = (size_t)w[5]};
    }
    memcpy(T->y, cp->y, T->ny * sizeof(double));
    memcpy(T->yp, cp->yp, T->ny * sizeof(double));
    for (size_t i = 0; i < TQ_N; i++) T->quad[i] = cp->totals[i];
    T->plug_loss = cp->totals[5];
    T->mass0 = cp->totals[6];
    T->energy0 = cp->totals[7];
    memset(&T->stats, 0, sizeof T->stats);
    T->stats.steps = (long)cp->counters[0];
    T->stats.residual_evals = (long)cp->counters[1];
    T->stats.jacobian_evals = (long)cp->counters[2];
    T->stats.nonlinear_iterations = (long)cp->counters[3];
    T->stats.error_test_fails = (long)cp->counters[4];
    T->stats.nonlinear_fails = (long)cp->counters[5];
    T->stats.reinits = (long)cp->counters[6];
    T->stats.algebraic_segments = (long)cp->counters[7];
    if (nc) memcpy(T->ride, cp->ride_through, nc * sizeof(double));
    if (ns) {
        memcpy(T->src_pmin, cp->source_min_pressure, ns * sizeof(double));
        memcpy(T->src_tmin, cp->source_time_to_min, ns * sizeof(double));
    }
    z = 0;
    for (size_t i = 0; i < T->nq; i++) {
        tr_pipeq *q = &T->q[i];
        const double *w = cp->pipe_state + i * DH_TR_CKPT_PIPE;
        q->head = 0;
        q->count = (unsigned)w[0];
        q->h_wall = w[1], q->h_fwd = w[2], q->h_rev = w[3], q->loss = w[4];
        for (unsigned k = 0; k < q->count; k++, z++)
            q->buf[k] = (tr_plug){cp->plugs[2 * z], cp->plugs[2 * z + 1]};
    }
    T->t = cp->time;
    T->k_out = cp->outputs;
    T->h_resume = cp->last_step;
    T->h_last = cp->last_step;
    T->resumed = true;
    return DH_OK;
}
