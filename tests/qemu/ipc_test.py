#!/usr/bin/env python3
"""IPC in QEMU: the in-OS suite tests/os/ipc_test.c with its client and
servers in every pairing of isolation modes (user-user, user-kernel,
kernel-kernel, kernel-user). Each pairing's in-OS summary is passed
through as os.ipc.CLIENT_SERVER."""

import sys

from testlib import run_suite
from inos import run_program


def pairing(client, server):
    def test():
        run_program("ipc_test", "os.ipc", client, arg=server,
                    report_as="os.ipc.%s_%s" % (client, server))
    test.__name__ = "ipc_with_%s_client_and_%s_servers" % (client, server)
    return test


TESTS = [pairing(c, s) for c, s in
         (("user", "user"), ("user", "kernel"), ("kernel", "kernel"),
          ("kernel", "user"))]

if __name__ == "__main__":
    sys.exit(run_suite("ipc", TESTS))
