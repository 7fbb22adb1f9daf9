// COM1 console output (polled 16550 UART).
#pragma once

#include <stddef.h>

// Program the UART for 115200 8N1. Call once, before the first write.
void serial_init(void);

// Write len bytes; "\n" becomes "\r\n". Safe from any context.
void serial_write(const char *text, size_t len);
