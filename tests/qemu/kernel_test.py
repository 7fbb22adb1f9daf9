#!/usr/bin/env python3
"""Kernel core in QEMU: runs the in-OS suite (tests/os/os_test.c) as the
first process, once in user mode and once in kernel mode, and checks what
the console shows of it (fault log lines). The in-OS suite's own summary
lines are passed through, so tests/run-all.sh counts each in-OS test."""

import re
import sys

from testlib import check, run_suite
from inos import run_program


def run_in_os_suite(mode):
    return run_program("os_test", "os.kernel", mode)


console_by_mode = {}


def in_os_suite_in_user_mode():
    console_by_mode["user"] = run_in_os_suite("user")


def in_os_suite_in_kernel_mode():
    console_by_mode["kernel"] = run_in_os_suite("kernel")


def log_book_suite_in_user_mode():
    run_program("logs_test", "os.logs", "user")


def log_book_suite_in_kernel_mode():
    run_program("logs_test", "os.logs", "kernel", arg="kernel")


def fault_log_lines_name_process_fault_and_address():
    console = console_by_mode.get("user")
    check(console is not None, "the user-mode suite did not run")
    expected = [
        r"process fault killed: page fault: read of unmapped at 0x0 \(rip 0x[0-9a-f]+, user mode\)",
        r"process fault killed: page fault: write to read-only at 0x[0-9a-f]+ ",
        r"process fault killed: general protection fault at ",
        r"process fault killed: divide error at ",
        r"process fault killed: invalid opcode at ",
        r"process fault killed: page fault: execute at ",
        r"process fault killed: stack overflow at 0x4[0-9a-f]{5} \(rip 0x4[0-9a-f]+, user mode\)",
        r"process fault killed: page fault: read of unmapped at 0x0 \(rip 0xffffc0[0-9a-f]+, kernel mode\)",
        r"process fault killed: stack overflow \(double fault\) at ",
    ]
    for pattern in expected:
        check(re.search(r"^\[kernel\] error: " + pattern, console, re.M),
              "no log line matching %r" % pattern)


def fault_log_lines_give_the_offset_in_the_program():
    # What addr2line takes on the unstripped program (docs/guides/
    # debugging.md): rip less the image base, 0x400000 in user mode.
    console = console_by_mode.get("user")
    check(console is not None, "the user-mode suite did not run")
    m = re.search(r"^\[kernel\] error: process fault killed: page fault: "
                  r"read of unmapped at 0x0 \(rip 0x([0-9a-f]+), user mode\), "
                  r"program offset 0x([0-9a-f]+)\r?$", console, re.M)
    check(m is not None, "no user-mode fault line with a program offset: %r" %
          re.findall(r"^\[kernel\] error: process fault killed: .*", console,
                     re.M)[:2])
    check(int(m.group(1), 16) - 0x400000 == int(m.group(2), 16),
          "offset 0x%s is not rip 0x%s - 0x400000" % (m.group(2), m.group(1)))
    check(re.search(r"^\[kernel\] error: process fault killed: .*\(rip "
                    r"0xffffc0[0-9a-f]+, kernel mode\), program offset "
                    r"0x[0-9a-f]+\r?$", console, re.M),
          "no kernel-mode fault line with a program offset")


def kernel_reports_cpu_protections():
    console = console_by_mode.get("user", "")
    check(re.search(r"cpu: NX on, SMEP on, SMAP on", console),
          "NX, SMEP and SMAP should be on with -cpu max")


TESTS = [
    in_os_suite_in_user_mode,
    in_os_suite_in_kernel_mode,
    fault_log_lines_name_process_fault_and_address,
    fault_log_lines_give_the_offset_in_the_program,
    kernel_reports_cpu_protections,
    log_book_suite_in_user_mode,
    log_book_suite_in_kernel_mode,
]

if __name__ == "__main__":
    sys.exit(run_suite("kernel", TESTS))
