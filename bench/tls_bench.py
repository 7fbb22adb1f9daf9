#!/usr/bin/env python3
"""TLS benchmarks (docs/guides/tls.md): the base system (build/initfs.tar:
virtio_net, tcpip, virtio_rng, random, tls, http_server with TLS_PORT 443)
beside the Linux guest of bench/linux booted with `ftl.https` (Debian's
kernel with virtio-net, bench/linux/https_server.c on Debian's OpenSSL
serving the same bytes with the same headers), in the same QEMU
configuration and accelerator, each with a virtio-rng device, on QEMU user
networking with guest port 443 forwarded from 127.0.0.1. Both servers send
the same certificate chain: the development set of build/tls (ECDSA P-256,
signed by the development CA).

Parts:

  https    per run, boots FTL, then Linux, and on each:
           - full handshakes (no session resumption) from HANDSHAKE_CLIENTS
             concurrent clients for HANDSHAKE_SECONDS, each connecting,
             handshaking (verifying the chain against build/tls/ca.pem),
             and closing, again and again;
           - wrk against https://127.0.0.1:PORT/ (keep-alive: a handshake
             per connection, then requests) at each connection count, 5 s,
             wrk's 2 s time-out; a guest that no longer answers after a
             level is booted again for the next one.
  testssl  boots FTL once and runs testssl.sh in full (every check,
           client simulation and the per-cipher scan included; `make test`
           runs it with --fast), trusting the development CA; fails if
           it finds a MEDIUM, HIGH or CRITICAL issue (but the development
           certificate's want of a CRL or OCSP address, reported apart)
           or a protocol below TLS 1.2 offered.

Figures, one `bench:` line per figure and run (bench/run-all.sh keeps min,
median and max); the Linux guest's carry the prefix `linux.`:

  tls.handshakes_per_s        completed full handshakes per second
  tls.handshake_p50_ms, tls.handshake_p99_ms  one handshake's time, as the
                              clients saw it (connect to handshake done)
  tls.handshake_failures      handshakes that failed or timed out (10 s)
  https.cN.rps, .p50_ms, .p99_ms, .errors, .errors.connect, .read,
  .write, .timeout, .non2xx   wrk at N connections, as http.user.cN.* of
                              net_bench.py
  https.cN.unresponsive       1 if no HTTPS GET was answered within 10 s
                              after the run
  https.rps, https.p50_ms, https.p99_ms  = https.c16.*, beside http.rps
  tls.testssl.findings        testssl's MEDIUM, HIGH and CRITICAL findings
  tls.testssl.seconds         how long the full scan took

What each side negotiated with the same clients (protocol, suite, key
exchange group) is printed per boot as a `tls:` line.

Usage: tls_bench.py [https] [testssl]   (default: both)
Environment: FTL_BENCH_RUNS (5), FTL_TLS_CONNECTIONS (16,256,1000),
FTL_BENCH_WRK_SECONDS (5), FTL_TLS_HANDSHAKE_SECONDS (10),
FTL_TLS_HANDSHAKE_CLIENTS (8). Raw output: build/bench/tls/."""

import json
import os
import re
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
from ftlqemu import BUILD, ENTROPY, Guest, net_args  # noqa: E402
import ftlnetns  # noqa: E402
import linux_bench  # noqa: E402
from linux_bench import linux_accel  # noqa: E402
from net_bench import (FORMS, UNITS, Reporter, free_port,  # noqa: E402
                       parse_wrk)

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITFS = os.path.join(BUILD, "initfs.tar")
CA = os.path.join(BUILD, "tls", "ca.pem")
FTL_BOOT = dict(kernel=KERNEL, initrd=INITFS)
LINUX_BOOT = dict(kernel=linux_bench.KERNEL, initrd=linux_bench.INITRD,
                  append=linux_bench.APPEND + " ftl.https")
