// Frames of the control protocol (docs/reference/control-protocol.md):
// "FTL1", type, seq, len, payload, HMAC-SHA256. This file cuts a byte
// stream into frames and writes frames; it knows nothing of the UART or of
// what the frames mean, so the host's unit tests drive it directly.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_HEAD 13 // magic 4, type 1, seq 4, len 4
#define FRAME_MAC 32
#define FRAME_NONCE 16
#define FRAME_KEY 32
#define FRAME_PAYLOAD_MAX (16u << 20)
// A partial frame that no byte has added to for this long is dropped: a
// host that stopped half way. Quiet time rather than a frame's whole time,
// so that a slow line (GCE's serial port) can carry a large frame.
#define FRAME_STALE_NS (5ull * 1000 * 1000 * 1000)

struct frame {
    char type;
    uint32_t seq;
    uint32_t len;
    const uint8_t *payload;
    const uint8_t *mac;
};

// Called for each whole frame (valid until it returns), or with frame NULL
// for one whose len is over FRAME_PAYLOAD_MAX (its bytes are skipped).
typedef void (*frame_fn)(const struct frame *frame, void *arg);

struct frame_reader {
    uint8_t *buf; // bytes of a frame not complete yet, from its magic on
    size_t len, cap;
    uint64_t skip;       // bytes of a refused frame still to come
    uint64_t last_ns;    // when buf's last bytes came
};

// Takes len bytes that came at now_ns. Bytes before a magic are skipped;
// a partial frame that got no byte for FRAME_STALE_NS is dropped. Returns 0, or
// FTL_ERR_NO_MEMORY (the partial frame is dropped).
int frame_reader_feed(struct frame_reader *r, const uint8_t *data, size_t len,
                      uint64_t now_ns, frame_fn fn, void *arg);
void frame_reader_free(struct frame_reader *r);

// The MAC of a frame: HMAC-SHA256(key, nonce || type || seq || len ||
// payload), the integers little-endian as on the wire.
void frame_mac(const uint8_t key[FRAME_KEY], const uint8_t nonce[FRAME_NONCE],
               char type, uint32_t seq, const uint8_t *payload, uint32_t len,
               uint8_t mac[FRAME_MAC]);

// Whether frame's MAC is the one key and nonce give (in constant time).
bool frame_mac_ok(const uint8_t key[FRAME_KEY],
                  const uint8_t nonce[FRAME_NONCE], const struct frame *frame);

// Writes a whole frame into out (FRAME_HEAD + len + FRAME_MAC bytes), its
// MAC made with key and nonce, or zero when key is NULL. Returns its size.
size_t frame_encode(uint8_t *out, const uint8_t *key, const uint8_t *nonce,
                    char type, uint32_t seq, const void *payload,
                    uint32_t len);
