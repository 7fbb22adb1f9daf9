// The WebAssembly runtime's checks (sdk/lib/wasm/memory.c, import.c): every
// buffer a module passes through ftl.syscall must lie inside its linear
// memory before anything reaches the kernel, loans are translated, calls
// the runtime does not implement are refused, and linear memory grows in
// place up to its reserve. The FTL calls underneath are fakes that record
// what they were given.
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/console.h>
#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/start.h>
#include <ftl/syscall.h>
#include <ftl/vmarea.h>
#include <ftl/wasm.h>

#include "../../sdk/lib/wasm/instance.h"
#include "../../sdk/lib/wasm/memory.h"

uint64_t Z_ftlZ_syscall(struct Z_ftl_instance_t *self, uint32_t number,
                        uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5);

// Fakes of libftl: what reached "the kernel".
static int kernel_calls;
static const void *last_pointer;
static struct ftl_msg last_msg;
static uint64_t committed, commit_limit = WASM_MEMORY_RESERVE;
static uint8_t *reserve;

ftl_handle_t ftl_vmarea_create(size_t size)
{
    ck_assert_uint_eq(size, WASM_MEMORY_RESERVE);
    return 7;
}

void *ftl_vmarea_map(ftl_handle_t vmarea, unsigned prot, int *error)
{
    (void)vmarea, (void)prot, (void)error;
    reserve = calloc(1, WASM_MEMORY_RESERVE);
    return reserve;
}

int ftl_vmarea_commit(ftl_handle_t vmarea, size_t size)
{
    ck_assert_int_eq(vmarea, 7);
    if (size > commit_limit) {
        return FTL_ERR_NO_MEMORY;
    }
    committed = size;
    return 0;
}

int ftl_vmarea_unmap(void *address)
{
    ck_assert_ptr_eq(address, reserve);
    free(reserve);
    reserve = NULL;
    return 0;
}

int ftl_handle_close(ftl_handle_t handle)
{
    (void)handle;
    return 0;
}

void wasm_rt_trap(wasm_rt_trap_t trap)
{
    ck_abort_msg("trap %d", trap);
    abort();
}

long ftl_console_write(const char *text, size_t len,
                       enum ftl_console_level level)
{
    (void)level;
    kernel_calls++;
    last_pointer = text;
    return (long)len;
}

int ftl_channel_send(ftl_handle_t channel, const struct ftl_msg *msg,
                     const void *body)
{
    (void)channel;
    kernel_calls++;
    last_msg = *msg;
    last_pointer = body;
    return 0;
}

long ftl_channel_recv(ftl_handle_t channel, struct ftl_msg *msg, void *body,
                      size_t max)
{
    (void)channel, (void)msg, (void)max;
    kernel_calls++;
    last_pointer = body;
    return 0;
}

int ftl_channel_create(ftl_handle_t ends[2])
{
    kernel_calls++;
    last_pointer = ends;
    return 0;
}

long ftl_copy_to_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                        const void *src, size_t len)
{
    (void)channel, (void)id, (void)offset;
    kernel_calls++;
    last_pointer = src;
    return (long)len;
}

long ftl_copy_from_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                          void *dst, size_t len)
{
    (void)channel, (void)id, (void)offset;
    kernel_calls++;
    last_pointer = dst;
    return (long)len;
}

int ftl_sink_wait(ftl_handle_t sink, struct ftl_event *event,
                  uint64_t timeout_ns)
{
    (void)sink, (void)timeout_ns;
    kernel_calls++;
    last_pointer = event;
    return 0;
}

long ftl_syscall(long number, long a1, long a2, long a3, long a4, long a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    kernel_calls++;
    return number == FTL_SYS_CLOCK_NOW ? 123456789012345 : 0;
}

void ftl_process_exit(int status)
{
    ck_abort_msg("exit %d", status);
    abort();
}

// The request as the kernel would see it; its argv and envp arrays are the
// runtime's, gone after the call, so their entries are kept here.
static struct ftl_spawn last_spawn;
static const char *last_argv[FTL_SPAWN_ARGS_MAX + 1];
static const char *last_envp[FTL_SPAWN_ARGS_MAX + 1];

