# How a service with `isolation: wasm` is built (docs/guides/wasm.md):
#
#   *.c --clang wasm32--> *.o --wasm-ld + libftl (wasm32) + wasi-libc--> NAME.wasm
#   NAME.wasm --wasm2c--> app.c, app.h --gcc--> app.o
#   app.o + instance.o + the runtime (libftl-wasm-rt.a) + libftl + picolibc
#       --> NAME.elf, a kernel-mode FTL program
#
# service.mk includes this when the service's spec says `isolation: wasm`
# (or SERVICE_ISOLATION=wasm is given) and builds $(SERVICE_ELF) with the
# rules below instead of its native ones. The tools come from Debian
# packages: clang and lld (wasm-ld), wasi-libc, libclang-rt-14-dev-wasm32,
# wabt (wasm2c and wasm-rt.h).
#
# Two layouts, as in flags.mk: in the source tree the wasm32 libftl, the
# runtime and the wasm-rt.h link are under FTL_BUILD/sdk/wasm/ and
# instance.c in sdk/lib/wasm/; an installed SDK's layout.mk points at its
# lib/wasm/, which holds all four (sdk/dist.mk).

FTL_WASM_CC ?= clang-14 --target=wasm32-wasi --sysroot=/usr
FTL_WASM2C ?= wasm2c
FTL_WASM_OBJDUMP ?= wasm-objdump
FTL_WASM_LIBFTL ?= $(FTL_BUILD)/sdk/wasm/libftl.a
FTL_WASM_RT ?= $(FTL_BUILD)/sdk/wasm/libftl-wasm-rt.a
FTL_WASM_RT_INCLUDE ?= $(FTL_BUILD)/sdk/wasm/include
FTL_WASM_RT_SRC ?= $(FTL_SDK)/sdk/lib/wasm

# Outside the source tree (whose make installs them: scripts/setup-host.sh)
# the tools may be missing: name the packages rather than fail on the first
# command that needs one.
FTL_WASM_TOOLS := $(firstword $(FTL_WASM_CC)) $(FTL_WASM2C) $(FTL_WASM_OBJDUMP)
ifneq ($(words $(shell for t in $(FTL_WASM_TOOLS); do command -v $$t; \
                                 done)),3)
$(error $(CURDIR): isolation: wasm needs $(FTL_WASM_TOOLS): apt install \
    clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 wabt)
