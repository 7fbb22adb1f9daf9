// READs of random bytes (reads.h).
#include "reads.h"

#include <stdlib.h>

#include <ftl/error.h>

#include "mbedtls/platform_util.h"

struct waiting_read {
    struct ftl_request *req;
    struct client *client;
    size_t len;
    struct waiting_read *next;
};

void reads_init(struct reads *r, struct pool *pool, struct feed *feed)
{
    *r = (struct reads){.pool = pool, .feed = feed};
}

// Tries to answer req now. FTL_ERR_WOULD_BLOCK: it must wait (and is not
// completed); anything else: it is completed.
static int answer(struct reads *r, struct ftl_request *req, struct client *c,
                  size_t len)
{
    uint8_t bytes[READS_LEN_MAX];
    int err = drbg_generate(&c->drbg, r->pool, bytes, len);
    // The pool took entropy (or tried to): top the reserve up.
    feed_refill(r->feed);
    if (err == 0) {
        ftl_request_reply_data(req, bytes, len);
        r->answered++;
        r->bytes += len;
    } else if (err == FTL_ERR_WOULD_BLOCK && feed_may_give(r->feed)) {
        // Nothing usable was made; the bytes in the buffer are discarded.
    } else {
        ftl_request_fail(req, FTL_ERR_IO);
        err = FTL_ERR_IO;
    }
    mbedtls_platform_zeroize(bytes, len);
    return err == FTL_ERR_WOULD_BLOCK ? err : 0;
}

static bool enqueue(struct reads *r, struct ftl_request *req, struct client *c,
                    size_t len)
{
    struct waiting_read *w;
    if (r->waiting >= READS_WAITING_MAX || (w = malloc(sizeof(*w))) == NULL) {
        return false;
    }
    *w = (struct waiting_read){.req = req, .client = c, .len = len};
    if (r->tail != NULL) {
        r->tail->next = w;
    } else {
        r->head = w;
    }
    r->tail = w;
    r->waiting++;
    c->waiting++;
    return true;
}

void reads_serve(struct reads *r, struct ftl_request *req, struct client *c,
                 size_t len)
{
    if (len > READS_LEN_MAX) {
        ftl_request_fail(req, FTL_ERR_TOO_LARGE);
        return;
    }
    if (len == 0) {
        ftl_request_reply_data(req, NULL, 0);
        return;
    }
    // Behind others that wait, a READ waits too: answers keep their order.
    if (r->head == NULL && answer(r, req, c, len) == 0) {
        return;
    }
    if (!enqueue(r, req, c, len)) {
        ftl_request_fail(req, FTL_ERR_BUSY);
    }
}

// Takes the oldest waiting READ off the list.
static void pop(struct reads *r)
{
    struct waiting_read *w = r->head;
    r->head = w->next;
    if (r->head == NULL) {
        r->tail = NULL;
    }
    r->waiting--;
    w->client->waiting--;
    free(w);
}

void reads_retry(struct reads *r)
{
    while (r->head != NULL) {
        struct waiting_read *w = r->head;
        if (answer(r, w->req, w->client, w->len) == FTL_ERR_WOULD_BLOCK) {
            return; // still too little: wait for the next change
        }
        pop(r);
    }
}

void reads_drop_client(struct reads *r, struct client *c)
{
    struct waiting_read **link = &r->head;
    struct waiting_read *previous = NULL;
    while (*link != NULL) {
        struct waiting_read *w = *link;
        if (w->client != c) {
            previous = w;
            link = &w->next;
            continue;
        }
        *link = w->next;
        if (r->tail == w) {
            r->tail = previous;
        }
        r->waiting--;
        c->waiting--;
        ftl_request_fail(w->req, FTL_ERR_PEER_CLOSED);
        free(w);
    }
}
