#!/usr/bin/env python3
"""Boot benchmarks: milliseconds from QEMU's start to the kernel's banner on
each boot path, one `bench:` line per boot (FTL_BENCH_RUNS boots of each,
default 5; bench/run-all.sh keeps min, median and max), and the size of
what boots, beside the Linux guest's (bench/linux: vmlinuz plus its
initramfs) when it is built."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from ftlqemu import BUILD, BANNER, Guest  # noqa: E402
import linux_bench  # noqa: E402
from linux_bench import linux_accel  # noqa: E402

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITFS = os.path.join(BUILD, "initfs.tar")
ISO = os.path.join(BUILD, "ftl.iso")
RUNS = int(os.environ.get("FTL_BENCH_RUNS", "5"))


def banner_ms(name, boot, run, accel):
    with Guest("bench_%s_%d" % (name, run), boot, accel=accel) as g:
        g.wait_for(BANNER.pattern, 120)
        return g.elapsed_ms()


def sizes():
    """The sizes of what boots; the same on every run, printed with each so
    that every figure has its runs."""
    print("bench: image.bytes %d bytes" % (os.path.getsize(KERNEL) +
                                            os.path.getsize(INITFS)))
    print("bench: image.iso_bytes %d bytes" % os.path.getsize(ISO))
    if os.path.exists(linux_bench.KERNEL) and \
            os.path.exists(linux_bench.INITRD):
        print("bench: linux.image.bytes %d bytes" % (
            os.path.getsize(linux_bench.KERNEL) +
            os.path.getsize(linux_bench.INITRD)))


def main():
    accel = linux_accel()
    print("accelerator: %s" % accel)
    linux_bench.build(quiet=True)  # for linux.image.bytes; fast when built
    # The two paths in turn, so that a slow spell of the host spreads over
    # both instead of falling on one.
    for run in range(RUNS):
        pvh = banner_ms("pvh", dict(kernel=KERNEL, initrd=INITFS), run, accel)
        print("bench: boot.banner_ms.pvh %.0f ms" % pvh)
        grub = banner_ms("grub", dict(iso=ISO), run, accel)
        print("bench: boot.banner_ms.grub %.0f ms" % grub)
        sizes()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
