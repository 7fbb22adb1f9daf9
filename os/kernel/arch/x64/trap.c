// The IDT and the dispatch of every vector: the timer to the scheduler,
// exceptions to the fault policy below, device interrupts (later) to their
// interrupt objects.
//
// Fault policy, in order: a page fault inside a mapping is resolved
// (demand-zero); a fault in the user-copy routines returns an error to the
// system call; a fault of a process (in ring 3, or in a kernel-mode
// process's own code) kills that process with one log line; anything else
// is a kernel bug and panics with registers and a backtrace.
#include "arch/x64/trap.h"

#include <ftl/error.h>

#include "arch.h"
#include "arch/x64/apic.h"
#include "arch/x64/asm.h"
#include "arch/x64/gdt.h"
#include "arch/x64/usercopy.h"
#include "interrupt.h"
#include "ksyms.h"
#include "log.h"
#include "panic.h"
#include "process.h"
#include "sched.h"
#include "thread.h"

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct idt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define IDT_INTERRUPT_GATE 0x8e

extern const uint64_t x64_trap_stubs[256];
extern const struct x64_ex_entry __ex_table_start[], __ex_table_end[];
extern const char __text_start[], __text_end[];

static struct idt_entry idt[256];

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization exception",
    "control protection exception",
};

void trap_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t handler = x64_trap_stubs[v];
        idt[v] = (struct idt_entry){
            .offset_low = handler & 0xffff,
            .selector = GDT_KERNEL_CODE,
            .type = IDT_INTERRUPT_GATE,
            .offset_mid = (handler >> 16) & 0xffff,
            .offset_high = handler >> 32,
        };
    }
    idt[TRAP_DOUBLE_FAULT].ist = IST_DOUBLE_FAULT;
    idt[TRAP_NMI].ist = IST_NMI;
    idt[18].ist = IST_MACHINE_CHECK;
    struct idt_pointer pointer = {sizeof(idt) - 1, (uint64_t)idt};
    x64_load_idt(&pointer);
}

void trap_dump(const struct trap_frame *f)
{
    log_raw("  rip %016lx  rsp %016lx  rflags %08lx  cs %lx  ss %lx", f->rip,
            f->rsp, f->rflags, f->cs, f->ss);
    log_raw("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx", f->rax, f->rbx,
            f->rcx, f->rdx);
    log_raw("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx", f->rsi, f->rdi,
            f->rbp, f->r8);
    log_raw("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx", f->r9, f->r10,
            f->r11, f->r12);
    log_raw("  r13 %016lx  r14 %016lx  r15 %016lx  cr2 %016lx", f->r13, f->r14,
            f->r15, x64_read_cr2());
    log_raw("  vector %lu  error code %lx", f->vector, f->error_code);
}

static bool in_kernel_text(uint64_t rip)
{
    return rip >= (uint64_t)__text_start && rip < (uint64_t)__text_end;
}

// Describes a page fault for the log line of a killed process.
static const char *page_fault_kind(const struct trap_frame *f,
                                   const struct process *p, uint64_t address)
{
    if (vm_is_stack_guard(&p->space, address)) {
        return "stack overflow";
    }
    if (f->error_code & PF_FETCH) {
        return "page fault: execute";
    }
    if (!(f->error_code & PF_PRESENT)) {
        return (f->error_code & PF_WRITE) ? "page fault: write to unmapped"
                                          : "page fault: read of unmapped";
    }
    return (f->error_code & PF_WRITE) ? "page fault: write to read-only"
                                      : "page fault: protection";
}

// Demand-zero: returns 0 if the fault is resolved, else why not.
static int try_resolve_page_fault(struct trap_frame *f, uint64_t address)
{
    struct thread *t = sched_current();
    if (t == NULL || t->process == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    struct address_space *space = &t->process->space;
    if (!vm_range_is_owned(space, address, 1)) {
        return FTL_ERR_BAD_ADDRESS;
    }
    return vm_handle_fault(space, address, f->error_code & PF_WRITE,
                           f->error_code & PF_FETCH);
}

static __attribute__((noreturn)) void kernel_fault(struct trap_frame *f)
{
    log_write(LOG_ERROR, "kernel", "PANIC: %s in the kernel",
              f->vector < 32 ? exception_names[f->vector] : "trap");
    trap_dump(f);
    backtrace_print(f->rip, f->rbp);
    if (panic_test_mode) {
        arch_machine_exit(PANIC_EXIT_STATUS);
    }
    arch_halt();
}

uint64_t x64_usercopy_fixup_for(uint64_t rip)
{
    for (const struct x64_ex_entry *e = __ex_table_start; e < __ex_table_end;
         e++) {
        if (e->fault_rip == rip) {
            return e->resume_rip;
        }
    }
    return 0;
}

static void handle_exception(struct trap_frame *f)
{
    uint64_t address = f->vector == TRAP_PAGE_FAULT ? x64_read_cr2() : f->rip;
    if (f->vector == TRAP_NMI) {
        LOG_WARN("NMI at %p", (void *)f->rip);
        return;
    }
    int resolved = FTL_ERR_BAD_ADDRESS;
    if (f->vector == TRAP_PAGE_FAULT) {
        resolved = try_resolve_page_fault(f, address);
        if (resolved == 0) {
            return;
        }
    }
    uint64_t resume = x64_usercopy_fixup_for(f->rip);
    if (resume != 0) {
        f->rip = resume;
        return;
    }
    struct thread *t = sched_current();
    struct process *p = t != NULL ? t->process : NULL;
    // A kernel-mode process's own code is outside the kernel's text; a fault
    // there (or a double fault caused by its stack overflowing) is its own.
    if (p != NULL && (trap_from_user(f) || !in_kernel_text(f->rip))) {
        const char *kind = exception_names[f->vector];
        const struct memory_account *account = p->space.account;
        if (resolved == FTL_ERR_NO_MEMORY && account->limit_pages != 0 &&
            account->pages >= account->limit_pages) {
            kind = "over its memory limit (a demand-zero page)";
        } else if (resolved == FTL_ERR_NO_MEMORY) {
            kind = "out of memory for a demand-zero page";
        } else if (f->vector == TRAP_PAGE_FAULT) {
            kind = page_fault_kind(f, p, address);
        } else if (f->vector == TRAP_DOUBLE_FAULT && p->kernel_mode) {
            // In ring 0 a fault on the stack's guard page cannot push its
            // frame there, so it becomes a double fault (on its IST stack).
            kind = "stack overflow (double fault)";
        }
        process_kill_for_fault(p, kind, address, f->rip);
    }
    kernel_fault(f);
}

void x64_handle_trap(struct trap_frame *f)
{
    if (f->vector < 32) {
        handle_exception(f);
    } else if (f->vector == TRAP_TIMER) {
        apic_eoi();
        sched_timer_interrupt();
    } else if (f->vector == TRAP_SPURIOUS) {
        return;
    } else if (f->vector >= TRAP_IRQ_BASE &&
               f->vector < TRAP_IRQ_BASE + TRAP_IRQ_COUNT) {
        // Masked until the driver acknowledges: a level-triggered line
        // would fire again at once otherwise.
        unsigned gsi = (unsigned)(f->vector - TRAP_IRQ_BASE);
        apic_gsi_mask(gsi);
        apic_eoi();
        interrupt_raise(gsi);
        sched_preempt_point(true);
    } else {
        apic_eoi();
        LOG_WARN("unexpected interrupt vector %lu", f->vector);
    }
}
