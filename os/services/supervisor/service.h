// The supervisor's view of one service of the manifest: its life cycle
// (start, exit, restart with back-off, crash loop), the channel it talks to
// the supervisor on, and the OPENs waiting for it to come up.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <ftl/client.h>
#include <ftl/loop.h>
#include <ftl/manifest.h>
#include <ftl/server.h>

// Back-off before a restart: BACKOFF_FIRST_NS, doubling after each quick
// failure, at most BACKOFF_MAX_NS. A run that lasted STABLE_RUN_NS resets
// it. QUICK_FAILURES_FOR_LOOP quick failures in a row is a crash loop.
#define BACKOFF_FIRST_NS (100 * FTL_MS)
#define BACKOFF_MAX_NS (10 * FTL_S)
#define STABLE_RUN_NS (10 * FTL_S)
#define QUICK_FAILURES_FOR_LOOP 3

#define SERVICE_VERSION_LEN 12

enum service_state {
    SERVICE_PENDING,    // not started yet
    SERVICE_RUNNING,
    SERVICE_BACKOFF,    // exited, restarting after a delay
    SERVICE_CRASH_LOOP, // the same, after several quick failures
    SERVICE_COMPLETED,  // exited 0 and its policy does not restart it
    SERVICE_FAILED,     // exited otherwise and its policy does not restart it
    SERVICE_REMOVED,    // stopped by an apply: not in the system any more
};

// Why a service is being stopped on purpose (apply.h), so that its exit
// is not taken for a failure.
enum service_stop {
    STOP_NONE,
    STOP_REMOVE,  // removed from the system
    STOP_REPLACE, // a new version starts once it is gone
    STOP_RETIRE,  // a new version runs beside it; it drains, then goes
};

// An OPEN of a service that is not running yet, answered once it runs.
struct waiting_open {
    struct ftl_request *req;
    char from[FTL_MANIFEST_NAME_MAX + 1]; // the asking service, or ""
    struct waiting_open *next;
};

struct service {
    const struct ftl_manifest_service *spec;
    enum service_state state;
    ftl_handle_t process; // while running (or until its exit is seen)
    ftl_handle_t channel; // our end of its first channel, served
    struct ftl_client *calls; // our requests to it, on that channel
    uint64_t started_ns;
    unsigned restarts;
    unsigned quick_failures; // in a row
    uint64_t backoff_ns;     // the last delay
    int last_status;         // exit status of the last run
    struct ftl_loop_timer restart_timer;
    struct waiting_open *waiting;
    // The program file an apply sent (kept for restarts too), or NULL:
    // the initfs file spec->binary.
    const void *image;
    size_t image_len;
    enum service_stop stopping;
    bool settling; // started by an apply, its first second not over
    // What it runs: the first 12 hex digits of its program's SHA-256
    // (`sha256sum` of the file in the image); "" until service_version
    // hashes it, after each start.
    char version[SERVICE_VERSION_LEN + 1];
};

// Everything the supervisor knows: the manifest and a service per entry.
struct supervisor {
    struct ftl_loop *loop;
    struct ftl_server *server;
    struct ftl_manifest *manifest;
    struct service services[FTL_MANIFEST_SERVICES_MAX];
    unsigned count;
    bool ready_said; // "system ready" is printed once
};

extern struct supervisor supervisor;

// The bytes s runs: its applied program, or its initfs file read whole
// (NULL when that cannot be read). *owned says whether to free them.
const void *service_program(const struct service *s, size_t *len,
                            bool *owned);

// s's version (see struct service), hashed the first time it is asked for
// after a start, so that booting hashes nothing; "-" when the program
// cannot be read.
const char *service_version(struct service *s);

// Spawns s with its spec and a channel to us. Returns 0 or an error (the
// service is then treated as having failed at once).
int service_start(struct service *s);

// Starting s failed with `error`: handled like an exit at once (so its
// restart policy and back-off apply).
void service_start_failed(struct service *s, int error);

// s's channel to us is gone: it exited, or dropped its link, which ends it.
// Decides per restart policy what comes next.
void service_exited(struct service *s);

// The service with this name or, failing that, the one providing it; NULL
// if none. Removed services, and old instances that drain, are not found.
struct service *service_provider(const char *name);

// The service with exactly this name, or NULL.
struct service *service_named(const char *name);

// Stops running service s at the request of service `by` (an admin
// request); its restart policy then applies as after any exit. 0, or
// FTL_ERR_BUSY when s is not running.
int service_restart(struct service *s, const struct service *by);

// s is out of the system (an apply removed it, or a start it made failed):
// no restart, and the OPENs waiting for it fail. Not while it runs.
void service_remove(struct service *s);

// Cancels a restart that s waits for (an apply is about to start it).
void service_cancel_restart(struct service *s);

// "Running", "CrashLoopBackOff"... as the status table shows them.
const char *service_state_name(enum service_state state);

// Answers an OPEN of s (a channel to it) now if it runs, later when it
// comes up, or with an error if it will not come back. from: the asking
// service's name (s learns it: ftl_service_opener), or NULL.
void service_connect(struct service *s, struct ftl_request *req,
                     const char *from);
