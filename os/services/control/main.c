// control: the guest end of the control channel (docs/reference/
// control-protocol.md), through which `ftl status`, `ftl logs` and
// `ftl apply` reach a running system from the host and never from the
// network, with every request authenticated by the image's key.
//
// The channel is a device only this service is granted (channel.h): port
// 0 of a virtio console when there is one (device/2, the transitional
// 1af4:1003, else device/3, the modern-only 1af4:1043: what QEMU runs
// give), else the second serial port, COM2 (device/0: its I/O ports,
// device/1: its interrupt; Google Compute Engine's serial port 2).
// Without either it ends with status 0: nothing to serve.
//
// At start it asks its supervisor for the channel's devices, the key
// (file/control.key, 64 hex digits) and random numbers (service/random,
// for each session's nonce), then serves sessions (session.h). Without a
// key it says so and ends: a control channel without authentication is
// not offered.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/ioport.h>
#include <ftl/log.h>
#include <ftl/process.h>

#include "channel.h"
#include "frame.h"
#include "session.h"
#include "uart_channel.h"
#include "vcon.h"

#define KEY_FILE "file/control.key"
#define DEVICE_VCON 2        // transitional virtio console
#define DEVICE_VCON_MODERN 3 // the same with disable-legacy=on

static struct {
    struct ftl_loop *loop;
    struct ftl_client *supervisor;
    struct ftl_client *random;
    const struct channel_ops *channel; // NULL: the machine has none
    ftl_handle_t com2_interrupt;
    unsigned com2_pending; // COM2's devices not granted yet
    uint8_t key[FRAME_KEY];
    unsigned pending; // start-up steps not done yet
} c;

static void fail(const char *what, int error)
{
    FTL_LOG_ERROR("%s: %s", what, ftl_error_str(error));
    ftl_loop_stop(c.loop, 1);
}

// The last start-up step is done: serve.
static void step_done(void)
{
    if (--c.pending > 0) {
        return;
    }
    if (c.channel == NULL) {
        // A machine with neither device (a QEMU run that did not ask for
        // a control channel): nothing to serve, and not a failure.
        FTL_LOG_INFO("no virtio console and no COM2: no control channel");
        ftl_loop_stop(c.loop, 0);
        return;
    }
    session_init(c.loop, c.supervisor, c.random, c.key, c.channel->send);
    int err = c.channel->start(c.loop, session_input);
    if (err < 0) {
        fail("cannot watch the channel's interrupt", err);
        return;
    }
    FTL_LOG_INFO("control channel on %s", c.channel->name);
}

static void com2_granted(void)
{
    if (--c.com2_pending > 0) {
        return;
    }
    c.channel = uart_channel_open(UART_CHANNEL_COM2, c.com2_interrupt);
    step_done();
}

static void on_com2_ports(const struct ftl_result *result, void *arg)
{
    (void)arg;
    int err =
        result->error < 0 ? result->error : ftl_ioport_enable(result->handle);
    if (err < 0) {
        fail("no UART ports (device/0)", err);
        return;
    }
    com2_granted();
}

static void on_com2_irq(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        fail("no UART interrupt (device/1)", result->error);
        return;
    }
    c.com2_interrupt = result->handle;
    com2_granted();
}

static void ask_com2(void)
{
    c.com2_pending = 2;
    ftl_client_open(c.supervisor, "device/0", on_com2_ports, NULL);
    ftl_client_open(c.supervisor, "device/1", on_com2_irq, NULL);
}

static void ask_vcon(unsigned index);

static void on_vcon(const struct ftl_result *result, void *arg)
{
    unsigned index = (unsigned)(uintptr_t)arg;
    int err = result->error;
    // NOT_ALLOWED: a spec that lists COM2 only, as before the console.
    if (err == FTL_ERR_NOT_FOUND || err == FTL_ERR_NOT_ALLOWED) {
        if (index == DEVICE_VCON) {
            ask_vcon(DEVICE_VCON_MODERN);
        } else {
            ask_com2(); // no virtio console: the serial port, then
        }
        return;
    }
    if (err == 0) {
        err = vcon_open(result->handle, &c.channel);
        if (err < 0) {
            ftl_handle_close(result->handle);
        }
    }
    if (err < 0) {
        char what[32];
        snprintf(what, sizeof(what), "virtio console (device/%u)", index);
        fail(what, err);
        return;
    }
    step_done();
}

static void ask_vcon(unsigned index)
{
    char path[16];
    snprintf(path, sizeof(path), "device/%u", index);
    int err =
        ftl_client_open(c.supervisor, path, on_vcon, (void *)(uintptr_t)index);
    if (err < 0) {
        fail("cannot ask for the virtio console", err);
    }
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    return -1;
}

static uint8_t key_hex[2 * FRAME_KEY + 1];

static void on_key(const struct ftl_result *result, void *arg)
{
    struct ftl_client *file = arg;
    ftl_client_destroy(file);
    if (result->error < 0 || result->value < 2 * FRAME_KEY) {
        fail("no key in control.key",
             result->error < 0 ? result->error : FTL_ERR_BAD_FORMAT);
        return;
    }
    for (size_t i = 0; i < FRAME_KEY; i++) {
        int hi = hex_digit((char)key_hex[2 * i]);
        int lo = hex_digit((char)key_hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fail("control.key is not 64 hex digits", FTL_ERR_BAD_FORMAT);
            return;
        }
        c.key[i] = (uint8_t)(hi << 4 | lo);
    }
    memset(key_hex, 0, sizeof(key_hex));
    step_done();
}

static void on_key_file(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        fail("cannot open control.key", result->error);
        return;
    }
    struct ftl_client *file = ftl_client_create(c.loop, result->handle);
    int err = file != NULL ? ftl_client_read(file, 0, key_hex, 2 * FRAME_KEY,
                                             on_key, file)
                           : FTL_ERR_NO_MEMORY;
    if (err < 0) {
        fail("cannot read control.key", err);
    }
}

static void on_random(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        fail("no random service", result->error);
        return;
    }
    c.random = ftl_client_create(c.loop, result->handle);
    if (c.random == NULL) {
        fail("no memory", FTL_ERR_NO_MEMORY);
        return;
    }
    step_done();
}

int main(void)
{
    c.loop = ftl_loop_create();
    c.supervisor = c.loop != NULL
                       ? ftl_client_create(c.loop, ftl_start_info->channel)
                       : NULL;
    if (c.supervisor == NULL) {
        return 1;
    }
    c.pending = 3; // the channel, the key, random
    ask_vcon(DEVICE_VCON);
    ftl_client_open(c.supervisor, KEY_FILE, on_key_file, NULL);
    ftl_client_open(c.supervisor, "service/random", on_random, NULL);
    return ftl_loop_run(c.loop);
}
