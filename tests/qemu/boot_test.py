#!/usr/bin/env python3
"""Boot tests: the kernel boots on both paths (PVH with -kernel/-initrd, GRUB
Multiboot2 from the ISO as a CD-ROM and as a raw disk), reads what the loader
gives it, and ends QEMU with its test-mode status."""

import os
import re
import subprocess
import sys
import tarfile
import tempfile

from testlib import check, run_suite
from ftlqemu import BUILD, Guest

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITFS = os.path.join(BUILD, "initfs.tar")
ISO = os.path.join(BUILD, "ftl.iso")
VERSION = open(os.path.join(BUILD, "..", "VERSION")).read().strip()

PVH_TIMEOUT_S = 20
GRUB_TIMEOUT_S = 90  # SeaBIOS and GRUB under TCG


def banner(path):
    return rb"^\r*FTL %s x86_64, boot path: %s\r?$" % (
        re.escape(VERSION.encode()), path.encode())


def make_initfs(directory, files):
    """A ustar archive like the build's, with the given {name: bytes}."""
    path = os.path.join(directory, "initfs.tar")
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in files.items():
            source = os.path.join(directory, name)
            with open(source, "wb") as f:
                f.write(data)
            tar.add(source, arcname=name)
    return path


def pvh_boot_prints_banner_and_exits_ok():
    with Guest("pvh_banner", dict(kernel=KERNEL, initrd=INITFS,
                                  append="ftl.test")) as g:
        g.wait_for(banner("pvh"), PVH_TIMEOUT_S)
        status = g.wait_exit(PVH_TIMEOUT_S)
        check(status == 0, "test-mode status %d, expected 0" % status)


def pvh_banner_is_first_console_line():
    with Guest("pvh_first_line", dict(kernel=KERNEL, initrd=INITFS,
                                      append="ftl.test")) as g:
        g.wait_exit(PVH_TIMEOUT_S)
        lines = [l for l in g.console().splitlines() if l.startswith(("FTL", "["))]
        check(lines and lines[0].startswith("FTL %s " % VERSION),
              "first kernel line is %r" % (lines[:1],))


def pvh_passes_the_command_line():
    with Guest("pvh_cmdline", dict(kernel=KERNEL, initrd=INITFS,
                                   append="ftl.test answer=42 quiet")) as g:
        g.wait_for(rb"command line: ftl\.test answer=42 quiet\r?$",
                   PVH_TIMEOUT_S)


def pvh_reports_the_memory_size():
    with Guest("pvh_memory", dict(kernel=KERNEL, initrd=INITFS,
                                  append="ftl.test"), memory="256M") as g:
        m = g.wait_for(rb"memory: (\d+) MiB usable", PVH_TIMEOUT_S)
        mib = int(m.group(1))
        # A little below 256 MiB: the BIOS keeps the low 640 KiB hole and
        # some ACPI and firmware pages.
        check(240 <= mib <= 256, "%d MiB usable with -m 256M" % mib)


def pvh_lists_the_initfs_files():
    with tempfile.TemporaryDirectory() as d:
        files = {"boot.manifest": b"version test\n", "hello.elf": b"x" * 1300}
        initrd = make_initfs(d, files)
        with Guest("pvh_initfs", dict(kernel=KERNEL, initrd=initrd,
                                      append="ftl.test")) as g:
            for name, data in files.items():
                g.wait_for(rb"initfs: %s \(%d bytes\)" %
                           (re.escape(name.encode()), len(data)), PVH_TIMEOUT_S)
            g.wait_for(rb"initfs: 2 files", PVH_TIMEOUT_S)
            check(g.wait_exit(PVH_TIMEOUT_S) == 0, "boot checks failed")


def pvh_without_initfs_fails_the_boot_checks():
    with Guest("pvh_no_initfs", dict(kernel=KERNEL, append="ftl.test")) as g:
        g.wait_for(rb"no initfs module", PVH_TIMEOUT_S)
        status = g.wait_exit(PVH_TIMEOUT_S)
        check(status == 1, "test-mode status %d, expected 1" % status)


def pvh_corrupt_initfs_is_reported():
    with tempfile.TemporaryDirectory() as d:
        initrd = make_initfs(d, {"boot.manifest": b"version test\n"})
        with open(initrd, "r+b") as f:
            f.seek(0)
            f.write(b"X")  # the header checksum no longer matches
        with Guest("pvh_corrupt_initfs", dict(kernel=KERNEL, initrd=initrd,
                                              append="ftl.test")) as g:
            g.wait_for(rb"initfs is corrupt", PVH_TIMEOUT_S)
            check(g.wait_exit(PVH_TIMEOUT_S) == 1, "corrupt initfs passed")


def grub_boot_checks(name, boot):
    with Guest(name, boot) as g:
        g.wait_for(banner("multiboot2"), GRUB_TIMEOUT_S)
        g.wait_for(rb"module 0: 'initfs'", PVH_TIMEOUT_S)
        g.wait_for(rb"initfs: boot\.manifest", PVH_TIMEOUT_S)
        g.wait_for(rb"^\[hello\] Hello from FTL! I am hello, running in user mode",
                   PVH_TIMEOUT_S)


def grub_iso_boots_from_cdrom():
    grub_boot_checks("grub_cdrom", dict(iso=ISO))


def grub_iso_boots_as_raw_disk():
    with tempfile.TemporaryDirectory() as d:
        # A copy, so the disk QEMU writes to is never the built ISO.
        disk = os.path.join(d, "disk.raw")
        subprocess.run(["cp", "--sparse=always", ISO, disk], check=True)
        grub_boot_checks("grub_raw_disk", dict(disk=disk))


TESTS = [
    pvh_boot_prints_banner_and_exits_ok,
    pvh_banner_is_first_console_line,
    pvh_passes_the_command_line,
    pvh_reports_the_memory_size,
    pvh_lists_the_initfs_files,
    pvh_without_initfs_fails_the_boot_checks,
    pvh_corrupt_initfs_is_reported,
    grub_iso_boots_from_cdrom,
    grub_iso_boots_as_raw_disk,
]

if __name__ == "__main__":
    sys.exit(run_suite("boot", TESTS))
