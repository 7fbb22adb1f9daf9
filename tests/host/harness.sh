# Shared by the shell test suites (tests/host/spec_test.sh,
# tests/cli/cli_test.sh): counting results and running a command with its
# output captured. Source it after setting TMP (a scratch folder).

passed=0
failed=0

# The first sanitizer report (ASan, LSan, UBSan) that a captured command
# printed since the last result: that result fails with it, whatever the
# command's exit status and output looked like, since the host programs
# under test are built with sanitizers (docs/reliability.md).
SANITIZER=""
SANITIZER_RE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: '

# result NAME WHY: prints "ok NAME", or "FAIL NAME: WHY" when WHY is not
# empty or a sanitizer reported, and counts it.
result() {
    local why="$2"
    if [[ -n "$SANITIZER" ]]; then
        why="${why:+$why; }sanitizer: $SANITIZER"
        SANITIZER=""
    fi
    set -- "$1" "$why"
    if [[ -z "$2" ]]; then
        echo "ok $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1: $2"
        failed=$((failed + 1))
    fi
}

# skip NAME WHY: prints "skip NAME: WHY" and counts it in $skipped (empty
# until then): a test that cannot run on this machine, said so.
skipped=""
skip() {
    echo "skip $1: $2"
    skipped=$((${skipped:-0} + 1))
}

# capture DIR COMMAND ARGS...: runs COMMAND in DIR; sets RC (its exit
# status), OUT (its standard output) and ERR (its standard error).
RC=0 OUT="" ERR=""
capture() {
    local dir="$1"
    shift
    RC=0
    OUT="$(cd "$dir" && "$@" 2>"$TMP/stderr")" || RC=$?
    ERR="$(cat "$TMP/stderr")"
    if [[ -z "$SANITIZER" ]]; then
        # command -p: some tests run a command with a PATH of fakes only.
        SANITIZER="$(command -p grep -m1 -E "$SANITIZER_RE" "$TMP/stderr")"
    fi
}
