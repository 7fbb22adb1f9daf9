// Run settings shared by run, dev and test (runcfg.h).
#include "runcfg.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "text.h"

#include <string.h>

int run_args_option(struct run_args *a, int c, const char *arg,
                    const char *usage)
{
    unsigned long mib;
    switch (c) {
    case 'a':
        if (strcmp(arg, "tcg") != 0 && strcmp(arg, "kvm") != 0) {
            return -out_usage_error(usage, "--accel takes tcg or kvm, not "
                                           "\"%s\"", arg);
        }
        a->accel = arg;
        return 1;
    case 'm':
        if (!memory_parse_mib(arg, &mib)) {
            return -out_usage_error(usage, "--memory takes a size of at least "
                                           "16 MiB (256M, 1G), not \"%s\"",
                                    arg);
        }
        a->memory = arg;
        return 1;
    case 'p': {
        struct port *port = &a->ports[a->port_count];
        if (a->port_count == SETTINGS_PORTS_MAX ||
            !port_parse(arg, &port->host, &port->guest, &port->udp)) {
            return -out_usage_error(usage, "--port takes HOST:GUEST with "
                                           "ports 1-65535 (8080:80), not "
                                           "\"%s\"", arg);
        }
        a->port_count++;
        return 1;
    }
    default:
        return 0;
    }
}

// Adds port unless its host port and protocol are already forwarded (the
// command line comes first, so it wins over ftl.yaml).
static void port_add(struct qemu_config *c, const struct port *port)
{
    for (unsigned i = 0; i < c->port_count; i++) {
        if (c->ports[i].host == port->host && c->ports[i].udp == port->udp) {
            return;
        }
    }
    c->ports[c->port_count++] = *port;
}

int run_config(const struct project *p, const struct image *img,
               const struct run_args *a, struct qemu_config *c)
{
    static struct settings s;
    int err = spec_settings(p, p->ftl_yaml, &s);
    if (err != 0) {
        return err;
    }
    *c = (struct qemu_config){.img = img,
                              .memory_mib = s.memory_mib,
                              .control =
                                  path_join(p->build, "run/control.sock")};
    if (a->memory != NULL) {
        memory_parse_mib(a->memory, &c->memory_mib);
    }
    for (unsigned i = 0; i < a->port_count; i++) {
        port_add(c, &a->ports[i]);
    }
    for (unsigned i = 0; i < s.port_count; i++) {
        port_add(c, &s.ports[i]);
    }
    c->accel = qemu_accel(a->accel);
    return c->accel != NULL ? 0 : EXIT_USAGE;
}
