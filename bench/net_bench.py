#!/usr/bin/env python3
"""Network benchmarks: the network system (os/net.yaml: the supervisor
starting virtio_net, tcpip, http_server) beside the Linux guest of
bench/linux booted with `ftl.http` (Debian's kernel with virtio-net, and
bench/linux/http_server.c serving the same bytes with the same headers), in
the same QEMU configuration and accelerator, on two paths:

  user  QEMU user networking (libslirp), wrk on the host against a port
        forwarded from 127.0.0.1.
  tap   a network namespace that this script creates, with a tap device
        that QEMU's virtio-net uses; wrk runs inside the namespace against
        the guest's address. FTL takes 10.0.2.15/24 by DHCP (dnsmasq), the
        Linux guest sets the same address itself. Needs root; skipped with
        a message otherwise.

QEMU 7.2's libslirp listens on each forwarded port with a backlog of 1, so
bursts of connects overflow it on the user path whatever the guest: the
host's ListenOverflows and SYN retransmissions during each wrk run are
figures too, and the tap path shows what the guest does without slirp.

Each run boots each guest once per path (FTL first, then Linux), measures
the milliseconds from QEMU's start to the first 200, then runs wrk at each
connection count in turn (5 s, keep-alive, wrk's 2 s time-out). A guest
that no longer answers after a level is booted again for the next one.
One `bench:` line per figure and run; bench/run-all.sh keeps min, median
and max. Figure names (docs/benchmarks.md says the same):

  boot.first_200_ms           user path: QEMU's start to the first 200
  boot.tap.first_200_ms       the same on the tap (FTL's includes DHCP)
  http.PATH.cN.rps            requests/s at N connections on PATH
  http.PATH.cN.p50_ms, .p99_ms  latency percentiles (ms)
  http.PATH.cN.errors         all of wrk's socket errors (sum of below)
  http.PATH.cN.errors.connect, .read, .write, .timeout   wrk's counts
  http.PATH.cN.non2xx         responses other than 2xx or 3xx
  http.PATH.cN.syn_retrans    the client side's SYN retransmissions
                              (TcpExt TCPSynRetrans of the host or the
                              namespace) during the run
  http.PATH.cN.rto            the client side's retransmission time-outs
                              (TcpExt TCPTimeouts) during the run
  http.user.cN.listen_overflows  the host's TcpExt ListenOverflows during
                              the run: slirp's backlog overflowing
  http.tap.cN.tap_drops       frames the host's tap dropped on their way
                              to the guest (its TX `dropped`) during the run
  http.PATH.cN.unresponsive   1 if the guest did not answer a GET within
                              10 s after the run (it is then booted again)
  http.rps, http.p50_ms, http.p99_ms   = http.user.c16.*, as before
  mem.min_mib                 the smallest memory that still serves
  boot.json.first_200_ms      json part: QEMU's start to the first 200 of
                              the JSON endpoint
  http.json.cN.*              json part: the figures above (user path)
                              for the http template's JSON endpoint
  http.json_rps, http.json_p50_ms, http.json_p99_ms  = http.json.c16.*
  boot.json_wasm.first_200_ms, http.json_wasm.cN.*, http.json_wasm_rps,
  http.json_wasm_p50_ms, http.json_wasm_p99_ms
                              json_wasm part: the same with the template's
                              service built as WebAssembly (isolation: wasm)

The json part builds a project from the http template with the SDK of
this tree (build/sdk-root/bin/ftl new --template http, ftl build) under
build/bench/json/, checks that GET /hello/bench answers
{"hello":"bench"} as application/json, boots the project's image (the
SDK's kernel, its initfs.tar) on user networking and runs wrk against
that URL at each of FTL_BENCH_JSON_CONNECTIONS (16,256,1000). No Linux
guest: the template is FTL's own. The json_wasm part does the same under
build/bench/json_wasm/ with the service's spec saying `isolation: wasm`.

The Linux guest's figures carry the prefix `linux.`.

Usage: net_bench.py [user] [tap] [mem] [json] [json_wasm]   (default: all)
Environment: FTL_BENCH_RUNS (5), FTL_BENCH_CONNECTIONS (16,64,256,1000),
FTL_BENCH_JSON_CONNECTIONS (16,256,1000), FTL_BENCH_WRK_SECONDS (5). Raw
wrk output: build/bench/net/."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
from ftlqemu import BUILD, Guest, GuestError, net_args  # noqa: E402
import ftlnetns  # noqa: E402
import linux_bench  # noqa: E402
from linux_bench import linux_accel  # noqa: E402

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITFS = os.path.join(BUILD, "systems", "net.tar")
FTL_BOOT = dict(kernel=KERNEL, initrd=INITFS)
LINUX_BOOT = dict(kernel=linux_bench.KERNEL, initrd=linux_bench.INITRD,
                  append=linux_bench.APPEND + " ftl.http")
LINUX_LIMIT_S = 120  # Linux under TCG takes seconds to its first 200
FTL_LIMIT_S = 60
RUNS = int(os.environ.get("FTL_BENCH_RUNS", "5"))
CONNECTIONS = [int(c) for c in os.environ.get(
    "FTL_BENCH_CONNECTIONS", "16,64,256,1000").split(",")]
WRK_SECONDS = int(os.environ.get("FTL_BENCH_WRK_SECONDS", "5"))
WRK_TIMEOUT_S = 2  # wrk's default, written out: slower answers are time-outs
HEALTH_S = 10
SETTLE_S = 1  # between levels, for the last run's connections to close
RAW = os.path.join(BUILD, "bench", "net")
JSON_CONNECTIONS = [int(c) for c in os.environ.get(
    "FTL_BENCH_JSON_CONNECTIONS", "16,256,1000").split(",")]
JSON_PROJECT = "jsonbench"
JSON_TARGET = "/hello/bench"  # the template's GET /hello/:name
JSON_ANSWER = {"hello": "bench"}

# The tap path: the namespace's end of the tap is where slirp's gateway is.
NS_PREFIX = "ftl-bench"
TAP = "ftlbtap0"
HOST_END = "10.0.2.2"
GUEST_ADDRESS = "10.0.2.15"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_200(host, port, timeout, target="/"):
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(b"GET %s HTTP/1.1\r\nHost: b\r\nConnection: close"
                      b"\r\n\r\n" % target.encode())
            return s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


# get_200 inside the namespace: one process that answers a line per probe,
# so that a probe costs no process start.
PROBE = r"""
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
for line in sys.stdin:
    try:
        with socket.create_connection((host, port), timeout=float(line)) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
            ok = s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    print(1 if ok else 0, flush=True)
