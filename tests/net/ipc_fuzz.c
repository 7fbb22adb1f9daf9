// ipc_fuzz (issue 18, item 2): a test service that sends random messages to
// the services a peer can reach and checks that each still answers a valid
// request afterwards, without having been restarted.
//
//   ipc_fuzz services SEED COUNT   the supervisor (its channel to us and a
//       status link), tcpip and kv (service/NAME, a listener, a key), and
//       the OPENs of virtio_net and http_server that the supervisor
//       forwards
//   ipc_fuzz link SEED COUNT       virtio_net's frame link (ftl/link.h),
//       in a system without tcpip so that the link is ours
//
// A message is random in every field: its type (predefined, small unknown
// numbers, any 32-bit value), id, arguments, body (random bytes, or paths
// and attribute names the services parse), a loan (ours, or a bad address)
// and a handle of a kind the receiver does not expect (a channel, timer,
// sink or vmarea). Replies are read as they come and their handles closed;
// requests the target sends us (frames on the link) get random replies.
// The generator is a seeded xorshift64*, so a seed replays a run.
//
// A target that crashes closes our channel: that is counted and reported,
// and tests/qemu/ipc_fuzz_test.py also finds the supervisor's line. At the
// end each target must answer a valid request, and the supervisor's status
// table must show 0 restarts for each. Prints `bench: ipc_fuzz.messages N
// count` and `ipc_fuzz: N passed, N failed`.
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/time.h>
#include <ftl/vmarea.h>

#define MS (1000ULL * 1000)
#define TARGETS_MAX 8
#define LOAN_MAX (64 * 1024)
#define DRAIN_NS (3000 * MS)
#define CALL_TIMEOUT_NS (5000 * MS)
// A full queue is waited on this long before the message is given up.
#define FULL_WAIT_NS (200 * MS)
// The link's frames leave the machine through QEMU's user network: they
// carry this EtherType (IEEE 802 local experimental), which nobody routes.
#define LINK_ETHERTYPE 0x88b5

struct target {
    const char *name; // the service, as in the status table
    ftl_handle_t channel;
    bool is_link; // virtio_net's frame link
    uint64_t sent, requests, replies, full, closed;
    uint64_t refused;   // by the kernel: a bad loan, handle or size
    unsigned full_runs; // messages given up in a row on a full queue
};

// A target that takes none of this many messages in a row has stopped
// reading: it is given up, and that fails the run.
#define FULL_RUNS_MAX 5

static struct target targets[TARGETS_MAX];
static unsigned target_count;
static ftl_handle_t sink;
static uint64_t rng_state;
static uint8_t body[FTL_MSG_BODY_MAX + 1];
static uint8_t in_body[FTL_MSG_BODY_MAX + 1];
static uint8_t loan[LOAN_MAX];
static unsigned passed, failed;
#define ERRORS_COUNT (1 - FTL_ERROR_MIN)
static uint64_t refusals[ERRORS_COUNT]; // by -error; [0]: other

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

static void result(const char *name, bool ok, const char *why)
{
    if (ok) {
        passed++;
        printf("ok   %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: %s\n", name, why);
    }
}

