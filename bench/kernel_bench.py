#!/usr/bin/env python3
"""Kernel benchmarks: boots tests/os/kernel_bench.c as the first process
(null system call from user and kernel mode, thread switch, process
create+exit, IPC round trips and copies), under the same accelerator as the
Linux baseline (bench/linux_bench.py), BOOTS times (FTL_KERNEL_BENCH_BOOTS,
default 5), and prints each figure's median over the boots as a `bench:`
line, as the Linux baseline does: one boot measures each figure in well
under a second, and a busy host can slow a whole boot by half."""

import collections
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from ftlqemu import BUILD, Guest  # noqa: E402
from linux_bench import linux_accel, number  # noqa: E402

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
TEST_INITFS = os.path.join(BUILD, "test-initfs.tar")
BENCH_LINE = re.compile(r"^\[[a-z_]+\] bench: (\S+) (\S+) (\S+)\r?$", re.M)


def boot_once(accel):
    """The (name, value, unit) figures of one boot."""
    boot = dict(kernel=KERNEL, initrd=TEST_INITFS,
                append="ftl.test ftl.init=kernel_bench.elf")
    with Guest("kernel_bench", boot, accel=accel) as g:
        status = g.wait_exit(300)
        figures = BENCH_LINE.findall(g.console())
    if status != 0 or not figures:
        sys.exit("kernel_bench failed (status %d); console in build/test-logs"
                 % status)
    return figures


def main():
    accel = linux_accel()
    print("accelerator: %s" % accel)
    boots = int(os.environ.get("FTL_KERNEL_BENCH_BOOTS", "5"))
    values = collections.defaultdict(list)  # in the order first printed
    units = {}
    for _ in range(boots):
        for name, value, unit in boot_once(accel):
            values[name].append(float(value))
            units[name] = unit
    for name, seen in values.items():
        print("bench: %s %s %s" % (name, number(statistics.median(seen)),
                                   units[name]))
    print("kernel_bench: median of %d boot(s)" % boots, flush=True)


if __name__ == "__main__":
    main()
