// A hostile service (issue 18, isolation and exhaustion): started by the
// supervisor beside virtio_net, tcpip and http_server (tests/net/hostile.yaml),
// it waits argv[2] milliseconds and then makes the attack argv[1] names.
// tests/qemu/reliability_test.py checks the outcome on the console (the
// kernel's kill line, or the line this program prints) and that HTTP is
// still answered after each.
//
// Isolation: each attack below must end the process with a fault, in user
// mode. Exhaustion: the process takes all of something it can, prints what
// stopped it, and stays (the limit, not a crash, must be what stops it).
// In kernel mode, only what docs/concepts/processes-and-isolation.md
// promises is tried: a fault in its own code ends it.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/ioport.h>
#include <ftl/message.h>
#include <ftl/pci.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/thread.h>
#include <ftl/time.h>

#include "../os/ipc_util.h"

#define MS (1000ULL * 1000)
#define FOREVER_NS (3600ULL * 1000 * MS)

struct attack {
    const char *name;
    int (*run)(void);
};

static void stay(void)
{
    for (;;) {
        ftl_sleep_ns(FOREVER_NS);
    }
}

static int read_kernel(void)
{
    return (int)*(volatile uint64_t *)0xffffffff80100000ULL; // kernel text
}

static int write_kernel(void)
{
    // The direct map: all of physical memory, every process's pages too.
    *(volatile uint64_t *)0xffffff8000200000ULL = 0x6666;
    return 0;
}

static int read_kernel_mode_service(void)
{
    // The first kernel-mode slot, where kernel-mode services run.
    return (int)*(volatile uint64_t *)0xffffc00000400000ULL;
}

static int port_io(void)
{
    // Port 0xf4 is QEMU's isa-debug-exit: were it allowed, QEMU would end.
    __asm__ volatile("outb %0, %1" ::"a"((uint8_t)0), "Nd"((uint16_t)0xf4));
    return 0;
}

static int interrupts_off(void)
{
    __asm__ volatile("cli");
    for (volatile int i = 0;; i++) {
    }
    return 0;
}

static int mmio(void)
{
    // The local APIC's registers at their physical address, and the
    // kernel's window of device registers: neither granted.
    return (int)*(volatile uint32_t *)0xfee00000ULL +
           (int)*(volatile uint32_t *)0xfffff00000000000ULL;
}

static int exec_data(void)
{
    static uint8_t code[16] = {0xc3}; // ret, in a writable data page
    ((void (*)(void))code)();
    return 0;
}

// Asks the kernel for devices, ports and an interrupt line directly: only a
// process holding the grant right (the supervisor) may.
static int grants(void)
{
    long pci = ftl_pci_find(0x1af4, 0x1000, 0); // the network card
    long port = ftl_ioport_create(0xf4, 1);
    long irq = ftl_interrupt_create(FTL_HANDLE_INVALID, 11);
    printf("grants: pci %s, ioport %s, interrupt %s\n", ftl_error_str((int)pci),
           ftl_error_str((int)port), ftl_error_str((int)irq));
    stay();
    return 0;
}

static int memory(void)
{
    unsigned blocks = 0;
    while (malloc(64 * 1024) != NULL) {
        blocks++;
    }
    printf("memory: malloc returned NULL after %u blocks of 64 KiB\n", blocks);
    stay();
    return 0;
}

static int handles(void)
{
    unsigned made = 0;
    ftl_handle_t h;
    while ((h = ftl_timer_create()) > 0) {
        made++;
    }
    printf("handles: %s after %u timers\n", ftl_error_str(h), made);
    stay();
    return 0;
}

static void sleeper(void *arg)
{
    (void)arg;
    stay();
}

static int threads(void)
{
    unsigned made = 0;
    ftl_handle_t h;
    while ((h = ftl_thread_create(sleeper, NULL, 0)) > 0) {
        made++;
    }
    printf("threads: %s after %u threads\n", ftl_error_str(h), made);
    stay();
    return 0;
}

// Opens service/NAME through the supervisor channel.
// OPEN path on channel: the new channel, or the error it was answered.
static long open_on(ftl_handle_t sink, ftl_handle_t channel, const char *path)
{
    struct ftl_msg req = {
        .type = FTL_MSG_OPEN, .id = 1, .body_len = (uint32_t)strlen(path)};
    struct ftl_msg reply;
    ftl_sink_add(sink, channel, 0);
    long n = ipc_call(sink, channel, &req, path, &reply, NULL, 0);
    ftl_sink_remove(sink, channel);
    if (n < 0) {
        return n;
    }
    if (reply.type == FTL_MSG_OPEN_REPLY) {
        return reply.handle;
    }
    return reply.type == FTL_MSG_ERROR_REPLY ? (long)(int64_t)reply.arg0
                                             : FTL_ERR_BAD_FORMAT;
}

