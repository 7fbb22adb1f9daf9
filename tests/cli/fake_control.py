#!/usr/bin/env python3
"""A fake guest end of the control channel, for tests/cli/cli_test.sh.

Listens on a Unix socket as QEMU's control socket would and speaks the guest's
side of docs/reference/control-protocol.md with a given key: answers H with
a C frame (a fresh nonce, MAC'ed), checks every Q frame's MAC and seq
(refusing with X as the guest does), and answers `status`, `logs NAME
CURSOR` and `logs-follow NAME CURSOR` with canned services and log lines,
and `apply` with a replace and `applied` when its bundle is a tar archive
holding boot.manifest (refused otherwise).
It serves one connection after another until killed.

Misbehaviour on demand, to check that the client notices:
  --refuse      every request is answered X "bad mac"
  --bad-mac     replies (P and R) carry a wrong MAC
  --silent      H is never answered
  --noise       junk bytes before each C and R frame, and a frame of an
                earlier session before C
  --minimal     as the first control service: no `logs-follow` (`error
                unknown command`), a status without image or versions and
                with a stopped service's uptime and memory null

--record FILE appends one line per request accepted: "SEQ COMMAND" (for
apply "SEQ apply BYTES", the bundle's size).
"""

import argparse
import hashlib
import hmac
import io
import json
import os
import socket
import struct
import sys
import tarfile
import time

MAGIC = b"FTL1"
HEADER = struct.Struct("<4sBII")  # magic, type, seq, len
MAC_BYTES = 32

STATUS = {
    "system": {"uptime_ms": 245123, "image": "3fa9c2e1d0b4a5968778"},
    "services": [
        {"name": "tcpip", "state": "running", "restarts": 0,
         "uptime_ms": 245000, "memory_kib": 1536, "memory_limit_kib": 8192,
         "isolation": "user", "version": "0.1.0"},
        {"name": "demo", "state": "running", "restarts": 2,
         "uptime_ms": 3723000, "memory_kib": 312, "memory_limit_kib": 0,
         "isolation": "kernel", "version": "1.2.3"},
    ],
}

LOGS = {
    "tcpip": ["dhcp: bound to 10.0.2.15", "listening on :80"],
    "demo": ["ready", "answered READ with 18 bytes", "served 3 requests"],
    "kernel": ["FTL 0.1.0 booting"],
}

# --minimal's status.
STATUS_MINIMAL = {
    "system": {"uptime_ms": 5000},
    "services": [
        {"name": "demo", "state": "running", "restarts": 0,
         "isolation": "user", "uptime_ms": 4200, "memory_kib": 96,
         "memory_limit_kib": 4096, "version": None},
        {"name": "once", "state": "completed", "restarts": 0,
         "isolation": "user", "uptime_ms": None, "memory_kib": None,
         "memory_limit_kib": 4096, "version": None},
    ],
}

# Lines that come while a `logs-follow` runs (P frames after the kept ones).
FOLLOW_NEW = ["new line 1", "new line 2"]


class Closed(Exception):
    pass


