// The control protocol's frames (os/services/control/frame.c) against
// docs/reference/control-protocol.md: the MAC is HMAC-SHA256 over nonce,
// type, seq, len and payload (checked against a value computed apart, with
// Python's hmac module); frames come whole however the bytes are cut;
// garbage is skipped; an oversized frame is refused and skipped without
// being stored; a stale partial frame is dropped.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

static uint8_t key[FRAME_KEY], nonce[FRAME_NONCE];

struct got {
    int frames, refused;
    char types[16];
    uint32_t seqs[16];
    char payloads[16][64];
};
static struct got got;

static void on_frame(const struct frame *f, void *arg)
{
    (void)arg;
    if (f == NULL) {
        got.refused++;
        return;
    }
    ck_assert(frame_mac_ok(key, nonce, f));
    got.types[got.frames] = f->type;
    got.seqs[got.frames] = f->seq;
    size_t n = f->len < sizeof(got.payloads[0]) ? f->len
                                                : sizeof(got.payloads[0]) - 1;
    memcpy(got.payloads[got.frames], f->payload, n); // the start of a big one
    got.payloads[got.frames][n] = '\0';
    got.frames++;
}

static void setup(void)
{
    for (int i = 0; i < FRAME_KEY; i++) {
        key[i] = (uint8_t)i;
    }
    for (int i = 0; i < FRAME_NONCE; i++) {
        nonce[i] = (uint8_t)(0xa0 + i);
    }
    memset(&got, 0, sizeof(got));
}

START_TEST(the_mac_is_hmac_sha256_of_the_fields)
{
    // python3 -c 'import hmac,hashlib,struct;
    //   k=bytes(range(32)); n=bytes(range(0xa0,0xb0));
    //   print(hmac.new(k, n+b"Q"+struct.pack("<II",7,7)+b"status\n",
    //                  hashlib.sha256).hexdigest())'
    static const char want[] =
        "81a01ea903bf762b9b9a5ac334f4adf67300f8f8ac867bb904b45baf0a03fb01";
    uint8_t mac[FRAME_MAC];
    frame_mac(key, nonce, 'Q', 7, (const uint8_t *)"status\n", 7, mac);
    char hex[2 * FRAME_MAC + 1];
    for (int i = 0; i < FRAME_MAC; i++) {
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    }
    ck_assert_str_eq(hex, want);
}
END_TEST

START_TEST(frames_come_whole_however_the_bytes_are_cut)
{
    uint8_t wire[512];
    size_t len = frame_encode(wire, key, nonce, 'Q', 1, "status\n", 7);
    len += frame_encode(wire + len, key, nonce, 'Q', 2, "logs a 0\n", 9);
    for (size_t cut = 0; cut <= len; cut++) {
        setup();
        struct frame_reader r = {0};
        frame_reader_feed(&r, wire, cut, 0, on_frame, NULL);
        frame_reader_feed(&r, wire + cut, len - cut, 0, on_frame, NULL);
        ck_assert_int_eq(got.frames, 2);
        ck_assert_str_eq(got.payloads[0], "status\n");
        ck_assert_str_eq(got.payloads[1], "logs a 0\n");
        ck_assert(got.seqs[0] == 1 && got.seqs[1] == 2);
        frame_reader_free(&r);
    }
}
END_TEST

START_TEST(garbage_before_and_between_frames_is_skipped)
{
    uint8_t wire[512];
    size_t len = 0;
    memcpy(wire, "FTxFFTL", 7); // a false start of the magic
    len += 7;
    len += frame_encode(wire + len, key, nonce, 'H', 0, NULL, 0);
    memcpy(wire + len, "\0\xff junk FTL", 11);
    len += 11;
    len += frame_encode(wire + len, key, nonce, 'Q', 3, "x", 1);
    struct frame_reader r = {0};
    for (size_t i = 0; i < len; i++) { // a byte at a time
        frame_reader_feed(&r, wire + i, 1, 0, on_frame, NULL);
    }
    ck_assert_int_eq(got.frames, 2);
    ck_assert(got.types[0] == 'H' && got.types[1] == 'Q');
    frame_reader_free(&r);
}
END_TEST

