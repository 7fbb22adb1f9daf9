// Reads the boot manifest (docs/reference/manifest.md) in place. Each line
// is `KEY` or `KEY VALUE`; the text is cut into NUL-terminated lines, and
// a `service` line opens a block that `end` closes. Unknown keys are
// errors, not skipped: an older supervisor must not quietly drop a field
// (a grant, a limit) that a newer compiler wrote. Only <string.h> is used,
// so the same file runs inside the OS and in the host unit tests.
#include <ftl/manifest.h>

#include <ftl/error.h>
#include <ftl/syscall.h>

#include <string.h>

struct reader {
    struct ftl_manifest *m;
    struct ftl_manifest_service *svc; // the open service block, or NULL
    unsigned declared;                // from the `services` line
    int has_header, has_count;
    unsigned have; // SEEN_* bits of the open service block
};

#define SEEN_BINARY 1u
#define SEEN_ISOLATION 2u
#define SEEN_RESTART 4u
#define SEEN_MEMORY 8u
#define SEEN_ALL 15u

// Records the first error and returns its code.
static int fail(struct reader *r, int code, const char *why)
{
    r->m->error = why;
    return code;
}

// Cuts the next space-separated word off *cursor; "" when none is left.
static char *word_next(char **cursor)
{
    char *word = *cursor;
    char *space = strchr(word, ' ');
    if (space == NULL) {
        *cursor = word + strlen(word);
    } else {
        *space = '\0';
        *cursor = space + 1;
    }
    return word;
}

// Decimal, or hexadecimal after 0x; the whole string, at most max.
static int number_parse(const char *s, uint64_t max, uint64_t *out)
{
    unsigned base = 10;
    if (s[0] == '0' && s[1] == 'x') {
        base = 16;
        s += 2;
    }
    if (*s == '\0') {
        return -1;
    }
    uint64_t value = 0;
    for (; *s != '\0'; s++) {
        const char *digits = "0123456789abcdef";
        const char *d = memchr(digits, *s, base);
        if (d == NULL) {
            return -1;
        }
        uint64_t digit = (uint64_t)(d - digits);
        if (value > (max - digit) / base) {
            return -1;
        }
        value = value * base + digit;
    }
    *out = value;
    return 0;
}

// Appends name to a list of at most FTL_MANIFEST_REQUIRES_MAX names.
static int name_add(struct reader *r, const char **list, unsigned *count,
                    const char *name)
{
    if (*name == '\0' || strchr(name, ' ') != NULL) {
        return fail(r, FTL_ERR_BAD_FORMAT, "expected one name");
    }
    if (*count == FTL_MANIFEST_REQUIRES_MAX) {
        return fail(r, FTL_ERR_TOO_LARGE, "too many names");
    }
    list[(*count)++] = name;
    return 0;
}

// `device pci VENDOR DEVICE INDEX`, `device irq GSI` or
// `device ioports BASE COUNT`.
static int device_parse(struct reader *r, char *value)
{
    struct ftl_manifest_service *svc = r->svc;
    if (svc->device_count == FTL_MANIFEST_DEVICES_MAX) {
        return fail(r, FTL_ERR_TOO_LARGE, "too many devices");
    }
    struct ftl_manifest_device dev = {0};
    const char *kind = word_next(&value);
    uint64_t a = 0, b = 0, c = 0;
    int bad;
    if (strcmp(kind, "pci") == 0) {
        dev.kind = FTL_DEVICE_PCI;
        bad = number_parse(word_next(&value), UINT16_MAX, &a) |
              number_parse(word_next(&value), UINT16_MAX, &b) |
              number_parse(word_next(&value), UINT32_MAX, &c);
        dev.vendor = (uint16_t)a;
        dev.device = (uint16_t)b;
        dev.index = (uint32_t)c;
    } else if (strcmp(kind, "irq") == 0) {
        dev.kind = FTL_DEVICE_IRQ;
        bad = number_parse(word_next(&value), UINT32_MAX, &a);
        dev.irq = (uint32_t)a;
    } else if (strcmp(kind, "ioports") == 0) {
        dev.kind = FTL_DEVICE_IOPORTS;
        bad = number_parse(word_next(&value), UINT16_MAX, &a) |
              number_parse(word_next(&value), UINT16_MAX + 1, &b);
        dev.port_base = (uint32_t)a;
        dev.port_count = (uint32_t)b;
    } else {
        return fail(r, FTL_ERR_BAD_FORMAT, "unknown device kind");
    }
    if (bad || *value != '\0') {
        return fail(r, FTL_ERR_BAD_FORMAT, "malformed device");
    }
    svc->devices[svc->device_count++] = dev;
    return 0;
}

// Marks a key that a service block holds once.
static int once(struct reader *r, unsigned seen)
{
    if (r->have & seen) {
        return fail(r, FTL_ERR_BAD_FORMAT, "key given twice");
    }
    r->have |= seen;
    return 0;
}

