#!/usr/bin/env python3
"""The benchmark report, from the `bench: NAME VALUE UNIT` lines of a
`make bench` run (bench/run-all.sh calls each of these in turn):

  report.py repeats LOG     the most values any one figure has in LOG
  report.py collect [--started EPOCH] [--failed TEXT] LOG...
                            build/bench/results.json: {NAME: {min, median,
                            max, runs: [...], unit}}; and build/bench/run.json:
                            date, host CPU, QEMU, accelerator, guests, commit
  report.py ratios          the same-run ratios against the Linux guest and
                            the goals the issues set, as `ratio:` lines
  report.py render          docs/benchmarks.md and its plots
                            (docs/benchmarks/*.png, gnuplot) from both files

Ratios are of medians. Goals are shown as met or not: figures, never a
pass or a fail of the run."""

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench")
RESULTS = os.path.join(OUT, "results.json")
RUN = os.path.join(OUT, "run.json")
PAGE = os.path.join(ROOT, "docs", "benchmarks.md")
PLOTS = os.path.join(ROOT, "docs", "benchmarks")
BENCH = re.compile(r"^bench: (\S+) (\S+) (\S+)\s*$")
ACCEL = re.compile(r"^accelerator: (\S+)\s*$")
MIB = 1024 * 1024

# (ours, baseline, comparison, goal): ratio ours / baseline of medians.
RATIOS = [
    ("syscall.null.user", "linux.syscall.null.user", "<=", 1 / 2),
    ("syscall.null.kernel", "linux.syscall.null.user", "<=", 1 / 20),
    ("process.create_exit_us.user", "linux.process.create_exit_us", "", None),
    ("process.create_exit_us.kernel", "linux.process.create_exit_us", "",
     None),
    ("ipc.call.user_user", "linux.ipc.call.user_user", "<=", 1 / 6),
    ("ipc.call.kernel_kernel", "linux.ipc.call.user_user", "<=", 1 / 30),
    ("loop.call.user_user", "ipc.call.user_user", "<=", 1.2),
    # issue 20: a wasm-to-wasm round trip within twice kernel-to-kernel and
    # at most a third of user-to-user
    ("ipc.call.wasm_wasm", "ipc.call.kernel_kernel", "<=", 2),
    ("ipc.call.wasm_wasm", "ipc.call.user_user", "<=", 1 / 3),
    ("http.rps", "linux.http.rps", ">=", 2.5),
    ("https.rps", "linux.https.rps", ">=", 1.5),
    ("tls.handshakes_per_s", "linux.tls.handshakes_per_s", "", None),
    ("boot.first_200_ms", "linux.boot.first_200_ms", "<=", 1 / 40),
] + [("http.%s.c%d.p99_ms" % (path, c), "linux.http.%s.c%d.p99_ms" %
      (path, c), "<=", 1.0) for path in ("user", "tap") for c in
     (16, 256, 1000)] + [
    ("http.p50_ms", "linux.http.p50_ms", "", None),
    ("mem.min_mib", "linux.mem.min_mib", "", None),
]
# (figure, comparison, bound): on the median. cli.apply_ms: issue 21's
# edit to running through `ftl dev` in under 300 ms.
ABSOLUTE = [("image.bytes", "<=", MIB), ("cli.apply_ms", "<=", 300)]
PATHS = [("user", "user networking (slirp, port forwarded from 127.0.0.1)"),
         ("tap", "tap in a network namespace")]


# ---------------------------------------------------------------------------
# Collecting

def bench_lines(path):
    with open(path, errors="replace") as f:
        for line in f:
            m = BENCH.match(line.strip())
            if m:
                try:
                    yield m.group(1), float(m.group(2)), m.group(3)
                except ValueError:
                    pass


def cmd_repeats(args):
    counts = {}
    for name, _, _ in bench_lines(args[0]):
        counts[name] = counts.get(name, 0) + 1
    print(max(counts.values()) if counts else 0)


def first_line(args):
    try:
        done = subprocess.run(args, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=30)
        return done.stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return None


def host_cpu():
    models, count = [], 0
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                models.append(line.split(":", 1)[1].strip())
            if line.startswith("processor"):
                count += 1
    model = models[0] if models else platform.processor() or "unknown"
    return "%s, %d CPU%s" % (model, count, "" if count == 1 else "s")


