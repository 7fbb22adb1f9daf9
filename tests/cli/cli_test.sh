#!/usr/bin/env bash
# The ftl command as users meet it: the SDK tarball (dist/) unpacked in a
# temporary folder, used from there with nothing of the source tree:
# projects from every template built, booted (QEMU, detached) to
# `system ready` and stopped; code from every generator built and booted;
# ftl test; the GCE image and `ftl deploy gce` / `ftl logs gce` against a
# fake gcloud; the control key, and `ftl status` / `ftl logs` against a
# fake guest end of the control channel (tests/cli/fake_control.py); bad specs and bad arguments with their messages and exit
# codes. ftl and ftl-spec run with ASan and UBSan (below).
#
# Usage: tests/cli/cli_test.sh    (prints "ok NAME" / "FAIL NAME: why" and
#                                  ends with "cli: N passed, N failed")
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARBALL="$(ls "$ROOT"/dist/ftl-sdk-"$(cat "$ROOT/VERSION")"-x86_64-linux.tar.gz)"
TMP="$(mktemp -d)"
FTL="$TMP/sdk/bin/ftl"

# shellcheck source=tests/host/harness.sh
source "$ROOT/tests/host/harness.sh"
fake_pid=""
dev_pid=""
cleanup() {
    [[ -n "$fake_pid" ]] && kill "$fake_pid" 2>/dev/null
    [[ -n "$dev_pid" ]] && kill "$dev_pid" 2>/dev/null && wait "$dev_pid"
    # Stop any system a failed test left running (ftl stop only ever ends
    # the QEMU of that project's pid file).
    for p in "$TMP"/*/; do
        [[ -f "$p/ftl.yaml" ]] && (cd "$p" && "$FTL" stop >/dev/null 2>&1)
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

# ftl_in DIR ARGS...: runs ftl in DIR without a terminal; sets RC, OUT, ERR.
ftl_in() {
    local dir="$1"
    shift
    capture "$dir" env -u FTL_SDK "$FTL" "$@"
}

# expect NAME RC PATTERN: the last ftl_in exited with RC and its stderr
# (or stdout) matches the extended regex PATTERN.
expect() {
    local why=""
    if [[ $RC -ne $2 ]]; then
        why="exit status $RC, not $2: $(tail -3 <<<"$ERR")"
    elif ! grep -Eq -- "$3" <<<"$ERR$OUT"; then
        why="no /$3/ in: $(tail -3 <<<"$ERR$OUT")"
    fi
    result "$1" "$why"
}

# boots NAME PROJECT PATTERN...: ftl run --detach reaches system ready, the
# console shows each pattern, ftl stop ends QEMU.
boots() {
    local name="$1" dir="$TMP/$2" why=""
    shift 2
    ftl_in "$dir" run --detach
    if [[ $RC -ne 0 ]]; then
        result "$name" "ftl run --detach: status $RC: $(tail -3 <<<"$ERR")"
        return
    fi
    local pid
    pid="$(cat "$dir/build/run/qemu.pid")"
    # A service prints right after the supervisor's ready line: give the
    # console a moment before reading it.
    for pattern in "$@"; do
        for _ in $(seq 50); do
            grep -Eq -- "$pattern" "$dir/build/run/console.log" && break
            sleep 0.1
        done
        grep -Eq -- "$pattern" "$dir/build/run/console.log" ||
            why="no /$pattern/ on the console"
    done
    ftl_in "$dir" stop
    [[ $RC -eq 0 && "$ERR" == *stopped* ]] || why="ftl stop: $ERR"
    kill -0 "$pid" 2>/dev/null && why="QEMU $pid still runs after ftl stop"
    result "$name" "$why"
}

mkdir -p "$TMP/sdk"
tar -xzf "$TARBALL" -C "$TMP/sdk" --strip-components=1
# The SDK's ftl and ftl-spec are swapped for the builds with ASan and UBSan
# (build/host/, made by `make`), so a memory error or undefined behaviour
# in any command fails the test that ran it (tests/host/harness.sh).
# FTL_CLI_SANITIZED=0 tests the shipped binaries as they are.
if [[ "${FTL_CLI_SANITIZED:-1}" != 0 ]]; then
    for tool in ftl ftl-spec; do
        if [[ ! -x "$ROOT/build/host/$tool" ]]; then
            echo "cli: build/host/$tool is missing (make, or FTL_CLI_SANITIZED=0)"
            echo "cli: 0 passed, 1 failed"
            exit 1
        fi
        cp "$ROOT/build/host/$tool" "$TMP/sdk/bin/$tool"
    done
fi

# --- the SDK finds itself -------------------------------------------------
ftl_in "$TMP" --version
[[ $RC -eq 0 && "$OUT" == *"SDK $(cat "$ROOT/VERSION") at $TMP/sdk"* ]]
result sdk_found_from_its_own_location "$([[ $? -ne 0 ]] && echo "$OUT")"
RC=0
OUT="$(cd "$TMP" && FTL_SDK="$TMP/nowhere" "$FTL" build 2>&1)" || RC=$?
[[ $RC -eq 5 && "$OUT" == *"cannot find the FTL SDK"* ]]
result ftl_sdk_overrides_and_is_checked "$([[ $? -ne 0 ]] && echo "$RC $OUT")"

# --- ftl new, build, run, stop (service template) -------------------------
ftl_in "$TMP" new demo
expect new_creates_a_project 0 "created demo from the service template"
for f in ftl.yaml README.md .gitignore services/demo/main.c \
         services/demo/service.yaml services/demo/Makefile tests; do
    [[ -e "$TMP/demo/$f" ]] || result "new_creates_$f" "missing"
done
ftl_in "$TMP/demo" build
expect build_makes_initfs_and_iso 0 "built demo: 4 services; image [0-9]+ KiB"
expect build_says_it_made_the_control_key 0 "KEY .*demo/build/control.key"
key_file="$TMP/demo/build/control.key"
[[ "$(cat "$key_file")" =~ ^[0-9a-f]{64}$ && "$(wc -c <"$key_file")" == 65 &&
   "$(stat -c %a "$key_file")" == 600 ]]
result build_makes_a_private_hex_control_key \
    "$([[ $? -ne 0 ]] && stat -c "%a %s" "$key_file" && head -c 80 "$key_file")"
tar -xOf "$TMP/demo/build/initfs.tar" ./control.key | cmp -s - "$key_file"
result build_packs_the_key_as_control_key \
    "$([[ $? -ne 0 ]] && tar -tf "$TMP/demo/build/initfs.tar" | tr '\n' ' ')"
first_key="$(cat "$key_file")"
[[ -f "$TMP/demo/build/initfs.tar" && -f "$TMP/demo/build/ftl.iso" ]]
result build_writes_the_image_files "$([[ $? -ne 0 ]] && echo missing)"
mkdir -p "$TMP/demo-initfs" && tar -xf "$TMP/demo/build/initfs.tar" -C "$TMP/demo-initfs"
! readelf -SW "$TMP/demo-initfs"/*.elf | grep -Eq ' \.(z?debug_|symtab)' &&
    readelf -SW "$TMP/demo/build/services/demo/demo.elf" | grep -q ' \.debug_info '
result build_packs_stripped_programs_and_keeps_the_built_ones \
    "$([[ $? -ne 0 ]] && echo "debug sections in the initfs, or none in build/services/demo/demo.elf")"
ftl_in "$TMP/demo" build
[[ $RC -eq 0 ]] && ! grep -Eq '^  (CC|LINK|INITFS|ISO) ' <<<"$ERR$OUT"
result build_again_rebuilds_nothing "$([[ $? -ne 0 ]] && echo "$ERR$OUT")"
[[ "$(cat "$key_file")" == "$first_key" ]]
result build_again_keeps_the_key "$([[ $? -ne 0 ]] && echo "a new key")"
[[ "$ERR" != *$'\033'* ]]
result no_colour_without_a_terminal "$([[ $? -ne 0 ]] && echo escape codes)"

# --- the control channel: ftl status and ftl logs against a fake guest -----
# tests/cli/fake_control.py listens where `ftl run` puts QEMU's control socket
# and plays the guest's end of docs/reference/control-protocol.md with a
# key, checking the MAC and seq of every request (it refuses bad ones as
# the guest does), answering with canned services and log lines, or
# misbehaving as told. The real guest's end is tested once the control
# service lands (issue 21).
CTL_SOCK="$TMP/demo/build/run/control.sock"
CTL_RECORD="$TMP/control-requests.log"
# fake_start ARGS...: a fresh fake guest on CTL_SOCK (the key and options).
fake_start() {
    fake_stop
    python3 "$ROOT/tests/cli/fake_control.py" --socket "$CTL_SOCK" \
        --record "$CTL_RECORD" "$@" &
    fake_pid=$!
    for _ in $(seq 50); do
        [[ -S "$CTL_SOCK" ]] && return
        sleep 0.1
    done
}
fake_stop() {
    if [[ -n "$fake_pid" ]]; then
        kill "$fake_pid" 2>/dev/null
        wait "$fake_pid" 2>/dev/null
    fi
    fake_pid=""
    rm -f "$CTL_SOCK" "$CTL_RECORD"
}
# lines_are NAME EXPECTED: the last command's stdout is exactly EXPECTED.
lines_are() {
    result "$1" "$([[ "$OUT" != "$2" ]] && diff <(echo "$2") <(echo "$OUT"))"
}

ftl_in "$TMP/demo" status
expect status_without_a_system 1 "no running system .*control.sock"
expect status_without_a_system_hints_ftl_run 1 "hint: start one with \`ftl run\`"
mkdir -p "$TMP/demo/build/run"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$CTL_SOCK"
ftl_in "$TMP/demo" logs demo
expect logs_with_a_stale_socket_file 1 "no running system"
rm -f "$CTL_SOCK"

fake_start --key "$key_file" --noise
ftl_in "$TMP/demo" status
lines_are status_prints_a_table "system up 4m05s, image 3fa9c2e1d0b4
NAME   STATE    RESTARTS  UPTIME  MEMORY/LIMIT     ISOLATION  VERSION
tcpip  running  0         4m05s   1.5 MiB/8.0 MiB  user       0.1.0
demo   running  2         1h02m   312 KiB/none     kernel     1.2.3"
ftl_in "$TMP/demo" status --json
python3 -c '
import json, sys
sys.path.insert(0, sys.argv[1])
import fake_control
sys.exit(json.loads(sys.stdin.read()) != fake_control.STATUS)' \
    "$ROOT/tests/cli" <<<"$OUT" 2>/dev/null
result status_json_is_the_supervisor_answer \
    "$([[ $? -ne 0 || $RC -ne 0 ]] && echo "status $RC: $(head -c 300 <<<"$OUT$ERR")")"
ftl_in "$TMP/demo" logs demo
lines_are logs_prints_a_service_lines "ready
answered READ with 18 bytes
served 3 requests"
rm -f "$CTL_RECORD"
ftl_in "$TMP/demo" logs
lines_are logs_without_service_prints_every_service "[tcpip] dhcp: bound to 10.0.2.15
[tcpip] listening on :80
[demo] ready
[demo] answered READ with 18 bytes
[demo] served 3 requests"
# One session: status for the names, then one request per service, seq
# counting up (the fake refuses a seq that does not).
[[ "$(cat "$CTL_RECORD" 2>/dev/null)" == $'1 status\n2 logs tcpip 0\n3 logs demo 0' ]]
result logs_asks_each_service_with_rising_seq \
    "$([[ $? -ne 0 ]] && echo "requests: $(cat "$CTL_RECORD" 2>&1)")"
capture "$TMP/demo" env -u FTL_SDK timeout 3 "$FTL" logs demo --follow
[[ $RC -eq 124 ]]
result logs_follow_runs_until_stopped "$([[ $? -ne 0 ]] && echo "status $RC: $ERR")"
lines_are logs_follow_prints_kept_then_new_lines "ready
answered READ with 18 bytes
served 3 requests
new line 1
new line 2"
ftl_in "$TMP/demo" logs nosuch
expect logs_of_an_unknown_service 1 "the system answered .*no such service"
ftl_in "$TMP/demo" logs Bad_Name
expect logs_checks_the_service_name 2 "\"Bad_Name\" is not a service name"
ftl_in "$TMP/demo" logs demo --zone z
expect logs_zone_is_for_gce_only 2 "--zone and --project are for"
# The fake checks what the CLI sends: a request under a wrong MAC is
# refused (so the answers above mean the CLI's MACs are right).
why="$(python3 - "$CTL_SOCK" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(b"FTL1H" + bytes(8) + bytes(32))
data = b""
def frame():
    global data
    while True:
        at = data.find(b"FTL1")
        if at >= 0 and len(data) >= at + 13:
            n = struct.unpack("<I", data[at + 9:at + 13])[0]
            if len(data) >= at + 13 + n + 32:
                f = data[at:at + 13 + n + 32]
                data = data[at + 13 + n + 32:]
                return chr(f[4]), f[13:13 + n]
        data += s.recv(4096)
kind = None
while kind not in ("C", "X"):  # --noise: a stale R frame comes first
    kind, _ = frame()
if kind != "C":
    print("no C frame but %s" % kind)
    sys.exit()
payload = b"status\n"
s.sendall(b"FTL1Q" + struct.pack("<II", 1, len(payload)) + payload + bytes(32))
kind, reason = frame()
if (kind, reason) != ("X", b"bad mac"):
    print("a bad MAC got %s %r" % (kind, reason))
EOF
)"
result fake_guest_refuses_a_bad_mac "$why"

key2="$TMP/other.key"
python3 -c 'import os; print(os.urandom(32).hex())' >"$key2"
fake_start --key "$key2"
ftl_in "$TMP/demo" status
expect status_detects_another_key 1 "the running system was built with another key"
ftl_in "$TMP/demo" status --key "$key2"
expect status_key_option 0 "tcpip +running"
fake_start --key "$key_file" --refuse
ftl_in "$TMP/demo" status
expect status_reports_a_refused_request 1 "the system refused the request: bad mac"
fake_start --key "$key_file" --bad-mac
ftl_in "$TMP/demo" logs demo
expect logs_detects_a_reply_with_a_bad_mac 1 "reply frame from the system failed its MAC check"
fake_start --key "$key_file" --silent
ftl_in "$TMP/demo" status
expect status_times_out_without_an_answer 1 "no answer from the running system's control service within 5 s"
fake_start --key "$key_file"
ftl_in "$TMP" status --socket "$CTL_SOCK" --key "$key_file"
expect status_outside_a_project_with_socket_and_key 0 "demo +running"
# What the first control service answers: no logs-follow, fields null.
fake_start --key "$key_file" --minimal
ftl_in "$TMP/demo" status
lines_are status_shows_absent_fields_as_dashes "system up 5s
NAME  STATE      RESTARTS  UPTIME  MEMORY/LIMIT    ISOLATION  VERSION
demo  running    0         4s      96 KiB/4.0 MiB  user       -
once  completed  0         -       -/4.0 MiB       user       -"
rm -f "$CTL_RECORD"
capture "$TMP/demo" env -u FTL_SDK timeout 3 "$FTL" logs demo --follow
lines_are logs_follow_without_logs_follow_asks_each_second "ready
answered READ with 18 bytes
served 3 requests"
[[ "$(head -3 "$CTL_RECORD" 2>/dev/null)" == $'1 logs-follow demo 0\n2 logs demo 0\n3 logs demo 3' ]]
result logs_follow_falls_back_to_logs_from_the_cursor \
    "$([[ $? -ne 0 ]] && echo "requests: $(cat "$CTL_RECORD" 2>&1)")"
fake_stop

ftl_in "$TMP/demo" run --detach
expect run_detach_waits_for_ready 0 "system ready: 4 services running"
ftl_in "$TMP/demo" run --detach
expect run_twice_is_refused 4 "already running"
grep -q "\[demo\] ready" "$TMP/demo/build/run/console.log"
result the_service_runs "$([[ $? -ne 0 ]] && echo "no [demo] ready")"
args="$(tr '\0' ' ' </proc/"$(cat "$TMP/demo/build/run/qemu.pid")"/cmdline)"
[[ "$args" == *"-serial file:$TMP/demo/build/run/console.log -kernel "*" -chardev socket,id=control,path=$TMP/demo/build/run/control.sock,server=on,wait=off -device virtio-serial-pci,max_ports=1 -device virtconsole,chardev=control "* &&
   -S "$TMP/demo/build/run/control.sock" ]]
result run_gives_qemu_a_virtio_console_as_the_control_socket "$([[ $? -ne 0 ]] && echo "$args")"
# A new project has the control channel (the templates list virtio_rng,
# random and control): ftl status and ftl logs work out of the box.
ftl_in "$TMP/demo" status
expect status_of_a_new_project_reaches_its_control_service 0 "control +Running"
grep -Eq "^demo +Running" <<<"$OUT"
result status_of_a_new_project_lists_its_service "$([[ $? -ne 0 ]] && echo "$OUT")"
ftl_in "$TMP/demo" logs demo
expect logs_of_a_new_project 0 "ready"
qemu_pid="$(cat "$TMP/demo/build/run/qemu.pid")"
ftl_in "$TMP/demo" stop
expect stop_stops 0 "stopped \(QEMU pid $qemu_pid\)"
kill -0 "$qemu_pid" 2>/dev/null
result qemu_is_gone_after_stop "$([[ $? -eq 0 ]] && echo "still runs")"
ftl_in "$TMP/demo" stop
expect stop_without_system_says_so 0 "nothing to stop"

ftl_in "$TMP/demo" test
expect test_runs_the_template_test 0 "test: 2 passed, 0 failed"

# --- port forwarding: 127.0.0.1 only, from ftl.yaml and --port -----------
# (The system without its control channel this time: ftl status says so.)
sed -i 's/ports: \[\]/ports: ["18480:80"]/' "$TMP/demo/ftl.yaml"
sed -i 's/services: \[virtio_rng, random, control, demo\]/services: [demo]/' \
    "$TMP/demo/ftl.yaml"
ftl_in "$TMP/demo" run --detach --port 18481:81/udp
expect run_reports_forwarded_ports 0 "127.0.0.1:18481 -> guest 81/udp, 127.0.0.1:18480 -> guest 80/tcp"
args="$(tr '\0' ' ' </proc/"$(cat "$TMP/demo/build/run/qemu.pid")"/cmdline)"
[[ "$args" == *"hostfwd=udp:127.0.0.1:18481-:81"* &&
   "$args" == *"hostfwd=tcp:127.0.0.1:18480-:80"* ]]
result ports_forwarded_from_localhost_only "$([[ $? -ne 0 ]] && echo "$args")"
# QEMU takes the connection, but nothing in the guest answers.
ftl_in "$TMP/demo" status
expect status_of_a_system_without_control_service 1 \
    "no answer from the running system's control service"
expect status_without_control_service_hints_the_services 1 \
    "add virtio_rng, random and control to spec.services"
ftl_in "$TMP/demo" stop
sed -i 's/services: \[demo\]/services: [virtio_rng, random, control, demo]/' \
    "$TMP/demo/ftl.yaml"

# --- driver template: the spec's device is in the machine -----------------
ftl_in "$TMP" new drv --template driver
expect new_driver_template 0 "created drv from the driver template"
boots driver_template_finds_its_device drv "system ready: 4 services" \
    "\[drv\] found 1234:11e8" "\[drv\] BAR 0: .* reads 0x010000ed"

# --- isolation: wasm: the service template's C as WebAssembly -------------
# The same Makefile and main.c; only the spec differs (docs/guides/wasm.md).
ftl_in "$TMP" new wdemo --isolation wasm
expect new_with_isolation_wasm 0 "created wdemo from the service template"
grep -q "^  isolation: wasm " "$TMP/wdemo/services/wdemo/service.yaml"
result new_writes_the_isolation_into_the_spec \
    "$([[ $? -ne 0 ]] && grep isolation "$TMP/wdemo/services/wdemo/service.yaml")"
ftl_in "$TMP" new wdrv --template driver --isolation wasm
expect new_refuses_a_wasm_driver 2 "a driver cannot be a wasm service"
ftl_in "$TMP" new wbad --isolation sandbox
expect new_refuses_an_unknown_isolation 2 'unknown isolation "sandbox"'
[[ ! -e "$TMP/wdrv" && ! -e "$TMP/wbad" ]]
result refused_new_writes_nothing "$([[ $? -ne 0 ]] && ls -d "$TMP"/wdrv "$TMP"/wbad)"
ftl_in "$TMP/wdemo" build
expect wasm_service_builds 0 "built wdemo: 4 services"
[[ -f "$TMP/wdemo/build/services/wdemo/wdemo.wasm" ]]
result wasm_service_is_a_module "$([[ $? -ne 0 ]] && echo "no wdemo.wasm")"
boots wasm_service_runs wdemo "system ready: 4 services" \
    "started wdemo \(wasm mode\)" "\[wdemo\] ready"

# --- networking templates: the HTTP page and the echo reach the host -------
# http_get URL: the status and body of GET URL, retried while DHCP runs.
http_get() {
    local code
    for _ in $(seq 40); do
        # curl prints 000 for an attempt that failed: keep only the last.
        code="$(curl -s -m 5 -o "$TMP/body" -w "%{http_code}" "$1" 2>/dev/null)" &&
            { echo "$code"; return 0; }
        sleep 0.5
    done
    echo "$code"
    return 1
}
ftl_in "$TMP" new web --template http
expect new_http_template 0 "created web from the http template"
ftl_in "$TMP/web" build
expect http_template_builds 0 "built web: 6 services"
ftl_in "$TMP/web" run --detach
expect http_template_runs 0 "127.0.0.1:8080 -> guest 80/tcp"
code="$(http_get http://127.0.0.1:8080/)"
[[ "$code" == 200 ]] && grep -q "Hello from web on FTL" "$TMP/body"
result http_template_serves_its_page_on_8080 \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body" 2>/dev/null)")"
code="$(http_get http://127.0.0.1:8080/hello/ada)"
[[ "$code" == 200 ]] && [[ "$(cat "$TMP/body")" == '{"hello":"ada"}' ]]
result http_template_answers_json \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body" 2>/dev/null)")"
code="$(http_get http://127.0.0.1:8080/nowhere)"
[[ "$code" == 404 ]]
result http_template_routes_unknown_paths_to_404 "$([[ $? -ne 0 ]] && echo "status $code")"
ftl_in "$TMP/web" stop

# --- the http template as WebAssembly: its JSON API and public/ files ------
# The HTTP library with http-parser and cJSON is in the wasm32 libftl too,
# and public/ is packed into the module (docs/guides/wasm.md).
ftl_in "$TMP" new wweb --template http --isolation wasm
mkdir -p "$TMP/wweb/services/wweb/public"
echo '<p>static from a wasm service</p>' >"$TMP/wweb/services/wweb/public/about.html"
sed -i 's|^    // ftl generate route: registrations above this line|    ftl_http_public(app, "/static/*");\n&|' \
    "$TMP/wweb/services/wweb/main.c"
ftl_in "$TMP/wweb" build
expect wasm_http_template_builds 0 "built wweb: 6 services"
ftl_in "$TMP/wweb" run --detach
expect wasm_http_template_runs 0 "127.0.0.1:8080 -> guest 80/tcp"
grep -q "started wweb (wasm mode)" "$TMP/wweb/build/run/console.log"
result wasm_http_template_runs_in_wasm_mode \
    "$([[ $? -ne 0 ]] && echo "no 'started wweb (wasm mode)' on the console")"
code="$(http_get http://127.0.0.1:8080/hello/ada)"
[[ "$code" == 200 ]] && [[ "$(cat "$TMP/body")" == '{"hello":"ada"}' ]]
result wasm_http_template_answers_json \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body" 2>/dev/null)")"
code="$(http_get http://127.0.0.1:8080/static/about.html)"
[[ "$code" == 200 ]] && grep -q "static from a wasm service" "$TMP/body"
result wasm_http_template_serves_public_files \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body" 2>/dev/null)")"
ftl_in "$TMP/wweb" stop

# --- the control channel end to end: ftl status and ftl logs reach the
# real control service (os/services/control) over the virtio console -------
ftl_in "$TMP/web" run --detach
expect control_system_runs 0 "system ready: 6 services running"
http_get http://127.0.0.1:8080/hello/control >/dev/null
ftl_in "$TMP/web" status
expect status_shows_the_real_services 0 "control +Running"
grep -Eq "^web +Running" <<<"$OUT"
result status_lists_the_app_running "$([[ $? -ne 0 ]] && echo "$OUT")"
ftl_in "$TMP/web" status --json
python3 -c '
import json, sys
s = {x["name"]: x for x in json.loads(sys.stdin.read())["services"]}
sys.exit(not (s["web"]["state"] == "Running" and s["web"]["memory_kib"] > 0
              and s["tcpip"]["isolation"] == "user"))' <<<"$OUT"
result status_json_describes_each_service \
    "$([[ $? -ne 0 ]] && echo "status $RC: $(head -c 300 <<<"$OUT$ERR")")"
ftl_in "$TMP/web" logs web
expect logs_show_the_apps_access_log 0 "GET /hello/control 200"
# The record of what runs, for delta applies: the booting QEMU's, every
# service's program known.
record="$TMP/web/build/run/running.list"
grep -q "^boot $(cat "$TMP/web/build/run/qemu.pid") " "$record" &&
    grep -q "^services known$" "$record" &&
    grep -Eq "^service web web.elf [0-9a-f]{64}$" "$record"
result run_records_what_the_system_runs "$([[ $? -ne 0 ]] && cat "$record")"
# ftl apply: a changed program is replaced, a new service starts, a
# version that exits at once is rolled back, all without a reboot.
cp "$TMP/web/services/web/main.c" "$TMP/web-main.c.saved"
sed -i 's/"hello", ftl_http_param/"hi", ftl_http_param/' "$TMP/web/services/web/main.c"
# Under a light load from wrk, from before the apply until after it: the
# old instance drains while the new one takes the port, so no request
# fails (wrk prints "Socket errors" and "Non-2xx" lines only if some did).
wrk -t1 -c4 -d120s --timeout 5s -s "$ROOT/tests/cli/light_load.lua" \
    http://127.0.0.1:8080/hello/load >"$TMP/wrk.txt" 2>&1 &
wrk_pid=$!
sleep 1
ftl_in "$TMP/web" apply
expect apply_replaces_a_changed_service 0 "replace web"
sleep 1
kill -INT "$wrk_pid"
wait "$wrk_pid"
grep -Eq "^ +[1-9][0-9]* requests in" "$TMP/wrk.txt" &&
    ! grep -Eq "Socket errors|Non-2xx" "$TMP/wrk.txt"
result no_request_fails_while_the_server_is_replaced \
    "$([[ $? -ne 0 ]] && tr '\n' ' ' <"$TMP/wrk.txt")"
grep -q "drain old web" <<<"$ERR$OUT"
result the_old_server_drains_after_the_new_one_is_ready \
    "$([[ $? -ne 0 ]] && tail -5 <<<"$ERR$OUT")"
expect apply_sends_only_the_manifest_and_the_changed_program 0 \
    "SEND +boot\.manifest web\.elf: [0-9]+ KiB of [0-9]+ \(7 files unchanged\)"
code="$(http_get http://127.0.0.1:8080/hello/apply)"
[[ "$code" == 200 ]] && [[ "$(cat "$TMP/body")" == '{"hi":"apply"}' ]]
result the_applied_version_answers \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body" 2>/dev/null)")"
sed -i 's/services: \[virtio_net, tcpip, virtio_rng, random, control, web\]/services: [virtio_net, tcpip, virtio_rng, random, control, web, kv]/' \
    "$TMP/web/ftl.yaml"
ftl_in "$TMP/web" apply
expect apply_starts_a_new_service 0 "start kv"
expect apply_sends_a_new_services_program 0 \
    "SEND +boot\.manifest kv\.elf: .*\(8 files unchanged\)"
ftl_in "$TMP/web" status
expect the_new_service_runs 0 "kv +Running"
python3 - "$TMP/web/services/web/main.c" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
open(path, "w").write(text.replace("int main(void)\n{", "int main(void)\n{\n    return 3;", 1))
PY
ftl_in "$TMP/web" apply
expect a_crashing_version_is_rolled_back 1 "rollback web: exited with status 3"
code="$(http_get http://127.0.0.1:8080/hello/back)"
[[ "$code" == 200 ]] && [[ "$(cat "$TMP/body")" == '{"hi":"back"}' ]]
result the_previous_version_serves_after_the_rollback \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body" 2>/dev/null)")"
cp "$TMP/web-main.c.saved" "$TMP/web/services/web/main.c"
# A bad spec stops the apply on the host, naming its file, line and field;
# the running system is not touched.
sed -i 's/isolation: user$/isolation: usr/' "$TMP/web/services/web/service.yaml"
ftl_in "$TMP/web" apply
expect apply_of_a_bad_spec_names_the_field 3 \
    "services/web/service.yaml:7:[0-9]+: spec.isolation"
code="$(http_get http://127.0.0.1:8080/hello/still)"
[[ "$code" == 200 ]] && [[ "$(cat "$TMP/body")" == '{"hi":"still"}' ]]
result a_bad_spec_changes_nothing \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body" 2>/dev/null)")"
sed -i 's/isolation: usr$/isolation: user/' "$TMP/web/services/web/service.yaml"
# A service left out of ftl.yaml is stopped; the one whose program changed
# back is replaced, and `ftl status` shows the version it runs: the
# SHA-256 of its program in the build.
sed -i 's/, web, kv\]/, web]/' "$TMP/web/ftl.yaml"
# After a rollback what runs is not known for sure: everything goes, once.
ftl_in "$TMP/web" apply
expect apply_after_a_rollback_sends_everything 0 \
    "SEND +boot\.manifest .*web\.elf: .*\(the last apply did not fully go in\)"
expect apply_stops_a_service_left_out 0 "stop kv"
ftl_in "$TMP/web" status
! grep -Eq "^kv " <<<"$OUT"
result the_removed_service_is_gone "$([[ $? -ne 0 ]] && echo "$OUT")"
web_version="$(tar xOf "$TMP/web/build/initfs.tar" ./web.elf | sha256sum | cut -c1-12)"
grep -Eq "^web +Running .* $web_version *\$" <<<"$OUT"
result status_shows_the_version_of_the_applied_program \
    "$([[ $? -ne 0 ]] && echo "no $web_version in: $OUT")"
ftl_in "$TMP/web" apply
expect apply_of_nothing_new_sends_the_manifest_alone 0 \
    "SEND +boot\.manifest: [0-9]+ KiB of [0-9]+ \(8 files unchanged\)"
expect apply_of_nothing_new_changes_nothing 0 "nothing to change"
ftl_in "$TMP/web" apply --full
expect apply_full_sends_everything 0 \
    "SEND +boot\.manifest control\.elf .* web\.elf: .*\(--full\)"
# A record of another boot (another QEMU's pid), or none: everything goes.
sed -i 's/^boot [0-9]* /boot 1 /' "$record"
ftl_in "$TMP/web" apply
expect apply_with_another_boots_record_sends_everything 0 \
    "SEND +boot\.manifest .*web\.elf: .*\(no record of what the running system has\)"
[[ ! -e "$record" ]]
result a_stale_record_is_removed "$([[ $? -ne 0 ]] && cat "$record")"
ftl_in "$TMP/web" apply
expect apply_without_a_record_sends_everything 0 \
    "SEND +boot\.manifest .*web\.elf: .*\(no record of what the running system has\)"
cp "$TMP/web/build/control.key" "$TMP/control.key.saved"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$TMP/web/build/control.key"
echo >>"$TMP/web/build/control.key"
ftl_in "$TMP/web" status
expect status_with_another_key_is_refused 1 "built with another key"
cp "$TMP/control.key.saved" "$TMP/web/build/control.key"
ftl_in "$TMP/web" stop

# --- ftl dev: a service change is applied, a boot setting reboots ---------
# dev_wait PATTERN: ftl dev's output shows PATTERN within 60 s.
dev_wait() {
    for _ in $(seq 300); do
        grep -Eq -- "$1" "$TMP/dev.log" && return 0
        sleep 0.2
    done
    return 1
}
(cd "$TMP/web" && exec env -u FTL_SDK "$FTL" dev </dev/null >"$TMP/dev.log" 2>&1) &
dev_pid=$!
code="$(http_get http://127.0.0.1:8080/hello/dev)"
[[ "$code" == 200 ]] && [[ "$(cat "$TMP/body")" == '{"hello":"dev"}' ]]
result dev_boots_the_system "$([[ $? -ne 0 ]] && echo "status $code: $(tail -5 "$TMP/dev.log")")"
sed -i 's/"hello", ftl_http_param/"edited", ftl_http_param/' "$TMP/web/services/web/main.c"
why=""
dev_wait "ftl dev: applied in [0-9]+ ms \(build [0-9]+ ms, apply [0-9]+ ms" ||
    why="no applied line: $(grep -v '^\[' "$TMP/dev.log" | tail -5)"
code="$(http_get http://127.0.0.1:8080/hello/dev)"
[[ -z "$why" && ( "$code" != 200 || "$(cat "$TMP/body")" != '{"edited":"dev"}' ) ]] &&
    why="status $code: $(head -c 200 "$TMP/body")"
[[ -z "$why" && "$(grep -c "FTL: booting" "$TMP/dev.log")" != 1 ]] &&
    why="it rebooted: $(grep -v '^\[' "$TMP/dev.log" | tail -5)"
grep -Eq "APPLY +replace web" "$TMP/dev.log" || why="${why:-no replace step}"
result dev_applies_a_service_change_without_a_reboot "$why"
sed -i 's/memory: 128MiB/memory: 160MiB/' "$TMP/web/ftl.yaml"
why=""
dev_wait "ftl dev: rebooting: the boot settings changed" ||
    why="no reboot line: $(grep -v '^\[' "$TMP/dev.log" | tail -5)"
for _ in $(seq 300); do
    [[ "$(grep -c "FTL: booting" "$TMP/dev.log")" -ge 2 ]] && break
    sleep 0.2
done
[[ -z "$why" && "$(grep -c "FTL: booting" "$TMP/dev.log")" != 2 ]] &&
    why="booted $(grep -c "FTL: booting" "$TMP/dev.log") times"
code="$(http_get http://127.0.0.1:8080/hello/again)"
[[ -z "$why" && ( "$code" != 200 || "$(cat "$TMP/body")" != '{"edited":"again"}' ) ]] &&
    why="status $code after the reboot"
result dev_reboots_on_a_boot_setting_change "$why"
qemu_pid="$(cat "$TMP/web/build/run/qemu.pid" 2>/dev/null)"
kill "$dev_pid"
wait "$dev_pid"
dev_pid=""
sleep 0.5
[[ -n "$qemu_pid" ]] && ! kill -0 "$qemu_pid" 2>/dev/null
result dev_ends_its_qemu "$([[ $? -ne 0 ]] && echo "QEMU ${qemu_pid:-?} still runs")"
sed -i 's/memory: 160MiB/memory: 128MiB/' "$TMP/web/ftl.yaml"
cp "$TMP/web-main.c.saved" "$TMP/web/services/web/main.c"

# --- ftl run --gdb: gdb attaches with the symbols where the code runs -----
# gdb_session DIR GDB-ARGS...: with the project's system running, runs gdb
# in batch mode on its build/run/gdbinit while GET /hello/ada is tried every
# second (the HTTP template's `hello` handler); sets GDB_OUT.
gdb_session() {
    local dir="$1" poker
    shift
    (for _ in $(seq 60); do
        curl -s -m 3 -o /dev/null http://127.0.0.1:8080/hello/ada
        sleep 1
    done) &
    poker=$!
    GDB_OUT="$(cd "$dir" && timeout 120 gdb -nx -batch -x build/run/gdbinit \
        "$@" 2>&1)"
    kill "$poker" 2>/dev/null
    wait "$poker" 2>/dev/null
}
# The unstripped kernel and base programs: the -dbg tarball unpacked over
# the SDK, as docs/cli.md says.
tar -xzf "${TARBALL%.tar.gz}-dbg.tar.gz" -C "$TMP/sdk" --strip-components=1
ftl_in "$TMP" new dbg --template http
if ! command -v gdb >/dev/null; then
    result run_gdb_symbols_in_a_user_mode_service "gdb is not installed (scripts/setup-host.sh installs it)"
else
    ftl_in "$TMP/dbg" run --detach --gdb
    expect run_gdb_says_how_to_attach 0 \
        "gdb stub is on 127\.0\.0\.1:[0-9]+; attach with \`gdb -x build/run/gdbinit\`"
    port="$(grep -Eo '127\.0\.0\.1:[0-9]+' <<<"$ERR" | grep -v ':8080$' | head -1)"
    args="$(tr '\0' ' ' </proc/"$(cat "$TMP/dbg/build/run/qemu.pid")"/cmdline)"
    [[ -n "$port" && "$args" == *"-gdb tcp:$port "* ]]
    result run_gdb_starts_the_stub_on_localhost "$([[ $? -ne 0 ]] && echo "port $port, QEMU: $args")"
    # A breakpoint in the service's own code, on its process only (every
    # user-mode program is at 0x400000), hit by a request: the stop names
    # the function, its caller in libftl and the process; the kernel's
    # symbols come with source lines (the unstripped kernel).
    gdb_session "$TMP/dbg" -ex 'break hello if $ftl_in("dbg")' \
        -ex continue -ex 'bt 2' -ex 'p $ftl_process()' \
        -ex 'info symbol $pc' -ex 'info line loader_spawn'
    why=""
    for want in "^Breakpoint 1, hello \(req=0x4[0-9a-f]+" \
                "^#1 +0x0*4[0-9a-f]+ in route_request .*http_router\.c" \
                '^\$1 = "dbg"' \
                "^hello in section \.text of .*/build/services/dbg/dbg\.elf" \
                '^Line [0-9]+ of "os/kernel/loader\.c"'; do
        grep -Eq -- "$want" <<<"$GDB_OUT" || why="no /$want/ in: $(tail -8 <<<"$GDB_OUT")"
    done
    result run_gdb_breaks_in_a_user_mode_service_with_its_symbols "$why"
    ftl_in "$TMP/dbg" stop
    # The same service in kernel mode: the gdb script finds where the
    # kernel put it (its process table) when gdb attaches after the boot.
    sed -i 's/isolation: user/isolation: kernel/' "$TMP/dbg/services/dbg/service.yaml"
    ftl_in "$TMP/dbg" run --detach --gdb
    expect run_gdb_boots_a_kernel_mode_service 0 "system ready: 6 services"
    gdb_session "$TMP/dbg" -ex 'break hello' -ex continue -ex 'bt 2' \
        -ex 'info symbol $pc'
    why=""
    for want in "^ftl: dbg +0xffffc[0-9a-f]+ +.*/build/services/dbg/dbg\.elf" \
                "^Breakpoint 1, hello \(req=0xffffc[0-9a-f]+" \
                "^#1 +0xffffc[0-9a-f]+ in route_request " \
                "^hello in section \.text of .*/build/services/dbg/dbg\.elf"; do
        grep -Eq -- "$want" <<<"$GDB_OUT" || why="no /$want/ in: $(tail -8 <<<"$GDB_OUT")"
    done
    result run_gdb_finds_a_kernel_mode_service_where_the_kernel_put_it "$why"
    ftl_in "$TMP/dbg" stop
    # --gdb-wait: the machine waits for gdb, and a kernel-mode service's
    # symbols are loaded as the kernel starts it, so a breakpoint set
    # before it exists (pending) is hit.
    ftl_in "$TMP/dbg" run --detach --gdb-wait
    expect run_gdb_wait_returns_at_once 0 "stopped before the first instruction"
    gdb_session "$TMP/dbg" -ex 'set breakpoint pending on' -ex 'break hello' \
        -ex continue -ex 'info symbol $pc'
    why=""
    for want in "^ftl: dbg started in kernel mode: symbols at 0xffffc[0-9a-f]+" \
                "^Breakpoint 1, hello \(req=0xffffc[0-9a-f]+" \
                "^hello in section \.text of .*/build/services/dbg/dbg\.elf"; do
        grep -Eq -- "$want" <<<"$GDB_OUT" || why="no /$want/ in: $(tail -8 <<<"$GDB_OUT")"
    done
    result run_gdb_wait_loads_a_kernel_mode_service_as_it_starts "$why"
    ftl_in "$TMP/dbg" stop
fi
ftl_in "$TMP" new echo --template tcp-echo
expect new_tcp_echo_template 0 "created echo from the tcp-echo template"
ftl_in "$TMP/echo" run --detach
expect tcp_echo_template_runs 0 "127.0.0.1:7007 -> guest 7/tcp"
echoed=""
for _ in $(seq 40); do
    echoed="$(python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", 7007), timeout=5)
