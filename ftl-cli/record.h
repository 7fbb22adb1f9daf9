// The record of what a project's running system has, build/run/running.list:
// the SHA-256 of every file of the initfs it booted, the program each of
// its services runs, and the boot settings (kernel, command line, memory,
// ports). `ftl run` and `ftl dev` write it as they boot, `ftl apply`
// updates it after an apply that went in, so that the next apply sends only
// the files whose bytes differ (apply_bundle.h).
//
// Staleness is settled by two rules. A record counts only for the QEMU that
// wrote it (its pid and start time, from /proc): another boot finds a
// stale record and removes it. And the services' part counts only when it
// is known to be true: it is marked unknown before a bundle is sent and
// written again only when the system answers that everything went in, so
// a time-out, a refusal, a rollback or an interrupted `ftl apply` leave it
// unknown, and the next apply sends every program (which the supervisor
// compares byte for byte with what runs, as it always does).
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <ftl/manifest.h>

#include "initfs_tar.h"
#include "qemu.h"
#include "session.h"

struct record_file {
    char name[INITFS_TAR_NAME_MAX];
    char hash[INITFS_TAR_HASH_HEX];
};

struct record_service {
    char name[FTL_MANIFEST_NAME_MAX + 1];
    char binary[INITFS_TAR_NAME_MAX];
    char hash[INITFS_TAR_HASH_HEX]; // of the program it runs
};

struct record {
    long pid;                 // the QEMU that booted
    unsigned long long start; // its start time (clock ticks after host boot)
    char settings[INITFS_TAR_HASH_HEX];
    bool services_known; // the services' entries are true
    unsigned file_count, service_count;
    struct record_file files[INITFS_TAR_FILES_MAX]; // the boot initfs
    struct record_service services[FTL_MANIFEST_SERVICES_MAX];
};

// The fingerprint of what only a reboot changes: c's QEMU command line
// (kernel command line, memory, ports, devices) and the kernel's bytes.
void record_settings(const struct qemu_config *c,
                     char hash[INITFS_TAR_HASH_HEX]);

// Writes the record of QEMU pid booting c's image; quietly leaves none when
// the initfs cannot be read (the next apply then sends everything).
void record_boot(const struct session *s, pid_t pid,
                 const struct qemu_config *c);

// Reads the record into r: true if there is one and the QEMU running now
// (the pid file's) is the one that wrote it; a stale one is removed.
bool record_load(const struct session *s, struct record *r);

// Removes the record.
void record_drop(const struct session *s);

// Marks the services' part unknown (before a bundle goes out: see above).
void record_forget_services(const struct session *s, struct record *r);

// Writes r back after an apply of manifest m and archive t went in: every
// service of m runs its program as t has it.
void record_applied(const struct session *s, struct record *r,
                    const struct ftl_manifest *m, const struct initfs_tar *t);

// Whether the running system r describes has file f of a new initfs for
// manifest m where the supervisor would look for it, so that a bundle may
// leave it out (os/services/supervisor/apply.c takes a program left out as
// unchanged). For a program: every service of m that runs it either runs
// those bytes now (r lists it with the same program file) or, new or with
// another program before, would start from the boot initfs's copy, which
// must then be those bytes; never while r's services are unknown. Any
// other file: the boot initfs has those bytes. boot.manifest: never (the
// supervisor plans from the one sent).
bool record_has_file(const struct record *r, const struct ftl_manifest *m,
                     const struct initfs_file *f);

// The file and service entries of r named name, or NULL.
const struct record_file *record_file_find(const struct record *r,
                                           const char *name);
const struct record_service *record_service_find(const struct record *r,
                                                 const char *name);
