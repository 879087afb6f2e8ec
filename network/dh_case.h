/* dh_case.h: a case file read into memory (public): the network plus the study to run and the
 * file's identity. Produced by the case reader (case_read.c) from YAML (+ CSV tables). */
#ifndef DH_CASE_H
#define DH_CASE_H

#include "dh_network.h"
#include "dh_plant_spec.h"
#include "dh_units.h"

typedef enum dh_study_type {
    DH_STUDY_STEADY = 0,
    DH_STUDY_SERIES = 1,
    DH_STUDY_TRANSIENT = 2,
} dh_study_type;

typedef enum dh_friction_model {
    DH_FRICTION_COLEBROOK = 0,   /* Colebrook-White, solved to machine precision */
    DH_FRICTION_SWAMEE_JAIN = 1, /* explicit approximation used by EPANET */
} dh_friction_model;

typedef struct dh_study {
    dh_study_type type;
    dh_friction_model friction;
    double tolerance;        /* relative residual tolerance of the steady solve (-) */
    int max_iterations;      /* Newton iterations before load continuation */
    double max_steam_velocity; /* m/s, velocity limit checked for steam pipes (0: none) */
    double max_water_velocity; /* m/s, velocity limit checked for water pipes (0: none) */
} dh_study;

typedef struct dh_case {
    char *path;       /* the case file as given */
    char sha256[65];  /* hex SHA-256 of the case file's bytes */
    char *name;
    dh_network *net;  /* owned */
    dh_study study;
    dh_plant_spec plant; /* the `plant:` section (plant.present false when there is none) */
} dh_case;

/* Reads and builds a case. `overrides` are "dotted.path=value" strings (from --set) applied to
 * the YAML document before it is interpreted. Every problem found goes to diag as
 * file:line:column errors; returns DH_OK, or <0 with *out == NULL. */
dh_status dh_case_read(const char *path, const char *const *overrides, size_t n_overrides,
                       dh_case **out, dh_diag *diag);
void dh_case_destroy(dh_case **c);

/* Same from text in memory (the fuzzer, tests, generated cases). `name` stands for the file in
 * messages and its directory holds any CSV tables (NULL: "<string>", tables relative to the
 * current directory). `units` is borrowed; NULL loads the udunits2 database for this call
 * (tens of milliseconds: callers reading many cases create one with dh_units_create). */
dh_status dh_case_read_string(const char *text, size_t len, const char *name,
                              const char *const *overrides, size_t n_overrides,
                              const dh_units *units, dh_case **out, dh_diag *diag);

#endif
