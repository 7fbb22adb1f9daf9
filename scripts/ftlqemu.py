#!/usr/bin/env python3
"""Boot FTL in QEMU: the one place that knows how.

Used three ways:
  * `make run` / `ftlqemu.py run`: interactive, serial console on the terminal.
  * tests and benchmarks: `Guest` boots in the background, captures the serial
    console, waits for markers with time-outs, always kills QEMU, and keeps the
    console log of a failed run under build/test-logs/.
  * `ftlqemu.py accel`: prints the accelerator that would be used.

Accelerator: TCG unless a probe boot of our own kernel under KVM prints the
banner, passes its boot checks and is not slower than the same probe under
TCG. /dev/kvm opening is not enough: on some hosts it is a PVM hypervisor that
cannot run an unmodified kernel, or runs ours slowly (docs/contributing.md).
FTL_ACCEL=tcg|kvm overrides the probe.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
QEMU = "qemu-system-x86_64"
BANNER = re.compile(rb"^\r*FTL \d+\.\d+\.\d+ ", re.M)
PROBE_TIMEOUT_S = 8

# isa-debug-exit: the kernel writes a status byte to port 0xf4 and QEMU exits
# with (status << 1) | 1. Anything else means QEMU ended some other way.
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

# Instruction counting (TCG only; pass as Guest's extra with accel="tcg"):
# QEMU's virtual clock then advances one nanosecond per guest instruction
# (shift=0) and the guest's rdtsc returns that clock, so the difference of
# two rdtsc reads is the number of instructions run between them, whatever
# the host does. sleep=off: when the guest halts, the clock jumps to the next
# timer's deadline at once instead of following the host's time, so a boot
# is deterministic (docs/notes/ipc-speed.md, "Instructions").
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]

# An entropy device (virtio-rng, fed from the host's /dev/urandom) for the
# random service, as `ftl run` gives one (docs/concepts/entropy.md).
ENTROPY = ["-device", "virtio-rng-pci"]


def guest_status(qemu_returncode):
    """The kernel's test-mode status from QEMU's exit code, or None."""
    if qemu_returncode is None or qemu_returncode <= 0:
        return None
    if qemu_returncode & 1 == 0:
        return None
    return qemu_returncode >> 1


def base_args(accel, memory="128M"):
    cpu = "host" if accel == "kvm" else "max"
    return [QEMU, "-accel", accel, "-cpu", cpu, "-m", memory, "-nodefaults",
            "-no-reboot", "-display", "none", "-monitor", "none"] + DEBUG_EXIT


def boot_args(kernel=None, initrd=None, append=None, iso=None, disk=None,
              scsi_disk=None):
    """QEMU arguments for one of the boot paths: PVH (kernel), GRUB from a
    CD-ROM (iso), GRUB from a raw disk on IDE (disk) or on virtio-scsi
    (scsi_disk, as Google Compute Engine attaches a boot disk)."""
    if kernel:
        args = ["-kernel", kernel]
        if initrd:
            args += ["-initrd", initrd]
        if append:
            args += ["-append", append]
        return args
    if iso:
        return ["-cdrom", iso]
    if disk:
        return ["-drive", "file=%s,format=raw,if=ide" % disk]
    if scsi_disk:
        return ["-device", "virtio-scsi-pci,id=scsi0",
                "-drive", "file=%s,format=raw,if=none,id=boot" % scsi_disk,
                "-device", "scsi-hd,drive=boot,bus=scsi0.0"]
    raise ValueError("no kernel, iso or disk to boot")


def net_args(forwards=(), legacy=False, mac=None):
    """A virtio-net device on QEMU user networking, with ports forwarded
    from 127.0.0.1 only: forwards are (host_port, guest_port) pairs for TCP,
    or (host_port, guest_port, "udp"). legacy gives the device without its
    modern (virtio 1.0) interface."""
    netdev = "user,id=net0" + "".join(
        ",hostfwd=%s:127.0.0.1:%d-:%d" % (
            f[2] if len(f) > 2 else "tcp", f[0], f[1]) for f in forwards)
    device = "virtio-net-pci,netdev=net0"
    if legacy:
        device += ",disable-modern=on"
    if mac:
        device += ",mac=" + mac
    return ["-netdev", netdev, "-device", device]


def control_args(path, kind="vcon"):
    """The control channel's host end (docs/reference/control-protocol.md)
    as a listening Unix socket at path. kind "vcon": port 0 of a
    virtio-serial device with one port (a virtio console, no MULTIPORT),
    the fast path `ftl run` uses; kind "uart": COM2, the second -serial
    after the console's, as on Google Compute Engine. wait=off: QEMU boots
    without a client and takes one when it comes. The guest's key is
    build/control.key (packed as control.key)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    chardev = ["-chardev", "socket,id=control,path=%s,server=on,wait=off" %
               path.replace(",", ",,")]
    if kind == "uart":
        return chardev + ["-serial", "chardev:control"]
    if kind != "vcon":
        raise ValueError("control channel kind %r: vcon or uart" % kind)
    return chardev + ["-device", "virtio-serial-pci,max_ports=1",
                      "-device", "virtconsole,chardev=control"]


