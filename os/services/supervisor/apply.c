// Carrying out an apply (apply.h). The steps run one after another from
// callbacks: a stop waits for the service's exit (apply_takes_exit), a
// start for its first second (SETTLE_NS) to pass without an exit.
//
// A running service without devices is replaced without a gap: its new
// instance starts in a slot of its own beside the old one, which goes on
// serving (lookups find the new one from then on, and tcpip hands the new
// one the port's new connections); once the new one has settled, the old
// one is asked to drain (ftl/drain.h) and the step ends when it has. If
// the new one fails, the old one simply stays. A service with devices is
// stopped before its new version starts: a device has one driver.
//
// Manifests: a service's spec points into the manifest it came from (and
// its strings into that manifest's text), so an applied manifest is kept
// while it is the running one or a service in the system runs a spec of
// it; after each apply the others are freed (about 24 KiB and the text
// each). The boot manifest is the supervisor's own, never freed.
#include "apply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/drain.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/time.h>

#include "plan.h"
#include "tar.h"

#define SETTLE_NS (1 * FTL_S)
// Programs and the files services are granted (keys, certificates).
#define BUNDLE_FILES_MAX (2 * FTL_MANIFEST_SERVICES_MAX + 16)
#define MANIFEST_NAME "boot.manifest"

struct bundle_file {
    char name[TAR_NAME_MAX];
    void *data; // a copy; adopted by a service or freed at the end
    size_t len;
};

// An applied manifest and its text, while something uses it.
struct kept_manifest {
    struct kept_manifest *next;
    struct ftl_manifest *manifest;
    char *text;
};

static struct kept_manifest *kept;

struct apply {
    struct ftl_request *req;
    struct ftl_manifest *manifest; // the applied one
    char *manifest_text;
    struct plan plan;
    unsigned step;
    struct bundle_file files[BUNDLE_FILES_MAX];
    unsigned file_count;
    char report[FTL_MSG_BODY_MAX];
    size_t report_len;
    unsigned rollbacks;
    // The step under way: its service and, for a replace, what it was.
    struct service *s;
    const struct ftl_manifest_service *old_spec;
    const void *old_image;
    size_t old_image_len;
    struct ftl_loop_timer settle;
    // A replace without a gap: the old instance, until it has gone.
    struct service *retiring;
    struct ftl_loop_timer drain_deadline;
};

static struct apply *current;

