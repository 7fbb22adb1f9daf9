#!/usr/bin/env python3
"""The developer loop with the SDK tarball unpacked in a temporary folder:
  cli.new_build_s     `ftl new` plus its first `ftl build`, in a new
                      project each run
  cli.rebuild_boot_s  edit main.c, then `ftl run --detach`: rebuild and boot
                      to `system ready` (issue 8's goal: 3 s under TCG)
  cli.apply_ms        with `ftl dev` running an http-template project (and
                      the control service), edit the JSON reply in main.c
                      and poll the forwarded port until the new body comes:
                      edit to new code answering, through a rebuild and an
                      apply, no reboot (issue 21's goal: under 300 ms).
                      Its parts, from ftl dev's output timed as it comes:
  cli.apply_build_ms     the edit to ftl dev's SEND line (the change seen,
                         the rebuild, the bundle packed)
  cli.apply_transfer_ms  SEND to the supervisor's first `apply:` line on
                         the console (the bundle over the control channel)
  cli.apply_guest_ms     that line to the new body over HTTP (the old
                         instance stopped, the new one started, listening)
  cli.apply_reply_ms  the edit to ftl dev's `applied in` line (the apply's
                      reply, after the supervisor's watch of the new start)
One `bench:` line per run (FTL_BENCH_RUNS runs of each, default 5;
bench/run-all.sh keeps min, median and max). Figures, not pass/fail."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(os.environ.get("FTL_BENCH_RUNS", "5"))
APPLY_PORT = 18471  # forwarded to the guest's 80 for cli.apply_ms
APPLY_TIMEOUT_S = 60
CONTROL_SERVICES = "virtio_rng, random, control"


def ftl(sdk, cwd, *args):
    env = dict(os.environ)
    env.pop("FTL_SDK", None)
    subprocess.run([os.path.join(sdk, "bin", "ftl")] + list(args), cwd=cwd,
                   env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=300)


def timed(fn):
    started = time.monotonic()
    fn()
    return time.monotonic() - started


class Output:
    """The lines of a process's stdout and stderr, each with the time it
    came, read by a thread as they come."""

    def __init__(self, stream):
        self.lines = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, args=(stream,),
                                       daemon=True)
        self.thread.start()

    def _read(self, stream):
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").rstrip("\r\n")
            with self.lock:
                self.lines.append((time.monotonic(), line))

    def mark(self):
        with self.lock:
            return len(self.lines)

    def wait_for(self, since, needle, timeout_s=APPLY_TIMEOUT_S):
        """The time of the first line from index since holding needle."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                for at, line in self.lines[since:]:
                    if needle in line:
                        return at
            time.sleep(0.005)
        raise TimeoutError("no %r from ftl dev in %d s" % (needle, timeout_s))

    def text(self, since=0):
        with self.lock:
            return "\n".join(line for _, line in self.lines[since:])