def cmd_collect(args):
    started, failed, logs = None, "", []
    while args:
        arg = args.pop(0)
        if arg == "--started":
            started = int(args.pop(0))
        elif arg == "--failed":
            failed = args.pop(0)
        else:
            logs.append(arg)
    results, accels = {}, []
    for log in logs:
        for name, value, unit in bench_lines(log):
            figure = results.setdefault(name, {"runs": [], "unit": unit})
            figure["runs"].append(value)
        with open(log, errors="replace") as f:
            for line in f:
                m = ACCEL.match(line.strip())
                if m and m.group(1) not in accels:
                    accels.append(m.group(1))
    for figure in results.values():
        runs = figure["runs"]
        figure.update(min=min(runs), median=statistics.median(runs),
                      max=max(runs))
    os.makedirs(OUT, exist_ok=True)
    with open(RESULTS, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    now = time.time()
    started = started or now
    versions = os.path.join(ROOT, "build", "linux", "versions.txt")
    run = {
        "date": time.strftime("%Y-%m-%d", time.gmtime(started)),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "duration_s": round(now - started),
        "host_cpu": host_cpu(),
        "host_kernel": "%s %s" % (platform.system(), platform.release()),
        "qemu": first_line(["qemu-system-x86_64", "--version"]),
        "accelerator": ", ".join(accels) or "unknown",
        "linux_guest": open(versions).read().split("\n")[:2]
        if os.path.exists(versions) else [],
        "wrk": (first_line(["wrk", "-v"]) or "").split(" Copyright")[0],
        "commit": first_line(["git", "-C", ROOT, "describe", "--always",
                              "--dirty", "--abbrev=10"]),
        "runs": int(os.environ.get("FTL_BENCH_RUNS", "5")),
        "failed": [line for line in failed.splitlines() if line.strip()],
    }
    with open(RUN, "w") as f:
        json.dump(run, f, indent=1, sort_keys=True)
        f.write("\n")
    print("collected %d figures from %d log(s) into %s" % (
        len(results), len(logs), os.path.relpath(RESULTS, ROOT)))


# ---------------------------------------------------------------------------
# Reading

def load():
    with open(RESULTS) as f:
        results = json.load(f)
    run = {}
    if os.path.exists(RUN):
        with open(RUN) as f:
            run = json.load(f)
    return results, run


def median(results, name):
    figure = results.get(name)
    return figure["median"] if figure else None


def ratio(results, ours, base):
    a, b = median(results, ours), median(results, base)
    if a is None or b is None or b == 0:
        return None
    return a / b


def met(value, comparison, goal):
    if value is None or goal is None:
        return None
    return value <= goal if comparison == "<=" else value >= goal


def goal_text(comparison, goal):
    if goal is None:
        return ""
    if goal < 1 and abs(1 / goal - round(1 / goal)) < 1e-9:
        return "%s 1/%d" % (comparison, round(1 / goal))
    return "%s %g" % (comparison, goal)


def levels(results):
    """The connection counts measured, ascending."""
    found = set()
    for name in results:
        m = re.match(r"^(?:linux\.)?http\.(?:user|tap)\.c(\d+)\.", name)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)


def cmd_ratios(args):
    results, _ = load()
    for ours, base, comparison, goal in RATIOS:
        value = ratio(results, ours, base)
        if value is None:
            continue
        state = met(value, comparison, goal)
        print("ratio: %s / %s = %.3f%s" % (
            ours, base, value, "" if goal is None else " (goal %s: %s)" % (
                goal_text(comparison, goal), "met" if state else "not met")))
    for name, comparison, bound in ABSOLUTE:
        value = median(results, name)
        if value is not None:
            print("figure: %s = %d (goal %s %d: %s)" % (
                name, value, comparison, bound,
                "met" if met(value, comparison, bound) else "not met"))
    for path, _ in PATHS:
        for prefix, who in (("", "FTL"), ("linux.", "Linux")):
            worst = [(c, results[n]["max"]) for c in levels(results)
                     for n in ["%shttp.%s.c%d.errors" % (prefix, path, c)]
                     if n in results]
            if worst:
                print("errors: %s %s path, most in one run per level: %s "
                      "(goal 0 at every level: %s)" % (
                          who, path, ", ".join("c%d %d" % w for w in worst),
                          "met" if all(w[1] == 0 for w in worst)
                          else "not met"))


