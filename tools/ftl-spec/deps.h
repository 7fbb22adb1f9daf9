// The dependency graph of a system: who may open whom, and so the order in
// which the supervisor starts services.
#pragma once

#include "service.h"

// Checks the names of a system's services: every `requires` names a
// service or something one `provides`, no name is provided twice, no
// dependency cycle (each reported with its path, "a -> b -> a"). Fills
// order[0..count) with the start order: each service after the ones it
// requires, otherwise as listed. With errors, order is incomplete.
void deps_check(const struct service *services, unsigned count,
                unsigned *order);