static ftl_handle_t open_service(ftl_handle_t sink, const char *path)
{
    long handle = open_on(sink, ftl_start_info->channel, path);
    return handle >= 0 ? (ftl_handle_t)handle : FTL_ERR_NOT_FOUND;
}

static const char *listen_outcome(long handle)
{
    return handle >= 0 ? "listening" : ftl_error_str((int)handle);
}

// http_server's port 80: tcpip lets only a new instance of the service
// that holds a port join it, and learns who asks from the supervisor.
// Claiming to be http_server, to the supervisor or to tcpip straight,
// must not make this program that instance.
static int port_steal(void)
{
    ftl_handle_t sink = ftl_sink_create();
    long tcpip = open_on(sink, ftl_start_info->channel,
                         "service/tcpip?from=http_server");
    if (tcpip < 0) {
        printf("port-steal: no tcpip: %s\n", ftl_error_str((int)tcpip));
        return 1;
    }
    long claimed = open_on(sink, tcpip, "tcp-listen:80");
    long forged = open_on(sink, tcpip, "service/tcpip?from=http_server");
    long straight = forged >= 0 ? open_on(sink, forged, "tcp-listen:80")
                                : forged;
    printf("port-steal: claimed to the supervisor: %s, to tcpip: %s\n",
           listen_outcome(claimed), listen_outcome(straight));
    stay();
    return 0;
}

// Sends requests as fast as it can for `ns` and never reads a reply.
static void flood_channel(ftl_handle_t channel, const char *what, uint64_t ns)
{
    static const char body[] = "no-such-attribute";
    uint64_t sent = 0, full = 0, end = ftl_clock_ns() + ns;
    while (ftl_clock_ns() < end) {
        struct ftl_msg req = {
            .type = FTL_MSG_GETATTR, .id = sent, .body_len = sizeof(body) - 1};
        int err = ftl_channel_send(channel, &req, body);
        if (err == FTL_ERR_WOULD_BLOCK) {
            full++;
            ftl_thread_yield();
        } else if (err < 0) {
            printf("flood of %s: %s\n", what, ftl_error_str(err));
            return;
        } else {
            sent++;
        }
    }
    printf("flood of %s: %llu requests sent, queue full %llu times\n", what,
           (unsigned long long)sent, (unsigned long long)full);
}

static int flood(void)
{
    ftl_handle_t sink = ftl_sink_create();
    ftl_handle_t tcpip = open_service(sink, "service/tcpip");
    ftl_handle_t supervisor = open_service(sink, "service/supervisor");
    if (tcpip < 0 || supervisor < 0) {
        printf("flood: cannot open its targets (%d, %d)\n", tcpip, supervisor);
        return 1;
    }
    flood_channel(tcpip, "tcpip", 3000 * MS);
    flood_channel(supervisor, "supervisor", 3000 * MS);
    printf("flood: done, holding both channels unread\n");
    stay();
    return 0;
}

static int spin(void)
{
    printf("spin: spinning for good\n");
    for (volatile uint64_t i = 0;; i++) {
    }
    return 0;
}

// Kernel mode: a null read in its own code ends it, as in user mode.
static int kernel_null(void)
{
    return *(volatile int *)0;
}

static const struct attack attacks[] = {
    {"read-kernel", read_kernel},
    {"write-kernel", write_kernel},
    {"read-kernel-mode-service", read_kernel_mode_service},
    {"port-io", port_io},
    {"interrupts-off", interrupts_off},
    {"mmio", mmio},
    {"exec-data", exec_data},
    {"grants", grants},
    {"memory", memory},
    {"handles", handles},
    {"threads", threads},
    {"flood", flood},
    {"spin", spin},
    {"kernel-null", kernel_null},
    {"port-steal", port_steal},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: hostile ATTACK [DELAY_MS]\n");
        return 2;
    }
    if (argc > 2) {
        ftl_sleep_ns(strtoull(argv[2], NULL, 10) * MS);
    }
    for (unsigned i = 0; i < sizeof(attacks) / sizeof(*attacks); i++) {
        if (strcmp(argv[1], attacks[i].name) == 0) {
            printf("attack %s\n", attacks[i].name);
            int status = attacks[i].run();
            printf("attack %s survived\n", attacks[i].name);
            return status;
        }
    }
    printf("unknown attack %s\n", argv[1]);
    return 2;
}
