/* sample_net.h: the small network and the synthetic results used by the postproc tests
 * (test_out.c, sample_writer.c, check_h5.py, check_xdmf.py).
 *
 *   S(0,0,10) --P1--> A(100,0,12) --P2--> B(200,50,11)   K1 steam consumer at B, min 0.8 MPa
 *                                 --P3--> C(200,-50,9) --V1--> D(300,-50,9)   K2 heat at D
 *   source SRC (fixed pressure, steam) at S
 *
 * Every results array value is sample_value(field, step, element) =
 * scale[field] * (1 + 0.01 element + 0.1 step), field numbered as in sample_fields below;
 * check_h5.py repeats the formula. Time of step k: 3600 k s. */
#ifndef SAMPLE_NET_H
#define SAMPLE_NET_H

#include "dh_network.h"
#include "dh_output.h"
#include "dh_results.h"

#define SAMPLE_NODES 5
#define SAMPLE_LINKS 4
#define SAMPLE_CONSUMERS 2
#define SAMPLE_SOURCES 1

dh_network *sample_network(void);
/* Fills every array of s for time step k by the formula above. */
void sample_fill(dh_snapshot *s, size_t k);
double sample_value(int field, size_t k, size_t i);
/* A plant of 2 boilers (B1, B2), 1 turbine (T1) and PRDS1 for time step k (check_h5.py repeats
 * the values): boiler steam 20 + i + k kg/s, turbine throttle 30 + k, PRDS inlet 11 + k (so the
 * main steam closes), N-1 holds at step 0 and fails after, with per-consumer shortfalls. */
void sample_plant_fill(dh_out_plant *p, size_t k);

#endif
