#!/usr/bin/env bash
# Tests for scripts/fetch-deps.sh. No network: the "mirror" is a folder with
# a pool/ tree reached through file:// URLs, and the lock file, cache, build
# folder and apt configuration are all temporary folders.
#
# Usage: tests/host/deps_test.sh        (prints "ok NAME" / "FAIL NAME: why"
#                                         and ends with "deps: N passed, N failed")
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FETCH="$ROOT/scripts/fetch-deps.sh"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

POOL_PATH="pool/main/d/demo/demo_1.0.orig.tar.xz"
MIRROR_DIR="$TMP/mirror/debian" # the folder that holds pool/
MIRROR_URL="file://$MIRROR_DIR"
DEMO_SHA=""

# Builds the fake mirror: one small tar.xz with a single top-level folder.
make_mirror() {
    local src="$TMP/src"
    mkdir -p "$src/demo-1.0/sub" "$MIRROR_DIR/$(dirname "$POOL_PATH")"
    echo "hello from demo" >"$src/demo-1.0/hello.txt"
    echo "nested" >"$src/demo-1.0/sub/nested.txt"
    tar -cJf "$MIRROR_DIR/$POOL_PATH" -C "$src" demo-1.0
    DEMO_SHA="$(sha256sum "$MIRROR_DIR/$POOL_PATH" | cut -d' ' -f1)"
}

# Per-test folders, set by fresh().
T="" LOCK="" CACHE="" BUILD="" APT=""

fresh() {
    T="$(mktemp -d "$TMP/test.XXXXXX")"
    LOCK="$T/deps.lock"
    CACHE="$T/cache"
    BUILD="$T/build"
    APT="$T/apt"
    mkdir -p "$APT/sources.list.d"
    write_lock "$DEMO_SHA"
}

write_lock() {
    printf '# test lock file\ndemo 1.0 %s %s\n' "$POOL_PATH" "$1" >"$LOCK"
}

# run_fetch [VAR=value...]: runs fetch-deps.sh on the per-test folders with
# an empty apt configuration unless the test wrote one. Sets RC and OUT.
RC=0 OUT=""
run_fetch() {
    RC=0
    OUT="$(env -u FTL_DEBIAN_MIRROR \
        FTL_DEPS_LOCK="$LOCK" FTL_CACHE_DIR="$CACHE" FTL_BUILD_DIR="$BUILD" \
        FTL_APT_CONFIG_DIR="$APT" "$@" \
        bash "$FETCH" 2>&1)" || RC=$?
}

WHY=""
# check WHY TEST-ARGS...: like `test`, and on failure records WHY.
check() {
    local why="$1"
    shift
    if ! test "$@"; then
        WHY="$why"
        return 1
    fi
}

shown() { printf '%s' "${OUT//$'\n'/ | }"; }

check_ok_run() {
    check "exit $RC: $(shown)" "$RC" -eq 0
}

check_unpacked() {
    check "hello.txt not unpacked: $(shown)" -f "$BUILD/deps/demo/hello.txt" &&
        check "sub/nested.txt not unpacked" -f "$BUILD/deps/demo/sub/nested.txt" &&
        check "top-level folder not stripped" ! -e "$BUILD/deps/demo/demo-1.0"
}

# ---- tests -----------------------------------------------------------------

mirror_read_from_deb822_sources() {
    # A security stanza and a disabled one come first and must be skipped.
    cat >"$APT/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: file://$T/nowhere/debian-security
Suites: trixie-security
Components: main

Types: deb
URIs: file://$T/disabled/debian
Suites: trixie
Components: main
Enabled: no

Types: deb deb-src
# a comment inside the stanza
URIs: $MIRROR_URL
  file://$T/second-uri/debian
Suites: trixie trixie-updates
Components: main
EOF
    run_fetch
    check_ok_run && check_unpacked
}

mirror_read_from_sources_list() {
    cat >"$APT/sources.list" <<EOF
# comment
deb file://$T/nowhere/debian-security trixie-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] $MIRROR_URL trixie main
deb file://$T/later/debian trixie main
EOF
    run_fetch
    check_ok_run && check_unpacked
}

