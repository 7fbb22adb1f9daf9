// What services ask the supervisor for on their channel to it: channels to
// the services their spec `requires` (OPEN service/NAME), the devices their
// spec names (OPEN device/N), the files it grants (OPEN file/PATH,
// files.h), the status table (GETATTR status, also on
// service/supervisor, which anyone may open) and, for services that list
// `supervisor` in requires, a restart of another service (SETATTR
// restart=NAME) and the kernel's log lines (GETATTR logs, log/NAME/CURSOR:
// logs.h). Everything else is refused, with a log line saying who asked
// for what (rate-limited: refusal.h).
#include "routing.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/ioport.h>
#include <ftl/log.h>
#include <ftl/pci.h>

#include "apply.h"
#include "files.h"
#include "logs.h"
#include "refusal.h"
#include "service.h"
#include "status.h"

#define DEVICE_PREFIX "device/"

static bool may_open(const struct ftl_manifest_service *spec, const char *name)
{
    for (unsigned i = 0; i < spec->requires_count; i++) {
        if (strcmp(spec->requires[i], name) == 0) {
            return true;
        }
    }
    return false;
}

// Channels handed out by OPEN service/supervisor have one of these as
// their context (the last one for askers that are not services), so they
// are told apart from the services' own channels, whose context is the
// service. Each costs us a handle, and our handle table is the default
// one: without a bound per opener, one service holding links could leave
// us none to start or restart the others with (tests/qemu/faults_test.py).
struct status_link {
    struct service *opener;
    unsigned open; // links of this opener not closed yet
};
static struct status_link status_links[FTL_MANIFEST_SERVICES_MAX + 1];

#define STATUS_LINKS_MAX 8
// Per service: its own channel, its process, its file and status links;
// what is left is for the supervisor's own channels, timers and sinks.
_Static_assert((FTL_MANIFEST_SERVICES_MAX + 1) *
                       (2 + FILES_OPEN_MAX + STATUS_LINKS_MAX) <=
                   FTL_HANDLES_DEFAULT - 128,
               "the supervisor's handle table holds every grant");

static bool is_status_link(const void *context)
{
    return context >= (const void *)status_links &&
           context < (const void *)(status_links + FTL_MANIFEST_SERVICES_MAX +
                                    1);
}

// The service whose own channel the request came on; NULL on a status
// link or a file channel.
static struct service *asker(struct ftl_request *req)
{
    void *context = ftl_request_context(req);
    return is_status_link(context) || files_is_file(context) ? NULL : context;
}

// The service behind the request, on its own channel or a status link it
// opened; NULL if none.
static struct service *asking_service(struct ftl_request *req)
{
    void *context = ftl_request_context(req);
    if (files_is_file(context)) {
        return NULL;
    }
    return is_status_link(context) ? ((struct status_link *)context)->opener
                                   : context;
}

static const char *name_of(const struct service *s)
{
    return s != NULL ? s->spec->name : "a status client";
}

// A link opened through a link counts against the service behind it.
static void open_status_link(struct ftl_request *req)
{
    struct service *from = asking_service(req);
    size_t slot = from != NULL ? (size_t)(from - supervisor.services)
                               : FTL_MANIFEST_SERVICES_MAX;
    struct status_link *link = &status_links[slot];
    if (link->open >= STATUS_LINKS_MAX) {
        ftl_request_fail(req, FTL_ERR_LIMIT);
        return;
    }
    link->opener = from;
    link->open++; // on_close gives it back, also if the reply fails
    ftl_request_reply_channel(req, link);
}

