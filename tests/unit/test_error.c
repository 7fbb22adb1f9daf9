// Error code names.
#include <check.h>
#include <string.h>

#include <ftl/error.h>

START_TEST(every_code_has_its_own_name)
{
    for (int a = FTL_ERROR_MIN; a <= 0; a++) {
        ck_assert_str_ne(ftl_error_str(a), "unknown error");
        for (int b = FTL_ERROR_MIN; b < a; b++) {
            ck_assert_str_ne(ftl_error_str(a), ftl_error_str(b));
        }
    }
    ck_assert_str_eq(ftl_error_str(FTL_ERR_PEER_CLOSED), "peer closed");
}
END_TEST

START_TEST(codes_outside_the_list_are_unknown)
{
    ck_assert_str_eq(ftl_error_str(1), "unknown error");
    ck_assert_str_eq(ftl_error_str(FTL_ERROR_MIN - 1), "unknown error");
    ck_assert_str_eq(ftl_error_str(-1000000), "unknown error");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("error");
    TCase *t = tcase_create("names");
    tcase_add_test(t, every_code_has_its_own_name);
    tcase_add_test(t, codes_outside_the_list_are_unknown);
    suite_add_tcase(s, t);
    return s;
}
