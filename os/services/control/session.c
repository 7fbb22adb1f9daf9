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

#include "apply_relay.h"
#include "status_json.h"

#define COMMAND_MAX 128
#define REPLY_MAX (64 * 1024)
#define LOGS_REPLY_MAX (60 * 1024) // lines in one logs reply
// Past LOGS_REPLY_MAX: one more page (and a NL) and the cursor line.
#define LOGS_TEXT_CAP (LOGS_REPLY_MAX + FTL_MSG_BODY_MAX + 64)

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

void session_progress(uint32_t seq, const char *line, size_t len)
{
    send_frame('P', seq, line, (uint32_t)len, true);
}

void session_reply(uint32_t seq, bool ok, const char *text)
{
    reply_text(seq, ok, text);
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

// A `logs NAME CURSOR` request: the supervisor's pages of lines (GETATTR
// log/NAME/CURSOR: "CURSOR TEXT" lines of at most 4 KiB, the last cursor
// as the value) gathered into one reply of plain lines and `cursor N`.
struct logs_call {
    uint32_t seq;
    char name[64];
    unsigned long long cursor;
    char *text;
    size_t len;
};

static void logs_next(struct logs_call *call);

static void logs_finish(struct logs_call *call, int error)
{
    if (error < 0) {
        reply_text(call->seq, false,
                   error == FTL_ERR_NOT_FOUND ? "no such service"
                                              : ftl_error_str(error));
    } else {
        int n = snprintf(call->text + call->len, LOGS_TEXT_CAP - call->len,
                         "cursor %llu\n", call->cursor);
        reply(call->seq, true, call->text, call->len + (size_t)n);
    }
    free(call->text);
    free(call);
}

// Appends the page's lines without their cursors.
static void logs_take(struct logs_call *call, const char *body, size_t len)
{
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(body + at, '\n', len - at);
        size_t end = nl != NULL ? (size_t)(nl - body) : len;
        const char *space = memchr(body + at, ' ', end - at);
        size_t from = space != NULL ? (size_t)(space - body) + 1 : at;
        memcpy(call->text + call->len, body + from, end - from);
        call->len += end - from;
        call->text[call->len++] = '\n';
        at = end + 1;
    }
}

static void on_logs(const struct ftl_result *result, void *arg)
{
    struct logs_call *call = arg;
    if (result->error < 0) {
        // Nothing kept under that name: an error at the first page only.
        logs_finish(call, call->len == 0 ? result->error : 0);
        return;
    }
    logs_take(call, result->body, result->body_len);
    call->cursor = result->value;
    if (result->body_len == 0 || call->len >= LOGS_REPLY_MAX) {
        logs_finish(call, 0);
    } else {
        logs_next(call);
    }
}

static void logs_next(struct logs_call *call)
{
    char attr[96];
    snprintf(attr, sizeof(attr), "log/%s/%llu", call->name, call->cursor);
    int err = ftl_client_getattr(s.supervisor, attr, on_logs, call);
    if (err < 0) {
        logs_finish(call, err);
    }
}

static void logs(uint32_t seq, const char *name, unsigned long long cursor)
{
    struct logs_call *call = calloc(1, sizeof(*call));
    char *text = malloc(LOGS_TEXT_CAP);
    if (call == NULL || text == NULL) {
        free(call);
        free(text);
        reply_text(seq, false, "out of memory");
        return;
    }
    call->seq = seq;
    snprintf(call->name, sizeof(call->name), "%s", name);
    call->cursor = cursor;
    call->text = text;
    logs_next(call);
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
        logs(seq, name, cursor);
        return;
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
    if (line == 5 && memcmp(f->payload, "apply", 5) == 0) {
        size_t tail = nl != NULL ? line + 1 : f->len;
        s.busy_seq = f->seq;
        apply_relay(s.loop, s.supervisor, f->seq, f->payload + tail,
                    f->len - tail);
        return;
    }
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