// Sends req on channel and waits up to CALL_TIMEOUT_NS for its reply,
// dropping late replies to the fuzzer's messages; the body length or an
// error. The channel must not be in the sink.
static long call(ftl_handle_t channel, struct ftl_msg *req, const void *data,
                 struct ftl_msg *reply, void *out, size_t max)
{
    static uint64_t next_id = 0xca11000000000000ULL;
    req->id = ++next_id;
    int err = ftl_channel_send(channel, req, data);
    if (err < 0) {
        return err;
    }
    ftl_sink_add(sink, channel, 0);
    uint64_t deadline = ftl_clock_ns() + CALL_TIMEOUT_NS;
    long n = FTL_ERR_TIMED_OUT;
    while (ftl_clock_ns() < deadline) {
        struct ftl_event event;
        err = ftl_sink_wait(sink, &event, deadline - ftl_clock_ns());
        if (err < 0) {
            break;
        }
        if (event.handle != channel) {
            continue;
        }
        if (event.kind == FTL_EVENT_PEER_CLOSED) {
            n = FTL_ERR_PEER_CLOSED;
            break;
        }
        n = ftl_channel_recv(channel, reply, out, max);
        if (n >= 0 && reply->id == req->id) {
            break;
        }
        if (n >= 0 && reply->handle != FTL_HANDLE_INVALID) {
            ftl_handle_close(reply->handle);
        }
        n = n == FTL_ERR_TOO_LARGE ? ftl_channel_discard(channel) : n;
        n = FTL_ERR_TIMED_OUT;
    }
    ftl_sink_remove(sink, channel);
    return n;
}

// Opens path on channel with a blocking call; the channel, or an error.
static long open_path(ftl_handle_t channel, const char *path)
{
    struct ftl_msg req = {.type = FTL_MSG_OPEN,
                          .body_len = (uint32_t)strlen(path),
                          .handle = FTL_HANDLE_INVALID};
    struct ftl_msg reply;
    long n = call(channel, &req, path, &reply, NULL, 0);
    if (n < 0) {
        return n;
    }
    if (reply.type == FTL_MSG_ERROR_REPLY) {
        return (long)(int64_t)reply.arg0;
    }
    return reply.type == FTL_MSG_OPEN_REPLY ? reply.handle : FTL_ERR_BAD_FORMAT;
}

// A blocking GETATTR name on channel; the reply's body length or an error.
static long getattr(ftl_handle_t channel, const char *name, char *out,
                    size_t max)
{
    struct ftl_msg req = {.type = FTL_MSG_GETATTR,
                          .body_len = (uint32_t)strlen(name),
                          .handle = FTL_HANDLE_INVALID};
    struct ftl_msg reply;
    long n = call(channel, &req, name, &reply, out, max - 1);
    if (n >= 0 && reply.type == FTL_MSG_ERROR_REPLY) {
        n = (long)(int64_t)reply.arg0;
    } else if (n >= 0 && reply.type != FTL_MSG_GETATTR_REPLY) {
        n = FTL_ERR_BAD_FORMAT;
    }
    out[n >= 0 ? n : 0] = '\0';
    return n;
}

static void add_target(const char *name, ftl_handle_t channel, bool is_link)
{
    targets[target_count++] =
        (struct target){.name = name, .channel = channel, .is_link = is_link};
    ftl_sink_add(sink, channel, target_count - 1);
}

// Text the services parse: what a confused peer would send.
static const char *const words[] = {
    "service/",
    "service/tcpip",
    "service/kv",
    "service/supervisor",
    "service/virtio_net",
    "service/http_server",
    "service/nope",
    "device/0",
    "device/99",
    "device/",
    "file/",
    "file/../boot.manifest",
    "kv/",
    "kv/a",
    "tcp-listen:",
    "tcp-listen:0",
    "tcp-listen:99999",
    "udp-bind:",
    "udp-bind:7",
    "status",
    "stats",
    "address",
    "mac",
    "keys",
    "size",
    "size=",
    "size=-1",
    "restart=",
    "restart=tcpip",
    "=",
    "a=b=c",
    "%s%n",
};

// Fills body with n bytes: random, or words glued with random numbers.
static void fill_body(size_t n)
{
    if (rng_below(2) == 0) {
        for (size_t i = 0; i < n; i++) {
            body[i] = (uint8_t)rng_next();
        }
        return;
    }
    size_t len = 0;
    while (len < n) {
        const char *w = words[rng_below(sizeof(words) / sizeof(*words))];
        char piece[48];
        int k = rng_below(2) ? snprintf(piece, sizeof(piece), "%s", w)
                             : snprintf(piece, sizeof(piece), "%s%" PRIu64, w,
                                        rng_next() >> rng_below(64));
        for (int i = 0; i < k && len < n; i++) {
            body[len++] = (uint8_t)piece[i];
        }
    }
}

