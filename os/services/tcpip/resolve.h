// Host names to IPv4 addresses through lwIP's DNS client, for OPEN
// tcp:HOST:PORT, udp:HOST:PORT and GETATTR resolve:HOST. A dotted address
// resolves at once once the interface has an address (addrwait.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lwip/ip_addr.h"

// Splits "HOST:PORT" (the last colon) into host (size bytes with its NUL)
// and a port from 1 to 65535. Returns 0 or FTL_ERR_INVALID_ARG.
int resolve_split(const char *spec, char *host, size_t size, uint16_t *port);

// Parses a port from 1 to 65535: the port, or FTL_ERR_INVALID_ARG.
long resolve_port(const char *text);

// fn(error, address, arg) runs once: error 0 and the address, or
// FTL_ERR_NOT_FOUND (no such name, or no DNS server), FTL_ERR_IO (no
// address of our own within ADDRWAIT_NS), FTL_ERR_NO_MEMORY. It may run
// before resolve returns.
typedef void (*resolve_fn)(int error, const ip_addr_t *address, void *arg);
void resolve(const char *host, resolve_fn fn, void *arg);
