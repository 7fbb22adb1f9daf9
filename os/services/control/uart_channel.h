// The control channel on a 16550A UART (uart.h): COM2 on a PC and on
// Google Compute Engine, with the ports and interrupt its spec grants.
#pragma once

#include <ftl/handle.h>

#include "channel.h"

#define UART_CHANNEL_COM2 0x2f8

// Takes the enabled I/O ports of the UART at base and its interrupt
// (which it then owns). Returns the channel, or NULL when no UART answers
// at base (a machine without a second serial port).
const struct channel_ops *uart_channel_open(uint16_t base,
                                            ftl_handle_t interrupt);
