// Log lines about refused requests. What a peer sends decides whether the
// supervisor logs a refusal and what the line says, so a peer must not be
// able to fill the console, or write control characters to it, through
// them: see refusal.c.
#pragma once

#include <stdbool.h>

// At most REFUSALS_PER_S refusal lines a second are written; the count of
// the rest is logged once the next second starts.
#define REFUSALS_PER_S 10
// What a peer sent is shown cut to this many characters.
#define REFUSAL_TEXT_MAX 64

// Whether a refusal may be logged now; false counts it as not logged.
bool refusal_may_log(void);

// text (a path, name or value a peer sent) made printable and cut; valid
// until the next call.
const char *refusal_text(const char *text);
