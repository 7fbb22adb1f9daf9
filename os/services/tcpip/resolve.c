// DNS lookups: once the interface has an address (addrwait.h), lwIP's
// dns_gethostbyname answers at once from its cache or for a dotted
// address, or later through a callback; every path ends in the caller's
// fn, once.
#include "resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

#include "lwip/dns.h"

#include "addrwait.h"

struct lookup {
    resolve_fn fn;
    void *arg;
    char host[256];
};

static void on_found(const char *name, const ip_addr_t *address, void *arg)
{
    (void)name;
    struct lookup *lookup = arg;
    if (address == NULL) {
        lookup->fn(FTL_ERR_NOT_FOUND, NULL, lookup->arg);
    } else {
        lookup->fn(0, address, lookup->arg);
    }
    free(lookup);
}

static void on_address(int error, void *arg)
{
    struct lookup *lookup = arg;
    if (error < 0) {
        lookup->fn(error, NULL, lookup->arg);
        free(lookup);
        return;
    }
    ip_addr_t address;
    err_t err = dns_gethostbyname(lookup->host, &address, on_found, lookup);
    if (err == ERR_OK) {
        on_found(lookup->host, &address, lookup);
    } else if (err != ERR_INPROGRESS) {
        on_found(lookup->host, NULL, lookup);
    }
}

void resolve(const char *host, resolve_fn fn, void *arg)
{
    struct lookup *lookup = malloc(sizeof(*lookup));
    if (lookup == NULL) {
        fn(FTL_ERR_NO_MEMORY, NULL, arg);
        return;
    }
    lookup->fn = fn;
    lookup->arg = arg;
    snprintf(lookup->host, sizeof(lookup->host), "%s", host);
    // Nothing can be reached, or looked up, before the interface has an
    // address: wait for it (addrwait.h).
    addrwait(on_address, lookup);
}

long resolve_port(const char *text)
{
    char *end;
    unsigned long port = strtoul(text, &end, 10);
    return *text == '\0' || *end != '\0' || port == 0 || port > 65535
               ? FTL_ERR_INVALID_ARG
               : (long)port;
}

int resolve_split(const char *spec, char *host, size_t size, uint16_t *port)
{
    const char *colon = strrchr(spec, ':');
    long number = colon != NULL ? resolve_port(colon + 1) : FTL_ERR_INVALID_ARG;
    if (number < 0 || colon == spec || (size_t)(colon - spec) >= size) {
        return FTL_ERR_INVALID_ARG;
    }
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    *port = (uint16_t)number;
    return 0;
}