// The kernel refuses types it does not know (FTL_ERR_INVALID_ARG), so
// unknown numbers are an eighth: the rest reach the services.
static uint32_t random_type(void)
{
    switch (rng_below(8)) {
    case 0:
        return rng_below(2) ? (uint32_t)rng_below(64) : (uint32_t)rng_next();
    case 1:
    case 2:
    case 3:
        return 1 + (uint32_t)rng_below(FTL_MSG_ERROR_REPLY);
    default:
        return 1 + 2 * (uint32_t)rng_below(5); // requests
    }
}

static uint64_t random_word(void)
{
    switch (rng_below(4)) {
    case 0:
        return 0;
    case 1:
        return rng_below(4096);
    case 2:
        return UINT64_MAX - rng_below(4);
    default:
        return rng_next();
    }
}

static size_t random_length(void)
{
    switch (rng_below(5)) {
    case 0:
        return 0;
    case 1:
    case 2:
        return rng_below(32);
    case 3:
        return rng_below(FTL_MSG_BODY_MAX + 1);
    default:
        return FTL_MSG_BODY_MAX - rng_below(2);
    }
}

// A handle of a kind no service expects in a request, or a bad number.
static ftl_handle_t random_handle(void)
{
    ftl_handle_t ends[2];
    switch (rng_below(6)) {
    case 0:
        if (ftl_channel_create(ends) < 0) {
            return FTL_HANDLE_INVALID;
        }
        ftl_handle_close(ends[1]); // the receiver sees a dead channel
        return ends[0];
    case 1:
        if (ftl_channel_create(ends) < 0) {
            return FTL_HANDLE_INVALID;
        }
        ftl_handle_close(ends[0]);
        return ends[1];
    case 2:
        return ftl_timer_create();
    case 3:
        return ftl_sink_create();
    case 4:
        return ftl_vmarea_create(4096);
    default:
        // A number no process holds (one of ours would take our channels).
        return (ftl_handle_t)(0x40000000 + rng_below(1000));
    }
}

// Mostly on READ and WRITE, the types that may lend; a loan on another
// type is refused by the kernel, which is worth a few tries only.
static void random_loan(struct ftl_msg *msg)
{
    bool lends = msg->type == FTL_MSG_READ || msg->type == FTL_MSG_WRITE;
    if (!lends && rng_below(16) != 0) {
        return;
    }
    switch (rng_below(4)) {
    case 0:
        msg->loan_len = 1 + rng_below(LOAN_MAX);
        msg->loan_base = (uint64_t)(uintptr_t)loan;
        break;
    case 1:
        msg->loan_len = random_word();
        msg->loan_base = random_word();
        break;
    default:
        break;
    }
}

// One random message for t, in msg and body.
static void make_message(const struct target *t, struct ftl_msg *msg)
{
    *msg = (struct ftl_msg){.type = random_type(),
                            .id = rng_below(2) ? rng_next() : rng_below(64),
                            .arg0 = random_word(),
                            .arg1 = random_word(),
                            .handle = FTL_HANDLE_INVALID};
    msg->body_len = (uint32_t)random_length();
    fill_body(msg->body_len);
    if (t->is_link && msg->body_len >= 14) {
        body[12] = LINK_ETHERTYPE >> 8;
        body[13] = LINK_ETHERTYPE & 0xff;
    }
    random_loan(msg);
    if (rng_below(8) == 0) {
        msg->handle = random_handle();
    }
}

