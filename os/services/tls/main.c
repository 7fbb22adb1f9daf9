// tls: TLS for apps, as a nanoservice in front of tcpip (docs/guides/tls.md).
//
// An app opens service/tls and speaks tcpip's socket protocol to it
// (ftl/tls.h does it for the SDK's connections):
//   OPEN tls-listen:PORT -> a listener channel; each OPEN accept on it
//       completes with the channel of a session whose handshake is done
//       (listener.h).
//   OPEN tls:HOST:PORT -> the channel of a session with a verified server
//       (connect.h).
// A session's channel takes READ, WRITE and SETATTR shutdown=write, and
// carries plaintext (session.h). The certificate, the private key and
// the CAs are files of the image that the spec grants (credentials.h):
// they never enter the app.
//
// At start tls opens service/tcpip, opens service/random and seeds its
// DRBG from it (os/lib/mbedtls/random.h), and reads its files; until then
// the supervisor's OPEN service/tls for an app waits. Without random
// numbers TLS does not start: every app's OPEN fails with FTL_ERR_IO, and
// the log says why. Its first channel also answers GETATTR stats.
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/loop.h>
#include <ftl/process.h>
#include <ftl/server.h>
#include <ftl/tcp.h>

#include "psa/crypto.h"

#include "connect.h"
#include "credentials.h"
#include "files.h"
#include "limits.h"
#include "listener.h"
#include "random.h"
#include "session.h"
#include "socket.h"

#define PEM_MAX (256u * 1024) // a CA bundle of a few hundred certificates
#define REFILL_NS (1000 * FTL_MS)
#define SERVICE_OPENS_WAITING_MAX 64

static struct ftl_loop *loop;
static struct ftl_client *supervisor;
static struct socket control = {SOCKET_CONTROL};
static struct socket service = {SOCKET_SERVICE};

// Start-up: what is still awaited, and whether TLS can work at all.
static struct {
    unsigned awaited; // tcpip, random, the files
    int error;        // FTL_ERR_IO: no random numbers
    struct ftl_request *opens[SERVICE_OPENS_WAITING_MAX];
    unsigned opens_count;
    char *cert, *key;
    size_t cert_len, key_len;
} start;

static struct ftl_client *random_source;
static bool refilling;
static struct tls_counts logged; // the counts as last logged

static void answer_opens(void)
{
    for (unsigned i = 0; i < start.opens_count; i++) {
        if (start.error < 0) {
            ftl_request_fail(start.opens[i], start.error);
        } else {
            ftl_request_reply_channel(start.opens[i], &service);
        }
    }
    start.opens_count = 0;
}

static void started_one(void)
{
    if (--start.awaited > 0) {
        return;
    }
    if (start.error == 0 && start.cert != NULL && start.key != NULL) {
        credentials_set_server(start.cert, start.cert_len, start.key,
                               start.key_len);
    }
    if (start.key != NULL) {
        memset(start.key, 0, start.key_len); // the parsed key is enough
    }
    free(start.cert);
    free(start.key);
    start.cert = start.key = NULL;
    if (start.error == 0) {
        FTL_LOG_INFO("ready: server %s, client %s",
                     credentials_server() != NULL ? "yes" : "no",
                     credentials_client() != NULL ? "yes" : "no");
    }
    answer_opens();
}

// Random numbers.

static void refill(void);

static void on_random(const struct ftl_result *result, void *arg)
{
    (void)arg;
    refilling = false;
    bool was_ready = crypto_random_ready();
    if (result->error == 0) {
        crypto_random_feed(result->body, result->body_len);
    }
    if (was_ready) {
        if (result->error < 0) {
            FTL_LOG_WARN("random: %s (the DRBG goes on until it needs a "
                         "reseed)",
                         ftl_error_str(result->error));
        }
        return;
    }
    if (!crypto_random_ready() || psa_crypto_init() != PSA_SUCCESS) {
        FTL_LOG_ERROR("no random numbers from the random service (%s): "
                      "TLS refuses to start",
                      ftl_error_str(result->error < 0 ? result->error
                                                      : FTL_ERR_IO));
        start.error = FTL_ERR_IO;
    }
    started_one();
}

