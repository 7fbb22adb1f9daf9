#!/usr/bin/env python3
"""A local imitation of what `ftl deploy gce --replicas N` makes on Google
Compute Engine (docs/deploy/gce.md): copies of the GCE disk
(build/gce/ftl-gce.tar.gz) booted as GCE boots them (SeaBIOS,
virtio-scsi, virtio-net), each with a boot disk of its own, on tap devices
bridged in a network namespace this test creates, where dnsmasq hands
out GCE-shaped leases (a /32, routes by DHCP option 121); haproxy
(Debian) in front plays the load balancer, health-checking GET / on each.

Then a rolling replacement of every copy with a second image whose page
differs, the way the managed instance group does it with max-unavailable
0 and max-surge 1: a new copy is booted and must pass the health check
before an old one is drained (no new requests; its open ones finish) and
deleted. wrk runs through haproxy the whole time: no request may fail
(no "Socket errors", no "Non-2xx" line), and at the end only the new
page is served.

The second image is the first with the page's heading changed in a copy
of its initfs (same length, in http_server.elf), packed into an ISO by
grub-mkrescue and into a GCE disk by scripts/gce-image.sh, as make packs
the first. Needs root (namespaces, taps), haproxy, wrk, dnsmasq, curl;
skipped with a message otherwise. Traffic stays inside the namespace."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from testlib import check, run_suite
from ftlqemu import BUILD, Guest
import ftlnetns  # noqa: E402 (scripts/, put on the path by testlib)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ARCHIVE = os.path.join(BUILD, "gce", "ftl-gce.tar.gz")
NS = "ftl-group-%d" % os.getpid()
BRIDGE = "ftlgbr0"
ROUTER = "10.128.0.1"          # the namespace's end: router, haproxy
LB_PORT = 8080
REPLICAS = 2                   # the machine has 2 cores: keep it small
SLOTS = REPLICAS + 1           # room for the surge copy
OLD_PAGE = b"<h1>Hello from FTL</h1>"
NEW_PAGE = b"<h1>Hello, FTL v2!</h1>"  # the same length: the ELF keeps
                                      # its layout
BOOT_TIMEOUT_S = 120
HEALTHY_TIMEOUT_S = 30
DRAIN_TIMEOUT_S = 30
WRK_ROUND_S = 3                # wrk runs in rounds until the update is done


def slot_address(slot):
    return "10.128.0.%d" % (11 + slot)


def slot_mac(slot):
    return "52:54:00:12:34:%02x" % (0x11 + slot)


def sh(*args, timeout=60):
    done = subprocess.run(list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError("%s: %s" % (" ".join(args),
                                         done.stdout.decode()[-400:]))
    return done.stdout.decode()


def in_ns(*args, **kw):
    return sh("ip", "netns", "exec", NS, *args, **kw)


def why_not_possible():
    reason = ftlnetns.why_not_possible(
        ("ip", "dnsmasq", "haproxy", "wrk", "curl", "grub-mkrescue"))
    if reason is not None:
        return reason
    if not os.path.exists(ARCHIVE):
        return "%s is missing (run make)" % ARCHIVE
    return None


def second_image(temp):
    """disk.raw of the system with NEW_PAGE for OLD_PAGE; its path."""
    iso_root = os.path.join(temp, "iso")
    os.makedirs(os.path.join(iso_root, "boot", "grub"))
    shutil.copy(os.path.join(BUILD, "ftl-kernel.elf"),
                os.path.join(iso_root, "boot"))
    shutil.copy(os.path.join(ROOT, "os", "boot", "grub.cfg"),
                os.path.join(iso_root, "boot", "grub"))
    # A tar keeps a member's bytes as they are (its checksum covers the
    # header only), so the page can be changed in place.
    with open(os.path.join(BUILD, "initfs.tar"), "rb") as f:
        initfs = f.read()
    check(initfs.count(OLD_PAGE) == 1,
          "%r is in the initfs %d times, not once" % (OLD_PAGE,
                                                       initfs.count(OLD_PAGE)))
    with open(os.path.join(iso_root, "boot", "initfs.tar"), "wb") as f:
        f.write(initfs.replace(OLD_PAGE, NEW_PAGE))
    iso = os.path.join(temp, "v2.iso")
    sh("grub-mkrescue", "-o", iso, iso_root, timeout=120)
    out = os.path.join(temp, "v2")
    sh(os.path.join(ROOT, "scripts", "gce-image.sh"), iso, out, timeout=120)
    return os.path.join(out, "disk.raw")


class Haproxy:
    """haproxy in the namespace: port LB_PORT of ROUTER balanced over one
    server per slot, each health-checked with GET / every 500 ms and
    starting out in maintenance (no instance there yet); driven through
    its admin socket, as GCE drives its load balancer from the group."""

    def __init__(self, temp):
        self.socket = os.path.join(temp, "haproxy.sock")
        config = os.path.join(temp, "haproxy.cfg")
        servers = "".join(
            "    server s%d %s:80 check disabled\n" % (slot, slot_address(slot))
            for slot in range(SLOTS))
        with open(config, "w") as f:
            f.write(HAPROXY_CONFIG % dict(socket=self.socket, router=ROUTER,
                                          port=LB_PORT, servers=servers))
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", NS, "haproxy", "-db", "-f", config],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.socket):
            check(time.monotonic() < deadline and self.proc.poll() is None,
                  "haproxy did not start")
            time.sleep(0.1)

    def command(self, line):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.socket)
            s.sendall(line.encode() + b"\n")
            reply = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return reply.decode()
                reply += chunk

    def server_stat(self, slot):
        """The `show stat` fields of server s<slot>, by name."""
        lines = self.command("show stat").splitlines()
        names = lines[0].lstrip("# ").split(",")
        for line in lines[1:]:
            fields = line.split(",")
            if len(fields) > 1 and fields[1] == "s%d" % slot:
                return dict(zip(names, fields))
        raise AssertionError("haproxy has no server s%d" % slot)

    def set_state(self, slot, state):
        reply = self.command("set server group/s%d state %s" % (slot, state))
        check(reply.strip() == "", "set state %s: %s" % (state, reply))

    def wait_status(self, slot, want, timeout):
        deadline = time.monotonic() + timeout
        while True:
            stat = self.server_stat(slot)
            if stat["status"].startswith(want):
                return stat
            check(time.monotonic() < deadline,
                  "s%d is %s, not %s, after %d s" % (slot, stat["status"],
                                                     want, timeout))
            time.sleep(0.2)

    def close(self):
        self.proc.kill()
        self.proc.wait()


HAPROXY_CONFIG = """\
global
    stats socket %(socket)s level admin
    maxconn 4096

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # No retries on another server: a request that a going instance drops
    # must show as failed, not be hidden.
    retries 0
    # Every request is balanced anew, so a drained server gets no more.
    option http-server-close