s.sendall(b"echo me\n"); s.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = s.recv(64)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode())' 2>/dev/null)" && [[ -n "$echoed" ]] && break
    sleep 0.5
done
[[ "$echoed" == "echo me" ]]
result tcp_echo_template_echoes "$([[ $? -ne 0 ]] && echo "got '$echoed'")"
ftl_in "$TMP/echo" stop

# https: the development CA and certificate are made by ftl build, packed,
# said where they are, and curl trusts the page with that CA.
https_get() {
    local code
    for _ in $(seq 60); do
        code="$(curl -s -m 10 --cacert "$2" -o "$TMP/body" -w "%{http_code}" \
            "$1" 2>/dev/null)" && { echo "$code"; return 0; }
        sleep 0.5
    done
    echo "$code"
    return 1
}
ftl_in "$TMP" new secure --template https
expect new_https_template 0 "created secure from the https template"
ftl_in "$TMP/secure" build
expect https_template_builds_with_a_development_ca 0 \
    "trust .*secure/build/tls/ca.pem"
! grep -q "PRIVATE KEY" <<<"$OUT$ERR"
result https_build_prints_no_key "$([[ $? -ne 0 ]] && echo "a key in the output")"
tar -tf "$TMP/secure/build/initfs.tar" | grep "^./tls/key.pem$" >/dev/null &&
    tar -tf "$TMP/secure/build/initfs.tar" | grep "^./tls/cert.pem$" >/dev/null