static void refill(void)
{
    size_t want = crypto_random_wanted();
    if (refilling || random_source == NULL || want < CRYPTO_RANDOM_SEED_LEN) {
        return;
    }
    if (ftl_client_read(random_source, 0, NULL, want, on_random, NULL) == 0) {
        refilling = true;
    }
}

static void on_random_opened(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error == 0) {
        random_source = ftl_client_create(loop, result->handle);
    }
    if (random_source == NULL) {
        FTL_LOG_ERROR("no random service (%s): TLS refuses to start",
                      ftl_error_str(result->error < 0 ? result->error
                                                      : FTL_ERR_NO_MEMORY));
        start.error = FTL_ERR_IO;
        started_one();
        return;
    }
    refill();
}

// The counts that matter to an operator, at most once a second.
static void report(void)
{
    if (tls_counts.evicted != logged.evicted) {
        FTL_LOG_WARN("evicted_handshakes: %llu more (%llu in all): over "
                     "TLS_HANDSHAKES_MAX (%u) in progress",
                     (unsigned long long)(tls_counts.evicted - logged.evicted),
                     (unsigned long long)tls_counts.evicted,
                     tls_limits.handshakes_max);
    }
    if (tls_counts.failed != logged.failed &&
        tls_counts.last_failure[0] != '\0') {
        FTL_LOG_INFO("failed_handshakes: %llu more (%llu in all), the last: "
                     "%s",
                     (unsigned long long)(tls_counts.failed - logged.failed),
                     (unsigned long long)tls_counts.failed,
                     tls_counts.last_failure);
        tls_counts.last_failure[0] = '\0';
    }
    if (tls_counts.timed_out != logged.timed_out) {
        FTL_LOG_INFO("timed_out_handshakes: %llu more (%llu in all)",
                     (unsigned long long)(tls_counts.timed_out -
                                          logged.timed_out),
                     (unsigned long long)tls_counts.timed_out);
    }
    logged = tls_counts;
}

static void on_tick(struct ftl_loop *l, struct ftl_loop_timer *timer,
                    void *arg)
{
    (void)l;
    (void)timer;
    (void)arg;
    refill();
    report();
}

// Files.

static void on_cert(int error, char *data, size_t len, void *arg)
{
    (void)arg;
    if (error < 0) {
        FTL_LOG_INFO("tls/cert.pem: %s: no listening", ftl_error_str(error));
    }
    start.cert = data;
    start.cert_len = len;
    started_one();
}

static void on_key(int error, char *data, size_t len, void *arg)
{
    (void)arg;
    if (error < 0) {
        FTL_LOG_INFO("tls/key.pem: %s: no listening", ftl_error_str(error));
    }
    start.key = data;
    start.key_len = len;
    started_one();
}

static void on_ca(int error, char *data, size_t len, void *arg)
{
    (void)arg;
    if (error < 0) {
        FTL_LOG_INFO("tls/ca.pem: %s: no outgoing connections",
                     ftl_error_str(error));
    } else {
        credentials_set_ca(data, len);
    }
    free(data);
    started_one();
}

static void read_file(const char *path, file_read_fn fn)
{
    start.awaited++;
    int err = file_read_all(loop, supervisor, path, PEM_MAX, fn, NULL);
    if (err < 0) {
        fn(err, NULL, 0, NULL);
    }
}

static void on_tcpip(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        FTL_LOG_ERROR("no tcpip: %s", ftl_error_str(result->error));
        ftl_loop_stop(loop, 1);
        return;
    }
    ftl_tcp_use(loop, result->handle);
    started_one();
}

// Requests.

static void on_open(struct ftl_request *req, const char *path)
{
    struct socket *socket = ftl_request_context(req);
    if (socket->kind == SOCKET_LISTENER) {
        if (strcmp(path, "accept") != 0) {
            ftl_request_fail(req, FTL_ERR_NOT_FOUND);
            return;
        }
        listener_accept(req, (struct tls_listener *)socket);
    } else if (socket->kind != SOCKET_SERVICE) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
    } else if (strncmp(path, "tls-listen:", 11) == 0) {
        listener_open(loop, req, path + 11);
    } else if (strncmp(path, "tls:", 4) == 0) {
        connect_open(loop, req, path + 4);
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
    }
}

