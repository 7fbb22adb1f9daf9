"""Tiny harness for integration tests: named test functions, each run on its
own, a failure or crash in one never stops the others, and the suite ends with
the `SUITE: N passed, N failed` line that tests/run-all.sh reads."""

import os
import socket
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))


def run_suite(suite, tests):
    """Runs tests (a list of functions) or the ones named on the command
    line; prints `ok NAME` or `FAIL NAME: why` for each."""
    selected = sys.argv[1:]
    if selected:
        unknown = set(selected) - {t.__name__ for t in tests}
        if unknown:
            sys.exit("unknown tests: %s" % ", ".join(sorted(unknown)))
        tests = [t for t in tests if t.__name__ in selected]
    passed = failed = 0
    for test in tests:
        try:
            test()
        except Exception as e:  # a test's failure is data, not a crash
            failed += 1
            print("FAIL %s: %s" % (test.__name__, e), flush=True)
            if not isinstance(e, AssertionError):
                traceback.print_exc()
        else:
            passed += 1
            print("ok   %s" % test.__name__, flush=True)
    print("%s: %d passed, %d failed" % (suite, passed, failed), flush=True)
    return 1 if failed else 0


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