def body_of(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.read().decode(errors="replace")
    except OSError:
        return None


def poll_body(url, want, timeout_s=APPLY_TIMEOUT_S):
    """The time GET url first answers want, polled every 5 ms."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if body_of(url) == want:
            return time.monotonic()
        time.sleep(0.005)
    raise TimeoutError("%s never answered %s" % (url, want))


def spread_line(name, values, unit):
    values = sorted(values)
    n = len(values)
    mid = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return "%s: min %.0f, median %.0f, max %.0f %s (%d runs)" % (
        name, values[0], mid, values[-1], unit, n)


def apply_bench(sdk, tmp):
    """cli.apply_ms and its parts: `ftl dev` on an http-template project,
    RUNS edits of its JSON reply, each timed to the new body."""
    ftl(sdk, tmp, "new", "applyweb", "--template", "http")
    web = os.path.join(tmp, "applyweb")
    yaml = os.path.join(web, "ftl.yaml")
    with open(yaml) as f:
        spec = f.read()
    if "control" not in spec:
        spec = spec.replace("tcpip, applyweb]",
                            "tcpip, %s, applyweb]" % CONTROL_SERVICES)
    spec = spec.replace('"8080:80"', '"%d:80"' % APPLY_PORT)
    with open(yaml, "w") as f:
        f.write(spec)
    main_c = os.path.join(web, "services", "applyweb", "main.c")
    with open(main_c) as f:
        original = f.read()
    key = 'cJSON_AddStringToObject(answer, "hello"'
    if key not in original:
        sys.exit("cli_bench: no %r in %s" % (key, main_c))
    ftl(sdk, web, "build")
    env = dict(os.environ)
    env.pop("FTL_SDK", None)
    dev = subprocess.Popen([os.path.join(sdk, "bin", "ftl"), "dev"], cwd=web,
                           env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    out = Output(dev.stdout)
    url = "http://127.0.0.1:%d/hello/bench" % APPLY_PORT
    figures = {}
    try:
        poll_body(url, '{"hello":"bench"}')
        for run in range(RUNS):
            time.sleep(0.5)  # the console quiet, the last apply's reply in
            since = out.mark()
            word = "v%d" % run
            edited = time.monotonic()
            with open(main_c, "w") as f:
                f.write(original.replace(key, key.replace("hello", word)))
            answered = poll_body(url, '{"%s":"bench"}' % word)
            sent = out.wait_for(since, "  SEND ")
            received = out.wait_for(since, "[supervisor] info: apply: ")
            replied = out.wait_for(since, "ftl dev: applied in")
            if "FTL: booting" in out.text(since):
                sys.exit("cli_bench: ftl dev rebooted instead of applying:\n" +
                         out.text(since))
            parts = [("cli.apply_ms", answered - edited),
                     ("cli.apply_build_ms", sent - edited),
                     ("cli.apply_transfer_ms", received - sent),
                     ("cli.apply_guest_ms", answered - received),
                     ("cli.apply_reply_ms", replied - edited)]
            for name, seconds in parts:
                figures.setdefault(name, []).append(seconds * 1e3)
                print("bench: %s %.0f ms" % (name, seconds * 1e3), flush=True)
            sent_line = [l for l in out.text(since).split("\n")
                         if "  SEND " in l or "applied in" in l]
            print("cli_bench: run %d: %s" % (run, "; ".join(
                l.strip() for l in sent_line)), flush=True)
    finally:
        os.killpg(dev.pid, 15)  # ftl dev ends its QEMU on SIGTERM
        dev.wait(timeout=30)
        with open(main_c, "w") as f:
            f.write(original)
    for name, values in figures.items():
        print("cli_bench: " + spread_line(name, values, "ms"), flush=True)


def main():
    version = open(os.path.join(ROOT, "VERSION")).read().strip()
    tarball = glob.glob(os.path.join(
        ROOT, "dist", "ftl-sdk-%s-x86_64-linux.tar.gz" % version))[0]
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run(["tar", "-xzf", tarball, "-C", tmp], check=True)
        sdk = os.path.join(tmp, "ftl-sdk-%s-x86_64-linux" % version)

        for run in range(RUNS):
            name = "demo%d" % run

            def new_build():
                ftl(sdk, tmp, "new", name)
                ftl(sdk, os.path.join(tmp, name), "build")
            print("bench: cli.new_build_s %.2f s" % timed(new_build),
                  flush=True)

        demo = os.path.join(tmp, "demo0")
        main_c = os.path.join(demo, "services", "demo0", "main.c")
        with open(main_c) as f:
            original = f.read()
        if "Hello from demo0" not in original:
            sys.exit("cli_bench: no 'Hello from demo0' in %s" % main_c)
        for run in range(RUNS):
            with open(main_c, "w") as f:
                f.write(original.replace("Hello from demo0",
                                         "Hello %d from demo0" % run))
            try:
                print("bench: cli.rebuild_boot_s %.2f s" % timed(
                    lambda: ftl(sdk, demo, "run", "--detach")), flush=True)
            finally:
                try:
                    ftl(sdk, demo, "stop")
                except subprocess.CalledProcessError:
                    pass  # nothing was running: `ftl run` said why

        apply_bench(sdk, tmp)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
