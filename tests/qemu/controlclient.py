"""The host end of the control protocol (docs/reference/control-protocol.md)
in Python, for the tests: written from the document, apart from the ftl
CLI's, so that the two ends are checked against the text and not only
against each other."""

import hashlib
import hmac
import socket
import struct
import time

MAGIC = b"FTL1"
HEAD = 13
MAC = 32


def mac_of(key, nonce, kind, seq, payload):
    fields = kind.encode() + struct.pack("<II", seq, len(payload))
    return hmac.new(key, nonce + fields + payload, hashlib.sha256).digest()


def frame(key, nonce, kind, seq, payload=b""):
    mac = mac_of(key, nonce, kind, seq, payload) if key else bytes(MAC)
    return (MAGIC + kind.encode() + struct.pack("<II", seq, len(payload)) +
            payload + mac)


class Refused(Exception):
    """The guest sent an X frame."""


class BadMac(Exception):
    """A frame from the guest did not check with our key."""


class Control:
    """A session over the Unix socket path, with key (32 bytes)."""

    def __init__(self, path, key, timeout=20.0):
        self.key = key
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.buf = b""
        self.nonce = None
        self.seq = 0

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def read_frame(self):
        """(kind, seq, payload, mac) of the next frame."""
        while True:
            at = self.buf.find(MAGIC)
            if at > 0:
                self.buf = self.buf[at:]
            if len(self.buf) >= HEAD and self.buf.startswith(MAGIC):
                kind = chr(self.buf[4])
                seq, length = struct.unpack("<II", self.buf[5:13])
                whole = HEAD + length + MAC
                if len(self.buf) >= whole:
                    payload = self.buf[HEAD:HEAD + length]
                    mac = self.buf[HEAD + length:whole]
                    self.buf = self.buf[whole:]
                    return kind, seq, payload, mac
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the guest closed the channel")
            self.buf += chunk

    def hello(self):
        """Starts a session: the challenge's nonce, its MAC checked."""
        self.send_raw(frame(None, None, "H", 0))
        kind, seq, payload, mac = self.read_frame()
        if kind == "X":
            raise Refused(payload.decode())
        assert kind == "C", "expected a challenge, got %r" % kind
        if not hmac.compare_digest(mac, mac_of(self.key, payload, "C", seq,
                                                payload)):
            raise BadMac("challenge")
        self.nonce = payload
        self.seq = 0
        return payload

    def request(self, command, tail=b"", seq=None, key=None):
        """Sends command; returns (ok, body, progress lines). Raises
        Refused for an X frame, BadMac for a reply that does not check."""
        if seq is None:
            self.seq += 1
            seq = self.seq
        payload = command.encode() + b"\n" + tail
        self.send_raw(frame(key or self.key, self.nonce, "Q", seq, payload))
        progress = []
        # When each P frame and the R frame came (monotonic seconds), for
        # tests of progress that comes as it happens.
        self.progress_times = []
        while True:
            kind, got_seq, body, mac = self.read_frame()
            if kind == "X":
                raise Refused(body.decode())
            if not hmac.compare_digest(mac, mac_of(self.key, self.nonce, kind,
                                                    got_seq, body)):
                raise BadMac(kind)
            assert got_seq == seq, "reply to %d, not %d" % (got_seq, seq)
            if kind == "P":
                progress.append(body.decode())
                self.progress_times.append(time.monotonic())
                continue
            self.reply_time = time.monotonic()
            assert kind == "R", "unexpected frame %r" % kind
            word, _, rest = body.partition(b"\n")
            return word == b"ok", rest, progress
