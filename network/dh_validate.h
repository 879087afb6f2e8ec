/* dh_validate.h: checks of a built network before any solve (public).
 * Reading does not validate: the reader checks syntax, keys, units and per-value ranges; this
 * pass checks what needs the whole network: non-physical combinations (roughness larger than
 * the radius, insulation on a pipe without a laying), islands without a pressure reference,
 * consumers on isolated nodes, substations whose sides are not in the right media, pumps on
 * steam, and so on. Every problem goes to diag with the component's case-file position.
 * docs/validation.md lists every check with its message. */
#ifndef DH_VALIDATE_H
#define DH_VALIDATE_H

#include <stdio.h>

#include "dh_network.h"

/* Returns DH_OK when no error was found, DH_ERR_INPUT otherwise. Warnings are not errors. */
dh_status dh_network_validate(const dh_network *net, dh_diag *diag);

/* Same checks; in addition, findings that do not stop a solve but that an engineer wants to
 * see (relative roughness beyond the Moody chart, a minimum delivery pressure that no source
 * can reach, ...) are added to `warnings` (may be NULL: then they are dropped). Warnings carry
 * code DH_OK. Returns DH_OK when no error was found, DH_ERR_INPUT otherwise. */
dh_status dh_network_validate_warn(const dh_network *net, dh_diag *diag, dh_diag *warnings);

/* Prints each stored warning as `file:line:col: warning: component: message`. */
void dh_validate_print_warnings(const dh_diag *warnings, FILE *out);

#endif
