/* case_internal.h: private to the case reader (case_*.c). Not installed, not for other modules.
 *
 * The reader works in three passes over one in-memory tree of values ("cv" nodes):
 *   case_yaml.c   YAML text -> tree (libfyaml events, explicit stack, aliases copied within a
 *                 budget), --set overrides applied to the tree, the arena and error helpers;
 *   case_csv.c    `{csv: file}` tables -> the same tree (one mapping per row, cell positions);
 *   case_build.c  tree -> schema checks -> units -> dh_netbuild_* (the network builder);
 *   case_read.c   the public entry points (dh_case.h): file loading, SHA-256, orchestration.
 * Every tree value keeps the file:line:col it came from, so every error points at the value.
 */
#ifndef DH_CASE_INTERNAL_H
#define DH_CASE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_case.h"
#include "dh_status.h"
#include "dh_units.h"

/* Limits that keep hostile inputs cheap (the reader is fuzzed). */
#define CASE_MAX_FILE_BYTES (256u << 20) /* case file or CSV table */
#define CASE_MAX_DEPTH 64                /* nesting of YAML collections */
#define CASE_ALIAS_BUDGET 200000u        /* tree values created by copying aliases */

/* ---- arena: every tree value and string of one read; freed at once ------------------------ */

typedef struct case_arena case_arena;
case_arena *case_arena_create(void);
void case_arena_destroy(case_arena **a);
/* Zeroed memory, or NULL when out of memory. */
void *case_arena_alloc(case_arena *a, size_t bytes);
/* NUL-terminated copy of s[0..len). */
char *case_arena_strndup(case_arena *a, const char *s, size_t len);

/* ---- the value tree -------------------------------------------------------------------------- */

typedef enum cv_kind {
    CV_NULL = 0, /* empty value, ~, null */
    CV_SCALAR,
    CV_SEQ,
    CV_MAP,
} cv_kind;

typedef struct cv_node cv_node;

typedef struct cv_pair {
    const char *key;
    dh_srcpos key_pos;
    cv_node *value;
} cv_pair;

struct cv_node {
    cv_kind kind;
    bool quoted;      /* scalar was quoted in YAML or CSV */
    unsigned height;  /* 1 for a scalar; 1 + tallest child for collections */
    dh_srcpos pos;    /* file name interned in the arena */
    const char *text; /* CV_SCALAR: the text (never NULL, no embedded NUL) */
    const char *unit; /* CSV column unit ("mm" from "diameter [mm]") for bare numbers, or NULL */
    size_t n, cap;    /* items or pairs */
    cv_node **items;  /* CV_SEQ */
    cv_pair *pairs;   /* CV_MAP, in document order */
};

/* ---- the reader's context ------------------------------------------------------------------ */

typedef struct case_ctx {
    case_arena *arena;
    dh_diag *diag;
    const dh_units *units;
    double p_atm;       /* Pa, the case's atmospheric pressure (gauge pressures) */
    const char *file;   /* the case file's name as given (arena) */
    const char *dir;    /* its directory, for CSV tables ("" for the current directory) */
    dh_status first;    /* code of the first error reported (DH_OK while none) */
    size_t n_errors;    /* errors reported by the reader (after de-duplication) */
    size_t alias_left;  /* alias copy budget */
    bool alias_overrun; /* budget exhausted (reported once) */
    /* de-duplication of identical errors (aliases and defaults share values) */
    unsigned long long *seen;
    size_t seen_mask, seen_count;
} case_ctx;

/* Records an error (deduplicated: the same position and text are reported once). */
void case_error(case_ctx *ctx, dh_status code, const dh_srcpos *pos, const char *component,
                const char *fmt, ...) DH_PRINTF(5, 6);
/* Records an error record produced elsewhere (units), prefixing `prefix: ` to its message. */
void case_error_rec(case_ctx *ctx, const dh_error *e, const char *component, const char *prefix);

/* Tree construction helpers (NULL when out of memory). */
cv_node *cv_new(case_ctx *ctx, cv_kind kind, const dh_srcpos *pos);
cv_node *cv_new_scalar(case_ctx *ctx, const char *text, size_t len, bool quoted,
                       const dh_srcpos *pos);
int cv_seq_push(case_ctx *ctx, cv_node *seq, cv_node *item);
int cv_map_push(case_ctx *ctx, cv_node *map, const char *key, const dh_srcpos *key_pos,
                cv_node *value);
/* Last pair with this key, or NULL. */
cv_pair *cv_map_find(const cv_node *map, const char *key);
/* "a mapping", "a list", "a single value", "an empty value": for messages. */
const char *cv_kind_text(cv_kind kind);
/* Interned copy of a file name for positions. */
const char *case_intern_file(case_ctx *ctx, const char *name);

/* case_yaml.c: parses YAML text into a tree. Returns the root (a CV_NULL node for an empty
 * document), or NULL after reporting the error(s). */
cv_node *case_yaml_parse(case_ctx *ctx, const char *text, size_t len);

/* case_yaml.c: applies "dotted.path=value" overrides to the tree (errors reported, the others
 * still applied). Returns the number of overrides that failed. */
size_t case_apply_overrides(case_ctx *ctx, cv_node *root, const char *const *overrides,
                            size_t n);

/* case_csv.c: replaces every `table: {csv: FILE}` of the root mapping by the rows of FILE. */
void case_csv_expand(case_ctx *ctx, cv_node *root);
/* case_csv.c: parses CSV text (name for positions) into a CV_SEQ of CV_MAP rows. */
cv_node *case_csv_parse(case_ctx *ctx, const char *text, size_t len, const char *name,
                        char delimiter);

/* case_read.c: reads a whole regular file (not a directory, FIFO or device) into a malloc'ed
 * buffer with a terminating NUL; reports errors at `pos` (or at the file when NULL) and returns
 * NULL. Rejects binary data (a NUL byte) and files larger than CASE_MAX_FILE_BYTES. */
char *case_load_file(case_ctx *ctx, const char *path, const dh_srcpos *pos, const char *what,
                     size_t *len);

/* case_build.c: interprets the tree: schema, units, builder. Fills c->name, c->study, c->net. */
dh_status case_build(case_ctx *ctx, cv_node *root, dh_case *c);

#endif
