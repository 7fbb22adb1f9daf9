#!/usr/bin/env python3
"""The control channel (docs/reference/control-protocol.md) end to end:
tests/net/control.yaml boots with the control service on a virtio
console, which QEMU connects to a Unix socket of this test, and
tests/qemu/controlclient.py speaks the protocol with the key packed into
that image (build/control.key). Status comes back as JSON; a frame
with a wrong MAC, a replayed sequence number, an old session's nonce or
another image's key is refused and changes nothing; garbage between frames
is skipped; frames of megabytes come through whole; and the HTTP port on
the network does not take control frames. The same service on COM2 (Google
Compute Engine's transport) and on modern-only and legacy-only virtio
consoles boots once each; with no channel device it ends quietly."""

import hashlib
import io
import json
import os
import tarfile
import socket
import sys
import tempfile
import time

from testlib import check, free_port, run_suite
from ftlqemu import BUILD, Guest, control_args, net_args
from controlclient import BadMac, Control, Refused, frame

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
INITRD = os.path.join(BUILD, "systems", "control.tar")
KEY_FILE = os.path.join(BUILD, "control.key")  # the tree's (Makefile)
READY_TIMEOUT_S = 60

boot = None


READY = {"vcon": rb"\[control\] info: control channel on virtio-console",
         "uart": rb"\[control\] info: control channel on COM2"}


class ControlBoot:
    """The control system with its channel on kind (control_args), the
    virtio-serial-pci device given device_options (",disable-legacy=on")."""

    def __init__(self, kind="vcon", device_options="", name="control"):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix="ftl-control-")
        self.socket = os.path.join(self.dir, "control.sock")
        self.port = free_port()
        self.udp_port = free_port()
        self.key = bytes.fromhex(open(KEY_FILE).read().strip())
        channel = [a.replace("virtio-serial-pci,", "virtio-serial-pci%s," %
                             device_options)
                   for a in control_args(self.socket, kind)]
        self.guest = Guest(
            name, dict(kernel=KERNEL, initrd=INITRD),
            extra=channel + net_args([(self.port, 80),
                                      (self.udp_port, 7, "udp")]))

    def __enter__(self):
        self.guest.__enter__()
        try:
            self.guest.wait_for(READY[self.kind], READY_TIMEOUT_S)
            self.guest.wait_for(rb"\[tcpip\] info: listening on port 80",
                                READY_TIMEOUT_S)
        except Exception:
            self.guest.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc):
        return self.guest.__exit__(*exc)

    def session(self, key=None):
        c = Control(self.socket, key or self.key)
        c.hello()
        return c


def booted(test):
    def run():
        global boot
        if boot is None:
            boot = ControlBoot().__enter__()
        test()
    run.__name__ = test.__name__
    return run


def alone(test):
    """A test that boots its own guest: the shared one is stopped first,
    so that one guest runs at a time (the booted tests come before)."""
    def run():
        global boot
        if boot is not None:
            shared, boot = boot, None
            shared.__exit__(None, None, None)
        test()
    run.__name__ = test.__name__
    return run


RUNNING_MANIFEST = os.path.join(BUILD, "systems", "control", "boot.manifest")
APPLIED_MANIFEST = os.path.join(BUILD, "systems", "control_applied",
                                "boot.manifest")


