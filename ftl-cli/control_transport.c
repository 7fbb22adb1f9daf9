// The control channel's transports (control_transport.h): a Unix socket,
// or gcloud's serial console relay as a child process. The relay's stderr
// goes to a file unlinked at once (nothing is left behind, even when
// Ctrl-C ends ftl) and is shown only when the channel fails, since ssh
// says "Pseudo-terminal will not be allocated" on every run.
#include "control_transport.h"

#include "exitcode.h"
#include "output.h"
#include "proc.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// gcloud starts Python, asks the Compute API for the instance, may add
// the user's SSH key to the project's metadata and wait for it to spread
// (up to a minute the first time), then connects; an H written meanwhile
// waits in the socket pair. H is sent again now and then in case the
// gateway dropped bytes that came before its connection to the port; a C
// is taken after a quiet spell, so that the answer to the last H wins
// over a stale one the gateway may replay from before.
#define RELAY_HELLO_TIMEOUT_S 90
#define RELAY_HELLO_RESEND_S 5
#define RELAY_HELLO_SETTLE_MS 2000
#define RELAY_STOP_WAIT_MS 2000
#define RELAY_LOG_MAX 4096 // of gcloud's stderr shown on a failure

char **control_relay_argv(const struct control_gce *g)
{
    static char *argv[8];
    int n = 0;
    argv[n++] = "gcloud";
    argv[n++] = "compute";
    argv[n++] = "connect-to-serial-port";
    argv[n++] = (char *)g->instance;
    argv[n++] = "--port=2";
    if (g->zone != NULL) {
        argv[n++] = str_printf("--zone=%s", g->zone);
    }
    if (g->project != NULL) {
        argv[n++] = str_printf("--project=%s", g->project);
    }
    argv[n] = NULL;
    return argv;
}

static int socket_connect(struct control_transport *tr, const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path)) {
        return out_error(EXIT_FAILED, "move the project to a shorter path",
                         "the control socket's path is over %zu bytes: %s",
                         sizeof(addr.sun_path) - 1, path);
    }
    strcpy(addr.sun_path, path);
    tr->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (tr->fd < 0) {
        return out_error(EXIT_FAILED, NULL, "socket: %s", strerror(errno));
    }
    if (connect(tr->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int why = errno;
        close(tr->fd);
        tr->fd = -1;
        if (why == ENOENT || why == ECONNREFUSED) {
            return out_error(EXIT_FAILED, "start one with `ftl run`",
                             "no running system (nothing listens on %s)", path);
        }
        return out_error(EXIT_FAILED, NULL, "cannot connect to %s: %s", path,
                         strerror(why));
    }
    return 0;
}

// A file for gcloud's stderr, already unlinked; its fd, or -1.
static int relay_log_create(void)
{
    const char *dir = getenv("TMPDIR");
    char *path = str_printf("%s/ftl-relay-XXXXXX",
                            dir != NULL && dir[0] != '\0' ? dir : "/tmp");
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0) {
        unlink(path);
    }
    return fd;
}

// In the child: the socket as stdin and stdout, the log as stderr. The
// relay gets SIGTERM when ftl ends, however it ends (a `timeout`, a kill):
// ssh would otherwise hold the gateway's connection to the port until the
// guest next wrote something.
static void relay_exec(char **argv, int sock, int log_fd, pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) {
        _exit(1);
    }
    dup2(sock, STDIN_FILENO);
    dup2(sock, STDOUT_FILENO);
    if (log_fd >= 0) {
        dup2(log_fd, STDERR_FILENO);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static int relay_start(struct control_transport *tr,
                       const struct control_gce *g)
{
    if (!proc_in_path("gcloud")) {
        return out_error(EXIT_ENV,
                         "install the Google Cloud CLI: "
                         "https://cloud.google.com/sdk/docs/install",
                         "gcloud is not in PATH");
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        return out_error(EXIT_FAILED, NULL, "socketpair: %s", strerror(errno));
    }
    char **argv = control_relay_argv(g);
    tr->relay_log_fd = relay_log_create();
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        relay_exec(argv, sv[1], tr->relay_log_fd, parent);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return out_error(EXIT_FAILED, NULL, "fork: %s", strerror(errno));
    }
    tr->fd = sv[0];
    tr->relay_pid = pid;
    out_step("RELAY", "%s", proc_describe(argv));
    return 0;
}

