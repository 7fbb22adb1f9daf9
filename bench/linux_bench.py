#!/usr/bin/env python3
"""Linux baseline: Debian's unmodified kernel with a busybox initramfs, booted
in the same QEMU, with the same settings and the same accelerator as FTL's own
benchmarks, so that FTL's figures can be read as ratios against it.

bench/linux/build.sh prepares the kernel and the initramfs; its /init runs
small static C benchmarks whose `bench: linux.NAME VALUE UNIT` lines come out
on the serial console. This script boots it BOOTS times (FTL_LINUX_BOOTS,
default 3) and prints each figure's median over the boots in the same form,
plus
`bench: linux.boot.init_ms N ms`: QEMU's start until /init's first line.

Then it boots the guest COUNT_BOOTS more times (FTL_LINUX_COUNT_BOOTS,
default 3) under TCG with QEMU's instruction counting (ftlqemu.ICOUNT), where
the benchmarks' rdtsc differences are guest instructions, and prints each
figure in cycles as an instruction count beside it:
`bench: linux.NAME.insns N instructions` (docs/notes/ipc-speed.md). These do
not depend on the host's speed or on QEMU's cost model; they agree between
boots to a few instructions (Linux's boot reads the host's clock and random
numbers, which moves where timer interrupts fall), and a line says whether
they were the same or names those that differed.

The accelerator: other benchmarks call linux_accel() so that both sides run
under the same one. It is FTL_ACCEL when set; else TCG unless both FTL's own
probe (ftlqemu.choose_accel) and a short probe boot of this Linux guest work
under KVM. Some hosts' /dev/kvm is a PVM hypervisor on which our kernel may
run but an unmodified Linux hangs (docs: DESIGN.md, "QEMU accelerator").
"""

import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import ftlqemu  # noqa: E402

BUILD = os.path.join(ROOT, os.environ.get("FTL_BUILD_DIR", "build"), "linux")
KERNEL = os.path.join(BUILD, "vmlinuz")
INITRD = os.path.join(BUILD, "initramfs.cpio.gz")
ACCEL_CACHE = os.path.join(BUILD, "accel")

# Linux needs about 89 MiB; one vCPU (QEMU's default), as FTL's benchmarks.
MEMORY = "128M"
# quiet: every console byte costs a trap into QEMU; panic=-1 with -no-reboot
# ends QEMU at once on a panic. nokaslr: the same layout on every boot, so
# runs compare. tsc=reliable: no clocksource watchdog, which under TCG can
# call the TSC unstable when the host stalls QEMU and move timekeeping to the
# emulated HPET (slow clock_gettime) in the middle of a run. Neither changes
# the boot time measurably here; mitigations stay as Debian ships them.
APPEND = "console=ttyS0 quiet panic=-1 nokaslr tsc=reliable"
INIT = rb"ftl-linux: init"
DONE = rb"ftl-linux: done"
BENCH = re.compile(r"^bench: (\S+) (\S+) (\S+)$")

# Under TCG Linux reaches /init in about 4 s and its benchmarks take about
# 2 s more; the time-outs leave room for a slow or busy host.
INIT_TIMEOUT_S = {"tcg": 90, "kvm": 30}
RUN_TIMEOUT_S = {"tcg": 120, "kvm": 60}
KVM_PROBE_TIMEOUT_S = 20

_reason = None  # why linux_accel() chose what it chose, for a line of output


