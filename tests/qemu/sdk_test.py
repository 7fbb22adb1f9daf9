#!/usr/bin/env python3
"""The SDK in QEMU: the in-OS suite tests/os/sdk_test.c (loop, client and
server helpers against apps/pong and apps/kv, a crashing server, the C
runtime) with the tests and the services in each isolation mode (wasm
services: pong, kv and the crashing server built as WebAssembly, their
tests only; wasm tests: the suite's own wasm build, sdk_test_wasm.elf), its
summary passed through as os.sdk.TESTS_SERVICES; what the runtime printed
on the console; and ping run on its own, as `make run` users would."""

import os
import sys

from testlib import check, run_suite
from inos import run_program
from ftlqemu import BUILD, Guest

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
# The test initfs: it holds every program (the image holds the base's).
INITFS = os.path.join(BUILD, "test-initfs.tar")
PING_TIMEOUT_S = 30


def pairing(tests, services):
    def test():
        program, mode = (("sdk_test_wasm", "kernel") if tests == "wasm"
                         else ("sdk_test", tests))
        console = run_program(program, "os.sdk", mode, arg=services,
                              report_as="os.sdk.%s_%s" % (tests, services))
        if services != "wasm":  # the runtime's tests do not run then
            runtime_prints_through_the_console(console)
    test.__name__ = "sdk_with_%s_tests_and_%s_services" % (tests, services)
    return test


def runtime_prints_through_the_console(console):
    """stdout lines and log lines reach the console once, prefixed with the
    program's name (by the kernel), the unfinished line at exit included;
    debug lines stay below the default threshold."""
    lines = console.splitlines()
    for expected in ("[runtime_child] exiting with 7",
                     "[runtime_child] warn: a warning from runtime_child.elf",
                     '[runtime_child] assertion "argc == 99" failed'):
        check(any(l.startswith(expected) for l in lines),
              "no console line %r" % expected)
    check("a debug line nobody should see" not in console,
          "a debug line passed the default threshold")
    check(not any(l.startswith("[runtime_child] [runtime_child]")
                  for l in lines), "the name prefix is doubled")


def ping_runs_alone_and_starts_its_pong():
    """ftl.init=ping.elf: no channel given, so ping starts pong itself."""
    boot = dict(kernel=KERNEL, initrd=INITFS,
                append="ftl.test ftl.init=ping.elf ftl.init_arg=4")
    with Guest("sdk_ping_alone", boot) as g:
        g.wait_for(rb"^\[ping\] \d+ of 4 pings answered", PING_TIMEOUT_S)
        status = g.wait_exit(PING_TIMEOUT_S)
        console = g.console()
    for n in range(1, 5):
        check("[ping] pong %d: 6 bytes back in " % n in console,
              "no answer to ping %d" % n)
    check("[ping] 4 of 4 pings answered" in console, "not every ping answered")
    check(status == 0, "ping exit status %d" % status)


TESTS = [pairing(t, s) for t, s in
         (("user", "user"), ("kernel", "kernel"), ("user", "kernel"),
          ("user", "wasm"), ("kernel", "wasm"), ("wasm", "user"),
          ("wasm", "kernel"), ("wasm", "wasm"))]
TESTS.append(ping_runs_alone_and_starts_its_pong)

if __name__ == "__main__":
    sys.exit(run_suite("sdk", TESTS))
