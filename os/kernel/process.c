// Process lifetime (see process.h).
#include "process.h"

#include <ftl/error.h>

#include "arch/x64/gdt.h"
#include "heap.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "log.h"
#include "panic.h"
#include "sched.h"
#include "vm_layout.h"

static uint8_t kernel_slots[KERNEL_PROCESS_SLOTS / 8];
static uint32_t next_process_id = 1;
// `used`: only debuggers read it, and link-time optimisation would
// otherwise drop the stores to a table no code reads.
__attribute__((used)) struct process *process_slots[KERNEL_PROCESS_SLOTS];

static int slot_alloc(struct process *p)
{
    for (int i = 0; i < KERNEL_PROCESS_SLOTS; i++) {
        if (!(kernel_slots[i / 8] & (1u << (i % 8)))) {
            kernel_slots[i / 8] |= 1u << (i % 8);
            process_slots[i] = p;
            return i;
        }
    }
    return -1;
}

static void slot_free(int slot)
{
    kernel_slots[slot / 8] &= ~(1u << (slot % 8));
    process_slots[slot] = NULL;
}

static void process_destroy(struct object *object)
{
    struct process *p = (struct process *)object;
    ASSERT(p->thread_count == 0);
    account_put(p->space.account);
    heap_free(p);
}

struct process *process_create(const char *name, bool kernel_mode,
                               uint64_t memory_limit, unsigned handles_max)
{
    struct process *p = heap_alloc(sizeof(*p));
    struct memory_account *account =
        account_create((memory_limit + PAGE_SIZE - 1) / PAGE_SIZE);
    if (p == NULL || account == NULL) {
        heap_free(p);
        heap_free(account);
        return NULL;
    }
    size_t len = strnlen(name, FTL_NAME_MAX - 1);
    memcpy(p->name, name, len);
    p->name[len] = '\0';
    p->kernel_mode = kernel_mode;
    p->slot = -1;
    int err;
    if (kernel_mode) {
        p->slot = slot_alloc(p);
        if (p->slot < 0) {
            heap_free(p);
            account_put(account);
            return NULL;
        }
        uint64_t start =
            KERNEL_PROCESS_START + (uint64_t)p->slot * KERNEL_PROCESS_SLOT_SIZE;
        err = vm_space_init(&p->space, true, start,
                            start + KERNEL_PROCESS_SLOT_SIZE);
    } else {
        err = vm_space_init(&p->space, false, USER_BASE, USER_TOP);
    }
    if (err == 0) {
        err = handle_table_init(&p->handles, handles_max != 0
                                                 ? handles_max
                                                 : HANDLE_TABLE_MAX_DEFAULT);
        if (err < 0) {
            vm_space_destroy(&p->space);
        }
    }
    if (err < 0) {
        if (p->slot >= 0) {
            slot_free(p->slot);
        }
        heap_free(p);
        account_put(account);
        return NULL;
    }
    p->space.account = account;
    object_init(&p->object, OBJECT_PROCESS, process_destroy);
    p->id = next_process_id++;
    return p;
}

void process_start_thread(struct process *p, struct thread *t)
{
    object_get(&p->object); // each thread keeps its process alive
    t->process_next = p->threads;
    p->threads = t;
    p->thread_count++;
    sched_ready(t);
}

void process_exit(struct process *p, int status)
{
    if (p->state == PROCESS_EXITED) {
        return;
    }
    p->state = PROCESS_EXITED;
    p->exit_status = status;
    struct thread *current = sched_current();
    for (struct thread *t = p->threads; t != NULL; t = t->process_next) {
        if (t != current && t->state != THREAD_DEAD) {
            sched_remove(t);
        }
    }
    handle_table_destroy(&p->handles);
    while (p->waiters != NULL) {
        sched_wake(p->waiters, status); // removes it from the list
    }
}

void process_kill_for_fault(struct process *p, const char *kind,
                            uint64_t address, uint64_t rip)
{
    // The offset in the program, when rip is in it, is what addr2line and
    // gdb take on the unstripped file (linked at 0), in either mode.
    char offset[48] = "";
    if (p->image_size != 0 && rip >= p->image_base &&
        rip - p->image_base < p->image_size) {
        fmt_format(offset, sizeof(offset), ", program offset %p",
                   (void *)(rip - p->image_base));
    }
    log_write_about(p->name, LOG_ERROR,
                    "process %s killed: %s at %p (rip %p, %s mode)%s", p->name,
                    kind, (void *)address, (void *)rip,
                    p->kernel_mode ? "kernel" : "user", offset);
    process_exit(p, FTL_EXIT_KILLED);
    sched_exit_current();
}

long process_wait(struct process *p, uint64_t deadline_ns)
{
    if (p->state == PROCESS_EXITED) {
        return p->exit_status;
    }
    struct thread *current = sched_current();
    current->wait_next = p->waiters;
    p->waiters = current;
    current->wait_list = &p->waiters;
    return sched_block(deadline_ns);
}

void process_thread_reaped(struct process *p, struct thread *t)
{
    for (struct thread **link = &p->threads; *link != NULL;
         link = &(*link)->process_next) {
        if (*link == t) {
            *link = t->process_next;
            break;
        }
    }
    p->thread_count--;
    if (t->stack_base != 0 && p->state != PROCESS_EXITED) {
        vm_unmap(&p->space, t->stack_base);
    }
    if (p->thread_count == 0) {
        // Its last thread has exited without the process exiting: that is
        // an exit with status 0, as when main() returns.
        process_exit(p, 0);
        process_release_memory(p);
    }
    object_put(&p->object);
}

void process_release_memory(struct process *p)
{
    vm_space_destroy(&p->space);
    if (p->io_bitmap != NULL) {
        gdt_io_bitmap_changed(p->io_bitmap);
        heap_free(p->io_bitmap);
        p->io_bitmap = NULL;
    }
    if (p->slot >= 0) {
        slot_free(p->slot);
        p->slot = -1;
    }
}
