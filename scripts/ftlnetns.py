#!/usr/bin/env python3
"""A network namespace of one's own with a tap device in it, for tests and
benchmarks that need a real (virtual) wire instead of QEMU's user
networking: QEMU runs inside the namespace on the tap, and clients run
inside it too, so traffic never leaves it.

    with Namespace("ftl-bench", tap="ftlbtap0", address="10.0.2.2/24") as ns:
        ns.start_dnsmasq("10.0.2.15", netmask="255.255.255.0",
                         router="10.0.2.2")
        guest.args = ns.wrap(guest.args)   # QEMU opens the tap in there
        ns.run("wrk", ..., "http://10.0.2.15/")

The namespace is named PREFIX-PID, so that a namespace left behind by a
process that was killed outright (SIGKILL) is known as stale and removed
by the next one with the same prefix (remove_stale). Everything else is
undone on every exit path of the `with` block. Needs root.

The approach is the one of tests/qemu/netns_test.py (which keeps its own
copy): `ip netns add`, `ip tuntap add ... mode tap` inside it, QEMU with
`-netdev tap,ifname=TAP,script=no,downscript=no`, dnsmasq (Debian's
dnsmasq-base) for DHCP."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile


def _sh(args, timeout=30):
    done = subprocess.run(args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args),
                                       done.stdout.decode()[-400:]))
    return done.stdout.decode()


def why_not_possible(tools=("ip", "dnsmasq")):
    """None if namespaces and taps can be made here, else the reason."""
    if os.geteuid() != 0:
        return "needs root for a network namespace and a tap device"
    for tool in tools:
        if shutil.which(tool) is None:
            return "%s is not installed (scripts/setup-host.sh)" % tool
    probe = "ftl-probe-%d" % os.getpid()
    done = subprocess.run(["ip", "netns", "add", probe],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        return "cannot create a network namespace: %s" % (
            done.stdout.decode().strip())
    subprocess.run(["ip", "netns", "del", probe])
    return None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(prefix):
    """Deletes namespaces PREFIX-PID whose process is gone."""
    listed = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL).stdout.decode()
    for line in listed.splitlines():
        name = line.split()[0] if line.split() else ""
        rest = name[len(prefix) + 1:]
        if name.startswith(prefix + "-") and rest.isdigit() and \
                not _alive(int(rest)):
            subprocess.run(["ip", "netns", "del", name],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def exit_on_signals():
    """Turns SIGTERM and SIGHUP into SystemExit, so that `with` blocks (and
    so the namespace, dnsmasq and QEMU) are cleaned up when the process is
    told to stop, as they are on Ctrl-C."""
    def stop(signum, frame):
        raise SystemExit("stopped by signal %d" % signum)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


class Namespace:
    """A namespace PREFIX-PID with loopback up and a tap TAP that has
    address (CIDR) and is up; no carrier until QEMU opens it."""

    def __init__(self, prefix, tap="ftltap0", address="10.0.2.2/24"):
        self.prefix = prefix
        self.name = "%s-%d" % (prefix, os.getpid())
        self.tap = tap
        self.address = address
        self.dnsmasq = None
        self.temp = None

    def __enter__(self):
        remove_stale(self.prefix)
        self.temp = tempfile.mkdtemp(prefix=self.prefix + "-")
        try:
            _sh(["ip", "netns", "add", self.name])
            self.run_checked("ip", "link", "set", "lo", "up")
            self.run_checked("ip", "tuntap", "add", "dev", self.tap,
                             "mode", "tap")
            self.run_checked("ip", "addr", "add", self.address, "dev",
                             self.tap)
            self.run_checked("ip", "link", "set", self.tap, "up")
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, kind, value, traceback):
        if self.dnsmasq is not None:
            if self.dnsmasq.poll() is None:
                self.dnsmasq.kill()
            self.dnsmasq.wait()
            self.dnsmasq = None
        subprocess.run(["ip", "netns", "del", self.name],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.temp:
            shutil.rmtree(self.temp, ignore_errors=True)
        return False

    def wrap(self, args):
        """args as a command that runs inside the namespace."""
        return ["ip", "netns", "exec", self.name] + list(args)

    def run(self, *args, timeout=30, **kw):
        """Runs a command inside the namespace; returns CompletedProcess with
        stdout and stderr together, as text."""
        return subprocess.run(self.wrap(args), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout,
                              universal_newlines=True, **kw)

    def run_checked(self, *args, timeout=30):
        return _sh(self.wrap(args), timeout)

    def popen(self, args, **kw):
        return subprocess.Popen(self.wrap(args), **kw)

    def start_dnsmasq(self, lease, netmask, router=None, options=(),
                      ping_check=True):
        """DHCP on the tap: one address (lease) for whoever asks, with
        netmask, router (option 3) and further --dhcp-option values. No
        DNS (--port=0). ping_check=False leaves out dnsmasq's ping of an
        address before offering it (which delays the offer), for when
        nothing else on the tap can hold it."""
        args = ["dnsmasq", "--no-daemon", "--conf-file=/dev/null",
                "--port=0", "--bind-interfaces", "--interface=" + self.tap,
                "--except-interface=lo",
                "--dhcp-range=%s,%s,1h" % (lease, lease),
                "--dhcp-option=option:netmask," + netmask,
                "--dhcp-leasefile=" + os.path.join(self.temp, "leases"),
                "--pid-file=" + os.path.join(self.temp, "dnsmasq.pid")]
        if not ping_check:
            args.append("--no-ping")
        if router:
            args.append("--dhcp-option=3," + router)
        args += ["--dhcp-option=" + o for o in options]
        self.dnsmasq = self.popen(args, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL,
                                  stdin=subprocess.DEVNULL)
        return self.dnsmasq

    def tcp_ext(self):
        """The namespace's TcpExt counters (/proc/net/netstat) by name."""
        return parse_netstat(self.run_checked("cat", "/proc/net/netstat"))


def parse_netstat(text):
    """{"ListenOverflows": N, ...} of the TcpExt lines of /proc/net/netstat."""
    lines = [line.split() for line in text.splitlines()]
    for names, values in zip(lines, lines[1:]):
        if len(names) > 1 and names[0] == "TcpExt:" and \
                values[:1] == ["TcpExt:"] and not names[1].isdigit():
            return {n: int(v) for n, v in zip(names[1:], values[1:])}
    return {}


def host_tcp_ext():
    """The TcpExt counters of this process's own namespace."""
    with open("/proc/net/netstat") as f:
        return parse_netstat(f.read())
