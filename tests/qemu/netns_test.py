#!/usr/bin/env python3
"""The network path on a real (virtual) wire: a network namespace that this
test creates, with a tap device that QEMU's virtio-net uses and dnsmasq
(Debian) serving DHCP on it. The lease is shaped like Google Compute
Engine's: a /32 address, and the router outside that "subnet", reached
through classless static routes (DHCP option 121). Option 3 names a router
that does not exist: RFC 3442 says to ignore it when option 121 is there,
so only a client that routes by option 121 gets its answers out.

Tests: the lease as tcpip applies it; ping from the namespace; HTTP through
the tap, also from an address off the guest's subnet (answered through the
default route of option 121); malformed frames (python3-scapy) crash
neither virtio_net nor tcpip; 10,000 keep-alive connections open at once,
all served (tests/qemu/manyconn.py); past TCP_MAX_CONNECTIONS a new
connection is reset at once and those open are still served; through a
SYN flood and a flood of half-open connections (tests/qemu/flood.py)
established connections are served and a new one within 1 s of the
flood's end. Needs root (namespaces, tap); skipped with a
message otherwise. Traffic stays inside the namespace."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from testlib import check
from ftlqemu import BUILD, Guest

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITFS = os.path.join(BUILD, "systems", "net.tar")  # os/net.yaml
NS = "ftl-net-%d" % os.getpid()
TAP = "ftltap0"
ROUTER = "10.128.0.1"   # the namespace's end of the tap
GUEST = "10.128.0.5"    # the /32 lease
BOGUS_ROUTER = "10.128.0.99"  # option 3: must be ignored
OFF_LINK = "192.0.2.7"  # a namespace address only the default route reaches
SCAPY_PYTHON = "/usr/bin/python3"  # Debian's, where python3-scapy lives


def sh(*args, check_status=True, timeout=30):
    done = subprocess.run(list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    if check_status and done.returncode != 0:
        raise AssertionError("%s: %s" % (" ".join(args),
                                         done.stdout.decode()[-400:]))
    return done.stdout.decode()


def in_ns(*args, **kw):
    return sh("ip", "netns", "exec", NS, *args, **kw)


def why_not_possible():
    if os.geteuid() != 0:
        return "needs root for a network namespace and a tap device"
    for tool in ("ip", "dnsmasq", "curl", "ping"):
        if shutil.which(tool) is None:
            return "%s is not installed (scripts/setup-host.sh)" % tool
    probe = subprocess.run(["ip", "netns", "add", NS + "-probe"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if probe.returncode != 0:
        return "cannot create a network namespace: %s" % probe.stdout.decode()
    subprocess.run(["ip", "netns", "del", NS + "-probe"])
    return None


class Wire:
    """The namespace, its tap, dnsmasq and the guest on the tap; boot is
    the guest's boot path (ftlqemu.boot_args), PVH by default."""

    def __init__(self, boot=None):
        self.boot = boot or dict(kernel=KERNEL, initrd=INITFS)

    def __enter__(self):
        self.temp = tempfile.mkdtemp(prefix="ftl-netns-")
        self.dnsmasq = None
        self.guest = None
        try:
            self._setup()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def _setup(self):
        sh("ip", "netns", "add", NS)
        in_ns("ip", "link", "set", "lo", "up")
        in_ns("ip", "tuntap", "add", "dev", TAP, "mode", "tap")
        in_ns("ip", "addr", "add", ROUTER + "/24", "dev", TAP)
        in_ns("ip", "addr", "add", OFF_LINK + "/32", "dev", "lo")
        in_ns("ip", "link", "set", TAP, "up")
        self.dnsmasq = subprocess.Popen(
            ["ip", "netns", "exec", NS, "dnsmasq", "--no-daemon",
             "--conf-file=/dev/null", "--port=0", "--bind-interfaces",
             "--interface=" + TAP, "--except-interface=lo",
             "--dhcp-range=%s,%s,1h" % (GUEST, GUEST),
             "--dhcp-option=option:netmask,255.255.255.255",
             "--dhcp-option=3," + BOGUS_ROUTER,
             "--dhcp-option=121,%s/32,0.0.0.0,0.0.0.0/0,%s" % (ROUTER, ROUTER),
             "--dhcp-leasefile=" + os.path.join(self.temp, "leases"),
             "--pid-file=" + os.path.join(self.temp, "pid")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.guest = Guest("netns", self.boot,
            extra=["-netdev", "tap,id=net0,ifname=%s,script=no,downscript=no"
                   % TAP, "-device", "virtio-net-pci,netdev=net0"])
        # QEMU opens the tap inside the namespace.
        self.guest.args = ["ip", "netns", "exec", NS] + self.guest.args
        self.guest.__enter__()
        self.guest.wait_for(rb"\[tcpip\] info: address=10\.128", 60)
        self.guest.wait_for(rb"\[tcpip\] info: listening on port 80", 30)

    def __exit__(self, kind, value, tb):
        if self.guest is not None:
            self.guest.__exit__(kind, value, tb)
        if self.dnsmasq is not None:
            self.dnsmasq.kill()
            self.dnsmasq.wait()
        subprocess.run(["ip", "netns", "del", NS], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(self.temp, ignore_errors=True)
        return False


wire = None


def dhcp_applies_a_gce_like_lease():
    # Up to the line's end: the console may hold only the start of it yet.
    line = wire.guest.wait_for(
        rb"\[tcpip\] info: (address=10\.128\.[^\r\n]*)[\r\n]", 10
    ).group(1).decode()
    check("address=%s netmask=255.255.255.255" % GUEST in line, line)
    check("mode=dhcp" in line, line)
    check("routes=2" in line, line)
    routes = wire.guest.wait_for(
        rb"\[tcpip\] info: classless static routes: ([^\r\n]*)", 10
    ).group(1).decode()
    check(routes == "%s/32 on-link, 0.0.0.0/0 via %s" % (ROUTER, ROUTER),
          routes)


def ping_reaches_the_guest():
    out = in_ns("ping", "-c", "3", "-W", "5", GUEST, timeout=30)
    check(" 0% packet loss" in out, out)


def http_through_the_tap():
    out = in_ns("curl", "-sS", "--max-time", "20", "http://%s/" % GUEST)
    check("Hello from FTL" in out, out[:200])


def answers_leave_by_the_classless_default_route():
    # From an address off the /32: the guest must send its answer to the
    # router of option 121 (not option 3's), which it ARPs for on-link.
    out = in_ns("curl", "-sS", "--max-time", "20", "--interface", OFF_LINK,
                "http://%s/status" % GUEST)
    check('"services"' in out, out[:200])


MALFORMED = r'''
import sys
from scapy.all import Ether, IP, TCP, UDP, ICMP, ARP, Raw, sendp, fuzz
dst, iface = sys.argv[1], sys.argv[2]
mac = "ff:ff:ff:ff:ff:ff"
frames = [
    Ether(dst=mac, type=0x0800) / Raw(b"\x45"),                  # truncated IP
    Ether(dst=mac) / IP(dst=dst, ihl=15) / Raw(b"x" * 8),         # IHL past end
    Ether(dst=mac) / IP(dst=dst, len=60000) / Raw(b"y" * 20),     # length lies
    Ether(dst=mac) / IP(dst=dst, len=10) / Raw(b"z" * 20),        # length short
    Ether(dst=mac) / IP(dst=dst, frag=1, flags="MF") / UDP() / Raw(b"f" * 30),
    Ether(dst=mac) / IP(dst=dst) / TCP(dport=80, dataofs=15, flags="S"),
    Ether(dst=mac) / IP(dst=dst) / TCP(dport=80, dataofs=1, flags="PA"),
    Ether(dst=mac) / IP(dst=dst) / TCP(dport=80, flags="SFRPAU"),
    Ether(dst=mac) / IP(dst=dst) / UDP(dport=68, len=5000) / Raw(b"u" * 8),
    Ether(dst=mac) / IP(dst=dst) / UDP(dport=68) / Raw(b"\x02" + b"\xff" * 300),
    Ether(dst=mac) / IP(dst=dst) / ICMP(type=8) / Raw(b"p" * 1400),
    Ether(dst=mac) / ARP(op=2, psrc="0.0.0.0", hwlen=200),
    Ether(dst=mac, type=0x0806) / Raw(b"\x00"),
    Ether(dst=mac, type=0x86dd) / Raw(b"\x60" + b"\x00" * 50),    # IPv6
    Ether(dst=mac, type=0x8100) / Raw(b"\x00\x01\x08\x00\x45"),  # VLAN
    Raw(b"\x00" * 14),                                             # empty
]
for _ in range(200):
    frames.append(Ether(dst=mac) / fuzz(IP(dst=dst) / TCP(dport=80)))
    frames.append(Ether(dst=mac) / fuzz(IP(dst=dst) / UDP()))
    frames.append(Ether(dst=mac) / fuzz(IP(dst=dst) / ICMP()))
sendp(frames, iface=iface, verbose=False)
print("sent", len(frames))
'''


def malformed_frames_crash_neither_driver_nor_stack():
    if not os.path.exists(SCAPY_PYTHON) or subprocess.run(
            [SCAPY_PYTHON, "-c", "import scapy"]).returncode != 0:
        raise AssertionError("python3-scapy is not installed "
                             "(scripts/setup-host.sh)")
    out = in_ns(SCAPY_PYTHON, "-c", MALFORMED, GUEST, TAP, timeout=120)
    check(re.search(r"^sent \d+$", out, re.M) is not None, out)
    http_through_the_tap()
    ping_reaches_the_guest()
    console = wire.guest.console()
    for service in ("virtio_net", "tcpip", "http_server"):
        check(not re.search(r"%s.*(killed|fault|assertion)" % service,
                            console), "%s crashed" % service)


HERE = os.path.dirname(os.path.abspath(__file__))
INDEX_BYTES = os.path.getsize(os.path.join(HERE, "..", "..", "apps",
                                           "http_server", "public", "index.html"))


def many_connections(count, opening, timeout_s):
    """tests/qemu/manyconn.py inside the namespace: its JSON result."""
    out = in_ns("python3", os.path.join(HERE, "manyconn.py"), GUEST, "80",
                str(count), str(opening), str(timeout_s), str(INDEX_BYTES),
                timeout=3 * timeout_s)
    print("  %s" % out.strip(), flush=True)
    return json.loads(out.strip().splitlines()[-1])


def system_boot(name):
    return dict(kernel=KERNEL, initrd=os.path.join(BUILD, "systems",
                                                   name + ".tar"))


def ten_thousand_keepalive_connections_are_all_served():
    # tests/net/many.yaml: the base's limits, a long idle time-out.
    with Wire(system_boot("many")):
        result = many_connections(10000, 200, 120)
        check(result["open"].get("ok") == 10000, "opening: %s" % result)
        check(result["again"].get("ok") == 10000, "all at once: %s" % result)


# Inside the namespace: LIMIT connections held open, then one more, which
# must be refused at once; then the LIMIT ones must still be answered.
PAST_THE_LIMIT = r'''
import json, socket, sys, time
sys.path.insert(0, sys.argv[1])
import manyconn
guest, limit, body = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conns = [manyconn.Conn((guest, 80)) for _ in range(limit)]
manyconn.exchange(conns, body, time.monotonic() + 60)
held = sum(c.outcome == "ok" for c in conns)
started = time.monotonic()
extra = socket.create_connection((guest, 80), timeout=10)
extra.sendall(manyconn.REQUEST)
try:
    got = extra.recv(100)
    refused = "closed" if got == b"" else "answered"
except ConnectionResetError:
    refused = "reset"
except socket.timeout:
    refused = "hung"
refused_s = time.monotonic() - started
for c in conns:
    c.outcome = None if c.outcome == "ok" else c.outcome
manyconn.exchange(conns, body, time.monotonic() + 60)
again = sum(c.outcome == "ok" for c in conns)
print(json.dumps({"held": held, "extra": refused,
                  "extra_s": round(refused_s, 2), "again": again}))
'''


def past_the_limit_connections_are_refused_and_the_rest_served():
    # tests/net/limit.yaml: TCP_MAX_CONNECTIONS=100 (http_server's own
    # listener channel is not a connection).
    with Wire(system_boot("limit")) as limited:
        out = in_ns("python3", "-c", PAST_THE_LIMIT, HERE, GUEST, "100",
                    str(INDEX_BYTES), timeout=200)
        print("  %s" % out.strip(), flush=True)
        result = json.loads(out.strip().splitlines()[-1])
        check(result["held"] == 100, "100 held open: %s" % result)
        check(result["extra"] == "reset" and result["extra_s"] < 5,
              "the 101st is reset at once: %s" % result)
        check(result["again"] == 100, "the 100 still served: %s" % result)
        limited.guest.wait_for(rb"\[tcpip\] warn: refused_connections: 1 ", 5)


def flood(kind, count, seconds, keep=50):
    """tests/qemu/flood.py inside the namespace against a fresh guest."""
    with Wire() as flooded:
        out = in_ns("python3", os.path.join(HERE, "flood.py"), GUEST, "80",
                    str(INDEX_BYTES), TAP, kind, str(count), str(seconds),
                    str(keep), timeout=300)
        print("  %s" % out.strip(), flush=True)
        result = json.loads(out.strip().splitlines()[-1])
        check(result["flood"]["sent"] == count, "flood sent: %s" % result)
        check(result["held"] == keep, "held before: %s" % result)
        # Established connections keep being served through the flood...
        check(result["rounds"] > 0 and
              result["rounds_all_served"] == result["rounds"] and
              result["slowest_round_s"] < 2, "during: %s" % result)
        # A new client gets through during the flood too (its SYN may be
        # shed once and sent again after 1 s).
        check(result["fresh_served"] >= 1, "no fresh connection served "
              "during the flood: %s" % result)
        # ...and a new one is served within a second of its end.
        check(result["recovered_s"] is not None and
              result["recovered_s"] < 1, "recovery: %s" % result)
        check(result["after"] == keep, "after: %s" % result)
        return result, flooded.guest.console()


def established_connections_are_served_through_a_syn_flood():
    # 20,000 SYNs a second: more than tcpip takes under TCG, so the
    # backlog fills and virtio_net sheds SYNs.
    result, console = flood("syn", 100000, 5)
    check("[tcpip] warn: evicted_halfopen: " in console,
          "no half-open connection was evicted: the flood did not arrive")


def established_connections_are_served_through_a_half_open_flood():
    # 5,000 handshakes completed by peers that then vanish.
    result, console = flood("handshake", 5000, 5)
    check(result["flood"]["acked"] >= 4500,
          "handshakes completed: %s" % result)


def abandoned_handshakes_cost_bounded_memory():
    """1,000 TLS handshakes opened and abandoned (tests/qemu/abandon.py)
    against tests/net/https.yaml (TLS_HANDSHAKES_MAX 64): the oldest are
    ended to make room, so a real client is served during and after, and
    tls's memory grows by at most the limit's worth of sessions."""
    with Wire(system_boot("https")) as wire:
        out = in_ns("python3", os.path.join(HERE, "abandon.py"), GUEST,
                    "1000", os.path.join(BUILD, "tls", "ca.pem"), timeout=600)
        print("  %s" % out.strip(), flush=True)
        result = json.loads(out.strip().splitlines()[-1])
        check(result["opened"] == 1000, "opened: %s" % result)
        check(result["get_during_s"] is not None and
              result["get_during_s"] < 10, "served during: %s" % result)
        check(result["get_after_s"] is not None, "served after: %s" % result)
        memory = result["memory_kib"]
        # A session in a handshake holds about 40 KiB; 64 at most.
        check(memory["during"] - memory["before"] < 64 * 80,
              "1,000 abandoned handshakes took %d KiB" % (
                  memory["during"] - memory["before"]))
        check(result["restarts"] == 0, "tls restarted: %s" % result)
        wire.guest.wait_for(rb"\[tls\] warn: evicted_handshakes: ", 10)


def gce_disk_leases_and_serves():
    """The GCE image's disk.raw (build/gce/ftl-gce.tar.gz) booted as GCE
    boots it (SeaBIOS, virtio-scsi, virtio-net) on the same wire: it takes
    the /32 lease with its classless routes and serves HTTP."""
    global wire
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["tar", "-xzf", os.path.join(BUILD, "gce",
                                                    "ftl-gce.tar.gz"),
                        "-C", d], check=True)
        with Wire(dict(scsi_disk=os.path.join(d, "disk.raw"))) as wire:
            dhcp_applies_a_gce_like_lease()
            http_through_the_tap()
            answers_leave_by_the_classless_default_route()


TESTS = [dhcp_applies_a_gce_like_lease, ping_reaches_the_guest,
         http_through_the_tap, answers_leave_by_the_classless_default_route,
         malformed_frames_crash_neither_driver_nor_stack]

if __name__ == "__main__":
    reason = why_not_possible()
    if reason:
        print("netns: skipped: " + reason)
        print("netns: 0 passed, 0 failed, %d skipped" % len(TESTS))
        sys.exit(0)
    passed = failed = 0
    try:
        wire = Wire().__enter__()
    except Exception as e:
        print("FAIL setting up the namespace, dnsmasq and the guest: %s" % e)
        print("netns: 0 passed, %d failed" % len(TESTS))
        sys.exit(1)
    try:
        from testlib import run_suite
        status = run_suite("netns", TESTS)
    finally:
        wire.__exit__(None, None, None)
    gce_status = run_suite("netns.gce", [gce_disk_leases_and_serves])
    load_status = run_suite("netns.load", [
        ten_thousand_keepalive_connections_are_all_served,
        past_the_limit_connections_are_refused_and_the_rest_served])
    flood_status = run_suite("netns.flood", [
        established_connections_are_served_through_a_syn_flood,
        established_connections_are_served_through_a_half_open_flood])
    tls_status = run_suite("netns.tls", [
        abandoned_handshakes_cost_bounded_memory])
    sys.exit(status or gce_status or load_status or flood_status or
             tls_status)
