// The supervisor's request handlers (see routing.c).
#pragma once

#include <ftl/server.h>

extern const struct ftl_server_ops routing_ops;