def bundle(manifest, files=()):
    """A ustar archive of manifest (as boot.manifest) and (name, bytes)
    program files, as `ftl apply` sends."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in [("boot.manifest", open(manifest, "rb").read())] + \
                list(files):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


last_apply_times = {}


def apply(data):
    """(ok, body, steps); last_apply_times maps each step to the seconds
    before the reply that it came (progress as it happens)."""
    c = boot.session()
    try:
        ok, body, steps = c.request("apply", tail=data)
    finally:
        c.close()
    last_apply_times.clear()
    for step, at in zip(steps, c.progress_times):
        last_apply_times.setdefault(step, c.reply_time - at)
    return ok, body, steps


def services():
    c = boot.session()
    try:
        ok, body, _ = c.request("status")
    finally:
        c.close()
    check(ok, "status: %r" % body)
    return {s["name"]: s for s in json.loads(body)["services"]}


def http_ok():
    try:
        with socket.create_connection(("127.0.0.1", boot.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def wait_http(ok=True, within_s=30):
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if http_ok() == ok:
            return True
        time.sleep(0.3)
    return False


def expect_refusal(fn, reason):
    try:
        fn()
    except Refused as e:
        check(str(e) == reason, "refused for %r, not %r" % (str(e), reason))
        return
    check(False, "not refused (expected %r)" % reason)


@booted
def status_lists_the_services_as_json():
    c = boot.session()
    try:
        started = time.monotonic()
        ok, body, _ = c.request("status")
        elapsed_ms = (time.monotonic() - started) * 1000
    finally:
        c.close()
    check(ok, "status failed: %r" % body)
    status = json.loads(body)
    services = {s["name"]: s for s in status["services"]}
    for name in ("virtio_net", "tcpip", "random", "control", "http_server"):
        check(services.get(name, {}).get("state") == "Running",
              "%s: %r" % (name, services.get(name)))
    http = services["http_server"]
    # Uptimes come in tenths of a second: a number while running.
    check(http["isolation"] == "user" and isinstance(http["uptime_ms"], int) and
          0 < http["memory_kib"] <= http["memory_limit_kib"],
          "http_server: %r" % http)
    check(status["system"]["uptime_ms"] > 0, "system: %r" % status["system"])
    # A version is what `sha256sum` says of the program in the image.
    with tarfile.open(INITRD) as image:
        program = image.extractfile("./http_server.elf").read()
    check(http["version"] == hashlib.sha256(program).hexdigest()[:12],
          "http_server's version %r is not its program's SHA-256" %
          http["version"])
    print("bench: control.status_ms %.1f ms" % elapsed_ms)


@booted
def a_request_with_a_wrong_mac_is_refused_and_the_session_goes_on():
    c = boot.session()
    try:
        expect_refusal(lambda: c.request("status", key=bytes(32)), "bad mac")
        ok, _, _ = c.request("status")
        check(ok, "status after a refused frame")
    finally:
        c.close()


@booted
def a_replayed_request_is_refused():
    c = boot.session()
    try:
        ok, _, _ = c.request("status")
        check(ok, "first status")
        expect_refusal(lambda: c.request("status", seq=1), "replayed seq")
        ok, _, _ = c.request("status", seq=5)  # higher: accepted
        check(ok, "status with a higher seq")
    finally:
        c.close()


@booted
def an_old_sessions_nonce_no_longer_works():
    old = boot.session()
    old_nonce = old.nonce
    old.close()
    c = boot.session()
    try:
        check(c.nonce != old_nonce, "the same nonce twice")
        c.nonce = old_nonce  # a request recorded in the old session
        expect_refusal(lambda: c.request("status", seq=1), "bad mac")
    finally:
        c.close()


@booted
def another_images_key_is_told_apart():
    c = Control(boot.socket, bytes(range(32)))
    try:
        c.hello()
        check(False, "a challenge checked with the wrong key")
    except BadMac:
        pass
    finally:
        c.close()


@booted
def logs_of_a_service_come_with_a_cursor():
    c = boot.session()
    try:
        ok, body, _ = c.request("logs http_server 0")
        check(ok, "logs failed: %r" % body)
        lines = body.decode().splitlines()
        check(lines[-1].startswith("cursor "), "no cursor line: %r" % lines)
        cursor = int(lines[-1].split()[1])
        check("[http_server] info: serving on port 80" in lines,
              "lines: %r" % lines)
        check(cursor >= len(lines) - 1, "cursor %d for %d lines" %
              (cursor, len(lines) - 1))
        ok, body, _ = c.request("logs http_server %d" % cursor)
        check(ok and body == b"cursor %d\n" % cursor,
              "nothing new after the cursor: %r" % body)
        ok, body, _ = c.request("logs kernel 0")
        check(ok and b"[kernel]" in body, "kernel lines: %r" % body[:200])
        ok, body, _ = c.request("logs nosuch 0")
        check(not ok and body == b"no such service", "nosuch: %r" % body)
    finally:
        c.close()


@booted
def unknown_commands_are_errors():
    c = boot.session()
    try:
        ok, body, _ = c.request("format-disk")
        check(not ok and body == b"unknown command", "got %r %r" % (ok, body))
    finally:
        c.close()


@booted
def garbage_between_frames_is_skipped():
    c = Control(boot.socket, boot.key)
    try:
        c.send_raw(b"\x00garbage FTL FTL2 \xff" * 20)
        c.hello()
        ok, _, _ = c.request("status")
        check(ok, "status after garbage")
    finally:
        c.close()


@booted
def the_network_does_not_take_control_frames():
    # The same request, as a client on the network could send it to the
    # only port the guest serves: HTTP answers, no control frame comes.
    c = boot.session()
    nonce = c.nonce
    c.close()
    request = frame(boot.key, nonce, "Q", 1, b"status\n")
    with socket.create_connection(("127.0.0.1", boot.port), timeout=20) as s:
        s.sendall(request)
        got = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    check(got.startswith(b"HTTP/1.1 4") and b"FTL1" not in got,
          "the HTTP port answered %r" % got[:60])


@alone
def without_a_channel_device_it_ends_quietly():
    # No virtio console and no -serial for COM2 (every port of it reads
    # 0xff). The service must see that neither is there and end
    # (Completed), not read 0xff bytes forever.
    with Guest("control_absent", dict(kernel=KERNEL, initrd=INITRD),
               extra=net_args([(free_port(), 80)])) as guest:
        guest.wait_for(rb"\[control\] info: no virtio console and no COM2: "
                       rb"no control channel", READY_TIMEOUT_S)
        guest.wait_for(rb"\[tcpip\] info: listening on port 80",
                       READY_TIMEOUT_S)
        guest.wait_for(rb"control exited with status 0", READY_TIMEOUT_S)
        time.sleep(1)
        check("restarting control" not in guest.console(), "control restarted")


@booted
def a_large_frame_comes_through_whole():
    # 4 MiB of bytes that repeat nowhere: one lost, doubled or reordered
    # buffer and the MAC fails ("bad mac"), not the command.
    tail = os.urandom(4 << 20)
    c = boot.session()
    try:
        started = time.monotonic()
        ok, body, _ = c.request("no-such-command", tail=tail)
        elapsed_ms = (time.monotonic() - started) * 1000
        check(not ok and body == b"unknown command", "got %r %r" % (ok, body))
        ok, body, _ = c.request("logs kernel 0")
        check(ok and b"[kernel]" in body, "logs after it: %r" % body[:200])
    finally:
        c.close()
    print("bench: control.vcon.4mib_in_ms %.1f ms" % elapsed_ms)


@alone
def com2_serves_as_on_google_compute_engine():
    # GCE's transport: the same service on COM2 when no virtio console is
    # there; a status, a log reply of many FIFOs' worth and an apply.
    with ControlBoot("uart", name="control_com2") as com2:
        c = com2.session()
        try:
            ok, body, _ = c.request("status")
            check(ok and b'"control"' in body, "status: %r" % body[:200])
            ok, body, _ = c.request("logs kernel 0")
            check(ok and b"[kernel]" in body, "logs: %r" % body[:200])
            ok, body, steps = c.request("apply",
                                        tail=bundle(RUNNING_MANIFEST))
            check(ok, "apply: %r %r" % (body, steps))
        finally:
            c.close()


@alone
def other_virtio_console_models_serve_too():
    # The modern-only device (1af4:1043, device/3 of the spec) and the
    # legacy-only one (1af4:1003 without virtio 1.0 capabilities).
    for options, transport in ((",disable-legacy=on", "modern"),
                               (",disable-modern=on", "legacy")):
        with ControlBoot("vcon", options, name="control_vcon" +
                         options.replace(",", "_").replace("=", "_")) as b:
            check("virtio console: %s transport" % transport in
                  b.guest.console(), "%s: not the %s transport" %
                  (options, transport))
            c = b.session()
            try:
                ok, body, _ = c.request("status")
                check(ok and b'"control"' in body,
                      "%s: status: %r" % (options, body[:200]))
                ok, body, _ = c.request("x", tail=os.urandom(1 << 20))
                check(not ok and body == b"unknown command",
                      "%s: a 1 MiB frame: %r" % (options, body))
            finally:
                c.close()


@booted
def apply_removes_and_adds_services_then_goes_back():
    ok, body, steps = apply(bundle(APPLIED_MANIFEST))
    check(ok, "apply: %r %r" % (body, steps))
    check(steps[:3] == ["stop http_server", "start kv", "ready kv"],
          "steps: %r" % steps)
    now = services()
    check("http_server" not in now and now.get("kv", {}).get("state") ==
          "Running", "after: %r" % sorted(now))
    check(wait_http(ok=False), "HTTP still served without http_server")
    ok, body, steps = apply(bundle(RUNNING_MANIFEST))
    check(ok and steps[:3] == ["stop kv", "start http_server",
                               "ready http_server"],
          "back: %r %r" % (body, steps))
    check(wait_http(), "no HTTP after http_server came back")


@booted
def apply_replaces_a_service_whose_program_changed():
    # The unstripped build of the same program: other bytes, same code.
    elf = open(os.path.join(BUILD, "apps", "http_server", "http_server.elf"),
               "rb").read()
    ok, body, steps = apply(bundle(RUNNING_MANIFEST,
                                   [("http_server.elf", elf)]))
    check(ok and steps[:2] == ["replace http_server", "ready http_server"],
          "replace: %r %r" % (body, steps))
    # The steps come as they happen: "replace" a settle second (at least)
    # before the reply, not with it.
    early = last_apply_times.get("replace http_server", 0)
    check(early >= 0.8, "replace came %.2f s before the reply" % early)
    print("  replace came %.2f s before the reply" % early)
    check(services()["http_server"]["state"] == "Running", "not running")
    check(wait_http(), "no HTTP from the new http_server")
    # The same bytes again: nothing to change.
    ok, body, steps = apply(bundle(RUNNING_MANIFEST,
                                   [("http_server.elf", elf)]))
    check(ok and steps[0] == "nothing to change", "again: %r" % steps)


def udp_echoes(port, tries=20):
    """Whether a datagram to the forwarded port comes back (UDP: the first
    may beat the socket, so a few tries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        for _ in range(tries):
            s.sendto(b"echo?", ("127.0.0.1", port))
            try:
                if s.recvfrom(64)[0] == b"echo?":
                    return True
            except socket.timeout:
                continue
    return False


@booted
def a_udp_services_port_goes_to_its_new_version():
    check(udp_echoes(boot.udp_port), "no echo before the apply")
    elf = open(os.path.join(BUILD, "apps", "udp_echo", "udp_echo.elf"),
               "rb").read()
    ok, body, steps = apply(bundle(RUNNING_MANIFEST, [("udp_echo.elf", elf)]))
    check(ok and "ready udp_echo" in steps and
          any(s.startswith("old udp_echo gone") for s in steps),
          "replace: %r %r" % (body, steps))
    check("udp port 7: a new instance of udp_echo takes it" in
          boot.guest.console(), "no takeover line")
    check(udp_echoes(boot.udp_port), "no echo from the new version")


@booted
def a_program_that_cannot_start_is_rolled_back():
    ok, body, steps = apply(bundle(RUNNING_MANIFEST,
                                   [("http_server.elf", b"\x7fELF broken")]))
    check(not ok and body == b"1 service(s) rolled back", "reply %r" % body)
    check(any(s.startswith("rollback http_server: cannot start")
              for s in steps), "steps: %r" % steps)
    check(services()["http_server"]["state"] == "Running", "old one gone")
    check(wait_http(), "no HTTP after the rollback")


@booted
def a_version_that_exits_at_once_is_rolled_back():
    # exit_with.elf ends at once: the "new version" crashes on start.
    elf = open(os.path.join(BUILD, "programs", "exit_with.elf"), "rb").read()
    ok, body, steps = apply(bundle(RUNNING_MANIFEST,
                                   [("http_server.elf", elf)]))
    check(not ok, "applied: %r %r" % (body, steps))
    check(any(s.startswith("rollback http_server: exited with status")
              for s in steps), "steps: %r" % steps)
    check(wait_http(), "no HTTP after the rollback")


@booted
def a_bad_bundle_changes_nothing():
    before = services()
    for data, why in [(b"not a tar archive" * 40, "not a tar archive"),
                      (bundle(RUNNING_MANIFEST)[:0] + b"\0" * 1024,
                       "no boot.manifest")]:
        ok, body, steps = apply(data)
        check(not ok, "%s: applied" % why)
        check(any(why in s for s in steps), "%s: %r" % (why, steps))
    broken = io.BytesIO()
    with tarfile.open(fileobj=broken, mode="w",
                      format=tarfile.USTAR_FORMAT) as t:
        text = b"ftl-manifest 1\nservices 1\nservice x\nbogus field\n"
        info = tarfile.TarInfo("boot.manifest")
        info.size = len(text)
        t.addfile(info, io.BytesIO(text))
    ok, body, steps = apply(broken.getvalue())
    check(not ok and any(s.startswith("boot.manifest:") for s in steps),
          "bad manifest: %r %r" % (body, steps))
    after = services()
    check(sorted(before) == sorted(after), "services changed: %r" %
          sorted(after))


TESTS = [status_lists_the_services_as_json,
         a_request_with_a_wrong_mac_is_refused_and_the_session_goes_on,
         a_replayed_request_is_refused, an_old_sessions_nonce_no_longer_works,
         another_images_key_is_told_apart,
         logs_of_a_service_come_with_a_cursor, unknown_commands_are_errors,
         garbage_between_frames_is_skipped,
         the_network_does_not_take_control_frames,
         apply_removes_and_adds_services_then_goes_back,
         apply_replaces_a_service_whose_program_changed,
         a_udp_services_port_goes_to_its_new_version,
         a_program_that_cannot_start_is_rolled_back,
         a_version_that_exits_at_once_is_rolled_back,
         a_bad_bundle_changes_nothing,
         a_large_frame_comes_through_whole,
         without_a_channel_device_it_ends_quietly,
         com2_serves_as_on_google_compute_engine,
         other_virtio_console_models_serve_too]

if __name__ == "__main__":
    try:
        status = run_suite("control", TESTS)
    finally:
        if boot is not None:
            boot.__exit__(None, None, None)
    sys.exit(status)