static void say(struct apply *a, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static void say(struct apply *a, const char *format, ...)
{
    char line[256];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    FTL_LOG_INFO("apply: %s", line);
    size_t room = sizeof(a->report) - a->report_len;
    if (n > 0 && (size_t)n + 1 < room) {
        memcpy(a->report + a->report_len, line, (size_t)n);
        a->report_len += (size_t)n;
        a->report[a->report_len++] = '\n';
    }
}

static struct bundle_file *bundle_find(struct apply *a, const char *name)
{
    for (unsigned i = 0; i < a->file_count; i++) {
        if (strcmp(a->files[i].name, name) == 0) {
            return &a->files[i];
        }
    }
    return NULL;
}

// A program file in the bundle for spec that differs from what its
// service runs.
static bool image_changed(const struct ftl_manifest_service *spec, void *arg)
{
    struct apply *a = arg;
    struct bundle_file *f = bundle_find(a, spec->binary);
    struct service *s = service_named(spec->name);
    if (f == NULL || s == NULL) {
        return false;
    }
    size_t len;
    bool owned;
    const void *now = service_program(s, &len, &owned);
    bool changed = now == NULL || len != f->len || memcmp(now, f->data, len);
    if (owned) {
        free((void *)now);
    }
    return changed;
}

static void run_step(struct apply *a);

static bool manifest_in_use(const struct ftl_manifest *m)
{
    if (m == supervisor.manifest) {
        return true;
    }
    for (unsigned i = 0; i < supervisor.count; i++) {
        const struct service *s = &supervisor.services[i];
        if (s->state != SERVICE_REMOVED && s->spec >= &m->services[0] &&
            s->spec < &m->services[m->service_count]) {
            return true;
        }
    }
    return false;
}

// Keeps a's manifest, then frees the kept ones nothing uses any more.
static void keep_manifest(struct apply *a)
{
    struct kept_manifest *k = malloc(sizeof(*k));
    if (k == NULL) {
        // Freeing it could leave specs pointing nowhere: leaked instead.
        FTL_LOG_WARN("out of memory: an applied manifest is kept for good");
    } else {
        *k = (struct kept_manifest){
            .next = kept, .manifest = a->manifest, .text = a->manifest_text};
        kept = k;
    }
    for (struct kept_manifest **p = &kept; *p != NULL;) {
        struct kept_manifest *m = *p;
        if (manifest_in_use(m->manifest)) {
            p = &m->next;
            continue;
        }
        *p = m->next;
        free(m->manifest);
        free(m->text);
        free(m);
    }
}

static void finish(struct apply *a)
{
    for (unsigned i = 0; i < a->file_count; i++) {
        free(a->files[i].data); // those adopted were set to NULL
    }
    // Also after rollbacks: the next plan starts from what each service
    // runs (running_view), not from this manifest's specs.
    supervisor.manifest = a->manifest;
    keep_manifest(a);
    say(a, "%s", a->rollbacks == 0 ? "applied" : "applied with rollbacks");
    ftl_request_reply(a->req, a->rollbacks, a->report, a->report_len);
    current = NULL;
    free(a);
}

static void fail(struct apply *a, int error, const char *why)
{
    for (unsigned i = 0; i < a->file_count; i++) {
        free(a->files[i].data);
    }
    FTL_LOG_WARN("apply refused: %s", why);
    ftl_request_reply(a->req, (uint64_t)(int64_t)error, why, strlen(why));
    free(a->manifest);
    current = NULL;
    free(a);
}

static void next_step(struct apply *a)
{
    a->s = NULL;
    a->step++;
    run_step(a);
}

// The program for spec: the bundle's copy (adopted: the service frees it
// never; it stays for restarts), else what the service had if the file is
// the same, else the initfs's (NULL).
static void take_image(struct apply *a, struct service *s,
                       const struct ftl_manifest_service *spec)
{
    struct bundle_file *f = bundle_find(a, spec->binary);
    if (f != NULL && f->data != NULL) {
        s->image = f->data;
        s->image_len = f->len;
        f->data = NULL;
    } else if (s->spec == NULL || strcmp(s->spec->binary, spec->binary) != 0) {
        s->image = NULL;
        s->image_len = 0;
    }
}

static void rollback(struct apply *a, struct service *s, const char *why)
{
    a->rollbacks++;
    ftl_loop_timer_cancel(supervisor.loop, &a->settle);
    s->settling = false;
    const struct plan_step *step = &a->plan.steps[a->step];
    say(a, "rollback %s: %s", step->name, why);
    if (a->retiring != NULL) {
        // The old instance never stopped: it is the service again.
        service_remove(s);
        a->retiring->stopping = STOP_NONE;
        a->retiring = NULL;
        say(a, "%s: the old instance goes on", step->name);
    } else if (step->action == PLAN_START) {
        service_remove(s);
    } else {
        s->spec = a->old_spec;
        s->image = a->old_image;
        s->image_len = a->old_image_len;
        int err = service_start(s);
        if (err < 0) {
            service_start_failed(s, err);
        }
    }
    next_step(a);
}

static void on_drain_overdue(struct ftl_loop *loop,
                             struct ftl_loop_timer *timer, void *arg)
{
    (void)loop, (void)timer;
    struct apply *a = arg;
    say(a, "old %s: not gone %d s after the drain request: stopping it",
        a->retiring->spec->name, (int)(FTL_DRAIN_MAX_NS / FTL_S));
    ftl_process_kill(a->retiring->process); // apply_takes_exit goes on
}

// The old instance's answer to the drain request: one that cannot drain
// (no hook, or too old a libftl) is stopped now.
static void on_drain_answer(const struct ftl_result *result, void *arg)
{
    struct service *old = arg;
    struct apply *a = current;
    if (a == NULL || a->retiring != old || old->state != SERVICE_RUNNING) {
        return; // gone meanwhile
    }
    if (result->error < 0) {
        say(a, "old %s does not drain (%s): stopping it", old->spec->name,
            ftl_error_str(result->error));
        ftl_process_kill(old->process);
    }
}

// The new instance has settled: the old one finishes what it has.
static void drain_old(struct apply *a)
{
    struct service *old = a->retiring;
    say(a, "drain old %s", old->spec->name);
    ftl_loop_timer_start(supervisor.loop, &a->drain_deadline,
                         FTL_DRAIN_MAX_NS, 0, on_drain_overdue, a);
    if (old->calls == NULL ||
        ftl_client_setattr(old->calls, FTL_DRAIN_ATTR, "1", on_drain_answer,
                           old) < 0) {
        ftl_process_kill(old->process);
    }
}

static void on_settled(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                       void *arg)
{
    (void)loop, (void)timer;
    struct apply *a = arg;
    a->s->settling = false;
    say(a, "ready %s", a->s->spec->name);
    if (a->retiring != NULL) {
        drain_old(a); // the step ends when it has gone
        return;
    }
    next_step(a);
}

// Starts s with spec (new or replaced) and waits for its first second.
static void start_new(struct apply *a, struct service *s,
                      const struct ftl_manifest_service *spec)
{
    take_image(a, s, spec);
    s->spec = spec;
    s->restarts = 0;
    s->quick_failures = 0;
    s->stopping = STOP_NONE;
    int err = service_start(s);
    if (err < 0) {
        char why[96];
        snprintf(why, sizeof(why), "cannot start: %s", ftl_error_str(err));
        rollback(a, s, why);
        return;
    }
    s->settling = true;
    ftl_loop_timer_start(supervisor.loop, &a->settle, SETTLE_NS, 0, on_settled,
                         a);
}

// A slot for a new service: a removed one, else the next free one.
static struct service *free_slot(void)
{
    for (unsigned i = 0; i < supervisor.count; i++) {
        if (supervisor.services[i].state == SERVICE_REMOVED) {
            return &supervisor.services[i];
        }
    }
    if (supervisor.count == FTL_MANIFEST_SERVICES_MAX) {
        return NULL;
    }
    struct service *s = &supervisor.services[supervisor.count++];
    memset(s, 0, sizeof(*s));
    return s;
}

// Whether old can run beside its new version spec while it drains.
static bool can_overlap(const struct service *old,
                        const struct ftl_manifest_service *spec)
{
    return old->state == SERVICE_RUNNING && old->spec->device_count == 0 &&
           spec->device_count == 0;
}

// Starts spec in slot n beside old (see the top of this file).
static void start_beside(struct apply *a, struct service *old,
                         struct service *n,
                         const struct ftl_manifest_service *spec)
{
    memset(n, 0, sizeof(*n));
    n->spec = old->spec; // take_image keeps a program that did not change
    n->image = old->image;
    n->image_len = old->image_len;
    n->state = SERVICE_PENDING;
    n->process = FTL_HANDLE_INVALID;
    n->channel = FTL_HANDLE_INVALID;
    old->stopping = STOP_RETIRE;
    a->retiring = old;
    a->s = n;
    start_new(a, n, spec);
}

static void run_step(struct apply *a)
{
    if (a->step == a->plan.count) {
        finish(a);
        return;
    }
    const struct plan_step *step = &a->plan.steps[a->step];
    const struct ftl_manifest_service *spec =
        step->new_index >= 0 ? &a->manifest->services[step->new_index] : NULL;
    struct service *s = step->action == PLAN_START ? free_slot()
                                                   : service_named(step->name);
    if (s == NULL) {
        say(a, "%s %s: no room for another service", plan_action_name(step->action),
            step->name);
        a->rollbacks++;
        next_step(a);
        return;
    }
    a->s = s;
    say(a, "%s %s", plan_action_name(step->action), step->name);
    if (step->action == PLAN_START) {
        s->spec = NULL;
        start_new(a, s, spec);
        return;
    }
    a->old_spec = s->spec;
    a->old_image = s->image;
    a->old_image_len = s->image_len;
    if (step->action == PLAN_REPLACE && can_overlap(s, spec)) {
        struct service *n = free_slot();
        if (n != NULL) {
            start_beside(a, s, n, spec);
            return;
        }
    }
    if (s->state == SERVICE_RUNNING) {
        s->stopping = step->action == PLAN_STOP ? STOP_REMOVE : STOP_REPLACE;
        ftl_process_kill(s->process); // apply_takes_exit goes on
        return;
    }
    service_cancel_restart(s);
    if (step->action == PLAN_STOP) {
        service_remove(s);
        next_step(a);
    } else {
        start_new(a, s, spec);
    }
}

bool apply_takes_exit(struct service *s)
{
    struct apply *a = current;
    if (a != NULL && s == a->retiring) {
        ftl_loop_timer_cancel(supervisor.loop, &a->drain_deadline);
        a->retiring = NULL;
        service_remove(s);
        say(a, "old %s gone (status %d)", s->spec->name, s->last_status);
        if (!a->s->settling) {
            next_step(a); // it was the step's last part
        }
        return true;
    }
    if (a == NULL || a->s != s) {
        return false;
    }
    if (s->stopping == STOP_REMOVE) {
        service_remove(s);
        next_step(a);
        return true;
    }
    if (s->stopping == STOP_REPLACE) {
        start_new(a, s, &a->manifest->services[a->plan.steps[a->step].new_index]);
        return true;
    }
    if (s->settling && s->last_status == 0 &&
        s->spec->restart != FTL_RESTART_ALWAYS) {
        // A job that is done (hello, a migration): a success. Its policy
        // settles its state once this returns.
        s->settling = false;
        ftl_loop_timer_cancel(supervisor.loop, &a->settle);
        say(a, "completed %s", s->spec->name);
        if (a->retiring != NULL) {
            drain_old(a);
        } else {
            next_step(a);
        }
        return false;
    }
    if (s->settling) {
        char why[64];
        snprintf(why, sizeof(why), "exited with status %d in its first second",
                 s->last_status);
        rollback(a, s, why);
        return true;
    }
    return false;
}

// Reads the archive: the manifest (parsed into a->manifest) and copies of
// the program files. Returns 0 or an error with *why set.
static int read_bundle(struct apply *a, const void *data, size_t len,
                       const char **why)
{
    struct tar_reader reader;
    struct tar_entry entry;
    tar_reader_init(&reader, data, len);
    char *text = NULL;
    size_t text_len = 0;
    int r;
    while ((r = tar_next(&reader, &entry)) == 1) {
        if (strcmp(entry.name, MANIFEST_NAME) == 0) {
            free(text);
            text = malloc(entry.size + 1);
            if (text == NULL) {
                *why = "out of memory";
                return FTL_ERR_NO_MEMORY;
            }
            memcpy(text, entry.data, entry.size);
            text[entry.size] = '\0';
            text_len = entry.size;
            continue;
        }
        if (a->file_count == BUNDLE_FILES_MAX) {
            *why = "too many files in the bundle";
            free(text);
            return FTL_ERR_TOO_LARGE;
        }
        struct bundle_file *f = &a->files[a->file_count];
        f->data = malloc(entry.size > 0 ? entry.size : 1);
        if (f->data == NULL) {
            *why = "out of memory";
            free(text);
            return FTL_ERR_NO_MEMORY;
        }
        memcpy(f->data, entry.data, entry.size);
        f->len = entry.size;
        snprintf(f->name, sizeof(f->name), "%s", entry.name);
        a->file_count++;
    }
    if (r < 0 || text == NULL) {
        *why = r < 0 ? "the bundle is not a tar archive"
                     : "the bundle has no boot.manifest";
        free(text);
        return FTL_ERR_BAD_FORMAT;
    }
    a->manifest = calloc(1, sizeof(*a->manifest));
    if (a->manifest == NULL) {
        *why = "out of memory";
        free(text);
        return FTL_ERR_NO_MEMORY;
    }
    int err = ftl_manifest_parse(text, text_len, a->manifest);
    if (err < 0) {
        static char message[160];
        snprintf(message, sizeof(message), "boot.manifest:%u: %s",
                 a->manifest->error_line, a->manifest->error);
        *why = message;
        free(text); // the parse failed: nothing points into it
        return err;
    }
    a->manifest_text = text; // kept with the manifest
    return 0;
}

long apply_progress(size_t offset, char *out, size_t max, size_t *total)
{
    struct apply *a = current;
    if (a == NULL) {
        return FTL_ERR_NOT_FOUND;
    }
    *total = a->report_len;
    if (offset >= a->report_len) {
        return 0;
    }
    size_t n = a->report_len - offset < max ? a->report_len - offset : max;
    while (n > 0 && a->report[offset + n - 1] != '\n') {
        n--; // whole lines only (say() ends each with one)
    }
    memcpy(out, a->report + offset, n);
    return (long)n;
}

static bool view_lists(const struct ftl_manifest *view, const char *name)
{
    for (unsigned i = 0; i < view->service_count; i++) {
        if (strcmp(view->services[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

// What runs now, as a manifest to plan from: each service's own spec (an
// apply with rollbacks leaves some at their old version, and a start
// rolled back leaves none), in the last manifest's order, then the rest.
static void running_view(struct ftl_manifest *view)
{
    view->service_count = 0;
    const struct ftl_manifest *m = supervisor.manifest;
    for (unsigned i = 0; i < m->service_count; i++) {
        struct service *s = service_named(m->services[i].name);
        if (s != NULL) {
            view->services[view->service_count++] = *s->spec;
        }
    }
    for (unsigned i = 0; i < supervisor.count; i++) {
        struct service *s = &supervisor.services[i];
        if (s->state != SERVICE_REMOVED && s->stopping != STOP_RETIRE &&
            !view_lists(view, s->spec->name) &&
            view->service_count < FTL_MANIFEST_SERVICES_MAX) {
            view->services[view->service_count++] = *s->spec;
        }
    }
}

void apply_bundle(struct ftl_request *req, const void *data, size_t len)
{
    if (current != NULL) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    struct apply *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    a->req = req;
    current = a;
    const char *why = NULL;
    int err = read_bundle(a, data, len, &why);
    if (err < 0) {
        fail(a, err, why);
        return;
    }
    static struct ftl_manifest running; // about 24 KiB: not on the stack
    running_view(&running);
    plan_make(&running, a->manifest, image_changed, a, &a->plan);
    if (a->plan.count == 0) {
        say(a, "nothing to change");
    }
    run_step(a);
}
