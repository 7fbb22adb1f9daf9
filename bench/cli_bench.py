#!/usr/bin/env python3
"""The developer loop with the SDK tarball unpacked in a temporary folder:
  cli.new_build_s     `ftl new demo` plus its first `ftl build`
  cli.rebuild_boot_s  edit main.c, then `ftl run --detach`: rebuild and boot
                      to `system ready` (median of 3; issue 8's goal: 3 s
                      under TCG)
Figures, not pass/fail."""

import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = 3


def ftl(sdk, cwd, *args):
    env = dict(os.environ)
    env.pop("FTL_SDK", None)
    subprocess.run([os.path.join(sdk, "bin", "ftl")] + list(args), cwd=cwd,
                   env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def timed(fn):
    started = time.monotonic()
    fn()
    return time.monotonic() - started


def main():
    version = open(os.path.join(ROOT, "VERSION")).read().strip()
    tarball = glob.glob(os.path.join(
        ROOT, "dist", "ftl-sdk-%s-x86_64-linux.tar.gz" % version))[0]
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run(["tar", "-xzf", tarball, "-C", tmp], check=True)
        sdk = os.path.join(tmp, "ftl-sdk-%s-x86_64-linux" % version)
        demo = os.path.join(tmp, "demo")

        def new_build():
            ftl(sdk, tmp, "new", "demo")
            ftl(sdk, demo, "build")
        print("bench: cli.new_build_s %.2f s" % timed(new_build), flush=True)

        main_c = os.path.join(demo, "services", "demo", "main.c")
        rounds = []
        for n in range(ROUNDS):
            with open(main_c) as f:
                text = f.read()
            with open(main_c, "w") as f:
                f.write(text.replace("Hello from demo", "Hello %d from demo" % n)
                        if n == 0 else text.replace("Hello %d" % (n - 1),
                                                    "Hello %d" % n))
            rounds.append(timed(lambda: ftl(sdk, demo, "run", "--detach")))
            ftl(sdk, demo, "stop")
        print("bench: cli.rebuild_boot_s %.2f s" % statistics.median(rounds))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