ftl_handle_t ftl_process_spawn_request(const struct ftl_spawn *request)
{
    kernel_calls++;
    last_spawn = *request;
    for (uint32_t i = 0; i <= request->argc && request->argv != NULL; i++) {
        last_argv[i] = request->argv[i];
    }
    for (uint32_t i = 0; i <= request->envc && request->envp != NULL; i++) {
        last_envp[i] = request->envp[i];
    }
    return 9;
}

int ftl_process_info(ftl_handle_t process, struct ftl_process_info *info)
{
    (void)process;
    kernel_calls++;
    last_pointer = info;
    return 0;
}

int ftl_system_stats(struct ftl_system_stats *out)
{
    kernel_calls++;
    last_pointer = out;
    return 0;
}

static const char *const args[] = {"hostile_wasm.elf", "oob", NULL};
static const char *const env[] = {"PINGS=3", NULL};
static const struct ftl_start_info start = {
    .name = "pong", .channel = 3, .argc = 2, .argv = args, .envp = env};
const struct ftl_start_info *ftl_start_info = &start;

// A module's memory of two wasm pages.
#define PAGES 2
#define SIZE (PAGES * WASM_PAGE_SIZE)

static wasm_rt_memory_t mem;
static struct Z_ftl_instance_t module;

static void setup(void)
{
    kernel_calls = 0;
    last_pointer = NULL;
    commit_limit = WASM_MEMORY_RESERVE;
    wasm_rt_allocate_memory(&mem, PAGES, 65536);
    module.memory = &mem;
}

static void teardown(void)
{
    wasm_rt_free_memory(&mem);
}

static int64_t call(uint32_t n, uint64_t a1, uint64_t a2, uint64_t a3,
                    uint64_t a4, uint64_t a5)
{
    return (int64_t)Z_ftlZ_syscall(&module, n, a1, a2, a3, a4, a5);
}

START_TEST(spans_are_checked_at_both_ends_and_against_overflow)
{
    ck_assert_ptr_eq(wasm_memory_span(&mem, 1, SIZE - 1), mem.data + 1);
    ck_assert_ptr_null(wasm_memory_span(&mem, 0, 1)); // NULL to the module
    ck_assert_ptr_eq(wasm_memory_span(&mem, 0, 0), mem.data);
    ck_assert_ptr_eq(wasm_memory_span(&mem, SIZE - 4, 4), mem.data + SIZE - 4);
    ck_assert_ptr_eq(wasm_memory_span(&mem, SIZE, 0), mem.data + SIZE);
    ck_assert_ptr_null(wasm_memory_span(&mem, SIZE - 3, 4));
    ck_assert_ptr_null(wasm_memory_span(&mem, SIZE + 1, 0));
    ck_assert_ptr_null(wasm_memory_span(&mem, 16, UINT64_MAX));
    ck_assert_ptr_null(wasm_memory_span(&mem, UINT64_MAX, 2));
    ck_assert_ptr_null(wasm_memory_span(&mem, 0xffffffff, 1));
}
END_TEST

START_TEST(memory_grows_in_place_up_to_its_reserve)
{
    uint8_t *base = mem.data;
    ck_assert_uint_eq(committed, SIZE);
    ck_assert_uint_eq(wasm_rt_grow_memory(&mem, 3), PAGES);
    ck_assert_ptr_eq(mem.data, base);
    ck_assert_uint_eq(mem.size, (PAGES + 3) * WASM_PAGE_SIZE);
    ck_assert_uint_eq(committed, mem.size);
    uint32_t rest = WASM_MEMORY_RESERVE / WASM_PAGE_SIZE - mem.pages;
    ck_assert_uint_eq(wasm_rt_grow_memory(&mem, rest + 1), (uint32_t)-1);
    ck_assert_uint_eq(wasm_rt_grow_memory(&mem, 65535), (uint32_t)-1);
    commit_limit = mem.size; // the service's memory limit
    ck_assert_uint_eq(wasm_rt_grow_memory(&mem, 1), (uint32_t)-1);
    ck_assert_uint_eq(mem.pages, PAGES + 3);
}
END_TEST

