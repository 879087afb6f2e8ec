/* testnets.h: small networks built in code for the steady-solver tests (testnets.c). Each
 * returns a built network (caller destroys) or NULL on a builder error (printed). */
#ifndef DH_TESTNETS_H
#define DH_TESTNETS_H

#include "dh_network.h"

#define TN_C0 273.15 /* K at 0 degC */

/* Helper: one pipe spec with one insulation layer (mineral wool, 0.04 W/(m K)) of thickness
 * `ins` (m, 0: bare), above ground, surface coefficient 10 W/(m2 K). */
void tn_pipe(dh_netbuild *b, const char *id, const char *from, const char *to, double length,
             double diameter, double roughness, double ins, unsigned segments);
void tn_node(dh_netbuild *b, const char *id, double z);
void tn_source_p(dh_netbuild *b, const char *id, const char *node, dh_medium medium, double p,
                 double T);
void tn_source_m(dh_netbuild *b, const char *id, const char *node, dh_medium medium, double m,
                 double T);
void tn_steam_consumer(dh_netbuild *b, const char *id, const char *node, double m);
void tn_heat_consumer(dh_netbuild *b, const char *id, const char *node, const char *ret,
                      double Q, double Ts, double Tr);
dh_netbuild *tn_begin(void);
dh_network *tn_finish(dh_netbuild *b);

/* The test networks (docs in testnets.c). */
dh_network *tn_water_loop(void);     /* water ring with a reversed pipe, two consumers */
dh_network *tn_steam_wet(void);      /* steam main whose far end is wet */
dh_network *tn_valves_pump(void);    /* pump, check, throttle and pressure-reducing valves */
dh_network *tn_substation(void);     /* steam main -> substation -> water loop with a pump */
dh_network *tn_steam_branch(void);   /* branched steam network, three consumers, two sizes */

#endif