"""


class UserPath:
    """QEMU user networking, guest port 80 forwarded from 127.0.0.1."""
    name = "user"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def guest(self, name, boot, accel, memory="128M"):
        # As on the tap: the last guest's connections that never closed
        # must not count their time-outs in this guest's runs.
        if getattr(self, "port", None):
            subprocess.run(["ss", "-K", "dst", "127.0.0.1", "dport", "=",
                            ":%d" % self.port], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        self.port = free_port()
        return Guest(name, boot, accel=accel, memory=memory,
                     extra=net_args([(self.port, 80)]))

    def get_200(self, timeout):
        return get_200("127.0.0.1", self.port, timeout)

    def url(self):
        return "http://127.0.0.1:%d/" % self.port

    def run(self, args, timeout):
        return subprocess.run(args, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout,
                              universal_newlines=True)

    def counters(self):
        return ftlnetns.host_tcp_ext()


class JsonPath(UserPath):
    """The user path to the http template's JSON endpoint."""
    name = "json"
    isolation = "user"

    def get_200(self, timeout):
        return get_200("127.0.0.1", self.port, timeout, JSON_TARGET)

    def url(self):
        return "http://127.0.0.1:%d%s" % (self.port, JSON_TARGET)


class JsonWasmPath(JsonPath):
    """The same endpoint with the template's service as WebAssembly."""
    name = "json_wasm"
    isolation = "wasm"


