#!/usr/bin/env python3
"""Network benchmarks of the network system (os/net.yaml: the supervisor
starting virtio_net, tcpip, http_server) on QEMU user networking, through a port forwarded from
127.0.0.1: milliseconds from QEMU's start to the first 200 (median of
three boots), requests per second and latency percentiles with wrk
against the index page, and the smallest guest memory that still serves
it. Figures, not pass/fail.

Beside each, the same figure (prefix `linux.`) for the Linux guest of
bench/linux booted with `ftl.http`: Debian's kernel with virtio-net, and
bench/linux/http_server.c serving the same bytes with the same headers, in
the same QEMU configuration and accelerator; then the ratios."""

import os
import re
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from ftlqemu import BUILD, Guest, net_args  # noqa: E402
import linux_bench  # noqa: E402
from linux_bench import linux_accel  # noqa: E402

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITFS = os.path.join(BUILD, "systems", "net.tar")
BOOT = dict(kernel=KERNEL, initrd=INITFS)
LINUX_BOOT = dict(kernel=linux_bench.KERNEL, initrd=linux_bench.INITRD,
                  append=linux_bench.APPEND + " ftl.http")
LINUX_LIMIT_S = 120  # Linux under TCG takes seconds to its first 200
WRK_SECONDS = 10
WRK_CONNECTIONS = 16


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_200(port, timeout=1.0):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def boot(name, accel, memory="128M", linux=False):
    port = free_port()
    return port, Guest(name, LINUX_BOOT if linux else BOOT, accel=accel,
                       memory=memory, extra=net_args([(port, 80)]))


def first_200_ms(accel, linux=False, limit_s=LINUX_LIMIT_S):
    """Milliseconds from QEMU's start to the first 200, or None."""
    port, guest = boot("bench_first_200", accel, linux=linux)
    with guest as g:
        while g.elapsed_ms() < limit_s * 1000:
            # QEMU accepts the host side of a forwarded connection before the
            # guest listens, and such a connection hangs until the time-out:
            # keep it short (a page takes about 1 ms once served), or the
            # figure measures the time-out instead of the boot.
            if get_200(port, timeout=0.1):
                return g.elapsed_ms()
            time.sleep(0.01)
    return None


def serves_with(accel, mib, linux=False):
    port, guest = boot("bench_mem_%d" % mib, accel, memory="%dM" % mib,
                       linux=linux)
    try:
        with guest as g:
            deadline = time.monotonic() + (LINUX_LIMIT_S if linux else 30)
            while time.monotonic() < deadline:
                if get_200(port):
                    return True
                if g.proc.poll() is not None:
                    return False
                time.sleep(0.1)
    except Exception:
        return False
    return False


def min_mib(accel, linux=False):
    """Smallest guest memory (MiB, by bisection) that serves."""
    low, high = 1, 128  # low does not serve (assumed), high does
    if not serves_with(accel, high, linux):
        return None
    while high - low > 1:
        mid = (low + high) // 2
        if serves_with(accel, mid, linux):
            high = mid
        else:
            low = mid
    return high


def wrk(accel, linux=False):
    port, guest = boot("bench_wrk", accel, linux=linux)
    with guest as g:
        while not get_200(port):
            if g.elapsed_ms() > LINUX_LIMIT_S * 1000:
                return None
            time.sleep(0.05)
        out = subprocess.run(
            ["wrk", "-t2", "-c%d" % WRK_CONNECTIONS, "-d%ds" % WRK_SECONDS,
             "--latency", "http://127.0.0.1:%d/" % port],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
    print(out.rstrip())
    return out


def latency_ms(out, percent):
    m = re.search(r"^\s+%d%%\s+([\d.]+)(us|ms|s)\s*$" % percent, out, re.M)
    if not m:
        return None
    scale = {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    return float(m.group(1)) * scale


def measure(accel, prefix, linux):
    """Prints the figures of one guest; returns them by name."""
    figures = {}

    def report(name, value, unit, form="%.0f"):
        figures[name] = value
        print(("bench: %s%s " + form + " %s") % (prefix, name, value, unit),
              flush=True)

    boots = [first_200_ms(accel, linux) for _ in range(3)]
    boots = [b for b in boots if b is not None]
    if boots:
        report("boot.first_200_ms", statistics.median(boots), "ms")
    out = wrk(accel, linux)
    if out:
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if rps:
            report("http.rps", float(rps.group(1)), "requests/s")
        for p in (50, 99):
            value = latency_ms(out, p)
            if value is not None:
                report("http.p%d_ms" % p, value, "ms", "%.2f")
    mib = min_mib(accel, linux)
    if mib:
        report("mem.min_mib", mib, "MiB", "%d")
    return figures


def main():
    accel = linux_accel()
    print("accelerator: %s" % accel)
    ours = measure(accel, "", linux=False)
    linux_bench.build(quiet=True)
    linux = measure(accel, "linux.", linux=True)
    # Goals of issue 7, as ratios in this run.
    goals = [("http.rps", ">= 1"), ("boot.first_200_ms", "<= 0.1"),
             ("http.p50_ms", ""), ("http.p99_ms", ""), ("mem.min_mib", "")]
    for name, goal in goals:
        if name in ours and linux.get(name):
            print("ratio: %s / linux.%s = %.3f%s" % (
                name, name, ours[name] / linux[name],
                " (goal %s)" % goal if goal else ""))


if __name__ == "__main__":
    main()
