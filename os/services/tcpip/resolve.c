// DNS lookups: lwIP's dns_gethostbyname answers at once from its cache or
// for a dotted address, or later through a callback; both paths end in the
// caller's fn, once.
#include "resolve.h"

#include <stdlib.h>

#include <ftl/error.h>

#include "lwip/dns.h"

struct lookup {
    resolve_fn fn;
    void *arg;
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

void resolve(const char *host, resolve_fn fn, void *arg)
{
    struct lookup *lookup = malloc(sizeof(*lookup));
    if (lookup == NULL) {
        fn(FTL_ERR_NO_MEMORY, NULL, arg);
        return;
    }
    lookup->fn = fn;
    lookup->arg = arg;
    ip_addr_t address;
    err_t err = dns_gethostbyname(host, &address, on_found, lookup);
    if (err == ERR_OK) {
        on_found(host, &address, lookup);
    } else if (err != ERR_INPROGRESS) {
        on_found(host, NULL, lookup);
    }
}
