// A stand-in driver started by the supervisor (sv_driver, sv_nodriver):
//   granted  its spec names QEMU's edu device: OPEN device/0 on the channel
//            to the supervisor gives the device handle; the driver maps
//            BAR 0 and checks that the device answers
//   denied   its spec names no device: OPEN device/0, looking the device up
//            itself, taking an interrupt or I/O ports must all be refused
// Exits 0 when everything went as its spec says, 1 otherwise (the
// supervisor's status table then shows Failed instead of Completed).
#include <stdio.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/ioport.h>
#include <ftl/pci.h>
#include <ftl/process.h>
#include <ftl/vmarea.h>

#include "../os/edu.h"
#include "../os/ipc_util.h"

// OPEN `path` on the channel to the supervisor: the handle, or an error.
static ftl_handle_t open_path(const char *path)
{
    ftl_handle_t channel = ftl_start_info->channel;
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, channel, 0);
    struct ftl_msg req = {.type = FTL_MSG_OPEN,
                          .id = 1,
                          .body_len = (uint32_t)strlen(path)},
                   reply;
    long n = ipc_call(sink, channel, &req, path, &reply, NULL, 0);
    ftl_handle_close(sink);
    if (n < 0) {
        return (ftl_handle_t)n;
    }
    if (reply.type == FTL_MSG_ERROR_REPLY) {
        return (ftl_handle_t)(int64_t)reply.arg0;
    }
    return reply.handle;
}

static int granted(void)
{
    ftl_handle_t edu = open_path("device/0");
    if (edu < 0) {
        printf("device/0: %s\n", ftl_error_str(edu));
        return 1;
    }
    volatile uint8_t *regs = ftl_vmarea_map(ftl_pci_map_bar(edu, 0),
                                            FTL_PROT_READ | FTL_PROT_WRITE,
                                            NULL);
    if (regs == NULL) {
        printf("BAR 0 not mapped\n");
        return 1;
    }
    edu_write(regs, EDU_LIVENESS, 0x600df00d);
    uint32_t answer = edu_read(regs, EDU_LIVENESS);
    printf("edu answers %08x\n", answer);
    return answer == ~0x600df00du ? 0 : 1;
}

static int denied(void)
{
    int refused = 0;
    refused += open_path("device/0") == FTL_ERR_NOT_ALLOWED;
    refused += ftl_pci_find(EDU_VENDOR, EDU_DEVICE, 0) == FTL_ERR_NOT_ALLOWED;
    refused += ftl_interrupt_create(FTL_HANDLE_INVALID, 10) ==
               FTL_ERR_NOT_ALLOWED;
    refused += ftl_ioport_create(0x3f8, 8) == FTL_ERR_NOT_ALLOWED;
    printf("%d of 4 ways to the hardware refused\n", refused);
    return refused == 4 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "granted") == 0) {
        return granted();
    }
    return denied();
}
