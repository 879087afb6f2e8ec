/* fuzz_case_read.c: libFuzzer target for the case reader and the validation pass.
 *
 * Each input is a case file's text: read with dh_case_read_string() (YAML -> tree -> schema ->
 * units -> builder), then, when it reads, checked by dh_network_validate_warn(); every object is
 * freed, so LeakSanitizer sees a leak on any path. The udunits2 database is loaded once per
 * process (tens of milliseconds) and shared, as dh_case.h recommends.
 *
 * Built two ways (tests/fuzz/meson.build):
 *   fuzz_case_read  with -Dfuzz=true and clang: -fsanitize=fuzzer, run by hand, e.g.
 *                   build-fuzz/tests/fuzz/fuzz_case_read -max_total_time=300 CORPUS_DIR
 *   fuzz_replay     always, with replay_main.c: the `fuzz_replay` meson test runs the seed
 *                   corpus and the saved crashes through this same entry point.
 * CSV tables named by an input resolve against the current directory; run from tests/fuzz.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dh_case.h"
#include "dh_units.h"
#include "dh_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dh_units *units;

static void drop_units(void) { dh_units_destroy(&units); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!units) {
        dh_error err;
        if (dh_units_create(&units, &err) != DH_OK) abort(); /* no database: nothing to fuzz */
        atexit(drop_units);
    }
    dh_diag diag, warnings;
    dh_diag_init(&diag, 0);
    dh_diag_init(&warnings, 0);
    dh_case *c = NULL;
    dh_status st = dh_case_read_string((const char *)data, size, "fuzz.yaml", NULL, 0, units, &c,
                                       &diag);
    if (st == DH_OK && c && c->net) dh_network_validate_warn(c->net, &diag, &warnings);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
    dh_diag_free(&warnings);
    return 0;
}
