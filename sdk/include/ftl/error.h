// The one list of error codes shared by the kernel, the services and the SDK.
//
// 0 is success; failures are small negative numbers, so a function can return
// either a non-negative result (a count, a handle) or an error in one value.
// Each code names what the caller can do about it.
#pragma once

enum ftl_error {
    FTL_OK = 0,
    FTL_ERR_INVALID_ARG = -1,  // an argument is malformed or out of range
    FTL_ERR_BAD_HANDLE = -2,   // no such handle, or the wrong kind of object
    FTL_ERR_NOT_ALLOWED = -3,  // the handle's rights or the spec forbid it
    FTL_ERR_NO_MEMORY = -4,    // out of memory or over the memory limit
    FTL_ERR_NOT_FOUND = -5,    // no such name, file, key or device
    FTL_ERR_WOULD_BLOCK = -6,  // try again later (queue full or empty)
    FTL_ERR_PEER_CLOSED = -7,  // the other end is gone
    FTL_ERR_TOO_LARGE = -8,    // a size is over its limit
    FTL_ERR_TIMED_OUT = -9,    // a deadline passed
    FTL_ERR_BAD_ADDRESS = -10, // a pointer does not point at usable memory
    FTL_ERR_BAD_FORMAT = -11,  // data (an ELF, a tar, a message) is corrupt
    FTL_ERR_ALREADY_EXISTS = -12,
    FTL_ERR_NOT_SUPPORTED = -13,
    FTL_ERR_LIMIT = -14, // a per-process or per-object limit is reached
    FTL_ERR_BUSY = -15,  // the resource is in use
    FTL_ERR_IO = -16,    // a device or remote side failed
};

#define FTL_ERROR_MIN FTL_ERR_IO

// Short lower-case name of an error code ("peer closed"); "unknown error"
// for anything outside the list. Never NULL.
const char *ftl_error_str(int error);
