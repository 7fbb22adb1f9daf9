// The reserve of virtio_rng's bytes (reserve.h): a stack of bytes, taken
// from the top, so taking needs no moving.
#include "reserve.h"

#include <string.h>

#include "mbedtls/platform_util.h"

size_t reserve_put(struct reserve *r, const void *data, size_t len)
{
    size_t room = RESERVE_BYTES - r->len;
    size_t n = len < room ? len : room;
    memcpy(r->bytes + r->len, data, n);
    r->len += n;
    return n;
}

size_t reserve_take(struct reserve *r, void *out, size_t len)
{
    size_t n = len < r->len ? len : r->len;
    r->len -= n;
    memcpy(out, r->bytes + r->len, n);
    mbedtls_platform_zeroize(r->bytes + r->len, n);
    return n;
}

size_t reserve_wanted(const struct reserve *r)
{
    return r->len > RESERVE_BYTES / 2 ? 0 : RESERVE_BYTES - r->len;
}

int reserve_poll(void *source, unsigned char *out, size_t len, size_t *olen)
{
    *olen = reserve_take(source, out,
                         len < RESERVE_POLL_MAX ? len : RESERVE_POLL_MAX);
    return 0;
}
