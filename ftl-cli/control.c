// The control channel's host end (control.h). Frames are read from a
// small buffer over the transport's socket (control_transport.h), skipping
// bytes up to the next "FTL1" as the protocol asks; every wait has a
// deadline on the monotonic clock. The MAC
// is OpenSSL's one-shot HMAC over the frame's authenticated bytes, copied
// into one buffer (payloads are small, apply's archives aside).
#include "control.h"

#include "control_transport.h"
#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "FTL1"
#define HEADER_BYTES 13
#define MAC_BYTES 32

struct frame {
    uint8_t type;
    uint32_t seq;
    uint32_t len;
    uint8_t *payload; // len bytes and a NUL, malloc'ed
    uint8_t mac[MAC_BYTES];
};

// Why a frame could not be read.
enum read_error {
    READ_TIMED_OUT = -1,
    READ_CLOSED = -2,
    READ_FAILED = -3, // errno says why
    READ_TOO_LARGE = -4,
    READ_CUT = -5, // the deadline came inside a frame, which is lost
};

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int control_key_read(const char *path, uint8_t key[CONTROL_KEY_BYTES])
{
    char *text = file_read(path);
    if (text == NULL) {
        return -1;
    }
    int err = strcspn(text, "\r\n") == CONTROL_KEY_BYTES * 2 ? 0 : -1;
    for (size_t i = 0; err == 0 && i < CONTROL_KEY_BYTES; i++) {
        int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            err = -1;
        } else {
            key[i] = (uint8_t)(hi << 4 | lo);
        }
    }
    // The key's text is not left in freed memory.
    OPENSSL_cleanse(text, strlen(text));
    free(text);
    if (err < 0) {
        errno = EINVAL;
    }
    return err;
}

// Writes a fresh key to path, which must not exist (O_EXCL: two builds at
// once cannot both make one).
static int key_write(const char *path)
{
    uint8_t key[CONTROL_KEY_BYTES];
    if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
        return -1;
    }
    char hex[CONTROL_KEY_BYTES * 2 + 2];
    for (size_t i = 0; i < CONTROL_KEY_BYTES; i++) {
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    }
    strcat(hex, "\n");
    if (dir_create(path_dir(path)) < 0) {
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = write(fd, hex, strlen(hex));
    int err = n == (ssize_t)strlen(hex) ? 0 : -1;
    if (close(fd) < 0 || err < 0) {
        unlink(path);
        return -1;
    }
    return 0;
}

int control_key_make(const char *path)
{
    int made = 0;
    if (!path_exists(path)) {
        if (key_write(path) < 0 && errno != EEXIST) {
            return -out_error(EXIT_FAILED, NULL, "cannot make %s: %s", path,
                              strerror(errno));
        }
        made = 1;
    }
    uint8_t key[CONTROL_KEY_BYTES];
    if (control_key_read(path, key) < 0) {
        return -out_error(EXIT_FAILED,
                          "delete it to get a new one (a running system "
                          "then needs a rebuild and a restart)",
                          "%s is not a control key (64 hex digits): %s", path,
                          strerror(errno));
    }
    return made;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// The deadline timeout_s from now; 0 (none) for 0.
static int64_t deadline_after(unsigned timeout_s)
{
    return timeout_s == 0 ? 0 : now_ms() + (int64_t)timeout_s * 1000;
}

static void put_le32(uint8_t *at, uint32_t v)
{
    at[0] = (uint8_t)v;
    at[1] = (uint8_t)(v >> 8);
    at[2] = (uint8_t)(v >> 16);
    at[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
           (uint32_t)at[3] << 24;
}

// HMAC-SHA256(key, nonce || type || seq || len || payload).
static void mac_compute(const uint8_t key[CONTROL_KEY_BYTES],
                        const uint8_t nonce[CONTROL_NONCE_BYTES], uint8_t type,
                        uint32_t seq, const uint8_t *payload, uint32_t len,
                        uint8_t mac[MAC_BYTES])
{
    size_t total = CONTROL_NONCE_BYTES + 9 + (size_t)len;
    uint8_t *data = malloc(total);
    if (data == NULL) {
        abort();
    }
    memcpy(data, nonce, CONTROL_NONCE_BYTES);
    data[CONTROL_NONCE_BYTES] = type;
    put_le32(data + CONTROL_NONCE_BYTES + 1, seq);
    put_le32(data + CONTROL_NONCE_BYTES + 5, len);
    if (len > 0) {
        memcpy(data + CONTROL_NONCE_BYTES + 9, payload, len);
    }
    unsigned mac_len = MAC_BYTES;
    HMAC(EVP_sha256(), key, CONTROL_KEY_BYTES, data, total, mac, &mac_len);
    free(data);
}

static bool mac_is_valid(const struct control *c, const struct frame *f,
                         const uint8_t nonce[CONTROL_NONCE_BYTES])
{
    uint8_t want[MAC_BYTES];
    mac_compute(c->key, nonce, f->type, f->seq, f->payload, f->len, want);
    return CRYPTO_memcmp(want, f->mac, MAC_BYTES) == 0;
}

static int send_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

// Sends a frame: with the session's MAC, or 32 zero bytes (hello).
static int frame_send(struct control *c, uint8_t type, uint32_t seq,
                      const uint8_t *payload, uint32_t len, bool with_mac)
{
    uint8_t header[HEADER_BYTES], mac[MAC_BYTES] = {0};
    memcpy(header, MAGIC, 4);
    header[4] = type;
    put_le32(header + 5, seq);
    put_le32(header + 9, len);
    if (with_mac) {
        mac_compute(c->key, c->nonce, type, seq, payload, len, mac);
    }
    if (send_all(c->tr.fd, header, sizeof(header)) < 0 ||
        (len > 0 && send_all(c->tr.fd, payload, len) < 0) ||
        send_all(c->tr.fd, mac, sizeof(mac)) < 0) {
        if (c->tr.relay_pid != 0) {
            return control_transport_closed(&c->tr, "end of a write");
        }
        return out_error(EXIT_FAILED, "the system may have stopped",
                         "cannot write to %s: %s", c->tr.where,
                         strerror(errno));
    }
    return 0;
}

// Reads more bytes into c->in (which the caller emptied); 0 or a
// read_error.
static int in_fill(struct control *c, int64_t deadline)
{
    for (;;) {
        int wait = -1;
        if (deadline != 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                return READ_TIMED_OUT;
            }
            wait = (int)left;
        }
        struct pollfd p = {.fd = c->tr.fd, .events = POLLIN};
        int ready = poll(&p, 1, wait);
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready < 0) {
            return READ_FAILED;
        }
        if (ready == 0) {
            continue; // the deadline check above ends the wait
        }
        ssize_t n = read(c->tr.fd, c->in, sizeof(c->in));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        // A peer that closes with our bytes unread resets the connection
        // (gcloud that exits at once): that is a close too.
        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
            return READ_CLOSED;
        }
        if (n < 0) {
            return READ_FAILED;
        }
        c->in_off = 0;
        c->in_len = (size_t)n;
        return 0;
    }
}

