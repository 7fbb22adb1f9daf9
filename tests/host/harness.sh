# Shared by the shell test suites (tests/host/spec_test.sh,
# tests/cli/cli_test.sh): counting results and running a command with its
# output captured. Source it after setting TMP (a scratch folder).

passed=0
failed=0

# result NAME WHY: prints "ok NAME", or "FAIL NAME: WHY" when WHY is not
# empty, and counts it.
result() {
    if [[ -z "$2" ]]; then
        echo "ok $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1: $2"
        failed=$((failed + 1))
    fi
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
}
