# Fuzz targets (libFuzzer): tests/fuzz/fuzz_NAME.c plus the real sources it
# feeds, built by the top Makefile into build/fuzz/fuzz_NAME; run by
# tests/fuzz/run.sh on the seeds of tests/fuzz/corpus/NAME/.
# fuzz-cflags-NAME come before the common flags, so a target's own headers
# win over same-named ones elsewhere (os/kernel/object.h, ftl-spec's).
fuzz-targets += spec manifest elf tar dhcp http_session
# libftl's HTTP server, with http-parser and cJSON from build/deps compiled
# apart, without our warnings (fuzz-objs-NAME).
fuzz-src-http_session := sdk/lib/http_server.c sdk/lib/http_buf.c sdk/lib/http_request.c \
    sdk/lib/http_response.c sdk/lib/http_router.c sdk/lib/http_json.c
fuzz-cflags-http_session := -Isdk/lib -I$(HTTP_PARSER_SRC) -I$(CJSON_SRC)
fuzz-objs-http_session := $(BUILD)/fuzz/deps/http_parser.o \
                          $(BUILD)/fuzz/deps/cJSON.o
fuzz-src-spec := sdk/lib/manifest.c \
    $(addprefix tools/ftl-spec/,$(filter-out main.c,$(ftl-spec-src)))
fuzz-cflags-spec := -Itools/ftl-spec -D_GNU_SOURCE $(YAML_CFLAGS)
fuzz-libs-spec := $(YAML_LIBS)
fuzz-src-manifest := sdk/lib/manifest.c
fuzz-src-elf := os/kernel/elf.c
fuzz-cflags-elf := -Ios/kernel
fuzz-src-tar := os/kernel/tar.c
fuzz-cflags-tar := -Ios/kernel
fuzz-src-dhcp := os/services/tcpip/classless.c
fuzz-cflags-dhcp := -Ios/services/tcpip
# libftl's HTTP client: its response parser and URLs, and a call's life
# under any order of events, on the real loop with the unit tests' fake
# IPC layer.
fuzz-targets += http_client http_call
fuzz-src-http_client := sdk/lib/http_reply.c sdk/lib/http_buf.c sdk/lib/http_url.c
fuzz-cflags-http_client := -Isdk/lib -I$(HTTP_PARSER_SRC)
fuzz-objs-http_client := $(BUILD)/fuzz/deps/http_parser.o
fuzz-src-http_call := sdk/lib/http_client.c sdk/lib/http_client_request.c \
    sdk/lib/http_url.c sdk/lib/http_reply.c sdk/lib/http_buf.c sdk/lib/loop.c \
    tests/unit/fake_ipc.c
fuzz-cflags-http_call := -Isdk/lib -Itests/unit -I$(HTTP_PARSER_SRC)
fuzz-objs-http_call := $(BUILD)/fuzz/deps/http_parser.o
# The wasm runtime's import (ftl.syscall) with random calls in front and a
# fake kernel behind that aborts on a buffer outside linear memory.
fuzz-targets += wasm_import
fuzz-src-wasm_import := sdk/lib/wasm/import.c sdk/lib/wasm/import_spawn.c \
                        sdk/lib/wasm/memory.c
fuzz-cflags-wasm_import := -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0
