// {{name}}: a driver for PCI device {{vendor}}:{{device}}. Its spec grants
// it the device; it asks the supervisor for it (OPEN device/0: the first
// device its spec names), describes it, maps its first memory BAR and
// reads the first register there. Then it serves GETATTR "pci" to other
// services. Make the device do real work from here: ftl/pci.h (BARs,
// configuration space, bus mastering), ftl/dma.h, ftl/interrupt.h.
#include <stdio.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/pci.h>
#include <ftl/process.h>
#include <ftl/server.h>
#include <ftl/vmarea.h>

static struct ftl_pci_info info;

// Maps the first memory BAR and reads its first 32-bit register.
static void device_probe(ftl_handle_t device)
{
    for (unsigned bar = 0; bar < FTL_PCI_BARS; bar++) {
        const struct ftl_pci_bar *b = &info.bars[bar];
        if (b->size == 0 || (b->flags & FTL_PCI_BAR_IO) != 0) {
            continue;
        }
        int err = 0;
        volatile uint32_t *regs = ftl_vmarea_map(
            ftl_pci_map_bar(device, bar), FTL_PROT_READ | FTL_PROT_WRITE, &err);
        if (regs == NULL) {
            FTL_LOG_ERROR("BAR %u: %s", bar, ftl_error_str(err));
            return;
        }
        printf("BAR %u: %lu KiB of registers; the first reads 0x%08x\n", bar,
               (unsigned long)(b->size / 1024), (unsigned)regs[0]);
        return;
    }
    printf("no memory BAR\n");
}

static void on_device(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        FTL_LOG_ERROR("device/0: %s", ftl_error_str(result->error));
        return;
    }
    if (ftl_pci_info(result->handle, &info) < 0) {
        FTL_LOG_ERROR("no PCI information");
        return;
    }
    printf("found %04x:%04x at %02x:%02x.%x\n", info.vendor, info.device,
           info.bus, info.slot, info.function);
    device_probe(result->handle);
}

// GETATTR "pci": the device's IDs, as "vendor:device".
static void on_getattr(struct ftl_request *req, const char *name)
{
    char value[16];
    if (strcmp(name, "pci") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    snprintf(value, sizeof(value), "%04x:%04x", info.vendor, info.device);
    ftl_request_reply(req, 0, value, strlen(value));
}

// ftl generate handler: declarations above this line

static const struct ftl_server_ops ops = {
    .on_getattr = on_getattr,
    // ftl generate handler: registrations above this line
};

int main(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_server *server = ftl_server_create(loop, &ops, NULL);
    if (server == NULL ||
        ftl_server_serve(server, ftl_start_info->channel, NULL) < 0) {
        FTL_LOG_ERROR("no service channel to serve");
        return 1;
    }
    struct ftl_client *supervisor =
        ftl_server_client(server, ftl_start_info->channel);
    if (supervisor == NULL ||
        ftl_client_open(supervisor, "device/0", on_device, NULL) < 0) {
        FTL_LOG_ERROR("cannot ask for device/0");
        return 1;
    }
    // ftl generate client: calls above this line
    return ftl_loop_run(loop);
}
