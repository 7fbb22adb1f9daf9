#!/usr/bin/env python3
"""Fault injection in QEMU (issue 18, item 4): tests/net/faults.yaml boots
the HTTP path with two test services (tests/net/faults.c): fault_inject
has the supervisor kill tcpip, virtio_net and http_server one at a time,
15 s apart, and fault_flood floods the supervisor the whole time (it holds
every status link its handle limit allows and never reads a reply).

Meanwhile this test runs HTTP load (sequential GETs, a fresh connection
each) and, for each kill, measures the recovery time (from the
supervisor's `stopping NAME` line to the end of the next 200) and the
requests lost (failed between the kill and that 200). Prints
`bench: fault.NAME.recovery_ms N ms` and `bench: fault.NAME.lost N count`
per service, and the median and maximum recovery over all kills; asserts
each recovery within RECOVERY_BOUND_S, and that the supervisor, flooded,
still restarted every service and still answers /status."""

import json
import re
import statistics
import sys
import threading
import time

from testlib import check, run_suite
from net_test import INDEX_BYTES, Boot, curl, raw_exchange

KILLED = ("tcpip", "virtio_net", "http_server")
KILL_TIMEOUT_S = 90
RECOVERY_BOUND_S = 10
REQUEST_TIMEOUT_S = 2

boot = None
records = []  # (started, ended, ok) per request, monotonic seconds
kills = {}  # service -> monotonic time its kill was seen
results = {}  # service -> (recovery_ms, lost)


def get_once(port):
    try:
        got = raw_exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\n"
                           b"Connection: close\r\n\r\n",
                           timeout=REQUEST_TIMEOUT_S)
    except OSError:
        return False
    head, _, body = got.partition(b"\r\n\r\n")
    return head.startswith(b"HTTP/1.1 200 ") and len(body) == INDEX_BYTES


def load(port, stop):
    while not stop.is_set():
        started = time.monotonic()
        ok = get_once(port)
        records.append((started, time.monotonic(), ok))
        if not ok:
            time.sleep(0.05)  # a refused connect returns at once


def recovery(killed_at):
    """(recovery_ms, lost) after a kill at killed_at, or None if no 200
    came after it."""
    first = next((r for r in records if r[2] and r[0] >= killed_at), None)
    if first is None:
        return None
    lost = sum(1 for r in records
               if not r[2] and r[1] >= killed_at and r[0] < first[0])
    return (first[1] - killed_at) * 1000, lost


def services_recover_from_kills_under_load():
    global boot
    boot = Boot("faults", system="faults").__enter__()
    stop = threading.Event()
    worker = threading.Thread(target=load, args=(boot.port, stop))
    worker.start()
    try:
        for name in KILLED:
            boot.guest.wait_for(rb"stopping %s: fault_inject asked for a "
                                rb"restart" % name.encode(), KILL_TIMEOUT_S)
            kills[name] = time.monotonic()
            print("  %s killed at %.1f s" % (name, boot.guest.elapsed_ms() /
                                             1000), flush=True)
        deadline = time.monotonic() + 3 * RECOVERY_BOUND_S
        while recovery(kills[KILLED[-1]]) is None and \
                time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        worker.join()
    console = boot.guest.console()
    check("[kernel] panic" not in console, "the kernel panicked")
    for name in KILLED:
        check("fault: kill of %s done" % name in console,
              "the kill of %s was refused" % name)
    before = [r for r in records if r[1] < kills[KILLED[0]]]
    check(any(r[2] for r in before), "no 200 before the first kill")
    for name in KILLED:
        got = recovery(kills[name])
        check(got is not None, "no 200 after %s was killed" % name)
        results[name] = got
        print("bench: fault.%s.recovery_ms %d ms" % (name, got[0]))
        print("bench: fault.%s.lost %d count" % (name, got[1]))
    times = [results[n][0] for n in KILLED]
    print("bench: fault.kills %d count" % len(KILLED))
    print("bench: fault.recovery_ms.median %d ms" % statistics.median(times))
    print("bench: fault.recovery_ms.max %d ms" % max(times))
    print("bench: fault.lost_per_kill %.1f count" %
          (sum(results[n][1] for n in KILLED) / len(KILLED)))
    print("  %d requests, %d failed" %
          (len(records), sum(1 for r in records if not r[2])))
    for name in KILLED:
        check(results[name][0] < RECOVERY_BOUND_S * 1000,
              "%s took %d ms to recover" % (name, results[name][0]))


def flooded_supervisor_still_restarts_and_answers():
    check(boot is not None, "the faults system did not boot")
    console = boot.guest.console()
    held = re.search(r"\[fault_flood\] flood: holding (\d+) status links",
                     console)
    check(held, "the flood did not start")
    # Each link costs the supervisor a handle: a peer that could hold
    # hundreds would leave it none to restart services with.
    check(int(held.group(1)) <= 16,
          "the flood holds %s of the supervisor's channels" % held.group(1))
    check("cannot restart" not in console, "a restart failed")
    started = time.monotonic()
    out, _ = curl(boot.url("/status"))
    print("  /status answered in %.0f ms" % ((time.monotonic() - started) *
                                            1000))
    services = {s["name"]: s for s in json.loads(out)["services"]}
    for name in KILLED:
        s = services.get(name, {})
        check(s.get("state") == "Running" and s.get("restarts", 0) >= 1,
              "%s: %r" % (name, s))
    check(services.get("fault_flood", {}).get("state") == "Running",
          "the flood is over: %r" % services.get("fault_flood"))


TESTS = [services_recover_from_kills_under_load,
         flooded_supervisor_still_restarts_and_answers]

if __name__ == "__main__":
    status = 1
    try:
        status = run_suite("faults", TESTS)
    finally:
        if boot is not None:
            if status != 0:
                print("console: %s" % boot.guest.save_log())
            boot.__exit__(None, None, None)
    sys.exit(status)
