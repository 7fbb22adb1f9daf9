// In-OS tests of device access with the real system calls, against devices
// the QEMU test adds: QEMU's edu device (MMIO, DMA, an interrupt) and a
// legacy virtio-net (an I/O port BAR holding its MAC address). Runs as the
// first process, which may grant devices; drivers it spawns (device_probe)
// get only the handles it sends them. argv[1] is the MAC address the host
// gave the virtio-net device. Ends with `os.device: N passed, N failed`.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/dma.h>
#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/ioport.h>
#include <ftl/pci.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/time.h>
#include <ftl/vmarea.h>

#include "device_probe.h"
#include "edu.h"
#include "ipc_util.h"
#include "suite.h"
#include "usage.h"

#define MS 1000000ULL
#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_NET_LEGACY 0x1000
#define VIRTIO_LEGACY_MAC 20 // offset of the MAC in the legacy I/O BAR
#define PCI_CLASS_NET 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_BUS_MASTER 0x4

static char expected_mac[18]; // "52:54:00:12:34:56", from the host

static ftl_handle_t find_edu(void)
{
    return ftl_pci_find(EDU_VENDOR, EDU_DEVICE, 0);
}

// Maps BAR 0 of the edu device behind handle `edu`; NULL on failure.
static volatile uint8_t *map_edu(ftl_handle_t edu)
{
    ftl_handle_t bar = ftl_pci_map_bar(edu, 0);
    if (bar < 0) {
        return NULL;
    }
    volatile uint8_t *regs =
        ftl_vmarea_map(bar, FTL_PROT_READ | FTL_PROT_WRITE, NULL);
    ftl_handle_close(bar); // the mapping keeps the vmarea
    return regs;
}

static void format_mac(const uint8_t *mac, char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
             mac[3], mac[4], mac[5]);
}

// Spawns device_probe in `isolation`, sends it `command` with `arg1` and
// `handle` (moved to it), and waits for the reply and its exit. Returns the
// reply's body length or an error (FTL_ERR_PEER_CLOSED if it died first);
// its exit status goes to *status.
static long run_probe(uint32_t isolation, unsigned command, uint64_t arg1,
                      ftl_handle_t handle, struct ftl_msg *reply, void *body,
                      size_t body_max, long *status)
{
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    const char *argv[] = {"device_probe.elf"};
    struct ftl_spawn request = {.path = "device_probe.elf",
                                .isolation = isolation,
                                .argc = 1,
                                .argv = argv,
                                .channel = ends[1]};
    ftl_handle_t process = ftl_process_spawn_request(&request);
    if (process < 0) {
        return process;
    }
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, ends[0], 0);
    struct ftl_msg req = {.type = FTL_MSG_GETATTR,
                          .id = 1,
                          .arg0 = command,
                          .arg1 = arg1,
                          .handle = handle};
    long result = ipc_call(sink, ends[0], &req, NULL, reply, body, body_max);
    *status = ftl_process_wait(process, IPC_TIMEOUT_NS);
    ftl_handle_close(process);
    ftl_handle_close(sink);
    ftl_handle_close(ends[0]);
    return result;
}

static bool pci_find_describes_the_edu_device(void)
{
    ftl_handle_t edu = find_edu();
    EXPECT(edu > 0, "edu found: %d", edu);
    struct ftl_pci_info info;
    EXPECT(ftl_pci_info(edu, &info) == 0, "info");
    EXPECT(info.vendor == EDU_VENDOR && info.device == EDU_DEVICE,
           "ids %04x:%04x", info.vendor, info.device);
    EXPECT(info.bars[0].size == EDU_BAR_SIZE &&
               !(info.bars[0].flags & FTL_PCI_BAR_IO) && info.bars[0].base != 0,
           "BAR 0: base %llx size %llu flags %u",
           (unsigned long long)info.bars[0].base,
           (unsigned long long)info.bars[0].size, info.bars[0].flags);
    EXPECT(info.irq_pin == 1, "INTA#, got pin %u", info.irq_pin);

    ftl_handle_t net = ftl_pci_find(VIRTIO_VENDOR, VIRTIO_NET_LEGACY, 0);
    EXPECT(net > 0, "virtio-net found: %d", net);
    EXPECT(ftl_pci_info(net, &info) == 0 && info.class_code == PCI_CLASS_NET,
           "a network controller, class %02x", info.class_code);
    EXPECT((info.bars[0].flags & FTL_PCI_BAR_IO) && info.bars[0].size >= 24,
           "legacy virtio has an I/O BAR 0, flags %u size %llu",
           info.bars[0].flags, (unsigned long long)info.bars[0].size);
    ftl_handle_close(net);
    ftl_handle_close(edu);
    return true;
}

