#!/usr/bin/env python3
"""A routed JSON API on ftl/http.h, end to end: tests/net/http_api.yaml
boots virtio_net, tcpip and http_api (tests/net/http_api.c: items CRUD over
an in-memory store, a route that needs a JSON body, one that sums any body,
a streamed answer, static files with ETags, tight limits), and the host
talks to it only through a port forwarded from 127.0.0.1, with curl and raw
sockets. Every status code the library answers on its own is provoked:
200, 201, 204, 304, 400, 404, 405, 408, 413, 414, 417, 431, 501, 505 and
100 Continue; and keep-alive, pipelining, chunked bodies both ways, HEAD.

With FTL_HTTP_API_ISOLATION=wasm the same tests run against http_api
built as WebAssembly (tests/net/http_api_wasm.yaml), reported as
http_api.wasm.

Run under the QEMU lock: flock /tmp/ftl-qemu.lock python3 tests/qemu/...
One guest serves every test (booted by the first)."""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

from testlib import check, free_port, run_suite
from ftlqemu import BUILD, Guest, net_args

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
WASM = os.environ.get("FTL_HTTP_API_ISOLATION") == "wasm"
INITRD = os.path.join(BUILD, "systems",
                      "http_api_wasm.tar" if WASM else "http_api.tar")
READY_TIMEOUT_S = 60

# tests/net/http_api.c's api_limits.
LINE_MAX = 256
HEADER_MAX = 1024
HEADERS_MAX = 16
BODY_MAX = 4096
REQUEST_S = 2.0
IDLE_S = 5.0

HELLO_TXT = b"hello from the http_api test service\n"

guest = None  # booted by the first test
port = None


def boot():
    global guest, port
    if guest is not None:
        return
    port = free_port()
    g = Guest("http_api", dict(kernel=KERNEL, initrd=INITRD),
              extra=net_args([(port, 80)]))
    g.__enter__()
    guest = g
    guest.wait_for(rb"\[tcpip\] info: address=\d", READY_TIMEOUT_S)
    guest.wait_for(rb"\[tcpip\] info: listening on port 80\r?$",
                   READY_TIMEOUT_S)
    mode = "wasm" if WASM else "user"
    check("started http_api (%s mode)" % mode in guest.console(),
          "http_api did not start in %s mode" % mode)


def url(path):
    return "http://127.0.0.1:%d%s" % (port, path)