def choose_accel(kernel=None):
    """TCG, or KVM when FTL_ACCEL says so or a probe boot under it works."""
    forced = os.environ.get("FTL_ACCEL")
    if forced:
        if forced not in ("tcg", "kvm"):
            sys.exit("error: FTL_ACCEL must be tcg or kvm, not %r" % forced)
        return forced
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "tcg"
    kernel = kernel or os.path.join(BUILD, "ftl-kernel.elf")
    if not os.path.exists(kernel):
        return "tcg"
    stamp = "%d-%d" % (os.stat(kernel).st_size, os.stat(kernel).st_mtime_ns)
    cache = os.path.join(BUILD, "accel-probe")
    try:
        with open(cache) as f:
            cached_stamp, cached_accel = f.read().split()
            if cached_stamp == stamp:
                return cached_accel
    except (OSError, ValueError):
        pass
    accel = "kvm" if probe_kvm(kernel) else "tcg"
    os.makedirs(BUILD, exist_ok=True)
    with open(cache, "w") as f:
        f.write("%s %s\n" % (stamp, accel))
    return accel


def probe_boot(accel, kernel):
    """Boots our kernel in test mode. Returns the seconds it took if it printed
    the banner and ended with test status 0 (so the probe grows with the
    kernel's own boot checks), else None."""
    # With the initfs, the probe runs hello.elf as a user process: a
    # hypervisor that boots the kernel but mishandles ring 3 or `syscall`
    # (as the PVM one of these machines does) fails here.
    initrd = os.path.join(os.path.dirname(kernel), "initfs.tar")
    has_initrd = os.path.exists(initrd)
    args = base_args(accel) + ["-serial", "stdio"] + boot_args(
        kernel=kernel,
        append="ftl.test ftl.init=hello.elf" if has_initrd else "ftl.test",
        initrd=initrd if has_initrd else None)
    started = time.monotonic()
    try:
        done = subprocess.run(args, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL,
                              timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None
    if BANNER.search(done.stdout) and guest_status(done.returncode) == 0:
        return time.monotonic() - started
    return None


def probe_kvm(kernel):
    """True if KVM boots our kernel and is not slower than TCG at it. Some
    hosts' /dev/kvm (a PVM hypervisor) boots it but pays so much per I/O exit
    that TCG is several times faster."""
    kvm = probe_boot("kvm", kernel)
    if kvm is None:
        return False
    tcg = probe_boot("tcg", kernel)
    return tcg is None or kvm <= tcg


class GuestError(Exception):
    pass


class Guest:
    """A QEMU guest whose serial console is captured.

    Use as a context manager: QEMU is always killed on exit, and if the block
    raised, the console log is kept in build/test-logs/NAME.log.
    control_socket: a path for the control channel, or None; control_kind
    its transport (control_args: "vcon", or "uart" for COM2).
    """

    def __init__(self, name, boot, accel=None, memory="128M", extra=(),
                 control_socket=None, control_kind="vcon"):
        self.name = name
        self.accel = accel or choose_accel(boot.get("kernel"))
        self.args = (base_args(self.accel, memory) + ["-serial", "stdio"] +
                     (control_args(control_socket, control_kind)
                      if control_socket else [])
                     + boot_args(**boot) + list(extra))
        self.output = bytearray()
        self.lock = threading.Condition()
        self.proc = None
        self.started = None

    def __enter__(self):
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def __exit__(self, kind, value, traceback):
        self.kill()
        if kind is not None:
            self.save_log()
        return False

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            with self.lock:
                if not chunk:
                    self.lock.notify_all()
                    return
                self.output += chunk
                self.lock.notify_all()

    def elapsed_ms(self):
        return (time.monotonic() - self.started) * 1000

    def wait_for(self, pattern, timeout):
        """Waits until the console matches pattern (bytes regex); returns the
        match. Raises GuestError on time-out or if QEMU ends first."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                match = regex.search(self.output)
                if match:
                    return match
                if not self.reader.is_alive():
                    raise GuestError("QEMU ended (status %s) before %r" %
                                     (self.proc.poll(), pattern))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise GuestError("no %r within %.0f s" % (pattern, timeout))
                self.lock.wait(min(left, 0.5))

    def wait_exit(self, timeout):
        """Waits for QEMU to end; returns the kernel's test-mode status."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise GuestError("QEMU still running after %.0f s" % timeout)
        self.reader.join(2)
        status = guest_status(code)
        if status is None:
            raise GuestError("QEMU exited with %d, not through the kernel's "
                             "test-mode exit" % code)
        return status

    def console(self):
        with self.lock:
            return self.output.decode("utf-8", "replace")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def save_log(self):
        os.makedirs(os.path.join(BUILD, "test-logs"), exist_ok=True)
        path = os.path.join(BUILD, "test-logs", self.name + ".log")
        with open(path, "w") as f:
            f.write("# " + " ".join(self.args) + "\n")
            f.write(self.console())
        return path


def run_interactive(options):
    accel = options.accel or choose_accel(options.kernel)
    args = (base_args(accel, options.memory) + ["-serial", "mon:stdio"] +
            boot_args(kernel=options.kernel, initrd=options.initrd,
                      append=options.append, iso=options.iso) + ENTROPY)
    if options.control_socket:
        args += control_args(options.control_socket, options.control_kind)
    forwards = [tuple(int(p) for p in f.split(":")) for f in options.forward]
    if forwards:
        args += net_args(forwards)
    print("FTL: booting in QEMU (%s, %s of memory). Serial console below; "
          "quit with Ctrl-A then X." % (accel.upper(), options.memory),
          flush=True)
    for host, guest in forwards:
        url = {80: " (http://127.0.0.1:%d/)" % host,
               443: " (https://localhost:%d/, curl --cacert "
                    "build/tls/ca.pem)" % host}.get(guest, "")
        print("FTL: guest TCP port %d is 127.0.0.1:%d%s" % (guest, host, url),
              flush=True)
    os.execvp(QEMU, args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="boot with the console on this terminal")
    run.add_argument("--kernel")
    run.add_argument("--initrd")
    run.add_argument("--iso")
    run.add_argument("--append", default="")
    run.add_argument("--memory", default="128M")
    run.add_argument("--accel", choices=("tcg", "kvm"))
    run.add_argument("--forward", action="append", default=[],
                     metavar="HOST:GUEST",
                     help="add a virtio-net device on user networking and "
                     "forward 127.0.0.1:HOST to the guest's TCP port GUEST")
    run.add_argument("--control-socket", metavar="PATH",
                     help="the control channel as a listening Unix socket "
                     "at PATH (ftl status --socket PATH --key "
                     "build/control.key)")
    run.add_argument("--control-kind", choices=("vcon", "uart"),
                     default="vcon",
                     help="its transport: a virtio console (default) or "
                     "COM2, as on Google Compute Engine")
    accel = sub.add_parser("accel", help="print the accelerator to use")
    accel.add_argument("--kernel")
    options = parser.parse_args()
    if options.command == "run":
        run_interactive(options)
    else:
        print(choose_accel(options.kernel))


if __name__ == "__main__":
    main()
