// The host end of the control channel (docs/reference/control-protocol.md):
// a session with a running system over the Unix socket that QEMU makes of
// its virtio console (or COM2), and requests on it, every frame under
// HMAC-SHA256 with the image's key (build/control.key). `ftl status`,
// `ftl logs` and `ftl apply` are built on it.
//
// Functions returning int give 0, or an exit code (exitcode.h) after the
// error was printed in one line with a hint: no running system, another
// image's key, a refused frame, a time-out, a frame failing its MAC.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_KEY_BYTES 32
#define CONTROL_NONCE_BYTES 16
#define CONTROL_PAYLOAD_MAX (16u << 20)
#define CONTROL_HELLO_TIMEOUT_S 5  // connect to challenge
#define CONTROL_REPLY_TIMEOUT_S 10 // a request to its reply (0: none)

// Where the channel and the key are: given (--socket, --key), else those
// of the project around the current folder.
struct control_target {
    const char *socket;
    const char *key;
};

// Fills what t leaves NULL with the project's build/run/control.sock and
// build/control.key; 0, or an exit code (not in a project).
int control_target_find(struct control_target *t);

struct control {
    int fd;
    uint8_t key[CONTROL_KEY_BYTES];
    uint8_t nonce[CONTROL_NONCE_BYTES];
    uint32_t seq; // of the last request sent
    const char *socket, *key_path;
    uint8_t in[4096]; // bytes read and not yet taken
    size_t in_off, in_len;
};

// A request's final answer (its R frame); body is NUL-terminated (it may
// hold NULs of its own: use len).
struct control_reply {
    bool ok; // "ok", else "error"
    char *body;
    size_t len;
};

// Called with each P frame of the request: one line of text (without a
// trailing newline), NUL-terminated.
typedef void (*control_progress_fn)(void *arg, const char *line, size_t len);

struct control_request {
    const char *command; // the command line, without its newline
    const void *tail;    // binary data after the newline (apply), or NULL
    size_t tail_len;
    control_progress_fn on_progress; // NULL: P frames are dropped
    void *arg;
    unsigned timeout_s; // for the R frame, reset by every P frame; 0: none
};

// Reads the key, connects and opens a session (H, then C checked with the
// key). On failure nothing stays open.
int control_open(struct control *c, const struct control_target *t);

// Sends one request (seq one above the last) and reads its P frames and R
// frame, checking each MAC; *reply is filled on success (an `error` reply
// included: that is the system's answer, not a failure of the channel).
int control_call(struct control *c, const struct control_request *q,
                 struct control_reply *reply);

void control_close(struct control *c);

// Writes a new key to path (32 bytes of getrandom(2), hex and a newline,
// mode 0600) unless it exists; then checks that it reads as a key. 1 if it
// was made, 0 if it was there, or an exit code (negated).
int control_key_make(const char *path);

// Reads the key at path into key; 0, or -1 with errno set (EINVAL: not 64
// hex digits).
int control_key_read(const char *path, uint8_t key[CONTROL_KEY_BYTES]);