static bool pci_find_of_a_missing_device_is_not_found(void)
{
    EXPECT(ftl_pci_find(EDU_VENDOR, EDU_DEVICE, 1) == FTL_ERR_NOT_FOUND,
           "one edu device only");
    EXPECT(ftl_pci_find(0xdead, 0xbeef, 0) == FTL_ERR_NOT_FOUND,
           "no such device");
    return true;
}

static bool config_space_reads_match_the_description(void)
{
    ftl_handle_t edu = find_edu();
    struct ftl_pci_info info;
    ftl_pci_info(edu, &info);
    EXPECT(ftl_pci_config_read(edu, 0, 2) == EDU_VENDOR, "vendor");
    EXPECT(ftl_pci_config_read(edu, 2, 2) == EDU_DEVICE, "device");
    EXPECT(ftl_pci_config_read(edu, 0, 4) ==
               (EDU_DEVICE << 16 | EDU_VENDOR),
           "both at once");
    EXPECT(ftl_pci_config_read(edu, 0x3d, 1) == info.irq_pin, "pin");
    EXPECT(ftl_pci_config_read(edu, 0x10, 4) == (long)(info.bars[0].base &
                                                      0xfffffff0),
           "BAR 0 register");
    ftl_handle_close(edu);
    return true;
}

static bool mmio_bar_maps_the_device_registers(void)
{
    ftl_handle_t edu = find_edu();
    volatile uint8_t *regs = map_edu(edu);
    EXPECT(regs != NULL, "BAR 0 mapped");
    EXPECT((edu_read(regs, EDU_ID) & 0xff) == 0xed, "edu id %08x",
           edu_read(regs, EDU_ID));
    edu_write(regs, EDU_LIVENESS, 0x12345678);
    EXPECT(edu_read(regs, EDU_LIVENESS) == ~0x12345678u,
           "the device answers: %08x", edu_read(regs, EDU_LIVENESS));
    ftl_vmarea_unmap((void *)regs);
    ftl_handle_close(edu);
    return true;
}

static bool dma_done(volatile uint8_t *regs)
{
    for (int i = 0; i < 300; i++) {
        if (!(edu_read64(regs, EDU_DMA_COMMAND) & EDU_DMA_START)) {
            return true;
        }
        ftl_sleep_ns(10 * MS);
    }
    return false;
}

static void edu_dma(volatile uint8_t *regs, uint64_t source, uint64_t dest,
                    uint64_t count, uint64_t command)
{
    edu_write64(regs, EDU_DMA_SOURCE, source);
    edu_write64(regs, EDU_DMA_DEST, dest);
    edu_write64(regs, EDU_DMA_COUNT, count);
    edu_write64(regs, EDU_DMA_COMMAND, command | EDU_DMA_START);
}

static bool dma_reaches_memory_only_with_bus_mastering(void)
{
    ftl_handle_t edu = find_edu();
    volatile uint8_t *regs = map_edu(edu);
    uint64_t phys = 0;
    ftl_handle_t dma = ftl_dma_create(edu, 4096, &phys);
    EXPECT(dma > 0 && phys != 0 && phys % 4096 == 0, "DMA area at %llx",
           (unsigned long long)phys);
    volatile uint8_t *buf =
        ftl_vmarea_map(dma, FTL_PROT_READ | FTL_PROT_WRITE, NULL);
    EXPECT(buf != NULL, "DMA area mapped");
    for (int i = 0; i < 1024; i++) {
        buf[i] = (uint8_t)(i * 7 + 3);
    }

    ftl_pci_set_bus_master(edu, 1);
    edu_dma(regs, phys, EDU_DMA_BUFFER, 1024, 0);
    EXPECT(dma_done(regs), "RAM to device finished");
    edu_dma(regs, EDU_DMA_BUFFER, phys + 2048, 1024, EDU_DMA_TO_RAM);
    EXPECT(dma_done(regs), "device to RAM finished");
    for (int i = 0; i < 1024; i++) {
        EXPECT(buf[2048 + i] == (uint8_t)(i * 7 + 3),
               "byte %d came back through the device: %u", i, buf[2048 + i]);
    }

    ftl_pci_set_bus_master(edu, 0);
    memset((void *)(buf + 2048), 0, 1024);
    edu_dma(regs, EDU_DMA_BUFFER, phys + 2048, 1024, EDU_DMA_TO_RAM);
    EXPECT(dma_done(regs), "device to RAM finished without bus mastering");
    for (int i = 0; i < 1024; i++) {
        EXPECT(buf[2048 + i] == 0, "byte %d written without bus mastering",
               i);
    }
    ftl_vmarea_unmap((void *)buf);
    ftl_vmarea_unmap((void *)regs);
    ftl_handle_close(dma);
    ftl_handle_close(edu);
    return true;
}

