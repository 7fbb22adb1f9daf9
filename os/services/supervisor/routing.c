// What services ask the supervisor for on their channel to it: channels to
// the services their spec `requires` (OPEN service/NAME), the devices their
// spec names (OPEN device/N), and the status table (GETATTR status, also on
// service/supervisor, which anyone may open). Everything else is refused,
// with a log line saying who asked for what.
#include "routing.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/ioport.h>
#include <ftl/log.h>
#include <ftl/pci.h>

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

// A channel's context is the service at its other end; NULL for channels
// handed out by OPEN service/supervisor.
static struct service *asker(struct ftl_request *req)
{
    return ftl_request_context(req);
}

static void on_service_open(struct ftl_request *req, const char *name)
{
    struct service *from = asker(req);
    if (strcmp(name, "supervisor") == 0) {
        ftl_request_reply_channel(req, NULL);
        return;
    }
    if (from == NULL || !may_open(from->spec, name)) {
        FTL_LOG_WARN("%s may not open service/%s: not in its requires",
                     from != NULL ? from->spec->name : "a status client",
                     name);
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    struct service *to = service_provider(name);
    if (to == NULL) { // ftl-spec checked requires: not expected
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    service_connect(to, req);
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
        FTL_LOG_WARN("%s may not open device/%s: its spec grants %u devices",
                     from != NULL ? from->spec->name : "a status client",
                     index_text, from != NULL ? from->spec->device_count : 0);
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
    if (strncmp(path, DEVICE_PREFIX, strlen(DEVICE_PREFIX)) == 0) {
        open_device(req, path + strlen(DEVICE_PREFIX));
        return;
    }
    ftl_request_fail(req, FTL_ERR_NOT_FOUND);
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    if (strcmp(name, "status") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    char table[FTL_MSG_BODY_MAX];
    size_t len = status_table(table, sizeof(table));
    ftl_request_reply(req, 0, table, len);
}

static void on_close(struct ftl_server *server, void *context)
{
    (void)server;
    if (context != NULL) {
        service_exited(context);
    }
}

const struct ftl_server_ops routing_ops = {
    .on_open = on_open,
    .on_getattr = on_getattr,
    .on_close = on_close,
    .on_service_open = on_service_open,
};
