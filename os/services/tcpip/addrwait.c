// Waiting for the interface's address (addrwait.h): a list of waiters, each
// with its deadline timer.
#include "addrwait.h"

#include <stdlib.h>

#include <ftl/error.h>

#include "netif.h"

struct waiter {
    struct waiter *next, **prev;
    struct ftl_loop_timer deadline;
    addrwait_fn fn;
    void *arg;
};

static struct waiter *waiters;
static struct ftl_loop *loop;

void addrwait_init(struct ftl_loop *l)
{
    loop = l;
}

static void unlink_waiter(struct waiter *w)
{
    *w->prev = w->next;
    if (w->next != NULL) {
        w->next->prev = w->prev;
    }
    ftl_loop_timer_cancel(loop, &w->deadline);
}

static void on_deadline(struct ftl_loop *l, struct ftl_loop_timer *timer,
                        void *arg)
{
    (void)l;
    (void)timer;
    struct waiter *w = arg;
    unlink_waiter(w);
    w->fn(FTL_ERR_IO, w->arg);
    free(w);
}

void addrwait(addrwait_fn fn, void *arg)
{
    if (netif_is_ready()) {
        fn(0, arg);
        return;
    }
    struct waiter *w = calloc(1, sizeof(*w));
    if (w == NULL) {
        fn(FTL_ERR_NO_MEMORY, arg);
        return;
    }
    *w = (struct waiter){.fn = fn, .arg = arg};
    w->next = waiters;
    w->prev = &waiters;
    if (waiters != NULL) {
        waiters->prev = &w->next;
    }
    waiters = w;
    ftl_loop_timer_start(loop, &w->deadline, ADDRWAIT_NS, 0, on_deadline, w);
}

void addrwait_ready(void)
{
    while (waiters != NULL) {
        struct waiter *w = waiters;
        unlink_waiter(w);
        w->fn(0, w->arg);
        free(w);
    }
}
