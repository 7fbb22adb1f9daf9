#!/usr/bin/env python3
"""The supervisor in QEMU: it boots as the first process with the system of
tests/supervisor/ftl.yaml, whose service sv_check runs the in-OS checks
(passed through as os.supervisor). This file checks what only the console
shows: start order, the exit of the service over its memory limit, the
crash loop's back-off and the log lines of refused requests. QEMU's edu
device is there for the driver that is granted it."""

import os
import re
import sys

from testlib import check, run_suite
from ftlqemu import BUILD, Guest

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITFS = os.path.join(BUILD, "supervisor-test-initfs.tar")
SUMMARY = rb"^\[sv_check\] os\.supervisor: (\d+) passed, (\d+) failed\r?$"
LOGS_SUMMARY = (rb"^\[sv_logs\] os\.supervisor\.logs: (\d+) passed, "
                rb"(\d+) failed\r?$")
TIMEOUT_S = 240

console = None


def boot():
    """Boots once; every test below reads the same console."""
    global console
    with Guest("supervisor", dict(kernel=KERNEL, initrd=INITFS,
                                  append="ftl.test ftl.init=supervisor.elf"),
               extra=["-device", "edu"]) as g:
        try:
            g.wait_for(SUMMARY, TIMEOUT_S)
            g.wait_for(LOGS_SUMMARY, TIMEOUT_S)
            g.wait_for(rb"sv_check exited with status", 30)
        finally:
            console = g.console()


def lines(prefix):
    return [l.rstrip("\r") for l in console.splitlines() if l.startswith(prefix)]


def in_os_checks_pass():
    boot()
    for line in lines("[sv_check] "):
        body = line[len("[sv_check] "):]
        if body.startswith(("ok", "FAIL", "  ")):
            print("  " + body)
    m = re.search(SUMMARY.decode(), console, re.M)
    passed, failed = int(m.group(1)), int(m.group(2))
    print("os.supervisor: %d passed, %d failed" % (passed, failed))
    check(failed == 0 and passed > 0, "in-OS supervisor checks failed")


def log_lines_are_served_to_administrators():
    """sv_logs's in-OS checks (tests/supervisor/logs_check.c), passed
    through as os.supervisor.logs."""
    for line in lines("[sv_logs] "):
        body = line[len("[sv_logs] "):]
        if body.startswith(("ok", "FAIL", "  ")):
            print("  " + body)
    m = re.search(LOGS_SUMMARY.decode(), console, re.M)
    check(m, "no os.supervisor.logs summary")
    passed, failed = int(m.group(1)), int(m.group(2))
    print("os.supervisor.logs: %d passed, %d failed" % (passed, failed))
    check(failed == 0 and passed > 0, "in-OS log checks failed")


def services_start_after_what_they_require():
    started = [l.split("started ")[1].split(" ")[0]
               for l in lines("[supervisor] info: started ")]
    check(set(started) >= {"pong", "sv_crashy", "sv_check", "ping"},
          "started: %s" % started)
    first = {name: started.index(name) for name in set(started)}
    for service, required in (("sv_check", "pong"), ("sv_check", "sv_crashy"),
                              ("ping", "pong")):
        check(first[required] < first[service],
              "%s started before %s, which it requires" % (service, required))
    check(lines("[supervisor] system ready: 10 services running"),
          "no 'system ready: 10 services running' line")


def memory_hog_got_allocation_failures():
    m = re.search(r"sv_memhog exited with status (\d+)", console)
    check(m, "sv_memhog did not exit")
    blocks = int(m.group(1))
    # 64 KiB blocks under a 2 MiB limit, less image and stack: a few dozen,
    # never all 32 (which would mean no limit) and not a crash (255).
    check(10 <= blocks < 32, "sv_memhog got %d blocks of 64 KiB" % blocks)


def crash_loop_is_logged_with_growing_back_off():
    delays = [int(d) for d in re.findall(
        r"sv_crashloop is in CrashLoopBackOff \(\d+ quick failures\): "
        r"restarting in (\d+) ms", console)]
    check(len(delays) >= 2, "CrashLoopBackOff logged %d times" % len(delays))
    check(all(b == 2 * a or b == a for a, b in zip(delays, delays[1:])),
          "back-off delays %s do not double" % delays)


def refused_requests_are_logged():
    check("sv_check may not open service/ping: not in its requires" in console,
          "no log line for the refused OPEN service/ping")
    check("sv_nodriver may not open device/0" in console,
          "no log line for the refused device")
    check("sv_check may not restart pong: supervisor is not in its requires"
          in console, "no log line for the refused restart")
    check("sv_check may not read logs: supervisor is not in its requires"
          in console, "no log line for the refused GETATTR logs")


TESTS = [in_os_checks_pass, log_lines_are_served_to_administrators,
         services_start_after_what_they_require,
         memory_hog_got_allocation_failures,
         crash_loop_is_logged_with_growing_back_off,
         refused_requests_are_logged]

if __name__ == "__main__":
    sys.exit(run_suite("supervisor", TESTS))
