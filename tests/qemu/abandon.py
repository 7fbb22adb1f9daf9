#!/usr/bin/env python3
"""Opens COUNT TLS connections to HOST:443 that each send a ClientHello and
then nothing (handshakes opened and abandoned), makes a real HTTPS request
while they are held open and again after, and reads the tls service's
memory from /status (HOST:80) before, during and after; prints one JSON
line. Run by tests/qemu/netns_test.py inside its namespace.

Usage: abandon.py HOST COUNT CAFILE"""

import json
import socket
import ssl
import sys
import time


def client_hello():
    """The bytes of a real ClientHello (TLS 1.3, from Python's ssl); also
    tls_test.py's."""
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def https_get(host, cafile):
    """Seconds one HTTPS GET took, or None if it failed."""
    context = ssl.create_default_context(cafile=cafile)
    started = time.monotonic()
    try:
        with socket.create_connection((host, 443), timeout=20) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n"
                          b"Connection: close\r\n\r\n")
                head = s.recv(16)
        return time.monotonic() - started if head.startswith(
            b"HTTP/1.1 200") else None
    except OSError:
        return None


def tls_status(host):
    """tls's memory in use (KiB) and restarts, from /status."""
    with socket.create_connection((host, 80), timeout=20) as s:
        s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close"
                  b"\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    body = json.loads(data.partition(b"\r\n\r\n")[2])
    tls = [x for x in body["services"] if x["name"] == "tls"][0]
    return tls["memory_kib"], tls["restarts"]


def main():
    host, count, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    hello = client_hello()
    before = tls_status(host)
    sockets = []
    started = time.monotonic()
    for _ in range(count):
        s = socket.create_connection((host, 443), timeout=20)
        s.sendall(hello)
        sockets.append(s)
    open_s = time.monotonic() - started
    during_get = https_get(host, cafile)
    during = tls_status(host)
    for s in sockets:
        s.close()
    after_get = https_get(host, cafile)
    after = tls_status(host)
    print(json.dumps({
        "opened": len(sockets), "open_s": round(open_s, 2),
        "get_during_s": during_get and round(during_get, 3),
        "get_after_s": after_get and round(after_get, 3),
        "memory_kib": {"before": before[0], "during": during[0],
                       "after": after[0]},
        "restarts": after[1]}))


if __name__ == "__main__":
    main()
