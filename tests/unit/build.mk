# Host unit tests: tests/unit/test_NAME.c plus the real sources it tests.
unit-tests += tar bootinfo cmdline fmt error
unit-src-tar := os/kernel/tar.c
unit-src-bootinfo := os/kernel/bootinfo.c os/kernel/arch/x64/multiboot2.c \
                     os/kernel/arch/x64/pvh.c
unit-src-cmdline := os/kernel/cmdline.c
unit-src-fmt := os/kernel/lib/fmt.c
unit-src-error := sdk/lib/error.c

# Memory and objects (page.c, heap.c, handle.c).
unit-tests += page heap handle
unit-src-page := os/kernel/page.c os/kernel/bootinfo.c
unit-src-heap := os/kernel/heap.c os/kernel/page.c os/kernel/bootinfo.c
unit-src-handle := os/kernel/handle.c os/kernel/object.c os/kernel/heap.c \
                   os/kernel/page.c os/kernel/bootinfo.c

# The log rings (logring.c alone; logbook.c on the real page allocator).
unit-tests += logring logbook
unit-src-logring := os/kernel/logring.c
unit-src-logbook := os/kernel/logbook.c os/kernel/logring.c os/kernel/page.c \
                    os/kernel/bootinfo.c

# ELF loader; its fixtures are real PIE files built by tests/unit/fixtures.mk.
unit-tests += elf
unit-src-elf := os/kernel/elf.c
include tests/unit/fixtures.mk
unit-deps-elf := $(elf-fixtures)
unit-cflags-elf := -DFIXTURE_DIR='"build/tests/fixtures"'

# Channel queues and loans (sinks stubbed in the test).
unit-tests += channel
unit-src-channel := os/kernel/channel.c os/kernel/heap.c os/kernel/page.c \
                    os/kernel/object.c os/kernel/bootinfo.c

# The SDK's event loop and helpers against a fake IPC layer.
unit-tests += loop server client
unit-src-loop := sdk/lib/loop.c tests/unit/fake_ipc.c
unit-src-server := sdk/lib/server.c sdk/lib/client.c sdk/lib/loop.c \
                   sdk/lib/drain.c tests/unit/fake_ipc.c
unit-src-client := sdk/lib/client.c sdk/lib/server.c sdk/lib/loop.c \
                   sdk/lib/drain.c tests/unit/fake_ipc.c

# The in-OS boot manifest parser; it also reads the manifests the spec suite
# keeps as golden files.
unit-tests += manifest
unit-src-manifest := sdk/lib/manifest.c
unit-cflags-manifest := -DSPEC_GOOD_DIR='"tests/spec/good"'

# ftl-spec's file name handling (the tool itself is tested end to end by
# tests/host/spec_test.sh).
unit-tests += spec_path
unit-src-spec_path := tools/ftl-spec/path.c tools/ftl-spec/pool.c
unit-cflags-spec_path := -Itools/ftl-spec
# Its error records (diag.c), which the spec fuzz target found holding file
# names past a flush.
unit-tests += spec_diag
unit-src-spec_diag := tools/ftl-spec/diag.c tools/ftl-spec/pool.c
unit-cflags-spec_diag := -D_GNU_SOURCE -Itools/ftl-spec

# The ftl command's parsing of names, ports, sizes and PCI IDs, template
# placeholders and the generators' text edits.
unit-tests += cli
unit-src-cli := ftl-cli/text.c ftl-cli/edit.c ftl-cli/route.c
unit-cflags-cli := -D_GNU_SOURCE -Iftl-cli

# The control channel's host end (ftl status, ftl logs) against fixed
# frames, and the control key. OpenSSL's headers need the C library's
# sched.h, which os/kernel's would hide.
unit-tests += control
# ftl never frees its strings (ftl-cli/text.h): no leak checks, as for
# the tests' ftl (tests/cli/sanitizer_options.c).
unit-src-control := ftl-cli/control.c ftl-cli/files.c ftl-cli/text.c \
                    ftl-cli/output.c ftl-cli/control_transport.c \
                    ftl-cli/proc.c \
                    tests/cli/sanitizer_options.c
unit-cflags-control := -D_GNU_SOURCE -Iftl-cli
unit-drop-cflags-control := -Ios/kernel
unit-libs-control := -lcrypto

# ftl apply's reading of an initfs archive (delta bundles).
unit-tests += initfs_tar
unit-src-initfs_tar := ftl-cli/initfs_tar.c ftl-cli/files.c ftl-cli/text.c \
                       ftl-cli/output.c tests/cli/sanitizer_options.c
unit-cflags-initfs_tar := -D_GNU_SOURCE -Iftl-cli
unit-drop-cflags-initfs_tar := -Ios/kernel
unit-libs-initfs_tar := -lcrypto
# What a delta bundle leaves out, by the record of the running system.
unit-tests += record
unit-src-record := ftl-cli/record.c ftl-cli/initfs_tar.c ftl-cli/session.c \
                   ftl-cli/qemu.c ftl-cli/files.c ftl-cli/text.c \
                   ftl-cli/output.c ftl-cli/proc.c ftl-cli/sdk.c \
                   tests/cli/sanitizer_options.c
unit-cflags-record := -D_GNU_SOURCE -Iftl-cli
unit-drop-cflags-record := -Ios/kernel
unit-libs-record := -lcrypto

