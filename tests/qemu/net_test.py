#!/usr/bin/env python3
"""The network path end to end: the supervisor starts virtio_net, tcpip and
an app (http_server or tcp_echo) from a system file (os/net.yaml,
tests/net/*.yaml) on QEMU user networking, and the host talks to the guest
only through ports forwarded from 127.0.0.1. HTTP with curl (GET,
HEAD, 404, keep-alive), the error statuses and time-outs, /status, 1,000
sequential and 50 concurrent requests, 1,000 keep-alive connections open at
once (tests/qemu/manyconn.py), TCP echo, both virtio transports
(legacy and modern), and a static address instead of DHCP."""

import concurrent.futures
import json
import os
import re
import socket
import subprocess
import sys
import time

from testlib import check, free_port, run_suite
from ftlqemu import BUILD, Guest, net_args
import manyconn

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
READY_TIMEOUT_S = 60
INDEX_BYTES = os.path.getsize(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "apps",
    "http_server", "public", "index.html"))
MAC = "52:54:00:f7:1a:07"


class Boot:
    """A guest booting the network system `system` (build/systems/NAME.tar,
    tests/net/build.mk); port is the forwarded host port of the app's
    guest port."""

    def __init__(self, name, system="http", guest_port=80, legacy=False,
                 proto="tcp", machine=()):
        self.port = free_port()
        self.guest_port = guest_port
        self.proto = proto
        initrd = os.path.join(BUILD, "systems", system + ".tar")
        self.guest = Guest(
            name, dict(kernel=KERNEL, initrd=initrd),
            extra=list(machine) +
            net_args([(self.port, guest_port, proto)], legacy=legacy,
                     mac=MAC))

    def __enter__(self):
        self.guest.__enter__()
        try:
            self.guest.wait_for(rb"\[tcpip\] info: address=\d", READY_TIMEOUT_S)
            if self.proto == "tcp":
                self.guest.wait_for(rb"\[tcpip\] info: listening on port "
                                    rb"%d\r?$" % self.guest_port,
                                    READY_TIMEOUT_S)
        except Exception:
            self.guest.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc):
        return self.guest.__exit__(*exc)

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)