def curl(*args, ok=True):
    """curl's stdout and stderr; with ok, curl itself must succeed (an
    HTTP error status is still a success for curl)."""
    done = subprocess.run(["curl", "-sS", "--max-time", "20"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if ok:
        check(done.returncode == 0, "curl %s: %s" % (
            " ".join(args)[:200], done.stderr.decode()))
    return done.stdout.decode("utf-8", "replace"), done.stderr.decode()


def curl_status(*args):
    """(status, headers as {lower-case name: value}, body) of one request
    by curl; the headers are those of the final response."""
    with tempfile.NamedTemporaryFile() as heads:
        out, _ = curl("-D", heads.name, "-o", "-", *args)
        raw = open(heads.name, "rb").read().decode("latin-1")
    blocks = [b for b in raw.split("\r\n\r\n") if b.strip()]
    check(blocks, "no response head from curl %s" % " ".join(args))
    lines = blocks[-1].split("\r\n")
    m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0])
    check(m is not None, "status line %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(m.group(1)), headers, out


class Conn:
    """A raw connection to the guest, reading whole responses."""

    def __init__(self, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _more(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the server closed; had %r" % self.buf[:120])
        self.buf += chunk

    def _take(self, n):
        while len(self.buf) < n:
            self._more()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._more()
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def head(self):
        """The next response's (status, headers, raw head)."""
        while b"\r\n\r\n" not in self.buf:
            self._more()
        raw, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = raw.split(b"\r\n")
        m = re.match(rb"HTTP/1\.1 (\d{3}) ", lines[0])
        check(m is not None, "status line %r" % lines[0][:80])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode()] = value.strip().decode()
        return int(m.group(1)), headers, raw

    def response(self, head_request=False):
        """The next whole response: (status, headers, body, raw head);
        the body decoded from chunks when it was chunked."""
        status, headers, raw = self.head()
        if head_request or status in (204, 304) or status < 200:
            return status, headers, b"", raw
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    check(self._line() == b"", "no trailers expected")
                    return status, headers, body, raw
                body += self._take(size)
                check(self._take(2) == b"\r\n", "chunk not ended by CRLF")
        if "content-length" in headers:
            return status, headers, self._take(
                int(headers["content-length"])), raw
        while True:  # delimited by the close
            try:
                self._more()
            except EOFError:
                body, self.buf = self.buf, b""
                return status, headers, body, raw

    def closed(self, within=5):
        """True if the server closes the connection (nothing more comes)."""
        self.sock.settimeout(within)
        try:
            return self.sock.recv(1) == b"" and self.buf == b""
        except ConnectionResetError:
            return self.buf == b""
        except socket.timeout:
            return False


def exchange(data, **kw):
    """Sends data on a new connection; the first response."""
    with Conn() as c:
        c.send(data)
        return c.response(**kw)


def refused(data, status):
    """data alone on a connection is answered status with
    Connection: close, and the connection is then closed."""
    with Conn() as c:
        c.send(data)
        got, headers, body, raw = c.response()
        check(got == status, "%r: status %d, not %d: %r" % (
            data[:60], got, status, raw[:120]))
        check(headers.get("connection") == "close",
              "%r: no Connection: close in %r" % (data[:60], raw[:200]))
        check(c.closed(), "%r: the connection stayed open" % data[:60])
        return body


def req(method, path, body=b"", headers=()):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: t"] + list(headers)
    if body or method in ("POST", "PUT"):
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def post_item(fields):
    status, headers, body = curl_status(
        "-X", "POST", "-H", "Content-Type: application/json",
        "--data-binary", json.dumps(fields), url("/items"))
    check(status == 201, "create: %d %s" % (status, body))
    item = json.loads(body)
    return item, headers


# --- the routed API ----------------------------------------------------


def items_create_show_update_delete_with_curl():
    boot()
    item, headers = post_item({"name": "apple", "qty": 3})
    n = item["id"]
    check(item == {"name": "apple", "qty": 3, "id": n}, "created %r" % item)
    check(headers.get("location") == "/items/%d" % n,
          "Location %r" % headers.get("location"))
    check(headers.get("content-type") == "application/json",
          "type %r" % headers.get("content-type"))
    status, _, body = curl_status(url("/items/%d" % n))
    check(status == 200 and json.loads(body) == item, "show: %d %s" % (
        status, body))
    # Parameters are percent-decoded: %3N is the digit N.
    encoded = "".join("%%3%s" % d for d in str(n))
    status, _, body = curl_status(url("/items/" + encoded))
    check(status == 200 and json.loads(body) == item, "show %s: %d %s" % (
        encoded, status, body))
    status, _, body = curl_status(url("/items"))
    check(status == 200 and item in json.loads(body), "list: %s" % body)
    status, _, body = curl_status("-X", "PUT", "--data-binary",
                                  '{"name": "pear", "id": 99}',
                                  url("/items/%d" % n))
    check(status == 200 and json.loads(body) == {"name": "pear", "id": n},
          "update: %d %s" % (status, body))
    status, _, body = curl_status(url("/items/%d" % n))
    check(json.loads(body) == {"name": "pear", "id": n}, "after update %s" %
          body)
    status, headers, body = curl_status("-X", "DELETE", url("/items/%d" % n))
    check(status == 204 and body == "", "delete: %d %r" % (status, body))
    check("content-length" not in headers, "204 with a length: %r" % headers)
    status, _, body = curl_status(url("/items/%d" % n))
    check(status == 404 and json.loads(body) == {"error": "no such item"},
          "show after delete: %d %s" % (status, body))
    status, _, _ = curl_status("-X", "DELETE", url("/items/%d" % n))
    check(status == 404, "delete twice: %d" % status)
    status, _, body = curl_status(url("/items"))
    check(item not in json.loads(body) and
          all(i["id"] != n for i in json.loads(body)), "list: %s" % body)


def list_holds_every_item_created():
    boot()
    made = [post_item({"name": "n%d" % i})[0] for i in range(3)]
    status, _, body = curl_status(url("/items"))
    listed = json.loads(body)
    check(status == 200 and all(m in listed for m in made),
          "list %s lacks some of %s" % (body, made))
    ids = [m["id"] for m in made]
    check(ids == sorted(set(ids)), "ids not increasing: %s" % ids)
    for m in made:
        curl_status("-X", "DELETE", url("/items/%d" % m["id"]))


def unknown_path_and_item_are_404():
    boot()
    status, _, body = curl_status(url("/no/such/path"))
    check(status == 404 and body == "Not Found\n", "path: %d %r" % (
        status, body))
    status, _, body = curl_status(url("/items/x"))
    check(status == 404 and "no such item" in body, "bad id: %d %r" % (
        status, body))
    status, _, _ = curl_status(url("/items/1/more"))
    check(status == 404, "longer path: %d" % status)


def wrong_method_is_405_with_allow():
    boot()
    status, headers, _ = curl_status("-X", "PATCH", url("/items"))
    check(status == 405, "PATCH /items: %d" % status)
    check(headers.get("allow") == "GET, HEAD, POST",
          "Allow %r" % headers.get("allow"))
    status, headers, _ = curl_status("-X", "POST", url("/items/3"))
    check(status == 405 and headers.get("allow") == "GET, HEAD, PUT, DELETE",
          "POST /items/3: %d, Allow %r" % (status, headers.get("allow")))
    status, headers, _ = curl_status(url("/echo"))
    check(status == 405 and headers.get("allow") == "POST",
          "GET /echo: %d, Allow %r" % (status, headers.get("allow")))


def options_is_204_with_allow():
    boot()
    status, headers, body = curl_status("-X", "OPTIONS", url("/items/1"))
    check(status == 204 and body == "", "OPTIONS: %d %r" % (status, body))
    check(headers.get("allow") == "GET, HEAD, PUT, DELETE, OPTIONS",
          "Allow %r" % headers.get("allow"))
    status, _, _ = curl_status("-X", "OPTIONS", url("/nothing"))
    check(status == 404, "OPTIONS on no route: %d" % status)


def request_ids_are_kept_or_made():
    boot()
    _, headers, _ = curl_status("-H", "X-Request-Id: trace-42",
                                url("/items"))
    check(headers.get("x-request-id") == "trace-42", "kept: %r" % headers)
    _, one, _ = curl_status(url("/items"))
    _, two, _ = curl_status(url("/items"))
    check(one.get("x-request-id") and two.get("x-request-id") and
          one["x-request-id"] != two["x-request-id"],
          "made: %r %r" % (one.get("x-request-id"), two.get("x-request-id")))


# --- JSON bodies ---------------------------------------------------------


def json_body_is_parsed():
    boot()
    value = {"a": [1, 2, {"b": None}], "s": "caf\u00e9 \u2603"}
    text = json.dumps(value)
    status, _, body = curl_status("--data-binary", text, url("/echo"))
    check(status == 200, "echo: %d %s" % (status, body))
    got = json.loads(body)
    check(got == {"json": value, "bytes": len(text.encode())},
          "echo %r" % got)
    # White space may follow the value (a file with its last newline).
    status, _, body = curl_status("--data-binary", "[true]\r\n \t",
                                  url("/echo"))
    check(status == 200 and json.loads(body) == {"json": [True], "bytes": 10},
          "trailing white space: %d %s" % (status, body))


def malformed_json_body_is_400():
    boot()
    for data, why in (("{\"a\": 1", "the body is not well-formed JSON"),
                      ("not json", "the body is not well-formed JSON"),
                      ("{\"a\": 1} x", "the body is not well-formed JSON"),
                      ("", "a JSON body is required")):
        status, headers, body = curl_status("-X", "POST", "--data-binary",
                                            data, url("/echo"))
        check(status == 400, "%r: status %d" % (data, status))
        check(headers.get("content-type") == "application/json" and
              json.loads(body) == {"error": why}, "%r: %r" % (data, body))
    status, _, body = curl_status("--data-binary", "[1, 2]", url("/items"))
    check(status == 400 and json.loads(body) == {
        "error": "an item is a JSON object"}, "array item: %d %s" % (
            status, body))
    # A 400 from the app, unlike the library's, keeps the connection.
    with Conn() as c:
        c.send(req("POST", "/echo", b"{") + req("GET", "/items"))
        first = c.response()
        second = c.response()
        check(first[0] == 400 and second[0] == 200,
              "statuses %d, %d" % (first[0], second[0]))


# --- the library's refusals ----------------------------------------------


def malformed_request_is_400():
    boot()
    refused(b"GET /items HTTP/1.1\r\nHost t\r\n\r\n", 400)  # no colon
    refused(b"GET /items HTTP/1.1\r\nHost: t\r\nContent-Length: x1\r\n\r\n",
            400)
    refused(b"POST /upload HTTP/1.1\r\nHost: t\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400)
    refused(b"GET /items HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
            b"Content-Length: 2\r\n\r\nab", 400)
    # Both framings at once: the way to smuggle a request past a proxy.
    refused(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)


def slow_head_is_408():
    boot()
    for data in (b"GET /items HTTP/1.1\r\nHost: t",  # half a head
                 req("POST", "/upload", b"x" * 100)[:-50]):  # half a body
        with Conn(timeout=20) as c:
            started = time.monotonic()
            c.send(data)
            status, headers, _, _ = c.response()
            took = time.monotonic() - started
            check(status == 408, "%r: status %d" % (data[-20:], status))
            check(REQUEST_S - 0.2 <= took < REQUEST_S + 1.5,
                  "%r: 408 after %.2f s, the limit is %.1f s" % (
                      data[-20:], took, REQUEST_S))
            check(c.closed(), "the connection stayed open after 408")
    # Sent slowly but within the time-out, a request is answered.
    with Conn() as c:
        for piece in (b"GET /items HTTP/1.1\r\n", b"Host: t\r\n", b"\r\n"):
            c.send(piece)
            time.sleep(0.3)
        check(c.response()[0] == 200, "a slow but timely request")


def body_over_limit_is_413():
    boot()
    # Announced too large: refused before the body.
    refused(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n"
            % (BODY_MAX + 1), 413)
    # Chunked, found too large as the chunks come.
    chunks = b"".join(b"400\r\n" + b"c" * 1024 + b"\r\n" for _ in range(5))
    refused(b"POST /upload HTTP/1.1\r\nHost: t\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n", 413)
    # With curl; and BODY_MAX exactly is accepted.
    status, _, body = curl_status("--data-binary", "x" * (BODY_MAX + 1),
                                  url("/upload"))
    check(status == 413, "curl, %d bytes: %d" % (BODY_MAX + 1, status))
    status, _, body = curl_status("--data-binary", "x" * BODY_MAX,
                                  url("/upload"))
    check(status == 200 and json.loads(body)["bytes"] == BODY_MAX,
          "%d bytes: %d %s" % (BODY_MAX, status, body))


def long_target_is_414():
    boot()
    path = "/items/" + "9" * (LINE_MAX - len("/items/") + 1)
    refused(req("GET", path), 414)
    status, _, _ = curl_status(url(path))
    check(status == 414, "curl: %d" % status)
    # A target of LINE_MAX bytes is routed (404: no such item).
    path = "/items/" + "9" * (LINE_MAX - len("/items/"))
    status, _, body = curl_status(url(path))
    check(status == 404 and "no such item" in body, "at the limit: %d %s" % (
        status, body))


def large_or_many_headers_are_431():
    boot()
    refused(req("GET", "/items", headers=["X-Pad: " + "p" * HEADER_MAX]), 431)
    refused(req("GET", "/items",
                headers=["X-H%d: v" % i for i in range(HEADERS_MAX + 1)]),
            431)
    status, _, _ = curl_status("-H", "X-Pad: " + "p" * HEADER_MAX,
                               url("/items"))
    check(status == 431, "curl: %d" % status)
    # Just under both limits: answered.
    status = exchange(req("GET", "/items", headers=[
        "X-H%d: v" % i for i in range(HEADERS_MAX - 1)]))[0]
    check(status == 200, "%d headers: %d" % (HEADERS_MAX, status))
    status = exchange(req("GET", "/items", headers=[
        "X-Pad: " + "p" * (HEADER_MAX - 40)]))[0]
    check(status == 200, "a header under the limit: %d" % status)


def bad_expect_is_417():
    boot()
    refused(req("POST", "/upload", headers=["Expect: 200-ok"]), 417)
    status, _, _ = curl_status("-H", "Expect: teapot", "--data-binary", "x",
                               url("/upload"))
    check(status == 417, "curl: %d" % status)


def unknown_method_is_501():
    boot()
    status, _, _ = curl_status("-X", "BREW", url("/items"))
    check(status == 501, "curl -X BREW: %d" % status)
    refused(b"FROB /items HTTP/1.1\r\nHost: t\r\n\r\n", 501)


def http2_request_line_is_505():
    boot()
    refused(b"GET /items HTTP/2.0\r\nHost: t\r\n\r\n", 505)
    refused(b"GET /items HTTP/3.1\r\nHost: t\r\n\r\n", 505)
    status, headers, _, _ = exchange(b"GET /items HTTP/1.0\r\n\r\n")
    check(status == 200 and headers.get("connection") == "close",
          "HTTP/1.0: %d %r" % (status, headers))


# --- 100-continue, keep-alive, pipelining, chunked, HEAD -----------------


def expect_100_continue_with_curl():
    boot()
    data = bytes((i * 7) % 251 for i in range(3000))
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        started = time.monotonic()
        # curl waits 10 s for the 100 before sending the body anyway: the
        # answer within a few seconds says the 100 came.
        out, err = curl("-v", "-H", "Expect: 100-continue",
                        "--expect100-timeout", "10", "--data-binary",
                        "@" + f.name, url("/upload"))
        took = time.monotonic() - started
    check("> Expect: 100-continue" in err, "curl did not ask: %s" % err)
    check("< HTTP/1.1 100 Continue" in err, "no 100 Continue: %s" % err)
    check(took < 5, "answered after %.1f s" % took)
    check(json.loads(out) == {"bytes": len(data), "sum": sum(data)},
          "upload %s" % out)
    # Too large: 413 instead of the 100, before the body is sent.
    out, err = curl("-v", "-H", "Expect: 100-continue", "--data-binary",
                    "y" * (BODY_MAX + 1), url("/upload"))
    check("< HTTP/1.1 413 " in err and "100 Continue" not in err,
          "oversized with Expect: %s" % err)


def expect_100_continue_raw():
    boot()
    with Conn() as c:
        c.send(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
               b"Expect: 100-continue\r\n\r\n")
        status, _, raw = c.head()  # times out unless the 100 comes
        check(status == 100 and raw == b"HTTP/1.1 100 Continue",
              "interim %r" % raw)
        c.send(b"hello")
        status, _, body, _ = c.response()
        check(status == 200 and json.loads(body) == {
            "bytes": 5, "sum": sum(b"hello")}, "%d %r" % (status, body))
        # No body, no 100; and an HTTP/1.0 client gets none.
        c.send(b"GET /items HTTP/1.1\r\nHost: t\r\n"
               b"Expect: 100-continue\r\n\r\n")
        status, _, _, raw = c.response()
        check(status == 200, "Expect without a body: %r" % raw)
    with Conn() as c:
        c.send(b"POST /upload HTTP/1.0\r\nContent-Length: 2\r\n"
               b"Expect: 100-continue\r\n\r\nab")
        status, _, body, _ = c.response()
        check(status == 200 and json.loads(body)["bytes"] == 2,
              "HTTP/1.0 with Expect: %d %r" % (status, body))


def keep_alive_reuses_the_connection():
    boot()
    _, err = curl("-v", "-o", "/dev/null", "-o", "/dev/null", "-o",
                  "/dev/null", url("/items"), url("/static/hello.txt"),
                  url("/items/1"))
    reused = err.count("Re-using existing connection") + \
        err.count("Reusing existing connection")
    check(reused == 2, "curl reused the connection %d times of 2" % reused)
    check(err.count("Connected to") == 1, "curl connected %d times" %
          err.count("Connected to"))
    with Conn() as c:
        for i in range(20):
            c.send(req("GET", "/static/hello.txt"))
            status, headers, body, _ = c.response()
            check(status == 200 and body == HELLO_TXT and
                  "connection" not in headers, "request %d: %d %r" % (
                      i, status, headers))
        c.send(req("GET", "/items", headers=["Connection: close"]))
        status, headers, _, _ = c.response()
        check(status == 200 and headers.get("connection") == "close",
              "Connection: close asked: %r" % headers)
        check(c.closed(), "closed after Connection: close")
    # HTTP/1.0 keeps the connection only when asked, and says so.
    with Conn() as c:
        for _ in range(2):
            c.send(b"GET /items HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            status, headers, _, _ = c.response()
            check(status == 200 and headers.get("connection") ==
                  "keep-alive", "HTTP/1.0 keep-alive: %r" % headers)


def pipelined_requests_are_answered_in_order():
    boot()
    item = json.dumps({"name": "piped"}).encode()
    burst = (req("POST", "/items", item) +
             req("GET", "/stream/3") +  # answered from a timer, later
             req("GET", "/static/hello.txt") +
             req("POST", "/echo", b"[1,2,3]") +
             req("HEAD", "/static/hello.txt") +
             req("DELETE", "/items/0") +
             req("GET", "/items", headers=["Connection: close"]))
    with Conn() as c:
        c.send(burst)
        got = [c.response() for _ in range(4)] + \
            [c.response(head_request=True)] + [c.response() for _ in range(2)]
        statuses = [r[0] for r in got]
        check(statuses == [201, 200, 200, 200, 200, 404, 200],
              "statuses %s" % statuses)
        created = json.loads(got[0][2])
        check(created["name"] == "piped", "created %r" % created)
        check(got[1][2] == b"chunk 1 of 3\nchunk 2 of 3\nchunk 3 of 3\n",
              "stream %r" % got[1][2])
        check(got[2][2] == HELLO_TXT, "file %r" % got[2][2])
        check(json.loads(got[3][2]) == {"json": [1, 2, 3], "bytes": 7},
              "echo %r" % got[3][2])
        check(created in json.loads(got[6][2]), "list %r" % got[6][2])
        check(c.closed(), "closed after the last")
    curl_status("-X", "DELETE", url("/items/%d" % created["id"]))
    # A client that half-closes after its requests still gets every answer.
    with Conn() as c:
        c.send(req("GET", "/stream/2") + req("GET", "/static/hello.txt"))
        c.sock.shutdown(socket.SHUT_WR)
        first, second = c.response(), c.response()
        check(first[2] == b"chunk 1 of 2\nchunk 2 of 2\n" and
              second[2] == HELLO_TXT, "after a half-close: %r, %r" % (
                  first[2], second[2]))
        check(c.closed(), "closed after the answers")


def chunked_request_body():
    boot()
    data = bytes((i * 13) % 256 for i in range(3500))
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        out, err = curl("-v", "-H", "Transfer-Encoding: chunked",
                        "--data-binary", "@" + f.name, url("/upload"))
    check("> Transfer-Encoding: chunked" in err, "curl did not chunk: %s" %
          err)
    check(json.loads(out) == {"bytes": len(data), "sum": sum(data)},
          "upload %s" % out)
    # JSON split over chunks of every size, with an extension and a
    # trailer, on one connection.
    text = json.dumps({"name": "chunked", "tags": ["a", "b"]}).encode()
    with Conn() as c:
        for size in (1, 2, 5, len(text)):
            pieces = [text[i:i + size] for i in range(0, len(text), size)]
            body = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p)
                            for p in pieces) + b"0\r\nX-Trailer: t\r\n\r\n"
            c.send(b"POST /echo HTTP/1.1\r\nHost: t\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n" + body)
            status, _, got, _ = c.response()
            check(status == 200 and json.loads(got) == {
                "json": json.loads(text), "bytes": len(text)},
                "chunks of %d: %d %r" % (size, status, got))


def chunked_response_is_streamed():
    boot()
    out, _ = curl("--raw", "-i", url("/stream/5"))
    head, _, body = out.partition("\r\n\r\n")
    check("Transfer-Encoding: chunked" in head and
          "Content-Length" not in head, "head %r" % head)
    expected = "".join("d\r\nchunk %d of 5\n\r\n" % i for i in range(1, 6))
    check(body == expected + "0\r\n\r\n", "raw body %r" % body)
    out, _ = curl(url("/stream/12"))
    check(out == "".join("chunk %d of 12\n" % i for i in range(1, 13)),
          "decoded %r" % out)
    # The pieces come over time, one each 20 ms.
    with Conn() as c:
        started = time.monotonic()
        c.send(req("GET", "/stream/10"))
        status, headers, body, _ = c.response()
        took = time.monotonic() - started
        check(status == 200 and body.count(b"chunk") == 10, "%r" % body)
        check(took >= 0.18, "10 pieces 20 ms apart came in %.3f s" % took)
    # To an HTTP/1.0 client, the close ends the body.
    with Conn() as c:
        c.send(b"GET /stream/2 HTTP/1.0\r\n\r\n")
        status, headers, body, _ = c.response()
        check("transfer-encoding" not in headers and
              headers.get("connection") == "close" and
              body == b"chunk 1 of 2\nchunk 2 of 2\n",
              "HTTP/1.0 stream: %r %r" % (headers, body))


def a_client_leaving_mid_stream_stops_the_stream():
    boot()
    # 50 pieces, one each 20 ms; the client leaves after the first.
    with Conn() as c:
        c.send(req("GET", "/stream/50", headers=["X-Request-Id: leaver"]))
        while b"chunk 1 of 50" not in c.buf:
            c._more()
    # The next write after tcpip saw the client's RST fails: the streamer
    # ends, and the access log says status 0 (a client that left).
    line = re.compile(r"GET /stream/50 (\d+) (\d+)B [\d.]+ms id=leaver")
    deadline = time.monotonic() + 5
    while not line.search(guest.console()) and time.monotonic() < deadline:
        time.sleep(0.1)
    m = line.search(guest.console())
    check(m is not None, "no log line of the stream within 5 s")
    status, sent = int(m.group(1)), int(m.group(2))
    check(status == 0, "logged as status %d" % status)
    check(sent < 50 * len(b"chunk 1 of 50\n"), "streamed %d bytes" % sent)
    check(curl_status(url("/items"))[0] == 200, "served after it")


def head_has_the_headers_and_no_body():
    boot()
    out, _ = curl("-I", url("/static/hello.txt"))
    check(out.startswith("HTTP/1.1 200 OK"), "status: %r" % out[:40])
    check("Content-Length: %d\r\n" % len(HELLO_TXT) in out, "length %r" % out)
    check("ETag: \"" in out, "ETag %r" % out)
    item, _ = post_item({"name": "headed"})
    _, _, get_body = curl_status(url("/items/%d" % item["id"]))
    with Conn() as c:
        c.send(req("HEAD", "/items/%d" % item["id"]) +
               req("GET", "/static/hello.txt"))
        status, headers, _, _ = c.response(head_request=True)
        check(status == 200 and headers.get("content-length") ==
              str(len(get_body.encode())), "HEAD item %r" % headers)
        # Had the HEAD carried a body, it would precede this status line.
        status, _, body, _ = c.response()
        check(status == 200 and body == HELLO_TXT, "next %d %r" % (
            status, body))
    curl_status("-X", "DELETE", url("/items/%d" % item["id"]))
    # HEAD of a streamed answer: its head alone, and the connection goes on.
    with Conn() as c:
        c.send(req("HEAD", "/stream/3") + req("GET", "/static/hello.txt"))
        status, headers, _, raw = c.response(head_request=True)
        check(status == 200 and "content-length" not in headers,
              "HEAD stream: %r" % raw)
        status, _, body, raw = c.response()
        check(status == 200 and body == HELLO_TXT, "after it: %r" % raw)


def idle_connection_is_closed_quietly():
    boot()
    with Conn(timeout=20) as c:
        c.send(req("GET", "/items"))
        check(c.response()[0] == 200, "first request")
        started = time.monotonic()
        check(c.closed(within=IDLE_S + 3), "open %.1f s after the answer" %
              (time.monotonic() - started))
        took = time.monotonic() - started
        check(IDLE_S - 0.3 <= took, "closed after %.2f s of %.1f s" % (
            took, IDLE_S))


def file_etag_answers_304():
    boot()
    status, headers, body = curl_status(url("/static/hello.txt"))
    etag = headers.get("etag", "")
    check(status == 200 and body == HELLO_TXT.decode() and
          headers.get("content-type") == "text/plain; charset=utf-8",
          "GET: %d %r %r" % (status, headers, body))
    check(re.match(r'^"[0-9a-f]{16}"$', etag), "ETag %r" % etag)
    status, headers, body = curl_status("-H", "If-None-Match: " + etag,
                                        url("/static/hello.txt"))
    check(status == 304 and body == "" and headers.get("etag") == etag,
          "revalidation: %d %r" % (status, body))
    status, _, body = curl_status("-H", 'If-None-Match: "0000000000000000"',
                                  url("/static/hello.txt"))
    check(status == 200 and body == HELLO_TXT.decode(), "stale: %d" % status)
    _, other, _ = curl_status(url("/static/"))
    check(other.get("etag") not in (None, etag), "index ETag %r" % other)
    status, _, _ = curl_status(url("/static/none.txt"))
    check(status == 404, "unknown file: %d" % status)


def service_survived_every_request():
    boot()
    status, _, _ = curl_status(url("/items"))
    check(status == 200, "after the suite: %d" % status)
    console = guest.console()
    for bad in ("http_api was killed", "http_api exited", "panic"):
        check(bad not in console, "console: %r" % bad)


TESTS = [items_create_show_update_delete_with_curl,
         list_holds_every_item_created,
         unknown_path_and_item_are_404,
         wrong_method_is_405_with_allow,
         options_is_204_with_allow,
         request_ids_are_kept_or_made,
         json_body_is_parsed,
         malformed_json_body_is_400,
         malformed_request_is_400,
         slow_head_is_408,
         body_over_limit_is_413,
         long_target_is_414,
         large_or_many_headers_are_431,
         bad_expect_is_417,
         unknown_method_is_501,
         http2_request_line_is_505,
         expect_100_continue_with_curl,
         expect_100_continue_raw,
         keep_alive_reuses_the_connection,
         pipelined_requests_are_answered_in_order,
         chunked_request_body,
         chunked_response_is_streamed,
         a_client_leaving_mid_stream_stops_the_stream,
         head_has_the_headers_and_no_body,
         file_etag_answers_304,
         idle_connection_is_closed_quietly,
         service_survived_every_request]

if __name__ == "__main__":
    try:
        status = run_suite("http_api.wasm" if WASM else "http_api", TESTS)
    finally:
        if guest is not None:
            guest.__exit__(None, None, None)
    sys.exit(status)