static void on_read(struct ftl_request *req, uint64_t offset, size_t len)
{
    (void)offset; // a stream has no offsets
    struct socket *socket = ftl_request_context(req);
    if (socket->kind != SOCKET_SESSION) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    session_read(req, (struct session *)socket, len);
}

static void on_write(struct ftl_request *req, uint64_t offset, const void *data,
                     size_t len)
{
    (void)offset;
    struct socket *socket = ftl_request_context(req);
    if (socket->kind != SOCKET_SESSION) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    session_write(req, (struct session *)socket, data, len);
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    struct socket *socket = ftl_request_context(req);
    if ((socket->kind == SOCKET_CONTROL || socket->kind == SOCKET_SERVICE) &&
        strcmp(name, "stats") == 0) {
        char text[256];
        size_t len = tls_counts_describe(text, sizeof(text));
        ftl_request_reply(req, 0, text, len);
        return;
    }
    ftl_request_fail(req, FTL_ERR_NOT_FOUND);
}

static void on_setattr(struct ftl_request *req, const char *name,
                       const char *value)
{
    struct socket *socket = ftl_request_context(req);
    if (socket->kind != SOCKET_SESSION) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    session_setattr(req, (struct session *)socket, name, value);
}

// An app's channel, which the supervisor asked for on the app's behalf:
// given once tls has started.
static void on_service_open(struct ftl_request *req, const char *name)
{
    (void)name;
    if (start.awaited == 0) {
        if (start.error < 0) {
            ftl_request_fail(req, start.error);
        } else {
            ftl_request_reply_channel(req, &service);
        }
        return;
    }
    if (start.opens_count == SERVICE_OPENS_WAITING_MAX) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    start.opens[start.opens_count++] = req;
}

static void on_hangup(struct ftl_server *server, void *context)
{
    (void)server;
    struct socket *socket = context;
    if (socket->kind == SOCKET_SESSION) {
        session_hangup((struct session *)socket);
    } else if (socket->kind == SOCKET_LISTENER) {
        listener_hangup((struct tls_listener *)socket);
    }
}

static void on_close(struct ftl_server *server, void *context)
{
    (void)server;
    struct socket *socket = context;
    if (socket->kind == SOCKET_SESSION) {
        session_destroy((struct session *)socket);
    } else if (socket->kind == SOCKET_LISTENER) {
        listener_close((struct tls_listener *)socket);
    }
}

static const struct ftl_server_ops ops = {.on_open = on_open,
                                          .on_read = on_read,
                                          .on_write = on_write,
                                          .on_getattr = on_getattr,
                                          .on_setattr = on_setattr,
                                          .on_hangup = on_hangup,
                                          .on_close = on_close,
                                          .on_service_open = on_service_open};

int main(void)
{
    tls_limits_load();
    loop = ftl_loop_create();
    struct ftl_server *server = ftl_server_create(loop, &ops, NULL);
    if (loop == NULL || server == NULL ||
        ftl_server_serve(server, ftl_start_info->channel, &control) < 0) {
        FTL_LOG_ERROR("cannot serve the first channel");
        return 1;
    }
    supervisor = ftl_server_client(server, ftl_start_info->channel);
    if (supervisor == NULL) {
        return 1;
    }
    start.awaited = 3; // tcpip, random, and one more so that the files'
                       // callbacks cannot end the start-up early
    if (ftl_client_open(supervisor, "service/tcpip", on_tcpip, NULL) < 0 ||
        ftl_client_open(supervisor, "service/random", on_random_opened,
                        NULL) < 0) {
        FTL_LOG_ERROR("cannot ask for tcpip and random");
        return 1;
    }
    read_file("tls/cert.pem", on_cert);
    read_file("tls/key.pem", on_key);
    read_file("tls/ca.pem", on_ca);
    started_one(); // the one more
    static struct ftl_loop_timer tick;
    ftl_loop_timer_start(loop, &tick, REFILL_NS, REFILL_NS, on_tick, NULL);
    return ftl_loop_run(loop);
}
