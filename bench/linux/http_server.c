// The Linux baseline's HTTP server: serves one file (the bytes of
// apps/http_server/public/index.html) with the same status line and headers
// as FTL's http_server, HTTP/1.1 keep-alive, on port 80. One thread, poll()
// over every connection, the usual shape of a small static C server.
// Built static by bench/linux/build.sh; run by init.sh with `ftl.http`.
#define _GNU_SOURCE // memmem, strcasestr
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECTIONS_MAX 1024
#define REQUEST_MAX 8192

static char response[16384];
static size_t response_len;

struct connection {
    char buf[REQUEST_MAX];
    size_t len;
};

static struct pollfd fds[CONNECTIONS_MAX];
static struct connection *conns[CONNECTIONS_MAX];
static int count;

static void load(const char *path)
{
    static char body[12288];
    FILE *f = fopen(path, "rb");
    size_t n = f != NULL ? fread(body, 1, sizeof(body), f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    int head = snprintf(response, sizeof(response),
                        "HTTP/1.1 200 OK\r\nServer: FTL\r\n"
                        "X-Content-Type-Options: nosniff\r\n"
                        "Content-Length: %zu\r\n"
                        "Content-Type: text/html; charset=utf-8\r\n"
                        "Connection: keep-alive\r\n\r\n",
                        n);
    memcpy(response + head, body, n);
    response_len = (size_t)head + n;
}

static void drop(int i)
{
    close(fds[i].fd);
    free(conns[i]);
    count--;
    fds[i] = fds[count];
    conns[i] = conns[count];
}

// Answers every complete request in the buffer; false to close.
static int serve(struct connection *c, int fd)
{
    char *end;
    while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4)) != NULL) {
        size_t head = (size_t)(end - c->buf) + 4;
        if (write(fd, response, response_len) != (ssize_t)response_len) {
            return 0;
        }
        c->buf[head - 1] = '\0';
        int close_after = strcasestr(c->buf, "connection: close") != NULL;
        memmove(c->buf, c->buf + head, c->len - head);
        c->len -= head;
        if (close_after) {
            return 0;
        }
    }
    return c->len < sizeof(c->buf);
}

int main(int argc, char **argv)
{
    load(argc > 1 ? argv[1] : "/www/index.html");
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(80)};
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(listener, 128) < 0) {
        perror("http_server");
        return 1;
    }
    fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
    count = 1;
    for (;;) {
        poll(fds, (nfds_t)count, -1);
        for (int i = count - 1; i >= 1; i--) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            struct connection *c = conns[i];
            ssize_t n = read(fds[i].fd, c->buf + c->len, sizeof(c->buf) - c->len);
            if (n <= 0) {
                drop(i);
                continue;
            }
            c->len += (size_t)n;
            if (!serve(c, fds[i].fd)) {
                drop(i);
            }
        }
        if ((fds[0].revents & POLLIN) && count < CONNECTIONS_MAX) {
            int fd = accept(listener, NULL, NULL);
            if (fd >= 0) {
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                fds[count] = (struct pollfd){.fd = fd, .events = POLLIN};
                conns[count] = calloc(1, sizeof(struct connection));
                count++;
            }
        }
    }
}
