// A 16550A (the PC's serial port): registers as offsets from its base.
#include "uart.h"

#include <ftl/ioport.h>

#define UART_DATA 0
#define UART_INTERRUPT_ENABLE 1
#define UART_FIFO_CONTROL 2
#define UART_LINE_CONTROL 3
#define UART_MODEM_CONTROL 4
#define UART_LINE_STATUS 5
#define UART_SCRATCH 7
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define IER_RECEIVED 0x01
#define FCR_ON_CLEAR_TRIGGER_14 0xc7
#define MCR_DTR_RTS_OUT2 0x0b // OUT2 connects the interrupt line on a PC
#define FIFO_BYTES 16
#define SPINS_MAX 1000000

bool uart_present(uint16_t base)
{
    ftl_outb(base + UART_SCRATCH, 0x5a);
    if (ftl_inb(base + UART_SCRATCH) != 0x5a) {
        return false;
    }
    ftl_outb(base + UART_SCRATCH, 0xa5);
    return ftl_inb(base + UART_SCRATCH) == 0xa5;
}

void uart_init(uint16_t base)
{
    ftl_outb(base + UART_INTERRUPT_ENABLE, 0);
    ftl_outb(base + UART_LINE_CONTROL, LCR_DLAB);
    ftl_outb(base + UART_DATA, 1); // divisor 1: 115,200 baud
    ftl_outb(base + UART_INTERRUPT_ENABLE, 0);
    ftl_outb(base + UART_LINE_CONTROL, LCR_8N1);
    ftl_outb(base + UART_FIFO_CONTROL, FCR_ON_CLEAR_TRIGGER_14);
    ftl_outb(base + UART_MODEM_CONTROL, MCR_DTR_RTS_OUT2);
    ftl_outb(base + UART_INTERRUPT_ENABLE, IER_RECEIVED);
}

size_t uart_receive(uint16_t base, uint8_t *buf, size_t max)
{
    size_t n = 0;
    while (n < max && (ftl_inb(base + UART_LINE_STATUS) & LSR_DATA_READY)) {
        buf[n++] = ftl_inb(base + UART_DATA);
    }
    return n;
}

void uart_send(uint16_t base, const void *data, size_t len)
{
    const uint8_t *bytes = data;
    while (len > 0) {
        // Bounded: an unplugged port must not hang the service.
        for (int i = 0; i < SPINS_MAX; i++) {
            if (ftl_inb(base + UART_LINE_STATUS) & LSR_THR_EMPTY) {
                break;
            }
        }
        size_t n = len < FIFO_BYTES ? len : FIFO_BYTES;
        for (size_t i = 0; i < n; i++) {
            ftl_outb(base + UART_DATA, bytes[i]);
        }
        bytes += n;
        len -= n;
    }
}
