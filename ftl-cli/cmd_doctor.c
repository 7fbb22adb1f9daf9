// ftl doctor: checks what ftl needs on this machine, and for each problem
// prints the command that fixes it. The KVM check is a real probe boot of
// the SDK's kernel: /dev/kvm opening proves nothing (qemu.h).
#include "commands.h"
#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "proc.h"
#include "qemu.h"
#include "sdk.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: ftl doctor\n\n"
    "Checks the SDK, the compiler, make, strip, ftl-spec and libyaml, QEMU,\n"
    "whether KVM really runs FTL (a probe boot; otherwise TCG is used), the\n"
    "GRUB tools for ISOs and tar; prints a fix for each problem. Exit status\n"
    "0 when everything needed is there, 5 otherwise. gdb (for ftl run --gdb)\n"
    "and the WebAssembly tools (for isolation: wasm) are only noted when\n"
    "missing.\n\n"
    "  -h, --help  this help\n";

static unsigned problems;

static void report(bool ok, const char *what, const char *fix)
{
    if (ok) {
        out_ok("  ok    %s", what);
        return;
    }
    problems++;
    out_error(EXIT_ENV, fix, "%s", what);
}

// Whether argv runs and exits with status `want`.
static bool runs(char *const argv[], int want)
{
    struct proc_options opt = {.log = "/dev/null", .timeout_s = 20};
    return proc_run(argv, &opt) == want;
}

static const char apt[] = "sudo apt-get install ";

static void check_toolchain(void)
{
    char *gcc[] = {"gcc", "-print-libgcc-file-name", NULL};
    report(runs(gcc, 0), "C compiler (gcc)",
           str_printf("%sgcc", apt));
    char *make[] = {"make", "--version", NULL};
    report(runs(make, 0), "GNU make", str_printf("%smake", apt));
    char *strip[] = {"strip", "--version", NULL};
    report(runs(strip, 0), "strip (binutils): programs are packed stripped",
           str_printf("%sbinutils", apt));
    char *tar[] = {"tar", "--sort=name", "-cf", "/dev/null", "-T",
                   "/dev/null", NULL};
    report(runs(tar, 0), "GNU tar (1.28 or later)", str_printf("%star", apt));
    // ftl-spec links libyaml dynamically: the loader fails with 127 when it
    // is missing; a bad command line (2) proves it started.
    char *spec[] = {sdk_path("bin/ftl-spec"), NULL};
    report(runs(spec, 2), "ftl-spec runs (needs libyaml)",
           str_printf("%slibyaml-0-2", apt));
}

static void check_sdk(void)
{
    const char *parts[] = {"base/ftl-kernel.elf", "base/supervisor.elf",
                           "base/grub.cfg",       "base/probe-initfs.tar",
                           "lib/libftl.a",        "lib/libc.a",
                           "include/ftl/loop.h",  "mk/service.mk",
                           "templates/service",   NULL};
    bool ok = true;
    for (const char **p = parts; *p != NULL; p++) {
        if (!path_exists(sdk_path(*p))) {
            out_info("        missing: %s", sdk_path(*p));
            ok = false;
        }
    }
    report(ok, str_printf("SDK %s at %s (prebuilt base and libraries: no "
                          "download needed)", sdk_version(), sdk_root()),
           "unpack the SDK tarball again (or `make sdk` in the source tree)");
}

static void check_qemu(void)
{
    char *qemu[] = {"qemu-system-x86_64", "--version", NULL};
    bool ok = runs(qemu, 0);
    report(ok, "QEMU (qemu-system-x86_64)",
           str_printf("%sqemu-system-x86 seabios", apt));
    if (!ok) {
        return;
    }
    out_info("  ...   probing KVM with a test boot (up to %d s)", 16);
    double kvm = qemu_probe_kvm();
    if (kvm >= 0) {
        out_ok("  ok    KVM runs FTL (probe boot in %.1f s): ftl run uses it",
               kvm);
    } else {
        out_info("  note  KVM %s: ftl run uses TCG (slower, works "
                 "everywhere)",
                 kvm == -1 ? "is not available (no access to /dev/kvm)"
                           : "does not run FTL well here (probe boot failed "
                             "or was slower than TCG)");
    }
}

static void check_grub(void)
{
    char *grub[] = {"grub-mkrescue", "--version", NULL};
    report(runs(grub, 0) && path_is_dir("/usr/lib/grub/i386-pc"),
           "GRUB tools for ISOs (grub-mkrescue, BIOS modules)",
           str_printf("%sgrub-pc-bin grub-common", apt));
    report(proc_in_path("xorriso") && proc_in_path("mformat"),
           "xorriso and mtools (grub-mkrescue needs them)",
           str_printf("%sxorriso mtools", apt));
}

// gdb is needed by `ftl run --gdb` only: its absence is a note, not a
// problem.
static void check_gdb(void)
{
    if (proc_in_path("gdb")) {
        out_ok("  ok    gdb (ftl run --gdb)");
    } else {
        out_info("  note  no gdb: `ftl run --gdb` needs it (%sgdb)", apt);
    }
}

// Services with `isolation: wasm` need clang, wasm-ld, wasi-libc and wabt
// on the host (docs/guides/wasm.md); most projects have none, so a missing
// tool is a note. The build itself names what is missing, and checks the
// wasm2c version against the SDK's runtime.
static void check_wasm(void)
{
    bool ok = proc_in_path("clang-14") && proc_in_path("wasm-ld-14") &&
              proc_in_path("wasm2c") && proc_in_path("wasm-objdump") &&
              path_exists("/usr/lib/wasm32-wasi/libc.a");
    if (ok) {
        out_ok("  ok    WebAssembly tools (isolation: wasm)");
    } else {
        out_info("  note  no WebAssembly tools: services with isolation: wasm "
                 "need them (%sclang-14 lld-14 wasi-libc "
                 "libclang-rt-14-dev-wasm32 wabt)",
                 apt);
    }
}

int cmd_doctor(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
                     strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (argc > 1) {
        return out_usage_error(usage, "unexpected argument \"%s\"", argv[1]);
    }
    check_sdk();
    check_toolchain();
    check_qemu();
    check_grub();
    check_gdb();
    check_wasm();
    if (problems > 0) {
        out_info("%u problem%s: fix %s and run `ftl doctor` again", problems,
                 problems == 1 ? "" : "s", problems == 1 ? "it" : "them");
        return EXIT_ENV;
    }
    out_ok("everything ftl needs is here");
    return EXIT_OK;
}
