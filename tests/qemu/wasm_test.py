#!/usr/bin/env python3
"""WebAssembly services in QEMU (issue 20, docs/guides/wasm.md).

One boot of tests/net/wasm.yaml: virtio_net, tcpip and http_server; pong
built as a WebAssembly service (apps/pong with isolation: wasm,
pong_wasm.elf) answering ping in user mode (2,000 pings, through every
attack) and ping_kernel in kernel mode; and one hostile WebAssembly module
per attack (tests/wasm/hostile), a second and a half apart from 3 s after
boot. Each trap must end only its own process with a `wasm trap:` line
naming it (the supervisor restarting it when its policy says so), the
spinner must be preempted, buffers outside linear memory must be refused,
and HTTP and the pings must go on after every attack.

Then a second boot (tests/net/echo_wasm.yaml): tcp_echo as a WebAssembly
service echoes 256 KiB."""

import json
import re
import socket
import sys
import time

from testlib import check, run_suite
from net_test import Boot, curl, get_ok

ATTACK_TIMEOUT_S = 60

boot = None


def wasm_boot():
    global boot
    if boot is None:
        boot = Boot("wasm", system="wasm")
        boot.__enter__()
    return boot


def pongs():
    """How many answers the user-mode ping has printed so far."""
    return len(re.findall(r"^\[ping\] pong \d+: \d+ bytes back",
                          wasm_boot().guest.console(), re.M))


def wasm_pong_starts_in_wasm_mode():
    b = wasm_boot()
    b.guest.wait_for(rb"^\[supervisor\] info: started pong \(wasm mode\)", 30)
    check(get_ok(b.port), "HTTP at start")


def a_native_program_is_refused_as_wasm():
    """kv's spec says isolation: wasm over kv.elf, a native program: the
    kernel finds no wasm pipeline's note in it and the supervisor says so,
    instead of running it in kernel mode unchecked."""
    b = wasm_boot()
    b.guest.wait_for(rb"^\[supervisor\] error: kv: kv\.elf was not built as "
                     rb"WebAssembly", 30)
    b.guest.wait_for(rb"^\[supervisor\] error: cannot start kv: ", 5)
    check("started kv" not in b.guest.console(), "kv started")


def wasm_pong_answers_a_user_mode_ping():
    match = wasm_boot().guest.wait_for(
        rb"^\[ping\] pong 10: 7 bytes back in (\d+) us", ATTACK_TIMEOUT_S)
    print("  %s" % match.group(0).decode().strip())


def wasm_pong_answers_a_kernel_mode_ping():
    match = wasm_boot().guest.wait_for(
        rb"^\[ping_kernel\] (\d+) of 20 pings answered", ATTACK_TIMEOUT_S)
    check(match.group(1) == b"20", match.group(0).decode())
    print("  %s" % match.group(0).decode().strip())


def printf_and_arguments_work_in_a_module():
    b = wasm_boot()
    match = b.guest.wait_for(
        rb"^\[hello\] Hello from FTL! I am hello, running in (\w+) mode "
        rb"with (\d+) arguments\.\r?$", 30)
    check(match.group(1) == b"wasm" and match.group(2) == b"3",
          match.group(0).decode())
    b.guest.wait_for(rb"^\[hello\]   argv\[1\] = two words\r?\n"
                     rb"\[hello\]   argv\[2\] = !\r?$", 10)
    b.guest.wait_for(rb"^\[supervisor\] info: hello exited with status 0", 10)
    print("  %s" % match.group(0).decode().strip())


def trap(service, what):
    return (rb"^\[%s\] error: wasm trap: %s\r?$" %
            (service.encode(), what.encode()))


def attack(name, service, pattern, killed=True, gets=3):
    """A test: waits for the console line of the attack, then checks that
    the supervisor saw the process end (for a trap), that HTTP is answered
    and that ping still gets answers from the wasm pong."""
    def test():
        b = wasm_boot()
        match = b.guest.wait_for(pattern, ATTACK_TIMEOUT_S)
        print("  %s" % match.group(0).decode("utf-8", "replace").strip())
        if killed:
            b.guest.wait_for(rb"^\[supervisor\] warn: %s was killed" %
                             service.encode(), 10)
        before = pongs()
        ok = sum(get_ok(b.port) for _ in range(gets))
        check(ok == gets, "%d of %d GETs answered after %s" % (ok, gets, name))
        deadline = time.monotonic() + 10
        while pongs() == before and time.monotonic() < deadline:
            time.sleep(0.2)
        check(pongs() > before or "2000 of 2000" in b.guest.console(),
              "no pong answered after %s" % name)
        print("  %d GETs answered, pongs %d -> %d" % (gets, before, pongs()))
    test.__name__ = name
    return test


def trapping_service_is_restarted_per_policy():
    b = wasm_boot()
    b.guest.wait_for(rb"^\[supervisor\] info: restarting "
                     rb"hostile_wasm_unreachable in \d+ ms", 20)
    match = b.guest.wait_for(
        rb"(?s)restarting hostile_wasm_unreachable.*?"
        rb"\[hostile_wasm_unreachable\] error: wasm trap: unreachable", 30)
    check(match, "the restarted module did not run again")


