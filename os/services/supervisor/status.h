// The status table: GETATTR status on service/supervisor.
#pragma once

#include <stddef.h>

// Writes the table (a header line, then one line per service: name, state,
// restarts, isolation, uptime, memory) into buf, NUL-terminated and cut to
// size. Returns its length.
size_t status_table(char *buf, size_t size);
