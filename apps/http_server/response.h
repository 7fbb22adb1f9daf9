// Writing HTTP/1.1 responses: status line, the headers every response
// carries (Content-Length, Content-Type, Connection, Server) and the body.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <ftl/tcp.h>

struct response {
    int status;
    const char *type; // Content-Type, or NULL without a body
    const void *body; // len bytes (the length is sent even for HEAD)
    size_t len;
    bool head_only;    // HEAD: headers only
    bool keep_alive;   // else "Connection: close"
    const char *extra; // more header lines, each ending in CRLF, or NULL
};

// Queues the response on conn; done(conn, error, arg) runs once tcpip has
// taken all of it. Returns 0 or the error of ftl_conn_write.
int response_send(struct ftl_conn *conn, const struct response *r,
                  ftl_conn_write_fn done, void *arg);

// A small HTML page for an error status ("404 Not Found").
int response_error(struct ftl_conn *conn, int status, bool head_only,
                   bool keep_alive, const char *extra, ftl_conn_write_fn done,
                   void *arg);
