#!/usr/bin/env python3
"""Device access in QEMU: the in-OS suite tests/os/device_test.c as the
first process in user and in kernel mode, with QEMU's edu device (MMIO, DMA,
an interrupt) and a legacy virtio-net whose MAC address the suite reads
through its I/O ports and compares with the one given here. The network
device has a restricted user-mode backend: nothing leaves QEMU."""

import sys

from testlib import run_suite
from inos import run_program

MAC = "52:54:00:f7:1a:02"
DEVICES = ["-device", "edu",
           "-netdev", "user,id=net0,restrict=on",
           "-device", "virtio-net-pci,netdev=net0,disable-modern=on,mac=" + MAC]


def in_mode(mode):
    def test():
        run_program("device_test", "os.device", mode, arg=MAC, extra=DEVICES)
    test.__name__ = "device_access_from_a_%s_mode_first_process" % mode
    return test


TESTS = [in_mode("user"), in_mode("kernel")]

if __name__ == "__main__":
    sys.exit(run_suite("device", TESTS))
