#!/usr/bin/env python3
"""A fake of Google's serial console relay, for tests/cli/cli_test.sh.

The fake gcloud runs it for `gcloud compute connect-to-serial-port`: it
connects to a fake guest's Unix socket (tests/cli/fake_control.py) as the
relay connects to an instance's serial port, and copies bytes both ways
between that socket and its stdin and stdout, unchanged, until either side
closes. What the real relay adds comes first: its banner line and, with
--replay KEY, a challenge frame of an earlier session (another nonce,
MAC'ed with KEY), as a relay replaying the port's recent output would send.
"""

import argparse
import hashlib
import hmac
import os
import select
import socket
import struct
import sys


def stale_challenge(key_path):
    with open(key_path) as f:
        key = bytes.fromhex(f.read().strip())
    nonce = os.urandom(16)
    mac = hmac.new(key, nonce + b"C" + struct.pack("<II", 0, 16) + nonce,
                   hashlib.sha256).digest()
    return b"FTL1C" + struct.pack("<II", 0, 16) + nonce + mac


def pump(conn):
    """Copies stdin to conn and conn to stdout until one side closes."""
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    while True:
        ready, _, _ = select.select([stdin, conn], [], [])
        if stdin in ready:
            data = os.read(stdin, 65536)
            if not data:
                return
            conn.sendall(data)
        if conn in ready:
            data = conn.recv(65536)
            if not data:
                return
            os.write(stdout, data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--name", default="instance")
    parser.add_argument("--replay", metavar="KEY")
    opts = parser.parse_args()
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(opts.socket)
    banner = ("serialport: Connected to %s port 2 (session ID: 0, active "
              "connections: 1).\r\n" % opts.name).encode()
    os.write(sys.stdout.fileno(), banner)
    if opts.replay:
        os.write(sys.stdout.fileno(), stale_challenge(opts.replay))
    try:
        pump(conn)
    except (ConnectionError, OSError):
        pass


if __name__ == "__main__":
    main()
