// The mbedtls configurations of tls's sessions, made from the files its
// spec grants (service.yaml):
//   tls/cert.pem  the server's certificate chain (PEM), its own first
//   tls/key.pem   the server's private key (PEM), which stays in tls
//   tls/ca.pem    the CAs that outgoing connections trust (PEM bundle)
// Both configurations allow TLS 1.2 and 1.3 only, with the cipher suites
// of os/lib/mbedtls/config.h.
#pragma once

#include <stddef.h>

#include "mbedtls/ssl.h"

// Makes the server configuration from a certificate chain and a key
// (PEM text, NUL-terminated after len). 0, or FTL_ERR_BAD_FORMAT with
// the reason logged.
int credentials_set_server(const char *cert, size_t cert_len, const char *key,
                           size_t key_len);

// Makes the client configuration from a CA bundle (PEM). 0 or
// FTL_ERR_BAD_FORMAT.
int credentials_set_ca(const char *bundle, size_t len);

// The configurations, or NULL if their files were missing or bad.
const mbedtls_ssl_config *credentials_server(void);
const mbedtls_ssl_config *credentials_client(void);
