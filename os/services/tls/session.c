// TLS sessions (see session.h). mbedtls reads and writes through the two
// callbacks of its BIO: recv takes what the last TCP read brought, or
// starts a read and says WANT_READ; send queues the records on the TCP
// connection (ftl_conn_write copies them) and never blocks, because what
// it is given is bounded by the one WRITE an app may have in flight.
// pump() then runs whatever waited for the bytes that came: the app's READ
// at once; a handshake's step later, as the loop's idle work (below).
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/time.h>

#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"

#include "limits.h"
#include "listener.h"

// Ciphertext is read in pieces that come inline in tcpip's reply.
#define CIPHER_READ_MAX 4096

// A handshake that has waited this long for its client (for its
// ClientHello, or its answer to ours) may be evicted to make room: a real
// client answers within a round trip, and one that is still connecting or
// reading our answer must not be cut off by the clients behind it.
#define EVICT_AFTER_NS FTL_S

enum session_state { HANDSHAKING, ESTABLISHED, ENDED };

struct session {
    struct socket socket; // SOCKET_SESSION
    struct ftl_loop *loop;
    struct ftl_conn *tcp;
    mbedtls_ssl_context ssl;
    enum session_state state;
    session_done_fn done;
    void *owner;
    struct ftl_loop_timer deadline;
    // Ciphertext from the last TCP read that mbedtls has not taken yet.
    uint8_t in[CIPHER_READ_MAX];
    size_t in_len, in_off;
    bool tcp_reading, tcp_eof, tcp_failed;
    struct ftl_request *app_read; // a READ waiting for plaintext
    size_t app_read_len;
    struct ftl_request *app_write; // a WRITE waiting for its records to go
    size_t app_write_len;
    struct session *next;
    // In the list of server handshakes in progress, oldest first.
    struct session *older, *newer;
    bool listed;
    // In the queue of handshakes with bytes to work on.
    struct session *due_prev, *due_next;
    bool due;
    // Whether this end has sent its first flight: for a server, its
    // answer to the ClientHello, made with the handshake's costly steps
    // (key exchange, signature). What comes after is cheap to take.
    bool answered;
    uint64_t waiting_since; // for its client: since it started, or answered
};

static struct session *oldest, *newest;

// Server handshakes whose ClientHello came, in the order they came. Their
// next step (the key exchange and the signature: milliseconds of
// computation) runs one per turn of the loop when no event waits
// (ftl_loop_idle), so that the cheap work (records of established
// sessions, the last message of a handshake already answered) never
// queues behind a burst of ClientHellos: under a burst, handshakes finish
// one by one instead of all together at its end, and served sessions go
// on being served.
static struct session *due_first, *due_last;

// One buffer for decrypted data on its way into a reply: the service runs
// on one thread and a reply copies it at once.
static uint8_t plaintext[MBEDTLS_SSL_IN_CONTENT_LEN];

struct session **session_next(struct session *session)
{
    return &session->next;
}

static void pump(struct session *s);

static void list_add(struct session *s)
{
    s->older = newest;
    s->newer = NULL;
    if (newest != NULL) {
        newest->newer = s;
    } else {
        oldest = s;
    }
    newest = s;
    s->listed = true;
}

static void run_due(struct ftl_loop *loop, void *arg);

static void due_add(struct session *s)
{
    if (s->due) {
        return;
    }
    s->due_prev = due_last;
    s->due_next = NULL;
    if (due_last != NULL) {
        due_last->due_next = s;
    } else {
        due_first = s;
        ftl_loop_idle(s->loop, run_due, NULL);
    }
    due_last = s;
    s->due = true;
}

static void due_remove(struct session *s)
{
    if (!s->due) {
        return;
    }
    if (s->due_prev != NULL) {
        s->due_prev->due_next = s->due_next;
    } else {
        due_first = s->due_next;
    }
    if (s->due_next != NULL) {
        s->due_next->due_prev = s->due_prev;
    } else {
        due_last = s->due_prev;
    }
    s->due = false;
    if (due_first == NULL) {
        ftl_loop_idle(s->loop, NULL, NULL);
    }
}

static void run_due(struct ftl_loop *loop, void *arg)
{
    (void)loop;
    (void)arg;
    struct session *s = due_first;
    due_remove(s);
    pump(s); // may end s
}

static void list_remove(struct session *s)
{
    if (!s->listed) {
        return;
    }
    if (s->older != NULL) {
        s->older->newer = s->newer;
    } else {
        oldest = s->newer;
    }
    if (s->newer != NULL) {
        s->newer->older = s->older;
    } else {
        newest = s->older;
    }
    s->listed = false;
}

// The handshake ends without a result for the peer: its owner is told.
static void abandon(struct session *s, int error)
{
    list_remove(s);
    due_remove(s);
    ftl_loop_timer_cancel(s->loop, &s->deadline);
    s->state = ENDED;
    s->done(s, error, s->owner);
}

