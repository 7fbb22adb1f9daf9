// One line per value, services in start order. The parser refuses unknown
// keys, so a key added here needs FTL_MANIFEST_FORMAT raised there.
#include "manifest_out.h"

static const char *const isolation_names[] = {
    [FTL_MANIFEST_ISOLATION_USER] = "user",
    [FTL_MANIFEST_ISOLATION_KERNEL] = "kernel",
    [FTL_MANIFEST_ISOLATION_WASM] = "wasm",
};

static const char *const restart_names[] = {
    [FTL_RESTART_ALWAYS] = "Always",
    [FTL_RESTART_ON_FAILURE] = "OnFailure",
    [FTL_RESTART_NEVER] = "Never",
};

static void device_write(FILE *f, const struct ftl_manifest_device *d)
{
    switch (d->kind) {
    case FTL_DEVICE_PCI:
        fprintf(f, "device pci 0x%04x 0x%04x %u\n", d->vendor, d->device,
                d->index);
        return;
    case FTL_DEVICE_IRQ:
        fprintf(f, "device irq %u\n", d->irq);
        return;
    case FTL_DEVICE_IOPORTS:
        fprintf(f, "device ioports 0x%x %u\n", d->port_base, d->port_count);
        return;
    }
}

static void service_write(FILE *f, const struct service *svc)
{
    fprintf(f, "\nservice %s\n", svc->name);
    fprintf(f, "binary %s\n", svc->binary);
    fprintf(f, "isolation %s\n", isolation_names[svc->isolation]);
    fprintf(f, "restart %s\n", restart_names[svc->restart]);
    fprintf(f, "memory %llu\n", (unsigned long long)svc->memory);
    fprintf(f, "handles %u\n", svc->handles);
    for (unsigned i = 0; i < svc->requires_count; i++) {
        fprintf(f, "requires %s\n", svc->requires[i].name);
    }
    for (unsigned i = 0; i < svc->provides_count; i++) {
        fprintf(f, "provides %s\n", svc->provides[i].name);
    }
    for (unsigned i = 0; i < svc->device_count; i++) {
        device_write(f, &svc->devices[i].dev);
    }
    for (unsigned i = 0; i < svc->file_count; i++) {
        fprintf(f, "file %s\n", svc->files[i]);
    }
    for (unsigned i = 0; i < svc->envc; i++) {
        fprintf(f, "env %s=%s\n", svc->env[i].key, svc->env[i].value);
    }
    for (unsigned i = 0; i < svc->argc; i++) {
        fprintf(f, "arg %s\n", svc->args[i]);
    }
    fprintf(f, "end\n");
}

void manifest_write(FILE *f, const struct system *sys)
{
    fprintf(f,
            "# FTL boot manifest (docs/reference/manifest.md), written by "
            "ftl-spec\n# from %s: edit the specs, not this file.\n",
            sys->file);
    fprintf(f, "ftl-manifest %d\n", FTL_MANIFEST_FORMAT);
    fprintf(f, "system %s\n", sys->name);
    if (sys->settings.cmdline[0] != '\0') {
        fprintf(f, "cmdline %s\n", sys->settings.cmdline);
    }
    fprintf(f, "services %u\n", sys->service_count);
    for (unsigned i = 0; i < sys->service_count; i++) {
        service_write(f, &sys->services[sys->order[i]]);
    }
}
