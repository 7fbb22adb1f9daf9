#!/usr/bin/env python3
"""The IPC fuzzer in QEMU (issue 18, item 2): tests/net/ipc_fuzz.c, a test
service, sends random messages (types, sizes, ids, bodies, loans, handles
of the wrong kind) to the services a peer can reach, then checks that each
still answers a valid request and was never restarted.

1. tests/net/ipc_fuzz.yaml: the supervisor (the fuzzer's own channel and a
   status link), tcpip and kv, and OPENs of virtio_net and http_server that
   the supervisor forwards. Afterwards HTTP must still be served and
   /status must show 0 restarts for every service.
2. tests/net/ipc_fuzz_link.yaml: virtio_net's frame link, in a system
   without tcpip so that the fuzzer holds the link.

FTL_IPC_FUZZ_SEED (default 1) and FTL_IPC_FUZZ_COUNT (default 20000
messages per boot) are written into the fuzzer's args in a copy of the
system's initfs. Prints `bench: ipc_fuzz.messages N count` (both boots)."""

import io
import json
import os
import re
import sys
import tarfile

from testlib import check, run_suite
from ftlqemu import BUILD, Guest, net_args
from net_test import KERNEL, Boot, curl, get_ok

SEED = int(os.environ.get("FTL_IPC_FUZZ_SEED", "1"))
COUNT = int(os.environ.get("FTL_IPC_FUZZ_COUNT", "20000"))
# Under TCG the fuzzer sends a few thousand messages a second.
FUZZ_TIMEOUT_S = 120 + COUNT // 200
REFUSALS_BURST, REFUSALS_PER_S = 32, 2  # os/services/supervisor/refusal.h
TARGETS = ("supervisor", "tcpip", "virtio_net", "kv", "http_server")

messages = {}


def edited_system(system, name, edit):
    """build/systems/NAME.tar: SYSTEM's initfs with its boot.manifest's text
    passed through edit; the name to boot."""
    src = os.path.join(BUILD, "systems", system + ".tar")
    with tarfile.open(src) as tin, \
            tarfile.open(os.path.join(BUILD, "systems", name + ".tar"), "w",
                         format=tarfile.USTAR_FORMAT) as tout:
        for member in tin.getmembers():
            data = tin.extractfile(member).read() if member.isfile() else None
            if member.name.endswith("boot.manifest"):
                data = edit(data.decode()).encode()
                member.size = len(data)
            tout.addfile(member, io.BytesIO(data) if data is not None
                         else None)
    return name


def seeded_system(system, service):
    """build/systems/SYSTEM-seeded.tar: SYSTEM's initfs with the seed and
    count of `service` (its last two args) set from the environment; the
    name to boot."""
    def edit(text):
        block = re.search(r"^service %s\n.*?^end$" % service, text,
                          re.M | re.S)
        check(block, "no %s in the manifest" % service)
        new = re.sub(r"arg \d+\narg \d+\nend$",
                     "arg %d\narg %d\nend" % (SEED, COUNT), block.group(0))
        return text[:block.start()] + new + text[block.end():]
    return edited_system(system, system + "-seeded", edit)


def fuzzer_results(guest, program):
    """Waits for the fuzzer's summary; prints its lines; checks it passed
    and reports its figure."""
    prefix = "[%s] " % program
    match = guest.wait_for(rb"^\[%s\] ipc_fuzz: (\d+) passed, (\d+) failed"
                           % program.encode(), FUZZ_TIMEOUT_S)
    for line in guest.console().splitlines():
        if line.startswith(prefix):
            print("  " + line[len(prefix):].rstrip())
    figure = re.search(r"^\[%s\] bench: ipc_fuzz\.messages (\d+) count" %
                       program, guest.console(), re.M)
    check(figure, "no figure from the fuzzer")
    messages[program] = int(figure.group(1))
    passed, failed = int(match.group(1)), int(match.group(2))
    check(failed == 0 and passed > 0,
          "the fuzzer: %d passed, %d failed" % (passed, failed))
    check(re.search(r"^\[%s\] seed %d, %d messages" % (program, SEED, COUNT),
                    guest.console(), re.M), "the seed or count was not set")


def no_service_crashed(console, names):
    check("[kernel] panic" not in console, "the kernel panicked")
    for name in names:
        check(not re.search(r"^\[kernel\] error: process %s killed" % name,
                            console, re.M), "%s faulted" % name)
        check(not re.search(r"\b%s (was killed|exited with status)" % name,
                            console), "%s ended" % name)
        check("%s closed our channel" % name not in console,
              "%s closed the fuzzer's channel" % name)


def refusals_are_logged_printable_and_rate_limited(console):
    """The supervisor logs each refusal, with what the peer sent: a peer
    must not be able to fill the console, or write control characters to
    it, that way (os/services/supervisor/refusal.h)."""
    lines = [l for l in console.splitlines()
             if l.startswith("[supervisor] warn: ipc_fuzz may not")]
    ms = int(re.search(r"^\[ipc_fuzz\] \d+ messages in (\d+) ms", console,
                       re.M).group(1))
    print("  %d refusals logged in %d ms of fuzzing" % (len(lines), ms))
    check(lines, "no refusal was logged")
    check(len(lines) <= REFUSALS_BURST + REFUSALS_PER_S * (ms // 1000 + 3),
          "%d refusal lines in %d ms" % (len(lines), ms))
    bad = [l for l in lines if not all(" " <= c <= "~" for c in l)]
    check(not bad, "unprintable refusal line: %r" % bad[:1])


def services_survive_random_messages():
    system = seeded_system("ipc_fuzz", "ipc_fuzz")
    with Boot("ipc_fuzz", system=system) as boot:
        check(get_ok(boot.port), "HTTP before the fuzzer")
        fuzzer_results(boot.guest, "ipc_fuzz")
        console = boot.guest.console()
        no_service_crashed(console, TARGETS)
        refusals_are_logged_printable_and_rate_limited(console)
        ok = sum(get_ok(boot.port) for _ in range(5))
        check(ok == 5, "%d of 5 GETs after the fuzzer" % ok)
        out, _ = curl(boot.url("/status"))
        services = {s["name"]: s for s in json.loads(out)["services"]}
        for name in ("virtio_net", "tcpip", "http_server", "kv"):
            s = services.get(name, {})
            check(s.get("state") == "Running" and s.get("restarts") == 0,
                  "%s after the fuzzer: %r" % (name, s))


def virtio_net_link_survives_random_messages():
    system = seeded_system("ipc_fuzz_link", "ipc_fuzz_link")
    boot = dict(kernel=KERNEL,
                initrd=os.path.join(BUILD, "systems", system + ".tar"))
    with Guest("ipc_fuzz_link", boot, extra=net_args()) as guest:
        fuzzer_results(guest, "ipc_fuzz_link")
        no_service_crashed(guest.console(), ("virtio_net",))


def fuzz_figures():
    check(len(messages) == 2, "both fuzzers ran: %r" % messages)
    print("bench: ipc_fuzz.messages %d count" % sum(messages.values()))


TESTS = [services_survive_random_messages,
         virtio_net_link_survives_random_messages, fuzz_figures]

if __name__ == "__main__":
    sys.exit(run_suite("ipc_fuzz", TESTS))
