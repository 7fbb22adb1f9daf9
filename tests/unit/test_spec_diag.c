// ftl-spec's error records (tools/ftl-spec/diag.c): their order on output,
// and that diag_flush forgets everything it held, file names included, so
// that the pool they live in can be released after it. The fuzz target of
// the spec compiler (tests/fuzz/fuzz_spec.c) found that file names
// outlived a flush; ASan reports that here as a use after free.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "pool.h"

// Runs diag_flush with stderr in a temporary file and returns its text
// (static, one call at a time).
static const char *flush_capture(void)
{
    static char text[4096];
    FILE *tmp = tmpfile();
    ck_assert(tmp != NULL);
    fflush(stderr);
    int saved = dup(fileno(stderr));
    dup2(fileno(tmp), fileno(stderr));
    diag_flush();
    fflush(stderr);
    dup2(saved, fileno(stderr));
    close(saved);
    rewind(tmp);
    size_t n = fread(text, 1, sizeof(text) - 1, tmp);
    text[n] = '\0';
    fclose(tmp);
    return text;
}

START_TEST(errors_come_out_by_file_then_position)
{
    diag_error((struct loc){"b.yaml", 3, 1, "x"}, "third");
    diag_error((struct loc){"a.yaml", 9, 1, "y"}, "second");
    diag_error((struct loc){"b.yaml", 1, 5, "z"}, "first");
    ck_assert_str_eq(flush_capture(), "b.yaml:1:5: z: first\n"
                                      "b.yaml:3:1: x: third\n"
                                      "a.yaml:9:1: y: second\n");
    ck_assert_uint_eq(diag_count(), 3);
    pool_free_all();
}
END_TEST

START_TEST(flush_forgets_file_names_in_the_pool)
{
    const char *first = pool_printf("%s", "first.yaml");
    diag_error((struct loc){first, 1, 1, "a"}, "one");
    flush_capture();
    pool_free_all(); // first is gone; diag must not look at it again
    const char *second = pool_printf("%s", "second.yaml");
    diag_error((struct loc){second, 2, 1, "b"}, "two");
    ck_assert_str_eq(flush_capture(), "second.yaml:2:1: b: two\n");
    pool_free_all();
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("spec_diag");
    TCase *t = tcase_create("diag");
    tcase_add_test(t, errors_come_out_by_file_then_position);
    tcase_add_test(t, flush_forgets_file_names_in_the_pool);
    suite_add_tcase(s, t);
    return s;
}
