// Reading the log lines the kernel keeps: the latest lines of each process
// name (a service's name under the supervisor, which its restarts reuse)
// and of the kernel ("kernel"), in a ring per name (docs/concepts/logs.md).
// Only the process that may spawn (the supervisor) may read them; the
// others get FTL_ERR_NOT_ALLOWED. Services ask the supervisor instead
// (GETATTR log/NAME/CURSOR, docs/reference/syscalls.md).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/syscall.h>

// Reads the lines of `name` after `cursor` (0: from the oldest kept) that
// fit in buffer[len], whole, oldest first, each as "CURSOR TEXT\n": its
// sequence number in decimal, a space, the line as the console showed it
// ("[name] LEVEL: text"). Numbers grow by one per line; a first line
// numbered above cursor + 1 means the lines in between were dropped. Sets
// *next (if not NULL) to the last line's number, to pass as the next
// cursor (cursor itself when nothing came). At most FTL_LOGS_READ_MAX bytes
// per call; a buffer of FTL_LOGS_ENTRY_MAX always holds a line. Returns the
// bytes (0: nothing new), FTL_ERR_NOT_ALLOWED, FTL_ERR_NOT_FOUND (no lines
// of that name kept), FTL_ERR_TOO_LARGE (the next line does not fit in
// len), FTL_ERR_BAD_ADDRESS.
long ftl_log_read(const char *name, uint64_t cursor, char *buffer, size_t len,
                  uint64_t *next);

// Lists the names that have lines kept, as "NAME LAST\n" each (LAST: its
// last line's number), the kernel's first. Sets *count (if not NULL) to the
// names. Returns the bytes, FTL_ERR_TOO_LARGE if the list does not fit in
// len (FTL_LOGS_LIST_MAX always does), FTL_ERR_NOT_ALLOWED...
long ftl_log_list(char *buffer, size_t len, uint64_t *count);
