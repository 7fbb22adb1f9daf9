// The boot manifest: the compiled form of a system's specs that the
// supervisor reads from the initfs (docs/reference/manifest.md). ftl-spec
// (tools/ftl-spec) writes it on the host; ftl_manifest_parse reads it inside
// the OS with string functions only: no allocation, no YAML.
//
// The limits below are shared by both sides: the compiler refuses a spec
// that exceeds one, so a manifest it wrote always fits these arrays.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>

#define FTL_MANIFEST_FORMAT 1 // the `ftl-manifest` line this parser reads

// A service may list the supervisor itself in `requires`: that lets it make
// the supervisor's admin requests (SETATTR restart=NAME on
// service/supervisor). It is no service of the manifest and orders nothing.
#define FTL_SUPERVISOR_NAME "supervisor"

#define FTL_MANIFEST_SERVICES_MAX 32
#define FTL_MANIFEST_NAME_MAX 31    // characters of a service or system name
#define FTL_MANIFEST_REQUIRES_MAX 8 // per service, and as many provides
#define FTL_MANIFEST_FILES_MAX 16   // files of the initfs a service may read
#define FTL_MANIFEST_FILE_PATH_MAX 99 // a ustar name's bytes
#define FTL_MANIFEST_DEVICES_MAX 8
#define FTL_MANIFEST_ARGS_MAX 16
#define FTL_MANIFEST_ENV_MAX 16
#define FTL_MANIFEST_LINE_MAX 1023 // bytes of one line, without its newline

// Values of isolation: they match FTL_ISOLATION_* (syscall.h); a wasm
// service is a kernel-mode process that runs a WebAssembly module in a
// sandbox (docs/guides/wasm.md). ftl_manifest_spawn_isolation says what to
// pass to ftl_process_spawn.
#define FTL_MANIFEST_ISOLATION_USER 0
#define FTL_MANIFEST_ISOLATION_KERNEL 1
#define FTL_MANIFEST_ISOLATION_WASM 2

enum ftl_restart_policy {
    FTL_RESTART_ALWAYS,     // restart whenever it exits
    FTL_RESTART_ON_FAILURE, // restart when it exits non-zero or is killed
    FTL_RESTART_NEVER,
};

enum ftl_device_kind {
    FTL_DEVICE_PCI,     // the index-th PCI function with vendor:device
    FTL_DEVICE_IRQ,     // a global system interrupt (legacy ISA devices)
    FTL_DEVICE_IOPORTS, // an I/O port range
};

struct ftl_manifest_device {
    enum ftl_device_kind kind;
    uint16_t vendor, device; // FTL_DEVICE_PCI
    uint32_t index;          // FTL_DEVICE_PCI: 0 for the first match
    uint32_t irq;            // FTL_DEVICE_IRQ
    uint32_t port_base;      // FTL_DEVICE_IOPORTS
    uint32_t port_count;     // FTL_DEVICE_IOPORTS
};

// One service. Strings point into the text given to ftl_manifest_parse.
struct ftl_manifest_service {
    const char *name;
    const char *binary; // file in the initfs, e.g. "hello.elf"
    uint32_t isolation; // FTL_MANIFEST_ISOLATION_*
    enum ftl_restart_policy restart;
    uint64_t memory; // limit in bytes
    uint32_t handles; // most handles at once (0: FTL_HANDLES_DEFAULT)
    unsigned requires_count, provides_count, device_count, argc, envc;
    unsigned file_count;
    const char *requires[FTL_MANIFEST_REQUIRES_MAX]; // names it may OPEN
    const char *provides[FTL_MANIFEST_REQUIRES_MAX]; // more names it serves
    const char *files[FTL_MANIFEST_FILES_MAX]; // initfs paths it may read
    struct ftl_manifest_device devices[FTL_MANIFEST_DEVICES_MAX];
    const char *argv[FTL_MANIFEST_ARGS_MAX]; // arguments after the program
    const char *envp[FTL_MANIFEST_ENV_MAX];  // "KEY=value"
};

// A whole manifest: about 20 KiB, so keep it static rather than on a stack.
struct ftl_manifest {
    const char *system;  // metadata.name of the ftl.yaml
    const char *cmdline; // the kernel command line the build chose ("")
    unsigned service_count;
    // In start order: every service comes after the ones it requires.
    struct ftl_manifest_service services[FTL_MANIFEST_SERVICES_MAX];
    // Set when parsing fails: the 1-based line and what is wrong with it.
    unsigned error_line;
    const char *error;
};

// Parses the `len` bytes at `text` into *m. The text must be writable and
// stay alive as long as *m: each line's newline becomes a NUL and the
// strings in *m point into it. Returns 0, FTL_ERR_BAD_FORMAT (malformed,
// unknown key, wrong format version, truncated) or FTL_ERR_TOO_LARGE (over
// a limit above); on error, m->error_line and m->error say where and why.
int ftl_manifest_parse(char *text, size_t len, struct ftl_manifest *m);

// The spec's word for an isolation value ("user", "kernel", "wasm"; "?"
// for anything else).
const char *ftl_manifest_isolation_name(uint32_t isolation);

// The FTL_ISOLATION_* that a service of this isolation is spawned with
// (FTL_ISOLATION_WASM: the kernel runs it in kernel mode once it has
// checked that the program came out of the wasm pipeline).
uint32_t ftl_manifest_spawn_isolation(uint32_t isolation);

// Whether path may be a file grant (spec `files:`): relative, segments of
// letters, digits, '.', '_' and '-' separated by single '/', none of them
// "." or "..", at most FTL_MANIFEST_FILE_PATH_MAX bytes. ftl-spec checks
// specs with it, the manifest parser and the supervisor again.
bool ftl_manifest_file_path_ok(const char *path);

// The index of the service that answers OPEN of `name`: the service with
// that name, else the one that lists it in provides. -1 if none does.
int ftl_manifest_provider(const struct ftl_manifest *m, const char *name);
