// Names of the error codes of ftl/error.h, for logs. Shared by the kernel and
// libftl (the kernel compiles this file too).
#include <ftl/error.h>

static const char *const error_names[] = {
    [0] = "ok",
    [-FTL_ERR_INVALID_ARG] = "invalid argument",
    [-FTL_ERR_BAD_HANDLE] = "bad handle",
    [-FTL_ERR_NOT_ALLOWED] = "not allowed",
    [-FTL_ERR_NO_MEMORY] = "out of memory",
    [-FTL_ERR_NOT_FOUND] = "not found",
    [-FTL_ERR_WOULD_BLOCK] = "would block",
    [-FTL_ERR_PEER_CLOSED] = "peer closed",
    [-FTL_ERR_TOO_LARGE] = "too large",
    [-FTL_ERR_TIMED_OUT] = "timed out",
    [-FTL_ERR_BAD_ADDRESS] = "bad address",
    [-FTL_ERR_BAD_FORMAT] = "bad format",
    [-FTL_ERR_ALREADY_EXISTS] = "already exists",
    [-FTL_ERR_NOT_SUPPORTED] = "not supported",
    [-FTL_ERR_LIMIT] = "limit reached",
    [-FTL_ERR_BUSY] = "busy",
    [-FTL_ERR_IO] = "input/output error",
};

const char *ftl_error_str(int error)
{
    if (error > 0 || error < FTL_ERROR_MIN) {
        return "unknown error";
    }
    return error_names[-error];
}