result https_image_holds_the_tls_files \
    "$([[ $? -ne 0 ]] && tar -tf "$TMP/secure/build/initfs.tar" | tr '\n' ' ')"
ftl_in "$TMP/secure" run --detach
expect https_template_runs 0 "127.0.0.1:8443 -> guest 443/tcp"
code="$(https_get https://localhost:8443/ "$TMP/secure/build/tls/ca.pem")"
[[ "$code" == 200 ]] && grep -q "Hello from secure on FTL" "$TMP/body"
result https_template_serves_its_page_over_tls \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body" 2>/dev/null)")"
ftl_in "$TMP/secure" stop
! tar -xzf "$TARBALL" -O 2>/dev/null | grep -aq "PRIVATE KEY"
result sdk_ships_no_private_key "$([[ $? -ne 0 ]] && echo "a key in $TARBALL")"

# --- generators for HTTP services: a route and a resource ------------------
# http_call METHOD URL [BODY]: the status of the request; the answer's
# headers in $TMP/headers, its body in $TMP/body.
http_call() {
    local args=(-s -m 5 -X "$1" -D "$TMP/headers" -o "$TMP/body" -w "%{http_code}")
    [[ $# -gt 2 ]] && args+=(-H "Content-Type: application/json" --data "$3")
    curl "${args[@]}" "$2" 2>/dev/null
}
# status_is NAME EXPECTED METHOD PATH [BODY]: the api project answers that.
status_is() {
    local name="$1" expected="$2" code
    shift 2
    code="$(http_call "$1" "http://127.0.0.1:8080$2" "${@:3}")"
    result "$name" "$([[ "$code" != "$expected" ]] &&
        echo "$1 $2: status $code, not $expected: $(head -c 200 "$TMP/body")")"
}
ftl_in "$TMP" new api --template http
ftl_in "$TMP/api" generate route GET /items/:id/tags/:tag
expect generate_route 0 "create .*services/api/route_get_items_id_tags_tag.c"
expect generate_route_registers_it 0 "update .*services/api/main.c"
grep -q 'ftl_http_route(app, "GET", "/items/:id/tags/:tag",' \
    "$TMP/api/services/api/main.c"
result generate_route_is_in_main_c "$([[ $? -ne 0 ]] && echo "no ftl_http_route line")"
ftl_in "$TMP/api" generate route GET /items/:id/tags/:tag
expect generate_route_twice_refused 4 "api already routes GET /items/:id/tags/:tag"
ftl_in "$TMP/api" generate route FETCH /items
expect generate_route_bad_method 2 "METHOD \"FETCH\" is not one of GET, POST"
ftl_in "$TMP/api" generate route GET items/:id
expect generate_route_bad_path 2 "PATH \"items/:id\" is not a route pattern"
ftl_in "$TMP/api" generate route GET /items/:2
expect generate_route_bad_param 2 "PATH \"/items/:2\" is not a route pattern"
ftl_in "$TMP/api" generate route PUT /items/:id
expect generate_route_same_path_other_method 0 "create .*services/api/route_put_items_id.c"
ftl_in "$TMP/api" generate resource items
expect generate_resource_refused_under_a_route 4 "api already has routes on /items"
[[ ! -e "$TMP/api/services/api/items.c" && ! -e "$TMP/api/tests/items_test" ]]
result generate_refused_writes_nothing "$([[ $? -ne 0 ]] && echo "items files written")"
ftl_in "$TMP/api" generate resource notes
expect generate_resource 0 "create .*services/api/notes_store.c"
expect generate_resource_test 0 "create .*tests/notes_test/main.c"
ftl_in "$TMP/api" generate resource notes
expect generate_resource_twice_refused 4 "api already registers a resource notes"
ftl_in "$TMP/api" generate resource Notes
expect generate_resource_bad_name 2 "NAME \"Notes\" is not a valid resource name"
ftl_in "$TMP/api" build
expect generated_http_code_builds 0 "built api: 6 services"
! grep -q "warning:" <<<"$ERR$OUT"
result generated_http_code_has_no_warnings "$([[ $? -ne 0 ]] && grep "warning:" <<<"$ERR$OUT" | head -3)"
ftl_in "$TMP/api" test
expect generated_resource_tests_pass 0 "^test: 11 passed, 0 failed"
# The tests check what they say: a resource that answers 200 to DELETE
# fails its delete test, and ftl test with it.
sed -i 's/ftl_http_send(res, 204,/ftl_http_send(res, 200,/' \
    "$TMP/api/services/api/notes.c"
ftl_in "$TMP/api" test
expect generated_resource_tests_can_fail 1 "^test: 10 passed, 1 failed"
sed -i 's/ftl_http_send(res, 200, NULL/ftl_http_send(res, 204, NULL/' \
    "$TMP/api/services/api/notes.c"
# Every route through ftl run, as a client sees it.
ftl_in "$TMP/api" run --detach
expect generated_http_code_runs 0 "127.0.0.1:8080 -> guest 80/tcp"
code="$(http_get http://127.0.0.1:8080/items/7/tags/red)"
[[ "$code" == 200 &&
   "$(cat "$TMP/body")" == '{"route":"GET /items/:id/tags/:tag","id":"7","tag":"red"}' ]]
result generated_route_echoes_its_params \
    "$([[ $? -ne 0 ]] && echo "status $code: $(head -c 200 "$TMP/body")")"
status_is resource_list_starts_empty 200 GET /notes
[[ "$(cat "$TMP/body")" == "[]" ]]
result resource_list_is_an_empty_array "$([[ $? -ne 0 ]] && head -c 200 "$TMP/body")"
status_is resource_create_is_201 201 POST /notes '{"text":"hi"}'
grep -qi "^Location: /notes/1" "$TMP/headers" &&
    [[ "$(cat "$TMP/body")" == '{"text":"hi","id":1}' ]]
result resource_create_answers_the_item_and_location \
    "$([[ $? -ne 0 ]] && head -c 300 "$TMP/headers" "$TMP/body")"
status_is resource_create_needs_json 400 POST /notes 'not json'
status_is resource_show_is_200 200 GET /notes/1
status_is resource_show_absent_is_404 404 GET /notes/2
status_is resource_show_bad_id_is_404 404 GET /notes/x
status_is resource_update_is_200 200 PUT /notes/1 '{"text":"bye"}'
[[ "$(cat "$TMP/body")" == '{"text":"bye","id":1}' ]]
result resource_update_replaces_the_item "$([[ $? -ne 0 ]] && head -c 200 "$TMP/body")"
status_is resource_update_absent_is_404 404 PUT /notes/2 '{"text":"x"}'
status_is resource_list_is_200 200 GET /notes
[[ "$(cat "$TMP/body")" == '[{"text":"bye","id":1}]' ]]
result resource_list_has_the_item "$([[ $? -ne 0 ]] && head -c 200 "$TMP/body")"
status_is resource_delete_is_204 204 DELETE /notes/1
status_is resource_delete_absent_is_404 404 DELETE /notes/1
status_is resource_show_deleted_is_404 404 GET /notes/1
ftl_in "$TMP/api" stop

# --- generators --------------------------------------------------------------
ftl_in "$TMP" new gen
for h in open write getattr setattr; do
    ftl_in "$TMP/gen" generate handler "$h"
    expect "generate_handler_$h" 0 "update .*services/gen/main.c"
done
ftl_in "$TMP/gen" generate handler read
expect generate_handler_twice_refused 4 "gen already registers an on_read handler"
ftl_in "$TMP/gen" generate service store
expect generate_service 0 "create .*services/store/main.c"
ftl_in "$TMP/gen" generate service store
expect generate_service_twice_refused 4 "services/store already exists"
ftl_in "$TMP/gen" generate client store
expect generate_client_needs_a_service 2 "which service\?"
ftl_in "$TMP/gen" generate client store --service gen
expect generate_client_of_project_service 0 "update .*services/gen/service.yaml"
ftl_in "$TMP/gen/services/store" generate client kv
expect generate_client_of_base_service 0 "update .*ftl.yaml"
ftl_in "$TMP/gen" generate client nosuch --service gen
expect generate_client_unknown_service 2 "no service nosuch"
ftl_in "$TMP/gen" generate driver pci 1234:11e8
expect generate_driver 0 "create .*services/driver_1234_11e8/service.yaml"
ftl_in "$TMP/gen" generate test store_test --service store
expect generate_test 0 "create .*tests/store_test/main.c"
ftl_in "$TMP/gen" build
expect generated_code_builds 0 "built gen: 7 services"
boots generated_code_runs gen "system ready: 7 services running" \
    "\[gen\] store answered READ with 18 bytes" \
    "\[store\] kv answered READ with an error" \
    "\[driver_1234_11e8\] found 1234:11e8"
ftl_in "$TMP/gen" test
expect generated_tests_pass 0 "test: 4 passed, 0 failed"

# A failing test fails ftl test.
ftl_in "$TMP/gen" generate test strict_test --service gen
sed -i 's/result->value > 0/result->value > 1000/' \
    "$TMP/gen/tests/strict_test/main.c"
ftl_in "$TMP/gen" test
expect failing_test_fails_ftl_test 1 "test: 5 passed, 1 failed"

# --- Google Compute Engine: the image, and gcloud as deploy drives it ------
ftl_in "$TMP/web" build --target gce
expect build_target_gce 0 "GCE image: .*build/gce/ftl-gce.tar.gz"
why="$(python3 - "$TMP/web/build/gce/ftl-gce.tar.gz" <<'EOF'
import gzip, sys, tarfile
with gzip.open(sys.argv[1]) as raw:
    magic = raw.read(512)[257:265]
with tarfile.open(sys.argv[1], "r:gz") as tar:
    members = tar.getmembers()
if magic != b"ustar  \x00":
    print("not oldgnu: %r" % magic)
elif [m.name for m in members] != ["disk.raw"]:
    print("members %s" % [m.name for m in members])
elif members[0].size == 0 or members[0].size % (1 << 30):
    print("disk.raw is %d bytes" % members[0].size)
EOF
)"
result gce_image_is_an_oldgnu_tar_of_one_whole_gib_disk "$why"

