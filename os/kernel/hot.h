// KERNEL_HOT marks the functions of the IPC round trip (system call entry,
// send, receive, sink wait, wake-up and switch). GCC puts them in
// .text.hot, which the linker script places first, so the round trip runs
// in a few pages of code instead of a dozen. Under TCG a switch between
// user processes reloads CR3, which empties QEMU's software TLB, and every
// page touched after it costs a refill (about 250 cycles each, measured).
#pragma once

#define KERNEL_HOT __attribute__((hot))

// The busiest of them are grouped by the page they share: a jump within a
// page is chained to its target once and for all, a jump across pages is
// looked up again after every address-space switch (QEMU's jump cache is
// emptied with the TLB), and a function that straddles a page boundary
// does that at every turn of its branches (user_user round trip: 82 -> 56
// lookups, 29,200 -> 27,500 cycles). kernel.ld starts each group on a page
// and fails the link when one outgrows it.
//   KERNEL_HOT_WAIT     system call entry, waiting on a sink, waking a
//                       waiter, switching, the SMAP copy window
//   KERNEL_HOT_MESSAGE  sending and receiving messages
// What a round trip does not run stays out of them: the rare paths of
// their callees are out of line and cold (a thread's reaping, an object's
// release, the timer's reprogramming), which brought the round trip's code
// from three pages to two (user_user TLB refills 48 -> 46).
#define KERNEL_HOT_WAIT __attribute__((hot, section(".text.hot.wait")))
#define KERNEL_HOT_MESSAGE __attribute__((hot, section(".text.hot.message")))

// KERNEL_HOT_RODATA marks a constant table the round trip reads (the system
// call table): it goes with the system call entry in KERNEL_HOT_WAIT
// rather than to a page of its own in .rodata. Executable, but never writable,
// as the code is.
#define KERNEL_HOT_RODATA __attribute__((section(".text.hot.wait.rodata")))

// KERNEL_HOT_DATA marks the (zero-initialized) variables the round trip
// reads and writes: run queues, the message pool, the CPU block, the
// clock's scale. They go to .bss.hot, first in .bss, so they share pages
// rather than sit between large arrays.
#define KERNEL_HOT_DATA __attribute__((section(".bss.hot")))

// KERNEL_HOT_ARRAY marks a large array of which only the first entries are
// busy (the message pool): it goes right after the hot variables, so those
// entries share their page and the rest does not push them apart.
#define KERNEL_HOT_ARRAY __attribute__((section(".bss.hot.array")))
