// Services' life cycles (see service.h).
#include "service.h"

#include "apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/time.h>

#include "mbedtls/sha256.h"

// How long a service that closed its channel to us gets to exit by itself.
#define EXIT_GRACE_NS (100 * FTL_MS)

struct supervisor supervisor;

const char *service_state_name(enum service_state state)
{
    switch (state) {
    case SERVICE_PENDING:
        return "Pending";
    case SERVICE_RUNNING:
        return "Running";
    case SERVICE_BACKOFF:
        return "BackOff";
    case SERVICE_CRASH_LOOP:
        return "CrashLoopBackOff";
    case SERVICE_COMPLETED:
        return "Completed";
    case SERVICE_FAILED:
        return "Failed";
    case SERVICE_REMOVED:
        return "Removed";
    }
    return "?";
}

// Whether s is one that lookups find: in the system, and not an old
// instance on its way out.
static bool service_current(const struct service *s)
{
    return s->state != SERVICE_REMOVED && s->stopping != STOP_RETIRE;
}

struct service *service_named(const char *name)
{
    for (unsigned i = 0; i < supervisor.count; i++) {
        struct service *s = &supervisor.services[i];
        if (service_current(s) && strcmp(s->spec->name, name) == 0) {
            return s;
        }
    }
    return NULL;
}

// By name first, then by what services provide: the slots, not the boot
// manifest, since an apply adds, removes and replaces services.
struct service *service_provider(const char *name)
{
    struct service *s = service_named(name);
    for (unsigned i = 0; s == NULL && i < supervisor.count; i++) {
        struct service *t = &supervisor.services[i];
        for (unsigned p = 0; service_current(t) && p < t->spec->provides_count;
             p++) {
            if (strcmp(t->spec->provides[p], name) == 0) {
                s = t;
                break;
            }
        }
    }
    return s;
}

int service_restart(struct service *s, const struct service *by)
{
    if (s->state != SERVICE_RUNNING) {
        return FTL_ERR_BUSY;
    }
    FTL_LOG_WARN("stopping %s: %s asked for a restart", s->spec->name,
                 by->spec->name);
    return ftl_process_kill(s->process);
}

static void on_connected(const struct ftl_result *result, void *arg)
{
    struct ftl_request *req = arg;
    if (result->error < 0) {
        ftl_request_fail(req, result->error);
    } else {
        ftl_request_reply_handle(req, result->handle);
    }
}

// Asks running service s for a new channel for the caller of req, named
// `from` ("" for none).
static void forward_open(struct service *s, struct ftl_request *req,
                         const char *from)
{
    char path[sizeof(FTL_SERVICE_PREFIX) + sizeof(FTL_SERVICE_OPENER) +
              2 * FTL_MANIFEST_NAME_MAX];
    snprintf(path, sizeof(path), "%s%s%s%s", FTL_SERVICE_PREFIX,
             s->spec->name, *from != '\0' ? FTL_SERVICE_OPENER : "", from);
    int err = ftl_client_open(s->calls, path, on_connected, req);
    if (err < 0) {
        ftl_request_fail(req, err);
    }
}

// Answers (or fails) the OPENs that waited for s.
static void flush_waiting(struct service *s, int error)
{
    while (s->waiting != NULL) {
        struct waiting_open *w = s->waiting;
        s->waiting = w->next;
        if (error < 0) {
            ftl_request_fail(w->req, error);
        } else {
            forward_open(s, w->req, w->from);
        }
        free(w);
    }
}

void service_connect(struct service *s, struct ftl_request *req,
                     const char *from)
{
    from = from != NULL ? from : "";
    if (s->state == SERVICE_RUNNING) {
        forward_open(s, req, from);
        return;
    }
    if (s->state == SERVICE_COMPLETED || s->state == SERVICE_FAILED) {
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED); // not coming back
        return;
    }
    struct waiting_open *w = malloc(sizeof(*w));
    if (w == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    // Last in, first out would answer later callers first: append.
    w->req = req;
    snprintf(w->from, sizeof(w->from), "%s", from);
    w->next = NULL;
    struct waiting_open **tail = &s->waiting;
    while (*tail != NULL) {
        tail = &(*tail)->next;
    }
    *tail = w;
}

