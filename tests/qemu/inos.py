"""Running an in-OS test program as the first process and reporting what it
printed. The program prints `ok NAME` / `FAIL NAME` lines and a summary
`SUITE: N passed, N failed`; they are passed through (the summary renamed
with the modes), so tests/run-all.sh counts every in-OS test."""

import os
import re

from testlib import check
from ftlqemu import BUILD, Guest

KERNEL = os.path.join(BUILD, "ftl-kernel.elf")
TEST_INITFS = os.path.join(BUILD, "test-initfs.tar")
SUITE_TIMEOUT_S = 240


def run_program(program, suite, mode, arg=None, report_as=None, extra=()):
    """Boots `program`.elf in `mode` (user or kernel) with an optional
    argument and extra QEMU arguments (devices); returns the console. Fails
    unless the suite passed."""
    append = "ftl.test ftl.init=%s.elf ftl.init_mode=%s" % (program, mode)
    if arg:
        append += " ftl.init_arg=%s" % arg
    prefix = "[%s] " % program
    summary = re.compile(rb"^%s%s: (\d+) passed, (\d+) failed\r?$" %
                         (re.escape(prefix.encode()), re.escape(suite.encode())),
                         re.M)
    name = report_as or "%s.%s" % (suite, mode)
    with Guest(name.replace(".", "_"),
               dict(kernel=KERNEL, initrd=TEST_INITFS, append=append),
               extra=extra) as g:
        try:
            match = g.wait_for(summary.pattern, SUITE_TIMEOUT_S)
            status = g.wait_exit(30)
        finally:
            for line in g.console().splitlines():
                body = line[len(prefix):]
                if line.startswith(prefix) and \
                        body.startswith(("ok", "FAIL", "  ")):
                    print("  " + body)
        passed, failed = int(match.group(1)), int(match.group(2))
        print("%s: %d passed, %d failed" % (name, passed, failed))
        check(status == (1 if failed else 0),
              "%s exit status %d with %d failures" % (program, status, failed))
        check(passed > 0, "no in-OS test ran")
        return g.console()