// A key inside a service block.
static int service_line(struct reader *r, const char *key, char *value)
{
    struct ftl_manifest_service *svc = r->svc;
    uint64_t n;
    if (strcmp(key, "binary") == 0) {
        if (*value == '\0') {
            return fail(r, FTL_ERR_BAD_FORMAT, "empty binary");
        }
        svc->binary = value;
        return once(r, SEEN_BINARY);
    } else if (strcmp(key, "isolation") == 0) {
        if (strcmp(value, "user") == 0) {
            svc->isolation = FTL_MANIFEST_ISOLATION_USER;
        } else if (strcmp(value, "kernel") == 0) {
            svc->isolation = FTL_MANIFEST_ISOLATION_KERNEL;
        } else if (strcmp(value, "wasm") == 0) {
            svc->isolation = FTL_MANIFEST_ISOLATION_WASM;
        } else {
            return fail(r, FTL_ERR_BAD_FORMAT, "unknown isolation");
        }
        return once(r, SEEN_ISOLATION);
    } else if (strcmp(key, "restart") == 0) {
        if (strcmp(value, "Always") == 0) {
            svc->restart = FTL_RESTART_ALWAYS;
        } else if (strcmp(value, "OnFailure") == 0) {
            svc->restart = FTL_RESTART_ON_FAILURE;
        } else if (strcmp(value, "Never") == 0) {
            svc->restart = FTL_RESTART_NEVER;
        } else {
            return fail(r, FTL_ERR_BAD_FORMAT, "unknown restart policy");
        }
        return once(r, SEEN_RESTART);
    } else if (strcmp(key, "memory") == 0) {
        if (number_parse(value, UINT64_MAX, &n) < 0 || n == 0) {
            return fail(r, FTL_ERR_BAD_FORMAT, "malformed memory");
        }
        svc->memory = n;
        return once(r, SEEN_MEMORY);
    } else if (strcmp(key, "handles") == 0) {
        if (number_parse(value, FTL_HANDLES_MAX, &n) < 0 || n == 0) {
            return fail(r, FTL_ERR_BAD_FORMAT, "malformed handles");
        }
        svc->handles = (uint32_t)n;
    } else if (strcmp(key, "requires") == 0) {
        return name_add(r, svc->requires, &svc->requires_count, value);
    } else if (strcmp(key, "provides") == 0) {
        return name_add(r, svc->provides, &svc->provides_count, value);
    } else if (strcmp(key, "device") == 0) {
        return device_parse(r, value);
    } else if (strcmp(key, "file") == 0) {
        if (!ftl_manifest_file_path_ok(value)) {
            return fail(r, FTL_ERR_BAD_FORMAT, "malformed file path");
        }
        if (svc->file_count == FTL_MANIFEST_FILES_MAX) {
            return fail(r, FTL_ERR_TOO_LARGE, "too many files");
        }
        svc->files[svc->file_count++] = value;
    } else if (strcmp(key, "env") == 0) {
        if (value[0] == '=' || strchr(value, '=') == NULL) {
            return fail(r, FTL_ERR_BAD_FORMAT, "env is not KEY=value");
        }
        if (svc->envc == FTL_MANIFEST_ENV_MAX) {
            return fail(r, FTL_ERR_TOO_LARGE, "too many env entries");
        }
        svc->envp[svc->envc++] = value;
    } else if (strcmp(key, "arg") == 0) {
        if (svc->argc == FTL_MANIFEST_ARGS_MAX) {
            return fail(r, FTL_ERR_TOO_LARGE, "too many args");
        }
        svc->argv[svc->argc++] = value;
    } else if (strcmp(key, "end") == 0 && *value == '\0') {
        if (r->have != SEEN_ALL) {
            return fail(r, FTL_ERR_BAD_FORMAT,
                        "service lacks binary, isolation, restart or memory");
        }
        r->svc = NULL;
    } else {
        return fail(r, FTL_ERR_BAD_FORMAT, "unknown key in a service");
    }
    return 0;
}

