#!/usr/bin/env python3
"""Kernel benchmarks: boots tests/os/kernel_bench.c as the first process
(null system call from user and kernel mode, thread switch, process
create+exit, IPC round trips and copies), under the same accelerator as the
Linux baseline (bench/linux_bench.py), BOOTS times (FTL_KERNEL_BENCH_BOOTS,
default 5), and prints each figure's median over the boots as a `bench:`
line, as the Linux baseline does: one boot measures each figure in well
under a second, and a busy host can slow a whole boot by half.

Beside each figure in cycles it prints the guest instructions the same
operation takes, `bench: NAME.insns N instructions` (for
`ipc.copy.64k.cycles`, `ipc.copy.64k.insns`): the median over COUNT_BOOTS
more boots (FTL_KERNEL_COUNT_BOOTS, default 3) of the same program under TCG
with QEMU's instruction counting (ftlqemu.ICOUNT), where its rdtsc
differences are instructions. These do not depend on the host or on QEMU's
cost model and are the same on every boot; a line says so, or names the
counts that differed. FTL_KERNEL_BENCH_BOOTS=0 prints only them, in a few
seconds (docs/notes/ipc-speed.md, "Instructions")."""

import collections
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from ftlqemu import BUILD, ICOUNT, Guest  # noqa: E402
from linux_bench import (instruction_counts, linux_accel,  # noqa: E402
                         print_figures)

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
TEST_INITFS = os.path.join(BUILD, "test-initfs.tar")
BENCH_LINE = re.compile(r"^\[[a-z_]+\] bench: (\S+) (\S+) (\S+)\r?$", re.M)


def boot_once(accel, counting=False):
    """The (name, value, unit) figures of one boot (counting: under TCG with
    instruction counting)."""
    boot = dict(kernel=KERNEL, initrd=TEST_INITFS,
                append="ftl.test ftl.init=kernel_bench.elf")
    name, extra = "kernel_bench", ()
    if counting:
        name, accel, extra = "kernel_count", "tcg", ICOUNT
    with Guest(name, boot, accel=accel, extra=extra) as g:
        status = g.wait_exit(300)
        figures = BENCH_LINE.findall(g.console())
    if status != 0 or not figures:
        sys.exit("%s failed (status %d); console in build/test-logs"
                 % (name, status))
    return [(name, float(value), unit) for name, value, unit in figures]


def main():
    accel = linux_accel()
    print("accelerator: %s" % accel)
    boots = int(os.environ.get("FTL_KERNEL_BENCH_BOOTS", "5"))
    count_boots = int(os.environ.get("FTL_KERNEL_COUNT_BOOTS", "3"))
    values = collections.defaultdict(list)  # in the order first printed
    units = {}
    for _ in range(boots):
        for name, value, unit in boot_once(accel):
            values[name].append(value)
            units[name] = unit
    counts, note = instruction_counts(
        [boot_once(accel, counting=True) for _ in range(count_boots)])
    print_figures([(name, statistics.median(seen), units[name])
                   for name, seen in values.items()], counts)
    print("kernel_bench: median of %d boot(s) under %s; %s (TCG)"
          % (boots, accel, note), flush=True)


if __name__ == "__main__":
    main()