// A random answer to a request t sent us (frames on the link): mostly
// the right reply, sometimes a wrong type or id.
static void answer(struct target *t, const struct ftl_msg *req)
{
    struct ftl_msg reply = {
        .type = req->type + 1, .id = req->id, .handle = FTL_HANDLE_INVALID};
    switch (rng_below(6)) {
    case 0:
        reply.type = random_type();
        break;
    case 1:
        reply.id = rng_next();
        break;
    case 2:
        reply.type = FTL_MSG_ERROR_REPLY;
        reply.arg0 = random_word();
        break;
    case 3:
        return; // never answered
    default:
        break;
    }
    reply.body_len = (uint32_t)rng_below(16);
    fill_body(reply.body_len);
    ftl_channel_send(t->channel, &reply, body);
}

// Takes what waits on t's channel. False once the target closed it.
static bool drain(struct target *t)
{
    for (;;) {
        struct ftl_msg msg;
        long n = ftl_channel_recv(t->channel, &msg, in_body, FTL_MSG_BODY_MAX);
        if (n == FTL_ERR_WOULD_BLOCK) {
            return true;
        }
        if (n == FTL_ERR_PEER_CLOSED) {
            return false;
        }
        if (n < 0) {
            ftl_channel_discard(t->channel);
            continue;
        }
        if (msg.handle != FTL_HANDLE_INVALID) {
            ftl_handle_close(msg.handle);
        }
        if (ftl_msg_is_reply(msg.type)) {
            t->replies++;
        } else {
            answer(t, &msg);
        }
    }
}

// Waits up to ns for any target to have something, and drains them all.
static void wait_and_drain(uint64_t ns)
{
    struct ftl_event event;
    int err = ftl_sink_wait(sink, &event, ns);
    for (unsigned i = 0; i < target_count; i++) {
        struct target *t = &targets[i];
        if (t->channel == FTL_HANDLE_INVALID) {
            continue;
        }
        if (!drain(t) || (err == 0 && event.handle == t->channel &&
                          event.kind == FTL_EVENT_PEER_CLOSED)) {
            printf("%s closed our channel after %" PRIu64 " messages\n",
                   t->name, t->sent);
            t->closed++;
            ftl_sink_remove(sink, t->channel);
            ftl_handle_close(t->channel);
            t->channel = FTL_HANDLE_INVALID;
        }
    }
}

static void send_one(struct target *t)
{
    struct ftl_msg msg;
    make_message(t, &msg);
    uint64_t waited = 0;
    int err;
    while ((err = ftl_channel_send(t->channel, &msg, body)) ==
               FTL_ERR_WOULD_BLOCK &&
           waited < FULL_WAIT_NS) {
        wait_and_drain(10 * MS);
        waited += 10 * MS;
        if (t->channel == FTL_HANDLE_INVALID) {
            break;
        }
    }
    if (err < 0 && msg.handle != FTL_HANDLE_INVALID) {
        ftl_handle_close(msg.handle); // a failed send leaves it with us
    }
    if (err == FTL_ERR_WOULD_BLOCK) {
        t->full++;
        if (++t->full_runs == FULL_RUNS_MAX) {
            printf("%s stopped taking messages after %" PRIu64 "\n", t->name,
                   t->sent);
            ftl_sink_remove(sink, t->channel);
            t->channel = FTL_HANDLE_INVALID; // kept open: it may wake up
        }
        return;
    }
    t->full_runs = 0;
    if (err < 0) {
        t->refused++;
        refusals[-err < ERRORS_COUNT ? -err : 0]++;
        return;
    }
    t->sent++;
    t->requests += !ftl_msg_is_reply(msg.type);
}

