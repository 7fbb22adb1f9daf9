// Server and client configurations (credentials.h).
#include "credentials.h"

#include <stdbool.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>

#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#include "random.h"

static struct {
    mbedtls_x509_crt chain;
    mbedtls_pk_context key;
    mbedtls_ssl_config config;
    bool ready;
} server;

static struct {
    mbedtls_x509_crt cas;
    mbedtls_ssl_config config;
    bool ready;
} client;

// HTTP/1.1 is what the apps behind tls speak; a client offering h2 too
// gets http/1.1.
static const char *alpn[] = {"http/1.1", NULL};

static void log_mbedtls(const char *what, int ret)
{
    char why[128];
    mbedtls_strerror(ret, why, sizeof(why));
    FTL_LOG_ERROR("%s: %s", what, why);
}

// What both configurations share: the versions, and the random numbers.
static int config_defaults(mbedtls_ssl_config *config, int endpoint)
{
    mbedtls_ssl_config_init(config);
    int ret = mbedtls_ssl_config_defaults(config, endpoint,
                                          MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        log_mbedtls("TLS configuration", ret);
        return FTL_ERR_NO_MEMORY;
    }
    mbedtls_ssl_conf_min_tls_version(config, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(config, MBEDTLS_SSL_VERSION_TLS1_3);
    mbedtls_ssl_conf_rng(config, crypto_random_rng, NULL);
    return 0;
}

int credentials_set_server(const char *cert, size_t cert_len, const char *key,
                           size_t key_len)
{
    mbedtls_x509_crt_init(&server.chain);
    mbedtls_pk_init(&server.key);
    // PEM lengths count the terminating NUL.
    int ret = mbedtls_x509_crt_parse(&server.chain, (const unsigned char *)cert,
                                     cert_len + 1);
    if (ret != 0) {
        log_mbedtls("tls/cert.pem", ret);
        return FTL_ERR_BAD_FORMAT;
    }
    ret = mbedtls_pk_parse_key(&server.key, (const unsigned char *)key,
                               key_len + 1, NULL, 0, crypto_random_rng, NULL);
    if (ret != 0) {
        log_mbedtls("tls/key.pem", ret);
        return FTL_ERR_BAD_FORMAT;
    }
    if (config_defaults(&server.config, MBEDTLS_SSL_IS_SERVER) < 0) {
        return FTL_ERR_NO_MEMORY;
    }
    ret = mbedtls_ssl_conf_own_cert(&server.config, &server.chain, &server.key);
    if (ret != 0) {
        log_mbedtls("tls/cert.pem and tls/key.pem", ret);
        return FTL_ERR_BAD_FORMAT;
    }
    mbedtls_ssl_conf_alpn_protocols(&server.config, alpn);
    server.ready = true;
    return 0;
}

int credentials_set_ca(const char *bundle, size_t len)
{
    mbedtls_x509_crt_init(&client.cas);
    int ret = mbedtls_x509_crt_parse(&client.cas, (const unsigned char *)bundle,
                                     len + 1);
    if (ret < 0) {
        log_mbedtls("tls/ca.pem", ret);
        return FTL_ERR_BAD_FORMAT;
    }
    if (ret > 0) {
        // A bundle may hold certificates of kinds this build cannot use.
        FTL_LOG_INFO("tls/ca.pem: %d certificates skipped", ret);
    }
    if (config_defaults(&client.config, MBEDTLS_SSL_IS_CLIENT) < 0) {
        return FTL_ERR_NO_MEMORY;
    }
    mbedtls_ssl_conf_authmode(&client.config, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&client.config, &client.cas, NULL);
    client.ready = true;
    return 0;
}

const mbedtls_ssl_config *credentials_server(void)
{
    return server.ready ? &server.config : NULL;
}

const mbedtls_ssl_config *credentials_client(void)
{
    return client.ready ? &client.config : NULL;
}
