#!/usr/bin/env python3
"""Reliability in QEMU (issue 18): the system call fuzzer and hostile
services.

1. tests/os/syscall_fuzz.c as the first process, in user and in kernel
   mode: FTL_FUZZ_CALLS calls (default 300,000) with seed FTL_FUZZ_SEED
   (default 1); the kernel must not panic or hang, every result must be an
   error or a plausible value, and free pages, kernel heap, objects and
   handles must be what they were. Its regression tests replay the seeds
   that found kernel bugs. Prints `bench: syscall_fuzz.calls N count` and
   `bench: syscall_fuzz.calls_per_s N calls/s`.
   In wasm mode, syscall_fuzz (kernel mode) spawns tests/os/wasm_fuzz.c as
   a wasm module and checks the kernel's counters around its run: random
   calls through the runtime's import, bad buffers that must come back
   FTL_ERR_BAD_ADDRESS; prints `bench: syscall_fuzz.wasm.calls` and
   `calls_per_s` (not counted in the two above).
2. tests/net/hostile.yaml: virtio_net, tcpip and http_server, and one
   hostile service per attack (tests/net/hostile.c), a second and a half
   apart. Each isolation attack must end its process with the kernel's
   fault line naming it; each exhaustion attack must meet its limit (or be
   preempted), and a GET / must be answered after every one.

`make soak` runs part 1 with many more calls and several seeds
(tests/qemu/soak.sh)."""

import json
import os
import re
import sys
import time

from testlib import check, run_suite
from inos import run_program
import inos
from net_test import Boot, curl, get_ok

