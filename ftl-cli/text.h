// Strings: formatting into new memory, substitution, and the checks that
// names and numbers typed by users must pass. `ftl` is a short-lived
// command, so memory from here is never freed: there is no loop that could
// grow, and every path stays valid for the whole run.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// printf into new memory; exits (out of memory) rather than return NULL.
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// s with every "{{key}}" replaced by its value from the NULL-terminated
// key, value, key, value... list vars; unknown keys stay as they are.
char *str_expand(const char *s, const char *const *vars);

// Whether s is a valid service, project or test name: what specs accept
// (docs/reference/spec.md): a lowercase letter, then lowercase letters,
// digits, '_' or '-', at most 31 characters. Also a C identifier once '-'
// becomes '_' (str_ident).
bool name_is_valid(const char *s);

// s with '-' as '_': a name usable in C identifiers.
char *str_ident(const char *s);

// s upper-cased (for C macros).
char *str_upper(const char *s);

// Parses "HOST:GUEST" (ports 1-65535, "/tcp" or "/udp" may follow) into
// *host, *guest and *udp; false if malformed.
bool port_parse(const char *s, unsigned *host, unsigned *guest, bool *udp);

// Parses a memory size as QEMU's -m takes it, in MiB: "256", "256M",
// "256MiB", "1G", "1GiB"; false if malformed or below 16 MiB.
bool memory_parse_mib(const char *s, unsigned long *mib);

// Parses "VVVV:DDDD" (hexadecimal PCI vendor and device IDs, "0x"
// optional); false if malformed.
bool pci_id_parse(const char *s, uint16_t *vendor, uint16_t *device);

// Whether s ends with suffix.
bool str_ends_with(const char *s, const char *suffix);