// A key outside service blocks.
static int system_line(struct reader *r, const char *key, char *value)
{
    struct ftl_manifest *m = r->m;
    uint64_t n;
    if (!r->has_header) {
        if (strcmp(key, "ftl-manifest") != 0 ||
            number_parse(value, UINT32_MAX, &n) < 0 ||
            n != FTL_MANIFEST_FORMAT) {
            return fail(r, FTL_ERR_BAD_FORMAT,
                        "expected `ftl-manifest 1` first");
        }
        r->has_header = 1;
    } else if (strcmp(key, "system") == 0) {
        m->system = value;
    } else if (strcmp(key, "cmdline") == 0) {
        m->cmdline = value;
    } else if (strcmp(key, "services") == 0) {
        if (r->has_count) {
            return fail(r, FTL_ERR_BAD_FORMAT, "second services line");
        }
        if (number_parse(value, UINT32_MAX, &n) < 0) {
            return fail(r, FTL_ERR_BAD_FORMAT, "malformed services count");
        }
        if (n > FTL_MANIFEST_SERVICES_MAX) {
            return fail(r, FTL_ERR_TOO_LARGE, "too many services");
        }
        r->declared = (unsigned)n;
        r->has_count = 1;
    } else if (strcmp(key, "service") == 0) {
        if (!r->has_count || m->service_count == r->declared) {
            return fail(r, FTL_ERR_BAD_FORMAT,
                        "more services than the services line says");
        }
        if (*value == '\0' || strchr(value, ' ') != NULL) {
            return fail(r, FTL_ERR_BAD_FORMAT, "expected one name");
        }
        r->svc = &m->services[m->service_count++];
        r->svc->name = value;
        r->have = 0;
    } else {
        return fail(r, FTL_ERR_BAD_FORMAT, "unknown key");
    }
    return 0;
}

// One line without its newline: comments and blank lines are skipped.
static int line_parse(struct reader *r, char *line)
{
    if (line[0] == '\0' || line[0] == '#') {
        return 0;
    }
    char *value = line;
    const char *key = word_next(&value);
    if (r->svc != NULL) {
        return service_line(r, key, value);
    }
    return system_line(r, key, value);
}

int ftl_manifest_parse(char *text, size_t len, struct ftl_manifest *m)
{
    memset(m, 0, sizeof(*m));
    m->system = "";
    m->cmdline = "";
    struct reader r = {.m = m};
    unsigned line_no = 0;
    size_t pos = 0;
    while (pos < len) {
        line_no++;
        m->error_line = line_no;
        char *line = text + pos;
        char *newline = memchr(line, '\n', len - pos);
        if (newline == NULL) {
            return fail(&r, FTL_ERR_BAD_FORMAT, "last line has no newline");
        }
        if ((size_t)(newline - line) > FTL_MANIFEST_LINE_MAX) {
            return fail(&r, FTL_ERR_TOO_LARGE, "line too long");
        }
        *newline = '\0';
        if (memchr(line, '\0', (size_t)(newline - line)) != NULL) {
            return fail(&r, FTL_ERR_BAD_FORMAT, "NUL byte in a line");
        }
        pos += (size_t)(newline - line) + 1;
        int err = line_parse(&r, line);
        if (err < 0) {
            return err;
        }
    }
    m->error_line = line_no + 1; // errors found at the end point past it
    if (!r.has_header) {
        return fail(&r, FTL_ERR_BAD_FORMAT, "expected `ftl-manifest 1` first");
    }
    if (r.svc != NULL) {
        return fail(&r, FTL_ERR_BAD_FORMAT, "last service has no end line");
    }
    if (!r.has_count || m->service_count != r.declared) {
        return fail(&r, FTL_ERR_BAD_FORMAT,
                    "fewer services than the services line says");
    }
    m->error_line = 0;
    return 0;
}

int ftl_manifest_provider(const struct ftl_manifest *m, const char *name)
{
    for (unsigned i = 0; i < m->service_count; i++) {
        if (strcmp(m->services[i].name, name) == 0) {
            return (int)i;
        }
    }
    for (unsigned i = 0; i < m->service_count; i++) {
        const struct ftl_manifest_service *svc = &m->services[i];
        for (unsigned j = 0; j < svc->provides_count; j++) {
            if (strcmp(svc->provides[j], name) == 0) {
                return (int)i;
            }
        }
    }
    return -1;
}

bool ftl_manifest_file_path_ok(const char *path)
{
    size_t len = strlen(path);
    if (len == 0 || len > FTL_MANIFEST_FILE_PATH_MAX) {
        return false;
    }
    const char *segment = path;
    for (const char *p = path;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t n = (size_t)(p - segment);
            if (n == 0 || (n == 1 && segment[0] == '.') ||
                (n == 2 && segment[0] == '.' && segment[1] == '.')) {
                return false;
            }
            if (*p == '\0') {
                return true;
            }
            segment = p + 1;
        } else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
                     *p == '-')) {
            return false;
        }
    }
}

const char *ftl_manifest_isolation_name(uint32_t isolation)
{
    switch (isolation) {
    case FTL_MANIFEST_ISOLATION_USER:
        return "user";
    case FTL_MANIFEST_ISOLATION_KERNEL:
        return "kernel";
    case FTL_MANIFEST_ISOLATION_WASM:
        return "wasm";
    }
    return "?";
}

uint32_t ftl_manifest_spawn_isolation(uint32_t isolation)
{
    switch (isolation) {
    case FTL_MANIFEST_ISOLATION_KERNEL:
        return FTL_ISOLATION_KERNEL;
    case FTL_MANIFEST_ISOLATION_WASM:
        return FTL_ISOLATION_WASM; // the kernel checks the program's note
    default:
        return FTL_ISOLATION_USER;
    }
}
