// The Linux baseline's HTTPS server (bench/tls_bench.py): the same page,
// status line and headers as http_server.c, over TLS on port 443 with
// OpenSSL (Debian's libssl, linked static), HTTP/1.1 keep-alive. One
// thread, non-blocking sockets and poll() over every connection, the usual
// shape of a small static C server in front of a TLS library. OpenSSL's
// defaults stand (TLS 1.2 and 1.3, its cipher and group preferences, two
// session tickets after a TLS 1.3 handshake), as a user of the library
// would leave them; the certificate chain and key are FTL's development set.
// Built static by bench/linux/build.sh; run by init.sh with `ftl.https`.
//
// Usage: https_server CERT_CHAIN KEY PAGE
#define _GNU_SOURCE // memmem, strcasestr
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECTIONS_MAX 2048
#define REQUEST_MAX 8192

static char response[16384];
static size_t response_len;

struct connection {
    SSL *ssl;
    int established;
    size_t unsent;   // bytes of the response still to write (SSL_write
                     // retried with the same arguments, as OpenSSL asks)
    unsigned queued; // complete requests not answered yet
    int closing;     // a request said `Connection: close`: close once
                     // it is answered
    char buf[REQUEST_MAX];
    size_t len;
};

static struct pollfd fds[CONNECTIONS_MAX];
static struct connection *conns[CONNECTIONS_MAX];
static int count;

static void load(const char *path)
{
    static char body[12288];
    FILE *f = fopen(path, "rb");
    size_t n = f != NULL ? fread(body, 1, sizeof(body), f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    int head = snprintf(response, sizeof(response),
                        "HTTP/1.1 200 OK\r\nServer: FTL\r\n"
                        "X-Content-Type-Options: nosniff\r\n"
                        "Content-Length: %zu\r\n"
                        "Content-Type: text/html; charset=utf-8\r\n"
                        "Connection: keep-alive\r\n\r\n",
                        n);
    memcpy(response + head, body, n);
    response_len = (size_t)head + n;
}

static void drop(int i)
{
    SSL_free(conns[i]->ssl);
    close(fds[i].fd);
    free(conns[i]);
    count--;
    fds[i] = fds[count];
    conns[i] = conns[count];
}

// What poll should wait for after an OpenSSL call returned ret; 0 to close.
static short wanted(SSL *ssl, int ret)
{
    switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        return POLLIN;
    case SSL_ERROR_WANT_WRITE:
        return POLLOUT;
    default:
        ERR_clear_error();
        return 0;
    }
}

// Counts the complete requests in the buffer into c->queued and drops
// them, up to one that asks to close; false if the buffer is full of an
// incomplete one.
static int parse(struct connection *c)
{
    char *end;
    while (!c->closing &&
           (end = memmem(c->buf, c->len, "\r\n\r\n", 4)) != NULL) {
        size_t head = (size_t)(end - c->buf) + 4;
        c->buf[head - 1] = '\0';
        c->closing = strcasestr(c->buf, "connection: close") != NULL;
        memmove(c->buf, c->buf + head, c->len - head);
        c->len -= head;
        c->queued++;
    }
    return c->closing || c->len < sizeof(c->buf);
}

// Writes the queued answers; the events to wait for next, 0 to close.
static short answer(struct connection *c)
{
    while (c->queued > 0) {
        if (c->unsent == 0) {
            c->unsent = response_len;
        }
        int n = SSL_write(c->ssl, response + (response_len - c->unsent),
                          (int)c->unsent);
        if (n <= 0) {
            return wanted(c->ssl, n);
        }
        c->unsent -= (size_t)n;
        if (c->unsent == 0) {
            c->queued--;
        }
    }
    return POLLIN;
}

// Moves connection i on as far as it goes without blocking; false to close.
static int step(int i)
{
    struct connection *c = conns[i];
    if (!c->established) {
        int ret = SSL_accept(c->ssl);
        if (ret != 1) {
            fds[i].events = wanted(c->ssl, ret);
            return fds[i].events != 0;
        }
        c->established = 1;
    }
    short events = answer(c);
    if (events == 0) {
        return 0;
    }
    if (c->queued > 0) { // the socket is full: wait, read nothing more
        fds[i].events = events;
        return 1;
    }
    if (c->closing) {
        return 0;
    }
    for (;;) {
        int n = SSL_read(c->ssl, c->buf + c->len, (int)(sizeof(c->buf) - c->len));
        if (n <= 0) {
            fds[i].events = wanted(c->ssl, n);
            return fds[i].events != 0;
        }
        c->len += (size_t)n;
        int keep = parse(c);
        events = answer(c);
        if (!keep || events == 0) {
            return 0;
        }
        if (c->queued > 0) {
            fds[i].events = events;
            return 1;
        }
        if (c->closing) {
            return 0;
        }
    }
}

static SSL_CTX *context(const char *chain, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
        SSL_CTX_use_certificate_chain_file(ctx, chain) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        ERR_print_errors_fp(stderr);
        return NULL;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return ctx;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: https_server CERT_CHAIN KEY PAGE\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    SSL_CTX *ctx = context(argv[1], argv[2]);
    if (ctx == NULL) {
        return 1;
    }
    load(argv[3]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(443)};
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(listener, 128) < 0) {
        perror("https_server");
        return 1;
    }
    fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
    count = 1;
    for (;;) {
        poll(fds, (nfds_t)count, -1);
        for (int i = count - 1; i >= 1; i--) {
            if (fds[i].revents != 0 && !step(i)) {
                drop(i);
            }
        }
        if ((fds[0].revents & POLLIN) && count < CONNECTIONS_MAX) {
            int fd = accept(listener, NULL, NULL);
            if (fd < 0) {
                continue;
            }
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            fcntl(fd, F_SETFL, O_NONBLOCK);
            struct connection *c = calloc(1, sizeof(*c));
            c->ssl = c != NULL ? SSL_new(ctx) : NULL;
            if (c == NULL || c->ssl == NULL || !SSL_set_fd(c->ssl, fd)) {
                if (c != NULL) {
                    SSL_free(c->ssl);
                }
                free(c);
                close(fd);
                continue;
            }
            fds[count] = (struct pollfd){.fd = fd, .events = POLLIN};
            conns[count] = c;
            count++;
            if (!step(count - 1)) {
                drop(count - 1);
            }
        }
    }
}
