// QEMU's "edu" teaching device (vendor 1234, device 11e8; QEMU's
// docs/specs/edu.rst): a PCI function with a 1 MiB MMIO BAR holding an
// identification register, a liveness register that inverts what is
// written, an interrupt it raises on request, and a DMA engine with a
// 4 KiB buffer of its own. The device tests drive it as a driver would.
#pragma once

#include <stdint.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_BAR_SIZE (1024 * 1024)

#define EDU_ID 0x00            // 0x010000ed: version 1.0
#define EDU_LIVENESS 0x04      // reads back the inverse of what was written
#define EDU_IRQ_STATUS 0x24    // raised interrupt bits
#define EDU_IRQ_RAISE 0x60     // bits written here are raised
#define EDU_IRQ_ACK 0x64       // bits written here are cleared
#define EDU_DMA_SOURCE 0x80    // 64-bit
#define EDU_DMA_DEST 0x88      // 64-bit
#define EDU_DMA_COUNT 0x90     // 64-bit
#define EDU_DMA_COMMAND 0x98   // 64-bit
#define EDU_DMA_START 1
#define EDU_DMA_TO_RAM 2       // else from RAM to the device's buffer
#define EDU_DMA_BUFFER 0x40000 // the device's buffer, in its DMA space

static inline uint32_t edu_read(volatile uint8_t *regs, unsigned offset)
{
    return *(volatile uint32_t *)(regs + offset);
}

static inline void edu_write(volatile uint8_t *regs, unsigned offset,
                             uint32_t value)
{
    *(volatile uint32_t *)(regs + offset) = value;
}

static inline uint64_t edu_read64(volatile uint8_t *regs, unsigned offset)
{
    return *(volatile uint64_t *)(regs + offset);
}

static inline void edu_write64(volatile uint8_t *regs, unsigned offset,
                               uint64_t value)
{
    *(volatile uint64_t *)(regs + offset) = value;
}
