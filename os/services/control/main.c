// control: the guest end of the control channel (docs/reference/
// control-protocol.md), through which `ftl status`, `ftl logs` and
// `ftl apply` reach a running system from the host and never from the
// network: the second serial port (COM2), which only this service is
// granted, with every request authenticated by the image's key.
//
// At start it asks its supervisor for its two devices (device/0: the
// UART's I/O ports, device/1: its interrupt), the key (file/control.key,
// 64 hex digits) and random numbers (service/random, for each session's
// nonce), then serves sessions (session.h). Without a key it says so and
// ends: a control channel without authentication is not offered.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/ioport.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/time.h>

#include "frame.h"
#include "session.h"
#include "uart.h"

#define COM2 0x2f8
#define KEY_FILE "file/control.key"
#define RECEIVE_MAX 4096
#define RECEIVE_ROUNDS_MAX 16
#define POLL_NS (200 * FTL_MS)

static struct {
    struct ftl_loop *loop;
    struct ftl_client *supervisor;
    struct ftl_client *random;
    ftl_handle_t interrupt;
    struct ftl_loop_timer drain_timer, poll_timer;
    uint8_t key[FRAME_KEY];
    unsigned pending; // start-up steps not done yet
} c;

static void fail(const char *what, int error)
{
    FTL_LOG_ERROR("%s: %s", what, ftl_error_str(error));
    ftl_loop_stop(c.loop, 1);
}

static void send_to_host(const void *data, size_t len)
{
    uart_send(COM2, data, len);
}

// Takes what the UART holds, until its FIFO is empty: the interrupt is
// edge-triggered (ISA), so a new one comes only after the line dropped,
// which it does once the FIFO is empty. A burst longer than a turn's
// worth goes on at the next turn of the loop rather than holding it.
static void drain(void);

static void on_drain_due(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                         void *arg)
{
    (void)loop, (void)timer, (void)arg;
    drain();
}

static void drain(void)
{
    static uint8_t bytes[RECEIVE_MAX];
    for (int i = 0; i < RECEIVE_ROUNDS_MAX; i++) {
        size_t n = uart_receive(COM2, bytes, sizeof(bytes));
        if (n == 0) {
            return;
        }
        session_input(bytes, n);
    }
    ftl_loop_timer_start(c.loop, &c.drain_timer, 0, 0, on_drain_due, NULL);
}

static void on_interrupt(struct ftl_loop *loop, const struct ftl_event *event,
                         void *arg)
{
    (void)loop;
    (void)event;
    (void)arg;
    // Unmasked before draining: bytes that come during the drain are
    // either read by it or raise the line again once it has dropped.
    ftl_interrupt_ack(c.interrupt);
    drain();
}

// A safety net under the edge-triggered line: an edge lost anyway (a
// device that never lowers it) costs at most this long, not the channel.
static void on_poll(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                    void *arg)
{
    (void)loop, (void)timer, (void)arg;
    drain();
}

// The last start-up step is done: serve.
static void step_done(void)
{
    if (--c.pending > 0) {
        return;
    }
    if (!uart_present(COM2)) {
        // A machine without a second serial port (a QEMU run that did not
        // ask for one): nothing to serve, and not a failure.
        FTL_LOG_INFO("no COM2: no control channel");
        ftl_loop_stop(c.loop, 0);
        return;
    }
    session_init(c.loop, c.supervisor, c.random, c.key, send_to_host);
    uart_init(COM2);
    int err = ftl_loop_add(c.loop, c.interrupt, on_interrupt, NULL);
    if (err < 0) {
        fail("cannot watch the UART's interrupt", err);
        return;
    }
    ftl_loop_timer_start(c.loop, &c.poll_timer, POLL_NS, POLL_NS, on_poll,
                         NULL);
    FTL_LOG_INFO("control channel on COM2");
}

static void on_ports(const struct ftl_result *result, void *arg)
{
    (void)arg;
    int err = result->error < 0 ? result->error
                                : ftl_ioport_enable(result->handle);
    if (err < 0) {
        fail("no UART ports (device/0)", err);
        return;
    }
    step_done();
}

static void on_irq(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        fail("no UART interrupt (device/1)", result->error);
        return;
    }
    c.interrupt = result->handle;
    step_done();
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
    c.pending = 4;
    ftl_client_open(c.supervisor, "device/0", on_ports, NULL);
    ftl_client_open(c.supervisor, "device/1", on_irq, NULL);
    ftl_client_open(c.supervisor, KEY_FILE, on_key_file, NULL);
    ftl_client_open(c.supervisor, "service/random", on_random, NULL);
    return ftl_loop_run(c.loop);
}