# ---------------------------------------------------------------------------
# Rendering

def fmt(value, unit=""):
    if value is None:
        return "-"
    if unit == "ms" or unit == "s":
        if abs(value) < 10:
            return "%.2f" % value
        if abs(value) < 100:
            return "%.1f" % value
    if unit in ("us",) and abs(value) < 100:
        return "%.1f" % value
    if value == int(value) or abs(value) >= 100:
        return "{:,}".format(int(round(value)))
    if unit == "count":
        return "%.1f" % value  # a median of an even number of runs
    return "%.2f" % value


def spread(results, name, with_range=True):
    """"median (min–max)" of a figure, or "-"."""
    figure = results.get(name)
    if not figure:
        return "-"
    unit = figure["unit"]
    text = fmt(figure["median"], unit)
    if with_range and figure["min"] != figure["max"]:
        text += " (%s–%s)" % (fmt(figure["min"], unit),
                              fmt(figure["max"], unit))
    return text


def ratio_cell(results, ours, base, comparison=None, goal=None):
    value = ratio(results, ours, base)
    if value is None:
        return "-"
    text = "%.3f" % value if value < 10 else "%.1f" % value
    return text


# What measures each figure, as the step of bench/run-all.sh that prints
# it (the first pattern that matches the name without `linux.`).
SOURCES = [
    (r"^boot\.banner_ms\.|^image\.", "boot_bench.py"),
    (r"^http\.tap\.|^boot\.tap\.", "net_bench.py tap"),
    (r"^http\.json_wasm|^boot\.json_wasm\.", "net_bench.py json_wasm"),
    (r"^http\.json|^boot\.json\.", "net_bench.py json"),
    (r"^http\.|^boot\.first_200_ms$", "net_bench.py user"),
    (r"^mem\.", "net_bench.py mem"),
    (r"^cli\.", "cli_bench.py"),
    (r"^control\.uart\.", "control_bench.py --transport uart"),
    (r"^control\.", "control_bench.py --transport vcon"),
]


def source(name):
    if name.startswith("linux."):
        bare = name[len("linux."):]
        for pattern, step in SOURCES:
            if re.search(pattern, bare):
                return step
        return "linux_bench.py"
    for pattern, step in SOURCES:
        if re.search(pattern, name):
            return step
    return "kernel_bench.py"


