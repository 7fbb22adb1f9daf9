// The control channel on a UART: receiving by interrupt into the FIFO
// (uart.c), with a slow poll under the edge-triggered ISA line, and
// sending polled. About 14 bytes per interrupt under QEMU: fine for
// status and logs, seconds for an apply, which is why QEMU runs use the
// virtio console (vcon.c) and this stays for Google Compute Engine.
#include "uart_channel.h"

#include <stdbool.h>

#include <ftl/interrupt.h>
#include <ftl/time.h>

#include "uart.h"

#define RECEIVE_MAX 4096
#define RECEIVE_ROUNDS_MAX 16
#define POLL_NS (200 * FTL_MS)

static struct {
    uint16_t base;
    ftl_handle_t interrupt;
    struct ftl_loop *loop;
    channel_receive_fn receive;
    struct ftl_loop_timer drain_timer, poll_timer;
} u;

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
        size_t n = uart_receive(u.base, bytes, sizeof(bytes));
        if (n == 0) {
            return;
        }
        u.receive(bytes, n);
    }
    ftl_loop_timer_start(u.loop, &u.drain_timer, 0, 0, on_drain_due, NULL);
}

static void on_interrupt(struct ftl_loop *loop, const struct ftl_event *event,
                         void *arg)
{
    (void)loop, (void)event, (void)arg;
    // Unmasked before draining: bytes that come during the drain are
    // either read by it or raise the line again once it has dropped.
    ftl_interrupt_ack(u.interrupt);
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

static int uart_channel_start(struct ftl_loop *loop, channel_receive_fn receive)
{
    u.loop = loop;
    u.receive = receive;
    uart_init(u.base);
    int err = ftl_loop_add(loop, u.interrupt, on_interrupt, NULL);
    if (err < 0) {
        return err;
    }
    ftl_loop_timer_start(loop, &u.poll_timer, POLL_NS, POLL_NS, on_poll, NULL);
    return 0;
}

static void uart_channel_send(const void *data, size_t len)
{
    uart_send(u.base, data, len);
}

static const struct channel_ops uart_channel_ops = {
    .name = "COM2",
    .start = uart_channel_start,
    .send = uart_channel_send,
};

const struct channel_ops *uart_channel_open(uint16_t base,
                                            ftl_handle_t interrupt)
{
    if (!uart_present(base)) {
        return NULL;
    }
    u.base = base;
    u.interrupt = interrupt;
    return &uart_channel_ops;
}
