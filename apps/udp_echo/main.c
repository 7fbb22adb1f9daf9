// udp_echo: sends every UDP datagram that arrives on port 7 back to its
// sender. There is no SDK wrapper for UDP yet, so it speaks tcpip's socket
// protocol with the client helper (docs/concepts/networking.md): OPEN
// service/tcpip, OPEN udp-bind:7, then READ a datagram and WRITE it back
// (a bound socket writes to the sender of the datagram read last).
#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>

static struct ftl_loop *loop;
static struct ftl_client *tcpip, *sock;
static char datagram[1472];

static void on_read(const struct ftl_result *result, void *arg);

static void fail(const char *what, int error)
{
    FTL_LOG_ERROR("%s: %s", what, ftl_error_str(error));
    ftl_loop_stop(loop, 1);
}

static void read_next(void)
{
    int err =
        ftl_client_read(sock, 0, datagram, sizeof(datagram), on_read, NULL);
    if (err < 0) {
        fail("read", err);
    }
}

static void on_written(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        FTL_LOG_WARN("write: %s", ftl_error_str(result->error));
    }
    read_next();
}

static void on_read(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        fail("read", result->error);
        return;
    }
    int err =
        ftl_client_write(sock, 0, datagram, result->value, on_written, NULL);
    if (err < 0) {
        fail("write", err);
    }
}

static void on_socket(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        fail("udp-bind:7", result->error);
        return;
    }
    sock = ftl_client_create(loop, result->handle);
    read_next();
}

static void on_tcpip(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        fail("service/tcpip", result->error);
        return;
    }
    tcpip = ftl_client_create(loop, result->handle);
    ftl_client_open(tcpip, "udp-bind:7", on_socket, NULL);
}

int main(void)
{
    loop = ftl_loop_create();
    struct ftl_client *supervisor =
        ftl_client_create(loop, ftl_start_info->channel);
    ftl_client_open(supervisor, "service/tcpip", on_tcpip, NULL);
    return ftl_loop_run(loop);
}