static bool interrupts_arrive_in_a_sink_and_wait_for_the_ack(void)
{
    ftl_handle_t edu = find_edu();
    volatile uint8_t *regs = map_edu(edu);
    ftl_handle_t irq = ftl_interrupt_create(edu, 0);
    EXPECT(irq > 0, "interrupt taken: %d", irq);
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, irq, 42);
    struct ftl_event event;
    EXPECT(ftl_sink_wait(sink, &event, 0) == FTL_ERR_TIMED_OUT,
           "nothing before the device raises it");

    edu_write(regs, EDU_IRQ_RAISE, 1);
    EXPECT(ftl_sink_wait(sink, &event, 1000 * MS) == 0, "interrupt arrived");
    EXPECT(event.kind == FTL_EVENT_INTERRUPT && event.cookie == 42 &&
               event.count >= 1,
           "kind %u cookie %llu count %llu", event.kind,
           (unsigned long long)event.cookie, (unsigned long long)event.count);
    EXPECT(edu_read(regs, EDU_IRQ_STATUS) == 1, "the device raised it");

    // Handled at the device, raised again, not acknowledged: the line
    // stays masked, so nothing arrives...
    edu_write(regs, EDU_IRQ_ACK, 1);
    edu_write(regs, EDU_IRQ_RAISE, 2);
    EXPECT(ftl_sink_wait(sink, &event, 200 * MS) == FTL_ERR_TIMED_OUT,
           "masked until acknowledged");
    // ...until the driver acknowledges.
    EXPECT(ftl_interrupt_ack(irq) == 0, "ack");
    EXPECT(ftl_sink_wait(sink, &event, 1000 * MS) == 0 &&
               event.kind == FTL_EVENT_INTERRUPT,
           "the pending interrupt arrives after the ack");
    edu_write(regs, EDU_IRQ_ACK, 2);
    ftl_interrupt_ack(irq);
    EXPECT(ftl_sink_wait(sink, &event, 100 * MS) == FTL_ERR_TIMED_OUT,
           "quiet once handled");

    ftl_vmarea_unmap((void *)regs);
    ftl_handle_close(sink);
    ftl_handle_close(irq);
    ftl_handle_close(edu);
    return true;
}

static bool an_interrupt_is_taken_once(void)
{
    ftl_handle_t edu = find_edu();
    ftl_handle_t irq = ftl_interrupt_create(edu, 0);
    EXPECT(irq > 0, "first");
    EXPECT(ftl_interrupt_create(edu, 0) == FTL_ERR_BUSY, "second");
    struct ftl_pci_info info;
    ftl_pci_info(edu, &info);
    EXPECT(ftl_interrupt_create(FTL_HANDLE_INVALID, info.irq) == FTL_ERR_BUSY,
           "the bare line is in use");
    ftl_handle_close(irq);
    irq = ftl_interrupt_create(edu, 0);
    EXPECT(irq > 0, "free again after close");
    ftl_handle_close(irq);
    ftl_handle_close(edu);
    return true;
}

// Asks a driver in `isolation` to read the MAC through port handle `ports`
// and checks it is the host's.
static bool driver_reads_mac(uint32_t isolation, ftl_handle_t ports,
                             uint64_t base)
{
    struct ftl_msg reply;
    uint8_t mac[6];
    char text[18];
    long status;
    long n = run_probe(isolation, PROBE_MAC, base + VIRTIO_LEGACY_MAC, ports,
                       &reply, mac, sizeof(mac), &status);
    EXPECT(n == 6 && reply.type == FTL_MSG_GETATTR_REPLY,
           "MAC read: %ld, reply %u", n, reply.type);
    format_mac(mac, text);
    EXPECT(strcmp(text, expected_mac) == 0, "MAC %s, host gave %s", text,
           expected_mac);
    EXPECT(status == 0, "driver exited normally: %ld", status);
    return true;
}

