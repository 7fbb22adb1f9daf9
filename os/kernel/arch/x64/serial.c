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
#define UART_FIFO_BYTES 16 // a 16550A's transmit FIFO

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

// Waits until the transmitter is empty: with the FIFOs on (serial_init),
// that is room for UART_FIFO_BYTES bytes.
static void serial_wait_empty(void)
{
    // Bounded wait: a missing or wedged UART must not hang the kernel.
    for (int i = 0; i < UART_SPINS_MAX; i++) {
        if (x64_inb(COM1 + UART_LINE_STATUS) & UART_LINE_STATUS_THR_EMPTY) {
            return;
        }
        x64_pause();
    }
}

// One status read per FIFO's worth of bytes, not one per byte: a port
// read is a bus cycle of about a microsecond on real hardware and an exit
// to the hypervisor in a virtual machine.
void serial_write(const char *text, size_t len)
{
    unsigned room = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned need = text[i] == '\n' ? 2 : 1; // "\r\n" for a line end
        if (room < need) {
            serial_wait_empty();
            room = UART_FIFO_BYTES;
        }
        if (text[i] == '\n') {
            x64_outb(COM1 + UART_DATA, '\r');
        }
        x64_outb(COM1 + UART_DATA, (uint8_t)text[i]);
        room -= need;
    }
}
