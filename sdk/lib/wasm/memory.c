// Linear memories of WebAssembly modules (wasm-rt.h): each is one
// anonymous vmarea of WASM_MEMORY_RESERVE bytes, committed as the memory
// grows, so its pages are charged to the service's memory limit, come
// zeroed, and never move. The code wasm2c generates checks every load and
// store against the memory's size (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0); the
// runtime checks the buffers of system calls with wasm_memory_span.
#include "memory.h"

#include <string.h>

#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/vmarea.h>

// The vmarea behind each memory, found by its base address. wasm2c's
// memory structure has no room for it, and a module has one memory.
#define WASM_MEMORIES_MAX 4

static struct {
    uint8_t *base;
    ftl_handle_t area;
} memories[WASM_MEMORIES_MAX];

void *wasm_memory_span(const wasm_rt_memory_t *mem, uint64_t offset,
                       uint64_t len)
{
    if (offset > mem->size || len > mem->size - offset ||
        (offset == 0 && len != 0)) {
        return NULL;
    }
    return mem->data + offset;
}

const char *wasm_memory_string(const wasm_rt_memory_t *mem, uint64_t offset,
                               size_t max)
{
    if (offset == 0 || offset >= mem->size) {
        return NULL;
    }
    uint64_t room = mem->size - offset;
    const char *s = (const char *)mem->data + offset;
    if (memchr(s, '\0', room < max ? room : max) == NULL) {
        return NULL;
    }
    return s;
}

static ftl_handle_t area_of(const uint8_t *base)
{
    for (int i = 0; i < WASM_MEMORIES_MAX; i++) {
        if (memories[i].base == base && base != NULL) {
            return memories[i].area;
        }
    }
    return FTL_HANDLE_INVALID;
}

static int slot_free(void)
{
    for (int i = 0; i < WASM_MEMORIES_MAX; i++) {
        if (memories[i].base == NULL) {
            return i;
        }
    }
    return -1;
}

// A module whose initial memory cannot be had does not start: this is a
// trap before its first instruction.
void wasm_rt_allocate_memory(wasm_rt_memory_t *mem, uint32_t initial_pages,
                             uint32_t max_pages)
{
    uint64_t bytes = (uint64_t)initial_pages * WASM_PAGE_SIZE;
    int slot = slot_free();
    if (slot < 0 || bytes > WASM_MEMORY_RESERVE) {
        wasm_rt_trap(WASM_RT_TRAP_OOB);
    }
    ftl_handle_t area = ftl_vmarea_create(WASM_MEMORY_RESERVE);
    if (area < 0) {
        wasm_rt_trap(WASM_RT_TRAP_OOB);
    }
    uint8_t *base = ftl_vmarea_map(area, FTL_PROT_READ | FTL_PROT_WRITE, NULL);
    if (base == NULL || ftl_vmarea_commit(area, bytes) < 0) {
        wasm_rt_trap(WASM_RT_TRAP_OOB);
    }
    memories[slot].base = base;
    memories[slot].area = area;
    mem->data = base;
    mem->pages = initial_pages;
    mem->max_pages = max_pages;
    mem->size = (uint32_t)bytes;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *mem, uint32_t delta)
{
    uint32_t old_pages = mem->pages;
    uint64_t new_pages = (uint64_t)old_pages + delta;
    uint64_t bytes = new_pages * WASM_PAGE_SIZE;
    if (new_pages > mem->max_pages || bytes > WASM_MEMORY_RESERVE) {
        return (uint32_t)-1;
    }
    ftl_handle_t area = area_of(mem->data);
    if (area < 0 || ftl_vmarea_commit(area, bytes) < 0) {
        return (uint32_t)-1;
    }
    mem->pages = (uint32_t)new_pages;
    mem->size = (uint32_t)bytes;
    return old_pages;
}

void wasm_rt_free_memory(wasm_rt_memory_t *mem)
{
    for (int i = 0; i < WASM_MEMORIES_MAX; i++) {
        if (memories[i].base == mem->data && mem->data != NULL) {
            ftl_vmarea_unmap(memories[i].base);
            ftl_handle_close(memories[i].area);
            memories[i].base = NULL;
        }
    }
    mem->data = NULL;
    mem->size = 0;
    mem->pages = 0;
}
