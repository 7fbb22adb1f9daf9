// Waiting for the interface's address: an app that starts with the system
// connects before DHCP has answered. lwIP would send that SYN from 0.0.0.0
// and retry it for a minute; instead, connects, UDP sockets and lookups
// made before the address is there wait for it, up to ADDRWAIT_NS, and
// fail with FTL_ERR_IO ("no address") after that.
#pragma once

#include <stdint.h>

#include <ftl/loop.h>

#define ADDRWAIT_NS (30 * 1000 * FTL_MS)

// fn(0, arg) once the interface has an address (at once if it has one), or
// fn(FTL_ERR_IO, arg) after ADDRWAIT_NS without; fn(FTL_ERR_NO_MEMORY,
// arg) at once when no memory is left to wait.
typedef void (*addrwait_fn)(int error, void *arg);
void addrwait(addrwait_fn fn, void *arg);

// The loop the deadlines run on; before any addrwait.
void addrwait_init(struct ftl_loop *loop);

// The interface has an address now (netif.c): the waiters go on.
void addrwait_ready(void);
