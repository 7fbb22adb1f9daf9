#!/usr/bin/env python3
"""IPC in QEMU: the in-OS suite tests/os/ipc_test.c with its client and
servers in every pairing of isolation modes: user, kernel and wasm (the
WebAssembly builds ipc_test_wasm.elf, echo_server_wasm.elf and
lender_wasm.elf, tests/os/build.mk). Each pairing's in-OS summary is passed
through as os.ipc.CLIENT_SERVER."""

import sys

from testlib import run_suite
from inos import run_program


def pairing(client, server):
    def test():
        # A wasm client is the suite's wasm build, a kernel-mode program.
        program, mode = (("ipc_test_wasm", "kernel") if client == "wasm"
                         else ("ipc_test", client))
        run_program(program, "os.ipc", mode, arg=server,
                    report_as="os.ipc.%s_%s" % (client, server))
    test.__name__ = "ipc_with_%s_client_and_%s_servers" % (client, server)
    return test


TESTS = [pairing(c, s) for c, s in
         (("user", "user"), ("user", "kernel"), ("kernel", "kernel"),
          ("kernel", "user"), ("user", "wasm"), ("kernel", "wasm"),
          ("wasm", "user"), ("wasm", "kernel"), ("wasm", "wasm"))]

if __name__ == "__main__":
    sys.exit(run_suite("ipc", TESTS))