bool session_evict_oldest(bool overloaded)
{
    // A handshake due for work has a client that sent its ClientHello and
    // waits for us: ending it would turn a burst of real clients into
    // failures. Those that have waited long for their client are the ones
    // that may have been abandoned. Overloaded, the oldest goes, whatever
    // it waits for.
    uint64_t now = ftl_clock_ns();
    struct session *s = oldest;
    while (!overloaded && s != NULL &&
           (s->due || now - s->waiting_since < EVICT_AFTER_NS)) {
        s = s->newer;
    }
    if (s == NULL) {
        return false;
    }
    abandon(s, FTL_ERR_LIMIT);
    return true;
}

static void on_tcp_read(struct ftl_conn *conn, const void *data, long len,
                        void *arg)
{
    (void)conn;
    struct session *s = arg;
    s->tcp_reading = false;
    if (len < 0) {
        s->tcp_failed = true;
    } else if (len == 0) {
        s->tcp_eof = true;
    } else {
        memcpy(s->in, data, (size_t)len);
        s->in_off = 0;
        s->in_len = (size_t)len;
        if (s->state == HANDSHAKING && !s->answered) {
            due_add(s);
            return;
        }
    }
    pump(s); // an app's READ, a handshake's end, or a peer gone (cheap)
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct session *s = ctx;
    if (s->in_off < s->in_len) {
        size_t n = s->in_len - s->in_off;
        n = n < len ? n : len;
        memcpy(buf, s->in + s->in_off, n);
        s->in_off += n;
        return (int)n;
    }
    if (s->tcp_failed) {
        return MBEDTLS_ERR_SSL_CONN_EOF;
    }
    if (s->tcp_eof) {
        return 0; // mbedtls: the peer closed without close_notify
    }
    if (!s->tcp_reading) {
        if (ftl_conn_read(s->tcp, CIPHER_READ_MAX, on_tcp_read, s) < 0) {
            return MBEDTLS_ERR_SSL_CONN_EOF;
        }
        s->tcp_reading = true;
    }
    return MBEDTLS_ERR_SSL_WANT_READ;
}

// An app's WRITE is answered once tcpip has taken all records made of it.
static void on_tcp_written(struct ftl_conn *conn, int error, void *arg)
{
    struct session *s = arg;
    if (s->app_write == NULL) {
        return;
    }
    if (error < 0) {
        struct ftl_request *req = s->app_write;
        s->app_write = NULL;
        ftl_request_fail(req, FTL_ERR_IO);
    } else if (ftl_conn_pending(conn) == 0) {
        struct ftl_request *req = s->app_write;
        s->app_write = NULL;
        ftl_request_reply(req, s->app_write_len, NULL, 0);
    }
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct session *s = ctx;
    if (!s->answered && s->listed) {
        // A server handshake now waits for its client, so may be evicted:
        // a paused listener may take its next connection.
        listener_room(s->loop);
    }
    if (!s->answered) {
        s->waiting_since = ftl_clock_ns();
    }
    s->answered = true;
    if (ftl_conn_write(s->tcp, buf, len, on_tcp_written, s) < 0) {
        return MBEDTLS_ERR_SSL_CONN_EOF;
    }
    return (int)len;
}

static void on_deadline(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                        void *arg)
{
    (void)loop;
    (void)timer;
    abandon(arg, FTL_ERR_TIMED_OUT);
}

static struct session *start(struct ftl_loop *loop, struct ftl_conn *tcp,
                             const mbedtls_ssl_config *config,
                             const char *host, session_done_fn done,
                             void *owner)
{
    struct session *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        ftl_conn_close(tcp);
        return NULL;
    }
    s->socket.kind = SOCKET_SESSION;
    s->loop = loop;
    s->tcp = tcp;
    s->done = done;
    s->owner = owner;
    s->waiting_since = ftl_clock_ns();
    mbedtls_ssl_init(&s->ssl);
    if (mbedtls_ssl_setup(&s->ssl, config) != 0 ||
        (host != NULL && mbedtls_ssl_set_hostname(&s->ssl, host) != 0)) {
        mbedtls_ssl_free(&s->ssl);
        ftl_conn_close(tcp);
        free(s);
        return NULL;
    }
    mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, NULL);
    ftl_loop_timer_start(loop, &s->deadline, tls_limits.handshake_ns, 0,
                         on_deadline, s);
    tls_counts.sessions++;
    if (host == NULL) {
        list_add(s);
    }
    pump(s);
    return s;
}

struct session *session_accept(struct ftl_loop *loop, struct ftl_conn *tcp,
                               const mbedtls_ssl_config *config,
                               session_done_fn done, void *owner)
{
    return start(loop, tcp, config, NULL, done, owner);
}