static bool granted_io_ports_reach_the_device(void)
{
    ftl_handle_t net = ftl_pci_find(VIRTIO_VENDOR, VIRTIO_NET_LEGACY, 0);
    struct ftl_pci_info info;
    ftl_pci_info(net, &info);
    ftl_handle_t ports = ftl_pci_ioport(net, 0);
    EXPECT(ports > 0, "port handle: %d", ports);
    EXPECT(driver_reads_mac(FTL_ISOLATION_USER, ports, info.bars[0].base),
           "user-mode driver");
    ports = ftl_pci_ioport(net, 0);
    EXPECT(driver_reads_mac(FTL_ISOLATION_KERNEL, ports, info.bars[0].base),
           "kernel-mode driver");
    ftl_handle_close(net);
    return true;
}

static bool ports_outside_the_grant_kill_a_user_driver(void)
{
    ftl_handle_t net = ftl_pci_find(VIRTIO_VENDOR, VIRTIO_NET_LEGACY, 0);
    struct ftl_pci_info info;
    ftl_pci_info(net, &info);
    uint64_t mac_port = info.bars[0].base + VIRTIO_LEGACY_MAC;
    struct ftl_msg reply;
    uint8_t mac[6];
    long status;

    long n = run_probe(FTL_ISOLATION_USER, PROBE_MAC, mac_port,
                       FTL_HANDLE_INVALID, &reply, mac, sizeof(mac), &status);
    EXPECT(n == FTL_ERR_PEER_CLOSED && status == FTL_EXIT_KILLED,
           "no grant: result %ld, status %ld", n, status);

    // A grant of the ports just below the MAC does not reach it.
    ftl_handle_t below = ftl_ioport_create((uint32_t)mac_port - 8, 8);
    EXPECT(below > 0, "range created: %d", below);
    n = run_probe(FTL_ISOLATION_USER, PROBE_MAC, mac_port, below, &reply, mac,
                  sizeof(mac), &status);
    EXPECT(n == FTL_ERR_PEER_CLOSED && status == FTL_EXIT_KILLED,
           "neighbouring grant: result %ld, status %ld", n, status);
    ftl_handle_close(net);
    return true;
}

static bool device_handle_moves_to_a_driver(void)
{
    ftl_handle_t edu = find_edu();
    struct ftl_msg reply;
    long status;
    long n = run_probe(FTL_ISOLATION_USER, PROBE_EDU, 0x0f0f0f0f, edu, &reply,
                       NULL, 0, &status);
    EXPECT(n == 0 && reply.type == FTL_MSG_GETATTR_REPLY,
           "driver answered: %ld, type %u", n, reply.type);
    EXPECT(reply.arg0 == 0xf0f0f0f0, "driver drove the device: %llx",
           (unsigned long long)reply.arg0);
    EXPECT(status == 0, "exit status %ld", status);
    return true;
}

static bool bus_mastering_ends_with_the_driver(void)
{
    ftl_handle_t edu = find_edu();
    ftl_handle_t for_driver = ftl_pci_find(EDU_VENDOR, EDU_DEVICE, 0);
    struct ftl_msg reply;
    long status;
    run_probe(FTL_ISOLATION_USER, PROBE_BUS_MASTER, 0, for_driver, &reply,
              NULL, 0, &status);
    EXPECT(reply.type == FTL_MSG_GETATTR_REPLY &&
               (reply.arg0 & PCI_COMMAND_BUS_MASTER),
           "on while the driver ran: command %llx",
           (unsigned long long)reply.arg0);
    EXPECT(status == 0, "driver exited: %ld", status);
    EXPECT(!(ftl_pci_config_read(edu, PCI_COMMAND, 2) &
             PCI_COMMAND_BUS_MASTER),
           "off once it is gone");
    ftl_handle_close(edu);
    return true;
}

static bool drivers_cannot_find_devices_themselves(void)
{
    struct ftl_msg reply;
    long status;
    run_probe(FTL_ISOLATION_USER, PROBE_FIND, 0, FTL_HANDLE_INVALID, &reply,
              NULL, 0, &status);
    EXPECT(reply.type == FTL_MSG_ERROR_REPLY &&
               (long)reply.arg0 == FTL_ERR_NOT_ALLOWED,
           "type %u error %ld", reply.type, (long)reply.arg0);
    return true;
}