mirror_from_list_file_in_sources_list_d() {
    echo "deb $MIRROR_URL trixie main" >"$APT/sources.list.d/extra.list"
    run_fetch
    check_ok_run && check_unpacked
}

third_party_repo_listed_first_is_skipped() {
    cat >"$APT/sources.list.d/a-vendor.sources" <<EOF
Types: deb
URIs: file://$T/vendor/apt
Suites: stable
Components: main
EOF
    cat >"$APT/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR_URL
Suites: trixie
Components: main
EOF
    run_fetch
    check_ok_run && check_unpacked
}

mirror_env_override_wins() {
    cat >"$APT/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: file://$T/wrong/debian
Suites: trixie
Components: main
EOF
    run_fetch FTL_DEBIAN_MIRROR="$MIRROR_URL/"
    check_ok_run && check_unpacked
}

no_mirror_is_reported() {
    run_fetch
    check "exit 0 without any mirror" "$RC" -ne 0 &&
        check "message does not mention FTL_DEBIAN_MIRROR: $(shown)" \
            "$(grep -c FTL_DEBIAN_MIRROR <<<"$OUT")" -gt 0
}

fetch_verifies_and_unpacks() {
    run_fetch FTL_DEBIAN_MIRROR="$MIRROR_URL"
    check_ok_run && check_unpacked &&
        check "hello.txt has the wrong content" \
            "$(cat "$BUILD/deps/demo/hello.txt")" = "hello from demo" &&
        check "tarball not in the cache" -f "$CACHE/downloads/demo_1.0.orig.tar.xz" &&
        check "stamp does not hold the SHA-256" \
            "$(cat "$BUILD/deps/demo/.ftl-stamp")" = "$DEMO_SHA" &&
        check "temporary files left in the cache: $(ls -A "$CACHE/downloads")" \
            "$(ls -A "$CACHE/downloads")" = "demo_1.0.orig.tar.xz"
}

second_run_downloads_nothing() {
    cp -r "$TMP/mirror" "$T/mirror"
    run_fetch FTL_DEBIAN_MIRROR="file://$T/mirror/debian"
    check_ok_run || return 1
    rm -rf "$T/mirror"
    touch "$BUILD/deps/demo/marker" # would vanish if unpacked again
    run_fetch FTL_DEBIAN_MIRROR="file://$T/mirror/debian"
    check_ok_run &&
        check "second run downloaded or unpacked: $(shown)" \
            "$OUT" = "cached demo 1.0" &&
        check "second run unpacked again" -f "$BUILD/deps/demo/marker"
}

changed_stamp_unpacks_again() {
    run_fetch FTL_DEBIAN_MIRROR="$MIRROR_URL"
    check_ok_run || return 1
    echo "old" >"$BUILD/deps/demo/.ftl-stamp"
    touch "$BUILD/deps/demo/stale-file"
    run_fetch FTL_DEBIAN_MIRROR="$MIRROR_URL"
    check_ok_run && check_unpacked &&
        check "stale file survived the new unpack" ! -e "$BUILD/deps/demo/stale-file"
}

wrong_hash_is_rejected() {
    write_lock "$(printf '%064d' 0)"
    run_fetch FTL_DEBIAN_MIRROR="$MIRROR_URL"
    check "exit 0 with a wrong hash" "$RC" -ne 0 &&
        check "no 'SHA-256 mismatch' message: $(shown)" \
            "$(grep -c 'SHA-256 mismatch' <<<"$OUT")" -gt 0 &&
        check "message does not give the actual hash: $(shown)" \
            "$(grep -c "got $DEMO_SHA" <<<"$OUT")" -gt 0 &&
        check "files left in the cache: $(ls -A "$CACHE/downloads" 2>/dev/null)" \
            -z "$(ls -A "$CACHE/downloads" 2>/dev/null)" &&
        check "something was unpacked" ! -e "$BUILD/deps/demo"
}

