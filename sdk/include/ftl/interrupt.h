// Device interrupts. An interrupt handle delivers FTL_EVENT_INTERRUPT to the
// sinks watching it. The line stays masked from each interrupt until the
// driver acknowledges it, after it has made the device lower its request;
// so a level-triggered device cannot flood the CPU, and no interrupt is lost
// (the event's count says how many arrived).
#pragma once

#include <stdint.h>

#include <ftl/handle.h>

// The interrupt of PCI device `device` (its INTx pin); `gsi` must be 0.
// With device FTL_HANDLE_INVALID, the global system interrupt `gsi`
// instead, for the process that may grant devices (legacy ISA devices).
// Errors: FTL_ERR_BAD_HANDLE, FTL_ERR_NOT_ALLOWED, FTL_ERR_NOT_FOUND (the
// device has no interrupt pin), FTL_ERR_INVALID_ARG (no such GSI),
// FTL_ERR_BUSY (another handle has taken this interrupt).
ftl_handle_t ftl_interrupt_create(ftl_handle_t device, uint32_t gsi);

// Unmasks the line again: call it once the device's request is handled.
int ftl_interrupt_ack(ftl_handle_t interrupt);
