// What the device tests ask device_probe to do (arg0 of its request).
#pragma once

enum probe_command {
    PROBE_MAC = 1,
    PROBE_EDU = 2,
    PROBE_FIND = 3,
    PROBE_BUS_MASTER = 4,
};