frontend lb
    bind %(router)s:%(port)d
    default_backend group

backend group
    balance roundrobin
    option httpchk GET /
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
%(servers)s"""


class Group:
    """The namespace, its bridge, dnsmasq, haproxy and the copies."""

    def __enter__(self):
        self.temp = tempfile.mkdtemp(prefix="ftl-group-")
        self.dnsmasq = self.haproxy = None
        self.copies = {}  # slot: Guest
        try:
            self._setup()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def _setup(self):
        sh("ip", "netns", "add", NS)
        in_ns("ip", "link", "set", "lo", "up")
        in_ns("ip", "link", "add", BRIDGE, "type", "bridge")
        in_ns("ip", "addr", "add", ROUTER + "/24", "dev", BRIDGE)
        in_ns("ip", "link", "set", BRIDGE, "up")
        for slot in range(SLOTS):
            tap = "ftlgtap%d" % slot
            in_ns("ip", "tuntap", "add", "dev", tap, "mode", "tap")
            in_ns("ip", "link", "set", tap, "master", BRIDGE)
            in_ns("ip", "link", "set", tap, "up")
        hosts = ["--dhcp-host=%s,%s" % (slot_mac(s), slot_address(s))
                 for s in range(SLOTS)]
        self.dnsmasq = subprocess.Popen(
            ["ip", "netns", "exec", NS, "dnsmasq", "--no-daemon",
             "--conf-file=/dev/null", "--port=0", "--bind-interfaces",
             "--interface=" + BRIDGE, "--except-interface=lo",
             "--dhcp-range=%s,static,1h" % slot_address(0),
             "--dhcp-option=option:netmask,255.255.255.255",
             "--dhcp-option=121,%s/32,0.0.0.0,0.0.0.0/0,%s" % (ROUTER, ROUTER),
             "--dhcp-leasefile=" + os.path.join(self.temp, "leases"),
             "--pid-file=" + os.path.join(self.temp, "pid")] + hosts,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.haproxy = Haproxy(self.temp)
        sh("tar", "-xzf", ARCHIVE, "-C", self.temp)
        self.v1 = os.path.join(self.temp, "disk.raw")
        self.v2 = second_image(self.temp)

    def boot(self, slot, image, name):
        """A copy of image booted in slot, with a boot disk of its own as a
        GCE instance has; returns once it serves HTTP on its address."""
        disk = os.path.join(self.temp, "slot%d.raw" % slot)
        sh("cp", "--sparse=always", image, disk)
        guest = Guest(name, {"scsi_disk": disk}, extra=[
            "-netdev", "tap,id=net0,ifname=ftlgtap%d,script=no,downscript=no"
            % slot, "-device", "virtio-net-pci,netdev=net0,mac=" +
            slot_mac(slot)])
        guest.args = ["ip", "netns", "exec", NS] + guest.args
        guest.__enter__()
        self.copies[slot] = guest
        guest.wait_for(rb"\[tcpip\] info: address=" +
                       re.escape(slot_address(slot).encode()), BOOT_TIMEOUT_S)
        guest.wait_for(rb"\[tcpip\] info: listening on port 80",
                       BOOT_TIMEOUT_S)
        return guest

    def delete(self, slot):
        guest = self.copies.pop(slot)
        guest.kill()
        os.unlink(os.path.join(self.temp, "slot%d.raw" % slot))

    def __exit__(self, kind, value, tb):
        for slot in list(self.copies):
            self.copies[slot].__exit__(kind, value, tb)
        if self.haproxy is not None:
            self.haproxy.close()
        if self.dnsmasq is not None:
            self.dnsmasq.kill()
            self.dnsmasq.wait()
        subprocess.run(["ip", "netns", "del", NS], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(self.temp, ignore_errors=True)
        return False


class Load:
    """wrk through haproxy in rounds of WRK_ROUND_S until stopped; each
    round's report kept."""

    def __init__(self):
        self.reports = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def _run(self):
        url = "http://%s:%d/" % (ROUTER, LB_PORT)
        while not self.stopping.is_set():
            done = subprocess.run(
                ["ip", "netns", "exec", NS, "wrk", "-t1", "-c4",
                 "-d%ds" % WRK_ROUND_S, "--timeout", "5s", url],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                timeout=WRK_ROUND_S + 30)
            self.reports.append(done.stdout.decode())

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()
        return False

    def requests(self):
        return sum(int(m.group(1)) for r in self.reports
                   for m in [re.search(r"(\d+) requests in", r)] if m)

    def failures(self):
        """The lines of the reports that tell of failed requests."""
        return [line.strip() for r in self.reports for line in r.splitlines()
                if "Socket errors" in line or "Non-2xx" in line] + [
                    "no summary in: " + r[-200:] for r in self.reports
                    if "requests in" not in r]


