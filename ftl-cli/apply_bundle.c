// Delta bundles and their sending (apply_bundle.h). A file of the new
// initfs is left out when the record says the running system has its
// bytes where the supervisor would look for them (record_has_file).
#include "apply_bundle.h"

#include "control_options.h"
#include "exitcode.h"
#include "files.h"
#include "initfs_tar.h"
#include "output.h"
#include "record.h"
#include "session.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define APPLY_STEP_TIMEOUT_S 30 // a step's reply, reset by every step
#define TAR_END_BYTES 1024      // two zero blocks

// The chosen members of t copied as they are, then the archive's end; the
// names sent, space-separated, in *names.
static char *bundle_pack(const struct initfs_tar *t, const bool *chosen,
                         size_t *len, char **names)
{
    size_t total = TAR_END_BYTES;
    for (unsigned i = 0; i < t->count; i++) {
        total += chosen[i] ? t->files[i].span : 0;
    }
    char *bundle = calloc(1, total);
    if (bundle == NULL) {
        abort();
    }
    size_t at = 0;
    *names = str_printf("%s", "");
    for (unsigned i = 0; i < t->count; i++) {
        if (chosen[i]) {
            memcpy(bundle + at, t->data + t->files[i].offset, t->files[i].span);
            at += t->files[i].span;
            *names = str_printf("%s%s%s", *names, **names ? " " : "",
                                t->files[i].name);
        }
    }
    *len = total;
    return bundle;
}

static void on_step(void *arg, const char *line, size_t len)
{
    (void)arg;
    out_step("APPLY", "%.*s", (int)len, line);
}

static double ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

// Why the whole initfs goes (NULL: a delta).
static const char *full_reason(const struct apply_options *o,
                               const struct control_target *t, bool own,
                               bool recorded, const struct record *r)
{
    if (o->full) {
        return "--full";
    }
    if (t->gce.instance != NULL) {
        return "a GCE instance: no record of what it runs";
    }
    if (!own) {
        return "another system's channel: no record of it";
    }
    if (!recorded) {
        return "no record of what the running system has";
    }
    return r->services_known ? NULL : "the last apply did not fully go in";
}

// Sends the bundle; fills out and returns 0 or an exit code.
static int bundle_send(const struct control_target *t, const char *bundle,
                       size_t len, struct apply_outcome *out)
{
    static struct control ctl;
    int err = control_open(&ctl, t);
    if (err != 0) {
        out->result = APPLY_UNREACHED;
        return err;
    }
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    struct control_reply reply;
    struct control_request q = {.command = "apply",
                                .tail = bundle,
                                .tail_len = len,
                                .on_progress = on_step,
                                .timeout_s = APPLY_STEP_TIMEOUT_S};
    if (t->gce.instance != NULL) {
        // A serial port of unknown speed: time for the bundle to cross
        // at 8 KiB/s (115,200 baud moves about 11) before the first step.
        q.timeout_s += (unsigned)(len / (8 * 1024));
    }
    err = control_call(&ctl, &q, &reply);
    control_close(&ctl);
    out->request_ms = ms_since(&started);
    if (err != 0 && t->gce.instance != NULL) {
        // The bundle crosses GCE's serial port, whose speed is not known:
        // the apply may have been slower than the reply's time-out.
        out_info("the %zu KiB bundle went through GCE's serial port; if "
                 "the instance does not show the change, deploy instead "
                 "(`ftl deploy gce`)",
                 len / 1024);
    }
    if (err != 0) {
        out->result = APPLY_UNREACHED;
        return err;
    }
    out->reply = reply.body;
    if (!reply.ok) {
        out->result = strstr(reply.body, "rolled back") != NULL
                          ? APPLY_ROLLED_BACK
                          : APPLY_REFUSED;
        return out_error(EXIT_FAILED,
                         "the running system keeps the previous versions; "
                         "`ftl logs NAME` says why",
                         "apply failed: %s", reply.body);
    }
    out->result = APPLY_DONE;
    return 0;
}

int apply_image(const struct project *p, const struct image *img,
                const struct apply_options *o, struct apply_outcome *out)
{
    static struct initfs_tar t;
    static struct record r;
    static bool chosen[INITFS_TAR_FILES_MAX];
    *out = (struct apply_outcome){.result = APPLY_UNREACHED};
    int err = initfs_tar_read(img->initfs, &t);
    if (err != 0) {
        return err;
    }
    struct control_target target = o->target;
    if ((err = control_target_find(&target)) != 0) {
        return err;
    }
    struct session s;
    session_init(p, &s);
    // A GCE instance (no socket) or another socket: no record of it here.
    bool own = target.socket != NULL &&
               strcmp(target.socket, path_join(s.dir, "control.sock")) == 0;
    bool recorded = own && record_load(&s, &r);
    const char *why_full = full_reason(o, &target, own, recorded, &r);
    for (unsigned i = 0; i < t.count; i++) {
        chosen[i] = why_full != NULL ||
                    !record_has_file(&r, &img->manifest, &t.files[i]);
        out->files_sent += chosen[i];
        out->bytes += t.files[i].size;
    }
    out->files = t.count;
    char *names;
    size_t len;
    char *bundle = bundle_pack(&t, chosen, &len, &names);
    out->bytes_sent = len;
    out_step("SEND", "%s: %zu KiB of %zu (%s)", names, len / 1024, t.len / 1024,
             why_full != NULL
                 ? why_full
                 : str_printf("%u files unchanged", t.count - out->files_sent));
    if (len > CONTROL_PAYLOAD_MAX - 16) {
        free(bundle);
        return out_error(EXIT_FAILED, "leave services out or make them smaller",
                         "the bundle is %zu bytes, over the channel's 16 MiB",
                         len);
    }
    if (recorded) {
        record_forget_services(&s, &r); // true again only once all went in
    }
    err = bundle_send(&target, bundle, len, out);
    free(bundle);
    if (err == 0 && recorded) {
        record_applied(&s, &r, &img->manifest, &t);
    }
    free(t.data);
    return err;
}
