/* test_netbuild.c: the network builder (network/net_build.c): id resolution, messages with
 * positions and suggestions, CSR incidence, medium derivation, ownership. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dh_network.h"

static dh_netbuild *b;
static dh_diag diag;

static void setup(void)
{
    dh_error err;
    ck_assert_int_eq(dh_netbuild_create(&b, &err), DH_OK);
    dh_diag_init(&diag, 50);
}

static void teardown(void)
{
    dh_netbuild_destroy(&b);
    ck_assert_ptr_null(b);
    dh_diag_free(&diag);
}

static void node(const char *id, double x, int line)
{
    dh_node_spec s = {.id = id, .x = x, .pos = {"net.yaml", line, 5}};
    ck_assert_int_eq(dh_netbuild_add_node(b, &s, NULL), DH_OK);
}

static void pipe_(const char *id, const char *from, const char *to, int line)
{
    dh_pipe_spec s;
    dh_pipe_spec_init(&s);
    s.id = id;
    s.from = from;
    s.to = to;
    s.length = 100;
    s.diameter = 0.1;
    s.roughness = 1e-4;
    s.pos = (dh_srcpos){"net.yaml", line, 5};
    s.from_pos = (dh_srcpos){"net.yaml", line, 20};
    s.to_pos = (dh_srcpos){"net.yaml", line, 30};
    ck_assert_int_eq(dh_netbuild_add_pipe(b, &s, NULL), DH_OK);
}

static void source(const char *id, const char *at, dh_medium medium)
{
    dh_source_spec s;
    dh_source_spec_init(&s);
    s.id = id;
    s.node = at;
    s.medium = medium;
    s.pressure = 1e6;
    s.temperature = 560;
    ck_assert_int_eq(dh_netbuild_add_source(b, &s, NULL), DH_OK);
}

static char *message(size_t i)
{
    static char buf[1024];
    return dh_error_format(&diag.items[i], buf, sizeof buf);
}

START_TEST(builds_incidence_and_media)
{
    node("A", 0, 1);
    node("B", 1, 2);
    node("C", 2, 3);
    pipe_("P1", "A", "B", 10);
    pipe_("P2", "B", "C", 11);
    source("S", "A", DH_MEDIUM_STEAM);
    dh_network *net = NULL;
    ck_assert_int_eq(dh_netbuild_finish(b, &net, &diag), DH_OK);
    ck_assert_uint_eq(diag.count, 0);
    ck_assert_uint_eq(net->links.n, 2);
    size_t nb = dh_network_find_node(net, "B");
    ck_assert_uint_eq(nb, 1);
    /* B touches P1 (entering, sign -1) and P2 (leaving, sign +1) */
    ck_assert_uint_eq(net->inc.start[nb + 1] - net->inc.start[nb], 2);
    int signs = 0;
    for (size_t k = net->inc.start[nb]; k < net->inc.start[nb + 1]; k++)
        signs += net->inc.sign[k] * (int)(net->inc.link[k] + 1); /* -1*1 + 1*2 = 1 */
    ck_assert_int_eq(signs, 1);
    for (size_t i = 0; i < 3; i++) ck_assert_int_eq(net->nodes.medium[i], DH_MEDIUM_STEAM);
    ck_assert_uint_eq(dh_network_find_link(net, "P2"), 1);
    ck_assert_uint_eq(dh_network_find_node(net, "nope"), DH_NONE);
    /* default outer diameter: 8 % above the bore */
    ck_assert_double_eq_tol(net->pipes.outer_diameter[0], 0.108, 1e-12);
    dh_network_destroy(&net);
    ck_assert_ptr_null(net);
    dh_network_destroy(&net); /* NULL is fine */
}
END_TEST

START_TEST(reports_every_reference_problem)
{
    node("N1", 0, 1);
    node("N2", 1, 2);
    node("N1", 2, 3); /* duplicate */
    pipe_("P1", "N1", "N9", 10);  /* unknown, suggestion N1/N2 */
    pipe_("P1", "N2", "N1", 11);  /* duplicate link id */
    pipe_("P3", "N2", "N2", 12);  /* self loop */
    source("S", "N1", DH_MEDIUM_WATER);
    dh_network *net = NULL;
    ck_assert_int_eq(dh_netbuild_finish(b, &net, &diag), DH_ERR_INPUT);
    ck_assert_ptr_null(net);
    ck_assert_uint_eq(diag.count, 4);
    ck_assert_str_eq(message(0), "net.yaml:3:5: error: node N1: duplicate id (first defined at net.yaml:1:5)");
    ck_assert_ptr_nonnull(strstr(message(1), "net.yaml:10:30: error: pipe P1: unknown node 'N9' in 'to' (did you mean"));
    ck_assert_ptr_nonnull(strstr(message(2), "net.yaml:11:5: error: pipe P1: duplicate id"));
    ck_assert_str_eq(message(3), "net.yaml:12:5: error: pipe P3: starts and ends at the same node 'N2'");
}
END_TEST

START_TEST(source_of_unknown_medium_is_harmless)
{
    /* regression: a source with DH_MEDIUM_UNKNOWN used to be queued again and again by the
       medium walk, overflowing its queue */
    node("A", 0, 1);
    node("B", 1, 2);
    pipe_("P1", "A", "B", 10);
    source("S1", "A", DH_MEDIUM_UNKNOWN);
    source("S2", "A", DH_MEDIUM_UNKNOWN);
    source("S3", "B", DH_MEDIUM_UNKNOWN);
    dh_network *net = NULL;
    ck_assert_int_eq(dh_netbuild_finish(b, &net, &diag), DH_OK);
    ck_assert_int_eq(net->nodes.medium[0], DH_MEDIUM_UNKNOWN);
    dh_network_destroy(&net);
}
END_TEST

START_TEST(steam_water_mix_is_an_error)
{
    node("A", 0, 1);
    node("B", 1, 2);
    pipe_("P1", "A", "B", 10);
    source("S1", "A", DH_MEDIUM_STEAM);
    source("S2", "B", DH_MEDIUM_WATER);
    dh_network *net = NULL;
    ck_assert_int_eq(dh_netbuild_finish(b, &net, &diag), DH_ERR_INPUT);
    ck_assert_uint_eq(diag.count, 1);
    ck_assert_ptr_nonnull(strstr(message(0), "connected to both a steam and a water network"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("netbuild");
    TCase *tc = tcase_create("builder");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, builds_incidence_and_media);
    tcase_add_test(tc, reports_every_reference_problem);
    tcase_add_test(tc, source_of_unknown_medium_is_harmless);
    tcase_add_test(tc, steam_water_mix_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