def put_in_service(group, slot, image, name):
    """Boots a copy and lets the balancer send it requests once its
    health check passes (rise 2); the health check's duration in ms."""
    group.boot(slot, image, name)
    group.haproxy.set_state(slot, "ready")
    stat = group.haproxy.wait_status(slot, "UP", HEALTHY_TIMEOUT_S)
    return int(stat.get("check_duration") or 0)


def take_out_of_service(group, slot):
    """Drain (no new requests; what is open finishes), maintenance, then
    the copy is deleted, as the group deletes an instance it replaced."""
    group.haproxy.set_state(slot, "drain")
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while int(group.haproxy.server_stat(slot)["scur"] or 0) != 0:
        check(time.monotonic() < deadline, "s%d still has connections "
              "after %d s of draining" % (slot, DRAIN_TIMEOUT_S))
        time.sleep(0.1)
    group.haproxy.set_state(slot, "maint")
    group.delete(slot)


def page_through_balancer():
    return in_ns("curl", "-sS", "--max-time", "10",
                 "http://%s:%d/" % (ROUTER, LB_PORT))


def rolling_update_serves_every_request():
    with Group() as group:
        checks_ms = []
        for slot in range(REPLICAS):
            checks_ms.append(put_in_service(group, slot, group.v1,
                                            "gce_group_v1_%d" % slot))
        for _ in range(REPLICAS):
            check(OLD_PAGE.decode() in page_through_balancer(),
                  "the first image's page is not served")
        started = time.monotonic()
        with Load() as load:
            time.sleep(WRK_ROUND_S)  # load on the old copies first
            free = REPLICAS
            for old in range(REPLICAS):
                checks_ms.append(put_in_service(group, free, group.v2,
                                                "gce_group_v2_%d" % old))
                take_out_of_service(group, old)
                free = old
            time.sleep(WRK_ROUND_S)  # and on the new ones at the end
        took = time.monotonic() - started
        print("  rolling replacement of %d copies: %.1f s under load, "
              "%d requests in %d wrk rounds, health checks %s ms" % (
                  REPLICAS, took, load.requests(), len(load.reports),
                  "/".join(str(ms) for ms in checks_ms)), flush=True)
        failures = load.failures()
        check(not failures, "failed requests: %s" % "; ".join(failures[:5]))
        check(load.requests() > 0, "wrk made no request")
        for _ in range(2 * REPLICAS):
            page = page_through_balancer()
            check(NEW_PAGE.decode() in page and OLD_PAGE.decode() not in page,
                  "not the new page: %s" % page[:200])
        for slot, guest in group.copies.items():
            check(re.search(r"system ready: \d+ services running",
                            guest.console()), "copy in slot %d is not "
                  "ready on its console" % slot)


TESTS = [rolling_update_serves_every_request]

if __name__ == "__main__":
    reason = why_not_possible()
    if reason:
        print("gce_group: skipped: " + reason)
        print("gce_group: 0 passed, 0 failed, %d skipped" % len(TESTS))
        sys.exit(0)
    sys.exit(run_suite("gce_group", TESTS))