static void spawn_argv(const struct ftl_manifest_service *spec,
                       const char **argv)
{
    argv[0] = spec->binary;
    for (unsigned i = 0; i < spec->argc; i++) {
        argv[1 + i] = spec->argv[i];
    }
}

const void *service_program(const struct service *s, size_t *len,
                            bool *owned)
{
    *owned = false;
    if (s->image != NULL) {
        *len = s->image_len;
        return s->image;
    }
    long size = ftl_initfs_read(s->spec->binary, 0, NULL, 0);
    void *data = size > 0 ? malloc((size_t)size) : NULL;
    if (data == NULL ||
        ftl_initfs_read(s->spec->binary, 0, data, (size_t)size) != size) {
        free(data);
        return NULL;
    }
    *owned = true;
    *len = (size_t)size;
    return data;
}

const char *service_version(struct service *s)
{
    if (s->version[0] != '\0') {
        return s->version;
    }
    size_t len;
    bool owned;
    const void *program = service_program(s, &len, &owned);
    uint8_t digest[32];
    if (program == NULL || mbedtls_sha256(program, len, digest, 0) != 0) {
        snprintf(s->version, sizeof(s->version), "-");
    } else {
        for (unsigned i = 0; i < SERVICE_VERSION_LEN / 2; i++) {
            snprintf(s->version + 2 * i, 3, "%02x", digest[i]);
        }
    }
    if (owned) {
        free((void *)program);
    }
    return s->version;
}

int service_start(struct service *s)
{
    s->version[0] = '\0'; // hashed when first asked for, not at each start
    const struct ftl_manifest_service *spec = s->spec;
    ftl_handle_t ends[2];
    int err = ftl_channel_create(ends);
    if (err < 0) {
        return err;
    }
    const char *argv[1 + FTL_MANIFEST_ARGS_MAX];
    spawn_argv(spec, argv);
    struct ftl_spawn request = {.path = spec->binary,
                                .name = spec->name,
                                .isolation = ftl_manifest_spawn_isolation(
                                    spec->isolation),
                                .argc = 1 + spec->argc,
                                .argv = argv,
                                .envc = spec->envc,
                                .envp = spec->envp,
                                .channel = ends[1],
                                .memory_limit = spec->memory,
                                .handles_max = spec->handles,
                                .image = s->image,
                                .image_len = s->image_len};
    ftl_handle_t process = ftl_process_spawn_request(&request);
    if (process < 0) {
        ftl_handle_close(ends[0]);
        ftl_handle_close(ends[1]); // a failed spawn leaves it with us
        if (process == FTL_ERR_BAD_FORMAT &&
            spec->isolation == FTL_MANIFEST_ISOLATION_WASM) {
            // The kernel found no wasm pipeline's note in the program.
            FTL_LOG_ERROR("%s: %s was not built as WebAssembly, and "
                          "isolation: wasm runs only programs that were "
                          "(docs/guides/wasm.md)",
                          spec->name, spec->binary);
        }
        return process;
    }
    err = ftl_server_serve(supervisor.server, ends[0], s);
    if (err < 0) {
        ftl_process_kill(process);
        ftl_handle_close(process);
        ftl_handle_close(ends[0]);
        return err;
    }
    s->process = process;
    s->channel = ends[0];
    s->calls = ftl_server_client(supervisor.server, ends[0]);
    s->state = SERVICE_RUNNING;
    s->started_ns = ftl_clock_ns();
    FTL_LOG_INFO("started %s (%s mode)", spec->name,
                 ftl_manifest_isolation_name(spec->isolation));
    flush_waiting(s, 0);
    return 0;
}

static void on_restart_due(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                           void *arg);

