#!/usr/bin/env python3
"""Boot benchmarks: milliseconds from QEMU's start to the kernel's banner on
each boot path (median of several boots), and the size of what boots."""

import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from ftlqemu import BUILD, BANNER, Guest  # noqa: E402
from linux_bench import linux_accel  # noqa: E402

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITFS = os.path.join(BUILD, "initfs.tar")
ISO = os.path.join(BUILD, "ftl.iso")
RUNS = 5


def banner_ms(name, boot, runs, accel):
    times = []
    for i in range(runs):
        with Guest("bench_%s_%d" % (name, i), boot, accel=accel) as g:
            g.wait_for(BANNER.pattern, 120)
            times.append(g.elapsed_ms())
    return statistics.median(times)


def main():
    accel = linux_accel()
    print("accelerator: %s" % accel)
    pvh = banner_ms("pvh", dict(kernel=KERNEL, initrd=INITFS), RUNS, accel)
    print("bench: boot.banner_ms.pvh %.0f ms" % pvh)
    grub = banner_ms("grub", dict(iso=ISO), 3, accel)
    print("bench: boot.banner_ms.grub %.0f ms" % grub)
    size = os.path.getsize(KERNEL) + os.path.getsize(INITFS)
    print("bench: image.bytes %d bytes" % size)
    print("bench: image.iso_bytes %d bytes" % os.path.getsize(ISO))


if __name__ == "__main__":
    main()
