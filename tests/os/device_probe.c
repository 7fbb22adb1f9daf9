// A stand-in driver for the device tests: it takes one GETATTR request on
// its start channel, does what arg0 asks with the handle that came with it
// (its grant) and replies GETATTR_REPLY (arg0: a result, body: data) or
// ERROR_REPLY. Without the right grant it fails or, touching an I/O port it
// was not given, is killed; that is what the tests check.
//   PROBE_MAC:  enables the I/O port handle (if any) and reads the 6 bytes
//               at port arg1 (virtio-net's MAC address) into the body
//   PROBE_EDU:  maps BAR 0 of the PCI device handle and writes arg1 to the
//               edu liveness register; arg0 of the reply is what reads back
//   PROBE_FIND: looks the edu device up (a driver may not: the reply is
//               the error)
//   PROBE_BUS_MASTER: turns bus mastering on for the device handle and
//               replies with the PCI command register, then exits
#include <stdint.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/ioport.h>
#include <ftl/pci.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/syscall.h>
#include <ftl/vmarea.h>

#include "device_probe.h"
#include "edu.h"

#define PCI_COMMAND 0x04

static void reply(ftl_handle_t channel, const struct ftl_msg *req, long result,
                  const void *body, uint32_t len)
{
    struct ftl_msg msg = {.id = req->id, .body_len = len};
    if (ftl_syscall_failed(result)) {
        msg.type = FTL_MSG_ERROR_REPLY;
        msg.arg0 = (uint64_t)result;
        msg.body_len = 0;
    } else {
        msg.type = FTL_MSG_GETATTR_REPLY;
        msg.arg0 = (uint64_t)result;
    }
    ftl_channel_send(channel, &msg, body);
}

static void probe_mac(ftl_handle_t channel, const struct ftl_msg *req)
{
    if (req->handle != FTL_HANDLE_INVALID) {
        int err = ftl_ioport_enable(req->handle);
        if (err < 0) {
            reply(channel, req, err, NULL, 0);
            return;
        }
    }
    uint8_t mac[6];
    for (unsigned i = 0; i < sizeof(mac); i++) {
        mac[i] = ftl_inb((uint16_t)(req->arg1 + i));
    }
    reply(channel, req, 0, mac, sizeof(mac));
}

static void probe_edu(ftl_handle_t channel, const struct ftl_msg *req)
{
    ftl_handle_t bar = ftl_pci_map_bar(req->handle, 0);
    if (bar < 0) {
        reply(channel, req, bar, NULL, 0);
        return;
    }
    int err;
    volatile uint8_t *regs =
        ftl_vmarea_map(bar, FTL_PROT_READ | FTL_PROT_WRITE, &err);
    if (regs == NULL) {
        reply(channel, req, err, NULL, 0);
        return;
    }
    edu_write(regs, EDU_LIVENESS, (uint32_t)req->arg1);
    reply(channel, req, edu_read(regs, EDU_LIVENESS), NULL, 0);
}

int main(void)
{
    ftl_handle_t channel = ftl_start_info->channel;
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, channel, 0);
    struct ftl_event event;
    if (ftl_sink_wait(sink, &event, FTL_WAIT_FOREVER) < 0 ||
        event.kind != FTL_EVENT_MESSAGE) {
        return 1;
    }
    struct ftl_msg req;
    if (ftl_channel_recv(channel, &req, NULL, 0) < 0) {
        return 1;
    }
    switch (req.arg0) {
    case PROBE_MAC:
        probe_mac(channel, &req);
        break;
    case PROBE_EDU:
        probe_edu(channel, &req);
        break;
    case PROBE_BUS_MASTER:
        ftl_pci_set_bus_master(req.handle, 1);
        reply(channel, &req, ftl_pci_config_read(req.handle, PCI_COMMAND, 2),
              NULL, 0);
        break;
    case PROBE_FIND:
        reply(channel, &req, ftl_pci_find(EDU_VENDOR, EDU_DEVICE, 0), NULL, 0);
        break;
    default:
        reply(channel, &req, FTL_ERR_NOT_SUPPORTED, NULL, 0);
    }
    return 0;
}