class TapPath:
    """A namespace with a tap at 10.0.2.2/24 and dnsmasq leasing
    10.0.2.15; QEMU and wrk run inside it."""
    name = "tap"

    def __enter__(self):
        self.ns = ftlnetns.Namespace(NS_PREFIX, tap=TAP,
                                     address=HOST_END + "/24")
        self.ns.__enter__()
        self.probe = None
        try:
            # No ping check: nothing else on this tap can hold the address,
            # and the check delays the offer by about 3 s.
            self.ns.start_dnsmasq(GUEST_ADDRESS, "255.255.255.0",
                                  router=HOST_END, ping_check=False)
            self.probe = self.ns.popen(
                ["python3", "-c", PROBE, GUEST_ADDRESS, "80"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                universal_newlines=True)
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc):
        if self.probe is not None:
            self.probe.kill()
            self.probe.wait()
        self.ns.__exit__(*exc)
        return False

    def guest(self, name, boot, accel, memory="128M"):
        # Both guests use 10.0.2.15 with the same MAC, one after the other;
        # forget the last one's neighbour entry anyway.
        self.ns.run("ip", "neigh", "flush", "dev", TAP)
        # And the last one's connections: those it never closed (a guest
        # that stalled drops frames) would go on retransmitting their FINs
        # to the next guest, whose run would count those time-outs (it did:
        # ~500 at FTL's 16 connections after each Linux run, 0 after none).
        self.ns.run("ss", "-K", "dst", GUEST_ADDRESS)
        g = Guest(name, boot, accel=accel, memory=memory, extra=[
            "-netdev", "tap,id=net0,ifname=%s,script=no,downscript=no" % TAP,
            "-device", "virtio-net-pci,netdev=net0"])
        g.args = self.ns.wrap(g.args)  # QEMU opens the tap inside
        return g

    def get_200(self, timeout):
        self.probe.stdin.write("%f\n" % timeout)
        self.probe.stdin.flush()
        return self.probe.stdout.readline().strip() == "1"

    def url(self):
        return "http://%s/" % GUEST_ADDRESS

    def run(self, args, timeout):
        return self.ns.run(*args, timeout=timeout)

    def counters(self):
        counts = self.ns.tcp_ext()
        counts["TapDropped"] = self.tap_dropped()
        return counts

    def tap_dropped(self):
        """Frames the host dropped on their way to the guest: the tap's TX
        `dropped` (its queue overflows while the guest takes none)."""
        lines = self.ns.run_checked("ip", "-s", "link", "show",
                                    TAP).splitlines()
        for i, line in enumerate(lines[:-1]):
            if line.split()[:1] == ["TX:"]:
                return int(lines[i + 1].split()[3])
        return 0


def wait_200(path, guest, limit_s):
    """Milliseconds from QEMU's start to the first 200, or None."""
    while guest.elapsed_ms() < limit_s * 1000:
        # QEMU's slirp accepts the host side of a forwarded connection
        # before the guest listens, and such a connection hangs until the
        # time-out: keep it short (a page takes about 1 ms once served), or
        # the figure measures the time-out instead of the boot.
        if path.get_200(0.1):
            return guest.elapsed_ms()
        if guest.proc.poll() is not None:
            return None
        time.sleep(0.01)
    return None


def answers(path, guest, within_s=HEALTH_S, probe_s=2.0, pause_s=0.2):
    """True if the guest serves a GET within within_s (each try waiting up
    to probe_s); False as soon as QEMU ends."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if path.get_200(probe_s):
            return True
        if guest.proc.poll() is not None:
            return False
        time.sleep(pause_s)
    return False


def latency_ms(out, percent):
    m = re.search(r"^\s+%d%%\s+([\d.]+)(us|ms|s)\s*$" % percent, out, re.M)
    if not m:
        return None
    scale = {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    return float(m.group(1)) * scale


def parse_wrk(out):
    """wrk's figures as {suffix: value}, or None if wrk did not run."""
    done = re.search(r"^\s*(\d+) requests in ", out, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    if not done or not rps:
        return None
    figures = {"rps": float(rps.group(1))}
    if int(done.group(1)) > 0:  # with no request, wrk prints 0 latencies
        for p in (50, 99):
            value = latency_ms(out, p)
            if value is not None:
                figures["p%d_ms" % p] = value
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), "
                       r"write (\d+), timeout (\d+)", out)
    counts = [int(n) for n in errors.groups()] if errors else [0, 0, 0, 0]
    for kind, count in zip(("connect", "read", "write", "timeout"), counts):
        figures["errors." + kind] = count
    figures["errors"] = sum(counts)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    return figures