def plot(results, run, path_png, suffix, ylabel, title, logy):
    """A gnuplot PNG of the figure http.PATH.cN.SUFFIX against N: FTL and
    Linux on each path, medians with min-max bars. False without gnuplot."""
    conns = levels(results)
    series = []
    for path, _ in PATHS:
        for prefix, who in (("", "FTL"), ("linux.", "Linux")):
            rows = []
            for c in conns:
                figure = results.get("%shttp.%s.c%d.%s" % (prefix, path, c,
                                                           suffix))
                if figure:
                    rows.append((c, figure["median"], figure["min"],
                                 figure["max"]))
            if rows:
                series.append(("%s, %s" % (who, path), who, path, rows))
    if not series:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        lines = []
        for i, (label, who, path, rows) in enumerate(series):
            data = os.path.join(tmp, "%d.dat" % i)
            # Each series a little to the side, so that bars do not hide
            # each other.
            nudge = 1 + 0.025 * (i - (len(series) - 1) / 2)
            with open(data, "w") as f:
                for row in rows:
                    # A log axis has no 0: such a median shows at the floor.
                    f.write("%g %g %g %g\n" % tuple(
                        [row[0] * nudge] + [max(v, 0.01) if logy else v
                                            for v in row[1:]]))
            color = "#1f5fa8" if who == "FTL" else "#d9731a"
            dash = 1 if path == "tap" else 2
            point = 7 if path == "tap" else 5
            lines.append(
                "'%s' using 1:2:3:4 with yerrorlines lw 2 dt %d pt %d "
                "ps 1.2 lc rgb '%s' title '%s'" % (data, dash, point, color,
                                                     label))
        label = "%s, %s, QEMU %s, %s" % (
            run.get("date", "?"), run.get("host_cpu", "?"),
            qemu_short(run), run.get("accelerator", "?").upper())
        script = "\n".join([
            "set terminal pngcairo size 900,520 font 'sans,10'",
            "set output '%s'" % path_png,
            "set title \"%s\\n{/*0.8 %s; median of %s runs, bars min to max}\""
            % (title, label, run.get("runs", "?")),
            "set logscale x 2",
            "set xtics (%s)" % ", ".join("'%d' %d" % (c, c) for c in conns),
            "set xrange [%g:%g]" % (conns[0] / 1.25, conns[-1] * 1.25),
            "set xlabel 'connections (wrk, keep-alive)'",
            "set ylabel '%s'" % ylabel,
            "set logscale y" if logy else "set yrange [0:*]",
            "set grid",
            "set key outside right top",
            "plot " + ", ".join(lines),
        ])
        done = subprocess.run(["gnuplot"], input=script,
                              universal_newlines=True,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
        if done.returncode != 0:
            print("report: gnuplot failed: %s" % done.stdout.strip())
            return False
    return True


def qemu_short(run):
    m = re.search(r"version (\S+)", run.get("qemu") or "")
    return m.group(1) if m else "?"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def goals_section(results):
    rows = []
    for ours, base, comparison, goal in RATIOS:
        if goal is None or (ours not in results and base not in results):
            continue
        value = ratio(results, ours, base)
        state = met(value, comparison, goal)
        rows.append(["`%s` / `%s`" % (ours, base), spread(results, ours),
                     spread(results, base), ratio_cell(results, ours, base),
                     goal_text(comparison, goal),
                     "-" if state is None else "yes" if state else "no"])
    for name, comparison, bound in ABSOLUTE:
        if name in results:
            state = met(median(results, name), comparison, bound)
            rows.append(["`%s`" % name, spread(results, name),
                         spread(results, "linux." + name), "-",
                         "%s %s" % (comparison, "1 MiB" if bound == MIB
                                    else "%s %s" % (fmt(bound),
                                                    results[name]["unit"])),
                         "yes" if state else "no"])
    for path, _ in PATHS:
        cells = {}
        for prefix in ("", "linux."):
            worst = ["c%d: %s" % (c, fmt(results[n]["max"])) for c in
                     levels(results) for n in
                     ["%shttp.%s.c%d.errors" % (prefix, path, c)]
                     if n in results]
            cells[prefix] = ", ".join(worst) or "-"
        if cells[""] == "-" and cells["linux."] == "-":
            continue
        zero = all(results[n]["max"] == 0 for c in levels(results)
                   for n in ["http.%s.c%d.errors" % (path, c)]
                   if n in results)
        rows.append(["`http.%s.cN.errors` (most in one run)" % path,
                     cells[""], cells["linux."], "-", "0 at every N",
                     "yes" if zero else "no"])
    return table(["figure", "FTL", "Linux", "ratio", "goal", "met"], rows)


def http_tables(results, path):
    conns = levels(results)
    base = "http.%s.c%%d." % path
    main = []
    for c in conns:
        b = base % c
        main.append([
            "%d" % c, spread(results, b + "rps"),
            spread(results, "linux." + b + "rps"),
            ratio_cell(results, b + "rps", "linux." + b + "rps"),
            spread(results, b + "p50_ms"),
            spread(results, "linux." + b + "p50_ms"),
            spread(results, b + "p99_ms"),
            spread(results, "linux." + b + "p99_ms"),
            ratio_cell(results, b + "p99_ms", "linux." + b + "p99_ms")])
    errors = []
    for c in conns:
        b = base % c
        row = ["%d" % c]
        for prefix in ("", "linux."):
            kinds = [fmt(median(results, prefix + b + "errors." + k))
                     for k in ("connect", "read", "write", "timeout")]
            row.append(" / ".join(kinds))
            row.append(spread(results, prefix + b + "errors"))
        row.append("%s / %s" % (spread(results, b + "syn_retrans", False),
                                spread(results, "linux." + b + "syn_retrans",
                                       False)))
        row.append("%s / %s" % (spread(results, b + "rto", False),
                                spread(results, "linux." + b + "rto", False)))
        if path == "tap":
            row.append("%s / %s" % (
                spread(results, b + "tap_drops", False),
                spread(results, "linux." + b + "tap_drops", False)))
        if path == "user":
            row.append("%s / %s" % (
                spread(results, b + "listen_overflows", False),
                spread(results, "linux." + b + "listen_overflows", False)))
        unresponsive = [results.get(p + b + "unresponsive") for p in
                        ("", "linux.")]
        row.append(" / ".join("%d of %d" % (sum(f["runs"]), len(f["runs"]))
                              if f else "-" for f in unresponsive))
        errors.append(row)
    header = ["connections", "FTL errors: connect / read / write / timeout",
              "FTL errors, all", "Linux errors: connect / read / write / "
              "timeout", "Linux errors, all", "SYN retransmits FTL / Linux",
              "retransmission time-outs FTL / Linux"]
    if path == "tap":
        header.append("tap drops FTL / Linux")
    if path == "user":
        header.append("host listen overflows FTL / Linux")
    header.append("runs left unresponsive FTL / Linux")
    return (table(["connections", "FTL req/s", "Linux req/s", "ratio",
                   "FTL p50 ms", "Linux p50 ms", "FTL p99 ms",
                   "Linux p99 ms", "p99 ratio"], main),
            table(header, errors))


def json_table(results, path="json"):
    conns = sorted({int(m.group(1)) for m in (
        re.match(r"^http\.%s\.c(\d+)\." % path, n) for n in results) if m})
    rows = []
    for c in conns:
        b = "http.%s.c%d." % (path, c)
        rows.append(["%d" % c, spread(results, b + "rps"),
                     spread(results, b + "p50_ms"),
                     spread(results, b + "p99_ms"),
                     spread(results, b + "errors"),
                     spread(results, b + "errors.timeout"),
                     spread(results, b + "non2xx")])
    return table(["connections", "req/s", "p50 ms", "p99 ms",
                  "socket errors", "of which time-outs", "non-2xx"], rows)


def all_figures(results):
    names = sorted({n[len("linux."):] if n.startswith("linux.") else n
                    for n in results})
    rows = []
    for name in names:
        ours, base = results.get(name), results.get("linux." + name)
        unit = (ours or base)["unit"]
        runs = "%s / %s" % (len(ours["runs"]) if ours else "-",
                            len(base["runs"]) if base else "-")
        # A ratio of counts (errors, retransmits) says little: none.
        rows.append(["`%s`" % name, unit, spread(results, name),
                     spread(results, "linux." + name),
                     "-" if unit == "count" else
                     ratio_cell(results, name, "linux." + name), runs,
                     "`%s`" % source(name if ours else "linux." + name)])
    return table(["figure", "unit", "FTL median (min–max)",
                  "Linux median (min–max)", "ratio", "runs FTL / Linux",
                  "measured by bench/"], rows)


REPRODUCE = """\
Everything: `make bench` (builds first; about {minutes} minutes here). It
runs the steps below through `bench/run-all.sh`, each holding the QEMU lock
`/tmp/ftl-qemu.lock` while it runs so that no other guest shares the cores,
writes `build/bench/results.json` and `build/bench/run.json`, prints the
ratios, and renders this page (`python3 bench/report.py render` renders it
again from those two files). `FTL_BENCH_RUNS=N` sets the number of runs
(default 5); `FTL_ACCEL=tcg|kvm` the accelerator of both guests.

One step (its figures end up in `build/bench/results.json`, the page is
left as it is): `bench/run-all.sh "net_bench.py tap"`. A script alone prints
one `bench:` line per figure and run: `flock /tmp/ftl-qemu.lock python3
bench/net_bench.py tap`.

| step (`bench/`) | figures | what it does |
|---|---|---|
| `boot_bench.py` | `boot.banner_ms.pvh`, `boot.banner_ms.grub`, `image.bytes`, `image.iso_bytes`, `linux.image.bytes` | boots `build/ftl-kernel.elf` with `build/initfs.tar` through PVH, and `build/ftl.iso` through GRUB, N times each, to the kernel's banner; sizes of what boots (`image.bytes`: kernel ELF plus initfs; Linux: `vmlinuz` plus the initramfs) |
| `kernel_bench.py` | `syscall.*`, `ctxswitch`, `process.*`, `ipc.*`, `loop.*` | boots `tests/os/kernel_bench.c` as the first process, once per run (`FTL_KERNEL_BENCH_BOOTS=1`) |
| `linux_bench.py` | `linux.syscall.*`, `linux.process.*`, `linux.ipc.*`, `linux.boot.init_ms` | boots the Linux guest of `bench/linux/` (`bench/linux/build.sh`: Debian's kernel, busybox, static C programs) once per run (`FTL_LINUX_BOOTS=1`) |
| `net_bench.py user` | `boot.first_200_ms`, `http.rps`, `http.p50_ms`, `http.p99_ms`, `http.user.*` | per run, boots `build/systems/net.tar` (`os/net.yaml`) and then the Linux guest with `ftl.http` on QEMU user networking with guest port 80 forwarded from 127.0.0.1, times the first 200, and runs `wrk -t2 -cN -d{wrk}s --timeout 2s --latency` from the host at each N of {levels}; reads the host's `/proc/net/netstat` before and after each |
| `net_bench.py tap` | `boot.tap.first_200_ms`, `http.tap.*` | as root: creates the namespace `ftl-bench-PID` with the tap `ftlbtap0` (10.0.2.2/24) and dnsmasq leasing 10.0.2.15 to FTL (the Linux guest sets 10.0.2.15/24 itself); QEMU runs inside it with `-netdev tap,ifname=ftlbtap0,script=no,downscript=no -device virtio-net-pci`, and so does wrk, against `http://10.0.2.15/`; the namespace is deleted on every exit. Skipped with a message when not root |
| `net_bench.py mem` | `mem.min_mib` | the smallest `-m` (MiB) with which each guest still serves its page on user networking: bisection over 1..128 in the first run, then whether that size serves and one MiB less does not |
| `net_bench.py json` | `boot.json.first_200_ms`, `http.json_rps`, `http.json_p50_ms`, `http.json_p99_ms`, `http.json.*` | `ftl new jsonbench --template http` and `ftl build` with the SDK of the tree (`build/sdk-root`) under `build/bench/json/`; checks that `GET /hello/bench` answers `{{"hello":"bench"}}` as `application/json`, then per run boots the project's image on user networking and runs the same wrk against that URL at 16, 256 and 1000 connections (FTL only) |
| `net_bench.py json_wasm` | `boot.json_wasm.first_200_ms`, `http.json_wasm_rps`, `http.json_wasm_p50_ms`, `http.json_wasm_p99_ms`, `http.json_wasm.*` | the same as `net_bench.py json` under `build/bench/json_wasm/`, with the project's service switched to `isolation: wasm` before `ftl build`, and the console checked for its start in wasm mode |
| `cli_bench.py` | `cli.new_build_s`, `cli.rebuild_boot_s`, `cli.apply_ms`, `cli.apply_build_ms`, `cli.apply_transfer_ms`, `cli.apply_guest_ms`, `cli.apply_reply_ms` | the SDK tarball of `dist/` unpacked in a temporary folder: `ftl new` plus the first `ftl build`, then an edit and `ftl run --detach` to `system ready`, N times each; then `ftl dev` on an http-template project with the control service, and N edits of its JSON reply, each timed to the new body on the forwarded port (`cli.apply_ms`), split by ftl dev's output as it comes into the rebuild (to its `SEND` line), the transfer (to the supervisor's `apply:` line on the console) and the guest (to the new body); `cli.apply_reply_ms` to the apply's reply (`applied in`) |
| `control_bench.py --transport vcon`, `--transport uart` | `control.vcon.*`, `control.uart.*`, `control.apply_bytes` | boots `build/systems/control.tar` with the control channel on a virtio console, then on COM2, and times N requests with a 590 KiB tail (`in_ms`, `in_mib_s`: the transport alone) and N applies of a bundle of that size made of the running image's own files (`apply_ms`) |

Raw wrk output of every run: `build/bench/net/PATH-GUEST-cN-runR.txt`;
each step's output: `build/bench/steps/`; console logs of guests that
failed: `build/test-logs/`.
"""

NAMES = """\
`bench: NAME VALUE UNIT` lines (DESIGN.md, "Output conventions"); the Linux
guest's figures carry the prefix `linux.` on the same name. The network
figures per path and connection count are `http.PATH.cN.WHAT`:

| part | values |
|---|---|
| `PATH` | `user`: QEMU user networking (slirp), port forwarded from 127.0.0.1; `tap`: a tap in a network namespace the benchmark creates |
| `cN` | N concurrent wrk connections (keep-alive): `c16` ... `c1000` |
| `WHAT` | `rps` requests/s; `p50_ms`, `p99_ms` latency percentiles; `errors` all of wrk's socket errors, and `errors.connect`, `errors.read`, `errors.write`, `errors.timeout` its four counts (`Socket errors: connect N, read N, write N, timeout N`; wrk counts a connection the server closed or reset as a read error, and an answer slower than 2 s as a time-out); `non2xx` answers other than 2xx/3xx; `syn_retrans` SYN retransmissions of the client's side (TcpExt `TCPSynRetrans` of the host, or of the namespace) during the run; `rto` the client side's retransmission time-outs (TcpExt `TCPTimeouts`) during the run; `tap_drops` (tap path only) frames the host's tap dropped on their way to the guest (its TX `dropped`); `listen_overflows` (user path only) the host's TcpExt `ListenOverflows` during the run, that is slirp's listening socket overflowing; `unresponsive` 1 if the guest did not answer a GET within 10 s after the run (it is then booted again) |

`http.rps`, `http.p50_ms` and `http.p99_ms` stay what they were, the
16-connection figures on user networking (`http.user.c16.*`), so that
history compares. `PATH` `json` is the user path to the JSON endpoint
of a project made from the http template (`GET /hello/bench`), with
`http.json_rps`, `http.json_p50_ms` and `http.json_p99_ms` its
16-connection figures; `json_wasm` the same endpoint with the service
built as WebAssembly (`http.json_wasm_rps`...). `boot.first_200_ms` is timed on user networking,
`boot.tap.first_200_ms` on the tap (FTL's includes its DHCP exchange with
dnsmasq). Counts have the unit `count`. Each figure is measured once per
run; `build/bench/results.json` holds `{{"NAME": {{"min", "median", "max",
"runs": [...], "unit"}}}}`, and `build/bench/run.json` what it was measured
on.
"""

USER_NOTE = """\
QEMU's user networking (libslirp, in QEMU {qemu}) listens on each forwarded
port with a backlog of 1 (`ss -ltn` shows Send-Q 1 on QEMU's
127.0.0.1:PORT socket), so a burst of connects overflows it whichever guest
is behind it: the host drops SYNs (`listen_overflows`) and wrk's kernel
resends them after 1 s and 3 s (`syn_retrans`), which wrk reports as a
latency tail of 1 to 3 s, or as time-outs. That is a limit of QEMU's user
networking, not of the guest; the tap path below has no slirp in the way.
"""

STALL_NOTE = """**A guest left unresponsive** (last column) stopped answering during or
after that run and was booted again for the next level; that run's
figures are what wrk measured, stall included, so they pull the median
down. When the Linux guest does this on user networking, its console
shows `virtio_net virtio0 eth0: NETDEV WATCHDOG: CPU: 0: transmit queue 0
timed out`: its virtio-net transmit queue is stuck, which the tap path's
column shows or not for the same guest. Read such medians, and a ratio
built on them, with
that in mind; the tap path compares the guests without it.
"""


def render_page(results, run):
    conns = levels(results)
    minutes = max(1, round(run.get("duration_s", 0) / 60))
    guest = "; ".join(run.get("linux_guest", [])) or "?"
    parts = [
        "# Benchmarks",
        "",
        "<!-- Written by bench/report.py from build/bench/results.json and "
        "run.json (make bench): change the renderer, not this page. -->",
        "",
        "FTL beside the Linux guest of `bench/linux/` (Debian's kernel and a "
        "busybox initramfs), measured in the same run, in the same QEMU with "
        "the same accelerator. Absolute figures under TCG say little; the "
        "same-run ratios against Linux are what count (DESIGN.md). Every "
        "figure is the median of %s runs, with the smallest and largest in "
        "brackets; goals are the issues', shown as met or not, never as a "
        "pass or a fail." % run.get("runs", "?"),
        "",
        "**Measured on %s** (started %s, %d min) by `make bench` at "
        "commit `%s`:" % (run.get("date", "?"), run.get("started", "?"),
                          minutes, run.get("commit", "?")),
        "",
        "- host: %s; %s" % (run.get("host_cpu", "?"),
                            run.get("host_kernel", "?")),
        "- %s; accelerator: **%s** for both guests, 1 vCPU, 128 MiB" % (
            run.get("qemu", "QEMU ?"), run.get("accelerator", "?").upper()),
        "- Linux guest: %s" % guest,
        "- load generator: %s, 2 threads" % (run.get("wrk") or "wrk"),
    ]
    if run.get("failed"):
        parts += ["- **steps that failed in this run**: " +
                  "; ".join(run["failed"])]
    parts += ["", "## Goals", "", goals_section(results), ""]
    if conns:
        parts += [
            "## HTTP against connections", "",
            "wrk against the index page (keep-alive, %s connections, one "
            "boot of each guest per path and run for all levels); FTL is "
            "`os/net.yaml` (virtio_net, tcpip, http_server), Linux serves the "
            "same bytes with `bench/linux/http_server.c`." % ", ".join(
                "%d" % c for c in conns), "",
            "![Requests per second against connections, FTL and Linux, both "
            "paths](benchmarks/http-rps.png)", "",
            "![p99 latency against connections, FTL and Linux, both paths]"
            "(benchmarks/http-p99.png)", ""]
        for path, title in PATHS:
            if not any(n.startswith("http.%s." % path) or
                       n.startswith("linux.http.%s." % path)
                       for n in results):
                parts += ["### %s" % title.capitalize(), "",
                          "Not measured in this run (the tap path needs "
                          "root).", ""]
                continue
            main, errors = http_tables(results, path)
            parts += ["### %s" % title.capitalize(), ""]
            if path == "user":
                parts += [USER_NOTE.format(qemu=qemu_short(run))]
            parts += [main, "", errors, ""]
            if any(sum(results[n]["runs"]) for c in conns for p in
                   ("", "linux.") for n in
                   ["%shttp.%s.c%d.unresponsive" % (p, path, c)]
                   if n in results):
                parts += [STALL_NOTE]
    if any(n.startswith("http.json.") for n in results):
        parts += ["## The http template's JSON endpoint", "",
                  "wrk against `GET /hello/bench` of a project made with "
                  "`ftl new --template http` and built with the SDK "
                  "(`net_bench.py json`; FTL only, user networking):", "",
                  json_table(results), ""]
    if any(n.startswith("http.json_wasm.") for n in results):
        parts += ["## The same endpoint as a WebAssembly service", "",
                  "The same project with its service's spec saying "
                  "`isolation: wasm` (`net_bench.py json_wasm`; FTL only, "
                  "user networking):", "",
                  json_table(results, "json_wasm"), ""]
    parts += ["## All figures", "",
              "<details><summary>%d figures (FTL and Linux side by side)"
              "</summary>" % len(results), "", all_figures(results), "",
              "</details>", "",
              "## Figure names", "", NAMES,
              "## How to reproduce", "",
              REPRODUCE.format(minutes=minutes,
                               wrk=os.environ.get("FTL_BENCH_WRK_SECONDS",
                                                  "5"),
                               levels=", ".join("%d" % c for c in conns)
                               or "16, 64, 256, 1000")]
    return "\n".join(parts)


def cmd_render(args):
    results, run = load()
    os.makedirs(PLOTS, exist_ok=True)
    try:
        subprocess.run(["gnuplot", "--version"], stdout=subprocess.DEVNULL,
                       check=True)
        have_gnuplot = True
    except (OSError, subprocess.CalledProcessError):
        print("report: gnuplot is not installed (scripts/setup-host.sh); "
              "plots not redrawn")
        have_gnuplot = False
    if have_gnuplot and levels(results):
        plot(results, run, os.path.join(PLOTS, "http-rps.png"), "rps",
             "requests per second", "Requests per second", False)
        plot(results, run, os.path.join(PLOTS, "http-p99.png"), "p99_ms",
             "p99 latency (ms, log scale)", "p99 latency", True)
    with open(PAGE, "w") as f:
        f.write(render_page(results, run))
    print("report: %s" % os.path.relpath(PAGE, ROOT))


def main():
    commands = {"repeats": cmd_repeats, "collect": cmd_collect,
                "ratios": cmd_ratios, "render": cmd_render}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
