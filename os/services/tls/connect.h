// Outgoing TLS: an app's `OPEN tls:HOST:PORT` connects through tcpip,
// completes a client handshake that checks the server's certificate
// against tls/ca.pem and HOST, and answers with the session's channel;
// FTL_ERR_NOT_ALLOWED when the certificate is not trusted or not for
// HOST (tls logs why), FTL_ERR_IO for any other failed handshake, and
// tcpip's errors for the connection (FTL_ERR_NOT_FOUND, FTL_ERR_IO).
#pragma once

#include <ftl/loop.h>
#include <ftl/server.h>

// target is the text after "tls:".
void connect_open(struct ftl_loop *loop, struct ftl_request *req,
                  const char *target);
