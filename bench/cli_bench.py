#!/usr/bin/env python3
"""The developer loop with the SDK tarball unpacked in a temporary folder:
  cli.new_build_s     `ftl new` plus its first `ftl build`, in a new
                      project each run
  cli.rebuild_boot_s  edit main.c, then `ftl run --detach`: rebuild and boot
                      to `system ready` (issue 8's goal: 3 s under TCG)
One `bench:` line per run (FTL_BENCH_RUNS runs of each, default 5;
bench/run-all.sh keeps min, median and max). Figures, not pass/fail."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(os.environ.get("FTL_BENCH_RUNS", "5"))


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
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
