// System call handlers of IPC: channels, calls with memory copy, sinks and
// timers. Registered in syscall.c's table.
#pragma once

#include <stdint.h>

long sys_channel_create(uint64_t uends);
long sys_channel_send(uint64_t h, uint64_t umsg, uint64_t ubody);
long sys_channel_recv(uint64_t h, uint64_t umsg, uint64_t ubody,
                      uint64_t body_max);
long sys_channel_discard(uint64_t h);
long sys_copy_to_caller(uint64_t h, uint64_t id, uint64_t offset, uint64_t usrc,
                        uint64_t len);
long sys_copy_from_caller(uint64_t h, uint64_t id, uint64_t offset,
                          uint64_t udst, uint64_t len);
long sys_sink_create(void);
long sys_sink_add(uint64_t sink, uint64_t h, uint64_t cookie);
long sys_sink_remove(uint64_t sink, uint64_t h);
long sys_sink_wait(uint64_t sink, uint64_t uevent, uint64_t timeout_ns);
long sys_timer_create(void);
long sys_timer_set(uint64_t h, uint64_t deadline_ns, uint64_t period_ns);
