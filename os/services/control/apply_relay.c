// The apply relay (apply_relay.h). While the supervisor's WRITE is under
// way, its report is polled (GETATTR apply/progress/OFFSET, every
// POLL_NS) and each new line goes to the host at once; the WRITE's reply,
// which holds the whole report, then brings the lines not sent yet, so
// that a step is told once whether a poll saw it or not.
#include "apply_relay.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/time.h>

#include "session.h"

#define POLL_NS (50 * FTL_MS)

static struct {
    struct ftl_loop *loop;
    struct ftl_client *supervisor;
    uint8_t *bundle; // the WRITE needs the bytes until its reply
    uint32_t seq;
    size_t sent;  // bytes of the report the host has
    bool polling; // a GETATTR is under way
    struct ftl_loop_timer timer;
} r;

// Sends the whole lines of text, the report from byte r.sent on, as P
// frames.
static void send_lines(const char *text, size_t len)
{
    size_t at = 0;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        if (nl == NULL) {
            break;
        }
        session_progress(r.seq, text + at, (size_t)(nl - (text + at)));
        at = (size_t)(nl - text) + 1;
    }
    r.sent += at;
}

static void poll_later(void);

static void on_progress(const struct ftl_result *result, void *arg)
{
    uint32_t seq = (uint32_t)(uintptr_t)arg;
    r.polling = false;
    if (r.bundle == NULL || seq != r.seq) {
        return; // the apply was answered meanwhile
    }
    if (result->error == 0) {
        send_lines(result->body, result->body_len); // from r.sent on
    }
    poll_later();
}

static void on_poll_due(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                        void *arg)
{
    (void)loop, (void)timer, (void)arg;
    if (r.bundle == NULL || r.polling) {
        return;
    }
    char attr[48];
    snprintf(attr, sizeof(attr), "apply/progress/%zu", r.sent);
    if (ftl_client_getattr(r.supervisor, attr, on_progress,
                           (void *)(uintptr_t)r.seq) == 0) {
        r.polling = true;
    } else {
        poll_later(); // no call slot now: the WRITE's reply tells all
    }
}

static void poll_later(void)
{
    ftl_loop_timer_start(r.loop, &r.timer, POLL_NS, 0, on_poll_due, NULL);
}

static void on_applied(const struct ftl_result *result, void *arg)
{
    uint32_t seq = (uint32_t)(uintptr_t)arg;
    ftl_loop_timer_cancel(r.loop, &r.timer);
    free(r.bundle); // up to 16 MiB, not kept past its reply
    r.bundle = NULL;
    if (result->error < 0) {
        session_reply(seq, false, ftl_error_str(result->error));
        return;
    }
    if (r.sent < result->body_len) {
        send_lines(result->body + r.sent, result->body_len - r.sent);
    }
    if (r.sent < result->body_len) {
        // A last line without its newline: a refusal's reason.
        session_progress(seq, result->body + r.sent, result->body_len - r.sent);
    }
    int64_t value = (int64_t)result->value;
    if (value < 0) {
        session_reply(seq, false, "the bundle was refused");
    } else if (value > 0) {
        char text[64];
        snprintf(text, sizeof(text), "%lld service(s) rolled back",
                 (long long)value);
        session_reply(seq, false, text);
    } else {
        session_reply(seq, true, "applied");
    }
}

void apply_relay(struct ftl_loop *loop, struct ftl_client *supervisor,
                 uint32_t seq, const uint8_t *bundle, size_t len)
{
    r.loop = loop;
    r.supervisor = supervisor;
    r.bundle = malloc(len > 0 ? len : 1);
    if (r.bundle == NULL) {
        session_reply(seq, false, "out of memory");
        return;
    }
    memcpy(r.bundle, bundle, len);
    r.seq = seq;
    r.sent = 0;
    int err = ftl_client_write(supervisor, 0, r.bundle, len, on_applied,
                               (void *)(uintptr_t)seq);
    if (err < 0) {
        free(r.bundle);
        r.bundle = NULL;
        session_reply(seq, false, ftl_error_str(err));
        return;
    }
    poll_later();
}