START_TEST(buffers_outside_memory_never_reach_the_kernel)
{
    ck_assert_int_eq(call(FTL_SYS_CONSOLE_WRITE, SIZE - 2, 4, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_CONSOLE_WRITE, 16, UINT64_MAX - 8, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_RECV, 3, SIZE - 8, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_RECV, 3, 64, SIZE - 8, 16, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_CREATE, SIZE - 4, 0, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_CONSOLE_WRITE, 0, 4, 0, 0, 0), // NULL
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_COPY_TO_CALLER, 3, 1, 0, SIZE, 1),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_COPY_FROM_CALLER, 3, 1, 0, 1u << 31, 1),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_SINK_WAIT, 4, SIZE - 8, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_WASM_SYS_START_NAME, SIZE, 8, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(kernel_calls, 0);
}
END_TEST

START_TEST(buffers_inside_memory_go_as_native_pointers)
{
    ck_assert_int_eq(call(FTL_SYS_CONSOLE_WRITE, 100, 5, 0, 0, 0), 5);
    ck_assert_ptr_eq(last_pointer, mem.data + 100);
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_RECV, 3, 64, SIZE - 16, 16, 0), 0);
    ck_assert_ptr_eq(last_pointer, mem.data + SIZE - 16);
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_RECV, 3, 64, 0, 0, 0), 0);
    ck_assert_ptr_null(last_pointer); // no room: no buffer
    ck_assert_int_eq(call(FTL_SYS_COPY_FROM_CALLER, 3, 1, 0, 200, 50), 50);
    ck_assert_ptr_eq(last_pointer, mem.data + 200);
    ck_assert_int_eq(call(FTL_SYS_SINK_WAIT, 4, 8, 0, 0, 0), 0);
    ck_assert_ptr_eq(last_pointer, mem.data + 8);
    ck_assert_uint_eq((uint64_t)call(FTL_SYS_CLOCK_NOW, 0, 0, 0, 0, 0),
                      123456789012345);
}
END_TEST