def build(quiet=False):
    """Runs bench/linux/build.sh (fast when nothing changed)."""
    script = os.path.join(HERE, "linux", "build.sh")
    if not quiet:
        subprocess.run([script], check=True, cwd=ROOT)
        return
    done = subprocess.run([script], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.stderr.write(done.stdout.decode("utf-8", "replace"))
        raise subprocess.CalledProcessError(done.returncode, script)


def guest(name, accel, append=APPEND, extra=()):
    boot = dict(kernel=KERNEL, initrd=INITRD, append=append)
    return ftlqemu.Guest(name, boot, accel=accel, memory=MEMORY, extra=extra)


def probe_kvm():
    """True if the Linux guest reaches /init under KVM within a short time."""
    try:
        with guest("linux_kvm_probe", "kvm", APPEND + " ftl.probe") as g:
            g.wait_for(INIT, KVM_PROBE_TIMEOUT_S)
        return True
    except ftlqemu.GuestError:
        return False


def _stamp(ftl_accel):
    parts = [ftl_accel]
    for path in (KERNEL, INITRD):
        st = os.stat(path)
        parts.append("%d-%d" % (st.st_size, st.st_mtime_ns))
    return " ".join(parts)


def linux_accel():
    """The accelerator for both the Linux baseline and FTL's benchmarks."""
    global _reason
    forced = os.environ.get("FTL_ACCEL")
    if forced:
        if forced not in ("tcg", "kvm"):
            sys.exit("error: FTL_ACCEL must be tcg or kvm, not %r" % forced)
        _reason = "FTL_ACCEL says so"
        return forced
    ftl_accel = ftlqemu.choose_accel()
    if ftl_accel != "kvm":
        _reason = "FTL's own accelerator probe chose it"
        return ftl_accel
    build(quiet=True)
    stamp = _stamp(ftl_accel)
    try:
        with open(ACCEL_CACHE) as f:
            cached_stamp, accel, reason = f.read().split("\n")[:3]
        if cached_stamp == stamp:
            _reason = reason
            return accel
    except (OSError, ValueError):
        pass
    if probe_kvm():
        accel, reason = "kvm", "FTL and Linux both run well under it"
    else:
        accel = "tcg"
        reason = ("Linux did not reach /init under KVM within %d s" %
                  KVM_PROBE_TIMEOUT_S)
        print("linux: %s; falling back to TCG for Linux and FTL" % reason,
              flush=True)
    with open(ACCEL_CACHE, "w") as f:
        f.write("%s\n%s\n%s\n" % (stamp, accel, reason))
    _reason = reason
    return accel


def boot_once(index, accel, counting=False):
    """Boots the guest once (counting: under TCG with instruction counting);
    returns (figures, init_ms), where figures maps each bench name to (value,
    unit)."""
    name, extra = "linux_bench_%d" % index, ()
    if counting:
        name, accel, extra = "linux_count_%d" % index, "tcg", ftlqemu.ICOUNT
    with guest(name, accel, extra=extra) as g:
        g.wait_for(INIT, INIT_TIMEOUT_S[accel])
        init_ms = g.elapsed_ms()
        g.wait_for(DONE, RUN_TIMEOUT_S[accel])
        try:
            g.proc.wait(10)  # /init powers off; QEMU is killed anyway
        except subprocess.TimeoutExpired:
            pass
        console = g.console()
    figures = {}
    for line in console.splitlines():
        line = line.strip("\r")
        match = BENCH.match(line)
        if match:
            figures[match.group(1)] = (float(match.group(2)), match.group(3))
        elif line.startswith("ftl-linux: ") and "failed" in line:
            print(line, flush=True)
    return figures, init_ms


def number(value):
    return ("%d" % value) if value == int(value) else ("%.1f" % value)


def insns_name(name, unit):
    """The name under which a figure measured in cycles is printed when its
    boot ran under ftlqemu.ICOUNT (NAME or NAME.cycles: NAME.insns, in
    instructions), or None for a figure in other units: those are times or
    rates, which say nothing under instruction counting."""
    if unit != "cycles":
        return None
    if name.endswith(".cycles"):
        name = name[:-len(".cycles")]
    return name + ".insns"


def instruction_counts(boots):
    """From the figures of boots under ftlqemu.ICOUNT (each a list of (name,
    value, unit)): {figure's name: median instruction count} and a line that
    says whether the boots agreed."""
    if not boots:
        return {}, "instructions not counted"
    seen = {}
    for figures in boots:
        for name, value, unit in figures:
            if insns_name(name, unit):
                seen.setdefault(name, []).append(float(value))
    counts = {name: statistics.median(values) for name, values in seen.items()}
    differ = ["%s %s-%s" % (insns_name(name, "cycles"), number(min(values)),
                            number(max(values)))
              for name, values in seen.items() if min(values) != max(values)]
    if differ:
        note = "instruction counts differ between boots: " + ", ".join(differ)
    else:
        note = "instruction counts of %d boot(s), the same in each" % len(boots)
    return counts, note


def print_figures(figures, counts):
    """Prints each (name, value, unit) as a bench line, with the instruction
    count of the same operation (counts, by the figure's name) after it."""
    for name, value, unit in figures:
        print("bench: %s %s %s" % (name, number(value), unit))
        if name in counts:
            print("bench: %s %s instructions" % (insns_name(name, unit),
                                                 number(counts[name])))
    printed = {figure[0] for figure in figures}
    for name, count in counts.items():
        if name not in printed:
            print("bench: %s %s instructions" % (insns_name(name, "cycles"),
                                                 number(count)))


def main():
    started = time.monotonic()
    build()
    accel = linux_accel()
    print("accelerator: %s" % accel)
    print("linux: %s because %s" % (accel.upper(), _reason), flush=True)
    with open(os.path.join(BUILD, "versions.txt")) as f:
        print("linux: " + ", ".join(f.read().splitlines()), flush=True)
    boots = int(os.environ.get("FTL_LINUX_BOOTS", "3"))
    count_boots = int(os.environ.get("FTL_LINUX_COUNT_BOOTS", "3"))
    runs, counted = [], []
    try:
        for i in range(boots):
            runs.append(boot_once(i, accel))
        for i in range(count_boots):
            counted.append(boot_once(i, accel, counting=True))
    except ftlqemu.GuestError as error:
        log = os.path.join(ftlqemu.BUILD, "test-logs", "linux_%s_%d.log" % (
            ("count", len(counted)) if len(runs) == boots else
            ("bench", len(runs))))
        hint = ""
        if accel == "kvm":
            hint = "; this host's KVM may not run unmodified kernels: try "\
                   "FTL_ACCEL=tcg"
        sys.exit("linux: error: %s (console: %s)%s" % (error, log, hint))
    medians = []
    for name, (_, unit) in runs[0][0].items():
        values = [figures[name][0] for figures, _ in runs
                  if name in figures]
        medians.append((name, statistics.median(values), unit))
    counts, note = instruction_counts(
        [[(name, value, unit) for name, (value, unit) in figures.items()]
         for figures, _ in counted])
    print_figures(medians, counts)
    if counted:
        print("linux: " + note)
    init_ms = statistics.median(init_ms for _, init_ms in runs)
    print("bench: linux.boot.init_ms %.0f ms" % init_ms)
    print("linux: %d boot(s) under %s and %d counting instructions in %.1f s"
          % (boots, accel, count_boots, time.monotonic() - started),
          flush=True)


if __name__ == "__main__":
    main()