# A fake gcloud first in PATH records every call in $GCLOUD_LOG; describe
# succeeds for the kinds named in $GCLOUD_EXISTS (KIND, or KIND:TEXT for
# the calls with TEXT in them: "images:web-0ld"); a managed instance
# group runs the template $GCLOUD_TEMPLATE; auth list shows an account
# unless $GCLOUD_NO_AUTH is set. Nothing real is contacted.
mkdir -p "$TMP/fakebin"
cat >"$TMP/fakebin/gcloud" <<'EOF'
#!/usr/bin/env bash
echo "gcloud $*" >>"$GCLOUD_LOG"
# exists KIND CALL: whether $GCLOUD_EXISTS says KIND exists for CALL.
exists() {
    local e
    for e in ${GCLOUD_EXISTS:-}; do
        [[ "${e%%:*}" == "$1" ]] || continue
        [[ "$e" != *:* || "$2" == *"${e#*:}"* ]] && return 0
    done
    return 1
}
# Every command line, quoted for the shell, for the real gcloud's check.
printf '%q ' gcloud "$@" >>"$GCLOUD_ARGV_LOG" && echo >>"$GCLOUD_ARGV_LOG"
case "$1 $2 $3" in
"auth list "*) [[ -z "${GCLOUD_NO_AUTH:-}" ]] && echo dev@example.com ;;
"compute instance-groups managed")
    case "$4" in
    describe)
        exists instance-groups "$*" || exit 1
        [[ "$*" == *instanceTemplate* ]] && echo "${GCLOUD_TEMPLATE:-}" ;;
    list-instances)
        z="https://www.googleapis.com/compute/v1/projects/p1/zones"
        echo "$z/us-central1-a/instances/web-abcd"
        echo "$z/us-central1-b/instances/web-efgh" ;;
    esac ;;