unreachable_mirror_is_reported() {
    run_fetch FTL_DEBIAN_MIRROR="http://127.0.0.1:9/"
    check "exit 0 with an unreachable mirror" "$RC" -ne 0 &&
        check "no 'cannot download' message: $(shown)" \
            "$(grep -c "error: demo: cannot download http://127.0.0.1:9/$POOL_PATH (curl exit [0-9]*)" <<<"$OUT")" -gt 0 &&
        check "files left in the cache: $(ls -A "$CACHE/downloads" 2>/dev/null)" \
            -z "$(ls -A "$CACHE/downloads" 2>/dev/null)"
}

missing_file_on_mirror_is_reported() {
    mkdir -p "$T/empty-mirror"
    run_fetch FTL_DEBIAN_MIRROR="file://$T/empty-mirror"
    check "exit 0 with the file missing on the mirror" "$RC" -ne 0 &&
        check "no 'cannot download' message: $(shown)" \
            "$(grep -c 'cannot download' <<<"$OUT")" -gt 0
}

corrupt_cache_is_refetched() {
    run_fetch FTL_DEBIAN_MIRROR="$MIRROR_URL"
    check_ok_run || return 1
    local cached="$CACHE/downloads/demo_1.0.orig.tar.xz"
    echo "corrupt" >"$cached"
    run_fetch FTL_DEBIAN_MIRROR="$MIRROR_URL"
    check_ok_run &&
        check "corrupt file was not fetched again: $(shown)" \
            "$(grep -c '^download demo 1.0' <<<"$OUT")" -gt 0 &&
        check "cached file still corrupt" \
            "$(sha256sum "$cached" | cut -d' ' -f1)" = "$DEMO_SHA"
}

malformed_lock_line_is_reported() {
    cat >"$LOCK" <<EOF
# comment line
demo 1.0 $POOL_PATH $DEMO_SHA
broken 1.0 $POOL_PATH
short 1.0 $POOL_PATH ${DEMO_SHA:1}
EOF
    run_fetch FTL_DEBIAN_MIRROR="$MIRROR_URL"
    check "exit 0 with a malformed lock file" "$RC" -ne 0 &&
        check "column error not reported as $LOCK:3: $(shown)" \
            "$(grep -c "^$LOCK:3: .*4 columns" <<<"$OUT")" -gt 0 &&
        check "hash error not reported as $LOCK:4: $(shown)" \
            "$(grep -c "^$LOCK:4: .*64 hex" <<<"$OUT")" -gt 0 &&
        check "fetched despite the bad lock file" ! -e "$BUILD/deps"
}

unknown_name_is_reported() {
    RC=0
    OUT="$(env -u FTL_DEBIAN_MIRROR FTL_DEPS_LOCK="$LOCK" FTL_CACHE_DIR="$CACHE" \
        FTL_BUILD_DIR="$BUILD" FTL_APT_CONFIG_DIR="$APT" \
        bash "$FETCH" nosuchdep 2>&1)" || RC=$?
    check "exit 0 for an unknown name" "$RC" -ne 0 &&
        check "message does not name it: $(shown)" \
            "$(grep -c 'nosuchdep is not listed' <<<"$OUT")" -gt 0
}

# ---- runner ----------------------------------------------------------------

TESTS=(
    mirror_read_from_deb822_sources
    mirror_read_from_sources_list
    mirror_from_list_file_in_sources_list_d
    third_party_repo_listed_first_is_skipped
    mirror_env_override_wins
    no_mirror_is_reported
    fetch_verifies_and_unpacks
    second_run_downloads_nothing
    changed_stamp_unpacks_again
    wrong_hash_is_rejected
    unreachable_mirror_is_reported
    missing_file_on_mirror_is_reported
    corrupt_cache_is_refetched
    malformed_lock_line_is_reported
    unknown_name_is_reported
)

main() {
    make_mirror
    local name passed=0 failed=0
    for name in "${TESTS[@]}"; do
        fresh
        WHY=""
        if "$name"; then
            echo "ok $name"
            passed=$((passed + 1))
        else
            echo "FAIL $name: ${WHY:-failed}"
            failed=$((failed + 1))
        fi
    done
    echo "deps: $passed passed, $failed failed"
    ((failed == 0))
}

main "$@"