SEED = int(os.environ.get("FTL_FUZZ_SEED", "1"))
CALLS = int(os.environ.get("FTL_FUZZ_CALLS", "300000"))
# A run of millions of calls takes minutes under TCG.
inos.SUITE_TIMEOUT_S = max(inos.SUITE_TIMEOUT_S, 240 + CALLS // 20000)
ATTACK_TIMEOUT_S = 60

figures = {}


def fuzz(mode):
    def test():
        # wasm: syscall_fuzz (kernel mode) spawns tests/os/wasm_fuzz.c as a
        # wasm module and checks the kernel's counters around its run.
        console = run_program("syscall_fuzz", "reliability.fuzz",
                              "kernel" if mode == "wasm" else mode,
                              arg="%s%d,%d" % ("wasm," if mode == "wasm"
                                               else "", SEED, CALLS),
                              report_as="reliability.fuzz.%s" % mode)
        if mode == "wasm":
            wasm_figures(console)
            return
        for name, value in re.findall(
                r"^\[syscall_fuzz\] bench: syscall_fuzz\.(\w+)\.%s (\d+) "
                % mode, console, re.M):
            figures.setdefault(name, []).append(int(value))
            print("bench: syscall_fuzz.%s.%s %s %s" % (
                name, mode, value, "count" if name == "calls" else "calls/s"))
        check(re.search(r"seed %d: %d calls in \d+ ms" % (SEED, CALLS),
                        console), "the fuzzer's child did not finish")
    test.__name__ = "syscall_fuzz_in_%s_mode" % mode
    return test


def wasm_figures(console):
    for name, value in re.findall(
            r"^\[syscall_fuzz\] bench: syscall_fuzz\.(\w+)\.wasm (\d+) ",
            console, re.M):
        print("bench: syscall_fuzz.wasm.%s %s %s" % (
            name, value, "count" if name == "calls" else "calls/s"))
    for line in console.splitlines():
        if line.startswith("[wasm_fuzz_wasm] "):
            print("  " + line)
    check(re.search(r"seed %d: %d calls in \d+ ms" % (SEED, CALLS),
                    console), "the wasm fuzzer did not finish")
    check("panic" not in console.lower(), "the kernel panicked")


def fuzz_figures():
    check(len(figures.get("calls", [])) == 2, "both modes ran: %r" % figures)
    calls = sum(figures["calls"])
    print("bench: syscall_fuzz.calls %d count" % calls)
    # The slower mode's rate: what a run of that many calls takes.
    print("bench: syscall_fuzz.calls_per_s %d calls/s" %
          min(figures["calls_per_s"]))


# The hostile system: one boot, one test per attack, in the order the
# attacks start (their specs' second argument).
hostile_boot = None


def boot_hostile():
    global hostile_boot
    if hostile_boot is None:
        hostile_boot = Boot("reliability_hostile", system="hostile")
        hostile_boot.__enter__()
        check(get_ok(hostile_boot.port), "HTTP before any attack")
    return hostile_boot


def killed(service, fault):
    return (r"^\[kernel\] error: process %s killed: %s" %
            (service, fault)).encode()


def attack(name, pattern, check_match=None, gets=3):
    """A test: waits for the console line of attack `name`, checks it, then
    that HTTP still answers."""
    def test():
        boot = boot_hostile()
        started = time.monotonic()
        match = boot.guest.wait_for(pattern, ATTACK_TIMEOUT_S)
        print("  %s" % match.group(0).decode("utf-8", "replace").strip())
        if check_match:
            check_match(match)
        ok = sum(get_ok(boot.port) for _ in range(gets))
        check(ok == gets, "%d of %d GETs answered after %s" % (ok, gets, name))
        print("  %d GETs answered, %.1f s after the attack was seen" %
              (gets, time.monotonic() - started))
    test.__name__ = name
    return test


def count_between(low, high):
    def check_match(match):
        n = int(match.group(1))
        check(low <= n <= high, "stopped after %d, not %d-%d" % (n, low, high))
    return check_match


def hostile_services_are_gone_and_the_rest_serves():
    boot = boot_hostile()
    console = boot.guest.console()
    check("[kernel] panic" not in console and "PANIC" not in console,
          "the kernel panicked")
    for name in ("read_kernel", "write_kernel", "read_kmode", "port_io",
                 "interrupts_off", "mmio", "exec_data", "kernel_null"):
        check(re.search(r"hostile_%s was killed" % name, console),
              "the supervisor did not see hostile_%s end" % name)
    for name in ("read_kernel", "port_io", "interrupts_off"):
        check("attack %s survived" % name.replace("_", "-") not in console,
              "%s survived its attack" % name)
    ok = sum(get_ok(boot.port) for _ in range(20))
    check(ok == 20, "%d of 20 GETs at the end" % ok)
    # /status asks the supervisor, which was flooded too.
    out, _ = curl(boot.url("/status"))
    states = {s["name"]: s["state"] for s in json.loads(out)["services"]}
    print("  /status: %s" % ", ".join("%s %s" % (n, states[n])
                                       for n in sorted(states)))
    for name in ("virtio_net", "tcpip", "http_server", "hostile_memory",
                 "hostile_handles", "hostile_threads", "hostile_flood",
                 "hostile_spin", "hostile_spin_kernel"):
        check(states.get(name) == "Running", "%s is %s" % (name,
                                                           states.get(name)))
    boot.__exit__(None, None, None)


TESTS = [
    fuzz("user"),
    fuzz("kernel"),
    fuzz_figures,
    fuzz("wasm"),
    attack("user_read_of_kernel_memory_is_killed",
           killed("hostile_read_kernel", "page fault: read")),
    attack("user_write_through_the_direct_map_is_killed",
           killed("hostile_write_kernel", "page fault: write")),
    attack("user_read_of_a_kernel_mode_service_is_killed",
           killed("hostile_read_kmode", "page fault: read")),
    attack("user_port_io_not_granted_is_killed",
           killed("hostile_port_io", "general protection fault")),
    attack("user_turning_interrupts_off_is_killed",
           killed("hostile_interrupts_off", "general protection fault")),
    attack("user_mmio_not_granted_is_killed",
           killed("hostile_mmio", "page fault: read")),
    attack("user_executing_a_data_page_is_killed",
           killed("hostile_exec_data", "page fault: execute")),
    attack("devices_ports_and_interrupts_are_not_granted",
           rb"^\[hostile_grants\] grants: pci not allowed, "
           rb"ioport not allowed, interrupt not allowed\r?$"),
    attack("kernel_mode_fault_in_own_code_is_contained",
           killed("hostile_kernel_null",
                  r"page fault: read of unmapped at 0x0 \(rip 0x[0-9a-f]+, "
                  r"kernel mode\)")),
    attack("memory_hog_gets_null_from_malloc",
           rb"^\[hostile_memory\] memory: malloc returned NULL after "
           rb"(\d+) blocks", count_between(30, 63)),
    attack("handle_hog_meets_its_handle_limit",
           rb"^\[hostile_handles\] handles: limit reached after (\d+) timers",
           count_between(50, 63)),
    attack("thread_hog_meets_the_thread_limit",
           rb"^\[hostile_threads\] threads: limit reached after (\d+) "
           rb"threads", count_between(255, 255)),
    attack("channel_flood_is_backpressure",
           rb"^\[hostile_flood\] flood: done, holding both channels unread"),
    attack("user_spinner_is_preempted",
           rb"^\[hostile_spin\] spin: spinning for good", gets=10),
    attack("kernel_mode_spinner_is_preempted",
           rb"^\[hostile_spin_kernel\] spin: spinning for good", gets=10),
    attack("another_services_port_cannot_be_joined_by_claiming_its_name",
           rb"^\[hostile_port_steal\] port-steal: claimed to the supervisor: "
           rb"busy, to tcpip: busy\r?$"),
    hostile_services_are_gone_and_the_rest_serves,
]

if __name__ == "__main__":
    status = run_suite("reliability", TESTS)
    if hostile_boot is not None:
        hostile_boot.__exit__(None, None, None)
    sys.exit(status)