UNITS = {"rps": "requests/s", "p50_ms": "ms", "p99_ms": "ms"}
FORMS = {"p50_ms": "%.2f", "p99_ms": "%.2f", "rps": "%.0f"}


class Reporter:
    def __init__(self, prefix):
        self.prefix = prefix
        self.seen = {}  # name -> values, for the summary

    def __call__(self, name, value, unit, form="%.0f"):
        self.seen.setdefault(name, []).append(value)
        print(("bench: %s%s " + form + " %s") % (self.prefix, name, value,
                                                 unit), flush=True)


def wrk_level(path, guest_label, run, connections, report):
    """One wrk run against the booted guest; reports its figures."""
    before = path.counters()
    try:
        done = path.run(
            ["wrk", "-t2", "-c%d" % connections, "-d%ds" % WRK_SECONDS,
             "--timeout", "%ds" % WRK_TIMEOUT_S, "--latency", path.url()],
            timeout=WRK_SECONDS + 60)
        out = done.stdout
    except subprocess.TimeoutExpired as e:
        out = (e.output or b"").decode("utf-8", "replace") + \
            "\nwrk did not end within %d s\n" % (WRK_SECONDS + 60)
    after = path.counters()
    os.makedirs(RAW, exist_ok=True)
    raw = os.path.join(RAW, "%s-%s-c%d-run%d.txt" % (
        path.name, guest_label, connections, run))
    with open(raw, "w") as f:
        f.write(out)
    figures = parse_wrk(out)
    base = "http.%s.c%d." % (path.name, connections)
    if figures is None:
        print("net: %s %s c%d run %d: wrk gave no figures (%s): %s" % (
            path.name, guest_label, connections, run, raw,
            out.strip().splitlines()[-1:] or ""), flush=True)
        report(base + "rps", 0, "requests/s")
        return
    for suffix, value in figures.items():
        report(base + suffix, value, UNITS.get(suffix, "count"),
               FORMS.get(suffix, "%d"))
    delta = {k: after.get(k, 0) - before.get(k, 0)
             for k in ("TCPSynRetrans", "TCPTimeouts", "ListenOverflows",
                       "TapDropped")}
    report(base + "syn_retrans", delta["TCPSynRetrans"], "count", "%d")
    report(base + "rto", delta["TCPTimeouts"], "count", "%d")
    if path.name == "tap":
        report(base + "tap_drops", delta["TapDropped"], "count", "%d")
    if path.name != "tap":
        report(base + "listen_overflows", delta["ListenOverflows"], "count",
               "%d")
    if path.name != "tap" and connections == 16:
        summary_prefix = "http." if path.name == "user" else \
            "http.%s_" % path.name
        for suffix in ("rps", "p50_ms", "p99_ms"):
            if suffix in figures:
                report(summary_prefix + suffix, figures[suffix],
                       UNITS[suffix], FORMS[suffix])
    print("net: %s %s c%d run %d: %.0f requests/s, p99 %s ms, errors "
          "connect %d read %d write %d timeout %d, syn retransmits %d%s" % (
              path.name, guest_label, connections, run, figures["rps"],
              "%.2f" % figures["p99_ms"] if "p99_ms" in figures else "-",
              figures["errors.connect"], figures["errors.read"],
              figures["errors.write"], figures["errors.timeout"],
              delta["TCPSynRetrans"],
              ", listen overflows %d" % delta["ListenOverflows"]
              if path.name != "tap" else ""), flush=True)


