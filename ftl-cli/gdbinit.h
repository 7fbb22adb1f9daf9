// `ftl run --gdb`: a free port for QEMU's gdb stub and the gdb script that
// attaches to it (build/run/gdbinit) with the symbols of the kernel and
// of every service loaded where they run (docs/guides/debugging.md).
//
// The script loads the unstripped files: the SDK's debug/base/ (its -dbg
// tarball unpacked over it) for the kernel and the base's programs, the
// project's build/.../NAME.elf for its own. Where the SDK has no
// unstripped twin, the kernel falls back to the booted one (it keeps its
// function names) and a base program is left out. The placing itself is
// done in gdb by the SDK's base/ftl_gdb.py: user-mode programs at
// 0x400000 one at a time, kernel-mode ones where the kernel put them.
#pragma once

#include "image.h"

// A TCP port on 127.0.0.1 that nothing listens on now, or 0 if none could
// be found. (Another program may take it before QEMU does: QEMU then fails
// to start and says so.)
unsigned gdb_port_pick(void);

// Writes the gdb script to path for img booted with the stub on port; 0,
// or an exit code after printing why not. Warns when the SDK has no
// unstripped kernel.
int gdbinit_write(const struct image *img, unsigned port, const char *path);
