// FPU and SSE state of threads at a voluntary switch (see fpu.S). `area`
// is a thread's 512-byte, 16-byte aligned FXSAVE area.
#pragma once

// Stores the x87 and SSE control words into area.
void x64_fpu_save_control(void *area);

// Zeroes every x87, MMX and SSE register and loads the control words from
// area: what a thread that stopped inside a system call gets back.
void x64_fpu_reset(const void *area);
void x64_fpu_load_control(const void *area);
