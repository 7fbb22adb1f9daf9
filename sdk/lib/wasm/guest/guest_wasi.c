// The few WASI functions that wasi-libc's stdio calls, implemented inside
// the module on FTL system calls, so that snprintf, printf and puts link
// and the module still imports only ftl.syscall (ftl/wasm.h). They take the
// names of wasi-libc's imports: wasm-ld binds its calls to these
// definitions instead of importing them.
//
// Standard output and error go to the console, each write one console
// line (wasi-libc buffers stdout by line). Nothing else is a file: other
// descriptors get WASI's EBADF, seeking ESPIPE. The clocks are FTL's
// monotonic one, as natively (sdk/lib/clock.c): clock_gettime, time() and
// nanosleep work as they do in a native program.
#include <stdint.h>
#include <string.h>

#include <ftl/console.h>
#include <ftl/process.h>
#include <ftl/time.h>

#define WASI_ESUCCESS 0
#define WASI_EBADF 8
#define WASI_EINVAL 28
#define WASI_ENOTSUP 58
#define WASI_ESPIPE 70
#define WASI_FILETYPE_CHARACTER_DEVICE 2

struct wasi_iovec {
    uint32_t base;
    uint32_t len;
};

// wasi-libc hands over a line in pieces (its buffer, then the rest):
// they are joined so that the console gets one line, not two.
#define WASI_LINE_MAX 1024

static void console_put(const char *text, uint32_t len)
{
    // The console writes a line at a time: drop the newline that ends a
    // write, as the native stdout does.
    if (len > 0 && text[len - 1] == '\n') {
        len--;
    }
    if (len > 0) {
        ftl_console_write(text, len, FTL_CONSOLE_PLAIN);
    }
}

int32_t __imported_wasi_snapshot_preview1_fd_write(int32_t fd, int32_t iovs,
                                                   int32_t iovs_len,
                                                   int32_t written)
{
    if (fd != 1 && fd != 2) {
        return WASI_EBADF;
    }
    static char line[WASI_LINE_MAX];
    uint32_t line_len = 0, total = 0;
    const struct wasi_iovec *iov = (const struct wasi_iovec *)(uintptr_t)iovs;
    for (int32_t i = 0; i < iovs_len; i++) {
        const char *text = (const char *)(uintptr_t)iov[i].base;
        for (uint32_t j = 0; j < iov[i].len; j++) {
            if (line_len == sizeof(line)) {
                console_put(line, line_len);
                line_len = 0;
            }
            line[line_len++] = text[j];
        }
        total += iov[i].len;
    }
    console_put(line, line_len);
    *(uint32_t *)(uintptr_t)written = total;
    return WASI_ESUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_fd_seek(int32_t fd, int64_t offset,
                                                  int32_t whence,
                                                  int32_t new_offset)
{
    (void)fd, (void)offset, (void)whence, (void)new_offset;
    return WASI_ESPIPE;
}

int32_t __imported_wasi_snapshot_preview1_fd_close(int32_t fd)
{
    (void)fd;
    return WASI_ESUCCESS;
}

// What isatty asks: standard output and error are terminals (so stdout is
// line-buffered).
int32_t __imported_wasi_snapshot_preview1_fd_fdstat_get(int32_t fd,
                                                        int32_t stat)
{
    if (fd < 0 || fd > 2) {
        return WASI_EBADF;
    }
    uint8_t *bytes = (uint8_t *)(uintptr_t)stat;
    for (int i = 0; i < 24; i++) { // sizeof(__wasi_fdstat_t)
        bytes[i] = 0;
    }
    bytes[0] = WASI_FILETYPE_CHARACTER_DEVICE;
    return WASI_ESUCCESS;
}

void __imported_wasi_snapshot_preview1_proc_exit(int32_t status)
{
    ftl_process_exit(status);
}

// WASI's clocks: realtime (0) and monotonic (1) are both FTL's clock since
// boot (no wall clock yet); the CPU-time clocks are not kept.
#define WASI_CLOCK_MONOTONIC 1

int32_t __imported_wasi_snapshot_preview1_clock_time_get(int32_t id,
                                                         int64_t precision,
                                                         int32_t time)
{
    (void)precision;
    if (id < 0 || id > WASI_CLOCK_MONOTONIC) {
        return WASI_EINVAL;
    }
    uint64_t now = ftl_clock_ns();
    memcpy((void *)(uintptr_t)time, &now, sizeof(now));
    return WASI_ESUCCESS;
}

// poll_oneoff with clock subscriptions only, which is what nanosleep and
// clock_nanosleep make: sleeps until the earliest deadline and reports
// that subscription. Offsets are WASI preview 1's (wasi/api.h): a
// subscription of 48 bytes (userdata at 0, the tag at 8, the clock's id at
// 16, timeout at 24, flags at 40), an event of 32 (userdata at 0, error at
// 8, type at 10).
#define WASI_SUBSCRIPTION_SIZE 48
#define WASI_EVENT_SIZE 32
#define WASI_EVENTTYPE_CLOCK 0
#define WASI_SUBCLOCKFLAGS_ABSTIME 1

int32_t __imported_wasi_snapshot_preview1_poll_oneoff(int32_t in, int32_t out,
                                                      int32_t subscriptions,
                                                      int32_t events)
{
    if (subscriptions <= 0) {
        return WASI_EINVAL;
    }
    const uint8_t *sub = (const uint8_t *)(uintptr_t)in;
    uint64_t now = ftl_clock_ns(), earliest = UINT64_MAX;
    int32_t first = 0;
    for (int32_t i = 0; i < subscriptions; i++, sub += WASI_SUBSCRIPTION_SIZE) {
        uint64_t timeout;
        uint16_t flags;
        memcpy(&timeout, sub + 24, sizeof(timeout));
        memcpy(&flags, sub + 40, sizeof(flags));
        if (sub[8] != WASI_EVENTTYPE_CLOCK) {
            return WASI_ENOTSUP; // no file descriptors to wait on
        }
        uint64_t deadline = (flags & WASI_SUBCLOCKFLAGS_ABSTIME) ? timeout
                            : timeout > UINT64_MAX - now ? UINT64_MAX
                                                         : now + timeout;
        if (deadline < earliest) {
            earliest = deadline;
            first = i;
        }
    }
    if (earliest > now) {
        ftl_sleep_ns(earliest - now);
    }
    uint8_t event[WASI_EVENT_SIZE] = {0};
    memcpy(event, (const uint8_t *)(uintptr_t)in + first * WASI_SUBSCRIPTION_SIZE,
           sizeof(uint64_t)); // userdata
    event[10] = WASI_EVENTTYPE_CLOCK;
    memcpy((void *)(uintptr_t)out, event, sizeof(event));
    const uint32_t one = 1;
    memcpy((void *)(uintptr_t)events, &one, sizeof(one));
    return WASI_ESUCCESS;
}
