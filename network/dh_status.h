/* dh_status.h: status codes and the error record shared by every dhsim module.
 *
 * Convention (after SUNDIALS): DH_OK == 0; > 0 recoverable (e.g. a residual evaluated at an
 * out-of-range trial state returns DH_RECOVERABLE so the nonlinear solver backtracks);
 * < 0 an error. Every call that can fail takes a `dh_error *` (never a global). The record holds
 * the code, the case-file position, the component ("pipe P-17") and a message, and prints like a
 * compiler: `park.yaml:42:17: error: pipe P-17: unknown node 'N99'`.
 *
 * A `dh_diag` collects many errors (the case reader and the validator report every problem found,
 * up to a cap, before failing once).
 */
#ifndef DH_STATUS_H
#define DH_STATUS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__)
#define DH_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define DH_PRINTF(fmt_idx, arg_idx)
#endif

/* One error table (X-macro): name, value, short text. */
#define DH_STATUS_TABLE(X)                                                                     \
    X(DH_OK, 0, "ok")                                                                          \
    X(DH_RECOVERABLE, 1, "recoverable: retry with a shorter step")                             \
    X(DH_ERR_NOMEM, -1, "out of memory")                                                       \
    X(DH_ERR_IO, -2, "input/output error")                                                     \
    X(DH_ERR_PARSE, -3, "syntax error")                                                        \
    X(DH_ERR_INPUT, -4, "invalid input")                                                       \
    X(DH_ERR_UNITS, -5, "unit error")                                                          \
    X(DH_ERR_RANGE, -6, "state outside the range of validity")                                 \
    X(DH_ERR_NOCONV, -7, "no convergence")                                                     \
    X(DH_ERR_SINGULAR, -8, "singular system")                                                  \
    X(DH_ERR_INFEASIBLE, -9, "infeasible")                                                     \
    X(DH_ERR_INTERNAL, -10, "internal error")                                                  \
    X(DH_ERR_USAGE, -11, "usage error")

typedef enum dh_status {
#define DH_STATUS_ENUM(name, value, text) name = value,
    DH_STATUS_TABLE(DH_STATUS_ENUM)
#undef DH_STATUS_ENUM
} dh_status;

/* Position of a value in a case file (1-based line and column as editors show them);
 * file == NULL when the value did not come from a file (built in code, --set, defaults). */
typedef struct dh_srcpos {
    const char *file; /* borrowed: owned by the network/case that holds the position */
    int line;
    int col;
} dh_srcpos;

#define DH_ERROR_MSG_MAX 512
#define DH_ERROR_COMP_MAX 96
#define DH_ERROR_FILE_MAX 256

/* One error: code, where, which component, what. Fixed-size so it never allocates. */
typedef struct dh_error {
    dh_status code;
    char file[DH_ERROR_FILE_MAX]; /* empty when unknown */
    int line, col;                /* 0 when unknown */
    char component[DH_ERROR_COMP_MAX]; /* e.g. "pipe P-17"; empty when none */
    char message[DH_ERROR_MSG_MAX];
} dh_error;

const char *dh_status_text(dh_status code);

/* Clears the record to DH_OK. Accepts NULL. */
void dh_error_clear(dh_error *err);

/* Fills the record (when err != NULL) and returns `code` so callers can `return dh_error_set(...)`.
 * `pos` may be NULL; `component` may be NULL or empty. */
dh_status dh_error_set(dh_error *err, dh_status code, const dh_srcpos *pos, const char *component,
                       const char *fmt, ...) DH_PRINTF(5, 6);
dh_status dh_error_setv(dh_error *err, dh_status code, const dh_srcpos *pos,
                        const char *component, const char *fmt, va_list ap) DH_PRINTF(5, 0);

/* Writes `file:line:col: error: component: message\n` (parts omitted when unknown). */
void dh_error_print(const dh_error *err, FILE *out);
/* Same text into buf (always NUL-terminated); returns buf. */
char *dh_error_format(const dh_error *err, char *buf, size_t size);

/* A list of errors, for passes that report every problem before failing. */
typedef struct dh_diag {
    dh_error *items;
    size_t count;     /* errors recorded (<= cap) */
    size_t dropped;   /* errors beyond the cap, counted but not stored */
    size_t cap;       /* at most this many are stored */
    size_t alloc;
} dh_diag;

#define DH_DIAG_DEFAULT_CAP 100

void dh_diag_init(dh_diag *diag, size_t cap);
void dh_diag_free(dh_diag *diag);
/* Records an error (copies *err). Never fails: on allocation failure the error is counted as dropped. */
void dh_diag_add(dh_diag *diag, const dh_error *err);
/* Convenience: format and record. Returns code. */
dh_status dh_diag_report(dh_diag *diag, dh_status code, const dh_srcpos *pos,
                         const char *component, const char *fmt, ...) DH_PRINTF(5, 6);
/* Prints every stored error in order, then "N more errors not shown" if any were dropped. */
void dh_diag_print(const dh_diag *diag, FILE *out);
/* Sorts the stored errors by file, line and column (stable). */
void dh_diag_sort(dh_diag *diag);

#endif /* DH_STATUS_H */
