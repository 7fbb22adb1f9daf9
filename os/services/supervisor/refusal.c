// Refusal log lines (see refusal.h): a token bucket per asker, kept as
// time credit (a line costs REFUSAL_COST_NS, credit grows with the clock up
// to a burst), and a copy of the peer's text with every byte that is not
// printable ASCII replaced, since the console is a terminal.
#include "refusal.h"

#include <stdint.h>
#include <string.h>

#include <ftl/log.h>
#include <ftl/loop.h>
#include <ftl/time.h>

#define REFUSAL_COST_NS (FTL_S / REFUSALS_PER_S)
#define REFUSAL_CREDIT_MAX_NS (REFUSALS_BURST * REFUSAL_COST_NS)

struct budget {
    bool used;          // credit and last_ns are set
    uint64_t credit_ns; // lines that may be logged, as time
    uint64_t last_ns;
    unsigned not_logged;
};

// One per service, and the last one for status clients.
static struct budget budgets[FTL_MANIFEST_SERVICES_MAX + 1];

bool refusal_may_log(const struct service *from)
{
    size_t slot = from != NULL ? (size_t)(from - supervisor.services)
                               : FTL_MANIFEST_SERVICES_MAX;
    struct budget *b = &budgets[slot];
    uint64_t now = ftl_clock_ns();
    uint64_t credit = b->used ? b->credit_ns + (now - b->last_ns)
                              : REFUSAL_CREDIT_MAX_NS;
    b->credit_ns =
        credit < REFUSAL_CREDIT_MAX_NS ? credit : REFUSAL_CREDIT_MAX_NS;
    b->last_ns = now;
    b->used = true;
    if (b->credit_ns < REFUSAL_COST_NS) {
        b->not_logged++;
        return false;
    }
    b->credit_ns -= REFUSAL_COST_NS;
    if (b->not_logged > 0) {
        FTL_LOG_WARN("%u more refusals of %s were not logged", b->not_logged,
                     from != NULL ? from->spec->name : "status clients");
        b->not_logged = 0;
    }
    return true;
}

const char *refusal_text(const char *text)
{
    static char out[REFUSAL_TEXT_MAX + sizeof("...")];
    size_t i = 0;
    for (; text[i] != '\0' && i < REFUSAL_TEXT_MAX; i++) {
        char c = text[i];
        out[i] = c >= ' ' && c <= '~' ? c : '?';
    }
    strcpy(out + i, text[i] != '\0' ? "..." : "");
    return out;
}