// s is not running; restart it after a back-off or settle its state.
static void after_exit(struct service *s, uint64_t ran_ns)
{
    const struct ftl_manifest_service *spec = s->spec;
    bool failed = s->last_status != 0;
    bool restart = spec->restart == FTL_RESTART_ALWAYS ||
                   (spec->restart == FTL_RESTART_ON_FAILURE && failed);
    if (!restart) {
        s->state = failed ? SERVICE_FAILED : SERVICE_COMPLETED;
        flush_waiting(s, FTL_ERR_PEER_CLOSED);
        return;
    }
    s->quick_failures = ran_ns < STABLE_RUN_NS ? s->quick_failures + 1 : 1;
    s->backoff_ns = BACKOFF_FIRST_NS;
    for (unsigned i = 1;
         i < s->quick_failures && s->backoff_ns < BACKOFF_MAX_NS; i++) {
        s->backoff_ns *= 2;
    }
    if (s->backoff_ns > BACKOFF_MAX_NS) {
        s->backoff_ns = BACKOFF_MAX_NS;
    }
    if (s->quick_failures >= QUICK_FAILURES_FOR_LOOP) {
        s->state = SERVICE_CRASH_LOOP;
        FTL_LOG_WARN("%s is in CrashLoopBackOff (%u quick failures): "
                     "restarting in %lu ms",
                     spec->name, s->quick_failures,
                     (unsigned long)(s->backoff_ns / FTL_MS));
    } else {
        s->state = SERVICE_BACKOFF;
        FTL_LOG_INFO("restarting %s in %lu ms", spec->name,
                     (unsigned long)(s->backoff_ns / FTL_MS));
    }
    ftl_loop_timer_start(supervisor.loop, &s->restart_timer, s->backoff_ns, 0,
                         on_restart_due, s);
}

void service_start_failed(struct service *s, int error)
{
    (void)error; // the caller logged it
    s->last_status = FTL_EXIT_KILLED;
    after_exit(s, 0);
}

static void on_restart_due(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                           void *arg)
{
    (void)loop, (void)timer;
    struct service *s = arg;
    s->restarts++;
    int err = service_start(s);
    if (err < 0) {
        FTL_LOG_ERROR("cannot restart %s: %s", s->spec->name,
                      ftl_error_str(err));
        service_start_failed(s, err);
    }
}

void service_exited(struct service *s)
{
    long status = ftl_process_wait(s->process, EXIT_GRACE_NS);
    if (status == FTL_ERR_TIMED_OUT) {
        FTL_LOG_WARN("%s closed its channel to the supervisor: stopping it",
                     s->spec->name);
        ftl_process_kill(s->process);
        status = ftl_process_wait(s->process, FTL_WAIT_FOREVER);
    }
    ftl_handle_close(s->process);
    s->process = FTL_HANDLE_INVALID;
    s->channel = FTL_HANDLE_INVALID;
    s->calls = NULL; // it went with the served channel
    s->last_status = (int)status;
    if (s->stopping != STOP_NONE) {
        FTL_LOG_INFO("%s stopped", s->spec->name);
    } else if (status == FTL_EXIT_KILLED) {
        FTL_LOG_WARN("%s was killed", s->spec->name);
    } else {
        FTL_LOG_INFO("%s exited with status %ld", s->spec->name, status);
    }
    if (apply_takes_exit(s)) {
        return; // stopped or started by an apply, which goes on
    }
    after_exit(s, ftl_clock_ns() - s->started_ns);
}

void service_remove(struct service *s)
{
    ftl_loop_timer_cancel(supervisor.loop, &s->restart_timer);
    s->state = SERVICE_REMOVED;
    s->stopping = STOP_NONE;
    s->settling = false;
    flush_waiting(s, FTL_ERR_PEER_CLOSED);
}

void service_cancel_restart(struct service *s)
{
    ftl_loop_timer_cancel(supervisor.loop, &s->restart_timer);
}