"compute "*" describe")
    [[ "$*" == *natIP* ]] && echo 203.0.113.7 && exit 0
    [[ "$*" == *IPAddress* ]] && echo 198.51.100.4 && exit 0
    exists "$2" "$*"; exit $? ;;
"storage objects describe") exists objects "$*"; exit $? ;;
"compute instances get-serial-port-output")
    echo "[supervisor] system ready: 3 services running"
    echo "Specify --start=42 in the next get-serial-port-output invocation" >&2 ;;
"compute connect-to-serial-port "*)
    # What ssh says when its stdin is not a terminal (gcloud runs ssh -t).
    echo "Pseudo-terminal will not be allocated because stdin is not a terminal." >&2
    if [[ -n "${GCLOUD_SERIAL_ERROR:-}" ]]; then
        echo "ERROR: (gcloud.compute.connect-to-serial-port) $GCLOUD_SERIAL_ERROR" >&2
        exit 1
    fi
    exec python3 "$FAKE_RELAY" --socket "$GCE_SERIAL_SOCK" --name "$3" \
        ${GCLOUD_SERIAL_REPLAY:+--replay "$GCLOUD_SERIAL_REPLAY"} ;;
esac
exit 0
EOF
chmod +x "$TMP/fakebin/gcloud"
export GCLOUD_LOG="$TMP/gcloud.log"
export GCLOUD_ARGV_LOG="$TMP/gcloud-argv.log"
FAKE_PATH="$TMP/fakebin:$PATH"
# A PATH without gcloud (this machine may have a real one): only what
# ftl_in itself runs.
mkdir -p "$TMP/nogcloud"
ln -s "$(command -v env)" "$(command -v cat)" "$TMP/nogcloud/"
tarball="$TMP/web/build/gce/ftl-gce.tar.gz"
nat="--format=get(networkInterfaces[0].accessConfigs[0].natIP)"
# calls_are NAME EXPECTED: the fake gcloud saw exactly EXPECTED.
calls_are() {
    local got
    got="$(cat "$GCLOUD_LOG" 2>/dev/null)"
    result "$1" "$([[ "$got" != "$2" ]] && diff <(echo "$2") <(echo "$got"))"
}

rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --project p1 --bucket b1
expect deploy_gce_first_prints_the_url 0 "http://203.0.113.7/"
expect deploy_gce_says_how_to_ask_the_instance 0 \
    "services: ftl status --gce web --zone us-central1-a --project p1"
calls_are deploy_gce_first_deploy_calls "gcloud auth list --filter=status:ACTIVE --format=value(account)
gcloud storage cp $tarball gs://b1/web.tar.gz
gcloud compute images describe web --project=p1
gcloud compute images create web --project=p1 --source-uri=gs://b1/web.tar.gz
gcloud compute instances describe web --project=p1 --zone=us-central1-a
gcloud compute instances create web --project=p1 --zone=us-central1-a --machine-type=e2-micro --image=web --metadata=serial-port-enable=TRUE --tags=web
gcloud compute firewall-rules describe web-ports --project=p1
gcloud compute firewall-rules create web-ports --project=p1 --allow=tcp:80 --target-tags=web --source-ranges=0.0.0.0/0
gcloud compute instances describe web --project=p1 --zone=us-central1-a $nat"

rm -f "$GCLOUD_LOG"
GCLOUD_EXISTS="images instances firewall-rules" PATH="$FAKE_PATH" \
    ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 --name site \
    --zone europe-west1-b --machine-type e2-small
expect deploy_gce_redeploy_succeeds 0 "deployed site: external IP 203.0.113.7"
calls_are deploy_gce_redeploy_replaces "gcloud auth list --filter=status:ACTIVE --format=value(account)
gcloud storage cp $tarball gs://b1/site.tar.gz
gcloud compute images describe site --project=p1
gcloud compute images delete site --project=p1 --quiet
gcloud compute images create site --project=p1 --source-uri=gs://b1/site.tar.gz
gcloud compute instances describe site --project=p1 --zone=europe-west1-b
gcloud compute instances delete site --project=p1 --zone=europe-west1-b --quiet
gcloud compute instances create site --project=p1 --zone=europe-west1-b --machine-type=e2-small --image=site --metadata=serial-port-enable=TRUE --tags=site
gcloud compute firewall-rules describe site-ports --project=p1
gcloud compute firewall-rules update site-ports --project=p1 --allow=tcp:80 --target-tags=site --source-ranges=0.0.0.0/0
gcloud compute instances describe site --project=p1 --zone=europe-west1-b $nat"

rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 --dry-run
expect deploy_gce_dry_run_prints_the_commands 0 \
    "gcloud compute instances create web --project=p1 --zone=us-central1-a --machine-type=e2-micro --image=web --metadata=serial-port-enable=TRUE --tags=web"
[[ ! -e "$GCLOUD_LOG" && "$OUT" == *"gcloud storage cp $tarball gs://b1/web.tar.gz"* ]]
result deploy_gce_dry_run_runs_nothing \
    "$([[ $? -ne 0 ]] && cat "$GCLOUD_LOG" 2>/dev/null)"
# --- replicas: a managed instance group behind a load balancer -----------
version="web-$(sha256sum "$tarball" | cut -c1-8)"
all_lb="backend-services:--global url-maps target-http-proxies forwarding-rules:web-http"
rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 \
    --replicas 2
expect deploy_gce_group_prints_the_balancer 0 "http://198.51.100.4/"
calls_are deploy_gce_group_first_deploy_calls "gcloud auth list --filter=status:ACTIVE --format=value(account)
gcloud compute images describe $version --project=p1
gcloud storage cp $tarball gs://b1/$version.tar.gz
gcloud compute images create $version --project=p1 --source-uri=gs://b1/$version.tar.gz
gcloud compute instance-templates describe $version --project=p1
gcloud compute instance-templates create $version --project=p1 --machine-type=e2-micro --image=$version --metadata=serial-port-enable=TRUE --tags=web
gcloud compute firewall-rules describe web-ports --project=p1
gcloud compute firewall-rules create web-ports --project=p1 --allow=tcp:80 --target-tags=web --source-ranges=0.0.0.0/0
gcloud compute health-checks describe web-health --project=p1 --global
gcloud compute health-checks create http web-health --project=p1 --global --port=80 --check-interval=5s --timeout=5s --healthy-threshold=2 --unhealthy-threshold=2 --request-path=/
gcloud compute instance-groups managed describe web-group --project=p1 --zone=us-central1-a --format=value(instanceTemplate.basename())
gcloud compute instance-groups managed create web-group --project=p1 --zone=us-central1-a --template=$version --size=2 --base-instance-name=web --health-check=web-health --initial-delay=120
gcloud compute instance-groups managed set-named-ports web-group --project=p1 --zone=us-central1-a --named-ports=http:80
gcloud compute instance-groups managed wait-until web-group --project=p1 --zone=us-central1-a --stable --timeout=1200
gcloud compute backend-services describe web-backend --project=p1 --global
gcloud compute backend-services create web-backend --project=p1 --global --protocol=HTTP --load-balancing-scheme=EXTERNAL --health-checks=web-health --port-name=http
gcloud compute backend-services add-backend web-backend --project=p1 --global --instance-group=web-group --instance-group-zone=us-central1-a --balancing-mode=UTILIZATION
gcloud compute url-maps describe web-lb --project=p1 --global
gcloud compute url-maps create web-lb --project=p1 --global --default-service=web-backend
gcloud compute target-http-proxies describe web-proxy --project=p1 --global
gcloud compute target-http-proxies create web-proxy --project=p1 --global --url-map=web-lb
gcloud compute forwarding-rules describe web-http --project=p1 --global
gcloud compute forwarding-rules create web-http --project=p1 --global --load-balancing-scheme=EXTERNAL --target-http-proxy=web-proxy --ports=80
gcloud compute forwarding-rules describe web-http --project=p1 --global --format=value(IPAddress)"

# A re-deploy of another image: a rolling update to the new template,
# never below the group's size; the old version goes once it is stable.
rm -f "$GCLOUD_LOG"
GCLOUD_EXISTS="firewall-rules health-checks instance-groups $all_lb instance-templates:web-0ld images:web-0ld objects:web-0ld" \
GCLOUD_TEMPLATE=web-0ld0ld00 PATH="$FAKE_PATH" \
    ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 --replicas 2 \
    --health-path /status
expect deploy_gce_group_redeploy_succeeds 0 "deployed web: 2 replicas of $version"
calls_are deploy_gce_group_redeploy_is_a_rolling_update "gcloud auth list --filter=status:ACTIVE --format=value(account)
gcloud compute images describe $version --project=p1
gcloud storage cp $tarball gs://b1/$version.tar.gz
gcloud compute images create $version --project=p1 --source-uri=gs://b1/$version.tar.gz
gcloud compute instance-templates describe $version --project=p1
gcloud compute instance-templates create $version --project=p1 --machine-type=e2-micro --image=$version --metadata=serial-port-enable=TRUE --tags=web
gcloud compute firewall-rules describe web-ports --project=p1
gcloud compute firewall-rules update web-ports --project=p1 --allow=tcp:80 --target-tags=web --source-ranges=0.0.0.0/0
gcloud compute health-checks describe web-health --project=p1 --global
gcloud compute health-checks update http web-health --project=p1 --global --port=80 --check-interval=5s --timeout=5s --healthy-threshold=2 --unhealthy-threshold=2 --request-path=/status
gcloud compute instance-groups managed describe web-group --project=p1 --zone=us-central1-a --format=value(instanceTemplate.basename())
gcloud compute instance-groups managed rolling-action start-update web-group --project=p1 --zone=us-central1-a --version=template=$version --max-unavailable=0 --max-surge=1
gcloud compute instance-groups managed resize web-group --project=p1 --zone=us-central1-a --size=2
gcloud compute instance-groups managed wait-until web-group --project=p1 --zone=us-central1-a --stable --timeout=1200
gcloud compute backend-services describe web-backend --project=p1 --global
gcloud compute url-maps describe web-lb --project=p1 --global
gcloud compute target-http-proxies describe web-proxy --project=p1 --global
gcloud compute forwarding-rules describe web-http --project=p1 --global
gcloud compute instance-templates describe web-0ld0ld00 --project=p1
gcloud compute instance-templates delete web-0ld0ld00 --project=p1 --quiet
gcloud compute images describe web-0ld0ld00 --project=p1
gcloud compute images delete web-0ld0ld00 --project=p1 --quiet
gcloud storage objects describe gs://b1/web-0ld0ld00.tar.gz
gcloud storage rm gs://b1/web-0ld0ld00.tar.gz
gcloud compute forwarding-rules describe web-http --project=p1 --global --format=value(IPAddress)"