def boot_and_levels(path, accel, linux, run, report, boot=None,
                    connections=None):
    """Boots the guest on path (FTL's network system, the Linux guest, or
    boot), reports its first 200, then runs every level of connections
    (CONNECTIONS); a guest that stops answering is booted again."""
    label = "linux" if linux else "ftl"
    boot = boot or (LINUX_BOOT if linux else FTL_BOOT)
    limit = LINUX_LIMIT_S if linux else FTL_LIMIT_S
    boot_name = "boot.first_200_ms" if path.name == "user" else \
        "boot.%s.first_200_ms" % path.name
    levels = list(connections or CONNECTIONS)
    first = True
    while levels:
        guest = path.guest("bench_%s_%s" % (path.name, label), boot, accel)
        with guest as g:
            ms = wait_200(path, g, limit)
            if ms is None:
                path_log = g.save_log()
                print("net: %s %s run %d: no 200 within %d s (console: %s)"
                      % (path.name, label, run, limit, path_log), flush=True)
                return
            if first:
                report(boot_name, ms, "ms")
                first = False
            while levels:
                connections = levels.pop(0)
                wrk_level(path, label, run, connections, report)
                base = "http.%s.c%d." % (path.name, connections)
                alive = answers(path, g)
                report(base + "unresponsive", 0 if alive else 1, "count",
                       "%d")
                if not alive:
                    log = g.save_log()
                    # Linux says why on its console, when it knows.
                    for line in g.console().splitlines()[-40:]:
                        if "timed out" in line or "panic" in line.lower():
                            print("net: %s console: %s" % (label,
                                                           line.strip()))
                            break
                    print("net: %s %s c%d run %d: the guest no longer "
                          "answers (console: %s)%s" % (
                              path.name, label, connections, run, log,
                              "; booting it again" if levels else ""),
                          flush=True)
                    break
                time.sleep(SETTLE_S)


def serves_with(accel, mib, linux=False):
    path = UserPath()
    guest = path.guest("bench_mem_%d" % mib, LINUX_BOOT if linux else
                       FTL_BOOT, accel, memory="%dM" % mib)
    try:
        with guest as g:
            # FTL serves within 0.2 s when it can (boot.first_200_ms); one
            # that cannot crash-loops, which would take the whole limit.
            return answers(path, g, LINUX_LIMIT_S if linux else 5, 1.0, 0.1)
    except (OSError, GuestError):
        return False


def min_mib(accel, linux=False, guess=None):
    """Smallest guest memory (MiB) that serves: by bisection over 1..128,
    or, from the size an earlier run found (guess), by steps of 1 MiB until
    one size serves and one MiB less does not."""
    def serves(mib):
        return serves_with(accel, mib, linux)
    if guess:
        if serves(guess):
            while guess > 1 and serves(guess - 1):
                guess -= 1
            return guess
        while guess < 128:
            guess += 1
            if serves(guess):
                return guess
        return None
    low, high = 1, 128  # low does not serve (assumed), high does
    if not serves(high):
        return None
    while high - low > 1:
        mid = (low + high) // 2
        if serves(mid):
            high = mid
        else:
            low = mid
    return high


def summary(path_name, ours, linux, connections=None):
    """A table of the medians of this part's figures, FTL beside Linux."""
    import statistics

    def med(rep, name):
        values = rep.seen.get(name)
        return statistics.median(values) if values else None

    print("net: %s path, medians of %d run(s):" % (path_name, RUNS))
    print("net:   %-6s %-8s %10s %10s %8s %10s %10s %8s" % (
        "conns", "", "FTL rps", "p99 ms", "errors", "Linux rps", "p99 ms",
        "errors"))
    for c in connections or CONNECTIONS:
        base = "http.%s.c%d." % (path_name, c)
        cells = []
        for rep in (ours, linux):
            for suffix, form in (("rps", "%10.0f"), ("p99_ms", "%10.2f"),
                                 ("errors", "%8.0f")):
                v = med(rep, base + suffix)
                cells.append(form % v if v is not None else "%10s" % "-")
        print("net:   %-6d %-8s %s" % (c, "", " ".join(cells)))


def part_network(path, accel):
    ours, linux = Reporter(""), Reporter("linux.")
    with path:
        for run in range(1, RUNS + 1):
            boot_and_levels(path, accel, False, run, ours)
            boot_and_levels(path, accel, True, run, linux)
    summary(path.name, ours, linux)


