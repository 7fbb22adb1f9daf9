// A fake connection for the HTTP library's unit tests: a transport
// (sdk/lib/http_internal.h) that records what the session writes, whether
// it asked for a read, held or closed, so that a test plays the client by
// feeding bytes and reads the server's answer as text.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "http_internal.h"

#define HTTP_FAKE_OUT_MAX (256 * 1024)

struct http_fake {
    struct ftl_http_app *app;
    struct http_session *session;    // NULL once closed
    char out[HTTP_FAKE_OUT_MAX + 1]; // NUL-terminated
    size_t out_len;
    bool reading;    // a read is asked for and not served yet
    bool in_request; // of the last read
    int reads, holds, writes;
    bool closed;
    int write_error; // what writes return when set (a client gone)
};

extern struct http_fake fake;

// A new app (and a fresh clock, fake_ipc.h): routes are added to
// fake.app, then http_fake_open starts a connection.
void http_fake_reset(void);
void http_fake_open(void);

// Sends bytes as the client; the session must be reading (else the test
// fails: the server would not have taken them). Returns false when the
// session was closed already.
bool http_fake_send(const void *data, size_t len);
bool http_fake_sends(const char *text); // strlen(text) bytes

// The end of the client's stream (len 0), or the time-out of the wait.
void http_fake_eof(void);
void http_fake_timeout(void);

// How many times s occurs in the output (responses: "HTTP/1.1 ").
int http_fake_count(const char *s);

// Forgets the output so far.
void http_fake_clear(void);

// Frees the app (tests' teardown; the session must be closed by then).
void http_fake_teardown(void);
