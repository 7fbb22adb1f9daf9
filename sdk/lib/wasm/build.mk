# WebAssembly services (isolation: wasm; docs/guides/wasm.md, sdk/mk/wasm.mk):
# - libftl for the module, in wasm32: the event loop, server and client
#   helpers and TCP sockets of sdk/lib as they are, with the system call
#   wrappers and the start-up of sdk/lib/wasm/guest;
# - the runtime, natively: what wasm2c's code calls (rt.c, memory.c), the
#   module's import (import.c) and the program's main (main.c);
# - wasm-rt.h from Debian's wabt, alone in a directory of its own, so that
#   the generated code finds it without /usr/include's other headers.
wasm-guest-objs-y := loop.o server.o client.o drain.o error.o log.o tcp.o link.o \
                     spawn.o \
                     wasm/guest/guest_start.o wasm/guest/guest_syscall.o \
                     wasm/guest/guest_wasi.o
# The HTTP server and client (ftl/http.h, ftl/http_client.h) with the
# http-parser and cJSON they are built on, as in the native libftl.
wasm-guest-http-objs := http_server.o http_conn.o http_request.o \
                     http_response.o http_router.o http_files.o http_json.o \
                     http_buf.o http_client.o http_client_conn.o \
                     http_client_request.o http_url.o http_reply.o
wasm-guest-objs-y += $(wasm-guest-http-objs)
wasm-rt-objs-y := rt.o memory.o import.o import_spawn.o main.o

WASM_LIBFTL := $(BUILD)/sdk/wasm/libftl.a
WASM_RT := $(BUILD)/sdk/wasm/libftl-wasm-rt.a
WASM_RT_HEADER := $(BUILD)/sdk/wasm/include/wasm-rt.h
WASM_GUEST_OBJS := $(addprefix $(BUILD)/sdk/wasm/guest/,$(notdir \
                     $(wasm-guest-objs-y)))
WASM_RT_OBJS := $(addprefix $(BUILD)/sdk/wasm/rt/,$(wasm-rt-objs-y))
WASM_CC := clang-14 --target=wasm32-wasi --sysroot=/usr
WASM_GUEST_CFLAGS := -std=c11 -O2 -g -D_DEFAULT_SOURCE -Isdk/include \
                     $(WARNINGS) -MMD -MP

$(WASM_RT_HEADER): /usr/include/wasm-rt.h
	$(Q)mkdir -p $(@D) && ln -sf $< $@

$(BUILD)/sdk/wasm/guest/%.o: sdk/lib/%.c
	$(call say,WASMCC,$<)
	$(Q)mkdir -p $(@D) && $(WASM_CC) $(WASM_GUEST_CFLAGS) -c $< -o $@
$(BUILD)/sdk/wasm/guest/%.o: sdk/lib/wasm/guest/%.c
	$(call say,WASMCC,$<)
	$(Q)mkdir -p $(@D) && $(WASM_CC) $(WASM_GUEST_CFLAGS) -c $< -o $@

WASM_HTTP_OBJS := $(addprefix $(BUILD)/sdk/wasm/guest/,$(wasm-guest-http-objs))
$(WASM_HTTP_OBJS): $(HTTP_DEPS_FETCHED)
$(WASM_HTTP_OBJS): WASM_GUEST_CFLAGS += -I$(HTTP_PARSER_SRC) -I$(CJSON_SRC)
# The dependencies' own code, for wasm32. cJSON's nesting limit is lower
# than natively (CJSON_FLAGS): each level is two nested calls of the
# module, and the runtime's call depth limit (150, sdk/mk/wasm.mk) must
# leave room for the service's own; 32 levels take 64 calls.
WASM_DEP_OBJS := $(BUILD)/sdk/wasm/deps/http_parser.o \
                 $(BUILD)/sdk/wasm/deps/cJSON.o
$(BUILD)/sdk/wasm/deps/http_parser.o: $(HTTP_PARSER_SRC)/http_parser.c
	$(call say,WASMCC,http-parser/http_parser.c)
	$(Q)mkdir -p $(@D) && $(WASM_CC) -std=c11 -O2 -g -w -c $< -o $@
$(BUILD)/sdk/wasm/deps/cJSON.o: $(CJSON_SRC)/cJSON.c sdk/lib/wasm/build.mk
	$(call say,WASMCC,cjson/cJSON.c)
	$(Q)mkdir -p $(@D) && $(WASM_CC) -std=c11 -O2 -g -w \
	    -DCJSON_NESTING_LIMIT=32 -c $< -o $@

$(WASM_LIBFTL): $(WASM_GUEST_OBJS) $(WASM_DEP_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && llvm-ar-14 rcs $@ $^

$(BUILD)/sdk/wasm/rt/%.o: sdk/lib/wasm/%.c $(WASM_RT_HEADER) | $(PICOLIBC_LIBC)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(PROGRAM_CFLAGS) \
	    -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_USE_STACK_DEPTH_COUNT=1 \
	    -I$(dir $(WASM_RT_HEADER)) -c $< -o $@

$(WASM_RT): $(WASM_RT_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

WASM_SDK_LIBS := $(WASM_LIBFTL) $(WASM_RT)

# The runtime's one file compiled per service, against the header wasm2c
# generates for its module (sdk/mk/wasm.mk): the SDK ships it as source.
WASM_RT_INSTANCE_SRC := sdk/lib/wasm/instance.c sdk/lib/wasm/instance.h
# The wabt that wasm-rt.h comes from, recorded in the SDK's layout.mk: the
# generated code, the header and the prebuilt runtime must agree, so an
# installed SDK checks that the host's wasm2c is that version. Expanded
# only when the SDK is assembled.
WASM2C_VERSION = $(shell wasm2c --version)