START_TEST(a_sent_message_is_copied_and_its_loan_translated)
{
    struct ftl_msg msg = {.type = FTL_MSG_WRITE,
                          .body_len = 10,
                          .loan_base = 4096,
                          .loan_len = 512};
    memcpy(mem.data + 64, &msg, sizeof(msg));
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_SEND, 3, 64, 1024, 0, 0), 0);
    ck_assert_ptr_eq(last_pointer, mem.data + 1024);
    ck_assert_uint_eq(last_msg.loan_base, (uintptr_t)(mem.data + 4096));
    ck_assert_uint_eq(last_msg.loan_len, 512);

    msg.loan_base = SIZE - 256; // the loan runs past the end
    memcpy(mem.data + 64, &msg, sizeof(msg));
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_SEND, 3, 64, 1024, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    msg.loan_base = 4096;
    msg.body_len = 100;
    memcpy(mem.data + 64, &msg, sizeof(msg));
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_SEND, 3, 64, SIZE - 50, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    msg.body_len = FTL_MSG_BODY_MAX + 1;
    memcpy(mem.data + 64, &msg, sizeof(msg));
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_SEND, 3, 64, 0, 0, 0),
                     FTL_ERR_TOO_LARGE);
    ck_assert_int_eq(call(FTL_SYS_CHANNEL_SEND, 3, SIZE - 8, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(kernel_calls, 1);
}
END_TEST

// A spawn request at offset 1024 of the module's memory, its strings from
// offset 2048, its argv array at 1536.
static struct ftl_wasm_spawn *spawn_request_in_memory(void)
{
    static const char strings[] = "echo_server.elf\0second\0K=v";
    memcpy(mem.data + 2048, strings, sizeof(strings));
    const uint32_t argv[2] = {2048, 2048 + 16};
    memcpy(mem.data + 1536, argv, sizeof(argv));
    const uint32_t envp[1] = {2048 + 23};
    memcpy(mem.data + 1600, envp, sizeof(envp));
    struct ftl_wasm_spawn w = {.path = 2048,
                               .isolation = FTL_ISOLATION_KERNEL,
                               .argc = 2,
                               .argv = 1536,
                               .envc = 1,
                               .envp = 1600,
                               .channel = 5,
                               .memory_limit = 1u << 20};
    memcpy(mem.data + 1024, &w, sizeof(w));
    return (struct ftl_wasm_spawn *)(mem.data + 1024);
}

START_TEST(a_spawn_request_becomes_native_pointers_into_memory)
{
    struct ftl_wasm_spawn *w = spawn_request_in_memory();
    w->image = 8192;
    w->image_len = 100;
    ck_assert_int_eq(call(FTL_SYS_PROCESS_SPAWN, 1024, 0, 0, 0, 0), 9);
    ck_assert_ptr_eq(last_spawn.path, mem.data + 2048);
    ck_assert_ptr_null(last_spawn.name);
    ck_assert_uint_eq(last_spawn.isolation, FTL_ISOLATION_KERNEL);
    ck_assert_uint_eq(last_spawn.argc, 2);
    ck_assert_str_eq(last_argv[0], "echo_server.elf");
    ck_assert_str_eq(last_argv[1], "second");
    ck_assert_ptr_null(last_argv[2]);
    ck_assert_uint_eq(last_spawn.envc, 1);
    ck_assert_str_eq(last_envp[0], "K=v");
    ck_assert_ptr_null(last_envp[1]);
    ck_assert_int_eq(last_spawn.channel, 5);
    ck_assert_uint_eq(last_spawn.memory_limit, 1u << 20);
    ck_assert_ptr_eq(last_spawn.image, mem.data + 8192);
    ck_assert_uint_eq(last_spawn.image_len, 100);
    ck_assert_int_eq(kernel_calls, 1);
}
END_TEST

START_TEST(a_spawn_request_reaching_outside_memory_is_refused)
{
    struct ftl_wasm_spawn *w = spawn_request_in_memory();
    // The request itself past the end.
    ck_assert_int_eq(call(FTL_SYS_PROCESS_SPAWN, SIZE - 8, 0, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    // A path whose end is not in memory.
    memset(mem.data + SIZE - 16, 'x', 16);
    w->path = SIZE - 16;
    ck_assert_int_eq(call(FTL_SYS_PROCESS_SPAWN, 1024, 0, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    w->path = SIZE + 64;
    ck_assert_int_eq(call(FTL_SYS_PROCESS_SPAWN, 1024, 0, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    w->path = 2048;
    // The argv array running past the end, then one entry outside.
    w->argv = SIZE - 4;
    ck_assert_int_eq(call(FTL_SYS_PROCESS_SPAWN, 1024, 0, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    w->argv = 1536;
    const uint32_t outside = 0xfffffff0;
    memcpy(mem.data + 1536 + 4, &outside, sizeof(outside));
    ck_assert_int_eq(call(FTL_SYS_PROCESS_SPAWN, 1024, 0, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    w->argc = FTL_SPAWN_ARGS_MAX + 1;
    ck_assert_int_eq(call(FTL_SYS_PROCESS_SPAWN, 1024, 0, 0, 0, 0),
                     FTL_ERR_INVALID_ARG);
    w->argc = 0;
    // An image running past the end.
    w->image = SIZE - 50;
    w->image_len = 100;
    ck_assert_int_eq(call(FTL_SYS_PROCESS_SPAWN, 1024, 0, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(kernel_calls, 0);
}
END_TEST

START_TEST(process_calls_fill_structures_inside_memory)
{
    ck_assert_int_eq(call(FTL_SYS_PROCESS_INFO, 9, 256, 0, 0, 0), 0);
    ck_assert_ptr_eq(last_pointer, mem.data + 256);
    ck_assert_int_eq(call(FTL_SYS_SYSTEM_STATS, 512, 0, 0, 0, 0), 0);
    ck_assert_ptr_eq(last_pointer, mem.data + 512);
    ck_assert_int_eq(call(FTL_SYS_PROCESS_INFO, 9, SIZE - 8, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(call(FTL_SYS_SYSTEM_STATS, SIZE - 8, 0, 0, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
    ck_assert_int_eq(kernel_calls, 2);
}
END_TEST

START_TEST(calls_the_runtime_does_not_implement_are_refused)
{
    ck_assert_int_eq(call(FTL_SYS_VMAREA_CREATE, 4096, 0, 0, 0, 0),
                     FTL_ERR_NOT_SUPPORTED);
    ck_assert_int_eq(call(FTL_SYS_VMAREA_MAP, 7, 3, 0, 0, 0),
                     FTL_ERR_NOT_SUPPORTED);
    ck_assert_int_eq(call(FTL_SYS_THREAD_CREATE, 0, 0, 0, 0, 0),
                     FTL_ERR_NOT_SUPPORTED);
    ck_assert_int_eq(call(FTL_SYS_PCI_FIND, 0, 0, 0, 0, 0),
                     FTL_ERR_NOT_SUPPORTED);
    ck_assert_int_eq(call(0xffffffff, 0, 0, 0, 0, 0), FTL_ERR_NOT_SUPPORTED);
    ck_assert_int_eq(kernel_calls, 0);
}
END_TEST

START_TEST(the_start_up_strings_are_copied_within_bounds)
{
    ck_assert_int_eq(call(FTL_WASM_SYS_START_CHANNEL, 0, 0, 0, 0, 0), 3);
    ck_assert_int_eq(call(FTL_WASM_SYS_START_NAME, 300, 2, 0, 0, 0), 4);
    ck_assert_int_eq(memcmp(mem.data + 300, "po\0", 3), 0); // cut at 2
    ck_assert_int_eq(call(FTL_WASM_SYS_START_ARG, 1, 400, 16, 0, 0), 3);
    ck_assert_int_eq(memcmp(mem.data + 400, "oob", 3), 0);
    ck_assert_int_eq(call(FTL_WASM_SYS_START_ARG, 2, 400, 16, 0, 0),
                     FTL_ERR_NOT_FOUND);
    ck_assert_int_eq(call(FTL_WASM_SYS_START_ENV, 0, 500, 16, 0, 0), 7);
    ck_assert_int_eq(memcmp(mem.data + 500, "PINGS=3", 7), 0);
    ck_assert_int_eq(call(FTL_WASM_SYS_START_ENV, 1, 500, 16, 0, 0),
                     FTL_ERR_NOT_FOUND);
    ck_assert_int_eq(call(FTL_WASM_SYS_START_ARG, 0, SIZE - 4, 16, 0, 0),
                     FTL_ERR_BAD_ADDRESS);
}
END_TEST

START_TEST(the_cycle_counter_advances_without_the_kernel)
{
    uint64_t first = (uint64_t)call(FTL_WASM_SYS_CYCLES, 0, 0, 0, 0, 0);
    uint64_t second = (uint64_t)call(FTL_WASM_SYS_CYCLES, 0, 0, 0, 0, 0);
    ck_assert_uint_gt(second, first);
    ck_assert_int_eq(kernel_calls, 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("wasm_import");
    TCase *t = tcase_create("checks");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, spans_are_checked_at_both_ends_and_against_overflow);
    tcase_add_test(t, memory_grows_in_place_up_to_its_reserve);
    tcase_add_test(t, buffers_outside_memory_never_reach_the_kernel);
    tcase_add_test(t, buffers_inside_memory_go_as_native_pointers);
    tcase_add_test(t, a_sent_message_is_copied_and_its_loan_translated);
    tcase_add_test(t, a_spawn_request_becomes_native_pointers_into_memory);
    tcase_add_test(t, a_spawn_request_reaching_outside_memory_is_refused);
    tcase_add_test(t, process_calls_fill_structures_inside_memory);
    tcase_add_test(t, calls_the_runtime_does_not_implement_are_refused);
    tcase_add_test(t, the_start_up_strings_are_copied_within_bounds);
    tcase_add_test(t, the_cycle_counter_advances_without_the_kernel);
    suite_add_tcase(s, t);
    return s;
}