static bool bad_device_arguments_give_errors(void)
{
    ftl_handle_t edu = find_edu();
    ftl_handle_t sink = ftl_sink_create();
    struct ftl_pci_info info;
    uint64_t phys;
    EXPECT(ftl_pci_info(edu, (struct ftl_pci_info *)16) == FTL_ERR_BAD_ADDRESS,
           "info to a bad pointer");
    EXPECT(ftl_pci_info(sink, &info) == FTL_ERR_BAD_HANDLE, "not a device");
    EXPECT(ftl_pci_config_read(edu, 1, 2) == FTL_ERR_INVALID_ARG, "unaligned");
    EXPECT(ftl_pci_config_read(edu, 256, 1) == FTL_ERR_INVALID_ARG, "past 255");
    EXPECT(ftl_pci_config_read(edu, 0, 3) == FTL_ERR_INVALID_ARG, "width 3");
    EXPECT(ftl_pci_set_bus_master(edu, 2) == FTL_ERR_INVALID_ARG, "enable 2");
    EXPECT(ftl_pci_map_bar(edu, 6) == FTL_ERR_INVALID_ARG, "BAR 6");
    EXPECT(ftl_pci_map_bar(edu, 1) == FTL_ERR_INVALID_ARG, "empty BAR");
    EXPECT(ftl_pci_ioport(edu, 0) == FTL_ERR_INVALID_ARG, "memory BAR as ports");
    EXPECT(ftl_dma_create(edu, 0, &phys) == FTL_ERR_INVALID_ARG, "DMA size 0");
    EXPECT(ftl_dma_create(edu, FTL_DMA_SIZE_MAX + 1, &phys) ==
               FTL_ERR_TOO_LARGE,
           "DMA too large");
    EXPECT(ftl_dma_create(edu, 4096, (uint64_t *)16) == FTL_ERR_BAD_ADDRESS,
           "DMA address to a bad pointer");
    EXPECT(ftl_dma_create(sink, 4096, &phys) == FTL_ERR_BAD_HANDLE,
           "DMA for a non-device");
    EXPECT(ftl_interrupt_create(edu, 5) == FTL_ERR_INVALID_ARG,
           "device and GSI");
    EXPECT(ftl_interrupt_create(FTL_HANDLE_INVALID, 9999) ==
               FTL_ERR_INVALID_ARG,
           "no such GSI");
    EXPECT(ftl_interrupt_ack(sink) == FTL_ERR_BAD_HANDLE, "ack a sink");
    EXPECT(ftl_ioport_create(0xfff0, 0x20) == FTL_ERR_INVALID_ARG,
           "ports past 65535");
    EXPECT(ftl_ioport_create(0x100, 0) == FTL_ERR_INVALID_ARG, "no ports");
    EXPECT(ftl_ioport_enable(sink) == FTL_ERR_BAD_HANDLE, "enable a sink");
    ftl_handle_close(sink);
    ftl_handle_close(edu);
    return true;
}

static bool device_objects_leave_no_leak(void)
{
    struct ftl_system_stats before, after;
    ftl_system_stats(&before);
    for (int i = 0; i < 20; i++) {
        ftl_handle_t edu = find_edu();
        ftl_handle_t net = ftl_pci_find(VIRTIO_VENDOR, VIRTIO_NET_LEGACY, 0);
        uint64_t phys;
        ftl_handle_close(ftl_pci_map_bar(edu, 0));
        ftl_handle_close(ftl_dma_create(edu, 8192, &phys));
        ftl_handle_close(ftl_interrupt_create(edu, 0));
        ftl_handle_close(ftl_pci_ioport(net, 0));
        ftl_handle_close(ftl_ioport_create(0x3f8, 8));
        ftl_handle_close(net);
        ftl_handle_close(edu);
    }
    ftl_system_stats(&after);
    EXPECT(usage_unchanged(&before, &after), "kernel objects leaked");
    return true;
}

static const struct test tests[] = {
    TEST(pci_find_describes_the_edu_device),
    TEST(pci_find_of_a_missing_device_is_not_found),
    TEST(config_space_reads_match_the_description),
    TEST(mmio_bar_maps_the_device_registers),
    TEST(dma_reaches_memory_only_with_bus_mastering),
    TEST(interrupts_arrive_in_a_sink_and_wait_for_the_ack),
    TEST(an_interrupt_is_taken_once),
    TEST(granted_io_ports_reach_the_device),
    TEST(ports_outside_the_grant_kill_a_user_driver),
    TEST(device_handle_moves_to_a_driver),
    TEST(bus_mastering_ends_with_the_driver),
    TEST(drivers_cannot_find_devices_themselves),
    TEST(bad_device_arguments_give_errors),
    TEST(device_objects_leave_no_leak),
};

int main(int argc, char **argv)
{
    if (argc > 1) {
        snprintf(expected_mac, sizeof(expected_mac), "%s", argv[1]);
    }
    return suite_run("os.device", tests, sizeof(tests) / sizeof(tests[0]),
                     NULL, 0);
}
