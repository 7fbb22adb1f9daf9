#!/usr/bin/env python3
"""One step of bench/run-all.sh: waits for the QEMU lock (FTL_QEMU_LOCK,
default /tmp/ftl-qemu.lock, the one `flock` takes), so that no other guest
shares the machine's cores with this one, then runs COMMAND in a session of
its own, its output going to the terminal and to LOG. The lock is held for
this step only, so that others measuring get their turn between steps.

COMMAND and everything it started (QEMU, wrk, dnsmasq) are ended after
LIMIT seconds, when this script is told to stop (Ctrl-C, SIGTERM), and when
COMMAND ends but left something behind: SIGTERM to its process group, then
SIGKILL. The lock is held through a descriptor that is not inherited, so a
stray child never keeps it.

Usage: run_step.py LOG LIMIT_S COMMAND...
Exit status: COMMAND's, 124 after the time-out, 130 when stopped."""

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time

LOCK = os.environ.get("FTL_QEMU_LOCK", "/tmp/ftl-qemu.lock")
GRACE_S = 20  # from SIGTERM to SIGKILL: a namespace takes a moment to go


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def end_group(proc):
    """SIGTERM to the process group of proc, SIGKILL to what is left."""
    pgid = proc.pid
    if not group_alive(pgid):
        return
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + GRACE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None and not group_alive(pgid):
            return
        time.sleep(0.2)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def copy(src, log):
    for line in iter(src.readline, b""):
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()
        log.write(line)
        log.flush()


class Stop(Exception):
    pass


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    log_path, limit, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]

    def stop(signum, frame):
        raise Stop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)

    proc = reader = None
    log = open(log_path, "wb")
    try:
        lock = open(LOCK, "a")  # close-on-exec: children do not inherit it
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("bench: waiting for %s (another guest is running)" % LOCK,
                  flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL,
                                start_new_session=True)
        reader = threading.Thread(target=copy, args=(proc.stdout, log),
                                  daemon=True)
        reader.start()
        try:
            status = proc.wait(limit)
        except subprocess.TimeoutExpired:
            print("bench: %s: time-out after %.0f s, stopped" % (
                " ".join(command), limit), flush=True)
            status = 124
    except Stop:
        print("bench: stopped", flush=True)
        status = 130
    finally:
        # Also when COMMAND ended by itself: what it left behind goes.
        if proc is not None:
            end_group(proc)
        if reader is not None:
            reader.join(5)
        log.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