# Networking: DHCP classless static routes (tcpip), frame links (against
# the fake IPC layer).
unit-tests += classless link
unit-src-link := sdk/lib/link.c sdk/lib/loop.c tests/unit/fake_ipc.c
unit-src-classless := os/services/tcpip/classless.c
unit-cflags-classless := -Ios/services/tcpip
# virtio_net's receive backlog (the ring alone; the load benchmarks count
# what it saves: the tap's drops).
unit-tests += rxbacklog
unit-src-rxbacklog := os/services/virtio_net/rxbacklog.c
unit-cflags-rxbacklog := -Ios/services/virtio_net

# The HTTP library (sdk/lib/http_*.c) over a fake connection
# (http_fake.c), with http-parser and cJSON from build/deps built for the
# host without our warnings.
unit-tests += http_server http_router http_json http_files
http-unit-src := sdk/lib/http_server.c sdk/lib/http_buf.c sdk/lib/http_request.c \
                 sdk/lib/http_response.c sdk/lib/http_router.c \
                 sdk/lib/http_files.c sdk/lib/http_json.c tests/unit/http_fake.c \
                 tests/unit/fake_ipc.c
http-unit-objs := $(BUILD)/host/deps/http_parser.o $(BUILD)/host/deps/cJSON.o
http-unit-cflags := -Isdk/lib -I$(HTTP_PARSER_SRC) -I$(CJSON_SRC)
$(foreach t,http_server http_router http_json http_files,\
    $(eval unit-src-$(t) := $(http-unit-src))\
    $(eval unit-objs-$(t) := $(http-unit-objs))\
    $(eval unit-deps-$(t) := $(HTTP_DEPS_FETCHED))\
    $(eval unit-cflags-$(t) := $(http-unit-cflags)))
# Its transport over ftl_conn, on the real loop, with ftl/tcp.h faked.
unit-tests += http_conn
unit-src-http_conn := $(http-unit-src) sdk/lib/http_conn.c sdk/lib/loop.c \
                      sdk/lib/drain.c sdk/lib/error.c
unit-objs-http_conn := $(http-unit-objs)
unit-deps-http_conn := $(HTTP_DEPS_FETCHED)
unit-cflags-http_conn := $(http-unit-cflags)
# The HTTP client (sdk/lib/http_client*.c, http_url.c, http_reply.c) on
# the real loop, with ftl/tcp.h faked in the test.
unit-tests += http_client
unit-src-http_client := sdk/lib/http_client.c sdk/lib/http_client_conn.c \
                        sdk/lib/http_client_request.c sdk/lib/http_url.c sdk/lib/http_reply.c sdk/lib/http_buf.c \
                        sdk/lib/loop.c tests/unit/fake_ipc.c
unit-objs-http_client := $(BUILD)/host/deps/http_parser.o
unit-deps-http_client := $(HTTP_DEPS_FETCHED)
unit-cflags-http_client := -Isdk/lib -I$(HTTP_PARSER_SRC)
$(BUILD)/host/deps/http_parser.o: $(HTTP_PARSER_SRC)/http_parser.c $(HOST_FLAGS_STAMP)
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -w -c $< -o $@
$(BUILD)/host/deps/cJSON.o: $(CJSON_SRC)/cJSON.c $(HOST_FLAGS_STAMP) \
                           sdk/lib/build.mk
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) $(CJSON_FLAGS) -w -c $< -o $@

# The control channel's frames (os/services/control/frame.c), with
# mbedtls's HMAC-SHA256 (md.c, sha256.c) built for the host with FTL's
# mbedtls configuration.
unit-tests += control_frame
unit-src-control_frame := os/services/control/frame.c
# A section per function, and the unused ones dropped at the link: md.c
# also holds the PSA and SHA-512 glue that HMAC-SHA256 never calls.
control-mbedtls := md sha256 sha512 platform_util platform constant_time
unit-objs-control_frame := $(foreach f,$(control-mbedtls),$(BUILD)/host/mbedtls/$(f).o)
unit-deps-control_frame := $(MBEDTLS_FETCHED)
unit-cflags-control_frame := -Ios/services/control $(MBEDTLS_INCLUDES) \
                             -Wl,--gc-sections
$(BUILD)/host/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c $(HOST_FLAGS_STAMP) \
                           os/lib/mbedtls/config.h | $(MBEDTLS_FETCHED)
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) $(MBEDTLS_INCLUDES) -w \
	    -ffunction-sections -fdata-sections -c $< -o $@

# The supervisor's status table read back (sdk/lib/status.c) and the
# control service's JSON of it.
unit-tests += status
unit-src-status := sdk/lib/status.c os/services/control/status_json.c
unit-cflags-status := -Ios/services/control

# The reconcile plan of ftl apply (os/services/supervisor/plan.c) on
# manifests parsed by the real parser.
unit-tests += plan
unit-src-plan := os/services/supervisor/plan.c sdk/lib/manifest.c
unit-cflags-plan := -Ios/services/supervisor

# The WebAssembly runtime's checks of what a module passes to ftl.syscall
# (sdk/lib/wasm/import.c) and its linear memory (memory.c), on fake FTL
# calls; wasm-rt.h is Debian's wabt's.
unit-tests += wasm_import
unit-src-wasm_import := sdk/lib/wasm/import.c sdk/lib/wasm/import_spawn.c \
                        sdk/lib/wasm/memory.c
unit-cflags-wasm_import := -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0
# Its function types, traps and tables (rt.c), on a fake ftl_log and exit.
unit-tests += wasm_rt
unit-src-wasm_rt := sdk/lib/wasm/rt.c
unit-cflags-wasm_rt := -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0