// Takes len bytes into buf (NULL: drops them).
static int take(struct control *c, uint8_t *buf, size_t len, int64_t deadline)
{
    while (len > 0) {
        if (c->in_off == c->in_len) {
            int err = in_fill(c, deadline);
            if (err < 0) {
                return err;
            }
        }
        size_t n = c->in_len - c->in_off < len ? c->in_len - c->in_off : len;
        if (buf != NULL) {
            memcpy(buf, c->in + c->in_off, n);
            buf += n;
        }
        c->in_off += n;
        len -= n;
    }
    return 0;
}

// Skips bytes up to and including the next "FTL1".
static int magic_skip(struct control *c, int64_t deadline)
{
    size_t matched = 0;
    while (matched < 4) {
        uint8_t b;
        int err = take(c, &b, 1, deadline);
        if (err < 0) {
            return err;
        }
        // "FTL1" has no prefix that is also a suffix: a mismatch restarts.
        matched = b == (uint8_t)MAGIC[matched] ? matched + 1
                                               : (b == (uint8_t)MAGIC[0]);
    }
    return 0;
}

// Reads the next frame into *f (f->payload to be freed); 0 or a read_error.
static int frame_read(struct control *c, struct frame *f, int64_t deadline)
{
    uint8_t header[HEADER_BYTES - 4];
    int err = magic_skip(c, deadline);
    if (err == 0 && (err = take(c, header, sizeof(header), deadline)) < 0) {
        err = err == READ_TIMED_OUT ? READ_CUT : err;
    }
    if (err < 0) {
        return err;
    }
    f->type = header[0];
    f->seq = get_le32(header + 1);
    f->len = get_le32(header + 5);
    if (f->len > CONTROL_PAYLOAD_MAX) {
        return READ_TOO_LARGE;
    }
    f->payload = malloc((size_t)f->len + 1);
    if (f->payload == NULL) {
        abort();
    }
    err = take(c, f->payload, f->len, deadline);
    if (err == 0) {
        err = take(c, f->mac, MAC_BYTES, deadline);
    }
    if (err < 0) {
        free(f->payload);
        return err == READ_TIMED_OUT ? READ_CUT : err;
    }
    f->payload[f->len] = '\0';
    return 0;
}

