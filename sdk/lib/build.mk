# libftl: start-up code, C runtime hooks, system call wrappers, and the
# event loop with its server and client helpers; every program links it.
libftl-objs-y += start.o syscall.o spawn.o ipc.o error.o clock.o log.o \
                 loop.o server.o client.o device.o \
                 manifest.o link.o tcp.o drain.o status.o
# The HTTP server (ftl/http.h): the protocol of a connection, its
# transport over ftl_conn, requests, responses, routing and JSON.
libftl-objs-y += http_server.o http_conn.o http_request.o http_response.o \
                 http_router.o http_files.o http_json.o http_buf.o
# The HTTP client (ftl/http_client.h): a call's life, its transport over
# ftl_conn, the request's bytes, URLs and the response parser.
libftl-objs-y += http_client.o http_client_conn.o http_client_request.o \
                 http_url.o http_reply.o

# http-parser and cJSON from build/deps (scripts/fetch-deps.sh, deps.lock)
# are compiled into libftl too, so that an app links one library (cJSON.h
# ships in the SDK's include/; docs/sdk/http.md). A section per function:
# apps without HTTP or JSON carry none of it.
HTTP_PARSER_SRC := $(BUILD)/deps/http-parser
CJSON_SRC := $(BUILD)/deps/cjson
HTTP_DEPS_FETCHED := $(BUILD)/deps/.http-fetched
libftl-dep-objs := $(BUILD)/sdk/deps/http_parser.o $(BUILD)/sdk/deps/cJSON.o

$(HTTP_DEPS_FETCHED): deps.lock
	$(Q)mkdir -p $(@D) && scripts/fetch-deps.sh http-parser cjson \
	    >/dev/null && touch $@
$(HTTP_PARSER_SRC)/http_parser.c $(HTTP_PARSER_SRC)/http_parser.h \
$(CJSON_SRC)/cJSON.c $(CJSON_SRC)/cJSON.h: $(HTTP_DEPS_FETCHED) ;
.SECONDARY: $(HTTP_PARSER_SRC)/http_parser.c $(CJSON_SRC)/cJSON.c

# Their own code is not ours to warn about.
$(BUILD)/sdk/deps/http_parser.o: $(HTTP_PARSER_SRC)/http_parser.c | $(PICOLIBC_LIBC)
	$(call say,CC,http-parser/http_parser.c)
	$(Q)mkdir -p $(@D) && $(CC) $(FTL_CFLAGS) -ffunction-sections \
	    -fdata-sections -w -MMD -MP -c $< -o $@
# cJSON parses nested values by recursion, a few hundred bytes of stack a
# level: its default limit of 1,000 levels would let one request body
# overflow the 64 KiB stack of a kernel-mode service. 64 levels fit.
CJSON_FLAGS := -DCJSON_NESTING_LIMIT=64
$(BUILD)/sdk/deps/cJSON.o: $(CJSON_SRC)/cJSON.c sdk/lib/build.mk | $(PICOLIBC_LIBC)
	$(call say,CC,cjson/cJSON.c)
	$(Q)mkdir -p $(@D) && $(CC) $(FTL_CFLAGS) $(CJSON_FLAGS) \
	    -ffunction-sections -fdata-sections -w -MMD -MP -c $< -o $@

HTTP_LIB_OBJS := $(addprefix $(BUILD)/sdk/lib/,http_server.o http_conn.o \
    http_request.o http_response.o http_router.o http_files.o http_json.o \
    http_client.o http_client_conn.o http_client_request.o http_url.o \
    http_reply.o http_buf.o)
$(HTTP_LIB_OBJS): $(HTTP_DEPS_FETCHED)
$(HTTP_LIB_OBJS): PROGRAM_CFLAGS += -I$(HTTP_PARSER_SRC) -I$(CJSON_SRC)
