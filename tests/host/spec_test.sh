#!/usr/bin/env bash
# Tests of ftl-spec, the spec compiler (tools/ftl-spec), on the specs under
# tests/spec:
#   bad/*.yaml      `check` fails with exactly the `# expect: ` lines at the
#                   top of the file, in order, and exit status 1
#   good/NAME.yaml  `compile` writes exactly good/NAME.manifest, and
#                   `settings` prints good/NAME.settings when that exists
#   services/*/     every service spec checks clean on its own
# plus the command line itself. Specs run from their folder with
# `-I ../services`, so messages name files as the expectations do.
#
# Usage: tests/host/spec_test.sh     (prints "ok NAME" / "FAIL NAME: why"
#                                     and ends with "spec: N passed, N failed")
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SPEC="$ROOT/tests/spec"
FTL_SPEC="${FTL_SPEC:-$ROOT/build/host/ftl-spec}"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# shellcheck source=tests/host/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# run DIR ARGS...: runs ftl-spec in DIR; sets RC, OUT and ERR.
run() {
    local dir="$1"
    shift
    capture "$dir" "$FTL_SPEC" "$@"
}

bad_spec() {
    local file="$1" name why=""
    name="$(basename "$file")"
    local expected
    expected="$(sed -n 's/^# expect: //p' "$file")"
    run "$SPEC/bad" check -I ../services "$name"
    if [[ -z "$expected" ]]; then
        why="no '# expect: ' line"
    elif [[ $RC -ne 1 ]]; then
        why="exit status $RC, not 1"
    elif [[ "$ERR" != "$expected" ]]; then
        why="$(printf 'messages differ\n--- expected\n%s\n--- got\n%s' \
            "$expected" "$ERR")"
    fi
    result "bad/$name" "$why"
}

good_spec() {
    local file="$1" name why=""
    name="$(basename "$file" .yaml)"
    run "$SPEC/good" compile -I ../services -o "$TMP/$name.manifest" \
        "$name.yaml"
    if [[ $RC -ne 0 || -n "$ERR" ]]; then
        why="compile: exit status $RC: $ERR"
    elif ! diff -u "$SPEC/good/$name.manifest" "$TMP/$name.manifest" \
        >"$TMP/diff"; then
        why="manifest differs: $(cat "$TMP/diff")"
    elif [[ -f "$SPEC/good/$name.settings" ]]; then
        run "$SPEC/good" settings -I ../services "$name.yaml"
        if [[ $RC -ne 0 || "$OUT" != "$(cat "$SPEC/good/$name.settings")" ]]; then
            why="settings: exit status $RC, printed: $OUT $ERR"
        fi
    fi
    result "good/$name" "$why"
}

service_spec() {
    local dir="$1" why=""
    run "$dir" check service.yaml
    if [[ $RC -ne 0 || -n "$ERR$OUT" ]]; then
        why="exit status $RC: $ERR$OUT"
    fi
    result "services/$(basename "$dir")" "$why"
}

# ---- the command line --------------------------------------------------

cli_usage_errors_exit_2() {
    local args
    for args in "" "frobnicate x.yaml" "check" "compile good/web.yaml" \
        "compile -o x good/web.yaml good/minimal.yaml" "check --bogus x"; do
        # shellcheck disable=SC2086
        run "$SPEC" $args
        if [[ $RC -ne 2 || "$ERR" != *usage:* ]]; then
            echo "'ftl-spec $args': exit status $RC: $ERR"
            return
        fi
    done
}

cli_help_goes_to_stdout() {
    run "$SPEC" --help
    [[ $RC -eq 0 && "$OUT" == usage:* && -z "$ERR" ]] ||
        echo "exit status $RC, stdout: $OUT"
}

cli_unreadable_file_is_reported() {
    run "$SPEC" check nosuch.yaml
    [[ $RC -eq 1 && "$ERR" == "ftl-spec: cannot read nosuch.yaml: No such file or directory" ]] ||
        echo "exit status $RC: $ERR"
}

cli_check_takes_several_files() {
    run "$SPEC" check good/web.yaml bad/unknown_field.yaml -I services
    [[ $RC -eq 1 && "$ERR" == "bad/unknown_field.yaml:7:3: spec.isolaton: unknown field (did you mean isolation?)" ]] ||
        echo "exit status $RC: $ERR"
}

cli_failed_compile_leaves_no_manifest() {
    echo "old" >"$TMP/keep.manifest"
    run "$SPEC/bad" compile -I ../services -o "$TMP/keep.manifest" cycle.yaml
    [[ $RC -eq 1 && "$(cat "$TMP/keep.manifest")" == old ]] ||
        { echo "exit status $RC, manifest: $(cat "$TMP/keep.manifest")"; return; }
    run "$SPEC/bad" compile -I ../services -o "$TMP/new.manifest" cycle.yaml
    [[ ! -e "$TMP/new.manifest" && ! -e "$TMP/new.manifest.tmp" ]] ||
        echo "a manifest was written"
}

cli_depfile_lists_every_spec() {
    run "$SPEC/good" compile -I ../services -o "$TMP/m" -d "$TMP/m.d" \
        minimal.yaml
    local expected
    expected="$(printf '%s\n' "$TMP/m: minimal.yaml ../services/hello/service.yaml" \
        "" "minimal.yaml:" "../services/hello/service.yaml:")"
    [[ $RC -eq 0 && "$(cat "$TMP/m.d")" == "$expected" ]] ||
        echo "exit status $RC $ERR, wrote: $(cat "$TMP/m.d" 2>&1)"
}

cli_search_path_order_wins() {
    # The first -I folder that has NAME/service.yaml wins over later ones
    # and over the ftl.yaml's own folder.
    mkdir -p "$TMP/first/hello" "$TMP/sys/hello"
    sed 's/^metadata:/metadata:/; $a spec: {binary: first.elf}' \
        "$SPEC/services/hello/service.yaml" >"$TMP/first/hello/service.yaml"
    cp "$SPEC/services/hello/service.yaml" "$TMP/sys/hello/service.yaml"
    cp "$SPEC/good/minimal.yaml" "$TMP/sys/ftl.yaml"
    run "$TMP/sys" compile -I "$TMP/first" -I "$SPEC/services" -o m ftl.yaml
    [[ $RC -eq 0 && "$(grep '^binary' "$TMP/sys/m")" == "binary first.elf" ]] ||
        { echo "exit status $RC $ERR"; return; }
    run "$TMP/sys" compile -o m ftl.yaml
    [[ $RC -eq 0 && "$(grep '^binary' "$TMP/sys/m")" == "binary hello.elf" ]] ||
        echo "next to ftl.yaml: exit status $RC $ERR"
}

main() {
    if [[ ! -x "$FTL_SPEC" ]]; then
        echo "FAIL $FTL_SPEC is not built (make build/host/ftl-spec)"
        echo "spec: 0 passed, 1 failed"
        return 1
    fi
    local f t
    for f in "$SPEC"/bad/*.yaml; do bad_spec "$f"; done
    for f in "$SPEC"/good/*.yaml; do good_spec "$f"; done
    for f in "$SPEC"/services/*/; do service_spec "${f%/}"; done
    for t in cli_usage_errors_exit_2 cli_help_goes_to_stdout \
        cli_unreadable_file_is_reported cli_check_takes_several_files \
        cli_failed_compile_leaves_no_manifest cli_depfile_lists_every_spec \
        cli_search_path_order_wins; do
        result "$t" "$($t)"
    done
    echo "spec: $passed passed, $failed failed"
    ((failed == 0))
}

main "$@"
