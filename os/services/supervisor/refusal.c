// Refusal log lines (see refusal.h): a window of one second with a budget
// of REFUSALS_PER_S lines, and a copy of the peer's text with every byte
// that is not printable ASCII replaced, since the console is a terminal.
#include "refusal.h"

#include <stdint.h>
#include <string.h>

#include <ftl/log.h>
#include <ftl/loop.h>
#include <ftl/time.h>

static uint64_t window_start_ns;
static unsigned logged, not_logged;

bool refusal_may_log(void)
{
    uint64_t now = ftl_clock_ns();
    if (now - window_start_ns >= FTL_S) {
        if (not_logged > 0) {
            FTL_LOG_WARN("%u more refusals in the last second, not logged",
                         not_logged);
        }
        window_start_ns = now;
        logged = 0;
        not_logged = 0;
    }
    if (logged < REFUSALS_PER_S) {
        logged++;
        return true;
    }
    not_logged++;
    return false;
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
