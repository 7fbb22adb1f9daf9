// The system call dispatcher: one table, every call decoded and checked
// before it acts (see sdk/include/ftl/syscall.h for the ABI).
#pragma once

// Runs system call `number` for the running thread. Unknown numbers give
// FTL_ERR_INVALID_ARG. Interrupts are off throughout.
long syscall_dispatch(long number, long a1, long a2, long a3, long a4, long a5);

// The entry of kernel-mode processes: their ftl_start_info.syscall. Same
// dispatcher, called as a function with interrupts turned off around it.
long syscall_call_from_kernel_mode(long number, long a1, long a2, long a3,
                                   long a4, long a5);
