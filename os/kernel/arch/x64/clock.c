// Clock and timer of the x86-64 port. The TSC is the clock (invariant on
// every CPU FTL targets; under TCG it follows the host clock). Both the TSC
// and the local APIC timer are calibrated against the PIT's channel 2, whose
// input is a fixed 1.193182 MHz, over CALIBRATION_MS.
#include "clock.h"

#include "arch/x64/apic.h"
#include "arch/x64/asm.h"
#include "hot.h"
#include "log.h"

#define PIT_HZ 1193182ULL
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE 0x61
#define PIT_GATE_ENABLE 0x01
#define PIT_SPEAKER 0x02
#define PIT_OUT2 0x20
#define CALIBRATION_MS 10

KERNEL_HOT_DATA static uint64_t tsc_at_boot;
static uint64_t tsc_hz;
// Nanoseconds per TSC tick, 32.32 fixed point.
KERNEL_HOT_DATA static uint64_t ns_per_tsc_32;
// TSC ticks per nanosecond, 40.24 fixed point.
KERNEL_HOT_DATA static uint64_t tsc_per_ns_24;
static uint64_t apic_ticks_per_ms;

// Busy-waits CALIBRATION_MS on the PIT; returns the TSC ticks and APIC
// timer ticks that passed meanwhile.
static void measure(uint64_t *tsc_ticks, uint32_t *apic_ticks)
{
    uint16_t count = (uint16_t)(PIT_HZ * CALIBRATION_MS / 1000);
    uint8_t gate = x64_inb(PIT_GATE);
    x64_outb(PIT_GATE, (gate & ~PIT_SPEAKER) & ~PIT_GATE_ENABLE);
    x64_outb(PIT_COMMAND, 0xb0); // channel 2, lobyte/hibyte, mode 0
    x64_outb(PIT_CHANNEL2, count & 0xff);
    x64_outb(PIT_CHANNEL2, count >> 8);
    apic_timer_start_count();
    uint64_t start = x64_rdtsc();
    x64_outb(PIT_GATE, (gate & ~PIT_SPEAKER) | PIT_GATE_ENABLE);
    while (!(x64_inb(PIT_GATE) & PIT_OUT2)) {
        x64_pause();
    }
    *tsc_ticks = x64_rdtsc() - start;
    *apic_ticks = 0xffffffff - apic_timer_read_count();
    x64_outb(PIT_GATE, gate);
}

void clock_init(void)
{
    uint64_t tsc_ticks;
    uint32_t apic_ticks;
    measure(&tsc_ticks, &apic_ticks);
    tsc_hz = tsc_ticks * (1000 / CALIBRATION_MS);
    apic_ticks_per_ms = apic_ticks / CALIBRATION_MS;
    ns_per_tsc_32 = (1000000000ULL << 32) / tsc_hz;
    tsc_per_ns_24 = (tsc_hz << 24) / 1000000000ULL;
    tsc_at_boot = x64_rdtsc();
    apic_timer_stop();
    LOG_INFO("clock: TSC %lu MHz, APIC timer %lu kHz",
             (unsigned long)(tsc_hz / 1000000),
             (unsigned long)apic_ticks_per_ms);
}

uint64_t clock_now_ns(void)
{
    uint64_t ticks = x64_rdtsc() - tsc_at_boot;
    return (uint64_t)(((unsigned __int128)ticks * ns_per_tsc_32) >> 32);
}

// The farthest deadline clock_arm programs: its tick products cannot
// overflow, and the APIC's 32-bit count is capped besides.
#define CLOCK_ARM_MAX_NS (60ULL * 1000 * 1000 * 1000)

// Not inlined: the scheduler's arm_timer, on the switch path, calls it only
// when the deadline moves earlier, and its device writes would otherwise
// take room on the hot pages (hot.h).
__attribute__((noinline)) void clock_arm(uint64_t deadline_ns)
{
    if (deadline_ns == 0) {
        apic_timer_stop();
        return;
    }
    uint64_t now = clock_now_ns();
    uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    // Far deadlines are cut to what the hardware counts without overflow
    // (the tick products below wrapped, and a wrapped TSC deadline lies in
    // the past); the interrupt then just arms again.
    if (delta > CLOCK_ARM_MAX_NS) {
        delta = CLOCK_ARM_MAX_NS;
    }
    if (apic_has_tsc_deadline()) {
        uint64_t ticks =
            (uint64_t)(((unsigned __int128)delta * tsc_per_ns_24) >> 24);
        apic_timer_set_tsc_deadline(x64_rdtsc() + ticks + 1);
        return;
    }
    uint64_t ticks = delta * apic_ticks_per_ms / 1000000;
    apic_timer_set_oneshot(ticks > 0xffffffff ? 0xffffffff : (uint32_t)ticks);
}

uint64_t clock_cycles_per_second(void)
{
    return tsc_hz;
}
