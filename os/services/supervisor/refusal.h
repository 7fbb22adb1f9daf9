// Log lines about refused requests. What a peer sends decides whether the
// supervisor logs a refusal and what the line says, so a peer must not be
// able to fill the console, hide the refusals of others, or write control
// characters to the console through them: see refusal.c.
#pragma once

#include <stdbool.h>

#include "service.h"

// Per asker: a burst of REFUSALS_BURST lines, then REFUSALS_PER_S a
// second; how many were not logged is said with the next line logged.
#define REFUSALS_BURST 32
#define REFUSALS_PER_S 2
// What a peer sent is shown cut to this many characters.
#define REFUSAL_TEXT_MAX 64

// Whether a refusal of a request of `from` (NULL: a status client) may be
// logged now; false counts it as not logged.
bool refusal_may_log(const struct service *from);

// text (a path, name or value a peer sent) made printable and cut; valid
// until the next call.
const char *refusal_text(const char *text);
