// The guest end of the control protocol. One session at a time (a HELLO
// starts a new one) and one request at a time: a request that comes while
// another is answered is refused ("busy"), as the host waits for each
// reply. Nothing here trusts the host's bytes before their MAC checks.
#include "session.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/message.h>
#include <ftl/time.h>

#include "status_json.h"

#define COMMAND_MAX 128
#define REPLY_MAX (64 * 1024)

static struct {
    struct ftl_loop *loop;
    struct ftl_client *supervisor, *random;
    uint8_t key[FRAME_KEY];
    session_send_fn send;
    struct frame_reader reader;
    uint8_t nonce[FRAME_NONCE];
    bool live;         // a challenge was sent: requests may come
    bool nonce_asked;  // a READ of random is under way
    uint32_t last_seq; // the highest accepted
    uint32_t busy_seq; // the request being answered, 0 if none
    uint64_t started_ns;
} s;

static void send_frame(char type, uint32_t seq, const void *payload,
                       uint32_t len, bool signed_frame)
{
    uint8_t *out = malloc(FRAME_HEAD + len + FRAME_MAC);
    if (out == NULL) {
        FTL_LOG_WARN("out of memory for a %u-byte reply", (unsigned)len);
        return;
    }
    size_t n = frame_encode(out, signed_frame ? s.key : NULL, s.nonce, type,
                            seq, payload, len);
    s.send(out, n);
    free(out);
}

static void refuse(uint32_t seq, const char *why)
{
    send_frame('X', seq, why, (uint32_t)strlen(why), false);
}

// The final answer to request seq: "ok\n" or "error\n", then body.
static void reply(uint32_t seq, bool ok, const char *body, size_t len)
{
    const char *word = ok ? "ok\n" : "error\n";
    size_t head = strlen(word);
    char *payload = malloc(head + len);
    if (payload == NULL) {
        return;
    }
    memcpy(payload, word, head);
    memcpy(payload + head, body, len);
    send_frame('R', seq, payload, (uint32_t)(head + len), true);
    free(payload);
    if (s.busy_seq == seq) {
        s.busy_seq = 0;
    }
}

static void reply_text(uint32_t seq, bool ok, const char *text)
{
    reply(seq, ok, text, strlen(text));
}

static void on_nonce(const struct ftl_result *result, void *arg)
{
    (void)arg;
    s.nonce_asked = false;
    if (result->error < 0 || result->value != FRAME_NONCE) {
        FTL_LOG_ERROR("no nonce from random: %s",
                      ftl_error_str(result->error < 0 ? result->error
                                                      : FTL_ERR_IO));
        refuse(0, "no random numbers");
        return;
    }
    s.live = true;
    s.last_seq = 0;
    s.busy_seq = 0;
    send_frame('C', 0, s.nonce, FRAME_NONCE, true);
}

static void hello(void)
{
    s.live = false; // the old nonce is over
    if (s.nonce_asked) {
        return; // the challenge under way answers this HELLO too
    }
    int err = ftl_client_read(s.random, 0, s.nonce, FRAME_NONCE, on_nonce,
                              NULL);
    if (err < 0) {
        on_nonce(&(struct ftl_result){.error = err}, NULL);
        return;
    }
    s.nonce_asked = true;
}

static void on_status(const struct ftl_result *result, void *arg)
{
    uint32_t seq = (uint32_t)(uintptr_t)arg;
    if (result->error < 0) {
        reply_text(seq, false, ftl_error_str(result->error));
        return;
    }
    char table[FTL_MSG_BODY_MAX + 1];
    size_t len = result->body_len < FTL_MSG_BODY_MAX ? result->body_len
                                                     : FTL_MSG_BODY_MAX;
    memcpy(table, result->body, len);
    table[len] = '\0';
    static char json[REPLY_MAX];
    size_t n = status_json(table, (ftl_clock_ns() - s.started_ns) / FTL_MS,
                           json, sizeof(json));
    reply(seq, n > 0, n > 0 ? json : "status too large", n > 0 ? n : 16);
}

static void on_logs(const struct ftl_result *result, void *arg)
{
    uint32_t seq = (uint32_t)(uintptr_t)arg;
    if (result->error < 0) {
        reply_text(seq, false, ftl_error_str(result->error));
        return;
    }
    reply(seq, true, result->body, result->body_len);
}

// Runs an authenticated command line.
static void run(uint32_t seq, const char *line, size_t len)
{
    char command[COMMAND_MAX];
    if (len >= sizeof(command)) {
        reply_text(seq, false, "command too long");
        return;
    }
    memcpy(command, line, len);
    command[len] = '\0';
    s.busy_seq = seq;
    void *arg = (void *)(uintptr_t)seq;
    char name[64];
    unsigned long long cursor;
    int err;
    if (strcmp(command, "status") == 0) {
        err = ftl_client_getattr(s.supervisor, "status", on_status, arg);
    } else if (sscanf(command, "logs %63s %llu", name, &cursor) == 2) {
        char attr[96];
        snprintf(attr, sizeof(attr), "log/%s/%llu", name, cursor);
        err = ftl_client_getattr(s.supervisor, attr, on_logs, arg);
    } else {
        reply_text(seq, false, "unknown command");
        return;
    }
    if (err < 0) {
        reply_text(seq, false, ftl_error_str(err));
    }
}

static void on_request(const struct frame *f)
{
    if (!s.live) {
        refuse(f->seq, "no session");
        return;
    }
    if (!frame_mac_ok(s.key, s.nonce, f)) {
        refuse(f->seq, "bad mac");
        return;
    }
    if (f->seq <= s.last_seq) {
        refuse(f->seq, "replayed seq");
        return;
    }
    s.last_seq = f->seq;
    if (s.busy_seq != 0) {
        refuse(f->seq, "busy");
        return;
    }
    const char *nl = memchr(f->payload, '\n', f->len);
    size_t line = nl != NULL ? (size_t)(nl - (const char *)f->payload) : f->len;
    run(f->seq, (const char *)f->payload, line);
}

static void on_frame(const struct frame *f, void *arg)
{
    (void)arg;
    if (f == NULL) {
        refuse(0, "too large");
    } else if (f->type == 'H') {
        hello();
    } else if (f->type == 'Q') {
        on_request(f);
    } else {
        refuse(f->seq, "bad frame");
    }
}

int session_init(struct ftl_loop *loop, struct ftl_client *supervisor,
                 struct ftl_client *random, const uint8_t key[FRAME_KEY],
                 session_send_fn send)
{
    s.loop = loop;
    s.supervisor = supervisor;
    s.random = random;
    memcpy(s.key, key, FRAME_KEY);
    s.send = send;
    s.started_ns = ftl_clock_ns();
    return 0;
}

void session_input(const uint8_t *data, size_t len)
{
    if (frame_reader_feed(&s.reader, data, len, ftl_clock_ns(), on_frame,
                          NULL) < 0) {
        FTL_LOG_WARN("out of memory for a frame: dropped");
    }
}
