// Messages: the predefined types and the layout the kernel moves.
//
// A message has a type, an id (to match a reply to its request), two inline
// word arguments, an optional body of at most FTL_MSG_BODY_MAX bytes copied
// at send time, and optionally one handle that moves to the receiver. A
// READ or WRITE request may also lend a buffer of the caller (loan_base,
// loan_len): until the callee replies, it copies straight into (READ) or out
// of (WRITE) that buffer with ftl_copy_to_caller / ftl_copy_from_caller.
// That is the whole interface language: no IDL, no generated stubs.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>

enum ftl_msg_type {
    FTL_MSG_OPEN = 1,        // body: a path such as "service/kv"
    FTL_MSG_OPEN_REPLY = 2,  // handle: the channel to the opened thing
    FTL_MSG_READ = 3,        // arg0: offset, loan: where to put the data
                             // (no loan: arg1 = most bytes wanted inline)
    FTL_MSG_READ_REPLY = 4,  // arg0: bytes produced
    FTL_MSG_WRITE = 5,       // arg0: offset, body or loan: the data
    FTL_MSG_WRITE_REPLY = 6, // arg0: bytes consumed
    FTL_MSG_GETATTR = 7,     // body: attribute name
    FTL_MSG_GETATTR_REPLY = 8,
    FTL_MSG_SETATTR = 9, // body: "name=value"
    FTL_MSG_SETATTR_REPLY = 10,
    FTL_MSG_ERROR_REPLY = 11, // arg0: an FTL_ERR_* code
};

#define FTL_MSG_BODY_MAX 4096

// OPEN of "service/NAME" asks the supervisor for a channel to service NAME
// (allowed only if NAME is in the caller's `requires`). The supervisor in
// turn sends OPEN "service/NAME" to the provider, whose answer is the new
// channel; the server helper gives that answer by itself.
#define FTL_SERVICE_PREFIX "service/"
// The supervisor's forwarded OPEN names the service it opens for:
// "service/NAME?from=CLIENT". The provider learns it through
// ftl_service_opener() (server.h); from anyone but its supervisor the
// suffix is ignored.
#define FTL_SERVICE_OPENER "?from="


static inline int ftl_msg_is_reply(uint32_t type)
{
    return type == FTL_MSG_ERROR_REPLY ||
           (type >= 2 && type <= 10 && type % 2 == 0);
}

struct ftl_msg {
    uint32_t type;     // enum ftl_msg_type
    uint32_t body_len; // bytes of body, at most FTL_MSG_BODY_MAX
    uint64_t id;       // chosen by the caller; a reply repeats it
    uint64_t arg0, arg1;
    ftl_handle_t handle; // send: handle to move, or FTL_HANDLE_INVALID;
                         // receive: the handle that arrived, or invalid
    uint32_t reserved;
    uint64_t loan_base; // READ/WRITE requests: the lent buffer
    uint64_t loan_len;  // 0: no loan
};

_Static_assert(sizeof(struct ftl_msg) == 56, "message ABI");
