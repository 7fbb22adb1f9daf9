// Applying a built image to a running system (docs/cli.md, "ftl apply"),
// shared by `ftl apply` and `ftl dev`: the bundle is the image's
// boot.manifest and those of its initfs files whose bytes the running
// system does not have, as the record of it says (record.h); all files with
// --full, for a system the record does not describe, or when the record's
// services are unknown. The supervisor treats a program file left out as
// "unchanged" (os/services/supervisor/apply.c), so a delta bundle and the
// whole initfs reconcile to the same system.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "control.h"
#include "image.h"
#include "project.h"

struct apply_options {
    bool full;                    // every file (--full)
    struct control_target target; // NULL fields: the project's own
};

enum apply_result {
    APPLY_DONE,        // everything went in
    APPLY_ROLLED_BACK, // the system answered; some services were rolled back
    APPLY_REFUSED,     // the system answered no (bad bundle, busy)
    APPLY_UNREACHED,   // no answer: no channel, a time-out, a bad key
};

struct apply_outcome {
    enum apply_result result;
    unsigned files_sent, files;
    size_t bytes_sent, bytes; // the bundle, and the whole initfs
    double request_ms;        // from the first byte sent to the reply
    char *reply;              // the system's last word ("applied", ...)
};

// Packs img's bundle, sends it and prints each step the system reports
// ("  APPLY    replace web"); 0 when everything went in, or an exit code
// after the failure was printed (out->result says which kind).
int apply_image(const struct project *p, const struct image *img,
                const struct apply_options *o, struct apply_outcome *out);
