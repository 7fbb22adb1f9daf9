// ftl-spec's lexical file names (tools/ftl-spec/path.c): what error
// messages show for the files a spec names.
#include <check.h>

#include "path.h"
#include "pool.h"

static const struct {
    const char *dir, *rel, *joined;
} joins[] = {
    {".", "a/b", "a/b"},
    {"x", "../y", "y"},
    {"x/y", "../../z", "z"},
    {".", "../a/..", ".."},
    {"..", "../a", "../../a"},
    {"a", "..", "."},
    {"a", "./b//c/", "a/b/c"},
    {"tests/spec/bad", "../services/a/service.yaml",
     "tests/spec/services/a/service.yaml"},
    {"/", "..", "/"},
    {"/a", "../../b", "/b"},
    {"x", "/abs/./p", "/abs/p"},
};

START_TEST(joins_fold_dot_and_dotdot)
{
    ck_assert_str_eq(path_join(joins[_i].dir, joins[_i].rel), joins[_i].joined);
    pool_free_all();
}
END_TEST

START_TEST(dir_of_a_file)
{
    ck_assert_str_eq(path_dir("a/b/ftl.yaml"), "a/b");
    ck_assert_str_eq(path_dir("ftl.yaml"), ".");
    ck_assert_str_eq(path_dir("/ftl.yaml"), "/");
    pool_free_all();
}
END_TEST

START_TEST(files_and_folders_are_told_apart)
{
    ck_assert(path_is_dir("tests/spec/services/hello"));
    ck_assert(!path_is_file("tests/spec/services/hello"));
    ck_assert(path_is_file("tests/spec/services/hello/service.yaml"));
    ck_assert(!path_is_dir("tests/spec/services/hello/service.yaml"));
    ck_assert(!path_is_file("tests/spec/services/nosuch"));
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("spec_path");
    TCase *t = tcase_create("path");
    tcase_add_loop_test(t, joins_fold_dot_and_dotdot, 0,
                        sizeof(joins) / sizeof(joins[0]));
    tcase_add_test(t, dir_of_a_file);
    tcase_add_test(t, files_and_folders_are_told_apart);
    suite_add_tcase(s, t);
    return s;
}
