// The record of a running system (record.h), one line per fact:
//   boot PID START          the QEMU that booted
//   settings HASH           record_settings() of its command line
//   services known          the service lines below are true
//   file NAME HASH          a file of the initfs it booted
//   service NAME BINARY HASH  the program a service runs
// Names hold no spaces: service names are identifiers, initfs names come
// from project folders and the SDK.
#include "record.h"

#include "files.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD_NAME "running.list"
#define MANIFEST_NAME "boot.manifest"

static char *record_path(const struct session *s)
{
    return path_join(s->dir, RECORD_NAME);
}

// Field 22 of /proc/PID/stat (after the command name, which may hold
// spaces and parentheses: read from the last ')'); 0 if unknown.
static unsigned long long process_start(pid_t pid)
{
    char *stat = file_read(str_printf("/proc/%d/stat", (int)pid));
    char *at = stat != NULL ? strrchr(stat, ')') : NULL;
    unsigned long long start = 0;
    for (int field = 2; at != NULL && field < 22; field++) {
        at = strchr(at + 1, ' ');
    }
    if (at != NULL) {
        start = strtoull(at + 1, NULL, 10);
    }
    free(stat);
    return start;
}

void record_settings(const struct qemu_config *c,
                     char hash[INITFS_TAR_HASH_HEX])
{
    char *text = str_printf("%s", "");
    for (char **arg = qemu_argv(c); *arg != NULL; arg++) {
        text = str_printf("%s%s\n", text, *arg);
    }
    size_t len;
    char *kernel = file_read_len(c->img->kernel, &len);
    char kernel_hash[INITFS_TAR_HASH_HEX] = "";
    if (kernel != NULL) {
        initfs_hash(kernel, len, kernel_hash);
        free(kernel);
    }
    text = str_printf("%skernel %s\n", text, kernel_hash);
    initfs_hash(text, strlen(text), hash);
}

static void record_write(const struct session *s, const struct record *r)
{
    char *text = str_printf("# ftl: what the system running in QEMU has, for "
                            "`ftl apply` (docs/cli.md)\nboot %ld %llu\n"
                            "settings %s\n%s",
                            r->pid, r->start, r->settings,
                            r->services_known ? "services known\n" : "");
    for (unsigned i = 0; i < r->file_count; i++) {
        text = str_printf("%sfile %s %s\n", text, r->files[i].name,
                          r->files[i].hash);
    }
    for (unsigned i = 0; r->services_known && i < r->service_count; i++) {
        const struct record_service *v = &r->services[i];
        text = str_printf("%sservice %s %s %s\n", text, v->name, v->binary,
                          v->hash);
    }
    if (file_replace(record_path(s), text) < 0) {
        record_drop(s); // no record is safe; a wrong one is not
    }
}

// The services' entries for manifest m, their programs as t has them.
static void services_set(struct record *r, const struct ftl_manifest *m,
                         const struct initfs_tar *t)
{
    r->services_known = true;
    r->service_count = 0;
    for (unsigned i = 0; i < m->service_count; i++) {
        const struct initfs_file *f = initfs_tar_find(t, m->services[i].binary);
        if (f == NULL) {
            continue; // not in the archive: unknown, so sent next time
        }
        struct record_service *v = &r->services[r->service_count++];
        snprintf(v->name, sizeof(v->name), "%s", m->services[i].name);
        snprintf(v->binary, sizeof(v->binary), "%s", f->name);
        snprintf(v->hash, sizeof(v->hash), "%s", f->hash);
    }
}

void record_boot(const struct session *s, pid_t pid,
                 const struct qemu_config *c)
{
    static struct record r;
    static struct initfs_tar t;
    record_drop(s);
    if (initfs_tar_read(c->img->initfs, &t) != 0) {
        return;
    }
    r = (struct record){.pid = pid, .start = process_start(pid)};
    record_settings(c, r.settings);
    for (unsigned i = 0; i < t.count; i++) {
        snprintf(r.files[i].name, sizeof(r.files[i].name), "%s",
                 t.files[i].name);
        snprintf(r.files[i].hash, sizeof(r.files[i].hash), "%s",
                 t.files[i].hash);
    }
    r.file_count = t.count;
    services_set(&r, &c->img->manifest, &t);
    free(t.data);
    if (r.start != 0) {
        record_write(s, &r);
    }
}