struct session *session_connect(struct ftl_loop *loop, struct ftl_conn *tcp,
                                const mbedtls_ssl_config *config,
                                const char *host, session_done_fn done,
                                void *owner)
{
    return start(loop, tcp, config, host, done, owner);
}

// A failed handshake, said in a log line; the error for the owner.
static int handshake_error(struct session *s, int ret)
{
    char why[128];
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        mbedtls_x509_crt_verify_info(why, sizeof(why), "",
                                     mbedtls_ssl_get_verify_result(&s->ssl));
        char *nl = strchr(why, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        FTL_LOG_WARN("handshake: the peer's certificate is not trusted: %s",
                     why);
        return FTL_ERR_NOT_ALLOWED;
    }
    if (s->tcp_eof || s->tcp_failed) {
        return FTL_ERR_IO; // the peer went away half way: not worth a line
    }
    // Said once a second at most, with the count (main.c): a client that
    // sends garbage must not flood the log.
    mbedtls_strerror(ret, tls_counts.last_failure,
                     sizeof(tls_counts.last_failure));
    return FTL_ERR_IO;
}

static void pump_read(struct session *s)
{
    size_t want = s->app_read_len < sizeof(plaintext) ? s->app_read_len
                                                      : sizeof(plaintext);
    int ret = mbedtls_ssl_read(&s->ssl, plaintext, want);
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return;
    }
    struct ftl_request *req = s->app_read;
    s->app_read = NULL;
    if (ret > 0) {
        ftl_request_reply_data(req, plaintext, (size_t)ret);
    } else if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
               (ret == MBEDTLS_ERR_SSL_CONN_EOF && s->tcp_eof)) {
        ftl_request_reply_data(req, NULL, 0); // the end of the stream
    } else {
        ftl_request_fail(req, FTL_ERR_IO);
    }
}

static void pump(struct session *s)
{
    if (s->state == HANDSHAKING) {
        int ret = mbedtls_ssl_handshake(&s->ssl);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ ||
            ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            return;
        }
        ftl_loop_timer_cancel(s->loop, &s->deadline);
        list_remove(s);
        int error = ret == 0 ? 0 : handshake_error(s, ret);
        s->state = error == 0 ? ESTABLISHED : ENDED;
        s->done(s, error, s->owner); // last: the owner may destroy s
        return;
    }
    if (s->state == ESTABLISHED && s->app_read != NULL) {
        pump_read(s);
    }
}

void session_read(struct ftl_request *req, struct session *s, size_t len)
{
    if (s->app_read != NULL) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    if (s->state != ESTABLISHED) {
        ftl_request_fail(req, FTL_ERR_IO);
        return;
    }
    s->app_read = req;
    s->app_read_len = len;
    pump_read(s);
}

void session_write(struct ftl_request *req, struct session *s,
                   const void *data, size_t len)
{
    if (s->app_write != NULL) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    if (s->state != ESTABLISHED) {
        ftl_request_fail(req, FTL_ERR_IO);
        return;
    }
    const uint8_t *p = data;
    size_t left = len;
    while (left > 0) {
        int ret = mbedtls_ssl_write(&s->ssl, p, left);
        if (ret <= 0) {
            ftl_request_fail(req, FTL_ERR_IO);
            return;
        }
        p += ret;
        left -= (size_t)ret;
    }
    if (ftl_conn_pending(s->tcp) == 0) {
        ftl_request_reply(req, len, NULL, 0);
        return;
    }
    s->app_write = req;
    s->app_write_len = len;
}

void session_setattr(struct ftl_request *req, struct session *s,
                     const char *name, const char *value)
{
    if (strcmp(name, "shutdown") != 0 || strcmp(value, "write") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    if (s->state == ESTABLISHED) {
        mbedtls_ssl_close_notify(&s->ssl);
    }
    int err = ftl_conn_shutdown(s->tcp);
    if (err < 0) {
        ftl_request_fail(req, err);
    } else {
        ftl_request_reply(req, 0, NULL, 0);
    }
}

void session_hangup(struct session *s)
{
    if (s->app_read != NULL) {
        struct ftl_request *req = s->app_read;
        s->app_read = NULL;
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED);
    }
    if (s->app_write != NULL) {
        struct ftl_request *req = s->app_write;
        s->app_write = NULL;
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED);
    }
}

void session_destroy(struct session *s)
{
    list_remove(s);
    due_remove(s);
    ftl_loop_timer_cancel(s->loop, &s->deadline);
    if (s->state == ESTABLISHED && !s->tcp_failed) {
        mbedtls_ssl_close_notify(&s->ssl);
    }
    ftl_conn_close(s->tcp); // FIN once the records queued are sent
    mbedtls_ssl_free(&s->ssl);
    free(s);
    tls_counts.sessions--;
}