static void fuzz(uint64_t count)
{
    uint64_t started = ftl_clock_ns();
    for (uint64_t i = 0; i < count; i++) {
        struct target *t = &targets[rng_below(target_count)];
        if (t->channel != FTL_HANDLE_INVALID) {
            send_one(t);
        }
        if (i % 16 == 15) {
            wait_and_drain(0);
        }
    }
    uint64_t end = ftl_clock_ns() + DRAIN_NS;
    while (ftl_clock_ns() < end) {
        wait_and_drain(100 * MS);
    }
    uint64_t sent = 0;
    for (unsigned i = 0; i < target_count; i++) {
        struct target *t = &targets[i];
        printf("%s: %" PRIu64 " sent (%" PRIu64 " requests), %" PRIu64
               " replies, %" PRIu64
               " refused by the kernel, queue full %" PRIu64 ", closed %" PRIu64
               "\n",
               t->name, t->sent, t->requests, t->replies, t->refused, t->full,
               t->closed);
        sent += t->sent;
        char test[64];
        snprintf(test, sizeof(test), "%s_took_every_message", t->name);
        result(test, t->closed == 0 && t->full_runs < FULL_RUNS_MAX,
               "closed our channel or stopped reading");
    }
    for (int e = 1; e < ERRORS_COUNT; e++) {
        if (refusals[e] > 0) {
            printf("refused by the kernel: %" PRIu64 " %s\n", refusals[e],
                   ftl_error_str(-e));
        }
    }
    uint64_t ms = (ftl_clock_ns() - started) / MS;
    printf("%" PRIu64 " messages in %" PRIu64 " ms\n", sent, ms);
    printf("bench: ipc_fuzz.messages %" PRIu64 " count\n", sent);
}

