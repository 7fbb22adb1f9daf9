#!/usr/bin/env python3
"""The HTTP client of libftl (ftl/http_client.h, docs/sdk/http-client.md)
inside the OS: the system tests/net/http_client.yaml runs http_server (on
80, and 443 through tls) and http_fetch (tests/net/http_fetch.c), which
calls it over the loopback interface: GET /status and /style.css, a 404,
HEAD, a closed port, HTTPS through tls, a connect that nobody answers
(ended by the call's deadline), 16 requests at once and 100 one after
the other (their mean time printed as a bench: line); it prints a line
per outcome and counts its callbacks. The host only reads the console."""

import os
import re
import sys

from testlib import check, run_suite
from ftlqemu import BUILD, ENTROPY, Guest, net_args

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
DONE_TIMEOUT_S = 90
WWW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "apps", "http_server", "public")

outcomes = None  # "METHOD URL" -> what follows "->", from one boot
console = ""


def boot_once():
    """Boots the system once for all the tests, and reads http_fetch's
    lines."""
    global outcomes, console
    if outcomes is not None:
        return
    outcomes = {}
    initrd = os.path.join(BUILD, "systems", "http_client.tar")
    with Guest("http_client", dict(kernel=KERNEL, initrd=initrd),
               extra=ENTROPY + net_args([])) as guest:
        try:
            guest.wait_for(rb"http_fetch: (done|the server never)[^\r\n]*\r?\n",
                           DONE_TIMEOUT_S)
        finally:
            console = guest.console()
    for line in console.splitlines():
        match = re.search(r"http_fetch: (\S+ \S+) -> (.*)$", line.strip())
        if "http_fetch: " in line:
            print("  " + line.strip(), flush=True)
        if match:
            outcomes[match.group(1)] = match.group(2)


def outcome(request):
    boot_once()
    check(request in outcomes, "no line for %s; console:\n%s" %
          (request, console[-3000:]))
    return outcomes[request]


def fields(text):
    """'200 type=text/css bytes=10 length=10' -> (200, {...})"""
    check(re.match(r"\d{3} ", text) is not None, "not a reply: %s" % text)
    parts = text.split()
    return int(parts[0]), dict(p.split("=", 1) for p in parts[1:])


def get_status_is_200_json():
    status, f = fields(outcome("GET http://127.0.0.1/status"))
    check(status == 200, "status %d" % status)
    check(f["type"].startswith("application/json"), f)
    check(int(f["bytes"]) > 0, f)
    check(f["length"] in ("-", f["bytes"]), "length %s" % f)


def get_style_css_is_the_file():
    status, f = fields(outcome("GET http://127.0.0.1/style.css"))
    size = os.path.getsize(os.path.join(WWW, "style.css"))
    check(status == 200, "status %d" % status)
    check(f["type"].startswith("text/css"), f)
    check(int(f["bytes"]) == size, "%s bytes, the file has %d" %
          (f["bytes"], size))


def unknown_path_is_404():
    status, _ = fields(outcome("GET http://127.0.0.1/no/such/page"))
    check(status == 404, "status %d" % status)


def head_has_a_length_and_no_body():
    status, f = fields(outcome("HEAD http://127.0.0.1/"))
    check(status == 200, "status %d" % status)
    check(f["bytes"] == "0", f)
    check(int(f["length"]) == os.path.getsize(os.path.join(WWW,
                                                           "index.html")), f)


def closed_port_is_refused():
    got = outcome("GET http://127.0.0.1:81/")
    check(got == "error: input/output error", got)


def https_goes_through_tls():
    status, f = fields(outcome("GET https://127.0.0.1/"))
    check(status == 200, "status %d" % status)
    check(f["type"].startswith("text/html"), f)


def unanswered_connect_times_out():
    got = outcome("GET http://10.0.2.99/")
    check(got == "error: timed out", got)


def concurrent_requests_all_succeed():
    got = outcome("16 concurrent")
    check(got == "16 ok", got)


def sequential_requests_all_succeed():
    got = outcome("100 sequential")
    match = re.match(r"(\d+) ok in (\d+) us$", got)
    check(match is not None and match.group(1) == "100", got)
    print("bench: http_client.loopback_get_us %d us" %
          (int(match.group(2)) // 100), flush=True)


def every_request_got_exactly_one_callback():
    boot_once()
    match = re.search(r"http_fetch: done: (\d+) requests, (\d+) callbacks, "
                      r"(\d+) twice", console)
    check(match is not None, "no done line; console:\n%s" % console[-3000:])
    requests, callbacks, twice = map(int, match.groups())
    check(requests == 123 and callbacks == 123 and twice == 0, match.group(0))
    check("panic" not in console.lower() and "killed" not in console,
          "a crash on the console")


TESTS = [get_status_is_200_json, get_style_css_is_the_file,
         unknown_path_is_404, head_has_a_length_and_no_body,
         closed_port_is_refused, https_goes_through_tls,
         unanswered_connect_times_out, concurrent_requests_all_succeed,
         sequential_requests_all_succeed,
         every_request_got_exactly_one_callback]

if __name__ == "__main__":
    sys.exit(run_suite("http_client", TESTS))