def part_mem(accel):
    for linux, prefix in ((False, ""), (True, "linux.")):
        report = Reporter(prefix)
        guess = None
        for _ in range(RUNS):
            guess = min_mib(accel, linux, guess)
            if guess is None:
                print("net: %s guest does not serve even with 128 MiB" %
                      ("the Linux" if linux else "the FTL"), flush=True)
                break
            report("mem.min_mib", guess, "MiB", "%d")


def ftl_cli(cwd, *args):
    """The in-tree SDK's ftl (build/sdk-root, made by make all or make
    sdk), as a user runs it: FTL_SDK unset, so it finds its own SDK."""
    env = dict(os.environ)
    env.pop("FTL_SDK", None)
    done = subprocess.run([os.path.join(BUILD, "sdk-root", "bin", "ftl")] +
                          list(args), cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=300)
    if done.returncode != 0:
        sys.exit("net: ftl %s failed (%d): %s" % (
            " ".join(args), done.returncode, done.stdout[-2000:]))
    return done.stdout


def json_project(path):
    """A new project from the http template, its service in path's
    isolation, built: its boot (the SDK's kernel and the project's
    initfs)."""
    top = os.path.join(BUILD, "bench", path.name)
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(top)
    ftl_cli(top, "new", JSON_PROJECT, "--template", "http")
    project = os.path.join(top, JSON_PROJECT)
    spec = os.path.join(project, "services", JSON_PROJECT, "service.yaml")
    with open(spec) as f:
        text = f.read()
    with open(spec, "w") as f:
        f.write(re.sub(r"(?m)^(\s*isolation:) user$",
                       r"\1 %s" % path.isolation, text))
    print("net: %s: %s" % (path.name, ftl_cli(project, "build").strip()
                           .splitlines()[-2]), flush=True)
    return dict(kernel=os.path.join(BUILD, "sdk-root", "base",
                                    "ftl-kernel.elf"),
                initrd=os.path.join(project, "build", "initfs.tar"))


def json_answer_is_right(path):
    """The endpoint answers {"hello": "bench"} as application/json: the
    figures are of the JSON route, not of a 404 or the page."""
    import urllib.request
    with urllib.request.urlopen(path.url(), timeout=10) as r:
        body, kind = r.read(), r.headers.get("Content-Type")
    if kind != "application/json" or json.loads(body) != JSON_ANSWER:
        sys.exit("net: json: %s answered %r (%s)" % (path.url(), body, kind))


def part_json(accel, path):
    boot = json_project(path)
    ours = Reporter("")
    with path.guest("bench_%s_check" % path.name, boot, accel) as g:
        if wait_200(path, g, FTL_LIMIT_S) is None:
            sys.exit("net: %s: no 200 within %d s (console: %s)" % (
                path.name, FTL_LIMIT_S, g.save_log()))
        json_answer_is_right(path)
        started = "started %s (%s mode)" % (JSON_PROJECT, path.isolation)
        if started not in g.console():
            sys.exit("net: %s: no %r on the console" % (path.name, started))
    for run in range(1, RUNS + 1):
        boot_and_levels(path, accel, False, run, ours, boot=boot,
                        connections=JSON_CONNECTIONS)
    summary(path.name, ours, Reporter("linux."), JSON_CONNECTIONS)


def main():
    every = ["user", "tap", "mem", "json", "json_wasm"]
    parts = sys.argv[1:] or every
    if set(parts) - set(every):
        sys.exit("usage: net_bench.py [user] [tap] [mem] [json] [json_wasm]")
    ftlnetns.exit_on_signals()
    accel = linux_accel()
    print("accelerator: %s" % accel)
    linux_bench.build(quiet=True)
    for part in parts:
        started = time.monotonic()
        if part == "user":
            part_network(UserPath(), accel)
        elif part == "tap":
            reason = ftlnetns.why_not_possible(("ip", "dnsmasq", "wrk"))
            if reason:
                print("net: tap path skipped: %s" % reason, flush=True)
                continue
            part_network(TapPath(), accel)
        elif part == "json":
            part_json(accel, JsonPath())
        elif part == "json_wasm":
            part_json(accel, JsonWasmPath())
        else:
            part_mem(accel)
        print("net: %s took %.0f s" % (part, time.monotonic() - started),
              flush=True)


if __name__ == "__main__":
    main()
