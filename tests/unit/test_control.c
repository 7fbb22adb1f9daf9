// The control channel's host end (ftl-cli/control.c) against fixed bytes:
// a forked child plays the guest on a Unix socket with frames whose MACs
// were computed apart from this code (Python's hmac, from the layout of
// docs/reference/control-protocol.md), and checks the exact bytes of the
// request it gets. Also the key file that ftl build makes.
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"

// The key 00 01 02 ... 1f, the nonce a5 x 16, and what they give.
#define KEY_HEX                                                                \
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
#define NONCE "\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5\xa5"
#define C_MAC                                                                  \
    "\x78\x25\x14\xc7\x75\xbe\xd1\xfe\x7d\xbf\xa9\x91\x06\x0c\xad\x7c\x86\xaf" \
    "\x88\xa6\x3a\xe9\x20\x22\x82\xfe\xe9\x7b\x42\x80\xac\xa9"
// Q, seq 1, "status\n", under the nonce.
#define Q_FRAME                                                                \
    "FTL1Q\x01\x00\x00\x00\x07\x00\x00\x00status\n"                            \
    "\xef\x39\x83\x2c\xa2\x40\x42\x95\xed\x4b\x91\xa2\x73\x3e\xf3\xc3\x4f\x30" \
    "\xa0\x2c\x82\xeb\x4d\xa4\xfa\x3c\xf6\x6f\xee\x5b\xbb\x01"
#define Q_FRAME_BYTES (13 + 7 + 32)
// P "step one" and R "ok\n{}" for seq 1.
#define P_MAC                                                                  \
    "\x20\xe5\x3a\x4a\x21\xab\x3c\x55\xe3\x67\x60\x3a\x02\x60\xcf\x73\x83\xac" \
    "\x7a\xa4\x5f\xd7\x50\x8c\x99\x68\x75\x4e\x4e\xa4\x53\x16"
#define R_MAC                                                                  \
    "\xfe\x6d\x8f\x5a\x10\x79\xc4\xb8\xa0\x57\x55\x53\xbf\x84\x2d\x54\xf5\xd7" \
    "\x13\x0e\x9c\x1e\x78\x22\x6b\x0c\xcd\x7e\x13\x73\x27\x9c"

static char dir[64];

static char *in_dir(const char *name)
{
    static char paths[4][128];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
    return p;
}