// The message for a read_error while waiting for `what`.
static int read_failure(struct control *c, int err, const char *what,
                        unsigned timeout_s)
{
    switch (err) {
    case READ_TIMED_OUT:
    case READ_CUT:
        return out_error(EXIT_FAILED,
                         "a slow system (TCG) may need more time; only one "
                         "command at a time can use the channel",
                         "no %s from the running system within %u s", what,
                         timeout_s);
    case READ_CLOSED:
        return control_transport_closed(&c->tr, what);
    case READ_TOO_LARGE:
        return out_error(EXIT_FAILED, NULL,
                         "the system sent a frame over 16 MiB while waiting "
                         "for the %s",
                         what);
    default:
        return out_error(EXIT_FAILED, NULL, "cannot read %s: %s", c->tr.where,
                         strerror(errno));
    }
}

static int refused(const struct frame *f)
{
    return out_error(EXIT_FAILED, NULL, "the system refused the request: %.*s",
                     (int)strcspn((char *)f->payload, "\n"),
                     (char *)f->payload);
}

// What the hello has seen: the last C frame (its nonce, and whether its
// MAC holds under our key), and the times that bound the wait.
struct hello {
    bool seen; // a C frame came
    bool valid;
    uint8_t nonce[CONTROL_NONCE_BYTES];
    int64_t deadline; // of the whole hello
    int64_t resend;   // when to send H (again); 0: never
    int64_t settled;  // once a C came: when it is taken
};

static int hello_timed_out(const struct control *c)
{
    if (c->tr.relay_pid == 0) {
        return out_error(EXIT_FAILED,
                         "the system needs the `control` service: add "
                         "virtio_rng, random and control to spec.services "
                         "in ftl.yaml; only one command at a time can use "
                         "the channel",
                         "no answer from the running system's control "
                         "service within %u s",
                         c->tr.hello_timeout_s);
    }
    return out_error(EXIT_FAILED,
                     "the instance may still be booting (`ftl logs gce NAME` "
                     "shows its console); its system needs the `control` "
                     "service (virtio_rng, random and control in "
                     "spec.services); one command at a time",
                     "no answer from the control service on the %s within "
                     "%u s",
                     c->tr.where, c->tr.hello_timeout_s);
}

static int hello_wrong_key(const struct control *c)
{
    return out_error(EXIT_FAILED,
                     c->tr.relay_pid == 0
                         ? "stop it and start it again (`ftl stop`, `ftl "
                           "run`) to boot this build's image"
                         : "deploy this build's image (`ftl deploy gce`), or "
                           "give the key the instance's image was built "
                           "with (--key)",
                     "the running system was built with another key (its "
                     "challenge does not match %s)",
                     c->key_path);
}

// When the next read of the hello gives up waiting.
static int64_t hello_until(const struct hello *h)
{
    if (h->seen) {
        return h->settled;
    }
    return h->resend != 0 && h->resend < h->deadline ? h->resend : h->deadline;
}

// Takes one frame of the hello; 0, or an exit code (refused).
static int hello_take(struct control *c, struct hello *h, struct frame *f)
{
    int err = 0;
    if (f->type == 'X') {
        err = refused(f);
    } else if (f->type == 'C' && f->len == CONTROL_NONCE_BYTES) {
        h->seen = true;
        h->valid = mac_is_valid(c, f, f->payload);
        memcpy(h->nonce, f->payload, CONTROL_NONCE_BYTES);
        h->settled = now_ms() + c->tr.hello_settle_ms;
    }
    free(f->payload);
    return err;
}

// Sends H and waits for the C frame, whose MAC (with its own nonce) says
// whether the system holds our key. Frames before it (the end of an
// earlier session) are skipped. Over the relay, H goes again every
// hello_resend_s until a C comes, and the C taken is the last one before
// hello_settle_ms of quiet: each H makes the guest start a new session,
// so only the answer to the last H that reached it holds.
static int session_open(struct control *c)
{
    struct hello h = {.deadline =
                          now_ms() + (int64_t)c->tr.hello_timeout_s * 1000,
                      .resend = now_ms()};
    for (;;) {
        if (!h.seen && h.resend != 0 && now_ms() >= h.resend) {
            int err = frame_send(c, 'H', 0, NULL, 0, false);
            if (err != 0) {
                return err;
            }
            h.resend = c->tr.hello_resend_s == 0
                           ? 0
                           : now_ms() + (int64_t)c->tr.hello_resend_s * 1000;
        }
        struct frame f;
        int r = frame_read(c, &f, hello_until(&h));
        if (r == READ_CUT && h.seen) {
            // A frame, a C perhaps, was cut by the end of the quiet spell:
            // which nonce holds is unknown, so say hello again.
            h.seen = false;
            h.resend = now_ms();
        } else if (r == READ_TIMED_OUT || r == READ_CUT) {
            if (h.seen) {
                break;
            }
            if (now_ms() >= h.deadline) {
                return hello_timed_out(c);
            }
        } else if (r < 0) {
            return read_failure(c, r, "challenge", c->tr.hello_timeout_s);
        } else {
            int err = hello_take(c, &h, &f);
            if (err != 0) {
                return err;
            }
            if (h.seen && c->tr.hello_settle_ms == 0) {
                break;
            }
        }
    }
    memcpy(c->nonce, h.nonce, CONTROL_NONCE_BYTES);
    return h.valid ? 0 : hello_wrong_key(c);
}