endif
# An installed SDK's runtime was compiled with the wasm-rt.h of one wabt
# version (its layout.mk says which), and the C that wasm2c generates must
# agree with that header.
ifdef FTL_WASM2C_VERSION
FTL_WASM2C_HOST_VERSION := $(shell $(FTL_WASM2C) --version)
ifneq ($(FTL_WASM2C_HOST_VERSION),$(FTL_WASM2C_VERSION))
$(error $(CURDIR): isolation: wasm needs wasm2c $(FTL_WASM2C_VERSION), the \
    wabt this SDK's runtime was built with, not $(FTL_WASM2C_HOST_VERSION))
endif
endif

# The module's own code: wasm32, freestanding from WASI (its one import is
# ftl.syscall, ftl/wasm.h).
FTL_WASM_CFLAGS := -std=c11 -O2 -D_DEFAULT_SOURCE -I$(FTL_INCLUDE) \
                   -I$(FTL_CJSON_INCLUDE)
# No crt1 (the guest's _start is libftl's), the shadow stack first in
# linear memory so that overflowing it leaves the memory (a trap) instead
# of running over the data, 64 KiB of it. -u _start: libftl's _start is
# linked even into a module that uses nothing else of guest_start.c.
FTL_WASM_LDFLAGS := -nostartfiles -Wl,--no-entry -Wl,-u,_start \
                    -Wl,--stack-first \
                    -Wl,-z,stack-size=65536

# The generated C, natively: explicit bounds checks on every access (no
# guard pages: WASM_RT_MEMCHECK_SIGNAL_HANDLER=0), which also turns on the
# call depth count. The depth limit keeps the module's native frames inside
# a kernel-mode thread's 64 KiB stack, which the system calls and interrupts
# also use: the largest frames of pong, kv, tcp_echo and hello measure 320
# bytes (gcc -fstack-usage on app.c; wasi-libc's printf_core), and 150 of
# them leave 16 KiB.
FTL_WASM_RT_DEFS := -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 \
                    -DWASM_RT_USE_STACK_DEPTH_COUNT=1 \
                    -DWASM_RT_MAX_CALL_STACK_DEPTH=150
FTL_WASM_NATIVE_CFLAGS := $(FTL_CFLAGS) $(FTL_WASM_RT_DEFS) \
                          -I$(FTL_WASM_RT_INCLUDE)

WASM_OUT := $(SERVICE_OUT)/wasm
WASM_OBJS := $(SERVICE_SRCS:%.c=$(WASM_OUT)/%.o)
SERVICE_WASM := $(SERVICE_OUT)/$(SERVICE_NAME).wasm

# public/ (service.mk): its table and bytes, compiled into the module.
ifdef SERVICE_PUBLIC_C
WASM_OBJS += $(WASM_OUT)/ftl_public.o
$(WASM_OUT)/ftl_public.o: $(SERVICE_PUBLIC_C) | ftl-sdk
	$(call say,WASMCC,$(SERVICE_NAME)/public)
	$(Q)mkdir -p $(@D) && $(FTL_WASM_CC) $(FTL_WASM_CFLAGS) $(FTL_WARNINGS) \
	    -c $< -o $@
endif

$(WASM_OUT)/%.o: %.c | ftl-sdk
	$(call say,WASMCC,$(SERVICE_NAME)/$<)
	$(Q)mkdir -p $(@D) && $(FTL_WASM_CC) $(FTL_WASM_CFLAGS) $(FTL_WARNINGS) \
	    $(CFLAGS) -MMD -MP -c $< -o $@

$(FTL_WASM_LIBFTL) $(FTL_WASM_RT): ftl-sdk ;

# The module may import ftl.syscall and nothing else: a C library function
# that needs WASI (stdio, strtoul's FILE-based scanner...) is named here
# rather than failing later as an undefined symbol of the generated C.
$(SERVICE_WASM): $(WASM_OBJS) $(FTL_WASM_LIBFTL)
	$(call say,WASMLD,$@)
	$(Q)$(FTL_WASM_CC) $(FTL_WASM_LDFLAGS) -o $@.tmp $(WASM_OBJS) \
	    $(FTL_WASM_LIBFTL)
	$(Q)bad=$$($(FTL_WASM_OBJDUMP) -x -j Import $@.tmp | \
	    sed -n 's/.*<- //p' | grep -vx 'ftl\.syscall'); \
	if [ -n "$$bad" ]; then \
	    echo "$@: the module imports $$(echo $$bad): only ftl.syscall" \
	         "exists (docs/guides/wasm.md: what a wasm service may call)" >&2; \
	    rm -f $@.tmp; exit 1; \
	fi; mv $@.tmp $@

$(WASM_OUT)/app.c: $(SERVICE_WASM)
	$(call say,WASM2C,$<)
	$(Q)mkdir -p $(@D) && $(FTL_WASM2C) -n app -o $@ $<
$(WASM_OUT)/app.h: $(WASM_OUT)/app.c ;

# Generated code: not ours to warn about.
$(WASM_OUT)/app.o: $(WASM_OUT)/app.c
	$(call say,CC,$(SERVICE_NAME)/app.c)
	$(Q)$(CC) $(FTL_WASM_NATIVE_CFLAGS) -w -c $< -o $@

$(WASM_OUT)/instance.o: $(FTL_WASM_RT_SRC)/instance.c $(WASM_OUT)/app.h
	$(call say,CC,$(SERVICE_NAME)/instance.c)
	$(Q)$(CC) $(FTL_WASM_NATIVE_CFLAGS) $(FTL_WARNINGS) -I$(WASM_OUT) \
	    -c $< -o $@

# The runtime's main (in its archive) is asked for by name: libftl's
# _start, which calls it, comes later on the command line.
$(SERVICE_ELF): $(WASM_OUT)/app.o $(WASM_OUT)/instance.o $(FTL_WASM_RT) \
                $(FTL_LIBFTL) service.yaml
	$(call say,LINK,$@)
	$(Q)$(CC) $(FTL_LDFLAGS) -Wl,--undefined=main -o $@ $(WASM_OUT)/app.o \
	    $(WASM_OUT)/instance.o $(FTL_WASM_RT) $(FTL_LIBS)

-include $(WASM_OBJS:.o=.d)
