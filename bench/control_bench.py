#!/usr/bin/env python3
"""Control channel throughput (docs/reference/control-protocol.md): boots
tests/net/control.yaml's system with the control channel on one transport
(--transport vcon: the virtio console `ftl run` uses; uart: COM2, as on
Google Compute Engine) and times, FTL_BENCH_RUNS times each (default 5):

- control.<transport>.in_ms: one request frame carrying a 590 KiB tail (the
  size of `ftl apply`'s bundle for a new project) that the guest answers
  "unknown command" as soon as it is in: the transport alone;
- control.<transport>.apply_ms: `apply` of a bundle of about the same size
  made of the running image's own manifest and programs (nothing changes,
  so it is the transfer plus the supervisor's checks);

and prints control.<transport>.in_mib_s, the first as MiB per second.
Run under the QEMU lock: flock /tmp/ftl-qemu.lock bench/control_bench.py."""

import argparse
import io
import os
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "qemu"))
from ftlqemu import BUILD, Guest, control_args  # noqa: E402
from controlclient import Control  # noqa: E402

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITRD = os.path.join(BUILD, "systems", "control.tar")
KEY_FILE = os.path.join(BUILD, "control.key")
RUNS = int(os.environ.get("FTL_BENCH_RUNS", "5"))
TAIL_BYTES = 590 * 1024
READY = {"vcon": rb"\[control\] info: control channel on virtio-console",
         "uart": rb"\[control\] info: control channel on COM2"}


def same_image_bundle(limit):
    """A ustar bundle of the running image's boot.manifest and as many of
    its programs as keep it under limit bytes: what `ftl apply` sends, with
    nothing in it that differs from what runs."""
    out = io.BytesIO()
    with tarfile.open(INITRD) as image, \
            tarfile.open(fileobj=out, mode="w",
                         format=tarfile.USTAR_FORMAT) as bundle:
        members = [m for m in image.getmembers() if m.isfile()]
        members.sort(key=lambda m: m.name != "./boot.manifest")
        for m in members:
            if m.name.endswith(".key"):
                continue
            # Each member costs a 512-byte header and rounding to 512.
            if out.tell() + 1024 + m.size + 1024 > limit:
                continue
            info = tarfile.TarInfo(os.path.basename(m.name))
            info.size = m.size
            bundle.addfile(info, image.extractfile(m))
    return out.getvalue()


def timed(session, command, tail):
    start = time.monotonic()
    ok, body, _ = session.request(command, tail=tail)
    return (time.monotonic() - start) * 1000, ok, body


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transport", choices=["vcon", "uart"],
                        default="vcon")
    transport = parser.parse_args().transport
    key = bytes.fromhex(open(KEY_FILE).read().strip())
    sock = os.path.join(tempfile.mkdtemp(prefix="ftl-control-bench-"),
                        "control.sock")
    initfs = same_image_bundle(TAIL_BYTES)
    tail = bytes(i & 0xff for i in range(TAIL_BYTES))
    with Guest("bench_control_" + transport,
               dict(kernel=KERNEL, initrd=INITRD),
               extra=control_args(sock, transport)) as guest:
        guest.wait_for(READY[transport], 120)
        guest.wait_for(rb"system ready", 120)
        session = Control(sock, key, timeout=120)
        session.hello()
        for _ in range(RUNS):
            ms, ok, body = timed(session, "bench-unknown-command", tail)
            assert not ok and body == b"unknown command", body
            print("bench: control.%s.in_ms %.1f ms" % (transport, ms))
            print("bench: control.%s.in_mib_s %.2f MiB/s" %
                  (transport, TAIL_BYTES / (1 << 20) / (ms / 1000)))
        for _ in range(RUNS):
            ms, ok, body = timed(session, "apply", initfs)
            assert ok, body
            print("bench: control.%s.apply_ms %.1f ms" % (transport, ms))
        print("bench: control.apply_bytes %d bytes" % len(initfs))
        session.close()


if __name__ == "__main__":
    main()
