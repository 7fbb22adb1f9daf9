// FTL_HOT marks the functions of libftl that every call through the loop
// runs (system call wrappers, the loop's dispatch, the server's and the
// client's receive and reply paths). GCC puts them in .text.hot, which
// the linker places together ahead of the rest of the code: under QEMU
// each page of code a process touches is refilled after every
// address-space switch, and each jump to another page is looked up again
// (docs/notes/ipc-speed.md). Not public: a program's own code is its own.
#pragma once

#define FTL_HOT __attribute__((hot))
