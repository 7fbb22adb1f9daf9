// Outgoing TLS connections (connect.h).
#include "connect.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/tcp.h>

#include "credentials.h"
#include "limits.h"
#include "session.h"

#define HOST_MAX 253

struct connecting {
    struct ftl_loop *loop;
    struct ftl_request *req;
    char host[HOST_MAX + 1];
};

static void on_handshake(struct session *s, int error, void *owner)
{
    struct connecting *c = owner;
    tls_counts.handshaking--;
    if (error < 0) {
        tls_counts.failed++;
        session_destroy(s);
        ftl_request_fail(c->req, error);
    } else {
        tls_counts.handshakes++;
        ftl_request_reply_channel(c->req, s);
    }
    free(c);
}

static void on_connected(struct ftl_conn *conn, int error, void *arg)
{
    struct connecting *c = arg;
    if (error < 0) {
        ftl_request_fail(c->req, error);
        free(c);
        return;
    }
    tls_counts.handshaking++;
    if (session_connect(c->loop, conn, credentials_client(), c->host,
                        on_handshake, c) == NULL) {
        tls_counts.handshaking--;
        ftl_request_fail(c->req, FTL_ERR_NO_MEMORY);
        free(c);
    }
}

void connect_open(struct ftl_loop *loop, struct ftl_request *req,
                  const char *target)
{
    const char *colon = strrchr(target, ':');
    char *end;
    unsigned long port = colon != NULL ? strtoul(colon + 1, &end, 10) : 0;
    size_t host_len = colon != NULL ? (size_t)(colon - target) : 0;
    if (colon == NULL || colon[1] == '\0' || *end != '\0' || port == 0 ||
        port > 65535 || host_len == 0) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    if (host_len > HOST_MAX) {
        ftl_request_fail(req, FTL_ERR_TOO_LARGE);
        return;
    }
    if (credentials_client() == NULL) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND); // no tls/ca.pem: logged
        return;
    }
    struct connecting *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    c->loop = loop;
    c->req = req;
    memcpy(c->host, target, host_len);
    int err = ftl_tcp_connect(loop, c->host, (uint16_t)port, on_connected, c);
    if (err < 0) {
        ftl_request_fail(req, err);
        free(c);
    }
}