static void on_service_open(struct ftl_request *req, const char *name)
{
    struct service *from = asker(req);
    if (strcmp(name, FTL_SUPERVISOR_NAME) == 0) {
        open_status_link(req);
        return;
    }
    if (from == NULL || !may_open(from->spec, name)) {
        if (refusal_may_log(from)) {
            FTL_LOG_WARN("%s may not open service/%s: not in its requires",
                         name_of(from), refusal_text(name));
        }
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    struct service *to = service_provider(name);
    if (to == NULL) { // ftl-spec checked requires: not expected
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    service_connect(to, req, from->spec->name);
}

// The handle that grants `device`, made now.
static ftl_handle_t grant(const struct ftl_manifest_device *device)
{
    switch (device->kind) {
    case FTL_DEVICE_PCI:
        return ftl_pci_find(device->vendor, device->device, device->index);
    case FTL_DEVICE_IRQ:
        return ftl_interrupt_create(FTL_HANDLE_INVALID, device->irq);
    case FTL_DEVICE_IOPORTS:
        return ftl_ioport_create(device->port_base, device->port_count);
    }
    return FTL_ERR_INVALID_ARG;
}

static void open_device(struct ftl_request *req, const char *index_text)
{
    struct service *from = asker(req);
    char *end;
    unsigned long index = strtoul(index_text, &end, 10);
    if (from == NULL || *index_text == '\0' || *end != '\0' ||
        index >= from->spec->device_count) {
        if (refusal_may_log(from)) {
            FTL_LOG_WARN("%s may not open device/%s: its spec grants %u "
                         "devices",
                         name_of(from), refusal_text(index_text),
                         from != NULL ? from->spec->device_count : 0);
        }
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    ftl_handle_t handle = grant(&from->spec->devices[index]);
    if (handle < 0) {
        FTL_LOG_ERROR("device/%lu of %s: %s", index, from->spec->name,
                      ftl_error_str(handle));
        ftl_request_fail(req, handle);
        return;
    }
    ftl_request_reply_handle(req, handle);
}

static void on_open(struct ftl_request *req, const char *path)
{
    if (files_is_file(ftl_request_context(req))) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
    } else if (strncmp(path, DEVICE_PREFIX, strlen(DEVICE_PREFIX)) == 0) {
        open_device(req, path + strlen(DEVICE_PREFIX));
    } else if (strncmp(path, FILES_PREFIX, strlen(FILES_PREFIX)) == 0) {
        files_open(req, asker(req), path + strlen(FILES_PREFIX));
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
    }
}

static void on_read(struct ftl_request *req, uint64_t offset, size_t len)
{
    void *context = ftl_request_context(req);
    if (!files_is_file(context)) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    files_read(req, context, offset, len);
}

// Whether the asker may administer the system (restart services, read
// their logs): a service with `supervisor` in its requires, asking on its
// own channel or on a status link it opened.
static bool may_administer(struct ftl_request *req)
{
    struct service *from = asking_service(req);
    return from != NULL && may_open(from->spec, FTL_SUPERVISOR_NAME);
}

static void get_logs(struct ftl_request *req, const char *name)
{
    if (!may_administer(req)) {
        struct service *from = asking_service(req);
        if (refusal_may_log(from)) {
            FTL_LOG_WARN("%s may not read %s: supervisor is not in its "
                         "requires",
                         name_of(from), refusal_text(name));
        }
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    logs_getattr(req, name);
}

#define APPLY_PROGRESS "apply/progress/"

// An apply's steps so far, for who may apply (control).
static void get_apply_progress(struct ftl_request *req, const char *offset)
{
    if (!may_administer(req)) {
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    char *end;
    unsigned long long from = strtoull(offset, &end, 10);
    if (*offset == '\0' || *end != '\0') {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    char lines[FTL_MSG_BODY_MAX];
    size_t total = 0;
    long n = apply_progress((size_t)from, lines, sizeof(lines), &total);
    if (n < 0) {
        ftl_request_fail(req, (int)n);
    } else {
        ftl_request_reply(req, total, lines, (size_t)n);
    }
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    void *context = ftl_request_context(req);
    if (files_is_file(context)) {
        files_getattr(req, context, name);
        return;
    }
    if (logs_is_attribute(name)) {
        get_logs(req, name);
        return;
    }
    if (strncmp(name, APPLY_PROGRESS, strlen(APPLY_PROGRESS)) == 0) {
        get_apply_progress(req, name + strlen(APPLY_PROGRESS));
        return;
    }
    if (strcmp(name, "status") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    char table[FTL_MSG_BODY_MAX];
    size_t len = status_table(table, sizeof(table));
    ftl_request_reply(req, 0, table, len);
}

static void on_setattr(struct ftl_request *req, const char *name,
                       const char *value)
{
    if (strcmp(name, "restart") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    struct service *from = asking_service(req);
    if (!may_administer(req)) {
        if (refusal_may_log(from)) {
            FTL_LOG_WARN("%s may not restart %s: supervisor is not in its "
                         "requires",
                         name_of(from), refusal_text(value));
        }
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    struct service *target = service_named(value);
    int err = target != NULL ? service_restart(target, from) : FTL_ERR_NOT_FOUND;
    if (err < 0) {
        ftl_request_fail(req, err);
    } else {
        ftl_request_reply(req, 0, NULL, 0);
    }
}

// WRITE of an apply bundle (apply.h), from a service that may ask the
// supervisor for changes (supervisor in its requires): control.
static void on_write(struct ftl_request *req, uint64_t offset, const void *data,
                     size_t len)
{
    if (files_is_file(ftl_request_context(req))) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    struct service *from = asking_service(req);
    if (from == NULL || !may_open(from->spec, FTL_SUPERVISOR_NAME)) {
        if (refusal_may_log(from)) {
            FTL_LOG_WARN("%s may not apply a bundle: supervisor is not in its "
                         "requires",
                         name_of(from));
        }
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    if (offset != 0) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    apply_bundle(req, data, len);
}

static void on_close(struct ftl_server *server, void *context)
{
    (void)server;
    if (files_is_file(context)) {
        files_close(context);
    } else if (is_status_link(context)) {
        ((struct status_link *)context)->open--;
    } else if (context != NULL) {
        service_exited(context);
    }
}

const struct ftl_server_ops routing_ops = {
    .on_open = on_open,
    .on_read = on_read,
    .on_getattr = on_getattr,
    .on_setattr = on_setattr,
    .on_write = on_write,
    .on_close = on_close,
    .on_service_open = on_service_open,
};
