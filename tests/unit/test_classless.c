// DHCP option 121 (RFC 3442) decoding and lookup in tcpip, with the lease
// Google Compute Engine hands out: a /32 address, the router reached
// on-link through a /32 route, and the default route through it.
#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>

#include "classless.h"

static uint32_t ip(const char *text)
{
    struct in_addr a;
    inet_pton(AF_INET, text, &a);
    return a.s_addr;
}

// 10.128.0.1/32 on-link, then 0.0.0.0/0 via 10.128.0.1.
static const uint8_t gce[] = {32, 10, 128, 0, 1, 0, 0, 0, 0, 0, 10, 128, 0, 1};

START_TEST(gce_lease_routes_decode)
{
    struct classless_route r[CLASSLESS_ROUTES_MAX];
    ck_assert_int_eq(classless_decode(gce, sizeof(gce), r, 16), 2);
    ck_assert_uint_eq(r[0].prefix, 32);
    ck_assert_uint_eq(r[0].destination, ip("10.128.0.1"));
    ck_assert_uint_eq(r[0].router, 0);
    ck_assert_uint_eq(r[1].prefix, 0);
    ck_assert_uint_eq(r[1].destination, 0);
    ck_assert_uint_eq(r[1].router, ip("10.128.0.1"));
}
END_TEST

START_TEST(router_is_on_link_and_everything_else_goes_through_it)
{
    struct classless_route r[CLASSLESS_ROUTES_MAX];
    int n = classless_decode(gce, sizeof(gce), r, 16);
    const struct classless_route *hop =
        classless_lookup(r, n, ip("10.128.0.1"));
    ck_assert_ptr_nonnull(hop);
    ck_assert_uint_eq(hop->router, 0); // ARP for the router itself
    hop = classless_lookup(r, n, ip("8.8.8.8"));
    ck_assert_ptr_nonnull(hop);
    ck_assert_uint_eq(hop->router, ip("10.128.0.1"));
}
END_TEST

START_TEST(longest_prefix_wins_and_partial_octets_decode)
{
    // 192.168.0.0/16 via 10.0.0.2, 192.168.128.0/17 via 10.0.0.3,
    // 0/0 via 10.0.0.1
    static const uint8_t v[] = {16,  192, 168, 10, 0, 0, 2,  17, 192, 168,
                                128, 10,  0,   0,  3, 0, 10, 0,  0,   1};
    struct classless_route r[CLASSLESS_ROUTES_MAX];
    int n = classless_decode(v, sizeof(v), r, 16);
    ck_assert_int_eq(n, 3);
    ck_assert_uint_eq(r[1].destination, ip("192.168.128.0"));
    ck_assert_uint_eq(r[1].mask, ip("255.255.128.0"));
    ck_assert_uint_eq(classless_lookup(r, n, ip("192.168.200.1"))->router,
                      ip("10.0.0.3"));
    ck_assert_uint_eq(classless_lookup(r, n, ip("192.168.1.1"))->router,
                      ip("10.0.0.2"));
    ck_assert_uint_eq(classless_lookup(r, n, ip("1.2.3.4"))->router,
                      ip("10.0.0.1"));
}
END_TEST

START_TEST(malformed_values_are_rejected)
{
    static const uint8_t too_wide[] = {33, 1, 2, 3, 4, 5, 0, 0, 0, 0};
    static const uint8_t truncated[] = {24, 10, 0, 0, 10, 0};
    struct classless_route r[CLASSLESS_ROUTES_MAX];
    ck_assert_int_eq(classless_decode(too_wide, sizeof(too_wide), r, 16), -1);
    ck_assert_int_eq(classless_decode(truncated, sizeof(truncated), r, 16), -1);
    ck_assert_int_eq(classless_decode(gce, 0, r, 16), 0);
    ck_assert_ptr_null(classless_lookup(r, 0, ip("1.2.3.4")));
}
END_TEST

START_TEST(routes_beyond_the_table_are_dropped)
{
    uint8_t v[5 * 20];
    for (int i = 0; i < 20; i++) {
        uint8_t entry[5] = {0, 10, 0, 0, (uint8_t)i};
        for (int j = 0; j < 5; j++) {
            v[i * 5 + j] = entry[j];
        }
    }
    struct classless_route r[4];
    ck_assert_int_eq(classless_decode(v, sizeof(v), r, 4), 4);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("classless");
    TCase *t = tcase_create("option121");
    tcase_add_test(t, gce_lease_routes_decode);
    tcase_add_test(t, router_is_on_link_and_everything_else_goes_through_it);
    tcase_add_test(t, longest_prefix_wins_and_partial_octets_decode);
    tcase_add_test(t, malformed_values_are_rejected);
    tcase_add_test(t, routes_beyond_the_table_are_dropped);
    suite_add_tcase(s, t);
    return s;
}
