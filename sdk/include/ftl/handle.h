// Handles as user code sees them: small positive integers naming kernel
// objects in the calling process's handle table, each with a set of rights.
//
// A handle's value is opaque. Closing a handle and getting its slot reused
// yields a different value, so a stale copy is refused (FTL_ERR_BAD_HANDLE)
// rather than reaching the new object. Rights only ever shrink: a handle
// passed on or duplicated can carry at most the rights of the original.
#pragma once

#include <stdint.h>

typedef int32_t ftl_handle_t;

// Never a valid handle; every real handle is positive.
#define FTL_HANDLE_INVALID 0

// Handles a process may hold at once: the default, and the most a spawn
// may grant (the spec's resources.handles). Kernel objects are not charged
// to a process's memory, so this bounds what it can make the kernel keep.
#define FTL_HANDLES_DEFAULT 1024
#define FTL_HANDLES_MAX 65536

// Rights bits.
#define FTL_RIGHT_READ 1      // receive, read, wait on it
#define FTL_RIGHT_WRITE 2     // send, write, signal it
#define FTL_RIGHT_TRANSFER 4  // move it to another process in a message
#define FTL_RIGHT_DUPLICATE 8 // make a second handle to the same object
#define FTL_RIGHT_MAP 16      // map it into an address space (vmarea)
#define FTL_RIGHT_MANAGE 32   // change or control it (limits, kill, ack)
#define FTL_RIGHTS_ALL 63

_Static_assert(sizeof(ftl_handle_t) == 4, "handles are 32-bit in the ABI");
