// The WebAssembly runtime's one import (sdk/lib/wasm/import.c) under random
// system call numbers and arguments: each 44 bytes of input are a call (a
// 32-bit number, folded onto the FTL calls, the FTL_WASM_SYS_ ones and a
// few beyond, and five 64-bit arguments, offsets folded near linear
// memory's end half the time). Behind it a fake kernel checks that every
// pointer it is given lies wholly inside the module's linear memory (two
// wasm pages), message loans included, and touches every byte of it, so
// that a buffer the runtime should have refused aborts here or under ASan.
#include <stdint.h>
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

#define PAGES 2
#define SIZE (PAGES * WASM_PAGE_SIZE)

static wasm_rt_memory_t mem;
static struct Z_ftl_instance_t module;
static uint8_t *reserve;

// The fake kernel's check: [p, p + len) inside linear memory.
static void inside(const void *p, size_t len)
{
    if (len == 0) {
        return;
    }
    const uint8_t *b = p;
    if (b == NULL || b < mem.data || b > mem.data + mem.size ||
        len > (size_t)(mem.data + mem.size - b)) {
        abort(); // a buffer outside linear memory reached the kernel
    }
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum ^= b[i];
    }
    (void)sum;
}

ftl_handle_t ftl_vmarea_create(size_t size)
{
    (void)size;
    return 7;
}

void *ftl_vmarea_map(ftl_handle_t vmarea, unsigned prot, int *error)
{
    (void)vmarea, (void)prot, (void)error;
    // Only the pages the memory has, so that ASan sees past its end too.
    reserve = calloc(1, SIZE);
    return reserve;
}

int ftl_vmarea_commit(ftl_handle_t vmarea, size_t size)
{
    (void)vmarea;
    return size > SIZE ? FTL_ERR_NO_MEMORY : 0;
}

int ftl_vmarea_unmap(void *address)
{
    free(address);
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
    (void)trap;
    abort(); // the import must refuse, not trap
}

long ftl_console_write(const char *text, size_t len,
                       enum ftl_console_level level)
{
    (void)level;
    inside(text, len);
    return (long)len;
}

// The header is the runtime's copy (on its stack); its loan must be in
// linear memory.
static void message_inside(const struct ftl_msg *msg)
{
    if (msg->loan_len != 0) {
        inside((const void *)(uintptr_t)msg->loan_base, msg->loan_len);
    }
}

int ftl_channel_send(ftl_handle_t channel, const struct ftl_msg *msg,
                     const void *body)
{
    (void)channel;
    message_inside(msg);
    if (msg->body_len > FTL_MSG_BODY_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    inside(body, msg->body_len);
    return 0;
}

long ftl_channel_recv(ftl_handle_t channel, struct ftl_msg *msg, void *body,
                      size_t max)
{
    (void)channel;
    inside(msg, sizeof(*msg));
    inside(body, max);
    memset(msg, 0, sizeof(*msg));
    return 0;
}

int ftl_channel_create(ftl_handle_t ends[2])
{
    inside(ends, 2 * sizeof(ftl_handle_t));
    const ftl_handle_t made[2] = {1, 2};
    memcpy(ends, made, sizeof(made)); // linear memory: maybe unaligned
    return 0;
}

long ftl_copy_to_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                        const void *src, size_t len)
{
    (void)channel, (void)id, (void)offset;
    inside(src, len);
    return (long)len;
}

long ftl_copy_from_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                          void *dst, size_t len)
{
    (void)channel, (void)id, (void)offset;
    inside(dst, len);
    return (long)len;
}

int ftl_sink_wait(ftl_handle_t sink, struct ftl_event *event,
                  uint64_t timeout_ns)
{
    (void)sink, (void)timeout_ns;
    inside(event, sizeof(*event));
    return 0;
}

long ftl_syscall(long number, long a1, long a2, long a3, long a4, long a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    return number == FTL_SYS_CLOCK_NOW ? 123456789012345 : 0;
}

void ftl_process_exit(int status)
{
    (void)status;
    abort(); // never called: the input's exits are skipped
}

// Each string of a spawn request, its end included, and the image must be
// in linear memory; the pointer arrays are the runtime's own.
static void string_inside(const char *s)
{
    if (s != NULL) {
        inside(s, strlen(s) + 1);
    }
}

ftl_handle_t ftl_process_spawn_request(const struct ftl_spawn *request)
{
    string_inside(request->path);
    string_inside(request->name);
    for (uint32_t i = 0; i < request->argc; i++) {
        string_inside(request->argv[i]);
    }
    for (uint32_t i = 0; i < request->envc; i++) {
        string_inside(request->envp[i]);
    }
    inside(request->image, request->image_len);
    return 9;
}

int ftl_process_info(ftl_handle_t process, struct ftl_process_info *info)
{
    (void)process;
    inside(info, sizeof(*info));
    return 0;
}

int ftl_system_stats(struct ftl_system_stats *out)
{
    inside(out, sizeof(*out));
    return 0;
}

static const char *const args[] = {"fuzz_wasm.elf", "arg", NULL};
static const char *const env[] = {"A=1", NULL};
static const struct ftl_start_info start = {
    .name = "fuzz", .channel = 3, .argc = 2, .argv = args, .envp = env};
const struct ftl_start_info *ftl_start_info = &start;

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

// Half the offsets land near the end of memory, where the checks matter.
static uint64_t fold(uint64_t v)
{
    if (v & 1) {
        return SIZE - (v >> 8) % 128 + (int64_t)((v >> 1) % 128) - 64;
    }
    return v >> 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wasm_rt_allocate_memory(&mem, PAGES, PAGES);
    module.memory = &mem;
    for (; size >= 44; data += 44, size -= 44) {
        uint32_t n;
        memcpy(&n, data, sizeof(n));
        uint64_t a[5];
        for (int i = 0; i < 5; i++) {
            a[i] = fold(get64(data + 4 + 8 * i));
        }
        // A message header in memory with a random loan, for sends.
        if (a[1] < SIZE - sizeof(struct ftl_msg) && (n & 0x10000)) {
            struct ftl_msg msg = {.body_len = (uint32_t)(a[4] % 300),
                                  .loan_base = fold(a[3] * 31),
                                  .loan_len = a[4] >> 40};
            memcpy(mem.data + a[1], &msg, sizeof(msg));
        }
        // A spawn request with random offsets, argument counts and image.
        if (a[0] < SIZE - sizeof(struct ftl_wasm_spawn) && (n & 0x20000)) {
            struct ftl_wasm_spawn w = {.path = (uint32_t)fold(a[2]),
                                       .name = (uint32_t)fold(a[2] >> 7),
                                       .argc = (uint32_t)(a[3] % 40),
                                       .argv = (uint32_t)fold(a[3] >> 6),
                                       .envc = (uint32_t)(a[4] % 3),
                                       .envp = (uint32_t)fold(a[4] >> 2),
                                       .image = (uint32_t)fold(a[1] * 7),
                                       .image_len = a[4] >> 44};
            memcpy(mem.data + a[0], &w, sizeof(w));
        }
        uint32_t number =
            n % 64 < 50 ? n % (FTL_SYS_COUNT + 2) : FTL_WASM_SYS_BASE + n % 8;
        if (number == FTL_SYS_PROCESS_EXIT) {
            continue;
        }
        Z_ftlZ_syscall(&module, number, a[0], a[1], a[2], a[3], a[4]);
    }
    wasm_rt_free_memory(&mem);
    return 0;
}
