// Cutting the control channel's bytes into frames, and writing frames.
// The reader keeps only the frame under way: bytes from its magic on,
// growing to its announced size; a refused size is skipped without being
// stored, so a peer cannot make the service hold more than one frame of
// at most FRAME_PAYLOAD_MAX.
#include "frame.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <mbedtls/md.h>

static const uint8_t magic[4] = {'F', 'T', 'L', '1'};

// A buffer grown past this for one large frame is given back after it.
#define FRAME_KEEP_CAP (64 * 1024)

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

void frame_mac(const uint8_t key[FRAME_KEY], const uint8_t nonce[FRAME_NONCE],
               char type, uint32_t seq, const uint8_t *payload, uint32_t len,
               uint8_t mac[FRAME_MAC])
{
    uint8_t fields[9];
    fields[0] = (uint8_t)type;
    put32(fields + 1, seq);
    put32(fields + 5, len);
    mbedtls_md_context_t md;
    mbedtls_md_init(&md);
    mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
    mbedtls_md_hmac_starts(&md, key, FRAME_KEY);
    mbedtls_md_hmac_update(&md, nonce, FRAME_NONCE);
    mbedtls_md_hmac_update(&md, fields, sizeof(fields));
    if (len > 0) {
        mbedtls_md_hmac_update(&md, payload, len);
    }
    mbedtls_md_hmac_finish(&md, mac);
    mbedtls_md_free(&md);
}

bool frame_mac_ok(const uint8_t key[FRAME_KEY],
                  const uint8_t nonce[FRAME_NONCE], const struct frame *frame)
{
    uint8_t want[FRAME_MAC];
    frame_mac(key, nonce, frame->type, frame->seq, frame->payload, frame->len,
              want);
    uint8_t diff = 0;
    for (size_t i = 0; i < FRAME_MAC; i++) {
        diff |= (uint8_t)(want[i] ^ frame->mac[i]);
    }
    return diff == 0;
}

size_t frame_encode(uint8_t *out, const uint8_t *key, const uint8_t *nonce,
                    char type, uint32_t seq, const void *payload, uint32_t len)
{
    memcpy(out, magic, 4);
    out[4] = (uint8_t)type;
    put32(out + 5, seq);
    put32(out + 9, len);
    if (len > 0) {
        memcpy(out + FRAME_HEAD, payload, len);
    }
    uint8_t *mac = out + FRAME_HEAD + len;
    if (key != NULL) {
        frame_mac(key, nonce, type, seq, out + FRAME_HEAD, len, mac);
    } else {
        memset(mac, 0, FRAME_MAC);
    }
    return FRAME_HEAD + len + FRAME_MAC;
}

static int reserve(struct frame_reader *r, size_t need)
{
    if (need <= r->cap) {
        return 0;
    }
    size_t cap = r->cap ? r->cap : 256;
    while (cap < need) {
        cap *= 2;
    }
    uint8_t *grown = realloc(r->buf, cap);
    if (grown == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    r->buf = grown;
    r->cap = cap;
    return 0;
}

// Drops buffered bytes up to the next possible magic (at 1 or later).
static void resync(struct frame_reader *r)
{
    size_t at = 1;
    for (; at < r->len; at++) {
        size_t n = r->len - at < 4 ? r->len - at : 4;
        if (memcmp(r->buf + at, magic, n) == 0) {
            break;
        }
    }
    memmove(r->buf, r->buf + at, r->len - at);
    r->len -= at;
}

// Delivers the frames complete in buf and keeps the rest.
static void take_frames(struct frame_reader *r, frame_fn fn, void *arg)
{
    for (;;) {
        size_t n = r->len < 4 ? r->len : 4;
        if (n == 0) {
            return;
        }
        if (memcmp(r->buf, magic, n) != 0) {
            resync(r);
            continue;
        }
        if (r->len < FRAME_HEAD) {
            return;
        }
        uint32_t len = get32(r->buf + 9);
        if (len > FRAME_PAYLOAD_MAX) {
            fn(NULL, arg);
            uint64_t whole = FRAME_HEAD + (uint64_t)len + FRAME_MAC;
            size_t have = r->len;
            r->len = 0;
            r->skip = whole - have;
            return; // what follows is all skipped first
        }
        size_t whole = FRAME_HEAD + len + FRAME_MAC;
        if (r->len < whole) {
            return;
        }
        struct frame f = {.type = (char)r->buf[4],
                          .seq = get32(r->buf + 5),
                          .len = len,
                          .payload = r->buf + FRAME_HEAD,
                          .mac = r->buf + FRAME_HEAD + len};
        fn(&f, arg);
        memmove(r->buf, r->buf + whole, r->len - whole);
        r->len -= whole;
        if (r->len == 0 && r->cap > FRAME_KEEP_CAP) {
            // An apply's megabytes are not held until the next frame.
            free(r->buf);
            r->buf = NULL;
            r->cap = 0;
        }
    }
}

int frame_reader_feed(struct frame_reader *r, const uint8_t *data, size_t len,
                      uint64_t now_ns, frame_fn fn, void *arg)
{
    if (r->len > 0 && now_ns - r->last_ns > FRAME_STALE_NS) {
        r->len = 0; // a frame that stopped coming
    }
    r->last_ns = now_ns;
    while (len > 0) {
        if (r->skip > 0) {
            size_t n = r->skip < len ? (size_t)r->skip : len;
            r->skip -= n;
            data += n;
            len -= n;
            continue;
        }
        // A bounded piece at a time: the buffer grows to a frame's size,
        // not to whatever a burst brings.
        size_t n = len < 4096 ? len : 4096;
        if (reserve(r, r->len + n) < 0) {
            r->len = 0;
            return FTL_ERR_NO_MEMORY;
        }
        memcpy(r->buf + r->len, data, n);
        r->len += n;
        data += n;
        len -= n;
        take_frames(r, fn, arg);
    }
    return 0;
}

void frame_reader_free(struct frame_reader *r)
{
    free(r->buf);
    *r = (struct frame_reader){0};
}
