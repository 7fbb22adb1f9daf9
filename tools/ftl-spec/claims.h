// Device claims: a device, interrupt or I/O port range belongs to at most
// one service, so one driver cannot reach another's hardware.
#pragma once

#include "service.h"

// Reports each claim that overlaps an earlier one (in the same service or
// another), naming both.
void claims_check(const struct service *services, unsigned count);