void record_drop(const struct session *s)
{
    unlink(record_path(s));
}

// Parses one line into r; false if it is not one of ours.
static bool line_parse(struct record *r, const char *line)
{
    char a[INITFS_TAR_NAME_MAX], b[INITFS_TAR_NAME_MAX];
    char h[INITFS_TAR_HASH_HEX];
    if (line[0] == '#' || line[0] == '\0') {
        return true;
    }
    if (sscanf(line, "boot %ld %llu", &r->pid, &r->start) == 2) {
        return true;
    }
    if (sscanf(line, "settings %64s", r->settings) == 1) {
        return true;
    }
    if (strcmp(line, "services known") == 0) {
        r->services_known = true;
        return true;
    }
    if (sscanf(line, "file %255s %64s", a, h) == 2 &&
        r->file_count < INITFS_TAR_FILES_MAX) {
        struct record_file *f = &r->files[r->file_count++];
        snprintf(f->name, sizeof(f->name), "%s", a);
        snprintf(f->hash, sizeof(f->hash), "%s", h);
        return true;
    }
    char n[FTL_MANIFEST_NAME_MAX + 1];
    if (sscanf(line, "service %31s %255s %64s", n, b, h) == 3 &&
        r->service_count < FTL_MANIFEST_SERVICES_MAX) {
        struct record_service *v = &r->services[r->service_count++];
        snprintf(v->name, sizeof(v->name), "%s", n);
        snprintf(v->binary, sizeof(v->binary), "%s", b);
        snprintf(v->hash, sizeof(v->hash), "%s", h);
        return true;
    }
    return false;
}

bool record_load(const struct session *s, struct record *r)
{
    *r = (struct record){0};
    char *text = file_read(record_path(s));
    if (text == NULL) {
        return false;
    }
    bool ok = true;
    for (char *line = text, *next; ok && line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        ok = line_parse(r, line);
    }
    free(text);
    pid_t running = session_pid(s);
    if (!ok || running == 0 || running != r->pid || r->start == 0 ||
        process_start(running) != r->start) {
        record_drop(s);
        return false;
    }
    return true;
}

void record_forget_services(const struct session *s, struct record *r)
{
    r->services_known = false;
    r->service_count = 0;
    record_write(s, r);
}

void record_applied(const struct session *s, struct record *r,
                    const struct ftl_manifest *m, const struct initfs_tar *t)
{
    services_set(r, m, t);
    record_write(s, r);
}

const struct record_file *record_file_find(const struct record *r,
                                           const char *name)
{
    for (unsigned i = 0; i < r->file_count; i++) {
        if (strcmp(r->files[i].name, name) == 0) {
            return &r->files[i];
        }
    }
    return NULL;
}

const struct record_service *record_service_find(const struct record *r,
                                                 const char *name)
{
    for (unsigned i = 0; i < r->service_count; i++) {
        if (strcmp(r->services[i].name, name) == 0) {
            return &r->services[i];
        }
    }
    return NULL;
}

// The hash of the bytes the running system would run for program f in
// service sv (see record_has_file); NULL when unknown.
static const char *program_running(const struct record *r,
                                   const struct ftl_manifest_service *sv,
                                   const struct initfs_file *f)
{
    const struct record_service *v = record_service_find(r, sv->name);
    if (v != NULL && strcmp(v->binary, f->name) == 0) {
        return v->hash;
    }
    const struct record_file *boot = record_file_find(r, f->name);
    return boot != NULL ? boot->hash : NULL;
}

bool record_has_file(const struct record *r, const struct ftl_manifest *m,
                     const struct initfs_file *f)
{
    if (strcmp(f->name, MANIFEST_NAME) == 0) {
        return false;
    }
    bool program = false;
    for (unsigned i = 0; i < m->service_count; i++) {
        if (strcmp(m->services[i].binary, f->name) != 0) {
            continue;
        }
        program = true;
        const char *has =
            r->services_known ? program_running(r, &m->services[i], f) : NULL;
        if (has == NULL || strcmp(has, f->hash) != 0) {
            return false;
        }
    }
    if (program) {
        return true;
    }
    const struct record_file *boot = record_file_find(r, f->name);
    return boot != NULL && strcmp(boot->hash, f->hash) == 0;
}
