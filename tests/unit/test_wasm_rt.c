// The WebAssembly runtime's half of the sandbox that is not generated code
// (sdk/lib/wasm/rt.c): function type indices, which call_indirect's check
// compares, and traps, which must log a line naming the trap and end the
// process as a killed one. ftl_log and ftl_process_exit are fakes; the
// latter jumps back into the test.
#include <check.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ftl/console.h>
#include <ftl/process.h>
#include <ftl/syscall.h>

#include "wasm-rt.h"

static jmp_buf exited;
static int exit_status;
static char last_line[256];

void ftl_log(enum ftl_console_level level, const char *format, ...)
{
    ck_assert_int_eq(level, FTL_CONSOLE_ERROR);
    va_list args;
    va_start(args, format);
    vsnprintf(last_line, sizeof(last_line), format, args);
    va_end(args);
}

void ftl_process_exit(int status)
{
    exit_status = status;
    longjmp(exited, 1);
}

START_TEST(equal_signatures_share_an_index_and_others_do_not)
{
    uint32_t a =
        wasm_rt_register_func_type(2, 1, WASM_RT_I32, WASM_RT_I64, WASM_RT_I32);
    uint32_t b =
        wasm_rt_register_func_type(2, 1, WASM_RT_I32, WASM_RT_I64, WASM_RT_I32);
    uint32_t swapped =
        wasm_rt_register_func_type(2, 1, WASM_RT_I64, WASM_RT_I32, WASM_RT_I32);
    uint32_t no_result =
        wasm_rt_register_func_type(2, 0, WASM_RT_I32, WASM_RT_I64);
    uint32_t moved =
        wasm_rt_register_func_type(1, 2, WASM_RT_I32, WASM_RT_I64, WASM_RT_I32);
    uint32_t none = wasm_rt_register_func_type(0, 0);
    ck_assert_uint_eq(a, b);
    ck_assert_uint_ne(a, swapped);
    ck_assert_uint_ne(a, no_result);
    ck_assert_uint_ne(a, moved); // same types, another split
    ck_assert_uint_ne(none, a);
    // 0 is the null funcref's type: no function may have it.
    ck_assert_uint_ne(a, 0);
    ck_assert_uint_ne(none, 0);
}
END_TEST

START_TEST(a_trap_logs_its_name_and_exits_as_killed)
{
    static const struct {
        wasm_rt_trap_t trap;
        const char *line;
    } traps[] = {
        {WASM_RT_TRAP_OOB, "wasm trap: out of bounds memory access"},
        {WASM_RT_TRAP_DIV_BY_ZERO, "wasm trap: integer divide by zero"},
        {WASM_RT_TRAP_INT_OVERFLOW, "wasm trap: integer overflow"},
        {WASM_RT_TRAP_UNREACHABLE, "wasm trap: unreachable executed"},
        {WASM_RT_TRAP_CALL_INDIRECT,
         "wasm trap: indirect call type mismatch or null"},
        {WASM_RT_TRAP_EXHAUSTION, "wasm trap: call stack exhausted"},
        {WASM_RT_TRAP_INVALID_CONVERSION,
         "wasm trap: invalid conversion to integer"},
    };
    for (volatile size_t i = 0; i < sizeof(traps) / sizeof(traps[0]); i++) {
        exit_status = -1;
        if (setjmp(exited) == 0) {
            wasm_rt_trap(traps[i].trap);
        }
        ck_assert_int_eq(exit_status, FTL_EXIT_KILLED);
        ck_assert_str_eq(last_line, traps[i].line);
    }
}
END_TEST

START_TEST(tables_start_null_and_do_not_grow)
{
    wasm_rt_funcref_table_t table;
    wasm_rt_allocate_funcref_table(&table, 4, 8);
    ck_assert_uint_eq(table.size, 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_ptr_null(table.data[i].func); // call_indirect traps on it
    }
    ck_assert_uint_eq(
        wasm_rt_grow_funcref_table(&table, 1, wasm_rt_funcref_null_value),
        (uint32_t)-1);
    ck_assert_uint_eq(table.size, 4);
    wasm_rt_free_funcref_table(&table);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("wasm_rt");
    TCase *t = tcase_create("runtime");
    tcase_add_test(t, equal_signatures_share_an_index_and_others_do_not);
    tcase_add_test(t, a_trap_logs_its_name_and_exits_as_killed);
    tcase_add_test(t, tables_start_null_and_do_not_grow);
    suite_add_tcase(s, t);
    return s;
}
