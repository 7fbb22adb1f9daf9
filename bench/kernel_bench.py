#!/usr/bin/env python3
"""Kernel benchmarks: boots tests/os/kernel_bench.c as the first process and
passes its `bench:` lines through (null system call from user and kernel
mode, thread switch, process create+exit), under the same accelerator as the
Linux baseline (bench/linux_bench.py)."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from ftlqemu import BUILD, Guest  # noqa: E402
from linux_bench import linux_accel  # noqa: E402

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
TEST_INITFS = os.path.join(BUILD, "test-initfs.tar")
BENCH_LINE = re.compile(r"^\[[a-z_]+\] (bench: \S+ \S+ \S+)\r?$", re.M)


def main():
    accel = linux_accel()
    print("accelerator: %s" % accel)
    boot = dict(kernel=KERNEL, initrd=TEST_INITFS,
                append="ftl.test ftl.init=kernel_bench.elf")
    with Guest("kernel_bench", boot, accel=accel) as g:
        status = g.wait_exit(300)
        lines = BENCH_LINE.findall(g.console())
    if status != 0 or not lines:
        sys.exit("kernel_bench failed (status %d); console in build/test-logs"
                 % status)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
