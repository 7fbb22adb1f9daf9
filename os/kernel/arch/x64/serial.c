// The first serial port (COM1, a 16550 UART): the kernel's console. Polled,
// no interrupts: the console must work before anything else does and from
// any context, including a fault handler.
#include "arch/x64/serial.h"

#include "arch/x64/asm.h"

#define COM1 0x3f8
#define UART_DATA 0
#define UART_INTERRUPT_ENABLE 1
#define UART_FIFO_CONTROL 2
#define UART_LINE_CONTROL 3
#define UART_MODEM_CONTROL 4
#define UART_LINE_STATUS 5
#define UART_LINE_STATUS_THR_EMPTY 0x20
#define UART_DLAB 0x80
#define UART_8N1 0x03
#define UART_SPINS_MAX 100000

void serial_init(void)
{
    x64_outb(COM1 + UART_INTERRUPT_ENABLE, 0);
    x64_outb(COM1 + UART_LINE_CONTROL, UART_DLAB);
    x64_outb(COM1 + UART_DATA, 1); // divisor 1: 115200 baud
    x64_outb(COM1 + UART_INTERRUPT_ENABLE, 0);
    x64_outb(COM1 + UART_LINE_CONTROL, UART_8N1);
    x64_outb(COM1 + UART_FIFO_CONTROL, 0xc7);  // enable and clear FIFOs
    x64_outb(COM1 + UART_MODEM_CONTROL, 0x03); // DTR, RTS
}

static void serial_put_byte(uint8_t byte)
{
    // Bounded wait: a missing or wedged UART must not hang the kernel.
    for (int i = 0; i < UART_SPINS_MAX; i++) {
        if (x64_inb(COM1 + UART_LINE_STATUS) & UART_LINE_STATUS_THR_EMPTY) {
            break;
        }
        x64_pause();
    }
    x64_outb(COM1 + UART_DATA, byte);
}

void serial_write(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            serial_put_byte('\r');
        }
        serial_put_byte((uint8_t)text[i]);
    }
}
