#!/usr/bin/env python3
"""make soak's system run (issue 18, item 8): tests/net/soak.yaml (the HTTP
path, kv, the IPC fuzzer and the fault injector) for FTL_SOAK_MINUTES
(default 30), with HTTP load from the host the whole time. The fault
injector kills a service drawn at random from KILLABLE every KILL_GAP_S
(tests/net/faults.c `random`, seeded from here through the image's
manifest); the IPC fuzzer sends random messages to the supervisor, tcpip
and kv meanwhile.

Reported (`bench:` lines): requests served and failed, kills, the median
and maximum recovery (from a kill to the next 200) and the requests lost
per kill, restarts, IPC messages fuzzed, and each service's memory at
the start and the end. Fails on a kernel panic, a process killed for a fault
or a service dead that no kill explains (a crash), a service not running
at the end, a recovery over
RECOVERY_BOUND_S, or HTTP not served at the end.

Environment: FTL_SOAK_MINUTES, FTL_SOAK_SEED (default: the clock,
printed)."""

import json
import os
import re
import statistics
import sys
import threading
import time

from testlib import check, run_suite
from net_test import Boot, curl
from faults_test import get_once
from ipc_fuzz_test import edited_system

MINUTES = float(os.environ.get("FTL_SOAK_MINUTES", "30"))
SEED = int(os.environ.get("FTL_SOAK_SEED", str(int(time.time()))))
KILLABLE = ("tcpip", "virtio_net", "http_server", "kv")
KILL_GAP_S = 20
FIRST_KILL_S = 20
RECOVERY_BOUND_S = 10
FUZZ_RATE = 3000  # IPC messages a second the count is sized for
LOAD_THREADS = 4


def rewrite_args(text, service, args):
    """The manifest text with service's args replaced by args."""
    block = re.search(r"^service %s\n.*?^end$" % service, text, re.M | re.S)
    check(block, "no %s in the manifest" % service)
    lines = [l for l in block.group(0).splitlines()
             if not l.startswith("arg ")]
    new = "\n".join(lines[:-1] + ["arg %s" % a for a in args] + ["end"])
    return text[:block.start()] + new + text[block.end():]


def soak_system(kills):
    """build/systems/soak-run.tar: soak.tar with this run's seed, fuzzing
    count and number of kills."""
    def edit(text):
        text = rewrite_args(text, "ipc_fuzz", [
            "services", str(SEED), str(FUZZ_RATE * int(MINUTES * 60))])
        return rewrite_args(text, "fault_inject", [
            "random", str(FIRST_KILL_S * 1000), str(KILL_GAP_S * 1000),
            str(SEED), str(kills)] + list(KILLABLE))
    return edited_system("soak", "soak-run", edit)


def status(port):
    out, _ = curl("http://127.0.0.1:%d/status" % port)
    return {s["name"]: s for s in json.loads(out)["services"]}


def soak():
    seconds = MINUTES * 60
    planned = max(1, int((seconds - FIRST_KILL_S) // KILL_GAP_S))
    print("  seed %d, %.1f minutes, %d kills planned" % (
        SEED, MINUTES, planned), flush=True)
    records = []  # (started, ended, ok)
    kills = []  # (name, monotonic time the kill was seen)
    stop = threading.Event()

    def load(port):
        while not stop.is_set():
            started = time.monotonic()
            ok = get_once(port)
            records.append((started, time.monotonic(), ok))
            if not ok:
                time.sleep(0.05)

    with Boot("soak", system=soak_system(planned)) as boot:
        memory_before = {n: s.get("memory_kib")
                         for n, s in status(boot.port).items()}
        workers = [threading.Thread(target=load, args=(boot.port,))
                   for _ in range(LOAD_THREADS)]
        for w in workers:
            w.start()
        kill_line = re.compile(r"stopping (\w+): fault_inject asked for a "
                               r"restart")
        ends = time.monotonic() + seconds
        try:
            while time.monotonic() < ends:
                seen = kill_line.findall(boot.guest.console())
                for name in seen[len(kills):]:
                    kills.append((name, time.monotonic()))
                time.sleep(0.25)
            # The last kill's recovery, if it is still under way.
            time.sleep(RECOVERY_BOUND_S)
        finally:
            stop.set()
            for w in workers:
                w.join()
        console = boot.guest.console()
        services = status(boot.port)
        print("  console: %s" % boot.guest.save_log(), flush=True)

    ok = sum(1 for r in records if r[2])
    failed = len(records) - ok
    recoveries, lost = [], []
    for name, at in kills:
        first = next((r for r in records if r[2] and r[0] >= at), None)
        if first is None:
            recoveries.append(None)
            continue
        recoveries.append((first[1] - at) * 1000)
        lost.append(sum(1 for r in records
                        if not r[2] and r[1] >= at and r[0] < first[0]))
    restarts = sum(s["restarts"] for s in services.values())
    fuzzed = re.findall(r"bench: ipc_fuzz\.messages (\d+) count", console)
    print("bench: soak.minutes %.1f min" % MINUTES)
    print("bench: soak.requests %d count" % ok)
    print("bench: soak.requests_failed %d count" % failed)
    print("bench: soak.kills %d count" % len(kills))
    print("bench: soak.restarts %d count" % restarts)
    done = [r for r in recoveries if r is not None]
    if done:
        print("bench: soak.recovery_ms.median %d ms" % statistics.median(done))
        print("bench: soak.recovery_ms.max %d ms" % max(done))
        print("bench: soak.lost_per_kill %.1f count" %
              (sum(lost) / len(lost)))
    if fuzzed:
        print("bench: soak.ipc_messages %s count" % fuzzed[-1])
    for name, s in sorted(services.items()):
        print("  %-12s %-10s restarts %d, memory %s KiB (at the start %s)" %
              (name, s["state"], s["restarts"], s.get("memory_kib"),
               memory_before.get(name)))
    check("[kernel] panic" not in console, "the kernel panicked")
    check(all(r is not None and r < RECOVERY_BOUND_S * 1000
              for r in recoveries),
          "recoveries (ms): %s" % [None if r is None else int(r)
                                  for r in recoveries])
    # A kill restarts its service, and those that need it may end too (tcpip
    # exits when its driver goes, the HTTP server when its listener does):
    # orderly exits. A fault, or a death no kill explains, is a crash.
    faults = re.findall(r"^\[kernel\] .*process \S+ killed: .*$", console,
                        re.M)
    deaths = re.findall(r"^\[supervisor\] warn: (\w+) was killed", console,
                        re.M)
    asked = re.findall(r"^\[supervisor\] warn: stopping (\w+): fault_inject "
                       r"asked", console, re.M)
    unexplained = [n for n in set(deaths) if deaths.count(n) > asked.count(n)]
    print("bench: soak.crashes %d count" % (len(faults) + len(unexplained)))
    check(not faults, "faults: %s" % faults[:3])
    check(not unexplained, "killed without a kill asked: %s" % unexplained)
    for name in ("virtio_net", "tcpip", "http_server", "kv"):
        check(services.get(name, {}).get("state") == "Running",
              "%s at the end: %s" % (name, services.get(name)))
    check(any(r[2] for r in records[-20:]), "HTTP not served at the end")


if __name__ == "__main__":
    sys.exit(run_suite("soak", [soak]))