FTL_LIMIT_S = 60
LINUX_LIMIT_S = 120  # Linux under TCG takes seconds to its first answer
RUNS = int(os.environ.get("FTL_BENCH_RUNS", "5"))
CONNECTIONS = [int(c) for c in os.environ.get(
    "FTL_TLS_CONNECTIONS", "16,256,1000").split(",")]
WRK_SECONDS = int(os.environ.get("FTL_BENCH_WRK_SECONDS", "5"))
WRK_TIMEOUT_S = 2
HANDSHAKE_SECONDS = float(os.environ.get("FTL_TLS_HANDSHAKE_SECONDS", "10"))
HANDSHAKE_CLIENTS = int(os.environ.get("FTL_TLS_HANDSHAKE_CLIENTS", "8"))
HANDSHAKE_TIMEOUT_S = 10
HEALTH_S = 10
SETTLE_S = 1
RAW = os.path.join(BUILD, "bench", "tls")
TESTSSL_LIMIT_S = 3600


def client_context():
    """A client that verifies the chain against the development CA and
    keeps no session: every handshake is a full one."""
    context = ssl.create_default_context(cafile=CA)
    context.options |= ssl.OP_NO_TICKET
    return context


def https_get(port, timeout):
    """True if a fresh connection gets a 200 over TLS within timeout."""
    try:
        with socket.create_connection(("127.0.0.1", port),
                                      timeout=timeout) as raw:
            with client_context().wrap_socket(
                    raw, server_hostname="localhost") as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n"
                          b"Connection: close\r\n\r\n")
                return s.recv(16).startswith(b"HTTP/1.1 200")
    except (OSError, ssl.SSLError):
        return False


def wait_https(port, guest, limit_s):
    """Waits for the first 200 over TLS; False if none within limit_s."""
    while guest.elapsed_ms() < limit_s * 1000:
        # QEMU's slirp accepts a forwarded connection before the guest
        # listens; such a connection hangs until its time-out.
        if https_get(port, 1.0):
            return True
        if guest.proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def answers(port, guest):
    deadline = time.monotonic() + HEALTH_S
    while time.monotonic() < deadline:
        if https_get(port, 2.0):
            return True
        if guest.proc.poll() is not None:
            return False
        time.sleep(0.2)
    return False


def negotiated(port):
    """What openssl s_client (Debian's OpenSSL defaults, as wrk's) and the
    server agreed on: "TLSv1.3 TLS_AES_256_GCM_SHA384 X25519"."""
    try:
        done = subprocess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
             "-servername", "localhost", "-brief"], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30,
            universal_newlines=True)
    except subprocess.TimeoutExpired:
        return "s_client timed out"
    out = done.stdout
    found = []
    for pattern in (r"Protocol version: (\S+)", r"Ciphersuite: (\S+)",
                    r"(?:Server Temp Key|Negotiated TLS1.3 group): "
                    r"([^,\n]+)"):
        m = re.search(pattern, out)
        found.append(m.group(1).strip() if m else "?")
    return " ".join(found)


