// The host end of the control channel (docs/reference/control-protocol.md):
// a session with a running system, and requests on it, every frame under
// HMAC-SHA256 with the image's key (build/control.key). The bytes travel
// over the Unix socket that QEMU makes of its virtio console or COM2
// (`ftl run`), or through Google's serial console relay to a GCE
// instance's serial port 2 (control_transport.h). `ftl status`, `ftl logs`
// and `ftl apply` are built on it.
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
#define CONTROL_HELLO_TIMEOUT_S 5  // connect to challenge (Unix socket)
#define CONTROL_REPLY_TIMEOUT_S 10 // a request to its reply (0: none)

// A GCE instance whose serial port 2 is the channel; zone and project
// NULL: gcloud's own defaults.
struct control_gce {
    const char *instance; // NULL: not GCE
    const char *zone, *project;
};

// Where the channel and the key are: given (--socket or --gce, --key),
// else those of the project around the current folder.
struct control_target {
    const char *socket;
    const char *key;
    struct control_gce gce;
};

// control_options.h fills it from the command line and the project.

// The byte stream under the frames (control_transport.c): a connected
// socket either way, so that reading, polling and writing are one code.
struct control_transport {
    int fd;
    int relay_pid;    // gcloud's, or 0 (a Unix socket)
    int relay_log_fd; // gcloud's stderr (an unlinked file), or -1
    char *where;      // for messages: the socket's path, or the instance
    unsigned hello_timeout_s; // H to an accepted C frame
    unsigned hello_resend_s;  // H again after this long without C; 0: never
    unsigned hello_settle_ms; // quiet after a C before it is taken; 0: none
};

struct control {
    struct control_transport tr;
    uint8_t key[CONTROL_KEY_BYTES];
    uint8_t nonce[CONTROL_NONCE_BYTES];
    uint32_t seq; // of the last request sent
    const char *key_path;
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

// Reads the key, connects (or starts the relay) and opens a session (H,
// then C checked with the key). On failure nothing stays open.
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