def everything_else_serves_at_the_end():
    b = wasm_boot()
    b.guest.wait_for(rb"^\[hostile_wasm_grow\] info: grow: ", 60)
    console = b.guest.console()
    check("[kernel] panic" not in console and "PANIC" not in console,
          "the kernel panicked")
    check("survived" not in console,
          "an attack survived: %s" % [l for l in console.splitlines()
                                      if "survived" in l])
    check("[kernel] error: process" not in console,
          "a wasm process faulted natively instead of trapping: %s" %
          [l for l in console.splitlines() if "[kernel] error" in l])
    ok = sum(get_ok(b.port) for _ in range(10))
    check(ok == 10, "%d of 10 GETs at the end" % ok)
    out, _ = curl(b.url("/status"))
    services = {s["name"]: s for s in json.loads(out)["services"]}
    print("  /status: %s" % ", ".join(
        "%s %s" % (n, services[n]["state"]) for n in sorted(services)))
    check(services["pong"]["state"] == "Running" and
          services["pong"]["restarts"] == 0, "pong: %r" % services["pong"])
    check(services["pong"]["isolation"] == "wasm" and
          services["tcpip"]["isolation"] == "user",
          "isolation in /status: pong %r, tcpip %r" % (
              services["pong"].get("isolation"),
              services["tcpip"].get("isolation")))
    check(services["hostile_wasm_spin"]["state"] == "Running",
          "the spinner: %r" % services["hostile_wasm_spin"])
    check(services["hostile_wasm_grow"]["state"] == "Running",
          "the grower: %r" % services["hostile_wasm_grow"])
    for name in ("oob", "oob_load", "divide", "indirect", "recursion"):
        state = services["hostile_wasm_" + name]["state"]
        check(state != "Running", "hostile_wasm_%s is %s" % (name, state))
    print("  the user-mode ping got %d answers" % pongs())


def tcp_echo_as_wasm_returns_every_byte():
    """Its own boot (tests/net/echo_wasm.yaml), after the first one: 256 KiB
    through a wasm tcp_echo, every read and write a loan of its linear
    memory."""
    global boot
    if boot is not None:
        boot.__exit__(None, None, None)
        boot = None
    with Boot("wasm_echo", system="echo_wasm", guest_port=7) as echo:
        echo.guest.wait_for(rb"^\[supervisor\] info: started tcp_echo "
                            rb"\(wasm mode\)", 10)
        data = bytes(range(256)) * 1024  # more than a TCP window
        with socket.create_connection(("127.0.0.1", echo.port),
                                      timeout=20) as s:
            s.sendall(b"hello\n")
            check(s.recv(100) == b"hello\n", "short echo")
            s.sendall(data)
            got = b""
            while len(got) < len(data):
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
            check(got == data, "%d of %d bytes came back intact" %
                  (len(got), len(data)))
            s.shutdown(socket.SHUT_WR)
            check(s.recv(10) == b"", "FIN answered with FIN")
        check("wasm trap" not in echo.guest.console(), "tcp_echo trapped")


TESTS = [
    wasm_pong_starts_in_wasm_mode,
    a_native_program_is_refused_as_wasm,
    wasm_pong_answers_a_user_mode_ping,
    wasm_pong_answers_a_kernel_mode_ping,
    printf_and_arguments_work_in_a_module,
    attack("out_of_bounds_store_traps", "hostile_wasm_oob",
           trap("hostile_wasm_oob", "out of bounds memory access")),
    attack("unreachable_traps", "hostile_wasm_unreachable",
           trap("hostile_wasm_unreachable", "unreachable executed")),
    trapping_service_is_restarted_per_policy,
    attack("division_by_zero_traps", "hostile_wasm_divide",
           trap("hostile_wasm_divide", "integer divide by zero")),
    attack("indirect_call_of_the_wrong_type_traps", "hostile_wasm_indirect",
           trap("hostile_wasm_indirect",
                "indirect call type mismatch or null")),
    attack("endless_recursion_traps", "hostile_wasm_recursion",
           trap("hostile_wasm_recursion", "call stack exhausted")),
    attack("buffers_outside_linear_memory_are_refused",
           "hostile_wasm_bad_buffers",
           rb"^\[hostile_wasm_bad_buffers\] info: bad-buffers: all refused",
           killed=False),
    attack("endless_loop_is_preempted", "hostile_wasm_spin",
           rb"^\[hostile_wasm_spin\] info: spin: spinning for good",
           killed=False, gets=10),
    attack("out_of_bounds_load_traps", "hostile_wasm_oob_load",
           trap("hostile_wasm_oob_load", "out of bounds memory access")),
    attack("huge_memory_grow_fails_cleanly", "hostile_wasm_grow",
           rb"^\[hostile_wasm_grow\] info: grow: refused, going on",
           killed=False),
    everything_else_serves_at_the_end,
    tcp_echo_as_wasm_returns_every_byte,
]

if __name__ == "__main__":
    status = run_suite("wasm", TESTS)
    if boot is not None:
        boot.__exit__(None, None, None)
    sys.exit(status)