int control_open(struct control *c, const struct control_target *t)
{
    *c = (struct control){.tr = {.fd = -1, .relay_log_fd = -1},
                          .key_path = t->key};
    if (control_key_read(t->key, c->key) < 0) {
        return out_error(
            EXIT_FAILED, errno == ENOENT ? "`ftl build` makes it" : NULL,
            "cannot read the control key %s: %s", t->key,
            errno == EINVAL ? "not 64 hex digits" : strerror(errno));
    }
    int err = control_transport_open(&c->tr, t);
    if (err == 0) {
        err = session_open(c);
    }
    if (err != 0) {
        control_close(c);
    }
    return err;
}

void control_close(struct control *c)
{
    control_transport_close(&c->tr);
    OPENSSL_cleanse(c->key, sizeof(c->key));
}

// Fills *reply from an R frame's payload: "ok" or "error", a newline, the
// body. Takes the payload.
static int reply_take(struct frame *f, struct control_reply *reply)
{
    char *text = (char *)f->payload;
    size_t word = strcspn(text, "\n");
    if (word == 2 && strncmp(text, "ok", 2) == 0) {
        reply->ok = true;
    } else if (word == 5 && strncmp(text, "error", 5) == 0) {
        reply->ok = false;
    } else {
        free(f->payload);
        return out_error(EXIT_FAILED, NULL,
                         "the system's reply starts with neither `ok` nor "
                         "`error`");
    }
    size_t skip = word < f->len ? word + 1 : word;
    reply->len = f->len - skip;
    reply->body = malloc(reply->len + 1);
    if (reply->body == NULL) {
        abort();
    }
    memcpy(reply->body, text + skip, reply->len + 1);
    free(f->payload);
    return 0;
}

// Handles one frame read while waiting for request seq: 1 once the reply
// came, 0 to read on, or an exit code (negated).
static int frame_handle(struct control *c, const struct control_request *q,
                        struct frame *f, struct control_reply *reply)
{
    if (f->type == 'X') {
        int err = refused(f);
        free(f->payload);
        return -err;
    }
    if (f->type != 'P' && f->type != 'R') {
        free(f->payload);
        return 0;
    }
    if (!mac_is_valid(c, f, c->nonce)) {
        free(f->payload);
        return -out_error(EXIT_FAILED,
                          "something other than the system's control "
                          "service wrote to the channel",
                          "a %s frame from the system failed its MAC check "
                          "(seq %u)",
                          f->type == 'R' ? "reply" : "progress", f->seq);
    }
    if (f->seq != c->seq) { // the end of an earlier request (a follow)
        free(f->payload);
        return 0;
    }
    if (f->type == 'R') {
        int err = reply_take(f, reply);
        return err != 0 ? -err : 1;
    }
    size_t len = f->len;
    while (len > 0 &&
           (f->payload[len - 1] == '\n' || f->payload[len - 1] == '\r')) {
        f->payload[--len] = '\0';
    }
    if (q->on_progress != NULL) {
        q->on_progress(q->arg, (char *)f->payload, len);
    }
    free(f->payload);
    return 0;
}

int control_call(struct control *c, const struct control_request *q,
                 struct control_reply *reply)
{
    size_t cmd_len = strlen(q->command);
    if (cmd_len + 1 + q->tail_len > CONTROL_PAYLOAD_MAX) {
        return out_error(EXIT_FAILED, NULL, "the request is over 16 MiB");
    }
    uint32_t len = (uint32_t)(cmd_len + 1 + q->tail_len);
    uint8_t *payload = malloc(len);
    if (payload == NULL) {
        abort();
    }
    memcpy(payload, q->command, cmd_len);
    payload[cmd_len] = '\n';
    if (q->tail_len > 0) {
        memcpy(payload + cmd_len + 1, q->tail, q->tail_len);
    }
    int err = frame_send(c, 'Q', ++c->seq, payload, len, true);
    free(payload);
    char *what = str_printf("reply to `%.*s`", (int)strcspn(q->command, " "),
                            q->command);
    for (int done = 0; err == 0 && done == 0;) {
        struct frame f;
        int r = frame_read(c, &f, deadline_after(q->timeout_s));
        if (r < 0) {
            err = read_failure(c, r, what, q->timeout_s);
            break;
        }
        done = frame_handle(c, q, &f, reply);
        err = done < 0 ? -done : 0;
    }
    free(what);
    return err;
}
