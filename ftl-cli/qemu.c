// QEMU command lines and the KVM probe (qemu.h).
#include "qemu.h"

#include "files.h"
#include "output.h"
#include "proc.h"
#include "sdk.h"
#include "text.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define QEMU "qemu-system-x86_64"
#define PROBE_TIMEOUT_S 8
#define ARGS_MAX 96

// PCI devices a spec may claim that QEMU can emulate: `ftl run` gives the
// machine every one the manifest claims, so a driver's spec is enough to
// get its hardware. Network cards share the user-mode network (and its
// port forwarding).
struct emulated {
    uint16_t vendor, device;
    const char *qemu_device;
    bool is_nic;
};

static const struct emulated emulated_devices[] = {
    {0x1234, 0x11e8, "edu", false},             // QEMU's educational device
    {0x1af4, 0x1000, "virtio-net-pci", true},   // virtio network card
    {0x8086, 0x100e, "e1000", true},            // Intel 82540EM
    // The entropy device virtio_rng drives, fed from the host's
    // /dev/urandom (its modern-only twin, 0x1044, is a second claim of
    // the same spec: one device is enough).
    {0x1af4, 0x1005, "virtio-rng-pci", false},
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Arguments every boot shares: machine, no display or monitor, and the
// isa-debug-exit port through which `ftl.test` boots end QEMU.
static int base_args(char **argv, const char *accel, unsigned long mib)
{
    int n = 0;
    argv[n++] = QEMU;
    argv[n++] = "-accel";
    argv[n++] = (char *)accel;
    argv[n++] = "-cpu";
    argv[n++] = strcmp(accel, "kvm") == 0 ? "host" : "max";
    argv[n++] = "-m";
    argv[n++] = str_printf("%luM", mib);
    argv[n++] = "-nodefaults";
    argv[n++] = "-no-reboot";
    argv[n++] = "-display";
    argv[n++] = "none";
    argv[n++] = "-monitor";
    argv[n++] = "none";
    argv[n++] = "-device";
    argv[n++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
    return n;
}

// Boots the kernel with the probe initfs in test mode; the seconds it took
// if it printed the banner and ended with status 0, else -1.
static double probe_boot(const char *accel)
{
    char *argv[ARGS_MAX];
    int n = base_args(argv, accel, 128);
    char *extra[] = {"-serial", "stdio", "-kernel",
                     sdk_path("base/ftl-kernel.elf"), "-initrd",
                     sdk_path("base/probe-initfs.tar"), "-append",
                     "ftl.test ftl.init=hello.elf", NULL};
    for (char **e = extra; *e != NULL; e++) {
        argv[n++] = *e;
    }
    argv[n] = NULL;
    char *out = NULL;
    // QEMU's own complaints about KVM (stderr) are expected here: the
    // probe is how we learn that KVM does not work.
    struct proc_options opt = {
        .log = "/dev/null", .capture = &out, .timeout_s = PROBE_TIMEOUT_S};
    double started = now_s();
    int status = proc_run(argv, &opt);
    regex_t banner;
    regcomp(&banner, "^\r*FTL [0-9]+\\.[0-9]+\\.[0-9]+ ",
            REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
    bool ok = status == 1 && out != NULL && regexec(&banner, out, 0, NULL, 0) == 0;
    regfree(&banner);
    return ok ? now_s() - started : -1; // status 1: (test status 0 << 1) | 1
}

double qemu_probe_kvm(void)
{
    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        return -1;
    }
    double kvm = probe_boot("kvm");
    if (kvm < 0) {
        return -2;
    }
    double tcg = probe_boot("tcg");
    return tcg < 0 || kvm <= tcg ? kvm : -2;
}

// The probe's cache file and the kernel's stamp (size and mtime) it is
// valid for.
static char *cache_path(void)
{
    const char *home = getenv("HOME");
    const char *xdg = getenv("XDG_CACHE_HOME");
    char *dir = xdg != NULL && xdg[0] != '\0'
                    ? path_join(xdg, "ftl")
                    : path_join(home != NULL ? home : "/tmp", ".cache/ftl");
    return path_join(dir, "accel-probe");
}

static char *kernel_stamp(void)
{
    char *kernel = sdk_path("base/ftl-kernel.elf");
    return str_printf("%lld-%lld", file_size(kernel),
                      (long long)file_mtime(kernel));
}

const char *qemu_accel(const char *forced)
{
    if (forced == NULL || forced[0] == '\0') {
        forced = getenv("FTL_ACCEL");
    }
    if (forced != NULL && forced[0] != '\0') {
        if (strcmp(forced, "tcg") != 0 && strcmp(forced, "kvm") != 0) {
            out_error(2, "use tcg or kvm", "unknown accelerator \"%s\"",
                      forced);
            return NULL;
        }
        return forced;
    }
    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        return "tcg";
    }
    char *cache = cache_path(), *stamp = kernel_stamp();
    char *cached = file_read(cache);
    char want[128];
    if (cached != NULL && sscanf(cached, "%127s", want) == 1 &&
        strcmp(want, stamp) == 0) {
        return strstr(cached, " kvm") != NULL ? "kvm" : "tcg";
    }
    out_step("PROBE", "does KVM run this kernel? (once per SDK)");
    const char *accel = qemu_probe_kvm() >= 0 ? "kvm" : "tcg";
    dir_create(path_dir(cache));
    file_replace(cache, str_printf("%s %s\n", stamp, accel));
    return accel;
}

// Adds the network: user-mode networking with the port forwards, to
// 127.0.0.1 only, on the NIC the specs claim (virtio-net when none does).
static int net_args(char **argv, int n, const struct qemu_config *c,
                    const char *nic)
{
    char *netdev = str_printf("user,id=net0");
    for (unsigned i = 0; i < c->port_count; i++) {
        netdev = str_printf("%s,hostfwd=%s:127.0.0.1:%u-:%u", netdev,
                            c->ports[i].udp ? "udp" : "tcp",
                            c->ports[i].host, c->ports[i].guest);
    }
    argv[n++] = "-netdev";
    argv[n++] = netdev;
    argv[n++] = "-device";
    argv[n++] = str_printf("%s,netdev=net0", nic != NULL ? nic
                                                         : "virtio-net-pci");
    return n;
}

// Adds the devices the manifest claims; *nic is set to the network card
// among them (only one gets the network).
static int device_args(char **argv, int n, const struct ftl_manifest *m,
                       const char **nic)
{
    for (unsigned i = 0; i < m->service_count; i++) {
        const struct ftl_manifest_service *s = &m->services[i];
        for (unsigned d = 0; d < s->device_count; d++) {
            const struct ftl_manifest_device *dev = &s->devices[d];
            for (size_t e = 0; dev->kind == FTL_DEVICE_PCI &&
                               e < sizeof(emulated_devices) /
                                       sizeof(emulated_devices[0]);
                 e++) {
                const struct emulated *em = &emulated_devices[e];
                if (em->vendor != dev->vendor || em->device != dev->device) {
                    continue;
                }
                if (em->is_nic && *nic == NULL) {
                    *nic = em->qemu_device;
                } else if (!em->is_nic && n < ARGS_MAX - 20) {
                    argv[n++] = "-device";
                    argv[n++] = (char *)em->qemu_device;
                }
            }
        }
    }
    return n;
}

// Adds the control channel's host end (docs/reference/control-protocol.md)
// as a listening Unix socket: port 0 of a virtio console with one port
// (no MULTIPORT), a hundred times faster than a UART for `ftl apply`; or,
// with FTL_CONTROL=uart, COM2 (the second -serial, after the console's),
// the transport Google Compute Engine gives, to try that path locally.
// wait=off: QEMU boots without a client, and takes one when it comes. A
// path too long for a socket is left out, with a warning.
static int control_args(char **argv, int n, const char *path)
{
    struct sockaddr_un addr;
    if (strlen(path) >= sizeof(addr.sun_path)) {
        out_warn("no control channel (`ftl status`, `ftl logs`): its socket's "
                 "path is over %zu bytes: %s",
                 sizeof(addr.sun_path) - 1, path);
        return n;
    }
    // QEMU's option syntax: a comma in a value is written twice.
    char *escaped = calloc(2 * strlen(path) + 1, 1), *to = escaped;
    for (const char *at = path; escaped != NULL && *at != '\0'; at++) {
        *to++ = *at;
        if (*at == ',') {
            *to++ = ',';
        }
    }
    if (escaped == NULL) {
        return n;
    }
    argv[n++] = "-chardev";
    argv[n++] =
        str_printf("socket,id=control,path=%s,server=on,wait=off", escaped);
    const char *kind = getenv("FTL_CONTROL");
    if (kind != NULL && strcmp(kind, "uart") == 0) {
        argv[n++] = "-serial";
        argv[n++] = "chardev:control";
        return n;
    }
    argv[n++] = "-device";
    argv[n++] = "virtio-serial-pci,max_ports=1";
    argv[n++] = "-device";
    argv[n++] = "virtconsole,chardev=control";
    return n;
}

char **qemu_argv(const struct qemu_config *c)
{
    char **argv = calloc(ARGS_MAX, sizeof(*argv));
    int n = base_args(argv, c->accel, c->memory_mib);
    const char *nic = NULL;
    n = device_args(argv, n, &c->img->manifest, &nic);
    if (nic != NULL || c->port_count > 0) {
        n = net_args(argv, n, c, nic);
    }
    char *rest[] = {"-serial", (char *)c->serial, "-kernel", c->img->kernel,
                    "-initrd", c->img->initfs, "-append", c->img->cmdline,
                    NULL};
    for (char **r = rest; *r != NULL; r++) {
        argv[n++] = *r;
    }
    if (c->control != NULL) {
        n = control_args(argv, n, c->control);
    }
    if (c->pidfile != NULL) {
        argv[n++] = "-pidfile";
        argv[n++] = (char *)c->pidfile;
    }
    if (c->daemonize) {
        argv[n++] = "-daemonize";
    }
    if (c->gdb_port != 0) {
        argv[n++] = "-gdb";
        argv[n++] = str_printf("tcp:127.0.0.1:%u", c->gdb_port);
    }
    if (c->gdb_wait) {
        argv[n++] = "-S";
    }
    argv[n] = NULL;
    return argv;
}

char *qemu_ports_describe(const struct qemu_config *c)
{
    char *text = NULL;
    for (unsigned i = 0; i < c->port_count; i++) {
        text = str_printf("%s%s127.0.0.1:%u -> guest %u/%s",
                          text != NULL ? text : "", text != NULL ? ", " : "",
                          c->ports[i].host, c->ports[i].guest,
                          c->ports[i].udp ? "udp" : "tcp");
    }
    return text;
}