START_TEST(an_oversized_frame_is_refused_and_skipped_unstored)
{
    uint8_t head[FRAME_HEAD] = {'F', 'T', 'L', '1', 'Q', 1, 0, 0, 0};
    uint32_t len = FRAME_PAYLOAD_MAX + 1;
    memcpy(head + 9, &len, 4); // little-endian host
    struct frame_reader r = {0};
    frame_reader_feed(&r, head, sizeof(head), 0, on_frame, NULL);
    ck_assert_int_eq(got.refused, 1);
    static uint8_t filler[1 << 20];
    memset(filler, 'F', sizeof(filler)); // even magic-like bytes are skipped
    uint64_t rest = (uint64_t)len + FRAME_MAC;
    while (rest > 0) {
        size_t n = rest < sizeof(filler) ? (size_t)rest : sizeof(filler);
        frame_reader_feed(&r, filler, n, 0, on_frame, NULL);
        rest -= n;
        ck_assert_uint_le(r.cap, 8192); // never held
    }
    uint8_t wire[128];
    size_t n = frame_encode(wire, key, nonce, 'Q', 2, "ok", 2);
    frame_reader_feed(&r, wire, n, 0, on_frame, NULL);
    ck_assert_int_eq(got.frames, 1);
    ck_assert_str_eq(got.payloads[0], "ok");
    frame_reader_free(&r);
}
END_TEST

START_TEST(a_stale_partial_frame_is_dropped)
{
    uint8_t wire[128];
    size_t len = frame_encode(wire, key, nonce, 'Q', 1, "status\n", 7);
    struct frame_reader r = {0};
    frame_reader_feed(&r, wire, 10, 0, on_frame, NULL);
    // The rest, too late: it is not a frame on its own.
    frame_reader_feed(&r, wire + 10, len - 10, FRAME_STALE_NS + 1, on_frame,
                      NULL);
    ck_assert_int_eq(got.frames, 0);
    size_t n = frame_encode(wire, key, nonce, 'Q', 2, "x", 1);
    frame_reader_feed(&r, wire, n, FRAME_STALE_NS + 2, on_frame, NULL);
    ck_assert_int_eq(got.frames, 1);
    frame_reader_free(&r);
}
END_TEST

// A slow line: a frame whose bytes keep coming is whole however long it
// takes (GCE's serial port carries an apply's bundle for a minute).
START_TEST(a_frame_that_keeps_coming_is_not_stale)
{
    static uint8_t wire[64 * 1024];
    static char payload[60 * 1024];
    memset(payload, 'a', sizeof(payload));
    size_t len = frame_encode(wire, key, nonce, 'Q', 1, payload,
                              sizeof(payload));
    struct frame_reader r = {0};
    uint64_t now = 0;
    for (size_t at = 0; at < len; at += 1024) {
        size_t n = len - at < 1024 ? len - at : 1024;
        frame_reader_feed(&r, wire + at, n, now, on_frame, NULL);
        now += FRAME_STALE_NS / 2; // 30 s in all, never 5 s quiet
    }
    ck_assert_int_eq(got.frames, 1);
    frame_reader_free(&r);
}
END_TEST

START_TEST(a_changed_byte_fails_the_mac)
{
    uint8_t wire[128];
    size_t len = frame_encode(wire, key, nonce, 'Q', 1, "status\n", 7);
    for (size_t i = 4; i < len; i++) { // every byte after the magic
        uint8_t copy[128];
        memcpy(copy, wire, len);
        copy[i] ^= 0x01;
        struct frame f = {.type = (char)copy[4],
                          .payload = copy + FRAME_HEAD,
                          .mac = copy + FRAME_HEAD + 7,
                          .len = 7};
        memcpy(&f.seq, copy + 5, 4);
        uint32_t l;
        memcpy(&l, copy + 9, 4);
        if (l != 7) {
            continue; // a changed length is another frame's shape
        }
        ck_assert_msg(!frame_mac_ok(key, nonce, &f), "byte %zu", i);
    }
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("control_frame");
    TCase *t = tcase_create("frames");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, the_mac_is_hmac_sha256_of_the_fields);
    tcase_add_test(t, frames_come_whole_however_the_bytes_are_cut);
    tcase_add_test(t, garbage_before_and_between_frames_is_skipped);
    tcase_add_test(t, an_oversized_frame_is_refused_and_skipped_unstored);
    tcase_add_test(t, a_stale_partial_frame_is_dropped);
    tcase_add_test(t, a_frame_that_keeps_coming_is_not_stale);
    tcase_add_test(t, a_changed_byte_fails_the_mac);
    suite_add_tcase(s, t);
    return s;
}
