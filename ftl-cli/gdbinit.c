// The gdb script of `ftl run --gdb` (gdbinit.h).
#include "gdbinit.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "sdk.h"
#include "text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

unsigned gdb_port_pick(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return 0;
    }
    // Port 0: the kernel picks a free one, which we then give back.
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    unsigned port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
        port = ntohs(a.sin_port);
    }
    close(fd);
    return port;
}

// path as a Python string literal.
static char *py_quote(const char *path)
{
    char *q = str_printf("\"");
    for (const char *c = path; *c != '\0'; c++) {
        q = str_printf("%s%s%c", q, *c == '"' || *c == '\\' ? "\\" : "", *c);
    }
    return str_printf("%s\"", q);
}

// The unstripped twin of a program of the SDK's base/ (debug/base/ with
// the same path), the program itself when it is the project's own, or
// NULL when the SDK has no twin.
static char *unstripped(const char *program)
{
    const char *base = sdk_path("base");
    size_t n = strlen(base);
    if (strncmp(program, base, n) != 0 || program[n] != '/') {
        return (char *)program;
    }
    char *twin = sdk_path(str_printf("debug/base%s", program + n));
    return path_exists(twin) ? twin : NULL;
}

// The add_program lines: the supervisor and each service; the first
// user-mode project service (else the first user-mode service with
// symbols) in *user.
static char *programs_text(const struct image *img, const char **user)
{
    char *supervisor = unstripped(sdk_path("base/supervisor.elf"));
    char *text = supervisor != NULL
                     ? str_printf("ftl_gdb.add_program(\"supervisor\", %s, "
                                  "\"user\")\n",
                                  py_quote(supervisor))
                     : str_printf("# supervisor: no symbols (the SDK has no "
                                  "debug/base/supervisor.elf)\n");
    const char *first = NULL, *own = NULL;
    for (unsigned i = 0; i < img->manifest.service_count; i++) {
        const struct ftl_manifest_service *s = &img->manifest.services[i];
        char *path = unstripped(img->programs[i]);
        bool user = s->isolation == FTL_MANIFEST_ISOLATION_USER;
        if (path == NULL) {
            text = str_printf("%s# %s: no symbols (the SDK's copy is "
                              "stripped; unpack its -dbg tarball)\n",
                              text, s->name);
            continue;
        }
        text = str_printf("%sftl_gdb.add_program(\"%s\", %s, \"%s\")\n", text,
                          s->name, py_quote(path), user ? "user" : "kernel");
        if (user && first == NULL) {
            first = s->name;
        }
        // unstripped() returns a program of the project's own as it is.
        if (user && own == NULL && path == img->programs[i]) {
            own = s->name;
        }
    }
    *user = own != NULL ? own : first;
    return text;
}

int gdbinit_write(const struct image *img, unsigned port, const char *path)
{
    char *kernel = sdk_path("debug/base/ftl-kernel.elf");
    if (!path_exists(kernel)) {
        kernel = img->kernel;
        out_warn("the SDK has no unstripped kernel (debug/base/): gdb gets "
                 "its function names but no source lines; unpack the SDK's "
                 "-dbg tarball over it for those");
    }
    const char *user = NULL;
    char *programs = programs_text(img, &user);
    char *text = str_printf(
        "# Written by `ftl run --gdb` for the system %s: gdb -x %s\n"
        "# QEMU's gdb stub is on 127.0.0.1:%u. Commands: ftl-symbols [NAME],\n"
        "# $ftl_in(\"NAME\"), $ftl_process() (docs/guides/debugging.md).\n"
        "set pagination off\n"
        "file %s\n"
        "python\n"
        "import sys\n"
        "sys.dont_write_bytecode = True\n"
        "sys.path.insert(0, %s)\n"
        "import ftl_gdb\n"
        "ftl_gdb.init()\n"
        "%s"
        "end\n"
        "target remote 127.0.0.1:%u\n"
        "python ftl_gdb.LoadedBreakpoint()\n"
        "ftl-symbols\n"
        "%s%s%s",
        img->manifest.system, path, port, py_quote(kernel),
        py_quote(sdk_path("base")), programs, port,
        user != NULL ? "ftl-symbols " : "", user != NULL ? user : "",
        user != NULL ? "\n" : "");
    if (file_replace(path, text) < 0) {
        return out_error(EXIT_FAILED, NULL, "cannot write %s: %s", path,
                         strerror(errno));
    }
    return 0;
}