class Session:
    def __init__(self, conn, key, opts):
        self.conn = conn
        self.key = key
        self.opts = opts
        self.nonce = None
        self.last_seq = 0
        self.buf = b""

    def mac(self, nonce, kind, seq, payload):
        data = nonce + bytes([kind]) + struct.pack("<II", seq, len(payload))
        return hmac.new(self.key, data + payload, hashlib.sha256).digest()

    def send(self, kind, seq, payload, mac=None):
        kind = ord(kind)
        if mac is None:
            mac = self.mac(self.nonce, kind, seq, payload)
            if self.opts.bad_mac and kind in (ord("P"), ord("R")):
                mac = bytes([mac[0] ^ 1]) + mac[1:]
        self.conn.sendall(HEADER.pack(MAGIC, kind, seq, len(payload)) +
                          payload + mac)

    def noise(self, stale_frame):
        """Junk, then (stale_frame) a frame of an earlier session, under
        another nonce: what a guest may still send before its C frame."""
        if self.opts.noise:
            self.conn.sendall(b"\x00garbage FTL")
        if self.opts.noise and stale_frame:
            stale = os.urandom(16)
            payload = b"ok\nstale"
            self.conn.sendall(HEADER.pack(MAGIC, ord("R"), 99, len(payload)) +
                              payload + self.mac(stale, ord("R"), 99, payload))

    def take(self, n):
        while len(self.buf) < n:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise Closed()
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def frame(self):
        """The next frame: (type, seq, payload, mac); skips junk."""
        while True:
            at = self.buf.find(MAGIC)
            if at >= 0:
                self.buf = self.buf[at:]
                break
            self.buf = self.buf[-3:]
            chunk = self.conn.recv(65536)
            if not chunk:
                raise Closed()
            self.buf += chunk
        _, kind, seq, length = HEADER.unpack(self.take(HEADER.size))
        payload = self.take(length)
        return chr(kind), seq, payload, self.take(MAC_BYTES)

    def refuse(self, seq, reason):
        self.send("X", seq, reason.encode(), mac=bytes(MAC_BYTES))

    def hello(self):
        if self.opts.silent:
            while True:
                self.frame()
        self.noise(True)
        self.nonce = os.urandom(16)
        self.last_seq = 0
        self.send("C", 0, self.nonce)

    def serve(self):
        pending = None  # the seq of a logs-follow still running
        while True:
            kind, seq, payload, mac = self.frame()
            if kind == "H":
                self.hello()
                pending = None
                continue
            if kind != "Q":
                self.refuse(seq, "bad frame")
                continue
            if self.nonce is None:
                self.refuse(seq, "no session")
                continue
            want = self.mac(self.nonce, ord("Q"), seq, payload)
            if self.opts.refuse or not hmac.compare_digest(want, mac):
                self.refuse(seq, "bad mac")
                continue
            if seq <= self.last_seq:
                self.refuse(seq, "replayed seq")
                continue
            self.last_seq = seq
            if pending is not None:
                self.send("R", pending, b"ok\n")
                pending = None
            command, _, tail = payload.partition(b"\n")
            command = command.decode()
            if self.opts.record:
                with open(self.opts.record, "a") as f:
                    f.write("%d %s%s\n" % (seq, command, " %d" % len(tail)
                                           if command == "apply" else ""))
            self.noise(False)
            if command == "apply":
                self.apply(seq, tail)
                continue
            pending = self.answer(seq, command.split())

    def apply(self, seq, bundle):
        """Answers an apply: the steps, then the reply, as the guest does."""
        try:
            with tarfile.open(fileobj=io.BytesIO(bundle)) as tar:
                names = [m.name.lstrip("./") for m in tar.getmembers()]
        except tarfile.TarError:
            names = []
        if "boot.manifest" not in names:
            self.send("P", seq, b"the bundle was refused: no boot.manifest")
            self.send("R", seq, b"error\nthe bundle was refused")
            return
        self.send("P", seq, b"replace demo")
        self.send("P", seq, b"applied")
        self.send("R", seq, b"ok\napplied")

    def answer(self, seq, words):
        """Answers a request; the seq of a follow left running, or None."""
        if words == ["status"]:
            status = STATUS_MINIMAL if self.opts.minimal else STATUS
            self.send("R", seq, b"ok\n" + json.dumps(status).encode())
        elif words[:1] == ["logs-follow"] and self.opts.minimal:
            self.send("R", seq, b"error\nunknown command")
        elif len(words) == 3 and words[0] in ("logs", "logs-follow"):
            lines = LOGS.get(words[1])
            if lines is None:
                self.send("R", seq, b"error\nno such service")
                return None
            kept = lines[int(words[2]):]
            if words[0] == "logs":
                body = "".join(l + "\n" for l in kept)
                self.send("R", seq, ("ok\n%scursor %d\n" %
                                     (body, len(lines))).encode())
                return None
            for line in kept:
                self.send("P", seq, line.encode())
            time.sleep(0.2)
            for line in FOLLOW_NEW:
                self.send("P", seq, (line + "\n").encode())
            return seq
        else:
            self.send("R", seq, b"error\nunknown command")
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--key", required=True, help="a file: 64 hex digits")
    parser.add_argument("--refuse", action="store_true")
    parser.add_argument("--bad-mac", action="store_true")
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--noise", action="store_true")
    parser.add_argument("--minimal", action="store_true")
    parser.add_argument("--record")
    opts = parser.parse_args()
    with open(opts.key) as f:
        key = bytes.fromhex(f.read().strip())
    if len(key) != 32:
        sys.exit("fake_control: the key is not 32 bytes")
    try:
        os.unlink(opts.socket)
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(opts.socket)), exist_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(opts.socket)
    server.listen(1)
    while True:
        conn, _ = server.accept()
        try:
            Session(conn, key, opts).serve()
        except (Closed, ConnectionError):
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
