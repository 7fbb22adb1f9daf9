// Process start-up and the C runtime's hooks into FTL: _start, standard
// output through the console system call, the malloc heap on a vmarea, and
// _exit. picolibc provides the rest of the C library.
//
// The kernel has already applied the program's relocations, so _start can
// run ordinary C from its first instruction.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/console.h>
#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/vmarea.h>

#include "hot.h"

#define STDOUT_LINE_MAX 1024
#define HEAP_RESERVE (16u * 1024 * 1024)

const struct ftl_start_info *ftl_start_info;
char **environ;

// The kernel's system call entry in a kernel-mode process; NULL in a user
// process. Hidden: ftl_syscall reads it by name.
__attribute__((visibility("hidden"))) ftl_syscall_fn ftl_kernel_syscall;

// syscall.h. A user process's path is what the kernel's stub page does
// (start.h), but in the program's own code, so that a call touches one
// page fewer (under QEMU each page touched after an address-space switch
// costs a TLB refill). The arguments move from the C convention to the
// system call one (number in rax, the fourth argument in r10). Naked: all
// assembly, without the frame -fno-omit-frame-pointer would put around it.
// Its callers treat it as a call that clobbers every caller-saved
// register, as the kernel's entry may.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter" // used by the assembly
FTL_HOT __attribute__((naked)) long ftl_syscall(long number, long a1, long a2,
                                                long a3, long a4, long a5)
{
    __asm__("mov ftl_kernel_syscall(%rip), %rax\n\t"
            "test %rax, %rax\n\t"
            "jnz 1f\n\t"
            "mov %rdi, %rax\n\t"
            "mov %rsi, %rdi\n\t"
            "mov %rdx, %rsi\n\t"
            "mov %rcx, %rdx\n\t"
            "mov %r8, %r10\n\t"
            "mov %r9, %r8\n\t"
            "syscall\n\t"
            "ret\n"
            "1:\n\t"
            "jmp *%rax");
}
#pragma GCC diagnostic pop

int main(int argc, char **argv);
void _start(const struct ftl_start_info *info);
void __libc_init_array(void);

// Standard output and error: bytes collect in a line buffer that goes to the
// console at each newline, when full, and at exit.
static char line[STDOUT_LINE_MAX];
static size_t line_len;

static void stdout_flush_line(void)
{
    if (line_len > 0) {
        ftl_console_write(line, line_len, FTL_CONSOLE_PLAIN);
        line_len = 0;
    }
}

static int stdout_put(char c, FILE *file)
{
    (void)file;
    if (c == '\n') {
        stdout_flush_line();
        return (unsigned char)c;
    }
    if (line_len == sizeof(line)) {
        stdout_flush_line();
    }
    line[line_len++] = c;
    return (unsigned char)c;
}

static int stdout_flush(FILE *file)
{
    (void)file;
    stdout_flush_line();
    return 0;
}

static FILE console_file =
    FDEV_SETUP_STREAM(stdout_put, NULL, stdout_flush, _FDEV_SETUP_WRITE);
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;
FILE *const stdin = NULL;

// The malloc heap: one anonymous vmarea, reserved on first use. Its pages
// cost memory only when touched; growing the break commits them first, so
// that a process over its memory limit sees malloc return NULL rather than
// a fault.
static char *heap_base, *heap_break;
static ftl_handle_t heap_area;

void *sbrk(ptrdiff_t increment)
{
    if (heap_base == NULL) {
        heap_area = ftl_vmarea_create(HEAP_RESERVE);
        if (heap_area < 0) {
            return (void *)-1;
        }
        heap_base =
            ftl_vmarea_map(heap_area, FTL_PROT_READ | FTL_PROT_WRITE, NULL);
        if (heap_base == NULL) {
            ftl_handle_close(heap_area);
            return (void *)-1;
        }
        heap_break = heap_base;
    }
    size_t used = (size_t)(heap_break - heap_base);
    if (increment > 0 &&
        ((size_t)increment > HEAP_RESERVE - used ||
         ftl_vmarea_commit(heap_area, used + (size_t)increment) < 0)) {
        return (void *)-1;
    }
    if (increment < 0 && (size_t)-increment > used) {
        return (void *)-1;
    }
    char *old = heap_break;
    heap_break += increment;
    return old;
}

void _exit(int status)
{
    stdout_flush_line();
    ftl_process_exit(status);
}

void _start(const struct ftl_start_info *info)
{
    ftl_start_info = info;
    ftl_kernel_syscall =
        info->isolation == FTL_ISOLATION_USER ? NULL : info->syscall;
    environ = (char **)info->envp;
    __libc_init_array();
    exit(main(info->argc, (char **)info->argv));
}
