// A fake of the IPC system calls for host unit tests of the SDK's loop,
// server and client helpers: channels, loans and sinks in host memory,
// with the kernel's rules (queue limit, peek then receive, PEER_CLOSED
// after the last message, loans that end with the reply) and a clock that
// moves only when a sink wait times out or a test advances it.
//
// It defines the libftl functions those helpers call (ftl_channel_*,
// ftl_copy_*, ftl_sink_*, ftl_handle_close, ftl_clock_ns), so a test links
// it instead of sdk/lib/ipc.c and syscall.c. A sink wait that would block
// forever returns FTL_ERR_WOULD_BLOCK instead: a test that would hang in
// the OS fails here.
#pragma once

#include <stdint.h>

// Forgets every object and sets the clock to 0.
void fake_ipc_reset(void);

// Moves the clock forward.
void fake_clock_advance(uint64_t ns);

// Handles open now (to check that nothing leaks).
int fake_handles_open(void);