static void setup(void)
{
    strcpy(dir, "/tmp/ftl-control-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static bool read_exact(int fd, char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = read(fd, buf, len);
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static void write_bytes(int fd, const char *data, size_t len)
{
    if (write(fd, data, len) != (ssize_t)len) {
        _exit(3);
    }
}

// The guest, in the child: H, then junk and C; if answer, checks the Q
// frame byte for byte and sends a P and an R frame. Exits 0 if all went as
// expected.
static void guest_run(int listener, bool answer)
{
    int fd = accept(listener, NULL, NULL);
    char hello[45], want_hello[45] = "FTL1H";
    if (fd < 0 || !read_exact(fd, hello, sizeof(hello)) ||
        memcmp(hello, want_hello, sizeof(hello)) != 0) {
        _exit(1);
    }
    // Junk first, ending in a partial magic: the host skips to "FTL1".
    write_bytes(fd, "\r\nnoise FTL", 11);
    write_bytes(fd, "FTL1C\0\0\0\0\x10\0\0\0" NONCE C_MAC, 13 + 16 + 32);
    if (!answer) {
        _exit(0);
    }
    char q[Q_FRAME_BYTES];
    if (!read_exact(fd, q, sizeof(q)) || memcmp(q, Q_FRAME, sizeof(q)) != 0) {
        _exit(2);
    }
    write_bytes(fd, "FTL1P\x01\0\0\0\x08\0\0\0step one" P_MAC, 13 + 8 + 32);
    write_bytes(fd, "FTL1R\x01\0\0\0\x05\0\0\0ok\n{}" R_MAC, 13 + 5 + 32);
    _exit(0);
}

// Listens on DIR/control.sock and forks the guest; its pid.
static pid_t guest_start(bool answer)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, in_dir("control.sock"));
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(listener, 0);
    ck_assert_int_eq(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    ck_assert_int_eq(listen(listener, 1), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        guest_run(listener, answer);
    }
    close(listener);
    return pid;
}

static int guest_status(pid_t pid)
{
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char progress[64];

static void progress_keep(void *arg, const char *line, size_t len)
{
    (void)arg;
    snprintf(progress, sizeof(progress), "%.*s", (int)len, line);
}

START_TEST(request_bytes_and_reply_macs_match_the_protocol)
{
    write_text(in_dir("control.key"), KEY_HEX);
    pid_t guest = guest_start(true);
    struct control_target t = {.socket = in_dir("control.sock"),
                               .key = in_dir("control.key")};
    struct control c;
    struct control_reply r;
    struct control_request q = {
        .command = "status", .on_progress = progress_keep, .timeout_s = 5};
    ck_assert_int_eq(control_open(&c, &t), 0);
    ck_assert_int_eq(control_call(&c, &q, &r), 0);
    control_close(&c);
    ck_assert(r.ok);
    ck_assert_str_eq(r.body, "{}");
    ck_assert_str_eq(progress, "step one");
    free(r.body);
    ck_assert_int_eq(guest_status(guest), 0);
}
END_TEST

START_TEST(another_key_fails_the_challenge)
{
    write_text(in_dir("control.key"), "ff0102030405060708090a0b0c0d0e0f"
                                      "101112131415161718191a1b1c1d1e1f\n");
    pid_t guest = guest_start(false);
    struct control_target t = {.socket = in_dir("control.sock"),
                               .key = in_dir("control.key")};
    struct control c;
    ck_assert_int_eq(control_open(&c, &t), 1);
    ck_assert_int_eq(c.tr.fd, -1);
    ck_assert_int_eq(guest_status(guest), 0);
}
END_TEST

START_TEST(no_socket_is_no_running_system)
{
    write_text(in_dir("control.key"), KEY_HEX);
    struct control_target t = {.socket = in_dir("control.sock"),
                               .key = in_dir("control.key")};
    struct control c;
    ck_assert_int_eq(control_open(&c, &t), 1);
}
END_TEST

START_TEST(key_is_made_once_as_64_hex_digits_mode_0600)
{
    char *path = in_dir("build/control.key");
    uint8_t key[CONTROL_KEY_BYTES], again[CONTROL_KEY_BYTES];
    ck_assert_int_eq(control_key_make(path), 1);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, 65);
    ck_assert_int_eq(control_key_read(path, key), 0);
    ck_assert_int_eq(control_key_make(path), 0);
    ck_assert_int_eq(control_key_read(path, again), 0);
    ck_assert_mem_eq(key, again, sizeof(key));
}
END_TEST

START_TEST(key_read_refuses_what_is_not_a_key)
{
    uint8_t key[CONTROL_KEY_BYTES];
    char *path = in_dir("control.key");
    write_text(path, "abc\n");
    errno = 0;
    ck_assert_int_eq(control_key_read(path, key), -1);
    ck_assert_int_eq(errno, EINVAL);
    write_text(path, "g00102030405060708090a0b0c0d0e0f"
                     "101112131415161718191a1b1c1d1e1f\n");
    ck_assert_int_eq(control_key_read(path, key), -1);
    ck_assert_int_lt(control_key_make(path), 0); // there, but not a key
    write_text(path, KEY_HEX);
    ck_assert_int_eq(control_key_read(path, key), 0);
    ck_assert_int_eq(key[0], 0x00);
    ck_assert_int_eq(key[31], 0x1f);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("control");
    TCase *tc = tcase_create("control");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, request_bytes_and_reply_macs_match_the_protocol);
    tcase_add_test(tc, another_key_fails_the_challenge);
    tcase_add_test(tc, no_socket_is_no_running_system);
    tcase_add_test(tc, key_is_made_once_as_64_hex_digits_mode_0600);
    tcase_add_test(tc, key_read_refuses_what_is_not_a_key);
    suite_add_tcase(s, tc);
    return s;
}
