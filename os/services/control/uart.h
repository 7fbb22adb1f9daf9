// The control channel's UART: a 16550A at an I/O port base (COM2 at 0x2f8
// on a PC and on Google Compute Engine), receiving by interrupt into the
// FIFO and sending polled, a FIFO's worth of bytes per status read.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Whether a UART answers at base (its scratch register keeps what is
// written): without one, every port reads 0xff and would look like an
// endless stream of bytes.
bool uart_present(uint16_t base);

// Sets 115,200 baud 8N1, FIFOs on (interrupt at 14 bytes, or when bytes
// wait), the receive interrupt on. The ports must be enabled already.
void uart_init(uint16_t base);

// Takes every byte waiting in the receive FIFO (at most max) into buf;
// returns how many.
size_t uart_receive(uint16_t base, uint8_t *buf, size_t max);

// Sends len bytes, waiting for room in the transmit FIFO.
void uart_send(uint16_t base, const void *data, size_t len);
