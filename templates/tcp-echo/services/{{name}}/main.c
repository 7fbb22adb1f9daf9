// {{name}}: sends back whatever a TCP client sends, on port 7
// (docs/tutorials/tcp-service.md).
#include <ftl/tcp.h>

static void on_read(struct ftl_conn *conn, const void *data, long len,
                    void *arg)
{
    if (len <= 0) { // the client is done, or the connection broke
        ftl_conn_close(conn);
        return;
    }
    ftl_conn_write(conn, data, (size_t)len, NULL, NULL);
    ftl_conn_read(conn, 4096, on_read, arg);
}

static void on_accept(struct ftl_conn *conn, void *arg)
{
    ftl_conn_read(conn, 4096, on_read, arg);
}

int main(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    ftl_tcp_listen(loop, 7, on_accept, NULL);
    return ftl_loop_run(loop);
}