# The same image with another size: a resize, nothing uploaded.
rm -f "$GCLOUD_LOG"
GCLOUD_EXISTS="images instance-templates firewall-rules health-checks instance-groups $all_lb" \
GCLOUD_TEMPLATE="$version" PATH="$FAKE_PATH" \
    ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 --replicas 4
expect deploy_gce_group_resize_succeeds 0 "deployed web: 4 replicas"
calls_are deploy_gce_group_resize_calls "gcloud auth list --filter=status:ACTIVE --format=value(account)
gcloud compute images describe $version --project=p1
gcloud compute instance-templates describe $version --project=p1
gcloud compute firewall-rules describe web-ports --project=p1
gcloud compute firewall-rules update web-ports --project=p1 --allow=tcp:80 --target-tags=web --source-ranges=0.0.0.0/0
gcloud compute health-checks describe web-health --project=p1 --global
gcloud compute health-checks update http web-health --project=p1 --global --port=80 --check-interval=5s --timeout=5s --healthy-threshold=2 --unhealthy-threshold=2 --request-path=/
gcloud compute instance-groups managed describe web-group --project=p1 --zone=us-central1-a --format=value(instanceTemplate.basename())
gcloud compute instance-groups managed resize web-group --project=p1 --zone=us-central1-a --size=4
gcloud compute instance-groups managed wait-until web-group --project=p1 --zone=us-central1-a --stable --timeout=1200
gcloud compute backend-services describe web-backend --project=p1 --global
gcloud compute url-maps describe web-lb --project=p1 --global
gcloud compute target-http-proxies describe web-proxy --project=p1 --global
gcloud compute forwarding-rules describe web-http --project=p1 --global
gcloud compute forwarding-rules describe web-http --project=p1 --global --format=value(IPAddress)"

# --delete: users before what they use, whichever kind of balancer.
rm -f "$GCLOUD_LOG"
GCLOUD_EXISTS="instance-groups health-checks:--global instance-templates images:$version firewall-rules objects:$version $all_lb" \
GCLOUD_TEMPLATE="$version" PATH="$FAKE_PATH" \
    ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 --delete
expect deploy_gce_group_delete_succeeds 0 "deleted what \`ftl deploy gce\` made for web"
calls_are deploy_gce_group_delete_calls "gcloud auth list --filter=status:ACTIVE --format=value(account)
gcloud compute instance-groups managed describe web-group --project=p1 --zone=us-central1-a --format=value(instanceTemplate.basename())
gcloud compute forwarding-rules describe web-http --project=p1 --global
gcloud compute forwarding-rules delete web-http --project=p1 --global --quiet
gcloud compute forwarding-rules describe web-tcp --project=p1 --region=us-central1
gcloud compute target-http-proxies describe web-proxy --project=p1 --global
gcloud compute target-http-proxies delete web-proxy --project=p1 --global --quiet
gcloud compute url-maps describe web-lb --project=p1 --global
gcloud compute url-maps delete web-lb --project=p1 --global --quiet
gcloud compute backend-services describe web-backend --project=p1 --global
gcloud compute backend-services delete web-backend --project=p1 --global --quiet
gcloud compute backend-services describe web-backend --project=p1 --region=us-central1
gcloud compute instance-groups managed describe web-group --project=p1 --zone=us-central1-a
gcloud compute instance-groups managed delete web-group --project=p1 --zone=us-central1-a --quiet
gcloud compute health-checks describe web-health --project=p1 --global
gcloud compute health-checks delete web-health --project=p1 --global --quiet
gcloud compute health-checks describe web-health --project=p1 --region=us-central1
gcloud compute instance-templates describe $version --project=p1
gcloud compute instance-templates delete $version --project=p1 --quiet
gcloud compute images describe $version --project=p1
gcloud compute images delete $version --project=p1 --quiet
gcloud compute instances describe web --project=p1 --zone=us-central1-a
gcloud compute images describe web --project=p1
gcloud compute firewall-rules describe web-ports --project=p1
gcloud compute firewall-rules delete web-ports --project=p1 --quiet
gcloud storage objects describe gs://b1/web.tar.gz
gcloud storage objects describe gs://b1/$version.tar.gz
gcloud storage rm gs://b1/$version.tar.gz"
# ... and what the one-instance deploy made.
rm -f "$GCLOUD_LOG"
GCLOUD_EXISTS="instances images firewall-rules objects" PATH="$FAKE_PATH" \
    ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 --delete
calls_are deploy_gce_delete_of_one_instance_calls "gcloud auth list --filter=status:ACTIVE --format=value(account)
gcloud compute instance-groups managed describe web-group --project=p1 --zone=us-central1-a --format=value(instanceTemplate.basename())
gcloud compute forwarding-rules describe web-http --project=p1 --global
gcloud compute forwarding-rules describe web-tcp --project=p1 --region=us-central1
gcloud compute target-http-proxies describe web-proxy --project=p1 --global
gcloud compute url-maps describe web-lb --project=p1 --global
gcloud compute backend-services describe web-backend --project=p1 --global
gcloud compute backend-services describe web-backend --project=p1 --region=us-central1
gcloud compute instance-groups managed describe web-group --project=p1 --zone=us-central1-a
gcloud compute health-checks describe web-health --project=p1 --global
gcloud compute health-checks describe web-health --project=p1 --region=us-central1
gcloud compute instances describe web --project=p1 --zone=us-central1-a
gcloud compute instances delete web --project=p1 --zone=us-central1-a --quiet
gcloud compute images describe web --project=p1
gcloud compute images delete web --project=p1 --quiet
gcloud compute firewall-rules describe web-ports --project=p1
gcloud compute firewall-rules delete web-ports --project=p1 --quiet
gcloud storage objects describe gs://b1/web.tar.gz
gcloud storage rm gs://b1/web.tar.gz"

# The other shapes, for the real gcloud's check below: a regional group
# behind a network load balancer autoscaled on CPU, and one autoscaled on
# requests per second.
rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 \
    --replicas 3 --region us-east1 --load-balancer tcp --autoscale-cpu 0.6 \
    --max-replicas 6
expect deploy_gce_group_tcp_prints_the_address 0 "198.51.100.4:80 \(tcp\)"
grep -q -- "--health-check=projects/p1/regions/us-east1/healthChecks/web-health" "$GCLOUD_LOG" &&
    grep -q "set-autoscaling web-group --project=p1 --region=us-east1 --min-num-replicas=3 --max-num-replicas=6 --target-cpu-utilization=0.6" "$GCLOUD_LOG" &&
    grep -q "forwarding-rules create web-tcp --project=p1 --region=us-east1 --load-balancing-scheme=EXTERNAL --ip-protocol=TCP --backend-service=web-backend --ports=80" "$GCLOUD_LOG"
result deploy_gce_group_regional_tcp_autoscaled "$([[ $? -ne 0 ]] && cat "$GCLOUD_LOG")"
rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 \
    --autoscale-rps 100
grep -q "add-backend web-backend .* --balancing-mode=RATE --max-rate-per-instance=100" "$GCLOUD_LOG" &&
    grep -q "set-autoscaling .* --min-num-replicas=1 --max-num-replicas=2 --target-load-balancing-utilization=0.8" "$GCLOUD_LOG"
result deploy_gce_group_autoscaled_on_requests "$([[ $? -ne 0 ]] && cat "$GCLOUD_LOG")"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 \
    --replicas 0
expect deploy_gce_checks_replicas 2 "--replicas takes a number from 1"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 \
    --autoscale-rps 10 --load-balancer tcp
expect deploy_gce_rps_needs_http 2 "not with tcp"
rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" logs gce web --group --zone us-central1-a \
    --project p1
expect logs_gce_group_heads_each_instance 0 "== web-efgh \(us-central1-b\)"
calls_are logs_gce_group_reads_every_instance "gcloud compute instance-groups managed list-instances web-group --zone=us-central1-a --uri --project=p1
gcloud compute instances get-serial-port-output web-abcd --zone=us-central1-a --project=p1
gcloud compute instances get-serial-port-output web-efgh --zone=us-central1-b --project=p1"

sed -i 's/^spec:/spec:\n  deploy:\n    gce: {project: p2, zone: asia-east1-a}/' \
    "$TMP/web/ftl.yaml"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --bucket b1 --dry-run
expect deploy_gce_reads_ftl_yaml 0 "instances create web --project=p2 --zone=asia-east1-a --machine-type=e2-micro"
sed -i 's/zone: asia-east1-a}/zone: asia-east1-a, replicas: 2, healthPath: \/status}/' \
    "$TMP/web/ftl.yaml"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --bucket b1 --dry-run
expect deploy_gce_reads_replicas_from_ftl_yaml 0 "instance-groups managed create web-group --project=p2 --zone=asia-east1-a --template=$version --size=2"
expect deploy_gce_reads_the_health_path_from_ftl_yaml 0 "health-checks create http web-health .* --request-path=/status"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --delete --dry-run
expect deploy_gce_delete_dry_run_prints_every_delete 0 "forwarding-rules delete web-http --project=p2 --global --quiet"
[[ "$OUT" == *"instance-groups managed delete web-group --project=p2 --zone=asia-east1-a --quiet"* &&
   "$OUT" == *"firewall-rules delete web-ports --project=p2 --quiet"* ]]
result deploy_gce_delete_dry_run_deletes_group_and_rule "$([[ $? -ne 0 ]] && echo "$OUT")"
sed -i 's/, replicas: 2, healthPath: \/status}/}/' "$TMP/web/ftl.yaml"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --project p1 --bucket b1 \
    --name Bad_Name --dry-run
expect deploy_gce_checks_the_name 2 "\"Bad_Name\" is not a GCE name"
PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --zone z
expect deploy_gce_needs_a_bucket 2 "which bucket\?"

PATH="$TMP/nogcloud" ftl_in "$TMP/web" deploy gce --bucket b1
expect deploy_gce_without_gcloud 5 "gcloud is not in PATH"
expect deploy_gce_without_gcloud_hint 5 "install the Google Cloud CLI"
rm -f "$GCLOUD_LOG"
GCLOUD_NO_AUTH=1 PATH="$FAKE_PATH" ftl_in "$TMP/web" deploy gce --bucket b1
expect deploy_gce_without_credentials 6 "run \`gcloud auth login\`"
calls_are deploy_gce_without_credentials_stops_early \
    "gcloud auth list --filter=status:ACTIVE --format=value(account)"

rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" logs gce web --zone us-east1-b
expect logs_gce_prints_the_serial_port 0 "system ready: 3 services running"
calls_are logs_gce_calls_get_serial_port_output \
    "gcloud compute instances get-serial-port-output web --zone=us-east1-b --project=p2"
rm -f "$GCLOUD_LOG"
(cd "$TMP" && PATH="$FAKE_PATH" timeout 5 "$FTL" logs gce web --follow \
    >/dev/null 2>&1)
grep -q "get-serial-port-output web --start=42" "$GCLOUD_LOG"
result logs_gce_follow_asks_from_next "$([[ $? -ne 0 ]] && cat "$GCLOUD_LOG")"
PATH="$TMP/nogcloud" ftl_in "$TMP" logs gce web
expect logs_gce_without_gcloud 5 "gcloud is not in PATH"

# --- the control channel of a GCE instance: ftl status, logs and apply
# --gce through the serial console relay ------------------------------------
# The fake gcloud runs tests/cli/fake_relay.py for connect-to-serial-port:
# it copies its stdin and stdout to and from a fake guest (as the relay
# does to the instance's serial port 2), after the relay's banner.
export FAKE_RELAY="$ROOT/tests/cli/fake_relay.py"
CTL_SOCK="$TMP/gce-serial2.sock"
export GCE_SERIAL_SOCK="$CTL_SOCK"
web_key="$TMP/web/build/control.key"
# relay_gone NAME: no relay of this test is left running.
relay_gone() {
    local left=""
    for _ in $(seq 30); do
        left="$(pgrep -f "fake_relay.py --socket $CTL_SOCK")" || break
        sleep 0.1
    done
    result "$1" "$([[ -n "$left" ]] && echo "relay pid $left still runs")"
}
fake_start --key "$web_key"
rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" status --gce web
lines_are status_gce_prints_the_instance_services "system up 4m05s, image 3fa9c2e1d0b4
NAME   STATE    RESTARTS  UPTIME  MEMORY/LIMIT     ISOLATION  VERSION
tcpip  running  0         4m05s   1.5 MiB/8.0 MiB  user       0.1.0
demo   running  2         1h02m   312 KiB/none     kernel     1.2.3"
# Zone and project from ftl.yaml's spec.deploy.gce, as deploy and logs gce.
calls_are status_gce_connects_to_serial_port_2 \
    "gcloud compute connect-to-serial-port web --port=2 --zone=asia-east1-a --project=p2"
! grep -q "Pseudo-terminal" <<<"$ERR"
result status_gce_keeps_ssh_quiet "$([[ $? -ne 0 ]] && echo "$ERR")"
relay_gone status_gce_ends_the_relay
rm -f "$GCLOUD_LOG"
PATH="$FAKE_PATH" ftl_in "$TMP/web" status --json --gce site --zone europe-west1-b \
    --project p1
expect status_gce_json 0 '"services"'
calls_are status_gce_zone_and_project_options \
    "gcloud compute connect-to-serial-port site --port=2 --zone=europe-west1-b --project=p1"
# A challenge of an earlier session (same key, another nonce) replayed by
# the relay before the guest's answer: the answer to our hello is taken.
GCLOUD_SERIAL_REPLAY="$web_key" PATH="$FAKE_PATH" ftl_in "$TMP/web" status --gce web
expect status_gce_takes_the_answer_not_a_replayed_challenge 0 "tcpip +running"
PATH="$FAKE_PATH" ftl_in "$TMP/web" status --gce web --key "$key2"
expect status_gce_with_another_key_is_refused 1 "built with another key"
expect status_gce_with_another_key_hints_deploy 1 "deploy this build's image"
rm -f "$CTL_RECORD"
PATH="$FAKE_PATH" ftl_in "$TMP/web" logs --gce web
lines_are logs_gce_prints_every_service "[tcpip] dhcp: bound to 10.0.2.15
[tcpip] listening on :80
[demo] ready
[demo] answered READ with 18 bytes
[demo] served 3 requests"
[[ "$(cat "$CTL_RECORD" 2>/dev/null)" == $'1 status\n2 logs tcpip 0\n3 logs demo 0' ]]
result logs_gce_is_one_session "$([[ $? -ne 0 ]] && echo "requests: $(cat "$CTL_RECORD" 2>&1)")"
capture "$TMP/web" env -u FTL_SDK PATH="$FAKE_PATH" timeout 6 "$FTL" logs demo \
    --follow --gce web
[[ $RC -eq 124 ]]
result logs_gce_follow_runs_until_stopped "$([[ $? -ne 0 ]] && echo "status $RC: $ERR")"
lines_are logs_gce_follow_prints_kept_then_new_lines "ready
answered READ with 18 bytes
served 3 requests
new line 1
new line 2"
relay_gone logs_gce_follow_killed_ends_the_relay
rm -f "$CTL_RECORD"
PATH="$FAKE_PATH" ftl_in "$TMP/web" apply --gce web
expect apply_gce_applies 0 "applied in"
expect apply_gce_prints_the_steps 0 "APPLY +replace demo"
# Nothing records what an instance runs: every file of the initfs goes.
initfs_names="$(tar tf "$TMP/web/build/initfs.tar" | grep -v '/$' |
    sed 's|^\./||' | tr '\n' ' ' | sed 's/ $//')"
expect apply_gce_sends_the_whole_initfs 0 \
    "SEND +$initfs_names: .*\(a GCE instance: no record of what it runs\)"
fake_start --key "$web_key" --refuse
PATH="$FAKE_PATH" ftl_in "$TMP/web" apply --gce web
expect apply_gce_failure_suggests_a_deploy 1 \
    "KiB bundle went through GCE's serial port; .* deploy instead"
fake_start --key "$web_key"
GCLOUD_SERIAL_ERROR="The resource 'projects/p2/zones/asia-east1-a/instances/gone' was not found" \
    PATH="$FAKE_PATH" ftl_in "$TMP/web" status --gce gone
expect status_gce_shows_gclouds_message 1 "instances/gone' was not found"
expect status_gce_says_the_relay_ended 1 "connect-to-serial-port ended \(status 1\)"
expect status_gce_hints_serial_port_enable 1 "serial-port-enable=TRUE"
fake_stop
PATH="$TMP/nogcloud" ftl_in "$TMP/web" status --gce web
expect status_gce_without_gcloud 5 "gcloud is not in PATH"
ftl_in "$TMP/web" status --gce web --socket "$CTL_SOCK"
expect status_gce_or_socket 2 "--socket and --gce are two channels"
ftl_in "$TMP/web" apply --zone z
expect apply_zone_is_for_gce 2 "--zone and --project are for --gce"
ftl_in "$TMP/web" logs --gce Bad_Name
expect logs_gce_checks_the_instance_name 2 "\"Bad_Name\" is not a GCE instance name"
ftl_in "$TMP/web" logs gce web --gce web
expect logs_console_takes_no_channel_options 2 "not for \`gce NAME\`, the serial console"

# --- every gcloud command line above passes the real gcloud's checks ------
# The real Google Cloud CLI, with an empty configuration (no account, no
# project), parses each command line the fake gcloud saw: flags and their
# values are checked, and the command then fails for want of an account
# before it reaches the network. An unknown flag or a bad value fails here.
real_gcloud="$(command -v gcloud)"
if [[ -z "$real_gcloud" ]]; then
    skip gcloud_accepts_every_command_line "the Google Cloud CLI is not installed"
else
    why=""
    gcloud_config="$(mktemp -d)"
    while IFS= read -r line; do
        eval "args=($line)"
        args[0]="$real_gcloud"
        out="$(CLOUDSDK_CONFIG="$gcloud_config" timeout 60 "${args[@]}" \
            </dev/null 2>&1)"
        status=$?
        if [[ $status -ne 0 && "$out" != *"You do not currently have an active account selected"* ]]; then
            why="${why:+$why; }$line: status $status: $(head -3 <<<"$out" | tr '\n' ' ')"
        fi
    done < <(sort -u "$GCLOUD_ARGV_LOG")
    rm -rf "$gcloud_config"
    grep -q "connect-to-serial-port" "$GCLOUD_ARGV_LOG" ||
        why="connect-to-serial-port was never called"
    result gcloud_accepts_every_command_line "$why"
fi

# --- bad specs, bad code, bad arguments --------------------------------------
sed -i 's/isolation: user /isolation: usr /' "$TMP/demo/services/demo/service.yaml"
ftl_in "$TMP/demo" build
expect bad_spec_is_file_line_col 3 "services/demo/service.yaml:7:14: spec.isolation: .*usr"
sed -i 's/isolation: usr /isolation: user /' "$TMP/demo/services/demo/service.yaml"
sed -i 's/requires: \[\]/requires: [nosuch]/' "$TMP/demo/services/demo/service.yaml"
ftl_in "$TMP/demo" build
expect unknown_required_service 3 "spec.requires\[0\]: unknown service \"nosuch\""
sed -i 's/requires: \[nosuch\]/requires: []/' "$TMP/demo/services/demo/service.yaml"
echo "this is not C" >>"$TMP/demo/services/demo/main.c"
ftl_in "$TMP/demo" build
expect compile_error_fails_the_build 1 "building services/demo failed"

ftl_in "$TMP" frobnicate
expect unknown_command 2 "unknown command \"frobnicate\""
ftl_in "$TMP" build
expect build_outside_a_project 4 "not in an FTL project"
ftl_in "$TMP" new Bad_Name
expect new_checks_the_name 2 "\"Bad_Name\" is not a valid name"
ftl_in "$TMP" new demo
expect new_refuses_to_overwrite 4 "demo already exists"
ftl_in "$TMP" new x --template nope
expect new_unknown_template 2 "unknown template \"nope\""
ftl_in "$TMP/drv" build --fast
expect build_unknown_option 2 "unknown option --fast"
ftl_in "$TMP/drv" run --port 99999:80
expect run_bad_port 2 "--port takes HOST:GUEST"
ftl_in "$TMP/drv" run --memory 1K
expect run_bad_memory 2 "--memory takes a size"
ftl_in "$TMP/drv" run --accel xen
expect run_bad_accel 2 "--accel takes tcg or kvm"
ftl_in "$TMP/drv" generate driver pci zz:1
expect generate_bad_pci_id 2 "VENDOR:DEVICE in hex"
ftl_in "$TMP/drv" generate handler poke
expect generate_bad_handler 2 "no handler type \"poke\""
ftl_in "$TMP" --help
expect help_lists_commands 0 "generate +add a service"
for cmd in new generate build run stop dev test deploy status logs doctor; do
    ftl_in "$TMP" "$cmd" --help
    expect "help_of_$cmd" 0 "usage: ftl $cmd"
done

echo "cli: $passed passed, $failed failed${skipped:+, $skipped skipped}"
[[ $failed -eq 0 ]]
