// Timer objects (see timer.h): a list of armed timers sorted by deadline.
#include "timer.h"

#include "heap.h"
#include "hot.h"

KERNEL_HOT_DATA static struct timer *armed;

static void unlink_armed(struct timer *t)
{
    for (struct timer **link = &armed; *link != NULL; link = &(*link)->next) {
        if (*link == t) {
            *link = t->next;
            return;
        }
    }
}

static void insert_armed(struct timer *t)
{
    struct timer **link = &armed;
    while (*link != NULL && (*link)->deadline <= t->deadline) {
        link = &(*link)->next;
    }
    t->next = *link;
    *link = t;
}

static void timer_destroy(struct object *object)
{
    struct timer *t = (struct timer *)object;
    unlink_armed(t);
    waitable_detach_all(&t->waitable);
    heap_free(t);
}

struct timer *timer_create(void)
{
    struct timer *t = heap_alloc(sizeof(*t));
    if (t != NULL) {
        object_init(&t->object, OBJECT_TIMER, timer_destroy);
    }
    return t;
}

void timer_set(struct timer *t, uint64_t deadline_ns, uint64_t period_ns)
{
    unlink_armed(t);
    t->deadline = deadline_ns;
    t->period = period_ns;
    t->expirations = 0;
    if (deadline_ns != 0) {
        insert_armed(t);
    }
}

uint64_t timer_take_expirations(struct timer *t)
{
    uint64_t n = t->expirations;
    t->expirations = 0;
    return n;
}

uint64_t timer_next_deadline(void)
{
    return armed != NULL ? armed->deadline : 0;
}

void timer_fire_expired(uint64_t now)
{
    while (armed != NULL && armed->deadline <= now) {
        struct timer *t = armed;
        armed = t->next;
        uint64_t periods =
            t->period != 0 ? (now - t->deadline) / t->period + 1 : 0;
        if (periods != 0 &&
            periods <= (UINT64_MAX - t->deadline) / t->period) {
            // Count every period that passed, then re-arm after now.
            t->expirations += periods;
            t->deadline += periods * t->period;
            insert_armed(t);
        } else {
            // One-shot, or the next period lies past the clock's range
            // (it used to wrap to a deadline already passed, and this loop
            // spun with interrupts off: syscall_fuzz seed 1).
            t->expirations++;
            t->deadline = 0;
        }
        waitable_notify(&t->waitable);
    }
}