int control_transport_open(struct control_transport *tr,
                           const struct control_target *t)
{
    *tr =
        (struct control_transport){.fd = -1,
                                   .relay_log_fd = -1,
                                   .hello_timeout_s = CONTROL_HELLO_TIMEOUT_S};
    if (t->gce.instance == NULL) {
        tr->where = (char *)t->socket;
        return socket_connect(tr, t->socket);
    }
    tr->where = str_printf("serial port 2 of GCE instance %s", t->gce.instance);
    tr->hello_timeout_s = RELAY_HELLO_TIMEOUT_S;
    tr->hello_resend_s = RELAY_HELLO_RESEND_S;
    tr->hello_settle_ms = RELAY_HELLO_SETTLE_MS;
    return relay_start(tr, &t->gce);
}

// Waits up to ms for the relay to end; its status (as proc_run gives
// it), or -1 if it still runs.
static int relay_wait(struct control_transport *tr, int ms)
{
    for (int waited = 0;; waited += 20) {
        int wstatus;
        pid_t done = waitpid(tr->relay_pid, &wstatus, WNOHANG);
        if (done == tr->relay_pid) {
            tr->relay_pid = 0;
            return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
                                      : 128 + WTERMSIG(wstatus);
        }
        if (done < 0 || waited >= ms) {
            return -1;
        }
        usleep(20000);
    }
}

// Prints what gcloud wrote on stderr (its last RELAY_LOG_MAX bytes) but
// ssh's line about the pseudo-terminal, which is expected.
static void relay_log_print(const struct control_transport *tr)
{
    char text[RELAY_LOG_MAX + 1];
    off_t end =
        tr->relay_log_fd >= 0 ? lseek(tr->relay_log_fd, 0, SEEK_END) : -1;
    off_t from = end > RELAY_LOG_MAX ? end - RELAY_LOG_MAX : 0;
    ssize_t n =
        end > 0 ? pread(tr->relay_log_fd, text, RELAY_LOG_MAX, from) : 0;
    text[n > 0 ? n : 0] = '\0';
    for (char *line = text; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        if (strncmp(line, "Pseudo-terminal will not be allocated", 37) != 0) {
            fprintf(stderr, "%.*s\n", (int)len, line);
        }
        line += len + (line[len] == '\n');
    }
}

int control_transport_closed(struct control_transport *tr, const char *what)
{
    if (tr->relay_pid == 0) {
        return out_error(EXIT_FAILED, "the system may have stopped",
                         "the control channel closed while waiting for the %s",
                         what);
    }
    int status = relay_wait(tr, RELAY_STOP_WAIT_MS);
    relay_log_print(tr);
    if (status == 127) {
        return out_error(EXIT_ENV, "install the Google Cloud CLI",
                         "cannot run gcloud");
    }
    const char *hint = "gcloud's message is above; the instance needs the "
                       "metadata serial-port-enable=TRUE (`ftl deploy gce` "
                       "sets it) and your account the right to connect";
    if (status < 0) {
        return out_error(EXIT_FAILED, hint,
                         "gcloud compute connect-to-serial-port closed the "
                         "channel while waiting for the %s",
                         what);
    }
    return out_error(EXIT_FAILED, hint,
                     "gcloud compute connect-to-serial-port ended (status "
                     "%d) while waiting for the %s",
                     status, what);
}

void control_transport_close(struct control_transport *tr)
{
    if (tr->fd >= 0) {
        close(tr->fd);
    }
    tr->fd = -1;
    // gcloud passes SIGTERM on to its ssh; ssh also ends on the closed
    // socket as soon as it has something to read or write.
    if (tr->relay_pid > 0 && relay_wait(tr, 0) < 0) {
        kill(tr->relay_pid, SIGTERM);
        if (relay_wait(tr, RELAY_STOP_WAIT_MS) < 0) {
            kill(tr->relay_pid, SIGKILL);
            relay_wait(tr, RELAY_STOP_WAIT_MS);
        }
    }
    if (tr->relay_log_fd >= 0) {
        close(tr->relay_log_fd);
    }
    tr->relay_log_fd = -1;
}
