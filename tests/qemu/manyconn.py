#!/usr/bin/env python3
"""Many keep-alive HTTP connections at once, from one process: the client of
the network tests' load cases (net_test through a forwarded port,
netns_test inside its namespace, where it runs as a script).

Phase one opens COUNT connections, at most OPENING connecting or waiting
for their first answer at a time, and sends one `GET /` on each; a
connection counts as open once that answer is whole. Phase two, with all
of them still open, sends one more `GET /` on every connection at once and
waits for every answer. Each answer must be `200` with exactly the index
page's length. Every failure is counted by kind: refused (connect failed
or reset), closed (the server closed without a whole answer), timeout,
bad (a wrong answer).

As a script: manyconn.py HOST PORT COUNT OPENING TIMEOUT_S BODY_BYTES;
prints one JSON object with the counts and seconds of each phase."""

import errno
import json
import resource
import selectors
import socket
import sys
import time

REQUEST = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"


def raise_file_limit(count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, count + 64)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


class Conn:
    def __init__(self, addr):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.connected = False
        self.got = b""
        self.outcome = None  # "ok", or the kind of failure
        err = self.sock.connect_ex(addr)
        if err not in (0, errno.EINPROGRESS):
            self.outcome = "refused"

    def answer(self, body_bytes):
        """"ok", a failure kind, or None while the answer is incomplete."""
        head, sep, body = self.got.partition(b"\r\n\r\n")
        if not sep:
            return None
        if not head.startswith(b"HTTP/1.1 200 "):
            return "bad"
        if len(body) < body_bytes:
            return None
        return "ok" if len(body) == body_bytes else "bad"


def exchange(conns, body_bytes, deadline):
    """Sends REQUEST on each of conns (connecting first if needed) and reads
    the answers; sets each one's outcome."""
    sel = selectors.DefaultSelector()
    for c in conns:
        if c.outcome is None:
            c.got = b""
            sel.register(c.sock, selectors.EVENT_WRITE if not c.connected
                         else selectors.EVENT_READ, c)
            if c.connected:
                c.sock.send(REQUEST)
    pending = len(sel.get_map())
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            c = key.data
            if not c.connected:
                err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    c.outcome = "refused"
                else:
                    c.connected = True
                    c.sock.send(REQUEST)
                    sel.modify(c.sock, selectors.EVENT_READ, c)
                    continue
            else:
                try:
                    chunk = c.sock.recv(65536)
                except ConnectionResetError:
                    c.outcome = "refused"
                else:
                    c.got += chunk
                    c.outcome = "closed" if not chunk else c.answer(body_bytes)
            if c.outcome is not None:
                sel.unregister(c.sock)
                pending -= 1
    for key in list(sel.get_map().values()):
        key.data.outcome = "timeout"
        sel.unregister(key.fileobj)
    sel.close()


def run(host, port, count, opening, timeout_s, body_bytes):
    """Both phases; returns {"open": {kind: n}, "again": {kind: n},
    "open_s": seconds, "again_s": seconds}."""
    raise_file_limit(count)
    conns = []
    started = time.monotonic()
    deadline = started + timeout_s
    while len(conns) < count and time.monotonic() < deadline:
        wave = [Conn((host, port))
                for _ in range(min(opening, count - len(conns)))]
        exchange(wave, body_bytes, deadline)
        conns += wave
    opened = time.monotonic()

    def tally(cs):
        kinds = {}
        for c in cs:
            kinds[c.outcome or "timeout"] = kinds.get(c.outcome or "timeout",
                                                      0) + 1
        return kinds

    first = tally(conns)
    first["not_tried"] = count - len(conns)
    live = [c for c in conns if c.outcome == "ok"]
    for c in live:
        c.outcome = None
    exchange(live, body_bytes, time.monotonic() + timeout_s)
    result = {"open": first, "again": tally(live),
              "open_s": round(opened - started, 2),
              "again_s": round(time.monotonic() - opened, 2)}
    for c in conns:
        c.sock.close()
    return result


if __name__ == "__main__":
    host, port, count, opening, timeout_s, body_bytes = sys.argv[1:7]
    print(json.dumps(run(host, int(port), int(count), int(opening),
                         float(timeout_s), int(body_bytes))))