def curl(*args):
    done = subprocess.run(["curl", "-sS", "--max-time", "20"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(done.returncode == 0, "curl %s: %s" % (" ".join(args),
                                                  done.stderr.decode()))
    return done.stdout.decode("utf-8", "replace"), done.stderr.decode()


def raw_exchange(port, data, wait_close=True, timeout=20):
    """Sends data on a new connection and returns all it gets back until
    the server closes (or, without wait_close, the first response)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        got = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return got
            got += chunk
            if not wait_close and b"\r\n\r\n" in got:
                return got


def status_of(response):
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", response)
    check(match is not None, "no status line in %r" % response[:80])
    return int(match.group(1))


def get_ok(port):
    """One GET / on a new connection; True if the page came back whole
    (else the first few failures are printed)."""
    try:
        got = raw_exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\n"
                           b"Connection: close\r\n\r\n")
    except OSError as e:
        got = repr(e).encode()
    head, _, body = got.partition(b"\r\n\r\n")
    if head.startswith(b"HTTP/1.1 200 ") and len(body) == INDEX_BYTES:
        return True
    print("  GET / failed: %r" % got[:100], flush=True)
    return False


# The tests of one http_server boot share it.
http_boot = None


def http_get_serves_the_index_page():
    out, _ = curl("-i", http_boot.url("/"))
    check(out.startswith("HTTP/1.1 200 OK"), "status: %r" % out[:40])
    check("Content-Type: text/html" in out, "content type")
    check("Hello from FTL" in out, "page body")


def http_head_has_the_headers_and_no_body():
    out, _ = curl("-I", http_boot.url("/"))
    check(out.startswith("HTTP/1.1 200 OK"), "status: %r" % out[:40])
    check("Content-Length: %d\r\n" % INDEX_BYTES in out, "length: %r" % out)
    got = raw_exchange(http_boot.port, b"HEAD / HTTP/1.1\r\nHost: t\r\n"
                       b"Connection: close\r\n\r\n")
    check(got.endswith(b"\r\n\r\n"), "nothing after the head: %r" % got[-40:])


def http_unknown_path_is_404():
    out, _ = curl("-s", "-o", "/dev/null", "-w", "%{http_code}",
                  http_boot.url("/no/such/page"))
    check(out == "404", "status %s" % out)


def http_keep_alive_reuses_the_connection():
    _, err = curl("-v", "-o", "/dev/null", "-o", "/dev/null",
                  http_boot.url("/"), http_boot.url("/style.css"))
    check("Re-using existing connection" in err or
          "Reusing existing connection" in err, "curl did not reuse: %s" % err)
    got = raw_exchange(http_boot.port,
                       b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
                       b"GET /status HTTP/1.1\r\nHost: t\r\n\r\n"
                       b"GET /style.css HTTP/1.1\r\nHost: t\r\n"
                       b"Connection: close\r\n\r\n")
    check(got.count(b"HTTP/1.1 200 OK") == 3, "three pipelined answers")


def http_status_is_json_with_the_services():
    out, _ = curl(http_boot.url("/status"))
    status = json.loads(out)
    check(status["uptime_ms"] > 0, "uptime %r" % status)
    names = {s["name"]: s["state"] for s in status["services"]}
    check(names.get("tcpip") == "Running" and
          names.get("virtio_net") == "Running" and
          names.get("http_server") == "Running", "services %r" % names)


def http_errors_have_the_right_status():
    port = http_boot.port
    got = raw_exchange(port, b"POST / HTTP/1.1\r\nHost: t\r\n"
                       b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    check(status_of(got) == 405 and b"Allow: GET, HEAD\r\n" in got,
          "POST: %r" % got[:120])
    got = raw_exchange(port, b"GARBAGE\r\n\r\n")
    check(status_of(got) == 400, "malformed: %r" % got[:60])
    got = raw_exchange(port, b"GET / HTTP/2.0\r\n\r\n")
    check(status_of(got) == 505, "version: %r" % got[:60])
    big = b"GET / HTTP/1.1\r\nX-Pad: " + b"a" * 9000 + b"\r\n\r\n"
    got = raw_exchange(port, big)
    check(status_of(got) == 431, "oversized head: %r" % got[:60])
    got = raw_exchange(port, b"GET / HTTP/1.1\r\nContent-Length: 100000\r\n"
                       b"\r\n")
    check(status_of(got) == 413, "oversized body: %r" % got[:60])


def answer_time(port, data):
    """Sends data on a connection already open and returns (what came
    back until the first response ended or the server closed, seconds from
    the send to then)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        started = time.monotonic()
        s.sendall(data)
        got = b""
        while True:
            chunk = s.recv(65536)
            got += chunk
            head, _, body = got.partition(b"\r\n\r\n")
            length = re.search(rb"Content-Length: (\d+)", head)
            if not chunk or (length and len(body) >= int(length.group(1))):
                return got, time.monotonic() - started


def http_odd_requests_are_answered_at_once():
    # Each found answered only by a time-out (the issue of the reliability
    # suites): tests/net/http.yaml's header time-out is 1.5 s, so an answer
    # within 1 s came from the request itself.
    cases = [(b"GET / HTTP/1.9\r\nHost: t\r\n\r\n", 200),  # HTTP/1.x
             (b"ABCDEFGHIJKLMNO / HTTP/1.1\r\nHost: t\r\n\r\n", 501),
             (b"GE\0T / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
             (b"GET /\r\n", 400),  # HTTP/0.9: no version, no empty line
             (b"\0", 400)]
    for data, status in cases:
        got, seconds = answer_time(http_boot.port, data)
        check(status_of(got) == status, "%r: %r" % (data, got[:60]))
        check(seconds < 1.0, "%r answered after %.2f s" % (data, seconds))


def http_slow_and_idle_clients_are_cut_off():
    # tests/net/http.yaml sets HTTP_HEADER_MS=1500 and HTTP_IDLE_MS=2500.
    started = time.monotonic()
    got = raw_exchange(http_boot.port, b"GET / HTTP/1.1\r\nHost: t")
    check(status_of(got) == 408, "half a head: %r" % got[:60])
    check(time.monotonic() - started < 10, "cut off late")
    started = time.monotonic()
    got = raw_exchange(http_boot.port, b"")
    check(got == b"" and time.monotonic() - started < 10,
          "an idle connection is closed silently: %r" % got)


def http_answers_1000_sequential_requests():
    ok = sum(get_ok(http_boot.port) for _ in range(1000))
    check(ok == 1000, "%d of 1000 answered correctly" % ok)


def http_answers_50_concurrent_requests():
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        ok = sum(pool.map(lambda _: get_ok(http_boot.port), range(50)))
    check(ok == 50, "%d of 50 answered correctly" % ok)


HTTP_TESTS = [http_get_serves_the_index_page,
              http_head_has_the_headers_and_no_body,
              http_unknown_path_is_404,
              http_keep_alive_reuses_the_connection,
              http_status_is_json_with_the_services,
              http_errors_have_the_right_status,
              http_odd_requests_are_answered_at_once,
              http_slow_and_idle_clients_are_cut_off,
              http_answers_1000_sequential_requests,
              http_answers_50_concurrent_requests]


def with_http_boot(test):
    def run():
        global http_boot
        if http_boot is None:
            http_boot = Boot("net_http")  # tests/net/http.yaml
            http_boot.__enter__()
        test()
    run.__name__ = test.__name__
    return run


def http_serves_1000_concurrent_keepalive_connections():
    # QEMU's user networking accepts a forwarded connection with a listen
    # backlog of 1, so a burst of connects loses SYNs on the host (1 s
    # retransmits, docs/notes/network-load.md): they are opened a few at a
    # time. Then all 1,000 are open together and each asks once more.
    with Boot("net_many", system="many") as boot:
        result = manyconn.run("127.0.0.1", boot.port, 1000, 2, 120,
                              INDEX_BYTES)
        print("  %s" % result, flush=True)
        check(result["open"].get("ok") == 1000, "opening: %s" % result)
        check(result["again"].get("ok") == 1000, "all at once: %s" % result)


def transport(legacy):
    def test():
        with Boot("net_" + ("legacy" if legacy else "modern"), system="net",
                  legacy=legacy) as boot:
            name = "legacy" if legacy else "modern"
            boot.guest.wait_for(
                (r"\[virtio_net\] info: %s transport, mac %s" %
                 (name, MAC)).encode(), 5)
            check(all(get_ok(boot.port) for _ in range(20)),
                  "HTTP over the %s transport" % name)
            big = subprocess.run(["curl", "-sS", "--max-time", "20",
                                  boot.url("/status")],
                                 stdout=subprocess.PIPE)
            check(big.returncode == 0, "status over %s" % name)
    test.__name__ = "virtio_net_%s_transport_carries_http" % (
        "legacy" if legacy else "modern")
    return test


def tcp_echo_returns_every_byte():
    with Boot("net_echo", system="echo", guest_port=7) as boot:
        data = bytes(range(256)) * 1024  # 256 KiB, more than a TCP window
        with socket.create_connection(("127.0.0.1", boot.port),
                                      timeout=20) as s:
            s.sendall(b"hello\n")
            check(s.recv(100) == b"hello\n", "short echo")
            s.sendall(data)
            got = b""
            while len(got) < len(data):
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
            check(got == data, "%d of %d bytes came back intact" %
                  (len(got), len(data)))
            s.shutdown(socket.SHUT_WR)
            check(s.recv(10) == b"", "FIN answered with FIN")


def udp_echo_returns_each_datagram():
    with Boot("net_udp", system="udp", guest_port=7, proto="udp") as boot:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            got = []
            for i in range(20):
                data = b"datagram %d " % i + bytes(range(256)) * (i % 5)
                for _ in range(5):  # UDP: the first may beat the socket
                    s.sendto(data, ("127.0.0.1", boot.port))
                    try:
                        got.append(s.recvfrom(2048)[0] == data)
                        break
                    except socket.timeout:
                        continue
            check(len(got) == 20 and all(got),
                  "%d of 20 datagrams came back intact" % sum(got))


def services_serve_in_kernel_mode_too():
    with Boot("net_kernel", system="kernel") as boot:
        for name in ("virtio_net", "tcpip", "http_server"):
            boot.guest.wait_for((r"started %s \(kernel mode\)" % name).encode(),
                                5)
        ok = sum(get_ok(boot.port) for _ in range(200))
        check(ok == 200, "%d of 200 answered in kernel mode" % ok)
        out, _ = curl(boot.url("/status"))
        check(json.loads(out)["services"][0]["state"] == "Running", out)


def static_address_replaces_dhcp():
    with Boot("net_static", system="static") as boot:
        boot.guest.wait_for(rb"address=10\.0\.2\.15 netmask=255\.255\.255\.0 "
                            rb"gateway=10\.0\.2\.2 dns=10\.0\.2\.3 mode=static",
                            5)
        check(get_ok(boot.port), "HTTP with a static address")


def network_works_without_acpi():
    """Without ACPI the kernel finds the IOAPIC and the interrupt routing in
    the MP table; the network card's interrupts must then be set up as the
    table says (level-triggered: an edge-triggered PCI interrupt lost some
    requests for good, 0-28 in 100 before the fix)."""
    with Boot("net_no_acpi", machine=["-machine", "acpi=off"]) as boot:
        boot.guest.wait_for(rb"IOAPIC\(s\) from the MP table", 1)
        answered = 0  # up to the first failure: a lost interrupt stalls
        while answered < 200 and get_ok(boot.port):
            answered += 1
        check(answered == 200,
              "%d of 200 answered without ACPI, then one failed" % answered)


def http_serves_again_after_tcpip_restarts():
    """tests/net/restart.yaml: net_chaos has the supervisor restart tcpip
    three seconds after boot, while this test keeps requesting; the HTTP
    server (restarted too, its listener gone) must serve again."""
    with Boot("net_restart", system="restart") as boot:
        check(get_ok(boot.port), "HTTP before the restart")
        restart = rb"stopping tcpip: net_chaos asked for a restart"
        deadline = time.monotonic() + 30
        while restart not in boot.guest.console().encode() and \
                time.monotonic() < deadline:
            get_ok(boot.port)  # traffic while it happens; may fail
            time.sleep(0.05)
        boot.guest.wait_for(restart, 1)
        boot.guest.wait_for(rb"tcpip was killed", 10)
        served = False
        deadline = time.monotonic() + 60
        while not served and time.monotonic() < deadline:
            served = get_ok(boot.port)
            time.sleep(0.2)
        check(served, "no HTTP 200 within 60 s of the restart")
        started = boot.guest.console().count("started tcpip (user mode)")
        check(started == 2, "tcpip started %d times" % started)


TESTS = [with_http_boot(t) for t in HTTP_TESTS] + [
    http_serves_1000_concurrent_keepalive_connections,
    transport(legacy=True), transport(legacy=False),
    tcp_echo_returns_every_byte, udp_echo_returns_each_datagram,
    services_serve_in_kernel_mode_too, static_address_replaces_dhcp,
    network_works_without_acpi, http_serves_again_after_tcpip_restarts]

if __name__ == "__main__":
    try:
        status = run_suite("net", TESTS)
    finally:
        if http_boot is not None:
            http_boot.__exit__(None, None, None)
    sys.exit(status)