// The supervisor's status table: restarts of name, or -1 if not listed.
static int restarts_of(const char *table, const char *name)
{
    const char *line = table;
    while (line != NULL && *line != '\0') {
        char n[32], state[32];
        unsigned restarts;
        if (sscanf(line, "%31s %31s %u", n, state, &restarts) == 3 &&
            strcmp(n, name) == 0) {
            return strcmp(state, "Running") == 0 ? (int)restarts : -1;
        }
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    return -1;
}

static void check_not_restarted(const char *name)
{
    char table[FTL_MSG_BODY_MAX + 1];
    char test[64], why[96];
    long n = getattr(ftl_start_info->channel, "status", table, sizeof(table));
    int restarts = n >= 0 ? restarts_of(table, name) : -1;
    snprintf(test, sizeof(test), "%s_running_and_never_restarted", name);
    snprintf(why, sizeof(why), "status %s, restarts %d",
             n >= 0 ? "answered" : ftl_error_str((int)n), restarts);
    result(test, restarts == 0, why);
}

// Each target answers a valid request; a closed channel is reopened first.
static void check_answers(const char *name, const char *path,
                          const char *attribute)
{
    char value[FTL_MSG_BODY_MAX + 1], test[64], why[96];
    long channel = open_path(ftl_start_info->channel, path);
    long n = channel >= 0 ? getattr((ftl_handle_t)channel, attribute, value,
                                    sizeof(value))
                          : channel;
    snprintf(test, sizeof(test), "%s_answers_getattr_%s", name, attribute);
    snprintf(why, sizeof(why), "%s", ftl_error_str((int)n));
    result(test, n >= 0, why);
    if (channel >= 0) {
        ftl_handle_close((ftl_handle_t)channel);
    }
}

// What the supervisor forwards to a service without a server: an answer,
// even if an error, and never a wait for good.
static void check_open_answered(const char *name)
{
    char path[64], test[64], why[96];
    snprintf(path, sizeof(path), "service/%s", name);
    long channel = open_path(ftl_start_info->channel, path);
    snprintf(test, sizeof(test), "open_of_%s_is_answered", name);
    snprintf(why, sizeof(why), "%s", ftl_error_str((int)channel));
    result(test, channel != FTL_ERR_TIMED_OUT, why);
    if (channel >= 0) {
        ftl_handle_close((ftl_handle_t)channel);
    }
}

// tcpip builds lwIP with SO_REUSE so that a restarted app listens again at
// once; a port another app listens on must still be refused.
static void check_port_taken(void)
{
    long tcpip = open_path(ftl_start_info->channel, "service/tcpip");
    long listener =
        tcpip >= 0 ? open_path((ftl_handle_t)tcpip, "tcp-listen:80") : tcpip;
    result("a_second_listener_on_port_80_is_refused", listener == FTL_ERR_BUSY,
           ftl_error_str((int)listener));
    if (listener >= 0) {
        ftl_handle_close((ftl_handle_t)listener);
    }
    if (tcpip >= 0) {
        ftl_handle_close((ftl_handle_t)tcpip);
    }
}

static int run_services(uint64_t count)
{
    check_open_answered("http_server");
    long tcpip = open_path(ftl_start_info->channel, "service/tcpip");
    long kv = open_path(ftl_start_info->channel, "service/kv");
    long status = open_path(ftl_start_info->channel, "service/supervisor");
    if (tcpip < 0 || kv < 0 || status < 0) {
        printf("cannot open the targets: %s %s %s\n", ftl_error_str((int)tcpip),
               ftl_error_str((int)kv), ftl_error_str((int)status));
        return 1;
    }
    add_target("supervisor", ftl_start_info->channel, false);
    add_target("supervisor", (ftl_handle_t)status, false);
    add_target("tcpip", (ftl_handle_t)tcpip, false);
    add_target("kv", (ftl_handle_t)kv, false);
    // Channels the services make for a peer: a key, a TCP listener. (Not a
    // UDP socket: its WRITEs would send datagrams out of QEMU.)
    long key = open_path((ftl_handle_t)kv, "kv/fuzz");
    long listener = open_path((ftl_handle_t)tcpip, "tcp-listen:7777");
    if (key < 0 || listener < 0) {
        printf("cannot open a key or a listener: %s %s\n",
               ftl_error_str((int)key), ftl_error_str((int)listener));
        return 1;
    }
    add_target("kv", (ftl_handle_t)key, false);
    add_target("tcpip", (ftl_handle_t)listener, false);
    fuzz(count);
    for (unsigned i = 0; i < target_count; i++) {
        if (targets[i].channel != FTL_HANDLE_INVALID &&
            targets[i].channel != ftl_start_info->channel) {
            ftl_sink_remove(sink, targets[i].channel);
        }
    }
    ftl_sink_remove(sink, ftl_start_info->channel);
    check_answers("supervisor", "service/supervisor", "status");
    check_answers("tcpip", "service/tcpip", "address");
    check_port_taken();
    check_answers("kv", "service/kv", "keys");
    check_open_answered("http_server");
    check_open_answered("virtio_net");
    check_not_restarted("tcpip");
    check_not_restarted("kv");
    check_not_restarted("virtio_net");
    check_not_restarted("http_server");
    return 0;
}

// Sends a frame on the link; its WRITE_REPLY is taken by frame_wait.
static int link_send(ftl_handle_t link, const void *frame, size_t len)
{
    struct ftl_msg msg = {
        .type = FTL_MSG_WRITE, .id = 0xf00d, .body_len = (uint32_t)len};
    return ftl_channel_send(link, &msg, frame);
}

// An ARP request for QEMU's gateway, 10.0.2.2, from 10.0.2.15 at mac:
// QEMU's user network answers it, and nothing leaves the machine.
static size_t arp_request(uint8_t *f, const uint8_t mac[6])
{
    static const uint8_t head[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t arp[] = {0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1};
    static const uint8_t ips[] = {10, 0, 2, 15, 0, 0, 0, 0, 0, 0, 10, 0, 2, 2};
    memcpy(f, head, 6);
    memcpy(f + 6, mac, 6);
    memcpy(f + 12, arp, sizeof(arp));
    memcpy(f + 22, mac, 6);
    memcpy(f + 28, ips, sizeof(ips));
    return 42;
}

static bool is_arp_reply_of_gateway(const uint8_t *f, long len)
{
    static const uint8_t reply[] = {0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 2};
    static const uint8_t gateway[] = {10, 0, 2, 2};
    return len >= 42 && memcmp(f + 12, reply, sizeof(reply)) == 0 &&
           memcmp(f + 28, gateway, sizeof(gateway)) == 0;
}

// Whether the device still carries frames both ways: an ARP request goes
// out on link and its answer comes back within a few seconds.
static bool link_passes_frames(ftl_handle_t link)
{
    uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56}; // QEMU's default
    uint8_t frame[64];
    ftl_sink_add(sink, link, 0);
    bool answered = false;
    for (int tries = 0; tries < 6 && !answered; tries++) {
        link_send(link, frame, arp_request(frame, mac));
        uint64_t end = ftl_clock_ns() + 500 * MS;
        while (!answered && ftl_clock_ns() < end) {
            struct ftl_event event;
            if (ftl_sink_wait(sink, &event, end - ftl_clock_ns()) < 0) {
                break;
            }
            struct ftl_msg msg;
            long n = ftl_channel_recv(link, &msg, in_body, FTL_MSG_BODY_MAX);
            if (n < 0) {
                ftl_channel_discard(link);
                continue;
            }
            if (msg.type == FTL_MSG_WRITE) { // a frame: give the credit back
                struct ftl_msg ack = {.type = FTL_MSG_WRITE_REPLY,
                                      .id = msg.id};
                ftl_channel_send(link, &ack, NULL);
                answered = is_arp_reply_of_gateway(in_body, n);
            }
        }
    }
    ftl_sink_remove(sink, link);
    return answered;
}

// Found by the fuzzer: a frame shorter than an Ethernet header stopped
// QEMU's device for good (netdev.h).
static void check_short_frames(ftl_handle_t link)
{
    static const uint8_t junk[13] = {1, 2, 3};
    link_send(link, junk, 0);
    link_send(link, junk, 1);
    link_send(link, junk, sizeof(junk));
    result("short_frames_leave_the_device_working", link_passes_frames(link),
           "no ARP answer after frames of 0, 1 and 13 bytes");
}

static int run_link(uint64_t count)
{
    long link = FTL_ERR_NOT_FOUND;
    // virtio_net answers NOT_FOUND until its device is up.
    for (int i = 0; i < 50 && link == FTL_ERR_NOT_FOUND; i++) {
        link = open_path(ftl_start_info->channel, "service/virtio_net");
        if (link == FTL_ERR_NOT_FOUND) {
            ftl_sleep_ns(100 * MS);
        }
    }
    if (link < 0) {
        printf("cannot open the link: %s\n", ftl_error_str((int)link));
        return 1;
    }
    check_short_frames((ftl_handle_t)link);
    add_target("virtio_net", (ftl_handle_t)link, true);
    fuzz(count);
    ftl_handle_close((ftl_handle_t)link);
    // The driver takes a new link once the old one is gone.
    ftl_sleep_ns(200 * MS);
    link = open_path(ftl_start_info->channel, "service/virtio_net");
    result("virtio_net_passes_frames_after_fuzzing",
           link >= 0 && link_passes_frames((ftl_handle_t)link),
           link < 0 ? ftl_error_str((int)link) : "no ARP answer");
    if (link >= 0) {
        ftl_handle_close((ftl_handle_t)link);
        ftl_sleep_ns(200 * MS);
    }
    check_answers("virtio_net", "service/virtio_net", "mac");
    check_not_restarted("virtio_net");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        printf("usage: ipc_fuzz services|link SEED COUNT\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[2], NULL, 0);
    uint64_t count = strtoull(argv[3], NULL, 0);
    rng_state = seed != 0 ? seed : 1;
    sink = ftl_sink_create();
    printf("seed %" PRIu64 ", %" PRIu64 " messages, targets of %s\n", seed,
           count, argv[1]);
    int err =
        strcmp(argv[1], "link") == 0 ? run_link(count) : run_services(count);
    if (err != 0) {
        failed++;
    }
    printf("ipc_fuzz: %u passed, %u failed\n", passed, failed);
    return failed != 0;
}