def handshakes(port):
    """Full handshakes from HANDSHAKE_CLIENTS threads for
    HANDSHAKE_SECONDS: (per second, [ms of each], failures)."""
    context = client_context()
    times, failures = [], [0]
    lock = threading.Lock()
    stop = time.monotonic() + HANDSHAKE_SECONDS

    def client():
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                with socket.create_connection(
                        ("127.0.0.1", port),
                        timeout=HANDSHAKE_TIMEOUT_S) as raw:
                    with context.wrap_socket(raw,
                                             server_hostname="localhost"):
                        ms = (time.monotonic() - started) * 1000
                with lock:
                    times.append(ms)
            except (OSError, ssl.SSLError):
                with lock:
                    failures[0] += 1

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in
               range(HANDSHAKE_CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The clients start their last handshakes before `stop`: count the time
    # until the last one ended.
    elapsed = time.monotonic() - began
    return len(times) / elapsed, times, failures[0]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def wrk_level(port, label, run, connections, report):
    try:
        done = subprocess.run(
            ["wrk", "-t2", "-c%d" % connections, "-d%ds" % WRK_SECONDS,
             "--timeout", "%ds" % WRK_TIMEOUT_S, "--latency",
             "https://127.0.0.1:%d/" % port], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=WRK_SECONDS + 60,
            universal_newlines=True)
        out = done.stdout
    except subprocess.TimeoutExpired as e:
        out = (e.output or b"").decode("utf-8", "replace") + \
            "\nwrk did not end within %d s\n" % (WRK_SECONDS + 60)
    os.makedirs(RAW, exist_ok=True)
    raw = os.path.join(RAW, "%s-c%d-run%d.txt" % (label, connections, run))
    with open(raw, "w") as f:
        f.write(out)
    figures = parse_wrk(out)
    base = "https.c%d." % connections
    if figures is None:
        print("tls: %s c%d run %d: wrk gave no figures (%s)" % (
            label, connections, run, raw), flush=True)
        report(base + "rps", 0, "requests/s")
        return
    for suffix, value in figures.items():
        report(base + suffix, value, UNITS.get(suffix, "count"),
               FORMS.get(suffix, "%d"))
    if connections == 16:
        for suffix in ("rps", "p50_ms", "p99_ms"):
            if suffix in figures:
                report("https." + suffix, figures[suffix], UNITS[suffix],
                       FORMS[suffix])
    print("tls: %s c%d run %d: %.0f requests/s, p99 %s ms, errors connect "
          "%d read %d write %d timeout %d" % (
              label, connections, run, figures["rps"],
              "%.2f" % figures["p99_ms"] if "p99_ms" in figures else "-",
              figures["errors.connect"], figures["errors.read"],
              figures["errors.write"], figures["errors.timeout"]),
          flush=True)


def boot(label, accel):
    """A guest of label ("ftl" or "linux") with guest port 443 forwarded;
    returns (guest, port)."""
    port = free_port()
    guest = Guest("bench_tls_%s" % label,
                  LINUX_BOOT if label == "linux" else FTL_BOOT, accel=accel,
                  extra=ENTROPY + net_args([(port, 443)]))
    return guest, port


def measure(label, accel, run, report):
    """One boot of a guest (more if it stops answering): handshakes, then
    every wrk level."""
    limit = LINUX_LIMIT_S if label == "linux" else FTL_LIMIT_S
    levels = list(CONNECTIONS)
    first = True
    while levels:
        guest, port = boot(label, accel)
        with guest as g:
            if not wait_https(port, g, limit):
                print("tls: %s run %d: no HTTPS answer within %d s "
                      "(console: %s)" % (label, run, limit, g.save_log()),
                      flush=True)
                return
            if first:
                first = False
                print("tls: %s negotiates %s" % (label, negotiated(port)),
                      flush=True)
                rate, times, failures = handshakes(port)
                report("tls.handshakes_per_s", rate, "handshakes/s", "%.1f")
                if times:
                    report("tls.handshake_p50_ms", percentile(times, 50),
                           "ms", "%.1f")
                    report("tls.handshake_p99_ms", percentile(times, 99),
                           "ms", "%.1f")
                report("tls.handshake_failures", failures, "count", "%d")
                print("tls: %s run %d: %.1f handshakes/s from %d clients, "
                      "%d failed" % (label, run, rate, HANDSHAKE_CLIENTS,
                                     failures), flush=True)
                time.sleep(SETTLE_S)
            while levels:
                connections = levels.pop(0)
                wrk_level(port, label, run, connections, report)
                alive = answers(port, g)
                report("https.c%d.unresponsive" % connections,
                       0 if alive else 1, "count", "%d")
                if not alive:
                    print("tls: %s c%d run %d: the guest no longer answers "
                          "(console: %s)%s" % (
                              label, connections, run, g.save_log(),
                              "; booting it again" if levels else ""),
                          flush=True)
                    break
                time.sleep(SETTLE_S)


def summary(ours, linux):
    def med(rep, name):
        values = rep.seen.get(name)
        return statistics.median(values) if values else None

    print("tls: medians of %d run(s):" % RUNS)
    print("tls:   %-24s %12s %12s" % ("", "FTL", "Linux"))
    names = ["tls.handshakes_per_s", "tls.handshake_p50_ms"] + [
        "https.c%d.%s" % (c, s) for c in CONNECTIONS
        for s in ("rps", "p99_ms", "errors")]
    for name in names:
        cells = []
        for rep in (ours, linux):
            v = med(rep, name)
            cells.append("%12.1f" % v if v is not None else "%12s" % "-")
        print("tls:   %-24s %s" % (name, " ".join(cells)))


def part_https(accel):
    ours, linux = Reporter(""), Reporter("linux.")
    for run in range(1, RUNS + 1):
        measure("ftl", accel, run, ours)
        measure("linux", accel, run, linux)
    summary(ours, linux)


def part_testssl(accel):
    """testssl.sh in full against FTL; False if it found a problem."""
    report = Reporter("")
    os.makedirs(RAW, exist_ok=True)
    json_path = os.path.join(RAW, "testssl-full.json")
    if os.path.exists(json_path):
        os.remove(json_path)
    guest, port = boot("ftl", accel)
    with guest as g:
        if not wait_https(port, g, FTL_LIMIT_S):
            print("tls: testssl: no HTTPS answer (console: %s)" %
                  g.save_log(), flush=True)
            return False
        started = time.monotonic()
        done = subprocess.run(
            ["testssl", "--quiet", "--color", "0", "--warnings", "off",
             "--add-ca", CA, "--jsonfile", json_path,
             "127.0.0.1:%d" % port],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=TESTSSL_LIMIT_S,
            universal_newlines=True)
        seconds = time.monotonic() - started
        with open(os.path.join(RAW, "testssl-full.txt"), "w") as f:
            f.write(done.stdout)
        alive = answers(port, g)
    try:
        findings = json.load(open(json_path))
    except (OSError, ValueError) as e:
        print("tls: testssl wrote no findings (%s); its output: %s" % (
            e, os.path.join(RAW, "testssl-full.txt")), flush=True)
        return False
    # The development certificate (scripts/dev-tls.sh) names no CRL or
    # OCSP responder: a CA's certificate in production does. Reported,
    # not counted.
    expected = [f for f in findings if f["id"] == "cert_revocation"]
    bad = [f for f in findings if f not in expected and
           f.get("severity") in ("MEDIUM", "HIGH", "CRITICAL")]
    for f in expected:
        print("tls: testssl: %s %s (the development certificate's): %s" % (
            f["severity"], f["id"], f["finding"]), flush=True)
    old = [f["id"] for f in findings
           if f["id"] in ("SSLv2", "SSLv3", "TLS1", "TLS1_1") and
           not f["finding"].startswith("not offered")]
    report("tls.testssl.findings", len(bad), "count", "%d")
    report("tls.testssl.seconds", seconds, "s", "%.0f")
    for f in bad:
        print("tls: testssl: %s %s: %s" % (f["severity"], f["id"],
                                          f["finding"]), flush=True)
    print("tls: testssl in full: %d checks in %.0f s, %d MEDIUM or worse, "
          "old protocols offered: %s; the guest %s afterwards (%s)" % (
              len(findings), seconds, len(bad), ", ".join(old) or "none",
              "answered" if alive else "did NOT answer", json_path),
          flush=True)
    return not bad and not old and alive


def main():
    parts = sys.argv[1:] or ["https", "testssl"]
    if set(parts) - {"https", "testssl"}:
        sys.exit("usage: tls_bench.py [https] [testssl]")
    ftlnetns.exit_on_signals()
    accel = linux_accel()
    print("accelerator: %s" % accel)
    ok = True
    for part in parts:
        started = time.monotonic()
        if part == "https":
            linux_bench.build(quiet=True)
            part_https(accel)
        else:
            ok = part_testssl(accel) and ok
        print("tls: %s took %.0f s" % (part, time.monotonic() - started),
              flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
